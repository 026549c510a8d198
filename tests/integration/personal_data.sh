#!/bin/bash
# Personal data (UU 27/2022; doc/visits.md, "Personal data"):
#  - over LDAP, a guest's identity-document number, name and organisation
#    and the reasons and notes people wrote are readable by kuncid alone:
#    not by a person with no role, nor by an official (officials read them
#    through kuncictl, which checks the role); the rest of ou=kunci stays
#    readable to people who logged in, as before;
#  - kuncid's own workflows keep working with them (kuncictl shows them);
#  - visits.identity_retention: the scheduler removes the number from a
#    visit closed longer ago, audited and recorded as an event, and
#    changes nothing else: not the visit's other attributes, not an open
#    visit, not a visit closed recently.
. "$(dirname "$0")/visit.inc"

wf_setup
seed_grant fnugroho server-room:dc1

t_grep "the example configuration keeps identity documents 90 days" \
    '^[[:space:]]*identity_retention = "90d";' "$KUNCI_CONF"

PW=pw-$RANDOM$RANDOM
for u in gmaharani rwulandari; do
	lpasswd "$u" "$PW"
done
# lread UID DN ATTR: the values of ATTR that UID reads at DN over LDAP
lread()
{
	ldapsearch -x -H "$LDAP_URI" -D "uid=$1,ou=people,$KUNCI_BASE" \
	    -w "$PW" -LLL -o ldif-wrap=no -b "$2" -s base '(objectClass=*)' \
	    "$3" 2>/dev/null | sed -n "s/^$3:: *//p; s/^$3: *//p"
}
kread()
{
	ldapsearch -x -H "$LDAP_URI" -D "$KUNCI_BIND_DN" -y "$KUNCI_BIND_PW_FILE" \
	    -LLL -o ldif-wrap=no -b "$1" -s base '(objectClass=*)' "$2" \
	    2>/dev/null | sed -n "s/^$2:: *//p; s/^$2: *//p"
}
mread()
{
	ls_ -b "$1" -s base '(objectClass=*)' "$2" | sed -n "s/^$2:: *//p; s/^$2: *//p"
}
vdn() { echo "kunciId=$1,ou=visits,ou=kunci,$KUNCI_BASE"; }

# --- a visit and a request made through the real commands
IDDOC="KTP 3302011234567890" id=$(vrequest jwijaya server-room:dc1)
t_check "visit requested ($id)" test -n "$id"
rid=$(REASON="Migrasi server arsip kependudukan" submit lputri server-room:dc1)
t_check "request submitted ($rid)" test -n "$rid"
rdn="kunciId=$rid,ou=requests,ou=kunci,$KUNCI_BASE"

# --- over LDAP
t_eq "the directory holds the identity document" "KTP 3302011234567890" "$(mread "$(vdn "$id")" kunciIdentityDoc)"
t_eq "a person with no role can still bind" 0 \
    "$(ldapwhoami -x -H "$LDAP_URI" -D "uid=gmaharani,ou=people,$KUNCI_BASE" -w "$PW" >/dev/null 2>&1; echo $?)"
t_eq "a person with no role reads the visit's state (ou=kunci stays readable)" \
    "pending" "$(lread gmaharani "$(vdn "$id")" kunciState)"
for a in kunciIdentityDoc kunciGuestName kunciGuestOrg; do
	t_eq "a person with no role cannot read $a over LDAP" "" \
	    "$(lread gmaharani "$(vdn "$id")" "$a")"
done
t_eq "a person with no role cannot find a visit by its identity document" 0 \
    "$(ldapsearch -x -H "$LDAP_URI" -D "uid=gmaharani,ou=people,$KUNCI_BASE" -w "$PW" -LLL \
    -b "ou=visits,ou=kunci,$KUNCI_BASE" '(kunciIdentityDoc=*3302011234567890*)' 1.1 2>/dev/null | grep -c '^dn:')"
t_eq "a person with no role cannot read a request's reason over LDAP" "" \
    "$(lread gmaharani "$rdn" kunciReason)"
t_eq "... but reads the request's state" "pending" "$(lread gmaharani "$rdn" kunciState)"
t_eq "an official (kasi-infra) cannot read the identity document over LDAP either" "" \
    "$(lread rwulandari "$(vdn "$id")" kunciIdentityDoc)"
t_eq "anonymous reads nothing" "" \
    "$(ldapsearch -x -H "$LDAP_URI" -LLL -b "$(vdn "$id")" -s base kunciIdentityDoc kunciState 2>/dev/null | grep -v '^dn:' | grep .)"
t_eq "kuncid's bind identity reads the identity document" "KTP 3302011234567890" \
    "$(kread "$(vdn "$id")" kunciIdentityDoc)"
t_eq "kuncid's bind identity reads the reason" "Migrasi server arsip kependudukan" \
    "$(kread "$rdn" kunciReason)"

# --- through kuncictl: the role and the requester see it, others do not
t_eq "kuncictl: the Kasi sees the identity document" "KTP 3302011234567890" \
    "$(kc --as rwulandari --json visit show "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id_doc"])')"
kcr --as gmaharani visit show "$id"
t_eq "kuncictl: a person with no role is refused (77)" 77 "$rc"
t_eq "kuncictl: the Kasi sees the request's reason" "Migrasi server arsip kependudukan" \
    "$(kc --as rwulandari --json request show "$rid" | python3 -c 'import json,sys; print(json.load(sys.stdin)["reason"])')"

# --- the workflow still runs (B to the end) with the ACLs in place
kcr --as rwulandari visit approve "$id" --note "KTP diperiksa"
t_eq "B: the Kasi's check" 0 "$rc"
kcr --as sanggraini visit approve "$id"
kcr --as rwulandari visit escort "$id" --escort fnugroho
kcr --as jwijaya visit checkin "$id"
kcr --as fnugroho visit checkout "$id" --locked
t_eq "B: the visit walked to the end" "0 done" "$rc $(vfield "$id" state)"
t_eq "the note the Kasi wrote: kuncid reads it, a person with no role does not" \
    "KTP diperiksa|" \
    "$(kread "kunciId=step-1-1,$(vdn "$id")" kunciNote)|$(lread gmaharani "kunciId=step-1-1,$(vdn "$id")" kunciNote)"

# three more visits: rejected now, open, rejected (to be made old)
IDDOC="SIM 1111" recent=$(vrequest jwijaya server-room:dc1)
kc --as rwulandari visit reject "$recent" --reason "jadwal bentrok" >/dev/null
IDDOC="KTP 2222" open=$(vrequest jwijaya server-room:dc1)
IDDOC="PASPOR X3333" old2=$(vrequest jwijaya server-room:dc1)
kc --as rwulandari visit reject "$old2" --reason "tidak lengkap" >/dev/null
t_eq "states before retention" "done rejected pending rejected" \
    "$(vfield "$id" state) $(vfield "$recent" state) $(vfield "$open" state) $(vfield "$old2" state)"

# --- retention: closed 100 days ago (kunciUpdated is when a visit closed)
old=$(date -u -d '100 days ago' +%Y%m%d%H%M%SZ)
for v in "$id" "$open" "$old2"; do
	lm >/dev/null <<LDIF
dn: $(vdn "$v")
changetype: modify
replace: kunciUpdated
kunciUpdated: $old
LDIF
done
dump() { ls_ -b "$(vdn "$1")" -s base '(objectClass=*)' '*' | grep -v '^$' | sort; }
dump "$id" >"$W/before.ldif"
dump "$open" >"$W/open-before.ldif"
dump "$recent" >"$W/recent-before.ldif"
nev=$(nevents "$id")

# retention off ("0s"): nothing is removed
sed -i 's/^\([[:space:]]*identity_retention = \).*;/\1"0s";/' "$KUNCI_CONF"
kd_stop
kd_start
wait_passes 2
t_eq "retention \"0s\" (off): the number stays" "KTP 3302011234567890" "$(mread "$(vdn "$id")" kunciIdentityDoc)"

sed -i 's/^\([[:space:]]*identity_retention = \).*;/\1"90d";/' "$KUNCI_CONF"
kd_stop
kd_start
wait_passes 2
t_eq "retention: the number is gone from the visit closed 100 days ago" "" \
    "$(mread "$(vdn "$id")" kunciIdentityDoc)"
dump "$id" >"$W/after.ldif"
t_eq "retention: nothing else of the visit changed" "-kunciIdentityDoc: KTP 3302011234567890" \
    "$(diff "$W/before.ldif" "$W/after.ldif" | sed -n 's/^< /-/p; s/^> /+/p')"
t_eq "retention: the other old closed visit too" "" "$(mread "$(vdn "$old2")" kunciIdentityDoc)"
t_eq "retention: the guest's name stays" "Agus Tamu" "$(vfield "$id" guest)"
t_eq "retention: the open visit (updated 100 days ago) keeps everything" "" \
    "$(dump "$open" | diff "$W/open-before.ldif" -)"
t_eq "retention: the visit closed today keeps everything" "" \
    "$(dump "$recent" | diff "$W/recent-before.ldif" -)"
t_eq "retention: one event recorded on the visit" "$((nev + 1))" "$(nevents "$id")"
t_eq "... named identity-removed, by kuncid" "kuncid" \
    "$(mread "kunciId=identity-removed,$(vdn "$id")" kunciActor)"
wait_audit "event=visit.identity_removed visit=$id " 
t_grep "retention: audited with the closing time and the retention" \
    "event=visit.identity_removed visit=$id actor=kuncid closed=$old retention=90d" "$W/audit.log"
t_eq "retention: the visit's earlier audit records stay (they never held the number)" 0 \
    "$(grep -c '3302011234567890' "$W/audit.log")"
t_check "retention: the earlier records are still in the log" \
    grep -q "event=visit.submit visit=$id " "$W/audit.log"
t_eq "kuncictl shows the visit without the number" "done|" \
    "$(vfield "$id" state)|$(vfield "$id" id_doc)"

# once only: a later pass (here: a restart, the first pass runs at once)
kd_stop
kd_start
wait_passes 2
t_eq "a later pass removes nothing twice (one audit record per visit)" 1 \
    "$(audit_count "event=visit.identity_removed visit=$id ")"
t_eq "... and two in all" 2 "$(audit_count 'event=visit.identity_removed ')"

# bad value: one line, kuncid -t refuses
sed -i 's/^\([[:space:]]*identity_retention = \).*;/\1"90 days";/' "$KUNCI_CONF"
out=$("$KUNCID" -t -c "$KUNCI_CONF" 2>&1); rc=$?
t_eq "a bad identity_retention is refused" "1" "$([ "$rc" -ne 0 ] && echo 1)"
t_grep "... naming the key" 'visits.identity_retention: bad duration "90 days"' <(printf '%s\n' "$out")
sed -i 's/^\([[:space:]]*identity_retention = \).*;/\1"90d";/' "$KUNCI_CONF"
t_done
