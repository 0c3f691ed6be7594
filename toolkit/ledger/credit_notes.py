"""What the ledger says of an invoice a credit note takes back, and of the orders behind it.

The note itself is stored as every invoice is (`toolkit.ledger.invoices.store`); this module
reads what is still to credit of each line (`credited_lines`), and finds the orders whose goods,
billed at the order and not shipped, the note leaves billed or gives up (`billed_to_ship`).
The action is `toolkit.services.credit_notes`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, func, select

from toolkit.core.invoicing import InvoiceKind
from toolkit.ledger import schema
from toolkit.ledger.db import document_number

i, il = schema.invoices.c, schema.invoice_lines.c
o, ol = schema.orders.c, schema.order_lines.c
ZERO = Decimal(0)


def credited_lines(conn: Connection, invoice_id: int
                   ) -> tuple[dict[int, int], dict[int, tuple[Decimal, Decimal]], list[str]]:
    """The invoice's line ids by line number; for each line credit notes took back from, the
    (quantity, amount) their lines sum to (negative); and those notes' numbers, in order."""
    line_ids = dict(conn.execute(select(il.line_no, il.id).where(il.invoice_id == invoice_id)).all())
    credit = schema.invoice_lines.alias("credit")
    rows = conn.execute(
        select(credit.c.credits_line_id, func.sum(credit.c.quantity), func.sum(credit.c.amount))
        .where(credit.c.credits_line_id.in_(list(line_ids.values())))
        .group_by(credit.c.credits_line_id)).all()
    notes = conn.execute(
        select(i.series, i.year, i.number).distinct()
        .join(credit, credit.c.invoice_id == i.id)
        .where(credit.c.credits_line_id.in_(list(line_ids.values())))
        .order_by(i.series, i.year, i.number)).all()
    return (line_ids, {r[0]: (Decimal(r[1]), Decimal(r[2])) for r in rows},
            [document_number(*n) for n in notes])


@dataclass(frozen=True, slots=True)
class StillBilled:
    """An order line still to ship whose goods an invoice billed at the order and no credit
    note took back: what closing its order would give up while the customer still owes it."""

    order: str
    item: str
    quantity: Decimal
    unit: str


@dataclass(frozen=True, slots=True)
class ToShip:
    """The open orders a credit note takes goods back from that were billed at the order and
    are still to ship: those it may close (`orders`, ids), and the lines that stop it."""

    orders: tuple[int, ...]
    still_billed: tuple[StillBilled, ...]


def billed_to_ship(conn: Connection, credit_note_id: int) -> ToShip:
    """The orders in progress with a line still to ship that the stored credit note
    `credit_note_id` takes back (an invoice line billed at the order, no DDT line), and each
    line of theirs still to ship whose billed quantity, less what credit notes took back,
    exceeds what shipped of it."""
    billed, credit = schema.invoice_lines.alias("billed"), schema.invoice_lines.alias("credit")
    touched = (select(ol.order_id).distinct()
               .select_from(credit.join(billed, billed.c.id == credit.c.credits_line_id)
                            .join(schema.order_lines, ol.id == billed.c.order_line_id)
                            .join(schema.orders, o.id == ol.order_id))
               .where(credit.c.invoice_id == credit_note_id, billed.c.delivery_line_id.is_(None),
                      o.status == "in-progress", ol.quantity > ol.shipped))
    order_ids = sorted(conn.execute(touched).scalars())
    if not order_ids:
        return ToShip((), ())
    lines = conn.execute(select(ol.id, ol.order_id, ol.item, ol.unit, ol.quantity, ol.shipped)
                         .where(ol.order_id.in_(order_ids), ol.quantity > ol.shipped)
                         .order_by(ol.order_id, ol.line_no)).all()
    line_ids = [r.id for r in lines]
    net: dict[int, Decimal] = defaultdict(Decimal)
    at_order = (select(billed.c.order_line_id, func.sum(billed.c.quantity))
                .join(schema.invoices, i.id == billed.c.invoice_id)
                .where(billed.c.order_line_id.in_(line_ids), billed.c.delivery_line_id.is_(None),
                       i.kind == InvoiceKind.INVOICE.value)
                .group_by(billed.c.order_line_id))
    taken = (select(billed.c.order_line_id, func.sum(credit.c.quantity))
             .join(credit, credit.c.credits_line_id == billed.c.id)
             .where(billed.c.order_line_id.in_(line_ids), billed.c.delivery_line_id.is_(None))
             .group_by(billed.c.order_line_id))
    for statement in (at_order, taken):
        for line_id, quantity in conn.execute(statement):
            net[line_id] += Decimal(quantity)
    numbers = {r.id: document_number(r.series, r.year, r.number)
               for r in conn.execute(select(o.id, o.series, o.year, o.number).where(o.id.in_(order_ids)))}
    left = tuple(StillBilled(numbers[r.order_id], r.item, net[r.id] - r.shipped, r.unit)
                 for r in lines if net[r.id] > r.shipped)
    return ToShip(tuple(order_ids), left)
