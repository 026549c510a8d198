#!/bin/bash
# bench/review.sh: a review campaign (kuncictl review start) over N grants
# (BENCH_REVIEW_SIZES, default "10000 100000") in a private sandbox.
# Grants are loaded with slapadd while slapd is stopped; 2,000 invented
# people hold them on the example organisation's resources, each grant
# names a (missing) request so the self-approval search runs on every
# page, and the shipped incompatible pair is checked.  Prints the
# campaign's wall time, the number of finding lines written (in pages of
# 500, doc/review.md "Storage"), and
# kuncid's peak resident memory before and after the campaign (VmHWM):
# the campaign's own memory is the difference, which must not grow with N.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
export KUNCID=$BUILD/kuncid LDAPNOINIT=1
SIZES=${BENCH_REVIEW_SIZES:-10000 100000}
OUT=${BENCH_OUT:-$BUILD/bench/review.txt}
mkdir -p "$(dirname "$OUT")"
for n in $SIZES; do
	W=$(mktemp -d /tmp/kunci-rbench.XXXXXX)
	chmod 755 "$W"
	trap '"$top/tests/sandbox" stop "$W" >/dev/null 2>&1 || :; rm -rf "$W"' EXIT
	eval "$("$top/tests/sandbox" start "$W")"
	"$top/tests/sandbox" kuncid-stop "$W" >/dev/null
	"$top/tests/sandbox" slapd-stop "$W" >/dev/null
	python3 - "$n" "$KUNCI_BASE" >"$W/bench.ldif" <<'PY'
import sys, time
n, base = int(sys.argv[1]), sys.argv[2]
def gt(t): return time.strftime("%Y%m%d%H%M%SZ", time.gmtime(t))
now = time.time()
res = ["server-room:dc1", "server-room:dc2", "control-panel:webmin",
       "host:srv-web1", "host:srv-db1"]
for i in range(2000):
    print(f"dn: uid=bench{i:05d},ou=people,{base}\nobjectClass: inetOrgPerson\n"
          f"uid: bench{i:05d}\ncn: Pegawai Uji {i}\nsn: Uji\n")
for i in range(n):
    lu = f"kunciLastUsed: {gt(now - (i % 200) * 86400)}\n" if i % 7 else ""
    na = now + ((i % 400) - 20) * 86400
    # past their end: already "expired", as kuncid's expiry job leaves
    # them (else that job, not the campaign, is what gets measured)
    status = "expired" if na <= now else "active"
    print(f"dn: kunciId=B-{i:07d},ou=grants,ou=kunci,{base}\nobjectClass: kunciGrant\n"
          f"kunciId: B-{i:07d}\nkunciSubject: bench{i % 2000:05d}\n"
          f"kunciResource: {res[i % len(res)]}\nkunciStatus: {status}\n"
          f"kunciNotBefore: {gt(now - 100 * 86400)}\nkunciNotAfter: {gt(na)}\n"
          f"kunciCreated: {gt(now - 100 * 86400)}\n{lu}kunciRequestRef: R-{i:07d}\n")
PY
	t0=$(date +%s.%N)
	slapadd -q -F "$W/slapd.d" -b "$KUNCI_BASE" -l "$W/bench.ldif" >/dev/null 2>&1
	t1=$(date +%s.%N)
	"$top/tests/sandbox" slapd-start "$W" >/dev/null
	if [ -n "${BENCH_NOSYNC:-}" ]; then printf "dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nreplace: olcDbNoSync\nolcDbNoSync: TRUE\n" | ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null; fi
	sync=on; [ -n "${BENCH_NOSYNC:-}" ] && sync=off
	"$top/tests/sandbox" kuncid-start "$W" >/dev/null
	pid=$(cat "$W/kuncid.pid")
	sleep 2
	hwm0=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$pid/status)
	t2=$(date +%s.%N)
	r=$("$BUILD/kuncictl" --lang en review start --period bench-1)
	t3=$(date +%s.%N)
	hwm1=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$pid/status)
	nf=$(ldapsearch -Q -Y EXTERNAL -H "$LDAPI_URI" -LLL -E pr=1000/noprompt \
	    -b "kunciId=bench-1,ou=reviews,ou=kunci,$KUNCI_BASE" -s one \
	    '(&(objectClass=kunciReviewFinding)(kunciId=page-*))' kunciFinding |
	    grep -c '^kunciFinding:')
	t4=$(date +%s.%N)
	r2=$("$BUILD/kuncictl" --lang en review start --period bench-1)
	t5=$(date +%s.%N)
	{
		printf 'review grants=%d slapd_sync=%s load_slapadd=%.1fs campaign=%.1fs findings=%d kuncid_hwm_before=%s kuncid_hwm_after=%s second_start=%.2fs\n' \
		    "$n" "$sync" "$(echo "$t1 - $t0" | bc)" "$(echo "$t3 - $t2" | bc)" "$nf" \
		    "$hwm0" "$hwm1" "$(echo "$t5 - $t4" | bc)"
		echo "  first:  $r"
		echo "  second: $r2"
	} | tee -a "$OUT"
	"$top/tests/sandbox" stop "$W" >/dev/null 2>&1 || :
	rm -rf "$W"
	trap - EXIT
done
