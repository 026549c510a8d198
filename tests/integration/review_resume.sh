#!/bin/bash
# The real run of on_silence = "remove" survives an interruption (issue
# 18): kuncid is killed (SIGKILL) in the middle of the scheduler's run over
# 300 unanswered grants, started again, and its scheduler takes the run up
# again: every grant is revoked exactly once, none is left claimed, and the
# campaign closes.  No grant.revoke or review.remove record is written
# twice; each grant has one, but for the one or two records kuncid still
# held in its audit queue when killed (grants revoked before the kill).
# A grant left claimed but not revoked (the state a crash between the
# claim and the revocation leaves) is finished, not skipped; one revoked
# but not recorded (a crash before its C3 record) gets its C3 record and
# its review.remove (written before the mark is deleted, so a crash
# between them writes review.remove again rather than lose it).  The dry run
# is paged (--offset/--limit) and says how many rows of how many.
. "$(dirname "$0")/review.inc"

rv_setup "
  interval = \"90d\"; unused_after = \"30d\"; deadline = \"14d\";
  reminders = [ ]; on_silence = \"remove\"; escalate_to = \"kasi-infra\";
  grace = \"1h\"; incompatible = ( ); units = ( );"
P=control-panel:webmin
N=300
C=2033-q1
GB="ou=grants,ou=kunci,$KUNCI_BASE"
CDN="kunciId=$C,ou=reviews,ou=kunci,$KUNCI_BASE"
seed_grants RR "$N" "$P"
kc review start --period "$C" >/dev/null
kcr --as mfitriani review attest "$C" RR-0001 valid --note "masih dipakai"
t_eq "one grant attested" 0 "$rc"
lm >/dev/null <<LDIF
dn: $CDN
changetype: modify
replace: kunciDeadline
kunciDeadline: $(gt_ago 60)
LDIF

# --- the dry run, paged ----------------------------------------------------
kcr --json review enforce "$C" --dry-run --limit 120
t_eq "the dry run" 0 "$rc"
t_eq "... 299 unanswered, all to remove, 120 rows, next at 120" "299 299 0 120 120 179" \
    "$(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], d["remove"], d["spare"], len(d["plan"]), d["next_offset"], d["more"])')"
ids=$(echo "$out" | python3 -c 'import json,sys; print("\n".join(p["grant"] for p in json.load(sys.stdin)["plan"]))')
for off in 120 240; do
	kcr --json review enforce "$C" --dry-run --limit 120 --offset $off
	ids="$ids
$(echo "$out" | python3 -c 'import json,sys; print("\n".join(p["grant"] for p in json.load(sys.stdin)["plan"]))')"
done
t_eq "... the pages give every unanswered grant once" "299 299 0" \
    "$(echo "$ids" | grep -c . ) $(echo "$ids" | sort -u | grep -c .) $(echo "$ids" | grep -c '^RR-0001$')"
t_eq "... the last page says there is no next" "null" \
    "$(echo "$out" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["next_offset"]))')"
kcr --lang id review enforce "$C" --dry-run --limit 2 --offset 10
t_grep "... the text says which rows of how many" "^baris 11-12 dari 299; 287 lagi: --offset 12" <(echo "$out")
kcr review enforce "$C" --dry-run --limit 0
t_eq "... --limit 0: EX_USAGE" 64 "$rc"
kcr review enforce "$C" --offset 5
t_eq "... --offset without --dry-run: EX_USAGE" 64 "$rc"
t_eq "the preview: recorded once, without a value per grant" "1 0" \
    "$(audit_count "event=review.preview campaign=$C .*remove=299") $(ls_ -b "kunciId=preview,$CDN" -s base kunciNote | grep -c '^kunciNote:')"

# a grant a crashed run claimed but did not revoke: it must be finished
la >/dev/null <<LDIF
dn: kunciId=RR-0007,$CDN
objectClass: kunciReviewFinding
kunciId: RR-0007
kunciGrantRef: RR-0007
kunciDecision: removed
kunciActor: kuncid
kunciTime: $(gt_ago 30)
kunciNote: not attested by the deadline
kunciFinding: revoking
LDIF

# a grant a crashed run revoked but did not record (its C3 record and
# review.remove are written before its mark goes): they must be written
lm >/dev/null <<LDIF
dn: kunciId=RR-0008,$GB
changetype: modify
replace: kunciStatus
kunciStatus: revoked
LDIF
la >/dev/null <<LDIF
dn: kunciId=RR-0008,$CDN
objectClass: kunciReviewFinding
kunciId: RR-0008
kunciGrantRef: RR-0008
kunciDecision: removed
kunciActor: kuncid
kunciTime: $(gt_ago 30)
kunciNote: not attested by the deadline
kunciFinding: recording
LDIF

# a grant another run is recording (its claim 30 s old): left to it for
# the claim's 60 s, then taken over and recorded once
lm >/dev/null <<LDIF
dn: kunciId=RR-0009,$GB
changetype: modify
replace: kunciStatus
kunciStatus: revoked
LDIF
T9=$(($(date +%s) - 30))
la >/dev/null <<LDIF
dn: kunciId=RR-0009,$CDN
objectClass: kunciReviewFinding
kunciId: RR-0009
kunciGrantRef: RR-0009
kunciDecision: removed
kunciActor: kuncid
kunciTime: $(gt_ago 30)
kunciNote: not attested by the deadline
kunciFinding: recording:$T9
LDIF

# --- the real run, killed in the middle --------------------------------------
lm >/dev/null <<LDIF
dn: kunciId=preview,$CDN
changetype: modify
replace: kunciTime
kunciTime: $(gt_ago 7200)
LDIF
revoked() { ls_ -b "$GB" '(&(kunciId=RR-*)(kunciStatus=revoked))' 1.1 | grep -c '^dn:'; }
for _ in $(seq 600); do
	[ "$(revoked)" -ge 40 ] && break
	sleep 0.1
done
kd_kill
r1=$(revoked)
ls_ -b "$GB" '(&(kunciId=RR-*)(kunciStatus=revoked))' kunciId | sed -n 's/^kunciId: //p' | sort >"$W/before-kill"
t_check "kuncid killed during the run (40 < $r1 revoked < 299)" test "$r1" -ge 40 -a "$r1" -lt 299
t_eq "... the campaign is still open" open "$(ls_ -b "$CDN" -s base kunciState | sed -n 's/^kunciState: //p')"
kd_start || t_done
for _ in $(seq 1800); do
	[ "$(ls_ -b "$CDN" -s base kunciState | sed -n 's/^kunciState: //p')" = closed ] && break
	sleep 0.2
done
t_eq "restarted, the scheduler takes the run up and closes the campaign" closed \
    "$(ls_ -b "$CDN" -s base kunciState | sed -n 's/^kunciState: //p')"
t_eq "every unanswered grant revoked, the attested one kept" "299 active" \
    "$(revoked) $(ls_ -b "$GB" '(kunciId=RR-0001)' kunciStatus | sed -n 's/^kunciStatus: //p')"
t_eq "... the claimed one too" revoked "$(ls_ -b "$GB" '(kunciId=RR-0007)' kunciStatus | sed -n 's/^kunciStatus: //p')"
t_eq "... each decided removed, none left claimed" "299 0" \
    "$(ls_ -b "$CDN" -s one '(kunciDecision=removed)' 1.1 | grep -c '^dn:') $(ls_ -b "$CDN" -s one '(|(kunciFinding=revoking)(kunciFinding=recording*))' 1.1 | grep -c '^dn:')"
t_eq "the one revoked but not recorded: its C3 record written, and noted" "1 1" \
    "$(ls_ -b "ou=requests,ou=kunci,$KUNCI_BASE" '(&(kunciAccessType=removal)(kunciGrantRef=RR-0008))' 1.1 | grep -c '^dn:') $(ls_ -b "kunciId=RR-0008,$CDN" -s base '(kunciNote=removal *)' 1.1 | grep -c '^dn:')"
wait_audit "event=review.close campaign=$C " 50
t_eq "the one another run was recording: its C3 record written once, and noted" "1 1" \
    "$(ls_ -b "ou=requests,ou=kunci,$KUNCI_BASE" '(&(kunciAccessType=removal)(kunciGrantRef=RR-0009))' 1.1 | grep -c '^dn:') $(ls_ -b "kunciId=RR-0009,$CDN" -s base '(kunciNote=removal *)' 1.1 | grep -c '^dn:')"
closed_at=$(grep -m1 "event=review.close campaign=$C " "$W/audit.log" | sed 's/.* time=\([^ ]*\) .*/\1/')
t_check "... not before its claim was 60 s old (closed $closed_at)" \
    test "$(date -u -d "$(echo "$closed_at" | sed 's/T/ /; s/Z$//')" +%s)" -ge $((T9 + 60))
# records: none twice; one each, but for the few a SIGKILL finds still in
# kuncid's audit queue (log.c): at most 2, of grants revoked before it
records()
{
	local re=$1 twice=${2:-0} ids
	ids=$(grep -oE "$re" "$W/audit.log" | grep -oE 'RR-[0-9]+')
	if [ "$(echo "$ids" | sort | uniq -d | wc -l)" -gt "$twice" ] ||
	    [ -n "$(comm -23 <(echo "$ids" | sort | uniq -d) "$W/before-kill")" ]; then
		echo twice; return
	fi
	comm -23 <(seq -f 'RR-%04g' 0 $((N - 1)) | grep -vxE "RR-0001${3:+|$3}") <(echo "$ids" | sort) >"$W/missing"
	if [ "$(wc -l <"$W/missing")" -gt 2 ] ||
	    [ -n "$(comm -23 "$W/missing" "$W/before-kill")" ]; then
		echo "missing: $(paste -sd' ' "$W/missing")"; return
	fi
	echo ok
}
t_eq "one grant.revoke record per grant, none twice (RR-0008 revoked by hand)" ok \
    "$(records 'event=grant.revoke grant=RR-[0-9]+ ' 0 RR-0008)"
t_eq "one review.remove record per grant (the one being finished at the kill may have two)" ok \
    "$(records "event=review.remove campaign=$C grant=RR-[0-9]+ " 1)"
t_eq "the campaign closed once" 1 "$(audit_count "event=review.close campaign=$C ")"
kcr review enforce "$C"
t_eq "enforcing a closed campaign: EX_DATAERR" 65 "$rc"
t_done
