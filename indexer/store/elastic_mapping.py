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
| `vigie.evidence`               | text             | article 9 evidence terms, as written and folded |
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
integ-test distribution ships no analysis plugins, not even the `analysis-common` module that
holds `asciifolding` and `elision`). Accents are therefore folded by Vigie itself: `vigie.evidence`
holds each evidence term as written and accent-folded ("séropositif", "seropositif"), and a search
is run as written and folded (`elastic.ElasticStore._query`), so "seropositif" finds
"séropositif" and the reverse.

Upgrading: the template applies to indices created after it; Vigie adds `vigie.evidence` to the
existing backing indices when it starts (`EVIDENCE_MAPPING`, an online mapping update). Documents
stored before it have no evidence terms: re-ingest them to make them searchable by evidence.
"""

from __future__ import annotations

import base64
from typing import Any

from indexer.article9_lexicon import fold_accents
from indexer.models import IDENTIFIER_TYPES, PROVENANCE_FIELDS, Provenance, Severity, StoredFragment
from indexer.store.base import StoreError

__all__ = ["EVIDENCE_MAPPING", "PROVENANCE_PATHS", "SIDE_INDEX_SETTINGS", "TEMPLATE_VERSION", "check_document",
           "doc_to_source",
           "index_template", "source_to_doc", "searchable_evidence"]

TEMPLATE_VERSION = 2
# One shard; a replica only where a second node can hold it (a lone node stays green). The
# fragments' template and the leaks and victims indices beside it all use these.
SIDE_INDEX_SETTINGS: dict[str, object] = {"number_of_shards": 1, "auto_expand_replicas": "0-1"}

EVIDENCE_MAPPING: dict[str, Any] = {"properties": {"vigie": {"properties": {"evidence": {"type": "text"}}}}}

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
                "evidence": {"type": "text"},
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
            "settings": {**SIDE_INDEX_SETTINGS, "refresh_interval": "1s"},
            "mappings": mappings,
            "aliases": {prefix: {}},
        },
    }


_KNOWN = frozenset(IDENTIFIER_TYPES)


def searchable_evidence(terms: list[str]) -> list[str]:
    """The terms as written, then the accent-folded copy of each that has accents."""
    extra = [f for f in (fold_accents(t) for t in terms) if f not in terms]
    return [*terms, *dict.fromkeys(extra)]


def _stored_evidence(values: list[str]) -> list[str]:
    """`searchable_evidence` undone: a value that is another value's folded copy is dropped (two
    terms never fold alike: `indexer.article9.evidence_terms` keeps one per folded form)."""
    copies = {fold_accents(t) for t in values if fold_accents(t) != t}
    return [t for t in values if t not in copies]


def check_document(doc: StoredFragment) -> None:
    """Raise StoreError if the strict mapping would reject `doc` (an unknown identifier type)."""
    if doc.tokens.keys() - _KNOWN or doc.counts.keys() - _KNOWN:
        unknown = (doc.tokens.keys() | doc.counts.keys()) - _KNOWN
        raise StoreError(f"document {doc.id}: identifier type(s) {sorted(unknown)} are not in "
                         "indexer.models.IDENTIFIER_TYPES, so the strict index mapping has no field "
                         "for them; add them there (the template derives from it)")


# Where each provenance field lives in the document (ECS where one fits). Every provenance field
# must be here: a new one fails at import rather than silently missing from the index.
PROVENANCE_PATHS: dict[str, tuple[str, ...]] = {
    "source": ("vigie", "source"),
    "url": ("url", "full"),
    "thread_url": ("vigie", "thread", "url"),
    "thread_title": ("vigie", "thread", "title"),
    "board": ("vigie", "board"),
    "author": ("user", "name"),
    "posted_at": ("vigie", "posted_at"),
    "fetched_at": ("event", "created"),
    "filename": ("file", "name"),
}
if set(PROVENANCE_PATHS) != set(PROVENANCE_FIELDS):
    raise ImportError(f"indexer.store.elastic_mapping.PROVENANCE_PATHS names {sorted(PROVENANCE_PATHS)} but "
                      f"Provenance has {sorted(PROVENANCE_FIELDS)}: map the new field (and add it to the "
                      "index template)")


def _put(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = value


def _get(tree: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def doc_to_source(doc: StoredFragment) -> dict[str, Any]:
    prov = doc.provenance.to_json()
    source: dict[str, Any] = {
        "event": {"severity": int(doc.severity)},
        "vigie": {
            "fragment": {"id": doc.id, "kind": doc.kind, "start_line": doc.start_line,
                         "end_line": doc.end_line, "excerpt": doc.excerpt},
            "severity": Severity(doc.severity).name,
            "categories": list(doc.categories),
            "evidence": searchable_evidence(doc.evidence),
            "tokens": {k: list(v) for k, v in doc.tokens.items()},
            "counts": dict(doc.counts),
            "encrypted_text": base64.b64encode(doc.encrypted_text).decode("ascii"),
            "key_version": doc.key_version,
        },
    }
    for name, value in prov.items():
        if value is not None:  # absent, not null: what older documents hold
            _put(source, PROVENANCE_PATHS[name], value)
    if doc.item_hash is not None:
        source["vigie"]["item"] = {"hash": doc.item_hash}
    when = prov["posted_at"] or prov["fetched_at"]
    if when:
        source["@timestamp"] = when
    return source


def source_to_doc(src: dict[str, Any]) -> StoredFragment:
    v = src["vigie"]
    frag = v["fragment"]
    return StoredFragment(
        id=frag["id"], kind=frag["kind"],
        start_line=frag["start_line"], end_line=frag["end_line"], excerpt=frag.get("excerpt", ""),
        severity=Severity.parse(v["severity"]),
        tokens={k: list(t) for k, t in v.get("tokens", {}).items()},
        counts=dict(v.get("counts", {})), categories=list(v.get("categories", [])),
        encrypted_text=base64.b64decode(v.get("encrypted_text", "")),
        key_version=v.get("key_version", 1), item_hash=v.get("item", {}).get("hash"),
        evidence=_stored_evidence(list(v.get("evidence", []))),
        provenance=Provenance.from_json({name: _get(src, path) for name, path in PROVENANCE_PATHS.items()}),
    )
