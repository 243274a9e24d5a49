"""The hand-off guarantee: crawl state is committed only after the sink accepted an item, so a
failing indexer or a killed crawl never loses an item (re-emitting is safe: ingest is idempotent)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.forum import REPO, crawl, make_config, test_keys_env
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow

# A sink that refuses some items, standing in for an indexer whose store is down for a moment
# (the real Ingestor is exercised by test_crawl_forum.py; here only the refusal matters).
_FLAKY_SINK = """
import json, sys
from pathlib import Path
from crawler.runner import run_crawl
from crawler.sink import item_to_json
from vigie.config.loader import load_config

class FlakySink:
    def __init__(self, path):
        self.out = open(path, "w")
        self.n = 0
    def accept(self, item):
        self.n += 1
        if self.n % 3 == 0:
            raise ConnectionError("store unavailable (simulated)")
        self.out.write(json.dumps(item_to_json(item)) + "\\n")
        self.out.flush()
        return 0

config, data, out = sys.argv[1:4]
loaded = load_config(Path(config))
summary = run_crawl(loaded.sources["test-phpbb"], loaded.global_config,
                    state_path=Path(data) / "crawl-state.sqlite3", sink=FlakySink(out))
print(json.dumps(summary.to_dict()))
"""


def _ids(items: list[dict[str, object]]) -> list[int]:
    return [int(re.sub(r"\D", "", str(i["post_id"]))) for i in items if i.get("filename") is None]


def test_items_refused_by_the_sink_are_emitted_again_next_crawl(fresh_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", fresh_forum.url)
    out = tmp_path / "accepted.jsonl"
    proc = subprocess.run([sys.executable, "-c", _FLAKY_SINK, str(config), str(tmp_path / "data"), str(out)],
                          capture_output=True, text=True, timeout=120, cwd=REPO,
                          env={**os.environ, **test_keys_env})
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    accepted = [json.loads(line) for line in out.read_text().splitlines()]
    assert summary["errors"] > 0 and summary["posts"] + summary["files"] == len(accepted)
    second = crawl(config, tmp_path / "data", "test-phpbb", extra=["--no-index"])
    assert second.returncode == 0 and not second.summary["needs_attention"], second.summary
    if second.summary.get("errors"):  # a page that timed out on a loaded machine: its posts come next time
        retry = crawl(config, tmp_path / "data", "test-phpbb", extra=["--no-index"])
        assert retry.returncode == 0 and not retry.summary.get("errors"), retry.summary
        second.items += retry.items
    expected = {p["id"] for p in fresh_forum.truth()["posts"] if p["expected"]}
    first_ids, second_ids = _ids(accepted), _ids(second.items)
    assert len(second_ids) == len(set(second_ids)), "no post emitted twice"
    assert set(first_ids) | set(second_ids) == expected, f"nothing lost; second crawl: {second.summary}"
    assert not set(first_ids) & set(second_ids), "what the sink accepted is not emitted again"
    files = {i["filename"] for i in accepted + second.items if i.get("filename")}
    assert {"patients.csv", "base.sql", "combo-vip.txt", "clients.zip/export/clients.csv"} == files
    third = crawl(config, tmp_path / "data", "test-phpbb", extra=["--no-index"])
    assert third.items == []


def test_a_killed_crawl_loses_nothing(fresh_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", fresh_forum.url, limits={"concurrency": 1, "delay_seconds": 0.1})
    first_out = tmp_path / "first.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "vigie", "--log-level", "ERROR", "crawl", "test-phpbb",
                             "-c", str(config), "-d", str(tmp_path / "data"), "-o", str(first_out),
                             "--no-index", "--quiet"], cwd=REPO, env={**os.environ, **test_keys_env},
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not first_out.exists() or len(first_out.read_text().splitlines()) < 8):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
    first = [json.loads(line) for line in first_out.read_text().splitlines() if line.endswith("}")]
    expected = {p["id"] for p in fresh_forum.truth()["posts"] if p["expected"]}
    assert 8 <= len(_ids(first)) < len(expected), "killed mid-crawl"
    second = crawl(config, tmp_path / "data", "test-phpbb", extra=["--no-index"], timeout=120)
    assert second.returncode == 0
    assert set(_ids(first)) | set(_ids(second.items)) == expected
    assert len(_ids(second.items)) == len(set(_ids(second.items)))


# A sink whose first accept holds until the test says the crawl went on without it: the sink runs
# on its own thread, so downloads and parsing continue while it works (on the reactor's thread a
# slow ingest froze every download in flight). It records the thread of every call, and the size
# of the batch each item came in (a test sink: the real Ingestor's batches are in test_parallel_detect).
_BLOCKING_SINK = """
import json, sys, threading, time
from pathlib import Path
from crawler.runner import run_crawl
from crawler.sink import item_to_json
from vigie.config.loader import load_config

class BlockingSink:
    def __init__(self, out, started, release):
        self.out, self.started, self.release = open(out, "w"), Path(started), Path(release)
        self.n = 0
    def accept(self, item):
        self.n += 1
        if self.n == 1:
            tmp = self.started.with_suffix(".tmp")  # renamed into place: the test never reads it half-written
            tmp.write_text(str(time.monotonic()))
            tmp.replace(self.started)
            deadline = time.monotonic() + 30
            while not self.release.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
        record = item_to_json(item)
        record["thread"] = threading.current_thread().name
        record["released"] = self.release.exists()
        record["batch"] = self.batch
        self.out.write(json.dumps(record) + "\\n")
        self.out.flush()
        return 0
    batch = 1
    def accept_many(self, items):  # what the indexer's Ingestor offers: the items queued meanwhile
        self.batch = len(items)
        try:
            return [self.accept(item) for item in items]
        finally:
            self.batch = 1

config, data, out, started, release = sys.argv[1:6]
loaded = load_config(Path(config))
summary = run_crawl(loaded.sources["test-phpbb"], loaded.global_config,
                    state_path=Path(data) / "crawl-state.sqlite3", sink=BlockingSink(out, started, release))
print(json.dumps(summary.to_dict()))
"""


def test_downloads_go_on_while_the_sink_works(fresh_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", fresh_forum.url, limits={"concurrency": 2})
    out, started, release = tmp_path / "accepted.jsonl", tmp_path / "started", tmp_path / "release"
    proc = subprocess.Popen([sys.executable, "-c", _BLOCKING_SINK, str(config), str(tmp_path / "data"), str(out),
                             str(started), str(release)], cwd=REPO, env={**os.environ, **test_keys_env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert started.exists(), "the sink never got an item"
        blocked_at = float(started.read_text())
        # more requests than the 2 in flight when the sink blocked arrive while it is blocked
        # (within 20 s; the sink gives up waiting after 30 s, and says so in `released`)
        while time.monotonic() < blocked_at + 20:
            after = [h for h in list(fresh_forum.hit_log) if h.began > blocked_at]
            if len(after) >= 6:
                break
            time.sleep(0.05)
        release.write_text("go")
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(after) >= 6, f"only {len(after)} request(s) while the sink worked: the crawl waited for it"
    assert proc.returncode == 0, stderr[-2000:]
    accepted = [json.loads(line) for line in out.read_text().splitlines()]
    summary = json.loads(stdout.strip().splitlines()[-1])
    assert summary["posts"] + summary["files"] == len(accepted) and not summary["errors"], summary
    assert {a["thread"] for a in accepted} != {"MainThread"} and all("vigie-sink" in a["thread"] for a in accepted)
    # in Scrapy's order: the blocked first item is still the first one written
    assert accepted[0]["released"] and all(a["released"] for a in accepted)
    # the items that queued up while it was blocked went to it together
    assert max(a["batch"] for a in accepted) > 1, [a["batch"] for a in accepted]
    expected = {p["id"] for p in fresh_forum.truth()["posts"] if p["expected"]}
    assert set(_ids(accepted)) == expected
