"""The issue-17 parts of `bench/detect.py`: the prefilter on sparse text and `--big`.

Sparse text, one core: the same posts as `detect.py`'s "sparse" row, in one run: `detect()`
per post (as the crawler calls it today) and `prefilter.detect_many` over all of them, on the
pure-Python engine (one Hyperscan scan for many posts) and on the compiled core (its own
one-pass `sparse_scan`), the AIL-style baseline, and the raw scans of the same bytes with
nothing else (Hyperscan's `scan_batch`: the practical limit the issue names; the core's
`sparse_scan`). The same for the posts without their dumps, which is the prefilter's own share.

`--big`: a combo list written to disk (`--big-mb`, default 300), detected by
`indexer.detect.parallel.detect_stream` on every core (2 MB chunks, read in 1 MB blocks),
against one core on its first chunk; wall time, identifiers/s, and peak RSS of this process
and of the pool's (`resource.getrusage`, children included).
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from indexer import engine
from indexer.decode import Limits
from indexer.detect import detect
from indexer.detect import prefilter as P
from indexer.detect.parallel import DEFAULT_CHUNK_BYTES, detect_stream
from indexer.tokens import MatchKey
from tests.corpus.generate import make_dump, make_post

__all__ = ["big", "sparse_prefilter"]


def _best(fn: Callable[[], object], n: int = 3) -> float:
    best = float("inf")
    for _ in range(n):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def _engine(name: str) -> bool:
    try:
        engine.set_engine(name)
    except engine.EngineError as e:
        print(f"{name} engine not measured: {e}")
        return False
    return True


def sparse_prefilter(sparse: list[bytes], key: MatchKey,
                     baseline: Callable[[str, set[bytes]], tuple[int, int]] | None = None,
                     registry: set[bytes] | None = None) -> dict[str, float | int | bool | str]:
    """Side by side on the same posts, best of 3, CPU time, one core: the pure-Python engine
    (`detect()` per post, `detect_many` through Hyperscan), the compiled core (`detect()` per
    post, `detect_many` through `vigie_native.sparse_scan`), the AIL-style baseline, and the
    raw scans alone (Hyperscan's `scan_batch`, the core's `sparse_scan`): with and without the
    0.5% dump posts, whose cost is the dense engine's."""
    out: dict[str, float | int | bool | str] = {"hyperscan": P.status()}
    dumps = {make_post(300_000 + i)[0].encode() for i in range(20)}  # what sparse_inputs plants
    prose = [x for x in sparse if x not in dumps]
    reg = registry if registry is not None else set()
    for name, items in (("posts", sparse), ("posts_without_dumps", prose)):
        size = sum(map(len, items))
        mbps: dict[str, float] = {}

        def t(label: str, fn: Callable[[], object], size: int = size, mbps: dict[str, float] = mbps) -> None:
            mbps[label] = size / _best(fn) / 1e6

        _engine("python")
        want = [detect(x, key=key) for x in items]
        t("python_per_call", lambda items=items: [detect(x, key=key) for x in items])
        if P.available():
            assert P.detect_many(items, key=key) == want, "detect_many differs from detect() (python engine)"
            t("python_detect_many", lambda items=items: P.detect_many(items, key=key))
            t("raw_hyperscan", lambda items=items: P.scan_batch(items))
        if _engine("native"):
            scan = P.native_scan()
            assert P.detect_many(items, key=key) == want, "detect_many differs from detect() (native engine)"
            t("native_per_call", lambda items=items: [detect(x, key=key) for x in items])
            t("native_detect_many", lambda items=items: P.detect_many(items, key=key))
            if scan is not None:
                t("raw_native_scan", lambda items=items, scan=scan: scan(items, Limits().max_line_chars, 1 << 20,
                                                                         P._label_names, engine.today()))
        engine.set_engine(None)
        if baseline is not None:
            t("baseline", lambda items=items: [baseline(x.decode("utf-8"), reg) for x in items])
        for label, v in mbps.items():
            out[f"{name}_{label}_mb_per_s"] = round(v, 1)
        best = max((v for k, v in mbps.items() if k.endswith("detect_many")), default=0.0)
        out[f"{name}_detect_many_mb_per_s"] = round(best, 1)  # the faster engine's: the target's figure
        if "raw_hyperscan" in mbps and best:
            out[f"{name}_detect_many_vs_raw_hyperscan"] = round(best / mbps["raw_hyperscan"], 3)
        print(f"{name:>20}: {size / 1e6:.1f} MB, MB/s " + " | ".join(f"{k} {v:.1f}" for k, v in mbps.items())
              + (f" | best detect_many at {100 * best / mbps['raw_hyperscan']:.0f}% of raw Hyperscan"
                 if "raw_hyperscan" in mbps and best else ""))
    return out


def _write_combo(path: Path, mb: float) -> int:
    """A combo list of `mb` MB: 4 distinct blocks of 12 000 lines (Faker is slow), each
    repetition with its own login suffix (so identifiers and tokens differ everywhere: no
    cache makes it cheap)."""
    blocks = []
    for s in range(4):
        text, _ = make_dump("combo", 12_000, 7_000 + s)
        blocks.append(text.encode() + b"\n")
    n = 0
    k = 0
    with open(path, "wb") as fh:
        while n < mb * 1e6:
            b = blocks[k % 4].replace(b"@", b"%d@" % (k // 4)) if k >= 4 else blocks[k]
            fh.write(b)
            n += len(b)
            k += 1
    return n


def big(mb: float, key: MatchKey, workers: int | None = None) -> dict[str, float | int]:
    """--big: see the module docstring."""
    with tempfile.TemporaryDirectory(prefix="vigie-bench-big-") as tmp:
        path = Path(tmp) / "combo.txt"
        print(f"writing a {mb:.0f} MB combo list...", flush=True)
        size = _write_combo(path, mb)
        with open(path, "rb") as fh:  # one core on the first chunk: the per-core baseline
            head = fh.read(DEFAULT_CHUNK_BYTES)
        head = head[: head.rfind(b"\n") + 1]
        detect(head[: head.find(b"\n", 20_000) + 1], key=key)  # warm (the engine's first call loads its tables)
        t0 = time.perf_counter()
        one = sum(len(f.identifiers) for f in detect(head, key=key))
        t_one = time.perf_counter() - t0
        cores = workers or len(os.sched_getaffinity(0))
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        c0 = time.process_time()
        ids = frags = 0
        shown = 0
        for f in detect_stream(path, key=key, workers=cores):
            ids += len(f.identifiers)
            frags += 1
            if ids - shown >= 5_000_000:  # progress, so that a long run still says something
                shown = ids
                el = time.perf_counter() - t0
                print(f"  {el:.0f} s: {ids:,} identifiers ({ids / el:,.0f}/s), parent RSS "
                      f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB", flush=True)
        wall = time.perf_counter() - t0
        parent_cpu = time.process_time() - c0
        self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    r = {"bytes": size, "workers": cores, "wall_s": round(wall, 2), "parent_cpu_s": round(parent_cpu, 2),
         "identifiers": ids, "fragments": frags, "ids_per_s": round(ids / wall),
         "mb_per_s": round(size / wall / 1e6, 2), "one_core_ids_per_s": round(one / t_one),
         "speedup_vs_one_core": round(ids / wall / (one / t_one), 2),
         "peak_rss_parent_mb": round(self_rss / 1024), "peak_rss_parent_before_mb": round(rss0 / 1024),
         "peak_rss_largest_child_mb": round(child_rss / 1024)}
    print(f"big: {size / 1e6:.0f} MB combo list on {cores} processes in {wall:.1f} s wall: {ids:,} identifiers, "
          f"{r['ids_per_s']:,} ids/s ({r['mb_per_s']} MB/s), x{r['speedup_vs_one_core']} one core "
          f"({r['one_core_ids_per_s']:,} ids/s); peak RSS parent {r['peak_rss_parent_mb']} MB "
          f"(before {r['peak_rss_parent_before_mb']} MB), largest child {r['peak_rss_largest_child_mb']} MB")
    return r
