"""`python -m vigie ...` for the tests, started by fork from a process that imported the crawl
path once, instead of by exec of a new interpreter that imports it again.

Why: the suite is CPU-bound on two cores, and the hundreds of `vigie` commands its tests run
(crawls, scans, `org register`...) each spent ~0.9 CPU-s importing Scrapy, Twisted, pydantic,
the config schema and our own packages before doing anything (wave 20's process accounting:
453 such processes, 966 CPU-s). A fork of a server that already holds those modules skips the
imports; the command still runs in a process of its own (a fresh Twisted reactor, its own exit
code, its own file descriptors, environment and working directory), through the real
`vigie/__main__.py` and the CLI's error boundary, so what these tests check is unchanged.

`run()` is a drop-in for `subprocess.run([sys.executable, "-m", "vigie", ...], ...)` (and for
`-m vigie_kit.tor_fetch`, the Tor tests' one-crawl fetcher). It runs the real `subprocess.run`
instead (an exec, as before) whenever the fork could differ from an exec:
a command that is not one of these, an option it does not know (`preexec_fn`,
`start_new_session`...), or what an interpreter reads once as it starts (`PYTHON*`, `LANG`,
`LC_*`) set otherwise than for the server; `TZ` is read again (`time.tzset`). Tests whose
subject is the process itself (startup imports, signals, /proc, file modes, core dumps, memory
limits) keep using `subprocess` directly. `VIGIE_TEST_FORK=0` turns it off.

What is not preloaded: the `vigie.cli` modules (their rich consoles read `COLUMNS`, `NO_COLOR`...
when imported), so each command still imports the CLI itself. `indexer.engine` chose the
detection engine from `VIGIE_ENGINE` at import: each command chooses again from its own
environment. One difference stays: every forked command shares the server's hash seed (an exec
would draw a new one); `random` reseeds itself after a fork.

The server: one per pytest process (each xdist worker has its own), started on first use, ended
with it (it reads the end of a pipe from it: PR_SET_PDEATHSIG would fire when the *thread*
that started it ends; and an atexit in the client). Each request is a connection on a Unix
socket carrying the argv, cwd and environment (JSON) and the command's stdin/stdout/stderr (file
descriptors, SCM_RIGHTS). The server forks a handler; the handler forks the command, sends its pid,
waits for it (`wait4`: its exit status and CPU time, its reaped children included) and sends both.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["cpu_seconds", "forked", "run"]

REPO = Path(__file__).resolve().parents[1]
# the `python -m` modules forked: the CLI, and the kit's one-crawl fetcher the Tor tests run
_MODULES = ("vigie", "vigie_kit.tor_fetch")
# what a crawl, a scan and the alerts commands import, our packages included (not vigie.cli: see above)
_PRELOAD = ("crawler.runner", "crawler.cookies", "crawler.sink", "vigie.wiring", "vigie.log", "vigie.runtime",
            "vigie.config.loader", "indexer.ingest", "indexer.engine", "alerts.registry", "alerts.matcher",
            "typer", "typer.main", "typer.rich_utils", "rich.console", "rich.table", "rich.live", "rich.markdown",
            "rich.traceback", "scrapy.crawler", "scrapy.http", "scrapy.spiders", "twisted.internet.asyncioreactor",
            # Scrapy imports its HTTP handler as a crawl starts: 0.16 CPU-s each (its deprecation shims walk
            # the stack with inspect.stack()); the spiders a source's kind names
            "scrapy.core.downloader.handlers.http11", "crawler.spiders.forum", "crawler.spiders.paste",
            "crawler.spiders.leaksite", "crawler.spiders.channel")
# options of subprocess.run that the fork reproduces; any other makes run() use subprocess.run
_KNOWN = {"capture_output", "text", "universal_newlines", "timeout", "cwd", "env", "input", "check", "stdin",
          "stdout", "stderr", "encoding", "errors"}
# CPU seconds and number of the forked commands (the pytest process's RUSAGE_CHILDREN does not see them)
_CPU = [0.0, 0]
_server: dict[str, Any] = {}
_server_lock = threading.Lock()


def cpu_seconds() -> float:
    """User + system CPU of every command this process ran through the fork server."""
    return float(_CPU[0])


def forked() -> int:
    """How many commands this process ran through the fork server."""
    return int(_CPU[1])


def _startup_env(env: dict[str, str]) -> dict[str, str]:
    """The variables an interpreter reads once as it starts (its flags, its paths, the locale its
    standard streams encode with): a fork keeps the server's, so a command given others is exec'd."""
    return {k: v for k, v in env.items() if k.startswith(("PYTHON", "LC_")) or k == "LANG"}


def _forkable(cmd: Any, kwargs: dict[str, Any]) -> bool:
    if os.environ.get("VIGIE_TEST_FORK", "1") == "0" or not set(kwargs) <= _KNOWN:
        return False
    if not isinstance(cmd, (list, tuple)) or len(cmd) < 3 or list(cmd[:2]) != [sys.executable, "-m"] \
            or cmd[2] not in _MODULES:
        return False
    if not all(isinstance(a, (str, os.PathLike)) for a in cmd):
        return False
    env = kwargs.get("env")
    return env is None or _startup_env(dict(env)) == _startup_env(dict(os.environ))


def _start_server() -> str:
    """The socket path of this process's server, started on first use."""
    with _server_lock:
        if "path" in _server and _server["proc"].poll() is None:
            return str(_server["path"])
        home = tempfile.mkdtemp(prefix="vigie-fork-")
        path = os.path.join(home, "s")
        # the server's own environment: this process's, without what a test may have set for itself
        proc = subprocess.Popen([sys.executable, "-m", "tests.cli_fork", path], cwd=REPO, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, env=dict(os.environ))
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != b"ready":
            proc.kill()
            raise RuntimeError(f"tests.cli_fork: the fork server did not start ({line!r}); VIGIE_TEST_FORK=0 "
                               "runs the commands with subprocess instead")
        _server.update(path=path, proc=proc, home=home)
        atexit.register(_stop_server)
        return path


def _stop_server() -> None:
    proc = _server.get("proc")
    if proc is not None and proc.poll() is None:
        proc.terminate()
        proc.wait(10)
    if "home" in _server:
        shutil.rmtree(_server["home"], ignore_errors=True)


def _read_exact(conn: socket.socket, n: int) -> bytes:
    chunks = []
    while n:
        b = conn.recv(n)
        if not b:
            raise EOFError("tests.cli_fork: connection closed")
        chunks.append(b)
        n -= len(b)
    return b"".join(chunks)


def _read_line(conn: socket.socket) -> bytes:
    buf = b""
    while not buf.endswith(b"\n"):
        b = conn.recv(1)
        if not b:
            raise EOFError("tests.cli_fork: the command's handler ended without an answer")
        buf += b
    return buf


def _umask() -> int:
    """This process's umask, which an exec'd child would inherit (read, not set and restored: a
    thread creating a file meanwhile would get the wrong mode)."""
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1], 8) for line in f if line.startswith("Umask:"))


def _decode(data: bytes, encoding: str | None, errors: str | None) -> str:
    # what subprocess.run does with text=True (Popen._translate_newlines)
    import locale

    text = data.decode(encoding or locale.getpreferredencoding(False), errors or "strict")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[Any]:
    """`subprocess.run(cmd, **kwargs)` for `cmd = [sys.executable, "-m", "vigie", ...]`, forked
    from the preloaded server (the module docstring says when it falls back to subprocess.run)."""
    if not _forkable(cmd, kwargs):
        return subprocess.run(cmd, **kwargs)
    cmd = [os.fspath(a) for a in cmd]
    text = bool(kwargs.get("text") or kwargs.get("universal_newlines") or kwargs.get("encoding")
                or kwargs.get("errors"))
    if kwargs.get("capture_output"):
        if kwargs.get("stdout") is not None or kwargs.get("stderr") is not None:
            raise ValueError("stdout and stderr arguments may not be used with capture_output.")
        kwargs["stdout"] = kwargs["stderr"] = subprocess.PIPE
    opened: list[Any] = []

    def target(spec: Any, write: bool) -> tuple[int, Any]:
        if spec is None:
            return -1, None  # inherited: this process's own descriptor
        if spec == subprocess.PIPE:
            f = tempfile.TemporaryFile()
            opened.append(f)
            return f.fileno(), f
        if spec == subprocess.DEVNULL:
            f = open(os.devnull, "wb" if write else "rb")
            opened.append(f)
            return f.fileno(), None
        return (spec if isinstance(spec, int) else spec.fileno()), None

    try:
        data_in = kwargs.get("input")
        if data_in is not None:
            if kwargs.get("stdin") is not None:
                raise ValueError("stdin and input arguments may not both be used.")
            f = tempfile.TemporaryFile()
            opened.append(f)
            f.write(data_in.encode(kwargs.get("encoding") or "utf-8", kwargs.get("errors") or "strict")
                    if isinstance(data_in, str) else data_in)
            f.seek(0)
            fd_in: int = f.fileno()
        else:
            fd_in = target(kwargs.get("stdin"), False)[0]
        fd_out, out_file = target(kwargs.get("stdout"), True)
        if kwargs.get("stderr") == subprocess.STDOUT:
            fd_err, err_file = (fd_out if fd_out != -1 else 1), None
        else:
            fd_err, err_file = target(kwargs.get("stderr"), True)
        fds = [fd if fd != -1 else i for i, fd in enumerate((fd_in, fd_out, fd_err))]
        env = kwargs.get("env")
        cwd = kwargs.get("cwd")
        request = json.dumps({"module": cmd[2], "argv": cmd[3:],
                              "cwd": os.path.abspath(os.fspath(cwd) if cwd is not None else "."),
                              "env": dict(os.environ if env is None else env), "umask": _umask()}).encode()
        timeout = kwargs.get("timeout")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            try:
                conn.connect(_start_server())
            except OSError:  # the server ended (killed by a test?): once more with a new one
                _stop_server()
                conn.connect(_start_server())
            socket.send_fds(conn, [struct.pack("!I", len(request)) + request], fds)
            pid = int(json.loads(_read_line(conn))["pid"])
            conn.settimeout(timeout)
            timed_out = False
            try:
                answer = json.loads(_read_line(conn))
            except TimeoutError:
                timed_out = True
                os.kill(pid, signal.SIGKILL)
                conn.settimeout(None)
                answer = json.loads(_read_line(conn))
            except BaseException:  # interrupted: the command does not outlive the test
                os.kill(pid, signal.SIGKILL)
                raise
        _CPU[0] += float(answer["cpu"])
        _CPU[1] += 1
        returncode = os.waitstatus_to_exitcode(int(answer["status"]))

        def captured(f: Any) -> Any:
            if f is None:
                return None
            f.seek(0)
            raw = f.read()
            return _decode(raw, kwargs.get("encoding"), kwargs.get("errors")) if text else raw

        stdout, stderr = captured(out_file), captured(err_file)
    finally:
        for f in opened:
            f.close()
    if timed_out:
        raise subprocess.TimeoutExpired(cmd, timeout, output=stdout, stderr=stderr)
    done = subprocess.CompletedProcess(cmd, returncode, stdout, stderr)
    if kwargs.get("check"):
        done.check_returncode()
    return done


# --- the server side -----------------------------------------------------------------------------


def _command(request: dict[str, Any], fds: list[int]) -> None:
    """In the forked command: become `python -m vigie ARGV` in CWD with ENV, then exit as it would."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in fds:
        if fd > 2:
            os.close(fd)
    for sig in (signal.SIGCHLD, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    os.umask(request["umask"])
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()  # TZ as this command's environment has it (an exec'd interpreter reads it as it starts)
    sys.argv = ["-m", *request["argv"]]  # runpy puts the module's file first, as `python -m` does
    sys.path[0] = request["cwd"]  # what `python -m` puts first
    code: Any = 0
    try:
        import indexer.engine

        indexer.engine._init()  # the engine of this command's environment (VIGIE_ENGINE), not the server's
        import runpy

        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    # what the interpreter does on its way out: wait for threads, run atexit, flush
    try:
        threading._shutdown()  # type: ignore[attr-defined]
        atexit._run_exitfuncs()
    finally:
        if code is None:
            code = 0
        elif not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code & 0xFF)


def _handle(conn: socket.socket) -> None:
    """In the forked handler: fork the command, report its pid, then its exit status and CPU time."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    head, fds, _flags, _addr = socket.recv_fds(conn, 4, 3)
    head += _read_exact(conn, 4 - len(head)) if len(head) < 4 else b""
    request = json.loads(_read_exact(conn, struct.unpack("!I", head)[0]))
    pid = os.fork()
    if pid == 0:
        conn.close()
        _command(request, fds)
    for fd in fds:
        os.close(fd)
    conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    _, status, usage = os.wait4(pid, 0)
    conn.sendall(json.dumps({"status": status, "cpu": usage.ru_utime + usage.ru_stime}).encode() + b"\n")
    os._exit(0)


# a post that reaches detection's one-time set-up: a delimited dump (the Hyperscan first look and
# prefilter, the column typing), identifiers of each kind, and article 9 words (the lexicon's patterns)
_WARM_TEXT = ("email;telephone;nom;iban;nir;carte;adresse;diagnostic;religion\n" + "".join(
    f"jean{k}.dupont@example.org;06 12 34 56 {k:02d};Jean Dupont;FR76 3000 6000 0112 3456 7890 189;"
    f"1 85 05 78 006 084 36;4970 1012 3456 7890;{k} rue de la Paix 75002 Paris;diabète de type 2;catholique\n"
    for k in range(40)) + "Bonjour, voici un message du forum sans rien de personnel.\n" * 60)


def _warm_detection() -> None:
    """Detection's one-time set-up, done once here instead of in each forked command: the first
    `detect()` of a process compiles its Hyperscan databases and RE2 patterns and builds the
    article 9 lexicon (~0.5-1 CPU-s), which every crawl or scan the tests fork paid again. These
    are caches of fixed data, the same whatever the input or the engine; each command still
    chooses its engine from its own environment (`_command`), and nothing here is logged."""
    from loguru import logger

    from indexer.detect import detect
    from indexer.tokens import MatchKey

    logger.disable("")
    try:
        detect(_WARM_TEXT.encode(), key=MatchKey(b"\x5a" * 32, version=1))
    except Exception:  # (a speed-up only: the commands that detect meet and report the same error)
        pass
    finally:
        logger.enable("")


def serve(path: str) -> None:
    """Preload, then fork a handler for each connection until the parent (pytest) ends."""
    import importlib

    for name in _PRELOAD:
        importlib.import_module(name)
    _warm_detection()
    if "twisted.internet.reactor" in sys.modules or threading.active_count() != 1:
        raise SystemExit("tests.cli_fork: the preload installed a reactor or started a thread; a fork would inherit it")
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # handlers are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    sys.stdout.buffer.write(b"ready\n")
    sys.stdout.flush()
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    while True:
        ready, _, _ = select.select([listener, sys.stdin], [], [])
        if sys.stdin in ready:  # the pipe's write end closed: the pytest process has ended
            return
        conn, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            try:
                _handle(conn)
            finally:
                os._exit(1)
        conn.close()


if __name__ == "__main__":
    serve(sys.argv[1])
