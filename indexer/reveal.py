"""Reveal a fragment's raw text to an analyst who holds the decrypt role, and audit it.

The audit record is appended (and fsynced) *before* the text is returned, so no reveal can go
unrecorded; it holds who, when, which document and why, plus the outcome, never the text.
Format: JSON lines in `<data-dir>/audit.log` (mode 0600), one object per attempt:

    {"ts": "...Z", "event": "reveal", "analyst": "alice", "doc_id": "...", "reason": "...",
     "role_via": "env:VIGIE_ROLE", "outcome": "revealed" | "not_found" | "decrypt_failed"}

Access control itself is the data key: only someone who can read the data key file (or
VIGIE_DATA_KEY) can decrypt. The role check and the audit log make each use deliberate and
accountable.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag

from indexer import IndexerError
from indexer.crypto import DataKey, decrypt_text
from indexer.models import StoredFragment
from indexer.store.base import FragmentStore

__all__ = ["AUDIT_FILE", "RevealError", "Revealed", "append_audit", "reveal"]

AUDIT_FILE = "audit.log"


class RevealError(IndexerError):
    """The fragment could not be revealed (unknown id, wrong key, missing reason)."""


@dataclass(frozen=True)
class Revealed:
    doc: StoredFragment
    text: str


def append_audit(path: Path, record: dict[str, object]) -> None:
    line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def reveal(
    store: FragmentStore,
    data_key: DataKey,
    doc_id: str,
    *,
    analyst: str,
    reason: str,
    audit_path: Path,
    role_via: str = "unspecified",
) -> Revealed:
    if not reason or not reason.strip():
        raise RevealError("a reason is required for every reveal (it goes to the audit log)")
    record: dict[str, object] = {
        "ts": datetime.now(UTC).isoformat().replace("+00:00", "Z"), "event": "reveal",
        "analyst": analyst, "doc_id": doc_id, "reason": reason.strip(), "role_via": role_via,
    }
    doc = store.get(doc_id)
    if doc is None:
        append_audit(audit_path, {**record, "outcome": "not_found"})
        raise RevealError(f"no fragment with id {doc_id} in the store; copy the id from "
                          "`vigie search --json`")
    try:
        text = decrypt_text(data_key, doc.encrypted_text, associated=doc.id.encode())
    except InvalidTag:
        append_audit(audit_path, {**record, "outcome": "decrypt_failed",
                                  "key_version": doc.key_version})
        raise RevealError(f"fragment {doc_id} does not decrypt with data key version "
                          f"{data_key.version} (it was encrypted with version {doc.key_version}); "
                          "check keys.data_key_file / VIGIE_DATA_KEY") from None
    append_audit(audit_path, {**record, "outcome": "revealed"})
    return Revealed(doc=doc, text=text)
