"""Hostile posts (wave 22's hostile-input round): what an attacker writes in a post's text, rather
than in an attachment (tests/test_hostile_attachments.py), read without an exception, in bounded
time, and without losing the rest of the post or the other posts of its batch.

- a Telegram-export-shaped JSON value nested deeper than `json.loads` recurses: its
  RecursionError went out of `detect` and `detect_many` (the crawl's batch of posts was lost);
- a JSON string of escaped quotes (`\\"` repeated) on a line with `\\n` escapes: unveiling's
  search for CSVs in JSON strings restarted at every quote, quadratic (80 kB took 24 s).
"""

from __future__ import annotations

import time

import pytest

from indexer.detect import detect
from indexer.detect.prefilter import detect_many
from indexer.detect.unveil import unveil
from indexer.tokens import MatchKey
from tests.hostile_files import dump, dump_emails

KEY = MatchKey(b"\x22" * 32, version=2)


def _emails(frags: list) -> set[str]:  # type: ignore[type-arg]
    return {i.value for f in frags for i in f.identifiers if i.type == "email"}


def test_a_telegram_shaped_value_nested_deeper_than_the_parser_loses_nothing() -> None:
    deep = ('{"name": "x", "type": "personal_chat", "messages": [{"type": "message", "text_entities": [], '
            '"text": ' + "[" * 20_000 + "]" * 20_000 + "}]}")
    post = f"{dump('tgbefore')}\n{deep}\n{dump('tgafter')}"
    assert dump_emails("tgbefore") | dump_emails("tgafter") <= _emails(detect(post.encode(), key=KEY))
    # in a crawl's batch: the hostile post and its neighbours
    found = detect_many([dump("tgleft").encode(), post.encode(), dump("tgright").encode()], key=KEY)
    assert [_emails(f) >= dump_emails(t) for f, t in zip(found, ("tgleft", "tgbefore", "tgright"), strict=True)] \
        == [True, True, True]


def _linear_budget(n: int) -> float:
    """CPU seconds a linear pass over the line may take here: 40 times a trivial regex scan of a
    line as long, at least 1 s (a quadratic one takes ~15 s at this size, hours at 1 MB)."""
    import re

    line = "ab" * (n // 2)
    t0 = time.thread_time()
    for _ in re.finditer(r"(?:a|b)(?:a|b)", line):
        pass
    return max(1.0, 40 * (time.thread_time() - t0))


@pytest.mark.parametrize("body", ['\\"', '\\"x'], ids=["escaped-quotes", "escaped-quote-letter"])
def test_unveil_reads_a_line_of_escaped_quotes_in_linear_time(body: str) -> None:
    n = 64 * 1024
    line = '{"a": "x\\ny\\n' + body * (n // len(body))
    budget = _linear_budget(len(line))
    t0 = time.thread_time()
    unveil(f"{dump('quotes')}\n{line}\n")
    took = time.thread_time() - t0
    assert took < budget, f"unveil took {took:.2f}s of CPU on a {len(line) // 1024} KiB line of {body!r}"


def test_a_csv_in_a_json_string_after_escaped_quotes_is_still_read() -> None:
    """The linear reading pairs quotes as a JSON parser does: a CSV in the string after a field of
    escaped quotes is read (the fix must not lose what the quadratic search found)."""
    csv = "\\n".join(["email;telephone"] + [f"jq.{k}@example.org;06 12 34 56 {k:02d}" for k in range(6)])
    line = '{"note": "il a dit \\"oui\\" puis \\"non\\"", "sample": "' + csv + '"}'
    got = unveil(line)
    assert got is not None and all(f"jq.{k}@example.org" in got[0] for k in range(6))


def test_a_utf8_csv_with_a_bad_byte_in_its_middle_is_read_as_utf8() -> None:
    """One stray byte in a UTF-8 export (a file cut and spliced) made the whole of it fail UTF-8
    and go to charset guessing, which read French names as Shift-JIS (`Hélène`: `Hﾃｩlﾃｨne`). It
    is UTF-8 with that byte as U+FFFD; a cp1252 file (a bad byte at each accented letter, no valid
    multibyte sequence) is still read as cp1252."""
    from indexer.decode import decode

    rows = "nom;email;telephone\n" + "".join(f"Hélène Séverine{k};h{k}@exemple.fr;06 12 34 56 {k % 100:02d}\n"
                                             for k in range(2000))
    data = rows.encode()
    data = data[:len(data) // 2] + b"\xff" + data[len(data) // 2:]
    text = decode(data, filename="clients.csv")
    assert text.count("Hélène Séverine") == 2000 and text.count("\ufffd") == 1
    emails = _emails(detect(data, key=KEY, filename="clients.csv"))
    assert {"h0@exemple.fr", "h1999@exemple.fr"} <= emails
    assert decode(rows.encode("cp1252"), filename="clients.csv") == rows


# the JSON string patterns of indexer.detect.records before they were made linear: the reference
_OLD_STRING = r'"(?:[^"\\\n]|\\.)*"'
_OLD_TOKEN = _OLD_STRING + r"|[\[\]{}]"


def test_json_strings_and_brackets_are_read_as_before_in_one_pass() -> None:
    """`records` sets JSON strings aside (a pretty value's end, a text's containers) in one pass
    now; what it finds is what the old search found, on 20,000 random lines of quotes,
    backslashes, brackets and line breaks (seeded)."""
    import random
    import re

    from indexer.detect import records

    old_string, old_token = re.compile(_OLD_STRING), re.compile(_OLD_TOKEN)
    rng = random.Random(22)
    for _ in range(20_000):
        s = "".join(rng.choice('"\\[]{}a \n') for _ in range(rng.randrange(1, 40)))
        line = s.replace("\n", "")
        assert records._JSON_STRING.sub(records._closed_strings_out, line) == old_string.sub("", line), repr(line)
        if "\\" not in line:  # (the plain pattern `_pretty_end` takes on such a line)
            assert records._PLAIN_STRING.sub("", line) == old_string.sub("", line), repr(line)
        want = [m.start() for m in old_token.finditer(s) if s[m.start()] != '"']
        assert list(records._json_brackets(s)) == want, repr(s)


@pytest.mark.parametrize("shape", ["pretty", "wrapped"])
def test_a_json_value_with_a_run_of_escaped_quotes_is_read_in_linear_time(shape: str) -> None:
    run = '\\"' * (32 * 1024)
    body = ('[\n  {\n    "email": "a.b@exemple.fr",\n    "note": "' + run + '\n  }\n]\n' if shape == "pretty"
            else '{\n"data": [{"email": "a.b@exemple.fr", "note": "' + run + '\n}]}\n')
    text = f"{dump('jsonrun')}\n{body}"
    budget = _linear_budget(len(run))
    t0 = time.thread_time()
    frags = detect(text.encode(), key=KEY)
    took = time.thread_time() - t0
    assert took < budget, f"detect took {took:.2f}s of CPU on a {len(run) // 1024} KiB run of escaped quotes"
    assert dump_emails("jsonrun") <= _emails(frags)


def test_a_mail_whose_from_header_the_email_package_cannot_parse_is_read_as_written() -> None:
    """Found by tests/fuzz.py's `unveil` target: a message whose From header is folded into a
    JSON value made the standard library's address parser raise AttributeError (a `Group` where
    it wanted a mailbox), out of `detect` and `detect_many`: the post and its batch were lost.
    The message is read as written."""
    import base64

    head = ('From: vendeur <v@exemple.ochannel",\n "id": 1987654321,\n "messages": [\n  {\n   "id": 10,\n'
            '   "type": "message",\n   "date": ": "bold",\n     -Type: multipart/mixed; boundary="XyZ"\n')
    part = base64.encodebytes(dump("mailpart").encode()).decode()
    post = (f"{head}\n--XyZ\nContent-Type: text/csv\nContent-Transfer-Encoding: base64\n\n{part}--XyZ--\n\n"
            f"{dump('mailafter')}")
    assert dump_emails("mailafter") <= _emails(detect(post.encode(), key=KEY))
    found = detect_many([dump("mailleft").encode(), post.encode()], key=KEY)
    assert dump_emails("mailleft") <= _emails(found[0]) and dump_emails("mailafter") <= _emails(found[1])
