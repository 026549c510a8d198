#!/bin/bash
# audit_chain.sh: the audit trail an auditor can trust (issue 14), with a
# real slapd, kuncid, libpam and the real procedures:
#   - a few hundred records from a C1 request walked to its grant, logins
#     through pam_kunci, a card request, a removal; a restart and a kill -9
#     of kuncid in the middle of a stream of logins;
#   - kuncictl audit verify passes on the untouched syslog capture, and
#     names exactly one damage for each tampering: a deleted record, one
#     edited byte, two swapped records, a forged line copied from a real
#     one, a cut tail (caught by a signed checkpoint); positions a crash
#     declared are reported as declared, not as a deletion, and a kill -9
#     always leaves such a declared gap (the positions records lost with
#     the process may have had are never used again);
#   - checkpoints: stored in ou=audit, handed out by kuncid, verified with
#     the public certificate alone (also by openssl cms), one signed by
#     another key refused;
#   - audit search --request finds submit, each step, the grant, the
#     logins, the revocation and the removal; audit export as CSV and as a
#     signed file openssl cms -verify accepts.
. "$(dirname "$0")/provision.inc"

command -v openssl >/dev/null || t_skip "openssl needed"
AT=$(mktemp -d "${TMPDIR:-/tmp}/kunci-audit.XXXXXX")
chmod 755 "$AT"
mkcert()	# mkcert NAME CN
{
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/O=Kabupaten Contoh/CN=$2" \
	    -keyout "$AT/$1.key" -out "$AT/$1.crt" >/dev/null 2>&1 &&
	    chmod 600 "$AT/$1.key"
}
mkcert audit "kunci audit kantor-a" || t_fail "openssl could not make the audit key"
mkcert other "someone else"
# the example configuration's audit group, filled in
prov_setup "s|^\\([[:space:]]*host = \\)\"\";|\\1\"kantor-a\";|; s|^\\([[:space:]]*certificate = \\)\"\";|\\1\"$AT/audit.crt\";|; s|^\\([[:space:]]*key = \\)\"\";|\\1\"$AT/audit.key\";|"
trap 'wf_cleanup; rm -rf "$PT" "$AT"' EXIT
LOG=$W/audit.log
PANEL=control-panel:webmin
pam_svc panel "$PANEL"

kv() { "$KUNCICTL" --lang en audit verify "$@"; }
# verify_rc FILE [args]: run verify on FILE, keep rc and out
vr()
{
	local f=$1
	shift
	out=$(kv "$f" --cert "$AT/audit.crt" "$@" 2>&1)
	rc=$?
}
damages() { printf '%s\n' "$out" | grep -c '^DAMAGE: '; }

# the sandbox's own kuncid ran first (its stderr starts kuncid.log); the
# one logging to the capture resumed its chain
t_grep "the first record of a fresh state directory starts a new chain" \
    '^kuncid: event=audit\.start begins=new version=[^ ]+ host=kantor-a seq=1 time=[0-9T:Z-]+ chain=[0-9a-f]{64}$' \
    <(grep -m1 'event=' "$W/kuncid.log")
t_check "the capture's first record says the chain resumed" \
    wait_audit 'kuncid\[[0-9]+\]: event=audit\.start begins=resumed after=[0-9]+ version=[^ ]+ host=kantor-a seq=[0-9]+ time=[0-9T:Z-]+ chain=[0-9a-f]{64}$'

# --- records through real procedures -------------------------------------
cid=$(kc --as lputri --json request submit --resource "$PANEL" --type account \
    --reason "Mengelola situs Bappeda" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t_check "C1 submitted ($cid)" test -n "$cid"
walk "$cid" tramadhan hsantoso asetiawan bkurniawan rwulandari rwulandari
kc --as ihidayat request approve "$cid" --account lputri >/dev/null
walk "$cid" ihidayat rwulandari lputri	# inform, record, confirm
t_eq "C1 active" "active/" "$(field "$cid" state)/$(field "$cid" step)"
t_check "pam_kunci lets lputri into the panel" wait_pc panel lputri PAM_SUCCESS 50
logins()	# logins N USER: N logins through libpam
{
	local i
	for ((i = 0; i < $1; i++)); do pc panel "$2" >/dev/null; done
}
logins 80 lputri
logins 20 jwijaya
aid=$(submit lputri server-room:dc1)
walk_a "$aid" KA-0300

# a second host: its own chain, kantor-b, in the same capture
C2=$W/kunci2.conf
sed -e "s|$W/run/admin.sock|$W/run/admin2.sock|" \
    -e "s|$W/run/query.sock|$W/run/query2.sock|" \
    -e "s|state_dir = \"$W/state\"|state_dir = \"$W/state2\"|" \
    -e "s|host = \"kantor-a\";|host = \"kantor-b\";|" "$KUNCI_CONF" >"$C2"
mkdir -p "$W/state2"
kd_start "$C2" kuncid2
bid=$("$KUNCICTL" -s "$W/run/admin2.sock" --as jwijaya --json request submit --resource server-room:dc1 \
    --type card --reason "Pemeliharaan rutin" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
"$KUNCICTL" -s "$W/run/admin2.sock" --as jwijaya request cancel "$bid" --reason "batal" >/dev/null
kd_stop kuncid2
t_check "the second host's records carry its own chain" wait_audit "event=audit\.checkpoint .* host=kantor-b seq="

# a clean restart, then a kill -9 while logins stream in
kd_stop
kd_start
t_check "a restart resumes the chain" wait_audit 'event=audit\.start begins=resumed after=[0-9]+ '
wait_pc panel lputri PAM_SUCCESS 50 >/dev/null
logins 60 lputri &
lp=$!
sleep 1
kd_kill
wait "$lp"
kd_start
t_check "after kill -9 the first record declares the crash" \
    wait_audit 'event=audit\.start begins=crashed after=[0-9]+ unsent_from=[0-9]+ '
wait_pc panel lputri PAM_SUCCESS 50 >/dev/null
logins 60 lputri

# the removal of the panel grant (C3)
rid=$(kc --as mfitriani --json removal request "$cid" --reason "Pegawai pindah tugas" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
walk "$rid" rwulandari sanggraini sanggraini sanggraini mfitriani
t_eq "grant $cid revoked" revoked "$(gfield "$cid" status)"
wait_pc panel lputri PAM_PERM_DENIED 30 >/dev/null
logins 10 lputri

# a checkpoint, then a few records more
kcr audit checkpoint
t_eq "audit checkpoint (root) signs the head" 0 "$rc"
cpseq=$(echo "$out" | sed -n 's/^kunci-audit-checkpoint 1 host=kantor-a seq=\([0-9]*\) .*/\1/p')
t_check "it prints the signed line ($cpseq)" test -n "$cpseq"
t_check "the checkpoint is in ou=audit" bash -c "ldapsearch -LLL -Q -Y EXTERNAL -H '$LDAPI_URI' -b 'ou=audit,ou=kunci,$KUNCI_BASE' '(kunciId=kantor-a.$cpseq)' kunciCheckpoint | grep -q 'seq=$cpseq'"
kcr --as jwijaya audit checkpoint
t_eq "a person with no role cannot sign a checkpoint" 77 "$rc"
logins 5 jwijaya
kc audit checkpoints >"$AT/cps.txt"
t_check "audit checkpoints exports them" grep -q "^kunci-audit-checkpoint 1 host=kantor-a seq=$cpseq " "$AT/cps.txt"
wait_audit 'event=login.deny user=jwijaya' >/dev/null
sleep 1	# the datagram receiver has everything
n=$(grep -c 'kuncid\[[0-9]*\]: event=.* host=kantor-a seq=' "$LOG")
t_check "a few hundred chained records ($n)" test "$n" -ge 250

# --- verify: untouched -----------------------------------------------------
cp "$LOG" "$AT/intact.log"
vr "$AT/intact.log"
iout=$out irc=$rc
# exit 1 when the kill -9 fell between a batch's fdatasync and its last
# send: those positions are declared (the crash record says so), never
# damage
ok01() { [ "$1" -le 1 ]; }
t_check "verify passes on the untouched capture (exit $rc)" ok01 "$rc"
t_eq "... no damage" 0 "$(damages)"
[ "$rc" -le 1 ] || printf '%s\n' "$out" | head -5
t_grep "... and says intact, two hosts" "of 2 host\(s\): intact" <(echo "$out")
t_eq "... anything declared comes from the crash" "" \
    "$(echo "$out" | grep '^DECLARED: ' | grep -v 'declared by the restart after a crash')"
bl=$(grep -n "event=request.submit request=$bid .* host=kantor-b seq=" "$AT/intact.log" | cut -d: -f1)
bseq=$(sed -n "${bl}p" "$AT/intact.log" | sed 's/.* seq=\([0-9]*\) .*/\1/')
sed "${bl}d" "$AT/intact.log" >"$AT/t0.log"
vr "$AT/t0.log"
t_eq "a record deleted from the second host's chain: one damage" "65 1" "$rc $(damages)"
t_grep "... named in kantor-b's chain" "^DAMAGE: kantor-b: gap: seq $bseq-$bseq missing" <(echo "$out")
out=$(KUNCI_SOCKET=/nonexistent "$KUNCICTL" --lang en audit verify "$AT/intact.log" --checkpoints "$AT/cps.txt" --cert "$AT/audit.crt" 2>&1)
t_check "verify with a checkpoint file needs no kuncid" ok01 "$?"
out=$("$KUNCICTL" --lang en audit verify "$W/kuncid.log" --no-checkpoints 2>&1)
t_check "kuncid's own stderr copy verifies too" ok01 "$?"

# the chain as doc/audit.md defines it, recomputed by another program
# (Python's hashlib): an auditor need not trust kuncictl
indep=$(python3 - "$AT/intact.log" <<'PY'
import hashlib, re, sys
prev, bad, n = {}, 0, 0
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.search(r"kuncid\[\d+\]: (event=.* host=(\S+) seq=(\d+) time=\S+) chain=([0-9a-f]{64})$", line)
    if not m:
        continue
    body, host, seq, val = m.group(1), m.group(2), int(m.group(3)), m.group(4)
    if seq == 1:
        prev[host] = (0, bytes(32))
    if host in prev and prev[host][0] == seq - 1:
        if hashlib.sha256(prev[host][1] + body.encode()).hexdigest() != val:
            bad += 1
        n += 1
    prev[host] = (seq, bytes.fromhex(val))
print(n, bad)
PY
)
t_check "an independent SHA-256 recomputation agrees ($indep: checked, wrong)" \
    test "${indep#* }" = 0 -a "${indep% *}" -ge 200

seqline()	# seqline SEQ: the line number of the record with that seq
{
	grep -n "host=kantor-a seq=$1 time=" "$AT/intact.log" | head -n 1 | cut -d: -f1
}
# a login record in the middle
mid=$(grep -n 'event=login.allow user=lputri' "$AT/intact.log" | sed -n '40p' | cut -d: -f1)
mseq=$(sed -n "${mid}p" "$AT/intact.log" | sed 's/.* seq=\([0-9]*\) .*/\1/')

# --- one deleted record ---------------------------------------------------
sed "${mid}d" "$AT/intact.log" >"$AT/t1.log"
vr "$AT/t1.log"
t_eq "deleted record: exit 65, one damage" "65 1" "$rc $(damages)"
t_grep "... named: gap at seq $mseq" "^DAMAGE: kantor-a: gap: seq $mseq-$mseq missing \(1 record" <(echo "$out")

# --- one byte edited --------------------------------------------------------
sed "${mid}s/user=lputri/user=lputrj/" "$AT/intact.log" >"$AT/t2.log"
t_eq "the edit is one byte" 1 "$(cmp -l "$AT/intact.log" "$AT/t2.log" | wc -l)"
vr "$AT/t2.log"
t_eq "edited byte: exit 65, one damage" "65 1" "$rc $(damages)"
t_grep "... named: record seq $mseq altered" "^DAMAGE: kantor-a: record seq $mseq \(.*t2.log:$mid\) altered" <(echo "$out")

# --- two records swapped ----------------------------------------------------
s1=$((mseq - 5)); s2=$((mseq + 5))
l1=$(seqline $s1); l2=$(seqline $s2)
awk -v a="$l1" -v b="$l2" 'NR == FNR { x[FNR] = $0; next }
    FNR == a { print x[b]; next } FNR == b { print x[a]; next } { print }' \
    "$AT/intact.log" "$AT/intact.log" >"$AT/t3.log"
vr "$AT/t3.log"
t_eq "swapped records: exit 65, one damage" "65 1" "$rc $(damages)"
t_grep "... named: seq $s2 and seq $s1 swapped" "^DAMAGE: kantor-a: records out of order: seq $s2 .* and seq $s1 .* swapped" <(echo "$out")

# --- a forged line copied from a real one, fields changed ------------------
dl=$(grep -n 'event=login.deny user=jwijaya' "$AT/intact.log" | sed -n '3p' | cut -d: -f1)
dseq=$(sed -n "${dl}p" "$AT/intact.log" | sed 's/.* seq=\([0-9]*\) .*/\1/')
sed -n "${dl}p" "$AT/intact.log" | sed 's/event=login.deny/event=login.allow/; s/decision=deny/decision=allow/' >"$AT/forged"
sed "${dl}r $AT/forged" "$AT/intact.log" >"$AT/t4.log"
vr "$AT/t4.log"
t_eq "forged line: exit 65, one damage" "65 1" "$rc $(damages)"
t_grep "... named: an inserted record claiming seq $dseq" "^DAMAGE: kantor-a: inserted record: .*t4.log:$((dl + 1)) claims seq $dseq" <(echo "$out")

# --- the tail cut after the checkpoint ------------------------------------
cl=$(seqline $((cpseq - 3)))
head -n "$cl" "$AT/intact.log" >"$AT/t5.log"
vr "$AT/t5.log"
t_eq "cut tail: exit 65, one damage" "65 1" "$rc $(damages)"
t_grep "... named: tail cut, checkpoint up to seq $cpseq" "^DAMAGE: kantor-a: tail cut: the last record is seq $((cpseq - 3)) .* covers up to seq $cpseq \(3 record" <(echo "$out")
vr "$AT/t5.log" --no-checkpoints --cert "$AT/audit.crt"
t_eq "--no-checkpoints with --cert is a usage error" 64 "$rc"
out=$(kv "$AT/t5.log" --no-checkpoints 2>&1)
t_check "without checkpoints a cut tail cannot show (and verify says so)" ok01 "$?"
t_grep "... it says the checkpoints were not checked" "checkpoints not checked" <(echo "$out")

# --- a crash's declared positions vs a deletion ---------------------------
cr=$(grep -m1 'event=audit.start begins=crashed' "$AT/intact.log")
after=$(echo "$cr" | sed 's/.* after=\([0-9]*\) .*/\1/')
from=$(echo "$cr" | sed 's/.* unsent_from=\([0-9]*\) .*/\1/')
t_check "the crash record names its batch ($from..$after)" test "$from" -le "$after"
crseq=$(echo "$cr" | sed 's/.* seq=\([0-9]*\) .*/\1/')
t_eq "... and resumes past what it declares" "$((after + 1))" "$crseq"
t_check "... past 8192 positions a kill -9 may have sealed and lost" \
    grep -q "host=kantor-a seq=$((after - 8192)) time=" "$AT/intact.log"
t_eq "so the untouched capture verifies as intact but for a declared gap (exit 1)" 1 "$irc"
t_grep "... up to seq $after, named as the crash's" "^DECLARED: kantor-a: seq [0-9]+-$after missing, declared by the restart after a crash" <(echo "$iout")
# as if the last batch had never been sent: drop its records
grep -v -E "host=kantor-a seq=($(seq -s'|' "$from" "$after")) time=" "$AT/intact.log" >"$AT/t6.log"
vr "$AT/t6.log"
t_eq "unsent positions a crash declared: exit 1, no damage" "1 0" "$rc $(damages)"
t_grep "... reported as declared" "^DECLARED: kantor-a: seq $from-$after missing, declared by the restart after a crash" <(echo "$out")
# one record more than declared: a deletion
grep -v -E "host=kantor-a seq=($(seq -s'|' "$((from - 1))" "$after")) time=" "$AT/intact.log" >"$AT/t7.log"
vr "$AT/t7.log"
t_eq "a deletion next to the declared positions: damage" 65 "$rc"
t_grep "the crash record names the head it is chained from" " head=[0-9a-f]{64} " <(echo "$cr")
# a deletion disguised as a crash: seq d1..d2-1 deleted, d2 replaced by a
# copy of the real crash record declaring them, with d2's own chain value
# (so that d2+1 still follows); it does not follow from the head it names
d1=$((mseq + 20)); d2=$((mseq + 30))
v2=$(grep "host=kantor-a seq=$d2 time=" "$AT/intact.log" | sed 's/.* chain=\([0-9a-f]*\)$/\1/')
echo "$cr" | sed -e "s/ after=[0-9]* / after=$((d2 - 1)) /" -e "s/ unsent_from=[0-9]* / unsent_from=$d1 /" \
    -e "s/ seq=[0-9]* / seq=$d2 /" -e "s/ chain=[0-9a-f]*\$/ chain=$v2/" >"$AT/fakecrash"
awk -v a="$(seqline $d1)" -v b="$(seqline $d2)" -v f="$AT/fakecrash" \
    'FNR == b { while ((getline l < f) > 0) print l; next } FNR >= a && FNR < b { next } { print }' \
    "$AT/intact.log" >"$AT/t8.log"
t_eq "the disguised deletion removed $((d2 - d1 + 1)) records and added one" \
    "$(( $(wc -l <"$AT/intact.log") - (d2 - d1) ))" "$(wc -l <"$AT/t8.log")"
vr "$AT/t8.log"
t_eq "a deletion disguised as a crash: exit 65" 65 "$rc"
t_grep "... named: a forged crash record at seq $d2" "^DAMAGE: kantor-a: forged crash record: seq $d2 .*declares seq $d1-$((d2 - 1))" <(echo "$out")
# the tail cut, dressed as a crash the forger computed whole: seq
# cpseq-2.. deleted, then a crash record naming cpseq-3 as its durable
# head, chained from that record's value (anyone can compute SHA-256)
kd=$((cpseq - 3))
python3 - "$AT/intact.log" "$kd" "$cr" >"$AT/t9.log" <<'PY2'
import hashlib, re, sys
log, kd, cr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
val = None
for line in open(log, encoding="utf-8"):
    m = re.search(r" host=kantor-a seq=(\d+) time=\S+ chain=([0-9a-f]{64})$", line)
    if m and int(m.group(1)) > kd:
        continue
    if m and int(m.group(1)) == kd:
        val = m.group(2)
    sys.stdout.write(line)
after = kd + 8192
m = re.match(r"(.*kuncid\[\d+\]: )(event=.* host=kantor-a) seq=\d+ (time=\S+) chain=[0-9a-f]{64}$", cr)
body = m.group(2)
body = re.sub(r" after=\d+ ", " after=%d " % after, body)
body = re.sub(r" unsent_from=\d+ ", " unsent_from=%d " % (kd + 1), body)
body = re.sub(r" head=[0-9a-f]{64} ", " head=%s " % val, body)
body = "%s seq=%d %s" % (body, after + 1, m.group(3))
chain = hashlib.sha256(bytes.fromhex(val) + body.encode()).hexdigest()
print("%s%s chain=%s" % (m.group(1), body, chain))
PY2
vr "$AT/t9.log"
t_eq "a cut tail dressed as a crash: exit 65" 65 "$rc"
t_grep "... named: the checkpoint's record is missing" "^DAMAGE: kantor-a: checkpoint seq $cpseq .*record is missing" <(echo "$out")
t_eq "... and nothing else is called damage" 1 "$(damages)"

# --- checkpoints ----------------------------------------------------------
stmt=$(grep -m1 "^kunci-audit-checkpoint 1 host=kantor-a seq=$cpseq " "$AT/cps.txt")
printf '%s' "$stmt" >"$AT/stmt"
awk -v s="$stmt" '$0 == s { f = 1; next } f && /^-----BEGIN CMS/ { p = 1 } p { print } p && /^-----END CMS/ { exit }' "$AT/cps.txt" >"$AT/stmt.p7s"
t_check "the checkpoint verifies with openssl and the public certificate alone" \
    openssl cms -verify -binary -inform PEM -content "$AT/stmt" -in "$AT/stmt.p7s" \
    -CAfile "$AT/audit.crt" -purpose any -out /dev/null
openssl cms -sign -binary -nodetach -outform PEM -in "$AT/stmt" -signer "$AT/other.crt" \
    -inkey "$AT/other.key" -md sha256 -out /dev/null 2>/dev/null
{ echo "$stmt"; openssl cms -sign -binary -outform PEM -in "$AT/stmt" -signer "$AT/other.crt" \
    -inkey "$AT/other.key" -md sha256 2>/dev/null; } >"$AT/forged-cps.txt"
vr "$AT/intact.log" --checkpoints "$AT/forged-cps.txt"
t_eq "a checkpoint signed by another key: exit 65" 65 "$rc"
t_grep "... refused, by name" "^DAMAGE: kantor-a: checkpoint seq $cpseq .* refused: its signature does not verify" <(echo "$out")

# --- a lost head: reported as a new chain, never a silent pass -------------
kd_stop
rm -f "$W/state/audit.head"
kd_start
t_check "no head: the next record starts a new chain" wait_audit 'event=audit\.start begins=new .* host=kantor-a seq=1 '
logins 3 jwijaya
kd_stop
printf 'x%.0s' $(seq 600) >"$W/state/audit.head"
kd_start
t_check "an unreadable head: a new chain, said so" wait_audit 'event=audit\.start begins=lost .* host=kantor-a seq=1 '
logins 3 jwijaya
wait_audit 'event=login.deny user=jwijaya .* host=kantor-a seq=4 ' >/dev/null
sleep 1
cp "$LOG" "$AT/lost.log"
vr "$AT/lost.log"
t_eq "verify: declared, not damaged (exit 1)" "1 0" "$rc $(damages)"
[ "$rc" = 1 ] || printf "%s\n" "$out" | grep -v "^note" >&2
t_grep "... the emptied state directory is named" "^DECLARED: kantor-a: .*: a new chain begins: kuncid found no chain head" <(echo "$out")
t_grep "... and the unreadable head" "^DECLARED: kantor-a: .*: a new chain begins: kuncid found its chain head unreadable" <(echo "$out")

# --- search ---------------------------------------------------------------
sj=$("$KUNCICTL" audit search "$AT/intact.log" --request "$cid" --json)
t_eq "audit search --json is JSON" 0 "$(echo "$sj" | python3 -c 'import json,sys; json.load(sys.stdin)' >/dev/null 2>&1; echo $?)"
evs=$(echo "$sj" | python3 -c 'import json,sys; print(" ".join(sorted(set(r["event"] for r in json.load(sys.stdin)))))')
for e in request.submit request.step grant.create login.allow login.deny grant.revoke; do
	t_grep "search --request $cid finds $e" "(^| )$e( |$)" <(echo "$evs")
done
t_grep "... and the removal request's records" "$rid" <(echo "$sj")
nstep=$(echo "$sj" | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["event"] == "request.step" and r["fields"].get("request") == sys.argv[1]))' "$cid")
t_eq "every step of the request (C1 steps 2-11: 10 acts)" 10 "$nstep"
nla=$(echo "$sj" | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["event"] == "login.allow"))')
nall=$(grep -c "event=login.allow user=lputri service=panel .*grant=$cid " "$AT/intact.log")
t_eq "every login on the grant ($nall)" "$nall" "$nla"
t_eq "nothing of another request" 0 "$(echo "$sj" | grep -c "$aid")"
t_check "search --person finds jwijaya's denied logins" \
    grep -q 'event=login.deny user=jwijaya' <("$KUNCICTL" audit search "$AT/intact.log" --person jwijaya)
t_eq "search --event with a pattern" "$(grep -c 'event=audit\.' "$AT/intact.log")" \
    "$("$KUNCICTL" audit search "$AT/intact.log" --event 'audit.*' | wc -l)"
kcr audit search "$AT/intact.log" --since yesterday
t_eq "a bad --since: EX_USAGE" 64 "$rc"
t_grep "... one clear line, in Indonesian by default" "^kuncictl: --since: bukan waktu" <(echo "$err")
kcr --lang en audit verify "$AT/intact.log" --host kantor-a --no-checkpoints
t_eq "an option verify does not take: EX_USAGE" 64 "$rc"
t_eq "... named, in English with --lang en" "kuncictl: audit verify takes no option --host; try: kuncictl audit --help" "$err"
kcr audit verify "$AT/nonexistent.log" --no-checkpoints
t_eq "a file that cannot be read: EX_NOINPUT" 66 "$rc"
kcr audit verify "$AT/intact.log"
t_eq "verify without --cert or --no-checkpoints: EX_USAGE" 64 "$rc"
kcr --as jwijaya audit verify "$AT/intact.log" --cert "$AT/audit.crt"
t_eq "a person with no role gets no checkpoints from kuncid: refused" 77 "$rc"
t_grep "... and is told to bring a checkpoint file" "checkpoints|titik periksa" <(echo "$err")

# --- export -----------------------------------------------------------------
kcr audit export "$AT/intact.log" --request "$cid" --out "$AT/export.csv"
t_eq "export as CSV" 0 "$rc"
t_eq "... a header and one row per record" "$(( $(echo "$sj" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') + 1 ))" "$(grep -c $'\r$' "$AT/export.csv")"
kcr audit export "$AT/intact.log" --format signed --cert "$AT/audit.crt" --key "$AT/audit.key" --out "$AT/all.csv"
t_eq "export --format signed" 0 "$rc"
t_check "openssl cms -verify accepts the signed export" openssl cms -verify -binary -inform DER \
    -content "$AT/all.csv" -in "$AT/all.csv.p7s" -CAfile "$AT/audit.crt" -purpose any -out /dev/null
printf 'x' >>"$AT/all.csv"
t_check_fail "... and refuses it once changed" openssl cms -verify -binary -inform DER \
    -content "$AT/all.csv" -in "$AT/all.csv.p7s" -CAfile "$AT/audit.crt" -purpose any -out /dev/null

t_done
