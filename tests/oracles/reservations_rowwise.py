"""The reservations and the open-quantity check as the ledger read them line by line: the
reference `tests/test_shipping_setbased.py` compares the grouped reads with.

`reservations` brought every open reserving line back (number, place, item, ordered, shipped)
and summed what is still to ship per order and item in Python; `check_open` read each shipped
order line's ordered and shipped quantities, 900 lines a query, and refused a draft that would
ship more than is open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from decimal import Decimal

from sqlalchemy import Connection, func, select

from toolkit.basics.vocab import DocumentType
from toolkit.core.orders import EFFECTS, place_of
from toolkit.core.reservations import HOLDING, NONE, Reservations, reserved_lines
from toolkit.core.shipping import ShipmentDraft
from toolkit.ledger import schema
from toolkit.ledger.db import document_number
from toolkit.ledger.deliveries import OverShipment

o, ol, dl = schema.orders.c, schema.order_lines.c, schema.delivery_lines.c


def reservations(conn: Connection, items: Collection[str] | None = None) -> Reservations:
    reserving = [t.value for t, effects in EFFECTS.items() if effects.reserves]
    shipped = select(func.sum(dl.quantity)).where(dl.order_line_id == ol.id).scalar_subquery()
    cited = schema.orders.alias("cited")
    rows = conn.execute(
        select(o.series, o.year, o.number, cited.c.series, cited.c.year, cited.c.number, cited.c.document_type,
               ol.item, ol.quantity, shipped)
        .select_from(schema.orders.join(schema.order_lines, ol.order_id == o.id)
                     .outerjoin(cited, cited.c.id == o.confirms))
        .where(o.status.in_([s.value for s in HOLDING]), o.document_type.in_(reserving),
               *([ol.item.in_(sorted(items))] if items is not None else []))).all()
    if not rows:
        return NONE
    lines = []
    for series, year, seq, c_series, c_year, c_seq, c_type, item, quantity, sent in rows:
        number = document_number(series, year, seq)
        confirms = document_number(c_series, c_year, c_seq) if c_series is not None else None
        place = place_of(number, confirms, DocumentType(c_type) if c_type else None)
        lines.append((number, place, item, quantity - (sent if sent is not None else Decimal(0))))
    return Reservations(reserved_lines(lines))


def check_open(conn: Connection, drafts: Sequence[ShipmentDraft]) -> None:
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    for draft in drafts:
        for line in draft.lines:
            wanted[line.order_line_id] += line.quantity
    ids = list(wanted)
    sent = select(func.sum(dl.quantity)).where(dl.order_line_id == ol.id).scalar_subquery()
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        figures = {line_id: (quantity, shipped) for line_id, quantity, shipped
                   in conn.execute(select(ol.id, ol.quantity, sent).where(ol.id.in_(chunk)))}
        for line_id in chunk:
            quantity, done = figures.get(line_id, (None, None))
            done = Decimal(0) if done is None else done
            after = done + wanted[line_id]
            if quantity is None or abs(after) > abs(quantity) or (after != 0 and (after < 0) != (quantity < 0)):
                raise OverShipment(f"order line {line_id}: {quantity} ordered, {done} shipped, {wanted[line_id]} more")
