"""The `/api/v1` routes. Each one authenticates (`principal`), calls one `WebData` method and
returns its model: no route filters by organisation or role itself (the data layer does)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from indexer.search_terms import QueryIdentifierError, split_identifiers
from vigie.web.auth import COOKIE, DEVICE_COOKIE, check_origin, login, principal, set_login_cookies, step_up, web_data
from vigie.web.bodies import UPLOAD_SCHEMA, uploaded_file
from vigie.web.data import MAX_LIMIT, SearchFilters
from vigie.web.models import (
    AlertDetail,
    AlertPage,
    DeadLetterPage,
    FragmentDetail,
    FragmentPage,
    Health,
    HuntStatus,
    IdentifierSearch,
    LoginRequest,
    OrgSummary,
    Principal,
    RevealRequest,
    RevealResult,
    SessionInfo,
    SourceStatus,
    TextSearch,
    TokenCreate,
    TokenCreated,
    TokenInfo,
    TotpRequest,
    TriageRequest,
    UserInfo,
    WebhookTestResult,
)
from vigie.web.problems import PROBLEM_RESPONSES, ProblemError

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)
Who = Annotated[Principal, Depends(principal)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=200)]


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# -- session -----------------------------------------------------------------------------------


@router.post("/session", response_model=SessionInfo)
def create_session(body: LoginRequest, request: Request, response: Response) -> SessionInfo:
    """Log in (password, and the TOTP code when the account has one); sets the session cookie."""
    check_origin(request)
    data = web_data(request)
    res = login(data.web_db, data.settings, body.username, body.password, body.totp, _client(request),
                request.cookies.get(DEVICE_COOKIE))
    set_login_cookies(request, response, res)
    u = res.user
    return SessionInfo(user=u.name, role=u.role, org=u.org, may_reveal=u.may_reveal, csrf_token=res.csrf)


@router.get("/session", response_model=SessionInfo)
def read_session(who: Who, request: Request) -> SessionInfo:
    """Who is logged in (and the CSRF token to send back, for a session)."""
    row = web_data(request).web_db.session(who.session_id) if who.session_id else None
    return SessionInfo(user=who.name, role=who.role, org=who.org, may_reveal=who.may_reveal,
                       csrf_token=row.csrf if row else None, expires_at=row.expires_at if row else None,
                       totp_at=row.totp_at if row else None)


@router.post("/session/totp", response_model=SessionInfo)
def verify_totp(body: TotpRequest, who: Who, request: Request) -> SessionInfo:
    """Re-verify the second factor in this session (a reveal needs a recent one)."""
    data = web_data(request)
    if who.session_id is None or not step_up(data.web_db, data.settings, who.name, body.totp):
        raise ProblemError(401, "wrong or already used TOTP code (or not a session)")
    data.web_db.mark_totp(who.session_id)
    return read_session(who, request)


@router.delete("/session", status_code=204)
def delete_session(who: Who, request: Request, response: Response) -> None:
    if who.session_id:
        web_data(request).web_db.end_session(who.session_id)
    response.delete_cookie(COOKIE, path="/")


@router.post("/login", include_in_schema=False)
async def form_login(request: Request) -> Response:
    """The HTML form's login (fields username, password, totp): redirects to / on success."""
    check_origin(request)
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    data = web_data(request)
    res = login(data.web_db, data.settings, fields.get("username", ""), fields.get("password", ""),
                fields.get("totp") or None, _client(request), request.cookies.get(DEVICE_COOKIE))
    out = RedirectResponse("/", status_code=303)
    set_login_cookies(request, out, res)
    return out


# -- alerts (organisations) ----------------------------------------------------------------------


@router.get("/alerts", response_model=AlertPage)
def list_alerts(who: Who, request: Request, cursor: Cursor = None, limit: Limit = 20) -> AlertPage:
    return web_data(request).list_alerts(who, cursor=cursor, limit=limit)


@router.get("/alerts/{alert_id}", response_model=AlertDetail)
def get_alert(alert_id: str, who: Who, request: Request) -> AlertDetail:
    return web_data(request).get_alert(who, alert_id)


@router.post("/alerts/{alert_id}/triage", response_model=AlertDetail)
def triage_alert(alert_id: str, body: TriageRequest, who: Who, request: Request) -> AlertDetail:
    return web_data(request).triage_alert(who, alert_id, body.state, body.note)


@router.get("/alerts/{alert_id}/evidence", response_class=Response,
            responses={200: {"content": {"application/json": {}}, "description": "The alert's evidence file."}})
def alert_evidence(alert_id: str, who: Who, request: Request) -> Response:
    body = web_data(request).alert_evidence(who, alert_id)
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="vigie-alert-{alert_id[:32]}.json"'})


@router.get("/orgs/{org_id}", response_model=OrgSummary)
def org_summary(org_id: str, who: Who, request: Request) -> OrgSummary:
    return web_data(request).org_summary(who, org_id)


@router.post("/orgs/{org_id}/webhook/test", response_model=WebhookTestResult)
def webhook_test(org_id: str, who: Who, request: Request) -> WebhookTestResult:
    return web_data(request).send_test_webhook(who, org_id)


@router.post("/orgs/{org_id}/prehash", response_model=HuntStatus, status_code=202, openapi_extra=UPLOAD_SCHEMA)
async def upload_prehash(org_id: str, who: Who, request: Request) -> HuntStatus:
    """Register a `vigie hash` file (multipart field `file`) and start its retro-hunt in the background."""
    data = web_data(request)
    data.authorize_upload(who, org_id)  # before a byte of the file is read (vigie.web.bodies)
    return data.upload_prehash(who, org_id, await uploaded_file(request))


@router.get("/orgs/{org_id}/hunts/{hunt_id}", response_model=HuntStatus)
def hunt_status(org_id: str, hunt_id: str, who: Who, request: Request) -> HuntStatus:
    """A retro-hunt's progress (state "hunting" until it is done)."""
    return web_data(request).hunt_status(who, org_id, hunt_id)


# -- analysts ------------------------------------------------------------------------------------


def _no_identifier_in_url(q: str | None) -> None:
    """GET's words are in the URL, hence in the proxy's access log and the client's history: a
    query holding an identifier (or what looks like one) is refused there, before it is searched,
    so that a script learns to POST instead of leaking people's addresses one request at a time."""
    if not q or not q.strip():
        return
    try:
        _, found = split_identifiers(q)
    except QueryIdentifierError:
        found = {"look-alike": []}
    if found:
        raise ProblemError(422, "the query holds a person's identifier and would stay in URLs and access logs: "
                                "send it with POST /api/v1/search (JSON body), or POST /api/v1/search/identifier")


@router.get("/search", response_model=FragmentPage)
def search(who: Who, request: Request, q: Annotated[str | None, Query(max_length=500)] = None,
           severity: Annotated[list[str] | None, Query()] = None,
           category: Annotated[list[str] | None, Query()] = None,
           source: Annotated[list[str] | None, Query()] = None,
           since: datetime | None = None, until: datetime | None = None, cursor: Cursor = None,
           limit: Limit = 20, facets: bool = True) -> FragmentPage:
    """Full text over the redacted index, with facets (kind, category, severity, source, day).
    Kept for scripts and filters; the words are in the URL, so a query holding an identifier is
    refused (422): prefer POST /api/v1/search, whose words stay out of URLs and logs."""
    _no_identifier_in_url(q)
    filters = SearchFilters(text=q, severities=tuple(severity or ()), categories=tuple(category or ()),
                            sources=tuple(source or ()),
                            since=since, until=until)
    return web_data(request).search(who, filters, cursor=cursor, limit=limit, facets=facets)


@router.post("/search", response_model=FragmentPage)
def search_by_post(body: TextSearch, who: Who, request: Request) -> FragmentPage:
    """Full text over the redacted index, with facets: the words in the body, never in a URL
    (identifiers among them are searched by keyed token and audited). Page on with the same body
    and the answer's `next_cursor`."""
    filters = SearchFilters(text=body.q, severities=tuple(body.severity), categories=tuple(body.category),
                            sources=tuple(body.source), since=body.since, until=body.until)
    return web_data(request).search(who, filters, cursor=body.cursor, limit=body.limit, facets=body.facets)


@router.post("/search/identifier", response_model=FragmentPage)
def search_identifier(body: IdentifierSearch, who: Who, request: Request) -> FragmentPage:
    """By identifier (POST: the value never appears in a URL); audited."""
    return web_data(request).search_identifier(who, body.type, body.value, cursor=body.cursor, limit=body.limit)


@router.get("/fragments/{doc_id}", response_model=FragmentDetail)
def fragment(doc_id: str, who: Who, request: Request) -> FragmentDetail:
    return web_data(request).fragment(who, doc_id)


@router.post("/fragments/{doc_id}/reveal", response_model=RevealResult)
def reveal(doc_id: str, body: RevealRequest, who: Who, request: Request) -> RevealResult:
    """Decrypt the raw text (may_reveal, a recent TOTP in this session, a reason); audited."""
    return web_data(request).reveal(who, doc_id, body.reason)


# -- operators -----------------------------------------------------------------------------------


@router.get("/ops/sources", response_model=list[SourceStatus])
def sources(who: Who, request: Request) -> list[SourceStatus]:
    return web_data(request).sources(who)


@router.post("/ops/sources/{source}/crawl", response_model=SourceStatus, status_code=202)
def crawl_now(source: str, who: Who, request: Request) -> SourceStatus:
    return web_data(request).request_source(who, source, "crawl")


@router.post("/ops/sources/{source}/pause", response_model=SourceStatus, status_code=202)
def pause(source: str, who: Who, request: Request) -> SourceStatus:
    return web_data(request).request_source(who, source, "pause")


@router.get("/ops/health", response_model=Health)
def health(who: Who, request: Request) -> Health:
    return web_data(request).health(who)


@router.get("/ops/dead-letters", response_model=DeadLetterPage)
def dead_letters(who: Who, request: Request, cursor: Cursor = None, limit: Limit = 20) -> DeadLetterPage:
    return web_data(request).dead_letters(who, cursor=cursor, limit=limit)


@router.post("/ops/dead-letters/{alert_id}/retry", status_code=204)
def retry_dead_letter(alert_id: str, who: Who, request: Request) -> None:
    web_data(request).retry_dead_letter(who, alert_id)


@router.get("/users", response_model=list[UserInfo])
def users(who: Who, request: Request) -> list[UserInfo]:
    return web_data(request).users(who)


@router.post("/users/{name}/disable", status_code=204)
def disable_user(name: str, who: Who, request: Request) -> None:
    web_data(request).disable_user(who, name)


@router.get("/tokens", response_model=list[TokenInfo])
def tokens(who: Who, request: Request) -> list[TokenInfo]:
    return web_data(request).tokens(who)


@router.post("/users/{name}/tokens", response_model=TokenCreated, status_code=201)
def create_token(name: str, body: TokenCreate, who: Who, request: Request) -> TokenCreated:
    return web_data(request).create_token(who, name, body.name, body.expires_days)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: str, who: Who, request: Request) -> None:
    web_data(request).revoke_token(who, token_id)
