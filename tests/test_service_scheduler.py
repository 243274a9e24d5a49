"""The service's APScheduler (vigie.service.scheduler): a clean stop fires nothing and logs no error."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from vigie.service.scheduler import StoppableScheduler, build_scheduler

_RAN = threading.Event()


def _job() -> None:
    _RAN.set()


def _stop_paused_with_a_due_job(scheduler: BackgroundScheduler, caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the service does at SIGTERM: paused first, shut down once its crawls ended, with a run
    that fell due in between."""
    _RAN.clear()
    scheduler.start(paused=True)
    scheduler.add_job(_job, "interval", seconds=3600, id="due", misfire_grace_time=3600,
                      next_run_time=datetime.now(UTC) - timedelta(seconds=1))
    with caplog.at_level(logging.ERROR, logger="apscheduler"):
        scheduler.shutdown(wait=True)
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_paused_scheduler_shut_down_with_a_due_run_logs_no_error(tmp_path: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    scheduler = build_scheduler(tmp_path)
    assert isinstance(scheduler, StoppableScheduler)
    assert _stop_paused_with_a_due_job(scheduler, caplog) == []
    assert not _RAN.is_set()


def test_apschedulers_own_background_scheduler_does(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Why the subclass exists: the same stop with APScheduler's class, on the same persistent job
    store, submits the due run to its stopped pool (agronholm/apscheduler#285). If a release
    fixes that, this test says so."""
    url = f"sqlite:///{tmp_path / 'scheduler.sqlite3'}"
    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)}, timezone=UTC)
    errors = _stop_paused_with_a_due_job(scheduler, caplog)
    assert errors and all(e.startswith('Error submitting job "_job') for e in errors), errors
