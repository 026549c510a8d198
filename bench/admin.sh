#!/bin/bash
# bench/admin.sh: the admin plane under load (issue 13), in a private
# sandbox (slapd + kuncid with the shipped limits: 4 workers, 4
# connections per uid).
#   1. 10 officials, 20 staff each (their manager); 200 card requests
#      submitted by the staff (10 concurrent callers);
#   2. 50 concurrent callers, each a kuncictl-like connection per request,
#      alternating `request list` (the 200) and `request show ID`, for
#      BENCH_SECONDS (default 15): back to back alone, back to back while
#      `nobody` holds 4 connections (the per-uid limit), one sending
#      `help` every second, and paced (each caller one request per 250 ms)
#      while held; and `request show` alone, back to back, while held;
#   3. approvals per second: 10 officials at once, each approving the
#      first step of its own 20 requests;
#   4. with BENCH_CAMPAIGN=N (e.g. 100000): N grants loaded with slapadd
#      (kuncid and slapd stopped meanwhile, as bench/review.sh does), then
#      the 50 list/show callers, paced and back to back, while `kuncictl
#      review start` scans them (campaigns one after another, so that one
#      always runs) and nobody holds 4 connections.
# Output: one line per measurement on stdout and in $BENCH_OUT (default
# build/bench/admin.txt).  Needs root (nobody through setpriv).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
export KUNCID=$BUILD/kuncid LDAPNOINIT=1
SECS=${BENCH_SECONDS:-15}
OUT=${BENCH_OUT:-$BUILD/bench/admin.txt}
LAT=$BUILD/bench/adminlat
KC=$BUILD/kuncictl
mkdir -p "$(dirname "$OUT")"
W=$(mktemp -d /tmp/kunci-abench.XXXXXX)
chmod 755 "$W"
HOLDER=
cleanup()
{
	[ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null && wait "$HOLDER" 2>/dev/null
	"$top/tests/sandbox" stop "$W" >/dev/null 2>&1 || :
	rm -rf "$W"
}
trap cleanup EXIT
say() { echo "$*" | tee -a "$OUT"; }
load() { cut -d' ' -f1 /proc/loadavg; }
: >"$OUT"
say "# machine: nproc=$(nproc) cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\" mem=$(free -m | awk '/^Mem:/ { print $2 }')MiB kernel=$(uname -r) commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo -)"
eval "$("$top/tests/sandbox" start "$W")"

# 1. people and requests
python3 - "$KUNCI_BASE" >"$W/people.ldif" <<'PY'
import sys
base = sys.argv[1]
for i in range(10):
    print(f"dn: uid=boff{i},ou=people,{base}\nobjectClass: inetOrgPerson\n"
          f"uid: boff{i}\ncn: Pejabat Uji {i}\nsn: Uji\n")
    for k in range(20):
        print(f"dn: uid=bst{i}x{k},ou=people,{base}\nobjectClass: inetOrgPerson\n"
              f"uid: bst{i}x{k}\ncn: Staf Uji {i} {k}\nsn: Uji\n"
              f"manager: uid=boff{i},ou=people,{base}\n")
PY
ldapadd -Q -Y EXTERNAL -H "$LDAPI_URI" -f "$W/people.ldif" >/dev/null
for i in $(seq 0 9); do
	for k in $(seq 0 19); do
		printf '%d\t--as\tbst%dx%d\trequest\tsubmit\t--resource\tserver-room:dc1\t--type\tcard\t--reason\tbench\n' \
		    "$i" "$i" "$k"
	done
done >"$W/submit.jobs"
say "submit 200 requests, 10 callers: $("$LAT" "$KUNCI_SOCKET" <"$W/submit.jobs") load=$(load)"
"$KC" --json request list --state pending >"$W/list.json"
python3 - "$W/list.json" "$W" <<'PY'
import json, sys
reqs = json.load(open(sys.argv[1]))
ids = [r["id"] for r in reqs]
by = {}
for r in reqs:
    if r["requester"].startswith("bst"):
        by.setdefault(int(r["requester"][3:].split("x")[0]), []).append(r["id"])
with open(sys.argv[2] + "/read.jobs", "w") as f:
    for t in range(50):
        for k in range(20):
            f.write(f"{t}\trequest\tlist\n")
            f.write(f"{t}\trequest\tshow\t{ids[(t * 20 + k) % len(ids)]}\n")
with open(sys.argv[2] + "/show.jobs", "w") as f:
    for t in range(50):
        for k in range(20):
            f.write(f"{t}\trequest\tshow\t{ids[(t * 20 + k) % len(ids)]}\n")
with open(sys.argv[2] + "/approve.jobs", "w") as f:
    for i, l in sorted(by.items()):
        for rid in l:
            f.write(f"{i}\t--as\tboff{i}\trequest\tapprove\t{rid}\n")
PY

# 2. readers, alone then with a holder
say "read 50 callers ${SECS}s list/show, alone: $("$LAT" -d "$SECS" "$KUNCI_SOCKET" <"$W/read.jobs") load=$(load)"
cp "$top/bench/adminhold.py" "$W/adminhold.py"
chmod 644 "$W/adminhold.py"
setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups -- \
    /usr/bin/python3 "$W/adminhold.py" "$KUNCI_SOCKET" 4 &
HOLDER=$!
sleep 2
say "read 50 callers ${SECS}s list/show, nobody holding 4: $("$LAT" -d "$SECS" "$KUNCI_SOCKET" <"$W/read.jobs") load=$(load)"
say "read 50 callers ${SECS}s list/show, each one per 250 ms (200/s offered), nobody holding 4: $("$LAT" -d "$SECS" -p 250 "$KUNCI_SOCKET" <"$W/read.jobs") load=$(load)"
say "read 50 callers ${SECS}s request show only, nobody holding 4: $("$LAT" -d "$SECS" "$KUNCI_SOCKET" <"$W/show.jobs") load=$(load)"
s0=$(date +%s%N)
"$KC" status >/dev/null
say "root status while held: $(( ($(date +%s%N) - s0) / 1000000 )) ms"

# 3. approvals
say "approve 10 officials x 20 requests: $("$LAT" "$KUNCI_SOCKET" <"$W/approve.jobs") load=$(load)"
kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null || :
HOLDER=

# 4. during a review campaign
N=${BENCH_CAMPAIGN:-0}
[ "$N" -gt 0 ] || exit 0
"$top/tests/sandbox" kuncid-stop "$W" >/dev/null
"$top/tests/sandbox" slapd-stop "$W" >/dev/null
python3 "$top/bench/gengrants.py" "$N" "$KUNCI_BASE" 2000 >"$W/grants.ldif"
slapadd -q -w -F "$W/slapd.d" -b "$KUNCI_BASE" -l "$W/grants.ldif" >/dev/null 2>&1
"$top/tests/sandbox" slapd-start "$W" >/dev/null
"$top/tests/sandbox" kuncid-start "$W" >/dev/null
for _ in $(seq 300); do "$KC" status >/dev/null 2>&1 && break; sleep 0.1; done
setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups -- \
    /usr/bin/python3 "$W/adminhold.py" "$KUNCI_SOCKET" 4 &
HOLDER=$!
# campaigns one after another for the whole measurement, so that one is
# always running (a 100,000-grant campaign takes a few seconds)
camploop()
{
	local i=0 a b
	while [ ! -e "$W/camp.stop" ]; do
		i=$((i + 1))
		a=$(date +%s.%N)
		"$KC" --lang en review start --period "bench-$i" >>"$W/campaign.out" 2>&1 || :
		b=$(date +%s.%N)
		echo "$(echo "$b - $a" | bc)" >>"$W/campaign.times"
	done
}
: >"$W/campaign.times"
camploop &
CAMP=$!
sleep 1
say "campaign $N grants: read 50 callers ${SECS}s list/show paced 250 ms, held: $("$LAT" -d "$SECS" -p 250 "$KUNCI_SOCKET" <"$W/read.jobs") load=$(load)"
say "campaign $N grants: read 50 callers ${SECS}s list/show back to back, held: $("$LAT" -d "$SECS" "$KUNCI_SOCKET" <"$W/read.jobs") load=$(load)"
touch "$W/camp.stop"
wait "$CAMP" || :
say "campaign $N grants: $(wc -l <"$W/campaign.times") campaigns during the two runs, each took (s): $(tr '\n' ' ' <"$W/campaign.times")"
say "campaign $N grants: last: $(tail -n 1 "$W/campaign.out")"
kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null || :
HOLDER=
