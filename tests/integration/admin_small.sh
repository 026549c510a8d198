#!/bin/bash
# The small admin-plane items of issue 13 (item 7):
#  - `request approve ID --serial/--account` tells a caller who may not act
#    neither that the request exists nor what it yields;
#  - `kuncictl check` is a dry run: no kunciLastUsed, audited as
#    login.check by the admin who ran it, never as a login.allow;
#  - requests.max_reason is bounded by what one request word carries
#    (8192 bytes): 65536 is refused by kuncid -t, a reason of 8192 bytes
#    is stored whole, a longer one refused with its option named;
#  - (item 1) a command's LDAP time is bounded by admin_command_timeout
#    when the directory hangs;
#  - kuncid killed while it runs an approval: kuncictl says the command
#    may have been carried out (exit 74, not 69), and a retry after the
#    restart never counts the act twice.
set -u
. "$(dirname "$0")/workflow.inc"
[ "$(id -u)" -eq 0 ] || t_skip "needs root to run as nobody"
command -v setpriv >/dev/null 2>&1 || t_skip "no setpriv"
id nobody >/dev/null 2>&1 || t_skip "no user nobody"
GQ=$BUILD/tests/gatequery
[ -x "$GQ" ] || t_skip "build $GQ first"

CONF=$(mktemp "${TMPDIR:-/tmp}/kunci-small.XXXXXX")
sed -e 's|^\([[:space:]]*max_reason[[:space:]]*=\).*|\1 8192;|' \
    -e 's|^\([[:space:]]*admin_command_timeout[[:space:]]*=\).*|\1 "2s";|' \
    "$KUNCI_TOP/conf/kunci.conf" >"$CONF"
chmod 644 "$CONF"
wf_setup --config "$CONF"
NOGROUP=$(id -gn nobody)
asnobody() { setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups -- "$@"; }

# --- requests.max_reason and the frame --------------------------------
sed -e 's|^\([[:space:]]*max_reason[[:space:]]*=\).*|\1 65536;|' \
    "$W/kunci.conf" >"$W/big.conf"
out=$("$KUNCID" -t -c "$W/big.conf" 2>&1); rc=$?
t_eq "max_reason = 65536 is refused by kuncid -t (EX_CONFIG)" 78 "$rc"
t_grep "... naming the bound" 'max_reason.*8192' <(echo "$out")
t_eq "... in one line" 1 "$(printf '%s\n' "$out" | wc -l)"
sed -e 's|^\([[:space:]]*max_reason[[:space:]]*=\).*|\1 8192;|' \
    "$W/kunci.conf" >"$W/ok.conf"
t_check "max_reason = 8192 is accepted" "$KUNCID" -t -c "$W/ok.conf"
rm -f "$CONF" "$W/big.conf" "$W/ok.conf"

long=$(head -c 8192 /dev/zero | tr '\0' r)
id8=$(REASON=$long submit lputri server-room:dc1)
t_check "a reason of 8192 bytes is accepted ($id8)" test -n "$id8"
n=$(kc --json request show "$id8" | python3 -c \
    'import json,sys; print(len(json.load(sys.stdin)["reason"]))')
t_eq "... and stored whole" 8192 "$n"
kcr --as lputri --lang en request submit --resource server-room:dc1 --type card \
    --reason "${long}r"
t_eq "a reason of 8193 bytes is refused (EX_USAGE)" 64 "$rc"
t_grep "... naming --reason and the bound" '^kuncictl: --reason: too long: 8193 bytes, at most 8192$' <(echo "$err")

# --- approve --serial/--account before any permission check -----------
rid=$(submit lputri server-room:dc1)
t_check "a card request to act on ($rid)" test -n "$rid"
a=$(asnobody "$KUNCICTL" request approve "$rid" --account x 2>&1); ra=$?
b=$(asnobody "$KUNCICTL" request approve 2026-999999 --account x 2>&1); rb=$?
t_eq "nobody: an existing request answers like a missing one (status)" "$rb" "$ra"
t_eq "... (message, id aside)" "$(echo "$b" | sed 's/2026-999999/ID/')" \
    "$(echo "$a" | sed "s/$rid/ID/")"
case "$a" in
*card*|*account:*|*yields*) t_fail "... and says nothing of its kind" "$a" ;;
*) t_ok "... and says nothing of its kind" ;;
esac
kcr --as hsantoso request approve "$rid" --account x
case "$err" in
*yields*) t_fail "a person who may not act learns nothing of its kind" "$err" ;;
*) t_ok "a person who may not act learns nothing of its kind" ;;
esac
t_eq "... and is refused as without --account (EX_NOPERM)" 77 "$rc"
t_eq "nothing moved" superior "$(field "$rid" step)"

# --- kuncictl check is a dry run -------------------------------------
gadd()
{
	la >/dev/null <<EOT
dn: kunciId=$1,ou=grants,ou=kunci,$KUNCI_BASE
objectClass: kunciGrant
kunciId: $1
kunciSubject: $2
kunciResource: host:srv-web1
kunciStatus: active
kunciNotBefore: $(now_gt -3600)
kunciNotAfter: $(now_gt 86400)
EOT
}
lastused() {
	ls_ -b "kunciId=$1,ou=grants,ou=kunci,$KUNCI_BASE" -s base kunciLastUsed |
	    sed -n 's/^kunciLastUsed: //p'
}
gadd 2026-chk-001 lputri
gadd 2026-chk-002 hsantoso
for _ in $(seq 50); do
	kc check hsantoso host:srv-web1 >/dev/null 2>&1 &&
	    kc check lputri host:srv-web1 >/dev/null 2>&1 && break
	sleep 0.1
done
: >"$W/audit.log"
kcr check lputri host:srv-web1 --service sshd
t_eq "check: an active grant is allowed" 0 "$rc"
t_check "check is audited as login.check by the admin who ran it" \
    wait_audit 'event=login\.check actor=root .*user=lputri .*decision=allow'
# A real login after it: its last-use write follows the check's, if any.
t_check "a real login of hsantoso is allowed (query socket)" \
    "$GQ" "$KUNCI_QUERY_SOCKET" hsantoso sshd host:srv-web1
for _ in $(seq 100); do
	[ -n "$(lastused 2026-chk-002)" ] && break
	sleep 0.1
done
t_check "the real login's kunciLastUsed is written" test -n "$(lastused 2026-chk-002)"
t_eq "the check wrote no kunciLastUsed" "" "$(lastused 2026-chk-001)"
t_eq "the check made no login.allow record" 0 \
    "$(audit_count 'event=login\.allow user=lputri ')"

# --- kuncid killed mid-approval ----------------------------------------
rid2=$(submit lputri server-room:dc1)
mgr=superior
t_eq "a second request waits for the superior" "$mgr" "$(field "$rid2" step)"
sup=$(kc --json request show "$rid2" | python3 -c \
    'import json,sys; print([s["who"] for s in json.load(sys.stdin)["steps"] if s.get("who")][0])')
SLAPD_PID=$(cat "$W/slapd.pid")
trap 'kill -CONT $SLAPD_PID 2>/dev/null; wf_cleanup' EXIT
kill -STOP "$SLAPD_PID"
"$KUNCICTL" --as "$sup" --lang en request approve "$rid2" >"$W/ap.out" 2>"$W/ap.err" &
AP=$!
# kuncid has sent its LDAP request when slapd's socket holds unread bytes.
queued=no
for _ in $(seq 30); do
	if ss -xn | awk -v p="$W/ldapi" '$5 == p && $3 > 0 { f = 1 } END { exit !f }'; then
		queued=yes
		break
	fi
	sleep 0.1
done
t_eq "the approval is under way in kuncid (slapd stopped)" yes "$queued"
kd_kill
wait $AP
rc=$?
kill -CONT "$SLAPD_PID"
trap wf_cleanup EXIT
t_eq "kuncictl: kuncid went away mid-command: exit 74, not 69" 74 "$rc"
t_grep "... saying the command may have been carried out" \
    'went away before answering.*may have been carried out' "$W/ap.err"
kd_start
kcr --as "$sup" request approve "$rid2"
first=$rc
kcr --as "$sup" --lang en request approve "$rid2"
t_check "a retry after the restart is refused, not counted again" test "$rc" -ne 0
t_grep "... saying it was decided already" \
    "already decided step [a-z-]* of this request \\(approve, " <(echo "$err")
n=$(ls_ -b "kunciId=$rid2,ou=requests,ou=kunci,$KUNCI_BASE" -s one \
    "(&(kunciId=step-0-*)(kunciActor=$sup))" kunciId | grep -c '^kunciId:')
t_eq "... one act of $sup on the step in all (first retry: $first)" 1 "$n"

# --- a hung directory: the command's LDAP time is bounded (2 s here) ----
kc request list >/dev/null
SLAPD_PID=$(cat "$W/slapd.pid")
trap 'kill -CONT $SLAPD_PID 2>/dev/null; wf_cleanup' EXIT
kill -STOP "$SLAPD_PID"
t0=$(date +%s%N)
kcr request list
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
kill -CONT "$SLAPD_PID"
trap wf_cleanup EXIT
t_eq "slapd hung: request list fails unavailable (69)" 69 "$rc"
t_check "... within admin_command_timeout and one wait ($ms ms < 4500)" \
    test "$ms" -lt 4500
for _ in $(seq 100); do kc status >/dev/null 2>&1 && break; sleep 0.1; done
t_check "... and works again once slapd answers" kc request list
t_done
