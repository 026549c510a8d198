#!/bin/bash
# kuncictl without kuncid: --version, help, --help and COMMAND --help are
# answered from the usage kuncid's own tables printed at build time (so
# they cannot differ from what a running kuncid accepts); any other
# command says kuncid is not running and how to start it.  These, said
# without kuncid, are in --lang's language, else the environment's (LANG
# and the like), else Indonesian.
. "$(dirname "$0")/../lib.sh"
BUILD=${BUILD:-$KUNCI_TOP/build}
KUNCID=${KUNCID:-$BUILD/kuncid}
KUNCICTL=${KUNCICTL:-$BUILD/kuncictl}
[ -x "$KUNCICTL" ] && [ -x "$KUNCID" ] || t_skip "build kuncid and kuncictl first"
export KUNCI_SOCKET=/nonexistent/kunci-admin.sock
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8

out=$("$KUNCICTL" --version 2>&1); rc=$?
t_eq "--version without kuncid: exit 0" 0 "$rc"
t_grep "... the package's version" "^kuncictl [0-9]" <(echo "$out")
for h in help --help -h; do
	out=$("$KUNCICTL" --lang en $h 2>&1); rc=$?
	t_eq "kuncictl --lang en $h without kuncid: exit 0" 0 "$rc"
	t_eq "... the same text as kuncid's tables (kuncid --usage)" \
	    "$("$KUNCID" --usage)" "$out"
done
out=$("$KUNCICTL" help 2>&1)
t_eq "help in Indonesian: its notes translated, the command lines as typed" \
    "penggunaan: kuncictl [-s SOCKET] [--as USER] [--json] [--lang id|en] COMMAND|DATE: YYYY-MM-DD atau YYYY-MM-DDTHH:MM (waktu setempat agen)|0" \
    "$(printf '%s\n' "$out" | sed -n '1p;$p' | tr '\n' '|')$(diff <(printf '%s\n' "$out" | grep '^  ') <("$KUNCID" --usage | grep '^  ') | wc -l)"
out=$("$KUNCICTL" request submit --help 2>&1); rc=$?
t_eq "request submit --help: exit 0" 0 "$rc"
t_grep "... its usage" "^  request submit --resource R \\[--type T\\] --reason TEXT" <(echo "$out")
t_eq "... and only it" 2 "$(printf '%s\n' "$out" | wc -l)"
out=$("$KUNCICTL" --as someone --json visit --help 2>&1); rc=$?
t_eq "visit --help (after global options): exit 0" 0 "$rc"
t_grep "... every visit command" "^  visit checkout " <(echo "$out")
t_eq "... none other" 0 "$(printf '%s\n' "$out" | grep -c '^  request ')"
out=$("$KUNCICTL" --lang en nosuch --help 2>&1); rc=$?
t_eq "an unknown command's --help: EX_USAGE" 64 "$rc"
t_eq "... one line, in English with --lang en" \
    "kuncictl: unknown command: nosuch; try: kuncictl help" "$out"
t_eq "... in Indonesian with neither --lang nor a LANG naming a language" \
    "kuncictl: perintah tidak dikenal: nosuch; coba: kuncictl help" \
    "$("$KUNCICTL" nosuch --help 2>&1)"
t_eq "... in English with LANG=en_US.UTF-8" \
    "kuncictl: unknown command: nosuch; try: kuncictl help" \
    "$(LANG=en_US.UTF-8 "$KUNCICTL" nosuch --help 2>&1)"
t_eq "... --lang wins over LANG" \
    "kuncictl: perintah tidak dikenal: nosuch; coba: kuncictl help" \
    "$(LANG=en_US.UTF-8 "$KUNCICTL" --lang id nosuch --help 2>&1)"
out=$(LANG=en_US.UTF-8 "$KUNCICTL" status 2>&1); rc=$?
t_eq "a command with kuncid down: EX_UNAVAILABLE" 69 "$rc"
t_grep "... one line saying how to start it (LANG=en_US.UTF-8)" \
    "^kuncictl: kuncid is not running \(.*\); start it, as root, with: systemctl start kuncid$" <(echo "$out")
t_eq "... one line" 1 "$(printf '%s\n' "$out" | wc -l)"
t_grep "... in Indonesian by default" \
    "^kuncictl: kuncid tidak berjalan \(.*\); jalankan, sebagai root, dengan: systemctl start kuncid$" \
    <("$KUNCICTL" status 2>&1)
t_done
