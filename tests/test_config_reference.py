"""The configuration reference cannot drift, and no setting can be accepted yet do nothing.

Like datasette's tests/test_docs.py: (a) docs/configuration.md is exactly what the generator
writes from the schema today; (b) every field has a description, so every row means something;
(c) every field name is read somewhere in the product code (an attribute access found with
`ast`, not a text search, so comments and strings do not count). Fields marked INFORMATIONAL
(notes for operators, said so in the reference) are the only exemption.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from pydantic import BaseModel, Field

from vigie.config.reference import FILE_KINDS, FieldDoc, FileKind, iter_fields, render_reference
from vigie.config.schema import Strict

REPO = Path(__file__).resolve().parents[1]
PRODUCT = ("crawler", "indexer", "alerts", "vigie")
# the schema declares the fields and the generator describes them: neither counts as a use
NOT_USES = {REPO / "vigie" / "config" / "schema.py", REPO / "vigie" / "config" / "reference.py"}


def attributes_read(roots: Iterable[Path], skip: set[Path]) -> set[str]:
    """Every `.name` in an attribute access under `roots`."""
    names: set[str] = set()
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if path in skip:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            names.update(node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute))
    return names


def undocumented(model: type[BaseModel]) -> list[str]:
    return [f.path for f in iter_fields(model) if not f.description]


def unread(model: type[BaseModel], read: set[str]) -> list[str]:
    return [f.path for f in iter_fields(model) if not f.informational and f.name not in read]


def all_fields() -> list[tuple[str, FieldDoc]]:
    return [(kind.title, f) for kind in FILE_KINDS for f in iter_fields(kind.model)]


# --- (a) the committed reference is current ----------------------------------------------------


def test_reference_is_up_to_date() -> None:
    committed = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    fresh = render_reference(REPO / "config")
    assert committed == fresh, (
        "docs/configuration.md is out of date: run `python -m vigie.config.reference --write`"
    )


def test_reference_lists_every_field_with_its_file() -> None:
    text = render_reference(REPO / "config")
    for kind in FILE_KINDS:
        assert f"## `{kind.title}`" in text
    for _, field in all_fields():
        assert f"| `{field.name}" in text or f"| `{field.name}[]`" in text, field.path
    assert "${VAR:-default}" in text


def test_check_flag_fails_on_a_stale_page(tmp_path: Path) -> None:
    stale = tmp_path / "configuration.md"
    stale.write_text((REPO / "docs" / "configuration.md").read_text(encoding="utf-8").replace(
        "Timeout of one webhook POST.", "Timeout."), encoding="utf-8")
    args = [sys.executable, "-m", "vigie.config.reference", "--config", str(REPO / "config"), "--check"]
    bad = subprocess.run([*args, str(stale)], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert bad.returncode == 1 and "out of date" in bad.stderr
    good = subprocess.run([*args, str(REPO / "docs" / "configuration.md")], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    assert good.returncode == 0, good.stderr


def test_examples_come_from_the_shipped_files() -> None:
    text = render_reference(REPO / "config")
    # set only in config/sources/example-paste.yaml, and not in the schema's examples
    assert "Example: `/p/([A-Za-z0-9]+)`" in text
    # secrets are shown as the shipped files write them: an environment reference, not a value
    assert "Example: `${EXAMPLE_ORG_WEBHOOK_SECRET:-replace-with-a-long-random-secret}`" in text


# --- (b) every field is documented -------------------------------------------------------------


def test_every_field_has_a_description() -> None:
    missing = [f"{title}: {f.path}" for title, f in all_fields() if not f.description]
    assert not missing, "fields without Field(description=...) in vigie/config/schema.py:\n" + "\n".join(missing)


def test_a_field_without_description_is_caught() -> None:
    class Probe(Strict):
        documented: int = Field(default=1, description="has one")
        bare: int = 2

    assert undocumented(Probe) == ["bare"]


# --- (c) every field is read by the product ------------------------------------------------------


def test_every_field_is_read_by_the_product() -> None:
    read = attributes_read((REPO / p for p in PRODUCT), NOT_USES)
    dead = [f"{kind.title}: {path}" for kind in FILE_KINDS for path in unread(kind.model, read)]
    assert not dead, ("settings that no product code reads (implement them, remove them, or mark "
                      "them INFORMATIONAL if they are notes for operators):\n" + "\n".join(dead))


def test_an_unread_field_is_caught(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(
        "def f(cfg):\n    # cfg.zz_in_a_comment\n    print('cfg.zz_in_a_string')\n    return cfg.zz_read\n",
        encoding="utf-8")

    class Probe(Strict):
        zz_read: int = Field(default=1, description="read by mod.py")
        zz_in_a_comment: int = Field(default=2, description="named only in a comment")
        zz_in_a_string: int = Field(default=3, description="named only in a string")

    read = attributes_read([tmp_path], set())
    assert unread(Probe, read) == ["zz_in_a_comment", "zz_in_a_string"]


@pytest.mark.parametrize("kind", FILE_KINDS, ids=lambda k: k.title)
def test_removed_fields_are_not_fields(kind: FileKind) -> None:
    """A key listed as removed must really be gone, or the 'was removed' message would lie."""
    models = [kind.model, *(f.section for f in iter_fields(kind.model) if f.section is not None)]
    for model in models:
        removed = model.removed_fields if issubclass(model, Strict) else {}
        assert not set(removed) & set(model.model_fields), model.__name__
