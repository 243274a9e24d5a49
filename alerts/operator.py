"""The operator channel: notices to the people who run Vigie (`alerts.operators` in vigie.yaml).

Conditions (a source needing attention, a session expired, Tor down, a spool filling, a
dead-lettered alert) are raised and cleared by the service each time it looks. A condition gets
ONE notice while it lasts: raising it again changes nothing until it is cleared, after which a
new occurrence is noticed again. Notices are rate-limited per channel
(`operators.min_interval_seconds`): what is raised meanwhile waits and goes out in one message.

State lives in tables of the outbox database (`<data_dir>/alerts.sqlite3`), so a restart
neither repeats a notice nor forgets a condition. Delivery uses the organisations' channel
senders (SMTP, signed webhook); a failed send is retried at the next `flush`.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from loguru import logger

from alerts.channels import ChannelError
from alerts.channels.smtp import SmtpSender
from alerts.channels.webhook import WebhookSender
from indexer.redact import mask_text
from vigie.config.schema import AlertsSettings
from vigie.core.peers import TrustedPeers
from vigie.core.sqlite import connect, transaction
from vigie.core.text import one_line

__all__ = ["OperatorNotice", "OperatorNotifier"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS operator_conditions (
    key TEXT PRIMARY KEY,            -- e.g. tor:down, source:<name>:attention, spool:filling
    message TEXT NOT NULL,
    raised_at REAL NOT NULL,
    notified_at REAL                 -- NULL: not sent yet
);
CREATE TABLE IF NOT EXISTS operator_sends (channel TEXT PRIMARY KEY, last_sent_at REAL NOT NULL);
"""


@dataclass(frozen=True)
class OperatorNotice:
    key: str
    message: str
    raised_at: float


class OperatorNotifier:
    """`raise_(key, message)`, `clear(key)`, then `flush()` sends what is due."""

    def __init__(self, path: Path | str, settings: AlertsSettings, clock: Callable[[], float] = time.time, *,
                 peers: TrustedPeers | None = None) -> None:
        self.peers = peers if peers is not None else TrustedPeers.default()  # who may serve a local SMTP
        self.db = connect(path)
        self.db.executescript(_SCHEMA)
        self.settings = settings
        self.clock = clock
        self._lock = threading.Lock()

    def raise_(self, key: str, message: str) -> bool:
        """Record a condition; True when it is new (it will be noticed), False if already raised."""
        with self._lock:
            cur = self.db.execute("INSERT OR IGNORE INTO operator_conditions (key, message, raised_at) VALUES (?,?,?)",
                                  (key, mask_text(message) or message, self.clock()))
            return cur.rowcount == 1

    def clear(self, key: str) -> bool:
        """The condition is over: the next occurrence is noticed again. True if it was raised."""
        with self._lock:
            return self.db.execute("DELETE FROM operator_conditions WHERE key = ?", (key,)).rowcount == 1

    def active(self) -> list[OperatorNotice]:
        with self._lock:
            rows = self.db.execute("SELECT key, message, raised_at FROM operator_conditions ORDER BY raised_at, key")
            return [OperatorNotice(*r) for r in rows.fetchall()]

    def flush(self) -> int:
        """Send the notices not sent yet on every configured channel whose rate limit allows;
        returns how many notices were marked sent."""
        ops = self.settings.operators
        if ops is None:
            return 0
        now = self.clock()
        with self._lock:
            pending = [OperatorNotice(*r) for r in self.db.execute(
                "SELECT key, message, raised_at FROM operator_conditions WHERE notified_at IS NULL "
                "ORDER BY raised_at, key").fetchall()]
            last = dict(self.db.execute("SELECT channel, last_sent_at FROM operator_sends").fetchall())
        if not pending:
            return 0
        channels = [c for c, on in (("email", bool(ops.email) and self.settings.smtp is not None),
                                    ("webhook", ops.webhook is not None)) if on]
        if any(now - last.get(c, float("-inf")) < ops.min_interval_seconds for c in channels):
            return 0  # rate-limited: these wait, and go out together later
        msg_id = hashlib.sha256("|".join(f"{n.key}@{n.raised_at}" for n in pending).encode()).hexdigest()[:32]
        sent: list[str] = []
        for channel in channels:
            try:
                self._send(channel, pending, msg_id)
                sent.append(channel)
            except ChannelError as exc:
                logger.warning("operator notice by {} failed ({}); retried at the next check", channel, exc)
        if channels and not sent:
            return 0
        with self._lock, transaction(self.db) as db:
            db.executemany("UPDATE operator_conditions SET notified_at = ? WHERE key = ? AND raised_at = ?",
                           [(now, n.key, n.raised_at) for n in pending])
            db.executemany("INSERT OR REPLACE INTO operator_sends (channel, last_sent_at) VALUES (?, ?)",
                           [(c, now) for c in sent])
        return len(pending)

    def _send(self, channel: str, notices: list[OperatorNotice], msg_id: str) -> None:
        ops = self.settings.operators
        assert ops is not None
        # a condition's message may quote what a crawled site wrote: one line each (alerts.channels.render)
        lines = [f"- {one_line(n.message)} (since {datetime.fromtimestamp(n.raised_at, UTC):%Y-%m-%d %H:%M UTC}, "
                 f"{n.key})" for n in notices]
        subject = f"[Vigie][operator] {len(notices)} condition(s) need attention: {one_line(notices[0].message[:80])}"
        if channel == "email":
            assert self.settings.smtp is not None
            text = "Vigie needs attention:\n" + "\n".join(lines)
            SmtpSender(self.settings.smtp, peers=self.peers).send(list(ops.email), f"op-{msg_id}", subject, text,
                                                "<pre>" + html.escape(text) + "</pre>")
        else:
            assert ops.webhook is not None
            body = json.dumps({"type": "vigie.operator", "id": f"op-{msg_id}", "notices": [
                {"key": n.key, "message": n.message, "raised_at": n.raised_at} for n in notices]},
                sort_keys=True).encode()
            status = WebhookSender(self.settings.webhook).send(ops.webhook.url, ops.webhook.secret.get_secret_value(),
                                                               body, f"op-{msg_id}")
            if not 200 <= status < 300:
                raise ChannelError(f"operator webhook answered HTTP {status}")

    def close(self) -> None:
        self.db.close()
