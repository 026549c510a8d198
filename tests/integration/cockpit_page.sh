#!/bin/bash
# cockpit_page.sh: kunci's Cockpit page (cockpit/) in a real headless
# Chromium driven by Selenium, served by Debian's cockpit-ws on a free
# loopback port without TLS, against the real kuncid and slapd.  Real
# local users with passwords (made here, removed on exit) log in through
# Cockpit's login page and PAM, each as themself; the page runs kuncictl
# as them, and kuncid knows them by SO_PEERCRED.  What the browser does
# is in cockpit_page.py; screenshots are kept in $BUILD/test-output/
# cockpit_page/.
#
# cockpit-ws runs in a private mount namespace (unshare -m) where
# /etc/pam.d is a copy with the page host's "cockpit" service (the
# shipped example without the pam_kunci line: on the host of kunci's own
# page every directory person may log in), /usr/share/cockpit holds the
# page as `make install-cockpit` installs it, and /usr/local/bin holds
# kuncictl pointed at this test's kuncid: nothing of the system's changes,
# so the other tests that edit /etc/pam.d/cockpit do not meet this one.
# asan: skip
. "$(dirname "$0")/workflow.inc"

[ "$(id -u)" = 0 ] || t_skip "needs root (local users, a mount namespace)"
# Debian's python3 has Debian's selenium (a python3 earlier on PATH may not)
PY=/usr/bin/python3
have_all()
{
	[ -x /usr/lib/cockpit/cockpit-ws ] && command -v cockpit-bridge &&
	    command -v chromium && command -v chromedriver &&
	    "$PY" -c 'import selenium' && command -v unshare
} >/dev/null 2>&1
if ! have_all; then
	"$KUNCI_TOP/tests/install-deps" >&2 || :
	have_all || t_skip "cockpit-ws, chromium, chromium-driver or python3-selenium missing and not installable"
fi

OUT=$BUILD/test-output/cockpit_page
rm -rf "$OUT"
mkdir -p "$OUT"
T=$(mktemp -d "${TMPDIR:-/tmp}/kunci-cp.XXXXXX")
chmod 755 "$T"
P=kp$((RANDOM % 900 + 100))	# invented throwaway accounts: kpNNNx
USERS=()
WSPID=

cp_cleanup()
{
	trap '' INT TERM HUP
	if [ -n "$WSPID" ]; then
		kill "$WSPID" 2>/dev/null
		wait "$WSPID" 2>/dev/null
	fi
	local u i
	for u in "${USERS[@]}"; do
		# the session's bridge ends with cockpit-ws; what is left
		# after 3 s runs as a user this test made
		for i in $(seq 30); do
			pgrep -u "$u" >/dev/null || break
			[ "$i" = 30 ] && pgrep -u "$u" | xargs -r kill 2>/dev/null
			sleep 0.1
		done
		userdel -r "$u" >/dev/null 2>&1 || echo "# userdel $u failed" >&2
	done
	if [ "$T_FAIL" -gt 0 ] && [ -s "$T/ws.log" ]; then
		echo "# cockpit-ws said:" >&2
		tail -n 15 "$T/ws.log" >&2
	fi
	rm -rf "$T"
	wf_cleanup
}

wf_setup
trap cp_cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# --- people: local accounts with passwords, the same persons in the directory
PASS=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
G="ou=groups,$KUNCI_BASE"
person()	# person LETTER CN [MANAGER_LETTER] [GROUP...]
{
	local u=$P$1 cn=$2 mgr=${3:-} g
	shift 3 || shift $#
	id "$u" >/dev/null 2>&1 && t_skip "user $u exists"
	useradd -m -s /bin/bash "$u" || t_skip "useradd $u failed"
	USERS+=("$u")
	echo "$u:$PASS" | chpasswd || t_fail "chpasswd $u"
	{
		echo "dn: uid=$u,ou=people,$KUNCI_BASE"
		echo "objectClass: inetOrgPerson"
		echo "objectClass: posixAccount"
		echo "uid: $u"
		echo "cn: $cn"
		echo "sn: ${cn##* }"
		echo "uidNumber: $(id -u "$u")"
		echo "gidNumber: $(id -g "$u")"
		echo "homeDirectory: /home/$u"
		echo "mail: $u@contoh.go.id"
		[ -n "$mgr" ] && echo "manager: uid=$P$mgr,ou=people,$KUNCI_BASE"
	} | la >/dev/null || t_fail "directory person $u"
	for g in "$@"; do
		printf 'dn: cn=%s,%s\nchangetype: modify\nadd: member\nmember: uid=%s,ou=people,%s\n' \
		    "$g" "$G" "$u" "$KUNCI_BASE" | lm >/dev/null ||
		    t_fail "add $u to $g"
	done
}
person s "Atasan Tanpa Peran" ""			# the superior: no role
person r "Pemohon Uji" s				# the requester
person d "Kadis Uji" "" kadis
person b "Kabid Uji" "" kabid-aptika
person k "Kasi Uji" "" kasi-infra
person o "Operator Uji" "" operator-ruang-server
person x "Orang Luar" ""				# no right on anything
person a "Administrator Uji" "" administrator network-admin	# approves visits' entry (routed: purpose network)
person w "Pemilik Akses Uji" ""			# attests host:srv-db1; holds no role
# the escort holds a grant for the room; the access owner's resource
# has two grants to review
grant_ldif()	# grant_ldif ID SUBJECT RESOURCE
{
	printf 'dn: kunciId=%s,ou=grants,ou=kunci,%s\nobjectClass: kunciGrant\nkunciId: %s\nkunciSubject: %s\nkunciResource: %s\nkunciStatus: active\nkunciNotBefore: %s\nkunciNotAfter: %s\nkunciAccessType: account\n' \
	    "$1" "$KUNCI_BASE" "$1" "$2" "$3" "$(now_gt -86400)" "$(now_gt 8640000)" |
	    la >/dev/null || t_fail "grant $1"
}
grant_ldif "KE-$P" "${P}o" server-room:dc1
grant_ldif "RV1-$P" jwijaya host:srv-db1
grant_ldif "RV2-$P" ekusuma host:srv-db1
printf 'dn: kunciName=host:srv-db1,ou=resources,ou=kunci,%s\nchangetype: modify\nreplace: kunciAccessOwner\nkunciAccessOwner: uid=%sw,ou=people,%s\n' \
    "$KUNCI_BASE" "$P" "$KUNCI_BASE" | lm >/dev/null || t_fail "access owner of host:srv-db1"
CAMP=$(kc --json review start --resource host:srv-db1 --period 2032-q1 |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t_check "a review campaign for host:srv-db1 is open ($CAMP)" test -n "$CAMP"
kc --as "${P}s" status >/dev/null 2>&1 || t_fail "kuncid knows ${P}s"

# --- what cockpit-ws sees in its namespace
make -s -C "$KUNCI_TOP" install-cockpit DESTDIR="$T/root" PREFIX=/usr >/dev/null ||
    t_fail "make install-cockpit"
t_check "make install-cockpit installs the page where Cockpit looks" \
    test -s "$T/root/usr/share/cockpit/kunci/manifest.json"
mkdir -p "$T/share" "$T/bin"
cp -a /usr/share/cockpit/. "$T/share/"
cp -a "$T/root/usr/share/cockpit/kunci" "$T/share/kunci"
cp -a /etc/pam.d "$T/pam.d"
grep -v 'pam_kunci\.so' "$KUNCI_TOP/conf/pam.d/cockpit.example" >"$T/pam.d/cockpit"
cp "$KUNCICTL" "$T/kuncictl.bin"
printf '#!/bin/sh\nKUNCI_SOCKET=%s exec %s "$@"\n' "$KUNCI_SOCKET" "$T/kuncictl.bin" >"$T/bin/kuncictl"
chmod 755 "$T/bin/kuncictl" "$T/kuncictl.bin"
chmod -R a+rX "$T/share"

port=
for _ in $(seq 50); do
	p=$((30000 + RANDOM % 30000))
	[ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] && { port=$p; break; }
done
[ -n "$port" ] || t_skip "no free port"
cat >"$T/ns.sh" <<EOS
set -e
mount --bind "$T/pam.d" /etc/pam.d
mount --bind "$T/share" /usr/share/cockpit
mount --bind "$T/bin" /usr/local/bin
exec /usr/lib/cockpit/cockpit-ws --no-tls --port $port --address 127.0.0.1
EOS
unshare -m --propagation private sh "$T/ns.sh" >"$T/ws.log" 2>&1 &
WSPID=$!
ws_up() { [ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ]; }
if ! wait_for 100 ws_up; then
	t_fail "cockpit-ws listens on 127.0.0.1:$port" "$(tail -n 5 "$T/ws.log")"
	t_done
fi

# --- the browser's part
export CP_PORT=$port CP_PREFIX=$P CP_PASS=$PASS CP_OUT=$OUT CP_CAMPAIGN=$CAMP
while IFS= read -r line; do
	case $line in
	"ok - "*)	t_ok "${line#ok - }" ;;
	"FAIL - "*)	t_fail "${line#FAIL - }" ;;
	"ID "*|"SIGNED "*)	echo "$line" >>"$T/ids" ;;
	*)		echo "# $line" ;;
	esac
done < <(timeout 600 "$PY" "$KUNCI_TOP/tests/integration/cockpit_page.py" 2>"$T/py.err"; echo "exit $?")
if grep -q . "$T/py.err"; then
	echo "# cockpit_page.py stderr:" >&2
	tail -n 20 "$T/py.err" >&2
fi

# --- what the browser did, seen from kuncid and the directory
ida=$(sed -n 's/^ID A //p' "$T/ids" 2>/dev/null)
if [ -n "$ida" ]; then
	t_eq "procedure A: the grant, from the browser, is active with the card serial" \
	    "active ${P}r KB-$P" \
	    "$(kc --json grant show "$ida" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["subject"], d["credential"])')"
	t_eq "procedure A: every step was done by its own official, none by root --as" \
	    "${P}s ${P}d ${P}b ${P}k ${P}b ${P}o ${P}o ${P}o ${P}r" \
	    "$(kc --json request show "$ida" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(e["actor"] for e in d["events"] if e["event"].startswith("step-") and not e["as"] and e["actor"] != "kuncid"))')"
fi
if [ -n "$CAMP" ]; then
	t_eq "review: both grants attested valid by the access owner, from the page" \
	    "RV1-$P valid ${P}w|RV2-$P valid ${P}w" \
	    "$(kc --json review show "$CAMP" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("|".join(sorted("%s %s %s" % (f["grant"], f["decision"], f["actor"]) for f in d["findings"] if f["grant"].endswith(sys.argv[1]))))' "$P")"
fi
signed=$(sed -n 's/^SIGNED //p' "$T/ids" 2>/dev/null)
if [ -n "$signed" ]; then
	t_check "the downloaded form's signature verifies against the office's CA" \
	    "$KUNCICTL" doc verify "$signed" "$signed.p7s" --ca "$W/sign.crt"
fi
idv=$(sed -n 's/^ID V //p' "$T/ids" 2>/dev/null)
if [ -n "$idv" ]; then
	t_eq "visit: done, the room locked by the escort's statement" "done True ${P}o" \
	    "$(kc --json visit show "$idv" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["state"], d["room_locked"], d["escort"])')"
	t_eq "visit: the identity document held at check-in and given back at check-out, from the page" \
	    "True True Laptop" \
	    "$(kc --json visit show "$idv" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id_held"], d["id_returned"], d["equipment"])')"
	t_wait_grep "visit: the check-out audited with locked=yes, by the escort" \
	    "event=visit.checkout visit=$idv actor=${P}o .*locked=yes" "$W/audit.log"
fi
t_check "the forged approval was refused and audited" \
    wait_audit "event=request.refused .*actor=${P}x .*action=approve"
t_done
