#!/bin/bash
# Attestation (C2 step 4): the access owner attests each grant valid or
# invalid with a note, one at a time or in bulk; invalid opens a removal
# request (C3).  Bad input (unknown campaign or grant, someone else's
# resource, one's own grant, after the campaign closed) is refused with a
# clear error and changes nothing.  The review form and the updated access
# list as text, CSV, JSON and HTML, in Indonesian and English.
. "$(dirname "$0")/review.inc"

rv_setup "
  interval = \"90d\"; unused_after = \"30d\"; deadline = \"14d\";
  reminders = [ ]; on_silence = \"escalate\"; escalate_to = \"kasi-infra\";
  grace = \"1h\"; incompatible = ( ); units = ( );"
P=control-panel:webmin
GB="ou=grants,ou=kunci,$KUNCI_BASE"
grant RA-1 jwijaya "$P"
grant RA-2 lputri "$P"
grant RA-3 gmaharani host:srv-web1
grant RA-4 ekusuma "$P"
grant RA-5 tramadhan "$P" kunciLastUsed= kunciCreated="$(gt_ago $((60 * DAY)))" kunciNotBefore="$(gt_ago $((60 * DAY)))"
grant RA-6 mfitriani "$P"
kc review start --period 2032-q1 >/dev/null
C=2032-q1
snap() { ls_ -b "kunciId=$C,ou=reviews,ou=kunci,$KUNCI_BASE" '(objectClass=*)' '*' entryCSN | sort; ls_ -b "$GB" '(objectClass=*)' '*' entryCSN | sort; }

# --- bad input: nothing changes ------------------------------------------------
before=$(snap)
kcr --as mfitriani review attest 2099-q4 RA-1 valid --note "masih bertugas"
t_eq "unknown campaign: EX_NOINPUT" 66 "$rc"
t_grep "... says which" "putaran reviu tidak dikenal: 2099-q4" <(echo "$err")
kcr --as mfitriani review attest "$C" RA-404 valid --note "masih bertugas"
t_eq "unknown grant: EX_NOINPUT" 66 "$rc"
t_grep "... says which" "hak akses RA-404 tidak termasuk putaran reviu $C" <(echo "$err")
kcr --as jwijaya review attest "$C" RA-2 valid --note "teman saya"
t_eq "someone who owns no resource: EX_NOPERM" 77 "$rc"
t_grep "... not the access owner" "bukan penanggung jawab hak akses $P" <(echo "$err")
kcr --as rwulandari review attest "$C" RA-2 valid --note "x"
t_eq "the Kasi, before escalation: EX_NOPERM" 77 "$rc"
kcr --as mfitriani review attest "$C" RA-6 valid --note "saya sendiri"
t_eq "the owner on her own grant: EX_NOPERM" 77 "$rc"
kcr --as mfitriani review attest "$C" RA-1 valid
t_eq "no note: EX_USAGE" 64 "$rc"
kcr --as mfitriani review attest "$C" RA-1 maybe --note "x"
t_eq "neither valid nor invalid: EX_USAGE" 64 "$rc"
kcr --as mfitriani review attest "$C" RA-3,RA-404 valid --note "x"
t_eq "a bulk list with one unknown grant: EX_NOINPUT" 66 "$rc"
t_eq "... and nothing changed at all" "$before" "$(snap)"
t_check "refusals are audited" wait_audit 'event=review.refused campaign=2032-q1 grant=RA-2 actor=jwijaya'

# --- an access owner who holds no role ------------------------------------------
# ekusuma (no role) also owns host:srv-web1: she sees the campaign, only the
# grant she attests (RA-3, gmaharani's), and attests it.
lm >/dev/null <<EOT
dn: kunciName=host:srv-web1,ou=resources,ou=kunci,$KUNCI_BASE
changetype: modify
add: kunciAccessOwner
kunciAccessOwner: uid=ekusuma,ou=people,$KUNCI_BASE
EOT
kcr --as ekusuma --json review list
t_eq "an owner without a role lists the open campaign" "0 $C" "$rc $(echo "$out" | python3 -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)))')"
kcr --as ekusuma review list
t_grep "... also as text" "^$C " <(echo "$out")
kcr --as ekusuma --json review show "$C"
t_eq "... shows only her finding, with its action, counted alone" "0 1 RA-3:attest pending=1" "$rc $(echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["grants"], " ".join(f["grant"] + ":" + ",".join(f["actions"]) for f in d["findings"]), "pending=%d" % d["decisions"]["pending"])')"
kcr --as ekusuma --json review show "$C" --offset 1
t_eq "... paged: nothing after the first" "0 0 1" "$rc $(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["findings"]), d["grants"])')"
kcr --as ekusuma review show "$C"
t_eq "... as text: the one row" "0 RA-3" "$rc $(echo "$out" | awk '/^RA-/ {print $1}' | tr '\n' ' ' | sed 's/ $//')"
for who in jwijaya tramadhan; do
	kcr --as $who review list
	t_eq "$who (no role, owns nothing here): review list refused" "77 " "$rc $out"
	t_grep "... says why" "ditolak: reviu hanya untuk pemegang peran" <(echo "$err")
	kcr --as $who --json review show "$C"
	t_eq "... review show refused, nothing shown" "77 " "$rc $out"
done
kcr --as ekusuma --json review show 2099-q4
t_eq "an unknown campaign, to an owner: refused like the others" 77 "$rc"
kcr --as ekusuma review attest "$C" RA-3 valid --note "diperiksa pemilik akses"
t_eq "the owner without a role attests RA-3" 0 "$rc"
t_eq "... recorded" valid "$(decision "$C" RA-3)"
kcr --as ekusuma --json review show "$C"
t_eq "... still shown to her, decided, no action left" "RA-3:valid: pending=0 valid=1" "$(echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(f["grant"] + ":" + f["decision"] + ":" + ",".join(f["actions"]) for f in d["findings"]), "pending=%d valid=%d" % (d["decisions"]["pending"], d["decisions"]["valid"]))')"

# --- attest ----------------------------------------------------------------------
kcr --as mfitriani --lang en review attest "$C" RA-1 valid --note "masih bertugas di Diskominfo"
t_eq "the access owner attests RA-1 valid" 0 "$rc"
t_eq "... recorded" valid "$(decision "$C" RA-1)"
t_grep "... the grant's kunciLastReviewed is set" "^kunciLastReviewed: $(date -u +%Y%m%d)" <(ls_ -b "kunciId=RA-1,$GB" -s base kunciLastReviewed)
kcr --as mfitriani review attest "$C" RA-1 invalid --note "berubah pikiran"
t_eq "a second attestation: EX_DATAERR" 65 "$rc"
t_grep "... already decided" "sudah diputuskan: sah oleh mfitriani" <(echo "$err")
kcr --as mfitriani --lang en review attest "$C" RA-2 invalid --note "Pegawai pindah ke Bappeda"
t_eq "RA-2 invalid" 0 "$rc"
rid=$(echo "$out" | sed -n 's/.*removal request \([0-9-]*\).*/\1/p')
t_check "... opens a removal request ($rid)" test -n "$rid"
t_eq "... for RA-2, waiting for the Kasi (C3)" "RA-2 pending kasi-record" "$(kc --json request show "$rid" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("grant"), d["state"], d.get("step"))')"
t_check "... audited" wait_audit "event=review.removal campaign=2032-q1 grant=RA-2 request=$rid"
kcr --as mfitriani review attest "$C" RA-4 RA-5 valid --note "diperiksa bersama Kasi"
t_eq "bulk: two grants at once" 0 "$rc"
t_eq "... all valid" "valid valid valid" "$(decision "$C" RA-3) $(decision "$C" RA-4) $(decision "$C" RA-5)"
t_eq "four review.attest valid records (RA-1, RA-3, RA-4, RA-5)" 4 "$(audit_count 'event=review.attest .*decision=valid')"

# --- reports ---------------------------------------------------------------------
kcr review report "$C"
t_eq "review form (text, Indonesian)" 0 "$rc"
t_grep "... titled Formulir Review Akses" "^Formulir Review Akses: $C" <(echo "$out")
t_grep "... RA-2 with its decision" "RA-2 +lputri .*tidak sah: penghapusan" <(echo "$out")
kcr --lang en review report "$C" --format csv
t_eq "review form as CSV (English)" "No,Grant,Holder,Resource,Findings,Risk,Decision,Attested by,Time,Note" "$(echo "$out" | head -n 1 | tr -d '\r')"
t_eq "... one row per grant" 7 "$(echo "$out" | wc -l)"
kcr review report "$C" --format json
t_eq "review form as JSON" "6 RA-5 never used" "$(echo "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin)["rows"]; print(len(r), r[0]["grant"], "never used" if "dipakai" in r[0]["findings"] else r[0]["findings"])')"
kcr --lang en review report "$C" --form list
t_grep "access list (English)" "^Access list: $C" <(echo "$out")
t_grep "... with the review's result" "RA-1 +jwijaya .* valid$" <(echo "$out")
kcr review report "$C" --form list --format html
t_check "access list as HTML is well-formed XML" python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.read())' <<<"$out"
kcr review report "$C" --format pdf
t_eq "an unknown format: EX_USAGE" 64 "$rc"

# --- closed ----------------------------------------------------------------------
kcr --as jwijaya review close "$C"
t_eq "only admins or the Kasi close a campaign" 77 "$rc"
kcr --as rwulandari review close "$C"
t_eq "the Kasi closes it" 0 "$rc"
before=$(snap)
kcr --as mfitriani review attest "$C" RA-6 valid --note "terlambat"
t_eq "attesting after the campaign closed: EX_DATAERR" 65 "$rc"
t_grep "... says it is closed" "putaran reviu $C berstatus ditutup" <(echo "$err")
t_eq "... nothing changed" "$before" "$(snap)"
t_done
