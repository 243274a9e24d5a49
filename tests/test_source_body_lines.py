"""`post.body_lines`: a post whose text the engine shows as typed through its style sheet
(`white-space: pre-wrap`), not `<br>`, keeps its lines. HyperKitty (GNU Mailman 3's archive,
tests/test_real_hyperkitty.py) prints a mail as one `<p>` holding its newlines: read as HTML, a
dump's rows ran into one line (4 fragments for 23 dump mails) and the signature's `-- ` opened
no line for `signature_line`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

# one mail as HyperKitty 1.3.12 renders it (text mode): a quote, a dump, a signature
MAIL = """<html><body><div class="email"><div id="HBETQKMCZMULZBX2ILH5MHDLLVAL2272" class="email-header">
<div class="email-author d-flex"><h2 class="name">
                       henri600
                </h2></div></div>
    <div class="email-body ">
      <p>Le 04/02/2026 04:42, alice a \u00e9crit :</p>
<div class="quoted-switch"><a href="#">...</a></div><blockquote class="blockquote quoted-text"><p>Tu as la suite ?</p>
</blockquote><p>Voici l'extrait.

nom;email;telephone
Payet;arnaude.payet@voila.fr;+33 6 12 34 56 78
Royer;claire.royer@tele2.fr;+33 6 98 76 54 32

-- 
henri600 -- membre depuis 2019</p>

    </div></div></body></html>"""


def _body(**post: Any) -> str:
    from crawler.spiders.extract import extract_forum_page
    from vigie.config.schema import SourceConfig

    source = SourceConfig.model_validate({
        "name": "archive", "kind": "forum", "network": "direct", "start_urls": ["http://lists.test/"],
        "schedule": {"interval": "1h"},
        "forum": {"thread_link": "a.thread-title::attr(href)",
                  "post": {"container": "div.email", "body": "div.email-body", "post_id": "div.email-header::attr(id)",
                           **post}}})
    page = extract_forum_page(source, MAIL, "http://lists.test/thread/X/", datetime(2026, 12, 5, tzinfo=UTC))
    assert len(page.posts) == 1
    return page.posts[0].body


@pytest.mark.parametrize("exclude", [[], ["blockquote.quoted-text", "div.quoted-switch"]])
def test_body_lines_keeps_a_mails_rows_and_signature_line(exclude: list[str]) -> None:
    body = _body(body_lines=True, exclude=exclude, signature_line="^-- ?$")
    assert body.endswith("Voici l'extrait.\n\nnom;email;telephone\nPayet;arnaude.payet@voila.fr;+33 6 12 34 56 78\n"
                         "Royer;claire.royer@tele2.fr;+33 6 98 76 54 32"), body
    assert "membre depuis" not in body  # the signature, left out
    assert ("Tu as la suite" in body) is not exclude  # the quote, left out by `exclude` alone
    assert "henri600" not in body and "   " not in body  # the markup's own indentation is no text


def test_without_body_lines_the_rows_run_into_one_line_as_html_says() -> None:
    body = _body(exclude=["blockquote.quoted-text", "div.quoted-switch"], signature_line="^-- ?$")
    assert "Voici l'extrait. nom;email;telephone Payet;" in body
    assert "membre depuis" in body  # no line for `signature_line` to match


def test_body_lines_reaches_a_json_body_too() -> None:
    from crawler.spiders.extract import _json_body
    from vigie.config.schema import ForumSelectors

    forum = ForumSelectors.model_validate({"thread_link": "a::attr(href)", "post": {
        "container": "script#vigie-json", "body_lines": True,
        "from_json": {"source": "script#vigie-json::text", "pair": "records", "body": "text"}}})
    assert forum.post.from_json is not None
    text, _ = _json_body({"text": "<p>a;b\nc;d</p>"}, {}, forum, forum.post.from_json, []) or ("", None)
    assert text == "a;b\nc;d"
