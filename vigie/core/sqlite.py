"""Every SQLite database Vigie writes is opened here: the embedded store, the alert outbox, the
crawl state, the organisation registry and the service's status database.

Why one helper: they all need the same things, and five hand-kept copies had drifted apart (one
forgot the file mode, one the busy timeout, one its parent directory's mode).

- WAL journal, so a reader in another process (`vigie status`, `vigie search`) never blocks the
  writer and never sees a half-written transaction.
- `synchronous=FULL` by default: a commit is on disk before the caller acts on it (the crawl state
  records an item as handed off only after the store committed it). Callers whose losses are
  harmless re-work may ask for NORMAL.
- A busy timeout, because several processes (the service, a manual `vigie crawl`, the CLI)
  open the same files.
- Mode 0600 on the database and on its `-wal`/`-shm` files, whatever the umask: they hold
  tokens, ciphertext and organisation names, nobody else's business. A parent directory that
  has to be created is made 0700.
- `transaction()`: BEGIN IMMEDIATE (take the write lock up front, so two writers queue on the
  busy timeout instead of failing with SQLITE_BUSY on lock upgrade), COMMIT, ROLLBACK on any
  exception, including KeyboardInterrupt.

Only the standard library is imported: this is the bottom layer.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

__all__ = ["DB_FILE_MODE", "DIR_MODE", "MEMORY", "connect", "open_readonly", "transaction"]

DB_FILE_MODE = 0o600
DIR_MODE = 0o700
MEMORY = ":memory:"
_SIDE_FILES = ("-wal", "-shm", "-journal")


def connect(
    path: Path | str,
    *,
    synchronous: Literal["FULL", "NORMAL"] = "FULL",
    foreign_keys: bool = False,
    busy_timeout_s: float = 30.0,
    pragmas: Mapping[str, int | str] | None = None,
) -> sqlite3.Connection:
    """Open (creating if needed) a read-write database in WAL mode with Vigie's pragmas.

    The connection is in autocommit mode (`isolation_level=None`): writes that must be atomic go
    through `transaction()`. It may be shared between threads (`check_same_thread=False`); the
    caller serialises its use with its own lock. `pragmas` are extra tuning pragmas applied
    after the standard ones (names and values are the caller's constants, never user input).
    `path` may be ":memory:" (tests, throwaway stores): then no file is involved.

    Raises `sqlite3.Error` when the file cannot be opened as a database, `OSError` when it or its
    directory cannot be created or its mode cannot be set.
    """
    if str(path) == MEMORY:
        db = sqlite3.connect(MEMORY, isolation_level=None, check_same_thread=False)
    else:
        file = Path(path)
        _ensure_dir(file.parent)
        _ensure_private_file(file)
        db = sqlite3.connect(file, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
    try:
        db.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={synchronous}")
        db.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        for name, value in (pragmas or {}).items():
            db.execute(f"PRAGMA {name}={value}")
        if str(path) != MEMORY:
            # WAL files inherit the database's mode from SQLite itself; files left by an older
            # version (or another tool) with a wider mode are narrowed here.
            _narrow_side_files(Path(path))
    except BaseException:
        db.close()
        raise
    return db


def open_readonly(path: Path | str) -> sqlite3.Connection | None:
    """A read-only connection for readers such as `vigie status`, or None when the database does
    not exist. Never creates the database: a reader must not leave an empty file behind that a
    later writer would mistake for an initialised one.

    SQLite may still create the `-wal`/`-shm` files of a WAL database to read it consistently
    while a writer is active; it gives them the database's own mode (0600 for ours).
    """
    file = Path(path)
    if not file.is_file():
        return None
    uri = f"{file.resolve().as_uri()}?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout=5000")
    except sqlite3.OperationalError:
        if not file.exists():  # removed between the check and the open
            return None
        raise
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: BEGIN IMMEDIATE ... COMMIT, ROLLBACK when the body raises anything.

    The caller holds its own lock around this when the connection is shared between threads
    (two BEGINs on one connection fail with "cannot start a transaction within a transaction").
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _ensure_dir(directory: Path) -> None:
    if directory.is_dir():
        return  # an existing directory is the operator's choice (data_dir, a tmp dir): not ours to chmod
    directory.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(directory, DIR_MODE)  # mkdir's mode is filtered by the umask


def _ensure_private_file(file: Path) -> None:
    """Create the database file 0600 before SQLite does (SQLite would use 0644 & ~umask), or
    narrow an existing one."""
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DB_FILE_MODE)
    except FileExistsError:
        if file.stat().st_mode & 0o777 != DB_FILE_MODE:
            os.chmod(file, DB_FILE_MODE)
        return
    try:
        os.fchmod(fd, DB_FILE_MODE)  # O_CREAT's mode is filtered by the umask too
    finally:
        os.close(fd)


def _narrow_side_files(file: Path) -> None:
    for suffix in _SIDE_FILES:
        side = file.with_name(file.name + suffix)
        try:
            if side.stat().st_mode & 0o777 != DB_FILE_MODE:
                os.chmod(side, DB_FILE_MODE)
        except FileNotFoundError:
            continue
