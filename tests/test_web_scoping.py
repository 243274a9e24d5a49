"""Organisation scoping: organisation A, with its own token, against everything of organisation B.

Every route of the app is enumerated from its route table, so a new route is covered
automatically: each path parameter is filled with B's object of that kind (B's alert, B's
fragment, B's organisation, a configured source, another user, B's token), and every try must
answer 404 (never 403: nothing may tell A that B's object exists). Routes that take no foreign
object are listed in NO_FOREIGN_OBJECT with the reason; they are still called, and must not
show B's data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute

from indexer.tokens import prehash
from tests.fixtures.mail import WebhookReceiver
from tests.web_env import PASSWORD, PEOPLE, WebEnv, web_env
from vigie.web.api import router
from vigie.web.models import Principal

pytestmark = pytest.mark.slow

# routes that take no object of another organisation, and why
NO_FOREIGN_OBJECT = {
    ("POST", "/api/v1/session"): "the login: takes credentials, not an object",
    ("GET", "/api/v1/session"): "the caller's own session",
    ("DELETE", "/api/v1/session"): "the caller's own session",
    ("POST", "/api/v1/session/totp"): "the caller's own second factor",
    ("POST", "/api/v1/login"): "the form login: takes credentials, not an object",
    ("GET", "/api/v1/alerts"): "lists the caller's organisation only (checked below)",
    ("GET", "/api/v1/search"): "analysts only: 404 for an organisation (checked as a plain call)",
    ("POST", "/api/v1/search"): "analysts only: 404 for an organisation (checked as a plain call)",
    ("POST", "/api/v1/search/identifier"): "analysts only: 404 for an organisation (checked as a plain call)",
    ("GET", "/api/v1/ops/sources"): "operators only (checked as a plain call)",
    ("GET", "/api/v1/ops/health"): "operators only (checked as a plain call)",
    ("GET", "/api/v1/ops/dead-letters"): "operators only (checked as a plain call)",
    ("GET", "/api/v1/users"): "operators only (checked as a plain call)",
    ("GET", "/api/v1/tokens"): "operators only (checked as a plain call)",
}
# what a plain call of these answers for organisation A
PLAIN_NOT_FOUND = {k for k, why in NO_FOREIGN_OBJECT.items() if "checked as a plain call" in why}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path_factory.mktemp("web-scope"), receiver.url, receiver.secret) as e:
            e.receiver = receiver
            yield e
    finally:
        receiver.stop()


def _receiver(env: WebEnv) -> WebhookReceiver:
    assert env.receiver is not None
    return env.receiver


def _foreign(env: WebEnv, param: str) -> str:
    """B's object for a path parameter, by the parameter's name."""
    b = "org-b"
    token_b = next(t.id for t in env.data.web_db.tokens() if t.user == "member-org-b")
    if param == "hunt_id":  # B's pre-hash upload and its retro-hunt
        t, v = PEOPLE[b][0]
        member_b = Principal(name="member-org-b", role="org_member", org=b)
        return env.data.upload_prehash(member_b, b, f"type,prehash\n{t},{prehash(t, v).hex()}\n".encode()).id
    return {"alert_id": env.alert_ids[b], "doc_id": env.fragment_ids[b], "org_id": b, "source": "darkforum",
            "name": "member-org-b", "token_id": token_b}[param]


def _routes() -> list[tuple[str, str]]:
    out = []
    for route in router.routes:
        assert isinstance(route, APIRoute)
        for method in sorted(route.methods or ()):
            out.append((method, route.path))
    return out


BODIES: dict[str, dict[str, object]] = {
    "/triage": {"state": "acknowledged", "note": "seen"}, "/reveal": {"reason": "incident 42"},
    "/tokens": {"name": "x", "expires_days": 1},
    "/search/identifier": {"type": "email", "value": "bruno.petit@hopital-b.fr"}, "/search": {"q": "dump"},
    "/session": {"username": "member-org-a", "password": PASSWORD}, "/session/totp": {"totp": "000000"}}


def _body(path: str) -> dict[str, object] | None:
    return next((b for suffix, b in BODIES.items() if path.endswith(suffix)), None)


def test_every_route_as_org_a_against_org_b_objects_is_404(env: WebEnv) -> None:
    routes = _routes()
    assert len(routes) >= 25  # the route table really was read
    headers = {"Authorization": f"Bearer {env.tokens['member-org-a']}"}
    b_values = {env.alert_ids["org-b"], env.fragment_ids["org-b"], "hopital-b", "bruno"}
    checked = 0
    with httpx.Client(headers=headers, timeout=30) as client:
        for method, path in routes:
            params = re.findall(r"{(\w+)}", path)
            if not params:
                assert (method, path) in NO_FOREIGN_OBJECT, f"{method} {path}: takes no object; list it with a reason"
                if (method, path) in PLAIN_NOT_FOUND:
                    r = client.request(method, env.url(path), json=_body(path))
                    assert r.status_code == 404, f"{method} {path} as org-a: {r.status_code} {r.text[:200]}"
                continue
            url = path
            for p in params:
                url = url.replace("{" + p + "}", _foreign(env, p))
            if path.endswith("/prehash"):  # multipart: a well-formed upload, so only the scoping can refuse it
                r = client.request(method, env.url(url), files={"file": ("p.csv", b"type,prehash\n")})
            else:
                r = client.request(method, env.url(url), json=_body(path))
            assert r.status_code == 404, f"{method} {url} as org-a against org-b: {r.status_code} {r.text[:300]}"
            assert r.headers["content-type"] == "application/problem+json"
            shown = json.dumps({k: v for k, v in r.json().items() if k != "instance"})  # instance echoes the URL
            assert not any(v in shown for v in b_values), f"{method} {url} leaks org-b data"
            checked += 1
    assert checked >= 10
    # nothing was triaged, retried or sent on B's behalf
    assert env.data.web_db.triage_history("org-b", env.alert_ids["org-b"]) == []
    assert _receiver(env).receipts == []


def test_org_a_sees_exactly_its_own_alerts_and_can_act_on_them(env: WebEnv) -> None:
    headers = {"Authorization": f"Bearer {env.tokens['member-org-a']}"}
    with httpx.Client(headers=headers, timeout=30) as client:
        page = client.get(env.url("/api/v1/alerts")).json()
        assert [a["alert_id"] for a in page["items"]] == [env.alert_ids["org-a"]]
        own = env.alert_ids["org-a"]
        assert client.get(env.url(f"/api/v1/alerts/{own}")).status_code == 200
        r = client.post(env.url(f"/api/v1/alerts/{own}/triage"), json={"state": "acknowledged", "note": "on it"})
        assert r.status_code == 200 and r.json()["state"] == "acknowledged"
        evidence = client.get(env.url(f"/api/v1/alerts/{own}/evidence"))
        assert evidence.status_code == 200 and json.loads(evidence.content)["organisation"] == "org-a"
        assert client.get(env.url("/api/v1/orgs/org-a")).json()["registered_total"] == 2
        test = client.post(env.url("/api/v1/orgs/org-a/webhook/test")).json()
        assert test["delivered"] is True
    (receipt,) = _receiver(env).receipts
    assert json.loads(receipt.body)["organisation"] == "org-a"
    _receiver(env).clear()


def test_the_scoping_test_fails_when_scoping_is_removed(env: WebEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard: with the data layer's organisation filter disabled, B's alert is served to A."""
    from vigie.web.data import WebData

    monkeypatch.setattr(WebData, "_org_filter", staticmethod(lambda p: None))
    r = httpx.get(env.url(f"/api/v1/alerts/{env.alert_ids['org-b']}"),
                  headers={"Authorization": f"Bearer {env.tokens['member-org-a']}"})
    assert r.status_code == 200  # so the 404s above come from the filter


def test_data_dir_files_are_private(env: WebEnv) -> None:
    web_db = Path(env.data.web_db.path)
    assert web_db.stat().st_mode & 0o777 == 0o600
