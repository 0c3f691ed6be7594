"""Writing a master-data workbook in the format of `toolkit.model.sheets`, the way a user would keep it.

The sample, the benchmarks and the Excel front end all write master data through here, so a
file we write is always one the reader accepts. Each sheet is an Excel table with a frozen
header, number formats by column kind and dropdowns on choice and reference columns, because
the sales assistants go on editing these files by hand after we hand them over.

User text is always written with `write_string`: a customer called `=HYPERLINK("http://x")`
stays text and never becomes a formula (CWE-1236, CSV/formula injection).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from toolkit.basics import vocab
from toolkit.basics.cells import column_letter, quote_sheet
from toolkit.basics.dates import excel_serial, month_names
from toolkit.basics.files import write_atomic
from toolkit.model.cells import MONTH_END, Kind
from toolkit.model.sheets import SETTING_HEADERS, SHEETS, Column, Sheet
from toolkit.writers.blocks import Column as Block
from toolkit.writers.blocks import StreamedWorkbook
from toolkit.writers.printable import MONEY_FORMAT, a4, marked
from toolkit.writers.sheet_limits import ROWS_PER_SHEET

TABLE_STYLE = "Table Style Medium 2"
DATE_FORMAT = "dd/mm/yyyy"
QUANTITY_FORMAT = "General"
TEXT_FORMAT = "@"
SPARE_ROWS = 1000
"""Rows below the data that dropdowns and reference ranges still cover, for the user's new rows."""

YES_NO = {"it": ("sì", "no"), "en": ("yes", "no")}

REFERENCES: dict[tuple[str, str], str] = {
    (s.key, c.key): c.refers for s in SHEETS for c in s.columns if c.refers is not None
}
"""(sheet, column) → the sheet whose codes the column refers to: these columns get a dropdown."""

WIDTHS: dict[Kind, int] = {
    Kind.DATE: 12, Kind.MONEY: 12, Kind.QUANTITY: 11, Kind.PERCENT: 9, Kind.INTEGER: 9,
    Kind.BOOL: 8, Kind.WEEKDAYS: 16, Kind.VAT_NUMBER: 14, Kind.TAX_CODE: 19, Kind.DAY_MONTH: 9,
}
MIN_WIDTH, MAX_WIDTH, WIDTH_SAMPLE_ROWS = 8, 48, 200

MESSAGES = {
    "it": ("Valore non in elenco", "Scegli un valore dall'elenco: il controllo dati lo verificherà comunque."),
    "en": ("Value not in the list", "Pick a value from the list: the data check will verify it anyway."),
}


Rows = Mapping[str, Sequence[Mapping[str, object]]]
CellWriter = Callable[[Worksheet, int, int, object], None]


def write_master(
    target: Path,
    rows: Rows,
    *,
    lang: str = "it",
    constant_memory: bool = False,
    vba_project: Path | None = None,
    before_sheets: Callable[[xlsxwriter.Workbook], None] | None = None,
) -> Path:
    """Write `rows` (schema sheet key → row dicts keyed by column key) to `target`, atomically.

    Every sheet with rows, and every required sheet even when empty, is written in schema
    order with names and headers in `lang`. Values are Python values (Decimal, date, bool,
    vocab members, weekday tuples); strings that are not what the column expects are written
    as text, so a wrong value stays visible for the data check to report.

    `constant_memory=True` streams rows to disk (XlsxWriter's constant_memory mode) for very
    large files. XlsxWriter cannot add Excel tables in that mode, so those sheets get a plain
    header row with an autofilter instead; the reader treats both the same.

    Dropdowns raise a warning, not a stop, on values outside the list: the reader accepts
    synonyms and English words the list does not show, and the data check is the real judge.

    `vba_project` embeds a `vbaProject.bin` (the target must then be `.xlsm`); `before_sheets`
    lets a caller add its own sheets (a control sheet with buttons) in front of the data.

    Every sheet prints on A4, one page wide (the master sheets in landscape with their headings
    on every page); a sheet `before_sheets` adds without a paper size gets A4 landscape too.

    It is marked a master workbook (`printable.marked`): no other command's `--out` replaces
    it, and the commands that write one (`toolkit sample`, `workbook build`, `convert --to
    master`) replace no other file. `before_sheets` may set its own properties.
    """
    target = Path(target)
    unknown = set(rows) - {s.key for s in SHEETS}
    if unknown:
        raise ValueError(f"not sheets of the schema: {', '.join(sorted(unknown))}")
    if vba_project is not None and target.suffix.lower() != ".xlsm":
        raise ValueError(f"a workbook with macros must be .xlsm, not {target.name}")

    def write(path: Path) -> None:
        workbook = (StreamedWorkbook if constant_memory else xlsxwriter.Workbook)(str(path), {
            "constant_memory": constant_memory,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        })
        marked(workbook, "master")
        try:
            if vba_project is not None and workbook.add_vba_project(str(vba_project)) == -1:
                raise FileNotFoundError(vba_project)
            if before_sheets is not None:
                before_sheets(workbook)
            for added in workbook.worksheets():
                if not added.paper_size:
                    a4(added, landscape=True)
            _write_sheets(workbook, rows, lang, constant_memory)
        finally:
            workbook.close()

    return write_atomic(target, write)


def sheets_to_write(rows: Rows) -> list[Sheet]:
    return [s for s in SHEETS if s.required or rows.get(s.key)]


def table_name(sheet: Sheet) -> str:
    """`template_lines` → `TemplateLines`: the Excel table name, the same in every language."""
    return "".join(part.capitalize() for part in sheet.key.split("_"))


def _write_sheets(workbook: xlsxwriter.Workbook, rows: Rows, lang: str, constant_memory: bool) -> None:
    sheets = sheets_to_write(rows)
    formats = _Formats(workbook)
    counts = {s.key: len(rows.get(s.key, ())) for s in sheets}
    names = _define_code_ranges(workbook, sheets, counts, lang)
    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet.label(lang))
        if sheet.key_value:
            _write_settings(worksheet, sheet, rows.get(sheet.key, ()), lang, formats)
            a4(worksheet, repeat_rows=(0, 0))
        else:
            widths = _write_table(worksheet, sheet, rows.get(sheet.key, ()), lang, formats, names, constant_memory)
            a4(worksheet, landscape=True, repeat_rows=(0, 0), widths=widths)


class _Formats:
    """The few cell formats, created once per workbook (XlsxWriter wants shared Format objects)."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.money = workbook.add_format({"num_format": MONEY_FORMAT})
        self.quantity = workbook.add_format({"num_format": QUANTITY_FORMAT})
        self.text = workbook.add_format({"num_format": TEXT_FORMAT})
        self.header = workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#DDEBF7"})

    def number(self, kind: Kind) -> Format | None:
        return {Kind.MONEY: self.money, Kind.QUANTITY: self.quantity}.get(kind)

    def column(self, kind: Kind) -> Format | None:
        """The format a whole column gets, so that values the user adds look like ours."""
        if kind is Kind.DATE:
            return self.date
        if kind in (Kind.MONEY, Kind.QUANTITY):
            return self.number(kind)
        if kind in (Kind.CODE, Kind.VAT_NUMBER, Kind.TAX_CODE, Kind.TEXT):
            return self.text
        return None


def _last_row(count: int) -> int:
    """1-based last row that dropdowns and code ranges cover for a sheet of `count` rows."""
    return min(count + 1 + SPARE_ROWS, ROWS_PER_SHEET)


def _define_code_ranges(workbook: xlsxwriter.Workbook, sheets: list[Sheet], counts: dict[str, int],
                        lang: str) -> dict[str, str]:
    """A defined name over each referenced sheet's code column (`CustomersCodes`, …).

    Names rather than direct ranges because Excel 2007 only accepts other-sheet ranges in a
    dropdown through a name.
    """
    written = {s.key: s for s in sheets}
    names: dict[str, str] = {}
    for target in sorted(set(REFERENCES.values())):
        sheet = written.get(target)
        if sheet is None:
            continue
        letter = column_letter(_column_index(sheet, "code") + 1)
        name = table_name(sheet) + "Codes"
        last = _last_row(counts[target])
        workbook.define_name(name, f"={quote_sheet(sheet.label(lang))}!${letter}$2:${letter}${last}")
        names[target] = name
    return names


def _column_index(sheet: Sheet, key: str) -> int:
    return next(i for i, c in enumerate(sheet.columns) if c.key == key)


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
        _stream_rows(worksheet, columns, rows, lang, formats)
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


def _stream_rows(worksheet: Worksheet, columns: Sequence[Column], rows: Sequence[Mapping[str, object]], lang: str,
                 formats: _Formats) -> None:
    """A streamed sheet's rows as one block (`blocks.StreamedWorksheet`): the cells
    `_cell_writer` would write, in the same XML, without XlsxWriter's work per cell (a merged
    workbook of 200 desks, or the benchmarks' large one, has millions)."""
    spelled = [_block_value(c, lang, formats) for c in columns]
    blocks = [column for column, _ in spelled]
    shown = [_shown([row.get(c.key) for row in rows], show) for c, (_, show) in zip(columns, spelled)]
    worksheet.write_rows(1, 0, blocks, ((values, None) for values in zip(*shown)))


def _shown(values: list[object], show: Callable[[Any], object]) -> list[object]:
    """`show(v)` of a column's values (None stays None), a column at a time: text that is
    already text, and plain numbers, are taken without a call (a merge of 200 desks has
    millions of them)."""
    if show is str:
        return [v if type(v) is str else None if v is None else show(v) for v in values]
    if show is _number_value:
        return [float(v) if type(v) in _PLAIN_NUMBERS else None if v is None else show(v)  # type: ignore[arg-type]
                for v in values]
    return [None if v is None else show(v) for v in values]


_PLAIN_NUMBERS = (float, int, Decimal)
"""Types whose values `_number_value` turns into a float (`type(v) in`, so never a bool)."""


def _block_value(column: Column, lang: str, formats: _Formats) -> tuple[Block, Callable[[Any], object]]:
    """What `_cell_writer` writes for `column`, as a block column and the value it takes: a
    number (numbers and dates, as day numbers) in the column's number format, else text."""
    kind = column.kind
    if kind is Kind.DATE:
        return Block("value", formats.date, blanks=False, text_format=formats.text), _date_value
    if kind in (Kind.MONEY, Kind.QUANTITY, Kind.PERCENT, Kind.INTEGER):
        return Block("value", formats.number(kind), blanks=False, text_format=formats.text), _number_value
    writer = _cell_writer(column, lang, formats)
    show = writer.show  # type: ignore[attr-defined]
    return Block("value", formats.text, blanks=False), show


def _number_value(value: object) -> object:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value)
    return str(value)


def _date_value(value: object) -> object:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return excel_serial(value)
    return str(value)


def _write_settings(worksheet: Worksheet, sheet: Sheet, rows: Sequence[Mapping[str, object]], lang: str,
                    formats: _Formats) -> None:
    """Key/value: every setting of the schema gets its row, with a blank value when not given."""
    values: dict[str, object] = {}
    for row in rows:
        values.update(row)
    index = 0 if lang == "it" else 1
    worksheet.write_string(0, 0, SETTING_HEADERS[0][index], formats.header)
    worksheet.write_string(0, 1, SETTING_HEADERS[1][index], formats.header)
    worksheet.set_column(0, 0, max(len(c.label(lang)) for c in sheet.columns) + 2)
    worksheet.set_column(1, 1, min(MAX_WIDTH, max([30, *(len(str(v)) + 2 for v in values.values())])))
    worksheet.freeze_panes(1, 0)
    for i, column in enumerate(sheet.columns, start=1):
        worksheet.write_string(i, 0, column.label(lang))
        value = values.get(column.key)
        if value is not None:
            _cell_writer(column, lang, formats)(worksheet, i, 1, value)
        if column.kind is Kind.BOOL:
            _dropdown(worksheet, i, 1, i, list(YES_NO[lang]), lang)
        elif column.cell is not None and column.cell.listed:
            _dropdown(worksheet, i, 1, i, list(column.cell.listed), lang)


def _add_dropdowns(worksheet: Worksheet, sheet: Sheet, count: int, lang: str, names: dict[str, str]) -> None:
    last = _last_row(count) - 1
    for j, column in enumerate(sheet.columns):
        if column.choice is not None:
            _dropdown(worksheet, 1, j, last, vocab.choices(column.choice, lang), lang)
        elif column.kind is Kind.BOOL:
            _dropdown(worksheet, 1, j, last, list(YES_NO[lang]), lang)
        elif (target := REFERENCES.get((sheet.key, column.key))) in names:
            _dropdown(worksheet, 1, j, last, "=" + names[target], lang)


def _dropdown(worksheet: Worksheet, first_row: int, col: int, last_row: int, source: list[str] | str,
              lang: str) -> None:
    title, message = MESSAGES.get(lang, MESSAGES["en"])
    worksheet.data_validation(first_row, col, last_row, col, {
        "validate": "list", "source": source, "ignore_blank": True,
        "error_type": "warning", "error_title": title, "error_message": message,
    })


def _width(column: Column, rows: Sequence[Mapping[str, object]], lang: str) -> int:
    """Wide enough for the header (and its filter arrow) and the first rows' values."""
    header = len(column.label(lang)) + 3
    if column.choice is not None:
        body = max(len(w) for w in vocab.choices(column.choice, lang)) + 1
    elif column.kind in WIDTHS:
        body = WIDTHS[column.kind]
    else:
        sample = (row.get(column.key) for row in rows[:WIDTH_SAMPLE_ROWS])
        body = max((len(str(v)) + 1 for v in sample if v is not None), default=MIN_WIDTH)
    return max(MIN_WIDTH, min(MAX_WIDTH, max(header, body)))


def _cell_writer(column: Column, lang: str, formats: _Formats) -> CellWriter:
    """How one value of `column` goes into a cell: a number, a date, or text, never a formula."""
    kind = column.kind
    if kind is Kind.DATE:
        return _date_writer(formats.date, formats.text)
    if kind in (Kind.MONEY, Kind.QUANTITY, Kind.PERCENT, Kind.INTEGER):
        return _number_writer(formats.number(kind), formats.text)
    if kind is Kind.BOOL:
        return _text_writer(lambda v: YES_NO[lang][0 if v else 1] if isinstance(v, bool) else str(v), formats.text)
    if kind is Kind.CHOICE:
        return _text_writer(lambda v: _choice_label(column, v, lang), formats.text)
    if kind is Kind.WEEKDAYS:
        return _text_writer(lambda v: _weekdays(v, lang), formats.text)
    if kind is Kind.DAY_MONTH:
        return _text_writer(_day_month, formats.text)
    if kind is Kind.NUMBERS_BEFORE:
        return _text_writer(_numbers_before, formats.text)
    if kind is Kind.MONTHS:
        return _text_writer(lambda v: month_names(tuple(v), lang) if isinstance(v, (tuple, list)) else str(v),
                            formats.text)
    if kind is Kind.DUE_DAY:
        return _text_writer(lambda v: "FM" if v == MONTH_END else str(v), formats.text)
    return _text_writer(str, formats.text)


def _text_writer(show: Callable[[Any], str], fmt: Format) -> CellWriter:
    def write(ws: Worksheet, row: int, col: int, value: object) -> None:
        ws.write_string(row, col, show(value), fmt)
    write.show = show  # type: ignore[attr-defined]  # what a streamed block writes
    return write


def _number_writer(fmt: Format | None, text: Format) -> CellWriter:
    def write(ws: Worksheet, row: int, col: int, value: object) -> None:
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            ws.write_number(row, col, float(value), fmt)
        else:
            ws.write_string(row, col, str(value), text)
    return write


def _date_writer(fmt: Format, text: Format) -> CellWriter:
    def write(ws: Worksheet, row: int, col: int, value: object) -> None:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            ws.write_number(row, col, excel_serial(value), fmt)
        else:
            ws.write_string(row, col, str(value), text)
    return write


def _choice_label(column: Column, value: object, lang: str) -> str:
    if isinstance(value, column.choice):  # type: ignore[arg-type]
        return vocab.label(value, lang)
    try:
        return vocab.label(vocab.parse(column.choice, str(value)), lang)  # type: ignore[arg-type]
    except ValueError:
        return str(value)


def _weekdays(value: object, lang: str) -> str:
    if isinstance(value, (tuple, list)):
        return vocab.format_weekdays(tuple(value), lang)
    return str(value)


def _numbers_before(value: object) -> str:
    """*Numeri prima del toolkit* as the desk writes them: `FT 345/2026, SDI 412`."""
    if isinstance(value, tuple):
        return ", ".join(f"{series} {number}" if not year else f"{series} {number}/{year}"
                         for series, year, number in value)
    return str(value)


def _day_month(value: object) -> str:
    if isinstance(value, (date, datetime)):
        return f"{value.day:02d}/{value.month:02d}"
    if isinstance(value, tuple) and len(value) == 2:
        return f"{value[0]:02d}/{value[1]:02d}"
    return str(value)
