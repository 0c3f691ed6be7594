"""The documents' sheets, their cells' XML made with less work per cell: the same bytes.

A month's printable invoices at a large distributor are 54,000 sheets and six million cells,
and XlsxWriter saving them spent most of its time on each cell's attribute list: every
attribute through a regular expression that looks for characters to escape, in a cell
reference or a format's number that never has one. `DocumentWorksheet` writes the cells the
documents use — numbers, dates, shared strings, blanks and formulas with a number for result —
straight from their values, and hands any other cell to XlsxWriter. The reference files and a
comparison with XlsxWriter's own writer on random sheets (`tests/test_document_sheets.py`)
hold it to the same bytes.

A document's sheet is written once, before the next one begins: `finish` makes its rows' XML
then and lets its cells go (XlsxWriter keeps every cell of every sheet until the workbook is
saved: reprinting a month's invoices at L peaked at 4.2 GB, and peaks at 2.6 GB now).
"""

from __future__ import annotations

import io
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from toolkit.writers.formulas import PlainFormulasWorksheet

NUMBERS = frozenset({"Number", "Datetime"})


class DocumentWorksheet(PlainFormulasWorksheet):
    """A document's sheet in a workbook kept in memory: its cells' XML made with less work,
    and made as soon as the next sheet begins (`finish`)."""

    row_info: dict[int, Any]
    col_info: dict[int, Any]
    comments: dict[int, Any]
    table: dict[int, dict[int, Any]]
    row_spans: dict[int, str]
    fh: Any
    _rows: str | None = None
    """The rows' XML made by `finish`, the cells let go."""

    def finish(self) -> None:
        """Make the rows' XML now and let the cells go; no cell may be written afterwards (the
        workbook refuses to save one). A sheet whose saving needs its cells later (a link's
        cell, a column's format, numbered when it is saved) keeps them."""
        if self.constant_memory or self._rows is not None or self.dim_rowmin is None or self.hyperlinks or \
                any(column.column_format is not None for column in self.col_info.values()):
            return
        fh, self.fh = self.fh, io.StringIO()
        try:
            self._write_rows()
            self._rows = self.fh.getvalue()
        finally:
            self.fh = fh
        self.table.clear()

    def _write_rows(self) -> None:
        if self._rows is not None:
            if any(self.table.values()):
                raise RuntimeError(f"cells written to sheet {self.name!r} after it was finished")
            self.fh.write(self._rows)
            return
        if self.constant_memory:
            super()._write_rows()
            return
        self._calculate_spans()
        write = self.fh.write
        letters = [xl_col_to_name(col) for col in range(self.dim_colmax + 1)] if self.dim_colmax is not None else []
        for row in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = self.table.get(row)
            info = self.row_info.get(row)
            if not (info is not None or row in self.comments or cells):
                continue
            span = self.row_spans.get(row // 16)
            if not cells:
                self._write_empty_row(row, span, info)
                continue
            self._write_row(row, span, info)
            row_format = info.row_format if info is not None else None
            number = row + 1
            for col in sorted(cells):
                cell = cells[col]
                xml = _cell_xml(self, f"{letters[col]}{number}", self._style(cell, row_format, col), cell)
                if xml is None:
                    self._write_cell(row, col, cell)
                else:
                    write(xml)
            write("</row>")

    def _style(self, cell: Any, row_format: Any, col: int) -> str:
        """The cell's ` s="…"`: its own format, else its row's, else its column's."""
        fmt = cell.format or row_format
        if not fmt:
            column = self.col_info.get(col)
            fmt = column.column_format if column is not None else None
            if fmt is None:
                return ""
        return f' s="{fmt._get_xf_index()}"'


def _cell_xml(sheet: DocumentWorksheet, where: str, style: str, cell: Any) -> str | None:
    """The cell's XML as XlsxWriter writes it, or None for a kind of cell left to XlsxWriter."""
    kind = type(cell).__name__
    if kind in NUMBERS:
        return f'<c r="{where}"{style}><v>{cell.number:.16G}</v></c>'
    if kind == "String":
        return f'<c r="{where}"{style} t="s"><v>{cell.string}</v></c>'
    if kind == "Blank":
        return f'<c r="{where}"{style}/>'
    if kind == "Formula" and type(cell.value) in (int, float):
        return f'<c r="{where}"{style}><f>{sheet._escape_data(cell.formula)}</f><v>{cell.value}</v></c>'
    return None
