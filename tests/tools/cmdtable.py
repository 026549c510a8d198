#!/usr/bin/env python3
"""cmdtable.py help|man [FILE]: kuncictl's commands and options, one line
each: "WORD SUB --opt --opt ..." (SUB is "-" for a command of one word).

help: from `kuncictl help` on stdin (kuncid's own command tables);
man:  from the .It Cm lines of kuncictl(1) (mdoc) in FILE.

Used by tests/integration/completion.sh to hold the completion script, the
man page and the real tables together."""
import re
import sys

MACROS = {"Ar", "Fl", "Op", "Oo", "Oc", "Ns", "Cm", "Pq", "Po", "Pc", "Ic",
          "Xr", "Ev", "Pa", "Li", "Sq", "Dq", "Em"}


def out(table):
    for (word, sub), opts in table.items():
        print(word, sub or "-", *sorted(opts))


def from_help(text):
    table = {}
    for line in text.splitlines():
        if not line.startswith("  ") or "(" in line:
            continue
        t = line.split()
        word = t[0]
        sub = t[1] if len(t) > 1 and re.fullmatch(r"[a-z][a-z-]*", t[1]) \
            else None
        opts = set(re.findall(r"--[a-z][a-z-]*", line))
        table.setdefault((word, sub), set()).update(opts)
    return table


def from_man(text):
    table = {}
    for line in text.splitlines():
        if not line.startswith(".It Cm "):
            continue
        t = line.split()[2:]
        word, rest = t[0], t[1:]
        subs = []
        while rest and rest[0] not in MACROS:
            if rest[0] != "|":
                subs.append(rest[0])
            rest = rest[1:]
        # Options: the words after Fl that start with "-", up to the next
        # macro but "|" (mdoc's Fl goes on across "|").
        opts, infl = set(), False
        for w in rest:
            if w == "Fl":
                infl = True
            elif w in MACROS:
                infl = False
            elif infl and w.startswith("-") and w != "|":
                opts.add("-" + w)
        for sub in subs or [None]:
            table.setdefault((word, sub), set()).update(opts)
    return table


def main():
    if sys.argv[1] == "help":
        out(from_help(sys.stdin.read()))
    else:
        with open(sys.argv[2], encoding="utf-8") as f:
            out(from_man(f.read()))


main()
