"""Exposures summed over every customer in one pass, then the asked ones kept: what
`toolkit.ledger.exposure.exposures` did for more than `IN_LIST` customers before it summed
only the customers asked about. The restricted sums must give exactly these figures."""

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
    open_lines = (select(ol.id, o.customer, ol.quantity, ol.unit_price).join(schema.orders, o.id == ol.order_id)
                  .where(o.status.in_(OPEN_STATUSES)).subquery())
    shipped = (select(dl.order_line_id, func.sum(dl.quantity).label("quantity"))
               .where(dl.order_line_id.in_(select(open_lines.c.id))).group_by(dl.order_line_id).subquery())
    left = stored_integer(open_lines.c.quantity) - func.coalesce(stored_integer(shipped.c.quantity), 0)
    price, unit = stored_integer(open_lines.c.unit_price), 10 ** places_of(ol.unit_price)
    places = places_of(ol.quantity) + places_of(ol.unit_price)
    unshipped = {c: (Decimal(whole) * unit + Decimal(part)).scaleb(-places) for c, whole, part in conn.execute(
        select(open_lines.c.customer, func.sum(left * (price // unit)), func.sum(left * (price % unit)))
        .outerjoin(shipped, shipped.c.order_line_id == open_lines.c.id).group_by(open_lines.c.customer))}
    invoiced = dict(conn.execute(select(i.customer, func.sum(i.total)).where(i.status == "final")
                                 .group_by(i.customer)).all())
    paid = dict(conn.execute(select(i.customer, func.sum(p.amount)).join(schema.invoices, i.id == p.invoice_id)
                             .where(i.status == "final").group_by(i.customer)).all())
    outstanding = {c: invoiced[c] - (paid.get(c) or ZERO) for c in invoiced}
    return {c: Exposure(c, *last.get(c, (None, ZERO)), cents(unshipped.get(c, ZERO)), outstanding.get(c, ZERO))
            for c in wanted}
