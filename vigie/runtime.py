"""What every command needs: where the config and the data live, the loaded config and the keys.

Commands get a `Runtime` from `vigie.cli.common.runtime(...)`; components are built from it by
their own packages (e.g. `indexer.store.open_store(rt)`), so this module stays small.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from indexer.crypto import DataKey
from indexer.tokens import MatchKey
from vigie.config.loader import LoadedConfig, load_config
from vigie.keys import load_data_key, load_match_key
from vigie.log import register_secret

__all__ = ["Runtime", "register_config_secrets"]


@dataclass
class Runtime:
    config_dir: Path
    data_dir: Path
    _overrides: dict[str, object] = field(default_factory=dict)

    @cached_property
    def config(self) -> LoadedConfig:
        loaded = load_config(self.config_dir)
        register_config_secrets(loaded)
        return loaded

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self.data_dir

    @cached_property
    def match_key(self) -> MatchKey:
        return load_match_key(self.config.global_config.keys.match_key_file)

    @cached_property
    def data_key(self) -> DataKey:
        return load_data_key(self.config.global_config.keys.data_key_file)


def register_config_secrets(loaded: LoadedConfig) -> None:
    """Mask every secret of the config in all log output."""
    g = loaded.global_config
    for secret in (g.storage.elasticsearch.password, g.storage.elasticsearch.api_key,
                   g.tor.control_password, g.alerts.smtp.password if g.alerts.smtp else None):
        if secret is not None:
            register_secret(secret.get_secret_value())
    for source in loaded.sources.values():
        if source.login:
            register_secret(source.login.password.get_secret_value())
    for org in loaded.organisations.values():
        if org.channels.webhook:
            register_secret(org.channels.webhook.secret.get_secret_value())
