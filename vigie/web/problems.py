"""RFC 9457 problem details: every 4xx/5xx of the API has the same JSON shape.

Why one shape: clients (the pages' htmx, the CLI's `--api` mode, organisations' scripts) handle
one error format, and an unexpected exception never leaks a traceback or a framework's own body.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from loguru import logger
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = ["PROBLEM_RESPONSES", "PROBLEM_TYPE", "Problem", "ProblemError", "install_problem_handlers", "not_found"]

PROBLEM_TYPE = "application/problem+json"
_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           409: "Conflict", 413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
           429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


class Problem(BaseModel):
    """An error body (RFC 9457)."""

    type: str = Field(default="about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="Short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(default="", description="What went wrong this time, and how to fix it.")
    instance: str = Field(default="", description="The request path the problem occurred on.")
    errors: list[dict[str, Any]] | None = Field(default=None, description="Validation errors, one per field.")


# what every route may answer besides its success (declared so the OpenAPI document is truthful)
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": _TITLES[code], "content": {PROBLEM_TYPE: {}}}
    for code in (400, 401, 403, 404, 409, 422, 429, 502)
}


class ProblemError(Exception):
    """Raised by the data layer and the routers; turned into a problem response here."""

    def __init__(self, status: int, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


def not_found(what: str = "object") -> ProblemError:
    """The one answer for "absent" and "not yours": the two must be indistinguishable."""
    return ProblemError(404, f"no such {what}")


def problem_response(request: Request, status: int, detail: str, *, headers: dict[str, str] | None = None,
                     errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    body = Problem(title=_TITLES.get(status, "Error"), status=status, detail=detail,
                   instance=request.url.path, errors=errors)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_TYPE,
                        headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        return problem_response(request, exc.status, exc.detail, headers=exc.headers)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem_response(request, exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        # the input is echoed by pydantic's "input" key: dropped, it may hold a password or an identifier
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in exc.errors()]
        return problem_response(request, 422, "the request does not match the schema", errors=errors)

    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        logger.opt(exception=exc).error("unhandled error on {} {}", request.method, request.url.path)
        return problem_response(request, 500, "internal error; the server log has the details")

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_crash)
