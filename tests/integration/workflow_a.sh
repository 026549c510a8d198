#!/bin/bash
# Procedure A end to end against a real slapd and kuncid: submit, every
# step by its role, the grant; the rejection path; separation of duties
# (self-approval, a second decision, a wrong role); cancel; bad input and
# LDAP metacharacters; audit records captured on kuncid -l and each event
# found exactly once, including a reason that tries to forge a record.
. "$(dirname "$0")/workflow.inc"

wf_setup
RQ="ou=requests,ou=kunci,$KUNCI_BASE"
GR="ou=grants,ou=kunci,$KUNCI_BASE"
nreq() { ls_ -b "$RQ" -s one '(objectClass=kunciRequest)' 1.1 | grep -c '^dn:'; }

# --- A, end to end ---------------------------------------------------------
id=$(submit lputri server-room:dc1 --until 2026-12-31T17:00)
t_check "A: submitted ($id)" test -n "$id"
t_eq "A: pending at the superior step" "pending superior" \
    "$(field "$id" state) $(field "$id" step)"

kcr --as hsantoso --lang en request approve "$id"
t_eq "A: wrong role refused with EX_NOPERM" 77 "$rc"
t_grep "A: wrong role message is one clear line" "needs|superior" <(echo "$err")
kcr --as lputri --lang en request approve "$id"
t_eq "A: self-approval refused with EX_NOPERM" 77 "$rc"
t_grep "A: self-approval says why" "own request" <(echo "$err")
t_eq "A: refused attempts changed nothing" "superior" "$(field "$id" step)"
t_eq "A: refused attempts wrote no event" 1 \
    "$(ls_ -b "kunciId=$id,$RQ" -s one '(objectClass=kunciEvent)' 1.1 | grep -c '^dn:')"

walk "$id" tramadhan hsantoso dpratama rwulandari dpratama
t_eq "A: at the card step after five decisions" "card" "$(field "$id" step)"
kcr --as fnugroho request approve "$id"
t_eq "A: the card step needs --serial (EX_USAGE)" 64 "$rc"
walk "$id" fnugroho:--serial:KA-0042
# SOP steps 8-10: the operator informs, the operator records, the
# requester confirms receipt; each the SOP's person, each refused to others.
t_eq "A: at the inform step after the card" "active/inform" \
    "$(field "$id" state)/$(field "$id" step)"
kcr --as lputri request inform "$id"
t_eq "A.8: the requester cannot inform (EX_NOPERM)" 77 "$rc"
kcr --as rwulandari request inform "$id"
t_eq "A.8: a Kasi is not the operator (EX_NOPERM)" 77 "$rc"
t_grep "A.8: ... the refusal names the role" "operator-ruang-server" <(echo "$err")
kcr --as fnugroho request confirm "$id"
t_eq "A.8: request confirm on an inform step is EX_DATAERR" 65 "$rc"
t_grep "A.8: ... and names the command that fits" "request inform" <(echo "$err")
t_eq "A.8: refusals left no notify record" 0 "$(audit_count "event=request.notify request=$id ")"
kcr --as fnugroho request inform "$id" --note "Kartu dapat diambil di ruang operator"
t_eq "A.8: the operator informs" 0 "$rc"
t_eq "A.9: now at the access list step" "access-list" "$(field "$id" step)"
t_grep "A.9: before the record act the list entry reads 'not yet recorded'" \
    "Lina Putri.*not yet recorded" <(kc --lang en doc access-list server-room:dc1 --format csv)
kcr --as lputri request record "$id"
t_eq "A.9: the requester cannot record (EX_NOPERM)" 77 "$rc"
kcr --as fnugroho request record "$id"
t_eq "A.9: the operator records the entry" 0 "$rc"
t_grep "A.9: the access list shows who recorded the entry" \
    "Lina Putri.*Fajar Nugroho" <(kc --lang en doc access-list server-room:dc1 --format csv)
t_grep "A.9: ... and the form has the column" "Recorded" <(kc --lang en doc access-list server-room:dc1 --format csv)
t_eq "A.10: now at the receive step" "receive" "$(field "$id" step)"
kcr --as fnugroho request confirm "$id"
t_eq "A.10: only the requester confirms receipt (EX_NOPERM)" 77 "$rc"
kcr --as lputri request confirm "$id"
t_eq "A.10: the requester confirms receipt" 0 "$rc"
t_eq "A: request active with every step done" "active/" \
    "$(field "$id" state)/$(field "$id" step)"
t_eq "A: grant subject/resource/status/credential" \
    "lputri server-room:dc1 active KA-0042 $id" \
    "$(gfield "$id" subject) $(gfield "$id" resource) $(gfield "$id" status) $(gfield "$id" credential) $(gfield "$id" request)"
ge=$(ls_ -b "kunciId=$id,$GR" -s base)
t_grep "A: grant entry in LDAP has kunciRequestRef" "^kunciRequestRef: $id" <(echo "$ge")
t_grep "A: grant entry has kunciNotAfter (exclusive end)" "^kunciNotAfter: 2026123110" <(echo "$ge")
t_grep "A: grant entry has kunciCredential" "^kunciCredential: KA-0042" <(echo "$ge")
kcr --as fnugroho request approve "$id"
t_eq "A: acting on a closed request is EX_DATAERR" 65 "$rc"

# --- output ----------------------------------------------------------------
t_grep "show --lang en names states in English" "^State: +active" <(kc --lang en request show "$id")
t_grep "show --lang id names states in Indonesian" "^Status: +aktif" <(kc --lang id request show "$id")
t_grep "LANGUAGE=id selects Indonesian" "aktif" <(LANGUAGE=id kc request list)
t_grep "list is an aligned table with a header" "^ID +STATE +RESOURCE" <(kc --lang en request list)
t_check "list --json is JSON" python3 -c 'import json,subprocess,sys; json.loads(subprocess.run(sys.argv[1:],capture_output=True).stdout)' "$KUNCICTL" --json request list
t_grep "grant list shows the grant" "$id +(active|aktif) +lputri" <(kc grant list)

# --- a second decision by the same person ----------------------------------
# jwijaya's superior is rwulandari, who is also the Kasi that verifies.
id2=$(submit jwijaya server-room:dc1)
walk "$id2" rwulandari hsantoso dpratama
kcr --as rwulandari --lang en request approve "$id2"
t_eq "SoD: a second decision by one person refused" 77 "$rc"
t_grep "SoD: message names the first decision" "already decided" <(echo "$err")
t_eq "SoD: request did not move" "kasi-verify" "$(field "$id2" step)"

# --- rejection -------------------------------------------------------------
id3=$(submit lputri server-room:dc1)
walk "$id3" tramadhan
kcr --as hsantoso request reject "$id3" --reason "tidak perlu"
t_eq "reject: a disposition step cannot reject" 77 "$rc"
walk "$id3" hsantoso dpratama
kcr --as rwulandari request reject "$id3"
t_eq "reject: the reason is required (EX_USAGE)" 64 "$rc"
kcr --as rwulandari request reject "$id3" --reason "Jenis akses tidak sesuai"
t_eq "reject: the Kasi rejects" 0 "$rc"
t_eq "reject: request rejected, no grant" "rejected|" \
    "$(field "$id3" state)|$(field "$id3" grant)"
t_eq "reject: no grant entry" 0 \
    "$(ls_ -b "$GR" -s one "(kunciRequestRef=$id3)" 1.1 | grep -c '^dn:')"
kcr --as dpratama request approve "$id3"
t_eq "reject: acting after the rejection is EX_DATAERR" 65 "$rc"

# --- cancel ----------------------------------------------------------------
id4=$(submit lputri server-room:dc1)
kcr --as tramadhan request cancel "$id4"
t_eq "cancel: only the requester (EX_NOPERM)" 77 "$rc"
kcr --as lputri request cancel "$id4" --reason "tidak jadi"
t_eq "cancel: by the requester" "0 cancelled" "$rc $(field "$id4" state)"
kcr --as tramadhan request approve "$id4"
t_eq "cancel: approving a cancelled request is EX_DATAERR" 65 "$rc"
kcr --as lputri request comment "$id4" --note "catatan"
t_eq "comment: added" 0 "$rc"

# --- bad input: clear error, sysexits status, nothing written --------------
before=$(nreq)
kcr --as lputri request submit --resource server-room:nope --type card --reason x
t_eq "bad: unknown resource is EX_NOINPUT (one rule for unknown names)" 66 "$rc"
kcr --as nosuchuser request submit --resource server-room:dc1 --type card --reason x
t_eq "bad: unknown user is EX_NOUSER" 67 "$rc"
kcr --as lputri request submit --resource server-room:dc1 --type card
t_eq "bad: missing reason is EX_USAGE" 64 "$rc"
kcr --as lputri request submit --resource server-room:dc1 --type card --reason "   "
t_eq "bad: a blank reason is EX_USAGE" 64 "$rc"
kcr --as lputri --lang en request submit --resource server-room:dc1 --type card --reason x --until 2099-01-01
t_eq "bad: window beyond the maximum is EX_DATAERR" 65 "$rc"
t_grep "bad: window message names the maximum" "at most" <(echo "$err")
for d in 2026-13-01 2026-02-30 26-01-01 2026-1-1 2026-12-01T25:00 "2026-12-01 10:00" 2026-12-01T10:00Z tomorrow; do
	kcr --as lputri request submit --resource server-room:dc1 --type card --reason x --until "$d"
	t_eq "bad: malformed date '$d' is EX_DATAERR" 65 "$rc"
done
kcr --as lputri request submit --resource server-room:dc1 --type card --reason "$(head -c 1001 /dev/zero | tr '\0' a)"
t_eq "bad: a reason over max_reason (1000 bytes) is EX_DATAERR" 65 "$rc"
kcr --as lputri request submit --resource server-room:dc1 --type 'card;rm' --reason x
t_eq "bad: an access type with odd characters is EX_DATAERR" 65 "$rc"
kcr --as lputri request submit --resource server-room:dc1 --type card --reason x --bogus
t_eq "bad: unknown option is EX_USAGE" 64 "$rc"
kcr --as lputri request show 2026-999999
t_eq "bad: unknown request id is EX_NOINPUT" 66 "$rc"
kcr --as lputri request frobnicate
t_eq "bad: unknown command is EX_USAGE" 64 "$rc"
t_eq "bad: every error is one line" 1 "$(printf '%s\n' "$err" | wc -l)"

# --- LDAP metacharacters ---------------------------------------------------
for r in '*' 'server-room:*' 'server-room:dc1)(kunciName=*' 'server-room:dc1,ou=resources' \
    'server-room:dc1\2a' 'kunciName=server-room:dc1' '"server-room:dc1"' 'x\' ; do
	kcr --as lputri request submit --resource "$r" --type card --reason x
	t_eq "meta: resource '$r' matches nothing (EX_NOINPUT)" 66 "$rc"
done
for u in '*' 'lputri)(uid=*' 'lput*' 'uid=lputri' 'lputri,ou=people' 'a\5c'; do
	kcr --as "$u" request list
	t_eq "meta: user '$u' is refused (EX_NOUSER)" 67 "$rc"
	kcr --as lputri request submit --resource server-room:dc1 --type card --reason x --for "$u"
	t_eq "meta: --for '$u' is refused (EX_NOUSER)" 67 "$rc"
done
kcr request list --resource '*'
t_eq "meta: list --resource '*' lists nothing" "0" "$(printf '%s' "$out" | grep -c '^20')"
# a NUL byte cannot come from argv: send a frame with one by hand
nul=$(python3 - "$KUNCI_SOCKET" <<'PY'
import socket, struct, sys
words = [b"--as", b"lputri\x00x", b"request", b"submit", b"--resource",
         b"server-room:dc1", b"--type", b"card", b"--reason", b"nul"]
p = struct.pack(">I", len(words)) + b"".join(struct.pack(">I", len(w)) + w for w in words)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(struct.pack(">III", 1, 3, len(p)) + p)
s.settimeout(5)
print("reply" if s.recv(100) else "closed")
PY
)
t_eq "meta: a frame with a NUL byte is refused (connection closed)" closed "$nul"
t_eq "meta: nothing written by any bad input" "$before" "$(nreq)"
# a resource whose name is full of metacharacters works, and only it
la >/dev/null <<EOF2
dn: kunciName=lab:x\,y\=z*(1)\\\\,ou=resources,ou=kunci,$KUNCI_BASE
objectClass: kunciManagedResource
kunciName: lab:x,y=z*(1)\\
kunciType: server-room
kunciWorkflow: A
EOF2
mid=$(submit lputri 'lab:x,y=z*(1)\')
t_check "meta: a resource named with , = * ( ) \\ can be requested" test -n "$mid"
t_eq "meta: the request names exactly that resource" 'lab:x,y=z*(1)\' "$(field "$mid" resource)"
kcr --as lputri request submit --resource 'lab:x*' --type card --reason x
t_eq "meta: 'lab:x*' does not match it (EX_NOINPUT)" 66 "$rc"
t_eq "meta: --resource filter escapes *" 0 "$(kc request list --resource 'lab:x*' | grep -c '^20')"

# --- audit -----------------------------------------------------------------
REASON=$'Akses darurat\nevent=forged request=2026-000001 actor=root' \
    fid=$(REASON=$'Akses darurat\nevent=forged request=2026-000001 actor=root' submit lputri server-room:dc1)
wait_audit "event=request.submit request=$fid "
t_eq "audit: the forged-newline submit recorded once" 1 "$(audit_count "event=request.submit request=$fid ")"
t_eq "audit: no record starts with or carries an unquoted event=forged" 0 \
    "$(grep -cE '(^|[]: >])event=forged' "$W/audit.log")"
t_grep "audit: the newline is escaped inside a quoted value" 'reason="Akses darurat\\nevent=forged' "$W/audit.log"
wait_audit "event=request.complete request=$id "
t_eq "audit: submit of $id once" 1 "$(audit_count "event=request.submit request=$id ")"
t_eq "audit: nine human steps of $id, once each" 9 "$(audit_count "event=request.step request=$id ")"
for s in superior kadis-disposition kabid-disposition kasi-verify kabid-approve card inform access-list receive; do
	t_eq "audit: step $s of $id once" 1 "$(audit_count "event=request.step request=$id .*step=$s ")"
done
t_eq "audit: notify of $id once" 1 "$(audit_count "event=request.notify request=$id ")"
t_eq "audit: grant of $id created once" 1 "$(audit_count "event=grant.create grant=$id ")"
t_eq "audit: completion of $id once" 1 "$(audit_count "event=request.complete request=$id ")"
t_grep "audit: --as recorded with both names" "event=request.step request=$id actor=tramadhan as=root " "$W/audit.log"
t_eq "audit: wrong-role refusal recorded" 1 "$(audit_count "event=request.refused request=$id actor=hsantoso ")"
t_eq "audit: self-approval refusal recorded" 1 "$(audit_count "event=request.refused request=$id actor=lputri .*step=superior ")"
t_eq "audit: the requester's refused inform and record recorded" 2 "$(audit_count "event=request.refused request=$id actor=lputri .*step=(inform|access-list) ")"
t_eq "audit: second-decision refusal recorded" 1 "$(audit_count "event=request.refused request=$id2 actor=rwulandari ")"
t_eq "audit: rejection recorded once" 1 "$(audit_count "event=request.reject request=$id3 ")"
t_eq "audit: cancel recorded once" 1 "$(audit_count "event=request.cancel request=$id4 ")"
t_check "audit: every record parses as key=value" python3 - "$W/audit.log" <<'PY'
import re, sys
pair = re.compile(r' ?([a-z_.]+)=("(?:[^"\\]|\\.)*"|[A-Za-z0-9._:@/+-]*)')
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    i = line.find("event=")
    if i < 0:
        continue
    rest = line[i:].rstrip("\n")
    pos = 0
    while pos < len(rest):
        m = pair.match(rest, pos)
        if not m or m.end() == pos:
            sys.exit("unparseable: " + rest[pos:pos + 60])
        pos = m.end()
PY
t_check "audit: no record names a field twice (notify.queue's notice)" \
    python3 "$KUNCI_TOP/tests/tools/auditkeys.py" "$W/audit.log"
t_grep "audit: a notice's kind is its own field" \
    'event=notify.queue message=[^ ]+ to=[^ ]+ notice=waiting ' "$W/audit.log"
t_done
