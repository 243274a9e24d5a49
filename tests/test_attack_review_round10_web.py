"""Attacker's review, round 10: an organisation member and the web app's "test webhook".

The test POSTs a signed event to the organisation's own receiver and waits for its answer, up to
`alerts.webhook.timeout_seconds`, on a thread of the app's pool (40 by default). A member whose
receiver never answers (its own server) took a thread per click, as many at once as it liked:
with the pool taken, every analyst's page and API call waited behind them. Now one test per
organisation runs at a time; another asked meanwhile is answered 429 at once.

The same holds for a pre-hash upload: each started a retro-hunt thread searching the whole store,
as many at once as a member uploaded files of fresh pre-hashes; now one per organisation at a time.

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
        request = b""
        while b"\r\n\r\n" not in request and (chunk := conn.recv(65536)):
            request += chunk
        head, _, body = request.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length and (chunk := conn.recv(65536)):
            body += chunk
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


def _prehashes(n: int) -> bytes:
    """A `vigie hash` file of one pre-hash no one registered before (`n` makes it another)."""
    import hashlib

    return f"type,prehash\nemail,{hashlib.sha256(f'round10-{n}'.encode()).hexdigest()}\n".encode()


def test_a_member_cannot_start_retro_hunts_without_end(held: tuple[WebEnv, _HoldingReceiver],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """While the organisation's retro-hunt runs (held here at its first step, the store's flush,
    until the test lets go: how long a hunt over a big store takes), its next upload is answered
    429 and registers nothing; once the hunt is done, the next goes through. Before the fix
    every upload started one more hunt at once (202)."""
    env, _ = held
    token = env.tokens["member-org-a"]
    release, entered = threading.Event(), threading.Event()
    flush = env.data.store.flush

    def slow_flush() -> None:
        entered.set()
        release.wait(60)
        flush()

    monkeypatch.setattr(env.data.store, "flush", slow_flush)

    def upload(n: int) -> httpx.Response:
        return httpx.post(env.url("/api/v1/orgs/org-a/prehash"), timeout=60, files={"file": ("p.csv", _prehashes(n))},
                          headers={"Authorization": f"Bearer {token}"})

    try:
        first = upload(1)
        assert first.status_code == 202, first.text
        assert entered.wait(60)
        second = upload(2)
        other_org = httpx.post(env.url("/api/v1/orgs/org-b/prehash"), timeout=60,
                               files={"file": ("p.csv", _prehashes(3))},
                               headers={"Authorization": f"Bearer {env.tokens['member-org-b']}"})
    finally:
        release.set()
    assert second.status_code == 429, second.text
    assert other_org.status_code == 202, other_org.text  # another organisation's turn is its own
    hunt = first.json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = httpx.get(env.url(f"/api/v1/orgs/org-a/hunts/{hunt}"), timeout=60,
                          headers={"Authorization": f"Bearer {token}"}).json()["state"]
        if state != "hunting":
            break
        time.sleep(0.05)
    assert state == "done"
    third = upload(4)
    assert third.status_code == 202, third.text
