"""Attacker's review, round 11: a browser source's hosts on Chromium's command line.

Every local account reads a process's command line (/proc/<pid>/cmdline) unless /proc is mounted
with `hidepid`. A `network: tor` browser source's Chromium carried the source's hosts there twice:
in `--host-rules` (which the resolver rules replace through Tor: they did nothing but name the
hosts) and in its PAC script (`--proxy-pac-url=data:...;base64,...`), so another local user
learned which onions were being rendered, a closed forum's address included. The PAC script now
holds a salted SHA-256 digest of each allowed `host:port`, computed again in its JavaScript for
each destination (`crawler.handlers._pac`), and a tor source's Chromium gets no `--host-rules`.

Real parts: the JavaScript runs in node (Playwright's own); the last test renders a page of a
hostile site through a SOCKS5 server on loopback standing for Tor (tests/slow_socks.py, as round
10's test) in real Chromium and reads the command line of every Chromium process meanwhile.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import playwright
import pytest

from crawler.handlers._pac import JS_SHA256
from crawler.handlers.browser import SOCKS_ALIAS, proxy_pac, proxy_pac_url

NODE = str(Path(playwright.__file__).parent / "driver" / "node")
ONION = "closedforum" + "q" * 45 + ".onion"  # 56 characters, as a v3 onion's name


def _node(script: str) -> object:
    out = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=60, check=True).stdout
    return json.loads(out)


def test_the_pac_scripts_sha256_is_hashlibs() -> None:
    """Every length around the block boundaries (55, 56, 63, 64 bytes...), non-ASCII text."""
    texts = ["", "abc", *("h" * n for n in range(40, 140)), f"{ONION}:80", "démo.onion:443", "日本.jp:8080"]
    got = _node(JS_SHA256 + f"console.log(JSON.stringify({json.dumps(texts)}.map(sha256hex)));")
    assert got == [hashlib.sha256(t.encode()).hexdigest() for t in texts]


def test_the_pac_script_names_no_host_and_still_decides_as_before() -> None:
    """The script's text holds neither host nor port pair; run as Chromium runs it, it sends the
    source's hosts on its ports to Tor's SOCKS port and every other destination to the refused
    proxy, whatever the URL's spelling (user info, default ports, case, brackets)."""
    hosts, ports = frozenset({ONION, "mirror" + "z" * 50 + ".onion"}), frozenset({80, 8080})
    script = proxy_pac(hosts, ports, 9050)
    assert ONION not in script and "mirror" not in script and ":8080" not in script
    arg = proxy_pac_url(hosts, ports, 9050)
    assert ONION not in base64.b64decode(arg.rsplit(",", 1)[1]).decode()
    tor, refused = f"SOCKS5 {SOCKS_ALIAS}:9050", "PROXY refused.invalid:9"
    cases = [
        (f"http://{ONION}/", ONION, tor),
        (f"http://{ONION}:8080/x", ONION, tor),
        (f"ws://{ONION.upper()}:80/", ONION.upper(), tor),
        (f"http://u:p@{ONION}:8080/", ONION, tor),
        (f"https://{ONION}/", ONION, refused),  # 443: not one of the source's ports
        (f"http://{ONION}:81/", ONION, refused),
        ("http://elsewhere" + "x" * 47 + ".onion/", "elsewhere" + "x" * 47 + ".onion", refused),
        (f"http://{ONION}.evil.onion/", f"{ONION}.evil.onion", refused),
        ("http://127.0.0.1:80/", "127.0.0.1", refused),
        (f"ftp://{ONION}/", ONION, refused),
    ]
    calls = ",".join(f"FindProxyForURL({json.dumps(u)}, {json.dumps(h)})" for u, h, _ in cases)
    got = _node(script + f"console.log(JSON.stringify([{calls}]));")
    assert got == [want for _, _, want in cases], list(zip(cases, got, strict=True))
    assert proxy_pac(hosts, ports, 9050) != script  # a fresh salt each launch


def _chromium_cmdlines(marker: str) -> dict[int, str]:
    """The command lines of the Chromium processes whose command line holds `marker`."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if "chrom" in argv.split(" ", 1)[0] and marker in argv:
            found[int(proc.name)] = argv
    return found


@pytest.mark.slow
def test_chromiums_command_line_names_no_host_of_a_tor_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the fix, the browser's command line held the onion in `--host-rules` and, base64'd,
    in the PAC script; now in neither, and the page still renders through the SOCKS port."""
    from tests.slow_socks import SlowCircuitSocks
    from tests.test_attack_review_round8 import hostile_page_site
    from tests.test_browser_render import browser_fetch

    # Chromium's profile goes to TMPDIR, whose path tells our Chromium from others' (short: the
    # unix sockets Chromium makes there have a length limit)
    temp = Path(tempfile.mkdtemp(prefix="vb-"))
    monkeypatch.setenv("TMPDIR", str(temp))
    own: list[str] = []
    site = hostile_page_site([], "", f"http://{ONION}:1/popup", own, own_host=ONION)
    seen: dict[int, str] = {}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.update(_chromium_cmdlines(str(temp)))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        with SlowCircuitSocks(build_seconds=0, onions=(ONION,)) as socks:
            result = browser_fetch(
                tmp_path,
                {
                    "url": f"http://{ONION}:{site.server_port}/",
                    "socks": ["127.0.0.1", socks.port],
                    "source": "closed",
                    "max_pages": 1,
                },
            )
    finally:
        done.set()
        watcher.join(5)
        site.shutdown()
        site.server_close()
        shutil.rmtree(temp, ignore_errors=True)
    assert [p["victims"] for p in result["pages"]] == [["Acme"]]
    assert seen, "no Chromium process of this crawl was seen"
    texts = list(seen.values())
    for payload in (m.group(1) for t in texts for m in re.finditer(r"data:[^ ,]*;base64,([A-Za-z0-9+/=]+)", t)):
        texts.append(base64.b64decode(payload).decode("utf-8", "replace"))
    named = [t[:200] for t in texts if ONION in t]
    assert named == [], named
    # round 13: nor the PAC script, whose salt and digests let a reader confirm a guessed onion:
    # it is in Chromium's environment (`auto_proxy`), which only this account reads
    pac = [t[:200] for t in seen.values() if "proxy-pac-url" in t or "x-ns-proxy-autoconfig" in t]
    assert pac == [], pac
