"""The holders of the items of the orders that ship as they are created, as
`toolkit.ledger.orders.held_queues` read them before it read only those items' holders past
`FEW_ITEMS`: every holder's lines of the whole ledger, and the rank of every holding order.
`tests/test_held_queues_listed.py` holds the queues and `create`'s outcome the same either way."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection

from toolkit.ledger import orders as ledger_orders
from toolkit.ledger.batches import in_batches
from toolkit.ledger.db import document_number, driver_rows
from toolkit.ledger.orders import HeldQueues, _held_rows, _ranks_statement, ol
from toolkit.ledger.types import places_of


def held_queues(conn: Connection, items: Collection[str]) -> HeldQueues:
    """The holders of these items and what each still has to ship, read in one pass (see
    `HeldQueues`, and `reservations` for the query)."""
    rows = _held_rows(conn, items)
    wanted = set(items)
    held: dict[str, dict[int, int]] = {}
    elsewhere = False
    for item, kept in groupby(rows, key=itemgetter(0)):
        if item in wanted:
            held[item] = {order_id: left for _, order_id, left in kept}
        else:
            elsewhere = True
    ranked = _ranks(conn, {order_id for holders in held.values() for order_id in holders})
    return HeldQueues(held, ranked, places_of(ol.quantity), elsewhere)


def _ranks(conn: Connection, ids: Collection[int]) -> dict[int, tuple[tuple[int, str, int], str]]:
    """Per holding order among `ids`, the rank of its place and its number; past `FEW_ITEMS`
    orders, every holding order's."""
    few = len(ids) <= ledger_orders.FEW_ITEMS
    batches: Iterable[dict[str, Any]] = ({"ids": chunk} for chunk in in_batches(sorted(ids))) if few else [{}]
    ranked: dict[int, tuple[tuple[int, str, int], str]] = {}
    for params in batches:
        for order_id, year, series, seq, own_series, own_year, own_seq in driver_rows(conn, _ranks_statement(few), params):
            ranked[order_id] = ((year, series, seq), document_number(own_series, own_year, own_seq))
    return ranked
