"""Cells of an .ods that show an error, a percentage or a code's leading zeros: what calamine
does not say.

LibreOffice marks a cell showing an error `calcext:value-type="error"` (calamine reads it as
empty) and one holding a percentage `office:value-type="percentage"` (its value the fraction, 1
for 100 %). A number shown through a format of zeros alone (`00000`: a CAP 00184 kept as 184) is
a `float` cell whose style's data style is a `number:number-style` of one `number:number` with
`min-integer-digits` and no decimals (`ods_padding`); its style is the cell's own
(`table:style-name`) or, without one, its row's default (`table:default-cell-style-name` of the
`table:table-row`, as an ODF writer may say a row formatted whole once, where LibreOffice writes it
on each cell) and then its column's (as LibreOffice writes a column formatted whole): the order of
ODF 1.2 §19.615, and of what LibreOffice shows.
"""

from __future__ import annotations

import bisect
import zipfile
from threading import Event

from defusedxml.ElementTree import iterparse

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_NUMBER = "{urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CALCEXT_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"
_OFFICE_TYPE = f"{_OFFICE}value-type"
_SHOWN_BESIDE = frozenset({f"{_STYLE}text-properties"})
"""What a plain number style may hold beside its number: a colour changes no digit."""

Cell = tuple[int, int]
Found = tuple[tuple[tuple[int, int, str], ...], frozenset[Cell], dict[Cell, int]]


def ods_padding(zf: zipfile.ZipFile) -> dict[str, int]:
    """The cell styles whose number format is zeros alone, with the digits it shows: the data
    styles of `styles.xml` and of `content.xml`'s automatic styles, read up to its body (the
    sheets are not read here), a cell style taking its parent's data style when it names none."""
    digits: dict[str, int] = {}
    cells: dict[str, tuple[str | None, str | None]] = {}
    for part in ("styles.xml", "content.xml"):
        if part in zf.namelist():
            _styles(zf, part, digits, cells)
    found: dict[str, int] = {}
    for name in cells:
        data, seen = cells[name], {name}
        while data[0] is None and data[1] in cells and data[1] not in seen:
            seen.add(data[1])
            data = cells[data[1]]
        if data[0] in digits:
            found[name] = digits[data[0]]
    return found


def _styles(zf: zipfile.ZipFile, part: str, digits: dict[str, int],
            cells: dict[str, tuple[str | None, str | None]]) -> None:
    style: str | None = None
    plain, shown = False, 0
    with zf.open(part) as stream:
        for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = elem.tag
            if event == "end":
                if tag == f"{_NUMBER}number-style" and style is not None:
                    if plain and shown > 1:
                        digits[style] = shown
                    style = None
                continue
            if tag == f"{_OFFICE}body":
                return
            if tag == f"{_NUMBER}number-style":
                style, plain, shown = elem.get(f"{_STYLE}name"), True, 0
            elif style is not None:
                if tag == f"{_NUMBER}number" and not shown and elem.get(f"{_NUMBER}decimal-places") in (None, "0") \
                        and elem.get(f"{_NUMBER}grouping") != "true":
                    shown = int(elem.get(f"{_NUMBER}min-integer-digits") or 0)
                elif tag not in _SHOWN_BESIDE:
                    plain = False
            elif tag == f"{_STYLE}style" and elem.get(f"{_STYLE}family") == "table-cell" and elem.get(f"{_STYLE}name"):
                cells[elem.get(f"{_STYLE}name") or ""] = (elem.get(f"{_STYLE}data-style-name"),
                                                          elem.get(f"{_STYLE}parent-style-name"))


def ods_cells(zf: zipfile.ZipFile, stop: Event, padding: dict[str, int] | None = None) -> dict[str, Found]:
    """An .ods's error cells, percent cells (whose value is the fraction, 1 for 100 %) and
    number cells of a style in `padding` (`ods_padding`, with the digits shown) by table, each
    cell placed by counting the rows and cells before it, repeated ones (`number-rows-repeated`,
    `number-columns-repeated`) as many times."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    percents: dict[str, set[Cell]] = {}
    padded: dict[str, dict[Cell, int]] = {}
    padding = padding or {}
    table, row, col, repeated = "", 0, 0, 1
    row_style: str | None = None
    columns: list[int] = []
    defaults: list[str | None] = []
    with zf.open("content.xml") as stream:
        for event, elem in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = elem.tag
            if event == "start":
                if tag == f"{_TABLE}table":
                    table, row, columns, defaults = elem.get(f"{_TABLE}name") or "", 0, [], []
                elif tag == f"{_TABLE}table-row":
                    row, col = row + 1, 0
                    repeated = int(elem.get(f"{_TABLE}number-rows-repeated") or 1)
                    row_style = elem.get(f"{_TABLE}default-cell-style-name")
                elif tag == f"{_TABLE}table-column" and padding:
                    columns.append((columns[-1] if columns else 0) + int(elem.get(f"{_TABLE}number-columns-repeated") or 1))
                    defaults.append(elem.get(f"{_TABLE}default-cell-style-name"))
            elif tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                across = int(elem.get(f"{_TABLE}number-columns-repeated") or 1)
                kind = elem.get(_OFFICE_TYPE)
                if elem.get(_CALCEXT_TYPE) == "error":
                    found.setdefault(table, []).append((row, col + 1, "".join(elem.itertext()).strip() or "#N/A"))
                elif kind == "percentage":
                    percents.setdefault(table, set()).update(
                        (row + down, col + 1 + i) for down in range(repeated) for i in range(across))
                elif kind == "float" and padding:
                    style = elem.get(f"{_TABLE}style-name") or row_style or _default(columns, defaults, col)
                    if (digits := padding.get(style or "")) is not None:
                        padded.setdefault(table, {}).update(
                            ((row + down, col + 1 + i), digits) for down in range(repeated) for i in range(across))
                col += across
                elem.clear()
            elif tag == f"{_TABLE}table-row":
                row += repeated - 1
                elem.clear()
                if stop.is_set():
                    break
    return {name: (tuple(found.get(name, ())), frozenset(percents.get(name, ())), padded.get(name, {}))
            for name in dict.fromkeys([*found, *percents, *padded])}


def _default(columns: list[int], defaults: list[str | None], col: int) -> str | None:
    """The default cell style of the column at `col` (0-based), the table's columns given as
    their running ends (`columns`) and styles."""
    at = bisect.bisect_right(columns, col)
    return defaults[at] if at < len(defaults) else None
