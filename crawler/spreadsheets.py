"""Spreadsheets (Excel .xlsx/.xlsm, OpenDocument .ods) read as tab-separated tables, one per sheet.

Hospital, CRM and HR exports are shared as workbooks as often as CSV. An .xlsx is a zip of XML
parts (ECMA-376): the sheets' cells point into one table of shared strings, numbers are stored
as numbers (a date of birth is a day count that only its cell's number format makes a date),
and cells are placed by reference (`C7`), with empty ones left out. Read as the zip it is, a
workbook gives the detector nothing; read here, each sheet is the table a CSV export would
have been, and the detector reads it as one (`book.xlsx/Patients.tsv`).

The parts are XML from an attacker: they are parsed by defusedxml (no DTD entities, no external
references), incrementally, and the caller has already bounded their decompressed size. Output
is bounded too: at most `MAX_COLUMNS` columns (a cell at `XFD1048576` does not make a row of
16 384 cells), and the caller counts the tables' bytes against the same budget.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

from crawler._room import TextRoom

__all__ = ["MAX_COLUMNS", "SpreadsheetCapError", "SpreadsheetError", "join_sheets", "ods_tables", "xlsx_tables"]

MAX_COLUMNS = 512
# number formats Excel builds in that show a date (ECMA-376 part 1, 18.8.30): 14-17 and 22, and
# the East Asian date formats
_BUILTIN_DATES = frozenset({14, 15, 16, 17, 22, *range(27, 37), *range(50, 59)})
_WIDTH_ROWS = 1000  # rows that set a sheet's width (shorter rows are padded to it)
# an OpenDocument row or cell repeated more than this is layout (a filled-down border, a
# column of formats to the sheet's edge), not records: it is written this many times at most
_MAX_REPEAT = 100


class SpreadsheetError(ValueError):
    """A workbook whose parts cannot be read (not XML, entities, missing parts)."""


class SpreadsheetCapError(SpreadsheetError):
    """A sheet whose text would pass the bytes the caller has room for: refused as it is read,
    before its text is built. Its parts are small, but a cell's text can be written many times
    over (one 1 MB shared string in 2 million cells of an .xlsx, a 1 MB cell repeated 100 x 100
    times in an .ods: 5 MB files that took 3 GB and more before this)."""


def _local(tag: str) -> str:
    """An element's name without its namespace (transitional and strict OOXML differ there)."""
    return tag.rsplit("}", 1)[-1]


def _number(value: str | None, default: int) -> int:
    """An attribute's count or index (a style, a shared string, a repeat): `default` unless it is
    ASCII digits, 9 at most. `isdigit` alone took '²' and 5,000 digits, which int() refuses: the
    ValueError made the whole workbook "corrupt", every sheet of it unread (round 13)."""
    return int(value) if value and len(value) <= 9 and value.isascii() and value.isdigit() else default


def _attr(el: Element, name: str) -> str | None:
    """An attribute by local name (`r:id` is namespaced)."""
    for k, v in el.attrib.items():
        if _local(k) == name:
            return v
    return None


def _events(data: bytes, where: str, events: tuple[str, ...]) -> Iterator[tuple[str, Element]]:
    """The part's parse events; defusedxml refuses entity declarations and external references."""
    try:
        yield from iterparse(io.BytesIO(data), events=events)
    except (ParseError, DefusedXmlException) as exc:
        raise SpreadsheetError(f"{where}: not a readable workbook part ({type(exc).__name__}: {exc})") from exc


def _parse(data: bytes, where: str) -> Iterator[Element]:
    """The part's elements, each once complete."""
    for _, el in _events(data, where, ("end",)):
        yield el


def _text_of(item: Element) -> str:
    """A string item's text (`<si>` or `<is>`): its `<t>`, or its runs' `<t>`s; phonetic
    guides (`<rPh>`) are not part of it."""
    out: list[str] = []
    for child in item:
        name = _local(child.tag)
        if name == "t":
            out.append(child.text or "")
        elif name == "r":
            out.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(out)


def _shared_strings(data: bytes | None, where: str) -> list[str]:
    """The table of shared strings. Each item read is let go of: cleared, and the table's element
    emptied of the items parsed so far (the parser runs a chunk ahead of the events, so the item
    just read is seldom its last child). Cleared only, each stayed a child of `<sst>`, ~80 bytes
    apiece: 84 kB of .xlsx naming 2,000,000 one-letter strings (34 MB of XML, well under
    `attachments.max_uncompressed_bytes`) held 230 MB while it was read."""
    if data is None:
        return []
    out: list[str] = []
    table: Element | None = None
    for event, el in _events(data, where, ("start", "end")):
        if event == "start":
            if table is None and _local(el.tag) == "sst":
                table = el
            continue
        if _local(el.tag) == "si":
            out.append(_text_of(el))
            el.clear()
            if table is not None:
                table.clear()  # (the items parsed ahead of this one are complete or hold their own children)
    return out


def _is_date_format(code: str) -> bool:
    """A custom number format shows a date when, outside quoted text and `[...]` sections, it
    has a day or a year (`dd/mm/yyyy`, `d-mmm-yy`); `h:mm` alone is a time."""
    plain: list[str] = []
    quoted = bracket = False
    for c in code:
        if c == '"':
            quoted = not quoted
        elif not quoted and c == "[":
            bracket = True
        elif not quoted and c == "]":
            bracket = False
        elif not quoted and not bracket:
            plain.append(c.lower())
    text = "".join(plain)
    return "d" in text or "y" in text


def _date_styles(data: bytes | None, where: str) -> set[int]:
    """The indexes of the cell formats (`cellXfs`) that show a date."""
    if data is None:
        return set()
    custom: dict[int, bool] = {}
    out: set[int] = set()
    n = 0
    for el in _parse(data, where):
        name = _local(el.tag)
        if name == "numFmt":
            fid = _number(el.get("numFmtId"), -1)
            if fid >= 0:
                custom[fid] = _is_date_format(el.get("formatCode") or "")
        elif name == "xf":  # counted in document order; the cells' are those of cellXfs
            xid = _number(el.get("numFmtId") or "0", -1)
            if xid >= 0 and (custom.get(xid) or (xid not in custom and xid in _BUILTIN_DATES)):
                out.add(n)
            n += 1
        elif name == "cellStyleXfs":  # its xf elements ended before it: not the cells' formats
            out.clear()
            n = 0
        elif name == "cellXfs":
            break
    return out


def _serial_to_text(value: str, date1904: bool) -> str:
    """An Excel day count as the date (and time) it shows: `31118` -> `1985-03-12`."""
    try:
        serial = float(value)
    except ValueError:
        return value
    if not 0 < serial < 2958466:  # up to 9999-12-31
        return value
    if date1904:
        base = datetime(1904, 1, 1)
    else:  # 1900 system, with Lotus's 29 February 1900 (serial 60) that never was
        base = datetime(1899, 12, 31) if serial < 60 else datetime(1899, 12, 30)
    when = base + timedelta(seconds=round(serial * 86400))  # to the second, as Excel shows it (no float residue)
    if when.time() == datetime.min.time():
        return date(when.year, when.month, when.day).isoformat()
    return when.strftime("%Y-%m-%d %H:%M:%S")


def _number_text(v: str) -> str:
    """A number as a CSV export writes it: `1.2345678E+9` -> `1234567800` when whole."""
    if "E" in v or "e" in v:
        try:
            f = float(v)
        except ValueError:
            return v
        if f.is_integer() and abs(f) < 1e16:
            return str(int(f))
    return v


def _column(ref: str | None, default: int) -> int:
    """`C7` -> 2; a cell without a reference is the next one."""
    if not ref:
        return default
    col = 0
    for c in ref:
        if "A" <= c <= "Z":
            col = col * 26 + ord(c) - 64
        else:
            break
    return col - 1 if col else default


def _cell_text(v: str | None, t: str | None, style: int, el: Element, shared: list[str], dates: set[int],
               date1904: bool) -> str:
    if t == "inlineStr":
        for child in el:
            if _local(child.tag) == "is":
                return _text_of(child)
        return ""
    if v is None:
        return ""
    if t == "s":
        k = _number(v, -1)
        return shared[k] if 0 <= k < len(shared) else ""
    if t == "b":
        return "TRUE" if v == "1" else "FALSE"
    if t in ("str", "e", "d"):
        return v
    if style in dates:
        return _serial_to_text(v, date1904)
    return _number_text(v)


def _quote(cell: str) -> str:
    if any(c in cell for c in '\t\n\r"'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _sheet_rows(data: bytes, where: str, shared: list[str], dates: set[int], date1904: bool) -> Iterator[list[str]]:
    rows_parent: Element | None = None
    for event, el in _events(data, where, ("start", "end")):
        if event == "start":
            if _local(el.tag) == "sheetData":
                rows_parent = el
            continue
        if _local(el.tag) != "row":
            continue
        cells: dict[int, str] = {}
        nxt = 0
        for c in el:
            if _local(c.tag) != "c":
                continue
            col = _column(c.get("r"), nxt)
            nxt = col + 1
            if col >= MAX_COLUMNS:
                continue
            v = None
            for child in c:
                if _local(child.tag) == "v":
                    v = child.text
            s = c.get("s")
            text = _cell_text(v, c.get("t"), _number(s, 0), c, shared, dates, date1904)
            if text:
                cells[col] = text
        el.clear()
        if rows_parent is not None:  # the rows read are let go of: memory stays a parser's chunk, not the
            rows_parent.clear()  # sheet (the parser runs ahead: the row just read is seldom the last child)
        if cells:
            row = [""] * (max(cells) + 1)
            for k, text in cells.items():
                row[k] = text
            yield row


def _sheet_names(workbook: bytes | None, rels: bytes | None, where: str) -> tuple[dict[str, str], bool]:
    """{worksheet part path: sheet name}, and whether dates count from 1904."""
    if workbook is None:
        return {}, False
    targets: dict[str, str] = {}
    if rels is not None:
        for el in _parse(rels, where):
            if _local(el.tag) == "Relationship" and el.get("Id") and el.get("Target"):
                target = (el.get("Target") or "").lstrip("/")
                targets[el.get("Id") or ""] = target if target.startswith("xl/") else "xl/" + target
    names: dict[str, str] = {}
    date1904 = False
    for el in _parse(workbook, where):
        name = _local(el.tag)
        if name == "sheet":
            rid = _attr(el, "id")
            if rid in targets and el.get("name"):
                names[targets[rid]] = el.get("name") or ""
        elif name == "workbookPr":
            date1904 = (el.get("date1904") or "").lower() in ("1", "true")
    return names, date1904


def _safe_name(name: str) -> str:
    """A sheet name as the last part of a file name: no path separator, no control character."""
    cleaned = "".join(c if c.isprintable() and c not in "/\\" else "_" for c in name).strip()
    return cleaned[:100] or "sheet"


class _Table:
    """A sheet's rows as tab-separated text, as wide as the widest of its first rows, built as
    they come (the first rows are held until they set the width) within `room` characters (None:
    no bound; a `TextRoom`): the row that would pass it raises `SpreadsheetCapError` before its
    line is made."""

    def __init__(self, where: str, room: int | None) -> None:
        self.room = TextRoom(where, room, SpreadsheetCapError,
                             "a cell written many times over", "the sheet is not read")
        self.rows = self.width = 0
        self.first: list[list[str]] = []
        self.lines: list[str] = []  # joined into `chunks` now and then: a line's str costs ~50 bytes
        self.chunks: list[str] = []

    def add(self, row: list[str]) -> None:
        if self.rows < _WIDTH_ROWS:
            self.width = max(self.width, len(row))
        self.room.take(sum(map(len, row)) + max(len(row), self.width))  # its cells and separators
        self.rows += 1
        if self.rows <= _WIDTH_ROWS:
            self.first.append(row)
            if self.rows == _WIDTH_ROWS:
                self._flush()
        else:
            self._line(row)

    def _line(self, row: list[str]) -> None:
        if len(row) < self.width:
            row += [""] * (self.width - len(row))
        self.lines.append("\t".join(_quote(c) for c in row))
        if len(self.lines) >= 4096:
            self.chunks.append("\n".join(self.lines))
            self.lines.clear()

    def _flush(self) -> None:
        for row in self.first:
            self._line(row)
        self.first.clear()

    def text(self) -> bytes | None:
        self._flush()
        if self.lines:
            self.chunks.append("\n".join(self.lines))
            self.lines.clear()
        return ("\n".join(self.chunks) + "\n").encode("utf-8") if self.chunks else None


def _table_text(rows: Iterator[list[str]], where: str = "", room: int | None = None) -> bytes | None:
    """A sheet's rows as tab-separated text (see `_Table`)."""
    table = _Table(where, room)
    for row in rows:
        table.add(row)
    return table.text()


def xlsx_tables(where: str, read: Callable[[str], bytes | None], parts: list[str],
                skip: Callable[[SpreadsheetError], None] | None = None,
                room: Callable[[], int] | None = None) -> Iterator[tuple[str, bytes]]:
    """(sheet name, the sheet as UTF-8 tab-separated text) for each worksheet of the workbook
    whose zip holds `parts`; `read(path)` gives a part's bytes (bounded by the caller) or None.
    A sheet that cannot be read (an entity bomb in its XML) is handed to `skip` and the next
    sheets read, when `skip` is given; else it raises, as the workbook's own parts do.

    Cells are quoted as CSV quotes them (a note with line breaks stays one cell); rows are as
    wide as the widest of the sheet's first rows; empty rows are left out, so one table stays
    one block. `room()`: the characters a sheet's text may take, asked at each sheet (past it,
    `SpreadsheetCapError`: to `skip` as any unreadable sheet)."""
    names, date1904 = _sheet_names(read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels"), where)
    shared = _shared_strings(read("xl/sharedStrings.xml"), f"{where}/xl/sharedStrings.xml")
    dates = _date_styles(read("xl/styles.xml"), f"{where}/xl/styles.xml")
    sheets = sorted((p for p in parts if p.startswith("xl/worksheets/") and p.endswith(".xml")),
                    key=lambda p: (len(p), p))
    used: set[str] = set()
    for n, part in enumerate(sheets):
        data = read(part)
        if data is None:
            continue
        name = _safe_name(names.get(part) or f"sheet{n + 1}")
        while name in used:
            name += "_"
        used.add(name)
        try:
            table = _table_text(_sheet_rows(data, f"{where}/{part}", shared, dates, date1904), f"{where}/{name}",
                                None if room is None else room())
        except SpreadsheetError as exc:
            if skip is None:
                raise
            skip(exc)
            continue
        if table is not None:
            yield name, table


# ------------------------------------------------------------------------------- OpenDocument
# An .ods holds its sheets in content.xml: `table:table` elements of `table:table-row`s of
# `table:table-cell`s, whose text is their `text:p` paragraphs as the sheet shows them (a date
# as `12/03/1985`, a phone as formatted); empty cells and rows are written once with a repeat
# count (`table:number-columns-repeated="1020"` to the sheet's edge).


def _ods_text(cell: Element) -> str:
    """A cell's shown text: its paragraphs, one per line, with `text:s` spaces, tabs and line
    breaks as they show."""
    paras: list[str] = []
    for p in cell:
        if _local(p.tag) in ("p", "h"):
            out: list[str] = []
            _ods_inline(p, out)
            paras.append("".join(out))
    return "\n".join(paras)


def _ods_inline(el: Element, out: list[str], depth: int = 0) -> None:
    """A paragraph's text into `out` (spans and links read through, a few levels deep)."""
    out.append(el.text or "")
    for child in el:
        name = _local(child.tag)
        if name == "s":
            c = _attr(child, "c") or "1"
            out.append(" " * min(_number(c, 1), 100))
        elif name == "tab":
            out.append("\t")
        elif name == "line-break":
            out.append("\n")
        elif depth < 16:
            _ods_inline(child, out, depth + 1)
        out.append(child.tail or "")


def _repeat(el: Element, name: str) -> int:
    n = _attr(el, name)
    return min(_number(n, 1), 1 << 20) or 1


def _ods_rows(table_rows: Iterator[Element]) -> Iterator[list[str]]:
    for row in table_rows:
        cells: list[str] = []
        for c in row:
            if _local(c.tag) not in ("table-cell", "covered-table-cell"):
                continue
            text = _ods_text(c)
            times = _repeat(c, "number-columns-repeated")
            if text:
                cells += [text] * min(times, _MAX_REPEAT, MAX_COLUMNS - len(cells))
            else:
                cells += [""] * min(times, MAX_COLUMNS - len(cells) + 1)
            if len(cells) > MAX_COLUMNS:
                break
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            for _ in range(min(_repeat(row, "number-rows-repeated"), _MAX_REPEAT)):
                yield list(cells[:MAX_COLUMNS])


def ods_tables(where: str, read: Callable[[str], bytes | None],
               skip: Callable[[SpreadsheetError], None] | None = None,
               room: Callable[[], int] | None = None) -> Iterator[tuple[str, bytes]]:
    """(sheet name, the sheet as UTF-8 tab-separated text) for each sheet of an OpenDocument
    spreadsheet; `read(path)` gives a part's bytes (bounded by the caller) or None. `room()` and
    `skip`: as `xlsx_tables`'s (a sheet past its room is set aside, the next ones read)."""
    data = read("content.xml")
    if data is None:
        raise SpreadsheetError(f"{where}: no content.xml; not an OpenDocument spreadsheet")
    part = f"{where}/content.xml"
    stack: list[Element] = []

    def new_table(label: str) -> _Table:
        return _Table(f"{where}/{label}", None if room is None else room())

    table = new_table("content.xml")
    refused = False  # the table being read passed its room: its other rows are let go of
    n_sheets = 0
    used: set[str] = set()
    for event, el in _events(data, part, ("start", "end")):
        name = _local(el.tag)
        if event == "start":
            stack.append(el)
            if name == "table":
                table, refused = new_table(_safe_name(_attr(el, "name") or f"sheet{n_sheets + 1}")), False
            continue
        stack.pop()
        if name == "table-row":
            if not refused:
                try:
                    for row in _ods_rows(iter([el])):
                        table.add(row)
                except SpreadsheetCapError as exc:
                    if skip is None:
                        raise
                    skip(exc)
                    refused = True
            el.clear()
            if stack and len(stack[-1]) and stack[-1][-1] is el:
                del stack[-1][-1]  # a read row is let go of
        elif name == "table":
            n_sheets += 1
            sheet = _safe_name(_attr(el, "name") or f"sheet{n_sheets}")
            while sheet in used:
                sheet += "_"
            used.add(sheet)
            text = None if refused else table.text()
            table, refused = new_table("content.xml"), False
            el.clear()
            if text is not None:
                yield sheet, text


# ----------------------------------------------------------------------------- sheets joined
# A workbook is often one record set over several sheets (an HR file's `Salariés` and its
# `Arrêts maladie` by `Matricule`, a clinic's patients and their consultations by `N° dossier`):
# the second sheet names its people only by the first sheet's key, so read alone it is rows of
# codes and reasons, no one's (blind probe set 6c, attachment_xlsx_hr_two_sheets). Such a sheet
# is read with the columns of the rows its key points to appended, as a query joining them
# would show it.
_MIN_JOINED = 2  # rows of the second sheet whose key the first sheet holds


def _header(table: bytes) -> list[str]:
    line = table[:table.find(b"\n")] if b"\n" in table else table
    try:
        return next(csv.reader([line.decode("utf-8", "replace")], delimiter="\t"), [])
    except csv.Error:
        return []


def _rows(table: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(table.decode("utf-8", "replace")), delimiter="\t"))


def _key_column(head: list[str], other: list[str]) -> tuple[int, int] | None:
    """(column in `head`, column in `other`) of the first column both headers name alike."""
    names = {c.strip().lower(): n for n, c in enumerate(other) if c.strip()}
    for n, c in enumerate(head):
        m = names.get(c.strip().lower())
        if m is not None:
            return n, m
    return None


def join_sheets(tables: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The sheets of one workbook, each sheet whose key column (its first column another,
    earlier sheet's header names too, a key there: each value once) points into that sheet
    written with that sheet's other columns appended to its rows (see above); the others as
    they are. A joined sheet is at most its own and the other sheet's sizes together (a key
    repeated over many rows of a wide sheet is not written over and over: it is left unjoined)."""
    if len(tables) < 2:
        return tables
    heads = [_header(t) for _, t in tables]
    out = list(tables)
    for b in range(1, len(tables)):
        for a in range(b):
            cols = _key_column(heads[b][:1], heads[a])
            if cols is None or not heads[b][0].strip():
                continue
            joined = _join(tables[b][1], tables[a][1], cols)
            if joined is not None:
                out[b] = (tables[b][0], joined)
                break
    return out


def _join(table: bytes, other: bytes, cols: tuple[int, int]) -> bytes | None:
    kb, ka = cols
    rows_a = _rows(other)
    rows_b = _rows(table)
    if rows_a[0] == rows_b[0] or [r[ka:ka + 1] for r in rows_a] == [r[kb:kb + 1] for r in rows_b]:
        return None  # one table over several sheets (a month each), or a form a sheet (label, value)
    index: dict[str, list[str]] = {}
    for row in rows_a[1:]:
        key = row[ka].strip() if ka < len(row) else ""
        if not key:
            continue
        if key in index or not any(c.isdigit() for c in key):
            return None  # no key: a value twice, or a word (a form's labels), not a record's code
        index[key] = row[:ka] + row[ka + 1:]
    if sum(1 for r in rows_b[1:] if kb < len(r) and r[kb].strip() in index) < _MIN_JOINED:
        return None
    head_a = rows_a[0][:ka] + rows_a[0][ka + 1:]
    width = max(len(r) for r in rows_b)
    blank = [""] * len(head_a)
    lines: list[str] = []
    size = 0
    bound = len(table) + len(other)
    for n, r in enumerate(rows_b):
        extra = head_a if n == 0 else index.get(r[kb].strip() if kb < len(r) else "", blank)
        extra = extra + [""] * (len(head_a) - len(extra))  # (every row as wide: one table)
        line = "\t".join(_quote(c) for c in [*r, *[""] * (width - len(r)), *extra])
        size += len(line.encode("utf-8")) + 1
        if size > bound:
            return None
        lines.append(line)
    return ("\n".join(lines) + "\n").encode("utf-8")
