"""Attacker's review, round 17: what a hostile site or forum member could still slow (wave 30).

- `indexer.detect.pivot` (wave 29: an entity's fields one a row, read as one row per entity) tried
  every start of a run again when the run made no block: each `1) "..."` line of redis-cli's
  replies, each `HSET` line after an `OK`, each object literal after one with quoted keys read the
  rest of the run once more. A post of 4,000 such lines (28 to 112 kB) cost 6 to 38 CPU-seconds of
  detection (before the item's `max_seconds` is looked at), quadratic: any member of a watched
  forum stalled its detection and, past the cap, hid a dump posted under the lines. A run that made
  no block is now not read again from a start inside it (its tail reads the same lines the same
  way: no block either); the rewrite is the same (checked against trying every start).
- `crawler._charset.repaired_text` (wave 29: a page declared UTF-8 holding windows-1252 bytes) read
  each byte that is no UTF-8 through an error handler of ours, ~1.4 microseconds a byte: a page of
  such bytes (20 MB, `limits.max_download_bytes`) held the crawl's event loop ~30 CPU-seconds,
  page after page. Python's `surrogateescape` and one `translate` give the same text.

Cheap: the functions called directly (and `detect` on two of the posts), CPU time measured.
"""

from __future__ import annotations

import random
import time

import pytest

from crawler._charset import repaired_text
from indexer.detect import detect, pivot
from indexer.tokens import MatchKey

KEY = MatchKey(b"\x07" * 32)
# what each hostile shape costs now (0.01 to 0.1 CPU-s) is far under this; before, 6 to 38 CPU-s
CPU_BOUND = 1.5


def _cpu(fn, *args):  # type: ignore[no-untyped-def]
    start = time.process_time()
    out = fn(*args)
    return time.process_time() - start, out


def _fields41() -> str:
    return "".join(f'{2 * i + 1}) "f{i}"\n{2 * i + 2}) "v"\n' for i in range(41))


# each: a run whose every start was read to its end again (4,000 repeated units)
PIVOT_RUNS = {
    # redis-cli replies numbered from 1 again and again, too short to be an entity
    "numbered_ones": '1) "x"\n' * 4000,
    # an e-mail under a field name each time, one pair an entity: never the four lines an entity needs
    "numbered_pairs": '1) "email"\n2) "claire.martin@example.net"\n' * 4000,
    # entities enough, but more than 40 fields once the last reply is counted
    "numbered_too_many_fields": '1) "a"\n2) "1"\n3) "b"\n4) "2"\n' * 4000 + _fields41(),
    # one hash written again and again, an `OK` between: one key, no block
    "hset_one_key": 'HSET k f v\nOK\n' * 4000,
    "hset_one_key_integer_replies": 'hset user:1 nom "Dupont"\n(integer) 1\n' * 4000,
    # object literals of untyped fields, every other line with quoted keys (no start of its own)
    "objects_untyped": 'CREATE (\n' + '{a: 1, b: 2, c: 3}\n{"a": 1, "b": 2, "c": 3}\n' * 4000,
}


@pytest.mark.parametrize("name", sorted(PIVOT_RUNS))
def test_a_run_of_pivot_lines_costs_linear_time(name: str) -> None:
    text = "contact: jean.dupont@example.org\n" + PIVOT_RUNS[name]
    cpu, _ = _cpu(pivot.rewrite, text)
    assert cpu < CPU_BOUND, f"{name}: {cpu:.2f} CPU-s for {len(text)} characters"


DUMP = ("nom;prenom;email;telephone\nMartin;Claire;claire.martin@laposte.net;06 12 34 56 78\n"
        "Renaud;Hugo;hugo.renaud@orange.fr;07 61 23 45 89\nBlanc;Lea;lea.blanc@free.fr;06 45 78 12 36\n"
        "Roux;Marc;marc.roux@sfr.fr;06 98 76 54 32\n")


@pytest.mark.parametrize("name", ["numbered_ones", "hset_one_key"])
def test_a_post_of_pivot_lines_is_detected_in_linear_time(name: str) -> None:
    """Through `detect`, on the engine the suite runs (both passes): the dump under the lines still read."""
    text = "Nouveau membre, contact: jean.dupont@example.org\n" + PIVOT_RUNS[name] + "\n" + DUMP
    detect(DUMP, key=KEY)  # (detection's one-time set-up, not counted)
    cpu, frags = _cpu(lambda t: detect(t, key=KEY), text)
    assert cpu < CPU_BOUND * 2, f"{name}: {cpu:.2f} CPU-s"
    found = {i.value for f in frags for i in f.identifiers if i.type == "email"}
    assert {"claire.martin@laposte.net", "hugo.renaud@orange.fr"} <= found, found


# ordinary blocks still read (the same rewrite as before the change), and benign texts of the same
# shapes left alone
def test_ordinary_blocks_are_still_rewritten() -> None:
    hgetall = ('127.0.0.1:6379> HGETALL patient:1\n1) "nom"\n2) "Martin"\n3) "email"\n4) "c.martin@example.net"\n'
               '127.0.0.1:6379> HGETALL patient:2\n1) "nom"\n2) "Leroy"\n3) "email"\n4) "p.leroy@example.org"\n')
    got = pivot.rewrite(hgetall)
    assert got is not None and "nom|email" in got[0] and "Leroy|p.leroy@example.org" in got[0]
    hsets = ('HSET user:1 nom "Martin" email c.martin@example.net\nOK\nHSET user:2 nom "Leroy" email '
             'p.leroy@example.org\n(integer) 1\nHSET user:1 tel 0612345678\nOK\n')
    got = pivot.rewrite(hsets)
    assert got is not None and "Martin|c.martin@example.net|0612345678" in got[0]
    objs = ('CREATE (\n{nom: "Martin", email: "c.martin@example.net", tel: "0612345678"}\n'
            '{"nom": "Leroy", "email": "p.leroy@example.org", "tel": "0698765432"}\n')
    got = pivot.rewrite(objs)
    assert got is not None and "Leroy|p.leroy@example.org|0698765432" in got[0]


@pytest.mark.parametrize("text", [
    "Mes conseils :\n1) \"sauvegarder\"\n2) \"chiffrer\"\n1) \"tester\"\nOK\n",  # a numbered list in a post
    "HSET cache:1 hits 3\nOK\nHSET cache:1 misses 4\nOK\n",  # one key's counters
    "CREATE (\n{a: 1, b: 2, c: 3}\n{\"a\": 4, \"b\": 5, \"c\": 6}\n",  # untyped objects
])
def test_benign_texts_of_the_same_shapes_stay_as_written(text: str) -> None:
    assert pivot.rewrite(text) is None


def _reference_blocks(text: str, lines: list[str]) -> list[tuple[int, int, list]]:  # type: ignore[type-arg]
    """`pivot._blocks` as it was: every start tried, whatever the runs before it made."""
    found: list = []  # type: ignore[type-arg]
    starts: list[tuple[int, str]] = []
    if pivot._NUMBERED_LOOK in text:
        starts += [(k, "n") for k, ln in enumerate(lines) if ln.lstrip()[:3] == "1) " and pivot._NUMBERED.match(ln)]
    if any(w in text for w in pivot._HSET_LOOKS):
        up = [k for k, ln in enumerate(lines) if pivot._may_hset(ln) and pivot._hset(ln) is not None]
        starts += [(k, "h") for i, k in enumerate(up) if i == 0 or up[i - 1] != k - 1]
    looks = [w for w in pivot._EAV_LOOKS if w in text]
    if looks:
        starts += [(k, "e") for k, ln in enumerate(lines) if any(w in ln for w in looks)]
    if pivot._objects_may(text):
        obj = [k for k, ln in enumerate(lines) if "{" in ln and pivot._OBJ_LOOK.search(ln) is not None]
        starts += [(k, "o") for i, k in enumerate(obj) if i == 0 or obj[i - 1] != k - 1]
    starts.sort()
    end = tries = 0
    for k, kind in starts:
        if k < end:
            continue
        if kind == "e":
            tries += 1
            if tries > pivot._MAX_TRIES:
                continue
            eav = pivot._eav_block(lines, k)
            if isinstance(eav, int):
                end = eav
                continue
            got = eav
        else:
            got = (pivot._numbered if kind == "n" else pivot._hsets if kind == "h" else pivot._objects)(lines, k)[0]
        if got is None:
            continue
        fields = {f for ent in got[2] for f, _ in ent[0]}
        if len(fields) > pivot._MAX_FIELDS or pivot._typed(fields) < pivot._MIN_TYPED:
            continue
        found.append(got)
        end = got[1]
        if len(found) >= pivot._MAX_BLOCKS:
            break
    return found


def test_the_blocks_are_those_every_start_tried_finds() -> None:
    rnd = random.Random(17)
    fields = ["email", "nom", "prenom", "tel", "ddn", "x", "y", "ville", "mail", "phone"]
    values = ["a@b.fr", "Jean", "0612345678", "1980-01-02", "z", "Paris"]

    def line() -> str:
        f, v, n = rnd.choice(fields), rnd.choice(values), rnd.randint(1, 6)
        return rnd.choice([
            f'{n}) "{f}"', f'{n}) "{v}"', f"127.0.0.1:6379> HGETALL user:{n}", "", "OK", "(integer) 1",
            f'HSET user:{rnd.randint(1, 3)} {f} "{v}" {rnd.choice(fields)} {v}', f"HSET k {f}",
            f'{{{f}: "{v}", {rnd.choice(fields)}: "{v}", {rnd.choice(fields)}: 1}}',
            f'{{"{f}": "{v}", "a": 1, "b": 2}}',
            "CREATE (", f"({n}, {rnd.randint(1, 3)}, '{f}', '{v}'),", "meta_key", f"{n};{f};{v}", "hello world",
            f"uid={n} field={f} value={v}"])

    found = 0
    for _ in range(1500):
        text = "\n".join(line() for _ in range(rnd.randint(3, 40)))
        lines = text.split("\n")
        want = _reference_blocks(text, lines)
        assert pivot._blocks(text, lines) == want, text
        found += bool(want)
    assert found > 50  # (the texts do make blocks)


# ------------------------------------------------------------------------------- charset repair

def _per_byte(body: bytes) -> str:
    """The reading before this round: each byte no UTF-8 reads as windows-1252, the rest as UTF-8."""
    def handler(error: UnicodeError) -> tuple[str, int]:
        assert isinstance(error, UnicodeDecodeError)
        bad = error.object[error.start:error.end]
        return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in bad), error.end
    import codecs
    codecs.register_error("test-round17-cp1252", handler)
    return body.decode("utf-8", "test-round17-cp1252")


PAGES = {
    "latin_letters": b"\xe9" * 3_000_000,
    "latin_letter_then_ascii": b"\xe9a" * 1_500_000,
    "latin_then_utf8": b"\xe9\xc3\xa9" * 1_000_000,
    "cp1252_quotes_and_undefined": b"\x93\x81\x94\x9d" * 750_000,
    "truncated_sequences": b"\xe2\x82" * 1_500_000,
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_page_of_bytes_no_utf8_is_read_in_linear_time(name: str) -> None:
    body = b"<html><body><p>" + PAGES[name] + b"</p></body></html>"
    cpu, got = _cpu(repaired_text, "utf-8", body)
    assert got is not None and got[1].startswith("not UTF-8")
    assert cpu < 1.0, f"{name}: {cpu:.2f} CPU-s for {len(body)} bytes"
    if name == "latin_then_utf8":
        assert got[0][15:21] == "é" * 6


def test_the_repaired_text_is_the_per_byte_reading() -> None:
    rnd = random.Random(1717)
    pool = [0xC3, 0xE9, 0xED, 0xF0, 0xF4, 0x80, 0xA9, 0x81, 0x9D, 0x93]
    for _ in range(5000):
        body = bytes(rnd.choice([rnd.randrange(256), rnd.randrange(128), rnd.choice(pool)])
                     for _ in range(rnd.randint(1, 40))) + b"\xff"
        got = repaired_text("utf-8", body)
        assert got is not None and got[0] == _per_byte(body), body
    mixed = "Prénom;Nom\nHélène;Müller\n".encode() + "Françoise;Léger\n".encode("cp1252") + "Zoë;Ørsted\n".encode()
    got = repaired_text("utf-8", mixed)
    assert got is not None and got[0] == "Prénom;Nom\nHélène;Müller\nFrançoise;Léger\nZoë;Ørsted\n"
    assert repaired_text("utf-8", "déjà lu, rien à réparer".encode()) is None  # UTF-8 whole: left to Scrapy
