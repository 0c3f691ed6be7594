"""Orders held whole by `toolkit ship --all`, kept on hold from one day to the next
(`toolkit.core.holds` says why and what wakes them): read and woken at the start of the day's
write transaction, kept again at its end with the marks the next day starts from."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from toolkit.core.documents import DeliveryNote
from toolkit.core.exposure import Exposure
from toolkit.core.holds import (
    FREES_ITEMS,
    KIND_OF,
    NO_STOCK,
    TAKES_ITEMS,
    Hold,
    Waking,
    customer_terms,
    customers_key,
    destocked,
    held_whole,
    keepable,
    may_wake,
    moved_customers,
    payment_asked,
    restocked_by,
    services_moved,
    stock_key,
    without_bound,
    woken,
)
from toolkit.core.orders import Order
from toolkit.core.shipping import Held, credit_limited, service_items, stock_levels
from toolkit.ledger import holds as ledger
from toolkit.ledger.deliveries import paid_orders
from toolkit.ledger.exposure import credit_exposures
from toolkit.ledger.shipped_by_day import since_count
from toolkit.model.records import MasterData


@dataclass(frozen=True)
class OnHold:
    """What a day of `ship --all` starts from, the holds still kept staying in the ledger: the
    first day each woken one was held (kept if it is held again), and the marks to leave for
    the next day."""

    since: Mapping[int, date]
    marks: ledger.Marks
    terms: Mapping[str, str]
    """The customers' terms and limits the day judges by (`customer_terms`), kept with the marks."""
    sheet: Mapping[str, Decimal]
    """The stock levels the day judges by (none without a stock sheet), kept with the marks."""
    exposures: Mapping[str, Exposure] = field(default_factory=dict)
    """The credit figures read to wake the holds, of their customers with a limit: nothing the
    day writes before it plans moves them, so the plan takes them as read (`ship_in`'s `read`)."""

    def with_since(self, since: Mapping[int, date]) -> OnHold:
        """The same, with the first days of these orders too (named by the user: planned now)."""
        return replace(self, since={**self.since, **since})


def wake(conn: Connection, master: MasterData, *, force: bool, paid: Collection[int] | None,
         replan: bool = False) -> OnHold:
    """Forget the holds something may have moved (all of them with `replan`, when stock is
    tracked and was not or the other way round, or on a ledger whose holds were never judged)
    and return what the day starts from. Only the holds that may wake are read
    (`may_wake`); the others stay in the ledger, counted when the day reports them
    (`kept_as_before`). A service is never short of stock, so a hold short of one wakes: kept
    while the item was goods, or before services were (a desk marks *Servizio* `sì`).
    `paid`: the orders the caller says are paid, else the ledger is asked about the orders billed
    since (`Changes.billed`)."""
    now = ledger.marks_now(conn, customers_key(master), stock_key(master), master.settings.stock_date)
    terms, sheet = customer_terms(master), stock_levels(master) or {}
    last = ledger.last_marks(conn)
    if replan or last is None or (last.stock_key == NO_STOCK) != (now.stock_key == NO_STOCK):
        since = ledger.kept_since(conn)
        ledger.forget_all(conn)
        return OnHold(since, now, terms, sheet)
    changes = ledger.changes_since(conn, last, now, FREES_ITEMS, TAKES_ITEMS)
    if last.customers_key != now.customers_key:
        changes = replace(changes, customers=moved_customers(ledger.judged_terms(conn), terms))
    if last.stock_key != now.stock_key:
        moved = (ledger.judged_sheet(conn), _shipped_from(conn, last.stock_date), sheet,
                 _shipped_from(conn, now.stock_date))
        more = restocked_by(*moved)
        gained = {item: changes.gained.get(item, Decimal(0)) + most for item, most in more.items()}
        changes = replace(changes, freed=changes.freed | frozenset(more), taken=changes.taken | destocked(*moved),
                          gained={**changes.gained, **gained})
    changes = without_bound(changes, service_items(master))
    if services_moved(last.stock_key, now.stock_key):
        changes = replace(changes, drained=ledger.holding(conn, None))
    elif changes.taken:
        changes = replace(changes, drained=ledger.holding(conn, changes.taken))
    kinds = ledger.held_kinds(conn)
    credit = credit_limited(master, sorted(kinds))
    asked = None
    if paid is None and (changes.billed is None or changes.billed):
        billed = (ledger.kept_holds(conn) if changes.billed is None
                  else ledger.waking(conn, Waking(orders=changes.billed)))
        asked = payment_asked(billed, master, changes.billed)
        paid = paid_orders(conn, asked)
    exposures = credit_exposures(conn, credit) if credit else {}
    may = may_wake(changes, master, kinds, exposures=exposures, paid=paid, force=force, asked=asked)
    up = woken(ledger.waking(conn, may), changes, master, exposures=exposures, paid=paid, force=force, asked=asked)
    ledger.forget(conn, [x.order_id for x in up])
    ledger.lower(conn, changes.gained)
    return OnHold({x.order_id: x.since for x in up}, now, terms, sheet, exposures)


def kept_as_before(conn: Connection, day: date, *, listed: bool) -> tuple[int, date | None, list[Held]]:
    """The holds still kept of the orders due by `day`, after the day woke and forgot its own
    (before it keeps what it held): how many, the first day the oldest was held, and, when
    `listed`, each as the day reports it. A day at L keeps 116,000 of them late in a month;
    making a record of each for a report that only counts them was a tenth of the day."""
    count, oldest = ledger.kept_due(conn, day)
    return count, oldest, [x.held() for x in ledger.kept_holds(conn) if x.occurrence <= day] if listed else []


def _shipped_from(conn: Connection, counted: date | None) -> dict[str, Decimal]:
    """What the ledger's DDTs moved of each item after a stock sheet's count
    (`shipped_by_day.since_count`; nothing without one: the sheet is the stock as it stands)."""
    moved: dict[str, Decimal] = {}
    for item, shipped in [] if counted is None else since_count(conn, counted):
        moved[item] = moved.get(item, Decimal(0)) + shipped
    return moved


def forget(conn: Connection, order_ids: Collection[int]) -> dict[int, date]:
    """These orders, named by number, are planned now whatever held them: no longer kept.
    Returns the first day each one kept was held."""
    since = ledger.kept_since(conn, order_ids) if order_ids else {}
    ledger.forget(conn, order_ids)
    return since


def keep_held(conn: Connection, start: OnHold, day: date, held: Sequence[Held], notes: Sequence[DeliveryNote],
              asked: Sequence[Order]) -> None:
    """Keep on hold the orders of `asked` the day's plan held whole (`held_whole`), and leave
    the marks for the next day."""
    orders = {order.number: order for order in asked}
    whole = held_whole(held, {number for note in notes for number in note.orders}, orders)
    found = [Hold(order.id, number, h.customer, order.occurrence, order.document_type, KIND_OF[h.reason], h.reason,
                  h.items, start.since.get(order.id, day), h.lacks)
             for number, h in whole.items() for order in (orders[number],)]
    ledger.keep(conn, [hold for hold in found if keepable(hold)])
    ledger.set_marks(conn, start.marks, start.terms, start.sheet)
