#!/bin/bash
# panel_accounts.sh: the control-panel accounts C1 makes are POSIX accounts
# a panel host's nslcd can serve (panel_cockpit.sh logs one in for real):
# a uid number from provision.uid_min..uid_max, the gid number, the home
# under provision.home_base, the shell of the grant's resource (nologin for
# Webmin, a real shell for Cockpit, raised and never lowered when one
# account serves both).  Numbers come from the one counter module
# (agent/counter.c): 20 accounts provisioned at the same moment get 20
# distinct uid numbers (and 20 requests submitted at once 20 distinct
# ids), and a number some directory entry already holds is skipped.  An
# account made before (inetOrgPerson only) becomes a POSIX one when
# provisioned again.  An account whose grant was revoked gets no new
# password.
. "$(dirname "$0")/provision.inc"

prov_setup
PEOPLE=ou=panel-accounts,$KUNCI_BASE
STEPS="tramadhan hsantoso asetiawan bkurniawan rwulandari rwulandari"
# attr ACCOUNT ATTR: one attribute of a panel account
attr() { ls_ -b "uid=$1,$PEOPLE" -s base "$2" | sed -n "s/^$2: //p"; }

# c1_to_provision RESOURCE: a C1 request of lputri's walked to its
# provision step; prints its id
c1_to_provision()
{
	local id
	id=$(kc --as lputri --json request submit --resource "$1" --type account \
	    --reason "Mengelola panel" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') &&
	    walk "$id" $STEPS && echo "$id"
}

# --- one account, Webmin: nologin ---------------------------------------------
id=$(c1_to_provision control-panel:webmin)
kcr --as ihidayat --lang en request approve "$id" --account lputri
t_eq "the account is provisioned" 0 "$rc"
t_grep "... and the password shown once" "password [^ ]+ \(" <(echo "$out")
t_eq "objectClasses: inetOrgPerson posixAccount shadowAccount" \
    "inetOrgPerson posixAccount shadowAccount" "$(attr lputri objectClass | sort | xargs)"
u1=$(attr lputri uidNumber)
t_eq "the first uid number is provision.uid_min" 20000 "$u1"
t_eq "gid number: its own uid number (provision.gid = 0)" "$u1" "$(attr lputri gidNumber)"
t_eq "home: provision.home_base/NAME" /home/lputri "$(attr lputri homeDirectory)"
t_eq "Webmin's account: nologin (provision.shell)" /usr/sbin/nologin "$(attr lputri loginShell)"
t_wait_grep "audited: account.create with the uid number and shell" \
    "event=account.create account=lputri .*uid_number=20000 shell=/usr/sbin/nologin" "$W/audit.log"

# the same account for Cockpit: the shell becomes a real one ...
id=$(c1_to_provision control-panel:cockpit)
kcr --as ihidayat request approve "$id" --account lputri
t_eq "Cockpit on the same account" 0 "$rc"
t_eq "... its shell is raised to bash (provision.shells)" /bin/bash "$(attr lputri loginShell)"
t_eq "... its uid number kept" "$u1" "$(attr lputri uidNumber)"
# ... and another Webmin grant does not lower it
id=$(c1_to_provision control-panel:usermin)
kcr --as ihidayat request approve "$id" --account lputri
t_eq "a nologin panel on the same account does not lower the shell" /bin/bash \
    "$(attr lputri loginShell)"

# --- a number already held in the directory is skipped --------------------------
la >/dev/null <<EOT || t_fail "a person holding uid number 20001"
dn: uid=tangan,ou=people,$KUNCI_BASE
objectClass: inetOrgPerson
objectClass: posixAccount
uid: tangan
cn: Dibuat Tangan
sn: Tangan
uidNumber: 20001
gidNumber: 20001
homeDirectory: /home/tangan
EOT
id=$(c1_to_provision control-panel:webmin)
kcr --as ihidayat request approve "$id" --account lputri-web
t_eq "the next account is provisioned" 0 "$rc"
t_eq "... with 20002: 20001 is held by a person" 20002 "$(attr lputri-web uidNumber)"

# --- an account made before accounts were POSIX ones ---------------------------
la >/dev/null <<EOT || t_fail "an account of an earlier version"
dn: uid=lputri-lama,$PEOPLE
objectClass: inetOrgPerson
uid: lputri-lama
cn: Lestari Putri
sn: lputri-lama
seeAlso: uid=lputri,ou=people,$KUNCI_BASE
EOT
oid=$(c1_to_provision control-panel:cockpit)
kcr --as ihidayat request approve "$oid" --account lputri-lama
t_eq "provisioning it again succeeds" 0 "$rc"
t_eq "... and makes it a POSIX account with the next uid number" \
    "posixAccount shadowAccount 20003 /bin/bash /home/lputri-lama" \
    "$(attr lputri-lama objectClass | grep -E '^(posix|shadow)Account$' | sort | xargs) $(attr lputri-lama uidNumber) $(attr lputri-lama loginShell) $(attr lputri-lama homeDirectory)"

# --- a revoked grant's account gets no new password ----------------------------
wid=$id
kcr --as sanggraini grant revoke "$wid" --now --reason "Tidak dipakai lagi"
t_eq "the grant of lputri-web is revoked" 0 "$rc"
t_eq "... its account has no password left" 0 \
    "$(ls_ -b "uid=lputri-web,$PEOPLE" -s base userPassword | grep -c '^userPassword')"
kcr --as ihidayat --lang en account password "$wid"
t_eq "account password for a revoked grant: EX_DATAERR" 65 "$rc"
t_eq "... saying why, in one line" \
    "kuncictl: grant $wid is revoked: a password is set only for an active grant" "$err"
t_eq "... and the account still has none" 0 \
    "$(ls_ -b "uid=lputri-web,$PEOPLE" -s base userPassword | grep -c '^userPassword')"

# --- 20 at once ------------------------------------------------------------------
N=20
tmp=$PT/ids
mkdir -p "$tmp"
# submitted at the same moment: 20 distinct request ids (counter.c)
# (wait on these PIDs only: kuncid and the audit receiver are children too)
pids=()
for i in $(seq -w 1 $N); do
	kc --as lputri --json request submit --resource control-panel:webmin \
	    --type account --reason "Panel $i" >"$tmp/sub.$i" 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"
for i in $(seq -w 1 $N); do
	python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <"$tmp/sub.$i"
done >"$tmp/ids"
t_eq "$N requests submitted at once: $N ids" $N "$(grep -c . "$tmp/ids")"
t_eq "... all distinct" $N "$(sort -u "$tmp/ids" | grep -c .)"
# walked to the provision step, in parallel
pids=()
while read -r rid; do
	walk "$rid" $STEPS &
	pids+=($!)
done <"$tmp/ids"
wait "${pids[@]}"
t_eq "all $N wait at the provision step" $N \
    "$(while read -r rid; do field "$rid" step; done <"$tmp/ids" | grep -c '^account$')"
# provisioned at the same moment: 20 new accounts
i=0 pids=()
while read -r rid; do
	i=$((i + 1))
	kc --as ihidayat --lang en request approve "$rid" --account "$(printf 'panel%02d' $i)" \
	    >"$tmp/prov.$i" 2>&1 &
	pids+=($!)
done <"$tmp/ids"
wait "${pids[@]}"
t_eq "$N accounts provisioned at once" $N "$(cat "$tmp"/prov.* | grep -c 'password [^ ]* (')"
for i in $(seq 1 $N); do attr "$(printf 'panel%02d' $i)" uidNumber; done >"$tmp/uids"
t_eq "... $N uid numbers" $N "$(grep -c '^[0-9]' "$tmp/uids")"
t_eq "... $N distinct uid numbers" $N "$(sort -u "$tmp/uids" | grep -c .)"
t_eq "... all in 20004..20023 (no gap, no double)" "20004 20023" \
    "$(sort -n "$tmp/uids" | sed -n '1p;$p' | xargs)"
t_eq "the counter holds the last one" 20023 \
    "$(ls_ -b "cn=panel-uid,ou=counters,ou=kunci,$KUNCI_BASE" -s base kunciCounter | sed -n 's/^kunciCounter: //p')"
t_done
