"""The Elasticsearch index template and the document <-> `StoredFragment` conversion.

Field names (what analysts see in Kibana). ECS fields are used where one means the same thing;
everything Vigie-specific lives under `vigie.*`:

| field                          | type             | from StoredFragment                    |
|--------------------------------|------------------|----------------------------------------|
| `@timestamp`                   | date             | posted_at, else fetched_at (sort, range, per day) |
| `event.created`                | date             | fetched_at (first seen by Vigie; picks the monthly index) |
| `event.severity`               | byte             | severity as a number 1..4 (range filters) |
| `url.full`                     | keyword          | url                                    |
| `user.name` (+ `.text`)        | keyword (+ text) | author                                 |
| `file.name`                    | keyword          | filename                               |
| `vigie.fragment.id`            | keyword          | id (content hash; also the `_id`)      |
| `vigie.fragment.kind`          | keyword          | kind                                   |
| `vigie.fragment.start_line/end_line` | integer    | start_line / end_line                  |
| `vigie.fragment.excerpt`       | text             | excerpt (redacted)                     |
| `vigie.source`                 | keyword          | source                                 |
| `vigie.severity`               | keyword          | severity name (low..critical)          |
| `vigie.categories`             | keyword          | article 9 categories                   |
| `vigie.token`                  | keyword          | every identifier token (hex; copy_to, not in _source) |
| `vigie.tokens.<type>`          | keyword          | tokens of one identifier type          |
| `vigie.counts.<type>`          | integer          | distinct identifiers of one type       |
| `vigie.thread.url`             | keyword          | thread_url                             |
| `vigie.thread.title` (+ `.keyword`) | text (+ keyword) | thread_title                      |
| `vigie.board`                  | keyword          | board                                  |
| `vigie.posted_at`              | date             | posted_at                              |
| `vigie.item.hash`              | keyword          | item_hash (content hash of the post/file) |
| `vigie.encrypted_text`         | binary           | AES-GCM ciphertext (not indexed)       |
| `vigie.key_version`            | short            | data key version                       |

The mapping is `dynamic: strict`: a field not listed here is an error, never a silent new field.
Only the built-in `standard` analyzer is used, so the template works on any 9.x node (the
integ-test distribution ships no analysis plugins).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from indexer.documents import utc
from indexer.models import IDENTIFIER_TYPES, Severity, StoredFragment
from indexer.store.base import StoreError

__all__ = ["TEMPLATE_VERSION", "check_document", "doc_to_source", "index_template", "source_to_doc"]

TEMPLATE_VERSION = 1

_KW = {"type": "keyword", "ignore_above": 4096}


def index_template(prefix: str) -> dict[str, Any]:
    strict = "strict"
    mappings = {
        "dynamic": strict,
        "_meta": {"vigie_template_version": TEMPLATE_VERSION},
        "properties": {
            "@timestamp": {"type": "date"},
            "event": {"dynamic": strict, "properties": {
                "created": {"type": "date"}, "severity": {"type": "byte"}}},
            "url": {"dynamic": strict, "properties": {"full": _KW}},
            "user": {"dynamic": strict, "properties": {
                "name": {**_KW, "fields": {"text": {"type": "text"}}}}},
            "file": {"dynamic": strict, "properties": {"name": _KW}},
            "vigie": {"dynamic": strict, "properties": {
                "fragment": {"dynamic": strict, "properties": {
                    "id": {"type": "keyword"}, "kind": {"type": "keyword"},
                    "start_line": {"type": "integer"}, "end_line": {"type": "integer"},
                    "excerpt": {"type": "text", "norms": False}}},
                "source": {"type": "keyword"},
                "severity": {"type": "keyword"},
                "categories": {"type": "keyword"},
                # tokens are only ever matched, never sorted or aggregated: no doc values.
                # `vigie.token` (any type) is filled by copy_to, so _source holds tokens once.
                "token": {"type": "keyword", "doc_values": False},
                "tokens": {"dynamic": strict, "properties": {
                    t: {"type": "keyword", "doc_values": False, "copy_to": "vigie.token"}
                    for t in IDENTIFIER_TYPES}},
                "counts": {"dynamic": strict, "properties": {
                    t: {"type": "integer"} for t in IDENTIFIER_TYPES}},
                "thread": {"dynamic": strict, "properties": {
                    "url": _KW, "title": {"type": "text", "fields": {"keyword": _KW}}}},
                "board": _KW,
                "posted_at": {"type": "date"},
                "item": {"dynamic": strict, "properties": {"hash": {"type": "keyword"}}},
                "encrypted_text": {"type": "binary"},
                "key_version": {"type": "short"},
            }},
        },
    }
    return {
        "index_patterns": [f"{prefix}-*"],
        "priority": 200,
        "version": TEMPLATE_VERSION,
        "_meta": {"description": "Vigie fragments: redacted excerpts, keyed tokens, ciphertext",
                  "managed_by": "vigie"},
        "template": {
            "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1",
                         "refresh_interval": "1s"},
            "mappings": mappings,
            "aliases": {prefix: {}},
        },
    }


def _iso(value: datetime | None) -> str | None:
    value = utc(value)
    return value.isoformat() if value else None


_KNOWN = frozenset(IDENTIFIER_TYPES)


def check_document(doc: StoredFragment) -> None:
    """Raise StoreError if the strict mapping would reject `doc` (an unknown identifier type)."""
    if doc.tokens.keys() - _KNOWN or doc.counts.keys() - _KNOWN:
        unknown = (doc.tokens.keys() | doc.counts.keys()) - _KNOWN
        raise StoreError(f"document {doc.id}: identifier type(s) {sorted(unknown)} are not in "
                         "indexer.models.IDENTIFIER_TYPES, so the strict index mapping has no field "
                         "for them; add them there (the template derives from it)")


def doc_to_source(doc: StoredFragment) -> dict[str, Any]:
    posted, fetched = _iso(doc.posted_at), _iso(doc.fetched_at)
    vigie: dict[str, Any] = {
        "fragment": {"id": doc.id, "kind": doc.kind, "start_line": doc.start_line,
                     "end_line": doc.end_line, "excerpt": doc.excerpt},
        "source": doc.source,
        "severity": Severity(doc.severity).name,
        "categories": list(doc.categories),
        "tokens": {k: list(v) for k, v in doc.tokens.items()},
        "counts": dict(doc.counts),
        "encrypted_text": base64.b64encode(doc.encrypted_text).decode("ascii"),
        "key_version": doc.key_version,
    }
    thread = {k: v for k, v in (("url", doc.thread_url), ("title", doc.thread_title)) if v is not None}
    if thread:
        vigie["thread"] = thread
    if doc.board is not None:
        vigie["board"] = doc.board
    if posted:
        vigie["posted_at"] = posted
    if doc.item_hash is not None:
        vigie["item"] = {"hash": doc.item_hash}
    source: dict[str, Any] = {
        "event": {"severity": int(doc.severity)},
        "url": {"full": doc.url},
        "vigie": vigie,
    }
    if posted or fetched:
        source["@timestamp"] = posted or fetched
    if fetched:
        source["event"]["created"] = fetched
    if doc.author is not None:
        source["user"] = {"name": doc.author}
    if doc.filename is not None:
        source["file"] = {"name": doc.filename}
    return source


def _dt(value: str | None) -> datetime | None:
    return utc(datetime.fromisoformat(value)) if value else None


def source_to_doc(src: dict[str, Any]) -> StoredFragment:
    v = src["vigie"]
    frag = v["fragment"]
    return StoredFragment(
        id=frag["id"], source=v["source"], url=src["url"]["full"], kind=frag["kind"],
        start_line=frag["start_line"], end_line=frag["end_line"], excerpt=frag.get("excerpt", ""),
        severity=Severity.parse(v["severity"]),
        tokens={k: list(t) for k, t in v.get("tokens", {}).items()},
        counts=dict(v.get("counts", {})), categories=list(v.get("categories", [])),
        encrypted_text=base64.b64decode(v.get("encrypted_text", "")),
        key_version=v.get("key_version", 1),
        thread_url=v.get("thread", {}).get("url"), thread_title=v.get("thread", {}).get("title"),
        board=v.get("board"), author=src.get("user", {}).get("name"),
        posted_at=_dt(v.get("posted_at")), fetched_at=_dt(src.get("event", {}).get("created")),
        filename=src.get("file", {}).get("name"), item_hash=v.get("item", {}).get("hash"),
    )
