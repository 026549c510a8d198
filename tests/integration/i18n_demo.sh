#!/bin/bash
# i18n_demo.sh: the demo in Indonesian (issue 15, item 6).  tests/demo runs
# whole against its own sandbox (slapd, kuncid) with a kuncictl wrapper
# that runs every command with --lang id (the demo's own --lang en
# replaced) and keeps every line it prints, stdout and stderr, whatever
# the demo does with it; then error paths the demo does not walk (a
# refused act, unknown ids, a bad option, a bad value, kuncid not
# running).  Each line is checked against the English words of kunci's own
# strings (tests/integration/i18n_words.py: po/id.po's msgids, the English
# sides of the bilingual labels, every admin_err()/wf_fail() format), less
# what a person types (command words, option values, ids, the example
# directory's names, the demo's free text) and the words Indonesian uses as
# they are.  Each offending line is printed with its words and the source
# file that says it; the test fails on any.  Machine formats are not
# checked: --json (doc/json.md keeps its values English) and a door's
# allow list (card export).
set -u
. "$(dirname "$0")/../lib.sh"
BUILD=${BUILD:-$KUNCI_TOP/build}
[ -x "$BUILD/kuncid" ] && [ -x "$BUILD/kuncictl" ] && [ -x "$BUILD/tests/pamcheck" ] ||
    t_skip "build kuncid, kuncictl and the test tools first (make check-unit)"
command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || t_skip "slapd not installed"
command -v python3 >/dev/null 2>&1 || t_skip "python3 needed"
WORDS=$KUNCI_TOP/tests/integration/i18n_words.py

T=$(mktemp -d "${TMPDIR:-/tmp}/kunci-i18n-demo.XXXXXX")
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
LOG=$T/kuncictl.log
: >"$LOG"

# The wrapper: --lang id for every command, the output kept in $LOG
# before it is passed on (a reader that stops early loses nothing).
cat >"$T/kuncictl" <<EOF
#!/bin/bash
args=(--lang id) json=0 dd=0 skip=0 data=0
for a in "\$@"; do
	if [ "\$skip" = 1 ]; then skip=0; continue; fi
	if [ "\$dd" = 0 ]; then
		case \$a in
		--) dd=1 ;;
		--lang) skip=1; continue ;;
		--lang=*) continue ;;
		--json) json=1 ;;
		export) [ "\${args[-1]}" = card ] && data=1 ;;
		esac
	fi
	args+=("\$a")
done
o=\$(mktemp "$T/o.XXXXXX") e=\$(mktemp "$T/e.XXXXXX")
"$BUILD/kuncictl" "\${args[@]}" >"\$o" 2>"\$e"
rc=\$?
{
	printf '### kuncictl %s (exit %d)\n' "\${args[*]}" "\$rc"
	if [ "\$json" = 1 ]; then sed 's/^/json: /' "\$o"
	elif [ "\$data" = 1 ]; then sed 's/^/data: /' "\$o"
	else sed 's/^/out: /' "\$o"; fi
	sed 's/^/err: /' "\$e"
} >>"$LOG"
cat "\$o"
cat "\$e" >&2
rm -f "\$o" "\$e"
exit "\$rc"
EOF
chmod 755 "$T/kuncictl"

# Error paths, sourced by tests/demo after tests/demo.d (kc, kc_as and the
# demo's ids are set).  Each is expected to fail: || : keeps set -e quiet.
cat >"$T/extra.sh" <<'EOF'
"$KUNCID" -T -c "$KUNCI_CONF" >"$(dirname "$KUNCICTL")/conf.txt"	# its names
say "i18n_demo: error paths and lists, in Indonesian"
kc_as hsantoso request cancel "$esc_id" --reason "coba" || :	# refused
kc_as ekusuma request approve "$demo_id" || :			# refused, done
kc_as lputri check lputri server-room:dc1 || :			# not an admin
kc request show 2026-999999 || :				# unknown ids
kc grant show 2026-999999 || :
kc card show KA-9999 || :
kc visit show V2099-9999 || :
kc review show 2099-q4 || :
kc doc removal 2026-999999 || :
kc_as lputri removal request 2026-999999 --reason x || :
kc request list --bogus || :					# bad option
kc request list --state bogus || :				# bad value
kc_as lputri request submit --resource server-room:dc1 --type kartu \
    --reason "Pemeliharaan server Bappeda" || :
kc_as lputri request submit --resource server-room:nope --type card \
    --reason "Pemeliharaan server Bappeda" || :			# unknown resource
kc request approve || :						# usage
kc request nosuch || :						# unknown command
kc request submit --help || :
kc status || :
kc resource list || :
kc request list || :
kc grant list || :
kc card list || :
kc visit list || :
kc removal list || :
kc delegate list || :
kc review list || :
kc check lputri server-room:dc1 || :
EOF

out=$(KUNCICTL=$T/kuncictl DEMO_EXTRA=$T/extra.sh DEMO_FORMS=$T/forms \
    BUILD=$BUILD "$KUNCI_TOP/tests/demo" 2>&1)
rc=$?
t_eq "the demo runs through with every kuncictl command in Indonesian" 0 "$rc"
[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -n 20 | sed 's/^/    /'
# kuncid not running: kuncictl's own words
KUNCI_SOCKET=$T/nonexistent.sock "$T/kuncictl" status >/dev/null 2>&1
t_eq "... and kuncictl alone (kuncid not running): EX_UNAVAILABLE" 69 "$?"

n=$(grep -c '^### ' "$LOG")
t_check "every command was kept ($n commands)" test "$n" -ge 100
t_check "... with their lines ($(grep -vc '^### ' "$LOG"))" \
    test "$(grep -c '^out: \|^err: ' "$LOG")" -ge 300
t_grep "... the refused act's line among them" '^err: kuncictl: ' "$LOG"

"$BUILD/kuncid" --usage >"$T/usage.txt"
t_check "the sandbox's configuration, read (kuncid -T)" grep -q 'workflows = ' "$T/conf.txt"
python3 "$WORDS" words "$KUNCI_TOP" "$T/usage.txt" "$T/conf.txt" >"$T/words.txt"
t_check "the word list is kunci's English ($(wc -l <"$T/words.txt") words)" \
    test "$(wc -l <"$T/words.txt")" -ge 200
t_eq "... 'unknown', 'refused', 'the', 'not' are in it" 4 \
    "$(grep -cxE 'unknown|refused|the|not' "$T/words.txt")"
t_eq "... what a person types is not: request, approve, card, valid" 0 \
    "$(grep -cxE 'request|approve|card|valid' "$T/words.txt")"

# The checker itself: an English line is caught, its Indonesian is not.
printf '### kuncictl grant show X\nerr: kuncictl: unknown grant: 2026-999999\n' >"$T/en.log"
printf '### kuncictl grant show X\nerr: kuncictl: hak akses tidak dikenal: 2026-999999\n' >"$T/id.log"
python3 "$WORDS" check "$KUNCI_TOP" "$T/usage.txt" "$T/conf.txt" "$T/en.log" >"$T/en.out"
t_eq "the check fails on an English line" 1 "$?"
t_grep "... printing it with its word and the source that says it" \
    'unknown grant: 2026-999999  \[unknown\] \((.*,)?agent/admin_req\.c(,.*)?\)$' "$T/en.out"
python3 "$WORDS" check "$KUNCI_TOP" "$T/usage.txt" "$T/conf.txt" "$T/id.log" >/dev/null
t_eq "... and passes its Indonesian" 0 "$?"

python3 "$WORDS" check "$KUNCI_TOP" "$T/usage.txt" "$T/conf.txt" "$LOG" >"$T/bad.txt"
rc=$?
if [ "$rc" != 0 ]; then
	sed 's/^/    /' "$T/bad.txt"
	[ -n "${I18N_DEMO_OUT:-}" ] && cp "$T/bad.txt" "$I18N_DEMO_OUT" && cp "$LOG" "$I18N_DEMO_OUT.log"
fi
t_eq "no line kuncictl printed in Indonesian holds an English word of kunci's" \
    "0" "$rc"
t_done
