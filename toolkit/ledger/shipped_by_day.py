"""What shipped of each item on each DDT date, kept (`schema.shipped_by_day`): the stock on
hand without summing every DDT line since the count date.

The rows are sums of the DDT lines, grouped by the order line's item and the DDT's date, worked
out by the database from the DDT lines themselves: as the DDTs are stored (`add_deliveries`,
by their one writer, in the same transaction) and once from scratch for a ledger that had DDTs
before the table existed (`recount`, migration 15). An item and date whose lines sum to
nothing keep their row, as the sum of the DDT lines names the item with 0.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, delete, func, select, true
from sqlalchemy.dialects import postgresql, sqlite

from toolkit.basics import dates
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches, spanned_or_among
from toolkit.ledger.types import stored_integer

d, dl, ol = schema.deliveries.c, schema.delivery_lines.c, schema.order_lines.c
sb = schema.shipped_by_day.c


def add_deliveries(conn: Connection, delivery_ids: Sequence[int]) -> None:
    """The kept sums grow by the DDT lines of these DDTs, just stored in this transaction: one
    statement sums their lines per item and date and adds each sum to its row (made if it is
    the item's first on that date). The DDTs are named by `spanned_or_among`."""
    for condition in spanned_or_among(conn, dl.delivery_id, list(delivery_ids)):
        _add(conn, condition)


def recount(conn: Connection) -> None:
    """The kept sums worked out again from every DDT line the ledger holds."""
    conn.execute(delete(schema.shipped_by_day))
    _add(conn, true())


def summed_again(conn: Connection, day: date, items: Collection[str]) -> None:
    """The kept rows of these items on `day` worked out again from the DDT lines of that day: a
    voided DDT's lines are gone from them (`toolkit.ledger.voids`), and a row they alone made
    goes too, as the sum of the DDT lines no longer names the item that day."""
    for chunk in in_batches(sorted(items)):
        conn.execute(delete(schema.shipped_by_day).where(sb.delivery_date == day, sb.item.in_(chunk)))
        _add(conn, and_(d.delivery_date == day, ol.item.in_(chunk)))


def shipped_since(conn: Connection, day: date) -> Iterable[tuple[str, Decimal]]:
    """(item, what the DDTs from `day` on shipped of it, returns taken off) for every item a DDT
    line of those dates names, as the DDT lines' sum gives it (a quantity's `Decimal`)."""
    return conn.execute(select(sb.item, func.sum(sb.quantity)).where(sb.delivery_date >= day).group_by(sb.item))


def since_count(conn: Connection, counted: date) -> list[tuple[str, Decimal]]:
    """(item, what moved of it after a count dated `counted` was taken, returns taken off), an
    item twice when DDTs of both kinds moved it: the DDTs dated from its day on (`shipped_since`)
    and those dated before it but stored from when it was taken on (`stored_since`, `count_taken`).
    A DDT travels with its goods, so goods whose DDT was stored after the count were on the
    shelf when it was counted, whatever date the DDT carries. This is the one way the stock
    after a count is asked: shipping, the production list, the panel and the holds read it."""
    return [*shipped_since(conn, counted), *stored_since(conn, counted, count_taken(counted))]


def count_taken(counted: date) -> datetime:
    """When a count dated `counted` is taken to be made: at the start of its day, Rome's, as
    `deliveries.created_at` holds times (UTC, no zone). The sheet has a day and no time, and
    the desk is asked to write the stock as it was when the day began."""
    return datetime.combine(counted, time(0), dates.ROME).astimezone(UTC).replace(tzinfo=None)


def stored_late(day: date, stored: datetime) -> bool:
    """Whether a DDT dated `day` was stored (`stored`, UTC) on a later day, Rome's: every DDT a
    count dated after its day takes off for having been stored after it (`stored_since`) is one.

    >>> [stored_late(date(2026, 4, 9), datetime(2026, 4, d, h)) for d, h in ((9, 21), (9, 22), (10, 7))]
    [False, True, True]
    """
    return stored >= count_taken(day + timedelta(1))


def back_dated(day: date, since: datetime) -> Select:
    """The ids of the DDTs dated before `day` and stored from `since` on, read from those marked
    stored late (`schema.stored_late_index`)."""
    return select(d.id).where(d.stored_late == 1, d.created_at >= since, d.delivery_date < day)


def stored_since(conn: Connection, day: date, since: datetime) -> Iterable[tuple[str, Decimal]]:
    """(item, what the DDTs dated before `day` but stored from `since` on shipped of it, returns
    taken off), summed from their DDT lines: the DDTs back-dated before a count (Data giacenze)
    that were stored once it was taken (`count_taken`). Few or none; the kept sums are per DDT
    date and cannot tell them. The DDTs are found first among those stored late, by their index
    (`schema.stored_late_index`), then their lines: found by their date, a year's history before a
    count at M took 19.8 ms of CPU a read against 1.5 ms for a month's; joined from the lines,
    SQLite read every DDT line (0.19 s at L)."""
    return moved_by(conn, back_dated(day, since))


def moved_by(conn: Connection, ids: Select) -> Iterable[tuple[str, Decimal]]:
    """(item, what the DDTs whose ids `ids` selects shipped of it, returns taken off), summed
    from their DDT lines (a voided DDT's are gone)."""
    return conn.execute(
        select(ol.item, func.sum(dl.quantity))
        .select_from(schema.delivery_lines.join(schema.order_lines, ol.id == dl.order_line_id))
        .where(dl.delivery_id.in_(ids)).group_by(ol.item))


def shipped_on(conn: Connection, day: date) -> tuple[int, list[tuple[str, Decimal]]]:
    """How many DDTs in force (not voided) are dated `day`, and (item, what they shipped of it, returns taken off) for
    each item they moved, in code order."""
    ddts = conn.execute(select(func.count()).select_from(schema.deliveries)
                        .where(d.delivery_date == day, schema.in_force(d.id))).scalar_one()
    if not ddts:
        return 0, []
    moved = conn.execute(select(sb.item, sb.quantity).where(sb.delivery_date == day).order_by(sb.item)).all()
    return ddts, [(item, quantity) for item, quantity in moved if quantity]


def _add(conn: Connection, which: ColumnElement[bool]) -> None:
    """Add to the kept rows the sums per item and date of the DDT lines `which` selects.

    `INSERT … SELECT … ON CONFLICT DO UPDATE` on both databases (SQLite since 3.24); the
    SELECT always has a WHERE, which SQLite needs to tell the join's ON from the upsert's."""
    grouped = (select(ol.item, d.delivery_date, func.sum(stored_integer(dl.quantity)))
               .select_from(schema.delivery_lines.join(schema.deliveries, d.id == dl.delivery_id)
                            .join(schema.order_lines, ol.id == dl.order_line_id))
               .where(which).group_by(ol.item, d.delivery_date))
    dialect: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(schema.shipped_by_day).from_select(["item", "delivery_date", "quantity"], grouped)
    conn.execute(statement.on_conflict_do_update(
        index_elements=[sb.item, sb.delivery_date],
        set_={"quantity": stored_integer(sb.quantity) + stored_integer(statement.excluded.quantity)}))
