from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, timedelta

import factories as f
import openpyxl
import pytest

from toolkit.basics.cells import column_letter
from toolkit.basics.vocab import ExceptionAction as A
from toolkit.basics.vocab import ScheduleKind as K
from toolkit.core.plan import due_between
from toolkit.model.records import Item
from toolkit.writers.calendar_sheet import CHANGED_FILL, CLOSED_FILL, DATE_ROW, WEEKDAY_ROW, write_calendar

START, END = date(2026, 4, 1), date(2026, 4, 30)
EVIL = '=HYPERLINK("http://example.com","click")'
WEEKDAY, DATE = WEEKDAY_ROW + 1, DATE_ROW + 1
"""The grid's heading rows as the sheet numbers them, below the legend; templates follow."""
T001, T002 = DATE + 1, DATE + 2


def column(day: date) -> str:
    """Dates start in column D."""
    return column_letter(4 + (day - START).days)


def fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:]


def with_units(master, **units: str):
    """The master with items of these codes and units (the factories' master has none)."""
    items = tuple(Item(code=code, description=code, unit=unit, source=f.source("items", row))
                  for row, (code, unit) in enumerate(units.items(), start=2))
    return master.model_copy(update={"items": items})


@pytest.fixture
def book(tmp_path):
    templates = (
        f.template(K.WEEKLY, code="T001", weekdays=(0, 3)),
        f.template(K.WEEKLY, code="T002", weekdays=(2,), customer="C002"),
    )
    lines = (f.line("T001", "A001", "10", row=2), f.line("T001", "A002", "2.5", row=3, note="retro"),
             f.line("T002", "B001", "4", row=4))
    customers = (f.customer("C001", "Bar Centrale S.n.c."), f.customer("C002", EVIL, row=3))
    exceptions = (f.exception(A.QUANTITY, date(2026, 4, 13), item="A001", quantity="1"),)
    master = with_units(f.master(templates, lines, customers=customers, exceptions=exceptions),
                        A001="kg", A002="kg", B001="ct")
    calendar = f.calendar()
    dues, _ = due_between(master, START, END, calendar=calendar)
    path = write_calendar(tmp_path / "piano.xlsx", master, dues, START, END, calendar)
    return path, openpyxl.load_workbook(path), dues


def test_sheets_and_headers(book):
    path, wb, _ = book
    assert path.name == "piano.xlsx" and wb.sheetnames == ["Calendario", "Elenco"]
    grid = wb["Calendario"]
    assert [grid[f"{c}{DATE}"].value for c in "ABC"] == ["Modello", "Cliente", "Ragione sociale"]
    assert grid[f"D{DATE}"].value == datetime(2026, 4, 1)
    assert grid[f"D{DATE}"].number_format == "dd/mm"
    assert grid[f"D{WEEKDAY}"].value == "mer"
    assert grid[f"{column(END)}{DATE}"].value == datetime(2026, 4, 30)
    assert grid.freeze_panes == f"D{T001}"
    assert grid.auto_filter.ref is not None


def test_quantities_in_the_right_cells(book):
    _, wb, _ = book
    grid = wb["Calendario"]
    assert [grid[f"{c}{T001}"].value for c in "ABC"] == ["T001", "C001", "Bar Centrale S.n.c."]
    assert grid[f"{column(date(2026, 4, 2))}{T001}"].value == 12.5
    assert grid[f"{column(date(2026, 4, 3))}{T001}"].value is None
    assert grid[f"{column(date(2026, 4, 13))}{T001}"].value == 3.5
    assert grid[f"{column(date(2026, 4, 1))}{T002}"].value == 4


def test_a_cell_shows_its_unit(book):
    """All of T001's lines are in kg, T002's in cartons: the number is a quantity, and says of what."""
    _, wb, _ = book
    grid = wb["Calendario"]
    assert grid[f"{column(date(2026, 4, 2))}{T001}"].number_format == 'General" kg"'
    assert grid[f"{column(date(2026, 4, 13))}{T001}"].number_format == 'General" kg"'  # changed, yellow
    assert grid[f"{column(date(2026, 4, 1))}{T002}"].number_format == 'General" ct"'


def mixed_units(tmp_path, lang="it"):
    """T001 orders 6 cartons and 12 pieces on Mondays, T002 5 pieces and 2 more on Wednesdays."""
    templates = (f.template(K.WEEKLY, code="T001", weekdays=(0,)),
                 f.template(K.WEEKLY, code="T002", weekdays=(2,)))
    lines = (f.line("T001", "A001", "6", row=2), f.line("T001", "A002", "12", row=3),
             f.line("T002", "A002", "5", row=4), f.line("T002", "A003", "2", row=5))
    master = with_units(f.master(templates, lines), A001="ct", A002="pz", A003="pz")
    calendar = f.calendar()
    dues, _ = due_between(master, START, END, calendar=calendar)
    return write_calendar(tmp_path / "piano.xlsx", master, dues, START, END, calendar, lang)


def test_lines_in_different_units_are_counted_not_added(tmp_path):
    """6 cartons and 12 pieces are not 18 of anything: the cell counts the lines, and says so;
    the list keeps each line's quantity with its unit."""
    wb = openpyxl.load_workbook(mixed_units(tmp_path))
    grid, listed = wb["Calendario"], wb["Elenco"]
    monday, wednesday = grid[f"{column(date(2026, 4, 13))}{T001}"], grid[f"{column(date(2026, 4, 1))}{T002}"]
    assert monday.value == 2 and monday.number_format == '0" righe"'
    assert wednesday.value == 7 and wednesday.number_format == 'General" pz"'
    monday_lines = [r[4:7] for r in listed.iter_rows(min_row=2, values_only=True) if r[0] == datetime(2026, 4, 13)]
    assert monday_lines == [("A001", "ct", 6), ("A002", "pz", 12)]
    english = openpyxl.load_workbook(mixed_units(tmp_path, "en"))["Calendar"]
    assert english[f"{column(date(2026, 4, 13))}{T001}"].number_format == '0" lines"'


def test_the_legend_names_the_colours_and_the_numbers(book):
    _, wb, _ = book
    grid = wb["Calendario"]
    assert fill(grid["A1"]) == CLOSED_FILL[1:] and grid["B1"].value.startswith("Giorno di chiusura")
    assert fill(grid["A2"]) == CHANGED_FILL[1:] and grid["B2"].value.startswith("Consegna spostata")
    assert grid["B3"].value.startswith("12 kg: quantità dell'ordine") and "6 righe" in grid["B3"].value
    assert "foglio Elenco" in grid["B3"].value
    assert WEEKDAY == 4 and grid.print_title_rows == f"${WEEKDAY}:${DATE}"


def test_both_sheets_say_what_they_are_on_every_page(book):
    _, wb, _ = book
    for sheet, title in ((wb["Calendario"], "Calendario consegne – dal 01/04/2026 al 30/04/2026"),
                         (wb["Elenco"], "Calendario consegne – dal 01/04/2026 al 30/04/2026 – Elenco")):
        assert sheet.oddHeader.left.text == title
        assert sheet.oddHeader.right.text == f.settings().company_name


def test_closed_days_are_grey_with_the_reason(book):
    _, wb, _ = book
    grid = wb["Calendario"]
    easter = column(date(2026, 4, 6))
    assert fill(grid[f"{easter}{DATE}"]) == CLOSED_FILL[1:]
    assert fill(grid[f"{easter}{T001}"]) == CLOSED_FILL[1:]
    assert grid[f"{easter}{T001}"].value is None
    assert grid[f"{easter}{DATE}"].comment.text == "Lunedì dell'Angelo"
    sunday = column(date(2026, 4, 12))
    assert fill(grid[f"{sunday}{T002}"]) == CLOSED_FILL[1:] and grid[f"{sunday}{DATE}"].comment is None
    assert fill(grid[f"{column(date(2026, 4, 8))}{DATE}"]) != CLOSED_FILL[1:]


def test_changed_orders_are_marked(book):
    _, wb, _ = book
    grid = wb["Calendario"]
    moved = grid[f"{column(date(2026, 4, 7))}{T001}"]
    assert moved.value == 12.5 and fill(moved) == CHANGED_FILL[1:]
    assert "06/04/2026" in moved.comment.text
    changed = grid[f"{column(date(2026, 4, 13))}{T001}"]
    assert fill(changed) == CHANGED_FILL[1:] and "Quantità" in changed.comment.text
    assert grid[f"{column(date(2026, 4, 2))}{T001}"].comment is None


def test_list_sheet(book):
    _, wb, dues = book
    rows = list(wb["Elenco"].iter_rows(values_only=True))
    assert rows[0] == ("Data", "Modello", "Cliente", "Ragione sociale", "Articolo", "UM", "Quantità", "Nota")
    assert rows[1] == (datetime(2026, 4, 1), "T002", "C002", EVIL, "B001", "ct", 4, None)
    assert rows[2] == (datetime(2026, 4, 2), "T001", "C001", "Bar Centrale S.n.c.", "A001", "kg", 10, None)
    assert rows[3] == (datetime(2026, 4, 2), "T001", "C001", "Bar Centrale S.n.c.", "A002", "kg", 2.5, "retro")
    assert len(rows) - 1 == sum(len(d.lines) for d in dues)
    assert wb["Elenco"].auto_filter.ref == f"A1:H{len(rows)}"


def test_user_text_stays_text(book):
    path, wb, _ = book
    assert wb["Calendario"][f"C{T002}"].value == EVIL and wb["Calendario"][f"C{T002}"].data_type == "s"
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert all("<f>" not in xml for xml in sheets)


def test_english(tmp_path):
    master = f.master((f.template(K.WEEKLY, weekdays=(0,)),), (f.line(),))
    calendar = f.calendar()
    dues, _ = due_between(master, START, END, calendar=calendar)
    wb = openpyxl.load_workbook(write_calendar(tmp_path / "plan.xlsx", master, dues, START, END, calendar, lang="en"))
    assert wb.sheetnames == ["Calendar", "List"]
    assert wb["Calendar"][f"D{WEEKDAY}"].value == "wed"
    assert wb["Calendar"][f"{column(date(2026, 4, 6))}{DATE}"].comment.text == "Easter Monday"
    assert "Moved from 06/04/2026" in wb["Calendar"][f"{column(date(2026, 4, 7))}{T001}"].comment.text


def test_refuses_a_workbook_open_in_excel(tmp_path):
    from toolkit.basics.problems import UnusableInput

    target = tmp_path / "piano.xlsx"
    target.write_bytes(b"old")
    (tmp_path / "~$piano.xlsx").write_bytes(b"")
    master = f.master((f.template(),), (f.line(),))
    with pytest.raises(UnusableInput):
        write_calendar(target, master, [], START, END, f.calendar())
    assert target.read_bytes() == b"old"


def test_long_names_and_notes_get_rows_tall_enough(tmp_path):
    """A name wider than its column wraps on the grid and on the list; a long note makes its
    own line's row taller than its neighbours'."""
    long_name = "Società Cooperativa Agricola Produttori Latte della Valle Alta S.c.a.r.l."
    note = ("Consegnare dal retro prima delle sette, suonare al citofono del magazzino e attendere "
            "il responsabile; lasciare le casse vuote accanto alla porta e ritirare la bolla firmata")
    master = f.master((f.template(K.WEEKLY, weekdays=(0,)),),
                      (f.line(item="A001"), f.line(item="A002", row=3, note=note)),
                      customers=(f.customer("C001", long_name),))
    calendar = f.calendar()
    monday = date(2026, 4, 13)
    dues, _ = due_between(master, monday, monday + timedelta(days=6), calendar=calendar)
    wb = openpyxl.load_workbook(write_calendar(tmp_path / "piano.xlsx", master, dues, monday,
                                               monday + timedelta(days=6), calendar))
    grid, listed = wb["Calendario"], wb["Elenco"]
    assert grid[f"C{T001}"].value == long_name and grid.row_dimensions[T001].height == 45
    assert [listed[f"E{r}"].value for r in (2, 3)] == ["A001", "A002"]
    assert listed["H2"].value is None and listed["H3"].value == note
    assert listed.row_dimensions[2].height == 45
    assert listed.row_dimensions[3].height > 45
    assert listed["A2"].value == datetime(2026, 4, 13) and listed["A2"].number_format == "dd/mm/yyyy_0"


@pytest.mark.libreoffice
def test_the_printed_plan_says_what_it_is_and_what_its_marks_mean(tmp_path):
    """What LibreOffice prints: every page of both sheets headed with the plan's title, period
    and company; the grid's legend; its cells with their units or their number of lines."""
    from test_distribution import pdf_text

    from toolkit.writers.libreoffice import soffice
    from toolkit.writers.pdf import to_pdf

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    pages = [p for p in pdf_text(to_pdf(mixed_units(tmp_path))).split("\f") if p.strip()]
    grid, listed = pages[0], "\n".join(pages[1:])
    title = "Calendario consegne – dal 01/04/2026 al 30/04/2026"
    assert all(p.lstrip().startswith(title) and f.settings().company_name in p.split("\n")[0] for p in pages)
    assert all(f"{title} – Elenco" in p for p in pages[1:])
    for words in ("Giorno di chiusura: domenica", "Consegna spostata per una festività",
                  "12 kg: quantità dell'ordine", "6 righe: righe in unità diverse"):
        assert words in grid, words
    assert grid.count("2 righe") == 4 and grid.count("7 pz") == 5
    assert re.search(r"13/04/2026\s+T001\s.*A001\s+ct\s+6\s*$", listed, re.M)
    assert re.search(r"13/04/2026\s+T001\s.*A002\s+pz\s+12\s*$", listed, re.M)
