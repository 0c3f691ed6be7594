"""The documents' sheets, their cells' XML made with less work per cell: the same bytes.

A month's printable invoices at a large distributor are 54,000 sheets and six million cells,
and XlsxWriter saving them spent most of its time on each cell's attribute list: every
attribute through a regular expression that looks for characters to escape, in a cell
reference or a format's number that never has one. `DocumentWorksheet` writes the cells the
documents use — numbers, dates, shared strings, blanks and formulas with a number for result —
straight from their values, and hands any other cell to XlsxWriter. The reference files and a
comparison with XlsxWriter's own writer on random sheets (`tests/test_document_sheets.py`)
hold it to the same bytes.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.utility import xl_col_to_name

from toolkit.writers.formulas import PlainFormulasWorksheet

NUMBERS = frozenset({"Number", "Datetime"})


class DocumentWorksheet(PlainFormulasWorksheet):
    """A sheet kept in memory until its workbook is saved, as the documents' are."""

    row_info: dict[int, Any]
    col_info: dict[int, Any]
    comments: dict[int, Any]
    table: dict[int, dict[int, Any]]
    row_spans: dict[int, str]

    def _write_rows(self) -> None:
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
