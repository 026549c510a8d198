#!/bin/bash
# The real run of on_silence = "remove" is a slice per scheduler pass
# (issue 18): with review.enforce_batch = 10, the scheduler's other work
# goes on while 200 grants are removed: a grant past its end, added once
# the removal is under way, is expired before the removal ends (before,
# the whole removal ran in one pass and every other tick waited for it).
# `review show` says where the removal is; a door's allow list drops the
# revoked cards (rewritten once per slice, not per card).  Every grant is removed once,
# with one review.remove and one C3 record, and the campaign closes; the
# place is kept on the campaign's "enforce" event ("swept" at the end).
. "$(dirname "$0")/review.inc"

rv_setup "
  interval = \"90d\"; unused_after = \"30d\"; deadline = \"14d\";
  reminders = [ ]; on_silence = \"remove\"; escalate_to = \"kasi-infra\";
  grace = \"1h\"; enforce_batch = 10; incompatible = ( ); units = ( );"
P=control-panel:webmin
N=200
R=$((N - 1))	# the last holder of the (critical) resource is kept
C=2033-q1
GB="ou=grants,ou=kunci,$KUNCI_BASE"
CDN="kunciId=$C,ou=reviews,ou=kunci,$KUNCI_BASE"
python3 - "$N" "$KUNCI_BASE" "$P" "$(gt_ago $((60 * DAY)))" "$(gt_ago $((5 * DAY)))" \
    "$(gt_ago $((-100 * DAY)))" <<'PY' | la >/dev/null
import sys
n, base, res, old, rev, until = sys.argv[1:]
for i in range(int(n)):
    print(f"dn: kunciId=RB-{i:04d},ou=grants,ou=kunci,{base}")
    print("objectClass: kunciGrant")
    print(f"kunciId: RB-{i:04d}")
    print("kunciSubject: jwijaya")
    print(f"kunciResource: {res}")
    print("kunciStatus: active")
    print("kunciAccessType: account")
    print(f"kunciCreated: {old}")
    print(f"kunciNotBefore: {old}")
    print(f"kunciNotAfter: {until}")
    print(f"kunciLastReviewed: {rev}")
    print()
PY
# three card grants on a door: the run revokes two (the last holder of
# the critical door is kept) and the door's allow list is rewritten once
# per slice, not per card: at the end it lists the kept card only
DOOR=server-room:dc2
for i in 1 2 3; do
	la >/dev/null <<LDIF
dn: kunciId=KB-$i,ou=cards,ou=kunci,$KUNCI_BASE
objectClass: kunciCard
kunciId: KB-$i
kunciCardSerial: KB-$i
kunciHolder: jwijaya
kunciStatus: active
kunciResource: $DOOR

LDIF
	grant "RC-$i" jwijaya "$DOOR" kunciAccessType=card "kunciCredential=KB-$i"
done
kc review start --period "$C" >/dev/null
lm >/dev/null <<LDIF
dn: $CDN
changetype: modify
replace: kunciDeadline
kunciDeadline: $(gt_ago 60)
LDIF
kcr review enforce "$C" --dry-run --limit 1
t_eq "the dry run records the preview" 0 "$rc"
kcr review show "$C"
t_eq "review show before the removal: no removal line" 0 \
    "$(echo "$out" | grep -c '^Pencabutan')"
# the grace passes
lm >/dev/null <<LDIF
dn: kunciId=preview,$CDN
changetype: modify
replace: kunciTime
kunciTime: $(gt_ago 7200)
LDIF
t_check "the scheduler starts the removal" wait_audit "event=review.remove campaign=$C " 300

kcr review show "$C"
t_grep "review show: the removal under way, and where" \
    "^Pencabutan: *berjalan sejak .*, halaman temuan 1 dari 1" <(echo "$out")
kcr --json review show "$C" --limit 1
t_eq "... --json: not swept yet, on page 0 of 1" "False 0 1" \
    "$(echo "$out" | python3 -c 'import json,sys; r=json.load(sys.stdin)["removal"]; print(r["swept"], r["page"], r["pages"])')"

# a grant past its end while the removal runs: the scheduler expires it
grant RB-END lputri server-room:dc1 "kunciNotAfter=$(gt_ago 1)"
t_check "a grant past its end is expired while the removal is under way" \
    wait_audit "event=grant.expire grant=RB-END " 300
before=$(sed -n "1,/event=grant.expire grant=RB-END /p" "$W/audit.log" |
    grep -c "event=review.remove campaign=$C ")
t_check "... before the removal ended ($before of $R removed by then)" \
    test "$before" -lt "$R"

state() { ls_ -b "$CDN" -s base kunciState | sed -n 's/^kunciState: //p'; }
t_wait_eq "the campaign closes when every grant is removed" closed 1200 state
revoked() { ls_ -b "$GB" '(&(kunciId=RB-0*)(kunciStatus=revoked))' 1.1 | grep -c '^dn:'; }
t_eq "every grant revoked but the last holder" "$R" "$(revoked)"
t_eq "... each decided removed, none left marked" "$R 0" \
    "$(ls_ -b "$CDN" -s one '(&(kunciId=RB-*)(kunciDecision=removed))' 1.1 | grep -c '^dn:') $(ls_ -b "$CDN" -s one '(|(kunciFinding=revoking)(kunciFinding=recording))' 1.1 | grep -c '^dn:')"
wait_audit "event=review.close campaign=$C " 50
ids=$(grep -oE "event=review.remove campaign=$C grant=RB-[0-9]+ " "$W/audit.log" |
    grep -oE 'RB-[0-9]+')
t_eq "one review.remove per grant" "$R $R" \
    "$(echo "$ids" | grep -c .) $(echo "$ids" | sort -u | grep -c .)"
t_eq "one C3 record per grant, noted on its decision" "$R $R" \
    "$(ls_ -b "ou=requests,ou=kunci,$KUNCI_BASE" "(&(kunciAccessType=removal)(kunciGrantRef=RB-0*))" 1.1 | grep -c '^dn:') $(ls_ -b "$CDN" -s one '(&(kunciId=RB-*)(kunciNote=removal *))' 1.1 | grep -c '^dn:')"
kept=$(ls_ -b "$GB" '(&(kunciId=RC-*)(kunciStatus=active))' kunciCredential | sed -n 's/^kunciCredential: //p' | paste -sd' ')
AL="$W/state/allowlists/$(echo "$DOOR" | tr -c 'A-Za-z0-9._\n-' '_').list"
t_eq "two of the three card grants revoked" 1 "$(echo "$kept" | wc -w)"
t_wait_eq "the door's allow list: the kept card only" "$kept" 100 \
    sh -c "sed -n 's/^card \([^ ]*\) .*/\1/p' '$AL' 2>/dev/null | paste -sd' '"
t_eq "the place: swept" "swept" \
    "$(ls_ -b "kunciId=enforce,$CDN" -s base kunciNote | sed -n 's/^kunciNote: //p' | paste -sd' ')"
kcr review show "$C"
t_grep "review show after: the removal done" "^Pencabutan: *selesai, sejak" \
    <(echo "$out")
t_done
