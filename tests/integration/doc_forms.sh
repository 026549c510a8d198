#!/bin/bash
# The SOP forms as an official signs them: request, access list, review
# (from a real campaign started and attested through kuncictl), removal,
# guest book and the per-visit permit.  Each HTML form is well formed
# (xmllint), printed to PDF by headless Chromium on A4 with the expected
# page count, and its text (pdftotext) has the letterhead, the right SOP
# and every signature block's name and NIP from the example directory.
# A signed form names its signer and certificate fingerprint on the page
# and verifies with kuncictl and `openssl cms -verify`; one changed byte
# fails both.  CSV escaping; bad input.
. "$(dirname "$0")/visit.inc"
command -v xmllint >/dev/null || t_skip "xmllint (libxml2-utils) needed"
command -v chromium >/dev/null || t_skip "chromium needed"
command -v pdfinfo >/dev/null || t_skip "pdfinfo (poppler-utils) needed"

wf_setup
K="ou=kunci,$KUNCI_BASE"
cd "$W" || t_done

# pdf HTML: print HTML to HTML.pdf with headless Chromium (A4 from the
# page's CSS); wait for the file with a bound, then its text to HTML.txt
pdf()
{
	local ud i
	ud=$(mktemp -d)
	rm -f "$1.pdf"
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --user-data-dir="$ud" \
	    --print-to-pdf="$1.pdf" --no-pdf-header-footer "file://$1" \
	    >/dev/null 2>&1
	for i in $(seq 100); do
		[ -s "$1.pdf" ] && break
		sleep 0.1
	done
	rm -rf "$ud"
	# DOC_FORMS_KEEP=DIR keeps the PDFs, to look at them
	[ -z "${DOC_FORMS_KEEP:-}" ] || cp "$1" "$1.pdf" "$DOC_FORMS_KEEP/"
	pdftotext -layout "$1.pdf" "$1.txt" 2>/dev/null
	# one line per word run, so a name split over columns still matches
	tr -s ' \n' ' ' <"$1.txt" >"$1.flat"
}
pages() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'; }
size() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Page size: *//p'; }

# --- data: each made the way the SOP's acts make it --------------------------
id=$(submit lputri server-room:dc1 --until 2026-12-31T17:00)
walk "$id" tramadhan hsantoso dpratama rwulandari dpratama fnugroho:--serial:KA-0042 fnugroho fnugroho lputri
seed_grant fnugroho server-room:dc1
la >/dev/null <<LDIF
dn: kunciId=2026-009001,ou=grants,$K
objectClass: kunciGrant
kunciId: 2026-009001
kunciSubject: jwijaya
kunciResource: control-panel:webmin
kunciAccessType: account
kunciCredential: jwijaya-web
kunciStatus: active
kunciNotBefore: $(now_gt -86400)
kunciNotAfter: $(now_gt 864000)
LDIF
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
LDIF

# C2 as review.c runs it: the campaign is started through kuncictl, the
# access owner attests one grant valid, the others stay pending.
C=2032-q1
t_check "review campaign $C started" kc review start --period "$C"

t_check "the access owner attests $id valid" kc --as mfitriani review attest \
    "$C" "$id" valid --note "Masih bertugas sebagai staf Bappeda"

# C3 as removal_c3.sh walks it (after the campaign: the grant it removes
# stays in the campaign's findings)
rid=$(kc --as mfitriani --json removal request 2026-009001 \
    --reason 'Tidak lagi mengelola website, "mutasi"' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t_check "removal request opened ($rid)" test -n "$rid"
walk "$rid" rwulandari sanggraini sanggraini
month=$(date +%Y-%m)

# --- every form: HTML well formed, A4 PDF, signature blocks -------------------
# form KIND ARG PAGES ORIENT: render, check, print; leaves $W/KIND.html
form()
{
	local f="$W/$1.html"
	kcr doc "$1" "$2" --format html
	if [ "$rc" != 0 ]; then
		t_fail "doc $1 $2 renders" "$err"
		return
	fi
	printf '%s\n' "$out" >"$f"
	t_check "$1: the HTML is well formed" xmllint --noout "$f"
	pdf "$f"
	t_eq "$1: printed on $3 A4 page(s)" "$3" "$(pages "$f.pdf")"
	case $4 in
	portrait) t_grep "$1: A4 portrait" "59[45].* x 841.*" <(size "$f.pdf") ;;
	landscape) t_grep "$1: A4 landscape" "841.* x 59[45].*" <(size "$f.pdf") ;;
	esac
	t_grep "$1: the letterhead's government line" "PEMERINTAH KABUPATEN CONTOH" "$f.flat"
	t_grep "$1: the letterhead's office" "DINAS KOMUNIKASI DAN INFORMATIKA" "$f.flat"
	t_grep "$1: the office's address" "Jl. Merdeka No. 17" "$f.flat"
}
# signer FILE NAME NIP: the signature block's name with its NIP after it
signer()
{
	t_grep "$(basename "$1" .html.flat): signature block $2, NIP. $3" \
	    "$2.*NIP\\. $3" "$1"
}

form request "$id" 1 portrait
F="$W/request.html.flat"
t_grep "request: its SOP" "SOP Permintaan Akses Ruang Server" "$F"
t_grep "request: the SOP number" "000/001/DISKOMINFO/2026" "$F"
t_grep "request: the SOP's approver (disahkan oleh)" "Disahkan oleh" "$F"
t_grep "request: the form's own title" "FORMULIR PERMINTAAN AKSES RUANG SERVER" "$F"
t_grep "request: Mengetahui (the Kadis)" "Mengetahui," "$F"
t_grep "request: Menyetujui" "Menyetujui," "$F"
t_grep "request: the decision and its date" "Disetujui, [0-9]+ [A-Z][a-z]+ 20[0-9][0-9]" "$F"
signer "$F" "Lina Putri" "19950818 202012 2 015"
signer "$F" "Teguh Ramadhan" "19781204 200312 1 014"
signer "$F" "Hendra Santoso" "19700101 199203 1 001"
signer "$F" "Rina Wulandari" "19800214 200501 2 004"
signer "$F" "Dewi Pratama" "19750315 200012 2 002"
signer "$F" "Fajar Nugroho" "19861211 201001 1 007"
t_check_fail "request: no raw access type" grep -qw card "$F"
t_check_fail "request: no date broken digit by digit" \
    grep -Eq '(^|\s)[0-9]\s*$' "$W/request.html.txt"

form access-list server-room:dc1 1 landscape
F="$W/access-list.html.flat"
t_grep "access list: title" "FORMULIR DAFTAR AKSES RUANG SERVER" "$F"
t_grep "access list: holder with NIP" "Lina Putri 19950818 202012 2 015" "$F"
t_grep "access list: Mengetahui, the Kabid" "Mengetahui," "$F"
t_grep "access list: a grant made without a record step is not recorded" "belum dicatat" "$F"
signer "$F" "Dewi Pratama" "19750315 200012 2 002"

form review "$C" 2 landscape
F="$W/review.html.flat"
t_grep "review: the server room's form" "FORMULIR REVIEW AKSES RUANG SERVER" "$F"
t_grep "review: the control panel's form" "FORMULIR REVIEW HAK AKSES CONTROL PANEL WEBSITE" "$F"
t_grep "review: the server room part names its SOP" "SOP Permintaan Akses Ruang Server" "$F"
t_grep "review: the control panel part names its SOP" "SOP Hak Akses Control Panel Website" "$F"
t_grep "review: the holder by name and NIP" "Lina Putri 19950818 202012 2 015" "$F"
t_grep "review: the resource" "server-room:dc1" "$F"
t_grep "review: the decision in Indonesian (sah)" "[0-9]+ sah, [0-9]+ tidak sah" "$F"
t_check_fail "review: no English decision on the Indonesian form" \
    grep -qE "masih valid|tidak valid|still valid" "$F"
t_grep "review: a pending grant is listed" "belum diverifikasi" "$F"
t_grep "review: the pending grant's holder" "Fajar Nugroho" "$F"
t_grep "review: the note" "Masih bertugas sebagai staf Bappeda" "$F"
t_check_fail "review: no storage row (a finding page)" grep -q "page-" "$F"
t_grep "review: the Kasi determines (Menetapkan)" "Menetapkan," "$F"
signer "$F" "Maya Fitriani" "19840430 200902 2 006"
signer "$F" "Rina Wulandari" "19800214 200501 2 004"

form removal "$rid" 1 portrait
F="$W/removal.html.flat"
t_grep "removal: the control panel's own form" \
    "FORMULIR PERMINTAAN PENGHAPUSAN HAK AKSES CONTROL PANEL WEBSITE" "$F"
t_grep "removal: the reason" "Tidak lagi mengelola website" "$F"
t_grep "removal: the holder's NIP" "19910613 201701 1 013" "$F"
signer "$F" "Maya Fitriani" "19840430 200902 2 006"
signer "$F" "Rina Wulandari" "19800214 200501 2 004"
signer "$F" "Sari Anggraini" "19880326 201101 2 008"

form visit "$vid" 1 portrait
F="$W/visit.html.flat"
t_grep "visit: the special permit form" "FORMULIR IZIN KHUSUS MEMASUKI RUANG SERVER" "$F"
t_grep "visit: B's SOP" "SOP Penyusunan Hak Akses Ruang Server" "$F"
t_grep "visit: the guest signs" "Budi \"Bud\" Santoso, S.Kom" "$F"
signer "$F" "Rina Wulandari" "19800214 200501 2 004"

form guest-book "$month" 1 landscape
F="$W/guest-book.html.flat"
t_grep "guest book: B's book" "BUKU TAMU RUANG SERVER" "$F"
t_grep "guest book: the guest's signature column" "Tanda tangan tamu" "$F"
t_grep "guest book: the guest" "Budi \"Bud\" Santoso" "$F"
t_grep "guest book: Mengetahui, the Kasi" "Mengetahui," "$F"
signer "$F" "Rina Wulandari" "19800214 200501 2 004"

# A server-room removal prints the server room's SOP, not C3's
rid2=$(kc --as mfitriani --json removal request "$id" --reason "Mutasi" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
kc doc removal "$rid2" >"$W/rm2.txt"
t_grep "server-room removal: the server room's form" \
    "Formulir Permintaan Penghapusan Akses Ruang Server" "$W/rm2.txt"
t_check_fail "... not the control panel's SOP" grep -q "Control Panel" "$W/rm2.txt"

# English, text and JSON of the review
kc --lang en doc review "$C" >"$W/review-en.txt"
t_grep "English review: decision" "still valid" "$W/review-en.txt"
t_grep "English review: pending" "not yet verified" "$W/review-en.txt"
kc doc review "$C" --format json >"$W/review.json"
t_eq "review JSON: every grant of the campaign, decided or not" \
    "$(kc --json review show "$C" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')" \
    "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$W/review.json")"

# --- CSV escaping ------------------------------------------------------------
kc doc guest-book "$month" --format csv >"$W/gb.csv"
t_eq "CSV: comma, quotes and newline survive a CSV parser" \
    'Baris satu
Baris dua, "kutip"
(V2026-8001)|Budi "Bud" Santoso, S.Kom
('"$vid"')' \
    "$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1],newline=""))); print("|".join(sorted(x[2] for x in r[1:])))' "$W/gb.csv")"
t_grep "CSV: formula cell defused" "'=HYPERLINK" "$W/gb.csv"
kc doc guest-book "$month" --format html >"$W/gb-esc.html"
t_check "HTML: a guest's markup is escaped" grep -q 'Budi &quot;Bud&quot; Santoso' "$W/gb-esc.html"

# --- signatures --------------------------------------------------------------
kcr doc request "$id" --format html --sign --out "$W/req.html"
t_eq "sign: writes the form and FILE.p7s" "0 yes yes" \
    "$rc $([ -s req.html ] && echo yes) $([ -s req.html.p7s ] && echo yes)"
t_check "sign: kuncictl doc verify accepts it" kc doc verify req.html req.html.p7s
t_check "sign: openssl cms -verify accepts it" openssl cms -verify -binary \
    -inform DER -content req.html -in req.html.p7s -CAfile "$W/sign.crt" \
    -purpose any -out /dev/null
t_check "sign: the signed copy is well formed" xmllint --noout req.html
pdf "$W/req.html"
cn=$(openssl x509 -in "$W/sign.crt" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= *//p')
fp=$(openssl x509 -in "$W/sign.crt" -noout -fingerprint -sha256 | sed 's/^.*=//')
t_check "sign: the certificate has a common name" test -n "$cn"
t_grep "sign: the page says it is signed" "Dokumen ini ditandatangani secara elektronik" "$W/req.html.flat"
t_grep "sign: the page names the signer" "Penanda tangan: $cn" "$W/req.html.flat"
t_grep "sign: the page gives the fingerprint" "${fp:0:20}" "$W/req.html.flat"
t_grep "sign: ... the whole fingerprint in the file" "$fp" "$W/req.html"
# the notice is kept whole (break-inside: avoid): it may take a 2nd page
t_check "sign: the signed form takes at most two pages" test "$(pages "$W/req.html.pdf")" -le 2
t_check_fail "sign: an unsigned form has no notice" grep -q "Penanda tangan" "$W/request.html"
cp req.html bad.html
printf '%s' "$(head -c 200 bad.html | tail -c 1 | tr 'a-z<' 'b-z{a')" |
    dd of=bad.html bs=1 seek=199 conv=notrunc 2>/dev/null
t_check "sign: the tampered copy differs in one byte" test "$(cmp -l req.html bad.html | wc -l)" = 1
kcr doc verify bad.html req.html.p7s
t_eq "sign: one changed byte fails kuncictl (65)" 65 "$rc"
t_check_fail "sign: one changed byte fails openssl" openssl cms -verify -binary \
    -inform DER -content bad.html -in req.html.p7s -CAfile "$W/sign.crt" \
    -purpose any -out /dev/null
kcr doc review "$C" --format html --sign --out "$W/rv.html"
t_check "sign: the review form verifies with openssl" openssl cms -verify -binary \
    -inform DER -content rv.html -in rv.html.p7s -CAfile "$W/sign.crt" \
    -purpose any -out /dev/null
kc --lang en doc access-list server-room:dc1 --format csv --sign --out "$W/al.csv" >/dev/null
t_check "sign: access-list csv verifies" kc doc verify "$W/al.csv" "$W/al.csv.p7s"
kcr doc request "$id" --sign
t_eq "sign: --sign needs --out (64)" 64 "$rc"

# --- bad input ---------------------------------------------------------------
kcr doc invoice 1
t_eq "unknown document type is EX_USAGE" 64 "$rc"
t_grep "... and says so" "jenis dokumen tidak dikenal: invoice" <(echo "$err")
kcr doc review 2027-q4
t_eq "review of a missing campaign: EX_NOINPUT" 66 "$rc"
t_grep "... 'unknown campaign' in Indonesian" "putaran reviu tidak dikenal: 2027-q4" <(echo "$err")
kcr doc request 2026-999999
t_eq "unknown request: EX_NOINPUT" 66 "$rc"
kcr doc visit V2026-9999
t_eq "unknown visit: EX_NOINPUT" 66 "$rc"
kcr doc removal 2026-999999
t_eq "unknown removal request: EX_NOINPUT" 66 "$rc"
kcr doc removal "$id"
t_eq "a request for access is no removal request: EX_NOINPUT" 66 "$rc"
t_grep "... and says which form it has" "kuncictl doc request $id" <(echo "$err")
kcr --as jwijaya doc removal "$rid2"
t_eq "someone else's removal form is refused (77)" 77 "$rc"
t_check "the access owner who asked may print the removal form" \
    kc --as mfitriani doc removal "$rid2"
kcr doc request "$id" --format pdf
t_eq "unknown format: EX_USAGE" 64 "$rc"
kcr --as lputri doc access-list server-room:dc1
t_eq "the access list is for role holders (77)" 77 "$rc"
kcr --as lputri doc visit "$vid"
t_eq "someone else's visit permit is refused (77)" 77 "$rc"
t_check "the requester may print their own request form" kc --as lputri doc request "$id"
t_done
