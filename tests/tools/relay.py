#!/usr/bin/python3
# tests/tools/relay.py: a TCP relay on loopback that can be frozen, for
# the fault tests (a silent partition between kuncid and slapd).
#
#   relay.py PORTFILE HOST PORT
#
# Listens on 127.0.0.1 on a free port (written to PORTFILE once it
# listens) and relays every connection to HOST:PORT.  SIGUSR1 freezes it:
# nothing is read, written, accepted or closed any more -- connections stay
# open and silent, as across a partition or to a hung server (the kernel
# still completes new TCP handshakes into the listen backlog).  SIGUSR2
# thaws it: whatever queued meanwhile flows on.  SIGTERM ends it.
import os
import selectors
import signal
import socket
import sys
import time

frozen = False


def on_freeze(_sig, _frm):
    global frozen
    frozen = True


def on_thaw(_sig, _frm):
    global frozen
    frozen = False


def main():
    portfile, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    signal.signal(signal.SIGUSR1, on_freeze)
    signal.signal(signal.SIGUSR2, on_thaw)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    ls.setblocking(False)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(tmp, portfile)

    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ, None)
    peer = {}

    def close(s):
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

    while True:
        if frozen:
            # silent: touch nothing, not even the listen socket
            time.sleep(0.05)
            continue
        for key, _ in sel.select(0.05):
            s = key.fileobj
            if frozen:
                break
            if s is ls:
                try:
                    c, _ = ls.accept()
                except BlockingIOError:
                    continue
                try:
                    u = socket.create_connection((host, port), timeout=3)
                except OSError:
                    c.close()
                    continue
                c.setblocking(True)
                u.setblocking(True)
                peer[c] = u
                peer[u] = c
                sel.register(c, selectors.EVENT_READ, None)
                sel.register(u, selectors.EVENT_READ, None)
                continue
            if s not in peer:
                continue
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                close(s)
                continue
            try:
                peer[s].sendall(data)
            except OSError:
                close(s)


if __name__ == "__main__":
    main()
