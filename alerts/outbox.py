"""The durable outbox: one SQLite database (WAL), `<data_dir>/alerts.sqlite3`.

    alerts      one row per (organisation, subject): the match record and the alert payload.
                UNIQUE (org, fragment_id) is what makes matching idempotent. The subject is the
                leak id for a leak's first alert, `<leak id>/update/<n>` for its updates, and a
                fragment id for fragments without records (and alerts made before leaks existed).
                `leak_id` names the leak (NULL for those fragment alerts until attached).
    deliveries  one row per (alert, channel): pending -> sending -> sent | pending (retry) | failed
    leak_orgs   one row per (organisation, leak) alerted: people, sources, types, categories so
                far, so that an update says what changed (`record_leak_match`)
    leak_org_tokens  the organisation's matched tokens per leak (distinct people across copies;
                keyed tokens, as in the registry and the store)

Migration on open (idempotent): `alerts.leak_id` is added to an older database; the alerts
already raised for fragments are attached to their leak by `attach_leaks`, which the matcher
calls with the leak store's mapping.

The alert and its delivery rows are inserted in ONE transaction, so a crash cannot leave a match
without its deliveries. A delivery is claimed ("sending", with a lease) before it is sent and
acknowledged after; a worker killed in between leaves the claim, which expires and is re-sent
with the same message id (the alert id, or the digest id): at-least-once delivery, and
exactly-once processing at a receiver that deduplicates on that id (the signed `webhook-id`, the
email Message-ID).

A digest's id is a hash of its content (organisation, channel, policy, sorted alert ids; see
`alerts.worker.digest_id_for`), bound to its rows once they are claimed: a re-send after a crash
carries the same rows and so the same id, and a partial re-send (`vigie alerts retry ALERT_ID`
on one member of a dead-lettered digest) is a different message with a different id.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from indexer.leaks.models import OrgLeakImpact
from vigie.core.sqlite import connect, transaction

__all__ = ["STATUSES", "AlertRow", "DeadLetterRow", "Delivery", "DeliveryState", "LeakMatch", "LeakChange", "NewAlert",
           "Outbox", "OutboxBackend"]

STATUSES = ("pending", "sending", "sent", "failed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    alert_id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    fragment_id TEXT NOT NULL,
    severity INTEGER NOT NULL,
    created_at REAL NOT NULL,
    origin TEXT NOT NULL,            -- ingest | retrohunt
    payload TEXT NOT NULL,           -- JSON; redacted: no identifier, no token
    UNIQUE (org, fragment_id)
);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES alerts(alert_id) ON DELETE CASCADE,
    org TEXT NOT NULL,
    channel TEXT NOT NULL,           -- email | webhook
    policy TEXT NOT NULL,            -- immediate | hourly | daily
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,   -- for digests: the end of the window
    lease_until REAL,
    digest_id TEXT,                  -- the content id of the digest the row was last claimed in
    last_error TEXT,
    sent_at REAL,
    UNIQUE (alert_id, channel)
);
CREATE TABLE IF NOT EXISTS leak_orgs (
    org TEXT NOT NULL,
    leak_id TEXT NOT NULL,
    first_alert_at REAL NOT NULL,
    people INTEGER NOT NULL,
    updates INTEGER NOT NULL DEFAULT 0,
    sources TEXT NOT NULL,           -- JSON list
    types TEXT NOT NULL,             -- JSON {type: distinct matched}
    categories TEXT NOT NULL,        -- JSON list
    fragments TEXT NOT NULL,         -- JSON list: copies holding the organisation's people
    PRIMARY KEY (org, leak_id)
);
CREATE TABLE IF NOT EXISTS leak_org_tokens (
    org TEXT NOT NULL, leak_id TEXT NOT NULL, token TEXT NOT NULL, type TEXT NOT NULL,
    PRIMARY KEY (org, leak_id, token, type)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_digest ON deliveries (digest_id);
"""


@dataclass(frozen=True)
class NewAlert:
    alert_id: str
    org: str
    fragment_id: str
    severity: int
    origin: str
    payload: dict[str, Any]
    channels: tuple[tuple[str, str, float], ...]  # (channel, policy, first attempt time)


@dataclass(frozen=True)
class LeakMatch:
    """What one ingest batch matched for one organisation in one leak."""

    org: str
    leak_id: str
    tokens: dict[str, set[str]]  # identifier type -> the organisation's matched hex tokens
    sources: tuple[str, ...]
    categories: tuple[str, ...]
    fragment_ids: tuple[str, ...]


@dataclass(frozen=True)
class LeakChange:
    """The state of (organisation, leak) after a match, and what changed: the alert is built
    from this (`kind` "new" for the first alert, "update" when the leak spread)."""

    kind: str
    subject: str  # the outbox's idempotency key for this alert
    people: int
    people_before: int
    types: dict[str, int]
    sources: tuple[str, ...]
    new_sources: tuple[str, ...]
    categories: tuple[str, ...]
    first_alert_at: float


@dataclass
class Delivery:
    id: int
    alert_id: str
    org: str
    channel: str
    policy: str
    status: str
    attempts: int
    next_attempt_at: float
    lease_until: float | None
    digest_id: str | None
    last_error: str | None
    sent_at: float | None
    payload: dict[str, Any] | None = None
    severity: int | None = None
    created_at: float | None = None


@dataclass(frozen=True)
class AlertRow:
    """An alert as the web pages show it (`alert_page`, `find_alert`): the stored row, its
    payload parsed (redacted: no identifier, no token)."""

    alert_id: str
    org: str
    fragment_id: str
    severity: int
    created_at: float
    origin: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class DeliveryState:
    """One channel's delivery of an alert, as the alert's page shows it (`alert_deliveries`)."""

    channel: str
    status: str
    attempts: int
    last_error: str | None
    sent_at: float | None


@dataclass(frozen=True)
class DeadLetterRow:
    """A delivery that exhausted its retries (status failed), as the operators' page lists it."""

    alert_id: str
    org: str
    channel: str
    attempts: int
    last_error: str | None


_ALERT_COLS = "alert_id, org, fragment_id, severity, created_at, origin, payload"


def _alert_row(r: Sequence[Any]) -> AlertRow:
    return AlertRow(r[0], r[1], r[2], int(r[3]), float(r[4]), r[5], json.loads(r[6]))


_DELIVERY_COLS = ("d.id, d.alert_id, d.org, d.channel, d.policy, d.status, d.attempts, "
                  "d.next_attempt_at, d.lease_until, d.digest_id, d.last_error, d.sent_at, "
                  "a.payload, a.severity, a.created_at")


def _row(r: tuple[Any, ...]) -> Delivery:
    (row_id, alert_id, org, channel, policy, status, attempts, next_attempt_at, lease_until, digest_id,
     last_error, sent_at, payload, severity, created_at) = r
    return Delivery(row_id, alert_id, org, channel, policy, status, attempts, next_attempt_at, lease_until,
                    digest_id, last_error, sent_at, payload=json.loads(payload), severity=severity,
                    created_at=created_at)


class OutboxBackend(Protocol):
    """What the matcher, the watchlist and the delivery worker need of an outbox. Two backends:
    `Outbox` (SQLite, embedded, one machine) and `alerts.outbox_pg.PgOutbox` (PostgreSQL, shared
    by several processes and machines). Both keep the same contract: alerts are idempotent on
    (org, subject); an alert and its deliveries commit together; `claim` hands each due row to
    one caller only, under a lease that expires if the caller dies; `ack`/`retry_later`/
    `dead_letter` settle only rows the caller claimed."""

    def add_alerts(self, alerts: Iterable[NewAlert]) -> list[str]: ...
    def record_leak_match(self, match: LeakMatch,
                          build: Callable[[LeakChange], NewAlert | None]) -> str | None: ...
    def unattached_fragments(self) -> list[str]: ...
    def attach_leaks(self, leak_of: Mapping[str, str]) -> int: ...
    def impact(self, org_id: str, leak_id: str) -> OrgLeakImpact | None: ...
    def leaks_of_org(self, org_id: str) -> list[str]: ...
    def has_alert(self, org: str, fragment_id: str) -> bool: ...
    def due(self, now: float, limit: int = 200) -> list[Delivery]: ...
    def claim(self, ids: list[int], lease_until: float, now: float) -> list[int]: ...
    def bind_digest(self, ids: list[int], digest_id: str) -> None: ...
    def ack(self, ids: list[int], now: float) -> None: ...
    def retry_later(self, ids: list[int], next_at: float, error: str) -> None: ...
    def dead_letter(self, ids: list[int], error: str) -> None: ...
    def requeue(self, alert_id: str | None = None, all_failed: bool = False) -> int: ...
    def digest_members(self, digest_id: str) -> list[Delivery]: ...
    def list_alerts(self, org: str | None = None, status: str | None = None,
                    limit: int = 1000) -> list[dict[str, Any]]: ...
    def counts(self) -> dict[str, int]: ...
    # the web pages' reads (vigie.web.data), the same on both backends: alerts newest first
    # (created_at, then alert_id, both descending; ids compared byte-wise), `org` None for all
    def alert_page(self, org: str | None = None, *, limit: int = 20, offset: int = 0) -> list[AlertRow]: ...
    def find_alert(self, alert_id: str, org: str | None = None) -> AlertRow | None: ...
    def alert_deliveries(self, alert_id: str) -> list[DeliveryState]: ...  # by channel
    def dead_letter_page(self, *, limit: int = 20, offset: int = 0) -> list[DeadLetterRow]: ...  # oldest row first
    def has_dead_letter(self, alert_id: str) -> bool: ...
    def close(self) -> None: ...


def seeded_leak_row(org: str, leak_id: str, fragment_id: str, created_at: Any, payload: dict[str, Any],
                    state: Sequence[Any] | None) -> tuple[Any, ...]:
    """The `leak_orgs` row after `attach_leaks` folds one earlier alert (its payload) into the
    (organisation, leak) state read as (people, sources, types, categories, fragments,
    first_alert_at), or None when there is none yet. One rule for both outboxes (SQLite and
    PostgreSQL); columns in table order, `updates` 0."""
    if state is None:
        state = (0, "[]", "{}", "[]", "[]", created_at)
    sources = json.loads(state[1])
    source = payload.get("source")
    if source and source not in sources:
        sources.append(source)
    types = json.loads(state[2])
    for t, n in payload.get("matched", {}).items():
        types[t] = max(types.get(t, 0), n)
    return (org, leak_id, min(state[5], created_at), max(state[0], int(payload.get("matched_total", 0))), 0,
            json.dumps(sources), json.dumps(types),
            json.dumps(sorted(set(json.loads(state[3])) | set(payload.get("categories", [])))),
            json.dumps(list(dict.fromkeys([*json.loads(state[4]), fragment_id]))))


class Outbox:
    def __init__(self, path: Path) -> None:
        self.path = path
        # FULL: an alert acknowledged as sent must stay sent across a power loss (or it is re-sent)
        self.db = connect(path, foreign_keys=True)
        self.db.executescript(_SCHEMA)
        self._lock = threading.RLock()  # the connection may be shared by threads
        self._migrate()

    def _migrate(self) -> None:
        """Databases made before leaks existed get `alerts.leak_id` (idempotent)."""
        with self._tx() as db:
            columns = {r[1] for r in db.execute("PRAGMA table_info(alerts)")}
            if "leak_id" not in columns:
                db.execute("ALTER TABLE alerts ADD COLUMN leak_id TEXT")
            db.execute("CREATE INDEX IF NOT EXISTS alerts_leak ON alerts (org, leak_id)")

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction under the connection's lock."""
        with self._lock, transaction(self.db) as db:
            yield db

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> Outbox:
        return cls(Path(data_dir) / "alerts.sqlite3")

    # ------------------------------------------------------------------ writing matches

    def add_alerts(self, alerts: Iterable[NewAlert]) -> list[str]:
        """Insert alerts not seen before, with their deliveries, in one transaction.
        Returns the ids that were new (an (org, fragment) already alerted is skipped)."""
        created: list[str] = []
        with self._tx() as db:
            for a in alerts:
                if self._insert_alert(db, a, None):
                    created.append(a.alert_id)
        return created

    # ------------------------------------------------------------------ leaks

    def record_leak_match(self, match: LeakMatch,
                          build: Callable[[LeakChange], NewAlert | None]) -> str | None:
        """Record what `match` adds to (organisation, leak) and, if it is the first match or the
        leak spread (more of the organisation's people, or a new source), queue the alert that
        `build` makes from the change. One transaction: state, alert and deliveries commit
        together, and a repeated match (re-ingest) adds nothing and makes no alert. Returns the
        new alert's id. `build` returning None (below the organisation's severity) records
        nothing, so a later, graver copy still alerts."""
        with self._tx() as db:
            row = db.execute("SELECT people, updates, sources, types, categories, fragments, first_alert_at "
                             "FROM leak_orgs WHERE org=? AND leak_id=?", (match.org, match.leak_id)).fetchone()
            before_people = row[0] if row else 0
            sources = json.loads(row[2]) if row else []
            types: dict[str, int] = json.loads(row[3]) if row else {}
            categories = set(json.loads(row[4])) if row else set()
            fragments = json.loads(row[5]) if row else []
            db.execute("SAVEPOINT tokens")
            for id_type, toks in match.tokens.items():
                db.executemany("INSERT OR IGNORE INTO leak_org_tokens VALUES (?, ?, ?, ?)",
                               ((match.org, match.leak_id, t, id_type) for t in toks))
            counted = dict(db.execute("SELECT type, COUNT(*) FROM leak_org_tokens WHERE org=? AND leak_id=? "
                                      "GROUP BY type", (match.org, match.leak_id)).fetchall())
            # people: the largest distinct count of one identifier type (a person registered with an
            # email and a phone is one person, not two); a migrated alert knows its count, not its tokens
            people = max(max(counted.values(), default=0), before_people)
            new_sources = tuple(s_ for s_ in dict.fromkeys(match.sources) if s_ not in sources)
            if row is not None and people <= before_people and not new_sources:
                db.execute("RELEASE tokens")
                return None
            now = time.time()
            updates = (row[1] + 1) if row else 0
            change = LeakChange(
                kind="update" if row else "new",
                subject=f"{match.leak_id}/update/{updates}" if row else match.leak_id,
                people=people, people_before=before_people,
                types={t: max(n, types.get(t, 0)) for t, n in sorted({**types, **counted}.items())},
                sources=(*sources, *new_sources), new_sources=new_sources if row else (),
                categories=tuple(sorted(categories | set(match.categories))),
                first_alert_at=row[6] if row else now)
            alert = build(change)
            if alert is None:
                db.execute("ROLLBACK TO tokens")
                db.execute("RELEASE tokens")
                return None
            db.execute("RELEASE tokens")
            db.execute(
                "INSERT OR REPLACE INTO leak_orgs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (match.org, match.leak_id, change.first_alert_at, people, updates, json.dumps(list(change.sources)),
                 json.dumps(change.types), json.dumps(list(change.categories)),
                 json.dumps(list(dict.fromkeys([*fragments, *match.fragment_ids])))))
            return alert.alert_id if self._insert_alert(db, alert, match.leak_id) else None

    def _insert_alert(self, db: sqlite3.Connection, a: NewAlert, leak_id: str | None) -> bool:
        cur = db.execute(
            "INSERT OR IGNORE INTO alerts (alert_id, org, fragment_id, severity, created_at,"
            " origin, payload, leak_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (a.alert_id, a.org, a.fragment_id, a.severity, time.time(), a.origin,
             json.dumps(a.payload, sort_keys=True, ensure_ascii=False), leak_id))
        if cur.rowcount != 1:
            return False
        for channel, policy, first_at in a.channels:
            db.execute("INSERT INTO deliveries (alert_id, org, channel, policy, status, next_attempt_at) "
                       "VALUES (?, ?, ?, ?, 'pending', ?)", (a.alert_id, a.org, channel, policy, first_at))
        return True

    def unattached_fragments(self) -> list[str]:
        """Fragment ids of alerts not yet attached to a leak (made before leaks existed)."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT fragment_id FROM alerts WHERE leak_id IS NULL")]

    def attach_leaks(self, leak_of: Mapping[str, str]) -> int:
        """The migration: alerts raised for fragments are attached to their leak (fragment id ->
        leak id), and the (organisation, leak) state is seeded from them, so the next copy of
        that leak is an update, not a second first alert. Idempotent; returns how many alerts
        were attached."""
        attached = 0
        with self._tx() as db:
            rows = db.execute("SELECT alert_id, org, fragment_id, created_at, payload FROM alerts "
                              "WHERE leak_id IS NULL").fetchall()
            for alert_id, org, fragment_id, created_at, payload in rows:
                leak_id = leak_of.get(fragment_id)
                if leak_id is None:
                    continue
                p = json.loads(payload)
                db.execute("UPDATE alerts SET leak_id=? WHERE alert_id=?", (leak_id, alert_id))
                attached += 1
                state = db.execute("SELECT people, sources, types, categories, fragments, first_alert_at "
                                   "FROM leak_orgs WHERE org=? AND leak_id=?", (org, leak_id)).fetchone()
                db.execute("INSERT OR REPLACE INTO leak_orgs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           seeded_leak_row(org, leak_id, fragment_id, created_at, p, state))
        return attached

    def impact(self, org_id: str, leak_id: str) -> OrgLeakImpact | None:
        """What `org_id` has in `leak_id` (None if it was never alerted for it)."""
        row = self.db.execute("SELECT people, sources, types, categories, fragments, first_alert_at "
                              "FROM leak_orgs WHERE org=? AND leak_id=?", (org_id, leak_id)).fetchone()
        if row is None:
            return None
        return OrgLeakImpact(org_id=org_id, leak_id=leak_id, people=row[0],
                             identifier_types=json.loads(row[2]), categories=tuple(json.loads(row[3])),
                             first_alert_at=datetime.fromtimestamp(row[5], UTC), sources=tuple(json.loads(row[1])),
                             fragment_ids=tuple(json.loads(row[4])))

    def leaks_of_org(self, org_id: str) -> list[str]:
        """The leaks `org_id` was alerted for, most recently first alerted first."""
        return [r[0] for r in self.db.execute(
            "SELECT leak_id FROM leak_orgs WHERE org=? ORDER BY first_alert_at DESC, leak_id", (org_id,))]

    def has_alert(self, org: str, fragment_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM alerts WHERE org=? AND fragment_id=?",
                               (org, fragment_id)).fetchone() is not None

    # ------------------------------------------------------------------ delivery state

    def due(self, now: float, limit: int = 200) -> list[Delivery]:
        """Pending rows whose time has come, and claims whose lease expired (a dead worker)."""
        rows = self.db.execute(
            f"SELECT {_DELIVERY_COLS} FROM deliveries d JOIN alerts a USING (alert_id) "
            "WHERE (d.status='pending' AND d.next_attempt_at<=?) "
            "   OR (d.status='sending' AND d.lease_until<=?) "
            "ORDER BY d.next_attempt_at, d.id LIMIT ?", (now, now, limit)).fetchall()
        return [_row(r) for r in rows]

    def claim(self, ids: list[int], lease_until: float, now: float) -> list[int]:
        """Mark rows in flight before sending (counts the attempt). Returns the ids claimed;
        a row another worker claimed meanwhile is left out."""
        claimed: list[int] = []
        with self._tx() as db:
            for i in ids:
                cur = db.execute(
                    "UPDATE deliveries SET status='sending', lease_until=?, attempts=attempts+1 "
                    "WHERE id=? AND ((status='pending' AND next_attempt_at<=?) OR "
                    "(status='sending' AND lease_until<=?))",
                    (lease_until, i, now, now))
                if cur.rowcount == 1:
                    claimed.append(i)
        return claimed

    def bind_digest(self, ids: list[int], digest_id: str) -> None:
        """Tie claimed rows to the digest they are about to be sent in, before the send: a worker
        that dies after the send finds them again under this id (`digest_members`) and re-sends
        the same content with the same id. Replaces an earlier binding (a partial retry)."""
        self._update(ids, "UPDATE deliveries SET digest_id=? WHERE id=?", digest_id)

    def ack(self, ids: list[int], now: float) -> None:
        self._update(ids, "UPDATE deliveries SET status='sent', sent_at=?, lease_until=NULL, "
                          "last_error=NULL WHERE id=?", now)

    def retry_later(self, ids: list[int], next_at: float, error: str) -> None:
        self._update(ids, "UPDATE deliveries SET status='pending', next_attempt_at=?, "
                          "lease_until=NULL, last_error=? WHERE id=?", next_at, error[:500])

    def dead_letter(self, ids: list[int], error: str) -> None:
        self._update(ids, "UPDATE deliveries SET status='failed', lease_until=NULL, last_error=? "
                          "WHERE id=?", error[:500])

    def _update(self, ids: list[int], sql: str, *params: Any) -> None:
        with self._tx() as db:
            for i in ids:
                db.execute(sql, (*params, i))

    def requeue(self, alert_id: str | None = None, all_failed: bool = False) -> int:
        """`vigie alerts retry`: failed (dead-lettered) deliveries go back to pending, attempts
        reset. With an alert id, any non-sent delivery of that alert is retried now."""
        now = time.time()
        if all_failed:
            cur = self.db.execute("UPDATE deliveries SET status='pending', attempts=0, "
                                  "next_attempt_at=? WHERE status='failed'", (now,))
        elif alert_id is not None:
            cur = self.db.execute("UPDATE deliveries SET status='pending', attempts=0, "
                                  "next_attempt_at=? WHERE alert_id=? AND status IN "
                                  "('failed','pending')", (now, alert_id))
        else:
            return 0
        return cur.rowcount

    def digest_members(self, digest_id: str) -> list[Delivery]:
        rows = self.db.execute(
            f"SELECT {_DELIVERY_COLS} FROM deliveries d JOIN alerts a USING (alert_id) "
            "WHERE d.digest_id=? ORDER BY a.created_at, d.id", (digest_id,)).fetchall()
        return [_row(r) for r in rows]

    # ------------------------------------------------------------------ listing

    def list_alerts(self, org: str | None = None, status: str | None = None,
                    limit: int = 1000) -> list[dict[str, Any]]:
        """Alerts with their deliveries; `status` keeps alerts having a delivery in that state."""
        where, params = [], []
        if org:
            where.append("a.org=?")
            params.append(org)
        if status:
            where.append("EXISTS (SELECT 1 FROM deliveries x WHERE x.alert_id=a.alert_id AND x.status=?)")
            params.append(status)
        sql = ("SELECT a.alert_id, a.org, a.fragment_id, a.severity, a.created_at, a.origin, a.payload "
               "FROM alerts a" + (" WHERE " + " AND ".join(where) if where else "") +
               " ORDER BY a.created_at DESC LIMIT ?")
        out = []
        for aid, org_, frag, sev, created, origin, payload in self.db.execute(sql, (*params, limit)):
            deliveries = [
                {"channel": c, "policy": p, "status": s, "attempts": n, "next_attempt_at": nxt,
                 "last_error": err, "sent_at": sent}
                for c, p, s, n, nxt, err, sent in self.db.execute(
                    "SELECT channel, policy, status, attempts, next_attempt_at, last_error, sent_at "
                    "FROM deliveries WHERE alert_id=? ORDER BY channel", (aid,))
            ]
            out.append({"alert_id": aid, "org": org_, "fragment_id": frag, "severity": sev,
                        "created_at": created, "origin": origin, "alert": json.loads(payload),
                        "deliveries": deliveries})
        return out

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status"))

    # ------------------------------------------------------------------ the web pages' reads

    def alert_page(self, org: str | None = None, *, limit: int = 20, offset: int = 0) -> list[AlertRow]:
        """One page of alerts, newest first; an organisation's only when `org` is given."""
        where, args = ("WHERE org=? ", (org,)) if org else ("", ())
        with self._lock:
            rows = self.db.execute(f"SELECT {_ALERT_COLS} FROM alerts {where}"
                                   "ORDER BY created_at DESC, alert_id DESC LIMIT ? OFFSET ?",
                                   (*args, limit, offset)).fetchall()
        return [_alert_row(r) for r in rows]

    def find_alert(self, alert_id: str, org: str | None = None) -> AlertRow | None:
        """The alert, or None if it does not exist or (with `org`) is another organisation's."""
        with self._lock:
            row = self.db.execute(f"SELECT {_ALERT_COLS} FROM alerts WHERE alert_id=?"
                                  + (" AND org=?" if org else ""), (alert_id, *((org,) if org else ()))).fetchone()
        return None if row is None else _alert_row(row)

    def alert_deliveries(self, alert_id: str) -> list[DeliveryState]:
        with self._lock:
            rows = self.db.execute("SELECT channel, status, attempts, last_error, sent_at FROM deliveries "
                                   "WHERE alert_id=? ORDER BY channel", (alert_id,)).fetchall()
        return [DeliveryState(*r) for r in rows]

    def dead_letter_page(self, *, limit: int = 20, offset: int = 0) -> list[DeadLetterRow]:
        """Failed deliveries in the order they were queued (row id)."""
        with self._lock:
            rows = self.db.execute("SELECT alert_id, org, channel, attempts, last_error FROM deliveries "
                                   "WHERE status='failed' ORDER BY id LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        return [DeadLetterRow(*r) for r in rows]

    def has_dead_letter(self, alert_id: str) -> bool:
        with self._lock:
            return self.db.execute("SELECT 1 FROM deliveries WHERE alert_id=? AND status='failed'",
                                   (alert_id,)).fetchone() is not None

    def close(self) -> None:
        self.db.close()
