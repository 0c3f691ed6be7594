"""The big reads of a day's shipping as they were before they went to the driver
(`toolkit.ledger.db.driver_rows`): each statement executed by SQLAlchemy, its rows read as
`Row`s. Copied unchanged from `toolkit.ledger.orders` (`_held_rows`, `_open_lines`, `_ranks`),
and `toolkit.ledger.shipments` (`due_orders`, `open_lines`). The reference
`tests/test_driver_reads.py` compares the readers with.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, case, func, select

from toolkit.basics.vocab import DocumentType
from toolkit.core.orders import EFFECTS, Order, OrderStatus
from toolkit.core.reservations import HOLDING
from toolkit.core.shipping import OpenLine
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.db import document_number
from toolkit.ledger.orders import FEW_ITEMS, imported_from
from toolkit.ledger.shipments import PAYMENTS, STATUSES, TYPES
from toolkit.ledger.types import ScaledValues, stored_integer

o, ol = schema.orders.c, schema.order_lines.c
d, dl = schema.deliveries.c, schema.delivery_lines.c


def _held_rows(conn: Connection, items: Collection[str] | None) -> tuple[Iterable[Any], list[Any]]:
    """What each reserving holder (of `items` when they are few) still has to ship of each
    item, as rows (item, order id, stored integer) ordered by item and order, lines with nothing
    left skipped; and the conditions of holding."""
    lines, holding = _open_lines(items)
    per_order = (lines.c.item, lines.c.order_id)
    rows = conn.execute(select(*per_order, func.sum(lines.c.left)).where(lines.c.left > 0)
                        .group_by(*per_order).order_by(*per_order))
    return rows, holding


def _open_lines(items: Collection[str] | None) -> tuple[Any, list[Any]]:
    """The open lines of the reserving holders (of `items` when they are few) as a subquery
    (order id, item, what is left as the stored integer), and the conditions of holding."""
    reserving = [t.value for t, effects in EFFECTS.items() if effects.reserves]
    holding = [o.status.in_([s.value for s in HOLDING]), o.document_type.in_(reserving)]
    lines = (select(ol.order_id, ol.item, (stored_integer(ol.quantity) - stored_integer(ol.shipped)).label("left"))
             .join(schema.orders, o.id == ol.order_id)
             .where(*holding,
                    *([ol.item.in_(sorted(items))] if items is not None and len(items) <= FEW_ITEMS else []))
             .subquery())
    return lines, holding


def _ranks(conn: Connection, ids: Collection[int], holding: Sequence[Any]) -> dict[int, tuple[tuple[int, str, int], str]]:
    """Per holding order among `ids`, the rank of its place (`toolkit.core.orders.place_of`:
    the proposal it confirms, else its own number, as the database gives its parts) and its
    number: asked once per order, not with each of its items' rows (half a million at L)."""
    cited = schema.orders.alias("cited")
    proposal = cited.c.document_type == DocumentType.PROPOSAL.value
    place = [case((proposal, theirs), else_=own)
             for theirs, own in ((cited.c.year, o.year), (cited.c.series, o.series), (cited.c.number, o.number))]
    query = select(o.id, *place, o.series, o.year, o.number).select_from(
        schema.orders.outerjoin(cited, cited.c.id == o.confirms))
    chunks = in_batches(sorted(ids)) if len(ids) <= FEW_ITEMS else [None]
    ranked: dict[int, tuple[tuple[int, str, int], str]] = {}
    for chunk in chunks:
        rows: Iterable[Any] = conn.execute(query.where(o.id.in_(chunk)) if chunk is not None else query.where(*holding))
        for order_id, year, series, seq, own_series, own_year, own_seq in rows:
            ranked[order_id] = ((year, series, seq), document_number(own_series, own_year, own_seq))
    return ranked


def due_orders(conn: Connection, day: date) -> tuple[list[Order], set[int]]:
    """The orders in progress that ship and are due by `day`, without their lines (`lines`
    empty: `with_lines` reads them for the orders that need them), in number order; and the
    ids of those with something still to ship on some line, which the database finds.

    At L most of the open orders are held day after day (a prepayment not in, a customer over
    the credit limit) and the core holds them without looking at their lines
    (`toolkit.core.shipping.held_unread`): building each of their lines every day was most of
    a day's shipping."""
    shipping = [t.value for t, effects in EFFECTS.items() if effects.ships]
    line = schema.order_lines.alias("line")
    still_open = select(line.c.id).where(line.c.order_id == o.id, line.c.quantity != line.c.shipped).exists()
    cited = schema.orders.alias("cited")
    rows = conn.execute(
        select(o.id, o.series, o.year, o.number, o.template, o.occurrence, o.order_date, o.customer, o.ship_to,
               o.contact, o.document_type, o.status, o.price_list, o.price_version, o.project, o.delivery_option,
               o.customer_reference, o.payment_method, o.origin, cited.c.series, cited.c.year, cited.c.number,
               cited.c.document_type, still_open)
        .select_from(schema.orders.outerjoin(cited, cited.c.id == o.confirms))
        .where(o.status == OrderStatus.IN_PROGRESS.value, o.occurrence <= day, o.document_type.in_(shipping))
        .order_by(o.year, o.series, o.number)).all()
    orders, pending = [], set()
    for (order_id, series, year, seq, template, occurrence, order_date, customer, ship_to, contact, kind, status,
         price_list, price_version, project, delivery_option, reference, payment, origin, c_series, c_year, c_seq,
         c_type, has_open) in rows:
        cited_number = document_number(c_series, c_year, c_seq) if c_series is not None else None
        orders.append(Order(order_id, document_number(series, year, seq), template, occurrence, order_date, customer,
                            ship_to, contact, TYPES[kind], STATUSES[status], price_list, price_version,
                            project, delivery_option, (), reference, PAYMENTS[payment] if payment else None,
                            cited_number, TYPES[c_type] if c_type is not None else None, imported_from(origin)))
        if has_open:
            pending.add(order_id)
    return orders, pending


def open_lines(conn: Connection, orders: Sequence[Order]) -> dict[int, tuple[OpenLine, ...]]:
    """Per order (from `due_orders`), its lines still to ship as `OpenLine`s (id, number, item,
    what is still to ship), in line order, in one query per `IN_LIST` orders: all that deciding
    whether an order can take anything today (`toolkit.core.shipping.takes_nothing`) and the
    messages of one that cannot need. At the end of a month at L, 58,700 orders wait for stock
    with 410,000 lines: reading each whole every day (`with_lines`) was a quarter of the day.
    What is still to ship comes as the stored integers' difference, each distinct value made a
    `Decimal` once, as `with_lines` makes `OrderLine.to_ship`."""
    found: dict[int, list[OpenLine]] = {order.id: [] for order in orders}
    quantities = ScaledValues.of(ol.quantity)
    left = stored_integer(ol.quantity) - stored_integer(ol.shipped)
    for chunk in in_batches(list(found)):
        rows = conn.execute(
            select(ol.order_id, ol.id, ol.line_no, ol.item, left)
            .where(ol.order_id.in_(chunk), stored_integer(ol.quantity) != stored_integer(ol.shipped))
            .order_by(ol.order_id, ol.line_no))
        for order_id, line_id, line_no, item, still in rows:
            found[order_id].append(OpenLine(line_id, line_no, item, quantities[still]))
    return {order_id: tuple(lines) for order_id, lines in found.items()}










