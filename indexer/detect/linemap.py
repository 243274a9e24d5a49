"""A text rewritten line by line, each new line remembering the lines of the text it came from.

The whole-text rewrites (`pivot`: an entity's fields one a row made one row; `logins`: credentials as
tools write them made a table) hand `_detect_text` a new text whose fragments must still name the
lines as written: each new line k came from written lines `tops[k]` to `ends[k]` (0-based), which
`detect._lines_back` maps the fragments through. One builder instead of each rewrite keeping its
three lists in step by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["LineMap"]


@dataclass
class LineMap:
    """The new text's lines and, for each, the first and last written line it stands for."""

    out: list[str] = field(default_factory=list)
    tops: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    def add(self, line: str, top: int, end: int | None = None) -> None:
        """A new line standing for written lines `top` to `end` (`top` alone by default)."""
        self.out.append(line)
        self.tops.append(top)
        self.ends.append(top if end is None else end)

    def keep(self, lines: Sequence[str], lo: int, hi: int) -> None:
        """Written lines `lo` to `hi` (excluded) as they are."""
        for p in range(lo, hi):
            self.add(lines[p], p)

    def result(self) -> tuple[str, list[int], list[int]]:
        """(the new text, `tops`, `ends`): what a rewrite returns."""
        return "\n".join(self.out), self.tops, self.ends
