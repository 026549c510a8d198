#!/bin/bash
# bench/cards.sh (part of make bench-scale): one door's card allow list at
# the size of issue 18 (BENCH_CARDS, default 50,000 cards): that many
# people, each with an active card and an active grant on server-room:dc1
# naming it (kunciCredential), loaded with slapadd; then `kuncictl card
# export server-room:dc1` three times, which refreshes the list (the
# grant search, each card read, the list written and signed) and prints
# it: wall time, and kuncid's and slapd's CPU for each.
# Results in $BUILD/bench/cards.txt; see bench/RESULTS.md.
set -eu
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
export KUNCID=$BUILD/kuncid LDAPNOINIT=1
N=${BENCH_CARDS:-50000}
OUT=${BENCH_OUT:-$BUILD/bench/cards.txt}
mkdir -p "$(dirname "$OUT")"
gt() { date -u -d "@$(($(date +%s) + $1))" +%Y%m%d%H%M%SZ; }
W=$(mktemp -d /tmp/kunci-cbench.XXXXXX)
chmod 755 "$W"
trap '"$top/tests/sandbox" stop "$W" >/dev/null 2>&1 || :; rm -rf "$W"' EXIT
eval "$("$top/tests/sandbox" start "$W")"
"$top/tests/sandbox" kuncid-stop "$W" >/dev/null
"$top/tests/sandbox" slapd-stop "$W" >/dev/null
awk -v n="$N" -v base="$KUNCI_BASE" -v nb="$(gt -3600)" \
    -v na="$(gt $((30 * 86400)))" '
BEGIN {
	for (i = 0; i < n; i++) {
		u = sprintf("kartu%06d", i)
		s = sprintf("KB-%06d", i)
		printf "dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: Pemegang %d\nsn: Uji\n\n", u, base, u, i
		printf "dn: kunciId=%s,ou=cards,ou=kunci,%s\nobjectClass: kunciCard\nkunciId: %s\nkunciCardSerial: %s\nkunciHolder: %s\nkunciStatus: active\nkunciResource: server-room:dc1\n\n", s, base, s, s, u
		printf "dn: kunciId=C-%06d,ou=grants,ou=kunci,%s\nobjectClass: kunciGrant\nkunciId: C-%06d\nkunciSubject: %s\nkunciResource: server-room:dc1\nkunciStatus: active\nkunciCredential: %s\nkunciNotBefore: %s\nkunciNotAfter: %s\n\n", i, base, i, u, s, nb, na
	}
}' >"$W/cards.ldif"
slapadd -q -F "$W/slapd.d" -b "$KUNCI_BASE" -l "$W/cards.ldif" >/dev/null
"$top/tests/sandbox" slapd-start "$W" >/dev/null
"$top/tests/sandbox" kuncid-start "$W" >/dev/null
sleep 3
pid=$(cat "$W/kuncid.pid") spid=$(cat "$W/slapd.pid")
for r in 1 2 3; do
	k0=$(cpu "$pid") s0=$(cpu "$spid") t0=$(date +%s.%N)
	"$BUILD/kuncictl" --lang en card export server-room:dc1 >"$W/list" 2>"$W/err" || :
	t1=$(date +%s.%N)
	echo "cards N=$N run=$r wall_s=$(echo "$t1 - $t0" | bc) kuncid_cpu_s=$(echo "$(cpu "$pid") - $k0" | bc) slapd_cpu_s=$(echo "$(cpu "$spid") - $s0" | bc) listed=$(grep -c '^card ' "$W/list" || :) $(tail -n 1 "$W/list") $(head -c 200 "$W/err") load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
done
