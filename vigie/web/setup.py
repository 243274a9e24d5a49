"""`open_web_data`: the web's parts, built from a loaded config through the composition root.

Kept apart from `create_app` so that tests and `vigie serve` build the same thing, and the
caller closes it (`WebData` holds open databases)."""

from __future__ import annotations

from pathlib import Path

from indexer.audit import AUDIT_FILE, AuditLog
from indexer.crypto import DataKey
from indexer.tokens import MatchKey
from vigie import wiring
from vigie.config.loader import LoadedConfig
from vigie.web.data import WebData
from vigie.web.ops import OperatorPort
from vigie.web.users import WebDB, web_db_path

__all__ = ["close_web_data", "open_web_data"]


def open_web_data(config: LoadedConfig, data_dir: Path, match_key: MatchKey, data_key: DataKey,
                  ops: OperatorPort) -> WebData:
    data_dir = wiring.ensure_data_dir(data_dir)
    g = config.global_config
    leaks = wiring.open_leak_store(config, data_dir)
    return WebData(store=wiring.open_store(config, data_dir),
                   matcher=wiring.build_matcher(config, data_dir, leaks=leaks),
                   web_db=WebDB(web_db_path(data_dir), data_key),
                   organisations=config.organisations, webhook=g.alerts.webhook, settings=g.web,
                   match_key=match_key, data_key=data_key, audit=AuditLog(data_dir / AUDIT_FILE), ops=ops,
                   data_dir=data_dir, source_names=tuple(config.sources))


def close_web_data(data: WebData) -> None:
    leaks = data.matcher.leaks
    for close in (data.store.close, data.outbox.close, data.registry.close, data.web_db.close):
        close()
    if leaks is not None:
        leaks.close()
