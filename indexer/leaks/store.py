"""Leaks at rest: the clustering state and the leaks, in SQLite tables beside the fragments.

    leak_fragments  one row per fragment holding records: its leak, masked provenance, counts
    leak_records    (record hash, fragment): the keyed record index
    leak_bands      (band, min value, fragment): the MinHash LSH bands
    leak_records_by_leak, leak_bands_by_leak  the same per leak, each once (see below)
    leaks           one row per leak: first seen, distinct records, the aggregate as JSON
    leak_aliases    merged leak id -> the leak it was merged into

With the embedded backend these tables live in the store's own file (`store.sqlite3`); with
Elasticsearch in `<data_dir>/leaks.sqlite3`, and every changed leak is also written to the ES
`leaks` index (`indexer.leaks.elastic`) for the readers that query ES: a changed leak is marked
in `leak_mirror_pending` in the same transaction, and unmarked once written, so a change made
while ES is down is written by a later `flush_mirror`. Record hashes are keyed
(HMAC), never plaintext; URLs and titles are the stored, masked ones.

`add` is idempotent (a fragment already placed changes nothing) and runs in one IMMEDIATE
transaction, so two processes ingesting at once queue instead of racing on a merge.

A placement costs what the new fragment holds, not what its leak holds. Read per fragment, the
candidates (every fragment of a leak sharing a band minimum with the new one), the shared counts
(every fragment holding one of its records) and the aggregate (all the leak's fragments) grew
with the leak: one leak growing by 2,000 fragments in one item took 73 s of CPU, quadratic. The
candidates and shared counts are read from the per-leak tables (a band or record once per leak,
rewritten on a merge), and a fragment joining one leak adds its new records to the leak's count
(`shared` is what it already held); a new leak or a merge is counted from its fragments. A store
written before these tables existed fills them once, when opened.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from loguru import logger

from indexer.leaks.cluster import Candidate, bands, decide, signature
from indexer.leaks.models import Leak, LeakAppearance
from indexer.models import StoredFragment
from vigie.core.sqlite import connect, transaction

__all__ = ["AddResult", "LeakMirror", "SqliteLeakStore", "leak_id_for"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS leak_fragments (
    fragment_id TEXT PRIMARY KEY,
    leak_id TEXT NOT NULL,
    record_count INTEGER NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    thread_title TEXT,
    posted_at INTEGER,
    fetched_at INTEGER,
    seen_at INTEGER NOT NULL,
    counts TEXT NOT NULL,
    categories TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS leak_fragments_leak ON leak_fragments (leak_id, seen_at);
CREATE TABLE IF NOT EXISTS leak_records (
    hash INTEGER NOT NULL, fragment_id TEXT NOT NULL, PRIMARY KEY (hash, fragment_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leak_bands (
    band INTEGER NOT NULL, value INTEGER NOT NULL, fragment_id TEXT NOT NULL,
    PRIMARY KEY (band, value, fragment_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leaks (
    id TEXT PRIMARY KEY,
    first_seen INTEGER NOT NULL,
    record_count INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS leaks_first_seen ON leaks (first_seen DESC);
CREATE TABLE IF NOT EXISTS leak_aliases (alias TEXT PRIMARY KEY, leak_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS leak_mirror_pending (leak_id TEXT PRIMARY KEY);
"""
# the records and bands per leak, each once (the placement's reads: see the module docstring);
# filled from the per-fragment tables in the transaction that creates them (a store written before)
_BY_LEAK = """
CREATE TABLE leak_records_by_leak (
    leak_id TEXT NOT NULL, hash INTEGER NOT NULL, PRIMARY KEY (leak_id, hash)
) WITHOUT ROWID;
CREATE TABLE leak_bands_by_leak (
    band INTEGER NOT NULL, value INTEGER NOT NULL, leak_id TEXT NOT NULL, PRIMARY KEY (band, value, leak_id)
) WITHOUT ROWID;
CREATE INDEX leak_bands_by_leak_leak ON leak_bands_by_leak (leak_id);
INSERT OR IGNORE INTO leak_records_by_leak
    SELECT f.leak_id, r.hash FROM leak_records r JOIN leak_fragments f ON f.fragment_id = r.fragment_id;
INSERT OR IGNORE INTO leak_bands_by_leak
    SELECT b.band, b.value, f.leak_id FROM leak_bands b JOIN leak_fragments f ON f.fragment_id = b.fragment_id;
"""


class LeakMirror(Protocol):
    """Where changed leaks are also written (the Elasticsearch `leaks` index)."""

    def put(self, leak: Leak) -> None: ...

    def close(self) -> None: ...


def leak_id_for(fragment_id: str) -> str:
    """A new leak's id: derived from the fragment that formed it (stable across runs)."""
    return f"leak-{fragment_id[:20]}"


def _us(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp() * 1_000_000)


def _dt(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1_000_000, UTC)


@dataclass(frozen=True, slots=True)
class AddResult:
    """Where a fragment went. `changed` is False when it was already placed (re-ingest)."""

    leak_id: str | None
    changed: bool
    merged: tuple[str, ...] = ()


class SqliteLeakStore:
    """The `LeakStore` of both backends, plus `add`, the incremental clustering step.

    With a `mirror` (Elasticsearch), each committed change is also written there."""

    def __init__(self, path: Path | str, mirror: LeakMirror | None = None) -> None:
        self._db = connect(path)
        self._db.executescript(_SCHEMA)
        with transaction(self._db) as db:
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'leak_bands_by_leak'").fetchone() is None:
                for statement in filter(str.strip, _BY_LEAK.split(";")):
                    db.execute(statement)
        self._lock = threading.Lock()
        self._mirror = mirror
        self._mirror_down = False

    # -- the write path ------------------------------------------------------------------------

    def add(self, doc: StoredFragment, records: set[int]) -> AddResult:
        """Place one stored fragment with its record hashes: join, start or merge leaks."""
        return self.add_many([(doc, records)])[0]

    def add_many(self, placements: Sequence[tuple[StoredFragment, set[int]]]) -> list[AddResult]:
        """Place an item's fragments in order, in ONE transaction: the same decisions as `add`
        called on each in turn (each sees the ones before it on this connection), but one commit,
        hence one fsync, for the lot. A commit per fragment made an attachment of 10,000 fragments
        take minutes (~2.7 ms a commit on a busy disk); and the item's placement is now all or
        nothing, which the ingest's retry (it skips the fragments already placed) is built for."""
        results: list[AddResult] = []
        with self._lock:
            with transaction(self._db) as db:
                for doc, records in placements:
                    results.append(self._add(db, doc, records))
        if any(r.changed for r in results):
            self.flush_mirror()
        return results

    def _add(self, db: sqlite3.Connection, doc: StoredFragment, records: set[int]) -> AddResult:
        if not records:
            return AddResult(None, False)
        row = db.execute("SELECT leak_id FROM leak_fragments WHERE fragment_id = ?", (doc.id,)).fetchone()
        if row is not None:
            return AddResult(self._resolve(row[0]), False)
        keys = bands(signature(records))
        candidates = self._candidates(db, keys, records)
        decision = decide(len(records), candidates, lambda a, b: self._both(db, a, b))
        db.execute("DELETE FROM _query")
        leak_id = decision.join or leak_id_for(doc.id)
        seen = doc.posted_at or doc.fetched_at or datetime.now(UTC)
        db.execute(
            "INSERT INTO leak_fragments VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (doc.id, leak_id, len(records), doc.source, doc.url, doc.thread_title,
             _us(doc.posted_at), _us(doc.fetched_at), _us(seen),
             json.dumps(doc.counts, sort_keys=True), json.dumps(sorted(doc.categories))))
        db.executemany("INSERT OR IGNORE INTO leak_records VALUES (?, ?)", ((h, doc.id) for h in records))
        db.executemany("INSERT OR IGNORE INTO leak_bands VALUES (?, ?, ?)", ((b, v, doc.id) for b, v in keys))
        for other in decision.merge:
            db.execute("UPDATE leak_fragments SET leak_id = ? WHERE leak_id = ?", (leak_id, other))
            for table, cols in (("leak_records_by_leak", "?, hash"), ("leak_bands_by_leak", "band, value, ?")):
                db.execute(f"INSERT OR IGNORE INTO {table} SELECT {cols} FROM {table} WHERE leak_id = ?",
                           (leak_id, other))
                db.execute(f"DELETE FROM {table} WHERE leak_id = ?", (other,))
            db.execute("UPDATE leak_aliases SET leak_id = ? WHERE leak_id = ?", (leak_id, other))
            db.execute("INSERT OR REPLACE INTO leak_aliases VALUES (?, ?)", (other, leak_id))
            db.execute("DELETE FROM leaks WHERE id = ?", (other,))
        db.executemany("INSERT OR IGNORE INTO leak_records_by_leak VALUES (?, ?)", ((leak_id, h) for h in records))
        db.executemany("INSERT OR IGNORE INTO leak_bands_by_leak VALUES (?, ?, ?)", ((b, v, leak_id) for b, v in keys))
        if decision.join is not None and not decision.merge:
            # joined one leak: its aggregate grows by the records it did not hold (`shared`, the
            # exact count of the fragment's records already in it, was taken for the decision)
            shared = next(c.shared for c in candidates if c.leak_id == leak_id)
            db.execute("UPDATE leaks SET record_count = record_count + ?, first_seen = MIN(first_seen, ?) "
                       "WHERE id = ?", (len(records) - shared, _us(seen), leak_id))
        else:  # a new leak (one fragment), or a merge (rare): counted from the fragments
            self._refresh(db, leak_id)
        if self._mirror is not None:
            db.execute("INSERT OR IGNORE INTO leak_mirror_pending VALUES (?)", (leak_id,))
        return AddResult(leak_id, True, decision.merge)

    def flush_mirror(self) -> int:
        """Write the leaks changed since the last successful write to the mirror; returns how
        many. A failure (ES unreachable) is logged once per outage; they stay marked."""
        if self._mirror is None:
            return 0
        done = 0
        with self._lock:
            pending = [r[0] for r in self._db.execute("SELECT leak_id FROM leak_mirror_pending ORDER BY leak_id")]
            for leak_id in pending:
                leak = self._build(self._db, self._resolve(leak_id))
                try:
                    if leak is not None:
                        self._mirror.put(leak)
                except Exception as exc:  # any client error: keep it marked, retry on the next change
                    if not self._mirror_down:
                        logger.warning("leaks: the Elasticsearch leaks index is not reachable ({}); "
                                       "{} leak(s) will be written when it is", type(exc).__name__, len(pending))
                    self._mirror_down = True
                    return done
                self._db.execute("DELETE FROM leak_mirror_pending WHERE leak_id = ?", (leak_id,))
                done += 1
            self._mirror_down = False
        return done

    def _candidates(self, db: sqlite3.Connection, keys: list[tuple[int, int]], records: set[int]) -> list[Candidate]:
        # one statement for the 128 bands, not one each (~130 us less a fragment); CROSS JOIN keeps
        # the bands the outer loop, so each is a primary-key search (a plain IN scans the table)
        leaks = {r[0] for r in db.execute(
            f"WITH q(band, value) AS (VALUES {','.join(['(?,?)'] * len(keys))}) SELECT DISTINCT b.leak_id "
            "FROM q CROSS JOIN leak_bands_by_leak b ON b.band = q.band AND b.value = q.value",
            [x for k in keys for x in k])}
        db.execute("CREATE TEMP TABLE IF NOT EXISTS _query (hash INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM _query")
        if not leaks:
            return []
        db.executemany("INSERT OR IGNORE INTO _query VALUES (?)", ((h,) for h in records))
        out = []
        for leak_id in sorted(leaks):
            (shared,) = db.execute(
                "SELECT COUNT(*) FROM _query q CROSS JOIN leak_records_by_leak r ON r.leak_id = ? AND r.hash = q.hash",
                (leak_id,)).fetchone()
            size, first = db.execute("SELECT record_count, first_seen FROM leaks WHERE id = ?", (leak_id,)).fetchone()
            out.append(Candidate(leak_id, shared, size, first))
        return out

    @staticmethod
    def _both(db: sqlite3.Connection, a: str, b: str) -> int:
        """How many of the new fragment's records (the `_query` table) are in both leaks."""
        held = "EXISTS (SELECT 1 FROM leak_records_by_leak r WHERE r.leak_id = ? AND r.hash = q.hash)"
        (n,) = db.execute(f"SELECT COUNT(*) FROM _query q WHERE {held} AND {held}", (a, b)).fetchone()
        return int(n)

    def _refresh(self, db: sqlite3.Connection, leak_id: str) -> Leak:
        """Recompute one leak's aggregate from its fragments and store it."""
        leak = self._build(db, leak_id)
        assert leak is not None  # called right after a fragment was placed in it
        db.execute("INSERT OR REPLACE INTO leaks VALUES (?, ?, ?, ?)",
                   (leak.id, _us(leak.first_seen), leak.record_count, json.dumps({"aliases": leak.aliases})))
        return leak

    def _build(self, db: sqlite3.Connection, leak_id: str) -> Leak | None:
        rows = db.execute(
            "SELECT fragment_id, source, url, thread_title, posted_at, fetched_at, record_count, counts, "
            "categories, seen_at FROM leak_fragments WHERE leak_id = ? ORDER BY seen_at, fragment_id",
            (leak_id,)).fetchall()
        if not rows:
            return None
        appearances = tuple(LeakAppearance(r[0], r[1], r[2], r[3], _dt(r[4]), _dt(r[5]), r[6]) for r in rows)
        (records,) = db.execute("SELECT COUNT(*) FROM leak_records_by_leak WHERE leak_id = ?", (leak_id,)).fetchone()
        types: dict[str, int] = {}
        categories: set[str] = set()
        for r in rows:
            for t, n in json.loads(r[7]).items():
                types[t] = max(types.get(t, 0), n)
            categories.update(json.loads(r[8]))
        largest = max(appearances, key=lambda a: (a.record_count, -(_us(a.seen_at) or 0)))
        aliases = tuple(a for (a,) in db.execute(
            "SELECT alias FROM leak_aliases WHERE leak_id = ? ORDER BY alias", (leak_id,)))
        first_seen = _dt(rows[0][9])
        assert first_seen is not None
        return Leak(id=leak_id, first_seen=first_seen, first_source=rows[0][1], appearances=appearances,
                    record_count=records, identifier_types=dict(sorted(types.items())),
                    categories=tuple(sorted(categories)), largest_fragment_id=largest.fragment_id,
                    largest_record_count=largest.record_count, aliases=aliases)

    def _resolve(self, leak_id: str) -> str:
        row = self._db.execute("SELECT leak_id FROM leak_aliases WHERE alias = ?", (leak_id,)).fetchone()
        return row[0] if row is not None else leak_id

    # -- LeakStore -------------------------------------------------------------------------------

    def get(self, leak_id: str) -> Leak | None:
        with self._lock:
            return self._build(self._db, self._resolve(leak_id))

    def list(self, since: datetime | None = None, limit: int = 100) -> builtins.list[Leak]:
        with self._lock:
            ids = [r[0] for r in self._db.execute(
                "SELECT id FROM leaks WHERE first_seen >= ? ORDER BY first_seen DESC, id LIMIT ?",
                (_us(since) or 0, limit))]
            return [leak for leak in (self._build(self._db, i) for i in ids) if leak is not None]

    def leak_of_fragment(self, fragment_id: str) -> str | None:
        return self.leaks_of_fragments([fragment_id]).get(fragment_id)

    def leaks_of_fragments(self, fragment_ids: Iterable[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self._lock:
            for chunk in _chunks(sorted(set(fragment_ids)), 500):
                out.update(self._db.execute(
                    f"SELECT fragment_id, leak_id FROM leak_fragments WHERE fragment_id IN ({_marks(chunk)})",
                    chunk).fetchall())
        return out

    def count(self) -> int:
        (n,) = self._db.execute("SELECT COUNT(*) FROM leaks").fetchone()
        return int(n)

    def close(self) -> None:
        self._db.close()
        if self._mirror is not None:
            self._mirror.close()


def _marks(chunk: builtins.list[str]) -> str:
    return ",".join("?" * len(chunk))


def _chunks(items: builtins.list[str], size: int) -> Iterable[builtins.list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
