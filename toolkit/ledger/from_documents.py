"""The figures the ledger keeps beside its documents, summed again from the documents themselves:
the queries each kept figure replaced, kept as they were so the kept ones can be checked.

Each kept figure (`reserved`, `shipped_by_day`, `unshipped`, `uninvoiced`, `order_lines.shipped`)
moves with its documents in the same transaction, and is read in their place; a figure edited by
hand, or left wrong by a bug, is then read as true by every shipping day and credit check without
an error. Summed here from the order lines and the DDT lines, they are what `toolkit ledger check`
compares the kept ones with (`toolkit.ledger.kept_drift`), and what `benchmarks.kept_figures`
reads in the kept ones' place to weigh what each saves. `tests/test_kept_figures_bench.py` holds
each reader equal to the kept one on a ledger after days created and shipped, on both backends.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, bindparam, func, select

from toolkit.ledger import exposure, schema, uninvoiced, unshipped
from toolkit.ledger.reserved import HOLDING_ORDER, PLACE, PLACED
from toolkit.ledger.types import stored_integer

o, ol, d, dl = schema.orders.c, schema.order_lines.c, schema.deliveries.c, schema.delivery_lines.c
LEFT = schema.left_to_ship
HOLDING = schema.order_lines.join(PLACED, o.id == ol.order_id)
"""The order lines with their order and, for a confirmed proposal, the proposal that places it."""
SHIPPED = (schema.delivery_lines.join(schema.deliveries, d.id == dl.delivery_id)
           .join(schema.order_lines, ol.id == dl.order_line_id))
"""The DDT lines with their DDT and the order line each ships from."""
RESERVED_KEY = [ol.item, *PLACE, ol.order_id]
"""A reservation's key as `schema.reserved` keeps it: item, the holder's place, the holder."""


def _price_parts() -> tuple[Any, Any]:
    """An order line's stored price as the kept values split it: whole euros, and the millionths."""
    price = stored_integer(ol.unit_price)
    return price // unshipped.EURO, price % unshipped.EURO


@cache
def reserved_rows(few: bool) -> Select[Any]:
    """`reserved.rows`: what each holding order still has to ship of each item, in queue order
    (`few`: of the items bound as `items`)."""
    query = reserved_by_holder().order_by(*RESERVED_KEY)
    return query.where(ol.item.in_(bindparam("items", expanding=True))) if few else query


def reserved_by_holder() -> Select[Any]:
    """(item, place year, series, number, order id, Σ left to ship) of every holding order."""
    return (select(*RESERVED_KEY, func.sum(LEFT)).select_from(HOLDING).where(*HOLDING_ORDER, LEFT > 0)
            .group_by(*RESERVED_KEY))


@cache
def reserved_totals(few: bool) -> Select[Any]:
    """`reserved.totals`: what the holding orders reserve of each item."""
    query = (select(ol.item, func.sum(LEFT)).select_from(HOLDING).where(*HOLDING_ORDER, LEFT > 0)
             .group_by(ol.item))
    return query.where(ol.item.in_(bindparam("items", expanding=True))) if few else query


@cache
def reserved_elsewhere() -> Select[Any]:
    """`reserved.elsewhere`: a holding order's item not among those bound as `items`, if any."""
    return (select(ol.item).select_from(HOLDING)
            .where(*HOLDING_ORDER, LEFT > 0, ol.item.not_in(bindparam("items", expanding=True))).limit(1))


def shipped_since(conn: Connection, day: Any) -> Any:
    """`shipped_by_day.shipped_since`: what the DDT lines from `day` on shipped of each item."""
    return conn.execute(select(ol.item, func.sum(dl.quantity)).select_from(SHIPPED)
                        .where(d.delivery_date >= day).group_by(ol.item))


def shipped_by_item_and_day() -> Select[Any]:
    """(item, DDT date, Σ quantity) over every DDT line: `schema.shipped_by_day`'s rows."""
    quantity = stored_integer(dl.quantity)
    return select(ol.item, d.delivery_date, func.sum(quantity)).select_from(SHIPPED).group_by(ol.item, d.delivery_date)


def shipped_per_line() -> Select[Any]:
    """(order line id, Σ quantity of its DDT lines): `order_lines.shipped`."""
    return select(dl.order_line_id, func.sum(stored_integer(dl.quantity))).group_by(dl.order_line_id)


def unshipped_sums(by: ColumnElement[Any], *where: ColumnElement[bool]) -> Select[Any]:
    """(`by`, Σ left × price's euros, Σ left × its millionths) over the order lines of the orders
    `where` names, those invoiced at the order left out: the orders' kept value still to ship."""
    return (select(by, *(func.sum(LEFT * part) for part in _price_parts()))
            .select_from(schema.order_lines.join(schema.orders, o.id == ol.order_id))
            .where(*where, ~unshipped.invoiced_at_order(ol.id)).group_by(by))


def uninvoiced_sums(by: ColumnElement[Any], *where: ColumnElement[bool]) -> Select[Any]:
    """(`by`, Σ quantity × price's euros, Σ quantity × its millionths) over the DDT lines on no
    final invoice: the DDTs' kept value not yet invoiced."""
    quantity = stored_integer(dl.quantity)
    return (select(by, *(func.sum(quantity * part) for part in _price_parts())).select_from(SHIPPED)
            .where(*where, uninvoiced._not_invoiced()).group_by(by))


def unshipped_of(conn: Connection, customers: list[str] | None) -> dict[str, Any]:
    """`exposure._unshipped`: each customer's open orders' value still to ship."""
    rows = conn.execute(unshipped_sums(o.customer, exposure._open_orders_of(conn, customers)))
    return {c: unshipped.value(e or 0, m or 0) for c, e, m in rows}


def uninvoiced_of(conn: Connection, customers: list[str] | None) -> dict[str, Any]:
    """`exposure._uninvoiced`: each customer's DDTs' value not yet invoiced."""
    rows = conn.execute(uninvoiced_sums(d.customer, exposure._among(d.customer, customers)))
    return {c: unshipped.value(e, m) for c, e, m in rows if e or m}
