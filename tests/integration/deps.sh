#!/bin/bash
# tests/install-deps: with everything present it does nothing; an ordinary
# user missing a package gets one line naming the apt-get command, and a
# failure status, and nothing is installed.
set -u
. "$(dirname "$0")/../lib.sh"
D=$KUNCI_TOP/tests/install-deps

# rule 5: nothing the tests or the install helpers run signals a process
# by name (the machine is shared; a site's slapd or sshd is not ours)
byname=$(grep -rnE '(^|[^a-z_-])(pkill|killall)([^a-z_-]|$)' "$KUNCI_TOP/tests" \
    "$KUNCI_TOP/Makefile" "$KUNCI_TOP/bench" "$KUNCI_TOP/.ci" 2>/dev/null |
    grep -vE '^[^:]*:[0-9]+:[[:space:]]*#' | grep -v 'integration/deps.sh:')
t_eq "no test or install helper signals a process by name" "" "$byname"

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
