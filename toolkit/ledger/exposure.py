"""What a customer owes and has on order: the figures a sales assistant checks before confirming
an order or loading a van (the Openbravo seed's CRM and credit-limit points)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    String,
    and_,
    bindparam,
    case,
    column,
    func,
    select,
    true,
    type_coerce,
    values,
)

from toolkit.basics.money import cents
from toolkit.core.exposure import Exposure
from toolkit.ledger import schema
from toolkit.ledger.batches import IN_LIST, in_batches
from toolkit.ledger.db import driver_rows
from toolkit.ledger.unshipped import value

ZERO = Decimal(0)
OPEN_STATUSES = ("in-progress",)
BATCH = IN_LIST
"""Customers summed in one pass of the queries."""
MOST = 0.5
"""From which share of the ledger's customers every customer is summed in one pass."""


def exposures(conn: Connection, customers: Collection[str]) -> dict[str, Exposure]:
    """Each customer's figures, summed by the database: shipping a month asks for them daily,
    and bringing every open line back to multiply it here was a third of the shipping time.

    Only the customers asked about are summed, a batch of them at a time, through the customer
    index: on April's final L ledger 3,000 customers of 9,837 took 1.3 s of CPU, against
    2.3 s for every customer's figures summed in one pass and most of them thrown away (4,500:
    2.8 s against 3.4 s). Past `MOST` of the ledger's customers the one pass is the cheaper (a
    day's 5,345: 3.5-3.9 s in batches against 2.7-2.9 s; all of them: 5.5 s against 3.7 s),
    and is taken."""
    return _summed(conn, customers, last_orders=True)


def credit_exposures(conn: Connection, customers: Collection[str]) -> dict[str, Exposure]:
    """Each customer's figures as `exposures` sums them, without the latest order's date and
    amount (left as `Exposure`'s defaults): the credit check reads only what is ordered and not
    shipped and what is invoiced and not paid. On the day after April at L the 2,768 customers
    with a limit took 0.34 s of CPU without the latest orders and 0.55 s with them, where
    shipping summed all 9,321 customers' figures in 1.2 s (medians of 3)."""
    return _summed(conn, customers, last_orders=False)


def _summed(conn: Connection, customers: Collection[str], *, last_orders: bool) -> dict[str, Exposure]:
    wanted = list(customers)
    asked = sorted(set(wanted))
    passes: list[list[str] | None] = (
        [None] if len(asked) > BATCH and _most(conn, len(asked)) else [list(b) for b in in_batches(asked, BATCH)])
    last: dict[str, tuple[date | None, Decimal]] = {}
    unshipped: dict[str, Decimal] = {}
    uninvoiced: dict[str, Decimal] = {}
    outstanding: dict[str, Decimal] = {}
    if last_orders:
        for some in in_batches(asked, BATCH):
            last.update(_last_orders(conn, some))
    for batch in passes:
        unshipped.update(_unshipped(conn, batch))
        uninvoiced.update(_uninvoiced(conn, batch))
        outstanding.update(_outstanding(conn, batch))
    return {
        c: Exposure(c, *last.get(c, (None, ZERO)), cents(unshipped.get(c, ZERO)), outstanding.get(c, ZERO),
                    cents(uninvoiced.get(c, ZERO)))
        for c in wanted
    }


def _most(conn: Connection, asked: int) -> bool:
    """Whether `asked` customers are `MOST` of those with orders in the ledger."""
    return asked >= MOST * customers_with_orders(conn)


def customers_with_orders(conn: Connection) -> int:
    """How many customers the ledger has orders of, counted by walking the customers' index
    from each customer to the next (`_walked`): one entry read per customer, so the count does
    not grow with the orders the ledger keeps. Counted over the index's groups it read every
    order the ledger ever had, asked twice a shipping day (PostgreSQL sorted every order for
    `count(DISTINCT customer)`: 0.26 s on April's final ledger at L, 0.08 s over the groups)."""
    return conn.execute(_walked()).scalar_one()


@cache
def _walked() -> Select[Any]:
    """`customers_with_orders`' statement, built once when first asked, as `_latest_of`."""
    o = schema.orders.c
    walked = select(func.min(o.customer).label("customer")).cte("walked", recursive=True)
    following = select(func.min(o.customer)).where(o.customer > walked.c.customer).scalar_subquery()
    walked = walked.union_all(select(following).where(walked.c.customer.is_not(None)))
    return select(func.count(walked.c.customer))


def _among(column: ColumnElement[Any], customers: list[str] | None) -> ColumnElement[bool]:
    """The rows of these customers; every row when `customers` is None."""
    return true() if customers is None else column.in_(customers)


def _last_orders(conn: Connection, customers: Sequence[str]) -> dict[str, tuple[date | None, Decimal]]:
    """Each customer's latest order date and the amount ordered that day (voided orders aside).

    Each customer's date is the first one its entries in the index of customer, date and
    status (`schema.customer_index`) give, walked back from the newest (`LIMIT 1`), then the
    orders of that day are summed: what is read grows with the customers asked, not with the
    ledger's history. Grouped from the index, every customer's latest order read every order
    the ledger ever had, every day a preview asked for most customers."""
    if not customers:
        return {}
    return {customer: (day, amount)
            for customer, day, amount in driver_rows(conn, _latest_of(BATCH), _asked(customers, BATCH))}


def _asked(customers: Sequence[str], count: int) -> dict[str, str | None]:
    """The customers as `_latest_of(count)` binds them, the places left over NULL (which no
    order's customer equals): every batch, the last one's rest too, runs the one statement.

    >>> _asked(["C1", "C2"], 3)
    {'c0': 'C1', 'c1': 'C2', 'c2': None}
    """
    if len(customers) > count:
        raise ValueError(f"{len(customers)} customers asked at once, more than {count}")
    return {f"c{n}": customers[n] if n < len(customers) else None for n in range(count)}


@cache
def _latest_of(count: int) -> Select[Any]:
    """`_last_orders`' statement for `count` customers, bound as `c0`, `c1`, … (`_asked`):
    built and compiled once, where customers given as the rows' values were a new statement to
    compile at every call, and one per length would keep a statement for each batch's rest."""
    o, ol = schema.orders.c, schema.order_lines.c
    asked = values(column("customer", String), name="asked").data(
        [(bindparam(f"c{n}", type_=String),) for n in range(count)]).cte("asked")
    newest = (select(o.order_date).where(o.customer == asked.c.customer, o.status != "voided")
              .order_by(o.order_date.desc()).limit(1).scalar_subquery())
    latest = select(asked.c.customer, newest.label("day")).subquery()
    return (select(o.customer, o.order_date, func.sum(ol.amount))
            .join(latest, (latest.c.customer == o.customer) & (latest.c.day == o.order_date))
            .join(schema.order_lines, ol.order_id == o.id)
            .where(o.status != "voided").group_by(o.customer, o.order_date))


def _unshipped(conn: Connection, customers: list[str] | None) -> dict[str, Decimal]:
    """Σ (ordered − shipped) × unit price over the open orders, exact: each order keeps that
    value as two integers (`toolkit.ledger.unshipped`), summed here apart, a customer's orders
    at a time, not their lines. The sum over the open order lines is the test oracle
    `tests/oracles/exposure_everyone.py`."""
    o = schema.orders.c
    rows = conn.execute(select(o.customer, func.sum(o.unshipped_euros), func.sum(o.unshipped_micros))
                        .where(_open_orders_of(conn, customers)).group_by(o.customer))
    return {customer: value(euros, micros) for customer, euros, micros in rows}


def _uninvoiced(conn: Connection, customers: list[str] | None) -> dict[str, Decimal]:
    """Σ quantity × unit price over the DDT lines on no final invoice, exact: each DDT keeps
    that value as two integers (`toolkit.ledger.uninvoiced`), read with its customer from the
    index of the DDTs still to invoice (`schema.uninvoiced_index`, whose condition this repeats)."""
    d = schema.deliveries.c
    rows = conn.execute(select(d.customer, func.sum(d.uninvoiced_euros), func.sum(d.uninvoiced_micros))
                        .where(_among(d.customer, customers), schema.uninvoiced_kept).group_by(d.customer))
    return {customer: value(euros, micros) for customer, euros, micros in rows}


def _open_orders_of(conn: Connection, customers: list[str] | None) -> ColumnElement[bool]:
    """The open orders of these customers (None: of every customer). For a batch of customers
    on SQLite the status is tested on each of their orders, not looked up in its index: SQLite,
    without statistics, would take the status index, read most of a month's orders (most are
    open) and test the customer of each, where the customer index reads only the asked
    customers' orders.

    PostgreSQL keeps statistics (`copy_in.keep_statistics`) and is given the status as it is:
    behind the coalesce it guessed 51 of the 7,166 open orders of 600 customers on the month's
    final ledger at M, and took a nested loop over the lines' index and a sort spilled to disk,
    92 ms (median of 7) against 46 ms with the hash join it takes when it sees the status."""
    o = schema.orders.c
    if customers is None:
        return o.status.in_(OPEN_STATUSES)
    if conn.dialect.name == "postgresql":
        return and_(o.customer.in_(customers), o.status.in_(OPEN_STATUSES))
    return and_(o.customer.in_(customers), func.coalesce(o.status, "").in_(OPEN_STATUSES))


def _outstanding(conn: Connection, customers: list[str] | None) -> dict[str, Decimal]:
    """Σ what the final documents ask less what was paid on them: a document under split payment
    asks (or a credit note gives back) its total less its VAT, which the public administration
    pays the State, not the seller (`invoices.split_payment`, read on the row the sum reads)."""
    i, p = schema.invoices.c, schema.payments.c
    asked = case((i.split_payment, type_coerce(i.total - i.vat, i.total.type)), else_=i.total)
    invoiced = dict(conn.execute(
        select(i.customer, func.sum(asked)).where(_among(i.customer, customers), i.status == "final")
        .group_by(i.customer)).all())
    paid = dict(conn.execute(
        select(i.customer, func.sum(p.amount)).join(schema.invoices, i.id == p.invoice_id)
        .where(_among(i.customer, customers), i.status == "final").group_by(i.customer)).all())
    return {c: invoiced[c] - (paid.get(c) or ZERO) for c in invoiced}
