#!/bin/bash
# audit_stream.sh: kuncictl audit verify and search read a capture of any
# size in bounded memory (issue 14): a capture of 200,000 chained records
# of two hosts, made and chained by an independent program (Python's
# hashlib, doc/audit.md's definition), then:
#   - verify passes on it from a file and from a pipe, and its resident
#     memory stays far below the capture (holding every record took
#     ~640 bytes a record: 130 MB here);
#   - two records swapped 10 records apart (inside the window) are named
#     as one swap; a record moved 10,000 records later (outside it) is
#     named as moved, once, with its chain value checked; a record moved
#     10,000 records earlier is out of order; a deleted one is a gap;
#   - a rotated log given newest first (auth.log auth.log.1) is read
#     oldest first; through a pipe it is one finding per host;
#   - search --grant over a pipe (two passes: standard input is copied to
#     a temporary file) finds the same records as over the file.
# The records here never touch kuncid: audit_chain.sh makes them through
# the real procedures; this one is about size.
set -u
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || t_skip "python3 needed"
KUNCICTL=${KUNCICTL:-$BUILD/kuncictl}
[ -x "$KUNCICTL" ] || t_skip "build kuncictl first"
[ -x /usr/bin/time ] || t_skip "/usr/bin/time needed (apt-get install time)"
# under ASan, freed memory waits in a quarantine (256 MiB by default) that
# would count as resident here
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"
T=$(mktemp -d "${TMPDIR:-/tmp}/kunci-astream.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
N=200000

python3 - "$T/big.log" "$N" <<'PY'
import hashlib, sys
path, n = sys.argv[1], int(sys.argv[2])
prev = {"kantor-a": bytes(32), "kantor-b": bytes(32)}
seq = {"kantor-a": 0, "kantor-b": 0}
with open(path, "w") as f:
    for i in range(n):
        h = "kantor-a" if i % 3 else "kantor-b"
        seq[h] += 1
        g = "2026-%06d" % (i // 50)
        body = ("event=login.allow user=u%d service=sshd rhost=192.0.2.7 tty=ssh "
                "resource=host:web01 grant=%s decision=allow reason=\"active grant\" "
                "via=table host=%s seq=%d time=2026-12-06T%02d:%02d:%02dZ"
                % (i % 97, g, h, seq[h], (i // 3600) % 24, (i // 60) % 60, i % 60))
        v = hashlib.sha256(prev[h] + body.encode()).digest()
        prev[h] = v
        f.write("Dec  6 %02d:%02d:%02d %s kuncid[42]: %s chain=%s\n"
                % ((i // 3600) % 24, (i // 60) % 60, i % 60, h, body, v.hex()))
PY
t_eq "the capture has $N records" "$N" "$(wc -l <"$T/big.log")"

# vm FILE|- ARGS: verify, keeping rc, out and the peak resident KiB in kib
vm()
{
	local f=$1
	shift
	out=$(/usr/bin/time -f 'maxrss=%M' -o "$T/rss" "$KUNCICTL" --lang en \
	    audit verify "$f" --no-checkpoints "$@" 2>&1)
	rc=$?
	kib=$(sed -n 's/^maxrss=//p' "$T/rss")
}
damages() { printf '%s\n' "$out" | grep -c '^DAMAGE: '; }
small() { [ "$1" -lt 40960 ]; }	# KiB

vm "$T/big.log"
t_eq "verify: intact, from a file" 0 "$rc"
t_grep "... every record of both hosts" "^$N chained record\(s\) of 2 host\(s\), checkpoints not checked: intact" <(echo "$out")
t_check "... in bounded memory (peak ${kib} KiB for $(($(stat -c %s "$T/big.log") / 1048576)) MiB)" small "$kib"
out=$(cat "$T/big.log" | /usr/bin/time -f 'maxrss=%M' -o "$T/rss" "$KUNCICTL" --lang en \
    audit verify - --no-checkpoints 2>&1)
rc=$?
kib=$(sed -n 's/^maxrss=//p' "$T/rss")
t_eq "verify: intact, from a pipe" 0 "$rc"
t_check "... in bounded memory too (peak ${kib} KiB)" small "$kib"

# line numbers of kantor-a's records by seq
al() { grep -n -m1 " host=kantor-a seq=$1 time=" "$T/big.log" | cut -d: -f1; }
swapl()	# swapl A B OUT: lines A and B traded
{
	awk -v a="$1" -v b="$2" 'NR == FNR { if (FNR == a || FNR == b) x[FNR] = $0; next }
	    FNR == a { print x[b]; next } FNR == b { print x[a]; next } { print }' \
	    "$T/big.log" "$T/big.log" >"$3"
}

# inside the window: one swap
l1=$(al 50000); l2=$(al 50010)
swapl "$l1" "$l2" "$T/t1.log"
vm "$T/t1.log"
t_eq "two records swapped 10 apart: one damage" "65 1" "$rc $(damages)"
t_grep "... named as a swap" "^DAMAGE: kantor-a: records out of order: seq 50010 \(.*t1.log:$l1\) and seq 50000 \(.*t1.log:$l2\) swapped" <(echo "$out")

# a record moved 10,000 records later: outside the window
l1=$(al 60000); l2=$(al 70000)
awk -v a="$l1" -v b="$l2" 'FNR == a { m = $0; next } { print } FNR == b { print m }' \
    "$T/big.log" >"$T/t2.log"
vm "$T/t2.log"
t_eq "a record moved 10,000 records later: one damage" "65 1" "$rc $(damages)"
nl=$(grep -n -m1 " host=kantor-a seq=60001 time=" "$T/t2.log" | cut -d: -f1)
t_grep "... named as moved, where it was found, and where it belongs" "^DAMAGE: kantor-a: records out of order: seq 60000 \(.*t2.log:$l2\) was moved: it belongs before .*t2.log:$nl," <(echo "$out")
t_check "... in bounded memory (peak ${kib} KiB)" small "$kib"

# the same record changed as well: not the genuine one, so also a gap
awk -v a="$l1" -v b="$l2" 'FNR == a { m = $0; sub(/user=u/, "user=x", m); next } { print } FNR == b { print m }' \
    "$T/big.log" >"$T/t3.log"
vm "$T/t3.log"
t_eq "... moved and altered: damage, its place a gap" "65 2" "$rc $(damages)"
t_grep "... the gap" "^DAMAGE: kantor-a: gap: seq 60000-60000 missing" <(echo "$out")
t_grep "... and the record out of order" "^DAMAGE: kantor-a: records out of order: seq 60000 \(.*t3.log:$l2\) comes after seq [0-9]+, more than [0-9]+ records from its place" <(echo "$out")

# a record moved 10,000 records earlier
awk -v a="$l1" -v b="$l2" 'FNR == NR { if (FNR == b) m = $0; next } FNR == a { print m } FNR == b { next } { print }' \
    "$T/big.log" "$T/big.log" >"$T/t4.log"
vm "$T/t4.log"
t_eq "a record moved 10,000 records earlier: damage" 65 "$rc"
t_grep "... out of order" "^DAMAGE: kantor-a: records out of order: seq " <(echo "$out")
t_eq "... and nothing called a gap or altered" 0 "$(echo "$out" | grep -c -E 'gap:|altered')"

# a deletion far into the capture
l1=$(al 120000)
sed "${l1}d" "$T/big.log" >"$T/t5.log"
vm "$T/t5.log"
t_eq "a deleted record: one damage" "65 1" "$rc $(damages)"
t_grep "... a gap at its seq" "^DAMAGE: kantor-a: gap: seq 120000-120000 missing \(1 record" <(echo "$out")

# a rotated log given newest first: files are read oldest first
head -n 100000 "$T/big.log" >"$T/auth.log.1"
tail -n +100001 "$T/big.log" >"$T/auth.log"
vm "$T/auth.log" "$T/auth.log.1"
t_eq "auth.log auth.log.1 (newest first): read oldest first, intact" 0 "$rc"
out=$(cat "$T/auth.log" "$T/auth.log.1" | "$KUNCICTL" --lang en audit verify - --no-checkpoints 2>&1)
t_eq "... the same through a pipe, newest first: damage" 65 "$?"
t_eq "... said once per host, not once per record" 2 "$(damages)"
t_grep "... as a run of records out of order" "^DAMAGE: kantor-a: records out of order: seq 1-66666 \(-:[0-9]+-[0-9]+, 66666 records\) come after seq [0-9]+" <(echo "$out")

# search: --grant needs passes; from a pipe it copies standard input
g=2026-001234
a=$("$KUNCICTL" audit search "$T/big.log" --grant "$g" | wc -l)
b=$(cat "$T/big.log" | "$KUNCICTL" audit search - --grant "$g" | wc -l)
t_eq "search --grant from a file finds the grant's 50 records" 50 "$a"
t_eq "... and from a pipe the same" 50 "$b"
j=$(cat "$T/big.log" | "$KUNCICTL" audit search - --person u5 --json |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
t_eq "search --json streams a JSON array ($j records of u5)" "$(grep -c 'user=u5 ' "$T/big.log")" "$j"
out=$(/usr/bin/time -f 'maxrss=%M' -o "$T/rss" "$KUNCICTL" audit search "$T/big.log" --event 'login.*' 2>&1 >/dev/null)
kib=$(sed -n 's/^maxrss=//p' "$T/rss")
t_check "search over every record in bounded memory (peak ${kib} KiB)" small "$kib"

t_done
