"""Article 9 development sets: the detector author's own phrases (tests/corpus/article9_dev*/).

    .venv/bin/python -m tests.corpus.article9_dev [--set dev|validation|round3|round3_check|round4] [category ...]

Prints recall and precision per category, then the misses and false flags of the categories named
(all when none is). `--set` picks the set: `dev` (default, the exercises), `validation` (written
after the first round, to check it generalised) or `round3` (written before the sex-life round, with
hard negatives from the other categories) or `round3_check` (written after the round's changes, before
the exam, to see whether they generalise) or `round4` (written before the sex-life precision round,
weighted on words shared with sex life in other senses). Why sets apart from the evaluation bank: the bank is an
exam, read only by the test that scores it; iterating on it would fit the detector to its sentences
(issue 12). These phrases are the exercises, written from domain knowledge, in the bank's format.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.corpus.article9_eval import A9Score, load_bank, score_bank

__all__ = ["DEV_DIR", "DEV_SETS", "dev_score"]

DEV_DIR = Path(__file__).resolve().parent / "article9_dev"
DEV_SETS = {"dev": DEV_DIR, "validation": DEV_DIR.with_name("article9_dev_validation"),
            "round3": DEV_DIR.with_name("article9_dev_round3"),
            "round3_check": DEV_DIR.with_name("article9_dev_round3_check"),
            "round4": DEV_DIR.with_name("article9_dev_round4")}


def dev_score(which: str = "dev") -> A9Score:
    """A development set's score (each phrase in a notes column and a dox, as the bank is)."""
    if which not in DEV_SETS:
        raise ValueError(f"unknown development set {which!r}; expected one of {sorted(DEV_SETS)}")
    return score_bank(load_bank(DEV_SETS[which]))


def main(argv: list[str]) -> None:
    which = "dev"
    if argv[:1] == ["--set"] and len(argv) >= 2:
        which, argv = argv[1], argv[2:]
    sc = dev_score(which)
    print(sc.table())
    for cat, ctx, text in sc.misses:
        if not argv or cat in argv:
            print(f"MISS  {cat:<19} {ctx:<6} {text}")
    for cat, ctx, text in sc.false_flags:
        if not argv or cat in argv:
            print(f"FALSE {cat:<19} {ctx:<6} {text}")


if __name__ == "__main__":
    main(sys.argv[1:])
