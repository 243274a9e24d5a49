"""`create_app`: the FastAPI application, from an already-built `WebData`.

Why the app takes a built `WebData`: the composition (store, keys, outbox, registry, the
service's status) is the caller's (`vigie serve`, tests), so the app never reads files or
configuration by itself and tests run it over the same real parts.

Every response carries the security headers (a strict CSP with no inline script, nosniff, no
referrer, no framing) and `Cache-Control: no-store` (API answers and pages hold personal data).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse

from vigie import __version__
from vigie.web.api import router
from vigie.web.data import WebData
from vigie.web.problems import install_problem_handlers

__all__ = ["CSP", "SECURITY_HEADERS", "create_app"]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
       "base-uri 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

_LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigie: log in</title></head>
<body><main><h1>Vigie</h1>
<form method="post" action="/api/v1/login">
<p><label for="username">User name</label> <input id="username" name="username" autocomplete="username" required></p>
<p><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><label for="totp">TOTP code (if your account has one)</label>
<input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code"></p>
<p><button type="submit">Log in</button></p>
</form></main></body></html>
"""


def create_app(data: WebData) -> FastAPI:
    app = FastAPI(title="Vigie", version=__version__, openapi_url="/api/v1/openapi.json", docs_url=None,
                  redoc_url=None)
    app.state.data = data
    install_problem_handlers(app)
    app.include_router(router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.get("/login", include_in_schema=False, response_class=HTMLResponse)
    def login_page() -> str:
        return _LOGIN_PAGE

    return app
