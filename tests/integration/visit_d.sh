#!/bin/bash
# Procedure D (server room / data centre access, Sumatera Barat) as a
# visit: dispositions, the coordinator's check, the Kabid's decision, the
# escort appointed by the coordinator, the escorted visit, and the report
# chain helpdesk -> coordinator -> Kabid -> Kadis; and D's rejection.
. "$(dirname "$0")/visit.inc"

wf_setup
seed_grant wsaputra server-room:dc2
seed_grant fnugroho server-room:dc2

id=$(PURPOSE=servers vrequest tramadhan server-room:dc2)
t_eq "D: server-room:dc2 runs its own workflow D" "D kadis-disposition" \
    "$(vfield "$id" workflow) $(vfield "$id" step)"
for who in hsantoso dpratama yhartono; do
	kcr --as "$who" visit approve "$id"
	t_eq "D: $who acts" 0 "$rc"
done
kcr --as dpratama visit approve "$id"
t_eq "D: Kabid decides (one decision, after a disposition)" \
    "0 approved coordinator-assign" "$rc $(vfield "$id" state) $(vfield "$id" step)"
kcr --as yhartono visit approve "$id"
t_eq "D: the assignment step is done by appointing the escort (64)" 64 "$rc"
kcr --as yhartono visit escort "$id" --escort ihidayat
t_eq "D: escort without a dc2 grant refused (77)" 77 "$rc"
kcr --as yhartono visit escort "$id" --escort fnugroho
t_eq "D.7: an escort outside the technical team refused (77), dc2 grant or not" 77 "$rc"
t_grep "D.7: ... the refusal names the role" "tidak memegang peran tim-teknis" <(echo "$err")
kcr --as yhartono visit escort "$id" --escort wsaputra
t_eq "D: coordinator appoints the technical team's escort" "0 wsaputra escort" \
    "$rc $(vfield "$id" escort) $(vfield "$id" step)"
kcr --as wsaputra visit checkin "$id"
t_eq "D: the escort checks the guest in" "0 in escort" "$rc $(vfield "$id" state) $(vfield "$id" step)"
kcr --as wsaputra visit checkout "$id" --locked
t_eq "D: check-out ends the escorted visit" "0 out helpdesk-report True" \
    "$rc $(vfield "$id" state) $(vfield "$id" step) $(vfield "$id" room_locked)"
kcr --as yhartono visit approve "$id"
t_eq "D: the report starts with helpdesk (77 for others)" 77 "$rc"
for who in nlestari yhartono dpratama hsantoso; do
	kcr --as "$who" visit approve "$id" --note "laporan kegiatan"
	t_eq "D: report chain: $who" 0 "$rc"
done
t_eq "D: done after the Kadis receives the report" "done" "$(vfield "$id" state)"
t_eq "D: every step has its event" 10 \
    "$(kc --json visit show "$id" | python3 -c 'import json,sys; print(sum(1 for e in json.load(sys.stdin)["events"] if e["event"].startswith("step-")))')"
t_grep "D: visit report form shows the chain" "Kadis menerima laporan" <(kc doc guest-book "$id")

# the coordinator verifies and reports; the Kabid rejects
id2=$(vrequest tramadhan server-room:dc2)
kc --as hsantoso visit approve "$id2" >/dev/null
kc --as dpratama visit approve "$id2" >/dev/null
kcr --as dpratama visit reject "$id2"
t_eq "D: a rejection needs a reason (64)" 64 "$rc"
kcr --as yhartono visit reject "$id2" --reason "surat tidak lengkap"
t_eq "D.4: the coordinator cannot reject (77): only the Kabid decides" "77 pending" "$rc $(vfield "$id2" state)"
kcr --as yhartono visit approve "$id2" --note "surat tidak lengkap; dilaporkan ke Kabid"
t_eq "D.4: the coordinator verifies and reports" 0 "$rc"
kcr --as dpratama visit reject "$id2" --reason "surat tidak lengkap"
t_eq "D.5: the Kabid rejects" "0 rejected" "$rc $(vfield "$id2" state)"
kcr --as tramadhan visit checkin "$id2"
t_eq "D: no check-in of a rejected visit (65)" 65 "$rc"
t_grep "D: reject audited" "event=visit.reject visit=$id2" "$W/audit.log"
t_done
