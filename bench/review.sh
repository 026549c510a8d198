#!/bin/bash
# bench/review.sh: a review campaign (kuncictl review start) over N grants
# (BENCH_REVIEW_SIZES, default "10000 100000") in a private sandbox.
# Grants (bench/gengrants.py: N/10 people, at least 2,000) are loaded
# with slapadd while slapd is stopped, into a map raised to 16 GiB
# (BENCH_MAPSIZE); each grant names a (missing) request so the
# self-approval search runs on every page, and the shipped incompatible
# pair is checked.  Prints the campaign's wall time and time per grant,
# slapd's and kuncid's CPU time during it, the number of finding lines
# written (in pages of 500, doc/review.md "Storage"), and
# kuncid's peak resident memory before and after the campaign (VmHWM):
# the campaign's own memory is the difference, which must not grow with N.
# Then doc review, the enforce dry run and 60 s of the real run, with
# kuncid's peak during each.
set -eu
# CPU seconds (user + system) a process has used
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
export KUNCID=$BUILD/kuncid LDAPNOINIT=1
SIZES=${BENCH_REVIEW_SIZES:-10000 100000}
OUT=${BENCH_OUT:-$BUILD/bench/review.txt}
mkdir -p "$(dirname "$OUT")"
for n in $SIZES; do
	W=$(mktemp -d /tmp/kunci-rbench.XXXXXX)
	chmod 755 "$W"
	trap '"$top/tests/sandbox" stop "$W" >/dev/null 2>&1 || :; rm -rf "$W"' EXIT
	eval "$("$top/tests/sandbox" start "$W")"
	"$top/tests/sandbox" kuncid-stop "$W" >/dev/null
	# a million grants needs more than the sandbox's 1 GiB map
	printf 'dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nreplace: olcDbMaxSize\nolcDbMaxSize: %s\n' \
	    "${BENCH_MAPSIZE:-17179869184}" | ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null
	"$top/tests/sandbox" slapd-stop "$W" >/dev/null
	# the deadline policy measured below: remove-on-silence
	sed -i 's/^\( *on_silence = \)"escalate";/\1"remove";/' "$W/kunci.conf"
	# BENCH_SCHEDULER=local: the campaign alone, without the scheduler's
	# jobs (at a million grants its allow-list search times out every few
	# seconds and costs slapd a fifth of a core meanwhile)
	[ -n "${BENCH_SCHEDULER:-}" ] &&
	    sed -i "s/^\( *scheduler = \)\"all\";/\1\"$BENCH_SCHEDULER\";/" "$W/kunci.conf"
	python3 "$top/bench/gengrants.py" "$n" "$KUNCI_BASE" >"$W/bench.ldif"
	t0=$(date +%s.%N)
	slapadd -q -w -F "$W/slapd.d" -b "$KUNCI_BASE" -l "$W/bench.ldif" >/dev/null 2>&1
	t1=$(date +%s.%N)
	"$top/tests/sandbox" slapd-start "$W" >/dev/null
	if [ -n "${BENCH_NOSYNC:-}" ]; then printf "dn: olcDatabase={1}mdb,cn=config\nchangetype: modify\nreplace: olcDbNoSync\nolcDbNoSync: TRUE\n" | ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null; fi
	sync=on; [ -n "${BENCH_NOSYNC:-}" ] && sync=off
	"$top/tests/sandbox" kuncid-start "$W" >/dev/null
	pid=$(cat "$W/kuncid.pid")
	# until kuncid has read the grants (its CPU quiet for 2 s)
	sleep 2
	while a=$(cpu "$pid") && sleep 2 && [ "$(echo "$(cpu "$pid") - $a > 0.1" | bc)" = 1 ]; do :; done
	hwm0=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$pid/status)
	spid=$(cat "$W/slapd.pid")
	c0=$(cpu "$spid") k0=$(cpu "$pid")
	t2=$(date +%s.%N)
	# kuncictl gives up after 60 s, the campaign goes on: the end is when
	# the campaign entry says "open"
	"$BUILD/kuncictl" --lang en review start --period bench-1 >"$W/start.out" 2>&1 &
	cdn="kunciId=bench-1,ou=reviews,ou=kunci,$KUNCI_BASE"
	until ldapsearch -Q -Y EXTERNAL -H "$LDAPI_URI" -LLL -b "$cdn" -s base \
	    '(kunciState=open)' dn 2>/dev/null | grep -q '^dn:'; do
		sleep 0.1
	done
	t3=$(date +%s.%N)
	wait $! || :
	r=$(cat "$W/start.out")
	c1=$(cpu "$spid") k1=$(cpu "$pid")
	hwm1=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$pid/status)
	nf=$(ldapsearch -Q -Y EXTERNAL -H "$LDAPI_URI" -LLL -E pr=1000/noprompt \
	    -b "kunciId=bench-1,ou=reviews,ou=kunci,$KUNCI_BASE" -s one \
	    '(&(objectClass=kunciReviewFinding)(kunciId=page-*))' kunciFinding |
	    grep -c '^kunciFinding:')
	t4=$(date +%s.%N)
	r2=$("$BUILD/kuncictl" --lang en review start --period bench-1)
	t5=$(date +%s.%N)
	# BENCH_REVIEW_QUICK: the campaign's figures only (no report, form,
	# deadline run)
	if [ -z "${BENCH_REVIEW_QUICK:-}" ]; then
	# review report (issue 18): the first page as CSV, then every page
	# (--limit 10000) as JSON, following next_offset; kuncid's VmHWM after
	h2=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$pid/status)
	t6=$(date +%s.%N)
	"$BUILD/kuncictl" --lang en review report bench-1 --format csv >"$W/rep.csv" 2>&1 || :
	t7=$(date +%s.%N)
	h3=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$pid/status)
	off=0 rows=0 pages=0
	while [ "$off" != None ] && [ $pages -lt 1000 ]; do
		"$BUILD/kuncictl" --json review report bench-1 --limit 10000 --offset "$off" >"$W/rep.json" 2>&1 || break
		set -- $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["next_offset"], len(d["rows"]))' "$W/rep.json")
		off=$1 rows=$((rows + $2)) pages=$((pages + 1))
	done
	t8=$(date +%s.%N)
	h4=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$pid/status)
	printf 'report grants=%d csv_first_page=%.2fs csv_lines=%d all_pages=%d rows=%d time=%.1fs kuncid_hwm_before=%s after_csv=%s after_all=%s load=%s\n' \
	    "$n" "$(echo "$t7 - $t6" | bc)" "$(wc -l <"$W/rep.csv")" "$pages" "$rows" \
	    "$(echo "$t8 - $t7" | bc)" "$h2" "$h3" "$h4" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
	# doc review (the review form, issue 18) as CSV, then the deadline
	# policy: the plan (--dry-run, which records the preview), and 60 s of
	# the real run (the scheduler's, once the grace is pushed back), with
	# kuncid's peak during each (VmHWM, reset before it through
	# /proc/PID/clear_refs) and the grants revoked in those 60 s
	ldm() { ldapmodify -Q -Y EXTERNAL -H "$LDAPI_URI" >/dev/null; }
	# (the reset brings VmHWM down to the RSS then: printed as base_*)
	hwm_reset() { echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || :; sed -n 's/^VmRSS:[[:space:]]*//p' /proc/$pid/status; }
	b5=$(hwm_reset)
	t9=$(date +%s.%N)
	"$BUILD/kuncictl" --lang en doc review bench-1 --format csv >"$W/form.csv" 2>&1 || :
	t10=$(date +%s.%N)
	h5=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$pid/status)
	printf 'dn: %s\nchangetype: modify\nreplace: kunciDeadline\nkunciDeadline: 20000101000000Z\n' "$cdn" | ldm
	b6=$(hwm_reset)
	"$BUILD/kuncictl" --lang en review enforce bench-1 --dry-run >"$W/dry.out" 2>&1 || :
	t11=$(date +%s.%N)
	h6=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$pid/status)
	b7=$(hwm_reset)
	printf 'dn: kunciId=preview,%s\nchangetype: modify\nreplace: kunciTime\nkunciTime: 20000101000000Z\n' "$cdn" | ldm
	sleep 60
	h7=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$pid/status)
	nrm=$(grep -c "event=review.remove campaign=bench-1 " "$W/kuncid.log" || :)
	printf 'deadline grants=%d doc_review=%.2fs form_lines=%d form_head=%s dry_run=%.2fs dry_lines=%d dry_tail=%s real_run_60s_removed=%d kuncid_hwm_during_form=%s during_dry=%s during_60s_real=%s base_form=%s base_dry=%s base_real=%s load=%s\n' \
	    "$n" "$(echo "$t10 - $t9" | bc)" "$(wc -l <"$W/form.csv")" \
	    "$(head -c 60 "$W/form.csv" | tr '\n ' '|_')" "$(echo "$t11 - $t10" | bc)" \
	    "$(wc -l <"$W/dry.out")" "$(tail -n 1 "$W/dry.out" | head -c 80 | tr ' ' '_')" \
	    "$nrm" "$h5" "$h6" "$h7" "$b5" "$b6" "$b7" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT"
	fi
	{
		printf 'review grants=%d slapd_sync=%s load_slapadd=%.1fs campaign=%.1fs per_grant=%.1fus slapd_cpu=%.2fs kuncid_cpu=%.2fs findings=%d kuncid_hwm_before=%s kuncid_hwm_after=%s second_start=%.2fs load=%s\n' \
		    "$n" "$sync" "$(echo "$t1 - $t0" | bc)" "$(echo "$t3 - $t2" | bc)" \
		    "$(echo "($t3 - $t2) * 1000000 / $n" | bc -l)" \
		    "$(echo "$c1 - $c0" | bc)" "$(echo "$k1 - $k0" | bc)" "$nf" \
		    "$hwm0" "$hwm1" "$(echo "$t5 - $t4" | bc)" "$(cut -d' ' -f1 /proc/loadavg)"
		echo "  first:  $r"
		echo "  second: $r2"
	} | tee -a "$OUT"
	"$top/tests/sandbox" stop "$W" >/dev/null 2>&1 || :
	rm -rf "$W"
	trap - EXIT
done
