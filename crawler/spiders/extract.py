"""What a forum source's selectors extract from one page, as plain functions.

The forum spider and `vigie source try` (a selector workbench, also offline on a saved page) call
these same functions, so what an operator sees while writing a source is what the crawl does.
Each takes the page as a parsel `Selector` and the page's URL (links come back absolute).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import unquote, urldefrag, urlsplit

from parsel import Selector, SelectorList
from w3lib.url import safe_url_string

from crawler._markup import html_selector, json_page_selector
from crawler._session_ids import without_session
from crawler.defaults import MAX_FILE_LINKS_PER_PAGE
from crawler.spiders._base import absolute_url, absolute_urls, all_values, first_text, select
from crawler.spiders._dates import DateReading, read_date, read_date_value
from indexer.html_text import element_text
from vigie.config.schema import ForumSelectors, JsonPosts, SourceConfig, UrlRewrite
from vigie.core.jsonpath import JsonPath, JsonUnreadable, compile_path, load_json
from vigie.core.patterns import compile_pattern

__all__ = ["ForumPage", "PostExtract", "PostsReading", "ThreadLink", "classified_twice", "download_names", "each_own",
           "extract_forum_page", "first_page_url", "last_page_link", "next_link", "other_thread", "page_base",
           "page_posts", "page_threads", "read_posts", "thread_key"]

# A link to the LAST page is never a next link, whatever the configured texts say.
T = TypeVar("T")
_LAST_TEXTS = frozenset({"last", "last page", "dernière", "derniere", "dernière page", "derniere page", "»»", ">>",
                         "fin", "end", "›|", ">|", "»|"})


@dataclass(frozen=True)
class ThreadLink:
    """A thread row of a listing: its link (absolute), title and marker, and its board when the
    row names one (`thread_board`)."""

    url: str
    title: str | None
    marker: str | None
    board: str | None = None


@dataclass(frozen=True)
class PostExtract:
    """One post of a thread page, with its date as printed and as read (UTC)."""

    post_id: str | None
    author: str | None
    raw_date: str | None
    posted_at: datetime | None
    body: str
    attachments: tuple[str, ...] = ()  # the first MAX_FILE_LINKS_PER_PAGE links, made absolute
    attachment_links: int = 0  # the post's attachment links, all of them (counted, not made URLs)
    attachment_names: tuple[tuple[str, str], ...] = ()  # (URL, name) the page gives a link (`download_names`)
    # links of the post with a query and a fragment, made absolute, fragment kept (PrivateBin's: an
    # engine shortens a long link's text, `http://pbin.onion/?a1b2 ... x9Yz`, so the text loses the key)
    keyed_links: tuple[str, ...] = ()

    @property
    def date_unparsed(self) -> bool:
        return bool(self.raw_date) and self.posted_at is None


@dataclass
class ForumPage:
    """Everything the selectors find on one page (`vigie source try` shows it)."""

    url: str
    boards: list[str] = field(default_factory=list)
    board_title: str | None = None
    threads: list[ThreadLink] = field(default_factory=list)
    next_page: str | None = None
    thread_next_page: str | None = None
    thread_key: str | None = None
    more_links: list[str] = field(default_factory=list)  # `thread_more_links`: more of the thread's posts
    posts: list[PostExtract] = field(default_factory=list)
    json_title: str | None = None  # the thread's title in the page's JSON (`post.from_json.thread_title`)
    page_title: str | None = None  # the thread's title on its own page (`thread_page_title`), on a thread page
    json_problems: list[str] = field(default_factory=list)  # why the page's JSON was not read (`json_unread`)
    classified_twice: list[str] = field(default_factory=list)  # links both a board and a thread here


@dataclass
class PostsReading:
    """The posts of a thread page, the thread title its JSON gives, and why its JSON (if any was
    configured) was not read: each problem is one `json_unread` for the spider to count."""

    posts: list[PostExtract]
    title: str | None = None
    problems: list[str] = field(default_factory=list)


def thread_key(url: str, rewrites: list[UrlRewrite], session_params: Sequence[str] = ()) -> str:
    """The name of a thread: its URL without fragment, written as the request for it is (percent-
    encoded, w3lib's `safe_url_string`, as Scrapy does), without its session id (`crawler.
    _session_ids`: the defaults and `follow.session_params`, here `session_params`: phpBB's `sid=`
    made the same thread a new one every crawl, read again whole and its posts handed on again),
    rewritten by `thread_url_rewrite` in order.
    A listing's link `/topic/10/combo-françois` and the page fetched for it,
    `/topic/10/combo-fran%C3%A7ois`, are one thread: keyed apart, the thread's marker was stored
    under the one and looked up under the other, and every crawl fetched it again (NodeBB's
    accented slugs, tests/test_real_nodebb.py)."""
    key = without_session(safe_url_string(urldefrag(url)[0]), session_params)
    for rule in rewrites:
        key = compile_pattern(rule.pattern).sub(rule.template, key, count=1)
    return key


def page_base(page: Selector, url: str) -> str:
    """The URL a page's relative links are written against: its `<base href>` made absolute (the
    first one, as browsers and Scrapy's `response.urljoin` read it), else the page's own URL.
    vBulletin prints `<base href="<board root>/">` on every page and writes its links against
    it; with its path-style URLs (`showthread.php/12-title/page2`) they resolve nowhere else."""
    href = page.xpath("(//base[@href])[1]/@href").get()
    return (absolute_url(url, href) or url) if href and href.strip() else url


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _link_texts(page: Selector) -> list[tuple[str, str, str]]:
    """(normalised text or title, href, rel) of every link of the page."""
    out = []
    for link in page.css("a[href]"):
        text = _norm("".join(link.css("::text").getall())) or _norm(link.root.get("title") or "")
        # `root.get`, not `attrib`: `attrib` reads every attribute, and lxml raises on a name
        # holding a control character (a page with one failed whole; found by tests/fuzz.py)
        out.append((text, link.root.get("href") or "", link.root.get("rel") or ""))
    return out


def next_link(page: Selector, url: str, css: str | None, texts: list[str]) -> str | None:
    """The next page: by the configured selector, else a `rel=next` link or a link whose whole text
    is one of `texts` (never a link to the last page). Never the page itself: on the last page some
    engines keep the next control, pointing at that page (Invision Community) or at `#`."""
    if css:
        href = first_text(page, css)
        if href:
            target = absolute_url(page_base(page, url), href)
            return None if target == urldefrag(url)[0] else target
    if not texts:
        return None
    wanted = {_norm(t) for t in texts}
    base = page_base(page, url)
    for text, href, rel in _link_texts(page):
        if text in _LAST_TEXTS or not href:
            continue
        if "next" in rel.split() or text in wanted:
            target = absolute_url(base, href)
            if target is not None and target != urldefrag(url)[0]:
                return target
    return None


def last_page_link(page: Selector, url: str) -> str | None:
    """A link to the last page that is not this page: a next link was expected."""
    base = page_base(page, url)
    for text, href, _rel in _link_texts(page):
        if text in _LAST_TEXTS and href:
            target = absolute_url(base, href)
            if target is not None and target != urldefrag(url)[0]:
                return target
    return None


def first_page_url(page: Selector, url: str, forum: ForumSelectors, session_params: Sequence[str] = ()) -> str:
    """The thread's key as this page states it: its canonical link, else its pagination's link to
    page 1, else its own URL; without its session id, rewritten by `thread_url_rewrite` (`thread_key`)."""
    href = first_text(page, forum.thread_canonical) if forum.thread_canonical else None
    if not href and forum.thread_first_page:
        href = first_text(page, forum.thread_first_page)
    return thread_key((absolute_url(page_base(page, url), href) if href else None) or url, forum.thread_url_rewrite,
                      session_params)


def other_thread(page: Selector, url: str, requested: str, key: str, forum: ForumSelectors,
                 session_params: Sequence[str] = ()) -> str | None:
    """The thread a page reached by thread `key`'s next link says it belongs to, when that is
    neither `key` nor the page itself (`url`, or `requested`, the URL the next link named): None
    when it names no other (no `thread_canonical` or `thread_first_page` set, or nothing found).

    Why: an engine may serve another thread in place at a URL of this one. ElkArte (and SMF 2.0)
    print `<link rel="next" href="?topic=12.0;prev_next=next">` on a topic's last page, and that
    URL shows the next topic of the board with status 200: read as page 3 of topic 12, its posts
    were emitted under topic 12 (and read again under their own thread). The page says whose it
    is: its canonical link or breadcrumb names topic 13. A page 2 whose canonical names page 2
    itself (XenForo's `.../page-2`, WoltLab's `?pageNo=2`) names no other thread.

    A next link that redirects (`?topic=12.0;prev_next=next` answered 302 to `?topic=13.0`) ends on
    a page whose canonical names its own final URL: that URL is the page's own only when it lies
    under the thread's key or the requested URL (`/threads/patients.12/page-2` under
    `/threads/patients.12/`; `viewtopic.php?t=12&start=15` under `viewtopic.php?t=12`, never `t=123`);
    else the redirect led into another thread, whose posts were emitted as this thread's."""
    if not (forum.thread_canonical or forum.thread_first_page):
        return None
    stated = first_page_url(page, url, forum, session_params)
    own = {key} | {thread_key(requested, forum.thread_url_rewrite, session_params)}
    final = thread_key(url, forum.thread_url_rewrite, session_params)
    if urldefrag(url)[0] == urldefrag(requested)[0] or any(_below(final, k) for k in own):
        own.add(final)
    return None if stated in own else stated


def _below(url: str, key: str) -> bool:
    """Whether `url` is `key` or a page under it: `key` followed by a separator (`/`, `?`, `&`, `;`,
    `.`, `-`, `#`...), so that `t=12` holds `t=12&start=15` and not `t=123`."""
    if not url.startswith(key):
        return False
    rest = url[len(key):]
    return not rest or key.endswith(("/", "?", "&", ";")) or not rest[0].isalnum()


def classified_twice(boards: list[str], threads: list[str]) -> list[str]:
    """The links of a page that `board_links` and `thread_link` both select, in page order.

    Why it matters: such a URL is requested as a listing and as a thread, and the crawl's
    duplicate filter keeps whichever comes first: a thread read as a listing gives no post, a
    board read as a thread is "no post found" (its threads never listed). Selectors that overlap
    this way (`a[href*='/t']` matching `/t/<tag>` and `/topic/...`) are an operator's mistake
    `vigie source try` and the crawl's log point at."""
    as_thread = {urldefrag(u)[0] for u in threads}
    seen: set[str] = set()
    out = []
    for url in boards:
        key = urldefrag(url)[0]
        if key in as_thread and key not in seen:
            seen.add(key)
            out.append(url)
    return out


def page_threads(page: Selector, url: str, forum: ForumSelectors) -> list[ThreadLink]:
    base = page_base(page, url)

    def read(row: Selector) -> ThreadLink | None:
        link = first_text(row, forum.thread_link)
        target = absolute_url(base, link) if link else None
        if target is None:
            return None
        return ThreadLink(target, first_text(row, forum.thread_title) if forum.thread_title else None,
                          first_text(row, forum.thread_marker) if forum.thread_marker else None,
                          first_text(row, forum.thread_board) if forum.thread_board else None)

    rows = each_own(page, forum.thread_rows, read) if forum.thread_rows else [read(page)]
    return [row for row in rows if row is not None]


def page_posts(page: Selector, url: str, forum: ForumSelectors, fetched_at: datetime) -> list[PostExtract]:
    return read_posts(page, url, forum, fetched_at).posts


def read_posts(page: Selector, url: str, forum: ForumSelectors, fetched_at: datetime) -> PostsReading:
    """The posts of a thread page: from its HTML, with the fields `post.from_json` names read from the
    JSON the page embeds. Whatever the JSON is (absent, huge, deep, not JSON, records that do not
    pair), the HTML's posts come out as they would without it, and the reason is returned."""
    base = page_base(page, url)  # attachment links are made absolute against it
    spec = forum.post.from_json
    if spec is None:
        return PostsReading(each_own(page, forum.post.container, lambda post: _post(post, base, forum, fetched_at)))
    if spec.scope == "post":
        return _own_json_posts(page, base, forum, spec, fetched_at)
    reading = PostsReading([])
    docs = _documents(page, spec.source, reading.problems)
    records = _records(docs, spec, reading.problems)
    if spec.thread_title:
        reading.title = next((t for t in (_field(spec.thread_title, d, d, reading.problems) for d in docs) if t), None)
    if spec.pair == "records":
        reading.posts = [_record_post(record, root, base, forum, spec, fetched_at) for record, root in records]
        return reading
    html = each_own(page, forum.post.container, lambda post: (_post(post, base, forum, fetched_at),
                                                              _html_key(post, spec)))
    if not docs or reading.problems and not records:
        reading.posts = [post for post, _key in html]
        return reading
    if spec.pair == "order":
        if len(records) != len(html):
            reading.problems.append(f"{len(records)} JSON records for {len(html)} posts: not paired (pair: order)")
            reading.posts = [post for post, _key in html]
            return reading
        reading.posts = [_merged(post, record, root, base, forum, spec, fetched_at, reading.problems)
                         for (post, _key), (record, root) in zip(html, records, strict=True)]
        return reading
    by_key: dict[str, tuple[Any, Any]] = {}
    for record, root in records:
        key = _key_of(_field(spec.record_key, record, root, reading.problems), spec)
        if key is not None:
            by_key.setdefault(key, (record, root))
    unmatched = 0
    for post, key in html:
        found = by_key.get(key) if key is not None else None
        if found is None:
            unmatched += 1
            reading.posts.append(post)
        else:
            reading.posts.append(_merged(post, found[0], found[1], base, forum, spec, fetched_at, reading.problems))
    if unmatched:
        reading.problems.append(f"{unmatched} of {len(html)} posts matched no JSON record by key")
    return reading


# JSON documents read per page (or per post) at most: a page of a thousand ld+json scripts is
# read for its first ones only.
_MAX_DOCUMENTS = 16


def _documents(node: Selector, source: str, problems: list[str]) -> list[Any]:
    """The JSON documents `source` selects under `node`: a script's text or an attribute's value,
    each parsed within `load_json`'s bounds. Texts that are no JSON are skipped and said."""
    found = select(node, source)[:_MAX_DOCUMENTS]
    if not found:
        problems.append("no JSON where post.from_json.source points")
        return []
    docs, bad = [], []
    for part in found:
        root = part.root
        text = root if isinstance(root, str) else "".join(root.itertext())
        try:
            docs.append(load_json(text))
        except JsonUnreadable as exc:
            bad.append(str(exc))
    if bad:
        problems.append(f"{len(bad)} of {len(found)} JSON texts unread: {bad[0]}")
    return docs


def _records(docs: list[Any], spec: JsonPosts, problems: list[str]) -> list[tuple[Any, Any]]:
    """(record, its document) for each post record of each document, in order."""
    path = _compiled(spec.records)
    out: list[tuple[Any, Any]] = []
    for doc in docs:
        try:
            out += [(record, doc) for record in path.values(doc, doc)]
        except JsonUnreadable as exc:
            problems.append(f"records path {spec.records!r}: {exc}")
    return out


_PATHS: dict[str, JsonPath] = {}


def _compiled(text: str) -> JsonPath:
    """A config's path compiled once (the schema checked it compiles)."""
    path = _PATHS.get(text)
    if path is None:
        path = _PATHS[text] = compile_path(text)
    return path


def _field(path: str | None, record: Any, root: Any, problems: list[str]) -> str | None:
    if path is None:
        return None
    try:
        return _compiled(path).first_text(record, root)
    except JsonUnreadable as exc:
        problems.append(f"path {path!r}: {exc}")
        return None


def _html_key(post: Selector, spec: JsonPosts) -> str | None:
    return _key_of(first_text(post, spec.html_key), spec) if spec.pair == "key" and spec.html_key else None


def _key_of(value: str | None, spec: JsonPosts) -> str | None:
    """A pairing key, through `key_pattern` when set (no match: no key)."""
    if value is None or spec.key_pattern is None:
        return value
    match = compile_pattern(spec.key_pattern).search(value[:512])
    if match is None:
        return None
    return match.group(1) if match.re.groups else match.group(0)


def _own_json_posts(page: Selector, base: str, forum: ForumSelectors, spec: JsonPosts,
                    fetched_at: datetime) -> PostsReading:
    """`scope: post`: each container's own JSON, its first record, is that post's."""
    unread: list[str] = []

    def read(post: Selector) -> PostExtract:
        html = _post(post, base, forum, fetched_at)
        problems: list[str] = []
        records = _records(_documents(post, spec.source, problems), spec, problems)
        if not records:
            unread.append(problems[0] if problems else "no record at post.from_json.records")
            return html
        merged = _merged(html, records[0][0], records[0][1], base, forum, spec, fetched_at, problems)
        unread.extend(problems[:1])
        return merged

    posts = each_own(page, forum.post.container, read)
    return PostsReading(posts, None, [f"{len(unread)} of {len(posts)} posts: {unread[0]}"] if unread else [])


def _merged(html: PostExtract, record: Any, root: Any, base: str, forum: ForumSelectors, spec: JsonPosts,
            fetched_at: datetime, problems: list[str]) -> PostExtract:
    """The HTML's post with the fields the record holds put in its place."""
    date = _json_date(record, root, forum, fetched_at, problems)
    if date is None or (date.value is None and html.posted_at is not None):
        date = DateReading(html.raw_date, html.posted_at)
    body = _json_body(record, root, forum, spec, problems)
    return PostExtract(
        post_id=_field(spec.post_id, record, root, problems) or html.post_id,
        author=_field(spec.author, record, root, problems) or html.author,
        raw_date=date.raw, posted_at=date.value, body=body[0] if body else html.body,
        attachments=html.attachments, attachment_links=html.attachment_links, attachment_names=html.attachment_names,
        keyed_links=html.keyed_links)


def _record_post(record: Any, root: Any, base: str, forum: ForumSelectors, spec: JsonPosts,
                 fetched_at: datetime) -> PostExtract:
    """`pair: records`: a post made of its record alone (attachments from its body's HTML)."""
    problems: list[str] = []
    date = _json_date(record, root, forum, fetched_at, problems)
    body = _json_body(record, root, forum, spec, problems)
    links = all_values(body[1], forum.post.attachments) if body and forum.post.attachments else []
    attachments = tuple(absolute_urls(base, links[:MAX_FILE_LINKS_PER_PAGE]))
    return PostExtract(
        post_id=_field(spec.post_id, record, root, problems), author=_field(spec.author, record, root, problems),
        raw_date=date.raw if date else None, posted_at=date.value if date else None,
        body=body[0] if body else "", attachments=attachments, attachment_links=len(links),
        attachment_names=download_names(body[1], base, attachments) if attachments and body else ())


def _json_date(record: Any, root: Any, forum: ForumSelectors, fetched_at: datetime,
               problems: list[str]) -> DateReading | None:
    raw = _field(forum.post.from_json.date if forum.post.from_json else None, record, root, problems)
    return read_date_value(raw, forum.post.date, fetched_at) if raw else None


def _json_body(record: Any, root: Any, forum: ForumSelectors, spec: JsonPosts,
               problems: list[str]) -> tuple[str, Selector] | None:
    """The record's body as text (HTML read under the same model as a page's, `exclude` taken
    out), and the HTML it came from; None when the record has none."""
    raw = _field(spec.body, record, root, problems)
    if raw is None:
        return None
    if not spec.body_html:
        return raw, Selector(text="<p></p>")
    fragment = _without(Selector(text=f"<div>{raw}</div>"), forum.post.exclude)
    body = fragment.root.find("body")
    text = element_text(body if body is not None else fragment.root, keep_lines=forum.post.body_lines)
    return _unsigned(text, forum.post.signature_line), fragment


def each_own(page: Selector, expr: str, read: Callable[[Selector], T]) -> list[T]:
    """`read` applied to each match of `expr` (posts, thread rows), in document order, each seen
    without the matches nested inside it.

    Unclosed containers nest each next post inside the previous one (a malformed page, or a
    hostile one: 2,000 nested posts, 150 kB, took 45 s of CPU, every field selector searching
    every later post). Then, on a copy of the page, matches are read innermost first, each then
    taken out of its parent: every one is searched once, and only its own parts are its own."""
    found = select(page, expr)
    if not _nested(found):
        return [read(part) for part in found]
    copy = Selector(root=deepcopy(page.root), type="html")
    out = []
    for part in reversed(select(copy, expr)):
        out.append(read(part))
        if part.root.getparent() is not None:
            _take_out(part.root)
    out.reverse()
    return out


# Characters lxml's HTML parser keeps in a page's text but its API refuses to set (C0 controls but
# tab, newline and carriage return; U+FFFE/U+FFFF; lone surrogates).
_NOT_SETTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _take_out(el: Any) -> None:
    """Remove `el` from its parent, its tail text kept where it stood (what parsel's `drop`, that is
    lxml's `drop_tree`, does). Joining the tail to the text before it sets text through lxml's API,
    which refuses a control character the parser had let in: a page with one U+0001 after a nested
    post failed whole (found by tests/fuzz.py). Those characters become spaces in the joined text."""
    parent = el.getparent()
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = _NOT_SETTABLE.sub(" ", (parent.text or "") + tail)
        else:
            previous.tail = _NOT_SETTABLE.sub(" ", (previous.tail or "") + tail)
    parent.remove(el)


def _nested(containers: SelectorList) -> bool:
    """Whether a container holds another. If one does, the next container in document order is
    inside it (its descendants follow it), so each is checked with its successor only, by
    climbing from the deeper one to the other's depth; depths are memoised, so the whole check
    visits each element of the page at most a few times, however deep the page."""
    depth: dict[Any, int] = {}

    def depth_of(el: Any) -> int:
        chain, node = [], el
        while node is not None and node not in depth:
            chain.append(node)
            node = node.getparent()
        d = -1 if node is None else depth[node]
        for n in reversed(chain):
            d += 1
            depth[n] = d
        return depth[el]

    roots = [c.root for c in containers if not isinstance(c.root, str)]
    for outer, inner in zip(roots, roots[1:], strict=False):
        steps = depth_of(inner) - depth_of(outer)
        node = inner
        for _ in range(steps):
            node = node.getparent()
        if steps > 0 and node is outer:
            return True
    return False


def _post(post: Selector, url: str, forum: ForumSelectors, fetched_at: datetime) -> PostExtract:
    psel = forum.post
    reading = read_date(post, psel.date, fetched_at) if psel.date else None
    links = all_values(post, psel.attachments) if psel.attachments else []
    # only as many links as a page may follow are made URLs (30 µs each: a post of 300 000 links
    # took 10 s); the spider counts the rest as dropped
    attachments = tuple(absolute_urls(url, links[:MAX_FILE_LINKS_PER_PAGE]))
    return PostExtract(
        post_id=first_text(post, psel.post_id) if psel.post_id else None,
        author=first_text(post, psel.author) if psel.author else None,
        raw_date=reading.raw if reading else None, posted_at=reading.value if reading else None,
        body=_unsigned(_body(post, psel.body, psel.exclude, psel.body_lines), psel.signature_line) if psel.body else "",
        attachments=attachments, attachment_links=len(links),
        attachment_names=download_names(post, url, attachments) if attachments else (),
        keyed_links=keyed_links(post, url))


# keyed links read from one post at most (crawler.privatebin reads at most 8 a text)
_MAX_KEYED_LINKS = 8


def keyed_links(node: Any, base: str) -> tuple[str, ...]:
    """The links of `node` whose address has a query and a fragment (a PrivateBin paste's), made
    absolute with their fragment, at most `_MAX_KEYED_LINKS`."""
    hrefs = node.xpath("(.//a/@href[contains(., '?') and contains(., '#')])[position() <= 64]").getall()
    return tuple(absolute_urls(base, [h for h in hrefs if len(h) <= 600][:_MAX_KEYED_LINKS], keep_fragment=True))


def download_names(node: Any, base: str, urls: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The names `node`'s links give the files among `urls`, as (URL, name) pairs: the name a
    browser saves the file under when the server sends no Content-Disposition (the server's still
    wins, `crawler.spiders._files.file_name`). First the HTML `download` attribute
    (`<a href="/db/src/1764366131234.txt" download="clients.txt">`): imageboards (vichan,
    LynxChan, jschan) store an upload under a number or a hash, serve it as a static file and keep
    the poster's own name there alone. Then, for a file still unnamed, the name the link shows a
    reader, its text or its `title` (`_shown_name`): wpForo stores `clients.txt` as
    `default_attachments/1764366131-clients.txt` and links it as `<a title="clients.txt">
    clients.txt</a>`; without it the file was known by its stored name. Only the links already
    selected as attachments are named, the first name given wins."""
    wanted = set(urls)
    names: dict[str, str] = {}
    if isinstance(getattr(node, "root", None), str):
        return ()
    for link in node.xpath(".//a[@download][@href]"):
        name = (link.root.get("download") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
        target = absolute_url(base, link.root.get("href") or "")
        if name and target in wanted:
            names.setdefault(target, name)
        if len(names) == len(wanted):
            break
    if len(names) < len(wanted):
        # links whose text or title is no file name cost nothing more; the others are made absolute,
        # a bounded number of them (a post of 300 000 links: `_post`'s note)
        budget = MAX_FILE_LINKS_PER_PAGE
        for link in node.xpath(".//a[@href]"):
            candidates = [c for c in (link.xpath("normalize-space(translate(., '\u00a0', ' '))").get(""),
                                      (link.root.get("title") or "").strip()) if _FILE_NAME.fullmatch(c)]
            if not candidates:
                continue
            budget -= 1
            if budget < 0:
                break
            target = absolute_url(base, link.root.get("href") or "")
            if target in wanted and target not in names:
                name = _shown_name(candidates, target)
                if name:
                    names[target] = name
                    if len(names) == len(wanted):
                        break
    return tuple(names.items())


# A file name as a link shows it: no path, no control character, an extension of letters and digits
# (anchored: it is only ever asked to fullmatch a link's text; unanchored, a search tried 240
# characters at every position of a hostile line of dots)
_FILE_NAME = re.compile(r"\A[^/\\<>:\"|?*\x00-\x1f]{1,240}\.[A-Za-z0-9]{1,10}\Z")


def _shown_name(candidates: list[str], url: str) -> str | None:
    """The first of a link's text and title that names the file at `url` otherwise than the URL's
    own last part, with the same extension: a label only, never a type (the URL's extension is
    what `attachments.extensions` is checked against before the fetch, so a link saying
    `dump.txt` cannot make a `.exe` wanted, nor the reverse)."""
    stored = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    stored = unquote(stored)
    if "." not in stored:
        return None
    ext = stored.rsplit(".", 1)[-1].lower()
    for name in candidates:
        if name != stored and name.rsplit(".", 1)[-1].lower() == ext:
            return name
    return None


def _body(post: Selector, body: str, exclude: list[str], lines: bool = False) -> str:
    """The post's body text with its `exclude` parts taken out. The parts are taken out of a copy
    of the post, then the body is selected in it; a body outside the post's container (bbPress
    prints a post as two sibling blocks, the header with its id and date, then the text: the body
    is `following-sibling::div[1]/...`) is not in that copy, so it is selected in the page and the
    parts inside it, named from the container or from the body itself, are taken out of a copy of
    it. `lines` (`post.body_lines`): the HTML's own line breaks are lines (a text shown through
    `white-space: pre-wrap`)."""
    if exclude:
        found = select(post, body)
        first = found[0].root if found else None
        if first is not None and not isinstance(first, str) and not _inside(first, post.root):
            # the parts named from the container (bbPress's `following-sibling::div[1]//blockquote`)
            # and, as the body is no part of it, those named inside the body (XMB's post is three
            # table rows: `exclude: [div.sig, table.quote]` found nothing in the first, and every
            # signature and quoted dump was read as the post's own)
            parts = [p.root for expr in exclude for p in select(post, expr)]
            parts += [p.root for expr in exclude for p in select(found[0], expr)]
            return _text_without(first, parts, lines)
    if not lines:
        return first_text(_without(post, exclude), body) or ""
    found = select(_without(post, exclude), body)
    if not found:
        return ""
    root = found[0].root
    return root.strip() if isinstance(root, str) else element_text(root, keep_lines=True)


def _inside(el: Any, ancestor: Any) -> bool:
    node = el
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def _text_without(root: Any, parts: list[Any], lines: bool = False) -> str:
    """The text of `root` without those of `parts` that are inside it, on a copy (each part found in
    the copy by its path of child positions from `root`); `lines` as `_body`'s."""
    paths = []
    for part in parts:
        path, node = [], part
        while not isinstance(node, str) and node is not root and node.getparent() is not None:
            parent = node.getparent()
            path.append(parent.index(node))
            node = parent
        if node is root and path:
            paths.append(path[::-1])
    copy = deepcopy(root)
    targets = []
    for path in paths:
        node = copy
        for index in path:
            node = node[index]
        targets.append(node)
    for target in targets:
        if target.getparent() is not None:
            _take_out(target)
    return element_text(copy, keep_lines=lines)


# A signature's size at most, in lines and characters, for `post.signature_line`: engines cap it
# (phpBB 2: 255 characters by default, vBulletin 3 a few lines); what follows the line is kept
# when longer, so a separator typed in a post cannot hide the dump after it.
_SIGNATURE_LINES = 10
_SIGNATURE_CHARS = 1000


def _unsigned(body: str, signature_line: str | None) -> str:
    """`body` without the signature the engine appended to it after a line matching
    `signature_line` (the last such line), when what follows is a signature's size."""
    if not signature_line or not body:
        return body
    lines = body.split("\n")
    pattern = compile_pattern(signature_line)
    # Only the lines that can open a signature are asked, from the end: past a signature's size
    # no earlier line can, and a line over it is no separator. The operator's pattern met every
    # line of every post whatever its length, and a pattern that backtracks (`_{5,}\s*$`, not
    # anchored) took 3 s on one post's 20 kB line of underscores, hours on a megabyte: any
    # member of a forum stalled its whole crawl with one post (attacker's review, round 15).
    tail_chars = 0
    for n in range(len(lines) - 1, max(-1, len(lines) - 2 - _SIGNATURE_LINES), -1):
        line = lines[n].strip()
        if len(line) <= _SIGNATURE_CHARS and pattern.search(line):
            if tail_chars <= _SIGNATURE_CHARS:
                return "\n".join(lines[:n]).rstrip()
            return body
        tail_chars += len(lines[n])
        if tail_chars > _SIGNATURE_CHARS:
            return body
    return body


def _without(post: Selector, exclude: list[str]) -> Selector:
    """The post with its `exclude` parts taken out, on a copy (the page itself stays whole)."""
    if not exclude:
        return post
    copy = Selector(root=deepcopy(post.root), type="html")
    for expr in exclude:
        for part in select(copy, expr):
            # the whole post is not a part of it; a text or an attribute (`::text`, `@x`) is not
            # an element to take out (parsel refused to, and every thread page failed)
            if part.root is not copy.root and not isinstance(part.root, str) and part.root.getparent() is not None:
                _take_out(part.root)
    return copy


def extract_forum_page(source: SourceConfig, html: str | bytes, url: str,
                       fetched_at: datetime | None = None) -> ForumPage:
    """Every selector of a forum `source` applied to one page (listing or thread alike), for
    `vigie source try`. Relative dates are read against `fetched_at` (default: now)."""
    forum = source.forum
    if forum is None:
        raise ValueError(f"source {source.name!r} is a {source.kind} source: it has no forum selectors")
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    page = json_page_selector(text) if forum.post.from_json is not None else None
    page = html_selector(text) if page is None else page
    when = fetched_at or datetime.now(UTC)
    reading = read_posts(page, url, forum, when)
    posts = reading.posts
    boards = absolute_urls(page_base(page, url), all_values(page, forum.board_links)) if forum.board_links else []
    threads = page_threads(page, url, forum)
    return ForumPage(
        url=url, boards=boards,
        board_title=first_text(page, forum.board_title) if forum.board_title else None,
        threads=threads, classified_twice=classified_twice(boards, [t.url for t in threads]),
        next_page=next_link(page, url, forum.next_page, forum.next_link_texts),
        thread_next_page=next_link(page, url, forum.thread_next_page, forum.next_link_texts),
        more_links=(absolute_urls(page_base(page, url), all_values(page, forum.thread_more_links))
                    if forum.thread_more_links and posts else []),
        thread_key=first_page_url(page, url, forum, source.follow.session_params) if posts else None, posts=posts,
        json_title=reading.title,
        page_title=first_text(page, forum.thread_page_title) if forum.thread_page_title and posts else None,
        json_problems=reading.problems)
