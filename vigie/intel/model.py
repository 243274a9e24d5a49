"""What an export is made of (`LeakExport`) and where it comes from (`IntelSource`).

Why one input type for every format: the STIX bundle, the MISP event and the TAXII collection
must say the same thing about a leak, and the rule that decides what a recipient may see (counts
for everyone; an organisation's own keyed tokens only for that organisation) must live in one
place. `IntelSource.export` applies it; the builders only format what they are given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol, get_args

from alerts.registry import Registry
from indexer.leaks.models import Leak, LeakStore, OrgLeakImpact
from indexer.store.base import FragmentStore
from vigie.config.schema import OrganisationConfig

__all__ = [
    "TLP_LEVELS",
    "IntelError",
    "IntelSource",
    "LeakExport",
    "LeakImpacts",
    "Recipient",
    "Tlp",
    "UnknownLeak",
    "as_utc",
    "leak_modified",
]

Tlp = Literal["clear", "green", "amber", "amber+strict", "red"]
TLP_LEVELS: tuple[str, ...] = get_args(Tlp)


class IntelError(Exception):
    """Base class of the errors of `vigie.intel`; the message says what failed and how to fix it."""


class UnknownLeak(IntelError):
    """No such leak, or (for an organisation) a leak none of its registered people appear in.

    The two cases give the same error on purpose: an organisation must not learn that a leak it is
    not in exists (the web answers 404 for both)."""


class LeakImpacts(Protocol):
    """The per-organisation view of leaks (kept by the alerts side, beside the alerts)."""

    def impact(self, org_id: str, leak_id: str) -> OrgLeakImpact | None:
        """What `org_id` has in `leak_id` (None if none of its registered people are in it)."""

    def leaks_of_org(self, org_id: str) -> list[str]:
        """Ids of the leaks the organisation has people in."""


@dataclass(frozen=True, slots=True)
class Recipient:
    """The organisation an export is made for: its figures and its own keyed tokens.

    `tokens` holds only tokens that this organisation registered AND that occur in the leak's
    copies holding its people: never another organisation's, never a token of a stranger."""

    org_id: str
    display_name: str
    impact: OrgLeakImpact
    tokens: dict[str, tuple[str, ...]] = field(default_factory=dict)  # identifier type -> hex tokens


@dataclass(frozen=True, slots=True)
class LeakExport:
    """Everything one export of one leak says. Built by `IntelSource.export` (or by hand in tests)."""

    leak: Leak
    tlp: Tlp = "amber"
    recipient: Recipient | None = None


def as_utc(value: datetime) -> datetime:
    """Aware UTC (stores may hand back naive UTC datetimes; STIX and TAXII need a zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def leak_modified(leak: Leak) -> datetime:
    """When the leak last changed: its newest appearance (the STIX `modified`, the TAXII date added).

    Why the fetch time and not the post time: a repost found today of a thread posted last year
    is news today; a collection reader polling `added_after` must receive it."""
    times = [as_utc(leak.first_seen)]
    for a in leak.appearances:
        times.extend(as_utc(t) for t in (a.posted_at, a.fetched_at) if t is not None)
    return max(times)


class IntelSource:
    """Leaks as exports, scoped to who asks: an analyst (no organisation) sees every leak with
    counts only; an organisation sees only the leaks its people are in, with its own figures and
    its own tokens."""

    def __init__(self, *, leaks: LeakStore, impacts: LeakImpacts, store: FragmentStore, registry: Registry,
                 organisations: Mapping[str, OrganisationConfig]) -> None:
        self.leaks = leaks
        self.impacts = impacts
        self.store = store
        self.registry = registry
        self.organisations = organisations

    def _organisation(self, org_id: str) -> OrganisationConfig:
        org = self.organisations.get(org_id)
        if org is None:
            known = ", ".join(sorted(self.organisations)) or "none configured"
            raise IntelError(f"unknown organisation {org_id!r} (known: {known}); "
                             "add config/organisations/<id>.yaml or fix --org")
        return org

    def export(self, leak_id: str, *, org: str | None = None, tlp: Tlp = "amber") -> LeakExport:
        """The export of `leak_id` for an analyst (`org` None) or for organisation `org`.

        Raises `UnknownLeak` when there is no such leak or `org` has nobody in it, `IntelError`
        for an unknown organisation."""
        leak = self.leaks.get(leak_id)
        if leak is None:
            raise UnknownLeak(f"no leak {leak_id!r}: list them with `vigie leaks list`")
        if org is None:
            return LeakExport(leak=leak, tlp=tlp)
        cfg = self._organisation(org)
        # alerts raised before two leaks merged stay under the id they had then (now an alias)
        impact = next((i for i in (self.impacts.impact(org, lid) for lid in (leak.id, *leak.aliases)) if i), None)
        if impact is None:
            raise UnknownLeak(f"no leak {leak_id!r} for organisation {org!r}: "
                              f"list its leaks with `vigie leaks list --org {org}`")
        return LeakExport(leak=leak, tlp=tlp, recipient=Recipient(
            org_id=org, display_name=cfg.display_name, impact=impact, tokens=self.own_tokens(org, impact)))

    def own_tokens(self, org: str, impact: OrgLeakImpact) -> dict[str, tuple[str, ...]]:
        """The tokens of the copies holding `org`'s people that `org` itself registered."""
        found: dict[str, set[str]] = {}
        for fid in impact.fragment_ids:
            doc = self.store.get(fid)
            if doc is None:
                continue
            for id_type, tokens in doc.tokens.items():
                owners = self.registry.orgs_for_hex(tokens)
                found.setdefault(id_type, set()).update(t for t, o in zip(tokens, owners, strict=True) if org in o)
        return {t: tuple(sorted(v)) for t, v in sorted(found.items()) if v}

    def visible(self, org: str | None, *, limit: int = 10_000) -> list[Leak]:
        """The leaks `org` may see (every leak for an analyst), oldest change first."""
        if org is None:
            leaks = self.leaks.list(limit=limit)
        else:
            self._organisation(org)
            leaks = [leak for lid in self.impacts.leaks_of_org(org) if (leak := self.leaks.get(lid)) is not None]
        unique = {leak.id: leak for leak in leaks}
        return sorted(unique.values(), key=lambda x: (leak_modified(x), x.id))
