"""What ordinary real text gives: `detect()` over this machine's third-party documents.

    .venv/bin/python -m tests.corpus.real_text_sweep                     # the engine VIGIE_ENGINE names
    .venv/bin/python -m tests.corpus.real_text_sweep --engine python --jobs 2 --top 30
    .venv/bin/python -m tests.corpus.real_text_sweep --dump /tmp/sweep.jsonl   # every fragment, for reading
    .venv/bin/python -m tests.corpus.real_text_sweep --files a.txt b.txt       # fixed files only

Why: the corpus of tests/corpus/generate.py is written beside the detector, and each recall rule
is tested on texts of its own shape; neither says what the rules give on text nobody wrote for
them. A Debian changelog, a copyright file, a man page, a French translation catalogue, a
package's README hold real names, real addresses, dates, licences' words about "disabled"
features: none of them is a dump, and none flags an article 9 category. This sweep reads them
(/usr/share/doc, /usr/share/common-licenses, man pages, French message catalogues, the venv's
package metadata and docs, Python's own test data) and prints, per MB of text, the fragments
found (each one is a dump for the product), the identifiers by type and the article 9 flags by
category, with the sources that give most. It is no test of the suite (its input is whatever this
machine has installed); `--files` reads only the given files (tests/test_detect_precision_round8.py
runs it on a few fixed synthetic files).

Nothing it prints or dumps is committed: the texts are third parties'. The dump (`--dump`) holds
fragments' raw text, for the reader who fixes a rule; keep it under /tmp.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import sysconfig
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Sweep", "collect", "main", "sweep_files"]

KEY_BYTES = b"\x5a" * 32
# the runs docs/detection-metrics.md shows (`--record`): figures only, no path, no text
RESULTS = Path(__file__).with_name("real_text_sweep.jsonl")
MAX_FILE_BYTES = 4 << 20  # a bigger file is read to this size (a few changelogs are 10+ MB)
_DOC_NAMES = ("readme", "changelog", "news", "copyright")
_SITE_EXT = (".txt", ".rst", ".json", ".csv", ".md")


@dataclass
class Sweep:
    """Counts of one run: bytes read, fragments, identifiers by type, flags by category, per source."""

    files: int = 0
    bytes: int = 0
    fragments: int = 0
    dumps: int = 0  # fragments of a dump's kind: all but a project's records (kind `project`, low severity)
    kinds: Counter[str] = field(default_factory=Counter)
    ids: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    flagged_fragments: int = 0
    by_source: Counter[str] = field(default_factory=Counter)  # "group:path" -> dumps
    a9_by_source: Counter[str] = field(default_factory=Counter)
    group_bytes: Counter[str] = field(default_factory=Counter)
    group_fragments: Counter[str] = field(default_factory=Counter)  # dumps per group

    def add(self, other: Sweep) -> None:
        self.files += other.files
        self.bytes += other.bytes
        self.fragments += other.fragments
        self.dumps += other.dumps
        self.flagged_fragments += other.flagged_fragments
        for name in ("kinds", "ids", "flags", "by_source", "a9_by_source", "group_bytes", "group_fragments"):
            getattr(self, name).update(getattr(other, name))

    def per_mb(self, n: int) -> float:
        return n / max(self.bytes / 1e6, 1e-9)

    def summary(self) -> dict[str, object]:
        """The figures docs/detection-metrics.md shows (no path: sources are third parties')."""
        mb = self.bytes / 1e6
        return {
            "files": self.files, "mb": round(mb, 2), "fragments": self.fragments,
            "fragments_per_mb": round(self.per_mb(self.fragments), 3),
            "dumps": self.dumps, "dumps_per_mb": round(self.per_mb(self.dumps), 3),
            "flagged_fragments": self.flagged_fragments,
            "flagged_per_mb": round(self.per_mb(self.flagged_fragments), 3),
            "ids_per_mb": {t: round(self.per_mb(n), 3) for t, n in sorted(self.ids.items())},
            "flags_per_mb": {c: round(self.per_mb(n), 3) for c, n in sorted(self.flags.items())},
            "kinds": dict(sorted(self.kinds.items())),
            "groups": {g: {"mb": round(self.group_bytes[g] / 1e6, 2), "dumps": self.group_fragments[g]}
                       for g in sorted(self.group_bytes)},
        }


# ---------------------------------------------------------------- sources


def _read(path: Path) -> bytes | None:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                return fh.read(MAX_FILE_BYTES)
        with path.open("rb") as fh:
            return fh.read(MAX_FILE_BYTES)
    except (OSError, EOFError, gzip.BadGzipFile):
        return None


def _mo_text(path: Path) -> bytes | None:
    try:
        return subprocess.run(["msgunfmt", str(path)], capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def collect(max_mb_per_group: float = 0.0) -> Iterator[tuple[str, Path]]:
    """(group, path) of every text the sweep reads; `max_mb_per_group` > 0 caps each group (file sizes
    on disk, sorted paths: the same machine gives the same files)."""
    groups: dict[str, list[Path]] = {"doc": [], "licenses": [], "man": [], "man_fr": [], "locale_fr": [],
                                     "site_packages": [], "python_test": []}
    for p in sorted(Path("/usr/share/doc").rglob("*")):
        if p.is_file() and not p.is_symlink() and any(n in p.name.lower() for n in _DOC_NAMES):
            groups["doc"].append(p)
    groups["licenses"] = sorted(p for p in Path("/usr/share/common-licenses").glob("*") if p.is_file())
    for sec in ("man1", "man5", "man7", "man8"):
        groups["man"] += sorted(p for p in Path("/usr/share/man", sec).glob("*") if p.is_file())
    groups["man_fr"] = sorted(p for p in Path("/usr/share/man/fr").rglob("*") if p.is_file())
    groups["locale_fr"] = sorted(Path("/usr/share/locale/fr").rglob("*.mo"))
    site = Path(sysconfig.get_paths()["purelib"])
    for p in sorted(site.rglob("*")):
        if not p.is_file():
            continue
        name = p.name.lower()
        ext = p.suffix.lower()
        if name == "metadata" or name.startswith("readme") or (
                ext in _SITE_EXT and ("/docs/" in str(p) or ext in (".csv", ".rst", ".txt"))):
            groups["site_packages"].append(p)
    for lib in {Path(sysconfig.get_paths()["stdlib"]) / "test", Path("/usr/lib/python3.11/test")}:
        if lib.is_dir():
            groups["python_test"] += sorted(p for p in lib.rglob("*") if p.is_file()
                                            and p.suffix.lower() in (".txt", ".csv", ".json"))
    for g, paths in groups.items():
        budget = max_mb_per_group * 1e6
        for p in paths:
            if max_mb_per_group > 0:
                try:
                    budget -= p.stat().st_size
                except OSError:
                    continue
                if budget < 0:
                    break
            yield g, p


# ---------------------------------------------------------------- detection


def _one(args: tuple[str, str, str, str | None]) -> tuple[Sweep, list[dict[str, object]]]:
    group, path_s, engine_name, dump = args
    from indexer import engine
    from indexer.detect import detect
    from indexer.tokens import MatchKey

    engine.set_engine(engine_name)
    path = Path(path_s)
    data = _mo_text(path) if path.suffix == ".mo" else _read(path)
    out = Sweep()
    rows: list[dict[str, object]] = []
    if not data:
        return out, rows
    name = path.name[:-3] if path.suffix == ".gz" else path.name
    frags = detect(data, key=MatchKey(KEY_BYTES, version=1), filename=name)
    out.files, out.bytes = 1, len(data)
    out.group_bytes[group] = len(data)
    src = f"{group}:{path}"
    for f in frags:
        out.fragments += 1
        out.kinds[f.kind] += 1
        if f.kind != "project":
            out.dumps += 1
            out.group_fragments[group] += 1
            out.by_source[src] += 1
        for ident in f.identifiers:
            out.ids[ident.type] += 1
        cats = {s.category for s in f.sensitive}
        out.flags.update(cats)
        if cats:
            out.flagged_fragments += 1
            out.a9_by_source[src] += 1
        if dump is not None:
            rows.append({"src": src, "kind": f.kind, "lines": [f.start_line, f.end_line],
                         "ids": Counter(i.type for i in f.identifiers),
                         "flags": [(s.category, s.evidence) for s in f.sensitive], "text": f.text[:3000]})
    return out, rows


def sweep_files(files: list[tuple[str, Path]], engine_name: str, jobs: int = 1,
                dump: str | None = None) -> Sweep:
    """Detect each file on `engine_name`; `dump` appends every fragment as a JSON line there."""
    total = Sweep()
    work = [(g, str(p), engine_name, dump) for g, p in files]
    fh = open(dump, "w", encoding="utf-8") if dump else None  # (closed below)
    try:
        if jobs > 1:
            with ProcessPoolExecutor(jobs) as pool:
                results = pool.map(_one, work, chunksize=8)
                for sw, rows in results:
                    total.add(sw)
                    for r in rows if fh else ():
                        fh.write(json.dumps(r, ensure_ascii=False) + "\n")  # type: ignore[union-attr]
        else:
            for w in work:
                sw, rows = _one(w)
                total.add(sw)
                for r in rows if fh else ():
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")  # type: ignore[union-attr]
    finally:
        if fh:
            fh.close()
    return total


def _print(sw: Sweep, engine_name: str, seconds: float, top: int) -> None:
    mb = sw.bytes / 1e6
    print(f"engine {engine_name}: {sw.files} files, {mb:.1f} MB in {seconds:.0f} s")
    print(f"fragments: {sw.fragments} ({sw.per_mb(sw.fragments):.3f}/MB), dumps among them (kind not project): "
          f"{sw.dumps} ({sw.per_mb(sw.dumps):.3f}/MB); with an article 9 flag: "
          f"{sw.flagged_fragments} ({sw.per_mb(sw.flagged_fragments):.3f}/MB)")
    print("kinds: " + ", ".join(f"{k} {n}" for k, n in sw.kinds.most_common()))
    print("identifiers per MB: " + ", ".join(f"{t} {sw.per_mb(n):.3f}" for t, n in sw.ids.most_common()))
    print("article 9 flags per MB: " + ", ".join(f"{c} {sw.per_mb(n):.3f}" for c, n in sw.flags.most_common()))
    print("groups (MB -> dumps): " + ", ".join(f"{g} {sw.group_bytes[g] / 1e6:.1f} MB -> {sw.group_fragments[g]}"
                                 for g in sorted(sw.group_bytes)))
    print("top sources (dumps):")
    for s, n in sw.by_source.most_common(top):
        print(f"  {n:5d} {s}")
    print("top sources (article 9 flagged fragments):")
    for s, n in sw.a9_by_source.most_common(top):
        print(f"  {n:5d} {s}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engine", default=os.environ.get("VIGIE_ENGINE") or "native", choices=("python", "native"))
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--max-mb-per-group", type=float, default=0.0, help="cap each source group (0: all)")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--dump", help="write every fragment (raw text: keep it under /tmp) as JSON lines")
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON line at the end")
    ap.add_argument("--record", metavar="LABEL", help=f"append the summary, labelled, to {RESULTS.name} (what "
                    "docs/detection-metrics.md shows: tests.corpus.report reads it)")
    ap.add_argument("--files", nargs="*", type=Path, help="read only these files (group 'files')")
    args = ap.parse_args(argv)
    files = [("files", p) for p in args.files] if args.files is not None else list(collect(args.max_mb_per_group))
    t0 = time.monotonic()
    sw = sweep_files(files, args.engine, args.jobs, args.dump)
    _print(sw, args.engine, time.monotonic() - t0, args.top)
    summary = {"engine": args.engine, **sw.summary()}
    if args.json:
        print(json.dumps(summary, sort_keys=True))
    if args.record:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                check=False).stdout.strip()
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"label": args.record, "commit": commit, "capped_mb_per_group": args.max_mb_per_group,
                                 **summary}, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
