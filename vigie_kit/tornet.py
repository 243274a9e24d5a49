"""A private Tor network on 127.0.0.1, for tests and `vigie demo`.

Follows the measured recipe in `shared/reference/tor-private-network.md`: 3 directory
authorities (also exits), 2 extra exit relays with `DirCache 0`, 1 onion-service node and 1
client (SocksPort + cookie-authenticated ControlPort, `UseMicrodescriptors 0`). Every exit only
accepts 127.0.0.0/8 and resolves DNS through `nameserver 127.0.0.1`.

It refuses to start unless the process sits in a network namespace whose only interface is
loopback (`unshare --net`), so that even a buggy crawler cannot reach the outside world.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from loguru import logger

from crawler._tor_socks import socks5_http_get
from vigie_kit.ports import free_port
from vigie_kit.torrc import ALL_NODES, AUTHORITY, CLIENT, HS_NODE, RELAY

__all__ = ["NotIsolatedError", "PrivateTorNetwork", "TorNetworkError", "assert_loopback_only"]

START_TIMEOUT_SECONDS = 120.0


class TorNetworkError(RuntimeError):
    """The private Tor network could not be started or used."""


class NotIsolatedError(TorNetworkError):
    """Refused: the process is not in a loopback-only network namespace."""


def assert_loopback_only(what: str = "the private Tor network") -> None:
    """Raise NotIsolatedError unless `lo` is the only network interface of this process."""
    names = sorted(name for _, name in socket.if_nameindex())
    if names != ["lo"]:
        raise NotIsolatedError(
            f"refusing to start {what}: this process sees network interfaces {names}, "
            "expected only ['lo']. Run inside a loopback-only network namespace, e.g. "
            "`unshare --net -- bash -c 'ip link set lo up && <command>'` (as root)."
        )


@dataclass
class _Node:
    nick: str
    role: str  # "authority", "relay", "hs", "client"
    datadir: Path
    orport: int = 0
    dirport: int = 0
    control: int = 0
    socks: int = 0
    fingerprint: str = ""
    v3ident: str = ""
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def torrc(self) -> Path:
        return self.datadir.parent / f"{self.nick}.torrc"

    @property
    def log(self) -> Path:
        return self.datadir / "notice.log"


class PrivateTorNetwork:
    """Seven tor processes forming a throw-away Tor network; a context manager.

    `start()` blocks until the client is at `Bootstrapped 100%` (typically 10-25 s);
    `add_onion_service()` publishes a v3 onion for a local port and waits until it is fetchable.
    """

    def __init__(self, workdir: Path, on_progress: Callable[[str], None] | None = None,
                 tor_binary: str = "tor"):
        self.workdir = Path(workdir)
        self._on_progress = on_progress
        self._tor = tor_binary
        self._nodes: list[_Node] = []
        self._hs_controller = None  # stem Controller on the onion-service node
        self._onions: dict[int, str] = {}
        self.started_seconds: float | None = None

    # ---- public API ---------------------------------------------------------------------

    @property
    def socks_port(self) -> int:
        return self._node("client").socks

    @property
    def control_port(self) -> int:
        return self._node("client").control

    @property
    def client_cookie_path(self) -> Path:
        return self._node("client").datadir / "control_auth_cookie"

    @property
    def dir_authority_lines(self) -> list[str]:
        """`DirAuthority ...` torrc lines, for another tor (e.g. `tor.mode: launch`) to join."""
        return [self._dirauth_line(n) for n in self._nodes if n.role == "authority"]

    def client_options(self) -> dict[str, str]:
        """torrc options for an extra client joining this network (e.g. as `tor.extra_torrc`
        with `tor.mode: launch`); multi-valued options are newline-separated."""
        return {
            "TestingTorNetwork": "1",
            "DirAuthority": "\n".join(self.dir_authority_lines),
            "UseMicrodescriptors": "0",
            "PathsNeededToBuildCircuits": "0.25",
            "ClientUseIPv6": "0",
            "AddressDisableIPv6": "1",
            "Sandbox": "0",
            "SafeLogging": "0",
        }

    def start(self) -> None:
        assert_loopback_only()
        if shutil.which(self._tor) is None:
            raise TorNetworkError(f"tor binary {self._tor!r} not found; install it (apt-get install tor)")
        began = time.monotonic()
        for attempt in (1, 2):
            try:
                self._start_once(time.monotonic() + START_TIMEOUT_SECONDS)
                self.started_seconds = time.monotonic() - began
                self._progress(f"private Tor network ready in {self.started_seconds:.1f}s")
                return
            except Exception as exc:
                self.stop()
                if attempt == 2:
                    raise TorNetworkError(
                        f"private Tor network in {self.workdir} failed twice: {exc}. "
                        f"See the notice.log files under {self.workdir}."
                    ) from exc
                self._progress(f"start failed ({exc}); restarting once")

    def stop(self) -> None:
        if self._hs_controller is not None:
            try:
                self._hs_controller.close()
            except Exception:
                pass
            self._hs_controller = None
        for node in reversed(self._nodes):
            self._terminate(node)

    def kill_client(self) -> None:
        """SIGKILL the client tor (as a crash would); the SOCKS port goes away at once."""
        node = self._node("client")
        if node.proc is not None and node.proc.poll() is None:
            node.proc.kill()
            node.proc.wait(timeout=10)
        node.proc = None
        self._progress("client tor killed")

    def restart_client(self, timeout: float = 60.0) -> None:
        """Start the client again on the same ports and wait for `Bootstrapped 100%`."""
        node = self._node("client")
        if node.proc is not None and node.proc.poll() is None:
            return
        node.log.unlink(missing_ok=True)
        self._launch(node)
        self._wait_bootstrapped([node], time.monotonic() + timeout)
        self._progress("client tor restarted")

    def add_onion_service(self, target_port: int, hs_port: int = 80,
                          timeout: float = 120.0) -> str:
        """Publish an ephemeral v3 onion service for 127.0.0.1:target_port; return `xxx.onion`.

        Waits until a GET through the client's SOCKS port gets any HTTP answer, so the caller
        can crawl at once. The target server must already be listening.
        """
        if target_port in self._onions:
            return self._onions[target_port]
        deadline = time.monotonic() + timeout
        ctl = self._hs_control()
        reply = ctl.create_ephemeral_hidden_service(
            {hs_port: f"127.0.0.1:{target_port}"}, key_type="NEW", key_content="ED25519-V3",
            detached=True, await_publication=True, timeout=timeout,
        )
        onion = f"{reply.service_id}.onion"
        self._progress(f"onion service {onion} published for 127.0.0.1:{target_port}")
        url = f"http://{onion}/" if hs_port == 80 else f"http://{onion}:{hs_port}/"
        last: Exception | None = None
        attempt = 0
        while time.monotonic() < deadline:
            attempt += 1
            try:
                # each attempt on its own circuits (a fresh SOCKS username) and bounded: on a loaded
                # machine one rendezvous can stall while a new one would succeed at once
                socks5_http_get("127.0.0.1", self.socks_port, url, username=f"vigie-tornet-probe-{attempt}",
                                password="probe", timeout=max(1.0, min(20.0, deadline - time.monotonic())))
                self._onions[target_port] = onion
                self._progress(f"onion service {onion} fetchable")
                return onion
            except OSError as exc:
                last = exc
                time.sleep(0.3)
        raise TorNetworkError(f"onion service {onion} -> 127.0.0.1:{target_port} not fetchable "
                              f"within {timeout:.0f}s: {last}")

    def __enter__(self) -> PrivateTorNetwork:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ---- start-up -----------------------------------------------------------------------

    def _start_once(self, deadline: float) -> None:
        if self.workdir.exists():
            shutil.rmtree(self.workdir)
        self.workdir.mkdir(parents=True, mode=0o700)
        self._onions.clear()
        self._empty.write_text("")  # tor rejects /dev/null as a torrc here
        self._plan_nodes()
        self._progress("generating keys")
        for node in self._nodes:
            if node.role == "authority":
                self._gen_authority_keys(node)
            if node.role in ("authority", "relay"):
                node.fingerprint = self._fingerprint(node)
        self._write_torrcs()
        relays = [n for n in self._nodes if n.role in ("authority", "relay")]
        self._progress(f"starting {len(relays)} relays (3 authorities)")
        for node in relays:
            self._launch(node)
        self._wait_consensus(relays, deadline)
        edge = [self._node("hs"), self._node("client")]
        self._progress("starting the onion-service node and the client")
        for node in edge:
            self._launch(node)
        self._wait_bootstrapped(edge, deadline)

    def _plan_nodes(self) -> None:
        nodes: list[_Node] = []
        for i in range(3):
            nodes.append(_Node(f"auth{i}", "authority", self.workdir / f"auth{i}",
                               orport=free_port(), dirport=free_port()))
        for i in range(2):
            nodes.append(_Node(f"relay{i}", "relay", self.workdir / f"relay{i}", orport=free_port()))
        nodes.append(_Node("hs", "hs", self.workdir / "hs", control=free_port()))
        nodes.append(_Node("client", "client", self.workdir / "client",
                           socks=free_port(), control=free_port()))
        for node in nodes:
            node.datadir.mkdir(mode=0o700)
        self._nodes = nodes

    def _gen_authority_keys(self, node: _Node) -> None:
        keys = node.datadir / "keys"
        keys.mkdir(mode=0o700, exist_ok=True)
        subprocess.run(
            ["tor-gencert", "--create-identity-key", "-m", "12", "-a", f"127.0.0.1:{node.dirport}",
             "-i", str(keys / "authority_identity_key"), "-s", str(keys / "authority_signing_key"),
             "-c", str(keys / "authority_certificate"), "--passphrase-fd", "0"],
            input=b"vigie-private-network\n", check=True, capture_output=True, timeout=30,
        )
        for line in (keys / "authority_certificate").read_text().splitlines():
            if line.startswith("fingerprint "):
                node.v3ident = line.split()[1]
        if not node.v3ident:
            raise TorNetworkError(f"no fingerprint in {keys / 'authority_certificate'}")

    def _fingerprint(self, node: _Node) -> str:
        out = subprocess.run(
            [self._tor, "--list-fingerprint", "--defaults-torrc", str(self._empty), "-f", str(self._empty),
             "--DataDirectory", str(node.datadir), "--ORPort", f"127.0.0.1:{node.orport}",
             "--Nickname", node.nick, "--quiet"],
            check=True, capture_output=True, timeout=30, text=True,
        ).stdout.split()
        # "<nick> XXXX XXXX ..." (40 hex digits in groups of 4)
        return "".join(out[1:11]) if out and out[0] == node.nick else "".join(out[-10:])

    def _dirauth_line(self, n: _Node) -> str:
        return (f"DirAuthority {n.nick} orport={n.orport} no-v2 v3ident={n.v3ident} "
                f"127.0.0.1:{n.dirport} {n.fingerprint}")

    def _write_torrcs(self) -> None:
        resolv = self.workdir / "resolv.conf"
        resolv.write_text("nameserver 127.0.0.1\n")
        auths = [n for n in self._nodes if n.role == "authority"]
        dirauth = "".join(self._dirauth_line(n) + "\n" for n in auths)
        hsdirs = ",".join(n.fingerprint for n in auths)
        for node in self._nodes:
            text = ALL_NODES.format(hsdirs=hsdirs, nick=node.nick, datadir=node.datadir,
                                     resolv=resolv) + dirauth
            if node.role in ("authority", "relay"):
                text += RELAY.format(orport=node.orport)
            if node.role == "authority":
                text += AUTHORITY.format(dirport=node.dirport)
            elif node.role == "relay":
                text += "DirCache 0\n"
            elif node.role == "hs":
                text += HS_NODE.format(control=node.control)
            else:
                text += CLIENT.format(socks=node.socks, control=node.control)
            node.torrc.write_text(text)

    def _launch(self, node: _Node) -> None:
        node.proc = subprocess.Popen(
            [self._tor, "-f", str(node.torrc), "--defaults-torrc", str(self._empty)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    def _check_alive(self, nodes: list[_Node]) -> None:
        for node in nodes:
            if node.proc is None or node.proc.poll() is not None:
                tail = node.log.read_text()[-800:] if node.log.exists() else ""
                raise TorNetworkError(f"tor node {node.nick} exited early; log tail:\n{tail}")

    def _wait_consensus(self, relays: list[_Node], deadline: float) -> None:
        auth = relays[0]
        url = f"http://127.0.0.1:{auth.dirport}/tor/status-vote/current/consensus"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        want = {n.nick: n.role for n in relays}
        shown = -1
        while time.monotonic() < deadline:
            self._check_alive(relays)
            try:
                text = opener.open(url, timeout=5).read().decode("utf-8", "replace")
            except OSError:
                text = ""
            flags: dict[str, set[str]] = {}
            nick = None
            for line in text.splitlines():
                if line.startswith("r "):
                    nick = line.split()[1]
                elif line.startswith("s ") and nick:
                    flags[nick] = set(line.split()[1:])
            ok = [n for n, role in want.items()
                  if {"Running", "Valid", "Exit", "Guard"} <= flags.get(n, set())
                  and (role != "authority" or "HSDir" in flags.get(n, set()))]
            if len(ok) != shown:
                shown = len(ok)
                self._progress(f"consensus lists {len(ok)}/{len(want)} relays as usable")
            if len(ok) == len(want):
                return
            time.sleep(0.5)
        raise TorNetworkError("no usable consensus before the deadline")

    def _wait_bootstrapped(self, nodes: list[_Node], deadline: float) -> None:
        pending = {n.nick: n for n in nodes}
        last: dict[str, str] = {}
        while pending and time.monotonic() < deadline:
            self._check_alive(list(pending.values()))
            for nick, node in list(pending.items()):
                text = node.log.read_text(errors="replace") if node.log.exists() else ""
                marks = [ln for ln in text.splitlines() if "Bootstrapped " in ln]
                if marks and marks[-1] != last.get(nick):
                    last[nick] = marks[-1]
                    self._progress(f"{nick}: {marks[-1].split('Bootstrapped ', 1)[1]}")
                if "Bootstrapped 100%" in text:
                    del pending[nick]
            time.sleep(0.2)
        if pending:
            raise TorNetworkError(f"{sorted(pending)} not bootstrapped before the deadline")

    def _hs_control(self):  # -> stem.control.Controller
        if self._hs_controller is None:
            from stem.control import Controller

            ctl = Controller.from_port("127.0.0.1", self._node("hs").control)
            ctl.authenticate()
            self._hs_controller = ctl
        return self._hs_controller

    # ---- helpers ------------------------------------------------------------------------

    @property
    def _empty(self) -> Path:
        return self.workdir / "empty.torrc"

    def _node(self, role: str) -> _Node:
        for node in self._nodes:
            if node.role == role:
                return node
        raise TorNetworkError("the private Tor network is not started; call start() first")

    def _terminate(self, node: _Node) -> None:
        proc, node.proc = node.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)

    def _progress(self, message: str) -> None:
        logger.debug("tornet: {}", message)
        if self._on_progress is not None:
            self._on_progress(message)

    @property
    def pids(self) -> list[int]:
        return [n.proc.pid for n in self._nodes if n.proc is not None and n.proc.poll() is None]

    def __del__(self) -> None:  # last resort: never leave tor processes behind
        try:
            for node in self._nodes:
                if node.proc is not None and node.proc.poll() is None:
                    os.kill(node.proc.pid, signal.SIGKILL)
        except Exception:
            pass
