"""Local receivers, for the demo and the tests: a real SMTP server (aiosmtpd) and a real webhook
endpoint, both on 127.0.0.1 only, both recording what they receive.

The webhook receiver does what an organisation's receiver should (docs/webhooks.md): it verifies
the signature with `alerts.verify.verify_signature` and processes each signed `webhook-id` once
(later copies are acknowledged with 200 but counted as duplicates). It keeps every raw receipt,
so a test can tell "sent twice, processed once" from "processed twice". `plan` scripts faults.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from vigie_kit.ports import free_port

__all__ = ["Receipt", "SmtpSink", "WebhookReceiver", "free_port"]


@dataclass
class SmtpSink:
    """aiosmtpd on 127.0.0.1:`port`. `stop()`/`start()` simulate an outage on the same port."""

    port: int = field(default_factory=free_port)
    tls_context: Any = None  # ssl.SSLContext -> STARTTLS offered and required
    credentials: tuple[str, str] | None = None  # AUTH required when set
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    _controller: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                msg = message_from_bytes(envelope.original_content or envelope.content,
                                         policy=policy.default)
                with sink._lock:
                    sink.messages.append(msg)
                    sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                return "250 Message accepted for delivery"

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
            ok = sink.credentials is not None and (
                auth_data.login.decode(), auth_data.password.decode()) == sink.credentials
            return AuthResult(success=ok, handled=False)

        kwargs: dict[str, Any] = {}
        if self.tls_context is not None:
            kwargs.update(tls_context=self.tls_context, require_starttls=True)
        if self.credentials is not None:
            # PLAIN only: aiosmtpd's LOGIN exchange stalls with smtplib after a failed attempt
            kwargs.update(authenticator=authenticator, auth_required=True, auth_exclude_mechanism=["LOGIN"],
                          auth_require_tls=self.tls_context is not None)
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port,
                                      server_hostname="localhost", ready_timeout=10, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()

    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(m["Message-ID"]) for m in self.messages]

    def wait_for(self, n: int, timeout: float = 20) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= n:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {n} email(s) at the SMTP sink, got {len(self.messages)}")


    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Receipt:
    headers: dict[str, str]  # names in lower case
    body: bytes
    verified: bool
    status: int
    at: float


@dataclass
class WebhookReceiver:
    """HTTP server on 127.0.0.1:0. `plan` scripts the next answers: an int status, or
    ("sleep", seconds) to time the client out, before the default 200."""

    secret: str = "test-webhook-secret-0123456789abcdef"
    plan: list[Any] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    processed: dict[str, dict[str, Any]] = field(default_factory=dict)  # webhook-id -> JSON
    duplicates: int = 0
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/vigie"

    def start(self) -> WebhookReceiver:
        from alerts.verify import verify_signature

        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}  # HTTP names are case-blind
                verified = verify_signature(receiver.secret, self.headers.get("webhook-id"),
                                            self.headers.get("webhook-timestamp"), body,
                                            self.headers.get("webhook-signature"))
                with receiver._lock:
                    action = receiver.plan.pop(0) if receiver.plan else 200
                if isinstance(action, tuple) and action[0] == "sleep":
                    receiver._record(headers, body, verified, 0)
                    time.sleep(action[1])
                    return  # the client has timed out; the connection just closes
                status = int(action)
                if status == 200:
                    if not verified:
                        status = 401
                    else:
                        key = self.headers.get("webhook-id", "")
                        with receiver._lock:
                            if key in receiver.processed:
                                receiver.duplicates += 1
                            else:
                                receiver.processed[key] = json.loads(body)
                receiver._record(headers, body, verified, status)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def _record(self, headers: dict[str, str], body: bytes, verified: bool, status: int) -> None:
        with self._lock:
            self.receipts.append(Receipt(headers, body, verified, status, time.time()))

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def clear(self) -> None:
        with self._lock:
            self.plan.clear()
            self.receipts.clear()
            self.processed.clear()
            self.duplicates = 0

    def wait_for(self, n: int, timeout: float = 20) -> dict[str, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.processed) >= n:
                    return dict(self.processed)
            time.sleep(0.05)
        raise AssertionError(f"expected {n} processed webhook(s), got {len(self.processed)}")


    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
