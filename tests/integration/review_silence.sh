#!/bin/bash
# At the deadline, unanswered grants follow review.on_silence.  "remove":
# a dry run first (it changes no grant and no finding), a grace period,
# then the real run revokes exactly what the dry run listed as removed,
# never the last holder of a critical resource.  "escalate": unanswered
# grants go to the Kasi, who may then attest them.
. "$(dirname "$0")/review.inc"

rv_setup "
  interval = \"90d\"; unused_after = \"30d\"; deadline = \"14d\";
  reminders = [ \"20d\" ]; on_silence = \"remove\"; escalate_to = \"kasi-infra\";
  grace = \"1h\"; incompatible = ( ); units = ( );"
P=control-panel:webmin
D=server-room:dc1	# critical in the example organisation
GB="ou=grants,ou=kunci,$KUNCI_BASE"
C=2033-q1
CDN="kunciId=$C,ou=reviews,ou=kunci,$KUNCI_BASE"
grant RS-D1 jwijaya "$D"
grant RS-D2 lputri "$D"
grant RS-W1 gmaharani "$P"
grant RS-W2 ekusuma "$P"
grant RS-W3 tramadhan "$P"
kc review start --period "$C" >/dev/null
t_check "a reminder inside its window (20d before a 14d deadline)" wait_audit "event=review.remind campaign=$C" 100
kc --as mfitriani review attest "$C" RS-W2 valid --note "masih dibutuhkan" >/dev/null
kc --as mfitriani review attest "$C" RS-W3 invalid --note "sudah pensiun" >/dev/null

kcr review enforce "$C"
t_eq "enforce before the deadline: EX_DATAERR" 65 "$rc"
kcr --as jwijaya review enforce "$C" --dry-run
t_eq "enforce by a requester: EX_NOPERM" 77 "$rc"

status() { ls_ -b "$GB" '(kunciId=RS-*)' kunciId kunciStatus | paste -sd' ' | sed 's/dn: [^ ]* //g'; }
decisions() { ls_ -b "$CDN" -s one '(objectClass=kunciReviewFinding)' kunciDecision entryCSN | sort; }
# the deadline passes
lm >/dev/null <<LDIF
dn: $CDN
changetype: modify
replace: kunciDeadline
kunciDeadline: $(gt_ago 60)
LDIF
s0=$(status)
d0=$(decisions)
kcr --json --lang en review enforce "$C" --dry-run
t_eq "the dry run" 0 "$rc"
plan=$(echo "$out" | python3 -c 'import json,sys; print(" ".join(p["grant"]+"="+p["action"] for p in sorted(json.load(sys.stdin)["plan"], key=lambda p: p["grant"])))')
t_eq "... lists the unanswered grants, sparing one holder of $D" "RS-D1=removed RS-D2=spared RS-W1=removed" "$plan"
t_eq "... changes no grant" "$s0" "$(status)"
t_eq "... and no finding" "$d0" "$(decisions)"
t_check "the preview is recorded once (by the dry run or the scheduler)" wait_audit "event=review.preview campaign=$C .*remove=2" 100
t_eq "... once" 1 "$(audit_count "event=review.preview campaign=$C ")"
kcr review enforce "$C"
t_eq "the real run during the grace: EX_TEMPFAIL" 75 "$rc"
t_grep "... says until when" "masa tenggang $C berlaku sampai" <(echo "$err")
t_eq "... nothing revoked" "$s0" "$(status)"

# the grace ends: the scheduler removes what the preview listed
lm >/dev/null <<LDIF
dn: kunciId=preview,$CDN
changetype: modify
replace: kunciTime
kunciTime: $(gt_ago 7200)
LDIF
for _ in $(seq 100); do
	[ "$(ls_ -b "$CDN" -s base kunciState | sed -n 's/^kunciState: //p')" = closed ] && break
	sleep 0.2
done
t_eq "the campaign is closed by the scheduler" closed "$(ls_ -b "$CDN" -s base kunciState | sed -n 's/^kunciState: //p')"
t_eq "exactly the listed grants revoked; the last holder of $D kept" \
    "RS-D1=revoked RS-D2=active RS-W1=revoked RS-W2=active RS-W3=active" \
    "$(ls_ -b "$GB" '(kunciId=RS-*)' kunciId kunciStatus | awk '/^kunciId:/ { i = $2 } /^kunciStatus:/ { print i "=" $2 }' | sort | paste -sd' ')"
t_eq "findings: removed, spared, valid, invalid" "removed spared removed valid invalid" \
    "$(for g in RS-D1 RS-D2 RS-W1 RS-W2 RS-W3; do decision "$C" $g; done | paste -sd' ')"
t_eq "two review.remove records" 2 "$(audit_count "event=review.remove campaign=$C ")"
t_check "a C3 record for the removal" bash -c "'$KUNCICTL' --json removal list | python3 -c 'import json,sys; sys.exit(0 if any(r[\"grant\"]==\"RS-W1\" for r in json.load(sys.stdin)) else 1)'"
kcr --as mfitriani review attest "$C" RS-D2 valid --note "x"
t_eq "attesting after the close: EX_DATAERR" 65 "$rc"

# --- escalate -------------------------------------------------------------------
kd_stop
sed -i 's/on_silence = "remove"/on_silence = "escalate"/' "$KUNCI_CONF"
kd_start || t_done
E=2033-q2
kc review start --period "$E" >/dev/null
lm >/dev/null <<LDIF
dn: kunciId=$E,ou=reviews,ou=kunci,$KUNCI_BASE
changetype: modify
replace: kunciDeadline
kunciDeadline: $(gt_ago 60)
LDIF
t_check "escalate: the scheduler escalates at the deadline" wait_audit "event=review.escalate campaign=$E actor=kuncid to=kasi-infra count=3" 100
t_eq "... the unanswered grants are escalated" "escalated escalated" "$(decision "$E" RS-D2) $(decision "$E" RS-W2)"
kcr --as rwulandari review attest "$E" RS-W2 valid --note "dikonfirmasi Kasi"
t_eq "... the Kasi may now attest them" 0 "$rc"
t_eq "... no grant was revoked" "active active" "$(ls_ -b "$GB" '(|(kunciId=RS-D2)(kunciId=RS-W2))' kunciStatus | sed -n 's/^kunciStatus: //p' | paste -sd' ')"
t_done
