"""Scoring detected fragments against the corpus ground truth (used by the tests and bench)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from indexer.models import Fragment
from tests.corpus.generate import DumpTruth, PostTruth

__all__ = ["KIND_ALIASES", "MEASURED_TYPES", "Score", "score_post"]

# types whose ground truth the generator records in every shape it emits
MEASURED_TYPES = ("email", "phone", "nir", "iban", "card", "dob", "credential", "national_id")

# a header-less delimited block may be reported as `csv` (issue 12: "report it as csv with its delimiter")
KIND_ALIASES: dict[str, frozenset[str]] = {"separated_run": frozenset({"separated_run", "csv"})}


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
    label_tp: Counter[tuple[str, str]] = field(default_factory=Counter)  # (type, subtype) found
    label_total: Counter[tuple[str, str]] = field(default_factory=Counter)  # (type, subtype) planted

    def label_recall(self, t: str, label: str) -> float:
        n = self.label_total[(t, label)]
        return self.label_tp[(t, label)] / n if n else 1.0

    def label_table(self) -> str:
        """Recall per subtype (country, network, notation, decade): where a type's misses are."""
        rows = [f"{'type':<12}{'subtype':<24}{'found':>7}{'total':>7}{'recall':>8}"]
        for t, lab in sorted(self.label_total):
            rows.append(f"{t:<12}{lab:<24}{self.label_tp[(t, lab)]:>7}{self.label_total[(t, lab)]:>7}"
                        f"{self.label_recall(t, lab):>8.3f}")
        return "\n".join(rows)

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


def _subtypes(id_type: str, label: str) -> tuple[str, ...]:
    """Phones are tabled by country and by notation (one row each), the rest by their label."""
    if id_type == "phone" and ":" in label:
        region, notation = label.split(":", 1)
        return region, f"notation:{notation}"
    return (label,)


def _covers(f: Fragment, t: DumpTruth, by_lines: bool) -> bool:
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
    for typ, _ in got & want:
        score.tp[typ] += 1
    for typ, v in got - want:
        score.fp[typ] += 1
        score.fp_examples.append((typ, v))
    for typ, v in want - got:
        score.fn[typ] += 1
        score.fn_examples.append((typ, v))
    labels = {k: lab for tf in truth.fragments for k, lab in tf.labels.items()}
    for k in want:
        for lab in _subtypes(k[0], labels.get(k, "other")):
            score.label_total[(k[0], lab)] += 1
            score.label_tp[(k[0], lab)] += k in got
    used: set[int] = set()
    for t in truth.fragments:
        score.frag_total[t.kind] += 1
        for idx, f in enumerate(frags):
            if idx not in used and _covers(f, t, by_lines):
                score.frag_found[t.kind] += 1
                score.frag_kind_ok[t.kind] += f.kind in KIND_ALIASES.get(t.kind, frozenset({t.kind}))
                used.add(idx)
                break
    for idx, f in enumerate(frags):
        if idx in used:
            continue
        overlaps = any(min(f.end_line, t.end_line) >= max(f.start_line, t.start_line) for t in truth.fragments)
        if not by_lines or not overlaps:
            score.frag_spurious += 1
