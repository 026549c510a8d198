#!/bin/bash
# The SOP forms as documents: request, access list, review, removal, guest
# book and visit report, each in Indonesian and English as text, CSV and
# A4 HTML (well formed: xmllint), CSV escaping of commas, quotes and
# newlines; detached CMS signatures checked by kuncictl and by
# `openssl cms -verify`, and a one-byte change failing both; bad input.
. "$(dirname "$0")/visit.inc"
command -v xmllint >/dev/null || t_skip "xmllint (libxml2-utils) needed"

wf_setup
K="ou=kunci,$KUNCI_BASE"
cd "$W" || t_done

# data: a request walked to the end, a visit, a review campaign (seeded:
# its engine is issue 6) and a removal request made as removal.c makes it
id=$(submit lputri server-room:dc1 --until 2026-12-31T17:00)
walk "$id" tramadhan hsantoso dpratama rwulandari dpratama fnugroho:--serial:KA-0042 fnugroho
seed_grant fnugroho server-room:dc1
vid=$(GUEST='Budi "Bud" Santoso, S.Kom' vrequest jwijaya server-room:dc1)
nl=$(printf 'Baris satu\nBaris dua, "kutip"' | base64 -w0)
la >/dev/null <<LDIF
dn: kunciId=V2026-8001,ou=visits,$K
objectClass: kunciVisit
kunciId: V2026-8001
kunciGuestName:: $nl
kunciGuestOrg: =HYPERLINK("x")
kunciPurpose: network
kunciResource: server-room:dc1
kunciWorkflow: B
kunciState: pending
kunciCreated: $(now_gt -60)

dn: kunciId=2026-q1,ou=reviews,$K
objectClass: kunciReviewCampaign
kunciId: 2026-q1
kunciPeriod: 2026-q1
kunciState: open

dn: kunciId=$id,kunciId=2026-q1,ou=reviews,$K
objectClass: kunciReviewFinding
kunciId: $id
kunciGrantRef: $id
kunciSubject: lputri
kunciResource: server-room:dc1
kunciDecision: keep
kunciActor: mfitriani
kunciTime: $(now_gt)
LDIF
# C3 as removal_c3.sh walks it: the access owner asks, the Kasi records
# and forwards, the administrator deactivates (the grant is revoked) and
# updates the access list.
rid=$(kc --as mfitriani --json removal request "$id" \
    --reason 'Tidak lagi bertugas di ruang server, "mutasi"' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t_check "removal request opened ($rid)" test -n "$rid"
walk "$rid" rwulandari sanggraini sanggraini
t_eq "removal $rid carried out" "active/" "$(field "$rid" state)/$(field "$rid" step)"
t_eq "... and grant $id revoked" revoked "$(gfield "$id" status)"
month=$(date +%Y-%m)

# --- every form, both languages, three formats ------------------------------
for form in "request $id" "access-list server-room:dc1" "review 2026-q1" \
    "removal $rid" "guest-book $month" "guest-book $vid"; do
	set -- $form
	for lang in id en; do
		for f in txt csv html; do
			o="$W/$1-$lang.$f"
			kcr --lang "$lang" doc "$@" --format "$f"
			printf '%s\n' "$out" >"$o"
			if [ "$rc" != 0 ]; then
				t_fail "$1 $lang $f renders" "$err"
				continue
			fi
			case $f in
			html) t_check "$1 $lang html is well formed" xmllint --noout "$o" ;;
			csv) t_check "$1 $lang csv has a header row" \
			    grep -q '^No,' "$o" ;;
			txt) t_grep "$1 $lang txt has the header block" \
			    "^Dinas Komunikasi dan Informatika Kabupaten Contoh" "$o" ;;
			esac
		done
	done
done
t_grep "Indonesian title" "Formulir Permintaan Akses" "$W/request-id.txt"
t_grep "English title" "Access Request Form" "$W/request-en.txt"
t_grep "HTML is A4" "size: A4" "$W/access-list-id.html"
t_grep "HTML carries the SOP number" "000/001/DISKOMINFO/2026" "$W/request-id.html"
t_grep "the request form has the approval trail" "KA-0042" "$W/request-id.txt"
t_grep "the access list lists the holder" "Lina Putri" "$W/access-list-id.txt"
t_grep "the review form lists the finding" "keep" "$W/review-en.csv"
t_grep "the removal form has the reason" "Tidak lagi bertugas" "$W/removal-id.txt"
t_grep "Indonesian removal title" "Formulir Permintaan Penghapusan Akses" "$W/removal-id.txt"
t_grep "English removal title" "Access Removal Request Form" "$W/removal-en.html"
t_grep "the removal form has its SOP" "SOP Hak Akses Control Panel Website" "$W/removal-id.html"
t_grep "the removal form names who asked" "Pemohon.*Maya Fitriani \\(mfitriani\\)" "$W/removal-id.txt"
t_grep "the removal form names the grant" "$id \\(card KA-0042; revoked\\)" "$W/removal-en.txt"
t_grep "the removal form names the Kasi who recorded it" \
    "Recorded and forwarded by.*Rina Wulandari \\(rwulandari\\), Head of ICT" "$W/removal-en.txt"
t_grep "the removal form names the administrator who carried it out" \
    "Dilaksanakan oleh.*Sari Anggraini \\(sanggraini\\), Administrator" "$W/removal-id.txt"
t_grep "the removal form has the state" "State.*carried out" "$W/removal-en.txt"
t_grep "the removal form has the C3 trail" "Menonaktifkan akses sesuai permintaan" "$W/removal-id.txt"
t_eq "removal CSV: the reason survives a CSV parser" \
    'Tidak lagi bertugas di ruang server, "mutasi"' \
    "$(python3 -c 'import csv,sys; print([r[2] for r in csv.reader(open(sys.argv[1],newline="")) if r[1]=="Reason"][0])' "$W/removal-en.csv")"
t_grep "removal CSV: quotes doubled" '"Tidak lagi bertugas di ruang server, ""mutasi"""' "$W/removal-en.csv"

# --- CSV escaping ------------------------------------------------------------
kc doc guest-book "$month" --format csv >"$W/gb.csv"
t_eq "CSV: comma, quotes and newline survive a CSV parser" \
    'Baris satu
Baris dua, "kutip"|Budi "Bud" Santoso, S.Kom' \
    "$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1],newline=""))); print("|".join(sorted(x[2] for x in r[1:])))' "$W/gb.csv")"
t_grep "CSV: quotes doubled" '"Budi ""Bud"" Santoso, S.Kom"' "$W/gb.csv"
t_grep "CSV: formula cell defused" "'=HYPERLINK" "$W/gb.csv"

# --- signatures --------------------------------------------------------------
kcr doc request "$id" --format html --sign --out "$W/req.html"
t_eq "sign: writes the form and FILE.p7s" "0 yes yes" \
    "$rc $([ -s req.html ] && echo yes) $([ -s req.html.p7s ] && echo yes)"
t_check "sign: kuncictl doc verify accepts it" kc doc verify req.html req.html.p7s
t_check "sign: openssl cms -verify accepts it" openssl cms -verify -binary \
    -inform DER -content req.html -in req.html.p7s -CAfile "$W/sign.crt" \
    -purpose any -out /dev/null
t_check "sign: verify with an explicit --ca" kc doc verify req.html req.html.p7s --ca "$W/sign.crt"
cp req.html bad.html
printf '%s' "$(head -c 200 bad.html | tail -c 1 | tr 'a-z<' 'b-z{a')" |
    dd of=bad.html bs=1 seek=199 conv=notrunc 2>/dev/null
t_check "sign: the tampered copy differs in one byte" test "$(cmp -l req.html bad.html | wc -l)" = 1
kcr doc verify bad.html req.html.p7s
t_eq "sign: one changed byte fails kuncictl (65)" 65 "$rc"
t_check_fail "sign: one changed byte fails openssl" openssl cms -verify -binary \
    -inform DER -content bad.html -in req.html.p7s -CAfile "$W/sign.crt" \
    -purpose any -out /dev/null
for form in "guest-book $month" "access-list server-room:dc1"; do
	set -- $form
	kc --lang en doc "$@" --format csv --sign --out "$W/$1.csv" >/dev/null
	t_check "sign: $1 csv verifies" kc doc verify "$W/$1.csv" "$W/$1.csv.p7s"
done
kcr --lang en doc removal "$rid" --format html --sign --out "$W/rm.html"
t_eq "sign: the removal form and rm.html.p7s" "0 yes yes" \
    "$rc $([ -s rm.html ] && echo yes) $([ -s rm.html.p7s ] && echo yes)"
t_check "sign: kuncictl verifies the removal form" kc doc verify rm.html rm.html.p7s
t_check "sign: openssl verifies the removal form" openssl cms -verify -binary \
    -inform DER -content rm.html -in rm.html.p7s -CAfile "$W/sign.crt" \
    -purpose any -out /dev/null
cp rm.html rm-bad.html
printf '%s' "$(head -c 300 rm-bad.html | tail -c 1 | tr 'a-z<' 'b-z{a')" |
    dd of=rm-bad.html bs=1 seek=299 conv=notrunc 2>/dev/null
t_check "sign: the tampered removal form differs in one byte" \
    test "$(cmp -l rm.html rm-bad.html | wc -l)" = 1
kcr doc verify rm-bad.html rm.html.p7s
t_eq "sign: one changed byte of the removal form fails kuncictl (65)" 65 "$rc"
t_check_fail "sign: ... and fails openssl" openssl cms -verify -binary \
    -inform DER -content rm-bad.html -in rm.html.p7s -CAfile "$W/sign.crt" \
    -purpose any -out /dev/null
kcr doc request "$id" --sign
t_eq "sign: --sign needs --out (64)" 64 "$rc"

# --- bad input ---------------------------------------------------------------
kcr doc invoice 1
t_eq "unknown document type is EX_USAGE" 64 "$rc"
t_grep "... and says so" "unknown document type: invoice" <(echo "$err")
kcr doc review 2027-q4
t_eq "review of a missing campaign: EX_NOINPUT" 66 "$rc"
t_grep "... 'unknown campaign'" "unknown campaign: 2027-q4" <(echo "$err")
kcr doc request 2026-999999
t_eq "unknown request: EX_NOINPUT" 66 "$rc"
kcr doc removal 2026-999999
t_eq "unknown removal request: EX_NOINPUT" 66 "$rc"
kcr doc removal "$id"
t_eq "a request for access is no removal request: EX_NOINPUT" 66 "$rc"
t_grep "... and says which form it has" "kuncictl doc request $id" <(echo "$err")
kcr --as jwijaya doc removal "$rid"
t_eq "someone else's removal form is refused (77)" 77 "$rc"
t_check "the access owner who asked may print the removal form" \
    kc --as mfitriani doc removal "$rid"
kcr doc request "$id" --format pdf
t_eq "unknown format: EX_USAGE" 64 "$rc"
kcr --as lputri doc access-list server-room:dc1
t_eq "the access list is for role holders (77)" 77 "$rc"
t_check "the requester may print their own request form" kc --as lputri doc request "$id"
t_done
