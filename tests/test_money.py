"""Numbers typed as text: read in either convention when only one reading exists, never guessed."""

from __future__ import annotations

from decimal import Decimal

import minimal
import pytest
from conftest import with_stock_sheet

from toolkit.basics.money import AmbiguousNumber, NotANumber, to_decimal
from toolkit.intake.validation import check


@pytest.mark.parametrize("text,number", [
    ("1.234,50", "1234.50"), ("1,234.50", "1234.50"), ("1.234.567,8", "1234567.8"), ("1,234,567.8", "1234567.8"),
    ("1.234.567", "1234567"), ("12,50", "12.50"), ("12.50", "12.50"), ("0.125", "0.125"), ("1234.500", "1234.500"),
    ("€ 1.234,56", "1234.56"), ("-1,234.5", "-1234.5"),
    ("10\u00a0000", "10000"), ("2\u202f500,00", "2500.00"), (" 3\u2009000 ", "3000"), ("1\u2007234,5", "1234.5"),
    ("1’234.50", "1234.50"), ("1'234.50", "1234.50"),
])
def test_a_text_number_with_one_reading_is_read_so(text, number):
    assert to_decimal(text) == Decimal(number)


@pytest.mark.parametrize("text", ["1.500", "-2.000", "999.999"])
def test_a_dot_before_three_digits_is_ambiguous(text):
    with pytest.raises(AmbiguousNumber):
        to_decimal(text)


@pytest.mark.parametrize("text", ["12,34.5", "1.23,5", "1,2345.6", "1.2.3"])
def test_thousands_marks_not_grouping_by_three_are_not_a_number(text):
    with pytest.raises(NotANumber):
        to_decimal(text)


def test_the_check_reads_an_english_price_in_a_text_cell_as_written():
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Prezzi", "E2", "1,234.50")
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master is not None and result.master.prices[0].standard_price == Decimal("1234.50")


def test_the_check_refuses_an_ambiguous_quantity_at_its_cell_with_both_ways_to_write_it():
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Righe modello", "C2", "1.500")
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Righe modello", "C2", "ambiguous-number")]
    assert "1500" in problems[0].message("it") and "1,5" in problems[0].message("it")


def test_an_ambiguous_number_is_told_with_its_own_two_readings():
    """A desk typing its stock as 1.000 was told of fifteen hundred and one and a half."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Righe modello", "C2", "1.000")
    [problem] = check(minimal.workbook(sheets)).problems
    assert (problem.cell, problem.code) == ("C2", "ambiguous-number")
    assert problem.message("it") == ("«1.000» si legge in due modi: 1000 se il punto separa le migliaia, 1 se separa "
                                     "i decimali. Scrivi il numero che intendi senza punto: 1000 o 1.")
    assert problem.message("en").endswith("Write the number you mean without the dot: 1000 or 1.")
