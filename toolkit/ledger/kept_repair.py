"""The kept figures `toolkit.ledger.kept_drift` finds wrong, worked out again from the documents.

Each kept figure is a sum of documents the ledger holds (`toolkit.ledger.from_documents`), so a
wrong one can be summed again by the very recount each writer uses after it stores documents:
no document, number or total is touched, only the rows found differing (the reservations, which
a recount by order cannot reach when a row names an item its order no longer has to ship, are
summed again whole, as their migration did). `order_lines.shipped` comes first: what an order
line has left to ship, from which the reservations and the orders' values are summed, follows
it, so each later figure's rows are found only after it is right.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, func, select, update

from toolkit.ledger import reserved, schema, shipped_by_day, uninvoiced, unshipped
from toolkit.ledger.batches import in_batches
from toolkit.ledger.kept_drift import FIGURES, Drift, Figure, differing, named
from toolkit.ledger.types import stored_integer

ol, dl = schema.order_lines.c, schema.delivery_lines.c
ORDER = ("order_lines.shipped", "reserved", "shipped_by_day", "unshipped", "uninvoiced")
"""The figures in the order they are summed again: each after those it is summed from."""


def repair(conn: Connection, shown: int) -> tuple[list[Drift], dict[str, int]]:
    """Every kept figure's differing rows summed again from the documents, in this transaction:
    the first `shown` rows of each as they were (`Drift`: kept, then the documents' sum, which
    they now keep), and how many rows each figure had wrong."""
    by_name = {figure.name: figure for figure in FIGURES}
    told: list[Drift] = []
    counts: dict[str, int] = {}
    for name in ORDER:
        figure = by_name[name]
        rows = differing(conn, figure)
        if rows:
            told += named(conn, figure, rows[:shown])
            counts[name] = len(rows)
            _again(conn, figure, rows)
    return told, counts


def _again(conn: Connection, figure: Figure, rows: list[Any]) -> None:
    if figure.name == "order_lines.shipped":
        summed = (select(func.coalesce(func.sum(stored_integer(dl.quantity)), 0))
                  .where(dl.order_line_id == ol.id).scalar_subquery())
        for chunk in in_batches(sorted(row[0] for row in rows)):
            conn.execute(update(schema.order_lines).where(ol.id.in_(chunk)).values({ol.shipped: summed}))
    elif figure.name == "reserved":
        reserved.recount(conn)
    elif figure.name == "shipped_by_day":
        for day, same_day in groupby(sorted((_day(row[1]), row[0]) for row in rows), key=lambda pair: pair[0]):
            shipped_by_day.summed_again(conn, day, {item for _, item in same_day})
    elif figure.name == "unshipped":
        unshipped.recount(conn, [row[0] for row in rows])
    else:
        uninvoiced.recount(conn, [row[0] for row in rows])


def _day(value: Any) -> date:
    """A DDT date as the stacked rows give it: SQLite gives the stored text."""
    return value if isinstance(value, date) else date.fromisoformat(value)
