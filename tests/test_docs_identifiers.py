"""docs/identifiers.md is what organisations and analysts read to know how a value they register
or search will be written: its table of types must cover every type Vigie tokenises, and each of
its examples must be what `canonical_forms` gives today (a rule changed without its doc fails
here, as an undocumented setting fails the configuration docs' tests)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.identifiers import canonical_forms
from indexer.models import IDENTIFIER_TYPES

DOC = Path(__file__).resolve().parent.parent / "docs" / "identifiers.md"
TEXT = DOC.read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = TEXT.index(f"## {title}\n")
    end = TEXT.find("\n## ", start + 1)
    return TEXT[start:end if end != -1 else None]


def _examples() -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in _section("Examples").splitlines():
        m = re.fullmatch(r"\| ([a-z_]+) \| `([^`]*)` \| (.+) \|", line)
        if m is None:
            continue
        kind, raw, out = m.groups()
        rows.append((kind, raw, [] if out == "refused" else re.findall(r"`([^`]*)`", out)))
    return rows


EXAMPLES = _examples()


def test_every_tokenised_type_has_a_row_in_the_types_table() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+)`(?: / `([a-z_]+)`)? \|", _section("The types"), re.M))
    names = {n for pair in documented for n in pair if n}
    missing = sorted(set(IDENTIFIER_TYPES) - names)
    assert not missing, f"docs/identifiers.md's table of types lacks {missing}"
    assert "national_id" in names


def test_the_examples_table_was_read() -> None:
    # the parser above must see the table (a reformatted table would silently test nothing)
    assert len(EXAMPLES) >= 35
    assert {kind for kind, _, _ in EXAMPLES} >= {"email", "phone", "nir", "iban", "card", "dob"}
    assert sum(1 for _, _, out in EXAMPLES if not out) >= 8


@pytest.mark.parametrize(("kind", "raw", "expected"), EXAMPLES, ids=[f"{k}:{r}" for k, r, _ in EXAMPLES])
def test_each_example_is_what_vigie_makes_of_it(kind: str, raw: str, expected: list[str]) -> None:
    assert canonical_forms(kind, raw) == expected


def test_product_code_cites_the_docs_not_the_reference_outside_the_repository() -> None:
    root = DOC.parent.parent
    cited = [str(p.relative_to(root)) for d in ("indexer", "crawler", "alerts", "vigie")
             for p in (root / d).rglob("*.py") if "shared/reference" in p.read_text(encoding="utf-8")]
    assert not cited, f"product code cites ../shared/ (facts it relies on belong in docs/): {cited}"
