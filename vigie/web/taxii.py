"""TAXII 2.1, read-only: the leaks as one STIX collection, for analysts' and organisations' TIPs.

    GET /taxii2/                                           discovery
    GET /taxii2/api/                                       API root
    GET /taxii2/api/collections/                           the one collection ("Vigie leaks")
    GET /taxii2/api/collections/{id}/                      it
    GET /taxii2/api/collections/{id}/objects/              envelope: added_after, limit, next,
                                                           match[id], match[type]
    GET /taxii2/api/collections/{id}/objects/{object_id}/  one object
    GET /taxii2/api/collections/{id}/manifest/             manifest records, same paging

Who sees what (the rule is `vigie.intel.IntelSource`'s): a bearer token or session of an analyst
sees every leak, with counts only; an organisation member sees only the leaks its people are in,
each as that organisation's export (its figures, its own tokens, TLP:AMBER+STRICT); an object of
any other leak answers 404, exactly like one that does not exist. Other roles get 404 too.

Why the routes parse and answer by hand instead of FastAPI's models and handlers: TAXII has its
own media type and error body, and outside `/api/` the web app answers errors in HTML; these
routes never raise, so a TAXII client always gets TAXII. They stay out of the OpenAPI document
(the TAXII 2.1 specification is their contract).

Each request rebuilds the visible leaks' objects from the leak store (no cache to go stale), in
the thread pool (the stores are blocking);
`date_added` of an object is the time its leak last changed (`vigie.intel.model.leak_modified`).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from vigie.intel.model import IntelError, IntelSource, Tlp, UnknownLeak, leak_modified
from vigie.intel.stix import stix_objects
from vigie.web.auth import principal
from vigie.web.models import Principal
from vigie.web.problems import ProblemError

__all__ = ["COLLECTION_ID", "TAXII_MEDIA_TYPE", "install_taxii", "router"]

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
COLLECTION_ID = "8c4f3e8e-6f5d-4d0a-9a3b-4c1e0f2a7b61"
MAX_PAGE = 500
DEFAULT_PAGE = 100
_MAX_CONTENT = 10 * 1024 * 1024

router = APIRouter(prefix="/taxii2", include_in_schema=False)


def install_taxii(app: FastAPI, intel: IntelSource) -> None:
    """Serve TAXII from `intel` (the caller built it: leak store, impacts, store, registry)."""
    app.state.intel = intel
    app.include_router(router)


class _TaxiiError(Exception):
    def __init__(self, status: int, title: str, description: str = "", headers: dict[str, str] | None = None) -> None:
        super().__init__(title)
        self.status, self.title, self.description, self.headers = status, title, description, headers or {}


def _answer(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status_code=status, media_type=TAXII_MEDIA_TYPE,
                    headers=headers)


def _error(e: _TaxiiError) -> Response:
    body: dict[str, Any] = {"title": e.title, "http_status": str(e.status)}
    if e.description:
        body["description"] = e.description
    return _answer(body, e.status, e.headers)


def _not_found() -> _TaxiiError:
    return _TaxiiError(404, "not found", "no such collection or object (or it is not yours)")


async def _who(request: Request) -> Principal:
    """Authenticate (bearer token or session), check Accept, allow analysts and organisation members."""
    accept = request.headers.get("accept", "")
    if accept and not any(m in accept for m in ("application/taxii+json", "*/*")):
        raise _TaxiiError(406, "not acceptable", f"this server answers {TAXII_MEDIA_TYPE} only")
    if "version=" in accept and "version=2.1" not in accept:
        raise _TaxiiError(406, "not acceptable", "this server speaks TAXII 2.1 only")
    try:
        p = await principal(request)
    except ProblemError as e:
        raise _TaxiiError(e.status, "not authenticated", e.detail, e.headers) from None
    if p.role not in ("analyst", "org_member"):
        raise _not_found()  # like the rest of the web API: a resource outside the role does not exist
    return p


def _intel(request: Request) -> IntelSource:
    intel = request.app.state.intel
    assert isinstance(intel, IntelSource), "install_taxii stores the IntelSource in app.state.intel"
    return intel


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_ts(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _TaxiiError(400, f"bad {name}", f"{name} must be a timestamp like 2026-03-01T10:00:00.000Z") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


@dataclass(frozen=True, slots=True)
class _Item:
    added: datetime
    obj: dict[str, Any]

    @property
    def key(self) -> tuple[datetime, str]:
        return self.added, self.obj["id"]


def _items(intel: IntelSource, p: Principal) -> list[_Item]:
    """Every object the principal may read, oldest addition first; an object shared by several
    leaks (the TLP marking, Vigie's identity) is listed once, when it was first added."""
    org = p.org if p.role == "org_member" else None
    tlp: Tlp = "amber+strict" if org else "amber"  # an organisation's export holds its own tokens
    seen: dict[str, _Item] = {}
    try:
        leaks = intel.visible(org)
    except IntelError:
        raise _not_found() from None  # an org_member of an organisation no longer configured
    for leak in leaks:
        added = leak_modified(leak)
        try:
            export = intel.export(leak.id, org=org, tlp=tlp)
        except UnknownLeak:
            continue
        for o in stix_objects(export):
            if o.id not in seen:
                seen[o.id] = _Item(added, json.loads(o.serialize()))
    return sorted(seen.values(), key=lambda i: i.key)


def _encode_next(item: _Item) -> str:
    return base64.urlsafe_b64encode(f"{_ts(item.added)}|{item.obj['id']}".encode()).decode().rstrip("=")


def _decode_next(token: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        when, oid = raw.split("|", 1)
        return _parse_ts(when, "next"), oid
    except (ValueError, UnicodeDecodeError, binascii.Error, _TaxiiError):
        raise _TaxiiError(400, "bad next", "pass back the `next` value of the previous page unchanged") from None


def _page(request: Request, items: list[_Item]) -> tuple[list[_Item], bool, str | None]:
    q = request.query_params
    if (after := q.get("added_after")) is not None:
        limit_at = _parse_ts(after, "added_after")
        items = [i for i in items if i.added > limit_at]
    for field, getter in (("match[id]", lambda i: i.obj["id"]), ("match[type]", lambda i: i.obj["type"])):
        if (wanted := q.get(field)) is not None:
            values = set(wanted.split(","))
            items = [i for i in items if getter(i) in values]
    if (token := q.get("next")) is not None:
        cursor = _decode_next(token)
        items = [i for i in items if i.key > cursor]
    try:
        limit = int(q.get("limit", DEFAULT_PAGE))
    except ValueError:
        raise _TaxiiError(400, "bad limit", "limit must be a positive integer") from None
    if limit < 1:
        raise _TaxiiError(400, "bad limit", "limit must be a positive integer")
    limit = min(limit, MAX_PAGE)
    page = items[:limit]
    more = len(items) > limit
    return page, more, _encode_next(page[-1]) if more and page else None


def _page_headers(page: list[_Item]) -> dict[str, str]:
    if not page:
        return {}
    return {"X-TAXII-Date-Added-First": _ts(page[0].added), "X-TAXII-Date-Added-Last": _ts(page[-1].added)}


def _collection() -> dict[str, Any]:
    return {"id": COLLECTION_ID, "title": "Vigie leaks",
            "description": "One STIX 2.1 incident per leak (incident-core extension), with its masked source URLs, "
                           "notes and TLP 2.0 marking; counts only, no identifier of any person.",
            "can_read": True, "can_write": False, "media_types": [STIX_MEDIA_TYPE]}


def _check_collection(collection_id: str) -> None:
    if collection_id != COLLECTION_ID:
        raise _not_found()


@router.get("/")
async def discovery(request: Request) -> Response:
    try:
        await _who(request)
    except _TaxiiError as e:
        return _error(e)
    root = str(request.url_for("api_root"))
    return _answer({"title": "Vigie TAXII 2.1", "description": "Leaks seen by Vigie, as STIX 2.1 (read-only).",
                    "default": root, "api_roots": [root]})


@router.get("/api/", name="api_root")
async def api_root(request: Request) -> Response:
    try:
        await _who(request)
    except _TaxiiError as e:
        return _error(e)
    return _answer({"title": "Vigie leaks", "versions": [TAXII_MEDIA_TYPE], "max_content_length": _MAX_CONTENT})


@router.get("/api/collections/")
async def collections(request: Request) -> Response:
    try:
        await _who(request)
    except _TaxiiError as e:
        return _error(e)
    return _answer({"collections": [_collection()]})


@router.get("/api/collections/{collection_id}/")
async def collection(request: Request, collection_id: str) -> Response:
    try:
        await _who(request)
        _check_collection(collection_id)
    except _TaxiiError as e:
        return _error(e)
    return _answer(_collection())


@router.get("/api/collections/{collection_id}/objects/")
async def objects(request: Request, collection_id: str) -> Response:
    try:
        p = await _who(request)
        _check_collection(collection_id)
        page, more, nxt = _page(request, await run_in_threadpool(_items, _intel(request), p))
    except _TaxiiError as e:
        return _error(e)
    body: dict[str, Any] = {"more": more, "objects": [i.obj for i in page]}
    if nxt is not None:
        body["next"] = nxt
    return _answer(body, headers=_page_headers(page))


@router.get("/api/collections/{collection_id}/objects/{object_id}/")
async def one_object(request: Request, collection_id: str, object_id: str) -> Response:
    try:
        p = await _who(request)
        _check_collection(collection_id)
        found = [i for i in await run_in_threadpool(_items, _intel(request), p) if i.obj["id"] == object_id]
        if not found:
            raise _not_found()
    except _TaxiiError as e:
        return _error(e)
    return _answer({"more": False, "objects": [i.obj for i in found]}, headers=_page_headers(found))


@router.get("/api/collections/{collection_id}/manifest/")
async def manifest(request: Request, collection_id: str) -> Response:
    try:
        p = await _who(request)
        _check_collection(collection_id)
        page, more, nxt = _page(request, await run_in_threadpool(_items, _intel(request), p))
    except _TaxiiError as e:
        return _error(e)
    records = [{"id": i.obj["id"], "date_added": _ts(i.added),
                "version": i.obj.get("modified") or i.obj.get("created") or _ts(i.added),
                "media_type": STIX_MEDIA_TYPE} for i in page]
    body: dict[str, Any] = {"more": more, "objects": records}
    if nxt is not None:
        body["next"] = nxt
    return _answer(body, headers=_page_headers(page))
