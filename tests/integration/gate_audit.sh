#!/bin/bash
# gate_audit.sh: kuncid's audit records when the syslog receiver stalls
# (issue 13, item 3), with a real kuncid, slapd and libpam.  kuncid is
# restarted with -l pointing at a datagram socket this test binds and does
# not read (a stalled syslog daemon):
#   - query-socket logins keep being answered (before, every thread that
#     logged blocked in sendto() and the logins timed out, fail closed);
#   - kuncictl status answers and shows the records waiting;
#   - once the audit queue is full, a login that would be allowed is
#     refused (no login without its record), and the loss is counted;
#   - when the receiver reads again, the queue drains and logins are
#     allowed again; every allowed login's record reached the receiver.
. "$(dirname "$0")/gate.inc"

gate_setup
pam_service kq "resource=host:test no_table"
grant_add T-001 hsantoso host:test active -3600 86400
t_check "kuncid syncs and allows" wait_result kq hsantoso PAM_SUCCESS 100

# the stalled receiver: binds, then reads nothing until SIGUSR1
RCV=$GT/log.sock
OUT=$GT/syslog.out
perl -MIO::Socket::UNIX -MSocket -e '
	my $go = 0;
	$SIG{USR1} = sub { $go = 1 };
	my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $ARGV[0])
	    or die "bind: $!";
	open(my $f, ">", $ARGV[1]) or die;
	$f->autoflush(1);
	sleep 1 until $go;
	while (defined $s->recv(my $b, 8192)) { print $f "$b\n" }' \
    "$RCV" "$OUT" &
rpid=$!
trap 'kill "$rpid" 2>/dev/null; gate_cleanup' EXIT
for _ in $(seq 50); do [ -S "$RCV" ] && break; sleep 0.1; done
t_check "the stalled receiver is bound" test -S "$RCV"

"$KUNCI_TOP/tests/sandbox" kuncid-stop "$SB" >/dev/null
"$KUNCID" -f -l "$RCV" -c "$SB/kunci.conf" </dev/null >>"$SB/kuncid.log" 2>&1 &
echo $! >"$SB/kuncid.pid"
t_check "kuncid restarted, logging to the stalled receiver" \
    wait_result kq hsantoso PAM_SUCCESS 100
allowed=1

status()	# status KEY: a number from kuncictl --json status
{
	"$BUILD/kuncictl" -s "$KUNCI_SOCKET" --json status |
	    sed -n "s/.*\"$1\": \\([0-9]*\\).*/\\1/p"
}

# the receiver holds net.unix.max_dgram_qlen records; the rest queue
ok=0
for _ in $(seq 40); do
	[ "$(pc kq hsantoso)" = PAM_SUCCESS ] && ok=$((ok + 1))
done
allowed=$((allowed + ok))
t_eq "receiver stalled: 40 logins still answered and allowed" 40 "$ok"
q=$(status audit_queued)
t_check "kuncictl status answers and shows records waiting ($q)" test "${q:-0}" -gt 0
t_eq "none lost yet" 0 "$(status audit_lost)"

# 4,200 more queries (raw, over the query socket as root): past the queue
# (LOG_AUDIT_QMAX = 4096) the records cannot be queued, so the logins
# that would be allowed are answered "unavailable"
read -r a u < <(perl -MIO::Socket::UNIX -e '
	sub str { pack("N", length $_[0]) . $_[0] }
	my ($allow, $unavail) = (0, 0);
	my $p = join("", map { str($_) } "hsantoso", "kq", "192.0.2.7", "",
	    "", "host:test");
	for (1 .. 4200) {
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or next;
		print $s pack("NNN", 1, 1, length $p) . $p;
		my $h = "";
		read($s, $h, 16) == 16 or next;
		my $d = unpack("N", substr($h, 12, 4));
		$allow++ if $d == 1;
		$unavail++ if $d == 5;
	}
	print "$allow $unavail\n"' "$KUNCI_QUERY_SOCKET")
allowed=$((allowed + a))
t_check "most of the 4,200 were allowed while the queue had room ($a)" test "$a" -gt 4000
t_check "the rest were refused, not allowed unrecorded ($u)" test "$u" -gt 0
t_eq "allowed + refused = 4,200" 4200 $((a + u))
t_eq "the queue is full: a login is refused" PAM_AUTHINFO_UNAVAIL "$(pc kq hsantoso)"
lost=$(status audit_lost)
t_check "kuncictl status counts the lost records ($lost)" test "${lost:-0}" -ge "$u"

# the receiver reads again: the queue drains, logins are allowed again
kill -USR1 "$rpid"
for _ in $(seq 100); do [ "$(status audit_queued)" = 0 ] && break; sleep 0.1; done
t_eq "receiver back: the queue drains" 0 "$(status audit_queued)"
t_check "logins are allowed again" wait_result kq hsantoso PAM_SUCCESS 50
allowed=$((allowed + 1))
n=0
for _ in $(seq 50); do
	n=$(grep -c 'event=login.allow user=hsantoso .*via=query' "$OUT")
	[ "$n" -ge "$allowed" ] && break
	sleep 0.1
done
t_eq "every allowed login's record reached the receiver" "$allowed" "$n"
t_done
