#!/bin/bash
# bench/cards.sh (part of make bench-scale): one door's card allow list at
# the size of issue 18 (BENCH_CARDS, default 50,000 cards): that many
# people, each with an active card and an active grant on server-room:dc1
# naming it (kunciCredential), loaded with slapadd; then `kuncictl card
# export server-room:dc1` three times, which refreshes the list (the
# grant search, the cards read, the list written and signed) and prints
# it: wall time, and kuncid's and slapd's CPU for each.  BENCH_CARDS_FILL
# (default "50000 950000") more grants from bench/gengrants.py put the
# door in a directory of 100,000 and of a million grants, one sandbox
# after the other in the same run (end times to the second, 5 % expired,
# a fifth of them on each door without a card).  Then slapd's CPU while
# kuncid idles BENCH_IDLE seconds (default 60: the scheduler's passes,
# every 2 s the expiry and expiry-warning searches, every 10 s both
# doors' allow lists), and the door's searches timed alone with
# ldapsearch.  BENCH_CARDS_NOPRES=1 takes the presence index on
# kunciCredential (ldif/kunci-db.ldif) away first, as directories were
# before it.  provision.expiry_warning is 1h here, so that the fill's
# grants ending within 7 days are not warned during the run.
# Results in $BUILD/bench/cards.txt; see bench/RESULTS.md.
set -eu
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
export KUNCID=$BUILD/kuncid LDAPNOINIT=1
N=${BENCH_CARDS:-50000}
FILLS=${BENCH_CARDS_FILL:-50000 950000}
IDLE=${BENCH_IDLE:-60}
OUT=${BENCH_OUT:-$BUILD/bench/cards.txt}
mkdir -p "$(dirname "$OUT")"
gt() { date -u -d "@$(($(date +%s) + $1))" +%Y%m%d%H%M%SZ; }
W=$(mktemp -d /tmp/kunci-cbench.XXXXXX)
chmod 755 "$W"
trap '"$top/tests/sandbox" stop "$W/sb" >/dev/null 2>&1 || :; rm -rf "$W"' EXIT
# one FILL: a sandbox of N cards on the door plus FILL grants, measured,
# stopped
one()
{
FILL=$1
sed -e 's|^\([[:space:]]*expiry_warning[[:space:]]*=\).*|\1 "1h";|' \
    "$top/conf/kunci.conf" >"$W/kunci.conf"
rm -rf "$W/sb"
eval "$("$top/tests/sandbox" start "$W/sb" --config "$W/kunci.conf")"
"$top/tests/sandbox" kuncid-stop "$W/sb" >/dev/null
printf 'dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nreplace: olcDbMaxSize\nolcDbMaxSize: %s\n' \
    "${BENCH_MAPSIZE:-17179869184}" | ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null
PRES=1
if [ "${BENCH_CARDS_NOPRES:-0}" = 1 ]; then
	PRES=0
	printf 'dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\ndelete: olcDbIndex\nolcDbIndex: kunciCredential eq,pres\n-\nadd: olcDbIndex\nolcDbIndex: kunciCredential eq\n' |
	    ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null
fi
"$top/tests/sandbox" slapd-stop "$W/sb" >/dev/null
# each card grant starts and ends at its own second, as real ones do
now=$(date +%s)
awk -v n="$N" -v base="$KUNCI_BASE" -v now="$now" '
function gt(t) { return strftime("%Y%m%d%H%M%SZ", t, 1) }
BEGIN {
	for (i = 0; i < n; i++) {
		nb = gt(now - 3600 - i * 17)
		na = gt(now + 30 * 86400 + i * 31)
		u = sprintf("kartu%06d", i)
		s = sprintf("KB-%06d", i)
		printf "dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: Pemegang %d\nsn: Uji\n\n", u, base, u, i
		printf "dn: kunciId=%s,ou=cards,ou=kunci,%s\nobjectClass: kunciCard\nkunciId: %s\nkunciCardSerial: %s\nkunciHolder: %s\nkunciStatus: active\nkunciResource: server-room:dc1\n\n", s, base, s, s, u
		printf "dn: kunciId=C-%06d,ou=grants,ou=kunci,%s\nobjectClass: kunciGrant\nkunciId: C-%06d\nkunciSubject: %s\nkunciResource: server-room:dc1\nkunciStatus: active\nkunciCredential: %s\nkunciNotBefore: %s\nkunciNotAfter: %s\n\n", i, base, i, u, s, nb, na
	}
}' >"$W/cards.ldif"
if [ "$FILL" -gt 0 ]; then
	python3 "$top/bench/gengrants.py" "$FILL" "$KUNCI_BASE" >>"$W/cards.ldif"
fi
slapadd -q -w -F "$W/sb/slapd.d" -b "$KUNCI_BASE" -l "$W/cards.ldif" >/dev/null
rm -f "$W/cards.ldif"
"$top/tests/sandbox" slapd-start "$W/sb" >/dev/null
"$top/tests/sandbox" kuncid-start "$W/sb" >/dev/null
pid=$(cat "$W/sb/kuncid.pid") spid=$(cat "$W/sb/slapd.pid")
# wait for the gate's first sync (the index full) before measuring
for i in $(seq 600); do
	grep -q 'persisting' "$W/sb/kuncid.log" 2>/dev/null && break
	sleep 1
done
# then for the scheduler's first passes to settle (at a million grants
# its expiry jobs read their candidates back for a minute or so): slapd
# under 10 % of a CPU for 2 s, at most 180 s
for i in $(seq 90); do
	s0=$(cpu "$spid")
	sleep 2
	[ "$(echo "$(cpu "$spid") - $s0 < 0.2" | bc)" = 1 ] && break
done
echo "cards settle N=$N fill=$FILL waited_s=$((i * 2)) load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
for r in 1 2 3; do
	k0=$(cpu "$pid") s0=$(cpu "$spid") t0=$(date +%s.%N)
	"$BUILD/kuncictl" --lang en card export server-room:dc1 >"$W/list" 2>"$W/err" || :
	t1=$(date +%s.%N)
	echo "cards N=$N fill=$FILL pres=$PRES run=$r wall_s=$(echo "$t1 - $t0" | bc) kuncid_cpu_s=$(echo "$(cpu "$pid") - $k0" | bc) slapd_cpu_s=$(echo "$(cpu "$spid") - $s0" | bc) listed=$(grep -c '^card ' "$W/list" || :) $(tail -n 1 "$W/list") $(head -c 200 "$W/err") load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
done
# the scheduler's recurring work at this size, kuncid otherwise idle
passes() { "$BUILD/kuncictl" --json status 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin).get("scheduler_passes", 0))' 2>/dev/null || echo 0; }
p0=$(passes) k0=$(cpu "$pid") s0=$(cpu "$spid")
sleep "$IDLE"
k1=$(cpu "$pid") s1=$(cpu "$spid") p1=$(passes)
echo "cards idle N=$N fill=$FILL seconds=$IDLE scheduler_passes=$((p1 - p0)) kuncid_cpu_s=$(echo "$k1 - $k0" | bc) slapd_cpu_s=$(echo "$s1 - $s0" | bc) load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
# the searches the scheduler made before (commit 5597578), alone
ts=$(gt 0) tw=$(gt 3600)
for f in "(&(objectClass=kunciGrant)(kunciStatus=active)(kunciNotAfter<=$ts))" \
    "(&(objectClass=kunciGrant)(kunciStatus=active)(kunciNotAfter<=$tw)(!(kunciNote=expiry warning sent)))" \
    "(&(objectClass=kunciGrant)(kunciResource=server-room:dc1)(kunciStatus=active)(kunciCredential=*))"; do
	s0=$(cpu "$spid") t0=$(date +%s.%N)
	c=$(ldapsearch -Q -LLL -Y EXTERNAL -H "$LDAPI_URI" -z 100000 \
	    -b "ou=grants,ou=kunci,$KUNCI_BASE" -s one "$f" 1.1 2>/dev/null |
	    grep -c '^dn:' || :)
	t1=$(date +%s.%N)
	echo "cards search N=$N fill=$FILL entries=$c wall_s=$(echo "$t1 - $t0" | bc) slapd_cpu_s=$(echo "$(cpu "$spid") - $s0" | bc) filter=$f load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
done
"$top/tests/sandbox" stop "$W/sb" >/dev/null 2>&1 || :
}
for f in $FILLS; do
	one "$f"
done
