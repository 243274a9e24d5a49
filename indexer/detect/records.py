"""Recognisers for machine-made dumps: mysqldump INSERTs, pg_dump COPY blocks, HL7 v2
messages, JSON lines (and arrays on one line) and Mongo exports, XML, vCard and LDIF exports.
Each returns (next line index, spec or None) and advances past every line it examined, or, where
it leaves the lines to the other recognisers, looks at most a bounded number of lines per start
(a card, an entry) or once per run (markup), so the pass stays linear.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import re2

from indexer import engine as _engine
from indexer._re2fast import Spans, iter_spans
from indexer._re2fast import match as re2_match
from indexer.detect.base import Ctx, Filler, Spec, header_flags
from indexer.detect.columns import STRONG_ROLES, infer_roles, role_of
from indexer.detect.extract import NULLS, Sink, extract_record, extract_rows
from indexer.detect.json_stream import ARRAY, ARRAY_OF_OBJECTS, OBJECT, brackets, containers, opens_records
from indexer.detect.scan import scan

__all__ = ["ASTM_HEAD", "ASTM_RECORD", "COPY", "CREATE", "INSERT", "astm", "copy_block", "create_table",
           "hl7", "is_json_line", "is_ldif_dn", "is_long_json_records", "is_pretty_json_line", "is_vcard_begin",
           "is_xml_line", "jsonl", "ldif", "ldif_start", "long_json_unread", "opens_json_value", "pretty_json",
           "pretty_json_start", "split_insert_head", "sql", "vcard", "vcard_start", "xml"]


# ------------------------------------------------------------------------------- SQL (mysqldump)
# T-SQL and PostgreSQL heads too: `INTO` may be left out (SQL Server), and a name that the
# mysqldump form does not read (`[dbo].[Patients]`, `"public"."t"`, `[Dossiers patients]`) is
# read as its parts in brackets, quotes or backticks, cut by dots (group 2: group 1 is the
# mysqldump name, tried first, so a head it read keeps its match); group 3 is the column list.
# Oracle's multi-table insert (`INSERT ALL` then one `INTO t (a, b) VALUES (...)` a line, closed by
# `SELECT * FROM dual;`): a line that starts with `INTO` is a head too, and `INSERT ALL INTO t`.
_PART = r"(?:\[[^\]\n]*\]|\"[^\"\n]*\"|`[^`\n]*`|\w+)"
INSERT = re2.compile(r"(?i)^\s*(?:(?:INSERT|REPLACE)(?:\s+IGNORE)?(?:\s+ALL)?(?:\s+INTO)?|INTO)\s+"
                     r"(?:[`\"\[]?([\w.]+?)[`\"\]]?|"
                     r"(" + _PART + r"(?:\s*\.\s*" + _PART + r")*))\s*(?:\(([^)]*)\))?\s*VALUES\s*")
# (SQL Server scripts `CREATE TABLE [dbo].[Patients](`: the name in parts, as INSERT's group 2)
CREATE = re2.compile(r"(?i)^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:[`\"\[]?([\w.]+?)[`\"\]]?|("
                     + _PART + r"(?:\s*\.\s*" + _PART + r")*))\s*\(")
# a CREATE TABLE's column line: Python `re` (RE2's wrapper encoded the line and built its offsets,
# ~5k instructions a line), RE2's ASCII `\s` and `\w` written as classes, both engines taking the
# leftmost-first match (tests/test_detect_quoted_unrolled.py compares them). Linear on any line:
# anchored with `\A`, and the blanks and the name possessive (what follows each is neither, so
# giving one back never helped; unanchored, a search from every offset of a 256 KiB word was
# quadratic: tests/test_linear_patterns.py)
_COLDEF = re.compile(r"\A[\t\n\f\r ]*+[`\"\[]?([0-9A-Za-z_]++)[`\"\]]?[\t\n\f\r ]+[\[\"]?[0-9A-Za-z_]")
# A tuple's values may be calls (`CAST(N'1980-02-03' AS DateTime)`, `TO_DATE('03/02/1980',
# 'DD/MM/YYYY')`, `NOW()`, `CONVERT(VARCHAR(10), ...)`): parentheses nest two levels inside it
# (a regular language still: RE2 and the core's hand scan read the same tuples).
_Q = r"'(?:[^'\\]|\\.|'')*'"
_G1 = r"\((?:" + _Q + r"|[^'()])*\)"
_G2 = r"\((?:" + _Q + r"|[^'()]|" + _G1 + r")*\)"
_TUPLE = re2.compile(r"\(((?:" + _Q + r"|[^'()]|" + _G2 + r")*)\)")
# Python `re` for the values inside one tuple: RE2 (_TUPLE) has already matched the tuple, so
# its quotes are balanced units and each quoted alternative succeeds where it starts (its three
# branches begin with disjoint characters): no backtracking beyond the unit itself (the words
# and blanks before a literal or a call are possessive).
# SQL Server's Unicode literal `N'...'` (after blanks, RE2's `\s` spelled out) is a quoted
# value too, group 1 its `N`: read as a bare value it was the address `n'a.dupont@free.fr`. So is
# MySQL's with a character set introducer (`_binary 'a,b'`, `_utf8mb4'x'`): its commas cut no value.
# A call (a word, blanks, its parenthesised arguments, what follows up to the next `,`) is one
# value, group 2: its first quoted literal when it has one (the date in `TO_DATE('03/02/1980',
# 'DD/MM/YYYY')`), else the call as written (`NOW()`). The word and blanks are possessive: what
# follows each is neither, so giving one back never matched.
_SQLVAL = re.compile(r"'(?:[^'\\]|\\.|'')*'|[\t\n\f\r ]*([Nn]|_[0-9A-Za-z]++[\t\n\f\r ]*+)'(?:[^'\\]|\\.|'')*'"
                     r"|([\t\n\f\r ]*+[A-Za-z_][0-9A-Za-z_]*+[\t\n\f\r ]*+" + _G2 + r"[^,'()]*)|[^,]+")
# (an unclosed literal runs to the end of the text rather than failing: each start then costs one
# scan, not one per quote after it; `_sql_fields` asks it only where a tuple's literal closes)
_QUOTED = re.compile(r"'(?:[^'\\]|\\.|'')*(?:'|\Z)")


_BLANKS = "\t\n\f\r "  # RE2's `\s`, which INSERT's head may start with
_HEAD = 4096  # an INSERT's head: the statement up to VALUES, read without its tuples


def insert_match(s: str) -> Spans | None:
    """`INSERT.match(s)` on the line's head: RE2 is given its whole input encoded to UTF-8 on
    every call, and an INSERT line holds thousands of tuples. A match that ends inside the head
    is the match on the whole line (leftmost-first, and what follows cannot change it); one that
    reaches the head's end, or none, is redone on the whole line."""
    if len(s) <= _HEAD:
        return re2_match(INSERT, s)
    m = re2_match(INSERT, s[:_HEAD])
    if m is not None and m.end() < _HEAD:
        return m
    return re2_match(INSERT, s)


def head_name(m: Spans) -> str:
    """An INSERT head's table as written: the mysqldump name (group 1) or the quoted parts
    (group 2; never a bare word, so the two never meet)."""
    g = m.group(1)
    return g if g is not None else (m.group(2) or "")


def _sql_fields(inner: str, base: int) -> list[tuple[str, int]]:
    out = []
    for m in _SQLVAL.finditer(inner):
        st = m.start()
        v = m.group()
        if v[:1] == "'":
            out.append((v[1:-1].replace("\\'", "'").replace("''", "'"), base + st + 1))
        elif m.start(1) >= 0:  # N'...', _binary '...': the text inside, from after its quote
            q = m.end(1)
            out.append((inner[q + 1:m.end() - 1].replace("\\'", "'").replace("''", "'"), base + q + 1))
        elif m.start(2) >= 0 and (q := v.find("'")) >= 0:  # a call: its first literal, from after its quote
            lit = _QUOTED.match(inner, st + q)
            assert lit is not None  # the call matched it whole
            out.append((lit.group()[1:-1].replace("\\'", "'").replace("''", "'"), base + st + q + 1))
        else:
            out.append((v, base + st))
    return out


_NOT_COLUMNS = frozenset({"PRIMARY", "KEY", "UNIQUE", "CONSTRAINT", "INDEX", "FOREIGN", "FULLTEXT", "CHECK"})


def _inline_columns(rest: str, cols: list[str]) -> bool:
    """The column names of the definitions written on the CREATE line after its `(` (sqlite3's
    `.dump` writes the whole statement on one line: `CREATE TABLE t(id INTEGER, mail TEXT);`),
    appended to `cols`; True when the list closes on the line. A definition's name is its first
    word (sqlite allows a column without a type); commas inside parentheses (`DECIMAL(10,2)`)
    and quotes are no separators. One pass over the line."""
    depth = 1
    start = 0
    quote = ""
    k = 0
    n = len(rest)
    while k < n:
        c = rest[k]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"`":
            quote = c
        elif c == "[":
            quote = "]"
        elif c == "(":
            depth += 1
        elif c == ")" or (c == "," and depth == 1):
            if c == ")":
                depth -= 1
            if depth <= 1:
                piece = rest[start:k].strip()
                if piece:
                    col = piece.split(None, 1)[0].strip("`\"[]")
                    if col and col.upper() not in _NOT_COLUMNS:
                        cols.append(col)
                start = k + 1
            if depth == 0:
                return True
        k += 1
    return False


def create_table(ctx: Ctx, i: int) -> int:
    m = re2_match(CREATE, ctx.lines[i])
    assert m is not None  # recognise() matched it
    name = head_name(m).split(".")[-1].strip(" \t`\"[]")  # as `sql` names an INSERT's table
    cols: list[str] = []
    rest = ctx.lines[i][m.end():]
    if rest.strip() and _inline_columns(rest, cols):  # the whole statement on its line
        ctx.tables[name] = cols
        return i + 1
    cols = []  # (a definition cut by the line's end is read from the lines below, as before)
    j = i + 1
    while j < len(ctx.lines) and j < i + 500:
        s = ctx.lines[j]
        if s.lstrip().startswith(")"):
            break
        cm = _COLDEF.match(s)
        col = cm.group(1) if cm else None
        if col and col.upper() not in _NOT_COLUMNS:
            cols.append(col)
        j += 1
    ctx.tables[name] = cols
    return j + 1


def split_insert_head(lines: list[str], i: int) -> Spans | None:
    """`INSERT INTO t (a, b)` with `VALUES` starting the next line (seed files, hand-written
    dumps): the match of the head the two lines make, or None."""
    if i + 1 < len(lines) and lines[i + 1].lstrip()[:6].upper() == "VALUES":
        return insert_match(lines[i].rstrip() + " " + lines[i + 1].lstrip()[:6])
    return None


_ROLE_SAMPLE = 50  # tuples read to type the columns of an INSERT without its column list
_ROLE_CHARS = 64 * 1024  # characters of a line read for them (one line may hold every tuple)


def _tuple_roles(lines: list[str], first: int, last: int) -> list[str | None] | None:
    """The columns of an INSERT without a column list and without its CREATE TABLE above (a
    sample cut from a dump, `INSERT IGNORE INTO t VALUES`), typed by their values as a
    header-less CSV's are (`columns.infer_roles`): a column of dates beside the NIRs they agree
    with, or of births in a list of people, is then a date of birth, which no value alone says.
    None when fewer than two tuples or no column is typed (each value scanned as before)."""
    rows: list[list[str]] = []
    for k in range(first, last + 1):
        s = lines[k]
        hm = insert_match(s) if s.lstrip(_BLANKS)[:1] in "IiRr" else None
        pos = hm.end() if hm else 0
        part = s[pos:pos + _ROLE_CHARS]
        for sp in iter_spans(_TUPLE, part):
            st, en = sp[1]
            rows.append(["" if (v := f.strip()) in NULLS else v for f, _ in _sql_fields(part[st:en], 0)])
            if len(rows) >= _ROLE_SAMPLE:
                break
        if len(rows) >= _ROLE_SAMPLE:
            break
    if len(rows) < 2:
        return None
    width = max(map(len, rows))
    roles = infer_roles([[r[c] if c < len(r) else "" for r in rows] for c in range(width)])
    return roles if any(r is not None for r in roles) else None


def sql(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    m = insert_match(lines[i])
    first = i  # the first line that may hold tuples
    if m is None:
        m = split_insert_head(lines, i)
        first = i + 1
    assert m is not None  # recognise() matched it
    native = _engine.native_module()
    if native is not None and first == i:  # the compiled core: the same loop in one call (issue 17)
        j = native.insert_run_end(lines, i)
    else:
        j = i
        while True:  # consecutive INSERTs into the same table (one per row dumps) form one fragment
            while j < len(lines) - 1 and not lines[j].rstrip().endswith(";") and j - i < 1_000_000:
                j += 1
            if j + 1 < len(lines):
                nm = insert_match(lines[j + 1]) if lines[j + 1][:1] in "IiRr" else None
                if nm and head_name(nm) == head_name(m) and nm.group(3) == m.group(3):
                    j += 1
                    continue
            break
    table = head_name(m).split(".")[-1].strip(" \t`\"[]")
    head_cols = m.group(3)
    cols = [c.strip().strip("`\"[]") for c in head_cols.split(",")] if head_cols else ctx.tables.get(table, [])
    roles = [role_of(c) for c in cols] if cols else _tuple_roles(lines, first, j)

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        header_flags(sink, cols, offs[0])
        core = _engine.core()
        if core is not None:  # the run's lines in one call to the compiled core
            return int(core.sql_block(lines, first, j, offs[first - i:], roles, sink, _engine.today())[0])
        for k in range(first, j + 1):
            s = lines[k]
            hm = insert_match(s) if s.lstrip(_BLANKS)[:1] in "IiRr" else None  # (`  INTO t (a) VALUES`)
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


def _copy_end(lines: list[str], j: int) -> int:
    """The first line from `j` on that is `\\.` (trailing blanks allowed; COPY's end), or
    `len(lines)`: `list.index` finds the bare one (C-level), and the lines are read one by one
    only when one above it starts with `\\.` (one with blanks after it, say: rare)."""
    try:
        stop = lines.index("\\.", j)
    except ValueError:
        stop = len(lines)
    if "\n\\." not in "\n" + "\n".join(lines[j:stop]):
        return stop
    while j < stop and lines[j].rstrip() != "\\.":
        j += 1
    return j


def copy_block(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    m = re2_match(COPY, lines[i])
    assert m is not None  # recognise() matched it
    cols = [c.strip().strip('"') for c in (m.group(2) or "").split(",")]
    roles = [role_of(c) for c in cols]
    j = _copy_end(lines, i + 1)
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


def _telecom(v: str, o: int, fields: list[tuple[str, int]], roles: list[str | None]) -> None:
    """A PID telecom field (XTN): repetitions cut by `~`, each `number^use^equipment^e-mail^...`
    (`0612345678^PRN^CP~^NET^Internet^x@y.fr`): the number under the phone role, the e-mail
    under the e-mail role (read as one phone, the e-mail was lost). Since v2.3 the number may
    stand in the local number (7th component) or the unformatted number (12th: `^PRN^CP^^^^^^^^^
    0612345678`), the first one left empty."""
    for rep in v.split("~"):
        comps = rep.split("^")
        for c in (0, 11, 6):
            if len(comps) > c and comps[c]:
                fields.append((comps[c], o + sum(map(len, comps[:c])) + c))
                roles.append("phone")
                break
        if len(comps) > 3 and comps[3]:
            fields.append((comps[3], o + len(comps[0]) + len(comps[1]) + len(comps[2]) + 3))
            roles.append("email")
        o += len(rep) + 1


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
                    elif seg == "PID" and n in (13, 14) and ("^" in v or "~" in v):
                        _telecom(v, o, fields, roles)
                    else:
                        fields.append((v.replace("^", " "), o))
                        roles.append(_PID.get(n) if seg == "PID" else None)
                o += len(v) + 1
            hit += extract_record(fields, roles, sink) > 0
        return hit

    return j, ("hl7", i, j - 1, fill)


# ----------------------------------------------------------------------- ASTM E1394 / HPRIM
# Laboratory results as analysers and French labs exchange them (ASTM E1394, LIS2-A2; HPRIM
# Santé, HPRIM NET): a header record `H|\^&|...` (HPRIM: `H|~^\&|...`) defines the delimiters,
# then one record a line, `P|...` a patient, `O|`/`R|` (HPRIM: `OBR|`/`OBX|`) orders and results,
# `C|` comments, `L|` the end. The patient record's fields (0-based after splitting on "|"): 5 the
# name (last^first^...), 7 the birth date (YYYYMMDD...), 10 the address (street^city^state^
# postcode^country), 12 the phone(s). An order or a result is health data about that patient.
ASTM_HEAD = re.compile(r"H\|[\\~^&]{3,4}\|")
ASTM_RECORD = re.compile(r"(?:[A-Z]|[A-Z]{2,3}[0-9]?)\|")
_ASTM_MAX_LINES = 1_000_000
_ASTM_HEALTH = frozenset({"O", "R", "OBR", "OBX", "AP", "AC", "ACT"})


def astm(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    if i < ctx.astm_end:  # inside a run already read: it holds no patient
        return i + 1, None
    j = i + 1
    patients = False
    while j < len(lines) and j - i < _ASTM_MAX_LINES and ASTM_RECORD.match(lines[j]):
        patients = patients or lines[j][:2] == "P|"
        j += 1
    if not patients:
        ctx.astm_end = j  # no patient record in the run: no one's data (and not read again)
        return j, None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for k in range(i + 1, j):
            if (k & 255) == 0 and sink.over():
                break
            s = lines[k]
            kind = s[:s.find("|")]
            o = offs[k - i]
            if kind in _ASTM_HEALTH:
                sink.header_flags.append(("health", f"ASTM {kind} record", o, o + len(kind)))
            if kind != "P":
                scan(s, sink.found, o)
                continue
            fields: list[tuple[str, int]] = []
            roles: list[str | None] = []
            for n, v in enumerate(s.split("|")):
                parts = v.split("^")
                if n == 5 and len(parts) >= 2 and parts[0] and parts[1]:
                    fields += [(parts[0], o), (parts[1], o + len(parts[0]) + 1)]
                    roles += ["last_name", "first_name"]
                elif n == 7:
                    fields.append((v[:8], o))
                    roles.append("dob")
                elif n == 10:
                    po = o
                    for m, p in enumerate(parts[:5]):
                        fields.append((p, po))
                        roles.append(("street", "city", None, "postcode", None)[m])
                        po += len(p) + 1
                elif n == 12:
                    po = o
                    for p in parts:
                        fields.append((p, po))
                        roles.append("phone")
                        po += len(p) + 1
                elif n > 1:
                    fields.append((v.replace("^", " "), o))
                    roles.append(None)
                o += len(v) + 1
            hit += extract_record(fields, roles, sink) > 0
        return hit

    return j, ("astm", i, j - 1, fill)


# ----------------------------------------------------------------- entries (LDIF, vCard)
_Record = tuple[list[tuple[str, int]], list[str | None]]  # (fields with their offsets, roles)


def _entries_filler(entries: list[tuple[int, int]], record_of: Callable[[int, int, list[int]], _Record]) -> Filler:
    """The filler of a run of entries (first line, last line): one record each, what
    `record_of(first, last, offs)` reads in it; the caps checked every 256 entries."""
    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        for n, (b, e) in enumerate(entries):
            if (n & 255) == 0 and sink.over():
                break
            fields, roles = record_of(b, e, offs)
            if fields:
                hit += extract_record(fields, roles, sink) > 0
        return hit

    return fill


# ------------------------------------------------------------------------------------- LDIF
# Directory exports (LDAP, Active Directory): entries begin with `dn:` and end at a blank line,
# one record each; attributes typed by their name, with LDAP's own short names.
_LDIF_ATTR = re.compile(r"\A([A-Za-z][A-Za-z0-9-]{0,60})(?:;[A-Za-z0-9;=-]{0,60})?:(:?)[ ]?(.*)")
_LDIF_ROLES: dict[str, str | None] = {
    "cn": "full_name", "sn": "last_name", "gn": "first_name", "l": "city", "uid": "login",
    "samaccountname": "login", "userprincipalname": "email", "facsimiletelephonenumber": "phone",
    "pager": "phone", "ipphone": "phone", "othertelephone": "phone", "othermobile": "phone",
    # Thunderbird's address book (mozillaAbPersonAlpha): a home address's parts
    "mozillahomestreet": "street", "mozillahomelocalityname": "city", "mozillahomepostalcode": "postcode",
    "homepostaladdress": "street", "postalcode": "postcode",
}
_LDIF_SKIP = frozenset({"dn", "objectclass", "changetype", "version", "control", "jpegphoto", "thumbnailphoto"})
_LDIF_MAX_LINES = 1000  # one entry


def is_ldif_dn(s: str) -> bool:
    return s[:3].lower() == "dn:"


def ldif_start(lines: list[str], i: int, floor: int) -> int | None:
    """The `dn:` line of the LDIF entry that line `i` is an attribute of (not above `floor`)."""
    return _entry_start(lines, i, floor, _LDIF_MAX_LINES, is_ldif_dn, _LDIF_ATTR)


def _entry_start(lines: list[str], i: int, floor: int, limit: int, is_head: Callable[[str], bool],
                 part: re.Pattern[str]) -> int | None:
    """The head line (`dn:`, `BEGIN:VCARD`) of the entry that line `i` belongs to: up through the
    entry's own lines only (lines `part` matches, folded continuations), so other "key: value"
    blocks cost one test per line of their own block."""
    for k in range(i, max(floor, i - limit) - 1, -1):
        t = lines[k]
        if is_head(t):
            return k
        if not (t[:1] in " \t" and t.strip()) and part.match(t) is None:
            return None
    return None


def ldif(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """Consecutive entries (blank lines and `#` comments between them); one record per entry."""
    lines = ctx.lines
    entries: list[tuple[int, int]] = []  # (dn line, last line)
    k = i
    while k < len(lines) and is_ldif_dn(lines[k]):
        end = k
        while end + 1 < len(lines) and end + 1 - k < _LDIF_MAX_LINES and lines[end + 1].strip():
            end += 1
        entries.append((k, end))
        k = end + 1
        while k < len(lines) and k - end <= 3 and (not lines[k].strip() or lines[k].startswith("#")):
            k += 1
    if not entries:  # (recognise routes only `dn:` lines here)
        return i + 1, None
    last = entries[-1][1]

    def record_of(b: int, e: int, offs: list[int]) -> _Record:
        fields: list[tuple[str, int]] = []
        roles: list[str | None] = []
        for line_no in range(b, e + 1):
            m = _LDIF_ATTR.match(lines[line_no])
            if m is None or m.group(2):  # a folded line, or a base64 value (`name:: ...`)
                continue
            name = m.group(1).lower()
            if name in _LDIF_SKIP or not m.group(3).strip():
                continue
            fields.append((m.group(3), offs[line_no - i] + m.start(3)))
            roles.append(_LDIF_ROLES[name] if name in _LDIF_ROLES else role_of(m.group(1)))
        return fields, roles

    return last + 1, ("ldif", i, last, _entries_filler(entries, record_of))


# -------------------------------------------------------------------------------------- XML
# Exports written as XML (`<patient><nom>...</nom><email>...</email></patient>`, one record per
# line or one element per line, or `<patient nom="..." email="..."/>`, the fields as attributes):
# each leaf element `<tag>text</tag>` is a field typed by its tag, each attribute `name="value"`
# one typed by its name, and a record ends where a name it already holds comes again. RE2:
# linear on hostile markup (the closing tag is compared in Python, RE2 has no backreferences).
# HL7's XML writes a value in an attribute named `value` (FHIR: `<family value="Moreau"/>`,
# `<birthDate value="1988-02-14"/>`; CDA: `<birthTime value="19880214"/>`): that field is named
# by its element. A coded element (`<code code="B20" codeSystem="..." displayName="..."/>`) is
# a concept of a terminology: its `displayName` is the code's label, no one's display name.
_XML_LEAF = re2.compile(r"<([A-Za-z_][\w.:\-]{0,80})(?:\s[^<>]{0,300})?>([^<>]{1,500})</([A-Za-z_][\w.:\-]{0,80})\s*>")
# a start tag with attributes, then each attribute in it (either quote; no entity decoding: the
# value is read as written, so its offsets stay offsets in the text)
_XML_START = re2.compile(r"<([A-Za-z_][\w.:\-]{0,80})(\s[^<>]+)>")
_XML_ATTR = re2.compile(r"(?:^|\s)([A-Za-z_][\w.:\-]{0,80})\s*=\s*(?:\"([^\"<>]{0,500})\"|'([^'<>]{0,500})')")
_XML_RECORDS_MAX = 1_000_000


def _xml_leaves(line: str) -> list[tuple[str, str, int]]:
    """(tag or attribute name without namespace, text or value, column) of the line's leaf
    elements and attributes, in the order they are written."""
    out: list[tuple[str, str, int]] = []
    if "=" in line:
        for sp in iter_spans(_XML_START, line):
            (e0, e1), (a0, a1) = sp[1], sp[2]
            attrs = line[a0:a1]
            coded = "codeSystem=" in attrs
            for asp in iter_spans(_XML_ATTR, attrs):
                (n0, n1), dq, sq = asp[1], asp[2], asp[3]
                v0, v1 = dq if dq[0] >= 0 else sq
                if v1 > v0:
                    name = attrs[n0:n1].rpartition(":")[2]
                    if name == "value":
                        name = line[e0:e1].rpartition(":")[2]
                    elif coded and name == "displayName":
                        name = "label"
                    out.append((name, attrs[v0:v1], a0 + v0))
    if "</" not in line:
        return out
    attrs_found = len(out)
    for sp in iter_spans(_XML_LEAF, line):
        _, (t0, t1), (v0, v1), (c0, c1) = sp
        tag = line[t0:t1]
        if tag == line[c0:c1]:
            name = tag.rpartition(":")[2]
            if name in _XCARD_VALUES:
                name = _xcard_property(line, t0 - 1) or name
            out.append((name, line[v0:v1], v0))
    if attrs_found and len(out) > attrs_found:
        out.sort(key=_third)  # attributes and element texts in the order they are written
    return out


# xCard (RFC 6351) writes each property's value in an element named for its TYPE, inside the
# property's element: `<bday><date>19560505</date></bday>`, `<tel><parameters>...</parameters>
# <uri>tel:+33...</uri></tel>`. Such a leaf is named by its property (blind set 9b: every birth was
# a `date` no role typed).
_XCARD_VALUES = frozenset({"text", "uri", "date", "date-time", "date-and-or-time", "timestamp"})
_XCARD_PARAMS_END = "</parameters>"


def _xcard_property(line: str, lt: int) -> str | None:
    """The name of the start tag right before the leaf whose `<` is at `lt` (its property in xCard),
    past the property's `<parameters>...</parameters>`; None when another tag comes before."""
    if line.endswith(_XCARD_PARAMS_END, 0, lt):
        lt = line.rfind("<parameters", 0, lt - len(_XCARD_PARAMS_END))
        if lt < 0:
            return None
    op = line.rfind("<", 0, lt)
    if op < 0 or line[op + 1:op + 2] in "/!?" or line[op:lt].rstrip()[-1:] != ">":
        return None
    head = line[op + 1:lt].rstrip()[:-1].split(None, 1)
    return head[0].rpartition(":")[2] if head and len(head[0]) <= 80 else None


def _third(leaf: tuple[str, str, int]) -> int:
    return leaf[2]


def is_xml_line(s: str) -> bool:
    return s.lstrip()[:1] == "<"


def xml(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """A run of markup lines; a fragment when its leaf elements' tags type a strong identifier."""
    lines = ctx.lines
    if i < ctx.untyped_markup_end:  # inside a run already found to type nothing
        return i + 1, None
    j = i
    while j < len(lines) and j - i < 64 and is_xml_line(lines[j]):
        j += 1
    # the run's first 64 lines decide, once per run
    sample = [leaf for k in range(i, j) for leaf in _xml_leaves(lines[k])]
    while j < len(lines) and j - i < _XML_RECORDS_MAX and is_xml_line(lines[j]):
        j += 1
    if not any(role_of(tag) in STRONG_ROLES for tag, _, _ in sample):
        # markup whose tags type nothing (`<contact>a@b.fr</contact>`): the other recognisers
        # read its lines as they did before XML was read
        ctx.untyped_markup_end = j
        return i + 1, None

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        fields: list[tuple[str, int]] = []
        roles: list[str | None] = []
        tags: set[str] = set()
        n = 0
        for k in range(i, j):
            for tag, value, col in _xml_leaves(lines[k]):
                if tag in tags:  # the next record begins
                    hit += extract_record(fields, roles, sink) > 0
                    fields, roles, tags = [], [], set()
                    n += 1
                    if (n & 255) == 0 and sink.over():
                        return hit
                tags.add(tag)
                fields.append((value, offs[k - i] + col))
                roles.append(role_of(tag))
        if fields:
            hit += extract_record(fields, roles, sink) > 0
        return hit

    if j == i + 1:
        # one line of markup (an export written without line breaks, or a tagged value in a
        # post): a fragment when it holds two records at least, as one-line JSON does
        fill.accept = lambda hits: hits >= 2  # type: ignore[attr-defined]
    return j, ("xml", i, j - 1, fill)


# ------------------------------------------------------------------------------------ vCard
# Contact exports (phone backups, CRM and webmail address books): one record per card, each
# property typed by its name. `item1.EMAIL;TYPE=INTERNET:x@y.fr` -> group, name, parameters.
_VCARD_PROP = re.compile(r"\A(?:[A-Za-z0-9-]{1,40}\.)?([A-Za-z-]{1,40})((?:;[^:\n]{0,200})?):(.*)")
_VCARD_ROLES: dict[str, str | None] = {
    "EMAIL": "email", "TEL": "phone", "BDAY": "dob", "FN": "full_name", "URL": "url", "NOTE": None,
    "ORG": None, "TITLE": None, "NICKNAME": None, "X-SOCIALPROFILE": None, "IMPP": None,
}
_ADR_PARTS = (None, None, "street", "city", None, "postcode", None)  # box;ext;street;city;region;code;country
_VCARD_MAX_LINES = 500  # one card; a longer run without END:VCARD is not one


def is_vcard_begin(s: str) -> bool:
    return s.strip().upper() == "BEGIN:VCARD"


_VCARD_NAMES = frozenset({"VERSION", "N", "FN", "EMAIL", "TEL", "ADR", "BDAY", "NOTE", "ORG", "TITLE", "URL", "UID",
                           "REV", "PRODID", "PHOTO", "NICKNAME", "CATEGORIES", "LABEL", "GENDER", "END"})


def vcard_start(lines: list[str], i: int, floor: int) -> int | None:
    """The BEGIN:VCARD line of the card that line `i` is a property of (not above `floor`), if
    any. Only a vCard property name starts the look."""
    m = _VCARD_PROP.match(lines[i])
    if m is None or m.group(1).upper() not in _VCARD_NAMES:
        return None
    return _entry_start(lines, i, floor, _VCARD_MAX_LINES, is_vcard_begin, _VCARD_PROP)


_NOT_PERSON_KINDS = frozenset({"GROUP", "ORG", "LOCATION"})


def _not_a_person(lines: list[str], b: int, e: int) -> bool:
    """A card that names no person: vCard 4's KIND group, org or location (a list's name, a
    company), Apple's `X-ABShowAs:COMPANY`, or a card whose N is empty and whose FN is its ORG's
    name (`FN:Clinique du Parc - Standard`, `ORG:Clinique du Parc`): a business's switchboard."""
    n = fn = org = ""
    for line_no in range(b + 1, e):
        m = _VCARD_PROP.match(lines[line_no])
        if m is None:
            continue
        name, value = m.group(1).upper(), m.group(3).strip()
        if name == "KIND" and value.upper() in _NOT_PERSON_KINDS:
            return True
        if name == "X-ABSHOWAS" and value.upper() == "COMPANY":
            return True
        if name == "N":
            n = value.replace(";", "").strip()
        elif name == "FN":
            fn = value.lower()
        elif name == "ORG":
            org = value.split(";")[0].strip().lower()
    return not n and bool(org) and org in fn


def vcard(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """Consecutive cards (blank lines between them allowed); one record per card.

    A card ends at its END:VCARD, or where the next BEGIN:VCARD starts: cards written without
    their END (a hand-made or cut export, a tool that omits it) are still one contact each, and a
    list of them is read in one pass instead of each property line falling to the other readers
    one by one (50,000 such cards took 3 s of CPU that way). A card that reaches neither within
    its size, or the input's end, is not one."""
    lines = ctx.lines
    cards: list[tuple[int, int]] = []  # (BEGIN line, END line or the next card's BEGIN line)
    last = i
    k = i
    while k < len(lines) and is_vcard_begin(lines[k]):
        end = k + 1  # to END:VCARD, within the card's size and before the next BEGIN:VCARD
        while (end < len(lines) and end - k < _VCARD_MAX_LINES and lines[end].strip().upper() != "END:VCARD"
               and not is_vcard_begin(lines[end])):
            end += 1
        if end >= len(lines) and cards and is_vcard_begin(lines[cards[-1][1]]):
            end = len(lines)  # the last of a list of cards without END: it runs to the input's end
        elif end >= len(lines) or end - k >= _VCARD_MAX_LINES:
            break
        cards.append((k, end))
        if end < len(lines) and not is_vcard_begin(lines[end]):
            last = end
            k = end + 1
            while k < len(lines) and not lines[k].strip() and k - end <= 2:
                k += 1
        else:  # no END: the card stops above the next one's BEGIN (its blank lines not its own)
            last = end - 1
            while last > k and not lines[last].strip():
                last -= 1
            k = end
    if not cards:
        return i + 1, None

    def record_of(b: int, e: int, offs: list[int]) -> _Record:
        fields: list[tuple[str, int]] = []
        roles: list[str | None] = []
        if _not_a_person(lines, b, e):
            return fields, roles
        for line_no in range(b + 1, e):
            line = lines[line_no]
            m = _VCARD_PROP.match(line)
            if m is None:
                continue
            name, value, col = m.group(1).upper(), m.group(3), m.start(3)
            at = offs[line_no - i] + col
            if name == "N":  # last;first;middle;prefix;suffix
                parts = value.split(";")
                if parts and parts[0]:
                    fields.append((parts[0], at))
                    roles.append("last_name")
                if len(parts) > 1 and parts[1]:
                    fields.append((parts[1], at + len(parts[0]) + 1))
                    roles.append("first_name")
            elif name == "ADR":
                o = at
                for part, role in zip(value.split(";"), _ADR_PARTS, strict=False):
                    if part and role is not None:
                        fields.append((part, o))
                        roles.append(role)
                    o += len(part) + 1
            elif name in _VCARD_ROLES and value.strip():
                v = value[4:] if name == "TEL" and value[:4].lower() == "tel:" else value
                fields.append((v, at + len(value) - len(v)))
                roles.append(_VCARD_ROLES[name])
        return fields, roles

    return last + 1, ("vcard", i, last, _entries_filler(cards, record_of))


# ------------------------------------------------------------------------- JSON lines / Mongo
_MONGO = re2.compile(r'(?:ObjectId|ISODate|NumberLong|NumberInt|NumberDecimal|Timestamp)\(\s*("[^"]*"|[\d.]+)\s*\)')


# A record's nested objects (`"birth": {"date": ..., "place": ...}`, `"contact": {"email": ...}`):
# a key of no role of its own, under a key of none either, is read with its parent's name before
# it (`birth.date`: a date of birth), as a flattened export would name it. Under a key that has a
# role, only a key that names the value itself (`"naissance": {"date": ...}`, `"mobile":
# {"number": ...}`) is: any other would take its parent's role (a FHIR address's `"use": "home"`).
# MongoDB's dates as milliseconds since 1970 (`{"$date": {"$numberLong": "-212198400000"}}`, the
# form mongoexport writes for dates before 1970, or `{"$date": 741139200000}`) are read as the day
# they are, in UTC; their text is no date, so their span is unknown (the safety net masks it).
# The compiled core's walk (`Core.json_record`, `Core.json_lines`) has neither rule yet: the
# records whose text holds a nested object (`_NESTED`: any but a one-member `$` wrapper of a
# string, `{"$oid": "..."}`) are walked here, then extracted by `extract_record` like any other
# (the same extraction on both engines).
_NESTED = re.compile(r"""[:\[,]\s*+\{(?!\s*+(["'])\$\w{1,20}+\1\s*+:\s*+(["'])[^"'\\\n]{0,200}+\2\s*+\})""")
# MongoDB's wrapper of a string (`{"$oid": "65f0..."}`, `{"$date": "1984-..."}`) as mongoexport and
# `json.dumps` write it: found by its literal head, for `_nested_lines`'s count
_WRAPPER = re.compile(r'\{"\$\w{1,20}+": ?"[^"\\\n]{0,200}+"\}')
_EPOCH = datetime(1970, 1, 1)
_VALUE_KEYS = frozenset({"date", "day", "jour", "value", "valeur", "number", "numero", "num", "no", "nr", "full",
                         "complete", "complet", "text", "raw", "formatted", "e164", "national", "international"})


# the type tags a typed store wraps each value in: DynamoDB's JSON (`S`, `N`, `SS`, `NS`, `L`, `M`)
# and Firestore's REST values (`stringValue`, `integerValue`, `timestampValue`, `arrayValue`...)
_TYPE_TAGS = frozenset({"S", "N", "SS", "NS", "L", "M", "stringValue", "integerValue", "timestampValue",
                        "arrayValue", "values"})


def _mongo_day(v: Any) -> str | None:
    """The day (`YYYY-MM-DD`) of a `$date` given as milliseconds, else None."""
    if isinstance(v, dict) and len(v) == 1:
        v = v.get("$numberLong")
        if isinstance(v, str) and v.lstrip("-").isdigit() and len(v) <= 16:
            v = int(v)
    if not isinstance(v, int) or isinstance(v, bool) or not -62_135_596_800_000 < v < 253_402_300_800_000:
        return None
    return (_EPOCH + timedelta(milliseconds=v)).strftime("%Y-%m-%d")


def _walk(obj: Any, line: str, base: int, fields: list[tuple[str, int]], roles: list[str | None], role: str | None,
          depth: int, parent: str | None = None) -> None:
    if depth > 6 or len(fields) > 500:
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            r = role_of(k) if isinstance(k, str) else None
            name = k if isinstance(k, str) else None
            if r is None and isinstance(k, str) and k[:1] == "$":
                # MongoDB's extended JSON wraps a value in a `$` key (`"birthDate": {"$date":
                # "1985-03-15T00:00:00Z"}`, `{"$numberLong": "33612345678"}`): the value keeps its key's role
                r = role
                name = parent
                if k == "$date" and (day := _mongo_day(v)) is not None:
                    fields.append((day, -(10**9)))
                    roles.append(r)
                    continue
            elif r is None and len(obj) == 1 and k in _TYPE_TAGS:
                # a typed store's wrapper of one value: DynamoDB's `"dob": {"S": "1980-11-15"}`,
                # Firestore's `{"stringValue": ...}`: the value keeps its key's role
                r = role
                name = parent
            elif r is None and parent is not None and isinstance(k, str) and (role is None or k.lower() in _VALUE_KEYS):
                r = role_of(f"{parent}.{k}")  # `birth` then `date`: `birth.date`
            _walk(v, line, base, fields, roles, r, depth + 1, name)
    elif isinstance(obj, list):
        for v in obj[:200]:
            _walk(v, line, base, fields, roles, role, depth + 1, parent)
    elif isinstance(obj, (str, int)) and not isinstance(obj, bool):
        s = str(obj)
        if not s:
            return
        pos = line.find(s)
        # unknown span (-10**9): not masked by type, the safety net masks it
        fields.append((s, base + pos if pos >= 0 else -(10**9)))
        roles.append(role)


def _loads(t: str) -> Any:
    """`json.loads`, and for a value nested deeper than the parser recurses (a line of 100,000
    brackets before the records, RecursionError) the same text with every container opened
    deeper than `_JSON_DEPTH` + 2 read as `null`: the records beside it are read as they would
    be without it (no record is looked for that deep anyway). Linear: one token scan (`brackets`)."""
    try:
        return json.loads(t)
    except RecursionError:
        pass
    limit = _JSON_DEPTH + 2
    parts: list[str] = []
    depth = 0
    last = 0
    cut = -1
    for p, kind in brackets(t):
        if kind <= ARRAY:
            depth += 1
            if depth == limit + 1 and cut < 0:
                cut = p
        else:
            if depth == limit + 1 and cut >= 0:
                parts += (t[last:cut], "null")
                last, cut = p + 1, -1
            depth -= 1
    parts.append(t[last:])
    return json.loads("".join(parts))


def is_json_line(s: str) -> bool:
    t = s.strip().rstrip(",")
    return len(t) > 2 and t[0] in "{[" and t[-1] in "}]" and ":" in t


def _array_records(s: str) -> list[Any] | None:
    """The records of a JSON line that is a whole array of objects (`[{...}, {...}]`: an API
    response or an export written on one line), if it is one with two or more."""
    t = s.strip().rstrip(",")
    if not (t.startswith("[") and t.endswith("]")):
        return None
    try:
        obj = _loads(t)
    except (ValueError, RecursionError):
        return None
    if isinstance(obj, list) and sum(isinstance(x, dict) for x in obj[:3]) >= 2:
        return [x for x in obj if isinstance(x, dict)]
    return None


def _wrapped_records(s: str) -> list[Any] | None:
    """The records of a JSON line that wraps them (`{"users": [{...}, ...]}`, an API response
    `{"status": "ok", "data": {"results": [...]}}` written on one line), read as
    `pretty_json` reads the same value written over many lines: an object is a record when it
    holds a value with a strong role itself or no array of objects; else its arrays' objects
    are. None when the line is not such a wrapper (one object is one record)."""
    if ARRAY_OF_OBJECTS.search(s) is None:
        return None
    try:
        obj = _loads(s.strip().rstrip(","))
    except (ValueError, RecursionError):
        return None
    if not isinstance(obj, dict) or _is_record(obj):
        return None
    out: list[Any] = []
    _records_under(obj, out, 0)
    return out or None


def _is_record(obj: dict[Any, Any]) -> bool:
    if any(isinstance(k, str) and role_of(k) in STRONG_ROLES
           for k, v in obj.items() if not isinstance(v, (dict, list))):
        return True
    return not _holds_objects(obj, 0)


def _holds_objects(obj: Any, depth: int) -> bool:
    """An array of objects in `obj`, itself or in its objects (as `_holds_records`)."""
    if depth > _JSON_DEPTH:
        return False
    for v in obj.values():
        if isinstance(v, list) and any(isinstance(x, dict) for x in v):
            return True
        if isinstance(v, dict) and _holds_objects(v, depth + 1):
            return True
    return False


def _records_under(obj: Any, out: list[Any], depth: int) -> None:
    if depth > _JSON_DEPTH or len(out) > 100_000:
        return
    if isinstance(obj, list):
        for x in obj:
            _records_under(x, out, depth + 1)
    elif isinstance(obj, dict):
        if depth and _is_record(obj):
            out.append(obj)
            return
        for v in obj.values():
            if isinstance(v, (dict, list)):
                _records_under(v, out, depth + 1)


# ------------------------------------------------------------- a JSON line longer than max_line
# An API's export of 20,000 patients written as ONE line (`[{...}, ...]`, or `{"data": [...]}`)
# is longer than `Limits.max_line_chars`: the detector kept its head only, which no longer
# parsed, and the whole dump gave no fragment. `detect()` now keeps such a line whole (as an
# INSERT line, `is_long_json_records`) and `jsonl` reads it record by record: one linear scan
# of its brackets (`json_stream.containers`) finds the records' spans (the objects of the top-level
# array; under a wrapper, the outermost objects that are records, as `_wrapped_records` reads
# them), each record is parsed from its own span and read with
# that span as its line, so that its values' offsets are found in the record, not searched from
# the line's start (right spans, and linear: a search from the start per value was quadratic).
# Bounded: containers deeper than `_JSON_DEPTH` + 2 are counted, not kept; at most
# `_LONG_JSON_RECORDS` records a line; a mismatched bracket ends the scan (what came before it
# is read).
_LONG_JSON_RECORDS = 1_000_000


def is_long_json_records(s: str) -> bool:
    """A line `detect()` keeps whole however long: a JSON line whose head opens an array of
    objects (a one-line export of records, bare or under a wrapper key)."""
    return opens_records(s) and is_json_line(s)


def _long_json_spans(s: str) -> list[tuple[int, int, Any]]:
    """(start, end, parsed record) of each record of the long JSON line `s` (see above)."""
    # per open container kept: the record-candidate node it is, else None; a node is
    # [start, end, children]: an object other than the line's own value
    stack: list[list[Any] | None] = []
    roots: list[list[Any]] = []
    nodes = 0
    empty_kept = False
    owner: list[list[Any] | None] = [None]  # the innermost open node, per kept depth
    for p, kind, depth in containers(s, _JSON_DEPTH + 2):
        if kind <= ARRAY:
            node = None
            if kind == OBJECT and depth > 1 and nodes < _LONG_JSON_RECORDS:
                node = [p, -1, []]
                parent = owner[-1]
                (parent[2] if parent is not None else roots).append(node)
                nodes += 1
            stack.append(node)
            owner.append(node if node is not None else owner[-1])
        else:
            node = stack.pop()
            owner.pop()
            if node is not None:
                node[1] = p + 1
                # `{}`: nothing to read (10^7 of them took 650 bytes each): only the first is kept (a
                # line of one record and empty ones is still one of several records), the others
                # neither kept nor counted
                if p - 1 == node[0]:
                    if empty_kept:
                        parent = owner[-1]
                        (parent[2] if parent is not None else roots).pop()
                        nodes -= 1
                    empty_kept = True
    out: list[tuple[int, int, Any]] = []
    top_array = s.lstrip()[:1] == "["
    todo = [(n, top_array) for n in reversed(roots)]
    while todo and len(out) < _LONG_JSON_RECORDS:
        node, always = todo.pop()
        st, en, children = node
        if en < 0:
            continue  # never closed (the line ended first): its closed records are read
        try:
            obj = _loads(s[st:en])
        except (ValueError, RecursionError):
            obj = None
        if not isinstance(obj, dict):
            todo += [(n, False) for n in reversed(children)]
            continue
        if always or _is_record(obj):
            out.append((st, en, obj))
        else:
            todo += [(n, False) for n in reversed(children)]
    return out


def long_json_unread(s: str) -> int:
    """Objects of the long JSON line `s` that `_long_json_spans` does not read: those past its
    `_LONG_JSON_RECORDS` (empty ones aside), which the caller says (`crawler.attachments.
    long_lines_said`); 0 for a line too short to hold more (an object that is not empty takes 6
    characters at least: `{"":0}`)."""
    if len(s) <= 6 * _LONG_JSON_RECORDS:
        return 0
    n = 0
    opened: list[int] = []
    for p, kind, depth in containers(s, _JSON_DEPTH + 2):
        if kind <= ARRAY:
            opened.append(p if kind == OBJECT and depth > 1 else -2)
        elif opened and (st := opened.pop()) >= 0 and p != st + 1:
            n += 1
    return max(0, n - _LONG_JSON_RECORDS)


def _read_long_json(s: str, off: int, records: list[tuple[int, int, Any]], sink: Sink, core: Any,
                    today: Any) -> tuple[int, bool]:
    """The records of a long JSON line, each with its own span as its line; (records with an
    identifier, stopped by the sink's caps)."""
    hit = 0
    for n, (st, en, obj) in enumerate(records):
        if (n & 255) == 0 and sink.over():
            return hit, True
        if obj:  # (`{}`: nothing to read)
            hit += _json_record(obj, s[st:en], off + st, sink, core, today)
    return hit, False


def _nested_lines(lines: list[str], k: int, end: int) -> list[int]:
    """The lines of `lines[k:end]` whose text holds a nested object (`_NESTED`), found by one
    search over the block (none, in most dumps)."""
    blob = "\n".join(lines[k:end])
    # every "{" opens its line's record or a Mongo wrapper inside one: nothing nested (most dumps;
    # C-level counts, a wrapper that could open its line not taken as one)
    wrappers = len(_WRAPPER.findall(blob)) - blob.count('\n{"$') - blob.startswith('{"$') if "$" in blob else 0
    if blob.count("{") == blob.count("\n{") + (blob[:1] == "{") + wrappers:
        return []
    out: list[int] = []
    pos = 0
    line = k
    for m in _NESTED.finditer(blob):
        st = m.start()
        line += blob.count("\n", pos, st)
        pos = st
        if not out or out[-1] != line:
            out.append(line)
    return out


def jsonl(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    lines = ctx.lines
    j = i
    while j < len(lines) and is_json_line(lines[j]):
        j += 1
    # the lines over `max_line` (kept whole by `detect()`: `is_long_json_records`), read record by record
    long = ({n: _long_json_spans(lines[n]) for n in range(i, j) if len(lines[n]) > ctx.max_line}
            if j > i and max(map(len, lines[i:j])) > ctx.max_line else {})  # (`max` first: C-level)
    # one line is a block when it holds several records (a dump's array written on one line, or
    # wrapped in an object)
    if j - i < 2 and not (j - i == 1 and (len(long[i]) >= 2 if i in long else (
            _array_records(lines[i]) is not None or (len(_wrapped_records(lines[i]) or ()) >= 2)
            or _python_records(lines[i])))):
        return i + 1, None

    def lines_of(sink: Sink, offs: list[int], k: int, end: int, core: Any, today: Any) -> tuple[int, bool]:
        """Lines k..end-1 one record each; (records with an identifier, stopped)."""
        hit = 0
        nested = _nested_lines(lines, k, end) if core is not None else []
        nested.append(end)
        nx = 0
        while k < end:
            if core is not None:  # the compiled core: the lines up to one it hands back (issue 17)
                while nested[nx] < k:
                    nx += 1
                stop = nested[nx]  # (a line with a nested object: walked here, `_NESTED`)
                if k < stop:
                    n, k, stopped = core.json_lines(lines, k, stop, i, offs, sink, today, json.loads)
                    hit += n
                    if stopped:
                        return hit, True
                    if k >= end:
                        break
                elif (k & 255) == 0 and sink.over():  # (the check the core's loop makes there)
                    return hit, True
            elif (k & 255) == 0 and sink.over():
                return hit, True
            hit += _json_line(lines[k], offs[k - i], sink, core, today)
            k += 1
        return hit, False

    def fill(sink: Sink, offs: list[int]) -> int:
        hit = 0
        core = _engine.core()
        today = _engine.today() if core is not None else None
        k = i
        # the lines that wrap records are read record by record, the others one record a line
        # (a record holding an array of objects, `{"email": ..., "addresses": [{...}]}`, stays one)
        # (each record read in its own span: `_long_json_spans`, for the long lines and the others)
        wrappers = [n for n in range(i, j) if n in long or (ARRAY_OF_OBJECTS.search(lines[n])
                                                             and _wrapped_records(lines[n]))]
        for w in [*wrappers, j]:
            if k < w:
                n, stopped = lines_of(sink, offs, k, w, core, today)
                hit += n
                if stopped:
                    break
            if w == j:
                break
            records = long[w] if w in long else _long_json_spans(lines[w])
            n, stopped = _read_long_json(lines[w], offs[w - i], records, sink, core, today)
            hit += n
            if stopped:
                break
            k = w + 1
        return hit

    return j, ("jsonl", i, j - 1, fill)


# ----------------------------------------------------------------------- pretty-printed JSON
# `json.dump(rows, indent=2)`, an API response saved from a browser, `mongoexport --pretty`: one
# JSON value over many lines. Its records are the objects that hold the identifiers: the
# elements of its arrays of objects, however deep (`{"data": {"patients": [...]}}`), or the
# value itself when it is one object. Each record is parsed by `json.loads` and read as a JSON
# line's record (`_json_record`, typed by its keys). Read line by line instead, each record was
# a dox of its own (one alert per patient), keys without a label (dates of birth) went untyped
# and `\u00e9` escapes were read as letters.
# a string token, escapes included (none spans lines), or a quote no quote closes on its line: then
# up to where its string fails (a line break, the end); no string starts in there (each quote in it
# is escaped), but its brackets count. One pass: a search for closed strings alone restarted at
# each quote of a run of `\\"`, quadratic (32 kB of them took 6 s).
_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*+(")?')
_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*+(")?|[\[\]{}]')
_BRACKET = re.compile(r"[\[\]{}]")
_PLAIN_STRING = re.compile(r'"[^"\n]*"')  # the same on a line without a backslash, where it is linear: faster


def _closed_strings_out(m: re.Match[str]) -> str:
    return "" if m.group(1) else m.group(0)


def _json_brackets(text: str) -> Iterator[int]:
    """The positions of the brackets of `text` outside its strings, in order."""
    for m in _JSON_TOKEN.finditer(text):
        st = m.start()
        if text[st] != '"':
            yield st
        elif m.group(1) is None:  # a quote that opens no string: what follows it is read as before
            for b in _BRACKET.finditer(text, st + 1, m.end()):
                yield b.start()
# a line that opens the value: `[`, `{`, `[{`, or a member that opens one (`"patients": [`)
_JSON_OPENER = re.compile(r'\A\s*(?:"(?:[^"\\\n]|\\.){1,200}"\s*:\s*)?[\[{]{1,2}\s*$')
_JSON_MEMBER = re.compile(r'\A\s*"(?:[^"\\\n]|\\.){1,200}"\s*:')
_JSON_PUNCT = re.compile(r"\A\s*[\[\]{}]{1,4},?\s*$")  # `{`, `},`, `]`, `[{`
# an array's string element alone on its line (`"tel:+33612345678",` under `"uris": [`): a contact's
# URIs, a record's list of phones or addresses (blind set 9b: the walk up stopped there, nothing read)
_JSON_ELEMENT = re.compile(r'\A\s*"(?:[^"\\\n]|\\.){1,400}"\s*,?\s*$')
_PRETTY_UP = 64  # how far up `pretty_json_start` looks for the line that opens the value
_PRETTY_SAMPLE = 64  # records whose keys decide whether the value is a dump


def opens_json_value(s: str) -> bool:
    """A line that opens a pretty-printed JSON value: `[`, `{`, `[{`, `"rows": [` alone on it."""
    return _JSON_OPENER.match(s) is not None


def is_pretty_json_line(s: str) -> bool:
    """A line of a pretty-printed JSON value: a member (`"key": ...`), brackets or an array's string
    element alone."""
    return _JSON_MEMBER.match(s) is not None or _JSON_PUNCT.match(s) is not None or _JSON_ELEMENT.match(s) is not None


def pretty_json_start(lines: list[str], i: int, floor: int) -> int | None:
    """The line that opens the pretty-printed JSON value member line `i` belongs to: the topmost
    opening line above it, over JSON lines only, at most `_PRETTY_UP` lines up; None if none."""
    top = None
    k = i
    lo = max(floor, i - _PRETTY_UP)
    while k >= lo and is_pretty_json_line(lines[k]):
        if opens_json_value(lines[k]):
            top = k
        k -= 1
    return top


def _pretty_end(lines: list[str], i: int) -> int:
    """The end (exclusive) of the value opened on line `i`: where its brackets close, before a
    blank line, or after the line that closes more than was opened (a chunk of a bigger value
    ends with its parent's `]`). Strings are set aside first: brackets inside them do not count."""
    depth = 0
    n = len(lines)
    k = i
    while k < n:
        s = lines[k]
        if not s.strip():
            return k
        if '"' in s:
            s = _JSON_STRING.sub(_closed_strings_out, s) if "\\" in s else _PLAIN_STRING.sub("", s)
        depth += s.count("{") + s.count("[") - s.count("}") - s.count("]")
        k += 1
        if depth <= 0:
            return k
    return k


def _json_tree(text: str) -> list[list[Any]]:
    """The containers of `text` as [bracket, start, end, children] (end -1: never closed), from
    one pass over its string and bracket tokens; stops at a closing bracket without its opener."""
    roots: list[list[Any]] = []
    stack: list[list[Any]] = []
    for p in _json_brackets(text):
        c = text[p]
        if c == "{" or c == "[":
            node: list[Any] = [c, p, -1, []]
            (stack[-1][3] if stack else roots).append(node)
            stack.append(node)
        elif not stack or (stack[-1][0] == "{") != (c == "}"):
            break
        else:
            stack.pop()[2] = p + 1
    return roots


_JSON_DEPTH = 16  # containers deeper than this are not looked into for records (nor recursed into)


def _holds_records(node: list[Any], depth: int = 0) -> bool:
    """An object that holds an array of objects, itself or in its objects (`{"data": {"rows": [...]}}`)."""
    if depth > _JSON_DEPTH:
        return False
    for child in node[3]:
        if child[0] == "[" and any(g[0] == "{" for g in child[3]):
            return True
        if child[0] == "{" and _holds_records(child, depth + 1):
            return True
    return False


def _json_records(text: str, nodes: list[list[Any]], out: list[tuple[int, int, Any]], depth: int = 0) -> None:
    """(start, end, parsed object) of the records under `nodes`: an object is a record when it
    holds a value with a strong role itself (a patient with an array of addresses is one) or no
    array of objects; else its arrays' objects are. An unclosed array's closed records count;
    an unparsable object is skipped."""
    if depth > _JSON_DEPTH:
        return
    for node in nodes:
        if node[0] == "[":  # closed or not (a cut dump): its closed records count
            _json_records(text, node[3], out, depth + 1)
            continue
        if node[2] < 0:  # an object never closed: only the records it holds can be read
            if _holds_records(node):
                _json_records(text, node[3], out, depth + 1)
            continue
        if _holds_records(node):
            try:
                obj = json.loads(text[node[1]:node[2]])
            except (ValueError, RecursionError):
                continue
            if not any(role_of(k) in STRONG_ROLES for k, v in obj.items() if not isinstance(v, (dict, list))):
                _json_records(text, node[3], out, depth + 1)
                continue
        else:
            try:
                obj = json.loads(text[node[1]:node[2]])
            except (ValueError, RecursionError):
                continue
        out.append((node[1], node[2], obj))


def _keys_type(obj: Any, depth: int = 0) -> bool:
    """A key with a strong role in the record, or in its objects and arrays (a few levels)."""
    if depth > 3:
        return False
    if isinstance(obj, dict):
        return any(role_of(k) in STRONG_ROLES or _keys_type(v, depth + 1) for k, v in obj.items())
    if isinstance(obj, list):
        return any(_keys_type(v, depth + 1) for v in obj[:20])
    return False


def pretty_json(ctx: Ctx, i: int) -> tuple[int, Spec | None]:
    """A pretty-printed JSON value opened on line `i`; a fragment when its records' keys type
    a strong identifier. Each block is looked at once (`Ctx.json_end`)."""
    lines = ctx.lines
    j = _pretty_end(lines, i)
    ctx.json_end = j
    if j - i < 3:
        return i + 1, None
    text = "\n".join(lines[i:j])
    records: list[tuple[int, int, Any]] = []
    _json_records(text, _json_tree(text), records)
    if not any(_keys_type(r[2]) for r in records[:_PRETTY_SAMPLE]):
        return i + 1, None  # its lines go to the other recognisers, as before

    def fill(sink: Sink, offs: list[int]) -> int:
        # offsets in the block are offsets in the fragment when no line but the first has a forum
        # quote prefix ("> "); a quoted block is read line by line, untyped
        if any(offs[k + 1] - offs[k] != len(lines[i + k]) + 1 for k in range(len(offs) - 1)):
            hit = 0
            for k in range(i, j):
                before = len(sink.found)
                scan(lines[k], sink.found, offs[k - i])
                hit += len(sink.found) > before
            return hit
        core = _engine.core()
        today = _engine.today() if core is not None else None
        base = offs[0]
        hit = 0
        for n, (a, b, obj) in enumerate(records):
            if (n & 255) == 0 and sink.over():
                break
            hit += _json_record(obj, text[a:b], base + a, sink, core, today)
        return hit

    return j, ("json", i, j - 1, fill)


def _json_line(s: str, off: int, sink: Sink, core: Any, today: Any) -> int:
    """One JSON line of a `jsonl` block (the reference; the compiled core hands back the lines
    `json.loads` does not parse, and those with a lone surrogate): 1 if its record had a
    strong identifier."""
    t = s.strip().rstrip(",").lstrip("[").rstrip("]")
    try:
        obj = _loads(t)
    except (ValueError, RecursionError):
        if _array_records(s) is not None:  # an array of records on one line: one record each,
            # read in its own span (a value searched from the line's start was found in the first
            # record holding it: later records' names and towns were left unmasked in the excerpt)
            return _read_long_json(s, off, _long_json_spans(s), sink, core, today)[0]
        try:
            obj = json.loads(_MONGO.sub(r"\1", t))
        except (ValueError, RecursionError):
            obj = _python_literal(s.strip().rstrip(","))
            if obj is None:  # a JavaScript object literal, JSON5: keys without quotes
                obj = _js_literal(s.strip().rstrip(","))
            if isinstance(obj, list):  # a printed list of dicts: each a record (any other list: none)
                return sum(_json_record(x, s, off, sink, core, today) for x in obj[:100_000] if isinstance(x, dict))
            if obj is None:
                before = len(sink.found)
                scan(s, sink.found, off)
                return int(len(sink.found) > before)
    return _json_record(obj, s, off, sink, core, today)


# A Python program's log or a pickled cache printed: `{'email': 'j@x.fr', 'nir': '1 84 ...'}` (a
# dict's repr: single quotes, None, True), read as its JSON twin would be, by `ast.literal_eval`
# (literals only: nothing runs); only lines no JSON reading took get here.
_REPR_MAX = 100_000  # characters: a longer line is scanned as text (the parse builds a tree of it)


def _python_literal(t: str) -> Any:
    """The dict (or list) a line spells in Python's literal syntax, else None."""
    if "'" not in t or len(t) > _REPR_MAX or t[:1] not in "{[":
        return None
    try:
        obj = ast.literal_eval(t)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return obj if isinstance(obj, (dict, list)) else None


# a key without quotes (`{ id: 1, email: 'j@x.fr' }`, JSON5's `{email: "j@x.fr",}`: a front
# end's fixtures, a seed file): quoted, the line is a Python literal (its trailing commas too)
_JS_KEY = re.compile(r"([{,][ \t]{0,8})([A-Za-z_$][\w$]{0,63})[ \t]{0,8}:")
_JS_WORDS = {"true": "True", "false": "False", "null": "None"}
_JS_WORD = re.compile(r"(?<=[:,\[])([ \t]{0,8})(true|false|null)\b")


def _js_literal(t: str) -> Any:
    """The dict a line spells as a JavaScript object literal (keys bare, strings in either
    quotes, `true`/`false`/`null`), else None."""
    if t[:1] != "{" or len(t) > _REPR_MAX or _JS_KEY.match(t) is None:
        return None
    py = _JS_KEY.sub(r"\1'\2':", t)
    py = _JS_WORD.sub(lambda m: m.group(1) + _JS_WORDS[m.group(2)], py)
    try:
        obj = ast.literal_eval(py)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


def _python_records(s: str) -> bool:
    """Whether a line is a printed Python list of two dicts or more (one line, many records)."""
    if s.lstrip()[:1] != "[":
        return False
    obj = _python_literal(s.strip().rstrip(","))
    return isinstance(obj, list) and sum(isinstance(x, dict) for x in obj[:3]) >= 2


def _json_record(obj: Any, s: str, off: int, sink: Sink, core: Any, today: Any) -> int:
    """One parsed JSON record of line `s`: 1 if it had a strong identifier."""
    if core is not None and (s.find("{", 1) < 0 or _NESTED.search(s, 1) is None):
        # the walk and the record in one call to the compiled core (a nested object: walked here)
        try:
            return int(core.json_record(obj, s, off, sink, today) > 0)
        except UnicodeEncodeError:  # a lone surrogate from a JSON escape: the reference takes
            pass                    # the record (the core reads every value before appending)
    fields: list[tuple[str, int]] = []
    roles: list[str | None] = []
    _walk(obj, s, off, fields, roles, None, 0)
    return int(extract_record(fields, roles, sink) > 0)
