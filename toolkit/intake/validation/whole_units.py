"""A quantity with decimals of an item counted whole (pieces, cartons, packs, bottles): 1,5 «pz»
on a template line is ordered every time as typed, and in *Giacenze* is stock shipping counts
as it is, where the desk meant 15, or 1 and 5 of another. Warned at the quantity's cell; an item
sold by fractions is given a unit that has them (kg, l, m). An order form's lines are warned
when the form is priced (`toolkit.core.forms.price_form`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import compress
from typing import Any

from toolkit.basics.problems import Problem
from toolkit.core.units import FRACTION_OF_WHOLE_UNIT, counted_whole
from toolkit.intake.validation.layout import Layout
from toolkit.intake.validation.records import column, distinct
from toolkit.model.records import MasterData


def whole_units(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """Each template line, and each stock row, with a fraction of an item counted whole."""
    yield from _fractions_of_whole(master, layout, master.template_lines)
    yield from _fractions_of_whole(master, layout, master.stock or ())


def _fractions_of_whole(master: MasterData, layout: Layout, rows: Sequence[Any]) -> Iterator[Problem]:
    """Asked of the rows' distinct quantities first, then, in C, of the rows holding a fraction
    alone (at L, kg items' halves among 200,000 lines), and of each distinct unit once."""
    fractions = {q for q in distinct(rows, "quantity") if q != q.to_integral_value()}
    if not fractions:
        return
    quantities, items = column(rows, "quantity"), column(rows, "item")
    flagged = list(compress(range(len(quantities)), map(fractions.__contains__, quantities)))
    whole_units = {unit for unit in distinct(master.items, "unit") if counted_whole(unit)}
    whole = {code: unit for code, unit in zip(column(master.items, "code"), column(master.items, "unit"))
             if unit in whole_units}
    for i in flagged:
        if (item := items[i]) in whole:
            row = rows[i]
            yield FRACTION_OF_WHOLE_UNIT(layout.locate(row.source.sheet, row.source.row, "quantity"),
                                         quantity=quantities[i], item=item, unit=whole[item])
