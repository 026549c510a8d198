#!/bin/bash
# i18n_engine.sh: the engine's own errors (wf, dir, prov, delegate) come
# out in the caller's language through the real kuncid: in Indonesian
# with --lang id, in English with --lang en, with the same exit status.
# The raw value a message shows (a request's state) is said in the
# caller's words too.
set -u
. "$(dirname "$0")/workflow.inc"

# say LANG EXPECTED-EXIT PATTERN DESCRIPTION -- KUNCICTL-ARGS
say()
{
	local lang=$1 want=$2 pat=$3 what=$4
	shift 5
	kcr --lang "$lang" "$@"
	t_eq "$what: exit $want ($lang)" "$want" "$rc"
	t_grep "... says it in '$lang'" "$pat" <(printf '%s\n' "$err")
}

wf_setup

# an unknown request id (wf_load)
say id 66 '^kuncictl: permohonan tidak dikenal: 2026-999999$' \
    "unknown request" -- request show 2026-999999
say en 66 '^kuncictl: unknown request: 2026-999999$' \
    "unknown request" -- request show 2026-999999

# a bad date (wf_submit)
n0=$(ls_ -b "ou=requests,ou=kunci,$KUNCI_BASE" -s one 1.1 | grep -c '^dn:')
say id 65 '^kuncictl: format tanggal salah: 2026-13-45 \(gunakan YYYY-MM-DD atau YYYY-MM-DDTHH:MM\)$' \
    "a bad date" -- --as lputri request submit --resource server-room:dc1 \
    --type card --reason x --until 2026-13-45
say en 65 '^kuncictl: malformed date: 2026-13-45 \(want YYYY-MM-DD or YYYY-MM-DDTHH:MM\)$' \
    "a bad date" -- --as lputri request submit --resource server-room:dc1 \
    --type card --reason x --until 2026-13-45
t_eq "... nothing written" "$n0" \
    "$(ls_ -b "ou=requests,ou=kunci,$KUNCI_BASE" -s one 1.1 | grep -c '^dn:')"

# an approval refused: the requester may not decide her own request
id=$(submit lputri server-room:dc1)
t_check "a request to act on" test -n "$id"
say id 77 '^kuncictl: ditolak: Anda tidak dapat memutuskan permohonan Anda sendiri$' \
    "an approval by the requester" -- --as lputri request approve "$id"
say en 77 '^kuncictl: refused: you cannot decide your own request$' \
    "an approval by the requester" -- --as lputri request approve "$id"
t_eq "... nothing decided" pending "$(field "$id" state)"
t_check "... both refusals audited with the reason in English (one vocabulary)" \
    wait_audit "event=request.refused request=$id actor=lputri .*reason=\"you cannot decide your own request\"" 50
t_eq "... twice, never in the caller's language" "2 0" \
    "$(audit_count "event=request.refused request=$id .*reason=\"you cannot decide") $(audit_count "event=request.refused request=$id .*reason=\"Anda")"

# a state word in a message: Indonesian label, English raw value
kc --as lputri request cancel "$id" --reason "tidak jadi" >/dev/null 2>&1
t_eq "the request is cancelled" cancelled "$(field "$id" state)"
say id 65 "^kuncictl: permohonan $id sudah ditutup \\(dibatalkan\\)\$" \
    "an act on a closed request" -- --as tramadhan request approve "$id"
say en 65 "^kuncictl: request $id is closed \\(cancelled\\)\$" \
    "an act on a closed request" -- --as tramadhan request approve "$id"

# a text that must be given (check_text): the field's name translated too
say id 64 '^kuncictl: alasan wajib diisi$' \
    "a rejection without a reason" -- --as tramadhan request reject 2026-999999 --reason " "
say en 64 '^kuncictl: reason is required$' \
    "a rejection without a reason" -- --as tramadhan request reject 2026-999999 --reason " "
# a refusal with arguments: one evaluation, the reply in Indonesian, the
# audit trail's reason in English (the same step and superior)
id=$(submit lputri server-room:dc1)
say id 77 '^kuncictl: ditolak: ' \
    "an approval by someone not the superior" -- --as dpratama request approve "$id"
t_check "... audited with the reason in English" \
    wait_audit "event=request.refused request=$id actor=dpratama .*reason=\"step superior is for the requester's direct superior \(tramadhan\)\"" 50
t_eq "... never in the caller's language" 0 \
    "$(audit_count "event=request.refused request=$id .*reason=\"(langkah|tahap)")"

# an engine error that kuncid also logs: the reply in the caller's
# language, the log line in English (the allow list cannot be written:
# its directory is a file)
AD=$W/state/allowlists
rm -rf "$AD.saved"
[ -e "$AD" ] && mv "$AD" "$AD.saved"
: >"$AD"
kcr --lang id card export server-room:dc1
t_eq "a command failing in the engine (allow list not writable): exit 73" 73 "$rc"
t_grep "... told in Indonesian" '^kuncictl: menulis daftar akses pintu: tulis ' <(printf '%s\n' "$err")
t_wait_grep "... logged by kuncid in English" \
    "allow list server-room:dc1: write .*allowlists/.*: Not a directory" "$W/kuncid.log" 30
t_eq "... with none of the Indonesian in the log" 0 \
    "$(grep -c 'allow list server-room:dc1: tulis' "$W/kuncid.log")"
rm -f "$AD"
[ -e "$AD.saved" ] && mv "$AD.saved" "$AD"
t_done
