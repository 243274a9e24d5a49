"""Signed webhook delivery: JSON POST over HTTPS (plain HTTP only to a loopback address).

Headers: Vigie-Timestamp, Vigie-Signature (v1=HMAC-SHA256(secret, timestamp + "." + body)),
Idempotency-Key (the alert or digest id, identical on every retry). See alerts.verify.
"""

from __future__ import annotations

import ipaddress
import ssl
import time
import urllib.error
import urllib.request
from http.client import HTTPMessage
from typing import IO
from urllib.parse import urlsplit

from alerts.channels import ChannelError
from alerts.verify import signature_header
from vigie.config.schema import WebhookSettings

__all__ = ["WebhookSender", "is_loopback_host"]


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> None:
        return None  # a redirect could move a signed alert to another host: treat as failure


class WebhookSender:
    def __init__(self, settings: WebhookSettings) -> None:
        self.settings = settings
        ctx = ssl.create_default_context(cafile=str(settings.ca_certs) if settings.ca_certs else None)
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=ctx), _NoRedirect(),
            urllib.request.ProxyHandler({}),  # never through an environment proxy
        )

    def check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme == "https":
            return
        if parts.scheme == "http" and self.settings.allow_http_loopback and is_loopback_host(parts.hostname or ""):
            return
        raise ChannelError(f"webhook URL {url!r} must use https (http is allowed only for loopback)",
                           permanent=True)

    def send(self, url: str, secret: str, body: bytes, idempotency_key: str) -> int:
        self.check_url(url)
        ts = str(int(time.time()))
        req = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Vigie-Webhook/1",
            "Vigie-Timestamp": ts,
            "Vigie-Signature": signature_header(secret, ts, body),
            "Idempotency-Key": idempotency_key,
        })
        try:
            with self._opener.open(req, timeout=self.settings.timeout_seconds) as resp:
                resp.read(1 << 16)
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            raise ChannelError(f"webhook {url}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ChannelError(f"webhook {url}: {type(reason).__name__}: {reason}") from None
