"""The identifier figures of issue 12, computed once per process and shared by the tests and the
report (`python -m tests.corpus.report`), so that the page and CI cannot disagree.

The corpus: N_POSTS posts from `make_corpus(N_POSTS, seed=CORPUS_SEED)`, each fed to the real
detector in one of the renderings a crawler hands over (plain, CRLF, cp1252, UTF-16 with and without
BOM, HTML), and N_PROSE prose-only posts that must give no fragment.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.corpus.generate import RENDERINGS, PostTruth, make_corpus, make_prose_post, render
from tests.corpus.metrics import Score, score_post

__all__ = ["CORPUS_SEED", "KEY", "N_POSTS", "N_PROSE", "ProseResult", "corpus", "identifier_score", "prose_result"]

KEY = MatchKey(b"\x42" * 32)
N_POSTS = 360
N_PROSE = 150
CORPUS_SEED = 3


@lru_cache(maxsize=1)
def corpus() -> list[tuple[str, PostTruth]]:
    return make_corpus(N_POSTS, seed=CORPUS_SEED)


@lru_cache(maxsize=1)
def detected() -> list[list[Fragment]]:
    """The fragments of each corpus post, in its rendering (kept for the excerpt checks)."""
    return [detect(render(text, RENDERINGS[i % len(RENDERINGS)]), key=KEY) for i, (text, _) in enumerate(corpus())]


@lru_cache(maxsize=1)
def identifier_score() -> Score:
    sc = Score()
    for i, ((_, truth), frags) in enumerate(zip(corpus(), detected(), strict=True)):
        score_post(frags, truth, sc, by_lines=not RENDERINGS[i % len(RENDERINGS)].startswith("html"))
    return sc


@dataclass(frozen=True)
class ProseResult:
    posts: int
    with_fragments: list[tuple[int, list[tuple[str, int]]]]  # (post, [(kind, start line)])


@lru_cache(maxsize=1)
def prose_result() -> ProseResult:
    bad = []
    for i in range(N_PROSE):
        frags = detect(render(make_prose_post(70_000 + i), RENDERINGS[i % len(RENDERINGS)]), key=KEY)
        if frags:
            bad.append((i, [(f.kind, f.start_line) for f in frags]))
    return ProseResult(N_PROSE, bad)
