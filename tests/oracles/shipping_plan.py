"""The shipping plan as the first releases made it: the reference for the planner's faster
steps (`toolkit.core.shipping.plan_shipments`), which `tests/oracles/shipping_rowwise.py` plans
with, so `tests/test_shipping_setbased.py` compares every DDT, held order and problem with it.

Every order's wanted quantities went through `_within`, chosen or not, and every line's amount
was worked out again; the steps between (stock, reservations, terms, credit) are the product's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from toolkit.basics.vocab import DeliveryTerms, DocumentType
from toolkit.core.exposure import Exposure
from toolkit.core.lines import line_amount
from toolkit.core.orders import Order, OrderLine
from toolkit.core.reservations import NONE, Reservations
from toolkit.core.shipping import (
    AWAITING_PAYMENT,
    QUANTITY_PLACES,
    UNKNOWN_CARRIER,
    ZERO,
    Held,
    Reason,
    ShipmentDraft,
    ShipmentLine,
    ShippingPlan,
    _as_available,
    _complete_lines,
    _complete_order,
    _credit_check,
    _Run,
    _shippable,
    _within,
    awaits_payment,
    number_key,
    route_carrier,
)
from toolkit.model.records import MasterData


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
                                                 number=order.number, customer=order.customer))
            continue
        if terms is DeliveryTerms.COMPLETE_ORDER:
            _complete_order(order, wanted, run)
        elif terms is DeliveryTerms.COMPLETE_LINE:
            _complete_lines(order, wanted, run)
        else:
            _as_available(order, wanted, run)
    drafts = _drafts(master, run.taken, day, carrier, forced)
    return ShippingPlan(tuple(drafts), tuple(run.held), tuple(run.problems))


def _drafts(master: MasterData, taken: list[tuple[Order, OrderLine, Decimal]], day: date, carrier: str | None,
            forced: set[str]) -> list[ShipmentDraft]:
    customers = {c.code: c for c in master.customers}
    ship_to = {s.code: s for s in master.ship_to}
    weights = {i.code: i.weight for i in master.items}
    groups: dict[tuple[str, str | None, Reason], list[ShipmentLine]] = {}
    for order, line, quantity in taken:
        reason = Reason.RETURN if order.document_type is DocumentType.RETURN else Reason.SALE
        groups.setdefault((order.customer, order.ship_to, reason), []).append(ShipmentLine(
            line.item, line.description, line.unit, quantity, line.unit_price, line_amount(quantity, line.unit_price),
            line.vat_rate, line.vat_nature, order.id, order.number, line.id, line.line_no))
    drafts = []
    for (code, destination, reason), lines in groups.items():
        customer = customers[code]
        chosen = carrier
        if chosen is None:
            route = route_carrier(master, customer, ship_to.get(destination) if destination else None)
            chosen = route.code if route is not None else None
        known = [abs(line.quantity) * each for line in lines if (each := weights.get(line.item)) is not None]
        weight = sum(known, ZERO).quantize(QUANTITY_PLACES, rounding=ROUND_HALF_UP) if known else None
        drafts.append(ShipmentDraft(day, code, destination, chosen, reason, tuple(lines), weight, None,
                                    forced=code in forced and reason is Reason.SALE))
    return drafts
