"""The API's behaviour over real HTTP: problem details, cursor pagination, analysts' search with
facets and audited identifier search, operators' requests to the service and the CLI's users."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.mail import WebhookReceiver
from tests.web_env import WebEnv, web_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path_factory.mktemp("web-api"), receiver.url, receiver.secret) as e:
            yield e
    finally:
        receiver.stop()


def _h(env: WebEnv, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {env.tokens[user]}"}


def test_errors_are_problem_details(env: WebEnv) -> None:
    unauth = httpx.get(env.url("/api/v1/alerts"))
    assert unauth.status_code == 401 and unauth.headers["content-type"] == "application/problem+json"
    bad = httpx.get(env.url("/api/v1/alerts?limit=1000"), headers=_h(env, "oper"))
    body = bad.json()
    assert bad.status_code == 422 and body["status"] == 422 and body["instance"] == "/api/v1/alerts"
    cursor = httpx.get(env.url("/api/v1/alerts?cursor=garbage"), headers=_h(env, "oper"))
    assert cursor.status_code == 400 and "cursor" in cursor.json()["detail"]


def test_cursor_pagination_walks_every_alert_once(env: WebEnv) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        page = httpx.get(env.url("/api/v1/alerts"), params={"limit": 1, **({"cursor": cursor} if cursor else {})},
                         headers=_h(env, "oper")).json()
        seen += [a["alert_id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(env.alert_ids.values())


def test_search_facets_and_audited_identifier_search(env: WebEnv) -> None:
    page = httpx.get(env.url("/api/v1/search"), params={"q": "db dump"}, headers=_h(env, "nora")).json()
    assert page["total"] == 2 and page["facets"]["source"] == {"darkforum": 2}
    assert all("alice.martin" not in item["excerpt"] for item in page["items"])
    found = httpx.post(env.url("/api/v1/search/identifier"), headers=_h(env, "nora"),
                       json={"type": "email", "value": "Alice.Martin@clinique-a.fr"}).json()
    assert [i["id"] for i in found["items"]] == [env.fragment_ids["org-a"]]
    records = [json.loads(line) for line in (env.root / "data" / "audit.log").read_text().splitlines()]
    last = records[-1]
    assert last["event"] == "identifier_search" and last["user"] == "web:nora" and last["results"] == 1
    assert "alice" not in json.dumps(last).lower()
    detail = httpx.get(env.url(f"/api/v1/fragments/{env.fragment_ids['org-a']}"), headers=_h(env, "nora")).json()
    assert detail["categories"] == ["health"] and detail["counts"]["email"] == 1


def test_operator_requests_a_crawl_and_manages_tokens(env: WebEnv) -> None:
    r = httpx.post(env.url("/api/v1/ops/sources/darkforum/crawl"), headers=_h(env, "oper"))
    assert r.status_code == 202 and r.json()["pending_request"] == "crawl"
    request = env.root / "data" / "requests" / "crawl-darkforum.json"
    assert json.loads(request.read_text())["by"] == "web:oper" and request.stat().st_mode & 0o777 == 0o600
    assert httpx.post(env.url("/api/v1/ops/sources/nope/crawl"), headers=_h(env, "oper")).status_code == 404
    made = httpx.post(env.url("/api/v1/users/nora/tokens"), json={"name": "siem", "expires_days": 1},
                      headers=_h(env, "oper")).json()
    h = {"Authorization": f"Bearer {made['secret']}"}
    assert httpx.get(env.url("/api/v1/session"), headers=h).json()["role"] == "analyst"
    assert httpx.delete(env.url(f"/api/v1/tokens/{made['id']}"), headers=_h(env, "oper")).status_code == 204
    assert httpx.get(env.url("/api/v1/session"), headers=h).status_code == 401
