"""Write docs/detection-metrics.md from a fresh run of the detector on the corpus and phrase bank.

    .venv/bin/python -m tests.corpus.report            # print the page
    .venv/bin/python -m tests.corpus.report --write    # rewrite docs/detection-metrics.md

The page holds only figures computed here (no date, no commit), so a test can require the committed
page to equal a fresh rendering: the figures in the docs are the ones CI asserts.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from indexer.models import ARTICLE9_CATEGORIES
from tests.corpus.article9_eval import CONTEXTS, A9Score, article9_score, lexicon_overlap, load_bank
from tests.corpus.evaluate import CORPUS_SEED, N_POSTS, ProseResult, identifier_score, prose_result
from tests.corpus.metrics import MEASURED_TYPES, Score

__all__ = ["PAGE", "TARGETS", "render_page"]

PAGE = Path(__file__).resolve().parents[2] / "docs" / "detection-metrics.md"
# issue 12's targets: identifier recall / precision per type, fragments found, article 9 per category
TARGETS = {"id_recall": 0.98, "id_precision": 0.99, "fragments": 0.98, "a9_recall": 0.90, "a9_precision": 0.95}


def _ok(met: bool) -> str:
    return "met" if met else "**not met**"


def _identifiers(sc: Score) -> list[str]:
    out = ["| type | found | missed | false | recall | precision | target |", "|---|---:|---:|---:|---:|---:|---|"]
    for t in MEASURED_TYPES:
        met = sc.recall(t) >= TARGETS["id_recall"] and sc.precision(t) >= TARGETS["id_precision"]
        out.append(f"| {t} | {sc.tp[t]} | {sc.fn[t]} | {sc.fp[t]} | {sc.recall(t):.4f} | {sc.precision(t):.4f} "
                   f"| {_ok(met)} |")
    return out


def _subtypes(sc: Score) -> list[str]:
    """Subtypes planted fewer than 10 times are pooled per type (e.g. the rarer IBAN countries)."""
    out = ["| type | subtype | found | planted | recall |", "|---|---|---:|---:|---:|"]
    rest: dict[str, list[int]] = {}
    for t, lab in sorted(sc.label_total):
        found, total = sc.label_tp[(t, lab)], sc.label_total[(t, lab)]
        if total < 10:
            acc = rest.setdefault(t, [0, 0, 0])
            acc[0], acc[1], acc[2] = acc[0] + found, acc[1] + total, acc[2] + 1
            continue
        out.append(f"| {t} | {lab} | {found} | {total} | {found / total:.3f} |")
    for t, (found, total, n) in sorted(rest.items()):
        out.append(f"| {t} | {n} rarer subtypes pooled | {found} | {total} | {found / total:.3f} |")
    return out


def _fragments(sc: Score, prose: ProseResult) -> list[str]:
    found, total = sum(sc.frag_found.values()), sum(sc.frag_total.values())
    out = ["| dump kind | found | planted | reported as its kind |", "|---|---:|---:|---:|"]
    for k in sorted(sc.frag_total):
        out.append(f"| {k} | {sc.frag_found[k]} | {sc.frag_total[k]} | {sc.frag_kind_ok[k]} |")
    out += ["", f"- Fragments found: {found} / {total} = {found / total:.4f} "
                f"(target {TARGETS['fragments']}: {_ok(found / total >= TARGETS['fragments'])}).",
            f"- Spurious fragments beside the dumps: {sc.frag_spurious}.",
            f"- Prose-only posts with a fragment: {len(prose.with_fragments)} / {prose.posts} "
            f"(target 0: {_ok(not prose.with_fragments)})."]
    return out


def _article9(a9: A9Score) -> list[str]:
    out = ["| category | found | missed | false flags | recall | precision | target |",
           "|---|---:|---:|---:|---:|---:|---|"]
    for c in ARTICLE9_CATEGORIES:
        met = a9.recall(c) >= TARGETS["a9_recall"] and a9.precision(c) >= TARGETS["a9_precision"]
        out.append(f"| {c} | {a9.tp[c]} | {a9.fn[c]} | {a9.fp[c]} | {a9.recall(c):.3f} | {a9.precision(c):.3f} "
                   f"| {_ok(met)} |")
    forms = sorted({f for (_, f, _) in a9.by_form})
    out += ["", "Recall by phrasing (notes-column cells and prose sentences, French and English):", "",
            "| category | " + " | ".join(forms) + " |", "|---|" + "---:|" * len(forms)]
    for c in ARTICLE9_CATEGORIES:
        cells = []
        for f in forms:
            hit, miss = a9.by_form[(c, f, True)], a9.by_form[(c, f, False)]
            cells.append(f"{hit / (hit + miss):.2f} ({hit + miss})" if hit + miss else "-")
        out.append(f"| {c} | " + " | ".join(cells) + " |")
    out += ["", "Recall by context: " + ", ".join(
        f"{ctx} {a9.by_context[(ctx, True)] / max(1, a9.by_context[(ctx, True)] + a9.by_context[(ctx, False)]):.3f}"
        for ctx in CONTEXTS) + ".",
        "", f"Samples on which the detector returned no fragment at all: {a9.lost}."]
    return out


def _real_text() -> list[str]:
    """The real-text sweep's recorded runs (`tests.corpus.real_text_sweep --record`): ordinary text's rates."""
    from tests.corpus.real_text_sweep import RESULTS

    if not RESULTS.exists():
        return ["No run recorded."]
    runs = [json.loads(x) for x in RESULTS.read_text(encoding="utf-8").splitlines() if x.strip()]
    out = ["| run | commit | MB | dumps | dumps / MB | flagged (art. 9) | flagged / MB | e-mails / MB | flags / MB |",
           "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        flags = ", ".join(f"{c} {v}" for c, v in sorted(r["flags_per_mb"].items())) or "-"
        out.append(f"| {r['label']} | {r['commit']} | {r['mb']} | {r['dumps']} | {r['dumps_per_mb']} "
                   f"| {r['flagged_fragments']} | {r['flagged_per_mb']} | {r['ids_per_mb'].get('email', 0)} "
                   f"| {flags} |")
    return out


def render_page() -> str:
    sc, prose, a9 = identifier_score(), prose_result(), article9_score()
    bank = load_bank()
    n_pos = sum(p.form != "neg" for p in bank)
    same_notes, same_sentences = lexicon_overlap(bank)
    lines = [
        "# Detection metrics",
        "",
        "Generated by `.venv/bin/python -m tests.corpus.report --write` from a run of the real detector;",
        "`tests/test_detect_corpus.py` and `tests/test_article9_recall.py` assert the targets of issue 12 and",
        "fail when this page differs from a fresh run. Do not edit by hand.",
        "",
        "## Identifiers",
        "",
        f"Corpus: {N_POSTS} posts from `tests/corpus/generate.py` (seed {CORPUS_SEED}): dumps of every kind",
        "(CSV with and without header, quoted, CRLF; SQL, COPY, JSON lines, combo lists, stealer logs, doxes,",
        "HL7) amid forum noise and decoys (bad checks, Luhn-valid non-card numbers, unassigned phone ranges,",
        "refused SSN areas and NINO prefixes), each post in one crawler rendering (plain, CRLF, cp1252,",
        "UTF-16, HTML). Targets: recall >= 0.98 and precision >= 0.99 per type.",
        "",
        *_identifiers(sc),
        "",
        "### Recall per country, network, notation and decade",
        "",
        *_subtypes(sc),
        "",
        "## Fragments",
        "",
        *_fragments(sc, prose),
        "",
        "## Article 9",
        "",
        f"Phrase bank: `tests/corpus/phrasebank/` ({n_pos} phrasings, {len(bank) - n_pos} near-miss negatives),",
        "written apart from the detector. Each phrase is placed in a notes column of a dump and in the",
        f"free-text field of a dox ({len(CONTEXTS)} samples per phrase). Targets: recall >= 0.90 and",
        "precision >= 0.95 per category.",
        "",
        f"Independence: {len(same_notes)} of the bank's notes-column phrasings and {len(same_sentences)} of its",
        "sentences equal a line of the detector's data files (a short note may rightly be a lexicon term).",
        "",
        *_article9(a9),
        "",
        "## Ordinary real text",
        "",
        "`.venv/bin/python -m tests.corpus.real_text_sweep` runs `detect()` over the machine's own third-party",
        "text (Debian's /usr/share/doc READMEs, changelogs, NEWS and copyright files, the common licences, man",
        "pages, French message catalogues, the venv's package metadata and docs, Python's test data), none of it",
        "a leak: every dump found there is a false one, save the e-mail messages of Python's test data (`mail`).",
        "A project's records and lists of people (copyright holders, maintainers, ChangeLog entries) keep their",
        "addresses as kind `project`, low severity, no birth, no flag, and are not counted as dumps. Recorded",
        "runs (`--record`; a machine's documents differ, so these figures are not recomputed here):",
        "",
        *_real_text(),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", action="store_true", help=f"rewrite {PAGE.name} instead of printing it")
    args = ap.parse_args()
    page = render_page()
    if args.write:
        PAGE.write_text(page, encoding="utf-8")
        print(f"wrote {PAGE}")
    else:
        print(page)


if __name__ == "__main__":
    main()
