#!/bin/bash
# events.sh: one event catalogue (issue 14, item 6): every audit event the
# agent writes is in doc/audit.md's table, and the table lists none the
# code no longer writes.  The checker itself fails on a new event and on a
# stale row.
set -u
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || t_skip "python3 needed"
E=$KUNCI_TOP/tests/tools/events.py
CAT=$KUNCI_TOP/doc/audit.md

out=$(python3 "$E" "$KUNCI_TOP/agent" "$CAT" 2>&1)
t_eq "every event the code writes is in doc/audit.md, and no other" "0:" "$?:$out"
n=$(python3 "$E" --list "$KUNCI_TOP/agent" "$CAT" | wc -l)
t_check "the checker finds the events ($n)" test "$n" -ge 50

d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
cp "$KUNCI_TOP"/agent/*.c "$d/"
printf 'static void\nx(int a)\n{\n\tlog_audit(a ? "grant.frobnicate" :\n\t    "grant.create", "grant", "g", NULL);\n}\n' >>"$d/wf.c"
out=$(python3 "$E" "$d" "$CAT" 2>&1)
t_eq "a new event (in a conditional, over two lines) is caught" \
    "1:event grant.frobnicate is written by the code but not in $CAT" "$?:$out"
grep -v '^| `visit.lock` ' "$CAT" >"$d/cat.md"
out=$(python3 "$E" "$KUNCI_TOP/agent" "$d/cat.md" 2>&1)
t_eq "a catalogue without visit.lock fails" \
    "1:event visit.lock is written by the code but not in $d/cat.md" "$?:$out"
{ cat "$CAT"; echo '| `grant.gone` | stale | |'; } >"$d/cat2.md"
out=$(python3 "$E" "$KUNCI_TOP/agent" "$d/cat2.md" 2>&1)
t_eq "a row the code never writes fails" \
    "1:event grant.gone is in $d/cat2.md but the code never writes it" "$?:$out"
t_done
