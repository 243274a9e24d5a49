"""The service's own bookkeeping: one row per crawl run, one row per scheduled source.

Written by `vigie run`, read by `vigie status` (possibly from another process: WAL mode)
through `status_report`, which opens it read-only and adds Tor, store and outbox from
`vigie.wiring.component_status`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.cookies import cookie_jar_path, jar_info
from indexer.store.spool import spool_usage
from vigie import wiring
from vigie.config.loader import LoadedConfig
from vigie.core.sqlite import connect, transaction

__all__ = ["RunRecord", "ServiceDB", "SourceRecord", "StatusReport", "status_report"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT NOT NULL DEFAULT 'running',
    pages INTEGER NOT NULL DEFAULT 0,
    items INTEGER NOT NULL DEFAULT 0,
    fragments INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS runs_source ON runs(source, id);
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY,
    schedule TEXT NOT NULL,
    next_run_at TEXT,
    removed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS service (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class RunRecord:
    id: int
    source: str
    started_at: str
    finished_at: str | None
    outcome: str
    pages: int
    items: int
    fragments: int
    errors: int
    detail: str | None

    def _summary(self) -> dict[str, Any]:
        """The crawl's `--summary-json`, kept in `detail` by `finish_run` ({} for other details)."""
        try:
            value = json.loads(self.detail) if self.detail else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @property
    def failures(self) -> dict[str, int]:
        """The run's silent failures made loud, by kind (unparsed dates, refused follows, ...)."""
        found = self._summary().get("failures") or {}
        return {str(k): int(v or 0) for k, v in found.items()} if isinstance(found, dict) else {}

    @property
    def refused(self) -> dict[str, int]:
        """What the run refused or did not read whole, by kind, those that happened: its summary's
        `refused` (an input whose detection stopped at a cap, a truncated page, a line read in
        part, ...) and its archive bombs, which only the crawl's JSON said before."""
        summary = self._summary()
        found = summary.get("refused")
        counts = {str(k): int(v or 0) for k, v in found.items()} if isinstance(found, dict) else {}
        counts["bombs_refused"] = int(summary.get("bombs_refused") or 0)
        return {k: v for k, v in counts.items() if v}

    @property
    def attention_reason(self) -> str | None:
        reason = self._summary().get("attention_reason")
        return str(reason) if reason else None


@dataclass
class SourceRecord:
    name: str
    schedule: str
    next_run_at: str | None
    last_run: RunRecord | None


class ServiceDB:
    def __init__(self, path: Path) -> None:
        self.path = path
        # One connection shared by the scheduler's job threads and the main thread: every use
        # holds this lock, or concurrent BEGINs collide ("transaction within a transaction").
        self._lock = threading.RLock()
        self._conn = connect(path)
        self._conn.executescript(_SCHEMA)

    @classmethod
    def open_readonly(cls, path: Path) -> ServiceDB | None:
        """For `vigie status`: the same queries over a `mode=ro` connection, no schema applied,
        nothing created; None when the service never ran in this data dir. Writes would fail."""
        from vigie.core.sqlite import open_readonly

        conn = open_readonly(path)
        if conn is None:
            return None
        db = cls.__new__(cls)
        db.path, db._lock, db._conn = path, threading.RLock(), conn
        return db

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock, transaction(self._conn) as conn:
            yield conn

    def _query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, source: str) -> int:
        with self._tx() as c:
            cur = c.execute("INSERT INTO runs(source, started_at) VALUES (?, ?)", (source, _now()))
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, outcome: str, summary: Mapping[str, Any] | None = None,
                   detail: str | None = None) -> None:
        s = summary or {}
        with self._tx() as c:
            c.execute(
                "UPDATE runs SET finished_at=?, outcome=?, pages=?, items=?, fragments=?, errors=?, detail=?"
                " WHERE id=?",
                (_now(), outcome, int(s.get("pages", 0) or 0),
                 int(s.get("posts", 0) or 0) + int(s.get("files", 0) or 0),
                 int(s.get("fragments", 0) or 0), int(s.get("errors", 0) or 0),
                 detail or (json.dumps(s, default=str) if s else None), run_id),
            )

    def mark_interrupted_runs(self) -> int:
        """Runs left 'running' by a crash (SIGKILL) are closed as 'interrupted' on restart."""
        with self._tx() as c:
            return c.execute(
                "UPDATE runs SET outcome='interrupted', finished_at=? WHERE outcome='running'", (_now(),)
            ).rowcount

    def runs(self, source: str | None = None, limit: int = 100) -> list[RunRecord]:
        sql = "SELECT * FROM runs" + (" WHERE source=?" if source else "") + " ORDER BY id DESC LIMIT ?"
        args: tuple[object, ...] = (source, limit) if source else (limit,)
        return [RunRecord(*row) for row in self._query(sql, args)]

    # -- sources --------------------------------------------------------------------------------

    def set_source(self, name: str, schedule: str, next_run_at: datetime | None) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT INTO sources(name, schedule, next_run_at, removed) VALUES (?, ?, ?, 0)"
                " ON CONFLICT(name) DO UPDATE SET schedule=excluded.schedule,"
                " next_run_at=excluded.next_run_at, removed=0",
                (name, schedule, next_run_at.isoformat(timespec="seconds") if next_run_at else None),
            )

    def remove_source(self, name: str) -> None:
        with self._tx() as c:
            c.execute("UPDATE sources SET removed=1, next_run_at=NULL WHERE name=?", (name,))

    def sources(self) -> list[SourceRecord]:
        out = []
        for name, schedule, next_run_at in self._query(
            "SELECT name, schedule, next_run_at FROM sources WHERE removed=0 ORDER BY name"
        ):
            last = self.runs(name, limit=1)
            out.append(SourceRecord(name, schedule, next_run_at, last[0] if last else None))
        return out

    # -- service heartbeat ------------------------------------------------------------------------

    def set_state(self, **values: object) -> None:
        with self._tx() as c:
            for key, value in values.items():
                c.execute("INSERT OR REPLACE INTO service(key, value) VALUES (?, ?)",
                          (key, json.dumps(value, default=str)))

    def state(self) -> dict[str, object]:
        return {str(k): json.loads(str(v)) for k, v in self._query("SELECT key, value FROM service")}

    def service_alive(self) -> bool:
        pid = self.state().get("pid")
        if not isinstance(pid, int):
            return False
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return self.state().get("state") == "running"

    def close(self) -> None:
        self._conn.close()


@dataclass(frozen=True)
class StatusReport:
    """What `vigie status` shows. `service` is None when the service never ran in this data dir."""

    service: dict[str, object] | None
    alive: bool
    sources: list[SourceRecord] = field(default_factory=list)
    tor: str = ""
    store: str = ""
    outbox: str = ""
    # per source with a cookie jar (`vigie source cookies`): saved_at, expires_at (Unix times), cookies
    sessions: dict[str, dict[str, object]] = field(default_factory=dict)
    # scale-out only (`scale:`): workers, leader, jobs and recent runs from Redis (wiring._cluster_state)
    cluster: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The `--json` shape: `service` is {} when it never ran; a last run keeps its counters."""
        out = asdict(self)
        out["service"] = self.service or {}
        out["sources"] = [{"source": s.name, "schedule": s.schedule, "next_run_at": s.next_run_at,
                           "last_run": None if s.last_run is None else _run_dict(s.last_run)}
                          for s in self.sources]
        return out


def _run_dict(run: RunRecord) -> dict[str, object]:
    return {"started_at": run.started_at, "finished_at": run.finished_at, "outcome": run.outcome,
            "pages": run.pages, "items": run.items, "fragments": run.fragments, "errors": run.errors,
            "failures": run.failures, "refused": run.refused, "attention_reason": run.attention_reason}


def status_report(config: LoadedConfig, data_dir: Path) -> StatusReport:
    """Read-only: the service's database is opened `mode=ro` (absent: "no data yet") and the
    components are probed without creating anything, so `vigie status` leaves no file behind."""
    db = ServiceDB.open_readonly(data_dir / wiring.SERVICE_DB_FILENAME)
    service: dict[str, object] | None = None
    alive, sources = False, []
    if db is not None:
        try:
            service, alive, sources = db.state(), db.service_alive(), db.sources()
        finally:
            db.close()
    parts = wiring.component_status(config, data_dir)
    return StatusReport(service=service, alive=alive, sources=sources, tor=parts.tor,
                        store=parts.store + _spool_line(config, data_dir), outbox=parts.outbox,
                        sessions=_sessions(config, data_dir), cluster=parts.cluster)


def _sessions(config: LoadedConfig, data_dir: Path) -> dict[str, dict[str, object]]:
    """Each source's hand-solved session: its age and expiry, read from the jar's header (no key
    needed), so the operator sees a session about to expire before the crawl hits the wall."""
    out: dict[str, dict[str, object]] = {}
    for name in sorted(config.sources):
        info = jar_info(cookie_jar_path(data_dir, name))
        if info is not None:
            out[name] = {"saved_at": info.saved_at, "expires_at": info.expires_at, "cookies": info.cookies}
    return out


def _spool_line(config: LoadedConfig, data_dir: Path) -> str:
    """The Elasticsearch spool's fill, loud when it is full (documents are being refused)."""
    storage = config.global_config.storage
    if storage.backend != "elasticsearch":
        return ""
    usage = spool_usage(data_dir / "spool", storage.elasticsearch.spool_max_bytes)
    if usage is None:
        return ""
    text = f"; spool {usage.pending_bytes} of {usage.max_bytes} bytes pending"
    if usage.full:
        text += " — FULL: new documents are refused until Elasticsearch drains it"
    return text
