#!/bin/bash
# No local user can hold kuncid (issue 13, item 1): an ordinary user
# holding admin connections, idle and busy, neither delays root's
# commands nor stops the scheduler; the per-uid limit refuses one more
# connection with a message; a non-root connection ends at
# agent.admin_lifetime and after agent.admin_requests requests, root's
# does not.  The ordinary user is `nobody`, through setpriv.
set -u
. "$(dirname "$0")/workflow.inc"
[ "$(id -u)" -eq 0 ] || t_skip "needs root to run as nobody"
command -v setpriv >/dev/null 2>&1 || t_skip "no setpriv"
id nobody >/dev/null 2>&1 || t_skip "no user nobody"
PY=/usr/bin/python3
[ -x "$PY" ] || t_skip "no $PY (nobody cannot run root's python)"

CONF=$(mktemp "${TMPDIR:-/tmp}/kunci-hold.XXXXXX")
sed -e 's|^\([[:space:]]*admin_per_uid[[:space:]]*=\).*|\1 3;|' \
    -e 's|^\([[:space:]]*admin_lifetime[[:space:]]*=\).*|\1 "5s";|' \
    -e 's|^\([[:space:]]*admin_requests[[:space:]]*=\).*|\1 20;|' \
    "$KUNCI_TOP/conf/kunci.conf" >"$CONF"
chmod 644 "$CONF"
wf_setup --config "$CONF"
rm -f "$CONF"

# The client, speaking proto.h by hand (kuncictl sends one request and
# closes; a holder keeps its connections).
cat >"$W/adm.py" <<'PY'
import socket, struct, sys, time

def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s

def send(s, *words):
    p = struct.pack(">I", len(words)) + b"".join(
        struct.pack(">I", len(w)) + w.encode() for w in words)
    s.sendall(struct.pack(">III", 1, 3, len(p)) + p)

def recv_exact(s, n):
    b = b""
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            return None
        b += d
    return b

def reply(s):
    h = recv_exact(s, 12)
    if h is None:
        return None
    _, _, n = struct.unpack(">III", h)
    p = recv_exact(s, n)
    st = struct.unpack(">I", p[:4])[0]
    n1 = struct.unpack(">I", p[4:8])[0]
    n2 = struct.unpack(">I", p[8 + n1:12 + n1])[0]
    return st, p[12 + n1:12 + n1 + n2].decode()

def ask(s):
    send(s, "help")
    return reply(s)

path, mode = sys.argv[1], sys.argv[2]
if mode == "hold":
    # Keep N connections, reconnecting any that closes; one sends
    # "help" every second, the others stay idle.  Runs until killed.
    n, ready = int(sys.argv[3]), sys.argv[4]
    cs = [None] * n
    while True:
        for i in range(n):
            if cs[i] is None:
                try:
                    cs[i] = conn(path)
                except OSError:
                    pass
        try:
            if cs[0] is not None and ask(cs[0]) is None:
                cs[0] = None
        except OSError:
            cs[0] = None
        for i in range(1, n):
            if cs[i] is not None:
                cs[i].setblocking(False)
                try:
                    if cs[i].recv(1) == b"":
                        cs[i] = None
                except BlockingIOError:
                    pass
                except OSError:
                    cs[i] = None
        with open(ready, "w") as f:
            f.write("%d\n" % sum(c is not None for c in cs))
        time.sleep(1)
elif mode == "limit":
    # N connections answered, then one more.
    n = int(sys.argv[3])
    cs = [conn(path) for _ in range(n)]
    for c in cs:
        assert ask(c)[0] == 0
    extra = conn(path)
    r = ask(extra)
    print("closed" if r is None else "%d %s" % r)
elif mode == "busy":
    # One connection never idle: "help" every second until it is closed.
    t0 = time.time()
    c = conn(path)
    c.settimeout(5)
    while time.time() - t0 < float(sys.argv[3]):
        try:
            if ask(c) is None:
                print("closed after %.0f s" % (time.time() - t0))
                sys.exit(0)
        except OSError:
            print("closed after %.0f s" % (time.time() - t0))
            sys.exit(0)
        time.sleep(1)
    print("open")
elif mode == "burst":
    # Requests back to back on one connection: how many are answered.
    c = conn(path)
    c.settimeout(5)
    k = 0
    for _ in range(int(sys.argv[3])):
        try:
            if ask(c) is None:
                break
        except OSError:
            break
        k += 1
    print(k)
PY
chmod 644 "$W/adm.py"
# setpriv execs (no child): started directly with &, $! is the client.
NOGROUP=$(id -gn nobody)
asnobody() { setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups -- "$@"; }

# --- an ordinary user holds 3 connections (the limit), one busy --------
: >"$W/held"
chmod 666 "$W/held"
setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups -- \
    "$PY" "$W/adm.py" "$KUNCI_SOCKET" hold 3 "$W/held" &
HOLDER=$!
trap 'kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null; wf_cleanup' EXIT
for _ in $(seq 50); do grep -q 3 "$W/held" && break; sleep 0.1; done
t_check "the holder holds 3 connections" grep -q 3 "$W/held"

# A grant that ends in 2 s: the scheduler must expire it meanwhile.
gid=2026-hold-001
la >/dev/null <<EOT
dn: kunciId=$gid,ou=grants,ou=kunci,$KUNCI_BASE
objectClass: kunciGrant
kunciId: $gid
kunciSubject: lputri
kunciResource: server-room:dc1
kunciStatus: active
kunciNotBefore: $(now_gt -60)
kunciNotAfter: $(now_gt 2)
EOT

slow=0
for i in 1 2 3 4 5 6; do
	timeout 2 "$KUNCICTL" status >/dev/null 2>&1 || slow=$((slow + 1))
	sleep 0.5
done
t_eq "root's status answers within 2 s, 6 times, while nobody holds" 0 "$slow"
kcr --json request list
t_eq "... and so does root's request list" 0 "$rc"

st=""
for _ in $(seq 100); do
	st=$(ls_ -b "kunciId=$gid,ou=grants,ou=kunci,$KUNCI_BASE" -s base \
	    kunciStatus |
	    sed -n 's/^kunciStatus: //p')
	[ "$st" = expired ] && break
	sleep 0.1
done
t_eq "the scheduler expired a grant past its end meanwhile" expired "$st"

kill $HOLDER 2>/dev/null
wait $HOLDER 2>/dev/null
trap wf_cleanup EXIT

# --- the per-uid limit ------------------------------------------------
out=$(asnobody "$PY" "$W/adm.py" "$KUNCI_SOCKET" limit 3 2>&1)
t_grep "a 4th connection of one uid is refused (exit 75)" '^75 ' <(echo "$out")
t_grep "... saying why" 'admin_per_uid' <(echo "$out")
out=$(asnobody "$KUNCICTL" help 2>&1); rc=$?
t_eq "... the limit is per open connection: later ones work" 0 "$rc"
out=$("$PY" "$W/adm.py" "$KUNCI_SOCKET" limit 8 2>&1)
t_grep "root is not held to the per-uid limit" '^0 ' <(echo "$out")

# --- a non-root connection's life and request cap ---------------------
out=$(asnobody "$PY" "$W/adm.py" "$KUNCI_SOCKET" busy 12 2>&1)
t_grep "a busy non-root connection is closed at admin_lifetime (5 s)" \
    '^closed after [4-8] s' <(echo "$out")
out=$("$PY" "$W/adm.py" "$KUNCI_SOCKET" busy 8 2>&1)
t_eq "root's connection has no lifetime" open "$out"
out=$(asnobody "$PY" "$W/adm.py" "$KUNCI_SOCKET" burst 30 2>&1)
t_eq "a non-root connection gets admin_requests (20) answers" 20 "$out"
out=$("$PY" "$W/adm.py" "$KUNCI_SOCKET" burst 30 2>&1)
t_eq "root's gets all 30" 30 "$out"
t_done
