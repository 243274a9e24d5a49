"""WhatsApp's click-to-chat links, read as the international numbers they dial.

A scam's target list, a seller's "contact me" line or a CRM export writes a phone as the link
that opens a chat with it: `https://wa.me/33612345678?text=...`, `https://api.whatsapp.com/send?
phone=33612345678`, `whatsapp://send?phone=...`. The number is international WITHOUT its `+`, a
run of 11 digits the scan reads as no phone (blind set 9b: a target list gave nothing). `bare(text)`
writes each such link's head as spaces and its last character as `+` (`https://wa.me/33612...` ->
`             +33612...`), and its query after the number (`?text=Bonjour%20...`) as spaces: the
same length, so lines and offsets stay (as `cellwrap.bare`), and the number is then what the scan
reads anywhere. A link to no number (`https://wa.me/message/AB12`) is left as written. Asked where
`firstlook.DIAL` says such a link may be, before the engines read the text: the same text for both.
"""

from __future__ import annotations

import re

from indexer.chat_links import CHAT_HEAD

__all__ = ["NEEDLES", "bare"]

# the first look's patterns (Hyperscan, on the UTF-8 bytes): supersets of where `_LINK` matches
NEEDLES = (rb"wa\.me/", rb"phone=")
# the link's head up to the number's first digit (group 1: what is made spaces and a `+`); the
# number 8 to 15 digits, not followed by another digit; the query after it (group 2: made spaces)
_LINK = re.compile(r"(" + CHAT_HEAD + r")[0-9]{8,15}(?![0-9])([?&#][^\s\"'<>]{0,2000})?", re.IGNORECASE)


def bare(text: str) -> str | None:
    """`text` with each click-to-chat link's head made blanks and a `+` (see the module), or None
    when it holds none."""
    if "wa.me/" not in text and "phone=" not in text:
        return None
    out: list[str] = []
    last = 0
    for m in _LINK.finditer(text):
        a, b = m.span(1)
        out += [text[last:a], " " * (b - a - 1), "+", text[b:m.end()]]
        last = m.end()
        if m.start(2) >= 0:  # its query (`?text=Bonjour%20...`): a message, no part of the number
            out[-1] = text[b:m.start(2)] + " " * (m.end(2) - m.start(2))
    if not out:
        return None
    out.append(text[last:])
    return "".join(out)
