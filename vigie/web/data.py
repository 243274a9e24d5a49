"""The scoped data-access layer: every read and write the API and the pages make goes through
`WebData`, and every method takes the `Principal` asking.

Why here and only here: organisation scoping is enforced in one place. An org_member's queries
are filtered by its organisation in the query (the outbox backend's `org` argument, SQLite or
PostgreSQL: alerts, triage, evidence) or refused before any lookup
(search, fragments, other organisations). Whatever is not the principal's, or does not exist, or
is outside its role, raises the same `not_found` (404): nobody learns that an object of another
organisation exists. The routers never filter; they call these methods and serialise the result.

Page helpers (the HTML pages reuse these exactly):
    list_alerts, get_alert, triage_alert, alert_evidence      org_member (own org), analyst, operator
    org_summary, send_test_webhook                            org_member (own org), operator
    search, search_identifier, fragment, reveal              analyst
    sources, request_source, health, dead_letters, retry_dead_letter, users, tokens,
    create_token, revoke_token, disable_user                  operator
    upload_prehash, hunt_status                               org_member (own org), operator
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from loguru import logger

from alerts import AlertsError
from alerts.channels.render import clean_payload
from alerts.channels.webhook import WebhookSender
from alerts.matcher import AlertMatcher
from alerts.outbox import AlertRow, OutboxBackend
from alerts.registry import RegisterResult, RegistryError
from alerts.retrohunt import retro_hunt
from indexer.audit import AuditLog
from indexer.crypto import DataKey
from indexer.identifiers import IdentifierError, canonical_forms
from indexer.models import Severity, StoredFragment
from indexer.reveal import RevealError, RevealGrant, reveal
from indexer.search_terms import QueryIdentifierError, split_identifiers
from indexer.store import FragmentStore
from indexer.store.base import SearchQuery
from indexer.tokens import MatchKey, token
from vigie.config.schema import OrganisationConfig, WebhookSettings, WebSettings
from vigie.log import safe_url
from vigie.web.models import (
    AlertDetail,
    AlertPage,
    AlertSummary,
    DeadLetter,
    DeadLetterPage,
    Facets,
    FragmentDetail,
    FragmentPage,
    FragmentSummary,
    Health,
    HuntStatus,
    OrgSummary,
    Principal,
    RevealResult,
    SourceStatus,
    TokenCreated,
    TokenInfo,
    TriageEventOut,
    TriageStateName,
    UserInfo,
    WebhookTestResult,
)
from vigie.web.ops import OperatorPort, RequestKind, pending_requests, write_request
from vigie.web.problems import ProblemError, not_found
from vigie.web.users import ApiToken, UserError, WebDB

__all__ = ["HUNT_BATCH", "MAX_LIMIT", "MAX_UPLOAD_BYTES", "SearchFilters", "WebData", "decode_cursor", "encode_cursor",
           "upload_too_large"]

MAX_LIMIT = 100
MAX_UPLOAD_BYTES = 64 * 1024 * 1024  # ~900,000 pre-hash lines; bigger files go through `vigie org register`


def upload_too_large() -> ProblemError:
    return ProblemError(413, f"file larger than {MAX_UPLOAD_BYTES // 2**20} MB: split it, or use "
                             "`vigie org register` on the server")
HUNT_BATCH = 1000  # tokens per retro-hunt step: the progress a page shows moves at this grain
_STATES: dict[str, TriageStateName] = {s: s for s in ("new", "acknowledged", "resolved", "false_positive")}


def encode_cursor(offset: int) -> str:
    """Opaque to clients (they pass it back unchanged); an offset today, free to change later."""
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        offset = json.loads(raw)["o"]
    except (ValueError, KeyError, TypeError):
        raise ProblemError(400, "invalid cursor: pass back the next_cursor of the previous page unchanged") from None
    if not isinstance(offset, int) or not 0 <= offset <= 1_000_000:
        raise ProblemError(400, "invalid cursor: pass back the next_cursor of the previous page unchanged")
    return offset


@dataclass(frozen=True)
class SearchFilters:
    text: str | None = None
    severities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _fragment_summary(doc: StoredFragment) -> FragmentSummary:
    p = doc.provenance
    return FragmentSummary(id=doc.id, kind=doc.kind, severity=Severity(doc.severity).name.lower(), excerpt=doc.excerpt,
                           source=p.source, board=p.board, thread_title=p.thread_title,
                           posted_at=_iso(p.posted_at), fetched_at=_iso(p.fetched_at),
                           categories=sorted(doc.categories), counts=dict(sorted(doc.counts.items())))


def _token_info(t: ApiToken) -> TokenInfo:
    return TokenInfo(id=t.id, name=t.name, user=t.user, role=t.role, org=t.org, created_at=t.created_at,
                     expires_at=t.expires_at, last_used_at=t.last_used_at, revoked=t.revoked)


class WebData:
    """One per server. Holds the store, the outbox, the registry, the web database and the keys."""

    def __init__(self, *, store: FragmentStore, matcher: AlertMatcher, web_db: WebDB,
                 organisations: Mapping[str, OrganisationConfig], webhook: WebhookSettings, settings: WebSettings,
                 match_key: MatchKey, data_key: DataKey, audit: AuditLog, ops: OperatorPort,
                 data_dir: Path, source_names: tuple[str, ...]) -> None:
        """`matcher` comes from the composition root (`vigie.wiring.build_matcher`, with the leak
        store), so a retro-hunt started here raises the same per-leak alerts as a crawl; its
        registry and outbox (SQLite or PostgreSQL: the pages read it through `OutboxBackend`
        only) are the ones the pages read."""
        self.store = store
        self.matcher = matcher
        self.outbox: OutboxBackend = matcher.outbox
        self.registry = matcher.registry
        self.web_db = web_db
        self.organisations = organisations
        self.webhook = WebhookSender(webhook)
        self.settings = settings
        self._match_key = match_key
        self._data_key = data_key
        self.audit = audit
        self.ops = ops
        self.data_dir = data_dir
        self.source_names = source_names
        self._hunts: dict[str, HuntStatus] = {}
        self._hunts_lock = threading.Lock()
        self._register_lock = threading.Lock()  # one registration at a time in this process
        self._webhook_tests: set[str] = set()  # organisations whose test webhook is under way
        self._hunting: set[str] = set()  # organisations whose upload or retro-hunt is under way (_hunts_lock)
        self._webhook_tests_lock = threading.Lock()

    # -- the scoping rules -----------------------------------------------------------------

    @staticmethod
    def _role(p: Principal, *roles: str) -> None:
        """A route outside the principal's role answers like an absent object: 404."""
        if p.role not in roles:
            raise not_found("resource")

    @staticmethod
    def _org_filter(p: Principal) -> str | None:
        """The organisation an org_member is confined to; None (all) for analysts and operators."""
        if p.role == "org_member":
            assert p.org, "an org_member principal always has its organisation"
            return p.org
        return None

    def _own_org(self, p: Principal, org_id: str) -> OrganisationConfig:
        self._role(p, "org_member", "operator", "analyst")
        org = self.organisations.get(org_id)
        scope = self._org_filter(p)
        if org is None or (scope is not None and scope != org_id):
            raise not_found("organisation")
        return org

    # -- alerts (org_member: own organisation) --------------------------------------------

    @staticmethod
    def _summary(row: AlertRow, states: dict[str, str]) -> AlertSummary:
        body = row.payload
        return AlertSummary(alert_id=row.alert_id, org=row.org, fragment_id=row.fragment_id,
                            severity=Severity(row.severity).name.lower(), created_at=row.created_at,
                            origin=row.origin, state=_STATES.get(states.get(row.alert_id, "new"), "new"),
                            matched=body.get("matched", {}), matched_total=body.get("matched_total", 0),
                            categories=body.get("categories", []), source=body.get("source"))

    def list_alerts(self, p: Principal, *, cursor: str | None = None, limit: int = 20) -> AlertPage:
        """Newest first; an org_member's only."""
        self._role(p, "org_member", "analyst", "operator")
        offset, limit = decode_cursor(cursor), min(max(limit, 1), MAX_LIMIT)
        rows = self.outbox.alert_page(self._org_filter(p), limit=limit + 1, offset=offset)
        states: dict[str, str] = {}
        for org in {r.org for r in rows}:
            states.update(self.web_db.triage_state(org, [r.alert_id for r in rows if r.org == org]))
        items = [self._summary(r, states) for r in rows[:limit]]
        return AlertPage(items=items, next_cursor=encode_cursor(offset + limit) if len(rows) > limit else None)

    def _alert_row(self, p: Principal, alert_id: str) -> AlertRow:
        self._role(p, "org_member", "analyst", "operator")
        row = self.outbox.find_alert(alert_id, self._org_filter(p))
        if row is None:
            raise not_found("alert")
        return row

    def get_alert(self, p: Principal, alert_id: str) -> AlertDetail:
        row = self._alert_row(p, alert_id)
        summary = self._summary(row, self.web_db.triage_state(row.org, [alert_id]))
        body = row.payload
        deliveries = [{"channel": d.channel, "status": d.status, "attempts": d.attempts, "last_error": d.last_error,
                       "sent_at": d.sent_at} for d in self.outbox.alert_deliveries(alert_id)]
        history = [TriageEventOut(state=_STATES.get(e.state, "new"), note=e.note, by=e.by, at=e.at)
                   for e in self.web_db.triage_history(row.org, alert_id)]
        return AlertDetail(**summary.model_dump(), excerpt=body.get("excerpt", ""), kind=body.get("kind", ""),
                           thread_title=body.get("thread_title"), board=body.get("board"),
                           posted_at=body.get("posted_at"), deliveries=deliveries, history=history)

    def triage_alert(self, p: Principal, alert_id: str, state: str, note: str) -> AlertDetail:
        """Record a triage state and note (history kept). Analysts only read alerts."""
        self._role(p, "org_member", "operator")
        row = self._alert_row(p, alert_id)
        try:
            self.web_db.set_triage(row.org, alert_id, state, note, p.name)
        except UserError as exc:
            raise ProblemError(422, str(exc)) from None
        return self.get_alert(p, alert_id)

    def alert_evidence(self, p: Principal, alert_id: str) -> bytes:
        """The alert as sent (redacted excerpt, masked provenance, matched counts), as a JSON file:
        its crawled text cleaned as the e-mail and the webhook show it (`clean_payload`), since the
        file is opened in editors and terminals too."""
        row = self._alert_row(p, alert_id)
        return json.dumps(clean_payload(row.payload), indent=2, sort_keys=True, ensure_ascii=False).encode()

    # -- organisations ---------------------------------------------------------------------

    def org_summary(self, p: Principal, org_id: str) -> OrgSummary:
        org = self._own_org(p, org_id)
        self.registry.refresh()
        info = self.registry.org_info(org_id)
        hook = org.channels.webhook
        email = org.channels.email
        return OrgSummary(id=org.id, display_name=org.display_name, min_severity=org.min_severity,
                          registered_total=info.total if info else 0,
                          registered_by_type=dict(info.counts) if info else {},
                          email_recipients=len(email.to) if email else 0,
                          # scheme and host only: a receiver's path or query often holds its token (the
                          # log cuts it too), and analysts see every organisation (round 14)
                          webhook_url=safe_url(hook.url) if hook else None, webhook_enabled=bool(hook and hook.enabled))

    def send_test_webhook(self, p: Principal, org_id: str) -> WebhookTestResult:
        """A signed `vigie.test` event to the organisation's own receiver, through the real channel."""
        self._role(p, "org_member", "operator")
        org = self._own_org(p, org_id)
        hook = org.channels.webhook
        if hook is None:
            raise ProblemError(409, f"organisation {org_id} has no webhook channel; add channels.webhook to its file")
        # one at a time per organisation: each holds a thread of the app's pool until its receiver
        # answers (up to alerts.webhook.timeout_seconds), and a member whose receiver never answers
        # took the whole pool with 40 clicks, every user's pages and API waiting behind them
        with self._webhook_tests_lock:
            if org.id in self._webhook_tests:
                raise ProblemError(429, f"a test webhook of organisation {org.id} is under way; try again once "
                                        "its receiver has answered (alerts.webhook.timeout_seconds at most)")
            self._webhook_tests.add(org.id)
        msg_id = f"test-{int(time.time() * 1000)}"
        body = json.dumps({"type": "vigie.test", "id": msg_id, "organisation": org.id}, sort_keys=True).encode()
        try:
            status = self.webhook.send_test(hook.url, hook.secret.get_secret_value(), body, msg_id)
        except AlertsError as exc:
            return WebhookTestResult(delivered=False, status=None, detail=str(exc))
        finally:
            with self._webhook_tests_lock:
                self._webhook_tests.discard(org.id)
        return WebhookTestResult(delivered=200 <= status < 300, status=status, detail=f"HTTP {status}")

    # -- pre-hash upload and retro-hunt (org_member: own organisation) -------------------------

    def authorize_upload(self, p: Principal, org_id: str) -> None:
        """Who may upload pre-hashes for `org_id`: checked before the routes read the file."""
        self._role(p, "org_member", "operator")
        self._own_org(p, org_id)

    def upload_prehash(self, p: Principal, org_id: str, content: bytes) -> HuntStatus:
        """Register a `vigie hash` file's pre-hashes for the organisation, then retro-hunt the new
        tokens over the stored fragments in a background thread (`hunt_status` shows progress).

        The file only passes through `<data-dir>/uploads/` (0600, deleted once read): like
        `vigie org register`, only keyed tokens are kept. Alerts go through the same matcher and
        outbox as live matches, so a fragment already alerted on is not alerted on again."""
        self.authorize_upload(p, org_id)
        if not content.strip():
            raise ProblemError(422, "the uploaded file is empty; produce it with `vigie hash FILE -o prehashes.csv`")
        if len(content) > MAX_UPLOAD_BYTES:
            raise upload_too_large()
        # one upload and its retro-hunt per organisation at a time: each hunt is a thread searching the
        # whole store, and a member uploading file after file of fresh pre-hashes started as many at once
        with self._hunts_lock:
            if org_id in self._hunting:
                raise ProblemError(429, f"a retro-hunt of organisation {org_id} is under way; upload the next file "
                                        "once it is done (its status says so)")
            self._hunting.add(org_id)
        started = False
        folder = self.data_dir / "uploads"
        folder.mkdir(mode=0o700, exist_ok=True)
        path = folder / f"{secrets.token_hex(8)}.prehash"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(content)
                with self._register_lock:
                    result = self.registry.register_prehash_file(org_id, path, self._match_key,
                                                                 keep_new_tokens=True)
            except RegistryError as exc:
                raise ProblemError(422, f"not a `vigie hash` file ({exc}); produce it with `vigie hash`") from None
            finally:
                path.unlink(missing_ok=True)
            hunt = self._start_hunt(org_id, result)
            started = True
            return hunt
        finally:
            if not started:
                with self._hunts_lock:
                    self._hunting.discard(org_id)

    def _start_hunt(self, org_id: str, result: RegisterResult) -> HuntStatus:
        """The retro-hunt of a registration's new tokens, on a thread of its own (which ends the
        organisation's turn: `_hunting`)."""
        tokens = list(result.iter_new_hex())
        hunt = HuntStatus(id=secrets.token_urlsafe(12), org=org_id, state="hunting", lines_read=result.read,
                          new_tokens=result.added_total, tokens_total=len(tokens), tokens_searched=0,
                          fragments_found=0, alerts_made=0, started_at=time.time())
        with self._hunts_lock:
            self._hunts[hunt.id] = hunt
        threading.Thread(target=self._hunt, args=(hunt.id, org_id, tokens), name=f"retro-hunt-{org_id}",
                         daemon=True).start()
        return hunt.model_copy()

    def _hunt(self, hunt_id: str, org_id: str, tokens: list[str]) -> None:
        """The background retro-hunt, in steps of HUNT_BATCH tokens so that progress shows."""
        def update(**changes: object) -> None:
            with self._hunts_lock:
                self._hunts[hunt_id] = self._hunts[hunt_id].model_copy(update=changes)

        found = made = 0
        try:
            self.store.flush()  # Elasticsearch: just-indexed fragments are searched too
            for start in range(0, len(tokens), HUNT_BATCH):
                batch = tokens[start:start + HUNT_BATCH]
                f, m = retro_hunt(self.store, self.matcher, org_id, batch)
                found, made = found + f, made + m
                update(tokens_searched=start + len(batch), fragments_found=found, alerts_made=made)
        except Exception as exc:  # the thread must record why it stopped; the log has the traceback
            logger.opt(exception=exc).error("retro-hunt for {} failed", org_id)
            update(state="failed", finished_at=time.time(), detail=f"failed ({type(exc).__name__}); see the server log")
        else:
            update(state="done", finished_at=time.time(),
                   detail=f"{found} stored fragment(s) hold these tokens, {made} new alert(s)")
        finally:
            with self._hunts_lock:
                self._hunting.discard(org_id)

    def hunt_status(self, p: Principal, org_id: str, hunt_id: str) -> HuntStatus:
        self._role(p, "org_member", "operator")
        self._own_org(p, org_id)
        with self._hunts_lock:
            hunt = self._hunts.get(hunt_id)
        if hunt is None or hunt.org != org_id:
            raise not_found("retro-hunt")
        return hunt.model_copy()

    # -- analysts' search ------------------------------------------------------------------

    def _query(self, f: SearchFilters, *, tokens: tuple[str, ...] = (), token_type: str | None = None,
               offset: int = 0, limit: int = 20) -> SearchQuery:
        try:
            severities = tuple(Severity.parse(s) for s in f.severities)
        except (ValueError, KeyError):
            raise ProblemError(422, f"unknown severity in {list(f.severities)}; use low, medium, high, critical")\
                from None
        return SearchQuery(text=f.text or None, tokens=tokens, token_type=token_type, sources=f.sources,
                           severities=severities, categories=f.categories, since=f.since, until=f.until,
                           offset=offset, limit=limit)

    def _page(self, q: SearchQuery, facets: bool) -> FragmentPage:
        page = self.store.search(q)
        more = q.offset + len(page.hits) < page.total and len(page.hits) == q.limit
        out = FragmentPage(total=page.total, items=[_fragment_summary(d) for d in page.hits],
                           next_cursor=encode_cursor(q.offset + q.limit) if more else None)
        if facets:
            a = self.store.aggregations(q)
            out.facets = Facets(total=a.total, kind=a.per_kind, category=a.per_category, severity=a.per_severity,
                                source=a.per_source, day=a.per_day)
        return out

    def search(self, p: Principal, f: SearchFilters, *, cursor: str | None = None, limit: int = 20,
               facets: bool = True) -> FragmentPage:
        """Full text over the redacted index, newest first, with facet counts. An identifier
        typed among the words is searched by its token and audited, as `search_identifier`
        does, never sent to the store as words (`indexer.search_terms`)."""
        self._role(p, "analyst")
        try:
            words, found = split_identifiers(f.text) if f.text and f.text.strip() else (f.text, {})
        except QueryIdentifierError as exc:
            raise ProblemError(422, f"{exc}; search a person with the identifier search") from None
        offset, limit = decode_cursor(cursor), min(max(limit, 1), MAX_LIMIT)
        if not found:
            return self._page(self._query(f, offset=offset, limit=limit), facets)
        by_type = {kind: list(dict.fromkeys(token(self._match_key, kind, form).hex() for form in forms))
                   for kind, forms in found.items()}
        tokens = tuple(dict.fromkeys(t for ts in by_type.values() for t in ts))
        page = self._page(self._query(replace(f, text=words), tokens=tokens,
                                      token_type=next(iter(by_type)) if len(by_type) == 1 else None,
                                      offset=offset, limit=limit), facets)
        idents = [{"type": kind, "tokens": ts} for kind, ts in sorted(by_type.items())]
        self.audit.append("identifier_search", {"user": p.label, "analyst": p.name, "identifiers": idents,
                                                "results": page.total})
        return page

    def search_identifier(self, p: Principal, id_type: str, value: str, *, cursor: str | None = None,
                          limit: int = 20) -> FragmentPage:
        """By identifier: tokenised here with the match key (the value is neither stored nor
        logged); audited (who, the type and tokens, the result count) before results return."""
        self._role(p, "analyst")
        kind = id_type.strip().lower()
        try:
            forms = canonical_forms(kind, value.strip())
        except IdentifierError:
            raise ProblemError(422, f"unknown identifier type {kind!r}") from None
        if not forms:
            raise ProblemError(422, f"not a valid {kind}: such a value is never found in a dump")
        tokens = tuple(dict.fromkeys(token(self._match_key, kind, form).hex() for form in forms))
        page = self._page(self._query(SearchFilters(), tokens=tokens, token_type=kind, offset=decode_cursor(cursor),
                                      limit=min(max(limit, 1), MAX_LIMIT)), facets=False)
        self.audit.append("identifier_search", {"user": p.label, "analyst": p.name,
                                                "identifiers": [{"type": kind, "tokens": list(tokens)}],
                                                "results": page.total})
        return page

    def fragment(self, p: Principal, doc_id: str) -> FragmentDetail:
        self._role(p, "analyst")
        doc = self.store.get(doc_id)
        if doc is None:
            raise not_found("fragment")
        prov = doc.provenance
        same: list[FragmentSummary] = []
        if prov.thread_url and prov.thread_title:
            hits = self.store.search(SearchQuery(text=prov.thread_title, sources=(prov.source,), limit=50)).hits
            same = [_fragment_summary(d) for d in hits if d.id != doc.id and d.provenance.thread_url == prov.thread_url]
        return FragmentDetail(**_fragment_summary(doc).model_dump(), url=prov.url, thread_url=prov.thread_url,
                              author=prov.author, start_line=doc.start_line, end_line=doc.end_line, same_thread=same)

    def reveal(self, p: Principal, doc_id: str, reason: str) -> RevealResult:
        """Decrypt one fragment for an analyst with may_reveal whose session verified TOTP within
        `web.reveal_totp_minutes`; every attempt, refused ones included, is audited."""
        self._role(p, "analyst")
        fresh = p.totp_at is not None and time.time() - p.totp_at <= self.settings.reveal_totp_minutes * 60
        if not (p.may_reveal and p.via == "session" and fresh):
            why = ("refused: not allowed to reveal" if not p.may_reveal
                   else "refused: needs a session with a recent TOTP code")
            self.audit.append("reveal", {"user": p.label, "analyst": p.name, "doc_id": doc_id,
                                         "reason": reason.strip(), "outcome": why})
            raise ProblemError(403, why.removeprefix("refused: ") + " (POST /api/v1/session/totp with a fresh code; "
                                    "the attempt was audited)")
        try:
            shown = reveal(self.store, self._data_key, doc_id, grant=RevealGrant(os_user=p.label, analyst=p.name),
                           reason=reason, audit=self.audit)
        except RevealError as exc:
            if self.store.get(doc_id) is None:
                raise not_found("fragment") from None
            raise ProblemError(409, str(exc)) from None
        return RevealResult(id=shown.doc.id, text=shown.text)

    # -- operators -------------------------------------------------------------------------

    def sources(self, p: Principal) -> list[SourceStatus]:
        self._role(p, "operator")
        report = self.ops.report()
        pending = pending_requests(self.data_dir)
        return [SourceStatus(name=s.name, schedule=s.schedule, next_run_at=s.next_run_at, last_outcome=s.last_outcome,
                             last_started_at=s.last_started_at, last_finished_at=s.last_finished_at, pages=s.pages,
                             items=s.items, fragments=s.fragments, errors=s.errors,
                             needs_attention=list(s.needs_attention), pending_request=pending.get(s.name))
                for s in report.sources]

    def request_source(self, p: Principal, source: str, kind: RequestKind) -> SourceStatus:
        """"crawl now" / "pause": a request file the service picks up (see vigie.web.ops)."""
        self._role(p, "operator")
        if source not in self.source_names:
            raise not_found("source")
        write_request(self.data_dir, kind, source, p.label)
        return next(s for s in self.sources(p) if s.name == source) if any(
            s.name == source for s in self.sources(p)) else SourceStatus(
            name=source, schedule=None, next_run_at=None, last_outcome=None, last_started_at=None,
            last_finished_at=None, pages=0, items=0, fragments=0, errors=0, needs_attention=[], pending_request=kind)

    def health(self, p: Principal) -> Health:
        self._role(p, "operator")
        r = self.ops.report()
        return Health(service_alive=r.alive, tor=r.tor, store=r.store, outbox=r.outbox)

    def dead_letters(self, p: Principal, *, cursor: str | None = None, limit: int = 20) -> DeadLetterPage:
        self._role(p, "operator")
        offset, limit = decode_cursor(cursor), min(max(limit, 1), MAX_LIMIT)
        rows = self.outbox.dead_letter_page(limit=limit + 1, offset=offset)
        items = [DeadLetter(alert_id=r.alert_id, org=r.org, channel=r.channel, attempts=r.attempts,
                            last_error=r.last_error) for r in rows[:limit]]
        return DeadLetterPage(items=items, next_cursor=encode_cursor(offset + limit) if len(rows) > limit else None)

    def retry_dead_letter(self, p: Principal, alert_id: str) -> int:
        self._role(p, "operator")
        if not self.outbox.has_dead_letter(alert_id):
            raise not_found("dead letter")
        return self.outbox.requeue(alert_id=alert_id)

    def users(self, p: Principal) -> list[UserInfo]:
        self._role(p, "operator")
        return [UserInfo(name=u.name, role=u.role, org=u.org, has_totp=u.has_totp, may_reveal=u.may_reveal,
                         disabled=u.disabled) for u in self.web_db.users()]

    def tokens(self, p: Principal) -> list[TokenInfo]:
        self._role(p, "operator")
        return [_token_info(t) for t in self.web_db.tokens()]

    def create_token(self, p: Principal, user: str, name: str, expires_days: int) -> TokenCreated:
        self._role(p, "operator")
        if self.web_db.user(user) is None:
            raise not_found("user")
        try:
            new = self.web_db.create_token(user, expires_days * 86400.0, name)
        except UserError as exc:
            raise ProblemError(409, str(exc)) from None
        return TokenCreated(**_token_info(new.token).model_dump(), secret=new.secret)

    def revoke_token(self, p: Principal, token_id: str) -> None:
        self._role(p, "operator")
        if not self.web_db.revoke_token(token_id):
            raise not_found("token")

    def disable_user(self, p: Principal, name: str) -> None:
        self._role(p, "operator")
        try:
            self.web_db.disable_user(name)
        except UserError:
            raise not_found("user") from None
