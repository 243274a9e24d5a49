"""Run a real, throw-away redis-server (Debian's `redis-server` package) for tests and benchmarks.

Listens on 127.0.0.1 on a free port only (works inside `unshare --net` with only `lo` up), keeps
its files in a private (0700) temporary directory, with the append-only file on
(`appendfsync always`), so `kill()` then `start()` is a crash and a restart that loses nothing:
what the fault tests need. No RDB snapshots, no protected-mode surprises, no persistence of the
config. AUTH is on (`--requirepass`, a random password per server, in `.password`): Vigie refuses
a TCP `scale.redis_url` without `scale.redis_password`, since any local process can reach the port.

    from tests.redis_server import RedisServer
    with RedisServer() as redis:
        print(redis.url)        # redis://127.0.0.1:PORT/0
        connect(redis.url, password=redis.password, secret=...)
        # in a YAML config: `redis_password: ${VAR}`, with VAR=redis.password in `redis.env("VAR")`
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from vigie_kit.ports import free_port

__all__ = ["RedisServer", "RedisServerError"]


class RedisServerError(RuntimeError):
    """The test redis-server could not be started."""


class RedisServer:
    def __init__(self, *, base_dir: Path | None = None, appendfsync: str = "always") -> None:
        self._own_base = base_dir is None
        self.base_dir = Path(base_dir) if base_dir else Path(tempfile.mkdtemp(prefix="vigie-redis-"))
        self.base_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.base_dir, 0o700)
        self.port = free_port()
        self.appendfsync = appendfsync
        # hex: no byte that the RESP inline command of `_ping` or a YAML scalar would need to quote
        self.password = secrets.token_hex(24)
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def env(self, name: str = "VIGIE_REDIS_PASSWORD") -> dict[str, str]:
        """`os.environ` plus `name` set to the password: the environment of a process (or of
        `load_config(..., env=...)`) that reads `redis_password: ${name}` from its config."""
        return {**os.environ, name: self.password}

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 20.0) -> RedisServer:
        if self.running:
            return self
        exe = shutil.which("redis-server")
        if exe is None:
            raise RedisServerError("redis-server is not installed: run scripts/setup.sh (apt-get install redis-server)")
        # `-`: the config file is stdin, so the password is not on the command line (`ps` shows it)
        cmd = [exe, "-", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.base_dir),
               "--appendonly", "yes", "--appendfsync", self.appendfsync, "--save", "",
               "--protected-mode", "yes", "--daemonize", "no", "--logfile", str(self.base_dir / "redis.log"),
               "--unixsocket", "", "--io-threads", "1"]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True)
        assert self._proc.stdin is not None
        self._proc.stdin.write(f"requirepass {self.password}\n".encode())
        self._proc.stdin.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RedisServerError(f"redis-server exited ({self._proc.returncode}): {self.log_tail()}")
            if self._ping():
                return self
            time.sleep(0.05)
        self.kill()
        raise RedisServerError(f"redis-server did not answer on 127.0.0.1:{self.port} in {timeout}s")

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(f"AUTH {self.password}\r\nPING\r\n".encode())
                got = b""
                while got.count(b"\r\n") < 2:
                    chunk = s.recv(64)
                    if not chunk:
                        break
                    got += chunk
                return got == b"+OK\r\n+PONG\r\n"
        except OSError:
            return False

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def kill(self) -> None:
        """SIGKILL (a crash, not a shutdown); `start()` brings it back on the same port from its AOF."""
        self.stop(signal.SIGKILL)

    def log_tail(self, lines: int = 20) -> str:
        path = self.base_dir / "redis.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def cleanup(self) -> None:
        self.stop()
        if self._own_base:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def redis_fixture() -> object:
    """A module-scoped pytest fixture of one RedisServer: `redis_server = redis_fixture()` in a
    test module (each module gets its own server; starting one takes ~50 ms)."""
    import pytest

    @pytest.fixture(scope="module")
    def redis_server() -> Iterator[RedisServer]:
        with RedisServer() as server:
            yield server

    return redis_server
