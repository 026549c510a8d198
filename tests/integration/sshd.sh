#!/bin/bash
# sshd.sh: end to end through a real OpenSSH sshd (Debian's openssh-server)
# started by this test on a free loopback port with UsePAM yes.  sshd names
# its PAM service after the name it is run as, so it runs through a symlink
# with a unique name, and the matching /etc/pam.d/<name> (the shipped
# control line, pam_kunci from the build) is created here and removed on
# exit.  A throwaway local user logs in with a key: refused without a
# grant, let in with one, refused again after revocation.  Needs root.
# asan: skip
. "$(dirname "$0")/gate.inc"

[ "$(id -u)" = 0 ] || t_skip "needs root (local user, /etc/pam.d file)"
t_system_lock
[ -x /usr/sbin/sshd ] || t_skip "openssh-server not installed"
command -v ssh >/dev/null && command -v ssh-keygen >/dev/null ||
    t_skip "openssh-client not installed"

NAME=kunci-sshd-t$$
TUSER=kgt$$			# an invented throwaway account
PAMFILE=/etc/pam.d/$NAME
MADE_RUNDIR=0

ssh_cleanup()
{
	[ -s "$GT/sshd.pid" ] && kill "$(cat "$GT/sshd.pid")" 2>/dev/null
	rm -f "$PAMFILE"
	id "$TUSER" >/dev/null 2>&1 && userdel -r "$TUSER" >/dev/null 2>&1
	[ "$MADE_RUNDIR" = 1 ] && rmdir /run/sshd 2>/dev/null
	gate_cleanup
}

gate_setup
trap ssh_cleanup EXIT

[ -e "$PAMFILE" ] && t_skip "$PAMFILE exists"
useradd -m -s /bin/sh "$TUSER" || t_skip "useradd failed"
uid=$(id -u "$TUSER")
if [ ! -d /run/sshd ]; then
	mkdir -m 0755 /run/sshd && MADE_RUNDIR=1
fi

# the person in the directory
la >/dev/null <<EOT
dn: uid=$TUSER,ou=people,$KUNCI_BASE
objectClass: inetOrgPerson
uid: $TUSER
cn: Uji Gerbang
sn: Gerbang
EOT

# keys
ssh-keygen -q -t ed25519 -N '' -f "$GT/hostkey" || t_fail "host key"
ssh-keygen -q -t ed25519 -N '' -f "$GT/userkey" || t_fail "user key"
mkdir -p "$GT/ak"
cp "$GT/userkey.pub" "$GT/ak/$TUSER"
chmod 644 "$GT/ak/$TUSER"

# the PAM service sshd will read: the shipped control line, resource fixed
{
	echo "auth required pam_permit.so"
	sed -n 's|^account \(.*\) pam_kunci.so \(.*\)$|account \1 '"$PAM_KUNCI"' \2 socket='"$KUNCI_QUERY_SOCKET"' agent_user='"$ME"' resource=host:sshtest|p' \
	    "$KUNCI_TOP/conf/pam.d/kunci-account"
	echo "account required pam_permit.so"
	echo "session required pam_permit.so"
} >"$PAMFILE"
grep -q pam_kunci "$PAMFILE" || t_fail "PAM file lacks pam_kunci: $(cat "$PAMFILE")"

port=
for _ in $(seq 50); do
	p=$((30000 + RANDOM % 30000))
	[ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] && { port=$p; break; }
done
[ -n "$port" ] || t_skip "no free port"
cat >"$GT/sshd_config" <<EOT
Port $port
ListenAddress 127.0.0.1
HostKey $GT/hostkey
PidFile $GT/sshd.pid
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AuthorizedKeysFile $GT/ak/%u
StrictModes no
LogLevel VERBOSE
EOT
ln -s /usr/sbin/sshd "$GT/$NAME"
"$GT/$NAME" -t -f "$GT/sshd_config" || t_fail "sshd -t"
"$GT/$NAME" -f "$GT/sshd_config" -E "$GT/sshd.log" || t_fail "sshd start"
for _ in $(seq 50); do
	[ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ] && break
	sleep 0.1
done

try_ssh()
{
	timeout 20 ssh -F none -i "$GT/userkey" -p "$port" \
	    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	    -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR \
	    "$TUSER@127.0.0.1" echo kunci-ok 2>>"$GT/ssh.err"
}

t_check "throwaway user has uid >= 1000 (gated)" test "$uid" -ge 1000
out=$(try_ssh)
t_eq "ssh without a grant fails" "" "$out"
t_grep "sshd ran the account phase through pam_kunci" 'kunci|PAM|account' "$GT/sshd.log"

grant_add S-001 "$TUSER" host:sshtest active -60 3600
wait_result_gq()
{
	for _ in $(seq 50); do
		[ "$(gq "$TUSER" "$NAME" host:sshtest | head -n1 | cut -d' ' -f1)" = allow ] && return 0
		sleep 0.1
	done
	return 1
}
wait_result_gq || t_fail "grant never reached the index"
t_eq "ssh with a grant succeeds" kunci-ok "$(try_ssh)"
t_wait_grep "audit: the login allowed via sshd" "login.allow user=$TUSER service=$NAME rhost=127.0.0.1" "$SB/kuncid.log"

grant_set S-001 kunciStatus revoked
gq_denies() { [ "$(gq "$TUSER" "$NAME" host:sshtest | head -n1 | cut -d' ' -f1)" = deny ]; }
t_check "the revocation reached kuncid" wait_for 50 gq_denies
t_eq "ssh after revocation fails" "" "$(try_ssh)"

t_done
