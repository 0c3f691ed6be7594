"""The planning calendar as a workbook (calendario ordini ricorrenti): who gets what, on which day.

Sheet "Calendario" is a grid, one row per template and one column per day, holding what that
day's order is: its quantity with the unit when all its lines share one unit ("12 kg"), else
its number of lines ("6 righe"), since cartons and pieces do not add up. Days nobody works are
grey, with the reason in a comment on the date; orders a holiday policy or an exception changed
are coloured, with what changed in a comment; a legend above the grid says so. Sheet "Elenco"
lists the same orders line by line with their units, for the autofilter: the exact detail.
Both print with the plan's title, period and company in the page header.

Everything that comes from the user's data is written as text, so a customer called
`=HYPERLINK(...)` stays a name.

The workbook is written row after row (`streaming`): a month's list at a large distributor has
a million lines, which XlsxWriter kept in memory cell by cell (1.5 GB) and wrote a cell at a
time. The list goes to its sheet as one block of rows (`blocks.StreamedWorksheet.write_rows`),
and the grid is written top to bottom, each template's row with its days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook

from toolkit.basics.files import write_atomic
from toolkit.basics.labels import define, labeller
from toolkit.basics.vocab import WEEKDAYS_EN, WEEKDAYS_IT, label
from toolkit.core.due_quantity import due_quantity, item_units, shown
from toolkit.core.plan import Due
from toolkit.core.workdays import WorkingCalendar, weekday_name
from toolkit.model.records import MasterData, Template
from toolkit.writers.blocks import Column, StreamedWorkbook
from toolkit.writers.printable import a4, figure, fitting_width, page_header, period, set_widths
from toolkit.writers.row_heights import fit_row, row_height
from toolkit.writers.sheet_limits import ROWS_PER_SHEET, check_rows
from toolkit.writers.streaming import streaming_workbook

SHEETS = {"it": ("Calendario", "Elenco"), "en": ("Calendar", "List")}
GRID_HEADERS = {"it": ("Modello", "Cliente", "Ragione sociale"), "en": ("Template", "Customer", "Name")}
LIST_HEADERS = {
    "it": ("Data", "Modello", "Cliente", "Ragione sociale", "Articolo", "UM", "Quantità", "Nota"),
    "en": ("Date", "Template", "Customer", "Name", "Item", "Unit", "Quantity", "Note"),
}
define({
    "calendar.title": ("Calendario consegne", "Delivery plan"),
    "calendar.legend_closed": (
        "Giorno di chiusura: domenica, sabato, festività o chiusura (il motivo nel commento sulla data)",
        "Closed day: Sunday, Saturday, holiday or closure (the reason in the comment on the date)"),
    "calendar.legend_changed": (
        "Consegna spostata per una festività o cambiata da un'eccezione (cosa cambia nel commento)",
        "Delivery moved off a holiday or changed by an exception (what changed in the comment)"),
    "calendar.legend_quantity": (
        "12 kg: quantità dell'ordine, righe tutte nella stessa unità · 6 righe: righe in unità diverse "
        "(il dettaglio nel foglio {sheet})",
        "12 kg: the order's quantity, all its lines in one unit · 6 lines: lines in different units "
        "(the detail on the {sheet} sheet)"),
})
NOTES = {
    "it": {"moved": "Spostato dal {dates}", "merged": "Unisce le consegne del {dates}",
           "exception": "Eccezione: {actions}", "extra": "Consegna extra"},
    "en": {"moved": "Moved from {dates}", "merged": "Merges the deliveries of {dates}",
           "exception": "Exception: {actions}", "extra": "Extra delivery"},
}
CLOSED_FILL = "#D9D9D9"
CHANGED_FILL = "#FFE699"
FIXED_COLUMNS = 3
LEGEND = ("calendar.legend_closed", "calendar.legend_changed", "calendar.legend_quantity")
"""The legend's rows, at the top of the grid: the first sheet a user prints starts with them."""
WEEKDAY_ROW, DATE_ROW = len(LEGEND), len(LEGEND) + 1
HEADER_ROWS = DATE_ROW + 1
MAX_DAYS = 16384 - FIXED_COLUMNS
GRID_WIDTHS = (12, 12, 26)
DAY_WIDTH = 6.5
"""A day's column, at least: a month prints one page wide, wider only for a longer "12,5 conf"."""
LIST_WIDTHS = (11, 12, 12, 30, 14, 6, 10, 40)
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
    units = item_units(master)
    title = f"{labeller(lang)('calendar.title')} – {period(start, end, lang)}"

    def write(tmp: Path) -> None:
        with streaming_workbook(tmp, "calendar", StreamedWorkbook) as book:
            sheet = _grid(book, master, templates, dues, days, calendar, units, lang)
            page_header(sheet, title, master.settings.company_name)
            for n, part in enumerate(list_parts(dues), start=1):
                name = SHEETS[lang][1] + (f" {n}" if n > 1 else "")
                sheet = _list(book, master, part, units, lang, name)
                page_header(sheet, f"{title} – {name}", master.settings.company_name)

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


def number_format(unit: str | None, lang: str) -> str:
    """The cell keeps a number (it sorts and filters) and shows its unit, or "righe"."""
    if unit is None:
        return f'0" {labeller(lang)("calendar.lines")}"'
    quoted = unit.replace('"', "")
    return f'General" {quoted}"' if quoted else "General"


def _legend(sheet: Any, closed: Any, changed: Any, lang: str) -> None:
    """The grid's key, a row each: the grey, the yellow and what a number counts; its words run
    on across the empty cells to their right."""
    t = labeller(lang)
    for row, (key, swatch) in enumerate(zip(LEGEND, (closed, changed, None))):
        sheet.write_blank(row, 0, None, swatch)
        sheet.write_string(row, 1, t(key).format(sheet=SHEETS[lang][1]))


def _grid(book: Workbook, master: MasterData, rows: Sequence[Template], dues: Sequence[Due],
          days: list[date], calendar: WorkingCalendar, units: Mapping[str, str], lang: str) -> Any:
    """The grid sheet, returned: its legend, the days and a row per template."""
    sheet = book.add_worksheet(SHEETS[lang][0])
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    day_head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "num_format": "dd/mm", "align": "center"})
    closed_head = book.add_format({"bold": True, "bg_color": CLOSED_FILL, "border": 1, "num_format": "dd/mm", "align": "center"})
    weekday_head = book.add_format({"bg_color": "#DDEBF7", "border": 1, "align": "center"})
    closed_weekday = book.add_format({"bg_color": CLOSED_FILL, "border": 1, "align": "center"})
    closed = book.add_format({"bg_color": CLOSED_FILL})
    changed = book.add_format({"bg_color": CHANGED_FILL, "bold": True})
    name = book.add_format({"text_wrap": True, "valign": "top"})
    _legend(sheet, closed, changed, lang)

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
    days_of: dict[int, list[tuple[int, Due, Decimal | int, str | None]]] = defaultdict(list)
    for due in dues:
        due_row = row_of.get(due.template)
        offset = (due.day - start).days
        if due_row is not None and 0 <= offset < len(days):
            days_of[due_row].append((FIXED_COLUMNS + offset, due, *due_quantity(due, units)))
    values = {(value, unit) for cells in days_of.values() for _, _, value, unit in cells}
    cell_format = _cell_formats(book, lang)
    for t in rows:
        row = row_of[t.code]
        fit_row(sheet, row, [(customers.get(t.customer, ""), GRID_WIDTHS[2])])
        sheet.write_string(row, 0, t.code)
        sheet.write_string(row, 1, t.customer)
        sheet.write_string(row, 2, customers.get(t.customer, ""), name)
        for col in closed_cols:
            sheet.write_blank(row, col, None, closed)
        for col, due, value, unit in days_of[row]:
            if due.changed:
                sheet.write_number(row, col, float(value), cell_format(CHANGED_FILL, unit))
                sheet.write_comment(row, col, change_note(due, lang))
            else:
                sheet.write_number(row, col, float(value), cell_format(CLOSED_FILL if col in closed_cols else None, unit))

    set_widths(sheet, GRID_WIDTHS)
    width = fitting_width((shown(value, unit, lang) for value, unit in values), DAY_WIDTH, bold=True, at_most=14)
    sheet.set_column(FIXED_COLUMNS, FIXED_COLUMNS + len(days) - 1, width)
    sheet.freeze_panes(HEADER_ROWS, FIXED_COLUMNS)
    a4(sheet, landscape=True, repeat_rows=(WEEKDAY_ROW, DATE_ROW), fit_width=len(days) <= PRINT_ONE_PAGE_WIDE)
    sheet.repeat_columns(0, FIXED_COLUMNS - 1)
    sheet.autofilter(DATE_ROW, 0, DATE_ROW + max(len(rows), 1), FIXED_COLUMNS + len(days) - 1)
    return sheet


def _cell_formats(book: Workbook, lang: str) -> Any:
    """The grid cells' formats by fill (None, closed or changed) and unit, each made once: a
    plan has a few units, and a format per cell would be one per cell in the file."""
    made: dict[tuple[str | None, str | None], Any] = {}

    def cell_format(fill: str | None, unit: str | None) -> Any:
        key = (fill, unit)
        if key not in made:
            spec: dict[str, Any] = {"num_format": number_format(unit, lang)}
            if fill is not None:
                spec["bg_color"] = fill
            if fill == CHANGED_FILL:
                spec["bold"] = True
            made[key] = book.add_format(spec)
        return made[key]

    return cell_format


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


def _list(book: Workbook, master: MasterData, dues: Sequence[Due], units: Mapping[str, str], lang: str,
          name: str) -> Any:
    """A list sheet, returned: a row per line of `dues`."""
    sheet = book.add_worksheet(name)
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    day = book.add_format({"num_format": figure("dd/mm/yyyy"), "valign": "top"})
    top = book.add_format({"valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    headers = LIST_HEADERS[lang]
    for col, title in enumerate(headers):
        sheet.write_string(0, col, title, head)
    quantity = book.add_format({"num_format": figure("General"), "valign": "top"})
    columns = [Column("value", f) for f in (day, top, top, wrap, top, top, quantity)] + [Column("value", wrap, blanks=False)]
    last = sheet.write_rows(1, 0, columns, _list_rows(master, dues, units)) - 1
    set_widths(sheet, LIST_WIDTHS)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(last, 1), len(headers) - 1)
    a4(sheet, repeat_rows=(0, 0))
    return sheet


def _list_rows(master: MasterData, dues: Sequence[Due],
               units: Mapping[str, str]) -> Iterator[tuple[tuple[Any, ...], float | None]]:
    """The list's rows, a line each, with their heights: the name and the note wrap."""
    customers = {c.code: c.name for c in master.customers}
    for due in dues:
        customer = customers.get(due.customer, "")
        name = [(customer, LIST_WIDTHS[3])]
        plain = row_height(name)
        for line in due.lines:
            yield ((due.day, due.template, due.customer, customer, line.item, units.get(line.item), line.quantity,
                    line.note or None),
                   row_height([*name, (line.note, LIST_WIDTHS[7])]) if line.note else plain)
