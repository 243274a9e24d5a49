"""The one place where logging is configured (loguru), including Scrapy's stdlib logging.

Human-readable lines by default; `--log-json` writes one JSON object per line for production.
Secret values registered with `register_secret` are masked in every message, whatever logs them,
and webhook URLs registered with `register_url` are cut to scheme and host (their path or query
may carry a token). Masking happens on the record's text *before* it is serialised: a secret
holding `"`, `\\` or a newline has another spelling once JSON-escaped, so masking the serialised
line would miss it. The escaped spellings are masked on the final line as well, as a safety net.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import traceback
from typing import IO, Any
from urllib.parse import urlsplit

from loguru import logger

from indexer.redact import mask_url
from vigie.core.text import BREAKS, CONTROLS

__all__ = ["logger", "mask", "register_secret", "register_url", "safe_url", "setup_logging"]

_LOCK = threading.Lock()
_SECRETS: set[str] = set()
# every spelling of every secret and URL, longest first, with what replaces it
_REPLACEMENTS: list[tuple[str, str]] = []
_MASK = "***"


def _spellings(value: str) -> set[str]:
    """The raw value and the forms it takes once escaped: JSON (ASCII or not) and Python repr."""
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], repr(value)[1:-1]}
    # a doubly escaped value (a JSON string logged inside a JSON log line)
    forms.add(json.dumps(json.dumps(value)[1:-1])[1:-1])
    return {f for f in forms if f}


def _add(value: str, replacement: str) -> None:
    with _LOCK:
        known = {old for old, _ in _REPLACEMENTS}
        new = [(form, replacement) for form in _spellings(value) if form not in known]
        if new:
            _REPLACEMENTS.extend(new)
            _REPLACEMENTS.sort(key=lambda pair: len(pair[0]), reverse=True)


def register_secret(value: str | None) -> None:
    """Mask `value` (and its escaped spellings) in all log output from now on."""
    if value and len(value) >= 4:
        _SECRETS.add(value)
        _add(value, _MASK)


def safe_url(url: str) -> str:
    """`scheme://host[:port]` of `url`: what may be logged of a URL whose path, query or user
    info can hold a credential (webhook receivers often put a token there)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}/…" if parts.scheme else "(url)"


def register_url(url: str | None) -> None:
    """Log `url` only as scheme and host from now on, wherever it appears (messages, exception
    texts from HTTP libraries, stdlib records)."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.username or parts.password:
        register_secret(parts.password)
    short = safe_url(url)
    _add(url, short)
    if url.endswith("/"):
        _add(url.rstrip("/"), short)
    else:
        _add(url + "/", short)


def mask(text: str) -> str:
    """`text` with every registered secret and URL replaced, and identifiers masked in every other
    URL it quotes (`indexer.redact.mask_url`): a crawled URL may carry one in its path or query (an
    attachment named after a person), and it reached the log through our own lines ("giving up on
    URL") and exception texts (a browser's "Failed to download URL"), not only Scrapy's records.
    Strictly: with the safety net's shape masks too (digit runs, opaque strings), which a stored
    URL is spared so that it still opens the post; a log line needs no working link."""
    for old, new in _REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    if "://" in text:
        text = _URL.sub(lambda m: mask_url(m.group(0), strict=True) or "", text)
    return text


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {mask(str(k)): _mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return mask(str(value))


def _json_line(text: str, record: Any) -> str:
    """Loguru's serialised shape ({"text", "record"}), built from masked parts."""
    exc = record["exception"]
    payload = {
        "text": text,
        "record": {
            "elapsed": {"repr": str(record["elapsed"]), "seconds": record["elapsed"].total_seconds()},
            "exception": None if exc is None else {
                "type": None if exc.type is None else exc.type.__name__,
                "value": mask(str(exc.value)) if exc.value is not None else None,
                "traceback": exc.traceback is not None,
            },
            "extra": _mask_value(record["extra"]),
            "file": {"name": record["file"].name, "path": record["file"].path},
            "function": record["function"],
            "level": {"icon": record["level"].icon, "name": record["level"].name, "no": record["level"].no},
            "line": record["line"],
            "message": mask(record["message"]),
            "module": record["module"],
            "name": record["name"],
            "process": {"id": record["process"].id, "name": record["process"].name},
            "thread": {"id": record["thread"].id, "name": record["thread"].name},
            "time": {"repr": str(record["time"]), "timestamp": record["time"].timestamp()},
        },
    }
    return json.dumps(payload, default=str, ensure_ascii=False) + "\n"


# a colour (SGR) sequence, kept; or a control character other than tab and newline, or a
# bidirectional override
_TERMINAL_UNSAFE = re.compile("(\x1b\\[[0-9;]*m)|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _neuter(match: re.Match[str]) -> str:
    return match.group(1) or "?"


class _MaskingSink:
    """Receives loguru's formatted message (with the traceback appended) and its record; masks
    the text first, then, in JSON mode, serialises the masked parts itself."""

    def __init__(self, stream: IO[str], as_json: bool) -> None:
        self.stream = stream
        self.as_json = as_json

    def write(self, message: Any) -> None:
        text = mask(str(message))
        # JSON escapes control characters; a human line goes to a terminal as it is: the colours
        # loguru adds stay, any other control (ESC of a crawled title or file name: set the
        # window title, clear the screen, links) becomes "?"
        line = _json_line(text.rstrip("\n"), message.record) if self.as_json else _TERMINAL_UNSAFE.sub(_neuter, text)
        self.stream.write(mask(line))  # the escaped spellings, should any survive

    def flush(self) -> None:
        self.stream.flush()


_CHATTY = ("elastic_transport", "urllib3", "stem", "asyncio", "filelock", "aiosmtpd", "mail.log",
           "apscheduler", "faker")


class _InterceptHandler(logging.Handler):
    """Route stdlib logging (Scrapy, Twisted, elasticsearch, stem) into loguru.

    Libraries in `_CHATTY` only get through at WARNING and above unless the level is DEBUG:
    some of them (stem) reset their own logger's level on import, so a level set on the logger
    is not enough.
    """

    def __init__(self, debug: bool) -> None:
        super().__init__()
        self.debug = debug

    def emit(self, record: logging.LogRecord) -> None:
        if not self.debug and record.levelno < logging.WARNING and record.name.startswith(_CHATTY):
            return
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        message = record.getMessage()
        if record.name.startswith(("scrapy", "crawler", "twisted")):
            # Scrapy's own middlewares log request URLs ("Retrying <GET …>", "Redirecting … from
            # <GET …>", "Filtered duplicate request") without going through our log formatter; a
            # crawled URL may carry an identifier in its path or query.
            message = _URL.sub(lambda m: mask_url(m.group(0), strict=True) or "", message)
        logger.opt(depth=6, exception=record.exc_info).bind(logger_name=record.name).log(level, message)


_URL = re.compile(r"https?://[^\s<>\"']+")

_HUMAN = "<green>{time:HH:mm:ss}</green> <level>{level: <7}</level> <cyan>{name}</cyan> {extra[vigie_message]}\n"
_HUMAN_EXC = _HUMAN + "{extra[vigie_exception]}"
# a line of a traceback that starts as a record does (its time): from the exception's text
_FORGED_START = re.compile(r"(?m)^(?=\d\d:\d\d:\d\d)")


def _human(record: Any) -> str:
    """The human line's format, with the message made safe first: a message quotes crawled
    titles, file names and errors, and the sink can only keep every colour sequence or none
    (loguru's are in the same text). So in the message itself a control character is `?` (an
    ESC [ 8 m of a title hid the rest of its line, ESC [ 31 m faked an error) and a line break
    starts an indented continuation: a title holding "\\n12:00:00 ERROR ..." cannot write a line
    that reads as a log line of its own."""
    # secrets are masked before the text changes (a secret holding a line break would be spelled
    # otherwise), and again by the sink
    record["extra"]["vigie_message"] = CONTROLS.sub("?", BREAKS.sub("\n    ", mask(record["message"])))
    exc = record["exception"]
    if exc is None or exc.type is None:
        return _HUMAN
    # an exception's text quotes crawled names too (an archive member "x\x1b[8m", "x\n12:00:00 ERROR
    # ..."): the traceback is written here, without colour, each control `?`, each line that
    # starts as a record does indented
    text = "".join(traceback.format_exception(exc.type, exc.value, exc.traceback))
    record["extra"]["vigie_exception"] = _FORGED_START.sub("    ", CONTROLS.sub("?", mask(text)))
    return _HUMAN_EXC


def setup_logging(level: str = "INFO", json: bool = False, sink: IO[str] | None = None) -> None:
    logger.remove()
    stream = sink or sys.stderr
    logger.add(
        _MaskingSink(stream, json),
        level=level.upper(),
        format="{message}" if json else _human,
        colorize=False if json else stream.isatty(),
        backtrace=False,
        diagnose=False,  # never dump local variables (they may hold identifiers)
    )
    logging.basicConfig(handlers=[_InterceptHandler(level.upper() == "DEBUG")], level=level.upper(), force=True)
