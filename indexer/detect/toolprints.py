"""What an analyst's command-line tool adds to a dump's lines when its output is pasted.

Leaks are posted as the tools that searched or compared them print them (blind probe set 9, wave
30), and each tool's markup hid the rows from the recognisers:

- a search's file and line prefix: `grep -rn`, `grep -Hn`, `rg --no-heading -n`, `ag` print
  `leak/contacts.csv:1842:DUPONT;...` (and `path:line:column:` with `--column`): read as a combo's
  `login:password`, nothing found. The prefix goes when it names a file (a path with a `/`, or a
  name with a file's extension) in `_MIN_LINES` lines or more, blank lines or grep's `--` allowed
  between them, its line numbers growing within each file (a stealer log's `site/login:user:pass`
  lines have no such count, and a `site.com:` is no file's extension);
- a terminal's caret notation (`cat -A`, `cat -vET`, vim's `:set list`, `less -U`): tabs as `^I`,
  line ends as `$`, carriage returns as `^M`, bytes over 127 as `M-` sequences (UTF-8's `é` is
  `M-CM-)`): the row's cells glued by `^I`, each email read with the `I`. Lines so marked (each
  ending in `$`, or holding `^I`, in a run of `_MIN_LINES`) are read as their bytes were;
- a word diff (`git diff --word-diff`, `wdiff`): a row whose value changed holds `[-old-]{+new+}`,
  only the old value read as the row's (the new one glued to it). Each such line is read twice:
  as it was before (the `[-...-]` kept) and after (the `{+...+}` kept), both at the line's place;
- a text kept as a JSON array of its lines, one string a line (a Jupyter notebook's cell sources
  and `text/plain` outputs, as nbformat writes them: `"0   DUPONT  ...  1973-12-08\\n",`): a
  DataFrame's print in a notebook lost its header and its dates to the quotes and escapes. A run of
  `_MIN_LINES` such strings, two or more ending in an escaped line end, is read as its text;
- a wide DataFrame printed in column blocks (pandas wraps a frame wider than the terminal: the
  first block's header ends in ` \\`, the next block repeats the rows' index): each row's values
  were in two blocks, its name in one and its birth in the other, and the birth alone was lost.
  The blocks are joined back, each row one line (the later blocks' lines dropped).

`rewrite` returns the text's new lines and, for each, the input's line it comes from (a word diff's
line is two): the fragments keep the input's line numbers. It runs under `firstlook.TOOLS`, before
the per-line wrappers (`wrappers.unwrap` calls it first); `NEEDLES` are its first looks for the
one Hyperscan scan, supersets of the Python ones (`_sees`). Every pattern is bounded or anchored
and asked of one line (`match`), or a str method: linear on any line. The same for both engines:
the text is rewritten before either reads it."""

from __future__ import annotations

import json
import re

__all__ = ["NEEDLES", "rewrite"]

_MIN_LINES = 3
_MAX_BLANKS = 2

# a file's extensions a search tool's prefix names (a domain's `.com`, `.fr` are none of them)
# (nor a country's: `.pl`, `.md`, `.rs`, `.py`, `.sh` are domains too, `jan@wp.pl:haslo` a combo's line)
_EXTS = ("csv|tsv|txt|sql|json|jsonl|ndjson|log|xml|yml|yaml|js|php|java|html|htm|conf|cfg|ini|"
         "env|dump|bak|out|dat|vcf|ldif|psv|lst|xls|xlsx|ods|properties|cpp|swift")
# `path:line:` or `path:line:column:` (a path without blanks or colons; `grep -H` without `-n`,
# `path:` alone, is read already: its rows after the colon hold their own separator)
_GREP = re.compile(r"\A([^\s:]{1,200}):([0-9]{1,7}):(?:[0-9]{1,5}:)?")
_EXT = re.compile(rf"(?:\A|[/\\])[\w.\-@+]{{0,100}}\.(?:{_EXTS})\Z", re.IGNORECASE)
_DOLLARS = re.compile(r"\$\n[^\n]*\$\n[^\n]*\$(?:\n|\Z)")  # (three line ends marked in a row)
_CARET_LINE = re.compile(r"(?:\^M)?\$\Z")
_CARET = re.compile(r"\^[IM@]|M-\^?.")
_JSON_LINE = re.compile(r'\A[ \t]*"((?:[^"\\\n]|\\.){0,2000})",?[ \t]*\Z')
_WORD_DIFF = re.compile(r"\[-([^\n]{0,200}?)-\]|\{\+([^\n]{0,200}?)\+\}")

# Hyperscan's first looks (`firstlook.TOOLS`): two lines in a row with a file's prefix (a line
# number after it); a line end marked `$` twice in a row (or `^I`
# three times in a line); a word diff's two markers on one line
NEEDLES: tuple[bytes, ...] = (
    rb"\n[^\s:]{1,200}:[0-9]{1,7}:[^\n]*\n(?:--\n)?[^\s:]{1,200}:[0-9]{1,7}:",
    rb"\$\n[^\n]*\$\n",
    rb"\^I[^\n]*\^I[^\n]*\^I",
    rb"(?:\[-[^\n]*-\]|\{\+[^\n]*\+\})",
    rb'\\n",\n[ \t]*"[^\n]*\\n",?\n',
    rb" \\\n",
)
# (a line number between colons first: a literal-led C search, ~1 ms a 2 MB combo list whose every
# line holds a colon, where the look itself took ~10 ms)
_NUMBERED = re.compile(r":[0-9]{1,7}:")
_PY_LOOK = re.compile(r"\n[^\s:]{1,200}:[0-9]{1,7}:[^\n]*+\n(?:--\n)?[^\s:]{1,200}:[0-9]{1,7}:")


def _grep_prefix(line: str) -> tuple[str, int, str] | None:
    """(the file, its line number, the rest) when `line` starts with a search tool's prefix."""
    m = _GREP.match(line)
    if m is None:
        return None
    path = m.group(1)
    if "@" in path or "/" not in path and _EXT.search(path) is None:
        return None  # (`DUPONT:12:` is a row's cells, not a file's line)
    return path, int(m.group(2)), line[m.end() :]


def _grep(lines: list[str], drop: set[int]) -> bool:
    """Runs of `_MIN_LINES` prefixed lines lose their prefixes; grep's `--` between groups (into `drop`)."""
    got = [_grep_prefix(ln) if ln.strip() else None for ln in lines]
    changed = False
    k, n = 0, len(lines)
    while k < n:
        if got[k] is None:
            k += 1
            continue
        hits = [k]
        seps: list[int] = []
        j, blanks = k + 1, 0
        while j < n:
            if got[j] is not None:
                hits.append(j)
                blanks = 0
            elif not lines[j].strip() and blanks < _MAX_BLANKS:
                blanks += 1
            elif lines[j] == "--":  # (grep's group separator)
                seps.append(j)
                blanks = 0
            else:
                break
            j += 1
        if len(hits) >= _MIN_LINES and _counts(hits, got):
            for h in hits:
                lines[h] = got[h][2]  # type: ignore[index]
            drop.update(x for x in seps if x < hits[-1])
            changed = True
        k = j
    return changed


def _counts(hits: list[int], got: list[tuple[str, int, str] | None]) -> bool:
    """Whether the line numbers grow within each file."""
    last: dict[str, int] = {}
    for h in hits:
        path, num, _ = got[h]  # type: ignore[misc]
        if num <= last.get(path, -1):
            return False
        last[path] = num
    return True


def _uncaret(s: str) -> str:
    """A line in caret notation as its bytes were (`^I` a tab, `^M` a CR dropped, `M-CM-)` the
    UTF-8 bytes of `é`); as it is when its bytes are no UTF-8."""
    if "M-" not in s:
        return s.replace("^I", "\t").replace("^M", "").replace("^@", "")
    out = bytearray()
    pos = 0
    for m in _CARET.finditer(s):
        out += s[pos : m.start()].encode("utf-8")
        t = m.group()
        if t == "^I":
            out.append(9)
        elif t.startswith("M-^"):
            out.append(0x80 | (ord(t[3]) ^ 0x40) if t[3] != "?" else 0xFF)
        elif t.startswith("M-"):
            if ord(t[2]) > 0x7F:
                out += t.encode("utf-8")
            else:
                out.append(0x80 | ord(t[2]))
        pos = m.end()
    out += s[pos:].encode("utf-8")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return s.replace("^I", "\t").replace("^M", "")


def _carets(lines: list[str]) -> bool:
    """Runs of `_MIN_LINES` lines in caret notation (each ending in `$`, or holding `^I`)."""
    ended = [ln.endswith("$") for ln in lines]
    tabbed = [ln.count("^I") >= 2 for ln in lines]
    changed = False
    for marks, cut in ((ended, True), (tabbed, False)):
        k, n = 0, len(lines)
        while k < n:
            if not marks[k]:
                k += 1
                continue
            j = k
            while j < n and marks[j]:
                j += 1
            if j - k >= _MIN_LINES:
                for h in range(k, j):
                    ln = lines[h]
                    if cut:
                        m = _CARET_LINE.search(ln)
                        ln = ln[: m.start()] if m is not None else ln
                    lines[h] = _uncaret(ln)
                    tabbed[h] = False
                changed = True
            k = j
    return changed


def _word_diff(lines: list[str], of: list[int]) -> tuple[list[str], list[int]] | None:
    """Each line with a word diff's markers as two lines, before and after (`of`: each line's input
    line); None under two such lines."""
    marked = [k for k, ln in enumerate(lines) if ("[-" in ln or "{+" in ln) and _WORD_DIFF.search(ln)]
    if len(marked) < 2:
        return None
    out: list[str] = []
    back: list[int] = []
    mset = set(marked)
    for k, ln in enumerate(lines):
        if k not in mset:
            out.append(ln)
            back.append(of[k])
            continue
        old = _WORD_DIFF.sub(lambda m: m.group(1) or "", ln)
        new = _WORD_DIFF.sub(lambda m: m.group(2) or "", ln)
        out.append(old)
        back.append(of[k])
        if new != old:
            out.append(new)
            back.append(of[k])
    return out, back


def _json_lines(lines: list[str]) -> bool:
    """Runs of `_MIN_LINES` lines that are each one JSON string (two or more ending in `\\n`): their text."""
    got: list[str | None] = []
    for ln in lines:
        m = _JSON_LINE.match(ln) if ln.endswith(('"', '",')) else None
        val = None
        if m is not None:
            try:
                val = json.loads('"' + m.group(1) + '"')
            except ValueError:  # (an escape JSON does not know: not a JSON string)
                val = None
        got.append(val if isinstance(val, str) else None)
    changed = False
    k, n = 0, len(lines)
    while k < n:
        if got[k] is None:
            k += 1
            continue
        j = k
        while j < n and got[j] is not None:
            j += 1
        run = [v for v in got[k:j] if v is not None]
        if j - k >= _MIN_LINES and sum(1 for v in run if v.endswith("\n")) >= 2:
            for x, v in zip(range(k, j), run, strict=True):
                lines[x] = v.rstrip("\n").replace("\n", " ")
            changed = True
        k = j
    return changed


def _wide_rows(lines: list[str], k: int) -> list[str]:
    """The index of each row under the header on line `k` (its first word), up to a blank line or a header."""
    out: list[str] = []
    for x in range(k + 1, min(len(lines), k + 1 + 500)):
        ln = lines[x]
        if not ln.strip() or ln.rstrip().endswith(" \\") or ln[:1] not in "0123456789" and not ln.startswith(" "):
            break
        out.append(ln.split(None, 1)[0])
    return out


def _blocks(lines: list[str]) -> tuple[list[str], list[int]] | None:
    """A wide print's column blocks joined (see the module docstring), with each line's input line."""
    out: list[str] = []
    of: list[int] = []
    changed = False
    k, n = 0, len(lines)
    while k < n:
        ln = lines[k]
        if not ln.rstrip().endswith(" \\") or "@" in ln:
            out.append(ln)
            of.append(k)
            k += 1
            continue
        idx = _wide_rows(lines, k)
        heads = [ln.rstrip()[:-1].rstrip()]
        rows = [lines[k + 1 + r].rstrip() for r in range(len(idx))]
        nxt = k + 1 + len(idx)
        while len(idx) >= 2:  # (each further block: a blank line at most, its header, the same index)
            b = nxt + 1 if nxt < n and not lines[nxt].strip() else nxt
            if b >= n or "@" in lines[b] or _wide_rows(lines, b) != idx:
                break
            more = lines[b].rstrip()
            heads.append(more[:-1].rstrip() if more.endswith(" \\") else more.strip())
            for r in range(len(idx)):
                cut = lines[b + 1 + r].rstrip().split(None, 1)  # (the row's index, its values)
                if len(cut) > 1:
                    rows[r] += "  " + cut[1]
            nxt = b + 1 + len(idx)
            if not more.endswith(" \\"):
                break
        if len(heads) < 2:
            out.append(ln)
            of.append(k)
            k += 1
            continue
        out.append("  ".join(heads))
        of.append(k)
        for r in range(len(idx)):
            out.append(rows[r])
            of.append(k + 1 + r)
        changed = True
        k = nxt
    return (out, of) if changed else None


def _sees(text: str) -> tuple[bool, bool, bool, bool]:
    """(a search's prefixes, caret notation, a word diff, JSON strings a line) may be in `text` (`\\n` + text)."""
    grep = _NUMBERED.search(text) is not None and _PY_LOOK.search(text) is not None
    caret = "^I" in text or ("$\n" in text and _DOLLARS.search(text) is not None)
    diff = ("-]" in text or "+}" in text)
    strings = '\\n",\n' in text or " \\\n" in text
    return grep, caret, diff, strings


def rewrite(text: str) -> tuple[list[str], list[int]] | None:
    """(the text's lines without the tools' markup, the input's line of each), or None when it has none."""
    grep, caret, diff, strings = _sees("\n" + text)
    if not (grep or caret or diff or strings):
        return None
    lines = text.split("\n")
    changed = False
    if strings and _json_lines(lines):
        changed = True
    of = list(range(len(lines)))
    if strings and any(ln.endswith(" \\") for ln in lines):
        wide = _blocks(lines)
        if wide is not None:
            lines, of = wide
            changed = True
    if caret and _carets(lines):
        changed = True
    drop: set[int] = set()
    if grep and _grep(lines, drop):
        changed = True
    if drop:
        keep = [x for x in range(len(lines)) if x not in drop]
        lines, of = [lines[x] for x in keep], [of[x] for x in keep]
    if diff:
        two = _word_diff(lines, of)
        if two is not None:
            lines, of = two
            changed = True
    return (lines, of) if changed else None
