"""jCard (RFC 7095): vCards written as JSON arrays, read as the records they are.

A contacts API or a CardDAV client's cache writes each card as `["vcard", [["fn", {}, "text",
"Anne Roux"], ["bday", {}, "date", "1984-03-15"], ["tel", {"type": "cell"}, "uri", "tel:+33..."],
["email", {}, "text", "a@b.fr"]]]`: arrays of arrays, no object, no key. The JSON readers type a
value by its key and look for records among objects, so a jCard export gave nothing (blind set 9b).
`rewrite` gives each line holding jCards as the same cards written as objects keyed by their
properties' names (`{"full_name": "Anne Roux", "bday": "1984-03-15", "tel": "tel:+33...", ...}`),
which the JSON readers type as a vCard's properties are typed (`records._VCARD_ROLES`). Line for
line: fragments keep the input's line numbers; a whole text that is one jCard value written over
several lines (`json.dumps(cards, indent=2)`) becomes its records on its first line and as many
empty lines as it had. The same for both engines: the text is rewritten before either reads it.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["NEEDLES", "rewrite"]

NEEDLES = (rb'\["vcard"', rb'\[\s*"vcard"')  # (`firstlook`'s JCARD bit)
_MAX_CARDS = 100_000
# a property's name as the readers type it (vCard's FN is a full name; the others keep their names)
_NAMES = {"fn": "full_name", "adr": "address", "n": "structured_name"}
_KEEP = frozenset({"fn", "n", "bday", "tel", "email", "adr", "nickname", "note", "org", "title", "url", "gender"})


def _card(props: list[Any]) -> dict[str, str] | None:
    """A jCard's properties as one object, or None when `props` is no list of properties."""
    out: dict[str, str] = {}
    for p in props:
        if not (isinstance(p, list) and len(p) >= 4 and isinstance(p[0], str) and isinstance(p[1], dict)
                and isinstance(p[2], str)):
            return None
        name = p[0].lower()
        if name not in _KEEP:
            continue
        vals = [v if isinstance(v, str) else " ".join(x for x in v if isinstance(x, str)) if isinstance(v, list) else ""
                for v in p[3:]]
        value = " ".join(v for v in vals if v).strip()
        key = _NAMES.get(name, name)
        if value:
            k, n = key, 1
            while k in out:  # a second phone or address: its own key (`tel_2`)
                n += 1
                k = f"{key}_{n}"
            out[k] = value
    return out or None


def _cards(obj: Any, out: list[dict[str, str]], depth: int = 0) -> None:
    if depth > 4 or len(out) >= _MAX_CARDS:
        return
    if isinstance(obj, dict):  # an API's wrapper (`{"cards": [...]}`)
        for v in obj.values():
            _cards(v, out, depth + 1)
        return
    if not isinstance(obj, list):
        return
    if len(obj) >= 2 and obj[0] == "vcard" and isinstance(obj[1], list):
        card = _card(obj[1])
        if card is not None:
            out.append(card)
        return
    for x in obj:
        _cards(x, out, depth + 1)


def _read(t: str) -> list[dict[str, str]] | None:
    try:
        obj = json.loads(t)
    except (ValueError, RecursionError):
        return None
    out: list[dict[str, str]] = []
    _cards(obj, out)
    return out or None


def rewrite(text: str) -> str | None:
    """`text` with its jCards written as objects (see the module), or None when it holds none."""
    if '"vcard"' not in text:
        return None
    whole = text.strip()
    if "\n" in whole and whole[:1] in "[{" and (cards := _read(whole)) is not None:
        lead = text[: len(text) - len(text.lstrip())]
        return lead + json.dumps(cards, ensure_ascii=False) + "\n" * whole.count("\n") + text[len(lead) + len(whole):]
    lines = text.split("\n")
    n = 0
    for k, line in enumerate(lines):
        if '"vcard"' not in line:
            continue
        t = line.strip().rstrip(",")
        if t[:1] not in "[{" or (cards := _read(t)) is None:
            continue
        lines[k] = json.dumps(cards if len(cards) > 1 else cards[0], ensure_ascii=False)
        n += 1
    return "\n".join(lines) if n else None
