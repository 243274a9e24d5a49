"""What the spiders that download files share: attachment links followed, files read off the event loop.

A forum post's attachment and a paste's linked archive are the same thing to the crawl: a link
to a file of a type in `attachments.extensions`, recorded pending in the crawl state until read,
downloaded within `attachments.max_bytes`, unpacked within the archive caps, and tried with the
passwords posted beside it (`archive_passwords.password_candidates`, in the request's meta only:
never in the crawl state, which is at rest).

Reading a file is heavy (a zip of 200 MB inflated, a 7z decrypted, a PDF read by a process of its
own for up to a minute): it runs on a thread (`read_file`), one file at a time (two archives of
200 MB are not held at once), never on the crawl's event loop. Read there, a slow PDF held the
whole crawl: no page downloaded, no response read, no item handed off until its reader was done.

A file whose connection closed before its Content-Length's bytes came on its last attempt (a
flaky circuit) is not read: it stays pending, counted (`vigie/files/cut_short`, the summary's
`refused: files_cut_short`), and the next crawl fetches it again. Read as it arrived and recorded,
a cut archive was refused for good as unreadable and a cut CSV marked done up to its cut: the
rest never fetched again. One that arrives cut in `CUT_SHORT_CRAWLS` crawls in a row is read as
it arrives (a site that always cuts it hides nothing), as a page is on its last attempt.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urldefrag, urlsplit

from loguru import logger
from scrapy.exceptions import StopDownload
from scrapy.http import Headers, Request, TextResponse

from crawler._disposition import disposition_filename, shortened
from crawler._session_ids import without_session
from crawler.attachments import ArchiveBombError, AttachmentError, ExtractedFile, expand_attachment, extension_of
from crawler.items import FileDone, VigieItem
from crawler.rar import member_label
from crawler.spiders._base import VigieSpider, size_refusal, walled
from indexer.models import CrawledItem
from indexer.redact import mask_text, mask_url
from vigie.config.schema import IMAGE_TYPES

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["CUT_SHORT_CRAWLS", "FileSpider"]

# crawls in a row in which an attachment may arrive cut short and be left pending (see above)
CUT_SHORT_CRAWLS = 3

# Extensions of server-side scripts: an attachment link ending in one names the engine's download
# script, not the file (its type comes from the answer's Content-Disposition).
_SCRIPT_EXTENSIONS = frozenset({"php", "php3", "php4", "php5", "phtml", "asp", "aspx", "ashx", "jsp", "jspx", "cgi",
                               "pl", "cfm", "do", "action"})


# The image types a server's Content-Type names, as `attachments.extensions` writes them; any other
# image/* (bmp, tiff, avif...) is no type an attachment is ever read as.
_IMAGE_CONTENT_TYPES = {"image/jpeg": ("jpg", "jpeg"), "image/jpg": ("jpg", "jpeg"), "image/pjpeg": ("jpg", "jpeg"),
                        "image/png": ("png",), "image/gif": ("gif",), "image/webp": ("webp",)}
# Answers read whole whatever their name: a forum's login wall is such a page (parse_file's `wall`)
_PAGE_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# names of files that are pages themselves (a saved forum page, an HTML export): read as they are
_PAGE_EXTENSIONS = frozenset({"html", "htm", "xhtml", "mht", "mhtml"})


def _content_type(headers: Headers) -> str:
    return (headers.get("Content-Type") or b"").decode("latin-1").split(";", 1)[0].strip().lower()


def file_name(headers: Headers, meta: dict[str, Any], url: str) -> str:
    """The name an answer's file is read under: its Content-Disposition's (as in a browser), else
    the name the page gives the link (`extract.download_names`: its `download` attribute, an
    imageboard's upload stored as a number; else its text or title, wpForo's), else the URL path's
    last part; a label, as an archive's members are (`member_label`): a newline or an escape
    sequence in a Content-Disposition name (`%0A`) forged log and `vigie scan` lines. The header is
    read as a browser reads it (`crawler._disposition`: `filename*` first, any charset, a quoted
    `;`), the name cut to 255 characters, its extension kept."""
    served = disposition_filename(headers.get("Content-Disposition"))
    if served is not None:
        filename = served
    elif meta.get("name"):
        filename = str(meta["name"])
    else:
        filename = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    return member_label(shortened(filename.replace("\\", "/").rsplit("/", 1)[-1]) or "attachment")


def type_refusal(filename: str, headers: Headers, extensions: Sequence[str], head: bytes | None = None) -> str | None:
    """Why an answer's file is not read, by what its headers say (`file_name`'s name, the
    Content-Type of an image); None when it may be. Asked as the headers arrive, before the body
    is downloaded (`FileSpider._headers_received`), and again of the response (`parse_file`).

    A name of a listed type that is no image (`clients.csv`) served as an image (`image/png`) is
    judged by its first bytes (`head`; None as the headers arrive, when it may be downloaded on:
    `FileSpider._bytes_received` stops it at its first bytes if they are an image's): a site
    serving its dumps as images hid them from the crawl alone, a browser saving the file whole."""
    ext = extension_of(filename)
    if ext not in extensions:
        return f"type of {filename!r} not in attachments.extensions"
    ctype = _content_type(headers)
    if ctype.startswith("image/") and not set(_IMAGE_CONTENT_TYPES.get(ctype, ())) & set(extensions):
        if ext in IMAGE_TYPES or (head is not None and _image_bytes(head)):
            return f"{filename!r} is an image by its Content-Type ({ctype}), not in attachments.extensions"
    return None


def content_type_lie(filename: str, headers: Headers, extensions: Sequence[str]) -> bool:
    """Whether the answer names a listed type that is no image while its Content-Type says an
    image not listed (see `type_refusal`): its first bytes decide."""
    ctype = _content_type(headers)
    return ctype.startswith("image/") and not set(_IMAGE_CONTENT_TYPES.get(ctype, ())) & set(extensions) \
        and extension_of(filename) in extensions and extension_of(filename) not in IMAGE_TYPES


# the first bytes of the image formats a Content-Type may say (BMP's two are text's too: "BMW;...")
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_SNIFF_BYTES = 12


def _image_bytes(head: bytes) -> bool:
    return head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


class FileSpider(VigieSpider):
    """A spider that follows links to files (`attachment`) and reads them (`parse_file`, `read_file`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._files_followed: set[str] = set()
        self._reading = asyncio.Lock()  # one file read at a time (see the module docstring)
        self._cut_short: dict[str, int] = {}  # pending files' crawls cut short so far (their state's meta)

    async def read_file(self, name: str, data: bytes, skipped: list[AttachmentError],
                        passwords: Sequence[str] = ()) -> list[ExtractedFile]:
        """`expand_attachment` within the source's `attachments`, on a thread: the crawl's event
        loop goes on downloading and reading pages meanwhile (see the module docstring)."""
        async with self._reading:
            return await asyncio.to_thread(expand_attachment, name, data, self.source.attachments, skipped,
                                           passwords=passwords)

    def attachment(self, url: str, ctx: dict[str, Any], author: str | None,
                   posted_at: datetime | None, name: str | None = None,
                   passwords: tuple[str, ...] = ()) -> Iterator[Request]:
        """The download of the file at `url`, unless refused by its type or read before. `ctx`:
        where it was posted (`key`, `title`, `board`: a forum thread, a paste). `name`: the file's
        name as the page gives it (`extract.download_names`), used when the server sends no
        Content-Disposition (parse_file). `passwords`: the candidates given beside it for an
        encrypted archive, in the request's meta only: never in the crawl state's pending `meta`
        (at rest); a download resumed by a later crawl goes without them."""
        url = urldefrag(url)[0]
        key = self.file_key(url)
        ext = extension_of(unquote(urlsplit(url).path.rstrip("/")))
        # "name.exe" is refused here; "patients-csv.12/" (no real extension) and a download
        # script ("download/file.php?id=7": phpBB, MyBB, SMF, vBulletin serve every attachment so)
        # are fetched and judged by their Content-Disposition filename in parse_file.
        if ext.isalpha() and ext not in self.source.attachments.extensions and ext not in _SCRIPT_EXTENSIONS:
            self.crawler.stats.inc_value("vigie/files/wrong_type")
            return
        if key in self._files_followed or self.vigie_state.file_status(key) in ("done", "refused"):
            return
        self._files_followed.add(key)
        meta: dict[str, Any] = {"thread": ctx, "author": author,
                                "posted_at": posted_at.isoformat() if posted_at else None}
        if name:
            meta["name"] = name
        if self._cut_short.get(key):  # (its count kept when its link is met again)
            meta["cut_short"] = self._cut_short[key]
        self.vigie_state.file_pending(key, meta)
        yield self.file_request(url, meta, passwords)

    def file_key(self, url: str) -> str:
        """The name the crawl state knows an attachment by: its URL without a session id
        (`crawler._session_ids`: `download/file.php?id=7&sid=...`, downloaded again every crawl)."""
        return without_session(url, self.source.follow.session_params)

    def _headers_received(self, headers: Any, body_length: int, request: Request, spider: Any = None) -> None:
        """An attachment whose headers already say it will not be read (an image behind a
        download script, `file.php?id=7`, a name of a type not listed) is not downloaded: the
        body stops here and `parse_file` refuses the answer as it would the whole file, counted
        (`vigie/files/wrong_type`). It used to be downloaded up to `attachments.max_bytes` first.
        A redirect, and an HTML page (a login wall, read whole by `parse_file`), go on."""
        super()._headers_received(headers, body_length, request, spider)
        meta = request.meta
        if "vigie_file" not in meta or headers.get("Location") or _content_type(headers) in _PAGE_CONTENT_TYPES:
            return
        name = file_name(headers, meta["vigie_file"], request.url)
        if type_refusal(name, headers, self.source.attachments.extensions) is not None:
            raise StopDownload(fail=False)
        if content_type_lie(name, headers, self.source.attachments.extensions):
            meta["vigie_sniff"] = b""  # its first bytes decide (`_bytes_received`)

    def _bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        """A file served as an image its name says it is not is stopped at its first bytes when
        they are an image's (`type_refusal`), as an image is at its headers; else read whole."""
        super()._bytes_received(data, request, spider)
        meta = request.meta
        if "vigie_sniff" not in meta:
            return
        head = meta["vigie_sniff"] + data[:_SNIFF_BYTES]
        if len(head) < _SNIFF_BYTES:
            meta["vigie_sniff"] = head
            return
        del meta["vigie_sniff"]
        if _image_bytes(head):
            raise StopDownload(fail=False)

    def pending_file_requests(self) -> list[Request]:
        """The downloads an earlier, interrupted crawl left pending (without their passwords)."""
        pending = self.vigie_state.pending_files()
        self._cut_short.update((url, int(meta.get("cut_short") or 0)) for url, meta in pending)
        return [self.file_request(url, meta) for url, meta in pending]

    def file_request(self, url: str, meta: dict[str, Any], passwords: tuple[str, ...] = ()) -> Request:
        req = self.request(url, self.parse_file, "file", vigie_file=meta,
                           download_maxsize=self.source.attachments.max_bytes, vigie_passwords=passwords)
        return req.replace(errback=self._file_error, priority=-1)

    def _left_cut_short(self, response: Response, meta: dict[str, Any]) -> bool:
        """Whether a file cut short of its Content-Length is left pending for the next crawl
        (see the module docstring), rather than read as it arrived."""
        url = self.file_key((response.meta.get("redirect_urls") or [response.url])[0])  # (as its state row names it)
        cut = int(meta.get("cut_short") or 0) + 1
        if cut >= CUT_SHORT_CRAWLS:
            self.crawler.stats.inc_value("vigie/pages/truncated")
            logger.warning("attachment {} was cut short of its Content-Length in {} crawls in a row: read as it "
                           "arrived ({} bytes)", mask_url(response.url), cut, len(response.body))
            return False
        self.crawler.stats.inc_value("vigie/files/cut_short")
        logger.warning("attachment {} was cut short of its Content-Length ({} bytes came) on its last attempt: "
                       "not read, fetched again by the next crawl (read as it arrives after {} crawls cut short)",
                       mask_url(response.url), len(response.body), CUT_SHORT_CRAWLS)
        self._cut_short[url] = cut
        self.vigie_state.file_pending(url, {**meta, "cut_short": cut}, again=True)
        return True

    def _file_error(self, failure: Any) -> Iterator[Any]:
        """An attachment over attachments.max_bytes, whichever way Scrapy found it out
        (`size_refusal`: declared, streamed, or inflated by a Content-Encoding), is refused for
        good and counted (the summary's `refused`); it used to stay pending, uncounted, fetched again by
        every crawl, when the limit was met without a Content-Length."""
        too_big = size_refusal(failure)
        if too_big is not None:
            self.crawler.stats.inc_value("vigie/files/too_big")
            logger.warning("attachment {} refused: larger than attachments.max_bytes ({})",
                           mask_url(failure.request.url), too_big)
            yield FileDone(self.file_key(failure.request.url), "refused",
                           f"larger than attachments.max_bytes: {too_big}")
        else:
            yield from self.on_error(failure) or ()  # stays pending: fetched again by the next crawl

    async def parse_file(self, response: Response) -> AsyncIterator[Any]:
        wall = self.wall(response) if isinstance(response, TextResponse) else None
        if wall is not None:
            for out in wall:
                yield out
            return
        meta = response.meta["vigie_file"]
        if "dataloss" in response.flags and self._left_cut_short(response, meta):
            return
        filename = file_name(response.headers, meta, response.url)
        if isinstance(response, TextResponse) and _content_type(response.headers) in _PAGE_CONTENT_TYPES and \
                extension_of(filename) not in _PAGE_EXTENSIONS and (walled_by := walled(response)) is not None:
            # a captcha or a login form in place of the file: it stays pending, fetched again by the
            # next crawl (read as the file, it was recorded done and the file itself never fetched)
            self.walled_off(response.url, walled_by, f"an HTML page in place of the file {filename!r}")
            return
        extensions = self.source.attachments.extensions
        refusal = type_refusal(filename, response.headers, extensions, response.body[:_SNIFF_BYTES])
        if refusal is not None or "download_stopped" in response.flags:
            self.crawler.stats.inc_value("vigie/files/wrong_type")
            yield FileDone(self.file_key(response.url), "refused", refusal or "stopped at its headers")
            return
        if content_type_lie(filename, response.headers, extensions):
            self.crawler.stats.inc_value("vigie/files/content_type_ignored")
            logger.warning("attachment {} is served as {} but is no image (its first bytes): read as its name {} says",
                           mask_url(response.url), _content_type(response.headers), mask_text(filename))
        skipped: list[AttachmentError] = []  # members set aside, the others read: each counted as below
        try:
            files = await self.read_file(filename, response.body, skipped, response.meta.get("vigie_passwords") or ())
        except ArchiveBombError as exc:
            self.crawler.stats.inc_value("vigie/files/bombs_refused")
            logger.warning("archive bomb refused, not expanded: {} ({})", mask_url(response.url), mask_text(str(exc)))
            yield FileDone(self.file_key(response.url), "refused", f"archive bomb: {exc}")
            return
        except AttachmentError as exc:
            self.crawler.stats.inc_value("vigie/errors")
            logger.error("attachment {} unreadable: {}", mask_url(response.url), mask_text(str(exc)))
            yield FileDone(self.file_key(response.url), "refused", str(exc))
            return
        self.parts_set_aside(f"attachment {mask_url(response.url)}", skipped)
        ceiling = self.html_ceiling(f"attachment {mask_url(response.url)}", files)
        if not files:
            yield FileDone(self.file_key(response.url), "done", "no file of a configured type inside")
            return
        thread = meta.get("thread") or {}
        posted = meta.get("posted_at")
        now = datetime.now(UTC)
        for f in files:
            item = CrawledItem(source=self.source.name, url=response.url, raw=f.data, filename=f.filename,
                               max_html_elements=ceiling,
                               thread_url=thread.get("key"), thread_title=thread.get("title"),
                               board=thread.get("board"), author=meta.get("author"),
                               posted_at=datetime.fromisoformat(posted) if posted else None, fetched_at=now)
            yield VigieItem(item, "file", f"{self.file_key(response.url)}!{f.filename}", item.content_hash,
                            thread_key=thread.get("key"), file_url=self.file_key(response.url),
                            file_parts=len(files))
