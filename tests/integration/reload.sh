#!/bin/bash
# Signals: SIGHUP reloads the configuration (a new service mapping takes
# effect with no login dropped meanwhile; a broken file is refused with
# its file:line and the old configuration stays; a change to a group that
# needs a restart is named); SIGTERM stops cleanly, the sockets and the
# table removed.  Under systemd (JOURNAL_STREAM naming stderr) each record
# goes out once, on the syslog socket, not twice.
. "$(dirname "$0")/gate.inc"

gate_setup
pam_service kt "resource=host:test"
pam_service panelx ""
TAB=$(dirname "$KUNCI_QUERY_SOCKET")/gate.table
log=$SB/kuncid.log
grant_add R-001 hsantoso host:test active -3600 86400
grant_add R-002 hsantoso panel:x active -3600 86400
t_check "kuncid syncs and allows" wait_result kt hsantoso PAM_SUCCESS 100
kpid=$(cat "$SB/kuncid.pid")
t_eq "panelx is not mapped: denied" PAM_PERM_DENIED "$(pc panelx hsantoso)"

# logins on a mapped service go on through every reload below: each must
# be allowed (none dropped, none refused)
logins()
{
	local i bad=0
	for i in $(seq "$1"); do
		[ "$(pc kt hsantoso)" = PAM_SUCCESS ] || bad=$((bad + 1))
	done
	echo "$bad" >"$GT/bad.$2"
}
logins 300 1 &
lp=$!

# a new mapping, by SIGHUP
cp "$KUNCI_CONF" "$GT/conf.orig"
sed -i 's|^\([[:space:]]*\){ service = "sshd"; resource = "host:%h"; },|\1{ service = "panelx"; resource = "panel:x"; },\n&|' "$KUNCI_CONF"
t_check "the mapping is in the file" grep -q '"panelx"' "$KUNCI_CONF"
kill -HUP "$kpid"
t_check "SIGHUP: the new mapping takes effect" \
    wait_result panelx hsantoso PAM_SUCCESS 50
t_wait_grep "... logged: the login group is in force" \
    "reload: .*kunci.conf: in force now: login" "$log"
t_check "... the same kuncid (no restart)" kill -0 "$kpid"
t_eq "... which is running" "$kpid" "$(cat "$SB/kuncid.pid")"

# a broken file: refused with file:line, the old configuration stays
cp "$KUNCI_CONF" "$GT/conf.good"
printf 'login = { services = ( { service = "x" ; } ) \n' >>"$KUNCI_CONF"
n=$(grep -c 'reload refused' "$log")
kill -HUP "$kpid"
t_wait_eq "a broken file: the reload is refused" $((n + 1)) 50 \
    grep -c 'reload refused' "$log"
t_grep "... naming the file and the line" \
    "reload refused, the running configuration stays: $KUNCI_CONF:[0-9]+: " "$log"
t_check "... kuncid is still running" kill -0 "$kpid"
t_eq "... with the mapping it had" PAM_SUCCESS "$(pc panelx hsantoso)"

# a group that needs a restart is named; nothing else changes
cp "$GT/conf.good" "$KUNCI_CONF"
sed -i 's|^\([[:space:]]*timeout[[:space:]]*=\).*|\1 "7s";|' "$KUNCI_CONF"
kill -HUP "$kpid"
t_wait_grep "a restart-only change is named" \
    "reload: .*: changed, in force only after a restart of kuncid: directory" "$log"
t_wait_grep "... and audited" "config.reload file=.* result=loaded" "$log"
# snapshot_key_file is read once, at start: a restart key, though in login
cp "$GT/conf.good" "$KUNCI_CONF"
cp "$GT/snapshot.key" "$GT/snapshot2.key"
sed -i "s|^\([[:space:]]*snapshot_key_file[[:space:]]*=\).*|\1 \"$GT/snapshot2.key\";|" "$KUNCI_CONF"
n=$(grep -c 'in force now: login' "$log")
kill -HUP "$kpid"
t_wait_grep "login.snapshot_key_file is named as needing a restart" \
    "in force only after a restart of kuncid: login.snapshot_key_file" "$log"
t_eq "... and login is not said to be in force" "$n" "$(grep -c 'in force now: login' "$log")"

# the file as it runs (the restart-only change was not applied)
cp "$GT/conf.good" "$KUNCI_CONF"
kill -HUP "$kpid"
t_wait_grep "the file as kuncid runs it: nothing changed" "reload: .*: nothing changed" "$log"

# the file as it was: the mapping goes again
cp "$GT/conf.orig" "$KUNCI_CONF"
kill -HUP "$kpid"
t_check "the mapping removed by a reload: denied again" \
    wait_result panelx hsantoso PAM_PERM_DENIED 50
wait "$lp"
t_eq "no login dropped or refused during the reloads (300 logins)" 0 \
    "$(cat "$GT/bad.1")"

# SIGTERM: a clean stop, the sockets and the table removed
t_check "the table is published" test -f "$TAB"
kill -TERM "$kpid"
t_check "SIGTERM: kuncid stops" wait_for 100 eval '! kill -0 "$kpid" 2>/dev/null'
t_check "... its query socket removed" test ! -e "$KUNCI_QUERY_SOCKET"
t_check "... its admin socket removed" test ! -e "$KUNCI_SOCKET"
t_check "... its table removed" test ! -e "$TAB"
rm -f "$SB/kuncid.pid"

# one channel under systemd: with JOURNAL_STREAM naming stderr, records go
# to the syslog socket only; without it (a hand start with -f), both
python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\n") + b"\n")
' "$GT/log.sock" "$GT/syslog.out" &
rp=$!
trap 'kill "$rp" 2>/dev/null; gate_cleanup' EXIT
wait_for 50 test -S "$GT/log.sock"
: >"$GT/stderr.out"
(
	JOURNAL_STREAM=$(stat -c '%d:%i' "$GT/stderr.out")
	export JOURNAL_STREAM
	exec "$KUNCID" -f -c "$KUNCI_CONF" -l "$GT/log.sock" 2>>"$GT/stderr.out"
) </dev/null >/dev/null &
jp=$!
t_check "under systemd: started" wait_grep 'started, config' "$GT/syslog.out" 100
t_check "... the record on the syslog socket" grep -q 'kuncid\[[0-9]*\]: started, config' "$GT/syslog.out"
t_eq "... and not a second time on stderr (the journal)" 0 \
    "$(grep -c 'started, config' "$GT/stderr.out")"
kill -TERM "$jp"
wait "$jp"
: >"$GT/stderr.out" ; : >"$GT/syslog.out"
"$KUNCID" -f -c "$KUNCI_CONF" -l "$GT/log.sock" 2>>"$GT/stderr.out" </dev/null >/dev/null &
jp=$!
t_check "a hand start with -f: on stderr" wait_grep 'started, config' "$GT/stderr.out" 100
t_check "... and on the socket" wait_grep 'started, config' "$GT/syslog.out" 50
kill -TERM "$jp"
wait "$jp"
t_done
