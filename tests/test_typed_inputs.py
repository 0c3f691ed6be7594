"""Cells a desk types that were taken silently, or refused without saying what to write: each is
read as the desk meant it, or refused (or warned) at its cell with what to write."""

from __future__ import annotations

from datetime import date

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
