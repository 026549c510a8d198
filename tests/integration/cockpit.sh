#!/bin/bash
# cockpit.sh: a login to a real Cockpit (Debian's cockpit-ws, run by this
# test on a free loopback port without TLS) through its PAM service
# "cockpit", with the shipped gate unchanged: kunci.conf's login.services
# (cockpit -> control-panel:cockpit) and conf/pam.d/cockpit.example as
# /etc/pam.d/cockpit, only the module path and the sandbox's socket= and
# agent_user= added.  A throwaway local user with a password, who is also a
# directory person, logs in with HTTP Basic on /cockpit/login: refused
# without a grant (cockpit-session's account phase fails: 403), let in with
# one (200), refused again after revocation; a wrong password is 401; with
# kuncid stopped the person is refused and the break-glass account
# (unmanaged=darurat, made here unless the machine has one) let in.  The
# system's /etc/pam.d/cockpit is put back on exit, also after a failure
# halfway.  Needs root.  Other tests that restore all of /etc/pam.d
# (package.sh) must not run at the same time: t_system_lock waits.
# asan: skip
. "$(dirname "$0")/gate.inc"

[ "$(id -u)" = 0 ] || t_skip "needs root (local user, /etc/pam.d/cockpit)"
t_system_lock
WS=/usr/lib/cockpit/cockpit-ws
[ -x "$WS" ] || t_skip "cockpit-ws not installed"
[ -x /usr/lib/cockpit/cockpit-session ] || t_skip "cockpit-session not installed"
command -v cockpit-bridge >/dev/null || t_skip "cockpit-bridge not installed"
command -v curl >/dev/null || t_skip "curl not installed"

PAMFILE=/etc/pam.d/cockpit
EXAMPLE=$KUNCI_TOP/conf/pam.d/cockpit.example
TUSER=kck$$			# an invented throwaway account
TPASS=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
SAVED=			# a copy of the system's PAM file, when it had one
WSPID=
MADE_USER=0
BGUSER=darurat		# the break-glass account on the shipped line
MADE_BG=0

# drop_user NAME: wait for the user's processes (a session's bridge ends
# when cockpit-ws goes), after 3 s end what is left (it runs as a user
# this test made), then delete the user
drop_user()
{
	local i
	for i in $(seq 100); do
		pgrep -u "$1" >/dev/null || break
		[ "$i" = 30 ] && pgrep -u "$1" | xargs -r kill 2>/dev/null
		sleep 0.1
	done
	userdel -r "$1" >/dev/null 2>&1 ||
	    echo "# cockpit.sh: userdel $1 failed" >&2
}

cockpit_cleanup()
{
	# an interrupt must not cut the restoring short
	trap '' INT TERM HUP
	if [ -n "$WSPID" ]; then
		kill "$WSPID" 2>/dev/null
		wait "$WSPID" 2>/dev/null
	fi
	# the PAM file first: the system's Cockpit is back as it was even if
	# anything below fails
	if [ -n "$SAVED" ]; then
		cp -p "$SAVED" "$PAMFILE.kunci-new" &&
		    mv "$PAMFILE.kunci-new" "$PAMFILE" ||
		    echo "# cockpit.sh: restoring $PAMFILE failed; the original is $SAVED" >&2
	else
		rm -f "$PAMFILE"
	fi
	[ "$MADE_USER" = 1 ] && drop_user "$TUSER"
	[ "$MADE_BG" = 1 ] && drop_user "$BGUSER"
	if [ "$T_FAIL" -gt 0 ] && [ -s "$GT/ws.log" ]; then
		echo "# cockpit-ws said:" >&2
		sort "$GT/ws.log" | uniq -c | tail -n 10 >&2
	fi
	# the backup outlives the test only when it could not be put back
	[ -n "$SAVED" ] && cmp -s "$SAVED" "$PAMFILE" && rm -f "$SAVED"
	gate_cleanup
}

# libpam takes a relative module path as relative to its module directory
PAM_KUNCI=$(readlink -f "$PAM_KUNCI")

gate_setup
trap cockpit_cleanup EXIT
# a signal ends the test through the EXIT trap, which restores
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# the shipped snippet is Debian's file (cockpit-ws's conffile) plus the
# kunci lines: its header comment and the two kunci lines taken out, it is
# byte for byte what the package ships
debian_md5=$(dpkg-query -W -f='${Conffiles}\n' cockpit-ws 2>/dev/null |
    awk '$1 == "/etc/pam.d/cockpit" { print $2 }')
if [ -n "$debian_md5" ]; then
	t_eq "cockpit.example is Debian's /etc/pam.d/cockpit plus the kunci lines" \
	    "$debian_md5" \
	    "$(sed -e '2,/^[^#]/{/^#/d}' -e '/^# kunci:/d' -e '/pam_kunci\.so/d' \
	    "$EXAMPLE" | md5sum | cut -d' ' -f1)"
fi
t_eq "cockpit.example has one pam_kunci line" 1 "$(grep -c 'pam_kunci\.so' "$EXAMPLE")"

# a free loopback port before touching the system
port=
for _ in $(seq 50); do
	p=$((30000 + RANDOM % 30000))
	[ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] && { port=$p; break; }
done
[ -n "$port" ] || t_skip "no free port"

# the local user with a password, and the same person in the directory
id "$TUSER" >/dev/null 2>&1 && t_skip "user $TUSER exists"
useradd -m -s /bin/bash "$TUSER" || t_skip "useradd failed"
MADE_USER=1
uid=$(id -u "$TUSER")
echo "$TUSER:$TPASS" | chpasswd || t_fail "chpasswd"
t_check "throwaway user has uid >= 1000 (gated: minimum_uid=1000)" test "$uid" -ge 1000
la >/dev/null <<EOT || t_fail "directory person"
dn: uid=$TUSER,ou=people,$KUNCI_BASE
objectClass: inetOrgPerson
objectClass: posixAccount
uid: $TUSER
cn: Uji Cockpit
sn: Cockpit
uidNumber: $uid
gidNumber: $(id -g "$TUSER")
homeDirectory: /home/$TUSER
EOT

# /etc/pam.d/cockpit: the shipped example; on its one pam_kunci line only
# the module's path and the sandbox's socket and agent user differ
# (the copy is kept outside /etc/pam.d, out of reach of anything that
# rewrites that directory)
if [ -e "$PAMFILE" ]; then
	SAVED=$(mktemp "${TMPDIR:-/tmp}/kunci-cockpit-pam.XXXXXX")
	cp -p "$PAMFILE" "$SAVED" || t_skip "cannot back up $PAMFILE"
fi
if ! sed "s|^\(account .*\) pam_kunci\.so \(.*\)$|\1 $PAM_KUNCI \2 socket=$KUNCI_QUERY_SOCKET agent_user=$ME|" \
    "$EXAMPLE" >"$PAMFILE.kunci-new" || ! chmod 644 "$PAMFILE.kunci-new" ||
    ! mv "$PAMFILE.kunci-new" "$PAMFILE"; then
	rm -f "$PAMFILE.kunci-new"
	t_fail "installing $PAMFILE"
	t_done
fi
ours=$(md5sum <"$PAMFILE")
t_eq "the installed file differs from the example only in the module path and socket=/agent_user=" \
    "" "$(diff <(sed "s| socket=$KUNCI_QUERY_SOCKET agent_user=$ME$||; s|$PAM_KUNCI|pam_kunci.so|" "$PAMFILE") "$EXAMPLE")"
t_eq "the pam_kunci line changed in just that way" 1 \
    "$(grep -c "^account .* $PAM_KUNCI minimum_uid=1000 unmanaged=darurat socket=$KUNCI_QUERY_SOCKET agent_user=$ME\$" "$PAMFILE")"

# cockpit-ws, ours: no TLS, loopback only
"$WS" --no-tls --port "$port" --address 127.0.0.1 >"$GT/ws.log" 2>&1 &
WSPID=$!
ws_up() { [ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ]; }
if ! wait_for 100 ws_up; then
	t_fail "cockpit-ws listens on 127.0.0.1:$port" "$(tail -n 5 "$GT/ws.log")"
	t_done
fi

# one login: the HTTP status of /cockpit/login with HTTP Basic; each a
# fresh connection, no cookie kept.  200: in; 401: authentication failed;
# 403: the account phase refused (cockpit-session: "Permission denied").
login()
{
	curl -s -o /dev/null -m 20 -w '%{http_code}' -u "${1:-$TUSER}:$TPASS" \
	    "http://127.0.0.1:$port/cockpit/login"
}
gq_is() { [ "$(gq "$TUSER" cockpit | head -n1 | cut -d' ' -f1)" = "$1" ]; }
log=$SB/kuncid.log

# the grant index is current before the first login
t_check "kuncid knows the person and has no grant for them" wait_for 100 gq_is deny
t_eq "a wrong password is refused" 401 \
    "$(curl -s -o /dev/null -m 20 -w '%{http_code}' -u "$TUSER:wrong" \
    "http://127.0.0.1:$port/cockpit/login")"
t_eq "no grant: the Cockpit login is refused" 403 "$(login)"
t_wait_grep "... by pam_kunci, which tells the user the resource to ask for" \
    "cockpit-session: pam: kunci: .*control-panel:cockpit" "$GT/ws.log"
# rhost: this record is Cockpit's login, not one of the test's queries
t_wait_grep "audit: login.deny for the user, service cockpit, control-panel:cockpit" \
    "login.deny user=$TUSER service=cockpit rhost=127.0.0.1 .*resource=control-panel:cockpit .*reason=\"no grant\"" "$log"

grant_add S-001 "$TUSER" control-panel:cockpit active -60 3600
t_check "the grant reached kuncid" wait_for 50 gq_is allow
t_wait_eq "with a grant for control-panel:cockpit: the login is let in" \
    200 50 login
t_wait_grep "audit: login.allow for the user, service cockpit, control-panel:cockpit" \
    "login.allow user=$TUSER service=cockpit rhost=127.0.0.1 .*resource=control-panel:cockpit grant=S-001" "$log"

grant_set S-001 kunciStatus revoked
t_check "the revocation reached kuncid" wait_for 50 gq_is deny
t_wait_eq "after revocation: the login is refused again" 403 50 login
t_wait_grep "audit: login.deny, the grant revoked" \
    "login.deny user=$TUSER service=cockpit rhost=127.0.0.1 .*grant=S-001 .*reason=\"grant revoked\"" "$log"
# kuncid down: the shipped line fails closed for a person who holds a
# grant, and lets the break-glass account (unmanaged=darurat, a local
# account not in the directory, uid >= 1000) in
if id "$BGUSER" >/dev/null 2>&1; then
	echo "# $BGUSER exists on this machine: the break-glass part is skipped" >&2
else
	grant_set S-001 kunciStatus active
	t_check "the reinstated grant reached kuncid" wait_for 50 gq_is allow
	t_wait_eq "reinstated: the login is let in" 200 50 login
	useradd -m -s /bin/bash "$BGUSER" && MADE_BG=1
	echo "$BGUSER:$TPASS" | chpasswd || t_fail "chpasswd $BGUSER"
	t_check "$BGUSER has uid >= 1000 (not let in by minimum_uid)" \
	    test "$(id -u "$BGUSER")" -ge 1000
	"$KUNCI_TOP/tests/sandbox" kuncid-stop "$SB" >/dev/null 2>&1
	t_check_fail "kuncid is down" gq "$TUSER" cockpit
	# PAM_AUTHINFO_UNAVAIL from the account phase: Cockpit answers 401
	t_eq "kuncid down: the person with a grant is refused" 401 "$(login)"
	t_wait_grep "... told that access cannot be checked now" \
	    "cockpit-session: pam: kunci: akses tidak dapat diperiksa saat ini; coba lagi nanti\. \(access cannot be checked right now" "$GT/ws.log"
	t_eq "kuncid down: the break-glass account logs in" 200 "$(login "$BGUSER")"
fi
t_eq "/etc/pam.d/cockpit was the test's throughout" "$ours" "$(md5sum <"$PAMFILE")"

t_done
