"""SQLite database files (`.sqlite`, `.sqlite3`, `.db`) read as tables for the detector.

A breached practice's or shop's software keeps its records in SQLite as often as in a SQL dump:
read as bytes, such a file gives the detector nothing (its records are packed in b-tree pages).
Read here, each table is a tab-separated text with its column names as the header
(`cabinet.sqlite/patients.tsv`), as a workbook's sheets are: what detection reads best.

The file is the attacker's, and SQLite runs what a schema says (views, triggers, generated
columns, virtual tables' modules). So:

- it is read from a private copy in memory (`Connection.deserialize`), never written to disk
  (nothing plaintext at rest), `PRAGMA query_only` on; a WAL-mode header is switched to the
  rollback journal in that copy (a deserialized database cannot open a WAL, and its readers need
  none: the `-wal` file is not attached anyway);
- `PRAGMA trusted_schema=OFF` (no function of the schema's choosing but the innocuous ones), no
  extension loading (this Python's sqlite3 has none compiled in; `enable_load_extension(False)`
  where it has), `SQLITE_DBCONFIG_DEFENSIVE` through `Connection.setconfig` on Python 3.12+ (this
  project's 3.11 has no `setconfig`: the authorizer below is the defence there), and an authorizer
  that allows SELECT, reading columns and the few pragmas read here, nothing else (no ATTACH, no
  write, no function);
- `sqlite_master` is read for ordinary tables only: views are never selected from, triggers never
  fire (nothing is written), virtual tables are skipped (their shadow tables, which hold an FTS
  index's text, are read as tables); every name is quoted;
- limits (`setlimit`): no ATTACH, short SQL, shallow expressions, at most `MAX_COLUMNS` columns;
  a progress handler stops any statement past `SECONDS` of this thread's CPU time;
- the text is counted as it is built against the room the caller gives (what is left of
  `attachments.max_uncompressed_bytes`) and refused past it (`DatabaseCapError`, a bomb); at most
  `max_tables` tables are read, the others named in the refusal the caller counts;
- a file SQLite refuses (corrupt, encrypted by SQLCipher or another codec: no `SQLite format 3`
  header, a malformed schema) is refused with SQLite's reason (`DatabaseError`), counted by the caller.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field

from crawler._room import TextRoom
from crawler.spreadsheets import SpreadsheetCapError, _Table

__all__ = ["MAGIC", "MAX_COLUMNS", "SECONDS", "DatabaseCapError", "DatabaseError", "SqliteRead", "sqlite_tables"]

MAGIC = b"SQLite format 3\x00"
# CPU seconds (this thread's) all of one file's statements may take: a 50 MB database of short rows
# reads in ~3 s; a hostile schema (a generated column computing a long expression per row) is
# stopped there, what was read kept
SECONDS = 20.0
MAX_COLUMNS = 512  # a table wider than this is read for its first MAX_COLUMNS columns
_OPS = 10_000  # virtual machine instructions between two looks at the clock
_FETCH = 512
_SHADOW_SUFFIXES = ("data", "idx", "docsize", "config", "segments", "segdir", "stat", "node", "rowid", "parent")
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r")
_PRAGMAS = frozenset({"query_only", "trusted_schema", "table_xinfo", "table_info"})


class DatabaseError(ValueError):
    """A database file that cannot be read (corrupt, encrypted, a malformed schema)."""


class DatabaseCapError(DatabaseError):
    """A database whose text passes the room the caller has, or its time: counted as a bomb."""


@dataclass
class SqliteRead:
    """What `sqlite_tables` read: (table name, its UTF-8 tab-separated text) per table, and what it
    could not read (`left`: reasons, each one counted by the caller; the tables read are kept)."""

    tables: list[tuple[str, bytes]] = field(default_factory=list)
    left: list[DatabaseError] = field(default_factory=list)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _authorizer(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
    if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _PRAGMAS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _private_copy(where: str, data: bytes) -> sqlite3.Connection:
    """An in-memory connection on a copy of `data`, locked down (see the module docstring)."""
    if not data.startswith(MAGIC):
        raise DatabaseError(f"{where}: not a SQLite database (no 'SQLite format 3' header: encrypted, e.g. by "
                            "SQLCipher, or another format); not read")
    copy = bytearray(data)
    if copy[18:20] == b"\x02\x02":  # WAL mode: its readers and writers versions (file format 2.2.1)
        copy[18:20] = b"\x01\x01"
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=True)
    conn.text_factory = _text  # (a cell not in UTF-8 failed its whole table: "Could not decode to UTF-8")
    try:
        if hasattr(conn, "enable_load_extension"):
            conn.enable_load_extension(False)
        setconfig = getattr(conn, "setconfig", None)  # Python 3.12+
        if setconfig is not None:
            setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)  # type: ignore[attr-defined]
            setconfig(sqlite3.SQLITE_DBCONFIG_TRUSTED_SCHEMA, False)  # type: ignore[attr-defined]
            setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER, False)  # type: ignore[attr-defined]
            setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_VIEW, False)  # type: ignore[attr-defined]
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 100_000)
        conn.setlimit(sqlite3.SQLITE_LIMIT_EXPR_DEPTH, 100)
        conn.setlimit(sqlite3.SQLITE_LIMIT_COMPOUND_SELECT, 2)
        conn.setlimit(sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH, 1)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, max(1_000_000, len(data)))  # (no value is longer than its file)
        conn.deserialize(bytes(copy))
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("PRAGMA query_only=ON")
        conn.set_authorizer(_authorizer)
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        conn.close()
        raise DatabaseError(f"{where}: not a readable SQLite database ({exc}); not read") from exc
    return conn


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):  # a blob: text some programs store so, else binary (a photo): nothing
        if value.translate(None, _CONTROL) != value:
            return ""
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return ""
    return str(value)


def _shadows(schema: list[tuple[object, object]]) -> set[str]:
    """The shadow tables of the schema's virtual tables (FTS3/4/5, R*Tree) that hold an index, not
    text: their blobs and numbers read as rows were noise. `NAME_content` (the FTS text) is kept."""
    virtual = [str(n).lower() for n, sql in schema
               if isinstance(n, str) and str(sql or "").lstrip().upper().startswith("CREATE VIRTUAL")]
    return {f"{v}_{s}" for v in virtual for s in _SHADOW_SUFFIXES}


def sqlite_tables(where: str, data: bytes, *, max_tables: int, room: int | None,
                  seconds: float = SECONDS) -> SqliteRead:
    """The ordinary tables of the SQLite database `data` (see the module docstring), each as
    (its name, its rows as UTF-8 tab-separated text under a header of its column names); empty
    tables left out. Raises `DatabaseError` when the file cannot be opened or its schema read;
    a table that fails, the tables past `max_tables`, the text past `room` characters or the time
    past `seconds` are said in `SqliteRead.left` (a `DatabaseCapError` for the caps)."""
    out = SqliteRead()
    conn = _private_copy(where, data)
    deadline = time.thread_time() + seconds
    conn.set_progress_handler(lambda: int(time.thread_time() > deadline), _OPS)
    try:
        try:
            schema = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid").fetchall()
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # (a name not in UTF-8 reaches the authorizer so)
            raise DatabaseError(f"{where}: not a readable SQLite database ({exc}); not read") from exc
        shadows = _shadows(schema)
        names = [str(n) for n, sql in schema
                 if isinstance(n, str) and not n.lower().startswith("sqlite_") and n.lower() not in shadows
                 and not str(sql or "").lstrip().upper().startswith("CREATE VIRTUAL")]
        if len(names) > max_tables:
            out.left.append(DatabaseCapError(
                f"{where}: {len(names)} tables, more than {max_tables} (attachments.max_files): the first "
                f"{max_tables} read, {len(names) - max_tables} not read"))
            names = names[:max_tables]
        left = room
        for name in names:
            if time.thread_time() > deadline:
                out.left.append(DatabaseCapError(
                    f"{where}: reading took more than {seconds:.0f} s of CPU; tables from {name!r} on not read"))
                break
            try:
                text = _table(conn, where, name, left)
            except SpreadsheetCapError as exc:
                out.left.append(DatabaseCapError(str(exc)))
                break
            except sqlite3.OperationalError as exc:
                if time.thread_time() > deadline:  # (the progress handler's interruption)
                    out.left.append(DatabaseCapError(
                        f"{where}: reading took more than {seconds:.0f} s of CPU; table {name!r} and the "
                        "next not read"))
                    break
                out.left.append(DatabaseError(f"{where}: table {name!r} not read ({exc})"))
                continue
            except (sqlite3.Error, UnicodeDecodeError) as exc:  # a corrupt page, a malformed record, a name
                out.left.append(DatabaseError(f"{where}: table {name!r} not read ({type(exc).__name__}: {exc})"))
                continue
            if text is not None:
                out.tables.append((name, text))
                if left is not None:
                    left -= len(text)
    finally:
        conn.close()
    return out


def _table(conn: sqlite3.Connection, where: str, name: str, room: int | None) -> bytes | None:
    columns = [str(row[1]) for row in conn.execute(f"PRAGMA table_xinfo({_quoted(name)})")
               if row[1] is not None and not row[6]][:MAX_COLUMNS]  # (hidden or generated: computed, not stored)
    if not columns:
        return None
    select = ", ".join(_quoted(c) for c in columns)
    table = _Table(f"{where}/{name}", room)
    table.room = TextRoom(f"{where}/{name}", room, SpreadsheetCapError, "its tables' text together",
                          "this table and the next are not read")
    table.add([c.replace("\t", " ").replace("\n", " ") for c in columns])
    cursor = conn.execute(f"SELECT {select} FROM main.{_quoted(name)}")
    rows = 0
    while batch := cursor.fetchmany(_FETCH):
        for row in batch:
            table.add([_cell(v) for v in row])
        rows += len(batch)
    return table.text() if rows else None

