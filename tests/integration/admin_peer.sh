#!/bin/bash
# The admin socket trusts only the kernel: a caller who is not root cannot
# act for someone else with --as (refused, audited, nothing written), and
# a local account with no directory person can read its status but decide
# nothing.  The query socket answers only root and kuncid's own user.
set -u
. "$(dirname "$0")/workflow.inc"
[ "$(id -u)" -eq 0 ] || t_skip "needs root to run kuncictl as another user"
id nobody >/dev/null 2>&1 || t_skip "no user nobody"

wf_setup
asnobody() { runuser -u nobody -- "$KUNCICTL" "$@"; }

rid=$(submit lputri server-room:dc1)
t_check "a request to act on ($rid)" test -n "$rid"

out=$(asnobody --as tramadhan --lang en request approve "$rid" 2>&1); rc=$?
t_eq "--as by a non-root caller: EX_NOPERM" 77 "$rc"
t_grep "... says only root may" 'only root may use --as' <(echo "$out")
t_eq "... one line" 1 "$(printf '%s\n' "$out" | wc -l)"
t_eq "... the step did not move" superior "$(field "$rid" step)"
t_wait_eq "... audited once, naming the real caller" 1 30 \
    audit_count 'event=request.refused actor=nobody as=tramadhan action=as '

out=$(asnobody status 2>&1); rc=$?
t_eq "nobody may ask for the status" 0 "$rc"
t_grep "... and is shown as the caller" 'nobody' <(echo "$out")
out=$(asnobody request approve "$rid" 2>&1); rc=$?
t_check "nobody (no directory person) cannot decide" test "$rc" -ne 0
t_eq "... the step did not move" superior "$(field "$rid" step)"

# The query socket: root is answered, an ordinary user is not.
GQ=$BUILD/tests/gatequery
if [ -x "$GQ" ]; then
	t_check "root gets an answer on the query socket" \
	    "$GQ" "$KUNCI_QUERY_SOCKET" lputri sshd host:srv-web1
	out=$(runuser -u nobody -- "$GQ" "$KUNCI_QUERY_SOCKET" lputri sshd \
	    host:srv-web1 2>&1); rc=$?
	t_eq "an ordinary user gets no answer at all" 1 "$rc"
	case "$out" in
	allow*|deny*|unknown*) t_fail "... not even a decision" "$out" ;;
	*) t_ok "... not even a decision" ;;
	esac
else
	t_fail "gatequery is built ($GQ)"
fi
t_done
