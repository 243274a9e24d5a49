"""Attacker's review: what a real Vigie run leaves behind, or within reach, outside its data store.

The attacker controls the sites crawled, or runs as another local process. Each case runs real
processes (`vigie crawl` over a real local forum, headless Chromium, tor) and looks where an
attacker would: a child's environment and command line (/proc/<pid>/environ, cmdline), a core
file after a crash, the browser's temporary profile.

- The secrets of Vigie's environment (the data and match keys, a `${NAME}` config secret) went
  to every child: Playwright's driver, Chromium (which runs the crawled site's scripts, without
  its sandbox) and tor (which parses relays' cells). A bug in either that reads its own
  environment handed over the key that decrypts every stored fragment. They now get only what
  a program needs (`vigie.core.process.child_env`).
- A crash of a `vigie` command (a hostile page hitting a bug in a native parser) wrote a core
  file holding the keys and the pages being read into the working directory; core dumps are now
  off for Vigie and every child it starts (`vigie.core.process.harden_process`).
- A program a library started inside the crawl got its whole environment: Scrapy's start-up
  line ran `uname -p` (platform.platform(), Python 3.11) with both keys and the forum password
  in its environ (round 15). The /proc poll below saw it 1 run in N (`uname` lives milliseconds):
  every program the crawl starts is now seen at its execve, under strace, and the secrets leave
  the environment of every `vigie` process once read (`vigie.core.process.hold_secret_env`).
- A browser crawl's log held a crawled URL's identifiers (an attachment named after a person)
  in the exception text and in Vigie's own "giving up on URL" line: only Scrapy's stdlib records
  had their URLs masked. Every log line's URLs are masked now (vigie.log.mask).
- Guards that held before and must keep holding: archives and workbooks are unpacked without
  writing anything to disk (strace), nothing planted reaches Elasticsearch's files or logs, every
  child runs under umask 077, no secret in any process's arguments, no TCP port opened by the
  browser or its driver (a DevTools port would let any local user drive it), nothing planted on
  the crawled pages in any file of the browser's temporary profile, during or after, and the
  profile gone once the crawl ends.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fixtures.forum import REPO, make_config, test_keys_env
from tests.test_at_rest_grep import grep, needles, planted, seed_forum
from vigie.config.schema import ElasticsearchSettings
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow

FORUM_PASSWORD_VAR = "RESIDUE_FORUM_PASSWORD"
KEY_HEX = {name: value.split(":", 1)[1] for name, value in test_keys_env.items()}


def _secrets() -> dict[str, bytes]:
    """Every secret value the crawl's environment holds, as it would appear in a child's environ."""
    return {**{name: hexkey.encode() for name, hexkey in KEY_HEX.items()},
            FORUM_PASSWORD_VAR: b"demo-password"}


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat[stat.rindex(")") + 2:].split()[1]), []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _exe(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return ""


def _core_limits(pid: int) -> tuple[str, str] | None:
    try:
        for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
            if line.startswith("Max core file size"):
                soft, hard = line.split()[4:6]
                return soft, hard
    except OSError:
        return None
    return None


def _listening(pids: list[int]) -> set[str]:
    """The TCP ports that `pids` listen on: a browser's DevTools port, say, would let any local
    user drive it and read the pages it holds (Playwright talks to Chromium over a pipe)."""
    listen: dict[str, str] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            cols = row.split()
            if cols[3] == "0A":  # LISTEN
                listen[cols[9]] = cols[1]
    found = set()
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:  # closed meanwhile
                continue
            if link.startswith("socket:[") and link[8:-1] in listen:
                found.add(f"{_exe(pid)} listens on {listen[link[8:-1]]}")
    return found


def _grep_tree(root: Path, table: dict[bytes, str]) -> set[str]:
    """Hits of `table` in the files under `root`, which a running browser creates and deletes."""
    hits: set[str] = set()
    for folder, _, names in os.walk(root):  # a folder deleted under the walk is skipped
        for name in names:
            path = Path(folder, name)
            try:
                if path.is_file() and not path.is_symlink():
                    hits |= {f"{path.relative_to(root)}: {w}" for w in grep(path.read_bytes(), table)}
            except OSError:
                continue
    return hits


def _browser_config(root: Path, forum: ForumServer) -> Path:
    config = make_config(root / "config", forum.url)
    path = config / "sources" / "test-phpbb.yaml"
    source = yaml.safe_load(path.read_text(encoding="utf-8"))
    source["render"] = "browser"
    source["login"]["password"] = "${" + FORUM_PASSWORD_VAR + "}"  # a config secret from the environment
    path.write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    return config


_EXECVE = re.compile(r'^(\d+)\s+execve\("([^"]*)", (\[.*?\]), (\[.*\]|0x[0-9a-f]+)')


def _execs(trace: Path) -> list[tuple[int, str, str, str]]:
    """(pid, program, argv, envp) of every execve in an `strace -f -v -e trace=execve` log."""
    out = []
    for line in trace.read_text(errors="replace").splitlines():
        m = _EXECVE.match(line)
        if m:
            out.append((int(m.group(1)), m.group(2), m.group(3), m.group(4)))
    return out


def test_the_browser_and_its_driver_get_no_secret_and_keep_no_plaintext(tmp_path: Path) -> None:
    """A real `vigie crawl` of a `render: browser` source: every descendant process is looked at
    while it runs, and (strace) every program started in the crawl's process tree at its execve,
    however short-lived. Before, the driver's and Chromium's environ held both keys and the forum
    password (the renderers too: Chromium's zygote hands them its environment); then a `uname -p`
    that Scrapy's start-up line ran (round 15)."""
    table = needles(planted())
    # the crawl's TMPDIR, where Chromium's profile goes: short, for the unix sockets it makes there
    temp = Path(tempfile.mkdtemp(prefix="vr-"))
    seen: dict[int, tuple[str, bytes, bytes]] = {}
    profile_hits: set[str] = set()
    listeners: set[str] = set()
    umasks: dict[int, str] = {}
    with ForumServer("phpbb", size="small", hostile=False) as forum:
        seed_forum(forum)
        config = _browser_config(tmp_path, forum)
        data = tmp_path / "data"
        env = {**os.environ, **test_keys_env, FORUM_PASSWORD_VAR: "demo-password", "TMPDIR": str(temp)}
        log = tmp_path / "crawl.log"
        trace = tmp_path / "execve.txt"
        # only execve stops the tracee (--seccomp-bpf): the crawl runs at its speed
        strace = ["strace", "-f", "-qq", "--seccomp-bpf", "-e", "trace=execve", "-v", "-s", "1024", "-o", str(trace)]
        with open(log, "wb") as out:
            proc = subprocess.Popen([*(strace if shutil.which("strace") else []), sys.executable, "-m", "vigie",
                                     "--log-level", "DEBUG", "crawl", "test-phpbb",
                                     "--config", str(config), "--data-dir", str(data)],
                                    cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 240
            while proc.poll() is None and time.monotonic() < deadline:
                for pid in _descendants(proc.pid):
                    if pid == proc.pid or pid in seen:
                        continue
                    try:
                        seen[pid] = (_exe(pid), Path(f"/proc/{pid}/environ").read_bytes(),
                                     Path(f"/proc/{pid}/cmdline").read_bytes())
                        umasks[pid] = next(line.split()[1] for line in
                                           Path(f"/proc/{pid}/status").read_text().splitlines()
                                           if line.startswith("Umask:"))
                    except (OSError, StopIteration):
                        continue
                profile_hits |= _grep_tree(temp, table)
                listeners |= _listening(_descendants(proc.pid))
                time.sleep(0.1)
            if proc.poll() is None:
                proc.kill()
        assert proc.wait(30) == 0, log.read_text()[-3000:]
    assert "Browser chromium launched" in log.read_text(), "the crawl did not go through the browser"
    # the crawl's DEBUG log: an attachment the browser could not fetch was logged with its URL,
    # whose file name carries an e-mail and a phone, in our line and in the exception's text
    in_log = sorted(set(grep(log.read_bytes(), table)))
    assert in_log == [], in_log
    stored = sorted(_grep_tree(data, table))  # the store, the crawl state, the status of what failed
    assert stored == [], stored[:20]
    others = {pid: v for pid, v in seen.items() if not Path(v[0]).name.startswith("python")}
    assert any("chromium" in v[0] for v in others.values()) and any(v[0].endswith("/node") for v in others.values()), \
        sorted({v[0] for v in seen.values()})
    leaks = sorted({f"{Path(exe).name} (pid {pid}) environ holds {name}"
                    for pid, (exe, environ, _) in others.items()
                    for name, value in _secrets().items() if value in environ})
    assert leaks == [], "\n".join(leaks)
    if trace.exists():  # every program started, at its execve: the crawl itself is the first
        execs = _execs(trace)
        assert len(execs) > 3 and "chromium" in " ".join(e[1] for e in execs), execs[:5]
        started = sorted({f"{Path(program).name} {argv[:80]} (pid {pid}) environ holds {name}"
                          for pid, program, argv, envp in execs[1:]
                          for name, value in _secrets().items() if value.decode() in envp})
        assert started == [], "\n".join(started)
    in_argv = sorted({f"{Path(exe).name} argv holds {name}" for exe, _, argv in seen.values()
                      for name, value in _secrets().items() if value in argv})
    assert in_argv == [], in_argv
    assert listeners == set(), sorted(listeners)
    # what the children create (the profile, Chromium's caches) is theirs alone: the CLI's umask
    crawl = _execs(trace)[0][0] if trace.exists() else proc.pid  # under strace, the crawl is its child
    wide = sorted({f"{Path(seen[pid][0]).name} umask {mask}" for pid, mask in umasks.items()
                   if mask != "0077" and pid != crawl})  # the crawl sets its own as it starts
    assert wide == [], wide
    profile_hits |= _grep_tree(temp, table)
    assert profile_hits == set(), sorted(profile_hits)[:20]
    deadline = time.monotonic() + 15  # Playwright's driver deletes the profile as it exits
    while (left := [p.name for p in temp.iterdir()]) and time.monotonic() < deadline:
        time.sleep(0.2)
    temp.rmdir() if not left else None
    assert left == [], f"the browser's temporary files outlived the crawl: {left}"


@pytest.mark.skipif(resource.getrlimit(resource.RLIMIT_CORE)[1] == 0, reason="this host forbids core dumps")
def test_a_crash_leaves_no_core_file_holding_the_keys(tmp_path: Path) -> None:
    """An operator's shell or unit that allows core dumps (`ulimit -c unlimited`, systemd's
    LimitCORE=infinity), and a crash mid-crawl (SIGSEGV, as a native parser's bug on a hostile
    page would raise). Before, the kernel wrote the crawl's memory to `core` in its working
    directory: the data key, in the clear, among the pages."""
    def allow_cores() -> None:
        hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))

    cwd = tmp_path / "cwd"
    cwd.mkdir()
    with ForumServer("phpbb", size="small", hostile=False, latency_seconds=1.0) as forum:
        config = make_config(tmp_path / "config", forum.url)
        data = tmp_path / "data"
        proc = subprocess.Popen([sys.executable, "-m", "vigie", "--log-level", "DEBUG", "crawl", "test-phpbb",
                                 "--config", str(config), "--data-dir", str(data)],
                                cwd=cwd, env={**os.environ, **test_keys_env, "PYTHONPATH": str(REPO)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=allow_cores)
        assert proc.stderr is not None
        for line in proc.stderr:  # keys loaded, store open, pages on their way
            if b"Crawled (200)" in line:
                break
        limits = {pid: (_exe(pid), _core_limits(pid)) for pid in _descendants(proc.pid)}
        os.kill(proc.pid, signal.SIGSEGV)
        proc.stderr.read()
        proc.wait(60)
    assert proc.returncode == -signal.SIGSEGV
    dumpable = {f"{Path(exe).name} (pid {pid}): core limit {lim}" for pid, (exe, lim) in limits.items()
                if lim is not None and lim != ("0", "0")}
    cores = sorted(p for p in cwd.iterdir() if p.name.startswith("core"))
    raw_keys = [bytes.fromhex(h) for h in KEY_HEX.values()]
    holding = [f"{p.name} ({p.stat().st_size} bytes) holds "
               f"{'the data key' if raw_keys[1] in p.read_bytes() else 'memory'}" for p in cores]
    assert holding == [] and dumpable == set(), f"{holding} {sorted(dumpable)}"


def test_a_launched_tor_gets_no_secret_and_keeps_its_files_private(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`tor.mode: launch` (the service's and `vigie crawl`'s own tor), started by the real
    TorController under the caller's umask 022, with the keys and a config secret in the
    environment. Before, tor's environ held them all. Its network is off (DisableNetwork): only
    the process and its files are under test."""
    from crawler.tor import TorController
    from vigie.config.schema import TorSettings
    from vigie_kit.ports import free_port

    for name, value in test_keys_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(FORUM_PASSWORD_VAR, "demo-password")
    settings = TorSettings(mode="launch", socks_port=free_port(), control_port=free_port(),
                           extra_torrc={"DisableNetwork": "1"})
    before = os.umask(0o022)
    controller = TorController(settings, tmp_path / "data")
    try:
        controller.launch()
        assert controller._process is not None
        pid = controller._process.pid
        environ, argv = Path(f"/proc/{pid}/environ").read_bytes(), Path(f"/proc/{pid}/cmdline").read_bytes()
        controller.connect()  # SAFECOOKIE with the cookie tor wrote: the launch is a working one
    finally:
        controller.close()
        os.umask(before)
    assert os.environ[FORUM_PASSWORD_VAR] == "demo-password", "the caller's environment is put back"
    leaks = sorted(name for name, value in _secrets().items() if value in environ or value in argv)
    assert leaks == [], f"tor's environment or arguments hold {leaks}"
    assert b"PATH=" in environ  # it still finds its programs
    wide = sorted(f"{p.relative_to(tmp_path)} {p.stat().st_mode & 0o777:o}"
                  for p in (tmp_path / "data" / "tor").rglob("*") if p.stat().st_mode & 0o077)
    assert wide == [], wide


@pytest.mark.elasticsearch
def test_nothing_planted_reaches_elasticsearchs_files(tmp_path: Path, es_server: Any,
                                                      es_settings: ElasticsearchSettings) -> None:
    """The Elasticsearch backend, end to end: a real `vigie crawl` (DEBUG) of the planted forum
    into the real node, then every file of this test's indices (the translog holds each document's
    source as sent; segments, state) and the node's logs grepped as tests/test_at_rest_grep.py greps the embedded store.
    A guard: it found nothing when written (what is indexed is masked, tokens and ciphertext)."""
    table = needles(planted())
    with ForumServer("phpbb", size="small", hostile=False) as forum:
        seed_forum(forum)
        config = make_config(tmp_path / "config", forum.url)
        (config / "vigie.yaml").write_text(yaml.safe_dump({"storage": {"backend": "elasticsearch", "elasticsearch": {
            "hosts": es_settings.hosts, "index_prefix": es_settings.index_prefix}}}), encoding="utf-8")
        data = tmp_path / "data"
        run = subprocess.run([sys.executable, "-m", "vigie", "--log-level", "DEBUG", "crawl", "test-phpbb", "--config",
                              str(config), "--data-dir", str(data)], cwd=REPO, env={**os.environ, **test_keys_env},
                             capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    base = es_settings.hosts[0].rstrip("/")
    # the control: the same value written in plaintext to an index of its own must be found in its
    # files (the translog holds each document's source as sent), or the grep proves nothing
    control = f"control-{es_settings.index_prefix}"  # outside Vigie's index template (strict mapping)
    request = urllib.request.Request(f"{base}/{control}/_doc", method="POST", data=json.dumps(
        {"note": planted()[0][1]}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request):
        pass
    with urllib.request.urlopen(f"{base}/{es_settings.index_prefix}*,{control}/_settings/index.uuid") as resp:
        uuids = {name: s["settings"]["index"]["uuid"] for name, s in json.load(resp).items()}
    dirs = {name: next(d for d in (es_server.base_dir / "data").rglob(uuid) if d.is_dir())
            for name, uuid in uuids.items()}
    found = _grep_tree(dirs.pop(control), table)
    with urllib.request.urlopen(urllib.request.Request(f"{base}/{control}", method="DELETE")):
        pass
    assert found, "the control value is not found in its index's files"
    assert dirs, "the crawl made no index"
    hits = sorted(f"{name}: {hit}" for name, d in dirs.items() for hit in _grep_tree(d, table))
    hits += sorted(_grep_tree(es_server.base_dir / "logs", table))
    hits += [f"stdout.log: {w}" for w in grep((es_server.base_dir / "stdout.log").read_bytes(), table)]
    hits += [f"vigie's log: {w}" for w in grep(run.stderr.encode(), table)]
    assert hits == [], hits[:20]


_CREATES = re.compile(r"^\d+\s+(openat|open|creat|mkdir|mkdirat|rename|renameat2?|link|linkat|symlink|symlinkat)"
                      r"\((.*)\)\s+=\s+(-?\d+)")


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (apt-get install strace)")
def test_unpacking_attachments_writes_nothing_to_disk(tmp_path: Path) -> None:
    """Archives and workbooks are read as a crawl reads an attachment (`vigie scan` uses the same
    unpacker), under strace -f: no file or directory is created anywhere (a 7z or zip extracted to
    a temporary directory would leave the dump's plaintext on disk). A guard: none was when written.
    Python's own bytecode cache, multiprocessing's named semaphores and /dev/null are the only
    allowances."""
    import tarfile
    import zipfile

    import openpyxl
    import py7zr

    rows = ["email;telephone"] + [f"patient{i}.martin@exemple.fr;06 12 34 56 {i:02d}" for i in range(30)]
    text = "\n".join(rows) + "\n"
    work = tmp_path / "in"
    work.mkdir()
    with zipfile.ZipFile(work / "leak.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("clients.csv", text)
    with py7zr.SevenZipFile(work / "leak.7z", "w") as z:
        z.writestr(text, "clients.csv")
    (work / "clients.csv").write_text(text)
    with tarfile.open(work / "leak.tar.gz", "w:gz") as t:
        t.add(work / "clients.csv", arcname="dump/clients.csv")
    (work / "clients.csv").unlink()
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row.split(";"))
    book.save(work / "leak.xlsx")
    config = tmp_path / "config"
    config.mkdir()
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n")
    trace = tmp_path / "strace.txt"
    names = sorted(p.name for p in work.iterdir())
    calls = "openat,open,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,symlink,symlinkat"
    command = [sys.executable, "-m", "vigie", "scan", *names, "--json", "--config", str(config)]
    run = subprocess.run(["strace", "-f", "-qq", "-e", f"trace={calls}", "-o", str(trace), *command], cwd=work,
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, **test_keys_env, "TMPDIR": str(tmp_path / "tmp"), "PYTHONPATH": str(REPO)})
    assert run.returncode == 0, run.stderr[-2000:]
    found = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert len(found) == len(names), found  # every archive was opened and its one dump found
    created = []
    for line in trace.read_text().splitlines():
        m = _CREATES.match(line)
        if m is None or int(m.group(3)) < 0:
            continue
        call, args = m.group(1), m.group(2)
        if call.startswith("open") and "O_CREAT" not in args and call != "creat":
            continue
        paths = re.findall(r'"([^"]*)"', args)
        if any("__pycache__" in p or p.startswith("/dev/shm/sem.") or p == "/dev/null" for p in paths):
            continue
        created.append(f"{call} {paths}")
    assert created == [], created[:20]
