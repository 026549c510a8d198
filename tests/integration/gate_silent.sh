#!/bin/bash
# gate_silent.sh: a directory that goes silent without a reset.  kuncid's
# LDAP connections run through a TCP relay on loopback (tests/tools/
# relay.py) that is frozen -- connections stay open, nothing flows -- and
# later the sandbox's own slapd is stopped with SIGSTOP during logins.
# Asserted each time: the gate goes offline (or fails over) within 5 s;
# offline = "deny" resources then deny; a grant revoked in LDAP meanwhile
# is never allowed after those 5 s (0 wrong allows, counted by a login
# loop running throughout); kuncictl's own revocation binds the gate at
# once even while the sync connection is stuck; once the relay thaws, the
# other URI is used or slapd continues, a revocation reaches the gate in
# under 1 s, and a reconnect resumes from the sync cookie.
. "$(dirname "$0")/gate.inc"

command -v python3 >/dev/null 2>&1 || t_skip "python3 needed for the relay"
KUNCICTL=${KUNCICTL:-$BUILD/kuncictl}
[ -x "$KUNCICTL" ] || t_skip "build $KUNCICTL first"

gate_setup 's|{ resource = "server-room:\*"; offline = "deny"; offline_max_age = "0s"; }|{ resource = "server-room:*"; offline = "deny"; offline_max_age = "0s"; }, { resource = "host:strict"; offline = "deny"; }|'
grep -q 'host:strict' "$GT/kunci.conf" || t_fail "test config lacks its policy"
pam_service kt "resource=host:test"
pam_service strict "resource=host:strict"
SPORT=$(cat "$SB/port")
RELAY_PID=
SLAPD_STOPPED=

cleanup()
{
	[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null
	# never leave the sandbox's slapd stopped: the sandbox must stop it
	[ -n "$SLAPD_STOPPED" ] && kill -CONT "$SLAPD_STOPPED" 2>/dev/null
	touch "$GT/mon.stop"
	gate_cleanup
}
trap cleanup EXIT

ms() { date +%s%3N; }

# wait_ms DEADLINE_MS SERVICE USER RESULT: pc until RESULT or the deadline
wait_ms()
{
	local r
	while :; do
		r=$(pc "$2" "$3")
		[ "$r" = "$4" ] && return 0
		[ "$(ms)" -gt "$1" ] && { echo "last result: $r" >&2; return 1; }
		sleep 0.05
	done
}

# the login loop: "ms result" for (SERVICE, USER) until mon.stop exists
monitor()
{
	rm -f "$GT/mon.stop" "$GT/mon.$2"
	while [ ! -e "$GT/mon.stop" ]; do
		echo "$(ms) $(pc "$1" "$2")" >>"$GT/mon.$2"
		sleep 0.05
	done
}

# wrong_allows USER FROM_MS: allows logged for USER at or after FROM_MS
wrong_allows()
{
	awk -v from="$2" '$1 >= from && $2 == "PAM_SUCCESS"' "$GT/mon.$1" | wc -l
}

# conf_set KEY VALUE: one setting of the directory group
conf_set()
{
	sed -i -e "s|^\([[:space:]]*$1 = \).*|\1$2;|" "$SB/kunci.conf"
}

restart_kuncid()
{
	"$KUNCI_TOP/tests/sandbox" kuncid-restart "$SB" >/dev/null 2>&1 ||
	    t_fail "kuncid did not restart"
}

status_gate()
{
	KUNCI_SOCKET=$KUNCI_SOCKET timeout 30 "$KUNCICTL" status 2>/dev/null |
	    sed -n 's/^Gerbang: *//p'
}

python3 "$KUNCI_TOP/tests/tools/relay.py" "$GT/relay.port" 127.0.0.1 "$SPORT" &
RELAY_PID=$!
for _ in $(seq 50); do [ -s "$GT/relay.port" ] && break; sleep 0.1; done
RPORT=$(cat "$GT/relay.port" 2>/dev/null)
[ -n "$RPORT" ] || { t_fail "relay did not start"; t_done; }
RELAY="ldap://127.0.0.1:$RPORT"
DIRECT="ldap://127.0.0.1:$SPORT"

grant_add S-001 hsantoso host:test active -3600 86400
grant_add S-002 dpratama host:strict active -3600 86400
grant_add S-003 rwulandari host:strict active -3600 86400
grant_add S-004 asetiawan host:test active -3600 86400
grant_add S-005 bkurniawan host:test active -3600 86400
grant_add S-006 ihidayat host:strict active -3600 86400
grant_add S-007 fnugroho host:test active -3600 86400
grant_add S-008 jwijaya host:strict active -3600 86400

# --- 1. the only URI goes silent ---------------------------------------------
conf_set uri "[ \"$RELAY\" ]"
restart_kuncid
t_check "through the relay: allowed" wait_result strict rwulandari PAM_SUCCESS 100
t_eq "status: online through the relay" "daring lewat $RELAY" \
    "$(status_gate | sed 's/ sejak.*//')"
monitor strict rwulandari &
MON=$!
kill -USR1 "$RELAY_PID"
t0=$(ms)
grant_set S-003 kunciStatus revoked		# in LDAP, behind the silence
if wait_ms $((t0 + 5000)) strict dpratama PAM_AUTHINFO_UNAVAIL; then
	t_ok "silent directory noticed: offline=deny resource denied after $(($(ms) - t0)) ms"
else
	t_fail "offline=deny resource still allowed 5 s into the silence"
fi
t_grep "logged: no answer" 'sync: directory lost \(ldap://127.0.0.1:[0-9]+: no answer for 3 s\)' "$SB/kuncid.log"
t_eq "offline=cache resource answered from the index" PAM_SUCCESS "$(pc kt hsantoso)"
t_check "status: offline" bash -c "[[ '$(status_gate)' == LURING* ]]"
kill -USR2 "$RELAY_PID"
t_check "relay thawed: back online" wait_result strict dpratama PAM_SUCCESS 200
t_eq "the revocation made during the silence holds" PAM_PERM_DENIED "$(pc strict rwulandari)"
t_grep "reconnect resumed from the cookie" 'sync: resumed from the cookie' "$SB/kuncid.log"
t1=$(ms)
grant_set S-006 kunciStatus revoked
if wait_ms $((t1 + 1000)) strict ihidayat PAM_PERM_DENIED; then
	t_ok "after the thaw a revocation reaches the gate in $(($(ms) - t1)) ms"
else
	t_fail "after the thaw a revocation took over 1 s"
fi
touch "$GT/mon.stop"
wait "$MON"
t_check "the login loop ran" test "$(wc -l <"$GT/mon.rwulandari")" -gt 20
t_eq "0 wrong allows of the revoked grant after 5 s" 0 "$(wrong_allows rwulandari $((t0 + 5000)))"

# --- 2. failover: the first URI goes silent, the second answers ----------------
conf_set uri "[ \"$RELAY\", \"$DIRECT\" ]"
restart_kuncid
# an offline=deny resource allowed: synced (not answering from the snapshot)
t_check "two URIs: online" wait_result strict dpratama PAM_SUCCESS 100
t_check "two URIs: allowed" wait_result kt asetiawan PAM_SUCCESS 100
t_eq "status: online through the relay first" "daring lewat $RELAY" \
    "$(status_gate | sed 's/ sejak.*//')"
monitor kt asetiawan &
MON=$!
kill -USR1 "$RELAY_PID"
t0=$(ms)
grant_set S-004 kunciStatus revoked
if wait_ms $((t0 + 5000)) kt asetiawan PAM_PERM_DENIED; then
	t_ok "failed over: the revocation made behind the silence denies after $(($(ms) - t0)) ms"
else
	t_fail "no failover within 5 s: the revoked grant still allowed"
fi
t_grep "the failover is logged" "sync: trying $DIRECT next" "$SB/kuncid.log"
t1=$(ms)
grant_set S-005 kunciStatus revoked
if wait_ms $((t1 + 1000)) kt bkurniawan PAM_PERM_DENIED; then
	t_ok "on the other URI a revocation reaches the gate in $(($(ms) - t1)) ms"
else
	t_fail "on the other URI a revocation took over 1 s"
fi
touch "$GT/mon.stop"
wait "$MON"
t_eq "0 wrong allows of the revoked grant after 5 s" 0 "$(wrong_allows asetiawan $((t0 + 5000)))"
t_eq "status: online on the other URI" "daring lewat $DIRECT" \
    "$(status_gate | sed 's/ sejak.*//')"
kill -USR2 "$RELAY_PID"

# --- 3. kuncid's own revocation while its sync connection is stuck -------------
# A heartbeat too slow to notice within the test: only kuncid applying its
# own revocation at once can deny the login.
conf_set uri "[ \"$RELAY\", \"$DIRECT\" ]"
conf_set heartbeat_timeout '"1m"'
restart_kuncid
t_check "online again" wait_result strict dpratama PAM_SUCCESS 100
t_check "allowed before" wait_result kt fnugroho PAM_SUCCESS 100
kill -USR1 "$RELAY_PID"
out=$(KUNCI_SOCKET=$KUNCI_SOCKET timeout 60 "$KUNCICTL" --as sanggraini \
    grant revoke S-007 --now --reason "insiden" 2>&1)
rc=$?
t_eq "grant revoke during the silence succeeds (admin failed over)" 0 "$rc"
t_eq "... and the next login is denied at once" PAM_PERM_DENIED "$(pc kt fnugroho)"
t_check "the sync connection was still the stuck one" \
    bash -c "! grep -q 'no answer for 60 s' '$SB/kuncid.log'"
kill -USR2 "$RELAY_PID"
# the stuck connection's backlog flows again: nothing may put "active" back
allowed=0
for _ in $(seq 30); do
	[ "$(pc kt fnugroho)" = PAM_SUCCESS ] && allowed=$((allowed + 1))
done
t_eq "after the thaw it stays denied (30 logins)" 0 "$allowed"
conf_set heartbeat_timeout '"3s"'

# --- 4. slapd itself hangs (SIGSTOP) during logins -------------------------------
conf_set uri "[ \"$LDAPI_URI\", \"$DIRECT\" ]"
restart_kuncid
t_check "direct: allowed" wait_result strict jwijaya PAM_SUCCESS 100
monitor strict jwijaya &
MON=$!
SLAPD_STOPPED=$(cat "$SB/slapd.pid")
kill -STOP "$SLAPD_STOPPED"
t0=$(ms)
if wait_ms $((t0 + 5000)) strict dpratama PAM_AUTHINFO_UNAVAIL; then
	t_ok "hung slapd noticed: offline=deny resource denied after $(($(ms) - t0)) ms"
else
	t_fail "hung slapd not noticed within 5 s"
fi
t_eq "logins are answered meanwhile (cache policy)" PAM_SUCCESS "$(pc kt hsantoso)"
kill -CONT "$SLAPD_STOPPED"
SLAPD_STOPPED=
grant_set S-008 kunciStatus revoked
t_check "slapd continues: back online" wait_result strict dpratama PAM_SUCCESS 200
t_eq "the revocation made as slapd resumed holds" PAM_PERM_DENIED "$(pc strict jwijaya)"
t1=$(ms)
grant_set S-002 kunciStatus revoked
if wait_ms $((t1 + 1000)) strict dpratama PAM_PERM_DENIED; then
	t_ok "after the hang a revocation reaches the gate in $(($(ms) - t1)) ms"
else
	t_fail "after the hang a revocation took over 1 s"
fi
touch "$GT/mon.stop"
wait "$MON"
t_eq "0 wrong allows while slapd hung (after 5 s)" 0 "$(wrong_allows jwijaya $((t0 + 5000)))"

t_done
