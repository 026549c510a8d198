#!/bin/bash
# Two sites on replicated OpenLDAP (issue 17, doc/sites.md): two real
# providers (serverIDs 1 and 2, multi-provider syncrepl, the writer fence),
# a kuncid at each site reaching the other site over a link the test can
# cut (tests/tools/link.py).  One provider at a time takes the writes, the
# one cn=writer names.  Checked, each against both providers after they
# converge (the ou=kunci subtrees compared, no differences):
#   1. no id handed out twice, the counter never back, no acknowledged
#      write lost (through a hung writer, a forced switch and a cut link);
#   2. a revocation is never undone by a concurrent last-used write;
#   3. 100 parallel decisions of one step split across the sites: exactly
#      one succeeds;
#   4. a request is never both rejected and granted; a step decided at
#      both sites during a forced switch with the old writer alive is
#      found when the link returns, recorded once (request.double,
#      request show) and the rejection wins;
#   5. scheduled work (a review campaign) runs once across the sites;
#   6. a writer hung for 8 s while both sites work: every write answered
#      (0, 69 or 74), both write again after, one id each; a
#      hung provider (about 30 s) is noticed within seconds: its site's
#      gate fails over, writes are refused with 69 and one clear line; a
#      cut link refuses writes at the cut-off site while its gate keeps
#      answering, offline within seconds (the writer's beat): an
#      offline = "deny" resource denied there, allowed again after.
# SITES_RACE_N (default 100) races; SITES_CUT (default 30) seconds of cut;
# SITES_HANG (default 8) seconds of the short hang.
# make check-sites (about 10 minutes loaded; tests/run skips it otherwise)
. "$(dirname "$0")/sites.inc"

N=${SITES_RACE_N:-100}
CUT=${SITES_CUT:-30}
GATEQUERY=$BUILD/tests/gatequery
[ -x "$GATEQUERY" ] || t_skip "build $GATEQUERY first (make all check)"

sites_setup
RQ="ou=requests,ou=kunci,$KUNCI_BASE"
SVC="cn=kuncid,ou=services,$KUNCI_BASE"

jget()	# jget KEY.KEY... < json
{
	python3 -c 'import json,sys
v=json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else v)' "$1"
}

# kuncid's own write, straight to one provider (not through kuncid)
svc_write()	# svc_write URI -> ldapmodify's exit status
{
	ldapmodify -x -H "$1" -D "$SVC" -y "$A/bind.pw" >/dev/null 2>&1 <<EOF2
dn: ou=counters,ou=kunci,$KUNCI_BASE
changetype: modify
replace: description
description: fence probe $(date +%s%N)
EOF2
}

# --- the writer and its fence ----------------------------------------------
site_setup "$A_LDAPI" 1 "ldap://127.0.0.1:$RB" "$B/admin.pw" "$A/bind.pw" >/dev/null
t_grep "kunci-directory setup --server-id a second time: nothing to do" \
    "nothing to do" <(tail -n 3 "$W/setup-1.log")
t_eq "site B writes to provider 1 through the link" \
    "ldap://127.0.0.1:$LA 1" \
    "$(kB --json status | jget uri) $(kB --json status | jget replication.writer_id)"
t_eq "fence: provider 2 refuses kuncid's writes (not the writer)" 50 \
    "$(svc_write "ldap://127.0.0.1:$PB"; echo $?)"
t_eq "fence: provider 1 (the writer) takes them" 0 \
    "$(svc_write "ldap://127.0.0.1:$PA"; echo $?)"

# the switch: bad input and a caller who may not
kcr -s "$SA" directory writer
t_eq "switch without a serverID: 64" 64 "$rc"
kcr -s "$SA" directory writer 9
t_eq "switch to a serverID cn=writer does not list: 65" "65 1" "$rc $(printf '%s\n' "$err" | grep -c .)"
kcr -s "$SA" --as lputri directory writer 2
t_eq "switch by someone not an administrator: 77" 77 "$rc"
t_check "... audited as refused" wait_audit "event=directory.refused actor=lputri as=root action=writer" 30
t_eq "... and nothing switched" 1 "$(kB --json status | jget replication.writer_id)"
kcr -s "$SA" directory writer 1
t_eq "switch to the writer itself: 0, nothing to do" "0 1" "$rc $(printf '%s\n' "$out" | grep -c 'serverID 1')"

# submit SITE USER RESOURCE: the new request's id (empty on failure)
submit_at()
{
	"$KUNCICTL" -s "$1" --as "$2" --json request submit --resource "$3" \
	    --type "${TYPE:-x}" --reason "Pemeliharaan rutin server" 2>/dev/null | jget id
}
walk_at()	# walk_at SITE ID USER...
{
	local s=$1 id=$2 u
	shift 2
	for u in "$@"; do
		"$KUNCICTL" -s "$s" --as "$u" request approve "$id" >/dev/null || return 1
	done
}
state_on()	# state_on LDAPI ID: kunciState of the request on that provider
{
	ldapsearch -Q -Y EXTERNAL -H "$1" -LLL -o ldif-wrap=no \
	    -b "kunciId=$2,$RQ" -s base kunciState | sed -n 's/^kunciState: //p'
}

# procedure B: approve-entry belongs to the administrators (sanggraini,
# fnugroho); the resource is added at the writer, by kuncid's rules
ldapmodify -a -Q -Y EXTERNAL -H "$A_LDAPI" >/dev/null <<EOF2
dn: kunciName=server-room:race,ou=resources,ou=kunci,$KUNCI_BASE
objectClass: kunciManagedResource
kunciName: server-room:race
kunciType: server-room
kunciWorkflow: B
EOF2
wait_for 100 eval '[ -n "$(lsB -b "kunciName=server-room:race,ou=resources,ou=kunci,$KUNCI_BASE" -s base 1.1 2>/dev/null)" ]'

# --- 3. one step decided at both sites at once, N times --------------------
ok=0 bad=0 detail=
for ((i = 1; i <= N; i++)); do
	if [ $((i % 2)) = 0 ]; then s1=$SA s2=$SB; else s1=$SB s2=$SA; fi
	id=$(submit_at "$s1" lputri server-room:race)
	walk_at "$s2" "$id" lputri rwulandari || { bad=$((bad + 1)); detail="$detail
$id: walk failed"; continue; }
	"$KUNCICTL" -s "$s1" --as sanggraini request approve "$id" --step approve-entry >"$W/r1" 2>&1 &
	p1=$!
	"$KUNCICTL" -s "$s2" --as fnugroho request approve "$id" --step approve-entry >"$W/r2" 2>&1 &
	p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	nev=$(lsA -b "kunciId=$id,$RQ" -s one '(&(objectClass=kunciEvent)(kunciStepIndex=2)(kunciId=step-*))' 1.1 | grep -c '^dn:')
	if [ "$(printf '%s\n' $r1 $r2 | sort | tr '\n' ' ')" = "0 75 " ] &&
	    [ "$nev" = 1 ]; then
		ok=$((ok + 1))
	else
		bad=$((bad + 1))
		detail="$detail
$id: rc $r1/$r2 events=$nev: $(cat "$W/r1" "$W/r2" | tr '\n' ' ')"
	fi
done
if [ "$bad" = 0 ]; then
	t_ok "3. $N races of one step split across the sites: each exactly one success, one event"
else
	t_fail "3. $bad of $N races went wrong" "$detail"
fi

# --- 4. approve at one site, reject at the other ----------------------------
# procedure A's kabid-approve step (dpratama, at both sites at once); the
# winner's side then goes on: an approval to the card and the grant.
K=${SITES_REJECT_N:-10}
both=0 decided=0 detail=
ids=()
for ((i = 0; i < K; i++)); do
	id=$(TYPE=card submit_at "$SA" lputri server-room:dc1)
	walk_at "$SB" "$id" tramadhan hsantoso dpratama rwulandari ||
	    detail="$detail
$id: walk failed"
	ids+=("$id")
done
for ((i = 0; i < K; i++)); do
	id=${ids[i]}
	"$KUNCICTL" -s "$SA" --as dpratama request approve "$id" >"$W/a.$i" 2>&1 &
	pa=$!
	"$KUNCICTL" -s "$SB" --as dpratama request reject "$id" --reason "Tidak perlu" >"$W/j.$i" 2>&1 &
	pr=$!
	wait $pa; ra=$?
	wait $pr; rj=$?
	[ "$ra" = 0 ] && [ "$rj" = 0 ] && both=$((both + 1))
	[ $((ra == 0 || rj == 0)) = 1 ] && decided=$((decided + 1))
	# the rest of the procedure where the approval won; refused where not
	"$KUNCICTL" -s "$SB" --as fnugroho request approve "$id" --serial "KS-$i" >/dev/null 2>&1
	"$KUNCICTL" -s "$SA" --as fnugroho request approve "$id" >/dev/null 2>&1
done
t_eq "4. $K approve/reject races: exactly one of the two told success each time" "0 $K" "$both $decided"
wait_converged || t_fail "4. providers did not converge" "$(subtree_diff | head -n 20)"
bad=0
for id in "${ids[@]}"; do
	for l in "$A_LDAPI" "$B_LDAPI"; do
		st=$(state_on "$l" "$id")
		ng=$(ldapsearch -Q -Y EXTERNAL -H "$l" -LLL -b "ou=grants,ou=kunci,$KUNCI_BASE" "(kunciRequestRef=$id)" 1.1 | grep -c '^dn:')
		if [ "$st" = rejected ] && [ "$ng" != 0 ] ||
		    [ "$st" != rejected ] && [ "$ng" != 1 ]; then
			bad=$((bad + 1))
			detail="$detail
$id on $l: state $st, $ng grants"
		fi
	done
done
t_eq "4. on both providers: rejected without a grant, or granted once, never both" 0 "$bad"
[ -z "$detail" ] || echo "$detail" | sed 's/^/# /'

# --- 1. ids: parallel submissions at both sites -----------------------------
cnt()	# the request counter on one provider
{
	ldapsearch -Q -Y EXTERNAL -H "$1" -LLL -o ldif-wrap=no \
	    -b "ou=counters,ou=kunci,$KUNCI_BASE" "(cn=request-*)" kunciCounter |
	    sed -n 's/^kunciCounter: //p' | sort -n | tail -n 1
}
c0=$(cnt "$A_LDAPI")
pids=()
for ((i = 0; i < 10; i++)); do
	"$KUNCICTL" -s "$SA" --as lputri --json request submit --resource server-room:race --type x --reason paralel >"$W/s1.$i" 2>&1 &
	pids+=($!)
	"$KUNCICTL" -s "$SB" --as jwijaya --json request submit --resource server-room:race --type x --reason paralel >"$W/s2.$i" 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"
sids=$(for f in "$W"/s1.* "$W"/s2.*; do jget id <"$f"; done)
t_eq "1. 20 parallel submissions across the sites: 20 distinct ids" "20 20" \
    "$(echo "$sids" | grep -c .) $(echo "$sids" | sort -u | grep -c .)"
wait_converged
c1=$(cnt "$A_LDAPI")
t_eq "1. the counter moved by exactly 20 and is the same on both providers" \
    "$((c0 + 20)) $((c0 + 20))" "$c1 $(cnt "$B_LDAPI")"


# --- 2. revocations at site A while site B's logins write last-used ---------
GB="ou=grants,ou=kunci,$KUNCI_BASE"
M=${SITES_REVOKE_N:-20}
for ((i = 0; i < M; i++)); do
	cat <<EOF2
dn: kunciId=SR-$i,$GB
objectClass: kunciGrant
kunciId: SR-$i
kunciSubject: lputri
kunciResource: host:sr-$i
kunciStatus: active
kunciNotBefore: $(now_gt -3600)
kunciNotAfter: $(now_gt 86400)

EOF2
done | ldapmodify -a -Q -Y EXTERNAL -H "$A_LDAPI" >/dev/null
gqB() { "$GATEQUERY" "$QB" lputri sshd "$1" 2>/dev/null | head -n 1 | cut -d' ' -f1; }
gqA() { "$GATEQUERY" "$QA" lputri sshd "$1" 2>/dev/null | head -n 1 | cut -d' ' -f1; }
t_wait_eq "2. site B's gate allows the $M new grants" allow 100 gqB host:sr-$((M - 1))
revok=0
for ((i = 0; i < M; i++)); do
	( for _ in 1 2 3 4 5 6; do gqB "host:sr-$i" >/dev/null; sleep 0.3; done ) &
	pl=$!
	sleep 0.$((RANDOM % 10))
	"$KUNCICTL" -s "$SA" --as sanggraini grant revoke "SR-$i" --now --reason "Insiden keamanan" >/dev/null 2>&1 && revok=$((revok + 1))
	wait $pl
done
t_eq "2. every revocation acknowledged" "$M" "$revok"
wait_converged || t_fail "2. providers did not converge" "$(subtree_diff | head -n 20)"
lu=$(lsA -b "$GB" '(&(kunciId=SR-*)(kunciLastUsed=*))' 1.1 | grep -c '^dn:')
t_check "2. last-used writes did cross the revocations ($lu of $M grants)" test "$lu" -gt 0
t_eq "2. all $M revoked on provider 1 and on provider 2" "$M $M" \
    "$(lsA -b "$GB" '(&(kunciId=SR-*)(kunciStatus=revoked))' 1.1 | grep -c '^dn:') $(lsB -b "$GB" '(&(kunciId=SR-*)(kunciStatus=revoked))' 1.1 | grep -c '^dn:')"
den=0
for ((i = 0; i < M; i++)); do
	[ "$(gqA "host:sr-$i")" = deny ] && [ "$(gqB "host:sr-$i")" = deny ] && den=$((den + 1))
done
t_eq "2. both sites' gates deny every revoked grant" "$M" "$den"

# --- 5. scheduled work once: a campaign's escalation at its deadline --------
E=2033-q2
"$KUNCICTL" -s "$SA" review start --period "$E" >"$W/ra" 2>&1 &
p1=$!
"$KUNCICTL" -s "$SB" review start --period "$E" >"$W/rb" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
t_eq "5. both sites start campaign $E at once: both told it is open" "0 0" "$r1 $r2"
wait_audit "event=review.open campaign=$E " 50
t_eq "5. ... it was opened once (one review.open), one entry on each provider" "1 1 1" \
    "$(audit_count "event=review.open campaign=$E ") $(lsA -b "ou=reviews,ou=kunci,$KUNCI_BASE" -s one "(kunciId=$E)" 1.1 | grep -c '^dn:') $(wait_for 50 eval '[ -n "$(lsB -b "ou=reviews,ou=kunci,$KUNCI_BASE" -s one "(kunciId=$E)" 1.1)" ]'; lsB -b "ou=reviews,ou=kunci,$KUNCI_BASE" -s one "(kunciId=$E)" 1.1 | grep -c '^dn:')"
ldapmodify -Q -Y EXTERNAL -H "$A_LDAPI" >/dev/null <<EOF2
dn: kunciId=$E,ou=reviews,ou=kunci,$KUNCI_BASE
changetype: modify
replace: kunciDeadline
kunciDeadline: $(now_gt -60)
EOF2
t_check "5. the deadline's escalation runs" wait_audit "event=review.escalate campaign=$E " 150
KUNCI_SOCKET=$SA wait_passes 3
KUNCI_SOCKET=$SB wait_passes 3
t_eq "5. ... once across both sites' schedulers" 1 "$(audit_count "event=review.escalate campaign=$E ")"

# --- 1, 6. provider 2 killed (SIGKILL) and restarted while both sites write --
n0=$(wc -l <"$W/kuncid2.log")
kill -KILL "$B_SLAPD"
acked=()
for ((i = 0; i < 6; i++)); do
	for site in "$SA" "$SB"; do
		id=$(submit_at "$site" lputri server-room:race)
		[ -n "$id" ] && acked+=("$id")
	done
done
t_eq "1. provider 2 killed: both sites still write (to the writer, 1)" 12 "${#acked[@]}"
# a dead server refuses at once: the sync connection reconnects to the next
# URI (a hung one is given up by its heartbeat: "sync: trying ... next")
gate_moved() { tail -n +"$((n0 + 1))" "$W/kuncid2.log" | grep -qE "(sync: trying|ldap: connected to) ldap://127.0.0.1:$LA( next)?\$"; }
wait_for 150 gate_moved
t_check "6. site B's gate notices and fails over to provider 1" gate_moved
"$KUNCI_TOP/tests/sandbox" slapd-start "$B" >/dev/null 2>&1 || t_fail "provider 2 restart"
B_SLAPD=$(cat "$B/slapd.pid")
wait_converged || t_fail "6. providers did not converge after the restart" "$(subtree_diff | head -n 20)"
t_eq "6. restarted provider 2 caught up: no difference in ou=kunci" "" "$(subtree_diff | head -n 5)"
lost=0
for id in "${acked[@]}"; do
	[ -n "$(state_on "$B_LDAPI" "$id")" ] || lost=$((lost + 1))
done
t_eq "1. no write acknowledged while it was down lost" 0 "$lost"

# --- 6. the writer's provider hung (SIGSTOP) --------------------------------
ldapmodify -a -Q -Y EXTERNAL -H "$A_LDAPI" >/dev/null <<EOF2
dn: kunciId=SH-1,$GB
objectClass: kunciGrant
kunciId: SH-1
kunciSubject: lputri
kunciResource: host:hung
kunciStatus: active
kunciNotBefore: $(now_gt -3600)
kunciNotAfter: $(now_gt 86400)
EOF2
t_wait_eq "6. both gates allow SH-1 before" "allow allow" 100 eval 'echo "$(gqA host:hung) $(gqB host:hung)"'
acked=()
kill -STOP "$A_SLAPD"
t0=$(date +%s%N)
# the gate's sync connection says when it lost the directory, and moves on
wait_for 300 grep -q "sync: directory lost (ldapi:" "$W/kuncid.log"
t1=$(date +%s%N)
t_wait_grep "6. site A's gate fails over to provider 2" "sync: trying ldap://127.0.0.1:$LB next" "$W/kuncid.log" 100
echo "# site A's gate noticed the hung provider in $(((t1 - t0) / 1000000)) ms"
t_check "6. ... within 10 s" test $(((t1 - t0) / 1000000)) -lt 10000
t_eq "6. gates keep answering: SH-1 allowed at both sites" "allow allow" "$(gqA host:hung) $(gqB host:hung)"
kcr -s "$SB" --as lputri request submit --resource server-room:race --type x --reason "saat macet"
t_eq "6. a write at site B is refused: 69" 69 "$rc"
t_eq "6. ... with one line naming the writer" "1 1" "$(printf '%s\n' "$err" | grep -c .) $(printf '%s\n' "$err" | grep -c 'serverID 1')"
echo "# $err"
kcr -s "$SB" directory writer 2
t_eq "6. switching to 2 without --force: 69 (the writer cannot be reached)" 69 "$rc"
t_grep "6. ... and says when --force is right" "--force" <(echo "$err")
kcr -s "$SB" directory writer 2 --force
t_eq "6. the forced switch to serverID 2" 0 "$rc"
tsw=$(date +%s%N)
for site in "$SB" "$SA" "$SB" "$SA"; do
	id=
	for _ in 1 2 3 4; do
		id=$(submit_at "$site" lputri server-room:race) && [ -n "$id" ] && break
	done
	[ -n "$id" ] && acked+=("$id")
done
t_eq "6. after the switch both sites write again (to provider 2)" 4 "${#acked[@]}"
echo "# first writes after the forced switch took $((($(date +%s%N) - tsw) / 1000000)) ms for 4"
t_eq "6. provider 1 still stopped while they did" T "$(ps -o stat= -p "$A_SLAPD" | cut -c1)"
kill -CONT "$A_SLAPD"
t_wait_eq "6. the returning provider 1 learns the switch and refuses kuncid's writes" 50 150 \
    eval 'svc_write "ldap://127.0.0.1:$PA"; echo $?'
# (the schedulers keep writing: a second diff right after the wait can
# catch one write on its way to the other provider)
t_wait_eq "6. converged: no difference in ou=kunci" "" 300 \
    eval 'subtree_diff | head -n 5'
lost=0
for id in "${acked[@]}"; do
	[ -n "$(state_on "$A_LDAPI" "$id")" ] && [ -n "$(state_on "$B_LDAPI" "$id")" ] || lost=$((lost + 1))
done
t_eq "1. no write acknowledged during the outage lost" 0 "$lost"
kcr -s "$SA" directory writer 1
t_eq "6. switching back to the caught-up provider 1" 0 "$rc"
t_eq "6. then provider 1 takes kuncid's writes and 2 refuses them" "0 50" \
    "$(svc_write "ldap://127.0.0.1:$PA"; echo -n "$? "; svc_write "ldap://127.0.0.1:$PB"; echo $?)"

# --- 1, 6. replication behind: no switch to a provider that lags -----------
repl_cut
id=$(submit_at "$SA" lputri server-room:race)
t_check "6. replication cut: the writer's site still writes" test -n "$id"
st=$(kB --json status)
t_check "status at site B: its provider's contextCSN of serverID 1 is behind the writer's" \
    test "$(echo "$st" | jget replication.local_csn.001)" \< "$(echo "$st" | jget replication.writer_csn.001)"
kB status >"$W/statusB.txt" 2>&1
t_grep "... and the text says which provider is written" "^Penulis: +serverID 1, ldap://127.0.0.1:$LA" "$W/statusB.txt"
kcr -s "$SA" directory writer 2
t_eq "6. switching to provider 2 which has not seen it: 75" 75 "$rc"
t_grep "6. ... saying it has not caught up" "has not caught up|belum menyusul" <(echo "$err")
repl_restore
wait_converged || t_fail "6. providers did not converge" "$(subtree_diff | head -n 20)"

# --- 6. a gate cut off from the writer goes offline, not stale ------------
# host:strict is offline = "deny" (sites.inc), host:* "cache".
# Site B's provider stays up but hears nothing from the writer: its gate
# notices by the writer's beat (directory.writer_timeout, 6 s) and denies
# SF-1; site A's gate, with the writer, stays online.
ldapmodify -a -Q -Y EXTERNAL -H "$A_LDAPI" >/dev/null <<EOF2
dn: kunciId=SF-1,$GB
objectClass: kunciGrant
kunciId: SF-1
kunciSubject: lputri
kunciResource: host:strict
kunciStatus: active
kunciNotBefore: $(now_gt -3600)
kunciNotAfter: $(now_gt 86400)
EOF2
t_wait_eq "6. both gates allow SF-1 (host:strict, offline deny) before the cut" \
    "allow allow" 300 eval 'echo "$(gqA host:strict) $(gqB host:strict)"'
t_eq "6. ... both gates online with the writer's beat" "True True" \
    "$(kA --json status | jget gate.online) $(kB --json status | jget gate.online)"

# --- 1, 6. the link between the sites cut while both sites work ------------
nl=$(wc -l <"$W/kuncid2.log")
link_cut
tf0=$(date +%s%N)
wait_for 300 eval '[ "$(gqB host:strict)" = unavail ]'
tf1=$(date +%s%N)
t_eq "6. cut off from the writer, site B's gate goes offline: SF-1 refused (offline deny)" \
    unavail "$(gqB host:strict)"
echo "# site B's gate went offline $(((tf1 - tf0) / 1000000)) ms after the cut"
t_check "6. ... within 10 s" test $(((tf1 - tf0) / 1000000)) -lt 10000
t_grep "6. ... and its log says so" "sync: directory lost \(.*not heard from" \
    <(tail -n +"$((nl + 1))" "$W/kuncid2.log")
t_wait_eq "6. ... while site A's gate, with the writer, is online and allows SF-1" \
    "allow True" 300 eval 'echo "$(gqA host:strict) $(kA --json status | jget gate.online)"'
acked=()
tc=$(date +%s)
nB=0 nB69=0
while [ $(($(date +%s) - tc)) -lt "$CUT" ]; do
	id=$(submit_at "$SA" lputri server-room:race)
	[ -n "$id" ] && acked+=("$id")
	kcr -s "$SB" --as jwijaya request submit --resource server-room:race --type x --reason "saat putus"
	nB=$((nB + 1))
	[ "$rc" = 69 ] && nB69=$((nB69 + 1))
done
echo "# during the cut: ${#acked[@]} writes at A acknowledged, $nB69 of $nB at B refused"
t_check "1. during the cut the writer's site wrote" test "${#acked[@]}" -gt 0
t_eq "6. during the cut every write at site B is refused with 69" "$nB" "$nB69"
kcr -s "$SB" --lang en --as jwijaya request submit --resource server-room:race --type x --reason "saat putus"
t_eq "6. ... in English with --lang en: one line naming the writer" "69 1 1" \
    "$rc $(printf '%s\n' "$err" | grep -c .) $(printf '%s\n' "$err" | grep -c 'writer provider (serverID 1) cannot be reached')"
t_eq "6. ... while site B's gate answers from its own provider" allow "$(gqB host:hung)"
link_restore
tf0=$(date +%s%N)
t_wait_eq "6. link back: site B's gate online again, SF-1 allowed" allow 600 gqB host:strict
echo "# site B's gate back online $((($(date +%s%N) - tf0) / 1000000)) ms after the link returned"
t_grep "6. ... its log says the beat is current again" \
    "sync: the writer's beat is current again" <(tail -n +"$((nl + 1))" "$W/kuncid2.log")
wait_converged || t_fail "6. providers did not converge after the cut" "$(subtree_diff | head -n 20)"
t_eq "6. after the cut: no difference in ou=kunci" "" "$(subtree_diff | head -n 5)"
lost=0
for id in "${acked[@]}"; do
	[ -n "$(state_on "$B_LDAPI" "$id")" ] || lost=$((lost + 1))
done
t_eq "1. no write acknowledged during the cut lost" 0 "$lost"
t_eq "1. the counter is the same on both providers" "$(cnt "$A_LDAPI")" "$(cnt "$B_LDAPI")"
all=$(lsA -b "$RQ" -s one '(objectClass=kunciRequest)' kunciId | sed -n 's/^kunciId: //p')
t_eq "1. no id handed out twice" "$(echo "$all" | wc -l)" "$(echo "$all" | sort -u | wc -l)"

# --- 6. the writer's provider hung for 8 s, no switch -----------------------
# Both sites keep working: a write is acknowledged (0), refused (69) or
# told it may have been carried out (74); the gates keep answering; when
# slapd resumes, both sites write again, the providers converge, and the
# writes that landed late took one id each.
HANG=${SITES_HANG:-8}
ngate=0 nbad=0
kill -STOP "$A_SLAPD"
th=$(date +%s)
while [ $(($(date +%s) - th)) -lt "$HANG" ]; do
	for site in "$SA" "$SB"; do
		"$KUNCICTL" -s "$site" --as lputri --json request submit \
		    --resource server-room:race --type x \
		    --reason "saat macet singkat" >/dev/null 2>&1
		case $? in
		0|69|74) ;;
		*) nbad=$((nbad + 1)) ;;
		esac
	done
	[ -n "$(gqA host:sr-0)" ] && ngate=$((ngate + 1))
done
kill -CONT "$A_SLAPD"
t_eq "6. hung ${HANG} s: every write answered 0, 69 or 74" 0 "$nbad"
t_check "6. ... site A's gate kept answering" test "$ngate" -gt 0
t_check "6. after it resumes, site A writes again" \
    wait_for 300 eval '[ -n "$(submit_at "$SA" lputri server-room:race)" ]'
t_check "6. ... and site B too" \
    wait_for 300 eval '[ -n "$(submit_at "$SB" lputri server-room:race)" ]'
wait_converged || t_fail "6. providers did not converge after the hang" "$(subtree_diff | head -n 20)"
t_eq "6. converged after the ${HANG} s hang: no difference in ou=kunci" "" "$(subtree_diff | head -n 5)"
# a write told 74 may land when slapd resumes: still one id each
t_eq "1. after the hang the counter is the same on both providers" \
    "$(cnt "$A_LDAPI")" "$(cnt "$B_LDAPI")"
all=$(lsA -b "$RQ" -s one '(objectClass=kunciRequest)' kunciId | sed -n 's/^kunciId: //p')
t_eq "1. ... and no id handed out twice" "$(echo "$all" | wc -l)" "$(echo "$all" | sort -u | wc -l)"

# --- 3, 4. a forced switch while the old writer still takes writes ---------
# The administrator's promise broken on purpose (doc/sites.md): the link
# cut, provider 2 made the writer by --force while provider 1 still runs
# and site A still writes to it.  Step approve-entry of one request is
# rejected at site B, then approved at site A (so the approval, the
# newer change, is what replication keeps of the request and its grant).
# When the link returns the double decision is found (agent/double.h),
# recorded once, shown by request show, and the rejection wins: the
# request ends rejected and its grant revoked, on both providers.
did=$(submit_at "$SA" lputri server-room:race)
walk_at "$SA" "$did" lputri rwulandari || t_fail "double: walk failed"
wait_for 100 eval '[ "$(state_on "$B_LDAPI" "$did")" = pending ] &&
    [ -n "$(lsB -b "kunciId=$did,$RQ" -s one "(kunciId=step-1-1)" 1.1)" ]'
link_cut
kcr -s "$SB" directory writer 2 --force
t_eq "double: forced switch to 2 while provider 1 runs, cut off" 0 "$rc"
kcr -s "$SB" --as fnugroho request reject "$did" --reason "Tidak perlu"
rj=$rc
# site B's kuncid "crashes" between the decision's add (the commit point)
# and its mark's: the mark is taken away.  The decision's add names its
# writer, so B's scheduler makes the mark again; without it, the
# approval below (the newer change) would hide the rejection for good.
t_check "double: (its mark taken away on provider 2)" \
    ldapdelete -Q -Y EXTERNAL -H "$B_LDAPI" "kunciId=site-2-2-1,kunciId=$did,$RQ"
t_eq "double: the rejection's add names its writer" "writer: 2" \
    "$(lsB -b "kunciId=step-2-1,kunciId=$did,$RQ" -s base kunciNote |
    sed -n 's/^kunciNote: \(writer: .*\)/\1/p')"
t_check "double: ... and a mark lost in a crash after it is made again" \
    wait_for 900 eval '[ -n "$(lsB -b "kunciId=$did,$RQ" -s one "(kunciId=site-2-2-1)" 1.1)" ]'
sleep 1
kcr -s "$SA" --as sanggraini request approve "$did"
t_eq "double: during the split both sites decide step approve-entry" "0 0" "$rj $rc"
t_eq "double: ... rejected at provider 2, granted at provider 1" "rejected active" \
    "$(state_on "$B_LDAPI" "$did") $(state_on "$A_LDAPI" "$did")"
link_restore
dbl_seen() { [ -n "$(lsA -b "kunciId=$did,$RQ" -s one '(kunciId=double-2-1)' 1.1)" ] &&
    [ -n "$(lsB -b "kunciId=$did,$RQ" -s one '(kunciId=double-2-1)' 1.1)" ]; }
td=$(date +%s)
wait_for 1200 dbl_seen
t_check "double: after the link returns it is found: event double-2-1 on both providers" dbl_seen
echo "# found $(($(date +%s) - td)) s after the link returned"
t_check "double: ... audited as request.double" wait_audit "event=request.double request=$did " 100
t_eq "double: ... once across both sites" 1 "$(audit_count "event=request.double request=$did ")"
t_grep "double: ... naming both decisions and the one kept" \
    "event=request.double request=$did step=approve-entry decisions=.*1:approve:sanggraini.* kept=reject" \
    "$W/audit.log"
gst() { ldapsearch -Q -Y EXTERNAL -H "$1" -LLL -b "ou=grants,ou=kunci,$KUNCI_BASE" "(kunciRequestRef=$did)" kunciStatus | sed -n 's/^kunciStatus: //p' | tr '\n' ' '; }
t_wait_eq "double: the rejection wins: rejected on both providers" "rejected rejected" 600 \
    eval 'echo "$(state_on "$A_LDAPI" "$did") $(state_on "$B_LDAPI" "$did")"'
t_wait_eq "double: ... its one grant revoked on both providers" "revoked |revoked " 600 \
    eval 'echo "$(gst "$A_LDAPI")|$(gst "$B_LDAPI")"'
kcr -s "$SA" request show "$did"
t_grep "double: request show says so" \
    "^Keputusan ganda: +approve-entry: serverID [12]: (approve|reject) by .*; serverID [12]: .*; kept: reject" <(echo "$out")
kcr -s "$SB" --json request show "$did"
t_eq "double: ... and --json lists the event double-2-1" "approve-entry kuncid 1" \
    "$(echo "$out" | python3 -c 'import json,sys
e=[x for x in json.load(sys.stdin)["events"] if x["event"]=="double-2-1"]
print(e[0]["step"], e[0]["actor"], int("kept: reject" in e[0]["note"]) if e else "")')"
t_eq "double: ... and no mark (site-*) among the events" 0 \
    "$(echo "$out" | grep -c '"site-')"


# --- a provision step decided at both sites: two panel accounts ------------
# The writer is provider 2 since the forced switch above.  A C1 request
# (grant_kind "account") walked to its provision step; the link cut,
# provider 1 made the writer again by --force at site A while site B
# still writes to 2, and the step approved at both sites with two
# accounts.  When the link returns the double decision is found; both
# approvals stand, the one grant names one account, and the other account
# is disabled (its password removed) on both providers.
ACC="ou=panel-accounts,$KUNCI_BASE"
pid=$(TYPE=account submit_at "$SB" lputri control-panel:webmin)
walk_at "$SB" "$pid" tramadhan hsantoso asetiawan bkurniawan rwulandari \
    rwulandari || t_fail "account: walk failed"
wait_for 300 eval '[ -n "$(lsA -b "kunciId=$pid,$RQ" -s one "(kunciId=step-5-1)" 1.1)" ]'
link_cut
kcr -s "$SA" directory writer 1 --force
t_eq "account: forced switch back to 1 at site A while 2 runs, cut off" 0 "$rc"
kcr -s "$SB" --as ihidayat request approve "$pid" --account lputri-b
rb=$rc
sleep 1
kcr -s "$SA" --as ihidayat request approve "$pid" --account lputri-a
t_eq "account: the provision step approved at both sites, two accounts" \
    "0 0" "$rb $rc"
link_restore
dbl_acc() { [ -n "$(lsA -b "kunciId=$pid,$RQ" -s one '(kunciId=double-6-1)' 1.1)" ] &&
    [ -n "$(lsB -b "kunciId=$pid,$RQ" -s one '(kunciId=double-6-1)' 1.1)" ]; }
t_check "account: after the link returns it is found: event double-6-1 on both providers" \
    wait_for 1200 dbl_acc
gcred() { ldapsearch -Q -Y EXTERNAL -H "$1" -LLL -b "ou=grants,ou=kunci,$KUNCI_BASE" \
    "(kunciRequestRef=$pid)" kunciCredential | sed -n 's/^kunciCredential: //p'; }
haspw() { ldapsearch -Q -Y EXTERNAL -H "$1" -LLL -b "uid=$2,$ACC" -s base \
    userPassword 2>/dev/null | grep -c '^userPassword'; }
t_wait_eq "account: the grant names one account on both providers" "ok" 300 \
    eval 'k=$(gcred "$A_LDAPI"); case "$k" in lputri-a|lputri-b) [ "$k" = "$(gcred "$B_LDAPI")" ] && echo ok;; esac'
kept=$(gcred "$A_LDAPI")
other=lputri-a
[ "$kept" = lputri-a ] && other=lputri-b
t_wait_eq "account: the other account ($other) is disabled on both providers, $kept keeps its password" \
    "0 0 1 1" 600 eval 'echo "$(haspw "$A_LDAPI" "$other") $(haspw "$B_LDAPI" "$other") $(haspw "$A_LDAPI" "$kept") $(haspw "$B_LDAPI" "$kept")"'
t_check "account: ... audited as account.disable" \
    wait_audit "event=account.disable account=$other grant=$pid " 100

t_done
