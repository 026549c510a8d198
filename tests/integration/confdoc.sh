#!/bin/bash
# kunci.conf(5) documents every key agent/cfg.c accepts and no other,
# conf/kunci.conf shows every one, the reload lists agree with
# agent/reload.c, and the page renders without warnings.  The checker
# (tests/tools/confkeys.py) is also run on copies with one thing broken,
# so that it is seen to fail.
set -u
. "$(dirname "$0")/../lib.sh"

T=$KUNCI_TOP
CK="python3 $T/tests/tools/confkeys.py"
PAGE=$T/doc/kunci.conf.5

d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

# check CFG_C RELOAD_C PAGE CONF KUNCID8: the checker's output in $d/out
check() { $CK "$@" > "$d/out" 2>&1; }

check "$T/agent/cfg.c" "$T/agent/reload.c" "$PAGE" "$T/conf/kunci.conf" \
    "$T/doc/kuncid.8"
t_eq "kunci.conf(5), conf/kunci.conf and cfg.c agree" "0:" \
    "$?:$(cat "$d/out")"
n=$($CK --list "$T/agent/cfg.c" | wc -l)
t_check "cfg.c's *_keys arrays are found ($n keys)" test "$n" -ge 100

# expect_fail DESC PATTERN CFG_C RELOAD_C PAGE CONF KUNCID8
expect_fail() {
	local desc=$1 pat=$2 rc
	shift 2
	check "$@"; rc=$?
	if [ $rc -eq 1 ] && grep -qF -- "$pat" "$d/out"; then
		t_ok "$desc"
	else
		t_fail "$desc" "exit $rc, no '$pat' in: $(cat "$d/out")"
	fi
}

# A key the code accepts and the page leaves out.
grep -v '^\.It Cm heartbeat_timeout ' "$PAGE" > "$d/nokey.5"
expect_fail "a key missing from the page is found" \
    "directory.heartbeat_timeout is accepted by cfg.c but not documented" \
    "$T/agent/cfg.c" "$T/agent/reload.c" "$d/nokey.5" "$T/conf/kunci.conf" \
    "$T/doc/kuncid.8"

# A key the code gains: missing from the page and from conf/kunci.conf.
sed 's/"user", "admin_socket",/"user", "frobnicate", "admin_socket",/' \
    "$T/agent/cfg.c" > "$d/cfg.c"
t_check "the cfg.c copy has the new key" grep -q '"frobnicate"' "$d/cfg.c"
expect_fail "a new key in cfg.c is missing from the page" \
    "agent.frobnicate is accepted by cfg.c but not documented" \
    "$d/cfg.c" "$T/agent/reload.c" "$PAGE" "$T/conf/kunci.conf" \
    "$T/doc/kuncid.8"
t_grep "... and from conf/kunci.conf" \
    'conf/kunci.conf: agent.frobnicate is accepted by cfg.c but not shown' \
    "$d/out"

# A new key array (a new group) nobody documented.
sed 's/^static const char \*const role_keys\[\]/static const char *const archive_keys[] = { "x", NULL };\n&/' \
    "$T/agent/cfg.c" > "$d/cfg2.c"
expect_fail "a new *_keys array is noticed" "archive_keys is not mapped" \
    "$d/cfg2.c" "$T/agent/reload.c" "$PAGE" "$T/conf/kunci.conf" \
    "$T/doc/kuncid.8"

# A key the page documents and the code does not accept.
sed 's/^\.It Cm max_reason Pq integer$/.It Cm max_reasons Pq integer/' \
    "$PAGE" > "$d/extra.5"
expect_fail "a documented key the code lacks is found" \
    "requests.max_reasons is documented but cfg.c does not accept it" \
    "$T/agent/cfg.c" "$T/agent/reload.c" "$d/extra.5" "$T/conf/kunci.conf" \
    "$T/doc/kuncid.8"

# A key without a type.
sed 's/^\.It Cm quorum Pq integer$/.It Cm quorum/' "$PAGE" > "$d/notype.5"
expect_fail "a key without a type is found" \
    'workflows.NAME.steps.quorum: type "None"' \
    "$T/agent/cfg.c" "$T/agent/reload.c" "$d/notype.5" "$T/conf/kunci.conf" \
    "$T/doc/kuncid.8"

# A key conf/kunci.conf no longer shows (assignment and comment).
grep -v 'last_used_granularity' "$T/conf/kunci.conf" > "$d/kunci.conf"
expect_fail "a key missing from conf/kunci.conf is found" \
    "conf/kunci.conf: login.last_used_granularity is accepted by cfg.c but not shown" \
    "$T/agent/cfg.c" "$T/agent/reload.c" "$PAGE" "$d/kunci.conf" \
    "$T/doc/kuncid.8"
# A step key shown only in the workflows' "Keys:" comment counts.
t_check "conf/kunci.conf lists quorum in a comment only" \
    sh -c "! grep -Eq '(^|[{;[:space:]])quorum[[:space:]]*=' '$T/conf/kunci.conf'"
grep -v '^#     quorum ' "$T/conf/kunci.conf" > "$d/kunci2.conf"
expect_fail "a step key missing from the Keys: comment is found" \
    "conf/kunci.conf: workflows.NAME.steps.quorum is accepted" \
    "$T/agent/cfg.c" "$T/agent/reload.c" "$PAGE" "$d/kunci2.conf" \
    "$T/doc/kuncid.8"

# The reload lists: a login key dropped from kuncid(8) SIGHUP, a group
# dropped from RELOAD.
sed 's/^last_used_granularity, query_timeout) takes effect/last_used_granularity) takes effect/' \
    "$T/doc/kuncid.8" > "$d/kuncid.8"
t_check "the kuncid.8 copy differs" sh -c "! cmp -s '$d/kuncid.8' '$T/doc/kuncid.8'"
expect_fail "a hot key missing from kuncid(8) SIGHUP is found" \
    "kuncid(8) SIGHUP: login.query_timeout not named" \
    "$T/agent/cfg.c" "$T/agent/reload.c" "$PAGE" "$T/conf/kunci.conf" \
    "$d/kuncid.8"
awk '/^\.Sh RELOAD/ { r = 1 } /^\.Sh FILES/ { r = 0 }
    !(r && /^\.Cm provision ,$/)' "$PAGE" > "$d/noreload.5"
expect_fail "a restart group missing from RELOAD is found" \
    "RELOAD: group provision (restart) not named" \
    "$T/agent/cfg.c" "$T/agent/reload.c" "$d/noreload.5" "$T/conf/kunci.conf" \
    "$T/doc/kuncid.8"

# The page renders without warnings, in mandoc and in groff.
out=$(mandoc -T lint -W warning "$PAGE" 2>&1); rc=$?
t_eq "mandoc -T lint -W warning: clean" "0:" "$rc:$out"
out=$(groff -mdoc -ww -z -Tutf8 "$PAGE" 2>&1); rc=$?
t_eq "groff -ww: clean" "0:" "$rc:$out"
# ... and the lint does complain about a broken page.
printf '.Li [ ]\n' >> "$d/nokey.5"
t_check_fail "mandoc lint fails on a broken page" \
    sh -c "out=\$(mandoc -T lint -W warning '$d/nokey.5' 2>&1); [ -z \"\$out\" ]"

# In the package (make install: tests/integration/build.sh).
t_grep "debian/kunci.install lists it" '^usr/share/man/man5/kunci\.conf\.5$' \
    "$T/debian/kunci.install"

# Referenced from the other pages and the README.
for f in doc/kuncid.8 doc/kuncictl.1; do
	t_grep "$f SEE ALSO names kunci.conf(5)" '^\.Xr kunci\.conf 5' "$T/$f"
done
t_grep "README links kunci.conf(5)" 'kunci\.conf\(5\)`\]\(doc/kunci\.conf\.5\)' \
    "$T/README.md"

t_done
