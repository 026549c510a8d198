#!/usr/bin/env python3
"""confkeys.py: do kunci.conf(5) and conf/kunci.conf document exactly the
keys agent/cfg.c accepts?

Usage: confkeys.py CFG_C RELOAD_C KUNCI_CONF_5 KUNCI_CONF KUNCID_8
       confkeys.py --list CFG_C     (print "section key" per accepted key)

The accepted keys are the *_keys arrays of cfg.c (check_keys() refuses any
other key).  In the man page, the keys of a group are the ".It Cm KEY Pq
TYPE" items of the outermost list of the ".Ss GROUP" subsection under
".Sh KEYS"; each must give a type and say "Default" or "Required".  In
conf/kunci.conf a key counts as shown when its group's part of the file
(from the "# ---" rule above the group to its closing "};") assigns it
("KEY =") or lists it at the start of a comment line ("#   KEY  ...",
"#   a, KEY, b ...").  The RELOAD section of the man page and kuncid(8)'s
SIGHUP item must name every key of the groups reload.c puts into force,
and RELOAD every other group.

Prints one line per problem and exits 1; exits 0 silently when all agree.
"""
import os
import re
import sys

# Where each *_keys array is documented: the man page's .Ss title.  A new
# array must be added here (and documented): an unknown one is an error.
SECTIONS = {
    "directory": "directory", "agent": "agent", "calendar": "calendar",
    "requests": "requests", "login": "login", "office": "office",
    "signing": "signing", "visits": "visits", "removal": "removal",
    "audit": "audit",
    "review": "review", "provision": "provision", "notify": "notify",
    "delegation": "delegation",
    "service": "login.services", "policy": "login.policies",
    "shell": "provision.shells",
    "role": "roles.NAME", "workflow": "workflows.NAME",
    "wf_doc": "workflows.NAME", "step": "workflows.NAME.steps",
}
# Groups whose keys are names the site chooses (sop_totals: workflow names),
# documented as a whole, with no *_keys array in cfg.c.
NAMED = {"sop_totals"}
TYPES = {"string", "path", "integer", "boolean", "duration", "word", "list",
         "list of groups", "list of pairs"}


def code_keys(cfg_c, problems):
    """{section: set(keys)} and the top-level group names, from cfg.c and
    the parsers split out of it (cfg_*.c: the feature groups are in
    cfg_groups.c, the workflows in cfg_wf.c), read beside cfg_c, or from
    this tree's agent/ for a copy elsewhere."""
    text = open(cfg_c, encoding="utf-8").read()
    here = os.path.dirname(os.path.abspath(cfg_c))
    tree = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "..", "agent")
    for part in ("cfg_groups.c", "cfg_wf.c"):
        for d in (here, tree):
            if os.path.exists(os.path.join(d, part)):
                text += open(os.path.join(d, part), encoding="utf-8").read()
                break
    sections, top = {}, []
    arrays = re.findall(
        r"^(?:static )?const char \*const (\w+)_keys\[\] = \{(.*?)\};", text,
        re.S | re.M)
    if not arrays:
        problems.append("%s: no *_keys arrays found" % cfg_c)
    for name, body in arrays:
        keys = re.findall(r'"([^"]*)"', body)
        if name == "top":
            top = keys
            continue
        if name not in SECTIONS:
            problems.append("%s: %s_keys is not mapped to a section of "
                            "kunci.conf(5) (tests/tools/confkeys.py)"
                            % (cfg_c, name))
            continue
        sections.setdefault(SECTIONS[name], set()).update(keys)
    if not top:
        problems.append("%s: no top_keys array" % cfg_c)
    return sections, top


def man_keys(page, problems):
    """{section: {key: (type, body)}} from the KEYS section of the page."""
    sections, cur, depth, key, in_keys = {}, None, 0, None, False
    for n, line in enumerate(open(page, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if line.startswith(".Sh "):
            in_keys = line[4:].strip() == "KEYS"
            cur = None
            continue
        if not in_keys:
            continue
        if line.startswith(".Ss "):
            cur = line[4:].strip().strip('"')
            if cur in sections:
                problems.append("%s:%d: section %s twice" % (page, n, cur))
            sections[cur] = {}
            key = None
            continue
        if line.startswith(".Bl"):
            depth += 1
            continue
        if line.startswith(".El"):
            depth -= 1
            if depth == 0:
                key = None
            continue
        m = re.match(r"^\.It Cm (\S+)(?: Pq (.*))?$", line)
        if depth == 1 and line.startswith(".It"):
            key = None
            if cur is None or m is None:
                problems.append("%s:%d: a KEYS item that is not "
                                "\".It Cm KEY Pq TYPE\"" % (page, n))
                continue
            key = m.group(1)
            if key in sections[cur]:
                problems.append("%s:%d: %s.%s documented twice"
                                % (page, n, cur, key))
            if m.group(2) not in TYPES:
                problems.append("%s:%d: %s.%s: type \"%s\" is not one of "
                                "%s" % (page, n, cur, key, m.group(2),
                                        ", ".join(sorted(TYPES))))
            sections[cur][key] = [m.group(2), ""]
            continue
        if key is not None:
            sections[cur][key][1] += line + "\n"
    for sec, keys in sections.items():
        for key, (_, body) in keys.items():
            if "Default" not in body and "Required" not in body:
                problems.append("%s: %s.%s: says neither Default nor "
                                "Required" % (page, sec, key))
    return sections


def section_text(page, name, start=".Sh "):
    """The text of section (or list item) name, up to the next one."""
    out, on = [], False
    for line in open(page, encoding="utf-8"):
        if line.startswith(start):
            on = line[len(start):].strip() == name
            continue
        if on:
            out.append(line)
    return "".join(out)


def conf_region(lines, group):
    """Lines of conf/kunci.conf that belong to top-level group."""
    for i, line in enumerate(lines):
        if re.match(r"^%s\s*=\s*\{" % re.escape(group), line):
            break
    else:
        return None
    start = i
    while start > 0 and not lines[start - 1].startswith("# ---"):
        start -= 1
    end = i
    while end < len(lines) and not lines[end].startswith("};"):
        end += 1
    return lines[start:end + 1]


def in_conf(region, key):
    k = re.escape(key)
    for line in region:
        if re.search(r"(^|[{;\s])%s\s*=" % k, line):
            return True
        if re.match(r"^\s*#\s+(\w+,\s*)*%s(,|\s|$)" % k, line):
            return True
    return False


def main(argv):
    if len(argv) == 3 and argv[1] == "--list":
        problems = []
        sections, _ = code_keys(argv[2], problems)
        for sec in sorted(sections):
            for key in sorted(sections[sec]):
                print(sec, key)
        return 1 if problems else 0
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 64
    cfg_c, reload_c, page, conf, kuncid8 = argv[1:]
    problems = []
    code, top = code_keys(cfg_c, problems)
    man = man_keys(page, problems)

    for sec in sorted(set(code) | set(man)):
        c, m = code.get(sec, set()), set(man.get(sec, {}))
        if sec not in man:
            problems.append("kunci.conf(5): no section %s (keys %s)"
                            % (sec, " ".join(sorted(c))))
            continue
        if sec not in code:
            if sec in NAMED and sec in top:
                continue
            problems.append("kunci.conf(5): section %s, which cfg.c does "
                            "not have" % sec)
            continue
        for key in sorted(c - m):
            problems.append("kunci.conf(5): %s.%s is accepted by cfg.c but "
                            "not documented" % (sec, key))
        for key in sorted(m - c):
            problems.append("kunci.conf(5): %s.%s is documented but cfg.c "
                            "does not accept it" % (sec, key))
    for group in top:
        if group not in man and group + ".NAME" not in man:
            problems.append("kunci.conf(5): no section for the group %s"
                            % group)

    lines = open(conf, encoding="utf-8").read().split("\n")
    for sec in sorted(code):
        group = sec.split(".")[0]
        region = conf_region(lines, group)
        if region is None:
            problems.append("conf/kunci.conf: no group %s" % group)
            continue
        for key in sorted(code[sec]):
            if not in_conf(region, key):
                problems.append("conf/kunci.conf: %s.%s is accepted by "
                                "cfg.c but not shown" % (sec, key))

    src = open(reload_c, encoding="utf-8").read()
    m = re.search(r"hot\[\] = \{(.*?)\};", src, re.S)
    hot = re.findall(r'"([^"]*)"', m.group(1)) if m else []
    if not hot:
        problems.append("%s: no hot[] list of reloadable groups" % reload_c)
    reload5 = section_text(page, "RELOAD")
    sighup8 = section_text(kuncid8, "Dv SIGHUP", ".It ")
    for group in top:
        if group in hot:
            for key in sorted(code.get(group, ())):
                if not re.search(r"\b%s\b" % re.escape(key), reload5):
                    problems.append("kunci.conf(5) RELOAD: login key %s.%s "
                                    "not named" % (group, key))
                if not re.search(r"\b%s\b" % re.escape(key), sighup8):
                    problems.append("kuncid(8) SIGHUP: %s.%s not named"
                                    % (group, key))
        elif not re.search(r"\b%s\b" % re.escape(group), reload5):
            problems.append("kunci.conf(5) RELOAD: group %s (restart) not "
                            "named" % group)

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
