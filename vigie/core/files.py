"""Writing a file that only its owner may read, whatever the umask and whatever mode an existing
file had: what every file Vigie writes for an operator (exports, packs) must be."""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["FILE_MODE", "random_key_file", "write_private"]

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


def random_key_file(path: Path, size: int) -> bytes:
    """The random key held in `path`, created on first use (0600) atomically: written to a
    private temporary file, then linked into place, so that a concurrent process reads either no
    file or the whole key, and the first one to link wins. The caller checks the length (its
    error message says what to do with a wrong file).

    The key file may sit in a directory other users can write (a share every worker reads): the
    temporary file is created exclusively (no symlink or planted file followed), and a key file
    that is not a regular file of this user readable by its owner only is refused, since whoever
    planted or can read it holds the key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            os.write(fd, os.urandom(size))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            tmp.unlink()
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
        raise PermissionError(f"key file {path} is not a regular file of this user with mode 0600, so another "
                              "user or process may have planted or read it: refused. Find out who made it; "
                              "then delete it (what it sealed starts from scratch) or, if it is yours, "
                              f"run: chmod 600 {path}")
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        return fh.read()
