"""Exposures summed over every customer in one pass, then the asked ones kept: what
`toolkit.ledger.exposure.exposures` did for more than `IN_LIST` customers before it summed
only the customers asked about. The restricted sums must give exactly these figures.

What is still to ship and what is shipped and not invoiced are summed here over the lines, the
way the orders and DDTs keep them summed (`toolkit.ledger.unshipped`, `uninvoiced`): a line on
a final invoice (its DDT line cited, or its order line invoiced at the order) counts in the open
invoices only."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from sqlalchemy import Connection, func, select

from toolkit.basics.money import cents
from toolkit.core.exposure import Exposure
from toolkit.ledger import schema
from toolkit.ledger.exposure import OPEN_STATUSES
from toolkit.ledger.types import places_of, stored_integer

ZERO = Decimal(0)


def exposures(conn: Connection, customers: Collection[str]) -> dict[str, Exposure]:
    wanted = list(customers)
    o, ol, dl, i, p = (schema.orders.c, schema.order_lines.c, schema.delivery_lines.c, schema.invoices.c,
                       schema.payments.c)
    latest = (select(o.customer, func.max(o.order_date).label("day"))
              .where(o.status != "voided").group_by(o.customer).subquery())
    last = {c: (day, amount) for c, day, amount in conn.execute(
        select(o.customer, o.order_date, func.sum(ol.amount))
        .join(latest, (latest.c.customer == o.customer) & (latest.c.day == o.order_date))
        .join(schema.order_lines, ol.order_id == o.id)
        .where(o.status != "voided").group_by(o.customer, o.order_date))}
    il = schema.invoice_lines.c
    final = select(i.id).where(i.status == "final")
    at_order = select(il.order_line_id).where(il.delivery_line_id.is_(None), il.order_line_id.is_not(None),
                                             il.invoice_id.in_(final))
    open_lines = (select(ol.id, o.customer, ol.quantity, ol.unit_price).join(schema.orders, o.id == ol.order_id)
                  .where(o.status.in_(OPEN_STATUSES), ol.id.not_in(at_order)).subquery())
    shipped = (select(dl.order_line_id, func.sum(dl.quantity).label("quantity"))
               .where(dl.order_line_id.in_(select(open_lines.c.id))).group_by(dl.order_line_id).subquery())
    left = stored_integer(open_lines.c.quantity) - func.coalesce(stored_integer(shipped.c.quantity), 0)
    price, unit = stored_integer(open_lines.c.unit_price), 10 ** places_of(ol.unit_price)
    places = places_of(ol.quantity) + places_of(ol.unit_price)
    unshipped = {c: (Decimal(whole) * unit + Decimal(part)).scaleb(-places) for c, whole, part in conn.execute(
        select(open_lines.c.customer, func.sum(left * (price // unit)), func.sum(left * (price % unit)))
        .outerjoin(shipped, shipped.c.order_line_id == open_lines.c.id).group_by(open_lines.c.customer))}
    covered = {line for (line,) in conn.execute(select(il.delivery_line_id).where(
        il.delivery_line_id.is_not(None), il.invoice_id.in_(final)))}
    prepaid = {line for (line,) in conn.execute(at_order)}
    uninvoiced: dict[str, Decimal] = {}
    for line, customer, quantity, price, order_line in conn.execute(
            select(dl.id, schema.deliveries.c.customer, dl.quantity, ol.unit_price, ol.id)
            .join(schema.deliveries, schema.deliveries.c.id == dl.delivery_id)
            .join(schema.order_lines, ol.id == dl.order_line_id)):
        if line not in covered and order_line not in prepaid:
            uninvoiced[customer] = uninvoiced.get(customer, ZERO) + quantity * price
    invoiced = dict(conn.execute(select(i.customer, func.sum(i.total)).where(i.status == "final")
                                 .group_by(i.customer)).all())
    paid = dict(conn.execute(select(i.customer, func.sum(p.amount)).join(schema.invoices, i.id == p.invoice_id)
                             .where(i.status == "final").group_by(i.customer)).all())
    outstanding = {c: invoiced[c] - (paid.get(c) or ZERO) for c in invoiced}
    return {c: Exposure(c, *last.get(c, (None, ZERO)), cents(unshipped.get(c, ZERO)), outstanding.get(c, ZERO),
                        cents(uninvoiced.get(c, ZERO)))
            for c in wanted}
