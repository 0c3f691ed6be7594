"""The limits of numbers (`toolkit.basics.limits`): a value beyond its limit is a problem at its
cell in the data check, the payments sheet and the quantities file, never an internal error; a
value at the limit is stored and read back exactly, on SQLite and PostgreSQL; and an internal
error never shows the SQL statement or its parameters."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal as D

import minimal
import openpyxl
import pytest
from command_line import as_process as toolkit
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from toolkit.basics.failures import described
from toolkit.basics.money import cents
from toolkit.core.invoicing import Period, Request
from toolkit.core.shipping import ChosenRow
from toolkit.intake.payments_sheet import read_entries
from toolkit.intake.quantities import quantity_rows
from toolkit.intake.sources import from_values
from toolkit.intake.validation import check
from toolkit.ledger.db import reading
from toolkit.ledger.exposure import exposures
from toolkit.ledger.invoices import load_invoices
from toolkit.ledger.orders import load_orders
from toolkit.services.invoicing import run
from toolkit.services.orders import create
from toolkit.services.shipping import ship

DAY = date(2026, 4, 9)
OUT = "number-out-of-range"


def checked(changes: dict[tuple[str, str], object]):
    sheets = minimal.sheets()
    for (sheet, ref), value in changes.items():
        minimal.set_cell(sheets, sheet, ref, value)
    return check(minimal.workbook(sheets))


@pytest.mark.parametrize("sheet, ref, value", [
    ("Righe modello", "C2", 1e20),
    ("Righe modello", "C2", "1000000,001"),
    ("Righe modello", "D3", 1e20),
    ("Prezzi", "D2", 1e20),
    ("Prezzi", "E2", "1.000.000,01"),
    ("Prezzi", "F2", -1e20),
    ("Clienti", "J2", 1e20),
    ("Clienti", "J2", 1_000_000_000.01),
])
def test_a_number_beyond_its_limit_is_a_problem_at_its_cell(sheet, ref, value):
    result = checked({(sheet, ref): value})
    assert (result.errors[0].sheet, result.errors[0].cell, result.errors[0].code) == (sheet, ref, OUT)
    [problem] = [p for p in result.errors if p.code == OUT]
    assert result.master is None
    assert "1.000.000" in problem.message("it") and "1,000,000" in problem.message("en")


@pytest.mark.parametrize("sheet, ref, value", [
    ("Righe modello", "C2", 1.2345),
    ("Righe modello", "C2", "12,0005"),
    ("Giacenze", "B2", 0.0001),
])
def test_a_quantity_has_three_decimals_at_most(sheet, ref, value):
    sheets = minimal.sheets()
    sheets["Giacenze"] = [["Articolo", "Quantità"], ["A001", 5]]
    minimal.set_cell(sheets, sheet, ref, value)
    result = check(minimal.workbook(sheets))
    assert [(p.sheet, p.cell, p.code) for p in result.errors][:1] == [(sheet, ref, "too-many-decimals")]


def test_a_formulas_float_tail_is_read_as_excel_shows_it():
    result = checked({("Righe modello", "C2"): 0.1 + 0.2})
    assert result.errors == [] and result.master.template_lines[0].quantity == D("0.3")


def test_a_ddts_weight_is_rounded_to_the_gram(ledger):
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Articoli", "F1", "Peso")
    minimal.set_cell(sheets, "Articoli", "F2", 0.333)
    minimal.set_cell(sheets, "Articoli", "F3", 0)
    minimal.set_cell(sheets, "Righe modello", "C2", 1.5)
    master = check(minimal.workbook(sheets)).master
    assert create(master, ledger, DAY, with_catch_up=False, lang="it").created
    shipped = ship(master, ledger, DAY, all_open=True, force=True, lang="it")
    assert [n.weight for n in shipped.notes if n.customer == "C001"] == [D("0.500")]


def test_the_message_says_the_range_in_both_languages():
    [problem] = checked({("Righe modello", "D3"): 1e20}).errors
    assert problem.message("it") == "«1e+20» è fuori dai limiti: scrivi un numero fra -1.000.000,00 e 1.000.000,00."
    assert problem.message("en") == "“1e+20” is out of range: write a number between -1,000,000.00 and 1,000,000.00."


def test_numbers_at_their_limits_pass_the_check():
    result = checked({("Righe modello", "C2"): 1_000_000, ("Righe modello", "D3"): "1.000.000,00",
                      ("Prezzi", "D2"): 1_000_000, ("Clienti", "J2"): 1_000_000_000})
    assert result.errors == [] and result.master is not None


def at_the_limits():
    """The minimal master with T001's two lines at the largest quantity and price."""
    result = checked({
        ("Righe modello", "C2"): 1_000_000, ("Prezzi", "D2"): 999_999.99, ("Prezzi", "E2"): 999_999.99,
        ("Righe modello", "C3"): 999_999.999, ("Righe modello", "D3"): 1_000_000,
        ("Clienti", "J2"): 1_000_000_000,
    })
    assert result.errors == [] and result.master is not None
    return result.master


def test_a_line_at_the_limits_is_stored_and_read_back_exactly(ledger):
    master = at_the_limits()
    assert create(master, ledger, DAY, with_catch_up=False, lang="it").created
    with reading(ledger) as conn:
        [order] = [o for o in load_orders(conn) if o.template == "T001"]
        unshipped = exposures(conn, ["C001"])["C001"].unshipped
    assert [(ln.quantity, ln.unit_price, ln.amount) for ln in order.lines] == [
        (D("1000000"), D("999999.99"), D("999999990000.00")),
        (D("999999.999"), D("1000000"), D("999999999000.00"))]
    assert unshipped == D("1999999989000.00")
    shipped = ship(master, ledger, DAY, numbers=[order.number], force=True, lang="it")
    assert [p.code for p in shipped.problems] == ["stock-not-checked", "credit-limit-forced"]
    assert [ln.quantity for ln in shipped.notes[0].lines] == [D("1000000"), D("999999.999")]
    april = Period(date(2026, 4, 1), date(2026, 4, 30))
    ran = run(ledger, master, Request(april, date(2026, 5, 2), customer="C001"), lang="it")
    assert not [p for p in ran.problems if p.is_error]
    with reading(ledger) as conn:
        [invoice] = load_invoices(conn, run_id=ran.run_id)
    assert invoice.taxable == D("1999999989000.00")
    assert invoice.vat == cents(D("999999990000.00") * D("0.22")) + cents(D("999999999000.00") * D("0.04"))
    assert invoice.total == invoice.taxable + invoice.vat


def test_the_unshipped_value_is_exact_past_what_one_product_holds(ledger):
    """A hundred lines of almost a million at almost a million euros: each quantity × price in
    thousandths × millionths is far beyond a 64-bit integer (SQLite turned it into a float, 16
    cents off once summed), and the sum is still exact to the cent."""
    sheets = minimal.sheets()
    sheets["Righe modello"] = [sheets["Righe modello"][0]] + [
        ["T001", "A002", "999999,999", "999999,99", None] for _ in range(100)]
    result = check(minimal.workbook(sheets))
    assert result.master is not None, result.errors
    assert create(result.master, ledger, DAY, with_catch_up=False, lang="it").created
    with reading(ledger) as conn:
        unshipped = exposures(conn, ["C001"])["C001"].unshipped
    assert unshipped == cents(100 * D("999999.999") * D("999999.99")) == D("99999998900000.00")


def test_the_quantities_file_bounds_its_quantities(minimal_master, ledger):
    assert create(minimal_master, ledger, DAY, with_catch_up=False, lang="it").created
    with reading(ledger) as conn:
        [order] = [o for o in load_orders(conn) if o.template == "T001"]
    rows, problems = quantity_rows("q.csv", "q", [["Ordine", "Articolo", "Quantità"],
                                                  [order.number, "A001", "1e30"], [order.number, "A002", 1e20]])
    assert not problems
    shipped = ship(minimal_master, ledger, DAY, chosen=rows, lang="it")
    assert [(p.sheet, p.cell, p.code) for p in shipped.problems] == [("q", "C2", OUT), ("q", "C3", OUT)]
    assert not shipped.notes
    fine = ship(minimal_master, ledger, DAY, chosen=[ChosenRow(order.number, "A001", "1")], lang="it")
    assert [ln.quantity for ln in fine.notes[0].lines] == [D(1)]


def test_the_payments_sheet_bounds_its_amounts():
    book = from_values("incassi.xlsx", {"Incassi": [
        ["Fattura", "Data incasso", "Importo"],
        ["FT-2026-00001", "15/05/2026", 1e20],
        ["FT-2026-00002", "15/05/2026", "-1.000.000.000,01"],
        ["FT-2026-00003", "15/05/2026", "12,345"],
        ["FT-2026-00004", "15/05/2026", "1.000.000.000,00"],
    ]})
    entries, problems = read_entries(book)
    assert [(p.sheet, p.cell, p.code) for p in problems] == [
        ("Incassi", "C2", OUT), ("Incassi", "C3", OUT), ("Incassi", "C4", "payment-bad-amount")]
    assert [e.amount for e in entries] == [D("1000000000.00")]


@pytest.mark.parametrize("heading, letter", [("Quantità", "C"), ("Prezzo", "D")])
def test_the_command_line_refuses_1e20_before_storing_anything(tmp_path, sample_workbook, heading, letter):
    workbook = tmp_path / "anagrafiche.xlsx"
    book = openpyxl.load_workbook(sample_workbook)
    sheet = book["Righe modello"]
    column = [c.value for c in sheet[1]].index(heading) + 1
    assert openpyxl.utils.get_column_letter(column) == letter
    sheet.cell(row=2, column=column, value=1e20)
    book.save(workbook)
    checked_ = toolkit("check", str(workbook), cwd=tmp_path)
    assert checked_.returncode == 1
    assert f"Righe modello!{letter}2: «1e+20» è fuori dai limiti" in checked_.stdout
    created = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", cwd=tmp_path)
    assert created.returncode == 1, created.stderr
    assert "Traceback" not in created.stderr and "errore interno" not in created.stderr
    assert not (tmp_path / "anagrafiche.xlsx.ledger.sqlite").exists()


def sql_error() -> SQLAlchemyError:
    """A real error of the database library, whose message embeds the statement and parameters."""
    engine = create_engine("sqlite://")
    try:
        with engine.connect() as conn:
            conn.execute(text("INSERT INTO nowhere (customer) VALUES (:customer)"), {"customer": "Bar Segreto"})
    except SQLAlchemyError as error:
        assert "INSERT INTO nowhere" in str(error) and "Bar Segreto" in str(error)
        return error
    raise AssertionError("the statement did not fail")


def test_an_sql_error_is_described_without_its_statement():
    assert described(sql_error()) == "OperationalError (OperationalError): no such table: nowhere"


def test_the_command_line_shows_no_sql_in_an_internal_error(monkeypatch, capsys, sample_workbook):
    from toolkit.cli.app import main

    error = sql_error()

    def fail(*args, **kwargs):
        raise error

    monkeypatch.delenv("TOOLKIT_DEBUG", raising=False)
    monkeypatch.setattr("toolkit.intake.validation.check_file", fail)
    monkeypatch.setattr(sys, "argv", ["toolkit", "check", str(sample_workbook)])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 3
    err = capsys.readouterr().err
    assert "OperationalError" in err and "no such table" in err
    assert "INSERT" not in err and "Bar Segreto" not in err and "[SQL" not in err


def test_the_excel_buttons_show_no_sql_in_an_internal_error(monkeypatch):
    from fakebook import FakeBook

    import toolkit.excel as x

    error = sql_error()

    def fail(*args, **kwargs):
        raise error

    monkeypatch.delenv("TOOLKIT_DEBUG", raising=False)
    monkeypatch.setattr("toolkit.intake.validation.check", fail)
    book = FakeBook("ordini-ricorrenti.xlsm", {"Pannello": [["Ordini ricorrenti"]], **minimal.sheets()})
    x.check_data(book)
    shown = book.alerts[-1][0]
    assert shown.startswith("Errore interno / internal error: OperationalError")
    assert "INSERT" not in shown and "Bar Segreto" not in shown
