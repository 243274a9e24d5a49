"""What a Vigie process leaves to its children and to a crash: no secret in the environment of a
program that is not Vigie, no core dump.

Why an allowlist for children: Vigie's secrets reach it through its environment (the keys as
`VIGIE_MATCH_KEY` / `VIGIE_DATA_KEY`, the outbox DSN, and any config value written `${NAME}`:
a forum account's password, the SMTP, Redis or Elasticsearch password), under names the
operator chooses. A child inherits all of it by default, and some children run code or parse
bytes that crawled sites chose: Chromium runs a site's scripts (unsandboxed: `chromium_sandbox`
is off), tor reads cells from relays and onion services. A bug there that reads its own
environment would hand over the data key that decrypts every stored fragment. Those programs
need none of it, so they get `child_env()`: the few variables a program needs to find its
files and its locale, nothing else.

Why no core dump: a crash (a hostile page hitting a bug in a native parser, the compiled core,
Chromium) wrote a core file holding the process's whole memory: the keys, the pages and the
plaintext identifiers being detected, into the working directory (or the system's crash
collector), outside the data directory and for as long as nobody deletes it.
`harden_process()` turns core dumps off for the process and, through RLIMIT_CORE's hard limit,
for every child it starts; PR_SET_DUMPABLE also keeps other processes of the same user from
attaching a debugger to it (ptrace, /proc/<pid>/mem).

Only the standard library is imported: this is the bottom layer.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
from collections.abc import Iterable, Mapping

__all__ = ["CHILD_ENV_NAMES", "CHILD_ENV_PREFIXES", "PRODUCT_PYTHON", "SECRET_ENV_NAMES", "child_env", "confine_reader",
           "getenv", "harden_process", "hold_env", "hold_secret_env", "limit_reader", "memory_file", "product_env",
           "reader_stopped", "trusted_path"]

# How Vigie starts a Python process of its own (a crawl, a scale worker's job): -P, no directory
# before the installed packages on sys.path; `python -m` put the current directory first, and
# another account's `vigie/` there (the service started from /tmp) ran with Vigie's rights
# (round 13 of the attacker's review). The readers of hostile files run with -I (isolated) instead.
PRODUCT_PYTHON = (sys.executable, "-P")

# What tor, Chromium and Playwright's driver need from the environment: where the programs and
# the home directory and libraries are, the locale and time zone, where temporary files and fonts go.
CHILD_ENV_NAMES = frozenset({
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP",
    "FONTCONFIG_FILE", "FONTCONFIG_PATH", "SSL_CERT_FILE", "SSL_CERT_DIR", "LD_LIBRARY_PATH",
})
# LC_* (locale), XDG_* (base directories), PW_* / PLAYWRIGHT_* (the driver's own settings)
CHILD_ENV_PREFIXES = ("LC_", "XDG_", "PW_", "PLAYWRIGHT_")

_PR_SET_DUMPABLE = 4
_PR_SET_PDEATHSIG = 1

# The variables that hold Vigie's own secrets under fixed names; a config's `${NAME}` secrets are
# held too, once the config that names them is read (`hold_env`, from vigie.config.loader).
SECRET_ENV_NAMES = frozenset({"VIGIE_MATCH_KEY", "VIGIE_DATA_KEY", "VIGIE_OUTBOX_DSN"})
_held: dict[str, str] = {}
_holding = False


def child_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a program that is not Vigie (tor, Chromium, Playwright's driver):
    `base` (default `os.environ`) cut to `CHILD_ENV_NAMES` and `CHILD_ENV_PREFIXES`, its PATH
    to the directories no other account can put a program in (`trusted_path`)."""
    source = os.environ if base is None else base
    env = {name: value for name, value in source.items()
           if name in CHILD_ENV_NAMES or name.startswith(CHILD_ENV_PREFIXES)}
    if "PATH" in env:
        env["PATH"] = trusted_path(env["PATH"])
    return env


_SAFE_PATH = "/usr/bin:/bin"


def _writable_by_others(directory: str) -> bool:
    """Whether an account other than root and this one can add or replace a program in
    `directory`: it, or a directory above it (as resolved), belongs to another account, or is
    writable by its group or by everyone (above it, a sticky directory such as /tmp is fine:
    no one else can rename what is in it)."""
    node = os.path.realpath(directory)
    leaf = True
    while True:
        try:
            st = os.stat(node)
        except OSError:
            return True
        if st.st_uid not in (0, os.geteuid()):
            return True
        if st.st_mode & 0o022 and (leaf or not st.st_mode & 0o1000):
            return True
        parent = os.path.dirname(node)
        if parent == node:
            return False
        node, leaf = parent, False


def trusted_path(path: str) -> str:
    """`path` without the entries another local account could put a program in: a relative or
    empty one (the current directory), a directory (or one above it) of another account or
    writable by its group or by everyone. `/usr/bin:/bin` if none is left.

    Why: the programs Vigie starts run others by name through the PATH they get: Debian's
    /usr/bin/chromium is a shell script that runs uname, grep, expr, findmnt, ls and tr before
    Chromium, as Vigie's account (attacker's review, round 15; round 13 checked only the tor
    program Vigie looks up itself). Group-writable directories are left out whatever the group
    (stricter than `vigie.core.executables`, which knows the trusted accounts: this layer does not)."""
    kept = [entry for entry in path.split(os.pathsep)
            if os.path.isabs(entry) and not _writable_by_others(entry)]
    return os.pathsep.join(dict.fromkeys(kept)) or _SAFE_PATH


def hold_secret_env() -> None:
    """Take Vigie's secrets out of this process's environment, keeping them in its memory only:
    for a process's entry point (the CLI's `main`, a scale worker's crawl job), before any
    library runs.

    Why: `child_env()` covers the children Vigie starts, not those a library starts on its own
    with the whole environment: Scrapy's start-up line ran `uname -p` (platform.platform(), on
    Python 3.11) with both keys and the forum password in its environ (attacker's review, round
    15); ctypes.util.find_library runs ldconfig and gcc, webbrowser, mimetypes and getpass reach
    programs too. Out of `os.environ` (which unsets them in the C environment as well), no
    program started by anyone in this process gets them; Vigie reads them through `getenv()` and
    hands them to its own processes that need them (`product_env()`). From here on the
    variables of a config's `${NAME}` values are held as the config is read (`hold_env`)."""
    global _holding
    _holding = True
    _held.clear()  # what this entry point finds in its environment, nothing older
    hold_env(SECRET_ENV_NAMES)


def hold_env(names: Iterable[str]) -> None:
    """Move `names` from `os.environ` to this process's memory, once `hold_secret_env()` has run
    (nothing otherwise: a library or a test calling the loader keeps its environment). The
    variables every program needs (`CHILD_ENV_NAMES`, `CHILD_ENV_PREFIXES`) stay."""
    if not _holding:
        return
    for name in names:
        if name in CHILD_ENV_NAMES or name.startswith(CHILD_ENV_PREFIXES):
            continue
        value = os.environ.pop(name, None)
        if value is not None:
            _held[name] = value


def getenv(name: str, default: str | None = None) -> str | None:
    """`os.environ.get(name)`, the secrets held out of the environment included (the environment
    wins: a value set after the hold is the newer one)."""
    return os.environ.get(name, _held.get(name, default))


def product_env() -> dict[str, str]:
    """The environment for a process of Vigie's own that reads the secrets (the service's crawl,
    a scale worker's crawl job): this process's environment with the held secrets put back."""
    return {**_held, **os.environ}


def harden_process() -> None:
    """No core dump of this process or of any child it starts (RLIMIT_CORE 0, soft and hard),
    and no debugger attached by another process of this user (PR_SET_DUMPABLE 0, Linux)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):  # no libc symbol to call: RLIMIT_CORE still holds
            pass


def limit_reader(memory_bytes: int, cpu_seconds: int, file_bytes: int) -> None:
    """What a process that parses hostile bytes in native code (PDFium: crawler._pdf_worker;
    libarchive: crawler._rar_worker) sets on itself before it reads a byte of them: no core dump
    and no debugger (`harden_process`), `memory_bytes` of address space, `cpu_seconds` of CPU
    (SIGXCPU, then SIGKILL a second later), `file_bytes` written to a file at most, and killed
    with the process that started it, whatever kills that one (PR_SET_PDEATHSIG, Linux)."""
    harden_process()
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


_PR_SET_NO_NEW_PRIVS = 38
_SYS_LANDLOCK = {"x86_64": (444, 446), "aarch64": (444, 446)}  # create_ruleset, restrict_self


def confine_reader() -> int:
    """From here on this process opens no file, makes or accepts no TCP connection, reaches no
    abstract unix socket and signals no process outside itself (Landlock, as much of it as the
    kernel has: files since Linux 5.13, TCP since 6.7, the rest since 6.12); what it already has
    open it keeps. For a reader of hostile bytes once its native library is loaded and before
    it reads a byte of them: RLIMIT_NOFILE alone counts descriptors, and code that closed one of
    its standard streams opened the data directory's files (the same Unix user's) and a socket
    to send them away (tests/test_attack_review_round9_rar.py). The Landlock ABI applied, 0 when
    none is available here (nothing changes then)."""
    numbers = _SYS_LANDLOCK.get(os.uname().machine)
    if numbers is None or not sys.platform.startswith("linux"):
        return 0
    create, restrict = numbers
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        abi = int(libc.syscall(create, None, ctypes.c_size_t(0), ctypes.c_uint32(1)))  # the version
        if abi < 1:
            return 0
        fs = (1 << 13) - 1 | (1 << 13 if abi >= 2 else 0) | (1 << 14 if abi >= 3 else 0) | (
            1 << 15 if abi >= 5 else 0)
        attr = (ctypes.c_uint64 * 3)(fs, 3 if abi >= 4 else 0, 3 if abi >= 6 else 0)  # fs, net (TCP), scoped
        size = 24 if abi >= 6 else 16 if abi >= 4 else 8
        fd = int(libc.syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0)))
        if fd < 0:
            return 0
        try:
            if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
                return 0
            return abi if int(libc.syscall(restrict, fd, ctypes.c_uint32(0))) == 0 else 0
        finally:
            os.close(fd)
    except (OSError, AttributeError):
        return 0


def reader_stopped(reader: str, code: int, seconds: float) -> str:
    """Why a reader under `limit_reader` ended with exit status `code` (its own message, if it
    wrote one, says more)."""
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"the {reader} used more than {seconds:.0f} s of CPU and was stopped"
    if code == -signal.SIGXFSZ:
        return f"the {reader} wrote more text than the limit and was stopped"
    if code < 0:
        return f"the {reader} crashed ({signal.Signals(-code).name})"
    return f"the {reader} failed (exit {code}: out of memory?)"


def memory_file(name: str, *parts: bytes) -> int:
    """A memory file (memfd: never on disk, closed on exec) holding `parts`, at its start: a
    reader's standard input. The caller closes it."""
    fd = os.memfd_create(name, os.MFD_CLOEXEC)
    try:
        for part in parts:
            view = memoryview(part)
            while view:
                view = view[os.write(fd, view):]
        os.lseek(fd, 0, os.SEEK_SET)
    except BaseException:
        os.close(fd)
        raise
    return fd
