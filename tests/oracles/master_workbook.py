"""The master workbook's tables written cell by cell, as they were before a streamed
(constant-memory) workbook took its rows as blocks (`toolkit.writers.blocks.StreamedWorksheet`):
the oracle the comparison test holds the block writer to, byte for byte."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xlsxwriter.worksheet import Worksheet

from toolkit.model.sheets import Sheet
from toolkit.writers.master_workbook import TABLE_STYLE, _add_dropdowns, _cell_writer, _Formats, _width, table_name


def _write_table(worksheet: Worksheet, sheet: Sheet, rows: Sequence[Mapping[str, object]], lang: str,
                 formats: _Formats, names: dict[str, str], constant_memory: bool) -> list[int]:
    columns = sheet.columns
    headers = [c.label(lang) for c in columns]
    last = len(columns) - 1
    widths = [_width(column, rows, lang) for column in columns]
    for j, (column, width) in enumerate(zip(columns, widths)):
        worksheet.set_column(j, j, width, formats.column(column.kind))
    worksheet.freeze_panes(1, 0)
    if constant_memory:
        for j, header in enumerate(headers):
            worksheet.write_string(0, j, header, formats.header)
        worksheet.autofilter(0, 0, max(len(rows), 1), last)
    else:
        worksheet.add_table(0, 0, max(len(rows), 1), last, {
            "name": table_name(sheet), "style": TABLE_STYLE,
            "columns": [{"header": h} for h in headers],
        })
    writers = [(j, c.key, _cell_writer(c, lang, formats)) for j, c in enumerate(columns)]
    for i, row in enumerate(rows, start=1):
        for j, key, write in writers:
            value = row.get(key)
            if value is not None:
                write(worksheet, i, j, value)
    _add_dropdowns(worksheet, sheet, len(rows), lang, names)
    return widths
