"""Generate the configuration reference (docs/configuration.md) from the pydantic schema.

Why generated: a hand-written reference drifts from the schema the day a field is added, and an
operator then trusts a page that is wrong. Here every row comes from the model itself (type,
constraints, default, `description=`), examples come from `Field(examples=...)` or else from the
shipped example files in `config/`, and tests/test_config_reference.py fails when the committed
page differs from a fresh run. `document()` renders any one model, so other pages (e.g. a sources
guide) can be generated the same way.

    python -m vigie.config.reference --write          # rewrite docs/configuration.md
    python -m vigie.config.reference --check          # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import annotated_types
import yaml
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from vigie.config.schema import GlobalConfig, Informational, OrganisationConfig, SourceConfig, Strict, ValueKind

__all__ = ["FILE_KINDS", "FieldDoc", "FileKind", "document", "iter_fields", "main", "render_reference"]

DEFAULT_OUTPUT = Path("docs/configuration.md")


@dataclass(frozen=True)
class FileKind:
    """One kind of config file: the model that validates it and where its examples are shipped."""

    title: str
    model: type[BaseModel]
    intro: str
    example_glob: str


@dataclass(frozen=True)
class FieldDoc:
    """One field as the reference shows it; `section` is set when the field is itself a model."""

    path: str
    name: str
    type_name: str
    default: str
    description: str
    example: str | None
    informational: bool
    section: type[BaseModel] | None
    owner: type[BaseModel]


FILE_KINDS: tuple[FileKind, ...] = (
    FileKind(
        "config/vigie.yaml", GlobalConfig,
        "Settings of the whole installation. The file and every key in it are optional: a missing "
        "key takes the default shown.", "vigie.yaml",
    ),
    FileKind(
        "config/sources/<name>.yaml", SourceConfig,
        "One file per crawled site. The file name without `.yaml` is the source's name unless "
        "`name` says otherwise.", "sources/*.yaml",
    ),
    FileKind(
        "config/organisations/<id>.yaml", OrganisationConfig,
        "One file per subscribing organisation. Its identifiers are never written here: the "
        "organisation runs `vigie hash` on its own machine and the result is loaded with "
        "`vigie org register <id> prehashes.csv`.", "organisations/*.yaml",
    ),
)

_INTRO = """\
# Configuration reference

<!-- Generated from vigie/config/schema.py by `python -m vigie.config.reference --write`.
     Do not edit by hand: tests/test_config_reference.py fails when this page is out of date. -->

Vigie reads one directory of YAML files, `config/` in the repository, or the directory given
with `--config DIR` or the `VIGIE_CONFIG` environment variable:

```
config/
  vigie.yaml                  # the installation: storage, Tor, keys, alerts, service
  sources/<name>.yaml         # one per crawled site
  organisations/<id>.yaml     # one per subscribing organisation
```

Check a directory with `vigie config check config/`: it reports every problem at once as
`file:LINE: field: reason`. Unknown keys are errors (with the nearest valid key suggested), so a
misspelt setting never silently does nothing.

## Environment variables in values

Secrets are never written in these files. Any scalar value may refer to the environment:

- `${VAR}` is replaced by the variable's value; when `VAR` is not set, `vigie config check`
  reports the file, line and variable name.
- `${VAR:-default}` uses `default` when `VAR` is not set (`${VAR:-}` means empty).
- An empty value for an optional setting whose default is unset means "unset", so
  `password: ${VIGIE_ES_PASSWORD:-}` is valid whether or not the variable exists.

Only values are interpolated, never keys, and interpolated values are never logged: messages
name the variable, not its value. Keys can also come from the environment: `VIGIE_MATCH_KEY`
and `VIGIE_DATA_KEY` (hex) take precedence over `keys.match_key_file` and `keys.data_key_file`.

## Reading the tables

*Default* is the value used when the key is absent; *unset* means the feature is off or
derived as the description says; *required* keys have no default. Examples come from the
shipped files in `config/` or, for keys they leave out, from the schema. Durations and sizes
carry their unit in the key name (`_seconds`, `_bytes`).
"""


# --------------------------------------------------------------------------------------------
# The schema as rows
# --------------------------------------------------------------------------------------------


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _split_annotated(annotation: Any) -> tuple[Any, list[Any]]:
    if typing.get_origin(annotation) is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        inner, more = _split_annotated(base)
        return inner, [*more, *metadata]
    return annotation, []


def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (directly, optionally, or as list items) and whether it is a list."""
    inner, _ = _split_annotated(_strip_optional(annotation))
    if typing.get_origin(inner) is list:
        item, _ = _split_annotated(typing.get_args(inner)[0])
        return (item, True) if isinstance(item, type) and issubclass(item, BaseModel) else (None, False)
    return (inner, False) if isinstance(inner, type) and issubclass(inner, BaseModel) else (None, False)


_BASIC = {str: "string", int: "integer", float: "number", bool: "boolean", Path: "path",
          SecretStr: "secret string"}


def _constraints(metadata: Sequence[Any]) -> str:
    lower = upper = None
    notes: list[str] = []
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            lower = f"{item.ge}"
        elif isinstance(item, annotated_types.Gt):
            notes.append(f"> {item.gt}")
        elif isinstance(item, annotated_types.Le):
            upper = f"{item.le}"
        elif isinstance(item, annotated_types.MinLen):
            notes.append(f"at least {item.min_length} item{'s' if item.min_length != 1 else ''}")
    if lower is not None and upper is not None:
        notes.insert(0, f"{lower} to {upper}")
    elif lower is not None:
        notes.insert(0, f"≥ {lower}")
    elif upper is not None:
        notes.insert(0, f"≤ {upper}")
    return ", ".join(notes)


def describe_type(annotation: Any, metadata: Sequence[Any] = ()) -> str:
    """A reader's name for a field's type: `integer, 1 to 65535`, `list of selector`, ..."""
    inner, more = _split_annotated(_strip_optional(annotation))
    metadata = [*metadata, *more]
    kind = next((m for m in metadata if isinstance(m, ValueKind)), None)
    origin = typing.get_origin(inner)
    if kind is not None:
        text = kind.name
    elif origin is Literal:
        text = "one of " + ", ".join(f"`{v}`" for v in typing.get_args(inner))
    elif origin is list:
        text = "list of " + describe_type(typing.get_args(inner)[0])
    elif origin is dict:
        key, value = typing.get_args(inner)
        text = f"mapping of {describe_type(key)} to {describe_type(value)}"
    elif isinstance(inner, type) and issubclass(inner, BaseModel):
        text = "section"
    else:
        text = _BASIC.get(inner, getattr(inner, "__name__", str(inner)))
    limits = _constraints(metadata)
    return f"{text}, {limits}" if limits else text


def value_kinds(model: type[BaseModel]) -> dict[str, str]:
    """Every `ValueKind` used under `model`, for the glossary."""
    found: dict[str, str] = {}

    def visit(annotation: Any) -> None:
        inner, metadata = _split_annotated(annotation)
        for item in metadata:
            if isinstance(item, ValueKind):
                found[item.name] = item.meaning
        for arg in typing.get_args(inner):
            visit(arg)

    for doc in iter_fields(model):
        info = doc.owner.model_fields[doc.name]
        for item in info.metadata:
            if isinstance(item, ValueKind):
                found[item.name] = item.meaning
        visit(info.annotation)
    return found


def _yaml_inline(value: Any) -> str:
    if isinstance(value, Path):
        value = str(value)
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000, sort_keys=False)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True, validated_data={})
    if value is None or value is PydanticUndefined:
        return "unset"
    if isinstance(value, BaseModel):
        return ""
    return f"`{_yaml_inline(value)}`"


def _lookup(data: Any, parts: Sequence[str]) -> Any:
    current = data
    for part in parts:
        is_list = part.endswith("[]")
        key = part.removesuffix("[]")
        if not isinstance(current, dict) or key not in current:
            return None
        current = current[key]
        if is_list:
            current = current[0] if isinstance(current, list) and current else None
    return current


def iter_fields(model: type[BaseModel], prefix: str = "",
                example_files: Sequence[dict[str, Any]] = ()) -> Iterator[FieldDoc]:
    """Every field under `model`, depth first; list items of a model appear as `key[].field`."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        section, is_list = _model_of(info.annotation)
        example: str | None = None
        if section is None:
            if info.examples:
                example = _yaml_inline(info.examples[0])
            else:
                parts = path.split(".")
                found = next((v for v in (_lookup(d, parts) for d in example_files) if v is not None), None)
                example = None if found is None else _yaml_inline(found)
        yield FieldDoc(
            path=path + ("[]" if is_list else ""), name=name,
            type_name=describe_type(info.annotation, info.metadata) if section is None else
            ("list of sections" if is_list else "section"),
            default=_default(info), description=(info.description or "").strip(), example=example,
            informational=any(isinstance(m, Informational) for m in info.metadata), section=section,
            owner=model,
        )
        if section is not None:
            yield from iter_fields(section, f"{path}{'[]' if is_list else ''}.", example_files)


# --------------------------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def _own_doc(model: type[BaseModel]) -> str:
    doc = model.__dict__.get("__doc__") or ""
    return " ".join(doc.split())


def _table(rows: Sequence[FieldDoc], strip: str) -> list[str]:
    out = ["| Key | Type | Default | Meaning |", "|---|---|---|---|"]
    for row in rows:
        meaning = _sentence(row.description)
        if row.section is not None:
            meaning += f" See `{row.path}` below."
        if row.informational:
            meaning += " *Informational: kept for the operators' records, Vigie does not act on it.*"
        if row.example is not None:
            meaning += f" Example: `{row.example}`."
        key = row.path.removeprefix(strip)
        out.append(f"| `{_cell(key)}` | {_cell(row.type_name)} | {_cell(row.default)} | {_cell(meaning.strip())} |")
    return out


def document(kind: FileKind, examples: Sequence[dict[str, Any]] = (), heading_level: int = 2) -> str:
    """The Markdown of one file kind: a table per section, top-level keys first."""
    hashes = "#" * heading_level
    lines = [f"{hashes} `{kind.title}`", "", kind.intro, ""]
    rows = list(iter_fields(kind.model, "", examples))
    groups: dict[str, tuple[type[BaseModel], list[FieldDoc]]] = {"": (kind.model, [])}
    for row in rows:
        parent = row.path.rsplit(".", 1)[0] if "." in row.path else ""
        if row.section is not None:
            groups[row.path] = (row.section, [])
        groups[parent][1].append(row)
    for path, (model, members) in groups.items():
        title = "Top-level keys" if not path else f"`{path}`"
        lines += [f"{hashes}# {title}", ""]
        intro = _own_doc(model) if path else ""
        if intro:
            lines += [intro, ""]
        lines += _table(members, f"{path}." if path else "")
        removed = model.removed_fields if issubclass(model, Strict) else {}
        if removed:
            lines += ["", "Removed keys (an old file that still sets one is refused with this message):", ""]
            lines += [f"- `{key}` {message}." for key, message in sorted(removed.items())]
        lines.append("")
    return "\n".join(lines)


def _load_examples(config_dir: Path, pattern: str) -> list[dict[str, Any]]:
    """The shipped example files, raw (`${VAR}` kept: it shows how secrets are written)."""
    out: list[dict[str, Any]] = []
    for path in sorted(config_dir.glob(pattern)):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            out.append(data)
    return out


def render_reference(config_dir: Path = Path("config"), kinds: Sequence[FileKind] = FILE_KINDS) -> str:
    """The whole of docs/configuration.md."""
    parts = [_INTRO]
    glossary: dict[str, str] = {}
    for kind in kinds:
        glossary.update(value_kinds(kind.model))
    if glossary:
        parts.append("## Value types\n\nSome string values are checked when the file is loaded:\n")
        parts.append("\n".join(f"- **{name}**: {meaning}." for name, meaning in sorted(glossary.items())) + "\n")
    for kind in kinds:
        parts.append(document(kind, _load_examples(config_dir, kind.example_glob)))
    return "\n".join(parts).rstrip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the reference, or write it (`--write`), or check the committed one (`--check`)."""
    parser = argparse.ArgumentParser(prog="python -m vigie.config.reference", description=main.__doc__)
    parser.add_argument("--config", type=Path, default=Path("config"), help="directory of the example files")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", nargs="?", const=DEFAULT_OUTPUT, type=Path, metavar="PATH",
                        help=f"write the reference to PATH (default {DEFAULT_OUTPUT})")
    action.add_argument("--check", nargs="?", const=DEFAULT_OUTPUT, type=Path, metavar="PATH",
                        help="exit 1 if PATH differs from a fresh rendering")
    args = parser.parse_args(argv)
    text = render_reference(args.config)
    if args.write is not None:
        args.write.write_text(text, encoding="utf-8")
        return 0
    if args.check is not None:
        current = args.check.read_text(encoding="utf-8") if args.check.exists() else ""
        if current != text:
            print(f"{args.check} is out of date: run python -m vigie.config.reference --write", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
