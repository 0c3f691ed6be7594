"""A list's row heights measured a column at a time (`ColumnHeights`) are the heights
`row_height` gives each row: texts short and long, on several lines, numbers, dates, blanks."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from toolkit.writers.row_heights import ColumnHeights, row_height

WORDS = ["Via", "Roma", "Caffè", "in", "grani", "1", "kg", "Trasporti", "Rossi", "S.r.l.", "supercalifragilistico",
         "€", "W", "MMMM", "il"]


@pytest.mark.parametrize("seed", range(4))
def test_each_rows_height_is_row_heights_answer(seed):
    rng = random.Random(seed)
    widths = [9, 20, 9, 28, 30, 15, 6, 10]

    def value():
        kind = rng.random()
        if kind < 0.5:
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 14)))
            return text.replace(" ", "\n", 1) if rng.random() < 0.1 else text
        return rng.choice([None, Decimal("12.500"), 3.5, 7, date(2026, 4, 9), ""])

    rows = [[value() for _ in widths] for _ in range(400)]
    assert ColumnHeights(widths).of(rows) == [row_height(zip(row, widths)) for row in rows]
    assert ColumnHeights(widths, bold=True, size=12).of(rows) == [
        row_height(zip(row, widths), bold=True, size=12) for row in rows]
    assert ColumnHeights(widths).of([]) == []


def test_rows_measured_in_blocks_are_each_given_its_height():
    widths = [10, 4]
    rows = [[f"riga {n} " * (n % 5), n] for n in range(10)]
    assert list(ColumnHeights(widths).rows(iter(rows), at_once=3)) == [
        (row, row_height(zip(row, widths))) for row in rows]


@pytest.mark.parametrize("widths", [[8], [], [8, 30, 6]], ids=["one column", "no column", "rows of unequal length"])
def test_any_number_of_columns_and_rows_of_any_length_are_measured_as_row_height_does(widths):
    """A list of one column was refused (`max` of one number), and a block's cells past its
    shortest row were not measured at all."""
    rows = [["uno due tre quattro cinque sei sette otto", None, "a"], ["breve"],
            ["x", "y", "Caffè in grani 1 kg supercalifragilistico espiralidoso", "z"]]
    assert ColumnHeights(widths).of(rows) == [row_height(zip(row, widths)) for row in rows]
