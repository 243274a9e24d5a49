"""The breach-response pack: what an organisation must produce under GDPR articles 33 and 34
for one leak, drafted from what Vigie knows of ITS people in it.

Why a pack: the alert says a leak holds the organisation's people; the 72 hours of art. 33 then
go into working out what to tell the supervisory authority and the people concerned. The pack
drafts it: the nature of the breach, the likely consequences chosen from the data present, the
art. 34 decision with its reason, the measures to consider, the DPO, a letter, the deadline.

What it holds: counts of the organisation's own matched identifiers (`OrgLeakImpact`), never a
value, never another organisation's figures, never the leak's total size (that would describe
other people). The list of people stays with the organisation: the pack names the leak and the
copies, and the organisation finds its people by matching its own pre-hashed records.

`build_pack` decides (keys, counts, dates); the templates (`alerts/response/templates/`) word it
in French and English; `render.py` turns it into Markdown and PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from indexer.leaks.models import Leak, OrgLeakImpact
from vigie.config.schema import DpoContact, OrganisationConfig

__all__ = [
    "CONSEQUENCES",
    "LANGS",
    "NOTIFICATION_DELAY",
    "TIMELINE_ROWS",
    "Lang",
    "Pack",
    "PackError",
    "Sighting",
    "build_pack",
]

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

NOTIFICATION_DELAY = timedelta(hours=72)  # art. 33(1): "not later than 72 hours after having become aware"
TIMELINE_ROWS = 40  # a leak reposted hundreds of times: the pack lists the first copies and counts the rest

# Which identifier types make which harm likely. The levels follow the EDPB's worked examples
# (Guidelines 01/2021 on examples regarding personal data breach notification): contact data
# alone brings phishing; national ids, dates of birth and addresses make identity theft
# possible; bank and card data, direct financial loss; passwords, account takeover; art. 9 data,
# discrimination and extortion.
_CONTACT = frozenset({"email", "phone"})
_IDENTITY = frozenset({"nir", "dob", "address", "rpps", "adeli"})
_FINANCIAL = frozenset({"iban", "card"})
_CREDENTIALS = frozenset({"credential", "password_hash"})

CONSEQUENCES: tuple[str, ...] = ("phishing", "identity_fraud", "financial_fraud", "account_takeover",
                                 "special_categories")


class PackError(Exception):
    """The pack cannot be drafted from what was given (a leak and an impact that do not match)."""


@dataclass(frozen=True, slots=True)
class Sighting:
    """One row of the timeline: where and when a copy was seen (masked URL, as stored)."""

    seen_at: datetime | None
    source: str
    url: str | None
    holds_org_people: bool  # whether this copy holds the organisation's people (a sample may not)


@dataclass(frozen=True, slots=True)
class Pack:
    """Everything the templates word, decided once so both languages say the same thing.

    Keys (`consequences`, `art34_reasons`, `measures`) are worded by the templates; numbers and
    dates are formatted by them with Babel in the pack's language."""

    lang: Lang
    leak_id: str
    org_id: str
    org_name: str
    generated_at: datetime
    first_seen: datetime
    first_source: str
    sources: tuple[str, ...]  # every source the leak was seen on, in order of first appearance
    timeline: tuple[Sighting, ...]  # oldest first, at most TIMELINE_ROWS
    timeline_more: int  # copies not listed
    copies: int  # copies seen in all
    org_fragment_ids: tuple[str, ...]  # copies holding the organisation's people (to find them)
    people: int  # the organisation's people in the leak, as OrgLeakImpact estimates them
    records: int  # the organisation's matched identifiers, all types
    identifier_types: tuple[tuple[str, int], ...]  # (type, count), largest first
    categories: tuple[str, ...]  # art. 9 categories of the copies holding its people
    consequences: tuple[str, ...]  # among CONSEQUENCES
    art34_required: bool  # communication to the people concerned likely required
    art34_reasons: tuple[str, ...]
    measures: tuple[str, ...]
    dpo: tuple[tuple[str, str], ...]  # (field, value) of the configured DPO, in letter order; () if none
    alert_at: datetime  # the first alert: when the organisation became aware, at the latest
    deadline: datetime  # alert_at + 72 h
    overdue: bool  # generated after the deadline: art. 33(1) then asks for the reasons of the delay


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _consequences(types: set[str], categories: tuple[str, ...]) -> tuple[str, ...]:
    present = {
        "phishing": bool(types & _CONTACT),
        "identity_fraud": bool(types & _IDENTITY),
        "financial_fraud": bool(types & _FINANCIAL),
        "account_takeover": bool(types & _CREDENTIALS),
        "special_categories": bool(categories),
    }
    return tuple(c for c in CONSEQUENCES if present[c])


def _art34(types: set[str], categories: tuple[str, ...]) -> tuple[bool, tuple[str, ...]]:
    """Art. 34(1): communication when the breach is likely to result in a HIGH risk. The EDPB
    examples put special categories, financial data, national identification numbers and
    plaintext passwords on the high side; contact data alone, published, on the lower side."""
    reasons = [
        *(["special_categories"] if categories else []),
        *(["financial"] if types & _FINANCIAL else []),
        *(["national_id"] if "nir" in types else []),
        *(["credentials"] if "credential" in types else []),
    ]
    if reasons:
        return True, tuple(reasons)
    return False, ("contact_only",)


def _dpo(dpo: DpoContact | None) -> tuple[tuple[str, str], ...]:
    """The DPO's details that are set, in the order the letter gives them (art. 33(3)(b), 34(2))."""
    if dpo is None:
        return ()
    fields = (("name", dpo.name), ("email", dpo.email), ("phone", dpo.phone), ("postal_address", dpo.postal_address))
    return tuple((k, v) for k, v in fields if v)


def _measures(types: set[str], categories: tuple[str, ...], art34_required: bool) -> tuple[str, ...]:
    measures = ["contain", "find_people"]
    if types & _CREDENTIALS:
        measures.append("reset_credentials")
    if types & _FINANCIAL:
        measures.append("notify_banks")
    if types & _CONTACT:
        measures.append("warn_phishing")
    if types & _IDENTITY:
        measures.append("identity_theft_advice")
    if categories:
        measures.append("special_care")
    measures += ["takedown", "monitor", "notify_authority", "register"]
    if art34_required:
        measures.append("inform_people")
    return tuple(measures)


def build_pack(leak: Leak, impact: OrgLeakImpact, org: OrganisationConfig, lang: Lang,
               *, now: datetime | None = None) -> Pack:
    """Draft the pack of `org` for `leak` from its impact. Raises PackError when `impact` is
    not this organisation's impact in this leak (a pack must never mix two organisations)."""
    if lang not in LANGS:
        raise PackError(f"unknown language {lang!r}: expected one of {', '.join(LANGS)}")
    if impact.org_id != org.id:
        raise PackError(f"the impact is organisation {impact.org_id!r}'s, not {org.id!r}'s")
    if impact.leak_id != leak.id and impact.leak_id not in leak.aliases:
        raise PackError(f"the impact is about leak {impact.leak_id!r}, not {leak.id!r}")
    generated = _utc(now or datetime.now(UTC))
    types = {t for t, n in impact.identifier_types.items() if n > 0}
    categories = tuple(sorted(set(impact.categories)))
    art34_required, reasons = _art34(types, categories)
    own = set(impact.fragment_ids)
    rows = tuple(Sighting(seen_at=_utc(a.seen_at) if a.seen_at else None, source=a.source, url=a.url,
                          holds_org_people=a.fragment_id in own) for a in leak.appearances)
    alert_at = _utc(impact.first_alert_at)
    deadline = alert_at + NOTIFICATION_DELAY
    return Pack(
        lang=lang, leak_id=leak.id, org_id=org.id, org_name=org.display_name, generated_at=generated,
        first_seen=_utc(leak.first_seen), first_source=leak.first_source, sources=leak.sources,
        timeline=rows[:TIMELINE_ROWS], timeline_more=max(0, len(rows) - TIMELINE_ROWS), copies=len(rows),
        org_fragment_ids=tuple(sorted(own)),
        people=impact.people, records=sum(impact.identifier_types.values()),
        identifier_types=tuple(sorted(((t, n) for t, n in impact.identifier_types.items() if n > 0),
                                      key=lambda tn: (-tn[1], tn[0]))),
        categories=categories, consequences=_consequences(types, categories),
        art34_required=art34_required, art34_reasons=reasons,
        measures=_measures(types, categories, art34_required), dpo=_dpo(org.dpo),
        alert_at=alert_at, deadline=deadline, overdue=generated > deadline,
    )
