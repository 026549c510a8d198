#!/bin/bash
# Notices reach a real Debian MTA over SMTP from a kuncid run the way
# kuncid.service runs it: an unprivileged user under no-new-privs (where
# exim's setuid sendmail could not queue anything).  The MTA is a private
# exim4 (Debian's exim4-daemon-light) with its own configuration, spool,
# log and mailbox in a temp dir, on a free loopback port; the system's
# exim4 is neither configured nor started.  It delivers into a mailbox
# file the test reads.  With the MTA down a notice waits in the outbox and
# kuncictl status says how many wait and why; with the MTA back it is
# delivered.  A 4xx reply is retried, a 5xx reply fails the notice for
# good.  A control character in a directory value never reaches a message.
# With mail = "sendmail" under no-new-privs kuncid says what is wrong.
. "$(dirname "$0")/provision.inc"

[ "$(id -u)" -eq 0 ] || t_skip "needs root (a private exim, kuncid as nobody)"
EXIM=/usr/sbin/exim4
[ -x "$EXIM" ] || t_skip "exim4 not installed (tests/install-deps adds exim4-daemon-light)"
command -v setpriv >/dev/null 2>&1 || t_skip "setpriv (util-linux) missing"
id nobody >/dev/null 2>&1 || t_skip "no user nobody"
id Debian-exim >/dev/null 2>&1 || t_skip "no user Debian-exim"

E=$(mktemp -d "${TMPDIR:-/tmp}/kunci-exim.XXXXXX")
chmod 755 "$E"
mkdir "$E/spool" "$E/log" "$E/mail"
chown Debian-exim:Debian-exim "$E/spool" "$E/log" "$E/mail"
MBOX=$E/mail/mbox
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# exim with -C runs as Debian-exim (it gives up root for a private
# configuration), so everything it writes is in $E.  Every recipient is
# delivered into one mailbox, but "later" is deferred (451) and "bounce"
# refused (550) at RCPT time.
cat >"$E/exim.conf" <<EOF
primary_hostname = mta.kunci.test
qualify_domain = kunci.test
spool_directory = $E/spool
log_file_path = $E/log/%slog
exim_user = Debian-exim
exim_group = Debian-exim
never_users =
local_interfaces = 127.0.0.1
tls_advertise_hosts =
keep_environment =
acl_smtp_rcpt = acl_rcpt
begin acl
acl_rcpt:
  defer local_parts = later
        message = try again later (kunci test)
  deny  local_parts = bounce
        message = no such user (kunci test)
  accept
begin routers
all:
  driver = accept
  transport = mbox
begin transports
mbox:
  driver = appendfile
  file = $MBOX
  user = Debian-exim
  group = Debian-exim
  envelope_to_add
  return_path_add
begin retry
* * F,1m,1m
EOF

listening() { ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q .; }

exim_start()
{
	local i
	(cd "$E" && "$EXIM" -C "$E/exim.conf" -bd -oX "$PORT" -oP "$E/exim.pid")
	for ((i = 0; i < 100; i++)); do
		listening && [ -s "$E/exim.pid" ] && return 0
		sleep 0.1
	done
	return 1
}

exim_stop()
{
	local i pid
	[ -s "$E/exim.pid" ] || return 0
	pid=$(cat "$E/exim.pid")
	kill "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || listening || break
		sleep 0.1
	done
	rm -f "$E/exim.pid"
	! listening
}

# The mailbox as messages: mbox_get HEADER-LINE... prints the first message
# whose header has all these lines; mbox_count HEADER-LINE... counts them.
mbox_py='
import sys
mode, path, want = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    text = open(path, encoding="utf-8", errors="replace").read()
except FileNotFoundError:
    text = ""
msgs, cur = [], None
for line in text.split("\n"):
    if line.startswith("From ") and (cur is None or cur[-1] == ""):
        cur = []
        msgs.append(cur)
    elif cur is not None:
        cur.append(line)
hits = []
for m in msgs:
    head = m[:m.index("")] if "" in m else m
    if all(w in head for w in want):
        hits.append("\n".join(m))
print(len(hits) if mode == "count" else (hits[0] if hits else ""))
'
mbox_count() { python3 -c "$mbox_py" count "$MBOX" "$@"; }
mbox_get() { python3 -c "$mbox_py" get "$MBOX" "$@"; }
# wait_mbox EVENT ADDR [REQUEST]: until such a message arrived (10 s)
wait_mbox()
{
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(mbox_count "X-Kunci-Event: $1" "To: $2" \
		    ${3:+"X-Kunci-Request: $3"})" -ge 1 ] && return 0
		sleep 0.1
	done
	return 1
}

# status_json KEY: one field of `status --json`'s outbox
status_json()
{
	kc --json status | python3 -c \
	    'import json,sys; print(json.load(sys.stdin)["outbox"][sys.argv[1]])' "$1"
}
outbox_n() { find "$W/state/outbox" -maxdepth 1 -type f | wc -l; }

# wait_for TENTHS CMD...: until CMD succeeds, bounded
wait_for()
{
	local i n=$1
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

t_check "a private exim listens on 127.0.0.1:$PORT" exim_start
trap 'exim_stop; rm -rf "$E"' EXIT

sed -e "s|^\([[:space:]]*mail[[:space:]]*=\).*|\1 \"smtp\";|" \
    -e "s|^\([[:space:]]*smtp_port[[:space:]]*=\).*|\1 $PORT;|" \
    -e "s|^\([[:space:]]*retry[[:space:]]*=\).*|\1 \"1s\";|" \
    -e "s|^\([[:space:]]*retry_max[[:space:]]*=\).*|\1 \"2s\";|" \
    "$KUNCI_TOP/conf/kunci.conf" >"$E/kunci.conf"
wf_setup --config "$E/kunci.conf"
trap 'wf_cleanup; exim_stop; rm -rf "$E"' EXIT

# --- kuncid as the unit runs it --------------------------------------------
# What it needs as its own user, the way a package gives it to _kunci.
kd_stop
sed -i 's|^\([[:space:]]*user = \).*|\1"nobody";|' "$W/kunci.conf"
chown -R nobody "$W/run" "$W/state"
for f in "$W/bind.pw" "$W/sign.key"; do
	[ -e "$f" ] && chown nobody "$f"
done
chmod 666 "$W/log.sock"
printf '#!/bin/sh\nexec setpriv --no-new-privs %s "$@"\n' "$BUILD/kuncid" \
    >"$E/kuncid-nnp"
chmod 755 "$E/kuncid-nnp"
KUNCID=$E/kuncid-nnp kd_start || t_done
pid=$(cat "$W/kuncid.pid")
t_eq "kuncid runs with no-new-privs" 1 \
    "$(awk '/^NoNewPrivs:/ { print $2 }' "/proc/$pid/status")"
t_eq "... as nobody" "$(id -u nobody)" "$(ps -o uid= -p "$pid" | tr -d ' ')"

# The shipped unit runs it that way and lets it reach loopback TCP.
U=$KUNCI_TOP/systemd/kuncid.service
t_check "the unit sets NoNewPrivileges=yes" grep -qx 'NoNewPrivileges=yes' "$U"
t_check "... allows AF_INET" grep -qE '^RestrictAddressFamilies=.*\bAF_INET\b' "$U"
t_check "... and neither isolates nor filters the network" \
    test -z "$(grep -E '^(PrivateNetwork=(yes|true)|IPAddressDeny=)' "$U")"

# --- a request walked; its notices in the mailbox --------------------------
DOOR=server-room:dc1
id1=$(submit lputri "$DOOR")
t_check "submitted ($id1)" test -n "$id1"
t_check "the submission notice reaches the mailbox" wait_mbox submit lputri@contoh.go.id "$id1"
m=$(mbox_get "X-Kunci-Event: submit" "X-Kunci-Request: $id1")
hdr() { printf '%s\n' "$m" | sed '/^$/q'; }
t_check "From: is notify.from" grep -qx 'From: kunci@localhost' <(hdr)
t_check "To: is the person's mail" grep -qx 'To: lputri@contoh.go.id' <(hdr)
t_check "the envelope sender is notify.from" grep -qx 'Return-path: <kunci@localhost>' <(hdr)
t_check "the envelope recipient is the person" grep -qx 'Envelope-to: lputri@contoh.go.id' <(hdr)
t_check "Subject: names the request" grep -qE "^Subject: \\[kunci\\] .*: $id1\$" <(hdr)
t_check "X-Kunci-Request: the request" grep -qx "X-Kunci-Request: $id1" <(hdr)
t_check "Content-Type: UTF-8 text" grep -qx 'Content-Type: text/plain; charset=UTF-8' <(hdr)
t_check "Message-ID: kunci's" grep -qE '^Message-ID: <[A-Za-z0-9._-]+@kunci>$' <(hdr)
t_check "Content-Language: Lina's (id)" grep -qx 'Content-Language: id' <(hdr)
t_check "received over SMTP from loopback" grep -q 'by mta.kunci.test with esmtp' <(hdr)
t_check "the body greets Lina" grep -qx 'Yth. Lina Putri,' <(printf '%s\n' "$m")
t_check "the superior is asked, by mail too" wait_mbox waiting tramadhan@contoh.go.id
walk_a "$id1" KA-0100
t_eq "the request walked to its end" active "$(field "$id1" state)"
t_check "the approval reaches the mailbox" wait_mbox approved lputri@contoh.go.id "$id1"
t_check "... and the provisioning notice" wait_mbox inform lputri@contoh.go.id "$id1"
t_check "the outbox empties" wait_for 100 test "$(outbox_n)" -eq 0
t_eq "each notice once" 1 "$(mbox_count "X-Kunci-Event: approved" "X-Kunci-Request: $id1")"
t_check "delivered messages are in outbox/sent" test -n "$(ls "$W/state/outbox/sent")"

# --- the MTA down: notices wait, status says why ---------------------------
t_check "the MTA stops" exim_stop
id2=$(submit lputri "$DOOR")
t_check "second request ($id2)" test -n "$id2"
refused() { kc status | grep -q "connection refused 127.0.0.1:$PORT"; }
t_check "status says why notices wait" wait_for 100 refused
# the submission's notice and the superior's: both queued, not yet sent
t_check "the notices wait in the outbox" \
    wait_for 100 eval '[ "$(outbox_n)" -ge 2 ]'
n=$(outbox_n)
kcr status
t_grep "status: how many wait ($n), and why" \
    "^Antrean: *$n menunggu: connection refused 127.0.0.1:$PORT\$" <(echo "$out")
t_grep "status: none given up yet" '^Gagal: *0 ' <(echo "$out")
t_eq "status --json: waiting" "$n" "$(status_json waiting)"
t_eq "status --json: reason" "connection refused 127.0.0.1:$PORT" "$(status_json reason)"
t_eq "status --json: failed" 0 "$(status_json failed)"
t_check "the log says so" grep -qF "delivering submit-$id2-lputri.mail failed (connection refused 127.0.0.1:$PORT)" "$W/kuncid.log"
retried() { grep -qE '^attempts [2-9]' "$W/state/outbox/submit-$id2-lputri.mail"; }
t_check "... and retries" wait_for 100 retried
t_eq "nothing of it reached the mailbox" 0 "$(mbox_count "X-Kunci-Request: $id2")"
t_check "the MTA is back" exim_start
t_check "the waiting notice is delivered" wait_mbox submit lputri@contoh.go.id "$id2"
t_check "... and the superior's" wait_mbox waiting tramadhan@contoh.go.id "$id2"
t_check "the outbox empties again" wait_for 100 eval '[ "$(outbox_n)" -eq 0 ]'
t_eq "status --json: nothing waits" 0 "$(status_json waiting)"
t_eq "status --json: no reason then" "" "$(status_json reason)"

# --- 4xx: retried; 5xx: failed for good ------------------------------------
setmail()
{
	lm >/dev/null <<EOF
dn: uid=$1,ou=people,$KUNCI_BASE
changetype: modify
replace: mail
mail: $2
EOF
}
setmail lputri later@contoh.go.id
id3=$(submit lputri "$DOOR")
f3=$W/state/outbox/submit-$id3-lputri.mail
deferred() { grep -q '^error .*refused RCPT TO: 451 ' "$f3" 2>/dev/null &&
    grep -qE '^attempts [2-9]' "$f3"; }
t_check "a 451 to RCPT TO is retried" wait_for 100 deferred
t_check "... with the server's reason" grep -qxF "error 127.0.0.1:$PORT refused RCPT TO: 451 try again later (kunci test)" "$f3"
t_eq "... and stays in the outbox" 0 "$(status_json failed)"
setmail lputri bounce@contoh.go.id
id4=$(submit lputri "$DOOR")
f4=submit-$id4-lputri.mail
gone() { [ -e "$W/state/outbox/failed/$f4" ]; }
t_check "a 550 to RCPT TO fails the notice at once" wait_for 100 gone
t_check "... out of the outbox" test ! -e "$W/state/outbox/$f4"
t_check "... logged with the reason" grep -qF "notify: $f4 failed for good: 127.0.0.1:$PORT refused RCPT TO: 550 no such user (kunci test)" "$W/kuncid.log"
t_eq "status --json: one given up" 1 "$(status_json failed)"
kcr status
t_grep "status: one given up" '^Gagal: *1 dibatalkan' <(echo "$out")

# --- control characters in a directory value ---------------------------------
# ESC and BEL in the name (a terminal escape for whoever reads the mail) and
# a line break (a forged header) never reach the message.
setmail lputri lputri@contoh.go.id
cn=$(printf 'Lina\033[31m Putri\007\r\nBcc: mallory@contoh.go.id' | base64 -w0)
lm >/dev/null <<EOF
dn: uid=lputri,ou=people,$KUNCI_BASE
changetype: modify
replace: cn
cn:: $cn
EOF
id5=$(submit lputri "$DOOR")
t_check "the notice with the odd name is delivered" wait_mbox submit lputri@contoh.go.id "$id5"
m=$(mbox_get "X-Kunci-Event: submit" "X-Kunci-Request: $id5")
t_check "it greets Lina, controls dropped" grep -qx 'Yth. Lina\[31m Putri  Bcc: mallory@contoh.go.id,' <(printf '%s\n' "$m")
t_eq "no ESC, BEL or CR in the message" 0 "$(printf '%s' "$m" | tr -cd '\033\007\r' | wc -c)"
t_eq "no Bcc: header line" 0 "$(printf '%s\n' "$m" | grep -c '^Bcc:')"
t_check "exim delivered to lputri" grep -qF "=> lputri <lputri@contoh.go.id> R=all T=mbox" "$E/log/mainlog"
t_eq "... and never mallory" 0 "$(grep -c mallory "$E/log/mainlog")"

# --- the sendmail method under no-new-privs ------------------------------------
# Told once in the log; a failing program's own words reach the status.
kd_stop
printf '#!/bin/sh\ncat >/dev/null\necho "cannot queue: no privilege" >&2\nexit 75\n' \
    >"$E/sendmail"
chmod 755 "$E/sendmail"
sed -i -e 's|^\([[:space:]]*mail[[:space:]]*=\).*|\1 "sendmail";|' \
    -e "s|^\([[:space:]]*sendmail[[:space:]]*=\).*|\1 \"$E/sendmail\";|" \
    "$W/kunci.conf"
KUNCID=$E/kuncid-nnp kd_start || t_done
id6=$(submit lputri "$DOOR")
t_check "submitted ($id6)" test -n "$id6"
warned() { grep -qF 'running with no-new-privs, where the setuid/setgid sendmail' "$W/kuncid.log"; }
t_check "kuncid warns that sendmail cannot work under no-new-privs" wait_for 100 warned
why6() { [ "$(status_json reason)" = "exit 75: cannot queue: no privilege" ]; }
t_check "status shows the program's own words" wait_for 100 why6
t_eq "... warned once" 1 "$(grep -cF 'running with no-new-privs' "$W/kuncid.log")"

t_done
