#!/bin/bash
# gate_statefull.sh: kuncid's state directory full (a 1 MB tmpfs, root
# only).  A snapshot that cannot be written shows in `kuncictl status`,
# withdraws the older one and is retried once space returns; a notice that
# could not be queued is kept and queued then; and a kuncid restarted
# during an LDAP outage never allows, from a stale snapshot, a grant
# revoked while the disk was full.
. "$(dirname "$0")/gate.inc"

[ "$(id -u)" = 0 ] || t_skip "needs root (mounts a tmpfs)"
KUNCICTL=${KUNCICTL:-$BUILD/kuncictl}
[ -x "$KUNCICTL" ] || t_skip "build $KUNCICTL first"

gate_setup
pam_service kt "resource=host:test"
MNT=$GT/state
mkdir -m 700 "$MNT"
mount -t tmpfs -o size=1m,mode=0700 kunci-test "$MNT" ||
    t_skip "cannot mount a tmpfs here"
cleanup()
{
	sandbox_cleanup
	umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null
	rm -rf "$GT"
}
trap cleanup EXIT
snap=$MNT/grants.snapshot

sed -i -e "s|^\([[:space:]]*state_dir = \).*|\1\"$MNT\";|" "$SB/kunci.conf"
"$KUNCI_TOP/tests/sandbox" kuncid-restart "$SB" >/dev/null 2>&1 ||
    t_fail "kuncid did not restart"

fill()
{
	dd if=/dev/zero of="$MNT/fill" bs=64k status=none 2>/dev/null || :
	sync -f "$MNT" 2>/dev/null || :
}

snapline()
{
	KUNCI_SOCKET=$KUNCI_SOCKET timeout 30 "$KUNCICTL" status 2>/dev/null |
	    sed -n 's/^Snapshot: *//p'
}

# wait_snap PATTERN [TENTHS]: until the status' snapshot line matches
wait_snap()
{
	local i l
	for ((i = 0; i < ${2:-150}; i++)); do
		l=$(snapline)
		[[ $l =~ $1 ]] && return 0
		sleep 0.1
	done
	echo "last: $l" >&2
	return 1
}

# bulk N FROM: N more grants in one ldapadd, so that the next snapshot
# outgrows whatever withdrawing the older one frees
bulk()
{
	local i
	for ((i = $2; i < $2 + $1; i++)); do
		printf 'dn: kunciId=B-%04d,ou=grants,ou=kunci,%s\nobjectClass: kunciGrant\nkunciId: B-%04d\nkunciSubject: bulk%04d\nkunciResource: host:bulk-%04d\nkunciStatus: active\nkunciNotBefore: %s\nkunciNotAfter: %s\n\n' \
		    "$i" "$KUNCI_BASE" "$i" "$i" "$i" "$(now_gt -3600)" "$(now_gt 86400)"
	done | la >/dev/null
}

# the log since kuncid last started
lastlog()
{
	awk '/^--- kuncid start/ { b = "" } { b = b $0 "\n" } END { printf "%s", b }' "$SB/kuncid.log"
}

grant_add F-001 hsantoso host:test active -3600 86400
grant_add F-002 dpratama host:test active -3600 86400
grant_add F-003 asetiawan host:test active -3600 86400

t_check "allowed" wait_result kt hsantoso PAM_SUCCESS 100
t_check "status: snapshot written" wait_snap '^ditulis [0-9: -]+$'
t_check "snapshot on the tmpfs" test -s "$snap"

# --- the disk fills up -------------------------------------------------------
fill
t_check "the state directory is full" bash -c "! echo x >'$MNT/probe' 2>/dev/null"
bulk 150 0
grant_set F-002 kunciStatus revoked
t_check "revocation applies" wait_result kt dpratama PAM_PERM_DENIED 50
t_check "status: the snapshot is failing" wait_snap '^GAGAL sejak .*(No space left|ruang)'
t_eq "the older snapshot is withdrawn" absent "$( [ -e "$snap" ] && echo present || echo absent)"
t_grep "the failure is logged" 'snapshot: .*No space left on device; none on disk until it can be written' "$SB/kuncid.log"
out=$(KUNCI_SOCKET=$KUNCI_SOCKET timeout 60 "$KUNCICTL" --as sanggraini \
    grant revoke F-003 --now --reason "insiden" 2>&1)
t_eq "an emergency revocation on a full disk" 0 "$?"
for _ in $(seq 100); do
	grep -q 'notify: queueing .*asetiawan.*kept to retry' "$SB/kuncid.log" && break
	sleep 0.1
done
t_grep "the notice that cannot be queued is kept" 'notify: queueing [^ ]*asetiawan[^ ]*: .*; kept to retry' "$SB/kuncid.log"

# --- space returns ---------------------------------------------------------------
rm -f "$MNT/fill"
t_check "status: written again (retried)" wait_snap '^ditulis [0-9: -]+$' 200
t_check "a snapshot is back on disk" test -s "$snap"
t_grep "the recovery is logged" 'snapshot: written after [0-9]+ failed attempts' "$SB/kuncid.log"
for _ in $(seq 100); do
	ls "$MNT"/outbox/*asetiawan* >/dev/null 2>&1 && break
	sleep 0.1
done
t_check "the kept notice is in the outbox now" bash -c "ls '$MNT'/outbox/*asetiawan* '$MNT'/outbox/sent/*asetiawan* 2>/dev/null | grep -q revoke"

# --- a restart during an LDAP outage, the disk full again ------------------------
fill
bulk 150 150
grant_set F-001 kunciStatus revoked
t_check "revocation applies" wait_result kt hsantoso PAM_PERM_DENIED 50
t_check "status: failing again" wait_snap '^GAGAL '
"$KUNCI_TOP/tests/sandbox" slapd-stop "$SB" >/dev/null 2>&1
"$KUNCI_TOP/tests/sandbox" kuncid-restart "$SB" >/dev/null 2>&1 ||
    t_fail "kuncid did not restart with the disk full and LDAP down"
allowed=0
for _ in $(seq 20); do
	[ "$(pc kt hsantoso)" = PAM_SUCCESS ] && allowed=$((allowed + 1))
done
t_eq "restarted offline: the grant revoked meanwhile is never allowed" 0 "$allowed"
t_eq "... nor is anything else (no snapshot to answer from)" PAM_AUTHINFO_UNAVAIL "$(pc kt bkurniawan)"
lastlog >"$GT/last.log"
t_grep "no stale snapshot was loaded" 'snapshot: none yet' "$GT/last.log"

rm -f "$MNT/fill"
"$KUNCI_TOP/tests/sandbox" slapd-start "$SB" >/dev/null 2>&1 ||
    t_fail "slapd did not restart"
t_check "back online: the revocation holds" wait_result kt hsantoso PAM_PERM_DENIED 300

t_done
