"""The compiled core's "is anything veiled here?" (rust/vigie_native/src/veil.rs, asked by its
sparse scan of the posts it would leave out) says what `unveil.veiled_among` says (RE2 on the
UTF-8 bytes read as Latin-1), item by item: on the equivalence corpus in every rendering and
prose posts, both blind probe rounds' inputs, the pieces of every needle at every offset, random
batches of needle pieces and random bytes. A post the core leaves out unveiled would be lost by
the crawl (`prefilter.detect_many`), which no longer asks RE2 on the native engine."""

from __future__ import annotations

import base64
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.detect.unveil import may_be_veiled, veiled_among
from tests.corpus.generate import RENDERINGS, make_dump, make_post, make_prose_post, render
from tests.native_core import require_native


@pytest.fixture(scope="module")
def core():  # type: ignore[no-untyped-def]
    return require_native()


def _same(core, items: list[bytes], what: str) -> int:  # type: ignore[no-untyped-def]
    want = veiled_among(items)
    got = core.veiled_among(items)
    assert [k for k, it in enumerate(items) if core.veiled(it)] == got  # (what `detect()` asks)
    if got != want:
        bad = sorted(set(got) ^ set(want))
        raise AssertionError((what, [(k, k in want, items[k][:300]) for k in bad[:5]]))
    return len(want)


def test_corpus_renderings_prose_and_dumps(core) -> None:  # type: ignore[no-untyped-def]
    items: list[bytes] = []
    for i in range(30):
        text, _ = make_post(71_000 + i)
        for how in RENDERINGS:
            r = render(text, how)
            items.append(r if isinstance(r, bytes) else r.encode("utf-8", "replace"))
    items += [make_prose_post(72_000 + i).encode() for i in range(500)]
    for k, kind in enumerate(("csv", "sql_insert", "combo", "jsonl", "pg_copy", "separated_run")):
        items.append(make_dump(kind, 40, 73_000 + k)[0].encode())
    n = _same(core, items, "corpus")
    assert 0 < n < len(items)  # both answers were compared


def test_blind_probe_inputs(core) -> None:  # type: ignore[no-untyped-def]
    from tests import test_detect_blind_probe_evasions as r1
    from tests import test_detect_blind_probe_evasions2 as r2

    texts = [t for mod in (r1, r2) for t in [*(p[0] for p in mod.POSITIVES.values()), *mod.NEGATIVES.values()]]
    items = [t if isinstance(t, bytes) else t.encode("utf-8") for t in texts]
    assert _same(core, items, "probes") >= 40  # the evasions are veiled, and seen so


# each needle of `unveil._VEIL_MATCH` and what nearly is one
_NEEDLES = [
    "\u00a0", "\u00ad", "\u2007", "\u2009", "\u200a", "\u200b", "\u200c", "\u200d", "\u202f", "\u2060", "\ufeff",
    "\uff01", "\uff10", "\uff3f", "\uff40", "\uff5e", "\uff5f", "\u0660", "\u0669", "\u066a", "\u06f0", "\u06f9",
    "\u06fa", "\u180e", "\u3000", "\u2008", "\u2019", "\u2028", "\u00a9", "jean AT orange", "jean  AT  orange",
    "jean    AT orange", "j AT", "x arobase y", "x Arobas y", "x AROBASE y", "x AROBAS y", "x arobase   y", "x @ y",
    "x  @y", "x@ y", "x@    y", "x @    y", "x    @ y", "_ @ 9", ". @ y", "%0a", "%0A", "%0b", "%40", "&#64;", "&#",
    "\\n", "\\t", "p\u0430ul@yahoo", "paul@yah\u043eo", "\u03b1" + "x" * 64 + "@", "\u03b1" + "x" * 65 + "@",
    "@" + "x" * 64 + "\u0451", "@" + "x" * 65 + "\u0451", "\u0430 @", "\u04d0x@", "\u0501@", "\u0481@",
    "QUJD" * 15, "QUJD" * 14 + "QUJ", "de ad be ef 00 11 22 33 44 55 ", "de ad be ef 00 11 22 33 44 5",
    "0a:1b:2c:3d:4e:5f:6a:7b:8c:9d:", "A" * 32 + "\n" + "B" * 32, "A" * 31 + "\n" + "B" * 32,
    "A" * 32 + "\n" + "B" * 31, "x" + "A" * 32 + "\n" + "B" * 32,
]


def test_each_needle_at_each_offset(core) -> None:  # type: ignore[no-untyped-def]
    items = []
    for nd in _NEEDLES:
        for off in range(34):
            for tail in ("", " et la suite", "\n\nfin du message, merci à tous."):
                items.append(("Bonjour à tous, voici le lien "[:off] + " " + nd + tail).encode())
                items.append((nd + tail).encode())
    n = _same(core, items, "needles")
    assert 0 < n < len(items)


_PIECES = [b"A" * 40, b"B" * 59, b"QUJD" * 9, b"0a 1b 2c 3d 4e ", b"ff:" * 6, b"jean ", b" AT ", b"@ ", b" @",
           b"orange", b"%0", b"A\n", b"&", b"#", b"\\", b"n", b"\xc2", b"\xa0", b"\xe2\x80", b"\x8b", b"\xd0", b"\xb0x",
           b"@x", b"plain text ", b"\n", b" ", b"0123456789abcdef" * 3, b"abc.def@", b"\xce\xb1", b"arobase", b"a",
           b"\xef\xbc", b"\x90", b"\xd9", b"\xa5", b"\t", b"\r", b"\x0b", b"\x0c", b"\xc3\xa9", b"+/", b"-_", b"'"]


def test_random_batches_of_needle_pieces(core) -> None:  # type: ignore[no-untyped-def]
    rnd = random.Random(22)
    hits = total = 0
    for _ in range(3000):
        items = [b"".join(rnd.choice(_PIECES) for _ in range(rnd.randrange(0, 14)))
                 for _ in range(rnd.randrange(1, 12))]
        hits += _same(core, items, "pieces")
        total += len(items)
    assert 0.2 * total < hits < 0.8 * total  # both answers well represented


def test_blobs_that_decode(core) -> None:  # type: ignore[no-untyped-def]
    csv = "nom;email;tel\nMartin;paul.m@exemple.fr;06 12 34 56 78\nDurand;eve.d@exemple.fr;07 81 23 45 67\n"
    b64 = base64.b64encode(csv.encode()).decode()
    items = [b64.encode(), csv.encode().hex().encode(), " ".join(f"{c:02x}" for c in csv.encode()).encode()]
    items += [("voici:\n" + "\n".join(b64[i:i + w] for i in range(0, len(b64), w)) + "\nfin").encode()
              for w in (16, 31, 32, 33, 40, 59, 60, 76)]
    assert _same(core, items, "blobs") >= 9


# derandomized: the same inputs every run (a fresh draw each run would let CI meet a rare input no
# earlier run met; a random hunt of 20,000 examples and 200,000 random byte strings found none)
@settings(max_examples=400, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=200) | st.sampled_from(_PIECES), max_size=10).map(b"".join))
def test_hypothesis_bytes(core, data: bytes) -> None:  # type: ignore[no-untyped-def]
    want = may_be_veiled(data)
    assert core.veiled_among([data]) == ([0] if want else []) and core.veiled(data) is want
