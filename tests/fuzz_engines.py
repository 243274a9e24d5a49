"""Coverage-guided differential fuzzing of the two detection engines (issue 17), time-boxed.

Why libFuzzer (through atheris) beside hypothesis: tests/test_engine_differential.py draws
records from our own idea of a dump, so it cannot reach a shape we did not think of. libFuzzer
starts from real dumps and posts of every kind, mutates them byte by byte (cuts, splices,
repeated bytes, swapped encodings) and keeps each mutant that reaches a branch of the reference
engine no input reached before. Every input runs on the pure-Python reference and on the
compiled core; a difference in any fragment, an exception, or a core panic (which detection
would otherwise absorb by rerunning on the reference) stops the run and leaves the input in the
artifact directory, to be replayed with `python -m tests.fuzz_engines FILE`.

The first byte of an input picks the file name detection is told (none, .csv, .sql, .json,
.txt, .xml), so that the hints' paths are fuzzed too; the rest is the bytes, decoded by
detection as a crawled attachment would be.

    .venv/bin/python -m tests.fuzz_engines --seconds 60      what scripts/test.sh runs
    .venv/bin/python -m tests.fuzz_engines crash-1234abcd     replay one input

The corpus grows in .cache/fuzz/engines (kept between runs on one machine; a clean clone starts
from the seeds written here). Nothing here touches the network.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import atheris

# the reference engine's modules are instrumented for coverage: the mutants kept are those that
# reach new branches of what the core must reproduce (the core itself is not instrumented)
with atheris.instrument_imports(include=["indexer"]):
    import indexer.detect  # noqa: F401  (imported here to be instrumented: detection and all it calls)
    from indexer import engine
    from indexer.tokens import MatchKey
    from tests.native_core import assert_same_fragments, both_engines, vigie_native

KEY = MatchKey(b"\x22" * 32, version=2)
HINTS: tuple[str | None, ...] = (None, "dump.csv", "dump.sql", "export.json", "paste.txt", "records.xml")
MAX_LEN = 8192  # bytes an input may grow to: well under every time and size cap of detection

Run = Callable[..., tuple[list[Any], list[Any]]]


def check(data: bytes, run: Run = both_engines) -> None:
    """Detect `data` (its first byte: the file-name hint) on both engines and require equal
    fragments and no core panic."""
    hint = HINTS[data[0] % len(HINTS)] if data else None
    panics = engine.core_panics()
    ref, got = run(data[1:], KEY, filename=hint)
    what = f"input {hashlib.sha256(data).hexdigest()[:16]} (hint {hint})"
    assert engine.core_panics() == panics, f"{what}: the compiled core panicked"
    assert_same_fragments(ref, got, what)


def _records(n: int, seed: int) -> list[dict[str, str]]:
    from tests.corpus.generate import make_dump

    text, _ = make_dump("jsonl", n, faker_seed=seed, header=True)
    out: list[dict[str, str]] = []
    for line in text.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            out.append({str(k): "" if v is None else str(v) for k, v in obj.items()})
    return out


def _renderings(rows: list[dict[str, str]]) -> dict[str, str]:
    """One set of records in the pasted shapes the corpus generator does not write: pretty JSON,
    psql and mysql client tables, mysql's vertical form, XML attributes, labelled lines, YAML."""
    cols = list(dict.fromkeys(k for r in rows for k in r))
    width = {c: max(len(c), *(len(r.get(c, "")) for r in rows)) for c in cols}
    rule = "+".join("-" * (width[c] + 2) for c in cols)
    psql = [" | ".join(c.ljust(width[c]) for c in cols), rule]
    psql += [" | ".join(r.get(c, "").ljust(width[c]) for c in cols) for r in rows]
    mysql = ["+" + rule + "+", "| " + " | ".join(c.ljust(width[c]) for c in cols) + " |", "+" + rule + "+"]
    mysql += ["| " + " | ".join(r.get(c, "").ljust(width[c]) for c in cols) + " |" for r in rows]
    vertical = []
    for i, r in enumerate(rows, 1):
        vertical.append(f"*************************** {i}. row ***************************")
        vertical += [f"{c.rjust(max(map(len, cols)))}: {v}" for c, v in r.items()]
    xml = ["<patients>"] + ["  <patient " + " ".join(f'{c}="{v}"' for c, v in r.items()) + "/>" for r in rows]
    labelled = [" | ".join(f"{c.capitalize()}: {v}" for c, v in r.items()) for r in rows]
    yaml = [f"{'- ' if i == 0 else '  '}{c}: {v}" for r in rows for i, (c, v) in enumerate(r.items())]
    return {
        "pretty.json": json.dumps(rows, indent=2, ensure_ascii=False),
        "psql.txt": "\n".join(psql + [f"({len(rows)} rows)"]),
        "mysql.txt": "\n".join(mysql + ["+" + rule + "+"]),
        "vertical.txt": "\n".join(vertical),
        "attrs.xml": "\n".join(xml + ["</patients>"]),
        "labelled.txt": "\n".join(labelled),
        "list.yaml": "\n".join(yaml),
    }


def write_seeds(directory: Path) -> int:
    """The starting corpus: small dumps of every kind with and without header, corpus posts in
    several renderings, the differential test's fuzzed records and the pasted shapes above."""
    from tests.corpus.generate import KINDS, make_dump, make_post, render
    from tests.fixtures.fuzz_records import fuzz_post

    seeds: list[tuple[int, bytes]] = []
    for kind in KINDS:
        for header in (True, False):
            text, _ = make_dump(kind, 10, faker_seed=500 + len(seeds), header=header)
            seeds.append((HINTS.index(None), text.encode()))
    for i in range(12):
        text, _ = make_post(77_000 + i)
        how = ("plain", "crlf", "cp1252", "utf-16", "html", "html-div")[i % 6]
        data = render(text, how)
        seeds.append((i % len(HINTS), data if isinstance(data, bytes) else data.encode()))
    seeds += [(HINTS.index(None), fuzz_post(seed).encode()) for seed in range(20)]
    for name, text in _renderings(_records(6, 31)).items():
        hint = {"json": "export.json", "xml": "records.xml"}.get(name.rpartition(".")[2], "paste.txt")
        seeds.append((HINTS.index(hint), text.encode()))
    directory.mkdir(parents=True, exist_ok=True)
    for hint, body in seeds:
        data = bytes([hint]) + body[:MAX_LEN - 1]
        (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)
    return len(seeds)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="*", type=Path, help="replay these inputs instead of fuzzing")
    parser.add_argument("--seconds", type=int, default=60, help="fuzz for this long (libFuzzer's -max_total_time)")
    parser.add_argument("--corpus", type=Path, default=Path(".cache/fuzz/engines"),
                        help="the growing corpus (kept between runs)")
    parser.add_argument("--artifacts", type=Path, default=Path(".cache/fuzz/artifacts"),
                        help="where a failing input is written")
    args = parser.parse_args(argv)
    if vigie_native is None:
        print("vigie_native (of this code's interface) is not built: nothing to compare; scripts/setup.sh "
              "builds it when cargo is present", file=sys.stderr)
        return 2
    if args.inputs:
        for path in args.inputs:
            check(path.read_bytes())
            print(f"{path}: both engines agree")
        return 0
    args.corpus.mkdir(parents=True, exist_ok=True)
    args.artifacts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vigie-fuzz-seeds-") as seeds:
        n = write_seeds(Path(seeds))
        print(f"fuzzing both engines for {args.seconds} s from {n} seeds and {args.corpus}", flush=True)
        atheris.Setup([sys.argv[0], f"-max_total_time={args.seconds}", f"-max_len={MAX_LEN}", "-timeout=60",
                       "-rss_limit_mb=3072", "-print_final_stats=1", f"-artifact_prefix={args.artifacts}/",
                       str(args.corpus), seeds], check)
        atheris.Fuzz()  # exits the process: 0 when the time is up, non-zero on a failing input
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
