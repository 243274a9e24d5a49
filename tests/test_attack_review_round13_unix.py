"""Attacker's review, round 13: PostgreSQL's unix socket in a directory its group writes.

Round 12 refused a socket directory every account writes that is not sticky (another account
could swap the socket file between the owner check and libpq's connect, and receive the DSN's
password), but left open one its GROUP writes: Debian's /var/run/postgresql is 2775, group
postgres. There only the server's own account is in the group, and that is right; but an
operator's `host=` naming a directory group-writable by a group holding another account (a
shared `dev` or `users` group, `nogroup`) let that account swap the socket the same way. A
group-writable, non-sticky directory is now refused when an account of its group (a member, or
one whose primary group it is) is not trusted; sticky, it is shared as /tmp is (no socket there
yet: refused).

Real parts as round 12's: a listener on a unix socket run as root (trusted), standing for the
server whose socket another account could replace; libpq (psycopg) connects for real.
"""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.squatter import NOBODY, Squatter
from tests.test_attack_review_round12_unix import SECRET, _connect

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the directories' owners need root")
NOGROUP = pwd.getpwuid(NOBODY).pw_gid  # nobody's primary group: an untrusted account is in it


@pytest.fixture
def directory() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="r13-", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_a_socket_an_untrusted_group_member_can_swap_gets_no_password(directory: Path) -> None:
    """Before: root's directory, mode 0775, group nogroup: the socket's owner (root) passed and
    libpq sent its start-up packet and the password to whoever served the path."""
    directory.chmod(0o775)
    with Squatter("postgres", uid=0, unix_path=str(directory / ".s.PGSQL.5432")) as server:
        os.chown(directory, 0, NOGROUP)
        message = _connect(directory)
        assert server.received == b"", server.received
    assert "writable by its group" in message and "not a trusted local user" in message, message
    assert "/var/run/postgresql" in message


def test_no_socket_yet_in_a_sticky_directory_an_untrusted_group_writes(directory: Path) -> None:
    directory.chmod(0o1775)
    os.chown(directory, 0, NOGROUP)
    assert "no socket there now" in _connect(directory)


def test_a_directory_only_trusted_accounts_write_is_still_connected_to(directory: Path) -> None:
    """Group root (its only account: root, trusted), 0775 as Debian's 2775 postgres: the password
    reaches the (trusted) server, as it must (this stand-in then fails the log-in)."""
    directory.chmod(0o775)
    os.chown(directory, 0, 0)
    with Squatter("postgres", uid=0, unix_path=str(directory / ".s.PGSQL.5432")) as server:
        _connect(directory)
        assert SECRET.encode() in server.received
