"""The VAT rates the ledger's DDTs carried for items no longer on *Articoli*.

A line beyond a letter of intent's ceiling is invoiced at its item's own rate
(`toolkit.core.intent_ceiling`); an item taken off *Articoli* has none there, but its DDTs to
customers paying VAT carried the rate of their day (`toolkit.core.delivery_rate` rates each line
for its DDT's date), which the ledger keeps on their order lines. Which of them tells the
item's rate is the core's rule (`intent_ceiling.rates_carried`); this module reads them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import Connection, exists, select

from toolkit.core.intent_ceiling import Carried
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches

d, dl, ol, il = schema.deliveries.c, schema.delivery_lines.c, schema.order_lines.c, schema.invoice_lines.c


def rates_delivered(conn: Connection, items: Collection[str], last: date) -> list[Carried]:
    """The distinct rates the DDT lines of these items to customers paying VAT (no nature)
    carried on each day up to `last`, each said a sale or a return, invoiced at the order or
    not. A voided DDT's lines are no longer DDT lines (`schema.voided_lines`). One read."""
    at_order = exists().where(il.order_line_id == ol.id, il.delivery_line_id.is_(None))
    return [Carried(item, day, rate, bool(sold), bool(ordered)) for chunk in in_batches(sorted(items))
            for item, day, rate, sold, ordered in conn.execute(
                select(ol.item, d.delivery_date, ol.vat_rate, (dl.quantity > 0).label("sold"),
                       at_order.label("at_order")).distinct()
                .join(schema.delivery_lines, dl.order_line_id == ol.id)
                .join(schema.deliveries, d.id == dl.delivery_id)
                .where(ol.item.in_(chunk), ol.vat_nature.is_(None), d.delivery_date <= last))]
