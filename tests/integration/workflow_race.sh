#!/bin/bash
# Concurrency and restarts: two kuncid instances on one slapd, two
# approvers acting on the same step at the same moment, 100 times: exactly
# one advances it and the other is told who decided first (the LDAP add of
# the step's event and the asserted modify decide, not kuncid's loop).
# Then kuncid is SIGKILLed between steps, and after a simulated crash
# between its two writes: the request goes on where it was.
. "$(dirname "$0")/workflow.inc"

N=${RACE_N:-100}
wf_setup
RQ="ou=requests,ou=kunci,$KUNCI_BASE"

# a second kuncid with its own sockets and state
C2=$W/kunci2.conf
sed -e "s|$W/run/admin.sock|$W/run/admin2.sock|" \
    -e "s|$W/run/query.sock|$W/run/query2.sock|" \
    -e "s|state_dir = \"$W/state\"|state_dir = \"$W/state2\"|" "$KUNCI_CONF" >"$C2"
mkdir -p "$W/state2"
kd_start "$C2" kuncid2 || t_done
S1=$KUNCI_SOCKET S2=$W/run/admin2.sock
t_check "second kuncid answers" "$KUNCICTL" -s "$S2" status

# procedure B: the approve-entry step belongs to the administrators
# (sanggraini and fnugroho): they race for it.
la >/dev/null <<EOF2
dn: kunciName=server-room:race,ou=resources,ou=kunci,$KUNCI_BASE
objectClass: kunciManagedResource
kunciName: server-room:race
kunciType: server-room
kunciWorkflow: B
EOF2

ok=0 bad=0 detail=
for ((i = 1; i <= N; i++)); do
	id=$(submit lputri server-room:race)
	walk "$id" lputri rwulandari || { bad=$((bad + 1)); continue; }
	"$KUNCICTL" -s "$S1" --as sanggraini --lang en request approve "$id" --step approve-entry >"$W/r1" 2>&1 &
	p1=$!
	"$KUNCICTL" -s "$S2" --as fnugroho --lang en request approve "$id" --step approve-entry >"$W/r2" 2>&1 &
	p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	nev=$(ls_ -b "kunciId=$id,$RQ" -s one '(&(objectClass=kunciEvent)(kunciStepIndex=2)(kunciId=step-*))' 1.1 | grep -c '^dn:')
	step=$(field "$id" step)
	if [ "$(printf '%s\n' $r1 $r2 | sort | tr '\n' ' ')" = "0 75 " ] &&
	    [ "$nev" = 1 ] && [ "$step" = appoint-escort ] &&
	    grep -q "already decided by" "$W/r1" "$W/r2"; then
		ok=$((ok + 1))
	else
		bad=$((bad + 1))
		detail="$detail
$id: rc $r1/$r2 events=$nev step=$step: $(cat "$W/r1" "$W/r2" | tr '\n' ' ')"
	fi
done
if [ "$bad" -eq 0 ]; then
	t_ok "race: $N of $N parallel approvals advanced the step exactly once"
else
	t_fail "race: $bad of $N races went wrong" "$detail"
fi
wait_audit "event=request.conflict"
t_eq "race: each lost race audited as a conflict" "$N" "$(audit_count 'event=request.conflict ')"
t_eq "race: each won race audited as one step decision" "$N" \
    "$(audit_count 'event=request.step .*step=approve-entry ')"

# two kuncids submitting at once still get distinct ids (counter CAS)
pids=()
for ((i = 0; i < 10; i++)); do
	"$KUNCICTL" -s "$S1" --as lputri --json request submit --resource server-room:race --type x --reason "paralel" >"$W/s1.$i" &
	pids+=($!)
	"$KUNCICTL" -s "$S2" --as jwijaya --json request submit --resource server-room:race --type x --reason "paralel" >"$W/s2.$i" &
	pids+=($!)
done
wait "${pids[@]}"
ids=$(cat "$W"/s1.* "$W"/s2.* | python3 -c 'import json,sys
d=sys.stdin.read().replace("}\n{","}\0{").split("\0")
print("\n".join(json.loads(x)["id"] for x in d if x.strip()))')
t_eq "ids: 20 parallel submits on two agents, 20 distinct ids" "20 20" \
    "$(echo "$ids" | wc -l) $(echo "$ids" | sort -u | wc -l)"

# --- SIGKILL between two steps ----------------------------------------------
kd_stop kuncid2
id=$(submit lputri server-room:dc1)
walk "$id" tramadhan hsantoso
kd_kill kuncid
kcr --as dpratama --lang en request approve "$id"
t_eq "restart: kuncid down: kuncictl says so (EX_UNAVAILABLE)" 69 "$rc"
t_grep "restart: one clear line" "kuncid is not running" <(echo "$err")
kd_start
t_eq "restart: the request is where it was" "pending kabid-disposition" \
    "$(field "$id" state) $(field "$id" step)"
walk "$id" dpratama rwulandari dpratama fnugroho:--serial:KA-7 fnugroho
t_eq "restart: it goes on to an active grant" "active active" \
    "$(field "$id" state) $(gfield "$id" status)"

# --- a crash between the event write and the request update ---------------
id=$(submit lputri server-room:dc1)
walk "$id" tramadhan
kd_kill kuncid
# what kuncid would have written before dying: hsantoso's event on step 1
la >/dev/null <<EOF2
dn: kunciId=step-1-1,kunciId=$id,$RQ
objectClass: kunciEvent
kunciId: step-1-1
kunciTime: $(now_gt)
kunciActor: hsantoso
kunciDecision: approve
kunciStepIndex: 1
kunciStep: kadis-disposition
kunciState: pending
EOF2
t_eq "crash: the request itself did not move" "kadis-disposition" \
    "$(ls_ -b "kunciId=$id,$RQ" -s base kunciStep | sed -n 's/^kunciStep: //p')"
kd_start
for _ in $(seq 50); do
	[ "$(field "$id" step)" = kabid-disposition ] && break
	sleep 0.2
done
t_eq "crash: after the restart the half-done step is finished" "kabid-disposition" "$(field "$id" step)"
kcr --as hsantoso request approve "$id"
t_eq "crash: the act is not done twice" 77 "$rc"
walk "$id" dpratama rwulandari dpratama fnugroho:--serial:KA-8 fnugroho
t_eq "crash: and the request completes" "active" "$(gfield "$id" status)"
t_done
