#!/bin/bash
# Service standards with tiny values: a step becomes overdue, escalates to
# its role's escalation target exactly once (even with two kuncid hosts
# watching), and a pending request expires.  Uses a copy of the shipped
# configuration with procedure D's standards cut to seconds.
. "$(dirname "$0")/workflow.inc"

conf=$(mktemp)
sed -e '/^  D = {/,/^  };/{s/sla = "[0-9]*m"/sla = "2s"/;s/expire_after = "1d"/expire_after = "8s"/}' \
    "$KUNCI_TOP/conf/kunci.conf" >"$conf"
grep -q 'expire_after = "8s"' "$conf" || t_skip "could not shorten procedure D in conf/kunci.conf"
wf_setup --config "$conf"
rm -f "$conf"

C2=$W/kunci2.conf
sed -e "s|$W/run/admin.sock|$W/run/admin2.sock|" \
    -e "s|$W/run/query.sock|$W/run/query2.sock|" \
    -e "s|state_dir = \"$W/state\"|state_dir = \"$W/state2\"|" "$KUNCI_CONF" >"$C2"
mkdir -p "$W/state2"
kd_start "$C2" kuncid2 || t_done

id=$(submit lputri server-room:dc2)
t_eq "sla: D submitted, waiting on the Kadis" "kadis-disposition" "$(field "$id" step)"
t_eq "sla: not overdue at first" "False" "$(field "$id" overdue)"
id2=$(submit lputri server-room:dc2)
walk "$id2" hsantoso
overdue_listed() { kc request list --overdue | grep -q "^$1 "; }
t_check "sla: list --overdue shows the request" wait_for 100 overdue_listed "$id"
t_eq "sla: show says overdue" "True" "$(field "$id" overdue)"
wait_audit "event=request.escalate request=$id " 50
# both agents have looked again: a second escalation would be there now
both_pass() { wait_passes 2 && KUNCI_SOCKET=$W/run/admin2.sock wait_passes 2; }
both_pass
t_eq "sla: escalated exactly once (two agents)" 1 "$(audit_count "event=request.escalate request=$id ")"
# The second request's step fell due later: its escalation may come one
# scheduler pass (2 s) after the first one's.
wait_audit "event=request.escalate request=$id2 " 50
t_grep "sla: escalation of the Kabid step goes to the Kadis" \
    "event=request.escalate request=$id2 .*step=kabid-disposition role=kabid-aptika to=kadis" "$W/audit.log"
t_eq "sla: the escalation is an event entry" 1 \
    "$(ls_ -b "kunciId=$id,ou=requests,ou=kunci,$KUNCI_BASE" -s one '(kunciId=escalate-0)' 1.1 | grep -c '^dn:')"
for _ in $(seq 60); do
	[ "$(field "$id" state)" = expired ] && break
	sleep 0.2
done
t_eq "sla: the pending request expired" "expired" "$(field "$id" state)"
wait_audit "event=request.expire request=$id " 30
both_pass
t_eq "sla: expiry audited exactly once" 1 "$(audit_count "event=request.expire request=$id ")"
kcr --as hsantoso request approve "$id"
t_eq "sla: an expired request cannot be acted on" 65 "$rc"
t_eq "sla: not listed as overdue any more" 0 "$(kc request list --overdue | grep -c "^$id ")"
t_done
