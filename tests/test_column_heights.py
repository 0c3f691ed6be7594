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


def test_texts_at_the_edge_of_their_column_are_measured_as_row_height_does():
    """A text of one paragraph that fits by its width alone is one line without `lines_needed`
    (`_Lines`): at every length across the column's edge, wide and narrow letters, spaces, a
    line break, the answer is `row_height`'s."""
    widths = [6, 9, 15, 30]
    texts = [letter * n for letter in "iM0 W–" for n in range(1, 40)]
    texts += [f"OC-2026-{n:05d}" for n in range(30)] + ["a" * n + " " + "b" * n for n in range(12)]
    texts += [t[:3] + "\n" + t[3:] for t in texts[::7]]
    rows = [[t] * len(widths) for t in texts]
    assert ColumnHeights(widths).of(rows) == [row_height(zip(row, widths)) for row in rows]
    assert ColumnHeights(widths, bold=True, size=9).of(rows) == [
        row_height(zip(row, widths), bold=True, size=9) for row in rows]


def test_only_the_columns_asked_are_measured():
    """`at`: the panel measures each line's description alone, whatever its other cells hold."""
    rows = [("OC-2026-00001", "A001", "Caffè in grani supercalifragilistico " * n, "kg", Decimal(n))
            for n in range(6)]
    assert ColumnHeights([36], at=[2]).of(rows) == [row_height([(row[2], 36)]) for row in rows]
    assert ColumnHeights([9, 36], at=[0, 2]).of(rows) == [row_height([(row[0], 9), (row[2], 36)]) for row in rows]


def test_a_lists_rows_measured_on_their_wrapped_columns_take_the_heights_of_every_column_measured(tmp_path):
    """`lists._wrapped_heights`: a list's rows measured on the columns whose format wraps only
    are as tall as measured on every column, its quantities and dates one line however narrow
    their column (a 3-wide one here)."""
    from xlsxwriter import Workbook

    from toolkit.writers.lists import _wrapped_heights
    from toolkit.writers.printable import formats

    rng = random.Random(7)
    book = Workbook(str(tmp_path / "l.xlsx"))
    fmt = formats(book)
    columns = [fmt.wrap, fmt.wrap, fmt.date, fmt.wrap, fmt.quantity, fmt.quantity]
    widths = [9, 20, 3, 28, 3, 3]
    rows = [[" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 9))), rng.choice(WORDS + [None]),
             date(2026, 4, rng.randint(1, 30)), " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 20))),
             Decimal(rng.randint(-10**6, 10**6)) / 1000, rng.choice([None, Decimal("12.500"), 0])]
            for _ in range(400)]
    heights = _wrapped_heights(columns, widths).of(rows)
    assert heights == ColumnHeights(widths).of(rows) == [row_height(zip(row, widths)) for row in rows]
    assert {h for h in heights} >= {None, 30.0, 45.0}
    book.close()
