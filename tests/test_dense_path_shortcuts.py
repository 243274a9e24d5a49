"""Three shortcuts of the dense path (issue 17, wave 29) give what the long way gave.

- A fragment's text is a slice of the text (or the text itself) when the text's lines were not
  rewritten, not its lines joined again (`indexer.detect._own_slice`).
- `build_documents` names a fragment that is its whole item, byte for byte, by the item's id
  (the same HMAC of the same bytes), not by a second pass over them.
- The core's `Identifiers.counts()` after `token_map()` is read from the tokens' sort (equal values
  have equal tokens; the values of a repeated token are compared), not from a set of the values:
  the same counts as before `token_map()` and as the Python engine's (a shared token of two
  values is `cargo test`'s `distinct_tokens_count_values`).
"""

from __future__ import annotations

import random
from typing import Any

from indexer import engine
from indexer.crypto import DataKey, keyed_id
from indexer.detect import Sink, Tokenizer, _identifiers, _own_slice, detect
from indexer.documents import build_documents
from indexer.models import CrawledItem, Fragment
from indexer.tokens import MatchKey
from tests.corpus.generate import make_dump
from tests.fixtures.engines import eng  # noqa: F401 (the fixture)
from tests.native_core import require_native

KEY = MatchKey(b"\x31" * 32, version=1)
DATA_KEY = DataKey(bytes(range(32)))


def test_own_slice_is_the_join_of_the_lines() -> None:
    r = random.Random(29)
    for _ in range(10_000):
        text = "\n".join("".join(r.choice("ab; é\u2028") for _ in range(r.randint(0, 5)))
                         for _ in range(r.randint(1, 9)))
        raw = text.split("\n")
        first = r.randrange(len(raw))
        last = r.randrange(first, len(raw))
        assert _own_slice(text, raw, first, last) == "\n".join(raw[first:last + 1]), (text, first, last)
    text = "a\nb"
    assert _own_slice(text, text.split("\n"), 0, 1) is text


def test_fragment_texts_are_their_lines() -> None:
    """Dumps whose one fragment is the whole text, a part of it (a title and a trailer around it, a
    trailing line end), quoted lines, and cells over two lines (the lines joined: the long way). On
    the suite's engine: the shortcut is the Python of `_detect_text`, the same for both."""
    body, _ = make_dump("csv", 120, faker_seed=2901)
    sql, _ = make_dump("sql_insert", 120, faker_seed=2902)
    texts = [
        body,
        body + "\n",
        "LISTE DES CLIENTS\n\n" + body + "\n\n-- fin --\nmerci\n",
        sql,
        "\n".join("> " + ln for ln in body.split("\n")),
        'nom;email;notes\nDupont;jean.dupont@gmail.com;"ligne 1\nligne 2"\nMartin;paul.martin@free.fr;ok\n'
        "Durand;luc.durand@orange.fr;ok\n",
    ]
    for text in texts:
        frags = detect(text.encode(), key=KEY)
        assert frags, text[:60]
        lines = text.split("\n")
        for f in frags:
            if "\n>" in "\n" + text:
                continue  # (quoted lines: the fragment keeps its prefixes; its lines are checked below)
            assert f.text == "\n".join(lines[f.start_line - 1:f.end_line]), text[:60]
    quoted = texts[4]
    (f,) = detect(quoted.encode(), key=KEY)
    assert f.text == "\n".join(quoted.split("\n")[f.start_line - 1:f.end_line])


def test_a_whole_item_fragment_is_named_by_its_bytes(eng: str) -> None:  # noqa: F811 (the fixture)
    whole, _ = make_dump("csv", 30, faker_seed=2903)
    part = "Base clients, mise à jour:\n" + whole + "\n"
    for text, same in ((whole, True), (part, False)):
        for item in (CrawledItem(source="s", url="http://x.onion/1", raw=text.encode()),
                     CrawledItem(source="s", url="http://x.onion/1", body=text)):
            frags = detect(text.encode(), key=KEY)
            ids: list[str] = []
            docs = build_documents(item, frags, DATA_KEY, ids=ids)
            assert [d.id for d in docs] == ids == [keyed_id(DATA_KEY, f.text) for f in frags]
            assert docs[0].item_hash == keyed_id(DATA_KEY, text)
            assert (docs[0].id == docs[0].item_hash) is same


def _reference_counts(idents: Any) -> dict[str, int]:
    return Fragment(kind="csv", start_line=1, end_line=1, text="", identifiers=list(idents)).counts()


def test_counts_after_token_map_are_the_values_counts() -> None:
    """Found lists with repeated values (the same address on three rows, a phone twice), asked in
    both orders, and a dense dump's documents: the reference's counts."""
    require_native()
    engine.set_engine("native")
    try:
        core = engine.core()
        assert core is not None
        r = random.Random(2904)
        values = {"email": ["a@b.fr", "jean.dupont@gmail.com", "x@y.fr"], "phone": ["+33612345678", "+33712345678"],
                  "iban": ["FR7630006000011234567890189"], "name": ["élise dupont", "Élise Dupont", "luc"]}
        for _ in range(300):
            sink = Sink()
            for _ in range(r.randint(0, 40)):
                t = r.choice(list(values))
                sink.found.append((t, r.choice(values[t]), -1, -1))
            ref = _identifiers(sink, Tokenizer(KEY), KEY.version, 0, [])
            first = core.build(list(sink.found), engine.native_tokenizer(KEY.key), KEY.version, 0, [], set())
            second = core.build(list(sink.found), engine.native_tokenizer(KEY.key), KEY.version, 0, [], set())
            before = first.counts()
            first.token_map()
            second.token_map()
            assert first.counts() == before == second.counts() == _reference_counts(ref)
            got = second.counts()
            got["email"] = -1  # (a new dict each call: a caller's change is its own)
            assert second.counts() == before
        text, _ = make_dump("csv", 300, faker_seed=2905)
        dup = text + "\n" + "\n".join(text.split("\n")[1:40])  # forty rows twice: repeated values
        (f,) = detect(dup.encode(), key=KEY)
        (doc,) = build_documents(CrawledItem(source="s", url="http://x.onion/1", raw=dup.encode()), [f], DATA_KEY)
        assert doc.counts == _reference_counts(f.identifiers) and sum(doc.counts.values()) < len(f.identifiers)
    finally:
        engine.set_engine(None)
