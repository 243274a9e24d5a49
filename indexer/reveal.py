"""Reveal a fragment's raw text to an analyst whom the configuration allows to, and audit it.

The right comes from `access.analysts` in vigie.yaml, matched on the OS account running the
command (`indexer.audit.current_os_user`); nothing the caller types (a flag, a variable, a
name) grants it. Every attempt is appended to the chained audit log (`indexer.audit`) before
anything else happens: refused ones too, and a granted reveal is recorded before the text is
returned, so no reveal can go unrecorded. Records hold who, when, which document, why and the
outcome, never the text:

    {"event": "reveal", "user": "alice", "analyst": "alice", "doc_id": "...", "reason": "...",
     "outcome": "revealed" | "not_found" | "decrypt_failed" | "refused: not an analyst with may_reveal",
     "ts": "...Z", "seq": 7, "prev": "<sha256 of record 6>"}

The data key stays the cryptographic barrier (only who can read it can decrypt at all); the
analyst list decides which of those people Vigie itself will decrypt for, accountably.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidTag

from indexer import IndexerError
from indexer.audit import AuditLog
from indexer.crypto import DataKey, decrypt_text
from indexer.models import StoredFragment
from indexer.store.base import FragmentStore
from vigie.config.schema import AccessSettings, AnalystConfig

__all__ = ["REFUSED", "RevealError", "RevealGrant", "RevealRefused", "Revealed", "analyst_for",
           "authorize_reveal", "reveal"]

REFUSED = "refused: not an analyst with may_reveal"


class RevealError(IndexerError):
    """The fragment could not be revealed (unknown id, wrong key, missing reason)."""


class RevealRefused(RevealError):
    """The caller is not an analyst with `may_reveal` in the configuration (the attempt is audited)."""


@dataclass(frozen=True)
class RevealGrant:
    """Proof that `authorize_reveal` let this OS user reveal; `reveal` takes nothing less."""

    os_user: str
    analyst: str


@dataclass(frozen=True)
class Revealed:
    doc: StoredFragment
    text: str


def analyst_for(access: AccessSettings, os_user: str) -> AnalystConfig | None:
    """The configured analyst whose `os_user` is this account, if any."""
    return next((a for a in access.analysts if a.os_user == os_user), None)


def _reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise RevealError("a reason is required for every reveal (it goes to the audit log)")
    return reason.strip()


def authorize_reveal(access: AccessSettings, os_user: str, *, doc_id: str, reason: str,
                     audit: AuditLog) -> RevealGrant:
    """Grant a reveal to `os_user` if the configuration lists it with `may_reveal`; otherwise
    audit the refusal and raise RevealRefused saying how the right is granted."""
    why = _reason(reason)
    analyst = analyst_for(access, os_user)
    if analyst is None or not analyst.may_reveal:
        audit.append("reveal", {"user": os_user, "analyst": analyst.name if analyst else None,
                                "doc_id": doc_id, "reason": why, "outcome": REFUSED})
        raise RevealRefused(
            f"the OS user {os_user!r} may not reveal raw text: it is not listed in access.analysts of "
            f"vigie.yaml with may_reveal: true (the attempt was audited). To grant it, an operator adds "
            f"`access: {{analysts: [{{name: {os_user}, os_user: {os_user}, may_reveal: true}}]}}` "
            "to config/vigie.yaml")
    return RevealGrant(os_user=os_user, analyst=analyst.name)


def reveal(store: FragmentStore, data_key: DataKey, doc_id: str, *, grant: RevealGrant, reason: str,
           audit: AuditLog) -> Revealed:
    """Decrypt one fragment for the granted analyst; the outcome is audited before returning."""
    record: dict[str, str | None] = {"user": grant.os_user, "analyst": grant.analyst, "doc_id": doc_id,
                                     "reason": _reason(reason)}
    doc = store.get(doc_id)
    if doc is None:
        audit.append("reveal", {**record, "outcome": "not_found"})
        raise RevealError(f"no fragment with id {doc_id} in the store; copy the id from "
                          "`vigie search --json`")
    try:
        text = decrypt_text(data_key, doc.encrypted_text, associated=doc.id.encode())
    except InvalidTag:
        audit.append("reveal", {**record, "outcome": "decrypt_failed", "key_version": doc.key_version})
        raise RevealError(f"fragment {doc_id} does not decrypt with data key version "
                          f"{data_key.version} (it was encrypted with version {doc.key_version}); "
                          "check keys.data_key_file / VIGIE_DATA_KEY") from None
    audit.append("reveal", {**record, "outcome": "revealed"})
    return Revealed(doc=doc, text=text)
