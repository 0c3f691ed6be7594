"""The big reads of a day's shipping as they were before they went to the driver
(`toolkit.ledger.db.driver_rows`): each statement executed by SQLAlchemy, its rows read as
`Row`s. Copied unchanged from `toolkit.ledger.orders` (`_held_rows`, `_open_lines`, `_ranks`),
`toolkit.ledger.shipments` (`due_orders`, `open_lines`), `toolkit.ledger.exposure`
(`_unshipped`, `_open_orders_of`) and `toolkit.ledger.deliveries` (`available_stock`,
`paid_orders`, `_check_open`). The reference `tests/test_driver_reads.py` compares the
readers with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, select

from toolkit.basics.vocab import DocumentType
from toolkit.core.orders import EFFECTS, Order, OrderStatus
from toolkit.core.reservations import HOLDING
from toolkit.core.shipping import OpenLine, ShipmentDraft, stock_levels
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.db import document_number
from toolkit.ledger.deliveries import OverShipment, _wanted
from toolkit.ledger.exposure import OPEN_STATUSES
from toolkit.ledger.orders import FEW_ITEMS, imported_from
from toolkit.ledger.shipments import PAYMENTS, STATUSES, TYPES
from toolkit.ledger.types import ScaledValues, places_of, stored_integer
from toolkit.model.records import MasterData

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


def _unshipped(conn: Connection, customers: list[str] | None) -> dict[str, Decimal]:
    """Σ (ordered − shipped) × unit price over the open order lines, exact: the ledger keeps
    quantities and prices as scaled integers, so their products add up as integers; what shipped
    is each line's kept sum of its DDT lines (`order_lines.shipped`).

    A quantity in thousandths times a price in millionths passes a 64-bit integer from 9.2
    billion euros on, where SQLite turns it into a float (a hundred lines at the limits came out
    16 cents off), so each price is split into its whole euros and its millionths, and the two
    products are summed apart: each at most 10^15 a line within `toolkit.basics.limits`,
    thousands of lines before the limit."""
    o, ol = schema.orders.c, schema.order_lines.c
    left = stored_integer(ol.quantity) - stored_integer(ol.shipped)
    price, unit = stored_integer(ol.unit_price), 10 ** places_of(ol.unit_price)
    euros, millionths = func.sum(left * (price // unit)), func.sum(left * (price % unit))
    places = places_of(ol.quantity) + places_of(ol.unit_price)
    rows = conn.execute(select(o.customer, euros, millionths).join(schema.orders, o.id == ol.order_id)
                        .where(_open_orders_of(customers)).group_by(o.customer))
    return {customer: (Decimal(whole) * unit + Decimal(part)).scaleb(-places) for customer, whole, part in rows}


def _open_orders_of(customers: list[str] | None) -> ColumnElement[bool]:
    """The open orders of these customers (None: of every customer). For a batch of customers
    the status is tested on each of their orders, not looked up in its index: SQLite, without
    statistics, would take the status index, read most of a month's orders (most are open) and
    test the customer of each, where the customer index reads only the asked customers' orders."""
    o = schema.orders.c
    if customers is None:
        return o.status.in_(OPEN_STATUSES)
    return and_(o.customer.in_(customers), func.coalesce(o.status, "").in_(OPEN_STATUSES))


def available_stock(conn: Connection, master: MasterData) -> dict[str, Decimal] | None:
    """What is on hand now: the stock sheet, less what the ledger shipped from the day it was
    counted (Impostazioni › Data giacenze), returns added back. Without a count date the sheet
    is taken as today's stock, as the user keeps it."""
    levels = stock_levels(master)
    counted = master.settings.stock_date
    if levels is None or counted is None:
        return levels
    rows = conn.execute(
        select(ol.item, func.sum(dl.quantity)).select_from(
            schema.delivery_lines.join(schema.deliveries, d.id == dl.delivery_id)
            .join(schema.order_lines, ol.id == dl.order_line_id))
        .where(d.delivery_date >= counted).group_by(ol.item))
    for item, shipped in rows:
        levels[item] = levels.get(item, Decimal(0)) - shipped
    return levels


def paid_orders(conn: Connection, order_ids: Collection[int]) -> set[int]:
    """Orders whose prepayment has arrived: invoiced (final invoices), and every such invoice paid."""
    i, il, p = schema.invoices.c, schema.invoice_lines.c, schema.payments.c
    wanted = list(order_ids)
    invoices_of: dict[int, set[int]] = defaultdict(set)
    for chunk in in_batches(wanted):
        rows = conn.execute(
            select(ol.order_id, i.id).distinct()
            .select_from(schema.invoice_lines.join(schema.order_lines, ol.id == il.order_line_id)
                         .join(schema.invoices, i.id == il.invoice_id))
            .where(ol.order_id.in_(chunk), i.status == "final"))
        for order_id, invoice_id in rows:
            invoices_of[order_id].add(invoice_id)
    invoice_ids = sorted({x for ids in invoices_of.values() for x in ids})
    settled: set[int] = set()
    for chunk in in_batches(invoice_ids):
        totals = dict(conn.execute(select(i.id, i.total).where(i.id.in_(chunk))).all())
        paid = dict(conn.execute(
            select(p.invoice_id, func.sum(p.amount)).where(p.invoice_id.in_(chunk)).group_by(p.invoice_id)).all())
        settled |= {x for x in chunk if paid.get(x, Decimal(0)) >= totals[x]}
    return {order_id for order_id, ids in invoices_of.items() if ids <= settled}


def _check_open(conn: Connection, drafts: Sequence[ShipmentDraft]) -> dict[int, Decimal]:
    """Refuse the first order line (in the drafts' order) that these drafts would take past
    what is open; else return what they ship of each order line (`_wanted`), for
    `_add_shipped`. The figures come as the stored integers, each line's shipped quantity its
    kept sum (`order_lines.shipped`, 0 when nothing shipped): a day at L checks tens of
    thousands of lines, and making each figure a decimal cost more than the check. The
    line-by-line check is the test oracle `tests/oracles/reservations_rowwise.py`."""
    wanted = _wanted(drafts)
    ids = list(wanted)
    figures: dict[int, tuple[int, int | None]] = {}
    for chunk in in_batches(ids):
        figures.update((line_id, (quantity, shipped or None)) for line_id, quantity, shipped in conn.execute(
            select(ol.id, stored_integer(ol.quantity), stored_integer(ol.shipped)).where(ol.id.in_(chunk))))
    places = places_of(dl.quantity)
    for line_id, more in wanted.items():
        quantity, done = figures.get(line_id, (None, None))
        after = (done or 0) + more.scaleb(places)
        if quantity is None or abs(after) > abs(quantity) or (after != 0 and (after < 0) != (quantity < 0)):
            ordered = None if quantity is None else Decimal(quantity).scaleb(-places)
            shown = Decimal(0) if done is None else Decimal(done).scaleb(-places)
            raise OverShipment(f"order line {line_id}: {ordered} ordered, {shown} shipped, {more} more")
    return wanted
