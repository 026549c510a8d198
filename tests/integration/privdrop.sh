#!/bin/bash
# kuncid started by root with agent.user naming another account becomes
# that account before it creates its sockets, so they belong to it (the
# owner pam_kunci checks), and cannot regain root.
set -u
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" -eq 0 ] || t_skip "needs root to start kuncid as root"
id nobody >/dev/null 2>&1 || t_skip "no user nobody"
: "${KUNCICTL:=$KUNCI_TOP/build/kuncictl}"

sandbox_up
D=$KUNCI_SANDBOX
SB=$KUNCI_TOP/tests/sandbox
"$SB" kuncid-stop "$D" >/dev/null 2>&1
sed -i 's|^\([[:space:]]*user = \).*|\1"nobody";|' "$D/kunci.conf"
# What kuncid needs as its own user, the way a package gives it to _kunci.
chown -R nobody "$D/run" "$D/state"
for f in "$D/bind.pw" "$D/sign.key"; do
	[ -e "$f" ] && chown nobody "$f"
done
t_check "kuncid starts as root with agent.user = nobody" "$SB" kuncid-start "$D"
pid=$(cat "$D/kuncid.pid")
t_eq "it runs as nobody" "$(id -u nobody)" "$(ps -o uid= -p "$pid" | tr -d ' ')"
t_eq "its real, effective and saved uids are nobody's" \
    "$(id -u nobody) $(id -u nobody) $(id -u nobody)" \
    "$(awk '/^Uid:/ { print $2, $3, $4 }' "/proc/$pid/status")"
t_eq "no supplementary groups kept from root" "$(id -g nobody)" \
    "$(awk '/^Groups:/ { print $2 }' "/proc/$pid/status")"
t_eq "the admin socket belongs to nobody" nobody "$(stat -c %U "$KUNCI_SOCKET")"
t_eq "the query socket belongs to nobody" nobody "$(stat -c %U "$KUNCI_QUERY_SOCKET")"
t_check "kuncictl still reaches it" "$KUNCICTL" -s "$KUNCI_SOCKET" status
t_grep "the log says so" 'running as nobody' "$D/kuncid.log"

# An agent.user that does not exist: a clear error, no process left.
"$SB" kuncid-stop "$D" >/dev/null 2>&1
sed -i 's|^\([[:space:]]*user = \).*|\1"kunci-no-such-user";|' "$D/kunci.conf"
t_check_fail "an unknown agent.user is refused" "$SB" kuncid-start "$D"
t_grep "... naming the user" 'agent.user kunci-no-such-user: no such user' "$D/kuncid.log"
t_done
