"""Attacker's review, round 14: the docker compose deployment and the other accounts of its host.

A container's processes are processes of the host: every local account of the host lists them
and reads their command lines (/proc/PID/cmdline, unless /proc is mounted with hidepid), and
reaches the containers' addresses on the compose bridge and the ports published on the host's
loopback. Before this round:

- the Elasticsearch healthchecks ran `curl -s -u elastic:${ELASTIC_PASSWORD} ...`, which compose
  fills in itself: every 15 seconds a `sh -c "curl -s -u elastic:<the superuser's password> ..."`
  on the host, for anyone polling /proc, who could then reach Elasticsearch at its bridge address
  (the store's excerpts, tokens and ciphertext, read or deleted);
- es-setup gave curl the superuser's password with `-u` and kibana_system's in `-d`;
- redis-server got `--requirepass <password>` on its command line (shown until Redis rewrites
  its title at start);
- the tor image's entrypoint hashed the control password with `tor --hash-password <password>`;
- the `vigie` service served /metrics on 0.0.0.0 in its container, published on the host's
  127.0.0.1:9108: round 10's check of who connects holds on a loopback listener only, so every
  account of the host read the metrics again (through docker's proxy, or the bridge address).

Docker cannot run here (tests/test_compose.py says so), so each command compose would give a
container runs as compose would make it (the file's `${VAR}` filled in, `$$` made `$`) in the
shell the container runs it with, with the REAL programs behind wrappers that record their
command lines: curl against an HTTP server on 127.0.0.1 that checks the credentials (URLs moved
there), redis-server on a unix socket, and the hash the tor entrypoint makes given to a real tor
whose control port must then take the password.
"""

from __future__ import annotations

import base64
import http.server
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_compose import REPO, SERVICES, env_filled, interpolate
from vigie.config.loader import check_config_dir
from vigie.core.peers import is_loopback_host

pytestmark = pytest.mark.skipif(not all(shutil.which(p) for p in ("curl", "dash", "bash")),
                                reason="needs curl, dash and bash")

SECRET_NAMES = ("PASSWORD", "SECRET", "KEY")
_WRAPPED = ("curl", "redis-server", "od", "head", "sha1sum", "cut", "tr", "grep", "sed", "base64", "sleep")


def _secrets(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if any(s in k for s in SECRET_NAMES) and len(v) >= 8}


def _service_env(name: str, filled: dict[str, str]) -> dict[str, str]:
    return {k: interpolate(str(v), filled) for k, v in (SERVICES[name].get("environment") or {}).items()}


def _shell_texts(name: str) -> list[tuple[str, str]]:
    """(shell, text) of what a container of service `name` runs in a shell: its CMD-SHELL
    healthcheck and a `sh -c`/`bash -c` entrypoint or command."""
    svc = SERVICES[name]
    out = []
    test = (svc.get("healthcheck") or {}).get("test") or []
    if test[:1] == ["CMD-SHELL"]:
        out.append(("sh", test[1]))
    argv = [*(svc.get("entrypoint") or []), *(svc.get("command") or [])]
    if len(argv) >= 3 and argv[0] in ("sh", "bash") and argv[1] == "-c":
        out.append((argv[0], argv[2]))
    return out


def test_no_secret_is_written_into_a_command_line_by_compose() -> None:
    """Every argument compose gives a container (healthchecks, entrypoints, commands), once the
    variables are filled in, holds no password, secret or key: before, the Elasticsearch
    healthchecks of `elasticsearch` and es01-es03 held the superuser's password."""
    filled = env_filled()
    secrets = _secrets(filled)
    for name, svc in SERVICES.items():
        test = (svc.get("healthcheck") or {}).get("test") or []
        argv = [*test, *(svc.get("entrypoint") or []), *(svc.get("command") or [])]
        for arg in argv:
            text = interpolate(str(arg), filled)
            leaked = sorted(k for k, v in secrets.items() if v in text)
            assert not leaked, f"{name}: {leaked} written into a command line: {arg[:120]}"


# -- running the commands -------------------------------------------------------------------------


class _Recorder:
    """A directory of wrappers, first on PATH, each appending its command line to a log before
    running the real program (tor: recorded only)."""

    def __init__(self, root: Path) -> None:
        self.bin = root / "bin"
        self.bin.mkdir()
        self.log = root / "argv.log"
        self.log.touch()
        for name in _WRAPPED:
            real = shutil.which(name)
            if real is not None:
                self._wrap(name, f'exec {real} "$@"')
        self._wrap("tor", "exit 0")

    def _wrap(self, name: str, then: str) -> None:
        path = self.bin / name
        # one write a record: a pipeline's programs start at once, and two printf writes each let
        # `curl ... | grep` interleave their records (a flake on a loaded machine, wave 31)
        path.write_text(f"#!/bin/sh\nrec=$(printf '%s\\037' {name} \"$@\"; printf '\\036')\n"
                        f"printf '%s' \"$rec\" >> '{self.log}'\n{then}\n")
        path.chmod(0o755)

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        return {"PATH": f"{self.bin}:/usr/bin:/bin", "HOME": str(self.bin.parent), **extra}

    def command_lines(self) -> list[list[str]]:
        return [rec.split("\x1f")[:-1] for rec in self.log.read_text(errors="replace").split("\x1e") if rec]


@pytest.fixture
def recorder(tmp_path: Path) -> _Recorder:
    return _Recorder(tmp_path)


class _FakeElastic(http.server.BaseHTTPRequestHandler):
    """Elasticsearch's two answers these commands read, given only with the right credentials
    (a stand-in: no Elasticsearch runs in these tests; curl is real)."""

    elastic = ""
    kibana = ""
    posted: list[str] = []

    def _authorised(self) -> bool:
        want = "Basic " + base64.b64encode(f"elastic:{self.elastic}".encode()).decode()
        if self.headers.get("Authorization") == want:
            return True
        self.send_response(401)
        self.end_headers()
        return False

    def _answer(self, body: dict[str, Any]) -> None:
        data = json.dumps(body, separators=(",", ":")).encode()  # as Elasticsearch writes it
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self._authorised() and self.path == "/_cluster/health":
            self._answer({"status": "green"})

    def do_POST(self) -> None:
        if not self._authorised():
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        type(self).posted.append(body.get("password", ""))
        if self.path == "/_security/user/kibana_system/_password" and body.get("password") == self.kibana:
            self._answer({})
        else:
            self._answer({"error": "unexpected"})

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def elastic() -> Iterator[tuple[str, type[_FakeElastic]]]:
    handler = type("Handler", (_FakeElastic,), {"posted": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def _leaks(lines: list[list[str]], secrets: dict[str, str]) -> list[str]:
    return sorted({k for line in lines for arg in line for k, v in secrets.items() if v in arg})


@pytest.mark.parametrize("name", ["elasticsearch", "es01", "es-setup"])
def test_elasticsearch_passwords_reach_curl_off_its_command_line(
        name: str, recorder: _Recorder, elastic: tuple[str, type[_FakeElastic]]) -> None:
    """The healthchecks and es-setup authenticate (the server takes the password) while no
    process started has a password in its command line. Before: curl's `-u elastic:...` and
    `-d {"password": ...}` (and the shell's own `-c` text for the healthchecks)."""
    url, handler = elastic
    filled = env_filled()
    env = _service_env(name, filled)
    handler.elastic, handler.kibana = env["ELASTIC_PASSWORD"], env.get("KIBANA_PASSWORD", "")
    secrets = _secrets(env)
    texts = _shell_texts(name)
    assert texts, f"{name}: no shell command found"
    for shell, text in texts:
        script = interpolate(text, filled)
        script = script.replace("http://localhost:9200", url).replace("http://elasticsearch:9200", url)
        assert url in script, script
        run = subprocess.run([shutil.which(shell) or shell, "-c", script], env=recorder.env(env), cwd=recorder.bin,
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, f"{name}: {script[:200]} -> {run.returncode} {run.stderr[-500:]}"
        assert not _leaks([[script]], secrets), f"{name}: the shell's own command line holds a password"
    lines = recorder.command_lines()
    assert any(line[0] == "curl" for line in lines), lines
    assert not _leaks(lines, secrets), [" ".join(line) for line in lines if _leaks([line], secrets)]
    if name == "es-setup":
        assert handler.posted == [env["KIBANA_PASSWORD"]]


@pytest.mark.skipif(not shutil.which("redis-server") or not shutil.which("redis-cli"), reason="needs redis")
def test_redis_takes_its_password_off_its_command_line(recorder: _Recorder, tmp_path: Path) -> None:
    """The scale profile's Redis starts with its password required (a client without it is told
    NOAUTH, one with it PONG) and redis-server's command line never held it. Before:
    `--requirepass <password>`."""
    filled = env_filled()
    env = _service_env("redis", filled)
    secrets = _secrets(env)
    ((shell, text),) = [(shell, text) for shell, text in _shell_texts("redis") if "redis-server" in text]
    sock = tmp_path / "redis.sock"
    script = (interpolate(text, filled).replace("/run/redis/redis.sock", str(sock))
              .replace("--appendonly yes", "--appendonly no")
              .replace("--appendfsync everysec", "--dir " + str(tmp_path)))
    assert str(sock) in script
    proc = subprocess.Popen([shutil.which(shell) or shell, "-c", script], env=recorder.env(env), cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not sock.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sock.exists(), f"redis did not start (exit {proc.poll()})"

        def ping(auth: str | None) -> str:
            cli_env = {"PATH": "/usr/bin:/bin", **({"REDISCLI_AUTH": auth} if auth else {})}
            return subprocess.run(["redis-cli", "-s", str(sock), "ping"], env=cli_env, capture_output=True,
                                  text=True, timeout=30).stdout.strip()

        assert ping(None).startswith("NOAUTH")
        assert ping(env["REDIS_PASSWORD"]) == "PONG"
    finally:
        proc.terminate()
        proc.wait(30)
    lines = recorder.command_lines()
    assert any(line[0] == "redis-server" for line in lines), lines
    assert not _leaks(lines, secrets), [" ".join(line) for line in lines]


@pytest.mark.skipif(not shutil.which("tor"), reason="needs tor")
def test_the_tor_image_hashes_its_control_password_off_the_command_line(recorder: _Recorder, tmp_path: Path) -> None:
    """deploy/tor/entrypoint.sh (run by dash, as Debian's /bin/sh) starts tor with a hash of the
    control password that a real tor takes (stem authenticates with the password, and not with
    another), and no process it started had the password in its command line. Before: `tor
    --hash-password <password>`."""
    from stem.connection import AuthenticationFailure
    from stem.control import Controller

    password = env_filled()["TOR_CONTROL_PASSWORD"] + "%s%%'\""  # printf's specials too (no backslash: stem
    # does not escape it in AUTHENTICATE)
    run = subprocess.run(["dash", str(REPO / "deploy" / "tor" / "entrypoint.sh")],
                         env=recorder.env({"TOR_CONTROL_PASSWORD": password}), capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    lines = recorder.command_lines()
    assert not _leaks(lines, {"TOR_CONTROL_PASSWORD": password}), [" ".join(line) for line in lines]
    (launch,) = [line for line in lines if line[0] == "tor"]
    assert launch[1:4] == ["-f", "/etc/tor/torrc", "HashedControlPassword"], launch
    hashed = launch[4]
    data = tmp_path / "tor"
    data.mkdir(mode=0o700)
    torrc = (f"DataDirectory {data}\nSocksPort 0\nControlPort auto\nControlPortWriteToFile {data}/port\n"
             f"DisableNetwork 1\nLog err stderr\nHashedControlPassword {hashed}\n")
    tor = subprocess.Popen([shutil.which("tor") or "tor", "-f", "-"], stdin=subprocess.PIPE,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                           env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert tor.stdin is not None
    tor.stdin.write(torrc)
    tor.stdin.close()
    try:
        port_file = data / "port"
        deadline = time.monotonic() + 60
        while not port_file.exists() and tor.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert port_file.exists(), f"tor did not start: {tor.poll()} {tor.stderr.read() if tor.stderr else ''}"
        host, _, port = port_file.read_text().strip().removeprefix("PORT=").rpartition(":")
        with Controller.from_port(address=host, port=int(port)) as controller:
            with pytest.raises(AuthenticationFailure):
                controller.authenticate(password=password + "x")
        with Controller.from_port(address=host, port=int(port)) as controller:
            controller.authenticate(password=password)
            assert controller.get_version() is not None
    finally:
        tor.terminate()
        tor.wait(30)


def test_the_service_metrics_stay_on_the_containers_loopback() -> None:
    """/metrics is checked per account on a loopback listener only (round 10): the `vigie`
    service keeps service.metrics_host's default (127.0.0.1 in its container) and no service
    publishes the port on the host. Before: VIGIE_METRICS_HOST 0.0.0.0, published on
    127.0.0.1:9108, where docker's proxy answered every account of the host."""
    for name, svc in SERVICES.items():
        env = svc.get("environment") or {}
        assert env.get("VIGIE_METRICS_HOST", "127.0.0.1") in ("127.0.0.1", "::1", "localhost"), name
        for published in svc.get("ports") or []:
            assert not str(published).endswith(":9108"), f"{name} publishes /metrics: {published}"
    env = _service_env("vigie", env_filled())
    loaded, problems = check_config_dir(REPO / "config", env=env)
    assert problems == [] and loaded is not None, problems
    assert loaded.global_config.service.metrics_host == "127.0.0.1"
    assert is_loopback_host(loaded.global_config.service.metrics_host)


def test_kibana_reads_its_password_from_its_settings_file_not_its_command_line() -> None:
    """The Kibana image's entrypoint passes every variable named after a Kibana setting to Kibana as
    an argument (ELASTICSEARCH_PASSWORD becomes `--elasticsearch.password=<value>`: Elastic's
    "Configuring Kibana on Docker"), so kibana_system's password stood on the command line of
    Kibana's node process, for every account of the host, as long as it ran. Now the only secret
    variable is named as no setting is (VIGIE_...) and the mounted kibana.yml reads it
    (`${VAR}`, which Kibana's settings file expands). Before: ELASTICSEARCH_PASSWORD."""
    env = _service_env("kibana", env_filled())
    secrets = _secrets(env)
    assert secrets, env
    for name in secrets:
        assert name.startswith("VIGIE_"), f"kibana: {name} would be put on Kibana's command line"
    mounts = {m.split(":")[1]: REPO / m.split(":")[0] for m in SERVICES["kibana"]["volumes"] if m.startswith("./")}
    settings = yaml.safe_load(mounts["/usr/share/kibana/config/kibana.yml"].read_text())
    (name,) = secrets
    assert settings["elasticsearch.password"] == "${" + name + "}"
    assert settings["elasticsearch.username"] == "kibana_system"
    assert settings["elasticsearch.hosts"] == ["http://elasticsearch:9200"]
    assert settings["server.host"] == "0.0.0.0"  # the image's own kibana.yml says so: kept
