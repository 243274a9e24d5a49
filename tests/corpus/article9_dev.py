"""Article 9 development set: the detector author's own phrases (tests/corpus/article9_dev/).

    .venv/bin/python -m tests.corpus.article9_dev [category ...]

Prints recall and precision per category, then the misses and false flags of the categories named
(all when none is). Why a set apart from the evaluation bank: the bank is an exam, read only by
the test that scores it; iterating on it would fit the detector to its sentences (issue 12). These
phrases are the exercises, written from domain knowledge, in the bank's format.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.corpus.article9_eval import A9Score, load_bank, score_bank

__all__ = ["DEV_DIR", "dev_score"]

DEV_DIR = Path(__file__).resolve().parent / "article9_dev"


def dev_score() -> A9Score:
    """The development set's score (each phrase in a notes column and a dox, as the bank is)."""
    return score_bank(load_bank(DEV_DIR))


def main(argv: list[str]) -> None:
    sc = dev_score()
    print(sc.table())
    for cat, ctx, text in sc.misses:
        if not argv or cat in argv:
            print(f"MISS  {cat:<19} {ctx:<6} {text}")
    for cat, ctx, text in sc.false_flags:
        if not argv or cat in argv:
            print(f"FALSE {cat:<19} {ctx:<6} {text}")


if __name__ == "__main__":
    main(sys.argv[1:])
