"""A message's correspondents: the people a leaked mailbox names in its headers.

A mailbox (mbox, .eml, an Outlook message saved as text, a reply chain pasted in a post) is a
classic dump: each message names its sender and recipients, a display name beside an address
(`From: "Dupont, Marie" <marie.dupont@...>`, `À : Martin, Claire <c.martin@...>; Roux, Paul
<p.roux@...>`, a header folded over several lines, an attribution `Le ..., Marie Dupont
<...> a écrit :`). `mail_block` reads a run of header lines as one record per correspondent:
the display name (a person's: two or three words, not a service's or a list's) and the
address, whose reader the record's extraction is. What is no one's is left out: a service's
mailbox (`rh@`, `support@`: `prose.ROLE_MAILBOXES`), a no-reply sender, a mailing list's
addresses (`-owner`, `-request`, `lists.` hosts), and the headers that hold no correspondent
(Message-ID, In-Reply-To, References, Received: machine ids shaped like addresses).

A header block is told by its labels: an address header (From, To, Cc, Bcc, Reply-To, Sender
and their French and German names) with a date, subject or second address header beside it.
`exports.readable` decodes RFC 2047 words first, so display names read decoded, and writes
Outlook's CSV of a folder as such messages. A display name without an address (`De : Martin,
Claire`, an Exchange sender) is a person too; a service's display name (`Release Team`) makes
its address a service's.

The body of a message from or to a person is part of its fragment, read as prose naming people
(`prose._analyse`, several people each with their own facts, names stricter than in a post:
after a civility or a cue, or before a birth), up to the next message, a quote's rule or the
end of a decoded part; a signature (a name alone after the closing formula, a phone or a street
below it) is its sender's record, a number labelled as a switchboard (`Standard :`) is not read.

Linear: a block is read once (`Ctx.prose_end`; one found to name no one is remembered,
`_REJECTED`), at most `_MAX_BLOCK` header lines and `_MAX_BODY` body lines, and every pattern
is bounded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from indexer.detect.base import Ctx, Spec
    from indexer.detect.extract import Sink

__all__ = ["ORG_WORDS", "correspondent_address", "mail_block", "mail_header", "mail_line"]

_MAX_BLOCK = 60  # header lines read at most around the seed line
_ADDRESS_HEADERS = frozenset({"from", "to", "cc", "bcc", "reply-to", "sender", "de", "à", "a", "cci", "von", "an",
                              "kopie", "for", "resent-from", "resent-to", "envoyé par", "destinataire",
                              "destinataires"})
_OTHER_HEADERS = frozenset({"date", "subject", "objet", "sent", "envoyé", "envoye", "message-id", "betreff",
                            "gesendet", "importance", "mime-version", "content-type", "in-reply-to", "references",
                            "return-path", "received", "delivered-to", "list-id", "x-mailer", "user-agent",
                            "thread-topic", "thread-index", "priority", "x-priority", "content-language",
                            "content-transfer-encoding", "list-unsubscribe", "precedence", "auto-submitted",
                            "organization", "organisation", "x-originating-ip", "pièces jointes", "attachments"})
_STRONG = frozenset({"date", "subject", "objet", "sent", "envoyé", "envoye", "message-id", "betreff", "gesendet"})
# `From: ...`, `À :\t...` (French Outlook puts a space before the colon), `X-Mailer: ...`
_HEADER = re.compile(r"\A[ \t]{0,3}+([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9-]{0,30}+(?: [a-zà-ÿ]{2,12}+)?)[ \t]?:[ \t]*+(.*)\Z")
_ADDR = re.compile(r"<([^<>\s@]{1,64}+@[^<>\s@]{1,255}+)>"
                   r"|(?<![\w.+-])([\w.+-]{1,64}+@[\w-]{1,63}+(?:\.[\w-]{1,63}+)++)")
# an attribution above a quote: `Le mar. 1 déc. 2026 à 10:12, Marie Dupont <m@x.fr> a écrit :`
_ATTRIBUTION = re.compile(
    r"\A[ \t]*+(?:(?:Le|On|Am) [^<>\n]{4,80}?[, ][ \t]*+([^<>,\n]{2,60}?)[ \t]*+<([^<>\s@]{1,64}+@[^<>\s@]{1,255}+)>"
    r"[ \t]*+(?:a écrit|wrote|schrieb)|Am [^<>\n]{4,60}? schrieb ([^<>,\n]{2,60}?)[ \t]*+"
    r"<([^<>\s@]{1,64}+@[^<>\s@]{1,255}+)>)")
# the mailboxes of no one: a robot's, a list's
_NOBODY_LOCAL = re.compile(
    r"(?i)\A(?:(?:no|ne|do|dont)[-_.]?(?:not[-_.]?|pas[-_.]?)?(?:reply|repondre|répondre)|mailer-daemon|bounces?\b"
    r"|unsub|notification|alert|daemon|root\b|nobody|list\b)|(?:-owner|-request|-bounces|-announce|-support|-users"
    r"|-devel|-admin|-noreply|-notifications?)\Z")
_NOBODY_HOST = re.compile(r"(?i)\A(?:lists?|listserv|mailman|news|newsletter|notifications?|bounces?|mailer)\.")
# words of a service's or an organisation's display name, not a person's
ORG_WORDS = frozenset({
    "service", "services", "support", "team", "équipe", "equipe", "group", "groupe", "cabinet", "clinique", "clinic",
    "laboratoire", "laboratory", "lab", "hotline", "newsletter", "notifications", "notification", "accounts",
    "account", "ltd", "llp", "sas", "sarl", "inc", "llc", "gmbh", "sa", "secrétariat", "secretariat", "rh", "hr",
    "ressources", "humaines", "paie", "payroll", "comptabilité", "comptabilite", "accounting", "helpdesk", "desk",
    "customer", "client", "clients", "contact", "info", "infos", "admin", "administration", "direction", "mairie",
    "assurance", "maladie", "banque", "bank", "development", "global", "announce", "list", "liste", "digest",
    "noreply", "robot", "bot", "system", "système", "systeme", "alerts", "billing", "facturation", "sales", "ventes",
    "marketing", "office", "bureau", "agence", "agency", "hôpital", "hopital", "hospital", "pharmacie", "pharmacy",
    "association", "club", "école", "ecole", "school", "university", "université", "universite", "undisclosed",
    "recipients", "destinataires", "the", "les", "des", "du"})
_NOT_NAME_WORDS = frozenset({"am", "pm", "at", "um", "à", "on", "h", "via"})  # a time of day, a word of a sentence
_TITLE = re.compile(r"(?i)\A(?:dr|pr|prof|docteur|professeur|m|mme|mlle|mr|mrs|ms|miss|monsieur|madame)\.?[ \t]++")
_NAME_WORD = re.compile(r"\A[A-ZÀ-ÖØ-Þ][^\W\d_]*+(?:['’-][^\W\d_]++)*+\.?\Z|\A[a-zà-ÿ]{1,3}\Z")


def mail_header(s: str) -> tuple[str, int] | None:
    """(the header's lowercased name, its value's column) of a mail header line, None for
    another line."""
    if ":" not in s[:40]:
        return None
    m = _HEADER.match(s)
    if m is None:
        return None
    name = m.group(1).lower()
    if name in _ADDRESS_HEADERS or name in _OTHER_HEADERS or name.startswith(("x-", "list-", "arc-", "dkim-")):
        return name, m.start(2)
    return None


def mail_line(s: str) -> bool:
    """Whether line `s` may be a message's header or an attribution above a quote: where
    `shapes.recognise` asks `mail_block` first (a header block is no `key: value` dox)."""
    if mail_header(s) is not None:
        return True
    return "@" in s and ("écrit" in s or "wrote" in s or "schrieb" in s) and _ATTRIBUTION.match(s) is not None


def correspondent_address(addr: str) -> bool:
    """Whether an address in a header is a person's (not a service's, a robot's or a list's)."""
    from indexer.detect.prose import personal
    local, _, host = addr.partition("@")
    return personal(addr) and _NOBODY_LOCAL.search(local) is None and _NOBODY_HOST.match(host) is None


def _person_name(text: str, base: int) -> tuple[str, int] | None:
    """A display name that is a person's (a title left out), with its column; None else."""
    st = len(text) - len(text.lstrip(" \t\"'"))
    v = text.strip(" \t\"',;")
    if not v or "=?" in v or "@" in v or len(v) > 60:
        return None
    t = _TITLE.match(v)
    if t is not None:
        st += t.end()
        v = v[t.end():]
    words = v.replace(",", " ").split()
    if not 2 <= len(words) <= 4 or any(w.lower().strip(".") in ORG_WORDS or w.lower() in _NOT_NAME_WORDS
                                        for w in words):
        return None
    if not all(_NAME_WORD.match(w) for w in words) or sum(w[0].isupper() for w in words) < 2:
        return None
    return v, base + st


def _attribution_name(text: str, base: int) -> tuple[str, int] | None:
    """The person's name ending an attribution's text before the address (`On Tue, Dec 1, 2026
    at 10:12 AM Marie Dupont <...> wrote:`: the last words that are a name's)."""
    words = list(re.finditer(r"\S++", text))
    for k in range(max(0, len(words) - 4), len(words) - 1):
        got = _person_name(text[words[k].start():], base + words[k].start())
        if got is not None:
            return got
    return None


_Rec = list[tuple[str, int, str | None]]  # (value, column in the line, role)


def _correspondents(s: str, col: int, pending: tuple[str, int] | None) -> tuple[list[_Rec], tuple[str, int] | None]:
    """The correspondents of a header value from column `col` of line `s`: one record each
    (a person's name when the display name is one, their address); what follows the last
    address (a display name folded away from its address) is returned as pending."""
    out: list[_Rec] = []
    pos = col
    for m in _ADDR.finditer(s, col):
        addr = m.group(1) or m.group(2)
        a_st = m.start(1) if m.group(1) else m.start(2)
        before = s[pos:m.start()]
        seg = before
        # the display name: after the last separator outside quotes (`"Dupont, Marie" <...>`)
        if before.count('"') < 2:
            cut = max(before.rfind(";"), before.rfind(",") if not _TWO_PART.match(before.strip(" ,;\t")) else -1)
            if cut >= 0:
                seg = before[cut + 1:]
        org = any(w.lower().strip(".,;\"'()") in ORG_WORDS for w in seg.split())
        name = _person_name(seg, pos + (len(before) - len(seg))) if seg.strip(" \t,;\"") else None
        if name is None and pending is not None and not seg.strip(" \t,;\""):
            name = pending
        pending = None
        if m.group(2):  # `addr (Name)`
            after = s[m.end():m.end() + 62]
            pm = re.match(r"[ \t]*+\(([^()]{2,60}+)\)", after)
            if pm is not None and name is None:
                name = _person_name(pm.group(1), m.end() + pm.start(1))
        if correspondent_address(addr) and not org:  # (`Release Team <release@...>`: a service's)
            rec: _Rec = [(addr, a_st, None)]
            if name is not None:
                rec.insert(0, (name[0], name[1], "full_name"))
            out.append(rec)
        pos = m.end()
    rest = s[pos:]
    if rest.strip(" \t,;\""):
        pending = _person_name(rest, pos)
    return out, pending


def _named_only(s: str, col: int) -> list[tuple[str, int]]:
    """The persons' names of an address header that holds no address: recipients joined by `;`
    (or by `,` when no name is written `Last, First`)."""
    value = s[col:]
    if len(value) > 1000:
        return []
    sep = ";" if ";" in value or _TWO_PART.match(value.strip(" \t;,")) else ","
    out = []
    pos = col
    for item in value.split(sep):
        got = _person_name(item, pos)
        if got is not None:
            out.append(got)
        pos += len(item) + 1
    return out


# `Dupont, Marie <...>` (Outlook's "Last, First" unquoted, recipients joined by `;`): a comma
# between two single words is the name's own
_TWO_PART = re.compile(r"\A[^\W\d_][\w'’-]{0,30}+, [^\W\d_][\w'’-]{0,30}+\Z")


def _block(lines: list[str], i: int, floor: int) -> tuple[int, int] | None:
    """The header block holding line i (its header lines and their folded continuations)."""
    def inside(k: int) -> bool:
        s = lines[k]
        return mail_header(s) is not None or (s[:1] in (" ", "\t") and bool(s.strip()) and len(s) < 1000)
    if not inside(i):
        return None
    lo = i
    while lo - 1 >= floor and i - lo < _MAX_BLOCK and inside(lo - 1):
        lo -= 1
    while lo < i and mail_header(lines[lo]) is None:  # a block begins with a header, not a continuation
        lo += 1
    hi = i
    while hi + 1 < len(lines) and hi - lo < _MAX_BLOCK and inside(hi + 1):
        hi += 1
    return lo, hi


def mail_block(ctx: Ctx, i: int, floor: int) -> tuple[int, Spec | None] | None:
    """The correspondents of the mail header block (or attribution line) at line i, as a
    fragment of one record each; None when line i is in no header block naming a person."""
    lines = ctx.lines
    s = lines[i]
    if len(s) > 2000:
        return None
    recs: list[list[tuple[int, str, int, str | None]]] = []
    am = _ATTRIBUTION.match(s) if ("@" in s and ("écrit" in s or "wrote" in s or "schrieb" in s)) else None
    if am is not None:
        lo = hi = i
        g = 1 if am.group(1) is not None else 3
        name = _attribution_name(am.group(g), am.start(g))
        if correspondent_address(am.group(g + 1)):
            r: list[tuple[int, str, int, str | None]] = [(i, am.group(g + 1), am.start(g + 1), None)]
            if name is not None:
                r.insert(0, (i, name[0], name[1], "full_name"))
            recs.append(r)
    else:
        seen = _REJECTED[0]
        if seen is not None and seen[0] == id(lines) and seen[1] <= i <= seen[2] and lines[seen[1]] is seen[3]:
            return None  # (a block found to name no one is not read again from each of its lines)
        span = _block(lines, i, floor)
        if span is None:
            return None
        lo, hi = span
        names: list[str] = []
        addressed = 0
        sender = False  # a person's message (not a robot's, a list's or a service's)
        pending: tuple[str, int] | None = None
        current: str | None = None
        for k in range(lo, hi + 1):
            line = lines[k]
            h = mail_header(line) if line[:1] not in (" ", "\t") else None
            if h is not None:
                current, col = h
                names.append(current)
                pending = None
            else:
                col = 0
            if h is not None and current in _ADDRESS_HEADERS and "@" not in line:
                # names without addresses (`De : Martin, Claire`, Outlook's Exchange sender): persons
                named = _named_only(line, col)
                addressed += bool(named)
                sender = sender or (bool(named) and current in _SENDERS)
                recs.extend([(k, v, c, "full_name")] for v, c in named)
                continue
            if current not in _ADDRESS_HEADERS or "@" not in line and h is None and pending is None:
                if current in _ADDRESS_HEADERS and h is None:
                    pending = _person_name(line, 0) if "@" not in line else None
                continue
            got, pending = _correspondents(line, col, pending)
            if got or "@" in line[col:]:
                addressed += 1
            if got and current in _SENDERS:
                sender = True
            recs.extend([(k, v, c, r) for v, c, r in rec] for rec in got)
        kinds = set(names)
        if not recs or addressed == 0 or not (
                kinds & _ADDRESS_HEADERS and (kinds & _STRONG or len(kinds & _ADDRESS_HEADERS) >= 2)):
            _REJECTED[0] = (id(lines), lo, hi, lines[lo])
            return None
    if not recs:
        return None
    head_hi = hi
    body: tuple[int, int, Any] | None = None
    if am is not None or sender or recs:  # a message of or to a person: its body and signature
        body = _body(lines, hi + 1)
        if body is not None:
            hi = body[1]

    def fill(sink: Sink, offs: list[int]) -> int:
        from indexer.detect.extract import extract_record
        hit = 0
        for rec in recs:
            fields = [(v, offs[k - lo] + c) for k, v, c, _ in rec]
            hit += extract_record(fields, [r for _, _, _, r in rec], sink)
        if body is not None:
            from indexer.detect.prose import person_records
            b_lo, _, per_line = body
            for f, r in person_records(lines, b_lo, per_line, offs[b_lo - lo:], keep=_not_switchboard(lines)):
                hit += extract_record(f, r, sink)
        return hit

    ctx.prose_end = max(ctx.prose_end, hi + 1)
    return hi + 1, ("mail", lo, max(hi, head_hi), fill)


# the last header block found to name no one: (its lines' id, first, last, its first line: the
# same list only if that very string is there); one slot, as the main loop reads an input's lines
# in order (a run of 10 000 header lines costs one read, not 10 000)
_REJECTED: list[tuple[int, int, int, str] | None] = [None]
_SENDERS = frozenset({"from", "de", "von", "sender", "reply-to", "envoyé par"})
_MAX_BODY = 200  # body lines read at most
_MBOX_SEP = re.compile(r"\AFrom \S{1,320} +[A-Z][a-z]{2} [A-Z][a-z]{2} ")
# the line that begins a quoted or forwarded message: `-----Original Message-----`, `-----Message
# d'origine-----`, `---------- Forwarded message ---------`, Outlook's rule of underscores
_QUOTE_RULE = re.compile(r"\A[ \t]*+(?:-{3,}|_{10,}|={5,})")
# a phone that is a service's, not the person's: `Standard : 04 ...`, `Switchboard: +44 ...`
_SWITCHBOARD = re.compile(
    r"(?:standard|switchboard|accueil|customer services?|service client|services? clients?|hotline|fax|t[ée]l[ée]copie"
    r"|main line|reception|r[ée]ception)\b[^0-9\n]{0,24}\Z")
# a closing formula before a signature, or the signature's own marker
_CLOSING = re.compile(
    r"(?i)\A[ \t]*+(?:--[ \t]?|cordialement|bien (?:à|a) (?:vous|toi)|bien cordialement|sinc[èe]res salutations"
    r"|salutations|merci|bonne (?:journée|soirée)|[àa] bient[ôo]t|regards|kind regards|best regards|best|thanks"
    r"|thank you|cheers|yours sincerely|sincerely|mit freundlichen grüßen|viele grüße)\b[^\n]{0,30}\Z")
_GREETING = re.compile(r"(?i)\A[ \t]*+(?:bonjour|bonsoir|salut|hello|hi|dear|cher|chère|madame|monsieur)\b")
_DIGITS8 = re.compile(r"\d(?:[ .()+-]?\d){7}")


def _not_switchboard(lines: list[str]) -> Callable[[int, int, int], bool]:
    def keep(k: int, st: int, en: int) -> bool:
        return _SWITCHBOARD.search(lines[k][max(0, st - 40):st].lower()) is None
    return keep


def _body(lines: list[str], b_lo: int) -> tuple[int, int, Any] | None:
    """The body of the message whose headers end above line b_lo, read as prose naming people
    (`prose._analyse`): up to the next message (its headers, an mbox separator, a quote's rule),
    two blank lines running (the end of a decoded part: an attachment read as a table is the
    table's), or a line too long for prose. A signature's name line (a person's name alone,
    after a closing formula or `--`, with a phone or a street in the lines below) starts a
    person."""
    from indexer.detect.prose import _analyse
    n = len(lines)
    k = b_lo
    blanks = 0
    last = -1
    while k < n and k - b_lo < _MAX_BODY:
        s = lines[k]
        if not s.strip():
            blanks += 1
            if blanks >= 2 and last >= 0:
                break
            k += 1
            continue
        blanks = 0
        if len(s) > 2000 or _MBOX_SEP.match(s) or _QUOTE_RULE.match(s) or (":" in s and mail_line(s)):
            break
        last = k
        k += 1
    if last < 0:
        return None
    names: set[int] = set()
    for j in range(b_lo, last + 1):
        s = lines[j]
        if not s.strip() or len(s) > 80 or "@" in s or any(c.isdigit() for c in s):
            continue
        prev = next((lines[p] for p in range(j - 1, max(b_lo, j - 3) - 1, -1) if lines[p].strip()), "")
        if not _CLOSING.match(prev) or _GREETING.match(s):
            continue
        below = lines[j + 1:min(last, j + 6) + 1]
        if _person_name(s, 0) is not None and any(_DIGITS8.search(b) or _has_street(b) for b in below):
            names.add(j)
    _, _, per_line = _analyse(lines, b_lo, last, frozenset(names), strict=True)
    # a signature's address on two lines (`3 allée des Tilleuls` / `35510 Cesson-Sévigné`): one
    for n, (j, typed, _) in enumerate(per_line[:-1]):
        nj, ntyped, _ = per_line[n + 1]
        if nj != j + 1 or any(r == "street" for _, _, r in typed + ntyped):
            continue
        m, mc = _STREET_ONLY.match(lines[j]), _CITY_LINE.match(lines[nj])
        if m is not None and mc is not None:
            typed.append((m.start(1), m.end(1), "street"))
            typed.sort()
            ntyped.append((mc.start(1), mc.end(1), "street"))
            ntyped.sort()
    return b_lo, last, per_line


_STREET_ONLY = re.compile(
    r"\A[ \t]*+(\d{1,4}+(?: ?(?:bis|ter))?,? (?i:rue|avenue|av\.|bd|boulevard|all[ée]e|impasse|chemin|place|cours|quai"
    r"|route|square|passage|r[ée]sidence|lotissement|voie|promenade|esplanade|faubourg|hameau)\b[^\n,.;:!?()\d]{1,60}+)"
    r"[ \t]*+\Z")
_CITY_LINE = re.compile(r"\A[ \t]*+(\d{5} [^\W\d_][\w'’ -]{0,40}+)\Z")


def _has_street(s: str) -> bool:
    from indexer.detect.prose import _STREET
    return _STREET.search(s) is not None
