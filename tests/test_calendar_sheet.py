from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta

import factories as f
import openpyxl
import pytest

from toolkit.basics.cells import column_letter
from toolkit.basics.vocab import ExceptionAction as A
from toolkit.basics.vocab import ScheduleKind as K
from toolkit.core.plan import due_between
from toolkit.writers.calendar_sheet import CHANGED_FILL, CLOSED_FILL, write_calendar

START, END = date(2026, 4, 1), date(2026, 4, 30)
EVIL = '=HYPERLINK("http://example.com","click")'


def column(day: date) -> str:
    """Dates start in column D."""
    return column_letter(4 + (day - START).days)


def fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:]


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
    master = f.master(templates, lines, customers=customers, exceptions=exceptions)
    calendar = f.calendar()
    dues, _ = due_between(master, START, END, calendar=calendar)
    path = write_calendar(tmp_path / "piano.xlsx", master, dues, START, END, calendar)
    return path, openpyxl.load_workbook(path), dues


def test_sheets_and_headers(book):
    path, wb, _ = book
    assert path.name == "piano.xlsx" and wb.sheetnames == ["Calendario", "Elenco"]
    grid = wb["Calendario"]
    assert [grid[f"{c}2"].value for c in "ABC"] == ["Modello", "Cliente", "Ragione sociale"]
    assert grid["D2"].value == datetime(2026, 4, 1)
    assert grid["D2"].number_format == "dd/mm"
    assert grid["D1"].value == "mer"
    assert grid[f"{column(END)}2"].value == datetime(2026, 4, 30)
    assert grid.freeze_panes == "D3"
    assert grid.auto_filter.ref is not None


def test_quantities_in_the_right_cells(book):
    _, wb, _ = book
    grid = wb["Calendario"]
    assert [grid[f"{c}3"].value for c in "ABC"] == ["T001", "C001", "Bar Centrale S.n.c."]
    assert grid[f"{column(date(2026, 4, 2))}3"].value == 12.5
    assert grid[f"{column(date(2026, 4, 3))}3"].value is None
    assert grid[f"{column(date(2026, 4, 13))}3"].value == 3.5
    assert grid[f"{column(date(2026, 4, 1))}4"].value == 4


def test_closed_days_are_grey_with_the_reason(book):
    _, wb, _ = book
    grid = wb["Calendario"]
    easter = column(date(2026, 4, 6))
    assert fill(grid[f"{easter}2"]) == CLOSED_FILL[1:]
    assert fill(grid[f"{easter}3"]) == CLOSED_FILL[1:]
    assert grid[f"{easter}3"].value is None
    assert grid[f"{easter}2"].comment.text == "Lunedì dell'Angelo"
    sunday = column(date(2026, 4, 12))
    assert fill(grid[f"{sunday}4"]) == CLOSED_FILL[1:] and grid[f"{sunday}2"].comment is None
    assert fill(grid[f"{column(date(2026, 4, 8))}2"]) != CLOSED_FILL[1:]


def test_changed_orders_are_marked(book):
    _, wb, _ = book
    grid = wb["Calendario"]
    moved = grid[f"{column(date(2026, 4, 7))}3"]
    assert moved.value == 12.5 and fill(moved) == CHANGED_FILL[1:]
    assert "06/04/2026" in moved.comment.text
    changed = grid[f"{column(date(2026, 4, 13))}3"]
    assert fill(changed) == CHANGED_FILL[1:] and "Quantità" in changed.comment.text
    assert grid[f"{column(date(2026, 4, 2))}3"].comment is None


def test_list_sheet(book):
    _, wb, dues = book
    rows = list(wb["Elenco"].iter_rows(values_only=True))
    assert rows[0] == ("Data", "Modello", "Cliente", "Ragione sociale", "Articolo", "Quantità", "Nota")
    assert rows[1] == (datetime(2026, 4, 1), "T002", "C002", EVIL, "B001", 4, None)
    assert rows[2] == (datetime(2026, 4, 2), "T001", "C001", "Bar Centrale S.n.c.", "A001", 10, None)
    assert rows[3] == (datetime(2026, 4, 2), "T001", "C001", "Bar Centrale S.n.c.", "A002", 2.5, "retro")
    assert len(rows) - 1 == sum(len(d.lines) for d in dues)
    assert wb["Elenco"].auto_filter.ref == f"A1:G{len(rows)}"


def test_user_text_stays_text(book):
    path, wb, _ = book
    assert wb["Calendario"]["C4"].value == EVIL and wb["Calendario"]["C4"].data_type == "s"
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert all("<f>" not in xml for xml in sheets)


def test_english(tmp_path):
    master = f.master((f.template(K.WEEKLY, weekdays=(0,)),), (f.line(),))
    calendar = f.calendar()
    dues, _ = due_between(master, START, END, calendar=calendar)
    wb = openpyxl.load_workbook(write_calendar(tmp_path / "plan.xlsx", master, dues, START, END, calendar, lang="en"))
    assert wb.sheetnames == ["Calendar", "List"]
    assert wb["Calendar"]["D1"].value == "wed"
    assert wb["Calendar"][f"{column(date(2026, 4, 6))}2"].comment.text == "Easter Monday"
    assert "Moved from 06/04/2026" in wb["Calendar"][f"{column(date(2026, 4, 7))}3"].comment.text


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
    assert grid["C3"].value == long_name and grid.row_dimensions[3].height == 45
    assert [listed[f"E{r}"].value for r in (2, 3)] == ["A001", "A002"]
    assert listed["G2"].value is None and listed["G3"].value == note
    assert listed.row_dimensions[2].height == 45
    assert listed.row_dimensions[3].height > 45
    assert listed["A2"].value == datetime(2026, 4, 13) and listed["A2"].number_format == "dd/mm/yyyy_0"
