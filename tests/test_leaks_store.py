"""The leak store beside the fragments (embedded backend), and `vigie leaks list` / `vigie leak show`.

Real parts: the detector, the Ingestor, the embedded store file and the leak tables in it; the
CLI runs in-process through Typer's runner on a real config and data directory."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from indexer.ingest import Ingestor
from indexer.leaks.elastic import ElasticLeakIndex
from indexer.leaks.models import LeakStore
from indexer.leaks.store import SqliteLeakStore
from indexer.models import CrawledItem
from indexer.store.elastic import ElasticStore
from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY
from tests.fixtures.mail import AlertsEnv, free_port
from tests.test_alerts_delivery import register
from vigie.cli import app
from vigie.config.schema import ElasticsearchSettings
from vigie.wiring import open_ingest_sink, open_leak_store
from vigie_kit.synthetic import Synth


def _item(n: int, source: str, text: str) -> CrawledItem:
    return CrawledItem(source=source, url=f"http://{source}.onion/t/{n}", body=text, thread_title=f"dump {n}",
                       fetched_at=datetime(2026, 3, n, tzinfo=UTC))


def _copies() -> tuple[list[str], list[str]]:
    a = Synth(5).patients(40).text.split("\n")
    b = Synth(6).patients(40).text.split("\n")  # same shape, other people
    return a, b


def _ingest(env: AlertsEnv) -> tuple[list[str], list[str]]:
    a, b = _copies()
    rt = env.runtime()
    with open_ingest_sink(rt.config, env.data, rt.match_key, rt.data_key) as sink:
        sink.ingest(_item(2, "forum-a", "\n".join(a[:11])))  # a 25% sample first
        sink.ingest(_item(5, "paste-b", "\n".join([a[0], *reversed(a[1:])])))  # the whole, reordered
        sink.ingest(_item(9, "forum-c", "\n".join(b)))
    return a, b


def test_leaks_are_stored_beside_the_fragments(alerts_env: AlertsEnv) -> None:
    a, _ = _ingest(alerts_env)
    rt = alerts_env.runtime()
    leaks = open_leak_store(rt.config, alerts_env.data)
    try:
        assert isinstance(leaks, LeakStore)
        listed = leaks.list()
        assert len(listed) == 2
        newest, oldest = listed
        assert newest.first_seen > oldest.first_seen
        assert oldest.first_source == "forum-a" and oldest.sources == ("forum-a", "paste-b")
        assert oldest.record_count == 40 and oldest.largest_record_count == 40
        assert [ap.record_count for ap in oldest.appearances] == [10, 40]
        assert "health" in oldest.categories and oldest.identifier_types["email"] == 40
        assert newest.sources == ("forum-c",)
        assert leaks.list(since=datetime(2026, 3, 3, tzinfo=UTC)) == [newest]
        assert leaks.leak_of_fragment(oldest.largest_fragment_id) == oldest.id
        assert leaks.get(oldest.id) == oldest
        assert leaks.get("leak-nope") is None
    finally:
        leaks.close()
    # the tables live in the embedded store's file, 0600; no plaintext row or field in it
    path = alerts_env.data / "store.sqlite3"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    raw = b"".join(p.read_bytes() for p in alerts_env.data.glob("store.sqlite3*"))
    email = a[3].split(";")[3]
    assert email.encode() not in raw and email.lower().encode() not in raw


def test_cli_lists_and_shows_leaks(alerts_env: AlertsEnv) -> None:
    a, _ = _ingest(alerts_env)
    runner = CliRunner()
    base = ["--config", str(alerts_env.config), "--data-dir", str(alerts_env.data)]
    res = runner.invoke(app, ["leaks", "list", "--json", *base])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert [r["sources"] for r in rows] == [["forum-c"], ["forum-a", "paste-b"]]
    assert rows[1]["records"] == 40 and rows[1]["copies"] == 2
    res = runner.invoke(app, ["leaks", "list", "--since", "2026-03-03", "--json", *base])
    assert [json.loads(line)["id"] for line in res.output.splitlines()] == [rows[0]["id"]]
    res = runner.invoke(app, ["leaks", "list", "--since", "yesterday", *base])
    assert res.exit_code == 2 and "--since 'yesterday'" in res.output
    # --org: only the leaks the organisation was alerted for (none yet, then the first one)
    res = runner.invoke(app, ["leaks", "list", "--org", alerts_env.org, "--json", *base])
    assert res.exit_code == 0 and res.output.strip() == ""
    register(alerts_env, [("email", a[3].split(";")[3])])
    rt = alerts_env.runtime()
    with open_ingest_sink(rt.config, alerts_env.data, rt.match_key, rt.data_key) as sink:
        sink.ingest(_item(5, "paste-b", "\n".join([a[0], *reversed(a[1:])])))  # re-ingest: now it matches
    res = runner.invoke(app, ["leaks", "list", "--org", alerts_env.org, "--json", *base])
    assert [json.loads(line)["id"] for line in res.output.splitlines()] == [rows[1]["id"]]

    res = runner.invoke(app, ["leak", "show", rows[1]["id"], "--json", *base])
    assert res.exit_code == 0, res.output
    shown = json.loads(res.output)
    assert [(t["source"], t["records"]) for t in shown["timeline"]] == [("forum-a", 10), ("paste-b", 40)]
    res = runner.invoke(app, ["leak", "show", rows[1]["id"], *base])
    assert res.exit_code == 0 and "forum-a" in res.output and "paste-b" in res.output
    res = runner.invoke(app, ["leak", "show", "leak-nope", *base])
    assert res.exit_code == 1 and "no leak 'leak-nope'" in res.output


@pytest.mark.elasticsearch
def test_elasticsearch_backend_writes_the_leaks_index(tmp_path: Path, es_settings: ElasticsearchSettings) -> None:
    """With Elasticsearch: fragments in ES, the leaks in the `<prefix>_leaks` index (the clustering
    state in leaks.sqlite3). Changes made while ES is unreachable are written by a later flush."""
    a, b = _copies()
    store = ElasticStore(es_settings, tmp_path / "spool")
    down = es_settings.model_copy(update={"hosts": [f"http://127.0.0.1:{free_port()}"], "max_retries": 0})
    leaks = SqliteLeakStore(tmp_path / "leaks.sqlite3", mirror=ElasticLeakIndex(down))
    ingest = Ingestor(store, TEST_MATCH_KEY, TEST_DATA_KEY, leaks=leaks)
    ingest.ingest(_item(2, "forum-a", "\n".join(a[:11])))
    leaks.close()
    leaks = SqliteLeakStore(tmp_path / "leaks.sqlite3", mirror=ElasticLeakIndex(es_settings))
    assert leaks.flush_mirror() == 1  # the leak made while ES was down
    ingest = Ingestor(store, TEST_MATCH_KEY, TEST_DATA_KEY, leaks=leaks)
    ingest.ingest(_item(5, "paste-b", "\n".join([a[0], *reversed(a[1:])])))
    ingest.ingest(_item(9, "forum-c", "\n".join(b)))
    index = ElasticLeakIndex(es_settings)
    try:
        assert leaks.flush_mirror() == 0  # everything was written as it changed
        in_es = index.list()
        assert in_es == leaks.list()
        assert [leak.sources for leak in in_es] == [("forum-c",), ("forum-a", "paste-b")]
        assert in_es[1].record_count == 40
        assert index.get(in_es[1].id) == in_es[1]
    finally:
        index.close()
        leaks.close()
        store.close()
