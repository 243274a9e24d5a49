"""Storage backends behind one interface (`FragmentStore`), chosen by `storage.backend`.

    store = open_store_from_settings(config.global_config.storage, data_dir)

`vigie.wiring.open_store` is the application's entry to it (it also creates the data dir).

Embedded: `storage.embedded.path`, default `<data-dir>/store.sqlite3`.
Elasticsearch: spool under `<data-dir>/spool`.
"""

from __future__ import annotations

from pathlib import Path

from indexer.store.base import (
    Aggregations,
    FragmentStore,
    SearchPage,
    SearchQuery,
    StoreError,
    UpsertResult,
)
from vigie.config.schema import StorageSettings
from vigie.core.peers import TrustedPeers

__all__ = [
    "Aggregations",
    "FragmentStore",
    "SearchPage",
    "SearchQuery",
    "StoreError",
    "UpsertResult",
    "open_store_from_settings",
]


def open_store_from_settings(settings: StorageSettings, data_dir: Path, *,
                             peers: TrustedPeers | None = None) -> FragmentStore:
    """`peers`: who may serve a loopback Elasticsearch (security.trusted_local_users)."""
    data_dir = Path(data_dir)
    if settings.backend == "elasticsearch":
        from indexer.store.elastic import ElasticStore

        return ElasticStore(settings.elasticsearch, data_dir / "spool", peers=peers)
    from indexer.store.embedded import EmbeddedStore

    path = settings.embedded.path
    path = Path(path).expanduser() if path is not None else data_dir / "store.sqlite3"
    return EmbeddedStore(path)
