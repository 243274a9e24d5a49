"""Credentials written by the tools that keep them, read as a table of logins and passwords.

A leak of a machine or an account rarely holds a combo list: it holds the files and lines where
programs keep their logins (blind probe set 9b: a home directory's `.netrc` and `.pgpass`, a
deployment's `.env` of connection URLs, a proxy's log of `Authorization: Basic` headers, URLs
with a user and a password in an access log, FileZilla's `sitemanager.xml`). Each writes a
login and its password in its own syntax, and none of them is a row a dump reader knows:
nothing was found in them, and a URL's `password@host` was even read as an e-mail address.
`rewrite` reads each of these forms:

- a URL's user information, `scheme://login:password@host` (percent-decoded: `name%40isp.fr`);
- a `.pgpass` line, `host:port:database:login:password`;
- a `.netrc` entry, `machine host login L password P`, on one line or several;
- an HTTP `Authorization: Basic` (or `Proxy-Authorization`) header, its base64 decoded (a HAR's
  `"name": "Authorization", "value": "Basic ..."` too);
- an XML element pair `<User>L</User>` ... `<Pass>P</Pass>` (`encoding="base64"` decoded),
  as FileZilla, Maven's settings and similar configuration files write them.

A block of two credentials or more, a dozen lines apart at most, becomes a header
`email|login|password` and a row per credential, which the table readers read (a login that is an
e-mail address in the first column: one column of both kinds was read as no table at all), after
the block's other lines as written (a URL's user information taken out of them). A template's
placeholders (`user:password`, `${DB_PASSWORD}`, a login that is its own password) and anonymous
FTP's logins (`anonymous`, any address as its password) are no one's credential and make no row.
The first look is a bit of `firstlook`'s scan (`NEEDLES`): a text without one of these shapes pays
nothing else. The same for both engines: the text is rewritten before either reads it; fragments
keep the input's line numbers. Only a text with a start
line is read (an `@`, a long run of digits, a combo line): a crawl's pages skip a post without one
before detection (`prefilter.detect_many`, the compiled core's sparse scan), so a log of Basic
headers alone or a `.netrc` of user names gives nothing on either road (left: a seed of their own
in both scans).
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import unquote

from indexer.detect.linemap import LineMap

__all__ = ["NEEDLES", "may_hold", "rewrite"]

# `firstlook`'s patterns for this check (bytes, Hyperscan syntax): a URL's user and password, a
# Basic header, a netrc's `machine`, an XML password element, a pgpass line's port
NEEDLES: tuple[bytes, ...] = (
    rb"://[^\s/:]{0,64}:[^\s/@]{1,128}@",
    rb"(?i)authorization[\"']?[ \t]*[:,=][ \t]*(?:[\"']?value[\"']?[ \t]*:[ \t]*)?[\"']?basic[ \t]",
    rb"(?m)^[ \t]*(?:machine|default)[ \t]",
    rb"<(?:[Pp]ass|[Pp]assword|PASSWORD|[Pp]asswd)[ \t>]",
    # (a pgpass line's port: PostgreSQL's and pgbouncer's, or any; a pattern for the whole line cost
    # a dump post ~4,000 instructions, +0.24% on bench.instructions dump_posts; this one ~400)
    rb":(?:543[0-9]|6432|\*):",
)

_MIN_CREDENTIALS = 2
_MAX_GAP = 12  # lines between two credentials of one block
_MAX_BLOCKS = 16
_MAX_VALUE = 256
_MAX_LINES = 20_000  # a text longer than this is no configuration file or log excerpt read here

# (a login holding a bare `@`, `ftp://jean@free.fr:pw@ftp.free.fr/`, as leaks write them, is read whole)
_URL = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]{0,20}://([^\s/:?#]{0,64}):([^\s/@]{1,128})@(?=[A-Za-z0-9\[])")
_PGPASS = re.compile(r"\A\s*([^\s:]{1,253}):([0-9]{2,5}|\*):([^\s:]{1,64}):([^\s:]{1,64}):(\S{1,256})\s*\Z")
# (`Authorization: Basic x`, a HAR's `"name": "Authorization", "value": "Basic x"`, `authorization=Basic x`)
_BASIC = re.compile(r"(?i)\b(?:proxy-)?authorization[\"']?[ \t]*[:,=][ \t]*(?:[\"']?value[\"']?[ \t]*:[ \t]*)?"
                    r"[\"']?basic[ \t]+([A-Za-z0-9+/]{4,400}={0,2})(?![A-Za-z0-9+/=])")
_NETRC_WORD = re.compile(r"\S+")
_XML_USER = re.compile(r"<(User|user|Username|username|UserName|USERNAME|Login|login|UserId|userid)>"
                       r"([^<>\s]{1,254})</\1>")
_XML_PASS = re.compile(r"<(Pass|pass|Password|password|PASSWORD|Passwd|passwd)(\s[^<>]{0,100})?>([^<>]{1,256})</\1>")
_BASE64_ATTR = re.compile(r"""encoding\s*=\s*["']base64["']""")
_LETTER = re.compile(r"[A-Za-z]")

# a template's or a documentation's stand-ins: no one's password
_PLACEHOLDERS = frozenset({
    "password", "passwd", "pass", "pwd", "secret", "mypassword", "yourpassword", "your_password",
    "changeme", "change_me", "changeit", "motdepasse", "mot_de_passe", "mdp", "example", "sample",
    "dummy", "placeholder", "redacted", "hidden", "none", "null", "todo", "foo", "bar", "foobar",
})
# anonymous FTP's logins, whose "password" is by convention any address (`anonymous` / `guest@`)
_ANONYMOUS = frozenset({"anonymous", "ftp", "guest"})
_FILLER = re.compile(r"\A(?:x+|\*+|\.+|-+|_+|#+)\Z", re.IGNORECASE)


def may_hold(text: str) -> bool:
    """Whether `text` may hold a credential `rewrite` reads (C searches only, after the scan's bit)."""
    return ("@" in text and "://" in text) or "asic" in text or "ASIC" in text or "machine" in text \
        or "default" in text or "<" in text or ":" in text


def _no_ones(login: str, password: str) -> bool:
    if not login or not password or len(login) > _MAX_VALUE or len(password) > _MAX_VALUE:
        return True
    if "|" in login or "|" in password or "\n" in login or "\n" in password:
        return True
    p = password.strip("\"'").lower()
    if p in _PLACEHOLDERS or _FILLER.match(p) or login.lower() == p or login.lower() in _ANONYMOUS:
        return True
    if p.startswith(("${", "{{", "<", "%(", "$(")) or login.startswith(("${", "{{", "<")):
        return True
    return False


def _b64(s: str) -> str | None:
    try:
        raw = base64.b64decode(s + "=" * (-len(s) % 4), validate=True)
        out = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return out if out.isprintable() else None


Entry = tuple[str, str, int, int, bool]  # login, password, first and last line, its lines read whole


def _line_entries(lines: list[str], k: int, found: list[Entry]) -> None:
    ln = lines[k]
    if "://" in ln and "@" in ln:
        for m in _URL.finditer(ln):
            found.append((unquote(m.group(1)), unquote(m.group(2)), k, k, False))
    if ":" in ln and ln.count(":") >= 4 and "://" not in ln:
        pg = _PGPASS.match(ln)
        if pg is not None and (_LETTER.search(pg.group(1)) or "." in pg.group(1) or pg.group(1) == "*") \
                and _LETTER.search(pg.group(4)) and len(pg.group(5)) >= 4:
            found.append((pg.group(4), pg.group(5), k, k, True))
    if "asic" in ln or "ASIC" in ln:
        for m in _BASIC.finditer(ln):
            pair = _b64(m.group(1))
            if pair is not None and ":" in pair:
                login, _, password = pair.partition(":")
                found.append((login, password, k, k, True))


def _netrc(lines: list[str], found: list[Entry]) -> None:
    """`machine H login L password P` (or `default login L password P`), tokens on any lines."""
    words: list[tuple[str, int]] = []
    for k, ln in enumerate(lines):
        head = ln.lstrip()[:8]
        if words or head.startswith(("machine", "default")):
            if not ln.strip():
                continue
            if not words and not (head.startswith("machine ") or head.startswith("machine\t")
                                  or head.startswith("default")):
                continue
            words += [(w, k) for w in _NETRC_WORD.findall(ln)]
            if len(words) > 4096:
                break
    i = 0
    while i < len(words):
        w, k = words[i]
        if w not in ("machine", "default"):
            i += 1
            continue
        j = i + (2 if w == "machine" else 1)
        login = password = None
        last = k
        while j + 1 < len(words) and words[j][0] not in ("machine", "default"):
            key, val = words[j][0], words[j + 1][0]
            if key == "login":
                login, last = val, max(last, words[j + 1][1])
            elif key == "password":
                password, last = val, max(last, words[j + 1][1])
            elif key not in ("account", "port", "macdef"):
                break
            j += 2
        if login is not None and password is not None:
            found.append((login, password, k, last, True))
        i = max(j, i + 1)


def _xml_pairs(lines: list[str], found: list[Entry]) -> None:
    """A login element and a password element after it, within a few lines (one server's entry)."""
    user: tuple[str, int] | None = None
    for k, ln in enumerate(lines):
        if "<" not in ln:
            continue
        mu = _XML_USER.search(ln)
        if mu is not None:
            user = (mu.group(2), k)
        mp = _XML_PASS.search(ln)
        if mp is not None and user is not None and k - user[1] <= 8 and (mu is None or mu.start() < mp.start()):
            password = mp.group(3)
            if mp.group(2) and _BASE64_ATTR.search(mp.group(2)):
                decoded = _b64(password)
                if decoded is None:
                    continue
                password = decoded
            found.append((user[0], password, user[1], k, True))
            user = None


def _entries(text: str, lines: list[str]) -> list[Entry]:
    found: list[Entry] = []
    for k in range(len(lines)):
        _line_entries(lines, k, found)
    if "machine" in text or "default" in text:
        _netrc(lines, found)
    if "<" in text:
        _xml_pairs(lines, found)
    found.sort(key=lambda e: (e[2], e[3]))
    return [e for e in found if not _no_ones(e[0], e[1])]


def _blocks(entries: list[Entry]) -> list[list[Entry]]:
    blocks: list[list[Entry]] = []
    for e in entries:
        if blocks and e[2] - blocks[-1][-1][3] <= _MAX_GAP:
            blocks[-1].append(e)
        else:
            blocks.append([e])
    return [b for b in blocks if len({(e[0], e[1]) for e in b}) >= _MIN_CREDENTIALS][:_MAX_BLOCKS]


def rewrite(text: str) -> tuple[str, list[int], list[int]] | None:
    """(the text with each block of credentials as a header and a row per credential, then the
    block's other lines; each new line's first and last line in `text`, 0-based) or None."""
    lines = text.split("\n")
    if len(lines) > _MAX_LINES:
        return None
    blocks = _blocks(_entries(text, lines))
    if not blocks:
        return None
    new = LineMap()
    k = 0
    for block in blocks:
        first, end = block[0][2], max(e[3] for e in block) + 1
        new.keep(lines, k, first)
        whole = {p for e in block if e[4] for p in range(e[2], e[3] + 1)}
        for p in range(first, end):  # the block's other lines first: the rows then stand together
            if p in whole:
                continue
            ln = lines[p]
            if "://" in ln and "@" in ln:
                ln = _URL.sub(_without_userinfo, ln)
            new.add(ln, p)
        new.add("email|login|password", first)
        for login, password, top, last, _ in block:
            new.add(f"{login}||{password}" if "@" in login else f"|{login}|{password}", top, last)
        k = end
    new.keep(lines, k, len(lines))
    return new.result()


def _without_userinfo(m: re.Match[str]) -> str:
    """A URL's scheme without the login and password `_URL` matched after it."""
    return m.group(0)[: m.group(0).index("://") + 3]
