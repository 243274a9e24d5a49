"""`firstlook.looks`: one scan says which whole-text checks may apply to a text.

`detect_text` asks it once per text (and again after a rewrite) and calls a check only when its
bit is set: other line ends (`seeds.foreign_eol`), separator lines (`spaced.compact`), no one's
addresses (`notmail.drop_no_ones`), decorated combo lines (`spaced.undecorate`). A bit must be
set wherever its check could change something (a superset), else a dump is lost; a dense dump
without any of them must not pay for the checks (wave 24: ~16% of its time). Counts, not
times. On whichever engine VIGIE_ENGINE selects (the checks are Python for both).
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import random
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import indexer.detect as D
from indexer.detect import detect, notmail, seeds, spaced
from indexer.detect import firstlook as F
from indexer.tokens import MatchKey

KEY = MatchKey(bytes.fromhex("42" * 32))
needs_scan = pytest.mark.skipif(F._db() is None, reason="no hyperscan here: every bit is set, the checks all run")


def _rows(n: int, seed: int = 7) -> str:
    """A dense dump holding none of the needles: `;` rows with an address, a phone, a name."""
    rnd = random.Random(seed)
    first = ["Jean", "Amélie", "Łukasz", "Zoë", "Chloé", "Hervé", "Noémie", "Bruno"]
    last = ["Dupont", "Lefèvre", "Nowak", "Müller", "Garnier", "Roche", "Brun", "Faure"]
    out = ["nom;prenom;email;telephone;ville"]
    for k in range(n):
        f, la = rnd.choice(first), rnd.choice(last)
        out.append(f"{la};{f};{f.lower()}.{la.lower()}{k}@example.org;06{rnd.randrange(10**8):08d};Saint-Étienne")
    return "\n".join(out) + "\n"


PAD = _rows(60)
assert len(PAD.encode()) >= F.SMALL


@needs_scan
def test_a_dump_without_them_sets_no_bit_and_small_texts_all() -> None:
    assert F.looks(PAD.encode()) == 0
    assert F.looks(PAD.encode()[: F.SMALL - 1]) == F.ALL  # (the checks' own searches are cheaper there)


@needs_scan
@pytest.mark.parametrize(
    ("needles", "bit"),
    [(tuple(seeds.FOREIGN_EOLS), F.EOL), (spaced.SEPARATOR_ENDS, F.SEPARATOR), (notmail.NEEDLES, F.NO_ONE)],
)
def test_each_needle_sets_its_bit_anywhere(needles: tuple[str, ...], bit: int) -> None:
    cut = PAD.index("\n", len(PAD) // 2) + 1
    for needle in needles:
        for text in (needle + PAD, PAD[:cut] + needle + PAD[cut:], PAD + needle):
            assert F.looks(text.encode()) & bit, (needle, text.index(needle))


def _str_needles(fn: Callable[..., Any]) -> set[str]:
    """The str constants `fn` looks for with `in`."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    return {
        n.left.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Compare)
        and isinstance(n.left, ast.Constant)
        and isinstance(n.left.value, str)
        and any(isinstance(op, ast.In) for op in n.ops)
    }


def test_the_checks_look_for_the_scans_needles_only() -> None:
    """A needle added to a check and not to its tuple would be a text the scan says no to."""
    assert _str_needles(spaced._blank_line) <= set(spaced.SEPARATOR_ENDS)
    assert _str_needles(notmail.drop_no_ones) <= set(notmail.NEEDLES)
    for c in seeds.FOREIGN_EOLS:  # (bytes: its gates are single bytes of the same needles)
        assert seeds.foreign_eol((PAD + c).encode()) and seeds.foreign_eol((c + PAD).encode())
    assert not seeds.foreign_eol(PAD.encode())


_HEADS = ["", "", "✅ ", "[+] ", "* ", "12 ", "// ", "-- ", "[ok]\t", " -> ", "🔥  ", "1. ", "#", "\t• "]
_TAILS = ["", "", " [VALID]", " | Plan = Premium", " -> ok", " ✓", "\t✓", "  ", " [hit] x", " | ", "|x"]


def _combo(rnd: random.Random) -> str:
    local = rnd.choice(["marie.l", "jdupont", "zoé", "a" * rnd.randrange(1, 70), "x_1"])
    domain = rnd.choice(["gmail.com", "orange.fr", "bücher.de", "b" * rnd.randrange(1, 140) + ".io", "a.b"])
    pw = rnd.choice(["hunter2", "P@ss", "é" * rnd.randrange(1, 5), "x" * rnd.randrange(1, 300), "pw:pw"])
    return rnd.choice(_HEADS) + local + "@" + domain + rnd.choice(":|") + pw + rnd.choice(_TAILS)


@needs_scan
def test_decorated_bit_wherever_undecorate_changes_the_text() -> None:
    """Random runs of combo lines, decorated or not, among plain rows: whenever `undecorate`
    (the whole text's, or `stream_spaced`'s by region) would rewrite, the bit is set."""
    rnd = random.Random(25)
    changed = 0
    for _ in range(250):
        lines = [_combo(rnd) for _ in range(rnd.randrange(1, 7))]
        text = PAD + "\n".join(lines) + "\n" + PAD[: rnd.randrange(0, 400)]
        if spaced.undecorate(text) is not None:
            changed += 1
            assert F.looks(text.encode()) & F.DECORATED, lines
    assert changed > 30  # (the draw holds decorated runs: the check above was asked)
    assert not F.looks((PAD + "a@b.fr:pw\nc@d.fr|pw\ne@f.fr:pw\n").encode()) & F.DECORATED


_CASES = {
    "plain": PAD,
    "decorated": PAD + "".join(f"✅ user{k}@gmail.com:pass{k} | Plan = Premium\n" for k in range(5)),
    "separated": "\n\n".join(PAD.splitlines()[:40]) + "\n",
    "u2028": PAD.replace("\n", "\u2028"),
    "form_feed": PAD.replace("\n", "\x0c", 30),
    "masked": PAD.replace("@example.org", "***@example.org", 5) + "xxxx@xxxx.fr;Jean;0612345678\n",
    "sql_quote": "INSERT INTO t VALUES "
    + ",".join(f"('o''connor{k}@eircom.net','061234567{k % 10}')" for k in range(60))
    + ";\n",
    "userinfo": PAD + "".join(f"android://h{k}@com.doctolib.android/;dr{k}@docto.fr;pw{k}\n" for k in range(5)),
}


def _frags(text: str) -> list[dict[str, Any]]:
    return [dataclasses.asdict(f) for f in detect(text.encode(), key=KEY)]


@pytest.mark.parametrize("case", sorted(_CASES))
def test_same_fragments_as_with_every_check_asked(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _CASES[case]
    got = _frags(text)
    monkeypatch.setattr(F, "looks", lambda _b: F.ALL)
    assert got == _frags(text)
    assert got  # (each case is a dump: a lost one would compare equal to nothing lost)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """How many times detection calls each whole-text check."""
    seen: dict[str, int] = {}

    def counted(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*a: Any, **k: Any) -> Any:
            seen[name] = seen.get(name, 0) + 1
            return fn(*a, **k)

        return wrapper

    for mod, name in (
        (D, "foreign_eol"),
        (seeds, "foreign_eol"),
        (D, "_undecorate"),
        (D, "_compact_spaced"),
        (D, "drop_no_ones"),
    ):
        monkeypatch.setattr(mod, name, counted(name, getattr(mod, name)))
    yield seen


@needs_scan
def test_a_dense_dump_calls_none_of_the_checks(calls: dict[str, int]) -> None:
    """Before the scan: foreign_eol twice, undecorate, compact and drop_no_ones once each."""
    frags = detect(_rows(2000).encode(), key=KEY)
    assert frags and sum(len(f.identifiers) for f in frags) >= 4000
    assert calls == {}


@needs_scan
def test_a_dump_with_them_calls_them(calls: dict[str, int]) -> None:
    detect(_CASES["masked"].encode(), key=KEY)
    assert calls.get("drop_no_ones")
    detect(_CASES["u2028"].encode(), key=KEY)
    assert calls.get("foreign_eol")


# ---------------------------------------------------------------- the line loops made C-level
def test_copy_end_is_the_line_by_line_search() -> None:
    """`records._copy_end` (`list.index`, a join) finds the line the old loop found: the first
    from `j` whose `rstrip()` is `\\.` (with blanks after it, an NBSP, or none), else the end."""
    from indexer.detect.records import _copy_end

    def loop(lines: list[str], j: int) -> int:
        while j < len(lines) and lines[j].rstrip() != "\\.":
            j += 1
        return j

    rnd = random.Random(17)
    pool = ["a;b", "\\.", "\\. ", "\\.\t", " \\.", "\\.x", "\\", ".", "", "x\\.", "\\.\u00a0"]
    for _ in range(3000):
        lines = [rnd.choice(pool) if rnd.random() < 0.2 else f"r{k}" for k in range(rnd.randrange(0, 12))]
        j = rnd.randrange(0, len(lines) + 1)
        assert _copy_end(lines, j) == loop(lines, j), (lines, j)
