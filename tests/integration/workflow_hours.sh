#!/bin/bash
# Office hours (calendar.office_hours, on in the example configuration):
# a real request's deadline, as kuncid computes and stores it, follows the
# working hours and days.  kuncid runs under libfaketime (its wall clock
# moved to the moment of each case, the monotonic clock left alone);
# slapd and kuncictl run on the real clock, which deadlines do not use.
#  - Sunday 06:50 + 1bd: the end of Monday's working day (16:00);
#  - Friday 16:20 + 1bd: Monday 16:00 (the weekend skipped, Monday's
#    closing);
#  - Thursday 24 December after closing + 1bd: Monday 28th 16:00
#    (Christmas, a fixed holiday not in the example list, and the weekend).
. "$(dirname "$0")/workflow.inc"

FT=
for f in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
    /usr/lib/*/faketime/libfaketime.so.1; do
	[ -r "$f" ] && { FT=$f; break; }
done
[ -n "$FT" ] || t_skip "libfaketime not installed (apt-get install faketime)"

wf_setup
t_grep "the example configuration has office hours" \
    '^[[:space:]]*office_hours = \[ "mon-thu 07:30-16:00", "fri 07:30-16:30" \];' "$KUNCI_CONF"

# kd_at "YYYY-MM-DD HH:MM:SS": restart kuncid with its clock at that
# moment (Asia/Jakarta), running on from there
kd_at()
{
	local target off sock
	target=$(TZ=Asia/Jakarta date -d "$1" +%s)
	off=$((target - $(date +%s)))
	kd_stop
	sock=$(sed -n 's/^[[:space:]]*admin_socket = "\(.*\)";/\1/p' "$KUNCI_CONF")
	rm -f "$sock"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	LD_PRELOAD=$FT FAKETIME="$(printf '%+ds' "$off")" \
	    FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_NO_CACHE=1 \
	    "$KUNCID" -f -c "$KUNCI_CONF" -l "$W/log.sock" </dev/null \
	    >>"$W/kuncid.log" 2>&1 &
	echo $! >"$W/kuncid.pid"
	wait_for 100 test -S "$sock" || { t_fail "kuncid under faketime started" "$(tail -n 5 "$W/kuncid.log")"; return 1; }
	wait_for 100 directory_up
}

# hcase "SUBMITTED" "WANT" DESC: a request submitted at SUBMITTED (kuncid's
# clock) gets the deadline WANT ("YYYY-MM-DD HH:MM") for its 1bd first step
hcase()
{
	local id created dl
	kd_at "$1" || return
	id=$(submit jwijaya server-room:dc1)
	created=$(field "$id" created)
	t_eq "$3: submitted at kuncid's clock" "${1:0:10}T${1:11:5}" "${created:0:16}"
	t_eq "$3: the first step is 1bd" "superior 1bd" \
	    "$(field "$id" step) $(kc --json request show "$id" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["steps"][r["step_index"]]["sla"])' 2>/dev/null)"
	dl=$(field "$id" deadline)
	# to the minute: inside the hours it keeps the submission's seconds
	t_eq "$3: the deadline" "${2:0:10}T${2:11:5} +0700" "${dl:0:16} ${dl:19}"
	t_grep "$3: request show prints it" "(Due|Batas waktu): +$2\$" \
	    <(kc --lang en request show "$id")
}

hcase "2026-12-06 06:50:00" "2026-12-07 16:00" "Sunday 06:50"
hcase "2026-12-11 16:20:00" "2026-12-14 16:00" "Friday 16:20"
hcase "2026-12-11 09:15:00" "2026-12-14 09:15" "Friday 09:15"
hcase "2026-12-24 18:00:00" "2026-12-28 16:00" "Christmas Eve after closing"
hcase "2026-12-31 10:00:00" "2027-01-04 10:00" "New Year's Eve (1 Jan not listed)"

t_done
