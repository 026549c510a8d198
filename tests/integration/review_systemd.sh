#!/bin/bash
# systemd/kunci-review.timer and .service, with @BINDIR@ filled in as
# `make install` does, pass systemd-analyze verify; the service runs
# "kuncictl review start" once (oneshot), the timer is persistent.
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
command -v systemd-analyze >/dev/null || t_skip "systemd-analyze not installed"
top=$KUNCI_TOP
BUILD=${BUILD:-$top/build}
[ -x "$BUILD/kuncictl" ] || t_skip "build kuncictl first"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
for u in kunci-review.service kunci-review.timer kuncid.service; do
	sed "s|@SBINDIR@|$BUILD|g; s|@BINDIR@|$BUILD|g; s|@SYSCONFDIR@|/etc|g" \
	    "$top/systemd/$u" >"$t/$u"
done
t_check "kunci-review.service passes systemd-analyze verify" systemd-analyze verify "$t/kunci-review.service"
t_check "kunci-review.timer passes systemd-analyze verify" systemd-analyze verify "$t/kunci-review.timer"
t_grep "the service is a oneshot" '^Type=oneshot$' "$t/kunci-review.service"
t_grep "... that runs review start" "^ExecStart=$BUILD/kuncictl .* review start$" "$t/kunci-review.service"
t_grep "the timer is persistent" '^Persistent=true$' "$t/kunci-review.timer"
t_check "the calendar expression is valid" systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' "$t/kunci-review.timer")"
score=$(systemd-analyze security --offline=yes "$t/kunci-review.service" 2>/dev/null |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
t_check "hardened: exposure $score below 3.0" awk -v s="$score" 'BEGIN { exit !(s != "" && s < 3.0) }'
t_done
