"""The classes of fault the engine markup probe (tests/test_engine_markup_probe.py) found, each
pinned on its smallest case, so a regression names its cause."""

from __future__ import annotations

from lxml import html

from indexer.html_text import element_text, strip_tags

# MyBB 1.8's [code]: PHP's nl2br runs over the message, code block included (vBulletin and SMF
# print <br> inside code the same way)
MYBB_CODE = ('<div class="post_body"><div class="codeblock"><div class="title">Code:</div><div class="body" dir="ltr">'
             "<code>nom;email<br />\nPayet;arnaude.payet@voila.fr<br />\r\nRoyer;claire.royer@tele2.fr</code>"
             "</div></div></div>")


def test_nl2br_code_block_rows_stay_adjacent() -> None:
    want = "Code:\nnom;email\nPayet;arnaude.payet@voila.fr\nRoyer;claire.royer@tele2.fr"
    assert element_text(html.fromstring(MYBB_CODE)) == want
    assert strip_tags(MYBB_CODE) == want


def test_pre_keeps_its_own_blank_lines_and_double_breaks() -> None:
    assert element_text(html.fromstring("<pre>a\nb\n\nc</pre>")) == "a\nb\n\nc"
    assert element_text(html.fromstring("<pre>a<br><br>\nb</pre>")) == "a\n\nb"
    assert element_text(html.fromstring("<div><code>a<br>b</code> c\nd</div>")) == "a\nb c d"


# vBulletin 4 with "advanced" friendly URLs: every page has <base href="<board root>/"> and writes
# its links against it, from path-style page URLs
VB_FORUM = """<html><head><base href="http://board.test/" /><!--[if IE]></base><![endif]--></head><body>
<div class="pagination_top"><span class="prev_next"><a rel="next" href="forumdisplay.php/2-Bases/page2">
<img alt="Next" /></a></span></div>
<ol id="threads"><li class="threadbit"><h3 class="threadtitle">
<a class="title" href="showthread.php/12-Fuite-clients">Fuite clients</a></h3></li></ol>
<ol id="posts"><li class="postcontainer" id="post_101"><div class="attachments">
<a href="attachment.php?attachmentid=7&amp;d=1">clients.txt</a></div></li></ol></body></html>"""


def test_links_resolve_against_the_base_href() -> None:
    from datetime import UTC, datetime

    from parsel import Selector

    from crawler.spiders.extract import next_link, page_posts, page_threads
    from vigie.config.schema import ForumSelectors

    forum = ForumSelectors.model_validate({
        "thread_rows": "li.threadbit", "thread_link": "a.title::attr(href)",
        "post": {"container": "li.postcontainer", "body": "div", "attachments": "div.attachments a::attr(href)"}})
    page, url = Selector(text=VB_FORUM), "http://board.test/forumdisplay.php/2-Bases"
    assert next_link(page, url, "a[rel=next]::attr(href)", []) == "http://board.test/forumdisplay.php/2-Bases/page2"
    assert [t.url for t in page_threads(page, url, forum)] == ["http://board.test/showthread.php/12-Fuite-clients"]
    posts = page_posts(page, url, forum, datetime.now(UTC))
    assert posts[0].attachments == ("http://board.test/attachment.php?attachmentid=7&d=1",)
    # no <base>: the page's own URL, as before
    bare = Selector(text=VB_FORUM.replace('<base href="http://board.test/" />', ""))
    assert [t.url for t in page_threads(bare, url, forum)] == [
        "http://board.test/forumdisplay.php/showthread.php/12-Fuite-clients"]


def test_a_next_link_to_the_page_itself_is_no_next_page() -> None:
    """Invision Community keeps `li.ipsPagination_next a[rel=next]` on the last page, pointing at
    that page; Bootstrap themes leave `<a href="#">` in a disabled item: the page was fetched again."""
    from parsel import Selector

    from crawler.spiders.extract import next_link

    url = "http://ips.test/topic/12-fuite/page/2/"
    last = Selector(text=f'<ul class="ipsPagination"><li class="ipsPagination_next ipsPagination_inactive">'
                         f'<a href="{url}" rel="next">Next</a></li></ul><ul class="p"><li class="disabled">'
                         f'<a href="#">Next</a></li></ul>')
    assert next_link(last, url, "li.ipsPagination_next a::attr(href)", []) is None
    assert next_link(last, url, "ul.p a::attr(href)", []) is None
    assert next_link(last, url, None, ["Next"]) is None
    first = Selector(text='<a rel="next" href="/topic/12-fuite/page/2/">Next</a>')
    assert next_link(first, "http://ips.test/topic/12-fuite/", "a[rel=next]::attr(href)", []) == url


def test_a_unix_time_attribute_is_read_whatever_the_format() -> None:
    """XenForo 1.x: `<abbr class="DateTime" data-time="...">A moment ago</abbr>` (`data-time` is in
    the default attributes); NodeBB: `data-timestamp` in milliseconds. Neither ISO nor a strptime
    format reads a Unix time, and "A moment ago" is no date dateparser knows: unparsed before."""
    from datetime import UTC, datetime

    from parsel import Selector

    from crawler.spiders._dates import read_date
    from vigie.config.schema import DateSelector

    now = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    xf1 = Selector(text='<abbr class="DateTime" data-time="1795905731" data-diff="25">A moment ago</abbr>')
    for fmt in (None, "%b %d, %Y at %I:%M %p", "auto"):
        spec = DateSelector.model_validate({"selector": "abbr.DateTime", **({"format": fmt} if fmt else {})})
        assert read_date(xf1, spec, now).value == datetime(2026, 11, 28, 22, 42, 11, tzinfo=UTC), fmt
    nodebb = Selector(text='<li data-timestamp="1795905731812"><span class="timeago"></span></li>')
    spec = DateSelector.model_validate({"selector": "li", "attributes": ["data-timestamp"]})
    assert read_date(nodebb, spec, now).value == datetime(2026, 11, 28, 22, 42, 11, 812000, tzinfo=UTC)
    # a number that is no Unix time is not taken for one
    title = Selector(text='<span title="20261128">28/11/2026</span>')
    spec = DateSelector.model_validate({"selector": "span", "format": "%d/%m/%Y"})
    assert read_date(title, spec, now).value == datetime(2026, 11, 28, tzinfo=UTC)


# djangochan 0.1.0 (tests/test_real_imageboard.py): a board's archive lists each thread by its
# opening text alone (no subject); the thread page's OP has the subject
DJANGOCHAN_ARCHIVE = """<html><head><title>djangochan:/db/</title></head><body>
<h2 id="board-header">/db/ - Bases de donn\u00e9es</h2><div id="threads"><h3 id="threads-header">Archive</h3>
<div class="threads-archive"><div class="row op"><div class="row content"><span class="post-text"><p>Extrait de la
base d'une clinique<br />nom;email</p></span></div><p>[<a href="/db/thread/1/" hx-boost="true">Visit</a>]</p>
</div></div>
</div></body></html>"""
DJANGOCHAN_THREAD = """<html><head><title>djangochan:/db/1/:Export patients</title></head><body>
<h2 id="board-header">/db/ - Bases de donn\u00e9es</h2><div class="thread"><div class="row op" id="p1">
<div class="row headline"><p><span class="subject">Export patients</span> <span class="author">vendeur</span>
<span class='tripcode'>!gRTDURlfNY</span> posted at Feb. 9, 2026, noon <span class="pk">#1</span></p></div>
<div class="row content"><span class="post-text"><p>Extrait de la base d'une clinique<br />nom;email</p></span></div>
</div><div class="row reply" id="p2"><div class="row headline"><p><span class="author">Anonymous</span>
posted at Feb. 15, 2026, 11:17 a.m. <span class="pk">#2</span></p></div><div class="row content">
<span class="post-text"><p>merci</p></span></div></div></div></body></html>"""


def test_a_thread_is_titled_by_its_own_page_when_the_listing_shows_no_title() -> None:
    """The archive's row names the thread by its opening text; `thread_page_title` reads the
    subject on the thread page (the spider prefers it to the row's: tests/test_real_imageboard.py),
    and `vigie source try` shows and counts it. Unknown key before (the config was refused)."""
    from datetime import UTC, datetime

    from crawler.spiders.extract import extract_forum_page
    from vigie.cli.source_cmd import try_source
    from vigie.config.schema import SourceConfig

    source = SourceConfig.model_validate({
        "name": "chan", "kind": "forum", "network": "direct", "start_urls": ["http://chan.test/db/"],
        "schedule": {"interval": "1h"},
        "forum": {"thread_rows": "div.threads-archive > div.op",
                  "thread_link": "xpath:.//a[normalize-space()='Visit']/@href",
                  "thread_title": "xpath:substring(normalize-space(.//span[@class='post-text']), 1, 30)",
                  "thread_page_title": "div.op span.subject",
                  "post": {"container": "div.thread > div.op, div.thread > div.reply", "body": "span.post-text"}}})
    now = datetime(2026, 12, 4, tzinfo=UTC)
    archive = extract_forum_page(source, DJANGOCHAN_ARCHIVE, "http://chan.test/db/archive", now)
    assert [(t.url, t.title) for t in archive.threads] == [("http://chan.test/db/thread/1/",
                                                            "Extrait de la base d'une clini")]
    assert archive.page_title is None  # a listing: no post, no thread title read
    thread = extract_forum_page(source, DJANGOCHAN_THREAD, "http://chan.test/db/thread/1/", now)
    assert (thread.page_title, len(thread.posts)) == ("Export patients", 2)
    shown = try_source(source, DJANGOCHAN_THREAD, "http://chan.test/db/thread/1/", now)
    assert shown["thread_page_title"] == "Export patients"
    assert {"name": "thread_page_title", "selector": "div.op span.subject", "matches": 1} in shown["selectors"]


# HyperKitty 1.3.12 (tests/test_real_hyperkitty.py): a list's thread listing names the list in a
# link inside its <h1>; the h1's own first text is its indentation
HYPERKITTY_LISTING = """<html><head><title>Ventes de bases - lists.forum.invalid</title></head><body>
<div class="thread-list-header row"><h1 class="col">
                <a href="/hyperkitty/list/liste1@lists.forum.invalid/" class="list-name">
                        Ventes de bases
                </a>
            </h1></div></body></html>"""


def test_a_board_named_by_a_link_in_its_h1_is_named() -> None:
    """No `board_title`: the board is the page's <h1>. Its first own text node was whitespace, so
    every mail of a HyperKitty archive had no board (None) and the <title> was not read either."""
    from scrapy.http import HtmlResponse

    from crawler.spiders.forum import _page_title

    def title(html: str) -> str | None:
        return _page_title(HtmlResponse("http://lists.test/", body=html.encode(), encoding="utf-8"))

    assert title(HYPERKITTY_LISTING) == "Ventes de bases"
    assert title("<h1>Forum <small>12 sujets</small></h1>") == "Forum"  # its own text first, as before
    assert title("<h1><small>Forum :</small> Ventes</h1>") == "Ventes"
    assert title("<title>Ventes</title><h1>\n  <img src=x.png>\n</h1>") == "Ventes"
    assert title("<p>rien</p>") is None
