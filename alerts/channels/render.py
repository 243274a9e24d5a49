"""Alert payloads -> email subject, plain text, HTML and webhook JSON. One place, so that the
two channels say the same thing.

Titles, authors, boards, file names, victim names and URLs are what crawled sites wrote: every
value goes into a `Label: value` row on one line (`vigie.core.text.one_line`), so a line break in
a thread title cannot add rows of its own to the e-mail (a fake `Severity: LOW`, a fake `URL:`
row pointing at the attacker's page), and no control character or bidirectional override
reaches the reader; the HTML part escapes the same text (`html.escape`). The webhook carries the
same cleaned text (`clean_payload`): a receiver shows its fields too (a ticket, a chat message,
a terminal), and got an ESC sequence or a right-to-left override in a file name as it was.
"""

from __future__ import annotations

import html
import json
from typing import Any

from indexer.models import PROVENANCE_FIELDS, Severity
from vigie.core.text import one_line, plain

__all__ = ["clean_payload", "digest_body", "email_parts", "webhook_body"]


def _matched(p: dict[str, Any]) -> str:
    return ", ".join(f"{n} {t}" for t, n in p["matched"].items()) or "none"


# One label per provenance field (what the recipient reads), in the order shown; a field added to
# `Provenance` without a label here fails at import, so the email never silently drops it.
_PROVENANCE_LABELS: dict[str, str] = {
    "source": "Source",
    "url": "URL",
    "thread_title": "Thread",
    "thread_url": "Thread URL",
    "board": "Board",
    "author": "Author",
    "posted_at": "Posted",
    "fetched_at": "Seen",
    "filename": "File",
}
if set(_PROVENANCE_LABELS) != set(PROVENANCE_FIELDS):
    raise ImportError(f"alerts.channels.render: label the provenance fields "
                      f"{sorted(set(PROVENANCE_FIELDS) ^ set(_PROVENANCE_LABELS))} in _PROVENANCE_LABELS")


def _watch_lines(p: dict[str, Any]) -> list[tuple[str, str]]:
    """A watchlist alert (alerts.watchlist): the organisation's own name on a leak site or a channel."""
    rows = [("Alert", p["title"]), ("Watched term", f"{p['watch_term']} ({p['watch_term_kind']})"),
            ("Source", p["source"]), ("URL", p.get("url") or "-")]
    if p["watch_kind"] == "victim":
        rows += [("Victim", f"{p['victim_name']} ({p.get('victim_domain') or '-'})"), ("Status", p["status"]),
                 ("Announced", p.get("announced_at") or "-"), ("Countdown / publication", p.get("deadline_at") or "-"),
                 ("Files listed", str(p.get("files", 0)))]
    else:
        rows += [("Thread", p.get("thread_title") or "-"), ("Posted", p.get("posted_at") or "-")]
    return [*rows, ("Severity", p["severity"].upper()), ("Alert id", p["alert_id"])]


def _lines(p: dict[str, Any]) -> list[tuple[str, str]]:
    if "watch_kind" in p:
        return _watch_lines(p)
    if "leak_id" in p:  # an alert per leak: the leak, where the organisation's people appear
        head = [
            ("Leak", p["leak_id"]),
            ("Alert", "update: the leak has spread" if p["alert_kind"] == "update" else "new leak"),
            ("Leak first seen", p.get("leak_first_seen") or "-"),
            ("Sources holding your people", ", ".join(p["leak_sources"]) or "-"),
        ]
        if p["alert_kind"] == "update":
            head += [("New sources", ", ".join(p["new_sources"]) or "none"),
                     ("Your people", f"{p['people_before']} -> {p['people']}")]
        where = [("Evidence copy", f"{p['kind']} (lines {p['lines'][0]}-{p['lines'][1]})"),
                 # the GDPR art. 33/34 drafts for this leak, from the operator (alerts.response)
                 ("Breach-response pack",
                  f"vigie leak pack {p['leak_id']} --org {p['organisation']} --lang fr|en --format md|pdf")]
    else:
        head = []
        where = [("Fragment", f"{p['kind']} (lines {p['lines'][0]}-{p['lines'][1]}), id {p['fragment_id']}")]
    return [
        *head,
        ("Severity", p["severity"].upper()),
        ("Your identifiers found", f"{p['matched_total']} ({_matched(p)})"),
        ("Special categories (GDPR art. 9)", ", ".join(p["categories"]) or "none"),
        *((label, p.get(name) or "-") for name, label in _PROVENANCE_LABELS.items()),
        *where,
        ("Alert id", p["alert_id"]),
    ]


def _subject_one(p: dict[str, Any]) -> str:
    return one_line(_subject_text(p))


def _subject_text(p: dict[str, Any]) -> str:
    if "watch_kind" in p:
        what = p.get("victim_name") or p["watch_term"]
        return f"[Vigie][{p['severity'].upper()}] {what}: {p['title']}"
    if "leak_id" in p:
        what = "leak spread" if p["alert_kind"] == "update" else "in leak"
        return (f"[Vigie][{p['severity'].upper()}] {p['matched_total']} of your people {what} "
                f"{p['leak_id']} (seen on {', '.join(p['leak_sources'])})")
    return (f"[Vigie][{p['severity'].upper()}] {p['matched_total']} of your identifiers in a leak "
            f"on {p['source']} ({p['kind']})")


def email_parts(payloads: list[dict[str, Any]], policy: str = "immediate") -> tuple[str, str, str]:
    """(subject, text, html) for one alert or a digest of several."""
    org = payloads[0]["organisation_name"]
    if len(payloads) == 1 and policy == "immediate":
        subject = _subject_one(payloads[0])
    else:
        top = max(Severity[p["severity"]] for p in payloads).name.upper()
        total = sum(p["matched_total"] for p in payloads)
        subject = (f"[Vigie][{top}] {policy} digest: {len(payloads)} alert(s), "
                   f"{total} of your identifiers")
    intro = (f"Vigie found identifiers registered by {org} in leaked data. The excerpts below are "
             "redacted. Consider GDPR articles 33 (notify the CNIL within 72 hours) and 34 "
             "(inform the people concerned when the risk is high).")
    text = [intro, ""]
    parts = [f"<p>{html.escape(intro)}</p>"]
    for p in payloads:
        text.append(_subject_one(p))
        rows = [(k, one_line(str(v))) for k, v in _lines(p)]
        excerpt = plain(p["excerpt"])
        text += [f"  {k}: {v}" for k, v in rows]
        text += ["  Excerpt (redacted):", *("    " + ln for ln in excerpt.splitlines()), ""]
        cells = "".join(f"<tr><th align='left'>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                        for k, v in rows)
        parts.append(f"<h3>{html.escape(_subject_one(p))}</h3><table>{cells}</table>"
                     f"<pre>{html.escape(excerpt)}</pre>")
    body_html = f"<html><body>{''.join(parts)}</body></html>"
    return subject, "\n".join(text), body_html


def clean_payload(value: Any, name: str = "") -> Any:
    """`value` (an alert payload) with every text as the e-mail shows it: the excerpt's lines kept
    (`plain`), every other text on one line (`one_line`); ids, dates and masked URLs are unchanged."""
    if isinstance(value, str):
        return plain(value) if name == "excerpt" else one_line(value)
    if isinstance(value, dict):
        return {k: clean_payload(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_payload(v, name) for v in value]
    return value


def webhook_body(payload: dict[str, Any]) -> bytes:
    return json.dumps({"type": "vigie.alert", "id": payload["alert_id"], "alert": clean_payload(payload)},
                      sort_keys=True, ensure_ascii=False).encode()


def digest_body(digest_id: str, policy: str, payloads: list[dict[str, Any]]) -> bytes:
    return json.dumps({"type": "vigie.digest", "id": digest_id, "policy": policy,
                       "alerts": [clean_payload(p) for p in payloads]}, sort_keys=True, ensure_ascii=False).encode()
