"""The VAT rate the ledger's DDTs carried for items no longer on *Articoli*.

A line beyond a letter of intent's ceiling is invoiced at its item's own rate
(`toolkit.core.intent_ceiling`); an item taken off *Articoli* has none there, but its DDTs to
customers paying VAT carried the rate of their day (`toolkit.core.delivery_rate` rates each line
for its DDT's date), which the ledger keeps on their order lines.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, select

from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches

d, dl, ol = schema.deliveries.c, schema.delivery_lines.c, schema.order_lines.c


def rates_delivered(conn: Connection, wanted: Collection[tuple[str, date]]) -> dict[tuple[str, date], Decimal]:
    """(item, day) → the VAT rate of the item's latest DDT line to a customer paying VAT (no
    nature) delivered on that day or before it; missing when the ledger has none. One read of
    those items' distinct days and rates."""
    if not wanted:
        return {}
    last = max(day for _, day in wanted)
    rows = [row for chunk in in_batches(sorted({item for item, _ in wanted}))
            for row in conn.execute(select(ol.item, d.delivery_date, ol.vat_rate).distinct()
                                    .join(schema.delivery_lines, dl.order_line_id == ol.id)
                                    .join(schema.deliveries, d.id == dl.delivery_id)
                                    .where(ol.item.in_(chunk), ol.vat_nature.is_(None), d.delivery_date <= last))]
    found: dict[tuple[str, date], Decimal] = {}
    for item, day in wanted:
        days = [(delivered, rate) for code, delivered, rate in rows if code == item and delivered <= day]
        if days:
            found[(item, day)] = max(days, key=lambda x: (x[0], x[1]))[1]
    return found
