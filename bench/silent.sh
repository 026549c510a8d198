#!/bin/bash
# bench/silent.sh: a hung directory and its return, as the login gate sees
# them.  For each size in BENCH_SILENT_SIZES (default "10000 100000"
# grants, loaded with slapadd) it starts a private sandbox (kuncid with the
# shipped heartbeat settings) and runs BENCH_SILENT_TRIALS (default 5)
# trials of:
#   1. slapd SIGSTOPped: the time until the gate answers "unavail" for a
#      resource under offline = "deny" (the hang noticed, the gate offline);
#   2. slapd SIGCONTed and at once a grant revoked there: the time from the
#      SIGCONT until the gate denies it (reconnect, resume from the sync
#      cookie, the change);
#   3. with the gate back online, another revocation: the time until it
#      denies (the persist phase).
# Gate answers are polled through the query socket (tests/tools/gatequery)
# every 10 ms.  Output: one line per size on stdout and in $BENCH_OUT
# (default build/bench/silent.txt).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
export KUNCID=$BUILD/kuncid LDAPNOINIT=1
SIZES=${BENCH_SILENT_SIZES:-10000 100000}
TRIALS=${BENCH_SILENT_TRIALS:-5}
OUT=${BENCH_OUT:-$BUILD/bench/silent.txt}
GQ=$BUILD/tests/gatequery
mkdir -p "$(dirname "$OUT")"
[ -x "$GQ" ] || { echo "bench/silent.sh: build $GQ first (make bench)" >&2; exit 1; }

ms() { date +%s%3N; }
W=
STOPPED=
cleanup()
{
	[ -n "$STOPPED" ] && kill -CONT "$STOPPED" 2>/dev/null
	if [ -n "$W" ]; then
		"$top/tests/sandbox" stop "$W" >/dev/null 2>&1 || :
		rm -rf "$W"
	fi
}
trap cleanup EXIT

# until_answer USER RES WANT: poll every 10 ms (60 s at most); prints ms
until_answer()
{
	local t0 i
	t0=$(ms)
	for ((i = 0; i < 6000; i++)); do
		if "$GQ" "$KUNCI_QUERY_SOCKET" "$1" sshd "$2" 2>/dev/null |
		    head -n1 | grep -q "^$3 "; then
			echo $(($(ms) - t0))
			return 0
		fi
		sleep 0.01
	done
	echo timeout
}

revoke()
{
	printf 'dn: kunciId=%s,ou=grants,ou=kunci,%s\nchangetype: modify\nreplace: kunciStatus\nkunciStatus: revoked\n' \
	    "$1" "$KUNCI_BASE" | ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null
}

machine="nproc=$(nproc) cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\" kernel=$(uname -r)"
echo "# machine: $machine" | tee -a "$OUT"
for n in $SIZES; do
	W=$(mktemp -d /tmp/kunci-sbench.XXXXXX)
	chmod 755 "$W"
	head -c 32 /dev/urandom | base64 >"$W/snapshot.key"
	chmod 600 "$W/snapshot.key"
	sed -e "s|^\([[:space:]]*snapshot_key_file[[:space:]]*=\).*|\1 \"$W/snapshot.key\";|" \
	    -e 's|{ resource = "server-room:\*"; offline = "deny"; offline_max_age = "0s"; }|&, { resource = "host:strict"; offline = "deny"; }|' \
	    "$top/conf/kunci.conf" >"$W/kunci.conf"
	eval "$("$top/tests/sandbox" start "$W/sb" --config "$W/kunci.conf")"
	"$top/tests/sandbox" kuncid-stop "$W/sb" >/dev/null
	"$top/tests/sandbox" slapd-stop "$W/sb" >/dev/null
	python3 - "$n" "$TRIALS" "$KUNCI_BASE" >"$W/bench.ldif" <<'PY'
import sys, time
n, trials, base = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def gt(t): return time.strftime("%Y%m%d%H%M%SZ", time.gmtime(t))
now = time.time()
people = max(n // 10, 2 * trials + 2)
for i in range(people):
    print(f"dn: uid=sb{i:06d},ou=people,{base}\nobjectClass: inetOrgPerson\n"
          f"uid: sb{i:06d}\ncn: Pegawai Uji {i}\nsn: Uji\n")
for i in range(n):
    res = "host:strict" if i < 2 * trials + 2 else f"host:h{i % 50}"
    print(f"dn: kunciId=G-{i:07d},ou=grants,ou=kunci,{base}\nobjectClass: kunciGrant\n"
          f"kunciId: G-{i:07d}\nkunciSubject: sb{i % people:06d}\n"
          f"kunciResource: {res}\nkunciStatus: active\n"
          f"kunciNotBefore: {gt(now - 86400)}\nkunciNotAfter: {gt(now + 30 * 86400)}\n")
PY
	slapadd -q -w -F "$W/sb/slapd.d" -b "$KUNCI_BASE" -l "$W/bench.ldif" >/dev/null 2>&1
	"$top/tests/sandbox" slapd-start "$W/sb" >/dev/null
	"$top/tests/sandbox" kuncid-start "$W/sb" >/dev/null
	pid=$(cat "$W/sb/slapd.pid")
	last=sb$(printf %06d $((2 * TRIALS + 1)))
	until_answer "$last" host:strict allow >/dev/null
	notice=() atreturn=() online=()
	for ((k = 0; k < TRIALS; k++)); do
		sleep 2		# quiet: the heartbeat's phase is not aligned
		STOPPED=$pid
		kill -STOP "$pid"
		notice+=("$(until_answer "$last" host:strict unavail)")
		sleep 1
		kill -CONT "$pid"
		STOPPED=
		t0=$(ms)
		revoke "G-$(printf %07d $((2 * k)))"
		until_answer "sb$(printf %06d $((2 * k)))" host:strict deny >/dev/null
		atreturn+=($(($(ms) - t0)))
		until_answer "$last" host:strict allow >/dev/null
		t0=$(ms)
		revoke "G-$(printf %07d $((2 * k + 1)))"
		until_answer "sb$(printf %06d $((2 * k + 1)))" host:strict deny >/dev/null
		online+=($(($(ms) - t0)))
	done
	line="silent grants=$n trials=$TRIALS hang_noticed_ms=[${notice[*]}] revoked_at_return_to_deny_ms=[${atreturn[*]}] revoked_online_to_deny_ms=[${online[*]}] resumed=$(grep -c 'resumed from the cookie' "$W/sb/kuncid.log") load=$(cut -d' ' -f1 /proc/loadavg)"
	echo "$line" | tee -a "$OUT"
	"$top/tests/sandbox" stop "$W/sb" >/dev/null 2>&1 || :
	rm -rf "$W"
	W=
done
