"""Writing a file that only its owner may read, whatever the umask and whatever mode an existing
file had: what every file Vigie writes for an operator (exports, packs) must be."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["FILE_MODE", "write_private"]

FILE_MODE = 0o600


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` with mode 0600 (an existing file is narrowed: O_TRUNC keeps its mode)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb", closefd=False) as out:
            out.write(data)
    finally:
        os.close(fd)
