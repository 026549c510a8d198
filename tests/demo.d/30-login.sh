# shellcheck shell=bash
# Demo, last part: the login gate.  A login is checked through the real
# libpam and pam_kunci.so (a private PAM directory, like tests do) and
# through `kuncictl check`: denied before a grant exists, allowed after it
# appears in LDAP, denied again once it is revoked.
#
# When 20-procedure-a.sh left an active grant, its subject and resource are
# used (the grant kuncid wrote after the final approval); otherwise this
# part writes a grant itself with ldapmodify, as an administrator would.

login_dir=$demo_dir/login-pam.d
mkdir -p "$login_dir"
login_check()	# login_check SERVICE USER: the PAM result, through pam_kunci
{
	"$BUILD/tests/pamcheck" -d "$login_dir" -s "$1" "$2" 2>"$demo_dir/pam.msg" |
	    awk '{ print $NF }'
	sed 's/^msg: /    message to the user: /' "$demo_dir/pam.msg"
}

say "Login gate: which grants does kuncid's index hold? (LDAP content sync)"
active=$(ldapsearch -LLL -Q -Y EXTERNAL -H "$LDAPI_URI" \
    -b "ou=grants,ou=kunci,$KUNCI_BASE" '(kunciStatus=active)' \
    kunciId kunciSubject kunciResource 2>/dev/null |
    awk '/^kunciId: /{i=$2} /^kunciSubject: /{s=$2} /^kunciResource: /{r=$2}
	/^$/ && i != "" { print i, s, r; i = "" } END { if (i != "") print i, s, r }' |
    head -n 1)
if [ -n "$active" ]; then
	read -r pa_id pa_user pa_res <<<"$active"
	echo "  procedure A left grant $pa_id: $pa_user -> $pa_res"
	printf 'account required %s socket=%s agent_user=%s resource=%s\naccount required pam_permit.so\n' \
	    "$BUILD/pam_kunci.so" "$KUNCI_QUERY_SOCKET" "$(id -un)" "$pa_res" \
	    >"$login_dir/panel"
	echo "  $pa_user logs in to $pa_res: $(login_check panel "$pa_user")"
fi

# A self-contained before/after on this host's sshd resource.
host_res="host:$(hostname)"
who=nlestari
printf 'account required %s socket=%s agent_user=%s\naccount required pam_permit.so\n' \
    "$BUILD/pam_kunci.so" "$KUNCI_QUERY_SOCKET" "$(id -un)" >"$login_dir/sshd"

say "Before a grant: $who tries ssh to this host ($host_res)"
echo "  pam_acct_mgmt: $(login_check sshd "$who")"
kc check "$who" "$host_res" --service sshd || true

say "An approved grant appears in LDAP (written here with ldapmodify)"
ldapmodify -a -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null <<EOT
dn: kunciId=DEMO-LOGIN-1,ou=grants,ou=kunci,$KUNCI_BASE
objectClass: kunciGrant
kunciId: DEMO-LOGIN-1
kunciSubject: $who
kunciResource: $host_res
kunciStatus: active
kunciNotBefore: $(date -u -d '-1 min' +%Y%m%d%H%M%SZ)
kunciNotAfter: $(date -u -d '+30 days' +%Y%m%d%H%M%SZ)
kunciTimeWindow: mon-sun 00:00-24:00
EOT
for _ in $(seq 50); do
	[ "$("$BUILD/tests/pamcheck" -d "$login_dir" -s sshd "$who" 2>/dev/null |
	    awk '{ print $NF }')" = PAM_SUCCESS ] && break
	sleep 0.1
done
say "After the grant: $who tries again"
echo "  pam_acct_mgmt: $(login_check sshd "$who")"
kc check "$who" "$host_res" --service sshd || true

say "The grant is revoked in LDAP: the next login is refused at once"
ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null <<EOT
dn: kunciId=DEMO-LOGIN-1,ou=grants,ou=kunci,$KUNCI_BASE
changetype: modify
replace: kunciStatus
kunciStatus: revoked
EOT
for _ in $(seq 30); do
	[ "$("$BUILD/tests/pamcheck" -d "$login_dir" -s sshd "$who" 2>/dev/null |
	    awk '{ print $NF }')" = PAM_SUCCESS ] || break
	sleep 0.1
done
echo "  pam_acct_mgmt: $(login_check sshd "$who")"
