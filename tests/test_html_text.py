"""The one HTML-to-text model (indexer.html_text) that the crawler and `vigie scan` share.

Each layout rule is checked on its own; then depth (1 500 and 100 000 levels: the recursive
walk raised RecursionError and lost the rest of the page); then parity: for every thread page
of the demo forums, the fragments found in the crawled posts are the fragments `vigie scan`
finds in the saved page (issue 13: a `<p><code>` dump was seen by the scan, not the crawl).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from lxml import etree
from parsel import Selector

from crawler.spiders._base import element_text as crawler_element_text
from crawler.spiders._base import first_text
from indexer.detect import detect
from indexer.html_text import element_text, html_to_text
from indexer.tokens import MatchKey
from tests import cli_fork
from tests.fixtures.forum import REPO, crawl, make_config, test_keys_env
from vigie_kit._forum_views import Ctx
from vigie_kit.forum import ForumServer
from vigie_kit.forum_data import POSTS_PER_PAGE


def _text(fragment: str) -> str:
    """The text of an HTML fragment as the crawler sees a post body picked by a selector."""
    return element_text(Selector(text=f'<div id="post">{fragment}</div>').css("#post")[0].root)


@pytest.mark.parametrize(("html", "expected"), [
    # <br> always breaks; two of them leave one blank line
    ("a<br>b<br/>c", "a\nb\nc"),
    ("a<br><br>b", "a\n\nb"),
    # block boundaries break lines and collapse; source whitespace between blocks adds nothing
    ("<div>a;1</div>\n  <div>b;2</div><div>c;3</div>", "a;1\nb;2\nc;3"),
    ("intro<p>para</p>outro", "intro\npara\noutro"),
    ("<ul><li>one</li><li>two</li></ul><h2>title</h2><blockquote>quote</blockquote><hr>end",
     "one\ntwo\ntitle\nquote\nend"),
    # <pre> and <code> keep their newlines, whatever wraps them
    ("<p>intro</p><p><code>\nrow1;a\nrow2;b\nrow3;c</code></p>", "intro\n\nrow1;a\nrow2;b\nrow3;c"),
    ("<blockquote><div><span><pre>x;y\n  z;w\n</pre></span></div></blockquote>", "x;y\nz;w"),
    ("<code>a\nb</code> and <b>c\nd</b>", "a\nb and c d"),
    # table cells are tab-separated, empty cells kept; rows are lines
    ("<table><tr><th>mail</th><th>tel</th></tr><tr><td>a@b.org</td><td></td><td>x</td></tr></table>",
     "mail\ttel\na@b.org\t\tx"),
    # whitespace collapses, tabs (a pasted TSV) and no-break spaces do not vanish
    ("a   b\n   c\td", "a b c\td"),
    ("a&nbsp;b&#160;c", "a b c"),
    # scripts and styles are dropped; a one-line comment too, and the text after it is kept
    ("a<script>evil()</script>b<style>x{}</style>c<!-- hidden -->d<script type='module'>x</script>e", "abcde"),
    # what a reader without scripts, or the page's scripts, would show is read (wave 24's blind probe:
    # a dump in any of these was lost whole): <noscript>, <template>, a data script, a comment of lines
    ("a<noscript>n</noscript>b<template>t</template>c", "anbtc"),
    ('<p>x</p><script id="__NEXT_DATA__" type="application/json">{"p": "r1;a\\nr2;b"}</script><p>y</p>',
     'x\n{"p": "r1;a\\nr2;b"}\ny'),
    ("<p>x</p><script type='Text/Plain; charset=utf-8'>\nr1;a\nr2;b\n</script>", "x\nr1;a\nr2;b"),
    ("<p>x</p><!--\nr1;a\nr2;b\n-->y", "x\nr1;a\nr2;b\ny"),
    # a code highlighter's line elements end their lines, with or without a newline after each
    ('<pre><code><span class="line">r1;a</span><span class="line">r2;b</span></code></pre>', "r1;a\nr2;b"),
    ('<pre><span class="line">r1;a</span>\n<span class="line">r2;b</span>\n</pre>', "r1;a\nr2;b"),
    ('<pre><span class="line"><span class="cl">r1;a\n</span></span><span class="line"><span class="cl">r2;b\n</span>'
     '</span></pre>', "r1;a\nr2;b"),
    ('<p><span class="line">not</span> <span class="line">code</span></p>', "not code"),
])
def test_layout_rules(html: str, expected: str) -> None:
    assert _text(html) == expected
    # the whole-page entry point (`vigie scan`) agrees with the element one (the crawler)
    assert html_to_text(f"<html><head><title>T</title></head><body>{html}</body></html>") == expected


def test_the_crawler_uses_the_same_function() -> None:
    assert crawler_element_text is element_text
    sel = Selector(text='<div class="post"><div class="content"><p><code>\nr1;a\nr2;b</code></p></div></div>')
    assert first_text(sel.css("div.post")[0], ".content") == "r1;a\nr2;b"


def test_xhtml_namespaced_tags() -> None:
    root = etree.fromstring('<div xmlns="http://www.w3.org/1999/xhtml"><p>a</p><p>b<br/>c</p></div>')
    assert element_text(root) == "a\nb\nc"


@pytest.mark.parametrize("depth", [1_500, 20_000])
def test_deep_nesting_is_walked_without_recursion(depth: int) -> None:
    """A tree built through the API keeps all its levels (parsers stop at 2 048), so this is the
    walk itself far past Python's recursion limit (1 000). 20 000 and not 100 000 levels only
    because lxml's SubElement checks every ancestor: building 100 000 levels takes minutes."""
    root = etree.Element("div")
    el = root
    for k in range(depth):
        el = etree.SubElement(el, ("div", "span", "b", "p")[k % 4])
    el.text = "deep@example.org"
    el.tail = "after the deepest"
    root.tail = "not ours"
    text = element_text(root)
    assert "deep@example.org" in text and "after the deepest" in text and "not ours" not in text


def test_100k_levels_from_the_parsers() -> None:
    """100 000 levels as the crawler and the scan get them: nothing raises, the post before is
    read by both, and the scan (which falls back to the tag stripper when libxml2 stops at
    2 048 levels) also reads what follows."""
    page = ('<div class="post" id="a">before@example.org</div>'
            '<div class="post" id="b">' + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</div>"
            '<div class="post" id="c">after@example.org</div>')
    sel = Selector(text=page)
    assert element_text(sel.css("#a")[0].root) == "before@example.org"
    element_text(sel.css("#b")[0].root)  # truncated by libxml2, but no RecursionError
    text = html_to_text(page)
    assert "before@example.org" in text and "deep" in text and "after@example.org" in text


def test_deep_post_from_a_selector_keeps_the_page() -> None:
    """1 500 levels, as the crawler gets them from Scrapy: the post and the next one are read."""
    deep = "<div>" * 1_500 + "jean.dupont@example.org;0612345678" + "</div>" * 1_500
    page = f'<div class="post" id="a">{deep}</div><div class="post" id="b">next post</div>'
    sel = Selector(text=page)
    assert "jean.dupont@example.org;0612345678" in element_text(sel.css("#a")[0].root)
    assert element_text(sel.css("#b")[0].root) == "next post"


# ------------------------------------------------------------------------------------ parity
KEY = MatchKey(bytes.fromhex(test_keys_env["VIGIE_MATCH_KEY"].split(":")[1]))
Frag = tuple[str, frozenset[str]]


def _frag_set(frags: list[tuple[str, list[str]]]) -> set[Frag]:
    return {(kind, frozenset(tokens)) for kind, tokens in frags}


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["phpbb", "xen"])
def test_crawl_and_scan_find_the_same_fragments(engine: str, tmp_path: Path) -> None:
    """The small forums (the phpBB one with its malformed and cp1252 pages), plus a post whose
    dump is a `<p><code>` block, as one engine renders code: the crawl used to join its rows
    into one line and find nothing."""
    rows = [f"client{k}.martin@example.org;06 98 76 54 {k:02d};Lyon" for k in range(6)]
    with ForumServer(engine, size="small", bomb_megabytes=32) as server:
        code_post = server.add_post(with_dump=False, body="x")
        code_post.html_body = "<p>Extrait :</p><p><code>\n" + "\n".join(rows) + "\n</code></p>"
        kind = "phpbb" if engine == "phpbb" else "xen"
        config = make_config(tmp_path / "config", server.url, kind=kind, name=f"test-{kind}")
        run = crawl(config, tmp_path / "data", f"test-{kind}", extra=["--no-index"], timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        data = server.data
        # crawl side: the fragments of each post, grouped by the thread page that showed it
        crawled: dict[tuple[int, int], list[tuple[str, list[str]]]] = defaultdict(list)
        for item in run.posts():
            post = data.posts[int(re.sub(r"\D", "", item["post_id"]))]
            thread = data.threads[post.thread_id]
            page = thread.posts.index(post) // POSTS_PER_PAGE + 1
            for f in detect(item["body"], key=KEY):
                crawled[(thread.id, page)].append((f.kind, [i.token.hex() for i in f.identifiers]))
            crawled.setdefault((thread.id, page), [])
        assert crawled, "the crawl emitted no post"
        code_item = [i for i in run.posts() if int(re.sub(r"\D", "", i["post_id"])) == code_post.id]
        assert code_item and code_item[0]["body"].splitlines()[-6:] == rows
        code_emails = {i.value for f in detect(code_item[0]["body"], key=KEY) for i in f.identifiers
                       if i.type == "email"}
        assert code_emails == {r.split(";")[0] for r in rows}
        # scan side: each of those pages saved as the server sends it, then `vigie scan --json`
        ctx = Ctx(server.url, server.username, "")
        pages = tmp_path / "pages"
        pages.mkdir()
        paths = {}
        for (tid, page) in crawled:
            thread = data.threads[tid]
            html = server.view.thread(ctx, thread, page)
            raw = html.encode("cp1252", "xmlcharrefreplace") if thread.special == "cp1252" else html.encode()
            path = pages / f"thread-{tid}-{page}.html"
            path.write_bytes(raw)
            paths[str(path)] = (tid, page)
    proc = cli_fork.run(
        [sys.executable, "-m", "vigie", "--log-level", "WARNING", "scan", *paths, "--json",
         "--config", str(config), "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=300, cwd=REPO, env={**os.environ, **test_keys_env}, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    scanned: dict[tuple[int, int], list[tuple[str, list[str]]]] = defaultdict(list)
    for line in proc.stdout.splitlines():
        frag = json.loads(line)
        scanned[paths[frag["path"]]].append((frag["kind"], [i["token"] for i in frag["identifiers"]]))
    with_fragments = 0
    for key, frags in crawled.items():
        assert _frag_set(frags) == _frag_set(scanned.get(key, [])), f"thread page {key} differs"
        with_fragments += bool(frags)
    assert with_fragments >= 3, "too few pages with fragments for the comparison to mean anything"
