"""A `Retry-After` header read as the seconds a site asks a crawler to wait.

RFC 9110 §10.2.3 allows two forms: a whole number of seconds (`120`) or an HTTP date
(`Fri, 31 Dec 2027 23:59:59 GMT`, also the obsolete RFC 850 and asctime forms, which
`email.utils.parsedate_to_datetime` reads). A hostile or broken site sends anything else too:
a negative or fractional number, 400 digits, a date in the past, a date with no zone, words.
What cannot be read as either form is no request to wait (None: the crawl's own backoff holds);
a date in the past is 0; a value too large for a float of seconds is infinity (past any cap).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["RATE_LIMIT_STATUSES", "retry_after_seconds"]

# the statuses a Retry-After asks a client to come back after (RFC 9110: 503 and 429, RFC 6585)
RATE_LIMIT_STATUSES = frozenset({429, 503})

_SECONDS = re.compile(r"\s*\+?(\d+)(?:\.\d*)?\s*")
# a date is never longer than this; a longer header is not parsed (parsedate's regexes on 8 kB of junk)
_MAX_DATE_CHARS = 64


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """The wait `value` (a Retry-After header) asks for, in seconds from `now`; None when it is
    absent or unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    match = _SECONDS.fullmatch(text)
    if match is not None:
        digits = match.group(1)
        return math.inf if len(digits) > 15 else float(int(digits))
    text = text.strip()
    if not text or len(text) > _MAX_DATE_CHARS or text.lstrip().startswith("-"):
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # (no zone: HTTP dates are GMT)
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
