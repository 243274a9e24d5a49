"""Crawl limits (issue 11, section 3): a wedged or endless crawl cannot hold its source forever.

The service (`VigieService.run_crawl`, called directly here: the scheduler only decides when)
runs each crawl as a real subprocess. A crawl that outlives `limits.max_duration` stops itself
(Scrapy CLOSESPIDER_TIMEOUT); one that ignores that and SIGTERM is SIGKILLed; the child runs
under an address-space limit and without core dumps. Each outcome is in the service database
(what `vigie status` shows), the metrics, and the source's crawl state (needs attention).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
import yaml

from crawler.state import CrawlState
from tests.fixtures.forum import make_config, test_keys_env
from vigie import wiring
from vigie.config.loader import load_config
from vigie.service.service import VigieService
from vigie.service.status import status_report
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow
SOURCE = "test-phpbb"


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in test_keys_env.items():  # the crawl child inherits the service's environment
        monkeypatch.setenv(name, value)


def _service_config(config: Path, *, grace: float, memory: int = 2 * 1024**3) -> None:
    (config / "vigie.yaml").write_text(yaml.safe_dump({
        "storage": {"backend": "embedded"},
        "service": {"metrics_port": None, "crawl_kill_grace_seconds": grace, "crawl_memory_limit_bytes": memory},
    }))


def _limited(service: VigieService, label: str) -> float:
    value = service.metrics.registry.get_sample_value("vigie_crawls_limited_total",
                                                      {"source": SOURCE, "limit": label})
    return value or 0.0


def _attention(data: Path) -> tuple[str, str | None]:
    state = CrawlState(wiring.crawl_state_path(data), SOURCE)
    try:
        status = state.status()
    finally:
        state.close()
    assert status is not None
    return status.status, status.reason


def test_an_endless_crawl_stops_gracefully_at_max_duration(tmp_path: Path) -> None:
    config, data = tmp_path / "config", tmp_path / "data"
    with ForumServer("phpbb", size="full", bomb_megabytes=1) as forum:
        # one page every 0.5 s over a forum of hundreds of pages: far longer than max_duration
        make_config(config, forum.url, limits={"concurrency": 1, "delay_seconds": 0.5, "delay_jitter": False,
                                               "max_pages": 10_000, "max_duration": "3s"})
        _service_config(config, grace=30)
        service = VigieService(config, data)
        service.db.set_source(SOURCE, "interval 1h", None)  # what the scheduler's sync records
        started = time.monotonic()
        service.run_crawl(SOURCE)
        took = time.monotonic() - started
    run = service.db.runs(SOURCE)[0]
    assert run.outcome == "timeout: stopped after max_duration (3s)"
    assert run.pages > 0, "the crawl did work before its time was up"
    # on the crawl's own clock: the wall time adds the subprocess's start-up, once 18 s on a loaded
    # CI runner (a wall-clock bound of 25 s there measured the runner, not the stop)
    crawled = json.loads(run.detail or "{}")["duration_seconds"]
    assert crawled < 25, f"the crawl should have stopped itself at 3 s, took {crawled:.1f}s ({took:.1f}s in all)"
    assert took < 120, f"run_crawl returned after {took:.1f}s"
    assert _limited(service, "timeout") == 1
    assert _attention(data) == ("needs_attention", "timeout: stopped after max_duration (3s)")
    service.db.close()
    report = status_report(load_config(config), data).to_dict()  # what `vigie status --json` prints
    assert report["sources"][0]["last_run"]["outcome"] == "timeout: stopped after max_duration (3s)"


def test_a_crawl_ignoring_sigterm_is_killed_and_reported(tmp_path: Path) -> None:
    config, data = tmp_path / "config", tmp_path / "data"
    make_config(config, "http://127.0.0.1:9", limits={"max_duration": "1s"})
    _service_config(config, grace=0.5)
    pid_file = tmp_path / "child.pid"
    # A real process standing in for a wedged crawl (injected through crawl_command): it ignores
    # SIGTERM and never exits on its own; only SIGKILL ends it.
    wedged = ("import os, signal, time, sys\n"
              "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
              f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
              "time.sleep(600)\n")
    service = VigieService(config, data, crawl_command=lambda source, summary: [sys.executable, "-c", wedged])
    started = time.monotonic()
    try:
        service.run_crawl(SOURCE)
    finally:  # never leave the wedged child behind, even when the service failed to kill it
        if pid_file.exists() and Path(f"/proc/{pid_file.read_text()}").exists():
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
    took = time.monotonic() - started
    assert 1.9 <= took < 10, f"SIGKILL is due at max_duration + 2 x grace = 2 s, came after {took:.1f}s"
    pid = int(pid_file.read_text())
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    run = service.db.runs(SOURCE)[0]
    assert run.outcome == "killed: exceeded max_duration + grace (SIGKILL)"
    assert _limited(service, "killed_timeout") == 1
    assert service.metrics.registry.get_sample_value(
        "vigie_crawls_total", {"source": SOURCE, "outcome": "killed_timeout"}) == 1
    assert _attention(data) == ("needs_attention", "killed: exceeded max_duration + grace (SIGKILL)")
    service.db.close()


def test_a_crawl_stopping_on_sigterm_after_the_grace_is_reported_as_killed(tmp_path: Path) -> None:
    config, data = tmp_path / "config", tmp_path / "data"
    make_config(config, "http://127.0.0.1:9", limits={"max_duration": "1s"})
    _service_config(config, grace=0.5)
    # a real child that sleeps past its time but exits on SIGTERM (the default action)
    sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
    service = VigieService(config, data, crawl_command=lambda s, p: sleeper)
    service.run_crawl(SOURCE)
    assert service.db.runs(SOURCE)[0].outcome == "killed: exceeded max_duration + grace (SIGTERM)"
    service.db.close()


def test_the_crawl_child_runs_under_the_memory_limit_without_core_dumps(tmp_path: Path) -> None:
    config, data = tmp_path / "config", tmp_path / "data"
    make_config(config, "http://127.0.0.1:9", limits={"max_duration": "1m"})
    limit = 512 * 1024 * 1024
    _service_config(config, grace=5, memory=limit)
    out = tmp_path / "limits.txt"
    # a real child that reads its own limits back, then tries to allocate past the limit
    probe = ("import sys\n"
             f"limits = open('/proc/self/limits').read()\n"
             "try:\n"
             f"    block = bytearray({limit})\n"
             "    refused = 'allocated'\n"
             "except MemoryError:\n"
             "    refused = 'MemoryError'\n"
             f"open({str(out)!r}, 'w').write(limits + refused)\n")
    service = VigieService(config, data, crawl_command=lambda s, p: [sys.executable, "-c", probe])
    service.run_crawl(SOURCE)
    text = out.read_text()
    rows = {line[:26].strip(): line[26:].split() for line in text.splitlines()[1:-1]}
    assert rows["Max address space"][:2] == [str(limit), str(limit)]
    assert rows["Max core file size"][:2] == ["0", "0"]
    assert text.splitlines()[-1] == "MemoryError", "an allocation past the limit must fail in the child"
    assert service.db.runs(SOURCE)[0].outcome == "ok"
    service.db.close()


def test_a_crawl_that_runs_out_of_memory_is_reported(tmp_path: Path) -> None:
    """The real `vigie crawl` records a MemoryError in its summary (finish reason out_of_memory);
    the service reports the run as killed by the memory limit."""
    config, data = tmp_path / "config", tmp_path / "data"
    make_config(config, "http://127.0.0.1:9", limits={"max_duration": "1m"})
    limit = 256 * 1024 * 1024
    _service_config(config, grace=5, memory=limit)
    # a real child writing what `vigie crawl --summary-json` writes on a MemoryError
    def command(source: str, summary: Path) -> list[str]:
        code = (f"import json\ntry:\n    bytearray({limit})\nexcept MemoryError:\n"
                f"    open({str(summary)!r}, 'w').write(json.dumps({{'finish_reason': 'out_of_memory'}}))\n"
                "    raise SystemExit(1)\n")
        return [sys.executable, "-c", code]

    service = VigieService(config, data, crawl_command=command)
    service.run_crawl(SOURCE)
    assert service.db.runs(SOURCE)[0].outcome == "killed: out of memory (limit 256 MiB)"
    assert _limited(service, "out_of_memory") == 1
    service.db.close()
