"""The DDTs dated before a stock count and stored after it was taken, as a list showing the
stock tells the desk of them: the stock takes them off the count (`shipped_by_day.since_count`),
which is right when their goods left after the count and wrong when the DDT was recorded late
for goods gone before it, and only the desk knows which."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, func, select

from toolkit.core.shipping import SERVICES_SERIES
from toolkit.ledger import schema
from toolkit.ledger.db import document_number
from toolkit.ledger.shipped_by_day import back_dated, count_taken, moved_by

d = schema.deliveries.c


@dataclass(frozen=True, slots=True)
class BackDated:
    """The DDTs in force dated before a count and stored after it was taken: the first few by
    date and number (`first`), how many (`count`), and what they moved of each item, in item
    order, a return's negative (`moved`)."""

    first: tuple[str, ...]
    count: int
    moved: tuple[tuple[str, Decimal], ...]


def back_dated_since(conn: Connection, counted: date, most: int = 5) -> BackDated | None:
    """The DDTs back-dated before a count dated `counted` that the stock takes off it
    (`BackDated`), or None. A voided one is left out: its lines are gone
    (`toolkit.ledger.voids`), so the count holds its goods again and nothing of it is taken off.
    So is a record of services rendered (`SERVICES_SERIES`): it moves no goods, and its services
    are on no stock sheet."""
    ids = back_dated(counted, count_taken(counted)).where(schema.in_force(d.id), d.series != SERVICES_SERIES)
    count = conn.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
    if not count:
        return None
    first = conn.execute(select(d.series, d.year, d.number).where(d.id.in_(ids))
                         .order_by(d.delivery_date, d.series, d.number).limit(most)).all()
    moved = sorted((item, quantity) for item, quantity in moved_by(conn, ids) if quantity)
    return BackDated(tuple(document_number(*row) for row in first), count, tuple(moved))
