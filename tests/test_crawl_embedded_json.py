"""Post fields read from JSON a page embeds (`post.from_json`, docs/sources.md "Posts in the page's
JSON"): the path language, its bounds on hostile JSON, and real `vigie crawl` runs over pages
served on 127.0.0.1: a JSON-LD forum (schema.org DiscussionForumPosting with its comments, the
shape Invision Community and XenForo print) whose HTML prints no date, paired with the posts by
key; the same forum's thread pages with huge, deep, malformed and missing JSON (every post still
read from the HTML, each page counted as `json_unread`); Flarum's pages read from its JSON:API
payload alone (`pair: records`, the author joined from `included`).

All names, addresses and numbers are synthetic."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from tests.fixtures.engine_pages import EnginePages
from tests.fixtures.forum import crawl
from tests.test_engine_markup_probe import _config, _mismatches
from vigie.config.schema import SourceConfig
from vigie.core.jsonpath import MAX_JSON_CHARS, JsonPathError, JsonUnreadable, compile_path, load_json
from vigie_kit.forum_engines import EngineServer, Page, Request

# ------------------------------------------------------------------ the path language

FLARUM = {"apiDocument": {"data": {"type": "discussions", "id": "12", "attributes": {"title": "Fuite"}},
                          "included": [
                              {"type": "users", "id": "2", "attributes": {"username": "alice"}},
                              {"type": "posts", "id": "101", "attributes": {"number": 1, "contentType": "comment"},
                               "relationships": {"user": {"data": {"type": "users", "id": "2"}}}},
                              {"type": "posts", "id": "102", "attributes": {"number": 2,
                                                                            "contentType": "discussionRenamed"},
                               "relationships": {"user": {"data": {"type": "users", "id": "3"}}}},
                              {"type": "users", "id": "3", "attributes": {"username": "bob"}}]}}


def test_paths_filter_join_and_parse() -> None:
    posts = compile_path("apiDocument.included[type=posts]").values(FLARUM, FLARUM)
    assert [p["id"] for p in posts] == ["101", "102"]
    comments = compile_path("apiDocument.included[type=posts][attributes.contentType=comment]").values(FLARUM, FLARUM)
    assert [p["id"] for p in comments] == ["101"]
    author = compile_path("$.apiDocument.included[type=users][id=@relationships.user.data.id].attributes.username")
    assert [author.first_text(p, FLARUM) for p in posts] == ["alice", "bob"]
    assert compile_path("attributes.number").first_text(posts[0], FLARUM) == "1"  # a number as text
    assert compile_path("$.apiDocument.data.attributes.title").first_text({}, FLARUM) == "Fuite"
    assert compile_path("[type!=users].id").values(FLARUM["apiDocument"]["included"], None) == ["101", "102"]
    # Discourse's data-preloaded: an object of JSON texts under keys named after the topic
    preloaded = {"site": "{}", "topic_12": json.dumps({"post_stream": {"posts": [{"id": 7}, {"id": 8}]}})}
    assert compile_path("topic_*.json().post_stream.posts[*].id").values(preloaded, preloaded) == [7, 8]
    # JSON-LD: the posting and its comments, `@type` a key like any other (a list of types matches)
    ld = {"@type": ["DiscussionForumPosting"], "text": "a", "comment": [{"@type": "Comment", "text": "b"}]}
    records = compile_path("$[@type=DiscussionForumPosting] | comment[*]").values(ld, ld)
    assert [r["text"] for r in records] == ["a", "b"]
    assert compile_path('"a.b"[-1]').values({"a.b": [1, 2]}, None) == [2]


@pytest.mark.parametrize("bad", ["", "a[", "a[x]", "a]b", "a b[0", "$$"])
def test_a_path_that_does_not_parse_is_refused_at_load(bad: str) -> None:
    with pytest.raises(JsonPathError):
        compile_path(bad)


def test_a_source_with_a_broken_path_or_pairing_does_not_load() -> None:
    base: dict[str, Any] = {"name": "s", "kind": "forum", "start_urls": ["http://x.onion/"],
                            "schedule": {"interval": "1h"},
                            "forum": {"thread_link": "a::attr(href)",
                                      "post": {"container": "article", "body": "div",
                                               "from_json": {"source": "script::text", "records": "a[", "date": "d"}}}}
    with pytest.raises(ValidationError, match="never closed"):
        SourceConfig.model_validate(base)
    base["forum"]["post"]["from_json"] = {"source": "script::text", "pair": "key", "date": "d"}
    with pytest.raises(ValidationError, match="html_key"):
        SourceConfig.model_validate(base)
    base["forum"]["post"]["from_json"] = {"source": "script::text", "date": "d"}
    del base["forum"]["post"]["body"]
    with pytest.raises(ValidationError, match="post.body is required"):
        SourceConfig.model_validate(base)


@pytest.mark.parametrize(("text", "why"), [
    ("[" * 100_000, "nested deeper"),
    ("[" * 65 + "]" * 65, "nested deeper"),
    ('{"a": ' * 70 + "1" + "}" * 70, "nested deeper"),
    ("[" + "1," * (MAX_JSON_CHARS // 2) + "1]", "more than"),
    ('{"a": 1', "not JSON"),
    ("<p>no JSON here</p>", "not JSON"),
    ("   ", "empty"),
])
def test_hostile_json_is_a_clear_refusal_fast(text: str, why: str) -> None:
    started = time.monotonic()
    with pytest.raises(JsonUnreadable, match=why):
        load_json(text)
    assert time.monotonic() - started < 2.0
    # brackets inside strings are no nesting
    assert load_json(json.dumps({"t": "[" * 500})) == {"t": "[" * 500}


def test_a_json_step_on_no_json_text_is_unreadable() -> None:
    with pytest.raises(JsonUnreadable):
        compile_path("a.json()").values({"a": "{oops"}, None)
    with pytest.raises(JsonUnreadable):
        compile_path("a.json()").values({"a": 3}, None)


def test_a_lone_surrogate_in_the_json_is_no_crash() -> None:
    """JSON may escape a lone surrogate (`"\\ud800"`), which no UTF-8 holds: the HTML parser of
    a JSON body raised UnicodeEncodeError and the page failed (found by a random run over
    records of hostile values). It is read as U+FFFD."""
    from crawler.spiders.extract import extract_forum_page

    source = SourceConfig.model_validate({
        "name": "s", "kind": "forum", "start_urls": ["http://x.onion/"], "schedule": {"interval": "1h"},
        "forum": {"thread_link": "a::attr(href)", "post": {
            "container": "script#p",
            "from_json": {"source": "script#p::text", "pair": "records", "records": "posts[*]", "body": "b",
                          "author": "a", "post_id": "id"}}}})
    payload = '{"posts": [{"id": 7, "a": "al\\ud800ice", "b": "<p>te\\udfffxt</p>"}]}'
    html = f"<html><body><script id=p>{payload}</script></body></html>"
    page = extract_forum_page(source, html, "http://x.onion/d/1")
    assert [(p.post_id, p.author, p.body) for p in page.posts] == [("7", "al\ufffdice", "te\ufffdxt")]


# ------------------------------------------------------------------ a JSON-LD forum, crawled

LISTING = """<!DOCTYPE html><html lang="en"><head><title>Leaks - Board</title></head><body>
<h1>Leaks</h1><ol class="ipsDataList">{rows}</ol></body></html>"""
ROW = '<li class="ipsDataItem"><a class="topic" href="/topic/{tid}-{slug}/">{title}</a></li>'
TOPIC = """<!DOCTYPE html><html lang="en"><head><title>{title} - Leaks</title>
<script type="application/ld+json">{{"@context": "http://schema.org", "@type": "BreadcrumbList",
 "itemListElement": [{{"@type": "ListItem", "position": 1, "name": "Leaks"}}]}}</script>
<script type="application/ld+json">{ld}</script></head><body>
<h1 class="ipsType_pageTitle">{title}</h1>
{articles}
{next}
</body></html>"""
ARTICLE = """<article id="elComment_{pid}" class="cPost ipsBox">
 <aside class="cAuthorPane"><h3 class="cAuthorPane_author"><a href="/profile/9-{author}/">{author}</a></h3></aside>
 <div class="cPost_contentWrap"><p class="ipsType_reset ipsType_light">Posted {shown}</p>
 <div data-role="commentContent" class="ipsType_richText"><p>{text}</p></div></div>
</article>"""

# (topic, page): posts as (id, author, instant ISO with the site's offset, text)
POSTS: dict[tuple[int, int], list[tuple[int, str, str, str]]] = {
    (12, 1): [(101, "alice", "2026-11-28T23:42:11+01:00", "Base clients exemple-boutique, extrait joint."),
              (102, "bob", "2026-11-29T07:15:00+01:00", "Lignes valides, merci.")],
    (12, 2): [(103, "carol", "2026-11-30T15:04:00+01:00", "La suite du fichier existe ?")],
    (13, 1): [(201, "dave", "2026-12-01T09:05:30+01:00", "Combo FR, echantillon sur demande.")],
}
TITLES = {12: "Fuite clients exemple-boutique", 13: "Combo list FR"}


def _ld(topic: int, page: int, override: str | None) -> str:
    """The JSON-LD of a topic page: the topic's first post as the posting (on every page, as
    the engines print it) and this page's other posts as its comments."""
    if override is not None:
        return override
    first = POSTS[(topic, 1)][0]

    def record(post: tuple[int, str, str, str], kind: str) -> dict[str, Any]:
        pid, author, at, text = post
        return {"@type": kind, "url": f"/topic/{topic}-t/?do=findComment&comment={pid}",
                "author": {"@type": "Person", "name": author}, "datePublished": at, "text": text}

    doc = {"@context": "http://schema.org", **record(first, "DiscussionForumPosting"), "headline": TITLES[topic],
           "comment": [record(p, "Comment") for p in POSTS[(topic, page)] if p != first]}
    return json.dumps(doc).replace("</", "<\\/")


class JsonLdForum:
    """A board of two topics (one of two pages) printing relative dates no format reads
    ("a while ago"): the instants are only in the page's JSON-LD. `broken` replaces the JSON-LD of
    every topic page with what a hostile or broken site serves."""

    data: Any = None

    def __init__(self, broken: str | None = None, *, with_html_dates: bool = False) -> None:
        self.broken = broken
        self.with_html_dates = with_html_dates

    def truth(self, base: str) -> dict[str, Any]:
        return {"posts": POSTS}  # EngineView's member; the tests compare with POSTS themselves

    def handle(self, req: Request) -> Page:
        path = req.path
        if path == "/forum/1-leaks/":
            rows = "".join(ROW.format(tid=t, slug="t", title=TITLES[t]) for t in TITLES)
            return Page(200, LISTING.format(rows=rows))
        for topic in TITLES:
            for page in (1, 2):
                suffix = "" if page == 1 else "page/2/"
                if path == f"/topic/{topic}-t/{suffix}" and (topic, page) in POSTS:
                    articles = "\n".join(ARTICLE.format(
                        pid=pid, author=author, text=text,
                        shown=f'<time datetime="{at}">a while ago</time>' if self.with_html_dates else "a while ago")
                        for pid, author, at, text in POSTS[(topic, page)])
                    more = (topic, page + 1) in POSTS
                    nxt = f'<a rel="next" href="/topic/{topic}-t/page/2/">Next</a>' if more else ""
                    body = TOPIC.format(title=TITLES[topic], ld=_ld(topic, page, self.broken), articles=articles,
                                        next=nxt)
                    return Page(200, body)
        return Page(404, "<html><body>Not found</body></html>")


def _source(directory: Path, base: str, from_json: dict[str, Any] | None, *, html_date: bool = False) -> Path:
    post: dict[str, Any] = {"container": "article.cPost", "post_id": "::attr(id)", "author": "h3.cAuthorPane_author a",
                            "body": "div[data-role=commentContent]"}
    if html_date:
        post["date"] = {"selector": "p.ipsType_light time"}
    if from_json is not None:
        post["from_json"] = from_json
    source = {"name": "jsonld", "kind": "forum", "network": "direct", "start_urls": [base + "/forum/1-leaks/"],
              "schedule": {"interval": "1h"},
              "limits": {"delay_seconds": 0, "autothrottle": False, "concurrency": 4, "timeout_seconds": 20,
                         "retry_backoff_seconds": 0.2, "retries": 0},
              "forum": {"thread_rows": "ol.ipsDataList > li", "thread_link": "a.topic::attr(href)",
                        "thread_title": "a.topic", "next_link_texts": ["Next"], "post": post}}
    (directory / "sources").mkdir(parents=True, exist_ok=True)
    (directory / "sources" / "jsonld.yaml").write_text(yaml.safe_dump(source), encoding="utf-8")
    (directory / "vigie.yaml").write_text("storage:\n  backend: embedded\n", encoding="utf-8")
    return directory


LD_FIELDS = {"source": "script[type='application/ld+json']::text", "records": "$[@type=DiscussionForumPosting] | "
             "comment[*]", "pair": "key", "html_key": "::attr(id)", "record_key": "url", "key_pattern": r"(\d+)$",
             "date": "datePublished", "author": "author.name", "thread_title": "$.headline"}


def _by_id(posts: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {int(str(p["post_id"]).removeprefix("elComment_")): p for p in posts}


def test_json_ld_dates_paired_by_key(tmp_path: Path) -> None:
    with EngineServer(JsonLdForum()) as server:
        run = crawl(_source(tmp_path / "config", server.url.rstrip("/"), LD_FIELDS), tmp_path / "data", "jsonld")
    assert run.returncode == 0, run.stderr[-3000:]
    got = _by_id(run.posts())
    want = {pid: (author, at) for posts in POSTS.values() for pid, author, at, _text in posts}
    assert sorted(got) == sorted(want)
    for pid, (author, at) in want.items():
        posted = datetime.fromisoformat(got[pid]["posted_at"].replace("Z", "+00:00"))
        assert posted == datetime.fromisoformat(at), (pid, got[pid]["posted_at"], at)
        assert got[pid]["author"] == author
    assert not any(run.summary["failures"].values()), run.summary["failures"]


HOSTILE = {
    "huge": '{"@type": "DiscussionForumPosting", "text": "' + "x" * (MAX_JSON_CHARS + 10) + '"}',
    "deep": "[" * 50_000 + "]" * 50_000,
    "malformed": '{"@type": "DiscussionForumPosting", "datePublished": "2026-11-28T23:42:11+01:00", ',
    "not_json": "window.__data = {\"a\": 1}; // a script, not JSON",
    "no_records": '{"@type": "WebPage", "name": "Leaks"}',
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_json_costs_no_post_and_is_counted(kind: str, tmp_path: Path) -> None:
    """Every post is read from the HTML (its <time datetime> date too), and each of the three
    topic pages counts one `json_unread`; the crawl finishes."""
    with EngineServer(JsonLdForum(HOSTILE[kind], with_html_dates=True)) as server:
        config = _source(tmp_path / "config", server.url.rstrip("/"), LD_FIELDS, html_date=True)
        started = time.monotonic()
        run = crawl(config, tmp_path / "data", "jsonld", timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    assert time.monotonic() - started < 90
    got = _by_id(run.posts())
    want = {pid: at for posts in POSTS.values() for pid, _author, at, _text in posts}
    assert sorted(got) == sorted(want)
    assert all(datetime.fromisoformat(got[p]["posted_at"].replace("Z", "+00:00")) == datetime.fromisoformat(at)
               for p, at in want.items())
    assert run.summary["failures"]["json_unread"] == 3, run.summary["failures"]
    assert run.summary["needs_attention"] is True and "json unread" in run.summary["attention_reason"]
    assert "Traceback" not in run.stderr


def test_records_that_do_not_pair_in_order_are_not_paired(tmp_path: Path) -> None:
    """`pair: order` with one record too many (the posting repeated on page 2): that page's
    posts keep their HTML values, none gets a neighbour's date."""
    fields = {**LD_FIELDS, "pair": "order"}
    for key in ("html_key", "record_key", "key_pattern"):
        del fields[key]
    with EngineServer(JsonLdForum(with_html_dates=False)) as server:
        run = crawl(_source(tmp_path / "config", server.url.rstrip("/"), fields), tmp_path / "data", "jsonld")
    got = _by_id(run.posts())
    assert sorted(got) == [101, 102, 103, 201]
    assert got[103]["posted_at"] is None  # page 2: 2 records (posting + comment) for 1 post
    assert got[102]["posted_at"] is not None
    assert run.summary["failures"]["json_unread"] == 1, run.summary["failures"]


# ------------------------------------------------------------------ Flarum from its payload alone

def test_flarum_posts_from_the_payload_alone(tmp_path: Path) -> None:
    """`pair: records`: the posts are the JSON:API comments of each page; author joined from
    `included`, body from contentHtml (its quote left out by `exclude`), attachment from its link."""
    view = EnginePages("flarum")
    with EngineServer(view) as server:
        config, name = _config(tmp_path / "config", "flarum", server.url)
        path = config / "sources" / f"{name}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["forum"]["post"] = {
            "container": "script#flarum-json-payload", "exclude": ["blockquote"],
            "attachments": "a[href*='/assets/files/']::attr(href)",
            "from_json": {"source": "script#flarum-json-payload::text", "pair": "records",
                          "records": "apiDocument.included[type=posts][attributes.contentType=comment]",
                          "post_id": "id", "date": "attributes.createdAt", "body": "attributes.contentHtml",
                          "author": "$.apiDocument.included[type=users][id=@relationships.user.data.id]"
                                    ".attributes.username"}}
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        run = crawl(config, tmp_path / "data", name, timeout=120)
        base = server.url
    assert run.returncode == 0, run.stderr[-3000:]
    truth = view.truth(base)
    assert _mismatches(run.posts(), truth, base) == []
    assert [f["filename"] for f in run.files()] == [truth["files"][0]["filename"]]
    assert not any(run.summary["failures"].values()), run.summary["failures"]
