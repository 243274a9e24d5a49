"""Signed webhook delivery: JSON POST over HTTPS (plain HTTP only to a loopback address).

Signed the Standard Webhooks way (see alerts.verify and docs/webhooks.md): `webhook-id` (the
alert or digest id, identical on every re-send), `webhook-timestamp`, and `webhook-signature`
over id, timestamp and body together, so neither the id nor the timestamp can be changed by
someone who captured a request.

The receiver's host name is resolved by Vigie, checked (`vigie.core.addresses`: a public address,
or one in `alerts.webhook.allowed_addresses`) and connected to as checked: the organisation runs
that name's DNS and could otherwise point it at a service on this machine or its network, and
read from "test webhook"'s answer whether a port there is open.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from typing import ClassVar
from urllib.parse import urlsplit

from loguru import logger

from alerts.channels import ChannelError
from alerts.verify import sign, signing_key
from vigie.config.schema import WebhookSettings
from vigie.core.addresses import address_refusal, is_ip, is_public, parse_networks

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


class WebhookSender:
    def __init__(self, settings: WebhookSettings) -> None:
        self.settings = settings
        self._context = ssl.create_default_context(cafile=str(settings.ca_certs) if settings.ca_certs else None)
        self._allowed = parse_networks(settings.allowed_addresses)
        self._attempt = threading.local()  # `internal`: this thread's last POST went to a non-public address

    def addresses(self, url: str) -> list[str]:
        """Where a POST to `url` may connect: its host as written when that is an address, else the
        name's addresses once each is public or in `alerts.webhook.allowed_addresses` (a whole
        answer refused for one that is not, without connecting anywhere: ChannelError)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        if is_ip(host):
            return [host]
        return self._checked(url, host, _resolve(url, host, parts.port or 443))

    def _checked(self, url: str, host: str, found: list[str] | ChannelError) -> list[str]:
        if isinstance(found, ChannelError):
            raise found
        why = address_refusal(host, found, self._allowed, setting="alerts.webhook.allowed_addresses",
                              what="the receiver's DNS pointing the webhook at this machine or its network")
        if why is not None:
            raise ChannelError(f"webhook {_where(url)}: {why}")
        return found

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
        headers = {  # names as urllib sent them (title case), for receivers that read them so
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Vigie-Webhook/2",
            "Webhook-Id": msg_id,
            "Webhook-Timestamp": ts,
            "Webhook-Signature": sign(secret, msg_id, ts, body),
            "Connection": "close",
        }
        status, reason = self._post(url, body, headers)
        if not 200 <= status < 300:  # a redirect too: it could move a signed alert to another host
            raise ChannelError(f"webhook {_where(url)}: HTTP {status} {reason}")
        return status

    def send_test(self, url: str, secret: str, body: bytes, msg_id: str) -> int:
        """`send`, for the web app's "test webhook", whose outcome the organisation's member reads.

        Why: with `alerts.webhook.allowed_addresses` set, an organisation could point its
        receiver's name at any host of those networks and read from the outcome (connection
        refused, reset, a TLS error, an HTTP status) and from how soon it came whether a port
        there answers (round 11 of the attacker's review). A receiver at a non-public address
        that does not take the POST is said alike whatever failed, and not before
        `timeout_seconds`; what failed goes to the log, for the operator. A public address is
        said as before (anyone may probe it from anywhere)."""
        started = time.monotonic()
        self._attempt.internal = False
        try:
            return self.send(url, secret, body, msg_id)
        except ChannelError as exc:
            if not self._attempt.internal:
                raise
            logger.warning("test webhook: {}", exc)
            time.sleep(max(0.0, self.settings.timeout_seconds - (time.monotonic() - started)))
            raise ChannelError(f"webhook {_where(url)}: not delivered (the receiver's address is not public, "
                               "as alerts.webhook.allowed_addresses lets it be: what failed is in Vigie's log, "
                               "for its operator)") from None

    def _addresses_within(self, url: str, timeout: float) -> list[str]:
        """`addresses(url)` within `timeout` seconds. Why: the receiver's name is answered by the
        organisation's DNS, which may answer slowly (glibc waits for each server up to its own time-out
        and tries again), and the one delivery worker held every other organisation's alerts
        meanwhile. The lookup cannot be cut: it goes on in a daemon thread of its own
        (`_Lookup`), which every later send to the same name joins while it runs."""
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        if is_ip(host):
            return [host]
        lookup = _Lookup.join(url, host, parts.port or 443)
        if not lookup.done.wait(timeout) or lookup.answer is None:
            raise ChannelError(f"webhook {_where(url)}: its host did not resolve within {timeout} s "
                               "(alerts.webhook.timeout_seconds)")
        return self._checked(url, host, lookup.answer)

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """One POST, over within `timeout_seconds` whatever the receiver does.

        http.client, not urllib: it follows no redirect and reads no proxy from the environment.
        Its timeout bounds each socket operation only, so a receiver that drips its answer (a
        byte every few seconds) held the POST, and the one delivery worker with it (every other
        organisation's alerts waited), for as long as it liked; a timer shuts the socket down
        at the deadline, which ends whatever read or write is under way."""
        parts = urlsplit(url)
        timeout = self.settings.timeout_seconds
        started = time.monotonic()
        addresses = self._addresses_within(url, timeout)
        self._attempt.internal = not all(is_public(a) for a in addresses)
        left = max(0.001, timeout - (time.monotonic() - started))  # what is left for the POST itself
        try:
            if parts.scheme == "https":
                conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                    parts.hostname or "", parts.port, timeout=left, context=self._context)
            else:
                conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=left)
        except (ValueError, http.client.HTTPException) as exc:  # a port that is not one
            raise ChannelError(f"webhook {_where(url)}: {type(exc).__name__}", permanent=True) from None

        def pinned(address: tuple[str, int], timeout: float, source: object = None) -> socket.socket:
            """http.client's connect, to the addresses checked (the name is not asked again; TLS
            still verifies the certificate for the name, and Host carries it)."""
            last: OSError = OSError("no address")
            for ip in addresses:
                try:
                    return socket.create_connection((ip, address[1]), timeout)
                except OSError as exc:
                    last = exc
            raise last

        conn._create_connection = pinned  # type: ignore[attr-defined]
        expired = threading.Event()

        def cut() -> None:
            expired.set()
            sock = conn.sock
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(left, cut)
        timer.daemon = True
        timer.start()
        try:
            conn.connect()
            if expired.is_set():  # the deadline passed while the socket was being made
                raise TimeoutError
            conn.request("POST", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), body, headers)
            resp = conn.getresponse()
            if expired.is_set():  # cut mid-headers: http.client takes the end of the stream for their end
                raise TimeoutError
        except (OSError, http.client.HTTPException) as exc:
            timer.cancel()
            conn.close()
            if expired.is_set():
                raise ChannelError(f"webhook {_where(url)}: no answer within {timeout} s "
                                   "(alerts.webhook.timeout_seconds)") from None
            # an HTTPException's text may quote the URL (its token) or the receiver's bytes: its name only
            reason = (f": {exc.strerror or exc}" if isinstance(exc, OSError)
                      and not isinstance(exc, http.client.HTTPException) else "")
            raise ChannelError(f"webhook {_where(url)}: {type(exc).__name__}{reason}") from None
        try:  # the status is the answer; the body is read (a little of it) only to be polite
            with contextlib.suppress(OSError, http.client.HTTPException):
                resp.read(1 << 16)
            return int(resp.status), resp.reason
        finally:
            timer.cancel()
            conn.close()


def _resolve(url: str, host: str, port: int) -> list[str] | ChannelError:
    """The system resolver's addresses for `host`, or the error saying it did not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        return ChannelError(f"webhook {_where(url)}: the host did not resolve ({exc})")
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _Lookup:
    """One system lookup of a receiver's name, in a thread of its own, joined by every send to
    that name (and port) while it runs; at most MAX_LOOKUPS names at once in this process.

    Why: getaddrinfo cannot be cut, and a name whose DNS never answers held its thread as long
    as glibc waits (`options timeout:30 attempts:5` and three servers: 450 s), a new thread each
    time: every delivery attempt, every "test webhook" click once the previous one timed out. An
    organisation's DNS kept a thread per click and per retry alive (round 11 of the attacker's
    review); now it keeps one per name it points its receiver at, and past MAX_LOOKUPS names
    still running a send is refused at once (retried later like any failed delivery)."""

    MAX_LOOKUPS = 32
    _running: ClassVar[dict[tuple[str, int], _Lookup]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        self.done = threading.Event()
        self.answer: list[str] | ChannelError | None = None

    @classmethod
    def join(cls, url: str, host: str, port: int) -> _Lookup:
        key = (host.lower(), port)
        with cls._lock:
            lookup = cls._running.get(key)
            if lookup is not None:
                return lookup
            if len(cls._running) >= cls.MAX_LOOKUPS:
                raise ChannelError(f"webhook {_where(url)}: {len(cls._running)} receivers' names are still being "
                                   "looked up (their DNS does not answer): not resolved now, tried again later")
            lookup = cls._running[key] = cls()

        def resolve() -> None:
            try:
                lookup.answer = _resolve(url, host, port)
            finally:
                with cls._lock:
                    cls._running.pop(key, None)
                lookup.done.set()

        threading.Thread(target=resolve, name="vigie-webhook-dns", daemon=True).start()
        return lookup
