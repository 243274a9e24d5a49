"""Hostile encodings (wave 23's hostile-input round): text whose encoding changes, or lies, must be
read whole, its every part as what it is.

- a file that switches from UTF-8 to UTF-16 (no BOM) within its first 4 KiB (an export appended to
  a UTF-8 header, two files concatenated) was read whole as UTF-16: its head's bytes paired into
  CJK characters and its records were lost, in `decode()` (an attachment, a post) and in the
  streamed path of big files (`indexer.detect.blocks`) alike. A file in UTF-16 from its first byte,
  CJK first characters included, is read as before.
"""

from __future__ import annotations

import pytest

from indexer.decode import decode
from indexer.detect import detect
from indexer.detect.parallel import detect_here
from indexer.tokens import MatchKey
from tests.hostile_files import dump, dump_emails

KEY = MatchKey(b"\x23" * 32, version=2)


def _emails(frags: object) -> set[str]:
    return {i.value for f in frags for i in f.identifiers if i.type == "email"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("pad", ["", "x", "Hélène\n", "é"])
def test_a_file_switching_from_utf8_to_utf16_keeps_its_head(enc: str, pad: str) -> None:
    # `pad`: heads of even and odd length, ending on a line break or not
    head = ("# export du 2026-11-30, Hélène Dupont\n" + dump("head8") + pad).encode()
    tail = dump("tail16", 40).encode(enc)
    data = head + tail
    assert len(head) < 4096 and data.find(b"\0") < 4096
    text = decode(data, filename="clients.csv")
    assert text.startswith("# export du 2026-11-30, Hélène Dupont\n")  # before the fix: CJK characters
    assert dump("tail16", 40)[len("email;telephone;ville\n"):] in text
    assert dump_emails("head8") | dump_emails("tail16", 40) <= _emails(detect(data, key=KEY, filename="clients.csv"))
    # the streamed path (a big file's): transcoded from where the UTF-16 starts
    streamed = _emails(detect_here([data[:1000], data[1000:]], key=KEY, filename="clients.csv"))
    assert dump_emails("head8") | dump_emails("tail16", 40) <= streamed


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("first", ["", "中文名字 ", "中 ", "客户\n"])
def test_a_utf16_file_from_its_first_byte_is_read_as_before(enc: str, first: str) -> None:
    text = first + dump("whole16", 20)
    assert decode(text.encode(enc), filename="clients.csv") == text
    assert dump_emails("whole16", 20) <= _emails(detect_here([text.encode(enc)], key=KEY, filename="clients.csv"))
