#!/usr/bin/env python3
"""events.py: the audit events the agent's code writes, against the event
catalogue of doc/audit.md (issue 14): the rows of its "## Event catalogue"
table.

    events.py [--list] AGENT_DIR CATALOGUE

An event is the string literal(s) of the first argument of a log_audit()
call (a conditional gives two).  Exit 1, naming them, when the code writes
an event the catalogue lacks or the catalogue lists one the code no longer
writes; --list prints the events and their fields found in the code.
"""
import glob
import os
import re
import sys


def args_of(src, i):
    """The top-level comma-separated arguments of a call whose '(' ends
    just before i."""
    depth, j, inq, start, out = 0, i, False, i, []
    while j < len(src):
        c = src[j]
        if inq:
            if c == "\\":
                j += 2
                continue
            if c == '"':
                inq = False
        elif c == '"':
            inq = True
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                out.append(src[start:j])
                break
            depth -= 1
        elif c == "," and depth == 0:
            out.append(src[start:j])
            start = j + 1
        j += 1
    return out


def code_events(agent):
    ev = {}
    for path in sorted(glob.glob(os.path.join(agent, "*.c"))):
        src = open(path, encoding="utf-8").read()
        src = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group(0)), src,
                     flags=re.S)
        for m in re.finditer(r"\blog_audit\(", src):
            a = args_of(src, m.end())
            if a and a[0].strip().startswith("const "):
                continue    # its definition (log.c)
            names = re.findall(r'"([^"\\]*)"', a[0]) if a else []
            if not names:
                print("%s: log_audit() with no literal event name" % path,
                      file=sys.stderr)
                sys.exit(2)
            keys = []
            for k in a[1::2]:
                lits = re.findall(r'"([^"\\]*)"', k)
                if lits and lits[-1] not in keys:
                    keys.append(lits[-1])
            for n in names:
                ev.setdefault(n, set()).update(keys)
    return ev


def catalogue(path):
    cat, inside = set(), False
    for line in open(path, encoding="utf-8"):
        if line.startswith("## "):
            inside = line.strip() == "## Event catalogue"
        if not inside:
            continue
        m = re.match(r"^\| `([a-z][a-z0-9.-]*)` \|", line)
        if m:
            cat.add(m.group(1))
    return cat


def main(argv):
    lst = argv[1:2] == ["--list"]
    if lst:
        argv = argv[1:]
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ev = code_events(argv[1])
    if lst:
        for n in sorted(ev):
            print(n, " ".join(sorted(ev[n])))
        return 0
    cat = catalogue(argv[2])
    bad = 0
    for n in sorted(set(ev) - cat):
        print("event %s is written by the code but not in %s" % (n, argv[2]))
        bad = 1
    for n in sorted(cat - set(ev)):
        print("event %s is in %s but the code never writes it" % (n, argv[2]))
        bad = 1
    return bad


sys.exit(main(sys.argv))
