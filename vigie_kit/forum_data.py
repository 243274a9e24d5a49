"""The content of the demo forum and its ground truth: boards, threads, posts, attachments, pastes.

Generated deterministically from a seed so that a test can compare what the crawler emitted with
`ForumData.truth()`: which posts and attachments exist, which must be found (`expected`), which
must be refused (the huge page, the archive bomb) and which identifiers were planted where.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from vigie_kit.synthetic import Dump, Synth

__all__ = ["Attachment", "Board", "ForumData", "Paste", "Post", "Thread", "bomb_zip"]

POSTS_PER_PAGE = 10
THREADS_PER_PAGE = 6
PASTES_PER_PAGE = 5
HUGE_POST_BYTES = 3 * 1024 * 1024
BOMB_MEGABYTES = 256  # more than the default attachments.max_uncompressed_bytes (200 MiB)


@dataclass
class Post:
    id: int
    thread_id: int
    author: str
    posted_at: datetime
    body: str
    attachments: list[int] = field(default_factory=list)
    planted: dict[str, list[str]] = field(default_factory=dict)
    expected: bool = True
    html_body: str | None = None  # hostile markup rendered as is


@dataclass
class Thread:
    id: int
    board_id: int
    title: str
    posts: list[Post] = field(default_factory=list)
    special: str | None = None  # "huge" | "malformed" | "cp1252"

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.posts) // POSTS_PER_PAGE))


@dataclass
class Board:
    id: int
    name: str
    members_only: bool = False
    trap: bool = False
    threads: list[Thread] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return "-".join(self.name.lower().replace("é", "e").split())


@dataclass
class Attachment:
    id: int
    filename: str
    data: bytes
    kind: str  # csv | zip | gz | bomb | exe
    expected: bool
    inner_files: list[str] = field(default_factory=list)
    planted: dict[str, list[str]] = field(default_factory=dict)
    post_id: int = 0


@dataclass
class Paste:
    id: str
    title: str
    text: str
    planted: dict[str, list[str]] = field(default_factory=dict)


@functools.lru_cache(maxsize=1)
def bomb_zip(megabytes: int = BOMB_MEGABYTES) -> bytes:
    """A zip whose one member inflates to `megabytes` MiB of zeros (about 1 KiB per MiB)."""
    buf = io.BytesIO()
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("backup-full.sql", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)
    return buf.getvalue()


def _merge(into: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    for kind, values in more.items():
        into.setdefault(kind, []).extend(values)


class ForumData:
    """All the forum's content, mutable through `add_post` / `add_paste` (thread-safe)."""

    def __init__(self, seed: int = 1337, *, size: str = "full", hostile: bool = True,
                 bomb_megabytes: int = BOMB_MEGABYTES) -> None:
        self.synth = Synth(seed)
        self.lock = threading.RLock()
        self.boards: list[Board] = []
        self.threads: dict[int, Thread] = {}
        self.posts: dict[int, Post] = {}
        self.attachments: dict[int, Attachment] = {}
        self.pastes: list[Paste] = []
        self._next_post = 1001
        self._clock = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
        self._build(size, hostile, bomb_megabytes)

    # ------------------------------------------------------------------ generation
    def _tick(self) -> datetime:
        self._clock += timedelta(minutes=self.synth.rng.randint(3, 600))
        return self._clock

    def _new_thread(self, board: Board, title: str | None = None, special: str | None = None) -> Thread:
        thread = Thread(id=len(self.threads) + 1, board_id=board.id,
                        title=title or self.synth.title(), special=special)
        board.threads.append(thread)
        self.threads[thread.id] = thread
        return thread

    def _body(self, with_dump: bool) -> tuple[str, dict[str, list[str]]]:
        s = self.synth
        planted: dict[str, list[str]] = {}
        parts = [s.prose(s.rng.randint(1, 4))]
        if with_dump:
            dump = s.any_dump()
            parts.append(dump.text)
            _merge(planted, dump.planted)
            parts.append(s.prose(1))
        if s.rng.random() < 0.6:
            parts.append(s.signature())
        return "\n\n".join(parts), planted

    def new_post(self, thread: Thread, author: str | None = None, body: str | None = None,
                 with_dump: bool | None = None) -> Post:
        with self.lock:
            s = self.synth
            planted: dict[str, list[str]] = {}
            if body is None:
                body, planted = self._body(s.rng.random() < 0.3 if with_dump is None else with_dump)
            post = Post(id=self._next_post, thread_id=thread.id,
                        author=author or s.fake.user_name(), posted_at=self._tick(),
                        body=body, planted=planted)
            self._next_post += 1
            thread.posts.append(post)
            self.posts[post.id] = post
            return post

    def _attach(self, post: Post, filename: str, data: bytes, kind: str, expected: bool,
                inner: list[str] | None = None, planted: dict[str, list[str]] | None = None) -> None:
        att = Attachment(id=len(self.attachments) + 1, filename=filename, data=data, kind=kind,
                         expected=expected, inner_files=inner or [], planted=planted or {},
                         post_id=post.id)
        self.attachments[att.id] = att
        post.attachments.append(att.id)

    def _build(self, size: str, hostile: bool, bomb_megabytes: int) -> None:
        s = self.synth
        small = size == "small"
        specs = [("Fuites santé", False, 3 if small else 8), ("Bases de données", False, 2 if small else 5),
                 ("Discussions", False, 1 if small else 4), ("Membres VIP", True, 2 if small else 4)]
        for name, members, count in specs:
            board = Board(id=len(self.boards) + 1, name=name, members_only=members)
            self.boards.append(board)
            for _ in range(count):
                thread = self._new_thread(board)
                for _ in range(s.rng.randint(1, 9 if small else 24)):
                    self.new_post(thread)
        health, dbs, _, vip = self.boards[:4]
        patients = s.patients(12)
        self._attach(health.threads[0].posts[0], "patients.csv", patients.text.encode(), "csv", True,
                     ["patients.csv"], patients.planted)
        clients = s.patients(10)
        zbuf = io.BytesIO()
        with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("export/clients.csv", clients.text)
        self._attach(dbs.threads[0].posts[0], "clients.zip", zbuf.getvalue(), "zip", True,
                     ["export/clients.csv"], clients.planted)
        sql = s.sql(8)
        self._attach(dbs.threads[-1].posts[-1], "base.sql.gz", gzip.compress(sql.text.encode()), "gz",
                     True, ["base.sql"], sql.planted)
        vip_dump = s.combo(15)
        self._attach(vip.threads[0].posts[0], "combo-vip.txt", vip_dump.text.encode(), "txt", True,
                     ["combo-vip.txt"], vip_dump.planted)
        self._attach(health.threads[-1].posts[-1], "backup-full.zip", bomb_zip(bomb_megabytes), "bomb", False)
        self._attach(health.threads[0].posts[-1], "crack.exe", b"MZ\x90\x00not really", "exe", False)
        if hostile:
            vrac = Board(id=len(self.boards) + 1, name="Vrac")
            self.boards.append(vrac)
            for special in ("malformed", "cp1252", "huge"):
                thread = self._new_thread(vrac, special=special)
                for _ in range(3):
                    post = self.new_post(thread, with_dump=True)
                    if special == "cp1252":
                        post.body = "Données récupérées, accès sécurisé à l'hôpital.\n" + post.body
                if special == "huge":
                    huge = self.new_post(thread, body="A" * 80 + "\n" + ("lorem ipsum " * (HUGE_POST_BYTES // 12)))
                    for p in thread.posts:  # the whole page is refused, so none of it can be found
                        p.expected = False
                    _ = huge
            trap = Board(id=len(self.boards) + 1, name="Archives", trap=True)
            self.boards.append(trap)
            archived = self._new_thread(trap, title="Archive 2019")
            self.new_post(archived, with_dump=False)
        for _ in range(4 if small else 8):
            self.add_paste()
        self._reposts(patients, vip_dump)

    def _reposts(self, patients: Dump, combo: Dump) -> None:
        """Reposts of the attached dumps, as they look in the wild: a half sample re-delimited
        with commas, the whole file with its columns reversed in tabs and its rows reordered, a
        third of the VIP combo list posted publicly. Vigie groups each with its original into one
        leak (`vigie leaks list`). Added last, so the rest of the forum is as before."""
        s = self.synth
        header, *rows = patients.text.split("\n")
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=",", lineterminator="\n")
        # the sample is of rows the demo clinic does not own (it registers the first five), so the
        # demo's alerts stay one per leak; tests/test_leaks_alerts.py covers updates
        for line in [header, *s.rng.sample(rows[5:], len(rows) // 2)]:
            writer.writerow(line.split(";"))
        health, dbs, discussions = self.boards[:3]
        self.new_post(discussions.threads[0], body="Extrait de la base patients qui tourne, la suite en MP :\n\n"
                      + buf.getvalue())
        mirror = "\n".join("\t".join(line.split(";")[::-1]) for line in [header, *reversed(rows)])
        self.new_post(health.threads[-1], body="Miroir complet du fichier patients :\n\n" + mirror)
        lines = combo.text.split("\n")
        self.new_post(dbs.threads[0], body="Combo VIP (extrait) :\n\n" + "\n".join(lines[: len(lines) // 3]))

    # ------------------------------------------------------------------ mutation
    def add_post(self, thread_id: int, author: str | None = None, body: str | None = None,
                 with_dump: bool = True) -> Post:
        """Append a post to a thread (the 'new post appears' test)."""
        with self.lock:
            return self.new_post(self.threads[thread_id], author=author, body=body, with_dump=with_dump)

    def add_thread(self, board_id: int, title: str) -> Thread:
        """Open a thread with the given title (tests that plant identifiers in titles)."""
        with self.lock:
            return self._new_thread(self.boards[board_id - 1], title=title)

    def add_attachment(self, post_id: int, filename: str, data: bytes) -> Attachment:
        """Attach a file under the given name to a post (tests that plant identifiers in file names)."""
        with self.lock:
            post = self.posts[post_id]
            self._attach(post, filename, data, filename.rsplit(".", 1)[-1], True, [filename])
            return self.attachments[post.attachments[-1]]

    def add_paste(self, text: str | None = None, title: str | None = None) -> Paste:
        with self.lock:
            s = self.synth
            planted: dict[str, list[str]] = {}
            if text is None:
                dump = s.any_dump()
                text, planted = dump.text, dump.planted
            pid = "".join(s.rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                          for _ in range(8))
            paste = Paste(id=pid, title=title or f"Paste {len(self.pastes) + 1}", text=text, planted=planted)
            self.pastes.append(paste)
            return paste

    # ------------------------------------------------------------------ ground truth
    def board_of(self, thread: Thread) -> Board:
        return self.boards[thread.board_id - 1]

    def truth(self) -> dict[str, Any]:
        """What exists, what a correct crawl must find, and what it must refuse (JSON-able)."""
        with self.lock:
            posts = []
            for post in self.posts.values():
                thread = self.threads[post.thread_id]
                board = self.board_of(thread)
                posts.append({
                    "id": post.id, "thread_id": thread.id, "thread_title": thread.title,
                    "board": board.name, "members_only": board.members_only, "author": post.author,
                    "posted_at": post.posted_at.isoformat().replace("+00:00", "Z"),
                    "expected": post.expected, "special": thread.special, "planted": post.planted,
                })
            attachments = [{
                "id": a.id, "filename": a.filename, "kind": a.kind, "expected": a.expected,
                "post_id": a.post_id, "inner_files": a.inner_files, "planted": a.planted,
                "members_only": self.board_of(self.threads[self.posts[a.post_id].thread_id]).members_only,
            } for a in self.attachments.values()]
            pastes = [{"id": p.id, "title": p.title, "planted": p.planted} for p in self.pastes]
            return {"posts": posts, "attachments": attachments, "pastes": pastes,
                    "boards": [{"id": b.id, "name": b.name, "members_only": b.members_only,
                                "trap": b.trap, "threads": [t.id for t in b.threads]} for b in self.boards]}
