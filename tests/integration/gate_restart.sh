#!/bin/bash
# gate_restart.sh: kuncid restarted from its snapshot while the directory
# is up (issue 18).  The snapshot keeps the sync cookie of the state it
# holds, so the sync resumes from it: by syncprov's session log, or by a
# present phase after a slapd restart emptied the log.  Without a cookie
# for any configured URI the sync refreshes in full, applied in place to
# the snapshot's index (not into a second index beside it).  Each way,
# grants deleted, revoked or added while kuncid was down come out as in
# the directory, and what the directory no longer has is gone.
. "$(dirname "$0")/gate.inc"

gate_setup
pam_service kt "resource=host:test"
snap=$SB/state/grants.snapshot

# in this order: the sync applies them in order, so the last one allowed
# means all four are in the index
grant_add R-004 rwulandari host:test revoked -3600 86400
grant_add R-001 hsantoso host:test active -3600 86400
grant_add R-002 dpratama host:test active -3600 86400
grant_add R-003 asetiawan host:test active -3600 86400

t_check "allowed before the restart" wait_result kt asetiawan PAM_SUCCESS 100
t_eq "second grant allowed" PAM_SUCCESS "$(pc kt dpratama)"
# a change withdraws the snapshot; it is written again 5 s later
t_check "snapshot written" wait_for 150 test -s "$snap"

"$KUNCI_TOP/tests/sandbox" kuncid-stop "$SB" >/dev/null 2>&1
fulls() { grep -c 'refreshed in place\|refresh done' "$SB/kuncid.log"; }
full0=$(fulls)
# while kuncid is down: one grant deleted, one revoked, one reinstated,
# one added
ldelete "kunciId=R-001,ou=grants,ou=kunci,$KUNCI_BASE" >/dev/null
grant_set R-002 kunciStatus revoked
grant_set R-004 kunciStatus active
grant_add R-005 bkurniawan host:test active -3600 86400
"$KUNCI_TOP/tests/sandbox" kuncid-start "$SB" >/dev/null 2>&1 ||
    t_fail "kuncid did not start"
t_wait_grep "started from the snapshot, with its cookie" \
    'snapshot loaded: 4 grants.*the sync resumes from its cookie' "$SB/kuncid.log"
t_wait_grep "the sync resumed from the snapshot's cookie" \
    'sync: resumed from the cookie, 4 grants' "$SB/kuncid.log"
t_eq "no full refresh" "$full0" "$(fulls)"

t_eq "deleted while down: denied" PAM_PERM_DENIED "$(pc kt hsantoso)"
t_eq "revoked while down: denied" PAM_PERM_DENIED "$(pc kt dpratama)"
t_eq "reinstated while down: allowed" PAM_SUCCESS "$(pc kt rwulandari)"
t_eq "added while down: allowed" PAM_SUCCESS "$(pc kt bkurniawan)"
t_eq "unchanged: allowed" PAM_SUCCESS "$(pc kt asetiawan)"
# the changes withdrew the old snapshot and a new one follows
t_check "the changes' snapshot is written" wait_for 150 test -s "$snap"

# The withdrawal itself reaches the disk: after the unlink, the state
# directory is fsynced before the next snapshot is even begun (the
# rename's own fsync comes only with that one, 5 s later).
if command -v strace >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	pid=$(cat "$SB/kuncid.pid")
	strace -f -y -p "$pid" -e trace=unlink,unlinkat,fsync,openat \
	    -o "$GT/trace" 2>"$GT/strace.err" &
	spid=$!
	t_check "strace attached" wait_for 50 grep -q attached "$GT/strace.err"
	grant_set R-003 kunciNotAfter "$(now_gt 7200)"
	t_check "withdrawn after a change" wait_for 100 test ! -e "$snap"
	t_check "then written again" wait_for 150 test -s "$snap"
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	t_eq "the unlink is followed by an fsync of the state directory" dir \
	    "$(awk -v s="$snap" -v d="$SB/state" '
		index($0, "\"" s "\"") && /unlink/ { u = 1; next }
		u && index($0, "fsync(") && index($0, "<" d ">") { print "dir"; exit }
		u && index($0, s ".tmp") { print "tmp first"; exit }' "$GT/trace")"
else
	echo "note: the fsync after the withdrawal is not checked here (needs root and strace)"
fi

# A restart with nothing changed meanwhile: the resume changes nothing,
# and the snapshot's index must still get its table (the module decides
# from it, not through the socket).
t_check "snapshot written before the quiet restart" wait_for 150 test -s "$snap"
"$KUNCI_TOP/tests/sandbox" kuncid-restart "$SB" >/dev/null 2>&1 ||
    t_fail "kuncid did not restart"
t_wait_eq "the quiet restart resumed" 2 100 \
    grep -c 'sync: resumed from the cookie, 4 grants' "$SB/kuncid.log"
t_check "the table is published after a resume that changed nothing" \
    wait_for 50 test -s "$SB/run/gate.table"
viatab() { grep -c 'login.allow user=asetiawan .*via=table' "$SB/kuncid.log"; }
n0=$(viatab)
# a login until one is decided from the table: the table goes online a
# moment after the sync's log line
table_login() { pc kt asetiawan >/dev/null; test "$(viatab)" -gt "$n0"; }
t_check "a login after the quiet restart is decided from the table (via=table)" \
    wait_for 50 table_login

# Changes while kuncid is down, then slapd restarted: its session log
# starts empty at the contextCSN it recorded, which is past the cookie,
# so the cookie resumes by a present phase (the changed entries, the
# UUIDs of the others; what it does not name is swept).
gone() { grep -c 'sync: [0-9]* entries gone while disconnected' "$SB/kuncid.log"; }
gone0=$(gone)
"$KUNCI_TOP/tests/sandbox" kuncid-stop "$SB" >/dev/null 2>&1
ldelete "kunciId=R-005,ou=grants,ou=kunci,$KUNCI_BASE" >/dev/null
grant_set R-002 kunciStatus active
"$KUNCI_TOP/tests/sandbox" slapd-stop "$SB" >/dev/null 2>&1
"$KUNCI_TOP/tests/sandbox" slapd-start "$SB" >/dev/null 2>&1 ||
    t_fail "slapd did not start"
"$KUNCI_TOP/tests/sandbox" kuncid-start "$SB" >/dev/null 2>&1 ||
    t_fail "kuncid did not start"
t_wait_grep "resumed again, after the slapd restart" \
    'sync: resumed from the cookie, 3 grants' "$SB/kuncid.log"
t_eq "by a present phase: the deleted grant swept" "$((gone0 + 1))" "$(gone)"
t_wait_grep "... one entry" 'sync: 1 entries gone while disconnected' "$SB/kuncid.log"
t_eq "present phase: deleted while down denied" PAM_PERM_DENIED "$(pc kt bkurniawan)"
t_eq "present phase: reinstated while down allowed" PAM_SUCCESS "$(pc kt dpratama)"
t_eq "present phase: an earlier deletion stays" PAM_PERM_DENIED "$(pc kt hsantoso)"
t_eq "still no full refresh" "$full0" "$(fulls)"
t_check "that snapshot is written" wait_for 150 test -s "$snap"

# The snapshot's cookie is of a URI no longer in directory.uri (the
# socket dropped from the list): no cookie is sent, the sync refreshes in
# full into the snapshot's index and sweeps what it did not name.
"$KUNCI_TOP/tests/sandbox" kuncid-stop "$SB" >/dev/null 2>&1
cp "$SB/kunci.conf" "$GT/kunci.conf.both"
sed -i 's|^\([[:space:]]*uri = \[\) *"ldapi://[^"]*", *|\1 |' "$SB/kunci.conf"
t_eq "the config names one URI now" 1 "$(grep -c '^[[:space:]]*uri = \[ "ldap://127.0.0.1' "$SB/kunci.conf")"
ldelete "kunciId=R-003,ou=grants,ou=kunci,$KUNCI_BASE" >/dev/null
"$KUNCI_TOP/tests/sandbox" kuncid-start "$SB" >/dev/null 2>&1 ||
    t_fail "kuncid did not start"
t_wait_grep "a cookie of another URI is not sent" \
    'its cookie is of a URI no longer configured' "$SB/kuncid.log"
t_wait_grep "the full refresh went into the snapshot's index" \
    'sync: refreshed in place, 2 grants' "$SB/kuncid.log"
t_eq "full refresh: deleted while down denied" PAM_PERM_DENIED "$(pc kt asetiawan)"
t_eq "full refresh: the others as they were" "PAM_SUCCESS PAM_SUCCESS PAM_PERM_DENIED" \
    "$(pc kt dpratama) $(pc kt rwulandari) $(pc kt bkurniawan)"
cp "$GT/kunci.conf.both" "$SB/kunci.conf"

t_done
