"""vigie.core.sqlite: the one way Vigie opens its SQLite databases (modes, WAL, transactions)."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from vigie.core.sqlite import connect, open_readonly, transaction


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """Files created under umask 000 would be world-writable unless the helper sets modes itself."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_db_and_wal_files_are_private_under_a_permissive_umask(tmp_path: Path, permissive_umask: None) -> None:
    path = tmp_path / "new" / "deeper" / "x.sqlite3"
    db = connect(path)
    try:
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (1)")  # autocommit: the WAL now holds a frame
        wal, shm = path.with_name("x.sqlite3-wal"), path.with_name("x.sqlite3-shm")
        assert wal.exists() and shm.exists()
        assert {p.name: _mode(p) for p in (path, wal, shm)} == {
            "x.sqlite3": 0o600, "x.sqlite3-wal": 0o600, "x.sqlite3-shm": 0o600}
        assert _mode(path.parent) == 0o700
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()


def test_existing_wide_files_are_narrowed_and_existing_dirs_left_alone(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    path = tmp_path / "old.sqlite3"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    connect(path).close()
    assert _mode(path) == 0o600
    assert _mode(tmp_path) == 0o755


def test_pragmas(tmp_path: Path) -> None:
    full = connect(tmp_path / "a.sqlite3", foreign_keys=True, busy_timeout_s=7)
    normal = connect(tmp_path / "b.sqlite3", synchronous="NORMAL", pragmas={"cache_size": -1234})
    try:
        assert full.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert full.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert full.execute("PRAGMA busy_timeout").fetchone()[0] == 7000
        assert normal.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert normal.execute("PRAGMA foreign_keys").fetchone()[0] == 0
        assert normal.execute("PRAGMA cache_size").fetchone()[0] == -1234
    finally:
        full.close()
        normal.close()


def test_transaction_commits_and_rolls_back_on_exception(tmp_path: Path) -> None:
    db = connect(tmp_path / "t.sqlite3")
    db.execute("CREATE TABLE t (x INTEGER)")
    with transaction(db) as tx:
        tx.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(KeyError), transaction(db) as tx:
        tx.execute("INSERT INTO t VALUES (2)")
        raise KeyError("boom")
    assert not db.in_transaction
    # a second connection sees exactly what was committed
    other = connect(tmp_path / "t.sqlite3")
    assert other.execute("SELECT x FROM t").fetchall() == [(1,)]
    other.close()
    db.close()


def test_transaction_holds_the_write_lock_from_begin(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: a second writer waits for the first one's COMMIT instead of interleaving."""
    path = tmp_path / "lock.sqlite3"
    first = connect(path)
    first.execute("CREATE TABLE t (x INTEGER)")
    second = connect(path, busy_timeout_s=0.05)
    with transaction(first):
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            second.execute("BEGIN IMMEDIATE")
    waiting = connect(path, busy_timeout_s=10)
    done = threading.Event()
    with transaction(first) as tx:
        tx.execute("INSERT INTO t VALUES (1)")

        def write() -> None:
            with transaction(waiting) as w:
                w.execute("INSERT INTO t SELECT count(*) + 10 FROM t")
            done.set()

        thread = threading.Thread(target=write)
        thread.start()
        assert not done.wait(0.3)
    thread.join(10)
    assert done.is_set()
    assert first.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (11,)]
    for db in (first, second, waiting):
        db.close()


def test_open_readonly_never_creates_the_database(tmp_path: Path) -> None:
    missing = tmp_path / "missing" / "status.sqlite3"
    assert open_readonly(missing) is None
    assert not missing.parent.exists()
    assert open_readonly(tmp_path / "nothing.sqlite3") is None
    assert list(tmp_path.iterdir()) == []


def test_open_readonly_reads_and_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    writer = connect(path)
    writer.execute("CREATE TABLE t (x INTEGER)")
    writer.execute("INSERT INTO t VALUES (5)")
    reader = open_readonly(path)
    assert reader is not None
    try:
        assert reader.execute("SELECT x FROM t").fetchall() == [(5,)]
        writer.execute("INSERT INTO t VALUES (6)")
        assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 2  # sees new commits
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.execute("INSERT INTO t VALUES (7)")
    finally:
        reader.close()
        writer.close()


def test_open_readonly_handles_odd_paths(tmp_path: Path) -> None:
    """The path becomes a file: URI; characters meaningful in URIs must not change its meaning."""
    path = tmp_path / "a dir?x=1#frag%20" / "d b.sqlite3"
    db = connect(path)
    db.execute("CREATE TABLE t (x)")
    db.close()
    reader = open_readonly(path)
    assert reader is not None
    assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    reader.close()
