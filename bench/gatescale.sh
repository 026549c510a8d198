#!/bin/bash
# bench/gatescale.sh (part of make bench-scale): the login gate at the
# sizes of issue 18, each size in the same run so the 100,000 figure
# stands beside the 1,000,000 one (BENCH_GATE_SIZES, default
# "100000 1000000" grants, one person in ten):
#   - bench/gtabadd: the table's whole rebuild against an add in place,
#     the snapshot's encode/store CPU and read-back, the index's memory;
#   - the real thing: slapd loaded by slapadd in bench/run's shape (each
#     person one grant for host:bench, 1 in 5 revoked, nine others), a
#     kuncid with a snapshot key, then kuncid's VmRSS/VmHWM once idle,
#     pam_acct_mgmt through the table with the module kept loaded
#     (bench/pambench, 5 runs: the median of the p99s), and kuncid
#     restarted: the time until the table allows again (start-up from its
#     snapshot plus the sync's catch-up).
# Needs root and several GB of /tmp at a million grants.  Results in
# $BUILD/bench/gate.txt; see bench/RESULTS.md.
set -eu
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
export KUNCID=$BUILD/kuncid LDAPNOINIT=1
SIZES=${BENCH_GATE_SIZES:-100000 1000000}
CHECKS=${BENCH_CHECKS:-20000}
OUT=${BENCH_OUT:-$BUILD/bench/gate.txt}
mkdir -p "$(dirname "$OUT")"
load() { cut -d' ' -f1 /proc/loadavg; }
say() { echo "$*" | tee -a "$OUT"; }
gt() { date -u -d "@$(($(date +%s) + $1))" +%Y%m%d%H%M%SZ; }
say "# machine: nproc=$(nproc) cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\" mem=$(free -m | awk '/^Mem:/ { print $2 }')MiB $(date -u +%FT%TZ)"
for n in $SIZES; do
	"$BUILD/bench/gtabadd" -n "$n" -r 5 | sed "s/\$/ load=$(load)/" | tee -a "$OUT"
done
for n in $SIZES; do
	W=$(mktemp -d /tmp/kunci-gbench.XXXXXX)
	chmod 755 "$W"
	trap '"$top/tests/sandbox" stop "$W/sb" >/dev/null 2>&1 || :; rm -rf "$W"' EXIT
	head -c 32 /dev/urandom | base64 >"$W/snapshot.key"
	chmod 600 "$W/snapshot.key"
	sed -e "s|^\([[:space:]]*snapshot_key_file[[:space:]]*=\).*|\1 \"$W/snapshot.key\";|" \
	    "$top/conf/kunci.conf" >"$W/kunci.conf"
	eval "$("$top/tests/sandbox" start "$W/sb" --config "$W/kunci.conf")"
	"$top/tests/sandbox" kuncid-stop "$W/sb" >/dev/null
	printf 'dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nreplace: olcDbMaxSize\nolcDbMaxSize: %s\n' \
	    "${BENCH_MAPSIZE:-17179869184}" | ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null
	"$top/tests/sandbox" slapd-stop "$W/sb" >/dev/null
	# bench/run's shape: person b%06d, grant B-i-0 for host:bench (1 in
	# 5 revoked), B-i-1..9 for host:fill-k; the cases: 60 % allowed, 20 %
	# denied, 20 % unknown
	awk -v n="$n" -v base="$KUNCI_BASE" -v nb="$(gt -3600)" \
	    -v na="$(gt $((30 * 86400)))" -v cases="$W/cases" '
	BEGIN {
		p = int(n / 10)
		for (i = 0; i < p; i++) {
			u = sprintf("b%06d", i)
			printf "dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\nuid: %s\ncn: Bench %d\nsn: Bench\nuidNumber: %d\ngidNumber: 100\nhomeDirectory: /nonexistent\n\n", u, base, u, i, 200000 + i
			st = (i % 5 == 0) ? "revoked" : "active"
			for (k = 0; k < 10; k++)
				printf "dn: kunciId=B-%d-%d,ou=grants,ou=kunci,%s\nobjectClass: kunciGrant\nkunciId: B-%d-%d\nkunciSubject: %s\nkunciResource: %s\nkunciStatus: %s\nkunciNotBefore: %s\nkunciNotAfter: %s\n\n", i, k, base, i, k, u, k ? "host:fill-" k : "host:bench", k ? "active" : st, nb, na
		}
		srand(4533)
		for (j = 0; j < 2000; j++) {
			r = j % 10
			if (r < 6) {
				do { i = int(rand() * p) } while (i % 5 == 0)
				printf "b%06d allow\n", i > cases
			} else if (r < 8) {
				i = int(rand() * (p / 5)) * 5
				printf "b%06d deny\n", i > cases
			} else
				printf "ghost%06d unknown\n", j > cases
		}
	}' >"$W/bench.ldif"
	t0=$(date +%s.%N)
	slapadd -q -w -F "$W/sb/slapd.d" -b "$KUNCI_BASE" -l "$W/bench.ldif" >/dev/null 2>&1
	t1=$(date +%s.%N)
	rm -f "$W/bench.ldif"
	"$top/tests/sandbox" slapd-start "$W/sb" >/dev/null
	mkdir -p "$W/pam.d"
	printf 'account required %s socket=%s agent_user=%s resource=host:bench\n' \
	    "$BUILD/pam_kunci.so" "$KUNCI_QUERY_SOCKET" "$(id -un)" >"$W/pam.d/kunci"
	last=$(printf 'b%06d' $((n / 10 - 1)))
	ready()	# the table allows the last person loaded
	{
		for _ in $(seq 6000); do
			"$BUILD/tests/pamcheck" -d "$W/pam.d" -s kunci "$last" 2>/dev/null |
			    grep -q PAM_SUCCESS && return 0
			sleep 0.1
		done
		return 1
	}
	t2=$(date +%s.%N)
	"$top/tests/sandbox" kuncid-start "$W/sb" >/dev/null
	pid=$(cat "$W/sb/kuncid.pid")
	ready
	t3=$(date +%s.%N)
	# idle: the snapshot written, CPU quiet
	sleep 2
	while a=$(cpu "$pid") && sleep 2 && [ "$(echo "$(cpu "$pid") - $a > 0.05" | bc)" = 1 ]; do :; done
	say "gate N=$n slapadd_s=$(echo "$t1 - $t0" | bc) first_start_s=$(echo "$t3 - $t2" | bc) kuncid_cpu_s=$(cpu "$pid") $(grep -E '^Vm(RSS|HWM)' /proc/$pid/status | tr -s ' \t' ' ' | tr '\n' ' ')snapshot_bytes=$(stat -c %s "$W/sb/state/grants.snapshot" 2>/dev/null || echo 0) load=$(load)"
	"$BUILD/bench/pambench" -d "$W/pam.d" -s kunci -c "$W/cases" -n 2000 \
	    -p 1 -m loaded -x kunci >/dev/null 2>>"$W/bench.err" || :
	sleep 3
	p99s=""
	for r in 1 2 3 4 5; do
		l=$("$BUILD/bench/pambench" -d "$W/pam.d" -s kunci -c "$W/cases" \
		    -n "$CHECKS" -p 1 -m loaded -x kunci 2>>"$W/bench.err" || echo FAILED)
		say "pam_kunci N=$n run=$r $l load=$(load)"
		p99s="$p99s $(echo "$l" | sed -n 's/.*p99_us=\([0-9.]*\).*/\1/p')"
	done
	say "pam_kunci N=$n loaded p99_us median of 5: $(printf '%s\n' $p99s | sort -n | sed -n 3p)"
	# restart: from the snapshot (kept, as on a reboot), the sync resumed
	"$top/tests/sandbox" kuncid-stop "$W/sb" >/dev/null
	t4=$(date +%s.%N)
	"$top/tests/sandbox" kuncid-start "$W/sb" >/dev/null
	pid=$(cat "$W/sb/kuncid.pid")
	ready
	t5=$(date +%s.%N)
	say "gate N=$n restart_to_table_allow_s=$(echo "$t5 - $t4" | bc) $(grep -o 'snapshot loaded[^"]*' "$W/sb/kuncid.log" 2>/dev/null | tail -1) VmHWM_after_restart=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$pid/status) load=$(load)"
	[ -s "$W/bench.err" ] && head -n 5 "$W/bench.err" >&2
	"$top/tests/sandbox" stop "$W/sb" >/dev/null 2>&1 || :
	rm -rf "$W"
	trap - EXIT
done
