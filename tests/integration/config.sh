#!/bin/bash
# kuncid -t / -T on real files: errors name file and line, the exit status
# is EX_CONFIG (78), and the effective configuration re-loads to itself.
set -u
. "$(dirname "$0")/../lib.sh"

# t_grep_str DESC NEEDLE TEXT: pass if TEXT contains NEEDLE literally.
t_grep_str() {
	case "$3" in
	*"$2"*) t_ok "$1" ;;
	*) t_fail "$1" "no '$2' in: $3" ;;
	esac
}
: "${KUNCID:=$KUNCI_TOP/build/kuncid}"

d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
printf 'not-the-real-password\n' > "$d/bind.pw"
chmod 600 "$d/bind.pw"
sed "s|^\([[:space:]]*bind_password_file = \).*|\1\"$d/bind.pw\";|" \
    "$KUNCI_TOP/conf/kunci.conf" > "$d/good.conf"

out=$("$KUNCID" -t -c "$d/good.conf" 2>&1); rc=$?
t_eq "shipped config checks" 0 "$rc"
t_eq "kuncid -t says OK" "$d/good.conf: configuration OK" "$out"

"$KUNCID" -T -c "$d/good.conf" > "$d/dump1.conf" 2>"$d/err"
t_eq "kuncid -T succeeds" 0 $?
# The dump refers to the same password file, so it loads as it is.
"$KUNCID" -T -c "$d/dump1.conf" > "$d/dump2.conf" 2>"$d/err"
t_eq "the dump loads" 0 $?
t_check "dump of the dump is identical" cmp -s "$d/dump1.conf" "$d/dump2.conf"
t_grep "the dump holds every workflow" '^	C3 = {' "$d/dump1.conf"

# expect_error NAME LINE PATTERN: kuncid -t on $d/NAME fails with
# EX_CONFIG, and the one-line message starts with file:LINE:
expect_error() {
	local f="$d/$1" line=$2 pat=$3 out rc
	out=$("$KUNCID" -t -c "$f" 2>&1); rc=$?
	t_eq "$1: exit status EX_CONFIG" 78 "$rc"
	t_eq "$1: one line" 1 "$(printf '%s\n' "$out" | wc -l)"
	case "$out" in
	"kuncid: $f:$line: "*$pat*) t_ok "$1: names $f:$line ($pat)" ;;
	*) t_fail "$1: names $f:$line ($pat)" "$out" ;;
	esac
}

# Each bad file is the good one with one line changed; the line number of
# the change is what the message must name.
mutate() { # NAME SED-ADDRESS-REGEX REPLACEMENT
	local n
	n=$(grep -n -m1 -e "$2" "$d/good.conf" | cut -d: -f1)
	sed "${n}s|.*|$3|" "$d/good.conf" > "$d/$1"
	echo "$n"
}
n=$(mutate unknown-key '^[[:space:]]*timeout = ' '	timeuot = "5s";')
expect_error unknown-key "$n" "timeuot"
n=$(mutate wrong-type '^[[:space:]]*max_reason = ' '	max_reason = "many";')
expect_error wrong-type "$n" "max_reason"
n=$(mutate bad-duration '^[[:space:]]*pending_expiry = ' '	pending_expiry = "30 days";')
expect_error bad-duration "$n" "pending_expiry"
n=$(grep -n -m1 'role = "kadis";' "$d/good.conf" | cut -d: -f1)
sed "${n}s|role = \"kadis\";|role = \"bupati\";|" "$d/good.conf" > "$d/unknown-role"
expect_error unknown-role "$n" "bupati"
# removal.workflow must name a workflow (the removal group's only key).
n=$(awk '/^removal = \{/ { g = 1 } g && /^[[:space:]]*workflow = / { print NR; exit }' "$d/good.conf")
sed "${n}s|.*|  workflow = \"C9\";|" "$d/good.conf" > "$d/unknown-removal-workflow"
expect_error unknown-removal-workflow "$n" 'removal.workflow: unknown workflow "C9"'
t_grep "the dump holds removal.workflow" '^	workflow = "C3";' "$d/dump1.conf"
n=$(mutate missing-base '^[[:space:]]*base = ' '	# base removed')
# A missing key is reported at its group.
g=$(grep -n -m1 '^directory' "$d/good.conf" | cut -d: -f1)
expect_error missing-base "$g" "base"
n=$(mutate relative-path '^[[:space:]]*state_dir = ' '	state_dir = "var/lib/kunci";')
expect_error relative-path "$n" "state_dir"

n=$(mutate half-signing '^[[:space:]]*key = "/etc/kunci/sign.key";' '  key = "";')
g=$(grep -n -m1 '^signing' "$d/good.conf" | cut -d: -f1)
expect_error half-signing "$g" "certificate, key and ca together"

cp "$d/good.conf" "$d/unreadable.conf"
chmod 000 "$d/unreadable.conf"
if [ "$(id -u)" -eq 0 ]; then
	# root reads anything: make the path a directory instead.
	rm -f "$d/unreadable.conf"
	mkdir "$d/unreadable.conf"
fi
out=$("$KUNCID" -t -c "$d/unreadable.conf" 2>&1); rc=$?
t_eq "unreadable file: EX_CONFIG" 78 "$rc"
t_grep_str "unreadable file: names the file" "$d/unreadable.conf" "$out"
out=$("$KUNCID" -t -c "$d/absent.conf" 2>&1); rc=$?
t_eq "missing file: EX_CONFIG" 78 "$rc"
t_grep_str "missing file: names the file" "$d/absent.conf" "$out"

# An include is refused with its line: libconfig's own reader exits the
# process on an include of a directory and blocks on one of a FIFO.
n=$(grep -n -m1 '^agent = {' "$d/good.conf" | cut -d: -f1)
sed "${n}i\\@include \"$d\"" "$d/good.conf" > "$d/include-dir"
expect_error include-dir "$n" "@include and other directives are not supported"
mkfifo "$d/fifo"
printf '  @include "%s"\n' "$d/fifo" > "$d/include-fifo"
if out=$(timeout 10 "$KUNCID" -t -c "$d/include-fifo" 2>&1); then rc=0; else rc=$?; fi
t_eq "include-fifo: EX_CONFIG, not blocked" 78 "$rc"
t_grep_str "include-fifo: names line 1" "$d/include-fifo:1: @include" "$out"
# A FIFO as the file or as a secret file is refused, not waited on.
if out=$(timeout 10 "$KUNCID" -t -c "$d/fifo" 2>&1); then rc=0; else rc=$?; fi
t_eq "the configuration a FIFO: EX_CONFIG, not blocked" 78 "$rc"
t_grep_str "the configuration a FIFO: says so" "not a regular file" "$out"
for key in bind_password_file snapshot_key_file; do
	n=$(grep -n -m1 "^[[:space:]]*$key =" "$d/good.conf" | cut -d: -f1)
	sed "${n}s|.*|  $key = \"$d/fifo\";|" "$d/good.conf" > "$d/fifo-$key"
	if out=$(timeout 10 "$KUNCID" -t -c "$d/fifo-$key" 2>&1); then rc=0; else rc=$?; fi
	t_eq "$key a FIFO: EX_CONFIG, not blocked" 78 "$rc"
	t_grep_str "$key a FIFO: names the line" "$d/fifo-$key:$n: $key $d/fifo: not a regular file" "$out"
done
printf 'directory = { base = "dc=x"; };\n\0agent = { user = 5; };\n' > "$d/nul"
expect_error nul 2 "a NUL byte"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '#' > "$d/huge"
out=$("$KUNCID" -t -c "$d/huge" 2>&1); rc=$?
t_eq "over 1 MiB: EX_CONFIG" 78 "$rc"
t_grep_str "over 1 MiB: says so" "larger than 1048576 bytes" "$out"

# Panel accounts (issue 20): a uid range below pam_kunci's minimum_uid
# would be accounts the module never gates; the error names the line.
n=$(mutate uid-low '^[[:space:]]*uid_min = ' '  uid_min = 999;')
expect_error uid-low "$n" "provision.uid_min: 999 is below provision.minimum_uid 1000"
n=$(mutate min-uid-high '^[[:space:]]*minimum_uid = ' '  minimum_uid = 25000;')
n=$(grep -n -m1 '^[[:space:]]*uid_min = ' "$d/min-uid-high" | cut -d: -f1)
expect_error min-uid-high "$n" "provision.uid_min: 20000 is below provision.minimum_uid 25000"
n=$(mutate uid-order '^[[:space:]]*uid_max = ' '  uid_max = 19999;')
expect_error uid-order "$n" "provision.uid_max: 19999 is below provision.uid_min 20000"
n=$(mutate gid-system '^[[:space:]]*gid = ' '  gid = 27;')
expect_error gid-system "$n" "provision.gid: 27 is a system group"
n=$(mutate shell-rel '^[[:space:]]*shell = "/usr/sbin/nologin"' '  shell = "bash";')
expect_error shell-rel "$n" "provision.shell: \"bash\" is not an absolute path"
n=$(mutate shells-star '^[[:space:]]*{ resource = "control-panel:cockpit\*"' '    { resource = "control-*:cockpit"; shell = "/bin/bash"; }')
expect_error shells-star "$n" "provision.shells?0?.resource: '?' is only allowed at the end"
n=$(mutate home-colon '^[[:space:]]*home_base = ' '  home_base = "/srv/a:b";')
expect_error home-colon "$n" "provision.home_base"
# kuncid -t also reads this host's PAM files (KUNCI_PAM_D for the test):
# a pam_kunci line whose minimum_uid= is above provision.uid_min is
# refused with that file's line
mkdir "$d/pam.d"
printf '#%%PAM-1.0\n# account required pam_kunci.so minimum_uid=90000\n@include common-account\naccount required pam_permit.so minimum_uid=90000\naccount [success=ok ignore=ignore default=bad] /lib/x86_64-linux-gnu/security/pam_kunci.so minimum_uid=1000\n' >"$d/pam.d/cockpit"
out=$(KUNCI_PAM_D=$d/pam.d "$KUNCID" -t -c "$d/good.conf" 2>&1); rc=$?
t_eq "PAM files whose pam_kunci lines are at or below uid_min: OK" "0" "$rc"
printf 'account    [success=ok ignore=ignore default=bad] pam_kunci.so resource=control-panel:webmin minimum_uid=25000 unmanaged=darurat\n' >>"$d/pam.d/cockpit"
out=$(KUNCI_PAM_D=$d/pam.d "$KUNCID" -t -c "$d/good.conf" 2>&1); rc=$?
t_eq "a pam_kunci line with minimum_uid above uid_min: EX_CONFIG" 78 "$rc"
t_eq "... naming the PAM file's line and the range" \
    "kuncid: $d/pam.d/cockpit:6: pam_kunci's minimum_uid=25000 is above provision.uid_min 20000 in $d/good.conf: pam_kunci would let panel accounts in without a grant" "$out"
grep -q '^	shells = (' "$d/dump1.conf" && grep -q '{ resource = "control-panel:cockpit\*"; shell = "/bin/bash"; }' "$d/dump1.conf" &&
    t_ok "the dump holds provision.shells" || t_fail "the dump holds provision.shells"

chmod 644 "$d/bind.pw"
n=$(grep -n -m1 '^[[:space:]]*bind_password_file =' "$d/good.conf" | cut -d: -f1)
expect_error good.conf "$n" "group- or world-readable"
chmod 600 "$d/bind.pw"

out=$("$KUNCID" -x 2>&1); rc=$?
t_eq "unknown option: EX_USAGE" 64 "$rc"
t_grep_str "unknown option: usage line" "usage: kuncid" "$out"
t_done
