"""The planning calendar as a workbook (calendario ordini ricorrenti): who gets what, on which day.

Sheet "Calendario" is a grid, one row per template and one column per day, holding the total
quantity of that day's order. Days nobody works are grey, with the reason in a comment on the
date; orders a holiday policy or an exception changed are coloured, with what changed in a
comment. Sheet "Elenco" lists the same orders line by line, for the autofilter.

Everything that comes from the user's data is written as text, so a customer called
`=HYPERLINK(...)` stays a name.

The workbook is written row after row (`streaming`): a month's list at a large distributor has
a million lines, which XlsxWriter kept in memory cell by cell (1.5 GB) and wrote a cell at a
time. The list goes to its sheet as one block of rows (`blocks.StreamedWorksheet.write_rows`),
and the grid is written top to bottom, each template's row with its days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook

from toolkit.basics.files import write_atomic
from toolkit.basics.vocab import WEEKDAYS_EN, WEEKDAYS_IT, label
from toolkit.core.plan import Due
from toolkit.core.workdays import WorkingCalendar, weekday_name
from toolkit.model.records import MasterData, Template
from toolkit.writers.blocks import Column, StreamedWorkbook
from toolkit.writers.printable import a4, figure, set_widths
from toolkit.writers.row_heights import fit_row, row_height
from toolkit.writers.sheet_limits import ROWS_PER_SHEET, check_rows
from toolkit.writers.streaming import streaming_workbook

SHEETS = {"it": ("Calendario", "Elenco"), "en": ("Calendar", "List")}
GRID_HEADERS = {"it": ("Modello", "Cliente", "Ragione sociale"), "en": ("Template", "Customer", "Name")}
LIST_HEADERS = {
    "it": ("Data", "Modello", "Cliente", "Ragione sociale", "Articolo", "Quantità", "Nota"),
    "en": ("Date", "Template", "Customer", "Name", "Item", "Quantity", "Note"),
}
NOTES = {
    "it": {"moved": "Spostato dal {dates}", "merged": "Unisce le consegne del {dates}",
           "exception": "Eccezione: {actions}", "extra": "Consegna extra"},
    "en": {"moved": "Moved from {dates}", "merged": "Merges the deliveries of {dates}",
           "exception": "Exception: {actions}", "extra": "Extra delivery"},
}
CLOSED_FILL = "#D9D9D9"
CHANGED_FILL = "#FFE699"
FIXED_COLUMNS = 3
WEEKDAY_ROW, DATE_ROW = 0, 1
HEADER_ROWS = 2
MAX_DAYS = 16384 - FIXED_COLUMNS
GRID_WIDTHS = (12, 12, 26)
LIST_WIDTHS = (11, 12, 12, 30, 14, 10, 40)
PRINT_ONE_PAGE_WIDE = 31
"""Up to a month prints one page wide; longer plans print at full size over several pages."""


def write_calendar(target: Path, master: MasterData, dues: Sequence[Due], start: date, end: date,
                   calendar: WorkingCalendar, lang: str = "it") -> Path:
    """Write the plan from `start` to `end` to `target` (atomically) and return its path."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    if not days:
        raise ValueError(f"the plan ends ({end}) before it starts ({start})")
    if len(days) > MAX_DAYS:
        raise ValueError(f"{len(days)} days do not fit in one sheet (at most {MAX_DAYS})")
    lang = lang if lang in SHEETS else "it"
    templates = grid_templates(master, dues, start, end)
    check_rows(HEADER_ROWS + len(templates), SHEETS[lang][0])

    def write(tmp: Path) -> None:
        with streaming_workbook(tmp, StreamedWorkbook) as book:
            _grid(book, master, templates, dues, days, calendar, lang)
            for n, part in enumerate(list_parts(dues), start=1):
                _list(book, master, part, lang, SHEETS[lang][1] + (f" {n}" if n > 1 else ""))

    return write_atomic(target, write)


def grid_templates(master: MasterData, dues: Sequence[Due], start: date, end: date) -> list[Template]:
    """The grid's rows: active templates valid in the range, and any template with an order in it."""
    wanted = {d.template for d in dues}
    return [
        t for t in master.templates
        if t.code in wanted or (t.active and t.valid_from <= end and (t.valid_to is None or t.valid_to >= start))
    ]


def change_note(due: Due, lang: str) -> str:
    """What the comment on a changed order says: where it came from and which exceptions."""
    words = NOTES[lang]
    notes = []
    if due.moved_from is not None:
        notes.append(words["moved"].format(dates=_dates([due.moved_from])))
    elif due.moved:
        notes.append(words["moved"].format(dates=_dates(d for d in due.nominal if d != due.day)))
    if len(due.nominal) > 1:
        notes.append(words["merged"].format(dates=_dates(due.nominal)))
    if due.extra:
        notes.append(words["extra"])
    if due.exceptions:
        notes.append(words["exception"].format(actions=", ".join(label(a, lang) for a in due.exceptions)))
    return "\n".join(notes)


def _dates(days: Iterable[date]) -> str:
    return ", ".join(d.strftime("%d/%m/%Y") for d in days)


def _grid(book: Workbook, master: MasterData, rows: Sequence[Template], dues: Sequence[Due],
          days: list[date], calendar: WorkingCalendar, lang: str) -> None:
    sheet = book.add_worksheet(SHEETS[lang][0])
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    day_head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "num_format": "dd/mm", "align": "center"})
    closed_head = book.add_format({"bold": True, "bg_color": CLOSED_FILL, "border": 1, "num_format": "dd/mm", "align": "center"})
    weekday_head = book.add_format({"bg_color": "#DDEBF7", "border": 1, "align": "center"})
    closed_weekday = book.add_format({"bg_color": CLOSED_FILL, "border": 1, "align": "center"})
    closed = book.add_format({"bg_color": CLOSED_FILL})
    changed = book.add_format({"bg_color": CHANGED_FILL, "bold": True})
    name = book.add_format({"text_wrap": True, "valign": "top"})

    names = WEEKDAYS_IT if lang == "it" else WEEKDAYS_EN
    reasons = {FIXED_COLUMNS + i: (day, calendar.why_closed(day, lang)) for i, day in enumerate(days)}
    closed_cols = {col for col, (_, reason) in reasons.items() if reason}
    for col in range(FIXED_COLUMNS):
        sheet.write_blank(WEEKDAY_ROW, col, None, head)
    for col, (day, reason) in reasons.items():
        sheet.write_string(WEEKDAY_ROW, col, names[day.weekday()], closed_weekday if reason else weekday_head)
    for col, title in enumerate(GRID_HEADERS[lang]):
        sheet.write_string(DATE_ROW, col, title, head)
    for col, (day, reason) in reasons.items():
        sheet.write_datetime(DATE_ROW, col, day, closed_head if reason else day_head)
        if reason and reason != weekday_name(day, lang):
            sheet.write_comment(DATE_ROW, col, reason)

    start = days[0]
    customers = {c.code: c.name for c in master.customers}
    row_of = {t.code: HEADER_ROWS + i for i, t in enumerate(rows)}
    days_of: dict[int, list[tuple[int, Due]]] = defaultdict(list)
    for due in dues:
        due_row = row_of.get(due.template)
        offset = (due.day - start).days
        if due_row is not None and 0 <= offset < len(days):
            days_of[due_row].append((FIXED_COLUMNS + offset, due))
    for t in rows:
        row = row_of[t.code]
        fit_row(sheet, row, [(customers.get(t.customer, ""), GRID_WIDTHS[2])])
        sheet.write_string(row, 0, t.code)
        sheet.write_string(row, 1, t.customer)
        sheet.write_string(row, 2, customers.get(t.customer, ""), name)
        for col in closed_cols:
            sheet.write_blank(row, col, None, closed)
        for col, due in days_of[row]:
            if due.changed:
                sheet.write_number(row, col, float(due.total_quantity), changed)
                sheet.write_comment(row, col, change_note(due, lang))
            else:
                sheet.write_number(row, col, float(due.total_quantity), closed if col in closed_cols else None)

    set_widths(sheet, GRID_WIDTHS)
    sheet.set_column(FIXED_COLUMNS, FIXED_COLUMNS + len(days) - 1, 6.5)
    sheet.freeze_panes(HEADER_ROWS, FIXED_COLUMNS)
    a4(sheet, landscape=True, repeat_rows=(WEEKDAY_ROW, DATE_ROW), fit_width=len(days) <= PRINT_ONE_PAGE_WIDE)
    sheet.repeat_columns(0, FIXED_COLUMNS - 1)
    sheet.autofilter(DATE_ROW, 0, DATE_ROW + max(len(rows), 1), FIXED_COLUMNS + len(days) - 1)


def list_parts(dues: Sequence[Due]) -> list[Sequence[Due]]:
    """The dues in runs whose lines fit a sheet below its headings: the list goes on in `Elenco
    2`, `Elenco 3` past Excel's rows (a month at a large distributor has 1.1 million lines, a
    year at M 1.3 million), a delivery's lines never split between two sheets."""
    parts: list[Sequence[Due]] = []
    start, rows = 0, 0
    for n, due in enumerate(dues):
        if rows + len(due.lines) > ROWS_PER_SHEET - 1 and n > start:
            parts.append(dues[start:n])
            start, rows = n, 0
        rows += len(due.lines)
    parts.append(dues[start:])
    return parts


def _list(book: Workbook, master: MasterData, dues: Sequence[Due], lang: str, name: str) -> None:
    sheet = book.add_worksheet(name)
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    day = book.add_format({"num_format": figure("dd/mm/yyyy"), "valign": "top"})
    top = book.add_format({"valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    headers = LIST_HEADERS[lang]
    for col, title in enumerate(headers):
        sheet.write_string(0, col, title, head)
    quantity = book.add_format({"num_format": figure("General"), "valign": "top"})
    columns = [Column("value", f) for f in (day, top, top, wrap, top, quantity)] + [Column("value", wrap, blanks=False)]
    last = sheet.write_rows(1, 0, columns, _list_rows(master, dues)) - 1
    set_widths(sheet, LIST_WIDTHS)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(last, 1), len(headers) - 1)
    a4(sheet, repeat_rows=(0, 0))


def _list_rows(master: MasterData, dues: Sequence[Due]) -> Iterator[tuple[tuple[Any, ...], float | None]]:
    """The list's rows, a line each, with their heights: the name and the note wrap."""
    customers = {c.code: c.name for c in master.customers}
    for due in dues:
        customer = customers.get(due.customer, "")
        name = [(customer, LIST_WIDTHS[3])]
        plain = row_height(name)
        for line in due.lines:
            yield ((due.day, due.template, due.customer, customer, line.item, line.quantity, line.note or None),
                   row_height([*name, (line.note, LIST_WIDTHS[6])]) if line.note else plain)
