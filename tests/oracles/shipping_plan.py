"""The shipping plan as the first releases made it: the reference for the planner's faster
steps (`toolkit.core.shipping.plan_shipments`), which `tests/oracles/shipping_rowwise.py` plans
with, so `tests/test_shipping_setbased.py` compares every DDT, held order and problem with it.

Every order's wanted quantities went through `_within`, chosen or not, and every line's amount
was worked out again. What an order could take of an item was the stock less what the orders
ahead of it reserve and what it took itself, and never more than this run had left
(`_Run.available`): the product drops the last bound, which the reservations make redundant
(`tests/test_shipping_ahead.py` checks it is never the one that binds).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from toolkit.basics.cells import Location
from toolkit.basics.money import cents
from toolkit.basics.problems import Problem
from toolkit.basics.vocab import DeliveryTerms, DocumentType, label
from toolkit.core.delivery_rate import RatedAgain, rated_for_delivery
from toolkit.core.exposure import Exposure
from toolkit.core.lines import line_amount
from toolkit.core.orders import EFFECTS, STATUS_LABELS, Order, OrderLine, OrderStatus
from toolkit.core.reservations import NONE, Reservations
from toolkit.core.shipping import (
    AWAITING_PAYMENT,
    CREDIT_FORCED,
    CREDIT_HELD,
    DOES_NOT_SHIP,
    LINE_HELD,
    NOT_OPEN,
    ORDER_HELD,
    PARTIAL_STOCK,
    QUANTITY_PLACES,
    QUANTITY_TOO_LARGE,
    STOCK_RESERVED,
    UNKNOWN_CARRIER,
    ZERO,
    Held,
    PaymentSoFar,
    Reason,
    ShipmentDraft,
    ShipmentLine,
    ShippingPlan,
    Shortfall,
    awaits_payment,
    number_key,
    over_limit,
    route_carrier,
    terms_overridden,
)
from toolkit.model.memo import per_master
from toolkit.model.records import MasterData, StockLevel


def plan_shipments(orders: Sequence[Order], master: MasterData, stock: Mapping[str, Decimal] | None, day: date, *,
                   quantities: Mapping[int, Decimal] | None = None, paid: Collection[int] = frozenset(),
                   carrier: str | None = None, exposures: Mapping[str, Exposure] | None = None,
                   force: bool = False, reservations: Reservations = NONE,
                   unread: Collection[int] = frozenset()) -> ShippingPlan:
    """Decide what ships on `day`: one draft per (customer, destination, reason), plus what is held.

    `quantities` (order-line id → quantity) ships only the chosen lines of the orders it names;
    orders it does not name ship everything open. `paid` holds the ids of the orders whose
    prepayment has arrived. `exposures` (from the ledger) drive the credit check: a customer
    above the credit limit is held unless `force`. `reservations` are every open order's (from
    the ledger): an order may use only the stock that the orders ahead of it leave free.
    `unread` names orders passed without their lines that have something still to ship: the
    ones `held_unread` holds whatever their lines say.
    """
    customers = {c.code: c for c in master.customers}
    if carrier is not None and carrier not in {c.code for c in master.carriers}:
        return ShippingPlan((), (), (UNKNOWN_CARRIER(None, code=carrier),))
    quantities = quantities or {}
    run = _Run(dict(stock) if stock is not None else None, master, reservations)
    chosen_orders = {o.id for o in orders if any(line.id in quantities for line in o.lines)}
    candidates = [o for o in sorted(orders, key=lambda o: number_key(o.place)) if _shippable(o, run)]
    blocked, forced = _credit_check(master, candidates, exposures or {}, force, run)
    for order in candidates:
        if order.customer in blocked and order.document_type is not DocumentType.RETURN:
            continue
        wanted = [(line, quantities.get(line.id, ZERO) if order.id in chosen_orders else line.to_ship)
                  for line in order.lines]
        wanted = [(line, q) for line, q in wanted if q != 0 and _within(order, line, q, run)]
        if not wanted and order.id not in unread:
            continue
        if order.document_type is DocumentType.RETURN:
            for line, quantity in wanted:
                run.take(order, line, quantity)
            continue
        terms = customers[order.customer].delivery_terms
        if awaits_payment(order, customers[order.customer], paid):
            run.held.append(Held(order.number, order.customer, AWAITING_PAYMENT.code))
            run.problems.append(AWAITING_PAYMENT(master.locate(customers[order.customer].source, "delivery_terms"),
                                                 number=order.number, customer=order.customer, payment=PaymentSoFar()))
            continue
        before = len(run.taken)
        if terms is DeliveryTerms.COMPLETE_ORDER:
            _complete_order(order, wanted, run)
        elif terms is DeliveryTerms.COMPLETE_LINE:
            _complete_lines(order, wanted, run)
        else:
            _as_available(order, wanted, run)
        if order.id in chosen_orders:
            run.problems.extend(terms_overridden(order, terms, run.taken[before:],
                                                 master.locate(customers[order.customer].source, "delivery_terms")))
    rated: list[RatedAgain] = []
    drafts = _drafts(master, run.taken, day, carrier, forced, rated, run.problems)
    return ShippingPlan(tuple(drafts), tuple(run.held), tuple(run.problems), tuple(rated))


def _drafts(master: MasterData, taken: list[tuple[Order, OrderLine, Decimal]], day: date, carrier: str | None,
            forced: set[str], rated: list[RatedAgain], told: list[Problem]) -> list[ShipmentDraft]:
    customers = {c.code: c for c in master.customers}
    ship_to = {s.code: s for s in master.ship_to}
    weights = {i.code: i.weight for i in master.items}
    services = {i.code for i in master.items if i.service}
    groups: dict[tuple[str, str | None, Reason, bool], list[ShipmentLine]] = {}
    for order, line, quantity in taken:
        line, again, said = rated_for_delivery(master, order, line, day)  # every line asked, none skipped
        rated += [again] if again is not None else []
        told += [said] if said is not None else []
        reason = Reason.RETURN if order.document_type is DocumentType.RETURN or quantity < 0 else Reason.SALE
        groups.setdefault((order.customer, order.ship_to, reason, line.item in services), []).append(ShipmentLine(
            line.item, line.description, line.unit, quantity, line.unit_price, line_amount(quantity, line.unit_price),
            line.vat_rate, line.vat_nature, order.id, order.number, line.id, line.line_no))
    drafts: list[ShipmentDraft] = []
    rendered_drafts: list[ShipmentDraft] = []
    for (code, destination, reason, rendered), lines in groups.items():
        if rendered:  # services travel on no DDT: a record of their own, no carrier, no weight
            rendered_drafts.append(ShipmentDraft(day, code, destination, None, reason, tuple(lines),
                                                 forced=code in forced and reason is Reason.SALE, services=True))
            continue
        customer = customers[code]
        chosen = carrier
        if chosen is None:
            route = route_carrier(master, customer, ship_to.get(destination) if destination else None)
            chosen = route.code if route is not None else None
        known = [abs(line.quantity) * each for line in lines if (each := weights.get(line.item)) is not None]
        weight = (sum(known, ZERO).quantize(QUANTITY_PLACES, rounding=ROUND_HALF_UP)
                  if known and len(known) == len(lines) else None)  # a weight for every line, or none
        drafts.append(ShipmentDraft(day, code, destination, chosen, reason, tuple(lines), weight, None,
                                    forced=code in forced and reason is Reason.SALE))
    return drafts + rendered_drafts


@dataclass
class _Run:
    """The state one planning run threads through its steps: stock left, lines taken, findings."""

    stock: dict[str, Decimal] | None
    master: MasterData
    reservations: Reservations = NONE
    taken: list[tuple[Order, OrderLine, Decimal]] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    start: dict[str, Decimal] = field(default_factory=dict)
    """The stock as the run found it, which the reservations of the orders ahead are counted against."""
    own: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    """What this run took per (order id, item)."""
    cells: dict[str, Location | None] = field(default_factory=dict)
    """`cell` per item, as worked out once."""

    def __post_init__(self) -> None:
        self.start = dict(self.stock or {})

    def cell(self, item: str) -> Location | None:
        """Where the item's stock level is in the workbook, for a problem's location; found once
        per item and run (a day at L warns about the same few thousand items again and again)."""
        if item not in self.cells:
            level = _stock_levels(self.master).get(item)
            self.cells[item] = None if level is None else self.master.locate(level.source, "quantity")
        return self.cells[item]

    def available(self, item: str, order: Order | None = None) -> Decimal | None:
        """What `order` may take of `item`: the stock as found less what the orders ahead of it
        reserve (what they took in this run included) and what it took itself, and never more
        than is left now. A service is rendered, never short: None."""
        if self.stock is None or any(i.code == item and i.service for i in self.master.items):
            return None
        left = self.stock.get(item, ZERO)
        if order is not None:
            free = self.start.get(item, ZERO) - self.reservations.ahead(item, order) \
                - self.own.get((order.id, item), ZERO)
            left = min(left, free)
        return max(left, ZERO)

    def take(self, order: Order, line: OrderLine, quantity: Decimal) -> None:
        self.taken.append((order, line, quantity))
        if self.stock is not None and quantity > 0:
            self.stock[line.item] = self.stock.get(line.item, ZERO) - quantity
            self.own[order.id, line.item] = self.own.get((order.id, line.item), ZERO) + quantity

    def short(self, order: Order, item: str) -> None:
        """Say which earlier orders hold the stock `order` lacks, when reservations are why."""
        if self.stock is None:
            return
        reserved = self.reservations.ahead(item, order)
        if not reserved or self.start.get(item, ZERO) <= 0:
            return
        if self.start.get(item, ZERO) - reserved - self.own.get((order.id, item), ZERO) >= self.stock.get(item, ZERO):
            return
        holders, many = self.reservations.first_holders_ahead(item, order, 3)
        shown_holders = ", ".join(holders) + (f" +{many - 3}" if many > 3 else "")
        self.problems.append(STOCK_RESERVED(self.cell(item), number=order.number, item=item, reserved=reserved,
                                            stock=self.start[item], orders=shown_holders,
                                            available=self.available(item, order)))


@per_master
def _stock_levels(master: MasterData) -> dict[str, StockLevel]:
    return {level.item: level for level in master.stock or ()}


def _within(order: Order, line: OrderLine, quantity: Decimal, run: _Run) -> bool:
    """A chosen quantity fits what is still open (the quantities file was checked already; this
    guards callers that pass quantities of their own)."""
    if abs(quantity) <= abs(line.to_ship) and (quantity < 0) == (line.to_ship < 0):
        return True
    run.problems.append(QUANTITY_TOO_LARGE(None, number=order.number, line=line.line_no, item=line.item,
                                           quantity=abs(quantity), open=abs(line.to_ship)))
    return False


def _shippable(order: Order, run: _Run) -> bool:
    """Quotations and proposals never ship; other orders only while in progress."""
    if not EFFECTS[order.document_type].ships:
        run.held.append(Held(order.number, order.customer, DOES_NOT_SHIP.code))
        run.problems.append(DOES_NOT_SHIP(None, number=order.number, type_it=label(order.document_type, "it").lower(),
                                          type_en=label(order.document_type, "en").lower()))
        return False
    if order.status is not OrderStatus.IN_PROGRESS:
        it, en = STATUS_LABELS[order.status]
        run.held.append(Held(order.number, order.customer, NOT_OPEN.code))
        run.problems.append(NOT_OPEN(None, number=order.number, status_it=it, status_en=en))
        return False
    return True


def _credit_check(master: MasterData, orders: Sequence[Order], exposures: Mapping[str, Exposure], force: bool,
                  run: _Run) -> tuple[set[str], set[str]]:
    """Customers above their credit limit (fido), warned once each: (held, shipped anyway by force)."""
    customers = {c.code: c for c in master.customers}
    held: set[str] = set()
    forced: set[str] = set()
    sales: dict[str, list[Order]] = {}
    for order in orders:
        if order.document_type is not DocumentType.RETURN:
            sales.setdefault(order.customer, []).append(order)
    for code, theirs in sales.items():
        limit, exposure = customers[code].credit_limit, exposures.get(code)
        if not over_limit(customers[code], exposure) or limit is None or exposure is None:
            continue
        figures = dict(customer=code, total=cents(exposure.total), outstanding=cents(exposure.outstanding),
                       uninvoiced=cents(exposure.uninvoiced), unshipped=cents(exposure.unshipped), limit=cents(limit))
        where = master.locate(customers[code].source, "credit_limit")
        if force:
            forced.add(code)
            run.problems.append(CREDIT_FORCED(where, **figures))
            continue
        held.add(code)
        run.problems.append(CREDIT_HELD(where, **figures))
        run.held.extend(Held(order.number, code, CREDIT_HELD.code) for order in theirs)
    return held, forced


def _complete_order(order: Order, wanted: list[tuple[OrderLine, Decimal]], run: _Run) -> None:
    needed: dict[str, Decimal] = {}
    for line, quantity in wanted:
        needed[line.item] = needed.get(line.item, ZERO) + quantity
    short = [item for item, quantity in needed.items()
             if (available := run.available(item, order)) is not None and available < quantity]
    if short:
        run.held.append(Held(order.number, order.customer, ORDER_HELD.code, tuple(short)))
        run.problems.append(ORDER_HELD(run.cell(short[0]), number=order.number,
                                       items=tuple(Shortfall(i, run.available(i, order), needed[i]) for i in short)))
        for item in short:
            run.short(order, item)
        return
    for line, quantity in wanted:
        run.take(order, line, quantity)


def _complete_lines(order: Order, wanted: list[tuple[OrderLine, Decimal]], run: _Run) -> None:
    short: list[str] = []
    for line, quantity in wanted:
        available = run.available(line.item, order)
        if available is not None and available < quantity:
            short.append(line.item)
            run.problems.append(LINE_HELD(run.cell(line.item), number=order.number, line=line.line_no,
                                          item=line.item, available=available, wanted=quantity))
            run.short(order, line.item)
            continue
        run.take(order, line, quantity)
    if short:
        run.held.append(Held(order.number, order.customer, LINE_HELD.code, tuple(short)))


def _as_available(order: Order, wanted: list[tuple[OrderLine, Decimal]], run: _Run) -> None:
    short: list[str] = []
    for line, quantity in wanted:
        available = run.available(line.item, order)
        shipped = quantity if available is None or quantity < 0 else min(quantity, available)
        if shipped:
            run.take(order, line, shipped)
        if shipped < quantity:
            short.append(line.item)
            run.problems.append(PARTIAL_STOCK(run.cell(line.item), number=order.number, item=line.item,
                                              available=available, wanted=quantity, shipped=shipped))
            run.short(order, line.item)
    if short:
        run.held.append(Held(order.number, order.customer, PARTIAL_STOCK.code, tuple(short)))
