"""A placement in the leak store costs what the new fragment holds, not what its leak holds.

Each placement read every fragment of the candidate leaks (a band minimum shared with each of
them), every fragment holding one of its records (the shared counts), then the whole leak again
(its aggregate): one leak growing by 2,000 fragments in one item took 73 s of CPU, quadratic. The
costs here are SQLite's virtual-machine steps (a progress handler), never a clock: the same on a
loaded machine. The aggregates kept incrementally must equal those counted from the fragments,
merges included, and a store written before the per-leak tables existed fills them when opened.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from indexer.leaks.store import SqliteLeakStore
from indexer.models import Severity, StoredFragment


def _doc(k: int, day: int = 1) -> StoredFragment:
    return StoredFragment(id=f"{k:08x}".ljust(40, "f"), kind="table", start_line=0, end_line=1, excerpt="",
                          severity=Severity.low, tokens={}, counts={"email": 11}, categories=[], encrypted_text=b"",
                          source="s", url="http://x.onion/1",
                          fetched_at=datetime(2026, 3, 1, tzinfo=UTC) + timedelta(days=day))


def _one_leak(start: int, n: int) -> list[tuple[StoredFragment, set[int]]]:
    """Fragments of one dump: the same ten records (every band minimum shared) and one of their own."""
    return [(_doc(k), set(range(10)) | {10_000 + k}) for k in range(start, start + n)]


def _steps(store: SqliteLeakStore, placements: list[tuple[StoredFragment, set[int]]]) -> int:
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    store._db.set_progress_handler(tick, 100)
    try:
        store.add_many(placements)
    finally:
        store._db.set_progress_handler(None, 0)
    return steps[0] * 100


def test_placing_into_a_big_leak_costs_as_into_a_small_one(tmp_path: Path) -> None:
    small = SqliteLeakStore(tmp_path / "small.sqlite3")
    big = SqliteLeakStore(tmp_path / "big.sqlite3")
    try:
        small.add_many(_one_leak(0, 40))
        big.add_many(_one_leak(0, 800))
        near = _steps(small, _one_leak(5_000, 40))
        far = _steps(big, _one_leak(5_000, 40))
        # before: each of the 40 read the leak's 800 fragments three times over (about 25 times the
        # small leak's steps); now a B-tree's depth apart
        assert far < 2 * near, (near, far)
        leak = big.get(big.leak_of_fragment(_doc(0).id) or "")
        assert leak is not None and len(leak.appearances) == 840 and leak.record_count == 850
    finally:
        small.close()
        big.close()


def _counted(db: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """Each leak's (first seen, distinct records), counted from its fragments."""
    return {leak: (first, n) for leak, first, n in db.execute(
        "SELECT f.leak_id, MIN(f.seen_at), (SELECT COUNT(DISTINCT r.hash) FROM leak_records r JOIN leak_fragments g "
        "ON g.fragment_id = r.fragment_id WHERE g.leak_id = f.leak_id) FROM leak_fragments f GROUP BY f.leak_id")}


def _placements() -> list[tuple[StoredFragment, set[int]]]:
    """Per group: a dump, older and newer copies of it, a small leak of its own, then a copy of
    most of the dump with the small leak's records and some new ones, which merges the two (the
    small leak lies inside it; `cluster.decide`)."""
    out = []
    for g in range(6):
        dump = set(range(1000 * g, 1000 * g + 100))
        small = {1000 * g + 500, 1000 * g + 501, 1000 * g + 502}
        out.append((_doc(10 + g, day=20 - g), dump))
        out.append((_doc(20 + g, day=30 + g), set(range(1000 * g, 1000 * g + 40)) | {1000 * g + 300}))
        out.append((_doc(30 + g, day=g), set(range(1000 * g + 50, 1000 * g + 100)) | {1000 * g + 301}))
        out.append((_doc(40 + g, day=25), small))
        out.append((_doc(50 + g, day=40), set(range(1000 * g, 1000 * g + 60)) | small
                    | set(range(1000 * g + 600, 1000 * g + 630))))
    return out


def test_kept_aggregates_equal_the_counted_ones_merges_included(tmp_path: Path) -> None:
    store = SqliteLeakStore(tmp_path / "l.sqlite3")
    try:
        results = store.add_many(_placements())
        assert any(r.merged for r in results) and sum(r.changed for r in results) == len(results)
        rows = store._db.execute("SELECT id, first_seen, record_count FROM leaks")
        kept = {leak: (first, n) for leak, first, n in rows}
        assert kept == _counted(store._db)
        assert len(kept) == 6  # every copy joined its dump, every small leak was merged into it
    finally:
        store.close()


def test_a_store_written_before_the_per_leak_tables_fills_them_when_opened(tmp_path: Path) -> None:
    fresh = SqliteLeakStore(tmp_path / "fresh.sqlite3")
    old = SqliteLeakStore(tmp_path / "old.sqlite3")
    first, later = _placements()[:14], _placements()[14:]
    try:
        fresh.add_many(first)
        old.add_many(first)
        old._db.executescript("DROP TABLE leak_records_by_leak; DROP TABLE leak_bands_by_leak;")
    finally:
        old.close()
    old = SqliteLeakStore(tmp_path / "old.sqlite3")  # as an older Vigie left it: filled from leak_records/bands
    try:
        assert old.add_many(later) == fresh.add_many(later)
        for table in ("leak_records_by_leak", "leak_bands_by_leak", "leaks"):
            q = f"SELECT * FROM {table} ORDER BY 1, 2"
            assert old._db.execute(q).fetchall() == fresh._db.execute(q).fetchall()
    finally:
        old.close()
        fresh.close()
