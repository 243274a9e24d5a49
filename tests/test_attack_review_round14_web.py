"""Attacker's review, round 14: what the web app shows of an organisation's webhook receiver.

A receiver's URL often carries its credential in its path or query (`/services/T0/B0/<token>`,
`?token=...`): Vigie's log cuts every webhook URL to its scheme and host for that reason
(vigie.log.register_url), and config errors never quote its path. The organisation page and
`GET /api/v1/orgs/{id}` showed it whole: to the organisation's every member (read-only accounts
and API tokens included) and to every analyst, for every organisation (`_own_org` lets analysts
see all). They now show its scheme, host and port, as the log does.

Over real HTTP against the served app (tests.web_env), with a real receiver whose URL holds a
token in its path and in its query; "test webhook" still reaches it, token and all.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.mail import WebhookReceiver
from tests.web_env import PASSWORD, WebEnv, web_env

pytestmark = pytest.mark.slow

PATH_TOKEN = "T0KEN-in-the-path-7f3a9c"
QUERY_TOKEN = "Q1-query-token-b81e44"


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    r = WebhookReceiver().start()
    try:
        yield r
    finally:
        r.stop()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, receiver: WebhookReceiver) -> Iterator[WebEnv]:
    url = f"{receiver.url.rsplit('/hooks/', 1)[0]}/hooks/{PATH_TOKEN}?token={QUERY_TOKEN}"
    with web_env(tmp_path_factory.mktemp("web-round14"), url, receiver.secret) as e:
        yield e


def _bearer(env: WebEnv, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {env.tokens[user]}"}


@pytest.mark.parametrize("user", ["member-org-a", "ana", "oper"])
def test_the_api_shows_no_token_of_a_webhook_url(env: WebEnv, user: str) -> None:
    """Before: `webhook_url` was the configured URL, both tokens in it."""
    got = httpx.get(env.url("/api/v1/orgs/org-a"), headers=_bearer(env, user))
    assert got.status_code == 200, got.text
    shown = got.json()["webhook_url"]
    assert PATH_TOKEN not in got.text and QUERY_TOKEN not in got.text, shown
    assert shown.startswith("http://127.0.0.1:") and shown.endswith("/…"), shown
    assert got.json()["webhook_enabled"] is True


def test_the_organisation_page_shows_no_token_of_a_webhook_url(env: WebEnv) -> None:
    with httpx.Client(base_url=env.base_url) as client:
        login = client.post("/login", data={"username": "member-org-a", "password": PASSWORD})
        assert login.status_code == 303, login.text
        page = client.get("/orgs/org-a")
    assert page.status_code == 200, page.text
    assert "Receiver:" in page.text and "http://127.0.0.1:" in page.text
    assert PATH_TOKEN not in page.text and QUERY_TOKEN not in page.text


def test_the_test_webhook_still_reaches_the_whole_url(env: WebEnv, receiver: WebhookReceiver) -> None:
    """Only what is shown changed: the signed test event is posted to the path and query as configured."""
    got = httpx.post(env.url("/api/v1/orgs/org-a/webhook/test"), headers=_bearer(env, "member-org-a"), timeout=30)
    assert got.status_code == 200, got.text
    assert got.json()["delivered"] is True, got.json()
    assert PATH_TOKEN not in got.text and QUERY_TOKEN not in got.text
