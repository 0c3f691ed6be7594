"""The holders of the items of the orders that ship as they are created, as
`toolkit.ledger.orders.held_queues` read them before it read only those items' holders past
`FEW_ITEMS`: every holder's rows of the whole ledger.
`tests/test_held_queues_listed.py` holds the queues and `create`'s outcome the same either way."""

from __future__ import annotations

from collections.abc import Collection
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Connection

from toolkit.ledger.orders import HeldQueues, _held_rows, ol
from toolkit.ledger.types import places_of


def held_queues(conn: Connection, items: Collection[str]) -> HeldQueues:
    """The holders of these items and what each still has to ship, with their places, read in
    one pass (see `HeldQueues`, and `reservations` for the query): past `FEW_ITEMS`, every
    holder's rows."""
    rows = _held_rows(conn, items)
    wanted = set(items)
    held: dict[str, dict[int, tuple[tuple[int, str, int], int]]] = {}
    elsewhere = False
    for item, kept in groupby(rows, key=itemgetter(0)):
        if item in wanted:
            held[item] = {order_id: ((year, series, number), left) for _, year, series, number, order_id, left in kept}
        else:
            elsewhere = True
    return HeldQueues(conn, held, places_of(ol.quantity), elsewhere)
