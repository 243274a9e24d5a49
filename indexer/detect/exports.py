"""Exports whose values a line-by-line reading cannot see as written: address books and
calendars that fold long lines (vCard, iCalendar: a continuation line begins with one space,
cutting an address or a phone anywhere), vCard 2.1's QUOTED-PRINTABLE values (`N;CHARSET=UTF-8;
ENCODING=QUOTED-PRINTABLE:Lef=C3=A8vre;Fr=C3=A9d=C3=A9ric`, soft line breaks `=`), LDIF's base64
values (`cn:: SMOpbMOobmU=`, any value that is not plain ASCII) and continuation lines, and mail
(a mailbox `.mbox`, a message `.eml`) whose bodies and attachments are quoted-printable or base64
MIME parts and whose headers are RFC 2047 encoded words.

`readable(text)` gives the text as its reader would see it: lines unfolded, values decoded,
messages as their decoded headers and parts one after the other (a CSV attached to a mail is
then a CSV). It runs before the engines split, so both read the same text; a fragment's lines
are the decoded text's. Each rewrite is triggered by a cheap look (`BEGIN:VCARD`, a `dn:` line
with a `::` value, a MIME transfer encoding) and leaves any other text as it is: what cannot be
decoded stays as written, nothing is lost.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import json
import quopri
import re
from email.message import EmailMessage

from indexer import engine as _engine
from indexer.detect.unveil import unveil

__all__ = ["may_need_reading", "readable"]

_MAX_PARTS = 200  # MIME parts read per message; the rest of a message is kept as written
_MAX_MESSAGES = 100_000
# messages decoded per input (parsing one costs ~1 ms): past these, the messages read as written
_MAX_DECODED = 2000

# ------------------------------------------------------------------------ vCard, iCalendar
_BLOCK_BEGIN = re.compile(r"(?i)\ABEGIN:(VCARD|VCALENDAR)\s*\Z")
_BLOCK_END = re.compile(r"(?i)\AEND:(VCARD|VCALENDAR)\s*\Z")
_CHARSET = re.compile(r"(?i);CHARSET=([A-Za-z0-9_.-]{1,40})")
_PARAM_DROP = re.compile(r"(?i);(?:ENCODING=QUOTED-PRINTABLE|CHARSET=[A-Za-z0-9_.-]{1,40})")


def _qp_value(head: str, value: str) -> str | None:
    """A QUOTED-PRINTABLE property's value decoded in its charset (UTF-8 when none is named);
    None when it does not decode (kept as written)."""
    m = _CHARSET.search(head)
    charset = m.group(1) if m else "utf-8"
    try:
        raw = quopri.decodestring(value.encode("ascii"))
        out = raw.decode(charset)
    except (UnicodeError, LookupError, ValueError):
        try:
            out = quopri.decodestring(value.encode("ascii")).decode("cp1252")
        except (UnicodeError, ValueError):
            return None
    return out.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def _unfold_properties(lines: list[str], src: list[int]) -> tuple[list[str], list[int]]:
    """Lines of vCard and iCalendar blocks unfolded and their QUOTED-PRINTABLE values decoded;
    lines outside such blocks as they are. `src`: each line's line in the source, kept."""
    out: list[str] = []
    osrc: list[int] = []
    depth = 0
    k = 0
    n = len(lines)
    while k < n:
        line = lines[k]
        start = k
        k += 1
        if depth == 0:
            if _BLOCK_BEGIN.match(line):
                depth = 1
            out.append(line)
            osrc.append(src[k - 1])
            continue
        if _BLOCK_BEGIN.match(line):
            depth += 1
        elif _BLOCK_END.match(line):
            depth -= 1
        elif line[:1] in (" ", "\t") and out and line.strip():
            # RFC 6350 3.2 / RFC 5545 3.1: the fold's CRLF and one blank go (joined once, below:
            # adding to the line each time would be quadratic on a hostile run of folds)
            parts = [out[-1], line[1:]]
            while k < n and lines[k][:1] in (" ", "\t") and lines[k].strip():
                parts.append(lines[k][1:])
                k += 1
            out[-1] = "".join(parts)
            continue
        colon = line.find(":", 0, 300) if "=" in line else -1
        if colon > 0 and "QUOTED-PRINTABLE" in line[:colon].upper():
            col = colon + 1
            value = line[col:]
            if value.endswith("="):  # soft line breaks
                parts = [value[:-1]]
                while k < n and k - start < 10_000:
                    nxt = lines[k]
                    k += 1
                    if not nxt.endswith("="):
                        parts.append(nxt)
                        break
                    parts.append(nxt[:-1])
                value = "".join(parts)
            decoded = _qp_value(line[:col], value)
            if decoded is not None:
                line = _PARAM_DROP.sub("", line[:col - 1]) + ":" + decoded
            else:
                line = line[:col] + value
        out.append(line)
        osrc.append(src[start])
    return out, osrc


_ICS_DROP = frozenset({"UID", "PRODID", "DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "TRANSP", "CALSCALE",
                       "METHOD", "VERSION", "RRULE", "EXDATE", "TZID", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME",
                       "TRIGGER", "ACTION", "CLASS", "STATUS", "PRIORITY", "RECURRENCE-ID", "X-WR-TIMEZONE"})
_ICS_NAME = re.compile(r"\A[A-Za-z][A-Za-z0-9-]{0,60}\Z")


def _ics_prop(line: str) -> tuple[str, str, str] | None:
    """(name, `;parameters`, value) of a content line: the value begins after the first colon
    outside a quoted parameter value (`CN="Roux, Anne":mailto:...`); None for another line."""
    quoted = False
    for k, ch in enumerate(line[:2000]):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            head = line[:k]
            semi = head.find(";")
            name = head if semi < 0 else head[:semi]
            if not _ICS_NAME.match(name):
                return None
            return name, head[len(name):], line[k + 1:]
    return None
_ICS_CN = re.compile(r'(?i);CN=("[^"]*"|[^;:]*)')
_ICS_ESCAPES = re.compile(r"\\([\\;,nN])")


def _ics_text(value: str) -> list[str]:
    """An iCalendar TEXT value unescaped (RFC 5545 3.3.11): `\\n` is a line break."""
    return _ICS_ESCAPES.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value).split("\n")


def _participant(name: str, params: str, value: str) -> str:
    """`ATTENDEE: Name <address>` from `ATTENDEE;...;CN=Name;...:mailto:address`."""
    cn = _ICS_CN.search(params)
    who = cn.group(1).strip('"') if cn else ""
    addr = value[7:] if value[:7].lower() == "mailto:" else value
    return f"{name}: {who} <{addr}>" if who and who.lower() != addr.lower() else f"{name}: {addr}"


def _calendar_lines(lines: list[str], src: list[int]) -> tuple[list[str], list[int]]:
    """Unfolded VCALENDAR lines as a reader sees an event: a participant as `ATTENDEE: Name
    <address>`, text values unescaped and on their own lines, and the machine's properties (an
    event's UID, which RFC 5545 writes `id@domain`, time stamps, time zones, alarms) left out.
    An organizer of several events (a practice's agenda: the doctor's, on every appointment) is
    left out too: an event is about its attendees, and the owner's name would be taken for
    theirs."""
    out: list[str] = []
    osrc: list[int] = []
    organizers: dict[str, int] = {}  # an ORGANIZER's value: how many events it organises
    for line in lines:
        if line[:9].upper() == "ORGANIZER":
            prop = _ics_prop(line)
            if prop is not None:
                organizers[prop[2]] = organizers.get(prop[2], 0) + 1
    depth = 0
    for line, at in zip(lines, src, strict=True):
        n0 = len(out)
        if depth == 0:
            out.append(line)
            osrc.append(at)
            if _BLOCK_BEGIN.match(line) and line.strip().upper().endswith("VCALENDAR"):
                depth = 1
            continue
        up = line.strip().upper()
        if up == "END:VCALENDAR":
            depth = 0
            out.append(line)
            osrc.append(at)
            continue
        prop = _ics_prop(line)
        if prop is None:
            out.append(line)
            osrc.append(at)
            continue
        name, params, value = prop[0].upper(), prop[1], prop[2]
        if name in _ICS_DROP or name in ("BEGIN", "END") and value.upper() in ("VTIMEZONE", "STANDARD",
                                                                                   "DAYLIGHT", "VALARM"):
            continue
        if name == "ORGANIZER" and organizers.get(value, 0) > 1:
            continue  # the calendar's owner, on every event: what each event says is not about them
        if name in ("ATTENDEE", "ORGANIZER", "CONTACT"):
            out.append(_participant(name, params, value))
            osrc.append(at)
            continue
        if name in ("BEGIN", "END", "DTSTART", "DTEND", "DUE"):
            out.append(line)
            osrc.append(at)
            continue
        text = _ics_text(value)
        out.append(f"{name}: {text[0]}")
        out.extend(text[1:])
        osrc.extend([at] * (len(out) - n0))
    return out, osrc


# ------------------------------------------------------------------------------------- LDIF
_LDIF_B64 = re.compile(r"\A([A-Za-z][A-Za-z0-9-]{0,60}(?:;[A-Za-z0-9;=-]{0,60})?)::[ ]?([A-Za-z0-9+/=]*)\s*\Z")


def _ldif_plain(lines: list[str], src: list[int]) -> tuple[list[str], list[int]]:
    """LDIF entries with continuation lines joined and base64 values (`attr:: ...`) written
    plain when they decode to printable UTF-8 (binary ones, a photo, are left as written)."""
    out: list[str] = []
    osrc: list[int] = []
    pending: list[str] = []  # the continuations of the last line, joined once
    in_entry = False
    for line, at in zip(lines, src, strict=True):
        if not line.strip():
            if pending:
                out[-1] = out[-1] + "".join(pending)
                pending.clear()
            in_entry = False
            out.append(line)
            osrc.append(at)
            continue
        if line[:3].lower() == "dn:":
            in_entry = True
        elif in_entry and line[:1] == " " and out:
            pending.append(line[1:])  # RFC 2849: a continuation line begins with one space
            continue
        if pending:
            out[-1] = out[-1] + "".join(pending)
            pending.clear()
        out.append(line)
        osrc.append(at)
    if pending:
        out[-1] = out[-1] + "".join(pending)
    for k, line in enumerate(out):
        if "$" in line:
            out[k] = line = _postal_lines(line)
        if "::" not in line:
            continue
        m = _LDIF_B64.match(line)
        if m is None:
            continue
        try:
            value = base64.b64decode(m.group(2), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        if any(ord(c) < 32 and c not in "\t\r\n" for c in value):
            continue
        out[k] = f"{m.group(1)}: " + " ".join(value.split())
    return out, osrc


_LDIF_HEAD = re.compile(r"(?m)^dn::? ")
_POSTAL = re.compile(r"(?i)\A((?:home|registered)?postaladdress):[ ]?(.*)\Z")
_POSTCODE = re.compile(r"\b\d{4,5}\b")


def _postal_lines(line: str) -> str:
    """RFC 4517's PostalAddress: the address's lines joined by `$`, read as one line; the last
    line is left out when it is the country (no digit, after the postcode's line)."""
    m = _POSTAL.match(line)
    if m is None:
        return line
    parts = [p.strip() for p in m.group(2).split("$") if p.strip()]
    if len(parts) >= 3 and not any(c.isdigit() for c in parts[-1]) and _POSTCODE.search(parts[-2]):
        parts.pop()
    return f"{m.group(1)}: " + ", ".join(parts)


# ------------------------------------------------------------------------------------- mail
_MBOX_FROM = re.compile(r"(?m)^From \S{1,320} +[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d\d:\d\d(?::\d\d)? .{0,40}$")
_HEADER = re.compile(r"\A[A-Za-z][A-Za-z0-9-]{0,76}:")
_ENCODED = re.compile(r"(?im)^content-transfer-encoding:[ \t]*(?:base64|quoted-printable)\s*$")
_WORD = re.compile(r"=\?[A-Za-z0-9_.-]{1,40}\?[QBqb]\?[^?\s]{0,500}\?=")  # an RFC 2047 encoded word
_ADDRESS_HEADER = re.compile(r"(?im)^(?:from|to|cc|subject|de|objet) ?:")
_SHOWN_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject", "Date")


def _header_block_start(lines: list[str]) -> int | None:
    """The first line of a message's header block (three header lines or more, with a From,
    To or Content-Type among them, or a part's headers naming its base64 or quoted-printable
    transfer encoding, then a blank line), when the text holds no mbox separator."""
    k = 0
    n = min(len(lines), 2000)
    while k < n:
        if _HEADER.match(lines[k]):
            j = k
            names = set()
            while j < len(lines) and (_HEADER.match(lines[j]) or (lines[j][:1] in " \t" and lines[j].strip())):
                if lines[j][:1] not in " \t":
                    names.add(lines[j].split(":", 1)[0].lower())
                j += 1
            if j - k >= 3 and names & {"from", "to", "content-type"}:
                return k
            # a MIME part pasted without its message's headers (`Content-Type: text/plain;...`,
            # `Content-Transfer-Encoding: quoted-printable`, a blank line, then the encoded body)
            if "content-transfer-encoding" in names and (j >= len(lines) or not lines[j].strip()) and any(
                    _ENCODED.match(lines[x]) for x in range(k, j)):
                return k
            k = j + 1
            continue
        k += 1
    return None


def _part_text(part: EmailMessage) -> str | None:
    """A leaf part's decoded text (a text/* part, a CSV or JSON attachment); None for binary."""
    ctype = part.get_content_type()
    if part.get_content_maintype() != "text" and ctype not in (
            "application/csv", "application/json", "application/xml", "application/ld+json", "application/x-ndjson"):
        return None
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return None
    charset = part.get_content_charset() or "utf-8"
    try:
        text = raw.decode(charset)
    except (UnicodeError, LookupError):
        text = raw.decode("utf-8", "replace")
    if ctype == "text/html":
        from indexer.decode import Limits, html_to_text
        text = html_to_text(text, Limits())
    return text


def _message_text(raw: str) -> str:
    """One message as its reader sees it: the headers that name people, decoded, then each
    readable part decoded, a blank line between them; an alternative's HTML is left out when
    it has a plain part (the same text twice)."""
    msg = email.message_from_string(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    out: list[str] = []
    for name in _SHOWN_HEADERS:
        for value in msg.get_all(name) or []:
            out.append(f"{name}: {' '.join(str(value).split())}")
    out.append("\n")  # two blank lines after the headers and after each part: one part's
    n = 0              # last lines and the next part's first are not read as one block
    for part in msg.walk():
        if n >= _MAX_PARTS:
            break
        if part.is_multipart():
            continue
        n += 1
        assert isinstance(part, EmailMessage)
        if part.get_content_type() == "text/html":
            parent_alt = any(p.get_content_type() == "text/plain" for p in _siblings(msg, part))
            if parent_alt:
                continue
        try:
            text = _part_text(part)
        except (LookupError, ValueError, AssertionError):  # a broken part: the others still count
            text = None
        if text is None:
            continue
        out.append(text.replace("\r\n", "\n").rstrip("\n"))
        out.append("\n")
    return "\n".join(out) + "\n"


_BOUNDARY = re.compile(r'(?i)boundary\s*=\s*"?([^";\s]{1,200})')


def _flat_message_text(raw: str) -> str:
    """A message whose MIME parts nest too deep for the email package (hostile input, round 18 of
    the hostile rounds: its encoded parts were read as written, their text lost): each leaf part,
    found between its boundary lines without walking the tree, decoded alone; at most
    `_MAX_PARTS` of them."""
    boundaries = {f"--{b}" for b in _BOUNDARY.findall(raw)}
    top = email.message_from_string(raw.partition("\n\n")[0] + "\n\n", policy=email.policy.default)
    out = [f"{name}: {' '.join(str(value).split())}" for name in _SHOWN_HEADERS for value in top.get_all(name) or []]
    out.append("\n")
    segment: list[str] = []
    segments: list[str] = []
    for line in raw.split("\n"):
        bare = line.rstrip()
        if bare in boundaries or (bare.endswith("--") and bare[:-2] in boundaries):
            segments.append("\n".join(segment))  # (bounded by the message's lines)
            segment = []
        else:
            segment.append(line)
    segments.append("\n".join(segment))
    n = 0
    for seg in segments:
        if n >= _MAX_PARTS:
            break
        head, sep, _ = seg.lstrip("\n").partition("\n\n")
        if not sep or _BOUNDARY.search(head) is not None or "content-type:" not in head.lower():
            continue
        try:
            part = email.message_from_string(seg.lstrip("\n"), policy=email.policy.default)
            text = _part_text(part) if isinstance(part, EmailMessage) and not part.is_multipart() else None
        except (LookupError, ValueError, AssertionError, RecursionError):
            text = None
        if text is not None:
            n += 1
            out += [text.replace("\r\n", "\n").rstrip("\n"), "\n"]
    return "\n".join(out) + "\n"


def _siblings(root: EmailMessage, leaf: EmailMessage) -> list[EmailMessage]:
    """The other parts of the multipart/alternative that holds `leaf` (empty when none does)."""
    for p in root.walk():
        if p.is_multipart() and p.get_content_type() == "multipart/alternative":
            kids = p.get_payload()
            if isinstance(kids, list) and any(k is leaf for k in kids):
                return [k for k in kids if k is not leaf and isinstance(k, EmailMessage)]
    return []


def _expand_mail(text: str) -> tuple[list[str], list[int]]:
    """Messages replaced by their readable text; what precedes the first message stays. Each
    line with its line in `text`: a message's decoded lines spread over the message's lines."""
    seps = [m.start() for m in _MBOX_FROM.finditer(text)]
    if not seps:
        lines = text.split("\n")
        k = _header_block_start(lines)
        if k is None:
            return lines, list(range(len(lines)))
        seps = [sum(len(ln) + 1 for ln in lines[:k])]
    head = text[:seps[0]].split("\n")[:-1]
    out, src = head, list(range(len(head)))
    bounds = seps[:_MAX_MESSAGES] + [len(text)]
    line0 = len(head)
    decoded = 0
    for a, b in zip(bounds, bounds[1:], strict=False):
        chunk = text[a:b]
        raw_lines = chunk.count("\n") or 1
        if chunk.startswith("From ") and _MBOX_FROM.match(chunk):
            nl = chunk.find("\n")
            body = chunk[nl + 1:] if nl >= 0 else ""
        else:
            body = chunk
        got = None
        if decoded < _MAX_DECODED and (_ENCODED.search(body) is not None or "=?" in body):
            decoded += 1  # (a message with nothing encoded reads as written: no parse to pay)
            try:
                got = _message_text(body).split("\n")[:-1]
            except RecursionError:  # MIME parts nested ~1,000 deep: the email package recurses per level
                got = _flat_message_text(body).split("\n")[:-1]
            except Exception:  # kept as written: the email package's parsers raise on hostile headers in
                # ways its documentation does not list (AttributeError on a From folded into a JSON
                # value, found by tests/fuzz.py), and the error lost the post and its crawl batch
                got = None
        if got is None:
            got = chunk.split("\n")[:raw_lines]
        out += got
        src += [line0 + min(j * raw_lines // max(len(got), 1), raw_lines - 1) for j in range(len(got))]
        line0 += raw_lines
    if len(seps) > _MAX_MESSAGES:
        rest = text[seps[_MAX_MESSAGES]:].split("\n")
        out += rest
        src += range(line0, line0 + len(rest))
    if text.endswith("\n") or not out:
        out.append("")
        src.append(line0)
    return out, src


# --------------------------------------------------------------------------- Telegram Desktop
_TG_START = re.compile(r'(?m)^\{\s*$|^\{\s*"(?:name|about|personal_information|chats)"')


def _message_plain(text: object) -> str:
    """A Telegram message's `text`: a string, or a list of strings and entities (`{"type":
    "phone", "text": "+33 6 ..."}`) that read as one text."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(t if isinstance(t, str) else str(t.get("text", "")) if isinstance(t, dict) else "" for t in text)
    return ""


def _chat_messages(obj: object, out: list[str], depth: int = 0) -> None:
    """The messages' texts of a Telegram Desktop export (one chat's `result.json`, or the whole
    account's `chats.list`), a paragraph each; the sender's display name, the date and the ids
    are the app's, left out."""
    if depth > 4 or len(out) > 1_000_000:
        return
    if isinstance(obj, dict):
        msgs = obj.get("messages")
        if isinstance(msgs, list):
            for m in msgs:
                if isinstance(m, dict) and m.get("type") == "message":
                    body = _message_plain(m.get("text")).strip()
                    if body:  # one paragraph a message: what one message says is about one person
                        out.extend(body.split("\n"))
                        out.append("")
        for key in ("chats", "left_chats", "list"):
            if key in obj:
                _chat_messages(obj[key], out, depth + 1)
    elif isinstance(obj, list):
        for o in obj:
            _chat_messages(o, out, depth + 1)


def _telegram(lines: list[str], src: list[int]) -> tuple[list[str], list[int]]:
    """A Telegram Desktop JSON export read as its chats' messages (its `name`, a chat's or a
    channel's title, and its ids are no one's data); the lines before it kept."""
    text = "\n".join(lines)
    m = _TG_START.search(text)
    if m is None:
        return lines, src
    try:  # (the value only: a poster's words after it are kept below)
        obj, end = json.JSONDecoder().raw_decode(text, m.start())
    except (ValueError, RecursionError):  # (a value nested deeper than the parser recurses: the
        # error lost the whole post, and a crawl's batch of posts with it)
        return lines, src
    msgs: list[str] = []
    _chat_messages(obj, msgs)
    if not msgs:
        return lines, src
    k = text.count("\n", 0, m.start())
    e = text.count("\n", 0, end) + 1  # the lines after the value's last line stay as written
    if e < len(lines) and text[end:].split("\n", 1)[0].strip():
        return lines, src  # more on the value's last line: not an export pasted on its own
    n = e - k
    return (lines[:k] + msgs + lines[e:],
            src[:k] + [src[k + min(j * n // len(msgs), n - 1)] for j in range(len(msgs))] + src[e:])


# ------------------------------------------------------------------ a quoted-printable body
# A mail's body pasted without its headers, or saved from a client that wrote it encoded: lines cut at
# 76 characters by soft breaks (`=` at the line's end) and bytes written `=C3=A8`. Read as written, a
# cut NIR or card was two halves and an accented name `In=C3=A8s`. Read decoded only when every `=`
# of the text is an escape or a soft break (a real `=` is written `=3D`): SQL's `ENGINE=InnoDB`, code's
# `x =`, base64's padding are not quoted-printable.
_QP_BAD = re.compile(r"=(?![0-9A-F]{2})")
_QP_ESCAPE = re.compile(r"=[0-9A-F]{2}")
_QP_MIN_SOFT = 2
_QP_MAX_LINE = 76  # characters of an encoded line, its soft break's `=` included


def _qp_body(lines: list[str], src: list[int]) -> tuple[list[str], list[int]] | None:
    """The lines of a quoted-printable text decoded (soft breaks joined, escapes decoded in UTF-8,
    else cp1252), each with its first line's source line; None when the text is not one (see above)."""
    soft = escapes = 0
    for line in lines:
        if len(line.rstrip("\r")) > _QP_MAX_LINE:  # (RFC 2045: 76 at most; a row ending in a base64
            return None  # cell's `=` padding, a data: URI photo, is no soft break)
        body = line[:-1] if line.endswith("=") else line
        if "=" in body:
            if _QP_BAD.search(body) is not None:
                return None
            escapes += 1
        soft += body is not line
    if soft < _QP_MIN_SOFT or (not escapes and soft < 3 * _QP_MIN_SOFT):
        return None
    out: list[str] = []
    osrc: list[int] = []
    buf: list[str] = []
    first = 0
    for k, line in enumerate(lines):
        if not buf:
            first = k
        if line.endswith("=") and k + 1 < len(lines):
            buf.append(line[:-1])
            continue
        buf.append(line.rstrip("="))
        raw = quopri.decodestring("".join(buf).encode("utf-8"))
        buf = []
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", "replace")
        parts = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        out += parts
        osrc += [src[first]] * len(parts)
    return out, osrc


# ------------------------------------------------------------------ text HTML-escaped as plain text
# A dump copied from a page's source or a tool that escaped it for HTML, posted as text (not as HTML:
# `decode` reads a page): `{&quot;email&quot;: ...}`, `&lt;patient&gt;`. Read escaped, a JSON key or
# an XML element named nothing. Unescaped when the text holds this many of these references.
_ESCAPES = ("&quot;", "&lt;", "&gt;", "&#39;", "&apos;", "&amp;")
_MIN_ESCAPES = 4


def _unescaped(lines: list[str], src: list[int]) -> tuple[list[str], list[int]] | None:
    """The lines with their HTML character references resolved (`html.unescape`), each with its
    source line; None when the text holds fewer than `_MIN_ESCAPES` of them."""
    import html

    text = "\n".join(lines)
    if sum(text.count(e) for e in _ESCAPES) < _MIN_ESCAPES:
        return None
    out: list[str] = []
    osrc: list[int] = []
    for line, at in zip(lines, src, strict=True):
        if "&" not in line:
            out.append(line)
            osrc.append(at)
            continue
        parts = html.unescape(line).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        out += parts
        osrc += [at] * len(parts)
    return out, osrc


# ------------------------------------------------------------------ raw HTTP form posts (a proxy's log)
# `POST /inscription HTTP/1.1`, its headers, a blank line, then the form's body (`nom=...&email=...`):
# each body one record among headers, read as nothing. The requests' lines and headers are left out,
# so that the bodies are the adjacent lines of URL-encoded records they are.
_HTTP_REQUEST = re.compile(r"\A(?:POST|PUT|PATCH) \S{1,2000} HTTP/\d(?:\.\d)?\s*\Z")


def _http_bodies(lines: list[str], src: list[int]) -> tuple[list[str], list[int]] | None:
    """The lines without the HTTP requests' lines, headers and blank lines around their bodies, or
    None when fewer than two requests are there."""
    out: list[str] = []
    osrc: list[int] = []
    k = n = 0
    while k < len(lines):
        if lines[k][:1] == "P" and _HTTP_REQUEST.match(lines[k]):
            n += 1
            k += 1
            while k < len(lines) and lines[k].strip() and _HEADER.match(lines[k]):
                k += 1
            while k < len(lines) and not lines[k].strip():
                k += 1
            continue
        if lines[k].strip() or not out or out[-1].strip():
            out.append(lines[k])
            osrc.append(src[k])
        k += 1
    return (out, osrc) if n >= 2 else None


# --------------------------------------------------------------------------------- the entry
def readable(text: str) -> tuple[str, list[int] | None]:
    """`text` with folded, quoted-printable and base64 exports decoded (see the module), and
    each of its lines' line in `text` (0-based; one more entry: `text`'s line count), or None
    when `text` is returned as it is. Text written against scrapers or posted encoded whole is
    read first (`unveil`): an export may be what was encoded."""
    unveiled = unveil(text)
    if unveiled is None:
        return _readable(text)
    inner, inner_src = _readable(unveiled[0])
    src, total = unveiled[1], text.count("\n") + 1
    if inner_src is None:
        return inner, src + [total]
    return inner, [src[min(j, len(src) - 1)] for j in inner_src[:-1]] + [total]


def _readable(text: str) -> tuple[str, list[int] | None]:
    mail = (("ransfer-" in text or "RANSFER-" in text) and _ENCODED.search(text) is not None) or (
        "=?" in text and _WORD.search(text) is not None and _ADDRESS_HEADER.search(text) is not None)
    outlook = ": (" in text and _OUTLOOK_HEAD.search(text) is not None
    props = "BEGIN:V" in text or "begin:v" in text
    ldif = ("dn:" in text or "DN:" in text) and _LDIF_HEAD.search(text) is not None
    # (exports before Telegram Desktop 3.x write no `text_entities`: their messages' `from_id`)
    telegram = '"text_entities"' in text or ('"from_id"' in text and '"messages"' in text)
    qp = "=\n" in text and not mail and "=" in text.rstrip("=\n")  # (mail: `_expand_mail` decodes its parts)
    escaped = ("&quot;" in text or "&lt;" in text) and not mail
    http = "x-www-form-urlencoded" in text and " HTTP/" in text
    if not (mail or props or ldif or telegram or outlook or qp or escaped or http):
        return text, None
    if "\r" in text:
        text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    total = text.count("\n") + 1
    if outlook:
        got = _outlook_csv(text)
        if got is not None:
            text = "\n".join(got[0])
            if not mail:
                return text, got[1] + [total]
            # (a mailbox's encoded words inside the export's cells: decoded below, lines kept)
            inner_lines, inner_src = _expand_mail(text)
            return "\n".join(inner_lines), [got[1][min(j, len(got[1]) - 1)] for j in inner_src] + [total]
    if mail:
        lines, src = _expand_mail(text)
    else:
        lines = text.split("\n")
        src = list(range(len(lines)))
    if props:
        lines, src = _unfold_properties(lines, src)
        if "VCALENDAR" in text or "vcalendar" in text:
            lines, src = _calendar_lines(lines, src)
    if ldif:
        lines, src = _ldif_plain(lines, src)
    if telegram:
        lines, src = _telegram(lines, src)
    decoded = False  # (each of these says None when its first look was wrong: the text is no such text)
    for wanted, read in ((qp, _qp_body), (escaped, _unescaped), (http, _http_bodies)):
        if wanted and (got := read(lines, src)) is not None:
            lines, src = got
            decoded = True
    if not (mail or props or ldif or telegram or outlook or decoded):
        return text, None
    return "\n".join(lines), src + [total]


# what `may_need_reading` looks for: vCard/iCalendar, a MIME part's transfer encoding or a
# header's encoded word, a Telegram export, Outlook's CSV of a mail folder; an LDIF entry only
# with an encoded value, a `$` address or a continuation
_EXPORT_MARKS = (b"BEGIN:V", b"begin:v", b"ransfer-", b"RANSFER-", b'"text_entities"', b'"from_id"',
                 b"?=", b": (Name)", b": (nom)",  # an RFC 2047 word's end; Outlook's CSV of a mail folder
                 b"&quot;", b"&lt;",  # a text HTML-escaped as plain text
                 b"x-www-form-urlencoded")  # raw HTTP form posts
_LDIF_MARKS = (b"dn:", b"DN:")
# a quoted-printable body: a soft break, and an escape of what such a text holds (an accented
# letter's UTF-8 or Latin-1 byte, a `=`, a trailing space or tab); a soft break alone (code's `x =`,
# base64's padding) is no reason to read a text whole, six of them are (an ASCII text cut at 76)
_QP_SOFT = (b"=\n",)
_QP_MARKS = (b"=C3", b"=C2", b"=E2", b"=E9", b"=E8", b"=3D", b"=20", b"=09")
_LDIF_ENCODED = (b"::", b"$", b"\n ")


def _contains_any(data: bytes, needles: tuple[bytes, ...]) -> bool:
    return any(n in data for n in needles)


# ------------------------------------------------------------------ Outlook's CSV of a mail folder
# `"Subject","Body","From: (Name)","From: (Address)","From: (Type)","To: (Name)",...` (French Outlook:
# `"Objet","Corps","De : (nom)","De : (adresse)",...`): a mail per row, recipients joined by `;`
_OUTLOOK_HEAD = re.compile(r'(?im)^\ufeff?"?(?:subject|objet|betreff)"?[,;\t]"?(?:body|corps|nachricht|text)"?[,;\t]'
                           r'"?(?:from|de|von) ?: ?\((?:name|nom)\)"?')
_OUTLOOK_COL = re.compile(r"(?i)\A(from|to|cc|bcc|de|à|a|cci|von|an) ?: ?\((name|nom|address|adresse"
                          r"|adresse de messagerie|type)\)\Z")
_OUTLOOK_HEADER_NAME = {"from": "From", "de": "From", "von": "From", "to": "To", "à": "To", "a": "To", "an": "To",
                        "cc": "Cc", "bcc": "Bcc", "cci": "Bcc"}


def _outlook_csv(text: str) -> tuple[list[str], list[int]] | None:
    """Outlook's CSV export of a mail folder read as its messages: each row's correspondents as
    headers (`To: Name <address>; Name <address>`, an Exchange sender's X.500 path left out: it
    is no address), its subject, then its body; each line with the row's first line. None when
    the rows do not parse (the export is then read as a table)."""
    import csv
    import io
    hm = _OUTLOOK_HEAD.search(text)
    if hm is None:
        return None
    before = text[:hm.start()].split("\n")[:-1]
    skip = len(before)
    text = text[hm.start():]
    first = text.split("\n", 1)[0]
    delim = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    try:
        head = next(reader)
    except (csv.Error, StopIteration):
        return None
    cols: dict[tuple[str, str], int] = {}
    subject = body = None
    for n, h in enumerate(head):
        h = h.strip().lstrip("\ufeff")
        m = _OUTLOOK_COL.match(h)
        if m is not None:
            kind = m.group(2).lower()
            kind = "name" if kind in ("name", "nom") else "type" if kind == "type" else "address"
            cols[(_OUTLOOK_HEADER_NAME[m.group(1).lower()], kind)] = n
        elif h.lower() in ("subject", "objet", "betreff"):
            subject = n
        elif h.lower() in ("body", "corps", "nachricht", "text"):
            body = n
    out: list[str] = before
    src: list[int] = list(range(skip))
    line0 = reader.line_num
    try:
        for row in reader:
            at = line0
            line0 = reader.line_num
            if len(out) > 4_000_000:
                return None

            def cell(n: int | None, row: list[str] = row) -> str:
                return row[n] if n is not None and n < len(row) else ""
            lines: list[str] = []
            for hname in ("From", "To", "Cc", "Bcc"):
                names = [x.strip() for x in cell(cols.get((hname, "name"))).split(";")]
                addrs = [x.strip() for x in cell(cols.get((hname, "address"))).split(";")]
                items = []
                for k in range(max(len(names), len(addrs))):
                    nm = names[k] if k < len(names) else ""
                    ad = addrs[k] if k < len(addrs) else ""
                    if "@" not in ad:
                        ad = ""
                    items.append(f"{nm} <{ad}>" if nm and ad else nm or ad)
                items = [x for x in items if x]
                if items:
                    lines.append(f"{hname}: " + "; ".join(items))
            if subject is not None:
                lines.append("Subject: " + " ".join(cell(subject).split()))
            lines.append("")
            lines.extend(cell(body).replace("\r\n", "\n").replace("\r", "\n").split("\n"))
            lines += ["", ""]
            out += lines
            src += [skip + at] * len(lines)
    except csv.Error:
        return None
    if len(out) == skip:
        return None
    return out, src


def may_need_reading(data: bytes) -> bool:
    """Whether `readable` may rewrite these bytes' text: looked at on the bytes before `readable`
    is called, and on a big input, which then skips the windowed prefilter (whose windows would
    hold the encoded values). The compiled core searches with SIMD (`bytes.__contains__`'s
    two-way search over every dense input was 6% of its dense time); same answer."""
    mod = _engine.native_module()
    has = _contains_any if mod is None else mod.contains_any
    return (
        has(data, _EXPORT_MARKS)
        or (has(data, _LDIF_MARKS) and has(data, _LDIF_ENCODED))
        or (has(data, _QP_SOFT) and (has(data, _QP_MARKS) or data.count(b"=\n") >= 3 * _QP_MIN_SOFT))
    )
