"""Issue 11 section 2 on real parts: metadata (titles, authors, file names, URLs) goes through the
same detection and masking as bodies before it is stored, logged, kept in the crawl state or
sent; an alert carries only its organisation's matches; street addresses are masked by shape.

Every value below is synthetic (a valid-looking NIR, the standard example IBAN, a test card).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from twisted.python.failure import Failure

from alerts.channels.render import email_parts, webhook_body
from alerts.matcher import build_payload
from crawler.items import VigieItem
from crawler.pipelines import MaskedLogFormatter
from crawler.sink import JsonlSink
from crawler.state import CrawlState
from indexer.crypto import DataKey
from indexer.detect import detect
from indexer.documents import build_documents, fragment_to_dict
from indexer.models import CrawledItem, Provenance
from indexer.redact import mask_provenance, mask_text, mask_url
from indexer.store.embedded import EmbeddedStore
from indexer.tokens import MatchKey
from vigie.config.schema import OrganisationConfig

EMAIL = "jean.dupont@example.org"
PHONE = "0426287072"
PHONE_E164 = "+33426287072"
NIR_SPACED = "1 73 11 75 123 456 78"
NIR = "173117512345678"
IBAN = "FR7630006000011234567890189"
CARD = "4111111111111111"
STREET = "12 rue de la Paix"
SECRETS = (EMAIL, PHONE, PHONE_E164, NIR_SPACED, NIR, IBAN, CARD, STREET, "jean.dupont", "0426287072",
           "12 rue de la paix", "123 456")
TITLE = f"Dump clinique {EMAIL} tel {PHONE} NIR {NIR_SPACED} IBAN {IBAN} carte {CARD} chez {STREET}, 75002 Paris"
MATCH = MatchKey(bytes(range(32)), 1)
DATA = DataKey(bytes(range(32, 64)), 1)


def _assert_clean(text: str, where: str) -> None:
    low = text.lower()
    hits = [s for s in SECRETS if s.lower() in low]
    assert hits == [], f"{where} holds {hits}: {text[:300]}"


def _item() -> CrawledItem:
    body = "nom;prenom;email;telephone;nir\n" + "\n".join(
        f"Nom{i};Prenom{i};p{i}.x@example.net;06123456{i:02d};{n}" for i, n in
        enumerate(["285057531234590", "173117512345678", "295117512345611"])) + "\n"
    url = f"http://darkforum.onion/files/9/patients_{EMAIL.replace('@', '%40')}.csv?tel=%2B{PHONE_E164[1:]}"
    return CrawledItem(source="darkforum", url=f"{url}#p{NIR}", thread_url=f"http://darkforum.onion/t/{IBAN}",
                       thread_title=TITLE, board=f"Leaks {CARD}", author=EMAIL, body=body,
                       filename=f"patients_{EMAIL}_{PHONE}.csv", posted_at=datetime(2026, 11, 1, tzinfo=UTC))


def test_mask_text_masks_every_identifier_of_a_title() -> None:
    masked = mask_text(TITLE) or ""
    _assert_clean(masked, "masked title")
    assert masked.startswith("Dump clinique j***@e***.org tel +33 4** ** ** 72")
    assert "[address]" in masked and "FR** **** **** **** 189" in masked and "**** **** **** 1111" in masked
    assert mask_text(masked) == masked  # masking a masked value changes nothing
    assert mask_text("[FR] clinique patients 2026") == "[FR] clinique patients 2026"  # nothing to hide


def test_mask_url_keeps_the_host_and_masks_decoded_path_query_fragment() -> None:
    url = f"http://user:pw@darkforum.onion:8080/t/5-{EMAIL.replace('@', '%40')}?q={PHONE}&page=2#{NIR}"
    masked = mask_url(url) or ""
    _assert_clean(masked, "masked URL")
    assert masked.startswith("http://darkforum.onion:8080/t/") and "page=2" in masked and "pw" not in masked
    plain = "http://darkforum.onion/viewtopic.php?t=5&start=20#p1003"
    assert mask_url(plain) == plain  # a URL without identifiers stays exact: analysts can open it


@pytest.mark.parametrize("row", [
    "Jean,Dupont,12 rue de la Paix,75002,Paris,0612345678",
    "Jeanne;Martin;3 bis avenue Victor Hugo;69003;Lyon;0612345678",
    "Ann,Smith,221B Baker Street,London,0612345670",
    "Bob|Jones|42 Oak Road|Leeds|0612345671",
])
def test_street_addresses_in_a_headerless_csv_are_masked(row: str) -> None:
    streets = ("12 rue de la Paix", "avenue Victor Hugo", "Baker Street", "Oak Road")
    sep = next(c for c in ",;|" if c in row)
    rows = [row] + [row.replace("Jean", f"Paul{i}").replace("Ann", f"Eve{i}").replace("Bob", f"Max{i}")
                    .replace("Jeanne", f"Zoe{i}")[:-2] + f"{i}{i}" for i in range(1, 5)]
    frags = detect("\n".join(rows) + "\n", key=MATCH, filename="dump.csv")
    assert frags, "the headerless CSV was not detected"
    assert sep in frags[0].excerpt and "[address]" in frags[0].excerpt
    assert not [s for s in streets if s.lower() in frags[0].excerpt.lower()], frags[0].excerpt


def test_the_safety_net_skips_only_text_it_could_not_match() -> None:
    """`redact` skips the safety net on a short gap with no ASCII digit, '@' or '$' (most gaps
    between a dump's masked values). That is exact only while no `_NET` or `ADDRESS` alternative
    can match such text: fuzzed here, with letters, Unicode digits, punctuation and spaces."""
    import random

    from indexer.redact import _NET, _NET_NEEDS, ADDRESS

    rng = random.Random(7)
    alphabet = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèàçÉ ßøñ"
                " \t\n;,|:.-_/+=%&*#!?'\"()[]<>^~\u0663\u0966\uff11\u00b2\u00bd")
    for _ in range(5000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 24)))
        assert _NET_NEEDS.search(s) is None
        assert _NET.search(s) is None and ADDRESS.search(s) is None, s
    assert _NET.search("ab12345") and _NET_NEEDS.search("ab12345")  # the test can fail


def test_the_safety_nets_fast_substitution_is_the_wrappers_sub() -> None:
    """`redact` substitutes `_NET` and `ADDRESS` matches through `_re2fast.sub` (RE2 on the bytes
    once), not the wrapper's `sub`: the same output on fuzzed gaps made of identifier pieces,
    street addresses, Unicode letters and digits, separators."""
    import random

    from indexer._re2fast import sub
    from indexer.redact import _NET, ADDRESS, _mask_net

    rng = random.Random(11)
    pieces = ["12 rue de la Paix", "3 bis avenue Foch, 75016 Paris", "221B Baker Street", "a@b.fr", "é@ü.de",
              "$2b$12$" + "x" * 22, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY", "+33 6 12 34 56 78", "2A07312",
              "FR7630006000011234567890189", "\u0663\u0664\u0665\u0666\u0667", "Ünïcödé", "名前", " ", ";", ",",
              "\t", "|", "\n", "(", ")", "'", "-", "12", "rue", "x"]
    for _ in range(4000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 12)))
        assert sub(_NET, s, _mask_net) == _NET.sub(lambda m: _mask_net(m.group(0)), s), s
        assert sub(ADDRESS, s, lambda _: "[address]") == ADDRESS.sub("[address]", s), s
    assert sub(_NET, "id a@b.fr et 0612345678", _mask_net) == "id a***@b***.fr et ########"


def test_stored_documents_hold_masked_provenance_in_both_serialisations(tmp_path: Path) -> None:
    item = _item()
    frags = detect(item.body, key=MATCH)
    docs = build_documents(item, frags, DATA)
    assert docs
    for doc in docs:
        _assert_clean(json.dumps(fragment_to_dict(doc), ensure_ascii=False), "stored document")
        assert doc.url.startswith("http://darkforum.onion/files/9/") and doc.source == "darkforum"
    store = EmbeddedStore(tmp_path / "store.sqlite3")
    try:
        store.upsert(docs)
        store.flush()
    finally:
        store.close()
    for path in tmp_path.iterdir():
        _assert_clean(path.read_bytes().decode("latin-1"), f"embedded store file {path.name}")


def test_alert_payload_carries_only_its_organisation_and_masked_provenance() -> None:
    item = _item()
    doc = build_documents(item, detect(item.body, key=MATCH), DATA)[0]
    doc = replace(doc, provenance=item.provenance)  # a document stored before masking existed
    org = OrganisationConfig.model_validate({
        "id": "beta", "display_name": "Beta", "channels": {"email": {"to": ["soc@beta.test"]}}})
    payload = build_payload("a1", org, doc, {"nir": 1}, "ingest", 0.0)
    assert "fragment_counts" not in payload and payload["matched"] == {"nir": 1}
    _assert_clean(json.dumps(payload, ensure_ascii=False), "alert payload")
    subject, text, html = email_parts([payload])
    for part in (subject, text, html, webhook_body(payload).decode()):
        _assert_clean(part, "alert rendering")
    assert mask_provenance(item.provenance) == Provenance.from_json(payload)


def test_crawl_state_keeps_no_plaintext_and_still_answers(tmp_path: Path) -> None:
    path = tmp_path / "crawl-state.sqlite3"
    thread = f"http://darkforum.onion/t/{EMAIL}"
    page = f"{thread}?page=2&tel={PHONE}"
    file_url = f"http://darkforum.onion/files/9/patients_{EMAIL}.csv"
    state = CrawlState(path, "darkforum")
    state.record_thread_page(thread, page, 2, title=TITLE, board=f"Leaks {CARD}", marker=NIR, final=True,
                             last_post_id=IBAN)
    state.record_post(f"{thread}#{NIR}", "h1", thread)
    state.record_paste(NIR, "h2")
    state.file_pending(file_url, {"thread": {"key": thread, "title": TITLE}, "author": EMAIL})
    state.set_status("needs_attention", f"login refused for {EMAIL}")
    known = state.thread(thread)
    assert known is not None and (known.last_page_url, known.marker, known.last_post_id) == (page, NIR, IBAN)
    assert state.post_seen(f"{thread}#{NIR}", "h1") and state.paste_seen(NIR)
    assert state.pending_files() == [(file_url, {"thread": {"key": thread, "title": TITLE}, "author": EMAIL})]
    state.close()
    assert (path.with_name(path.name + ".key").stat().st_mode & 0o777) == 0o600
    for f in tmp_path.iterdir():
        _assert_clean(f.read_bytes().decode("latin-1"), f"crawl state file {f.name}")
    again = CrawlState(path, "darkforum")  # the sealed values survive a reopen (same key file)
    assert again.pending_files()[0][0] == file_url and again.thread(thread) is not None
    again.close()


def test_a_plaintext_state_from_an_older_vigie_is_emptied(tmp_path: Path) -> None:
    path = tmp_path / "crawl-state.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE threads (source TEXT NOT NULL, thread_key TEXT NOT NULL, title TEXT, board TEXT,"
                     " last_page_url TEXT, page_count INTEGER NOT NULL DEFAULT 0, marker TEXT, last_post_id TEXT,"
                     " last_posted_at TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (source, thread_key));")
    db.execute("INSERT INTO threads VALUES ('s', ?, ?, NULL, ?, 1, NULL, NULL, NULL, 'x')", (EMAIL, TITLE, EMAIL))
    db.commit()
    db.close()
    CrawlState(path, "s").close()
    for f in tmp_path.iterdir():
        _assert_clean(f.read_bytes().decode("latin-1"), f"upgraded crawl state file {f.name}")


def test_scrapy_log_lines_show_no_item_and_no_plaintext_url() -> None:
    formatter = MaskedLogFormatter()
    url = f"http://darkforum.onion/files/9/patients_{EMAIL}.csv"
    request = Request(url, headers={"Referer": f"http://darkforum.onion/t/{PHONE}"})
    response = HtmlResponse(url, body=b"<html></html>", request=request)
    item = VigieItem(_item(), "post", "k", "ab" * 32)
    spider = Spider(name="darkforum")
    failure = Failure(ConnectionError(f"refused {EMAIL}"))
    results = [formatter.crawled(request, response, spider), formatter.scraped(item, response, spider),
               formatter.download_error(failure, request, spider, f"refused {EMAIL}"),
               formatter.spider_error(failure, request, response, spider)]
    lines = []
    for result in results:
        assert result is not None
        lines.append(result["msg"] % result["args"])
    assert lines[1] == "Scraped post abababababab" and results[1]["level"] == logging.DEBUG
    assert "darkforum.onion/files/9/" in lines[0]
    for line in lines:
        _assert_clean(line, "Scrapy log line")


def test_o_output_is_0600_and_warns_once_about_plaintext(tmp_path: Path) -> None:
    out = tmp_path / "items.jsonl"
    code = ("import sys; from crawler.sink import JsonlSink; from indexer.models import CrawledItem\n"
            f"a = JsonlSink({str(out)!r}); b = JsonlSink({str(out)!r}, append=True)\n"
            "a.accept(CrawledItem(source='s', url='http://x/', body='b')); a.close(); b.close()\n")
    old = os.umask(0o022)
    try:
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    finally:
        os.umask(old)
    assert (out.stat().st_mode & 0o777) == 0o600
    assert res.stderr.count("PLAINTEXT") == 1 and str(out) in res.stderr
    out.chmod(0o644)
    JsonlSink(out, append=True).close()  # an existing file is narrowed too
    assert (out.stat().st_mode & 0o777) == 0o600
