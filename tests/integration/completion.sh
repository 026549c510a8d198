#!/bin/bash
# bash completion for kuncictl (conf/bash-completion/kuncictl), run by the
# real bash-completion package the way bash runs it: COMP_WORDS and
# COMP_CWORD set, the function called, COMPREPLY read.  Commands, words,
# options and option values without kuncid; request, grant, visit and
# campaign ids from a running kuncid, with the line's own -s; nothing, and
# not a word on stderr, when kuncid does not answer.  Then the drift
# checks: every command and option of kuncid's tables (`kuncictl help`)
# and of kuncictl(1) completes, and the man page and the tables agree.
. "$(dirname "$0")/visit.inc"

BC=/usr/share/bash-completion/bash_completion
[ -r "$BC" ] || t_skip "bash-completion not installed (tests/install-deps)"
COMP=$KUNCI_TOP/conf/bash-completion/kuncictl
MAN=$KUNCI_TOP/doc/kuncictl.1
TABLE="python3 $KUNCI_TOP/tests/tools/cmdtable.py"

# comp WORD...: the candidates, one a line, sorted, for the last WORD (the
# one being completed; "" for an empty one) after `kuncictl`; what the
# function wrote to stderr goes to $W/comp.err.
comp()
{
	bash --norc --noprofile -c '
		. "$1" && . "$2" || exit 9
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_kuncictl "$1" "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' \
	    _ "$BC" "$COMP" "$KUNCICTL" "$@" 2>"$W/comp.err"
}
# has WORD CANDIDATES: WORD is one of them
has() { grep -qxF -- "$1" <<<"$2"; }
joined() { tr '\n' ' ' <<<"$1" | sed 's/ $//'; }

# --- without kuncid ------------------------------------------------------------
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export KUNCI_SOCKET=$W/none.sock

t_eq "the command words" \
    "account audit card check delegate directory doc grant help removal request resource review status visit" \
    "$(joined "$(comp "")")"
t_eq "... by prefix" "removal request resource review" "$(joined "$(comp re)")"
t_eq "request's words" "approve cancel comment confirm inform list record reject report show submit" \
    "$(joined "$(comp request "")")"
t_eq "submit's options" "--as --for --from --json --lang --reason --resource --started --type --until" \
    "$(joined "$(comp request submit --)")"
t_eq "global options first: -s too" "--as --json --lang -s" "$(joined "$(comp -)")"
t_eq "--lang's values" "en id" "$(joined "$(comp --lang "")")"
t_eq "--type's values" "account card" "$(joined "$(comp request submit --type "")")"
t_eq "visit report --format" "csv html json text" "$(joined "$(comp visit report --format "")")"
t_eq "request report --format" "csv html json text" "$(joined "$(comp request report --format "")")"
t_eq "review report --format" "csv html json text" "$(joined "$(comp review report 2031-q1 --format "")")"
t_eq "review's words" "ask attest close determine enforce list provide report show start steps update-list" \
    "$(joined "$(comp review "")")"
t_eq "--purpose's values" "network servers" \
    "$(joined "$(comp visit request --resource r --purpose "")")"
t_eq "options after an option's value: still the command's" \
    "--as --json --lang --note --purpose --step" \
    "$(joined "$(comp --as lputri visit approve V1 --note x --)")"
t_eq "... after --as USER, still the command words" "removal request resource review" \
    "$(joined "$(comp --as lputri re)")"
t_eq "no kuncid: no ids" "" "$(comp request show "")"
t_eq "... and nothing on stderr" "" "$(cat "$W/comp.err")"
rm -rf "$W"

# --- with kuncid: ids from the --json lists ------------------------------------
wf_setup
rid=$(submit lputri server-room:dc1)
seed_grant lputri server-room:dc1
gid=seed-lputri-server-room-dc1
vid=$(vrequest jwijaya server-room:dc1)
kc review start --period 2031-q1 >/dev/null
t_check "a request, a visit and a campaign to complete ($rid, $vid)" \
    test -n "$rid" -a -n "$vid"

t_check "request show offers the request id" has "$rid" "$(comp request show "")"
t_check "... request approve, by its prefix" has "$rid" "$(comp request approve "${rid:0:4}")"
t_eq "... a prefix that matches none: nothing" "" "$(comp request approve X)"
t_check "grant show offers the grant id" has "$gid" "$(comp grant show "")"
t_check "removal request offers the grant id" has "$gid" "$(comp removal request "")"
t_check "visit checkin offers the visit id" has "$vid" "$(comp visit checkin "")"
t_check "review show offers the campaign" has 2031-q1 "$(comp review show "")"
t_check "review attest: grants after the campaign" has "$gid" "$(comp review attest 2031-q1 "")"
t_check "... and valid|invalid" has valid "$(comp review attest 2031-q1 "$gid" "")"
t_check "--as USER is passed on: lputri's list has her request" has "$rid" \
    "$(comp --as lputri request cancel "")"
t_eq "... an unknown --as gets no list" "" "$(comp --as nosuchuser request cancel "")"
t_check "the line's -s is used" has "$rid" "$(comp -s "$KUNCI_SOCKET" request show "")"
t_eq "... a -s where no kuncid listens: nothing" "" "$(comp -s "$W/none.sock" request show "")"
t_eq "... quietly" "" "$(cat "$W/comp.err")"
t_eq "an option's value is not an id" "" "$(comp request reject "$rid" --reason "")"

# kuncid stopped: nothing, not a word on stderr
kd_stop
t_eq "kuncid stopped: no ids" "" "$(comp request show "")"
t_eq "... nothing on stderr" "" "$(cat "$W/comp.err")"
kd_start

# --- drift: kuncid's tables, kuncictl(1) and the completion agree --------------
help=$(kc help | $TABLE help)
man=$($TABLE man "$MAN")
t_check "kuncid's help lists commands" test "$(wc -l <<<"$help")" -gt 40
t_check "kuncictl(1) lists commands" test "$(wc -l <<<"$man")" -gt 40

# check_table NAME TABLE: each command and option of TABLE completes
check_table()
{
	local name=$1 word sub opts o bad="" cands
	while read -r word sub opts; do
		cands=$(comp "")
		has "$word" "$cands" || bad="$bad $word"
		if [ "$sub" != - ]; then
			has "$sub" "$(comp "$word" "")" || bad="$bad '$word $sub'"
			cands=$(comp "$word" "$sub" --)
		else
			cands=$(comp "$word" --)
		fi
		for o in $opts; do
			has "$o" "$cands" || bad="$bad '$word $sub $o'"
		done
	done <<<"$2"
	t_eq "every command and option of $name completes" "" "$bad"
}
check_table "kuncid's tables (kuncictl help)" "$help"
check_table "kuncictl(1)" "$man"

# the man page against the tables: the same commands, the same options
t_eq "kuncictl(1) and kuncid's tables: the same commands and options" "" \
    "$(diff <(sort <<<"$help") <(sort <<<"$man"))"

t_done
