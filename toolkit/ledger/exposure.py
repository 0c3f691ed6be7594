"""What a customer owes and has on order: the figures a sales assistant checks before confirming
an order or loading a van (the Openbravo seed's CRM and credit-limit points)."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select, true

from toolkit.basics.money import cents
from toolkit.core.exposure import Exposure
from toolkit.ledger import schema
from toolkit.ledger.batches import IN_LIST
from toolkit.ledger.types import places_of, stored_integer

ZERO = Decimal(0)
OPEN_STATUSES = ("in-progress",)
ALL_AT_ONCE = IN_LIST
"""From how many customers their figures are summed for every customer in one pass."""


def exposures(conn: Connection, customers: Collection[str]) -> dict[str, Exposure]:
    """Each customer's figures, summed by the database: shipping a month asks for them daily,
    and bringing every open line back to multiply it here was a third of the shipping time."""
    wanted = list(customers)
    if not wanted:
        return {}
    o, ol = schema.orders.c, schema.order_lines.c
    asked = _asked(wanted)
    latest = (select(o.customer, func.max(o.order_date).label("day"))
              .where(_among(o.customer, asked), o.status != "voided").group_by(o.customer).subquery())
    rows = conn.execute(
        select(o.customer, o.order_date, func.sum(ol.amount))
        .join(latest, (latest.c.customer == o.customer) & (latest.c.day == o.order_date))
        .join(schema.order_lines, ol.order_id == o.id)
        .where(o.status != "voided").group_by(o.customer, o.order_date))
    last = {customer: (day, amount) for customer, day, amount in rows}
    unshipped = _unshipped(conn, asked)
    outstanding = _outstanding(conn, asked)
    return {
        c: Exposure(c, *last.get(c, (None, ZERO)), cents(unshipped.get(c, ZERO)), outstanding.get(c, ZERO))
        for c in wanted
    }


def _asked(wanted: list[str]) -> list[str] | None:
    """The customers to filter on, or None (every customer) when they are many: a day's
    shipping at L asks for thousands, and summing every customer's figures in one pass costs
    less than a long IN list, or one pass per chunk of them (SQLite's bound parameters are
    limited)."""
    return None if len(wanted) > ALL_AT_ONCE else wanted


def _among(column: ColumnElement[Any], customers: list[str] | None) -> ColumnElement[bool]:
    """The rows of these customers; every row when `customers` is None."""
    return true() if customers is None else column.in_(customers)


def _unshipped(conn: Connection, customers: list[str] | None) -> dict[str, Decimal]:
    """Σ (ordered − shipped) × unit price over the open order lines, exact: the ledger keeps
    quantities and prices as scaled integers, so their products add up as integers.

    A quantity in thousandths times a price in millionths passes a 64-bit integer from 9.2
    billion euros on, where SQLite turns it into a float (a hundred lines at the limits came out
    16 cents off), so each price is split into its whole euros and its millionths, and the two
    products are summed apart: each at most 10^15 a line within `toolkit.basics.limits`,
    thousands of lines before the limit."""
    o, ol, dl = schema.orders.c, schema.order_lines.c, schema.delivery_lines.c
    open_lines = (select(ol.id, o.customer, ol.quantity, ol.unit_price).join(schema.orders, o.id == ol.order_id)
                  .where(_among(o.customer, customers), o.status.in_(OPEN_STATUSES)).subquery())
    shipped = (select(dl.order_line_id, func.sum(dl.quantity).label("quantity"))
               .where(dl.order_line_id.in_(select(open_lines.c.id))).group_by(dl.order_line_id).subquery())
    left = stored_integer(open_lines.c.quantity) - func.coalesce(stored_integer(shipped.c.quantity), 0)
    price, unit = stored_integer(open_lines.c.unit_price), 10 ** places_of(ol.unit_price)
    euros, millionths = func.sum(left * (price // unit)), func.sum(left * (price % unit))
    places = places_of(ol.quantity) + places_of(ol.unit_price)
    rows = conn.execute(select(open_lines.c.customer, euros, millionths)
                        .outerjoin(shipped, shipped.c.order_line_id == open_lines.c.id).group_by(open_lines.c.customer))
    return {customer: (Decimal(whole) * unit + Decimal(part)).scaleb(-places) for customer, whole, part in rows}


def _outstanding(conn: Connection, customers: list[str] | None) -> dict[str, Decimal]:
    i, p = schema.invoices.c, schema.payments.c
    invoiced = dict(conn.execute(
        select(i.customer, func.sum(i.total)).where(_among(i.customer, customers), i.status == "final")
        .group_by(i.customer)).all())
    paid = dict(conn.execute(
        select(i.customer, func.sum(p.amount)).join(schema.invoices, i.id == p.invoice_id)
        .where(_among(i.customer, customers), i.status == "final").group_by(i.customer)).all())
    return {c: invoiced[c] - (paid.get(c) or ZERO) for c in invoiced}
