#!/usr/bin/env python3
"""i18n_words.py: find kunci's own English words in what kuncictl printed.

    i18n_words.py words TOP USAGE CONFDUMP        print the word list
    i18n_words.py check TOP USAGE CONFDUMP LOG    print offending lines

The word list is derived from kunci's own English strings, nothing typed
by hand but the short list of words that are Indonesian too:
  - every msgid of po/id.po;
  - the English side of every bilingual label in agent/*.c:
    ADMIN_T(c, EN, ID), T(d, EN, ID) and AT(EN, ID);
  - the format of every admin_err() and wf_fail() in agent/*.c (marked or
    not yet: a message not yet translated is still kunci's English);
split into words, less
  - what a person types and stays English in both languages (doc/glossary.md):
    command words, options and their values from kuncid --usage (USAGE),
    the configuration's names (steps, roles, workflows) from kuncid -T
    (CONFDUMP);
  - the example directory's uids, names and units (ldif/example-org.ldif)
    and the free text the demo types (--reason, --note, ...);
  - the words below that Indonesian uses as they are.

LOG is the wrapper's capture (tests/integration/i18n_demo.sh): a line
"### kuncictl ARGS (exit N)" before each command's output, whose lines are
"out: ", "err: " or "json: " (JSON is not checked: doc/json.md keeps its
values English).  Each line with a listed word is printed with its words
and, when one of kunci's string literals matches it, the source file that
says it.  Exit 1 when any line was printed.
"""
import glob
import os
import re
import sys

# Words Indonesian uses as they are (loanwords, names of things), and the
# names of programs and formats.
INDONESIAN_TOO = set("""
    admin administrator audit data email format host internet login logout
    normal offline online operator panel password provider server status
    total username web
    csv html json pdf txt cms ldap ldapi openssl pam sshd ssh sla ok
    kunci kuncid kuncictl systemctl root uid id en nip ktp plh plt webmin
    serverid
""".split())

# libc's own texts (strerror), as kunci passes them on: not kunci's words
SYSTEM_TEXTS = sorted({os.strerror(i) for i in range(1, 134)} -
                      {'Unknown error %d' % i for i in range(1, 134)},
                      key=len, reverse=True)

LIT = r'"(?:[^"\\\n]|\\.)*"'
LITS = r'((?:%s\s*)+)' % LIT
FMT = re.compile(r'%[-+ #0-9.*]*(?:l{0,2}|z|j)[a-zA-Z]')
WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:'[a-z]+)?")


def cstr(lits):
    """The value of adjacent C string literals."""
    out = []
    for m in re.finditer(LIT, lits):
        s = m.group(0)[1:-1]
        s = re.sub(r'\\(.)', lambda x: {'n': '\n', 't': '\t'}.get(
            x.group(1), x.group(1)), s)
        out.append(s)
    return ''.join(out)


def sources(top):
    for path in sorted(glob.glob(os.path.join(top, 'agent', '*.c'))):
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
        # comments out (a string in a comment is not said)
        text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count(
            '\n'), text, flags=re.S)
        yield os.path.relpath(path, top), text


def english_strings(top):
    """(English string, file) of kunci's own words."""
    out = []
    po = os.path.join(top, 'po', 'id.po')
    with open(po, encoding='utf-8') as f:
        text = f.read()
    for m in re.finditer(r'^msgid ((?:"(?:[^"\\]|\\.)*"\s*)+)', text, re.M):
        s = cstr(m.group(1))
        if s:
            out.append((s, 'po/id.po'))
    pats = [
        re.compile(r'\bADMIN_T\(\s*[^,()]+,\s*' + LITS + r',\s*' + LITS +
                   r'\)'),
        re.compile(r'(?<![A-Za-z_])T\(\s*[^,()]+,\s*' + LITS + r',\s*' +
                   LITS + r'\)'),
        re.compile(r'(?<![A-Za-z_])AT\(\s*' + LITS + r',\s*' + LITS +
                   r'\)'),
        re.compile(r'\b(?:admin_err|wf_fail)\(\s*[^,()]+,\s*[^,]+,\s*'
                   r'(?:_\(\s*)?' + LITS),
    ]
    for path, text in sources(top):
        for p in pats:
            for m in p.finditer(text):
                out.append((cstr(m.group(1)), path))
    return out


def all_literals(top):
    """(string, file) of every string literal: where a line comes from."""
    out = []
    for path, text in sources(top):
        for m in re.finditer(LITS, text):
            s = cstr(m.group(1))
            if re.search(r'[a-z]{2,} [a-z]{2,}', s):
                out.append((s, path))
    return out


def words_of(s):
    s = FMT.sub(' ', s)
    return [w.lower() for w in WORD.findall(s)]


def typed_words(top, usage, confdump):
    """What a person types, names of the directory, free text typed."""
    ex = set()
    with open(usage, encoding='utf-8') as f:
        for line in f:
            if line.startswith('usage: '):	# the global options' line
                line = '  ' + line[len('usage: '):]
            if not line.startswith('  '):	# command lines, not notes
                continue
            # command words, placeholders and values; not option names
            # (printed with their "--", never bare) nor hyphenated words
            # (a printed token with a hyphen is not checked)
            for tok in re.split(r'[\s\[\]|{}()=,]+', line):
                if tok and not tok.startswith('-') and \
                        not re.search(r'\w-\w', tok):
                    ex.update(words_of(tok))
    with open(confdump, encoding='utf-8') as f:
        for m in re.finditer(r'^\s*(?:name|role|kind|workflow|roles)\s*=\s*'
                             r'(.*);', f.read(), re.M):
            for v in re.findall(r'"([^"]*)"', m.group(1)):
                if re.fullmatch(r'[A-Za-z0-9_.:-]+', v):
                    ex.update(words_of(v))
    ldif = os.path.join(top, 'ldif', 'example-org.ldif')
    with open(ldif, encoding='utf-8') as f:
        for line in f:
            m = re.match(r'(uid|cn|sn|givenName|ou|o|dc|title|kunciName|'
                         r'displayName|mail|l):\s*(.*)', line)
            if m:
                ex.update(words_of(m.group(2)))
    for path in glob.glob(os.path.join(top, 'tests', 'demo.d', '*.sh')):
        with open(path, encoding='utf-8') as f:
            text = f.read()
        for m in re.finditer(r'--(?:reason|note|guest|org|id-doc|equipment|'
                             r'purpose|period|escort)\s+"([^"$]*)"', text):
            ex.update(words_of(m.group(1)))
    return ex


def word_list(top, usage, confdump):
    eng = english_strings(top)
    ex = typed_words(top, usage, confdump) | INDONESIAN_TOO
    words = set()
    for s, _ in eng:
        for w in words_of(s):
            if len(w) >= 2 and w not in ex:
                words.add(w)
    return words, eng


def line_words(line, words):
    """The listed words of one printed line (ids, options, values out)."""
    found = []
    for t in SYSTEM_TEXTS:
        line = re.sub(re.escape(t), ' ', line, flags=re.I)
    for tok in re.split(r'[\s,]+', line):	# CSV too
        tok = tok.strip('()[]{}"\',;!?*<>')
        # options, typed alternatives (a|b), ids, paths, names of things
        if tok.startswith('-') or re.search(r'[0-9:/@=_|]', tok) or \
                re.search(r'[A-Za-z]-[A-Za-z]|[A-Za-z]\.[A-Za-z]', tok):
            continue
        if tok in ('No', 'No.'):	# "Nomor", a form's first column
            continue
        for w in WORD.findall(tok):
            if w.lower() in words:
                found.append(w)
    return found


def origin(line, lits):
    """The files whose string literal matches the line best."""
    best, blen = set(), 8	# a shorter match says nothing
    for s, path in lits:
        frags = [f.strip() for f in FMT.split(s)]
        frags = [f for f in frags if len(f) >= 4]
        if not frags or not all(f in line for f in frags):
            continue
        n = sum(len(f) for f in frags)
        if n > blen:
            best, blen = {path}, n
        elif n == blen:
            best.add(path)
    return ','.join(sorted(best)) or None


def check(top, usage, confdump, log):
    words, _ = word_list(top, usage, confdump)
    lits = all_literals(top)
    cmd, bad, byfile = '', 0, {}
    with open(log, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('### '):
                cmd = line[4:]
                continue
            if line.startswith('json: ') or line.startswith('data: '):
                continue
            text = line[5:]
            # a one-time password is not printed again
            text = re.sub(r'((?:password|sandi) )\S+', r'\1********', text)
            found = line_words(text, words)
            if not found:
                continue
            src = origin(text, lits) or '?'
            if bad == 0 or cmd != last:
                print('# %s' % cmd)
            last = cmd
            print('  %s  [%s] (%s)' % (text, ' '.join(found), src))
            byfile[src] = byfile.get(src, 0) + 1
            bad += 1
    if bad:
        print('# %d line(s) with English words; by source: %s' % (bad,
              ', '.join('%s %d' % kv for kv in sorted(byfile.items()))))
    return 1 if bad else 0


def main():
    if len(sys.argv) == 5 and sys.argv[1] == 'words':
        words, _ = word_list(*sys.argv[2:5])
        print('\n'.join(sorted(words)))
        return 0
    if len(sys.argv) == 6 and sys.argv[1] == 'check':
        return check(*sys.argv[2:6])
    sys.stderr.write(__doc__)
    return 64


if __name__ == '__main__':
    sys.exit(main())
