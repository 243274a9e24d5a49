"""Signed webhook delivery: JSON POST over HTTPS (plain HTTP only to a loopback address).

Signed the Standard Webhooks way (see alerts.verify and docs/webhooks.md): `webhook-id` (the
alert or digest id, identical on every re-send), `webhook-timestamp`, and `webhook-signature`
over id, timestamp and body together, so neither the id nor the timestamp can be changed by
someone who captured a request.
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
from alerts.verify import sign, signing_key
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


def _where(url: str) -> str:
    """What an error may say of a webhook URL: scheme, host and port. Its path or query often
    holds the receiver's token, and error texts are kept in the outbox and shown by
    `vigie alerts list`, beyond the reach of log masking."""
    parts = urlsplit(url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}/…"


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
        raise ChannelError(f"webhook URL {_where(url)} must use https (http is allowed only for loopback)",
                           permanent=True)

    def send(self, url: str, secret: str, body: bytes, msg_id: str) -> int:
        """POST `body` signed under `msg_id` (the id the receiver deduplicates on); returns the
        HTTP status. A fresh timestamp and signature on every attempt, the same id."""
        self.check_url(url)
        try:
            signing_key(secret)
        except ValueError as exc:
            raise ChannelError(f"webhook {_where(url)}: channels.webhook.secret: {exc}", permanent=True) from None
        ts = str(int(time.time()))
        req = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Vigie-Webhook/2",
            "webhook-id": msg_id,
            "webhook-timestamp": ts,
            "webhook-signature": sign(secret, msg_id, ts, body),
        })
        try:
            with self._opener.open(req, timeout=self.settings.timeout_seconds) as resp:
                resp.read(1 << 16)
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            raise ChannelError(f"webhook {_where(url)}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ChannelError(f"webhook {_where(url)}: {type(reason).__name__}: {reason}") from None
