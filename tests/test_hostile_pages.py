"""Hostile pages (issue 11, section 3): megabytes of unclosed tags, deep nesting, huge
attributes, one-line megabyte posts and lying encodings must neither stall nor blind Vigie.

Each page carries a dump in a post before the hostile markup and one after it. Scanned (the
detection `vigie scan` runs on a saved page) it must take < 10 s and find both dumps; crawled
(Scrapy's own response and selectors, the forum spider's `div.post` / `.content` from the
shipped example source, then detection of each body) it must take < 10 s, raise nothing and
find the first dump. The second dump is out of the crawler's reach when libxml2, which builds
Scrapy's tree, stops at 2 048 levels: the test asserts that limit as it is, so that it shows.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from scrapy.http import HtmlResponse

from crawler.spiders._base import first_text, select
from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests import cli_fork
from tests.fixtures.forum import REPO, test_keys_env

KEY = MatchKey(bytes.fromhex(test_keys_env["VIGIE_MATCH_KEY"].split(":")[1]))
MB = 1024 * 1024
BOUND_S = 10.0

_SOURCE = yaml.safe_load((REPO / "config" / "sources" / "example-forum.yaml").read_text(encoding="utf-8"))
POST_SEL: str = _SOURCE["forum"]["post"]["container"]
BODY_SEL: str = _SOURCE["forum"]["post"]["body"]


def _dump(tag: str) -> list[str]:
    return [f"{tag}.dupont{k}@example.org;06 12 34 56 {k:02d};Paris" for k in range(8)]


FIRST, SECOND = _dump("avant"), _dump("apres")


def _post(pid: str, inner: str) -> str:
    return f'<div class="post" id="{pid}"><a class="author">x</a><div class="content">{inner}</div></div>'


def _page(hostile: str, charset: str = "utf-8") -> str:
    first = _post("p1", "<br>".join(FIRST) + "<br>" + hostile)
    second = _post("p2", "<br>".join(SECOND))
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>t</title></head><body>'
            f"{first}{second}</body></html>")


def _sized(unit: str, size: int) -> str:
    return unit * (size // len(unit))


PAGES: dict[str, Callable[[], tuple[bytes, bool]]] = {
    # (page bytes, whether libxml2 keeps the whole tree)
    "unclosed-div-2.3MB": lambda: (_page(_sized("<div>x ", int(2.3 * MB))).encode(), False),
    "unclosed-b-3MB": lambda: (_page(_sized("<b>x ", 3 * MB)).encode(), False),
    "unclosed-p-2.3MB": lambda: (_page(_sized("<p>x ", int(2.3 * MB))).encode(), True),
    "unclosed-mixed-5MB": lambda: (_page(_sized("<p><div><span><li><td>x", 5 * MB)).encode(), False),
    "nested-1500": lambda: (_page("<div>" * 1500 + "deep" + "</div>" * 1500).encode(), True),
    "nested-100k": lambda: (_page("<div>" * 100_000 + "deep" + "</div>" * 100_000).encode(), False),
    "huge-attribute-3MB": lambda: (_page(f'<span title="{"A" * 3 * MB}" data-x=\'{"&quot;" * 1000}\'>s</span>'
                                         ).encode(), True),
    "one-line-1MB": lambda: (_page("word " * (MB // 5)).encode(), True),
    "declared-utf8-but-latin1": lambda: (_page("<p>Données récupérées à l'hôpital</p>" * 20000
                                               ).encode("latin-1"), True),
    "utf16-without-bom": lambda: (_page("<p>Données récupérées</p>" * 20000, "utf-16").encode("utf-16-le"), True),
    "invalid-bytes": lambda: (_page("<p>x</p>" * 20000).encode().replace(b"<p>x", b"<p>\xff\xfe\xc3(\x80x"), True),
}


def _emails(frags: list[Fragment]) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == "email"}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PAGES))
def test_scan_of_a_hostile_page(name: str) -> None:
    data, _ = PAGES[name]()
    t0 = time.thread_time()  # CPU time: the suite's other workers share the cores
    frags = detect(data, key=KEY, filename="page.html")
    took = time.thread_time() - t0
    assert took < BOUND_S, f"{name}: scan took {took:.1f}s"
    found = _emails(frags)
    missing = [v for v in FIRST + SECOND if v.split(";")[0] not in found]
    assert not missing, f"{name}: the scan missed {missing[:3]}"


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PAGES))
def test_crawl_of_a_hostile_page(name: str) -> None:
    data, whole_tree = PAGES[name]()
    declared = "text/html; charset=utf-8" if "utf16" not in name else "text/html"
    t0 = time.thread_time()  # CPU time: the suite's other workers share the cores
    response = HtmlResponse("http://forum.onion/thread/1", body=data, headers={"Content-Type": declared})
    bodies = [first_text(post, BODY_SEL) or "" for post in select(response, POST_SEL)]
    found = set()
    for body in bodies:
        found |= _emails(detect(body, key=KEY))
    took = time.thread_time() - t0
    assert took < BOUND_S, f"{name}: crawl extraction took {took:.1f}s"
    assert all(v.split(";")[0] in found for v in FIRST), f"{name}: the first dump was missed"
    after = all(v.split(";")[0] in found for v in SECOND)
    # libxml2, which builds Scrapy's tree, drops everything past 2 048 levels: the dump after
    # such markup is out of the crawler's reach (the scan falls back to the tag stripper).
    # Asserted both ways, so that a parser that keeps it shows up here.
    assert after == whole_tree, f"{name}: dump after the hostile markup found: {after}, expected {whole_tree}"


@pytest.mark.slow
def test_vigie_scan_cli_on_the_unclosed_tags_page(tmp_path: Path) -> None:
    """The page of the issue, through the real command: it used to run past 20 s."""
    page = tmp_path / "unclosed.html"
    page.write_bytes(PAGES["unclosed-div-2.3MB"]()[0])
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    # the command's CPU time, not the wall clock: on a loaded CI runner a `vigie` process once
    # took 18 s of wall time just to start; the page's old cost (past 20 s) was CPU
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = cli_fork.run([sys.executable, "-m", "vigie", "scan", str(page), "--json", "--config",
                           str(tmp_path / "config"), "--data-dir", str(tmp_path / "data")],
                        capture_output=True, text=True, timeout=120, cwd=REPO, check=False,
                        env={**os.environ, **test_keys_env})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    took = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert took < BOUND_S + 5, f"vigie scan took {took:.1f}s of CPU (interpreter start-up included)"
    assert proc.stdout.count('"type": "email"') >= len(FIRST) + len(SECOND)
