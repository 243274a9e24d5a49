"""When to send a hedged copy of a request, and the latencies that decide it.

A slow onion service answers most requests in a few hundred ms, and a few in many seconds (a
congested relay, a circuit that dies, a server thread that hangs). Waiting for those stalls a
crawl whose next pages depend on them. A hedge is a second copy of the request sent, on another
isolated circuit, once the first has taken longer than this source's p95 latency; the first
answer wins and the other is cancelled (Dean & Barroso, "The Tail at Scale", 2013). The p95, as
they advise: past the p90, a tenth of all requests qualify, which is the whole budget below, so
on a loaded machine ordinary slow requests took it and a request that hung was waited out.

The extra load is bounded twice: hedges are at most `max_fraction` of the requests started (at
least one; a copy cancelled before it reached the server is given back), and a hedge takes one
of the source's `limits.concurrency` places in flight (the next one free, before any new page
request), so the server never sees more requests at once.
Only GET/HEAD requests for pages are hedged (never a login POST, never an attachment).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

__all__ = ["HedgePolicy", "LatencyWindow"]


class LatencyWindow:
    """The last `size` download latencies (seconds) of one source."""

    def __init__(self, size: int = 200) -> None:
        self._values: deque[float] = deque(maxlen=size)

    def add(self, seconds: float) -> None:
        self._values.append(seconds)

    def __len__(self) -> int:
        return len(self._values)

    def percentile(self, p: float) -> float | None:
        """The p-th percentile (nearest rank), None while empty."""
        if not self._values:
            return None
        ordered = sorted(self._values)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[min(rank, len(ordered)) - 1]


@dataclass
class HedgePolicy:
    """Decides the hedge delay of a request and whether the budget allows one more hedge."""

    enabled: bool = True
    percentile: float = 95.0
    min_samples: int = 10
    max_fraction: float = 0.1
    min_delay: float = 0.25
    latencies: LatencyWindow = field(default_factory=LatencyWindow)
    started: int = 0  # requests started (hedges not counted)
    hedged: int = 0  # hedges sent, less those withdrawn before they reached the server

    def delay(self, method: str, kind: str | None) -> float | None:
        """Seconds after which a copy of this request may be sent; None: never hedge it."""
        if not self.enabled or method not in ("GET", "HEAD") or kind in ("file", "login"):
            return None
        if len(self.latencies) < self.min_samples:
            return None  # no idea yet what slow means for this source
        p = self.latencies.percentile(self.percentile)
        return max(self.min_delay, p or 0.0)

    def allow(self) -> bool:
        """One more hedge now? Within the budget (the caller keeps it within the concurrency limit)."""
        return self.hedged < max(1, math.floor(self.max_fraction * self.started))
