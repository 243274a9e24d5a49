"""The web app and its JSON API (`vigie serve`): organisations, analysts and operators.

    app.py       the FastAPI factory (`create_app`), security headers, problem details
    auth.py      who is asking: session cookie or bearer token -> `Principal`; CSRF; login
    users.py     `WebDB`, `<data-dir>/web.sqlite3`: users, sessions, tokens, login counters, triage
    data.py      `WebData`, the ONE place where organisation scoping is enforced
    api.py       the `/api/v1` routers (they never filter by organisation themselves)
    models.py    the pydantic request/response models (the OpenAPI contract)
    problems.py  RFC 9457 problem details
"""

from __future__ import annotations

__all__ = ["WebError"]


class WebError(Exception):
    """Base class of the web package's errors (a bad user store, a refused bind address)."""
