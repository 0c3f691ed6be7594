"""The Total Rows of a workbook's Excel tables: a sum under the data, not a row of it.

A desk that formats its *Clienti* or *Righe modello* as a table (Home › Format as Table) and
ticks *Total Row* gets a last row reading `Totale` in the first column and a `SUBTOTAL` under
the numbers. calamine gives it as one more row of values, so the data check asked the desk to
fill in the row's *Ragione sociale*, *Indirizzo*, … (`Clienti!B32: Manca «Ragione sociale»`),
or took `Totale` for an item code of *Giacenze*, and every verb refused the workbook.

The table part says which rows are its totals (`<table ref="A1:B62" totalsRowCount="1">`: the
last row of `ref`); this finds them for each sheet of an .xlsx/.xlsm package, through the
sheet's relationships to its tables, reading each part as the guard reads any part. The reader
then blanks those cells, within the table's columns, so they are an empty row (`sources`).
An .xlsb says the same in its binary table part (`tables/table1.bin`: BrtBeginList's count of
total rows, `_xlsb_totals`). An .ods says nothing of it: LibreOffice keeps an Excel table as a
database range, and its Total Row as the range's last row, whose sums are `SUBTOTAL` formulas; a
row of customers or items holds none, so that last row is taken for the Total Row (`_ods_totals`).
An .xls keeps no Total Row of its own: its sum is a row like the others.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from toolkit.basics.cells import column_index
from toolkit.basics.problems import UnusableInput
from toolkit.intake.guard import (
    ZIP_FAULTS,
    chunks,
    is_cfb,
    local_name,
    part_key,
    relationships,
    sheet_tabs,
    xlsb_records,
    xlsb_sheet_parts,
    xml_starts,
)

TotalRow = tuple[int, int, int]
"""(row, first column, last column), 1-based: `(62, 1, 2)` is A62:B62."""

_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"


def total_rows(source: bytes | Path) -> dict[str, tuple[TotalRow, ...]]:
    """Each sheet's Total Rows by the name on its tab; empty for a package without tables, a
    file that is no OOXML package, or parts that cannot be read (calamine's reading says why)."""
    try:
        if is_cfb(source):
            return {}
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            names = zf.namelist()
            if "mimetype" in names and "content.xml" in names:
                return _ods_totals(zf)
            if not any("tables/" in part_key(n) for n in names):
                return {}
            by_key = {part_key(n): n for n in names}
            binary = "xl/workbook.bin" in by_key
            found: dict[str, tuple[TotalRow, ...]] = {}
            for part, tab in (xlsb_sheet_parts(zf) if binary else sheet_tabs(zf)).items():
                folder, _, base = part.rpartition("/")
                rels = by_key.get(part_key(f"{folder}/_rels/{base}.rels"))
                if rels is None:
                    continue
                rows = tuple(row for _, kind, target in relationships(zf, rels) if kind == _TABLE and target
                             if (table := by_key.get(part_key(_resolved(folder, target)))) is not None
                             for row in (_xlsb_totals(zf, table) if binary else _totals(zf, table)))
                if rows:
                    found[tab] = rows
            return found
    except (*ZIP_FAULTS, ParseError, UnusableInput, ValueError, OSError):
        return {}


def _resolved(folder: str, target: str) -> str:
    """A relationship's target as a member name: from the package's root when it starts with a
    slash, else from the sheet's folder (`../tables/table1.xml`)."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"{folder}/{target}")


def _totals(zf: zipfile.ZipFile, part: str) -> list[TotalRow]:
    """The Total Row of one table part: the last row of its `ref`, when `totalsRowCount` says
    the table shows one and a column of it holds a label or a function (`totalsRowLabel`,
    `totalsRowFunction`), as every Total Row Excel adds does. Excel writes a count of 0 or 1 and
    never over the heading row: a part saying more, or a count with no total in any column (a
    program writing the attribute over a range whose last row is data), would blank a real
    customer or item without a word, so it is read as data."""
    top = bottom = None
    shown = False
    for elem in xml_starts(zf, part):
        name = local_name(elem)
        if name == "table":
            if int(elem.get("totalsRowCount") or 0) != 1:
                return []
            first, _, last = (elem.get("ref") or "").replace("$", "").partition(":")
            top, bottom = _cell(first), _cell(last or first)
            heading = (elem.get("headerRowCount") or "1") != "0"
            if top is None or bottom is None or bottom[0] <= top[0] + heading:
                return []
        elif name == "tableColumn" and (elem.get("totalsRowLabel") or elem.get("totalsRowFunction")):
            shown = True
            break
        elif top is None:
            return []
    if top is None or bottom is None or not shown:
        return []
    return [(bottom[0], top[1], bottom[1])]


BEGIN_LIST = 343
"""BrtBeginList, a binary table part's first record: its range (first and last row, first and
last column, 0-based), its kind, id, and counts of heading and total rows, 4 bytes each."""


def _xlsb_totals(zf: zipfile.ZipFile, part: str) -> list[TotalRow]:
    """The Total Row of one .xlsb table part: the last row of its range when its count of total
    rows is 1 and the range has a row of data above it, as for an .xlsx (`_totals`). Only Excel
    writes .xlsb tables, and it writes the count for a Total Row shown, so the count is enough."""
    for kind, body in xlsb_records(zf, part):
        if kind != BEGIN_LIST or len(body) < 32:
            return []
        first, last, left, right, _, _, headings, totals = struct.unpack_from("<8I", body)
        if totals != 1 or last <= first + (headings != 0) or right < left:
            return []
        return [(last + 1, left + 1, right + 1)]
    return []


_ODF_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_RANGE = re.compile(r"\$?('(?:[^']|'')+'|[^.']+)\.\$?([A-Za-z]+)\$?(\d+):(?:\$?(?:'(?:[^']|'')+'|[^.']+))?"
                    r"\.\$?([A-Za-z]+)\$?(\d+)")


def _ods_totals(zf: zipfile.ZipFile) -> dict[str, tuple[TotalRow, ...]]:
    """The Total Rows of an .ods: each database range's last row when a cell of it, within the
    range's columns, is a `SUBTOTAL` formula over a column whose row above holds none (a column
    numbering the rows a filter shows, `=SUBTOTAL(3,$A$2:A2)` down every row, is data), and a
    row of data lies between it and the headings.
    `content.xml` is searched for both words first: a spreadsheet without them is not read twice."""
    if not _mentions(zf, "content.xml", (b"database-range", b"SUBTOTAL(")):
        return {}
    t = _ODF_TABLE
    sums: dict[str, set[tuple[int, int]]] = {}
    ranges: list[tuple[str, str]] = []
    sheet, row, next_row, column = "", 0, 1, 1
    for elem in xml_starts(zf, "content.xml"):
        tag = elem.tag
        if tag == t + "table":
            sheet, next_row = elem.get(t + "name") or "", 1
        elif tag == t + "table-row":
            row, column = next_row, 1
            next_row += int(elem.get(t + "number-rows-repeated") or 1)
        elif tag in (t + "table-cell", t + "covered-table-cell"):
            if "SUBTOTAL(" in (elem.get(t + "formula") or "").upper():
                sums.setdefault(sheet, set()).add((row, column))
            column += int(elem.get(t + "number-columns-repeated") or 1)
        elif tag == t + "database-range":
            ranges.append((elem.get(t + "target-range-address") or "", elem.get(t + "contains-header") or "true"))
    found: dict[str, list[TotalRow]] = {}
    for address, heading in ranges:
        if (m := _RANGE.fullmatch(address.strip())) is None:
            continue
        name = m[1][1:-1].replace("''", "'") if m[1].startswith("'") else m[1]
        top, left, bottom, right = int(m[3]), column_index(m[2].upper()), int(m[5]), column_index(m[4].upper())
        summed = sums.get(name, set())
        if bottom > top + (heading != "false") and any(
                (bottom, c) in summed and (bottom - 1, c) not in summed for c in range(left, right + 1)):
            found.setdefault(name, []).append((bottom, left, right))
    return {name: tuple(rows) for name, rows in found.items()}


def _mentions(zf: zipfile.ZipFile, part: str, words: tuple[bytes, ...]) -> bool:
    """Whether the part holds every one of `words`, read once."""
    seen: set[bytes] = set()
    for chunk in chunks(zf, part):
        seen.update(word for word in words if word in chunk)
        if len(seen) == len(words):
            return True
    return False


def _cell(ref: str) -> tuple[int, int] | None:
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters):]
    if not (letters.isalpha() and letters.isascii() and digits.isdigit()):
        return None
    return int(digits), column_index(letters)


def without_total_rows(rows: Sequence[Sequence[Any]], first_row: int, first_col: int,
                       totals: Sequence[TotalRow]) -> list[Sequence[Any]]:
    """The sheet's rows (the first at `first_row`, `first_col`) with the cells of its Total Rows
    blank, within each table's columns: an empty row, skipped as any other."""
    rows = list(rows)
    for row, left, right in totals:
        i = row - first_row
        if 0 <= i < len(rows):
            cells = list(rows[i])
            for j in range(max(left - first_col, 0), min(right - first_col + 1, len(cells))):
                cells[j] = ""
            rows[i] = cells
    return rows


def outside_total_rows(cells: Sequence[tuple[int, int, Any]], totals: Sequence[TotalRow]) -> tuple[Any, ...]:
    """The cells (row, column, …) that lie in no Total Row: a `SUBTOTAL` showing an error, or
    saved without its value, is the table's sum, not a cell of the data."""
    return tuple(c for c in cells if not any(row == c[0] and left <= c[1] <= right for row, left, right in totals))
