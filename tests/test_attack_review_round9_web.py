"""Attacker's review, round 9: the web app's login lockout, over real HTTP against the served app.

The lockout counts failures per account and per client address. Every local user reaches the app
from 127.0.0.1, and everyone behind a reverse proxy comes from its address: another local user
(or anyone the proxy lets in) failing 20 logins over made-up names locked that address, and every
analyst with it, right password or not, and kept it locked with one failure each time a lock
ended (60 s, doubling past an hour). A browser an account logged in from before carries a device
cookie that the address's lockout does not hold; its own account's lockout still does.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.mail import WebhookReceiver
from tests.web_env import PASSWORD, WebEnv, web_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebEnv]:
    receiver = WebhookReceiver().start()
    try:
        with web_env(tmp_path_factory.mktemp("web-round9"), receiver.url, receiver.secret) as e:
            # a lock that outlasts the test on a loaded machine (the shared config's is 3 s), as an
            # attacker's lock would after a few rounds of doubling; the same server, the same rules
            e.data.settings = e.data.settings.model_copy(update={"lockout_seconds": 600.0})
            yield e
    finally:
        receiver.stop()


def _login(env: WebEnv, user: str, password: str = PASSWORD, cookies: httpx.Cookies | None = None) -> httpx.Response:
    return httpx.post(env.url("/api/v1/session"), json={"username": user, "password": password}, cookies=cookies)


def _spray(env: WebEnv) -> None:
    """Another local user's failures over made-up accounts, each below its own threshold."""
    for i in range(24):
        assert _login(env, f"nobody{i}", "wrong password!").status_code in (401, 429)


@pytest.mark.parametrize("form", [False, True])
def test_another_local_user_cannot_lock_an_analyst_out(env: WebEnv, form: bool) -> None:
    env.data.web_db.clear_failures("addr:127.0.0.1")
    if form:  # the HTML form's login sets the same cookie
        first = httpx.post(env.url("/login"), data={"username": "nora", "password": PASSWORD},
                           headers={"Origin": env.url("").rstrip("/")})
        assert first.status_code == 303, first.text
    else:
        first = _login(env, "nora")
        assert first.status_code == 200, first.text
    device = httpx.Cookies(first.cookies)  # what nora's browser kept of her last login
    _spray(env)
    assert _login(env, "nora").status_code == 429  # a browser never seen: held, as before
    # nora's browser: let in despite the address's lockout (before: 429), and its cookie renewed
    again = _login(env, "nora", cookies=device)
    assert again.status_code == 200, again.text
    renewed = again.cookies["vigie_device"]
    assert renewed != device["vigie_device"]
    device = httpx.Cookies({"vigie_device": device["vigie_device"]})
    assert _login(env, "nora", cookies=device).status_code == 429  # the old cookie was replaced
    device.set("vigie_device", renewed)
    # for nora only, and only while nora's own account is not locked
    assert _login(env, "ana", cookies=device).status_code == 429
    for _ in range(3):  # web.login_max_failures: 3 in the test config
        assert _login(env, "nora", "wrong password!", cookies=device).status_code == 401
    assert _login(env, "nora", cookies=device).status_code == 429
    env.data.web_db.clear_failures("user:nora")
    env.data.web_db.clear_failures("addr:127.0.0.1")
    stored = [row[0] for row in env.data.web_db.db.execute("SELECT id_hash FROM devices")]
    assert renewed not in stored and len(stored) >= 1  # only its hash is kept
