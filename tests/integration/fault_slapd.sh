#!/bin/bash
# slapd killed (SIGKILL) while officials approve and people log in: every
# approval ends exactly once -- applied and reported (0), not applied and
# said so (69: nothing was done), or "may have been carried out" (74) --
# and a retry never decides a step twice; no login is allowed wrongly
# meanwhile (a revoked grant stays denied, through the table and the
# socket); after slapd returns, everything proceeds.
. "$(dirname "$0")/provision.inc"
# the logins go through the real libpam: pam_kunci and its test driver
for f in "$PAM_KUNCI" "$PAMCHECK"; do
	[ -e "$f" ] || t_skip "build $f first (make check-unit builds the test tools)"
done

prov_setup
DOOR=server-room:dc1
pam_svc door "$DOOR"
N=40
ids=()
for i in $(seq $N); do
	ids+=("$(REASON="Pemeliharaan $i" submit lputri "$DOOR")")
done
t_eq "$N requests wait on the direct superior" "$N" \
    "$(for id in "${ids[@]}"; do field "$id" step; done | grep -c '^superior$')"

# a grant revoked before the outage: it must never be allowed
aid=$(submit lputri "$DOOR")
walk_a "$aid" KA-0777
t_check "lputri may pass the door" wait_pc door lputri PAM_SUCCESS 50
kc --as sanggraini grant revoke "$aid" --now --reason "uji" >/dev/null
t_check "revoked: denied" wait_pc door lputri PAM_PERM_DENIED 50

# logins go on through the outage; any PAM_SUCCESS is a wrong allow
(
	wrong=0 n=0
	while [ ! -e "$PT/stop-logins" ]; do
		[ "$(pc door lputri)" = PAM_SUCCESS ] && wrong=$((wrong + 1))
		n=$((n + 1))
	done
	echo "$n $wrong" >"$PT/logins"
) &
lp=$!

# the approvals, all at once, and slapd killed among them
for i in $(seq $N); do
	( kc --as tramadhan request approve "${ids[$((i - 1))]}" \
	    >"$PT/out.$i" 2>&1; echo $? >"$PT/rc.$i" ) &
done
# killed once the first approval has been answered: the rest are in
# flight or queued
wait_for 100 eval 'ls "$PT"/rc.* >/dev/null 2>&1'
spid=$(cat "$W/slapd.pid")
kill -KILL "$spid"
t_check "slapd killed" wait_for 50 eval '! kill -0 '"$spid"' 2>/dev/null'
wait_for 300 eval '[ "$(ls "$PT"/rc.* 2>/dev/null | wc -l)" -eq '"$N"' ]'
t_eq "every approval answered (bounded by admin_command_timeout)" "$N" \
    "$(ls "$PT"/rc.* | wc -l)"
"$KUNCI_TOP/tests/sandbox" slapd-start "$W" >/dev/null 2>&1
up() { directory_up; }
t_check "slapd back: kuncid reconnects" wait_for 200 up
touch "$PT/stop-logins"
wait "$lp"
read -r nlog wrong <"$PT/logins"
t_eq "0 wrong allows in $nlog logins through the outage" 0 "$wrong"

# each approval: what it said matches what happened, and a retry never
# decides twice
decisions() { kc --json request show "$1" | python3 -c '
import json, sys
ev = json.load(sys.stdin)["events"]
print(sum(1 for e in ev if e["actor"] == "tramadhan" and e["decision"] == "approve"))'; }
bad=0 applied=0 notdone=0 maybe=0
for i in $(seq $N); do
	id=${ids[$((i - 1))]} rc=$(cat "$PT/rc.$i")
	step=$(field "$id" step)
	case $rc in
	0) applied=$((applied + 1))
	   [ "$step" != superior ] || { bad=$((bad + 1)); echo "# $id: 0 but not applied" >&2; } ;;
	69) notdone=$((notdone + 1))
	   [ "$step" = superior ] || { bad=$((bad + 1)); echo "# $id: 69 but applied" >&2; } ;;
	74) maybe=$((maybe + 1)) ;;
	*) bad=$((bad + 1)); echo "# $id: exit $rc: $(cat "$PT/out.$i")" >&2 ;;
	esac
	# the official tries again, as told
	kcr --as tramadhan request approve "$id"
	if [ "$step" = superior ] && [ "$rc" != 0 ]; then
		[ "$rc" = 0 ] || [ "$(field "$id" step)" != superior ] ||
		    { bad=$((bad + 1)); echo "# $id: retry did not apply" >&2; }
	fi
	n=$(decisions "$id")
	[ "$n" = 1 ] || { bad=$((bad + 1)); echo "# $id: $n decisions" >&2; }
done
echo "# approvals: $applied applied, $notdone not done (69), $maybe unknown (74)"
t_eq "every approval reported truly, and decided exactly once after retries" 0 "$bad"
t_eq "every request has moved past the superior" 0 \
    "$(for id in "${ids[@]}"; do field "$id" step; done | grep -c '^superior$')"
t_done
