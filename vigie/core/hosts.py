"""Reading the `Host` header a client sent, for the servers Vigie runs (the web app, the metrics).

Why a helper of its own: both refuse a name they are not reached by (DNS rebinding: a page
that points its own name at 127.0.0.1 makes a browser on this machine send requests there as
if to that page, and read the answers), and both must read `[::1]:8080` as `::1`, which
splitting at the first `:` does not (Starlette's `TrustedHostMiddleware` reads `[`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["LOOPBACK_NAMES", "host_name"]

# the names a client on this machine reaches a loopback server by (no DNS involved)
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def host_name(header: str) -> str | None:
    """The name in a `Host` header (`[::1]:8080` -> `::1`), lower-case; None when malformed."""
    try:
        parts = urlsplit(f"//{header}")
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return None
    if parts.username is not None or parts.password is not None or parts.path or parts.query:
        return None
    return parts.hostname or None

