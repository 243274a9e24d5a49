"""`prefilter.detect_many` pauses the cyclic garbage collector, as `detect()` does.

Its result holds one list per item: a batch of 76k forum posts (bench.detect's 20 MB) ran
~100 young collections and about one full collection, which walks every object of the process
(with bench.detect's 1M-token set alive, ~66 ms a time: the sparse rate halved, wave 24). The
check counts collections through `gc.callbacks` (counts, not time: independent of the host's
speed and load). On whichever engine VIGIE_ENGINE selects.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest

from indexer.detect import detect
from indexer.detect import prefilter as P
from indexer.tokens import MatchKey
from tests.corpus.generate import make_post

KEY = MatchKey(bytes.fromhex("42" * 32))


def _inside_detect_many() -> bool:
    codes = {fn.__code__ for fn in (P.detect_many, getattr(P, "_detect_many", None)) if fn is not None}
    f = sys._getframe(1)
    while f is not None:
        if f.f_code in codes:
            return True
        f = f.f_back  # type: ignore[assignment]
    return False


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of each collection that starts inside `detect_many` (a frame of it on the
    stack) while the fixture is active, with the collector on and its default young threshold
    (so that the items below must trigger some). The young collection that the result's lists
    trigger at the caller's next allocation, once `detect_many` has returned, is not counted."""
    seen: list[int] = []

    def cb(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and _inside_detect_many():
            seen.append(info["generation"])

    was, thresholds = gc.isenabled(), gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    gc.enable()
    gc.callbacks.append(cb)
    try:
        yield seen
    finally:
        gc.callbacks.remove(cb)
        gc.set_threshold(*thresholds)
        if not was:
            gc.disable()


def _items() -> list[bytes]:
    # 5,000 items (seven times the young threshold in result lists alone), a few of which
    # hold a dump so that `detect()` runs inside the batch too
    dumps = [make_post(300_000 + i)[0].encode() for i in range(3)]
    posts = [b"post %d: rien a signaler, merci pour le partage" % i for i in range(5_000)]
    for k, d in enumerate(dumps):
        posts[1_000 * (k + 1)] = d
    return posts


def test_detect_many_runs_no_collection(collections: list[int]) -> None:
    items = _items()
    gc.collect()
    collections.clear()
    out = P.detect_many(items, key=KEY)
    during = list(collections)
    assert len(out) == len(items)
    assert during == [], f"collections during detect_many (generations): {during}"
    assert gc.isenabled(), "detect_many left the collector off"
    # the same answers as `detect()` on the items with a dump (and none elsewhere)
    for k in (1_000, 2_000, 3_000):
        assert out[k] == detect(items[k], key=KEY) and out[k]
    assert not any(out[k] for k in range(0, 1_000))


def test_detect_many_leaves_a_paused_collector_paused(collections: list[int]) -> None:
    gc.disable()
    P.detect_many([b"a@b.fr\nc@d.fr\ne@f.fr"], key=KEY)
    assert not gc.isenabled()
