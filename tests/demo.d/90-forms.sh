# shellcheck shell=bash
# shellcheck disable=SC2154 # demo_dir: tests/demo; the ids: parts 20-60
# Demo, last part: the signed forms of everything the demo did, written
# to one folder and each checked twice, by kuncictl doc verify and by
# openssl cms -verify against the CA alone:
#   the request of part 2 (20-procedure-a.sh: demo_id) and its door's
#   access list, the guest book of the month and of the visit (50-visit.sh:
#   visit_id), the review campaign (60-review.sh: rv_id) and the removal
#   (40-provision.sh's C3 of part 2's grant: demo_removal).
# Kept after the demo (the sandbox is removed): DEMO_FORMS, or a new
# /tmp/kunci-forms.XXXXXX; the CA certificate goes with the forms.  A form
# that renders but does not verify fails the demo.

forms_dir=${DEMO_FORMS:-$(mktemp -d /tmp/kunci-forms.XXXXXX)}
mkdir -p "$forms_dir"
cp "$demo_dir/sign.crt" "$forms_dir/ca.crt"
forms_bad=0

# sign_form NAME DOC-ARGS...: kuncictl doc DOC-ARGS, signed, as NAME.html
sign_form()
{
	local name=$1 f
	shift
	f=$forms_dir/$name.html
	if ! kc doc "$@" --format html --sign --out "$f" >/dev/null; then
		echo "  $name: not rendered (see above)"
		forms_bad=$((forms_bad + 1))
		return 0
	fi
	if kc doc verify "$f" "$f.p7s" >/dev/null &&
	    openssl cms -verify -binary -inform DER -content "$f" -in "$f.p7s" \
	    -CAfile "$forms_dir/ca.crt" -purpose any -out /dev/null 2>/dev/null
	then
		echo "  $name.html: signed; kuncictl doc verify and openssl cms -verify: OK"
	else
		echo "  $name.html: DOES NOT VERIFY"
		forms_bad=$((forms_bad + 1))
	fi
}

say "The signed forms of the demo, written to $forms_dir"
sign_form request-"$demo_id" request "$demo_id"
sign_form access-list-dc1 access-list server-room:dc1
sign_form guest-book-"$(date +%Y-%m)" guest-book "$(date +%Y-%m)"
sign_form visit-"$visit_id" guest-book "$visit_id"
sign_form review-"$rv_id" review "$rv_id"
sign_form removal-"$demo_removal" removal "$demo_removal"
echo "  check one yourself:"
echo "  openssl cms -verify -binary -inform DER -content $forms_dir/removal-$demo_removal.html \\"
echo "      -in $forms_dir/removal-$demo_removal.html.p7s -CAfile $forms_dir/ca.crt -purpose any -out /dev/null"
ls -l "$forms_dir"
if [ "$forms_bad" -ne 0 ]; then
	echo "$forms_bad form(s) not rendered or not verified" >&2
	false
fi
