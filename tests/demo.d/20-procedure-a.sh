# tests/demo.d/20-procedure-a.sh: procedure A (server room access request)
# from the request to an active grant, one step at a time, each by its
# role.  Sourced by tests/demo (say, kc, kc_as are set; set -e is on).

say "Procedure A: Lina Putri (Bappeda) asks for access to the main server room"
echo "lputri's direct superior is tramadhan; the chain is in conf/kunci.conf (workflows.A)."
demo_out=$(kc_as lputri --lang en --json request submit --resource server-room:dc1 \
    --type card --reason "Pemeliharaan server Bappeda" --until 2026-12-31)
demo_id=$(printf '%s' "$demo_out" | sed -n 's/.*"id": "\([^"]*\)".*/\1/p')
echo "submitted request $demo_id"
kc --lang en request show "$demo_id" | sed -n '1,12p'

say "A refused attempt: the Kadis tries to take the superior's step"
kc_as hsantoso --lang en request approve "$demo_id" || echo "(exit $?: refused and audited, nothing changed)"

demo_step() { # USER WHAT ARGS...
	local u=$1 what=$2
	shift 2
	say "$what ($u)"
	kc_as "$u" --lang en request approve "$demo_id" "$@"
}
demo_step tramadhan "Step 2: the direct superior approves, forwards to the Kadis"
demo_step hsantoso "Step 3: Kadis disposes the request to the Kabid"
demo_step dpratama "Step 4: Kabid receives the disposition, forwards to the Kasi"
demo_step rwulandari "Step 5: Kasi verifies the requested access type" --note "sesuai"
demo_step dpratama "Step 6: Kabid approves the access right"
demo_step fnugroho "Step 7: the operator issues access card KA-2026-0007" --serial KA-2026-0007
say "Step 8: the operator informs the requester (fnugroho); kuncid sends the notice with the act"
kc_as fnugroho --lang en request inform "$demo_id" --note "Kartu dapat diambil di ruang operator"
say "Step 9: the operator records it in the access list (fnugroho)"
kc_as fnugroho --lang en request record "$demo_id"
say "Step 10: the requester confirms receipt (lputri)"
kc_as lputri --lang en request confirm "$demo_id" --note "Kartu diterima"

say "The request, in Indonesian"
kc --lang id request show "$demo_id"
say "The grant the login gate now honours"
kc --lang en grant show "$demo_id"
