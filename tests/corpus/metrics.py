"""Scoring detected fragments against the corpus ground truth (used by the tests and bench)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from indexer.models import Fragment
from tests.corpus.generate import PostTruth

__all__ = ["MEASURED_TYPES", "Score", "score_post"]

# types whose ground truth the generator records in every shape it emits
MEASURED_TYPES = ("email", "phone", "nir", "iban", "card", "dob", "credential")


@dataclass
class Score:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    frag_found: Counter[str] = field(default_factory=Counter)  # truth fragments overlapped
    frag_total: Counter[str] = field(default_factory=Counter)
    frag_kind_ok: Counter[str] = field(default_factory=Counter)
    frag_spurious: int = 0
    fp_examples: list[tuple[str, str]] = field(default_factory=list)
    fn_examples: list[tuple[str, str]] = field(default_factory=list)

    def precision(self, t: str) -> float:
        d = self.tp[t] + self.fp[t]
        return self.tp[t] / d if d else 1.0

    def recall(self, t: str) -> float:
        d = self.tp[t] + self.fn[t]
        return self.tp[t] / d if d else 1.0

    def table(self) -> str:
        rows = [f"{'type':<12}{'tp':>7}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}"]
        for t in MEASURED_TYPES:
            rows.append(f"{t:<12}{self.tp[t]:>7}{self.fp[t]:>5}{self.fn[t]:>5}{self.precision(t):>11.4f}{self.recall(t):>8.4f}")
        rows.append(f"{'kind':<14}{'found':>7}{'total':>7}{'kind ok':>9}")
        for k in sorted(self.frag_total):
            rows.append(f"{k:<14}{self.frag_found[k]:>7}{self.frag_total[k]:>7}{self.frag_kind_ok[k]:>9}")
        rows.append(f"spurious fragments: {self.frag_spurious}")
        return "\n".join(rows)


def _covers(f: Fragment, t: object, by_lines: bool) -> bool:
    if by_lines:
        n = t.end_line - t.start_line + 1
        return min(f.end_line, t.end_line) - max(f.start_line, t.start_line) + 1 >= max(1, n // 2)
    want = {x for x in t.identifiers if x[0] in MEASURED_TYPES}
    got = {(i.type, i.value) for i in f.identifiers}
    return bool(want) and len(want & got) >= max(1, len(want) // 2)


def score_post(frags: list[Fragment], truth: PostTruth, score: Score, by_lines: bool = True) -> None:
    """Identifiers are compared as (type, canonical) sets per post; a truth fragment is found
    when a detected fragment covers at least half of its lines (or, for renderings that move
    lines such as HTML, at least half of its identifiers)."""
    got = {(i.type, i.value) for f in frags for i in f.identifiers if i.type in MEASURED_TYPES}
    want = {x for t in truth.fragments for x in t.identifiers if x[0] in MEASURED_TYPES}
    for t, _ in got & want:
        score.tp[t] += 1
    for t, v in got - want:
        score.fp[t] += 1
        score.fp_examples.append((t, v))
    for t, v in want - got:
        score.fn[t] += 1
        score.fn_examples.append((t, v))
    used = set()
    for t in truth.fragments:
        score.frag_total[t.kind] += 1
        for idx, f in enumerate(frags):
            if idx not in used and _covers(f, t, by_lines):
                score.frag_found[t.kind] += 1
                score.frag_kind_ok[t.kind] += f.kind == t.kind
                used.add(idx)
                break
    for idx, f in enumerate(frags):
        if idx in used:
            continue
        overlaps = any(min(f.end_line, t.end_line) >= max(f.start_line, t.start_line) for t in truth.fragments)
        if not by_lines or not overlaps:
            score.frag_spurious += 1
