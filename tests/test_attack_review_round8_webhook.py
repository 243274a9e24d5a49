"""Attacker's review, round 8: what an organisation's webhook receiver can do to delivery.

The receiver is the organisation's server (or whoever answers at its address): it may answer
slowly, a byte at a time. Real receivers on 127.0.0.1 (plain and TLS), the real delivery worker.
"""

from __future__ import annotations

import socket
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.test_attack_review_round8 import RawSite


class _DrippingReceiver(RawSite):
    """A webhook receiver (an organisation's server, or whoever holds its address) that drips its
    answer one byte every 0.2 s, each well within a socket timeout: its headers (the answer never
    comes), or after a 200 its 64 KiB body. It gives up after `seconds`."""

    def __init__(self, seconds: float, what: str, tls: Any = None) -> None:
        self.seconds, self.what = seconds, what
        super().__init__(tls)
        self.url += "/hook"

    def answer(self, conn: socket.socket) -> None:
        conn.recv(65536)
        head = b"X-Slow: " if self.what == "headers" else b"\r\n"
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 65536\r\n" + head)
        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            conn.sendall(b"x")
            time.sleep(0.2)


@pytest.mark.parametrize("what", ["headers", "body"])
def test_a_webhook_receiver_dripping_its_answer_does_not_hold_delivery(what: str, alerts_env: Any,
                                                                       smtp_sink: Any) -> None:
    """An organisation's webhook receiver drips its answer. `alerts.webhook.timeout_seconds` is
    "the timeout of one webhook POST", but urllib's timeout bounds each socket read only: before
    the fix the POST lasted as long as the receiver liked (here 20 s, hours at its choosing),
    and the one delivery worker sent nothing else meanwhile, other organisations' alerts
    included. Now the POST ends at the timeout and the worker goes on: without an answer the
    alert is retried later; a 200 whose body drips is an answer (delivered)."""
    from alerts.matcher import alert_id_for
    from indexer.identifiers import canonical_forms
    from indexer.tokens import prehash
    from tests.fixtures.mail import make_fragment
    from vigie.wiring import build_delivery_worker, build_matcher

    receiver = _DrippingReceiver(seconds=20, what=what)
    try:
        alerts_env.write(smtp_sink.port, receiver.url, "a-long-enough-secret-value", webhook_timeout=1.0)
        prehashes = alerts_env.root / "prehashes.csv"
        forms = canonical_forms("email", "camille.durand@hopital-exemple.fr")
        prehashes.write_text("type,prehash\n" + "".join(f"email,{prehash('email', f).hex()}\n" for f in forms))
        rt = alerts_env.runtime()
        matcher = build_matcher(rt.config, alerts_env.data)
        matcher.registry.register_prehash_file("acme", prehashes, rt.match_key)
        doc = make_fragment(rt.match_key, [("email", "camille.durand@hopital-exemple.fr")])
        assert matcher.on_fragments([doc]) == 1
        worker = build_delivery_worker(rt.config, alerts_env.data)
        started = time.monotonic()
        worker.run_once()
        took = time.monotonic() - started
    finally:
        receiver.close()
    assert took < 5, took
    aid = alert_id_for("acme", doc.id)
    [hook] = [d for d in matcher.outbox.alert_deliveries(aid) if d.channel == "webhook"]
    if what == "headers":
        assert hook.status == "pending" and "no answer within 1.0 s" in (hook.last_error or ""), hook
    else:
        assert hook.status == "sent", hook
    assert len(smtp_sink.wait_for(1)) == 1  # the same pass's e-mail went out


def test_a_webhook_over_https_is_verified_and_bounded_as_well(tmp_path: Path) -> None:
    """The same POST over TLS (the only scheme for a receiver not on this machine): delivered to a
    receiver whose certificate the configured CA signed, refused without that CA, and a receiver
    dripping its TLS answer is cut at the timeout."""
    import ssl

    from alerts.channels import ChannelError
    from alerts.channels.webhook import WebhookSender
    from tests.test_alerts_delivery import _self_signed
    from tests.test_webhook_signing import BODY, PLAIN, RecipeReceiver
    from vigie.config.schema import WebhookSettings

    cert, key = _self_signed(tmp_path)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    receiver = RecipeReceiver(PLAIN)
    server: ThreadingHTTPServer = receiver.server
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    dripping = _DrippingReceiver(seconds=20, what="headers", tls=ctx)
    sender = WebhookSender(WebhookSettings(ca_certs=cert, timeout_seconds=1.0))
    try:
        assert sender.send(f"https://localhost:{port}/hooks/vigie", PLAIN, BODY, "tls-1") == 200
        assert receiver.processed == ["tls-1"]
        with pytest.raises(ChannelError, match="SSLCertVerificationError"):
            WebhookSender(WebhookSettings()).send(f"https://localhost:{port}/hooks/vigie", PLAIN, BODY, "tls-2")
        assert receiver.processed == ["tls-1"]
        started = time.monotonic()
        with pytest.raises(ChannelError, match="no answer within 1.0 s"):
            sender.send(f"https://localhost:{dripping.sock.getsockname()[1]}/hook", PLAIN, BODY, "tls-3")
        assert time.monotonic() - started < 5
    finally:
        server.shutdown()
        server.server_close()
        dripping.close()
