"""Where the two secret keys come from: the environment first, then key files outside the repo.

K_match turns identifiers into tokens (`indexer.tokens`); the data key encrypts raw fragment
text (`indexer.crypto`). Neither is ever stored in the database, the index or the repo. A file
holds `<version>:<64 hex chars>`; the variables VIGIE_MATCH_KEY / VIGIE_DATA_KEY take the same
form (the version may be left off, meaning 1).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from indexer.crypto import DataKey
from indexer.tokens import MatchKey
from vigie.core.errors import KeyFileError, KeyFileMissing
from vigie.core.files import PrivateFileError, read_private
from vigie.core.process import getenv

__all__ = ["KeyFileError", "KeyFileMissing", "create_key_file", "load_data_key", "load_match_key"]


_HOW = "generate one with `vigie keys init` (key files) or `echo \"1:$(openssl rand -hex 32)\"` (variable)"
# 32 random bytes have about 26 distinct values; fewer than 8 means a typed or placeholder key
# (all zeros, `1111...`, a short pattern repeated), which an attacker would try first.
_MIN_DISTINCT_BYTES = 8


def _parse(text: str, origin: str) -> tuple[int, bytes]:
    text = text.strip()
    version, _, hexkey = text.rpartition(":")
    try:
        key = bytes.fromhex(hexkey)
        ver = int(version) if version else 1
    except ValueError:
        raise KeyFileError(f"{origin}: expected '<version>:<64 hex chars>'; {_HOW}") from None
    if len(key) != 32:
        raise KeyFileError(f"{origin}: the key must be 32 bytes (64 hex chars), got {len(key)}; {_HOW}")
    if len(set(key)) < _MIN_DISTINCT_BYTES:
        raise KeyFileError(f"{origin}: the key is not random ({len(set(key))} distinct bytes in 32, "
                           f"a placeholder or a typed pattern); {_HOW}")
    return ver, key


def _load(env_name: str, path: Path) -> tuple[int, bytes]:
    from_env = getenv(env_name)  # held out of os.environ by the CLI (vigie.core.process.hold_secret_env)
    if from_env:
        return _parse(from_env, f"${env_name}")
    path = path.expanduser()
    if not path.exists():
        raise KeyFileMissing(
            f"no key: ${env_name} is not set and {path} does not exist. "
            f"Create the keys with `vigie keys init` (they stay outside the repo and the database).",
            path,
        )
    try:
        text = read_private(path).decode("ascii")
    except PrivateFileError as exc:  # readable by others, or someone else's: they may know the key
        raise KeyFileError(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not <version>:<64 hex chars>"
        raise KeyFileError(f"cannot read the key file {path} ({why}); {_HOW}") from None
    return _parse(text, str(path))


def load_match_key(path: Path) -> MatchKey:
    version, key = _load("VIGIE_MATCH_KEY", path)
    return MatchKey(key=key, version=version)


def load_data_key(path: Path) -> DataKey:
    version, key = _load("VIGIE_DATA_KEY", path)
    return DataKey(key=key, version=version)


def create_key_file(path: Path, version: int = 1) -> bool:
    """Create a fresh random key file (mode 600). Returns False if it already exists."""
    path = path.expanduser()
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{version}:{secrets.token_hex(32)}\n")
    return True
