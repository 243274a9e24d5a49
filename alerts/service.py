"""Builders for the long-running service (`vigie run`) and the CLI: one place that knows where
the alerts' files live under the data directory.

    <data_dir>/alerts.sqlite3        the outbox (alerts + deliveries)
    <data_dir>/alerts/               the token registry (see alerts.registry)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alerts.matcher import AlertMatcher
from alerts.outbox import Outbox
from alerts.registry import Registry
from alerts.worker import DeliveryWorker
from vigie.config.loader import LoadedConfig

__all__ = ["build_delivery_worker", "build_matcher", "registry_dir"]


def registry_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "alerts"


def build_matcher(config: LoadedConfig, data_dir: Path) -> AlertMatcher:
    """The ingest hook: `Ingestor(..., on_stored=build_matcher(cfg, data_dir).on_fragments)`."""
    return AlertMatcher(Registry(registry_dir(data_dir)), Outbox.for_data_dir(data_dir),
                        config.organisations)


def build_delivery_worker(config: LoadedConfig, data_dir: Path, **kwargs: Any) -> DeliveryWorker:
    return DeliveryWorker(Outbox.for_data_dir(data_dir), config.organisations,
                          config.global_config.alerts, **kwargs)
