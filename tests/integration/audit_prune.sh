#!/bin/bash
# audit_prune.sh: old audit checkpoints thinned by audit.checkpoint_retention
# (issue 14), with a real slapd and kuncid; kuncid's clock is set back by
# libfaketime to sign checkpoints on three past days:
#   - day -5: four checkpoints; day -4: three, then the chain head is lost
#     (a new chain, seqs again from 1) and three more; day -3: three; and
#     today's;
#   - restarted with checkpoint_retention = "2d", kuncid removes from
#     ou=audit exactly those an independent computation says may go: all
#     but the last of each day before the cut-off and the last of each
#     chain; today's are all kept; one audit.checkpoints_thinned record;
#   - the whole capture still verifies with the checkpoints left, and a
#     cut tail is still caught; a second pass removes nothing more;
#   - kuncid -t refuses a retention under a day;
#   - with 4,000 more checkpoints than fit one answer, audit checkpoints
#     and audit verify get every one, page by page.
. "$(dirname "$0")/provision.inc"

command -v openssl >/dev/null || t_skip "openssl needed"
FT=
for f in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
    /usr/lib/*/faketime/libfaketime.so.1; do
	[ -e "$f" ] && { FT=$f; break; }
done
[ -n "$FT" ] || t_skip "libfaketime not installed (apt-get install faketime)"
AT=$(mktemp -d "${TMPDIR:-/tmp}/kunci-aprune.XXXXXX")
chmod 755 "$AT"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/O=Kabupaten Contoh/CN=kunci audit kantor-a" \
    -keyout "$AT/audit.key" -out "$AT/audit.crt" >/dev/null 2>&1 && chmod 600 "$AT/audit.key" ||
    t_fail "openssl could not make the audit key"
prov_setup "s|^\\([[:space:]]*host = \\)\"\";|\\1\"kantor-a\";|; s|^\\([[:space:]]*certificate = \\)\"\";|\\1\"$AT/audit.crt\";|; s|^\\([[:space:]]*key = \\)\"\";|\\1\"$AT/audit.key\";|"
trap 'wf_cleanup; rm -rf "$PT" "$AT"' EXIT
LOG=$W/audit.log
SOCK=$(sed -n 's/^[[:space:]]*admin_socket = "\(.*\)";/\1/p' "$KUNCI_CONF")

# kd_at DAYS HH:MM:SS: restart kuncid with its clock at that time of the
# day DAYS days ago (UTC), running on from there
kd_at()
{
	local target off
	target=$(date -u -d "$(date -u -d "$1 days ago" +%F) $2" +%s)
	off=$((target - $(date +%s)))
	kd_stop
	rm -f "$SOCK"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	LD_PRELOAD=$FT FAKETIME="$(printf '%+ds' "$off")" \
	    FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_NO_CACHE=1 \
	    "$KUNCID" -f -c "$KUNCI_CONF" -l "$W/log.sock" </dev/null \
	    >>"$W/kuncid.log" 2>&1 &
	echo $! >"$W/kuncid.pid"
	wait_for 100 test -S "$SOCK" || { t_fail "kuncid under faketime started" "$(tail -n 5 "$W/kuncid.log")"; return 1; }
	wait_for 100 directory_up
}
# cps N: N checkpoints signed now (each one's own record moves the head)
cps()
{
	local i
	for ((i = 0; i < $1; i++)); do
		kcr audit checkpoint
		[ "$rc" = 0 ] || { t_fail "audit checkpoint" "$err"; return 1; }
	done
}
# the checkpoints of kantor-a in the directory: "TIME SEQ" lines by time
listing()
{
	ls_ -b "ou=audit,ou=kunci,$KUNCI_BASE" '(&(objectClass=kunciAuditCheckpoint)(kunciHost=kantor-a))' \
	    kunciCheckpoint | sed -n 's/^kunciCheckpoint: kunci-audit-checkpoint 1 host=kantor-a seq=\([0-9]*\) chain=[0-9a-f]* time=\([0-9]*Z\)$/\2 \1/p' |
	    sort -k1,1 -k2,2n
}

# a fresh start five days ago: what the first kuncid wrote today (its
# records, its shutdown checkpoint) would come before it in the capture
kd_stop
for dn in $(ls_ -b "ou=audit,ou=kunci,$KUNCI_BASE" '(objectClass=kunciAuditCheckpoint)' dn | sed -n 's/^dn: //p'); do
	ldelete "$dn"
done
rm -f "$W/state/audit.head"
: >"$LOG"
kd_at 5 10:00:00 && cps 4
kd_at 4 09:00:00 && cps 3
kd_stop
rm -f "$W/state/audit.head"
kd_at 4 15:00:00 && cps 3
t_check "the lost head began a new chain" wait_audit 'event=audit\.start begins=new .* host=kantor-a seq=1 '
kd_at 3 12:00:00 && cps 3
kd_stop
kd_start
cps 2
kd_stop		# its shutdown checkpoint, too
listing >"$AT/before"
n=$(wc -l <"$AT/before")
t_check "checkpoints signed on three past days and today ($n)" test "$n" -ge 15
t_eq "... none thinned while checkpoint_retention is unset" 0 "$(audit_count 'event=audit\.checkpoints_thinned')"

# which may go, computed here: signed before midnight UTC two days ago,
# and neither the last of its day nor followed by a seq no higher (a new
# chain: kuncid signs its head at its first tick)
cut=$(date -u -d "$(date -u -d '2 days ago' +%F) 00:00:00" +%Y%m%d%H%M%SZ)
python3 - "$AT/before" "$cut" >"$AT/want" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
old = [(t, int(s)) for t, s in rows if t < sys.argv[2]]
keep = [(t, int(s)) for t, s in rows if t >= sys.argv[2]]
for i, (t, s) in enumerate(old):
    nxt = old[i + 1] if i + 1 < len(old) else None
    if nxt is None or nxt[0][:8] != t[:8] or nxt[1] <= s:
        keep.append((t, s))
for t, s in sorted(keep):
    print(t, s)
PY
t_check "some may go ($(($(wc -l <"$AT/before") - $(wc -l <"$AT/want"))))" \
    test "$(wc -l <"$AT/want")" -lt "$n"

# kuncid -t checks the setting
sed 's|^\([[:space:]]*checkpoint_retention = \).*|\1"12h";|' "$KUNCI_CONF" >"$AT/bad.conf"
out=$("$KUNCID" -t -c "$AT/bad.conf" 2>&1)
t_eq "kuncid -t refuses a retention under a day" 78 "$?"
t_grep "... and says why" 'audit\.checkpoint_retention: "0s" \(keep every checkpoint\) or at least "1d"' <(echo "$out")
sed -i 's|^\([[:space:]]*checkpoint_retention = \).*|\1"2d";|' "$KUNCI_CONF"
out=$("$KUNCID" -t -c "$KUNCI_CONF" 2>&1)
t_eq "kuncid -t accepts 2d" 0 "$?"

ncp=$(grep -c 'event=audit\.checkpoint checkpoint_seq=' "$LOG")
kd_start
t_check "a start signs the head at kuncid's first tick (nobody asked)" \
    wait_for 100 eval '[ "$(grep -c "event=audit\.checkpoint checkpoint_seq=" "$LOG")" -gt "$ncp" ]'
t_check "the scheduler thins them, audited" wait_audit 'event=audit\.checkpoints_thinned removed=[0-9]+ kept=[0-9]+ before=[0-9]+Z retention=2d ' 150
# (what kuncid signed since, at this start, is not the thinning's)
listing | grep -Fx -f "$AT/before" >"$AT/after"
t_eq "exactly the last of each old day and of each chain, and every young one, are left" \
    "$(cat "$AT/want")" "$(cat "$AT/after")"
rem=$(grep -o 'event=audit\.checkpoints_thinned removed=[0-9]*' "$LOG" | sed 's/.*=//')
t_eq "... the record counts what went" "$(($(wc -l <"$AT/before") - $(wc -l <"$AT/want")))" "$rem"
t_eq "... and names the cut-off" 1 "$(grep -c "event=audit\.checkpoints_thinned .* before=$cut " "$LOG")"

# verify: the whole capture against the checkpoints left
cps 1
wait_audit "event=audit\.checkpoint checkpoint_seq=" >/dev/null
sleep 1	# the datagram receiver has everything
cp "$LOG" "$AT/intact.log"
kc audit checkpoints >"$AT/cps.txt"
t_eq "the checkpoints left are what kuncid hands out" "$(($(wc -l <"$AT/want") + $(listing | grep -cvFx -f "$AT/before")))" \
    "$(grep -c '^kunci-audit-checkpoint 1 host=kantor-a ' "$AT/cps.txt")"
out=$("$KUNCICTL" --lang en audit verify "$AT/intact.log" --checkpoints "$AT/cps.txt" --cert "$AT/audit.crt" 2>&1)
rc=$?
t_eq "the log verifies with them: intact but for the declared new chain" 1 "$rc"
t_eq "... no damage" 0 "$(echo "$out" | grep -c '^DAMAGE')"
[ "$rc" = 1 ] || echo "$out" | grep -v '^note' >&2
last=$(grep -o 'host=kantor-a seq=[0-9]*' "$AT/intact.log" | tail -n 1 | sed 's/.*=//')
cl=$(grep -n "host=kantor-a seq=$((last - 2)) time=" "$AT/intact.log" | tail -n 1 | cut -d: -f1)
head -n "$cl" "$AT/intact.log" >"$AT/cut.log"
out=$("$KUNCICTL" --lang en audit verify "$AT/cut.log" --checkpoints "$AT/cps.txt" --cert "$AT/audit.crt" 2>&1)
t_eq "a cut tail is still caught" 65 "$?"
t_grep "... as a cut tail" "^DAMAGE: kantor-a: tail cut: the last record is seq $((last - 2)) " <(echo "$out")

# a second pass (a restart) finds nothing more to remove
kd_stop
kd_start
wait_passes 2
t_eq "a second pass removes nothing" 1 "$(audit_count 'event=audit\.checkpoints_thinned')"
t_eq "... and the old ones left stay" "$(grep -v "^$(date -u +%Y%m%d)" "$AT/want")" \
    "$(listing | grep -v "^$(date -u +%Y%m%d)")"

# a year's checkpoints do not fit one answer: kuncid pages them, oldest
# first, and kuncictl follows the pages (4,000 copies of a real one,
# about 6 MiB, more than one answer holds, under other ids and older times)
python3 - "$AT/cps.txt" "ou=audit,ou=kunci,$KUNCI_BASE" >"$AT/many.ldif" <<'PY'
import base64, sys
text = open(sys.argv[1]).read()
i = text.index("kunci-audit-checkpoint 1 ")
stmt, rest = text[i:].split("\n", 1)
sig = rest[:rest.index("-----END CMS-----") + 17] + "\n"
b = lambda s: base64.b64encode(s.encode()).decode()
for k in range(4000):
    print("dn: kunciId=copy-%d.1,%s" % (k, sys.argv[2]))
    print("objectClass: kunciAuditCheckpoint")
    print("kunciId: copy-%d.1" % k)
    print("kunciHost: copy-%d" % k)
    print("kunciCheckpoint: %s" % stmt)
    print("kunciDocument:: %s" % b(sig))
    print("kunciCreated: 2025%02d%02d000000Z" % (1 + k // 100 % 12, 1 + k % 28))
    print()
PY
la -f "$AT/many.ldif" >/dev/null || t_fail "adding 4,000 checkpoint copies"
kcr audit checkpoints
t_eq "audit checkpoints with 4,000 more: exit 0" 0 "$rc"
t_eq "... every one, through every page" "$(( $(listing | wc -l) + 4000 ))" \
    "$(echo "$out" | grep -c '^kunci-audit-checkpoint 1 ')"
t_eq "... in whole signatures" "$(echo "$out" | grep -c '^-----BEGIN CMS')" "$(echo "$out" | grep -c '^-----END CMS')"
t_check "... with no page marker left in" test "$(echo "$out" | grep -c '^# more')" = 0
t_grep "... the newest last" "^kunci-audit-checkpoint 1 host=kantor-a seq=$(listing | tail -n 1 | cut -d' ' -f2) " <(echo "$out" | grep '^kunci-audit-checkpoint' | tail -n 1)
# the log as it is now (a restart above signed one more)
wait_audit "event=audit\.checkpoint checkpoint_seq=$(listing | tail -n 1 | cut -d' ' -f2) " >/dev/null
sleep 1	# the datagram receiver has everything
out=$("$KUNCICTL" --lang en audit verify "$LOG" --cert "$AT/audit.crt" 2>&1)
t_eq "verify gets them all from kuncid: intact but for the declared chain" 1 "$?"
t_eq "... no damage" 0 "$(echo "$out" | grep -c '^DAMAGE')"

t_done
