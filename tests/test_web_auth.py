"""Web authentication over real HTTP: password + TOTP login, replay, lockout, CSRF, cookie flags,
token expiry and revocation, security headers, and no password or secret in the logs."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from loguru import logger

from tests.fixtures.mail import WebhookReceiver
from tests.web_env import PASSWORD, WebEnv, web_env
from vigie.web.app import CSP

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path_factory.mktemp("web-auth"), receiver.url, receiver.secret) as e:
            yield e
    finally:
        receiver.stop()


@pytest.fixture
def logs() -> Iterator[list[str]]:
    lines: list[str] = []
    sink = logger.add(lambda m: lines.append(str(m)), level="DEBUG")
    yield lines
    logger.remove(sink)


@pytest.fixture(autouse=True)
def _fresh_address(env: WebEnv) -> None:
    """Each test starts with the test client's address unlocked (the tests share 127.0.0.1)."""
    env.data.web_db.clear_failures("addr:127.0.0.1")


def _login(env: WebEnv, user: str, password: str = PASSWORD, totp: str | None = None) -> httpx.Response:
    return httpx.post(env.url("/api/v1/session"), json={"username": user, "password": password, "totp": totp})


def test_password_login_sets_a_private_cookie_and_security_headers(env: WebEnv) -> None:
    r = _login(env, "nora")
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert "vigie_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http on loopback, web.secure_cookies off
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    sid = r.cookies["vigie_session"]
    # only the hash is stored
    stored = [row[0] for row in env.data.web_db.db.execute("SELECT id_hash FROM sessions")]
    assert sid not in stored and len(stored) >= 1


def test_totp_is_required_checked_and_not_replayable(env: WebEnv) -> None:
    assert _login(env, "ana").status_code == 401  # password alone is not enough
    code = env.totp_now("ana")
    ok = _login(env, "ana", totp=code)
    assert ok.status_code == 200, ok.text
    assert _login(env, "ana", totp=code).status_code == 401  # the same code again: replay refused


def test_csrf_token_is_required_for_changes_with_the_cookie(env: WebEnv) -> None:
    r = _login(env, "member-org-a")
    csrf = r.json()["csrf_token"]
    with httpx.Client(cookies=r.cookies) as c:
        alert = env.alert_ids["org-a"]
        url = env.url(f"/api/v1/alerts/{alert}/triage")
        assert c.get(env.url("/api/v1/alerts")).status_code == 200  # reads need no token
        refused = c.post(url, json={"state": "resolved"})
        assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
        assert c.post(url, json={"state": "resolved"}, headers={"X-CSRF-Token": "wrong"}).status_code == 403
        # a token with non-ASCII bytes, in the header or the form: refused, not a server error
        odd = c.post(url, json={"state": "resolved"}, headers={"X-CSRF-Token": "jeton-é".encode("latin-1")})
        assert odd.status_code == 403, odd.text
        assert c.post(url, data={"state": "resolved", "csrf_token": "jeton-é"}).status_code == 403
        cross = c.post(url, json={"state": "resolved"}, headers={"X-CSRF-Token": csrf, "Origin": "https://evil.test"})
        assert cross.status_code == 403
        ok = c.post(url, json={"state": "resolved", "note": "fixed"}, headers={"X-CSRF-Token": csrf})
        assert ok.status_code == 200 and ok.json()["state"] == "resolved"


def test_lockout_after_repeated_failures_survives_in_the_database(env: WebEnv) -> None:
    env.data.web_db.add_user("victim", "analyst", PASSWORD)
    for _ in range(3):  # web.login_max_failures: 3 in the test config
        assert _login(env, "victim", "wrong password!").status_code == 401
    locked = _login(env, "victim")  # the right password, but locked
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
    row = env.data.web_db.db.execute("SELECT failures FROM login_failures WHERE key='user:victim'").fetchone()
    assert row[0] == 3
    time.sleep(3.2)  # web.lockout_seconds: 3
    assert _login(env, "victim").status_code == 200


def test_an_address_is_locked_after_failures_over_many_accounts(env: WebEnv) -> None:
    for i in range(12):  # 4 x login_max_failures, each account below its own threshold
        assert _login(env, f"nobody{i}", "wrong password!").status_code == 401
    assert _login(env, "nora").status_code == 429
    env.data.web_db.clear_failures("addr:127.0.0.1")  # the module's next tests log in from here too


def test_expired_and_revoked_tokens_are_refused(env: WebEnv) -> None:
    db = env.data.web_db
    good = db.create_token("nora", 3600)
    h = {"Authorization": f"Bearer {good.secret}"}
    assert httpx.get(env.url("/api/v1/session"), headers=h).status_code == 200
    used = db.token(good.token.id)
    assert used is not None and used.last_used_at is not None
    assert db.revoke_token(good.token.id)
    assert httpx.get(env.url("/api/v1/session"), headers=h).status_code == 401
    short = db.create_token("nora", 1)
    time.sleep(1.1)
    r = httpx.get(env.url("/api/v1/session"), headers={"Authorization": f"Bearer {short.secret}"})
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    stored = [row[0] for row in db.db.execute("SELECT hash FROM tokens")]
    assert good.secret not in stored and short.secret not in stored


def test_reveal_needs_totp_session_and_is_audited(env: WebEnv) -> None:
    doc = env.fragment_ids["org-a"]
    by_token = httpx.post(env.url(f"/api/v1/fragments/{doc}/reveal"), json={"reason": "case 7"},
                          headers={"Authorization": f"Bearer {env.tokens['ana']}"})
    assert by_token.status_code == 403  # a token never reveals
    r = None
    for _ in range(40):  # wait for a step not used yet (replay protection)
        r = _login(env, "ana", totp=env.totp_now("ana"))
        if r.status_code == 200:
            break
        time.sleep(1)
    assert r is not None and r.status_code == 200
    with httpx.Client(cookies=r.cookies, headers={"X-CSRF-Token": r.json()["csrf_token"]}) as c:
        shown = c.post(env.url(f"/api/v1/fragments/{doc}/reveal"), json={"reason": "case 7"})
        assert shown.status_code == 200, shown.text
        assert "alice.martin@clinique-a.fr" in shown.json()["text"]
    audit = (env.root / "data" / "audit.log").read_text()
    assert '"outcome":"revealed"' in audit and "web:ana" in audit and "alice.martin" not in audit


def test_no_password_or_secret_in_logs(env: WebEnv, logs: list[str]) -> None:
    _login(env, "nora", "a-wrong-password-123")
    _login(env, "nora")
    httpx.post(env.url("/api/v1/search/identifier"), json={"type": "email", "value": "bruno.petit@hopital-b.fr"},
               headers={"Authorization": f"Bearer {env.tokens['nora']}"})
    text = "\n".join(logs)
    assert logs, "the logins were logged"
    for secret in (PASSWORD, "a-wrong-password-123", "bruno.petit", env.tokens["nora"]):
        assert secret not in text
