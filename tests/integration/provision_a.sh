#!/bin/bash
# Procedure A ends with the card on the door's signed allow list: the
# signature verifies with the openssl command line, a one-byte change does
# not; card list/show/export; a door of 140 cards (the cards read 128
# serials a search) keeping the same rules; bad input (a serial bound to another holder,
# an unknown card, revoking twice); card lost takes it off a newly signed
# list; an emergency revocation (grant revoke --now) denies the next login
# within 2 s and opens the removal record; notifications captured once each
# in the recipient's language.
. "$(dirname "$0")/provision.inc"

prov_setup
DOOR=server-room:dc1
AL=$(allow_file "$DOOR")
CA=$W/sign.crt
verify() { openssl cms -verify -binary -inform DER -content "$1" -in "$1.p7s" \
    -CAfile "$CA" -purpose any -out /dev/null 2>/dev/null; }

# --- A with a card ----------------------------------------------------------
id=$(submit lputri "$DOOR" --until 2026-12-31T17:00)
t_check "A: submitted ($id)" test -n "$id"
walk "$id" tramadhan hsantoso dpratama rwulandari dpratama
kcr --as fnugroho card issue "$id" --serial KA-0042
t_eq "card issue at the provision step" 0 "$rc"
walk "$id" fnugroho fnugroho lputri
t_eq "A: done with a grant" "active/$id" "$(field "$id" state)/$(field "$id" step)$(field "$id" grant)"
t_grep "grant is bound to the card" "^KA-0042$" <(gfield "$id" credential)
for _ in $(seq 30); do grep -q KA-0042 "$AL" 2>/dev/null && break; sleep 0.1; done
t_grep "the serial is on the door's allow list" "^card KA-0042 holder lputri grant $id " "$AL"
t_grep "allow list names its door" "^door $DOOR$" "$AL"
t_check "the signature verifies with openssl cms -verify" verify "$AL"
cp "$AL" "$PT/tampered.list"; cp "$AL.p7s" "$PT/tampered.list.p7s"
sed -i 's/KA-0042/KA-0043/' "$PT/tampered.list"
t_check_fail "a one-byte change fails verification" verify "$PT/tampered.list"
t_eq "card export prints the same list" "$(cat "$AL")" "$(kc --as fnugroho card export "$DOOR")"
t_grep "card show" "^Status: +(active|aktif)" <(kc --lang en card show KA-0042)
t_grep "card list" "^KA-0042 +active +lputri +$DOOR +$id" <(kc --lang en card list)

# --- bad input ---------------------------------------------------------------
id2=$(submit jwijaya "$DOOR")
walk "$id2" rwulandari hsantoso dpratama
kc --as bkurniawan request approve "$id2" >/dev/null 2>&1	# not kasi; no-op
id3=$(submit tramadhan "$DOOR")
walk "$id3" hsantoso hsantoso 2>/dev/null
t_eq "unknown card: EX_NOINPUT" 66 "$(kc --as fnugroho card show KA-9999 >/dev/null 2>&1; echo $?)"
t_eq "revoking an unknown card: EX_NOINPUT" 66 "$(kc --as fnugroho card revoke KA-9999 --reason x >/dev/null 2>&1; echo $?)"
id4=$(submit gmaharani "$DOOR")
mgr=$(ls_ -b "uid=gmaharani,ou=people,$KUNCI_BASE" -s base manager | sed -n 's/^manager: uid=\([^,]*\),.*/\1/p')
walk "$id4" "$mgr" hsantoso dpratama rwulandari dpratama
kcr --as fnugroho --lang en card issue "$id4" --serial KA-0042
t_eq "a serial bound to another holder is refused (EX_DATAERR)" 65 "$rc"
t_grep "the message names the holder" "another holder \\(lputri\\)" <(echo "$err")
t_eq "nothing changed: still at the card step" card "$(field "$id4" step)"
kcr --as ihidayat card revoke KA-0042 --reason x
t_eq "revoke by someone without the role: EX_NOPERM" 77 "$rc"

# --- a rejection tells the reason -------------------------------------------
rj=$(submit ekusuma "$DOOR")
walk "$rj" gmaharani hsantoso dpratama
kcr --as rwulandari request reject "$rj" --reason "Jenis akses tidak sesuai"
t_eq "the Kasi rejects at verification" 0 "$rc"

# --- lost card ---------------------------------------------------------------
kcr --as fnugroho card issue "$id4" --serial KA-0050
walk "$id4" fnugroho
for _ in $(seq 30); do grep -q KA-0050 "$AL" && break; sleep 0.1; done
t_grep "second card on the list" "^card KA-0050 holder gmaharani" "$AL"
kcr --as gmaharani card lost KA-0050 --reason "hilang di parkiran"
t_eq "the holder reports the card lost" 0 "$rc"
t_check "lost card is off the list" bash -c "! grep -q KA-0050 '$AL'"
t_check "the new list verifies" verify "$AL"
wait_audit 'event=card.lost card=KA-0050' || :
t_eq "audited as a loss" 1 "$(audit_count 'event=card.lost card=KA-0050')"
kcr --as fnugroho card lost KA-0050
t_eq "reporting it lost twice: EX_DATAERR" 65 "$rc"

# --- emergency revocation ---------------------------------------------------
pam_svc door "$DOOR"
t_check "lputri is allowed through pam_kunci before" wait_pc door lputri PAM_SUCCESS 50
kcr --as mfitriani grant revoke "$id" --now --reason "insiden"
t_eq "grant revoke by a non-administrator: EX_NOPERM" 77 "$rc"
kcr --as sanggraini grant revoke "$id" --reason "insiden"
t_eq "grant revoke without --now: EX_USAGE" 64 "$rc"
t0=$(date +%s%N)
kcr --as sanggraini --json grant revoke "$id" --now --reason "Kartu dipakai orang lain"
t_eq "emergency revocation by an administrator" 0 "$rc"
if wait_pc door lputri PAM_PERM_DENIED 20; then
	t_ok "the next login is denied within 2 s ($((($(date +%s%N) - t0) / 1000000)) ms)"
else
	t_fail "login still allowed 2 s after the emergency revocation"
fi
t_eq "grant revoked" revoked "$(gfield "$id" status)"
t_check "card off the allow list" bash -c "! grep -q KA-0042 '$AL'"
t_check "the new list verifies" verify "$AL"
rid=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["removal"])')
t_check "a removal record was opened ($rid)" test -n "$rid"
t_eq "it is marked carried out" "active|" "$(field "$rid" state)|$(field "$rid" step)"
t_eq "it is a removal of that grant" "$id" "$(field "$rid" grant)"
wait_audit 'event=grant.revoke.emergency' || :
t_eq "audited as an emergency" 1 "$(audit_count "event=grant.revoke.emergency grant=$id ")"
kcr --as sanggraini --lang en grant revoke "$id" --now --reason "lagi"
t_eq "revoking a revoked grant: EX_DATAERR" 65 "$rc"
t_grep "... with a clear message" "already revoked" <(echo "$err")

# --- notifications -------------------------------------------------------------
wait_mail revoked lputri 300 || :
t_eq "lputri told of the submission once" 1 "$(mails submit lputri)"
t_eq "lputri told of the approval once" 1 "$(mails approved lputri)"
t_eq "lputri told of the provisioning once" 1 "$(mails inform lputri)"
t_eq "lputri told of the emergency revocation once" 1 "$(mails revoked lputri)"
t_eq "the superior was asked once" 1 "$(mails waiting tramadhan)"
t_check "ekusuma told of the rejection" wait_mail rejected ekusuma 300
f=$(mail_file rejected ekusuma)
t_grep "... with the Kasi's reason" "^(Alasan|Reason): +Jenis akses tidak sesuai$" "$f"
t_grep "... and who rejected" "^(Oleh|By): +rwulandari$" "$f"
t_grep "... its state in the recipient's words" \
    "^(Status: +ditolak|State: +rejected)$" "$f"
f=$(mail_file inform lputri)
t_grep "the provisioning notice names the operator who informed" "^(Oleh|By): +fnugroho$" "$f"
t_grep "... and asks lputri to confirm receipt" "request confirm $id$" "$f"
f=$(mail_file approved lputri)
lang=$(ls_ -b "uid=lputri,ou=people,$KUNCI_BASE" -s base preferredLanguage | sed -n 's/^preferredLanguage: //p')
t_grep "in lputri's language ($lang)" "^Content-Language: ${lang:-id}" "$f"
# --- a door of many cards: kuncid reads the active cards in one search,
# or by serial, 128 a search (two here), when the directory holds many more
# than the door names; the same rules hold ------------------------------------
D2=server-room:dc2
AL2=$(allow_file "$D2")
# 071-073: an active grant kuncid tests the times of (its search names no
# time): not started yet, ended (the expiry job not there yet), a start
# time it cannot read (as the gate, it keeps that card out)
nb=$(date -u -d '-1 hour' +%Y%m%d%H%M%SZ) na=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)
for i in $(seq -w 1 140); do
	holder=banyak$i st=active note="" gnb=$nb gna=$na
	[ "$i" = 071 ] && gnb=$(date -u -d '+1 day' +%Y%m%d%H%M%SZ)
	[ "$i" = 072 ] && gna=$(date -u -d '-1 second' +%Y%m%d%H%M%SZ)
	[ "$i" = 073 ] && gnb=$(date -u -d '-1 hour' +%Y%m%d%H%M%S+0000)
	[ "$i" = 005 ] && holder=orang-lain		# held by someone else
	[ "$i" = 007 ] && st=revoked
	[ "$i" = 003 ] && note="kunciNote: lost 2026-12-01 dilaporkan hilang"
	if [ "$i" != 009 ]; then			# 009: a grant, no card
		printf 'dn: kunciId=KM-%s,ou=cards,ou=kunci,%s\nobjectClass: kunciCard\nkunciId: KM-%s\nkunciCardSerial: KM-%s\nkunciHolder: %s\nkunciStatus: %s\nkunciResource: %s\n%s\n\n' \
		    "$i" "$KUNCI_BASE" "$i" "$i" "$holder" "$st" "$D2" "$note"
	fi
	printf 'dn: kunciId=GM-%s,ou=grants,ou=kunci,%s\nobjectClass: kunciGrant\nkunciId: GM-%s\nkunciSubject: banyak%s\nkunciResource: %s\nkunciStatus: active\nkunciCredential: KM-%s\nkunciNotBefore: %s\nkunciNotAfter: %s\n\n' \
	    "$i" "$KUNCI_BASE" "$i" "$i" "$D2" "$i" "$gnb" "$gna"
done | sed '/^$/N;/^\n$/D' | la >/dev/null
kc --as fnugroho card export "$D2" >"$PT/many.list"
t_eq "140 grants with cards on one door: 133 listed" 133 "$(grep -c '^card ' "$PT/many.list")"
t_grep "... and counted" "^end 133$" "$PT/many.list"
t_check_fail "... not the lost, revoked or another's card, nor a missing one" \
    grep -Eq '^card KM-0(03|05|07|09) ' "$PT/many.list"
t_check_fail "... nor a grant not started, ended or with a start time it cannot read" \
    grep -Eq '^card KM-07[123] ' "$PT/many.list"
t_grep "... the others with their holder and grant" \
    "^card KM-070 holder banyak070 grant GM-070 not-after " "$PT/many.list"
for i in 001 128 129 140; do	# both searches' ends, below
	t_grep "... KM-$i" \
	    "^card KM-$i holder banyak$i grant GM-$i not-after " "$PT/many.list"
done
t_check "... signed: the signature verifies" verify "$AL2"
# 600 more active cards, on no grant: the directory now holds more than
# four times as many (CARDS_SHARE) as the door names, so kuncid reads the
# door's cards by serial, 128 to a search (two here): the same list
for i in $(seq -w 1 600); do
	printf 'dn: kunciId=KX-%s,ou=cards,ou=kunci,%s\nobjectClass: kunciCard\nkunciId: KX-%s\nkunciCardSerial: KX-%s\nkunciHolder: lain%s\nkunciStatus: active\n\n' \
	    "$i" "$KUNCI_BASE" "$i" "$i" "$i"
done | la >/dev/null
kc --as fnugroho card export "$D2" >"$PT/many2.list"
t_eq "the cards read by serial: the same list" \
    "$(grep -v '^generated ' "$PT/many.list")" \
    "$(grep -v '^generated ' "$PT/many2.list")"

# The directory stops the door's grant search at a size limit of its own
# (an olcLimits on kuncid's bind DN, a replica set up without kunci's
# "size=unlimited"): the entries it gave are not all there are, so the
# refresh fails and the signed list in place stays as it was.
DB="olcDatabase={1}mdb,cn=config"
lim0=$(ldapsearch -Q -Y EXTERNAL -H "$LDAPI_URI" -LLL -o ldif-wrap=no -b "$DB" -s base olcLimits | sed -n 's/^olcLimits: //p')
before=$(md5sum "$AL2" "$AL2.p7s" | cut -c1-32 | tr '\n' ' ')
printf 'dn: %s\nchangetype: modify\nreplace: olcLimits\nolcLimits: dn.exact="%s" size=50 time=unlimited\n' "$DB" "$KUNCI_BIND_DN" | lm >/dev/null
t_eq "a size limit of 50 on kuncid's bind DN" 0 "$?"
kcr --as fnugroho --lang en card export "$D2"
t_eq "... the refresh of a door of 140 card grants fails (69)" 69 "$rc"
t_grep "... saying the directory gave only part of them" "gave only 50 of door $D2's card grants" <(echo "$err")
t_eq "... the signed list in place is kept, byte for byte" "$before" \
    "$(md5sum "$AL2" "$AL2.p7s" | cut -c1-32 | tr '\n' ' ')"
{
	printf 'dn: %s\nchangetype: modify\n' "$DB"
	if [ -n "$lim0" ]; then
		printf 'replace: olcLimits\n'
		printf '%s\n' "$lim0" | sed 's/^/olcLimits: /'
	else
		printf 'delete: olcLimits\n'
	fi
} | lm >/dev/null
kcr --as fnugroho card export "$D2"
t_eq "the limit lifted: the refresh succeeds again" 0 "$rc"

# A card on the list that the directory then cannot give (here a
# referral where the card was: the read fails, it is not "no such card";
# the cards' search, by serial here, returns it as a reference, not an
# entry):
# the refresh fails and the signed list in place stays as it was, rather
# than a list without that card (which would lock its holder out).
la >/dev/null <<LDIF
dn: kunciId=KR-001,ou=cards,ou=kunci,$KUNCI_BASE
objectClass: kunciCard
kunciId: KR-001
kunciCardSerial: KR-001
kunciHolder: rujukan01
kunciStatus: active
kunciResource: $DOOR

dn: kunciId=GR-001,ou=grants,ou=kunci,$KUNCI_BASE
objectClass: kunciGrant
kunciId: GR-001
kunciSubject: rujukan01
kunciResource: $DOOR
kunciStatus: active
kunciCredential: KR-001
kunciNotBefore: $nb
kunciNotAfter: $na
LDIF
kc --as fnugroho card export "$DOOR" >/dev/null
t_grep "a card on the list" "^card KR-001 holder rujukan01 " "$AL"
before=$(md5sum "$AL" "$AL.p7s" | cut -c1-32 | tr '\n' ' ')
ldelete "kunciId=KR-001,ou=cards,ou=kunci,$KUNCI_BASE"
la -M >/dev/null <<LDIF
dn: kunciId=KR-001,ou=cards,ou=kunci,$KUNCI_BASE
objectClass: referral
objectClass: extensibleObject
kunciId: KR-001
ref: ldap://elsewhere.invalid/kunciId=KR-001,ou=cards,ou=kunci,$KUNCI_BASE
LDIF
t_eq "... then unreadable (a referral in its place)" 0 "$?"
kcr --as fnugroho card export "$DOOR"
t_eq "... the refresh fails (69)" 69 "$rc"
t_eq "... the signed list in place is kept, byte for byte" "$before" \
    "$(md5sum "$AL" "$AL.p7s" | cut -c1-32 | tr '\n' ' ')"
t_grep "... and the log says why" "a card could not be read .*the list in place is kept" \
    "$W/kuncid.log"
ldelete -M "kunciId=KR-001,ou=cards,ou=kunci,$KUNCI_BASE"
kcr --as fnugroho card export "$DOOR"
t_eq "the card gone for good: the refresh succeeds" 0 "$rc"
t_check_fail "... without it" grep -q "^card KR-001 " "$AL"
t_check "... signed" verify "$AL"

t_done
