#!/bin/bash
# sandbox.sh: tests/sandbox gives a private, independent slapd with the
# shipped database settings (ACLs, indexes, syncprov), starts and stops its
# parts, runs as an ordinary user, and rejects bad input in one line.
# shellcheck disable=SC2317 # functions run through t_check
set -eu
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

PATH=$PATH:/usr/sbin
command -v slapd >/dev/null 2>&1 || t_skip "slapd not installed"
SB=$KUNCI_TOP/tests/sandbox

# gone PID: the process no longer exists (a zombie counts as gone)
gone()
{
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
	case $st in Z*) return 0 ;; esac
	return 1
}

# one_line_error CMD...: fails, prints nothing on stdout, one line on stderr
one_line_error()
{
	local out err lines rc=0
	err=$(mktemp)
	out=$("$@" 2>"$err") || rc=$?
	lines=$(wc -l <"$err")
	cat "$err"
	rm -f "$err"
	[ "$rc" -ne 0 ] && [ -z "$out" ] && [ "$lines" -eq 1 ]
}

# --- bad input
t_check "no subcommand: one-line error" one_line_error "$SB"
t_check "start without DIR: one-line error" one_line_error "$SB" start
t_check "stop without DIR: one-line error" one_line_error "$SB" stop
t_check "unknown subcommand: one-line error" one_line_error "$SB" frobnicate /tmp/x
tmpd=$(mktemp -d)
t_check "missing --ldif file: one-line error" \
    one_line_error "$SB" start "$tmpd/sb" --ldif "$tmpd/nonexistent.ldif"
t_check "... and nothing was started there" test ! -e "$tmpd/sb/slapd.pid"

# --- an extra --ldif is loaded
cat >"$tmpd/extra.ldif" <<EOF
dn: kunciId=2026-000099,ou=grants,ou=kunci,dc=diskominfo,dc=contoh,dc=go,dc=id
objectClass: kunciGrant
kunciId: 2026-000099
kunciSubject: jwijaya
kunciResource: host:srv-web1
kunciStatus: active
kunciNotBefore: 20260101000000Z
kunciNotAfter: 20990101000000Z
EOF
sandbox_up --ldif "$tmpd/extra.ldif"
B=$KUNCI_BASE
D=$KUNCI_SANDBOX

missing=''
for v in KUNCI_SANDBOX KUNCI_CONF KUNCI_SOCKET KUNCI_QUERY_SOCKET LDAPI_URI \
    LDAP_URI KUNCI_BASE KUNCI_BIND_DN KUNCI_BIND_PW_FILE KUNCI_ADMIN_DN \
    KUNCI_ADMIN_PW_FILE SLAPD_PID; do
	[ -n "${!v:-}" ] || missing="$missing $v"
done
t_eq "start exports every variable" "" "$missing"
t_eq "password files are 0600" "600 600" \
    "$(stat -c %a "$KUNCI_BIND_PW_FILE") $(stat -c %a "$KUNCI_ADMIN_PW_FILE")"
t_check "--ldif entry was loaded" \
    ls_ -b "kunciId=2026-000099,ou=grants,ou=kunci,$B" -s base dn
t_grep "kunci.conf: directory.uri filled in" \
    "^[[:space:]]*uri = \[ \"ldapi://[^\"]*\", \"$LDAP_URI\" \];" "$KUNCI_CONF"
t_grep "kunci.conf: bind_password_file filled in" \
    "bind_password_file = \"$KUNCI_BIND_PW_FILE\";" "$KUNCI_CONF"
t_grep "kunci.conf: agent.admin_socket filled in" \
    "admin_socket = \"$KUNCI_SOCKET\";" "$KUNCI_CONF"
t_grep "kunci.conf: agent.user is the invoking user" \
    "user = \"$(id -un)\";" "$KUNCI_CONF"
cmdline_has()
{
	tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"
}
t_check "slapd reads its own slapd.d only" \
    cmdline_has "$SLAPD_PID" "-F $D/slapd.d"
t_check "the rootdn binds with admin.pw over TCP" \
    ldapwhoami -x -H "$LDAP_URI" -D "$KUNCI_ADMIN_DN" -y "$KUNCI_ADMIN_PW_FILE"
t_eq "SASL EXTERNAL over ldapi is the directory manager" \
    "dn:$KUNCI_ADMIN_DN" "$(ldapwhoami -Q -Y EXTERNAL -H "$LDAPI_URI")"
t_check "... which manages cn=config" lm <<EOF
dn: cn=config
changetype: modify
replace: olcIdleTimeout
olcIdleTimeout: 600
EOF

# --- syncprov and indexes
t_check "syncprov overlay configured" \
    ls_ -b "olcOverlay={0}syncprov,olcDatabase={1}mdb,cn=config" -s base dn
t_check "content sync (critical) answers a refresh" \
    ldapsearch -x -H "$LDAP_URI" -D "$KUNCI_BIND_DN" -y "$KUNCI_BIND_PW_FILE" \
    -E '!sync=ro' -b "ou=grants,ou=kunci,$B" '(objectClass=kunciGrant)' kunciId
idx=$(ls_ -b 'olcDatabase={1}mdb,cn=config' -s base olcDbIndex | tr '\n' ' ')
miss=''
for a in kunciSubject kunciResource kunciStatus kunciState kunciId \
    kunciCardSerial kunciGrantRef kunciRequestRef kunciNotBefore \
    kunciNotAfter kunciLastUsed kunciDeadline kunciStepSince; do
	case $idx in *"$a"[,\ ]*) ;; *) miss="$miss $a" ;; esac
done
t_eq "eq indexes on the kunci attributes" "" "$miss"

# --- ACLs: kuncid writes the kunci subtree
KD=(-x -H "$LDAP_URI" -D "$KUNCI_BIND_DN" -y "$KUNCI_BIND_PW_FILE")
grant()
{
	cat <<EOF
dn: kunciId=$1,ou=grants,ou=kunci,$B
objectClass: kunciGrant
kunciId: $1
kunciSubject: lputri
kunciResource: server-room:dc1
kunciStatus: active
kunciNotBefore: 20260101000000Z
kunciNotAfter: 20270101000000Z
EOF
}
t_check "kuncid adds a grant" ldapadd "${KD[@]}" < <(grant 2026-000100)
t_check "kuncid modifies it" ldapmodify "${KD[@]}" <<EOF
dn: kunciId=2026-000100,ou=grants,ou=kunci,$B
changetype: modify
replace: kunciStatus
kunciStatus: revoked
EOF
t_check "kuncid deletes it" \
    ldapdelete "${KD[@]}" "kunciId=2026-000100,ou=grants,ou=kunci,$B"
t_check "kuncid sets a person's password (Password Modify)" \
    ldappasswd "${KD[@]}" -s 'Rahasia-Lina-2026' "uid=lputri,ou=people,$B"
t_check "... and the person binds with it" ldapwhoami -x -H "$LDAP_URI" \
    -D "uid=lputri,ou=people,$B" -w 'Rahasia-Lina-2026'
out=$(ldapmodify "${KD[@]}" 2>&1 <<EOF
dn: uid=lputri,ou=people,$B
changetype: modify
replace: title
title: Kepala Dinas
EOF
) && rc=0 || rc=$?
t_eq "kuncid cannot rewrite people (insufficientAccess)" 50 "$rc"

# --- ACLs: an ordinary person reads but does not write
lpasswd jwijaya 'Sandi-Joko-2026' || t_fail "set jwijaya's password"
JW=(-x -H "$LDAP_URI" -D "uid=jwijaya,ou=people,$B" -w 'Sandi-Joko-2026')
out=$(ldapadd "${JW[@]}" 2>&1 < <(grant 2026-000101)) && rc=0 || rc=$?
t_eq "a person cannot add in ou=kunci (insufficientAccess)" 50 "$rc"
out=$(ldapmodify "${JW[@]}" 2>&1 <<EOF
dn: kunciId=2026-000099,ou=grants,ou=kunci,$B
changetype: modify
replace: kunciNotAfter
kunciNotAfter: 21000101000000Z
EOF
) && rc=0 || rc=$?
t_eq "a person cannot extend a grant (insufficientAccess)" 50 "$rc"
out=$(ldapdelete "${JW[@]}" "kunciId=2026-000099,ou=grants,ou=kunci,$B" 2>&1) &&
    rc=0 || rc=$?
t_eq "a person cannot delete a grant (insufficientAccess)" 50 "$rc"
got=$(ldapsearch "${JW[@]}" -LLL -b "ou=grants,ou=kunci,$B" '(kunciSubject=jwijaya)' kunciId |
    sed -n 's/^kunciId: //p')
t_eq "a person reads the kunci subtree" 2026-000099 "$got"
got=$(ldapsearch "${JW[@]}" -LLL -b "uid=rwulandari,ou=people,$B" -s base mail |
    sed -n 's/^mail: //p')
t_eq "a person reads another person's entry" rwulandari@contoh.go.id "$got"
t_check "a person reads the groups" ldapsearch "${JW[@]}" -LLL \
    -b "cn=kasi-infra,ou=groups,$B" -s base member
out=$(ldapmodify "${JW[@]}" 2>&1 <<EOF
dn: uid=rwulandari,ou=people,$B
changetype: modify
replace: mail
mail: someone@contoh.go.id
EOF
) && rc=0 || rc=$?
t_eq "a person cannot modify another person (insufficientAccess)" 50 "$rc"
out=$(ldapmodify "${JW[@]}" 2>&1 <<EOF
dn: cn=kasi-infra,ou=groups,$B
changetype: modify
add: member
member: uid=jwijaya,ou=people,$B
EOF
) && rc=0 || rc=$?
t_eq "a person cannot join a role group (insufficientAccess)" 50 "$rc"
t_check "a person changes their own password" ldappasswd "${JW[@]}" \
    -s 'Sandi-Joko-2027'
got=$(ldapsearch -x -H "$LDAP_URI" -LLL -b "ou=people,$B" '(uid=*)' dn 2>/dev/null |
    grep -c '^dn:' || :)
t_eq "anonymous users see no people" 0 "$got"
got=$(ldapsearch "${JW[@]/Sandi-Joko-2026/Sandi-Joko-2027}" -LLL -b "uid=rwulandari,ou=people,$B" -s base userPassword |
    grep -c '^userPassword' || :)
t_eq "a person cannot read another's userPassword" 0 "$got"

# --- slapd-stop / slapd-start keep the port and the data
port1=$LDAP_URI
t_check "slapd-stop" "$SB" slapd-stop "$D"
t_check "... slapd is gone" gone "$SLAPD_PID"
t_check_fail "... and does not answer" \
    ldapwhoami -x -H "$LDAP_URI" -o nettimeout=2
t_check "slapd-start" "$SB" slapd-start "$D"
t_check "... answers on the same port with the same data" \
    ldapsearch "${KD[@]}" -LLL -b "kunciId=2026-000099,ou=grants,ou=kunci,$B" -s base dn
t_eq "... port unchanged" "$port1" "ldap://127.0.0.1:$(cat "$D/port")"
SLAPD_PID=$(cat "$D/slapd.pid")

# --- kuncid management, with the real kuncid
KUNCID=${KUNCID:-$KUNCI_TOP/build/kuncid}
export KUNCID
if [ ! -x "$KUNCID" ]; then
	t_fail "kuncid is built ($KUNCID)"
else
	t_check "kuncid is running (admin socket exists)" test -S "$KUNCI_SOCKET"
	kpid=$(cat "$D/kuncid.pid" 2>/dev/null || :)
	t_check "kuncid-restart" "$SB" kuncid-restart "$D"
	t_check "... gives a new process" test "$kpid" != "$(cat "$D/kuncid.pid")"
	t_check "... which is listening" test -S "$KUNCI_SOCKET"
	kpid=$(cat "$D/kuncid.pid" 2>/dev/null || :)
	t_check "kuncid-stop" "$SB" kuncid-stop "$D"
	t_check "... kuncid is gone" gone "$kpid"
	t_check "... slapd still runs" ldapwhoami -Q -Y EXTERNAL -H "$LDAPI_URI"
	t_check "kuncid-start again" "$SB" kuncid-start "$D"
	t_check "... kuncictl reaches it" "${KUNCICTL:-$KUNCI_TOP/build/kuncictl}" -s "$KUNCI_SOCKET" status
	kpid=$(cat "$D/kuncid.pid" 2>/dev/null || :)
	spid=$SLAPD_PID
	t_check "stop stops kuncid and slapd" "$SB" stop "$D"
	t_check "... kuncid gone" gone "$kpid"
	t_check "... slapd gone" gone "$spid"
	t_check_fail "start with a kuncid that dies fails" \
	    env KUNCID=/bin/false "$SB" start "$tmpd/dies"
	t_grep "... showing the kuncid log" "kuncid start" "$tmpd/dies/kuncid.log"
	t_check "... and leaves no slapd behind" test ! -e "$tmpd/dies/slapd.pid"
	t_check "slapd-start after a full stop" "$SB" slapd-start "$D"
	SLAPD_PID=$(cat "$D/slapd.pid")
fi

# --- stop
spid=$SLAPD_PID
t_check "stop" "$SB" stop "$D"
t_check "... slapd gone" gone "$spid"
t_check "... pid file removed" test ! -e "$D/slapd.pid"
t_check "stopping a stopped sandbox is fine" "$SB" stop "$D"

# --- two sandboxes in parallel are independent
mkdir -p "$tmpd/p1" "$tmpd/p2"
"$SB" start "$tmpd/p1" >"$tmpd/p1.env" 2>"$tmpd/p1.err" & j1=$!
"$SB" start "$tmpd/p2" >"$tmpd/p2.env" 2>"$tmpd/p2.err" & j2=$!
rc1=0 rc2=0
wait "$j1" || rc1=$?
wait "$j2" || rc2=$?
t_eq "two sandboxes start in parallel" "0 0" "$rc1 $rc2"
# sbvar ENVFILE NAME: a variable from a sandbox's export lines
sbvar()
{
	(eval "$(cat "$1")" && printf '%s' "${!2}")
}
u1=$(sbvar "$tmpd/p1.env" LDAP_URI) u2=$(sbvar "$tmpd/p2.env" LDAP_URI)
i1=$(sbvar "$tmpd/p1.env" LDAPI_URI) i2=$(sbvar "$tmpd/p2.env" LDAPI_URI)
if [ "$u1" != "$u2" ] && [ -n "$u1" ] && [ -n "$u2" ]; then
	t_ok "different ports ($u1, $u2)"
else
	t_fail "different ports" "$u1 $u2"
fi
t_check "an entry added in one" \
    ldapadd -Q -Y EXTERNAL -H "$i1" < <(grant 2026-000200)
got=$(ldapsearch -Q -Y EXTERNAL -H "$i2" -LLL -b "$B" '(kunciId=2026-000200)' dn |
    grep -c '^dn:' || :)
t_eq "... is absent in the other" 0 "$got"
got=$(ldapsearch -Q -Y EXTERNAL -H "$i1" -LLL -b "$B" '(kunciId=2026-000200)' dn |
    grep -c '^dn:' || :)
t_eq "... and present in the first" 1 "$got"
p1=$(cat "$tmpd/p1/slapd.pid") p2=$(cat "$tmpd/p2/slapd.pid")
"$SB" stop "$tmpd/p1"
t_check "stopping one leaves the other running" \
    ldapwhoami -Q -Y EXTERNAL -H "$i2"
"$SB" stop "$tmpd/p2"
t_check "the first slapd is gone" gone "$p1"
t_check "the second slapd is gone" gone "$p2"

# --- as an ordinary user
if [ "$(id -u)" -eq 0 ]; then
	if id nobody >/dev/null 2>&1 && command -v runuser >/dev/null &&
	    runuser -u nobody -- test -x "$SB" 2>/dev/null; then
		u=$tmpd/user
		mkdir -p "$u"
		chown nobody "$u"
		chmod 755 "$tmpd"
		if env=$(cd / && runuser -u nobody -- "$SB" start "$u/sb" 2>"$tmpd/user.err"); then
			t_ok "start as user nobody"
			uri=$(eval "$env" && echo "$LDAPI_URI")
			t_eq "nobody is the manager over ldapi" \
			    "dn:cn=admin,$B" \
			    "$(cd / && runuser -u nobody -- env LDAPNOINIT=1 ldapwhoami -Q -Y EXTERNAL -H "$uri" 2>&1)"
			t_eq "root is the manager too" "dn:cn=admin,$B" \
			    "$(ldapwhoami -Q -Y EXTERNAL -H "$uri" 2>&1)"
			pid=$(cat "$u/sb/slapd.pid")
			t_eq "slapd runs as nobody" nobody "$(ps -o user= -p "$pid")"
			t_check "stop as user nobody" \
			    sh -c "cd / && runuser -u nobody -- '$SB' stop '$u/sb'"
			t_check "... slapd gone" gone "$pid"
		else
			t_fail "start as user nobody" "$(cat "$tmpd/user.err")"
			"$SB" stop "$u/sb" 2>/dev/null || :
		fi
	else
		t_ok "# skip ordinary-user run: no nobody/runuser"
	fi
fi

rm -rf "$tmpd"
t_done
