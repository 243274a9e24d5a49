"""Attacker's review, round 14: a browser source's Chromium ran the site's scripts unsandboxed.

Playwright launches Chromium with `--no-sandbox` unless told otherwise, and Vigie always told it
`chromium_sandbox: False`: a renderer bug a hostile page's JavaScript exploits ran as Vigie's
account, beside the data directory (key files, the outbox whose alerts Vigie signs and sends).
Chromium now keeps its sandbox wherever it can (not as root, which Chromium refuses; user
namespaces needed), Chromium itself being asked first (crawler.handlers._sandbox).

These tests run as root, where the sandbox stays off. The crawl below runs in a user namespace
as uid 1000 (`unshare --user --map-user=1000`: the account is not root, and may create the
namespaces Chromium's sandbox wants), through the crawl's own browser handler
(`vigie_kit.browser_fetch`, real Chromium) against a site on 127.0.0.1; the kernel is asked what
the renderer processes are: each must run under a seccomp filter (Seccomp: 2) in a user namespace
of its own. Before: Seccomp 0, in the crawl's namespace.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from crawler.handlers._sandbox import chromium_sandbox, forget_sandbox_answers
from crawler.handlers.browser import CHROMIUM, CHROMIUM_NETWORK_ARGS, browser_env
from tests.test_browser_render import browser_fetch

UNSHARE = ["unshare", "--user", "--map-user=1000", "--map-group=1000"]


def _userns() -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None or not Path(CHROMIUM).exists():
        return False
    return subprocess.run([*UNSHARE, "true"], capture_output=True, timeout=30).returncode == 0


pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0 or not _userns(),
                                 reason="needs root, unshare --map-user and Chromium (Linux)")]

PAGE = b"<html><body><article class='victim'><h2 class='name'>Acme</h2></article><img src='/slow.png'></body></html>"


def _site() -> ThreadingHTTPServer:
    """The page, and an image that takes 1.5 s: the page's renderer lives at least that long."""

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/slow.png":
                time.sleep(1.5)
                ctype, body = b"image/png", b"\x89PNG\r\n\x1a\n"
            else:
                ctype, body = b"text/html", PAGE
            head = b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype + b"\r\nContent-Length: " + str(len(body)).encode()
            self.wfile.write(head + b"\r\nConnection: close\r\n\r\n" + body)

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    return site


def _read(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _renderers(marker: str) -> dict[int, tuple[str, str, str]]:
    """{pid: (Seccomp mode, its user namespace, the crawl's)} of the renderers of the crawl's
    browser (below the crawl process, whose command line holds `marker`; not the probe's)."""
    parents: dict[int, int] = {}
    lines: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read(f"/proc/{entry}/stat")
            if ")" in stat:
                parents[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
                lines[int(entry)] = _read(f"/proc/{entry}/cmdline")
    found = {}
    for pid, line in lines.items():
        if "--type=renderer" not in line:
            continue
        up, seen, probe = parents.get(pid, 0), 0, False
        while up > 1 and marker not in lines.get(up, "") and seen < 64:
            probe = probe or "--dump-dom" in lines.get(up, "")  # the sandbox probe's own Chromium
            up, seen = parents.get(up, 0), seen + 1
        if marker in lines.get(up, "") and not probe:
            status = _read(f"/proc/{pid}/status")
            mode = next((ln.split()[1] for ln in status.splitlines() if ln.startswith("Seccomp:")), "?")
            found[pid] = (mode, _ns(pid), _ns(up))
    return found


def _ns(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/ns/user")
    except OSError:
        return "?"


def test_a_browser_source_renders_in_chromiums_sandbox_when_vigie_is_not_root(tmp_path: Path) -> None:
    site = _site()
    out: dict[str, Any] = {}

    def fetch() -> None:
        try:
            out["result"] = browser_fetch(
                tmp_path, {"url": f"http://127.0.0.1:{site.server_port}/", "socks": None, "source": "sandboxed",
                           "max_pages": 1}, wrapper=UNSHARE)
        except BaseException as exc:  # reported below, in the test's thread
            out["error"] = exc

    thread = threading.Thread(target=fetch)
    thread.start()
    seen: dict[int, tuple[str, str, str]] = {}
    try:
        while thread.is_alive():
            seen.update(_renderers(str(tmp_path / "spec.json")))
            time.sleep(0.02)
    finally:
        thread.join(300)
        site.shutdown()
        site.server_close()
    if "error" in out:
        raise out["error"]
    assert [p["victims"] for p in out["result"]["pages"]] == [["Acme"]], out["result"]
    assert seen, "no renderer of the crawl's Chromium was seen"
    # before: Seccomp 0 (no filter), in the crawl's own user namespace
    assert all(mode == "2" for mode, _, _ in seen.values()), seen
    assert all("?" not in (ns, crawl) and ns != crawl for _, ns, crawl in seen.values()), seen


def test_as_root_chromium_is_not_asked_and_the_warning_says_why() -> None:
    """Root: Chromium refuses its sandbox to root, so it is not even asked; the reason names the fix."""
    forget_sandbox_answers()
    try:
        ok, why = chromium_sandbox(CHROMIUM, CHROMIUM_NETWORK_ARGS, browser_env)
    finally:
        forget_sandbox_answers()
    assert not ok and "root" in why and "account of its own" in why


def _doctor(tmp_path: Path, wrapper: list[str]) -> str:
    """`vigie doctor`'s output for a config with one `render: browser` source (tor not needed)."""
    import yaml

    from tests.fixtures.forum import REPO, test_keys_env

    config = tmp_path / "config"
    (config / "sources").mkdir(parents=True)
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\ntor:\n  mode: launch\n"
                                       "  tor_binary: /nonexistent/tor\n", encoding="utf-8")
    (config / "sources" / "rendered.yaml").write_text(yaml.safe_dump({
        "name": "rendered", "kind": "forum", "network": "direct", "render": "browser",
        "start_urls": ["http://127.0.0.1:9/"], "schedule": {"interval": "1h"},
        "forum": {"thread_link": "a.thread", "post": {"container": "div.post", "body": "div.body"}}}))
    proc = subprocess.run([*wrapper, sys.executable, "-m", "vigie", "doctor", "--config", str(config), "--data-dir",
                           str(tmp_path / "data")], capture_output=True, text=True, timeout=180, cwd=REPO,
                          env={**os.environ, **test_keys_env, "COLUMNS": "400"})
    return " ".join((proc.stdout + proc.stderr).split())


def test_vigie_doctor_says_whether_the_browser_keeps_its_sandbox(tmp_path: Path) -> None:
    """The operator learns it before a crawl (as root it says off and why: the test above)."""
    as_user = _doctor(tmp_path, UNSHARE)
    assert "Chromium sandbox: on" in as_user, as_user[-2000:]
