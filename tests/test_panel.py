"""The control panel (`toolkit panel`, the *Pannello di controllo* button): the orders still
open unless asked for every one, of a period when given, and never a cell left out silently."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from test_shipping import shipping_master

from toolkit.basics.problems import ProblemsFound
from toolkit.core.orders import OrderStatus
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders
from toolkit.services.order_status import change_status
from toolkit.services.orders import create, panel
from toolkit.services.shipping import ship
from toolkit.writers import orders_book

FIRST, SECOND = date(2026, 4, 9), date(2026, 4, 16)


@pytest.fixture
def desk(ledger):
    """Two days of orders; of the first day's, one shipped whole and one closed."""
    master = shipping_master(stock={"A001": 1000, "A002": 1000})
    for day in (FIRST, SECOND):
        create(master, ledger, day, with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        made = load_orders(conn)
    first_day = [o.number for o in made if o.occurrence == FIRST]
    assert len(first_day) >= 3 and any(o.occurrence == SECOND for o in made)
    assert ship(master, ledger, FIRST, numbers=[first_day[0]], lang="it").completed == (first_day[0],)
    assert change_status(ledger, first_day[1], OrderStatus.CLOSED).problems == []
    return master, {o.number: o.occurrence for o in made}, first_day[:2]


def numbers_in(path) -> list[str]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]


def test_the_panel_shows_the_orders_still_open(ledger, desk, tmp_path):
    master, made, done = desk
    shown = numbers_in(panel(master, ledger, tmp_path / "p.xlsx", "it"))
    assert shown == sorted(set(made) - set(done))


def test_every_printed_page_of_the_panel_says_whose_and_when(ledger, desk, tmp_path, monkeypatch):
    monkeypatch.setattr(orders_book, "today_rome", lambda: FIRST)
    book = openpyxl.load_workbook(panel(desk[0], ledger, tmp_path / "p.xlsx", "en"))
    assert [(s.oddHeader.left.text, s.oddHeader.right.text) for s in book.worksheets] == [
        ("Orders panel", "Forniture Rossi S.r.l. – as of 09/04/2026"),
        ("Orders panel – Lines", "Forniture Rossi S.r.l. – as of 09/04/2026")]


def test_every_order_on_request_and_a_period(ledger, desk, tmp_path):
    master, made, done = desk
    assert numbers_in(panel(master, ledger, tmp_path / "all.xlsx", "it", every=True)) == sorted(made)
    second_day = sorted(n for n, day in made.items() if day == SECOND)
    assert numbers_in(panel(master, ledger, tmp_path / "day.xlsx", "it", first=SECOND, last=SECOND)) == second_day
    assert numbers_in(panel(master, ledger, tmp_path / "early.xlsx", "it", every=True, last=FIRST)) == \
        sorted(n for n, day in made.items() if day == FIRST)


def test_past_excels_links_an_order_number_is_written_as_text(ledger, desk, tmp_path, monkeypatch):
    """XlsxWriter leaves out a link past Excel's 65,530 in a sheet, its cell with it: a large
    distributor's panel lost the numbers of its later orders."""
    master, made, _ = desk
    monkeypatch.setattr(orders_book, "LINKS_PER_SHEET", 2)
    sheet = openpyxl.load_workbook(panel(master, ledger, tmp_path / "p.xlsx", "it", every=True)).worksheets[0]
    column = [cell for (cell,) in sheet.iter_rows(min_row=2, max_col=1) if cell.value]
    assert [c.value for c in column] == sorted(made)
    assert [bool(c.hyperlink) for c in column] == [True, True] + [False] * (len(made) - 2)


def test_a_panel_with_more_lines_than_a_sheet_holds_is_refused_and_not_written(ledger, desk, tmp_path, monkeypatch):
    master, _, _ = desk
    monkeypatch.setattr("toolkit.writers.sheet_limits.ROWS_PER_SHEET", 2)  # the headings and one line
    with pytest.raises(ProblemsFound) as refused:
        panel(master, ledger, tmp_path / "p.xlsx", "en")
    [problem] = refused.value.problems
    assert problem.code == "too-many-rows" and problem.message("en").startswith("Orders panel: ")
    assert "rows, more than an Excel sheet holds (2). Choose a shorter period (--from/--to)" in problem.message("en")
    assert not (tmp_path / "p.xlsx").exists()
