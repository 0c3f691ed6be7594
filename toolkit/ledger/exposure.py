"""What a customer owes and has on order: the figures a sales assistant checks before confirming
an order or loading a van (the Openbravo seed's CRM and credit-limit points)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Connection, func, select

from toolkit.basics.money import cents
from toolkit.core.exposure import Exposure
from toolkit.ledger import schema
from toolkit.ledger.batches import IN_LIST, in_batches
from toolkit.ledger.types import places_of, stored_integer

ZERO = Decimal(0)
OPEN_STATUSES = ("in-progress",)
BATCH = IN_LIST
"""Customers summed in one pass of the queries."""


def exposures(conn: Connection, customers: Collection[str]) -> dict[str, Exposure]:
    """Each customer's figures, summed by the database: shipping a month asks for them daily,
    and bringing every open line back to multiply it here was a third of the shipping time.

    Only the customers asked about are summed, a batch of them at a time: a day's 3,000
    customers out of 10,000 cost less through the customer index than every customer's
    figures summed in one pass and most of them thrown away."""
    wanted = list(customers)
    last: dict[str, tuple[date | None, Decimal]] = {}
    unshipped: dict[str, Decimal] = {}
    outstanding: dict[str, Decimal] = {}
    for batch in in_batches(sorted(set(wanted)), BATCH):
        asked = list(batch)
        last.update(_last_orders(conn, asked))
        unshipped.update(_unshipped(conn, asked))
        outstanding.update(_outstanding(conn, asked))
    return {
        c: Exposure(c, *last.get(c, (None, ZERO)), cents(unshipped.get(c, ZERO)), outstanding.get(c, ZERO))
        for c in wanted
    }


def _last_orders(conn: Connection, customers: list[str]) -> dict[str, tuple[date | None, Decimal]]:
    """Each customer's latest order date and the amount ordered that day (voided orders aside)."""
    o, ol = schema.orders.c, schema.order_lines.c
    latest = (select(o.customer, func.max(o.order_date).label("day"))
              .where(o.customer.in_(customers), o.status != "voided").group_by(o.customer).subquery())
    rows = conn.execute(
        select(o.customer, o.order_date, func.sum(ol.amount))
        .join(latest, (latest.c.customer == o.customer) & (latest.c.day == o.order_date))
        .join(schema.order_lines, ol.order_id == o.id)
        .where(o.status != "voided").group_by(o.customer, o.order_date))
    return {customer: (day, amount) for customer, day, amount in rows}


def _unshipped(conn: Connection, customers: list[str]) -> dict[str, Decimal]:
    """Σ (ordered − shipped) × unit price over the open order lines, exact: the ledger keeps
    quantities and prices as scaled integers, so their products add up as integers.

    A quantity in thousandths times a price in millionths passes a 64-bit integer from 9.2
    billion euros on, where SQLite turns it into a float (a hundred lines at the limits came out
    16 cents off), so each price is split into its whole euros and its millionths, and the two
    products are summed apart: each at most 10^15 a line within `toolkit.basics.limits`,
    thousands of lines before the limit."""
    o, ol, dl = schema.orders.c, schema.order_lines.c, schema.delivery_lines.c
    shipped = (select(func.sum(stored_integer(dl.quantity))).where(dl.order_line_id == ol.id)
               .correlate(schema.order_lines).scalar_subquery())
    left = stored_integer(ol.quantity) - func.coalesce(shipped, 0)
    price, unit = stored_integer(ol.unit_price), 10 ** places_of(ol.unit_price)
    euros, millionths = func.sum(left * (price // unit)), func.sum(left * (price % unit))
    places = places_of(ol.quantity) + places_of(ol.unit_price)
    rows = conn.execute(select(o.customer, euros, millionths).join(schema.order_lines, ol.order_id == o.id)
                        .where(o.customer.in_(customers), _unindexed(o.status).in_(OPEN_STATUSES))
                        .group_by(o.customer))
    return {customer: (Decimal(whole) * unit + Decimal(part)).scaleb(-places) for customer, whole, part in rows}


def _unindexed(column: ColumnElement[str]) -> ColumnElement[str]:
    """A text column's value as an expression no index answers: SQLite, without statistics,
    would read the orders through the status index (most of a month's orders are open) and
    test the customer of each, where the customer index reads only the asked customers' orders."""
    return func.coalesce(column, "")


def _outstanding(conn: Connection, customers: list[str]) -> dict[str, Decimal]:
    i, p = schema.invoices.c, schema.payments.c
    invoiced = dict(conn.execute(
        select(i.customer, func.sum(i.total)).where(i.customer.in_(customers), i.status == "final")
        .group_by(i.customer)).all())
    paid = dict(conn.execute(
        select(i.customer, func.sum(p.amount)).join(schema.invoices, i.id == p.invoice_id)
        .where(i.customer.in_(customers), i.status == "final").group_by(i.customer)).all())
    return {c: invoiced[c] - (paid.get(c) or ZERO) for c in invoiced}
