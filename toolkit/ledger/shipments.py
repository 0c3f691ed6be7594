"""What a day's shipping reads and writes, in a few statements whatever the number of orders.

`toolkit ship --all` at L read every open order whole (headers, lines, then the shipped and the
invoiced sums apart), then every holding order's lines again for the stock reservations, and
read each DDT back after storing it: most of a day's 20 seconds. Here one query brings the
lines of every order that holds stock or may ship by the day, with what each line shipped and
invoiced summed by the database, and both the orders to plan and the reservations are built
from it; the DDTs stored are returned as built from their drafts, with the ids and numbers the
ledger gave them, instead of being read back. The rules stay in `toolkit.core.shipping`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, Row, and_, func, or_, select

from toolkit.basics.vocab import DocumentType, PaymentMethod
from toolkit.core.documents import DeliveryNote, DeliveryNoteLine
from toolkit.core.lines import line_amount
from toolkit.core.orders import EFFECTS, Order, OrderLine, OrderStatus, place_of
from toolkit.core.reservations import HOLDING, NONE, Reservations, reserved_lines
from toolkit.core.shipping import ShipmentDraft
from toolkit.ledger import schema
from toolkit.ledger.db import document_number
from toolkit.ledger.orders import imported_from

o, ol, dl, il = schema.orders.c, schema.order_lines.c, schema.delivery_lines.c, schema.invoice_lines.c
ZERO = Decimal(0)


def open_to_ship(conn: Connection, day: date, *, reserve: bool = True) -> tuple[list[Order], Reservations]:
    """The orders in progress that ship and are due by `day` (as `load_orders` builds them), and
    the reservations of every holding order (`toolkit.ledger.orders.reservations`), from one
    query over the holding orders' lines. Without `reserve` (no stock sheet) no reservations."""
    reserving = [t.value for t, effects in EFFECTS.items() if effects.reserves]
    shipping = [t.value for t, effects in EFFECTS.items() if effects.ships]
    due = and_(o.status == OrderStatus.IN_PROGRESS.value, o.occurrence <= day, o.document_type.in_(shipping))
    wanted = or_(and_(o.status.in_([s.value for s in HOLDING]), o.document_type.in_(reserving)), due) if reserve \
        else due
    shipped = select(func.sum(dl.quantity)).where(dl.order_line_id == ol.id).scalar_subquery()
    invoiced = select(func.sum(il.quantity)).where(il.order_line_id == ol.id).scalar_subquery()
    cited = schema.orders.alias("cited")
    rows = conn.execute(
        select(o.id.label("order_id"), o.series, o.year, o.number, o.template, o.occurrence, o.order_date, o.customer, o.ship_to,
               o.contact, o.document_type, o.status, o.price_list, o.price_version, o.project, o.delivery_option,
               o.customer_reference, o.payment_method, o.origin,
               cited.c.series.label("cited_series"), cited.c.year.label("cited_year"),
               cited.c.number.label("cited_number"), cited.c.document_type.label("cited_type"),
               ol.item, ol.description, ol.unit, ol.quantity, ol.unit_price, ol.amount, ol.vat_rate, ol.vat_nature,
               ol.id.label("line_id"), ol.line_no, ol.note, ol.price_rule, shipped.label("shipped"),
               invoiced.label("invoiced"))
        .select_from(schema.orders.join(schema.order_lines, ol.order_id == o.id)
                     .outerjoin(cited, cited.c.id == o.confirms))
        .where(wanted).order_by(o.year, o.series, o.number, ol.line_no)).all()
    return _built(rows, day, reserving if reserve else [])


def _built(rows: Sequence[Row], day: date, reserving: list[str]) -> tuple[list[Order], Reservations]:
    """The orders due and the reservations, in one pass over the rows (unpacked as tuples:
    naming each row's fields cost more than the query at M)."""
    due = {t.value for t, effects in EFFECTS.items() if effects.ships}
    kinds, holding = set(reserving), {s.value for s in HOLDING}
    in_progress = OrderStatus.IN_PROGRESS.value
    orders: list[Order] = []
    reserved: list[tuple[str, str, str, Decimal]] = []
    header: tuple | None = None
    lines: list[OrderLine] = []
    number = place = ""
    for (order_id, series, year, seq, template, occurrence, order_date, customer, ship_to, contact, kind, status,
         price_list, price_version, project, delivery_option, reference, payment, origin, c_series, c_year, c_seq,
         c_type, item, description, unit, quantity, unit_price, amount, vat_rate, vat_nature, line_id, line_no, note,
         price_rule, shipped, invoiced) in rows:
        if header is None or header[0] != order_id:
            if header is not None and lines:
                orders.append(_order(header, number, lines))
            cited = document_number(c_series, c_year, c_seq) if c_series is not None else None
            header = (order_id, template, occurrence, order_date, customer, ship_to, contact, kind, status, price_list,
                      price_version, project, delivery_option, reference, payment, cited, c_type, origin)
            number = document_number(series, year, seq)
            place = place_of(number, cited, DocumentType(c_type) if c_type else None)
            lines = []
        sent = ZERO if shipped is None else shipped
        if status in holding and kind in kinds:
            reserved.append((number, place, item, quantity - sent))
        if status == in_progress and occurrence <= day and kind in due:
            lines.append(OrderLine(item, description, unit, quantity, unit_price, amount, vat_rate, vat_nature, line_id,
                                   line_no, note, sent, ZERO if invoiced is None else invoiced, price_rule))
    if header is not None and lines:
        orders.append(_order(header, number, lines))
    return orders, (Reservations(reserved_lines(reserved)) if reserved else NONE)


def _order(h: tuple, number: str, lines: list[OrderLine]) -> Order:
    (order_id, template, occurrence, order_date, customer, ship_to, contact, kind, status, price_list, price_version,
     project, delivery_option, reference, payment, cited, c_type, origin) = h
    return Order(order_id, number, template, occurrence, order_date, customer, ship_to, contact, DocumentType(kind),
                 OrderStatus(status), price_list, price_version, project, delivery_option, tuple(lines), reference,
                 PaymentMethod(payment) if payment else None, cited, DocumentType(c_type) if c_type is not None else None,
                 imported_from(origin))


def stored_notes(conn: Connection, ids: Sequence[int], series: str, drafts: Sequence[ShipmentDraft], orders: Mapping[int, Order],
                 accounting_date: date | None) -> list[DeliveryNote]:
    """The DDTs just stored from `drafts` (ids and numbers as the ledger gave them), as
    `load_notes` would read them back: their lines' ids are read in one query, the rest is
    what was stored, each quantity and amount as the ledger's scaled integers give it back."""
    line_ids: dict[int, list[int]] = {i: [] for i in ids}
    numbers: dict[int, int] = {}
    if ids:
        d = schema.deliveries.c
        numbers.update(conn.execute(select(d.id, d.number).where(d.id.between(min(ids), max(ids)))).all())
        for line_id, delivery_id in conn.execute(
                select(dl.id, dl.delivery_id).where(dl.delivery_id.between(min(ids), max(ids))).order_by(dl.id)):
            if delivery_id in line_ids:
                line_ids[delivery_id].append(line_id)
    notes = []
    for delivery_id, draft in zip(ids, drafts):
        number = numbers[delivery_id]
        lines = []
        for line_id, line in zip(line_ids[delivery_id], draft.lines):
            order = orders[line.order_id]
            quantity = as_stored(line.quantity, 3)
            lines.append(DeliveryNoteLine(
                line.item, line.description, line.unit, quantity, line.unit_price, line_amount(quantity, line.unit_price),
                line.vat_rate, line.vat_nature, line_id, line.order_line_id, line.order_id, line.order_number,
                line.line_no, order.customer_reference, order.payment_method))
        notes.append(DeliveryNote(
            delivery_id, document_number(series, draft.day.year, number), series, draft.day.year, number, draft.day,
            draft.customer, draft.ship_to, draft.carrier, draft.reason, draft.packages,
            None if draft.weight is None else as_stored(draft.weight, 3), draft.forced, tuple(lines),
            accounting_date or draft.day))
    return notes


def as_stored(value: Decimal, places: int) -> Decimal:
    """A decimal as the ledger gives it back (`toolkit.ledger.types.Scaled`): `7` → `7.000`.

    >>> as_stored(Decimal("7"), 3), as_stored(Decimal("2.50"), 3)
    (Decimal('7.000'), Decimal('2.500'))
    """
    return Decimal(int(value.scaleb(places))).scaleb(-places)
