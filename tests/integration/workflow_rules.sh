#!/bin/bash
# The rules a procedure adds to its steps (issue 16), each in a workflow
# of its own, end to end against the sandbox: "N rejections end it" and
# "rejections count once the quorum is lost", separation of duties per
# step (not_same_as, not_superior), a route for a requester with no
# superior (a fallback role, or skip) and the refusal without one, the
# workflow's own limits (max_validity, types, time_window); each
# misconfiguration refused by kuncid -t with file:line; and parallel
# decisions under each rule giving exactly one outcome.
. "$(dirname "$0")/workflow.inc"

RACE_N=${RACE_N:-100}
B=dc=diskominfo,dc=contoh,dc=go,dc=id
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT

# A panel of five (a role for quorum steps), and the rule workflows.
cat >"$D/panel.ldif" <<EOF
dn: cn=panel-teknis,ou=groups,$B
objectClass: groupOfNames
cn: panel-teknis
member: uid=wsaputra,ou=people,$B
member: uid=ihidayat,ou=people,$B
member: uid=yhartono,ou=people,$B
member: uid=nlestari,ou=people,$B
member: uid=jwijaya,ou=people,$B
EOF
step() # NAME ROLE KIND [extra keys]
{
	printf '      { name = "%s"; role = "%s"; kind = "%s"; sla = "1d"; label_id = "%s"; label_en = "%s"; %s },\n' \
	    "$1" "$2" "$3" "$1" "$1" "${4:-}"
}
wf() # NAME [workflow keys] -- steps on stdin
{
	printf '  %s = {\n    label_id = "Uji %s"; label_en = "Test %s"; %s\n    steps = (\n' "$1" "$1" "$1" "${2:-}"
	sed '$ s/},$/}/'
	printf '    );\n  };\n'
}
{
	wf Q2 'one_act_per_person = false;' <<EOF
$(step panel panel approve 'quorum = 2; rejections = 2;')
EOF
	wf QL 'one_act_per_person = false;' <<EOF
$(step panel panel approve 'quorum = 2; rejections = "quorum_lost";')
EOF
	wf SOD 'one_act_per_person = false;' <<EOF
$(step check panel verify)
$(step decide panel approve 'not_same_as = [ "check" ]; not_superior = true;')
EOF
	wf NSF '' <<EOF
$(step endorse superior endorse 'if_no_superior = "panel";')
$(step decide kabid-aptika approve)
EOF
	wf NSK '' <<EOF
$(step endorse superior endorse 'if_no_superior = "skip";')
$(step decide kabid-aptika approve)
EOF
	wf DSP '' <<EOF
$(step kadis kadis dispose 'choose = [ "kabid-aptika", "kabid-egov" ];')
$(step kabid disposed approve)
EOF
	wf PAR '' <<EOF
$(step both kasi-infra verify 'parallel = [ "kasi-sdtik" ];')
$(step decide kabid-aptika approve)
EOF
	wf LIM 'max_validity = "10d"; types = [ "pemeliharaan", "audit" ]; time_window = [ "mon-fri 07:30-16:00", "sat 08:00-12:00" ];' <<EOF
$(step decide kabid-aptika approve)
EOF
} >"$D/wfs"
python3 - "$KUNCI_TOP/conf/kunci.conf" "$D/wfs" >"$D/kunci.conf" <<'EOF'
import sys
conf = open(sys.argv[1]).read()
wfs = open(sys.argv[2]).read()
role = ('  panel = {\n    group = "cn=panel-teknis,ou=groups,'
        'dc=diskominfo,dc=contoh,dc=go,dc=id";\n'
        '    label_id = "Panel Teknis";\n    label_en = "Technical Panel";\n  };\n')
conf = conf.replace("\nroles = {\n", "\nroles = {\n" + role, 1)
conf = conf.replace("\nworkflows = {\n", "\nworkflows = {\n" + wfs, 1)
sys.stdout.write(conf)
EOF

wf_setup --config "$D/kunci.conf" --ldif "$D/panel.ldif"
for w in Q2 QL SOD NSF NSK DSP PAR LIM; do
	la >/dev/null <<EOF
dn: kunciName=server-room:$w,ou=resources,ou=kunci,$KUNCI_BASE
objectClass: kunciManagedResource
kunciName: server-room:$w
kunciType: server-room
kunciWorkflow: $w
EOF
done
TYPE=x

# decisions ID: "actor:decision" of each step event, in order
decisions()
{
	kc --json request show "$1" | python3 -c 'import json,sys
d = json.load(sys.stdin)
print(" ".join("%s:%s" % (e["actor"], e["decision"]) for e in d["events"] if e["event"].startswith("step-")))'
}

# --- 2 rejections end it
id=$(submit lputri server-room:Q2)
kcr --as wsaputra --lang en request reject "$id" --reason "Belum lengkap"
t_eq "Q2: one rejection leaves the request open" "0 pending panel" "$rc $(field "$id" state) $(field "$id" step)"
t_grep "Q2: the rejecter is told the step stays open" "stays open" <(echo "$out $err")
kcr --as ihidayat request approve "$id"
t_eq "Q2: another official can still approve" "0 pending" "$rc $(field "$id" state)"
kcr --as wsaputra request approve "$id"
t_eq "Q2: the rejecter cannot also approve" 77 "$rc"
kcr --as yhartono request approve "$id"
t_eq "Q2: the second approval meets the quorum" "0 active" "$rc $(field "$id" state)"
t_eq "Q2: the trail has the rejection and both approvals" "wsaputra:reject ihidayat:approve yhartono:approve" "$(decisions "$id")"
id=$(submit lputri server-room:Q2)
kcr --as wsaputra request reject "$id" --reason "Belum lengkap"
kcr --as ihidayat request reject "$id" --reason "Tidak perlu"
t_eq "Q2: a second rejection ends it" "0 rejected" "$rc $(field "$id" state)"
t_eq "Q2: the trail shows both rejections" "wsaputra:reject ihidayat:reject" "$(decisions "$id")"
kcr --as yhartono request approve "$id"
t_eq "Q2: no approval after it ended" 65 "$rc"
wait_audit "event=request.reject request=$id "
t_grep "Q2: the audit counts the rejections" "event=request.reject request=$id .*rejections=2" "$W/audit.log"

# --- rejections count once the quorum is lost: 5 members (the requester,
# lputri, is not one), quorum 2: the fourth rejection loses it.
id=$(submit lputri server-room:QL)
for u in wsaputra ihidayat yhartono; do
	kc --as $u request reject "$id" --reason "Tidak" >/dev/null
done
t_eq "QL: three rejections of five leave the quorum possible" pending "$(field "$id" state)"
kcr --as nlestari request reject "$id" --reason "Tidak"
t_eq "QL: the fourth loses the quorum and ends it" "0 rejected" "$rc $(field "$id" state)"
id=$(submit wsaputra server-room:QL)
for u in ihidayat yhartono; do
	kc --as $u request reject "$id" --reason "Tidak" >/dev/null
done
kcr --as nlestari request reject "$id" --reason "Tidak"
t_eq "QL: a requester in the panel does not count: 3 of 4 end it" "0 rejected" "$rc $(field "$id" state)"

# --- separation of duties per step: wsaputra's superior is yhartono
id=$(submit wsaputra server-room:SOD)
walk "$id" ihidayat
kcr --as ihidayat request approve "$id"
t_eq "SOD: the checker may not also decide" 77 "$rc"
t_grep "SOD: the refusal names the rule" "not_same_as" <(echo "$err")
kcr --as yhartono request approve "$id"
t_eq "SOD: the requester's superior may not decide" 77 "$rc"
t_grep "SOD: that refusal names its rule" "not_superior" <(echo "$err")
t_eq "SOD: both refusals audited" 2 "$(audit_count "event=request.refused request=$id ")"
kcr --as nlestari request approve "$id"
t_eq "SOD: someone else decides" "0 active" "$rc $(field "$id" state)"

# --- no superior: hsantoso has no manager
id=$(submit hsantoso server-room:NSF)
t_eq "NSF: a requester with no superior is routed to the fallback role" "pending endorse" "$(field "$id" state) $(field "$id" step)"
kcr --as nlestari request approve "$id"
t_eq "NSF: a panel member takes the superior's step" 0 "$rc"
walk "$id" dpratama
t_eq "NSF: done" active "$(field "$id" state)"
id=$(submit lputri server-room:NSF)
kcr --as nlestari request approve "$id"
t_eq "NSF: with a superior, the fallback role has no say" 77 "$rc"
walk "$id" tramadhan dpratama
t_eq "NSF: a requester with a superior goes through them" active "$(field "$id" state)"
id=$(submit hsantoso server-room:NSK)
t_eq "NSK: the superior's step is skipped" "pending decide" "$(field "$id" state) $(field "$id" step)"
t_eq "NSK: kuncid recorded the skip" "kuncid:approve" "$(decisions "$id")"
walk "$id" dpratama
t_eq "NSK: done" active "$(field "$id" state)"
kcr --as hsantoso request submit --resource server-room:dc1 --type card --reason "Pemeliharaan"
t_eq "no fallback: the submission is refused (65)" 65 "$rc"
t_grep "no fallback: the message names what to configure" "workflows\.A\.steps\[0\]\.if_no_superior" <(echo "$err")

# --- a disposition to a chosen recipient, with an instruction
id=$(submit lputri server-room:DSP)
kcr --as hsantoso --lang en request approve "$id"
t_eq "DSP: the Kadis must choose the recipient (64)" 64 "$rc"
t_grep "DSP: ... and is told the choices" "disposes to one of kabid-aptika,kabid-egov: give --to ROLE" <(echo "$err")
kcr --as hsantoso request approve "$id" --to kasi-infra
t_eq "DSP: a recipient not among the choices is refused (65)" 65 "$rc"
kcr --as hsantoso request approve "$id" --to kabid-egov --note "Mohon periksa kebutuhan jaringan"
t_eq "DSP: the Kadis disposes to the Kabid E-Gov" "0 kabid" "$rc $(field "$id" step)"
kcr --as lputri request show "$id"
t_grep "DSP: the instruction travels with the request" "hsantoso -> .*: Mohon periksa kebutuhan jaringan" <(echo "$out")
t_grep "DSP: the request waits on the role chosen" "(Menunggu|Waiting for): .*\((Kepala Bidang E-Government|Head of)" <(echo "$out")
kcr --as dpratama --lang en request approve "$id"
t_eq "DSP: the Kabid not chosen is refused (77)" 77 "$rc"
t_grep "DSP: ... naming the chosen role" "needs role kabid-egov" <(echo "$err")
kcr --as asetiawan request approve "$id"
t_eq "DSP: the chosen Kabid decides" "0 active" "$rc $(field "$id" state)"
wait_audit "event=request.dispose request=$id "
t_grep "DSP: the disposition audited with its recipient" "event=request.dispose request=$id actor=hsantoso .*to=kabid-egov" "$W/audit.log"
kcr --as lputri doc request "$id" --format text
t_grep "DSP: the form shows the recipient and the instruction" "Mohon periksa kebutuhan jaringan" <(echo "$out")
id=$(submit lputri server-room:Q2)
kcr --as wsaputra request approve "$id" --to kabid-egov
t_eq "DSP: --to on a step that does not choose is refused (64)" 64 "$rc"

# --- two officials on one step, in either order
id=$(submit lputri server-room:PAR)
kcr --as lputri request show "$id"
t_grep "PAR: request show names both roles before either acts" "(Menunggu|Waiting for): .*\(kasi-infra\+kasi-sdtik\)" <(echo "$out")
t_eq "PAR: ... and so does --json (waiting_for)" "kasi-infra kasi-sdtik" "$(kc --json request show "$id" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["waiting_for"]))')"
walk "$id" rwulandari
t_eq "PAR: after the Kasi Infra the step waits for the Kasi SD TIK" "pending both" "$(field "$id" state) $(field "$id" step)"
kcr --as lputri request show "$id"
t_grep "PAR: request show names only the role still to act" "(Menunggu|Waiting for): .*\(kasi-sdtik\)" <(echo "$out")
t_eq "PAR: ... not the one that acted" "" "$(grep -E '(Menunggu|Waiting for):.*kasi-infra' <<<"$out")"
t_eq "PAR: ... --json too" "kasi-sdtik" "$(kc --json request show "$id" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["waiting_for"]))')"
t_eq "PAR: ... request list (its ROLE column, and --json)" "kasi-sdtik kasi-sdtik" \
    "$(kc --lang en request list --state pending | awk -v id="$id" '$1 == id { print $6 }') $(kc --json request list --state pending | python3 -c 'import json,sys; print(" ".join(" ".join(r["waiting_for"]) for r in json.load(sys.stdin) if r["id"] == sys.argv[1]))' "$id")"
kcr --as rwulandari request approve "$id"
t_eq "PAR: the same official cannot act twice (77)" 77 "$rc"
kcr --as wsaputra request approve "$id"
t_eq "PAR: neither role: refused (77)" 77 "$rc"
walk "$id" bkurniawan
t_eq "PAR: with both, the step is done" decide "$(field "$id" step)"
id=$(submit lputri server-room:PAR)
walk "$id" bkurniawan rwulandari dpratama
t_eq "PAR: the other order works the same" active "$(field "$id" state)"
t_eq "PAR: the trail has one act per role" "bkurniawan:approve dpratama:approve rwulandari:approve" \
    "$(decisions "$id" | tr ' ' '\n' | sort | paste -sd' ')"
id=$(submit lputri server-room:PAR)
walk "$id" rwulandari
kcr --as bkurniawan request reject "$id" --reason "Tidak sesuai"
t_eq "PAR: a rejection by either ends it" "0 rejected" "$rc $(field "$id" state)"

# --- the workflow's own limits
kcr --as lputri --lang en request submit --resource server-room:LIM --type audit --reason "Audit" --until "$(date -d '+14 days' +%F)"
t_eq "LIM: a window over max_validity is refused" 65 "$rc"
t_grep "LIM: the refusal names the workflow's limit" "at most 10d \(workflow LIM\)" <(echo "$err")
kcr --as lputri --lang en request submit --resource server-room:LIM --type kartu --reason "Audit"
t_eq "LIM: a type the workflow does not allow is refused" 65 "$rc"
t_grep "LIM: the refusal lists the allowed types" "takes --type pemeliharaan or audit" <(echo "$err")
id=$(TYPE=audit submit lputri server-room:LIM --until "$(date -d '+5 days' +%F)")
t_eq "LIM: an allowed type within the window is taken" pending "$(field "$id" state)"
walk "$id" dpratama
t_eq "LIM: the grant carries the workflow's time windows" \
    "mon-fri 07:30-16:00|sat 08:00-12:00" \
    "$(ls_ -b "kunciId=$id,ou=grants,ou=kunci,$KUNCI_BASE" -s base kunciTimeWindow | sed -n 's/^kunciTimeWindow: //p' | sort | paste -sd'|')"
# the resource's own types (kunciAllowedType), within the workflow's
la >/dev/null <<EOF
dn: kunciName=server-room:LIM-audit,ou=resources,ou=kunci,$KUNCI_BASE
objectClass: kunciManagedResource
kunciName: server-room:LIM-audit
kunciType: server-room
kunciWorkflow: LIM
kunciAllowedType: audit
EOF
kcr --as lputri --lang en request submit --resource server-room:LIM-audit --type pemeliharaan --reason "Audit"
t_eq "LIM: a type the resource does not take is refused (65)" 65 "$rc"
t_grep "LIM: ... naming the resource's types" "resource server-room:LIM-audit takes --type audit" <(echo "$err")
kcr --as lputri request submit --resource server-room:LIM-audit --type audit --reason "Audit"
t_eq "LIM: the resource's type is taken" 0 "$rc"
# resource list: the types a request may use are both lists at once
la >/dev/null <<EOF
dn: kunciName=server-room:LIM-both,ou=resources,ou=kunci,$KUNCI_BASE
objectClass: kunciManagedResource
kunciName: server-room:LIM-both
kunciType: server-room
kunciWorkflow: LIM
kunciAllowedType: audit
kunciAllowedType: darurat
EOF
rtypes() # RESOURCE: its access_types, any_access_type, requestable
{
	kc --as lputri --json resource list | python3 -c 'import json,sys
r=[r for r in json.load(sys.stdin) if r["name"]==sys.argv[1]][0]
print(",".join(r["access_types"]), r["any_access_type"], r["requestable"])' "$1"
}
t_eq "resource list: the workflow's types where the resource names none" \
    "pemeliharaan,audit False True" "$(rtypes server-room:LIM)"
t_eq "resource list: the workflow's types within the resource's own" \
    "audit False True" "$(rtypes server-room:LIM-both)"
t_grep "resource list: ... in the table too" \
    "^server-room:LIM-both +server-room +LIM +audit " <(kc --as lputri resource list)
kcr --as lputri request submit --resource server-room:LIM-both --type darurat --reason "Audit"
t_eq "... and submit refuses the type left out (65)" 65 "$rc"
t_eq "LIM: a default window comes from max_validity" 1 \
    "$(id2=$(TYPE=audit submit lputri server-room:LIM) && kc --json request show "$id2" | python3 -c 'import json,sys,datetime
d=json.load(sys.stdin); p=lambda s: datetime.datetime.fromisoformat(s.replace("Z","+00:00"))
print(int((p(d["not_after"])-p(d["not_before"])).total_seconds()==10*86400))')"

# --- kuncid -t: each misuse with file:line
C=$W/kunci.conf
bad() # DESC PATTERN-IN-MESSAGE SED-SCRIPT (edits the line holding MARK)
{
	local desc=$1 pat=$2 f=$D/bad.conf line out
	sed "$3" "$C" >"$f"
	line=$(grep -n 'MARK' "$f" | head -1 | cut -d: -f1)
	sed -i 's/ *# *MARK//' "$f"
	out=$("$KUNCID" -t -c "$f" 2>&1)
	if [ $? -ne 0 ] && printf '%s' "$out" | grep -qE -- "^(kuncid: )?$f:$line: .*$pat"; then
		t_ok "kuncid -t: $desc ($f:$line)"
	else
		t_fail "kuncid -t: $desc" "line $line, got: $out"
	fi
}
Q2L='s/\(name = "panel"; role = "panel"; kind = "approve"; sla = "1d"; label_id = "panel"; label_en = "panel"; quorum = 2; \)rejections = 2;/'
bad "rejections on a step that cannot reject" "cannot reject" \
    "${Q2L}\\1may_reject = false; rejections = 2; # MARK\\n/"
bad "rejections out of range" "out of range" "${Q2L}\\1rejections = 0; # MARK\\n/"
bad "rejections neither a number nor quorum_lost" 'expected a number of rejections or "quorum_lost"' \
    "${Q2L}\\1rejections = \"many\"; # MARK\\n/"
bad "a rejection rule that can never be met" "can never be met: role superior is one person" \
    's/\(name = "endorse"; role = "superior"; kind = "endorse"; sla = "1d"; label_id = "endorse"; label_en = "endorse"; \)if_no_superior = "skip";/\1rejections = 2; # MARK\n/'
bad "not_same_as naming an unknown step" 'no earlier step "cek"' \
    's/not_same_as = \[ "check" \]; not_superior = true;/not_same_as = [\n "cek" ]; not_superior = true; # MARK\n/'
bad "not_same_as naming its own step" 'this is the step "decide"' \
    's/not_same_as = \[ "check" \]; not_superior = true;/not_same_as = [\n "decide" ]; # MARK\n/'
bad "if_no_superior naming an unknown role" 'unknown role "kabag"' \
    's/if_no_superior = "panel";/\n if_no_superior = "kabag"; # MARK\n/'
bad "if_no_superior on a step that is not the superior's" "only for a step whose role is superior" \
    's/\(name = "decide"; role = "kabid-aptika"; kind = "approve"; sla = "1d"; label_id = "decide"; label_en = "decide"; \)/\1\n if_no_superior = "skip"; # MARK\n/'
bad "max_validity that is not a duration" 'max_validity: bad duration "seminggu"' \
    's/max_validity = "10d";/\n max_validity = "seminggu"; # MARK\n/'
bad "types on a card workflow" "grant_kind card takes only --type card" \
    '0,/grant_kind = "card";/s//grant_kind = "card";\n types = [ "kartu" ]; # MARK\n/'
bad "a time window that does not parse" 'is not DAYS HH:MM-HH:MM' \
    's/time_window = \[ "mon-fri 07:30-16:00", "sat 08:00-12:00" \];/\n time_window = [ "senin 07:30-16:00" ]; # MARK\n/'
bad "choose on a step that does not dispose" "choose: only for a dispose step" \
    's/\(name = "decide"; role = "panel"; kind = "approve"; sla = "1d"; label_id = "decide"; label_en = "decide"; \)/\1\n choose = [ "kadis" ]; # MARK\n/'
bad "choose naming an unknown role" 'choose: unknown role "kabid-umum"' \
    's/choose = \[ "kabid-aptika", "kabid-egov" \];/choose = [ "kabid-aptika",\n "kabid-umum" ]; # MARK\n/'
bad "role disposed without an earlier choosing disposition" 'needs an earlier dispose step with choose' \
    '0,/\(name = "decide"; \)role = "kabid-aptika"; /s//\1\n role = "disposed"; # MARK\n /'
bad "parallel naming an unknown role" 'parallel: unknown role "kasi-umum"' \
    's/parallel = \[ "kasi-sdtik" \];/parallel = [\n "kasi-umum" ]; # MARK\n/'
bad "parallel with a quorum" "parallel: only beside a role of" \
    's/\(name = "both"; role = "kasi-infra"; kind = "verify"; sla = "1d"; label_id = "both"; label_en = "both"; \)parallel = \[ "kasi-sdtik" \];/\1quorum = 2;\n parallel = [ "kasi-sdtik" ]; # MARK\n/'
bad "more time windows than a grant takes" "time_window: more than 2 windows" \
    's/time_window = \[ "mon-fri 07:30-16:00", "sat 08:00-12:00" \];/\n time_window = [ "mon-fri 07:30-16:00", "sat 08:00-12:00", "sun 08:00-10:00" ]; # MARK\n/'
t_check "kuncid -t: the test configuration itself is accepted" "$KUNCID" -t -c "$C"

# --- races: parallel decisions under each rule, exactly one outcome
race_q2()
{
	local ok=0 bad=0 detail= i id r rs st a r_ n
	for ((i = 1; i <= RACE_N; i++)); do
		id=$(submit lputri server-room:Q2)
		"$KUNCICTL" --as wsaputra request reject "$id" --step panel --reason "x" >/dev/null 2>"$W/q1" & p1=$!
		"$KUNCICTL" --as ihidayat request approve "$id" --step panel >/dev/null 2>"$W/q2" & p2=$!
		"$KUNCICTL" --as yhartono request reject "$id" --step panel --reason "y" >/dev/null 2>"$W/q3" & p3=$!
		"$KUNCICTL" --as nlestari request approve "$id" --step panel >/dev/null 2>"$W/q4" & p4=$!
		rs=
		for p in $p1 $p2 $p3 $p4; do wait "$p"; rs="$rs $?"; done
		st=$(field "$id" state)
		r_=$(decisions "$id")
		a=$(grep -o ':approve' <<<"$r_" | wc -l)
		n=$(grep -o ':reject' <<<"$r_" | wc -l)
		want=pending
		[ "$a" -ge 2 ] && want=active
		[ "$n" -ge 2 ] && want=rejected
		# at most 3 slots: each success is one recorded act, the rest
		# were told they lost (75: "already decided", or 65: closed,
		# when they came after the end); the outcome follows the
		# recorded acts; nobody twice
		if [ "$((a + n))" -le 3 ] && [ "$st" = "$want" ] && [ "$want" != pending ] &&
		    [ "$(tr ' ' '\n' <<<"$rs" | grep -c '^0$')" = "$((a + n))" ] &&
		    [ "$(tr ' ' '\n' <<<"$rs" | grep -cE '^(75|65)$')" = "$((4 - a - n))" ] &&
		    [ "$(tr ' ' '\n' <<<"$r_" | cut -d: -f1 | sort | uniq -d)" = "" ]; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
			detail="$detail
$id: rc$rs state=$st acts=$r_"
		fi
	done
	[ "$bad" = 0 ] && t_ok "race Q2: $RACE_N of $RACE_N four-way races (2 reject, 2 approve) ended the step exactly once, as recorded" ||
	    t_fail "race Q2: $bad of $RACE_N went wrong" "$detail"
	t_eq "race Q2: the step ended once per request in the audit" "$RACE_N" \
	    "$(( $(grep -cE 'event=request.reject request=.*rejections=2' "$W/audit.log") + $(grep -cE 'event=request.(approved|complete) ' "$W/audit.log") - BEFORE_END ))"
}
race_two() # LABEL RESOURCE REQUESTER STEP U1 U2 [WALK...]: two eligible racers
{
	local label=$1 res=$2 who=$3 step=$4 u1=$5 u2=$6 ok=0 bad=0 detail= i id r1 r2 s0 s1
	shift 6
	for ((i = 1; i <= RACE_N; i++)); do
		id=$(submit "$who" "$res")
		[ $# -gt 0 ] && walk "$id" "$@"
		s0=$(field "$id" step)
		"$KUNCICTL" --as "$u1" request approve "$id" --step "$step" >/dev/null 2>"$W/r1" & p1=$!
		"$KUNCICTL" --as "$u2" request approve "$id" --step "$step" >/dev/null 2>"$W/r2" & p2=$!
		wait $p1; r1=$?
		wait $p2; r2=$?
		s1=$(field "$id" step)
		# the loser: 75 (already decided) or, the step being the
		# last, 65 (closed)
		if [[ "$(printf '%s\n' $r1 $r2 | sort | tr '\n' ' ')" =~ ^0\ (75|65)\ $ ]] && [ "$s1" != "$s0" ] &&
		    [ "$(decisions "$id" | tr ' ' '\n' | grep -vc '^kuncid:')" = "$(( $# + 1 ))" ]; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
			detail="$detail
$id: rc $r1/$r2 step $s0 -> $s1: $(decisions "$id")"
		fi
	done
	[ "$bad" = 0 ] && t_ok "race $label: $RACE_N of $RACE_N parallel approvals decided the step once" ||
	    t_fail "race $label: $bad of $RACE_N went wrong" "$detail"
}
BEFORE_END=$(( $(grep -cE 'event=request.reject request=.*rejections=2' "$W/audit.log") + $(grep -cE 'event=request.(approved|complete) ' "$W/audit.log") ))
race_q2
race_two "SOD (two eligible deciders, the checker barred)" server-room:SOD wsaputra decide nlestari jwijaya ihidayat
race_two "NSF (fallback role)" server-room:NSF hsantoso endorse nlestari jwijaya
# two officials of the two roles at once: both count, the step moves once
ok=0 bad=0 detail=
for ((i = 1; i <= RACE_N; i++)); do
	id=$(submit lputri server-room:PAR)
	"$KUNCICTL" --as rwulandari request approve "$id" --step both >/dev/null 2>"$W/r1" & p1=$!
	"$KUNCICTL" --as bkurniawan request approve "$id" --step both >/dev/null 2>"$W/r2" & p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	if [ "$r1 $r2" = "0 0" ] && [ "$(field "$id" step)" = decide ] &&
	    [ "$(decisions "$id" | wc -w)" = 2 ]; then
		ok=$((ok + 1))
	else
		bad=$((bad + 1))
		detail="$detail
$id: rc $r1/$r2 step=$(field "$id" step) acts=$(decisions "$id"): $(cat "$W/r1" "$W/r2")"
	fi
done
[ "$bad" = 0 ] && t_ok "race PAR: $RACE_N of $RACE_N parallel acts of the two roles: both recorded, the step moved once" ||
    t_fail "race PAR: $bad of $RACE_N went wrong" "$detail"
id=$(submit lputri server-room:PAR)
"$KUNCICTL" --as rwulandari request approve "$id" --step both >/dev/null 2>&1 & p1=$!
"$KUNCICTL" --as rwulandari request approve "$id" --step both >/dev/null 2>&1 & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
t_eq "race PAR: one official twice at once: one act" "1 both" \
    "$(decisions "$id" | wc -w) $(field "$id" step)"

# the Kadis disposing twice at once, to two different Kabid: one counts
ok=0 bad=0 detail=
for ((i = 1; i <= RACE_N; i++)); do
	id=$(submit lputri server-room:DSP)
	"$KUNCICTL" --as hsantoso request approve "$id" --step kadis --to kabid-aptika >/dev/null 2>"$W/r1" & p1=$!
	"$KUNCICTL" --as hsantoso request approve "$id" --step kadis --to kabid-egov >/dev/null 2>"$W/r2" & p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	tos=$(kc --json request show "$id" | python3 -c 'import json,sys
print(" ".join(e["to"] for e in json.load(sys.stdin)["events"] if e.get("to")))')
	# the loser: 75 (a lost race, or the step moved on under --step),
	# or 77 (it read the winner's act: "you already acted")
	if [[ "$(printf '%s\n' $r1 $r2 | sort | tr '\n' ' ')" =~ ^0\ (75|77)\ $ ]] &&
	    [ "$(field "$id" step)" = kabid ] && [ "$(wc -w <<<"$tos")" = 1 ]; then
		if [ "$tos" = kabid-aptika ]; then w=dpratama; else w=asetiawan; fi
		kcr --as "$w" request approve "$id" --step kabid
		if [ "$rc" = 0 ]; then ok=$((ok + 1)); else bad=$((bad + 1)); detail="$detail
$id: the chosen $tos ($w) could not decide: $err"; fi
	else
		bad=$((bad + 1))
		detail="$detail
$id: rc $r1/$r2 to=$tos step=$(field "$id" step): $(cat "$W/r1" "$W/r2")"
	fi
done
[ "$bad" = 0 ] && t_ok "race DSP: $RACE_N of $RACE_N double dispositions: one recipient, who then decides" ||
    t_fail "race DSP: $bad of $RACE_N went wrong" "$detail"
t_done
