"""The outbox on PostgreSQL: the same contract as `alerts.outbox.Outbox` (SQLite), shared safely
by several processes and machines (docs/scale.md, "Outbox").

Why a second backend: SQLite is one file on one machine; once crawl workers and delivery workers
run on several hosts they need one outbox they all reach. SQLite stays the embedded default
(`alerts.outbox.backend: sqlite`); this one is `postgresql`, with the DSN read from a 0600 file.

How the contract holds across processes:
- Idempotent enqueue: `INSERT ... ON CONFLICT DO NOTHING` on the alert id and UNIQUE (org,
  subject), in the same transaction as the alert's delivery rows.
- (organisation, leak) state changes (`record_leak_match`) are serialised per pair with a
  transaction-scoped advisory lock, so two processes matching copies of one leak at once make one
  first alert and then, if the leak spread, one update, never two "new" alerts.
- Claims: `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING id`: a due row
  goes to exactly one worker; a row another worker is claiming is skipped, not waited for. The
  claim sets a lease; a worker killed before its ack leaves the row `sending` until the lease
  expires, and the next worker re-sends it under the same message id (at-least-once delivery,
  exactly-once processing at a receiver that deduplicates on it).
- Every state change is one transaction. A broken connection (server restart) is reopened on
  the next call; the delivery worker's loop retries on its next poll.

The DSN (with its password) is never logged: errors name the server by host, port and database.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from alerts import AlertsError
from alerts.outbox import (
    _ALERT_COLS,
    _DELIVERY_COLS,
    AlertRow,
    DeadLetterRow,
    Delivery,
    DeliveryState,
    LeakChange,
    LeakMatch,
    NewAlert,
    _alert_row,
    _row,
    seeded_leak_row,
)
from indexer.leaks.models import OrgLeakImpact
from vigie.core.files import PrivateFileError, read_private
from vigie.core.peers import PeerCheckError, TrustedPeers

if TYPE_CHECKING:
    import psycopg

__all__ = ["PgOutbox", "PgOutboxError", "describe_dsn", "read_dsn_file"]

_SCHEMA_LOCK = 0x7669_6769_6501  # pg_advisory_xact_lock key: one schema creator at a time
_ATTACH_LOCK = 0x7669_6769_6502

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    alert_id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    fragment_id TEXT NOT NULL,
    severity INTEGER NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    origin TEXT NOT NULL,
    payload TEXT NOT NULL,
    leak_id TEXT,
    UNIQUE (org, fragment_id)
);
CREATE TABLE IF NOT EXISTS deliveries (
    id BIGSERIAL PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES alerts(alert_id) ON DELETE CASCADE,
    org TEXT NOT NULL,
    channel TEXT NOT NULL,
    policy TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DOUBLE PRECISION NOT NULL,
    lease_until DOUBLE PRECISION,
    digest_id TEXT,
    last_error TEXT,
    sent_at DOUBLE PRECISION,
    UNIQUE (alert_id, channel)
);
CREATE TABLE IF NOT EXISTS leak_orgs (
    org TEXT NOT NULL,
    leak_id TEXT NOT NULL,
    first_alert_at DOUBLE PRECISION NOT NULL,
    people INTEGER NOT NULL,
    updates INTEGER NOT NULL DEFAULT 0,
    sources TEXT NOT NULL,
    types TEXT NOT NULL,
    categories TEXT NOT NULL,
    fragments TEXT NOT NULL,
    PRIMARY KEY (org, leak_id)
);
CREATE TABLE IF NOT EXISTS leak_org_tokens (
    org TEXT NOT NULL, leak_id TEXT NOT NULL, token TEXT NOT NULL, type TEXT NOT NULL,
    PRIMARY KEY (org, leak_id, token, type)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_digest ON deliveries (digest_id);
CREATE INDEX IF NOT EXISTS deliveries_alert ON deliveries (alert_id);
CREATE INDEX IF NOT EXISTS alerts_leak ON alerts (org, leak_id);
"""

_UPSERT_LEAK_ORG = (
    "INSERT INTO leak_orgs VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (org, leak_id) DO UPDATE SET "
    "first_alert_at=EXCLUDED.first_alert_at, people=EXCLUDED.people, updates=EXCLUDED.updates, "
    "sources=EXCLUDED.sources, types=EXCLUDED.types, categories=EXCLUDED.categories, "
    "fragments=EXCLUDED.fragments")


class PgOutboxError(AlertsError):
    """The PostgreSQL outbox could not be reached or set up (the message names the server, never
    the password)."""


def describe_dsn(dsn: str) -> str:
    """`host:port/dbname` of a DSN, for messages and logs: never the password or the user."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(dsn)
    except Exception:  # an unparsable DSN: say so without echoing it
        return "<unparsable DSN>"
    return f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '?')}"


def read_dsn_file(path: Path) -> str:
    """The DSN in `path` (its first non-empty line), refused unless only its owner can read it:
    it holds the database password."""
    path = Path(path).expanduser()
    try:
        text = read_private(path).decode("utf-8")
    except PrivateFileError as exc:
        raise PgOutboxError(f"{exc} (it holds the outbox's database password, and names the database alerts go to)") \
            from None
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise PgOutboxError(f"cannot read the outbox DSN file {path} ({why}): write the DSN "
                            "there (postgresql://USER:PASSWORD@HOST:5432/DB) with mode 0600, or set "
                            "alerts.outbox.dsn_file in vigie.yaml") from None
    dsn = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not dsn:
        raise PgOutboxError(f"the outbox DSN file {path} is empty: write postgresql://USER:PASSWORD@HOST:5432/DB")
    return dsn


class _Skip(Exception):
    """Raised inside a savepoint to roll it back (the caller's transaction goes on)."""


class PgOutbox:
    """`OutboxBackend` on PostgreSQL. One connection per instance (autocommit; each operation is
    an explicit transaction), guarded by a lock so that threads of one process may share it."""

    def __init__(self, dsn: str, *, connect_timeout: float = 10.0, peers: TrustedPeers | None = None) -> None:
        self._dsn = dsn
        self.where = describe_dsn(dsn)
        self._timeout = connect_timeout
        self._peers = peers if peers is not None else TrustedPeers.default()
        self._lock = threading.RLock()
        self._db: psycopg.Connection[Any] | None = None
        with self._tx() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            db.execute(_SCHEMA)

    # ------------------------------------------------------------------ connection

    def _conn(self) -> psycopg.Connection[Any]:
        try:
            import psycopg
        except ImportError as exc:
            raise PgOutboxError("alerts.outbox.backend is postgresql but psycopg is not installed: "
                                "pip install 'vigie[scale]'") from exc
        if self._db is None or self._db.closed or self._db.broken:
            self._db = None
            self._check_peer(None)  # before libpq sends the password
            try:
                self._db = psycopg.connect(self._dsn, autocommit=True, connect_timeout=max(1, int(self._timeout)),
                                           application_name="vigie-outbox")
            except psycopg.OperationalError as exc:
                raise PgOutboxError(f"cannot connect to the PostgreSQL outbox at {self.where}: "
                                    f"{_first_line(exc)}; check that the server runs and the DSN in "
                                    "alerts.outbox.dsn_file") from exc
            except psycopg.Error as exc:  # a DSN libpq cannot parse: its message quotes the DSN, password and all
                kind = type(exc).__name__
            else:
                self._check_peer(self._db)  # before any alert is written to it
                return self._db
            # raised outside the handler, so that the driver's error is not even its __context__
            raise PgOutboxError(f"the PostgreSQL outbox DSN ({self.where}) is not a valid connection string ({kind}): "
                                "write postgresql://USER:PASSWORD@HOST:5432/DB in alerts.outbox.dsn_file "
                                "(percent-encode special characters of the password)")
        return self._db

    def _check_peer(self, db: psycopg.Connection[Any] | None) -> None:
        """Who serves the outbox's loopback address (alerts.outbox_pg_peers): the listener before
        connecting, the connection itself once made. A refusal is logged and raised as
        PgOutboxError; the message names the address and the account, never the DSN."""
        from alerts.outbox_pg_peers import check_connected, check_listeners

        try:
            if db is None:
                check_listeners(self._dsn, self._peers)
            else:
                check_connected(db, self._peers)
        except PeerCheckError as exc:
            if db is not None:
                db.close()
                self._db = None
            logger.error("outbox: PostgreSQL at {} refused: {}", self.where, exc)
            raise PgOutboxError(f"PostgreSQL outbox at {self.where}: {exc}"
                                + ("; the password in the DSN may have reached it: change it" if db is not None
                                   else "")) from None

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection[Any]]:
        """One transaction under the instance's lock. A connection lost on the way (the server
        restarted) fails this call with `PgOutboxError` and the transaction rolls back as a
        whole; the next call reconnects."""
        import psycopg

        with self._lock:
            db = self._conn()
            try:
                with db.transaction():
                    yield db
            except psycopg.OperationalError as exc:
                if not (db.closed or db.broken):
                    raise
                raise PgOutboxError(f"lost the connection to the PostgreSQL outbox at {self.where} "
                                    f"({_first_line(exc)}); nothing of this call was committed, and the "
                                    "next call reconnects") from exc

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._tx() as db:
            return db.execute(sql, params).fetchall()

    # ------------------------------------------------------------------ writing matches

    def add_alerts(self, alerts: Iterable[NewAlert]) -> list[str]:
        created: list[str] = []
        with self._tx() as db:
            for a in alerts:
                if self._insert_alert(db, a, None):
                    created.append(a.alert_id)
        return created

    def _insert_alert(self, db: psycopg.Connection[Any], a: NewAlert, leak_id: str | None) -> bool:
        cur = db.execute(
            "INSERT INTO alerts (alert_id, org, fragment_id, severity, created_at, origin, payload, leak_id) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (a.alert_id, a.org, a.fragment_id, a.severity, time.time(), a.origin,
             json.dumps(a.payload, sort_keys=True, ensure_ascii=False), leak_id))
        if cur.rowcount != 1:
            return False
        for channel, policy, first_at in a.channels:
            db.execute("INSERT INTO deliveries (alert_id, org, channel, policy, status, next_attempt_at) "
                       "VALUES (%s, %s, %s, %s, 'pending', %s)", (a.alert_id, a.org, channel, policy, first_at))
        return True

    # ------------------------------------------------------------------ leaks

    def record_leak_match(self, match: LeakMatch,
                          build: Callable[[LeakChange], NewAlert | None]) -> str | None:
        """As `Outbox.record_leak_match`; serialised per (organisation, leak) across processes."""
        with self._tx() as db:
            db.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"{match.org}/{match.leak_id}",))
            row = db.execute("SELECT people, updates, sources, types, categories, fragments, first_alert_at "
                             "FROM leak_orgs WHERE org=%s AND leak_id=%s", (match.org, match.leak_id)).fetchone()
            before_people = row[0] if row else 0
            sources = json.loads(row[2]) if row else []
            types: dict[str, int] = json.loads(row[3]) if row else {}
            categories = set(json.loads(row[4])) if row else set()
            fragments = json.loads(row[5]) if row else []
            change: LeakChange | None = None
            alert: NewAlert | None = None
            try:
                with db.transaction():  # a savepoint: the tokens stay only if an alert is made
                    with db.cursor() as cur:
                        cur.executemany(
                            "INSERT INTO leak_org_tokens VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                            [(match.org, match.leak_id, t, id_type)
                             for id_type, toks in match.tokens.items() for t in sorted(toks)])
                    counted = dict(db.execute(
                        "SELECT type, COUNT(*) FROM leak_org_tokens WHERE org=%s AND leak_id=%s GROUP BY type",
                        (match.org, match.leak_id)).fetchall())
                    people = max(max(counted.values(), default=0), before_people)
                    new_sources = tuple(s_ for s_ in dict.fromkeys(match.sources) if s_ not in sources)
                    if row is not None and people <= before_people and not new_sources:
                        return None  # the savepoint is released: the tokens are kept, as in SQLite
                    updates = (row[1] + 1) if row else 0
                    change = LeakChange(
                        kind="update" if row else "new",
                        subject=f"{match.leak_id}/update/{updates}" if row else match.leak_id,
                        people=people, people_before=before_people,
                        types={t: max(n, types.get(t, 0)) for t, n in sorted({**types, **counted}.items())},
                        sources=(*sources, *new_sources), new_sources=new_sources if row else (),
                        categories=tuple(sorted(categories | set(match.categories))),
                        first_alert_at=row[6] if row else time.time())
                    alert = build(change)
                    if alert is None:
                        raise _Skip
            except _Skip:
                return None
            assert change is not None and alert is not None
            db.execute(_UPSERT_LEAK_ORG, (
                match.org, match.leak_id, change.first_alert_at, change.people, updates,
                json.dumps(list(change.sources)), json.dumps(change.types), json.dumps(list(change.categories)),
                json.dumps(list(dict.fromkeys([*fragments, *match.fragment_ids])))))
            return alert.alert_id if self._insert_alert(db, alert, match.leak_id) else None

    def unattached_fragments(self) -> list[str]:
        return [r[0] for r in self._query("SELECT DISTINCT fragment_id FROM alerts WHERE leak_id IS NULL")]

    def attach_leaks(self, leak_of: Mapping[str, str]) -> int:
        """As `Outbox.attach_leaks` (one migrating process at a time)."""
        attached = 0
        with self._tx() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_ATTACH_LOCK,))
            rows = db.execute("SELECT alert_id, org, fragment_id, created_at, payload FROM alerts "
                              "WHERE leak_id IS NULL ORDER BY created_at, alert_id").fetchall()
            for alert_id, org, fragment_id, created_at, payload in rows:
                leak_id = leak_of.get(fragment_id)
                if leak_id is None:
                    continue
                p = json.loads(payload)
                db.execute("UPDATE alerts SET leak_id=%s WHERE alert_id=%s", (leak_id, alert_id))
                attached += 1
                state = db.execute("SELECT people, sources, types, categories, fragments, first_alert_at "
                                   "FROM leak_orgs WHERE org=%s AND leak_id=%s", (org, leak_id)).fetchone()
                db.execute(_UPSERT_LEAK_ORG, seeded_leak_row(org, leak_id, fragment_id, created_at, p, state))
        return attached

    def impact(self, org_id: str, leak_id: str) -> OrgLeakImpact | None:
        rows = self._query("SELECT people, sources, types, categories, fragments, first_alert_at "
                           "FROM leak_orgs WHERE org=%s AND leak_id=%s", (org_id, leak_id))
        if not rows:
            return None
        row = rows[0]
        return OrgLeakImpact(org_id=org_id, leak_id=leak_id, people=row[0],
                             identifier_types=json.loads(row[2]), categories=tuple(json.loads(row[3])),
                             first_alert_at=datetime.fromtimestamp(row[5], UTC), sources=tuple(json.loads(row[1])),
                             fragment_ids=tuple(json.loads(row[4])))

    def leaks_of_org(self, org_id: str) -> list[str]:
        return [r[0] for r in self._query(
            "SELECT leak_id FROM leak_orgs WHERE org=%s ORDER BY first_alert_at DESC, leak_id", (org_id,))]

    def has_alert(self, org: str, fragment_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM alerts WHERE org=%s AND fragment_id=%s", (org, fragment_id)))

    # ------------------------------------------------------------------ delivery state

    def due(self, now: float, limit: int = 200) -> list[Delivery]:
        """Pending rows whose time has come and expired claims; rows another worker is claiming
        right now (locked) are skipped rather than waited for."""
        rows = self._query(
            f"SELECT {_DELIVERY_COLS} FROM deliveries d JOIN alerts a USING (alert_id) "
            "WHERE (d.status='pending' AND d.next_attempt_at<=%s) "
            "   OR (d.status='sending' AND d.lease_until<=%s) "
            "ORDER BY d.next_attempt_at, d.id LIMIT %s FOR UPDATE OF d SKIP LOCKED", (now, now, limit))
        return [_row(r) for r in rows]

    def claim(self, ids: list[int], lease_until: float, now: float) -> list[int]:
        """Claim the rows of `ids` still due, in one statement: a row locked or already claimed by
        another worker is left out (SKIP LOCKED, then the due condition re-checked)."""
        if not ids:
            return []
        rows = self._query(
            "UPDATE deliveries SET status='sending', lease_until=%s, attempts=attempts+1 "
            "WHERE id IN (SELECT id FROM deliveries WHERE id = ANY(%s) AND "
            "((status='pending' AND next_attempt_at<=%s) OR (status='sending' AND lease_until<=%s)) "
            "FOR UPDATE SKIP LOCKED) RETURNING id", (lease_until, list(ids), now, now))
        got = {r[0] for r in rows}
        return [i for i in ids if i in got]

    def bind_digest(self, ids: list[int], digest_id: str) -> None:
        self._update(ids, "UPDATE deliveries SET digest_id=%s WHERE id = ANY(%s)", digest_id)

    def ack(self, ids: list[int], now: float) -> None:
        self._update(ids, "UPDATE deliveries SET status='sent', sent_at=%s, lease_until=NULL, "
                          "last_error=NULL WHERE id = ANY(%s)", now)

    def retry_later(self, ids: list[int], next_at: float, error: str) -> None:
        self._update(ids, "UPDATE deliveries SET status='pending', next_attempt_at=%s, "
                          "lease_until=NULL, last_error=%s WHERE id = ANY(%s)", next_at, error[:500])

    def dead_letter(self, ids: list[int], error: str) -> None:
        self._update(ids, "UPDATE deliveries SET status='failed', lease_until=NULL, last_error=%s "
                          "WHERE id = ANY(%s)", error[:500])

    def _update(self, ids: list[int], sql: str, *params: Any) -> None:
        if ids:
            with self._tx() as db:
                db.execute(sql, (*params, list(ids)))

    def requeue(self, alert_id: str | None = None, all_failed: bool = False) -> int:
        now = time.time()
        with self._tx() as db:
            if all_failed:
                cur = db.execute("UPDATE deliveries SET status='pending', attempts=0, "
                                 "next_attempt_at=%s WHERE status='failed'", (now,))
            elif alert_id is not None:
                cur = db.execute("UPDATE deliveries SET status='pending', attempts=0, next_attempt_at=%s "
                                 "WHERE alert_id=%s AND status IN ('failed','pending')", (now, alert_id))
            else:
                return 0
            return cur.rowcount

    def digest_members(self, digest_id: str) -> list[Delivery]:
        rows = self._query(
            f"SELECT {_DELIVERY_COLS} FROM deliveries d JOIN alerts a USING (alert_id) "
            "WHERE d.digest_id=%s ORDER BY a.created_at, d.id", (digest_id,))
        return [_row(r) for r in rows]

    # ------------------------------------------------------------------ listing

    def list_alerts(self, org: str | None = None, status: str | None = None,
                    limit: int = 1000) -> list[dict[str, Any]]:
        where: list[str] = []
        params: list[Any] = []
        if org:
            where.append("a.org=%s")
            params.append(org)
        if status:
            where.append("EXISTS (SELECT 1 FROM deliveries x WHERE x.alert_id=a.alert_id AND x.status=%s)")
            params.append(status)
        sql = ("SELECT a.alert_id, a.org, a.fragment_id, a.severity, a.created_at, a.origin, a.payload "
               "FROM alerts a" + (" WHERE " + " AND ".join(where) if where else "") +
               " ORDER BY a.created_at DESC LIMIT %s")
        with self._tx() as db:
            alerts = db.execute(sql, (*params, limit)).fetchall()
            ids = [r[0] for r in alerts]
            per_alert: dict[str, list[dict[str, Any]]] = {}
            for aid, c, p, s, n, nxt, err, sent in db.execute(
                    "SELECT alert_id, channel, policy, status, attempts, next_attempt_at, last_error, sent_at "
                    "FROM deliveries WHERE alert_id = ANY(%s) ORDER BY alert_id, channel", (ids,)):
                per_alert.setdefault(aid, []).append(
                    {"channel": c, "policy": p, "status": s, "attempts": n, "next_attempt_at": nxt,
                     "last_error": err, "sent_at": sent})
        return [{"alert_id": aid, "org": org_, "fragment_id": frag, "severity": sev, "created_at": created,
                 "origin": origin, "alert": json.loads(payload), "deliveries": per_alert.get(aid, [])}
                for aid, org_, frag, sev, created, origin, payload in alerts]

    def counts(self) -> dict[str, int]:
        return {s: int(n) for s, n in self._query("SELECT status, COUNT(*) FROM deliveries GROUP BY status")}

    # ------------------------------------------------------------------ the web pages' reads
    # COLLATE "C": ids and channels compare byte-wise, as in SQLite, whatever the database's locale

    def alert_page(self, org: str | None = None, *, limit: int = 20, offset: int = 0) -> list[AlertRow]:
        where, args = ("WHERE org=%s ", (org,)) if org else ("", ())
        rows = self._query(f"SELECT {_ALERT_COLS} FROM alerts {where}"
                           'ORDER BY created_at DESC, alert_id COLLATE "C" DESC LIMIT %s OFFSET %s',
                           (*args, limit, offset))
        return [_alert_row(r) for r in rows]

    def find_alert(self, alert_id: str, org: str | None = None) -> AlertRow | None:
        rows = self._query(f"SELECT {_ALERT_COLS} FROM alerts WHERE alert_id=%s" + (" AND org=%s" if org else ""),
                           (alert_id, *((org,) if org else ())))
        return _alert_row(rows[0]) if rows else None

    def alert_deliveries(self, alert_id: str) -> list[DeliveryState]:
        return [DeliveryState(*r) for r in self._query(
            "SELECT channel, status, attempts, last_error, sent_at FROM deliveries WHERE alert_id=%s "
            'ORDER BY channel COLLATE "C"', (alert_id,))]

    def dead_letter_page(self, *, limit: int = 20, offset: int = 0) -> list[DeadLetterRow]:
        return [DeadLetterRow(*r) for r in self._query(
            "SELECT alert_id, org, channel, attempts, last_error FROM deliveries WHERE status='failed' "
            "ORDER BY id LIMIT %s OFFSET %s", (limit, offset))]

    def has_dead_letter(self, alert_id: str) -> bool:
        return bool(self._query("SELECT 1 FROM deliveries WHERE alert_id=%s AND status='failed'", (alert_id,)))

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def _first_line(exc: BaseException) -> str:
    """The first line of a driver error: libpq's later lines may quote the connection string."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
