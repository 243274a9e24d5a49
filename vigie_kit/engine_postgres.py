"""A throw-away PostgreSQL cluster for a real engine that runs on nothing else (Misago).

Debian's server binaries (`/usr/lib/postgresql/<major>/bin`, the `postgresql` package that
scripts/setup.sh installs), as tests/pg_server.py runs them: as the unprivileged `vigie-pg` when
we are root (PostgreSQL refuses root), listening on 127.0.0.1 only, fsync off. The engine's own
install step (its migrations, the slowest part) runs once per engine venv: the installed cluster
is kept in the venv and copied for each site, so a site costs a copy and a start.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from vigie_kit.ports import free_port

__all__ = ["EnginePostgresError", "engine_postgres", "find_pg_bin", "server_user"]

PG_USER = "vigie-pg"


class EnginePostgresError(RuntimeError):
    """The engine's PostgreSQL cluster could not be made or started."""


def find_pg_bin() -> Path:
    """The newest Debian PostgreSQL server binary directory (the tests' server uses it too)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if not found:
        raise EnginePostgresError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: "
                                  "run scripts/setup.sh (apt-get install postgresql)")
    return found[-1].parent


def server_user(user: str | None = None) -> str:
    """Who runs the server: `user`, else `vigie-pg` as root (PostgreSQL refuses root), else
    nobody else (""); the account must exist (scripts/setup.sh makes it)."""
    name = user if user is not None else (PG_USER if os.geteuid() == 0 else "")
    if name:
        try:
            pwd.getpwnam(name)
        except KeyError as exc:
            raise EnginePostgresError(f"no user {name!r} to run PostgreSQL as (it refuses root): "
                                      "run scripts/setup.sh") from exc
    return name


class _Cluster:
    def __init__(self, base: Path) -> None:
        self.bin = find_pg_bin()
        self.base = base
        self.user = server_user()
        self.port = free_port()

    def own(self, *paths: Path) -> None:
        if self.user:
            pw = pwd.getpwnam(self.user)
            for path in paths:
                os.chown(path, pw.pw_uid, pw.pw_gid)

    def run(self, *argv: str, timeout: float = 120) -> None:
        cmd = [str(self.bin / argv[0]), *argv[1:]]
        if self.user:
            pw = pwd.getpwnam(self.user)
            cmd = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", "--reset-env",
                   "--", "env", f"HOME={self.base}", "PATH=/usr/bin:/bin", *cmd]
        done = subprocess.run(cmd, cwd=self.base, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            log = self.base / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise EnginePostgresError(f"{argv[0]} failed ({done.returncode}) in {self.base}: "
                                      f"{done.stdout}{done.stderr}\n{tail}")

    def init(self, password: str) -> None:
        pwfile = self.base / "pwfile"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(password + "\n")
        self.own(pwfile)
        try:
            self.run("initdb", "-D", str(self.base / "data"), "-U", "vigie", f"--pwfile={pwfile}",
                     "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8",
                     "--locale=C.UTF-8", "--no-sync")
        finally:
            pwfile.unlink()

    def start(self) -> None:
        sock = self.base / "sock"
        sock.mkdir(mode=0o700, exist_ok=True)
        self.own(sock)
        self.run("pg_ctl", "-D", str(self.base / "data"), "-l", str(self.base / "server.log"), "-w", "-t", "60",
                 "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={sock} "
                 "-c fsync=off -c full_page_writes=off -c synchronous_commit=off -c shared_buffers=16MB",
                 "start", timeout=90)

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.base / "data"), "-m", "fast", "-w", "-t", "30", "stop", timeout=40)


def _copy(source: Path, target: Path) -> None:
    """A cluster's data dir copied with its owner and modes (`cp -a`: copytree drops the owner)."""
    done = subprocess.run(["cp", "-a", str(source), str(target)], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise EnginePostgresError(f"copying {source} to {target} failed: {done.stderr}")


@contextmanager
def engine_postgres(cache: Path, install: Callable[[dict[str, str]], object]) -> Iterator[dict[str, str]]:
    """A running cluster holding what `install(connection)` made (run once, then copied from
    `cache`); yields the connection: host, port, user, password, database."""
    base = Path(tempfile.mkdtemp(prefix="vigie-enginepg-"))  # 0700
    cluster = _Cluster(base)
    cluster.own(base)
    started = False
    try:
        if (cache / "data").is_dir():
            _copy(cache / "data", base / "data")
            password = (cache / "password").read_text(encoding="utf-8").strip()
        else:
            password = secrets.token_hex(16)
            cluster.init(password)
        connection = {"host": "127.0.0.1", "port": str(cluster.port), "user": "vigie", "password": password,
                      "database": "postgres"}
        cluster.start()
        started = True
        if not (cache / "data").is_dir():
            install(connection)
            cluster.stop()
            started = False
            partial = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir(mode=0o700)
            _copy(base / "data", partial / "data")
            fd = os.open(partial / "password", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(password + "\n")
            partial.replace(cache)
            cluster.start()
            started = True
        yield connection
    finally:
        if started:
            try:
                cluster.stop()
            except (EnginePostgresError, subprocess.TimeoutExpired):
                pid = base / "data" / "postmaster.pid"
                if pid.exists():
                    try:
                        os.kill(int(pid.read_text().split()[0]), 9)
                    except (ProcessLookupError, ValueError):
                        pass
        shutil.rmtree(base, ignore_errors=True)
