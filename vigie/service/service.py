"""`vigie run`: the long-running service that schedules crawls and delivers alerts.

Design: one **subprocess per crawl**, started from APScheduler's thread pool. Scrapy runs on a
Twisted reactor that cannot be restarted inside one process, and a crawl of a hostile site can
leak memory or wedge; a subprocess gives each crawl a fresh reactor, a hard memory/CPU boundary,
and lets SIGTERM reach Scrapy's own graceful shutdown (it finishes in-flight items, and the
crawl state is checkpointed per item). The service process itself stays small: the scheduler,
the alert delivery worker and the Elasticsearch spool drainer, each on its own thread.
"""

from __future__ import annotations

import functools
import json
import os
import resource
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobEvent
from loguru import logger

from alerts.operator import OperatorNotifier
from alerts.worker import DeliveryWorker
from crawler.state import CrawlState
from crawler.tor import TorController, TorError
from indexer.store import FragmentStore
from indexer.store.spool import spool_usage
from vigie import wiring
from vigie.config.loader import ConfigError, LoadedConfig, load_config
from vigie.config.schema import SourceConfig, parse_interval
from vigie.control import take_requests
from vigie.core.peers import TrustedPeers
from vigie.core.process import PRODUCT_PYTHON, product_env
from vigie.runtime import register_config_secrets
from vigie.service import jobs
from vigie.service.metrics import ServiceMetrics
from vigie.service.scheduler import build_scheduler, sync_jobs
from vigie.service.status import ServiceDB

__all__ = ["VigieService"]

CrawlCommand = Callable[[str, Path], list[str]]


class VigieService:
    SHUTDOWN_GRACE_SECONDS = 60.0

    def __init__(self, config_dir: Path, data_dir: Path, *, crawl_command: CrawlCommand | None = None) -> None:
        self.config_dir = config_dir
        self.data_dir = data_dir
        self.config: LoadedConfig = load_config(config_dir)
        self.metrics = ServiceMetrics()
        self.db = ServiceDB(data_dir / wiring.SERVICE_DB_FILENAME)
        self.scheduler = build_scheduler(data_dir)
        self._crawl_command = crawl_command or self._default_crawl_command
        self._children: dict[str, subprocess.Popen[bytes]] = {}
        self._children_lock = threading.Lock()
        self._stop = threading.Event()
        self._reload = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self._worker: DeliveryWorker | None = None
        self._store: FragmentStore | None = None
        self._tor: TorController | None = None
        # notices to the operators (alerts.operators): one per condition until it clears
        self.operators = OperatorNotifier(wiring.outbox_path(data_dir), self.config.global_config.alerts,
                                          peers=wiring.trusted_peers(self.config))
        self._tor_checked = 0.0

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        interrupted = self.db.mark_interrupted_runs()
        if interrupted:
            logger.warning("{} crawl run(s) were interrupted by a crash; their sources resume incrementally",
                           interrupted)
        svc = self.config.global_config.service
        if svc.metrics_port:
            readers = TrustedPeers.from_names(svc.metrics_readers,
                                              enabled=self.config.global_config.security.check_local_peers)
            self.metrics.serve(svc.metrics_host, svc.metrics_port, readers=readers)
            logger.info("metrics on http://{}:{}/metrics", svc.metrics_host, svc.metrics_port)
        self._start_tor_if_needed()
        jobs.set_service(self)
        self.scheduler.add_listener(self._on_max_instances, EVENT_JOB_MAX_INSTANCES)
        self.scheduler.start(paused=True)  # paused: the persistent store is visible, nothing fires yet
        self._sync()
        self.scheduler.resume()
        self._start_thread("alerts", self._alert_loop)
        if self.config.global_config.storage.backend == "elasticsearch":
            self._start_thread("spool", self._spool_loop)
        self.db.set_state(state="running", pid=os.getpid(), started_at=time.time(),
                          config_dir=str(self.config_dir.resolve()))
        self.metrics.up.set(1)
        logger.info("vigie service running: {} source(s) scheduled", len(self.scheduler.get_jobs()))

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: self.request_stop())
        signal.signal(signal.SIGINT, lambda *_: self.request_stop())
        signal.signal(signal.SIGHUP, lambda *_: self.request_reload())

    def request_stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def request_reload(self) -> None:
        self._reload.set()
        self._wake.set()

    def serve_forever(self) -> int:
        while not self._stop.is_set():
            self._wake.wait(timeout=1.0)
            self._wake.clear()
            if self._reload.is_set() and not self._stop.is_set():
                self._reload.clear()
                self.reload()
            self._handle_requests()
            self._refresh_gauges()
        self.shutdown()
        return 0

    def _handle_requests(self) -> None:
        """Act on the operators' requests left in `<data-dir>/requests/` (see `vigie.control`)."""
        for request in take_requests(self.data_dir):
            if self._stop.is_set():
                return
            if request.source not in self.config.sources:
                logger.warning("request to {} unknown source {!r} (by {}) ignored", request.kind,
                               request.source, request.by)
                continue
            job = self.scheduler.get_job(request.source)
            logger.info("request by {}: {} {}", request.by, request.kind, request.source)
            if request.kind == "crawl":
                if job is not None:  # through the scheduler, so max_instances=1 still holds
                    job.modify(next_run_time=datetime.now(UTC))
                else:  # a source with no schedule: one run now, never beside a running one
                    self.scheduler.add_job(jobs.crawl_job, trigger="date", id=f"now-{request.source}",
                                           kwargs={"source": request.source}, replace_existing=True)
            elif job is None:
                logger.warning("cannot {} {}: it has no schedule", request.kind, request.source)
            elif request.kind == "pause":
                job.pause()
            else:
                job.resume()

    def reload(self) -> None:
        """SIGHUP: re-read the config; add, remove or reschedule sources without a restart."""
        try:
            self.config = load_config(self.config_dir)
        except ConfigError as exc:
            logger.error("config reload refused, keeping the running config:\n{}", exc)
            return
        register_config_secrets(self.config)
        try:
            self._start_tor_if_needed()  # a reload may add the first tor source
        except TorError as exc:
            logger.error("tor could not be started after the reload: {}", exc)
        if self._worker is not None:  # new organisations, changed channels and delivery settings
            self._worker.reconfigure(self.config.organisations, self.config.global_config.alerts)
        self.operators.settings = self.config.global_config.alerts
        self._sync()

    def shutdown(self) -> None:
        logger.info("shutting down: no new crawls; letting running crawls checkpoint")
        self.db.set_state(state="stopping")
        self.scheduler.pause()  # nothing new fires; running jobs carry on
        with self._children_lock:  # taken with the lock: run_crawl starts nothing after this
            children = dict(self._children)
        for source, proc in children.items():
            logger.info("asking crawl {} (pid {}) to stop", source, proc.pid)
            _signal(proc, signal.SIGTERM)
        deadline = time.monotonic() + self.SHUTDOWN_GRACE_SECONDS
        for source, proc in children.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("crawl {} did not stop in time; killing it (it resumes next run)", source)
                _signal(proc, signal.SIGKILL)
                proc.wait()
        # the scheduler's job threads return once their crawl subprocess has exited and recorded
        self.scheduler.shutdown(wait=True)
        self._threads_stop()
        self._flush_outbox()
        self._flush_store()
        if self._tor is not None:
            try:
                self._tor.close()
            except Exception as exc:
                logger.warning("tor did not stop cleanly: {}", exc)
        jobs.set_service(None)
        self.metrics.up.set(0)
        self.db.set_state(state="stopped", stopped_at=time.time())
        self.operators.close()
        logger.info("vigie service stopped")

    # -- crawls -------------------------------------------------------------------------------------

    def run_crawl(self, source: str) -> None:
        if self._stop.is_set():
            return
        fd, name = tempfile.mkstemp(prefix=f"crawl-{source}-", suffix=".json", dir=self.data_dir)
        os.close(fd)
        summary_path = Path(name)
        cmd = self._crawl_command(source, summary_path)
        src = self.config.sources.get(source)
        limits = _CrawlLimits(
            max_duration=parse_interval(src.limits.max_duration).total_seconds() if src else None,
            grace=self.config.global_config.service.crawl_kill_grace_seconds,
            memory_bytes=self.config.global_config.service.crawl_memory_limit_bytes)
        run_id = self.db.start_run(source)
        started = time.monotonic()
        self.metrics.running.inc()
        logger.info("crawl {} started (run {})", source, run_id)
        try:
            with self._children_lock:  # no crawl may start once shutdown has taken its snapshot
                if self._stop.is_set():
                    proc = None
                else:
                    proc = subprocess.Popen(cmd, preexec_fn=functools.partial(_crawl_child_setup, limits.memory_bytes),
                                            env=product_env())  # the secrets held out of os.environ put back
                    self._children[source] = proc
            if proc is None:
                self.db.finish_run(run_id, "stopped")
                summary_path.unlink(missing_ok=True)
                return
            returncode, killed_by = _wait_within(proc, source, started, limits)
        finally:
            with self._children_lock:
                self._children.pop(source, None)
            self.metrics.running.dec()
        summary = _read_json(summary_path)
        summary_path.unlink(missing_ok=True)
        outcome, label = _outcome(returncode, killed_by, summary, limits, src, stopping=self._stop.is_set())
        self.db.finish_run(run_id, outcome, summary)
        self.metrics.crawls.labels(source, label).inc()
        if label in _LIMIT_LABELS:
            self.metrics.crawls_limited.labels(source, label).inc()
            logger.error("crawl {}: {}; the source needs attention", source, outcome)
            if killed_by is not None:  # the child could not record it itself
                state = CrawlState(wiring.crawl_state_path(self.data_dir), source)
                try:
                    state.set_status("needs_attention", outcome)
                finally:
                    state.close()
        attention = summary.get("attention_reason") or (outcome if label not in ("ok", "stopped") else None)
        if attention:  # a limit, a failure, a wall or an expired session (the reason says which)
            self.operators.raise_(f"source:{source}:attention", f"source {source} needs attention: {attention}")
        else:
            self.operators.clear(f"source:{source}:attention")
        self.metrics.crawl_seconds.labels(source).observe(time.monotonic() - started)
        self.metrics.record_crawl(source, summary)
        for counter, key in ((self.metrics.pages, "pages"), (self.metrics.fragments, "fragments"),
                             (self.metrics.crawl_errors, "errors")):
            counter.labels(source).inc(float(summary.get(key, 0) or 0))
        self.metrics.items.labels(source).inc(float(summary.get("posts", 0) or 0) + float(summary.get("files", 0) or 0))
        job = self.scheduler.get_job(source) if self.scheduler.running else None
        if job is not None:
            self.db.set_source(source, job.kwargs.get("spec", ""), job.next_run_time)
        logger.info("crawl {} finished: {} {}", source, outcome,
                    {k: summary.get(k) for k in ("pages", "posts", "files", "fragments", "errors") if k in summary})
        refused = {k: v for k, v in {**(summary.get("refused") or {}),
                                     "bombs_refused": summary.get("bombs_refused") or 0}.items() if v}
        if refused:  # not only in the run's JSON: `vigie status` and the metrics show them too
            logger.warning("crawl {}: refused or not read whole: {}", source, refused)

    def _default_crawl_command(self, source: str, summary_path: Path) -> list[str]:
        cmd = [*PRODUCT_PYTHON, "-m", "vigie", "--log-json", "crawl", source,
               "--config", str(self.config_dir), "--data-dir", str(self.data_dir),
               "--summary-json", str(summary_path), "--quiet"]
        tor = self._tor
        if tor is not None and tor.auto_ports:  # the configured ports were taken (vigie.wiring.start_tor)
            cmd += ["--tor-socks", f"{tor.settings.socks_host}:{tor.settings.socks_port}"]
        return cmd

    def _on_max_instances(self, event: JobEvent) -> None:
        logger.info("crawl {} is still running; this run is skipped (no overlap)", event.job_id)
        self.metrics.crawls_skipped.labels(event.job_id).inc()

    def _sync(self) -> None:
        sync_jobs(self.scheduler, self.config.sources,
                  on_scheduled=self.db.set_source, on_removed=self.db.remove_source)

    # -- tor, alerts, spool -------------------------------------------------------------------------

    def _start_tor_if_needed(self) -> None:
        """Launch tor (`tor.mode: launch`) or attach to it (`external`) once a scheduled source
        needs it, with NEWNYM on its schedule (`vigie.wiring.start_tor`, shared with `vigie crawl`)."""
        if self._tor is not None:
            return
        uses_tor = any(s.network == "tor" and s.schedule.enabled for s in self.config.sources.values())
        self._tor = wiring.start_tor(self.config.global_config.tor, self.data_dir, needed=uses_tor,
                                     long_running=True, peers=wiring.trusted_peers(self.config))

    def _start_thread(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=f"vigie-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _threads_stop(self) -> None:
        # the worker's run_forever watches self._stop, set before this is called
        for thread in self._threads:
            thread.join(timeout=30)

    def _alert_loop(self) -> None:
        self._worker = wiring.build_delivery_worker(self.config, self.data_dir)
        self._worker.run_forever(self._stop)

    def _flush_outbox(self) -> None:
        if self._worker is None or any(t.name == "vigie-alerts" and t.is_alive() for t in self._threads):
            return  # the worker is still sending: what it has not acked stays queued for next start
        try:
            sent = self._worker.run_once()
            logger.info("outbox flushed: {} alert(s) delivered at shutdown", sent)
        except Exception as exc:
            logger.warning("outbox flush failed, alerts stay queued: {}", exc)

    def _spool_loop(self) -> None:
        while not self._stop.wait(5.0):
            self._flush_store()

    def _flush_store(self) -> None:
        try:
            if self._store is None:
                self._store = wiring.open_store(self.config, self.data_dir)
            self._store.flush()
            self.metrics.store_documents.set(self._store.count())
        except Exception as exc:
            logger.warning("store flush deferred: {}", exc)
        self._refresh_spool_gauges()

    def _refresh_spool_gauges(self) -> None:
        storage = self.config.global_config.storage
        if storage.backend != "elasticsearch":
            return
        usage = spool_usage(self.data_dir / "spool", storage.elasticsearch.spool_max_bytes)
        if usage is not None:
            self.metrics.spool_bytes.set(usage.pending_bytes)
            self.metrics.spool_full.set(1 if usage.full else 0)
            if usage.full or usage.pending_bytes >= 0.8 * storage.elasticsearch.spool_max_bytes:
                self.operators.raise_("spool:filling", f"the Elasticsearch spool holds {usage.pending_bytes} bytes "
                                      f"(cap {storage.elasticsearch.spool_max_bytes}): is Elasticsearch down?")
            else:
                self.operators.clear("spool:filling")

    def _refresh_gauges(self) -> None:
        if self._worker is not None:
            try:
                counts = self._worker.counts()
                for status, n in counts.items():
                    self.metrics.outbox.labels(status).set(n)
                if counts.get("failed", 0):
                    self.operators.raise_("alerts:dead-lettered", f"{counts['failed']} alert delivery(ies) "
                                          "dead-lettered: vigie alerts list --status failed")
                else:
                    self.operators.clear("alerts:dead-lettered")
            except Exception:
                pass
        if self._tor is not None and time.monotonic() - self._tor_checked >= 30.0:
            self._tor_checked = time.monotonic()
            health = self._tor.health()  # never raises
            if health.ok:
                self.operators.clear("tor:down")
            else:
                self.operators.raise_("tor:down", f"Tor is not healthy: {health.error or 'bootstrap incomplete'}")
        try:
            self.operators.flush()
        except Exception as exc:  # the notices stay queued; the service carries on
            logger.warning("operator notices deferred: {}", type(exc).__name__)


@dataclass(frozen=True)
class _CrawlLimits:
    max_duration: float | None  # seconds; None for a source no longer in the config
    grace: float
    memory_bytes: int


# metric labels of runs a limit cut short (vigie_crawls_limited_total)
_LIMIT_LABELS = frozenset({"timeout", "killed_timeout", "out_of_memory"})


def _wait_within(proc: subprocess.Popen[bytes], source: str, started: float,
                 limits: _CrawlLimits) -> tuple[int, str | None]:
    """Wait for the crawl; past max_duration + grace it gets SIGTERM (Scrapy's graceful stop,
    which checkpoints), past a further grace SIGKILL: a wedged crawl must not hold its source
    forever, since a source never overlaps itself. Returns the exit code and the signal we sent."""
    if limits.max_duration is None:
        return proc.wait(), None
    term_at = started + limits.max_duration + limits.grace
    for sig, at in ((signal.SIGTERM, term_at), (signal.SIGKILL, term_at + limits.grace)):
        try:
            return proc.wait(timeout=max(0.0, at - time.monotonic())), None if sig == signal.SIGTERM else "SIGTERM"
        except subprocess.TimeoutExpired:
            logger.warning("crawl {} overran max_duration + {:.0f}s grace; sending {} (pid {})",
                           source, limits.grace, sig.name, proc.pid)
            _signal(proc, sig)
    return proc.wait(), "SIGKILL"


def _outcome(returncode: int, killed_by: str | None, summary: dict[str, Any], limits: _CrawlLimits,
             source: SourceConfig | None, *, stopping: bool) -> tuple[str, str]:
    """The run's outcome as `vigie status` shows it, and its metric label."""
    mib = limits.memory_bytes // 2**20
    reason = summary.get("finish_reason")
    if killed_by is not None:
        return f"killed: exceeded max_duration + grace ({killed_by})", "killed_timeout"
    if reason in ("memusage_exceeded", "out_of_memory"):
        return f"killed: out of memory (limit {mib} MiB)", "out_of_memory"
    if reason == "closespider_timeout":
        took = source.limits.max_duration if source else "max_duration"
        return f"timeout: stopped after max_duration ({took})", "timeout"
    if reason == "shutdown" or (returncode != 0 and stopping):
        return "stopped", "stopped"  # by our SIGTERM: Scrapy checkpointed and closed early
    if returncode == 0:
        return ("needs_attention", "needs_attention") if summary.get("needs_attention") else ("ok", "ok")
    return f"failed (exit {returncode})", "failed"


def _crawl_child_setup(memory_bytes: int) -> None:
    """In the crawl child: its own process group (so a terminal's Ctrl-C reaches only the
    service, which forwards SIGTERM), and SIGTERM when the service dies, even by SIGKILL: an
    orphaned crawl must not run on beside the next service's crawl of the same source.
    Resource limits: an address-space cap (a hostile page cannot eat the host's memory; the
    crawl stops itself before it, see `crawler.defaults.MEMUSAGE_FRACTION`) and no core dumps
    (a core file would hold the keys and page contents in plaintext)."""
    os.setsid()
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _signal(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text() or "{}")
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}
