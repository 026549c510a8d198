#!/bin/bash
# request report --month (and visit report, which shares its code): the
# SOPs' own figures for a month made through the real commands, checked
# exactly against figures computed by hand below.
#
# kuncid runs under libfaketime with a frozen clock that the test moves
# before each act (FAKETIME_TIMESTAMP_FILE), so every act happens at the
# minute written here; slapd and kuncictl run on the real clock, which the
# figures do not use (under the sanitizer build libfaketime is preloaded
# before ASan's runtime, which ASan accepts with verify_asan_link_order=0).
# Month: November 2026, Asia/Jakarta.
#
#   R1  D, lputri, Mon 02 09:00; every step acted: 2:00 4:00* 3:00 2:00
#       2:00 3:00 2:00 1:00 6:00* 4:00 (*over); total 29:00 of 34:00 summed
#   R2  D, Tue 03 10:00; Kadis 5:00*, Kabid 1:00, the coordinator
#       verifies and reports after 4:00* (it cannot reject), the Kabid
#       rejects after 2:00
#   V1  B visit, Wed 04, the guest arrived 09:00: form 5:00, Kasi 4:00,
#       entry 2:00, escort appointed 2:00, guest book in 2:00 (09:15); the
#       guest left at 10:12 (--left), the exit written in the book at 10:15
#       (3:00) with the lock statement (0:00); total 18:00 of 22:00 stated
#   R4  A-trenggalek, ekusuma, Fri 06 15:00: Kadis Mon 09 10:00 (within
#       1bd: the deadline is Mon 15:00), Kabid verifies Tue 10 11:00 (over:
#       due Tue 10:00), approves 11:30, card Wed 11 09:00, the operator
#       informs and ekusuma confirms receipt in the same minute (0 s each);
#       total 4d 18:00 within 6bd (six steps of 1bd); ekusuma filled in
#       the form on Thu 05 09:00 (--started): the submission row, 30:00
#       against 1bd, over (due Fri 06 09:00)
#   R5  A-trenggalek, gmaharani, Mon 16 08:00: Kadis Mon 23 09:00 (over),
#       then 10 minutes each, inform and receipt 0 s; total 7d 1:30,
#       within 6bd (due Tue 24 08:00)
#   R3  D, Mon 30 23:30: open, no act
. "$(dirname "$0")/workflow.inc"

FT=
for f in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
    /usr/lib/*/faketime/libfaketime.so.1; do
	[ -r "$f" ] && { FT=$f; break; }
done
[ -n "$FT" ] || t_skip "libfaketime not installed (apt-get install faketime)"

wf_setup
la >/dev/null <<LDIF
dn: kunciName=server-room:trenggalek,ou=resources,ou=kunci,$KUNCI_BASE
objectClass: kunciManagedResource
kunciName: server-room:trenggalek
kunciType: server-room
kunciWorkflow: A-trenggalek

dn: kunciId=escort-fnugroho,ou=grants,ou=kunci,$KUNCI_BASE
objectClass: kunciGrant
kunciId: escort-fnugroho
kunciSubject: fnugroho
kunciResource: server-room:dc1
kunciStatus: active
kunciNotBefore: 20261001000000Z
kunciNotAfter: 20270101000000Z
LDIF
t_check "the resource and the escort's grant" test $? -eq 0

# at "YYYY-MM-DD HH:MM": kuncid's clock, frozen there
at() { echo "$1:00" >"$W/ft"; }
at "2026-11-02 09:00"
kd_stop
sock=$(sed -n 's/^[[:space:]]*admin_socket = "\(.*\)";/\1/p' "$KUNCI_CONF")
rm -f "$sock"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
TZ=Asia/Jakarta LD_PRELOAD=$FT FAKETIME_TIMESTAMP_FILE=$W/ft FAKETIME_NO_CACHE=1 \
    FAKETIME_DONT_FAKE_MONOTONIC=1 "$KUNCID" -f -c "$KUNCI_CONF" \
    -l "$W/log.sock" </dev/null >>"$W/kuncid.log" 2>&1 &
echo $! >"$W/kuncid.pid"
wait_for 100 test -S "$sock" && wait_for 100 directory_up ||
    { t_fail "kuncid under faketime" "$(tail -n 5 "$W/kuncid.log")"; t_done; }

# act "TIME" USER ID [args]: approve ID's current step at TIME
act() { at "$1"; kc --as "$2" request approve "$3" "${@:4}" >/dev/null || t_fail "$2 approves $3 at $1"; }

r1=$(submit lputri server-room:dc2)
for x in "09:02 hsantoso" "09:06 dpratama" "09:09 yhartono" "09:11 dpratama" \
    "09:13 yhartono" "09:16 wsaputra" "09:18 nlestari" "09:19 yhartono" \
    "09:25 dpratama" "09:29 hsantoso"; do
	act "2026-11-02 ${x% *}" "${x#* }" "$r1"
done
t_eq "R1 done" "2026-11-02T09:00 active " "$(field "$r1" created | cut -c1-16) $(field "$r1" state) $(field "$r1" step)"

at "2026-11-03 10:00"
r2=$(submit lputri server-room:dc2)
act "2026-11-03 10:05" hsantoso "$r2"
act "2026-11-03 10:06" dpratama "$r2"
at "2026-11-03 10:10"
kc --as yhartono request approve "$r2" --note "surat tidak lengkap; dilaporkan ke Kabid" >/dev/null
at "2026-11-03 10:12"
kc --as dpratama request reject "$r2" --reason "surat tidak lengkap" >/dev/null
t_eq "R2 rejected" rejected "$(field "$r2" state)"

at "2026-11-04 09:05"
v1=$(vrequest() { kc --as jwijaya --json visit request --resource server-room:dc1 \
    --guest "Agus Tamu" --org "PT Contoh" --id-doc "KTP 1" --purpose network \
    --duration 2h --arrived 2026-11-04T09:00 | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }; vrequest)
at "2026-11-04 09:09"; kc --as rwulandari visit approve "$v1" >/dev/null
at "2026-11-04 09:11"; kc --as sanggraini visit approve "$v1" >/dev/null
at "2026-11-04 09:13"; kc --as rwulandari visit escort "$v1" --escort fnugroho >/dev/null
at "2026-11-04 09:15"; kc --as jwijaya visit checkin "$v1" >/dev/null
at "2026-11-04 10:15"
kcr --as fnugroho visit checkout "$v1" --locked --left 2026-11-04T09:10
t_eq "--left before the check-in: 65" 65 "$rc"
t_eq "... one line, nothing recorded" "1 in" \
    "$(printf '%s\n' "$err" | grep -c .) $(kc --json visit show "$v1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
kcr --as fnugroho visit lock "$v1" --left 2026-11-04T10:12
t_eq "--left on visit lock: 64" 64 "$rc"
# the guest left at 10:12; the exit is written in the book at 10:15
kc --as fnugroho visit checkout "$v1" --locked --left 2026-11-04T10:12 >/dev/null
t_eq "the exit is the time the guest left" "2026-11-04T10:12" \
    "$(kc --json visit show "$v1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["checkout"][:16])')"
t_eq "V1 done" done "$(kc --json visit show "$v1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"

at "2026-11-06 15:00"
r4=$(submit ekusuma server-room:trenggalek --started 2026-11-05T09:00)
act "2026-11-09 10:00" hsantoso "$r4"
act "2026-11-10 11:00" dpratama "$r4"
act "2026-11-10 11:30" dpratama "$r4"
act "2026-11-11 09:00" sanggraini "$r4" --serial TG-501
act "2026-11-11 09:00" sanggraini "$r4"
act "2026-11-11 09:00" ekusuma "$r4"
t_eq "R4 done" "active " "$(field "$r4" state) $(field "$r4" step)"

at "2026-11-16 08:00"
r5=$(submit gmaharani server-room:trenggalek)
act "2026-11-23 09:00" hsantoso "$r5"
act "2026-11-23 09:10" dpratama "$r5"
act "2026-11-23 09:20" dpratama "$r5"
act "2026-11-23 09:30" sanggraini "$r5" --serial TG-502
act "2026-11-23 09:30" sanggraini "$r5"
act "2026-11-23 09:30" gmaharani "$r5"
t_eq "R5 done" "active " "$(field "$r5" state) $(field "$r5" step)"

at "2026-11-30 23:30"
r3=$(submit lputri server-room:dc2)
t_check "R3 open ($r3)" test -n "$r3"
at "2026-12-01 08:00"

# --- the request report, JSON: every figure
kc --json request report --month 2026-11 >"$W/rr.json"
python3 - "$W/rr.json" "$r1" "$r2" "$r4" "$r5" >"$W/rr.check" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r1, r2, r4, r5 = sys.argv[2:6]
def eq(name, want, got):
    print(f"{name} {'ok' if want == got else 'FAIL'} want={want} got={got}")
eq("counts", (5, 3, 1, 1), (r["requests"], r["done"], r["rejected"], r["open"]))
procs = {p["workflow"]: p for p in r["procedures"]}
eq("procedures", ["A-trenggalek", "D"], sorted(procs))
D, T = procs.get("D", {}), procs.get("A-trenggalek", {})
k = ("items", "complete", "total_standard_seconds", "total_standard_bd",
     "total_basis", "total_average_seconds", "total_max_seconds",
     "over_total_standard")
eq("D_total", (3, 1, 2040, False, "summed", 1740, 1740, 0),
   tuple(D.get(x) for x in k))
tot4 = 2 * 86400 + 19 * 3600 + 90000 + 1800 + 77400
tot5 = 7 * 86400 + 3600 + 600 + 600 + 600
eq("A-trenggalek_total", (2, 2, 6 * 86400, True, "summed", (tot4 + tot5) // 2,
                          tot5, 0), tuple(T.get(x) for x in k))
steps = {(s["workflow"], s["step"]): (s["count"], s["average_seconds"],
         s["max_seconds"], s["exceeded"], s["standard_seconds"]) for s in r["steps"]}
want = {
    ("D", "kadis-disposition"): (2, 210, 300, 1, 180),
    ("D", "kabid-disposition"): (2, 150, 240, 1, 180),
    ("D", "coordinator-verify"): (2, 210, 240, 1, 180),
    ("D", "kabid-decide"): (2, 120, 120, 0, 180),
    ("D", "coordinator-assign"): (1, 120, 120, 0, 180),
    ("D", "escort"): (1, 180, 180, 0, 180),
    ("D", "helpdesk-report"): (1, 120, 120, 0, 180),
    ("D", "coordinator-report"): (1, 60, 60, 0, 180),
    ("D", "kabid-report"): (1, 360, 360, 1, 300),
    ("D", "kadis-receive"): (1, 240, 240, 0, 300),
    ("A-trenggalek", "submission"): (1, 108000, 108000, 1, 86400),
    ("A-trenggalek", "kadis-disposition"): (2, (241200 + 608400) // 2, 608400, 1, 86400),
    ("A-trenggalek", "kabid-verify"): (2, (90000 + 600) // 2, 90000, 1, 86400),
    ("A-trenggalek", "kabid-approve"): (2, 1200, 1800, 0, 86400),
    ("A-trenggalek", "card"): (2, (77400 + 600) // 2, 77400, 0, 86400),
    ("A-trenggalek", "inform"): (2, 0, 0, 0, 86400),
    ("A-trenggalek", "receive"): (2, 0, 0, 0, 86400),
}
for key, v in want.items():
    eq("step:" + "/".join(key), v, steps.get(key))
eq("no_other_steps", sorted(want), sorted(steps))
ex = sorted((e["request"], e["step"], e["seconds"]) for e in r["exceeded"])
eq("exceeded", sorted([(r1, "kabid-disposition", 240), (r1, "kabid-report", 360),
                       (r2, "kadis-disposition", 300), (r2, "coordinator-verify", 240),
                       (r4, "kabid-verify", 90000), (r4, "submission", 108000),
                       (r5, "kadis-disposition", 608400)]), ex)
PY
while read -r name res detail; do
	if [ "$res" = ok ]; then t_ok "request report: $name"; else t_fail "request report: $name" "$detail"; fi
done <"$W/rr.check"

# --- text, CSV, HTML
kc --lang en request report --month 2026-11 >"$W/rr.txt"
t_grep "text: D's total row, summed" "^D +TOTAL +34:00 +1 +29:00 +29:00 +0 +summed$" "$W/rr.txt"
t_grep "text: A-trenggalek's total row, in business days" \
    "^A-trenggalek +TOTAL +6 bd +2 +5 d 21:45:00 +7 d 1:30:00 +0 +summed$" "$W/rr.txt"
t_grep "text: names an exceeded step" "$r4 kabid-verify 1 d 1:00:00 > 1 bd" "$W/rr.txt"
t_eq "text: A-trenggalek's first row is the requester's own step (--started)" \
    "submission 1 bd 1" \
    "$(grep -m1 '^A-trenggalek ' "$W/rr.txt" | awk '{print $2, $3, $4, $5}')"
t_grep "text in Indonesian" "^A-trenggalek +TOTAL +6 hari kerja .* jumlah langkah$" \
    <(kc request report --month 2026-11)
kc --lang en request report --month 2026-11 --format csv >"$W/rr.csv"
t_grep "CSV: header" "^Procedure,Step,Standard,Count,Average,Longest,Exceeded,Standard from" "$W/rr.csv"
t_grep "CSV: D's total row" "^D,TOTAL,34:00,1,29:00,29:00,0,summed" "$W/rr.csv"
kc request report --month 2026-11 --format html >"$W/rr.html"
t_check "HTML: well formed" xmllint --noout "$W/rr.html"
t_grep "HTML: the title" "Mutu baku layanan permohonan, 2026-11" "$W/rr.html"
t_grep "October: no requests" '"requests": 0' <(kc --json request report --month 2026-10)

# --- the visit report: per procedure, B against its stated 22 minutes
kc --json visit report --month 2026-11 >"$W/vr.json"
t_eq "visit report: B only, stated 22:00, one visit in 18:00" \
    "B 1 1 1320 stated 1080 0" \
    "$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["procedures"]; print(" ".join(" ".join(str(x[k]) for k in ("workflow","items","complete","total_standard_seconds","total_basis","total_average_seconds","over_total_standard")) for x in p))' "$W/vr.json")"
t_eq "visit report: B's steps as measured" \
    "form:300 kasi-check:240 approve-entry:120 appoint-escort:120 guest-book-in:120 guest-book-out:180 lock-room:0" \
    "$(python3 -c 'import json,sys; print(" ".join("%s:%d" % (s["step"], s["max_seconds"]) for s in json.load(open(sys.argv[1]))["steps"]))' "$W/vr.json")"
t_grep "visit report text: B's total row, stated" "^B +TOTAL +22:00 +1 +18:00 +18:00 +0 +stated$" \
    <(kc --lang en visit report --month 2026-11)

# --- bad input
kcr request report --month 2026-13
t_eq "a bad month: 64" 64 "$rc"
kcr request report --month 2026-11 --format pdf
t_eq "a bad format: 64" 64 "$rc"
t_eq "... one line" 1 "$(printf '%s\n' "$err" | grep -c .)"
kcr --as lputri request report --month 2026-11
t_eq "for role holders only (77)" 77 "$rc"
t_done
