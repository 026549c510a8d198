#!/bin/bash
# bench/many.sh (make bench-many): issue 18's "many gated servers".  One
# sandbox slapd (tests/sandbox) holding BENCH_MANY_GRANTS grants (default
# 10,000, bench/gengrants.py, by slapadd) and BENCH_MANY kuncid (default
# 200), each with its own small configuration, state directory and
# sockets, all following that slapd by content sync.  Measured, with the
# 1-minute load average beside each figure:
#   - slapd's CPU and memory (/proc) with no kuncid, during the first
#     refreshes of all of them at once, and idle with all of them;
#   - each kuncid's resident memory; slapd's open descriptors;
#   - one revocation to the deny at every gate: bench/manyrev reads each
#     gate's table as pam_kunci does, BENCH_MANY_REVOCATIONS times
#     (default 20): per gate and last gate p50/p99/max;
#   - all of them reconnecting at once: slapd stopped (SIGSTOP) past the
#     heartbeat timeout and let go (each resumes from its cookie, slapd
#     still has its session log), slapd restarted (cookies kept, the
#     session log lost with the process), slapd restarted with 10 changes
#     made while the gates were stopped (a present phase each), every
#     kuncid restarted (each resumes from the cookie its snapshot kept),
#     and every kuncid restarted without its snapshot (no cookie: a full
#     refresh each).
# BENCH_MANY_SCHEDULER sets every gate's agent.scheduler (default
# "local", as doc/scale.md advises; "all" for the comparison);
# BENCH_MANY_SLAPD_THREADS slapd's olcThreads (default: slapd's, 16).
# Needs root.  Results in $BUILD/bench/many.txt; see bench/RESULTS.md.
# BENCH_MANY_KEEP=1 keeps the directory (every kuncid's log) afterwards.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
KUNCID=$BUILD/kuncid
N=${BENCH_MANY:-200}
GRANTS=${BENCH_MANY_GRANTS:-10000}
REVS=${BENCH_MANY_REVOCATIONS:-20}
# agent.scheduler of every gate: "local" (a gated server, doc/scale.md) or
# "all" (every kuncid also searching for the directory-wide jobs)
SCHED=${BENCH_MANY_SCHEDULER:-local}
# slapd's olcThreads ("" = its default, 16)
THREADS=${BENCH_MANY_SLAPD_THREADS:-}
OUT=${BENCH_OUT:-$BUILD/bench/many.txt}
export LDAPNOINIT=1
mkdir -p "$(dirname "$OUT")"
[ "$(id -u)" = 0 ] || { echo "many.sh: needs root" >&2; exit 77; }
for f in "$KUNCID" "$BUILD/bench/manyrev"; do
	[ -x "$f" ] || { echo "many.sh: missing $f (make bench-many)" >&2; exit 1; }
done
# slapd holds 2-4 connections per kuncid (sync, last-used,
# scheduler, admin worker) and inherits this shell's descriptor limit
if [ "$(ulimit -n)" -lt $((8 * N + 256)) ]; then
	ulimit -n $((8 * N + 256)) 2>/dev/null || {
		echo "many.sh: ulimit -n $(ulimit -n) is too low for $N kuncid" >&2
		exit 1
	}
fi

load() { cut -d' ' -f1 /proc/loadavg; }
say() { echo "$*" | tee -a "$OUT"; }
hz=$(getconf CLK_TCK)
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }
mib() { echo "scale=1; $1 / 1024" | bc; }
now() { date +%s.%N; }
gt() { date -u -d "@$(($(date +%s) + $1))" +%Y%m%d%H%M%SZ; }

W=$(mktemp -d /tmp/kmany.XXXXXX)
chmod 755 "$W"
pids=()
stop_all()	# TERM every kuncid this bench started, then wait for them
{
	local p
	for p in ${pids[@]+"${pids[@]}"}; do
		kill -TERM "$p" 2>/dev/null || :
		kill -CONT "$p" 2>/dev/null || :	# one stopped in 4b
	done
	for p in ${pids[@]+"${pids[@]}"}; do
		wait "$p" 2>/dev/null || :
	done
	pids=()
}
cleanup()
{
	[ -n "${SLAPD_PID:-}" ] && kill -CONT "$SLAPD_PID" 2>/dev/null || :
	stop_all
	"$top/tests/sandbox" stop "$W/sb" >/dev/null 2>&1 || :
	if [ -n "${BENCH_MANY_KEEP:-}" ]; then
		echo "many.sh: logs kept in $W" >&2
	else
		rm -rf "$W"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "# machine: nproc=$(nproc) mem=$(free -m | awk '/^Mem:/ { print $2 }')MiB commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?') $(date -u +%FT%TZ) kuncid=$N grants=$GRANTS scheduler=$SCHED slapd_threads=${THREADS:-default} ulimit_n=$(ulimit -n) load=$(load)"

# the sandbox without its own kuncid (no such binary)
eval "$(KUNCID="$W/none" "$top/tests/sandbox" start "$W/sb")"
"$top/tests/sandbox" slapd-stop "$W/sb" >/dev/null
{
	python3 "$top/bench/gengrants.py" "$GRANTS" "$KUNCI_BASE"
	# the grant the bench revokes: bench000001 on host:many, at every gate
	printf 'dn: kunciId=M-1,ou=grants,ou=kunci,%s\nobjectClass: kunciGrant\nkunciId: M-1\nkunciSubject: bench000001\nkunciResource: host:many\nkunciStatus: active\nkunciNotBefore: %s\nkunciNotAfter: %s\n\n' \
	    "$KUNCI_BASE" "$(gt -3600)" "$(gt $((30 * 86400)))"
} >"$W/grants.ldif"
slapadd -q -w -F "$W/sb/slapd.d" -b "$KUNCI_BASE" -l "$W/grants.ldif" >/dev/null 2>&1
rm -f "$W/grants.ldif"
"$top/tests/sandbox" slapd-start "$W/sb" >/dev/null
SLAPD_PID=$(cat "$W/sb/slapd.pid")
if [ -n "$THREADS" ]; then
	printf 'dn: cn=config\nchangetype: modify\nreplace: olcThreads\nolcThreads: %s\n' \
	    "$THREADS" | ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null
fi
GRANT_DN="kunciId=M-1,ou=grants,ou=kunci,$KUNCI_BASE"

head -c 32 /dev/urandom | base64 >"$W/snapshot.key"
chmod 600 "$W/snapshot.key"
# one small configuration per gate: the directory, its own sockets,
# state and audit chain name, one admin worker, the scheduler's mode
for i in $(seq -w 1 "$N"); do
	d=$W/g$i
	mkdir -p "$d/run" "$d/state"
	chmod 755 "$d/run"
	cat >"$d/kunci.conf" <<EOF
directory = {
	uri = [ "$LDAPI_URI" ];
	base = "$KUNCI_BASE";
	bind_dn = "$KUNCI_BIND_DN";
	bind_password_file = "$KUNCI_BIND_PW_FILE";
};
agent = {
	user = "root";
	admin_socket = "$d/run/admin.sock";
	query_socket = "$d/run/query.sock";
	state_dir = "$d/state";
	admin_workers = 1;
	scheduler = "$SCHED";
};
login = {
	snapshot_key_file = "$W/snapshot.key";
};
audit = {
	host = "g$i";
};
EOF
	"$KUNCID" -t -c "$d/kunci.conf" >/dev/null 2>"$W/conf.err" || {
		echo "many.sh: kuncid refuses $d/kunci.conf: $(head -n 1 "$W/conf.err")" >&2
		exit 1
	}
done
tables=()
for i in $(seq -w 1 "$N"); do
	tables+=("$W/g$i/run/gate.table")
done

start_all()
{
	local i
	for i in $(seq -w 1 "$N"); do
		echo "--- many.sh start" >>"$W/g$i/kuncid.log"
		"$KUNCID" -f -c "$W/g$i/kunci.conf" </dev/null \
		    >>"$W/g$i/kuncid.log" 2>&1 &
		pids+=($!)
	done
}
ready()	# every gate allows bench000001 on host:many
{
	"$BUILD/bench/manyrev" -H "$LDAPI_URI" -D "$GRANT_DN" -u bench000001 \
	    -r host:many -n 0 -w "${1:-300}" "${tables[@]}"
}
slapd_line()	# LABEL T0 C0: slapd's CPU since (T0, C0 ticks), memory
{
	local t c
	t=$(now)
	c=$(ticks "$SLAPD_PID")
	say "$1 wall_s=$(echo "scale=2; ($t - $2) / 1" | bc) slapd_cpu_s=$(echo "scale=2; ($c - $3) / $hz" | bc) slapd_cpu_pct=$(echo "scale=1; 100 * ($c - $3) / $hz / ($t - $2)" | bc) slapd_rss_mib=$(mib "$(kb "$SLAPD_PID" VmRSS)") slapd_hwm_mib=$(mib "$(kb "$SLAPD_PID" VmHWM)") slapd_fds=$(ls "/proc/$SLAPD_PID/fd" | wc -l) load=$(load)"
}
kuncid_line()	# LABEL: every kuncid's resident memory and CPU so far
{
	local p rss=() cpu=0 r
	for p in "${pids[@]}"; do
		r=$(kb "$p" VmRSS) || continue
		rss+=("$r")
		cpu=$((cpu + $(ticks "$p")))
	done
	say "$1 kuncid=${#rss[@]} $(printf '%s\n' "${rss[@]}" | sort -n | awk '
	    { v[NR] = $1; s += $1 }
	    END { printf "rss_mib_p50=%.1f rss_mib_max=%.1f rss_mib_sum=%.0f",
		v[int(NR / 2) + 1] / 1024, v[NR] / 1024, s / 1024 }') kuncid_cpu_s_sum=$(echo "scale=2; $cpu / $hz" | bc) threads_per_kuncid=$(ls "/proc/${pids[0]}/task" | wc -l) load=$(load)"
}
idle()	# LABEL SECONDS: slapd's CPU over a quiet period
{
	local t0 c0
	t0=$(now)
	c0=$(ticks "$SLAPD_PID")
	sleep "$2"
	slapd_line "$1" "$t0" "$c0"
}
resumed()	# how each kuncid's sync last came back: cookie or full refresh
{
	awk '
	/^--- many.sh start/ { st[FILENAME] = "-"; lost[FILENAME] = 0;
	    full[FILENAME] = 0; hb[FILENAME] = 0; bt[FILENAME] = 0 }
	/sync: resumed from the cookie/ { st[FILENAME] = "c" }
	/sync: refresh done|sync: refreshed in place/ {
	    st[FILENAME] = "f"; full[FILENAME]++ }
	/sync: directory lost/ { lost[FILENAME]++ }
	/sync: directory lost.*no answer for/ { hb[FILENAME]++ }
	/bind: Timed out/ { bt[FILENAME]++ }
	END { for (f in st) { k[st[f]]++; l += lost[f]; fr += full[f]
		silent += hb[f]; bto += bt[f]; if (lost[f] > 0) lf++ }
	      printf "last_sync_resumed_from_cookie=%d last_sync_full=%d " \
		  "neither=%d full_refreshes=%d directory_lost=%d " \
		  "gates_that_lost_it=%d lost_by_heartbeat=%d " \
		  "bind_timeouts=%d\n", k["c"], k["f"], k["-"], fr, l, lf,
		  silent, bto
	}' "$W"/g*/kuncid.log
}
synced()	# TENTHS: until every gate's sync came back since the last mark
{
	local i
	for ((i = 0; i < $1; i++)); do
		resumed | grep -q ' neither=0 ' && return 0
		sleep 0.1
	done
	return 1
}
mark()	# a marker in every log: resumed() counts what follows the last
{
	local i
	for i in $(seq -w 1 "$N"); do
		echo "--- many.sh start" >>"$W/g$i/kuncid.log"
	done
}

sleep 2
idle "slapd idle, no kuncid" 10

# 1. the first refreshes: all at once, no snapshot
t0=$(now)
c0=$(ticks "$SLAPD_PID")
start_all
r=$(ready 600)
slapd_line "first refresh, $N at once ($r)" "$t0" "$c0"
sleep 10
kuncid_line "kuncid after the first refresh"
say "  $(resumed)"
mark
idle "slapd idle, $N kuncid (heartbeats, schedulers)" 30
kuncid_line "kuncid idle"
say "  $(resumed)"
mark

# 2. revocations
t0=$(now)
c0=$(ticks "$SLAPD_PID")
l=$("$BUILD/bench/manyrev" -H "$LDAPI_URI" -D "$GRANT_DN" -u bench000001 \
    -r host:many -n "$REVS" -w 60 "${tables[@]}")
say "revocation to $N gates: $l load=$(load)"
slapd_line "during the revocations" "$t0" "$c0"
say "  $(resumed)"

# 3. all reconnect at once, cookies kept, slapd keeps its session log:
# slapd stopped past the heartbeat timeout (3 s: every gate offline),
# then let go; the time from the SIGCONT until every gate allows again
sleep 5
mark
kill -STOP "$SLAPD_PID"
sleep 5
ready 300 >"$W/ready.out" &
rp=$!
sleep 1
kill -0 "$rp" 2>/dev/null || say "  (every gate still allowed before the SIGCONT: $(cat "$W/ready.out"))"
t0=$(now)
c0=$(ticks "$SLAPD_PID")
kill -CONT "$SLAPD_PID"
wait "$rp" || { echo "many.sh: the gates did not come back" >&2; exit 1; }
slapd_line "reconnect after a 6 s stop, cookies kept (every gate allowing again, from the SIGCONT)" "$t0" "$c0"
say "  $(resumed)"
sleep 10

# 4. slapd restarted: cookies kept, the session log gone with slapd
mark
t0=$(now)
"$top/tests/sandbox" slapd-stop "$W/sb" >/dev/null
"$top/tests/sandbox" slapd-start "$W/sb" >/dev/null
SLAPD_PID=$(cat "$W/sb/slapd.pid")
c0=$(ticks "$SLAPD_PID")
r=$(ready 300)
slapd_line "reconnect after a slapd restart, cookies kept ($r; slapd CPU from its start)" "$t0" "$c0"
say "  $(resumed)"
sleep 10
idle "slapd idle after the restart" 10

# 4b. slapd restarted while the gates are stopped (SIGSTOP), 10 grants
# changed before they are let go: the session log cannot cover the
# cookies, so syncprov runs a present phase for each
mark
for p in "${pids[@]}"; do kill -STOP "$p"; done
"$top/tests/sandbox" slapd-stop "$W/sb" >/dev/null
"$top/tests/sandbox" slapd-start "$W/sb" >/dev/null
SLAPD_PID=$(cat "$W/sb/slapd.pid")
for i in $(seq 0 9); do
	printf 'dn: kunciId=B-%07d,ou=grants,ou=kunci,%s\nchangetype: modify\nreplace: kunciLastUsed\nkunciLastUsed: %s\n\n' \
	    "$i" "$KUNCI_BASE" "$(gt 0)"
done | ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null
t0=$(now)
c0=$(ticks "$SLAPD_PID")
for p in "${pids[@]}"; do kill -CONT "$p"; done
# their tables stayed live while they were stopped: wait for their logs
synced 3000 || { echo "many.sh: the gates did not resume: $(resumed)" >&2; exit 1; }
slapd_line "reconnect to a restarted slapd with 10 changes since the cookies (every gate's sync back, from the SIGCONT)" "$t0" "$c0"
say "  $(resumed)"
sleep 10

# 5. every kuncid restarted: each loads its snapshot and resumes from the
# cookie it kept (the session log has the last minutes' changes)
stop_all
sleep 2
t0=$(now)
c0=$(ticks "$SLAPD_PID")
start_all
synced 6000 || { echo "many.sh: the gates did not resume: $(resumed)" >&2; exit 1; }
slapd_line "$N kuncid restarted at once, resumed from their snapshots' cookies (every gate's sync back)" "$t0" "$c0"
say "  $(resumed)"
resumed | grep -q ' last_sync_full=0 ' ||
    say "  NOTE: some gates refreshed in full after the restart"
r=$(ready 600)
say "  and allowing: $r"
sleep 5
kuncid_line "kuncid after the restart"

# 6. every kuncid restarted without its snapshot: no cookie, a full
# refresh each (a new gate, or one whose snapshot a change withdrew)
stop_all
rm -f "$W"/g*/state/grants.snapshot
sleep 2
t0=$(now)
c0=$(ticks "$SLAPD_PID")
start_all
r=$(ready 600)
synced 6000 || { echo "many.sh: the gates did not refresh: $(resumed)" >&2; exit 1; }
slapd_line "full refresh, $N kuncid restarted at once without snapshots ($r)" "$t0" "$c0"
say "  $(resumed)"
sleep 5
kuncid_line "kuncid after the full refresh"
errs=$(cat "$W"/g*/kuncid.log | grep -ciE 'error|fatal|refused|too many' || :)
say "kuncid log lines with error/fatal/refused/too many: $errs"
[ "$errs" = 0 ] || cat "$W"/g*/kuncid.log | grep -iE 'error|fatal|refused|too many' |
    sed 's/^[^ ]* [^ ]* //' | sort | uniq -c | sort -rn | head -n 5 | tee -a "$OUT"
