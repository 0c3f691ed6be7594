"""Orders kept on hold from one shipping day to the next, and what wakes them.

At the end of a month at L, `toolkit ship --all` held 116,000 orders a day: waiting for a
prepayment, their customer over the credit limit, or short of stock. Each was planned again
every day only to be held again, with a message per line, and that was most of the day. So an
order held whole by `ship --all`, or shipped in part with the rest held for stock (`held_whole`),
is kept on hold in the ledger (`toolkit.ledger.holds`), and the next days leave it out of the
plan until something that holds it may have moved:

- waiting for its prepayment: an invoice or a payment of its own recorded since (then the ledger
  is asked whether it is paid; an order that ships after payment and is held for stock wakes if
  an invoice added since leaves it unpaid);
- its customer over the credit limit: the customer is no longer over it (the exposure is read
  every day, one figure per customer), or the user ships past the limit (`--force`); and a hold
  for another reason wakes when its customer goes over the limit, which the plan says first;
- short of stock: anything since that can give stock back. What an order may take is the stock
  less what the orders ahead of it still hold. An order ahead that ships lowers both alike, and
  an order behind it cannot take what it waits for (the orders ahead of that one include it),
  so only what frees a reservation or brings goods back moves it, and only for the items it
  frees: an order closed or voided (its items, `FREES_ITEMS`), a return shipped (the items it
  brings back), a DDT the stock sheet does not count (dated before its count date, or any when
  it has none: the sheet is then the stock as the desk keeps it, and a DDT lowers only the
  queue), and any ledger event not known to leave stock alone (`LEAVES_STOCK`: every item);
- short of stock, too: a new stock sheet (or count date) that leaves more of one of its items on
  hand than the sheet it was judged by (`restocked`); a desk updates the sheet whenever goods
  come in, and each update woke every hold, a hundred thousand at L. A count is such a sheet:
  each item's rise is its count less what the ledger had it on hand before (`restocked_by`),
  and the note a ship run leaves of a count dated today (`stock-count-seen`) frees nothing
  more: it woke every hold for stock the next day (43,000 at L on 24 April, counted the 23rd);
- and of those, only as much as it lacks (`freed_enough`): the plan says, per item short, how
  much more free stock the order needs to take some (`Held.lacks`: under *Ordine completo* all
  it still needs of the item, *Riga completa* its smallest line left, *Disponibilità* anything),
  and a day sums what each item freed may have given back at most (`Changes.gained`: the
  returns' and the uncounted DDTs' lines, the open lines of the orders closed or voided, the
  sheet's rise). A hold short by more stays, its shortfall lowered by that sum, so that two
  returns on two days that together cover it wake it on the second. Every figure is a bound
  (the shortfall from below, what was freed from above): a hold may wake early, never late.
  At L, 23 April woke 3,025 holds for the returns of the 22nd, and 2,645 of them could take
  nothing of what came back;
- held as a complete order (`ORDER_HELD`), also less of an item it holds and is not short of:
  it holds every item of its lines, and may now be short of one more than it was held for. Less
  of an item is a new stock sheet leaving less of it on hand (`destocked`), an order holding
  it again (`TAKES_ITEMS`), or a new order numbered ahead of it (of last year's date, or in a
  series that sorts first); an order behind it cannot take what it holds, and one ahead that
  ships lowers the stock and the queue alike (`Changes.drained`); and, rarely, an item no
  longer a service (`services_moved`: every complete order kept);
- any of them: its customer's delivery terms or credit limit changed (`moved_customers`: a
  desk adds customers and moves limits every week, and each change woke every hold), stock
  tracked or no longer tracked (a stock sheet added or taken away: every hold), or a status
  change of the order itself.

Woken orders are planned with the day's others; held again, they keep the day they were first
held (`since`). A day reports the orders still on hold with one warning, not a message per line
(`HELD_AS_BEFORE`); their messages were given the day they were held.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from toolkit.basics.bulk_records import maker
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import DocumentType
from toolkit.core.exposure import Exposure
from toolkit.core.shipping import (
    AWAITING_PAYMENT,
    CREDIT_HELD,
    LINE_HELD,
    ORDER_HELD,
    PARTIAL_STOCK,
    Held,
    over_limit,
    pays_first,
    service_items,
)
from toolkit.model.memo import per_master
from toolkit.model.records import MasterData


class HoldKind(StrEnum):
    """What keeps an order on hold, which decides what wakes it."""

    PAYMENT = "payment"
    CREDIT = "credit"
    STOCK = "stock"


KIND_OF = {AWAITING_PAYMENT.code: HoldKind.PAYMENT, CREDIT_HELD.code: HoldKind.CREDIT,
           ORDER_HELD.code: HoldKind.STOCK, LINE_HELD.code: HoldKind.STOCK, PARTIAL_STOCK.code: HoldKind.STOCK}
"""The reasons an order held whole is kept on hold for; any other reason plans it every day."""

LEAVES_STOCK = frozenset({"shipped", "completed", "generated", "imported", "confirmed", "invoiced", "finalized",
                          "undone", "paid", "payment-voided", "written", "einvoice-file", "einvoice-zip",
                          "no-credit", "line-cut", "demo", "stock-count-seen"})
"""The ledger's events that give no stock back to an order held for stock: a DDT (a return's
lines are looked at apart), an order completed by shipping, a new order (it queues behind, or
takes from what the held order could not use; one numbered ahead is in `Changes.taken`),
invoices, payments and their reversals (a payment row: its invoice's orders are asked again,
`Changes.billed`), the folder a run's files were written in, e-invoice files, a return closed
with no credit note (its status moved, if it is, is `closed`), an order line cut at a VAT rate
change (the order's quantities stay, the rest on a new line), the demo's mark (on an empty
ledger), and a stock count dated today met by a ship run (`toolkit.ledger.stock_counts.SEEN`:
a note for the warning of today's DDTs; what the count gives back is the sheet's rise,
`restocked_by`, read when the sheet moves). Any other event, known or new, but `FREES_ITEMS`
and `TAKES_ITEMS`, wakes every order held for stock: a DDT voided (its goods come back), and a
ledger moved into PostgreSQL, once in its life, its holds judged on another database."""

FREES_ITEMS = frozenset({"closed", "voided", "rejected"})
"""The events of an order's status moved by hand that free at most that order's own items: they
wake the orders held for stock short of one of them."""

TAKES_ITEMS = frozenset({"reopened"})
"""The events of an order that holds its items again (turned down, back to a draft): it frees
nothing, and the orders behind it may have less of its items (`Changes.taken`)."""

KNOWN = LEAVES_STOCK | FREES_ITEMS | TAKES_ITEMS
"""The events whose effect on stock is known; any other wakes every order held for stock."""

HELD_AS_BEFORE = define(
    "ship-held-as-before", "warning",
    title=("Ordini trattenuti come nei giorni precedenti", "Orders held as on previous days"),
    it="Ordini ancora trattenuti come nei giorni precedenti: {count} (il più vecchio dal {since}). Non è cambiato "
       "nulla di ciò che li tratteneva (pagamento, fido, giacenza, anagrafiche), quindi non sono stati "
       "ripianificati e i loro avvisi non sono ripetuti; li elenca la lista di distribuzione (toolkit "
       "distribution). Per ripianificarli tutti aggiungi --replan.",
    en="Orders still held as on previous days: {count} (the oldest since {since}). Nothing that held them changed "
       "(payment, credit, stock, master data), so they were not planned again and their warnings are not "
       "repeated; the distribution list (toolkit distribution) lists them. To plan them all again add --replan.")


@dataclass(frozen=True, slots=True)
class Hold:
    """An order kept on hold: why (`kind`, and the warning's `reason` code), the items it is
    short of, and the first day it was held."""

    order_id: int
    number: str
    customer: str
    occurrence: date
    """The order's date (due from)."""
    document_type: DocumentType
    kind: HoldKind
    reason: str
    items: tuple[str, ...]
    since: date
    lacks: tuple[Decimal | None, ...] = ()
    """For each of `items`, how much more free stock of it the order needs (`Held.lacks`, lowered
    by what the days since gave back); None, or none at all: not known (a hold kept before
    schema 41, or read without them), so any of the item freed wakes it."""

    def held(self) -> Held:
        """The hold as a day reports it: every order kept, every day (`_held`)."""
        return _held(self.number, self.customer, self.reason, self.items, self.since, ())

    def lack(self, item: str) -> Decimal | None:
        """What the order lacks of `item` (None: not known).

        >>> stock = Hold(7, "OC-2026-7", "C1", date(2026, 4, 9), DocumentType.STANDARD, HoldKind.STOCK,
        ...              "ship-line-held", ("A", "B"), date(2026, 4, 9), (Decimal(3), None))
        >>> stock.lack("A"), stock.lack("B"), stock.lack("C")
        (Decimal('3'), None, None)
        """
        for short, lacks in zip(self.items, self.lacks, strict=False):
            if short == item:
                return lacks
        return None


_held = maker(Held)


@dataclass(frozen=True)
class Changes:
    """What the ledger recorded since the holds were last judged, as the ledger gathers it."""

    actions: frozenset[str]
    """The events' actions."""
    orders: frozenset[int]
    """The orders whose status changed."""
    freed: frozenset[str]
    """The items shipped back (a DDT line below zero), those shipped by DDTs the stock sheet
    does not count (dated before its count date, or any without one: the stock on hand stays,
    the queue ahead shrinks), and those of the orders whose status moved by one of
    `FREES_ITEMS`."""
    billed: frozenset[int] | None
    """The orders with an invoice line, or with an invoice paid or moved, recorded since: the
    only orders whose payment may have moved. None: an invoice was undone, and which orders it
    billed is gone with it, so any order's may have."""
    customers: frozenset[str] = frozenset()
    """The customers whose terms or limit moved (`moved_customers`)."""
    taken: frozenset[str] = frozenset()
    """The items of the orders that hold them again (`TAKES_ITEMS`) or were numbered ahead of
    orders numbered before them (a year or series that ranks first), and those a new stock
    sheet leaves less of on hand (`destocked`): an order behind may have less of them."""
    drained: frozenset[int] = frozenset()
    """The orders kept on hold as complete orders (`ORDER_HELD`) that hold one of `taken`, as
    the ledger finds them: each may now be short of an item it was not short of, and wakes."""
    gained: Mapping[str, Decimal] = field(default_factory=dict)
    """Of the items `freed`, the most each one's free stock may have gained, for any order:
    what the returns and the uncounted DDTs shipped of it, the open lines of the orders freeing
    it, the sheet's rise. An item freed and not here may have gained any amount (a service)."""


def without_bound(changes: Changes, items: Collection[str]) -> Changes:
    """`changes` with `items` freed by any amount: each wakes every hold short of it."""
    if not items:
        return changes
    return replace(changes, freed=changes.freed | frozenset(items),
                   gained={item: most for item, most in changes.gained.items() if item not in items})


def freed_enough(hold: Hold, changes: Changes) -> bool:
    """Whether an item `hold` is short of may have gained as much as the order lacks of it
    (`Changes.gained` against `Hold.lacks`): else planning it again holds it as it is.

    >>> D = Decimal
    >>> stock = Hold(7, "OC-2026-7", "C1", date(2026, 4, 9), DocumentType.STANDARD, HoldKind.STOCK,
    ...              "ship-order-held", ("A", "B"), date(2026, 4, 9), (D(5), D(2)))
    >>> [freed_enough(stock, Changes(frozenset(), frozenset(), frozenset(freed), None, gained=gained))
    ...  for freed, gained in ((["A"], {"A": D(4)}), (["A"], {"A": D(5)}), (["A"], {}), (["C"], {"C": D(9)}))]
    [False, True, True, False]
    """
    for item in changes.freed.intersection(hold.items):
        most, lacks = changes.gained.get(item), hold.lack(item)
        if most is None or lacks is None or most >= lacks:
            return True
    return False


def customer_terms(master: MasterData) -> dict[str, str]:
    """What the plan's holds read of each customer, by code: the delivery terms and the credit
    limit, spelt as the ledger keeps them (`moved_customers`). (The customers' whole records
    took half a second to spell at L, at every shipping command.)"""
    return _customer_terms(master)


@per_master
def _customer_terms(master: MasterData) -> dict[str, str]:
    return {c.code: f"{c.delivery_terms}\t{c.credit_limit}" for c in master.customers}


def customers_key(master: MasterData) -> str:
    """A digest of `customer_terms`: when it moves, the terms the holds were judged by are
    compared with these customer by customer (`moved_customers`)."""
    return _customers_key(master)


@per_master
def _customers_key(master: MasterData) -> str:
    digest = hashlib.sha256()
    for code, terms in customer_terms(master).items():
        digest.update(f"{code}\t{terms}\n".encode())
    return digest.hexdigest()


def moved_customers(before: Mapping[str, str], now: Mapping[str, str]) -> frozenset[str]:
    """The customers whose terms or limit are not those the holds were judged by, added and
    taken away included: only their holds wake.

    >>> sorted(moved_customers({"C1": "a", "C2": "b", "C3": "c"}, {"C1": "a", "C2": "x", "C4": "d"}))
    ['C2', 'C3', 'C4']
    """
    return frozenset(code for code in before.keys() | now.keys() if before.get(code) != now.get(code))


NO_STOCK = "no stock"
"""The `stock_key` of master data without a stock sheet: stock is not tracked."""


_HALF = 32
"""Where `stock_key` ends the sheet's digest and starts the services' (the ledger keeps 64
characters)."""


def stock_key(master: MasterData) -> str:
    """A digest of the stock sheet and its count date, then one of the items that are services
    (`NO_STOCK` without a sheet): when it moves, the sheet the holds were judged by is compared
    with this one item by item (`restocked`), and when the services' part moves
    (`services_moved`) a service may be goods again."""
    return _stock_key(master)


@per_master
def _stock_key(master: MasterData) -> str:
    if master.stock is None:
        return NO_STOCK
    digest = hashlib.sha256(repr(master.settings.stock_date).encode())
    for level in master.stock or ():
        digest.update(f"{level.item}\t{level.quantity}\n".encode())
    services = hashlib.sha256("\n".join(sorted(service_items(master))).encode())
    return digest.hexdigest()[:_HALF] + services.hexdigest()[:_HALF]


def services_moved(before: str, now: str) -> bool:
    """Whether the items that are services are not those of the `stock_key` the holds were
    judged by (a key kept before services were part of it counts as moved). A service is never
    short, so a complete order kept on hold holds one without waiting for it; made goods again
    (*Servizio* `no`), it may be short of it. Which items were services is not kept, so every
    complete order kept wakes (`Changes.drained`): a desk seldom moves the column."""
    return NO_STOCK not in (before, now) and before[_HALF:] != now[_HALF:]


def restocked(before: Mapping[str, Decimal], shipped_before: Mapping[str, Decimal],
              now: Mapping[str, Decimal], shipped_now: Mapping[str, Decimal]) -> frozenset[str]:
    """The items a new stock sheet leaves more of on hand than the sheet the holds were judged
    by: the only ones whose holds it can wake. Each sheet's stock on hand is its level less
    what shipped from its count date (`shipped_before`, `shipped_now`: what the ledger's DDTs
    shipped of each item from each sheet's count date, as it stands now; nothing without a
    date), so both are read against the same DDTs and the difference is the sheet's alone. An
    order ahead that shipped since lowers every sheet's figure alike.

    >>> D = Decimal
    >>> sorted(restocked({"A": D(5), "B": D(5)}, {}, {"A": D(9), "B": D(5), "C": D(1)}, {}))
    ['A', 'C']

    Counted again on a later date, with what shipped in between taken off the level, the
    stock on hand is the same: nothing wakes.

    >>> restocked({"A": D(10)}, {"A": D(4)}, {"A": D(7)}, {"A": D(1)})
    frozenset()
    """
    return frozenset(restocked_by(before, shipped_before, now, shipped_now))


def restocked_by(before: Mapping[str, Decimal], shipped_before: Mapping[str, Decimal],
                 now: Mapping[str, Decimal], shipped_now: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """`restocked`'s items, each with how much more the new sheet leaves on hand: the most a
    hold short of it gained by the sheet (`Changes.gained`).

    >>> D = Decimal
    >>> restocked_by({"A": D(5), "B": D(5)}, {"A": D(1)}, {"A": D(9), "B": D(4)}, {"A": D(2)})
    {'A': Decimal('3')}
    """
    return {item: more for item, more in _on_hand_moved(before, shipped_before, now, shipped_now).items() if more > 0}


def destocked(before: Mapping[str, Decimal], shipped_before: Mapping[str, Decimal],
              now: Mapping[str, Decimal], shipped_now: Mapping[str, Decimal]) -> frozenset[str]:
    """The items a new stock sheet leaves less of on hand than the sheet the holds were judged
    by (read as `restocked` reads them): a complete order kept on hold that holds one of them
    may now be short of it too (`Changes.taken`).

    >>> D = Decimal
    >>> sorted(destocked({"A": D(5), "B": D(5)}, {}, {"A": D(9), "B": D(3)}, {"B": D(1)}))
    ['B']
    """
    return frozenset(item for item, more in _on_hand_moved(before, shipped_before, now, shipped_now).items() if more < 0)


def _on_hand_moved(before: Mapping[str, Decimal], shipped_before: Mapping[str, Decimal],
                   now: Mapping[str, Decimal], shipped_now: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """How much more of each item the new sheet leaves on hand than the one before (below zero:
    less), both read against the same DDTs."""
    zero = Decimal(0)
    return {item: (now.get(item, zero) - shipped_now.get(item, zero))
            - (before.get(item, zero) - shipped_before.get(item, zero))
            for item in before.keys() | now.keys() | shipped_before.keys() | shipped_now.keys()}


def held_whole(held: Iterable[Held], shipping: Collection[str], asked: Collection[str]) -> dict[str, Held]:
    """The orders, by number, that a day's plan held for a reason kept on hold (`KIND_OF`):
    among `asked`, every warning of theirs such a reason, and none of their lines in a DDT
    (`shipping`) unless all they wait for is stock. An order that ships in part has taken
    what its place in the queue leaves it, and its own DDT gives it no more (it lowers the
    stock and its own holding alike; a DDT the stock sheet does not count frees its items, and
    wakes it): planned again the next day it took nothing, 2,300 orders a day at L. The first
    of each order's holds says why."""
    found: dict[str, Held] = {}
    others: set[str] = set()
    for h in held:
        if h.order not in asked:
            continue
        if h.reason not in KIND_OF or (h.order in shipping and KIND_OF[h.reason] is not HoldKind.STOCK):
            others.add(h.order)
        found.setdefault(h.order, h)
    return {number: h for number, h in found.items() if number not in others}


def woken(holds: Sequence[Hold], changes: Changes, master: MasterData, *, exposures: Mapping[str, Exposure],
          paid: Collection[int] | None, force: bool, asked: Collection[int] | None = None) -> list[Hold]:
    """The holds that may no longer hold: see the module's docstring. A customer's credit comes
    first, as in the plan: a hold for another reason wakes when its customer goes over the limit
    (the plan would hold it for credit now). `exposures` are the customers' with a credit limit,
    read now. `paid`: of the orders whose payment was asked (`asked`, the orders `payment_asked`
    names; None: every order kept, as when the caller says which orders are paid), those whose
    payment is in; None when nothing was billed since, so no payment moved. An order held for
    stock that ships after payment wakes when it is no longer paid (an invoice added), as the
    plan would hold it for its payment first."""
    customers = {c.code: c for c in master.customers}
    over = over_customers(master, {hold.customer for hold in holds}, exposures, force)
    anything = not changes.actions <= KNOWN
    found = []
    for hold in holds:
        if hold.order_id in changes.orders or hold.order_id in changes.drained or hold.customer in changes.customers:
            wakes = True
        elif hold.kind is HoldKind.CREDIT:
            wakes = hold.customer not in over
        elif hold.customer in over:
            wakes = True
        elif hold.kind is HoldKind.PAYMENT:
            wakes = paid is not None and hold.order_id in paid
        else:
            unpaid = (paid is not None and (asked is None or hold.order_id in asked) and hold.order_id not in paid
                      and pays_first(hold.document_type, customers[hold.customer]))
            wakes = unpaid or anything or not hold.items or freed_enough(hold, changes)
        if wakes:
            found.append(hold)
    return found


def over_customers(master: MasterData, codes: Iterable[str], exposures: Mapping[str, Exposure],
                   force: bool) -> frozenset[str]:
    """Of these customers, those over their credit limit now (none when the user ships past it)."""
    if force:
        return frozenset()
    customers = {c.code: c for c in master.customers}
    return frozenset(code for code in codes if code in customers and over_limit(customers[code], exposures.get(code)))


@dataclass(frozen=True)
class Waking:
    """The kept holds `woken` may wake, in the terms the ledger selects them by
    (`toolkit.ledger.holds.waking`), so that a day reads those and not every hold: late in a
    month at L 116,000 holds are kept and a day wakes a few hundred of them. `may_wake` says
    which; `covers` is the same selection for one hold."""

    orders: frozenset[int] = frozenset()
    """The holds of these orders."""
    customers: frozenset[str] = frozenset()
    """Every hold of these customers."""
    credit_of: frozenset[str] = frozenset()
    """The credit holds of these customers."""
    others_of: frozenset[str] = frozenset()
    """The holds of these customers for a reason other than credit."""
    items: frozenset[str] = frozenset()
    """The stock holds short of one of these items."""
    stock: bool = False
    """Every stock hold."""

    def covers(self, hold: Hold) -> bool:
        """Whether the selection holds `hold`.

        >>> stock = Hold(7, "OC-2026-7", "C1", date(2026, 4, 9), DocumentType.STANDARD, HoldKind.STOCK,
        ...              "ship-line-held", ("A", "B"), date(2026, 4, 9))
        >>> Waking(items=frozenset({"B"})).covers(stock), Waking(credit_of=frozenset({"C1"})).covers(stock)
        (True, False)
        """
        return (hold.order_id in self.orders or hold.customer in self.customers
                or hold.customer in (self.credit_of if hold.kind is HoldKind.CREDIT else self.others_of)
                or (hold.kind is HoldKind.STOCK and (self.stock or not self.items.isdisjoint(hold.items))))


def may_wake(changes: Changes, master: MasterData, kinds: Mapping[str, Collection[HoldKind]], *,
             exposures: Mapping[str, Exposure], paid: Collection[int] | None, force: bool,
             asked: Collection[int] | None = None) -> Waking:
    """The holds `woken` may wake, given the same `changes`, `exposures`, `paid`, `force` and
    `asked`, and the kinds of the holds kept of each customer (`kinds`): a selection of them
    all the ledger can read by index (`Waking`). Each branch of `woken` has its part: the
    orders whose status moved, drained (`Changes.drained`) or whose payment was asked, the
    customers moved, the credit holds
    of the customers no longer over the limit and the other holds of those over it, the stock
    holds short of an item freed, and every stock hold when any of them may wake (an event that
    may give stock back, or the caller naming the orders paid). A stock hold short of no item,
    which wakes whatever happened, is never kept (`keepable`)."""
    over = over_customers(master, kinds, exposures, force)
    return Waking(
        orders=changes.orders | changes.drained | frozenset(paid or ()) | frozenset(asked or ()),
        customers=changes.customers,
        credit_of=frozenset(code for code, held in kinds.items() if HoldKind.CREDIT in held and code not in over),
        others_of=frozenset(code for code in over if set(kinds[code]) - {HoldKind.CREDIT}),
        items=changes.freed,
        stock=not changes.actions <= KNOWN or (paid is not None and asked is None))


def keepable(hold: Hold) -> bool:
    """Whether a day keeps `hold`: not a stock hold short of no item, which `woken` wakes the
    next day whatever happened (and `may_wake` does not look for)."""
    return hold.kind is not HoldKind.STOCK or bool(hold.items)


def payment_asked(holds: Sequence[Hold], master: MasterData, billed: Collection[int] | None) -> list[int]:
    """The orders kept on hold whose payment `woken` looks at: those that ship after payment,
    of those `billed` (`Changes.billed`; None: all of them). At L 34,000 orders kept wait for
    their prepayment, and their invoices were looked up every day for the few billed since."""
    customers = {c.code: c for c in master.customers}
    return [hold.order_id for hold in holds if (billed is None or hold.order_id in billed)
            and (hold.kind is HoldKind.PAYMENT
                 or (hold.customer in customers and pays_first(hold.document_type, customers[hold.customer])))]


def as_before(count: int, oldest: date | None) -> list[Problem]:
    """The one warning of the `count` orders still held as on previous days, the `oldest` held
    since that day (none without any)."""
    if not count:
        return []
    return [HELD_AS_BEFORE(None, count=count, since=oldest)]
