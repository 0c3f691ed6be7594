"""Cells holding an error value (#N/A, #DIV/0!, …): where a workbook's sheets have them.

python-calamine reads such a cell as an empty string, so a Fido computed `=NA()` read as "no
credit limit" and a price `=1/0` as "no price of its own", silently. Excel and LibreOffice
store the error a formula last gave as the cell's value, `<c r="R3" t="e"><v>#N/A</v></c>`;
this finds those cells in an .xlsx/.xlsm package, so the reader can say what the cell shows.

A sheet part is searched for `t="e"` as a stream of chunks (the guard's reading) and parsed
only where it is found: a workbook without errors costs one pass of inflating its sheets.
The binary and old formats (.xlsb, .xls, .ods) are not searched.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
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
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def error_cells(source: bytes | Path) -> dict[str, tuple[ErrorCell, ...]]:
    """Each sheet's error cells by its tab name (sheets without any are left out); empty for a
    file that is not an OOXML package (an .xls) or whose parts cannot be read (the reader
    says why)."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            found: dict[str, tuple[ErrorCell, ...]] = {}
            for part, tab in sheet_tabs(zf).items():
                if part.lower().endswith(".xml") and _may_hold_errors(zf, part):
                    if cells := tuple(_errors_in(zf, part)):
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


def _may_hold_errors(zf: zipfile.ZipFile, part: str) -> bool:
    return any(mark in text for text in chunks(zf, part) for mark in _ERROR_TYPE)


def _errors_in(zf: zipfile.ZipFile, part: str) -> Iterator[ErrorCell]:
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

