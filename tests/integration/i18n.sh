#!/bin/bash
# i18n.sh: the Indonesian catalogue (po/id.po, agent/i18n.h).
#  - po/id.po is a valid PO file whose translations keep every printf
#    conversion of their msgid (po/po2c.awk fails the build otherwise);
#  - every message the code marks _() or N_() has its Indonesian, and the
#    catalogue holds nothing the code no longer says;
#  - the build's generator refuses a msgid given twice and skips fuzzy
#    and untranslated entries;
#  - the language: --lang, else the person's preferredLanguage, else
#    agent.language; an ssh-forwarded LANG is not sent to kuncid;
#  - kuncid answers in the caller's language: the engine's own message
#    (directory unavailable) in Indonesian with --lang id, in English
#    with --lang en.
set -u
. "$(dirname "$0")/workflow.inc"
command -v xgettext >/dev/null 2>&1 || t_skip "gettext needed"
PO=$KUNCI_TOP/po/id.po
T=$(mktemp -d "${TMPDIR:-/tmp}/kunci-i18n.XXXXXX")

out=$(msgfmt -c --check-format -o /dev/null "$PO" 2>&1)
t_eq "po/id.po is valid, every conversion kept" "0:" "$?:$out"

( cd "$KUNCI_TOP" && xgettext -k_ -kN_ --from-code=UTF-8 -c/ \
    -o "$T/kunci.pot" agent/*.c agent/*.h pam_module/*.c ) 2>"$T/x.err"
t_check "xgettext reads the sources" test -s "$T/kunci.pot"
out=$(msgcmp "$PO" "$T/kunci.pot" 2>&1)
t_eq "every marked message has its Indonesian" "0:" "$?:$out"
out=$(msgcmp --use-untranslated "$T/kunci.pot" "$PO" 2>&1)
t_eq "po/id.po holds no message the code no longer marks" "0:" "$?:$out"

# the generator itself: the Indonesian is the format at run time, so a
# conversion changed, added or a stray % fails the build (msgfmt checks
# only entries flagged c-format)
printf 'msgid "unknown user: %%s"\nmsgstr "pengguna %%d"\n' >"$T/fmt1.po"
awk -f "$KUNCI_TOP/po/po2c.awk" "$T/fmt1.po" >/dev/null 2>"$T/fmt1.err"
t_eq "a translation with another conversion stops the build" 1 "$?"
t_grep "... naming both" "fmt1.po:1: .*\( d\) are not the English's \( s\)" "$T/fmt1.err"
printf 'msgid "too many"\nmsgstr "terlalu %%n banyak"\n' >"$T/fmt2.po"
awk -f "$KUNCI_TOP/po/po2c.awk" "$T/fmt2.po" >/dev/null 2>&1
t_eq "... and one with a conversion its English has not" 1 "$?"
printf 'msgid "%%.40s at %%zu%%%%"\nmsgstr "%%.40s pada %%zu%%%%"\n' >"$T/fmt3.po"
awk -f "$KUNCI_TOP/po/po2c.awk" "$T/fmt3.po" >/dev/null 2>&1
t_eq "... the same conversions (and %% as such) pass" 0 "$?"
printf 'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n' >"$T/dup.po"
awk -f "$KUNCI_TOP/po/po2c.awk" "$T/dup.po" >/dev/null 2>"$T/dup.err"
t_eq "a msgid given twice stops the build" 1 "$?"
t_grep "... naming its line" 'dup.po:4: msgid given twice' "$T/dup.err"
printf '#, fuzzy\nmsgid "x"\nmsgstr "y"\n\nmsgid "u"\nmsgstr ""\n\nmsgid "k"\nmsgstr "l"\n' \
    >"$T/f.po"
t_eq "fuzzy and untranslated entries are left out" \
    '{ "k",|const size_t i18n_nid = 1;' \
    "$(awk -f "$KUNCI_TOP/po/po2c.awk" "$T/f.po" | grep -E '^	\{ "|nid' | sed 's/^	//' | tr '\n' '|' | sed 's/|$//')"
rm -rf "$T"

# a real kuncid
wf_setup
# The language: --lang, else the person's preferredLanguage in the
# directory, else agent.language; LANG (forwarded by ssh) is not sent.
unk() { "$KUNCICTL" "$@" grant show 2026-999999 2>&1; }
t_eq "lputri (preferredLanguage id) with LANG=en_US.UTF-8: Indonesian" \
    "kuncictl: hak akses tidak dikenal: 2026-999999" \
    "$(LANGUAGE=en_US LANG=en_US.UTF-8 unk --as lputri)"
t_eq "ekusuma (preferredLanguage en) with LANGUAGE=id_ID: English" \
    "kuncictl: unknown grant: 2026-999999" \
    "$(LANGUAGE=id_ID unk --as ekusuma)"
t_eq "--lang en wins over lputri's preferredLanguage" \
    "kuncictl: unknown grant: 2026-999999" "$(unk --as lputri --lang en)"
t_eq "--lang id wins over ekusuma's preferredLanguage" \
    "kuncictl: hak akses tidak dikenal: 2026-999999" "$(unk --as ekusuma --lang id)"
t_eq "root, no person: agent.language (id), whatever LANG says" \
    "kuncictl: hak akses tidak dikenal: 2026-999999" "$(LANG=en_US.UTF-8 unk)"

# its directory gone
"$KUNCI_TOP/tests/sandbox" slapd-stop "$W" >/dev/null 2>&1
out=$(kc --lang id resource list 2>&1); rc=$?
t_eq "the directory gone: exit 69" 69 "$rc"
t_grep "... said in Indonesian with --lang id" \
    '^kuncictl: direktori tidak tersedia: ' <(printf '%s\n' "$out")
out=$(kc --lang en resource list 2>&1)
t_grep "... in English with --lang en" \
    '^kuncictl: directory unavailable: ' <(printf '%s\n' "$out")
t_done
