#!/bin/bash
# i18n_review.sh: visits, reviews and forms speak the caller's language
# through the real kuncid (agent/i18n.h, po/id.po, doc/glossary.md):
#  - a review act on an unknown campaign, a refused visit act and a
#    check-in before approval: Indonesian with --lang id, English with
#    --lang en; the audit trail's reason of the refusal stays English;
#  - status words in text tables get their Indonesian label (a visit's
#    "pending", a campaign's "open"), --json keeps the English value;
#  - a form (doc visit) has Indonesian labels with --lang id (the
#    glossary's "kartu identitas"), English ones with --lang en.
set -u
. "$(dirname "$0")/visit.inc"

wf_setup

# --- a review act on an unknown campaign ---------------------------------
kcr --lang id review provide 2099-q4
t_eq "review provide, unknown campaign: exit 66" 66 "$rc"
t_grep "... in Indonesian with --lang id" \
    '^kuncictl: putaran reviu tidak dikenal: 2099-q4$' <(echo "$err")
kcr --lang en review provide 2099-q4
t_grep "... in English with --lang en" \
    '^kuncictl: unknown campaign: 2099-q4$' <(echo "$err")
kcr --lang id review close 2099-q4
t_grep "review close, unknown campaign: Indonesian too" \
    '^kuncictl: putaran reviu tidak dikenal: 2099-q4$' <(echo "$err")

# --- a visit: check-in before approval, a refused decision ---------------
id=$(vrequest jwijaya server-room:dc1)
t_check "a visit requested ($id)" test -n "$id"
kcr --lang id --as jwijaya visit checkin "$id"
t_eq "check-in before approval: exit 65" 65 "$rc"
t_grep "... in Indonesian with --lang id" \
    "^kuncictl: kunjungan $id belum disetujui \(menunggu langkah kasi-check\): tamu belum boleh masuk$" \
    <(echo "$err")
kcr --lang en --as jwijaya visit checkin "$id"
t_grep "... in English with --lang en" \
    "^kuncictl: visit $id is not approved \(waiting for step kasi-check\): no check-in$" \
    <(echo "$err")

kcr --lang id --as jwijaya visit approve "$id"
t_eq "the requester deciding on their visit: exit 77" 77 "$rc"
t_grep "... refused in Indonesian" '^kuncictl: ditolak: .*Anda' <(echo "$err")
t_check_fail "... no English word left" grep -qE 'refused|you |step ' \
    <(echo "$err")
t_grep "... the audit trail's reason stays English" \
    "event=visit.refused visit=$id .*reason=.*(you do not hold|you requested)" \
    "$W/audit.log"
t_check_fail "... and has no Indonesian" \
    grep -qE "event=visit.refused visit=$id .*(Anda|memerlukan|ditolak)" \
    "$W/audit.log"
kcr --lang en --as jwijaya visit approve "$id"
t_grep "... refused in English with --lang en" '^kuncictl: refused: ' \
    <(echo "$err")

# --- status words: a label in text, the English value in JSON -------------
out=$(kc --lang id visit list | grep "^$id ")
t_grep "visit list (id): the state's label" "^$id +menunggu " <(echo "$out")
out=$(kc --lang en visit list | grep "^$id ")
t_grep "visit list (en): the state's label" "^$id +pending " <(echo "$out")
t_eq "visit show --json --lang id: the English state" "pending" \
    "$(kc --lang id --json visit show "$id" | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["state"])')"

kc review start --period 2033-q1 >/dev/null
out=$(kc --lang id review list)
t_grep "review list (id): the glossary's header" "^PUTARAN REVIU " \
    <(echo "$out")
t_grep "... and the campaign's state label" "^2033-q1 .* berjalan " \
    <(echo "$out")
t_grep "review list (en): the English state" "^2033-q1 .* open " \
    <(kc --lang en review list)
t_eq "review list --json: the English value" "open" \
    "$(kc --lang id --json review list | python3 -c \
    'import json,sys; print([c["state"] for c in json.load(sys.stdin) if c["id"] == "2033-q1"][0])')"

# --- a form's labels ------------------------------------------------------
out=$(kc --lang id doc visit "$id")
t_grep "doc visit (id): Indonesian labels" "Nama tamu" <(echo "$out")
t_grep "... the glossary's kartu identitas" "Kartu identitas" <(echo "$out")
t_check_fail "... no English label" grep -qE "Identity document|Guest|Escort" \
    <(echo "$out")
out=$(kc --lang en doc visit "$id")
t_grep "doc visit (en): English labels" "Identity document" <(echo "$out")
t_check_fail "... no Indonesian label" grep -qE "Nama tamu|Kartu identitas" \
    <(echo "$out")
t_done
