"""Encryption at rest of raw fragment text (AES-256-GCM under a data key kept outside the store)."""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["DataKey", "decrypt_text", "encrypt_text", "encrypt_utf8", "keyed_id"]

_NONCE = 12


@dataclass(frozen=True, slots=True)
class DataKey:
    key: bytes  # 32 bytes
    version: int = 1
    _id_key: bytes = field(default=b"", repr=False, compare=False)

    def id_key(self) -> bytes:
        """A key derived from the data key, used only to name documents (`keyed_id`)."""
        if not self._id_key:
            object.__setattr__(self, "_id_key", hmac.digest(self.key, b"vigie/document-id/v1", "sha256"))
        return self._id_key

    def __repr__(self) -> str:
        return f"DataKey(version={self.version}, key=<{len(self.key)} bytes>)"


def keyed_id(key: DataKey, data: bytes | str) -> str:
    """The id of a document or item: HMAC-SHA256 of its content under a key derived from the data
    key. A plain SHA-256 would let anyone who can read the index confirm that a leak line they
    hold is in it; this id reveals nothing without the key, and stays stable for the same
    content (so storing a fragment twice is still one document)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hmac.digest(key.id_key(), data, "sha256").hex()


def encrypt_text(key: DataKey, text: str, associated: bytes = b"") -> bytes:
    """nonce || ciphertext+tag. `associated` binds the ciphertext to its document id."""
    return encrypt_utf8(key, text.encode("utf-8", "surrogatepass"), associated)


def encrypt_utf8(key: DataKey, data: bytes, associated: bytes = b"") -> bytes:
    """`encrypt_text` of the text whose `encode("utf-8", "surrogatepass")` is `data`: for a caller
    that has those bytes already (`build_documents` names the document by them too: encoding a
    dense dump's fragment twice was ~1.3% of its write path)."""
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(key.key).encrypt(nonce, data, associated)


def decrypt_text(key: DataKey, blob: bytes, associated: bytes = b"") -> str:
    return AESGCM(key.key).decrypt(blob[:_NONCE], blob[_NONCE:], associated).decode("utf-8", "surrogatepass")
