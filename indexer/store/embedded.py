"""The default backend: one SQLite file in WAL mode with an FTS5 index.

Layout (why it looks like this):
- `fragments` holds one row per document; `rowid` is an integer alias so FTS5 and the token
  table can point at documents compactly. `ts` is the sort/filter time (posted_at, else
  fetched_at) in epoch microseconds, so date ranges and per-day counts are index-friendly.
- `fragments_fts` is an external-content FTS5 table over the redacted excerpt, the thread title,
  the author and the article 9 evidence terms (`vigie search VIH`): nothing else is free-text
  searchable, and nothing in it is plaintext identifier. Its tokenizer folds accents, so
  "seropositif" finds "séropositif". A store made before the evidence column gets the column and
  a rebuilt index when it is opened (older documents have no evidence: re-ingest to add it).
- `tokens(token, doc)` is a WITHOUT ROWID B-tree keyed by the 16-byte token, so a token search
  or a retro-hunt is an index lookup, never a scan. `categories(category, doc)` likewise.

Upserts are idempotent by id: a batch runs in one IMMEDIATE transaction that first learns which
ids already exist, then inserts only the new ones (one transaction per batch is what makes
>20k fragments/s possible).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import MISSING, fields
from datetime import UTC, date, datetime, timedelta
from itertools import repeat
from pathlib import Path
from typing import Any

from indexer.documents import utc
from indexer.models import DATETIME_FIELDS, PROVENANCE_FIELDS, Provenance, Severity, StoredFragment
from indexer.store.base import Aggregations, SearchPage, SearchQuery, StoreError, UpsertResult, unique_by_id
from vigie.core.sqlite import MEMORY, connect, open_readonly, transaction

__all__ = ["EmbeddedStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fragments (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    excerpt TEXT NOT NULL,
    severity INTEGER NOT NULL,
    tokens TEXT NOT NULL,
    counts TEXT NOT NULL,
    categories TEXT NOT NULL,
    encrypted_text BLOB NOT NULL,
    key_version INTEGER NOT NULL,
    item_hash TEXT,
    {provenance},
    ts INTEGER,
    evidence TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS fragments_ts ON fragments(ts DESC, fetched_at DESC, id);
-- every column a filter, a facet or the newest-first order reads, in the facets' GROUP BY order
-- (the day is an indexed expression): counts, facets and the page's rowids never touch the wide
-- rows, and grouping streams without a sort
CREATE INDEX IF NOT EXISTS fragments_facets ON fragments(severity, source, kind, {day}, categories, ts, fetched_at, id);
CREATE TABLE IF NOT EXISTS tokens (
    token BLOB NOT NULL, type TEXT NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (token, type, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS categories (
    category TEXT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (category, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '1');
"""
# One column per provenance field, by name (older files list them in another order: harmless,
# every statement names its columns). Datetimes are epoch microseconds.
_PROVENANCE_COLUMNS = ",\n    ".join(
    f"{f.name} {'INTEGER' if f.name in DATETIME_FIELDS else 'TEXT'}{' NOT NULL' if f.default is MISSING else ''}"
    for f in fields(Provenance))
# The day of `ts` (epoch microseconds) as a day number, computed the way strftime('%Y-%m-%d',
# ts / 1000000, 'unixepoch') would (seconds truncated, then floored to the day) but with integer
# arithmetic only, so that it can be an indexed expression (per-row strftime and the sort it
# needed were most of the cost of the per-day facet).
_DAY = "((f.ts / 1000000) - (((f.ts / 1000000) % 86400) + 86400) % 86400) / 86400"
_SCHEMA = _SCHEMA.replace("{provenance}", _PROVENANCE_COLUMNS).replace("{day}", _DAY.replace("f.", ""))
_FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS fragments_fts USING fts5(
    excerpt, thread_title, author, evidence, content='fragments', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
"""

_CORE_COLUMNS = ("id", "kind", "start_line", "end_line", "excerpt", "severity", "tokens", "counts",
                 "categories", "encrypted_text", "key_version", "item_hash", "evidence")
_COLUMN_NAMES = (*_CORE_COLUMNS, *PROVENANCE_FIELDS)
_COLUMNS = ", ".join(_COLUMN_NAMES)
# random-key B-trees (ids, tokens) insert fast only when their pages stay cached; fewer, larger
# checkpoints (64 MB of WAL); reads through mmap
_TUNING: dict[str, int | str] = {"cache_size": -65536, "temp_store": "MEMORY", "wal_autocheckpoint": 16384,
           "mmap_size": 268435456}
_READ_TUNING = ("cache_size", "temp_store", "mmap_size")
_CHUNK = 500  # SQLite host-parameter limit is 32766; stay far below
_COVERING = "INDEXED BY fragments_facets"
_NEWEST_FIRST = "ORDER BY f.ts IS NULL, f.ts DESC, f.fetched_at IS NULL, f.fetched_at DESC, f.id"
_EPOCH = date(1970, 1, 1)
_DAY_MIN, _DAY_MAX = (date.min - _EPOCH).days, (date(9999, 12, 31) - _EPOCH).days
_WORD = re.compile(r"\w+", re.UNICODE)


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a store made by an older Vigie up to this schema: the evidence column, then the
    full-text index over it (dropped and rebuilt from the fragments table, in one transaction)."""
    cols = {r[1] for r in db.execute("PRAGMA table_info(fragments)")}
    fts_cols = {r[1] for r in db.execute("PRAGMA table_info(fragments_fts)")}
    if "evidence" in cols and "evidence" in fts_cols:
        return
    with transaction(db):
        if "evidence" not in cols:
            db.execute("ALTER TABLE fragments ADD COLUMN evidence TEXT NOT NULL DEFAULT ''")
        if fts_cols:
            db.execute("DROP TABLE fragments_fts")
        db.execute(_FTS)
        if fts_cols:
            db.execute("INSERT INTO fragments_fts(fragments_fts) VALUES ('rebuild')")


def _micros(value: datetime | None) -> int | None:
    value = utc(value)
    return None if value is None else int(value.timestamp() * 1_000_000)


def _from_micros(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1_000_000, UTC)


def fts_query(text: str) -> str | None:
    """Every word must appear (in any of the three columns); words are quoted so that user input
    can never be FTS5 syntax. Mirrors the Elasticsearch `cross_fields`/`and` query."""
    words = _WORD.findall(text)
    return " AND ".join(f'"{w}"' for w in words) if words else None


class EmbeddedStore:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            # FULL (the helper's default): a commit is on disk before the crawl state that follows
            # it records the item as handed off (NORMAL could lose the last commits on power loss
            # while the state kept them)
            self._db = connect(path, busy_timeout_s=10, pragmas=_TUNING)
            self._db.executescript(_SCHEMA)
            _migrate(self._db)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the embedded store at {path}: {exc}; check the path "
                             "and its permissions (storage.embedded.path in vigie.yaml)") from exc
        # The write lock serialises the shared write connection. Reads never take it (except for
        # an in-memory store, which has no file another connection could read): each read borrows
        # a read-only connection from a small pool, so WAL lets concurrent searches run side by
        # side while a writer commits (one lock for both made 20 web users queue behind each other).
        self._lock = threading.RLock()
        self._memory = str(path) == MEMORY
        self._pool_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._closed = False

    # ------------------------------------------------------------------ writes
    def upsert(self, docs: Iterable[StoredFragment]) -> UpsertResult:
        batch = unique_by_id(docs)
        result = UpsertResult()
        if not batch:
            return result
        with self._lock:
            with transaction(self._db) as db:
                ids = list(batch)
                existing: set[str] = set()
                for i in range(0, len(ids), _CHUNK):
                    chunk = ids[i:i + _CHUNK]
                    existing.update(r[0] for r in db.execute(
                        f"SELECT id FROM fragments WHERE id IN ({','.join('?' * len(chunk))})", chunk))
                new = [batch[i] for i in ids if i not in existing]
                next_rowid = (db.execute("SELECT coalesce(max(rowid), 0) FROM fragments").fetchone()[0]) + 1
                rows: list[tuple[object, ...]] = []
                fts: list[tuple[int, str, str, str, str]] = []
                toks: list[tuple[bytearray, str, int]] = []
                cats: list[tuple[str, int]] = []
                for n, doc in enumerate(new):
                    rowid = next_rowid + n
                    posted, fetched = _micros(doc.posted_at), _micros(doc.fetched_at)
                    rows.append((rowid, doc.id, doc.kind, doc.start_line, doc.end_line, doc.excerpt,
                                 int(doc.severity), _enc_tokens(doc.tokens), _enc_counts(doc.counts),
                                 _enc_list(doc.categories), doc.encrypted_text, doc.key_version,
                                 doc.item_hash, _enc_evidence(doc.evidence), *_provenance_values(doc.provenance),
                                 posted if posted is not None else fetched))
                    fts.append((rowid, doc.excerpt, doc.thread_title or "", doc.author or "",
                                _enc_evidence(doc.evidence)))
                    for id_type, values in doc.tokens.items():
                        # a bytearray, not bytes: the sqlite3 module binds it as the same BLOB but
                        # asks `bytes` for an adapter first, and each miss formats an AttributeError
                        # (~3,300 instructions a token, 18% of a dense dump's upsert)
                        toks.extend(zip(map(bytearray.fromhex, values), repeat(id_type), repeat(rowid)))
                    cats.extend((c, rowid) for c in set(doc.categories))
                db.executemany(f"INSERT INTO fragments(rowid, {_COLUMNS}, ts) VALUES "
                               f"({','.join('?' * (len(_COLUMN_NAMES) + 2))})", rows)
                db.executemany("INSERT INTO fragments_fts(rowid, excerpt, thread_title, author, evidence) "
                               "VALUES (?, ?, ?, ?, ?)", fts)
                db.executemany("INSERT OR IGNORE INTO tokens(token, type, doc) VALUES (?, ?, ?)", toks)
                db.executemany("INSERT OR IGNORE INTO categories(category, doc) VALUES (?, ?)", cats)
        result.created = [d.id for d in new]
        result.existing = [i for i in ids if i in existing]
        return result

    def flush(self) -> None:
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        with self._pool_lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for db in idle:
            db.close()
        with self._lock:
            self._db.close()

    # ------------------------------------------------------------------ read connections
    def _open_reader(self) -> sqlite3.Connection:
        try:
            db = open_readonly(self.path)
            if db is None:
                raise StoreError(f"the embedded store {self.path} disappeared while open; restart Vigie")
            for name in _READ_TUNING:
                db.execute(f"PRAGMA {name}={_TUNING[name]}")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open a read connection to the embedded store at {self.path}: {exc}; "
                             "check the file and its -wal/-shm files are readable") from exc
        return db

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for one read, inside one read transaction: the statements of a search
        (count, then page) see the same snapshot even when a batch commits in between."""
        if self._memory:
            with self._lock:
                yield self._db
            return
        with self._pool_lock:
            if self._closed:
                raise StoreError(f"the embedded store {self.path} is closed")
            db = self._idle.pop() if self._idle else None
        if db is None:
            db = self._open_reader()
        try:
            db.execute("BEGIN")
            try:
                yield db
            finally:
                db.execute("COMMIT")
        except BaseException:
            db.close()  # a connection in an unknown state is not given to the next reader
            raise
        with self._pool_lock:
            if self._closed:
                db.close()
            else:
                self._idle.append(db)

    # ------------------------------------------------------------------ reads
    def get(self, doc_id: str) -> StoredFragment | None:
        with self._reading() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM fragments WHERE id = ?", (doc_id,)).fetchone()
        return _row_to_doc(row) if row else None

    def count(self) -> int:
        with self._reading() as db:
            n: int = db.execute("SELECT count(*) FROM fragments").fetchone()[0]
        return n

    def search(self, query: SearchQuery) -> SearchPage:
        where, params = self._where(query)
        if where is None:
            return SearchPage(total=0, hits=[])
        with self._reading() as db:
            total = db.execute(f"SELECT count(*) FROM fragments f WHERE {where}", params).fetchone()[0]
            # the page's rowids first, sorted on the narrow covering index; only then the wide
            # rows (sorting whole rows, ciphertext included, for every match was the slow part)
            rows = db.execute(
                f"SELECT {_prefixed()} FROM fragments f WHERE f.rowid IN (SELECT f.rowid FROM fragments f "
                f"WHERE {where} {_NEWEST_FIRST} LIMIT ? OFFSET ?) {_NEWEST_FIRST}",
                [*params, max(0, query.limit), max(0, query.offset)]).fetchall()
        return SearchPage(total=total, hits=[_row_to_doc(r) for r in rows])

    def iter_by_tokens(self, tokens: Iterable[str], batch_size: int = 1000) -> Iterator[StoredFragment]:
        wanted = sorted({bytes.fromhex(t) for t in tokens})
        seen: set[int] = set()
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i:i + _CHUNK]
            with self._reading() as db:
                docs = [r[0] for r in db.execute(
                    f"SELECT DISTINCT doc FROM tokens WHERE token IN ({','.join('?' * len(chunk))})", chunk)]
            docs = [d for d in docs if d not in seen]
            seen.update(docs)
            for j in range(0, len(docs), min(batch_size, _CHUNK)):
                part = docs[j:j + min(batch_size, _CHUNK)]
                with self._reading() as db:
                    rows = db.execute(
                        f"SELECT {_COLUMNS} FROM fragments WHERE rowid IN ({','.join('?' * len(part))})",
                        part).fetchall()
                yield from (_row_to_doc(r) for r in rows)

    def aggregations(self, query: SearchQuery | None = None) -> Aggregations:
        """All five facets in one grouped pass over the matching rows (the covering index
        `fragments_facets` holds every column it reads; a text query first narrows the rows to
        the FTS5 matches), split into facets here."""
        query = query or SearchQuery()
        where, params = self._where(query)
        if where is None:
            return Aggregations(total=0)
        group = f"f.severity, f.source, f.kind, {_DAY}, f.categories"
        with self._reading() as db:
            groups = db.execute(
                f"SELECT {group}, count(*) FROM fragments f {_scan_hint(db, query)} "
                f"WHERE {where} GROUP BY {group}", params).fetchall()
        return _facets(groups)

    # ------------------------------------------------------------------ query building
    def _where(self, q: SearchQuery) -> tuple[str | None, list[object]]:
        clauses: list[str] = ["1"]
        params: list[object] = []
        if q.text is not None and q.text.strip():
            match = fts_query(q.text)
            if match is None:
                return None, []
            clauses.append("f.rowid IN (SELECT rowid FROM fragments_fts WHERE fragments_fts MATCH ?)")
            params.append(match)
        if q.tokens:
            try:
                blobs = [bytes.fromhex(t) for t in q.tokens]
            except ValueError:
                raise StoreError(f"search tokens must be hex strings, got {list(q.tokens)[:3]}") from None
            sub = f"SELECT doc FROM tokens WHERE token IN ({','.join('?' * len(blobs))})"
            params.extend(blobs)
            if q.token_type:
                sub += " AND type = ?"
                params.append(q.token_type)
            clauses.append(f"f.rowid IN ({sub})")
        elif q.token_type:
            raise StoreError("token_type needs tokens to restrict")
        if q.sources:
            clauses.append(f"f.source IN ({','.join('?' * len(q.sources))})")
            params.extend(q.sources)
        if q.severities:
            clauses.append(f"f.severity IN ({','.join('?' * len(q.severities))})")
            params.extend(int(Severity.parse(s)) for s in q.severities)
        if q.min_severity is not None:
            clauses.append("f.severity >= ?")
            params.append(int(Severity.parse(q.min_severity)))
        if q.categories:
            clauses.append(f"f.rowid IN (SELECT doc FROM categories WHERE category IN "
                           f"({','.join('?' * len(q.categories))}))")
            params.extend(q.categories)
        if q.since is not None:
            clauses.append("f.ts >= ?")
            params.append(_micros(q.since))
        if q.until is not None:
            clauses.append("f.ts < ?")
            params.append(_micros(q.until))
        return " AND ".join(clauses), params


def _scan_hint(db: sqlite3.Connection, q: SearchQuery) -> str:
    """For the facets: scan the covering index rather than look rows up by rowid, unless few rows
    can match.

    SQLite's planner, given `rowid IN (full-text matches)`, looks every match up in the wide table
    and sorts them for the GROUP BY (200 ms for a word found in all of 100,000 fragments); probing
    the match list while scanning the narrow index, already in GROUP BY order, is four times
    cheaper. For a rare word or an identifier token (a handful of documents) the lookups win, and
    the planner is left to choose them. (For a search's count and page the planner's own choice
    measured faster: they need no grouping.)
    """
    if q.tokens:
        return ""
    match = fts_query(q.text) if q.text else None
    if match is not None:
        hits = db.execute("SELECT count(*) FROM fragments_fts WHERE fragments_fts MATCH ?", (match,)).fetchone()[0]
        rows = db.execute("SELECT max(rowid) FROM fragments").fetchone()[0] or 0
        if hits * 20 < rows:
            return ""
    return _COVERING


def _facets(groups: list[tuple[Any, ...]]) -> Aggregations:
    total = 0
    source: Counter[str] = Counter()
    kind: Counter[str] = Counter()
    severity: Counter[int] = Counter()
    day: Counter[int] = Counter()
    category: Counter[str] = Counter()
    for sev, src, knd, d, cats, n in groups:
        total += n
        if src is not None:
            source[src] += n
        kind[knd] += n
        severity[sev] += n
        if d is not None and _DAY_MIN <= d <= _DAY_MAX:
            day[d] += n
        for c in set(_dec_list(cats)):  # a document counts once per category, as the categories table
            category[c] += n
    return Aggregations(
        total=total, per_source=dict(sorted(source.items())), per_kind=dict(sorted(kind.items())),
        per_severity=dict(sorted((Severity(k).name, v) for k, v in severity.items())),
        per_day={(_EPOCH + timedelta(days=d)).isoformat(): v for d, v in sorted(day.items())},
        per_category=dict(sorted(category.items())))


# Compact encodings of the small structured columns (json.dumps three times per document was a
# fifth of the insert time). Types and categories are [a-z0-9_]+ and tokens hex, checked on write.
_NAME = re.compile(r"^[a-z0-9_]+$")


def _check_names(names: Iterable[str], what: str) -> None:
    for name in names:
        if not _NAME.match(name):
            raise StoreError(f"{what} {name!r} must match [a-z0-9_]+")


def _enc_tokens(tokens: dict[str, list[str]]) -> str:
    _check_names(tokens, "identifier type")
    return ";".join(f"{t}={','.join(v)}" for t, v in tokens.items())


def _dec_tokens(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in text.split(";") if text else ():
        t, _, v = part.partition("=")
        out[t] = v.split(",") if v else []
    return out


def _enc_counts(counts: dict[str, int]) -> str:
    _check_names(counts, "identifier type")
    return ",".join(f"{t}={int(n)}" for t, n in counts.items())


def _dec_counts(text: str) -> dict[str, int]:
    return {t: int(n) for t, _, n in (p.partition("=") for p in text.split(","))} if text else {}


def _enc_list(values: list[str]) -> str:
    _check_names(values, "category")
    return ",".join(values)


def _dec_list(text: str) -> list[str]:
    return text.split(",") if text else []


def _enc_evidence(terms: list[str]) -> str:
    """One term a line: terms hold spaces ("témoin de Jéhovah"), never a newline."""
    return "\n".join(" ".join(t.split()) for t in terms)


def _dec_evidence(text: str) -> list[str]:
    return text.split("\n") if text else []


def _prefixed() -> str:
    return ", ".join(f"f.{c}" for c in _COLUMN_NAMES)


def _provenance_values(p: Provenance) -> list[object]:
    return [_micros(v) if isinstance(v, datetime) else v for v in (getattr(p, n) for n in PROVENANCE_FIELDS)]


def _row_to_doc(row: tuple[Any, ...]) -> StoredFragment:
    (doc_id, kind, start, end, excerpt, severity, tokens, counts, categories, blob, key_version,
     item_hash, evidence) = row[:len(_CORE_COLUMNS)]
    where = dict(zip(PROVENANCE_FIELDS, row[len(_CORE_COLUMNS):], strict=True))
    for name in DATETIME_FIELDS:
        where[name] = _from_micros(where[name])
    return StoredFragment(
        id=doc_id, kind=kind, start_line=start, end_line=end, excerpt=excerpt,
        severity=Severity(severity), tokens=_dec_tokens(tokens), counts=_dec_counts(counts),
        categories=_dec_list(categories), encrypted_text=bytes(blob), key_version=key_version,
        item_hash=item_hash, evidence=_dec_evidence(evidence), provenance=Provenance(**where),
    )
