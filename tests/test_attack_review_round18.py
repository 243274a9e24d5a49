"""Attacker's review, round 18 (wave 31): what a hostile site or forum member could still break.

- A 7z's coders' memory, again (round 17 capped each coder: an LZMA dictionary cut to what its folder
  unpacks, a PPMd model past 256 MB refused). py7zr keeps every folder's decompressor to the end of
  the extraction, so the memory of a 7z's folders adds up: nine members stored each in its own folder
  (7-Zip's `-ms=off`, or solid blocks of two), every folder a PPMd model of 256 MB (within the cap),
  held 2.3 GB, and under the crawl's address-space limit (`service.crawl_memory_limit_bytes`, 2 GB)
  pyppmd's allocation failed, freed twice and ABORTED the whole crawl process ("double free or
  corruption"): a 2 kB attachment any member of a watched forum (or a paste site's upload) can post
  killed the source's crawl, at every crawl (the file stays pending). One folder chaining four PPMd
  coders of 256 MB each (7-Zip writes it when asked) did the same in a process 1 GB from its limit.
  Now a folder's decompressor, when made, releases the others' (one folder held at a time), and a
  folder whose coders together need more than 256 MB or twice what it unpacks is refused as a bomb.

Cheap: 7-Zip (`7zz`, Debian's 7zip) writes small archives, one subprocess under a 1 GB address-space
limit reads them all (~3 s).
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from tests.hostile_files import dump, dump_emails

_PPMD, _LZMA2 = b"\x03\x04\x01", b"\x21"
_MB = 1 << 20


def _seven_zip(tmp: Path, tag: str, names: list[str], *switches: str) -> bytes:
    """A 7z of `names` (each a dump tagged `tag`+its index; a `.bin` a few random-looking bytes)
    written by 7-Zip with `switches`, its header not compressed (its coders can be rewritten) unless
    `-mhc=on` is one of them."""
    exe = shutil.which("7zz") or shutil.which("7z")
    if exe is None:
        raise RuntimeError("7-Zip (Debian package 7zip) is needed to write a 7z: scripts/setup.sh installs it")
    work = tmp / tag
    work.mkdir()
    for k, name in enumerate(names):
        data = dump(f"{tag}{k}").encode() if name.endswith(".csv") else bytes(range(256)) * (k + 1)
        (work / name).write_bytes(data)
    header = [] if "-mhc=on" in switches else ["-mhc=off"]
    subprocess.run([exe, "a", "-bd", "-bso0", "-bsp0", *header, *switches, "x.7z", *names], cwd=work, check=True)
    return (work / "x.7z").read_bytes()


def _every_coder(data: bytes, method: bytes, props: bytes) -> bytes:
    """`data` (a 7z, header not compressed) with the properties of EVERY coder of `method` replaced
    by `props` and the header's and start header's CRCs made right: what a hostile archiver writes."""
    offset, size = struct.unpack_from("<QQ", data, 12)
    start = 32 + offset
    header = bytearray(data[start:start + size])
    flag = bytes([0x20 | len(method)])  # a coder with properties, its id `len(method)` bytes long
    at, n = 0, 0
    while (at := header.find(flag + method, at)) >= 0:
        at += 1 + len(method)
        assert header[at] == len(props), header.hex()
        header[at + 1:at + 1 + len(props)] = props
        n += 1
    assert n, "no such coder"
    out = bytearray(data[:start] + bytes(header) + data[start + size:])
    struct.pack_into("<I", out, 28, zlib.crc32(header))
    struct.pack_into("<I", out, 8, zlib.crc32(bytes(out[12:32])))
    return bytes(out)


def _ppmd(mem: int) -> bytes:
    return b"\x06" + mem.to_bytes(4, "little")


# each archive in a process of 1 GB of address space (a crawl's limit is 2 GB, most of it its own)
_WORKER = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from crawler.attachments import expand_attachment
    from vigie.config.schema import AttachmentLimits
    for name, path in json.loads(sys.stdin.read()):
        print(json.dumps({"name": name, "start": True}), flush=True)
        try:
            files = expand_attachment(name, open(path, "rb").read(), AttachmentLimits(), [])
            error = None
        except Exception as exc:
            files, error = [], f"{type(exc).__name__}: {exc}"
        print(json.dumps({"name": name, "files": {f.filename: f.data.decode("utf-8", "replace") for f in files},
                          "error": error}), flush=True)
""")


def _read_all(tmp: Path, cases: dict[str, bytes]) -> dict[str, dict[str, object]]:
    paths = []
    for name, data in cases.items():
        (tmp / name).write_bytes(data)
        paths.append((name, str(tmp / name)))
    proc = subprocess.run([sys.executable, "-c", _WORKER], input=json.dumps(paths), capture_output=True, text=True,
                          timeout=120, check=False)
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    last = rows[-1]["name"] if rows else None
    assert proc.returncode == 0, f"the reader died (exit {proc.returncode}) reading {last}: {proc.stderr[-600:]}"
    return {r["name"]: r for r in rows if "start" not in r}


def _dumps_read(row: dict[str, object], tag: str, count: int) -> bool:
    text = "\n".join(row["files"].values())  # type: ignore[attr-defined]
    return row["error"] is None and all(e in text for k in range(count) for e in dump_emails(f"{tag}{k}"))


CSV9 = [f"clients{k}.csv" for k in range(9)]
MIXED = [n for k in range(12) for n in (f"c{k:02d}.csv", f"b{k:02d}.bin")]


def _csvs(tmp: Path, tag: str, name: str) -> dict[str, str]:
    """The `.csv` members 7-Zip was given for `tag`'s archive, as the reader names them."""
    return {f"{name}/{p.name}": p.read_text() for p in sorted((tmp / tag).glob("*.csv"))}


def test_a_7z_of_many_folders_each_asking_a_big_model_is_read_one_folder_at_a_time(tmp_path: Path) -> None:
    """Each folder's PPMd model within the cap (256 MB, 200 MB, 7-Zip's own 192 MB at -mx=9), but
    all of them held at once: the reading process aborted (pyppmd's double free once its
    allocation failed). Now read whole, one folder's model at a time."""
    cases = {
        # nine members, a folder each (7-Zip's -ms=off)
        "nine_folders_256m.7z": _every_coder(_seven_zip(tmp_path, "neuf", CSV9, "-ms=off", "-m0=PPMd:mem=16m"),
                                             _PPMD, _ppmd(256 * _MB)),
        # solid blocks of two members: a block's second member is read by the decompressor its first made
        "solid_pairs_200m.7z": _every_coder(_seven_zip(tmp_path, "paires", [f"c{k}.csv" for k in range(10)],
                                                       "-ms=2f", "-m0=PPMd:mem=16m"), _PPMD, _ppmd(200 * _MB)),
        # members of a type not read in blocks of their own between them (7-Zip groups by type)
        "mixed_types_192m.7z": _every_coder(_seven_zip(tmp_path, "melange", MIXED, "-ms=2f", "-m0=PPMd:mem=16m"),
                                            _PPMD, _ppmd(192 * _MB)),
    }
    got = _read_all(tmp_path, cases)
    for name, tag in zip(cases, ("neuf", "paires", "melange"), strict=True):
        assert got[name]["error"] is None and got[name]["files"] == _csvs(tmp_path, tag, name), got[name]


def test_a_folder_chaining_coders_that_need_too_much_is_refused(tmp_path: Path) -> None:
    """One folder, its coders chained (7-Zip writes `-m0=PPMd -m1=PPMd ...` when asked; no one
    does): four 256 MB models aborted a process 1 GB from its limit; two or three of 200 MB asked
    for more than any archive's member needs. Refused as bombs; the process reads on."""
    def chain(tag: str, coders: int, mem: int) -> bytes:
        switches = [f"-m{i}=PPMd:mem=16m" for i in range(coders)]
        return _every_coder(_seven_zip(tmp_path, tag, ["clients0.csv"], *switches), _PPMD, _ppmd(mem))

    cases = {
        "four_ppmd_256m.7z": chain("quatre", 4, 256 * _MB),
        "three_ppmd_200m.7z": chain("trois", 3, 200 * _MB),
        "two_ppmd_160m.7z": chain("deux", 2, 160 * _MB),
    }
    guards = {  # what 7-Zip writes, read as before
        "one_ppmd_256m.7z": (_every_coder(_seven_zip(tmp_path, "seul", ["clients0.csv"], "-m0=PPMd:mem=16m"),
                                          _PPMD, _ppmd(256 * _MB)), "seul", 1),
        "two_ppmd_16m.7z": (chain("petits", 2, 16 * _MB), "petits", 1),
        "delta_lzma2_max.7z": (_every_coder(_seven_zip(tmp_path, "delta", CSV9, "-ms=off", "-m0=Delta:4",
                                                       "-m1=LZMA2:d=64k"), _LZMA2, b"\x28"), "delta", 9),
        "solid_lzma2.7z": (_seven_zip(tmp_path, "solide", CSV9, "-m0=LZMA2:d=1m"), "solide", 9),
    }
    got = _read_all(tmp_path, {**cases, **{name: data for name, (data, _, _) in guards.items()}})
    for name in cases:
        assert str(got[name]["error"]).startswith("ArchiveBombError") and "coders need" in str(got[name]["error"]), \
            got[name]
    for name, (_, tag, count) in guards.items():
        assert _dumps_read(got[name], tag, count), got[name]


@pytest.mark.parametrize("count", [2, 5])
def test_folders_read_one_at_a_time_give_what_all_at_once_gave(tmp_path: Path, count: int) -> None:
    """Releasing a finished folder's decompressor changes nothing read: several members per block,
    blocks of LZMA2 and of PPMd, every member's bytes as 7-Zip stored them."""
    import io

    import py7zr

    from crawler._sevenzip import CountedMembers, bound_dictionaries
    from crawler.attachments import _Budget
    from vigie.config.schema import AttachmentLimits

    for method in ("LZMA2:d=64k", "PPMd:mem=16m"):
        tag = f"b{count}{method[:4].lower()}"
        names = [f"m{k}.csv" for k in range(7)]
        data = _seven_zip(tmp_path, tag, names, f"-ms={count}f", f"-m0={method}")
        archive = py7zr.SevenZipFile(io.BytesIO(data), mode="r")
        assert bound_dictionaries(archive) is None
        written = CountedMembers("x.7z", _Budget(AttachmentLimits()))
        with archive:
            archive.extract(targets=names, factory=written)
        assert {n: m.data() for n, m in written.members.items()} == {
            n: (tmp_path / tag / n).read_bytes() for n in names}


def _header_coder_made_ppmd(data: bytes, mem: int) -> bytes:
    """`data` (a 7z whose header 7-Zip compressed with LZMA) with that header's coder made a PPMd
    coder asking for a `mem`-byte model (the same length of properties), CRCs made right."""
    offset, size = struct.unpack_from("<QQ", data, 12)
    start = 32 + offset
    header = bytearray(data[start:start + size])
    assert header[0] == 0x17, "the header is not encoded"
    at = header.find(b"\x23" + b"\x03\x01\x01" + b"\x05")  # a coder with properties, LZMA, 5 bytes of them
    assert at >= 0, header.hex()
    header[at:at + 10] = b"\x23" + _PPMD + b"\x05" + _ppmd(mem)
    out = bytearray(data[:start] + bytes(header) + data[start + size:])
    struct.pack_into("<I", out, 28, zlib.crc32(header))
    struct.pack_into("<I", out, 8, zlib.crc32(bytes(out[12:32])))
    return bytes(out)


def test_an_encoded_header_asking_a_big_model_is_refused_before_py7zr_opens_it(tmp_path: Path) -> None:
    """py7zr unpacks an encoded header while it opens the archive, before any of the checks on its
    folders: a header whose coder is PPMd asking for 4 GB or 1.5 GB aborted the reading process
    (round 17 caught only an LZMA header's MemoryError). The header's coders are read from the bytes
    first and held to what a folder's may need; an ordinary compressed header reads as before."""
    many = _seven_zip(tmp_path, "entete", [f"clients{k}.csv" for k in range(40)], "-mhc=on", "-m0=LZMA:d=64k")
    few = _seven_zip(tmp_path, "petit", CSV9, "-mhc=on", "-m0=LZMA:d=64k")
    cases = {
        "header_ppmd_4g.7z": _header_coder_made_ppmd(few, (1 << 32) - 1),
        "header_ppmd_1500m.7z": _header_coder_made_ppmd(few, 1500 * _MB),
        "header_ppmd_768m_forty.7z": _header_coder_made_ppmd(many, 768 * _MB),
    }
    got = _read_all(tmp_path, {**cases, "header_lzma.7z": few, "header_lzma_forty.7z": many})
    for name in cases:
        assert str(got[name]["error"]).startswith("ArchiveBombError") and "encoded header" in str(got[name]["error"]), \
            got[name]
    assert got["header_lzma.7z"]["error"] is None and got["header_lzma.7z"]["files"] == _csvs(tmp_path, "petit",
                                                                                              "header_lzma.7z")
    assert got["header_lzma_forty.7z"]["files"] == _csvs(tmp_path, "entete", "header_lzma_forty.7z")


# ---------------------------------------------------------------- a page's JSON with a string never closed
# each ~40 kB: 4 to 5 CPU-s before (quadratic: a 4 MB page, `MAX_JSON_CHARS`, hours), milliseconds now
UNCLOSED = {
    "escaped_quotes": '"' + '\\"' * 20_000,
    "in_an_object": '{"posts": [{"body": "' + '\\"[' * 13_000,
    "escaped_quotes_and_brackets": '["' + '\\"]\\"}' * 8_000,
    "backslashes_between": '"' + '\\\\\\"' * 10_000,
}


@pytest.mark.parametrize("case", sorted(UNCLOSED))
def test_a_json_string_never_closed_costs_linear_time(case: str) -> None:
    """`vigie.core.jsonpath.load_json` (a page's embedded JSON for `post.from_json`, a page served
    as JSON) counts the document's depth before parsing it, brackets inside strings left out; its
    pattern for a string needed the closing quote, so a string never closed was read to the end
    again from each of its escaped quotes: 4 to 5 CPU-seconds for 40 kB, hours for the 4 MB a
    page's JSON may weigh, in the crawl's event loop, page after page. A hostile site's page."""
    import time

    from vigie.core.jsonpath import JsonUnreadable, load_json

    start = time.process_time()
    with pytest.raises(JsonUnreadable):
        load_json(UNCLOSED[case])
    assert time.process_time() - start < 0.5


def test_the_depth_count_reads_valid_json_as_before() -> None:
    """Documents nested past the bound are still refused unparsed, those within it parsed, brackets
    and escaped quotes inside their strings not counted; the same on random documents as the
    pattern that needed the closing quote (on texts short enough for it)."""
    import random
    import re

    from vigie.core import jsonpath
    from vigie.core.jsonpath import MAX_JSON_DEPTH, JsonUnreadable, load_json

    deep = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(JsonUnreadable, match="nested deeper"):
        load_json(deep)
    with pytest.raises(JsonUnreadable, match="nested deeper"):
        load_json('{"a": "\\"]]]", "b": ' + deep + "}")
    inside = '["' + "[" * 500 + '\\"' + "{" * 500 + '"]'
    assert load_json(inside) == ["[" * 500 + '"' + "{" * 500]
    old = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
    rng = random.Random(18)
    pieces = ['"', '\\"', "\\\\", "[", "]", "{", "}", "a", ",", ":", " "]

    def value(depth: int) -> object:
        kind = rng.randrange(4 if depth < 70 else 1)
        if kind == 0:
            return "".join(rng.choice(pieces) for _ in range(rng.randrange(6)))
        if kind == 1:
            return [value(depth + 1) for _ in range(rng.randrange(3))]
        if kind == 2:
            return {str(k): value(depth + 1) for k in range(rng.randrange(3))}
        return rng.randrange(100)

    def too_deep_old(text: str) -> bool:
        skeleton = jsonpath._NOT_BRACKETS.sub("", old.sub("", text))
        for _ in range(MAX_JSON_DEPTH):
            if not skeleton:
                return False
            shorter = jsonpath._EMPTY_PAIR.sub("", skeleton)
            if shorter == skeleton:
                return False
            skeleton = shorter
        return bool(jsonpath._EMPTY_PAIR.search(skeleton))

    import json

    for _ in range(2000):
        text = json.dumps(value(0))
        assert jsonpath._too_deep(text) == too_deep_old(text), text


# ---------------------------------------------------------------- forms in JSON strings: a string never closed
_FORM = "nom=Durand&prenom=Claire&email=claire.durand%40orange.fr&tel=0612345678"
# each a post's line ~64 kB: 6 to 8 CPU-s of detection before (200 kB: past the item's 20 s time cap)
HOSTILE_FORM_LINES = {
    "after_a_form": '{"q": "a=1&email=jean@orange.fr", "r": "' + '\\"' * 32_000,
    "in_an_array": '["' + _FORM + '", "' + '\\"' * 32_000,
    "log_line_not_json": '2026-12-05 12:00 payload": "x=1&mail=a@b.fr", "y": "' + '\\"' * 32_000,
    "closed_but_long": '{"a": "b=1&email=c@d.fr", "z": "' + '\\"' * 32_000 + '"}',
}


@pytest.mark.parametrize("case", sorted(HOSTILE_FORM_LINES))
def test_a_json_string_never_closed_in_a_post_costs_linear_time(case: str) -> None:
    """`indexer.detect.informs` (wave 29: forms inside JSON strings) looked for a line's JSON strings
    with a pattern that needed the closing quote within 8,192 characters: a string never closed, or
    longer, was read 8,192 characters on again from each of its escaped quotes. Any member of a
    watched forum could post the line: 64 kB cost 6 to 8 CPU-seconds of detection, 200 kB ran past
    the item's time cap (20 s), the crawl's sink held meanwhile. Both engines read the rewrite."""
    import time

    from indexer.detect import detect, informs
    from indexer.tokens import MatchKey

    line = HOSTILE_FORM_LINES[case]
    start = time.process_time()
    informs.rewrite(line + "\n" + line)
    assert time.process_time() - start < 0.5
    detect("a@b.fr 06 12 34 56 78\n", key=MatchKey(b"\x07" * 32))  # (warm)
    start = time.process_time()
    detect(line + "\n", key=MatchKey(b"\x07" * 32))
    assert time.process_time() - start < 1.0


def test_forms_in_json_strings_are_read_as_before() -> None:
    """The strings a form is read from are those the pattern that needed the closing quote found, on
    lines whose strings close (random JSON lines: keys, forms, escaped quotes, short and empty strings);
    a form in a string never closed, or longer than 8,192 characters, is read in neither."""
    import json
    import random
    import re

    from indexer.detect import informs

    old = re.compile(r'"((?:[^"\\\n]|\\.){3,8192})"')
    rng = random.Random(31)
    values = [_FORM, "a=1&email=x%40y.fr", "", "ab", 'q"uo\\"te', "x&y", "tel=0612345678&nom=A", "é=1&ü=2"]
    for _ in range(3000):
        obj = {rng.choice(["a", "bb", "email", "k" * rng.randrange(1, 5)]): rng.choice(values)
               for _ in range(rng.randrange(1, 5))}
        line = json.dumps(obj, ensure_ascii=rng.random() < 0.5)
        assert [m.group(1) for m in informs._JSON_STRING.finditer(line)
                if m.group(2) and 3 <= len(m.group(1)) <= 8192] == [m.group(1) for m in old.finditer(line)], line
    long = '{"a": "' + "x" * 8200 + '&' + _FORM + '"}'
    assert informs._line(long) is None
    assert informs._line('{"a": "' + _FORM) is None
