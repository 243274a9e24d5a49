"""Attacker's review: a local process that answers on tor's control port before tor does.

The threat: another local user (a compromised service account, a second tenant) binds
127.0.0.1:<tor.control_port> while tor is down or restarting, or before the system tor starts.
Vigie (`vigie doctor`, `vigie status`, the service's health checks) then connects to it and
authenticates. With stem's generic `authenticate()`, the impostor chose the method and the file:
`AUTH METHODS=COOKIE COOKIEFILE="<any 32-byte file Vigie's user can read>"` made Vigie read that
file and send it in hex (its crawl-state key here), and an impostor offering SAFECOOKIE then COOKIE
got the file too once it failed the challenge. A configured `cookie_auth_file` was sent the same way.

Each case runs the real CLI (`vigie doctor --json`) against a real TCP listener that speaks the
control protocol, and checks exactly what reached the listener.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fault_proxy import LoopbackServer
from vigie_kit.ports import free_port

ROOT = Path(__file__).resolve().parents[1]


class FakeControlPort(LoopbackServer):
    """A listener on 127.0.0.1 that plays tor's control port with the methods it is given and
    records every line a client sends. It cannot pass a SAFECOOKIE challenge (it does not know the
    cookie): it answers AUTHCHALLENGE with random hashes, as an impostor must."""

    def __init__(self, methods: str, cookie_file: Path) -> None:
        self.methods = methods
        self.cookie_file = cookie_file
        self.lines: list[str] = []
        super().__init__()
        self.__enter__()  # listening from construction until close()

    def _handle(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as reader:
            for raw in reader:
                line = raw.decode("latin-1").rstrip("\r\n")
                self.lines.append(line)
                word = line.split(" ", 1)[0].upper()
                if word == "PROTOCOLINFO":
                    reply = (f'250-PROTOCOLINFO 1\r\n250-AUTH METHODS={self.methods} '
                             f'COOKIEFILE="{self.cookie_file}"\r\n250-VERSION Tor="0.4.8.10"\r\n250 OK\r\n')
                elif word == "AUTHCHALLENGE":
                    reply = (f"250 AUTHCHALLENGE SERVERHASH={secrets.token_hex(32).upper()} "
                             f"SERVERNONCE={secrets.token_hex(32).upper()}\r\n")
                elif word == "AUTHENTICATE" and line.strip() == "AUTHENTICATE" and self.methods == "NULL":
                    reply = "250 OK\r\n"  # what a control port without authentication answers
                elif word == "AUTHENTICATE":
                    reply = "515 Authentication failed: wrong length on authentication cookie.\r\n"
                else:
                    reply = "514 Authentication required.\r\n"
                try:
                    conn.sendall(reply.encode())
                except OSError:
                    return

    def close(self) -> None:
        self.__exit__()


@pytest.fixture()
def secret_file(tmp_path: Path) -> Path:
    """A 32-byte key of Vigie's (the crawl state's key has that size), 0600 in the data dir."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    path = data / "crawl-state.sqlite3.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, secrets.token_bytes(32))
    os.close(fd)
    return path


@pytest.fixture()
def impostor(request: pytest.FixtureRequest, secret_file: Path) -> Iterator[FakeControlPort]:
    fake = FakeControlPort(request.param, secret_file)
    try:
        yield fake
    finally:
        fake.close()


def _doctor(tmp_path: Path, tor: dict[str, object]) -> tuple[int, dict[str, object]]:
    cfg = tmp_path / "config"
    cfg.mkdir(exist_ok=True)
    (cfg / "vigie.yaml").write_text(json.dumps({"tor": tor}))  # JSON is YAML
    proc = subprocess.run([sys.executable, "-m", "vigie", "doctor", "--json", "-c", str(cfg),
                           "-d", str(tmp_path / "data")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    assert lines, (proc.stdout, proc.stderr[-2000:])
    return proc.returncode, json.loads(lines[-1])


def _leaked(fake: FakeControlPort, secret: bytes) -> list[str]:
    return [ln for ln in fake.lines if secret.hex().upper() in ln.upper()]


@pytest.mark.parametrize("impostor", ["COOKIE", "SAFECOOKIE,COOKIE", "COOKIE,SAFECOOKIE,HASHEDPASSWORD"],
                         indirect=True)
def test_an_impostor_control_port_does_not_get_a_file_it_names(impostor: FakeControlPort, secret_file: Path,
                                                                  tmp_path: Path) -> None:
    code, health = _doctor(tmp_path, {"mode": "external", "socks_port": free_port(),
                                      "control_port": impostor.port})
    assert _leaked(impostor, secret_file.read_bytes()) == []
    # nothing but the protocol's own questions and, at most, a challenge with our random nonce
    assert [ln.split(" ", 1)[0] for ln in impostor.lines if not ln.startswith("AUTHCHALLENGE ")] \
        == ["PROTOCOLINFO"]
    assert code == 1
    assert health["ok"] is False and health["control_reachable"] is False
    assert "authentication to tor's control port" in str(health["error"])


@pytest.mark.parametrize("impostor", ["COOKIE"], indirect=True)
def test_an_impostor_control_port_does_not_get_the_configured_cookie(impostor: FakeControlPort,
                                                                       tmp_path: Path) -> None:
    cookie = tmp_path / "control.authcookie"
    cookie.write_bytes(secrets.token_bytes(32))
    cookie.chmod(0o600)
    code, health = _doctor(tmp_path, {"mode": "external", "socks_port": free_port(),
                                      "control_port": impostor.port, "cookie_auth_file": str(cookie)})
    assert _leaked(impostor, cookie.read_bytes()) == []
    assert [ln.split(" ", 1)[0] for ln in impostor.lines] == ["PROTOCOLINFO"]
    assert code == 1 and health["control_reachable"] is False



@pytest.mark.parametrize("impostor", ["NULL"], indirect=True)
def test_a_control_port_without_authentication_is_not_used(impostor: FakeControlPort, tmp_path: Path) -> None:
    """A control port that asks for nothing is either an impostor or a tor every local process
    can steer (watch the crawler's streams, reconfigure it): neither is used."""
    code, health = _doctor(tmp_path, {"mode": "external", "socks_port": free_port(),
                                      "control_port": impostor.port})
    assert [ln.split(" ", 1)[0] for ln in impostor.lines] == ["PROTOCOLINFO"]
    assert code == 1 and health["control_reachable"] is False
    assert "asks for no authentication" in str(health["error"])
