#!/bin/bash
# An admin worker whose connection failed while slapd was away waits out
# a backoff before it tries again.  The backoff paces retries; it must not
# refuse a person's command once the directory is back (with four workers
# a command could land on one still in its window and fail with
# "directory unavailable" for up to backoff_max, 60 s).
set -u
. "$(dirname "$0")/workflow.inc"

# one worker, so every command below meets the same connection
CONF=$(mktemp "${TMPDIR:-/tmp}/kunci-recon.XXXXXX")
sed -e 's|^\([[:space:]]*admin_workers[[:space:]]*=\).*|\1 1;|' \
    "$KUNCI_TOP/conf/kunci.conf" >"$CONF"
chmod 644 "$CONF"
wf_setup --config "$CONF"
rm -f "$CONF"

t_check "a command reads the directory" kc resource list

"$KUNCI_TOP/tests/sandbox" slapd-stop "$W" >/dev/null 2>&1
t_check_fail "slapd stopped: the command fails" kc resource list
# each failed attempt doubles the wait before the next: 1, 2, 4, 8 s
# (the pauses pace the attempts; nothing is asserted on time)
sleep 1.2; kc resource list >/dev/null 2>&1
sleep 2.2; kc resource list >/dev/null 2>&1
sleep 4.2
t_check_fail "... still failing after 7 s, the worker now waits 8 s" \
    kc resource list

t_check "slapd started again" \
    "$KUNCI_TOP/tests/sandbox" slapd-start "$W"
out=$(kc resource list 2>&1); rc=$?
t_eq "the next command reaches the directory at once" 0 "$rc"
t_eq "... and says nothing of an unavailable directory" "" \
    "$(printf '%s\n' "$out" | grep 'directory unavailable')"
t_done
