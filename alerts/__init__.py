"""Alerts: organisations register keyed hashes of their people's identifiers; Vigie matches new
and past fragments against them and delivers each alert exactly once (email, signed webhook).

    alerts.hashing    the organisation's side (`vigie hash`): canonicalise + pre-hash, no key
    alerts.registry   token -> organisation ids, compact open-addressing table on disk
    alerts.matcher    AlertMatcher.on_fragments: the ingest hook
    alerts.retrohunt  alert on fragments already stored when tokens are registered
    alerts.outbox     durable SQLite outbox (match + deliveries in one transaction)
    alerts.outbox_pg  the same outbox on PostgreSQL, shared by several processes (docs/scale.md)
    alerts.worker     DeliveryWorker: retries, backoff, dead letters, digests
    alerts.channels   smtp and webhook senders
    alerts.verify     verify_signature for webhook receivers (dependency-free)
"""

from __future__ import annotations

__all__ = ["AlertsError"]


class AlertsError(Exception):
    """Base class of errors raised by the alerts package."""
