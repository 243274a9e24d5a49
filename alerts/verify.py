"""Webhook signature check for receivers (Standard Webhooks). Standard library only: copy this file.

Vigie signs every webhook POST the Standard Webhooks way (https://www.standardwebhooks.com/):
    webhook-id:         the alert id (or digest id); identical on every re-send of the same message
    webhook-timestamp:  Unix seconds when the request was signed
    webhook-signature:  v1,<base64 HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{raw body}")>
                        (a space-separated list of such entries is accepted: secret rotation)

The key: a secret written `whsec_<base64>` (the Standard Webhooks form) is the base64-decoded
bytes after the prefix; any other secret is used as its UTF-8 bytes. The official
`standardwebhooks` libraries verify Vigie's requests: `Webhook("whsec_...")` for the first form,
`Webhook(secret.encode())` for the second.

The id is inside the signature, so a receiver can trust it: it must (1) verify the signature over
the *raw* body bytes, (2) refuse timestamps outside a tolerance window, (3) refuse an id it has
already accepted (`ReplayCache`, for the window; a table of processed ids for the long run, since
Vigie delivers at least once). `WebhookVerifier` does (1)-(3). See docs/webhooks.md.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Mapping

__all__ = ["ReplayCache", "Verdict", "WebhookVerifier", "sign", "signing_key", "verify_signature"]

_PREFIX = "whsec_"
_MAX_HEADER = 8192  # a signature list longer than this is not one Vigie sent


def signing_key(secret: str | bytes) -> bytes:
    """The HMAC key for a configured secret. Raises ValueError for an empty secret or a
    `whsec_` secret whose remainder is not base64 (so a typo is not silently a plain key)."""
    if isinstance(secret, bytes):
        key = secret
    elif secret.startswith(_PREFIX):
        try:
            key = base64.b64decode(secret[len(_PREFIX):], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("a webhook secret starting with 'whsec_' must continue with base64 "
                             "(the Standard Webhooks form); drop the prefix to use it as a plain secret") from exc
    else:
        key = secret.encode()
    if not key:
        raise ValueError("the webhook secret is empty")
    return key


def _mac(key: bytes, msg_id: str, timestamp: str, body: bytes) -> bytes:
    return hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def sign(secret: str | bytes, msg_id: str, timestamp: int | str, body: bytes) -> str:
    """The `webhook-signature` value: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`."""
    return "v1," + base64.b64encode(_mac(signing_key(secret), msg_id, str(timestamp), body)).decode()


def _timestamp(value: str) -> int | None:
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        return None
    return int(value)


def verify_signature(secret: str | bytes, msg_id: str | None, timestamp: str | None, body: bytes,
                     signature_header: str | None, *, tolerance_seconds: float = 300,
                     now: float | None = None) -> bool:
    """True if `signature_header` holds a valid v1 signature of (id, timestamp, body) and the
    timestamp is within `tolerance_seconds` of `now`. Anything malformed (missing header,
    non-ASCII, bad base64, unknown version, a bad secret) is False, never an exception, so a
    hostile request cannot turn into a 500. Comparison is constant-time."""
    if not msg_id or not timestamp or not signature_header or len(signature_header) > _MAX_HEADER:
        return False
    ts = _timestamp(timestamp)
    if ts is None or not msg_id.isascii():
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance_seconds:
        return False
    try:
        key = signing_key(secret)
    except ValueError:
        return False
    expected = _mac(key, msg_id, str(ts), body)
    ok = False
    for entry in signature_header.split():
        version, _, value = entry.partition(",")
        if version != "v1" or not value.isascii():
            continue
        try:
            given = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue
        ok |= hmac.compare_digest(given, expected)
    return ok


class ReplayCache:
    """Ids accepted within the tolerance window; a second request with one of them is a replay
    (or Vigie re-sending a message whose answer it missed): refuse to process it again.

    An entry lives until its request's timestamp leaves the window (timestamp + tolerance): after
    that the request fails the timestamp check anyway. Vigie may re-send an id later than that
    (after an outage), which is why a receiver also keeps its processed ids for the long run."""

    def __init__(self, tolerance_seconds: float = 300) -> None:
        self.tolerance_seconds = tolerance_seconds
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def claim(self, msg_id: str, timestamp: int, now: float) -> bool:
        """Record `msg_id`; False if it is already held (a replay). Atomic across threads."""
        with self._lock:
            for old in [k for k, until in self._until.items() if until < now]:
                del self._until[old]
            if msg_id in self._until:
                return False
            self._until[msg_id] = timestamp + self.tolerance_seconds
            return True

    def forget(self, msg_id: str) -> None:
        """Drop an id whose processing failed, so that Vigie's re-send is processed."""
        with self._lock:
            self._until.pop(msg_id, None)

    def __len__(self) -> int:
        return len(self._until)


class Verdict(enum.Enum):
    """What a receiver does with a request: VALID -> process it; REPLAY -> answer 2xx and do
    nothing (the id was accepted already); INVALID -> answer 401."""

    VALID = "valid"
    REPLAY = "replay"
    INVALID = "invalid"


class WebhookVerifier:
    """Signature, timestamp and replay checks in one call, for one receiver endpoint."""

    def __init__(self, secret: str | bytes, *, tolerance_seconds: float = 300,
                 cache: ReplayCache | None = None, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self.tolerance_seconds = tolerance_seconds
        self.cache = cache if cache is not None else ReplayCache(tolerance_seconds)
        self.clock = clock

    def verify(self, headers: Mapping[str, str], body: bytes) -> Verdict:
        """Check a request; `headers` is looked up case-insensitively. A VALID id is held in the
        replay cache from now on: call `forget(id)` if you then fail to process it."""
        lower = {k.lower(): v for k, v in headers.items()}
        msg_id, raw_ts = lower.get("webhook-id"), lower.get("webhook-timestamp")
        ts = _timestamp(raw_ts) if raw_ts else None
        now = self.clock()
        if msg_id is None or ts is None or not verify_signature(
                self._secret, msg_id, raw_ts, body, lower.get("webhook-signature"),
                tolerance_seconds=self.tolerance_seconds, now=now):
            return Verdict.INVALID
        return Verdict.VALID if self.cache.claim(msg_id, ts, now) else Verdict.REPLAY

    def forget(self, msg_id: str) -> None:
        self.cache.forget(msg_id)
