"""Attacker's review, round 16: what a hostile site could still grow or slow (wave 29's fresh look).

- `crawler._depth.flatten_depth` (wave 28: a page nested past libxml2's 2,048 levels, rewritten so
  that its posts are read) scanned the whole pile of open elements (up to 512) for each end tag:
  a page opening 2,100 `<div>` and then writing `</x>` (or the end tag of any element not open)
  again and again cost ~6 µs a tag, 30 CPU-seconds for the 20 MB a page may weigh, page after
  page, the crawl's event loop held. An end tag of a name not open now costs nothing.
- The crawl state's rows left to the next crawl (attachments pending, pastes cut short, walled
  off or rate-limited) were never bounded: a site answering every attachment link with an error
  or a captcha, or every paste with a 429, added a row per link at every crawl, none ever removed,
  and each crawl of it began by reading, decrypting and requesting them all. `MAX_PENDING` rows of
  each kind a source at most; past it a new one is fetched by its own crawl, not remembered.
- Each crawled post goes through every organisation's watchlist: its domain search under `re` was
  quadratic in a run of one-letter labels (`a.a.a.…1`: 16 kB 2.5 CPU-s), and its exclusions were
  searched in the whole post again for each match of a brand inside one (a post repeating
  "orange mécanique": 100 kB 3.6 CPU-s). RE2 for the first, each exclusion's places once for the
  second.

Cheap: the functions called directly, CPU time measured; the state on a temporary file.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import crawler.state as state_mod
from crawler._depth import flatten_depth
from crawler.state import CrawlState

PILE = "<html><body>" + "<div>" * 2_100


@pytest.mark.parametrize("tail", [
    "</x>",  # a name never opened
    "</span>txt",  # a real element's name, not open, between words
    "<b></i>",  # an inline element opened, another's end tag: the pile grows to its ceiling
])
def test_end_tags_of_elements_not_open_cost_nothing(tail: str) -> None:
    """200,000 end tags under the pile (0.8 to 2 MB): before, 1.3 to 2 CPU-s each page (30 s for
    20 MB); now a tenth of that, and the page reads the same."""
    page = PILE + tail * 200_000 + "<p>le post</p></body></html>"
    start = time.thread_time()
    out, closed = flatten_depth(page)
    cpu = time.thread_time() - start
    assert closed > 0 and out.endswith("<p>le post</p></body></html>")
    assert cpu < 0.6, f"{cpu:.2f} CPU-s for {len(page):,} characters"


def test_flattening_is_the_same_as_before() -> None:
    """The count of open names changes what is scanned, not what is closed: pages of every shape
    (deep piles, end tags of open and closed names, rows and cells libxml2 closes itself) give the
    pile's end tags at the same places as the scan of the whole pile did (its code, kept here)."""
    import random

    rng = random.Random(16)
    names = ["div", "p", "td", "tr", "table", "li", "ul", "span", "b", "i", "x", "br"]
    for _ in range(12):
        page = "<div>" * rng.randint(500, 2_600) + "".join(
            rng.choice([f"<{n}>" for n in names] + [f"</{n}>" for n in names] + ["t"]) for _ in range(2_000))
        assert flatten_depth(page) == _flatten_before(page)


def _flatten_before(text: str) -> tuple[str, int]:
    """wave 28's flatten_depth (crawler._depth at 49a0e50): the scan of the whole pile per end tag."""
    import re

    from crawler._depth import _CLOSED_BY, _COMMENT_END, _FLAT, _GT, _RAW, _TAG, KEEP_DEPTH, MAX_DEPTH

    stack: list[str] = []
    inserts: list[tuple[int, str]] = []
    closed = 0
    pos, size = 0, len(text)
    while (m := _TAG.search(text, pos)) is not None:
        if m.group(2) is None:
            e = (_COMMENT_END if text.startswith("<!--", m.start()) else _GT).search(text, m.end())
            pos = e.end() if e else size
            continue
        gt = _GT.search(text, m.end())
        end = pos = gt.end() if gt else size
        name = m.group(2).lower()
        if m.group(1):
            for k in range(len(stack) - 1, -1, -1):
                if stack[k] == name:
                    del stack[k:]
                    break
            continue
        if name in _RAW:
            c = re.compile(f"(?i)</{re.escape(name)}[\\s/>]").search(text, end)
            pos = c.start() if c else size
            continue
        if name in _FLAT or text[end - 2:end] == "/>":
            continue
        while stack and name in _CLOSED_BY.get(stack[-1], ()):
            stack.pop()
        if len(stack) >= MAX_DEPTH:
            shut = stack[KEEP_DEPTH:]
            inserts.append((m.start(), "".join(f"</{n}>" for n in reversed(shut))))
            closed += len(shut)
            del stack[KEEP_DEPTH:]
        stack.append(name)
    if not inserts:
        return text, 0
    out, at = [], 0
    for where, tags in inserts:
        out += [text[at:where], tags]
        at = where
    out.append(text[at:])
    return "".join(out), closed


# -- the crawl state's rows left to the next crawl ------------------------------------------------

CAP = 60


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CrawlState:
    # the cap made small (10,000 in the product) so that the test writes a few hundred rows
    monkeypatch.setattr(state_mod, "MAX_PENDING", CAP, raising=False)
    return CrawlState(tmp_path / "crawl-state.sqlite3", "hostile")


def test_attachments_a_site_never_serves_stop_at_the_cap(state: CrawlState) -> None:
    """Three crawls of a site whose 100 new attachment links a crawl all answer 500 (they stay
    pending): before, 300 rows, all requested by the fourth crawl; now the cap, and a file done
    makes room for a new one; a pending file met again keeps its row (its cut-short count)."""
    for crawl in range(3):
        for i in range(100):
            state.file_pending(f"http://hostile.onion/file.php?id={crawl}-{i}", {"thread": {"key": "t"}})
    assert len(state.pending_files()) == CAP
    first = state.pending_files()[0][0]
    state.file_pending(first, {"thread": {"key": "t"}, "cut_short": 1}, again=True)
    assert dict(state.pending_files())[first]["cut_short"] == 1
    state.file_pending("http://hostile.onion/new.csv", {})
    assert state.file_status("http://hostile.onion/new.csv") is None  # no room: not remembered
    state.file_done(first)
    state.file_pending("http://hostile.onion/new.csv", {})
    assert state.file_status("http://hostile.onion/new.csv") == "pending"
    assert len(state.pending_files()) == CAP


@pytest.mark.parametrize("cut", [True, False], ids=["cut_short", "walled_or_rate_limited"])
def test_pastes_left_to_the_next_crawl_stop_at_the_cap(state: CrawlState, cut: bool) -> None:
    """A paste site answering every paste cut short, with a captcha or 429 (cut=False: its count
    never grows, so it was never given up): the cap holds across crawls; a paste read frees its row."""
    for i in range(CAP * 3):
        state.paste_cut(f"p{i}", {"url": f"http://paste.onion/p{i}", "title": None}, cut=cut)
    assert len(state.cut_pastes()) == CAP
    assert state.paste_cuts("p0") == int(cut)
    assert state.paste_cuts(f"p{CAP * 2}") == 0  # not remembered
    state.record_paste("p0", "h")
    state.paste_cut("fresh", {"url": "http://paste.onion/fresh"}, cut=cut)
    assert {c["url"] for c in state.cut_pastes()} >= {"http://paste.onion/fresh"}
    assert len(state.cut_pastes()) == CAP


def test_the_cap_holds_for_a_state_reopened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The count is the database's, not the crawl's: a second crawl (a new CrawlState on the same
    file) adds nothing past the cap; a state already grown past it is read up to the cap."""
    monkeypatch.setattr(state_mod, "MAX_PENDING", CAP, raising=False)
    path = tmp_path / "crawl-state.sqlite3"
    first = CrawlState(path, "hostile")
    for i in range(CAP - 10):
        first.file_pending(f"http://hostile.onion/a{i}", {})
    first.close()
    second = CrawlState(path, "hostile")
    for i in range(50):
        second.file_pending(f"http://hostile.onion/b{i}", {})
    assert len(second.pending_files()) == CAP
    other = CrawlState(path, "another_source")  # each source its own cap
    other.file_pending("http://other.onion/x.csv", {})
    assert len(other.pending_files()) == 1
    monkeypatch.setattr(state_mod, "MAX_PENDING", 20)
    third = CrawlState(path, "hostile")
    assert len(third.pending_files()) == 20


# -- a watched domain in a crawled post --------------------------------------------------------------

@pytest.mark.parametrize("run", ["a.", "A.b.", "7.", "a-b."])
def test_a_post_of_one_letter_labels_costs_the_watchlist_nothing(run: str) -> None:
    """Every crawled post of a watched forum goes through each organisation's watchlist, whose
    domain search (`\\b(label\\.)+tld\\b` under `re`) was quadratic in a run of short labels that
    ends on no top-level domain: 16 kB 2.3 to 2.6 CPU-s, a megabyte-long post hours, per
    organisation watching a domain; any member of the forum could post it. Now RE2: linear."""
    from alerts.watchlist import WatchTerms
    from vigie.config.schema import Watchlist

    terms = WatchTerms(Watchlist(domains=["example.fr"]))
    post = "voici la liste " + run * (16_000 // len(run)) + "1 fin"
    start = time.thread_time()
    assert terms.find(post) is None
    assert time.thread_time() - start < 0.3


@pytest.mark.parametrize("text,found", [
    ("la base de clients.example.fr est en vente", "clients.example.fr"),
    ("voir élodie.example.fr", "example.fr"),  # `\b` after a non-ASCII letter: as Python's `re` saw it
    ("Orange.FR et EXAMPLE.FR", "EXAMPLE.FR"),
    ("la comédie example.frérot", None),  # a top-level domain glued to a word is none
    ("un.exemple.fr, pas example.fr.st ni example.org", None),
])
def test_watched_domains_are_found_as_before(text: str, found: str | None) -> None:
    from alerts.watchlist import WatchTerms
    from vigie.config.schema import Watchlist

    hit = WatchTerms(Watchlist(domains=["example.fr"])).find(text)
    assert (hit.term if hit else None) == found


@pytest.mark.parametrize("brand,exclusion,phrase", [
    ("orange", "orange mécanique", "Orange Mécanique "),
    ("apple", "apple pie", "apple pie, "),
    ("total", "au total", "au total\n"),
])
def test_a_post_repeating_an_excluded_phrase_costs_the_watchlist_nothing(
        brand: str, exclusion: str, phrase: str) -> None:
    """A brand that is a common word has exclusions ("orange mécanique"): each match of the brand
    scanned the whole post again for them, so a post repeating the excluded phrase cost time
    quadratic in its length (100 kB 3.6 CPU-s, a megabyte six minutes, per organisation). Each
    exclusion's places are found once a text now; a mention outside them is still found, after
    25,000 inside."""
    from alerts.watchlist import WatchTerms
    from vigie.config.schema import Watchlist

    terms = WatchTerms(Watchlist(brands=[brand], exclusions=[exclusion]))
    post = phrase * (100_000 // len(phrase))
    start = time.thread_time()
    assert terms.find(post) is None
    assert time.thread_time() - start < 0.5
    hit = terms.find(post + f"et {brand} a été piratée")
    assert hit is not None and hit.term == brand
