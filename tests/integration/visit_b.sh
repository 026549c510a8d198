#!/bin/bash
# Procedure B (a guest's server-room visit) end to end against a real slapd
# and kuncid, and each guard: no check-in before approval and an escort; an
# escort needs an active grant and may accompany at most
# visits.max_guests_per_escort guests; an overdue visit raises one alert
# (event, audit record, notification); a check-out without the lock
# statement is flagged; a closed visit cannot be checked out again.
. "$(dirname "$0")/visit.inc"

wf_setup
seed_grant fnugroho server-room:dc1
seed_grant sanggraini server-room:dc1

# --- B, end to end ----------------------------------------------------------
id=$(vrequest jwijaya server-room:dc1)
t_check "B: visit requested ($id)" test -n "$id"
t_eq "B: workflow B for server-room:dc1 (its own workflow A has no escort)" \
    "B pending kasi-check" "$(vfield "$id" workflow) $(vfield "$id" state) $(vfield "$id" step)"
t_grep "B: submit audited" "event=visit.submit visit=$id actor=jwijaya" "$W/audit.log"

# guard: no check-in before approval
n0=$(nevents "$id")
kcr --as jwijaya visit checkin "$id"
t_eq "guard: check-in of an unapproved visit is EX_DATAERR" 65 "$rc"
t_grep "guard: ... says it is not approved" "belum disetujui" <(echo "$err")
t_eq "guard: ... nothing changed" "pending|$n0|" "$(vfield "$id" state)|$(nevents "$id")|$(vfield "$id" checkin)"

kcr --as jwijaya visit approve "$id"
t_eq "SoD: the requester cannot do the Kasi's check (77)" 77 "$rc"
kcr --as rwulandari visit approve "$id" --note "pekerjaan jaringan, KTP diperiksa"
t_eq "B: Kasi checks the purpose" "0 approve-entry" "$rc $(vfield "$id" step)"
kcr --as rwulandari visit approve "$id"
t_eq "SoD: the Kasi cannot also approve entry (77)" 77 "$rc"
kcr --as sanggraini visit approve "$id"
t_eq "B: entry approved" "0 approved appoint-escort" "$rc $(vfield "$id" state) $(vfield "$id" step)"

# B.2: the Kasi's "network or server?" routes entry to that administrator
# (visits.route: network -> network-admin sanggraini, servers -> server-admin
# fnugroho).
v3=$(vrequest jwijaya server-room:dc1)
kcr --as rwulandari visit approve "$v3" --purpose lunch
t_eq "B.2: a purpose that is neither is EX_DATAERR" 65 "$rc"
t_eq "B.2: ... nothing changed" "network kasi-check" "$(vfield "$v3" purpose) $(vfield "$v3" step)"
kcr --as rwulandari visit approve "$v3" --purpose servers --note "pekerjaan server, bukan jaringan"
t_eq "B.2: the Kasi determines it is server work" "0 servers approve-entry" "$rc $(vfield "$v3" purpose) $(vfield "$v3" step)"
kcr --as sanggraini visit approve "$v3"
t_eq "B.2: the network administrator cannot approve server work (77)" 77 "$rc"
t_grep "B.2: ... the refusal names the server administrator (in sanggraini's English)" "needs role server-admin" <(echo "$err")
kcr --as fnugroho visit approve "$v3" --purpose network
t_eq "B.2: --purpose belongs to the check, not to entry approval (64)" "64 servers" "$rc $(vfield "$v3" purpose)"
kcr --as fnugroho visit approve "$v3"
t_eq "B.2: the server administrator approves entry" "0 appoint-escort" "$rc $(vfield "$v3" step)"
v4=$(vrequest jwijaya server-room:dc1)
kc --as rwulandari visit approve "$v4" >/dev/null
kcr --as fnugroho visit approve "$v4"
t_eq "B.2: network work is not the server administrator's (77)" 77 "$rc"
t_grep "B.2: ... the refusal names the network administrator" "memerlukan peran network-admin" <(echo "$err")

# guard: no check-in without an escort
kcr --as jwijaya visit checkin "$id"
t_eq "guard: check-in without an escort is EX_DATAERR" 65 "$rc"
t_grep "guard: ... says no escort" "belum memiliki pendamping" <(echo "$err")

# guard: the escort must hold an active grant
kcr --as rwulandari visit escort "$id" --escort ihidayat
t_eq "guard: an escort without a grant is refused (77)" 77 "$rc"
t_grep "guard: ... says why" "tidak memegang hak akses aktif" <(echo "$err")
t_eq "guard: ... no escort recorded" "" "$(vfield "$id" escort)"
t_grep "guard: ... audited as visit.refused" "event=visit.refused visit=$id .*action=escort" "$W/audit.log"
kcr --as jwijaya visit escort "$id" --escort fnugroho
t_eq "only the appointing role appoints (77)" 77 "$rc"
kcr --as rwulandari visit escort "$id" --escort fnugroho
t_eq "B: escort appointed" "0 fnugroho guest-book-in" "$rc $(vfield "$id" escort) $(vfield "$id" step)"

kcr --as jwijaya visit checkin "$id" --id-held --equipment $'Laptop\x07'
t_eq "B.5: --equipment with a control character is EX_DATAERR" 65 "$rc"
kcr --as jwijaya visit checkin "$id" --id-returned
t_eq "B.5: --id-returned belongs to check-out (EX_USAGE)" 64 "$rc"
t_eq "B.5: ... nothing changed" "approved" "$(vfield "$id" state)"
kcr --as jwijaya visit checkin "$id" --id-held --equipment "Laptop, kabel konsol"
t_eq "B: guest checked in (guest book)" "0 in guest-book-out" "$rc $(vfield "$id" state) $(vfield "$id" step)"
t_grep "B.5: the guest's entry is recorded (document held, equipment)" \
    "identity document handed over; equipment: Laptop, kabel konsol" \
    <(kc --json visit show "$id")
t_grep "B.5: ... shown in Indonesian, the equipment as typed" \
    "kartu identitas diserahkan; peralatan: Laptop, kabel konsol" \
    <(kc --lang id visit show "$id")
t_grep "B.5: ... and in English" \
    "identity document handed over; equipment: Laptop, kabel konsol" \
    <(kc --lang en visit show "$id")
t_check "B: check-in time recorded" test -n "$(vfield "$id" checkin)"
t_grep "B: list shows the guest inside" "^$id +in " <(kc --lang en --json visit list | python3 -c 'import json,sys; [print(r["id"],r["state"],"") for r in json.load(sys.stdin)]')
kcr --as jwijaya visit checkin "$id"
t_eq "a second check-in is EX_DATAERR" 65 "$rc"
kcr --as sanggraini visit checkout "$id" --locked
t_eq "the lock statement is the escort's (77)" 77 "$rc"
kcr --as fnugroho visit checkout "$id" --locked
t_eq "B.5: no check-out while the guest's identity document is held (65)" "65 in" "$rc $(vfield "$id" state)"
t_grep "B.5: ... says to give it back" "id-returned" <(echo "$err")
kcr --as fnugroho visit checkout "$id" --locked --id-returned
t_eq "B: escort checks the guest out, room locked" "0 done True" \
    "$rc $(vfield "$id" state) $(vfield "$id" room_locked)"
t_grep "B: checkout audited with locked=yes" "event=visit.checkout visit=$id .*locked=yes" "$W/audit.log"
t_grep "B: complete audited" "event=visit.complete visit=$id" "$W/audit.log"
f=$(kc --lang id doc visit "$id")
t_grep "B.5: the permit form: the document handed over and returned" "Penyerahan kartu identitas +: diserahkan [0-9].*, dikembalikan [0-9]" <(echo "$f")
t_grep "B.5: ... the equipment" "Peralatan yang dibawa +: Laptop, kabel konsol" <(echo "$f")

# bad input: check-out of a closed visit
n0=$(nevents "$id")
kcr --as fnugroho visit checkout "$id" --locked
t_eq "bad input: check-out of a closed visit is EX_DATAERR" 65 "$rc"
t_eq "bad input: ... nothing changed" "$n0 done" "$(nevents "$id") $(vfield "$id" state)"
kcr visit show V2026-9999
t_eq "bad input: unknown visit is EX_NOINPUT" 66 "$rc"
kcr --as jwijaya visit request --resource server-room:dc1 --guest "X" --org Y --id-doc Z --purpose lunch --duration 1h
t_eq "bad input: purpose must be network or servers (65)" 65 "$rc"
kcr --as jwijaya visit request --resource server-room:dc1 --guest "X" --org Y --id-doc Z --purpose servers --duration 3d
t_eq "bad input: duration over 24h (65)" 65 "$rc"
kcr --as jwijaya visit request --resource host:srv-web1 --guest "X" --org Y --id-doc Z --purpose servers --duration 1h
t_eq "a resource whose workflow has no escort step (C1) visits by visits.workflow" 0 "$rc"

# --- escort capacity and the overdue alert ----------------------------------
sed -i 's/^\([[:space:]]*grace = \).*;/\1"1s";/' "$KUNCI_CONF"
vset_conf max_guests_per_escort 1
v1=$(DURATION=1s vrequest jwijaya server-room:dc1)
v2=$(GUEST="Sari Tamu" vrequest lputri server-room:dc1)
for v in "$v1" "$v2"; do
	kc --as rwulandari visit approve "$v" >/dev/null
	kc --as sanggraini visit approve "$v" >/dev/null
done
kcr --as rwulandari visit escort "$v1" --escort fnugroho
t_eq "capacity: first guest for fnugroho" 0 "$rc"
kcr --as rwulandari visit escort "$v2" --escort fnugroho
t_eq "guard: an escort over max_guests_per_escort is refused (77)" 77 "$rc"
t_grep "guard: ... says how many" "sudah mendampingi 1 tamu" <(echo "$err")
kcr --as rwulandari visit escort "$v2" --escort sanggraini
t_eq "capacity: another escort is fine" 0 "$rc"

kc --as jwijaya visit checkin "$v1" >/dev/null
t_check "overdue: an alert within a few seconds" wait_audit "event=visit.overdue visit=$v1" 80
wait_passes 2
t_eq "overdue: raised exactly once" 1 "$(audit_count "event=visit.overdue visit=$v1")"
t_eq "overdue: one overdue event on the visit" 1 \
    "$(ls_ -b "kunciId=overdue,kunciId=$v1,ou=visits,ou=kunci,$KUNCI_BASE" -s base 1.1 | grep -c '^dn:')"
t_check "overdue: a notification queued for the escort" \
    bash -c "ls '$W/state/outbox' '$W/state/outbox/sent' 2>/dev/null | grep -q 'visit-$v1-overdue.*fnugroho'"
t_grep "overdue: visit list --overdue shows it" "$v1" <(kc visit list --overdue)

# a check-out without the lock statement is flagged, then stated
kcr --as fnugroho visit checkout "$v1"
t_eq "no lock: check-out without --locked is accepted" "0 out False lock-room" \
    "$rc $(vfield "$v1" state) $(vfield "$v1" room_locked) $(vfield "$v1" step)"
month=$(date +%Y-%m)
t_grep "no lock: flagged in the monthly report" "$v1.*without lock" <(kc --lang en visit report --month "$month")
t_grep "no lock: flagged in the guest book" "$v1" <(kc doc guest-book "$month" --format csv | grep "TIDAK DINYATAKAN")
kcr --as fnugroho visit lock "$v1"
t_eq "no lock: the escort states it afterwards" "0 done True" \
    "$rc $(vfield "$v1" state) $(vfield "$v1" room_locked)"
kcr --as fnugroho visit checkout "$v1"
t_eq "bad input: check-out after done is EX_DATAERR" 65 "$rc"
t_done
