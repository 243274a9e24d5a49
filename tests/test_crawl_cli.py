"""The command-line surfaces: `vigie crawl` (human output, errors), `vigie crawl --quiet --summary-json`
(the service's subprocess entry), one-crawl-per-process, and a `network: tor` source that can
not reach Tor failing closed instead of going direct."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import cli_fork
from tests.fixtures.forum import REPO, crawl, make_config, test_keys_env
from vigie_kit.forum import ForumServer
from vigie_kit.ports import free_port

pytestmark = pytest.mark.slow


def _run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return cli_fork.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, cwd=REPO,
                        env={**os.environ, **test_keys_env, "COLUMNS": "120"})


def test_vigie_crawl_prints_a_summary_table(fresh_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", fresh_forum.url)
    out = tmp_path / "items.jsonl"
    proc = _run(["-m", "vigie", "--log-level", "WARNING", "crawl", "test-phpbb", "-c", str(config),
                 "-d", str(tmp_path / "data"), "-o", str(out), "--max-pages", "200"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "crawl of test-phpbb: finished" in proc.stdout
    for label in ("pages", "posts", "files", "fragments", "errors", "archive bombs refused"):
        assert label in proc.stdout
    assert f"items written to {out}" in proc.stdout.replace("\n", "")
    lines = out.read_text().splitlines()
    assert lines and all(json.loads(line)["source"] == "test-phpbb" for line in lines)


def test_max_pages_stops_the_crawl(fresh_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", fresh_forum.url)
    run = crawl(config, tmp_path / "data", "test-phpbb", extra=["--no-index", "--max-pages", "3"])
    assert run.returncode == 0
    assert run.summary["finish_reason"] == "closespider_pagecount"
    assert run.summary["pages"] <= 3 + 8  # pages already in flight when the limit hit still arrive


def test_unknown_source_is_a_config_error(tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", "http://127.0.0.1:9")
    proc = _run(["-m", "vigie", "crawl", "nope", "-c", str(config), "-d", str(tmp_path / "d")])
    assert proc.returncode == 2 and "no source named 'nope'" in proc.stderr and "test-phpbb" in proc.stderr


def test_service_crawl_command_writes_the_summary_json(fresh_forum: ForumServer, tmp_path: Path) -> None:
    """The command the service runs for every crawl (`vigie.service.service._default_crawl_command`):
    quiet, indexing, with the summary written where the service reads it."""
    config = make_config(tmp_path / "config", fresh_forum.url, kind="paste", name="test-paste")
    summary_file = tmp_path / "summary.json"
    proc = _run(["-m", "vigie", "--log-json", "--log-level", "WARNING", "crawl", "test-paste", "--config", str(config),
                 "--data-dir", str(tmp_path / "d"), "--summary-json", str(summary_file), "--quiet"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "", "--quiet prints nothing: the summary goes to the file"
    summary = json.loads(summary_file.read_text())
    assert summary["pastes"] == len(fresh_forum.data.pastes) and summary["fragments"] > 0
    assert (tmp_path / "d" / "store.sqlite3").is_file(), "the crawl indexed into the data dir's store"


def test_second_crawl_in_one_process_is_refused(fresh_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", fresh_forum.url, kind="paste", name="test-paste")
    code = f"""
import sys
from pathlib import Path
from crawler import CrawlerError
from crawler.runner import run_crawl
from vigie.config.loader import load_config
cfg = load_config(Path({str(config)!r}))
src, state = cfg.sources["test-paste"], Path({str(tmp_path / 'state.sqlite3')!r})
print(run_crawl(src, cfg.global_config, state_path=state, output=Path({str(tmp_path / 'o.jsonl')!r})).pastes)
try:
    run_crawl(src, cfg.global_config, state_path=state, output=Path({str(tmp_path / 'o2.jsonl')!r}))
except CrawlerError as exc:
    print("refused:", exc)
"""
    proc = _run(["-c", code])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines()[-2] == str(len(fresh_forum.data.pastes))
    assert "refused: a crawl already ran in this process" in proc.stdout


def test_tor_source_without_reachable_tor_fails_closed(fresh_forum: ForumServer, tmp_path: Path) -> None:
    dead_port = free_port()  # a port with nothing listening: Tor is "down" (none binding port 0 is given it)
    config = make_config(tmp_path / "config", fresh_forum.url, network="tor", limits={"retries": 1})
    fresh_forum.reset_counters()
    run = crawl(config, tmp_path / "data", "test-phpbb",
                extra=["--no-index", "--tor-socks", f"127.0.0.1:{dead_port}"])
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.items == [] and run.summary["errors"] >= 1
    assert fresh_forum.hit_log == [], "a tor source must never reach the site directly"
