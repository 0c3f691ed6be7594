"""Order lines asked for in IN-lists of `IN_LIST` ids, one statement each, on every database:
`toolkit.ledger.deliveries._check_open` and `toolkit.ledger.orders.stored_line_ids` before
PostgreSQL was asked for them in one statement (`toolkit.ledger.batches.among`). Unchanged but
for the names (`check_open`); `tests/test_among.py` holds the product to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Connection, select

from toolkit.core.shipping import ShipmentDraft
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.deliveries import OverShipment, _wanted
from toolkit.ledger.types import places_of, stored_integer

dl, ol = schema.delivery_lines.c, schema.order_lines.c


def check_open(conn: Connection, drafts: Sequence[ShipmentDraft]) -> dict[int, Decimal]:
    """Refuse the first order line (in the drafts' order) that these drafts would take past
    what is open; else return what they ship of each order line (`_wanted`), for
    `_add_shipped`. The figures come as the stored integers, each line's shipped quantity its
    kept sum (`order_lines.shipped`, 0 when nothing shipped): a day at L checks tens of
    thousands of lines, and making each figure a decimal cost more than the check. The
    line-by-line check is the test oracle `tests/oracles/reservations_rowwise.py`."""
    wanted = _wanted(drafts)
    ids = list(wanted)
    figures: dict[int, tuple[int, int | None]] = {}
    for chunk in in_batches(ids):
        figures.update((line_id, (quantity, shipped or None)) for line_id, quantity, shipped in conn.execute(
            select(ol.id, stored_integer(ol.quantity), stored_integer(ol.shipped)).where(ol.id.in_(chunk))))
    places = places_of(dl.quantity)
    for line_id, more in wanted.items():
        quantity, done = figures.get(line_id, (None, None))
        after = (done or 0) + more.scaleb(places)
        if quantity is None or abs(after) > abs(quantity) or (after != 0 and (after < 0) != (quantity < 0)):
            ordered = None if quantity is None else Decimal(quantity).scaleb(-places)
            shown = Decimal(0) if done is None else Decimal(done).scaleb(-places)
            raise OverShipment(f"order line {line_id}: {ordered} ordered, {shown} shipped, {more} more")
    return wanted


def stored_line_ids(conn: Connection, order_ids: Sequence[int]) -> dict[tuple[int, int], int]:
    """The stored lines' ids by (order id, line number)."""
    found: dict[tuple[int, int], int] = {}
    for chunk in in_batches(sorted(order_ids)):
        found.update(((order_id, line_no), id_) for order_id, line_no, id_ in
                     conn.execute(select(ol.order_id, ol.line_no, ol.id).where(ol.order_id.in_(chunk))))
    return found

