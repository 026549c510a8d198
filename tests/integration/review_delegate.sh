#!/bin/bash
# An acting official (Plt./Plh., issue 16) attests an escalated review:
# findings left unanswered escalate to review.escalate_to (the Kasi Infra);
# while the Kasi's delegation is in force their Plt. attests them, audited
# with both names (delegation.act), but never the Kasi's own grant; before
# the delegation the same person is refused.  The access owner is not
# delegable (kuncictl delegate refuses it, saying why).
. "$(dirname "$0")/review.inc"

rv_setup "
  interval = \"90d\"; unused_after = \"30d\"; deadline = \"14d\";
  reminders = [ ]; on_silence = \"escalate\"; escalate_to = \"kasi-infra\";
  grace = \"1h\"; incompatible = ( ); units = ( );"
P=control-panel:webmin
C=2034-q1
grant RG-1 jwijaya "$P"
grant RG-2 lputri "$P"
grant RG-3 rwulandari "$P"
kc review start --period "$C" >/dev/null
lm >/dev/null <<LDIF
dn: kunciId=$C,ou=reviews,ou=kunci,$KUNCI_BASE
changetype: modify
replace: kunciDeadline
kunciDeadline: $(gt_ago 60)
LDIF
t_check "the unanswered findings escalate to the Kasi Infra" \
    wait_audit "event=review.escalate campaign=$C actor=kuncid to=kasi-infra count=3" 100
t_eq "... all three" "escalated escalated escalated" \
    "$(for g in RG-1 RG-2 RG-3; do decision "$C" $g; done | paste -sd' ')"

kcr --as bkurniawan review attest "$C" RG-1 valid --note "masih bertugas"
t_eq "before the delegation the Kasi SD TIK is refused (77)" 77 "$rc"
kcr --as rwulandari delegate create --to bkurniawan --role kasi-infra \
    --until "$(date -d '+3 days' +%F)" --reason "Dinas luar"
t_eq "the Kasi Infra names a Plt." 0 "$rc"
did=$(kc --as bkurniawan --json delegate list | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
kcr --as bkurniawan review attest "$C" RG-1 valid --note "masih bertugas"
t_eq "the Plt. attests an escalated finding" "0 valid" "$rc $(decision "$C" RG-1)"
t_check "audited with both names and the delegation" wait_audit \
    "event=delegation.act delegation=$did actor=bkurniawan for=rwulandari role=kasi-infra campaign=$C grant=RG-1"
kcr --as bkurniawan --lang en review attest "$C" RG-3 valid --note "masih bertugas"
t_eq "the Plt. cannot attest the Kasi's own grant (77)" "77 escalated" "$rc $(decision "$C" RG-3)"
t_grep "... saying whose" "as acting official for rwulandari you cannot attest rwulandari's own grant \(RG-3\)" <(echo "$err")
kcr --as bkurniawan review attest "$C" RG-2,RG-3 invalid --note "x"
t_eq "... nor in a bulk attestation, which changes nothing (77)" "77 escalated" "$rc $(decision "$C" RG-2)"
kcr --as rwulandari review attest "$C" RG-3 valid --note "masih bertugas"
t_eq "... the official's own grant is not hers either (77)" 77 "$rc"
kcr --as rwulandari delegate end "$did"
kcr --as bkurniawan review attest "$C" RG-2 valid --note "masih bertugas"
t_eq "after the delegation ended the Plt. is refused (77)" "77 escalated" "$rc $(decision "$C" RG-2)"

# The access owner attests what they know: not delegable, said why.
kcr --as mfitriani --lang en delegate create --to jwijaya --role access-owner-of-resource --until "$(date -d '+3 days' +%F)"
t_eq "delegate: the access owner is refused (65)" 65 "$rc"
t_grep "... naming where its findings go" "an access owner cannot be delegated: .*review.escalate_to" <(echo "$err")
kcr --as mfitriani delegate create --to jwijaya --role access-owner-of-resource --until "$(date -d '+3 days' +%F)"
t_grep "... in Indonesian" "penanggung jawab hak akses tidak dapat didelegasikan" <(echo "$err")
t_done
