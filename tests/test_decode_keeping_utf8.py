"""`detect` on bytes reads them as they are when they are the text's own UTF-8 (wave 23, issue 17):
`decode.decode_keeping_utf8` hands back the bytes only on `decode`'s plain road (no BOM, no NUL, no
UTF-16, strict UTF-8, not HTML, within `max_bytes`), and `_detect_text` then scans them instead of
encoding the text back. Each shortcut is compared here with the code it replaces: `decode`, the
text's own encoding, `detect_text(decode(data))` (the old road of `detect`). Synthetic data only."""

from __future__ import annotations

import codecs
import random

import pytest

from indexer import decode as D
from indexer.crypto import DataKey, decrypt_text, keyed_id
from indexer.detect import Tokenizer, detect, detect_text
from indexer.detect import seeds as _seeds
from indexer.documents import build_documents
from indexer.models import CrawledItem
from indexer.tokens import MatchKey, token
from tests.corpus.generate import KINDS, make_dump, make_post

KEY = MatchKey(b"\x23" * 32, version=2)

_ROW = "Hélène;Łukasz;helene.lukasz@example.fr;06 12 34 56 78;😀 séropositive\n"
_INPUTS: list[tuple[bytes, str | None, str | None, bool]] = [
    (b"", None, None, True),
    (b"plain ascii line\n" * 3, None, None, True),
    ((_ROW * 4).encode(), None, None, True),
    ((_ROW * 4).encode(), "dump.csv", "text/csv", True),
    (codecs.BOM_UTF8 + (_ROW * 4).encode(), None, None, False),  # a BOM: `decode` drops it
    (codecs.BOM_UTF16_LE + (_ROW * 4).encode("utf-16-le"), None, None, False),
    ((_ROW * 40).encode("utf-16-le"), None, None, False),  # UTF-16 without a BOM: its NULs say so
    ((_ROW * 40).encode("utf-16-be"), None, None, False),
    (codecs.BOM_UTF32_LE + (_ROW * 4).encode("utf-32-le"), None, None, False),
    (b"a\x00b;c@example.fr\n" * 5, None, None, False),  # NULs: `decode` drops them
    ("Hélène;Dupont;06 12 34 56 78\n".encode("cp1252") * 5, None, None, False),  # not UTF-8
    ((_ROW * 300).encode() + b"\xff" + (_ROW * 300).encode(), None, None, False),  # UTF-8 with one stray byte
    (b"<html><body><p>jean@example.fr</p><br>paul@example.fr</body></html>", None, None, False),
    ((_ROW * 4).encode(), "page.html", None, True),  # named or typed HTML but holds no tag: its text (wave 24)
    ((_ROW * 4).encode(), None, "text/html; charset=utf-8", True),
    (("<p>" + _ROW * 4).encode(), "page.html", None, False),  # HTML by its name
    (("<p>" + _ROW * 4).encode(), None, "text/html; charset=utf-8", False),  # by its type
    (("<div>" + _ROW * 4 + "</div>").encode(), None, None, False),  # by its sniffed head
    (b"<?xml version='1.0'?><r><p>x@example.fr</p></r>", "x.xml", None, True),
    ((_ROW * 4).encode().replace(b"\n", b"\r\n"), None, None, True),
    ("caf\u00e9\u2019s \ud7ff \U0010ffff\n".encode(), None, None, True),
]


@pytest.mark.parametrize(("data", "filename", "content_type", "plain"), _INPUTS)
def test_decode_keeping_utf8_is_decode_and_keeps_only_the_texts_own_bytes(
        data: bytes, filename: str | None, content_type: str | None, plain: bool) -> None:
    """The text is `decode`'s; the bytes come back on the plain road only (a BOM, UTF-16 or 32, a NUL,
    another charset, a stray byte, HTML by name, type or head: `decode` alone)."""
    text, utf8 = D.decode_keeping_utf8(data, filename=filename, content_type=content_type)
    assert text == D.decode(data, filename=filename, content_type=content_type)
    if plain:
        assert utf8 is data and text.encode("utf-8") == data
    else:
        assert utf8 is None


def test_bytes_cut_to_max_bytes_or_text_are_decodes_alone() -> None:
    plain = (_ROW * 4).encode()
    small = D.Limits(max_bytes=10)
    text, utf8 = D.decode_keeping_utf8(plain, limits=small)  # cut to max_bytes: not the input's bytes
    assert utf8 is None and text == D.decode(plain, limits=small)
    assert D.decode_keeping_utf8("already text") == ("already text", None)


def test_detect_scans_the_kept_bytes_as_the_text_would_give_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """`_detect_text`'s bytes are the text's UTF-8 after its line ends are made `\\n`, whichever
    road gave them (CRLF pairs only: the kept bytes with their pairs replaced; a lone CR or a
    `\\r\\r\\n`: the text's three replacements, then encoded)."""
    seen: list[bytes] = []
    real = _seeds.candidate_starts

    def spy(encoded: bytes, **kwargs: bool) -> list[tuple[int, int]]:
        seen.append(encoded)
        return real(encoded, **kwargs)

    import indexer.detect as det

    monkeypatch.setattr(det, "candidate_starts", spy)
    for data in ((_ROW * 4).encode(), (_ROW * 4).encode().replace(b"\n", b"\r\n"),
                 (_ROW * 4).encode().replace(b"\n", b"\r"), ("x\r\r\n" + _ROW * 4).encode()):
        seen.clear()
        detect(data, key=KEY)
        text = data.decode().replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
        assert seen == [text.encode()]


def _sig(frags: list) -> list:
    return [(f.kind, f.start_line, f.end_line, f.text, f.severity, f.excerpt, getattr(f, "delimiter", None),
             [(i.type, i.value, i.token, i.start, i.end, i.network, i.country) for i in f.identifiers],
             [(s.category, s.evidence, s.start, s.end) for s in f.sensitive]) for f in frags]


def test_detect_on_bytes_is_detect_text_of_their_decoding() -> None:
    """The old road of `detect` (decode, then `detect_text`) and the new one give the same fragments:
    posts, every dump kind with LF, CRLF and CR line ends, and recombined lines."""
    inputs = [make_post(300_000 + i)[0] for i in range(12)]
    for k, kind in enumerate(KINDS):
        t = make_dump(kind, 12, faker_seed=70 + k)[0]
        inputs += [t, t.replace("\n", "\r\n"), t.replace("\n", "\r"), "intro\r\n" + t]
    rng = random.Random(23)
    for _ in range(20):
        a, b = rng.choice(inputs).split("\n"), rng.choice(inputs).split("\n")
        inputs.append("\n".join(a[: rng.randrange(len(a) + 1)] + b[rng.randrange(len(b)):]))
    frags = 0
    for x in inputs:
        data = x.encode("utf-8")
        new = _sig(detect(data, key=KEY))
        assert new == _sig(detect_text(D.decode(data), key=KEY)), x[:80]
        frags += len(new)
    assert frags > 40  # (the inputs hold fragments: the comparison reads them)


def test_a_documents_id_and_ciphertext_come_from_one_encoding_of_its_text() -> None:
    """`build_documents` encodes a fragment's text once for its id and its ciphertext: the id is
    `keyed_id` of the text, the ciphertext decrypts to it (a lone surrogate too: `surrogatepass`)."""
    data_key = DataKey(bytes(range(32)))
    frags = detect((_ROW * 6).encode(), key=KEY)
    assert frags
    frags[0].text = frags[0].text + " \ud800 fin"  # (a str from a lax decoder may hold one)
    docs = build_documents(CrawledItem(source="t", url="u", raw=b"x"), frags, data_key)
    assert len(docs) == len(frags)
    for doc, frag in zip(docs, frags, strict=True):
        assert doc.id == keyed_id(data_key, frag.text)
        assert decrypt_text(data_key, doc.encrypted_text, associated=doc.id.encode()) == frag.text


def test_the_tokenizer_made_on_first_use_gives_the_reference_tokens() -> None:
    tok = Tokenizer(KEY)
    assert tok("email", "jean@example.fr") == token(KEY, "email", "jean@example.fr")
    assert tok.fn("phone", "+33612345678") == token(KEY, "phone", "+33612345678")
    assert tok.fn is tok.fn  # made once


def test_build_documents_gives_each_fragments_document_id_in_order() -> None:
    """`ids` (what the ingest's leak placement reads instead of hashing each text again): one per
    fragment, in order, a repeated fragment's id repeated, each `keyed_id` of its text."""
    data_key = DataKey(bytes(range(32)))
    a = detect((_ROW * 6).encode(), key=KEY)
    b = detect(make_dump("sql_insert", 6, faker_seed=3)[0].encode(), key=KEY)
    assert a and b
    frags = [*a, *b, a[0]]
    ids: list[str] = []
    docs = build_documents(CrawledItem(source="t", url="u", raw=b"x"), frags, data_key, ids=ids)
    assert ids == [keyed_id(data_key, f.text) for f in frags]
    assert [d.id for d in docs] == list(dict.fromkeys(ids)) and ids[-1] == ids[0]
