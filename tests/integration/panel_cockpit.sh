#!/bin/bash
# panel_cockpit.sh: procedure C1 from request to a real panel login.  The
# control-panel account kuncid makes is served to a Cockpit host by a real
# nslcd (libnss-ldapd), authenticated by pam_ldap (libpam-ldapd) with the
# one-time password and authorised by pam_kunci on the grant, with Debian's
# cockpit-ws on a free loopback port:
#   - after C1 the new account logs in (HTTP 200 on /cockpit/login);
#   - an account with a valid LDAP password but no grant is refused by
#     pam_kunci (403, the module's message, the audit's "no grant");
#   - after C3 it is refused at both layers: its password is gone (the
#     bind fails, Cockpit answers 401), and with a password put back by
#     hand pam_kunci still refuses (403);
#   - a second C1 lets it in again; after that grant's expiry it is
#     refused at both layers again;
#   - the one-time passwords are in no log, message, LDAP attribute in
#     clear, or process argument list (sampled all along).
# The panel host is played in a private mount namespace: nslcd, cockpit-ws
# and its session helpers see their own /etc/nsswitch.conf, /etc/nslcd.conf,
# /etc/pam.d and /run/nslcd, bound over the real ones there only, so the
# machine's files are never changed and nothing needs restoring (the only
# trace: /run/nslcd made as a mount point when missing, removed after).
# /etc/pam.d/cockpit there is conf/pam.d/cockpit.example as shipped (module
# path, socket= and agent_user= set), the common-* files are what
# `pam-auth-update --enable ldap mkhomedir` writes on Debian 12, and
# /etc/nslcd.conf is conf/nslcd-panel.conf with the sandbox's names.
# nslcd and cockpit-ws are started here and stopped by their PIDs.
# Needs root.
# asan: skip
. "$(dirname "$0")/provision.inc"

[ "$(id -u)" = 0 ] || t_skip "needs root (nslcd, a mount namespace, cockpit-session)"
WS=/usr/lib/cockpit/cockpit-ws
NSLCD=/usr/sbin/nslcd
for f in "$WS" /usr/lib/cockpit/cockpit-session "$NSLCD"; do
	[ -x "$f" ] || t_skip "$f not installed"
done
ls /lib/*/libnss_ldap.so.2 >/dev/null 2>&1 || t_skip "libnss-ldapd not installed"
ls /lib/*/security/pam_ldap.so >/dev/null 2>&1 || t_skip "libpam-ldapd not installed"
for c in cockpit-bridge curl unshare nsenter ldapwhoami; do
	command -v "$c" >/dev/null || t_skip "$c not installed"
done
id nslcd >/dev/null 2>&1 || t_skip "no nslcd user"

PN=$(mktemp -d "${TMPDIR:-/tmp}/kunci-panel.XXXXXX") || t_skip "mktemp"
chmod 755 "$PN"
mkdir -m 755 "$PN/home"
WSPID='' NSPID='' SAMPLER='' MADE_RUN=0
UIDS=			# uid numbers whose processes this test ended up owning

panel_cleanup()
{
	trap '' INT TERM HUP
	local p u
	[ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
	if [ -n "$WSPID" ]; then
		kill "$WSPID" 2>/dev/null
		wait "$WSPID" 2>/dev/null
	fi
	# the sessions' cockpit-bridge (and dbus) run as the panel accounts
	# this test made: end what is left of them after 3 s
	for u in $UIDS; do
		for _ in $(seq 30); do
			pgrep -U "$u" >/dev/null || break
			sleep 0.1
		done
		for p in $(pgrep -U "$u"); do kill "$p" 2>/dev/null; done
	done
	if [ -n "$NSPID" ]; then
		kill "$NSPID" 2>/dev/null
		wait "$NSPID" 2>/dev/null
	fi
	if [ "$MADE_RUN" = 1 ]; then
		rmdir /run/nslcd 2>/dev/null
	fi
	if [ "$T_FAIL" -gt 0 ]; then
		[ -s "$PN/ws.log" ] && { echo "# cockpit-ws said:" >&2; tail -n 15 "$PN/ws.log" >&2; }
		[ -s "$PN/nslcd.log" ] && { echo "# nslcd said:" >&2; tail -n 15 "$PN/nslcd.log" >&2; }
	fi
	rm -rf "$PN"
}

prov_setup "s|^\([[:space:]]*home_base[[:space:]]*=\).*|\1 \"$PN/home\";|"
trap 'panel_cleanup; wf_cleanup; rm -rf "$PT"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
PAM_KUNCI=$(readlink -f "$PAM_KUNCI")
PANEL=control-panel:cockpit
PEOPLE=ou=panel-accounts,$KUNCI_BASE
pam_svc panel "$PANEL"

# the sampler: every process's argument list, all along, against every
# password the test has seen so far (read from $PN/secrets, never passed as
# an argument itself)
: >"$PN/secrets"
chmod 600 "$PN/secrets"
(
	while :; do
		if [ -s "$PN/secrets" ]; then
			for f in $(grep -laF -f "$PN/secrets" \
			    /proc/[0-9]*/cmdline 2>/dev/null); do
				echo "$f: $(tr '\0' ' ' <"$f" | cut -c1-60)"
			done >>"$PN/argv-leaks"
		fi
		sleep 0.2
	done
) &
SAMPLER=$!

# secret PW: remember a password for the leak checks
secret() { printf '%s\n' "$1" >>"$PN/secrets"; }

# the sampler finds what it looks for: a canary in a short-lived
# process's arguments
CANARY=kunci-canary-$RANDOM$RANDOM
secret "$CANARY"
sh -c 'sleep 3' "$CANARY" &
CPID=$!
t_check "the argument sampler sees a process's arguments" wait_for 30 \
    grep -q "^/proc/$CPID/cmdline:" "$PN/argv-leaks"
wait "$CPID"

# binds DN PW: a simple bind with PW (from a file, not the command line)
binds()
{
	(umask 077; printf '%s' "$2" >"$PN/pw.tmp")
	ldapwhoami -x -H "$LDAP_URI" -D "$1" -y "$PN/pw.tmp" >/dev/null 2>&1
	local r=$?
	rm -f "$PN/pw.tmp"
	return $r
}

# --- the panel host: nslcd's proxy entry, nslcd.conf, nsswitch, PAM -------
NPW=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
la >/dev/null <<EOT || t_fail "nslcd's proxy entry"
dn: cn=nslcd,ou=services,$KUNCI_BASE
objectClass: applicationProcess
objectClass: simpleSecurityObject
cn: nslcd
userPassword: {CRYPT}!
EOT
(umask 077; printf '%s' "$NPW" >"$PN/npw")
ldappasswd -Q -Y EXTERNAL -H "$LDAPI_URI" -T "$PN/npw" \
    "cn=nslcd,ou=services,$KUNCI_BASE" >/dev/null || t_fail "nslcd's password"
rm -f "$PN/npw"

# conf/nslcd-panel.conf with the sandbox's names; no TLS on loopback
sed -e "s|dc=diskominfo,dc=contoh,dc=go,dc=id|$KUNCI_BASE|g" \
    -e "s|^uri .*|uri $LDAP_URI|" -e '/^tls_/d' \
    -e "s|^bindpw .*|bindpw $NPW|" \
    "$KUNCI_TOP/conf/nslcd-panel.conf" >"$PN/nslcd.conf"
chown root:nslcd "$PN/nslcd.conf"
chmod 640 "$PN/nslcd.conf"
t_eq "nslcd.conf is the shipped snippet with the site's names" "" \
    "$(diff <(sed -e "s|$KUNCI_BASE|dc=diskominfo,dc=contoh,dc=go,dc=id|g" \
    -e '/^uri /d; /^bindpw /d' "$PN/nslcd.conf") \
    <(sed -e '/^uri /d; /^bindpw /d; /^tls_/d' "$KUNCI_TOP/conf/nslcd-panel.conf"))"
sed -E 's/^(passwd|group|shadow):.*/\1:         files ldap/' /etc/nsswitch.conf \
    >"$PN/nsswitch.conf"
chmod 644 "$PN/nsswitch.conf"
grep -q '^passwd: *files ldap$' "$PN/nsswitch.conf" ||
    printf 'passwd: files ldap\ngroup: files ldap\nshadow: files ldap\n' >>"$PN/nsswitch.conf"
mkdir -p "$PN/run"
chown nslcd:nslcd "$PN/run"
chmod 755 "$PN/run"

cp -a /etc/pam.d "$PN/pam.d"
# what pam-auth-update writes with the unix, ldap and mkhomedir profiles
cat >"$PN/pam.d/common-auth" <<'EOT'
auth	[success=2 default=ignore]	pam_unix.so nullok
auth	[success=1 default=ignore]	pam_ldap.so minimum_uid=1000 use_first_pass
auth	requisite			pam_deny.so
auth	required			pam_permit.so
EOT
cat >"$PN/pam.d/common-account" <<'EOT'
account	[success=1 new_authtok_reqd=done default=ignore]	pam_unix.so
account	requisite			pam_deny.so
account	required			pam_permit.so
account	[success=ok new_authtok_reqd=done ignore=ignore user_unknown=ignore authinfo_unavail=ignore default=bad]	pam_ldap.so minimum_uid=1000
EOT
cat >"$PN/pam.d/common-session" <<'EOT'
session	[default=1]			pam_permit.so
session	requisite			pam_deny.so
session	required			pam_permit.so
session	optional			pam_mkhomedir.so
session	required	pam_unix.so
session	[success=ok default=ignore]	pam_ldap.so minimum_uid=1000
EOT
cat >"$PN/pam.d/common-password" <<'EOT'
password	[success=2 default=ignore]	pam_unix.so obscure yescrypt
password	[success=1 default=ignore]	pam_ldap.so minimum_uid=1000 try_first_pass
password	requisite			pam_deny.so
password	required			pam_permit.so
EOT
sed "s|^\(account .*\) pam_kunci\.so \(.*\)$|\1 $PAM_KUNCI \2 socket=$KUNCI_QUERY_SOCKET agent_user=$(id -un)|" \
    "$KUNCI_TOP/conf/pam.d/cockpit.example" >"$PN/pam.d/cockpit"
t_eq "the panel host's /etc/pam.d/cockpit is the shipped example" "" \
    "$(diff <(sed "s| socket=$KUNCI_QUERY_SOCKET agent_user=$(id -un)$||; s|$PAM_KUNCI|pam_kunci.so|" "$PN/pam.d/cockpit") \
    "$KUNCI_TOP/conf/pam.d/cockpit.example")"

port=
for _ in $(seq 50); do
	p=$((30000 + RANDOM % 30000))
	[ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] && { port=$p; break; }
done
[ -n "$port" ] || t_skip "no free port"

if [ ! -d /run/nslcd ]; then
	mkdir /run/nslcd || t_skip "cannot make /run/nslcd"
	MADE_RUN=1
fi
# cockpit-ws in the namespace: the binds, then exec (the PID stays ours)
unshare -m --propagation private -- /bin/sh -c '
	mount --bind "$1/pam.d" /etc/pam.d &&
	mount --bind "$1/nsswitch.conf" /etc/nsswitch.conf &&
	mount --bind "$1/nslcd.conf" /etc/nslcd.conf &&
	mount --bind "$1/run" /run/nslcd || exit 1
	shift
	exec "$@"' sh "$PN" "$WS" --no-tls --port "$port" --address 127.0.0.1 \
    >"$PN/ws.log" 2>&1 &
WSPID=$!
ws_up() { [ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ]; }
if ! wait_for 100 ws_up; then
	t_fail "cockpit-ws listens on 127.0.0.1:$port" "$(tail -n 5 "$PN/ws.log")"
	t_done
fi
# ns CMD...: run in the panel host's namespace
ns() { nsenter -t "$WSPID" -m -- "$@"; }
t_eq "the namespace has its own nsswitch.conf" \
    "$(md5sum <"$PN/nsswitch.conf" | cut -d' ' -f1)" \
    "$(ns md5sum /etc/nsswitch.conf </dev/null | cut -d' ' -f1)"
# nslcd in it, in the foreground with its debug output captured (nsenter
# execs it: the PID is nslcd's)
nsenter -t "$WSPID" -m -- "$NSLCD" -d >"$PN/nslcd.log" 2>&1 &
NSPID=$!
nslcd_up() { [ -S "$PN/run/socket" ]; }
t_check "nslcd runs in the panel host's namespace" wait_for 100 nslcd_up
t_eq "... by the PID this test holds" nslcd "$(cat /proc/$NSPID/comm 2>/dev/null)"

# login USER PW: the HTTP status of a Basic-auth login, the credentials
# given to curl on its standard input (a config line), not its arguments
login()
{
	printf 'user = "%s:%s"\n' "$1" "$2" |
	    curl -s -o /dev/null -m 20 -w '%{http_code}' -K - \
	    "http://127.0.0.1:$port/cockpit/login"
}
gq() { "$BUILD/tests/gatequery" "$KUNCI_QUERY_SOCKET" "$@"; }
gq_is() { [ "$(gq "$1" cockpit | head -n1 | cut -d' ' -f1)" = "$2" ]; }
pwent() { ns getent passwd "$1"; }

# --- C1: request to account --------------------------------------------------
c1()
{
	local id
	id=$(kc --as lputri --json request submit --resource "$PANEL" --type account \
	    --reason "Mengelola server web" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
	walk "$id" tramadhan hsantoso asetiawan bkurniawan rwulandari rwulandari >&2
	kcr --as ihidayat --lang en request approve "$id" --account lputri
	walk "$id" ihidayat rwulandari lputri >&2	# inform, record, confirm
	C1_PW=$(echo "$out" | sed -n 's/.*password \([^ ]*\) (shown once.*/\1/p')
	secret "$C1_PW"
	C1_ID=$id
}
c1
cid=$C1_ID pw=$C1_PW
t_eq "C1 done" "active/" "$(field "$cid" state)/$(field "$cid" step)"
t_eq "the one-time password came to the operator" 16 "${#pw}"
ACCT="uid=lputri,$PEOPLE"
entry=$(ls_ -b "$ACCT" -s base objectClass uidNumber gidNumber homeDirectory loginShell)
t_grep "the account is a posixAccount" "^objectClass: posixAccount" <(echo "$entry")
t_grep "... and a shadowAccount" "^objectClass: shadowAccount" <(echo "$entry")
uidn=$(echo "$entry" | sed -n 's/^uidNumber: //p')
UIDS="$uidn"
t_check "its uid number $uidn lies in provision.uid_min..uid_max (20000..29999)" \
    test "$uidn" -ge 20000 -a "$uidn" -le 29999
t_eq "Cockpit's account has a real shell (provision.shells)" /bin/bash \
    "$(echo "$entry" | sed -n 's/^loginShell: //p')"
t_eq "its home is under provision.home_base" "$PN/home/lputri" \
    "$(echo "$entry" | sed -n 's/^homeDirectory: //p')"
t_eq "nslcd serves it to the panel host" "lputri:x:$uidn:$uidn" \
    "$(pwent lputri | cut -d: -f1-4)"
t_eq "... with its home and shell" "$PN/home/lputri:/bin/bash" \
    "$(pwent lputri | cut -d: -f6-7)"
t_check_fail "outside the namespace the machine does not know it" getent passwd lputri

t_check "kuncid has the grant" wait_for 50 gq_is lputri allow
t_eq "a wrong password is refused (401)" 401 "$(login lputri salah-sandi)"
t_eq "C1's account logs in to Cockpit with the one-time password (200)" 200 \
    "$(login lputri "$pw")"
t_wait_grep "audit: login.allow, service cockpit, the C1 grant" \
    "login.allow user=lputri service=cockpit rhost=127.0.0.1 .*resource=$PANEL grant=$cid" "$W/audit.log"
t_check "pam_mkhomedir made the home at the first login" test -d "$PN/home/lputri"

# --- a valid LDAP password, no grant --------------------------------------
# a panel account made by hand by the directory's administrator, with a
# real shell and a password, whose person holds no grant for the panel
OPW=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
secret "$OPW"
la >/dev/null <<EOT || t_fail "the hand-made account"
dn: uid=jwijaya,$PEOPLE
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: shadowAccount
uid: jwijaya
cn: Joko Wijaya
sn: Wijaya
uidNumber: 29999
gidNumber: 29999
homeDirectory: $PN/home/jwijaya
loginShell: /bin/bash
EOT
(umask 077; printf '%s' "$OPW" >"$PN/opw")
ldappasswd -Q -Y EXTERNAL -H "$LDAPI_URI" -T "$PN/opw" "uid=jwijaya,$PEOPLE" >/dev/null
rm -f "$PN/opw"
UIDS="$UIDS 29999"
t_check "its LDAP password is valid" binds "uid=jwijaya,$PEOPLE" "$OPW"
t_check "nslcd serves it" pwent jwijaya
t_check "kuncid knows jwijaya holds no grant for $PANEL" wait_for 50 gq_is jwijaya deny
t_eq "no grant: pam_kunci refuses the login (403)" 403 "$(login jwijaya "$OPW")"
t_wait_grep "... with the module's message" \
    "cockpit-session: pam: kunci: .*$PANEL" "$PN/ws.log"
t_wait_grep "... audited: login.deny, no grant" \
    "login.deny user=jwijaya service=cockpit rhost=127.0.0.1 .*resource=$PANEL .*reason=\"no grant\"" "$W/audit.log"

# --- C3: both layers -------------------------------------------------------
kcr --as mfitriani --json removal request "$cid" --reason "Pegawai pindah tugas"
t_eq "the access owner asks for the removal" 0 "$rc"
rid=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
walk "$rid" rwulandari sanggraini sanggraini sanggraini mfitriani
t_eq "C3 done: the grant is revoked" revoked "$(gfield "$cid" status)"
t_eq "layer 1: the account has no password left" 0 \
    "$(ls_ -b "$ACCT" -s base userPassword | grep -c '^userPassword')"
t_eq "... so it is refused (401)" 401 "$(login lputri "$pw")"
t_check_fail "... and the one-time password binds no more" binds "$ACCT" "$pw"
t_check "layer 2: kuncid knows the grant is gone" wait_for 50 gq_is lputri deny
t_eq "... pam_kunci's account phase denies" PAM_PERM_DENIED "$(pc panel lputri)"
# the directory's administrator puts a password back by hand: pam_kunci
# alone still keeps the account out
HPW=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
secret "$HPW"
(umask 077; printf '%s' "$HPW" >"$PN/hpw")
ldappasswd -Q -Y EXTERNAL -H "$LDAPI_URI" -T "$PN/hpw" "$ACCT" >/dev/null
rm -f "$PN/hpw"
t_eq "with a password put back by hand pam_kunci still refuses (403)" 403 \
    "$(login lputri "$HPW")"
t_wait_grep "... audited: login.deny, the grant revoked" \
    "login.deny user=lputri service=cockpit rhost=127.0.0.1 .*grant=$cid .*reason=\"grant revoked\"" "$W/audit.log"

# --- a second C1, then its expiry ------------------------------------------
c1
eid=$C1_ID pw2=$C1_PW
t_eq "the second C1 is done" "active/" "$(field "$eid" state)/$(field "$eid" step)"
t_eq "... on the same account: the uid number is kept" "$uidn" \
    "$(ls_ -b "$ACCT" -s base uidNumber | sed -n 's/^uidNumber: //p')"
t_check "kuncid has the new grant" wait_for 50 gq_is lputri allow
t_eq "the new one-time password logs in (200)" 200 "$(login lputri "$pw2")"
t_eq "the hand-set password was replaced (401)" 401 "$(login lputri "$HPW")"
lm >/dev/null <<EOT
dn: kunciId=$eid,ou=grants,ou=kunci,$KUNCI_BASE
changetype: modify
replace: kunciNotAfter
kunciNotAfter: $(now_gt 4)
EOT
for _ in $(seq 250); do [ "$(gfield "$eid" status)" = expired ] && break; sleep 0.1; done
t_eq "the grant expires" expired "$(gfield "$eid" status)"
t_check "layer 1 after expiry: no password left" wait_for 50 eval \
    '[ "$(ls_ -b "$ACCT" -s base userPassword | grep -c "^userPassword")" = 0 ]'
t_eq "... refused (401)" 401 "$(login lputri "$pw2")"
t_check_fail "... the bind fails" binds "$ACCT" "$pw2"
t_eq "layer 2 after expiry: pam_kunci denies" PAM_PERM_DENIED "$(pc panel lputri)"
(umask 077; printf '%s' "$HPW" >"$PN/hpw")
ldappasswd -Q -Y EXTERNAL -H "$LDAPI_URI" -T "$PN/hpw" "$ACCT" >/dev/null
rm -f "$PN/hpw"
t_eq "... and with a password put back by hand (403)" 403 "$(login lputri "$HPW")"

# --- the one-time passwords leak nowhere -----------------------------------
outbox_drained && wait_passes 1
kill "$SAMPLER" 2>/dev/null
wait "$SAMPLER" 2>/dev/null
SAMPLER=
t_eq "no process's argument list held a password" "" \
    "$(grep -v "^/proc/$CPID/cmdline:" "$PN/argv-leaks" | head -n 3)"
(umask 077; printf '%s\n' "$pw" "$pw2" >"$PN/otp")
leak=$(grep -rlF -f "$PN/otp" "$W"/*.log "$W/state" "$CAP" "$PN/ws.log" \
    "$PN/nslcd.log" 2>/dev/null | head -n 3)
t_eq "no log (kuncid, audit, cockpit-ws, nslcd) nor message holds one" "" "$leak"
t_check "the messages were captured (the check saw mail)" test -n "$(ls "$CAP")"
# ldapsearch prints userPassword (and anything not plain text) in base64:
# every value decoded before the search
ls_ -b "$KUNCI_BASE" '(objectClass=*)' '*' '+' | python3 -c '
import base64, sys
for l in sys.stdin:
    a, sep, v = l.rstrip("\n").partition(":: ")
    print(a + ": " + base64.b64decode(v).decode("latin-1") if sep else l, end="" if not sep else "\n")
' >"$PN/dump.ldif"
t_check "the LDAP dump has the account" grep -q "^dn: $ACCT" "$PN/dump.ldif"
t_check "... and its password, hashed" grep -q "^userPassword: {" "$PN/dump.ldif"
t_eq "no LDAP attribute holds one in clear" "" "$(grep -F -f "$PN/otp" "$PN/dump.ldif" | head -n 3)"
t_done
