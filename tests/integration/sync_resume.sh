#!/bin/bash
# slapd killed (SIGKILL) and started again: its contextCSN on disk is older
# than the state kuncid's sync cookie holds (slapd records it at a clean
# shutdown or a checkpoint), so syncprov refuses to resume from the cookie
# ("consumer state is newer than provider").  kuncid must fall back to a
# full refresh and come back online, not retry the cookie for ever with the
# gate offline; a revocation made afterwards reaches the gate.
. "$(dirname "$0")/provision.inc"

prov_setup
DOOR=server-room:dc1
pam_svc door "$DOOR"
id=$(submit lputri "$DOOR")
walk_a "$id" KA-0778
t_check "lputri may pass the door" wait_pc door lputri PAM_SUCCESS 50

spid=$(cat "$W/slapd.pid")
kill -KILL "$spid"
t_check "slapd killed" wait_for 50 eval '! kill -0 '"$spid"' 2>/dev/null'
t_check "kuncid notices the directory is gone" wait_for 100 eval '! directory_up'
"$KUNCI_TOP/tests/sandbox" slapd-start "$W" >/dev/null 2>&1
t_check "slapd back: kuncid online again" wait_for 200 directory_up
t_grep "the refused cookie gave way to a full refresh" \
    "refuses to resume from our cookie; full refresh" "$W/kuncid.log"
kc --as sanggraini grant revoke "$id" --now --reason "uji" >/dev/null
t_check "a revocation after the restart reaches the gate" \
    wait_pc door lputri PAM_PERM_DENIED 50
t_done
