# shellcheck shell=bash
# Demo, part 5: a guest's server-room visit (procedure B) from the request
# to the locked check-out, and the signed forms of the demo: the request
# (part 2), the access list, the guest book, the review and the removal
# (when issue 6 has made a campaign; the removal is 40-provision.sh's C3).

# Kept after the demo (the sandbox is removed): DEMO_FORMS, or a new
# /tmp/kunci-forms.XXXXXX; the CA certificate goes with the forms.
forms_dir=${DEMO_FORMS:-$(mktemp -d /tmp/kunci-forms.XXXXXX)}
mkdir -p "$forms_dir"
cp "$demo_dir/sign.crt" "$forms_dir/ca.crt" 2>/dev/null || :

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

say "This month's visit report against the SOP's service standards (22 minutes for B)"
kc --lang en visit report --month "$(date +%Y-%m)"

say "The signed forms, written to $forms_dir"
sign_form()
{
	local name=$1
	shift
	if kc doc "$@" --format html --sign --out "$forms_dir/$name.html" \
	    >/dev/null; then
		kc doc verify "$forms_dir/$name.html" "$forms_dir/$name.html.p7s"
	else
		echo "  ($name: not rendered, see above)"
	fi
}
sign_form request-"${demo_id:-$esc_id}" request "${demo_id:-$esc_id}"
sign_form access-list-dc1 access-list server-room:dc1
sign_form guest-book-"$(date +%Y-%m)" guest-book "$(date +%Y-%m)"
sign_form visit-"$visit_id" guest-book "$visit_id"
review_id=$(ldapsearch -LLL -Q -Y EXTERNAL -H "$LDAPI_URI" \
    -b "ou=reviews,ou=kunci,$KUNCI_BASE" -s one '(objectClass=kunciReviewCampaign)' \
    kunciId 2>/dev/null | sed -n 's/^kunciId: //p' | head -n 1)
sign_form review-"${review_id:-none}" review "${review_id:-$(date +%Y)-q1}"
# The removal of part 2's grant (40-provision.sh): a C3 request.
if [ -n "${demo_removal:-}" ]; then
	sign_form removal-"$demo_removal" removal "$demo_removal"
else
	echo "  (removal: no removal request in this demo)"
fi
echo "  check one yourself:"
echo "  openssl cms -verify -binary -inform DER -content $forms_dir/access-list-dc1.html \\"
echo "      -in $forms_dir/access-list-dc1.html.p7s -CAfile $forms_dir/ca.crt -purpose any -out /dev/null"
ls -l "$forms_dir"
