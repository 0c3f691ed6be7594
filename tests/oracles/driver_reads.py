"""The big reads of a day's shipping as they were before they went to the driver
(`toolkit.ledger.db.driver_rows`): each statement executed by SQLAlchemy, its rows read as
`Row`s. Copied unchanged from `toolkit.ledger.orders` (`_held_rows`, `_open_lines`, `_ranks`),
and `toolkit.ledger.shipments` (`open_lines`). The reference
`tests/test_driver_reads.py` compares the readers with.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, case, func, select

from toolkit.basics.vocab import DocumentType
from toolkit.core.orders import EFFECTS, Order
from toolkit.core.reservations import HOLDING
from toolkit.core.shipping import OpenLine
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.db import document_number
from toolkit.ledger.orders import FEW_ITEMS
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










