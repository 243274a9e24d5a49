"""Encryption at rest of raw fragment text (AES-256-GCM under a data key kept outside the store)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["DataKey", "decrypt_text", "encrypt_text"]

_NONCE = 12


@dataclass(frozen=True, slots=True)
class DataKey:
    key: bytes  # 32 bytes
    version: int = 1

    def __repr__(self) -> str:
        return f"DataKey(version={self.version}, key=<{len(self.key)} bytes>)"


def encrypt_text(key: DataKey, text: str, associated: bytes = b"") -> bytes:
    """nonce || ciphertext+tag. `associated` binds the ciphertext to its document id."""
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(key.key).encrypt(nonce, text.encode("utf-8", "surrogatepass"), associated)


def decrypt_text(key: DataKey, blob: bytes, associated: bytes = b"") -> str:
    return AESGCM(key.key).decrypt(blob[:_NONCE], blob[_NONCE:], associated).decode("utf-8", "surrogatepass")
