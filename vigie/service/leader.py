"""`vigie scheduler`: APScheduler in exactly one place of a scaled-out deployment.

Every instance competes for one Redis lock with a lease (`LeaderLock`: SET NX PX, renewed by its
holder, a fencing token per term). The holder runs APScheduler, whose jobs push crawl jobs onto
the Redis job board (`JobBoard.push`, which checks the lock atomically: a leader that stalled
past its lease cannot push) instead of starting crawl subprocesses; the workers run them.
The others stand by and take over once the lease lapses (at most `scale.leader_lease_seconds`).

APScheduler's jobs live in Redis too (its RedisJobStore), so the next leader keeps the same next
run times; the misfire policy of the single-machine service (vigie.service.scheduler) holds.
SIGHUP re-reads the config, as `vigie run` does: the leader reschedules added, removed or changed
sources at once; a standby keeps the new config for when it leads. A config that does not load
is refused and the running one kept.
"""

from __future__ import annotations

import os
import pickle
import socket
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from apscheduler.schedulers.background import BackgroundScheduler
from loguru import logger

from crawler.frontier.cluster import JobBoard, LeaderLock
from crawler.frontier.link import RedisLink
from vigie import wiring
from vigie.config.loader import ConfigError, load_config
from vigie.config.schema import ScaleSettings
from vigie.service.scheduler import MISFIRE_GRACE_SECONDS, StoppableScheduler, sync_jobs

__all__ = ["ScaleScheduler", "push_crawl_job"]

PUSH_FUNC = "vigie.service.leader:push_crawl_job"
_LEADER: ScaleScheduler | None = None


def push_crawl_job(source: str, spec: str = "") -> None:
    """APScheduler's job (by reference, persisted): queue a crawl of `source` on the board."""
    leader = _LEADER
    if leader is None:
        logger.warning("crawl of {} fired with no leading scheduler; skipped", source)
        return
    leader.push(source)


_JOB_AAD = b"apscheduler-job"


class _SealedJobs:
    """APScheduler's RedisJobStore keeps each job as a pickle in Redis and unpickles whatever it
    finds there: anyone who can write to Redis (a local process on an AUTH-less loopback Redis)
    would run code in the leader. Here a job's pickle is sealed (AES-256-GCM under the shared
    state key, crawler.frontier.link) and unpickled only after its tag verified; a job that does
    not unseal (written by someone without the key, or by an older version) is dropped by the
    store, and `sync_jobs` re-adds the configured ones."""

    def __init__(self, link: RedisLink) -> None:
        self.link = link

    def dump(self, job: Any, protocol: int) -> bytes:
        return self.link.seal(pickle.dumps(job.__getstate__(), protocol), _JOB_AAD)

    def load(self, blob: bytes) -> Any:
        data = self.link.unseal(bytes(blob), _JOB_AAD)
        if data is None:
            raise ValueError("a scheduler job in Redis is not sealed under this deployment's state key; dropped")
        return pickle.loads(data)  # authenticated above


def _redis_jobstore(scale: ScaleSettings, link: RedisLink) -> Any:
    from apscheduler.job import Job
    from apscheduler.jobstores.base import ConflictingIdError, JobLookupError
    from apscheduler.jobstores.redis import RedisJobStore
    from apscheduler.util import datetime_to_utc_timestamp

    sealed = _SealedJobs(link)

    class SealedRedisJobStore(RedisJobStore):
        def _write(self, job: Any) -> None:
            with self.redis.pipeline() as pipe:
                pipe.multi()
                pipe.hset(self.jobs_key, job.id, sealed.dump(job, self.pickle_protocol))
                if job.next_run_time:
                    pipe.zadd(self.run_times_key, {job.id: datetime_to_utc_timestamp(job.next_run_time)})
                else:
                    pipe.zrem(self.run_times_key, job.id)
                pipe.execute()

        def add_job(self, job: Any) -> None:
            if self.redis.hexists(self.jobs_key, job.id):
                raise ConflictingIdError(job.id)
            self._write(job)

        def update_job(self, job: Any) -> None:
            if not self.redis.hexists(self.jobs_key, job.id):
                raise JobLookupError(job.id)
            self._write(job)

        def _reconstitute_job(self, job_state: bytes) -> Any:
            job = Job.__new__(Job)
            job.__setstate__(sealed.load(job_state))
            job._scheduler = self._scheduler
            job._jobstore_alias = self._alias
            return job

    parts = urlsplit(scale.redis_url)
    kwargs: dict[str, Any] = {}
    if parts.scheme == "unix":
        kwargs["unix_socket_path"] = parts.path
    else:
        kwargs.update(host=parts.hostname, port=parts.port or 6379)
        db = parts.path.strip("/")
        kwargs["db"] = int(db) if db else 0
    if scale.redis_password is not None:
        kwargs["password"] = scale.redis_password.get_secret_value()
    return SealedRedisJobStore(jobs_key=f"{scale.key_prefix}:apscheduler:jobs",
                               run_times_key=f"{scale.key_prefix}:apscheduler:run_times", **kwargs)


class ScaleScheduler:
    def __init__(self, config_dir: Path, data_dir: Path, *, instance: str | None = None) -> None:
        self.config_dir, self.data_dir = config_dir, data_dir
        self.config = load_config(config_dir)
        scale = self.config.global_config.scale
        if scale is None:
            raise ValueError(f"{config_dir}/vigie.yaml has no `scale:` section: `vigie scheduler` needs "
                             "Redis (docs/scale.md); on one machine `vigie run` schedules the crawls")
        self.scale = scale
        self.instance = instance or f"{socket.gethostname()}-{os.getpid()}"
        self.link = wiring.open_frontier_link(self.config, data_dir)
        self.lock = LeaderLock(self.link, "scheduler", self.instance, lease_ms=int(scale.leader_lease_seconds * 1000))
        self.board = JobBoard(self.link, lease_ms=int(scale.worker_lease_seconds * 1000))
        self.scheduler: BackgroundScheduler | None = None
        self.pushed = 0
        self._reload = threading.Event()

    def request_reload(self) -> None:
        """From a signal handler: the run loop reloads at its next step."""
        self._reload.set()

    def reload(self) -> None:
        """Re-read the config; the leader syncs its jobs with the sources now configured. The Redis
        connection and the lock are kept (a changed `scale:` section needs a restart)."""
        try:
            config = load_config(self.config_dir)
        except ConfigError as exc:
            logger.error("scheduler {}: config reload refused, keeping the running config:\n{}", self.instance, exc)
            return
        self.config = config
        if self.scheduler is not None:
            sync_jobs(self.scheduler, config.sources, func=PUSH_FUNC)
        logger.info("scheduler {}: config reloaded, {} source(s){}", self.instance, len(config.sources),
                    " rescheduled" if self.leading else " (standing by)")

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    def push(self, source: str) -> None:
        got = self.board.push(source, self.lock)
        if got is None:
            logger.warning("scheduler {}: lost the leader lock; crawl of {} not pushed", self.instance, source)
        elif got:
            self.pushed += 1
            logger.info("scheduler {} (term {}): crawl of {} queued", self.instance, self.lock.fence, source)
        else:
            logger.info("crawl of {} is still queued or running; this run is coalesced", source)

    def _lead(self) -> None:
        global _LEADER
        _LEADER = self
        scheduler = StoppableScheduler(
            jobstores={"default": _redis_jobstore(self.scale, self.link)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
            timezone="UTC")
        scheduler.start(paused=True)
        sync_jobs(scheduler, self.config.sources, func=PUSH_FUNC)
        scheduler.resume()
        self.scheduler = scheduler
        logger.info("scheduler {} leads (term {}): {} source(s) scheduled", self.instance, self.lock.fence,
                    len(scheduler.get_jobs()))

    def _step_down(self, why: str) -> None:
        global _LEADER
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if _LEADER is self:
            _LEADER = None
        logger.warning("scheduler {} stands by: {}", self.instance, why)

    def step(self) -> None:
        try:
            if self.leading:
                if not self.lock.renew():
                    self._step_down("the leader lease lapsed")
            elif self.lock.acquire():
                self._lead()
        except Exception as exc:  # Redis away: stop scheduling until the lock is ours again
            if self.leading:
                self._step_down(f"Redis unreachable ({type(exc).__name__})")
            else:
                logger.warning("scheduler {}: Redis unreachable ({})", self.instance, type(exc).__name__)

    def run(self, stop: threading.Event) -> int:
        period = max(0.1, self.scale.leader_lease_seconds / 3)
        logger.info("scheduler {} up, standing by for the leader lock", self.instance)
        try:
            while not stop.is_set():
                if self._reload.is_set():
                    self._reload.clear()
                    self.reload()
                self.step()
                stop.wait(period)
        finally:
            if self.leading:
                self._step_down("stopping")
                try:
                    self.lock.release()  # the standby takes over at once, not after the lease
                except Exception:
                    pass
            self.link.close()
        return 0
