"""Article 9 recall >= 0.90 and precision >= 0.95 per category (issue 12), measured on the phrase
bank tests/corpus/phrasebank, written apart from the detector, each phrase placed in a dump's notes
column and in a dox's free-text field and run through the real `indexer.detect.detect`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from indexer.models import ARTICLE9_CATEGORIES
from tests.corpus.article9_eval import BANK_DIR, A9Score, article9_score, lexicon_overlap, load_bank

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def a9(pytestconfig: pytest.Config) -> A9Score:
    sc = article9_score()
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:  # the figures go to the terminal even when the tests pass
        reporter.write_line("\n" + sc.table())
    return sc


TARGET_RECALL, TARGET_PRECISION = 0.90, 0.95
# Categories where the detector does not reach the targets yet. They are held at what they
# reach, so that a change which loses ground fails; a change that reaches the target must move the
# category out of here. (Empty since 2026-12-02: sex life reached its precision target once Grindr,
# a gay app, was read as sexual orientation and as sex life only beside a cue of it; see
# indexer/article9_lexicon/README.md.)
BELOW_TARGET: dict[str, tuple[float, float]] = {}  # category: (recall floor, precision floor)


@pytest.mark.parametrize("category", ARTICLE9_CATEGORIES)
def test_article9_recall_and_precision(a9: A9Score, category: str) -> None:
    misses = [m for m in a9.misses if m[0] == category][:8]
    false = [m for m in a9.false_flags if m[0] == category][:8]
    recall_floor, precision_floor = BELOW_TARGET.get(category, (TARGET_RECALL, TARGET_PRECISION))
    assert a9.recall(category) >= recall_floor, (a9.table(), misses)
    assert a9.precision(category) >= precision_floor, (a9.table(), false)
    if category in BELOW_TARGET:
        reached = a9.recall(category) >= TARGET_RECALL and a9.precision(category) >= TARGET_PRECISION
        assert not reached, f"{category} now meets the targets: remove it from BELOW_TARGET"


def test_bank_covers_every_category_in_both_languages_and_forms() -> None:
    bank = load_bank()
    pos = Counter(p.category for p in bank if p.form != "neg")
    neg = Counter(p.category for p in bank if p.form == "neg")
    shapes = {(p.category, p.form, p.lang) for p in bank}
    for c in ARTICLE9_CATEGORIES:
        assert pos[c] >= 40, (c, pos[c])
        assert neg[c] >= 6, (c, neg[c])
        for form in ("note", "prose", "neg"):
            for lang in ("fr", "en"):
                assert (c, form, lang) in shapes, (c, form, lang)
    texts = [(p.category, p.lang, p.text) for p in bank]
    assert len(texts) == len(set(texts)), "a phrase is listed twice in its category and language"


def test_detector_does_not_read_the_bank() -> None:
    """The bank measures the detector; product code must never load it (issue 12: the phrases
    that test recall must not come from the lexicon that detects them)."""
    offenders = [p for pkg in ("indexer", "crawler", "alerts", "vigie") for p in (ROOT / pkg).rglob("*.py")
                 if "phrasebank" in p.read_text(encoding="utf-8")]
    assert offenders == []
    assert BANK_DIR.is_dir()


def test_no_bank_sentence_is_copied_into_the_detector() -> None:
    """A short note may coincide with a lexicon term; a whole prose sentence of the bank found as a
    line of the detector's data would mean the bank was copied into it (it must stay held out)."""
    _, sentences = lexicon_overlap(load_bank())
    assert sentences == []
