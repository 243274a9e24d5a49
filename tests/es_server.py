"""Run a real, throw-away Elasticsearch node for tests, benchmarks and demos.

Uses the integ-test distribution that `scripts/setup.sh` unpacked into `.cache/elasticsearch-<v>`
(no bundled JDK, so `ES_JAVA_HOME` must point at a JDK it supports). Elasticsearch refuses to run
as root, so when we are root the node runs as the unprivileged user from `scripts/versions.env`
(`vigie-es`) via `setpriv`; otherwise it runs as the current user.

Every node gets its own directory (config copy, data, logs, tmp) that the node user owns, listens
on 127.0.0.1 only (works inside `unshare --net` with only `lo` up), uses a small heap and
`discovery.type=single-node`, and security disabled (loopback only, throw-away data).

`stop()` then `start()` restarts the *same* node on the same ports and data directory, which is
what the resilience tests need. The whole process group is killed on stop, so no JVM is leaked.

`ElasticsearchCluster(3)` runs several such nodes as one cluster (loopback transport ports,
`discovery.seed_hosts` and `cluster.initial_master_nodes`, every node master-eligible, small
heaps): the scale-out tests kill one node while Vigie writes through all of them.

Usable from a script:

    from tests.es_server import ElasticsearchServer
    with ElasticsearchServer() as es:
        print(es.url)
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from vigie_kit.ports import free_port

__all__ = ["ElasticsearchCluster", "ElasticsearchServer", "EsServerError", "read_versions_env"]

ROOT = Path(__file__).resolve().parent.parent


class EsServerError(RuntimeError):
    """The test Elasticsearch node could not be started or stopped."""


def read_versions_env(path: Path = ROOT / "scripts" / "versions.env") -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never use a proxy


class ElasticsearchServer:
    def __init__(
        self,
        version: str | None = None,
        es_home: Path | None = None,
        java_home: Path | None = None,
        *,
        base_dir: Path | None = None,
        user: str | None = None,
        heap: str = "512m",
        secure: bool = False,
        node_name: str = "vigie-test-node",
        discovery: dict[str, str] | None = None,
        java_opts: str = "",
    ) -> None:
        env = read_versions_env()
        self.version = version or env.get("ES_VERSION", "9.2.0")
        self.es_home = Path(es_home or ROOT / ".cache" / f"elasticsearch-{self.version}")
        self.java_home = Path(java_home or env.get("ES_JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"))
        self.user = user if user is not None else (env.get("ES_USER", "vigie-es") if os.geteuid() == 0 else "")
        self.heap = heap
        self.node_name = node_name
        self.java_opts = java_opts
        # None: discovery.type=single-node; else the cluster's discovery settings (ElasticsearchCluster)
        self.discovery = discovery
        # secure=True: HTTPS with a throw-away CA (self.ca_path) and a file-realm superuser
        # (self.username / self.password), to test TLS and auth for real
        self.secure = secure
        self.username = "vigie-admin" if secure else None
        self.password = f"pw-{os.urandom(9).hex()}" if secure else None
        self._own_base = base_dir is None
        self.base_dir = Path(base_dir) if base_dir else Path(tempfile.mkdtemp(prefix="vigie-es-"))
        self.http_port = free_port()
        self.transport_port = free_port()
        self._proc: subprocess.Popen[bytes] | None = None
        self._prepared = False

    # ------------------------------------------------------------------ public
    @property
    def url(self) -> str:
        return f"{'https' if self.secure else 'http'}://127.0.0.1:{self.http_port}"

    @property
    def ca_path(self) -> Path:
        return self.base_dir / "config" / "certs" / "ca.crt"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 120.0, *, wait: bool = True) -> ElasticsearchServer:
        """Start the node and wait until it is green (`wait=False`: return once the process runs,
        for a cluster whose nodes must start together)."""
        if self.running:
            return self
        if not (self.es_home / "bin" / "elasticsearch").exists():
            raise EsServerError(
                f"no Elasticsearch distribution at {self.es_home}; run scripts/setup.sh "
                "(it downloads the integ-test zip from Maven Central)"
            )
        if not (self.java_home / "bin" / "java").exists():
            raise EsServerError(f"no JDK at {self.java_home}; set ES_JAVA_HOME in scripts/versions.env")
        self._prepare()
        cmd, env = self._as_es_user([str(self.es_home / "bin" / "elasticsearch"), *self._settings_args()])
        self._log = open(self.base_dir / "stdout.log", "ab")
        self._proc = subprocess.Popen(
            cmd, cwd=self.base_dir, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        if not wait:
            return self
        try:
            self._wait_green(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the process group (graceful shutdown), SIGKILL after `timeout`."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None and timeout > 0:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout) if timeout > 0 else None
            except subprocess.TimeoutExpired:
                pass
        try:  # whatever is left in the group (the JVM is a child of the launcher)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        self._wait_port_closed(10.0)
        self._log.close()

    def kill(self) -> None:
        """SIGKILL the node (a crash, not a shutdown); `start()` brings the same node back."""
        self.stop(timeout=0)

    def restart(self, timeout: float = 120.0) -> None:
        self.stop()
        self.start(timeout)

    def cleanup(self) -> None:
        self.stop()
        if self._own_base:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> ElasticsearchServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the node's process group (for benchmarks)."""
        if self._proc is None:
            return 0.0
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self._proc.pid:  # process group id
                total += int(fields[11]) + int(fields[12])
        return total / tick

    def log_tail(self, lines: int = 40) -> str:
        texts = []
        for path in (self.base_dir / "stdout.log", self.base_dir / "logs" / "vigie-test.log"):
            if path.exists():
                texts.append("\n".join(path.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(texts)

    # ------------------------------------------------------------------ internals
    def _prepare(self) -> None:
        if self._prepared:
            return
        conf = self.base_dir / "config"
        if not conf.exists():
            shutil.copytree(self.es_home / "config", conf)
        for sub in ("data", "logs", "tmp"):
            (self.base_dir / sub).mkdir(exist_ok=True)
        if self.secure:
            _write_certs(conf / "certs")
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chmod(self.base_dir, 0o755)
            for path in [self.base_dir, *self.base_dir.rglob("*")]:
                os.chown(path, pw.pw_uid, pw.pw_gid)
        if self.secure:
            self._run_tool("elasticsearch-users", "useradd", str(self.username), "-p",
                           str(self.password), "-r", "superuser")
        self._prepared = True

    def _as_es_user(self, cmd: list[str]) -> tuple[list[str], dict[str, str] | None]:
        """Elasticsearch refuses root: run `cmd` as `self.user` (setpriv, a clean environment
        holding only ours), or as we are when no user is set."""
        if not self.user:
            return cmd, {**os.environ, **self._env()}
        pw = pwd.getpwnam(self.user)
        return (["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups",
                 "--reset-env", "--", "env", *[f"{k}={v}" for k, v in self._env().items()], *cmd], None)

    def _run_tool(self, tool: str, *args: str) -> None:
        cmd, env = self._as_es_user([str(self.es_home / "bin" / tool), *args])
        done = subprocess.run(cmd, cwd=self.base_dir, env=env, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise EsServerError(f"{tool} {args[0]} failed ({done.returncode}): {done.stdout}{done.stderr}")

    def _env(self) -> dict[str, str]:
        return {
            "ES_JAVA_HOME": str(self.java_home),
            "ES_PATH_CONF": str(self.base_dir / "config"),
            "ES_TMPDIR": str(self.base_dir / "tmp"),
            "ES_JAVA_OPTS": f"-Xms{self.heap} -Xmx{self.heap} {self.java_opts}".strip(),
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.base_dir),
        }

    def _settings_args(self) -> list[str]:
        settings = {
            "cluster.name": "vigie-test",
            "node.name": self.node_name,
            **(self.discovery if self.discovery is not None else {"discovery.type": "single-node"}),
            "network.host": "127.0.0.1",
            "http.port": str(self.http_port),
            "transport.port": str(self.transport_port),
            "path.data": str(self.base_dir / "data"),
            "path.logs": str(self.base_dir / "logs"),
            "xpack.security.enabled": "true" if self.secure else "false",
            # test machines often have little free disk: never block writes on watermarks
            "cluster.routing.allocation.disk.threshold_enabled": "false",
        }
        if self.secure:
            settings.update({
                "xpack.security.http.ssl.enabled": "true",
                "xpack.security.http.ssl.certificate": "certs/node.crt",
                "xpack.security.http.ssl.key": "certs/node.key",
                "xpack.security.http.ssl.certificate_authorities": "certs/ca.crt",
                "xpack.security.transport.ssl.enabled": "false",
            })
        return [f"-E{k}={v}" for k, v in settings.items()]

    def _request(self, path: str, timeout: float = 5.0) -> dict:
        opener = _OPENER
        request = urllib.request.Request(self.url + path)
        if self.secure:
            import base64
            import ssl

            ctx = ssl.create_default_context(cafile=str(self.ca_path))
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                 urllib.request.HTTPSHandler(context=ctx))
            token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        with opener.open(request, timeout=timeout) as resp:
            return json.loads(resp.read())

    def _wait_green(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise EsServerError(
                    f"Elasticsearch {self.version} exited with code {self._proc.returncode} while "
                    f"starting (home {self.es_home}, java {self.java_home}).\n{self.log_tail()}"
                )
            try:
                health = self._request("/_cluster/health?wait_for_status=green&timeout=2s", timeout=5)
                if health.get("status") == "green":
                    return
                last = health
            except (urllib.error.URLError, ConnectionError, OSError, ValueError) as exc:
                last = exc
                time.sleep(0.5)
        raise EsServerError(
            f"Elasticsearch {self.version} at {self.url} not green after {timeout:.0f}s "
            f"(last: {last!r}).\n{self.log_tail()}"
        )

    def _wait_port_closed(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.http_port)) != 0:
                    return
            time.sleep(0.2)


class ElasticsearchCluster:
    """`size` nodes of the integ-test distribution as one cluster on loopback, security off.
    `urls` lists every node's HTTP address (what a client is given as its hosts); `kill(i)` is a
    crash of node i (SIGKILL), `start_node(i)` brings it back with its data."""

    def __init__(self, size: int = 3, *, heap: str = "256m", base_dir: Path | None = None) -> None:
        self._own_base = base_dir is None
        self.base_dir = Path(base_dir) if base_dir else Path(tempfile.mkdtemp(prefix="vigie-es-cluster-"))
        os.chmod(self.base_dir, 0o755)  # the node user walks into its own subdirectory
        names = [f"vigie-test-{i}" for i in range(size)]
        ports = [free_port() for _ in names]
        discovery = {
            "discovery.seed_hosts": ",".join(f"127.0.0.1:{p}" for p in ports),
            "cluster.initial_master_nodes": ",".join(names),
            # a killed node's shards are promoted on the others at once, not after the default 1 min
            "cluster.fault_detection.follower_check.timeout": "3s",
            "cluster.fault_detection.follower_check.retry_count": "2",
            "cluster.fault_detection.leader_check.timeout": "3s",
            "cluster.fault_detection.leader_check.retry_count": "2",
        }
        self.nodes = []
        for name, port in zip(names, ports, strict=True):
            (self.base_dir / name).mkdir()
            # C1 only: a JVM that starts in about half the time (three start at once on two cores)
            node = ElasticsearchServer(base_dir=self.base_dir / name, heap=heap, node_name=name, discovery=discovery,
                                       java_opts="-XX:TieredStopAtLevel=1")
            node.transport_port = port
            self.nodes.append(node)

    @property
    def urls(self) -> list[str]:
        return [n.url for n in self.nodes]

    def start(self, timeout: float = 150.0) -> ElasticsearchCluster:
        for node in self.nodes:
            node.start(wait=False)
        try:
            self.wait_health("green", len(self.nodes), timeout)
        except BaseException:
            self.cleanup()
            raise
        return self

    def health(self, wait_status: str | None = None, nodes: int | None = None, seconds: int = 2) -> dict:
        """`_cluster/health` from the first live node (with wait_for_* parameters)."""
        query = f"?timeout={seconds}s"
        if wait_status:
            query += f"&wait_for_status={wait_status}"
        if nodes:
            query += f"&wait_for_nodes={nodes}"
        last: Exception | None = None
        for node in self.nodes:
            if node.running:
                try:
                    return node._request("/_cluster/health" + query, timeout=seconds + 5)
                except urllib.error.HTTPError as exc:
                    if exc.code == 408:  # the wait timed out: the body is the health, with timed_out true
                        try:
                            return dict(json.loads(exc.read()))
                        except ValueError:
                            pass
                    last = exc
                except (urllib.error.URLError, ConnectionError, OSError, ValueError) as exc:
                    last = exc
        raise EsServerError(f"no node of the cluster answers ({last!r})")

    def wait_health(self, status: str, nodes: int, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            for node in self.nodes:
                if node._proc is not None and node._proc.poll() is not None:
                    raise EsServerError(f"node {node.node_name} exited ({node._proc.returncode}):\n{node.log_tail()}")
            try:
                health = self.health(status, nodes, seconds=max(1, min(30, int(deadline - time.monotonic()))))
                if not health.get("timed_out") and health.get("number_of_nodes") == nodes:
                    return health
                last = health
            except EsServerError as exc:
                last = exc
                time.sleep(0.5)
        for node in self.nodes:  # what the cluster says about the shards it could not place
            if node.running:
                try:
                    last = (last, node._request("/_cluster/allocation/explain", timeout=10))
                except (urllib.error.URLError, OSError, ValueError) as exc:
                    last = (last, f"no allocation explanation: {exc!r}")
                break
        raise EsServerError(f"cluster not {status} with {nodes} node(s) after {timeout:.0f}s (last: {last!r})\n"
                            + "\n".join(n.log_tail(15) for n in self.nodes))

    def kill(self, i: int) -> None:
        self.nodes[i].kill()

    def start_node(self, i: int) -> None:
        self.nodes[i].start(wait=False)

    def cleanup(self) -> None:
        for node in self.nodes:
            node.stop(timeout=10)
        if self._own_base:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> ElasticsearchCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def _write_certs(directory: Path) -> None:
    """A throw-away CA and a node certificate for 127.0.0.1/localhost (PEM files)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vigie test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    (directory / "ca.crt").write_bytes(ca.public_bytes(pem))
    (directory / "node.crt").write_bytes(cert.public_bytes(pem))
    (directory / "node.key").write_bytes(key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


if __name__ == "__main__":  # manual check: python -m tests.es_server
    t0 = time.monotonic()
    with ElasticsearchServer() as server:
        print(f"green at {server.url} after {time.monotonic() - t0:.1f}s")
        print(json.dumps(server._request("/"), indent=1))


@contextmanager
def fake_node(version: str, seen_auth: list[str | None] | None = None) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that answers `GET /_nodes` like an Elasticsearch node of
    `version`, recording each request's Authorization header. A fake, used only where no real
    node can run here (an 8.x node, an API key); it exercises our client side, not Elasticsearch.
    Yields the node's URL."""

    class _Node(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if seen_auth is not None:
                seen_auth.append(self.headers.get("Authorization"))
            body = json.dumps({"nodes": {"n1": {"version": version}}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-elastic-product", "Elasticsearch")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Node)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
