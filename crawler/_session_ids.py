"""A URL without the session id a forum writes into its links, for the crawl state's keys.

phpBB writes `&sid=<32 hex>` into every link of a visitor without a cookie, vBulletin `?s=<32
hex>`, PHP's trans-sid `PHPSESSID=`, Java servlets `;jsessionid=` (a path parameter), osCommerce
`osCsid=`, ASP.NET's cookieless sessions `/(S(<24 chars>))/` in the path. The id is new every
crawl, so a thread keyed by its URL was a new thread every crawl: read again whole (its pages
fetched, the crawl's budget spent) and its posts keyed anew, handed on again; an attachment
downloaded again; a paste whose id pattern ends the URL took the session id for its id.

The parameters named in `DEFAULT_SESSION_PARAMS` go only when their value looks like a session
token (16 characters or more of a token's alphabet, a digit or both cases in it, no word between
hyphens), so that a thread's own
parameters are never dropped (`?s=12` a page, `?sid=7` a site id in some engine: distinct
threads stay distinct). The operator's `follow.session_params` go whatever their value. Only the
crawl state's keys (threads, posts, attachments, pastes) are made without them: requests are
sent as the site wrote them (its session may need the id).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

__all__ = ["DEFAULT_SESSION_PARAMS", "without_session"]

# query (and path-parameter) names engines carry a session id in, compared without case
DEFAULT_SESSION_PARAMS = ("sid", "s", "phpsessid", "jsessionid", "sessionid", "session_id", "sessid", "sess_id",
                          "oscsid", "zenid", "cfid", "cftoken", "aspsessionid", "sesskey")

# a session token: 16 to 512 letters and digits (hex, base32, base62; PHP's `,` and `-` too), a
# servlet's `.node1` route after it at most
_TOKEN = re.compile(r"[A-Za-z0-9,_-]{16,512}(?:\.[A-Za-z0-9_-]{1,64})?")
# words joined by hyphens (`2026-spring-keynote1`): a part of four letters or more between separators
_WORDY = re.compile(r"(?:^|[-_,.])[A-Za-z]{4,}(?:$|[-_,.])")
_ASPNET = re.compile(r"/\((?:[A-Z]\([A-Za-z0-9_-]{16,64}\))+\)(?=/)")
_PATH_PARAM = re.compile(r";([A-Za-z_]+)=([^/;?#]*)")


def _token(value: str) -> bool:
    """Whether `value` looks random: the token's alphabet, a digit or both cases in it (a run of
    lower-case letters is a word), and no word between its separators."""
    if _TOKEN.fullmatch(value) is None or not (any(c.isdigit() for c in value) or (
            any(c.isupper() for c in value) and any(c.islower() for c in value))):
        return False
    return not (any(c in value for c in "-_,.") and _WORDY.search(value))


def without_session(url: str, extra: Iterable[str] = ()) -> str:
    """`url` without its session id parameters (see the module docstring); unchanged when it has
    none, or cannot be split."""
    if not any(c in url for c in "?;("):
        return url
    named = {n.lower() for n in extra}
    defaults = frozenset(DEFAULT_SESSION_PARAMS)

    def goes(name: str, value: str) -> bool:
        key = name.lower()
        return key in named or (key in defaults and _token(value)) or key.startswith("aspsessionid") and _token(value)

    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    path = _ASPNET.sub("", parts.path)
    path = _PATH_PARAM.sub(lambda m: "" if goes(m.group(1), m.group(2)) else m.group(0), path)
    query = parts.query
    if query:
        kept = [field for field in query.split("&")
                if not field or not goes(*(field.split("=", 1) if "=" in field else (field, "")))]
        query = "&".join(kept)
    if path == parts.path and query == parts.query:
        return url
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))
