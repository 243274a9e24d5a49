"""The HTML pages: server-rendered Jinja2 (autoescaped) with htmx, for organisations, analysts
and operators.

Why pages are thin: each route authenticates like the API (`principal`: the session cookie,
CSRF on every change), calls the same `WebData` method as its `/api/v1` twin and renders the
result. No page filters by organisation or role itself, so another organisation's object answers
404 here exactly as in the API. Not logged in: a redirect to /login (htmx: `HX-Redirect`).

Nothing inline: scripts and styles are static files (`/static/`), so the strict CSP of
`vigie.web.app` holds; htmx is configured by a meta tag and sends the CSRF token from the body's
`hx-headers`. Forms work without JavaScript too (they post and redirect back).
"""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from vigie.core.text import plain
from vigie.web.auth import COOKIE, DEVICE_COOKIE, check_origin, login, principal, set_login_cookies, step_up, web_data
from vigie.web.bodies import UPLOAD_SCHEMA, uploaded_file
from vigie.web.data import MAX_LIMIT, SearchFilters
from vigie.web.handles import SavedSearch, SearchHandles
from vigie.web.models import Principal, TriageStateName
from vigie.web.problems import ProblemError

__all__ = ["LoginNeeded", "STATIC_DIR", "TEMPLATES_DIR", "render_error", "router"]

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
SEVERITIES = ("critical", "high", "medium", "low")
HOME = {"org_member": "/alerts", "analyst": "/search", "operator": "/ops/sources"}


class LoginNeeded(Exception):
    """A page asked for without a session: the app answers with a redirect to /login."""


def _time(value: float | str | None) -> Markup:
    """`<time>` in UTC; static/vigie.js rewrites the text in the viewer's time zone."""
    if value is None or value == "":
        return Markup("<span class=\"muted\">never</span>")
    if isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, UTC)
    else:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return Markup("<span>{}</span>").format(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    iso = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    shown = moment.strftime("%Y-%m-%d %H:%M UTC")
    return Markup('<time datetime="{}" title="UTC {}">{}</time>').format(iso, shown, shown)


def _text(value: Any) -> Any:
    """Every value a template prints (`finalize`), before autoescape: a thread title, an author or
    a victim name is what a crawled site wrote, and escaping HTML leaves its bidirectional
    overrides (`\u202egpj.exe` shows as `exe.jpg`) and control characters in the page; they
    become `?` (vigie.core.text.plain: lines kept for excerpts). Markup we built passes as is."""
    return plain(value) if isinstance(value, str) and not isinstance(value, Markup) else value


_env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, trim_blocks=True, lstrip_blocks=True,
                   finalize=_text)
_env.filters["time"] = _time
_env.globals["SEVERITIES"] = SEVERITIES
templates = Jinja2Templates(env=_env)
router = APIRouter(include_in_schema=False)


async def viewer(request: Request) -> Principal:
    """`principal`, but a missing session means "log in" rather than a 401 problem."""
    try:
        return await principal(request)
    except ProblemError as exc:
        if exc.status == 401:
            raise LoginNeeded() from None
        raise


Viewer = Annotated[Principal, Depends(viewer)]


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(request: Request, name: str, p: Principal | None, status: int = 200, **ctx: Any) -> HTMLResponse:
    csrf = None
    if p is not None and p.session_id:
        row = web_data(request).web_db.session(p.session_id)
        csrf = row.csrf if row else None
    return templates.TemplateResponse(request, name, {"p": p, "csrf": csrf, "home": HOME, **ctx},
                                      status_code=status)


def render_error(request: Request, status: int, detail: str) -> HTMLResponse:
    """The HTML twin of a problem response (the pages' 404 is as silent as the API's)."""
    return templates.TemplateResponse(request, "error.html", {"p": None, "csrf": None, "home": HOME,
                                                              "status": status, "detail": detail},
                                      status_code=status)


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# -- login -------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> Response:
    try:
        p = await viewer(request)
    except LoginNeeded:
        return _back("/login")
    return _back(HOME[p.role])


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html", None)


@router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, username: Annotated[str, Form(max_length=64)] = "",
                 password: Annotated[str, Form(max_length=1024)] = "",
                 totp: Annotated[str, Form(max_length=12)] = "") -> Response:
    check_origin(request)
    data = web_data(request)
    client = request.client.host if request.client else "unknown"
    try:
        res = login(data.web_db, data.settings, username, password, totp or None, client,
                    request.cookies.get(DEVICE_COOKIE))
    except ProblemError as exc:
        return render(request, "login.html", None, exc.status, error=exc.detail, username=username)
    out = _back(HOME[res.user.role])
    set_login_cookies(request, out, res)
    return out


@router.post("/logout")
def logout(p: Viewer, request: Request) -> Response:
    if p.session_id:
        web_data(request).web_db.end_session(p.session_id)
    out = _back("/login")
    out.delete_cookie(COOKIE, path="/")
    return out


# -- analysts: search and fragments -------------------------------------------------------------


def _day(value: str | None, field: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    except ValueError:
        raise ProblemError(422, f"{field}: not a date (YYYY-MM-DD)") from None


def _filters(q: str | None, severity: list[str] | None, category: list[str] | None, source: list[str] | None,
             since: str | None, until: str | None) -> SavedSearch:
    filters = SearchFilters(text=(q or "").strip() or None, severities=tuple(severity or ()),
                            categories=tuple(category or ()), sources=tuple(source or ()),
                            since=_day(since, "from"), until=_day(until, "to"))
    return SavedSearch(filters, since or "", until or "")


Text = Annotated[str | None, Form(max_length=500)]
Many = Annotated[list[str] | None, Form()]
Day = Annotated[str | None, Form(max_length=10)]
Cursor = Annotated[str | None, Query(max_length=200)]
Handle = Annotated[str | None, Query(max_length=64)]
EXPIRED = "This search has expired (searches are kept an hour, in this session only): search again."
IN_URL = "Searches are no longer read from the address (it would keep them in history and logs): use the form."


def _handles(request: Request) -> SearchHandles:
    handles: SearchHandles = request.app.state.search_handles
    return handles


def _saved(p: Principal, request: Request, s: str | None) -> tuple[SavedSearch, str | None]:
    """The search behind handle `s` (none: everything, newest first) and a notice for the page."""
    if "q" in request.query_params:  # an old bookmark or a hand-typed URL: not searched, not echoed
        return SavedSearch(SearchFilters()), IN_URL
    if not s:
        return SavedSearch(SearchFilters()), None
    saved = _handles(request).get(p, s)
    return (saved, None) if saved is not None else (SavedSearch(SearchFilters()), EXPIRED)


@router.get("/search", response_class=HTMLResponse)
def search_page(p: Viewer, request: Request, s: Handle = None, cursor: Cursor = None) -> HTMLResponse:
    """Results of the search saved under handle `s` (the form POSTs here first, see below)."""
    saved, notice = _saved(p, request, s)
    handle = s if notice is None else None
    page = web_data(request).search(p, saved.filters, cursor=cursor, limit=20, facets=True)
    return render(request, "search.html", p, 410 if notice == EXPIRED else 200, page=page, f=saved.filters,
                  query=urlencode({"s": handle}) if handle else "", since=saved.since, until=saved.until,
                  notice=notice)


@router.post("/search", response_class=HTMLResponse)
def search_submit(p: Viewer, request: Request, q: Text = None, severity: Many = None, category: Many = None,
                  source: Many = None, since: Day = None, until: Day = None) -> Response:
    """The form's words and filters, kept server-side under a fresh handle (`vigie.web.handles`),
    then post/redirect/get to the results: the URL, the history and any log hold the handle only."""
    saved = _filters(q, severity, category, source, since, until)
    # the data layer says who may search and which filters are valid (the words, checked when
    # the results are asked for, are left out here: an identifier among them would be audited twice)
    web_data(request).search(p, dataclasses.replace(saved.filters, text=None), limit=1, facets=False)
    return _back("/search?" + urlencode({"s": _handles(request).save(p, saved)}))


@router.get("/search/results", response_class=HTMLResponse)
def search_results(p: Viewer, request: Request, s: Handle = None, cursor: Cursor = None) -> HTMLResponse:
    """The next page of results, as list items (htmx "load more" swaps it in place of its button)."""
    saved, notice = _saved(p, request, s)
    if notice is not None:
        raise ProblemError(410 if notice == EXPIRED else 400, notice)
    page = web_data(request).search(p, saved.filters, cursor=cursor, limit=20, facets=False)
    return render(request, "_results.html", p, page=page, query=urlencode({"s": s}) if s else "")


@router.post("/search/identifier", response_class=HTMLResponse)
def search_identifier(p: Viewer, request: Request, type: Annotated[str, Form(max_length=32)],
                      value: Annotated[str, Form(max_length=256)]) -> HTMLResponse:
    """By identifier, by POST (the value stays out of URLs and logs); audited by the data layer."""
    page = web_data(request).search_identifier(p, type, value, limit=MAX_LIMIT)
    return render(request, "search.html", p, page=page, f=SearchFilters(), query="", since="", until="",
                  by_identifier=type)


@router.get("/fragments/{doc_id}", response_class=HTMLResponse)
def fragment_page(doc_id: str, p: Viewer, request: Request) -> HTMLResponse:
    return render(request, "fragment.html", p, doc=web_data(request).fragment(p, doc_id))


@router.post("/fragments/{doc_id}/reveal", response_class=HTMLResponse)
def reveal_page(doc_id: str, p: Viewer, request: Request, reason: Annotated[str, Form(max_length=500)] = "",
                totp: Annotated[str, Form(max_length=12)] = "") -> HTMLResponse:
    """Reveal with a stated reason; a TOTP code typed here refreshes the session's second factor."""
    data = web_data(request)
    doc = data.fragment(p, doc_id)
    if len(reason.strip()) < 3:
        return render(request, "fragment.html", p, 422, doc=doc, error="state the reason for this reveal")
    if totp and p.session_id:
        if not step_up(data.web_db, data.settings, p.name, totp):
            return render(request, "fragment.html", p, 401, doc=doc, error="wrong or already used TOTP code")
        data.web_db.mark_totp(p.session_id)
        row = data.web_db.session(p.session_id)
        p = dataclasses.replace(p, totp_at=row.totp_at if row else None)
    try:
        shown = data.reveal(p, doc_id, reason.strip())
    except ProblemError as exc:
        if exc.status == 404:
            raise
        return render(request, "fragment.html", p, exc.status, doc=doc, error=exc.detail)
    return render(request, "fragment.html", p, doc=doc, revealed=shown.text)


# -- organisations: alerts, settings, pre-hash upload --------------------------------------------


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(p: Viewer, request: Request, cursor: Cursor = None) -> HTMLResponse:
    page = web_data(request).list_alerts(p, cursor=cursor, limit=20)
    template = "_alert_items.html" if _is_htmx(request) and cursor else "alerts.html"
    return render(request, template, p, page=page)


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(alert_id: str, p: Viewer, request: Request) -> HTMLResponse:
    alert = web_data(request).get_alert(p, alert_id)
    return render(request, "alert.html", p, alert=alert, deadline=alert.created_at + 72 * 3600,
                  hours_left=max(0.0, (alert.created_at + 72 * 3600 - time.time()) / 3600))


@router.post("/alerts/{alert_id}/triage")
def triage_page(alert_id: str, p: Viewer, request: Request, state: Annotated[TriageStateName, Form()],
                note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    web_data(request).triage_alert(p, alert_id, state, note)
    return _back(f"/alerts/{alert_id}")


@router.get("/orgs/{org_id}", response_class=HTMLResponse)
def org_page(org_id: str, p: Viewer, request: Request) -> HTMLResponse:
    return render(request, "org.html", p, org=web_data(request).org_summary(p, org_id))


@router.post("/orgs/{org_id}/webhook/test", response_class=HTMLResponse)
def webhook_test_page(org_id: str, p: Viewer, request: Request) -> HTMLResponse:
    data = web_data(request)
    result = data.send_test_webhook(p, org_id)
    if _is_htmx(request):
        return render(request, "_webhook_result.html", p, result=result)
    return render(request, "org.html", p, org=data.org_summary(p, org_id), result=result)


@router.post("/orgs/{org_id}/prehash", response_class=HTMLResponse, openapi_extra=UPLOAD_SCHEMA)
async def upload_page(org_id: str, p: Viewer, request: Request) -> Response:
    data = web_data(request)
    data.authorize_upload(p, org_id)  # before a byte of the file is read (vigie.web.bodies)
    hunt = data.upload_prehash(p, org_id, await uploaded_file(request))
    if _is_htmx(request):
        return render(request, "_hunt.html", p, hunt=hunt)
    return _back(f"/orgs/{org_id}/hunts/{hunt.id}")


@router.get("/orgs/{org_id}/hunts/{hunt_id}", response_class=HTMLResponse)
def hunt_page(org_id: str, hunt_id: str, p: Viewer, request: Request) -> HTMLResponse:
    hunt = web_data(request).hunt_status(p, org_id, hunt_id)
    return render(request, "_hunt.html" if _is_htmx(request) else "hunt.html", p, hunt=hunt)


# -- operators -----------------------------------------------------------------------------------


@router.get("/ops/sources", response_class=HTMLResponse)
def sources_page(p: Viewer, request: Request) -> HTMLResponse:
    return render(request, "sources.html", p, sources=web_data(request).sources(p))


@router.post("/ops/sources/{source}/crawl")
def crawl_page(source: str, p: Viewer, request: Request) -> Response:
    web_data(request).request_source(p, source, "crawl")
    return _back("/ops/sources")


@router.post("/ops/sources/{source}/pause")
def pause_page(source: str, p: Viewer, request: Request) -> Response:
    web_data(request).request_source(p, source, "pause")
    return _back("/ops/sources")


@router.get("/ops/health", response_class=HTMLResponse)
def health_page(p: Viewer, request: Request) -> HTMLResponse:
    return render(request, "health.html", p, health=web_data(request).health(p))


@router.get("/ops/dead-letters", response_class=HTMLResponse)
def dead_letters_page(p: Viewer, request: Request, cursor: Cursor = None) -> HTMLResponse:
    return render(request, "dead_letters.html", p, page=web_data(request).dead_letters(p, cursor=cursor, limit=20))


@router.post("/ops/dead-letters/{alert_id}/retry")
def retry_page(alert_id: str, p: Viewer, request: Request) -> Response:
    web_data(request).retry_dead_letter(p, alert_id)
    return _back("/ops/dead-letters")


@router.get("/ops/users", response_class=HTMLResponse)
def users_page(p: Viewer, request: Request) -> HTMLResponse:
    data = web_data(request)
    return render(request, "users.html", p, users=data.users(p), tokens=data.tokens(p))


@router.post("/ops/users/{name}/tokens", response_class=HTMLResponse)
def create_token_page(name: str, p: Viewer, request: Request, token_name: Annotated[str, Form(max_length=64)] = "",
                      expires_days: Annotated[int, Form(ge=1, le=366)] = 30) -> HTMLResponse:
    """The new token's secret is shown once, on this page (only its hash is kept)."""
    data = web_data(request)
    created = data.create_token(p, name, token_name, expires_days)
    return render(request, "users.html", p, users=data.users(p), tokens=data.tokens(p), created=created)


@router.post("/ops/users/{name}/disable")
def disable_page(name: str, p: Viewer, request: Request) -> Response:
    web_data(request).disable_user(p, name)
    return _back("/ops/users")


@router.post("/ops/tokens/{token_id}/revoke")
def revoke_page(token_id: str, p: Viewer, request: Request) -> Response:
    web_data(request).revoke_token(p, token_id)
    return _back("/ops/users")
