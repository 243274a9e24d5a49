"""Email delivery over SMTP (STARTTLS, implicit TLS or none for a local relay; optional auth).

The Message-ID is derived from the alert (or digest) id, so a re-send after a crash carries the
same Message-ID and mail systems or the recipient's tooling can drop the duplicate.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from alerts.channels import ChannelError
from vigie.config.schema import SmtpSettings

__all__ = ["SmtpSender", "message_id_for"]


def message_id_for(key: str) -> str:
    return f"<{key}@alerts.vigie>"


class SmtpSender:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def _context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=str(self.settings.ca_certs) if self.settings.ca_certs else None)
        return ctx

    def build(self, to: list[str], key: str, subject: str, text: str, html: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.settings.from_address
        msg["To"] = ", ".join(to)
        msg["Subject"] = subject
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
                client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds,
                                                        context=self._context())
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
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
        except smtplib.SMTPAuthenticationError as exc:
            raise ChannelError(f"SMTP {s.host}:{s.port}: authentication failed ({exc.smtp_code}); "
                               "check alerts.smtp.username/password", permanent=True) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelError(f"SMTP {s.host}:{s.port}: {type(exc).__name__}: {exc}") from None
