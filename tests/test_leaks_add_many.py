"""An item's fragments are placed in their leaks in one transaction (`SqliteLeakStore.add_many`).

A commit per fragment (each one an fsync with `synchronous=FULL`) made a crawl of an attachment
with 10,000 fragments spend minutes in the leak store. `add_many` must decide exactly what `add`
called on each fragment in turn decides (joins, new leaks, merges), in one commit.
"""

from __future__ import annotations

from pathlib import Path

from indexer.ingest import Ingestor
from indexer.leaks.store import SqliteLeakStore
from indexer.models import CrawledItem
from indexer.store.embedded import EmbeddedStore
from tests.test_leaks_cluster import DATA_KEY, MATCH_KEY


def _dump(n: int) -> bytes:
    """Tables sharing rows with the ones before them (some join a leak, some bridge two), and
    tables of their own: every decision `add` can take."""
    out = []
    for i in range(n):
        rows = [f"Nom{i}-{r};p{i}.{r}@exemple.test;06{(i * 7 + r) % 100:02d}{r:06d}" for r in range(4)]
        if i % 3 == 1:
            rows += [f"Nom{i - 1}-{r};p{i - 1}.{r}@exemple.test;06{((i - 1) * 7 + r) % 100:02d}{r:06d}"
                     for r in range(4)]
        out.append("nom;email;telephone\n" + "\n".join(rows) + "\n\nbla bla\n\n")
    return "".join(out).encode()


def _placed(tmp: Path, one_by_one: bool) -> tuple[dict[str, str | None], int]:
    store = EmbeddedStore(tmp / "store.sqlite3")
    leaks = SqliteLeakStore(tmp / "store.sqlite3")
    commits: list[str] = []
    leaks._db.set_trace_callback(lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None)
    if one_by_one:  # the previous path: a transaction per fragment, as `add` takes them
        batch = leaks.add_many
        leaks.add_many = lambda placements: [batch([p])[0] for p in placements]  # type: ignore[method-assign]
    ingestor = Ingestor(store, MATCH_KEY, DATA_KEY, leaks=leaks, workers=1)
    try:
        result = ingestor.ingest(CrawledItem(source="s", url="http://x.onion/1", raw=_dump(30), filename="d.csv"))
        final = {doc.id: leaks.leak_of_fragment(doc.id) for doc in result.fragments}
    finally:
        ingestor.close()
        leaks.close()
        store.close()
    return final, len(commits)


def test_one_transaction_places_an_item_as_add_one_by_one_did(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    batched, batched_commits = _placed(tmp_path / "a", one_by_one=False)
    single, single_commits = _placed(tmp_path / "b", one_by_one=True)
    assert len(batched) >= 20 and batched == single
    assert len(set(batched.values())) < len(batched)  # some fragments joined others: decisions were taken
    assert batched_commits == 1 and single_commits == len(batched)
