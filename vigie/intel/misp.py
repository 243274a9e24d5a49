"""A leak as a MISP event (pymisp): the same content as the STIX bundle.

- objects from MISP's bundled templates (strict: an unknown attribute fails here, not at import
  into MISP): `incident` (STIX incident-core fields), one `url` per masked source URL with its
  first/last seen, `annotation`s for the summary, the timeline and the organisation's own tokens;
- `counter` attributes for the record and identifier counts;
- tags from the `tlp`, `infoleak` and `gdpr` taxonomies (names checked against
  MISP/misp-taxonomies: infoleak/machinetag.json, gdpr/machinetag.json).
"""

from __future__ import annotations

import hashlib
import uuid

from pymisp import MISPEvent, MISPObject

from vigie.intel import _text
from vigie.intel.model import LeakExport, as_utc, leak_modified

__all__ = ["GDPR_TAGS", "INFOLEAK_TAGS", "build_misp_event", "misp_tags"]

# Vigie identifier types with an `infoleak:automatic-detection` value (the others have none)
INFOLEAK_TAGS: dict[str, str] = {
    "email": 'infoleak:automatic-detection="mail"',
    "phone": 'infoleak:automatic-detection="phone-number"',
    "card": 'infoleak:automatic-detection="credit-card"',
    "credential": 'infoleak:automatic-detection="credential"',
    "password_hash": 'infoleak:automatic-detection="credential"',
}
# Vigie's article 9 categories -> the `gdpr:special-categories` values
GDPR_TAGS: dict[str, str] = {
    "health": 'gdpr:special-categories="health"',
    "sexual_orientation": 'gdpr:special-categories="sex-life-or-sexual-orientation"',
    "sex_life": 'gdpr:special-categories="sex-life-or-sexual-orientation"',
    "religion": 'gdpr:special-categories="religious-or-philosophical-beliefs"',
    "ethnic_origin": 'gdpr:special-categories="racial-or-ethnic-origin"',
    "political_opinion": 'gdpr:special-categories="political-opinions"',
    "trade_union": 'gdpr:special-categories="trade-union-membership"',
    "genetic": 'gdpr:special-categories="genetic-data"',
    "biometric": 'gdpr:special-categories="biometric-data"',
}
# MISP distribution: 0 your organisation only, 1 this community only
_DISTRIBUTION = {"clear": 1, "green": 1, "amber": 0, "amber+strict": 0, "red": 0}


def _uuid(*parts: str) -> str:
    """Stable UUIDs (a re-export updates the same event in MISP instead of adding one)."""
    digest = hashlib.sha256("\x1f".join(("vigie-misp-v1", *parts)).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _pin(obj: MISPObject) -> MISPObject:
    """Stable uuids for the object's attributes and references too (pymisp draws random ones)."""
    for i, attr in enumerate(obj.attributes):
        attr.uuid = _uuid(obj.uuid, "attribute", str(i), attr.object_relation or "")
    for i, ref in enumerate(obj.references):
        ref.uuid = _uuid(obj.uuid, "reference", str(i))
    return obj


def misp_tags(x: LeakExport) -> list[str]:
    """TLP, then infoleak (crawler submission, true positive, detected types), then gdpr."""
    types = set(x.leak.identifier_types)
    cats = set(x.leak.categories)
    if x.recipient is not None:
        types |= set(x.recipient.impact.identifier_types)
        cats |= set(x.recipient.impact.categories)
    tags = [f"tlp:{x.tlp}", 'infoleak:submission="crawler"', 'infoleak:source="electronic-forum"',
            'infoleak:confirmed="true-positive"']
    tags += [INFOLEAK_TAGS[t] for t in sorted(types) if t in INFOLEAK_TAGS]
    tags += [GDPR_TAGS[c] for c in sorted(cats) if c in GDPR_TAGS]
    return list(dict.fromkeys(tags))


def build_misp_event(x: LeakExport) -> MISPEvent:
    """The MISP event of one leak; `.to_json()` gives what MISP imports."""
    leak, r = x.leak, x.recipient
    scope = r.org_id if r is not None else "analyst"
    ev = MISPEvent()
    ev.uuid = _uuid("event", leak.id, scope)
    ev.info = f"Vigie: data leak {leak.id} ({leak.record_count} records, first seen on {leak.first_source})"
    ev.set_date(as_utc(leak.first_seen).date())
    ev.threat_level_id = 1 if (leak.categories or (r is not None and r.impact.categories)) else 2
    ev.analysis = 1  # ongoing: a leak keeps spreading
    ev.distribution = _DISTRIBUTION[x.tlp]
    for tag in misp_tags(x):
        ev.add_tag(tag)

    inc = MISPObject("incident", strict=True)
    inc.uuid = _uuid("incident", leak.id, scope)
    inc.add_attribute("name", f"Data leak {leak.id}")
    inc.add_attribute("description", _text.summary(x))
    inc.add_attribute("determination", "suspected")
    inc.add_attribute("investigation_status", "new")
    inc.add_attribute("incident_type", "unauthorized-release")
    inc.add_attribute("detection_method", "automated-tool")
    inc.add_attribute("criticality", "High" if ev.threat_level_id == 1 else "Moderate")
    ev.add_object(_pin(inc))

    ev.add_attribute("counter", leak.record_count, comment="distinct records over all copies of the leak",
                     uuid=_uuid("counter", leak.id, scope, "records"), to_ids=False)
    for t, n in sorted(leak.identifier_types.items()):
        ev.add_attribute("counter", n, comment=f"distinct {t} identifiers in the leak",
                         uuid=_uuid("counter", leak.id, scope, "type", t), to_ids=False)
    if r is not None:
        ev.add_attribute("counter", r.impact.people, comment=f"matched identifiers of {r.org_id}'s registered people",
                         uuid=_uuid("counter", leak.id, scope, "people"), to_ids=False)
        for t, n in sorted(r.impact.identifier_types.items()):
            ev.add_attribute("counter", n, comment=f"{r.org_id}: matched {t} identifiers",
                             uuid=_uuid("counter", leak.id, scope, "org-type", t), to_ids=False)

    for a in leak.appearances:
        url = _text.appearance_url(a)
        if url is None:
            continue
        obj = MISPObject("url", strict=True)
        obj.uuid = _uuid("url", leak.id, scope, a.fragment_id)
        obj.add_attribute("url", url, to_ids=False)
        if a.seen_at is not None:
            obj.add_attribute("first-seen", as_utc(a.seen_at).isoformat())
        if a.fetched_at is not None:
            obj.add_attribute("last-seen", as_utc(a.fetched_at).isoformat())
        obj.add_attribute("text", f"copy on {a.source}: {a.record_count} records")
        obj.add_reference(inc.uuid, "related-to")
        ev.add_object(_pin(obj))

    notes = [("summary", "Executive Summary", _text.summary(x)), ("timeline", "Annotation", _text.timeline(x))]
    tokens = _text.tokens_text(x)
    if tokens is not None:
        notes.append(("tokens", "Annotation", tokens))
    for key, kind, text in notes:
        note = MISPObject("annotation", strict=True)
        note.uuid = _uuid("annotation", leak.id, scope, key)
        note.add_attribute("type", kind)
        note.add_attribute("format", "text")
        note.add_attribute("text", text)
        note.add_attribute("modification-date", leak_modified(leak).isoformat())
        note.add_reference(inc.uuid, "annotates")
        ev.add_object(_pin(note))
    return ev
