"""Run a real, throw-away PostgreSQL cluster for tests (the shared outbox, alerts.outbox_pg).

Uses Debian's server binaries (`/usr/lib/postgresql/<major>/bin/initdb`, `pg_ctl`: the
`postgresql` package, installed by scripts/setup.sh). PostgreSQL refuses to run as root, so when
we are root the cluster runs as the unprivileged user `vigie-pg` (created by scripts/setup.sh)
via `setpriv`; otherwise as the current user.

The cluster is private to one test session: its own data directory (0700), listening on
127.0.0.1 on a free port (TCP, password auth: scram-sha-256) and on a unix socket in a 0700
directory, fsync off (throw-away data). A database `vigie` owned by the role `vigie` with a random
password; `dsn` carries it (tests only: the product reads its DSN from a 0600 file).

    from tests.pg_server import PostgresServer
    with PostgresServer() as pg:
        print(pg.describe())

`pg_server` is a session-scoped pytest fixture (import it into a test module).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vigie_kit.engine_postgres import EnginePostgresError, server_user
from vigie_kit.engine_postgres import find_pg_bin as kit_find_pg_bin
from vigie_kit.ports import free_port

__all__ = ["PgServerError", "PostgresServer", "find_pg_bin", "pg_server"]

PG_USER = "vigie-pg"


class PgServerError(RuntimeError):
    """The test PostgreSQL cluster could not be started or stopped."""


def find_pg_bin() -> Path:
    """The newest Debian PostgreSQL server binary directory (the kit's, which Misago's site uses)."""
    try:
        return kit_find_pg_bin()
    except EnginePostgresError as exc:
        raise PgServerError(str(exc)) from None


class PostgresServer:
    def __init__(self, *, base_dir: Path | None = None, user: str | None = None) -> None:
        self.bin = find_pg_bin()
        try:
            self.user = server_user(user)
        except EnginePostgresError as exc:
            raise PgServerError(str(exc)) from None
        self._own_base = base_dir is None
        self.base_dir = Path(base_dir) if base_dir else Path(tempfile.mkdtemp(prefix="vigie-pg-"))
        self.data_dir = self.base_dir / "data"
        self.socket_dir = self.base_dir / "sock"
        self.port = free_port()
        self.password = secrets.token_hex(16)
        self._initialised = False
        self._started = False

    @property
    def dsn(self) -> str:
        return (f"postgresql://vigie:{self.password}@127.0.0.1:{self.port}/vigie"
                "?connect_timeout=5&sslmode=disable")

    def describe(self) -> str:
        return f"127.0.0.1:{self.port}/vigie"

    def start(self, timeout: float = 60.0) -> PostgresServer:
        if self._started:
            return self
        self._init()
        self._run(["pg_ctl", "-D", str(self.data_dir), "-l", str(self.base_dir / "server.log"), "-w",
                   "-t", str(int(timeout)), "-o",
                   f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.socket_dir} "
                   "-c fsync=off -c full_page_writes=off -c max_connections=60 -c shared_buffers=16MB",
                   "start"], timeout=timeout + 10)
        self._started = True
        if not (self.base_dir / ".db-created").exists():
            self._psql("CREATE DATABASE vigie OWNER vigie")
            (self.base_dir / ".db-created").touch()
        return self

    def stop(self, mode: str = "fast") -> None:
        """`pg_ctl stop -m fast|immediate` (immediate: a crash, recovered on the next start)."""
        if not self._started:
            return
        self._started = False
        try:
            self._run(["pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "-t", "30", "stop"], timeout=40)
        except PgServerError:
            pid_file = self.data_dir / "postmaster.pid"
            if pid_file.exists():
                try:
                    os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass

    def cleanup(self) -> None:
        self.stop()
        if self._own_base:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def log_tail(self, lines: int = 30) -> str:
        path = self.base_dir / "server.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    # ------------------------------------------------------------------ internals
    def _init(self) -> None:
        if self._initialised:
            return
        os.chmod(self.base_dir, 0o700)
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)
        pwfile = self.base_dir / "pwfile"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(self.password + "\n")
        if self.user:
            pw = pwd.getpwnam(self.user)
            for path in (self.base_dir, self.socket_dir, pwfile):
                os.chown(path, pw.pw_uid, pw.pw_gid)
        self._run(["initdb", "-D", str(self.data_dir), "-U", "vigie", f"--pwfile={pwfile}",
                   "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8",
                   "--locale=C.UTF-8", "--no-sync"], timeout=120)
        pwfile.unlink()
        self._initialised = True

    def _psql(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.dsn.replace("/vigie?", "/postgres?"), autocommit=True) as db:
            db.execute(sql)  # type: ignore[arg-type]

    def _run(self, argv: list[str], timeout: float) -> None:
        cmd = [str(self.bin / argv[0]), *argv[1:]]
        if self.user:
            pw = pwd.getpwnam(self.user)
            cmd = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups",
                   "--reset-env", "--", "env", f"HOME={self.base_dir}", "PATH=/usr/bin:/bin", *cmd]
        done = subprocess.run(cmd, cwd=self.base_dir, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise PgServerError(f"{argv[0]} failed ({done.returncode}): {done.stdout}{done.stderr}\n{self.log_tail()}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL cluster for the session (127.0.0.1, random port)."""
    server = PostgresServer()
    t0 = time.monotonic()
    server.start()
    print(f"\nPostgreSQL up at {server.describe()} in {time.monotonic() - t0:.1f}s")
    yield server
    server.cleanup()
