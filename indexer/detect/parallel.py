"""Big inputs on every core: split on record boundaries, detect in a process pool, in order.

A leak attached to a post can be gigabytes (a combo list of 100M lines, a hospital export).
`detect_stream` reads it in blocks (a path, a binary file or an iterator of bytes: memory
stays bounded by `workers x chunk`, never the file), cuts chunks of about `chunk_bytes`, and
runs `detect()` on each in a `ProcessPoolExecutor` (spawn-safe: the workers import this
module afresh; the match key reaches them once, through the pool's initializer, and is never
logged). Fragments come back in input order with line numbers of the whole input.

The input is cut by `indexer.detect.chunking` (on record boundaries, so that the chunks' fragments
are the single pass's: see its docstring), and each chunk's fragments cross the pool's pipe
packed as columns (`indexer.detect.packing`). `detect_items` runs many small inputs on the same
pool, in batches.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import BinaryIO

from loguru import logger

from indexer.decode import Limits
from indexer.detect import caps as _caps
from indexer.detect.chunking import DEFAULT_CHUNK_BYTES, Chunk, StreamStats, chunks
from indexer.detect.packing import PackedFragment, pack, unpack
from indexer.models import Fragment
from indexer.tokens import MatchKey

__all__ = ["DEFAULT_CHUNK_BYTES", "DEFAULT_POOL_MIN_BYTES", "DEFAULT_THRESHOLD_BYTES", "Chunk", "chunks", "DetectPool",
           "detect_here", "detect_items", "detect_stream", "make_pool", "PackedFragment", "pack", "StreamStats",
           "unpack"]

DEFAULT_THRESHOLD_BYTES = 8 * 1024 * 1024  # inputs above this go through the pool
DEFAULT_POOL_MIN_BYTES = 1024 * 1024  # a batch of items under this is detected without starting the pool


# ------------------------------------------------------------------------------------ workers
_KEY: MatchKey | None = None


def _init(key: bytes, version: int, parent: int) -> None:
    """In each worker: the key, and an exit when the parent process (pid `parent`) is gone, even
    killed by SIGKILL, so that a killed crawl leaves no detection process behind holding the key.

    Not PR_SET_PDEATHSIG: Linux sends it when the *thread* that spawned the worker ends, and the
    pool spawns its workers from whichever thread submits first. A crawl that first detected a
    big attachment on a thread that later ended had its workers killed under it: the pool broke,
    or, at the end of a crawl, a worker killed while holding the task queue's lock left the
    other waiting for it forever and `vigie crawl` never exited."""
    global _KEY
    _KEY = MatchKey(key, version)
    threading.Thread(target=_exit_with_parent, args=(parent,), name="vigie-parent-watch", daemon=True).start()


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    """Polls the parent pid (a dead parent's orphans are re-parented); exits within `every` s."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)



def _detect_chunk(ch: Chunk, filename: str | None, limits: Limits | None) -> tuple[list[PackedFragment], int]:
    """A chunk's fragments, packed, and how many detections stopped at a cap on it (`caps`: the
    parent counts them, this process's count is no one's)."""
    before = _caps.stopped()
    packed = pack(_detect_chunk_frags(ch, filename, limits))
    return packed, _caps.stopped() - before


def _stopped_here(result: tuple[list[PackedFragment], int]) -> list[PackedFragment]:
    """A worker's packed fragments; its cap stops counted in this process."""
    packed, stopped = result
    if stopped:
        _caps.count(stopped)
    return packed


def _detect_chunk_frags(ch: Chunk, filename: str | None, limits: Limits | None,
                        key: MatchKey | None = None) -> list[Fragment]:
    """One chunk's fragments, numbered in the whole input's lines; `key`: the worker's (`_KEY`)
    unless given (`detect_here`, in the calling process)."""
    from indexer.detect import detect

    key = key or _KEY
    if key is None:  # pragma: no cover - the pool's initializer sets it
        raise RuntimeError("detection worker started without its match key (use detect_stream)")
    pad = 0
    data = ch.head + ch.data
    if ch.prelude:
        data = ch.prelude + b"\n\n\n" + data
        pad = ch.prelude.count(b"\n") + 3
    frags = detect(data, key=key, filename=filename if ch.first_line == 0 else None, limits=limits)
    out = []
    for f in frags:
        if f.start_line <= pad:
            continue  # nothing comes from a CREATE TABLE, but be exact about it
        f.start_line += ch.first_line - pad
        f.end_line += ch.first_line - pad
        out.append(f)
    return out


class DetectPool(ProcessPoolExecutor):
    """A process pool that knows its size (for the in-flight bounds)."""

    def __init__(self, workers: int, key: MatchKey) -> None:
        super().__init__(max_workers=workers, mp_context=get_context("spawn"), initializer=_init,
                         initargs=(key.key, key.version, os.getpid()))
        self.workers = workers


def make_pool(key: MatchKey, workers: int | None = None) -> DetectPool:
    """A pool of spawned detection processes (default: one per core) holding `key`, sent once
    through the initializer (pickled over the pool's pipe, never logged: `MatchKey` hides it
    from repr). The caller shuts it down."""
    if not workers:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return DetectPool(workers, key)


def _detect_items(items: list[tuple[bytes | str, str | None]],
                  limits: Limits | None) -> tuple[list[list[PackedFragment]], int]:
    from indexer.detect.prefilter import detect_many

    if _KEY is None:  # pragma: no cover - the pool's initializer sets it
        raise RuntimeError("detection worker started without its match key (use make_pool)")
    before = _caps.stopped()
    found = [pack(fs) for fs in detect_many([d for d, _ in items], key=_KEY, filenames=[f for _, f in items],
                                            limits=limits)]
    return found, _caps.stopped() - before


def _items_here(result: tuple[list[list[PackedFragment]], int]) -> list[list[PackedFragment]]:
    found, stopped = result
    if stopped:
        _caps.count(stopped)
    return found


def detect_items(pool: DetectPool, items: list[tuple[bytes | str, str | None]], *,
                 limits: Limits | None = None, batch_bytes: int = 1 << 20,
                 batch_items: int = 256) -> Iterator[list[Fragment]]:
    """`detect(data, filename=...)` for each (data, filename), on the pool's processes (batches
    of about `batch_bytes` or `batch_items`, each through `prefilter.detect_many`), yielded in
    order as the batches finish. At most twice as many batches as processes are in flight."""
    workers = pool.workers
    pending: deque[Future[tuple[list[list[PackedFragment]], int]]] = deque()
    batch: list[tuple[bytes | str, str | None]] = []
    size = 0
    for it in items:
        batch.append(it)
        size += len(it[0])
        if size >= batch_bytes or len(batch) >= batch_items:
            pending.append(pool.submit(_detect_items, batch, limits))
            batch, size = [], 0
            while len(pending) >= 2 * workers:
                yield from map(unpack, _items_here(pending.popleft().result()))
    if batch:
        pending.append(pool.submit(_detect_items, batch, limits))
    while pending:
        yield from map(unpack, _items_here(pending.popleft().result()))


def detect_here(source: str | Path | BinaryIO | Iterable[bytes], *, key: MatchKey, filename: str | None = None,
                chunk_bytes: int = DEFAULT_CHUNK_BYTES, limits: Limits | None = None,
                stats: StreamStats | None = None) -> Iterator[Fragment]:
    """`detect_stream` without processes: the same chunks, detected one after the other in this
    process (one detection process configured: `detection.workers: 1`). A big input given to
    `detect()` whole would be cut at `Limits.max_bytes` (64 MiB) and its tail never read; in
    chunks it is read whole with the single pass's fragments, memory bounded by one chunk."""
    for ch in chunks(source, chunk_bytes, stats=stats, max_line_chars=(limits or Limits()).max_line_chars):
        yield from _detect_chunk_frags(ch, filename, limits, key)


def detect_stream(source: str | Path | BinaryIO | Iterable[bytes], *, key: MatchKey, filename: str | None = None,
                  workers: int | None = None, chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                  limits: Limits | None = None, pool: DetectPool | None = None,
                  stats: StreamStats | None = None) -> Iterator[Fragment]:
    """Fragments of a big input, in order, detected on `workers` processes (default: every
    core), or on `pool` (from `make_pool` with the same key). At most `2 x workers` chunks are
    in flight, so memory does not grow with the input. `stats` (when given) counts what was
    read and what was not (a line over `limits.max_line_chars`: its head only)."""
    own = pool is None
    if pool is None:
        pool = make_pool(key, workers)
    workers = pool.workers
    try:
        pending: deque[Future[tuple[list[PackedFragment], int]]] = deque()
        n = 0
        for ch in chunks(source, chunk_bytes, stats=stats,
                         max_line_chars=(limits or Limits()).max_line_chars):
            pending.append(pool.submit(_detect_chunk, ch, filename, limits))
            n += 1
            while len(pending) >= 2 * workers:
                yield from unpack(_stopped_here(pending.popleft().result()))
        while pending:
            yield from unpack(_stopped_here(pending.popleft().result()))
    finally:
        if own:
            pool.shutdown(cancel_futures=True)
    logger.debug("big input detected in {} chunks on {} processes", n, workers)
