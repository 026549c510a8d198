#!/bin/sh
# tests/tools/capmail.sh: a capturing sendmail for the notification tests
# (the only mock: the mail boundary).  Run as "capmail.sh -t -i" with the
# message on stdin; keeps it as $CAPMAIL_DIR/msg.<n>.  While the file
# $CAPMAIL_DIR/fail holds a number above 0 it decrements it and fails
# (exit 75), so tests can watch the retries.
dir=${CAPMAIL_DIR:-$(dirname "$0")/capmail}
[ -d "$dir" ] || mkdir -p "$dir"
if [ -s "$dir/fail" ]; then
	n=$(cat "$dir/fail")
	if [ "$n" -gt 0 ] 2>/dev/null; then
		echo $((n - 1)) >"$dir/fail"
		echo "$(date +%s) failed" >>"$dir/attempts"
		cat >/dev/null
		exit 75
	fi
fi
t=$(mktemp "$dir/.in.XXXXXX") || exit 75
cat >"$t"
mv "$t" "$dir/msg.$(date +%s%N).$$"
echo "$(date +%s) ok" >>"$dir/attempts"
exit 0
