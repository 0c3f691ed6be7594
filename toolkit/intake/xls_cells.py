"""Cells of a legacy .xls that show an error or a percentage: what calamine does not say.

python-calamine reads an .xls cell showing #N/A as an empty string and gives a cell showing
100 % as its fraction, 1, so a Fido `=NA()` read as no credit limit and a discount typed 100 %
as 1 %, as the .xlsx reader did before it looked at the cells' marks (`error_cells`,
`percent_cells`). The BIFF8 records say both: a BOOLERR with its error flag, or a FORMULA whose
cached value is an error, is an error cell; a NUMBER, RK, MULRK or numeric FORMULA whose cell
style (XF) has a percent format (the built-in 9 and 10, or a FORMAT of the workbook's own with
`%` outside quotes) shows a percentage, and one whose FORMAT is zeros alone (`00000`) pads the
whole number it holds with the zeros a code starts with. The Workbook stream is read once, record by record
(`guard.xls_records`), skipping all but the records above, each sheet's records following the BOF its BOUNDSHEET points to.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from threading import Event

from toolkit.basics.number_formats import note_shown
from toolkit.intake.guard import biff_sheet_name, xls_records

ErrorCell = tuple[int, int, str]
PercentCell = tuple[int, int]

ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
          0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
"""BIFF8's error codes (BErr) as Excel shows them."""
_BUILT_IN_PERCENT = frozenset({9, 10})
"""Excel's built-in percent formats: `0%` and `0.00%`."""
BOF, EOF, BOUNDSHEET, FORMAT, XF = 0x0809, 0x000A, 0x0085, 0x041E, 0x00E0
NUMBER, RK, MULRK, FORMULA, BOOLERR = 0x0203, 0x027E, 0x00BD, 0x0006, 0x0205
_READ = frozenset({BOF, EOF, BOUNDSHEET, FORMAT, XF, NUMBER, RK, MULRK, FORMULA, BOOLERR})
"""The only records read: the others (most of all a sheet's LABELSST and ROW) are skipped unread."""


def xls_cells(source: bytes | Path, stop: Event) -> Iterator[tuple[str, tuple[tuple[ErrorCell, ...],
                                                                          frozenset[PercentCell],
                                                                          dict[PercentCell, int]]]]:
    """Each sheet's error cells, percent cells and number cells a format of zeros pads (with the
    digits shown; 1-based), with its tab name, in the stream's order, each as soon as its EOF is
    read, so the reader of the first sheet need not wait for the last; a sheet without any is not
    named. Stops at the next record once `stop` is set."""
    sheets: dict[int, str] = {}
    formats, styles = set(_BUILT_IN_PERCENT), list[int]()
    padding: dict[int, int] = {}
    percent: frozenset[int] = frozenset()
    widths: dict[int, int] = {}
    marked: frozenset[int] = frozenset()
    stack: list[str | None] = []
    errors: dict[str, list[ErrorCell]] = {}
    percents: dict[str, set[PercentCell]] = {}
    padded: dict[str, dict[PercentCell, int]] = {}

    def shown(sheet: str, row: int, col: int, xf: int) -> None:
        if xf in percent:
            percents.setdefault(sheet, set()).add((row + 1, col + 1))
        elif xf in widths:
            padded.setdefault(sheet, {})[(row + 1, col + 1)] = widths[xf]

    for offset, kind, body in xls_records(source, _READ):
        if stop.is_set():
            return
        if kind == BOF:
            stack.append(sheets.get(offset))
            percent = frozenset(i for i, f in enumerate(styles) if f in formats)
            widths = {i: padding[f] for i, f in enumerate(styles) if f in padding}
            marked = percent | widths.keys()
            continue
        if kind == EOF:
            if stack and (done := stack.pop()) is not None and (done in errors or done in percents or done in padded):
                yield done, (tuple(errors.pop(done, ())), frozenset(percents.pop(done, ())), padded.pop(done, {}))
            continue
        sheet = stack[-1] if stack else None
        if sheet is None:
            if kind == BOUNDSHEET and len(body) >= 8:
                sheets[struct.unpack_from("<L", body)[0]] = biff_sheet_name(body)
            elif kind == FORMAT and len(body) >= 5:
                note_shown(_format_code(body), struct.unpack_from("<H", body)[0], formats, padding)
            elif kind == XF and len(body) >= 4:
                styles.append(struct.unpack_from("<H", body, 2)[0])
            continue
        if kind in (NUMBER, RK) and len(body) >= 6:
            row, col, xf = struct.unpack_from("<3H", body)
            if xf in marked:
                shown(sheet, row, col, xf)
        elif kind == MULRK and len(body) >= 12:
            row, first = struct.unpack_from("<2H", body)
            for i in range((len(body) - 6) // 6):
                if (xf := struct.unpack_from("<H", body, 4 + 6 * i)[0]) in marked:
                    shown(sheet, row, first + i, xf)
        elif kind == FORMULA and len(body) >= 14:
            row, col, xf = struct.unpack_from("<3H", body)
            value = body[6:14]
            if value[6:8] != b"\xff\xff":
                if xf in marked:
                    shown(sheet, row, col, xf)
            elif value[0] == 2:
                errors.setdefault(sheet, []).append((row + 1, col + 1, ERRORS.get(value[2], "#N/A")))
        elif kind == BOOLERR and len(body) >= 8 and body[7] == 1:
            row, col = struct.unpack_from("<2H", body)
            errors.setdefault(sheet, []).append((row + 1, col + 1, ERRORS.get(body[6], "#N/A")))
    for sheet in dict.fromkeys([*errors, *percents, *padded]):
        yield sheet, (tuple(errors.get(sheet, ())), frozenset(percents.get(sheet, ())), padded.get(sheet, {}))


def _format_code(body: bytes) -> str:
    """A FORMAT record's code (BIFF8: an XLUnicodeString after the format's number)."""
    length, flags = struct.unpack_from("<HB", body, 2)
    raw = body[5:5 + length * (2 if flags & 1 else 1)]
    return raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
