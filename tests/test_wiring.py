"""The composition root (`vigie.wiring`) and the CLI's one error boundary.

Real parts only: real config directories, the real embedded store, detector and CLI app, and a
real listening socket standing in for "a tor already listens on the SOCKS port".
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from indexer.models import CrawledItem
from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY
from tests.fixtures.forum import make_config, test_keys_env
from vigie.cli import EXIT_CONFIG, app
from vigie.config.loader import load_config
from vigie.config.schema import TorSettings
from vigie.service.status import status_report
from vigie.wiring import open_ingest_sink, start_tor

DUMP = "nom;prenom;email\n" + "\n".join(f"Martin{i};Luc;luc.martin{i}@exemple.fr" for i in range(30))


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return make_config(tmp_path / "config", "http://127.0.0.1:9")


def test_status_on_an_empty_data_dir_creates_no_file(config_dir: Path, tmp_path: Path) -> None:
    empty, missing = tmp_path / "empty", tmp_path / "missing"
    empty.mkdir()
    runner = CliRunner()
    for data in (empty, missing):
        res = runner.invoke(app, ["status", "--json", "-c", str(config_dir), "-d", str(data)], env=test_keys_env)
        assert res.exit_code == 0, res.output
        report = json.loads(res.stdout)
        assert report["service"] == {} and report["alive"] is False and report["sources"] == []
        assert report["store"].startswith("embedded: no data yet") and report["outbox"] == "no data yet"
    assert _files(empty) == [], "vigie status must not create databases in the data dir"
    assert not missing.exists(), "vigie status must not create the data dir"


def test_status_reads_what_the_ingest_sink_stored(config_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = load_config(config_dir)
    item = CrawledItem(source="test-phpbb", url="http://forum.test/t/1", body=DUMP,
                       fetched_at=datetime(2026, 3, 3, tzinfo=UTC))
    with open_ingest_sink(config, data, TEST_MATCH_KEY, TEST_DATA_KEY) as sink:
        found = sink.accept(item)  # the crawler's ItemSink contract
    assert found >= 1
    before = _files(data)
    report = status_report(config, data)
    assert report.store == f"embedded: {found} fragment(s)"
    assert report.service is None and report.outbox == "no data yet"
    # SQLite itself may add the -wal/-shm side files of a WAL database to read it consistently
    # (vigie.core.sqlite.open_readonly); no database may appear.
    assert [f for f in _files(data) if not f.endswith(("-wal", "-shm"))] == before


def test_start_tor_starts_nothing_it_need_not(tmp_path: Path) -> None:
    with socket.socket() as listener:  # something already serves the SOCKS port (the service's tor)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        launch = TorSettings(mode="launch", socks_host="127.0.0.1", socks_port=port)
        assert start_tor(launch, tmp_path, needed=False) is None
        assert start_tor(launch, tmp_path, needed=True) is None, "a listening tor is used, not launched twice"
    external = TorSettings(mode="external", socks_host="127.0.0.1", socks_port=port)
    assert start_tor(external, tmp_path, needed=True) is None, "a one-off crawl just uses the external SOCKS port"
    assert _files(tmp_path) == []


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("VIGIE_MATCH_KEY", raising=False)
    monkeypatch.delenv("VIGIE_DATA_KEY", raising=False)
    yield


def test_error_boundary_maps_a_missing_key_to_exit_2(config_dir: Path, tmp_path: Path, no_keys: None) -> None:
    keys = tmp_path / "keys"
    (config_dir / "vigie.yaml").write_text(
        f"storage:\n  backend: embedded\nkeys:\n  match_key_file: {keys / 'match.key'}\n"
        f"  data_key_file: {keys / 'data.key'}\n")
    sample = tmp_path / "sample.txt"
    sample.write_text(DUMP)
    res = CliRunner().invoke(app, ["scan", str(sample), "-c", str(config_dir), "-d", str(tmp_path / "d")])
    assert res.exit_code == EXIT_CONFIG, res.output
    assert "error:" in res.stderr and "VIGIE_MATCH_KEY" in res.stderr and "vigie keys init" in res.stderr
    assert res.exception is None or isinstance(res.exception, SystemExit), "mapped, not a traceback"


def test_error_boundary_maps_a_bad_config_to_exit_2(config_dir: Path, tmp_path: Path) -> None:
    (config_dir / "vigie.yaml").write_text("storage:\n  backend: cassandra\n")
    res = CliRunner().invoke(app, ["status", "-c", str(config_dir), "-d", str(tmp_path / "d")], env=test_keys_env)
    assert res.exit_code == EXIT_CONFIG
    assert "vigie.yaml:2: storage.backend" in res.stderr and "vigie config check" in res.stderr
