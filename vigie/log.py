"""The one place where logging is configured (loguru), including Scrapy's stdlib logging.

Human-readable lines by default; `--log-json` writes one JSON object per line for production.
Secret values registered with `register_secret` are masked in every message, whatever logs them.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from loguru import logger

__all__ = ["logger", "register_secret", "setup_logging"]

_SECRETS: set[str] = set()


def register_secret(value: str | None) -> None:
    if value and len(value) >= 4:
        _SECRETS.add(value)


def _mask_text(text: str) -> str:
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, "***")
    return text


class _MaskingSink:
    """Wraps the output stream: masks secrets in the fully formatted record (message, exception
    traceback, JSON serialisation alike), not only in the message."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, message: str) -> None:
        self.stream.write(_mask_text(str(message)))

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())


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
        logger.opt(depth=6, exception=record.exc_info).bind(logger_name=record.name).log(
            level, record.getMessage()
        )


_HUMAN = "<green>{time:HH:mm:ss}</green> <level>{level: <7}</level> <cyan>{name}</cyan> {message}"


def setup_logging(level: str = "INFO", json: bool = False, sink: Any = None) -> None:
    logger.remove()
    stream = sink or sys.stderr
    logger.add(
        _MaskingSink(stream),
        level=level.upper(),
        serialize=json,
        format="{message}" if json else _HUMAN,
        colorize=False if json else bool(getattr(stream, "isatty", lambda: False)()),
        backtrace=False,
        diagnose=False,  # never dump local variables (they may hold identifiers)
    )
    logging.basicConfig(handlers=[_InterceptHandler(level.upper() == "DEBUG")], level=level.upper(), force=True)
