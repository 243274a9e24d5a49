"""The stem adapter: launch or attach to tor, wait for bootstrap, NEWNYM, health for the CLI.

`TorController(settings, data_dir)` follows `config/vigie.yaml`'s `tor:` section
(`config.schema.TorSettings`):
- `mode: launch` starts a tor process (`DataDirectory <data_dir>/tor`, cookie auth on
  the control port); `extra_torrc` values containing newlines become repeated options; tor's
  environment holds no key or config secret (`vigie.core.process.child_env`);
- `mode: external` connects to an existing control port (password, or cookie: the file named
  in `cookie_auth_file`, or the one tor announces in PROTOCOLINFO). Cookie authentication is
  SAFECOOKIE only, so a process squatting the port never receives a cookie or a file it names
  (`TorController._authenticate`).

NEWNYM is sent on a schedule (`newnym_interval`), never faster than tor allows
(`get_newnym_wait()`); a NEWNYM refused by the rate limit stays pending until it is allowed.
A failed request needs no NEWNYM: the Tor download handler retries it on a fresh isolated circuit.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from loguru import logger

from crawler import CrawlerError
from crawler._tor_socks import socks5_greeting_ok
from vigie.config.schema import TorSettings, parse_interval
from vigie.core.executables import UntrustedExecutable, trusted_executable
from vigie.core.peers import PeerCheckError, TrustedPeers
from vigie.core.process import child_env

if TYPE_CHECKING:
    import subprocess

    from stem.control import Controller

__all__ = ["TorControlError", "TorController", "TorError", "TorHealth", "TorLaunchError",
           "control_port_reachable"]


class TorError(CrawlerError, RuntimeError):
    """Base class of this module's errors (a `CrawlerError`; still a `RuntimeError` for old callers)."""


class TorControlError(TorError):
    """The control port could not be reached or authenticated."""


class TorLaunchError(TorError):
    """The tor binary is missing, or the launched tor failed or did not bootstrap in time."""


@dataclass(frozen=True)
class TorHealth:
    mode: str
    version: str | None = None
    bootstrap_percent: int | None = None
    bootstrap_summary: str | None = None
    socks_reachable: bool = False
    control_reachable: bool = False
    circuit_count: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return (self.control_reachable and self.socks_reachable
                and self.bootstrap_percent == 100 and self.error is None)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok": self.ok}


_PHASE = re.compile(r'PROGRESS=(\d+).*?SUMMARY="([^"]*)"')


class TorController:
    def __init__(self, settings: TorSettings, data_dir: Path,
                 on_progress: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic, *, peers: TrustedPeers | None = None,
                 auto_ports: bool = False):
        self.settings = settings
        # launch only: tor picks its own free SOCKS and control ports (`auto`), read back once it
        # listens (`settings` then names them); see `launch`
        self.auto_ports = auto_ports and settings.mode == "launch"
        # who may own the SOCKS port's listener (vigie.core.peers), reported by health()
        self.peers = peers if peers is not None else TrustedPeers.default()
        self.data_dir = Path(data_dir)
        self._on_progress = on_progress
        self._clock = clock
        self._controller: Controller | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._pending_newnym = False
        self._last_newnym = clock()
        self.newnym_count = 0
        self._interval = (parse_interval(settings.newnym_interval).total_seconds()
                          if settings.newnym_interval else None)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- lifecycle ----------------------------------------------------------------------

    def start(self) -> TorController:
        """Launch or connect (per `tor.mode`), authenticate and wait for bootstrap 100%."""
        if self.settings.mode == "launch":
            self.launch()
        self.connect()
        self.wait_bootstrap()
        return self

    def launch(self) -> None:
        binary = shutil.which(self.settings.tor_binary)
        if binary is None:
            raise TorLaunchError(f"tor binary {self.settings.tor_binary!r} not found on PATH; "
                                 "install tor (apt-get install tor) or set tor.tor_binary")
        try:  # not one another local account put on PATH, or can replace (vigie.core.executables)
            binary = trusted_executable(binary, self.peers, "tor binary")
        except UntrustedExecutable as exc:
            raise TorLaunchError(str(exc)) from None
        datadir = self.data_dir / "tor"
        datadir.mkdir(parents=True, exist_ok=True, mode=0o700)
        datadir.chmod(0o700)
        config: dict[str, str | list[str]] = {
            "SocksPort": f"{self.settings.socks_host}:{self.settings.socks_port}",
            "ControlPort": f"127.0.0.1:{self.settings.control_port}",
            "CookieAuthentication": "1",
            "DataDirectory": str(datadir),
        }
        port_file = datadir / "control-port"
        if self.auto_ports:
            # Why not free ports picked here (bind to port 0, close, hand the number to tor): another
            # local user could bind that port in between, and hold tor's SOCKS port (every onion
            # crawled would reach it) or keep tor from starting. Tor binds its own (`auto`) and
            # says which: the control port in ControlPortWriteToFile (inside the 0700 data
            # directory), the SOCKS port in GETINFO net/listeners/socks once authenticated.
            port_file.unlink(missing_ok=True)
            config["SocksPort"] = f"{self.settings.socks_host}:auto"
            config["ControlPort"] = "127.0.0.1:auto"
            config["ControlPortWriteToFile"] = str(port_file)
        if self.settings.circuit_build_timeout_seconds is not None:  # else tor learns it (its default)
            config["CircuitBuildTimeout"] = f"{self.settings.circuit_build_timeout_seconds:g}"
            config["LearnCircuitBuildTimeout"] = "0"
        for key, value in self.settings.extra_torrc.items():
            lines = [v for v in str(value).splitlines() if v.strip()]
            config[key] = lines if len(lines) > 1 else (lines[0] if lines else "")
        self._progress(f"launching {binary} (data in {datadir})")
        try:
            self._process = _launch_tor(binary, config, self.settings.bootstrap_timeout_seconds, self._init_line)
        except OSError as exc:
            raise TorLaunchError(f"could not launch {binary}: {exc}") from exc
        if self.auto_ports:
            self.settings = self.settings.model_copy(update={"control_port": self._written_port(port_file)})

    def _written_port(self, path: Path) -> int:
        """The control port our tor wrote in ControlPortWriteToFile (`PORT=127.0.0.1:N`): written
        as it opens its listeners, before it says it bootstraps; waited for a few seconds at most."""
        deadline = time.monotonic() + 10
        while True:
            try:
                text = path.read_text()
            except FileNotFoundError:
                text = ""
            if (found := re.search(r"^PORT=127\.0\.0\.1:(\d+)$", text, re.M)) is not None:
                return int(found.group(1))
            if time.monotonic() > deadline or (self._process is not None and self._process.poll() is not None):
                raise TorLaunchError(f"tor did not say which control port it took ({path} holds {text!r})")
            time.sleep(0.05)

    def connect(self) -> None:
        from stem import ProtocolError, SocketError
        from stem.connection import AuthenticationFailure
        from stem.control import Controller

        port = self.settings.control_port
        try:
            ctl = Controller.from_port("127.0.0.1", port)
        except SocketError as exc:
            raise TorControlError(f"cannot reach tor's control port 127.0.0.1:{port}: {exc}; "
                                  "is tor running with ControlPort set (tor.control_port)?") from exc
        try:
            self._authenticate(ctl)
        except (AuthenticationFailure, ProtocolError, OSError) as exc:  # (ProtocolError: not tor's protocol
            # at all, another account's HTTP server on the port: `vigie status` died of it, round 12)
            ctl.close()
            raise TorControlError(f"authentication to tor's control port 127.0.0.1:{port} "
                                  f"failed: {exc}; set tor.control_password or "
                                  "tor.cookie_auth_file") from exc
        self._controller = ctl
        if self.auto_ports:
            self._adopt_socks_port(ctl)

    def _adopt_socks_port(self, ctl: Controller) -> None:
        """The SOCKS port our tor bound (`auto`), from the control port we authenticated to."""
        from stem.control import Listener

        host = self.settings.socks_host
        ports = [port for address, port in ctl.get_listeners(Listener.SOCKS) if address == host]
        if not ports:
            ctl.close()
            self._controller = None
            raise TorControlError(f"tor lists no SOCKS listener on {host}; check tor.extra_torrc's SocksPort")
        self.settings = self.settings.model_copy(update={"socks_port": ports[0]})

    def _authenticate(self, ctl: Controller) -> None:
        """Authenticate without handing a reusable secret to a listener that has not proved it is tor.

        Why: 127.0.0.1:<control_port> is a port any local user can bind while tor is down or
        restarting. stem's generic `authenticate()` lets the listener choose both the method and
        the cookie file: `AUTH METHODS=COOKIE COOKIEFILE="<path>"` made Vigie read any 32-byte
        file its user can read (the crawl state's key) and send it in hex, and a listener offering
        SAFECOOKIE and COOKIE got the file through COOKIE once it failed the SAFECOOKIE challenge.
        So:
        - cookie authentication is SAFECOOKIE only (tor offers it whenever cookie authentication
          is on, since 0.2.3): the listener must answer our nonce with an HMAC keyed by the cookie
          before we send anything derived from it; plain COOKIE (the cookie itself) is refused;
        - the cookie file is ours to choose: `cookie_auth_file`, or in launch mode the one our tor
          writes in its data directory; only an external tor without `cookie_auth_file` falls back
          to the file the listener names, which is then read but never sent;
        - a configured password goes only to a listener that asks for one (it is sent as it is:
          the protocol has no other way; prefer cookie authentication on a shared machine), and
          no failed method falls through to another one;
        - a control port that asks for no authentication (NULL) is not used: it is either an
          impostor (which then also vouches for a SOCKS port of its own) or a tor that every
          local process can steer (watch the crawler's streams, reconfigure it)."""
        from stem.connection import (
            AuthenticationFailure,
            AuthMethod,
            authenticate_password,
            authenticate_safecookie,
            get_protocolinfo,
        )

        info = get_protocolinfo(ctl)
        methods = set(info.auth_methods)
        password = (self.settings.control_password.get_secret_value()
                    if self.settings.control_password is not None else "")
        if AuthMethod.NONE in methods:
            raise AuthenticationFailure("the control port asks for no authentication, so any local process can "
                                        "control that tor (or it is not tor): set CookieAuthentication 1 or "
                                        "HashedControlPassword in its torrc")
        if password:
            if AuthMethod.PASSWORD not in methods:
                raise AuthenticationFailure("tor.control_password is set but the control port does not ask "
                                            "for a password")
            authenticate_password(ctl, password)
        elif AuthMethod.SAFECOOKIE in methods:
            if self.settings.cookie_auth_file is not None:
                cookie = str(self.settings.cookie_auth_file.expanduser())
            elif self.settings.mode == "launch":  # where `launch` has our tor write it
                cookie = str(self.settings.extra_torrc.get("CookieAuthFile")
                             or self.data_dir / "tor" / "control_auth_cookie")
            elif info.cookie_path:
                cookie = info.cookie_path
            else:
                raise AuthenticationFailure("the control port names no cookie file; set tor.cookie_auth_file")
            authenticate_safecookie(ctl, cookie)
        else:
            offered = ", ".join(sorted(str(m).split(".")[-1] for m in methods)) or "none"
            raise AuthenticationFailure(f"the control port offers no SAFECOOKIE authentication ({offered}); "
                                        "plain COOKIE would hand the cookie to whatever listens on the port: "
                                        "turn CookieAuthentication on (tor offers SAFECOOKIE with it) or set "
                                        "tor.control_password")
        ctl._post_authentication()  # what stem's own authenticate() does once a method succeeded

    def wait_bootstrap(self, timeout: float | None = None) -> None:
        timeout = self.settings.bootstrap_timeout_seconds if timeout is None else timeout
        deadline = time.monotonic() + timeout
        last = None
        while True:
            percent, summary = self._bootstrap()
            if (percent, summary) != last:
                last = (percent, summary)
                self._progress(f"bootstrapped {percent}%: {summary}")
            if percent == 100:
                return
            if time.monotonic() > deadline:
                raise TorLaunchError(f"tor not bootstrapped after {timeout:.0f}s (at {percent}%: "
                                     f"{summary}); check its network or tor.bootstrap_timeout_seconds")
            time.sleep(0.25)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._controller is not None:
            self._controller.close()
            self._controller = None
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except Exception:
                self._process.kill()
                self._process.wait(timeout=5)
            self._process = None

    def __enter__(self) -> TorController:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # ---- NEWNYM -------------------------------------------------------------------------

    def newnym(self) -> bool:
        """Ask tor for new circuits; False (and left pending) while tor's rate limit forbids it."""
        from stem import Signal

        ctl = self._require()
        with self._lock:
            if not ctl.is_newnym_available():
                self._pending_newnym = True
                logger.debug("NEWNYM deferred: tor allows the next one in {:.1f}s",
                             ctl.get_newnym_wait())
                return False
            ctl.signal(Signal.NEWNYM)
            self._pending_newnym = False
            self._last_newnym = self._clock()
            self.newnym_count += 1
        self._progress("NEWNYM sent: new circuits for new streams")
        return True

    def newnym_wait(self) -> float:
        return float(self._require().get_newnym_wait())

    def tick(self) -> bool:
        """Send a NEWNYM if the schedule or a deferred one says so; True if one was sent."""
        if self._pending_newnym:
            return self.newnym()
        if self._interval is not None and self._clock() - self._last_newnym >= self._interval:
            return self.newnym()
        return False

    def start_scheduler(self, poll_seconds: float = 1.0) -> None:
        """Run `tick()` in a daemon thread until `close()`."""
        def loop() -> None:
            while not self._stop.wait(poll_seconds):
                try:
                    self.tick()
                except Exception as exc:
                    logger.warning("scheduled NEWNYM failed: {}", exc)

        self._thread = threading.Thread(target=loop, name="vigie-newnym", daemon=True)
        self._thread.start()

    # ---- health -------------------------------------------------------------------------

    def health(self) -> TorHealth:
        """Never raises: what could not be checked is reported in `error`."""
        s = self.settings
        untrusted = self.socks_owner_problem()
        # a squatter's port is not greeted, and is not "reachable": the crawl refuses it
        socks_ok = untrusted is None and socks5_greeting_ok(s.socks_host, s.socks_port)
        error = untrusted
        if self._controller is None:
            try:
                self.connect()
            except TorControlError as exc:
                return TorHealth(mode=s.mode, socks_reachable=socks_ok,
                                 error="; ".join(filter(None, (untrusted, str(exc)))))
        ctl = self._require()
        try:
            version = str(ctl.get_version()).split(" ")[0]
            percent, summary = self._bootstrap()
            circuits = sum(1 for c in ctl.get_circuits() if c.status == "BUILT")
        except Exception as exc:
            return TorHealth(mode=s.mode, socks_reachable=socks_ok, control_reachable=False,
                             error=f"control port query failed: {exc}")
        if not socks_ok and error is None:
            error = f"SOCKS port {s.socks_host}:{s.socks_port} does not answer SOCKS5"
        return TorHealth(mode=s.mode, version=version, bootstrap_percent=percent,
                         bootstrap_summary=summary, socks_reachable=socks_ok,
                         control_reachable=True, circuit_count=circuits, error=error)

    def socks_owner_problem(self) -> str | None:
        """Why the SOCKS port's listener is not to be used (another account owns it, or who owns
        it cannot be told), or None. A squatter there would see every onion crawled."""
        s = self.settings
        try:
            self.peers.check_listener(s.socks_host, s.socks_port, "Tor's SOCKS port")
        except PeerCheckError as exc:
            return str(exc)
        return None

    # ---- helpers ------------------------------------------------------------------------

    def _require(self) -> Controller:
        if self._controller is None:
            raise TorControlError("not connected to tor's control port; call start() or connect()")
        return self._controller

    def _bootstrap(self) -> tuple[int, str]:
        phase = self._require().get_info("status/bootstrap-phase")
        match = _PHASE.search(phase)
        return (int(match.group(1)), match.group(2)) if match else (0, phase)

    def _init_line(self, line: str) -> None:
        if "Bootstrapped" in line:
            self._progress(line.split("Bootstrapped", 1)[1].strip())

    def _progress(self, message: str) -> None:
        logger.info("tor: {}", message)
        if self._on_progress is not None:
            self._on_progress(message)


_BOOTSTRAPPED = re.compile(r"Bootstrapped ([0-9]+)%")
_PROBLEM = re.compile(r"\[(?:warn|err)\] (.*)$")


def _launch_tor(binary: str, config: dict[str, str | list[str]], timeout: float,
                on_line: Callable[[str], None]) -> subprocess.Popen[bytes]:
    """Start tor with `config` as its torrc (on stdin, logging to stdout), owned by this process
    (it exits with us), and return once it says it began bootstrapping; OSError if it exits or
    stays silent for `timeout` seconds first, with its last warning.

    Why not stem's launcher: it starts tor with this process's whole environment (the keys, any
    `${NAME}` config secret) and takes none from its caller, and tor parses what relays and
    onion services send. Here tor gets `vigie.core.process.child_env()`."""
    import selectors
    import subprocess

    lines = [f"{key} {value}" for key, values in config.items()
             for value in ([values] if isinstance(values, str) else values)]
    if not any(line.split()[0] == "Log" and line.endswith(" stdout") for line in lines):
        lines.append("Log notice stdout")
    proc = subprocess.Popen([binary, "-f", "-", "__OwningControllerProcess", str(os.getpid())],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=child_env(), close_fds=True)
    assert proc.stdin is not None and proc.stdout is not None
    problem = "it said nothing"
    try:
        proc.stdin.write(("\n".join(lines) + "\n").encode())
        proc.stdin.close()
        deadline = time.monotonic() + timeout
        # the pipe is read with os.read into our own buffer, never by `readline()`: a buffered
        # reader takes every line tor wrote at once and returns the first, and the selector, which
        # sees only the pipe, then waited the whole timeout for the lines already read (the root
        # warning and "Bootstrapped 0%" written together: an intermittent 180 s hang in the suite)
        pending = b""
        fd = proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while True:
                if b"\n" not in pending:
                    left = deadline - time.monotonic()
                    if left <= 0 or not sel.select(left):
                        raise OSError(f"no bootstrap after {timeout:.0f}s ({problem})")
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        raise OSError(f"tor exited: {problem}")
                    pending += chunk
                    continue
                raw, pending = pending.split(b"\n", 1)
                line = raw.decode("utf-8", "replace").strip()
                if not line:
                    continue
                on_line(line)
                if _BOOTSTRAPPED.search(line):
                    proc.stdout.close()
                    return proc
                if (bad := _PROBLEM.search(line)) and "see warnings above" not in bad.group(1):
                    problem = bad.group(1).split(": ")[-1].strip()
    except BaseException:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        raise


def control_port_reachable(port: int, host: str = "127.0.0.1", timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
