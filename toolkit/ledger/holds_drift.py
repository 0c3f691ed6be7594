"""Holds kept unlike their orders, or unlike their own items' rows.

A hold (`schema.holds`) keeps its order's customer and date beside it, which an order never
changes, so a day finds the holds that may wake by customer without reading the orders; and each
item a hold for stock is short of one row each (`schema.hold_items`, its `items` split), the
index through which the items a day frees wake it. Both are written and forgotten together
(`toolkit.ledger.holds.keep`, `forget`): a hold whose customer or date is not its order's, an
item row its hold does not name, or a hold for items without their rows was edited by hand or
left so by a bug, and wakes the wrong day or never. Found in three statements, and mended
(`forget_unlike`) as a command mends a hold something may have moved: forgotten
(`toolkit.ledger.holds.forget`), so the next `ship --all` plans its order again and keeps it
again, rightly, if it is still to hold. A hold is a decision of a shipping day, not a sum of
documents: what it lacked of each item is known only to the day that planned it, so rewriting
its rows would be a second rule beside the planner's.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, exists, literal, not_, or_, select

from toolkit.ledger import schema
from toolkit.ledger.db import document_number
from toolkit.ledger.holds import ITEMS_APART, forget
from toolkit.ledger.kept_drift import Drift

h, hi, o = schema.holds.c, schema.hold_items.c, schema.orders.c
ITEMS = h["items"]
"""`holds.items` (the column collection's `items` is its method)."""


def unlike(conn: Connection) -> list[Drift]:
    """Every hold whose customer or date is not its order's (figure `holds`), every item row
    its hold does not name (`hold_items`), every hold naming items without their rows
    (`hold_items` too), by order number."""
    return [drift for _, drift in _unlike(conn)]


def forget_unlike(conn: Connection) -> list[Drift]:
    """`unlike`'s holds forgotten, with their item rows, as the commands forget a hold: the next
    `ship --all` plans their orders again. What each was, as `unlike` names it."""
    found = _unlike(conn)
    forget(conn, {order_id for order_id, _ in found})
    return [drift for _, drift in found]


def _unlike(conn: Connection) -> list[tuple[int, Drift]]:
    """`unlike`'s drifts, each with its order's id."""
    found: list[tuple[int, Drift]] = []
    for order_id, series, year, number, customer, day, order_customer, order_day in conn.execute(
            select(o.id, o.series, o.year, o.number, h.customer, h.occurrence, o.customer, o.occurrence)
            .select_from(schema.holds.join(schema.orders, o.id == h.order_id))
            .where(or_(h.customer != o.customer, h.occurrence != o.occurrence)).order_by(o.id)):
        found.append((order_id, Drift("holds", "holds", document_number(series, year, number), f"{customer} {day}",
                                      f"{order_customer} {order_day}")))
    apart = literal(ITEMS_APART)
    named = (apart + ITEMS + apart).contains(apart + hi.item + apart)
    for order_id, series, year, number, item, items in conn.execute(
            select(o.id, o.series, o.year, o.number, hi.item, ITEMS)
            .select_from(schema.hold_items.outerjoin(schema.holds, h.order_id == hi.order_id)
                         .join(schema.orders, o.id == hi.order_id))
            .where(or_(h.order_id.is_(None), not_(named))).order_by(o.id, hi.item)):
        found.append((order_id, Drift("hold_items", "hold_items",
                                      f"item {item}, order {document_number(series, year, number)}", item,
                                      _items(items))))
    for order_id, series, year, number, items in conn.execute(
            select(o.id, o.series, o.year, o.number, ITEMS).select_from(schema.holds.join(schema.orders, o.id == h.order_id))
            .where(and_(ITEMS != "", ~exists().where(hi.order_id == h.order_id))).order_by(o.id)):
        found.append((order_id, Drift("hold_items", "holds", document_number(series, year, number), "—",
                                      _items(items))))
    return found


def _items(items: str | None) -> str:
    """A hold's items as a message lists them; none for an item row with no hold."""
    return ", ".join(items.split(ITEMS_APART)) if items else ""
