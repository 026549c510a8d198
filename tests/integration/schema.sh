#!/bin/bash
# schema.sh: the kunci schema (ldif/kunci.ldif and its twin kunci.schema)
# loads into slapd 2.5 and behaves as the agent relies on: required
# attributes, GeneralizedTime ordering filters, assertions, counters,
# the example organisation.
set -eu
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

command -v slapd >/dev/null 2>&1 || command -v /usr/sbin/slapd >/dev/null ||
    t_skip "slapd not installed"
PATH=$PATH:/usr/sbin

# shellcheck disable=SC2119 # no sandbox arguments
sandbox_up
B=$KUNCI_BASE
G=ou=grants,ou=kunci,$B
TMP=$KUNCI_SANDBOX/t
mkdir -p "$TMP"

# --- the LDIF form is loaded
dn=$(ls_ -b cn=schema,cn=config '(cn=*kunci)' dn)
t_eq "kunci.ldif loaded into cn=schema" "dn: cn={4}kunci,cn=schema,cn=config" "$dn"

# definitions as slapd holds them, one per line, index prefix dropped
norm()
{
	sed -n 's/^olc\(AttributeTypes\|ObjectClasses\): *\({[0-9]*}\)\?//p' |
	    tr -s ' \t' '  ' | sed 's/ *$//' | sort
}
ls_ -b "cn={4}kunci,cn=schema,cn=config" -s base olcAttributeTypes \
    olcObjectClasses | norm >"$TMP/from-ldif"
n_at=$(grep -c "^( 2.25.164686047217745146991010445277794497484\.1\." "$TMP/from-ldif" || :)
n_oc=$(grep -c "^( 2.25.164686047217745146991010445277794497484\.2\." "$TMP/from-ldif" || :)
if [ "$n_at" -ge 50 ] && [ "$n_oc" -eq 10 ]; then
	t_ok "schema defines $n_at attribute types and $n_oc object classes"
else
	t_fail "schema size" "attribute types: $n_at, object classes: $n_oc"
fi
bad=$(grep -o "NAME '[^']*'" "$TMP/from-ldif" | grep -v "NAME 'kunci" || :)
t_eq "every name is prefixed kunci" "" "$bad"

# --- the .schema twin converts (slaptest) and defines the same things
mkdir -p "$TMP/conv/slapd.d"
{
	for f in core cosine nis inetorgperson; do
		echo "include /etc/ldap/schema/$f.schema"
	done
	echo "include $KUNCI_TOP/ldif/kunci.schema"
} >"$TMP/conv/slapd.conf"
if out=$(slaptest -f "$TMP/conv/slapd.conf" -F "$TMP/conv/slapd.d" 2>&1); then
	t_ok "kunci.schema converts with slaptest"
else
	t_fail "kunci.schema converts with slaptest" "$out"
fi
f=$(find "$TMP/conv/slapd.d" -name 'cn={*}kunci.ldif' | head -n 1)
if [ -n "$f" ]; then
	# slapd.d files are LDIF with folded lines: unfold first
	sed -e ':a' -e 'N' -e '$!ba' -e 's/\n //g' "$f" | norm >"$TMP/from-schema"
	if cmp -s "$TMP/from-ldif" "$TMP/from-schema"; then
		t_ok "kunci.schema and kunci.ldif define the same things"
	else
		t_fail "kunci.schema and kunci.ldif define the same things" \
		    "$(diff "$TMP/from-ldif" "$TMP/from-schema" | head -n 10)"
	fi
else
	t_fail "converted schema entry found"
fi

# --- required attributes
cat >"$TMP/bad-grant.ldif" <<EOF
dn: kunciId=2026-900001,$G
objectClass: kunciGrant
kunciId: 2026-900001
kunciSubject: jwijaya
kunciResource: host:srv-web1
kunciStatus: active
kunciNotBefore: 20260101000000Z
EOF
out=$(la -f "$TMP/bad-grant.ldif" 2>&1) && rc=0 || rc=$?
t_eq "grant without kunciNotAfter is refused (objectClassViolation)" 65 "$rc"
t_check "... with an object class violation message" \
    grep -q "Object class violation" <<<"$out"

out=$(la 2>&1 <<EOF
dn: kunciId=2026-900002,$G
objectClass: kunciGrant
kunciId: 2026-900002
kunciSubject: jwijaya
kunciResource: host:srv-web1
kunciStatus: active
kunciNotBefore: 20260101000000Z
kunciNotAfter: next tuesday
EOF
) && rc=0 || rc=$?
t_eq "a non-GeneralizedTime kunciNotAfter is refused (invalidAttributeSyntax)" 21 "$rc"

out=$(la 2>&1 <<EOF
dn: kunciId=2026-900003,$G
objectClass: kunciGrant
kunciId: 2026-900003
kunciSubject: jwijaya
kunciResource: host:srv-web1
kunciStatus: active
kunciStatus: revoked
kunciNotBefore: 20260101000000Z
kunciNotAfter: 20270101000000Z
EOF
) && rc=0 || rc=$?
t_eq "kunciStatus is single-valued" 19 "$rc"

# --- expiry is a server-side filter
past=$(now_gt -3600)
future=$(now_gt 86400)
start=$(now_gt -86400)
t_check "add an expired and a current grant" la <<EOF
dn: kunciId=2026-000001,$G
objectClass: kunciGrant
kunciId: 2026-000001
kunciSubject: lputri
kunciResource: server-room:dc1
kunciStatus: active
kunciCredential: KARTU-0001
kunciTimeWindow: mon-fri 07:00-17:00
kunciRequestRef: 2026-000010
kunciNotBefore: $start
kunciNotAfter: $past

dn: kunciId=2026-000002,$G
objectClass: kunciGrant
kunciId: 2026-000002
kunciSubject: ekusuma
kunciResource: control-panel:webmin
kunciStatus: active
kunciCredential: ekusuma
kunciNotBefore: $start
kunciNotAfter: $future
EOF
now=$(now_gt)
got=$(ls_ -b "$G" "(&(objectClass=kunciGrant)(kunciNotAfter<=$now))" kunciId |
    sed -n 's/^kunciId: //p' | tr '\n' ' ')
t_eq "(kunciNotAfter<=now) finds only the expired grant" "2026-000001 " "$got"
got=$(ls_ -b "$G" "(&(objectClass=kunciGrant)(kunciNotBefore<=$now)(!(kunciNotAfter<=$now))(kunciStatus=active)(kunciSubject=EKUSUMA))" kunciId |
    sed -n 's/^kunciId: //p')
t_eq "login-gate filter finds the current grant (subject matched case-insensitively)" \
    "2026-000002" "$got"

# --- a step advances only if the step is still the expected one
t_check "add a request" la <<EOF
dn: kunciId=2026-000010,ou=requests,ou=kunci,$B
objectClass: kunciRequest
kunciId: 2026-000010
kunciRequester: lputri
kunciSubject: lputri
kunciResource: server-room:dc1
kunciWorkflow: A
kunciState: pending
kunciStepIndex: 2
kunciStep: kabid-forward
kunciCreated: $now
kunciStepSince: $now

dn: kunciId=001,kunciId=2026-000010,ou=requests,ou=kunci,$B
objectClass: kunciEvent
kunciId: 001
kunciTime: $now
kunciActor: lputri
kunciDecision: submit
kunciStepIndex: 0
EOF
adv()
{
	lm -e "!assert=(kunciStepIndex=$1)" <<EOF
dn: kunciId=2026-000010,ou=requests,ou=kunci,$B
changetype: modify
replace: kunciStepIndex
kunciStepIndex: $2
EOF
}
t_check "advance with the right step assertion" adv 2 3
out=$(adv 2 3 2>&1) && rc=0 || rc=$?
t_eq "a second advance from the same step fails (assertionFailed)" 122 "$rc"

# --- id counters
t_check "add an id counter" la <<EOF
dn: cn=request-2026,ou=counters,ou=kunci,$B
objectClass: kunciIdCounter
cn: request-2026
kunciCounter: 41
EOF
t_check "increment the counter (RFC 4525)" lm <<EOF
dn: cn=request-2026,ou=counters,ou=kunci,$B
changetype: modify
increment: kunciCounter
kunciCounter: 1
EOF
got=$(ls_ -b "cn=request-2026,ou=counters,ou=kunci,$B" -s base kunciCounter |
    sed -n 's/^kunciCounter: //p')
t_eq "counter value after increment" 42 "$got"

# --- the other classes accept a typical entry
t_check "card, campaign, finding and visit entries load" la <<EOF
dn: kunciId=KARTU-0001,ou=cards,ou=kunci,$B
objectClass: kunciCard
kunciId: KARTU-0001
kunciCardSerial: 04A1B2C3D4
kunciHolder: lputri
kunciStatus: active
kunciResource: server-room:dc1
kunciGrantRef: 2026-000001

dn: kunciId=2026-q1,ou=reviews,ou=kunci,$B
objectClass: kunciReviewCampaign
kunciId: 2026-q1
kunciPeriod: 2026-q1
kunciState: open
kunciScope: server-room
kunciDeadline: $future

dn: kunciId=2026-000001,kunciId=2026-q1,ou=reviews,ou=kunci,$B
objectClass: kunciReviewFinding
kunciId: 2026-000001
kunciGrantRef: 2026-000001
kunciDecision: remove
kunciRisk: 3
kunciFinding: unused for 120 days

dn: kunciId=2026-000007,ou=visits,ou=kunci,$B
objectClass: kunciVisit
kunciId: 2026-000007
kunciGuestName: Bambang Suryadi
kunciGuestOrg: PT Contoh Jaringan
kunciIdentityDoc: KTP 3500000000000001
kunciPurpose: ganti switch inti
kunciResource: server-room:dc1
kunciEscort: sanggraini
kunciState: inside
kunciCheckIn: $now
kunciRoomLocked: FALSE
kunciExpectedDuration: 3600
kunciCreated: $now
EOF

# --- removal requests are requests (workflow removal.workflow): the
# retired kunciRemovalRequest class and ou=removals are gone
out=$(ls_ -b "ou=removals,ou=kunci,$B" -s base dn 2>&1) && rc=0 || rc=$?
t_eq "there is no ou=removals (noSuchObject)" 32 "$rc"
out=$(la 2>&1 <<EOF
dn: kunciId=2026-000006,ou=requests,ou=kunci,$B
objectClass: kunciRemovalRequest
kunciId: 2026-000006
EOF
) && rc=0 || rc=$?
t_check "the retired class kunciRemovalRequest is refused ($rc)" test "$rc" -ne 0
t_check "a removal request loads as a kunciRequest" la <<EOF
dn: kunciId=2026-000005,ou=requests,ou=kunci,$B
objectClass: kunciRequest
kunciId: 2026-000005
kunciRequester: mfitriani
kunciSubject: lputri
kunciResource: server-room:dc1
kunciWorkflow: C3
kunciAccessType: removal
kunciGrantRef: 2026-000001
kunciReason: pindah tugas
kunciState: pending
kunciCreated: $now
EOF

# --- the example organisation
n=$(ls_ -b "ou=people,$B" '(objectClass=inetOrgPerson)' dn | grep -c '^dn:')
t_check "example organisation has at least 15 people ($n)" test "$n" -ge 15
broken=''
for uid in $(ls_ -b "ou=people,$B" '(uid=*)' uid | sed -n 's/^uid: //p'); do
	cur=$uid hops=0
	while m=$(ls_ -b "uid=$cur,ou=people,$B" -s base manager |
	    sed -n 's/^manager: uid=\([^,]*\),.*/\1/p') && [ -n "$m" ]; do
		cur=$m hops=$((hops + 1))
		[ $hops -lt 6 ] || break
	done
	[ "$cur" = hsantoso ] || broken="$broken $uid"
done
t_eq "every manager chain ends at the Kadis" "" "$broken"
missing=''
for g in kadis kabid-aptika kabid-egov kasi-infra kasi-sdtik \
    operator-ruang-server administrator tech-support helpdesk koordinator \
    tim-teknis access-owner unit-bappeda unit-dukcapil; do
	ls_ -b "cn=$g,ou=groups,$B" -s base member | grep -q '^member:' ||
	    missing="$missing $g"
done
t_eq "a non-empty group for every SOP role" "" "$missing"
got=$(ls_ -b "ou=resources,ou=kunci,$B" '(&(objectClass=kunciManagedResource)(kunciName=server-room:dc1))' kunciWorkflow kunciCritical |
    grep -E '^kunci' | sort | tr '\n' ' ')
t_eq "server-room:dc1 uses workflow A and is critical" \
    "kunciCritical: TRUE kunciWorkflow: A " "$got"

t_done
