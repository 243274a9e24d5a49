"""The free-text scanner in the compiled core (rust/vigie_native/src/scan.rs) against the Python
reference (`indexer.detect.scan.scan`, `indexer.detect.extract.scan_only`), cell by cell.

The core scans a cell itself only when it can do so exactly (ASCII, every validator it asks
answers); otherwise it hands the cell back and appends nothing. So: for every fuzzed cell, either
the core says it handed it back and appended nothing, or what it appended is what the reference
(run on the pure-Python engine) finds, type, canonical value and span. Cells: phones in every
notation the scanner reads (national, +CC, 00CC, "+33 (0)", overseas 0690/0262..., several in one
cell), dates and timestamps in every notation, NIRs (2A/2B), cards, Belgian and Swiss ids, IBANs,
hex and crypt hashes, codice fiscale, emails, Unicode digits and spaces, long runs, text around.
The whole-fragment equality of both engines on the bench's dense dumps is
tests/test_engine_differential.py::test_bench_dense_dumps_small (60 kB of each); here the seven
kinds of the bench's dense dumps, 400 rows each.

Skipped when vigie_native is not built, except with VIGIE_REQUIRE_NATIVE=1 (CI).
"""

from __future__ import annotations

import random
from datetime import date

from indexer import engine
from indexer import identifiers as ids
from indexer.detect import detect
from indexer.detect.extract import Sink, scan_only
from indexer.detect.scan import Found, scan
from indexer.tokens import MatchKey
from tests.native_core import require_native as _require_native
from tests.native_core import vigie_native


def _today() -> tuple[int, int, tuple[int, int, int]]:
    d = date.today()
    return ids._this_year(), int(ids._YEAR[0]), (d.year, d.month, d.day)


_PHONES = [
    "06 90 02 96 86", "0690029686", "+33 (0)9 07 98 96 11", "+33612345678", "0033612345678", "33612345678",
    "0034 825 98 11 31", "0048 58 398 95 57", "+213 561 18 24 05", "+1 506-680-3929", "001 506-284-2736",
    "06.12.34.56.78", "06-12-34-56-78", "02 62 12 34 56", "0262 12 34 56", "0692 12 34 56", "+262 692 12 34 56",
    "+590 690 12 34 56", "00590690123456", "0596 12 34 56", "0594 12 34 56", "0269 61 12 34", "+33 6 12 34 56 78",
    "(0)6 12 34 56 78", "+(33) 6 12 34 56 78", "06 12 34 56 78 / 07 12 34 56 78", "0612345678 0712345678",
    "+44 20 7946 0958", "+49 30 1234567", "0800 123 456", "09 70 12 34 56", "01 42 68 53 00", "0612345678a",
    "06 12 34 56 7", "061234567890", "+33 06 12 34 56 78", "06 12 34 56 78 99 00", "0 6 1 2 3 4 5 6 7 8",
    "+1 (713) 754-1726", "+44 (20) 7946 0958", "+1(713)7541726", "+33 (6) 12 34 56 78", "0612345678 (2)",
    "+1 (713) 754", "(713) 754-1726", "06/12/34/56/78", "01/45/67/89/10", "+33 6/12/34/56/78", "0033 6/12/34/56/78",
    "+33 06/12/34/56/78", "06/12/34/56/78/90", "2024/06/12/34/56/78", "030/12345678", "0475/12 34 56"]
_DATES = ["1985-03-12", "12/03/1985", "12.03.1985", "12-03-1985", "19850312", "1985-03-12 10:22:33",
          "1985-03-12T10:22:33Z", "12/03/85", "1985/03/12", "3/12/1985", "12 03 1985", "2024-01-05 08:15:00.123",
          "1985.03.12", "12.03.1985 10:22", "Mar 12, 1985", "12 mars 1985", "1985-3-2", "20240105081500"]
_OTHER = ["195017512345678", "2 85 03 2A 123 456 78", "1 80 12 2B 123 456 78", "1950175123456", "4111111111111111",
          "4111 1111 1111 1111", "371449635398431", "3714-496353-98431", "85.07.30-033.28", "756.1234.5678.97",
          "FR76 3000 6000 0112 3456 7890 189", "GB82WEST12345698765432", "BE71 0961 2345 6769",
          "DE89370400440532013000", "RSSMRA85T10A562S", "d41d8cd98f00b204e9800998ecf8427e",
          "da39a3ee5e6b4b0d3255bfef95601890afd80709",
          "$2b$12$" + "a" * 53, "$1$salt$" + "b" * 22, "$argon2id$v=19$m=65536$abcdefghijkl", "$P$" + "c" * 31,
          "32258a4b3667329499587762", "jean.dupont@example.com", "jean.dupont+x@gmail.com", "a.b@googlemail.com",
          "Marco80@example.net", "petitjean@seguin", "x@y.xn--p1ai", "user@sub.domain.co.uk", "123456789",
          "732829320", "73282932000074", "10101010101", "12345678901234567890123", "1" * 40,
          "1234 5678 9012 3456 7890", "fr76 3000 6000 0112 3456 7890 189", "Fr7630006000011234567890189",
    "be68 5390 0754 7034 pour", "nl91 abna 0417 1643 00", "fr76 3000 6000 0112 3456 7890 188", "id42 0612345678",
    "cp75 4111 1111 1111 1111", "BE68 5390 0754 7034 POUR"]
_CONTEXT = ["tel: ", "tel ", "tel. ", "Tél ", "appelez le ", "(", "n° ", "", "", "", "x", "A", "+", "id=", "\t", "ref ",
            "é "]
_AFTER = ["", "", "", "", "", ")", ".", ",", " poste 12", "a", "h", " / ", "\u00a0", "\n", " (domicile)", "é"]
_UNICODE = ["\u00a0", "\u202f", "\u0660", "\u0661", "\uff10", "\u2007", "é", "\u00b2", "\u0966"]


def _mutate(r: random.Random, s: str) -> str:
    out = []
    for ch in s:
        x = r.random()
        if x < 0.04:
            continue
        if x < 0.08 and ch.isdigit():
            ch = r.choice("0123456789")
        elif x < 0.10:
            ch = r.choice(" .-/:()+")
        elif x < 0.105:
            ch = r.choice(_UNICODE)
        out.append(ch)
        if r.random() < 0.02:
            out.append(r.choice(" .-"))
    return "".join(out)


def _cell(r: random.Random) -> str:
    parts = []
    for _ in range(r.choice([1, 1, 1, 2, 3])):
        pool = r.choice([_PHONES, _PHONES, _DATES, _OTHER])
        v = r.choice(pool)
        if r.random() < 0.3:
            v = _mutate(r, v)
        parts.append(r.choice(_CONTEXT) + v + r.choice(_AFTER))
    s = r.choice([" ", ", ", "; ", " / ", "", "\t"]).join(parts)
    if r.random() < 0.05:
        s = "".join(r.choice("0123456789 .-") for _ in range(r.randint(20, 200)))  # long runs
    return s


def _reference(cells: list[tuple[str, int, str | None]]) -> list[list[Found]]:
    out = []
    try:
        engine.set_engine("python")
        for v, off, hint in cells:
            ref: list[Found] = []
            if hint is None:
                scan(v, ref, off)
            else:
                scan_only(v, off, hint, ref)
            out.append(ref)
    finally:
        engine.set_engine(None)
    return out


def test_scanned_cells_are_the_reference_ones() -> None:
    _require_native()
    r = random.Random(2026)
    hints = [None] * 8 + ["phone", "phone", "nir", "card", "iban", "email", "siren", "siret", "rpps", "hash"]
    cells = [(_cell(r), r.randint(0, 5000), r.choice(hints)) for _ in range(6000)]
    refs = _reference(cells)
    handled = found = back_ascii = 0
    try:
        engine.set_engine("native")
        core = engine.core()
        assert core is not None
        for (v, off, hint), ref in zip(cells, refs, strict=True):
            sink = Sink()
            if core.scan_cell(v, off, hint, sink, _today()):
                handled += 1
                found += len(ref)
                assert sink.found == ref, (v, off, hint)
            else:
                assert sink.found == [], (v, hint)  # handed back: nothing appended
                back_ascii += v.isascii()  # (a validator deferred: crypt hashes, phones with letters)
    finally:
        engine.set_engine(None)
    assert handled > 3000 and found > 600 and back_ascii < 150, (handled, found, back_ascii)


def test_dense_dumps_both_engines() -> None:
    """Dumps of the seven kinds the bench times (`bench.detect.dense_inputs`, same generator and
    seeds, 400 rows each instead of 2 000: the pure-Python engine takes ~10 s on the full ones),
    whole fragments equal."""
    _require_native()
    from tests.corpus.generate import make_dump

    key = MatchKey(b"\x11" * 32, version=3)
    kinds = ["csv", "csv", "separated_run", "sql_insert", "pg_copy", "combo", "jsonl"]
    try:
        for n, kind in enumerate(kinds):
            data = make_dump(kind, 400, faker_seed=1000 + n)[0].encode("utf-8")
            engine.set_engine("python")
            ref = detect(data, key=key)
            engine.set_engine("native")
            got = detect(data, key=key)
            assert ref, f"dense dump {n} ({kind}): nothing found"
            assert len(ref) == len(got) and ref == got, f"dense dump {n} ({kind})"
    finally:
        engine.set_engine(None)


def test_accented_addresses_folded_by_the_core() -> None:
    """`canon_address` in the core on accented Latin addresses (the fold table of `canon_name`)
    and on other scripts and marks, which it hands back, against `ids.canon_address`."""
    _require_native()
    r = random.Random(67)
    pieces = ["12", "bis", "rue", "de l'Église", "Hôtel-Dieu", "Saint-Étienne", "Île", "Müllerstraße", "ß", "œ", "Ñ",
              "Łódź", "İ", "ſ", "e\u0301", "Ωmega", "٣", "²", "_", "\u00a0", ",", " ", "75013", "Évry", "Cedex",
              "x" * 120, "Ǆ", "ª", "º", "l’Abbaye"]
    handled = 0
    for _ in range(5000):
        v = " ".join(r.choice(pieces) for _ in range(r.randint(1, 7)))
        got = vigie_native.canon("address", v, _today())
        if got != "\0defer":
            handled += 1
            assert got == ids.canon_address(v), repr(v)
    assert handled > 1000, handled


def test_unicode_email_domains_read_by_the_core() -> None:
    """Typed emails with a Unicode domain (`garçon.fr`): the core reads the address with the
    domain's lowercase form and IDNA asked of Python once per domain (`ids.email_domain`);
    against `ids.canon_email_py` (the reference), and the same in whole fragments."""
    _require_native()
    r = random.Random(71)
    locals_ = ["jean", "J.Dupont", "a+b", "x" * 64, "x" * 65, "mailto:bob", "MAILTO:Al", "", ".a", "a..b", "élise",
               "o'neil", "<jo", "\"jo"]
    domains = ["garçon.fr", "GARÇON.FR", "øresund.dk", "zürich.com", "élysée.at", "müller.de", "xn--garon-0ra.fr",
               "bücher.example", "ǅ.fr", "\u212aelvin.com", "straße.de", "ﬁ.com", "a\u0301.fr",
               "日本.jp", "例え.テスト", "ex ample.fr", "-bad.fr", "ç.c", "françois.ch>", "françois.ch\"",
               "x" * 250 + "é.fr", "ç" * 64 + ".fr",
               "..é.fr", "é..fr", "\u0130stanbul.tr", "\u03a3\u03a3.gr", "münchen.de\n", "ü.fr\u00a0"]
    core = None
    handled = 0
    try:
        engine.set_engine("native")
        core = engine.core()
        assert core is not None
        for _ in range(3000):
            v = r.choice(["", " ", "<"]) + r.choice(locals_) + r.choice(["@", "@", "@@", "＠"]) + r.choice(domains)
            got = core.canon_email(v)
            if got is ...:
                continue
            handled += 1
            assert got == ids.canon_email_py(v), repr(v)
    finally:
        engine.set_engine(None)
    assert handled > 1500, handled
