"""Cells holding an error value (#N/A, #DIV/0!, …): where a workbook's sheets have them.

python-calamine reads such a cell as an empty string, so a Fido computed `=NA()` read as "no
credit limit" and a price `=1/0` as "no price of its own", silently. Excel and LibreOffice
store the error a formula last gave as the cell's value, `<c r="R3" t="e"><v>#N/A</v></c>`;
this finds those cells in an .xlsx/.xlsm package, so the reader can say what the cell shows.

A sheet part is searched for `t="e"` as a stream of chunks (the guard's reading) and parsed
only where it is found: a workbook without errors costs one pass of inflating its sheets.
An .ods saved by LibreOffice marks the cell `calcext:value-type="error"`, found the same way;
the binary formats (.xlsb, .xls) are not searched.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from threading import Event
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import iterparse

from toolkit.basics.cells import column_index
from toolkit.basics.problems import UnusableInput
from toolkit.intake.guard import ZIP_FAULTS, chunks, local_name, sheet_tabs

ErrorCell = tuple[int, int, str]
"""(row, column, what the cell shows), 1-based: `(3, 18, "#N/A")` is R3 showing #N/A."""

ERROR_VALUES = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
"""What Excel shows for a formula's error (a live book's cell is read as this text)."""
_ERROR_TYPE = (b't="e"', b"t='e'")
_ODS_ERROR = (b'value-type="error"', b"value-type='error'")
"""LibreOffice's mark of an error cell in an .ods (`calcext:value-type`), its text the error."""
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CALCEXT_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def error_cells(source: bytes | Path, stop: Event | None = None) -> dict[str, tuple[ErrorCell, ...]]:
    """Each sheet's error cells by its tab name (sheets without any are left out); empty for a
    file that is not an OOXML package (an .xls) or whose parts cannot be read (the reader
    says why). Once `stop` is set (the read it serves gave up), it stops at the next chunk or
    row and gives what it found, so the file is let go of at once."""
    stop = stop or Event()
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            if "content.xml" in zf.namelist() and "[Content_Types].xml" not in zf.namelist():
                return _ods_errors(zf, stop) if _may_hold_errors(zf, "content.xml", _ODS_ERROR, stop) else {}
            found: dict[str, tuple[ErrorCell, ...]] = {}
            for part, tab in sheet_tabs(zf).items():
                if part.lower().endswith(".xml") and _may_hold_errors(zf, part, _ERROR_TYPE, stop):
                    if cells := tuple(_errors_in(zf, part, stop)):
                        found[tab] = cells
            return found
    except (*ZIP_FAULTS, ParseError, UnusableInput):  # calamine's reading says why, not this
        return {}


def shown_errors(rows: Sequence[Sequence[object]], first_row: int, first_col: int) -> tuple[ErrorCell, ...]:
    """The cells of a live book's values whose text is an error value, as xlwings reads them
    (`err_to_str`); the values start at (`first_row`, `first_col`). A row is looked into only
    when it holds one (`isdisjoint`, a pass in C): a large book has none."""
    return tuple((first_row + i, first_col + j, v) for i, row in enumerate(rows) if not ERROR_VALUES.isdisjoint(row)
                 for j, v in enumerate(row) if v.__class__ is str and v in ERROR_VALUES)


def _may_hold_errors(zf: zipfile.ZipFile, part: str, marks: tuple[bytes, ...], stop: Event) -> bool:
    for text in chunks(zf, part):
        if stop.is_set():
            return False
        if any(mark in text for mark in marks):
            return True
    return False


def _errors_in(zf: zipfile.ZipFile, part: str, stop: Event) -> Iterator[ErrorCell]:
    """The part's cells of type `e` with their value, parsed as a stream that drops each row
    once read."""
    with zf.open(part) as stream:
        for _, elem in iterparse(stream, events=("end",), forbid_dtd=True):
            name = local_name(elem)
            if name == "c" and elem.get("t") == "e":
                ref = _REF.fullmatch(elem.get("r") or "")
                shown = next((child.text for child in elem if local_name(child) == "v"), None)
                if ref is not None:
                    yield int(ref[2]), column_index(ref[1]), (shown or "#N/A").strip()
            elif name == "row":
                elem.clear()
                if stop.is_set():
                    return


def _ods_errors(zf: zipfile.ZipFile, stop: Event) -> dict[str, tuple[ErrorCell, ...]]:
    """An .ods's error cells by table, each cell placed by counting the rows and cells before
    it, repeated ones (`number-rows-repeated`, `number-columns-repeated`) as many times."""
    found: dict[str, list[ErrorCell]] = {}
    table, row, col, repeated = "", 0, 0, 1
    with zf.open("content.xml") as stream:
        for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = elem.tag
            if event == "start":
                if tag == f"{_TABLE}table":
                    table, row = elem.get(f"{_TABLE}name") or "", 0
                elif tag == f"{_TABLE}table-row":
                    row, col = row + 1, 0
                    repeated = int(elem.get(f"{_TABLE}number-rows-repeated") or 1)
            elif tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                if elem.get(_CALCEXT_TYPE) == "error":
                    found.setdefault(table, []).append((row, col + 1, "".join(elem.itertext()).strip() or "#N/A"))
                col += int(elem.get(f"{_TABLE}number-columns-repeated") or 1)
                elem.clear()
            elif tag == f"{_TABLE}table-row":
                row += repeated - 1
                elem.clear()
                if stop.is_set():
                    break
    return {name: tuple(cells) for name, cells in found.items()}
