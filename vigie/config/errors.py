"""The configuration's problems and the error that carries them: in a module of their own, which
imports nothing costly, so that the CLI's error boundary (vigie.cli) can catch `ConfigError` without
loading the config schema (pydantic builds its models at import) in every `vigie` process."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ConfigError", "ConfigProblem"]


@dataclass(frozen=True, order=True)
class ConfigProblem:
    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


class ConfigError(Exception):
    """Raised by `load_config` when the directory has problems; `problems` lists them all."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
