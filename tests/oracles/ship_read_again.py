"""The day's shipping as it was before it took what it read in its transaction for what it
read (`tests/test_shipping_read_once.py` compares): the due orders given their lines by
`dataclasses.replace`, every order passed looked at for completion, not only those the drafts
ship from (`complete_orders`, the row-by-row oracle's, which it had not changed), and the DDTs
stored built back with their lines' ids read through SQLAlchemy's rows and each line's quantity
and amount worked out again. (The open check before is `toolkit.ledger.deliveries._check_open`,
which `store_drafts` still runs for any caller that does not vouch for its orders.)"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, func, select

from oracles.shipping_rowwise import complete_orders  # noqa: F401 (re-exported)
from toolkit.core.documents import DeliveryNote, DeliveryNoteLine
from toolkit.core.lines import line_amount
from toolkit.core.orders import Order, OrderLine
from toolkit.core.shipping import ShipmentDraft
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.db import document_number
from toolkit.ledger.types import ScaledValues, as_stored, stored_integer
from toolkit.model.parties import PartyBook

o, ol, dl, il = schema.orders.c, schema.order_lines.c, schema.delivery_lines.c, schema.invoice_lines.c
ZERO = Decimal(0)


def with_lines(conn: Connection, orders: Sequence[Order]) -> list[Order]:
    lines: dict[int, list[OrderLine]] = {order.id: [] for order in orders}
    invoiced = select(func.sum(stored_integer(il.quantity))).where(il.order_line_id == ol.id).scalar_subquery()
    quantities, prices, amounts, rates = map(ScaledValues.of, (ol.quantity, ol.unit_price, ol.amount, ol.vat_rate))
    ids = list(lines)
    for chunk in in_batches(ids):
        rows = conn.execute(
            select(ol.order_id, ol.item, ol.description, ol.unit,
                   *(stored_integer(c) for c in (ol.quantity, ol.unit_price, ol.amount, ol.vat_rate)),
                   ol.vat_nature, ol.id, ol.line_no, ol.note, ol.price_rule, stored_integer(ol.shipped), invoiced)
            .where(ol.order_id.in_(chunk)).order_by(ol.order_id, ol.line_no))
        for (order_id, item, description, unit, quantity, unit_price, amount, vat_rate, vat_nature, line_id, line_no,
             note, price_rule, sent, billed) in rows:
            lines[order_id].append(OrderLine(
                item, description, unit, quantities[quantity], prices[unit_price], amounts[amount], rates[vat_rate],
                vat_nature, line_id, line_no, note, ZERO if not sent else quantities[sent],
                ZERO if billed is None else quantities[billed], price_rule))
    return [replace(order, lines=tuple(lines[order.id])) for order in orders]


def stored_notes(conn: Connection, ids: Sequence[int], series: str, drafts: Sequence[ShipmentDraft], orders: Mapping[int, Order],
                 accounting_date: date | None, book: PartyBook, *, lang: str) -> list[DeliveryNote]:
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
    # (quantity, unit price) → the stored quantity and the line's amount, worked out once for a
    # day's thousands of lines that repeat them: equal decimals give equal results.
    figures: dict[tuple[Decimal, Decimal], tuple[Decimal, Decimal]] = {}
    for delivery_id, draft in zip(ids, drafts):
        number = numbers[delivery_id]
        lines = []
        for line_id, line in zip(line_ids[delivery_id], draft.lines):
            order = orders[line.order_id]
            if (known := figures.get((line.quantity, line.unit_price))) is None:
                stored = as_stored(line.quantity, 3)
                known = figures[line.quantity, line.unit_price] = (stored, line_amount(stored, line.unit_price))
            quantity, amount = known
            lines.append(DeliveryNoteLine(
                line.item, line.description, line.unit, quantity, line.unit_price, amount,
                line.vat_rate, line.vat_nature, line_id, line.order_line_id, line.order_id, line.order_number,
                line.line_no, order.customer_reference, order.payment_method,
                next(ol.note for ol in order.lines if ol.id == line.order_line_id), order.project))
        notes.append(DeliveryNote(
            delivery_id, document_number(series, draft.day.year, number), series, draft.day.year, number, draft.day,
            draft.customer, draft.ship_to, draft.carrier, draft.reason, draft.packages,
            None if draft.weight is None else as_stored(draft.weight, 3), draft.forced, tuple(lines),
            accounting_date or draft.day, book.parties(draft.customer, draft.ship_to, draft.carrier), lang=lang))
    return notes

