"""Blocks of rows written as XML in one go: the large tables of a report.

XlsxWriter spends about ten microseconds on each cell (checks, a dictionary per row, then the
XML one element at a time): a report at a large distributor has millions of cells, and that
was nine tenths of its time. A block is many rows of the same shape — which columns hold text,
numbers or a formula, and their formats — and is kept as the rows' values, strings already in
the workbook's shared-string table; its XML is made when the workbook is saved, a row per
string join. Cells written the ordinary way must not share a row with a block.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook

from toolkit.writers.printable import WORKBOOK_OPTIONS
from toolkit.writers.streaming import PlainFormulasWorksheet


@dataclass(frozen=True)
class Column:
    """One column of a block: `kind` "text", "number" or "formula" (then `formula` is a
    template such as `=C{row}-D{row}`, `{row}` the cell's own row as Excel counts it)."""

    kind: str
    format: Any = None
    formula: str = ""
    """A formula column's template; its cells take no value (the rows hold None there)."""


class BlockWorksheet(PlainFormulasWorksheet):
    def __init__(self) -> None:
        super().__init__()
        self._blocks: list[tuple[int, int, Sequence[Column], list[tuple[Any, ...]]]] = []

    def write_block(self, first_row: int, first_col: int, columns: Sequence[Column],
                    rows: Iterable[Sequence[Any]]) -> int:
        """Rows from `first_row` (zero-based), one value per column (None: an empty cell; a
        formula column's value is ignored); returns the row after the block."""
        texts = [i for i, c in enumerate(columns) if c.kind == "text"]
        numbers = [i for i, c in enumerate(columns) if c.kind == "number"]
        index = self.str_table._get_shared_string_index
        kept = []
        for values in rows:
            row = list(values)
            for i in texts:
                if row[i] is not None:
                    row[i] = index(str(row[i]))
            for i in numbers:
                if row[i] is not None:
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
            parts.append(f"{where}><f>{formula.replace('{{row}}', '{0}')}</f><v>0</v></c>")
        elif column.kind == "text":
            parts.append(f'{where} t="s"><v>{{{i + 1}}}</v></c>')
        else:
            parts.append(f"{where}><v>{{{i + 1}!r}}</v></c>")
    template = '<row r="{0}">' + "".join(parts) + "</row>"
    for n, values in enumerate(rows):
        r = first_row + n + 1
        if None not in values:
            yield template.format(r, *values)
            continue
        cells = []
        for i, column in enumerate(columns):
            kind = column.kind
            if kind == "formula":
                formula = escape(column.formula.format(row=r).lstrip("="))
                cells.append(f'<c r="{letters[i]}{r}"{styles[i]}><f>{formula}</f><v>0</v></c>')
                continue
            value = values[i]
            if value is None:
                continue
            if kind == "text":
                cells.append(f'<c r="{letters[i]}{r}"{styles[i]} t="s"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{letters[i]}{r}"{styles[i]}><v>{float(value)!r}</v></c>')
        yield f'<row r="{r}">{"".join(cells)}</row>'


class BlockWorkbook(Workbook):
    worksheet_class = BlockWorksheet


def block_workbook(path: Any) -> Workbook:
    """An in-memory workbook whose sheets take blocks; user text stays text."""
    book = BlockWorkbook(str(path), {**WORKBOOK_OPTIONS, "in_memory": True})
    book.set_properties({"creator": "toolkit"})
    return book
