#!/bin/bash
# A grant whose revocation keeps failing during the real run of
# on_silence = "remove" (issue 18): the sweep goes on past it (its mark
# stays), the place says "swept" and when it was last retried, the
# campaign stays open, and once the failure is gone a retry (at most
# every 60 s from the scheduler, at once from `review enforce`) finishes
# it: found by one search for marked grants, not by walking the findings
# again.  The failure: an ACL that lets kuncid read but not write the
# grant's status.
. "$(dirname "$0")/review.inc"

rv_setup "
  interval = \"90d\"; unused_after = \"30d\"; deadline = \"14d\";
  reminders = [ ]; on_silence = \"remove\"; escalate_to = \"kasi-infra\";
  grace = \"1h\"; enforce_batch = 5; incompatible = ( ); units = ( );"
P=control-panel:webmin
C=2033-q1
GB="ou=grants,ou=kunci,$KUNCI_BASE"
CDN="kunciId=$C,ou=reviews,ou=kunci,$KUNCI_BASE"
for i in $(seq -w 1 20); do
	grant "RT-$i" jwijaya "$P" "kunciLastUsed=$(gt_ago $((60 * DAY)))"
done
grant RT-KEEP lputri "$P"	# attested: the resource keeps a holder
kc review start --period "$C" >/dev/null
kc --as mfitriani review attest "$C" RT-KEEP valid --note "masih dipakai" >/dev/null
# kuncid may read RT-07's status, not write it
DB="olcDatabase={1}mdb,cn=config"
acl="to dn.base=\"kunciId=RT-07,$GB\" attrs=kunciStatus by dn.exact=\"$KUNCI_BIND_DN\" read by * break"
printf 'dn: %s\nchangetype: modify\nadd: olcAccess\nolcAccess: {0}%s\n' "$DB" "$acl" | lm >/dev/null
t_check "the ACL is in place" sh -c "ldapsearch -Q -Y EXTERNAL -H '$LDAPI_URI' -LLL -o ldif-wrap=no -b '$DB' -s base olcAccess | grep -q 'RT-07'"
lm >/dev/null <<LDIF
dn: $CDN
changetype: modify
replace: kunciDeadline
kunciDeadline: $(gt_ago 60)
LDIF
kc review enforce "$C" --dry-run >/dev/null
lm >/dev/null <<LDIF
dn: kunciId=preview,$CDN
changetype: modify
replace: kunciTime
kunciTime: $(gt_ago 7200)
LDIF
notes() { ls_ -b "kunciId=enforce,$CDN" -s base kunciNote | sed -n 's/^kunciNote: //p' | sort | paste -sd' '; }
swept() { notes | grep -q '^retried:[0-9]* swept$'; }
t_check "the sweep goes past the failing grant: swept, retry time kept" wait_for 600 swept
revoked() { ls_ -b "$GB" '(&(kunciId=RT-*)(kunciStatus=revoked))' 1.1 | grep -c '^dn:'; }
t_eq "every other grant revoked" 19 "$(revoked)"
t_eq "... the failing one keeps its mark, the campaign stays open" "revoking open" \
    "$(ls_ -b "kunciId=RT-07,$CDN" -s base kunciFinding | sed -n 's/^kunciFinding: //p') $(ls_ -b "$CDN" -s base kunciState | sed -n 's/^kunciState: //p')"
t_grep "... kuncid says why" "review $C: revoking RT-07" "$W/kuncid.log"
kcr review enforce "$C"
t_eq "review enforce while it fails: EX_TEMPFAIL" 75 "$rc"
t_grep "... says how many" "1 hak akses pada $C belum dapat dicabut" <(echo "$err")
kcr review show "$C"
t_grep "review show: every page done, the failed retried" "^Pencabutan: *berjalan sejak .*, semua halaman selesai" <(echo "$out")
# the failure goes away: the scheduler's next retry (within 60 s) finishes
printf 'dn: %s\nchangetype: modify\ndelete: olcAccess\nolcAccess: {0}\n' "$DB" | lm >/dev/null
state() { ls_ -b "$CDN" -s base kunciState | sed -n 's/^kunciState: //p'; }
t_wait_eq "the scheduler retries it and the campaign closes" closed 900 state
t_eq "... RT-07 revoked, its mark gone" "20 0" \
    "$(revoked) $(ls_ -b "$CDN" -s one '(|(kunciFinding=revoking)(kunciFinding=recording))' 1.1 | grep -c '^dn:')"
t_check "... its review.remove written" wait_audit "event=review.remove campaign=$C grant=RT-07 " 50
t_done
