"""Orders held whole by `toolkit ship --all`, kept on hold from one day to the next
(`toolkit.core.holds` says why and what wakes them): read and woken at the start of the day's
write transaction, kept again at its end with the marks the next day starts from."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection

from toolkit.core.documents import DeliveryNote
from toolkit.core.exposure import Exposure
from toolkit.core.holds import FREES_ITEMS, KIND_OF, Hold, held_whole, master_key, payment_asked, woken
from toolkit.core.orders import Order
from toolkit.core.shipping import Held, credit_limited
from toolkit.ledger import holds as ledger
from toolkit.ledger.deliveries import paid_orders
from toolkit.ledger.exposure import credit_exposures
from toolkit.model.records import MasterData


@dataclass(frozen=True)
class OnHold:
    """What a day of `ship --all` starts from: the holds still kept, the first day each woken
    one was held (kept if it is held again), and the marks to leave for the next day."""

    kept: tuple[Hold, ...]
    since: Mapping[int, date]
    marks: ledger.Marks
    exposures: Mapping[str, Exposure] = field(default_factory=dict)
    """The credit figures read to wake the holds, of their customers with a limit: nothing the
    day writes before it plans moves them, so the plan takes them as read (`ship_in`'s `read`)."""

    def due(self, day: date) -> list[Hold]:
        """The holds of the orders due by `day`: those the day reports as held."""
        return [hold for hold in self.kept if hold.occurrence <= day]

    def without(self, order_ids: Collection[int]) -> OnHold:
        """The same, with these orders no longer kept (named by the user: planned now)."""
        gone = set(order_ids)
        return OnHold(tuple(x for x in self.kept if x.order_id not in gone),
                      {**self.since, **{x.order_id: x.since for x in self.kept if x.order_id in gone}}, self.marks,
                      self.exposures)


def wake(conn: Connection, master: MasterData, *, force: bool, paid: Collection[int] | None,
         replan: bool = False) -> OnHold:
    """Read the holds, forget those something may have moved (all of them with `replan`, when
    the master data changed, or on a ledger whose holds were never judged) and return the rest.
    `paid`: the orders the caller says are paid, else the ledger is asked about the orders billed
    since (`Changes.billed`)."""
    key = master_key(master)
    now = ledger.marks_now(conn, key)
    last = ledger.last_marks(conn)
    holds = ledger.kept_holds(conn)
    if replan or last is None or last.master_key != key:
        ledger.forget_all(conn)
        return OnHold((), {x.order_id: x.since for x in holds}, now)
    changes = ledger.changes_since(conn, last, now, FREES_ITEMS)
    credit = credit_limited(master, sorted({x.customer for x in holds}))
    asked = None
    if paid is None and (changes.billed is None or changes.billed):
        asked = payment_asked(holds, master, changes.billed)
        paid = paid_orders(conn, asked)
    exposures = credit_exposures(conn, credit) if credit else {}
    up = woken(holds, changes, master, exposures=exposures, paid=paid, force=force, asked=asked)
    ledger.forget(conn, [x.order_id for x in up])
    gone = {x.order_id for x in up}
    return OnHold(tuple(x for x in holds if x.order_id not in gone), {x.order_id: x.since for x in up}, now,
                  exposures)


def forget(conn: Connection, order_ids: Collection[int]) -> None:
    """These orders, named by number, are planned now whatever held them: no longer kept."""
    ledger.forget(conn, order_ids)


def keep_held(conn: Connection, start: OnHold, day: date, held: Sequence[Held], notes: Sequence[DeliveryNote],
              asked: Sequence[Order]) -> None:
    """Keep on hold the orders of `asked` the day's plan held whole (`held_whole`), and leave
    the marks for the next day."""
    orders = {order.number: order for order in asked}
    whole = held_whole(held, {number for note in notes for number in note.orders}, orders)
    ledger.keep(conn, [Hold(order.id, number, h.customer, order.occurrence, order.document_type, KIND_OF[h.reason],
                            h.reason, h.items, start.since.get(order.id, day))
                       for number, h in whole.items() for order in (orders[number],)])
    ledger.set_marks(conn, start.marks)
