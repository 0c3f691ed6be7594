"""Blocks of rows written as XML in one go: the large tables of a report.

XlsxWriter spends about ten microseconds on each cell (checks, a dictionary per row, then the
XML one element at a time): a report at a large distributor has millions of cells, and that
was nine tenths of its time. A block is many rows of the same shape — which columns hold text,
numbers or a formula, and their formats — and is kept as the rows' values, strings already in
the workbook's shared-string table; its XML is made when the workbook is saved, a row per
string join. Cells written the ordinary way must not share a row with a block.

A constant-memory sheet (see `streaming`) keeps no rows to save later: there `StreamedWorksheet`
writes a block's rows straight to the sheet's row file as it gets them, in exactly the XML
XlsxWriter writes for the same cells (inline strings, the same number and formula texts, the
same row heights), so a workbook written this way is the one written cell by cell.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import filterfalse
from math import inf, isinf, isnan
from typing import Any, TextIO
from xml.sax.saxutils import escape

from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.workbook import Workbook

from toolkit.writers.formulas import PlainFormulasWorksheet
from toolkit.writers.printable import WORKBOOK_OPTIONS, marked
from toolkit.writers.streaming import StreamingWorkbook


@dataclass(frozen=True)
class Column:
    """One column of a block: `kind` "text", "number" or "formula" (then `formula` is a
    template such as `=C{row}-D{row}`, `{row}` the cell's own row as Excel counts it)."""

    kind: str
    """"text", "number" or "formula"; in a streamed block (`write_rows`) "value" or "formula"."""
    format: Any = None
    formula: str = ""
    """A formula column's template; its cells take no value (the rows hold None there)."""
    blanks: bool = True
    """In a streamed block, whether a None value with a format makes a formatted blank cell
    (as `printable.text` writes one) or no cell."""
    text_format: Any = None
    """In a streamed block, the format of a value that is text, when not `format` (a number
    column showing what is not a number as text)."""


class BlockWorksheet(PlainFormulasWorksheet):
    def __init__(self) -> None:
        super().__init__()
        self._blocks: list[tuple[int, int, Sequence[Column], list[tuple[Any, ...]]]] = []

    def write_block(self, first_row: int, first_col: int, columns: Sequence[Column],
                    rows: Iterable[Sequence[Any]]) -> int:
        """Rows from `first_row` (zero-based), one value per column (None: an empty cell), a
        row shorter than the columns ending in empty cells; returns the row after the block.

        A formula column's value is the formula's result as the writer computed it: a number, a
        text, or None for none (0, as XlsxWriter writes a formula without one). It is what a
        spreadsheet shows until it recalculates, and LibreOffice as installed never
        recalculates a workbook on opening: without it, a report's totals read 0 there."""
        texts = [i for i, c in enumerate(columns) if c.kind == "text"]
        numbers = [i for i, c in enumerate(columns) if c.kind != "text"]
        index = self.str_table._get_shared_string_index
        width = len(columns)
        kept = []
        for values in rows:
            row = list(values)
            row += [None] * (width - len(row))
            for i in texts:
                if row[i] is not None:
                    row[i] = index(str(row[i]))
            for i in numbers:
                if row[i] is not None and not isinstance(row[i], str):
                    row[i] = float(row[i])
            kept.append(tuple(row))
        if kept:
            self._check_dimensions(first_row, first_col)
            self._check_dimensions(first_row + len(kept) - 1, first_col + len(columns) - 1)
            self._blocks.append((first_row, first_col, columns, kept))
        return first_row + len(kept)

    def _write_rows(self) -> None:
        super()._write_rows()
        for first_row, first_col, columns, rows in sorted(self._blocks, key=lambda b: b[0]):
            self.fh.write("".join(_rows_xml(first_row, first_col, columns, rows)))


def _rows_xml(first_row: int, first_col: int, columns: Sequence[Column], rows: list[tuple[Any, ...]]) -> Iterable[str]:
    """Each row's XML from one template per block (`str.format` per row is several times
    faster than building each cell), or cell by cell for a row with empty cells."""
    letters = [xl_col_to_name(first_col + i) for i in range(len(columns))]
    styles = []
    for c in columns:
        xf = c.format._get_xf_index() if c.format is not None else 0
        styles.append(f' s="{xf}"' if xf else "")
    parts = []
    for i, column in enumerate(columns):
        where = f'<c r="{letters[i]}{{0}}"{styles[i]}'
        if column.kind == "formula":
            formula = escape(column.formula.lstrip("=")).replace("{", "{{").replace("}", "}}")
            parts.append(f"{where}><f>{formula.replace('{{row}}', '{0}')}</f><v>{{{i + 1}!r}}</v></c>")
        elif column.kind == "text":
            parts.append(f'{where} t="s"><v>{{{i + 1}}}</v></c>')
        else:
            parts.append(f"{where}><v>{{{i + 1}!r}}</v></c>")
    template = '<row r="{0}">' + "".join(parts) + "</row>"
    formulas = [i for i, c in enumerate(columns) if c.kind == "formula"]
    for n, values in enumerate(rows):
        r = first_row + n + 1
        if None not in values and not any(isinstance(values[i], str) for i in formulas):
            yield template.format(r, *values)
            continue
        cells = []
        for i, column in enumerate(columns):
            kind = column.kind
            value = values[i]
            if kind == "formula":
                formula = escape(column.formula.format(row=r).lstrip("="))
                kind_attribute, result = _result(value)
                cells.append(f'<c r="{letters[i]}{r}"{styles[i]}{kind_attribute}><f>{formula}</f><v>{result}</v></c>')
                continue
            if value is None:
                continue
            if kind == "text":
                cells.append(f'<c r="{letters[i]}{r}"{styles[i]} t="s"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{letters[i]}{r}"{styles[i]}><v>{float(value)!r}</v></c>')
        yield f'<row r="{r}">{"".join(cells)}</row>'


def _result(value: Any) -> tuple[str, str]:
    """A formula cell's type attribute and its result's text, as XlsxWriter writes
    `write_formula` with this result (None: 0; an empty text: no type)."""
    if isinstance(value, str):
        return (' t="str"' if value else ""), escape(value)
    return "", "0" if value is None else repr(value)


class BlockWorkbook(Workbook):
    worksheet_class = BlockWorksheet


def block_workbook(path: Any, kind: str) -> Workbook:
    """An in-memory workbook whose sheets take blocks; user text stays text."""
    return marked(BlockWorkbook(str(path), {**WORKBOOK_OPTIONS, "in_memory": True}), kind)


class StreamedWorksheet(PlainFormulasWorksheet):
    """A constant-memory sheet that also takes rows as blocks, written as XML at once.

    XlsxWriter keeps each cell as a tuple until a later row is written, then writes the row
    one attribute list at a time: on the accountants' lines table (17 cells a line, a million
    lines at a large distributor) that was four fifths of the workbook's time. Here a row is
    one string join, and the XML is the one XlsxWriter writes for the same calls of
    `printable.text`, `write_formula` and `set_row` (the comparison test holds the two to it).
    """

    previous_row: int
    """XlsxWriter's row still held in memory (XlsxWriter has no type stubs)."""
    _strings: dict[str, str]
    """Inline strings' XML by their text: a lines table repeats its invoice's number, customer
    and kind on every line, and items and descriptions from line to line."""
    _held: tuple[Any, ...] | None = None
    """A block's last row, written when XlsxWriter would write it (see `_write_single_row`)."""

    def __init__(self) -> None:
        super().__init__()
        self._strings = {}

    def write_rows(self, first_row: int, first_col: int, columns: Sequence[Column],
                   rows: Iterable[tuple[Sequence[Any], float | None]]) -> int:
        """Rows from `first_row` (zero-based), each `(values, height)`: one value per column,
        `height` in points as `set_row` takes it (None: the default). A "value" column's cell is
        written as `printable.text` writes it (None: a blank, kept only with a format); a
        "formula" column's value is a `(formula, cached result)` pair. Rows above `first_row`
        can no longer be written, nor the block's last row; returns the row after the block."""
        if not self.constant_memory:
            raise ValueError("write_rows needs a constant-memory worksheet")
        if first_row < self.previous_row or (first_row == self.previous_row and (self.table or self._held)):
            raise ValueError(f"row {first_row} comes before rows already written")
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return first_row  # nothing written, nothing flushed: formats keep their numbering
        if first_row > self.previous_row:
            self._write_single_row(first_row)  # what XlsxWriter still holds of earlier rows
        cells = [_CellWriter(self, first_col + i, column) for i, column in enumerate(columns)]
        row, pending = first_row, [first]
        for later in rows:
            pending.append(later)
            if len(pending) > ROWS_AT_ONCE:
                row = self._block_rows(cells, row, pending[:-1])
                del pending[:-1]
        row = self._block_rows(cells, row, pending[:-1])
        self._held = (cells, row, *pending[-1])
        self.previous_row = row
        return row + 1

    def _write_optimized_sheet_data(self) -> None:
        """XlsxWriter's `<sheetData>` of a constant-memory sheet, its rows copied from their file
        as bytes (`_rows_copied`)."""
        if self.dim_rowmin is None or not hasattr(self.fh, "buffer"):
            super()._write_optimized_sheet_data()
            return
        self._xml_start_tag("sheetData")
        _rows_copied(self.row_data_fh, self.fh)
        self.row_data_fh.close()
        os.unlink(self.row_data_filename)
        self._xml_end_tag("sheetData")

    def add_links(self, links: Iterable[tuple[int, int, str, str]]) -> None:
        """Hyperlinks on text cells a block will write (with a link format): `(row, col, url,
        text)`, recorded as `write_url` records them when the cell's text is written apart.
        Before the block: a constant-memory sheet takes no link on a row it has written."""
        self.ignore_write_string = True
        try:
            for row, col, url, text in links:
                self.write_url(row, col, url, None, text)
        finally:
            self.ignore_write_string = False

    def _block_rows(self, cells: list[_CellWriter], row: int, rows: list[tuple[Sequence[Any], float | None]]) -> int:
        """`rows` from `row` (zero-based), written now; returns the row after them.

        Rows of values only (no formula; a master workbook's tables, a calendar's list) are
        made column by column (`_columns_xml`), the cells of a column in one list
        comprehension: a merged master workbook has millions of cells, and a Python call per
        cell was most of its time. Rows with a formula go one by one through `_block_row`."""
        if all(c.kind == "value" for c in cells):
            self._columns_xml(cells, row, [values for values, _ in rows], [height for _, height in rows])
        else:
            for n, (values, height) in enumerate(rows):
                self._block_row(cells, row + n, values, height)
        return row + len(rows)

    def _columns_xml(self, cells: list[_CellWriter], row: int, rows: list[Sequence[Any]],
                     heights: list[float | None]) -> None:
        """What `_block_row` writes for each of `rows`, made a column at a time: formats are
        numbered first (in the order the row-by-row writer first uses them), then each
        column's cells, then the rows joined with their heights."""
        if not rows:
            return
        columns = list(zip(*rows))
        _number_styles(cells, columns)
        numbers = range(row + 1, row + len(rows) + 1)
        tall = [self._height_attributes(h) if h is not None else "" for h in heights]
        if columns and all(cell.blank or None not in values for cell, values in zip(cells, columns)):
            self._full_rows_xml(cells[:len(columns)], row, numbers, columns, tall)
            return
        made = [cell.cells(numbers, values) for cell, values in zip(cells, columns)]
        joined = list(map("".join, zip(*made)))
        filled = [i for i, (xml, attributes) in enumerate(zip(joined, tall)) if xml or attributes]
        if not filled:
            return
        used = [cell.col for cell, column in zip(cells, made) if any(column)]
        if used:
            self._check_dimensions(row + filled[0], used[0])
            self._check_dimensions(row + filled[-1], used[-1])
        if not all(joined[i] for i in filled):
            empty = [i for i in filled if not joined[i]]
            self._check_dimensions(row + empty[0], self.dim_colmin or 0)
            self._check_dimensions(row + empty[-1], self.dim_colmin or 0)
        self.fh.write("".join([f'<row r="{r}"{attributes}>{xml}</row>' if xml else f'<row r="{r}"{attributes}/>'
                               for r, xml, attributes in zip(numbers, joined, tall) if xml or attributes]))

    def _full_rows_xml(self, cells: list[_CellWriter], row: int, numbers: range, columns: list[tuple[Any, ...]],
                       tall: list[str]) -> None:
        """`_columns_xml` of rows in which every column makes a cell (a formatted blank for a
        None, or no None): each row is one `str.format` of a template holding every cell's
        reference, given the row's number, height and cells' `tails`: each cell's reference made
        apart and each row's cells joined were a third of the distribution list's rows' XML at L."""
        template = '<row r="{0}"{1}>' + "".join(f'<c r="{cell.letter}{{0}}{{{i}}}' for i, cell in enumerate(cells, 2))
        tails = [cell.tails(values) for cell, values in zip(cells, columns)]
        self._check_dimensions(row, cells[0].col)
        self._check_dimensions(numbers[-1] - 1, cells[-1].col)
        self.fh.write("".join(map((template + "</row>").format, numbers, tall, *tails)))

    def _write_single_row(self, current_row_num: int = 0) -> None:
        """XlsxWriter writes a row when a later one begins, and numbers the formats its cells
        use then: a block's last row is held the same way, so the numbering stays the same."""
        if self._held is None:
            super()._write_single_row(current_row_num)
            return
        held, self._held = self._held, None
        self._block_row(*held)
        self.previous_row = current_row_num
        self.table.clear()

    def _block_row(self, cells: list[_CellWriter], row: int, values: Sequence[Any], height: float | None) -> None:
        r = row + 1
        xml = "".join([cell(r, value) for cell, value in zip(cells, values)])
        attributes = self._height_attributes(height)
        if xml:
            self.fh.write(f'<row r="{r}"{attributes}>{xml}</row>')
            used = [cell.col for cell, value in zip(cells, values)
                    if value is not None or cell.blank or cell.kind == "formula"]
            self._check_dimensions(row, used[0])
            self._check_dimensions(row, used[-1], ignore_row=True)
        elif attributes:
            self._check_dimensions(row, self.dim_colmin or 0)
            self.fh.write(f'<row r="{r}"{attributes}/>')

    def _height_attributes(self, height: float | None) -> str:
        """A row's `ht` and `customHeight`, as `set_row` then `_write_row` make them."""
        if height is None:
            return ""
        pixels = int(height * 4.0 / 3.0 + 0.5)
        if pixels != self.original_row_height or pixels != self.default_row_height:
            return f' ht="{pixels * 0.75:.16g}" customHeight="1"'
        return ""


ROWS_AT_ONCE = 4096
"""How many rows of a block are made into XML together (`_columns_xml`): memory stays flat."""

STRINGS_KEPT = 100_000
"""How many strings' XML a streamed sheet keeps before it starts afresh (memory stays flat)."""


_LOWEST, _HIGHEST = -inf, inf


class _CellWriter:
    """One column's cells as XlsxWriter's constant-memory writer makes them."""

    __slots__ = ("col", "letter", "format", "style", "blank", "kind", "sheet", "dates", "text")

    def __init__(self, sheet: StreamedWorksheet, col: int, column: Column):
        self.col, self.letter, self.kind, self.sheet = col, xl_col_to_name(col), column.kind, sheet
        self.format = column.format
        if self.format is None and col in sheet.col_info:
            self.format = sheet.col_info[col].column_format
        self.style: str | None = None
        """` s="…"`, once the first cell is written: XlsxWriter numbers formats in the order
        cells first use them."""
        self.text = _CellWriter(sheet, col, Column(column.kind, column.text_format, blanks=column.blanks)) \
            if column.text_format is not None else self
        """Who writes a text value."""
        self.blank = column.format is not None and column.blanks
        """A None value still makes a cell (a formatted blank)."""
        self.dates: dict[Any, float] = {}
        if self.kind not in ("value", "formula"):
            raise ValueError(f"a streamed column is a value or a formula, not {self.kind!r}")

    def _style(self) -> str:
        self.style = f' s="{self.format._get_xf_index()}"' if self.format is not None else ""
        return self.style

    def users(self, values: Sequence[Any]) -> list[tuple[_CellWriter, list[int]]]:
        """Who writes this column's `values`, and the first of them each writes (at most one
        index each, found without a call per value)."""
        if self.text is self:
            if self.blank:
                return [(self, [0])]
            return [(self, [i for i, v in enumerate(values) if v is not None][:1])]
        if self.text.style is not None:  # only where this writer is first used matters
            texts: list[int] = []
        else:
            texts = [i for i, v in enumerate(values) if isinstance(v, str)][:1]
        if self.style is not None:
            others: list[int] = []
        elif self.blank:
            others = [i for i, v in enumerate(values) if not isinstance(v, str)][:1]
        else:
            others = [i for i, v in enumerate(values) if v is not None and not isinstance(v, str)][:1]
        return [(self.text, texts), (self, others)]

    def cells(self, rows: Iterable[int], values: Sequence[Any]) -> list[str]:
        """`self(r, value)` for each row and value, once the styles are numbered
        (`_number_styles`): each cell's reference before its `tails`."""
        where = f'<c r="{self.letter}'
        return ["" if tail is None else f"{where}{r}{tail}" for r, tail in zip(rows, self.tails(values))]

    def tails(self, values: Sequence[Any]) -> list[str | None]:
        """What follows each of `values`' cell references (`_tail`), once the styles are
        numbered. A column that repeats its values (a list's customers, items, dates and
        quantities) has each distinct value's XML made once, by `_each`, and each cell is a
        lookup of it: telling each cell's type and formatting its number again was most of a
        quantity's or a date's cell, and a text's XML joined to its style a tenth of a text's.
        A column of values mostly distinct, or holding what a set merges (a boolean with 1 or 0,
        which `self` refuses; a zero of each sign, `_signed_zeros`) is made cell by cell."""
        if bool in set(map(type, values)):
            return self._each(values)
        try:
            distinct = set(values)
        except TypeError:  # a value with no hash
            return self._each(values)
        if 2 * len(distinct) > len(values) or (0 in distinct and _signed_zeros(values)):
            return self._each(values)
        listed = list(distinct)
        return list(map(dict(zip(listed, self._each(listed))).__getitem__, values))

    def _each(self, values: Sequence[Any]) -> list[str | None]:
        """`_tail(value)` for each value, its common cases (no cell, known text, a finite float or
        decimal, a date met before) made in place."""
        blank = self.blank
        strings = self.sheet._strings
        dates = self.dates
        text = self.text.style
        number = self.style
        return [
            None if v is None and not blank
            else f'"{text}{xml}' if type(v) is str and (xml := strings.get(v)) is not None
            else f'"{number}><v>{v:.16G}</v></c>' if type(v) is float and _LOWEST < v < _HIGHEST
            else f'"{number}><v>{serial:.16G}</v></c>' if type(v) is date and (serial := dates.get(v))
            else f'"{number}><v>{f:.16G}</v></c>' if type(v) is Decimal and _LOWEST < (f := float(v)) < _HIGHEST
            else self._tail(v)
            for v in values]

    def __call__(self, r: int, value: Any) -> str:
        tail = self._tail(value)
        return "" if tail is None else f'<c r="{self.letter}{r}{tail}'

    def _tail(self, value: Any) -> str | None:
        """A cell's XML after its reference, from the reference's closing quote on (None: no cell)."""
        if value is None and not self.blank and self.kind == "value":
            return None
        if self.text is not self and isinstance(value, str):
            return self.text._tail(value)
        where = f'"{self._style() if self.style is None else self.style}'
        if self.kind == "formula":
            formula, result = value
            formula = self.sheet._prepare_formula(formula)
            return f"{where}><f>{self.sheet._escape_data(formula)}</f><v>{float(result)}</v></c>"
        if value is None:
            return f"{where}/>"
        if isinstance(value, str):
            strings = self.sheet._strings
            xml = strings.get(value)
            if xml is None:
                if len(strings) >= STRINGS_KEPT:
                    strings.clear()
                xml = strings[value] = _inline_string(self.sheet, value)
            return f"{where}{xml}"
        if isinstance(value, bool):
            raise TypeError("a streamed cell holds no booleans")
        if isinstance(value, (int, float, Decimal)):
            number = float(value)
            if isnan(number) or isinf(number):
                raise ValueError("NAN/INF not supported in write_number()")
            return f"{where}><v>{number:.16G}</v></c>"
        if isinstance(value, date):
            serial = self.dates.get(value)
            if serial is None:
                serial = self.dates[value] = self.sheet._convert_date_time(value)
            return f"{where}><v>{serial:.16G}</v></c>"
        return f"{where}{_inline_string(self.sheet, str(value))}"



def _signed_zeros(values: Sequence[Any]) -> bool:
    """Whether `values` hold a zero of each sign (`-0` and `0`, which a set holds as one), told
    from the texts of the falsy values without a Python step per value."""
    zeros = set(map(str, filterfalse(None, values)))
    return any(z[:1] == "-" for z in zeros) and any(z[:1].isdigit() for z in zeros)


def _number_styles(cells: list[_CellWriter], columns: list[tuple[Any, ...]]) -> None:
    """Give each cell writer of the rows its ` s="…"` in the order a row-by-row pass first
    uses it (row by row, left to right), as XlsxWriter numbers formats by first use."""
    first: list[tuple[int, int, _CellWriter]] = []
    for j, (cell, values) in enumerate(zip(cells, columns)):
        for writer, used in cell.users(values):
            if writer.style is None and used:
                first.append((used[0], j, writer))
    for _, _, writer in sorted(first, key=lambda f: f[:2]):
        if writer.style is None:
            writer._style()


_PLAIN_TEXT = re.compile(r"[^\x00-\x1f&<>_\s](?:[^\x00-\x1f&<>_]*[^\x00-\x1f&<>_\s])?")
"""Text `_write_cell` writes as it is: no control character or its escape (`_x0041_`), nothing
XML escapes, no space at either end that would need `xml:space`."""


def _inline_string(sheet: StreamedWorksheet, string: str) -> str:
    """The rest of an inline-string cell after its reference and style, as `_write_cell` makes it."""
    if len(string) <= sheet.xls_strmax // 2 and _PLAIN_TEXT.fullmatch(string):
        return f' t="inlineStr"><is><t>{string}</t></is></c>'
    if len(string) > sheet.xls_strmax // 2 and _utf16_len(string) > sheet.xls_strmax:
        string = _utf16_truncate(string, sheet.xls_strmax)
    string = sheet._escape_control_characters(string)
    if string.startswith("<r>") and string.endswith("</r>"):
        return f' t="inlineStr"><is>{string}</is></c>'
    preserve = ' xml:space="preserve"' if _preserve_whitespace(string) else ""
    return f' t="inlineStr"><is><t{preserve}>{sheet._escape_data(string)}</t></is></c>'


def _rows_copied(rows: TextIO, sheet: TextIO) -> None:
    """A sheet's rows from their file into the sheet's XML, as bytes: XlsxWriter reads them back
    as text and writes them again, decoding and encoding every byte (the distribution list's
    271 MB at L: 0.37 → 0.09–0.13 s of CPU). Both files are UTF-8 text files, and the rows hold
    no carriage return of their own (XlsxWriter escapes it, `_x000D_`): a line end written as
    two bytes on Windows stays those two bytes, as reading and writing it again gave."""
    rows.flush()
    rows.seek(0)
    sheet.flush()
    shutil.copyfileobj(rows.buffer, sheet.buffer, 1 << 20)


class StreamedWorkbook(StreamingWorkbook):
    worksheet_class = StreamedWorksheet
