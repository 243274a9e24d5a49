"""The data that crosses module boundaries: crawled items in, fragments and stored documents out.

These types are the contract between `crawler/` (produces `CrawledItem`), `indexer/` (turns an item
into `Fragment`s, then into `StoredFragment` documents) and `alerts/` (reads tokens and provenance
from `StoredFragment`). Field names here are stable: the CLI's JSON output and the index mapping
both derive from them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Literal

__all__ = [
    "ARTICLE9_CATEGORIES",
    "IDENTIFIER_TYPES",
    "CrawledItem",
    "Fragment",
    "Identifier",
    "SensitiveFlag",
    "Severity",
    "StoredFragment",
    "content_hash",
]

IdentifierType = Literal[
    "email", "phone", "nir", "iban", "card", "siren", "siret", "rpps", "adeli",
    "dob", "credential", "password_hash", "name", "address",
]
IDENTIFIER_TYPES: tuple[str, ...] = (
    "email", "phone", "nir", "iban", "card", "siren", "siret", "rpps", "adeli",
    "dob", "credential", "password_hash", "name", "address",
)

Article9Category = Literal[
    "health", "sexual_orientation", "sex_life", "religion", "ethnic_origin",
    "political_opinion", "trade_union", "genetic", "biometric",
]
ARTICLE9_CATEGORIES: tuple[str, ...] = (
    "health", "sexual_orientation", "sex_life", "religion", "ethnic_origin",
    "political_opinion", "trade_union", "genetic", "biometric",
)


class Severity(IntEnum):
    """Ordered so that `max()` and `>=` comparisons work. The rules live in `indexer.severity`."""

    low = 1
    medium = 2
    high = 3
    critical = 4

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls[value.lower()]
        except KeyError:
            raise ValueError(
                f"unknown severity {value!r}; expected one of {', '.join(s.name for s in cls)}"
            ) from None


def content_hash(data: bytes | str) -> str:
    """The id of an item or a fragment: hex SHA-256 of its bytes (UTF-8 for text)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


@dataclass(slots=True)
class CrawledItem:
    """One post or one attached file, as the crawler hands it to the indexer.

    `body` is text for posts; `raw` holds the bytes of a file (then `filename` is set and `body`
    may be empty: the indexer decodes it).
    """

    source: str
    url: str
    body: str = ""
    raw: bytes | None = None
    filename: str | None = None
    thread_url: str | None = None
    thread_title: str | None = None
    board: str | None = None
    author: str | None = None
    posted_at: datetime | None = None
    fetched_at: datetime | None = None
    post_id: str | None = None

    @property
    def content_hash(self) -> str:
        return content_hash(self.raw if self.raw is not None else self.body)


@dataclass(slots=True, frozen=True)
class Identifier:
    """A validated identifier. `value` is canonical; it never leaves the process unredacted
    except through `vigie scan --reveal` and the encrypted raw text."""

    type: str
    value: str
    token: bytes  # HMAC-SHA256(K_match, "v1|type|value")[:16]
    key_version: int = 1
    start: int | None = None  # character offsets in the fragment text, for redaction
    end: int | None = None


@dataclass(slots=True, frozen=True)
class SensitiveFlag:
    category: str  # one of ARTICLE9_CATEGORIES
    evidence: str  # the matched words, e.g. "séropositif"
    start: int | None = None
    end: int | None = None


@dataclass(slots=True)
class Fragment:
    """A block of leaked records found in one item, with what was extracted from it."""

    kind: str  # csv, separated_run, sql_insert, pg_copy, combo, jsonl, stealer_log, dox, hl7
    start_line: int  # 1-based, inclusive
    end_line: int
    text: str  # the raw fragment text: encrypted before it is stored
    identifiers: list[Identifier] = field(default_factory=list)
    sensitive: list[SensitiveFlag] = field(default_factory=list)
    severity: Severity = Severity.low
    excerpt: str = ""  # redacted; nothing in it can be reversed

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    def counts(self) -> dict[str, int]:
        """Distinct identifiers per type."""
        seen: dict[str, set[str]] = {}
        for ident in self.identifiers:
            seen.setdefault(ident.type, set()).add(ident.value)
        return {t: len(v) for t, v in sorted(seen.items())}

    def categories(self) -> list[str]:
        return sorted({f.category for f in self.sensitive})


@dataclass(slots=True)
class StoredFragment:
    """The document that a `FragmentStore` holds. No plaintext identifier appears in it."""

    id: str  # content hash of the fragment text
    source: str
    url: str
    kind: str
    start_line: int
    end_line: int
    excerpt: str
    severity: Severity
    tokens: dict[str, list[str]]  # identifier type -> hex tokens (sorted, distinct)
    counts: dict[str, int]  # identifier type -> distinct count
    categories: list[str]  # article 9 categories
    encrypted_text: bytes  # AES-GCM(data key): nonce || ciphertext
    key_version: int = 1
    thread_url: str | None = None
    thread_title: str | None = None
    board: str | None = None
    author: str | None = None
    posted_at: datetime | None = None
    fetched_at: datetime | None = None
    filename: str | None = None
    item_hash: str | None = None

    def all_tokens(self) -> set[str]:
        return {t for tokens in self.tokens.values() for t in tokens}
