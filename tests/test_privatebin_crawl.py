"""A forum post linking PrivateBin pastes: a real `vigie crawl` fetches each paste's JSON through
the crawl (the direct network's pinned resolver, the follow rules), decrypts it with the link's
key (and the password posted beside it), and scans it; burn-after-reading links are left alone and
counted; hostile answers (a deflate bomb, a billion PBKDF2 iterations) are refused and counted;
the key is in no log line, no stored URL, nothing the crawl keeps at rest.

PrivateBin's server is PHP and cannot be installed from the registries this machine reaches: the
server here implements its JSON API as PrivateBin 1.3+ does (lib/Controller.php `_read`,
lib/Model/Paste.php `get`: `GET /?<id>` with `X-Requested-With: JSONHttpRequest` answers the
stored paste with status 0, a burn-after-reading paste deleted as it is answered, status 1 for a
paste that is not there; the HTML shell otherwise). The pastes themselves are encrypted by a real
PrivateBin client from PyPI (pbincli), so the format is not ours.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import yaml
from pbincli.format import Paste

from tests import cli_fork
from tests.fixtures.forum import REPO, test_keys_env
from tests.fixtures.tor import serve_local
from tests.test_crawl_identity import POST_SELECTORS, MiniSite
from tests.test_privatebin import ITERATIONS, v1_answer

pytestmark = pytest.mark.slow

EMAIL = "jeanne.martin@exemple.fr"
IBAN = "FR7630006000011234567890189"
ATTACHED_EMAIL = "paul.durand@exemple.fr"
# a small dump: what detection keeps a fragment of (a lone address in a sentence is not one)
ROWS = "".join(f"{n};client{n}@exemple.fr;+33 6 12 34 56 {n:02d}\n" for n in range(10, 16))


@dataclass
class PrivateBinServer:
    """PrivateBin's JSON API over stored pastes (see the module docstring)."""

    pastes: dict[str, dict[str, Any]] = field(default_factory=dict)
    hits: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # path, X-Requested-With, Referer
    url: str = ""

    def add(
        self,
        pid: str,
        text: str,
        *,
        password: str = "",
        burn: bool = False,
        attachment: Path | None = None,
        iterations: int | None = None,
    ) -> str:
        """Store a paste pbincli encrypted; its key (the link's fragment)."""
        paste = Paste()
        paste._iteration_count = ITERATIONS  # see tests/test_privatebin.py: pbincli's PBKDF2 is pure Python
        paste.setVersion(2)
        paste.setText(text)
        if password:
            paste.setPassword(password)
        if attachment is not None:
            paste.setAttachment(str(attachment))
        paste.encrypt("plaintext", burn, False, "1week")
        stored = json.loads(paste.getJSON())
        if iterations is not None:
            stored["adata"][0][2] = iterations
        self.pastes[pid] = stored
        return str(paste.getHash())

    def add_v1(self, pid: str, text: str) -> str:
        """Store a format 1 paste (PrivateBin < 1.3: SJCL, a base64 key); its key."""
        answer, fragment = v1_answer(text)
        stored = json.loads(answer)
        self.pastes[pid] = {"data": stored["data"], "meta": stored["meta"]}
        return fragment

    def serve(self) -> Iterator[PrivateBinServer]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                api = self.headers.get("X-Requested-With")
                site.hits.append((self.path, api, self.headers.get("Referer")))
                pid = self.path.partition("?")[2]
                if api != "JSONHttpRequest":
                    self._send(b"<html><body><div id='loadingindicator'>Loading...</div></body></html>", "text/html")
                    return
                stored = site.pastes.get(pid)
                if stored is None:
                    answer: dict[str, Any] = {
                        "status": 1,
                        "message": "Paste does not exist, has expired or has been deleted.",
                    }
                else:
                    if stored.get("adata", [0, 0, 0, 0])[3] == 1:  # Model/Paste::get deletes a burn-after-reading paste
                        del site.pastes[pid]
                    answer = {
                        "status": 0,
                        "id": pid,
                        "url": f"/?{pid}",
                        **stored,
                        "comments": [],
                        "comment_count": 0,
                        "comment_offset": 0,
                        "@context": "?jsonld=paste",
                    }
                self._send(json.dumps(answer).replace("/", "\\/").encode(), "application/json")

            def _send(self, body: bytes, ctype: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        server = serve_local(Handler)
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()


IDS = {
    name: f"{n:x}" * 16
    for n, name in enumerate(
        ["dump", "locked", "burn_marked", "wrong_key", "bomb", "iterations", "burn_unmarked", "attached", "v1"],
        start=1,
    )
}


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[tuple[MiniSite, PrivateBinServer, dict[str, str]]]:
    pbin = PrivateBinServer()
    forum = MiniSite()
    for _ in pbin.serve():
        for _ in forum.serve():
            csv = tmp_path / "clients.csv"
            csv.write_text(f"email;name\n{ATTACHED_EMAIL};Paul Durand\n{ROWS}", encoding="utf-8")
            keys = {
                "dump": pbin.add(IDS["dump"], f"clients:\n{EMAIL};{IBAN}\n{ROWS}"),
                "locked": pbin.add(IDS["locked"], f"locked dump\n{ROWS}", password="leakforum2024"),
                "burn_marked": pbin.add(IDS["burn_marked"], f"once {EMAIL}", burn=True),
                "wrong_key": pbin.add(IDS["wrong_key"], f"never read {EMAIL}"),
                "bomb": pbin.add(IDS["bomb"], "0" * 3_000_000),
                "iterations": pbin.add(IDS["iterations"], "x", iterations=10**9),
                "burn_unmarked": pbin.add(IDS["burn_unmarked"], f"old instance\n{ROWS}", burn=True),
                "attached": pbin.add(IDS["attached"], "see the file", attachment=csv),
                "v1": pbin.add_v1(IDS["v1"], f"old format\n{ROWS}"),
            }
            link = {name: f"{pbin.url}/?{IDS[name]}#{key}" for name, key in keys.items()}
            link["burn_marked"] = f"{pbin.url}/?{IDS['burn_marked']}#-{keys['burn_marked']}"
            link["wrong_key"] = f"{pbin.url}/?{IDS['wrong_key']}#{keys['dump']}"
            posts = [
                # phpBB shortens a long link's text: the key is in its target only
                ("p1", f'Full dump: <a class="postlink" href="{link["dump"]}">{pbin.url}/?{IDS["dump"]} ... </a>'),
                ("p2", f"Archive {link['locked']} pass: leakforum2024"),
                ("p3", f"burns after reading: {link['burn_marked']}"),
                ("p4", f"mirror {link['wrong_key']}"),
                ("p5", f"big one {link['bomb']}"),
                ("p6", f"slow one {link['iterations']}"),
                ("p7", f"old instance {link['burn_unmarked']}"),
                ("p8", f"with a file {link['attached']}"),
                ("p9", f"from an old PrivateBin {link['v1']}"),
            ]
            forum.pages["/b/1"] = '<html><body><div class="topic"><a class="t" href="/t/1">x</a></div></body></html>'
            forum.pages["/t/1"] = (
                "<html><body><h1>leaks</h1>"
                + "".join(
                    f'<div class="post" id="{pid}"><span class="author">x</span>'
                    f'<span class="date">3 mars 2026 à 10:00</span><div class="body">{body}</div></div>'
                    for pid, body in posts
                )
                + "</body></html>"
            )
            yield forum, pbin, keys


def write_source(config: Path, forum: MiniSite, pbin: PrivateBinServer, *, enabled: bool = True) -> Path:
    data = {
        "name": "mini",
        "kind": "forum",
        "network": "direct",
        "start_urls": [forum.url + "/b/1"],
        "schedule": {"interval": "1h"},
        "forum": {
            "start_role": "board",
            "thread_rows": "div.topic",
            "thread_link": "a.t::attr(href)",
            "post": POST_SELECTORS,
        },
        "limits": {"delay_seconds": 0, "autothrottle": False, "concurrency": 4, "timeout_seconds": 10, "retries": 0},
        "attachments": {"max_uncompressed_bytes": 1_000_000},
        "privatebin": {"enabled": enabled, "instances": [pbin.url + "/"]},
    }
    (config / "sources").mkdir(parents=True, exist_ok=True)
    (config / "sources" / "mini.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    return config


def crawl(config: Path, data: Path) -> tuple[int, dict[str, Any], list[dict[str, Any]], str]:
    """`vigie crawl` at DEBUG (every log line the crawl can write), indexing into the embedded store."""
    out, summary = data / "items.jsonl", data / "summary.json"
    data.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "vigie",
        "--log-level",
        "DEBUG",
        "crawl",
        "mini",
        "--config",
        str(config),
        "--data-dir",
        str(data),
        "-o",
        str(out),
        "--summary-json",
        str(summary),
    ]
    proc = cli_fork.run(cmd, capture_output=True, text=True, timeout=180, cwd=REPO, env={**os.environ, **test_keys_env})
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n") if line] if out.exists() else []
    return (
        proc.returncode,
        json.loads(summary.read_text()) if summary.exists() else {},
        items,
        proc.stdout + proc.stderr,
    )


def at_rest(data: Path) -> bytes:
    """Every byte the crawl left under its data dir but the plaintext export (-o), which holds the
    forum's posts as written, links and all."""
    return b"".join(p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file() and p.suffix != ".jsonl")


def test_a_forum_post_linking_privatebin_pastes(
    sites: tuple[MiniSite, PrivateBinServer, dict[str, str]], tmp_path: Path
) -> None:
    forum, pbin, keys = sites
    config = write_source(tmp_path / "config", forum, pbin)
    code, summary, items, log = crawl(config, tmp_path / "data")
    assert code == 0, log[-3000:]
    pastes = {i["post_id"]: i for i in items if i["url"].startswith(pbin.url)}
    # read: the dump, the locked one (its password beside the link), the unmarked burn, the attachment
    assert sorted(pastes) == sorted(IDS[n] for n in ("dump", "locked", "burn_unmarked", "attached", "v1")), pastes
    assert pastes[IDS["dump"]]["body"] == f"clients:\n{EMAIL};{IBAN}\n{ROWS}"
    assert pastes[IDS["locked"]]["body"].startswith("locked dump")
    attached = [i for i in items if i.get("filename") == "clients.csv"]
    assert len(attached) == 1 and attached[0]["url"] == f"{pbin.url}/?{IDS['attached']}"
    # each paste is kept in the thread that linked it, under its address without the key
    assert all(
        i["url"] == f"{pbin.url}/?{i['post_id']}" and i["thread_url"] == forum.url + "/t/1" for i in pastes.values()
    )
    assert summary["privatebin"] == {
        "read": 5,
        "burn_skipped": 1,
        "burned_on_read": 1,
        "not_listed": 0,
        "no_password": 1,
        "wrong_key": 0,
        "iterations": 1,
        "too_big": 1,
        "malformed": 0,
        "unsupported": 0,
        "gone": 0,
    }, summary
    assert summary["bombs_refused"] == 2 and summary["pastes"] == 6
    # detected: a fragment of each paste read (the dump, the locked one, the old instances') and of the file
    assert summary["fragments"] >= 5, summary
    # the marked burn-after-reading paste was never asked for; every request was PrivateBin's API
    # call, without a Referer naming the forum's thread
    paths = [h[0] for h in pbin.hits]
    assert f"/?{IDS['burn_marked']}" not in paths and IDS["burn_marked"] in pbin.pastes
    assert len(paths) == 8 and all(h[1] == "JSONHttpRequest" and h[2] is None for h in pbin.hits), pbin.hits
    # the keys: in no log line (at DEBUG), nothing at rest (state, store), no stored URL
    kept = at_rest(tmp_path / "data")
    for key in keys.values():
        assert key not in log
        assert key.encode() not in kept
    assert all("#" not in i["url"] for i in pastes.values())
    # read once: a second crawl asks the PrivateBin site for nothing
    before = len(pbin.hits)
    code, summary, _, log = crawl(config, tmp_path / "data")
    assert code == 0, log[-3000:]
    assert len(pbin.hits) - before == 3  # the refused ones (wrong key, bomb, iterations) are asked again


def test_without_privatebin_the_links_are_not_read(
    sites: tuple[MiniSite, PrivateBinServer, dict[str, str]], tmp_path: Path
) -> None:
    """What the crawl did before PrivateBin links were read: nothing of the pastes."""
    forum, pbin, _ = sites
    config = write_source(tmp_path / "config", forum, pbin, enabled=False)
    code, summary, items, log = crawl(config, tmp_path / "data")
    assert code == 0, log[-3000:]
    assert not pbin.hits and summary["pastes"] == 0 and summary["fragments"] == 0
    assert len(items) == 9


def test_a_paste_source_watching_privatebin_links(
    sites: tuple[MiniSite, PrivateBinServer, dict[str, str]], tmp_path: Path
) -> None:
    """`kind: paste`, `start_role: pastes`, the links themselves as start URLs (the example
    source's layout): their site is the source's own, no `instances` needed."""
    _, pbin, keys = sites
    data = yaml.safe_load((REPO / "config" / "sources" / "example-privatebin.yaml").read_text(encoding="utf-8"))
    data.update(
        name="mini",
        network="direct",
        limits={"delay_seconds": 0, "autothrottle": False, "retries": 0},
        start_urls=[
            f"{pbin.url}/?{IDS['dump']}#{keys['dump']}",
            f"{pbin.url}/?{IDS['burn_marked']}#-{keys['burn_marked']}",
        ],
    )
    config = tmp_path / "config"
    (config / "sources").mkdir(parents=True)
    (config / "sources" / "mini.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    code, summary, items, log = crawl(config, tmp_path / "data")
    assert code == 0, log[-3000:]
    assert [(i["url"], i["body"]) for i in items] == [
        (f"{pbin.url}/?{IDS['dump']}", f"clients:\n{EMAIL};{IBAN}\n{ROWS}")
    ]
    assert summary["privatebin"]["read"] == 1 and summary["privatebin"]["burn_skipped"] == 1, summary
    assert [h[0] for h in pbin.hits] == [f"/?{IDS['dump']}"]
    assert keys["dump"] not in log and keys["dump"].encode() not in at_rest(tmp_path / "data")
    # `vigie source try` shows the paste by its address, not its key (it reads the page, an empty shell)
    cmd = [
        sys.executable,
        "-m",
        "vigie",
        "source",
        "try",
        "mini",
        "--config",
        str(config),
        "--data-dir",
        str(tmp_path / "data"),
        "--json",
    ]
    proc = cli_fork.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO, env={**os.environ, **test_keys_env})
    shown = json.loads(proc.stdout)
    assert shown["pastes"][0]["id"] == IDS["dump"] and shown["url"] == f"{pbin.url}/?{IDS['dump']}", proc.stdout
    assert keys["dump"] not in proc.stdout + proc.stderr
    # a page saved by hand, given with the link it came from: the link's key is not shown either
    page = tmp_path / "shell.html"
    page.write_text("<html><body><div id='loadingindicator'>Loading...</div></body></html>", encoding="utf-8")
    link = f"{pbin.url}/?{IDS['dump']}#{keys['dump']}"
    proc = cli_fork.run(
        [*cmd, "--html", str(page), "--url", link],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, **test_keys_env},
    )
    shown = json.loads(proc.stdout)
    assert shown["url"] == f"{pbin.url}/?{IDS['dump']}" and shown["pastes"][0]["id"] == IDS["dump"], proc.stdout
    assert keys["dump"] not in proc.stdout + proc.stderr and "PrivateBin" in shown["warnings"][0]


def test_a_channel_post_linking_a_privatebin_paste(
    sites: tuple[MiniSite, PrivateBinServer, dict[str, str]], tmp_path: Path
) -> None:
    """A Telegram-style channel (vigie_kit.channel) posting the link and its password."""
    from datetime import UTC, datetime

    from vigie_kit.channel import ChannelPost, ChannelServer

    _, pbin, keys = sites
    link = f"{pbin.url}/?{IDS['locked']}#{keys['locked']}"
    posts = [ChannelPost(1, "LeakNews", datetime(2026, 11, 2, tzinfo=UTC), f"new dump {link} pass: leakforum2024")]
    with ChannelServer("leaknews", posts) as ch:
        config = tmp_path / "config"
        (config / "sources").mkdir(parents=True)
        (config / "sources" / "mini.yaml").write_text(
            yaml.safe_dump(
                {
                    "name": "mini",
                    "kind": "channel",
                    "network": "direct",
                    "start_urls": [ch.url],
                    "schedule": {"interval": "1h"},
                    "limits": {"delay_seconds": 0, "retries": 0},
                    "privatebin": {"instances": [pbin.url + "/"]},
                }
            ),
            encoding="utf-8",
        )
        (config / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
        code, summary, items, log = crawl(config, tmp_path / "data")
    assert code == 0, log[-3000:]
    pastes = [i for i in items if i["url"] == f"{pbin.url}/?{IDS['locked']}"]
    assert len(pastes) == 1 and pastes[0]["body"] == f"locked dump\n{ROWS}" and pastes[0]["thread_url"] == ch.url
    assert summary["privatebin"]["read"] == 1, summary
    assert keys["locked"] not in log
