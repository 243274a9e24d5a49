"""The compiled core's search of article 9's lexicon (`vigie_native.LongestMatches`,
rust/vigie_native/src/longest.rs) finds exactly the matches RE2 finds (`iter_spans(lexicon().terms,
text)`: leftmost-longest, each search from the end of the last), span for span: on the article 9
development sets, the lexicon's own files, synthetic dumps, and hostile folded text (every term
glued to the others, beside "_" and digits, inside long words, cased every way, separated by a
vertical tab, which RE2's `\\s` leaves out and regex-syntax's takes, on 1 MB lines). Any difference
fails, naming the text and the first differing match. Also: the core's search stays linear on the
long hostile lines tests/test_linear_patterns.py uses (its introspection does not see the core),
and `scan_article9` uses the core on the native engine."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from indexer import article9 as a9
from indexer import engine
from indexer._re2fast import iter_spans
from indexer.article9_lexicon import fold_accents, lexicon
from tests.corpus.generate import make_dump
from tests.native_core import require_native

ROOT = Path(__file__).resolve().parent
LEXICON_DIR = ROOT.parent / "indexer" / "article9_lexicon"


@pytest.fixture(scope="module")
def finder() -> Any:
    core = require_native()
    if not hasattr(core, "LongestMatches"):
        pytest.fail("vigie_native has no LongestMatches: rebuild the core (rust/vigie_native/src/longest.rs)")
    return core.LongestMatches(lexicon().terms.pattern)


def _core(finder: Any, text: str) -> list[tuple[int, int]]:
    got = finder.spans_of(text)
    assert got is not None, "the core refused an ASCII text"
    it = iter(memoryview(got).cast("I"))
    return list(zip(it, it, strict=True))


def _re2(text: str) -> list[tuple[int, int]]:
    return [spans[0] for spans in iter_spans(lexicon().terms, text)]


def _same(finder: Any, texts: list[str], what: str) -> int:
    """The number of matches, after checking that both engines find the same ones in each text."""
    n = 0
    for k, text in enumerate(texts):
        want, got = _re2(text), _core(finder, text)
        if want != got:
            i = next((i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b), min(len(want), len(got)))
            show = [(s, text[s[0]:s[1]]) for s in (want[i:i + 1] + got[i:i + 1])]
            raise AssertionError(f"{what} #{k}: RE2 found {len(want)} matches, the core {len(got)}; first difference "
                                 f"at match {i}: RE2 then core {show}, in {text[max(0, show[0][0][0] - 40):][:120]!r}")
        n += len(want)
    return n


def _corpus_texts() -> list[str]:
    files = sorted(ROOT.glob("corpus/article9_dev*/*.txt")) + sorted(LEXICON_DIR.glob("*.txt"))
    assert len(files) > 40
    whole = [fold_accents(p.read_text(encoding="utf-8")) for p in files]
    lines = [line for t in whole for line in t.splitlines()]
    return whole + lines


@pytest.fixture(scope="module")
def terms() -> list[str]:
    """The distinct spellings RE2 finds in the development sets and the lexicon's files."""
    out = {t[s:e] for t in _corpus_texts() for s, e in _re2(t)}
    assert len(out) > 1000
    return sorted(out)


def test_development_sets_and_lexicon_files(finder: Any) -> None:
    assert _same(finder, _corpus_texts(), "corpus") > 5000


def test_synthetic_dumps(finder: Any) -> None:
    texts = [fold_accents(make_dump(kind, 120, 9_100 + k)[0]) for k, kind in
             enumerate(("csv", "csv", "separated_run", "sql_insert", "pg_copy", "combo", "jsonl", "dox", "hl7"))]
    assert _same(finder, texts, "dumps") > 50


def test_hostile_text(finder: Any, terms: list[str]) -> None:
    some = terms[::8]  # (each variant on all terms costs seconds: both engines build DFA states as they go)
    texts = ["".join(terms), " ".join(terms)]
    seps = ["_", "-", "1", "\t", "\x0b", "\x0c", "  ", " \x0b ", "'", ".", "@", "0_", "\n"]
    texts += [sep.join(some) for sep in seps]
    texts += ["".join(t.upper() for t in some), " ".join(t.title() for t in some), " ".join(t.swapcase() for t in some)]
    phrases = [t for t in terms if " " in t]
    texts += [" ".join(t.replace(" ", sep) for t in phrases) for sep in ("\x0b", "\x0c", "\t\n", "_-_", "    ", "")]
    texts += ["a" * 2000 + t + "b" * 2000 for t in terms[::200]]
    texts += [" ".join(f"{d}{t}{d}" for t in some) for d in ("9", "_", "x")]
    texts += [" ".join(t + t for t in some), " ".join(t[:-1] for t in some), " ".join(t[1:] for t in some)]
    assert _same(finder, texts, "hostile") > 5000


def test_one_megabyte_lines(finder: Any, terms: list[str]) -> None:
    glued = "".join(terms)
    spaced = " ".join(terms)
    texts = [(glued * (1_000_000 // len(glued) + 1))[:1_000_000],
             (spaced * (1_000_000 // len(spaced) + 1))[:1_000_000],
             "x" * 999_990 + " diabete ", ("vih " * 250_000)]
    assert _same(finder, texts, "1 MB") > 250_000


def test_a_core_reading_the_pattern_otherwise_is_caught(finder: Any, terms: list[str]) -> None:
    """The check can fail: a core whose `\\s` took the vertical tab (regex-syntax's own `\\s`,
    which the translation replaces by RE2's) differs from RE2 on the hostile text."""
    pattern = lexicon().terms.pattern
    assert r"\s" in pattern
    mutant = require_native().LongestMatches(pattern.replace(r"\s", r"\s\x0B"))
    text = " ".join(t.replace(" ", "\x0b") for t in terms[::3] if " " in t)
    with pytest.raises(AssertionError, match="first difference"):
        _same(mutant, [text], "mutant")
    assert _same(finder, [text], "vertical tab") > 100


def test_non_ascii_text_is_left_to_re2(finder: Any) -> None:
    assert finder.spans_of("diabète") is None
    assert _core(finder, "") == []


N = 256 * 1024
LINES = {"spaces": " " * N, "letters": "a" * N, "digits": "0" * N, "word-space": "ab " * (N // 3),
         "underscores": "_" * N, "dashes": "-" * N, "vtabs": "\x0b" * N, "sep-run": " _-" * (N // 3),
         "demonym-ish": "francais" * (N // 8), "glued-words": "abcdefghijklmn" * (N // 14),
         "prefix-repeat": "diab" * (N // 4), "gap-words": "elle a " * (N // 7)}


def test_the_core_search_is_linear_on_long_hostile_lines(finder: Any) -> None:
    """CPU time, against 40 times a trivial scan of a line as tests/test_linear_patterns.py's
    budget: a quadratic search on 256 KiB costs minutes."""
    import re

    t0 = time.thread_time()
    for _ in re.finditer(r"(?:a|b)(?:a|b)", "ab" * (N // 2)):
        pass
    budget = max(0.5, 40 * (time.thread_time() - t0))
    finder.spans_of("warm up " * 1000)
    slow = []
    for name, line in LINES.items():
        t0 = time.thread_time()
        finder.spans_of(line)
        took = time.thread_time() - t0
        if took > budget:
            slow.append((name, round(took, 2)))
    assert not slow, f"the core's lexicon search took more than {budget:.2f}s of CPU on a 256 KiB line: {slow}"


def test_scan_article9_uses_the_core_on_the_native_engine(finder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """After `_CORE_TERMS_AFTER` characters searched by RE2 in the process (not before: the build
    pays back over volume only), and with the same flags as the Python engine."""
    text = "patient;diagnostic\nJean Dupont;diabète de type 2\nMarie Curie;séropositive\n"
    monkeypatch.setattr(a9, "_CORE_TERMS_AFTER", 2 * len(text))
    monkeypatch.setattr(a9, "_searched", [0])
    monkeypatch.setattr(a9, "_CORE_TERMS", {})
    try:
        engine.set_engine("native")
        first = [a9.scan_article9(text) for _ in range(2)]
        assert a9._CORE_TERMS == {} and a9._searched[0] == 2 * len(text)  # RE2 so far
        native = a9.scan_article9(text)
        entry = a9._CORE_TERMS[id(lexicon().terms)]
        engine.set_engine("python")
        python = a9.scan_article9(text)
    finally:
        engine.set_engine(None)  # what VIGIE_ENGINE names
    assert entry[1] is not None  # the core read the pattern (refused, RE2 would have stayed)
    assert native == python == first[0] == first[1] and {f.category for f in native} == {"health"}


def test_core_search_ready_builds_it_now(finder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a benchmark's warm-up (or a crawl worker) calls so that the build is not in what it
    times: on the native engine the core searches from then on, whatever was searched before."""
    monkeypatch.setattr(a9, "_searched", [0])
    monkeypatch.setattr(a9, "_CORE_TERMS", {})
    try:
        engine.set_engine("python")
        assert a9.core_search_ready() is False and a9._CORE_TERMS == {}
        engine.set_engine("native")
        assert a9.core_search_ready() is True
        assert a9._CORE_TERMS[id(lexicon().terms)][1] is not None
    finally:
        engine.set_engine(None)
