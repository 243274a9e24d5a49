"""TLS and authentication against a real secured Elasticsearch node (HTTPS with a throw-away CA,
file-realm user): the settings in vigie.yaml are exactly what the store uses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from indexer.store import SearchQuery, StoreError
from indexer.store.elastic import ElasticStore, client_from_settings
from tests.es_server import ElasticsearchServer, fake_node
from tests.fixtures.es import synthetic_docs
from vigie.config.schema import ElasticsearchSettings


@pytest.fixture(scope="module")
def secure_es() -> Iterator[ElasticsearchServer]:
    server = ElasticsearchServer(secure=True)
    server.start(timeout=180)
    try:
        yield server
    finally:
        server.cleanup()


def settings(server: ElasticsearchServer, prefix: str, **kw: object) -> ElasticsearchSettings:
    base: dict[str, object] = {"hosts": [server.url], "index_prefix": prefix, "ca_certs": server.ca_path,
                               "max_retries": 1, "request_timeout_seconds": 10}
    base.update(kw)
    return ElasticsearchSettings.model_validate(base)


def roundtrip(store: ElasticStore) -> None:
    docs = synthetic_docs(30)
    result = store.upsert(docs)
    assert sorted(result.created) == sorted(d.id for d in docs) and not result.spooled
    store.flush()
    assert store.search(SearchQuery(limit=50)).total == 30


@pytest.mark.elasticsearch
@pytest.mark.slow
def test_basic_auth_over_tls(secure_es: ElasticsearchServer, tmp_path: Path) -> None:
    s = settings(secure_es, "sec-basic", username=secure_es.username, password=SecretStr(secure_es.password))
    store = ElasticStore(s, tmp_path / "spool")
    roundtrip(store)
    store.close()


def test_api_key_is_sent(tmp_path: Path) -> None:
    """API keys live in the .security index, whose mapping needs the analysis-common module that
    the integ-test distribution lacks ("Unknown filter type [pattern_capture]"), so a real node
    cannot issue one here. This checks, against a real local HTTP server that records headers,
    that `storage.elasticsearch.api_key` becomes the `Authorization: ApiKey` header."""
    seen: list[str | None] = []

    with fake_node("9.2.0", seen) as url:
        client = client_from_settings(ElasticsearchSettings(hosts=[url], api_key=SecretStr("a2V5aWQ6c2VjcmV0")))
        client.nodes.info()
    assert seen == ["ApiKey a2V5aWQ6c2VjcmV0"]


@pytest.mark.elasticsearch
@pytest.mark.slow
def test_wrong_password_is_an_error_not_an_outage(secure_es: ElasticsearchServer, tmp_path: Path) -> None:
    s = settings(secure_es, "sec-bad", username=secure_es.username, password=SecretStr("wrong-password"))
    with pytest.raises(StoreError, match="refused our credentials"):
        ElasticStore(s, tmp_path / "spool")
    assert not list((tmp_path / "spool").glob("segment-*"))


@pytest.mark.elasticsearch
@pytest.mark.slow
def test_unknown_ca_is_an_error_not_an_outage(secure_es: ElasticsearchServer, tmp_path: Path) -> None:
    s = settings(secure_es, "sec-ca", ca_certs=None, username=secure_es.username,
                 password=SecretStr(secure_es.password))
    with pytest.raises(StoreError, match="ca_certs"):
        ElasticStore(s, tmp_path / "spool")
