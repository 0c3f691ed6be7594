"""What a due order's quantity reads as in a plan: its total in its one unit ("12 kg"), or its
number of lines ("6 righe") when they are in different units, since cartons, pieces and packs
added up (33 for six lines of T008) mean nothing. The calendar's grid and its terminal listing
say the same."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from toolkit.basics.labels import define, labeller
from toolkit.basics.wording import quantity
from toolkit.core.plan import Due
from toolkit.model.memo import per_master
from toolkit.model.records import MasterData

define({"calendar.lines": ("righe", "lines")})


@per_master
def item_units(master: MasterData) -> dict[str, str]:
    """Each item's unit of measure by code: what `due_quantity` compares an order's lines by."""
    return {item.code: item.unit for item in master.items}


def due_quantity(due: Due, units: Mapping[str, str]) -> tuple[Decimal | int, str | None]:
    """The order's quantity and their unit when all its lines share one (an item the master
    does not know counts as a unit of its own, ""), else its number of lines and None."""
    shared = {units.get(line.item, "") for line in due.lines}
    if len(shared) > 1:
        return len(due.lines), None
    return due.total_quantity, next(iter(shared), "")


def shown(value: Decimal | int, unit: str | None, lang: str) -> str:
    """`due_quantity` as text with its unit, in the reader's decimals: "12,5 kg", "6 righe"
    (never one line: lines in different units are two at least).

    >>> shown(Decimal("12.500"), "kg", "it"), shown(Decimal("12.5"), "kg", "en"), shown(6, None, "it")
    ('12,5 kg', '12.5 kg', '6 righe')
    """
    suffix = labeller(lang)("calendar.lines") if unit is None else unit
    return f"{quantity(value, lang)} {suffix}".rstrip()
