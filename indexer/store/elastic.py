"""The Elasticsearch backend: time-based indices behind an alias, bulk writes, a disk spool.

- Indices are `<prefix>-YYYY.MM` (or daily/yearly per `rollover`), all joined to the alias
  `<prefix>` by the composable index template (see `elastic_mapping`). Reads go to the alias.
- A document's index is derived from its own first-seen time (`fetched_at`, i.e. `event.created`),
  so replaying the same document always targets the same index. Writes use the `create` op type
  with the content-hash id: a replay answers 409 and is counted as `existing`, never duplicated.
  Before writing, ids already present in *another* index of the pattern are looked up (one
  `ids` query per batch and target index), so a fragment first seen in March and crawled again
  in April stays one document. (Search is near-real-time: two writes of one fragment less than a refresh interval
  apart *and* in different months could both land; within one month `create` rules it out.)
- Bulk writes go through `elasticsearch.helpers.streaming_bulk` in batches of
  `bulk_batch_size`, `bulk_concurrency` (default 2) batches in flight; the helper retries
  per-document 429s with exponential backoff and the transport retries 429/502/503/504 and timeouts `max_retries` times.
- When the cluster is unreachable (connection refused/timeout, or still 429/5xx after the
  retries), every document not acknowledged is appended to the spool (`indexer.store.spool`) and
  reported as `spooled`. Pending spooled documents are drained, in order, before any new write
  and on `flush()`, so order is kept. The spool is capped (`spool_max_bytes`): when full, `upsert`
  raises `SpoolFull` and the documents are re-emitted by a later crawl. After a failure, writes
  go straight to the spool for a growing back-off (1 s .. `max_backoff`, 30 s by default)
  instead of waiting on a dead cluster for every batch.
- Client and server major versions must match (the 9.x client speaks the 9 REST compatibility
  mode only); a mismatch is a `StoreError` that says what to install.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger

from indexer.article9_lexicon import fold_accents
from indexer.documents import utc
from indexer.models import Severity, StoredFragment
from indexer.store.base import Aggregations, SearchPage, SearchQuery, StoreError, UpsertResult, unique_by_id
from indexer.store.elastic_mapping import EVIDENCE_MAPPING, check_document, doc_to_source, index_template, source_to_doc
from indexer.store.spool import Spool
from vigie.config.schema import ElasticsearchSettings
from vigie.core.peers import TrustedPeers

__all__ = ["ElasticStore", "EsUnavailable", "client_from_settings"]

_TEXT_FIELDS = ["vigie.fragment.excerpt", "vigie.thread.title", "user.name.text", "vigie.evidence"]
_SORT = [{"@timestamp": {"order": "desc", "missing": "_last"}},
         {"event.created": {"order": "desc", "missing": "_last"}},
         {"vigie.fragment.id": {"order": "asc"}}]
_ROLLOVER = {"monthly": "%Y.%m", "daily": "%Y.%m.%d", "yearly": "%Y"}


class EsUnavailable(StoreError):
    """The cluster could not be reached (or kept answering 429/5xx): the caller spools."""


def client_from_settings(settings: ElasticsearchSettings, *, peers: TrustedPeers | None = None) -> Any:
    """The client for `settings`; each connection to a loopback node is checked against `peers`
    (default: vigie.core.peers' default trusted users) before a request is written."""
    from elasticsearch import Elasticsearch

    from indexer.store.elastic_peers import checked_node_class

    kwargs: dict[str, Any] = {
        "node_class": checked_node_class(peers if peers is not None else TrustedPeers.default()),
        "request_timeout": settings.request_timeout_seconds,
        "max_retries": settings.max_retries,
        "retry_on_timeout": True,
        "retry_on_status": (429, 502, 503, 504),
    }
    # empty values (e.g. an unset ${VIGIE_ES_USER:-}) mean "no auth"
    if settings.api_key is not None and settings.api_key.get_secret_value():
        kwargs["api_key"] = settings.api_key.get_secret_value()
    elif settings.username and settings.password is not None:
        kwargs["basic_auth"] = (settings.username, settings.password.get_secret_value())
    if any(h.startswith("https") for h in settings.hosts):
        kwargs["verify_certs"] = settings.verify_certs
        if settings.ca_certs is not None:
            kwargs["ca_certs"] = str(settings.ca_certs.expanduser())
    try:  # bulk bodies are the hot path: orjson serialises them ~10x faster than json
        from elasticsearch.serializer import OrjsonSerializer

        kwargs["serializer"] = OrjsonSerializer()
    except ImportError:
        pass
    return Elasticsearch(settings.hosts, **kwargs)


def _unavailable(exc: Exception) -> bool:
    from elastic_transport import TlsError, TransportError
    from elasticsearch import ApiError

    if isinstance(exc, ApiError):
        return exc.meta.status == 429 or exc.meta.status >= 500
    return isinstance(exc, TransportError) and not isinstance(exc, TlsError)  # refused, timeout


class ElasticStore:
    def __init__(self, settings: ElasticsearchSettings, spool_dir: Path, *, client: Any = None,
                 max_backoff: float = 30.0, bulk_concurrency: int = 2, peers: TrustedPeers | None = None) -> None:
        self.settings = settings
        self.alias = settings.index_prefix
        self.client = client if client is not None else client_from_settings(settings, peers=peers)
        self.spool = Spool(spool_dir, max_bytes=settings.spool_max_bytes)
        self._lock = threading.RLock()
        self._ready = False
        self._down_until = 0.0
        self._backoff = 0.0
        self.max_backoff = max_backoff
        self.bulk_concurrency = bulk_concurrency
        self._pool: ThreadPoolExecutor | None = None
        self.server_version: str | None = None
        try:
            self._ensure_ready()
        except EsUnavailable as exc:
            logger.warning("Elasticsearch at {} unreachable ({}); writes go to the spool in {} "
                           "until it is back", ", ".join(settings.hosts), exc, spool_dir)

    # ------------------------------------------------------------------ setup
    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        from elastic_transport import TlsError
        from elasticsearch import ApiError, AuthenticationException, AuthorizationException

        try:
            return fn(*args, **kwargs)
        except (AuthenticationException, AuthorizationException) as exc:
            raise StoreError(f"Elasticsearch at {', '.join(self.settings.hosts)} refused our "
                             f"credentials ({exc.meta.status}): check storage.elasticsearch."
                             "api_key or username/password in vigie.yaml") from exc
        except TlsError as exc:  # a configuration problem, not an outage: never spool on it
            raise StoreError(f"TLS with Elasticsearch at {', '.join(self.settings.hosts)} failed "
                             f"({exc}); set storage.elasticsearch.ca_certs to the CA that signed "
                             "the cluster's certificate (or fix the host name)") from exc
        except Exception as exc:
            if _unavailable(exc):
                raise EsUnavailable(f"{type(exc).__name__}: {exc}") from exc
            if isinstance(exc, ApiError):
                raise StoreError(f"Elasticsearch request failed: {exc}") from exc
            raise

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        import elasticsearch

        info = self._call(self.client.nodes.info, filter_path="nodes.*.version")
        versions = sorted({n["version"] for n in (info.get("nodes") or {}).values()})
        if not versions:
            raise StoreError(f"Elasticsearch at {', '.join(self.settings.hosts)} reported no nodes")
        client_version = elasticsearch.__versionstr__
        client_major = int(client_version.split(".")[0])
        bad = [v for v in versions if int(v.split(".")[0]) != client_major]
        if bad:
            raise StoreError(
                f"Elasticsearch server version {', '.join(bad)} at {', '.join(self.settings.hosts)} "
                f"is not supported by the elasticsearch Python client {client_version}: Vigie needs "
                f"a {client_major}.x cluster; upgrade the cluster or pin the client to the "
                "cluster's major version (elasticsearch>=N,<N+1 in pyproject.toml)")
        self.server_version = versions[0]
        self._call(self.client.indices.put_index_template, name=self.alias,
                   **index_template(self.alias))
        self._add_evidence_field()
        if not self._call(self.client.indices.exists_alias, name=self.alias):
            # create this period's index so that reads through the alias work from the start
            name = self.index_for(datetime.now(UTC))
            try:
                self._call(self.client.indices.create, index=name)
            except StoreError as exc:
                if "resource_already_exists_exception" not in str(exc):
                    raise
        self._ready = True

    def _add_evidence_field(self) -> None:
        """Indices made before the evidence field: add it (a new field is an online mapping
        update; documents written before it simply have no evidence)."""
        got = self._call(self.client.indices.get_mapping, index=f"{self.alias}-*", allow_no_indices=True)
        for name, body in dict(got).items():
            props = body.get("mappings", {}).get("properties", {}).get("vigie", {}).get("properties", {})
            if "evidence" not in props:
                self._call(self.client.indices.put_mapping, index=name, **EVIDENCE_MAPPING)

    def index_for(self, when: datetime | None) -> str:
        when = utc(when)
        if when is None:
            return f"{self.alias}-undated"
        return f"{self.alias}-{when.strftime(_ROLLOVER[self.settings.rollover])}"

    # ------------------------------------------------------------------ writes
    def upsert(self, docs: Iterable[StoredFragment]) -> UpsertResult:
        batch = unique_by_id(docs)
        result = UpsertResult()
        if not batch:
            return result
        for doc in batch.values():  # fail fast on a document the mapping would reject
            check_document(doc)
        with self._lock, self.spool.locked():
            pending = list(batch.values())
            if time.monotonic() >= self._down_until:
                try:
                    self._drain()
                    self._ensure_ready()
                    self._write(pending, result)
                    pending = []
                    self._backoff = 0.0
                except EsUnavailable as exc:
                    self._mark_down(exc)
                    acked = set(result.created) | set(result.existing)
                    pending = [d for d in pending if d.id not in acked]
            if pending:
                result.spooled.extend(self.spool.append(pending))
        return result

    def _mark_down(self, exc: Exception) -> None:
        self._backoff = min(self.max_backoff, max(1.0, self._backoff * 2))
        self._down_until = time.monotonic() + self._backoff
        logger.warning("Elasticsearch unavailable ({}); spooling for at least {:.0f}s", exc, self._backoff)

    def _write(self, docs: list[StoredFragment], result: UpsertResult) -> None:
        """Bulk-create `docs` in batches of `bulk_batch_size`, up to `bulk_concurrency` requests
        in flight (one bulk request to one shard is indexed by one write thread, so a single
        stream leaves the cluster's other cores idle). Acknowledged ids are added to `result`
        as batches complete; if any batch fails because the cluster is unavailable, EsUnavailable
        is raised after all batches have finished, and the caller spools the unacknowledged."""
        size = self.settings.bulk_batch_size
        chunks = [docs[i:i + size] for i in range(0, len(docs), size)]
        if len(chunks) <= 1 or self.bulk_concurrency <= 1:
            for chunk in chunks:
                self._collect(result, self._write_chunk(chunk))
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.bulk_concurrency, thread_name_prefix="vigie-bulk")
        futures = [self._pool.submit(self._write_chunk, chunk) for chunk in chunks]
        failure: Exception | None = None
        for future in futures:
            try:
                self._collect(result, future.result())
            except StoreError as exc:  # EsUnavailable first: it decides spool vs error
                if failure is None or (isinstance(exc, EsUnavailable) and not isinstance(failure, EsUnavailable)):
                    failure = exc
        if failure is not None:
            raise failure

    @staticmethod
    def _collect(result: UpsertResult, outcome: tuple[list[str], list[str]]) -> None:
        result.created.extend(outcome[0])
        result.existing.extend(outcome[1])

    def _write_chunk(self, chunk: list[StoredFragment]) -> tuple[list[str], list[str]]:
        from elasticsearch.helpers import streaming_bulk

        by_index: dict[str, list[StoredFragment]] = {}
        for d in chunk:
            by_index.setdefault(self.index_for(d.fetched_at), []).append(d)
        existing: set[str] = set()
        for target, group in by_index.items():
            existing |= self._existing_elsewhere(target, [d.id for d in group])
        new = [d for d in chunk if d.id not in existing]
        created: list[str] = []
        already = [d.id for d in chunk if d.id in existing]
        actions = ({"_op_type": "create", "_index": self.index_for(d.fetched_at), "_id": d.id,
                    "_source": doc_to_source(d)} for d in new)
        retry_later: list[str] = []
        rejected: list[tuple[str, Any]] = []
        try:
            for ok, info in streaming_bulk(
                self.client, actions, chunk_size=max(1, len(new)), max_chunk_bytes=50 * 1024 * 1024,
                raise_on_error=False, raise_on_exception=True,
                max_retries=self.settings.max_retries, initial_backoff=0.5, max_backoff=10,
            ):
                item = info.get("create", {})
                status = item.get("status", 0)
                if ok:
                    created.append(item["_id"])
                elif status == 409:
                    already.append(item["_id"])
                elif status == 429 or status >= 500:
                    retry_later.append(item["_id"])
                else:
                    rejected.append((item.get("_id"), item.get("error")))
        except Exception as exc:
            if _unavailable(exc):
                raise EsUnavailable(f"{type(exc).__name__}: {exc}") from exc
            raise StoreError(f"bulk write to Elasticsearch failed: {exc}") from exc
        if rejected:
            raise StoreError(f"Elasticsearch rejected {len(rejected)} document(s), e.g. "
                             f"{rejected[0][0]}: {rejected[0][1]}; this is a mapping bug, "
                             "not an outage")
        if retry_later:
            # still overloaded after the retries: the caller spools what is not acknowledged
            raise EsUnavailable(f"{len(retry_later)} document(s) still rejected with 429/5xx "
                                f"after {self.settings.max_retries} retries")
        return created, already

    def _existing_elsewhere(self, target: str, ids: list[str]) -> set[str]:
        """Ids already stored in an index other than `target` (a fragment first seen in an
        earlier month). Duplicates within `target` itself are caught by `create` (409) in real
        time, so the hot index, with its many fresh small segments, is not searched here."""
        resp = self._call(self.client.search, index=f"{self.alias}-*,-{target}",
                          query={"ids": {"values": ids}}, source=False, size=len(ids),
                          ignore_unavailable=True, allow_no_indices=True)
        return {hit["_id"] for hit in resp["hits"]["hits"]}

    def _drain(self) -> int:
        """Send spooled documents in order; acknowledge each batch. Raises EsUnavailable."""
        if self.spool.is_empty():
            return 0
        self._ensure_ready()
        sent = 0
        batch: list[StoredFragment] = []
        last = None
        size = self.settings.bulk_batch_size * max(1, self.bulk_concurrency)
        for position, doc in self.spool.read():
            batch.append(doc)
            last = position
            if len(batch) >= size:
                self._drain_batch(batch)
                self.spool.ack(position)
                sent += len(batch)
                batch = []
        if batch and last is not None:
            self._drain_batch(batch)
            self.spool.ack(last)
            sent += len(batch)
        self.spool.compact()
        if sent:
            logger.info("spool: drained {} document(s) into Elasticsearch", sent)
        return sent

    def _drain_batch(self, batch: list[StoredFragment]) -> None:
        try:
            self._write(batch, UpsertResult())
        except EsUnavailable:
            raise
        except StoreError as exc:
            # the cluster is up but refuses these documents (e.g. a mapping changed under us):
            # retrying forever would block every later write, so park them for an operator
            parked = self.spool.park(batch)
            logger.error("spool: Elasticsearch refused a batch of {} spooled document(s) ({}); "
                         "kept in {} for manual replay", len(batch), exc, parked)

    def drain(self) -> int:
        """Drain the spool now; returns how many documents were sent (0 when unreachable)."""
        with self._lock, self.spool.locked():
            try:
                return self._drain()
            except EsUnavailable as exc:
                self._mark_down(exc)
                return 0

    def pending(self) -> int:
        """Documents waiting in the spool."""
        return len(self.spool)

    def flush(self) -> None:
        with self._lock, self.spool.locked():
            try:
                self._drain()
                self._ensure_ready()
                self._call(self.client.indices.refresh, index=self.alias)
                self._backoff = 0.0
                self._down_until = 0.0
            except EsUnavailable as exc:
                self._mark_down(exc)
                logger.warning("flush: Elasticsearch unreachable; {} document(s) stay in the spool",
                               self.pending())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self.client.close()

    # ------------------------------------------------------------------ reads
    def _search(self, **kwargs: Any) -> dict[str, Any]:
        try:
            self._ensure_ready()
            return self._call(self.client.search, index=self.alias, ignore_unavailable=True, **kwargs)
        except EsUnavailable as exc:
            raise self._unreachable(exc) from exc

    def _unreachable(self, exc: Exception) -> StoreError:
        return StoreError(f"Elasticsearch at {', '.join(self.settings.hosts)} is unreachable ({exc}); "
                          "is it running? check storage.elasticsearch.hosts in vigie.yaml")

    def get(self, doc_id: str) -> StoredFragment | None:
        """Near-real-time like every search: a document is visible after the next refresh
        (at most `refresh_interval`, 1 s) or `flush()`."""
        resp = self._search(query={"ids": {"values": [doc_id]}}, size=1)
        hits = resp["hits"]["hits"]
        return source_to_doc(hits[0]["_source"]) if hits else None

    def count(self) -> int:
        try:
            self._ensure_ready()
            return int(self._call(self.client.count, index=self.alias, ignore_unavailable=True)["count"])
        except EsUnavailable as exc:
            raise self._unreachable(exc) from exc

    def search(self, query: SearchQuery) -> SearchPage:
        if query.offset + query.limit > 10_000:
            raise StoreError("Elasticsearch pages stop at 10,000 results (offset + limit); "
                             "narrow the query with filters")
        resp = self._search(query=self._query(query), sort=_SORT, from_=max(0, query.offset),
                            size=max(0, query.limit), track_total_hits=True)
        return SearchPage(total=resp["hits"]["total"]["value"],
                          hits=[source_to_doc(h["_source"]) for h in resp["hits"]["hits"]])

    def iter_by_tokens(self, tokens: Iterable[str], batch_size: int = 1000) -> Iterator[StoredFragment]:
        wanted = sorted(set(tokens))
        seen: set[str] = set()
        for i in range(0, len(wanted), 10_000):
            terms = wanted[i:i + 10_000]
            after = None
            while True:
                kwargs: dict[str, Any] = {"query": {"terms": {"vigie.token": terms}},
                                          "sort": [{"vigie.fragment.id": "asc"}], "size": batch_size}
                if after is not None:
                    kwargs["search_after"] = after
                hits = self._search(**kwargs)["hits"]["hits"]
                for hit in hits:
                    if hit["_id"] not in seen:
                        seen.add(hit["_id"])
                        yield source_to_doc(hit["_source"])
                if len(hits) < batch_size:
                    break
                after = hits[-1]["sort"]

    def aggregations(self, query: SearchQuery | None = None) -> Aggregations:
        aggs = {
            "per_source": {"terms": {"field": "vigie.source", "size": 10_000}},
            "per_severity": {"terms": {"field": "vigie.severity", "size": 10}},
            "per_kind": {"terms": {"field": "vigie.fragment.kind", "size": 1000}},
            "per_category": {"terms": {"field": "vigie.categories", "size": 100}},
            "per_day": {"date_histogram": {"field": "@timestamp", "calendar_interval": "day",
                                           "format": "yyyy-MM-dd", "min_doc_count": 1,
                                           "time_zone": "UTC"}},
        }
        resp = self._search(query=self._query(query or SearchQuery()), size=0, aggs=aggs,
                            track_total_hits=True)
        out = Aggregations(total=resp["hits"]["total"]["value"])
        for name in aggs:
            buckets = resp.get("aggregations", {}).get(name, {}).get("buckets", [])
            key = "key_as_string" if name == "per_day" else "key"
            setattr(out, name, dict(sorted((b[key], b["doc_count"]) for b in buckets)))
        return out

    @staticmethod
    def _query(q: SearchQuery) -> dict[str, Any]:
        must: list[dict[str, Any]] = []
        filters: list[dict[str, Any]] = []
        if q.text is not None and q.text.strip():
            # as written over every text field, or accent-folded over the evidence terms (which
            # hold a folded copy of each term: the node may have no folding analyzer)
            must.append({"bool": {"should": [
                {"multi_match": {"query": q.text, "type": "cross_fields", "operator": "and",
                                 "fields": _TEXT_FIELDS}},
                {"match": {"vigie.evidence": {"query": fold_accents(q.text), "operator": "and"}}},
            ], "minimum_should_match": 1}})
        if q.tokens:
            field = f"vigie.tokens.{q.token_type}" if q.token_type else "vigie.token"
            filters.append({"terms": {field: list(q.tokens)}})
        elif q.token_type:
            raise StoreError("token_type needs tokens to restrict")
        if q.sources:
            filters.append({"terms": {"vigie.source": list(q.sources)}})
        if q.severities:
            filters.append({"terms": {"event.severity": [int(Severity.parse(s)) for s in q.severities]}})
        if q.min_severity is not None:
            filters.append({"range": {"event.severity": {"gte": int(Severity.parse(q.min_severity))}}})
        if q.categories:
            filters.append({"terms": {"vigie.categories": list(q.categories)}})
        if q.since is not None or q.until is not None:
            rng: dict[str, str] = {}
            since, until = utc(q.since), utc(q.until)
            if since is not None:
                rng["gte"] = since.isoformat()
            if until is not None:
                rng["lt"] = until.isoformat()
            filters.append({"range": {"@timestamp": rng}})
        return {"bool": {"must": must or [{"match_all": {}}], "filter": filters}}
