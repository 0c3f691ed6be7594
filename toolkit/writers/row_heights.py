"""Row heights for wrapped cells, estimated from the text and its column's width.

A cell that wraps needs a row tall enough for all its lines, or the printed lines run into
the next row. XlsxWriter cannot measure text, so it writes no height; Excel sizes such rows
when the file is opened, but LibreOffice (the toolkit's PDF printer, and many users' office)
keeps the default height of one line, and an address on two lines overlaps the row below.
So every writer gives each row with wrapped text the height its longest cell needs, through
`fit_row`, computed here once for all of them.

The estimate measures text in column-width units (a digit of the default font), with the
widths of DejaVu Sans, the font LibreOffice prints Calibri with when Calibri is missing: it
is wider than Calibri, so the estimate errs towards a line too many (some white space), never
one too few. Lines break at spaces only, as the least a spreadsheet does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import islice, repeat, zip_longest
from operator import itemgetter
from typing import Any

_EM = {
    **dict.fromkeys(" ,.", 0.318), **dict.fromkeys("il'|", 0.278), **dict.fromkeys("jI", 0.295),
    **dict.fromkeys("ft", 0.392), "r": 0.411, **dict.fromkeys("!", 0.400), **dict.fromkeys(":;/", 0.337),
    **dict.fromkeys("()[]{}", 0.390), **dict.fromkeys("-–", 0.500), **dict.fromkeys("0123456789€$", 0.636),
    **dict.fromkeys("cksvxyz", 0.592), "m": 0.974, "w": 0.818,
    **dict.fromkeys("BEFLPSTYZ", 0.686), **dict.fromkeys("ACKRVX", 0.700), **dict.fromkeys("DGHNOQU", 0.787),
    "M": 0.863, "W": 0.989, **dict.fromkeys("%@#&—", 1.0),
}
"""Character widths in em (DejaVu Sans, rounded up by class); any other character counts 0.64."""
_OTHER = 0.64
_DIGIT = 0.636
"""The width of a digit, in em: the unit column widths are measured in."""
BOLD = 1.1
"""Bold glyphs are about a tenth wider."""
PADDING = 0.8
"""What a cell's margins take from its width, in column-width units."""
LINE_HEIGHT = 15.0
"""Points per line of 11-point text: Excel's height of a one-line row."""
SAFETY = 1.08
"""A margin on every estimate, for fonts a little wider than the one measured."""
FITS_CLEARLY = 1e-9
"""How far under its column's room a paragraph measured whole must be to count as one line
without being measured word by word: the whole's sum and the words' running sum round
differently, and at the very edge the words' count decides."""


def text_width(text: str, *, bold: bool = False, size: float = 11) -> float:
    """How wide `text` prints on one line, in column-width units."""
    return _ems(text) * _units_per_em(bold, size)


def _ems(text: str) -> float:
    return sum(map(_EM.get, text, repeat(_OTHER)))


def _units_per_em(bold: bool, size: float) -> float:
    return (size / 11) * (BOLD if bold else 1.0) * SAFETY / _DIGIT


@lru_cache(maxsize=65_536)
def lines_needed(text: str, width: float, bold: bool = False, size: float = 11) -> int:
    """The lines `text` takes in a wrapping cell `width` units wide (breaks at spaces and at
    line breaks; a word longer than the line is split). A paragraph that fits is measured
    once, not word by word: the writers ask about every wrapped cell they write, a day's
    panel at L about 100,000 of them."""
    room = max(width - PADDING, 1.0)
    scale = _units_per_em(bold, size)
    space = _ems(" ") * scale
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        if _ems(paragraph) * scale <= room - FITS_CLEARLY:
            continue
        used = 0.0
        for word in paragraph.split(" "):
            need = _ems(word) * scale
            if used and used + space + need > room:
                count, used = count + 1, 0.0
            elif used:
                used += space
            while need > room:
                count, need = count + 1, need - room
            used += need
    return count


def fit_row(sheet: Any, row: int, cells: Iterable[tuple[Any, float]], *, bold: bool = False, size: float = 11,
            fmt: Any = None) -> None:
    """Give `row` the height its tallest wrapped cell needs: `cells` are the row's wrapped
    values with their column widths (merged cells: the widths added up). A row whose text
    fits on one line keeps the default height. In a constant-memory sheet call it before
    writing the next row."""
    height = row_height(cells, bold=bold, size=size)
    if height is not None:
        sheet.set_row(row, height, fmt)


def row_height(cells: Iterable[tuple[Any, float]], *, bold: bool = False, size: float = 11) -> float | None:
    """The height `fit_row` gives a row, in points; None when its text fits on one line."""
    lines = max([lines_needed(value, width, bold, size) for value, width in cells
                 if value and isinstance(value, str)], default=1)
    return LINE_HEIGHT * size / 11 * lines if lines > 1 else None



class ColumnHeights:
    """`row_height` of many rows whose cells go under the same column widths, measured a column
    at a time, each column's distinct values once: a list's hundreds of thousands of rows repeat
    their customers, addresses and items, and asking `lines_needed` of every cell of every row
    (its cache keyed by text, width, weight and size, in a Python step per cell) was a seventh of
    the distribution list's CPU at L mid-month."""

    __slots__ = ("_columns", "_tall", "_at")

    def __init__(self, widths: Iterable[float], *, bold: bool = False, size: float = 11,
                 at: Sequence[int] | None = None) -> None:
        self._columns = [_Lines(width, bold, size) for width in widths]
        self._tall = LINE_HEIGHT * size / 11
        self._at = at
        """The columns of a row measured, by index, one width each (None: every column, in order)."""

    def rows(self, rows: Iterable[Sequence[Any]], at_once: int = 4096) -> Iterator[tuple[Sequence[Any], float | None]]:
        """Each row with its height (`of`), measured `at_once` rows together: a list's rows are
        made as they are written, and holding them all alive made every garbage collection walk
        them (the complete list at L was a second slower so)."""
        rows = iter(rows)
        while block := list(islice(rows, at_once)):
            yield from zip(block, self.of(block))

    def of(self, rows: Sequence[Sequence[Any]]) -> list[float | None]:
        """The height of each row, one value a column, as `row_height(zip(values, widths))` gives it
        (of the values `at` the columns measured)."""
        if not rows:
            return []
        values = zip_longest(*rows) if self._at is None else (map(itemgetter(i), rows) for i in self._at)
        columns = (map(lines.__getitem__, column) for lines, column in zip(self._columns, values))
        needed = map(max, repeat(1, len(rows)), repeat(1), *columns)  # two ones: `max` of one column, or none
        tall = self._tall
        return [tall * lines if lines > 1 else None for lines in needed]


class _Lines(dict[Any, int]):
    """A value → the lines it takes in a wrapping column (`lines_needed`; 1 for no text), each
    distinct value measured once, a text of one paragraph that fits clearly by its width alone
    (`lines_needed`'s own first test, without its cache and its split): a list's order numbers,
    items and customers are tens of thousands of distinct short texts."""

    def __init__(self, width: float, bold: bool, size: float) -> None:
        super().__init__()
        self.width, self.bold, self.size = width, bold, size
        self.room = max(width - PADDING, 1.0) - FITS_CLEARLY
        self.scale = _units_per_em(bold, size)

    def __missing__(self, value: Any) -> int:
        if not value or not isinstance(value, str):
            lines = 1
        elif _ems(value) * self.scale <= self.room and "\n" not in value:
            lines = 1
        else:
            lines = lines_needed(value, self.width, self.bold, self.size)
        self[value] = lines
        return lines
