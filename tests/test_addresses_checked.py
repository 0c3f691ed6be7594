"""An Italian address's CAP and Provincia as the e-invoice takes them (five digits, a province's
sigla), refused by the data check at their cell before any invoice bearing them is issued; a
CAP Excel took for a number is read back with its leading zero."""

from __future__ import annotations

import json
import shutil

import minimal
import openpyxl
import pytest
from conftest import with_stock_sheet

from toolkit.cli import app, output
from toolkit.intake.validation import check

ADDRESS_CODES = {"bad-postcode", "missing-postcode", "bad-province", "missing-province"}


def _sheets(postcodes=("10121", "00184"), provinces=("TO", "RM")) -> dict:
    """The minimal sheets with the customers' CAP (column K) and Provincia (column L)."""
    sheets = with_stock_sheet(minimal.sheets())
    for row, extra in zip(sheets["Clienti"], (["CAP", "Provincia"], *zip(postcodes, provinces))):
        row += extra
    return sheets


def _found(sheets: dict) -> list[tuple[str, str, str, str]]:
    return [(p.sheet, p.cell, p.code, p.message("it")) for p in check(minimal.workbook(sheets)).problems
            if p.code in ADDRESS_CODES]


def test_a_cap_excel_took_for_a_number_is_read_with_its_leading_zero():
    """09012 typed into a General cell arrives as 9012; 20121 stays as it is."""
    result = check(minimal.workbook(_sheets(postcodes=(9012, 20121.0))))
    assert result.problems == []
    assert [c.postcode for c in result.master.customers] == ["09012", "20121"]


@pytest.mark.parametrize("postcode", ["ABCDE", "5014", "201210", "20 12"])
def test_a_cap_that_is_not_five_digits_is_refused_at_its_cell(postcode):
    assert _found(_sheets(postcodes=("10121", postcode))) == [
        ("Clienti", "K3", "bad-postcode",
         f"Il CAP «{postcode}» non è un CAP italiano: scrivi le sue 5 cifre (es. 09012), come le vuole la fattura "
         "elettronica; per un indirizzo estero correggi il Paese.")]


def test_a_province_not_a_sigla_is_refused_at_its_cell_with_the_sigla_of_a_name():
    assert _found(_sheets(provinces=("Torino", "XY"))) == [
        ("Clienti", "L2", "bad-province",
         "La provincia «Torino» non è la sigla di una provincia italiana: scrivi la sigla di 2 lettere (es. TO), "
         "come la vuole la fattura elettronica."),
        ("Clienti", "L3", "bad-province",
         "La provincia «XY» non è la sigla di una provincia italiana: scrivi la sigla di 2 lettere (es. MI), "
         "come la vuole la fattura elettronica.")]
    assert _found(_sheets(provinces=("to", "CI"))) == []


def test_an_empty_cap_or_province_of_an_italian_customer_is_refused_at_its_cell():
    assert [f[:3] for f in _found(_sheets(postcodes=(None, "00184"), provinces=("TO", None)))] == [
        ("Clienti", "K2", "missing-postcode"), ("Clienti", "L3", "missing-province")]


def test_a_customer_abroad_keeps_its_own_postcode_and_needs_no_province():
    """The e-invoice writes CAP 00000 and no Provincia abroad: the customer's own postcode is only printed."""
    sheets = _sheets(postcodes=("10121", "8001"), provinces=("TO", None))
    for row, extra in zip(sheets["Clienti"], (["Paese", "Natura IVA"], ["IT", None], ["CH", "N3.1"])):
        row += extra
    sheets["Clienti"][2][2] = "CHE116281710"
    assert _found(sheets) == []


@pytest.mark.parametrize("country,vat,typed,kept", [
    ("CH", "CHE116281710", 8001, "8001"), ("DE", "DE123456789", 1067, "01067"), ("CH", "CHE116281710", "08001", "08001")])
def test_a_postcode_abroad_excel_took_for_a_number_is_read_for_its_country(country, vat, typed, kept):
    """Zürich's 8001 is not an Italian CAP cut of its zero (08001); Dresden's 01067 is cut as one."""
    sheets = _sheets(postcodes=(9012, typed), provinces=("TO", None))
    for row, extra in zip(sheets["Clienti"], (["Paese", "Natura IVA"], ["IT", None], [country, "N3.1"])):
        row += extra
    sheets["Clienti"][2][2] = vat
    result = check(minimal.workbook(sheets))
    assert result.master is not None, result.problems
    assert [c.postcode for c in result.master.customers] == ["09012", kept]


def test_the_sellers_and_a_delivery_address_are_checked_too():
    """The seller's address goes into every e-invoice; a delivery address, only printed, may be left
    without CAP or province, but not have them wrong."""
    sheets = _sheets()
    minimal.set_cell(sheets, "Impostazioni", "B5", "2012")
    minimal.set_cell(sheets, "Impostazioni", "B7", "Milano")
    for row, extra in zip(sheets["Destinazioni"], (["CAP", "Provincia"], ["1012A", None])):
        row += extra
    assert {f[:3] for f in _found(sheets)} == {
        ("Impostazioni", "B5", "bad-postcode"), ("Impostazioni", "B7", "bad-province"),
        ("Destinazioni", "E2", "bad-postcode")}
    minimal.set_cell(sheets, "Impostazioni", "B5", 2012)
    minimal.set_cell(sheets, "Impostazioni", "B7", "MI")
    minimal.set_cell(sheets, "Destinazioni", "E2", None)
    result = check(minimal.workbook(sheets))
    assert result.problems == [] and result.master.settings.postcode == "02012"


def test_check_refuses_the_sample_with_a_cap_of_letters_exit_1(tmp_path, sample_workbook, capsys):
    """The audit's case: `check` said «Nessun problema», then the month's e-invoices were refused."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    book = openpyxl.load_workbook(workbook)
    customers = book["Clienti"]
    column = next(c.column_letter for c in customers[1] if c.value == "CAP")
    customers[f"{column}2"] = "ABCDE"
    book.save(workbook)
    app._register()
    output.reset()
    capsys.readouterr()
    assert app.run(["check", str(workbook), "--json"]) == 1
    said = json.loads(capsys.readouterr().out)
    assert [(p["sheet"], p["cell"], p["code"]) for p in said["problems"] if p["severity"] == "error"] == [
        ("Clienti", f"{column}2", "bad-postcode")]
