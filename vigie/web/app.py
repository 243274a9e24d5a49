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
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigie import __version__
from vigie.intel import IntelSource
from vigie.web.api import router
from vigie.web.bodies import BodyLimitMiddleware
from vigie.web.data import WebData
from vigie.web.handles import SearchHandles
from vigie.web.hosts import AllowedHostsMiddleware
from vigie.web.pages import STATIC_DIR, LoginNeeded, render_error
from vigie.web.pages import router as pages_router
from vigie.web.problems import ProblemError, install_problem_handlers, problem_response
from vigie.web.taxii import install_taxii

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

def create_app(data: WebData, intel: IntelSource | None = None) -> FastAPI:
    """The app; with `intel`, it also serves the leaks over TAXII 2.1 (`vigie.web.taxii`)."""
    app = FastAPI(title="Vigie", version=__version__, openapi_url="/api/v1/openapi.json", docs_url=None,
                  redoc_url=None)
    app.state.data = data
    app.state.search_handles = SearchHandles()  # the pages' saved searches (vigie.web.handles)
    install_problem_handlers(app)
    _install_page_errors(app)
    app.include_router(router)
    if intel is not None:
        install_taxii(app, intel)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(AllowedHostsMiddleware, allowed=data.settings.allowed_hosts)  # outermost: runs first

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


def _install_page_errors(app: FastAPI) -> None:
    """Pages answer errors in HTML (same status, same silence: a 404 says no more than the API's);
    /api/ keeps its problem details. A page asked for without a session redirects to /login."""

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    async def on_login_needed(request: Request, exc: Exception) -> Response:
        if request.headers.get("hx-request") == "true":
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ProblemError)
        if is_api(request):
            return problem_response(request, exc.status, exc.detail, headers=exc.headers)
        out = render_error(request, exc.status, exc.detail)
        out.headers.update(exc.headers)
        return out

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if is_api(request):
            return problem_response(request, exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))
        out = render_error(request, exc.status_code, str(exc.detail))
        out.headers.update(exc.headers or {})
        return out

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if is_api(request):
            errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
                       "type": str(e.get("type", ""))} for e in exc.errors()]
            return problem_response(request, 422, "the request does not match the schema", errors=errors)
        fields = ", ".join(sorted({str(e.get("loc", ("", "?"))[-1]) for e in exc.errors()}))
        return render_error(request, 422, f"check these fields: {fields}")

    app.add_exception_handler(LoginNeeded, on_login_needed)
    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
