#!/bin/bash
# audit_journal.sh: structured journal fields (issue 14, item 5).  When the
# journal is the sink, kuncid sends each audit record in the journal's
# native protocol: MESSAGE is the very text of the syslog form, and
# KUNCI_EVENT=, KUNCI_REQUEST=, ... and the chain's KUNCI_HOST/SEQ/CHAIN
# let an auditor filter with journalctl.  This machine may have no
# journald (containers): kuncid is pointed at a private datagram socket
# with -l journal:PATH, a receiver writes each datagram as journalctl -o
# json would, and kuncictl audit verify and search read that.  The real
# kuncid, slapd and procedures run; only journald is replaced by the
# receiver (with journald present, kuncid finds it on its own:
# /dev/log -> /run/systemd/journal/dev-log).
. "$(dirname "$0")/workflow.inc"

wf_setup
kd_stop
J=$W/journal.sock
python3 -u -c '
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        d = s.recv(65536).decode()
        o = {"__REALTIME_TIMESTAMP": str(int(time.time() * 1e6))}
        for line in d.split("\n"):
            if line:
                k, v = line.split("=", 1)
                o[k] = v
        f.write(json.dumps(o) + "\n")
' "$J" "$W/journal.json" &
jp=$!
trap 'kill $jp 2>/dev/null; wf_cleanup' EXIT
for _ in $(seq 50); do [ -S "$J" ] && break; sleep 0.1; done
t_check "the journal receiver is bound" test -S "$J"
rm -f "$KUNCI_SOCKET"
"$KUNCID" -f -c "$KUNCI_CONF" -l "journal:$J" </dev/null >>"$W/kuncid.log" 2>&1 &
echo $! >"$W/kuncid.pid"
for _ in $(seq 100); do [ -S "$KUNCI_SOCKET" ] && break; sleep 0.1; done
t_check "kuncid logs to the journal socket" test -S "$KUNCI_SOCKET"

id=$(submit lputri server-room:dc1)
walk "$id" tramadhan hsantoso dpratama
kc --as rwulandari request reject "$id" --reason "Tidak perlu
baris kedua" >/dev/null
jq_()	# jq_ PYTHON-EXPR: evaluated for every entry (o), printed per line
{
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    r = eval(sys.argv[2])
    if r is not None: print(r)' "$W/journal.json" "$1"
}
wait_for 50 eval '[ -n "$(jq_ "o.get(\"KUNCI_EVENT\") == \"request.reject\" or None")" ]'
t_eq "every entry is authpriv, notice, kuncid" "10 5 kuncid" \
    "$(jq_ 'o["SYSLOG_FACILITY"] + " " + o["PRIORITY"] + " " + o["SYSLOG_IDENTIFIER"]' | sort -u)"
t_eq "KUNCI_EVENT is the record's event, for every entry" "" \
    "$(jq_ 'None if o["MESSAGE"].startswith("event=" + o["KUNCI_EVENT"] + " ") else o["MESSAGE"]')"
t_eq "KUNCI_REQUEST names the request on each of its records" \
    "request.reject request.step request.step request.step request.step request.submit" \
    "$(jq_ "o['KUNCI_EVENT'] if o.get('KUNCI_REQUEST') == '$id' else None" | sort | tr '\n' ' ' | sed 's/ $//')"
t_eq "KUNCI_ACTOR of the rejection" rwulandari \
    "$(jq_ "o['KUNCI_ACTOR'] if o['KUNCI_EVENT'] == 'request.step' and o.get('KUNCI_DECISION') == 'reject' else None")"
t_eq "the chain's fields agree with the text" "" \
    "$(jq_ 'None if o["MESSAGE"].endswith(" host=%s seq=%s time=%s chain=%s" % (o["KUNCI_HOST"], o["KUNCI_SEQ"], o["KUNCI_TIME"], o["KUNCI_CHAIN"])) else o["MESSAGE"]')"
# the text line is unchanged: MESSAGE is what kuncid's stderr copy says
t_eq "MESSAGE is the same text as the syslog form" "" \
    "$(jq_ 'o["MESSAGE"]' | while IFS= read -r m; do grep -qxF "kuncid: $m" "$W/kuncid.log" || echo "$m"; done)"
t_grep "a newline in a value stays escaped in MESSAGE" 'reason="Tidak perlu\\nbaris kedua"' <(jq_ 'o["MESSAGE"]')

out=$("$KUNCICTL" --lang en audit verify "$W/journal.json" --no-checkpoints 2>&1)
t_eq "audit verify reads the journal's JSON form: intact" 0 "$?"
sed '3d' "$W/journal.json" >"$W/j2.json"
out=$("$KUNCICTL" --lang en audit verify "$W/j2.json" --no-checkpoints 2>&1)
t_eq "... and finds an entry deleted from it" 65 "$?"
t_grep "... by its seq" "^DAMAGE: .*: gap: seq [0-9]+-[0-9]+ missing \(1 record" <(echo "$out")
# the export form (journalctl -o export): KEY=VALUE lines, a blank line
# after each entry; MESSAGE of the third entry in the binary form (a name
# line, a little-endian 64-bit length, the bytes), as journalctl writes a
# value it cannot print as text
python3 -c 'import json, struct, sys
out = sys.stdout.buffer
for i, l in enumerate(open(sys.argv[1])):
    o = json.loads(l)
    out.write(b"__CURSOR=s=0;i=%d\n" % i)
    for k, v in o.items():
        v = v.encode()
        if k == "MESSAGE" and i == 2:
            out.write(k.encode() + b"\n" + struct.pack("<Q", len(v)) + v + b"\n")
        else:
            out.write(k.encode() + b"=" + v + b"\n")
    out.write(b"\n")' "$W/journal.json" >"$W/journal.export"
out=$("$KUNCICTL" --lang en audit verify "$W/journal.export" --no-checkpoints 2>&1)
t_eq "audit verify reads the journal's export form: intact" 0 "$?"
t_eq "... every entry" "$(wc -l <"$W/journal.json")" \
    "$(echo "$out" | sed -n 's/^\([0-9]*\) chained record.*/\1/p')"
t_eq "audit search finds the request's records in the journal form" 6 \
    "$("$KUNCICTL" audit search "$W/journal.json" --request "$id" | wc -l)"
t_done
