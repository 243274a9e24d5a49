"""Attacker's review, round 13: another account failing logins under an analyst's name.

Round 9 let a browser an account logged in from before (its device cookie) through the client
ADDRESS's lockout (every local user comes from 127.0.0.1), but the ACCOUNT's lockout still held
it: anyone reaching the login (any local account) failing three logins under `nora` kept nora out,
her own browser included, and kept her out for as long as it went on (one failure each time the
lock ended, the lock doubling up to a day). A known device is now held by a lockout of its own
(`device:<hash>`, its failures only); a browser never seen is still held by the account's and
the address's lockouts, so guessing nora's password stays throttled.

Over real HTTP against the served app (tests.web_env), as round 9's test.
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
        with web_env(tmp_path_factory.mktemp("web-round13"), receiver.url, receiver.secret) as e:
            # a lock that outlasts the test on a loaded machine, as an attacker's would
            e.data.settings = e.data.settings.model_copy(update={"lockout_seconds": 600.0})
            yield e
    finally:
        receiver.stop()


def _login(env: WebEnv, user: str, password: str = PASSWORD, cookies: httpx.Cookies | None = None) -> httpx.Response:
    return httpx.post(env.url("/api/v1/session"), json={"username": user, "password": password}, cookies=cookies)


def test_failures_under_an_analysts_name_do_not_lock_her_own_browser_out(env: WebEnv) -> None:
    first = _login(env, "nora")
    assert first.status_code == 200, first.text
    device = httpx.Cookies({"vigie_device": first.cookies["vigie_device"]})  # what nora's browser kept
    for _ in range(4):  # another local account, no cookie: web.login_max_failures is 3 here
        assert _login(env, "nora", "wrong password!").status_code in (401, 429)
    assert _login(env, "nora", "wrong password!").status_code == 429  # guessing stays throttled
    assert _login(env, "nora").status_code == 429  # a browser never seen: held by the account's lock
    again = _login(env, "nora", cookies=device)  # before: 429, the account's lock
    assert again.status_code == 200, again.text
    # the lock is still there for others: her login did not clear what the attacker set
    assert _login(env, "nora").status_code == 429
    # and her device has a lock of its own: three failures with it hold it
    device = httpx.Cookies({"vigie_device": again.cookies["vigie_device"]})
    for _ in range(3):
        assert _login(env, "nora", "wrong password!", cookies=device).status_code == 401
    assert _login(env, "nora", cookies=device).status_code == 429
