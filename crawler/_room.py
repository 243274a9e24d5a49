"""The room a text built from an attachment's parts may take: what is left of
`attachments.max_uncompressed_bytes` when it is started.

A workbook's or a document's parts are small (the budget counts them as they are unpacked), but
the text built from them can write one cell's text many times over: one 1 MB shared string in
2 million cells of an .xlsx, a 1 MB cell repeated 100 x 100 times in an .ods or an .odt (56 kB
files that took 2.9 GB before their text was counted). So the text is counted as it is built,
each piece asked of its `TextRoom` before it is made, and refused past it with the reader's cap
error (`SpreadsheetCapError`, `DocumentCapError`), which the caller counts as a bomb.
"""

from __future__ import annotations

__all__ = ["TextRoom"]


class TextRoom:
    """The characters `where`'s text may take (`left`; None: no bound). `fits(n)`: whether `n`
    more would fit, asked of what is about to be built (a row, a nested table's rows); `take(n)`:
    the same, then counted. Past the room, `error` is raised, naming the text, the room, `why`
    (what such a text usually is) and what is `refused`."""

    __slots__ = ("error", "left", "refused", "room", "where", "why")

    def __init__(self, where: str, left: int | None, error: type[Exception], why: str, refused: str) -> None:
        self.where, self.left, self.room, self.error, self.why, self.refused = where, left, left, error, why, refused

    def fits(self, n: int) -> None:
        if self.left is not None and n > self.left:
            raise self.error(
                f"{self.where}: its text passes {self.room} bytes, what is left of "
                f"attachments.max_uncompressed_bytes ({self.why}); {self.refused}"
            )

    def take(self, n: int) -> None:
        self.fits(n)
        if self.left is not None:
            self.left -= n
