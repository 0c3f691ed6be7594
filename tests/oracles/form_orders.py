"""The orders a folder of order forms should make, computed one form after the other in one
process: read, skip a form already met (same bytes), price against the master data. The
reference `toolkit convert --to orders` is compared with, now that it prices in its workers
and stores each order's marks in its insert."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from toolkit.core.forms import price_form
from toolkit.intake.mapping import FormMap
from toolkit.intake.reshape import read_form
from toolkit.intake.tables import digest, read_tables
from toolkit.model.records import MasterData


def expected_orders(paths: Sequence[Path], master: MasterData, spec: FormMap) -> dict[str, tuple | None]:
    """File name → (customer, date, reference, lines as (item, quantity, unit price, amount,
    VAT rate, rule)) for each form that makes an order, None for one that cannot; a second copy
    of a form is left out (it makes nothing)."""
    made: dict[str, tuple | None] = {}
    seen: set[str] = set()
    for path in sorted(paths):
        key = digest(path)
        if key in seen:
            continue
        seen.add(key)
        form, problems = read_form(read_tables(path), spec, key)
        draft = price_form(master, form)[0] if form is not None and not problems else None
        made[path.name] = None if draft is None else (
            draft.customer, draft.occurrence, draft.customer_reference,
            tuple((x.item, x.quantity, x.unit_price, x.amount, x.vat_rate, x.price_rule) for x in draft.lines))
    return made
