"""What every command starts from: where the config and the data live, the loaded config and the keys.

Commands get a `Runtime` from `vigie.cli.common.runtime(...)` and hand its typed parts
(`rt.config`, `rt.data_dir`, `rt.match_key`, `rt.data_key`) to the builders of `vigie.wiring`.
Nothing below `vigie` ever sees a `Runtime`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from loguru import logger
from pydantic import BaseModel, SecretStr

from indexer.crypto import DataKey
from indexer.tokens import MatchKey
from vigie.config.loader import LoadedConfig, load_config
from vigie.core.files import PrivateFileError
from vigie.keys import load_data_key, load_match_key
from vigie.log import register_secret, register_url

__all__ = ["DIR_MODE", "Runtime", "narrow_private_dir", "register_config_secrets"]

DIR_MODE = 0o700


def narrow_private_dir(directory: Path) -> bool:
    """Make an existing directory 0700 and say so; True when its mode was wider.

    The data directory holds tokens, ciphertext, the registry and the audit log: files inside
    are 0600, but a 0755 directory still lets other local users list it and watch it change.
    A directory made by hand or by an older release is narrowed at start rather than trusted.

    A directory of another user is refused (`PrivateFileError`), whatever its mode: its owner can
    chmod it back at any time, and rename, delete or replace anything in it (a web.sqlite3 of
    their own holding an operator account whose password they know, an outbox, a registry). A
    local user who creates the data directory before Vigie's first run must not own Vigie's data.
    """
    try:
        st = directory.stat()
    except FileNotFoundError:
        return False
    if st.st_uid not in (os.geteuid(), 0):
        raise PrivateFileError(f"data directory {directory} belongs to another user (uid {st.st_uid}), who can "
                               "replace anything Vigie keeps in it: refused; use a directory of your own "
                               "(or chown it to this user)")
    mode = stat.S_IMODE(st.st_mode)
    if not stat.S_ISDIR(st.st_mode) or mode == DIR_MODE:
        return False
    os.chmod(directory, DIR_MODE)
    logger.warning("data directory {} was mode {:04o}: narrowed to 0700 (it holds tokens and ciphertext)",
                   directory, mode)
    return True


@dataclass
class Runtime:
    config_dir: Path
    data_dir: Path
    _match_key: MatchKey | None = field(default=None, init=False, repr=False)
    _data_key: DataKey | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        narrow_private_dir(self.data_dir)

    @cached_property
    def config(self) -> LoadedConfig:
        loaded = load_config(self.config_dir)
        register_config_secrets(loaded)
        return loaded

    def ensure_data_dir(self) -> Path:
        """The data directory, created 0700 (whatever the umask) or narrowed to it."""
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        narrow_private_dir(self.data_dir)
        return self.data_dir

    def load_match_key(self) -> MatchKey:
        """K_match, loaded once; raises `vigie.keys.KeyFileError` (`KeyFileMissing` if absent)."""
        if self._match_key is None:
            self._match_key = load_match_key(self.config.global_config.keys.match_key_file)
        return self._match_key

    def load_data_key(self) -> DataKey:
        """The data key, loaded once; raises like `load_match_key`."""
        if self._data_key is None:
            self._data_key = load_data_key(self.config.global_config.keys.data_key_file)
        return self._data_key

    @property
    def match_key(self) -> MatchKey:
        return self.load_match_key()

    @property
    def data_key(self) -> DataKey:
        return self.load_data_key()


def _config_values(value: object) -> Iterator[object]:
    """Every value inside a loaded config, models and containers walked through."""
    yield value
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _config_values(getattr(value, name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _config_values(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _config_values(item)


def register_config_secrets(loaded: LoadedConfig) -> None:
    """Mask every secret of the config in all log output, and cut webhook and cluster URLs to
    scheme and host (receivers put tokens in paths and queries; hosts may embed user:password).

    Why a walk and not a list: the list missed `scale.redis_password` and the operators' webhook
    (its secret and URL), which went to the logs as they were. Every `SecretStr` anywhere in the
    config (vigie.yaml, sources, organisations) is masked, a secret field added later included, and
    the `url` of any model with a `secret` (a webhook) is cut to its host."""
    g = loaded.global_config
    for host in g.storage.elasticsearch.hosts:
        if "@" in host:  # user:password@host: never log it whole
            register_url(host)
    roots: list[object] = [g, *loaded.sources.values(), *loaded.organisations.values()]
    for value in _config_values(roots):
        if isinstance(value, SecretStr):
            register_secret(value.get_secret_value())
        elif isinstance(value, BaseModel) and isinstance(getattr(value, "secret", None), SecretStr):
            url = getattr(value, "url", None)  # a webhook: its receiver's token may sit in the path or query
            if isinstance(url, str):
                register_url(url)
