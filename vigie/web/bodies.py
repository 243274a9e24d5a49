"""Request bodies: bounded before they are read, and an upload read only once its sender is known.

Why: the app listens on loopback, where any local process can reach it (the security model
counts another local user as an attacker). Unbounded, a POST of a few GB went through the
multipart parser (spooled to the temporary directory, then read into memory) before the
route's own 64 MB check and before authentication: FastAPI reads a route's body parameters
before it resolves its dependencies. So:

- `BodyLimitMiddleware` refuses a body larger than its route's limit with a 413, as soon as its
  `Content-Length` says so or, for a chunked body, as soon as the bytes received pass it: never
  more than the limit is read. Uploads (`/orgs/{org}/prehash`) get `MAX_UPLOAD_BYTES` and room
  for the multipart framing; every other route 1 MiB (logins, searches, triage notes).
- the upload routes take no body parameter: `uploaded_file` reads the multipart form inside the
  route, after the principal (and the organisation's scope) were checked, so an anonymous or
  foreign sender gets its 401/404 without a byte of its file being read.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile  # what a form holds (FastAPI's is a subclass)
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigie.web.data import MAX_UPLOAD_BYTES, upload_too_large
from vigie.web.problems import ProblemError

__all__ = ["DEFAULT_BODY_LIMIT", "UPLOAD_BODY_LIMIT", "UPLOAD_SCHEMA", "BodyLimitMiddleware", "body_limit",
           "uploaded_file"]

UPLOAD_BODY_LIMIT = MAX_UPLOAD_BYTES + 64 * 1024  # the file and its multipart framing and fields
DEFAULT_BODY_LIMIT = 1024 * 1024
# the upload routes' request body in the OpenAPI document (they declare no body parameter)
UPLOAD_SCHEMA: dict[str, Any] = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "A `vigie hash` output file (at most 64 MB)."}}}}}}}
_UPLOAD_PATH = re.compile(r"^(?:/api/v1)?/orgs/[^/]+/prehash$")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def body_limit(path: str) -> int:
    """The most bytes a request body to `path` may hold."""
    return UPLOAD_BODY_LIMIT if _UPLOAD_PATH.match(path) else DEFAULT_BODY_LIMIT


def _too_large(limit: int) -> StarletteHTTPException:
    """The 413. An `HTTPException`, not our `ProblemError`: FastAPI turns any other exception met
    while it reads a JSON or form body into a 400, but lets this one through. With
    `Connection: close`: otherwise the server reads the rest of the body after answering, to keep
    the connection (uvicorn does)."""
    detail = upload_too_large().detail if limit >= MAX_UPLOAD_BYTES else f"request body larger than {limit // 1024} KiB"
    return StarletteHTTPException(413, detail, headers={"Connection": "close"})


class BodyLimitMiddleware:
    """A pure ASGI middleware (it must see the body's chunks as they come, which the `http`
    middleware decorator does not): the app's `receive` raises a 413 `HTTPException` instead of
    handing over a chunk that passes the limit, and the app's problem handlers answer it (problem
    JSON under /api/, an HTML page elsewhere). A route that never reads its body is not affected."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared: int | None = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                declared = int(value) if value.isdigit() else limit + 1  # unparsable: refuse, do not guess
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise _too_large(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit)
            return message

        await self.app(scope, bounded_receive, send)


async def uploaded_file(request: Request, field: str = "file") -> bytes:
    """The multipart field `field`'s file, read after the route checked who sends it (the
    middleware has bounded the body). One file and a few small fields (the CSRF token) at most."""
    form = await request.form(max_files=1, max_fields=4)
    item = form.get(field)
    if not isinstance(item, UploadFile):
        raise ProblemError(422, f"send the file as the multipart field `{field}` "
                                "(produce it with `vigie hash FILE -o prehashes.csv`)")
    return await item.read()
