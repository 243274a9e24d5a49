"""The service's dense write path, stage by stage, as `Ingestor` runs it (issue 17, wave 21).

    .venv/bin/python -m bench.write_path [--rows 14000] [--rounds 5] [--no-record]
    valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no --callgrind-out-file=/dev/null \\
        .venv/bin/python -m bench.write_path --callgrind STAGE

Input: bench.detect's dense mix (`dense_inputs(rows)`: 7 dumps of 2,000 rows, CSV, separated
run, SQL INSERT, COPY, combo list, JSON lines). A round ingests every dump, one item each, through
`Ingestor.ingest` (workers=1: detection in this process, as a batch smaller than the pool's
threshold is) into a fresh embedded store with its leak store, which is what the service's ingest
always opens. Each stage is timed inside that call by wrapping the functions `Ingestor._write`
calls: `detect`, `build_documents`, the store's `upsert`, `fragment_records` and the leak store's
`add`; "ingest" is the whole call (the rest: `_place`'s loop, logging).

Baseline, in the same run, rounds alternated with ours: the same path with `fragment_records`
as written before wave 21 (tests/fixtures/records_v1.py: field by field), which must give the
same record hashes (checked). Times are CPU seconds of this process, best of the rounds (the VM
is shared: wall time would measure the neighbours). `--callgrind STAGE` counts the instructions
of one stage over one warm round instead (STAGE: ingest, detect, documents, upsert, records,
records_v1, leaks_add).

Appends one JSON line to bench/results/write_path.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger

from bench.detect import KEY, dense_inputs
from indexer import engine
from indexer import ingest as ingest_module
from indexer.crypto import DataKey
from indexer.ingest import Ingestor
from indexer.leaks.records import fragment_records, record_key
from indexer.leaks.store import SqliteLeakStore
from indexer.models import CrawledItem
from indexer.store.embedded import EmbeddedStore
from tests.fixtures import records_v1

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "write_path.jsonl"
DATA_KEY = DataKey(bytes(range(32, 64)))
STAGES = ("detect", "documents", "upsert", "records", "leaks_add")


def _v1_records(fragment: Any, key: Any) -> set[int]:
    """The baseline: the pre-wave-21 code, under its own key object (same key material)."""
    return records_v1.fragment_records(fragment, _V1_KEY)


_V1_KEY = records_v1.record_key(KEY)


class Clock:
    """CPU time per stage, accumulated by the wrappers; `on`/`off` toggle callgrind around one."""

    def __init__(self, only: str | None = None, cg: Any = None) -> None:
        self.spent: dict[str, float] = dict.fromkeys((*STAGES, "ingest"), 0.0)
        self.only, self.cg = only, cg

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            counted = self.cg is not None and self.only == stage
            if counted:
                self.cg.cg_on()
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[stage] += time.process_time() - t0
                if counted:
                    self.cg.cg_off()

        return timed


@contextmanager
def _patched(clock: Clock, records: Callable[..., set[int]]) -> Iterator[None]:
    """`indexer.ingest`'s module-level stage functions wrapped (what `_write` and `_place` call)."""
    saved = (ingest_module.build_documents, ingest_module.fragment_records)
    ingest_module.build_documents = clock.wrap("documents", saved[0])
    ingest_module.fragment_records = clock.wrap("records", records)
    try:
        yield
    finally:
        ingest_module.build_documents, ingest_module.fragment_records = saved


def one_round(items: list[CrawledItem], records: Callable[..., set[int]], clock: Clock) -> dict[str, str]:
    """Ingest every item into fresh stores; returns fragment id -> leak id (to compare the paths)."""
    with tempfile.TemporaryDirectory(prefix="vigie-bench-write-") as tmp:
        store = EmbeddedStore(Path(tmp) / "store.sqlite3")
        leaks = SqliteLeakStore(Path(tmp) / "store.sqlite3")
        ingestor = Ingestor(store, KEY, DATA_KEY, leaks=leaks, workers=1)
        ingestor.detect = clock.wrap("detect", ingestor.detect)
        store.upsert = clock.wrap("upsert", store.upsert)  # type: ignore[method-assign]
        leaks.add = clock.wrap("leaks_add", leaks.add)  # type: ignore[method-assign]
        whole = clock.wrap("ingest", ingestor.ingest)
        placed: dict[str, str] = {}
        try:
            with _patched(clock, records):
                for item in items:
                    placed.update(whole(item).leaks)
        finally:
            ingestor.close()
            leaks.close()
            store.close()
    return placed


def _items(rows: int) -> list[CrawledItem]:
    return [
        CrawledItem(
            source="bench",
            url=f"http://bench.onion/{k}",
            raw=x,
            filename=f"dump{k}.txt",
            fetched_at=datetime(2026, 12, 4, tzinfo=UTC),
        )
        for k, x in enumerate(dense_inputs(rows))
    ]


def _warm(items: list[CrawledItem]) -> None:
    """Imports, compiled patterns, datasketch and numpy: once, before anything is timed."""
    one_round(items[:2], fragment_records, Clock())


def _callgrind(stage: str, rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.instructions import _helper

    items = _items(rows)
    _warm(items)
    cg = _helper()
    records = _v1_records if stage == "records_v1" else fragment_records
    clock = Clock(only="records" if stage == "records_v1" else stage, cg=cg)
    one_round(items, records, clock)
    print(
        f"callgrind {stage}: {len(items)} items, {sum(map(len, (it.raw or b'' for it in items)))} bytes",
        file=sys.stderr,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=14_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--callgrind", choices=("ingest", *STAGES, "records_v1"), default=None)
    ap.add_argument("--no-record", action="store_true", help="do not append to bench/results")
    args = ap.parse_args()
    logger.disable("indexer")  # the per-item debug line, formatted for nobody
    if args.callgrind:
        _callgrind(args.callgrind, args.rows)
        return

    items = _items(args.rows)
    _warm(items)
    # the same hashes on both paths (the records decide the leaks: compare them fragment by fragment)
    key = record_key(KEY)
    frags = [f for it in items for f in ingest_module._detect(it.raw or b"", key=KEY, filename=it.filename)]
    ids = sum(len(f.identifiers) for f in frags)
    if any(fragment_records(f, key) != _v1_records(f, key) for f in frags):
        raise SystemExit("fragment_records and the pre-wave-21 code disagree: a bug (record hashes are persisted)")
    best: dict[str, dict[str, float]] = {"ours": {}, "baseline_v1_records": {}}
    leaks_seen: dict[str, dict[str, str]] = {}
    for _ in range(args.rounds):
        for name, fn in (("ours", fragment_records), ("baseline_v1_records", _v1_records)):
            clock = Clock()
            leaks_seen[name] = one_round(items, fn, clock)
            for stage, spent in clock.spent.items():
                best[name][stage] = min(best[name].get(stage, spent), spent)
    if leaks_seen["ours"] != leaks_seen["baseline_v1_records"]:
        raise SystemExit("the two paths placed the fragments in different leaks")
    size = sum(len(it.raw or b"") for it in items)
    load = os.getloadavg()[0]
    print(
        f"dense mix: {len(items)} dumps, {size:,} bytes, {ids:,} identifiers; engine {engine.engine_name()}; "
        f"best of {args.rounds} rounds, CPU ms, alternated; load average {load:.1f}"
    )
    print(f"{'stage':<12}{'ours':>10}{'baseline':>10}")
    for stage in (*STAGES, "ingest"):
        print(f"{stage:<12}{best['ours'][stage] * 1000:>10.1f}{best['baseline_v1_records'][stage] * 1000:>10.1f}")
    o, b = best["ours"]["ingest"], best["baseline_v1_records"]["ingest"]
    r_o, r_b = best["ours"]["records"], best["baseline_v1_records"]["records"]
    print(
        f"fragment_records: x{r_b / r_o:.2f} cheaper; the whole write path {ids / b:,.0f} -> {ids / o:,.0f} ids/s "
        f"(x{b / o:.2f})"
    )
    if args.no_record:
        return
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    line = {
        "bench": "write_path",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit.strip(),
        "host": {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "load_avg_1m": round(load, 2),
        },
        "engine": engine.engine_name(),
        "params": {"rows": args.rows, "rounds": args.rounds},
        "input": {"items": len(items), "bytes": size, "identifiers": ids, "fragments": len(frags)},
        "cpu_ms_best": {k: {s: round(v * 1000, 1) for s, v in d.items()} for k, d in best.items()},
        "ids_per_cpu_s": {"ours": round(ids / o), "baseline_v1_records": round(ids / b)},
        "records_ratio": round(r_b / r_o, 2),
        "write_path_ratio": round(b / o, 2),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with open(RESULTS, "a") as fh:
        fh.write(json.dumps(line) + "\n")
    print(f"appended to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
