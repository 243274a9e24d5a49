"""Attacker's review, round 11: a Redis unix socket created first by another local account.

Round 8 checked who serves Vigie's TCP connections to Redis on loopback before AUTH goes out; a
`unix:///path` Redis URL was left to its directory's permissions. Redis's sample configuration
long put its socket at `/tmp/redis.sock`, in a directory every account writes: while Redis is down
(at boot, during a restart) another user creates the socket there (Redis then cannot replace it:
/tmp is sticky), and the frontier connected to it and sent AUTH with Redis's password, then the
crawl state. The server side of a unix socket is now asked of the kernel (SO_PEERCRED) before
anything is sent, as a TCP connection's is (`TrustedPeers.check_socket`).

Real parts: a squatter process running as `nobody` on a unix socket in a sticky 1777 directory
under /tmp (tests/squatter.py), a real redis-server (as root, the suite's account: trusted) on
another unix socket, the real frontier client.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from crawler.frontier.link import connect
from tests.squatter import Squatter

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="a squatter of another uid needs root to start")

SECRET = "r11-redis-password-" + "x" * 12


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory every account writes, sticky, as /tmp (the squatter, `nobody`, must reach it)."""
    path = Path(tempfile.mkdtemp(prefix="r11-", dir="/tmp"))
    path.chmod(0o1777)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_a_squatter_on_redis_unix_socket_gets_no_auth(shared_dir: Path) -> None:
    """Before the fix the squatter received `AUTH <password>` and the SET; now nothing."""
    path = shared_dir / "redis.sock"
    with Squatter("redis", unix_path=str(path)) as sq:
        link = connect(f"unix://{path}", password=SECRET, secret=os.urandom(32), timeout=2.0, retries=0)
        try:
            with pytest.raises(redis.ConnectionError) as got:
                link.client.set("vigie:probe", "x")
        finally:
            link.close()
        assert sq.received == b"", sq.received  # no AUTH, no command
    assert "uid 65534" in str(got.value) and "security.trusted_local_users" in str(got.value), got.value


def test_a_trusted_redis_on_a_unix_socket_is_used(shared_dir: Path) -> None:
    """The real Redis (run by a trusted account) on its unix socket answers as before."""
    path = shared_dir / "real.sock"
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            "0",
            "--unixsocket",
            str(path),
            "--unixsocketperm",
            "700",
            "--requirepass",
            SECRET,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(shared_dir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not path.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        link = connect(f"unix://{path}", password=SECRET, secret=os.urandom(32), timeout=5.0, retries=20)
        try:
            link.client.set("vigie:probe", "x")
            assert link.client.get("vigie:probe") == b"x"
        finally:
            link.close()
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_squatter_on_postgresqls_unix_socket_gets_no_password(shared_dir: Path) -> None:
    """The outbox's DSN names a unix socket directory every account writes (`host=/tmp`: where
    PostgreSQL built from source puts its socket). The squatter asks for a clear-text password,
    which libpq sends as it is: before the fix it received the startup packet and the password
    (the after-connect check came too late); now the socket file's owner is refused first."""
    from alerts.outbox_pg import PgOutbox, PgOutboxError

    with Squatter("postgres", unix_path=str(shared_dir / ".s.PGSQL.5432")) as sq:
        with pytest.raises(PgOutboxError) as got:
            PgOutbox(f"host={shared_dir} port=5432 dbname=vigie user=vigie password={SECRET}", connect_timeout=3)
        assert sq.received == b"", sq.received
    assert "uid 65534" in str(got.value) and SECRET not in str(got.value), got.value
