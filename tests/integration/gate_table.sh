#!/bin/bash
# gate_table.sh: the gate table (agent/gtab.h) that pam_kunci.so decides
# from, through the real libpam against a real kuncid and slapd:
#   - kuncid publishes it beside the query socket, private, with its note
#     FIFO; each table decision is audited exactly once (via=table);
#   - kuncid killed: the module fails closed at once, the table it left
#     behind is not used; kuncid stopped (SIGSTOP): decisions made while it
#     sleeps are audited when it wakes, and once the table goes stale the
#     module stops using it;
#   - a table that is not kuncid's (other owner, writable by others, a
#     second link, a directory others may write, stale, offline, garbage,
#     truncated) is ignored, and kuncid puts its own back within seconds;
#   - a table that cannot be written: the old one is withdrawn, the
#     socket answers, and the table returns when it can be written;
#   - the table truncated or removed by someone else: kuncid survives
#     (its stores into the truncated mapping are caught) and publishes a
#     new one; nothing is allowed wrongly meanwhile;
#   - an ordinary user's refused query-socket connections: one warning
#     per 10 s and a summary line, not one line each;
#   - the directory lost: the table is not used (kuncid's offline policy
#     answers);
#   - the note FIFO: ordinary users cannot write to it, and a garbage note
#     written by root is discarded without harm; a partial note does not
#     swallow the notes after it; a forged well-formed note (or one from
#     a planted old table) is recorded as login.mismatch, not as a login;
#   - the module's own record of every table decision (pam_syslog,
#     authpriv) carries the note id kuncid's record carries; when kuncid
#     is frozen and killed, the module's records of the decisions whose
#     notes died with it remain.
. "$(dirname "$0")/gate.inc"

gate_setup
pam_service kt "resource=host:test"
TAB=$(dirname "$KUNCI_QUERY_SOCKET")/gate.table
# the module's own pam_syslog() records (tests/tools/pamcheck.c)
export PAMCHECK_SYSLOG=$GT/syslog
: >"$PAMCHECK_SYSLOG"
NOTE=$(dirname "$KUNCI_QUERY_SOCKET")/gate.note
log=$SB/kuncid.log

grant_add T-001 hsantoso host:test active -3600 86400
grant_add T-002 asetiawan host:test active -3600 86400
t_check "kuncid syncs and allows" wait_result kt hsantoso PAM_SUCCESS 100
for _ in $(seq 50); do [ -s "$TAB" ] && break; sleep 0.1; done
t_check "the table is published beside the query socket" test -f "$TAB"
t_eq "the table is private to kuncid" "600 $ME" "$(stat -c '%a %U' "$TAB")"
t_check "the note FIFO is there" test -p "$NOTE"
t_eq "the note FIFO is private to kuncid" "600 $ME" "$(stat -c '%a %U' "$NOTE")"

# every table decision is audited exactly once
count() { grep -c "$1" "$log"; }
until_count()	# until_count PATTERN N: wait up to 3 s for N records
{
	local i
	for i in $(seq 30); do
		[ "$(count "$1")" -ge "$2" ] && break
		sleep 0.1
	done
	count "$1"
}
t_check "and asetiawan (the table holds both grants)" \
    wait_result kt asetiawan PAM_SUCCESS 50
before=$(until_count 'login.allow user=asetiawan .*via=table' 1)
: >"$PAMCHECK_SYSLOG"
for _ in $(seq 25); do pc kt asetiawan >/dev/null; done
t_eq "25 table decisions, 25 audit records" $((before + 25)) \
    "$(until_count 'login.allow user=asetiawan .*via=table' $((before + 25)))"
t_eq "and none through the socket" 0 "$(count 'login.allow user=asetiawan .*via=query')"
# the module's own record of each (pam_syslog, authpriv), matched to
# kuncid's by the note id both carry
t_eq "25 module records of their own, authpriv" 25 \
    "$(grep -c '^authpriv .*table decision: allow; user=asetiawan .*note=[0-9a-f]\{16\}$' "$PAMCHECK_SYSLOG")"
matched=0
for id in $(sed -n 's/.*table decision: allow; user=asetiawan .*note=\([0-9a-f]*\)$/\1/p' "$PAMCHECK_SYSLOG"); do
	# kuncid's record ends with the audit chain's fields (doc/audit.md)
	grep -q "login.allow user=asetiawan .*via=table note=$id host=" "$log" && matched=$((matched + 1))
done
t_eq "each matched by its note id to kuncid's record" 25 "$matched"

# an ordinary user hammering the query socket (issue 13: 439,402 warnings
# in 10 s from four users): 300 refused connections, one warning line now;
# the summary of the rest is checked at the end, after its 10 s window
flood=$(runuser -u nobody -- perl -MIO::Socket::UNIX -e '
	my $n = 0;
	for (1 .. 300) {
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or next;
		$n++;
		sysread($s, my $b, 1);	# kuncid closes without a word
	}
	print $n' "$KUNCI_QUERY_SOCKET")
t_eq "an ordinary user connected 300 times" 300 "$flood"
for _ in $(seq 30); do grep -q 'query socket: refused uid' "$log" && break; sleep 0.1; done
t_eq "... and was refused with one warning line, not 300" 1 \
    "$(grep -c 'query socket: refused uid' "$log")"
flood_at=$SECONDS

# kuncid stopped by SIGSTOP: decisions made from the still-live table are
# queued in the FIFO and audited when it resumes
kpid=$(cat "$SB/kuncid.pid")
before=$(count 'login.allow user=hsantoso .*via=table')
kill -STOP "$kpid"
ok=0
for _ in 1 2 3 4 5; do [ "$(pc kt hsantoso)" = PAM_SUCCESS ] && ok=$((ok + 1)); done
kill -CONT "$kpid"
t_eq "kuncid asleep: decisions from the live table" 5 "$ok"
t_wait_eq "kuncid awake: all 5 audited" $((before + 5)) 50 \
    count 'login.allow user=hsantoso .*via=table'
# asleep past live_until (GTAB_LIVE = 5 s): each try is a table decision
# until the table goes stale, then the socket times out (2 s)
kill -STOP "$kpid"
t_check "kuncid asleep longer: stale table not used, socket times out" \
    wait_result kt hsantoso PAM_AUTHINFO_UNAVAIL 100
kill -CONT "$kpid"
t_check "kuncid awake again: allowed" wait_result kt hsantoso PAM_SUCCESS 50

# a table that is not kuncid's is ignored.  Keep a copy that still allows
# asetiawan, then revoke the grant.  kuncid is held (SIGSTOP) while the
# copies are planted, so it cannot put its own table back in between: a
# planted table that is used allows (PAM_SUCCESS, its note waits in the
# FIFO); one that is ignored sends the module to the socket, where the
# sleeping kuncid does not answer (PAM_AUTHINFO_UNAVAIL).
cp -p "$TAB" "$GT/allows.table"
ino=$(stat -c %i "$TAB")
grant_set T-002 kunciStatus revoked
t_check "revoked: denied" wait_result kt asetiawan PAM_PERM_DENIED 50
t_eq "the revocation was patched into the published table, no rebuild" \
    "$ino" "$(stat -c %i "$TAB")"
grant_add T-003 rwulandari host:test active -3600 86400
t_check "a new grant allows after a rebuild" wait_result kt rwulandari PAM_SUCCESS 50
t_check "which published a new file" test "$ino" != "$(stat -c %i "$TAB")"
pam_service fast "resource=host:test timeout=300"
# make a copy live: flags, live_until = now + secs (gtab_hdr offsets 28, 32)
make_live()
{
	perl -e 'open(F, "+<", $ARGV[0]) or die; binmode F; seek(F, 28, 0);
	    print F pack("L<q<", $ARGV[1], time + $ARGV[2]); close F' "$1" "${2:-1}" "${3:-20}"
}
variant()	# variant NAME [FLAGS SECS]: $GT/NAME.table, a live copy
{
	cp -p "$GT/allows.table" "$GT/$1.table"
	make_live "$GT/$1.table" "${2:-1}" "${3:-20}"
}
plant()		# plant NAME: install $GT/NAME.table as the table
{
	cp -p "$GT/$1.table" "$TAB.new" && mv -f "$TAB.new" "$TAB"
}
ignored()	# ignored LABEL: the planted table must not decide
{
	local r
	r=$(pc fast asetiawan)
	if [ "$r" = PAM_AUTHINFO_UNAVAIL ]; then
		t_ok "$1: ignored"
	else
		t_fail "$1: got $r"
	fi
}
variant trusted
variant foreign; chown nobody "$GT/foreign.table"
variant open; chmod 0622 "$GT/open.table"
variant stale 1 -1
variant offline 0 20
head -c "$(stat -c %s "$GT/allows.table")" /dev/urandom >"$GT/garbage.table"
chmod 600 "$GT/garbage.table"
variant short; truncate -s 200 "$GT/short.table"
before=$(count 'login.allow user=asetiawan .*via=table')
kill -STOP "$kpid"
plant trusted
t_eq "control: a live copy of kuncid's old table is used" PAM_SUCCESS "$(pc fast asetiawan)"
plant foreign
ignored "table owned by another user"
plant open
ignored "table writable by others"
plant trusted
ln "$TAB" "$GT/second-link"
ignored "table with a second link"
rm -f "$GT/second-link"
chmod 0777 "$(dirname "$TAB")"
ignored "directory writable by others"
chmod 0755 "$(dirname "$TAB")"
plant stale
ignored "stale table (live_until passed)"
plant offline
ignored "table of an offline kuncid"
plant garbage
ignored "garbage table"
plant short
ignored "truncated table"
kill -CONT "$kpid"
# the control allowed asetiawan from a copy made before the revocation:
# kuncid, deciding its note again, records it as a mismatch
t_eq "the control's decision was recorded when kuncid woke, as a mismatch" 1 \
    "$(until_count 'login.mismatch user=asetiawan .*decision=allow .*kuncid_decision=deny' 1)"
t_eq "... not as a login" "$before" "$(count 'login.allow user=asetiawan .*via=table')"
# kuncid notices within a second that the file is not its own
for _ in $(seq 30); do
	[ "$(stat -c %s "$TAB")" != 200 ] && break
	sleep 0.1
done
t_check "kuncid puts its own table back" test "$(stat -c %s "$TAB")" != 200
t_eq "which denies the revoked grant" PAM_PERM_DENIED "$(pc kt asetiawan)"
before=$(count 'login.allow user=hsantoso .*via=table')
pc kt hsantoso >/dev/null
t_wait_eq "and the module uses it again" $((before + 1)) 50 \
    count 'login.allow user=hsantoso .*via=table'

# a rebuild that cannot be written (the directory made immutable, as a
# full /run would do): kuncid withdraws the old table, which lacks the new
# grant, and the socket answers until it can publish again
if chattr +i "$(dirname "$TAB")" 2>/dev/null; then
	trap 'chattr -i "$(dirname "$TAB")" 2>/dev/null; gate_cleanup' EXIT
	grant_add T-004 bkurniawan host:test active -3600 86400
	# within 2 s: the old table would stay live for up to 5 s
	t_check "table not writable: the new grant allows all the same" \
	    wait_result kt bkurniawan PAM_SUCCESS 20
	t_wait_grep "... through the socket" 'login.allow user=bkurniawan .*via=query' "$log"
	t_wait_grep "kuncid says the table is not published" 'gate table: not published' "$log"
	chattr -i "$(dirname "$TAB")"
	before=$(count 'login.allow user=bkurniawan .*via=table')
	for _ in $(seq 30); do
		pc kt bkurniawan >/dev/null
		[ "$(count 'login.allow user=bkurniawan .*via=table')" != "$before" ] && break
		sleep 0.1
	done
	t_check "writable again: published, the module uses it" \
	    test "$(count 'login.allow user=bkurniawan .*via=table')" != "$before"
else
	echo "# chattr +i unsupported on this file system: publish failure not exercised"
fi

# the note FIFO: an ordinary user cannot write to it; root's garbage is
# discarded and the next note still counts
if setpriv --reuid=nobody --regid=nogroup --clear-groups \
    sh -c "echo forged >'$NOTE'" 2>/dev/null; then
	t_fail "an ordinary user wrote to the note FIFO"
else
	t_ok "an ordinary user cannot write to the note FIFO"
fi
printf 'garbage that is no frame at all\n' >"$NOTE"
t_wait_grep "a garbage note is discarded with a warning" 'note fifo: malformed note' "$log"
before=$(count 'login.allow user=hsantoso .*via=table')
pc kt hsantoso >/dev/null
t_wait_eq "the next note is audited" $((before + 1)) 50 \
    count 'login.allow user=hsantoso .*via=table'

# the table truncated or removed by someone else (root): kuncid, which
# writes into its mapping every second, must survive (it died of SIGBUS
# before), publish a new file, and no login may be allowed wrongly meanwhile
kpid=$(cat "$SB/kuncid.pid")
newfile()	# newfile INODE: wait up to 3 s for a table with another inode
{
	local i
	for i in $(seq 30); do
		[ -s "$TAB" ] && [ "$(stat -c %i "$TAB" 2>/dev/null)" != "$1" ] &&
		    return 0
		sleep 0.1
	done
	return 1
}
ino=$(stat -c %i "$TAB")
: >"$TAB"
t_eq "truncated table: the module asks the socket" PAM_SUCCESS "$(pc kt hsantoso)"
t_check "truncated: kuncid publishes a new table" newfile "$ino"
t_check "truncated: kuncid is still running" kill -0 "$kpid"
t_grep "truncated: kuncid says so" 'was truncated by someone else' "$log"
t_eq "the revoked grant is still denied" PAM_PERM_DENIED "$(pc kt asetiawan)"
before=$(count 'login.allow user=hsantoso .*via=table')
pc kt hsantoso >/dev/null
t_eq "truncated: the new table is used" $((before + 1)) \
    "$(until_count 'login.allow user=hsantoso .*via=table' $((before + 1)))"
# truncated, then a suspension patched into the (now faulting) mapping
ino=$(stat -c %i "$TAB")
: >"$TAB"
grant_set T-001 kunciStatus suspended
t_check "truncated, then suspended: denied" wait_result kt hsantoso PAM_PERM_DENIED 50
t_check "... kuncid publishes a new table" newfile "$ino"
t_check "... and is still running" kill -0 "$kpid"
t_eq "... which denies too" PAM_PERM_DENIED "$(pc kt hsantoso)"
grant_set T-001 kunciStatus active
t_check "reactivated: allowed" wait_result kt hsantoso PAM_SUCCESS 50
ino=$(stat -c %i "$TAB")
rm -f "$TAB"
t_check "removed: kuncid publishes a new table" newfile "$ino"
t_check "removed: kuncid is still running" kill -0 "$kpid"
before=$(count 'login.allow user=hsantoso .*via=table')
pc kt hsantoso >/dev/null
t_eq "removed: the new table is used" $((before + 1)) \
    "$(until_count 'login.allow user=hsantoso .*via=table' $((before + 1)))"

# the refused connections' summary, once their 10 s window is over
for _ in $(seq 150); do
	grep -q 'query socket: refused [0-9]* more connections' "$log" && break
	sleep 0.1
done
t_grep "the other 299 refusals are summarised in one line" \
    'query socket: refused 299 more connections' "$log"
t_eq "... with no other warning line about them" 1 \
    "$(grep -c 'query socket: refused uid' "$log")"
echo "# summary seen $((SECONDS - flood_at)) s after the flood"

# notes that cannot complete: a partial note written by root (a header
# promising 3,000 bytes) must not swallow the real notes after it
printf '\177KNT\0\0\0\001\0\0\0\005\0\0\013\270partial' >"$NOTE"
before=$(count 'login.allow user=hsantoso .*via=table')
pc kt hsantoso >/dev/null
pc kt hsantoso >/dev/null
t_eq "a partial note: the two notes after it are audited" $((before + 2)) \
    "$(until_count 'login.allow user=hsantoso .*via=table' $((before + 2)))"
# a well-formed note forged by root: an allow for asetiawan, whose grant
# is revoked.  kuncid decides again and records a mismatch, not a login.
before=$(count 'login.allow user=asetiawan .*via=table')
perl -e 'sub str { pack("N", length $_[0]) . $_[0] }
	my $p = join("", map { str($_) } "asetiawan", "kt", "192.0.2.9", "",
	    "", "host:test") . pack("N", 1) . str("host:test") . str("T-002") .
	    str("active grant") . str("00000000deadbeef") . pack("N", time);
	print "\x7fKNT" . pack("NNN", 1, 5, length $p) . $p' >"$NOTE"
t_eq "a forged note is recorded as a mismatch" 1 \
    "$(until_count 'login.mismatch user=asetiawan .*decision=allow .*kuncid_decision=deny .*note=00000000deadbeef' 1)"
t_eq "... and not as a login" "$before" "$(count 'login.allow user=asetiawan .*via=table')"

# kuncid frozen, then killed: the notes of the decisions made meanwhile
# die with it, but the module's own records of them remain
kpid=$(cat "$SB/kuncid.pid")
: >"$PAMCHECK_SYSLOG"
kill -STOP "$kpid"
ok=0
for _ in 1 2 3; do [ "$(pc kt hsantoso)" = PAM_SUCCESS ] && ok=$((ok + 1)); done
kill -KILL "$kpid"
kill -CONT "$kpid" 2>/dev/null
t_eq "kuncid frozen: 3 decisions from the table" 3 "$ok"
ids=$(sed -n 's/.*table decision: allow; user=hsantoso .*note=\([0-9a-f]*\)$/\1/p' "$PAMCHECK_SYSLOG")
t_eq "kuncid killed: the module recorded all 3" 3 "$(echo "$ids" | grep -c .)"
lost=0
for id in $ids; do grep -q "note=$id" "$log" || lost=$((lost + 1)); done
t_eq "... which kuncid never did" 3 "$lost"
"$KUNCI_TOP/tests/sandbox" kuncid-start "$SB" >/dev/null
t_check "kuncid restarted: allowed" wait_result kt hsantoso PAM_SUCCESS 100
for _ in $(seq 50); do [ -s "$TAB" ] && break; sleep 0.1; done

# the directory lost: the table is withdrawn from use (offline flag) and
# kuncid's offline policy answers
"$KUNCI_TOP/tests/sandbox" slapd-stop "$SB" >/dev/null 2>&1
t_wait_grep "kuncid notices the directory is lost" 'sync: directory lost' "$log"
t_eq "directory lost: still allowed (offline=cache)" PAM_SUCCESS "$(pc kt hsantoso)"
t_wait_grep "directory lost: kuncid decided, from its cache" \
    'login.allow user=hsantoso .*offline cache.*via=query' "$log"

# kuncid killed: its table stays behind, live for a few seconds, but the
# note FIFO has no reader, so the module fails closed at once
kpid=$(cat "$SB/kuncid.pid")
kill -KILL "$kpid"
wait_for 50 eval '! kill -0 "$kpid" 2>/dev/null'
t_check "kuncid killed: the table is left behind" test -f "$TAB"
t_eq "kuncid killed: fails closed at once" PAM_AUTHINFO_UNAVAIL "$(pc kt hsantoso)"

t_done
