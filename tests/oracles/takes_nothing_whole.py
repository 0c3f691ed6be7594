"""`toolkit.core.shipping.takes_nothing` as it read before it asked each item's free stock only
until the answer was known (`_free_until_known`): every item's free stock worked out first,
then the rule of the customer's delivery terms. The two must agree on every order."""

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
