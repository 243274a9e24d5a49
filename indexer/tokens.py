"""Keyed tokens: how identifiers are matched without plaintext.

    prehash = SHA-256("v1|<type>|<canonical>")            (what organisations send, `vigie hash`)
    token   = HMAC-SHA256(K_match, prehash)[:16]         (what the index and the registry hold)

Why the HMAC is taken over the pre-hash rather than over the string itself: organisations
register pre-hashes, never plaintext, and Vigie must turn those into the very tokens that the
extractor computes from a dump. HMAC cannot be computed from SHA-256(m) alone, so both sides key
the pre-hash. The key version travels with every token so that keys can be rotated.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["TOKEN_BYTES", "MatchKey", "prehash", "token", "token_from_prehash", "tokenizer"]

TOKEN_BYTES = 16
_SCHEME = "v1"


@dataclass(frozen=True, slots=True)
class MatchKey:
    key: bytes
    version: int = 1

    def __repr__(self) -> str:  # never print key material
        return f"MatchKey(version={self.version}, key=<{len(self.key)} bytes>)"


def prehash(id_type: str, canonical: str) -> bytes:
    return hashlib.sha256(f"{_SCHEME}|{id_type}|{canonical}".encode()).digest()


def token_from_prehash(key: MatchKey, pre: bytes) -> bytes:
    return hmac.digest(key.key, pre, "sha256")[:TOKEN_BYTES]


def token(key: MatchKey, id_type: str, canonical: str) -> bytes:
    return token_from_prehash(key, prehash(id_type, canonical))


_IPAD = bytes(b ^ 0x36 for b in range(256))
_OPAD = bytes(b ^ 0x5C for b in range(256))


@lru_cache(maxsize=8)
def tokenizer(key: MatchKey) -> Callable[[str, str], bytes]:
    """`token` for one key, for the extractor's hot loop: the same HMAC (RFC 2104), with the
    SHA-256 states after the key's ipad and opad blocks computed once and copied per token
    instead of rekeyed (1.7 us a token instead of 2.3 us). Tests check it against `token`.
    Cached per key: a crawl makes one detect() call per post."""
    k = key.key
    if len(k) > 64:  # RFC 2104: longer keys are hashed first
        k = hashlib.sha256(k).digest()
    k = k.ljust(64, b"\0")
    inner = hashlib.sha256(k.translate(_IPAD))
    outer = hashlib.sha256(k.translate(_OPAD))
    sha = hashlib.sha256
    icopy, ocopy = inner.copy, outer.copy

    def tok(id_type: str, canonical: str) -> bytes:
        i = icopy()
        i.update(sha(f"{_SCHEME}|{id_type}|{canonical}".encode()).digest())
        o = ocopy()
        o.update(i.digest())
        return o.digest()[:TOKEN_BYTES]

    return tok
