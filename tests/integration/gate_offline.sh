#!/bin/bash
# gate_offline.sh: the login gate while LDAP is away.  With slapd stopped,
# logins on valid grants keep working under offline=cache and are denied
# under offline=deny and once the cache is older than offline_max_age; a
# kuncid restarted during the outage answers from its snapshot; a tampered
# snapshot (or one under another key) is refused; when slapd returns the
# index resyncs.
. "$(dirname "$0")/gate.inc"

gate_setup 's|{ resource = "server-room:\*"; offline = "deny"; offline_max_age = "0s"; }|{ resource = "server-room:*"; offline = "deny"; offline_max_age = "0s"; }, { resource = "host:strict"; offline = "deny"; }, { resource = "host:short*"; offline = "cache"; offline_max_age = "3s"; }|'
grep -q 'host:strict' "$GT/kunci.conf" || t_fail "test config lacks its policies"
pam_service kt "resource=host:test"
pam_service strict "resource=host:strict"
pam_service short "resource=host:short1"
snap=$SB/state/grants.snapshot

grant_add O-001 hsantoso host:test active -3600 86400
grant_add O-002 dpratama host:strict active -3600 86400
grant_add O-003 asetiawan host:short1 active -3600 86400
grant_add O-004 rwulandari host:test revoked -3600 86400

t_check "online: allowed" wait_result kt hsantoso PAM_SUCCESS 100
# the four grants reach the index one by one: wait for each
t_check "online: strict resource allowed" wait_result strict dpratama PAM_SUCCESS 50
t_check "online: short-cache resource allowed" wait_result short asetiawan PAM_SUCCESS 50
for _ in $(seq 100); do [ -s "$snap" ] && break; sleep 0.1; done
t_check "snapshot written" test -s "$snap"
t_eq "snapshot is private" 600 "$(stat -c %a "$snap")"

"$KUNCI_TOP/tests/sandbox" slapd-stop "$SB" >/dev/null 2>&1
t_wait_grep "kuncid notices the directory is lost" 'sync: directory lost' \
    "$SB/kuncid.log"
t_eq "offline=cache: valid grant still allowed" PAM_SUCCESS "$(pc kt hsantoso)"
t_eq "offline=cache: revoked grant still denied" PAM_PERM_DENIED "$(pc kt rwulandari)"
t_eq "offline=cache: no grant still denied" PAM_PERM_DENIED "$(pc kt bkurniawan)"
t_eq "offline=deny: valid grant denied" PAM_AUTHINFO_UNAVAIL "$(pc strict dpratama)"
t_wait_grep "audit: offline deny reason" 'login.deny.*resource=host:strict.*offline policy deny' "$SB/kuncid.log"
t_wait_grep "audit: allow from cache" 'login.allow.*user=hsantoso.*offline cache' "$SB/kuncid.log"
t_check "offline_max_age passed: denied" \
    wait_result short asetiawan PAM_AUTHINFO_UNAVAIL 100
t_eq "other resources keep their 12h cache" PAM_SUCCESS "$(pc kt hsantoso)"

# a kuncid restarted during the outage answers from the snapshot
"$KUNCI_TOP/tests/sandbox" kuncid-restart "$SB" >/dev/null 2>&1 ||
    t_fail "kuncid did not restart without LDAP"
t_check "restarted offline: allowed from the snapshot" \
    wait_result kt hsantoso PAM_SUCCESS 50
t_grep "snapshot loaded" 'snapshot loaded: [0-9]+ grants' "$SB/kuncid.log"
t_eq "restarted offline: revoked still denied" PAM_PERM_DENIED "$(pc kt rwulandari)"
t_eq "restarted offline: deny policy holds" PAM_AUTHINFO_UNAVAIL "$(pc strict dpratama)"

# a tampered snapshot is refused
"$KUNCI_TOP/tests/sandbox" kuncid-stop "$SB" >/dev/null 2>&1
cp "$snap" "$GT/snap.orig"
size=$(stat -c %s "$snap")
printf 'X' | dd of="$snap" bs=1 seek=$((size / 2)) conv=notrunc status=none
"$KUNCI_TOP/tests/sandbox" kuncid-start "$SB" >/dev/null 2>&1 ||
    t_fail "kuncid did not start"
t_wait_grep "tampered snapshot: discarded with an error" 'snapshot discarded: .*integrity check failed' "$SB/kuncid.log"
t_eq "tampered snapshot: nothing allowed" PAM_AUTHINFO_UNAVAIL "$(pc kt hsantoso)"

# a snapshot written under another key is refused too
"$KUNCI_TOP/tests/sandbox" kuncid-stop "$SB" >/dev/null 2>&1
cp "$GT/snap.orig" "$snap"
head -c 32 /dev/urandom | base64 >"$GT/snapshot.key"
n=$(grep -c 'snapshot discarded' "$SB/kuncid.log")
"$KUNCI_TOP/tests/sandbox" kuncid-start "$SB" >/dev/null 2>&1 ||
    t_fail "kuncid did not start"
t_wait_eq "foreign key: the snapshot is discarded" $((n + 1)) 50 \
    grep -c 'snapshot discarded' "$SB/kuncid.log"
t_eq "foreign key: nothing allowed" PAM_AUTHINFO_UNAVAIL "$(pc kt hsantoso)"

# LDAP returns: the index resyncs, revocations apply again
"$KUNCI_TOP/tests/sandbox" slapd-start "$SB" >/dev/null 2>&1 ||
    t_fail "slapd did not restart"
t_check "back online: allowed" wait_result kt hsantoso PAM_SUCCESS 300
t_eq "back online: strict resource allowed" PAM_SUCCESS "$(pc strict dpratama)"
grant_set O-001 kunciStatus revoked
t_check "back online: revocation applies" wait_result kt hsantoso PAM_PERM_DENIED 20

t_done
