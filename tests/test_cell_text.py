"""A whole number typed in a text cell reads as typed: Excel keeps every number as a float, and
the panel's *Motivo annullo DDT* (B21) typed 12 read «12.0», a quantities file's bare order
number 41 read «41.0». One reader, `toolkit.basics.cell_text`, serves every text cell."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from toolkit.basics.cell_text import cell_text


@pytest.mark.parametrize(("value", "text"), [
    (12.0, "12"), (41, "41"), (-3.0, "-3"), (2.5, "2.5"), (12345678901.0, "12345678901"),
    ("  Il camion non è partito ", "Il camion non è partito"), ("12.0", "12.0"), (None, ""),
    (Decimal("7"), "7"), (date(2026, 4, 9), "09/04/2026"), (datetime(2026, 4, 9, 0, 0), "09/04/2026"),
])
def test_a_cell_reads_as_the_desk_typed_it(value, text):
    assert cell_text(value) == text


def test_the_panels_void_reason_typed_as_a_number_reads_as_typed():
    from toolkit.excel import inputs

    found: list = []
    assert inputs.void_reason(inputs.DDT_REASON, 12.0, found) == "12" and found == []
    assert inputs.text(inputs.DDT, 41.0, found) == "41" and found == []


def test_a_quantities_files_bare_order_number_reads_as_typed():
    from toolkit.intake.quantities import quantity_rows

    chosen, problems = quantity_rows("q.xlsx", "Foglio1", [["Ordine", "Riga", "Quantità"], [41.0, 2.0, 3.0]])
    assert problems == [] and [(row.order, row.line) for row in chosen] == [("41", "2")]
