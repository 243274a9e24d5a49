"""Storage backends behind one interface (`FragmentStore`), chosen by `storage.backend`.

    store = open_store(rt)                       # from a Runtime (CLI, service)
    store = open_store_from_settings(s, data_dir) # from settings (tests, benchmarks)

Embedded: `storage.embedded.path`, default `<data-dir>/store.sqlite3`.
Elasticsearch: spool under `<data-dir>/spool`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from indexer.store.base import (
    Aggregations,
    FragmentStore,
    SearchPage,
    SearchQuery,
    StoreError,
    UpsertResult,
)
from vigie.config.schema import StorageSettings

if TYPE_CHECKING:
    from vigie.runtime import Runtime

__all__ = [
    "Aggregations",
    "FragmentStore",
    "SearchPage",
    "SearchQuery",
    "StoreError",
    "UpsertResult",
    "open_store",
    "open_store_from_settings",
]


def open_store_from_settings(settings: StorageSettings, data_dir: Path) -> FragmentStore:
    data_dir = Path(data_dir)
    if settings.backend == "elasticsearch":
        from indexer.store.elastic import ElasticStore

        return ElasticStore(settings.elasticsearch, data_dir / "spool")
    from indexer.store.embedded import EmbeddedStore

    path = settings.embedded.path
    path = Path(path).expanduser() if path is not None else data_dir / "store.sqlite3"
    return EmbeddedStore(path)


def open_store(rt: Runtime) -> FragmentStore:
    rt.ensure_data_dir()
    return open_store_from_settings(rt.config.global_config.storage, rt.data_dir)
