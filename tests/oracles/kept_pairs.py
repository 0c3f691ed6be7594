"""The kept pairs of integers summed as `toolkit.ledger.unshipped.recount` and
`toolkit.ledger.uninvoiced.recount` summed them before the row-value SET: one correlated
subquery per column, each finding the same lines under the same condition. The reference
`tests/test_kept_pairs.py` compares the one-subquery update with.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, func, select, update

from toolkit.ledger import schema, uninvoiced, unshipped
from toolkit.ledger.types import stored_integer

o, ol, d, dl = schema.orders.c, schema.order_lines.c, schema.deliveries.c, schema.delivery_lines.c


def recount_orders(conn: Connection, order_ids: Collection[int]) -> None:
    """Each order's value still to ship, summed into its two columns by a subquery each."""
    def summed(part: Any) -> Any:
        return (select(func.coalesce(func.sum(schema.left_to_ship * part), 0))
                .where(ol.order_id == o.id, ~unshipped.invoiced_at_order(ol.id)).scalar_subquery())

    price = stored_integer(ol.unit_price)
    conn.execute(update(schema.orders).where(o.id.in_(sorted(order_ids))).values(
        unshipped_euros=summed(price // unshipped.EURO), unshipped_micros=summed(price % unshipped.EURO)))


def recount_deliveries(conn: Connection, delivery_ids: Collection[int]) -> None:
    """Each DDT's value not yet invoiced, summed into its two columns by a subquery each."""
    def summed(part: Any) -> Any:
        return (select(func.coalesce(func.sum(stored_integer(dl.quantity) * part), 0))
                .select_from(schema.delivery_lines.join(schema.order_lines, ol.id == dl.order_line_id))
                .where(dl.delivery_id == d.id, uninvoiced._not_invoiced()).scalar_subquery())

    price = stored_integer(ol.unit_price)
    conn.execute(update(schema.deliveries).where(d.id.in_(sorted(delivery_ids))).values(
        uninvoiced_euros=summed(price // unshipped.EURO), uninvoiced_micros=summed(price % unshipped.EURO)))
