#!/bin/bash
# review report paged (issue 18): a campaign of 1,100 grants (three finding
# pages of the store) read in report pages of 97 rows: every grant appears
# exactly once across the pages, ranked by risk without a gap, the summary
# (counts per decision) is the whole campaign's on every page, and --json
# says how to get the next page.  The list form pages the same way.  Bad
# paging options: EX_USAGE.  The review form (doc review) is paged the same
# way: every rank once across pages, the whole campaign's counts on each.
. "$(dirname "$0")/review.inc"

rv_setup "
  interval = \"90d\"; unused_after = \"30d\"; deadline = \"14d\";
  reminders = [ ]; on_silence = \"escalate\"; escalate_to = \"kasi-infra\";
  grace = \"1h\"; incompatible = ( ); units = ( );"
P=control-panel:webmin
N=1100
seed_grants RP "$N" "$P" mixed
t_eq "1,100 grants seeded" "$N" "$(ls_ -b "ou=grants,ou=kunci,$KUNCI_BASE" -s one '(kunciId=RP-*)' 1.1 | grep -c '^dn:')"
kc review start --period 2033-q1 >/dev/null
C=2033-q1
t_eq "... in three finding pages" 3 "$(ls_ -b "kunciId=$C,ou=reviews,ou=kunci,$KUNCI_BASE" -s one '(kunciId=page-*)' 1.1 | grep -c '^dn:')"
t_eq "... each page carries its grants' keys (RP-0***, twice, RP-1***), not one kunciGrantRef per grant" \
    "RP-0*** RP-0*** RP-1***" \
    "$(ls_ -b "kunciId=$C,ou=reviews,ou=kunci,$KUNCI_BASE" -s one '(kunciId=page-*)' kunciGrantRef | sed -n 's/^kunciGrantRef: //p' | sort | paste -sd' ')"
for g in RP-0000 RP-0003 RP-0601; do
	kcr --as mfitriani review attest "$C" "$g" valid --note "diperiksa"
done
kcr --as mfitriani review attest "$C" RP-0004 invalid --note "sudah pindah"

# --- every page, as --json says ---------------------------------------------
pages=$W/pages.json
off=0; n=0; ok=1
while [ "$off" != "None" ] && [ $n -lt 30 ]; do
	kcr --json review report "$C" --limit 97 --offset "$off"
	[ "$rc" = 0 ] || { ok=0; break; }
	echo "$out" >>"$pages"; echo >>"$pages"
	off=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next_offset"])')
	n=$((n + 1))
done
t_eq "report pages of 97 rows: all answered" 1 "$ok"
t_eq "... 12 pages for 1,100 grants" 12 "$n"
res=$(python3 - "$pages" "$N" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
dec = json.JSONDecoder(); i = 0; pages = []
while True:
    while i < len(text) and text[i].isspace(): i += 1
    if i >= len(text): break
    o, i = dec.raw_decode(text, i); pages.append(o)
rows = [r for p in pages for r in p["rows"]]
ids = [r["grant"] for r in rows]
want = {f"RP-{k:04d}" for k in range(int(sys.argv[2]))}
print("once" if len(ids) == len(set(ids)) and set(ids) == want else f"bad {len(ids)} {len(set(ids))}")
print("numbered" if [int(r["no"]) for r in rows] == list(range(1, len(rows) + 1)) else "gaps")
risks = [int(r["risk"]) for r in rows]
print("by-risk" if risks == sorted(risks, reverse=True) else "unordered")
print("summary-same" if all(p["decisions"] == pages[0]["decisions"] and p["total"] == len(rows) for p in pages) else "summary-differs")
d = pages[0]["decisions"]
print(d["valid"], d["invalid"], d["pending"], pages[-1]["more"])
by = {r["grant"]: r["decision"] for r in rows}
print(by["RP-0601"], by["RP-0004"], by["RP-0005"])
PY
)
t_eq "... every grant exactly once across the pages" once "$(sed -n 1p <<<"$res")"
t_eq "... numbered 1..1100 without a gap" numbered "$(sed -n 2p <<<"$res")"
t_eq "... ranked by risk across the pages" by-risk "$(sed -n 3p <<<"$res")"
t_eq "... the whole campaign's summary on every page" summary-same "$(sed -n 4p <<<"$res")"
t_eq "... totals: 3 valid, 1 invalid, 1,096 pending; nothing more after the last" "3 1 1096 0" "$(sed -n 5p <<<"$res")"
t_eq "... each row with its decision" "sah tidak sah: penghapusan menunggu verifikasi" "$(sed -n 6p <<<"$res")"

# --- text and CSV pages -------------------------------------------------------
kcr review report "$C" --limit 500 --offset 1000
t_eq "text page: answered" 0 "$rc"
t_grep "... the range of rows" "^Baris: +1001-1100 / 1100" <(echo "$out")
t_grep "... the whole campaign's counts" "^sah: +3" <(echo "$out")
kcr review report "$C" --limit 500
t_grep "... the first page says where the next starts" "^\.\.\. 600 lagi: --offset 500" <(echo "$out")
kcr review report "$C" --format csv --limit 10 --offset 1095
t_eq "CSV page: a header and the last 5 rows" 6 "$(echo "$out" | wc -l)"
kcr review report "$C" --format csv
t_eq "CSV, no --limit: 2,000 rows a page hold the 1,100" 1101 "$(echo "$out" | wc -l)"

# --- the list form ------------------------------------------------------------
ids=$(for off in 0 400 800; do
	kc --json review report "$C" --form list --limit 400 --offset $off |
	    python3 -c 'import json,sys; [print(r["grant"]) for r in json.load(sys.stdin)["rows"]]'
done | grep '^RP-' | sort)
t_eq "list form, three pages: every grant once" "$N $N" "$(echo "$ids" | wc -l) $(echo "$ids" | sort -u | wc -l)"
t_eq "... with the review's result" "tidak sah: penghapusan" "$(kc --json review report "$C" --form list --limit 2000 | python3 -c 'import json,sys; print([r["review"] for r in json.load(sys.stdin)["rows"] if r["grant"] == "RP-0004"][0])')"

# --- the review form (doc review), paged ---------------------------------------
form=$W/form.json
: >"$form"
for off in 0 400 800; do
	kc doc review "$C" --format json --limit 400 --offset $off >>"$form"
	echo >>"$form"
done
kc --json review report "$C" --limit 1100 >"$W/rep.json"
res=$(python3 - "$form" "$W/rep.json" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
dec = json.JSONDecoder(); i = 0; rows = []
while True:
    while i < len(text) and text[i].isspace(): i += 1
    if i >= len(text): break
    o, i = dec.raw_decode(text, i); rows += o
rep = json.load(open(sys.argv[2]))["rows"]
print("ranks-once" if sorted(int(r["no"]) for r in rows) == list(range(1, 1101)) else f"bad {len(rows)}")
byno = {int(r["no"]): r for r in rows}
# the same grant at each rank as review report: its attester and note
same = all((byno[int(r["no"])]["note"] == r["note"]) for r in rep)
print("same-order" if same and sum(1 for r in rep if r["note"]) == 4 else "order-differs")
print(sum(1 for r in rows if r["decision"] == "sah"), sum(1 for r in rows if r["decision"].startswith("tidak sah")))
PY
)
t_eq "doc review in pages of 400: every rank once" ranks-once "$(sed -n 1p <<<"$res")"
t_eq "... each the grant review report ranks there" same-order "$(sed -n 2p <<<"$res")"
t_eq "... 3 still valid, 1 not valid" "3 1" "$(sed -n 3p <<<"$res")"
kcr doc review "$C" --limit 400 --offset 400
t_eq "the text form's page" 0 "$rc"
t_grep "... says which rows of how many" "Baris.*401-800 dari 1100" <(echo "$out")
t_grep "... with the whole campaign's counts" "1100 hak akses: 3 sah, 1 tidak sah, 1096 belum diverifikasi" <(echo "$out")
kcr doc review "$C" --format html --limit 97 --offset 1050
t_check "... an HTML page is well formed" xmllint --noout - <<<"$out"
t_grep "... and says its rows" "1051-1100 dari 1100" <(echo "$out")
kcr doc review "$C"
t_check_fail "the whole campaign on the default page: no row range" grep -q "Baris.* dari " <<<"$out"
kcr doc review "$C" --limit 10001
t_eq "doc review --limit past 10,000: EX_USAGE" 64 "$rc"
kcr doc request X --offset 3
t_eq "--offset for another form: EX_USAGE" 64 "$rc"

# --- review show to the access owner (no role), paged ---------------------------
ow=$(kc --as mfitriani --json review show "$C" --offset 1000 --limit 100)
ad=$(kc --json review show "$C" --offset 1000 --limit 100)
t_eq "the owner's show: the whole count, a window of 100" "1100 100 1096" \
    "$(echo "$ow" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["grants"], len(d["findings"]), d["decisions"]["pending"])')"
t_eq "... the same grants, in the same order, as an administrator's window" \
    "$(echo "$ad" | python3 -c 'import json,sys; print(" ".join(f["grant"] for f in json.load(sys.stdin)["findings"]))')" \
    "$(echo "$ow" | python3 -c 'import json,sys; print(" ".join(f["grant"] for f in json.load(sys.stdin)["findings"]))')"
t_eq "... with the notes of the attested ones" "sudah pindah" \
    "$(kc --as mfitriani --json review show "$C" --limit 1100 | python3 -c 'import json,sys; print([f["note"].split(";")[0] for f in json.load(sys.stdin)["findings"] if f["grant"] == "RP-0004"][0])')"

# --- a page written before the keys (one kunciGrantRef per grant) -------------
# The page of RP-1000..RP-1099 as kuncid wrote it before: still read.
{
	echo "dn: kunciId=page-RP-1000,kunciId=$C,ou=reviews,ou=kunci,$KUNCI_BASE"
	echo "changetype: modify"
	echo "replace: kunciGrantRef"
	for i in $(seq 1000 1099); do echo "kunciGrantRef: RP-$i"; done
} | lm >/dev/null
t_eq "an old-format page (100 grant ids)" 100 \
    "$(ls_ -b "kunciId=page-RP-1000,kunciId=$C,ou=reviews,ou=kunci,$KUNCI_BASE" -s base kunciGrantRef | grep -c '^kunciGrantRef: RP-1[0-9]')"
kcr --as mfitriani review attest "$C" RP-1042 valid --note "format lama"
t_eq "... a grant on it attested" 0 "$rc"
t_eq "... the report says so" "sah" \
    "$(kc --json review report "$C" --limit 1100 | python3 -c 'import json,sys; print([r["decision"] for r in json.load(sys.stdin)["rows"] if r["grant"] == "RP-1042"][0])')"
t_eq "... the list form finds its other grants in the campaign (pending)" "menunggu verifikasi" \
    "$(kc --json review report "$C" --form list --limit 2000 | python3 -c 'import json,sys; print([r["review"] for r in json.load(sys.stdin)["rows"] if r["grant"] == "RP-1043"][0])')"

# --- bad paging: EX_USAGE, nothing printed -------------------------------------
kcr review report "$C" --limit 0
t_eq "--limit 0: EX_USAGE" 64 "$rc"
kcr review report "$C" --limit 10001
t_eq "--limit past 10,000: EX_USAGE" 64 "$rc"
kcr review report "$C" --offset -1
t_eq "a negative --offset: EX_USAGE" 64 "$rc"
kcr review report "$C" --offset 5000
t_eq "an --offset past the end: an empty page" "0 0" "$rc $(echo "$out" | grep -c '^RP-')"
t_done
