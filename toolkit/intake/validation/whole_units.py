"""A template line's quantity with decimals of an item counted whole (pieces, cartons, packs,
bottles): 1,5 «pz» is taken as typed and ordered every time, where the desk meant 15, or 1 and
5 of another. Warned at the quantity's cell; an item sold by fractions is given a unit that has
them (kg, l, m)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import compress

from toolkit.basics.problems import Problem, define
from toolkit.core.units import counted_whole
from toolkit.intake.validation.layout import Layout
from toolkit.intake.validation.records import column, distinct
from toolkit.model.records import MasterData

FRACTION_OF_WHOLE_UNIT = define(
    "quantity-fraction-of-whole-unit", "warning",
    title=("Quantità con decimali di un articolo che si conta a unità intere",
           "Quantity with decimals of an item counted whole"),
    it="La quantità {quantity} di {item} ha decimali, ma {item} si conta in «{unit}», a unità intere: gli ordini "
       "la prenderebbero così com'è. Scrivi la quantità intera che intendi; se l'articolo si vende davvero a "
       "frazioni, dagli nel foglio Articoli un'unità di misura che le ha (es. kg).",
    en="Quantity {quantity} of {item} has decimals, but {item} is counted in “{unit}”, in whole units: the orders "
       "would take it as it is. Write the whole quantity you mean; if the item really sells by fractions, give it "
       "a unit of measure that has them on the Items sheet (e.g. kg).")


def whole_units(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """Each template line with a fraction of an item counted whole. Asked of the lines' distinct
    quantities first, then, in C, of the lines holding a fraction alone (at L, kg items' halves
    among 200,000 lines), and of each distinct unit once."""
    lines = master.template_lines
    fractions = {q for q in distinct(lines, "quantity") if q != q.to_integral_value()}
    if not fractions:
        return
    quantities, items = column(lines, "quantity"), column(lines, "item")
    flagged = list(compress(range(len(quantities)), map(fractions.__contains__, quantities)))
    whole_units = {unit for unit in distinct(master.items, "unit") if counted_whole(unit)}
    whole = {code: unit for code, unit in zip(column(master.items, "code"), column(master.items, "unit"))
             if unit in whole_units}
    for i in flagged:
        if (item := items[i]) in whole:
            line = lines[i]
            yield FRACTION_OF_WHOLE_UNIT(layout.locate(line.source.sheet, line.source.row, "quantity"),
                                         quantity=quantities[i], item=item, unit=whole[item])
