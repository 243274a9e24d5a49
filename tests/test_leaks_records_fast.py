"""Record hashes are persisted (`leak_records`): a store written by an older Vigie must keep
matching the records of a repost ingested now, so `fragment_records` may get faster (wave 21:
it cost twice `detect` on a dense dump) but never give another hash. These tests compare it, on
every dump shape, Unicode, odd spaces, combining marks and long fields, with a frozen copy of the
code as it was written before wave 21 (tests/fixtures/records_v1.py): the copy is the oracle, and
a digest of its hashes on the synthetic inputs is pinned so that the copy itself cannot drift."""

from __future__ import annotations

import hashlib
import hmac
import random
import re
import sys
import unicodedata

import pytest

from indexer.detect import detect
from indexer.leaks import records as R
from indexer.models import Fragment, Identifier
from indexer.tokens import MatchKey
from tests.corpus.generate import KINDS, make_dump, make_post
from tests.fixtures import records_v1 as V1
from tests.fixtures.fuzz_records import fuzz_post
from tests.fixtures.leaks_corpus import make_corpus

MATCH_KEY = MatchKey(bytes(range(32)))

# The oracle: the module as it was (tests/fixtures/records_v1.py, verbatim), and its HMAC
# written again with the `hmac` module.
_O_SPACES = re.compile(r"\s+")
_O_STRIP = V1._STRIP
_old_normalise_line = V1.normalise_line


def _old_hash(match_key: MatchKey, record: str) -> int:
    k = hmac.digest(match_key.key, b"vigie-leak-records|v1", "sha256")
    d = hmac.new(k, record.encode("utf-8", "surrogatepass"), "sha256").digest()
    return int.from_bytes(d[:8], "big") >> 1


def _old_fragment_records(fragment: Fragment, match_key: MatchKey) -> set[int]:
    return V1.fragment_records(fragment, V1.RecordKey(match_key))


# ------------------------------------------------------------------------------------------------
# synthetic inputs (no real person): fields of every shape the normalisation treats apart
ODD_SPACES = "\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000"
# fmt: off
FIELDS = [
    "jean.dupont@exemple.fr", "JEAN.Dupont@Exemple.FR", "06 12 34 56 78", "+33 6 12 34 56 78", "0612345678",
    "(06) 12-34-56.78", "+33612345678", "03/11/1966", "3.11.1966", "1966-11-03", "1966/1/3", "12/05/90", "1-1-1966",
    "4111 1111 1111 1111", "1 85 05 78 006 084 36", "75002", "123456789", "12345678", "+", "()", "-", "/", "..",
    "Renée", "RENÉE", "Rene\u0301e", "E\u0301lisabeth", "A\u0308\u0323", "a\u0323\u0302", "\u1100\u1161\u11a8",
    "\u1100\u1161", "\uac00\u11a8", "ǅ", "ǆ", "ß", "ẞ", "ﬁ", "İstanbul", "ΣΑΣ", "K\u212a", "ſ", "µ", "Ω\u2126",
    "\u0301", "\u0344", "x\u0f73", "\u037e", "a\u037eb", "\u0387", "١٢/٠٣/١٩٦٦", "١٩٦٦-٠٣-١٢", "９９", "٣٤٥",
    "१२/०३/१९६६", "0６/12/1966", "O'Neil", '"quoted"', "'single'", "`tick`", "[br]", "{x}", "<a@b.fr>",
    "  spaced  ", "a b c", "\ttab", "cr\r", "a\rb", "\udcff", "x\udcfe", "NULL", "\\N", "", " ", "x" * 300, "9" * 40,
    "0" * 9, "+33 (0)1 23 45 67 89", "1990-07-26T10:00", "FR76 3000 6000 0112 3456 7890 189", "🙂", "a🙂b",
    "e\u0301\u0301", "\u00e9\u0301", "q\u0307\u0323", "\u1e0b\u0323", "ḍ\u0307", "ȧ", "a\u0307",
]
# fmt: on
DELIMS = [",", ";", "\t", "|", ":", ", ", " ; ", ",,", "::", "\t|"]


def _random_text(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.choice([1, 1, 2, 3, 5, 12])):
        cells = []
        for _ in range(rng.randint(0, 7)):
            v = rng.choice(FIELDS)
            k = rng.random()
            if k < 0.1 and v:
                i = rng.randrange(len(v) + 1)
                v = v[:i] + rng.choice(ODD_SPACES) + v[i:]
            elif k < 0.2:
                v = rng.choice(['"', "'", "(", "[", " ", "`", "<"]) + v + rng.choice(['"', "'", ")", "]", " ", ">"])
            elif k < 0.25:
                v = unicodedata.normalize(rng.choice(["NFD", "NFKD", "NFKC"]), v)
            elif k < 0.3:
                v = v.upper()
            cells.append(v)
        line = ""
        for c in cells:
            line += c + rng.choice(DELIMS)
        if rng.random() < 0.15:  # a multi-row SQL INSERT, with spaces and CRs around the boundaries
            line = (
                "INSERT INTO t VALUES ("
                + rng.choice(["),(", ") , (", ")\r,\t(", ")\xa0,(", "),\u3000("]).join(
                    line.split(rng.choice(DELIMS)[0])
                )
                + ");"
            )
        if rng.random() < 0.1:
            line += "\r"
        lines.append(line)
    return "\n".join(lines)


def _ident(start: int | None, end: int | None) -> Identifier:
    return Identifier(type="email", value="x@y.fr", token=bytes(16), start=start, end=end)


def _synthetic(n: int, seed: int) -> list[Fragment]:
    """Fragments built directly: identifiers start anywhere (line starts, mid-line, at a newline,
    before or after the text), some without a span."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        text = _random_text(rng)
        idents = []
        for _ in range(rng.choice([0, 1, 2, 3, 8, 30])):
            k = rng.random()
            s = rng.randrange(len(text) + 1) if k < 0.85 else rng.choice([-3, 0, len(text), len(text) + 5])
            idents.append(_ident(s, s + 1) if rng.random() > 0.05 else _ident(s, None))
        if rng.random() < 0.05:
            idents.append(_ident(None, None))
        out.append(Fragment(kind="csv", start_line=1, end_line=1, text=text, identifiers=idents))
    return out


def _detected() -> list[Fragment]:
    """Fragments as detection gives them (the engine under test: a list, or the core's columns)."""
    texts: list[bytes | str] = []
    for kind in KINDS:
        for seed in range(3):
            for header in (None, False):
                texts.append(make_dump(kind, 60, faker_seed=500 + seed, header=header)[0])
    texts += [make_post(700 + i)[0] for i in range(25)]
    texts += [fuzz_post(900 + i) for i in range(250)]
    frags = [f for t in texts for f in detect(t, key=MATCH_KEY)]
    for rep in make_corpus(seed=11, dumps_per_shape=2, rows=30):  # latin-1 and UTF-16 copies, decoded
        frags += detect(rep.raw, key=MATCH_KEY, filename=rep.filename)
    return frags


def _mutated(frags: list[Fragment], seed: int) -> list[Fragment]:
    """The detected fragments' texts decomposed, upper-cased, given odd spaces; same identifiers."""
    rng = random.Random(seed)
    out = []
    for f in frags:
        text = f.text
        k = rng.random()
        if k < 0.3:
            text = unicodedata.normalize("NFD", text)
        elif k < 0.5:
            text = text.upper()
        elif k < 0.8:
            chars = list(text)
            for _ in range(max(1, len(chars) // 40)):
                chars.insert(rng.randrange(len(chars) + 1), rng.choice(ODD_SPACES + "\r\u0301"))
            text = "".join(chars)
        out.append(
            Fragment(
                kind=f.kind, start_line=f.start_line, end_line=f.end_line, text=text, identifiers=list(f.identifiers)
            )
        )
    return out


# ------------------------------------------------------------------------------------------------
def test_synthetic_fragments_hash_as_before_and_the_oracle_is_pinned() -> None:
    key = R.record_key(MATCH_KEY)
    frags = _synthetic(4000, seed=21)
    digest = hashlib.sha256()
    nonempty = 0
    for f in frags:
        old = _old_fragment_records(f, MATCH_KEY)
        assert R.fragment_records(f, key) == old, f.text
        digest.update(repr(sorted(old)).encode())
        nonempty += bool(old)
    assert nonempty > 2500
    # the old code's hashes of these 4,000 fragments (computed at 9b9ed74): the oracle's own pin
    assert digest.hexdigest() == "25a232ce13d3b2a3b134ca4d8506a4d5f1d1518855c4b9c7e27c0edc140b7dcb"


def test_every_row_normalises_as_before() -> None:
    rng = random.Random(5)
    rows = [_random_text(rng) for _ in range(3000)]
    rows += [line for f in _detected()[:400] for line in f.text.split("\n")]
    rows += ["a\nb", " x \n y ", "\n", "A;B\r\n;c"]  # `normalise_line` is public: it may be given a newline
    for row in rows:
        assert R.normalise_line(row) == _old_normalise_line(row), row


def test_detected_fragments_of_every_shape_hash_as_before() -> None:
    key = R.record_key(MATCH_KEY)
    frags = _detected()
    assert {f.kind for f in frags} >= set(KINDS) - {"dox"}
    total = 0
    for f in frags + _mutated(frags, seed=3):
        new = R.fragment_records(f, key)
        assert new == _old_fragment_records(f, MATCH_KEY), (f.kind, f.text[:200])
        total += len(new)
    assert total > 5000


def test_record_key_hashes_as_the_hmac_module() -> None:
    key = R.RecordKey(MATCH_KEY)
    recs = ["", "a", "a\x1fb", "é\x1f\udcff", "x" * 1000]
    assert key.hash_all(recs) == {_old_hash(MATCH_KEY, r) for r in recs} == {key.hash(r) for r in recs}
    assert key.hash("a\x1fb") == 6548697063730755832  # the old code's, pinned


@pytest.mark.slow
def test_the_row_at_once_premises_hold_for_every_code_point() -> None:
    """What `_fields` relies on to fold and clean a row at once instead of field by field."""
    spaces = {c for c in map(chr, range(sys.maxunicode + 1)) if _O_SPACES.match(c)}
    assert spaces - set(_O_STRIP) == {c for c in spaces if R._ODD_SPACE.match(c)}
    assert spaces & set(_O_STRIP) == {" ", "\t", "\r", "\n"}
    assert not any(c.isprintable() for c in spaces - {" "})  # so a printable text holds no odd space
    special = set(_O_STRIP) | set(",;\t|:") | spaces | set(R._NUMBER_CHARS)
    for c in map(chr, range(sys.maxunicode + 1)):
        folded = c.casefold()
        if c in special:
            assert folded == c
        else:
            assert not special.intersection(folded), hex(ord(c))
    for c in ",;\t|:":  # the delimiters are starters that compose with no mark
        assert unicodedata.combining(c) == 0
        marks = [chr(m) for m in range(0x300, 0x370) if unicodedata.is_normalized("NFC", chr(m))]
        assert all(unicodedata.is_normalized("NFC", c + m) for m in marks)


def test_an_ascii_dense_dump_takes_no_field_by_field_path(monkeypatch: pytest.MonkeyPatch) -> None:
    text = make_dump("csv", 200, faker_seed=3)[0]
    text = text.encode("ascii", "ignore").decode()  # (the generator writes accents: drop them)
    frags = detect(text, key=MATCH_KEY)
    assert frags
    calls = [0]
    real = R._field

    def counted(t: str) -> str:
        calls[0] += 1
        return real(t)

    monkeypatch.setattr(R, "_field", counted)
    key = R.record_key(MATCH_KEY)
    assert sum(len(R.fragment_records(f, key)) for f in frags) >= 150
    assert calls[0] == 0


def test_the_cores_starts_are_read_without_identifier_objects() -> None:
    """When the identifiers give `starts()` (the core's columns, ABI 14), no `Identifier` is read.
    This stand-in has the method and refuses to be read as a sequence: the core's columns build
    their objects silently, so they cannot show it (the next test checks their starts)."""

    class Columns(list[Identifier]):
        def __init__(self, starts: list[int]) -> None:
            super().__init__()
            self._starts = starts

        def starts(self) -> list[int]:
            return self._starts

        def __iter__(self):  # type: ignore[no-untyped-def]
            raise AssertionError("an Identifier was read")

    text = "a@b.fr;06 12 34 56 78\nheader\nc@d.fr;1966-11-03"
    listed = Fragment(kind="csv", start_line=1, end_line=3, text=text, identifiers=[_ident(0, 6), _ident(29, 35)])
    columns = Fragment(kind="csv", start_line=1, end_line=3, text=text, identifiers=Columns([0, 29]))
    key = R.record_key(MATCH_KEY)
    assert (
        R.fragment_records(columns, key) == R.fragment_records(listed, key) == _old_fragment_records(listed, MATCH_KEY)
    )
    assert len(R.fragment_records(columns, key)) == 2


def test_the_cores_starts_are_the_identifiers_starts() -> None:
    frags = [f for kind in KINDS for f in detect(make_dump(kind, 40, faker_seed=900)[0], key=MATCH_KEY)]
    columns = [f.identifiers for f in frags if hasattr(f.identifiers, "starts")]
    if not columns:
        pytest.skip("the Python engine's identifiers are a list (VIGIE_ENGINE=native runs this)")
    for ids in columns:
        assert R._starts(ids) == [i.start for i in list(ids) if i.start is not None and i.end is not None]
