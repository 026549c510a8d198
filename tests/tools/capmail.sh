#!/bin/sh
# tests/tools/capmail.sh: a capturing sendmail for the notification tests
# (the only mock: the mail boundary).  Run as "capmail.sh -t -i" with the
# message on stdin; keeps it as $CAPMAIL_DIR/msg.<n>.  It fails (exit 75)
# while the file $CAPMAIL_DIR/down exists, or while $CAPMAIL_DIR/fail holds
# a number above 0, which it then decrements, so tests can watch the
# retries.  kuncid runs several deliveries at once: the counter is read and
# written under flock, and tests change it the same way (capmail_fail).
dir=${CAPMAIL_DIR:-$(dirname "$0")/capmail}
[ -d "$dir" ] || mkdir -p "$dir"
refuse() {
	echo "$(date +%s) failed" >>"$dir/attempts"
	cat >/dev/null
	exit 75
}
[ -e "$dir/down" ] && refuse
exec 9>>"$dir/lock"
flock 9
if [ -s "$dir/fail" ]; then
	n=$(cat "$dir/fail")
	if [ "$n" -gt 0 ] 2>/dev/null; then
		echo $((n - 1)) >"$dir/fail"
		flock -u 9
		refuse
	fi
fi
flock -u 9
t=$(mktemp "$dir/.in.XXXXXX") || exit 75
cat >"$t"
mv "$t" "$dir/msg.$(date +%s%N).$$"
echo "$(date +%s) ok" >>"$dir/attempts"
exit 0
