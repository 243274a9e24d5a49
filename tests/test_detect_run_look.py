"""`spaced.compact`'s first look in `firstlook`'s one scan (`firstlook.RUN`, `spaced.RUN_LOOK`).

`compact` (rows a blank line apart) searched `spaced._RUN` over every text that holds a separator
line: every dump post does (a blank line under its prose), and most hold no run of rows a
separator line apart (wave 26: ~3% of a dump post's instructions). `RUN_LOOK` is a superset of
`_RUN` in the scan `detect_text` makes anyway; where its bit is clear `_RUN` cannot match and is not
searched. Checked here: the superset on generated texts (a `_RUN` match and a clear bit would be a
lost dump), the same rewrite with and without the bit, the search skipped on a dump post (fails
before: `_RUN` searched once a post), and small texts and a missing scan still search (`ALL`
holds the bit). On whichever engine VIGIE_ENGINE selects (`compact` is Python on both).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from typing import Any

import pytest

from indexer.detect import detect, spaced
from indexer.detect import firstlook as F
from indexer.detect import prefilter as P
from indexer.tokens import MatchKey

KEY = MatchKey(bytes.fromhex("42" * 32))
needs_scan = pytest.mark.skipif(F._db() is None, reason="no hyperscan here: every bit is set, `_RUN` is searched")

_SEPS = ["", " ", "  ", "#", "\t", "\u00a0", "\u3000", " # ", "\r"]
_ROWS = [
    "{n};Lefèvre;jean.lefevre{n}@example.org;06{n:08d}",
    "léa{n}@gmail.com:motdepasse{n}",
    "+33 6 12 34 {n:02d} 78",
    '{{"email": "a{n}@b.fr", "tel": "06{n:08d}"}}',
    "Zoë|Müller|{n}|z{n}@x.de",
    "Dupont\tJean\t0612{n:06d}",
    "nom;prenom;email;telephone",
    "Bonjour à tous, voici le fichier de {n} lignes.",
    "Prix : {n} €, paiement en BTC",
    "ligne sans chiffre ni arobase",
    "----------",
    "<hr>",
]


def _text(rnd: random.Random) -> str:
    """Lines of rows, prose and separator lines, with runs a separator line apart now and then."""
    out: list[str] = []
    for _ in range(rnd.randrange(2, 14)):
        r = rnd.random()
        row = rnd.choice(_ROWS).format(n=rnd.randrange(100))
        if r < 0.45:
            out.append(row)
        elif r < 0.8:
            out += [rnd.choice(_SEPS) for _ in range(rnd.randrange(1, 4))]
            out.append(row)
        else:
            sep = rnd.choice(_SEPS)
            out += [x for k in range(rnd.randrange(2, 6)) for x in (rnd.choice(_ROWS).format(n=k), sep)]
    return "\n".join(out) + rnd.choice(["", "\n", "\n\n"])


def _drawn(n: int, seed: int) -> Iterator[str]:
    rnd = random.Random(seed)
    pad = "Texte de forum sans rien d'autre, écrit pour que le message dépasse le seuil.\n" * 8
    for _ in range(n):
        yield pad + _text(rnd)


@needs_scan
def test_run_look_is_a_superset_of_run() -> None:
    """Wherever `_RUN` matches, the scan sets the bit (else `compact` would not read the run)."""
    runs = clear = 0
    for text in _drawn(3000, 26):
        assert len(text.encode()) >= F.SMALL
        bit = F.looks(text.encode()) & F.RUN
        if spaced._RUN.search(text) is not None:
            runs += 1
            assert bit, text
        elif not bit:
            clear += 1
    assert runs > 300 and clear > 300  # (both kinds drawn: the assertion above was asked, the gate works)


@needs_scan
def test_compact_reads_the_same_with_the_bit() -> None:
    rewritten = 0
    for text in _drawn(1500, 27):
        got = spaced.compact(text, bool(F.looks(text.encode()) & F.RUN))
        assert got == spaced.compact(text), text
        rewritten += got is not None
    assert rewritten > 50


class _Counted:
    """`spaced._RUN` with its searches counted (a compiled pattern's methods cannot be patched)."""

    def __init__(self, rx: Any) -> None:
        self.rx, self.n = rx, 0

    def search(self, *a: Any) -> Any:
        self.n += 1
        return self.rx.search(*a)

    def finditer(self, *a: Any) -> Any:
        self.n += 1
        return self.rx.finditer(*a)


@pytest.fixture
def run_rx(monkeypatch: pytest.MonkeyPatch) -> _Counted:
    c = _Counted(spaced._RUN)
    monkeypatch.setattr(spaced, "_RUN", c)
    return c


_POST = (
    "Bonjour, voici un extrait de la base clients 2024, le reste en privé.\n\n"
    "Échantillon :\n"
    + "".join(f"Client{k};Lefèvre;client{k}@example.org;06{k:08d};Saint-Étienne\n" for k in range(12))
    + "\nContact : tox, paiement BTC/XMR.\n"
)
_SPACED = "Voici la liste :\n\n" + "".join(f"user{k}@gmail.com:motdepasse{k}\n\n" for k in range(10))


@needs_scan
def test_a_dump_post_without_a_run_is_not_searched(run_rx: _Counted) -> None:
    """Fails before: `compact` searched `_RUN` once for this post (a blank line under its prose)."""
    assert len(_POST.encode()) >= F.SMALL
    frags = detect(_POST.encode(), key=KEY)
    assert frags and sum(len(f.identifiers) for f in frags) >= 24
    assert run_rx.n == 0


def test_a_spaced_dump_is_searched_and_read(run_rx: _Counted) -> None:
    frags = detect(_SPACED.encode(), key=KEY)
    assert run_rx.n >= 1
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("combo", 3, 21)]
    assert sum(len(f.identifiers) for f in frags) == 20  # (ten addresses, ten passwords)


def test_small_texts_and_no_scan_search_as_before(run_rx: _Counted, monkeypatch: pytest.MonkeyPatch) -> None:
    """`ALL` (a text under `SMALL` bytes, no Hyperscan) holds the bit: `_RUN` is searched."""
    assert F.ALL & F.RUN
    small = "a\n\n" + "".join(f"u{k}@x.fr:p{k}\n\n" for k in range(3))
    assert len(small.encode()) < F.SMALL
    assert F.looks(small.encode()) & F.RUN
    assert len(detect(small.encode(), key=KEY)) == 1 and run_rx.n >= 1
    monkeypatch.setattr(F, "_db", lambda: None)
    assert F.looks(_POST.encode()) == F.ALL


def _frags(items: list[bytes]) -> list[list[dict[str, Any]]]:
    return [[dataclasses.asdict(f) for f in fs] for fs in P.detect_many(items, key=KEY)]


def test_same_fragments_as_with_every_check_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """`detect()` and `detect_many` (the crawl's path) on posts with and without runs: the same
    fragments as with `looks` answering "everything"."""
    items = [_POST.encode(), _SPACED.encode(), *(t.encode() for t in _drawn(200, 28))]
    got = _frags(items)
    assert got == [[dataclasses.asdict(f) for f in detect(x, key=KEY)] for x in items]
    assert got[0] and got[1] and sum(map(len, got)) > 15
    monkeypatch.setattr(F, "looks", lambda _b: F.ALL)
    assert got == _frags(items)
