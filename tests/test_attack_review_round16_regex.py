"""Attacker's review, round 16: an operator's pattern that backtracks exponentially, against a page.

The sources' YAML holds the operator's regexes (`follow.allow`/`deny`, a date's `pattern`,
`signature_line`, `key_pattern`, `published_pattern`, `thread_url_rewrite`, `paste_id_pattern`,
a detector's `url_pattern`), and the crawl asked them of text a site chose with Python's `re`,
which backtracks. Rounds 13 and 15 bounded the text each is asked of (512 characters, 1,000, a
URL's 2,083), enough against a quadratic pattern, not against an exponential one: `^(a+)+$` takes
2^n steps on n characters that end otherwise, so a date of 30 characters held the crawl's event
loop for minutes and one of 40 until `max_duration` (the forum unwatched, at every crawl). An
XPath selector's `re:test()` (parsel binds `re:` to EXSLT, which lxml runs with `re`) is the same
class: 9 CPU-seconds on 29 characters. Now every operator pattern runs under RE2 (linear in the
text, `vigie.core.patterns`), read as Python reads it (Unicode `\\d \\w \\s`, `$` before a final
newline, `\\Z`), and what RE2 cannot run (backreferences, lookaround, atomic and possessive
repeats, conditionals, verbose mode, EXSLT's `re:` in XPath) is refused when the file is loaded,
with its file, line, field and what to write instead.

Before the fix, each hostile case below took 1 to 5 CPU-seconds (the sizes are chosen for that;
ten characters more take a thousand times longer) and each refusal was accepted. Cheap: the
functions the spiders call, called directly; the loader on a temporary directory (~2 s in all).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from crawler.spiders._dates import _cut
from crawler.spiders.extract import _key_of, _unsigned, thread_key
from crawler.spiders.leaksite import is_published
from vigie.config.loader import check_config_dir
from vigie.config.schema import UrlRewrite
from vigie.core.patterns import PatternError, compile_pattern

# (pattern, hostile text): each takes Python's `re` 1 to 5 CPU-seconds, doubling per character
EXPONENTIAL = {
    "nested_plus": (r"^(a+)+$", "a" * 27 + "!"),
    "words_dots": (r"(\w+\.?)*@", "ab." * 22 + "!"),
    "digits": (r"(\d+)*\.$", "1" * 25 + "!"),
    "path_parts": (r"^([^/]+/?)+\.php$", "ab/" * 24),
    "cyrillic": (r"^(ж|жж)+$", "ж" * 37 + "!"),
}


def _cpu(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.thread_time()
    out = call()
    return out, time.thread_time() - start


def _follow_refuses(pattern: str, url: str) -> bool:
    from scrapy import Request
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import FollowRulesMiddleware

    mw = FollowRulesMiddleware([], [pattern], set())
    mw.stats = MemoryStatsCollector(get_crawler())
    try:
        mw.process_request(Request(url))
    except Exception:  # IgnoreRequest: refused
        return True
    return False


# each place the crawl asks an operator's pattern of a site's text, as the spiders call it
FIELDS: dict[str, Callable[[str, str], Any]] = {
    "date.pattern": lambda p, t: _cut(t, p),
    "leaksite.published_pattern": lambda p, t: is_published(p, t),
    "post.signature_line": lambda p, t: _unsigned(f"Bonjour\n{t}\nJean", p),
    "json_posts.key_pattern": lambda p, t: _key_of(t, SimpleNamespace(key_pattern=p)),  # type: ignore[arg-type]
    "thread_url_rewrite": lambda p, t: thread_key("http://forum.example/t" + t, [UrlRewrite(pattern=p, template="")]),
    "follow.deny": lambda p, t: _follow_refuses(p, "http://forum.example/t" + t),
}


# (a URL reaches its patterns percent-encoded: no Cyrillic letter there)
CASES = [(f, c) for c in EXPONENTIAL for f in FIELDS
         if not (c == "cyrillic" and f in ("thread_url_rewrite", "follow.deny"))]


@pytest.mark.parametrize("field,case", CASES)
def test_an_exponential_pattern_on_a_hostile_text_is_linear(field: str, case: str) -> None:
    """Each field, each shape of nested repeat (Latin, digits, a path, Cyrillic): milliseconds,
    and the hostile text matches nothing (as it does not under `re`, which took seconds)."""
    pattern, text = EXPONENTIAL[case]
    if field in ("thread_url_rewrite", "follow.deny"):  # asked of the whole URL: the text is its query
        text, pattern = "?" + text.replace("!", "%21"), re.sub(r"^\^", "[?]", pattern)
    out, cpu = _cpu(lambda: FIELDS[field](pattern, text))
    assert cpu < 0.25, f"{field}: {cpu:.2f} CPU-s on {len(text)} characters"
    if field == "date.pattern":
        assert out == ""
    elif field == "leaksite.published_pattern":
        assert out is False
    elif field == "json_posts.key_pattern":
        assert out is None


def test_long_hostile_texts_stay_linear() -> None:
    """The text bounds the spiders keep (512, 1,000, 2,083 characters) filled with the hostile
    shape: what would take `re` longer than the universe's age takes RE2 milliseconds."""
    for pattern, text in EXPONENTIAL.values():
        long_text = (text[:-1] * 200)[:2000] + "!"
        _, cpu = _cpu(lambda: compile_pattern(pattern).search(long_text))  # noqa: B023
        assert cpu < 0.1, f"{pattern}: {cpu:.2f} CPU-s"


# -- the same answers as Python's `re` on what operators write -----------------------------------

ORDINARY = [  # (pattern, text): patterns of the shipped and test sources, texts of their sites
    (r"(\d\d/\d\d/\d\d\(\w+\)\d\d:\d\d:\d\d)", "投稿日：24/03/02(土)12:34:56 ID:abc"),
    (r" on (.+)$", "By: alice on 3 février 2026, 14:05\n"),
    (r" on (.+)$", "By: bob on March 3, 2026, 2:05 p.m."),
    (r"le ?:\s*(.+?)\s*»", "Posté le :\xa03 mars 2026 à 10:12\u202f»"),
    (r"Добавлено: (.+?)\s+Заголовок", "Добавлено: 12 янв 2026, 10:00   Заголовок сообщения"),
    (r"/thread/(\w+)/$", "http://f.example/thread/café_42/"),
    (r"(?i)publi|leaked|released|dumped", "PUBLIÉ le 3 mars"),
    (r"(?i)publi|leaked|released|dumped", "announced"),
    (r"^-- ?$", "-- "),
    (r"^_{5,}$", "_________________"),
    (r"(\d+)$", "elComment_102"),
    (r"[?&]comment=(\d+)", "index.php?topic=5&comment=١٠٢"),  # Arabic-Indic digits are \d in `re`
    (r"^(\S+ \S+)", "12.03.2026\u00a014:05 Uhr"),
    (r"\s(\w+)\Z", "posted by Zoë"),
    (r"x{,3}y", "xxxxy"),
    (r"[^\d\s]+", "12 mars"),
    (r"action=(?:$|[^d]|d[^l])", "index.php?action=dlattach;topic=1"),
    (r"action=(?:$|[^d]|d[^l])", "index.php?action=profile"),
    (r"action=(?:$|[^d]|d[^l])", "index.php?action="),
    (r"/([A-Z2-7]+)/?$", "http://paste.example/ABC234/"),
    (r"([A-Za-z0-9_-]+)/?$", "http://paste.example/p/x_Y-9"),
]


@pytest.mark.parametrize("pattern,text", ORDINARY)
def test_ordinary_patterns_find_what_re_finds(pattern: str, text: str) -> None:
    """Unicode classes (土, février, NBSP, Cyrillic, Arabic-Indic digits), `$` before a final
    newline, `\\Z`, `{,n}`, negated classes: the same match and groups as Python's `re`."""
    want = re.search(pattern, text)
    got = compile_pattern(pattern).search(text)
    assert (got is None) == (want is None), (pattern, text)
    if want is not None:
        assert got.group(0) == want.group(0)
        assert got.groups() == want.groups()
        assert got.span() == want.span()


@pytest.mark.parametrize("pattern,template,url", [
    (r"([?&])s=[0-9a-f]{32}&?", r"\1", "http://f.example/t.php?s=" + "ab" * 16 + "&t=7"),
    (r"/post/(\d+)/(\d+)$", r"/t/\1", "http://f.example/post/12/3"),
    (r"&extra=page%3D\d+", "", "http://f.example/viewthread.php?tid=4&extra=page%3D2"),
    (r"(?P<board>\w+)/(?P<n>\d+)", r"\g<board>-\g<n>", "http://f.example/forum/42"),
])
def test_rewrites_write_what_re_sub_writes(pattern: str, template: str, url: str) -> None:
    assert compile_pattern(pattern).sub(template, url, count=1) == re.sub(pattern, template, url, count=1)


# -- refused at load, with file, line, field and what to write instead --------------------------

FORUM = """\
name: s
network: direct
start_urls: ["http://forum.example/"]
schedule:
  interval: 1h
forum:
  thread_link: "a.thread::attr(href)"
  post:
    container: "div.post"
    body: ".content"
    signature_line: {signature}
    date:
      selector: ".date"
      pattern: {date}
follow:
  deny: [{deny}]
"""
ORDINARY_FORUM = {"signature": "^-- ?$", "date": " on (.+)$", "deny": "action=(?:$|[^d]|d[^l])"}


def _forum(**values: str) -> str:
    """The forum source with these patterns, each a YAML double-quoted scalar (JSON's escapes)."""
    return FORUM.format(**{k: json.dumps(v) for k, v in {**ORDINARY_FORUM, **values}.items()})


def _problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "sources").mkdir(parents=True, exist_ok=True)
    (tmp_path / "sources" / "s.yaml").write_text(text)
    loaded, problems = check_config_dir(tmp_path, env={})
    assert (loaded is None) == bool(problems)
    return [str(p) for p in problems]


@pytest.mark.parametrize("field,line,value,reason", [
    ("follow.deny", 16, r"(\w+)=\1", "backreference"),
    ("follow.deny", 16, r"action=(?!dlattach)", "lookahead or lookbehind"),
    ("post.date.pattern", 14, r"(?<=on )(.+)", "lookahead or lookbehind"),
    ("post.date.pattern", 14, r"(?P<d>\d+)/(?P=d)", "backreference"),
    ("post.signature_line", 11, r"(?x) ^ -- $", "verbose mode"),
    ("post.signature_line", 11, r"(?>_+)$", "atomic group"),
])
def test_a_pattern_re2_cannot_run_is_refused_naming_file_line_field(
        tmp_path: Path, field: str, line: int, value: str, reason: str) -> None:
    key = {"follow.deny": "deny", "post.date.pattern": "date", "post.signature_line": "signature"}[field]
    problems = _problems(tmp_path, _forum(**{key: value}))
    assert len(problems) == 1, problems
    text = problems[0]
    where = f"sources/s.yaml:{line}: " + ("follow.deny[0]" if field == "follow.deny" else f"forum.{field}") + ": "
    assert where in text, text
    assert reason in text and "RE2" in text, text


@pytest.mark.parametrize("selector", [
    "xpath://div[re:test(@class, '^(p+)+$')]",
    "//div[@class='post'][re:match(., '(a|aa)+$')]",
    "xpath://span[re:replace(., '(\\w+)*x', 'g', '') != '']",
])
def test_exslt_regex_in_an_xpath_selector_is_refused(tmp_path: Path, selector: str) -> None:
    """lxml runs EXSLT's re: functions with Python's `re` on the page (9 CPU-s on 29 characters
    for `re:test(., '^(a+)+$')`): no RE2 can be given to them, so they are refused."""
    text = _forum().replace('body: ".content"', f"body: {json.dumps(selector)}")
    problems = _problems(tmp_path, text)
    assert len(problems) == 1, problems
    assert "sources/s.yaml:10: forum.post.body: " in problems[0] and "EXSLT" in problems[0], problems


def test_ordinary_patterns_and_selectors_load(tmp_path: Path) -> None:
    """What operators write stays accepted: the shipped sources' shapes, an XPath naming `re`
    in a string or a name (`pre:`), a rewrite with a group."""
    text = _forum().replace('body: ".content"', "body: \"//div[contains(., 're:test(')]/pre\"").replace(
        "follow:", "  thread_url_rewrite:\n    - pattern: '/post/(\\d+)/(\\d+)$'\n      template: '/t/\\1'\nfollow:")
    assert _problems(tmp_path, text) == []
    with pytest.raises(PatternError, match="backreference"):
        compile_pattern(r"(a)\1")
