"""Article 9's coded concepts are searched (`_CODED`, Python `re`) only in a text that holds the
literals every match holds (`article9._may_hold_codes`): a quote, "code", "system" and a piece of
a system's name. A JSON dump that merely held "icd" cost ~10 ms of searching for nothing."""

from __future__ import annotations

import random

import pytest

from indexer import article9

_PIECES = [
    '{"system": "http://hl7.org/fhir/sid/icd-10", "code": "B24"}',
    '<code code="B20" codeSystem="2.16.840.1.113883.6.3"/>',
    '<coding><system value="http://snomed.info/sct"/><code value="86406008"/></coding>',
    '{"code": "76690-7", "system": "http://loinc.org"}',
    '"system": "http://terminology.hl7.org/CodeSystem/v3-ReligiousAffiliation", "code": "1013"',
    '"code" : "F32.1" , "system":"urn:oid:2.16.840.1.113883.6.90"',
    "code",
    "system",
    "codesystem",
    '"',
    "=",
    ":",
    " ",
    "value",
    "icd-10",
    "cim-10",
    "113883",
    "loinc.org",
    "snomed.info/sct",
    "religi",
    "{",
    "}",
    "[",
    "<",
    "/>",
    "\n",
    "x",
    "B24",
    "Z",
    "é",
]


def _texts(n: int) -> list[str]:
    r = random.Random(24)
    out = []
    for _ in range(n):
        text = "".join(r.choice(_PIECES) for _ in range(r.randint(1, 14)))
        if r.random() < 0.5 and len(text) > 4:  # a piece cut out anywhere
            a = r.randrange(len(text))
            text = text[:a] + text[a + r.randint(1, 12) :]
        out.append(text)
    return out


def test_no_match_outside_the_gate() -> None:
    """Where the gate says no, `_CODED` finds nothing; where it finds something, the gate said yes."""
    matched = 0
    for text in _texts(4000):
        low = text.lower()
        found = article9._CODED.search(low) is not None
        if not article9._may_hold_codes(low):
            assert not found, text
        matched += found
    assert matched > 300  # (the texts do hold coded concepts)


def test_a_dump_holding_icd_is_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON dump holding "icd" and quotes but no coding: `_code_flags` is not called (it was)."""
    calls: list[int] = []
    real = article9._code_flags

    def spy(text: str, *a: object) -> None:
        calls.append(len(text))
        real(text, *a)  # type: ignore[arg-type]

    monkeypatch.setattr(article9, "_code_flags", spy)
    rows = [f'{{"email": "u{k}@example.net", "nom": "Picdoux", "note": "rdv: {k}"}}\n' for k in range(50)]
    assert article9.scan_article9("".join(rows)) == []
    assert calls == []
    fhir = (
        '{"resourceType": "Condition", "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", '
        '"code": "B24"}]}}'
    )
    flags = article9.scan_article9(fhir)
    assert calls and [f.category for f in flags] == ["health"]
