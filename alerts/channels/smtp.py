"""Email delivery over SMTP (STARTTLS, implicit TLS or none for a local relay; optional auth).

Before the banner is even read, the connection to a loopback server is checked for who owns
it (vigie.core.peers): a squatter on 127.0.0.1:25 while the local relay restarts would get the
SMTP login and every alert. The smtplib classes are subclassed at `_get_socket`, the one place
the socket exists and nothing has been sent.

The Message-ID is derived from the alert (or digest) id, so a re-send after a crash carries the
same Message-ID and mail systems or the recipient's tooling can drop the duplicate.

The Subject goes through `header_text` (the other headers are the configuration's and ids): it
quotes what a crawled site wrote (a victim's name), and an RFC 2047 encoded word in it
(`=?utf-8?b?...?=`) is decoded by Python's e-mail package the moment the header is set, so the
line breaks it hides became header lines of the message sent (a `Reply-To:`, then a blank line
and a body of the attacker's choosing), and what it hides reached the reader past `one_line`.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from loguru import logger

from alerts.channels import ChannelError
from vigie.config.schema import SmtpSettings
from vigie.core.peers import PeerCheckError, TrustedPeers
from vigie.core.text import one_line

__all__ = ["SmtpSender", "header_text", "message_id_for"]


def header_text(value: str) -> str:
    """`value` as a header shows it: one line, no control character (`one_line`), and no `=?`
    that a mail reader or Python's own parser would take for the start of an encoded word."""
    return one_line(value).replace("=?", "= ?")


def message_id_for(key: str) -> str:
    return f"<{key}@alerts.vigie>"


class _PeerChecked:
    """smtplib's connect hook, checked (both SMTP classes: plain and implicit TLS)."""

    def __init__(self, *args: Any, peers: TrustedPeers, **kwargs: Any) -> None:
        self._peers = peers  # before smtplib's __init__, which connects
        super().__init__(*args, **kwargs)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # smtplib's private hook (typeshed does not list it): the socket connected, nothing read or sent
        return self._peers.admit(super()._get_socket(host, port, timeout), "SMTP")  # type: ignore[misc]


class _CheckedSMTP(_PeerChecked, smtplib.SMTP):
    pass


class _CheckedSMTPSSL(_PeerChecked, smtplib.SMTP_SSL):
    pass


class SmtpSender:
    def __init__(self, settings: SmtpSettings, *, peers: TrustedPeers | None = None) -> None:
        self.settings = settings
        self.peers = peers if peers is not None else TrustedPeers.default()

    def _context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=str(self.settings.ca_certs) if self.settings.ca_certs else None)
        return ctx

    def build(self, to: list[str], key: str, subject: str, text: str, html: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.settings.from_address
        msg["To"] = ", ".join(to)
        msg["Subject"] = header_text(subject)
        msg["Date"] = formatdate(usegmt=True)
        msg["Message-ID"] = message_id_for(key)
        msg["X-Vigie-Alert-Id"] = key
        msg.set_content(text)
        msg.add_alternative(html, subtype="html")
        return msg

    def send(self, to: list[str], key: str, subject: str, text: str, html: str) -> None:
        s = self.settings
        msg = self.build(to, key, subject, text, html)
        try:
            if s.security == "ssl":
                client: smtplib.SMTP = _CheckedSMTPSSL(s.host, s.port, timeout=s.timeout_seconds,
                                                       context=self._context(), peers=self.peers)
            else:
                client = _CheckedSMTP(s.host, s.port, timeout=s.timeout_seconds, peers=self.peers)
            with client:
                client.ehlo()
                if s.security == "starttls":
                    client.starttls(context=self._context())
                    client.ehlo()
                if s.username and s.password is not None:
                    client.login(s.username, s.password.get_secret_value())
                refused = client.send_message(msg)
                if refused:
                    raise ChannelError(f"SMTP {s.host}:{s.port} refused recipient(s) {sorted(refused)}")
        except PeerCheckError as exc:
            logger.error("alerts: SMTP {}:{} refused: {}", s.host, s.port, exc)
            raise ChannelError(f"SMTP {s.host}:{s.port}: {exc}") from None
        except smtplib.SMTPAuthenticationError as exc:
            raise ChannelError(f"SMTP {s.host}:{s.port}: authentication failed ({exc.smtp_code}); "
                               "check alerts.smtp.username/password", permanent=True) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"SMTP {s.host}:{s.port}: {type(exc).__name__}: {exc}") from None
