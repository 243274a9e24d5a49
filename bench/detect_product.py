"""`bench/detect.py`'s "product path" figure on dense dumps (issue 17, wave 27).

The historical dense figure (`vigie()` in bench/detect.py) reads every `Identifier` object of
`detect()`'s fragments and looks each token up in a Python set of 1M tokens: no part of Vigie does
that. What the product does with a crawled item is `Ingestor._write` (indexer/ingest.py): the
fragments become documents (`build_documents`: each type's distinct tokens as hex, counts, the
encrypted text), they are stored, placed in their leak, and handed to the alert hook
(`AlertMatcher.on_fragments`, alerts/matcher.py), which looks the item's tokens up in the
registry (alerts/registry.py: a memory-mapped open-addressing table, numpy-vectorised lookups).

Timed here per item: `detect()` -> `build_documents` -> `AlertMatcher.on_fragments` over a real
`Registry` (files in a temporary directory, 0600, as `vigie org register` writes them) holding
the same tokens as the historical figure's set, with a real SQLite outbox and one organisation.
The store's write and the leak placement are not in it (they are the write path's, measured by
bench/ingest.py, and depend on the store). The baseline gets the same registry: its tokens of an
item looked up in one batch (`Registry.orgs_for_words` on its raw tokens: no hex round trip,
which favours the baseline).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from loguru import logger

from alerts.matcher import AlertMatcher
from alerts.outbox import Outbox
from alerts.registry import Registry
from alerts.table import tokens_to_words
from indexer.crypto import DataKey
from indexer.detect import detect
from indexer.documents import build_documents
from indexer.models import CrawledItem
from indexer.tokens import MatchKey
from vigie.config.schema import OrganisationConfig

__all__ = ["Product", "baseline_product", "product_registry", "run_baseline", "run_product", "vigie_product"]

ORG = "bench"


@dataclass
class Product:
    registry: Registry
    matcher: AlertMatcher


@contextmanager
def product_registry(tokens: set[bytes]) -> Iterator[Product]:
    """A real registry holding `tokens` for one organisation, and the ingest hook over it."""
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
        words = tokens_to_words(b"".join(sorted(tokens))).copy()
        reg = Registry(Path(tmp) / "alerts")
        reg.register(ORG, [(words, np.zeros(len(words), np.uint8), len(words))], expected=len(words))
        reg.close()
        reader = Registry(Path(tmp) / "alerts")  # memory-mapped, as the ingest hook reads it
        org = OrganisationConfig.model_validate(
            {
                "id": ORG,
                "display_name": "Bench",
                "min_severity": "low",
                "channels": {"email": {"to": ["dpo@bench.test"]}},
            }
        )
        outbox = Outbox(Path(tmp) / "alerts.sqlite3")
        logger.disable("alerts")  # (the matcher's "N new alert(s)" lines, in the bench's output)
        try:
            yield Product(reader, AlertMatcher(reader, outbox, {ORG: org}))
        finally:
            logger.enable("alerts")
            outbox.db.close()
            reader.close()


def vigie_product(data: bytes, p: Product, key: MatchKey, data_key: DataKey) -> tuple[int, int]:
    """(identifiers, alerts made): what ingest and its alert hook do with an item, bar the store."""
    frags = detect(data, key=key)
    docs = build_documents(CrawledItem(source="bench", url="http://bench.onion/", raw=data), frags, data_key)
    return sum(len(f.identifiers) for f in frags), p.matcher.on_fragments(docs)


def baseline_product(text: str, p: Product, tokens_of: Callable[[str], list[bytes]]) -> tuple[int, int]:
    """The baseline's tokens of an item, looked up in the same registry in one batch."""
    toks = tokens_of(text)
    if not toks:
        return 0, 0
    return len(toks), sum(1 for orgs in p.registry.orgs_for_words(tokens_to_words(b"".join(toks))) if orgs)


def run_product(items: list[bytes], p: Product, key: MatchKey, data_key: DataKey) -> tuple[float, int, int]:
    """CPU time, identifiers, alerts made (the first run makes the planted tokens' alert)."""
    t0 = time.process_time()
    found = made = 0
    for it in items:
        f, m = vigie_product(it, p, key, data_key)
        found += f
        made += m
    return time.process_time() - t0, found, made


def run_baseline(items: list[bytes], p: Product, tokens_of: Callable[[str], list[bytes]]) -> tuple[float, int, int]:
    """CPU time, identifiers, registered ones found."""
    t0 = time.process_time()
    found = hits = 0
    for it in items:
        f, h = baseline_product(it.decode("utf-8"), p, tokens_of)
        found += f
        hits += h
    return time.process_time() - t0, found, hits
