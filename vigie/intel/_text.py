"""The prose both formats carry (summary, timeline, tokens note), built once so STIX and MISP agree.

Nothing here reads a value of a person: counts, type names, source names, dates and provenance
that was masked when stored; URLs and titles are masked again on the way out (a store written by
an older version, or a bug upstream, must not turn an export into a leak of its own)."""

from __future__ import annotations

from indexer.leaks.models import LeakAppearance
from indexer.redact import mask_text, mask_url
from vigie.core.text import md_escape
from vigie.intel.model import LeakExport, as_utc

__all__ = ["appearance_url", "summary", "timeline", "tokens_text"]


def appearance_url(a: LeakAppearance) -> str | None:
    return mask_url(a.url) if a.url else None


def _types(counts: dict[str, int]) -> str:
    return ", ".join(f"{t} ({n})" for t, n in sorted(counts.items())) or "none"


def summary(x: LeakExport) -> str:
    leak = x.leak
    lines = [
        f"Leak {leak.id}: {leak.record_count} distinct records seen in {len(leak.appearances)} copies "
        f"on {len(leak.sources)} sources ({', '.join(leak.sources)}).",
        f"First seen {as_utc(leak.first_seen).isoformat()} on {leak.first_source}; largest copy: "
        f"{leak.largest_record_count} records.",
        f"Identifier types (distinct identifiers): {_types(leak.identifier_types)}.",
        f"GDPR article 9 categories: {', '.join(leak.categories) or 'none detected'}.",
    ]
    if x.recipient is not None:
        imp = x.recipient.impact
        lines.append(
            f"For {x.recipient.display_name} ({imp.org_id}): {imp.people} matched identifiers of your registered "
            f"people; types: {_types(imp.identifier_types)}; article 9: {', '.join(imp.categories) or 'none'}; "
            f"sources: {', '.join(imp.sources) or 'none'}; first alert {as_utc(imp.first_alert_at).isoformat()}.")
    lines.append("Vigie exports counts only: no identifier of any person is in this document.")
    return "\n".join(lines)


def timeline(x: LeakExport) -> str:
    """One row a copy: `seen | source | masked URL | masked title | records`. A title or URL is
    what a crawled site wrote: each cell is Markdown-escaped on one line (`md_escape`), so a
    line break cannot forge a row, a `|` a column, and `![x](http://...)` no image or link in
    a reader that renders a note as Markdown (OpenCTI shows a Note's content so) and would
    fetch the attacker's URL from the analyst's browser."""
    rows = []
    for a in x.leak.appearances:
        seen = a.seen_at
        title = mask_text(a.thread_title) if a.thread_title else None
        rows.append(" | ".join([
            as_utc(seen).isoformat() if seen else "date unknown", md_escape(a.source),
            md_escape(appearance_url(a) or "-"), md_escape(title or "-"), f"{a.record_count} records"]))
    return "\n".join(rows)


def tokens_text(x: LeakExport) -> str | None:
    """The recipient's own keyed tokens, one `type token` per line (None without a recipient)."""
    if x.recipient is None or not x.recipient.tokens:
        return None
    head = (f"Keyed tokens (Vigie v1 tokens) of identifiers registered by {x.recipient.org_id} that appear in this "
            "leak; look them up in your own registration records.")
    return "\n".join([head, *(f"{t} {tok}" for t, toks in x.recipient.tokens.items() for tok in toks)])
