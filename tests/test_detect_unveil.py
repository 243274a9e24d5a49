"""`indexer.detect.unveil`: text written against scrapers or posted encoded whole, read as its
reader reads it before either engine sees it (the blind probe's misses, see
tests/test_detect_blind_probe_evasions.py). Here: what it leaves alone, where a decoded sample's
fragment points in the input, both engines on the unveiled inputs, and linear time on hostile
input. Synthetic data only."""

from __future__ import annotations

import base64
import binascii
import os
import time

import pytest

from indexer.detect import detect
from indexer.detect.unveil import may_be_veiled, unveil
from indexer.tokens import MatchKey
from tests import test_detect_blind_probe_evasions as R1
from tests import test_detect_blind_probe_evasions2 as R2
from tests.native_core import assert_same_fragments, both_engines, require_native

KEY = MatchKey(b"\x4e" * 32, version=1)


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour à tous, le forum rouvre lundi. Écrivez à l'équipe pour vos accès.",
        "jean [at] exemple [dot] fr et marie(at)exemple(dot)fr",  # read where written by `encoded`
        "MEET AT HOME DOT COM TONIGHT",  # shouted prose: no address
        "meet me at home dot com",
        "rdv @ 10h devant la gare, prix 12 @ 3.50",
        "5f4dcc3b5aa765d61d8327deb882cf99\ne10adc3949ba59abbe56e057f20f883e",
        "jean.dupont@exemple.fr;0612345678\nmarie@exemple.fr;0698765432",
    ],
)
def test_plain_text_is_left_alone(text: str) -> None:
    assert unveil(text) is None


def test_rewrites() -> None:
    assert unveil("a\u200bb@c\u00ad.fr ０６ ١٢")[0] == "ab@c.fr 06 12"  # type: ignore[index]
    assert unveil("jean.dupont AT exemple DOT fr")[0] == "jean.dupont@exemple.fr"  # type: ignore[index]
    assert unveil("x: jean arobase exemple point fr")[0] == "x: jean@exemple.fr"  # type: ignore[index]
    assert unveil("p\u0430ul@exempl\u0435.fr")[0] == "paul@exemple.fr"  # type: ignore[index]
    # a Cyrillic address is Cyrillic throughout: kept as written
    assert unveil("пример: почта@пример.рф") is None
    assert unveil("jean&#64;exemple&#x2e;fr")[0] == "jean@exemple.fr"  # type: ignore[index]
    assert unveil("a &#0; b &#60;script&#62;") is None  # no control characters, no markup made


def test_a_decoded_sample_points_at_its_blob() -> None:
    csv = "nom;email;tel\nMartin;paul.m@exemple.fr;06 12 34 56 78\nDurand;eve.d@exemple.fr;07 81 23 45 67\n"
    blob = "\n".join(base64.b64encode(csv.encode()).decode()[i : i + 40] for i in range(0, 200, 40))
    text = "intro\n\nvoici:\n" + blob + "\nfin du post\nmerci"
    text2, src = unveil(text)  # type: ignore[misc]
    assert "paul.m@exemple.fr" in text2 and len(src) == text2.count("\n") + 1
    frags = detect(text, key=KEY)
    assert len(frags) == 1 and {("email", "paul.m@exemple.fr"), ("phone", "+33612345678")} <= {
        (i.type, i.value) for i in frags[0].identifiers
    }
    assert frags[0].start_line == 4 and 4 <= frags[0].end_line <= 7  # within the blob's lines in the post


def test_looks_are_cheap_and_right() -> None:
    assert not may_be_veiled("Bonjour, rien à voir ici : 06 12 34 56 78".encode())
    assert may_be_veiled("06\u00a012".encode()) and may_be_veiled("٠٦١٢".encode())
    assert may_be_veiled(b"x" * 10 + base64.b64encode(b"y" * 60))
    assert may_be_veiled(b"j.d AT exemple DOT fr")


@pytest.mark.parametrize("name", sorted(set(R1.POSITIVES) | {f"2:{n}" for n in R2.POSITIVES}))
def test_both_engines_read_the_same_text(name: str) -> None:
    require_native()
    data = R2.POSITIVES[name[2:]][0] if name.startswith("2:") else R1.POSITIVES[name][0]
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    ref, got = both_engines(raw, KEY)
    assert_same_fragments(ref, got, name)


_HOSTILE = {
    "base64_alphabet": "A" * 1_000_000,
    "hash_lines": "\n".join(binascii.hexlify(os.urandom(32)).decode() for _ in range(20_000)),
    "spaced_hex_junk": ("ff 00 " * 200_000),
    "url_newlines": "q=" + "%0A" * 300_000,
    "json_escapes": '{"a": "' + "x;y\\n" * 200_000 + '"}',
    "spelled_at": "jean AT " * 150_000,
    "lookalikes": ("p\u0430ul@" * 100_000),
    "char_refs": "&#64;" * 200_000,
    "local_chars": "a" * 500_000 + " arobase b point fr",
}


@pytest.mark.parametrize("name", sorted(_HOSTILE))
def test_hostile_input_stays_linear(name: str) -> None:
    text = _HOSTILE[name]
    t0 = time.thread_time()
    unveil(text)
    assert time.thread_time() - t0 < 3.0, name


def test_detect_many_unveils_what_detect_does() -> None:
    """A crawl's posts go through `prefilter.detect_many` (the detection pool), whose one-pass
    scan skips the posts it finds no seed event in: a sample in base64 or a list in full-width
    digits has none until unveiled, so the crawl lost what `detect()` (and `vigie scan`) found.
    Same lists for every input of both blind probe rounds, as given and as bytes, in one batch."""
    from indexer.detect import detect
    from indexer.detect.prefilter import detect_many
    from tests import test_detect_blind_probe_evasions as r1
    from tests import test_detect_blind_probe_evasions2 as r2

    texts = [t for mod in (r1, r2) for t in [*(p[0] for p in mod.POSITIVES.values()), *mod.NEGATIVES.values()]]
    key = r1.KEY
    want = [[(f.start_line, f.end_line, [(i.type, i.value) for i in f.identifiers]) for f in detect(t, key=key)]
            for t in texts]
    assert sum(1 for w in want if w) >= 60, "the probes' inputs must hold fragments"
    for items in (texts, [t.encode("utf-8") if isinstance(t, str) else t for t in texts]):
        got = [[(f.start_line, f.end_line, [(i.type, i.value) for i in f.identifiers]) for f in frags]
               for frags in detect_many(items, key=key)]
        assert got == want


def test_veiled_among_a_batch_is_may_be_veiled_of_each() -> None:
    """One search over a batch joined by blank lines must say of each item what a search of the
    item alone says: no needle may start in one item and end in the next (random pieces of
    needles at items' ends and starts: a base64 run, spaced hex, `@ `, a wrapped blob's lines)."""
    import random

    from indexer.detect.unveil import may_be_veiled, veiled_among

    rnd = random.Random(21)
    pieces = [b"A" * 40, b"B" * 59, b"QUJD" * 9, b"0a 1b 2c 3d 4e ", b"ff:" * 6, b"jean ", b" AT ", b"@ ", b" @",
              b"orange", b"%0", b"A\n", b"&", b"#", b"\\", b"n", b"\xc2", b"\xa0", b"\xe2\x80", b"\x8b", b"\xd0",
              b"\xb0x", b"@x", b"plain text ", b"\n", b" ", b"0123456789abcdef" * 3, b"abc.def@", b"\xce\xb1"]
    for _ in range(300):
        items = [b"".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 8))) for _ in range(rnd.randrange(1, 12))]
        assert veiled_among(items) == [k for k, it in enumerate(items) if may_be_veiled(it)], items
