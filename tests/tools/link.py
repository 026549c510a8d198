#!/usr/bin/python3
"""tests/tools/link.py: the network link between two sites, for tests.

    link.py LISTEN_PORT TARGET_PORT    (LISTEN_PORT 0: any free port)

Forwards TCP from 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT.  What
crosses from one site to the other in tests/integration/sites.sh (a
kuncid reaching the other site's provider, syncrepl between providers)
goes through one of these, so the test can cut the link without root or
firewall rules:

    SIGUSR1  cut: every connection is dropped, new ones are closed at once
    SIGUSR2  restore
    (each acknowledged by a line "cut" or "open" on stdout)
    SIGTERM  stop

Prints "ready PORT" on stdout once it listens.  Nothing is changed in what
crosses; both ends are the real programs.
"""
import os
import selectors
import signal
import socket
import sys

listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
sel = selectors.DefaultSelector()
peer = {}           # socket -> its partner
cut = False
wake_r, wake_w = os.pipe()
os.set_blocking(wake_w, False)


def on_signal(signum, frame):
    global cut
    if signum == signal.SIGTERM:
        sys.exit(0)
    cut = signum == signal.SIGUSR1
    try:
        os.write(wake_w, b"x")
    except OSError:
        pass


def close_pair(s):
    o = peer.pop(s, None)
    for x in (s, o):
        if x is None:
            continue
        peer.pop(x, None)
        try:
            sel.unregister(x)
        except (KeyError, ValueError):
            pass
        x.close()


for sig in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM):
    signal.signal(sig, on_signal)
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", listen_port))
ls.listen(64)
sel.register(ls, selectors.EVENT_READ)
sel.register(wake_r, selectors.EVENT_READ)
print("ready", ls.getsockname()[1], flush=True)
while True:
    try:
        events = sel.select()
    except InterruptedError:
        continue
    for key, _ in events:
        s = key.fileobj
        if s == wake_r:
            os.read(wake_r, 64)
            if cut:
                for x in list(peer):
                    close_pair(x)
            # the caller waits for this: nothing crosses once it is out
            print("cut" if cut else "open", flush=True)
            continue
        if s is ls:
            c, _ = ls.accept()
            if cut:
                c.close()
                continue
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                t.connect(("127.0.0.1", target_port))
            except OSError:
                c.close()
                t.close()
                continue
            peer[c], peer[t] = t, c
            sel.register(c, selectors.EVENT_READ)
            sel.register(t, selectors.EVENT_READ)
            continue
        try:
            data = s.recv(65536)
        except OSError:
            data = b""
        if not data or cut:
            close_pair(s)
            continue
        try:
            peer[s].sendall(data)
        except (OSError, KeyError):
            close_pair(s)
