"""A worker closes a crawl run (deletes its frontier) only while it still holds the run's job.

A worker that stalled past its job lease (load, a Redis restart) may reap a crawl that finished
after another worker took the job over and resumed the same run: `vigie worker` deleted the
run's frontier (queue, leases, duplicate filter) before `JobBoard.finish` refused it for the lost
lease, under the crawl that now holds the run, which then finished with what it had in memory
and recorded the run short.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from crawler.frontier.cluster import LeaderLock
from crawler.frontier.queue import RedisFrontier
from tests.redis_server import RedisServer, redis_fixture
from tests.test_scale_frontier import _scale_config

redis_server = redis_fixture()


def test_a_worker_that_lost_the_job_leaves_the_run_to_its_new_holder(
        redis_server: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vigie.service.worker import CrawlWorker, _Running

    monkeypatch.setenv("VIGIE_REDIS_PASSWORD", redis_server.password)
    config = _scale_config(tmp_path / "config", redis_server.url, "lostjob", ("forum-a",))
    worker = CrawlWorker(config, tmp_path / "data", worker_id="w-old")
    try:
        lock = LeaderLock(worker.link, "scheduler", "s", lease_ms=5000)
        assert lock.acquire() and worker.board.push("forum-a", lock)
        job = worker.board.pending()["forum-a"]
        assert worker.board.claim("forum-a", "w-old")
        # the lease lapsed while w-old stalled, and w-new took the job over: its crawl resumed the
        # run and has queued requests (and the duplicate filter) in the run's frontier
        worker.link.client.delete(worker.board._lease_key("forum-a"))
        assert worker.board.claim("forum-a", "w-new")
        frontier = RedisFrontier(worker.link, "forum-a", job.run_id, "w-new/crawl", lease_ms=60_000)
        assert frontier.push_new(b"thread-7", b"a thread the new crawl listed")
        # w-old's crawl (a real process that just exits) reports finished with nothing left
        summary = tmp_path / "summary.json"
        summary.write_text(json.dumps({"finish_reason": "finished", "pages": 3, "frontier_left": 0}))
        proc = subprocess.Popen(["true"])
        proc.wait()
        worker.running["forum-a"] = _Running(job, proc, summary)
        worker._reap()
        assert frontier.queued() == 1, "the run's frontier was deleted under the crawl holding the job"
        assert not frontier.push_new(b"thread-7", b"again"), "the run's duplicate filter was deleted"
        assert worker.board.runs() == [] and worker.board.holder("forum-a") == "w-new"
        assert "forum-a" in worker.board.pending() and worker.running == {}
    finally:
        worker.link.close()
