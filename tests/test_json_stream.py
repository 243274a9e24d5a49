"""The one scanner of a one-line JSON export (`indexer.detect.json_stream`) that both its readers use:
`records` (the record spans of a whole line `detect()` keeps) and `chunking` (where a streamed
line is cut between records). Strings and escapes are passed over, deep containers counted, a
mismatch ends the scan; a string left open ends a window's scan but not a whole line's, and the
whole line's stays linear however many escaped quotes follow it."""

from __future__ import annotations

import json
import time

from indexer.detect import records
from indexer.detect.json_stream import (
    ARRAY,
    CLOSE_ARRAY,
    CLOSE_OBJECT,
    OBJECT,
    JsonCut,
    brackets,
    containers,
    opens_records,
)


def test_brackets_inside_strings_and_escapes_are_not_brackets() -> None:
    line = r'[{"a": "x]}{[", "b\"}": "\\"}, {"c": "\"]"}]'
    want = [(0, ARRAY), (1, OBJECT), (line.index("}, {"), CLOSE_OBJECT), (line.index("{", line.index("}, {")), OBJECT),
            (len(line) - 2, CLOSE_OBJECT), (len(line) - 1, CLOSE_ARRAY)]
    assert list(brackets(line)) == want
    assert list(brackets(line.encode())) == want  # the same on bytes (ASCII: the same offsets)


def test_a_string_left_open_ends_a_windows_scan_not_a_whole_lines() -> None:
    line = '[{"a": 1}, {"b": "open]}'
    assert [k for _, k in brackets(line)] == [ARRAY, OBJECT, CLOSE_OBJECT, OBJECT, CLOSE_ARRAY, CLOSE_OBJECT]
    assert [k for _, k in brackets(line.encode(), window=True)] == [ARRAY, OBJECT, CLOSE_OBJECT, OBJECT]


def test_containers_count_deep_ones_and_stop_at_a_mismatch() -> None:
    deep = "[" + "[" * 30 + "]" * 30 + "{}" + "]"
    got = list(containers(deep, 4))
    assert [(k, d) for _, k, d in got] == [(ARRAY, 1), (ARRAY, 2), (ARRAY, 3), (ARRAY, 4), (CLOSE_ARRAY, 3),
                                           (CLOSE_ARRAY, 2), (CLOSE_ARRAY, 1), (OBJECT, 2), (CLOSE_OBJECT, 1),
                                           (CLOSE_ARRAY, 0)]
    assert [k for _, k, _ in containers("[{]}", 8)] == [ARRAY, OBJECT]  # `]` does not close `{`: the scan ends
    # a later window of a line: the containers open where it starts are given, outermost first
    assert [(k, d) for _, k, d in containers('{"x": 1}]}', 8, [OBJECT, ARRAY])] == [
        (OBJECT, 3), (CLOSE_OBJECT, 2), (CLOSE_ARRAY, 1), (CLOSE_OBJECT, 0)]


def test_opens_records_on_text_and_bytes() -> None:
    for head in ('  [{"a": 1}', '{"data": [ {"a": 1}', b'[\t{"a"', b'{"rows": [{'):
        assert opens_records(head)
    for head in ('[1, 2, {"a": 1}]', '"[{"', b"x[{", b'{"a": 1}'):
        assert not opens_records(head)
    assert not opens_records("[" + " " * 100 + "{", end=50)  # its array of objects past the head


def test_a_cut_reopens_the_wrapper_with_its_key() -> None:
    rows = [{"email": f"p{k}@exemple.fr"} for k in range(6)]
    line = json.dumps({"status": "ok", "data": rows}).encode()
    cut = JsonCut()
    at = cut.cut(line, len(line) // 2)
    assert at is not None
    piece = line[:at[0]] + cut.closers
    rest = cut.opener + line[at[1]:]
    assert json.loads(piece)["data"] + json.loads(rest)["data"] == rows
    assert cut.opener == b'{"data": [' and cut.closers == b"]}"


def test_a_whole_line_with_an_open_string_full_of_escaped_quotes_is_scanned_in_linear_time() -> None:
    """A string left open, then escaped quotes to the line's end: scanned as strings, each of those
    quotes was read to the line's end again (40 KB took 6 s of CPU; a 1 MB line in `detect()`, hours).
    The records before it are still read."""
    head = [{"email": "claire.martin@exemple.fr"}, {"email": "jean.dubois@exemple.fr"}]
    line = json.dumps(head)[:-1] + ', {"note": "' + '\\"' * 20_000 + "}]"
    t0 = time.process_time()
    spans = records._long_json_spans(line)
    took = time.process_time() - t0
    assert [obj for _, _, obj in spans] == head
    assert took < 0.5, f"{took:.2f} s of CPU for a 40 KB line: not linear"
