"""Attacker's review, round 12: a hostile page of comments, or of table cells.

A crawled site controls its pages. A post body (or a whole page, or an HTML file `vigie scan`
reads) made of a run of comments, `<!---->` one after another, cost the crawl time quadratic in
the run: libxml2's `iterwalk`, which `element_text` walked the tree with, queues the events of a
run of comments in a list and pops them from its front (100,000 comments: 0.7 CPU-s, 200,000:
2.8 s, the million of a 7 MB page: 195 s, the crawl's event loop held all along). The walk now
asks iterwalk for elements only and reads each run of comments from the element before it.
And the ceiling that keeps a page from becoming too big a tree (`limits.max_page_elements`,
`Limits.max_html_elements`) counted start tags only, while the crawl's tree (and `vigie scan`'s,
since wave 24 reads comments of several lines) builds a node per comment: 7 MB of `<!---->` took
394 MB of resident memory under a ceiling that saw none. Comments and processing instructions
now count. A row of table cells was quadratic as well (`test_a_row_of_cells_...`).

Real parts: the crawl's own tree builder (parsel, `crawler._markup.html_selector`) and libxml2.
"""

from __future__ import annotations

import time

import pytest

from crawler._markup import count_start_tags, html_selector
from indexer.html_text import MAX_TREE_ELEMENTS, element_text, html_to_text

N = 150_000


def _cpu(root: object) -> float:
    start = time.process_time()
    element_text(root)  # type: ignore[arg-type]
    return time.process_time() - start


def test_a_run_of_comments_costs_no_more_than_as_many_elements() -> None:
    """Before: 200,000 comments took 18 times the CPU of 200,000 empty elements (2.8 s against
    0.16 s), 150,000 about 13 times, the ratio growing with the run; now about half of it."""
    comments = html_selector("<html><body><div id=x>" + "<!---->" * N + "</div></body></html>").css("#x")[0].root
    elements = html_selector("<html><body><div id=x>" + "<i></i>" * N + "</div></body></html>").css("#x")[0].root
    _cpu(elements)  # (warm)
    assert _cpu(comments) < 4 * _cpu(elements) + 0.05


def test_a_row_of_cells_costs_no_more_than_as_many_elements() -> None:
    """A row of table cells (`<td>` after `<td>`, no line between them): each cell's start summed
    the lengths of the row's pieces so far, quadratic in the row. Before: 20,000 cells took 2.9
    CPU-s (a hundred times 20,000 empty elements), 80,000 45 s, the 200,000 the tree ceiling lets
    through about 280 s; now as many elements' time."""
    n = 20_000
    cells = html_selector("<html><body><div id=x>" + "<td>" * n + "</div></body></html>").css("#x")[0].root
    elements = html_selector("<html><body><div id=x>" + "<i></i>" * n + "</div></body></html>").css("#x")[0].root
    _cpu(elements)  # (warm)
    assert _cpu(cells) < 4 * _cpu(elements) + 0.05
    assert element_text(cells) == ""


@pytest.mark.parametrize("keep_lines", [False, True])
def test_comments_read_as_before(keep_lines: bool) -> None:
    """What the comments give is unchanged: a comment of several lines is a block of its own, each
    comment's tail is text, wherever the comment is (first in an element, after one, in a run)."""
    html = ("<div><!--a--><!--\nx;1\ny;2\n-->tail1<p>in<!--b-->p1<!--c-->p2</p><!--d-->t2<!--\nz;3\nw;4\n-->"
            "<pre><!--e-->r1\nr2<!--f-->\nr3</pre><?pi x?>t3</div>")
    root = html_selector(html).css("div")[0].root
    got = element_text(root, keep_lines)
    for piece in ("x;1\ny;2", "tail1", "inp1p2", "t2", "z;3\nw;4", "r1\nr2\nr3", "t3"):
        assert piece in got
    assert "a" not in got.split("\n")[0] and "d" not in got


def test_comments_count_towards_the_tree_ceiling() -> None:
    """Before: a page of 1.2 million comments weighed 0 start tags and was made a tree."""
    page = ("<html><body>" + "<!---->" * (MAX_TREE_ELEMENTS + 1) + "</body></html>").encode()
    assert count_start_tags(page).weight > MAX_TREE_ELEMENTS
    assert count_start_tags(b"<?x?>" * (MAX_TREE_ELEMENTS + 1)).weight > MAX_TREE_ELEMENTS
    # read by the tag stripper instead of a tree (which keeps no comment): the text around them is read
    assert html_to_text("<div>a;1<br>b;2</div>" + "<!---->" * (MAX_TREE_ELEMENTS + 1)) == "a;1\nb;2"
