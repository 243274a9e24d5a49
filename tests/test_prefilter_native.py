"""The compiled core's sparse-text scan (`vigie_native.sparse_scan`, used by
`prefilter.detect_many` on the native engine) never loses a fragment.

Reference: the pure-Python engine, `detect()` one post at a time. `detect_many` on the native
engine (one pass of the core over all posts; only the posts it cannot prove empty are decoded
and detected) must return equal `Fragment` lists (kind, lines, text, identifiers with spans and
tokens, flags, severity, excerpt) on the labelled corpus in every rendering, prose posts and
fuzzed posts (seeded lines, then hypothesis, time-boxed). Sharper than that, post by post: when
the scan leaves a post out, the engine's own steps (`candidate_starts`, quote prefixes set aside,
the blank-neighbour and `alone_is_nothing` test of `detect_text`) skip every start line of it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import engine
from indexer.decode import Limits
from indexer.detect import detect
from indexer.detect import prefilter as P
from indexer.detect.seeds import RULE_CHARS, alone_is_nothing, candidate_starts
from indexer.tokens import MatchKey
from tests.corpus.generate import RENDERINGS, make_post, make_prose_post, render
from tests.test_prefilter import _fuzz_post, _pool

vigie_native = pytest.importorskip("vigie_native", reason="the compiled core is not built (scripts/setup.sh)")

KEY = MatchKey(bytes.fromhex("42" * 32))
_QUOTE = re.compile(r"\n>[> ]{0,8}")  # indexer.detect._QUOTE_PREFIX


@pytest.fixture(autouse=True)
def _native() -> Iterator[None]:
    assert hasattr(vigie_native, "sparse_scan"), "vigie_native predates sparse_scan: rebuild it (scripts/setup.sh)"
    engine.set_engine("native")
    try:
        yield
    finally:
        engine.set_engine(None)


def _reference(items: list[bytes | str]) -> list[list]:
    engine.set_engine("python")
    try:
        return [detect(x, key=KEY) for x in items]
    finally:
        engine.set_engine("native")


def _left_out(items: list[bytes | str]) -> set[int]:
    flagged = {k for k, _, _ in vigie_native.sparse_scan(items, Limits().max_line_chars, 1 << 20, P._label_names,
                                                  engine.today())}
    return set(range(len(items))) - flagged


def _engine_skips_every_start(b: bytes) -> bool:
    """`detect_text`'s main loop on `b` up to its alone test: True when every start line of
    `candidate_starts` takes the `continue` (so the engine returns [] without a recogniser)."""
    text = b.decode("utf-8")
    raw = text.split("\n")
    lines = raw[:]
    src = "\n" + text
    last = k = 0
    for m in _QUOTE.finditer(src):
        s = m.start()
        k += src.count("\n", last, s + 1)
        last = s + 1
        lines[k - 1] = raw[k - 1][m.end() - s - 1:]
    n = len(lines)
    for st_, _floor in candidate_starts(b):
        alone = (st_ == 0 or not lines[st_ - 1].strip(RULE_CHARS)) and (
            st_ + 1 >= n or not lines[st_ + 1].strip(RULE_CHARS))
        if not (alone and alone_is_nothing(lines[st_], lambda s=st_: lines[max(0, s - 3):s])):
            return False
    return True


def _check(items: list[bytes | str], what: str) -> tuple[int, int]:
    want = _reference(items)
    got = P.detect_many(items, key=KEY)
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == w, (what, k, items[k][:2000])
    out = _left_out(items)
    for k in out:
        x = items[k]
        assert isinstance(x, bytes) and _engine_skips_every_start(x), (what, k, x[:2000])
    return len(out), sum(map(len, want))


def test_corpus_every_rendering_and_prose() -> None:
    items: list[bytes | str] = []
    for i in range(25):
        text, _ = make_post(61_000 + i)
        items += [render(text, how) for how in RENDERINGS]
    items += [make_prose_post(62_000 + i).encode() for i in range(400)]
    left, frags = _check(items, "corpus")
    assert frags >= 100 and left >= 300  # fragments were compared, and the scan did leave posts out


def test_fuzzed_posts() -> None:
    r = random.Random(23)
    pools = [_pool(s) for s in range(4)]
    extra = ["Contact: a@b.fr", "> Email: x@y.fr", "   Tel = 0612345678", "Site -> http://x 12345678",
             "ınsert a@b.fr", "ſelect: a@b.fr", "\u00a0Contact: a@b.fr", "\u2028 x@y.fr", "\x1cNom: a@b.fr",
             "• Mail: a@b.fr", "- Login: bob a@b.fr", "Numéro de suivi 96946629672151 (colis)", "Prix ٣: a@b.fr",
             "x" * 41 + ": a@b.fr", "x" * 42 + ": a@b.fr", "x" * 40 + "-> a@b.fr", "a;b: a@b.fr", "a|b: c@d.fr",
             "Réf\t12345678", ">>> > >>>> Nom: a@b.fr", "{a@b.fr", "[1] a@b.fr", "copy a@b.fr", "  CREATE a@b.fr",
             "MSH|^~", "Contact:   ", "Contact:\u3000x@y.fr", "E-mail : a@b.fr", "Handy: +49 170 1234567",
             "<3 a@b.fr", "<p>a@b.fr</p>", "a@b.fr\x00", "\ufeffa@b.fr"]
    left = found = 0
    for i in range(1200):
        pool = r.choice(pools) + extra
        b = _fuzz_post(r, pool).encode()
        if r.random() < 0.03:
            b = b.replace(b"\n", b"\r\n")
        items: list[bytes | str] = [b]
        lo, fr = _check(items, f"fuzz {i}")
        left += lo
        found += fr > 0
    assert found >= 200 and left >= 50


# what a lone line of a dox in prose is made of, and what looks like it (the core's bound on
# `prose.alone_prose`, rust/vigie_native/src/prefilter.rs `prose_may`, must keep every one of
# the reference's doxes): names, cues, dates, phones in every notation, addresses, ids
_PROSE_PIECES = [
    "Julien Moreau", "JULIEN Moreau", "Élodie Renaud", "il s'appelle Marc Petit,", "son tel c'est le", "her number is",
    "né le", "née le", "born", "DOB", "le 14/02/1988", "14.02.1988", "3 mars 1995", "March 3rd, 1990", "1988-02-14",
    "il habite au", "lives at", "23 rue des Lilas, 69003 Lyon", "4 allée des Pins, 91000 Évry", "06 45 12 78 90",
    "0645127890", "+33 6 45 12 78 90", "+33 (0)6 45 12 78 90", "06/45/12/78/90", "06.45.12.78.90", "+43 (1) 2345",
    "+1 (713) 754-1726", "(+33) 6 45 12 78 90", "+43 1 2345", "+49 30 1234", "+4312345",
    "0033 645127890", "julien.moreau88@gmail.com", "contact@acme.fr",
    "jean [at] gmail [dot] com", "1 85 05 78 006 084 36", "2A 85 05 78 006 084 36", "FR76 3000 6000 0112 3456 7890 189",
    "fr76 3000 6000 0112 3456 7890 189", "4970 1012 3456 7802", "4111111111111111", "RSSMRA85T10A562S",
    "commande 932448725830307", "du 11/10/2024", "total 181,39 €", "version 7.14.65", "build 20240311",
    "sha db36575016d33462", "son 06", "sa mère", "dox", "cible", "my ex", ",", ".", "et", "—", "«", "»", "\u00a0",
    "numéro", "ne\u0301 le", "номер 12345678", "ı", "Müller@x.de",
]


def test_lone_prose_lines() -> None:
    """Lone lines (blank lines around them) of dox pieces, with prose around: the core leaves a
    post out, or hands a line back, exactly where the reference engine finds nothing."""
    r = random.Random(31)
    items: list[bytes | str] = []
    for _ in range(1500):
        paras = []
        for _ in range(r.randint(1, 4)):
            if r.random() < 0.6:
                paras.append(" ".join(r.choice(_PROSE_PIECES) for _ in range(r.randint(2, 7))))
            else:
                paras.append(r.choice(["Salut à tous, quelqu'un a des nouvelles ?", "Merci pour le partage.",
                                       "Prix: 2800$, contact: tox", "---", "> cité plus haut"]))
        items.append("\n\n".join(paras).encode())
    left, frags = _check(items, "lone prose")
    assert left >= 300 and frags >= 50  # posts were left out, and doxes were found and compared


_TOKENS = list("aZé: =->;|\t•*-_#+{[@0123456789. /ıſ\u00a0\u2028\x1c٣>") + [
    "Contact", "Email", "Nom", "Tel", "INSERT", "copy ", "x@y.fr", "12345678", "MSH|", "\n", "\n\n", "> "]
_LINE = st.lists(st.sampled_from(_TOKENS), max_size=30).map("".join)


# derandomized (the same posts every run: a fresh draw each run would let CI meet a rare post no
# run before met), as tests/test_engine_differential.py's properties are
@settings(max_examples=300, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, min_size=1, max_size=12))
def test_hypothesis_posts(parts: list[str]) -> None:
    b = "\n".join(parts).encode()
    _check([b], "hypothesis")


def test_batch_order_types_and_sizes() -> None:
    """Many posts in one call, some text (str) or over the item limit: each list in its place."""
    items: list[bytes | str] = [make_prose_post(63_000 + i).encode() for i in range(300)]
    items[5] = make_post(64_000)[0]  # a str: detect() itself
    items[7] = make_post(64_001)[0].encode()
    items.append(b"Nom: X\nEmail: a@b.fr\n" * 1000)
    _check(items, "batch")
    got = P.detect_many(items, key=KEY, filenames=["x.html"] + [None] * (len(items) - 1))
    assert got == [detect(items[0], key=KEY, filename="x.html")] + P.detect_many(items[1:], key=KEY)
