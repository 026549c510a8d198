#!/bin/bash
# agent.scheduler "local": a gated server among many (doc/scale.md) runs
# only its own periodic work.
#  - A grant past its end stays "active" in the directory (no expiry job
#    here), and no door allow list is written, while the scheduler's
#    passes go on and status says "local";
#  - the gate still denies that grant (the decision compares the time)
#    and allows a current one;
#  - the same kuncid restarted with "all" marks the grant expired and
#    writes the allow lists;
#  - a value other than "all" or "local" is refused by kuncid -t: one
#    line naming the key, EX_CONFIG.
. "$(dirname "$0")/gate.inc"
KUNCICTL=${KUNCICTL:-$BUILD/kuncictl}
[ -x "$KUNCICTL" ] || t_skip "build $KUNCICTL first"
local_sed='s|^\([[:space:]]*scheduler[[:space:]]*=\).*|\1 "local";|'

gate_setup "$local_sed"
t_grep "the configuration says local" '^[[:space:]]*scheduler = "local";' "$KUNCI_CONF"
pam_service kt "resource=host:test"
pam_service ko "resource=host:old"
grant_add R-001 hsantoso host:test active -3600 86400
grant_add R-002 hsantoso host:old active -7200 -60
t_check "kuncid syncs and allows the current grant" \
    wait_result kt hsantoso PAM_SUCCESS 100

passes() { "$KUNCICTL" --json status | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["scheduler_passes"])'; }
p0=$(passes)
t_check "the scheduler runs (passes: $p0)" test -n "$p0"
grows() { [ "$(passes)" -ge $((p0 + 5)) ]; }
t_check "five more passes go by" wait_for 300 grows
t_eq "status --json: scheduler local" local "$("$KUNCICTL" --json status |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["scheduler"])')"
t_grep "status: the scheduler line says local" '(Scheduler|Penjadwal).*(local|lokal)' \
    <("$KUNCICTL" status)
st=$(ls_ -b "kunciId=R-002,ou=grants,ou=kunci,$KUNCI_BASE" kunciStatus |
    sed -n 's/^kunciStatus: //p')
t_eq "the grant past its end is still active in the directory" active "$st"
t_eq "... and denied at the gate all the same" PAM_PERM_DENIED "$(pc ko hsantoso)"
t_eq "no door allow list written" 0 \
    "$(find "$SB/state" -path '*allowlists*' -type f 2>/dev/null | wc -l)"

# the same kuncid with "all": the expiry job and the allow lists run
sed -i 's|^\([[:space:]]*scheduler[[:space:]]*=\).*|\1 "all";|' "$KUNCI_CONF"
"$KUNCI_TOP/tests/sandbox" kuncid-restart "$SB" >/dev/null
status_of() { ls_ -b "kunciId=R-002,ou=grants,ou=kunci,$KUNCI_BASE" kunciStatus |
    sed -n 's/^kunciStatus: //p'; }
t_wait_eq "with \"all\": the grant is marked expired" expired 300 status_of
lists() { find "$SB/state" -path '*allowlists*' -type f 2>/dev/null | wc -l; }
has_lists() { [ "$(lists)" -gt 0 ]; }
t_check "with \"all\": the allow lists are written" wait_for 300 has_lists
t_eq "status --json: scheduler all" all "$("$KUNCICTL" --json status |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["scheduler"])')"

# a bad value
sed -e 's|^\([[:space:]]*scheduler[[:space:]]*=\).*|\1 "none";|' \
    "$KUNCI_CONF" >"$GT/bad.conf"
out=$("$KUNCID" -t -c "$GT/bad.conf" 2>&1); rc=$?
t_eq "scheduler = \"none\" is refused by kuncid -t (EX_CONFIG)" 78 "$rc"
t_grep "... naming the key and the value" 'agent\.scheduler: unknown value "none"' <(echo "$out")
t_eq "... in one line" 1 "$(printf '%s\n' "$out" | wc -l)"
t_done
