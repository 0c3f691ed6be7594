"""Cells of an .xlsb that show an error or a percentage: what calamine does not say.

As for a legacy .xls (`xls_cells`): calamine reads an .xlsb cell showing #N/A as an empty string
and a cell showing 100 % as 1. The BIFF12 records say both: BrtCellError and BrtFmlaError are
error cells; a BrtCellRk, BrtCellReal or BrtFmlaNum whose style (`xl/styles.bin`'s BrtXF
between BrtBeginCellXFs and BrtEndCellXFs) has a percent format (the built-in 9 and 10, or a
BrtFmt of the workbook's own with `%` outside quotes) shows a percentage. Each sheet part is
read once, record by record (`guard.xlsb_records`), and only up to the record that closes what is
wanted of it: BrtEndSheetData for a sheet, BrtEndCellXFs for the styles. Past those there are no
cells or cell styles, and a hostile part can hold millions of tiny records there that would each
cost a turn of the Python loop.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator
from threading import Event

from toolkit.basics.number_formats import note_shown
from toolkit.intake.guard import part_key, xlsb_records, xlsb_sheet_parts
from toolkit.intake.xls_cells import ERRORS, ErrorCell, PercentCell

ROW, RK, ERROR, REAL, FORMULA_NUMBER, FORMULA_ERROR, END_SHEET_DATA = 0, 2, 3, 5, 9, 11, 146
FMT, XF, BEGIN_CELL_XFS, END_CELL_XFS = 44, 47, 617, 618
_NUMBERS = frozenset({RK, REAL, FORMULA_NUMBER})


def xlsb_cells(zf: zipfile.ZipFile, order: list[str], stop: Event) -> Iterator[
        tuple[str, tuple[tuple[ErrorCell, ...], frozenset[PercentCell], dict[PercentCell, int]]]]:
    """Each sheet's error cells, percent cells and number cells a format of zeros pads (with the
    digits shown; 1-based) with its tab name, the sheets of `order` first; stops at the next
    record once `stop` is set."""
    percent, widths = _shown_styles(zf)
    marked = percent | widths.keys()
    tabs = xlsb_sheet_parts(zf)
    rank = {name: i for i, name in enumerate(order)}
    for part, tab in sorted(tabs.items(), key=lambda p: rank.get(p[1], len(rank))):
        errors: list[ErrorCell] = []
        percents: set[PercentCell] = set()
        padded: dict[PercentCell, int] = {}
        row = 0
        for kind, body in xlsb_records(zf, part):
            if stop.is_set():
                return
            if kind == END_SHEET_DATA:
                break
            if kind == ROW and len(body) >= 4:
                row = struct.unpack_from("<L", body)[0]
            elif kind in (ERROR, FORMULA_ERROR) and len(body) >= 9:
                errors.append((row + 1, struct.unpack_from("<L", body)[0] + 1, ERRORS.get(body[8], "#N/A")))
            elif kind in _NUMBERS and len(body) >= 8 and (style := struct.unpack_from("<L", body, 4)[0] & 0xFFFFFF) in marked:
                if style in percent:
                    percents.add((row + 1, struct.unpack_from("<L", body)[0] + 1))
                else:
                    padded[(row + 1, struct.unpack_from("<L", body)[0] + 1)] = widths[style]
        yield tab, (tuple(errors), frozenset(percents), padded)


def _shown_styles(zf: zipfile.ZipFile) -> tuple[frozenset[int], dict[int, int]]:
    """The indexes of the cell styles (BrtXF of the cell XFs) with a percent format, and those
    with a format of zeros alone with the digits it shows; the formats (BrtFmt) come before the
    cell XFs, so the walk ends with BrtEndCellXFs."""
    styles = {part_key(name): name for name in zf.namelist()}.get("xl/styles.bin")
    if styles is None:
        return frozenset(), {}
    formats, padding, found, widths, index, inside = {9, 10}, dict[int, int](), set(), dict[int, int](), 0, False
    for kind, body in xlsb_records(zf, styles):
        if kind == FMT and len(body) >= 6:
            length = struct.unpack_from("<L", body, 2)[0]
            note_shown(body[6:6 + 2 * length].decode("utf-16-le", "replace"), struct.unpack_from("<H", body)[0],
                       formats, padding)
        elif kind == BEGIN_CELL_XFS:
            inside = True
        elif kind == END_CELL_XFS:
            break
        elif kind == XF and inside and len(body) >= 4:
            number_format = struct.unpack_from("<H", body, 2)[0]
            if number_format in formats:
                found.add(index)
            elif number_format in padding:
                widths[index] = padding[number_format]
            index += 1
    return frozenset(found), widths
