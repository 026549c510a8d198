#!/bin/bash
# bench/sites.sh: two sites on replicated OpenLDAP (doc/sites.md), set up
# as tests/integration/sites.sh does (two real providers, serverIDs 1 and
# 2, a kuncid per site, the link between the sites through
# tests/tools/link.py on loopback).  Measures, for bench/RESULTS.md:
#   - revocation at one site to deny at the other: kuncictl grant revoke
#     --now at site X returns, then site Y's gate (its query socket) is
#     asked until it denies; BENCH_SITES_N trials (default 100) each way,
#     p50 / p99 / max;
#   - the planned switch of the writer (kuncictl directory writer, both
#     providers up): the command's wall time, and until both sites have
#     written through the new writer;
#   - a hung writer (SIGSTOP): until site A's gate says it lost its
#     provider and fails over, and the forced switch to the first write
#     acknowledged at each site.
# Output: one line per figure on stdout and in $BENCH_OUT (default
# build/bench/sites.txt).
set -u
BUILD=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
case "$BUILD" in /*) ;; *) BUILD="$(pwd)/$BUILD" ;; esac
export BUILD
. "$(dirname "$0")/../tests/integration/sites.inc"
GATEQUERY=$BUILD/tests/gatequery
[ -x "$GATEQUERY" ] || { echo "build $GATEQUERY first (make bench)"; exit 1; }
N=${BENCH_SITES_N:-100}
OUT=${BENCH_OUT:-$BUILD/bench/sites.txt}
mkdir -p "$(dirname "$OUT")"
: >"$OUT"

say() { echo "$*" | tee -a "$OUT"; }
ms() { echo $((($2 - $1) / 1000000)); }
# pct P FILE: the P-th percentile of the numbers in FILE (nearest rank)
pct() { sort -n "$2" | awk -v p="$1" '{ a[NR] = $1 } END { i = int((p * NR + 99) / 100); if (i < 1) i = 1; print a[i] }'; }

sites_setup >/dev/null
GB="ou=grants,ou=kunci,$KUNCI_BASE"
say "# two sites: $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg) at start"

# revlat FROM_SOCK TO_QSOCK NAME: N trials of revoke at one site, deny at the other
revlat()
{
	local from=$1 q=$2 name=$3 i t0 t1 r f=$W/lat.$3
	: >"$f"
	for ((i = 0; i < N; i++)); do
		ldapmodify -a -Q -Y EXTERNAL -H "$A_LDAPI" >/dev/null <<EOF2
dn: kunciId=BL-$name-$i,$GB
objectClass: kunciGrant
kunciId: BL-$name-$i
kunciSubject: lputri
kunciResource: host:bl-$name-$i
kunciStatus: active
kunciNotBefore: $(now_gt -3600)
kunciNotAfter: $(now_gt 86400)
EOF2
		wait_for 100 eval '"$GATEQUERY" "$q" lputri sshd "host:bl-$name-$i" | grep -q "^allow"' ||
		    { echo "trial $i: never allowed" >&2; continue; }
		"$KUNCICTL" -s "$from" --as sanggraini grant revoke "BL-$name-$i" \
		    --now --reason "bench" >/dev/null 2>&1 || { echo "trial $i: revoke failed" >&2; continue; }
		t0=$(date +%s%N)
		while :; do
			r=$("$GATEQUERY" "$q" lputri sshd "host:bl-$name-$i" | head -n 1)
			case $r in allow*) ;; *) break ;; esac
			t1=$(date +%s%N)
			[ "$(ms "$t0" "$t1")" -lt 10000 ] || break
		done
		t1=$(date +%s%N)
		ms "$t0" "$t1" >>"$f"
	done
	say "sites revoke-to-deny $name: n=$(wc -l <"$f") p50=$(pct 50 "$f") ms p99=$(pct 99 "$f") ms max=$(pct 100 "$f") ms"
}
revlat "$SA" "$QB" A-to-B
revlat "$SB" "$QA" B-to-A

# writes_ok SOCK: a request submitted at that site (until it works, 30 s)
write_at()
{
	local i
	for ((i = 0; i < 60; i++)); do
		"$KUNCICTL" -s "$1" --as lputri request submit --resource server-room:dc1 \
		    --type card --reason "bench" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

for to in 2 1 2 1; do
	t0=$(date +%s%N)
	"$KUNCICTL" -s "$SA" directory writer "$to" >/dev/null || say "switch to $to failed"
	t1=$(date +%s%N)
	write_at "$SA"; write_at "$SB"
	t2=$(date +%s%N)
	say "sites planned switch to serverID $to: command $(ms "$t0" "$t1") ms, writes at both sites after $(ms "$t0" "$t2") ms"
done

# the writer (1) hangs
kill -STOP "$A_SLAPD"
t0=$(date +%s%N)
wait_for 300 grep -q "sync: directory lost (ldapi:" "$W/kuncid.log"
t1=$(date +%s%N)
say "sites hung writer: site A's gate noticed in $(ms "$t0" "$t1") ms"
t0=$(date +%s%N)
"$KUNCICTL" -s "$SB" directory writer 2 --force >/dev/null || say "forced switch failed"
t1=$(date +%s%N)
write_at "$SB"
t2=$(date +%s%N)
write_at "$SA"
t3=$(date +%s%N)
say "sites forced switch: command $(ms "$t0" "$t1") ms, first write at B $(ms "$t0" "$t2") ms, at A $(ms "$t0" "$t3") ms (A's kuncid first waits out its hung connections)"
kill -CONT "$A_SLAPD"
say "# load $(cut -d' ' -f1 /proc/loadavg) at the end"
