# shellcheck shell=bash
# Demo, part 5: a guest's server-room visit (procedure B) from the request
# to the locked check-out, the guest book and this month's visit report.
# The signed forms (the guest book among them) are 90-forms.sh's.

say "An escort needs an active server-room grant: ihidayat gets one (procedure A)"
esc_id=$(kc_as ihidayat --json request submit --resource server-room:dc1 \
    --type card --reason "Pendamping tamu ruang server" |
    sed -n 's/.*"id": "\([^"]*\)".*/\1/p')
for u in bkurniawan hsantoso dpratama rwulandari dpratama; do
	kc_as "$u" request approve "$esc_id" >/dev/null
done
kc_as fnugroho request approve "$esc_id" --serial KA-0077 >/dev/null
kc_as fnugroho request approve "$esc_id" >/dev/null
kc --lang en grant list | grep -E "^ID|$esc_id" || :

say "A guest arrives: jwijaya files the visit (procedure B, step 1: the form)"
visit_id=$(kc_as jwijaya --json visit request --resource server-room:dc1 \
    --guest "Rudi Hartanto" --org "PT Jaringan Nusantara Contoh" \
    --id-doc "KTP 3302011204850003" --purpose network --duration 90m \
    --note "Penggantian switch distribusi" |
    sed -n 's/.*"id": "\([^"]*\)".*/\1/p')
echo "visit $visit_id"
say "Step 2: the Kasi checks the purpose (network) and the identity card"
kc_as rwulandari visit approve "$visit_id" --note "Pekerjaan jaringan, KTP sesuai"
say "Step 3: the network administrator approves entry"
kc_as sanggraini visit approve "$visit_id"
say "A check-in now is refused: no escort yet"
kc_as jwijaya visit checkin "$visit_id" || echo "(refused, exit $?)"
say "Step 4: the Kasi appoints ihidayat as escort (checked: active grant, capacity)"
kc_as rwulandari visit escort "$visit_id" --escort ihidayat
say "Step 5: the guest book entry on entering"
kc_as jwijaya visit checkin "$visit_id"
kc --lang en visit list
say "Steps 7-8: the escort records the exit and states room and racks locked"
kc_as ihidayat visit checkout "$visit_id" --locked
kc --lang en visit show "$visit_id"

say "This month's visit report against the SOP's service standards (22 minutes for B, stated)"
kc --lang en visit report --month "$(date +%Y-%m)"
say "This month's requests against their procedures' standards, per procedure"
kc --lang en request report --month "$(date +%Y-%m)"

say "The guest book entry of this visit (signed with the other forms: 90-forms.sh)"
kc --lang en doc guest-book "$visit_id"
