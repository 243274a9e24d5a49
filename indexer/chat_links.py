"""WhatsApp's click-to-chat links, the one pattern both of their readers use.

A scam's target list, a seller's "contact me" button or a CRM export writes a phone as the link
that opens a chat with it (`https://wa.me/33612345678`, `https://api.whatsapp.com/send?phone=
33612345678`, `whatsapp://send?phone=...`): the number international, without its `+`. An HTML
link's target is read by `indexer.html_text` (a button that does not show its number), a link
written in text by `indexer.detect.dial`; both read the link's head with `CHAT_HEAD` so that
they agree on what a chat link is.
"""

from __future__ import annotations

__all__ = ["CHAT_HEAD"]

# the link up to the number's first digit: the host and path, up to four other query parameters
# before `phone=` (bounded: a hostile link costs a bounded look), an encoded or bare `+`
CHAT_HEAD = (r"(?:https?://)?(?:wa\.me/|(?:api|web)\.whatsapp\.com/send/?\?(?:[^\s#&]{0,80}&){0,4}phone=|"
             r"whatsapp://send/?\?(?:[^\s#&]{0,80}&){0,4}phone=)(?:%2B|\+)?")
