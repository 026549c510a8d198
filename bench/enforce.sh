#!/bin/bash
# bench/enforce.sh: the real run of on_silence = "remove" over N unanswered
# grants (BENCH_ENFORCE_SIZE, default 100000) in a private sandbox, set up
# as bench/review.sh does (bench/gengrants.py, slapadd, a 16 GiB map).
# After the campaign, `review steps` (C2's acts: a census, not the
# findings) with kuncid's peak memory (VmHWM, reset before), the dry run
# (the preview), then the grace is pushed back and the scheduler's real
# run is watched for BENCH_ENFORCE_SECONDS (default 180; 0: until the
# campaign closes): the grants revoked per second, and every
# BENCH_EXPIRE_EVERY seconds (default 5) a grant already past its end is
# added: the time until the scheduler expires it (other scheduler work
# during the removal), and kuncid's peak memory.  BENCH_KEEP=FILE: a copy
# of slapd's log there (with SANDBOX_SLAPD_DEBUG=stats: every operation).
set -eu
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
export KUNCID=$BUILD/kuncid LDAPNOINIT=1
n=${BENCH_ENFORCE_SIZE:-100000}
secs=${BENCH_ENFORCE_SECONDS:-180}
every=${BENCH_EXPIRE_EVERY:-5}
OUT=${BENCH_OUT:-$BUILD/bench/enforce.txt}
mkdir -p "$(dirname "$OUT")"
W=$(mktemp -d /tmp/kunci-ebench.XXXXXX)
chmod 755 "$W"
trap '"$top/tests/sandbox" stop "$W" >/dev/null 2>&1 || :; rm -rf "$W"' EXIT
eval "$("$top/tests/sandbox" start "$W")"
"$top/tests/sandbox" kuncid-stop "$W" >/dev/null
printf 'dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nreplace: olcDbMaxSize\nolcDbMaxSize: %s\n' \
    "${BENCH_MAPSIZE:-17179869184}" | ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null
"$top/tests/sandbox" slapd-stop "$W" >/dev/null
sed -i 's/^\( *on_silence = \)"escalate";/\1"remove";/' "$W/kunci.conf"
python3 "$top/bench/gengrants.py" "$n" "$KUNCI_BASE" >"$W/bench.ldif"
slapadd -q -w -F "$W/slapd.d" -b "$KUNCI_BASE" -l "$W/bench.ldif" >/dev/null 2>&1
"$top/tests/sandbox" slapd-start "$W" >/dev/null
"$top/tests/sandbox" kuncid-start "$W" >/dev/null
pid=$(cat "$W/kuncid.pid") spid=$(cat "$W/slapd.pid")
sleep 2
while a=$(cpu "$pid") && sleep 2 && [ "$(echo "$(cpu "$pid") - $a > 0.1" | bc)" = 1 ]; do :; done
ls_() { ldapsearch -Q -Y EXTERNAL -H "$LDAPI_URI" -LLL -o ldif-wrap=no "$@"; }
ldm() { ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" "$@" >/dev/null; }
hwm() { sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$pid/status"; }
hwm_reset() { echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || :; sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$pid/status"; }
gt() { date -u -d "@$1" +%Y%m%d%H%M%SZ; }
cdn="kunciId=bench-1,ou=reviews,ou=kunci,$KUNCI_BASE"
"$BUILD/kuncictl" --lang en review start --period bench-1 >"$W/start.out" 2>&1 &
until ls_ -b "$cdn" -s base '(kunciState=open)' dn 2>/dev/null | grep -q '^dn:'; do sleep 0.5; done
wait $! || :
b0=$(hwm_reset)
t0=$(date +%s.%N)
"$BUILD/kuncictl" --lang en review steps bench-1 >"$W/steps.out" 2>&1 || :
t1=$(date +%s.%N)
h0=$(hwm)
printf 'dn: %s\nchangetype: modify\nreplace: kunciDeadline\nkunciDeadline: 20000101000000Z\n' "$cdn" | ldm
"$BUILD/kuncictl" --lang en review enforce bench-1 --dry-run --limit 1 >"$W/dry.out" 2>&1 || :
todo=$(sed -n 's/^\([0-9]*\) to remove.*/\1/p' "$W/dry.out")
b1=$(hwm_reset)
printf 'dn: kunciId=preview,%s\nchangetype: modify\nreplace: kunciTime\nkunciTime: 20000101000000Z\n' "$cdn" | ldm
revoked() { grep -c "event=review.remove campaign=bench-1 " "$W/kuncid.log" || :; }
start=$(date +%s.%N)
i=0 lat=""
k0=$(cpu "$pid") s0=$(cpu "$spid")
while :; do
	now=$(date +%s)
	el=$(echo "$(date +%s.%N) - $start" | bc)
	[ "$secs" -gt 0 ] && [ "$(echo "$el >= $secs" | bc)" = 1 ] && break
	ls_ -b "$cdn" -s base '(kunciState=closed)' dn | grep -q '^dn:' && break
	# a grant that ended a second ago, added now: the scheduler must
	# expire it although the removal is under way
	i=$((i + 1))
	printf 'dn: kunciId=BE-%d,ou=grants,ou=kunci,%s\nobjectClass: kunciGrant\nkunciId: BE-%d\nkunciSubject: bench000001\nkunciResource: control-panel:webmin\nkunciStatus: active\nkunciAccessType: account\nkunciCreated: %s\nkunciNotBefore: %s\nkunciNotAfter: %s\n' \
	    "$i" "$KUNCI_BASE" "$i" "$(gt $((now - 86400)))" "$(gt $((now - 86400)))" "$(gt $((now - 1)))" |
	    ldm -a
	ta=$(date +%s.%N)
	for _ in $(seq 600); do
		ls_ -b "ou=grants,ou=kunci,$KUNCI_BASE" "(&(kunciId=BE-$i)(kunciStatus=expired))" 1.1 |
		    grep -q '^dn:' && break
		sleep 0.1
	done
	tb=$(date +%s.%N)
	lat="$lat $(echo "$tb - $ta" | bc)"
	sleep "$every"
done
end=$(date +%s.%N)
k1=$(cpu "$pid") s1=$(cpu "$spid")
sleep 1	# the audit records of the last slice
nr=$(revoked)
dur=$(echo "$end - $start" | bc)
sorted=$(echo "$lat" | tr ' ' '\n' | grep . | sort -n)
cnt=$(echo "$sorted" | grep -c .)
p50=$(echo "$sorted" | sed -n "$(( (cnt + 1) / 2 ))p")
mx=$(echo "$sorted" | tail -n 1)
state=$(ls_ -b "$cdn" -s base kunciState | sed -n 's/^kunciState: //p')
printf 'enforce grants=%d to_remove=%s watched=%.0fs removed=%d rate=%.1f/s kuncid_cpu=%.1fs slapd_cpu=%.1fs state=%s expiry_probes=%d expiry_p50=%.2fs expiry_max=%.2fs kuncid_hwm_during_run=%s base=%s review_steps=%.2fs hwm_steps=%s base_steps=%s load=%s\n' \
    "$n" "${todo:-?}" "$dur" "$nr" "$(echo "$nr / $dur" | bc -l)" \
    "$(echo "$k1 - $k0" | bc)" "$(echo "$s1 - $s0" | bc)" "$state" "$cnt" \
    "${p50:-0}" "${mx:-0}" "$(hwm)" "$b1" "$(echo "$t1 - $t0" | bc)" "$h0" "$b0" \
    "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
echo "steps: $(head -c 120 "$W/steps.out" | tr "\n" "|")" | tee -a "$OUT"
"$BUILD/kuncictl" --lang en review show bench-1 --limit 1 | grep -E '^(Removal|removed)' | tee -a "$OUT" || :
[ -n "${BENCH_KEEP:-}" ] && cp "$W/slapd.log" "$BENCH_KEEP"
exit 0
