"""What the reports read from the ledger: one query per report, amounts as stored.

Amounts come back as the ledger keeps them — integers of cents, quantities of thousandths,
prices of millionths — not as `Decimal`: a month at a large distributor is a million lines,
and pandas sums integers exactly and fast, where a column of `Decimal` objects is neither.
`toolkit.services.reports` turns them into tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Connection, Select, or_, select, type_coerce

from toolkit.ledger import schema

o, ol = schema.orders.c, schema.order_lines.c
d, dl = schema.deliveries.c, schema.delivery_lines.c
i, il = schema.invoices.c, schema.invoice_lines.c

EXCLUDED_STATUSES = ("draft", "not-accepted", "voided")
"""Orders that are not sales: drafts, quotations the customer did not accept, voided orders."""
EXCLUDED_TYPES = ("quotation", "proposal")
"""A quotation or proposal is not an order until it is confirmed (then the order counts)."""


@dataclass(frozen=True, slots=True)
class Rows:
    """A query's result: column names and plain rows (amounts as scaled integers, dates as
    the driver gives them)."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _raw(column: Any, name: str) -> Any:
    """The stored integer, not the `Decimal` the column type would make of it."""
    return type_coerce(column, BigInteger).label(name)


Periods = Sequence[tuple[date, date]]
"""The days to read: the report's period and, when it compares, the period before."""


def _within(column: Any, periods: Periods) -> Any:
    return or_(*(column.between(start, end) for start, end in periods))


def _run(conn: Connection, query: Select[Any]) -> Rows:
    """The rows as the database driver returns them: a date may be the ISO text SQLite keeps
    (pandas reads either), and SQLAlchemy's per-value conversion, a third of a million-line
    read, is skipped."""
    result = conn.execute(query)
    try:
        return Rows(tuple(result.keys()), list(result.cursor.fetchall()))
    finally:
        result.close()


def sales(conn: Connection, periods: Periods) -> Rows:
    """Order lines of the orders dated in the periods (ordered, whatever shipped since)."""
    return _run(conn, select(
        o.order_date.label("day"), o.customer, ol.item, _raw(ol.quantity, "quantity"), _raw(ol.amount, "amount"))
        .select_from(schema.order_lines.join(schema.orders, ol.order_id == o.id))
        .where(_within(o.order_date, periods), o.status.not_in(EXCLUDED_STATUSES),
               o.document_type.not_in(EXCLUDED_TYPES)))


def shipments(conn: Connection, periods: Periods) -> Rows:
    """DDT lines dated in the periods, with their order line's quantity, price and amount:
    the shipped value is the ordered amount when all of it shipped, else quantity × price."""
    return _run(conn, select(
        d.delivery_date.label("day"), d.customer, ol.item, _raw(dl.quantity, "quantity"), _raw(ol.quantity, "ordered"),
        _raw(ol.unit_price, "unit_price"), _raw(ol.amount, "ordered_amount"))
        .select_from(schema.delivery_lines.join(schema.deliveries, dl.delivery_id == d.id)
                     .join(schema.order_lines, dl.order_line_id == ol.id))
        .where(_within(d.delivery_date, periods)))


def invoiced(conn: Connection, periods: Periods) -> Rows:
    """Invoice and credit-note lines dated in the periods, drafts included (a draft run is
    the month's invoicing until it is undone); credit notes' amounts are negative."""
    return _run(conn, select(
        i.invoice_date.label("day"), i.customer, il.item, _raw(il.quantity, "quantity"), _raw(il.amount, "amount"))
        .select_from(schema.invoice_lines.join(schema.invoices, il.invoice_id == i.id))
        .where(_within(i.invoice_date, periods)))
