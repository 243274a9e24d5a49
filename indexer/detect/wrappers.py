"""Per-line wrappers: what the place a dump was pasted in, or the tool that printed it, adds to every line.

A dump posted in a Telegram or Discord channel, copied from a paste site or a chat log, or printed
by a lookup tool wears one decoration on each line (or each value), and the recognisers read none
of its lines (blind probe set 5, wave 25: 0 of 13 identifiers for a dox whose lines are each in
`||spoiler bars||`; FALSE e-mails for a combo list whose lines are each in backticks):

- messenger markup: a line or a label's value in backticks or `||spoiler bars||`, a line in
  `**bold**` or `__underline__`, bold labels (`**Tel:** ||06 ..||`), a lookup bot's tree
  (`├─ 📧 Email: `x``), hashtag labels (`#tel 06 ..`), bracketed labels (`[DDN] 17/02/1984`);
- a terminal's ANSI colour codes (`\\x1b[32m...\\x1b[0m`), read as part of the values;
- line prefixes: a chat's time (`[14:03] `), an IRC nick (`<seller> `), a paste site's line
  numbers (`12<TAB>`, `12 | `) or a numbering (`12) `, `12. `), and a trailing comment (`  # ok`);
- a markdown code block indented by four spaces (a vCard is read at column 0 only), each line in
  its own ``` block, and BBCode or HTML tags glued to a dump's first or last line
  (`[spoiler][code]a@x.fr:pw`, `<textarea>` whose content is HTML-escaped).

`unwrap` rewrites them away: each per-line kind only in a run of `_MIN_LINES` lines or more that
wear it (blank lines between them allowed: at most two together), numbers only when they count
the lines one by one, labels only when they name something (`seeds.label_names_something`), and a
value's wrapper only when it wraps the whole rest of the line; the text keeps its lines (a code
fence's lines, which it drops, are given back by the kept lines' list). What is under a wrapper is
not judged here: the recognisers read it as any text, so chatter stays chatter.

Cost: `detect_text` calls `unwrap` only when `firstlook`'s one Hyperscan pass sets `WRAPPED` (its
needles, `NEEDLES`, are each kind's first look: three lines that may wear it), so an ordinary dump
post (a SQL dump's backticks, an HL7 message's `||`, a fence around a sample) runs no pass; below
`firstlook.SMALL` bytes the Python first looks decide. (Those needles' `[^\n]*` forms cost the scan:
callgrind bench.instructions dump_posts +2.8%, dense +1.5%: cheaper needles are to be found; a
literal-first form of one line each was tried and cost more, by the Python looks it let run.)
The line patterns are anchored (`\\A`, asked
with `match` of one line) or bounded or possessive, the rest are str methods: linear on any line
(tests/test_linear_patterns.py). The same for both engines: the text is rewritten before either
reads it."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from indexer.detect import toolprints as _toolprints

__all__ = ["NEEDLES", "unwrap"]

_MIN_LINES = 3
_MAX_BLANKS = 2  # blank lines a run may hold together


# ---------------------------------------------------------------- the first looks
# Each kind of wrapper has a first look: a pattern over the text that matches wherever its pass
# could change a line (three lines that may wear it, at most two lines apart; three lines in a row
# for numbers; one line for ANSI codes and glued tags). `unwrap` runs the passes whose look
# matches; `NEEDLES` are the same looks for Hyperscan over UTF-8 (`firstlook.WRAPPED`), each a
# superset of its Python look (non-ASCII classes as their bytes' alternations, counts of
# characters as bytes), so that a text the one scan says no to is never rewritten: on an
# ordinary dump post (a SQL dump's backticks, a markdown fence, a `#` in a password) no pass runs.
def _ci(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


_TAGS_OPEN = "|".join(map(_ci, ("hide", "spoiler", "code", "quote", "pre")))
_TAGS_HTML = "|".join(map(_ci, ("form", "textarea", "pre", "code")))
_GAP = r"(?:\n[^\n]*+){0,2}?\n"  # (0 to 2 lines of anything: `_run_apply` allows blank ones)
_GAP_B = rb"(?:\n[^\n]*){0,2}\n"
_F = r"[ \t]{0,3}(?:```|~~~)[\w+-]{0,20}[ \t]*+"
_F_B = rb"[ \t]{0,3}(?:```|~~~)[^\n]{0,80}"
_BLOCK = rf"{_F}\n(?:[^\n]*+\n){{1,3}}?{_F}"
_BLOCK_B = rb"[ \t]{0,3}(?:```|~~~)[^\n]*\n(?:[^\n]*\n){1,3}[ \t]{0,3}(?:```|~~~)"
_MARKS_B = rb"\xe2\x9c[\x85\x94]|\xe2\x98\x91|\xf0\x9f\x9f\xa2|\xe2\x9e\xa4|\xe2\x96[\xba\xb6]|\xc2\xbb|\xe2\x80\xa2"
_BRANCH_B = rb"\xe2\x94[\x9c\x94\xa3\x97\x9d\x95]|\xe2\x95[\xa0\x9a\x9f\x99]|[|`+]--"

# kind: (a literal the text must hold, or "" for none; how many lines: "run" 3 at most 2 apart,
# "seq" 3 in a row, "one"; the line's Python pattern; its Hyperscan pattern, and for the first line)
_KINDS: dict[str, tuple[str, str, str, bytes] | tuple[str, str, str, bytes, bytes]] = {
    "time": (
        "[",
        "run",
        r"\[(?:[0-9]{4}-[0-9]{2}-[0-9]{2}[ T])?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?\][^\n]*+",
        rb"\[[0-9]{1,4}[\-:][^\n]*",
    ),
    "nick": ("<", "run", r"<[@+%~&]?[^<>\s/]{1,31}>[ \t][^\n]*+", rb"<[^<>\s]{1,128}>[ \t][^\n]*"),
    "gutter": (
        "",
        "seq",
        r"[ \t]{0,6}[0-9]{1,6}(?:\t|[ \t]{0,3}[|│])[^\n]*+",
        rb"[ \t]{0,6}[0-9]{1,6}(?:\t|[ \t]{0,3}(?:\||\xe2\x94\x82))[^\n]*",
    ),
    "numbered": ("", "seq", r"[ \t]{0,6}[0-9]{1,6}[).](?:[ \t][^\n]*+)?", rb"[ \t]{0,6}[0-9]{1,6}[).](?:[ \t][^\n]*)?"),
    "tree": (
        "",
        "run",
        r"[ \t]{0,8}(?:[│┃║|][ \t]{0,4}){0,8}(?:[├└┣┗╠╚┝┕╟╙]|[|`+]--)[^\n]*+",
        rb"[^\n]{0,100}(?:" + _BRANCH_B + rb")[^\n]*",
    ),
    "mark": (
        "",
        "run",
        r"[ \t]{0,4}(?:\[[+*!✓✔xX]\]|[✅✔☑🟢➤►▶»•]\ufe0f?)[ \t][^\n]*+",
        rb"[ \t]{0,4}(?:\[(?:[+*!xX]|\xe2\x9c[\x93\x94])\]|" + _MARKS_B + rb")[^\n]*",
    ),
    "bold": (
        "**",
        "run",
        r"(?:[^\n*]++|\*(?!\*))*+\*\*(?:[^\n*]++|\*(?!\*))*+\*\*[^\n]*+",
        rb"[^\n]*\*\*[^\n]*\*\*[^\n]*",
    ),
    "underline": ("__", "run", r"[ \t]*+__(?=[^\n]*__[ \t]*+(?:\n|\Z))[^\n]*+", rb"[^\n]*__[^\n]*__[^\n]*"),
    "spoiler": (
        "||",
        "run",
        r"(?=(?:[^\n|]++|\|(?!\|))*+\|\|[^\n]*\|\|(?:\n|\Z))[^\n]*+",
        rb"(?:[^\n]*:|[^\n]*=|[^\n]*: |[^\n]*= )?\|\|[^\n]*\|\|",
    ),
    "backtick": (
        "`",
        "run",
        r"(?=[^\n`]*+`[^\n]*`(?:\n|\Z))[^\n]*+",
        rb"(?:[^\n]*:|[^\n]*=|[^\n]*: |[^\n]*= )?`[^\n]*`",
    ),
    "comment": (
        "#",
        "run",
        r"(?=[^\n]*[ \t]#[^\n#]{0,40}(?:\n|\Z))[^\n]*+",
        rb"[^\n]*#[^\n]*",  # (any `#`: Hyperscan 0.9.1 missed ` #` and `\t#` as alternatives)
    ),
    "hashtag": ("#", "run", r"#[^\W\d_][^\n]*+", rb"#[^\s0-9_][^\n]*"),
    "bracket": ("[", "run", r"\[[^\W\d_][^\n]*+", rb"\[[^\s0-9_\[\]][^\n]*"),
}
_ONES: dict[str, tuple[str | tuple[str, ...], str, bytes]] = {  # (kind: literal, Python look, Hyperscan look)
    "ansi": ("\x1b", r"\x1b\[", rb"\x1b\["),
    "textarea": ("<", rf"<{_ci('textarea')}\b", rb"<" + _ci("textarea").encode()),
    "glued": (
        ("[", "<"),
        rf"\n(?:\[(?:{_TAGS_OPEN})(?:=[^\]\n]{{0,60}})?\]|<(?:{_TAGS_HTML})\b[^<>\n]{{0,200}}>)\S",
        rb"(?:\[(?:"
        + _TAGS_OPEN.encode()
        + rb")[^\]\n]{0,61}\]|<(?:"
        + _TAGS_HTML.encode()
        + rb")[^<>\n]{0,200}>)[^\s]|[^\s](?:\[/(?:"
        + _TAGS_OPEN.encode()
        + rb")\]|</(?:"
        + _TAGS_HTML.encode()
        + rb")>)",
    ),
    "fences": (
        "```",
        rf"\n{_BLOCK}{_GAP}{_BLOCK}{_GAP}{_BLOCK}",
        _BLOCK_B[len(rb"[ \t]{0,3}") :] + _GAP_B + _BLOCK_B + _GAP_B + _BLOCK_B,
    ),
    "dedent": (
        "",
        r"\n[ \t]*+\n(?:    |\t)[^\n]*+\n(?:    |\t)[^\n]*+\n(?:    |\t)",
        rb"\n[ \t]*\n(?:    |\t)[^\n]*\n(?:    |\t)[^\n]*\n(?:    |\t)",
    ),
}


def _look(mode: str, line: str) -> str:
    # (a literal first, `\n`: searched in the text after a line end, `_sees`)
    if mode == "seq":
        return rf"\n{line}\n{line}\n{line}"
    return rf"\n{line}{_GAP}{line}{_GAP}{line}"


def _look_b(mode: str, line: bytes, first: bytes | None = None) -> bytes:
    # (unanchored, and the first line without its leading `[^\n]*` or blanks: Hyperscan 0.9.1
    # missed `^[^\n]*[ \t]#` on a line of 100 characters, and `[^\n]*[ \t]#[^\n]*\n[^\n]*[ \t]#`
    # on two such lines (tests/test_detect_wrappers_round6.py checks the superset); the first
    # line's head left out is a superset too)
    # (and the last line without its trailing `[^\n]*` or optional rest: whether the scan matches
    # does not depend on them, and they cost it: wave 27, `firstlook`'s scan of a dense dump ~18%
    # for the numbered lines' optional rest alone)
    first = first or _LEAD_B.sub(b"", line, count=1)
    last = _TAIL_B.sub(b"", line, count=1)
    if mode == "seq":  # (the last two of three lines in a row: a literal first)
        return rb"\n" + line + rb"\n" + last
    return first + _GAP_B + line + _GAP_B + last


_LEAD_B = re.compile(rb"\A(?:\[\^\\n\](?:\*|\{0,100\})|\[ \\t\]\{0,[0-9]\})")
_TAIL_B = re.compile(rb"(?:\[\^\\n\]\*|\(\?:\[ \\t\]\[\^\\n\]\*\)\?)\Z")


_LOOKS: dict[str, tuple[str | tuple[str, ...], re.Pattern[str]]] = {
    **{k: (lit, re.compile(_look(mode, py))) for k, (lit, mode, py, *_) in _KINDS.items()},
    **{k: (lit, re.compile(py)) for k, (lit, py, _) in _ONES.items()},
}
_NEEDLES: tuple[bytes, ...] = tuple(
    [_look_b(mode, hs[0], hs[1] if len(hs) > 1 else None) for _, mode, _, *hs in _KINDS.values()]
    + [hs for _, _, hs in _ONES.values()]
)
# a paste site's gutter: lines 2 and 3 of a run numbered, and one of its lines whose rest does not
# hold the separator again (a TSV or a psql table whose first column counts its rows, a COPY's
# ids, holds it in every row: `_count_apply` leaves it, and so does the scan: bench dense's COPY)
_GUTTER_NEEDLES = (
    rb"\n[ \t]{0,6}[0-9]{1,6}\t[^\t\n]*\n",
    rb"\n[ \t]{0,6}[0-9]{1,6}[ \t]{0,3}\|[^|\n]*\n",
    rb"\n[ \t]{0,6}[0-9]{1,6}[ \t]{0,3}\xe2\x94\x82",
)
NEEDLES: tuple[bytes, ...] = (
    tuple(n for k, n in zip([*_KINDS, *_ONES], _NEEDLES, strict=True) if k != "gutter") + _GUTTER_NEEDLES
)


# what a text holds (after a line end: `\n` + the text) when a kind's look may match: C searches
# before its regular expression
_LITS: dict[str, tuple[str, ...]] = {
    "time": ("\n[",),
    "nick": ("\n<",),
    "gutter": ("\t", "|", "│"),
    "numbered": (")", ". ", ".\t", ".\n"),
    "tree": ("├", "└", "┣", "┗", "╠", "╚", "┝", "┕", "╟", "╙", "|--", "`--", "+--"),
    "mark": ("+]", "*]", "!]", "✓]", "✔]", "x]", "X]", "✅", "✔", "☑", "🟢", "➤", "►", "▶", "»", "•"),
    "bold": ("**",),
    "underline": ("__",),
    "spoiler": ("||",),
    "backtick": ("`",),
    "comment": (" #", "\t#"),
    "hashtag": ("\n#",),
    "bracket": ("\n[",),
    "ansi": ("\x1b",),
    "textarea": ("<",),
    "glued": ("[", "<"),
    "fences": ("```", "~~~"),
    "dedent": ("\n    ", "\n\t"),
}
_GLUED_LOOK_CLOSE = re.compile(rf"\S(?:\[/(?:{_TAGS_OPEN})\]|</(?:{_TAGS_HTML})>)")


def _sees(kind: str, nt: str) -> bool:
    """Whether the pass of `kind` may change the text whose `\n` + text is `nt` (its first look;
    each starts with a line end, which `re` finds at memchr speed, after C searches for what the
    look needs)."""
    if not any(x in nt for x in _LITS[kind]):
        return False
    if _LOOKS[kind][1].search(nt) is not None:
        return True
    return kind == "glued" and ("[/" in nt or "</" in nt) and _GLUED_LOOK_CLOSE.search(nt) is not None


# ---------------------------------------------------------------- one line's wrappers
_ANSI = re.compile(r"\x1b\[[0-9;?]{0,32}[A-Za-z]")  # (CSI sequences: colours, cursor moves; never data)
_TIME = re.compile(r"\A\[(?:[0-9]{4}-[0-9]{2}-[0-9]{2}[ T])?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?\][ \t]?")
_NICK = re.compile(r"\A<[@+%~&]?[^<>\s/]{1,31}>[ \t]")
_GUTTER = re.compile(r"\A[ \t]{0,6}([0-9]{1,6})(\t|[ \t]{0,3}[|│][ \t]?)")
_NUMBERED = re.compile(r"\A[ \t]{0,6}([0-9]{1,6})([).])(?:[ \t]{1,4}|\Z)")
_TREE = re.compile(r"\A[ \t]{0,8}(?:[│┃║|][ \t]{0,4}){0,8}(?:[├└┣┗╠╚┝┕╟╙][─━═]{0,3}|[|`+]--{1,2})>?[ \t]{0,4}")
_MARK = re.compile(r"\A[ \t]{0,4}(?:\[[+*!✓✔xX]\]|[✅✔☑🟢➤►▶»•]\ufe0f?)[ \t]{1,4}")
_HASH_LABEL = re.compile(r"\A#([^\W\d_][^\W\d]{1,15})(?::?[ \t]{1,4})(?=\S)")
_BRACKET_LABEL = re.compile(r"\A\[([^\W\d_][^\]\[\n]{0,24})\](?::?[ \t]{1,4}|:)(?=\S)")
_GLUED_OPEN = re.compile(
    r"\A(?:\[(?:hide|spoiler|code|quote|pre)(?:=[^\]\n]{0,60})?\]|<(?:form|textarea|pre|code)\b[^<>\n]{0,200}>){1,6}(?=\S)",
    re.IGNORECASE,
)
_GLUED_CLOSE = re.compile(r"(?:\[/(?:hide|spoiler|code|quote|pre)\]|</(?:form|textarea|pre|code)>){1,6}[ \t]*\Z", re.I)
_FENCE = re.compile(r"\A[ \t]{0,3}(?:```|~~~)[\w+-]{0,20}[ \t]*\Z")
_TEXTAREA = re.compile(r"<textarea\b[^<>]{0,200}>", re.IGNORECASE)


def _wrapped(s: str, w: str) -> str | None:
    """`s` without the wrapper `w` around its whole rest, or around a label's value (`Mail: ||x||`,
    `Mail:||x||`, `Mail = `x``): None when it has none, when the wrapper is in what it wraps (a
    table's row, `a||b||c`; a code fence) or when blanks are before it or after it (an indented
    SQL column, `  `nom` varchar(255)`: its first look, `_KINDS`, is that strict too)."""
    if not s.endswith(w):
        return None
    i = s.find(w)
    head = s[:i]
    inner = s[i + len(w) : len(s) - len(w)]
    if i + len(w) > len(s) - len(w) or not inner.strip() or w in inner:
        return None
    if head and not head.endswith((":", ": ", "=", "= ")):
        return None  # (not a line's whole rest, nor a label's value)
    return head + inner


def _bold(s: str) -> str | None:
    n = s.count("**")
    return s.replace("**", "") if n >= 2 and n % 2 == 0 else None


def _underline(s: str) -> str | None:
    t = s.strip(" \t")
    if len(t) > 4 and t.startswith("__") and t.endswith("__") and "__" not in t[2:-2]:
        return t[2:-2]
    return None


def _comment(s: str) -> str | None:
    """`s` without a short trailing comment (`  # ok`, `# valid`) after its content."""
    i = s.rfind("#")
    if i <= 0 or len(s) - i > 41 or s[i - 1] not in " \t" or "@" in s[i:]:
        return None
    head = s[:i].rstrip(" \t")
    return head if head and " #" not in head and "\t#" not in head else None


def _prefix(rx: re.Pattern[str]) -> Callable[[str], str | None]:
    def strip(s: str) -> str | None:
        m = rx.match(s)
        return None if m is None else s[m.end() :]

    return strip


def _labels(rx: re.Pattern[str]) -> Callable[[str], str | None]:
    from indexer.detect.seeds import label_names_something  # (seeds imports the recognisers)

    def relabel(s: str) -> str | None:
        m = rx.match(s)
        if m is None or not label_names_something(m.group(1).strip()):
            return None
        return m.group(1).strip() + ": " + s[m.end() :]

    return relabel


def _numbers(rx: re.Pattern[str]) -> Callable[[str], tuple[int, str, str] | None]:
    def strip(s: str) -> tuple[int, str, str] | None:
        m = rx.match(s)
        return None if m is None else (int(m.group(1)), s[m.end() :], m.group(2).strip(" ") or "\t")

    return strip


# ---------------------------------------------------------------- runs
def _run_apply(lines: list[str], fn: Callable[[str], str | None], min_lines: int = _MIN_LINES) -> bool:
    """Rewrite by `fn` each line of every run of `min_lines` lines or more it rewrites (blank
    lines between them, at most `_MAX_BLANKS` together). Whether any line changed."""
    got = [fn(ln) if ln.strip() else None for ln in lines]
    changed = False
    k, n = 0, len(lines)
    while k < n:
        if got[k] is None:
            k += 1
            continue
        hits = [k]
        j, blanks = k + 1, 0
        while j < n:
            if got[j] is not None:
                hits.append(j)
                blanks = 0
            elif not lines[j].strip() and blanks < _MAX_BLANKS:
                blanks += 1
            else:
                break
            j += 1
        if len(hits) >= min_lines:
            for h in hits:
                lines[h] = got[h] or ""
            changed = True
        k = j
    return changed


def _count_apply(lines: list[str], fn: Callable[[str], tuple[int, str, str] | None]) -> bool:
    """Numbers that count the lines one by one (a paste site's gutter, `1) `): each run of
    `_MIN_LINES` lines or more, every line numbered one more than the line above, loses them. A
    table whose first column counts its rows (a COPY's or a psql output's ids: the separator after
    the number is in every line's rest too) keeps them."""
    got = [fn(ln) for ln in lines]
    changed = False
    k, n = 0, len(lines)
    while k < n:
        first = got[k]
        if first is None:
            k += 1
            continue
        j = k + 1
        while j < n and (g := got[j]) is not None and g[0] == got[j - 1][0] + 1:  # type: ignore[index]
            j += 1
        rest = [got[h][1] for h in range(k, j)]  # type: ignore[index]
        sep = first[2]
        table = sep in "\t|│" and all(sep in r for r in rest if r.strip())
        if j - k >= _MIN_LINES and sum(1 for r in rest if r.strip()) >= _MIN_LINES and not table:
            lines[k:j] = rest
            changed = True
        k = j
    return changed


def _fences(lines: list[str]) -> list[int] | None:
    """The lines to keep when runs of `_MIN_LINES` code blocks or more hold one or two lines each
    (each row of a dump fenced alone): their fences and the blank lines between them go."""
    is_fence = [ln[:1] in " \t`~" and _FENCE.match(ln) is not None for ln in lines]
    if sum(is_fence) < 2 * _MIN_LINES:
        return None
    drop: set[int] = set()
    n = len(lines)
    k = 0
    while k < n:
        if not is_fence[k]:
            k += 1
            continue
        blocks: list[tuple[int, int]] = []  # (opening fence, closing fence)
        j = k
        while j < n and is_fence[j]:
            e = j + 1
            while e < n and e - j <= 3 and not is_fence[e]:
                e += 1
            if e >= n or not is_fence[e] or e == j + 1:
                break  # (no closing fence after one or two lines)
            blocks.append((j, e))
            j = e + 1
            while j < n and j - e <= _MAX_BLANKS and not lines[j].strip():
                j += 1
        if len(blocks) < _MIN_LINES:
            k += 1  # (a few lines ahead at most: linear)
            continue
        drop.update(x for a, e in blocks for x in (a, e))
        drop.update(x for x in range(blocks[0][0], blocks[-1][1]) if not lines[x].strip())
        k = blocks[-1][1] + 1
    if not drop:
        return None
    return [x for x in range(n) if x not in drop]


def _dedent(lines: list[str]) -> bool:
    """A markdown code block (`_MIN_LINES` lines or more indented by four spaces or a tab, after a
    blank line, the nearest lines around it at column 0) loses its common indentation. (A nested
    structure's inner lines, an XML's or a JSON's, have indented lines around them.)"""
    changed = False
    n = len(lines)
    k = 0
    while k < n:
        if (
            not k
            or lines[k - 1].strip(" \t")
            or not all(ln.startswith(("    ", "\t")) and ln.strip() for ln in lines[k : k + _MIN_LINES])
        ):
            k += 1  # (a blank line, then three indented lines: its first look, `_ONES["dedent"]`)
            continue
        j = k
        while j < n and (lines[j].startswith(("    ", "\t")) or not lines[j].strip()):
            j += 1
        block = [x for x in range(k, j) if lines[x].strip()]
        above = next((lines[x] for x in range(k - 1, -1, -1) if lines[x].strip()), "")
        below = lines[j] if j < n else ""
        if len(block) >= _MIN_LINES and above[:1] not in (" ", "\t") and below[:1] not in (" ", "\t"):
            cut = min(len(lines[x]) - len(lines[x].lstrip(" \t")) for x in block)
            for x in block:
                lines[x] = lines[x][cut:]
            changed = True
        k = max(j, k + 1)
    return changed


def _glued(lines: list[str]) -> bool:
    """BBCode or HTML tags glued to a line's content (`[spoiler][code]a@x.fr:pw`, `...</textarea>`)."""
    changed = False
    for k, ln in enumerate(lines):
        if "[" not in ln and "<" not in ln:
            continue
        m = _GLUED_OPEN.match(ln)
        if m is not None:
            ln = ln[m.end() :]
        c = _GLUED_CLOSE.search(ln) if ("[/" in ln or "</" in ln) else None
        if c is not None and c.start() > 0 and not ln[c.start() - 1].isspace():
            ln = ln[: c.start()]
        if ln != lines[k]:
            lines[k] = ln
            changed = True
    return changed


def _textarea(text: str) -> str:
    """A `<textarea>`'s content is HTML-escaped (`&quot;` for `"`): read unescaped, line by line."""
    lo = text.lower()
    out: list[str] = []
    pos = 0
    for m in _TEXTAREA.finditer(text):
        end = lo.find("</textarea", m.end())
        if end < 0:
            end = len(text)
        if m.start() < pos:
            continue
        body = text[m.end() : end]
        if "&" in body:
            out.append(text[pos : m.end()])
            out.append("\n".join(html.unescape(x).replace("\n", " ") for x in body.split("\n")))
            pos = end
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


_WRAPS: tuple[tuple[str, Callable[[str], str | None]], ...] = (
    ("**", _bold),
    ("__", _underline),
    ("||", lambda s: _wrapped(s, "||")),
    ("`", lambda s: _wrapped(s, "`")),
)


def unwrap(text: str, tools: bool = True, wrapped: bool = True) -> tuple[str, list[int] | None] | None:
    """(`text` without its per-line wrappers, the kept lines when some were dropped), or None
    when it wears none. See the module docstring. Each pass runs when its first look matches
    the text as the passes before left it (a chat's time, then the nick it was hiding). `tools`:
    the tools' markup may be in it (`toolprints`, `firstlook.TOOLS`); `wrapped`: the wrappers may
    (`firstlook.WRAPPED`)."""
    changed = False
    lines: list[str] | None = None
    kept: list[int] | None = None
    printed = _toolprints.rewrite(text) if tools else None  # (a search's prefixes, caret notation, ...: first)
    if printed is not None:
        new_lines, of = printed
        text = "\n".join(new_lines)
        kept = None if len(of) == len(new_lines) and of[-1] == len(of) - 1 else of
        changed = True
        lines = None
    if not wrapped:
        return (text, kept) if changed else None
    if _sees("ansi", "\n" + text):
        text, n = _ANSI.subn("", text)
        changed = changed or n > 0
    if _sees("textarea", "\n" + text):
        bare = _textarea(text)
        changed = changed or bare != text
        text = bare
    if _sees("fences", "\n" + text):
        lines = text.split("\n")
        fenced = _fences(lines)
        if fenced is not None:
            kept = fenced if kept is None else [kept[x] for x in fenced]
            lines = [lines[x] for x in fenced]
            text = "\n".join(lines)
            changed = True
    passes: tuple[tuple[str, Callable[[list[str]], bool]], ...] = (
        ("glued", _glued),
        ("time", lambda ls: _run_apply(ls, _prefix(_TIME))),
        ("nick", lambda ls: _run_apply(ls, _prefix(_NICK))),
        ("gutter", lambda ls: _count_apply(ls, _numbers(_GUTTER))),
        ("numbered", lambda ls: _count_apply(ls, _numbers(_NUMBERED))),
        ("tree", lambda ls: _run_apply(ls, _prefix(_TREE))),
        ("mark", lambda ls: _run_apply(ls, _prefix(_MARK))),
        ("bold", lambda ls: _run_apply(ls, _bold)),
        ("underline", lambda ls: _run_apply(ls, _underline)),
        ("spoiler", lambda ls: _run_apply(ls, lambda s: _wrapped(s, "||"))),
        ("backtick", lambda ls: _run_apply(ls, lambda s: _wrapped(s, "`"))),
        ("comment", lambda ls: _run_apply(ls, _comment)),
        ("hashtag", lambda ls: _run_apply(ls, _labels(_HASH_LABEL))),
        ("bracket", lambda ls: _run_apply(ls, _labels(_BRACKET_LABEL))),
        ("dedent", _dedent),
    )
    for kind, run in passes:
        if not _sees(kind, "\n" + text):
            continue
        if lines is None:
            lines = text.split("\n")
        if run(lines):
            changed = True
            text = "\n".join(lines)
    if not changed:
        return None
    return (text if lines is None else "\n".join(lines)), kept
