#!/bin/bash
# cockpit_api.sh: what kunci's Cockpit page asks of kuncid, through the
# CLI against a real slapd and kuncid (doc/json.md): `resource list`; a
# request seen by the direct superior who holds no role (waiting list,
# show), by everyone who acted on it, and by nobody else ("unknown
# request"); the `actions` kuncid offers with each request, which are
# exactly the commands it then accepts, and a command without an action
# refused; JSON arrays and objects where lists and counts were strings.
. "$(dirname "$0")/visit.inc"

wf_setup
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
acts() { kc --as "$1" --json request show "$2" | j '" ".join(a["action"] for a in d["actions"])'; }

# --- resource list -----------------------------------------------------------
kcr --as ekusuma --lang id --json resource list
t_eq "resource list: a person with no role and no grant may list" 0 "$rc"
t_eq "resource list: server-room:dc1 runs workflow A, type card" \
    "A ['card'] False" \
    "$(echo "$out" | j '[(r["workflow"], r["access_types"], r["any_access_type"]) for r in d if r["name"]=="server-room:dc1"][0]' | tr -d '()",' | sed "s/'A'/A/")"
t_eq "resource list: the label in Indonesian by default" "Ruang server utama (data centre)" \
    "$(echo "$out" | j '[r["label"] for r in d if r["name"]=="server-room:dc1"][0]')"
t_eq "resource list --lang en: the English label" "main server room" \
    "$(kc --as ekusuma --lang en --json resource list | j '[r["label"] for r in d if r["name"]=="server-room:dc1"][0]')"
t_grep "resource list: a table for people" "^server-room:dc1 +server-room +A +card" \
    <(kc --as ekusuma resource list)

# --- the superior who holds no role --------------------------------------------
id=$(submit lputri server-room:dc1)
t_check "submitted ($id)" test -n "$id"
kcr --as tramadhan --json request list --waiting
t_eq "waiting: the superior (no role) finds the request" "$id" \
    "$(echo "$out" | j '" ".join(r["id"] for r in d)')"
t_eq "waiting: with its reason and deadline" "Pemeliharaan rutin server True" \
    "$(echo "$out" | j 'd[0]["reason"] + " " + str(d[0]["deadline"] is not None)')"
t_eq "waiting: the superior may approve or reject" "approve reject comment" \
    "$(echo "$out" | j '" ".join(a["action"] for a in d[0]["actions"])')"
kcr --as tramadhan --json request show "$id"
t_eq "show: the superior sees the request" 0 "$rc"
t_eq "show: the superior's actions" "approve reject comment" "$(acts tramadhan "$id")"
t_eq "show: who acts next, by name and as people read the role" \
    "tramadhan atasan langsung" \
    "$(kc --as lputri --lang id --json request show "$id" | j 'd["step_who"] + " " + d["step_role_label"]')"
t_eq "show: the requester may cancel and comment, not decide" "cancel comment" "$(acts lputri "$id")"
t_eq "show: a role holder who is not at this step: comment only" "comment" "$(acts hsantoso "$id")"
kcr --as ekusuma --lang en request show "$id"
t_eq "show: an unrelated person without role: unknown request" "66/kuncictl: unknown request: $id" "$rc/$err"
t_eq "show: the same words as for a request that does not exist" \
    "kuncictl: unknown request: 2026-999999" "$(kc --as ekusuma --lang en request show 2026-999999 2>&1)"
t_eq "list: an unrelated person does not see it" "" \
    "$(kc --as ekusuma --json request list | j '" ".join(r["id"] for r in d)')"
kcr --as ekusuma --lang en request comment "$id" --note "iseng"
t_eq "comment by an unrelated person: unknown request, nothing written" \
    "66/kuncictl: unknown request: $id" "$rc/$err"
kcr --as ekusuma request approve "$id"
t_eq "a forged approval by an unrelated person is refused" 77 "$rc"

# times: ISO 8601 with the offset (Asia/Jakarta or the machine's zone)
t_grep "times are ISO 8601 with the offset" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}$' \
    <(kc --as lputri --json request show "$id" | j 'd["created"]')

walk "$id" tramadhan
t_eq "after acting, the superior still sees it (acted on it)" 0 \
    "$(kc --as tramadhan request show "$id" >/dev/null 2>&1; echo $?)"
t_eq "... in the list too" "$id" \
    "$(kc --as tramadhan --json request list | j '" ".join(r["id"] for r in d)')"
t_eq "... with no decision left to take" "comment" "$(acts tramadhan "$id")"
t_eq "... and not in the waiting list" "" \
    "$(kc --as tramadhan --json request list --waiting | j '" ".join(r["id"] for r in d)')"
t_eq "the Kadis at a disposition step: approve only (cannot reject)" \
    "approve comment" "$(acts hsantoso "$id")"
kcr --as hsantoso request reject "$id" --reason "coba"
t_eq "... and a forged rejection is refused" 77 "$rc"
walk "$id" hsantoso dpratama rwulandari dpratama
kcr --as fnugroho --json request show "$id"
t_eq "the operator's approve asks for the card serial" "approve:serial" \
    "$(echo "$out" | j '" ".join(a["action"]+":"+str(a["input"]) for a in d["actions"] if a["action"]=="approve")')"
walk "$id" fnugroho:--serial:KA-0777
# The SOP's acts after the card, each offered by the name of its command
# (request inform/record/confirm) to its person only, and then accepted.
t_eq "inform step: the operator is offered inform, the requester nothing" \
    "inform comment|comment" "$(acts fnugroho "$id")|$(acts lputri "$id")"
kcr --as fnugroho request inform "$id"
t_eq "... and the operator's inform is taken" 0 "$rc"
t_eq "record step: the operator is offered record, the requester nothing" \
    "record comment|comment" "$(acts fnugroho "$id")|$(acts lputri "$id")"
kcr --as fnugroho request record "$id"
t_eq "... and the operator's record is taken" 0 "$rc"
t_eq "receive step: the requester is offered confirm, the operator nothing" \
    "confirm comment|comment" "$(acts lputri "$id")|$(acts fnugroho "$id")"
kcr --as lputri request confirm "$id"
t_eq "... and the requester's confirm is taken" 0 "$rc"
t_eq "done: nobody has a decision left" "comment|comment" \
    "$(acts lputri "$id")|$(acts fnugroho "$id")"

# --- the access owner, who holds no role, at a C2 step ------------------------
la >/dev/null <<EOT
dn: kunciName=host:kc-api,ou=resources,ou=kunci,$KUNCI_BASE
objectClass: kunciManagedResource
kunciName: host:kc-api
kunciType: host
kunciWorkflow: C2
kunciAccessOwner: uid=gmaharani,ou=people,$KUNCI_BASE
EOT
oid=$(TYPE=review submit dpratama host:kc-api)
t_check "a C2 request on a resource owned by gmaharani ($oid)" test -n "$oid"
t_eq "the owner sees nothing before the owner's step" \
    "66" "$(kc --as gmaharani request show "$oid" >/dev/null 2>&1; echo $?)"
walk "$oid" sanggraini rwulandari
t_eq "at the owner's step: the request waits on the owner (no role)" "$oid" \
    "$(kc --as gmaharani --json request list --waiting | j '" ".join(r["id"] for r in d)')"
t_eq "... who may approve or reject it" "approve reject comment" "$(acts gmaharani "$oid")"
t_eq "... and reads who the step waits on" "penanggung jawab hak akses" \
    "$(kc --as gmaharani --lang id --json request show "$oid" | j 'd["step_role_label"]')"
walk "$oid" gmaharani
t_eq "after acting, the owner still sees it, with no decision left" "comment" "$(acts gmaharani "$oid")"

# --- a visit: the actions offered by its own commands' checks (run dry) -------
seed_grant fnugroho server-room:dc1
vid=$(vrequest jwijaya server-room:dc1)
vacts() { kc --as "$1" --json visit show "$2" | j '" ".join(d["actions"])'; }
t_eq "visit: the Kasi may check it (approve or reject)" "approve reject" "$(vacts rwulandari "$vid")"
t_eq "visit: the requester has nothing to do yet" "" "$(vacts jwijaya "$vid")"
n0=$(audit_count 'event=visit.refused')
t_eq "visit: offering actions audits no refusal" 0 "$n0"
kc --as rwulandari visit approve "$vid" >/dev/null
kc --as sanggraini visit approve "$vid" >/dev/null
t_eq "visit: approved, the Kasi may appoint the escort" "escort" "$(vacts rwulandari "$vid")"
t_eq "visit: ... the requester may not check in before the escort" "" "$(vacts jwijaya "$vid")"
kc --as rwulandari visit escort "$vid" --escort fnugroho >/dev/null
t_eq "visit: the requester may check the guest in" "checkin" "$(vacts jwijaya "$vid")"
t_eq "visit: ... so may the escort" "checkin" "$(vacts fnugroho "$vid")"
kc --as jwijaya visit checkin "$vid" >/dev/null
t_eq "visit list --waiting: the escort's visit waits on them" "$vid" \
    "$(kc --as fnugroho --json visit list --waiting | j '" ".join(v["id"] for v in d)')"
t_eq "visit list --waiting: nothing waits on the requester now" "" \
    "$(kc --as jwijaya --json visit list --waiting | j '" ".join(v["id"] for v in d)')"
t_eq "visit: inside, the escort may check out, with the lock statement" \
    "checkout checkout_locked" "$(vacts fnugroho "$vid")"
t_eq "visit: ... the guest book's role without the statement" "checkout" "$(vacts sanggraini "$vid")"
kcr --as sanggraini visit checkout "$vid" --locked
t_eq "visit: a forged lock statement is refused" 77 "$rc"
t_eq "visit: still no refusal audited but the forged one" 1 "$(audit_count 'event=visit.refused')"

# --- JSON shapes ---------------------------------------------------------------
t_eq "card show: grants is an array" "list" \
    "$(kc --json card show KA-0777 | j 'type(d["grants"]).__name__')"
t_eq "status: roles is an array" "['kadis']" \
    "$(kc --as hsantoso --json status | j 'd["roles"]')"
t_done
