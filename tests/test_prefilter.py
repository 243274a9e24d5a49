"""The one-pass prefilter (`indexer.detect.prefilter`) against the full engine, byte for byte.

The reference is the engine as it was before the prefilter: `decode()` then `detect_text()` on
the whole text. The prefilter's way (`prefilter.run`, which `detect()` takes on bytes) must
give equal `Fragment`s (kind, line range, text, identifiers with spans and tokens, flags,
severity, excerpt, delimiter) on the labelled corpus in every rendering, prose posts, sparse
pages made of many posts, and fuzzed posts assembled from dump, key: value, quote, statement,
signature, rule and blank lines. Also: its UTF-8 check agrees with Python's decoder.
"""

from __future__ import annotations

import random

import pytest

from indexer import engine
from indexer.decode import decode
from indexer.detect import _LIMITS, Tokenizer, detect, detect_text
from indexer.detect import prefilter as P
from indexer.detect.seeds import candidate_starts
from indexer.tokens import MatchKey
from tests.corpus.generate import (
    KINDS,
    RENDERINGS,
    _Gen,
    _noise_block,
    _signature,
    make_dump,
    make_post,
    make_prose_post,
    render,
)
from tests.native_core import require_native

pytestmark = pytest.mark.skipif(not P.available(), reason="hyperscan not installed: " + P.reason())

KEY = MatchKey(bytes.fromhex("42" * 32))


def _full(b: bytes, filename: str | None = None) -> list:
    return detect_text(decode(b, filename=filename), key=KEY, filename=filename)


def _pre(b: bytes, filename: str | None = None) -> tuple[list, bool]:
    """The prefilter's way, windows taken however much of the input they cover."""
    r = P.run(b, detect_text, Tokenizer(KEY), filename, None, _LIMITS, max_share=1.0)
    return (_full(b, filename), True) if r is None else (r, False)


def _same(b: bytes, what: str, filename: str | None = None) -> bool:
    want = _full(b, filename)
    got, _ = _pre(b, filename)
    assert got == want, (what, [(f.kind, f.start_line, f.end_line) for f in want],
                         [(f.kind, f.start_line, f.end_line) for f in got])
    assert detect(b, key=KEY, filename=filename) == want, what  # whichever way detect() goes
    return bool(want)


def test_corpus_every_rendering_and_prose() -> None:
    found = 0
    for i in range(30):
        text, _ = make_post(17_000 + i)
        for how in RENDERINGS:
            b = render(text, how)
            found += _same(b if isinstance(b, bytes) else b.encode(), f"post {i} {how}")
    for i in range(150):
        assert not _same(make_prose_post(27_000 + i).encode(), f"prose {i}")
    assert found >= 130  # the comparison saw fragments, not only empty lists


def test_table_files_and_dumps() -> None:
    for k, kind in enumerate(KINDS):
        text, _ = make_dump(kind, 40, 900 + k)
        for name in ("dump.csv", "leak.txt", None):
            assert _same(text.encode(), f"{kind} {name}", name)


def _pool(seed: int) -> list[str]:
    lines: list[str] = []
    for k, kind in enumerate(KINDS):
        t, _ = make_dump(kind, 6, seed * 100 + k)
        lines += t.replace("\r\n", "\n").split("\n")
    g = _Gen(seed)
    for _ in range(20):
        lines += _noise_block(g) + _signature(g)
    lines += ["Nom: Dupont", "Prénom: Jean", "Tel: 06 12 34 56 78", "Email: jean.dupont@gmail.com",
              "Contact: a.b@free.fr", "URL: https://x.com", "Login: bob@x.fr", "Password: hunter2",
              "-----", "___", "> Nom: X", ">", "> jean@x.fr:pass", "CREATE TABLE users (", "  email varchar(255),",
              ");", "INSERT INTO users VALUES ('a@b.fr');", "COPY public.users (email, tel) FROM stdin;", "\\.",
              '{"email": "a@b.fr"}', "MSH|^~\\&|X", "Prix: 50$ 12345678", "ınsert into x values ('a@b.fr');",
              "   ", "\t", "a@b.fr", "0612345678", "x=1 a@b.fr", "né le: 01/02/1990", "Contact -> c@d.fr"]
    return lines


def _fuzz_post(r: random.Random, lines: list[str]) -> str:
    out: list[str] = []
    for _ in range(r.randint(1, 40)):
        if r.random() < 0.3:
            out += [""] * r.choice([1, 1, 1, 2, 3, 4])
        else:
            out.append(r.choice(lines))
    return "\n".join(out)


def test_fuzzed_posts() -> None:
    r = random.Random(11)
    pools = [_pool(s) for s in range(4)]
    found = windowed = 0
    for i in range(1500):
        b = _fuzz_post(r, r.choice(pools)).encode()
        if r.random() < 0.05:
            b = b.replace(b"\n", b"\r\n")
        want = _full(b)
        got, full = _pre(b)
        assert got == want, (i, b[:2000])
        found += bool(want)
        windowed += not full
    # (944 windowed since wave 25: a small post holding one person's record alone on a line, which
    # no window would hold, takes the full way; 803 since wave 27, whose lone records include two
    # types of identifiers beside a birth field, `lone.fielded_birth`; `detect()` windows no input
    # under 256 KiB anyway, and a lone record is looked for in texts of 4 KiB at most)
    assert found >= 300 and windowed >= 780


def test_sparse_pages() -> None:
    """Many posts in one call (a thread page): windows, statement tails, line numbers far down;
    the last page is over `WINDOWED_MIN_BYTES`, so `detect()` itself takes the windows."""
    r = random.Random(5)
    for page, n in ((0, 400), (1, 400), (2, 1300)):
        posts = [make_prose_post(40_000 + page * 1000 + i) for i in range(n)]
        for k in range(4 if page < 2 else 3):
            posts.insert(r.randrange(len(posts)), make_post(50_000 + page * 10 + k, kinds=("csv", "combo", "jsonl",
                                                                                          "stealer_log"))[0])
        b = "\n\n".join(posts).encode()
        assert _same(b, f"page {page}")
    assert len(b) >= P.WINDOWED_MIN_BYTES
    assert P.run(b, detect_text, Tokenizer(KEY), None, None, _LIMITS) is not None  # the windows were taken


def test_detect_many_equals_detect_one_by_one() -> None:
    """The batched API (one scan for many posts) against `detect()` per post: every rendering
    (CRLF, cp1252, UTF-16, HTML go their own way), prose, dumps, fuzzed posts, a UTF-8 BOM."""
    items: list[bytes | str] = []
    for i in range(15):
        text, _ = make_post(18_000 + i)
        items += [render(text, how) for how in RENDERINGS]
    items += [make_prose_post(28_000 + i).encode() for i in range(200)]
    r = random.Random(2)
    pool = _pool(9)
    items += [_fuzz_post(r, pool).encode() for _ in range(300)]
    items += [b"\xef\xbb\xbf" + items[-1], items[-2] + b"\xc3", b"", "texte a@b.fr\nx@y.fr\nz@w.fr"]
    r.shuffle(items)
    want = [detect(x, key=KEY) for x in items]
    assert P.detect_many(items, key=KEY) == want
    assert sum(map(len, want)) >= 80
    codes = P.scan_batch([x for x in items if isinstance(x, bytes)])
    assert 0 < codes.count(0) < len(codes)  # some posts are done by the scan alone


def test_utf8_check_agrees_with_python() -> None:
    r = random.Random(3)
    alphabet = [bytes([i]) for i in range(256)] + ["é".encode(), "€".encode(), "😀".encode(), b"a", b"\n"]
    for _ in range(20_000):
        b = b"".join(r.choice(alphabet) for _ in range(r.randint(0, 8)))
        try:
            b.decode("utf-8")
            ok = True
        except UnicodeDecodeError:
            ok = False
        assert P._events(b)[2] is not ok, b


def test_nothing_to_find_is_not_decoded() -> None:
    """A post with no seed line: the scan says so and there are no windows."""
    w = P.prefilter(make_prose_post(3).encode().replace(b"@", b" ").translate(None, b"0123456789"))
    assert w.ranges == [] and not w.full
    assert P.prefilter("prénom\n\xff".encode("latin-1")).full == "not UTF-8"


def test_without_hyperscan_detect_many_is_detect_and_doctor_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """The module missing (simulated: the import's result set to None, as on a machine without
    the wheel): detect_many takes `detect()` item by item, and the status line says why."""
    items = [make_post(19_000 + i)[0].encode() for i in range(5)] + [make_prose_post(1).encode()]
    monkeypatch.setattr(P, "_hs", None)
    monkeypatch.setattr(P, "_COMPILED", P.CompiledOnce(P._compile))  # nothing compiled yet
    assert not P.available()
    assert "not installed" in P.status() and "hyperscan" in P.reason()
    assert P.detect_many(items, key=KEY) == [detect(x, key=KEY) for x in items]


def test_quoted_lines_above_a_lone_line_are_read_without_their_prefix() -> None:
    """A reply quoting prose above a signature's `Contact: x@y` line has no start line: the
    lines above are judged as `detect_text` sees them, without their quote prefix (they were
    all taken for `key: value` lines, and such posts were decoded and detected for nothing).
    A quoted dox above the same line is still one block with it."""
    prose = ("Merci pour la réponse.\n\n> Tu as toujours le stock ?\n>> Je prends tout, même prix.\n\n"
             "Contact: jeanne.martin@example.fr\n")
    dox = ("Voilà la fiche.\n\n> Nom : Dupont\n> Prénom : Jean\n> Adresse : 12 rue de la Paix, 75002 Paris\n"
           "> Date de naissance : 15 mars 1985\n\nContact : jean.dupont@example.fr\n")
    arrow = "Merci.\n\n> Nom -> Martin\n\nContact: jeanne.martin@example.fr\n"
    assert candidate_starts(prose.encode()) == [] and detect(prose.encode(), key=KEY) == []
    assert candidate_starts(dox.encode()) == [(7, 0)]
    frags = detect(dox.encode(), key=KEY)
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("dox", 3, 8)]
    assert sorted(i.type for i in frags[0].identifiers) == ["address", "dob", "email", "name"]
    assert frags == _full(dox.encode())
    # a quoted `a -> b` line is a key: value line for the recognisers: under a label that names
    # something (a dox's), the lone line is kept
    assert candidate_starts(arrow.encode()) == [(4, 0)]


@pytest.mark.parametrize("engine_name", ["python", "native"])
def test_a_signature_under_unnamed_key_value_lines_has_no_start(engine_name: str) -> None:
    """A seller's `Prix: 2800$, contact: tox, paiement: BTC/XMR` line above a signature's lone
    `Contact: x@y`: no start line and no `detect()` of the post (until wave 18 any `key: value`
    line above kept the signature, and each such post cost a whole detection: 8 ms per MB of
    forum text, twice the one-pass scan). A label above that names something (a dox's `Nom`, a
    stealer log's `URL`) still keeps it, and a dox written above it is still found."""
    if engine_name == "native":
        require_native()
    engine.set_engine(engine_name)
    try:
        signature = "\n\n___\nContact: jeanne.martin@example.fr\n"
        unnamed = ["Base clients 2024, 12 000 lignes, prix en DM.\n\nPrix: 2800$, contact: tox, paiement: BTC/XMR",
                   "Prix: 1200$\n\nLivraison: sous 24h",
                   "> Paiement -> BTC",
                   "Stock: 3 bases\nPrix: 50$"]
        named = ["Nom: Martin", "URL: https://shop.example/login", "Email -> ventes", "Prix: 50$\nNom : Martin"]
        posts = [(u + signature).encode() for u in unnamed]
        assert [candidate_starts(p) for p in posts] == [[]] * len(posts)
        assert P.detect_many(posts, key=KEY) == [[]] * len(posts)
        kept = [(n + signature).encode() for n in named]
        for p in kept:
            line = p.count(b"\n") - 1  # the signature's line
            assert candidate_starts(p) == [(line, 0)], p
        assert P.detect_many(kept, key=KEY) == [detect(p, key=KEY) for p in kept]
        dox = ("Nom: Dupont\nPrénom: Jean\nAdresse: 12 rue de la Paix, 75002 Paris\nNé le: 15/03/1985\n\n"
               "Prix: 50$\n" + signature).encode()
        frags = P.detect_many([dox], key=KEY)[0]
        assert frags == detect(dox, key=KEY) and [f.kind for f in frags] == ["dox"]
        assert {"name", "address", "dob"} <= {i.type for i in frags[0].identifiers}
    finally:
        engine.set_engine(None)  # the engine VIGIE_ENGINE names
