#!/usr/bin/env python3
"""auditkeys.py FILE: print each audit record (a line with event=) that
names a field twice, with the field; exit 1 if any does.  Values are
bare words or double-quoted with backslash escapes, as log_audit writes
them (doc/audit.md)."""
import re
import sys

FIELD = re.compile(r'([a-z_][a-z0-9_.]*)=("(?:[^"\\]|\\.)*"|\S*)')


def keys(line):
    i = line.find("event=")
    return [m.group(1) for m in FIELD.finditer(line, i)] if i >= 0 else []


def main():
    bad = 0
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        for line in f:
            seen = set()
            for k in keys(line):
                if k in seen:
                    print("field %s twice: %s" % (k, line.strip()[:200]))
                    bad = 1
                    break
                seen.add(k)
    return bad


if __name__ == "__main__":
    sys.exit(main())
