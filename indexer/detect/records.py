"""Recognisers for machine-made dumps: mysqldump INSERTs, pg_dump COPY blocks, HL7 v2
messages, JSON lines and Mongo exports. Each returns (next line index, spec or None) and
advances past every line it examined, so the pass stays linear.
"""

from __future__ import annotations

import json
import re
from typing import Any

import re2

from indexer import engine as _engine
from indexer._re2fast import iter_spans
from indexer.detect.base import Ctx, Spec, header_flags
from indexer.detect.columns import role_of
from indexer.detect.extract import Sink, extract_record, extract_rows
from indexer.detect.scan import scan

__all__ = ["COPY", "CREATE", "INSERT", "copy_block", "create_table", "hl7", "is_json_line", "jsonl", "sql"]


# ------------------------------------------------------------------------------- SQL (mysqldump)
INSERT = re2.compile(r"(?i)^\s*(?:INSERT|REPLACE)(?:\s+IGNORE)?\s+INTO\s+[`\"\[]?([\w.]+?)[`\"\]]?\s*"
                     r"(?:\(([^)]*)\))?\s*VALUES\s*")
CREATE = re2.compile(r"(?i)^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[`\"\[]?([\w.]+?)[`\"\]]?\s*\(")
_COLDEF = re2.compile(r"^\s*[`\"\[]?(\w+)[`\"\]]?\s+\w")
_TUPLE = re2.compile(r"\(((?:'(?:[^'\\]|\\.|'')*'|[^'()])*)\)")
# Python `re` for the values inside one tuple: RE2 (_TUPLE) has already matched the tuple, so
# its quotes are balanced units and each quoted alternative succeeds where it starts (its three
# branches begin with disjoint characters): no backtracking beyond the unit itself.
_SQLVAL = re.compile(r"'(?:[^'\\]|\\.|'')*'|[^,]+")


_HEAD = 4096  # an INSERT's head: the statement up to VALUES, read without its tuples


def insert_match(s: str) -> Any:
    """`INSERT.match(s)` on the line's head: RE2's wrapper encodes its whole input to UTF-8 on
    every call, and an INSERT line holds thousands of tuples. A match that ends inside the head
    is the match on the whole line (leftmost-first, and what follows cannot change it); one that
    reaches the head's end, or none, is redone on the whole line."""
    if len(s) <= _HEAD:
        return INSERT.match(s)
    m = INSERT.match(s[:_HEAD])
    if m is not None and m.end() < _HEAD:
        return m
    return INSERT.match(s)


def _sql_fields(inner: str, base: int) -> list[tuple[str, int]]:
    out = []
    for m in _SQLVAL.finditer(inner):
        st = m.start()
        v = m.group()
        if v[:1] == "'":
            out.append((v[1:-1].replace("\\'", "'").replace("''", "'"), base + st + 1))
        else:
            out.append((v, base + st))
    return out


def create_table(ctx: Ctx, i: int) -> int:
    m = CREATE.match(ctx.lines[i])
    name = m.group(1).split(".")[-1]
    cols = []
    j = i + 1
    while j < len(ctx.lines) and j < i + 500:
        s = ctx.lines[j]
        if s.lstrip().startswith(")"):
            break
        cm = _COLDEF.match(s)
        if cm and cm.group(1).upper() not in ("PRIMARY", "KEY", "UNIQUE", "CONSTRAINT", "INDEX", "FOREIGN", "FULLTEXT"):
            cols.append(cm.group(1))
        j += 1
    ctx.tables[name] = cols
    return j + 1


def sql(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    m = insert_match(lines[i])
    native = _engine.native_module()
    if native is not None:  # the compiled core: the same loop in one call (issue 17)
        j = native.insert_run_end(lines, i)
    else:
        j = i
        while True:  # consecutive INSERTs into the same table (one per row dumps) form one fragment
            while j < len(lines) - 1 and not lines[j].rstrip().endswith(";") and j - i < 1_000_000:
                j += 1
            if j + 1 < len(lines):
                nm = insert_match(lines[j + 1]) if lines[j + 1][:1] in "IiRr" else None
                if nm and nm.group(1) == m.group(1) and nm.group(2) == m.group(2):
                    j += 1
                    continue
            break
    table = m.group(1).split(".")[-1]
    cols = [c.strip().strip("`\"[]") for c in m.group(2).split(",")] if m.group(2) else ctx.tables.get(table, [])
    roles = [role_of(c) for c in cols] if cols else None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        header_flags(sink, cols, offs[0])
        core = _engine.core()
        if core is not None:  # the run's lines in one call to the compiled core
            return int(core.sql_block(lines, i, j, offs, roles, sink, _engine.today())[0])
        for k in range(i, j + 1):
            s = lines[k]
            hm = insert_match(s) if s[:1] in "IiRr" else None
            pos = hm.end() if hm else 0
            base = offs[k - i] + pos
            for n, sp in enumerate(iter_spans(_TUPLE, s[pos:] if pos else s)):
                if (n & 255) == 0 and sink.over():
                    return hit
                st, en = sp[1]
                if extract_record(_sql_fields(s[pos + st:pos + en], base + st), roles, sink):
                    hit += 1
        return hit

    return j + 1, ("sql_insert", i, j, fill)


# ------------------------------------------------------------------------------ pg_dump COPY
# the column list runs to the last ")" before FROM: names may hold one (`"telephone_(BE)"`)
COPY = re2.compile(r"(?i)^COPY\s+([\w.\"]+)\s*\((.*)\)\s+FROM\s+stdin")


def copy_block(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    m = COPY.match(lines[i])
    cols = [c.strip().strip('"') for c in m.group(2).split(",")]
    roles = [role_of(c) for c in cols]
    j = i + 1
    while j < len(lines) and lines[j].rstrip() != "\\.":
        j += 1
    end = min(j, len(lines) - 1)

    def fill(sink: Sink, offs: list[int]) -> int:
        header_flags(sink, cols, offs[0])
        n = extract_rows(lines, i + 1, min(j, len(lines)), offs, i, "\t", False, roles, sink)
        if n is not None:  # the compiled core, one call for the block
            return n
        hit = 0
        for k in range(i + 1, min(j, len(lines))):
            if (k & 255) == 0 and sink.over():
                break
            fields, o = [], offs[k - i]
            for v in lines[k].split("\t"):
                fields.append((v, o))
                o += len(v) + 1
            hit += extract_record(fields, roles, sink) > 0
        return hit

    return end + 1, ("pg_copy", i, end, fill)


# ------------------------------------------------------------------------------------ HL7 v2
_SEG = re.compile(r"[A-Z][A-Z0-9]{2}\|")
# PID field -> role (HL7 v2.5): 3 ids, 5 name, 7 birth date, 11 address, 13/14 phones, 19 SSN
_PID = {3: None, 5: "hl7name", 7: "dob", 11: "hl7addr", 13: "phone", 14: "phone", 19: "nir"}


def hl7(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    j = i + 1
    while j < len(lines) and (_SEG.match(lines[j]) or lines[j].startswith("MSH|")):
        j += 1

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k in range(i, j):
            if (k & 255) == 0 and sink.over():
                break
            s = lines[k]
            seg = s[:3]
            if seg in ("DG1", "OBX", "PV1", "PRB", "AL1", "RXE", "RXO", "ORC", "OBR"):
                sink.header_flags.append(("health", "HL7 " + seg, offs[k - i], offs[k - i] + 3))
            if seg not in ("PID", "NK1", "IN1", "GT1"):
                if seg != "MSH":
                    scan(s, sink.found, offs[k - i])
                continue
            o = offs[k - i]
            fields: list[tuple[str, int]] = []
            roles: list[str | None] = []
            for n, v in enumerate(s.split("|")):
                if n > 0:
                    if seg == "PID" and _PID.get(n) == "hl7name" or seg in ("NK1", "GT1") and n in (2, 3):
                        parts = v.split("^")
                        if len(parts) >= 2 and parts[0] and parts[1]:
                            fields += [(parts[0], o), (parts[1], o + len(parts[0]) + 1)]
                            roles += ["last_name", "first_name"]
                    elif seg == "PID" and n == 11:
                        po = o
                        for p in v.split("^")[:5]:
                            fields.append((p, po))
                            role = "street" if po == o else ("city" if len(fields) and not p.isdigit() else "postcode")
                            roles.append(role)
                            po += len(p) + 1
                    elif seg == "PID" and n == 7:
                        fields.append((v[:8], o))
                        roles.append("dob")
                    else:
                        fields.append((v.replace("^", " "), o))
                        roles.append(_PID.get(n) if seg == "PID" else None)
                o += len(v) + 1
            hit += extract_record(fields, roles, sink) > 0
        return hit

    return j, ("hl7", i, j - 1, fill)


# ------------------------------------------------------------------------- JSON lines / Mongo
_MONGO = re2.compile(r'(?:ObjectId|ISODate|NumberLong|NumberInt|NumberDecimal|Timestamp)\(\s*("[^"]*"|[\d.]+)\s*\)')


def _walk(obj: Any, line: str, base: int, fields: list[tuple[str, int]], roles: list[str | None], role: str | None,
          depth: int) -> None:
    if depth > 6 or len(fields) > 500:
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            r = role_of(k) if isinstance(k, str) else None
            _walk(v, line, base, fields, roles, r, depth + 1)
    elif isinstance(obj, list):
        for v in obj[:200]:
            _walk(v, line, base, fields, roles, role, depth + 1)
    elif isinstance(obj, (str, int)) and not isinstance(obj, bool):
        s = str(obj)
        if not s:
            return
        pos = line.find(s)
        # unknown span (-10**9): not masked by type, the safety net masks it
        fields.append((s, base + pos if pos >= 0 else -(10**9)))
        roles.append(role)


def is_json_line(s: str) -> bool:
    t = s.strip().rstrip(",")
    return len(t) > 2 and t[0] in "{[" and t[-1] in "}]" and ":" in t


def jsonl(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    j = i
    while j < len(lines) and is_json_line(lines[j]):
        j += 1
    if j - i < 2:
        return i + 1, None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        core = _engine.core()
        today = _engine.today() if core is not None else None
        k = i
        while k < j:
            if core is not None:  # the compiled core: the lines up to one it hands back (issue 17)
                n, k, stopped = core.json_lines(lines, k, j, i, offs, sink, today, json.loads)
                hit += n
                if stopped or k >= j:
                    break
            elif (k & 255) == 0 and sink.over():
                break
            hit += _json_line(lines[k], offs[k - i], sink, core, today)
            k += 1
        return hit

    return j, ("jsonl", i, j - 1, fill)


def _json_line(s: str, off: int, sink: Sink, core: Any, today: Any) -> int:
    """One JSON line of a `jsonl` block (the reference; the compiled core hands back the lines
    `json.loads` does not parse, and those with a lone surrogate): 1 if its record had a
    strong identifier."""
    t = s.strip().rstrip(",").lstrip("[").rstrip("]")
    try:
        obj = json.loads(t)
    except (ValueError, RecursionError):
        try:
            obj = json.loads(_MONGO.sub(r"\1", t))
        except (ValueError, RecursionError):
            before = len(sink.found)
            scan(s, sink.found, off)
            return int(len(sink.found) > before)
    if core is not None:  # the walk and the record in one call to the compiled core
        try:
            return int(core.json_record(obj, s, off, sink, today) > 0)
        except UnicodeEncodeError:  # a lone surrogate from a JSON escape: the reference takes
            pass                    # the record (the core reads every value before appending)
    fields: list[tuple[str, int]] = []
    roles: list[str | None] = []
    _walk(obj, s, off, fields, roles, None, 0)
    return int(extract_record(fields, roles, sink) > 0)
