"""Webhook signature check for receivers. Standard library only: copy this file if you like.

Vigie sends, with every webhook POST:
    Vigie-Timestamp:  Unix seconds when the request was signed
    Vigie-Signature:  v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>
    Idempotency-Key:  the alert id (or digest id); identical on every retry of the same alert

A receiver must (1) verify the signature over the *raw* body bytes, (2) reject timestamps
outside a tolerance window (replays of old requests), (3) remember the idempotency keys it has
processed and ignore repeats (Vigie delivers at least once). See docs/webhooks.md.
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["sign", "signature_header", "verify_signature"]


def sign(secret: str | bytes, timestamp: str | int, body: bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(secret: str | bytes, timestamp: str | int, body: bytes) -> str:
    return f"v1={sign(secret, timestamp, body)}"


def verify_signature(secret: str | bytes, timestamp: str | int | None, body: bytes,
                     signature_header: str | None, tolerance_seconds: float = 300,
                     now: float | None = None) -> bool:
    """True if `signature_header` holds a valid v1 signature and `timestamp` is fresh.

    `signature_header` may list several comma-separated `v1=` values (during a secret rotation
    the sender may sign with both); one match is enough. Comparison is constant-time.
    """
    if not timestamp or not signature_header:
        return False
    try:
        ts = int(str(timestamp).strip())
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance_seconds:
        return False
    expected = sign(secret, str(timestamp).strip(), body)
    ok = False
    for part in signature_header.split(","):
        scheme, _, value = part.strip().partition("=")
        if scheme == "v1" and hmac.compare_digest(value.strip().lower(), expected):
            ok = True
    return ok
