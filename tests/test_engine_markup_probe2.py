"""What the second round of the engine markup probe (older and other engines: FluxBB, SMF 1.1,
vBulletin 3.8, phpBB 2 in Russian, WoltLab Suite 5 in German, Discuz! X3 in GBK; the pages in
tests/engine_pages/, crawled by tests/test_engine_markup_probe.py) found the product could not read,
each as its class rather than its one page:

- month and day names of the language packs old engines print in a strptime format (phpBB 2's
  Russian "Сб Ноя 28, 2026 10:42 pm", German "28. März 2026"): only French ones were read;
- a date whose machine-readable attribute is on an element inside the one selected (Discuz!'s
  `<em>发表于 <span title="2026-12-2 22:10">昨天 22:10</span></em>`, the <em> alone for old dates);
- a signature the engine appends to the message's own element after a separator line (phpBB 2's
  `_________________`), which no `exclude` selector can reach: `post.signature_line`;
- `vigie source try --html` read a saved page as UTF-8 whatever its charset (windows-1251, GBK,
  ISO-8859-1), where the crawl reads its <meta>: an operator writing a source offline saw none of
  the dates read and no next-page link."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from parsel import Selector

from crawler.spiders._dates import parse_date, read_date
from crawler.spiders.extract import extract_forum_page
from tests.fixtures.engine_pages import ENGINE_PAGES, _fill
from tests.fixtures.forum import test_keys_env
from vigie.config.schema import DateSelector, SourceConfig

FETCHED = datetime(2026, 12, 3, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "fmt", "tz", "expected"), [
    ("Сб Ноя 28, 2026 10:42 pm", "%a %b %d, %Y %I:%M %p", "Europe/Moscow", "2026-11-28T19:42"),  # phpBB 2, ru
    ("Вс Ноя 29, 2026 12:42 am", "%a %b %d, %Y %I:%M %p", "Europe/Moscow", "2026-11-28T21:42"),
    ("28 ноября 2026, 22:42", "%d %B %Y, %H:%M", "Europe/Moscow", "2026-11-28T19:42"),  # genitive
    ("3 мар. 2026 08:15", "%d %b %Y %H:%M", "Europe/Moscow", "2026-03-03T05:15"),
    ("3. März 2026, 22:42", "%d. %B %Y, %H:%M", "Europe/Berlin", "2026-03-03T21:42"),  # WoltLab, de
    ("Do 3. Dez 2026, 09:00", "%a %d. %b %Y, %H:%M", "Europe/Berlin", "2026-12-03T08:00"),
    ("jueves, 3 de diciembre de 2026 10:00", "%A, %d de %B de %Y %H:%M", "Europe/Madrid", "2026-12-03T09:00"),
    ("3 dicembre 2026 10:00", "%d %B %Y %H:%M", "Europe/Rome", "2026-12-03T09:00"),
    ("3 de março de 2026", "%d de %B de %Y", "UTC", "2026-03-03T00:00"),
    ("3 mrt 2026", "%d %b %Y", "UTC", "2026-03-03T00:00"),
    # French abbreviated day names (phpBB 3's "sam.") were not read either
    ("sam. 28 nov. 2026 22:42", "%a %d %b %Y %H:%M", "Europe/Paris", "2026-11-28T21:42"),
    ("mar. 3 mars 2026 10:00", "%a %d %B %Y %H:%M", "Europe/Paris", "2026-03-03T09:00"),
    # what was read before is read the same
    ("Mar 03, 2026 10:00", "%b %d, %Y %H:%M", "UTC", "2026-03-03T10:00"),
    ("November 28, 2026, 10:42 p.m.", "%B %d, %Y, %I:%M %p", "UTC", "2026-11-28T22:42"),
])
def test_month_and_day_names_of_language_packs(text: str, fmt: str, tz: str, expected: str) -> None:
    got = parse_date(text, fmt, tz)
    assert got is not None and got.strftime("%Y-%m-%dT%H:%M") == expected, (text, got)


def test_a_language_reads_only_its_own_names() -> None:
    # German "Do" is Thursday, Spanish "do" Sunday: a language given is the one read
    assert parse_date("Do 3. Dez 2026", "%a %d. %b %Y", language="de") is not None
    assert parse_date("3 ноября 2026", "%d %B %Y", language="de") is None
    assert parse_date("3 ноября 2026", "%d %B %Y", language="ru") is not None
    assert parse_date("3 Brumaire 2026", "%d %B %Y") is None


DISCUZ = Selector(text="""<div>
<table id="pid101"><tr><td><em id="authorposton101">发表于 2026-11-29 05:42</em></td></tr></table>
<table id="pid103"><tr><td>
<em id="authorposton103">发表于 <span title="2026-12-2 22:10">昨天&nbsp;22:10</span></em></td></tr></table>
<table id="pid104"><tr><td>
<em id="authorposton104">发表于 <span title="2026-11-30 9:30">3&nbsp;天前</span></em></td></tr></table>
<table id="pid105"><tr><td>
<em id="authorposton105">发表于 <a title="只看该作者" href="#">昨天 22:10</a></em></td></tr></table>
</div>""")


def test_the_date_attribute_of_an_element_inside_the_selected_one() -> None:
    spec = DateSelector(selector="em[id^=authorposton]", pattern=r"(\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2})",
                        format="%Y-%m-%d %H:%M", timezone="Asia/Shanghai")
    got = {t.attrib["id"]: read_date(t, spec, FETCHED) for t in DISCUZ.css("table")}
    assert got["pid101"].value == datetime(2026, 11, 28, 21, 42, tzinfo=UTC)
    assert got["pid103"].value == datetime(2026, 12, 2, 14, 10, tzinfo=UTC)
    assert got["pid103"].raw == "2026-12-2 22:10"
    assert got["pid104"].value == datetime(2026, 11, 30, 1, 30, tzinfo=UTC)
    # a title that is no date is passed over, and the text is read (here, unparsed: counted)
    assert got["pid105"].value is None and got["pid105"].unparsed


def test_the_element_own_attribute_comes_before_those_inside_it() -> None:
    page = Selector(text='<p><time datetime="2026-11-28T21:42:11Z">hier <abbr title="2020-01-01">x</abbr></time></p>')
    assert read_date(page, DateSelector(selector="time"), FETCHED).value == datetime(2026, 11, 28, 21, 42, 11,
                                                                                       tzinfo=UTC)


PHPBB2 = """<html><body><table class="forumline">
<tr><td class="row1"><span class="name"><a name="101"></a><b>alice</b></span></td>
<td class="row1"><table><tr><td colspan="2"><span class="postbody">Base ci-dessous.<br />
nom;email<br />Garnier;elodie.garnier@orange.fr<br />_________________<br />PGP sur demande ·
jabber: alice@jabber.example.net</span></td></tr></table></td></tr>
<tr><td class="row2"><span class="name"><a name="102"></a><b>bob</b></span></td>
<td class="row2"><table><tr><td colspan="2"><span class="postbody">Voici :<br />_________________<br />
{rows}</span></td></tr></table></td></tr>
</table></body></html>"""


def _phpbb2(signature_line: str | None, exclude: list[str] | None = None) -> SourceConfig:
    post: dict[str, object] = {"container": "xpath://table[@class='forumline']/tr[td/span[@class='name']]",
                               "post_id": "span.name a::attr(name)", "author": "span.name b",
                               "body": "td[colspan='2']", "exclude": exclude or []}
    if signature_line:
        post["signature_line"] = signature_line
    return SourceConfig.model_validate({
        "name": "phpbb2", "kind": "forum", "network": "direct", "start_urls": ["http://127.0.0.1/index.php"],
        "schedule": {"interval": "1h"}, "forum": {"thread_link": "a::attr(href)", "post": post}})


def test_a_signature_appended_to_the_message_is_left_out() -> None:
    rows = "<br />".join(f"Nom{i};n{i}@orange.fr" for i in range(12))
    html = PHPBB2.format(rows=rows)
    before = extract_forum_page(_phpbb2(None), html, "http://127.0.0.1/viewtopic.php?t=12").posts
    assert "alice@jabber.example.net" in before[0].body  # what the source could not say before
    posts = extract_forum_page(_phpbb2(r"^_{5,}$"), html, "http://127.0.0.1/viewtopic.php?t=12").posts
    assert [p.post_id for p in posts] == ["101", "102"]
    assert "Garnier;elodie.garnier@orange.fr" in posts[0].body
    assert "jabber" not in posts[0].body and "_____" not in posts[0].body
    # a separator typed in a post does not hide the dump after it: longer than a signature, kept
    assert "Nom11;n11@orange.fr" in posts[1].body and "Nom0;n0@orange.fr" in posts[1].body


@pytest.mark.parametrize(("engine", "page", "url", "author", "words"), [
    ("phpbb2", "viewtopic-12-1.html", "/viewtopic.php?t=12", "alice", "База пациентов"),  # windows-1251
    ("discuz", "viewthread-12-1.html", "/forum.php?mod=viewthread&tid=12", "alice", "法国一家诊所"),  # GB18030
    ("vbulletin3", "showthread-12-1.html", "/showthread.php?t=12", "alice", "Patient database"),  # ISO-8859-1
])
def test_source_try_reads_a_saved_page_in_its_own_charset(engine: str, page: str, url: str, author: str,
                                                          words: str, tmp_path: Path) -> None:
    """`vigie source try --html` on a page saved as served (its bytes in the engine's charset, which
    its <meta> names) reads it as the crawl does: it read every page as UTF-8, so the windows-1251
    phpBB 2 page showed no date read and no next link ("След." was mojibake)."""
    source = (ENGINE_PAGES / engine / "source.yaml").read_text(encoding="utf-8")
    source = re.sub(r"http://[a-z0-9]+x+\.onion", "http://127.0.0.1:9", source)
    source = source.replace("network: tor", "network: direct")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / f"{engine}.yaml").write_text(source, encoding="utf-8")
    (tmp_path / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    name = yaml.safe_load(source)["name"]
    saved = tmp_path / page
    charset = json.loads((ENGINE_PAGES / engine / "site.json").read_text(encoding="utf-8")).get("encoding", "utf-8")
    text = _fill((ENGINE_PAGES / engine / page).read_bytes().decode(charset), "http://127.0.0.1:9", datetime.now(UTC))
    saved.write_bytes(text.encode(charset, "xmlcharrefreplace"))
    run = subprocess.run([sys.executable, "-m", "vigie", "source", "try", name, "--config", str(tmp_path),
                          "--data-dir", str(tmp_path / "data"), "--html", str(saved), "--url",
                          "http://127.0.0.1:9" + url, "--json"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, **test_keys_env})
    assert run.returncode == 0, run.stderr[-2000:]
    shown = json.loads(run.stdout)
    posts = shown["posts"]
    assert posts and posts[0]["author"] == author
    assert all(p["posted_at"] and not p["date_unparsed"] for p in posts), [p["raw_date"] for p in posts]
    assert words in "\n".join(posts[0]["first_lines"])
    assert shown["thread_next_page"], "the next page link was not found"


def test_an_inner_attribute_without_a_time_of_day_leaves_the_text_to_be_read() -> None:
    # MyBB's relative style: the day alone is in the inner title, the whole date is the element's text
    page = Selector(text='<div><span class="post_date"><span title="12-02-2026">Yesterday</span>, 11:15 PM '
                         '<span class="post_edit"></span></span></div>')
    reading = read_date(page, DateSelector(selector="span.post_date", format="auto", language="en"), FETCHED)
    assert reading.value == datetime(2026, 12, 2, 23, 15, tzinfo=UTC)


BBPRESS = """<html><body><ul class="bbp-replies"><li class="bbp-body">
<div id="post-12" class="bbp-reply-header"><span class="bbp-reply-post-date">November 28, 2026 at 10:42 pm</span></div>
<div class="reply"><div class="bbp-reply-author"><span class="bbp-author-name">alice</span></div>
<div class="bbp-reply-content"><p>Sample:</p><pre><code>nom;email
Garnier;elodie.garnier@orange.fr</code></pre>
<ul class="bbp-reply-revision-log"><li>This reply was modified 5 days ago by alice.</li></ul></div></div>
<div id="post-102" class="bbp-reply-header"><span class="bbp-reply-post-date">November 29, 2026 at 7:15 am</span></div>
<div class="reply"><div class="bbp-reply-author"><span class="bbp-author-name">bob</span></div>
<div class="bbp-reply-content"><blockquote><p>nom;email<br />Garnier;elodie.garnier@orange.fr</p></blockquote>
<p>Thanks, valid.</p></div></div>
</li></ul></body></html>"""


def test_a_body_beside_the_container_has_its_excluded_parts_taken_out() -> None:
    """bbPress prints a post as two sibling blocks (the header with the id and date, then the author
    and text): the body is `following-sibling::div[1]/...` of the container. With an `exclude`, the
    parts were taken out of a copy of the container alone, where that body is not: every body was
    empty, silently."""
    source = SourceConfig.model_validate({
        "name": "bbpress", "kind": "forum", "network": "direct", "start_urls": ["http://127.0.0.1/forums/"],
        "schedule": {"interval": "1h"}, "forum": {"thread_link": "a::attr(href)", "post": {
            "container": "div.bbp-reply-header", "post_id": "::attr(id)",
            "author": "xpath:following-sibling::div[1]//span[@class='bbp-author-name']",
            "date": {"selector": "span.bbp-reply-post-date", "format": "%B %d, %Y at %I:%M %p"},
            "body": "xpath:following-sibling::div[1]/div[@class='bbp-reply-content']",
            "exclude": ["xpath:following-sibling::div[1]//blockquote",
                        "xpath:following-sibling::div[1]//ul[contains(@class, 'revision-log')]"]}}})
    posts = extract_forum_page(source, BBPRESS, "http://127.0.0.1/forums/topic/t/").posts
    assert [(p.post_id, p.author) for p in posts] == [("post-12", "alice"), ("post-102", "bob")]
    assert "Garnier;elodie.garnier@orange.fr" in posts[0].body and "modified" not in posts[0].body
    assert posts[1].body == "Thanks, valid."
    assert "Garnier" not in posts[1].body


def test_source_try_warns_of_posts_with_an_empty_body() -> None:
    """The first phpBB 2 source excluded `table:has(td.quote)`, which also matched the post's own
    table: the two quoting posts came out with no text, and nothing said so (the crawl stores them
    empty, never scanned). `vigie source try` now names them."""
    from vigie.cli.source_cmd import try_source

    quote = '<table><tr><td class="quote">q</td></tr></table>'
    html = PHPBB2.format(rows="x").replace('<span class="postbody">Voici', quote + '<span class="postbody">Voici')
    shown = try_source(_phpbb2(None, ["table:has(td.quote)"]), html, "http://127.0.0.1/viewtopic.php?t=12", FETCHED)
    assert [p["post_id"] for p in shown["posts"]] == ["101", "102"]
    assert any("1 of 2 post(s) have an empty body (102)" in w for w in shown["warnings"]), shown["warnings"]
    fixed = _phpbb2(None, ["td[colspan='2'] > table:has(td.quote)"])
    assert not any("empty body" in w for w in try_source(fixed, html, "http://x/", FETCHED)["warnings"])
