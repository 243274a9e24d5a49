"""Attacker's review, round 10: an organisation member and the web app's "test webhook".

The test POSTs a signed event to the organisation's own receiver and waits for its answer, up to
`alerts.webhook.timeout_seconds`, on a thread of the app's pool (40 by default). A member whose
receiver never answers (its own server) took a thread per click, as many at once as it liked:
with the pool taken, every analyst's page and API call waited behind them. Now one test per
organisation runs at a time; another asked meanwhile is answered 429 at once.

Real parts, loopback only: the served app (tests/web_env.py, real uvicorn), a member's bearer
token over HTTP, a receiver on 127.0.0.1 that holds every connection until the test lets go.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.test_attack_review_round8 import RawSite
from tests.web_env import WebEnv, web_env

pytestmark = pytest.mark.slow


class _HoldingReceiver(RawSite):
    """Counts the connections it gets and answers none until `release` is set (then 200)."""

    def __init__(self) -> None:
        self.connections = 0
        self.release = threading.Event()
        super().__init__()

    def answer(self, conn: socket.socket) -> None:
        self.connections += 1
        self.release.wait(60)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


@pytest.fixture()
def held(tmp_path: Path) -> Iterator[tuple[WebEnv, _HoldingReceiver]]:
    from alerts.channels.webhook import WebhookSender
    from vigie.config.schema import WebhookSettings

    receiver = _HoldingReceiver()
    try:
        with web_env(tmp_path, receiver.url + "/hook", "a-long-enough-secret-value") as env:
            env.data.webhook = WebhookSender(WebhookSettings(timeout_seconds=60))  # longer than the test waits
            yield env, receiver
    finally:
        receiver.release.set()
        receiver.close()


def test_a_member_cannot_hold_the_apps_threads_with_test_webhooks(held: tuple[WebEnv, _HoldingReceiver]) -> None:
    """Six test webhooks at once from one member. Before the fix all six reached the receiver
    (six of the app's threads held); now one does and five are answered 429 at once."""
    env, receiver = held
    token = env.tokens["member-org-a"]
    answers: list[int] = []

    def click() -> None:
        answer = httpx.post(env.url("/api/v1/orgs/org-a/webhook/test"), timeout=120,
                            headers={"Authorization": f"Bearer {token}"})
        answers.append(answer.status_code)

    clients = [threading.Thread(target=click, daemon=True) for _ in range(6)]
    for c in clients:
        c.start()
    deadline = time.monotonic() + 60  # a bound for a failing run only: a passing one ends at once
    while receiver.connections + answers.count(429) < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    held_connections = receiver.connections
    receiver.release.set()
    for c in clients:
        c.join(60)
    assert held_connections == 1, (held_connections, answers)
    assert sorted(answers) == [200] + [429] * 5, answers
    # once it has answered, the next test goes through
    again = httpx.post(env.url("/api/v1/orgs/org-a/webhook/test"), timeout=120,
                       headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 200 and again.json()["delivered"] is True, again.text
