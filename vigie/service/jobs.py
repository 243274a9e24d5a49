"""Scheduled job entry point, referenced by name from the persistent job store.

The job store keeps only `vigie.service.jobs:crawl_job` and its arguments; the live service
registers itself here at start so the job can reach it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loguru import logger

if TYPE_CHECKING:
    from vigie.service.service import VigieService

__all__ = ["crawl_job", "set_service"]

_SERVICE: VigieService | None = None


def set_service(service: VigieService | None) -> None:
    global _SERVICE
    _SERVICE = service


def crawl_job(source: str, spec: str = "") -> None:
    if _SERVICE is None:
        logger.warning("crawl of {} fired with no running service; skipped", source)
        return
    _SERVICE.run_crawl(source)
