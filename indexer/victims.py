"""The `victims` index: organisations named on leak sites, one record per victim across sites.

A ransomware group names a victim before it posts the dump, and the same victim is re-posted by
affiliates, mirrors and aggregators. The victim is one record, found again by its normalised name
or its registrable domain (`www.clinique-du-parc.fr` and `clinique-du-parc.fr` are one domain;
`Clinique du Parc S.A.S.` and `clinique du parc` are one name). A change of status announced ->
published is an update of that record, reported to the hook (`on_change`) so that the watchlist
alerts once per status.

Storage: a table in the embedded store's own file, or, with Elasticsearch, `<data_dir>/victims.sqlite3`
(the working set: dedup keys, change marks) and every record also in `<prefix>_victims`,
written after each change and caught up by `flush_mirror` when ES was down (as the leaks are).

Victims are organisations, not people, so their names are kept as written (the operator must be
able to search them); the file is private (0600) like every file Vigie writes.
"""

from __future__ import annotations

import builtins
import functools
import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar
from urllib.parse import urlsplit

from loguru import logger

from indexer.models import VictimFile, VictimRecord, content_hash
from indexer.redact import mask_url
from indexer.store.elastic_mapping import SIDE_INDEX_SETTINGS
from vigie.core.sqlite import connect, transaction

__all__ = ["LEGAL_SUFFIXES", "Victim", "VictimChange", "VictimIndex", "VictimMirror", "normalise_name",
           "registrable_domain", "victim_to_json"]

# Legal forms dropped from the END of a name (FR, EU, UK/US), as tokens after normalisation.
LEGAL_SUFFIXES = frozenset({
    "sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "selarl", "selas", "gie", "scs",
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "plc", "corp", "corporation", "co", "company",
    "gmbh", "ag", "kg", "ug", "spa", "srl", "bv", "nv", "oy", "ab", "as", "sl", "lda", "pty",
})

_T = TypeVar("_T")
@functools.cache
def _suffixes() -> Any:
    """tldextract over its bundled snapshot (never fetches); imported on first use, since it
    pulls in `requests` and the service's start-up should not pay for that."""
    from tldextract import TLDExtract

    return TLDExtract(suffix_list_urls=(), cache_dir=None)


def normalise_name(text: str, *, drop_suffixes: bool = True) -> str:
    """Lower case, no accents, punctuation as spaces, legal suffixes at the end dropped:
    `Clinique du Parc S.A.S.` -> `clinique du parc`. Dots inside initials are joined first
    (`S.A.S.` is `sas`), so a suffix written with dots is recognised."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"\b(\w)\.(?=\w\b)", r"\1", text)  # s.a.s -> sas
    text = re.sub(r"[&+]", " and ", text)
    tokens = re.sub(r"[^\w]+|_", " ", text).split()
    while drop_suffixes and len(tokens) > 1 and tokens[-1] in LEGAL_SUFFIXES:
        tokens.pop()
    return " ".join(tokens)


def registrable_domain(value: str | None) -> str | None:
    """The registrable domain of a domain, URL or `www.` address (`mail.x.co.uk` -> `x.co.uk`),
    from the bundled public-suffix snapshot; None when there is none (`localhost`, free text)."""
    if not value:
        return None
    value = value.strip().lower()
    host = urlsplit(value).hostname if "://" in value else value.split("/", 1)[0]
    if not host or " " in host:
        return None
    ext = _suffixes()(host.rstrip("."))
    return ext.top_domain_under_public_suffix or None


@dataclass(frozen=True)
class Victim:
    """A victim as stored: merged over every site and re-post that named it."""

    id: str
    name: str
    name_norm: str
    domain: str | None
    country: str | None
    sector: str | None
    announced_at: datetime | None
    deadline_at: datetime | None
    status: Literal["announced", "published"]
    sources: tuple[str, ...]
    urls: tuple[str, ...]  # masked
    file_links: tuple[str, ...]  # masked
    files: tuple[VictimFile, ...]
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class VictimChange:
    """What one record did to the index: `new`, `published` (announced -> published),
    `updated` (another source, new files or dates) or `unchanged`."""

    kind: Literal["new", "published", "updated", "unchanged"]
    victim: Victim
    record: VictimRecord


class VictimMirror(Protocol):
    def put(self, victim: Victim) -> None: ...

    def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS victims (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, name_norm TEXT NOT NULL, domain TEXT,
    country TEXT, sector TEXT, announced_at TEXT, deadline_at TEXT, status TEXT NOT NULL,
    sources TEXT NOT NULL, urls TEXT NOT NULL, file_links TEXT NOT NULL, files TEXT NOT NULL,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, mirror_pending INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS victims_name ON victims (name_norm);
CREATE INDEX IF NOT EXISTS victims_domain ON victims (domain);
"""
_COLS = ("id, name, name_norm, domain, country, sector, announced_at, deadline_at, status, sources, urls, "
         "file_links, files, first_seen, last_seen")


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _from_row(r: tuple[Any, ...]) -> Victim:
    first, last = _dt(r[13]), _dt(r[14])
    assert first is not None and last is not None
    return Victim(id=r[0], name=r[1], name_norm=r[2], domain=r[3], country=r[4], sector=r[5],
                  announced_at=_dt(r[6]), deadline_at=_dt(r[7]), status=r[8], sources=tuple(json.loads(r[9])),
                  urls=tuple(json.loads(r[10])), file_links=tuple(json.loads(r[11])),
                  files=tuple(VictimFile(f[0], f[1]) for f in json.loads(r[12])), first_seen=first, last_seen=last)


def victim_to_json(v: Victim) -> dict[str, Any]:
    """The record as `vigie victims --json` prints it and the ES index holds it."""
    return {"id": v.id, "name": v.name, "name_norm": v.name_norm, "domain": v.domain, "country": v.country,
            "sector": v.sector, "announced_at": _iso(v.announced_at), "deadline_at": _iso(v.deadline_at),
            "status": v.status, "sources": list(v.sources), "urls": list(v.urls), "file_links": list(v.file_links),
            "files": [{"name": f.name, "size": f.size} for f in v.files],
            "first_seen": _iso(v.first_seen), "last_seen": _iso(v.last_seen)}


def _merged(*parts: tuple[_T, ...]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys(x for p in parts for x in p))


class VictimIndex:
    """`accept_victim(record) -> alerts made`: the crawler's victim sink (see `crawler.items`).
    Dedup, merge, store, mirror, then `on_change(change)` for new or changed victims."""

    def __init__(self, path: Path | str, *, mirror: VictimMirror | None = None,
                 on_change: Callable[[VictimChange], int] | None = None) -> None:
        self.db = connect(path)
        self.db.executescript(_SCHEMA)
        self.mirror = mirror
        self.on_change = on_change
        self._lock = threading.Lock()

    def _find(self, db: sqlite3.Connection, name_norm: str, domain: str | None) -> Victim | None:
        row = None
        if domain:
            row = db.execute(f"SELECT {_COLS} FROM victims WHERE domain = ? ORDER BY first_seen LIMIT 1",
                             (domain,)).fetchone()
        if row is None and name_norm:
            row = db.execute(f"SELECT {_COLS} FROM victims WHERE name_norm = ? ORDER BY first_seen LIMIT 1",
                             (name_norm,)).fetchone()
        return _from_row(row) if row is not None else None

    def upsert(self, record: VictimRecord) -> VictimChange:
        """Store or merge one record; idempotent (the same record twice is `unchanged`)."""
        name_norm = normalise_name(record.name)
        domain = registrable_domain(record.domain)
        now = record.fetched_at or datetime.now(UTC)
        with self._lock, transaction(self.db) as db:
            old = self._find(db, name_norm, domain)
            url = mask_url(record.url) or record.source
            links = tuple(m for m in (mask_url(u) for u in record.file_links) if m)
            if old is None:
                new = Victim(id=content_hash(f"victim|v1|{domain or name_norm}")[:24], name=record.name,
                             name_norm=name_norm, domain=domain, country=record.country, sector=record.sector,
                             announced_at=record.announced_at, deadline_at=record.deadline_at, status=record.status,
                             sources=(record.source,), urls=(url,), file_links=links, files=record.files,
                             first_seen=now, last_seen=now)
                kind: Literal["new", "published", "updated", "unchanged"] = "new"
            else:
                status: Literal["announced", "published"] = \
                    "published" if "published" in (old.status, record.status) else "announced"
                new = Victim(id=old.id, name=old.name, name_norm=old.name_norm, domain=old.domain or domain,
                             country=old.country or record.country, sector=old.sector or record.sector,
                             announced_at=old.announced_at or record.announced_at,
                             deadline_at=record.deadline_at or old.deadline_at, status=status,
                             sources=_merged(old.sources, (record.source,)), urls=_merged(old.urls, (url,)),
                             file_links=_merged(old.file_links, links), files=_merged(old.files, record.files),
                             first_seen=old.first_seen, last_seen=old.last_seen)
                if status != old.status:
                    kind = "published"
                elif new != old:
                    kind = "updated"
                else:
                    kind = "unchanged"
                if kind != "unchanged":
                    new = Victim(**{**new.__dict__, "last_seen": now})
            if kind != "unchanged":
                db.execute(f"INSERT OR REPLACE INTO victims ({_COLS}, mirror_pending) "
                           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1)", self._row(new))
        if kind != "unchanged":
            self._mirror(new)
        return VictimChange(kind, new, record)

    @staticmethod
    def _row(v: Victim) -> tuple[Any, ...]:
        return (v.id, v.name, v.name_norm, v.domain, v.country, v.sector, _iso(v.announced_at),
                _iso(v.deadline_at), v.status, json.dumps(list(v.sources)), json.dumps(list(v.urls)),
                json.dumps(list(v.file_links)), json.dumps([[f.name, f.size] for f in v.files]),
                _iso(v.first_seen), _iso(v.last_seen))

    def accept_victim(self, record: VictimRecord) -> int:
        change = self.upsert(record)
        if change.kind == "unchanged" or self.on_change is None:
            return 0
        return self.on_change(change)

    def _mirror(self, victim: Victim) -> None:
        if self.mirror is None:
            with self._lock:
                self.db.execute("UPDATE victims SET mirror_pending = 0 WHERE id = ?", (victim.id,))
            return
        try:
            self.mirror.put(victim)
        except Exception as exc:  # ES down: stays marked, written by the next flush_mirror
            logger.warning("victims index: {} not written to Elasticsearch yet ({})", victim.id, type(exc).__name__)
            return
        with self._lock:
            self.db.execute("UPDATE victims SET mirror_pending = 0 WHERE id = ?", (victim.id,))

    def flush_mirror(self) -> int:
        """Write the victims changed while the mirror was unreachable; returns how many."""
        with self._lock:
            rows = self.db.execute(f"SELECT {_COLS} FROM victims WHERE mirror_pending = 1").fetchall()
        done = 0
        for r in rows:
            before = done
            self._mirror(_from_row(r))
            with self._lock:
                pending = self.db.execute("SELECT mirror_pending FROM victims WHERE id = ?", (r[0],)).fetchone()
            done = before + (1 if pending and pending[0] == 0 else 0)
        return done

    def get(self, victim_id: str) -> Victim | None:
        with self._lock:
            row = self.db.execute(f"SELECT {_COLS} FROM victims WHERE id = ?", (victim_id,)).fetchone()
        return _from_row(row) if row is not None else None

    def search(self, text: str | None = None, *, status: str | None = None, limit: int = 50) -> builtins.list[Victim]:
        """Victims whose name, domain, sector or country contains `text` (normalised, so accents
        and case do not matter), newest first."""
        clauses, params = [], []
        if text:
            norm = normalise_name(text, drop_suffixes=False)
            clauses.append("(name_norm LIKE ? ESCAPE '\\' OR domain LIKE ? ESCAPE '\\' "
                           "OR lower(coalesce(sector,'')) LIKE ? OR lower(coalesce(country,'')) LIKE ?)")
            like = "%" + re.sub(r"([%_\\])", r"\\\1", norm) + "%"
            raw = "%" + re.sub(r"([%_\\])", r"\\\1", text.strip().lower()) + "%"
            params += [like, raw, raw, raw]
        if status:
            clauses.append("status = ?")
            params.append(status)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self.db.execute(f"SELECT {_COLS} FROM victims {where} ORDER BY last_seen DESC, id LIMIT ?",
                                   (*params, limit)).fetchall()
        return [_from_row(r) for r in rows]

    def count(self) -> int:
        with self._lock:
            (n,) = self.db.execute("SELECT count(*) FROM victims").fetchone()
        return int(n)

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            if self.mirror is not None:
                self.mirror.close()


class ElasticVictimIndex:
    """Victims in `<prefix>_victims` (outside the fragments' template). Client errors propagate:
    `VictimIndex` keeps the change marked and retries at the next flush."""

    _MAPPING: dict[str, Any] = {"dynamic": "strict", "properties": {
        "id": {"type": "keyword"}, "name": {"type": "text"}, "name_norm": {"type": "keyword"},
        "domain": {"type": "keyword"}, "country": {"type": "keyword"}, "sector": {"type": "keyword"},
        "announced_at": {"type": "date"}, "deadline_at": {"type": "date"}, "status": {"type": "keyword"},
        "sources": {"type": "keyword"}, "urls": {"type": "keyword"}, "file_links": {"type": "keyword"},
        "files": {"type": "object", "properties": {"name": {"type": "keyword"}, "size": {"type": "keyword"}}},
        "first_seen": {"type": "date"}, "last_seen": {"type": "date"}}}

    def __init__(self, index_prefix: str, client: Any) -> None:
        self.index = f"{index_prefix}_victims"
        self.client = client
        self._ready = False

    def put(self, victim: Victim) -> None:
        if not self._ready:
            if not self.client.indices.exists(index=self.index):
                self.client.indices.create(index=self.index, mappings=self._MAPPING, settings=SIDE_INDEX_SETTINGS)
            self._ready = True
        self.client.index(index=self.index, id=victim.id, document=victim_to_json(victim))

    def close(self) -> None:
        self.client.close()
