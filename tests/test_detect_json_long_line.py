"""A JSON array written on ONE line longer than `Limits.max_line_chars` (1,000,000): an API's
export of 20,000 patients is routine. The detector kept such a line's head only, which no longer
parsed: no fragment at all. It is now kept whole (as an INSERT line) and read record by record,
each record in its own span (`indexer.detect.records._long_json_spans`), bare or under a wrapper
key; a deep or malformed line stays linear and bounded; both engines give the same fragments.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest

from indexer import engine
from indexer.decode import Limits
from indexer.detect import detect
from indexer.models import Fragment
from indexer.tokens import MatchKey
from tests.native_core import assert_same_fragments, require_native

KEY = MatchKey(b"\x11" * 32, version=3)
LINE_CAP = Limits().max_line_chars


def _patients(n: int, seed: int = 19) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    first = ["Claire", "Jean", "Lucie", "Marc", "Sophie", "Paul", "Nina", "Hugo"]
    last = ["Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon"]
    towns = ["Lyon", "Nantes", "Lille", "Rennes"]
    out: list[dict[str, object]] = []
    for k in range(n):
        born = f"19{rnd.randrange(40, 99)}-0{rnd.randrange(1, 9)}-1{rnd.randrange(0, 9)}"
        out.append({"id": k, "nom": rnd.choice(last), "prenom": rnd.choice(first),
                    "email": f"patient{k}.x@clinique-exemple.fr", "telephone": f"06{rnd.randrange(10**8):08d}",
                    "date_naissance": born, "ville": rnd.choice(towns),
                    "adresses": [{"ligne": f"{k % 90 + 1} rue des Lilas", "ville": rnd.choice(towns)}]})
    return out


def _ids(frags: list[Fragment]) -> Counter[tuple[str, str]]:
    return Counter((i.type, i.value) for f in frags for i in f.identifiers)


def _assert_spans_right(frag: Fragment) -> None:
    """Every e-mail's span holds it, and no record's address is left in the excerpt."""
    emails = [i for i in frag.identifiers if i.type == "email"]
    assert emails
    wrong = [i.value for i in emails if i.start is None or frag.text[i.start:i.end].lower() != i.value]
    assert wrong == []
    assert not re.search(r"patient\d+\.x@", frag.excerpt)


@pytest.fixture(scope="module")
def export_line() -> str:
    line = json.dumps(_patients(20_000), ensure_ascii=False)
    assert len(line) > 2 * LINE_CAP  # the routine export really is over the cap
    return line


@pytest.mark.parametrize("wrapped", [False, True], ids=["array", "wrapper"])
def test_a_one_line_export_over_the_line_cap_is_read_record_by_record(export_line: str, wrapped: bool) -> None:
    line = '{"status": "ok", "count": 20000, "data": ' + export_line + "}" if wrapped else export_line
    text = "export API patients\n" + line + "\nfin\n"
    t0 = time.thread_time()
    frags = detect(text.encode(), key=KEY)
    elapsed = time.thread_time() - t0
    assert [(f.kind, f.start_line, f.end_line) for f in frags] == [("jsonl", 2, 2)]
    counts = Counter(i.type for i in frags[0].identifiers)
    assert counts["email"] == counts["dob"] == counts["name"] == 20_000 and counts["phone"] > 19_000, counts
    _assert_spans_right(frags[0])
    assert frags[0].text == line  # the line whole, not its head
    assert elapsed < 60, elapsed  # (a search from the line's start per value: quadratic, minutes)


def test_the_same_records_on_a_shorter_line_give_the_same_fragment() -> None:
    """The long-line reader against the ordinary one, on the same line: a lower cap makes it long."""
    rows = _patients(400, seed=3)
    for value in (rows, {"data": {"results": rows}}):
        text = ("x\n" + json.dumps(value) + "\n").encode()
        short = detect(text, key=KEY)
        long = detect(text, key=KEY, limits=dataclasses.replace(Limits(), max_line_chars=10_000))
        assert len(short) == len(long) == 1
        assert _ids(short) == _ids(long) and sum(_ids(long).values()) > 1_000
        assert short[0].excerpt == long[0].excerpt and short[0].severity == long[0].severity
        _assert_spans_right(long[0])


def test_names_and_towns_of_later_records_are_masked_in_a_one_line_array() -> None:
    """Each record's values were searched from the line's start: a name or a town repeated in
    later records was found in the first one, and the later ones stayed in clear in the excerpt."""
    rows = [{"email": f"u{k}@exemple.fr", "nom": "Durand", "prenom": "Paul", "ville": "Lyon"} for k in range(5)]
    for value in (rows, {"status": "ok", "users": rows}):
        (frag,) = detect(("x\n" + json.dumps(value) + "\n").encode(), key=KEY)
        assert "Durand" not in frag.excerpt and "Lyon" not in frag.excerpt, frag.excerpt


def _hostile_lines() -> Iterator[tuple[str, str]]:
    record = '{"email": "a.b@exemple.fr", "telephone": "0612345678"}'
    deep = 600_000
    yield "deep", "[" + record + ", " + "[" * deep + "]" * deep + ", " + record + "]"
    yield "deep_unclosed", "[" + record + ", " + "[" * 2 * deep + "1]"
    yield "mismatched", "[" + record + ", " + "{]" * deep + ", " + record + "]"
    yield "empty_objects", "[" + ",".join(["{}"] * 340_000) + ", " + record + "]"
    yield "unterminated_string", '[{"email": "a.b@exemple.fr"}, {"x": "' + "a" * 1_200_000 + '"}]'
    yield "wrapper_deep", '{"data": [' + record + ", " + '{"a": ' * 200_000 + "1" + "}" * 200_000 + "]}"


@pytest.mark.parametrize("name,line", list(_hostile_lines()), ids=[n for n, _ in _hostile_lines()])
def test_a_deep_or_malformed_long_line_stays_linear_and_bounded(name: str, line: str) -> None:
    assert len(line) > LINE_CAP
    times = []
    for scale in (1, 2):
        text = "x\n" + "\n".join([line] * scale) + "\n"
        t0 = time.thread_time()
        detect(text.encode(), key=KEY)
        times.append(time.thread_time() - t0)
    assert times[0] < 10, times
    assert times[1] < 3 * times[0] + 0.5, times  # twice the input: about twice the time


@pytest.fixture(scope="module")
def both() -> Iterator[Callable[[bytes], tuple[list[Fragment], list[Fragment]]]]:
    require_native()

    def run(data: bytes) -> tuple[list[Fragment], list[Fragment]]:
        engine.set_engine("python")
        ref = detect(data, key=KEY)
        engine.set_engine("native")
        return ref, detect(data, key=KEY)

    try:
        yield run
    finally:
        engine.set_engine(None)


def test_both_engines_read_a_long_line_alike(both: Callable[[bytes], tuple[list[Fragment], list[Fragment]]],
                                             export_line: str) -> None:
    hostile = dict(_hostile_lines())
    lines = [export_line[:LINE_CAP + 200_000].rsplit("}, {", 1)[0] + "}]",  # ~6,000 records over the cap
             '{"data": ' + export_line[:LINE_CAP + 200_000].rsplit("}, {", 1)[0] + "}]}",
             hostile["deep"], hostile["mismatched"], hostile["wrapper_deep"]]
    for k, line in enumerate(lines):
        assert len(line) > LINE_CAP
        ref, got = both(("x\n" + line + "\n").encode())
        assert_same_fragments(ref, got, f"line {k}")
