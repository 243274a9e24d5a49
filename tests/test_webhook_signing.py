"""Webhooks signed the Standard Webhooks way, sent by the real WebhookSender to a real HTTP receiver
that follows the recipe of docs/webhooks.md (WebhookVerifier + a table of processed ids).

What an attacker who captured one request can do with it: re-send it as is (a replay: not
processed again), under another id (the id is signed: refused), with a changed body or timestamp
(refused), or later (stale: refused). And the reference `standardwebhooks` library accepts what
Vigie sends, for both forms of secret.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from alerts.channels import ChannelError
from alerts.channels.webhook import WebhookSender
from alerts.verify import Verdict, WebhookVerifier, verify_signature
from vigie.config.schema import WebhookSettings

PLAIN = "plain-webhook-secret-0123456789abcdef"
WHSEC = "whsec_" + base64.b64encode(bytes(range(7, 39))).decode()
BODY = json.dumps({"type": "vigie.alert", "id": "a1", "alert": {"severity": "high"}}).encode()


class RecipeReceiver:
    """docs/webhooks.md's receiver on 127.0.0.1:0: 401 unless VALID or REPLAY; a REPLAY is
    answered 200 and not processed. `clock_offset` moves its clock (for the stale case)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.clock_offset = 0.0
        self.verifier = WebhookVerifier(secret, clock=self._now)
        self.processed: list[str] = []
        self.captured: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = dict(self.headers.items())
                receiver.captured.append((headers, body))
                verdict = receiver.verifier.verify(headers, body)
                if verdict is Verdict.VALID:
                    receiver.processed.append(headers["Webhook-Id"])
                self.send_response(401 if verdict is Verdict.INVALID else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _now(self) -> float:
        return time.time() + self.clock_offset

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/vigie"

    def replay(self, headers: dict[str, str], body: bytes) -> int:
        """POST a (possibly altered) captured request, as an attacker would."""
        keep = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length", "connection")}
        req = urllib.request.Request(self.url, data=body, method="POST", headers=keep)
        try:
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req, timeout=5) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            return exc.code


@pytest.fixture(params=[PLAIN, WHSEC], ids=["plain-secret", "whsec-secret"])
def receiver(request: pytest.FixtureRequest) -> Iterator[RecipeReceiver]:
    r = RecipeReceiver(request.param)
    yield r
    r.server.shutdown()
    r.server.server_close()


def _send(receiver: RecipeReceiver, secret: str, msg_id: str = "a1") -> tuple[dict[str, str], bytes]:
    assert WebhookSender(WebhookSettings()).send(receiver.url, secret, BODY, msg_id) == 200
    return receiver.captured[-1]


def test_replays_and_tampering_are_refused(receiver: RecipeReceiver) -> None:
    secret = receiver.secret
    headers, body = _send(receiver, secret)
    assert receiver.processed == ["a1"] and "Idempotency-Key" not in headers
    # the captured request again, as is: answered 200 (nothing to retry) but not processed
    assert receiver.replay(headers, body) == 200 and receiver.processed == ["a1"]
    # under a new id (the old attack: a new Idempotency-Key): the id is signed, refused
    assert receiver.replay({**headers, "Webhook-Id": "a1-again"}, body) == 401
    assert receiver.replay({**headers, "Webhook-Id": "a1-again", "Idempotency-Key": "new"}, body) == 401
    # tampered body, tampered timestamp
    assert receiver.replay(headers, body.replace(b"high", b"low!")) == 401
    ts = int(headers["Webhook-Timestamp"])
    assert receiver.replay({**headers, "Webhook-Timestamp": str(ts + 1)}, body) == 401
    # a signature header that is not ASCII (sent as Latin-1 bytes): invalid, not a crash
    assert receiver.replay({**headers, "Webhook-Signature": "v1,\u00e9t\u00e9"}, body) == 401
    assert receiver.processed == ["a1"]
    # Vigie's own re-send of the same id (new timestamp and signature): a duplicate, not processed
    _send(receiver, secret)
    assert receiver.processed == ["a1"]
    # a new message is processed
    _send(receiver, secret, "a2")
    assert receiver.processed == ["a1", "a2"]


def test_a_stale_request_is_refused(receiver: RecipeReceiver) -> None:
    secret = receiver.secret
    receiver.clock_offset = -3600  # the receiver's clock is an hour behind: the request is from its future
    sender = WebhookSender(WebhookSettings())
    with pytest.raises(ChannelError, match="HTTP 401"):
        sender.send(receiver.url, secret, BODY, "late")
    receiver.clock_offset = 302  # signed now, 302 s old on the receiver's clock (tolerance 300)
    with pytest.raises(ChannelError, match="HTTP 401"):
        sender.send(receiver.url, secret, BODY, "late")
    assert receiver.processed == []
    receiver.clock_offset = 0
    _send(receiver, secret, "late")
    assert receiver.processed == ["late"]


def test_reference_library_verifies_our_requests(receiver: RecipeReceiver) -> None:
    secret = receiver.secret
    headers, body = _send(receiver, secret, "interop-1")
    reference = Webhook(secret) if secret.startswith("whsec_") else Webhook(secret.encode())
    assert reference.verify(body, headers) == json.loads(BODY)
    with pytest.raises(WebhookVerificationError):
        reference.verify(body, {**headers, "Webhook-Id": "interop-2"})
    # and the other way round: what the reference library signs, alerts.verify accepts
    ts = datetime.now(UTC).replace(microsecond=0)
    signed = reference.sign("interop-3", ts, body.decode())
    assert verify_signature(secret, "interop-3", str(int(ts.timestamp())), body, signed)
    assert not verify_signature(secret, "interop-4", str(int(ts.timestamp())), body, signed)


def test_a_bad_whsec_secret_is_a_permanent_error() -> None:
    with pytest.raises(ChannelError, match="whsec_") as err:
        WebhookSender(WebhookSettings()).send("http://127.0.0.1:9/hook", "whsec_***", BODY, "x")
    assert err.value.permanent


def test_delivery_errors_name_only_the_receivers_host() -> None:
    """A webhook URL's path and query often hold the receiver's token; the error text is kept in
    the outbox (`last_error`) and shown by `vigie alerts list`, where log masking does not reach."""
    from vigie_kit.ports import free_port

    port = free_port()  # a port with nothing listening: connection refused (none binding port 0 is given it)
    for url in (f"http://127.0.0.1:{port}/hooks/T0KEN-in-path?token=T0KEN-in-query",
                "http://receiver.example/hooks/T0KEN-in-path?token=T0KEN-in-query"):
        with pytest.raises(ChannelError) as raised:
            WebhookSender(WebhookSettings()).send(url, "a-long-enough-secret-value", BODY, "msg-1")
        assert "T0KEN" not in str(raised.value)
        assert urlsplit(url).hostname in str(raised.value)
