"""What the operators' pages need from the service, as a port the web does not implement itself.

Why a port: `vigie.web` and `vigie.service` are siblings in the layers (neither imports the
other). `vigie serve` (the CLI, above both) plugs the service's read-only status report in
(`vigie.cli.serve._ServiceOps`); tests plug in the same.

Requests to the service ("crawl now", "pause", "resume") are files the service polls: see
`vigie.control`, which both sides share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from vigie.control import REQUESTS_DIR, RequestKind, pending_requests, write_request

__all__ = ["REQUESTS_DIR", "OpsReport", "OpsSource", "OperatorPort", "RequestKind", "pending_requests",
           "write_request"]


@dataclass(frozen=True)
class OpsSource:
    name: str
    schedule: str | None
    next_run_at: str | None
    last_outcome: str | None = None
    last_started_at: str | None = None
    last_finished_at: str | None = None
    pages: int = 0
    items: int = 0
    fragments: int = 0
    errors: int = 0
    needs_attention: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpsReport:
    alive: bool
    tor: str
    store: str
    outbox: str
    sources: list[OpsSource] = field(default_factory=list)


class OperatorPort(Protocol):
    def report(self) -> OpsReport:
        """The service's view of every configured source, and Tor's, the store's and the outbox's health."""
