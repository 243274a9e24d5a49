"""The classes of fault the engine markup probe (tests/test_engine_markup_probe.py) found, each
pinned on its smallest case, so a regression names its cause."""

from __future__ import annotations

from lxml import html

from indexer.html_text import element_text, strip_tags

# MyBB 1.8's [code]: PHP's nl2br runs over the message, code block included (vBulletin and SMF
# print <br> inside code the same way)
MYBB_CODE = ('<div class="post_body"><div class="codeblock"><div class="title">Code:</div><div class="body" dir="ltr">'
             "<code>nom;email<br />\nPayet;arnaude.payet@voila.fr<br />\r\nRoyer;claire.royer@tele2.fr</code>"
             "</div></div></div>")


def test_nl2br_code_block_rows_stay_adjacent() -> None:
    want = "Code:\nnom;email\nPayet;arnaude.payet@voila.fr\nRoyer;claire.royer@tele2.fr"
    assert element_text(html.fromstring(MYBB_CODE)) == want
    assert strip_tags(MYBB_CODE) == want


def test_pre_keeps_its_own_blank_lines_and_double_breaks() -> None:
    assert element_text(html.fromstring("<pre>a\nb\n\nc</pre>")) == "a\nb\n\nc"
    assert element_text(html.fromstring("<pre>a<br><br>\nb</pre>")) == "a\n\nb"
    assert element_text(html.fromstring("<div><code>a<br>b</code> c\nd</div>")) == "a\nb c d"
