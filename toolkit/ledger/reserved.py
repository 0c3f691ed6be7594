"""What each order holding stock still reserves of each item, kept (`schema.reserved`): the
queues a shipping day plans with (`toolkit.ledger.orders.reservations`), read in one pass.

A row is an order that holds stock (`toolkit.core.reservations.holds`: a reserving type, a
draft or in progress) and an item it still has to ship some of: the sum of its lines' ordered
less shipped, lines with nothing left skipped, with the order's place in the item's queue
(`PLACE`), so each item's rows come in rank order. What a row holds changes only with the
order's lines (stored, or shipped from by a DDT, returns included) and with its status, so
the database sums the rows of an order again (`recount`) in the same transaction as each of
those writes: `insert_orders`, `insert_confirmation` and `set_statuses`, and from scratch in
the migration that adds the table; after `store_drafts`, only the rows its DDTs ship
(`shipped`). A stored line's quantity changes only when shipping cuts it at a VAT rate change
(`toolkit.ledger.orders.rate_again`), its rest a new line of the same order and item, before the
DDT that ships it is stored, so `shipped` sums that row again; nothing deletes orders or DDTs.

Grouped from the open lines on every read, the queues of a day late in a month at L (657,000
holders' rows from 1.0 M open lines) took 1.9 s of CPU; this table gives the same rows in 0.5 s.
The sum over the lines is the test oracle `tests/oracles/reservations_rowwise.py`.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, case, delete, func, insert, select, true, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from toolkit.basics.vocab import DocumentType
from toolkit.core.orders import EFFECTS
from toolkit.core.reservations import HOLDING
from toolkit.ledger import schema
from toolkit.ledger.batches import IN_LIST, one_array, spanned_or_among, spans
from toolkit.ledger.types import stored_integer

o, ol, r, dl = schema.orders.c, schema.order_lines.c, schema.reserved.c, schema.delivery_lines.c

_RESERVING = [t.value for t, effects in EFFECTS.items() if effects.reserves]
HOLDING_ORDER = (o.status.in_([s.value for s in HOLDING]), o.document_type.in_(_RESERVING))
"""The conditions of holding stock: a reserving type's order while a draft or in progress."""

_cited = schema.orders.alias("cited")
PLACE = [case((_cited.c.document_type == DocumentType.PROPOSAL.value, theirs), else_=own)
         for theirs, own in ((_cited.c.year, o.year), (_cited.c.series, o.series), (_cited.c.number, o.number))]
"""An order's place in the queues as the parts of its rank (`toolkit.core.orders.place_of`:
the proposal it confirms, else its own number), from the orders joined with `PLACED`."""
PLACED = schema.orders.outerjoin(_cited, _cited.c.id == o.confirms)
KEY = [r.item, r.place_year, r.place_series, r.place_number, r.order_id]
PLACE_AT, HOLDER_AT, LEFT_AT = slice(1, 4), 4, 5
"""Where a row of `rows` keeps the parts of its holder's place, the holder's order id, and what
it still has to ship."""


def recount(conn: Connection, order_ids: Collection[int] | None = None, *,
            items_twice: Collection[int] | None = None, fresh: bool = False) -> None:
    """Sum again the rows of these orders (None: of every order) from their lines, in one
    statement per `spanned_or_among` condition each to delete and to insert: a day's new
    orders, stored in one statement, are one range of ids.

    `items_twice`, when the caller knows it (`insert_orders`, which has the orders' drafts in
    hand), names the orders among them that list an item on two lines or more: only theirs are
    summed, every other order's lines go in as read (`_insert`'s `summed`). Past `IN_LIST` of
    them, every order is summed, as when it is not known.

    The orders are named to the database twice, by their lines' order id and by their own id,
    where that costs one range or one array: PostgreSQL does not carry a range or an array
    across the join, and given the lines' alone it read and hashed every holding order. On the
    ledger of 1-22 April at L, the 8,048 orders of the 23rd took 367 ms of the server's time,
    183 ms named both ways (EXPLAIN ANALYZE). SQLite carries the range itself; its IN-lists,
    which old versions cap at 999 values a statement, are not doubled.

    An order's rows are found through its lines with something left, by their full key
    (`_delete_keyed`): a row is kept only for an item some line of the order had left when it
    was summed, and a line's left falls only by a DDT, whose pairs `shipped` sums again, so
    those lines name every row there is (a void or a status leaves more, never fewer). The
    1,194 orders 23 April completes at L have none left: looking up all their lines by key
    took 22 ms of CPU, these 13, the index by order 8. Orders just stored (`fresh`: `insert_orders`)
    have no row to delete; nothing deletes an order, so no id comes back."""
    if order_ids is None:
        conn.execute(delete(schema.reserved))
        _insert(conn, true())
        return
    ids = sorted(set(order_ids))
    if not fresh:
        for condition in spanned_or_among(conn, ol.order_id, ids):
            _delete_keyed(conn, schema.order_lines.join(PLACED, o.id == ol.order_id), and_(condition, schema.left_to_ship > 0))
    twice = sorted(set(items_twice or ()) & set(ids)) if items_twice is not None else ids
    as_read = len(twice) <= IN_LIST and len(twice) < len(ids)
    both = one_array(conn) or spans(ids)
    for lines, orders in zip(spanned_or_among(conn, ol.order_id, ids), spanned_or_among(conn, o.id, ids)):
        which = and_(lines, orders) if both else lines
        _insert(conn, and_(which, ol.order_id.not_in(twice)) if as_read and twice else which, summed=not as_read)
    if as_read and twice:
        for lines in spanned_or_among(conn, ol.order_id, twice):
            _insert(conn, lines)


def shipped(conn: Connection, delivery_ids: Collection[int]) -> None:
    """Sum again, after these DDTs were stored, the rows of the items and orders their lines
    ship: a DDT changes no order's status, and no other row of its orders. Recounted whole, the
    orders a day ships from at L (8,300 of them, 54,000 lines) took 0.59 s of CPU, deleting and
    writing back rows that had not moved."""
    for condition in spanned_or_among(conn, dl.delivery_id, sorted(delivery_ids)):
        shipping = schema.delivery_lines.join(schema.order_lines, dl.order_line_id == ol.id)
        _delete_keyed(conn, shipping.join(PLACED, o.id == ol.order_id), condition)
        _insert(conn, ol.order_id.in_(select(ol.order_id).select_from(shipping).where(condition)), kept=True)


def _delete_keyed(conn: Connection, lines: Any, which: ColumnElement[bool]) -> None:
    """Delete the rows of the (item, order) pairs of the order lines `which` selects from
    `lines` (the order lines joined with `PLACED`), each by its full key: the line's item, its
    order's place, the order.

    The table has no index but its key (schema 37): deleting 18,268 rows by (item, order) on
    23 April at L spent half its 6 µs a row in an index by order (`ix_reserved_order`, 0.087 s
    against 0.049 s by the full key without it), which every row a day's new orders reserve
    was written into too, and which only deleting an order's rows read."""
    keys = select(ol.item, *PLACE, ol.order_id).select_from(lines).where(which)
    conn.execute(delete(schema.reserved).where(tuple_(*KEY).in_(keys)))


def _insert(conn: Connection, which: ColumnElement[bool], *, kept: bool = False, summed: bool = True) -> None:
    """Insert the rows summed from the order lines `which` selects, of the orders that hold;
    with `kept`, leaving as they are the rows already there, which are those sums already.

    Without `summed`, each line is inserted as its order's row for its item, which it is when
    no order among them has two lines of one item: the sum of one line is the line. The
    grouping sorted every line through a temporary B-tree on the row's five-part key first; a
    day's new orders at L (45,310 rows) took 0.10 s of CPU grouped, 0.06 s as read, the same
    rows. An order listing an item twice would break the table's key, not sum wrongly."""
    left = schema.left_to_ship
    held = (select(ol.item, *PLACE, ol.order_id, func.sum(left) if summed else left)
            .select_from(schema.order_lines.join(PLACED, o.id == ol.order_id))
            .where(which, *HOLDING_ORDER, left > 0))
    if summed:
        held = held.group_by(ol.item, *PLACE, ol.order_id)
    held = _in_key_order(conn, held)
    columns = [column.name for column in KEY] + ["quantity"]
    if not kept:
        conn.execute(insert(schema.reserved).from_select(columns, held))
        return
    dialect: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(schema.reserved).from_select(columns, held).on_conflict_do_nothing(index_elements=KEY))


def _in_key_order(conn: Connection, held: Select[Any]) -> Select[Any]:
    """The rows `_insert` selects, handed to SQLite in the table's key order (item, place,
    order), where the table is stored in that order (`WITHOUT ROWID`): each page of the queues
    then takes its new rows in one visit. In the lines' order (by order id) a day's new orders
    on a ledger of three weeks at L put their 51,000 rows into the queues of 20,000 items in
    turn, each row a descent to a page of another item; on the ledger of 1-22 April, the 23rd's
    rows took 0.26-0.31 s of CPU that way and 0.14-0.19 s sorted first. Summed rows come out of
    their grouping in this order already (its terms are the key's), so the sort is the
    grouping's. PostgreSQL keeps the table in a heap beside its key's index and takes the rows
    as they come."""
    if conn.dialect.name != "sqlite":
        return held
    return held.order_by(ol.item, *PLACE, ol.order_id)


@cache
def rows(few: bool) -> Any:
    """The statement of the kept rows (item, place year, place series, place number, order id,
    stored integer) in the key's order: by item, and each item's in rank order. Of the items
    bound as `items` when `few`, else of every item."""
    query = select(*KEY, stored_integer(r.quantity)).order_by(*KEY)
    return query.where(r.item.in_(bindparam("items", expanding=True))) if few else query


@cache
def totals(few: bool) -> Any:
    """The statement of each item's sum over its holders (item, stored integer): of the items
    bound as `items` when `few`, else of every item."""
    query = select(r.item, func.sum(stored_integer(r.quantity))).group_by(r.item)
    return query.where(r.item.in_(bindparam("items", expanding=True))) if few else query


@cache
def elsewhere() -> Any:
    """A row if an order holds an item other than those bound as `items`."""
    return select(r.item).where(r.item.not_in(bindparam("items", expanding=True))).limit(1)
