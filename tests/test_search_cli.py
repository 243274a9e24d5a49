"""`vigie search`, `vigie stats`, `vigie reveal` end to end through the CLI, on the embedded store
and (one test) on the real Elasticsearch node."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from indexer.audit import current_os_user, verify_chain
from indexer.identifiers import canonical_forms
from indexer.models import Severity
from indexer.reveal import REFUSED
from indexer.store import open_store_from_settings
from tests.fixtures.es import TEST_DATA_KEY, TEST_MATCH_KEY, synthetic_docs
from vigie.cli import app
from vigie.config.schema import StorageSettings

ENV = {"VIGIE_MATCH_KEY": "1:" + TEST_MATCH_KEY.key.hex(), "VIGIE_DATA_KEY": "1:" + TEST_DATA_KEY.key.hex()}
VICTIM = canonical_forms("email", "Jeanne.Martin@Exemple.test")[0]


def cli(args: list[str], **env: str):
    from vigie.log import setup_logging

    try:
        return CliRunner().invoke(app, args, env={**ENV, **env})
    finally:
        setup_logging("INFO")


def make_env(tmp_path: Path, storage_yaml: str = "storage:\n  backend: embedded\n") -> tuple[Path, Path]:
    config = tmp_path / "config"
    (config / "sources").mkdir(parents=True)
    (config / "organisations").mkdir()
    (config / "vigie.yaml").write_text(storage_yaml)
    return config, tmp_path / "data"


@pytest.fixture
def populated(tmp_path: Path) -> tuple[Path, Path, list]:
    config, data = make_env(tmp_path)
    t0 = datetime(2026, 6, 1, tzinfo=UTC)
    docs = (synthetic_docs(3, source="forum-a", base_time=t0, excerpt_words="fichier mutuelle")
            + synthetic_docs(2, start=10, source="paste-b", base_time=t0 + timedelta(days=5),
                             severity=Severity.critical, categories=("health",), emails=[VICTIM]))
    store = open_store_from_settings(StorageSettings(), data)
    store.upsert(docs)
    store.close()
    return config, data, docs


def test_search_by_identifier_json(populated) -> None:
    config, data, docs = populated
    res = cli(["search", "--identifier", "email:JEANNE.MARTIN@exemple.test", "--json",
               "-c", str(config), "-d", str(data)])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(d.id for d in docs[3:])
    assert all("encrypted_text" not in r for r in rows) and rows[0]["severity"] == "critical"
    assert VICTIM not in res.stdout


def test_search_text_filters_and_table(populated) -> None:
    config, data, docs = populated
    base = ["-c", str(config), "-d", str(data)]
    res = cli(["search", "mutuelle", *base])
    assert res.exit_code == 0 and "3 fragment(s)" in res.stdout
    res = cli(["search", "--source", "paste-b", "--json", *base])
    assert len(res.stdout.splitlines()) == 2
    res = cli(["search", "--min-severity", "high", "--category", "health", "--json", *base])
    assert len(res.stdout.splitlines()) == 2
    res = cli(["search", "--since", "2026-06-03", "--json", *base])
    assert sorted(json.loads(x)["id"] for x in res.stdout.splitlines()) == sorted(d.id for d in docs[3:])
    res = cli(["search", "--limit", "2", "--page", "3", "--json", *base])
    assert [json.loads(x)["id"] for x in res.stdout.splitlines()] == [docs[0].id]  # oldest last
    res = cli(["search", "--identifier", "email:not-an-email", *base])
    assert res.exit_code == 1 and "not a valid email" in res.stderr
    res = cli(["search", "--severity", "huge", *base])
    assert res.exit_code == 2


def test_stats(populated) -> None:
    config, data, _ = populated
    res = cli(["stats", "--json", "-c", str(config), "-d", str(data)])
    agg = json.loads(res.stdout)
    assert agg["total"] == 5 and agg["per_source"] == {"forum-a": 3, "paste-b": 2}
    assert agg["per_severity"] == {"critical": 2, "medium": 3} and agg["per_category"] == {"health": 2}
    res = cli(["stats", "-c", str(config), "-d", str(data)])
    assert res.exit_code == 0 and "per source" in res.stdout and "paste-b" in res.stdout


def test_reveal_needs_the_configured_right_and_is_audited(populated) -> None:
    """The right is vigie.yaml's `access.analysts`, for the OS user running the command (more in
    tests/test_reveal_access.py); reveals and identifier searches all land in one chained log."""
    config, data, docs = populated
    base = ["-c", str(config), "-d", str(data)]
    res = cli(["reveal", docs[3].id, "--reason", "check", *base])
    assert res.exit_code == 4 and "may_reveal: true" in res.stderr
    with (config / "vigie.yaml").open("a") as f:
        f.write(f"access:\n  analysts:\n    - {{name: alice, os_user: '{current_os_user()}', may_reveal: true}}\n")
    res = cli(["reveal", docs[3].id, "--reason", "ticket 7", *base])
    assert res.exit_code == 0, res.output
    assert VICTIM in res.stdout  # the raw text, decrypted
    res = cli(["reveal", "f" * 64, "--reason", "ticket 8", *base])
    assert res.exit_code == 1 and "no fragment" in res.stderr
    audit = [json.loads(x) for x in (data / "audit.log").read_text().splitlines()]
    assert [(a["analyst"], a["reason"], a["outcome"]) for a in audit] == \
        [(None, "check", REFUSED), ("alice", "ticket 7", "revealed"), ("alice", "ticket 8", "not_found")]
    assert VICTIM not in (data / "audit.log").read_text()
    assert verify_chain(data / "audit.log").intact


@pytest.mark.elasticsearch
def test_search_on_elasticsearch(es_settings, tmp_path: Path) -> None:
    yaml = (f"storage:\n  backend: elasticsearch\n  elasticsearch:\n    hosts: ['{es_settings.hosts[0]}']\n"
            f"    index_prefix: {es_settings.index_prefix}\n")
    config, data = make_env(tmp_path, yaml)
    docs = synthetic_docs(4, emails=[VICTIM])
    store = open_store_from_settings(StorageSettings(backend="elasticsearch", elasticsearch=es_settings), data)
    store.upsert(docs + synthetic_docs(3, start=50))
    store.flush()
    store.close()
    res = cli(["search", "-i", f"email:{VICTIM.upper()}", "--json", "-c", str(config), "-d", str(data)])
    assert res.exit_code == 0, res.output
    assert sorted(json.loads(x)["id"] for x in res.stdout.splitlines()) == sorted(d.id for d in docs)
    res = cli(["stats", "--json", "-c", str(config), "-d", str(data)])
    assert json.loads(res.stdout)["total"] == 7


def test_search_says_when_elasticsearch_is_down(tmp_path: Path) -> None:
    from vigie_kit.ports import free_port

    yaml = (f"storage:\n  backend: elasticsearch\n  elasticsearch:\n"
            f"    hosts: ['http://127.0.0.1:{free_port()}']\n    max_retries: 0\n")
    config, data = make_env(tmp_path, yaml)
    res = cli(["search", "dump", "-c", str(config), "-d", str(data)])
    assert res.exit_code == 1
    assert "unreachable" in res.stderr and "storage.elasticsearch.hosts" in res.stderr
