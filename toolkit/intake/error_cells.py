"""Cells holding an error value (#N/A, #DIV/0!, …): where a workbook's sheets have them.

python-calamine reads such a cell as an empty string, so a Fido computed `=NA()` read as "no
credit limit" and a price `=1/0` as "no price of its own", silently. Excel and LibreOffice
store the error a formula last gave as the cell's value, `<c r="R3" t="e"><v>#N/A</v></c>`;
this finds those cells in an .xlsx/.xlsm package, so the reader can say what the cell shows.
A formula saved with no value at all (a library that writes formulas without computing them)
is read as empty just as silently, and is found the same way (`uncomputed`).

A sheet part is searched for `t="e"` as a stream of chunks (the guard's reading) and parsed
only where it is found: a workbook without errors costs one pass of inflating its sheets, and
none of its own when the guard clears the sheets beside calamine's parse: the guard looks for
the marks in the chunks it inflates (`ErrorMarks`).
An .ods saved by LibreOffice marks the cell `calcext:value-type="error"`, found the same way,
with its percent cells (`office:value-type="percentage"`, `ods_cells`); a legacy .xls says both
in its BIFF records (`xls_cells`), an .xlsb in its BIFF12 records (`xlsb_cells`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path
from threading import Event, Thread
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import iterparse

from toolkit.basics.cells import Location, column_index, column_letter
from toolkit.basics.problems import UnusableInput, define
from toolkit.intake.guard import ZIP_FAULTS, chunks, found_in, is_cfb, local_name, part_key, sheet_tabs
from toolkit.intake.ods_cells import ods_cells, ods_padding
from toolkit.intake.percent_cells import PercentCell, percent_cells, shown_styles
from toolkit.intake.xls_cells import xls_cells
from toolkit.intake.xlsb_cells import xlsb_cells

ErrorCell = tuple[int, int, str]
"""(row, column, what the cell shows), 1-based: `(3, 18, "#N/A")` is R3 showing #N/A."""
Found = tuple[tuple[ErrorCell, ...], frozenset[PercentCell], dict[PercentCell, int]]
"""A sheet's error cells, the cells a percent format shows, and those a format of zeros pads
with the digits it shows (`percent_cells`)."""
NOTHING: Found = ((), frozenset(), {})

ERROR_VALUES = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
"""What Excel shows for a formula's error (a live book's cell is read as this text)."""
_ERROR_TYPE = (b't="e"', b"t='e'")
_ODS_ERROR = (b'value-type="error"', b"value-type='error'")
"""LibreOffice's mark of an error cell in an .ods (`calcext:value-type`), its text the error."""
_ODS_PERCENT = (b'value-type="percentage"', b"value-type='percentage'")
"""An .ods cell holding a percentage (`office:value-type`), its value the fraction."""
_UNCOMPUTED = re.compile(rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?"
                         rb"\s*</(?:\w+:)?c>")
"""A formula with no value after it (`<f>A1*2</f></c>`, `<f>A1*2</f><v/></c>`): what a library
that writes formulas without computing them saves (openpyxl), which calamine reads as empty.
Searched only in a chunk holding a formula at all (`</f>`), so a sheet of values costs one scan."""
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_UNKNOWN_TO_CALAMINE = re.compile(r"Unsupported cell error value '([^']*)'")
"""python-calamine's refusal of a whole workbook for one cell showing an error it does not know:
the seven of Excel 2003 it reads (as empty); #GETTING_DATA, which the file format also lists,
and the newer ones (#SPILL!, #CALC!, …) it refuses."""

UNKNOWN_ERROR_VALUE = define(
    "file-unknown-error-value", "error",
    it="La cella mostra {value}, un errore di formula che il lettore non conosce: finché c'è, il file non si può "
       "leggere. Scrivi nella cella il valore che deve avere (o svuotala), salva e riprova.",
    en="The cell shows {value}, a formula error the reader does not know: while it is there, the file cannot be "
       "read. Write in the cell the value it should hold (or clear it), save and try again.")


def unknown_error(exc: Exception, sheet: str, errors: Callable[[str], tuple[ErrorCell, ...]]) -> UnusableInput | None:
    """The refusal naming the cell whose error value made calamine give up the sheet (`errors`: the
    sheet's error cells, `ErrorScan.sheet_errors`), where the reader said only that the file was
    damaged and to save it again in Excel, which keeps the cell as it is; None for any other failure."""
    found = _UNKNOWN_TO_CALAMINE.search(str(exc))
    if found is None:
        return None
    cell = next((f"{column_letter(col)}{row}" for row, col, shown in errors(sheet) if shown == found[1]), None)
    return UnusableInput(UNKNOWN_ERROR_VALUE(Location(sheet, cell), value=found[1]))


class ErrorScan:
    """The error cells of each sheet (`sheet_errors`), searched in a thread of its own, a sheet
    at a time in the order the reader parses them (`order`), so that each sheet waits only for
    its own part's search, which runs beside calamine's parse of the sheets before it.

    Waiting for the whole workbook's search at the first sheet cost 0.75 s of load + validate's
    3.5 s at L (profiled): the search inflates every sheet again, and the first sheet is small.
    `close` stops the search at its next chunk or row and waits for it, so no thread is left
    holding the file when a read is given up.

    `marked` tells whether a sheet part holds an error mark (`ErrorMarks`), found by the guard
    in the chunks it inflates anyway (`sheet_clearance`), or None when the guard did not search
    it: the part is then searched here."""

    def __init__(self, source: bytes | Path, order: Sequence[str],
                 marked: Callable[[str], bool | None] | None = None) -> None:
        self._found: dict[str, Future[Found]] = {name: Future() for name in order}
        self._stop = Event()
        self._thread = Thread(target=self._search, args=(source, list(order), marked), name="error-cells",
                              daemon=True)
        self._thread.start()

    def sheet_errors(self, name: str) -> tuple[ErrorCell, ...]:
        found = self._found.get(name)
        return found.result()[0] if found is not None else ()

    def sheet_percents(self, name: str) -> frozenset[PercentCell]:
        """The sheet's cells a percent format shows (`percent_cells`), searched in the same pass."""
        found = self._found.get(name)
        return found.result()[1] if found is not None else frozenset()

    def sheet_padded(self, name: str) -> dict[PercentCell, int]:
        """The sheet's cells a format of zeros pads, with the digits shown, searched in the same pass."""
        found = self._found.get(name)
        return found.result()[2] if found is not None else {}

    def close(self) -> None:
        self._stop.set()
        self._thread.join()

    def _search(self, source: bytes | Path, order: list[str], marked: Callable[[str], bool | None] | None) -> None:
        try:
            for tab, cells in _each_sheets_errors(source, order, self._stop, marked):
                if (found := self._found.get(tab)) is not None and not found.done():
                    found.set_result(cells)
        finally:
            for found in self._found.values():
                if not found.done():
                    found.set_result(NOTHING)


def _each_sheets_errors(source: bytes | Path, order: Sequence[str], stop: Event,
                        marked: Callable[[str], bool | None] | None = None) -> Iterator[tuple[str, Found]]:
    """Each sheet's error cells and percent cells (`percent_cells`) with its tab name, the sheets
    of `order` first in that order; nothing for a file that is not an OOXML package (an .xls) or
    whose parts cannot be read or are missing (the reader says why; a sheet whose part is gone printed
    this thread's KeyError on stderr before it did). Once `stop` is set, it stops at the next
    chunk or row. A part `marked` (`ErrorScan`) says holds no error mark is not inflated again
    for them."""
    try:
        if is_cfb(source):
            yield from xls_cells(source, stop)
            return
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            if "content.xml" in zf.namelist() and "[Content_Types].xml" not in zf.namelist():
                padding = ods_padding(zf)
                if padding or any(_may_hold_errors(zf, "content.xml", marks, stop) for marks in (_ODS_ERROR, _ODS_PERCENT)):
                    yield from ods_cells(zf, stop, padding).items()
                return
            if any(part_key(name) == "xl/workbook.bin" for name in zf.namelist()):
                yield from xlsb_cells(zf, list(order), stop)
                return
            parts = {tab: part for part, tab in sheet_tabs(zf).items() if part.lower().endswith(".xml")}
            styles = shown_styles(zf)
            rank = {name: i for i, name in enumerate(order)}
            for tab in sorted(parts, key=lambda t: rank.get(t, len(rank))):
                if stop.is_set():
                    return
                part = parts[tab]
                told = marked(part) if marked is not None else None
                holds = told if told is not None else _may_hold_errors(zf, part, _ERROR_TYPE, stop, formulas=True)
                found = tuple(_errors_in(zf, part, stop)) if holds else ()
                yield tab, (found, *percent_cells(zf, part, styles, stop))
    except (*ZIP_FAULTS, KeyError, ParseError, UnusableInput, ValueError, OSError):  # calamine's reading says why
        return


def shown_errors(rows: Sequence[Sequence[object]], first_row: int, first_col: int) -> tuple[ErrorCell, ...]:
    """The cells of a live book's values whose text is an error value, as xlwings reads them
    (`err_to_str`); the values start at (`first_row`, `first_col`). A row is looked into only
    when it holds one (`isdisjoint`, a pass in C): a large book has none."""
    return tuple((first_row + i, first_col + j, v) for i, row in enumerate(rows) if not ERROR_VALUES.isdisjoint(row)
                 for j, v in enumerate(row) if v.__class__ is str and v in ERROR_VALUES)


def _may_hold_errors(zf: zipfile.ZipFile, part: str, marks: tuple[bytes, bytes], stop: Event, *,
                     formulas: bool = False) -> bool:
    """Whether the part holds the error mark, in double or single quotes (`marks`), or, with
    `formulas`, a formula with no value. The single-quoted mark is looked for only in a chunk
    holding an apostrophe, rare in sheet XML: that search pays for the formulas' one."""
    for text in chunks(zf, part):
        if stop.is_set():
            return False
        if _marked(text, marks, formulas):
            return True
    return False


def _marked(text: bytes, marks: tuple[bytes, bytes], formulas: bool) -> bool:
    return marks[0] in text or (b"'" in text and marks[1] in text) or \
        (formulas and b"</f>" in text and _UNCOMPUTED.search(text) is not None)


class ErrorMarks:
    """Whether the chunks of an OOXML sheet part shown to `look` hold an error cell's mark or a
    formula saved with no value, as `_may_hold_errors` tells. The guard shows it the chunks it
    inflates to clear the part for calamine (`guard.check_sheet_part`'s `seen`), so a workbook
    is inflated once for both searches, not twice: at L a quarter of a second of CPU. A chunk
    is searched as `_marked` searches it only when it holds one of the marks' literals
    (`_MARK_LITERALS`, found by `guard.found_in`): that one search costs less than the three
    substring searches it stands for."""

    def __init__(self) -> None:
        self.found = False

    def look(self, text: bytes) -> None:
        if not self.found and found_in(_MARK_LITERALS)(text) and _marked(text, _ERROR_TYPE, True):
            self.found = True


_MARK_LITERALS = """t="e"|t='e'|</f>"""
"""What `_marked` cannot say yes without, for `ErrorMarks`: an error mark in either quotes, or
the end of a formula that its search for a formula with no value starts from."""


def uncomputed(shown: str) -> bool:
    """Whether an error cell's `shown` is a formula saved with no value (`=A1*2`), not an error."""
    return shown.startswith("=")


def _errors_in(zf: zipfile.ZipFile, part: str, stop: Event) -> Iterator[ErrorCell]:
    """The part's cells of type `e` with their value, and its formulas saved with no value
    shown as `=` and the formula (`uncomputed`), parsed as a stream that drops each row once
    read. A text formula's empty value (`t="str"`, `<v></v>`) is Excel's computed "", kept."""
    with zf.open(part) as stream:
        for _, elem in iterparse(stream, events=("end",), forbid_dtd=True):
            name = local_name(elem)
            if name == "c":
                kind = elem.get("t")
                parts = {local_name(child): child for child in elem}
                value = parts.get("v")
                if kind == "e":
                    shown = (value.text if value is not None else None) or "#N/A"
                elif "f" in parts and (value is None or (not value.text and kind != "str")):
                    shown = "=" + (parts["f"].text or "…")
                else:
                    continue
                ref = _REF.fullmatch(elem.get("r") or "")
                if ref is not None:
                    yield int(ref[2]), column_index(ref[1]), shown.strip()
            elif name == "row":
                elem.clear()
                if stop.is_set():
                    return
