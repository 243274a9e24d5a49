"""Attacker's review, round 13: a dump in a comment of a page past the tree ceiling.

A page is read as a tree (`indexer.html_text.element_text`) under its ceiling, and by the tag
stripper (`page_text`, a chunk at a time) past it (`limits.max_page_elements`, `Limits.max_html_elements`,
or past `max_html_bytes`). The tree reads a comment of several lines as a block of its own (a dump
kept out of sight in the page's source); the stripper removed every comment with its text. A
site could so hide a dump from Vigie by adding enough elements around it (round 12's "left
open"). The stripper now reads such a comment as the tree does; comments of one line are still
dropped by both, and the stripper stays linear on runs of comments, closed or not.
"""

from __future__ import annotations

import time

import pytest

from indexer.decode import Limits, decode
from indexer.html_text import html_to_text, page_text

ROWS = [
    "nom;email;telephone",
    "Faure;mathis.faure@laposte.net;06 12 34 56 78",
    "Girard;<lea.girard@gmail.com>;07 12 34 56 78",
    "Roux & fils;m.roux@orange.fr;01 45 67 89 10",
]
DUMP = "<!--\n" + "\n".join(ROWS) + "\n-->"
PAGE = f"<html><body><p>avant</p>{DUMP}<p>apres</p><!-- une ligne --><div>{{filler}}</div></body></html>"


@pytest.mark.parametrize("filler", [0, 600], ids=["under the ceiling", "past it"])
def test_a_comment_of_several_lines_is_read_past_the_ceiling_as_under_it(filler: int) -> None:
    page = PAGE.format(filler="<b>x</b>" * filler)
    text = html_to_text(page, max_elements=500)  # past it: the stripper (before: no row read)
    lines = text.split("\n")
    for row in ROWS:
        assert row in lines, (row, text[:400])
    assert "une ligne" not in text and "avant" in lines and "apres" in lines
    # and as a post or a file is decoded for detection, the same ceiling
    assert ROWS[1] in decode(page.encode(), filename="page.html", limits=Limits(max_html_elements=500)).split("\n")


def test_the_stripper_reads_comments_in_linear_time() -> None:
    """500,000 empty comments, 1,000,000 unclosed ones, comments opened inside comments: a
    forward scan each (about 0.2 CPU-s each here; the bound is generous)."""
    for page in ("<!---->" * 500_000, "<!--" * 1_000_000, "<!-- <!-- " * 350_000 + "-->", "<!--\na\n-->x" * 250_000):
        start = time.process_time()
        page_text(page)
        assert time.process_time() - start < 8.0
