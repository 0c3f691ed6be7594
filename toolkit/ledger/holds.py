"""The orders kept on hold between shipping days, and what the ledger recorded since they were
judged. What wakes a hold is decided in `toolkit.core.holds`; here it is only kept and read."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    true,
    union,
    update,
)

from toolkit.basics.bulk_records import maker
from toolkit.basics.vocab import DocumentType
from toolkit.core.holds import Changes, Hold, HoldKind, Waking
from toolkit.core.reservations import rank
from toolkit.core.shipping import ORDER_HELD
from toolkit.ledger import schema
from toolkit.ledger.batches import among, in_batches
from toolkit.ledger.db import document_number, driver_rows, insert_columns
from toolkit.ledger.shipped_by_day import count_taken
from toolkit.ledger.types import places_of, stored_integer

h, hi, o, m = schema.holds.c, schema.hold_items.c, schema.orders.c, schema.hold_marks.c
_hold = maker(Hold)
ITEMS_APART = "\n"
CREATED = ("generated", "imported")
"""The events of an order made: a new order has no hold to forget (thousands a day at L)."""
QUEUED = (*CREATED, "confirmed")
"""The events of an order numbered: it queues behind the orders numbered before it, unless its
year or series ranks first (`_queued_ahead`)."""


@dataclass(frozen=True)
class Marks:
    """The highest event, DDT, invoice and payment ids when the holds were judged, and the
    master data's keys and the stock sheet's count date then."""

    customers_key: str
    event_id: int
    delivery_id: int
    invoice_id: int
    payment_id: int
    stock_key: str
    stock_date: date | None


def marks_now(conn: Connection, customers_key: str, stock_key: str, stock_date: date | None) -> Marks:
    """The ledger's marks as it stands (inside the write transaction, before the day writes),
    with the master data's keys and count date as the caller reads them."""
    event, delivery, invoice, payment = (conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
                                         for table in (schema.events, schema.deliveries, schema.invoices, schema.payments))
    return Marks(customers_key, event, delivery, invoice, payment, stock_key, stock_date)


def last_marks(conn: Connection) -> Marks | None:
    row = conn.execute(select(m.customers_key, m.event_id, m.delivery_id, m.invoice_id, m.payment_id, m.stock_key,
                              m.stock_date)).first()
    return Marks(*row) if row is not None else None


def set_marks(conn: Connection, marks: Marks, terms: Mapping[str, str], sheet: Mapping[str, Decimal]) -> None:
    """Leave the marks for the next day, with the customers' `terms` and the stock `sheet` the
    holds were judged by (`marks.customers_key` and `marks.stock_key` their digests), each
    written when it is not the one kept already."""
    last = last_marks(conn)
    conn.execute(delete(schema.hold_marks))
    conn.execute(insert(schema.hold_marks).values(id=1, customers_key=marks.customers_key, event_id=marks.event_id,
                                                  delivery_id=marks.delivery_id, invoice_id=marks.invoice_id,
                                                  payment_id=marks.payment_id, stock_key=marks.stock_key,
                                                  stock_date=marks.stock_date))
    if last is None or last.customers_key != marks.customers_key:
        conn.execute(delete(schema.hold_customers))
        insert_columns(conn, schema.hold_customers, {"customer": list(terms), "terms": list(terms.values())})
    if last is None or last.stock_key != marks.stock_key:
        conn.execute(delete(schema.hold_stock))
        insert_columns(conn, schema.hold_stock, {"item": list(sheet), "quantity": list(sheet.values())})


def judged_terms(conn: Connection) -> dict[str, str]:
    """The customers' terms the holds were last judged by (`set_marks`)."""
    return dict(conn.execute(select(schema.hold_customers.c.customer, schema.hold_customers.c.terms)).all())


def judged_sheet(conn: Connection) -> dict[str, Decimal]:
    """The stock levels the holds were last judged by (`set_marks`)."""
    return dict(conn.execute(select(schema.hold_stock.c.item, schema.hold_stock.c.quantity)).all())


def changes_since(conn: Connection, marks: Marks, now: Marks, freeing: Collection[str],
                  taking: Collection[str] = ()) -> Changes:
    """What was recorded after `marks` up to `now` (`marks_now`, read in this transaction): the
    events' actions, the orders whose status moved, the items shipped back, those shipped that
    the stock sheet of the marks does not count (`_uncounted`) and those of the orders whose
    status moved by one of `freeing`, each with the most it gave back (`Changes.gained`: the
    lines' quantities, the open rest of the orders' lines), the items of the orders whose
    status moved by one of `taking` (`Changes.taken`), and the orders billed (`_billed`)."""
    e, d, dl, ol = schema.events.c, schema.deliveries.c, schema.delivery_lines.c, schema.order_lines.c
    later = e.id > marks.event_id
    actions = frozenset(conn.execute(select(e.action).distinct().where(later)).scalars())
    orders = frozenset(conn.execute(select(e.document_id).where(
        later, e.document == "order", e.action.not_in(CREATED), e.document_id.is_not(None))).scalars())
    shipped = stored_integer(dl.quantity)
    returned = (select(ol.item, func.sum(func.abs(shipped)))
                .select_from(schema.delivery_lines.join(schema.order_lines, dl.order_line_id == ol.id)
                             .join(schema.deliveries, d.id == dl.delivery_id))
                .where(dl.delivery_id > marks.delivery_id, or_(dl.quantity < 0, _uncounted(marks.stock_date)))
                .group_by(ol.item))
    rest = stored_integer(ol.quantity) - stored_integer(ol.shipped)
    closed = (select(ol.item, func.sum(case((rest > 0, rest), else_=0))).join(schema.events, e.document_id == ol.order_id)
              .where(later, e.document == "order", e.action.in_(sorted(freeing))).group_by(ol.item))
    gained: dict[str, Decimal] = {}
    for item, most in [*conn.execute(returned), *(conn.execute(closed) if actions & set(freeing) else ())]:
        gained[item] = gained.get(item, _NONE) + Decimal(most or 0).scaleb(-_PLACES)
    taken = frozenset(conn.execute(_items_of(later, taking)).scalars()) if actions & set(taking) else frozenset()
    if actions & set(QUEUED):
        taken |= _queued_ahead(conn, later)
    return Changes(actions, orders, frozenset(gained), _billed(conn, marks, now), taken=taken, gained=gained)


def _queued_ahead(conn: Connection, later: ColumnElement[bool]) -> frozenset[str]:
    """The items of the orders numbered since the marks in a year and series that rank before
    an order numbered already (`toolkit.core.reservations.rank`: year, series, progressive): an
    order of last year's date made or imported in January, or under a series that sorts before
    the desk's own, queues ahead of the orders kept on hold. A day's own orders, of its year
    and the desk's series, rank last.

    The series are compared here, as the core compares them: asked of the database, `series >
    'PV'` followed PostgreSQL's collation, under which (en-US) `oc` sorts before `PV`, so which
    orders woke holds depended on the server (`tests/test_holds_series_order.py`). A series'
    latest year ranks with it, year first: a series sorting after this one whose orders are all
    of an earlier year ranks before it, and woke the holds all the same."""
    e = schema.events.c
    made = select(e.document_id).where(later, e.document == "order", e.action.in_(QUEUED))
    found: set[str] = set()
    latest: dict[str, int] | None = None
    for year, series in conn.execute(select(o.year, o.series).distinct().where(o.id.in_(made))).all():
        latest = _latest_years(conn) if latest is None else latest
        if any((last, other) > (year, series) for other, last in latest.items()):
            found.update(conn.execute(select(schema.order_lines.c.item).distinct().where(
                schema.order_lines.c.order_id.in_(select(o.id).where(o.id.in_(made), o.year == year,
                                                                      o.series == series)))).scalars())
    return frozenset(found)


def _latest_years(conn: Connection) -> dict[str, int]:
    """Each series of the orders with its latest year, a series at a time by the order number's
    index (series, year, number): the least series after the one found, in whatever order the
    database's collation puts them, reaches every one; a desk has a series or two."""
    latest: dict[str, int] = {}
    series = conn.execute(select(func.min(o.series))).scalar()
    while series is not None:
        latest[series] = conn.execute(select(func.max(o.year)).where(o.series == series)).scalar_one()
        series = conn.execute(select(func.min(o.series)).where(o.series > series)).scalar()
    return latest


_PLACES = places_of(schema.hold_items.c.lacks)
_NONE = Decimal(0).scaleb(-_PLACES)


def _items_of(later: ColumnElement[bool], actions: Collection[str]) -> Select[Any]:
    """The items of the orders whose status moved by one of `actions` since the marks."""
    e, ol = schema.events.c, schema.order_lines.c
    return select(ol.item).join(schema.events, e.document_id == ol.order_id).where(
        later, e.document == "order", e.action.in_(sorted(actions)))


def holding(conn: Connection, items: Collection[str] | None) -> frozenset[int]:
    """The orders kept on hold as complete orders (`ORDER_HELD`) that hold one of `items` (by
    the reservations' key, item first; None: every one): those `Changes.drained` names."""
    if items is None:
        return frozenset(conn.execute(select(h.order_id).where(h.reason == ORDER_HELD.code)).scalars())
    r = schema.reserved.c
    return frozenset(order_id for chunk in in_batches(sorted(items)) for order_id in conn.execute(
        select(h.order_id).where(h.reason == ORDER_HELD.code,
                                 h.order_id.in_(select(r.order_id).where(r.item.in_(chunk))))).scalars())


def _uncounted(counted: date | None) -> ColumnElement[bool]:
    """The DDTs the stock on hand is not lowered by: those dated and stored before the sheet's
    count date (the complement of `shipped_by_day.since_count`), every one without a date (the sheet is the stock
    as it stands). Such a DDT of an order ahead lowers the queue and leaves the stock, so it
    frees room for the orders behind."""
    if counted is None:
        return true()
    d = schema.deliveries.c
    return and_(d.delivery_date < counted, d.created_at < count_taken(counted))


def _billed(conn: Connection, marks: Marks, now: Marks) -> frozenset[int] | None:
    """The orders whose payment may have moved since `marks`: those with a line in an invoice
    recorded since, in an invoice paid since, or in one an event names (finalized, paid). None
    when an invoice was undone: its lines are deleted with it. Every day at L creates invoices
    (the orders invoiced at once), and the 34,000 orders kept waiting for their prepayment were
    all asked whether they are paid; the orders billed are a few hundred."""
    e, i, il, ol, p = (schema.events.c, schema.invoices.c, schema.invoice_lines.c, schema.order_lines.c,
                       schema.payments.c)
    invoice_events = (e.id > marks.event_id, e.id <= now.event_id, e.document == "invoice")
    if conn.execute(select(e.id).where(*invoice_events, e.document_id.is_(None)).limit(1)).first() is not None:
        return None
    invoices = union(select(i.id).where(i.id > marks.invoice_id, i.id <= now.invoice_id),
                     select(p.invoice_id).where(p.id > marks.payment_id, p.id <= now.payment_id),
                     select(e.document_id).where(*invoice_events))
    return frozenset(conn.execute(
        select(ol.order_id).distinct().join(schema.invoice_lines, il.order_line_id == ol.id)
        .where(il.invoice_id.in_(invoices))).scalars())


def kept_holds(conn: Connection) -> list[Hold]:
    """Every hold kept, in number order (due or not, whatever its order's status now). Read
    whole only to list them (`kept_due` counts them) or when an invoice was undone (any order's
    payment may have moved): late in a month at L that is 116,000 records, read at the driver
    level (`driver_rows`) and made through their slots (`_hold`)."""
    return _holds(driver_rows(conn, _IN_ORDER))


def _holds(rows: Iterable[Sequence[Any]], lacks: Mapping[tuple[int, str], Decimal | None] | None = None) -> list[Hold]:
    """The holds of these rows, each with what it lacks of its items found in `lacks` (by order
    and item; None: not read, none known)."""
    kinds = {kind.value: kind for kind in HoldKind}
    types = {kind.value: kind for kind in DocumentType}
    found = []
    for order_id, series, year, number, customer, occurrence, document_type, kind, reason, items, since in rows:
        short = tuple(items.split(ITEMS_APART)) if items else ()
        found.append(_hold(order_id, document_number(series, year, number), customer, occurrence,
                           types[document_type], kinds[kind], reason, short, since,
                           tuple(lacks.get((order_id, item)) for item in short) if lacks else ()))
    return found


_KEPT = (select(h.order_id, o.series, o.year, o.number, h.customer, h.occurrence, o.document_type, h.kind, h.reason,
                h["items"], h.since)
         .select_from(schema.holds.outerjoin(schema.orders, o.id == h.order_id)))
"""The holds with their orders' numbers. Every hold has its order; the outer join keeps SQLite,
which has no statistics of a ledger, reading the holds and each one's order, where an inner
join led it through every order the ledger ever had (by their number's index, for the order):
as fast after 22 days at L (71,583 holds of 117,992 orders: 0.27 s either way), but a year's
orders would be read every shipping day."""

_IN_ORDER = _KEPT.order_by(o.year, o.series, o.number)


def waking(conn: Connection, may: Waking) -> list[Hold]:
    """The holds `may` selects (`toolkit.core.holds.Waking`), in number order: each part asked
    by its index (the order's id, the customer, the item short), so a day reads the few holds
    that may wake instead of every one kept (`kept_holds`)."""
    credit = h.kind == HoldKind.CREDIT.value
    wheres: list[ColumnElement[bool]] = [*among(conn, h.order_id, sorted(may.orders))]
    wheres += [and_(h.customer.in_(chunk), kind)
               for codes, kind in ((may.customers, true()), (may.credit_of, credit), (may.others_of, ~credit))
               for chunk in in_batches(sorted(codes))]
    if may.stock:
        wheres.append(h.kind == HoldKind.STOCK.value)
    else:
        wheres += [h.order_id.in_(select(hi.order_id).where(hi.item.in_(chunk))) for chunk in in_batches(sorted(may.items))]
    found = {row[0]: row for where in wheres for row in conn.execute(_KEPT.where(where))}
    return sorted(_holds(found.values(), _lacking(conn, may.items)), key=lambda hold: rank(hold.number))


def _lacking(conn: Connection, items: Collection[str]) -> dict[tuple[int, str], Decimal | None]:
    """What each hold short of one of `items` lacks of it, by order and item: the items freed,
    the only ones whose shortfall a day compares (`toolkit.core.holds.freed_enough`)."""
    return {(order_id, item): lacks for chunk in in_batches(sorted(items)) for item, order_id, lacks
            in conn.execute(select(hi.item, hi.order_id, hi.lacks).where(hi.item.in_(chunk)))}


def lower(conn: Connection, gained: Mapping[str, Decimal]) -> None:
    """Lower what the holds kept lack of each item by the most it `gained` (after the day forgot
    those it wakes: the others lack more than that, and still lack at least what is left)."""
    if gained:
        conn.execute(update(schema.hold_items).where(hi.item == bindparam("short"), hi.lacks.is_not(None))
                     .values(lacks=hi.lacks - bindparam("most", type_=hi.lacks.type)),
                     [{"short": item, "most": most} for item, most in sorted(gained.items())])


def held_kinds(conn: Connection) -> dict[str, frozenset[HoldKind]]:
    """The customers with holds kept, each with the kinds of its holds (by the customer's
    index: a day at L reads 10,000 pairs, not 116,000 holds)."""
    kinds: dict[str, set[HoldKind]] = {}
    for customer, kind in conn.execute(select(h.customer, h.kind).distinct()):
        kinds.setdefault(customer, set()).add(HoldKind(kind))
    return {customer: frozenset(found) for customer, found in kinds.items()}


def kept_due(conn: Connection, day: date) -> tuple[int, date | None]:
    """How many holds kept are of orders due by `day`, and the first day the oldest was held:
    what a day reports of the orders still held as before (`toolkit.core.holds.as_before`)."""
    count, oldest = conn.execute(select(func.count(), func.min(h.since)).where(h.occurrence <= day)).one()
    return count, oldest


def kept_since(conn: Connection, order_ids: Collection[int] | None = None) -> dict[int, date]:
    """The first day each hold kept (of these orders) was held."""
    if order_ids is None:
        return {order_id: since for order_id, since in conn.execute(select(h.order_id, h.since))}
    return {order_id: since for where in among(conn, h.order_id, sorted(order_ids))
            for order_id, since in conn.execute(select(h.order_id, h.since).where(where))}


def forget(conn: Connection, order_ids: Collection[int]) -> None:
    """These orders are no longer kept on hold: the next plan looks at them again."""
    ids = sorted(order_ids)
    for table in (schema.hold_items, schema.holds):
        for where in among(conn, table.c.order_id, ids):
            conn.execute(delete(table).where(where))


def forget_all(conn: Connection) -> None:
    conn.execute(delete(schema.hold_items))
    conn.execute(delete(schema.holds))


def keep(conn: Connection, holds: Sequence[Hold]) -> None:
    """Keep these orders on hold (none of them is kept yet), a column at a time
    (`insert_columns`): the first day a ledger keeps holds, at L, is 116,000 rows."""
    insert_columns(conn, schema.holds, {
        "order_id": [x.order_id for x in holds], "customer": [x.customer for x in holds],
        "occurrence": [x.occurrence for x in holds], "kind": [x.kind.value for x in holds],
        "reason": [x.reason for x in holds], "items": [ITEMS_APART.join(x.items) for x in holds],
        "since": [x.since for x in holds]})
    short = [(item, x.order_id, x.lack(item)) for x in holds for item in dict.fromkeys(x.items)]
    insert_columns(conn, schema.hold_items, {"item": [item for item, _, _ in short],
                                             "order_id": [order_id for _, order_id, _ in short],
                                             "lacks": [lacks for _, _, lacks in short]})
