# shellcheck shell=bash
# tests/demo.d/60-review.sh: periodic access review (procedure C2, issue 6).
# After 10..50: a campaign over the grants the earlier scripts made, the
# review form, the access owner attesting one grant invalid, and the
# removal (C3) that follows.  Sourced by tests/demo.

say "Procedure C2: the Kasi opens this period's review campaign (kunci-review.timer does this daily; a second run changes nothing)"
rv_id=$(kc_as rwulandari --lang en --json review start --period demo-1 |
    sed -n 's/.*"id": "\([^"]*\)".*/\1/p')
kc_as rwulandari --lang en review start --period demo-1
kc --lang en review show "$rv_id"

say "C2 steps 2-3: the administrator provides the list, the Kasi reviews it and asks the access owners (each is notified)"
kc_as sanggraini --lang en review provide "$rv_id"
kc_as rwulandari --lang en review ask "$rv_id"
kc --lang en review steps "$rv_id"

say "Formulir Review Akses (the review form), findings ordered by risk"
kc --lang id review report "$rv_id"

rv_grant=$(kc --json review show "$rv_id" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(next((f["grant"] for f in d["findings"] if f["decision"] == "pending"
            and f["holder"] != "mfitriani"), ""))')
if [ -n "$rv_grant" ]; then
	say "The access owner (Maya Fitriani) attests grant $rv_grant invalid: a removal request opens"
	rv_out=$(kc_as mfitriani --lang en review attest "$rv_id" "$rv_grant" invalid \
	    --note "Tidak lagi diperlukan setelah review")
	echo "$rv_out"
	rv_rm=$(echo "$rv_out" | sed -n \
	    's/.*\(removal request\|permohonan penghapusan\) \([0-9-]*\).*/\2/p')
	if [ -n "$rv_rm" ]; then
		say "C3: the Kasi records it, the administrator deactivates it"
		kc_as rwulandari --lang en request approve "$rv_rm"
		kc_as sanggraini --lang en request approve "$rv_rm"
		kc_as sanggraini --lang en request inform "$rv_rm" || :
		kc_as sanggraini --lang en request record "$rv_rm" || :
		kc_as mfitriani --lang en request confirm "$rv_rm" || :
		kc --lang en grant show "$rv_grant" | sed -n '1,8p'
	fi
	say "Attesting the same grant again, or someone else's resource, is refused"
	kc_as mfitriani --lang en review attest "$rv_id" "$rv_grant" valid --note x ||
	    echo "(exit $?: refused, nothing changed)"
else
	echo "(no grant awaits attestation in $rv_id)"
fi

say "What the remove-on-silence policy would do at the deadline (dry run: nothing changes)"
kc --lang en review enforce "$rv_id" --dry-run

say "Formulir Daftar Akses after the review (English, CSV)"
kc --lang en review report "$rv_id" --form list --format csv
