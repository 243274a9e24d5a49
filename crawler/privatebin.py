"""PrivateBin pastes: a link's parts, and the paste its JSON answer holds, decrypted.

PrivateBin (and ZeroBin before it) encrypts a paste in the browser; the server keeps only the
ciphertext, and the key travels in the link's fragment (`https://host/?a1b2c3d4e5f6a7b8#<key>`),
which a browser never sends. A leak posted as such a link is unreadable to a crawler that fetches
the page: this reads the format 2 JSON the page's script would (PrivateBin >= 1.3), as the
project documents it and its clients implement it (PrivateBin's CryptTool, pbincli, gearnode's Go
client):

- key: the fragment, base58-decoded (32 bytes), followed by the UTF-8 password if the paste has
  one; a fragment starting with `-` (PrivateBin >= 1.7) marks a burn-after-reading paste;
- `adata` = `[[iv, salt, iterations, keysize, tagsize, "aes", "gcm", "zlib"|"none"], format,
  opendiscussion, burnafterreading]`, iv and salt base64;
- AES-GCM key: PBKDF2-HMAC-SHA256(key, salt, iterations, keysize/8); associated data: `adata`
  serialised as JavaScript's `JSON.stringify` does (compact, `/` and non-ASCII as they are);
- `ct`: base64 of ciphertext + tag; the plaintext raw deflate ("zlib") or not ("none"), then JSON
  `{"paste": text, "attachment": "data:<mime>;base64,<bytes>", "attachment_name": name}`.

Everything here comes from whoever runs the paste site (or wrote the link), so each value is
bounded before it costs anything: PBKDF2 iterations (the answer chooses them: a billion would
hold a crawl thread for minutes per try), the ciphertext, the inflated plaintext (a deflate bomb
inflates a thousandfold), the attachment; a value of the wrong shape is refused
with `PrivateBinError` naming what (`.kind`, counted by the crawl). The key is never part of an
error's message, a `repr`, or a URL made here: `PrivateBinLink.url` has no fragment.

Format 1 (ZeroBin, PrivateBin < 1.3) is read too: the answer's `data` (or, from ZeroBin, the
page's `<div id="cipherdata">`) is SJCL's JSON (`iv`, `salt`, `iter`, `ks`, `ts`, `mode` CCM or GCM,
`ct` with its tag); SJCL's passphrase is the fragment's base64 text itself (with a password: that
text and the password's SHA-256 in hex, as PrivateBin 1.x did); the plaintext is base64 of the raw
deflate of the UTF-8 text, each byte written as a character then UTF-8 encoded (js-base64's
`toBase64(RawDeflate.deflate(utob(text)))`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import json
import re
import threading
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM

from crawler import CrawlerError

__all__ = [
    "AUTHOR_ITERATIONS",
    "CRAWL_ITERATIONS",
    "BudgetSpent",
    "MAX_ITERATIONS",
    "DecryptedPaste",
    "KdfBudget",
    "PrivateBinError",
    "PrivateBinLink",
    "b58decode",
    "decrypt_paste",
    "find_links",
    "parse_link",
]

# PBKDF2 iterations accepted at most. PrivateBin's browser client uses 100,000, gearnode's Go
# client 600,000; one try at a million costs about 0.3 s of CPU here, and a paste is tried once
# per candidate password (at most 1 + archive_passwords.MAX_CANDIDATES).
MAX_ITERATIONS = 1_000_000
# PBKDF2 iterations one crawl spends on PrivateBin pastes at most, every try of every paste
# together (`KdfBudget`): 2,000 pastes at PrivateBin's 100,000, about 40 CPU-seconds here.
CRAWL_ITERATIONS = 200_000_000
# ...and on the pastes one author of the crawled posts linked: a tenth of it (200 pastes at 100,000,
# about 4 CPU-seconds), so one forum member cannot spend the whole crawl's budget (round 12)
AUTHOR_ITERATIONS = CRAWL_ITERATIONS // 10
# a paste id: 16 hex digits (PrivateBin's, and ZeroBin's)
_PASTE_ID = re.compile(r"[0-9a-f]{16}")
_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}
# a link in a post: scheme, a host, any path, `?` + 16 hex digits, `#`, the key (an optional `-`)
# (format 1's key: base64, 32 bytes: 43 characters and `=`; tried first, as base58 would take its head)
_LINK = re.compile(
    r"\b(?i:https?)://[^\s<>\"'`?#]{1,300}\?(?:pasteid=)?[0-9a-f]{16}#-?"
    r"(?:[A-Za-z0-9+/]{20,88}={1,2}|[1-9A-HJ-NP-Za-km-z]{20,90}(?![1-9A-HJ-NP-Za-km-z]))"
)
# links read from one text at most (a post of a hundred links is a list, not a leak)
MAX_LINKS = 8
_DATA_URI = re.compile(r"data:([\w.+-]{1,100}/[\w.+-]{1,100})?(?:;[\w=.+-]{0,100})*;base64,", re.ASCII)


class PrivateBinError(CrawlerError):
    """A PrivateBin answer that cannot be read. `kind` says why, for the crawl's counts:
    `gone` (the server says no such paste: expired, burnt, deleted), `malformed` (not PrivateBin's
    JSON, bad base64), `unsupported` (format 1, another cipher), `iterations` (more PBKDF2
    iterations than `MAX_ITERATIONS`), `too_big` (a part past its cap, a deflate bomb),
    `no_password` (the key alone does not open it and no password was given beside the link),
    `wrong_key` (neither the key alone nor with any password given opens it)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class BudgetSpent(PrivateBinError):
    """The crawl's PBKDF2 budget is spent (`KdfBudget`), by whoever linked the pastes before: not
    this paste's fault, so it is left for the next crawl (its pending row kept), not refused for
    good (round 13: a legitimate paste linked after someone else's spent the budget was lost)."""

    def __init__(self, message: str) -> None:
        super().__init__("iterations", message)


class KdfBudget:
    """The PBKDF2 iterations a crawl may still spend on pastes, shared by its decryption threads.

    Why: the answer chooses the count, and whether any key opens it. A paste no key opens, at
    `MAX_ITERATIONS` with four passwords posted beside its link, cost a CPU-second for an answer
    of 362 bytes, eight links a post: any forum member posting such links (to pastes on an
    instance the operator lists, where anyone may paste) held the source's crawl for as long as
    they kept posting, and the leaks posted beside them waited (round 11 of the attacker's
    review). Each try is charged before it runs; once the budget is spent, a paste is refused
    (`iterations`) without a PBKDF2. The pastes one author linked (`of(author)`) may spend
    `per_author` of it: one member posting such links no longer spends the whole crawl's budget, and
    the pastes others linked are still read (round 12). Links without an author (a paste site's
    list) share the total only."""

    def __init__(self, total: int = CRAWL_ITERATIONS, per_author: int = AUTHOR_ITERATIONS) -> None:
        self.total = total
        self.per_author = per_author
        self.spent = 0
        self.by_author: dict[str, int] = {}
        self._lock = threading.Lock()

    def of(self, author: str | None) -> KdfBudget:
        """This budget as the pastes `author` linked charge it (itself when no author is known)."""
        name = " ".join((author or "").split()).casefold()
        return _AuthorBudget(self, name) if name else self

    def charge(self, iterations: int, author: str | None = None) -> None:
        with self._lock:
            mine = self.by_author.get(author, 0) if author is not None else 0
            if author is not None and mine + iterations > self.per_author:
                raise PrivateBinError(
                    "iterations",
                    f"the PBKDF2 budget of the pastes one author linked ({self.per_author:,} iterations of this "
                    f"crawl's {self.total:,}) is spent ({mine:,}; this try asks {iterations:,}): refused (the "
                    "pastes choose what they cost; other authors' are still read)",
                )
            if self.spent + iterations > self.total:
                raise BudgetSpent(
                    f"this crawl's PBKDF2 budget for PrivateBin pastes ({self.total:,} iterations) is spent "
                    f"({self.spent:,}; this try asks {iterations:,}): refused (the pastes choose what they cost)",
                )
            self.spent += iterations
            if author is not None:
                self.by_author[author] = mine + iterations


class _AuthorBudget(KdfBudget):
    """`KdfBudget.of(author)`: charges its crawl's budget in that author's name."""

    def __init__(self, crawl: KdfBudget, author: str) -> None:  # (no state of its own: the crawl's)
        self.crawl, self.author = crawl, author
        self.total, self.per_author = crawl.total, crawl.per_author

    def charge(self, iterations: int, author: str | None = None) -> None:
        self.crawl.charge(iterations, self.author)


@dataclass(frozen=True)
class PrivateBinLink:
    """A PrivateBin link, taken apart. `url` is the paste's address without the key (what is
    requested, stored and shown); the key stays in `key`, out of `repr`."""

    url: str
    paste_id: str
    key: bytes = field(repr=False)
    burn_after_reading: bool = False  # the fragment's `-` prefix (PrivateBin >= 1.7)
    legacy: bool = False  # a format 1 key (base64: ZeroBin, PrivateBin < 1.3); `key` is its text

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


def b58decode(text: str) -> bytes:
    """Base58 (Bitcoin's alphabet, as PrivateBin's) to bytes; ValueError on another character."""
    number = 0
    for char in text:
        digit = _B58_INDEX.get(char)
        if digit is None:
            raise ValueError("not base58")
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + body


def parse_link(url: str) -> PrivateBinLink | None:
    """The parts of a PrivateBin link (`http(s)://host/path/?<16 hex>#[-]<base58 key>`, the id
    also as `?pasteid=<id>`), or None when `url` is no such link (no id, no key, a key that is not
    base58 or not 16 to 64 bytes long)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    query = parts.query[len("pasteid=") :] if parts.query.startswith("pasteid=") else parts.query
    fragment = parts.fragment
    burn = fragment.startswith("-")
    fragment = fragment[1:] if burn else fragment
    if not _PASTE_ID.fullmatch(query) or not 20 <= len(fragment) <= 90:
        return None
    legacy = fragment.endswith("=")  # format 1: the base64 text itself is SJCL's passphrase
    try:
        raw = base64.b64decode(fragment, validate=True) if legacy else b58decode(fragment)
    except (ValueError, binascii.Error):
        return None
    if not 16 <= len(raw) <= 64:
        return None
    key = fragment.encode() if legacy else raw
    return PrivateBinLink(
        urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", query, "")), query, key, burn, legacy
    )


def find_links(text: str, limit: int = MAX_LINKS) -> list[PrivateBinLink]:
    """The PrivateBin links in `text`, in order, each paste once, at most `limit`."""
    out: list[PrivateBinLink] = []
    if "#" not in text:
        return out
    for match in _LINK.finditer(text):
        link = parse_link(match.group())
        if link is not None and all(link.url != o.url for o in out):
            out.append(link)
            if len(out) >= limit:
                break
    return out


@dataclass(frozen=True)
class DecryptedPaste:
    text: str
    attachment: bytes | None = field(default=None, repr=False)
    attachment_name: str | None = None
    burn_after_reading: bool = False  # the paste's own flag: the server deleted it as it answered
    password_rank: int = 0  # 0: the key alone opened it; n: the n-th password given


@dataclass(frozen=True)
class _Spec:
    iv: bytes
    salt: bytes
    iterations: int
    key_bytes: int
    compression: str


def decrypt_paste(
    answer: bytes | str,
    key: bytes,
    passwords: Sequence[str] = (),
    *,
    max_bytes: int,
    max_plain_bytes: int,
    max_iterations: int = MAX_ITERATIONS,
    budget: KdfBudget | None = None,
) -> DecryptedPaste:
    """The paste a PrivateBin JSON answer (`GET /?<id>` with `X-Requested-With:
    JSONHttpRequest`) holds, decrypted with `key` (the link's, `PrivateBinLink.key`), then with
    `key` + each of `passwords` in turn when the key alone does not open it.

    `max_bytes` bounds the ciphertext (and the attachment once decoded), `max_plain_bytes` the
    plaintext once inflated; `budget`, when given, is charged each try's iterations (the crawl's
    one `KdfBudget`). Raises `PrivateBinError` (see its `kind`)."""
    doc = _embedded(answer) or _json(answer, "the answer")
    if isinstance(doc, list) and doc and isinstance(doc[0], dict):  # ZeroBin's page: [paste, comments...]
        doc = doc[0]
    if not isinstance(doc, dict):
        raise PrivateBinError("malformed", "the answer is not a JSON object: not a PrivateBin paste")
    status = doc.get("status", 0)
    if status != 0:
        message = doc.get("message")
        shown = message[:120] if isinstance(message, str) else "no message"
        raise PrivateBinError(
            "gone", f"the server answered status {status!r} ({shown!r}): no such paste, or expired, burnt or deleted"
        )
    if "data" in doc and "ct" not in doc:
        return _decrypt_v1(doc, key, passwords, max_bytes, max_plain_bytes, max_iterations, budget)
    if doc.get("v") != 2:
        raise PrivateBinError("unsupported", f"format version {doc.get('v')!r}: only 2 is read")
    adata, ct = doc.get("adata"), doc.get("ct")
    spec = _spec(adata, max_iterations)
    if not isinstance(ct, str):
        raise PrivateBinError("malformed", "`ct` is not a string")
    if len(ct) > (max_bytes + 2) // 3 * 4 + 4:
        raise PrivateBinError(
            "too_big", f"ciphertext of {len(ct):,} base64 characters, over the {max_bytes:,} bytes allowed"
        )
    sealed = _b64(ct, "ct")
    if len(sealed) < 16:
        raise PrivateBinError("malformed", "ciphertext shorter than its tag")
    # the associated data is the adata as the browser re-serialises it (JSON.stringify)
    associated = json.dumps(adata, separators=(",", ":"), ensure_ascii=False).encode()
    opened = _open(spec, sealed, associated, _secrets(key, passwords), budget)
    if opened is None:
        raise _unopened(passwords)
    plain, rank = opened
    if spec.compression == "zlib":
        plain = _inflate(plain, max_plain_bytes)
    elif len(plain) > max_plain_bytes:
        raise PrivateBinError("too_big", f"plaintext over {max_plain_bytes:,} bytes")
    message = _json(plain, "the decrypted paste")
    if not isinstance(message, dict) or not isinstance(message.get("paste", ""), str):
        raise PrivateBinError("malformed", "the decrypted paste is not PrivateBin's JSON (`paste` text)")
    attachment, name = _attachment(message, max_bytes)
    burn = isinstance(adata, list) and adata[3] == 1  # (checked by _spec)
    return DecryptedPaste(str(message.get("paste", "")), attachment, name, burn, rank)


def _unopened(passwords: Sequence[str]) -> PrivateBinError:
    """Neither the key nor a password opened the paste (both formats say it alike)."""
    if passwords:
        return PrivateBinError(
            "wrong_key",
            f"neither the link's key nor any of the {len(passwords)} password(s) given beside it opens the paste",
        )
    return PrivateBinError(
        "no_password",
        "the link's key does not open the paste: it needs a password (none "
        "was given beside the link), or the key is wrong",
    )


def _open(
    spec: _Spec, sealed: bytes, associated: bytes, secrets: Iterator[bytes], budget: KdfBudget | None
) -> tuple[bytes, int] | None:
    """The plaintext and the rank of the first secret that opens it, or None."""
    for rank, secret in enumerate(secrets):
        if budget is not None:
            budget.charge(spec.iterations)
        derived = hashlib.pbkdf2_hmac("sha256", secret, spec.salt, spec.iterations, spec.key_bytes)
        try:
            return AESGCM(derived).decrypt(spec.iv, sealed, associated), rank
        except InvalidTag:
            continue
    return None


def _secrets(key: bytes, passwords: Sequence[str]) -> Iterator[bytes]:
    yield key
    for password in dict.fromkeys(passwords):
        if password:
            yield key + password.encode()


def _json(data: bytes | str, what: str) -> Any:
    """`data` parsed; nesting is bounded by the interpreter's recursion limit, which json's
    scanner meets at once (a million `[` fail after a thousand), never by a long parse."""
    try:
        return json.loads(data.decode() if isinstance(data, bytes) else data)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PrivateBinError("malformed", f"{what} is not JSON ({type(exc).__name__})") from None


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise PrivateBinError("malformed", f"`{what}` is not base64") from None


def _spec(adata: Any, max_iterations: int) -> _Spec:
    if not (isinstance(adata, list) and len(adata) == 4 and isinstance(adata[0], list) and len(adata[0]) == 8):
        raise PrivateBinError(
            "malformed",
            "`adata` is not [[iv, salt, iterations, keysize, tagsize, algorithm, "
            "mode, compression], format, opendiscussion, burnafterreading]",
        )
    iv, salt, iterations, key_bits, tag_bits, algorithm, mode, compression = adata[0]
    if not all(isinstance(v, str) for v in (iv, salt)) or not all(
        type(v) is int for v in (iterations, key_bits, tag_bits)
    ):
        raise PrivateBinError("malformed", "`adata` holds a value of the wrong type")
    if (algorithm, mode) != ("aes", "gcm") or compression not in ("zlib", "none"):
        raise PrivateBinError(
            "unsupported", f"cipher {algorithm!r}/{mode!r} with compression {compression!r}: only aes/gcm, zlib or none"
        )
    if key_bits not in (128, 192, 256) or tag_bits != 128:
        raise PrivateBinError(
            "unsupported", f"key of {key_bits} bits and tag of {tag_bits} bits: only 128, 192 or 256 and 128"
        )
    if not 1 <= iterations <= max_iterations:
        raise PrivateBinError(
            "iterations",
            f"{iterations:,} PBKDF2 iterations asked, {max_iterations:,} at most: "
            "refused (they cost CPU the answer chooses)",
        )
    nonce, salted = _b64(iv, "iv"), _b64(salt, "salt")
    if not 8 <= len(nonce) <= 64 or not 1 <= len(salted) <= 64:
        raise PrivateBinError("malformed", "`iv` or `salt` of an unusable length")
    return _Spec(nonce, salted, iterations, key_bits // 8, compression)


def _inflate(data: bytes, cap: int) -> bytes:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, cap + 1)
    except zlib.error:
        raise PrivateBinError("malformed", "the decrypted paste does not inflate (raw deflate)") from None
    if len(out) > cap or inflater.unconsumed_tail:
        raise PrivateBinError("too_big", f"the paste inflates past {cap:,} bytes (a deflate bomb?): refused")
    return out


def _attachment(message: dict[str, Any], max_bytes: int) -> tuple[bytes | None, str | None]:
    uri = message.get("attachment")
    if uri is None:
        return None, None
    if isinstance(uri, list):  # PrivateBin >= 2.0 may carry several; the first is read
        uri = uri[0] if uri else None
        names = message.get("attachment_name")
        message = {**message, "attachment_name": names[0] if isinstance(names, list) and names else names}
        if uri is None:
            return None, None
    if not isinstance(uri, str):
        raise PrivateBinError("malformed", "`attachment` is not a data URI")
    head = _DATA_URI.match(uri)
    if head is None:
        raise PrivateBinError("malformed", "`attachment` is not a base64 data URI")
    if len(uri) - head.end() > (max_bytes + 2) // 3 * 4 + 4:
        raise PrivateBinError("too_big", f"attachment over {max_bytes:,} bytes")
    data = _b64(uri[head.end() :], "attachment")
    name = message.get("attachment_name")
    name = name.rsplit("/", 1)[-1].strip()[:200] if isinstance(name, str) else ""
    return data, name or "attachment"


_CIPHERDATA = re.compile(r'<div id="cipherdata"[^>]{0,200}>([^<]{1,100000000})</div>')


def _embedded(answer: bytes | str) -> Any:
    """ZeroBin's paste embedded in its HTML page (`<div id="cipherdata">[...]</div>`), or None."""
    head = answer[:200].lstrip() if isinstance(answer, str) else answer[:200].lstrip().decode("latin-1")
    if head.startswith(("{", "[")):
        return None
    text = answer if isinstance(answer, str) else answer.decode("utf-8", "replace")
    match = _CIPHERDATA.search(text)
    return _json(html.unescape(match.group(1)), "the page's cipherdata") if match else None


def _decrypt_v1(
    doc: dict[str, Any],
    key: bytes,
    passwords: Sequence[str],
    max_bytes: int,
    max_plain_bytes: int,
    max_iterations: int,
    budget: KdfBudget | None,
) -> DecryptedPaste:
    """A format 1 paste (see the module docstring); its attachment (PrivateBin 1.x) too."""
    secrets = [key] + [key + hashlib.sha256(p.encode()).hexdigest().encode() for p in dict.fromkeys(passwords) if p]
    found = next(
        (
            (rank, secret, plain)
            for rank, secret in enumerate(secrets)
            if (plain := _sjcl(doc.get("data"), secret, max_bytes, max_iterations, budget)) is not None
        ),
        None,
    )
    if found is None:
        raise _unopened(passwords)
    rank, secret, opened = found
    text = _v1_text(opened, max_plain_bytes)
    meta = doc.get("meta")
    burn = isinstance(meta, dict) and bool(meta.get("burnafterreading"))
    attachment = name = None
    if isinstance(doc.get("attachment"), str):
        sealed = _sjcl(doc["attachment"], secret, max_bytes, max_iterations, budget)
        sealed_name = _sjcl(doc.get("attachmentname"), secret, max_bytes, max_iterations, budget)
        if sealed is None:
            raise PrivateBinError("malformed", "the attachment does not open with the paste's key")
        attachment, name = _attachment(
            {
                "attachment": _v1_text(sealed, max_plain_bytes),
                "attachment_name": _v1_text(sealed_name, 1000) if sealed_name else None,
            },
            max_bytes,
        )
    return DecryptedPaste(text, attachment, name, burn, rank)


def _sjcl(
    data: Any, passphrase: bytes, max_bytes: int, max_iterations: int, budget: KdfBudget | None = None
) -> bytes | None:
    """SJCL's `sjcl.decrypt(passphrase, data)`: the plaintext, or None when it does not open."""
    doc = _json(data, "SJCL's JSON") if isinstance(data, str) else None
    if not isinstance(doc, dict):
        raise PrivateBinError("malformed", "format 1 data is not SJCL's JSON")
    if doc.get("cipher", "aes") != "aes" or doc.get("mode") not in ("ccm", "gcm") or doc.get("v", 1) != 1:
        raise PrivateBinError(
            "unsupported", f"SJCL cipher {doc.get('cipher')!r}/{doc.get('mode')!r}: only aes with ccm or gcm"
        )
    iterations, key_bits, tag_bits = doc.get("iter", 1000), doc.get("ks", 128), doc.get("ts", 64)
    if (
        not all(type(v) is int for v in (iterations, key_bits, tag_bits))
        or key_bits not in (128, 192, 256)
        or tag_bits not in (64, 96, 128)
    ):
        raise PrivateBinError("unsupported", "SJCL key or tag size not read")
    if not 1 <= iterations <= max_iterations:
        raise PrivateBinError(
            "iterations",
            f"{iterations:,} PBKDF2 iterations asked, {max_iterations:,} at most: "
            "refused (they cost CPU the answer chooses)",
        )
    fields = [doc.get(k) for k in ("iv", "salt", "ct")]
    if not all(isinstance(v, str) for v in fields) or not isinstance(doc.get("adata", ""), str):
        raise PrivateBinError("malformed", "SJCL's iv, salt or ct is not a string")
    if len(str(fields[2])) > (max_bytes + 2) // 3 * 4 + 4:
        raise PrivateBinError("too_big", f"ciphertext over {max_bytes:,} bytes")
    iv, salt, sealed = (_b64(str(v), k) for v, k in zip(fields, ("iv", "salt", "ct"), strict=True))
    adata = _b64(doc.get("adata") or "", "adata")
    tag = tag_bits // 8
    if not 7 <= len(iv) <= 16 or not salt or len(sealed) < tag:
        raise PrivateBinError("malformed", "SJCL's iv, salt or ct of an unusable length")
    if budget is not None:
        budget.charge(iterations)
    derived = hashlib.pbkdf2_hmac("sha256", passphrase, salt, iterations, key_bits // 8)
    try:
        if doc["mode"] == "ccm":  # sjcl.mode.ccm: the nonce is the iv cut to 15 - L bytes
            size = len(sealed) - tag
            length = 2
            while length < 4 and size >> (8 * length):
                length += 1
            length = max(length, 15 - len(iv))
            return AESCCM(derived, tag_length=tag).decrypt(iv[: 15 - length], sealed, adata or None)
        decryptor = Cipher(algorithms.AES(derived), modes.GCM(iv, sealed[-tag:], min_tag_length=tag)).decryptor()
        decryptor.authenticate_additional_data(adata)
        return decryptor.update(sealed[:-tag]) + decryptor.finalize()
    except InvalidTag:
        return None
    except ValueError as exc:  # a nonce length AES-CCM does not take
        raise PrivateBinError("malformed", f"SJCL's parameters unusable ({exc})") from None


def _v1_text(plain: bytes, cap: int) -> str:
    """js-base64's `btou(RawDeflate.inflate(fromBase64(data)))`: the paste's text."""
    try:
        chars = base64.b64decode(plain, validate=True).decode()
        try:  # a binary string: every character below 256 (what `& 0xFF` keeps, at C speed)
            packed = chars.encode("latin-1")
        except UnicodeEncodeError:
            packed = bytes(ord(c) & 0xFF for c in chars)
        return _inflate(packed, cap).decode()
    except (binascii.Error, ValueError):
        raise PrivateBinError("malformed", "format 1 plaintext is not base64 of deflated UTF-8") from None
