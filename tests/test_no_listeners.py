"""A crawl listens on nothing and executes nothing for others (issue 11, section 1).

Scrapy 2.19 turned on `RemoteControl` by default: an HTTP server on 127.0.0.1 that runs posted
Python inside the crawl (where Vigie's keys are), with its bearer token in a job file under the
user's state directory. The crawler loads an allow-list of extensions
(`crawler.defaults.CRAWLER_EXTENSIONS`), so this test watches a real `vigie crawl` process: any
listening TCP socket it (or a child) holds, or any file appearing under its HOME / XDG state
directory, fails the test, whichever Scrapy extension a future upgrade adds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.settings import build_settings
from tests.fixtures.forum import REPO, make_config, test_keys_env
from vigie.config.loader import load_config
from vigie_kit.forum import ForumServer

pytestmark = pytest.mark.slow

_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's `st` column


def _family(pid: int) -> list[int]:
    """`pid` and all its descendants (a crawl may fork helpers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[len("socket:["):-1])
    except OSError:  # the process just exited
        pass
    return inodes


def _listening(pid: int) -> list[str]:
    """Local addresses of the TCP sockets in LISTEN state that `pid` holds a descriptor of."""
    mine = _socket_inodes(pid)
    found = []
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == _LISTEN and fields[9] in mine:
                found.append(f"{table} {fields[1]}")
    return found


def _files_under(*roots: Path) -> set[str]:
    return {str(p) for root in roots for p in root.rglob("*")}


def test_build_settings_loads_only_the_allowed_extensions(tmp_path: Path) -> None:
    config = load_config(make_config(tmp_path / "config", "http://127.0.0.1:9"))
    settings = build_settings(config.sources["test-phpbb"], config.global_config, state_path=tmp_path / "s")
    assert not any("remote_control" in e or "telnet" in e for e in settings["EXTENSIONS_BASE"])
    assert settings["REMOTE_CONTROL_ENABLED"] is False and settings["TELNETCONSOLE_ENABLED"] is False


def test_a_running_crawl_holds_no_listening_socket_and_writes_no_job_file(tmp_path: Path) -> None:
    home, state = tmp_path / "home", tmp_path / "state"
    home.mkdir()
    state.mkdir()
    with ForumServer("phpbb", size="small", bomb_megabytes=1) as forum:
        # slow enough (one request at a time, 0.3 s apart) that the crawl runs for seconds
        config = make_config(tmp_path / "config", forum.url,
                             limits={"concurrency": 1, "delay_seconds": 0.3, "delay_jitter": False, "max_pages": 20})
        before = _files_under(home, state)
        env = {**os.environ, **test_keys_env, "HOME": str(home), "XDG_STATE_HOME": str(state)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "vigie", "--log-level", "WARNING", "crawl", "test-phpbb", "--config", str(config),
             "--data-dir", str(tmp_path / "data"), "--quiet"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        listening: list[str] = []
        new_files: set[str] = set()
        polls_while_crawling = 0
        try:
            while proc.poll() is None:
                for pid in _family(proc.pid):
                    listening.extend(_listening(pid))
                new_files |= _files_under(home, state) - before
                if sum(forum.hits.values()) > 0:
                    polls_while_crawling += 1  # the engine is running: extensions have started
                time.sleep(0.02)
        finally:
            if proc.poll() is None:
                proc.kill()
            _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()[-2000:]
    assert polls_while_crawling >= 20, "the crawl was too short to be watched; slow the forum down"
    assert listening == [], f"the crawl process listened on {sorted(set(listening))}"
    new_files |= _files_under(home, state) - before
    assert new_files == set(), f"the crawl wrote under HOME/XDG_STATE_HOME (Scrapy job files?): {new_files}"
