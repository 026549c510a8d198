#!/bin/bash
# A review campaign's scan that loses the directory halfway (slapd stopped
# while pages of findings are being written) fails with "unavailable" and
# leaves kuncid running: before, the operation that timed out dropped the
# connection and the scan went on with the freed handle (a segfault in
# libldap took the login gate down with it).  The campaign stays
# "opening", and kuncid answers again once slapd does.
. "$(dirname "$0")/review.inc"

rv_setup "
  interval = \"90d\"; unused_after = \"30d\"; deadline = \"14d\";
  reminders = [ ]; on_silence = \"escalate\"; escalate_to = \"kasi-infra\";
  grace = \"1h\"; incompatible = ( ); units = ( );"
kd_stop
# a short bound on a command's LDAP time: the scan gives up in seconds
sed -i 's|^\([[:space:]]*admin_command_timeout[[:space:]]*=\).*|\1 "1s";|' \
    "$KUNCI_CONF"
grep -q 'admin_command_timeout = "1s";' "$KUNCI_CONF" ||
    { t_fail "admin_command_timeout set in $KUNCI_CONF"; t_done; }
# enough grants for a scan of a few seconds (120 pages of 500)
python3 - "$KUNCI_BASE" >"$W/many.ldif" <<'PY'
import sys, time
base = sys.argv[1]
t = time.strftime("%Y%m%d%H%M%SZ", time.gmtime(time.time() + 90 * 86400))
c = time.strftime("%Y%m%d%H%M%SZ", time.gmtime(time.time() - 9 * 86400))
for i in range(60000):
    print(f"dn: kunciId=RF-{i:06d},ou=grants,ou=kunci,{base}\n"
          f"objectClass: kunciGrant\nkunciId: RF-{i:06d}\nkunciSubject: jwijaya\n"
          f"kunciResource: host:srv-web1\nkunciStatus: active\n"
          f"kunciNotBefore: {c}\nkunciCreated: {c}\nkunciNotAfter: {t}\n")
PY
"$KUNCI_TOP/tests/sandbox" slapd-stop "$W" >/dev/null 2>&1
slapadd -q -F "$W/slapd.d" -b "$KUNCI_BASE" -l "$W/many.ldif" >"$W/slapadd.log" 2>&1
t_eq "60,000 grants loaded with slapadd" 0 "$?"
"$KUNCI_TOP/tests/sandbox" slapd-start "$W" >/dev/null 2>&1
kd_start || t_done
KPID=$(cat "$W/kuncid.pid")
SLAPD_PID=$(cat "$W/slapd.pid")
trap 'kill -CONT $SLAPD_PID 2>/dev/null; wf_cleanup' EXIT

C=2034-q1
CDN="kunciId=$C,ou=reviews,ou=kunci,$KUNCI_BASE"
"$KUNCICTL" --lang en review start --period "$C" >"$W/start.out" 2>&1 &
ST=$!
# stop slapd once the scan has written its first pages
pages=0
for _ in $(seq 600); do
	pages=$(ls_ -b "$CDN" -s one '(kunciId=page-*)' dn 2>/dev/null | grep -c '^dn:')
	[ "$pages" -ge 2 ] && break
	sleep 0.02
done
kill -STOP "$SLAPD_PID"
t_check "the scan had written pages when slapd stopped ($pages)" test "$pages" -ge 2
wait "$ST"
src=$?
sleep 1
alive=no
kill -0 "$KPID" 2>/dev/null && alive=yes
kill -CONT "$SLAPD_PID"
trap wf_cleanup EXIT
t_eq "review start fails: the directory is unavailable (69)" 69 "$src"
t_grep "... and says so" "Timed out|took too long|terlalu lama|lost|terputus" "$W/start.out"
t_eq "kuncid is still running" yes "$alive"
for _ in $(seq 100); do kc status >/dev/null 2>&1 && break; sleep 0.1; done
t_check "kuncid answers again once slapd does" kc status
t_eq "the campaign is left opening (resumed by a later start)" "opening" \
    "$(ls_ -b "$CDN" -s base kunciState | sed -n 's/^kunciState: //p')"

# --- the later start resumes it: the pages written are kept, their grants
# not written twice (found by the pages' keys, doc/review.md "Storage")
kd_stop
sed -i 's|^\([[:space:]]*admin_command_timeout[[:space:]]*=\).*|\1 "15s";|' \
    "$KUNCI_CONF"
kd_start || t_done
lm >/dev/null <<LDIF
dn: $CDN
changetype: modify
replace: kunciUpdated
kunciUpdated: $(gt_ago 1200)
LDIF
kc --lang en review start --period "$C" >"$W/resume.out" 2>&1
t_eq "a later start resumes the interrupted one" 0 "$?"
t_grep "... kuncid says so" "resuming an interrupted start" "$W/kuncid.log"
lines=$W/lines
ldapsearch -Q -Y EXTERNAL -H "$LDAPI_URI" -LLL -E pr=200/noprompt -b "$CDN" -s one \
    '(kunciId=page-*)' kunciFinding | sed -n 's/^kunciFinding: \([^ ]*\) .*/\1/p' >"$lines"
n=$(sed -n 's/.*grants=\([0-9]*\).*/\1/p' "$W/resume.out")
t_eq "... every grant once in the pages ($n)" "$n $n" \
    "$(wc -l <"$lines") $(sort -u "$lines" | wc -l)"
t_check "... at least the 60,000" test "${n:-0}" -ge 60000
t_done
