#!/bin/bash
# visit report --month: counts, durations and the steps over their service
# standard, checked exactly against a month of visits seeded with known
# times (ldapadd as the directory manager).  Times are UTC; the agent's
# zone is Asia/Jakarta (+7), so a visit at 2026-02-28T17:30Z is in March
# and one at 2026-03-31T20:00Z is in April.
. "$(dirname "$0")/visit.inc"

wf_setup
VB="ou=visits,ou=kunci,$KUNCI_BASE"

# visit ID CREATED STATE IN OUT LOCKED
visit()
{
	cat <<LDIF
dn: kunciId=$1,$VB
objectClass: kunciVisit
kunciId: $1
kunciGuestName: Tamu $1
kunciGuestOrg: CV Uji, "Cabang" Contoh
kunciIdentityDoc: KTP 33020000$1
kunciPurpose: servers
kunciResource: server-room:dc1
kunciRequester: jwijaya
kunciWorkflow: B
kunciExpectedDuration: 3600
kunciState: $3
kunciCreated: $2
LDIF
	[ -n "$4" ] && echo "kunciCheckIn: $4"
	[ -n "$5" ] && echo "kunciCheckOut: $5"
	[ -n "$6" ] && echo "kunciRoomLocked: $6"
	[ -n "$4" ] && echo "kunciEscort: fnugroho"
	echo
}

# ev VISIT INDEX TIME [DECISION]
ev()
{
	cat <<LDIF
dn: kunciId=step-$2-1,kunciId=$1,$VB
objectClass: kunciEvent
kunciId: step-$2-1
kunciTime: $3
kunciActor: seed
kunciStepIndex: $2
kunciDecision: ${4:-approve}

LDIF
}

{
	visit V2026-9001 20260302010000Z done 20260302011400Z 20260302021400Z TRUE
	ev V2026-9001 0 20260302010400Z
	ev V2026-9001 1 20260302011000Z
	ev V2026-9001 2 20260302011100Z
	ev V2026-9001 3 20260302011230Z
	ev V2026-9001 4 20260302011400Z
	ev V2026-9001 5 20260302021600Z
	ev V2026-9001 6 20260302021700Z
	visit V2026-9002 20260310020000Z out 20260310021500Z 20260310034500Z FALSE
	ev V2026-9002 0 20260310020600Z
	ev V2026-9002 1 20260310020900Z
	ev V2026-9002 2 20260310021200Z
	ev V2026-9002 3 20260310021300Z
	ev V2026-9002 4 20260310021500Z
	ev V2026-9002 5 20260310035000Z
	visit V2026-9003 20260228173000Z rejected "" "" ""
	ev V2026-9003 0 20260228173300Z
	ev V2026-9003 1 20260228173500Z reject
	visit V2026-9004 20260331200000Z done 20260331201000Z 20260331203000Z TRUE
	ev V2026-9004 0 20260331203000Z
} >"$W/seed.ldif"
t_check "seeded a month of visits" la -f "$W/seed.ldif"

kc --json visit report --month 2026-03 >"$W/report.json"
python3 - "$W/report.json" >"$W/report.check" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
want = {"visits": 3, "done": 1, "rejected": 1, "open": 1, "checked_out": 2,
        "not_locked": 1, "overdue": 0, "over_total_standard": 0,
        "service_seconds": 1020 + 1200 + 300, "activity_seconds": 3600 + 5400}
for k, v in want.items():
    print(f"{k} {'ok' if r[k] == v else 'FAIL'} want={v} got={r[k]}")
steps = {s["step"]: (s["count"], s["average_seconds"], s["max_seconds"],
                     s["exceeded"], s["standard_seconds"]) for s in r["steps"]}
wsteps = {"form": (3, 260, 360, 1, 300), "kasi-check": (3, 220, 360, 1, 300),
          "approve-entry": (2, 120, 180, 1, 120),
          "appoint-escort": (2, 75, 90, 0, 120),
          "guest-book-in": (2, 105, 120, 0, 180),
          "guest-book-out": (2, 210, 300, 1, 180),
          "lock-room": (1, 60, 60, 0, 120)}
for k, v in wsteps.items():
    print(f"step:{k} {'ok' if steps.get(k) == v else 'FAIL'} want={v} got={steps.get(k)}")
ex = sorted((e["visit"], e["step"], e["seconds"]) for e in r["exceeded"])
wex = sorted([("V2026-9001", "kasi-check", 360), ("V2026-9002", "form", 360),
              ("V2026-9002", "approve-entry", 180),
              ("V2026-9002", "guest-book-out", 300)])
print(f"exceeded {'ok' if ex == wex else 'FAIL'} want={wex} got={ex}")
fl = sorted((f["visit"], f["flag"]) for f in r["flags"])
print(f"flags {'ok' if fl == [('V2026-9002', 'checkout without lock statement')] else 'FAIL'} got={fl}")
PY
while read -r name res detail; do
	if [ "$res" = ok ]; then t_ok "report: $name"; else t_fail "report: $name" "$detail"; fi
done <"$W/report.check"
t_eq "report: B's total standard is 22 minutes" 1320 \
    "$(python3 -c 'import json,sys; print(sum(s["standard_seconds"] for s in json.load(open(sys.argv[1]))["steps"] if s["workflow"]=="B"))' "$W/report.json")"
t_grep "report: text names the exceeded steps" "V2026-9002 guest-book-out 5:00 > 3:00" <(kc --lang en visit report --month 2026-03)
t_grep "report: CSV has a header row" "^Procedure,Step," <(kc --lang en visit report --month 2026-03 --format csv)
t_grep "report: April holds the other visit" '"visits": 1' <(kc --json visit report --month 2026-04)
kcr visit report --month 2026-13
t_eq "report: a bad month is EX_USAGE" 64 "$rc"
kcr --as lputri visit report --month 2026-03
t_eq "report: for role holders only (77)" 77 "$rc"
t_eq "guest book of March: 3 visits" 3 \
    "$(kc doc guest-book 2026-03 --format csv | python3 -c 'import csv,sys; print(len(list(csv.reader(sys.stdin)))-1)')"
t_done
