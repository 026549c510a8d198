#!/bin/bash
# Consistent answers (issue 19, item 3), against a real slapd and kuncid:
# one exit status for every "unknown X" (66, kuncictl(1) EXIT STATUS);
# --format text and its alias txt wherever there is a --format; a --type
# the resource's workflow does not take is refused, nothing written;
# `kuncictl check` gives a reason, hints the resource's own --type, and
# tells the holder of a grant that is not valid yet when it starts.
. "$(dirname "$0")/visit.inc"

wf_setup
RQ="ou=requests,ou=kunci,$KUNCI_BASE"
nreq() { ls_ -b "$RQ" -s one '(objectClass=kunciRequest)' 1.1 | grep -c '^dn:'; }
one_line() { [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ]; }

# --- unknown X: 66, "unknown X: NAME", one line ------------------------------
unknown()
{
	local what=$1
	shift
	kcr --lang en "$@"
	t_eq "unknown $what: EX_NOINPUT ($*)" 66 "$rc"
	t_grep "... says 'unknown $what'" "^kuncictl: unknown $what" <(echo "$err")
	t_check "... in one line" one_line "$err"
}
unknown resource --as lputri request submit --resource server-room:nope --type card --reason x
unknown resource --as lputri request submit --resource "server-room:$(head -c 300 /dev/zero | tr '\0' x)" --type card --reason x
unknown resource --as jwijaya visit request --resource server-room:nope --guest A --org B \
    --id-doc C --purpose network --duration 1h
unknown resource review start --resource host:nope
unknown resource doc access-list server-room:nope
unknown door card export server-room:nope
unknown request request show 2026-999999
unknown grant grant show 2026-999999
unknown card card show KA-NOPE
unknown visit visit show V2099-9999
unknown campaign review show 2099-q4
unknown campaign doc review 2099-q4
unknown "removal request" doc removal 2026-999999
unknown "month or visit" doc guest-book V2099-9999
unknown request --as fnugroho card issue 2026-999999 --serial KA-1
unknown grant account password 2026-999999
unknown grant --as lputri removal request 2026-999999 --reason x
kcr --as lputri request submit --resource server-room:dc1 --type card --reason x --for nosuchuser
t_eq "an unknown user stays EX_NOUSER" 67 "$rc"

# --- --type: what the resource's workflow takes --------------------------------
n0=$(nreq)
kcr --as lputri --lang en request submit --resource server-room:dc1 --type kartu --reason x
t_eq "--type kartu for a card workflow: EX_DATAERR" 65 "$rc"
t_grep "... names the type it takes" "^kuncictl: --type kartu: resource server-room:dc1 takes --type card \(workflow A\)$" <(echo "$err")
t_check "... in one line" one_line "$err"
kcr --as lputri request submit --resource server-room:dc1 --type account --reason x
t_eq "--type account for a card workflow: EX_DATAERR" 65 "$rc"
kcr --as lputri --lang en request submit --resource control-panel:webmin --type card --reason x
t_eq "--type card for an account workflow: EX_DATAERR" 65 "$rc"
t_grep "... names --type account" "takes --type account \(workflow C1\)" <(echo "$err")
t_eq "... no request written for any of them" "$n0" "$(nreq)"
kcr --as lputri request submit --resource control-panel:webmin --type account --reason x
t_eq "--type account for an account workflow is taken" 0 "$rc"
kcr --as lputri request submit --resource server-room:dc1 --type card --reason x
t_eq "--type card for a card workflow is taken" 0 "$rc"
t_eq "... two requests written" "$((n0 + 2))" "$(nreq)"

# --- --format text, and txt as its alias, everywhere ----------------------------
kcr review start --period 2031-q1
t_eq "a campaign to report on" 0 "$rc"
for f in text txt; do
	kcr review report 2031-q1 --format $f
	t_eq "review report --format $f" 0 "$rc"
	kcr doc access-list server-room:dc1 --format $f
	t_eq "doc access-list --format $f" 0 "$rc"
	kcr visit report --month 2026-12 --format $f
	t_eq "visit report --format $f" 0 "$rc"
done
t_eq "visit report: txt is text" "$(kc visit report --month 2026-12 --format text)" \
    "$(kc visit report --month 2026-12 --format txt)"
for c in "review report 2031-q1" "doc access-list server-room:dc1" "visit report --month 2026-12"; do
	# shellcheck disable=SC2086
	kcr $c --format pdf
	t_eq "$c --format pdf: EX_USAGE" 64 "$rc"
	t_grep "... lists text first" "^kuncictl: --format: text, csv" <(echo "$err")
done

# --- check: a reason, the resource's --type, when a grant starts -------------
# Wait (bounded) until the gate's index shows what the directory holds.
check_until()
{
	local want=$1 i
	shift
	for ((i = 0; i < 100; i++)); do
		kcr check "$@"
		grep -qE -- "$want" <<<"$out" && return 0
		sleep 0.1
	done
	return 1
}
seed_grant lputri server-room:dc1
g=seed-lputri-server-room-dc1
check_until "\($g\)" lputri server-room:dc1
t_eq "check sees the seeded grant (within 10 s)" 0 $?
t_eq "check: allow exits 0" 0 "$rc"
t_eq "check: allow with its reason and grant, in Indonesian (agent.language id)" \
    "lputri server-room:dc1 diperbolehkan: hak akses aktif ($g)" "$out"
t_eq "... in English with --lang en" "lputri server-room:dc1 allow: active grant ($g)" \
    "$(kc --lang en check lputri server-room:dc1)"
t_eq "check --json carries the reason" "active grant" \
    "$(kc --json check lputri server-room:dc1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["reason"])')"

kcr check jwijaya server-room:dc1
t_eq "check: deny exits 1" 1 "$rc"
t_grep "check: deny with its reason" "^jwijaya server-room:dc1 ditolak: tidak ada hak akses$" <(echo "$out")
t_grep "... the hint for a card resource says --type card" \
    "request submit --resource server-room:dc1 --type card " <(echo "$out")
kcr check jwijaya control-panel:webmin
t_grep "... for an account resource --type account" \
    "request submit --resource control-panel:webmin --type account " <(echo "$out")
kcr --lang en check jwijaya server-room:dc1
t_grep "... the hint in the command's language (--lang en), not agent.language" \
    "^kunci: you have no active access grant for server-room:dc1\. Request one with: kuncictl request submit --resource server-room:dc1 --type card " <(echo "$out")
t_grep "... its decision and reason too" "^jwijaya server-room:dc1 deny: no grant$" <(echo "$out")

# A grant that starts in two days: not valid yet, and the user is told when.
nb=$(now_gt 172800)
la >/dev/null <<LDIF
dn: kunciId=later-tramadhan,ou=grants,ou=kunci,$KUNCI_BASE
objectClass: kunciGrant
kunciId: later-tramadhan
kunciSubject: tramadhan
kunciResource: server-room:dc1
kunciStatus: active
kunciNotBefore: $nb
kunciNotAfter: $(now_gt 864000)
LDIF
tz=$(sed -n 's/^[[:space:]]*timezone = "\(.*\)";.*/\1/p' "$KUNCI_CONF" | head -n 1)
when=$(TZ=${tz:-UTC} date -d "@$(date -u -d "${nb:0:8} ${nb:8:2}:${nb:10:2}:${nb:12:2}" +%s)" '+%Y-%m-%d %H:%M')
check_until "later-tramadhan" tramadhan server-room:dc1
t_eq "check sees the later grant (within 10 s)" 0 $?
t_grep "check: not valid yet is the reason" "ditolak: hak akses belum berlaku \(later-tramadhan\)" <(echo "$out")
t_grep "... the user is told when it starts (agent.language id)" "belum berlaku: mulai berlaku $when\." <(echo "$out")
t_check_fail "... and not to submit a new request" grep -q "request submit" <<<"$out"

# the login hint names no --type (the gate has no resource data): submit
# without --type takes the one type the resource's workflow issues
kcr --as lputri --json request submit --resource server-room:dc1 --reason "tanpa jenis"
t_eq "submit without --type for a door: accepted" 0 "$rc"
nid=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t_eq "... as a card request" card "$(field "$nid" type)"
kcr --as lputri --json request submit --resource control-panel:webmin --reason "tanpa jenis"
t_eq "submit without --type for a panel: accepted" 0 "$rc"
nid=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t_eq "... as an account request" account "$(field "$nid" type)"

t_done
