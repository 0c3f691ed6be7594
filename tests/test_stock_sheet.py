"""A workbook without a stock sheet (*Giacenze*) ships every ordered quantity: the data check,
`ship` and the ship button say so with one warning (`stock-not-checked`); a stock sheet present,
even with no rows, is the user's stock and no warning of the check, while a shipment it holds
says why nothing left (`stock-sheet-empty`)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import minimal
from conftest import with_stock_sheet
from fakebook import FakeBook
from typer.testing import CliRunner

import toolkit.excel as x
from toolkit.basics.problems import Severity
from toolkit.intake.validation import check
from toolkit.services.orders import create
from toolkit.services.shipping import ship

DAY = date(2026, 4, 9)
CODE = "stock-not-checked"


def test_the_check_warns_when_the_workbook_has_no_stock_sheet():
    result = check(minimal.workbook())
    [warning] = [p for p in result.problems if p.code == CODE]
    assert (warning.sheet, warning.cell, warning.severity) == ("Giacenze", None, Severity.WARNING)
    assert "ogni quantità ordinata viene spedita" in warning.message("it")
    assert "stock is not checked and every ordered quantity ships" in warning.message("en")
    assert result.master is not None


def test_a_stock_sheet_present_even_without_rows_is_no_warning():
    sheets = with_stock_sheet(minimal.sheets())
    assert check(minimal.workbook(sheets)).problems == []
    sheets["Stock"] = [["Item", "Quantity"], ["A001", 5]]
    del sheets["Giacenze"]
    assert check(minimal.workbook(sheets)).problems == []


def test_a_stock_below_zero_is_refused_at_its_cell_and_zero_is_not():
    """A count of -5 was read as written: nothing of the item shipped until returns brought it
    above zero and every shortfall was told 5 larger. It is an error at the cell, nothing run."""
    sheets = minimal.sheets()
    sheets["Giacenze"] = [["Articolo", "Quantità"], ["A001", 0], ["A002", -5], ["A003", "-0,5"]]
    result = check(minimal.workbook(sheets))
    refused = [(p.cell, p.severity, dict(p.params)["item"]) for p in result.problems if p.code == "stock-negative"]
    assert refused == [("B3", Severity.ERROR, "A002"), ("B4", Severity.ERROR, "A003")]
    [first] = [p for p in result.problems if p.cell == "B3"]
    assert first.message("it").startswith("La giacenza -5 dell'articolo A002 è sotto zero")
    assert "Write the quantity on the shelf (0 if there is none)." in first.message("en")
    sheets["Giacenze"] = [["Articolo", "Quantità"], ["A001", 0], ["A002", 5]]
    assert check(minimal.workbook(sheets)).problems == []


def test_ship_says_what_it_assumed_without_a_stock_sheet(ledger):
    master = check(minimal.workbook()).master
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    done = ship(master, ledger, DAY, all_open=True, force=True, lang="it")
    assert done.notes
    assert [p.code for p in done.problems if p.code == CODE] == [CODE]
    nothing = ship(master, ledger, DAY, all_open=True, force=True, lang="it")
    assert not nothing.notes and CODE not in [p.code for p in nothing.problems]


def test_ship_with_a_stock_sheet_says_nothing_of_it(ledger):
    sheets = minimal.sheets()
    sheets["Giacenze"] = [["Articolo", "Quantità"], ["A001", 1000], ["A002", 1000], ["A003", 1000]]
    master = check(minimal.workbook(sheets)).master
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    done = ship(master, ledger, DAY, all_open=True, force=True, lang="it")
    assert done.notes and CODE not in [p.code for p in done.problems]


def test_the_empty_stock_sheet_ships_nothing_from_stock(ledger):
    """What the docs promise: an empty stock sheet is no stock of anything, not unlimited."""
    master = check(minimal.workbook(with_stock_sheet(minimal.sheets()))).master
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    done = ship(master, ledger, DAY, all_open=True, force=True, lang="it")
    assert not done.notes and CODE not in [p.code for p in done.problems]


def test_ship_says_why_nothing_left_when_the_stock_sheet_has_no_rows(ledger):
    """A new desk cleared the sample's stock rows, keeping no stock in the workbook: each line
    was held for a stock of 0 and nothing named the sheet, or that deleting it ships all."""
    master = check(minimal.workbook(with_stock_sheet(minimal.sheets()))).master
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    done = ship(master, ledger, DAY, all_open=True, force=True, lang="it")
    [empty] = [p for p in done.problems if p.code == "stock-sheet-empty"]
    assert not done.notes and done.held
    assert (empty.sheet, empty.cell, empty.severity) == ("Giacenze", None, Severity.WARNING)
    assert empty.message("it").startswith("Il foglio Giacenze non ha righe: per il toolkit nessun articolo è in "
                                          "magazzino, quindi non parte nulla.")
    assert "cancella il foglio Giacenze: ogni quantità ordinata sarà spedita" in empty.message("it")
    again = ship(master, ledger, DAY, all_open=True, force=True, lang="it")
    assert "stock-sheet-empty" in [p.code for p in again.problems] and again.kept


def test_an_empty_stock_sheet_is_named_as_its_tab_is(ledger):
    """An English workbook's stock sheet is *Stock*: the warning names it so, where it sent the
    desk to delete a *Giacenze* sheet the workbook has not."""
    sheets = minimal.sheets()
    sheets["Stock"] = [["Item", "Quantity"]]
    sheets["Impostazioni"].append(["Lingua", "en"])
    master = check(minimal.workbook(sheets)).master
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    [empty] = [p for p in ship(master, ledger, DAY, all_open=True, force=True, lang="it").problems
               if p.code == "stock-sheet-empty"]
    assert empty.sheet == "Stock"
    assert empty.message("en").startswith("The stock sheet Stock has no rows: ")
    assert "delete the Stock sheet: every ordered quantity will ship" in empty.message("en")
    assert "Giacenze" not in empty.message("en")

def test_the_command_line_prints_the_warning(tmp_path):
    import openpyxl

    from toolkit.cli.app import _register, app

    workbook = tmp_path / "anagrafiche.xlsx"
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in minimal.sheets().items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(workbook)
    _register()
    checked = CliRunner().invoke(app, ["check", str(workbook), "--lang", "en"])
    assert checked.exit_code == 0
    assert "Giacenze: warning: The Stock sheet (Giacenze) is missing" in checked.output


def test_the_ship_button_shows_the_warning(tmp_path: Path):
    panel = [["Ordini ricorrenti"], [None], ["Data ordini", datetime(2026, 4, 9)]]
    book = FakeBook("ordini-ricorrenti.xlsm", {"Pannello": panel, **minimal.sheets()},
                    fullname=str(tmp_path / "ordini-ricorrenti.xlsm"), names={"DataOrdini": "B3"})
    x.preview_orders(book)
    x.create_orders(book)
    x.ship(book)
    text = book.alerts[-1][0]
    assert text.startswith("DDT emessi: 1")
    assert "Il foglio Giacenze manca: la giacenza non è controllata" in text
