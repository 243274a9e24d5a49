"""The delivery worker: takes due rows from the outbox and sends them at least once.

For each message: claim the rows (status `sending`, a lease, attempts+1) -> send -> ack (`sent`).
- A failed send goes back to `pending` at now + backoff (exponential, with jitter), or to
  `failed` (dead letter) after `alerts.delivery.max_attempts` attempts or a permanent error.
- A worker killed after the send and before the ack leaves a `sending` row; once its lease
  expires the row is due again and is re-sent with the same message id (signed `webhook-id`,
  email Message-ID): the alert id, or the digest id bound to the rows before the send. A
  receiver that deduplicates on that id processes each message exactly once.
- Digest policies (hourly/daily): rows wait until their window closes (their next_attempt_at),
  then all rows of one (organisation, channel, policy, window) go out as one message. Its id is
  `digest_id_for` its content, so equal content always has the same id and different content
  (e.g. one member of a dead-lettered digest retried alone) never does.

The window between the send and the ack is the one exactly-once depends on, so the worker takes
an `after_send` hook, called right there: a test injects one that kills the process at exactly
that point (tests/fixtures/crash_worker.py). The product never passes one.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from loguru import logger

from alerts.channels import ChannelError
from alerts.channels.render import digest_body, email_parts, webhook_body
from alerts.channels.smtp import SmtpSender
from alerts.channels.webhook import WebhookSender
from alerts.outbox import Delivery, OutboxBackend
from vigie.config.schema import AlertsSettings, OrganisationConfig
from vigie.core.peers import TrustedPeers

__all__ = ["AfterSend", "DeliveryWorker", "SentMessage", "backoff_seconds", "digest_id_for"]


@dataclass(frozen=True)
class SentMessage:
    """One message the receiver has accepted but the outbox has not yet acknowledged."""

    key: str  # the message id (webhook-id, Message-ID): the alert id, or the digest id
    channel: str  # email | webhook
    org: str
    deliveries: tuple[Delivery, ...]  # the outbox rows this message carries


AfterSend = Callable[[SentMessage], None]


def digest_id_for(org: str, channel: str, policy: str, alert_ids: Iterable[str]) -> str:
    """The id of a digest, from what it carries: a receiver deduplicates on it, so it must change
    whenever the content does and never otherwise (order of the alerts does not matter)."""
    members = sorted(set(alert_ids))
    if not members:
        raise ValueError("a digest carries at least one alert")
    material = json.dumps(["vigie-digest", 2, org, channel, policy, members])  # unambiguous framing
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def backoff_seconds(attempts: int, initial: float, maximum: float, rng: random.Random) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random, capped at `maximum`."""
    base = min(maximum, initial * (2 ** max(0, attempts - 1)))
    return base / 2 + rng.uniform(0, base / 2)


class DeliveryWorker:
    """Sends the outbox's due rows. `after_send` is called for each message between its send and
    its ack (the crash window tests need to reach); it is None in the product."""

    def __init__(self, outbox: OutboxBackend, organisations: Mapping[str, OrganisationConfig],
                 settings: AlertsSettings, *, clock: Callable[[], float] = time.time,
                 lease_seconds: float | None = None, rng: random.Random | None = None,
                 batch: int = 200, after_send: AfterSend | None = None,
                 peers: TrustedPeers | None = None) -> None:
        self.outbox = outbox
        self.peers = peers if peers is not None else TrustedPeers.default()  # who may serve a local SMTP
        self.after_send = after_send
        self.clock = clock
        self.rng = rng or random.Random()
        self.batch = batch
        self._lease_override = lease_seconds
        self.reconfigure(organisations, settings)

    def reconfigure(self, organisations: Mapping[str, OrganisationConfig], settings: AlertsSettings) -> None:
        """Take a reloaded config (SIGHUP): organisations, channels, SMTP and delivery settings."""
        self.organisations = dict(organisations)
        self.settings = settings
        timeout = max(settings.webhook.timeout_seconds,
                      settings.smtp.timeout_seconds if settings.smtp else 0)
        self.lease_seconds = self._lease_override if self._lease_override is not None else 2 * timeout + 30
        self.smtp = SmtpSender(settings.smtp, peers=self.peers) if settings.smtp else None
        self.webhook = WebhookSender(settings.webhook)

    def counts(self) -> dict[str, int]:
        """Deliveries per status (for `vigie status` and the metrics gauges)."""
        return self.outbox.counts()

    # ------------------------------------------------------------------ loop

    def run_forever(self, stop_event: threading.Event) -> None:
        poll = self.settings.delivery.poll_interval_seconds
        logger.info("delivery worker started (poll every {}s, lease {}s)", poll, self.lease_seconds)
        while not stop_event.is_set():
            try:
                busy = self.run_once()
            except Exception as exc:  # keep the service alive; the outbox keeps the work
                logger.exception("delivery round failed: {}", exc)
                busy = 0
            if not busy:
                stop_event.wait(poll)
        logger.info("delivery worker stopped")

    def run_once(self) -> int:
        """One pass over the due rows. Returns the number of delivery rows acknowledged."""
        now = self.clock()
        due = self.outbox.due(now, self.batch)
        done = 0
        groups: dict[tuple[Any, ...], list[Delivery]] = {}
        for d in due:
            if d.digest_id is not None:
                groups.setdefault(("digest", d.digest_id), []).append(d)
            elif d.policy == "immediate":
                done += self._deliver([d], None)
            else:
                groups.setdefault((d.org, d.channel, d.policy, d.next_attempt_at), []).append(d)
        for gkey, rows in groups.items():
            if gkey[0] == "digest":
                rows = [r for r in self.outbox.digest_members(gkey[1])
                        if r.status in ("pending", "sending")]
            done += self._deliver(rows, rows[0].policy)
        return done

    # ------------------------------------------------------------------ one message

    def _deliver(self, rows: list[Delivery], digest_policy: str | None) -> int:
        """Claim, send and acknowledge one message: one alert (immediate policy, sent under its
        alert id) or a digest of `rows`, whose id is computed from the rows actually claimed
        (another worker may hold some of them) and bound to them before the send."""
        now = self.clock()
        first = rows[0]
        claimed = set(self.outbox.claim([r.id for r in rows], now + self.lease_seconds, now))
        rows = [r for r in rows if r.id in claimed]
        if not rows:
            return 0
        ids = [r.id for r in rows]
        if digest_policy is None:
            key = first.alert_id
        else:
            key = digest_id_for(first.org, first.channel, digest_policy, (r.alert_id for r in rows))
            if any(r.digest_id != key for r in rows):
                self.outbox.bind_digest(ids, key)
        attempts = max(r.attempts for r in rows) + 1
        org = self.organisations.get(first.org)
        try:
            if org is None:
                # retryable: the config may be reloaded (SIGHUP) with the organisation in it
                raise ChannelError(f"organisation {first.org!r} is not in this service's config "
                                   "(config/organisations/); reload with SIGHUP")
            payloads = sorted((r.payload for r in rows if r.payload), key=lambda p: p["alert_id"])
            if first.channel == "email":
                self._send_email(org, payloads, key, digest_policy)
            elif first.channel == "webhook":
                self._send_webhook(org, payloads, key, digest_policy)
            else:
                raise ChannelError(f"unknown channel {first.channel!r}", permanent=True)
        except ChannelError as exc:
            max_attempts = self.settings.delivery.max_attempts
            if exc.permanent or attempts >= max_attempts:
                self.outbox.dead_letter(ids, str(exc))
                logger.error("{} {} dead-lettered after {} attempt(s): {}", first.channel, key,
                             attempts, exc)
            else:
                d = self.settings.delivery
                delay = backoff_seconds(attempts, d.backoff_initial_seconds, d.backoff_max_seconds, self.rng)
                self.outbox.retry_later(ids, self.clock() + delay, str(exc))
                logger.warning("{} {} attempt {} failed, retry in {:.1f}s: {}", first.channel, key,
                               attempts, delay, exc)
            return 0
        if self.after_send is not None:
            self.after_send(SentMessage(key, first.channel, first.org, tuple(rows)))
        self.outbox.ack(ids, self.clock())
        logger.info("{} {} delivered to {} ({} alert(s))", first.channel, key, first.org, len(ids))
        return len(ids)

    def _send_email(self, org: OrganisationConfig, payloads: list[dict[str, Any]], key: str,
                    digest_policy: str | None) -> None:
        if org.channels.email is None:
            raise ChannelError(f"organisation {org.id!r} has no email channel any more", permanent=True)
        if self.smtp is None:
            raise ChannelError("alerts.smtp is not configured in vigie.yaml", permanent=True)
        subject, text, html = email_parts(payloads, digest_policy or "immediate")
        self.smtp.send(list(org.channels.email.to), key, subject, text, html)

    def _send_webhook(self, org: OrganisationConfig, payloads: list[dict[str, Any]], key: str,
                      digest_policy: str | None) -> None:
        hook = org.channels.webhook
        if hook is None:
            raise ChannelError(f"organisation {org.id!r} has no webhook channel any more", permanent=True)
        body = (digest_body(key, digest_policy, payloads) if digest_policy
                else webhook_body(payloads[0]))
        self.webhook.send(hook.url, hook.secret.get_secret_value(), body, key)

