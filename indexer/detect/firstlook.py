"""Which of the whole-text checks can apply to a text: one Hyperscan pass over its UTF-8.

`detect_text` runs whole-text checks over every text it reads, each a pass of its own: other
line ends (`seeds.foreign_eol`), separator lines between rows (`spaced.compact`), addresses
that are no one's (`notmail.drop_no_ones`, on each fragment) and combo lines dressed by a
checker (`spaced.undecorate`). On a dense dump none of them applies, most often, and their C
searches and regular expressions cost ~16% of the detection (wave 24: eight searches for the
line ends, twice; seven two-character needles for separator lines, each ~1 GB/s). `looks`
answers for the four in one scan (~1 GB/s with its pattern, ~4 GB/s for the needles alone): a bit per
check that MAY apply, and a check whose bit is clear is not called, since it would change
nothing. The bits are supersets: the needles are the checks' own (`FOREIGN_EOLS`,
`spaced.SEPARATOR_ENDS`, `notmail.NEEDLES`), and the pattern below matches wherever a line
`spaced.undecorate` changes is (tests/test_firstlook.py). (`spaced.colon_rows` is left to its
own first look: the scan's pattern for it cost as much as the look.) The same for both engines; without the
`hyperscan` module (or under `SMALL` bytes, where a call costs more than the checks) every
bit is set and the checks run as before.
"""

from __future__ import annotations

from typing import Any

from indexer.detect import banking as _banking
from indexer.detect._hyperscan import CompiledOnce
from indexer.detect.births import NEEDLES as _BIRTH_NEEDLES
from indexer.detect.cellwrap import NEEDLES as _CELL_WRAPPED_NEEDLES
from indexer.detect.dial import NEEDLES as _DIAL_NEEDLES
from indexer.detect.examples import PATTERNS as _EXAMPLE_PATTERNS
from indexer.detect.examples import PLACEHOLDER_PATTERNS as _PLACEHOLDER_PATTERNS
from indexer.detect.glued import NEEDLES as _GLUED_NEEDLES
from indexer.detect.informs import NEEDLES as _FORMS_NEEDLES
from indexer.detect.jcard import NEEDLES as _JCARD_NEEDLES
from indexer.detect.logins import NEEDLES as _LOGINS_NEEDLES
from indexer.detect.nationals import NEEDLES as _NATIONAL_NEEDLES
from indexer.detect.notmail import NEEDLES as _NO_ONE_NEEDLES
from indexer.detect.pivot import NEEDLES as _PIVOT_NEEDLES
from indexer.detect.seeds import FOREIGN_EOLS
from indexer.detect.spaced import RUN_LOOK, SEPARATOR_ENDS
from indexer.detect.sqllit import NEEDLES as _SQL_LITERAL_NEEDLES
from indexer.detect.toolprints import NEEDLES as _TOOLS_NEEDLES
from indexer.detect.wrappers import NEEDLES as _WRAPPED_NEEDLES

try:  # optional, as for the prefilter: the wheel bundles the library
    import hyperscan as _hs
except ImportError:  # pragma: no cover - depends on the install
    _hs = None  # type: ignore[assignment]

__all__ = ["ALL", "BANK", "BANK_BLOCKS", "BANK_CARDS", "BANK_IBANS",
           "BORN", "CELL_WRAPPED", "DECORATED", "DIAL", "EOL", "EXAMPLE", "FORMS", "GLUED", "JCARD", "LOGINS",
           "NATIONAL", "NO_ONE", "PLACEHOLDER",
           "PIVOT", "SEPARATOR", "SMALL", "SQL_LITERALS", "TOOLS", "WRAPPED", "looks"]

EOL, SEPARATOR, NO_ONE, DECORATED, WRAPPED = 1, 2, 4, 8, 16
ALL = EOL | SEPARATOR | NO_ONE | DECORATED | WRAPPED
RUN = 1 << 8  # rows a separator line apart, as `spaced._RUN` reads them (`spaced.RUN_LOOK`)
ALL |= RUN
GLUED = 32  # (records glued two a line: `glued.split_glued`)
ALL |= GLUED
EXAMPLE = 128  # (well-known example values: `examples.drop_examples`)
ALL |= EXAMPLE
SQL_LITERALS = 64  # (hex, typed and cast SQL literals: `sqllit.plain`)
ALL |= SQL_LITERALS
CELL_WRAPPED = 1 << 9  # (cells kept text by an export: `'0612...`, `="0612..."`, `"Name" <addr>`: `cellwrap.bare`)
ALL |= CELL_WRAPPED
BORN = 1 << 10  # (a birth said in words: `né le`, `DOB:`: `births.add`)
ALL |= BORN
PIVOT = 1 << 11  # (an entity's fields one a row: `pivot.rewrite`)
FORMS = 1 << 12  # (forms inside JSON strings or log lines: `informs.rewrite`)
ALL |= PIVOT | FORMS
DIAL = 1 << 13  # (WhatsApp's click-to-chat links: `dial.bare`)
ALL |= DIAL
JCARD = 1 << 14  # (vCards written as JSON arrays: `jcard.rewrite`)
ALL |= JCARD
LOGINS = 1 << 15  # (credentials as the tools that keep them write them: `logins.rewrite`)
ALL |= LOGINS
NATIONAL = 1 << 16  # (a national number behind its label in an untyped value: `nationals.add`)
ALL |= NATIONAL
# (payment files' records, carders' lines, IBANs in boxes or wrapped: `banking.rewrite`, a bit each)
BANK_BLOCKS, BANK_CARDS, BANK_IBANS = 1 << 17, 1 << 18, 1 << 19
BANK = BANK_BLOCKS | BANK_CARDS | BANK_IBANS
ALL |= BANK
PLACEHOLDER = 1 << 20  # (a documentation's one placeholder person: `examples.drop_placeholder_person`)
ALL |= PLACEHOLDER
TOOLS = 1 << 21  # (an analyst's tool's markup: grep's prefixes, caret notation, a word diff: `toolprints`)
ALL |= TOOLS
# bytes: under this the checks' own searches cost less than a scan's call. (512 until wave 27: the
# per-line wrappers' Python first looks, `wrappers.unwrap`, cost ~200,000 instructions a dump post
# of 300-500 bytes, a scan ~50,000: bench.instructions dump_posts -2.4%, posts_many 0)
SMALL = 128


def _literal(s: str) -> bytes:
    return b"".join(b"\\x%02x" % c for c in s.encode("utf-8"))


_WS = rb"\t\n\x0b\x0c\r "  # ASCII whitespace: Python's `\s` is these and more (so `[^\s]` less)
# a line that `spaced._DECOR` may read as decorated: an address, then ':' or '|' and a password's
# first character (`_COMBO_AT`), with a space or a tab before it (a head's decoration ends in
# one) or after it (a tail's starts with one); unbounded where the pattern counts characters
_DECORATED = (
    rb"@[^" + _WS + rb":|;@]+[:|][^" + _WS + rb"][^\n]*[ \t]",  # (two patterns: a little faster)
    rb"[ \t][^\n]*@[^" + _WS + rb":|;@]+[:|][^" + _WS + rb"]",
)


def _patterns() -> list[tuple[bytes, int]]:
    out = [(_literal(c), EOL) for c in FOREIGN_EOLS]
    out += [(_literal(s), SEPARATOR) for s in SEPARATOR_ENDS]
    out += [(_literal(s), NO_ONE) for s in _NO_ONE_NEEDLES]
    out.append((RUN_LOOK, RUN))  # (`spaced.compact`'s first look)
    out += [(p, WRAPPED) for p in _WRAPPED_NEEDLES]  # (per-line wrappers: `wrappers.unwrap`)
    out += [(p, GLUED) for p in _GLUED_NEEDLES]
    out += [(p, EXAMPLE) for p in _EXAMPLE_PATTERNS]
    out += [(p, SQL_LITERALS) for p in _SQL_LITERAL_NEEDLES]
    out += [(p, CELL_WRAPPED) for p in _CELL_WRAPPED_NEEDLES]
    out += [(p, BORN) for p in _BIRTH_NEEDLES]
    out += [(p, PIVOT) for p in _PIVOT_NEEDLES]
    out += [(p, FORMS) for p in _FORMS_NEEDLES]
    out += [(p, DIAL) for p in _DIAL_NEEDLES]
    out += [(p, JCARD) for p in _JCARD_NEEDLES]
    out += [(p, LOGINS) for p in _LOGINS_NEEDLES]
    out += [(p, NATIONAL) for p in _NATIONAL_NEEDLES]
    out += [(p, BANK_BLOCKS) for p in _banking.BLOCK_NEEDLES]
    out += [(p, BANK_CARDS) for p in _banking.CARD_NEEDLES]
    out += [(p, BANK_IBANS) for p in _banking.IBAN_NEEDLES]
    out += [(p, PLACEHOLDER) for p in _PLACEHOLDER_PATTERNS]
    out += [(p, TOOLS) for p in _TOOLS_NEEDLES]
    return out + [(p, DECORATED) for p in _DECORATED]


_BITS: list[int] = [b for _, b in _patterns()]


def _compile() -> Any:
    pats = _patterns()
    db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
    db.compile(expressions=[p for p, _ in pats], ids=list(range(len(pats))), elements=len(pats),
               flags=[_hs.HS_FLAG_SINGLEMATCH] * len(pats))
    return db


_COMPILED = CompiledOnce(_compile)  # (a CPU Hyperscan does not support: the checks run as before)


def _db() -> Any:
    return _COMPILED.db() if _hs is not None else None


def looks(b: bytes) -> int:
    """The checks that may apply to the text whose UTF-8 is `b` (`EOL | SEPARATOR | ...`);
    `ALL` when there is no scan to ask."""
    if len(b) < SMALL:
        return ALL
    db = _db()
    if db is None:
        return ALL
    s = _COMPILED.scratch()
    seen = [0]
    bits = _BITS

    def on(i: int, _f: int, _t: int, _fl: int, _c: object) -> bool | None:
        seen[0] |= bits[i]
        return True if seen[0] == ALL else None  # (all set: nothing more to learn)

    try:
        db.scan(b, match_event_handler=on, scratch=s)
    except _hs.ScanTerminated:
        pass
    return seen[0]
