"""A leak as a STIX 2.1 bundle: an `incident` with the OASIS incident-core extension, Vigie's
`identity` as author, the victim's `identity` (when the export is for an organisation), the masked
onion URLs as `url` observables inside `observed-data`, `note`s (summary, timeline, the
organisation's own tokens) and a TLP 2.0 marking on every object.

Why deterministic ids (UUIDv5 of the leak id): a reader that receives the same leak again, e.g.
over TAXII after a new repost, must see a new version of the same incident (same id, later
`modified`), not a second incident.

Extension ids (verified against OASIS cti-stix-common-objects):
- incident core: extension-definition--ef765651-680c-498d-9894-99799f2fa126 (v1.1.0);
- TLP 2.0 markings: extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d and the five
  published marking-definition ids below (stix2 only ships TLP 1.0).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import stix2

from vigie.intel import _text
from vigie.intel.model import LeakExport, Tlp, as_utc, leak_modified

__all__ = [
    "INCIDENT_CORE_EXTENSION",
    "TLP2_EXTENSION",
    "TLP2_MARKINGS",
    "VIGIE_IDENTITY_ID",
    "build_stix_bundle",
    "stix_objects",
]

INCIDENT_CORE_EXTENSION = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
_TLP2_IDS: dict[str, str] = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP2_MARKINGS: dict[str, stix2.MarkingDefinition] = {
    level: stix2.MarkingDefinition(
        id=mid, created="2022-10-01T00:00:00.000Z", name=f"TLP:{level.upper()}",
        extensions={TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level}})
    for level, mid in _TLP2_IDS.items()
}

_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def _sid(kind: str, *parts: str) -> str:
    """A stable id in UUIDv4 form: STIX 2.1 asks SDO/SRO ids to be v4 (the validator enforces it)
    and stability is needed (see above), so the "random" bits are those of a hash of the parts."""
    digest = hashlib.sha256("\x1f".join(("vigie-stix-v1", kind, *parts)).encode()).digest()
    return f"{kind}--{uuid.UUID(bytes=digest[:16], version=4)}"


VIGIE_IDENTITY_ID = _sid("identity", "vigie")


def _vigie_identity(tlp: Tlp) -> stix2.Identity:
    return stix2.Identity(id=VIGIE_IDENTITY_ID, created=_EPOCH, modified=_EPOCH, name="Vigie",
                          identity_class="system", object_marking_refs=[_TLP2_IDS[tlp]],
                          description="Self-hosted dark-web leak monitoring: the author of this export.")


def _incident_extension(x: LeakExport) -> dict[str, Any]:
    """The incident-core property extension: confidentiality impacts and impacted-entity counts.

    Loss type: `suspected-loss` for the analysts' view (a dump on a forum may be recycled or
    fabricated); `confirmed-loss` for an organisation whose own registered identifiers are in it."""
    leak, r = x.leak, x.recipient
    loss = "confirmed-loss" if r is not None and r.impact.people > 0 else "suspected-loss"
    impacts: list[dict[str, Any]] = [{
        "information_type": "pii", "loss_type": loss, "record_count": leak.record_count,
        "description": "Distinct records over all copies of the leak.", "labels": ["leak-total"]}]
    impacts += [{"information_type": "pii", "loss_type": loss, "record_count": n,
                 "description": f"Distinct {t} identifiers in the leak.", "labels": [f"identifier-type:{t}"]}
                for t, n in sorted(leak.identifier_types.items())]
    counts = {"individuals": leak.record_count}
    if r is not None:
        impacts += [{"information_type": "pii", "loss_type": loss, "record_count": n,
                     "description": f"Distinct {t} identifiers of {r.org_id}'s registered people.",
                     "labels": [f"organisation:{r.org_id}", f"identifier-type:{t}"]}
                    for t, n in sorted(r.impact.identifier_types.items())]
        counts = {"individuals": r.impact.people, "organizations": 1}
    ext: dict[str, Any] = {
        "extension_type": "property-extension", "determination": "suspected", "investigation_status": "new",
        "incident_types": ["unauthorized-release"], "detection_methods": ["automated-tool"],
        "confidentiality_impacts": impacts, "impacted_entity_counts": counts,
    }
    if leak.categories or (r is not None and r.impact.categories):
        ext["criticality"] = 90
    return ext


def stix_objects(x: LeakExport) -> list[Any]:
    """The bundle's objects, in a stable order (marking, authors, incident, observations, notes)."""
    leak, r, tlp = x.leak, x.recipient, x.tlp
    created, modified = as_utc(leak.first_seen), leak_modified(leak)
    mark = [_TLP2_IDS[tlp]]
    common: dict[str, Any] = {"created_by_ref": VIGIE_IDENTITY_ID, "object_marking_refs": mark}
    scope = r.org_id if r is not None else "analyst"
    objs: list[Any] = [TLP2_MARKINGS[tlp], _vigie_identity(tlp)]
    labels = [f"gdpr-article-9:{c}" for c in leak.categories]
    incident = stix2.Incident(
        id=_sid("incident", leak.id, scope), created=created, modified=modified, name=f"Data leak {leak.id}",
        description=_text.summary(x), labels=labels or None,
        external_references=[{"source_name": "vigie", "external_id": leak.id}],
        extensions={INCIDENT_CORE_EXTENSION: _incident_extension(x)}, **common)
    objs.append(incident)
    if r is not None:
        victim = stix2.Identity(id=_sid("identity", "organisation", r.org_id), created=_EPOCH, modified=_EPOCH,
                                name=r.display_name, identity_class="organization", **common)
        objs += [victim, stix2.Relationship(
            # `related-to`, not the incident-core extension's `impacts`: strict validators (and readers that
            # only know STIX core) refuse an incident as an `impacts` or `targets` source
            id=_sid("relationship", leak.id, scope, "victim"), created=created, modified=modified,
            relationship_type="related-to", source_ref=incident.id, target_ref=victim.id, **common)]
    observed: list[str] = []
    for a in leak.appearances:
        url = _text.appearance_url(a)
        seen = a.seen_at
        if url is None or seen is None:
            continue
        sco = stix2.URL(value=url, object_marking_refs=mark)
        obs = stix2.ObservedData(
            id=_sid("observed-data", leak.id, scope, a.fragment_id), created=created, modified=modified,
            first_observed=as_utc(seen), last_observed=as_utc(a.fetched_at or seen), number_observed=1,
            object_refs=[sco.id], labels=[f"source:{a.source}"], **common)
        observed.append(obs.id)
        objs += [sco, obs, stix2.Relationship(
            id=_sid("relationship", leak.id, scope, a.fragment_id), created=created, modified=modified,
            relationship_type="related-to", source_ref=obs.id, target_ref=incident.id, **common)]
    notes = [("summary", "Summary", _text.summary(x), [incident.id]),
             ("timeline", "Timeline of appearances (seen | source | masked URL | masked title | records)",
              _text.timeline(x), [incident.id, *observed])]
    tokens = _text.tokens_text(x)
    if tokens is not None:
        notes.append(("tokens", "Your own keyed tokens in this leak", tokens, [incident.id]))
    objs += [stix2.Note(id=_sid("note", leak.id, scope, key), created=created, modified=modified, abstract=abstract,
                        content=content, object_refs=refs, **common)
             for key, abstract, content, refs in notes]
    return list({o.id: o for o in objs}.values())  # two copies at one URL share their `url` observable


def build_stix_bundle(x: LeakExport) -> stix2.Bundle:
    """One STIX 2.1 bundle for one leak (serialise with `.serialize(pretty=True)`)."""
    scope = x.recipient.org_id if x.recipient is not None else "analyst"
    bid = _sid("bundle", x.leak.id, scope, leak_modified(x.leak).isoformat(), x.tlp)
    return stix2.Bundle(stix_objects(x), id=bid)
