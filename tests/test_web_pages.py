"""The HTML pages over real HTTP (real uvicorn, store, registry, matcher, outbox, web.sqlite3):
login, the analysts' search, fragments, alerts and triage, the pre-hash upload and its retro-hunt,
the operators' pages; and organisation scoping on every page route, enumerated from the route
table like tests/test_web_scoping.py does for the API.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest
from fastapi.routing import APIRoute

from indexer.tokens import prehash
from tests.fixtures.mail import WebhookReceiver
from tests.web_env import PASSWORD, PEOPLE, WebEnv, web_env
from vigie.web.app import CSP
from vigie.web.data import SearchFilters
from vigie.web.models import Principal
from vigie.web.pages import router as pages_router
from vigie_kit.ports import free_port

pytestmark = pytest.mark.slow

# page routes that take no object of another organisation, and why
NO_FOREIGN_OBJECT = {
    ("GET", "/"): "redirects to the caller's home page",
    ("GET", "/login"): "the login form",
    ("POST", "/login"): "takes credentials, not an object",
    ("POST", "/logout"): "the caller's own session",
    ("GET", "/alerts"): "lists the caller's organisation only (checked below)",
    ("GET", "/search"): "analysts only: 404 for an organisation (checked as a plain call)",
    ("POST", "/search"): "analysts only (checked as a plain call)",
    ("GET", "/search/results"): "analysts only (checked as a plain call)",
    ("POST", "/search/identifier"): "analysts only (checked as a plain call)",
    ("GET", "/ops/sources"): "operators only (checked as a plain call)",
    ("GET", "/ops/health"): "operators only (checked as a plain call)",
    ("GET", "/ops/dead-letters"): "operators only (checked as a plain call)",
    ("GET", "/ops/users"): "operators only (checked as a plain call)",
}
PLAIN_NOT_FOUND = {k for k, why in NO_FOREIGN_OBJECT.items() if "checked as a plain call" in why}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path_factory.mktemp("web-pages"), receiver.url, receiver.secret) as e:
            e.receiver = receiver
            yield e
    finally:
        receiver.stop()


_SESSIONS: dict[tuple[str, str], tuple[httpx.Client, str]] = {}


def session(env: WebEnv, user: str, totp: bool = False) -> tuple[httpx.Client, str]:
    """A browser-like client logged in through the HTML form; returns it and its CSRF token.
    One per user and server: a TOTP code is accepted once, so the analyst logs in once."""
    if (env.base_url, user) in _SESSIONS:
        return _SESSIONS[env.base_url, user]
    client = httpx.Client(base_url=env.base_url, timeout=30, follow_redirects=False)
    r = client.post("/login", data={"username": user, "password": PASSWORD,
                                    "totp": env.totp_now(user) if totp else ""})
    assert r.status_code == 303, r.text[:300]
    csrf = client.get("/api/v1/session").json()["csrf_token"]
    _SESSIONS[env.base_url, user] = client, csrf
    return client, csrf


def _wait_hunt(client: httpx.Client, url: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = client.get(url, headers={"HX-Request": "true"}).text
        if "Retro-hunt running" not in body:
            return body
        time.sleep(0.1)
    raise AssertionError("the retro-hunt did not finish in 30 s")


def test_login_page_errors_and_redirects(env: WebEnv) -> None:
    with httpx.Client(base_url=env.base_url, timeout=30) as anon:
        assert anon.get("/alerts").headers["location"] == "/login"
        assert anon.get("/search/results", headers={"HX-Request": "true"}).headers["HX-Redirect"] == "/login"
        page = anon.get("/login")
        assert page.status_code == 200 and 'name="totp"' in page.text and 'for="totp"' in page.text
        assert page.headers["content-security-policy"] == CSP
        bad = anon.post("/login", data={"username": "nora", "password": "not it"})
        assert bad.status_code == 401 and "wrong user name, password or TOTP code" in bad.text
    client, _ = session(env, "ana", totp=True)
    assert client.get("/").headers["location"] == "/search"
    # the lockout counts per account: a successful login clears nora's failure
    session(env, "nora")


def test_no_inline_script_or_style_in_any_page(env: WebEnv) -> None:
    """The CSP forbids inline code; a page that relied on it would break in the browser."""
    pages = {"ana": ["/search", "/search?q=dump", f"/fragments/{env.fragment_ids['org-a']}"],
             "member-org-a": ["/alerts", f"/alerts/{env.alert_ids['org-a']}", "/orgs/org-a"],
             "oper": ["/ops/sources", "/ops/health", "/ops/dead-letters", "/ops/users", "/alerts"]}
    for user, urls in pages.items():
        client, _ = session(env, user, totp=user == "ana")
        for url in urls:
            r = client.get(url)
            assert r.status_code == 200, f"{user} {url}: {r.status_code} {r.text[:300]}"
            html = r.text
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"{url}: inline script"
            assert not re.search(r"\sstyle=|<style", html), f"{url}: inline style"
            assert not re.search(r"\son[a-z]+=", html), f"{url}: inline event handler"
            assert '<script src="/static/htmx.min.js"' in html
    for asset in ("/static/htmx.min.js", "/static/vigie.js", "/static/vigie.css"):
        assert httpx.get(env.url(asset)).status_code == 200


def test_analyst_search_facets_load_more_and_fragment(env: WebEnv) -> None:
    client, csrf = session(env, "ana", totp=True)
    posted = client.post("/search", data={"severity": ["critical", "high", "medium", "low"], "csrf_token": csrf})
    assert posted.status_code == 303 and posted.headers["location"].startswith("/search?s=")
    page = client.get(posted.headers["location"])
    assert page.status_code == 200
    assert f'hx-headers=\'{{"X-CSRF-Token": "{csrf}"}}\'' in page.text
    assert all(f"/fragments/{d}" in page.text for d in env.fragment_ids.values())
    assert re.search(r'<time datetime="2026-11-01T12:00:00Z" title="UTC 2026-11-01 12:00 UTC">', page.text)
    # one hit per page: the "load more" link carries the API cursor and the filters
    handle = client.post("/search", data={"q": "dump", "csrf_token": csrf}).headers["location"].split("s=")[1]
    one = client.get("/search/results", params={"s": handle, "cursor": ""}, headers={"HX-Request": "true"})
    assert one.status_code == 200 and "/fragments/" in one.text
    r = client.get("/fragments/" + env.fragment_ids["org-b"])
    assert "Redacted excerpt" in r.text and "bruno.petit@hopital-b.fr" not in r.text and "health" in r.text
    found = client.post("/search/identifier", data={"type": "email", "value": PEOPLE["org-b"][0][1],
                                                    "csrf_token": csrf})
    assert found.status_code == 200 and f"/fragments/{env.fragment_ids['org-b']}" in found.text
    assert f"/fragments/{env.fragment_ids['org-a']}" not in found.text
    assert "bruno.petit" not in (env.root / "data" / "audit.log").read_text()
    nocsrf = client.post("/search/identifier", data={"type": "email", "value": "x@example.org"})
    assert nocsrf.status_code == 403


def test_search_pages_through_results_with_the_cursor(env: WebEnv) -> None:
    client, _ = session(env, "ana", totp=True)
    html = client.get("/search/results").text
    ids = set(re.findall(r'href="/fragments/([^"]+)"', html))
    assert ids == set(env.fragment_ids.values())
    # the API's cursor (a page of one) continues the page list where the first page stopped
    first = env.data.search(Principal(name="ana", role="analyst", org=None), SearchFilters(), limit=1)
    assert first.next_cursor is not None
    second = client.get("/search/results", params={"cursor": first.next_cursor}, headers={"HX-Request": "true"})
    (other,) = set(re.findall(r'href="/fragments/([^"]+)"', second.text))
    assert other != first.items[0].id


def test_reveal_needs_reason_and_totp_and_is_audited(env: WebEnv) -> None:
    client, csrf = session(env, "ana", totp=True)
    doc = env.fragment_ids["org-a"]
    no_reason = client.post(f"/fragments/{doc}/reveal", data={"reason": "", "csrf_token": csrf})
    assert no_reason.status_code == 422 and "state the reason" in no_reason.text
    shown = client.post(f"/fragments/{doc}/reveal", data={"reason": "incident 7 triage", "csrf_token": csrf})
    assert shown.status_code == 200, shown.text[:400]
    assert "alice.martin@clinique-a.fr" in shown.text
    audit = (env.root / "data" / "audit.log").read_text()
    assert "incident 7 triage" in audit and doc in audit
    nora, nora_csrf = session(env, "nora")
    refused = nora.post(f"/fragments/{doc}/reveal", data={"reason": "curious", "csrf_token": nora_csrf})
    assert refused.status_code == 403 and "alice.martin" not in refused.text


def test_org_member_alerts_triage_and_what_to_do(env: WebEnv) -> None:
    client, csrf = session(env, "member-org-a")
    own, other = env.alert_ids["org-a"], env.alert_ids["org-b"]
    listing = client.get("/alerts").text
    assert f"/alerts/{own}" in listing and f"/alerts/{other}" not in listing
    detail = client.get(f"/alerts/{own}").text
    for words in ("What to do now", "72-hour clock", "Notify the CNIL", "Inform the people concerned",
                  "Reset credentials", "Watch for phishing", f"/api/v1/alerts/{own}/evidence"):
        assert words in detail
    r = client.post(f"/alerts/{own}/triage", data={"state": "acknowledged", "note": "owner: DPO", "csrf_token": csrf})
    assert r.status_code == 303
    detail = client.get(f"/alerts/{own}").text
    assert "state-acknowledged" in detail and "owner: DPO" in detail
    assert client.get(f"/alerts/{other}").status_code == 404


def test_upload_prehash_runs_a_retro_hunt_that_raises_the_alert(env: WebEnv) -> None:
    """Org A uploads a person who appears in a past fragment (B's): the hunt finds it, A is alerted."""
    client, csrf = session(env, "member-org-a")
    t, v = PEOPLE["org-b"][1]
    body = f"type,prehash\n{t},{prehash(t, v).hex()}\n"
    r = client.post("/orgs/org-a/prehash", data={"csrf_token": csrf}, files={"file": ("p.csv", body.encode())},
                    headers={"HX-Request": "true", "X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text[:300]
    if "Retro-hunt running" in r.text:
        (poll,) = set(re.findall(r'hx-get="(/orgs/org-a/hunts/[\w-]+)"', r.text))
        final = _wait_hunt(client, poll)
    else:
        final = r.text
    assert "Retro-hunt finished" in final and "1 past fragment(s) found, 1 new alert(s)" in final
    listing = client.get("/alerts").text
    rows = env.data.outbox.db.execute("SELECT alert_id FROM alerts WHERE org='org-a' AND origin='retrohunt'").fetchall()
    assert len(rows) == 1 and f"/alerts/{rows[0][0]}" in listing
    assert not any((env.root / "data" / "uploads").iterdir())
    bad = client.post("/orgs/org-a/prehash", data={"csrf_token": csrf}, files={"file": ("x.csv", b"hello,world\n")})
    assert bad.status_code == 422 and "vigie hash" in bad.text


def test_operator_pages_crawl_now_and_tokens(env: WebEnv) -> None:
    client, csrf = session(env, "oper")
    sources = client.get("/ops/sources").text
    assert "needs attention" in sources and "never ran" in sources
    r = client.post("/ops/sources/darkforum/crawl", data={"csrf_token": csrf})
    assert r.status_code == 303
    request_file = env.root / "data" / "requests" / "crawl-darkforum.json"
    assert request_file.exists() and request_file.stat().st_mode & 0o777 == 0o600
    assert "Request pending: crawl" in client.get("/ops/sources").text
    created = client.post("/ops/users/nora/tokens", data={"token_name": "ci", "expires_days": "2", "csrf_token": csrf})
    assert created.status_code == 200 and "shown this once" in created.text
    assert re.search(r"vgt_[\w-]+", created.text)
    assert "No dead letter" in client.get("/ops/dead-letters").text


def test_every_page_route_as_org_a_against_org_b_objects_is_404(env: WebEnv) -> None:
    b = Principal(name="member-org-b", role="org_member", org="org-b")
    t, v = PEOPLE["org-b"][0]
    hunt_b = env.data.upload_prehash(b, "org-b", f"type,prehash\n{t},{prehash(t, v).hex()}\n".encode())
    token_b = next(tok.id for tok in env.data.web_db.tokens() if tok.user == "member-org-b")
    foreign = {"alert_id": env.alert_ids["org-b"], "doc_id": env.fragment_ids["org-b"], "org_id": "org-b",
               "source": "darkforum", "name": "member-org-b", "token_id": token_b, "hunt_id": hunt_b.id}
    b_values = {env.alert_ids["org-b"], env.fragment_ids["org-b"], "hopital-b", "bruno", "ORG-B"}
    client, csrf = session(env, "member-org-a")
    checked = 0
    for route in pages_router.routes:
        assert isinstance(route, APIRoute)
        for method in sorted(route.methods or ()):
            params = re.findall(r"{(\w+)}", route.path)
            data = {"csrf_token": csrf, "state": "resolved", "reason": "xyz", "type": "email",
                    "value": PEOPLE["org-b"][0][1]}
            files = {"file": ("p.csv", b"type,prehash\n")} if route.path.endswith("/prehash") else None
            if not params:
                assert (method, route.path) in NO_FOREIGN_OBJECT, f"{method} {route.path}: list it with a reason"
                if (method, route.path) in PLAIN_NOT_FOUND:
                    r = client.request(method, route.path, data=data if method == "POST" else None)
                    assert r.status_code == 404, f"{method} {route.path} as org-a: {r.status_code}"
                continue
            url = route.path
            for p in params:
                url = url.replace("{" + p + "}", foreign[p])
            r = client.request(method, url, data=data if method == "POST" else None, files=files)
            assert r.status_code == 404, f"{method} {url} as org-a against org-b: {r.status_code} {r.text[:300]}"
            shown = r.text.replace(url, "")
            assert not any(v in shown for v in b_values), f"{method} {url} leaks org-b data"
            checked += 1
    assert checked >= 14
    assert env.data.web_db.triage_history("org-b", env.alert_ids["org-b"]) == []


def test_a_form_post_with_origin_null_is_accepted_only_from_the_same_origin(env: WebEnv) -> None:
    """With Referrer-Policy: no-referrer, chromium posts forms with `Origin: null` (seen in
    tests/test_web_browser.py); only the browser-set Sec-Fetch-Site tells a same-origin post."""
    form = {"username": "oper", "password": PASSWORD}
    with httpx.Client(base_url=env.base_url, timeout=30) as anon:
        ok = anon.post("/login", data=form, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
        assert ok.status_code == 303
        for headers in ({"Origin": "null"}, {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
                        {"Origin": "http://evil.example", "Sec-Fetch-Site": "same-origin"}):
            assert anon.post("/login", data=form, headers=headers).status_code == 403, headers


def _printed(pattern: str, text: str) -> tuple[str, ...]:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in the output:\n{text}"
    return found.groups()


def test_demo_serve_only_prints_one_time_accounts_that_log_in(tmp_path: Path) -> None:
    """`vigie demo --serve-only` over a demo workspace (the demo's own config and keys; the crawl
    itself needs Tor and is covered by the demo's test): the printed accounts log in over HTTP,
    the analyst with the printed TOTP secret; Ctrl-C stops it and disables them."""
    from vigie.keys import create_key_file
    from vigie_kit.demo_config import ORG_ID, DemoEndpoints, write_demo_config

    workspace = tmp_path / "data" / "demo"
    keys = workspace / "keys"
    for name in ("match.key", "data.key"):
        create_key_file(keys / name)
    write_demo_config(workspace, DemoEndpoints(onion="a" * 56 + ".onion", socks_port=9, control_port=9,
                                               cookie_path=workspace / "cookie", smtp_port=9,
                                               webhook_url="http://127.0.0.1:9/hook", keys_dir=keys))
    port = free_port()  # bound by the demo's server once its process has started: no port-0 server is given it
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    proc = subprocess.Popen([sys.executable, "-m", "vigie", "demo", "--serve-only", "--port", str(port),
                             "--data-dir", str(tmp_path / "data")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env)
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while not any("member of" in line for line in lines):
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
            lines.append(proc.stdout.readline())
        text = "".join(lines)
        assert f"http://127.0.0.1:{port}/" in text
        analyst, pw_analyst = _printed(r"analyst \(may reveal, TOTP\): user (\S+)  password (\S+)", text)
        member, pw_member = _printed(rf"member of {ORG_ID}: user (\S+)  password (\S+)", text)
        (totp_secret,) = _printed(r"TOTP secret ([A-Z2-7]+)", text)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(base + "/login", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=10) as c:
            assert c.post("/login", data={"username": analyst, "password": pw_analyst}).status_code == 401
            r = c.post("/login", data={"username": analyst, "password": pw_analyst,
                                       "totp": pyotp.TOTP(totp_secret).now()})
            assert r.status_code == 303 and r.headers["location"] == "/search"
            assert c.get("/search").status_code == 200
        with httpx.Client(base_url=base, timeout=10) as c:
            r = c.post("/login", data={"username": member, "password": pw_member})
            assert r.status_code == 303 and r.headers["location"] == "/alerts"
            assert "No alert yet" in c.get("/alerts").text
            assert c.get(f"/orgs/{ORG_ID}").status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "demo accounts are disabled" in out


def test_the_page_scoping_test_fails_when_scoping_is_removed(env: WebEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard: the pages have no filter of their own; without the data layer's, B's alert shows."""
    from vigie.web.data import WebData

    client, _ = session(env, "member-org-a")
    monkeypatch.setattr(WebData, "_org_filter", staticmethod(lambda p: None))
    assert client.get(f"/alerts/{env.alert_ids['org-b']}").status_code == 200
