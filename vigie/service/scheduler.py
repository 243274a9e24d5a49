"""APScheduler wiring: one job per enabled source, persisted so schedules survive restarts.

Misfire policy (documented in the README): jobs coalesce (a crawl that missed several runs while
the service was down runs once, not N times) and a missed run is still started if the service
comes back within `misfire_grace_time` (1 hour); later than that it is skipped and the next
regular run is kept. `max_instances=1` means a crawl never overlaps itself: if it is still running
when its next run is due, that run is skipped (APScheduler logs it and our metrics count it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from loguru import logger

from vigie.config.schema import SourceConfig, parse_interval

__all__ = ["JOB_FUNC", "MISFIRE_GRACE_SECONDS", "StoppableScheduler", "build_scheduler", "schedule_spec", "sync_jobs"]

MISFIRE_GRACE_SECONDS = 3600
JOB_FUNC = "vigie.service.jobs:crawl_job"


class StoppableScheduler(BackgroundScheduler):
    """A BackgroundScheduler that fires nothing once shut down.

    APScheduler 3's `shutdown()` stops the executors, then wakes the scheduler thread, which runs
    one more pass over the due jobs (the paused state was replaced by the stopped one) and submits
    them to the stopped executor: an ERROR with a traceback in the log at every clean stop of a
    service whose crawl was due meanwhile (agronholm/apscheduler#285, #985). A stopped scheduler
    has nothing to run."""

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


def build_scheduler(data_dir: Path) -> BackgroundScheduler:
    url = f"sqlite:///{(data_dir / 'scheduler.sqlite3').resolve()}"
    return StoppableScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=url)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
        timezone=UTC,
    )


def schedule_spec(source: SourceConfig) -> str:
    s = source.schedule
    return (f"interval {s.interval}" if s.interval else f"cron {s.cron}") + f" jitter {s.jitter_seconds}s"


def _trigger(source: SourceConfig) -> IntervalTrigger | CronTrigger:
    s = source.schedule
    if s.interval:
        seconds = parse_interval(s.interval).total_seconds()
        # First run soon after the source appears, then every interval.
        return IntervalTrigger(seconds=seconds, jitter=s.jitter_seconds or None, timezone=UTC,
                               start_date=datetime.now(UTC) - timedelta(seconds=seconds) + timedelta(seconds=1))
    trigger = CronTrigger.from_crontab(s.cron or "", timezone=UTC)
    trigger.jitter = s.jitter_seconds or None
    return trigger


def sync_jobs(
    scheduler: BackgroundScheduler,
    sources: dict[str, SourceConfig],
    on_scheduled: Callable[[str, str, datetime | None], None] | None = None,
    on_removed: Callable[[str], None] | None = None,
    *,
    func: str = JOB_FUNC,
) -> dict[str, list[str]]:
    """Make the scheduler's jobs match the config: add new sources, reschedule changed ones,
    remove deleted or disabled ones. Unchanged jobs keep their next run time (restart-safe).
    `func`: what a job calls (the scaled-out scheduler pushes a crawl job instead of running one)."""
    changes: dict[str, list[str]] = {"added": [], "rescheduled": [], "removed": [], "kept": []}
    wanted = {name: src for name, src in sources.items() if src.schedule.enabled}
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            scheduler.remove_job(job.id)
            changes["removed"].append(job.id)
            if on_removed:
                on_removed(job.id)
    for name, source in wanted.items():
        spec = schedule_spec(source)
        job = scheduler.get_job(name)
        if job is not None and job.kwargs.get("spec") == spec:
            changes["kept"].append(name)
        else:
            scheduler.add_job(func, trigger=_trigger(source), id=name, name=f"crawl {name}",
                              kwargs={"source": name, "spec": spec}, replace_existing=True)
            changes["rescheduled" if job is not None else "added"].append(name)
            job = scheduler.get_job(name)
        if on_scheduled:
            on_scheduled(name, spec, job.next_run_time if job else None)
    if any(changes[k] for k in ("added", "rescheduled", "removed")):
        logger.info("schedule updated: {}", {k: v for k, v in changes.items() if v})
    return changes
