"""The combo-list recogniser's run scan in the compiled core (`vigie_native.combo_line`,
`combo_end`) against the Python reference `shapes._combo_line`, and both engines on whole
combo lists (issue 17).

The core decides a line itself wherever Python's `re`/`str` semantics can be read exactly
(Unicode `\\s` and `str.lstrip` are the same 29 characters; `\\d` and `str.isdigit` are Unicode
in Python) and hands the line back otherwise: a decided answer must be the reference's, and
the lines it defers must stay rare. Skipped when vigie_native is not built, except with
VIGIE_REQUIRE_NATIVE=1 (CI), where its absence fails.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any

import pytest

from indexer import engine
from indexer import identifiers as ids
from indexer.detect.shapes import _combo_line
from indexer.tokens import MatchKey
from tests.corpus.generate import make_dump
from tests.native_core import both_engines, native_engine

KEY = MatchKey(b"\x22" * 32, version=2)


native = pytest.fixture(scope="module", name="native")(native_engine)


# Characters where Python and a naive port part ways: Unicode spaces (NBSP, the C0 separators
# \x1c-\x1f that `str.isspace` counts, NEL, the line separator), digits that are `\d` but not
# ASCII (Arabic-Indic, Devanagari, fullwidth), digits that are `isdigit` but not `\d`
# (superscripts, circled), bars and colons that look like `|` and `:`, combining marks.
_ODD = ["\u00a0", "\x1c", "\x1f", "\x85", "\u2028", "\u3000", "\u2003", "\x0b", "\x0c", "\u200b", "\ufeff",
        "\u0663", "\u0661\u0662", "\u0967", "\uff11", "\u00b2", "\u2460", "\u00bd", "\u2155",
        "\uff5c", "\u00a6", "\u2223", "\uff1a", "\u0589", "\u0301", "é", "ß", "İ", "\U0001d7d9"]
_LOGINS = ["jean.dupont@example.fr", "marie@société.fr", "a@b.co", "user_12", "12345", "0612345678",
           "١٢٣", "12\u0663", "\u00b2\u00b3", "http", "https", "www.site.fr", "http\u00e9", "x" * 128, "y" * 129,
           "ab;cd", "u|v", "u:v", "admin\u00a0"]
_PASSWORDS = ["hunter2", "p|w", "p:w", "a://b", "x" * 256, "z" * 257, "Pa$$w0rd!", "mot de passe", "é" * 3,
              "|", ":", "\u0663\u0664", "pw\u00a0", "pw\u2028x"]


def _fuzz_line(r: random.Random) -> str:
    parts: list[str] = []
    if r.random() < 0.4:
        parts.append(r.choice([" ", "\t", "  ", "\u00a0", "\u3000", "\x1c", "\x85 "]))
    if r.random() < 0.3:
        parts.append(r.choice(["1", "12", "1234567", "12345678", "\u0661", "1\u0663", "\uff11", "\u00b2", "007"]))
        parts.append(r.choice([".", ")", "]", ":", "", ".."]))
        parts.append(r.choice([" ", "", "\u00a0", "\t\t", "\u2003"]))
    login = r.choice(_LOGINS)
    if r.random() < 0.3:
        k = r.randrange(len(login) + 1)
        login = login[:k] + r.choice(_ODD) + login[k:]
    parts.append(login)
    parts.append(r.choice([":", ":", "|", "|", ";", "\uff5c", "\uff1a", " : ", "::", "||"]))
    pw = r.choice(_PASSWORDS)
    if r.random() < 0.3:
        k = r.randrange(len(pw) + 1)
        pw = pw[:k] + r.choice(_ODD + ["|", "://", " "]) + pw[k:]
    parts.append(pw)
    if r.random() < 0.3:
        parts.append(r.choice([" ", "\n", "\u00a0", "\u2028", " x", "|", "\t \n", "\x1f"]))
    if r.random() < 0.05:
        parts.insert(0, r.choice(["http://", "www.", " https", "ftp://"]))
    return "".join(parts)


def test_combo_line_agrees_or_defers(native: Any) -> None:
    r = random.Random(1717)
    lines = [_fuzz_line(r) for _ in range(30_000)]
    # every character Python may read as a space or a digit, and a sample of the others, at
    # each place of a line where the pattern or the exclusions read one
    odd = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF
           and (chr(c).isspace() or chr(c).isdigit() or chr(c).isnumeric() or chr(c).isdecimal())]
    odd += [chr(r.randrange(0x80, 0x110000)) for _ in range(3_000)]
    odd = [c for c in odd if not 0xD800 <= ord(c) <= 0xDFFF]
    for c in odd:
        lines += [f"{c}a@b.fr:pw", f"a@b.fr:p{c}w", f"a@b.fr:pw{c}", f"1{c} a@b.fr:pw", f"{c}. a@b.fr:pw",
                  f"1.{c}a@b.fr:pw", f"{c}:pw", f"1{c}:pw", f"{c}{c}|pw", f"{c}http:x", f"u{c}|p|w"]
    decided = {True: 0, False: 0}
    deferred = 0
    for k, s in enumerate(lines):
        got = native.combo_line(s)
        want = _combo_line(s)
        if got is None:
            deferred += k < 30_000  # the fuzzed lines (the probes are mostly digits on purpose)
            continue
        assert got is want, f"combo_line({s!r}): core {got}, Python {want}"
        decided[got] += 1
    # the comparison has teeth: both answers are common, and most fuzzed lines (which are
    # heavy on Unicode digits) are decided by the core
    assert decided[True] > 5_000 and decided[False] > 5_000, decided
    assert deferred < 0.3 * 30_000, deferred
    # a real combo list (IDN domains, accents) is decided line by line, none handed back
    real = _combo_list(7000, 1000).split("\n")
    assert [s for s in real if native.combo_line(s) is None] == []
    assert sum(native.combo_line(s) for s in real) >= 950


def test_combo_end_is_the_reference_scan(native: Any) -> None:
    r = random.Random(4242)
    asked: list[str] = []

    def line_ok(s: str) -> bool:
        asked.append(s)
        return _combo_line(s)

    for n in range(300):
        pool = [f"user{n}{k}@example.fr:pw{k}" for k in range(5)]
        pool += [f"{n}\u0663. u{n}@x.fr:pw", f"\u0661\u0662:pw{n}", "\u00b2\u00b3:pw", "n\u0663|pw"]
        pool += ["", "not a combo line", "http://x.fr:80", _fuzz_line(r)]
        lines = [r.choice(pool) for _ in range(r.randrange(1, 40))]
        for j in range(len(lines) + 1):
            want = j
            while want < len(lines) and _combo_line(lines[want]):
                want += 1
            assert native.combo_end(lines, j, line_ok) == want, (lines, j)
    assert asked, "no line was handed back: the deferred path was not exercised"


_DOMAINS = ["société.fr", "bücher.de", "ÉCOLE.Fr", "crème.de", "øresund.ch", "xn--bckerei-5wa.net", "ΑΣ.gr",
            "\u212aelvin.com", "İstanbul.tr", "exa\u00admple.fr", "ex．ample.fr", "☃.net", "é" * 70 + ".fr",
            "a..é.fr", "-é.fr", "é-.fr", "é.f", "é.co\n", "é.fr'", "é.fr \u00a0", "é.fr\n'", "é.fr\u2028",
            "ß.de", "ﬁ.fr", "é", "", "\u00a0", "xn--é.fr", "é." + "a" * 64, "日本.jp", "é.xn--p1ai"]
_LOCALS = ["jean", "Jean.Dupont", " <j.d", "'x", "mailto:Bob", "MAILTO:", "a" * 64, "a" * 65, "", ".a", "a..b",
           "j\n", "\u00a0j", "jé", "\u212a", "x@y", "\"q", "a+b"]


def test_emails_with_idn_domains_agree_or_defer(native: Any) -> None:
    """The core's `canon_email` on addresses with a Unicode domain (the domain's IDNA form from
    Python's `email_domain`) against `canon_email_py`."""
    r = random.Random(99)
    raws = [f"{lo}@{d}" for lo in _LOCALS for d in _DOMAINS]
    tails = ["", " ", ">", "\t"]
    raws += [f"{r.choice(_LOCALS)}@{r.choice(_DOMAINS)}{r.choice(tails)}" for _ in range(3_000)]
    raws += ["no-at-sign-é.fr", "é@é@é.fr", "a@b@société.fr"]
    engine.set_engine("native")
    core = engine.core()
    assert core is not None
    decided = deferred = 0
    valid = 0
    for raw in raws:
        got = core.canon_email(raw)
        if got is ...:
            deferred += 1
            continue
        assert got == ids.canon_email_py(raw), raw
        decided += 1
        valid += got is not None
    assert valid > 500 and decided - valid > 500 and deferred < 0.3 * len(raws), (valid, decided, deferred)


@lru_cache(maxsize=4)
def _combo_list(seed: int, rows: int) -> str:
    text, _ = make_dump("combo", rows, seed)
    return text


def _mixed_combo(seed: int) -> str:
    """A combo list with numbered lines, `|` lines, IDN domains, Unicode digits and spaces."""
    r = random.Random(seed)
    out = []
    for k in range(400):
        login = r.choice([f"user{k}@example.fr", f"m{k}@société.fr", f"j.{k}@gmail.com", f"pseudo{k}",
                          f"{k}\u0663@x.fr", f"K{k}@b\u00fccher.de", f"\u212a{k}@b\u00fccher.de", f"j\u00f6s\u00e9{k}",
                          f"x{k}@\u00e9.fr\u00a0", f"x{k}@\u0391\u03a3.gr", f"x{k}@\u2603.net"])
        sep = r.choice([":", ":", "|"])
        pw = r.choice(["hunter2", f"Pw{k}!", "é" * 4, "x" * 20, "p|w"])
        pre = r.choice(["", "", f"{k}. ", f"{k}) ", "\u00a0", f"\u0661{k}. "])
        tail = r.choice(["", "", " ", "\u00a0"])
        out.append(f"{pre}{login}{sep}{pw}{tail}")
        if r.random() < 0.02:
            out.append(r.choice(["", "http://site.fr:8080", "ceci n'est pas une ligne", "---"]))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("text", [
    pytest.param(lambda: _combo_list(7000, 1000), id="bench-combo"),
    # 8 x 34 kB: bytes of 256 kB or more go through the prefilter's `run` first
    pytest.param(lambda: _combo_list(7000, 1000) * 8, id="bench-combo-prefilter-path"),
    pytest.param(lambda: _mixed_combo(1), id="mixed-1"),
    pytest.param(lambda: _mixed_combo(2), id="mixed-2"),
    pytest.param(lambda: _mixed_combo(3), id="mixed-3"),
])
def test_both_engines_give_the_same_fragments_on_combo_lists(native: Any, text: Any) -> None:
    ref, got = both_engines(text().encode(), KEY)
    assert ref, "the reference found nothing: the input does not test the combo path"
    assert any(f.kind == "combo" for f in ref)
    assert len(ref) == len(got)
    for a, b in zip(ref, got, strict=True):
        assert a == b, (a.kind, a.start_line, b.kind, b.start_line)
