"""Whether an order due takes nothing today, as the day's shipping judged it before the plan's
own per-terms step was run once on the waiting orders' open lines (`toolkit.core.shipping.
judge_waiting`): a separate walk of each order's lines against the queues, after which the plan
walked them again for the messages. `tests/test_waiting_judged.py` holds the orders found
waiting the same either way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from toolkit.basics.vocab import DeliveryTerms, DocumentType
from toolkit.core.orders import Order
from toolkit.core.reservations import Reservations
from toolkit.core.shipping import OpenLine

ZERO = Decimal(0)


def takes_nothing(order: Order, lines: Sequence[OpenLine], terms: DeliveryTerms, stock: Mapping[str, Decimal] | None,
                  reservations: Reservations) -> bool:
    """Whether `plan_shipments` takes nothing of this in-progress sale under the customer's
    delivery `terms`, from its lines still to ship alone. What an order may take of an item is
    the stock found less what the orders ahead of it hold and what it took itself
    (`_Run.available`), whatever the orders planned before it did, so this is known before
    planning: a complete order with an item short, complete lines each short, or nothing free of
    any item. At L most of the orders due wait for stock day after day, and their whole lines
    need not be read (`OpenLine`). A return, a line to ship back (negative), or no stock sheet:
    it may ship."""
    if stock is None or order.document_type is DocumentType.RETURN:
        return False
    needed: dict[str, Decimal] = {}
    for line in lines:
        if line.to_ship < 0:
            return False
        if line.to_ship > 0:
            needed[line.item] = needed.get(line.item, ZERO) + line.to_ship
    free = {item: stock.get(item, ZERO) - reservations.ahead(item, order) for item in needed}
    if terms is DeliveryTerms.COMPLETE_ORDER:
        return not needed or any(free[item] < quantity for item, quantity in needed.items())
    if terms is DeliveryTerms.COMPLETE_LINE:
        return all(free[line.item] < line.to_ship for line in lines if line.to_ship > 0)
    return all(room <= 0 for room in free.values())

