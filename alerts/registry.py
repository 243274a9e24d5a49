"""The registry: which organisations registered which tokens. Never plaintext, never pre-hashes.

On disk, under `<data_dir>/alerts/`:
    registry.sqlite3        meta (generation, size), org-sets, per-organisation counts by type
    registry-<gen>.keys     the token table's keys, (nslots, 2) uint64, raw
    registry-<gen>.sets     the org-set id of each slot, (nslots,) uint16, raw

Why generations: a writer (`vigie org register`) builds the new table in memory, writes it to
new files, then switches the generation in one SQLite transaction; readers (the ingest hook)
memory-map the files of the generation they read and pick up a new one on `refresh()`. A reader
never sees a half-written table, and a lookup costs a few page reads of a memory map.

Why org-sets: a token registered by several organisations needs a list of them; the table keeps
one uint16 per slot pointing at a distinct set of organisations (there are few distinct sets).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from alerts import AlertsError
from alerts.table import TokenTable, tokens_to_words
from indexer.models import IDENTIFIER_TYPES
from indexer.tokens import TOKEN_BYTES, MatchKey
from vigie.core.sqlite import connect, transaction

__all__ = ["OrgInfo", "RegisterResult", "Registry", "RegistryError", "read_prehash_file"]

_CHUNK = 1 << 16  # pre-hashes per HMAC/insert batch: bounds memory while registering 10M


class RegistryError(AlertsError):
    """The registry or a pre-hash file is unusable; the message says where and how to fix it."""


@dataclass
class RegisterResult:
    org_id: str
    read: int = 0  # pre-hash lines read
    added: dict[str, int] = field(default_factory=dict)  # tokens new for this org, by type
    new_tokens: list[np.ndarray] = field(default_factory=list)  # (n,2) uint64 chunks, for retro-hunt

    @property
    def added_total(self) -> int:
        return sum(self.added.values())

    def iter_new_hex(self) -> Iterator[str]:
        return _hex_tokens(self.new_tokens)


def _hex_tokens(chunks: Iterable[np.ndarray]) -> Iterator[str]:
    """(n,2) uint64 token chunks -> hex tokens."""
    for chunk in chunks:
        raw = chunk.astype("<u8").tobytes()
        for i in range(0, len(raw), TOKEN_BYTES):
            yield raw[i:i + TOKEN_BYTES].hex()


@dataclass
class OrgInfo:
    org_id: str
    counts: dict[str, int]
    total: int
    last_registered_at: float | None
    key_version: int | None


def _token_fn(key: MatchKey) -> Callable[[bytes], bytes]:
    """`token_from_prehash` for one key, 3x faster: the HMAC's inner and outer SHA-256 states
    are computed once and copied per message (RFC 2104), instead of re-keying every call."""
    k = key.key if len(key.key) <= 64 else hashlib.sha256(key.key).digest()
    k = k.ljust(64, b"\0")
    inner_copy = hashlib.sha256(bytes(b ^ 0x36 for b in k)).copy
    outer_copy = hashlib.sha256(bytes(b ^ 0x5C for b in k)).copy

    def tok(pre: bytes) -> bytes:
        i = inner_copy()
        i.update(pre)
        o = outer_copy()
        o.update(i.digest())
        return o.digest()[:TOKEN_BYTES]

    return tok


def file_tokens_hex(path: Path, key: MatchKey) -> Iterator[str]:
    """Every token of a pre-hash file, hex (for a retro-hunt over a whole registration)."""
    return _hex_tokens(words for words, _types, _lines in read_prehash_file(path, key))


def read_prehash_file(path: Path, key: MatchKey, chunk: int = _CHUNK,
                      ) -> Iterator[tuple[np.ndarray, np.ndarray, int]]:
    """Yield (tokens (n,2) uint64, type indexes (n,) uint8, lines read) per chunk.

    Applies the key as it reads, so pre-hashes live only in this loop's locals; a pre-hash file
    is `type,prehash_hex` per line (the output of `vigie hash`); a header and blank or `#` lines
    are skipped.
    """
    type_index = {t: i for i, t in enumerate(IDENTIFIER_TYPES)}
    tok = _token_fn(key)

    def bad(lineno: int) -> RegistryError:
        return RegistryError(
            f"{path}:{lineno}: expected 'type,<64 hex chars>' with a type among "
            f"{', '.join(IDENTIFIER_TYPES)}; produce the file with `vigie hash`")

    try:
        fh = open(path, encoding="ascii", errors="strict", newline="")
    except OSError as exc:
        raise RegistryError(f"cannot read pre-hash file {path}: {exc.strerror}") from None
    lineno = 0
    with fh:
        while True:
            try:
                lines = fh.readlines(chunk * 72)
            except UnicodeDecodeError:
                raise RegistryError(f"{path}: not an ASCII pre-hash file (after line {lineno}); "
                                    "produce it with `vigie hash`") from None
            if not lines:
                break
            first = lineno + 1
            types = bytearray()
            hexes: list[str] = []
            for line in lines:
                lineno += 1
                id_type, _, hexpart = line.rstrip("\r\n").partition(",")
                ti = type_index.get(id_type)
                if ti is None or len(hexpart) != 64:
                    if (lineno == 1 and id_type == "type") or not line.strip() or line.startswith("#"):
                        continue
                    raise bad(lineno)
                types.append(ti)
                hexes.append(hexpart)
            try:
                raw = bytes.fromhex("".join(hexes))
            except ValueError:
                for n, line in enumerate(lines, first):
                    try:
                        bytes.fromhex(line.rstrip("\r\n").partition(",")[2])
                    except ValueError:
                        raise bad(n) from None
                raise bad(first) from None
            toks = b"".join([tok(raw[i:i + 32]) for i in range(0, len(raw), 32)])
            del raw, hexes
            yield tokens_to_words(toks).copy(), np.frombuffer(bytes(types), np.uint8), len(lines)


class Registry:
    """Token -> organisation ids. Readers call `orgs_for_hex`; writers `register`/`unregister`."""

    def __init__(self, directory: Path, in_memory: bool = False) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.in_memory = in_memory
        # the ingest hook may be built in one thread and called in another (callers serialise)
        self.db = connect(self.dir / "registry.sqlite3")
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS orgsets (id INTEGER PRIMARY KEY, members TEXT NOT NULL UNIQUE);
            CREATE TABLE IF NOT EXISTS org_types (org TEXT NOT NULL, type TEXT NOT NULL,
                count INTEGER NOT NULL, PRIMARY KEY (org, type));
            CREATE TABLE IF NOT EXISTS orgs (org TEXT PRIMARY KEY, last_registered_at REAL,
                key_version INTEGER);
        """)
        self._gen = -1
        self.table = TokenTable.empty()
        self._sets: dict[int, tuple[str, ...]] = {0: ()}
        self.refresh()

    # ---------------------------------------------------------------- reading

    def _meta(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT k, v FROM meta").fetchall())

    def refresh(self) -> bool:
        """Switch to the newest generation if a writer made one. Cheap when nothing changed."""
        meta = self._meta()
        gen = int(meta.get("generation", "0"))
        if gen == self._gen:
            return False
        for _ in range(5):
            try:
                self._load(gen, meta)
                return True
            except FileNotFoundError:  # a writer replaced that generation meanwhile
                time.sleep(0.05)
                meta = self._meta()
                gen = int(meta.get("generation", "0"))
        raise RegistryError(f"registry files for generation {gen} are missing in {self.dir}")

    def _load(self, gen: int, meta: dict[str, str]) -> None:
        self._sets = {0: ()}
        for sid, members in self.db.execute("SELECT id, members FROM orgsets"):
            self._sets[sid] = tuple(json.loads(members))
        if gen == 0:
            self.table = TokenTable.empty()
        else:
            nslots, count = int(meta["nslots"]), int(meta["count"])
            kp, sp = self._files(gen)
            if self.in_memory:
                keys = np.fromfile(kp, dtype="<u8").reshape(nslots, 2)
                sets = np.fromfile(sp, dtype="<u2")
            else:
                keys = np.memmap(kp, dtype="<u8", mode="r", shape=(nslots, 2))
                sets = np.memmap(sp, dtype="<u2", mode="r", shape=(nslots,))
            self.table = TokenTable(keys, sets, count)
        self._gen = gen

    def _files(self, gen: int) -> tuple[Path, Path]:
        return self.dir / f"registry-{gen}.keys", self.dir / f"registry-{gen}.sets"

    def __len__(self) -> int:
        return self.table.count

    def orgs_for_words(self, words: np.ndarray) -> list[tuple[str, ...]]:
        slots = self.table.lookup(words)
        out: list[tuple[str, ...]] = [()] * len(slots)
        hits = np.flatnonzero(slots >= 0)
        if hits.size:
            ids = self.table.sets[slots[hits]]
            for i, sid in zip(hits.tolist(), ids.tolist(), strict=True):
                out[i] = self._sets.get(sid, ())
        return out

    def orgs_for_hex(self, hex_tokens: Sequence[str]) -> list[tuple[str, ...]]:
        """Organisations that registered each token ('' tuples for none). O(1) per token."""
        if not hex_tokens or self.table.count == 0:
            return [() for _ in hex_tokens]
        return self.orgs_for_words(self._hex_words(hex_tokens))

    def registered_hex(self, hex_tokens: Sequence[str]) -> list[tuple[int, tuple[str, ...]]]:
        """(index, organisations) of each token some organisation registered, in order: what
        `orgs_for_hex` says of them, without a tuple for each of the others. The ingest hook's
        batch is an item's every token and nearly none is registered (issue 17: a dense dump's
        ~150,000 tokens a second), so the per-token Python work is only the hits'."""
        if not hex_tokens or self.table.count == 0:
            return []
        slots = self.table.lookup_hex(hex_tokens)  # (the compiled core's, when it is the engine)
        if slots is None:
            slots = self.table.lookup(self._hex_words(hex_tokens))
        hits = np.flatnonzero(slots >= 0)
        if not hits.size:
            return []
        sets = self._sets
        return [(i, members) for i, sid in zip(hits.tolist(), self.table.sets[slots[hits]].tolist(), strict=True)
                if (members := sets.get(sid, ()))]

    @staticmethod
    def _hex_words(hex_tokens: Sequence[str]) -> np.ndarray:
        try:
            raw = bytes.fromhex("".join(hex_tokens))
        except ValueError:
            raise RegistryError("a token is not hex; tokens are 32 hex chars") from None
        if len(raw) != TOKEN_BYTES * len(hex_tokens):
            raise RegistryError(f"tokens must be {TOKEN_BYTES} bytes ({TOKEN_BYTES * 2} hex chars)")
        return tokens_to_words(raw)

    def org_info(self, org_id: str) -> OrgInfo | None:
        row = self.db.execute("SELECT last_registered_at, key_version FROM orgs WHERE org=?",
                              (org_id,)).fetchone()
        if row is None:
            return None
        counts = dict(self.db.execute(
            "SELECT type, count FROM org_types WHERE org=? ORDER BY type", (org_id,)).fetchall())
        return OrgInfo(org_id, counts, sum(counts.values()), row[0], row[1])

    def organisations(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT org FROM orgs ORDER BY org")]

    # ---------------------------------------------------------------- writing

    def _lock(self) -> int:
        fd = os.open(self.dir / "registry.lock", os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def _writable(self) -> None:
        """Load the newest generation into memory (a private copy we may modify)."""
        self._gen = -1
        in_memory, self.in_memory = self.in_memory, True
        try:
            self.refresh()
        finally:
            self.in_memory = in_memory

    def _set_id(self, members: tuple[str, ...], pending: dict[tuple[str, ...], int]) -> int:
        if not members:
            return 0
        for sid, m in self._sets.items():
            if m == members:
                return sid
        sid = max(self._sets) + 1
        if sid > 0xFFFF:
            raise RegistryError("more than 65535 distinct combinations of organisations")
        self._sets[sid] = members
        pending[members] = sid
        return sid

    def register(self, org_id: str, chunks: Iterable[tuple[np.ndarray, np.ndarray, int]],
                 key_version: int = 1, keep_new_tokens: bool = True, expected: int = 0) -> RegisterResult:
        """Add tokens for `org_id`. Idempotent: tokens it already had are counted once.
        `expected` (how many tokens may be added) pre-sizes the table."""
        result = RegisterResult(org_id)
        fd = self._lock()
        try:
            self._writable()
            self.table.reserve(max(self.table.count, expected))  # a re-registration adds nothing
            pending: dict[tuple[str, ...], int] = {}
            added = np.zeros(len(IDENTIFIER_TYPES), dtype=np.int64)
            for words, types, lines in chunks:
                result.read += lines
                if not words.shape[0]:
                    continue
                _, first = np.unique(words.view("V16").ravel(), return_index=True)
                words, types = words[first], types[first]
                slots = self.table.lookup(words)
                found = slots >= 0
                newly = ~found
                if found.any():
                    old_ids = self.table.sets[slots[found]]
                    new_ids = old_ids.copy()
                    for sid in np.unique(old_ids):
                        members = self._sets[int(sid)]
                        if org_id not in members:
                            nid = self._set_id(tuple(sorted((*members, org_id))), pending)
                            new_ids[old_ids == sid] = nid
                    self.table.sets[slots[found]] = new_ids
                    newly[np.flatnonzero(found)[new_ids != old_ids]] = True
                missing = ~found
                own = self._set_id((org_id,), pending)
                self.table.insert_new(words[missing], np.full(int(missing.sum()), own, "<u2"))
                added += np.bincount(types[newly], minlength=len(IDENTIFIER_TYPES))
                if keep_new_tokens and newly.any():
                    result.new_tokens.append(words[newly])
            result.added = {IDENTIFIER_TYPES[i]: int(n) for i, n in enumerate(added) if n}
            self._commit(org_id, result.added, key_version, pending)
        finally:
            os.close(fd)
        return result

    def register_prehash_file(self, org_id: str, path: Path, key: MatchKey,
                              keep_new_tokens: bool = True) -> RegisterResult:
        try:
            expected = path.stat().st_size // 70  # ~70 bytes per `type,<64 hex>` line
        except OSError:
            expected = 0
        return self.register(org_id, read_prehash_file(path, key), key.version, keep_new_tokens,
                             expected)

    def unregister(self, org_id: str) -> int:
        """Remove every token of `org_id` (tokens others registered stay). Returns tokens removed."""
        fd = self._lock()
        try:
            self._writable()
            info = self.org_info(org_id)
            if info is None:
                return 0
            pending: dict[tuple[str, ...], int] = {}
            remap = {sid: self._set_id(tuple(m for m in members if m != org_id), pending)
                     for sid, members in list(self._sets.items()) if org_id in members}
            live = self.table.live_slots()
            ids = self.table.sets[live]
            drop: list[np.ndarray] = []
            for sid, nid in remap.items():
                hit = live[ids == sid]
                if nid == 0:
                    drop.append(hit)
                else:
                    self.table.sets[hit] = nid
            if drop:
                self.table.rebuild_without(np.concatenate(drop))
            removed = info.total
            self._commit(org_id, None, None, pending)
            return removed
        finally:
            os.close(fd)

    def _commit(self, org_id: str, added: dict[str, int] | None, key_version: int | None,
                pending: dict[tuple[str, ...], int]) -> None:
        gen = int(self._meta().get("generation", "0")) + 1
        kp, sp = self._files(gen)
        for arr, p in ((self.table.keys, kp), (self.table.sets, sp)):
            with open(p, "wb") as fh:
                np.ascontiguousarray(arr).tofile(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(p, 0o600)
        try:
            with transaction(self.db) as db:
                for members, sid in pending.items():
                    db.execute("INSERT OR REPLACE INTO orgsets (id, members) VALUES (?, ?)",
                               (sid, json.dumps(list(members))))
                if added is None:
                    db.execute("DELETE FROM org_types WHERE org=?", (org_id,))
                    db.execute("DELETE FROM orgs WHERE org=?", (org_id,))
                else:
                    for id_type, n in added.items():
                        db.execute("INSERT INTO org_types (org, type, count) VALUES (?, ?, ?) "
                                   "ON CONFLICT (org, type) DO UPDATE SET count = count + excluded.count",
                                   (org_id, id_type, n))
                    db.execute("INSERT OR REPLACE INTO orgs (org, last_registered_at, key_version) "
                               "VALUES (?, ?, ?)", (org_id, time.time(), key_version))
                for k, v in (("generation", gen), ("nslots", self.table.nslots),
                             ("count", self.table.count)):
                    db.execute("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", (k, str(v)))
        except BaseException:
            kp.unlink(missing_ok=True)
            sp.unlink(missing_ok=True)
            raise
        self._gen = gen
        for old in self.dir.glob("registry-*.keys"):
            if old != kp:
                old.unlink(missing_ok=True)
        for old in self.dir.glob("registry-*.sets"):
            if old != sp:
                old.unlink(missing_ok=True)

    def close(self) -> None:
        self.db.close()
