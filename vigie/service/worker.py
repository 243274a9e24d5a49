"""`vigie worker`: one crawl worker of the scaled-out deployment (docs/scale.md).

Stateless: everything it knows is in Redis. It renews a heartbeat lease (`Membership`), and
claims the queued crawl jobs (`JobBoard`, pushed by the elected `vigie scheduler`) of the sources
whose onion hashes to it among the live workers (rendezvous hashing): a source's requests stick
to this worker's Tor client and circuits, and its politeness limits (Scrapy's per-domain
concurrency and delay) hold cluster-wide because only one worker crawls an onion at a time.

Each claimed job runs in its own process (`python -m vigie.service.crawl_job`), under a job
lease this worker renews. Kill the worker (and with it its crawls, PDEATHSIG) and its heartbeat
and job leases lapse within `scale.worker_lease_seconds`; the source's next owner claims the
same run and resumes it from the frontier.
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from loguru import logger

from crawler.frontier.cluster import CrawlJob, JobBoard, Membership, assign
from crawler.frontier.link import RedisLink
from crawler.frontier.queue import RedisFrontier
from crawler.tor import TorController
from vigie import wiring
from vigie.config.loader import ConfigError, LoadedConfig, load_config
from vigie.config.schema import SourceConfig
from vigie.core.process import PRODUCT_PYTHON, product_env

__all__ = ["JOB_PYTHON", "CrawlWorker", "default_worker_id", "source_key"]


def default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def source_key(source: SourceConfig) -> str:
    """What a source is placed by: its onion (host of its first start URL). Sources on the same
    onion land on the same worker, so per-onion politeness holds."""
    return (urlsplit(source.start_urls[0]).hostname or source.name).lower()


JOB_PYTHON = PRODUCT_PYTHON  # the job's interpreter (vigie.core.process.PRODUCT_PYTHON: -P)


@dataclass
class _Running:
    job: CrawlJob
    proc: subprocess.Popen[bytes]
    summary: Path
    started: float = field(default_factory=time.monotonic)


def _child_setup() -> None:
    """The crawl dies with its worker (PDEATHSIG SIGKILL): a worker is stateless, and a crawl
    left running beside the source's next owner would break per-source stickiness. No core
    dumps (they would hold keys and pages)."""
    os.setsid()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class CrawlWorker:
    def __init__(self, config_dir: Path, data_dir: Path, *, worker_id: str | None = None,
                 tor_socks: tuple[str, int] | None = None, tick: float = 0.5,
                 max_pages: int | None = None, index: bool = True) -> None:
        self.config_dir, self.data_dir = config_dir, data_dir
        self.config: LoadedConfig = load_config(config_dir)
        scale = self.config.global_config.scale
        if scale is None:
            raise ValueError(f"{config_dir}/vigie.yaml has no `scale:` section: `vigie worker` needs the "
                             "Redis frontier (docs/scale.md); on one machine use `vigie run`")
        self.scale = scale
        self.worker_id = worker_id or scale.worker_id or default_worker_id()
        self.tor_socks = tor_socks
        self.tick = tick
        self.max_pages = max_pages
        self.index = index
        self.link: RedisLink = wiring.open_frontier_link(self.config, data_dir)
        lease_ms = int(scale.worker_lease_seconds * 1000)
        self.members = Membership(self.link, lease_ms=lease_ms)
        self.board = JobBoard(self.link, lease_ms=lease_ms)
        self.running: dict[str, _Running] = {}
        self._tor: TorController | None = None
        self.finished = 0
        self._retry_after: dict[str, tuple[int, float]] = {}  # source -> (failures, not before)
        self._reload = threading.Event()
        self._placed: tuple[tuple[tuple[str, ...], tuple[str, ...]], dict[str, str]] | None = None
        self._unknown: dict[str, float] = {}  # queued source missing from this config -> last reported
        self._unknown_reload = -3600.0  # when one of them last made this worker reload its config

    def request_reload(self) -> None:
        """From a signal handler (SIGHUP): the next round re-reads the config."""
        self._reload.set()

    def reload(self) -> bool:
        """Re-read the config (new or changed sources); a config that does not load is refused and
        the running one kept. The Redis link and the Tor client stay (a changed `scale:` or `tor:`
        section needs a restart)."""
        try:
            self.config = load_config(self.config_dir)
        except ConfigError as exc:
            logger.error("worker {}: config reload refused, keeping the running config:\n{}", self.worker_id, exc)
            return False
        logger.info("worker {}: config reloaded, {} source(s)", self.worker_id, len(self.config.sources))
        return True

    def _placement(self, live: list[str]) -> dict[str, str]:
        """Which worker crawls each configured onion (`assign`), recomputed only when the live
        workers or the configured sources change."""
        keys = tuple(sorted({source_key(s) for s in self.config.sources.values()}))
        if self._placed is None or self._placed[0] != (tuple(live), keys):
            self._placed = ((tuple(live), keys), assign(keys, live))
        return self._placed[1]

    def _source(self, name: str) -> SourceConfig | None:
        """The configured source `name`. A job queued for a source this worker does not know (the
        scheduler's config is newer) triggers a reload, at most once a minute whatever the number of
        such names, and is reported: otherwise it would wait unclaimed without a word."""
        source = self.config.sources.get(name)
        if source is not None:
            return source
        now = time.monotonic()
        last = self._unknown.get(name)
        if last is None or now - last > 60:
            if len(self._unknown) >= 1000:  # names planted in Redis by the thousand: memory stays bounded
                self._unknown.clear()
            self._unknown[name] = now
            # one reload a minute whatever the number of unknown names (each would re-read every YAML)
            if now - self._unknown_reload > 60:
                self._unknown_reload = now
                if self.reload() and name in self.config.sources:
                    return self.config.sources[name]
            if len(self._unknown) <= 20:
                logger.warning("worker {}: a crawl of {} is queued but no source of that name is in {}; "
                               "is this worker's config older than the scheduler's?", self.worker_id, name,
                               self.config_dir)
            elif len(self._unknown) == 21:
                logger.warning("worker {}: crawls of more than 20 unknown sources are queued; is something other "
                               "than `vigie scheduler` writing to Redis?", self.worker_id)
        return None

    # -- the loop -----------------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> int:
        tor = self.config.global_config.tor
        if self.tor_socks is None and any(s.network == "tor" for s in self.config.sources.values()):
            # tor's own free ports (`auto`), read back from it, never ports picked here and handed
            # over: another local user could bind one in between (crawler.tor.TorController.launch)
            self._tor = wiring.start_tor(tor, self.data_dir / "workers" / self.worker_id, needed=True,
                                         long_running=True, peers=wiring.trusted_peers(self.config), auto_ports=True)
            if self._tor is not None:
                self.tor_socks = (self._tor.settings.socks_host, self._tor.settings.socks_port)
        logger.info("worker {} up (tor {})", self.worker_id,
                    f"{self.tor_socks[0]}:{self.tor_socks[1]}" if self.tor_socks else "not needed")
        try:
            while not stop.is_set():
                self.step()
                stop.wait(self.tick)
        finally:
            self.shutdown()
        return 0

    def step(self) -> None:
        """One round: heartbeat, renew and reap running crawls, claim what is ours."""
        try:
            if self._reload.is_set():
                self._reload.clear()
                self.reload()
            self.members.heartbeat(self.worker_id)
            self._reap()
            live = self.members.live()
            if self.worker_id not in live:
                return
            for source_name, job in sorted(self.board.pending().items(), key=lambda kv: kv[1].queued_ms):
                if len(self.running) >= self.scale.max_crawls_per_worker:
                    break
                if source_name in self.running or self._retry_after.get(source_name, (0, 0.0))[1] > time.monotonic():
                    continue
                source = self._source(source_name)
                if source is None or self._placement(live).get(source_key(source)) != self.worker_id:
                    continue
                if self.board.claim(source_name, self.worker_id):
                    self._spawn(job)
        except Exception as exc:  # Redis restarting: the leases are longer than the outage we wait
            logger.warning("worker {}: round skipped ({}: {})", self.worker_id, type(exc).__name__, exc)

    def _spawn(self, job: CrawlJob) -> None:
        fd, name = tempfile.mkstemp(prefix=f"job-{job.source}-", suffix=".json", dir=self.data_dir)
        os.close(fd)
        owner = f"{self.worker_id}/{secrets.token_hex(4)}"
        cmd = [*JOB_PYTHON, "-m", "vigie.service.crawl_job", "--config", str(self.config_dir),
               "--data-dir", str(self.data_dir), "--source", job.source, "--run", job.run_id,
               "--owner", owner, "--summary-json", name]
        if self.tor_socks:
            cmd += ["--tor-socks", f"{self.tor_socks[0]}:{self.tor_socks[1]}"]
        if self.max_pages:
            cmd += ["--max-pages", str(self.max_pages)]
        if not self.index:
            cmd.append("--no-index")
        proc = subprocess.Popen(cmd, preexec_fn=_child_setup, stdin=subprocess.DEVNULL,
                                env=product_env())  # the secrets held out of os.environ put back
        self.running[job.source] = _Running(job, proc, Path(name))
        logger.info("worker {}: crawl of {} (run {}) started, pid {}", self.worker_id, job.source, job.run_id, proc.pid)

    def _reap(self) -> None:
        for source, run in list(self.running.items()):
            code = run.proc.poll()
            if code is None:
                if not self.board.renew(source, self.worker_id):
                    # the lease lapsed (this worker stalled): another worker may hold the job now
                    logger.error("worker {}: lost the lease of {}; stopping that crawl", self.worker_id, source)
                    _kill(run.proc)
                    run.proc.wait()
                    run.summary.unlink(missing_ok=True)
                    del self.running[source]
                continue
            del self.running[source]
            summary = _read_json(run.summary)
            run.summary.unlink(missing_ok=True)
            # a crawl that ran dry with requests still queued or leased in its run is not done:
            # closing the run would delete them (the next attempt takes them instead)
            left = summary.get("frontier_left") if summary.get("finish_reason") == "finished" else 0
            if code == 0 and summary.get("finish_reason") not in (None, "shutdown") and not left:
                # the run closes (its frontier deleted) only while this worker holds the job: after
                # a stall past the lease, another worker may have taken it over and be resuming the
                # run on that frontier (finish checks the lease atomically; a new run has new keys)
                if not self.board.finish(run.job, self.worker_id, summary):
                    logger.warning("worker {}: crawl of {} finished after this worker lost its job lease; the "
                                   "run is left to the job's holder", self.worker_id, source)
                    continue
                RedisFrontier(self.link, source, run.job.run_id, "-", lease_ms=1).clear()
                self.finished += 1
                self._retry_after.pop(source, None)
                logger.info("worker {}: crawl of {} finished ({}): {} pages, {} items", self.worker_id, source,
                            summary.get("finish_reason"), summary.get("pages"),
                            (summary.get("posts") or 0) + (summary.get("files") or 0) + (summary.get("pastes") or 0))
            else:  # failed or stopped: the job stays queued with its frontier; released for a retry
                self.board.release(source, self.worker_id)
                failures = self._retry_after.get(source, (0, 0.0))[0] + 1
                self._retry_after[source] = (failures, time.monotonic() + min(300.0, 2.0 ** failures))
                logger.warning("worker {}: crawl of {} ended without finishing (exit {}, {} request(s) left in its "
                               "frontier); it will be resumed", self.worker_id, source, code, left or 0)

    def shutdown(self) -> None:
        """A clean stop: crawls get SIGTERM (Scrapy checkpoints), their jobs are released with
        their frontier intact, and the worker leaves the membership so its sources move now."""
        for run in self.running.values():
            _signal(run.proc, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for source, run in list(self.running.items()):
            try:
                run.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _kill(run.proc)
                run.proc.wait()
            try:
                self.board.release(source, self.worker_id)
            except Exception:
                pass
            run.summary.unlink(missing_ok=True)
        self.running.clear()
        try:
            self.members.leave(self.worker_id)
        except Exception:
            pass
        if self._tor is not None:
            self._tor.close()
        self.link.close()


def _signal(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def _kill(proc: subprocess.Popen[bytes]) -> None:
    _signal(proc, signal.SIGKILL)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text() or "{}")
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}
