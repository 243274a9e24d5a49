"""One build's side of an A/B timing of detection: run it on each build in turn, alternating.

    .venv/bin/python -m bench.detect_ab [--rounds 5]
    # the other build: a worktree of the old commit with its core unzipped into .native
    cd ../wt-base && PYTHONPATH=.native:. ../main/.venv/bin/python -m bench.detect_ab

Why a separate script: on a shared machine the two builds' full `bench.detect` runs land on
different loads (the baseline's own time moved by a third between runs in one hour), so
before/after claims come from short runs of each build taken in turns, CPU time of this process,
best of N. It times the compiled core (the default engine) on the bench's dense mix (20 000
rows, `dense_inputs`) and on the 20 posts of the sparse bench that hold a dump (the posts whose
per-fragment steps dominate `detect_many`), and prints identifiers per second. Results are
printed, not recorded: the recorded figures are `bench.detect`'s and `bench.instructions`'s.
"""

from __future__ import annotations

import argparse
import time

from bench.detect import KEY, dense_inputs
from indexer import engine
from indexer.detect import detect
from tests.corpus.generate import make_post


def _best(items: list[bytes], rounds: int) -> tuple[float, int, int]:
    """(best CPU seconds, identifiers, fragments) of `detect` over `items`, after a warm pass."""
    for it in items:
        detect(it, key=KEY)
    best, ids, frags = float("inf"), 0, 0
    for _ in range(rounds):
        t0 = time.process_time()
        ids = frags = 0
        for it in items:
            found = detect(it, key=KEY)
            frags += len(found)
            ids += sum(len(f.identifiers) for f in found)
        best = min(best, time.process_time() - t0)
    return best, ids, frags


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    engine.set_engine("native")
    t, n, _ = _best(dense_inputs(20_000), args.rounds)
    print(f"dense: {n} ids, best {t:.3f} s, {n / t:,.0f} ids/s")
    posts = [make_post(300_000 + i)[0].encode() for i in range(20)]
    t, n, f = _best(posts, args.rounds * 3)
    print(f"dump posts: {len(posts)} posts, {f} fragments, {n} ids, best {t * 1000:.1f} ms")


if __name__ == "__main__":
    main()
