# shellcheck shell=bash
# tests/lib.sh: helpers for tests/integration/*.sh (source it; bash).
#
#   t_ok DESC / t_fail DESC [DETAIL]      record a result
#   t_check DESC CMD...                   pass if CMD exits 0
#   t_check_fail DESC CMD...              pass if CMD exits non-zero
#   t_eq DESC EXPECTED ACTUAL             pass if equal (prints both if not)
#   t_grep DESC PATTERN FILE              pass if grep -E PATTERN FILE matches
#   t_wait_eq DESC EXPECTED TENTHS CMD... t_eq once CMD prints EXPECTED, or
#                                         after TENTHS tenths of a second
#   t_wait_grep DESC PATTERN FILE [TENTHS] t_grep once it matches (bounded)
#   wait_for TENTHS CMD...                CMD until it succeeds (bounded)
#   wait_grep PATTERN FILE [TENTHS]       until grep -E matches (bounded)
#   t_done                                print "N passed, N failed", exit 0/1
#   t_skip REASON                         print the reason, exit 77
#   sandbox_up [tests/sandbox start args] start a sandbox in a temp dir and
#                                         export its variables; an EXIT trap
#                                         stops it (KEEP_SANDBOX=1 keeps it)
#   lm / la / ls_ / ldelete / lpasswd     ldap tools as the directory
#                                         manager over ldapi (SASL EXTERNAL)
#
# $KUNCI_TOP is the repository root.  Output: one line per result on stdout.

KUNCI_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export KUNCI_TOP
# ldap tools must not read ~/.ldaprc or /etc/ldap/ldap.conf
export LDAPNOINIT=1

T_PASS=0
T_FAIL=0
T_SANDBOXES=()

t_ok()
{
	T_PASS=$((T_PASS + 1))
	echo "ok - $1"
}

t_fail()
{
	T_FAIL=$((T_FAIL + 1))
	echo "FAIL - $1"
	if [ $# -gt 1 ] && [ -n "$2" ]; then
		printf '%s\n' "$2" | sed 's/^/    /'
	fi
}

t_check()
{
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		t_ok "$desc"
	else
		t_fail "$desc" "exit $?: $(printf '%s' "$out" | tail -n 5)"
	fi
}

t_check_fail()
{
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		t_fail "$desc" "succeeded but should have failed: $(printf '%s' "$out" | tail -n 5)"
	else
		t_ok "$desc"
	fi
}

t_eq()
{
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_fail "$1" "expected: $2
actual:   $3"
	fi
}

t_grep()
{
	if grep -qE -- "$2" "$3" 2>/dev/null; then
		t_ok "$1"
	else
		t_fail "$1" "no match for /$2/ in $3: $(tail -n 5 "$3" 2>/dev/null)"
	fi
}

# No test asserts after a fixed sleep: it waits for its condition, with a
# bound, so a slow machine makes it slower, never wrong.
wait_for()
{
	local _wn=$1 _wi
	shift
	for ((_wi = 0; _wi < _wn; _wi++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

wait_grep()
{
	wait_for "${3:-50}" grep -qE -- "$1" "$2" 2>/dev/null
}

t_wait_grep()
{
	wait_grep "$2" "$3" "${4:-50}"
	t_grep "$1" "$2" "$3"
}

t_wait_eq()
{
	local _wd=$1 _we=$2 _wn=$3 _wi _wv
	shift 3
	for ((_wi = 0; ; _wi++)); do
		_wv=$("$@")
		[ "$_wv" = "$_we" ] || [ "$_wi" -ge "$_wn" ] && break
		sleep 0.1
	done
	t_eq "$_wd" "$_we" "$_wv"
}

t_done()
{
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ] && exit 0
	exit 1
}

t_skip()
{
	echo "SKIP: $*"
	exit 77
}

# t_system_lock: until the test exits, hold the lock of the tests that
# change the system itself (/etc/pam.d, installed files, packages): two of
# them at once (two checkouts' `make check` on one machine) would each back
# up the other's change and put it back.  The lock is flock(2) on the
# /etc/pam.d directory, so nothing is left behind; a second run waits.
t_system_lock()
{
	exec 8</etc/pam.d || t_skip "cannot open /etc/pam.d"
	flock -w 1800 8 || t_skip "another test run holds /etc/pam.d (30 min)"
}

# Stop every sandbox this test started; remove its directory unless
# KEEP_SANDBOX=1.
sandbox_cleanup()
{
	local d
	for d in ${T_SANDBOXES[@]+"${T_SANDBOXES[@]}"}; do
		"$KUNCI_TOP/tests/sandbox" stop "$d" || :
		if [ "${KEEP_SANDBOX:-0}" = 1 ]; then
			echo "# sandbox kept in $d" >&2
		else
			rm -rf "$d"
		fi
	done
	T_SANDBOXES=()
}

# sandbox_up [ARGS]: start a sandbox in a new temp dir and export its
# variables (KUNCI_SANDBOX, LDAPI_URI, ...).  May be called more than once;
# the last call's variables win.
sandbox_up()
{
	local d env
	d=$(mktemp -d "${TMPDIR:-/tmp}/kunci-sb.XXXXXX") || t_skip "mktemp failed"
	# others (e.g. kuncictl run as another user) must reach DIR/run
	chmod 755 "$d"
	T_SANDBOXES+=("$d")
	trap sandbox_cleanup EXIT
	if ! env=$("$KUNCI_TOP/tests/sandbox" start "$d" "$@"); then
		t_fail "sandbox start"
		t_done
	fi
	eval "$env"
}

lm()
{
	ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" "$@"
}

la()
{
	ldapmodify -a -Q -Y EXTERNAL -H "$LDAPI_URI" "$@"
}

ls_()
{
	ldapsearch -Q -Y EXTERNAL -H "$LDAPI_URI" -LLL -o ldif-wrap=no "$@"
}

ldelete()
{
	ldapdelete -Q -Y EXTERNAL -H "$LDAPI_URI" "$@"
}

# lpasswd UID PASSWORD: set a person's password (Password Modify)
lpasswd()
{
	ldappasswd -Q -Y EXTERNAL -H "$LDAPI_URI" -s "$2" \
	    "uid=$1,ou=people,$KUNCI_BASE" >/dev/null
}

# now_gt [OFFSET_SECONDS]: the current UTC time as GeneralizedTime
now_gt()
{
	date -u -d "@$(($(date +%s) + ${1:-0}))" +%Y%m%d%H%M%SZ
}
