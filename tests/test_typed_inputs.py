"""Cells a desk types that were taken silently, or refused without saying what to write: each is
read as the desk meant it, or refused (or warned) at its cell with what to write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import minimal
import pytest
from conftest import with_stock_sheet

from toolkit.intake.validation import check


@pytest.mark.parametrize(("typed", "day"), [
    ("12 sett. 2026", date(2026, 9, 12)), ("1 set 2026", date(2026, 9, 1)), ("3 Febbr. 2027", date(2027, 2, 3)),
    ("7 GENN 2027", date(2027, 1, 7)), ("9 magg. 26", date(2026, 5, 9)), ("12-Sett-26", date(2026, 9, 12))])
def test_a_date_with_the_month_abbreviated_as_an_italian_desk_writes_it_is_read(typed, day):
    """«sett.», «febbr.», «genn.», «magg.» are how Italian abbreviates by hand; «12 sett. 2026»
    was refused as no date while «12 set 2026» was read."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Eccezioni"] = [["Modello", "Data", "Azione"], ["T001", typed, "Salta"]]
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master.exceptions[0].day == day


@pytest.mark.parametrize(("typed", "shown"), [("3 gen.", "03/01"), ("12 sett", "12/09"), ("12/04", "12/04")])
def test_a_date_without_its_year_is_refused_asking_for_the_year(typed, shown):
    """No year is guessed: the cell is refused, and the message asks for the year the text lacks
    (it said «scrivi una data come 09/04/2026», which did not say what was wrong)."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Eccezioni"] = [["Modello", "Data", "Azione"], ["T001", typed, "Salta"]]
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Eccezioni", "B2", "date-without-year")]
    assert problems[0].message("it") == f"«{typed}» non dice l'anno: scrivi la data intera, {shown}/AAAA con il suo " \
                                        f"anno (es. {shown}/2027)."
    assert f"{shown}/YYYY" in problems[0].message("en")


def test_a_list_price_of_more_than_six_decimals_is_warned_at_its_cell_and_kept_as_the_ledger_keeps_it():
    """The ledger keeps prices to the millionth: 20.12345678 was rounded to 20.123457 on every order with no
    word. It is read as that, and the cell says so (FatturaPA allows 8 decimals: a warning, not a refusal)."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Prezzi", "D2", 20.12345678)
    minimal.set_cell(sheets, "Righe modello", "D3", "1,2345675")
    result = check(minimal.workbook(sheets))
    assert [(p.sheet, p.cell, p.code, p.severity) for p in result.problems] == [
        ("Prezzi", "D2", "price-decimals-rounded", "warning"),
        ("Righe modello", "D3", "price-decimals-rounded", "warning")]
    assert result.problems[0].message("it") == (
        "Il prezzo «20,12345678» ha più di 6 decimali, più di quanti ne tiene il registro: è preso come 20,123457 "
        "(arrotondato al sesto decimale), negli ordini, nei DDT e nelle fatture. Se intendevi un altro prezzo "
        "correggilo; per non avere l'avviso scrivilo con al massimo 6 decimali (in una formula: ARROTONDA(…;6)).")
    assert "it is taken as 1.234568 (rounded" in result.problems[1].message("en")
    assert result.master is not None
    assert result.master.prices[0].list_price == Decimal("20.123457")
    assert result.master.template_lines[1].price == Decimal("1.234568")


def test_a_price_a_formula_worked_out_is_read_as_excel_shows_it_with_no_warning():
    """0.1 * 3 is 0.30000000000000004 in binary and 0,3 on the sheet: no price of seventeen decimals to warn of."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Prezzi", "F2", 0.1 * 3)
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master.prices[0].limit_price == Decimal("0.3")


def test_a_rounding_step_finer_than_the_millionth_is_still_refused_not_rounded():
    """A step rounded to the millionth would be 0, every derived price changed: it stays an error."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Versioni listino"][0] += ["Listino base", "Versione base", "Ricarico %", "Arrotondamento"]
    sheets["Versioni listino"].append(["BASE", "2027", date(2027, 1, 1), None, "BASE", "2026B", 10, 0.0000001])
    found = [(p.sheet, p.cell, p.code) for p in check(minimal.workbook(sheets)).problems]
    assert ("Versioni listino", "H4", "rounding-step-too-fine") in found
    assert not any(code == "price-decimals-rounded" for *_, code in found)
