"""The `Host` a request names must be one of ours: DNS rebinding does not reach the app.

Why: `vigie serve` listens on loopback, and an analyst's browser can reach loopback. A page on
another site can point its own name at 127.0.0.1 (DNS rebinding) and then script requests to
the app that the browser treats as same-origin to that page: it reads every answer. The
browser sends no Vigie cookie there (the cookie belongs to 127.0.0.1, not to the other name),
but the page could still try passwords at the login (throttled) and read what needs no login.
Such requests carry the other site's name in `Host`; answering only the names the app is
reached by (`web.allowed_hosts`, the loopback names by default) closes the door.

The header is read by `vigie.core.hosts.host_name` (Starlette's `TrustedHostMiddleware` splits it
at the first `:`, which reads `[::1]:8080` as `[`).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from vigie.core.hosts import host_name
from vigie.web.problems import problem_response

__all__ = ["AllowedHostsMiddleware"]


class AllowedHostsMiddleware:
    """A request whose `Host` is not an allowed name is answered 400 before any route sees it."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(a.strip("[]").lower() for a in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"host"), "")
        name = host_name(header)
        if name is not None and name in self.allowed:
            await self.app(scope, receive, send)
            return
        # the header is not echoed: it is the other site's to choose
        response = problem_response(Request(scope), 400, "this server does not answer to that Host name; an operator "
                                    "can add it to web.allowed_hosts")
        await response(scope, receive, send)
