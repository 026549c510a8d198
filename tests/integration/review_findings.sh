#!/bin/bash
# Review campaigns (C2): seeded grants, one per finding, give exactly the
# expected findings and no others, ordered by risk; a second start for the
# same period and scope changes nothing, also when two kuncid run it at
# once; bad input is refused.
. "$(dirname "$0")/review.inc"

rv_setup "
  interval = \"90d\"; unused_after = \"30d\"; deadline = \"14d\";
  reminders = [ ]; on_silence = \"escalate\"; escalate_to = \"kasi-infra\";
  grace = \"1h\";
  incompatible = ( [ \"server-room:dc2\", \"host:srv-db1\" ] );
  units = ( [ \"host:srv-web1\", \"cn=unit-diskominfo,ou=groups,@BASE@\" ] );"
RQ="ou=requests,ou=kunci,$KUNCI_BASE"
P=control-panel:webmin

# a holder disabled in the directory (shadowExpire in the past)
lm >/dev/null <<LDIF
dn: uid=tramadhan,ou=people,$KUNCI_BASE
changetype: modify
add: objectClass
objectClass: shadowAccount
-
add: shadowExpire
shadowExpire: 1
LDIF
# a request whose holder approved one of its steps
la >/dev/null <<LDIF
dn: kunciId=2030-000901,$RQ
objectClass: kunciRequest
kunciId: 2030-000901
kunciRequester: nlestari
kunciSubject: nlestari
kunciResource: $P
kunciWorkflow: C1
kunciState: active
kunciCreated: $(gt_ago $((10 * DAY)))

dn: kunciId=step-6-1,kunciId=2030-000901,$RQ
objectClass: kunciEvent
kunciId: step-6-1
kunciTime: $(gt_ago $((10 * DAY)))
kunciActor: nlestari
kunciDecision: approve
kunciRole: kasi-infra
kunciStepIndex: 6
LDIF

grant RV-CLEAN jwijaya host:srv-web1
grant RV-EXPIRED lputri "$P" kunciNotAfter="$(gt_ago $DAY)"
grant RV-NEVER gmaharani "$P" kunciLastUsed= kunciCreated="$(gt_ago $((60 * DAY)))" kunciNotBefore="$(gt_ago $((60 * DAY)))"
grant RV-UNUSED ekusuma "$P" kunciLastUsed="$(gt_ago $((45 * DAY)))"
grant RV-MISSING zhantu "$P"
grant RV-DISABLED tramadhan "$P"
grant RV-LEFT lputri host:srv-web1
grant RV-GONE gmaharani host:srv-hilang
grant RV-NOTREV ekusuma server-room:dc1 kunciLastReviewed= kunciCreated="$(gt_ago $((200 * DAY)))" kunciNotBefore="$(gt_ago $((200 * DAY)))"
grant RV-SELF nlestari "$P" kunciRequestRef=2030-000901
grant RV-INC1 yhartono server-room:dc2
grant RV-INC2 yhartono host:srv-db1
# out of scope: revoked long ago; expired before the last interval (kuncid
# leaves that test to itself, not to slapd's filter)
grant RV-OLD jwijaya "$P" kunciStatus=revoked
grant RV-OLDEXP ekusuma "$P" kunciStatus=expired kunciNotAfter="$(gt_ago $((400 * DAY)))"
# ... and a status that is not active, suspended or expired (slapd's filter
# leaves out only "revoked": kuncid keeps the statuses in scope itself)
grant RV-ODD jwijaya "$P" kunciStatus=pending

kcr --as jwijaya review start --period 2031-q1
t_eq "a requester may not start a review: EX_NOPERM" 77 "$rc"
kcr review start --period 2031-q1
t_eq "root starts campaign 2031-q1" 0 "$rc"
t_grep "... it reports its grants" "grants=12 flagged=11" <(echo "$out")
got=$(findings 2031-q1)
want="RV-CLEAN:
RV-DISABLED:holder-disabled
RV-EXPIRED:expired
RV-GONE:resource-gone
RV-INC1:sod-incompatible
RV-INC2:sod-incompatible
RV-LEFT:holder-left-unit
RV-MISSING:holder-missing
RV-NEVER:never-used
RV-NOTREV:not-reviewed
RV-SELF:sod-self-approved
RV-UNUSED:unused"
t_eq "exactly the expected findings, and no others" "$want" "$got"
order=$(kc --json review show 2031-q1 | python3 -c '
import json,sys; print(" ".join(f["grant"] for f in json.load(sys.stdin)["findings"]))')
t_eq "ordered by risk" "RV-GONE RV-MISSING RV-DISABLED RV-SELF RV-INC1 RV-INC2 RV-EXPIRED RV-LEFT RV-NEVER RV-UNUSED RV-NOTREV RV-CLEAN" "$order"
# a window of the findings: counts over the whole campaign
win=$(kc --json review show 2031-q1 --offset 2 --limit 3 | python3 -c '
import json,sys; d=json.load(sys.stdin)
print(d["grants"], d["offset"], d["more"], sum(d["decisions"].values()), " ".join(f["grant"] for f in d["findings"]))')
t_eq "review show --offset 2 --limit 3: 3rd to 5th by risk, counts of all 12" \
    "12 2 7 12 RV-DISABLED RV-SELF RV-INC1" "$win"
kcr --lang en review show 2031-q1 --limit 2
t_eq "review show --limit 2: exit 0" 0 "$rc"
t_grep "... two rows and how many more" "^\.\.\. 10 more" <(echo "$out")
t_eq "... the grant count is the campaign's" 1 "$(echo "$out" | grep -c '^Grants: *12$')"
for bad in "--limit 0" "--limit x" "--offset -1" "--offset 19999 --limit 2"; do
	kcr --lang en review show 2031-q1 $bad
	t_eq "review show $bad: EX_USAGE" 64 "$rc"
done
t_grep "... says which" "may not exceed 20000" <(echo "$err$out")
t_check "audit: review.start" wait_audit 'event=review.start campaign=2031-q1 actor=root'
t_check "audit: review.open with its counts, each its own field" \
    wait_audit 'event=review.open campaign=2031-q1 grants=12 flagged=[0-9]+ deadline='
t_check "audit: no record names a field twice" \
    python3 "$KUNCI_TOP/tests/tools/auditkeys.py" "$W/audit.log"

# --- idempotence -------------------------------------------------------------
snap() { ls_ -b "kunciId=2031-q1,ou=reviews,ou=kunci,$KUNCI_BASE" '(objectClass=*)' '*' modifyTimestamp entryCSN | sort; }
before=$(snap)
kcr --as rwulandari --lang en review start --period 2031-q1
t_eq "a second start (the Kasi): exit 0" 0 "$rc"
t_grep "... says it exists and did nothing" "already exists" <(echo "$out")
t_eq "... and changed nothing" "$before" "$(snap)"

C2=$W/kunci2.conf
sed -e "s|$W/run/admin.sock|$W/run/admin2.sock|" \
    -e "s|$W/run/query.sock|$W/run/query2.sock|" \
    -e "s|state_dir = \"$W/state\"|state_dir = \"$W/state2\"|" "$KUNCI_CONF" >"$C2"
mkdir -p "$W/state2"
kd_start "$C2" kuncid2 || t_done
"$KUNCICTL" --lang en review start --period 2031-q2 >"$W/r1.out" 2>&1 &
p1=$!
"$KUNCICTL" -s "$W/run/admin2.sock" --lang en review start --period 2031-q2 >"$W/r2.out" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
t_eq "two hosts start 2031-q2 at once: both exit 0" "0 0" "$r1 $r2"
t_eq "... exactly one opened it" 1 "$(cat "$W/r1.out" "$W/r2.out" | grep -c 'already exists')"
t_eq "... one campaign entry, 12 findings" "1 12" "$(ls_ -b "ou=reviews,ou=kunci,$KUNCI_BASE" '(kunciId=2031-q2)' 1.1 | grep -c '^dn:') $(ls_ -b "kunciId=2031-q2,ou=reviews,ou=kunci,$KUNCI_BASE" -s one '(&(objectClass=kunciReviewFinding)(kunciId=page-*))' kunciFinding | grep -c '^kunciFinding:')"
t_eq "... one review.start record" 1 "$(audit_count 'event=review.start campaign=2031-q2 ')"
kd_stop kuncid2

# --- a scoped campaign ---------------------------------------------------------
kcr --json review start --period 2031-q1 --resource host:srv-web1
t_eq "a campaign scoped to host:srv-web1" "0 2031-q1@host:srv-web1" "$rc $(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
t_eq "... covers only its grants" "RV-CLEAN:
RV-LEFT:holder-left-unit" "$(findings 2031-q1@host:srv-web1)"

# --- bad input -------------------------------------------------------------------
kcr review start --period "2031 q1"
t_eq "bad period: EX_DATAERR" 65 "$rc"
kcr review start --resource host:nope
t_eq "unknown resource: EX_NOINPUT (one rule for unknown names)" 66 "$rc"
kcr review show 2099-q9
t_eq "unknown campaign: EX_NOINPUT" 66 "$rc"
t_grep "... says so" "putaran reviu tidak dikenal: 2099-q9" <(echo "$err")
kcr --as gmaharani review show 2031-q1
t_eq "a person without a role may not read reviews" 77 "$rc"
t_eq "campaigns listed" 3 "$(kc --json review list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
t_done
