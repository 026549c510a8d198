#!/bin/bash
# SLOW (about a minute): the Debian packages, installed on this machine.
#
# Builds kunci and libpam-kunci (make deb, into a temp dir), runs lintian,
# installs them with dpkg -i, checks what they put in place, enables the
# PAM profile, purges both and checks that /etc/pam.d and /var/lib/pam are
# byte-identical to before and that no kunci file or process is left.
# Then `make install` / `make uninstall` on the live system: uninstall
# takes the enabled profile out first; and in a DESTDIR, it refuses to
# remove the module while a PAM service file names it.
#
# Root only (exit 77 otherwise).  /etc/pam.d and /var/lib/pam are backed
# up first and restored by the EXIT trap whatever happens; pam-auth-update
# also re-enables other packages' profiles missing from /var/lib/pam/seen,
# so the comparison is against the state after one plain
# `pam-auth-update --package`, and the trap restores the original.
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" -eq 0 ] || t_skip "needs root (installs packages)"
t_system_lock
for p in dpkg-buildpackage dh lintian pam-auth-update; do
	command -v "$p" >/dev/null || t_skip "missing $p (tests/install-deps)"
done
for p in kunci libpam-kunci; do
	case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in
	*installed* | *config-files*) t_skip "package $p is already on this machine; not touching it" ;;
	esac
done
[ ! -e /etc/kunci ] || t_skip "/etc/kunci exists: a kunci is installed here; not touching it"
[ ! -e /usr/local/sbin/kuncid ] || t_skip "/usr/local/sbin/kuncid exists; not touching it"

T=$(mktemp -d "${TMPDIR:-/tmp}/kunci-pkg.XXXXXX") || t_skip "mktemp failed"
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
MODULE=/lib/$MA/security/pam_kunci.so
MADE_INSTALL=0

# restore_dir SAVED LIVE: LIVE's content becomes SAVED's again
restore_dir()
{
	local f
	for f in "$2"/* "$2"/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		[ -e "$1/${f##*/}" ] || [ -L "$1/${f##*/}" ] || rm -rf "$f"
	done
	cp -a "$1/." "$2/"
}

cleanup()
{
	local p
	for p in libpam-kunci kunci; do
		if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -qE 'installed|config-files'; then
			echo "# cleanup: purging $p" >&2
			dpkg --purge "$p" >/dev/null 2>&1 || :
		fi
	done
	if [ -d "$T/bak/pam.d" ] && [ -d "$T/bak/pam" ]; then
		restore_dir "$T/bak/pam.d" /etc/pam.d
		restore_dir "$T/bak/pam" /var/lib/pam
	fi
	if [ "$MADE_INSTALL" = 1 ]; then
		make -s -C "$KUNCI_TOP" BUILD="$BUILD" PREFIX=/usr/local uninstall >/dev/null 2>&1 || :
		rm -rf /etc/kunci
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$T/bak"
cp -a /etc/pam.d "$T/bak/pam.d" && cp -a /var/lib/pam "$T/bak/pam" ||
    { t_fail "backing up /etc/pam.d and /var/lib/pam"; t_done; }
# the state to compare with: this machine's stacks as pam-auth-update
# itself leaves them
pam-auth-update --package
cp -a /etc/pam.d "$T/pam.d.0"
cp -a /var/lib/pam "$T/pam.0"

# --- build and lint
if make -s -C "$KUNCI_TOP" BUILD="$T/b" deb >"$T/build.log" 2>&1; then
	t_ok "make deb builds the packages"
else
	t_fail "make deb builds the packages" "$(tail -n 15 "$T/build.log")"
	t_done
fi
KDEB=$(ls "$T"/b/deb/kunci_*.deb)
PDEB=$(ls "$T"/b/deb/libpam-kunci_*.deb)
t_check "lintian: no errors" lintian --fail-on error "$T"/b/deb/kunci_*.changes
VERSION=$(dpkg-parsechangelog -l "$KUNCI_TOP/debian/changelog" -S Version)

# --- install
t_check "dpkg -i succeeds on a server without kunci's settings" dpkg -i "$KDEB" "$PDEB"
t_check "the _kunci system user exists" getent passwd _kunci
t_check "kuncid.service in place" test -f /lib/systemd/system/kuncid.service
t_check "kunci-review.timer in place" test -f /lib/systemd/system/kunci-review.timer
# an unconfigured kuncid must not start at the next boot: the admin
# enables it once configured (README)
t_check "kuncid.service not enabled by the package" test ! -e /etc/systemd/system/multi-user.target.wants/kuncid.service
t_check "kunci-review.timer not enabled by the package" test ! -e /etc/systemd/system/timers.target.wants/kunci-review.timer
t_check "the module in the multiarch security directory" test -f "$MODULE"
t_check "the config in place" test -f /etc/kunci/kunci.conf
t_grep "the config is a conffile" '/etc/kunci/kunci.conf' <(dpkg-query -W -f='${Conffiles}\n' kunci)
t_check "the profile in /usr/share/pam-configs" test -f /usr/share/pam-configs/kunci
t_check "kunci-directory installed" test -x /usr/sbin/kunci-directory
t_eq "kunci-directory finds its schema (69: no slapd there, not 70)" 69 \
    "$(/usr/sbin/kunci-directory setup --suffix dc=example,dc=org -H ldapi://%2Fnonexistent >/dev/null 2>&1; echo $?)"
t_eq "kuncid --version is debian/changelog's" "kuncid $VERSION" "$(/usr/sbin/kuncid --version 2>&1)"
t_eq "kuncictl --version is debian/changelog's" "kuncictl $VERSION" "$(/usr/bin/kuncictl --version 2>&1)"
t_check "the profile is registered (seen)" grep -qx kunci /var/lib/pam/seen
t_check_fail "... but off: no stack names pam_kunci" grep -rqs pam_kunci /etc/pam.d
t_check "kuncid not started by the package" sh -c '! for p in /proc/[0-9]*; do readlink "$p/exe"; done 2>/dev/null | grep -q "^/usr/sbin/kuncid"'
dpkg -L kunci libpam-kunci >"$T/files" 2>/dev/null

# --- the admin enables the profile; purge takes it out before the module
pam-auth-update --package --enable kunci
t_check "enabled: common-account names pam_kunci" grep -qs pam_kunci /etc/pam.d/common-account
t_check "dpkg --purge of both succeeds" dpkg --purge libpam-kunci kunci
t_check "/etc/pam.d byte-identical to before" diff -r "$T/pam.d.0" /etc/pam.d
t_check "/var/lib/pam byte-identical to before" diff -r "$T/pam.0" /var/lib/pam
left=$(while IFS= read -r f; do
	[ "$f" = /. ] && continue
	if [ -d "$f" ]; then
		case $f in *kunci*) echo "$f" ;; esac
	elif [ -e "$f" ] || [ -L "$f" ]; then
		echo "$f"
	fi
done <"$T/files")
t_eq "no packaged file left" "" "$left"
t_eq "no kunci file under /etc /lib /usr /var/lib /run" "" \
    "$(find /etc /lib/systemd /lib/"$MA"/security /usr/sbin /usr/bin /usr/share /usr/lib/sysusers.d /var/lib /run -name '*kunci*' 2>/dev/null | grep -v '^/var/lib/dpkg/' | head -n 5)"
t_check "no kunci process left" sh -c '! for p in /proc/[0-9]*; do readlink "$p/exe"; done 2>/dev/null | grep -q "^/usr/sbin/kuncid"'

# --- make uninstall: the profile out first, on the live system
if [ -x "$BUILD/kuncid" ] && [ -f "$BUILD/pam_kunci.so" ]; then
	MADE_INSTALL=1
	make -s -C "$KUNCI_TOP" BUILD="$BUILD" PREFIX=/usr/local install >"$T/inst.log" 2>&1 ||
	    t_fail "make install" "$(tail -n 5 "$T/inst.log")"
	pam-auth-update --package --enable kunci
	t_check "make install + enable: common-account names pam_kunci" grep -qs pam_kunci /etc/pam.d/common-account
	t_check "make uninstall succeeds" make -s -C "$KUNCI_TOP" BUILD="$BUILD" PREFIX=/usr/local uninstall
	t_check "... took the profile out of the stacks first" diff -r "$T/pam.d.0" /etc/pam.d
	t_check "... and removed the module" test ! -e "$MODULE"
	rm -rf /etc/kunci
	MADE_INSTALL=0

	# --- in a DESTDIR: refuses while a PAM file names the module
	R=$T/root
	make -s -C "$KUNCI_TOP" BUILD="$BUILD" PREFIX=/usr DESTDIR="$R" install >/dev/null 2>&1
	mkdir -p "$R/etc/pam.d"
	printf 'account required pam_kunci.so\n' >"$R/etc/pam.d/sshd"
	printf '# pam_kunci is not used here\n' >"$R/etc/pam.d/login"
	out=$(make -s -C "$KUNCI_TOP" BUILD="$BUILD" PREFIX=/usr DESTDIR="$R" uninstall 2>&1); rc=$?
	t_check "uninstall refused while /etc/pam.d/sshd names pam_kunci" test "$rc" -ne 0
	t_grep "... saying which file" "not uninstalling: pam_kunci is still used by $R/etc/pam.d/sshd \(remove" <(printf '%s\n' "$out")
	t_check "... the module is still there" test -f "$R$MODULE"
	printf 'account required pam_unix.so\n' >"$R/etc/pam.d/sshd"
	t_check "uninstall once no stack names it (comments do not count)" \
	    make -s -C "$KUNCI_TOP" BUILD="$BUILD" PREFIX=/usr DESTDIR="$R" uninstall
	t_check "... the module is gone" test ! -e "$R$MODULE"
else
	t_fail "no $BUILD/kuncid or pam_kunci.so (make first)"
fi
t_done
