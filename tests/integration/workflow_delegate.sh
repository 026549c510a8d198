#!/bin/bash
# Acting officials (Plt./Plh., issue 16): kuncictl delegate create, list,
# end; the acting official decides in the role during the period and is
# refused before and after it; a period over delegation.max_period is
# refused; request show, the audit and the form name both people; a
# misconfigured max_period is refused by kuncid -t with file:line; and
# the official and the acting official racing on one step: one outcome.
. "$(dirname "$0")/visit.inc"

RACE_N=${RACE_N:-100}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
sed 's/^  max_period = "30d";/  max_period = "14d";/' "$KUNCI_TOP/conf/kunci.conf" >"$D/kunci.conf"
grep -q 'max_period = "14d"' "$D/kunci.conf" || t_fail "test config: max_period not set"
wf_setup --config "$D/kunci.conf"
DL="ou=delegations,ou=kunci,$KUNCI_BASE"
day() { date -d "$1" +%F; }

# dpratama (Kabid Aptika) names asetiawan Plt. for a week.
kcr --as dpratama --json delegate create --to asetiawan --role kabid-aptika \
    --until "$(day '+7 days')" --reason "Cuti tahunan"
t_eq "create: the official delegates their role" 0 "$rc"
did=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$out")
t_eq "create: the id names the official and the role" "dpratama.kabid-aptika." "${did%????????????}"
t_eq "create: recorded in the directory" "kunciHolder=dpratama|kunciRole=kabid-aptika|kunciStatus=active|kunciSubject=asetiawan" \
    "$(ls_ -b "kunciId=$did,$DL" -s base kunciSubject kunciHolder kunciRole kunciStatus | sed -n 's/^\(kunci[A-Za-z]*\): /\1=/p' | sort | paste -sd'|')"
kcr --as asetiawan delegate list
t_grep "list: the acting official sees it" "$did .*asetiawan .*Plt\. " <(echo "$out")
kcr --as lputri --json delegate list
t_eq "list: someone else sees none of it" "[]" "$(tr -d ' \n' <<<"$out")"

# refusals of create
kcr --as dpratama --lang en delegate create --to asetiawan --role kabid-aptika --until "$(day '+20 days')"
t_eq "create: a period over max_period is refused (65)" 65 "$rc"
t_grep "create: ... naming the limit" "at most 2w \(delegation.max_period\)" <(echo "$err")
kcr --as dpratama delegate create --to asetiawan --role kadis --until "$(day '+3 days')"
t_eq "create: a role the official does not hold is refused (65)" 65 "$rc"
kcr --as lputri delegate create --for dpratama --to lputri --role kabid-aptika --until "$(day '+3 days')"
t_eq "create: someone else cannot delegate the official's role (77)" 77 "$rc"
kcr --as dpratama delegate create --to asetiawan --role eselon --until "$(day '+3 days')"
t_eq "create: an unknown role (66)" 66 "$rc"
kcr --as dpratama delegate create --to nobody-here --role kabid-aptika --until "$(day '+3 days')"
t_eq "create: an unknown user (67)" 67 "$rc"
kcr --as dpratama delegate create --to asetiawan --role kabid-aptika --until "$(day '-1 days')"
t_eq "create: a period in the past (65)" 65 "$rc"
kcr --as dpratama delegate create --to dpratama --role kabid-aptika --until "$(day '+1 days')"
t_eq "create: not for oneself (65)" 65 "$rc"
kcr --as dpratama delegate create --to asetiawan --role kabid-aptika --until "$(day '+7 days')" --kind wakil
t_eq "create: a kind other than plt/plh (65)" 65 "$rc"

# the acting official decides as Kabid Aptika in procedure A
id=$(submit lputri server-room:dc1)
walk "$id" tramadhan hsantoso
kcr --as asetiawan request approve "$id"
t_eq "act: the Plt. takes the Kabid's disposition" "0 kasi-verify" "$rc $(field "$id" step)"
walk "$id" rwulandari
kcr --as asetiawan request approve "$id"
t_eq "act: and the Kabid's decision" "0 card" "$rc $(field "$id" step)"
kcr --as lputri request show "$id"
t_grep "show: the act is listed as the Plt.'s" "asetiawan \(Plt\. dpratama\)" <(echo "$out")
wait_audit "event=request.step request=$id actor=asetiawan .*step=kabid-approve"
t_grep "audit: names both people and the delegation" \
    "event=request.step request=$id actor=asetiawan .*step=kabid-approve .*acting=plt for=dpratama delegation=$did" "$W/audit.log"
kcr --as lputri doc request "$id" --format text
t_grep "form: the act printed as made by the Plt." "Plt\. Kepala Bidang Aplikasi Informatika" <(echo "$out")
kcr --as lputri --json request show "$id"
t_eq "show --json: the event carries the delegation" "plt dpratama $did" \
    "$(python3 -c 'import json,sys
d=json.loads(sys.argv[1])
a=[e["acting"] for e in d["events"] if e["acting"]]
print(a[-1]["kind"], a[-1]["for"], a[-1]["delegation"])' "$out")"

# the official's own request: the Plt. may not decide it
id2=$(submit dpratama server-room:dc1)
walk "$id2" hsantoso hsantoso
t_eq "own: dpratama's request waits on the Kabid Aptika" kabid-disposition "$(field "$id2" step)"
kcr --as asetiawan request approve "$id2"
t_eq "own: the Plt. cannot decide the official's own request (77)" 77 "$rc"

# before and after the period
kcr --as hsantoso delegate create --for dpratama --to yhartono --role kabid-aptika \
    --from "$(day '+2 days')" --until "$(day '+4 days')" --kind plh
t_eq "create: an administrator? no: the Kadis is not an admin (77)" 77 "$rc"
kcr --as sanggraini delegate create --for dpratama --to yhartono --role kabid-aptika \
    --from "$(day '+2 days')" --until "$(day '+4 days')" --kind plh
t_eq "create: an administrator delegates for the official" 0 "$rc"
id3=$(submit lputri server-room:dc1)
walk "$id3" tramadhan hsantoso
kcr --as yhartono request approve "$id3"
t_eq "before: the Plh. is refused before the period (77)" 77 "$rc"
kcr --as dpratama delegate end "$did" --reason "Kembali bertugas"
t_eq "end: the official ends the delegation" 0 "$rc"
kcr --as asetiawan request approve "$id3"
t_eq "after: the Plt. is refused once it ended (77)" 77 "$rc"
kcr --as dpratama delegate end "$did"
t_eq "end: twice is refused (65)" 65 "$rc"
# a delegation whose period ran out (the directory's not-after passed)
kcr --as dpratama --json delegate create --to asetiawan --role kabid-aptika --until "$(day '+1 days')" --from "$(date -d '+1 minute' +%FT%H:%M)"
d2=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$out" 2>/dev/null)
lm >/dev/null <<EOF
dn: kunciId=$d2,$DL
changetype: modify
replace: kunciNotBefore
kunciNotBefore: 20200101000000Z
-
replace: kunciNotAfter
kunciNotAfter: 20200102000000Z
EOF
kcr --as asetiawan request approve "$id3"
t_eq "after: refused once the period is over (77)" 77 "$rc"
walk "$id3" dpratama
t_eq "the official still decides" kasi-verify "$(field "$id3" step)"
wait_audit "event=delegation.end delegation=$did "
t_grep "audit: create names official, acting official and role" \
    "event=delegation.create delegation=$did actor=dpratama .*holder=dpratama acting=asetiawan role=kabid-aptika kind=plt" "$W/audit.log"
t_grep "audit: end" "event=delegation.end delegation=$did actor=dpratama" "$W/audit.log"

# the direct superior's place: tramadhan (Kabid Data Bappeda) is lputri's
# manager; his Plt. decides the superior steps that wait on him, no other
kcr --as lputri --lang en delegate create --to asetiawan --role superior --until "$(day '+3 days')"
t_eq "superior: someone nobody reports to cannot delegate it (65)" 65 "$rc"
t_grep "... saying so" "lputri is nobody's direct superior in the directory" <(echo "$err")
kcr --as tramadhan --lang en delegate create --to asetiawan --role requester --until "$(day '+3 days')"
t_eq "superior: another built-in role is refused (65)" 65 "$rc"
t_grep "... saying which can" "requester cannot be delegated \(a role of \"roles\" can, or superior\)" <(echo "$err")
kcr --as tramadhan delegate create --to asetiawan --role superior --until "$(day '+20 days')"
t_eq "superior: over max_period is refused too (65)" 65 "$rc"
kcr --as tramadhan --json delegate create --to asetiawan --role superior --until "$(day '+3 days')" --reason "Cuti"
t_eq "superior: the official delegates his place as superior" 0 "$rc"
sid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$out")
t_eq "superior: the id names the place" "tramadhan.superior." "${sid%????????????}"
ids=$(submit lputri server-room:dc1)
t_eq "superior: lputri's request waits on tramadhan" "superior tramadhan" "$(field "$ids" step) $(field "$ids" step_who)"
kcr --as asetiawan --json request list --waiting
t_grep "superior: it waits on the Plt. too (list --waiting)" "\"id\": *\"$ids\"" <(echo "$out")
oth=$(submit jwijaya server-room:dc1)
kcr --as asetiawan --lang en request approve "$oth"
t_eq "superior: not another superior's step (jwijaya's, rwulandari's) (77)" 77 "$rc"
t_grep "... naming whose it is" "direct superior \(rwulandari\)" <(echo "$err")
kcr --as asetiawan request approve "$ids"
t_eq "superior: the Plt. endorses in tramadhan's place" "0 kadis-disposition" "$rc $(field "$ids" step)"
kcr --as lputri request show "$ids"
t_grep "superior: show lists the act as the Plt.'s" "asetiawan \(Plt\. tramadhan\)" <(echo "$out")
wait_audit "event=request.step request=$ids actor=asetiawan "
t_grep "superior: audited with both names and the delegation" \
    "event=request.step request=$ids actor=asetiawan .*step=superior .*acting=plt for=tramadhan delegation=$sid" "$W/audit.log"
kcr --as lputri doc request "$ids" --format text
t_grep "superior: the form prints the Plt. of the official's office" "Plt\. Kepala Bidang Data Bappeda" <(echo "$out")
# the Plt.'s own request: lputri as Plt. of her own manager
kcr --as sanggraini --json delegate create --for tramadhan --to lputri --role superior --until "$(day '+3 days')" --from "$(date -d '+1 minute' +%FT%H:%M)"
t_eq "superior: an administrator delegates it for the official" 0 "$rc"
s2=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$out")
lm >/dev/null <<EOF
dn: kunciId=$s2,$DL
changetype: modify
replace: kunciNotBefore
kunciNotBefore: 20200101000000Z
EOF
own=$(submit lputri server-room:dc1)
kcr --as lputri request approve "$own"
t_eq "superior: never on the Plt.'s own request (77)" "77 superior" "$rc $(field "$own" step)"
kcr --as tramadhan delegate end "$s2"
ok=0 bad=0 detail=
for ((i = 1; i <= RACE_N / 10; i++)); do
	id=$(submit lputri server-room:dc1)
	"$KUNCICTL" --as tramadhan request approve "$id" --step superior >"$W/r1" 2>&1 & p1=$!
	"$KUNCICTL" --as asetiawan request approve "$id" --step superior >"$W/r2" 2>&1 & p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	nev=$(ls_ -b "kunciId=$id,ou=requests,ou=kunci,$KUNCI_BASE" -s one '(&(objectClass=kunciEvent)(kunciStepIndex=0)(kunciId=step-*))' 1.1 | grep -c '^dn:')
	if [ "$(printf '%s\n' $r1 $r2 | sort | tr '\n' ' ')" = "0 75 " ] && [ "$nev" = 1 ] &&
	    [ "$(field "$id" step)" = kadis-disposition ]; then
		ok=$((ok + 1))
	else
		bad=$((bad + 1))
		detail="$detail
$id: rc $r1/$r2 events=$nev: $(cat "$W/r1" "$W/r2" | tr '\n' ' ')"
	fi
done
[ "$bad" = 0 ] && t_ok "superior race: $((RACE_N / 10)) of $((RACE_N / 10)) official-vs-Plt. races decided the step once" ||
    t_fail "superior race: $bad went wrong" "$detail"
kcr --as tramadhan delegate end "$sid"
ids2=$(submit lputri server-room:dc1)
kcr --as asetiawan request approve "$ids2"
t_eq "superior: once ended, the Plt. is refused (77)" 77 "$rc"

# a visit step (procedure B): the Kasi Infra's Plt. checks the purpose
vid=$(vrequest jwijaya server-room:dc1)
kcr --as bkurniawan visit approve "$vid"
t_eq "visit: without a delegation the Kasi SD TIK is refused (77)" 77 "$rc"
kcr --as rwulandari delegate create --to bkurniawan --role kasi-infra --until "$(day '+2 days')"
t_eq "visit: the Kasi Infra delegates" 0 "$rc"
kcr --as bkurniawan visit approve "$vid" --note "KTP diperiksa"
t_eq "visit: the Plt. takes the Kasi's check" "0 approve-entry" "$rc $(vfield "$vid" step)"
wait_audit "event=delegation.act .*visit=$vid"
t_grep "visit: audited with both names"     "event=delegation.act delegation=rwulandari.kasi-infra.[0-9]* actor=bkurniawan for=rwulandari role=kasi-infra visit=$vid step=kasi-check" "$W/audit.log"
# B step 2 is routed (network: the network administrator): her Plt.
kcr --as sanggraini --json delegate create --to nlestari --role network-admin --until "$(day '+2 days')"
t_eq "visit: the network administrator delegates" 0 "$rc"
nid=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$out")
kcr --as nlestari visit approve "$vid" --note "Izin masuk"
t_eq "visit: the routed administrator's Plt. approves the entry" "0 appoint-escort" "$rc $(vfield "$vid" step)"
wait_audit "event=delegation.act delegation=$nid .*visit=$vid"
t_grep "visit: ... audited under the routed role" "event=delegation.act delegation=$nid actor=nlestari for=sanggraini role=network-admin visit=$vid step=approve-entry" "$W/audit.log"
kcr --as jwijaya doc visit "$vid" --format text
t_grep "visit form: the Kasi's check printed as made by the Plt." "Plt\. Kepala Seksi Layanan Infrastruktur TIK" <(echo "$out")
t_grep "visit form: and the routed entry approval" "Plt\. Administrator / Network Administrator" <(echo "$out")
kcr --as jwijaya --json visit show "$vid"
t_eq "visit show --json: the acts carry their delegations" "plt:rwulandari plt:sanggraini" \
    "$(python3 -c 'import json,sys
d=json.loads(sys.argv[1])
print(" ".join("%s:%s" % (e["acting"]["kind"], e["acting"]["for"]) for e in d["events"] if e.get("acting")))' "$out")"
# the official's own visit: not for her Plt.
vid2=$(vrequest sanggraini server-room:dc1)
kc --as rwulandari visit approve "$vid2" >/dev/null
kcr --as nlestari visit approve "$vid2"
t_eq "visit: the Plt. cannot decide the official's own visit (77)" "77 approve-entry" "$rc $(vfield "$vid2" step)"

# kuncid -t: a max_period that is not a duration
f=$D/bad.conf
sed 's/^  max_period = "14d";/  max_period = "sebulan";/' "$W/kunci.conf" >"$f"
line=$(grep -n 'max_period = "sebulan"' "$f" | cut -d: -f1)
out=$("$KUNCID" -t -c "$f" 2>&1)
t_grep "kuncid -t: max_period not a duration, with file:line" \
    "$f:$line: delegation.max_period: bad duration \"sebulan\"" <(echo "$out")

# race: the official and the acting official on the same step
kcr --as dpratama --json delegate create --to asetiawan --role kabid-aptika --until "$(day '+5 days')" --from "$(date -d '+2 minutes' +%FT%H:%M)"
d3=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$out" 2>/dev/null)
lm >/dev/null <<EOF
dn: kunciId=$d3,$DL
changetype: modify
replace: kunciNotBefore
kunciNotBefore: 20200101000000Z
EOF
ok=0 bad=0 detail=
for ((i = 1; i <= RACE_N; i++)); do
	id=$(submit lputri server-room:dc1)
	walk "$id" tramadhan hsantoso
	"$KUNCICTL" --as dpratama request approve "$id" --step kabid-disposition >"$W/r1" 2>&1 & p1=$!
	"$KUNCICTL" --as asetiawan request approve "$id" --step kabid-disposition >"$W/r2" 2>&1 & p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	nev=$(ls_ -b "kunciId=$id,ou=requests,ou=kunci,$KUNCI_BASE" -s one '(&(objectClass=kunciEvent)(kunciStepIndex=2)(kunciId=step-*))' 1.1 | grep -c '^dn:')
	if [ "$(printf '%s\n' $r1 $r2 | sort | tr '\n' ' ')" = "0 75 " ] && [ "$nev" = 1 ] &&
	    [ "$(field "$id" step)" = kasi-verify ]; then
		ok=$((ok + 1))
	else
		bad=$((bad + 1))
		detail="$detail
$id: rc $r1/$r2 events=$nev: $(cat "$W/r1" "$W/r2" | tr '\n' ' ')"
	fi
done
[ "$bad" = 0 ] && t_ok "race: $RACE_N of $RACE_N official-vs-Plt. races decided the step once" ||
    t_fail "race: $bad of $RACE_N went wrong" "$detail"
t_done
