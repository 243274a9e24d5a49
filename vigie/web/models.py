"""The API's contract: pydantic models of every request and response, and the `Principal`.

Why pydantic everywhere: the OpenAPI document (`/api/v1/openapi.json`) is generated from these,
schemathesis checks the server against it, and nothing leaves the server that is not declared
here (no stray token, no ciphertext, no webhook secret).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from vigie.web.users import Role

__all__ = ["AlertDetail", "AlertPage", "AlertSummary", "DeadLetter", "DeadLetterPage", "Facets", "FragmentDetail",
           "FragmentPage", "FragmentSummary", "Health", "HuntStatus", "IdentifierSearch", "LoginRequest", "OrgSummary",
           "Principal", "RevealRequest", "RevealResult", "SessionInfo", "SourceStatus", "TextSearch", "TokenCreate",
           "TokenCreated", "TokenInfo", "TotpRequest", "TriageEventOut", "TriageRequest", "TriageStateName", "UserInfo",
           "WebhookTestResult"]

TriageStateName = Literal["new", "acknowledged", "resolved", "false_positive"]


@dataclass(frozen=True)
class Principal:
    """Who is asking, as the data layer sees it. `org` is set for org_member and only then:
    every query the data layer runs for an org_member is filtered by it."""

    name: str
    role: Role
    org: str | None
    may_reveal: bool = False
    via: Literal["session", "token"] = "token"
    session_id: str | None = None  # the cookie value, to refresh its TOTP mark; never logged
    totp_at: float | None = None

    @property
    def label(self) -> str:
        """How the audit log names a web user (distinct from OS users)."""
        return f"web:{self.name}"


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    totp: str | None = Field(default=None, max_length=12, description="The 6-digit code, for accounts with TOTP.")


class TotpRequest(BaseModel):
    totp: str = Field(min_length=1, max_length=12)


class SessionInfo(BaseModel):
    user: str
    role: Role
    org: str | None
    may_reveal: bool
    csrf_token: str | None = Field(default=None, description="Send it back as X-CSRF-Token on every change.")
    expires_at: float | None = None
    totp_at: float | None = None


class TriageEventOut(BaseModel):
    state: TriageStateName
    note: str
    by: str
    at: float


class AlertSummary(BaseModel):
    alert_id: str
    org: str
    fragment_id: str
    severity: str
    created_at: float
    origin: str
    state: TriageStateName
    matched: dict[str, int]
    matched_total: int
    categories: list[str]
    source: str | None


class AlertDetail(AlertSummary):
    excerpt: str
    kind: str
    thread_title: str | None
    board: str | None
    posted_at: str | None
    deliveries: list[dict[str, str | int | float | None]]
    history: list[TriageEventOut]


class AlertPage(BaseModel):
    items: list[AlertSummary]
    next_cursor: str | None


class TriageRequest(BaseModel):
    state: TriageStateName
    note: str = Field(default="", max_length=2000)


class OrgSummary(BaseModel):
    id: str
    display_name: str
    min_severity: str
    registered_total: int
    registered_by_type: dict[str, int]
    email_recipients: int
    webhook_url: str | None = Field(description="The receiver's scheme, host and port (its path and query, which "
                                    "often hold a token, and its signing secret are never shown).")
    webhook_enabled: bool


class WebhookTestResult(BaseModel):
    delivered: bool
    status: int | None
    detail: str


class FragmentSummary(BaseModel):
    id: str
    kind: str
    severity: str
    excerpt: str
    source: str
    board: str | None
    thread_title: str | None
    posted_at: str | None
    fetched_at: str | None
    categories: list[str]
    counts: dict[str, int]


class Facets(BaseModel):
    total: int
    kind: dict[str, int]
    category: dict[str, int]
    severity: dict[str, int]
    source: dict[str, int]
    day: dict[str, int]


class FragmentPage(BaseModel):
    total: int
    items: list[FragmentSummary]
    next_cursor: str | None
    facets: Facets | None = None


class FragmentDetail(FragmentSummary):
    url: str
    thread_url: str | None
    author: str | None
    start_line: int
    end_line: int
    same_thread: list[FragmentSummary]


class IdentifierSearch(BaseModel):
    """By POST, so the value never appears in a URL, a proxy's log or the browser history."""

    type: str = Field(min_length=1, max_length=32, description="email, phone, nir, iban, card...")
    value: str = Field(min_length=1, max_length=256)
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=20, ge=1, le=100)


class TextSearch(BaseModel):
    """The free-text search by POST (`POST /api/v1/search`): the words, often a person's name or
    an identifier, stay out of URLs, proxies' access logs and histories, as `IdentifierSearch`'s
    value does. To page on, send the same body with the answer's `next_cursor`."""

    q: str | None = Field(default=None, max_length=500, description="words; identifiers among them are "
                          "searched by keyed token and audited")
    severity: list[str] = Field(default_factory=list, max_length=4)
    category: list[str] = Field(default_factory=list, max_length=50)
    source: list[str] = Field(default_factory=list, max_length=200)
    since: datetime | None = None
    until: datetime | None = None
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=20, ge=1, le=100)
    facets: bool = True


class RevealRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=500)


class RevealResult(BaseModel):
    id: str
    text: str


class SourceStatus(BaseModel):
    name: str
    schedule: str | None
    next_run_at: str | None
    last_outcome: str | None
    last_started_at: str | None
    last_finished_at: str | None
    pages: int
    items: int
    fragments: int
    errors: int
    needs_attention: list[str]
    pending_request: str | None = None


class Health(BaseModel):
    service_alive: bool
    tor: str
    store: str
    outbox: str


class DeadLetter(BaseModel):
    alert_id: str
    org: str
    channel: str
    attempts: int
    last_error: str | None


class DeadLetterPage(BaseModel):
    items: list[DeadLetter]
    next_cursor: str | None


class UserInfo(BaseModel):
    name: str
    role: Role
    org: str | None
    has_totp: bool
    may_reveal: bool
    disabled: bool


class TokenInfo(BaseModel):
    id: str
    name: str
    user: str
    role: Role
    org: str | None
    created_at: float
    expires_at: float
    last_used_at: float | None
    revoked: bool


class TokenCreate(BaseModel):
    name: str = Field(default="", max_length=64)
    expires_days: int = Field(default=30, ge=1, le=366)


class TokenCreated(TokenInfo):
    secret: str = Field(description="The bearer token; shown this once, only its hash is kept.")


class HuntStatus(BaseModel):
    """A pre-hash upload: its registration, then its retro-hunt over the stored fragments, which
    runs in the background (poll this until `state` is no longer "hunting")."""

    id: str
    org: str
    state: Literal["hunting", "done", "failed"]
    lines_read: int
    new_tokens: int
    tokens_total: int = Field(description="New tokens to look for in the stored fragments.")
    tokens_searched: int
    fragments_found: int
    alerts_made: int
    started_at: float
    finished_at: float | None = None
    detail: str = ""
