"""What an analyst types in the free-text search stays out of every URL and every log line, over
real HTTP (real uvicorn, store, web.sqlite3; tests/web_env.py).

Why: `GET /search?q=alice.martin@...` kept a victim's address in the browser's history, the
reverse proxy's access log and Referer headers. The form now POSTs; the server keeps the search
under an opaque, per-session, short-lived handle (`vigie.web.handles`) and redirects to
`/search?s=HANDLE`, whose pagination links carry the handle only. The API has `POST
/api/v1/search`; its GET form refuses a query holding an identifier.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator

import httpx
import pytest
from loguru import logger

from tests.web_env import PASSWORD, PEOPLE, WebEnv, web_env
from vigie.web.data import SearchFilters
from vigie.web.handles import SavedSearch, SearchHandles
from vigie.web.models import Principal

pytestmark = pytest.mark.slow

EMAIL_A = PEOPLE["org-a"][0][1]  # alice.martin@clinique-a.fr, in org-a's fragment only
QUERY = f"seller42 {EMAIL_A}"
SECRET_PARTS = ("alice", "martin", "clinique", "seller42")
URL_ATTRS = re.compile(r'(?:href|hx-get|hx-post|action|src)="([^"]*)"')


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    with web_env(tmp_path_factory.mktemp("web-search-privacy"), "http://127.0.0.1:9/hook", "9f2c" * 8) as e:
        yield e


@pytest.fixture()
def log_lines() -> Iterator[list[str]]:
    """Every loguru message and every stdlib record the server side logs while the test runs,
    uvicorn's access log included (`vigie serve` turns it off; an operator may turn it on, and a
    reverse proxy writes the same line anyway). The test's own client (httpx) is left out."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if not record.name.startswith(("httpx", "httpcore")):
                lines.append(record.getMessage())

    sink = logger.add(lambda m: lines.append(str(m)), level="TRACE")
    handler = Collect(level=logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("", "uvicorn.access", "uvicorn.error")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        logger.remove(sink)
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)


def _session(env: WebEnv, user: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=env.base_url, timeout=30, follow_redirects=False)
    r = client.post("/login", data={"username": user, "password": PASSWORD, "totp": ""})
    assert r.status_code == 303, r.text[:300]
    return client, client.get("/api/v1/session").json()["csrf_token"]


def _leaks(text: str) -> list[str]:
    return [part for part in SECRET_PARTS if part in text.lower()]


def _fragment_ids(html: str) -> set[str]:
    return set(re.findall(r'href="/fragments/([^"]+)"', html))


def test_form_search_carries_no_words_in_any_url_or_log(env: WebEnv, log_lines: list[str]) -> None:
    client, csrf = _session(env, "nora")
    urls: list[str] = []
    posted = client.post("/search", data={"q": QUERY, "severity": ["critical", "high", "medium", "low"],
                                          "csrf_token": csrf})
    assert posted.status_code == 303, posted.text[:300]
    location = posted.headers["location"]
    assert re.fullmatch(r"/search\?s=[\w-]{16,64}", location), location
    page = client.get(location)
    urls.append(str(page.url))
    assert page.status_code == 200
    # the words and the identifier were searched: org-a's fragment, found by the address's token
    assert _fragment_ids(page.text) == {env.fragment_ids["org-a"]}
    assert 'value="' + QUERY + '"' in page.text  # shown back in the form's body, where history does not keep it
    urls += URL_ATTRS.findall(page.text)
    assert all(not _leaks(u) for u in urls), [u for u in urls if _leaks(u)]
    # back button / reload: the same handle gives the same results
    assert _fragment_ids(client.get(location).text) == {env.fragment_ids["org-a"]}
    assert any("/search?s=" in line for line in log_lines)  # the access log was heard, with the handle only
    assert not any(_leaks(line) for line in log_lines), [line for line in log_lines if _leaks(line)]


def test_pagination_follows_the_handle(env: WebEnv) -> None:
    client, csrf = _session(env, "nora")
    location = client.post("/search", data={"q": "dump", "csrf_token": csrf}).headers["location"]
    handle = location.split("s=", 1)[1]
    everything = _fragment_ids(client.get(location).text)
    assert everything == set(env.fragment_ids.values())
    # the API's cursor after one hit: the next page under the same handle has the other fragment only
    first = client.post("/api/v1/search", json={"q": "dump", "limit": 1, "facets": False},
                        headers={"X-CSRF-Token": csrf}).json()
    assert first["next_cursor"] is not None
    rest = client.get("/search/results", params={"s": handle, "cursor": first["next_cursor"]},
                      headers={"HX-Request": "true"})
    assert rest.status_code == 200
    assert _fragment_ids(rest.text) == everything - {first["items"][0]["id"]}


def test_a_handle_is_its_session_s_only_and_a_url_query_is_not_searched(env: WebEnv) -> None:
    nora, csrf = _session(env, "nora")
    location = nora.post("/search", data={"q": QUERY, "csrf_token": csrf}).headers["location"]
    other, _ = _session(env, "nora")  # a second login of the same user: another session
    stolen = other.get(location)
    assert stolen.status_code == 410 and "expired" in stolen.text and not _leaks(stolen.text)
    assert other.get("/search/results", params={"s": location.split("s=", 1)[1]}).status_code == 410
    # an old bookmark with the words in it: neither searched nor echoed
    old = nora.get("/search", params={"q": QUERY})
    assert old.status_code == 200 and "no longer read from the address" in old.text and not _leaks(old.text)
    assert _fragment_ids(old.text) == set(env.fragment_ids.values())  # the unfiltered newest, not the query's
    # logged out: the session's handles go with it
    nora.post("/logout", data={"csrf_token": csrf})
    assert nora.get(location).headers.get("location") == "/login"


def test_organisations_cannot_save_searches(env: WebEnv) -> None:
    member, csrf = _session(env, "member-org-a")
    assert member.post("/search", data={"q": "dump", "csrf_token": csrf}).status_code == 404
    assert member.post("/search", data={"q": "dump"}).status_code == 403  # and a form without CSRF is refused


def test_api_post_search_and_get_refuses_identifiers(env: WebEnv, log_lines: list[str]) -> None:
    h = {"Authorization": f"Bearer {env.tokens['nora']}"}
    found = httpx.post(env.url("/api/v1/search"), headers=h, json={"q": QUERY, "severity": ["high", "critical"]})
    assert found.status_code == 200, found.text
    assert [i["id"] for i in found.json()["items"]] == [env.fragment_ids["org-a"]]
    audit = (env.root / "data" / "audit.log").read_text()
    assert '"identifier_search"' in audit and "alice" not in audit
    # (the test harness leaves uvicorn's access log on: the POST's line holds the path only)
    assert any("POST /api/v1/search" in line for line in log_lines)
    assert not any(_leaks(line) for line in log_lines), [line for line in log_lines if _leaks(line)]
    # a GET's words are in its URL (and in any access log) before the server can refuse them
    refused = httpx.get(env.url("/api/v1/search"), params={"q": QUERY}, headers=h)
    assert refused.status_code == 422 and "POST /api/v1/search" in refused.json()["detail"]
    assert not _leaks(refused.json()["detail"])
    looks_like = httpx.get(env.url("/api/v1/search"), params={"q": "jean@exemple"}, headers=h)
    assert looks_like.status_code == 422
    words = httpx.get(env.url("/api/v1/search"), params={"q": "db dump"}, headers=h)
    assert words.status_code == 200 and words.json()["total"] == 2  # words only: kept for scripts (documented)


def test_handles_expire_and_are_bounded_per_owner() -> None:
    handles = SearchHandles(ttl_seconds=0.2, per_owner=2)
    p = Principal(name="nora", role="analyst", org=None, via="session", session_id="sid-1")
    q = Principal(name="nora", role="analyst", org=None, via="session", session_id="sid-2")
    saved = SavedSearch(SearchFilters(text="dump"))
    first, second, third = (handles.save(p, saved) for _ in range(3))
    assert handles.get(p, first) is None and handles.get(p, third) == saved  # the oldest went first
    assert handles.get(q, third) is None  # another session's
    time.sleep(0.3)
    assert handles.get(p, second) is None and handles.get(p, third) is None
