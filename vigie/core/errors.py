"""The key files' errors, in a module that imports nothing costly: the CLI's error boundary
(vigie.cli) maps them to exit codes without loading `vigie.keys` (and `cryptography` with it) in
every `vigie` process. `vigie.keys` raises them and re-exports them."""

from __future__ import annotations

from pathlib import Path

__all__ = ["KeyFileError", "KeyFileMissing"]


class KeyFileError(Exception):
    """A key is unusable (malformed, wrong size, readable by others); the message says how to fix it."""


class KeyFileMissing(KeyFileError):
    """Neither the environment variable nor the key file exists: the one case the CLI may offer
    to fix by creating a fresh key. `path` is the file that was looked for."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path
