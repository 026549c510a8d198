#!/bin/bash
# The module graph of the agent has no cycle: the engine (wf.c) calls the
# provisioning hooks and the scheduler calls the ticks through tables, so
# no module includes one built on it (doc/internals.md, Module layering).
set -u
. "$(dirname "$0")/../lib.sh"
G=$KUNCI_TOP/tests/tools/modgraph.sh
out=$(sh "$G" "$KUNCI_TOP/agent" 2>&1); rc=$?
t_eq "the include graph of agent/ has no cycle" 0 "$rc"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | head -20
edges=$(sh "$G" -e "$KUNCI_TOP/agent")
for low in wf wf_act wf_tick wf_int ldapc dir cfg cfg_groups cfg_wf cfg_dump \
    admin notify prov gate gate_consumer gate_note gate_int; do
	up=$(printf '%s\n' "$edges" | grep -E "^$low -> (card|removal|visit|review|doc|adminsrv|scheduler)\$")
	t_eq "$low includes no module built on it" "" "$up"
done
# The checker itself finds a cycle when there is one.
tmp=$(mktemp -d)
printf '#include "b.h"\n' >"$tmp/a.c"
printf '#include "a.h"\n' >"$tmp/b.c"
: >"$tmp/a.h"; : >"$tmp/b.h"
sh "$G" "$tmp" >/dev/null 2>&1
t_eq "modgraph.sh fails on a cycle" 1 "$?"
rm -rf "$tmp"
t_done
