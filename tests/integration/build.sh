#!/bin/bash
# The build's promises: the PAM module exports only pam_sm_* and links only
# libc and libpam; make install / uninstall honour DESTDIR, PREFIX,
# SYSCONFDIR and PAMDIR and leave the configuration alone on uninstall.
set -u
. "$(dirname "$0")/../lib.sh"
: "${BUILD:=$KUNCI_TOP/build}"
mod="$BUILD/pam_kunci.so"

syms=$(nm -D --defined-only "$mod" | awk '$2 ~ /^[TtWw]$/ { print $3 }' | sort | tr '\n' ' ')
t_eq "module exports only pam_sm_*" "pam_sm_acct_mgmt pam_sm_authenticate pam_sm_setcred " "$syms"
needed=$(objdump -p "$mod" | awk '/NEEDED/ { print $2 }' | grep -v -e '^libpam\.so' -e '^libc\.so' \
    -e '^libasan' -e '^libubsan' -e '^ld-linux' | tr '\n' ' ')
t_eq "module links only libc and libpam" "" "$needed"
t_check "module links with --no-undefined (no undefined symbols beyond its libraries)" \
    bash -c "LD_BIND_NOW=1 ldd -r '$mod' 2>&1 | grep -vq 'undefined symbol' || exit 1"
t_check "module is relro/now" bash -c "readelf -d '$mod' | grep -q BIND_NOW"
t_check "kuncid is PIE" bash -c "readelf -h '$BUILD/kuncid' | grep -q 'DYN'"
t_check "kuncid is stack-protected" bash -c "nm '$BUILD/kuncid' | grep -q __stack_chk_fail"

d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
if make -s -C "$KUNCI_TOP" BUILD="$BUILD" DESTDIR="$d" PREFIX=/opt/k \
    SYSCONFDIR=/opt/k/etc PAMDIR=/opt/k/pam install >"$d.log" 2>&1; then
	t_ok "make install into DESTDIR"
else
	t_fail "make install into DESTDIR" "$(tail -n 5 "$d.log")"
fi
for f in /opt/k/sbin/kuncid /opt/k/bin/kuncictl /opt/k/pam/pam_kunci.so \
    /opt/k/etc/kunci/kunci.conf /opt/k/share/kunci/ldif/kunci.ldif \
    /opt/k/share/kunci/ldif/kunci.schema /opt/k/share/man/man8/kuncid.8 \
    /opt/k/share/man/man1/kuncictl.1 /opt/k/share/man/man8/pam_kunci.8 \
    /opt/k/share/man/man5/kunci.conf.5 \
    /opt/k/share/bash-completion/completions/kuncictl; do
	t_check "installed $f" test -e "$d$f"
done
if [ -r /usr/share/bash-completion/bash_completion ]; then
	t_eq "bash-completion finds the installed completion" \
	    "complete -F _kuncictl kuncictl" \
	    "$(XDG_DATA_DIRS=$d/opt/k/share bash --norc --noprofile -c \
	    '. /usr/share/bash-completion/bash_completion
	    __load_completion kuncictl && complete -p kuncictl' 2>&1)"
fi
t_eq "nothing installed outside DESTDIR" "" \
    "$(find /opt/k 2>/dev/null | head -n 1)"
make -s -C "$KUNCI_TOP" BUILD="$BUILD" DESTDIR="$d" PREFIX=/opt/k \
    SYSCONFDIR=/opt/k/etc PAMDIR=/opt/k/pam uninstall >"$d.log" 2>&1
t_check_fail "uninstall removes kuncid" test -e "$d/opt/k/sbin/kuncid"
t_check_fail "uninstall removes the module" test -e "$d/opt/k/pam/pam_kunci.so"
t_check_fail "uninstall removes the man pages" test -e "$d/opt/k/share/man/man8/kuncid.8"
t_check_fail "uninstall removes kunci.conf(5)" test -e "$d/opt/k/share/man/man5/kunci.conf.5"
t_check_fail "uninstall removes the bash completion" test -e "$d/opt/k/share/bash-completion/completions/kuncictl"
t_check "uninstall keeps the configuration" test -e "$d/opt/k/etc/kunci/kunci.conf"
rm -f "$d.log"
t_done
