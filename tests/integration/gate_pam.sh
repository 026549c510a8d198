#!/bin/bash
# gate_pam.sh: pam_kunci.so through the real libpam against a real kuncid
# and slapd (tests/sandbox): allowed with an active grant; denied with none,
# expired, not yet valid, revoked, suspended, for another resource, outside
# its time window; unknown users; names with LDAP filter metacharacters;
# service mapping; revocation within 2 s; the shipped snippet with kuncid
# down.
. "$(dirname "$0")/gate.inc"

HOST=$(hostname)
gate_setup 's|{ service = "sshd"; resource = "host:%h"; },|{ service = "sshd"; resource = "host:%h"; }, { service = "kunci-map"; resource = "host:%h"; },|'
pam_service kt "resource=host:test"
pam_service kunci-map ""

# A window that excludes now (two hours ahead, one hour long), in the
# configured zone.
h=$(TZ=Asia/Jakarta date +%-H)
ws=$(((h + 2) % 24)); we=$((ws + 1))
OUT_WIN=$(printf 'daily %02d:00-%02d:00' "$ws" "$we")

grant_add G-001 hsantoso host:test active -3600 86400
grant_add G-002 asetiawan host:test active -86400 -60		# expired
grant_add G-003 rwulandari host:test active 3600 86400		# not yet
grant_add G-004 bkurniawan host:test revoked -3600 86400
grant_add G-005 mfitriani host:other active -3600 86400		# other res
grant_add G-006 fnugroho host:test active -3600 86400 "$OUT_WIN"
grant_add G-007 sanggraini host:test active -3600 86400 "daily 00:00-24:00"
grant_add G-008 ihidayat host:test suspended -3600 86400
grant_add G-009 nlestari "host:$HOST" active -3600 86400
grant_add G-010 dpratama host:test expired -3600 86400
grant_add G-011 '*' host:test active -3600 86400		# a literal star
grant_add G-012 hsantoso host:test active -3600 86400 "mon-fri 25:00-26:00"
grant_add G-099 nlestari host:sentinel active -3600 86400	# added last

t_check "kuncid syncs and allows an active grant" \
    wait_result kt hsantoso PAM_SUCCESS 100
# the grants reach the index one by one, in the order they were added:
# once the last one (a sentinel) answers, every one before it is there
t_check "the last grant added reaches the gate" wait_for 100 eval \
    '[ "$(gq nlestari kt host:sentinel | head -n1 | cut -d" " -f1)" = allow ]'
t_eq "window including now allows" PAM_SUCCESS "$(pc kt sanggraini)"
for u in asetiawan rwulandari bkurniawan mfitriani fnugroho ihidayat \
    dpratama; do
	t_eq "denied: $u" PAM_PERM_DENIED "$(pc kt "$u")"
done
t_eq "no grant at all: denied" PAM_PERM_DENIED "$(pc kt mfitriani)"
t_eq "unknown user: denied" PAM_PERM_DENIED "$(pc kt tidakada)"
t_grep "the denial tells the user the resource" "host:test" "$GT/pam.msgs"
t_check_fail "... and names no --type it cannot know (submit takes the workflow's)" \
    grep -q -- "--type" "$GT/pam.msgs"
# a grant not valid yet: the user is told when it starts (agent.timezone,
# Asia/Jakarta here), not to ask again
nb=$(ls_ -b "kunciId=G-003,ou=grants,ou=kunci,$KUNCI_BASE" -s base kunciNotBefore |
    sed -n 's/^kunciNotBefore: //p')
when=$(TZ=Asia/Jakarta date -d "@$(date -u -d "${nb:0:8} ${nb:8:2}:${nb:10:2}:${nb:12:2}" +%s)" '+%Y-%m-%d %H:%M')
msg=$("$PAMCHECK" -d "$PAMD" -s kt rwulandari 2>&1 >/dev/null)
t_grep "not valid yet: the user reads when it starts ($when)" \
    "G-003 .*host:test.* $when\." <(echo "$msg")
t_check_fail "... and no request command" grep -q "request submit" <<<"$msg"

# last use: written off the login path, once per granularity (1d)
lu()
{
	ls_ -b "kunciId=$1,ou=grants,ou=kunci,$KUNCI_BASE" -s base kunciLastUsed |
	    sed -n 's/^kunciLastUsed: //p'
}
for _ in $(seq 50); do [ -n "$(lu G-001)" ] && break; sleep 0.1; done
lu1=$(lu G-001)
t_check "an allowed login records kunciLastUsed" test -n "$lu1"
t_eq "a denied login records nothing" "" "$(lu G-002)"
# a second later, so that a write would show; then a sync point: the first
# login on another grant, whose write queues behind anything G-001's would
wait_for 30 eval '[ "$(now_gt)" != "$lu1" ]'
pc kt hsantoso >/dev/null
pc kunci-map nlestari >/dev/null
t_check "... (a first login on another grant is recorded)" \
    wait_for 50 eval '[ -n "$(lu G-009)" ]'
t_eq "a second login within the granularity writes nothing" "$lu1" "$(lu G-001)"

# reasons in the audit records (each waits: records are asynchronous)
log=$SB/kuncid.log
# which path decided: the gate table unless no_table (gate_pam_socket.sh)
if [ "${GATE_PAM_EXTRA:-}" = no_table ]; then
	t_wait_grep "no_table: decided by kuncid" 'login.allow.*user=hsantoso.*via=query' "$log"
	if grep -q 'via=table' "$log"; then
		t_fail "no_table: a decision came from the table"
	else
		t_ok "no_table: no decision came from the table"
	fi
else
	t_wait_grep "decided from the gate table" 'login.allow.*user=hsantoso.*grant=G-001.*via=table' "$log"
	t_wait_grep "denial from the gate table" 'login.deny.*grant=G-004.*revoked.*via=table' "$log"
fi
t_wait_grep "audit: expired" 'login.deny.*grant=G-002.*not-after passed' "$log"
t_wait_grep "audit: not yet valid" 'login.deny.*grant=G-003.*not yet valid' "$log"
t_wait_grep "audit: revoked" 'login.deny.*grant=G-004.*revoked' "$log"
t_wait_grep "audit: window" 'login.deny.*grant=G-006.*time window' "$log"
t_wait_grep "audit: allow" 'login.allow.*user=hsantoso.*grant=G-001' "$log"
t_wait_grep "audit: unknown user not named" 'login.deny user=.?\(unknown\).?.*unknown user' "$log"
if grep -q 'tidakada' "$log"; then
	t_fail "an unknown user name reached the log"
else
	t_ok "an unknown user name stays out of the log"
fi

# LDAP filter metacharacters never match another user's grant
for u in 'hsantoso*' '*' 'h*' 'hsantoso)(uid=*' '(uid=hsantoso)' \
    'hsantoso\' '*)(|(kunciSubject=*' 'HSANTOSO' ' hsantoso'; do
	t_eq "metacharacters: '$u' denied" PAM_PERM_DENIED "$(pc kt "$u")"
done
# the agent refuses over-long names and control characters itself
long=$(printf 'a%.0s' $(seq 65))
t_check_fail "agent: over-long name gets no answer" gq "$long" kt host:test
t_eq "agent: 64-byte name is still answered" unknown "$(gq "${long:1}" kt host:test | head -n1 | cut -d' ' -f1)"
t_eq "agent: control character" deny "$(gq hex:6873616e746f736f0a kt host:test | head -n1 | cut -d' ' -f1)"
t_eq "module: control character" PAM_PERM_DENIED "$("$PAMCHECK" -d "$PAMD" -s kt hex:6873616e746f736f0a 2>/dev/null | awk '{print $NF}')"

# the service maps to host:<hostname>
t_eq "service mapping allows on host:$HOST" PAM_SUCCESS "$(pc kunci-map nlestari)"
t_eq "service mapping: grant for another host denied" PAM_PERM_DENIED "$(pc kunci-map hsantoso)"
t_eq "unmapped service denied" deny "$(gq hsantoso no-such-service | head -n1 | cut -d' ' -f1)"
pam_service no-such-service ""
: >"$GT/pam.msgs"
t_eq "an unmapped service through PAM: denied" PAM_PERM_DENIED "$(pc no-such-service hsantoso)"
t_grep "... telling the user the service has no mapping, not an empty resource" \
    "(not mapped to a resource|belum dipetakan ke sumber daya)" "$GT/pam.msgs"
t_eq "unmanaged account ignored" ignore "$(gq darurat kt host:test | head -n1 | cut -d' ' -f1)"

# revocation reaches the next login within 2 s
grant_set G-001 kunciStatus revoked
t0=$(date +%s%N)
if wait_result kt hsantoso PAM_PERM_DENIED 20; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	t_ok "revocation stops the next login (${ms} ms)"
else
	t_fail "revocation did not stop the login within 2 s"
fi
# and a reinstated grant works again
grant_set G-001 kunciStatus active
t_check "reinstated grant allows again" wait_result kt hsantoso PAM_SUCCESS 20
# a deleted grant denies
ldelete "kunciId=G-007,ou=grants,ou=kunci,$KUNCI_BASE"
t_check "deleted grant denies" wait_result kt sanggraini PAM_PERM_DENIED 20

# the shipped snippet, as it is (only the module path points at the build),
# denies when kuncid is down -- also with pam_permit after it
sed "s|pam_kunci.so|$PAM_KUNCI|" "$KUNCI_TOP/conf/pam.d/kunci-account" >"$PAMD/shipped"
if diff <(sed "s|$PAM_KUNCI|pam_kunci.so|" "$PAMD/shipped") \
    "$KUNCI_TOP/conf/pam.d/kunci-account" >/dev/null; then
	t_ok "test copy of the snippet differs only in the module path"
else
	t_fail "test copy of the snippet differs"
fi
{ cat "$PAMD/shipped"; echo "account required pam_permit.so"; } >"$PAMD/shipped-permit"
"$KUNCI_TOP/tests/sandbox" kuncid-stop "$SB" >/dev/null 2>&1
t_eq "kuncid down: module says unavailable" PAM_AUTHINFO_UNAVAIL "$(pc kt hsantoso)"
t_eq "... and tells the user so in Indonesian and English (doc/pam_kunci.8)" \
    "msg: kunci: akses tidak dapat diperiksa saat ini; coba lagi nanti. (access cannot be checked right now; try again later.)" \
    "$(grep '^msg: ' "$GT/pam.msgs" | tail -n 1)"
r=$(pc shipped hsantoso)
case $r in PAM_SUCCESS | PAM_IGNORE) t_fail "shipped snippet allowed with kuncid down ($r)" ;;
*) t_ok "shipped snippet denies with kuncid down ($r)" ;; esac
r=$(pc shipped-permit hsantoso)
case $r in PAM_SUCCESS | PAM_IGNORE) t_fail "shipped snippet + pam_permit allowed ($r)" ;;
*) t_ok "shipped snippet + pam_permit still denies ($r)" ;; esac
t_eq "shipped snippet: root is not gated (minimum_uid)" PAM_SUCCESS "$(pc shipped-permit root)"
t_eq "shipped snippet: the break-glass account (unmanaged=) passes with kuncid down" \
    PAM_SUCCESS "$(pc shipped-permit darurat)"
t_eq "... and no other name does" PAM_AUTHINFO_UNAVAIL "$(pc shipped hsantoso)"

t_done
