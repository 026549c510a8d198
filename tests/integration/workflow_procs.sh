#!/bin/bash
# Procedures A-trenggalek, C1 and D from submit to an active grant, each
# step done by its role, and each one's rejection path.
. "$(dirname "$0")/workflow.inc"

wf_setup
GR="ou=grants,ou=kunci,$KUNCI_BASE"
la >/dev/null <<EOF2
dn: kunciName=server-room:trenggalek,ou=resources,ou=kunci,$KUNCI_BASE
objectClass: kunciManagedResource
kunciName: server-room:trenggalek
kunciType: server-room
kunciWorkflow: A-trenggalek
EOF2

grant_ok() # ID SUBJECT RESOURCE CREDENTIAL
{
	t_eq "$5: grant $1 is active for $2 on $3" "active $2 $3 $4 $1" \
	    "$(gfield "$1" status) $(gfield "$1" subject) $(gfield "$1" resource) $(gfield "$1" credential) $(gfield "$1" request)"
}

# --- the requester's own first step (A'.1 "1 hari", D.1 3 minutes), timed
# from request submit --started against the workflow's submit_sla.
sub() { kc --json request show "$1" | python3 -c 'import json,sys; s=json.load(sys.stdin).get("submission") or {}; print(s.get("standard_seconds"), s.get("late"), s.get("started") is not None)'; }
kcr --as ekusuma request submit --resource server-room:trenggalek --type card --reason x --started 2099-01-01
t_eq "A'.1: --started in the future is EX_DATAERR" 65 "$rc"
kcr --as ekusuma request submit --resource server-room:trenggalek --type card --reason x --started kemarin
t_eq "A'.1: a --started that is no date is EX_DATAERR" 65 "$rc"
t_eq "A'.1: ... and nothing was submitted" "" "$(kc --as ekusuma --json request list --mine 2>/dev/null | python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)))')"
ts=$(date -d '-10 minutes' +%Y-%m-%dT%H:%M)
id=$(kc --as ekusuma --json request submit --resource server-room:trenggalek --type card --reason "Pemeliharaan" --started "$ts" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t_eq "A'.1: the form step is timed against 1 hari, met" "86400 False True" "$(sub "$id")"
kc --as ekusuma request cancel "$id" >/dev/null
ts=$(date -d '-10 minutes' +%Y-%m-%dT%H:%M)
id=$(kc --as lputri --json request submit --resource server-room:dc2 --type card --reason "Cek server" --started "$ts" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t_eq "D.1: the letter step is timed against 3 minutes, late after 10" "180 True True" "$(sub "$id")"
t_grep "D.1: request show says when it started, and late" "^Dimulai: .*SLA 3m \(terlambat\)" <(kc --lang id request show "$id")
kc --as lputri request cancel "$id" >/dev/null

# --- A-trenggalek: Kadis disposes, Kabid Aptika verifies and approves,
# operator makes the card and informs (steps 5-6), the requester confirms
# receipt (step 7, "1 hari").
id=$(submit ekusuma server-room:trenggalek)
t_eq "A-trenggalek: first step is the Kadis" kadis-disposition "$(field "$id" step)"
walk "$id" hsantoso dpratama dpratama sanggraini:--serial:TG-001
t_eq "A-trenggalek: the operator's inform step waits" "active/inform" \
    "$(field "$id" state)/$(field "$id" step)"
kcr --as ekusuma request inform "$id"
t_eq "A'.6: the requester cannot inform (EX_NOPERM)" 77 "$rc"
kcr --as sanggraini request inform "$id"
t_eq "A'.6: the operator informs" 0 "$rc"
kcr --as sanggraini request confirm "$id"
t_eq "A'.7: the operator cannot confirm for the requester (EX_NOPERM)" 77 "$rc"
t_check "A'.7: the receive step is timed (1 hari)" test -n "$(field "$id" deadline)"
kcr --as ekusuma request confirm "$id" --note "Kartu diterima"
t_eq "A'.7: the requester confirms receipt" 0 "$rc"
t_eq "A-trenggalek: done" "active/" "$(field "$id" state)/$(field "$id" step)"
grant_ok "$id" ekusuma server-room:trenggalek TG-001 A-trenggalek
id=$(submit ekusuma server-room:trenggalek)
walk "$id" hsantoso
kcr --as dpratama request reject "$id" --reason "Tidak tercantum di daftar akses"
t_eq "A-trenggalek: Kabid rejects at verification" "0 rejected" "$rc $(field "$id" state)"
t_eq "A-trenggalek: no grant after rejection" "" "$(field "$id" grant)"

# --- C1: superior, Kadis, Kabid E-gov, Kasi SD TIK, Kasi Infra verifies
# and approves, tech support creates the account and informs, Kasi Infra
# records, the requester confirms receipt.
id=$(TYPE=account submit lputri control-panel:webmin --until 2026-12-31)
kcr --as asetiawan request approve "$id"
t_eq "C1: the Kabid cannot take the superior's step" 77 "$rc"
walk "$id" tramadhan hsantoso asetiawan bkurniawan rwulandari rwulandari
kcr --as ihidayat request approve "$id" --serial X1
t_eq "C1: the account step wants --account, not --serial" 64 "$rc"
walk "$id" ihidayat:--account:lputri.web ihidayat rwulandari lputri
t_eq "C1: done" "active/" "$(field "$id" state)/$(field "$id" step)"
grant_ok "$id" lputri control-panel:webmin lputri.web C1
id=$(TYPE=account submit lputri control-panel:webmin)
walk "$id" tramadhan hsantoso asetiawan bkurniawan
kcr --as rwulandari request reject "$id" --reason "Jenis akses tidak sesuai"
t_eq "C1: Kasi Infra rejects at verification" "0 rejected" "$rc $(field "$id" state)"
id=$(TYPE=account submit lputri control-panel:webmin)
kcr --as tramadhan request reject "$id" --reason "Belum perlu"
t_eq "C1: the direct superior may reject too" "0 rejected" "$rc $(field "$id" state)"

# --- D: Kadis, Kabid, coordinator verifies, Kabid decides (the grant is
# made here: the escort and reports come after the access), coordinator
# assigns, technical team escorts, helpdesk and coordinator report, Kabid
# reports, Kadis receives.
id=$(submit lputri server-room:dc2)
walk "$id" hsantoso dpratama yhartono dpratama
t_eq "D: granted at the Kabid's decision" "active coordinator-assign" \
    "$(field "$id" state) $(field "$id" step)"
t_eq "D: the grant exists while the visit goes on" "active" "$(gfield "$id" status)"
kcr --as lputri request cancel "$id"
t_eq "D: no cancelling after the decision" 65 "$rc"
walk "$id" yhartono wsaputra nlestari yhartono dpratama hsantoso
t_eq "D: every report step done" "active/" "$(field "$id" state)/$(field "$id" step)"
grant_ok "$id" lputri server-room:dc2 "" D
id=$(submit lputri server-room:dc2)
walk "$id" hsantoso dpratama yhartono
kcr --as dpratama request reject "$id" --reason "Tidak ada pekerjaan terjadwal"
t_eq "D: the Kabid rejects" "0 rejected" "$rc $(field "$id" state)"
id=$(submit lputri server-room:dc2)
walk "$id" hsantoso dpratama
kcr --as yhartono --lang en request reject "$id" --reason "Surat tidak lengkap"
t_eq "D.4: the coordinator cannot reject (only the Kabid decides)" "77 pending coordinator-verify" \
    "$rc $(field "$id" state) $(field "$id" step)"
t_grep "D.4: ... the refusal says so" "cannot reject" <(echo "$err")
walk "$id" "yhartono:--note:Surat tidak lengkap, dilaporkan ke Kabid"
kcr --as dpratama request reject "$id" --reason "Surat tidak lengkap"
t_eq "D.5: the Kabid rejects on the coordinator's report" "0 rejected" "$rc $(field "$id" state)"
t_eq "D: one grant on the room, none for the rejected requests" 1 \
    "$(ls_ -b "$GR" -s one '(kunciResource=server-room:dc2)' 1.1 | grep -c '^dn:')"
t_done
