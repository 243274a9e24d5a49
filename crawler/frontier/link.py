"""One Redis connection with the key naming and the sealing every frontier piece shares.

Sealing: what goes into Redis about a crawl (queued requests: URLs an attacker chose, which may
carry a victim's identifier) is encrypted and authenticated (AES-256-GCM) under the shared state
key, and fingerprints are keyed hashes. A copy of Redis (its AOF on disk) reveals nothing, and a
process that can write to Redis but lacks the key cannot inject a request (a queued request is
unpickled only after its tag verified).

Who serves it: each TCP connection is checked for the account that owns Redis's side
(vigie.core.peers) right after connect(), before AUTH is sent: a squatter on 127.0.0.1:6379
while Redis restarts would otherwise get the password and the crawl state. `_CheckedConnection`
is the redis-py `Connection` subclass that does it (redis-py builds every connection of the pool
from that class); a unix socket's server is asked of the kernel (SO_PEERCRED) the same way,
since its directory may be one every account writes (`/tmp/redis.sock`, Redis's sample).
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from loguru import logger

from vigie.core.files import random_key_file
from vigie.core.peers import PeerCheckError, TrustedPeers

__all__ = ["RedisLink", "as_text", "connect", "load_or_create_key"]

_NONCE = 12
_KEY_BYTES = 32


def load_or_create_key(path: Path) -> bytes:
    """The shared state key in `path` (0600), created atomically on first use. Every worker must
    hold the same file (copied like the keys): with another key, state rows read as unseen."""
    secret = random_key_file(path, _KEY_BYTES)
    if len(secret) != _KEY_BYTES:
        raise ValueError(f"frontier state key {path} is {len(secret)} bytes, not {_KEY_BYTES}: copy the "
                         "file the other workers use (or delete it everywhere to start from scratch)")
    return secret


def as_text(value: bytes | str) -> str:
    """A Redis reply as text (the client returns bytes)."""
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass
class RedisLink:
    client: redis.Redis
    prefix: str
    secret: bytes

    def key(self, *parts: str) -> str:
        """`<prefix>:<part>:...`; parts are names and sources, never crawled text."""
        return ":".join((self.prefix, *parts))

    def fingerprint(self, kind: str, value: bytes) -> bytes:
        return hmac.digest(self.secret, kind.encode() + b"|" + value, "sha256")[:16]

    def _aead(self) -> AESGCM:
        aead = self.__dict__.get("_aead_cache")
        if aead is None:
            aead = self.__dict__["_aead_cache"] = AESGCM(self.secret)
        return aead

    def seal(self, data: bytes, associated: bytes = b"") -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead().encrypt(nonce, data, associated)

    def unseal(self, blob: bytes, associated: bytes = b"") -> bytes | None:
        try:
            return self._aead().decrypt(blob[:_NONCE], blob[_NONCE:], associated)
        except (InvalidTag, ValueError):
            return None

    def now_ms(self) -> int:
        """Redis's clock, the one every host shares for leases."""
        seconds, micros = self.client.time()
        return int(seconds) * 1000 + int(micros) // 1000

    def script(self, source: str) -> Any:
        return self.client.register_script(source)

    def close(self) -> None:
        self.client.close()


class _PeerChecked:
    """A connection whose server must belong to a trusted account before AUTH goes out
    (`TrustedPeers.admit`: SO_PEERCRED), mixed into redis-py's TCP and unix socket connections."""

    def __init__(self, *args: Any, vigie_peers: TrustedPeers, **kwargs: Any) -> None:
        self._vigie_peers = vigie_peers
        super().__init__(*args, **kwargs)

    def _connect(self) -> Any:
        try:
            return self._vigie_peers.admit(super()._connect(), "Redis")  # type: ignore[misc]
        except PeerCheckError as exc:
            # redis-py turns the OSError into its ConnectionError (retried, then raised)
            logger.error("frontier: Redis connection refused: {}", exc)
            raise


class _CheckedUnixConnection(_PeerChecked, redis.UnixDomainSocketConnection):
    """A unix socket connection, its server checked (`_PeerChecked`)."""


class _CheckedConnection(_PeerChecked, redis.Connection):
    """A TCP connection, its server checked (`_PeerChecked`)."""


def connect(url: str, *, password: str | None = None, prefix: str = "vigie", secret: bytes,
            timeout: float = 5.0, retries: int = 40, peers: TrustedPeers | None = None) -> RedisLink:
    """A client for `url` (redis://127.0.0.1:PORT/DB or unix:///path), retrying a dropped
    connection `retries` times over a few seconds (Redis restarting from its AOF) before
    raising. A one-off reader (`vigie status`) asks for fewer: it reports Redis down at once.
    `peers`: who may own Redis's side of a TCP connection (security.trusted_local_users)."""
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    extra: dict[str, Any] = {"connection_class": _CheckedUnixConnection if url.startswith("unix:") else
                             _CheckedConnection, "vigie_peers": peers if peers is not None else TrustedPeers.default()}
    # protocol=2 (RESP2): what this code reads replies as, and what every Redis server speaks;
    # redis-py 8 began opening with RESP3's HELLO (AUTH inside it), whose replies have other types
    client = redis.Redis.from_url(
        url, password=password, socket_timeout=timeout, socket_connect_timeout=timeout, protocol=2,
        retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), retries),
        retry_on_error=[redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError], **extra)
    return RedisLink(client, prefix, secret)
