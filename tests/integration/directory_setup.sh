#!/bin/bash
# kunci-directory setup against a slapd set up the way Debian's slapd
# package sets itself up (/usr/share/slapd/slapd.init.ldif: root manages
# cn=config over ldapi, the data's rootdn is cn=admin, and the three
# default access rules, "to * by * read" included), holding a people tree
# with passwords.  The site's clients must notice nothing: anonymous
# searches, binds and the password rules stay as they were; kunci's
# subtree is writable by kuncid alone; a second run changes nothing.
# A private slapd in a temp dir (never the system's).
. "$(dirname "$0")/../lib.sh"
umask 077

BUILD=${BUILD:-$KUNCI_TOP/build}
KD=$KUNCI_TOP/ldif/kunci-directory
SUFFIX=dc=example,dc=org
ADMIN=cn=admin,$SUFFIX
SVC=cn=kuncid,ou=services,$SUFFIX
for p in slapd slapadd slappasswd ldapsearch ldapmodify ldapwhoami; do
	command -v "$p" >/dev/null || [ -x "/usr/sbin/$p" ] || t_skip "missing $p"
done

D=$(mktemp -d "${TMPDIR:-/tmp}/kunci-dir.XXXXXX") || t_skip "mktemp failed"
chmod 755 "$D"
SLAPD_PID=
KUNCID_PID=
cleanup()
{
	local i
	for pid in $KUNCID_PID $SLAPD_PID; do
		kill -TERM "$pid" 2>/dev/null || continue
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || :
	done
	if [ "${KEEP_SANDBOX:-0}" = 1 ]; then
		echo "# kept $D" >&2
	else
		rm -rf "$D"
	fi
}
trap cleanup EXIT

URI="ldapi://$(printf '%s' "$D/ldapi" | sed 's|/|%2F|g')"
UIDN=$(id -u)
PEER="gidNumber=$(id -g)+uidNumber=$UIDN,cn=peercred,cn=external,cn=auth"
printf '%s' "admin-$RANDOM$RANDOM" >"$D/admin.pw"
mkdir -p "$D/slapd.d" "$D/db" "$D/etc"

# Debian's slapd.init.ldif with our paths and our uid as "root".
sed -e "s|/var/run/slapd/|$D/|g" -e "s|/var/lib/ldap|$D/db|" \
    -e "s|@SUFFIX@|$SUFFIX|g" -e "s|@PASSWORD@|$(slappasswd -T "$D/admin.pw")|" \
    -e "s|gidNumber=0+uidNumber=0,cn=peercred|${PEER%%,cn=peercred*},cn=peercred|g" \
    /usr/share/slapd/slapd.init.ldif \
    >"$D/init.ldif"
grep -q "olcAccess: to attrs=userPassword" "$D/init.ldif" ||
    t_skip "unexpected /usr/share/slapd/slapd.init.ldif"
/usr/sbin/slapadd -n0 -F "$D/slapd.d" -l "$D/init.ldif" >"$D/setup.log" 2>&1 ||
    { t_fail "slapadd of Debian's cn=config" "$(tail -n 3 "$D/setup.log")"; t_done; }
/usr/sbin/slapd -F "$D/slapd.d" -h "$URI" -d none </dev/null >>"$D/slapd.log" 2>&1 &
SLAPD_PID=$!
up() { ldapsearch -x -H "$URI" -b "" -s base -LLL namingContexts >/dev/null 2>&1; }
wait_for 100 up || { t_fail "slapd came up" "$(tail -n 5 "$D/slapd.log")"; t_done; }

asadmin() { ldapmodify -x -H "$URI" -D "$ADMIN" -y "$D/admin.pw" "$@"; }
# The site: people with passwords (posixAccount + shadowAccount), a group.
PEOPLE="ani budi citra"
{
	printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n' "$SUFFIX"
	printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n' "$SUFFIX"
	printf 'dn: ou=groups,%s\nobjectClass: organizationalUnit\nou: groups\n\n' "$SUFFIX"
	n=2000
	for u in $PEOPLE; do
		n=$((n + 1))
		printf 'pw-%s-%s' "$u" "$RANDOM" >"$D/$u.pw"
		printf 'dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\nobjectClass: shadowAccount\nuid: %s\ncn: %s\nsn: %s\nuidNumber: %s\ngidNumber: %s\nhomeDirectory: /home/%s\nuserPassword: %s\nshadowLastChange: 19000\n\n' \
		    "$u" "$SUFFIX" "$u" "$u" "$u" "$n" "$n" "$u" "$(slappasswd -T "$D/$u.pw")"
	done
} >"$D/people.ldif"
asadmin -a -f "$D/people.ldif" >>"$D/setup.log" 2>&1 ||
    { t_fail "loading the site's people" "$(tail -n 3 "$D/setup.log")"; t_done; }

cfgdump() { ldapsearch -Q -Y EXTERNAL -H "$URI" -LLL -o ldif-wrap=no -b cn=config; }
acls() { ldapsearch -Q -Y EXTERNAL -H "$URI" -LLL -o ldif-wrap=no -b cn=config "(olcSuffix=$SUFFIX)" olcAccess | grep '^olcAccess:'; }
site_acls() { acls | grep -vE 'ou=(kunci|panel-accounts),|cn=kuncid,ou=services' | sed 's/{[0-9]*}//'; }
datadump() { ldapsearch -x -H "$URI" -D "$ADMIN" -y "$D/admin.pw" -LLL -o ldif-wrap=no -b "$SUFFIX" '*' +; }
SITE_BEFORE=$(site_acls)
t_eq "the site has Debian's 3 access rules" 3 "$(printf '%s\n' "$SITE_BEFORE" | grep -c .)"

run() { "$KD" setup --suffix "$SUFFIX" -H "$URI" --secret-file "$D/etc/bind.secret" "$@"; }

# --- bad input and the dry run change nothing
cfgdump >"$D/cfg0"
datadump >"$D/data0"
out=$(run --suffix dc=nowhere,dc=org 2>&1); rc=$?
t_eq "unknown suffix: exit 65" 65 "$rc"
t_eq "unknown suffix: one line" 1 "$(printf '%s\n' "$out" | grep -c .)"
t_grep "unknown suffix: says so" "no database with suffix dc=nowhere,dc=org" <(printf '%s\n' "$out")
run --dry-run >"$D/dry.out" 2>&1; rc=$?
t_eq "--dry-run exits 0" 0 "$rc"
t_grep "--dry-run prints the schema LDIF" '^dn: cn=kunci,cn=schema,cn=config' "$D/dry.out"
t_grep "--dry-run prints kunci's rules" '^olcAccess: \{1\}to dn.subtree="ou=panel-accounts,dc=example,dc=org" attrs=userPassword' "$D/dry.out"
t_grep "... the personal-data rule first" '^olcAccess: \{0\}to dn.subtree="ou=kunci,dc=example,dc=org" attrs=kunciIdentityDoc,kunciGuestName,kunciGuestOrg,kunciReason,kunciNote by dn.base="cn=kuncid,ou=services,dc=example,dc=org" write by \* none$' "$D/dry.out"
t_grep "--dry-run prints the entries" '^dn: ou=kunci,dc=example,dc=org' "$D/dry.out"
cfgdump >"$D/cfg1"
datadump >"$D/data1"
t_check "--dry-run changed nothing in cn=config" cmp -s "$D/cfg0" "$D/cfg1"
t_check "--dry-run changed nothing in the data" cmp -s "$D/data0" "$D/data1"
t_check "--dry-run wrote no secret" test ! -e "$D/etc/bind.secret"

# --- Debian's root may change cn=config but not the data: refused
# before anything changed, with the hint to give the rootdn
out=$(run 2>&1); rc=$?
t_eq "without -D on Debian's ACLs: exit 77" 77 "$rc"
t_grep "... names the rootdn to give" "-D 'cn=admin,dc=example,dc=org'" <(printf '%s\n' "$out")
cfgdump >"$D/cfg1"
t_check "... and changed nothing in cn=config" cmp -s "$D/cfg0" "$D/cfg1"

# --- the real run
run -D "$ADMIN" -y "$D/admin.pw" >"$D/run1.out" 2>&1; rc=$?
t_eq "setup exits 0" 0 "$rc" 
[ "$rc" = 0 ] || cat "$D/run1.out"
t_grep "setup prints the bind DN" "^bind DN: $SVC" "$D/run1.out"
t_grep "setup prints where the secret is" "^secret: +$D/etc/bind.secret \(directory.bind_password_file" "$D/run1.out"
t_eq "the secret file is mode 0600" 600 "$(stat -c %a "$D/etc/bind.secret" 2>/dev/null)"
t_eq "the site's rules are all there, in their order" "$SITE_BEFORE" "$(site_acls)"
t_eq "kunci added 5 rules" 8 "$(acls | grep -c .)"
t_check "kunci's schema is loaded" sh -c "ldapsearch -Q -Y EXTERNAL -H '$URI' -LLL -b cn=schema,cn=config -s one dn | grep -q 'kunci,cn=schema'"
t_check "syncprov overlay with a session log" sh -c "ldapsearch -Q -Y EXTERNAL -H '$URI' -LLL -b cn=config '(objectClass=olcSyncProvConfig)' olcSpSessionLog | grep -qi '^olcSpSessionLog: 1000'"
t_check "kunciSubject is indexed" sh -c "ldapsearch -Q -Y EXTERNAL -H '$URI' -LLL -o ldif-wrap=no -b cn=config '(olcSuffix=$SUFFIX)' olcDbIndex | grep -qi '^olcDbIndex: kunciSubject eq'"

# --- the site's clients notice nothing
t_eq "anonymous search of ou=people still returns everyone" 3 \
    "$(ldapsearch -x -H "$URI" -LLL -b "ou=people,$SUFFIX" '(objectClass=posixAccount)' uid | grep -c '^uid:')"
for u in $PEOPLE; do
	t_check "$u still binds with the password" \
	    ldapwhoami -x -H "$URI" -D "uid=$u,ou=people,$SUFFIX" -y "$D/$u.pw"
done
pwleak()
{
	# pwleak BIND-ARGS...: number of userPassword values the identity reads
	ldapsearch -x -H "$URI" "$@" -LLL -o ldif-wrap=no -b "$SUFFIX" userPassword 2>/dev/null | grep -c '^userPassword'
}
t_eq "anonymous reads no userPassword" 0 "$(pwleak)"
t_eq "a user reads no other's userPassword" 1 "$(pwleak -D "uid=ani,ou=people,$SUFFIX" -y "$D/ani.pw")"
t_eq "kuncid reads no userPassword but its own" 1 "$(pwleak -D "$SVC" -y "$D/etc/bind.secret")"

# --- kunci's subtree: kuncid writes, users read, the rest nothing
t_check "kuncid binds with the secret" ldapwhoami -x -H "$URI" -D "$SVC" -y "$D/etc/bind.secret"
for i in 1 2 3; do
	printf 'dn: ou=probe%s,ou=grants,ou=kunci,%s\nchangetype: add\nobjectClass: organizationalUnit\nou: probe%s\n' \
	    "$i" "$SUFFIX" "$i" >"$D/probe$i.ldif"
done
t_check "kuncid adds under ou=kunci" ldapmodify -x -H "$URI" -D "$SVC" -y "$D/etc/bind.secret" -f "$D/probe1.ldif"
# rc CMD...: the exit status alone (50: insufficient access)
rc() { "$@" >/dev/null 2>&1; echo $?; }
t_eq "a user cannot add under ou=kunci (50)" 50 "$(rc ldapmodify -x -H "$URI" -D "uid=ani,ou=people,$SUFFIX" -y "$D/ani.pw" -f "$D/probe2.ldif")"
t_check_fail "anonymous cannot add under ou=kunci" ldapmodify -x -H "$URI" -f "$D/probe3.ldif"
t_check_fail "a user cannot change ou=kunci's entries" sh -c "printf 'dn: ou=grants,ou=kunci,$SUFFIX\nchangetype: modify\nreplace: description\ndescription: x\n' | ldapmodify -x -H '$URI' -D 'uid=budi,ou=people,$SUFFIX' -y '$D/budi.pw'"
t_eq "a user reads ou=kunci" 1 "$(ldapsearch -x -H "$URI" -D "uid=ani,ou=people,$SUFFIX" -y "$D/ani.pw" -LLL -b "ou=grants,ou=kunci,$SUFFIX" -s base dn 2>/dev/null | grep -c '^dn:')"
t_eq "anonymous reads nothing of ou=kunci" 0 "$(ldapsearch -x -H "$URI" -LLL -b "ou=kunci,$SUFFIX" dn 2>/dev/null | grep -c '^dn:')"

# --- personal data under ou=kunci (UU 27/2022): kuncid reads it, users not
printf 'dn: kunciId=V2026-0001,ou=visits,ou=kunci,%s\nchangetype: add\nobjectClass: kunciVisit\nkunciId: V2026-0001\nkunciGuestName: Tamu Contoh\nkunciGuestOrg: PT Contoh\nkunciIdentityDoc: KTP 3302000000000009\nkunciResource: server-room:dc1\nkunciState: pending\nkunciCreated: 20261206000000Z\n' \
    "$SUFFIX" >"$D/visit.ldif"
t_check "kuncid adds a visit" ldapmodify -x -H "$URI" -D "$SVC" -y "$D/etc/bind.secret" -f "$D/visit.ldif"
# vread BIND-ARGS...: the visit's attributes the identity reads, one a line
vread() { ldapsearch -x -H "$URI" "$@" -LLL -o ldif-wrap=no -b "kunciId=V2026-0001,ou=visits,ou=kunci,$SUFFIX" -s base '*' 2>/dev/null | sed -n 's/^\(kunci[A-Za-z]*\):.*/\1/p' | sort | tr '\n' ' '; }
t_eq "a user reads the visit but not the guest's details" "kunciCreated kunciId kunciResource kunciState " \
    "$(vread -D "uid=ani,ou=people,$SUFFIX" -y "$D/ani.pw")"
t_eq "kuncid reads the guest's details" "kunciCreated kunciGuestName kunciGuestOrg kunciId kunciIdentityDoc kunciResource kunciState " \
    "$(vread -D "$SVC" -y "$D/etc/bind.secret")"

# --- a C1 panel account: kuncid creates it and sets its password, it binds
printf 'panel-%s' "$RANDOM" >"$D/panel.pw"
printf 'dn: uid=p-ani,ou=panel-accounts,%s\nchangetype: add\nobjectClass: account\nobjectClass: simpleSecurityObject\nuid: p-ani\nuserPassword: {CRYPT}!\n' "$SUFFIX" >"$D/panel.ldif"
t_check "kuncid creates a panel account" ldapmodify -x -H "$URI" -D "$SVC" -y "$D/etc/bind.secret" -f "$D/panel.ldif"
t_check "kuncid sets its password" ldappasswd -x -H "$URI" -D "$SVC" -y "$D/etc/bind.secret" -T "$D/panel.pw" "uid=p-ani,ou=panel-accounts,$SUFFIX"
t_check "the panel account binds" ldapwhoami -x -H "$URI" -D "uid=p-ani,ou=panel-accounts,$SUFFIX" -y "$D/panel.pw"
t_grep "a user cannot set a panel account's password" 'Insufficient access' \
    <(ldappasswd -x -H "$URI" -D "uid=ani,ou=people,$SUFFIX" -y "$D/ani.pw" -s x "uid=p-ani,ou=panel-accounts,$SUFFIX" 2>&1)
t_eq "a user reads no panel password" 0 "$(ldapsearch -x -H "$URI" -D "uid=budi,ou=people,$SUFFIX" -y "$D/budi.pw" -LLL -b "ou=panel-accounts,$SUFFIX" userPassword 2>/dev/null | grep -c '^userPassword')"
# a panel host's nslcd binds with a proxy DN of the site's and must find
# the accounts (doc/provisioning.md, "The panel host"): any authenticated DN
t_eq "an authenticated DN (nslcd's proxy) finds the panel account" "uid: p-ani" "$(ldapsearch -x -H "$URI" -D "uid=budi,ou=people,$SUFFIX" -y "$D/budi.pw" -LLL -b "ou=panel-accounts,$SUFFIX" '(uid=p-ani)' uid 2>/dev/null | grep '^uid:')"

# --- a second run changes nothing and says so
cfgdump >"$D/cfg2"
datadump >"$D/data2"
run -D "$ADMIN" -y "$D/admin.pw" >"$D/run2.out" 2>&1; rc=$?
t_eq "second run exits 0" 0 "$rc"
t_grep "second run says nothing to do" '^nothing to do' "$D/run2.out"
cfgdump >"$D/cfg3"
datadump >"$D/data3"
t_check "second run changed nothing in cn=config" cmp -s "$D/cfg2" "$D/cfg3"
t_check "second run changed nothing in the data" cmp -s "$D/data2" "$D/data3"
t_grep "second run with --dry-run: nothing to do either" '^# nothing to do' <(run --dry-run 2>&1)

# --- syncprov already there without a session log: only that is added
ov=$(ldapsearch -Q -Y EXTERNAL -H "$URI" -LLL -b cn=config '(objectClass=olcSyncProvConfig)' dn | sed -n 's/^dn: //p')
printf 'dn: %s\nchangetype: modify\ndelete: olcSpSessionLog\n' "$ov" |
    ldapmodify -Q -Y EXTERNAL -H "$URI" >/dev/null
run -D "$ADMIN" -y "$D/admin.pw" >"$D/run3.out" 2>&1; rc=$?
t_eq "existing syncprov: exit 0" 0 "$rc"
t_grep "existing syncprov: adds the session log" '^syncprov overlay: adding a session log: done' "$D/run3.out"
t_eq "existing syncprov: nothing else" 1 "$(grep -c ': done$' "$D/run3.out")"

# --- a directory set up before the presence index on kunciCredential (a
# door's allow list searches (kunciCredential=*): bench/cards.sh), here
# with kunciCredential eq in a value shared with sn: slapd refuses a
# second olcDbIndex value for an attribute, so that value is replaced,
# sn's index kept
idx() { ldapsearch -Q -Y EXTERNAL -H "$URI" -LLL -o ldif-wrap=no -b cn=config "(olcSuffix=$SUFFIX)" olcDbIndex | sed -n 's/^olcDbIndex: //p'; }
t_eq "kunciCredential is indexed eq and pres" "kunciCredential eq,pres" "$(idx | grep -i '^kunciCredential ')"
printf 'dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\ndelete: olcDbIndex\nolcDbIndex: kunciCredential eq,pres\n-\nadd: olcDbIndex\nolcDbIndex: sn,kunciCredential eq\n' |
    ldapmodify -Q -Y EXTERNAL -H "$URI" >/dev/null
run -D "$ADMIN" -y "$D/admin.pw" >"$D/run6.out" 2>&1; rc=$?
t_eq "old indexes: exit 0" 0 "$rc"
t_grep "old indexes: adds kunciCredential's presence index" '^indexes: adding kunciCredential pres: done' "$D/run6.out"
t_eq "old indexes: nothing else" 1 "$(grep -c ': done$' "$D/run6.out")"
t_eq "... kunciCredential indexed eq and pres" "kunciCredential eq,pres" "$(idx | grep -i 'kunciCredential')"
t_eq "... sn's index kept" "sn eq" "$(idx | grep -i '^sn ')"
t_grep "... and a third run has nothing to do" '^nothing to do' <(run -D "$ADMIN" -y "$D/admin.pw" 2>&1)

# --- cn=config with a password (--config-dn) instead of root over ldapi
printf 'config-%s' "$RANDOM" >"$D/config.pw"
printf 'dn: olcDatabase={0}config,cn=config\nchangetype: modify\nreplace: olcRootPW\nolcRootPW: %s\n' \
    "$(slappasswd -T "$D/config.pw")" | ldapmodify -Q -Y EXTERNAL -H "$URI" >/dev/null
run --config-dn cn=admin,cn=config --config-password-file "$D/config.pw" \
    -D "$ADMIN" -y "$D/admin.pw" >"$D/run5.out" 2>&1; rc=$?
t_eq "--config-dn: exit 0" 0 "$rc"
t_grep "--config-dn: finds everything in place" '^nothing to do' "$D/run5.out"
printf 'wrong' >"$D/wrong.pw"
out=$(run --config-dn cn=admin,cn=config --config-password-file "$D/wrong.pw" 2>&1); rc=$?
t_eq "--config-dn, wrong password: exit 77" 77 "$rc"
t_eq "... one line" 1 "$(printf '%s\n' "$out" | grep -c .)"
out=$("$KD" setup --suffix "$SUFFIX" -H "ldapi://%2Fnonexistent%2Fldapi" 2>&1); rc=$?
t_eq "no slapd there: exit 69" 69 "$rc"
t_grep "... one line naming the URI" '^kunci-directory: ldapi://%2Fnonexistent%2Fldapi: reading cn=config failed: ' <(printf '%s\n' "$out")
t_eq "... only that line" 1 "$(printf '%s\n' "$out" | grep -c .)"

# --- a changed rule set (a reader added) replaces kunci's rules only
run -D "$ADMIN" -y "$D/admin.pw" --reader "cn=replica,$SUFFIX" >"$D/run4.out" 2>&1; rc=$?
t_eq "with --reader: exit 0" 0 "$rc"
t_grep "with --reader: replaces kunci's 5 rules" "^access rules: replacing kunci's 5 rules" "$D/run4.out"
t_eq "with --reader: still 8 rules" 8 "$(acls | grep -c .)"
t_eq "with --reader: the site's rules unchanged, in order" "$SITE_BEFORE" "$(site_acls)"
t_eq "with --reader: the reader reads both subtrees and the personal data" 3 "$(acls | grep -c 'by dn.base="cn=replica,dc=example,dc=org" read')"

# --- kuncid starts against it
mkdir -m 755 "$D/run"
mkdir -m 700 "$D/state"
cat >"$D/kunci.conf" <<EOF
directory = {
	uri = [ "$URI" ];
	base = "$SUFFIX";
	bind_dn = "$SVC";
	bind_password_file = "$D/etc/bind.secret";
};
agent = {
	user = "$(id -un)";
	admin_socket = "$D/run/admin.sock";
	query_socket = "$D/run/query.sock";
	state_dir = "$D/state";
};
EOF
if [ -x "$BUILD/kuncid" ]; then
	"$BUILD/kuncid" -f -c "$D/kunci.conf" </dev/null >"$D/kuncid.log" 2>&1 &
	KUNCID_PID=$!
	t_check "kuncid comes up" wait_for 100 test -S "$D/run/admin.sock"
	t_wait_eq "kuncictl status: the directory is up" '"up"' 100 \
	    sh -c "'$BUILD/kuncictl' -s '$D/run/admin.sock' --json status 2>/dev/null | sed -n 's/.*\"directory\": *\(\"[a-z]*\"\).*/\1/p'"
else
	t_fail "no $BUILD/kuncid (make first)"
fi
t_done
