# bench/adminhold.py SOCKET N: hold N admin connections, as an ordinary
# user would to stall kuncid: reconnect any that is closed, send "help"
# on the first every second, leave the others idle.  Runs until killed.
import socket, struct, sys, time

path, n = sys.argv[1], int(sys.argv[2])

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s

def ask(s):
    p = struct.pack(">I", 1) + struct.pack(">I", 4) + b"help"
    s.sendall(struct.pack(">III", 1, 3, len(p)) + p)
    h = b""
    while len(h) < 12:
        d = s.recv(12 - len(h))
        if not d:
            return False
        h += d
    k = struct.unpack(">III", h)[2]
    while k > 0:
        d = s.recv(min(k, 65536))
        if not d:
            return False
        k -= len(d)
    return True

cs = [None] * n
while True:
    for i in range(n):
        if cs[i] is None:
            try:
                cs[i] = conn()
            except OSError:
                pass
    try:
        if cs[0] is not None and not ask(cs[0]):
            cs[0] = None
    except OSError:
        cs[0] = None
    for i in range(1, n):
        if cs[i] is None:
            continue
        cs[i].setblocking(False)
        try:
            if cs[i].recv(1) == b"":
                cs[i] = None
        except BlockingIOError:
            pass
        except OSError:
            cs[i] = None
    time.sleep(1)
