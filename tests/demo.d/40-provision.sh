# shellcheck shell=bash
# tests/demo.d/40-provision.sh: provisioning and removal (issue 5).  After
# 20-procedure-a.sh (a grant with card KA-2026-0007) and 30-login.sh:
# the card on the door's signed allow list, C1 ending with a working panel
# login, then a removal (C3) taking both away.  Sourced by tests/demo.

prov_pam=$demo_dir/prov-pam.d
mkdir -p "$prov_pam"
prov_pc() {	# prov_pc RESOURCE USER: pam_acct_mgmt through pam_kunci
	printf 'account required %s socket=%s agent_user=%s resource=%s\naccount required pam_permit.so\n' \
	    "$BUILD/pam_kunci.so" "$KUNCI_QUERY_SOCKET" "$(id -un)" "$1" \
	    >"$prov_pam/svc"
	"$BUILD/tests/pamcheck" -d "$prov_pam" -s svc "$2" 2>/dev/null |
	    awk '{ print $NF }'
}
allow=$KUNCI_SANDBOX/state/allowlists/server-room_dc1.list

say "The door's allow list for server-room:dc1 (kuncictl card export)"
kc --as fnugroho card export server-room:dc1
say "A door controller checks its signature with openssl alone"
openssl cms -verify -binary -inform DER -content "$allow" -in "$allow.p7s" \
    -CAfile "$KUNCI_SANDBOX/sign.crt" -purpose any -out /dev/null

say "Procedure C1: Lina Putri asks for a Webmin control-panel account"
c1=$(kc_as lputri --json request submit --resource control-panel:webmin \
    --type account --reason "Mengelola situs Bappeda" |
    sed -n 's/.*"id": "\([^"]*\)".*/\1/p')
for u in tramadhan hsantoso asetiawan bkurniawan rwulandari rwulandari; do
	kc_as "$u" --lang en request approve "$c1" >/dev/null
done
say "Technical support creates the account; the password is shown once"
c1out=$(kc_as ihidayat --lang en request approve "$c1" --account lputri)
echo "$c1out" | sed 's/\(password\|sandi\) [^ ]* (/\1 ******** (/'
# the password: the word after "password" (or "sandi"), in either language
c1pw=$(echo "$c1out" | sed -n 's/.*\(password\|sandi\) \([^ ]*\) (.*/\2/p')
kc_as ihidayat --lang en request inform "$c1" >/dev/null	# step 9
kc_as rwulandari --lang en request record "$c1" >/dev/null	# step 10
kc_as lputri --lang en request confirm "$c1" >/dev/null	# step 11
echo "  ldapwhoami as the panel account: $(ldapwhoami -x -H "$LDAP_URI" \
    -D "uid=lputri,ou=panel-accounts,$KUNCI_BASE" -w "$c1pw" 2>&1)"
for _ in $(seq 30); do	# the grant reaches the gate through sync
	[ "$(prov_pc control-panel:webmin lputri)" = PAM_SUCCESS ] && break
	sleep 0.1
done
echo "  pam_kunci, lputri -> control-panel:webmin: $(prov_pc control-panel:webmin lputri)"

say "Procedure C3: the access owner asks to remove both grants"
for g in "$demo_id" "$c1"; do
	r=$(kc_as mfitriani --json removal request "$g" \
	    --reason "Pegawai pindah tugas" | sed -n 's/.*"id": "\([^"]*\)".*/\1/p')
	echo "removal request $r for grant $g"
	if [ "$g" = "$demo_id" ]; then
		demo_removal=$r	# its signed form: 90-forms.sh
	fi
	kc_as rwulandari --lang en request approve "$r" >/dev/null	# Kasi records
	kc_as sanggraini --lang en request approve "$r" >/dev/null	# admin deactivates
	kc_as sanggraini --lang en request inform "$r" >/dev/null	# admin informs
	kc_as sanggraini --lang en request record "$r" >/dev/null	# access list
	kc_as mfitriani --lang en request confirm "$r"			# owner receives
done
unset c1pw
for _ in $(seq 30); do	# the revocations reach the gate through sync
	[ "$(prov_pc control-panel:webmin lputri)" = PAM_SUCCESS ] || break
	sleep 0.1
done
say "After the removal"
echo "  ldapwhoami as the panel account: $(ldapwhoami -x -H "$LDAP_URI" \
    -D "uid=lputri,ou=panel-accounts,$KUNCI_BASE" -w x 2>&1 | head -n 1)"
echo "  pam_kunci, lputri -> control-panel:webmin: $(prov_pc control-panel:webmin lputri)"
echo "  the door's new list (signed again):"
kc --as fnugroho card export server-room:dc1 | sed 's/^/    /'
kc --lang en card show KA-2026-0007 || true
say "The removal request form, read from the C3 request and its steps"
kc --lang en doc removal "$demo_removal" || true
