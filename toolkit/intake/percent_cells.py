"""Cells a percent number format shows (`0%`, `0.00%`), and those a format of zeros pads
(`00000`): where an .xlsx/.xlsm's sheets have them.

Excel keeps a percentage as its fraction: a cell showing 100 % holds 1, one showing 50 % holds
0.5. python-calamine gives the values and not their formats, so the data check read 100 % typed
in *Sconto %* as 1 % (a plain 1 is 1 %), while 50 % read right by the rule that a fraction
below 1 is a percentage's (`toolkit.model.cells`). Knowing which cells show a percentage, the
reader reads each as what it shows, 100 % as 100 (`toolkit.model.cells.PercentShown`).

The styles part says which cell styles (`cellXfs`) carry a percent format, the built-in 9 and 10
or a format of the workbook's own with `%` outside quotes (`is_percent_format`); without one, no sheet is searched.
Else each sheet part is searched, as a stream of chunks, for the cells of those styles. The
binary formats (.xlsb, .xls) and .ods say the same in their own records (`xls_cells`,
`xlsb_cells`, `ods_cells`).

A format of zeros alone (`0000000000`, `00000`: `number_formats.zero_padding`) shows a whole
number with the zeros a code starts with, which the cell does not hold: a telephone 0115551234
typed in a cell so formatted is kept as 115551234, a CAP 00184 as 184. Its cells are found in
the same search, for a code column to read what the sheet shows (`RawSheet.padded`).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from threading import Event

from toolkit.basics.cells import column_index
from toolkit.basics.number_formats import note_shown
from toolkit.intake.guard import chunks, local_name, xml_starts

PercentCell = tuple[int, int]
"""(row, column), 1-based: `(3, 7)` is G3."""

_BUILT_IN = frozenset({"9", "10"})
"""Excel's built-in percent formats: `0%` and `0.00%`."""
_IN_XF = frozenset({"xf", "alignment", "protection", "extLst", "ext"})


@dataclass(frozen=True, slots=True)
class ShownStyles:
    """The cell styles (`cellXfs` indexes as the sheets write them, `s="3"`) whose number format
    shows a number other than it is kept: a percentage, or zeros before a code
    (`number_formats.zero_padding`: style → the digits shown)."""

    percent: frozenset[str] = frozenset()
    padded: Mapping[str, int] = field(default_factory=dict)


def shown_styles(zf: zipfile.ZipFile) -> ShownStyles:
    """The workbook's styles with a percent format or a plain format of zeros (`ShownStyles`)."""
    styles = next((n for n in zf.namelist() if n.lower() == "xl/styles.xml"), None)
    if styles is None:
        return ShownStyles()
    percent_ids, found, padded, index, in_cell_xfs = set(_BUILT_IN), set(), {}, 0, False
    padding: dict[str, int] = {}
    for elem in xml_starts(zf, styles):
        name = local_name(elem)
        if name == "numFmt":
            note_shown(elem.get("formatCode") or "", elem.get("numFmtId") or "", percent_ids, padding)
        elif name == "cellXfs":
            in_cell_xfs = True
        elif in_cell_xfs and name == "xf":
            number_format = elem.get("numFmtId") or "0"
            if number_format in percent_ids:
                found.add(str(index))
            elif number_format in padding:
                padded[str(index)] = padding[number_format]
            index += 1
        elif name not in _IN_XF:
            in_cell_xfs = False
    return ShownStyles(frozenset(found), padded)


def percent_styles(zf: zipfile.ZipFile) -> frozenset[str]:
    """The indexes of the cell styles with a percent format."""
    return shown_styles(zf).percent


def percent_cells(zf: zipfile.ZipFile, part: str, styles: ShownStyles, stop: Event) -> tuple[
        frozenset[PercentCell], dict[PercentCell, int]]:
    """The part's cells of a percent style, and those of a style padding with zeros with the
    digits it shows (`shown_styles`), searched chunk by chunk (a tag cut in two is whole in the
    next chunk, which begins with the end of this one).

    A chunk is searched for the cells only when it holds one of the styles at all (a literal
    search, about a tenth of the time); a cell is read as Excel, LibreOffice, openpyxl and
    XlsxWriter write it, its reference then its style (`<c r="G2" s="3"`): one written another
    way is read by the values' rule. 200,000 rows of percent cells take about a second (a third of
    it inflating), in the error cells' thread beside calamine's parse of the sheet. A workbook
    with neither style (most) is not searched."""
    if not styles.percent and not styles.padded:
        return frozenset(), {}
    either = b"|".join(s.encode() for s in sorted(styles.percent | styles.padded.keys()))
    mark = re.compile(rb' s="(?:' + either + rb')"')
    tag = re.compile(rb'c r="([A-Za-z]{1,3})(\d{1,7})" s="(' + either + rb')"')
    percent: set[PercentCell] = set()
    padded: dict[PercentCell, int] = {}
    widths = {style.encode(): digits for style, digits in styles.padded.items()}
    columns: dict[bytes, int] = {}
    for text in chunks(zf, part):
        if stop.is_set():
            break
        if mark.search(text) is None:
            continue
        for letters, row, style in tag.findall(text):
            col = columns.get(letters) or columns.setdefault(letters, column_index(letters.decode()))
            if (digits := widths.get(style)) is not None:
                padded[(int(row), col)] = digits
            else:
                percent.add((int(row), col))
    return frozenset(percent), padded
