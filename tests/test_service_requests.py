"""Operators' requests to the running service ("crawl now", "pause", "resume"), left as files by
`vigie.control.write_request` (what the web app's buttons do), acted on by a real `vigie run`."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.fixtures.forum import make_config
from tests.test_service import SOURCE, runs, service, set_schedule, stop, wait_for, write_global
from vigie.control import REQUESTS_DIR, pending_requests, take_requests, write_request
from vigie_kit.forum import ForumServer
from vigie_kit.sinks import free_port

pytestmark = pytest.mark.slow


@pytest.fixture
def small_forum() -> ForumServer:
    with ForumServer("phpbb", size="small", hostile=False) as forum:
        yield forum


def test_requests_are_private_atomic_files_and_malformed_ones_are_dropped(tmp_path: Path) -> None:
    path = write_request(tmp_path, "crawl", "forum-a", "alice")
    assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    write_request(tmp_path, "pause", "forum-b", "bob")
    (tmp_path / REQUESTS_DIR / "crawl-evil.json").write_text('{"kind": "pause", "source": "evil"}')
    (tmp_path / REQUESTS_DIR / "shutdown-forum-a.json").write_text('{"kind": "shutdown", "source": "forum-a"}')
    assert pending_requests(tmp_path) == {"forum-a": "crawl", "forum-b": "pause"}
    taken = take_requests(tmp_path)
    assert [(r.kind, r.source, r.by) for r in taken] == [("crawl", "forum-a", "alice"), ("pause", "forum-b", "bob")]
    assert list((tmp_path / REQUESTS_DIR).glob("*.json")) == [], "taken and malformed files are removed"
    with pytest.raises(ValueError):
        write_request(tmp_path, "crawl", "../../etc", "mallory")


def test_crawl_now_pause_and_resume_reach_the_running_service(small_forum: ForumServer, tmp_path: Path) -> None:
    config = make_config(tmp_path / "config", small_forum.url)
    set_schedule(config, SOURCE, "1h")  # after the first run, nothing would run for an hour
    write_global(config, free_port())
    data = tmp_path / "data"
    with service(config, data) as proc:
        wait_for(lambda: [r for r in runs(data, SOURCE) if r["outcome"] == "ok"], 120, "the first run")
        time.sleep(2)
        assert len(runs(data, SOURCE)) == 1
        write_request(data, "crawl", SOURCE, "operator")
        wait_for(lambda: len([r for r in runs(data, SOURCE) if r["outcome"] == "ok"]) == 2, 120, "the requested crawl")
        assert pending_requests(data) == {}, "the service took the request"

        set_schedule(config, SOURCE, "2s")
        proc.send_signal(1)  # SIGHUP: the 2 s schedule replaces the 1 h one
        wait_for(lambda: len([r for r in runs(data, SOURCE) if r["finished_at"]]) >= 2, 120, "scheduled runs")
        write_request(data, "pause", SOURCE, "operator")
        wait_for(lambda: pending_requests(data) == {}, 30, "the pause to be taken")
        wait_for(lambda: not [r for r in runs(data, SOURCE) if not r["finished_at"]], 120, "the running crawl to end")
        paused_count = len(runs(data, SOURCE))
        time.sleep(6)  # three periods of the schedule
        assert len(runs(data, SOURCE)) == paused_count, "a paused source must not run"

        write_request(data, "resume", SOURCE, "operator")
        wait_for(lambda: len(runs(data, SOURCE)) > paused_count, 60, "a run after resume")
        assert stop(proc) == 0
