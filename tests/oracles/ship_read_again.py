"""The day's shipping as it was before it took what it read in its transaction for what it
read (`tests/test_shipping_read_once.py` compares): the due orders given their lines by
`dataclasses.replace`, and every order passed looked at for completion, not only those the
drafts ship from. (The open check before is `toolkit.ledger.deliveries._check_open`, which
`store_drafts` still runs for any caller that does not vouch for its orders.)"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from sqlalchemy import Connection, func, select

from toolkit.core.orders import Order, OrderLine, OrderStatus
from toolkit.core.shipping import ShipmentDraft
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.orders import set_statuses
from toolkit.ledger.types import ScaledValues, stored_integer

ol, il = schema.order_lines.c, schema.invoice_lines.c
ZERO = Decimal(0)


def with_lines(conn: Connection, orders: Sequence[Order]) -> list[Order]:
    lines: dict[int, list[OrderLine]] = {order.id: [] for order in orders}
    invoiced = select(func.sum(stored_integer(il.quantity))).where(il.order_line_id == ol.id).scalar_subquery()
    quantities, prices, amounts, rates = map(ScaledValues.of, (ol.quantity, ol.unit_price, ol.amount, ol.vat_rate))
    ids = list(lines)
    for chunk in in_batches(ids):
        rows = conn.execute(
            select(ol.order_id, ol.item, ol.description, ol.unit,
                   *(stored_integer(c) for c in (ol.quantity, ol.unit_price, ol.amount, ol.vat_rate)),
                   ol.vat_nature, ol.id, ol.line_no, ol.note, ol.price_rule, stored_integer(ol.shipped), invoiced)
            .where(ol.order_id.in_(chunk)).order_by(ol.order_id, ol.line_no))
        for (order_id, item, description, unit, quantity, unit_price, amount, vat_rate, vat_nature, line_id, line_no,
             note, price_rule, sent, billed) in rows:
            lines[order_id].append(OrderLine(
                item, description, unit, quantities[quantity], prices[unit_price], amounts[amount], rates[vat_rate],
                vat_nature, line_id, line_no, note, ZERO if not sent else quantities[sent],
                ZERO if billed is None else quantities[billed], price_rule))
    return [replace(order, lines=tuple(lines[order.id])) for order in orders]


def complete_orders(conn: Connection, orders: Sequence[Order], drafts: Sequence[ShipmentDraft]) -> list[str]:
    shipping: dict[int, Decimal] = defaultdict(Decimal)
    for draft in drafts:
        for line in draft.lines:
            shipping[line.order_line_id] += line.quantity
    done = [order for order in orders
            if order.status is OrderStatus.IN_PROGRESS and any(line.id in shipping for line in order.lines)
            and all(line.to_ship == shipping.get(line.id, 0) for line in order.lines)]
    set_statuses(conn, done, OrderStatus.COMPLETED, "completed")
    return [order.number for order in done]
