#!/bin/bash
# C2 as written (issue 15 item 3): the administrator provides the list, the
# Kasi reviews it and asks the access owners (who are notified), the owners
# attest, the Kasi determines validity (a grant named --invalid goes to
# removal), the administrator updates the list.  Each act is its step's
# role's only, refused before the act it follows, and escalated like a
# request's step when its standard (review.workflow's sla) passes.
. "$(dirname "$0")/review.inc"

rv_setup "
  interval = \"90d\"; unused_after = \"30d\"; deadline = \"14d\";
  reminders = [ ]; on_silence = \"escalate\"; escalate_to = \"kasi-infra\";
  grace = \"1h\"; incompatible = ( ); units = ( ); workflow = \"C2\";"
P=control-panel:webmin
grant RC-1 jwijaya "$P"
grant RC-2 lputri "$P"
C=2032-q1
kc review start --period "$C" >/dev/null
outbox() { find "$W/state/outbox" -name "$1" | wc -l; }
act_count() { ls_ -b "kunciId=$C,ou=reviews,ou=kunci,$KUNCI_BASE" -s one "(kunciId=$1)" 1.1 | grep -c '^dn:'; }
# the campaign's acts `review show --json` offers the caller (the page's buttons)
offered() { kc --as "$1" --json review show "$C" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["actions"]) or "-")'; }

# --- order and roles ------------------------------------------------------------
kcr review steps "$C"
t_eq "review steps: the five C2 steps" 0 "$rc"
t_eq "... five rows after the header" 5 "$(echo "$out" | tail -n +2 | grep -c .)"
t_eq "step 1 (provide) has a deadline from the start" 1 \
    "$(kc --json review steps "$C" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["steps"][0]["deadline"] is not None))')"
kcr --as rwulandari review ask "$C"
t_eq "ask before the list is provided: EX_DATAERR" 65 "$rc"
t_eq "offered first: provide to the administrator, nothing to the Kasi" \
    "provide|-" "$(offered sanggraini)|$(offered rwulandari)"
t_grep "... names the step that comes first" "langkah provide-list harus lebih dahulu" <(echo "$err")
kcr --as rwulandari review provide "$C"
t_eq "C2.2: the Kasi cannot provide the list (EX_NOPERM)" 77 "$rc"
t_grep "... names the role" "memerlukan peran administrator" <(echo "$err")
kcr --as lputri review provide "$C"
t_eq "C2.2: a holder cannot provide the list (EX_NOPERM)" 77 "$rc"
t_eq "refusals wrote no act" 0 "$(act_count 'act-*')"
kcr --as sanggraini review provide "$C" --note "Daftar per hari ini"
t_eq "C2.2: the administrator provides the list" 0 "$rc"
t_eq "offered then: ask to the Kasi, nothing to the administrator" \
    "ask|-" "$(offered rwulandari)|$(offered sanggraini)"
kcr --as fnugroho review provide "$C"
t_eq "... once: a second provide is EX_DATAERR" 65 "$rc"
t_grep "... naming who did it" "dilakukan oleh sanggraini" <(echo "$err")
kcr --as rwulandari review determine "$C"
t_eq "determine before the Kasi's review: EX_DATAERR" 65 "$rc"
kcr --as sanggraini review ask "$C"
t_eq "C2.3: the administrator cannot ask the owners (EX_NOPERM)" 77 "$rc"
kcr --as rwulandari review ask "$C"
t_eq "C2.3: the Kasi reviews and asks the owners" 0 "$rc"
t_eq "no determine offered while grants are pending" "-" "$(offered rwulandari)"
t_grep "... one access owner asked" ": 1$" <(echo "$out")
t_eq "C2.3: the access owner is notified" 1 "$(outbox "review-verify-${C}-1-mfitriani.mail")"

# --- the Kasi's determination -----------------------------------------------------
kcr --as rwulandari review determine "$C"
t_eq "C2.5: determination while grants are pending: EX_DATAERR" 65 "$rc"
t_grep "... says how many" "2 hak akses belum diverifikasi" <(echo "$err")
kc --as mfitriani review attest "$C" RC-1,RC-2 valid --note "Masih bertugas" >/dev/null
t_eq "determine offered to the Kasi once every grant is answered" \
    "determine" "$(offered rwulandari)"
kcr --as mfitriani review determine "$C"
t_eq "C2.5: the access owner cannot determine (EX_NOPERM)" 77 "$rc"
kcr --as rwulandari review determine "$C" --invalid RC-404
t_eq "C2.5: a grant not in the campaign: EX_NOINPUT" 66 "$rc"
t_eq "... and nothing recorded" 0 "$(act_count 'act-3')"
kcr --as rwulandari --lang en review determine "$C" --invalid "RC-2,$(printf 'X%.0s' $(seq 150))"
t_eq "C2.5: a name far longer than any grant id: EX_NOINPUT too" 66 "$rc"
t_grep "... saying it is not in the campaign" "is not in campaign $C" <(echo "$err")
t_eq "... and nothing recorded" 0 "$(act_count 'act-3')"
kcr --as rwulandari review determine "$C" --invalid RC-2 --note "Sudah mutasi"
t_eq "C2.5: the Kasi determines validity" 0 "$rc"
t_eq "update-list offered to the administrator, nothing to the Kasi" \
    "update-list|-" "$(offered sanggraini)|$(offered rwulandari)"
t_eq "C2.5: the grant determined not valid goes to removal (C3)" 1 \
    "$(ls_ -b "ou=requests,ou=kunci,$KUNCI_BASE" -s one '(&(kunciAccessType=removal)(kunciGrantRef=RC-2))' 1.1 | grep -c '^dn:')"
t_eq "... the other does not" 0 \
    "$(ls_ -b "ou=requests,ou=kunci,$KUNCI_BASE" -s one '(&(kunciAccessType=removal)(kunciGrantRef=RC-1))' 1.1 | grep -c '^dn:')"

# --- the administrator's update --------------------------------------------------
kcr --as rwulandari review update-list "$C"
t_eq "C2.6: the Kasi cannot update the list (EX_NOPERM)" 77 "$rc"
kcr --as sanggraini review update-list "$C"
t_eq "C2.6: the administrator updates the list" 0 "$rc"
t_eq "nothing offered once every act is done" "-" "$(offered sanggraini)"
t_eq "every act recorded once" "1 1 1 1" "$(act_count act-0) $(act_count act-1) $(act_count act-3) $(act_count act-4)"
t_eq "review steps --json names each actor" "sanggraini rwulandari None rwulandari sanggraini" \
    "$(kc --json review steps "$C" | python3 -c 'import json,sys; print(" ".join(str(s["actor"]) for s in json.load(sys.stdin)["steps"]))')"
wait_audit "event=review.act campaign=$C .*step=update-list" || :
t_eq "audited: four acts" 4 "$(audit_count "event=review.act campaign=$C ")"
t_eq "audited: the refusals" 5 "$(audit_count "event=review.refused campaign=$C ")"

# --- a late act is escalated once ------------------------------------------------
C2=2032-q2
kc review start --period "$C2" >/dev/null
lm >/dev/null <<EOT
dn: kunciId=$C2,ou=reviews,ou=kunci,$KUNCI_BASE
changetype: modify
replace: kunciCreated
kunciCreated: $(gt_ago $((10 * DAY)))
EOT
t_check "the late provide-list step is escalated" wait_audit "event=review.escalate campaign=$C2 step=provide-list" 300
t_check "... the administrators are told it is overdue" wait_for 100 \
    eval '[ "$(outbox "review-overdue-${C2}-0-sanggraini.mail")" = 1 ]'
t_check "... and the Kasi (the role it escalates to)" wait_for 100 \
    eval '[ "$(outbox "review-escalate-${C2}-0-rwulandari.mail")" = 1 ]'
t_grep "review steps marks it late" "terlambat" <(kc --lang id review steps "$C2")
wait_passes 6 || :
t_eq "escalated exactly once" 1 "$(audit_count "event=review.escalate campaign=$C2 ")"
t_done
