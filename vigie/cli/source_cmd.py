"""`vigie source try NAME [URL]`: a selector workbench, the part `scrapy shell` plays for Scrapy users.

Why it exists: writing a source's YAML used to mean running crawls and reading the code to see
why nothing came out. This fetches one page exactly as a crawl would (crawler.fetch: the source's
network, Tor isolation, cookies, login) — or reads a saved page (`--html`) — and shows what each
selector extracts, through the crawl's own extraction functions (crawler.spiders.extract), so
what the operator sees is what the crawl will do. A selector that matches nothing is shown as
such, never as an empty success.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from vigie.cli.common import EXIT_CONFIG, EXIT_FAILURE, ConfigDir, DataDir, console, fail, require_keys, runtime
from vigie.cli.common import shown as safe
from vigie.cli.source_cookies import source_app
from vigie.core.text import json_text

if TYPE_CHECKING:
    from crawler.spiders.extract import ForumPage
    from vigie.config.schema import ForumSelectors, SourceConfig

__all__ = ["SelectorCount", "selector_counts", "try_source"]


@dataclass(frozen=True)
class SelectorCount:
    """How many times one configured selector matched on the page (posts: how many posts had it)."""

    name: str
    selector: str
    matches: int


def selector_counts(forum: ForumSelectors, html: str, page: ForumPage) -> list[SelectorCount]:
    """Every selector the source configures, with what it matched on this page."""
    from crawler._markup import html_selector
    from crawler.spiders._base import select
    doc = html_selector(html)
    out: list[SelectorCount] = []

    def add(name: str, expr: str | None, matches: int) -> None:
        if expr:
            out.append(SelectorCount(name, expr, matches))

    add("board_links", forum.board_links, len(page.boards))
    add("board_title", forum.board_title, int(page.board_title is not None))
    add("thread_rows", forum.thread_rows, len(select(doc, forum.thread_rows)) if forum.thread_rows else 0)
    add("thread_link", forum.thread_link, len(page.threads))
    add("thread_title", forum.thread_title, sum(t.title is not None for t in page.threads))
    add("thread_page_title", forum.thread_page_title, int(page.page_title is not None))
    add("thread_marker", forum.thread_marker, sum(t.marker is not None for t in page.threads))
    add("thread_board", forum.thread_board, sum(t.board is not None for t in page.threads))
    add("next_page", forum.next_page or _texts(forum), int(page.next_page is not None))
    add("thread_next_page", forum.thread_next_page or _texts(forum), int(page.thread_next_page is not None))
    add("thread_more_links", forum.thread_more_links, len(page.more_links))
    add("thread_canonical", forum.thread_canonical,
        len(select(doc, forum.thread_canonical)) if forum.thread_canonical else 0)
    add("thread_first_page", forum.thread_first_page,
        len(select(doc, forum.thread_first_page)) if forum.thread_first_page else 0)
    psel = forum.post
    add("post.container", psel.container, len(page.posts))
    add("post.post_id", psel.post_id, sum(p.post_id is not None for p in page.posts))
    add("post.author", psel.author, sum(p.author is not None for p in page.posts))
    add("post.date", psel.date.selector if psel.date else None, sum(p.raw_date is not None for p in page.posts))
    add("post.body", psel.body, sum(bool(p.body) for p in page.posts))
    add("post.exclude", " | ".join(psel.exclude) or None,  # the parts left out of the bodies
        sum(len(select(post, expr)) for post in select(doc, psel.container) for expr in psel.exclude))
    add("post.attachments", psel.attachments, sum(len(p.attachments) for p in page.posts))
    # the page's JSON: its posts when it was read whole, 0 when not (`json_unread`, its reason in the log)
    add("post.from_json.source", psel.from_json.source if psel.from_json else None,
        0 if page.json_problems else len(page.posts))
    return out


def _texts(forum: ForumSelectors) -> str | None:
    return "link text " + " | ".join(repr(t) for t in forum.next_link_texts) if forum.next_link_texts else None


def try_source(source: SourceConfig, html: str, url: str, fetched_at: datetime, *, lines: int = 3,
               logged_in: bool | None = None) -> dict[str, Any]:
    """What `source`'s selectors extract from one page, as the JSON `--json` prints."""
    from crawler.spiders.extract import extract_forum_page
    if source.forum is None:
        raise ValueError(f"source {source.name!r} is a {source.kind} source: `vigie source try` reads forum "
                         "sources only")
    page = extract_forum_page(source, html, url, fetched_at)
    counts = selector_counts(source.forum, html, page)
    return {
        "source": source.name, "url": url, "fetched_at": fetched_at.isoformat(), "logged_in": logged_in,
        "selectors": [{"name": c.name, "selector": c.selector, "matches": c.matches} for c in counts],
        "boards": page.boards, "board_title": page.board_title,
        "threads": [{"url": t.url, "title": t.title, "marker": t.marker} for t in page.threads],
        "next_page": page.next_page, "thread_next_page": page.thread_next_page, "thread_key": page.thread_key,
        "thread_page_title": page.page_title,
        "posts": [{"post_id": p.post_id, "author": p.author, "raw_date": p.raw_date,
                   "posted_at": p.posted_at.isoformat() if p.posted_at else None,
                   "date_unparsed": p.date_unparsed, "lines": p.body.count("\n") + 1 if p.body else 0,
                   "first_lines": [ln for ln in p.body.splitlines() if ln.strip()][:lines],
                   "attachments": list(p.attachments)} for p in page.posts],
        "warnings": _warnings(page),
        # the pages `thread_more_links` names here (a source without it shows no such key)
        **({"more_links": page.more_links} if source.forum.thread_more_links else {}),
    }


def _warnings(page: ForumPage) -> list[str]:
    """What the operator should fix though every selector matched: links taken both as boards
    and as threads, the page's JSON not read (`post.from_json`), posts whose body is empty."""
    out = []
    if page.classified_twice:
        out.append(f"{len(page.classified_twice)} link(s) selected both by board_links and by thread_link "
                   f"(first: {page.classified_twice[0]}): the crawl reads such a URL as one or the other, "
                   "whichever it meets first; narrow one of the two selectors")
    out += [f"post.from_json not used on this page: {problem}" for problem in page.json_problems]
    empty = [p.post_id or f"#{n + 1}" for n, p in enumerate(page.posts) if not p.body.strip()]
    if empty:  # the crawl stores such a post with no text: nothing in it is ever scanned
        out.append(f"{len(empty)} of {len(page.posts)} post(s) have an empty body ({', '.join(empty[:5])}): "
                   "post.body selects nothing or an empty element in them, or a post.exclude selector takes "
                   "out the whole body (one that matches an element around it: anchor it inside the body)")
    return out


def _print(result: dict[str, Any]) -> None:
    login = {None: "", True: ", logged in", False: ", NOT logged in"}[result["logged_in"]]
    console.print(f"[bold]{escape(result['source'])}[/] on {safe(result['url'])} "
                  f"(fetched {result['fetched_at']}{login})", soft_wrap=True)
    table = Table(title="selectors", header_style="bold")
    for col in ("field", "selector", "matches"):
        table.add_column(col, justify="right" if col == "matches" else "left")
    for sel in result["selectors"]:
        shown = str(sel["matches"]) if sel["matches"] else "[bold red]matched nothing[/]"
        table.add_row(sel["name"], escape(sel["selector"]), shown)
    console.print(table)
    if result["boards"]:
        console.print(f"[bold]boards[/] ({len(result['boards'])}):")
        for b in result["boards"]:
            console.print(f"  {safe(b)}", soft_wrap=True)
    if result["threads"]:
        threads = Table(title=f"threads ({len(result['threads'])})", header_style="bold")
        for col in ("title", "marker", "link"):
            threads.add_column(col)
        for t in result["threads"]:
            # what the page wrote: no markup, no terminal controls (common.shown)
            threads.add_row(safe(t["title"]), safe(t["marker"]), safe(t["url"]))
        console.print(threads)
    labels = ["next_page", "thread_next_page", "thread_key"]
    if result["thread_page_title"]:  # a thread page of a source that reads its title there
        labels.append("thread_page_title")
    for label in labels:
        value = result[label]
        console.print(f"[bold]{label.replace('_', ' ')}:[/] {safe(value) if value else '[dim]none[/]'}",
                      soft_wrap=True)
    if result["posts"]:
        console.print(f"[bold]posts ({len(result['posts'])})[/]")
    for p in result["posts"]:
        when = p["posted_at"] or ("[bold red]date NOT PARSED[/]" if p["date_unparsed"] else "[dim]no date[/]")
        console.print(f"[bold]{safe(p['post_id'])}[/]  by {safe(p['author'])}  "
                      f"{safe(repr(p['raw_date'])) if p['raw_date'] else '-'} -> {when}", soft_wrap=True)
        for line in p["first_lines"] or ["[bold red](empty body)[/]"]:
            console.print(f"    {safe(line[:160]) if p['first_lines'] else line}", soft_wrap=True)
        if p["lines"] > len(p["first_lines"]):
            console.print(f"    [dim]... {p['lines']} lines in all[/]")
        for href in p["attachments"]:
            console.print(f"    attachment: {safe(href)}", soft_wrap=True)
    for warning in result["warnings"]:
        console.print(f"[bold yellow]warning:[/] {safe(warning)}", soft_wrap=True)


def _print_paste(result: dict[str, Any]) -> None:
    console.print(f"[bold]{escape(result['source'])}[/] on {safe(result['url'])} ({result['page']} page, "
                  f"fetched {result['fetched_at']})", soft_wrap=True)
    for sel in result["selectors"]:
        shown = str(sel["matches"]) if sel["matches"] else "[bold red]matched nothing[/]"
        console.print(f"  {sel['name']}: {escape(sel['selector'])} -> {shown}", soft_wrap=True)
    for p in result["pastes"]:
        when = f" {safe(p.get('raw_date'))!r} -> {p.get('posted_at') or '[bold red]NOT PARSED[/]'}" \
            if p.get("raw_date") else ""
        console.print(f"[bold]{safe(p['id'])}[/] {safe(p['title']) if p['title'] else ''}{when} read from "
                      f"{safe(p['read_from'])}", soft_wrap=True)
        for line in p["first_lines"]:
            console.print(f"    {safe(line[:160])}", soft_wrap=True)
        if p["lines"] is not None and p["lines"] > len(p["first_lines"]):
            console.print(f"    [dim]... {p['lines']} lines in all[/]")
    if result["page"] == "listing":
        console.print(f"[bold]next page:[/] {safe(result['next_page']) if result['next_page'] else '[dim]none[/]'}",
                      soft_wrap=True)
    if not result["pastes"]:
        console.print("[bold red]no paste found on this page[/]")
    for warning in result["warnings"]:
        console.print(f"[bold yellow]warning:[/] {safe(warning)}", soft_wrap=True)


@source_app.command("try")
def try_cmd(
    name: Annotated[str, typer.Argument(help="The source's name (config/sources/NAME.yaml).")],
    url: Annotated[str | None, typer.Argument(help="The page to fetch (default: the first start URL).")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Read this saved page instead of fetching one.",
                                              exists=True, dir_okay=False, readable=True)] = None,
    page_url: Annotated[str | None, typer.Option(
        "--url", help="With --html: the page's address (default: its canonical link).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (for scripts).")] = False,
    lines: Annotated[int, typer.Option("--lines", min=1, help="Body lines shown per post.")] = 3,
    tor_socks: Annotated[str | None, typer.Option(
        "--tor-socks", help="Tor SOCKS HOST:PORT (default: vigie.yaml tor.*).")] = None,
    config: ConfigDir = Path("config"),
    data_dir: DataDir = Path("data"),
) -> None:
    """Show what each selector of a source extracts from one page: write a source in minutes.

    The page is fetched as a crawl fetches it (the source's network, Tor included, its cookies
    and its login), or read from a saved file with --html. Shown: boards, threads and next links
    with counts; each post's author, date as printed and as read (UTC), and its first body lines
    as the crawl's text model renders them; attachments. A selector that matches nothing says so.
    Nothing is stored and the crawl state is not touched. Exits 1 when no selector matched.

    Example:  vigie source try example-forum http://exampleforum...onion/viewtopic.php?t=3
    """
    from w3lib.encoding import html_to_unicode

    from crawler._markup import html_selector
    from crawler.cookies import cookie_jar_path, load_jar
    from crawler.fetch import fetch_page
    from crawler.spiders.paste import paste_preview
    from vigie import wiring
    from vigie.cli.crawl import _socks

    rt = runtime(config, data_dir)
    source = rt.config.sources.get(name)
    if source is None:
        fail(f"no source named {name!r} in {config}/sources/ (known: {', '.join(sorted(rt.config.sources)) or 'none'})",
             EXIT_CONFIG)
    if source.forum is None and source.paste is None:
        fail(f"source {name} is a {source.kind} source: `vigie source try` reads forum and paste sources only",
             EXIT_CONFIG)
    logged_in: bool | None = None
    if html is not None:
        # a page saved as served keeps its charset (windows-1251, GBK, ISO-8859-1): read as the crawl
        # reads it (BOM, then <meta charset>, else UTF-8), not always as UTF-8
        text = html_to_unicode(None, html.read_bytes())[1]
        where = page_url or url or html_selector(text).css("link[rel=canonical]::attr(href)").get()
        if not where:
            fail(f"{html} has no canonical link: give the page's address with --url", EXIT_CONFIG)
        fetched_at = datetime.fromtimestamp(os.stat(html).st_mtime, UTC)  # relative dates: when it was saved
    else:
        where = url or source.start_urls[0]
        socks = _socks(tor_socks)
        jar = None
        jar_file = cookie_jar_path(data_dir, source.name)
        if jar_file.exists():
            require_keys(rt, match=False, data=True)
            jar = load_jar(jar_file, rt.data_key, source.name)
        tor = wiring.start_tor(rt.config.global_config.tor, data_dir,
                               needed=source.network == "tor" and socks is None,
                               peers=wiring.trusted_peers(rt.config))
        if tor is not None and tor.auto_ports:  # the configured ports were taken: our tor chose its own
            socks = (tor.settings.socks_host, tor.settings.socks_port)
        try:
            fetched = fetch_page(source, rt.config.global_config, where, tor_socks=socks, cookie_jar=jar)
        finally:
            if tor is not None:
                tor.close()
        text, where, fetched_at, logged_in = fetched.html, fetched.url, fetched.fetched_at, fetched.logged_in
    if source.paste is not None:  # a paste site: its listing's links, or a paste's id and text
        result = {"source": source.name, "url": where, "fetched_at": fetched_at.isoformat(), "logged_in": logged_in,
                  **paste_preview(source, text, where, lines=lines)}
        if result["page"] == "paste" and result["pastes"] and "#" in where and result["pastes"][0]["url"] != where:
            result["url"] = result["pastes"][0]["url"]  # a PrivateBin link: shown without its key
        if as_json:
            print(json_text(result))
        else:
            _print_paste(result)
        if not result["pastes"]:
            raise typer.Exit(EXIT_FAILURE)
        return
    result = try_source(source, text, where, fetched_at, lines=lines, logged_in=logged_in)
    if as_json:
        print(json_text(result))
    else:
        _print(result)
    if not any(s["matches"] for s in result["selectors"]):
        if not as_json:
            console.print("[bold red]no selector of the source matched anything on this page[/]")
        raise typer.Exit(EXIT_FAILURE)
