"""Turn detected fragments into the documents a `FragmentStore` holds, and (de)serialise them.

This is the last point where plaintext identifiers exist on the write path: a `StoredFragment`
keeps only keyed tokens (hex), counts, article 9 categories, the redacted excerpt and the raw text
encrypted under the data key, with the document id as AES-GCM associated data so that a
ciphertext cannot be swapped onto another document. The provenance (title, author, file name,
URLs) is masked here too (`indexer.redact.mask_provenance`): both store backends serialise this
document, so neither stores, nor full-text indexes, an identifier a title or file name carried.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from indexer.article9 import evidence_terms
from indexer.crypto import DataKey, encrypt_utf8, keyed_id
from indexer.models import CrawledItem, Fragment, Identifier, Provenance, Severity, StoredFragment, utc
from indexer.redact import mask_provenance

__all__ = ["build_documents", "fragment_from_dict", "fragment_to_dict", "public_dict", "token_map", "utc"]


def build_documents(
    item: CrawledItem,
    fragments: list[Fragment],
    data_key: DataKey,
    fetched_at: datetime | None = None,
    ids: list[str] | None = None,
) -> list[StoredFragment]:
    """One document per distinct fragment text (the id is its keyed content hash, so a fragment
    that appears twice in one item, or in two items, is one document). `ids`, when given, gets
    each fragment's document id in the fragments' order (the ingest's leak placement reads them:
    computing them again encoded and hashed each fragment's text a second time)."""
    first_seen = utc(fetched_at or item.fetched_at) or datetime.now(UTC)
    # the bytes the item's id is of: a dense dump's one fragment is most often the whole item, byte
    # for byte, and then its document id is the same HMAC of the same bytes (one pass over them
    # saved: 2.5 of bench.detect's dense mix's 3.9 MB a pass, ~1.5% of its product path)
    whole = item.raw if item.raw is not None else item.body.encode("utf-8", "surrogatepass")
    item_hash = keyed_id(data_key, whole)
    provenance = mask_provenance(replace(item.provenance, posted_at=utc(item.posted_at), fetched_at=first_seen))
    docs: dict[str, StoredFragment] = {}
    for frag in fragments:
        utf8 = frag.text.encode("utf-8", "surrogatepass")  # (once: the id and the ciphertext both read it)
        doc_id = item_hash if utf8 == whole else keyed_id(data_key, utf8)
        if ids is not None:
            ids.append(doc_id)
        if doc_id in docs:
            continue
        docs[doc_id] = StoredFragment(
            id=doc_id,
            kind=frag.kind,
            start_line=frag.start_line,
            end_line=frag.end_line,
            excerpt=frag.excerpt,
            severity=Severity(frag.severity),
            tokens=token_map(frag.identifiers),
            counts=frag.counts(),
            categories=frag.categories(),
            encrypted_text=encrypt_utf8(data_key, utf8, associated=doc_id.encode()),
            key_version=data_key.version,
            provenance=provenance,
            item_hash=item_hash,
            evidence=evidence_terms(frag.sensitive),
        )
    return list(docs.values())


def token_map(identifiers: Sequence[Identifier]) -> dict[str, list[str]]:
    """Identifier type -> its distinct hex tokens, sorted (types sorted). The compiled core's
    `Identifiers` has it from its columns, without an `Identifier` object each (issue 17)."""
    columns = getattr(identifiers, "token_map", None)
    if columns is not None:
        out: dict[str, list[str]] = columns()
        return out
    tokens: dict[str, set[str]] = {}
    for ident in identifiers:
        tokens.setdefault(ident.type, set()).add(ident.token.hex())
    return {t: sorted(v) for t, v in sorted(tokens.items())}


def fragment_to_dict(doc: StoredFragment, *, include_ciphertext: bool = True) -> dict[str, Any]:
    """JSON-safe dict: the provenance fields at top level (dates ISO 8601 UTC), severity by name,
    ciphertext base64."""
    out: dict[str, Any] = {
        "id": doc.id, "kind": doc.kind, "start_line": doc.start_line, "end_line": doc.end_line,
        "excerpt": doc.excerpt, "severity": Severity(doc.severity).name, "tokens": doc.tokens,
        "counts": doc.counts, "categories": doc.categories, "key_version": doc.key_version,
        "item_hash": doc.item_hash, "evidence": list(doc.evidence), **doc.provenance.to_json(),
    }
    if include_ciphertext:
        out["encrypted_text"] = base64.b64encode(doc.encrypted_text).decode("ascii")
    return out


def public_dict(doc: StoredFragment) -> dict[str, Any]:
    """What analysts see in `vigie search --json`: everything but the ciphertext."""
    return fragment_to_dict(doc, include_ciphertext=False)


def fragment_from_dict(data: dict[str, Any]) -> StoredFragment:
    return StoredFragment(
        id=data["id"], kind=data["kind"],
        start_line=int(data["start_line"]), end_line=int(data["end_line"]),
        excerpt=data.get("excerpt") or "", severity=Severity.parse(data["severity"]),
        tokens={k: list(v) for k, v in (data.get("tokens") or {}).items()},
        counts={k: int(v) for k, v in (data.get("counts") or {}).items()},
        categories=list(data.get("categories") or []),
        encrypted_text=base64.b64decode(data.get("encrypted_text") or ""),
        key_version=int(data.get("key_version", 1)), item_hash=data.get("item_hash"),
        evidence=[str(e) for e in data.get("evidence") or []],
        provenance=Provenance.from_json(data),
    )
