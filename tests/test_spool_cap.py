"""The Elasticsearch spool is capped (issue 11, section 3): when Elasticsearch is down long
enough to fill it, new documents are refused (`SpoolFull`) instead of filling the disk, and
nothing is lost: the crawler does not mark a refused item seen, so the next crawl emits it again
once Elasticsearch is back. Real crawls (`vigie crawl`) of the demo paste site, a real
Elasticsearch node, and a port where nothing listens standing for the node being down.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml

from indexer.store.elastic import ElasticStore
from indexer.store.spool import Spool, SpoolFull, spool_usage
from tests.fixtures.es import synthetic_docs
from tests.fixtures.forum import crawl, make_config
from vigie.config.loader import load_config
from vigie.config.schema import ElasticsearchSettings
from vigie.service.status import status_report
from vigie_kit.forum import ForumServer
from vigie_kit.ports import free_port

SOURCE = "test-paste"
CAP = 6 * 1024


def test_a_full_spool_refuses_and_writes_nothing(tmp_path: Path) -> None:
    docs = synthetic_docs(40)
    spool = Spool(tmp_path / "spool", max_bytes=CAP)
    accepted = []
    with pytest.raises(SpoolFull, match=r"is full .* raise storage\.elasticsearch\.spool_max_bytes"):
        for doc in docs:
            accepted.extend(spool.append([doc]))
    before = spool.pending_bytes()
    assert 0 < before <= CAP and 0 < len(accepted) < len(docs)
    with pytest.raises(SpoolFull):
        spool.append(docs[-1:])
    assert spool.pending_bytes() == before, "a refused append writes nothing"
    assert [d.id for _, d in spool.read()] == accepted
    assert spool.usage().full
    spool.ack(list(spool.read())[-1][0])  # drained: there is room again
    spool.compact()
    assert not spool.usage().full and spool.append(docs[-1:]) == [docs[-1].id]


def _global(config: Path, es: ElasticsearchSettings, hosts: list[str]) -> None:
    (config / "vigie.yaml").write_text(yaml.safe_dump({"storage": {"backend": "elasticsearch", "elasticsearch": {
        "hosts": hosts, "index_prefix": es.index_prefix, "max_retries": 0, "request_timeout_seconds": 5,
        "spool_max_bytes": CAP}}}))


def _es_ids(es: ElasticsearchSettings, spool_dir: Path) -> list[str]:
    store = ElasticStore(es, spool_dir)
    try:
        store.flush()
        hits = store.client.search(index=store.alias, size=10_000, source=False)["hits"]["hits"]
        return sorted(h["_id"] for h in hits)
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.elasticsearch
def test_items_refused_by_a_full_spool_come_back_once_es_returns(es_settings: ElasticsearchSettings,
                                                                  tmp_path: Path) -> None:
    with ForumServer("phpbb", size="small", bomb_megabytes=1) as forum:
        for _ in range(12):  # more dumps than the capped spool can hold
            forum.add_paste()
        # the reference: every fragment id of the site, crawled into the embedded store
        ref = make_config(tmp_path / "ref", forum.url, kind="paste", name=SOURCE)
        assert crawl(ref, tmp_path / "ref-data", SOURCE).returncode == 0
        with sqlite3.connect(tmp_path / "ref-data" / "store.sqlite3") as db:
            expected = sorted(r[0] for r in db.execute("SELECT id FROM fragments"))
        assert len(expected) > 10

        config, data = make_config(tmp_path / "config", forum.url, kind="paste", name=SOURCE), tmp_path / "data"
        _global(config, es_settings, [f"http://127.0.0.1:{free_port()}"])  # Elasticsearch is down
        down = crawl(config, data, SOURCE)
        usage = spool_usage(data / "spool", CAP)
        assert usage is not None and usage.full and 0 < usage.pending_bytes <= CAP
        assert 0 < down.summary["fragments"] < len(expected), "some fragments spooled, the rest refused"
        assert "spool FULL" in down.stderr and down.stderr.count("spool FULL") == 1, "loud, once per episode"
        report = status_report(load_config(config), data)
        assert "FULL: new documents are refused" in report.store

        _global(config, es_settings, es_settings.hosts)  # Elasticsearch is back
        back = crawl(config, data, SOURCE)
        assert back.returncode == 0
        assert down.summary["fragments"] + back.summary["fragments"] == len(expected)
        again = crawl(config, data, SOURCE)
        assert again.summary["fragments"] == 0, "everything was accepted: nothing is re-emitted"
    ids = _es_ids(es_settings, tmp_path / "probe-spool")
    assert ids == expected, "every fragment is in Elasticsearch exactly once"
    usage = spool_usage(data / "spool", CAP)
    assert usage is not None and not usage.full and usage.pending_bytes == 0
