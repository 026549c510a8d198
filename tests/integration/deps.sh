#!/bin/bash
# tests/install-deps: with everything present it does nothing; an ordinary
# user missing a package gets one line naming the apt-get command, and a
# failure status, and nothing is installed.
set -u
. "$(dirname "$0")/../lib.sh"
D=$KUNCI_TOP/tests/install-deps

out=$("$D" 2>&1); rc=$?
t_eq "all present: success" 0 "$rc"
t_eq "... silently" "" "$out"

[ "$(id -u)" -eq 0 ] || t_skip "needs root to run as another user"
id nobody >/dev/null 2>&1 || t_skip "no user nobody"
out=$(runuser -u nobody -- env KUNCI_EXTRA_DEPS=kunci-no-such-package \
    "$D" 2>&1); rc=$?
t_eq "not root and a package missing: failure" 1 "$rc"
t_eq "... one line" 1 "$(printf '%s\n' "$out" | wc -l)"
t_eq "... naming the command" \
    "kunci: missing Debian packages; as root run: apt-get install kunci-no-such-package" \
    "$out"
t_done
