"""Attacker's review, round 12: PostgreSQL's unix socket in a directory another account controls.

Round 11 checks the owner of the outbox's PostgreSQL socket file before libpq connects (libpq
sends the DSN's password inside `connect()`, nothing can be asked of the kernel before). That
holds in a sticky directory (/tmp), where the real server's socket cannot be replaced, but round
11 left open a directory every account writes that is not sticky: another account swaps the
socket file between the owner check and the connect. And a directory an untrusted account owns
lets it replace any file, sticky or not. Both are now refused before libpq connects, and so is
a shared directory with no socket in it yet (one could appear before libpq connects).

Real parts: a listener on a unix socket (tests/squatter.py, speaking PostgreSQL's start-up and
asking for a clear-text password) run as root, the suite's account, so trusted: it stands for
the real server whose socket another account could replace; libpq (psycopg) connects for real.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.squatter import NOBODY, Squatter

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the directories' owners need root")

SECRET = "r12-pg-password-" + "y" * 12


@pytest.fixture
def directory() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="r12-", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _connect(directory: Path) -> str:
    from alerts.outbox_pg import PgOutbox, PgOutboxError

    with pytest.raises(PgOutboxError) as got:
        PgOutbox(f"host={directory} port=5432 dbname=vigie user=vigie password={SECRET}", connect_timeout=2)
    assert SECRET not in str(got.value)
    return str(got.value)


@pytest.mark.parametrize(("mode", "owner", "said"), [
    (0o777, 0, "not sticky"),  # every account writes it, not sticky: the file can be swapped
    (0o1777, NOBODY, "uid 65534"),  # sticky, but an untrusted account owns it
], ids=["world-writable-not-sticky", "untrusted-owner"])
def test_a_socket_another_account_can_swap_gets_no_password(directory: Path, mode: int, owner: int,
                                                            said: str) -> None:
    """Before: the socket file's owner (root: trusted) passed the check and libpq sent its start-up
    packet and the password to whoever served the path at connect time."""
    directory.chmod(mode)
    with Squatter("postgres", uid=0, unix_path=str(directory / ".s.PGSQL.5432")) as server:
        os.chown(directory, owner, owner)
        message = _connect(directory)
        assert server.received == b"", server.received
    assert said in message and "/var/run/postgresql" in message, message


def test_no_socket_yet_in_a_shared_directory_is_not_connected_to(directory: Path) -> None:
    directory.chmod(0o1777)
    assert "no socket there now" in _connect(directory)


def test_a_trusted_servers_socket_in_a_private_directory_is_still_connected_to(directory: Path) -> None:
    """The check refuses the shared directories only: here the password reaches the (trusted)
    server, as it must (this stand-in then fails the log-in)."""
    directory.chmod(0o755)
    with Squatter("postgres", uid=0, unix_path=str(directory / ".s.PGSQL.5432")) as server:
        _connect(directory)
        assert SECRET.encode() in server.received
