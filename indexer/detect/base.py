"""What every shape recogniser shares: the line context, the spec it returns, header flags.

A spec is (kind, first line, last line, filler) where the filler extracts records into a Sink
given the fragment's line offsets and returns how many records held a strong identifier.
"""

from __future__ import annotations

from collections.abc import Callable

from indexer.article9 import header_says
from indexer.detect.columns import role_of
from indexer.detect.extract import Sink

__all__ = ["Ctx", "Filler", "Spec", "header_flags"]

Filler = Callable[[Sink, list[int]], int]
Spec = tuple[str, int, int, Filler]


class Ctx:
    """Lines of the input (quote prefixes removed) and what earlier lines told us."""

    __slots__ = ("lines", "tables", "is_table_file", "max_line", "spaced_end", "untyped_markup_end", "json_end",
                 "astm_end", "floor", "prose_end")

    def __init__(self, lines: list[str], is_table_file: bool, max_line: int) -> None:
        self.lines = lines
        self.tables: dict[str, list[str]] = {}  # CREATE TABLE name -> columns, for later INSERTs
        self.is_table_file = is_table_file
        self.max_line = max_line
        # per way of splitting on spaces: the end of the last run of same-shaped lines found not
        # to be a table (a run inside it is none either: each line is looked at once per way)
        self.spaced_end = [0, 0]
        # the end of the last run of markup lines whose elements type nothing (`records.xml`):
        # its other start lines go straight to the other recognisers
        self.untyped_markup_end = 0
        # the end of the last pretty-printed JSON block looked at (`records.pretty_json`): a later
        # start inside it does not scan the block again
        self.json_end = 0
        # the end of the last run of laboratory records found to hold no patient (`records.astm`)
        self.astm_end = 0
        # the floor the main loop gave `shapes.block_start` for the current start: no block
        # reaches above it (`prose.prose_dox` reads a few lines up to it)
        self.floor = 0
        # the end of the last window `prose.prose_dox` read: a later start inside it reads none
        self.prose_end = 0


def header_flags(sink: Sink, cols: list[str], base: int) -> None:
    """Columns named after an article 9 category (`pathologie`, `religion`) flag the fragment."""
    for c in cols:
        r = role_of(c)
        if r and r.startswith("a9:") and header_says(c, r[3:], cols):
            sink.header_flags.append((r[3:], c.strip().strip("`\"'"), -1, -1))
