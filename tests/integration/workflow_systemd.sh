#!/bin/bash
# systemd/kuncid.service, with @SBINDIR@ etc. filled in as `make install`
# does, passes systemd-analyze verify; it is Type=notify, runs as _kunci
# (systemd/kunci.sysusers), and does not set PrivateUsers=.
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
command -v systemd-analyze >/dev/null || t_skip "systemd-analyze not installed"
top=$KUNCI_TOP
BUILD=${BUILD:-$top/build}
[ -x "$BUILD/kuncid" ] || t_skip "build kuncid first"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
sed "s|@SBINDIR@|$BUILD|g; s|@BINDIR@|$BUILD|g; s|@SYSCONFDIR@|/etc|g" \
    "$top/systemd/kuncid.service" >"$t/kuncid.service"
t_check "kuncid.service passes systemd-analyze verify" systemd-analyze verify "$t/kuncid.service"
t_grep "Type=notify" '^Type=notify$' "$t/kuncid.service"
t_grep "User=_kunci" '^User=_kunci$' "$t/kuncid.service"
t_grep "RuntimeDirectory=kunci" '^RuntimeDirectory=kunci$' "$t/kuncid.service"
t_grep "StateDirectory=kunci" '^StateDirectory=kunci$' "$t/kuncid.service"
t_eq "no PrivateUsers= (SO_PEERCRED must see real uids)" 0 "$(grep -c '^PrivateUsers' "$t/kuncid.service")"
t_grep "sysusers makes _kunci" '^u _kunci ' "$top/systemd/kunci.sysusers"
score=$(systemd-analyze security --offline=yes "$t/kuncid.service" 2>/dev/null |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
t_check "hardened: exposure $score below 3.0" awk -v s="$score" 'BEGIN { exit !(s != "" && s < 3.0) }'
t_done
