"""Local receivers for the demo: a real SMTP server (aiosmtpd) and a real webhook endpoint.

Both listen on 127.0.0.1 only. The webhook receiver does what an organisation's receiver should:
it verifies the signature with `alerts.verify`, rejects stale timestamps, and counts a delivery
once per idempotency key (retries are acknowledged but not double-counted).
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["SmtpSink", "WebhookReceiver", "free_port"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpSink:
    """aiosmtpd on 127.0.0.1; keeps every message, and knows the distinct Message-IDs."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller: Any = None

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        sink = self

        class _Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
                with sink._lock:
                    sink.messages.append(msg)  # type: ignore[arg-type]
                return "250 Message accepted for delivery"

        self._controller = Controller(_Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def distinct(self) -> dict[str, EmailMessage]:
        with self._lock:
            return {str(m["Message-ID"]): m for m in self.messages}

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class WebhookReceiver:
    """ThreadingHTTPServer on 127.0.0.1 that verifies Vigie's signature on every POST."""

    secret: str
    port: int = 0
    accepted: dict[str, dict[str, Any]] = field(default_factory=dict)  # idempotency key -> payload
    deliveries: int = 0  # every verified POST, retries included
    rejected: int = 0
    status_plan: list[int] = field(default_factory=list)  # statuses to answer first (fault tests)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/vigie"

    def start(self) -> WebhookReceiver:
        from alerts.verify import verify_signature

        receiver = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    if receiver.status_plan:
                        self._reply(receiver.status_plan.pop(0))
                        return
                ok = verify_signature(receiver.secret, self.headers.get("Vigie-Timestamp", ""), body,
                                      self.headers.get("Vigie-Signature", ""))
                with receiver._lock:
                    if not ok:
                        receiver.rejected += 1
                        self._reply(401)
                        return
                    receiver.deliveries += 1
                    key = self.headers.get("Idempotency-Key", "")
                    receiver.accepted.setdefault(key, json.loads(body))
                self._reply(200)

            def _reply(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
