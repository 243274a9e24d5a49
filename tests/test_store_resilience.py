"""What happens when Elasticsearch goes away: the spool keeps every document, drains in order,
never duplicates, and survives a damaged tail. Run against the real test node."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from indexer.store import StoreError
from indexer.store.elastic import ElasticStore
from indexer.store.spool import Spool
from tests.es_server import ElasticsearchServer, fake_node
from tests.fixtures.es import synthetic_docs
from vigie.config.schema import ElasticsearchSettings
from vigie_kit.ports import free_port


def all_ids(store: ElasticStore) -> list[str]:
    """Every document id behind the alias, with repetitions if a document were in two indices."""
    ids: list[str] = []
    after = None
    while True:
        kwargs = {"sort": [{"vigie.fragment.id": "asc"}, {"event.created": "asc"}], "size": 5000,
                  "source": False}
        if after:
            kwargs["search_after"] = after
        hits = store.client.search(index=store.alias, **kwargs)["hits"]["hits"]
        ids.extend(h["_id"] for h in hits)
        if len(hits) < 5000:
            return ids
        after = hits[-1]["sort"]


@pytest.mark.elasticsearch
@pytest.mark.slow
def test_es_killed_mid_stream_and_back_30s_later(
    es_server: ElasticsearchServer, es_settings: ElasticsearchSettings, tmp_path: Path
) -> None:
    # 10,000 fragments over ~70 days: three monthly indices, so replays must find the same one
    docs = synthetic_docs(10_000, n_records=1, step=timedelta(minutes=10))
    store = ElasticStore(es_settings, tmp_path / "spool", max_backoff=2.0)
    outcome = {"created": 0, "existing": 0, "spooled": 0}
    down_at: list[float] = []

    def outage() -> None:
        es_server.kill()  # SIGKILL: a crash, while a write is in flight
        down_at.append(time.monotonic())
        time.sleep(30)
        es_server.start()

    killer = threading.Thread(target=outage)
    batch = 100
    starts = list(range(0, len(docs), batch))
    for n, start in enumerate(starts):
        if n == 25:  # 2,500 written, 7,500 to go
            killer.start()
        # keep the last 20 batches for after the restart, so the stream spans the recovery
        while n >= 25 and killer.is_alive() and len(starts) - n <= 20:
            time.sleep(0.2)
        result = store.upsert(docs[start:start + batch])
        for k in outcome:
            outcome[k] += len(getattr(result, k))
        assert len(result.created) + len(result.existing) + len(result.spooled) == len(docs[start:start + batch])
        if n >= 25:
            time.sleep(0.5 if killer.is_alive() else 0.25)
    killer.join()
    print("stream outcome:", outcome)
    assert outcome["spooled"] > 0, "the outage should have sent documents to the spool"
    assert outcome["created"] > 2500, "writes should have resumed (and the spool drained) mid-stream"
    store.flush()  # drains whatever is still spooled
    assert store.pending() == 0
    ids = all_ids(store)
    assert len(ids) == 10_000, f"expected exactly 10,000 documents, found {len(ids)}"
    assert set(ids) == {d.id for d in docs}
    assert store.count() == 10_000
    indices = store.client.cat.indices(index=f"{store.alias}-*", format="json")
    assert sum(int(i["docs.count"]) for i in indices) == 10_000
    assert len([i for i in indices if int(i["docs.count"])]) >= 3
    store.close()


def test_truncated_spool_tail_keeps_complete_records(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    docs = synthetic_docs(30)
    spool.append(docs[:10])
    spool.append(docs[10:30])
    segment = next((tmp_path / "spool").glob("segment-*.vjl"))
    size = segment.stat().st_size
    os.truncate(segment, size - 25)  # a crash in the middle of writing the last record

    fresh = Spool(tmp_path / "spool")
    read = [doc.id for _, doc in fresh.read()]
    assert read == [d.id for d in docs[:29]]  # every complete record, in order
    assert len(fresh.damage) == 1 and "truncated" in fresh.damage[0].reason
    assert fresh.damage[0].segment == segment

    # appending after damage: the damaged bytes are moved aside, new records are readable
    fresh.append(docs[29:30])
    assert [doc.id for _, doc in Spool(tmp_path / "spool").read()] == [d.id for d in docs]
    aside = list((tmp_path / "spool").glob("damaged-*.bin"))
    assert len(aside) == 1 and aside[0].stat().st_size > 0


def test_checksum_mismatch_is_reported(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    docs = synthetic_docs(5)
    spool.append(docs)
    segment = next((tmp_path / "spool").glob("segment-*.vjl"))
    data = bytearray(segment.read_bytes())
    data[-5] ^= 0xFF  # flip a byte inside the last record's payload
    segment.write_bytes(bytes(data))
    fresh = Spool(tmp_path / "spool")
    assert [d.id for _, d in fresh.read()] == [d.id for d in docs[:4]]
    assert fresh.damage and fresh.damage[0].reason == "checksum mismatch"


@pytest.mark.elasticsearch
def test_unreachable_at_start_then_drained_once(es_settings: ElasticsearchSettings, tmp_path: Path) -> None:
    spool_dir = tmp_path / "spool"
    dead = es_settings.model_copy(update={"hosts": [f"http://127.0.0.1:{free_port()}"]})
    docs = synthetic_docs(1200)
    down = ElasticStore(dead, spool_dir)
    first = down.upsert(docs[:700])
    assert first.spooled == [d.id for d in docs[:700]] and not first.created
    down.close()
    # a corrupted tail from a crash while spooling the next batch
    segment = next(spool_dir.glob("segment-*.vjl"))
    with open(segment, "ab") as fh:
        fh.write(b"VGS1\x00\x00\x10\x00")  # header of a record whose payload never made it

    up = ElasticStore(es_settings, spool_dir)
    second = up.upsert(docs[500:1200])  # overlaps what is spooled: drained first, then these
    assert sorted(second.existing) == sorted(d.id for d in docs[500:700])
    assert sorted(second.created) == sorted(d.id for d in docs[700:1200])
    up.flush()
    assert up.pending() == 0 and up.spool.damage and "truncated" in up.spool.damage[0].reason
    ids = all_ids(up)
    assert len(ids) == 1200 and set(ids) == {d.id for d in docs}
    up.close()


def test_version_mismatch_is_a_clear_error(tmp_path: Path) -> None:
    with fake_node("8.15.3") as url:  # no 8.x distribution is available offline here
        settings = ElasticsearchSettings(hosts=[url], max_retries=0)
        with pytest.raises(StoreError, match=r"8\.15\.3.*not supported.*client 9\."):
            ElasticStore(settings, tmp_path / "spool")


@pytest.mark.elasticsearch
def test_refused_spooled_batch_is_parked_not_retried_forever(es_settings: ElasticsearchSettings,
                                                             tmp_path: Path) -> None:
    spool_dir = tmp_path / "spool"
    dead = es_settings.model_copy(update={"hosts": [f"http://127.0.0.1:{free_port()}"]})
    docs = synthetic_docs(20)  # all first seen in March 2026
    ElasticStore(dead, spool_dir).upsert(docs)
    up = ElasticStore(es_settings, spool_dir)
    # someone created March's index with a mapping that cannot hold our documents
    target = up.index_for(docs[0].fetched_at)
    up.client.indices.create(index=target, mappings={"properties": {"vigie": {"type": "keyword"}}})
    assert up.drain() == 20
    assert up.pending() == 0
    parked = (spool_dir / "rejected.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["id"] for line in parked) == sorted(d.id for d in docs)
    later = synthetic_docs(5, start=100, base_time=datetime(2026, 7, 1, tzinfo=UTC))
    assert len(up.upsert(later).created) == 5  # writes go on
    up.close()
