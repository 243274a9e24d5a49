"""Load and check the config directory, reporting *every* problem as `file:LINE: field: reason`.

Why the work is done on YAML nodes rather than plain dicts: pydantic reports a location as a
path of keys, and operators need a line number. We compose the YAML into nodes, remember the
line of every key and value, interpolate `${VAR}` on scalars (so a missing variable is reported
where it is written), then validate. Interpolated values are never logged: only variable names.
"""

from __future__ import annotations

import difflib
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from vigie.config.errors import ConfigError, ConfigProblem
from vigie.config.schema import GlobalConfig, OrganisationConfig, SourceConfig, Strict
from vigie.core.process import hold_env, product_env

__all__ = ["ConfigError", "ConfigProblem", "LoadedConfig", "check_config_dir", "load_config"]

_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")

Path_ = tuple[str | int, ...]
_M = TypeVar("_M", bound=BaseModel)

# A config is a few hundred values a few levels deep. YAML aliases repeat a node wherever they
# are written (ten lines of `&a [*b, *b, ...]` are 10^8 values: the loader ran for minutes) and a
# node may hold itself (`&a [*a]`): both are reported as problems past these bounds.
_MAX_DEPTH = 64
_MAX_VALUES = 100_000


class _TooBig(Exception):
    """The document is nested deeper than `_MAX_DEPTH` or expands past `_MAX_VALUES` values."""

    def __init__(self, node: yaml.Node, reason: str) -> None:
        super().__init__(reason)
        self.line = node.start_mark.line + 1


@dataclass
class LoadedConfig:
    directory: Path
    global_config: GlobalConfig
    sources: dict[str, SourceConfig] = field(default_factory=dict)
    organisations: dict[str, OrganisationConfig] = field(default_factory=dict)
    source_files: dict[str, Path] = field(default_factory=dict)
    organisation_files: dict[str, Path] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# YAML -> python values with a line map
# --------------------------------------------------------------------------------------------


class _Doc:
    def __init__(self, display: str) -> None:
        self.display = display
        self.lines: dict[Path_, int] = {}
        self.key_lines: dict[Path_, int] = {}
        self.problems: list[ConfigProblem] = []
        # value path -> (variable, was it set) for every `${VAR}` in that value: a refused value
        # then says which variable to set, never what it holds
        self.env_vars: dict[Path_, list[tuple[str, bool]]] = {}
        # values holding a `${VAR}` that is unset and has no default: already reported as such,
        # so what the model then says of the emptied value would only repeat it, wrongly
        self.unset: set[Path_] = set()
        self.values = 0  # nodes turned into values so far (aliases count each time they are used)
        # the scalar constructor of this file only: a constructor keeps every node it built (and
        # through their marks the file's whole text, secrets included) until it is dropped; one
        # shared by every load kept them all, and a service reloading its config grew each time
        self.constructor: _Constructor | None = None

    def line_for(self, loc: Path_) -> int:
        """The line of the deepest part of `loc` that exists in the file (1 if none)."""
        for cut in range(len(loc), -1, -1):
            prefix = loc[:cut]
            if prefix in self.key_lines:
                return self.key_lines[prefix]
            if prefix in self.lines:
                return self.lines[prefix]
        return 1

    def to_python(self, node: yaml.Node, path: Path_, env: dict[str, str]) -> Any:
        self.lines[path] = node.start_mark.line + 1
        self.values += 1
        if self.values > _MAX_VALUES:
            raise _TooBig(node, f"expands to more than {_MAX_VALUES} values (YAML aliases repeated?)")
        if len(path) > _MAX_DEPTH:
            raise _TooBig(node, f"nested deeper than {_MAX_DEPTH} levels (or an alias holds itself)")
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):  # `? [a, b]`: a key must be a name
                    self.problems.append(ConfigProblem(
                        self.display, key_node.start_mark.line + 1, _dotted(path) or "(document)",
                        "a key must be a plain name, not a list or a mapping"))
                    continue
                key = key_node.value
                sub = (*path, key)
                if key in out:
                    self.problems.append(ConfigProblem(
                        self.display, key_node.start_mark.line + 1, _dotted(sub),
                        "duplicate key (the later one would silently win)",
                    ))
                self.key_lines[sub] = key_node.start_mark.line + 1
                out[key] = self.to_python(value_node, sub, env)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.to_python(v, (*path, i), env) for i, v in enumerate(node.value)]
        if self.constructor is None:
            self.constructor = _Constructor()
        value = yaml.SafeLoader.construct_object(self.constructor, node)
        if isinstance(value, str) and "${" in value:
            value = self._interpolate(value, path, node.start_mark.line + 1, env)
        return value

    def _interpolate(self, text: str, path: Path_, line: int, env: dict[str, str]) -> str:
        def repl(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            self.env_vars.setdefault(path, []).append((name, name in env))
            if name in env:
                return env[name]
            if default is not None:
                return default
            self.unset.add(path)
            self.problems.append(ConfigProblem(
                self.display, line, _dotted(path),
                f"environment variable ${{{name}}} is not set "
                f"(export {name}=... or write ${{{name}:-default}})",
            ))
            return ""

        return _ENV_RE.sub(repl, text)


class _Constructor(yaml.SafeLoader):
    def __init__(self) -> None:  # no stream: only used to construct scalars
        yaml.SafeLoader.__init__(self, "")


def _dotted(loc: Path_) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "(document)"


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_yaml(path: Path, base: Path, env: dict[str, str]) -> tuple[_Doc, Any]:
    doc = _Doc(_display(path, base))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        doc.problems.append(ConfigProblem(doc.display, 1, "(file)", f"not UTF-8: {exc}"))
        return doc, None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(filter(None, [exc.context, exc.problem]))
        doc.problems.append(ConfigProblem(doc.display, line, "(yaml)", f"YAML syntax error: {reason}"))
        return doc, None
    except yaml.reader.ReaderError as exc:  # a control character: YAML refuses it before parsing
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        doc.problems.append(ConfigProblem(doc.display, line, "(yaml)", f"YAML syntax error: character "
                                          f"#x{exc.character:04x} is not allowed in YAML (column {column})"))
        return doc, None
    except RecursionError:  # the composer recurses once per level
        doc.problems.append(ConfigProblem(doc.display, 1, "(yaml)", f"nested deeper than {_MAX_DEPTH} levels"))
        return doc, None
    if node is None:
        return doc, {}
    try:
        data = doc.to_python(node, (), env)
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        doc.problems.append(ConfigProblem(doc.display, line, "(yaml)", str(exc.problem)))
        return doc, None
    except _TooBig as exc:
        doc.problems.append(ConfigProblem(doc.display, exc.line, "(yaml)", str(exc)))
        return doc, None
    if not isinstance(data, dict):
        doc.problems.append(ConfigProblem(doc.display, 1, "(document)", "expected a mapping of keys"))
        return doc, None
    return doc, data


# --------------------------------------------------------------------------------------------
# Validation -> problems
# --------------------------------------------------------------------------------------------


def _model_at(model: type[BaseModel], loc: Path_) -> type[BaseModel] | None:
    """Walk the schema along `loc` to find the model that owns the last key."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    import typing

    args = typing.get_args(annotation)
    if not args:
        return annotation
    for arg in args:
        inner = _unwrap(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return annotation


def _validate(model: type[_M], data: dict[str, Any], doc: _Doc) -> _M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            # pydantic adds union-member names (e.g. 'str', 'function-after[...]') to loc: drop them
            loc = tuple(p for p in loc if isinstance(p, int) or p in _keys_on_path(data, loc) or p not in _NOISE)
            if loc in doc.unset:
                continue  # "environment variable ${X} is not set" already says what to fix
            reason = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                owner = _model_at(model, loc[:-1])
                removed = owner.removed_fields if owner is not None and issubclass(owner, Strict) else {}
                choices = list(owner.model_fields) if owner else []
                close = difflib.get_close_matches(str(loc[-1]), choices, n=1, cutoff=0.5)
                if str(loc[-1]) in removed:
                    reason = f"{loc[-1]!r} {removed[str(loc[-1])]}"
                else:
                    reason = f"unknown key {loc[-1]!r}" + (f"; did you mean {close[0]!r}?" if close else
                             f"; valid keys: {', '.join(choices)}" if choices else "")
            elif err["type"] == "missing":
                reason = "required field is missing"
            elif err["type"] == "literal_error":
                reason = f"{reason} (got {err.get('input')!r})"
            doc.problems.append(ConfigProblem(doc.display, doc.line_for(loc), _dotted(loc),
                                              reason + _env_hint(doc.env_vars.get(loc, []))))
        return None


def _env_hint(variables: list[tuple[str, bool]]) -> str:
    """Point a refused `${VAR}` value at the variable, so the fix is an export, not a file edit."""
    unset = [name for name, is_set in variables if not is_set]
    if unset:
        return "".join(f" (${{{name}}} is not set, so the file's default was used: export {name}=...)"
                       for name in unset)
    return "".join(f" (the value comes from ${{{name}}})" for name, _ in variables)


_NOISE = {"str", "int", "float", "bool", "list", "dict", "lax-or-strict", "json-or-python", "none"}


def _keys_on_path(data: Any, loc: Path_) -> set[str]:
    keys: set[str] = set()
    current = data
    for part in loc:
        if isinstance(current, dict):
            keys.update(str(k) for k in current)
            current = current.get(part) if isinstance(part, str) else None
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            break
    return keys


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def _writable_by_others(directory: Path) -> list[ConfigProblem]:
    """The config paths other local users can write: the directory, `sources/`,
    `organisations/`, `vigie.yaml` and every YAML file in them (symbolic links judged by what
    they point to).

    Why: the configuration says where alerts go (an organisation's webhook URL and secret, its
    e-mail addresses) and what is crawled how. Whoever can write one of these files, or add a
    file to one of these directories (a sticky bit does not stop that), redirects an
    organisation's alerts to a receiver of their own or subscribes an organisation of their own,
    so such a configuration is refused rather than loaded. Group-writable stays allowed: a group
    of operators editing the config is the operator's choice (umask 002)."""
    paths = [directory, directory / "vigie.yaml"]
    for kind in ("sources", "organisations"):
        sub = directory / kind
        if sub.is_dir():
            paths += [sub, *sorted(sub.glob("*.y*ml"))]
    problems = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        if st.st_mode & stat.S_IWOTH:
            shown = path.resolve()
            problems.append(ConfigProblem(str(shown), 1, "(permissions)",
                                          f"{shown} is writable by other users, who could change where alerts go or "
                                          f"what is crawled: refused; run: chmod o-w {shown}"))
    return problems


def check_config_dir(
    directory: Path | str, env: dict[str, str] | None = None
) -> tuple[LoadedConfig | None, list[ConfigProblem]]:
    """Load every file under `directory`; return the config (None if any problem) and problems."""
    directory = Path(directory)
    if env is None:  # the process's: the variables the config reads leave it (vigie.core.process.hold_env)
        process_env = _ReadEnv(product_env())
        try:
            return _check_config_dir(directory, process_env)
        finally:
            hold_env(process_env.read)
    return _check_config_dir(directory, env)


class _ReadEnv(dict[str, str]):
    """An environment that remembers which variables were looked up (`${NAME}` values)."""

    def __init__(self, base: dict[str, str]) -> None:
        super().__init__(base)
        self.read: set[str] = set()

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self.read.add(name)
        return super().__contains__(name)


def _check_config_dir(directory: Path, env: dict[str, str]) -> tuple[LoadedConfig | None, list[ConfigProblem]]:
    problems: list[ConfigProblem] = []
    if not directory.is_dir():
        return None, [ConfigProblem(str(directory), 1, "(directory)",
                                    f"config directory {directory.resolve()} not found; pass --config DIR "
                                    "or set VIGIE_CONFIG (the repo ships config/)")]

    problems = _writable_by_others(directory)
    global_path = directory / "vigie.yaml"
    global_config: GlobalConfig | None = GlobalConfig()
    if global_path.exists():
        doc, data = _read_yaml(global_path, directory, env)
        global_config = _validate(GlobalConfig, data, doc) if data is not None else None
        problems = _merge(problems, doc)

    loaded = LoadedConfig(directory=directory, global_config=global_config or GlobalConfig())
    problems = _load_kind(directory, "sources", SourceConfig, lambda s: s.name, "name",
                          loaded.sources, loaded.source_files, env, problems)
    problems = _load_kind(directory, "organisations", OrganisationConfig, lambda o: o.id, "id",
                          loaded.organisations, loaded.organisation_files, env, problems)

    for org_id, org in loaded.organisations.items():
        if org.channels.email and org.channels.email.enabled and loaded.global_config.alerts.smtp is None:
            doc_name = _display(loaded.organisation_files[org_id], directory)
            problems.append(ConfigProblem(
                doc_name, 1, "channels.email",
                "email channel is enabled but vigie.yaml has no alerts.smtp section",
            ))
    problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.field))
    return (None if problems or global_config is None else loaded), problems


def _load_kind(directory: Path, kind: str, model: type[_M], ident_of: Callable[[_M], str], key: str,
               target: dict[str, _M], files: dict[str, Path], env: dict[str, str],
               problems: list[ConfigProblem]) -> list[ConfigProblem]:
    """Load `<directory>/<kind>/*.yaml` into `target` by id; a source's name defaults to its file name."""
    for path in sorted((directory / kind).glob("*.y*ml")) if (directory / kind).is_dir() else []:
        if path.suffix not in (".yaml", ".yml"):
            continue
        doc, data = _read_yaml(path, directory, env)
        if data is not None:
            if kind == "sources":
                data.setdefault(key, path.stem)
            obj = _validate(model, data, doc)
            if obj is not None:
                ident = ident_of(obj)
                if ident in target:
                    doc.problems.append(ConfigProblem(
                        doc.display, doc.line_for((key,)), key,
                        f"{key} {ident!r} is already used by {_display(files[ident], directory)}",
                    ))
                else:
                    target[ident] = obj
                    files[ident] = path
        problems = _merge(problems, doc)
    return problems


def _merge(problems: list[ConfigProblem], doc: _Doc) -> list[ConfigProblem]:
    out = list(problems)
    for p in doc.problems:
        if p not in out:
            out.append(p)
    return out


def load_config(directory: Path | str, env: dict[str, str] | None = None) -> LoadedConfig:
    """Load the config or raise `ConfigError` listing every problem."""
    loaded, problems = check_config_dir(directory, env)
    if problems or loaded is None:
        raise ConfigError(problems)
    return loaded
