"""The compiled core (vigie_native) against the pure-Python engine, which is the reference.

Both engines run in this process on the same inputs and must give equal `Fragment` objects:
kind, lines, text, every identifier (type, canonical value, token, key version, span,
network, country), the article 9 flags, the severity and the redacted excerpt. Inputs: the
equivalence corpus (tests/corpus posts in several renderings, and dumps of every kind with and
without header), the bench's dense dumps in a small size, the leak-clustering fixture's
reposts, the adversarial strings of tests/test_detect_adversarial.py (cut to 20k characters:
their full size is for the time caps, not for equivalence), and fuzzed records (hypothesis,
derandomised, 800 examples). The ported validators, the row splitter and the
HMAC are also compared value by value with their Python counterparts.

Skipped when vigie_native is not built, except with VIGIE_REQUIRE_NATIVE=1 (CI), where its
absence fails.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer import engine
from indexer import identifiers as ids
from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey, token
from tests.fixtures.fuzz_records import HEADERS, VALUES, cell, fuzz_post
from tests.native_core import assert_same_fragments as _same
from tests.native_core import require_native as _require_native
from tests.native_core import vigie_native

KEY = MatchKey(b"\x11" * 32, version=3)

Run = Callable[..., tuple[list[Fragment], list[Fragment]]]


@pytest.fixture(scope="module")
def both() -> Iterator[Run]:
    _require_native()

    def run(data: bytes | str, **kw: object) -> tuple[list[Fragment], list[Fragment]]:
        engine.set_engine("python")
        ref = detect(data, key=KEY, **kw)  # type: ignore[arg-type]
        engine.set_engine("native")
        got = detect(data, key=KEY, **kw)  # type: ignore[arg-type]
        return ref, got

    try:
        yield run
    finally:
        engine.set_engine(None)  # back to what VIGIE_ENGINE says


def test_native_engine_is_selected_by_name() -> None:
    _require_native()
    try:
        assert engine.set_engine("native") == "native (Rust)"
        assert engine.core() is not None
        assert engine.set_engine("python").startswith("python (pure, because VIGIE_ENGINE=python")
        assert engine.core() is None
    finally:
        engine.set_engine(None)


def test_dumps_of_every_kind(both: Run) -> None:
    from tests.corpus.generate import KINDS, make_dump

    for kind in KINDS:
        for seed in range(2):
            for header in (True, False, None):
                text, _ = make_dump(kind, 40, faker_seed=7000 + seed, header=header)
                ref, got = both(text)
                _same(ref, got, f"{kind} seed {seed} header {header}")
                assert kind in ("stealer_log", "dox", "hl7") or header is False or ref, f"{kind}: nothing found"


def test_corpus_posts_in_renderings(both: Run) -> None:
    from tests.corpus.generate import make_post, make_prose_post, render

    for i in range(40):
        text, _ = make_post(900_000 + i)
        how = ("plain", "crlf", "cp1252", "utf-16", "html", "html-div")[i % 6]
        ref, got = both(render(text, how))
        _same(ref, got, f"post {i} ({how})")
    for i in range(5):
        ref, got = both(make_prose_post(910_000 + i))
        _same(ref, got, f"prose {i}")


def test_bench_dense_dumps_small(both: Run) -> None:
    from bench.detect import dense_inputs

    for n, data in enumerate(dense_inputs(1400)):
        ref, got = both(data[:60_000])
        assert ref, f"dense dump {n}: nothing found"
        _same(ref, got, f"dense dump {n}")


def test_leak_reposts(both: Run) -> None:
    from tests.fixtures.leaks_corpus import make_corpus

    for r in make_corpus(seed=3, dumps_per_shape=2, rows=30)[::4]:
        ref, got = both(r.raw, filename=r.filename)
        _same(ref, got, f"repost {r.label} {r.fraction}")


def test_adversarial_strings(both: Run) -> None:
    from tests.test_detect_adversarial import PATHOLOGICAL

    for name, s in sorted(PATHOLOGICAL.items()):
        ref, got = both(s[:20_000])
        _same(ref, got, f"adversarial {name}")


# ---------------------------------------------------------------------------------- fuzzing
@settings(max_examples=800, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_fuzzed_records(both: Run, seed: int) -> None:
    text = fuzz_post(seed)
    ref, got = both(text)
    _same(ref, got, f"fuzz seed {seed}:\n{text[:400]}")


# -------------------------------------------------------------- JSON lines parsed in Rust
# `json.rs` reads the JSON lines `json.loads` would read, and hands back the rest: each edge here
# sits in a line of a JSON-lines dump beside identifiers, and both engines must agree.
_JSON_EDGES = [
    "-0", "0", "-12", "1e5", "1E+2", "1.5", "-0.0", "1.", "1.e3", "01", "-", "1e", "NaN", "Infinity", "-Infinity",
    "nan", "true", "false", "null", "tru", '"\\u00e9l\\u00e8ve"', '"\\ud83d\\ude00"', '"\\ud800"', '"\\udc00 x"',
    '"\\ud800\\u0041"', '"a\\/b\\\\c\\"d"', '"\\x41"', '"tab\there"', '"\\t\\n\\r\\b\\f"', '"\\u00"',
    '"\\uZZZZ"', '"0612345678"', "612345678", "33612345678", '""', "[]", "{}", '{"email": "x@ex.fr"}',
    '[1, "a@b.fr", [2, [3, ["06 12 34 56 78"]]]]', "[1,]", '{"a":1,}', '{"a" 1}', '{1: 2}', "[" * 30 + "]" * 30,
    "[" * 250 + "1" + "]" * 250, "9" * 1001, "9" * 999, "-" + "9" * 5000, '{"nom": "A", "nom": "B"}',
    '{"email": "a@b.fr", "email": "c@d.fr"}', "[" + ",".join(f'"u{k}@ex.fr"' for k in range(220)) + "]",
    '"\u00a0x@ex.fr\u2028"', '"é"', '"\ufeff"',
]


def _json_lines(r: random.Random) -> str:
    lines = []
    for _ in range(r.randint(2, 6)):
        members = [f'"{c}": "{cell(r)}"'.replace("\\", "\\\\") if r.random() < 0.5
                   else f'"{c}": {r.choice(_JSON_EDGES)}' for c in r.sample(HEADERS, r.randint(2, 5))]
        sp = r.choice(["", " ", "  ", "\t"])
        line = "{" + ("," + sp).join(f"{sp}{m}" for m in members) + sp + "}"
        lines.append(r.choice(["", " ", "[", "\t"]) + line + r.choice(["", ",", " ,", "]", " x"]))
    return "\n".join(lines)


def test_json_lines_edges(both: Run) -> None:
    for n, edge in enumerate(_JSON_EDGES):
        text = "\n".join(f'{{"email": "u{k}@example.fr", "x": {edge}, "telephone": "06 12 34 56 {k:02d}"}}'
                         for k in range(3))
        ref, got = both(text)
        _same(ref, got, f"edge {n}: {edge[:60]!r}")
    for k, raw in enumerate(["{\"email\": \"a@b.fr\", \"n\": \"\x01\"}", "\ufeff{\"email\": \"a@b.fr\"}",
                             '{"email": "a@b.fr"}\u00a0', '{"email":\u00a0"a@b.fr"}']):
        ref, got = both("\n".join([raw, '{"email": "c@d.fr", "tel": "0612345678"}'] * 2))
        _same(ref, got, f"raw {k}")


def _walk_reference(t: str, line: str, base: int) -> list[tuple[str, int, object]] | None:
    import json

    from indexer.detect.records import _walk

    try:
        obj = json.loads(t)
    except (ValueError, RecursionError):
        return None
    fields: list[tuple[str, int]] = []
    roles: list[object] = []
    _walk(obj, line, base, fields, roles, None, 0)
    return [(v, p, r) for (v, p), r in zip(fields, roles, strict=True)]


def test_json_parser_reads_what_json_loads_reads_or_hands_back() -> None:
    """Value by value: the core's fields of a JSON text against `_walk(json.loads(t))`. Where the
    core reads a text it must give the same fields, offsets and roles; where `json.loads` fails
    the core must hand it back (None); it may also hand back texts `json.loads` reads."""
    _require_native()
    core = engine.core() if engine.set_engine("native") else None
    try:
        assert core is not None
        r = random.Random(23)
        texts = [f'{{"x": {e}}}' for e in _JSON_EDGES] + [e for e in _JSON_EDGES]
        texts += [_json_lines(r).split("\n")[0].strip().rstrip(",").lstrip("[").rstrip("]") for _ in range(3000)]
        alphabet = ['"', "\\", "u", "d", "8", "0", "{", "}", "[", "]", ",", ":", " ", "-", "e", "1", ".", "\t", "é",
                    "\x01", "n", "a@b.fr"]
        for _ in range(3000):  # mutated texts: a character changed, added or removed
            t = list(r.choice(texts[: len(_JSON_EDGES) * 2]))
            for _ in range(r.randint(1, 3)):
                k = r.randrange(len(t) + 1)
                if r.random() < 0.4 and k < len(t):
                    del t[k]
                else:
                    t.insert(k, r.choice(alphabet))
            texts.append("".join(t))
        read = loadable = 0
        for t in texts:
            line = " " + t + " "
            want = _walk_reference(t, line, 7)
            loadable += want is not None
            got = core.json_fields(t, line, 7)
            if got is None:
                continue
            read += 1
            assert want is not None, f"the core read what json.loads refuses: {t[:200]!r}"
            assert [(v, p) for v, p, _ in got] == [(v, p) for v, p, _ in want], t[:200]
            assert [str(x) for _, _, x in got] == [str(x) for _, _, x in want], t[:200]
        # the core reads most of what json.loads reads (it hands back duplicate keys, lone
        # surrogates, very long integers, deep nesting), and the test covers both
        assert 0.8 * loadable < read < len(texts) and loadable > 1000, (read, loadable, len(texts))
    finally:
        engine.set_engine(None)


@settings(max_examples=400, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_fuzzed_json_lines(both: Run, seed: int) -> None:
    text = _json_lines(random.Random(seed))
    ref, got = both(text)
    _same(ref, got, f"json seed {seed}:\n{text[:400]}")


# ------------------------------------------------------------------------ value by value
_TODAY = None


def _today() -> tuple[int, int, tuple[int, int, int]]:
    d = date.today()
    return ids._this_year(), int(ids._YEAR[0]), (d.year, d.month, d.day)


def _python(kind: str, v: str) -> str | None:
    if kind == "iban":
        return ids.canon_iban(v)
    fn = {"email": ids.canon_email_py, "nir": ids.canon_nir_py, "card": ids.canon_card_py, "dob": ids.canon_dob,
          "name": ids.canon_name, "address": ids.canon_address, "password_hash": ids.canon_password_hash}[kind]
    return fn(v)


def test_ported_validators_agree_or_defer() -> None:
    _require_native()
    r = random.Random(17)
    alphabet = "0123456789 .-/:@$AaBbZz2\"'<>\t\n\xa0\x1cé+_"
    values = list(VALUES)
    for _ in range(6000):
        base = r.choice(VALUES)
        chars = list(base)
        for _ in range(r.randint(0, 3)):
            if chars and r.random() < 0.5:
                chars[r.randrange(len(chars))] = r.choice(alphabet)
            else:
                chars.insert(r.randint(0, len(chars)), r.choice(alphabet))
        values.append("".join(chars))
    ported = 0
    for kind in ("email", "nir", "iban", "card", "dob", "name", "address", "password_hash"):
        for v in values:
            got = vigie_native.canon(kind, v, _today())
            if got == "\0defer":
                continue
            want = _python(kind, v)
            if kind == "iban" and got is None:
                assert want is None, f"iban {v!r}: native rejects, python gives {want!r}"
                continue
            assert got == want, f"{kind} {v!r}: native {got!r}, python {want!r}"
            ported += 1
    assert ported > 20_000  # most values are decided without Python


def test_phones_with_an_at_sign_agree_or_defer() -> None:
    """The core's `canon_phone` says None itself for an "@" in a phone cell (an email in a
    shifted column) only where `canon_phone_py` (libphonenumber's parse) says None: fuzzed
    emails, numbers before, around and after an "@", French prefixes, "00", "(0)", a second
    number ("/ x"), ";" (RFC 3966 parameters: deferred), over 250 characters, several regions."""
    _require_native()
    r = random.Random(53)
    parts = ["jean.dupont", "@", "@", "example.net", "06 12 34 56 78", "0612345678", "+33", "0033", "33", "00", "0",
             "(0)", "6", "12", " ", ".", "-", "/", "/ x", "\\x", "x", "#", "_", ";", ";phone-context=+33", "ext",
             "+", "tel:", "a", "Z", "\t", "))", "((", "470 12 34 56", "+32", "+1 212 555 0100", ",", "!"]
    regions = ["FR", "FR", "BE", "US", "DE", "GP", "CH"]
    decided = 0
    for k in range(6000):
        raw = "".join(r.choice(parts) for _ in range(r.randint(1, 9)))
        if "@" not in raw:
            raw = raw + "@" if k % 2 else "@" + raw
        if k % 500 == 0:
            raw = "0612345678@" + "x" * 250
        region = r.choice(regions)
        got = vigie_native.canon_phone(raw, region)
        if got is ...:
            continue
        decided += 1
        assert got == ids.canon_phone_py(raw, region), (raw, region, got)
    assert decided > 1000  # the core decides many of them (each one by the new rule: "@" deferred before)


def test_card_network_and_tokens() -> None:
    _require_native()
    r = random.Random(5)
    for _ in range(3000):
        d = "".join(r.choice("0123456789") for _ in range(r.randint(12, 19)))
        d = r.choice(["4", "5", "2221", "34", "37", "6011", "65", "62", "3528", "1800", "300", "50", "6"]) + d[:-2]
        assert vigie_native.card_network(d) == ids.card_network(d), d
        u = d[:3] + "\u0666" + d[4:]  # a Unicode digit (canon_card_py keeps it): chars, not bytes
        assert vigie_native.card_network(u) == ids.card_network(u), u
    for klen in (0, 16, 32, 64, 65, 100):
        key = MatchKey(bytes(r.randrange(256) for _ in range(klen)))
        tok = vigie_native.Tokenizer(key.key)
        for t, c in [("email", "a@b.fr"), ("name", "élise dupont"), ("phone", "+33612345678"), ("x", ""),
                     ("credential", "user:pä$$wörd😀")]:
            assert tok(t, c) == token(key, t, c)
        found = [("email", f"u{k}@ex.fr", 0, 1) for k in range(50)]
        assert tok.tokens(found) == [token(key, "email", f"u{k}@ex.fr") for k in range(50)]


def test_row_splitter_agrees_with_python() -> None:
    _require_native()
    from indexer.detect.shapes import _split

    r = random.Random(9)
    for _ in range(5000):
        sep = r.choice(";,\t|")
        s = "".join(r.choice(['"', '""', sep, sep, "a", "é", " ", "x1", "\u20ac"]) for _ in range(r.randint(0, 20)))
        base = r.randint(0, 50)
        with engine.reference_only():  # (`_split` itself asks the core on the native engine)
            want = _split(s, sep, base)
        assert vigie_native.split_row(s, sep, base) == want, repr(s)


def test_free_text_skipped_only_when_the_scanner_finds_nothing() -> None:
    _require_native()
    from indexer.detect.scan import scan

    r = random.Random(11)
    pieces = ["0", "1", "5", "9", "06", "33", "+", "(", "(0)", ")", " ", ".", "-", "/", "\xa0", "a", "b", "B", "x", "Z",
              "é", "_", ":", "rue", "75002", "Paris", "\u0663", "ff", "deadbeef" * 2, "FR76", "1990", "12", "AB",
              "fr76", "/12", "3000 ", "/06"]
    skipped = 0
    values = [r.choice(VALUES) for _ in range(500)]
    values += ["".join(r.choice(pieces) for _ in range(r.randint(1, 12))) for _ in range(8000)]
    # lowercase IBANs made of hex characters only (an Andorran, a German one), and hex ids shaped so
    values += ["de89370400440532013000", "ad1200012030200359100100", "be68539007547034", "ca019ac970fd4ce646e8bbce"]
    values += ["".join(r.choice("abcdef") for _ in range(2)) + "".join(r.choice("0123456789abcdef") for _ in range(n))
               for n in range(8, 40) for _ in range(20)]
    for v in values:
        if vigie_native.scan_finds_nothing(v):
            out: list = []
            scan(v, out, 0)
            assert out == [], f"{v!r}: skipped by the core, but the scanner finds {out}"
            skipped += 1
    assert skipped > 2000


def test_national_ids_agree_or_defer() -> None:
    _require_native()
    r = random.Random(23)
    seeds = ["85.07.30-033.28", "85073003328", "00012556777", "12345678Z", "X1234567L", "Y7654321G", "RSSMRA85T10A562S",
             "MRTMTT91D08F205J", "AB123456C", "QQ123456C", "078-05-1120", "123-45-6789", "756.1234.5678.97",
             "7561234567897", "RSSMRA85T10A562s", " ab 12 34 56 c ", "RSS:MRA85T10A562S"]
    values = list(seeds)
    for _ in range(4000):
        chars = list(r.choice(seeds))
        for _ in range(r.randint(0, 2)):
            chars[r.randrange(len(chars))] = r.choice("0123456789XYZABCDLMNSTV .-")
        values.append("".join(chars))
    values += ["".join(r.choice("0123456789") for _ in range(n)) for n in (9, 11, 13) for _ in range(700)]
    decided = 0
    for v in values:
        for cc in ids.NATIONAL_ID_COUNTRIES:
            got = vigie_native.canon_national_id(v, cc, _today())
            if got is ...:
                continue
            assert got == ids.canon_national_id(v, cc), f"{cc} {v!r}: native {got!r}"
            decided += 1
    assert decided > 30_000


def test_identifiers_built_by_the_core_are_the_reference_ones() -> None:
    """`Core.build` (tokens, Identifier objects with their slots filled directly, excerpt
    masks) against `_identifiers`, the Python loop, on every type and span case."""
    _require_native()
    from indexer.detect import Sink, Tokenizer, _identifiers

    r = random.Random(31)
    values = {
        "email": ["a@b.fr", "jean.dupont@gmail.com", "x@localhost", "é@x.", "@"],
        "phone": ["+33612345678", "+3261234567", "+1", "", "+33é12345678"],
        "nir": ["195017512345678", "2A0000000000012", "1"],
        "iban": ["FR7630006000011234567890189", "BE1", ""],
        "card": ["4111111111111111", "371449635398431", "12", "6011000000000004"],
        "credential": ["user:pass", "a@b.fr:pä$$", ":x", "ü:"],
        "national_id": ["BE85073003328", "ES12345678Z", "é", ""],
        "name": ["élise dupont"], "address": ["1 rue x 75001 paris"], "dob": ["1980-01-01"],
        "password_hash": ["$2b$12$" + "a" * 53], "siren": ["732829320"],
    }
    core = None
    try:
        engine.set_engine("native")
        core = engine.core()
        assert core is not None and core.direct_identifiers, "the core should fill Identifier slots directly"
        for _ in range(300):
            sink = Sink()
            for _ in range(r.randint(0, 40)):
                t = r.choice(list(values))
                c = r.choice(values[t])
                st = r.choice([-1, -(10**9), 0, 5, 1999, 2000, 2500])
                en = st + r.choice([0, 1, 12, -1])
                sink.found.append((t, c, st, en))
            cut = r.choice([0, 100, 2000])
            tok = Tokenizer(KEY)
            ref_masks: list[tuple[int, int, str]] = [(0, 1, "x")]
            got_masks = list(ref_masks)
            ref = _identifiers(sink, tok, KEY.version, cut, ref_masks)
            types: set[str] = {"stale"} if r.random() < 0.2 else set()
            got = core.build(sink.found, engine.native_tokenizer(KEY.key), KEY.version, cut, got_masks, types)
            assert got == ref
            assert types - {"stale"} == {f[0] for f in sink.found}  # the severity's input, as `_build` read it
            assert [type(x) for x in got] == [type(x) for x in ref]
            # slots of atoms only: the core leaves them out of the cyclic collector's walks
            assert not any(gc.is_tracked(x) for x in got)
            assert got_masks == ref_masks
        # where Python raises (an empty NIR has no first character), so does the core
        bad = Sink()
        bad.found.append(("nir", "", 0, 3))
        with pytest.raises(IndexError):
            _identifiers(bad, Tokenizer(KEY), 1, 2000, [])
        with pytest.raises(IndexError):
            core.build(bad.found, engine.native_tokenizer(KEY.key), 1, 2000, [], set())
    finally:
        engine.set_engine(None)


def test_seed_lines_of_a_block_are_the_reference_ones() -> None:
    """`seeds.candidate_starts` with the core's per-block seed scan against the RE2 loop, on
    random blocks of seed-like and plain lines (and bytes that are not UTF-8)."""
    _require_native()
    from indexer.detect.seeds import candidate_starts

    r = random.Random(37)
    pieces = ["a@b.fr", "0612345678", "06 12 34 56 78", "1234.5678", "12-34-56-78", "user:pass", "1. x:y", "x|y",
              " ", "\t", ">", "> ", "MSH|", "COPY ", "INSERT ", "INSERT", "insert ", "é", "€", ":", "=", "{", "[",
              "--", "___", "word", "1", "12345678", "\x0b", "\x0c", ";", "|", "\xa0", "ı"]
    try:
        for k in range(3000):
            lines = ["".join(r.choice(pieces) for _ in range(r.randint(0, 6))) for _ in range(r.randint(1, 14))]
            text = "\n".join(lines) + r.choice(["", "\n"])
            b = text.encode()
            if k % 10 == 0:
                b = b.replace(b"\xc3\xa9", b"\xe9")  # Latin-1 bytes: the core hands them back
            engine.set_engine("python")
            ref = candidate_starts(b)
            engine.set_engine("native")
            assert candidate_starts(b) == ref, repr(b)
    finally:
        engine.set_engine(None)


def test_seed_passes_are_the_reference_ones() -> None:
    """`seeds.candidate_starts` with both whole-text passes in the core (`seed_passes`: pairs,
    blocks, special lines) against the three RE2 passes, on fuzzed texts of paragraphs: seed,
    key: value, combo, statement, rule and blank lines, quote marks, the characters RE2's case
    folding or classes could read otherwise ("ſ", "ı", the Kelvin sign, NBSP, \\v, \\f, CR),
    and bytes that are not UTF-8 (handed back)."""
    _require_native()
    from indexer.detect.seeds import candidate_starts

    r = random.Random(41)
    pieces = ["a@b.fr", "0612345678", "06 12 34 56 78", "1234.5678", "12-34-56-78", "user:pass", "1. x:y", "x|y",
              " ", "\t", ">", "> ", "MSH|", "COPY ", "INSERT ", "insert", "InSeRt", "inſert", "créate", "REPLACE ",
              "replac", "copy", "é", "€", ":", "=", "{", "[", "--", "___", "===", "word", "1", "12345678",
              "\x0b", "\x0c", "\r", ";", "|", "\xa0", "ı", "ſ", "\u212a", "Contact: ", "Prix: ", "email: ",
              "Nom = ", "url: ", "pass: ", "-> ", "2)", "3]", "  ", "#", "~", "+", "*",
              # a dox in prose and what the core's bound on it reads (`prefilter.rs`, `prose_may`)
              "Julien Moreau ", "né le ", "born ", " 14/02/1988", "12/03/2024", " il habite au ",
              "23 rue des Lilas, 69003 Lyon", " julien.moreau88@gmail.com ", " contact@acme.fr",
              "FR76 3000 6000 0112 3456 7890 189", " son tel ", "4111 1111 1111 1111", "1 85 05 78 006 084 36",
              " +33 6 45 12 78 90", "06/45/12/78/90", " (0)", "2A", " +43 (1) 2345", " 932448725830307 du "]
    line_kinds = [
        lambda: "".join(r.choice(pieces) for _ in range(r.randint(0, 7))),
        lambda: "",
        lambda: r.choice(["--", "___", " \t", "=-=-", "  ", "#+#"]),
        lambda: f"{r.choice(['Nom', 'Email', 'Tel', 'Prix', 'Contact', 'url', 'login', 'Ville'])}: "
                f"{r.choice(['x@y.fr', '0612345678', 'Paris', 'tox', '2800$', 'a:b'])}",
        lambda: f"{r.choice(['', '1. ', '> '])}user{r.randint(0, 99)}{r.choice([':', '|'])}pw{r.randint(0, 9)}",
        lambda: "Lorem ipsum dolor sit amet, " * r.randint(0, 3),
    ]
    try:
        for k in range(2500):
            lines = [r.choice(line_kinds)() for _ in range(r.randint(1, 30))]
            text = "\n".join(lines) + r.choice(["", "\n", "\n\n"])
            b = text.encode()
            if k % 25 == 0:
                b = b.replace(b"\xc3\xa9", b"\xe9")  # Latin-1 bytes: the core hands them back
            engine.set_engine("python")
            ref = candidate_starts(b)
            engine.set_engine("native")
            assert vigie_native.seed_passes(b, engine.today()) is not None or b"\xe9" in b, repr(b)
            assert candidate_starts(b) == ref, repr(b)
    finally:
        engine.set_engine(None)


def test_settle_of_national_phones_is_the_reference_one() -> None:
    """`Sink.settle` in the core against the Python reference: national-notation phones of
    several countries, column hints, the rows' `pays`, +CC numbers of the column and of the
    fragment, IBANs and national ids as context, values the French look inside."""
    _require_native()
    import copy
    from collections import Counter

    from indexer.detect.extract import Sink

    r = random.Random(41)
    national = ["06 12 34 56 78", "0612345678", "01 42 68 53 00", "030 1234567", "0151 23456789", "02 123 45 67",
                "0470 12 34 56", "612 34 56 78", "91 123 45 67", "06 1234 5678", "333 123 4567", "079 123 45 67",
                "(0)6 12 34 56 78", "0690 12 34 56", "06.12.34.56.78 / 07 12 34 56 78", "12", "", "abc",
                "0612345678 poste 12", "\u0660\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668", "06123456789"]
    e164 = ["+33612345678", "+4915123456789", "+32470123456", "+34612345678", "+393331234567", "+41791234567",
            "+12025550123", "+262692123456"]
    for k in range(400):
        sink = Sink()
        for _ in range(r.randint(0, 8)):
            t = r.choice(["phone", "phone", "iban", "national_id", "email"])
            c = r.choice(e164) if t == "phone" else r.choice(["FR76300", "BE71096", "ES91210", "DE89370", "a@b.fr"])
            sink.found.append((t, c, 0, 1))
        for col in range(r.randint(0, 3)):
            if r.random() < 0.6:
                sink.cc_col[col] = Counter({r.choice(["DE", "BE", "FR", "ES", "US"]): r.randint(1, 4)
                                            for _ in range(r.randint(1, 3))})
        for _ in range(r.randint(1, 30)):
            sink.pending.append((r.choice(national), r.randint(0, 5000), r.randint(0, 3),
                                 r.choice([None, None, "DE", "IT", "NL", ""]),
                                 r.choice([None, None, "BE", "ES", "FR"])))
        ref = copy.deepcopy(sink)
        try:
            engine.set_engine("python")
            ref.settle()
            engine.set_engine("native")
            sink.settle()
        finally:
            engine.set_engine(None)
        assert sink.found == ref.found, f"case {k}"
        assert sink.pending == ref.pending == []
        assert sink.cc_col == ref.cc_col


def test_json_lines_walked_by_the_core(both: Run) -> None:
    """`records._walk` + `extract_record` in one core call against the reference: nesting,
    lists, ints, bools, floats, null, duplicate keys, non-ASCII text and lone surrogates."""
    r = random.Random(43)
    vals = ['"jean.dupont@gmail.com"', '"+33 6 12 34 56 78"', "612345678", "true", "false", "null", "1.5",
            '"0612345678"', '"Élise"', '"\\u00c9lise"', '"\\ud800x@y.fr"', '"FR7630006000011234567890189"',
            "33612345678", '["a@b.fr", "06 12 34 56 78"]', '{"tel": "0612345678", "n": {"m": {"x": "a@b.fr"}}}',
            '""', '"garçon@garçon.fr"', '"195017512345678"']
    keys = ["email", "tel", "telephone", "nom", "prenom", "iban", "id", "nir", "Handy", "pays", "x", "email"]
    for k in range(60):
        lines = []
        for _ in range(r.randint(2, 6)):
            body = ", ".join(f'"{r.choice(keys)}": {r.choice(vals)}' for _ in range(r.randint(1, 6)))
            lines.append("{" + body + "}" + r.choice(["", ","]))
        text = "\n".join(lines)
        ref, got = both(text)
        _same(ref, got, f"json case {k}:\n{text[:400]}")


def test_json_line_loop_in_the_core(both: Run) -> None:
    """`records.jsonl`'s line loop in one core call (`Core.json_lines`) against the reference:
    blocks with lines the core hands back (Mongo shell values, JSON-looking lines that do not
    parse, lone surrogates, deep nesting), brackets and commas around the objects, Unicode
    spaces around a line, and blocks past 256 lines (the sink's cap check)."""
    r = random.Random(47)
    vals = ['"jean.dupont@gmail.com"', '"+33 6 12 34 56 78"', "612345678", "true", "null", '"0612345678"',
            '"\\ud800x@y.fr"', '"FR7630006000011234567890189"', '"195017512345678"', '"Élise"', '["a@b.fr"]',
            'ObjectId("5f4dcc3b5aa765d61d8327de")', 'ISODate("1990-07-26T00:00:00Z")', "NumberLong(42)",
            '{"a": {"b": {"c": {"d": {"e": {"f": {"g": "x@y.fr"}}}}}}}', "undefined", "'single@quote.fr'"]
    keys = ["email", "tel", "telephone", "nom", "prenom", "iban", "nir", "pays", "x", "mail"]
    for k in range(40):
        lines = []
        for _ in range(r.choice([2, 3, 8, 30, 300])):
            body = ", ".join(f'"{r.choice(keys)}": {r.choice(vals)}' for _ in range(r.randint(1, 5)))
            line = "{" + body + "}"
            q = r.random()
            if q < 0.1:
                line = "[" + line + "]"
            elif q < 0.15:
                line = "\u3000" + line + " \t"
            elif q < 0.2:
                line = "{" + body.replace('"', "") + "}"  # looks like JSON, does not parse
            lines.append(line + r.choice(["", ",", ",,"]))
        text = "\n".join(lines)
        ref, got = both(text)
        _same(ref, got, f"json loop case {k}:\n{text[:400]}")


def _with_check_digits(cc: str, bban: str) -> str:
    n = int((bban + cc + "00").translate({ord(c): str(ord(c) - 55) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}))
    return f"{cc}{98 - n % 97:02d}{bban}"


def test_iban_country_rules_in_the_core() -> None:
    """IBANs of every registry country (BBANs that fit their structure and ones that do not,
    all with valid check digits) read by the core as by `extract_record_py`."""
    _require_native()
    from stdnum import iban as std

    from indexer.detect.extract import Sink, extract_record_py

    r = random.Random(47)
    ccs = sorted({p[1] for p in std._ibandb.prefixes} | {"XX", "QQ"})
    values = []
    for cc in ccs:
        info = std._ibandb.info(cc)
        struct = info[0][1].get("bban") if info and info[0][1] else "4!n12!c"
        for _ in range(6):
            bban = ""
            for n, kind in std._struct_re.findall(struct):
                pool = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}.get(
                    kind, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                bban += "".join(r.choice(pool) for _ in range(int(n)))
            if r.random() < 0.3:
                bban = bban[:-1] if r.random() < 0.5 else bban + "7"
            if r.random() < 0.2 and any(c.isdigit() for c in bban):
                k = max(i for i, c in enumerate(bban) if c.isdigit())
                bban = bban[:k] + "A" + bban[k + 1:]
            iban = _with_check_digits(cc, bban)
            values.append(" ".join(iban[i:i + 4] for i in range(0, len(iban), 4)) if r.random() < 0.5 else iban)
    core = None
    valid = 0
    try:
        engine.set_engine("native")
        core = engine.core()
        for v in values:
            ref, got = Sink(), Sink()
            extract_record_py([(v, 0)], ["iban"], ref)
            core.record([(v, 0)], ["iban"], got, _today())
            assert got.found == ref.found, v
            valid += bool(ref.found)
    finally:
        engine.set_engine(None)
    assert valid > 100


def test_insert_head_match_is_the_whole_line_match() -> None:
    """`records.insert_match` reads an INSERT's head only; same span and groups as RE2 on the
    whole line, for heads around the cut (column lists, spaces and tuples across it)."""
    from indexer.detect.records import _HEAD, INSERT, insert_match

    r = random.Random(53)
    for _ in range(400):
        cols = ", ".join(f"`c{k}`" for k in range(r.choice([0, 3, 500, 700, 900])))
        head = f"INSERT {r.choice(['', 'IGNORE '])}INTO `t` " + (f"({cols}) " if cols else "")
        pad = " " * r.choice([0, 1, _HEAD - len(head) - 6, _HEAD - len(head), _HEAD])
        line = head + pad + r.choice(["VALUES ", "values", "VALUE ", ""]) + " " * r.randint(0, 3) + \
            ",".join(f"({k},'a{k}@b.fr')" for k in range(r.choice([1, 800])))
        a, b = insert_match(line), INSERT.match(line)
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert (a.span(), a.groups()) == (b.span(), b.groups())


def test_digit_cells_scanned_by_the_core_as_by_scan_only() -> None:
    """`scan_only`'s common case in the core (a run of digits with single separators, under a
    typed column or a national phone the fragment's country did not validate) against Python."""
    _require_native()
    from indexer.detect.extract import scan_only

    r = random.Random(59)
    seeds = ["0612345678", "0033612345678", "33612345678", "195017512345678", "1950175123456", "4111111111111111",
             "371449635398431", "85073003328", "7561234567897", "0690123456", "0000000000", "1234567890123456789012",
             "612345678", "12345678", "0612345678" * 4]
    hints = ["phone", "nir", "card", "iban", "email", "national_id", "siren", "password"]
    handled = 0
    try:
        engine.set_engine("native")
        core = engine.core()
        for k in range(6000):
            d = r.choice(seeds)
            if r.random() < 0.5:
                d = "".join(ch if r.random() < 0.9 else r.choice("0123456789") for ch in d)
            v = d[0]
            for ch in d[1:]:
                v += (r.choice(" .-") if r.random() < 0.3 else "") + ch
            if k % 50 == 0:
                v = " " + v if k % 100 else v + "a"  # not a digit cell: handed back
            hint = r.choice(hints)
            got = core.scan_digit_cell(v, hint, _today())
            if got is ...:
                continue
            handled += 1
            ref: list = []
            scan_only(v, 0, hint, ref)
            assert [x[1] for x in ref] == ([got] if got is not None else []), (v, hint, ref, got)
            assert all(x[2:] == (0, len(v)) for x in ref), (v, hint, ref)
    finally:
        engine.set_engine(None)
    assert handled > 3000


def test_accented_names_folded_by_the_core() -> None:
    """`canon_name` in the core on accented Latin names (folded by a table generated from
    Python's NFKD) and on other scripts, which it hands back, against `ids.canon_name`."""
    _require_native()
    r = random.Random(61)
    pieces = ["élise", "DUPONT", "Müller", "Ñoño", "Łukasz", "ß", "Æsa", "œuvre", "ÿves", "d'Ar", "’", "-", " ", "  ",
              "Ωmega", "ª", "ſ", "e\u0301", "Øre", "İ", "ǅ", "jean", "12", "_", "Çà", "Ā", "ŉ", "\u00a0", "x" * 100]
    for _ in range(5000):
        v = "".join(r.choice(pieces) for _ in range(r.randint(1, 5)))
        got = vigie_native.canon("name", v, _today())
        if got != "\0defer":
            assert got == ids.canon_name(v), repr(v)


def test_delimited_run_end_is_the_reference_one() -> None:
    """`shapes._runs`' scan of a delimited run in the core (`run_end`: quoted fields, `""`,
    unclosed quotes, trailing separators, blank lines) against `_fits` line by line."""
    _require_native()
    from indexer.detect.shapes import _fits, _sig

    r = random.Random(67)
    pieces = ["a", "1", '"', '""', '"x;y"', ";", ",", "|", "\t", " ", "é", "\u2003", "\x1c", ";;", '"a""b"', "q"]
    for _ in range(4000):
        lines = ["".join(r.choice(pieces) for _ in range(r.randint(0, 8))) for _ in range(r.randint(2, 9))]
        sig = _sig(lines[0])
        if sig is None:
            continue
        j = 1
        while j < len(lines) and lines[j].strip() and _fits(lines[j], sig):
            j += 1
        assert vigie_native.run_end(lines, 1, *sig) == j, (lines, sig)



def test_export_look_ahead_is_the_reference_one() -> None:
    """`exports.may_need_reading` on the core's SIMD search (`contains_any`) against Python's
    `in`, on inputs that hold each marker, pieces of one, or one cut at the input's edges."""
    _require_native()
    from indexer.detect import exports

    marks = exports._EXPORT_MARKS + exports._LDIF_MARKS + exports._LDIF_ENCODED
    r = random.Random(71)
    pieces = [*marks, *(m[:-1] for m in marks), *(m[1:] for m in marks), b"BEGIN:v", b"Transfer", b"dn", b"\n",
              b" ", b":", b"a;b;c\n", "é".encode(), b"\x00", b"x" * 40]
    for _ in range(4000):
        data = b"".join(r.choice(pieces) for _ in range(r.randint(0, 12)))
        for needles in (exports._EXPORT_MARKS, exports._LDIF_MARKS, exports._LDIF_ENCODED, (), (b"",)):
            assert vigie_native.contains_any(data, needles) == exports._contains_any(data, needles), (data, needles)
        try:
            engine.set_engine("python")
            ref = exports.may_need_reading(data)
            engine.set_engine("native")
            assert exports.may_need_reading(data) == ref, data
        finally:
            engine.set_engine(None)


# what the safety net's two patterns care about, and what Unicode's case folding under `(?i)` maps
# onto their letters (the Kelvin and Angstrom signs, long s, sharp s and its capital, dotted and
# dotless i, Ÿ): the core's `regex` crate and RE2 must read them alike
_NET_PIECES = ["a", "Zé", " ", "\n", "\n\n", ";", '","', ",Durand,Jean,", "12", " 75011 ", "rue des Lilas", "@",
               "jean@exemple.fr", "x@y.", "é@ü", "$2b$12$", "$2y$10$" + "a" * 22, "x" * 24, "€", "日本", "٣", "²",
               "+33 6 12 34 56 78", "\t", "’", "'", "3 bis", "12 RUE", "12 ſtreet", "4 \u212ang", "5 \u212a",
               "\u212b", "ß", "\u1e9e", "İ", "ı", "Ÿ", "ÿ", "12 Main Street", "Road", " st.", "bd. ", "Paris",
               "7 allée", "7 ALLÉE", "9 Rue de la Paix, 75002 Paris", "-", ".", "/", "2A073", "0x", ".",
               "12 Oak Par\u212away", "12 chauſſée x", "12 Main \u1e9e st", "1 ı St"]


def test_safety_net_in_the_core_is_the_reference_net() -> None:
    """`vigie_native.SafetyNet` (ADDRESS then the net, Rust's `regex` crate on the same pattern
    text) against `redact._net` (RE2) on random text."""
    assert _require_native()
    from indexer.redact import _net, net_patterns

    net = vigie_native.SafetyNet(*net_patterns())
    r = random.Random(89)
    for _ in range(20000):
        s = "".join(r.choice(_NET_PIECES) for _ in range(r.randint(0, 14)))
        assert net(s) == _net(s), s


def test_excerpt_walk_is_the_reference_redact() -> None:
    """The core's walk over a fragment's masks (`vigie_native.excerpt`) against `redact.redact`,
    with its own net and with the Python one: random heads of many lines and multi-byte
    characters, spans unsorted, overlapping, sharing a start, reaching past the cut, and gaps the
    net masks or skips."""
    assert _require_native()
    from indexer.redact import EXCERPT_TAIL, excerpt_end, net_patterns, redact, safety_net

    native_net = vigie_native.SafetyNet(*net_patterns())
    r = random.Random(97)
    masks = ["j***@e***.fr", "+33 6** ** ** 78", "[address]", "********", "", "[name]", "#"]
    for _ in range(3000):
        text = "".join(r.choice(_NET_PIECES) for _ in range(r.randint(0, 60)))
        if r.random() < 0.1:
            text = "\n".join([text] * r.randint(2, 30))
        n = len(text)
        spans = []
        for _ in range(r.randint(0, 12)):
            st = r.randint(0, n + 2)
            spans.append((st, st + r.randint(0, 15), r.choice(masks)))
        cut = excerpt_end(text)
        kept = [m for m in spans if 0 <= m[0] < cut]  # what `_build` passes
        want = redact(text, kept)
        for net in (native_net, safety_net):
            got = vigie_native.excerpt(text[:cut], kept, net)
            assert got is not None and got + (EXCERPT_TAIL if cut < n else "") == want, (text, kept, net)
    assert vigie_native.excerpt("abc", [(-1, 2, "x")], safety_net) is None  # Python's slices read from the end
