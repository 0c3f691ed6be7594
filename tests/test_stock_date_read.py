"""The lists and the panel read the stock as shipping does: a *Data giacenze* after today is
refused at its cell there too, not read silently."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest
from test_printing import cli, desk  # noqa: F401  (desk is a fixture)


def counted_on(workbook: Path, day: datetime.date) -> str:
    """The workbook with its *Data giacenze* set to `day`; returns the cell."""
    book = openpyxl.load_workbook(workbook)
    row = next(r for r in book["Impostazioni"].iter_rows() if r[0].value == "Data giacenze")
    row[1].value = datetime.datetime(day.year, day.month, day.day)
    book.save(workbook)
    return f"Impostazioni!{row[1].coordinate}"


@pytest.mark.parametrize("verb", [["production", "--date", "2026-04-09"], ["panel"]])
def test_a_stock_count_dated_after_today_is_refused_at_its_cell_and_nothing_is_written(
        capsys, tmp_path, desk, rome_today, verb):  # noqa: F811
    rome_today(datetime.date(2026, 4, 9))
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    cell = counted_on(workbook, datetime.date(2026, 4, 10))
    out = tmp_path / "list.xlsx"
    code, said = cli(capsys, *verb, workbook, "--out", out, "--ledger", url)
    assert code == 1 and not out.exists()
    assert f"{cell}: Data giacenze è il 10/04/2026, dopo oggi (09/04/2026)" in " ".join(said.split())
    counted_on(workbook, datetime.date(2026, 4, 9))
    code, said = cli(capsys, *verb, workbook, "--out", out, "--ledger", url)
    assert code == 0 and out.exists(), said


def sold_out(workbook: Path) -> None:
    """The workbook's *Giacenze* with no stock of anything."""
    book = openpyxl.load_workbook(workbook)
    for row in book["Giacenze"].iter_rows(min_row=2):
        row[1].value = 0
    book.save(workbook)


@pytest.mark.parametrize("verb", [["production", "--date", "2026-04-09"], ["panel"]])
def test_a_stock_count_long_before_is_named_at_its_cell_where_the_list_shows_goods_sold_out(
        capsys, tmp_path, desk, rome_today, verb):  # noqa: F811
    """`ship` names a *Data giacenze* a year off when it holds goods back; the production list
    and the panel showed the same goods sold out with no word of the date. Written all the same,
    exit 0; a count of the previous month is not told."""
    rome_today(datetime.date(2026, 4, 9))
    workbook, url = desk
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    sold_out(workbook)
    cell = counted_on(workbook, datetime.date(2025, 4, 1))
    out = tmp_path / "list.xlsx"
    code, said = cli(capsys, *verb, workbook, "--out", out, "--ledger", url)
    assert code == 0 and out.exists(), said
    assert (f"{cell}: avviso: Data giacenze è il 01/04/2025, prima del mese precedente il 09/04/2026, e qui ci sono "
            "articoli senza giacenza") in " ".join(said.split())
    counted_on(workbook, datetime.date(2026, 3, 1))
    code, said = cli(capsys, *verb, workbook, "--out", tmp_path / "again.xlsx", "--ledger", url)
    assert code == 0 and "stock-date-long-before" not in said and "Data giacenze è il" not in said


@pytest.mark.parametrize("button", ["production_list", "control_panel"])
def test_the_list_buttons_name_a_stock_count_long_before_in_their_box(tmp_path, rome_today, button):
    import minimal
    from conftest import with_stock_sheet
    from test_excel_desk_buttons import fake, press

    rome_today(datetime.date(2026, 4, 9))
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Impostazioni"].append(["Data giacenze", datetime.datetime(2025, 4, 1)])
    book = fake(tmp_path, sheets)
    press(book, "preview_orders")
    press(book, "create_orders")
    [(text, _, _)] = press(book, button)
    assert "Impostazioni!B" in text and "Data giacenze è il 01/04/2025, prima del mese precedente il 09/04/2026" in text


def test_the_panel_of_every_order_names_a_count_long_before_only_for_orders_still_open(tmp_path, ledger, rome_today):
    """`panel --every` shows closed orders too, and their lines never shipped were read as goods
    still to ship: with every order closed, the panel told the count a year off as if goods
    waited for stock. Only the open orders' lines are still to ship."""
    import minimal
    from conftest import with_stock_sheet

    from toolkit.core.orders import OrderStatus
    from toolkit.intake.validation import check
    from toolkit.services.order_status import change_status
    from toolkit.services.orders import create, panel

    rome_today(datetime.date(2026, 4, 9))
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Impostazioni"].append(["Data giacenze", datetime.datetime(2025, 4, 1)])
    master = check(minimal.workbook(sheets)).master
    numbers = [r["number"] for r in create(master, ledger, datetime.date(2026, 4, 9), with_catch_up=False, lang="it").created]
    told: list = []
    panel(master, ledger, tmp_path / "open.xlsx", "it", every=True, told=told)
    assert [p.code for p in told] == ["stock-date-long-before-list"]
    for number in numbers:
        change_status(ledger, number, OrderStatus.CLOSED)
    told = []
    panel(master, ledger, tmp_path / "closed.xlsx", "it", every=True, told=told)
    assert told == []
