"""Payments in the ledger: finding the invoice a payment names, storing payments, and reading
what monitoring needs. Recording (checks, duplicates, one transaction) is
`toolkit.services.payments`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, and_, func, insert, or_, select

from toolkit.basics import codes
from toolkit.core.invoicing import InvoiceKind, listed_kind
from toolkit.core.payments import Collected, PaymentEntry, Receivable, payable, settled_by_note
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.credit_notes import taken_back_by_notes
from toolkit.ledger.db import bare_number, document_number, log_event, now, series_typed, user, years_numbered

i, p, due = schema.invoices.c, schema.payments.c, schema.invoice_dues.c
PaymentRow = Row[int, date, Decimal, str | None, str | None, int | None, bool]
"""A payment as `payments_on` reads it: (id, payment_date, amount, method, reference, reverses, reversed)."""


InvoiceRow = Row[int, str, int, int, str, Decimal, str, date, date | None, Decimal]
"""An invoice as a typed number finds it: (id, series, year, number, status, total, kind,
invoice_date, first_due), `first_due` its earliest due date (None without dues)."""


def invoices_numbered(conn: Connection, typed: str) -> list[InvoiceRow]:
    """The invoices and credit notes a typed number may name (`toolkit.basics.codes`:
    `FT-2026-00007`, `ft-2026-7`, `7/2026`), in series order: the one of its series, or with no
    series one of every series the ledger numbers them in (FT-2026-00007 and NC-2026-00007 both
    for `7/2026`), for the caller to choose among (`toolkit.core.payments.named`)."""
    first_due = select(func.min(due.due_date)).where(due.invoice_id == i.id).scalar_subquery().label("first_due")
    payable = func.coalesce(select(func.sum(due.amount)).where(due.invoice_id == i.id).scalar_subquery(),
                            i.total).label("payable")
    columns = (i.id, i.series, i.year, i.number, i.status, i.total, i.kind, i.invoice_date, first_due, payable)
    if (alone := bare_number(typed)) is not None:
        pairs = years_numbered(conn, schema.invoices)
        if not pairs:
            return []
        rows = {(r.series, r.year): r for r in conn.execute(select(*columns).where(
            i.number == alone, or_(*(and_(i.series == s, i.year == y) for s, y in pairs))))}
        return [rows[pair] for pair in pairs if pair in rows]
    parsed = codes.document_number(typed)
    if parsed is None:
        return []
    wanted, year, number = parsed
    series = series_typed(conn, schema.invoices, wanted)
    if not series:
        return []
    return list(conn.execute(select(*columns)
                             .where(i.series.in_(series), i.year == year, i.number == number).order_by(i.series)))


def is_note(row: InvoiceRow) -> bool:
    """Whether an invoice row `invoices_numbered` found is a credit note."""
    return bool(row.kind == InvoiceKind.CREDIT_NOTE)


def insert_payment(conn: Connection, invoice_id: int, shown: str, entry: PaymentEntry) -> int:
    """Store one payment on an invoice (shown as `shown` in the event log) and log it."""
    payment_id: int = conn.execute(insert(schema.payments).values(
        invoice_id=invoice_id, payment_date=entry.payment_date, amount=entry.amount,
        method=entry.method.value if entry.method else None, reference=entry.reference,
        created_at=now(), created_by=user()).returning(p.id)).scalar_one()
    log_event(conn, "paid", "invoice", invoice_id, shown,
              f"payment {payment_id}: {entry.amount} on {entry.payment_date.isoformat()}")
    return payment_id


def payments_on(conn: Connection, invoice_id: int) -> list[PaymentRow]:
    """The invoice's payments and reversals in date order, as (id, payment_date, amount, method,
    reference, reverses, reversed): `reversed` when a later row reverses the payment."""
    reversal = schema.payments.alias("reversal")
    is_reversed = select(reversal.c.id).where(reversal.c.reverses == p.id).exists()
    return list(conn.execute(select(p.id, p.payment_date, p.amount, p.method, p.reference, p.reverses,
                                    is_reversed.label("reversed"))
                             .where(p.invoice_id == invoice_id).order_by(p.payment_date, p.id)).all())


def reverse_payment(conn: Connection, invoice_id: int, shown: str, payment: PaymentRow) -> int:
    """Record the reversal of `payment` (a row of `payments_on`): the opposite amount on its
    invoice, date, method and reference, citing it; logged. The payment itself stays."""
    reversal_id: int = conn.execute(insert(schema.payments).values(
        invoice_id=invoice_id, payment_date=payment.payment_date, amount=-payment.amount, method=payment.method,
        reference=payment.reference, reverses=payment.id, created_at=now(), created_by=user())
        .returning(p.id)).scalar_one()
    log_event(conn, "payment-voided", "invoice", invoice_id, shown,
              f"payment {payment.id}: {payment.amount} on {payment.payment_date.isoformat()} "
              f"reversed by payment {reversal_id}")
    return reversal_id


def _same_payment(invoice_id: int, day: date, amount: Decimal, reference: str) -> ColumnElement[bool]:
    """The row with these (invoice, date, amount, reference): the key no two payments share."""
    return and_(p.invoice_id == invoice_id, p.payment_date == day, p.amount == amount,
                func.coalesce(p.reference, "") == reference)


def payment_exists(conn: Connection, invoice_id: int, day: date, amount: Decimal, reference: str) -> bool:
    """Whether the same payment (invoice, date, amount, reference) is already recorded."""
    return conn.execute(select(func.count()).select_from(schema.payments)
                        .where(_same_payment(invoice_id, day, amount, reference))).scalar_one() > 0


def payment_reversed(conn: Connection, invoice_id: int, day: date, amount: Decimal, reference: str) -> bool:
    """Whether the same payment was recorded and then reversed (`payments void`)."""
    reversal = schema.payments.alias("reversal")
    return conn.execute(select(func.count()).select_from(schema.payments)
                        .join(reversal, reversal.c.reverses == p.id)
                        .where(_same_payment(invoice_id, day, amount, reference))).scalar_one() > 0


def collected(conn: Connection, invoice_id: int) -> Decimal:
    """What has been collected on an invoice so far."""
    total: Decimal = conn.execute(select(func.coalesce(func.sum(p.amount), 0))
                                  .where(p.invoice_id == invoice_id)).scalar_one()
    return total


def refunded_notes(conn: Connection, invoice_id: int) -> list[Row[int, str, int, int, Decimal]]:
    """The final credit notes of the invoice's customer with refunds recorded (their payments
    add up below zero), as (id, series, year, number, total): those a void on the invoice may
    leave refunded beyond what they have to refund."""
    customer = select(i.customer).where(i.id == invoice_id).scalar_subquery()
    return list(conn.execute(select(i.id, i.series, i.year, i.number, i.total).join(schema.payments, p.invoice_id == i.id)
                             .where(i.status == "final", i.kind == InvoiceKind.CREDIT_NOTE.value, i.customer == customer)
                             .group_by(i.id, i.series, i.year, i.number, i.total).having(func.sum(p.amount) < 0)
                             .order_by(i.series, i.year, i.number)).all())


def receivables(conn: Connection, *, customer: str | None = None, on: date | None = None) -> list[Receivable]:
    """Every final invoice and credit note with its dues and payments, in number order; `on` a
    past day, those issued by then with the payments dated up to it, so what a credit note
    settles of its invoice is what it settled that day (before a later payment left it
    nothing to settle)."""
    query = select(schema.invoices).where(i.status == "final")
    if customer is not None:
        query = query.where(i.customer == customer)
    if on is not None:
        query = query.where(i.invoice_date <= on)
    headers = conn.execute(query.order_by(i.invoice_date, i.series, i.year, i.number)).all()
    ids = [h.id for h in headers]
    dues: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    payments: dict[int, list[Collected]] = defaultdict(list)
    for chunk in in_batches(ids):
        for r in conn.execute(select(schema.invoice_dues).where(due.invoice_id.in_(chunk))):
            dues[r.invoice_id].append((r.due_date, r.amount))
        paid = select(schema.payments).where(p.invoice_id.in_(chunk))
        if on is not None:
            paid = paid.where(p.payment_date <= on)
        rows = conn.execute(paid.order_by(p.payment_date, p.id)).all()
        voided = {r.reverses for r in rows if r.reverses is not None}
        for r in rows:
            payments[r.invoice_id].append(Collected(r.payment_date, r.amount, r.method, r.reference,
                                                    r.reverses is not None, r.id in voided))
    owed = {h.id: payable(_asked(h), dues[h.id]) for h in headers}
    credits = _credits(conn, headers, {h.id: owed[h.id] - sum((x.amount for x in payments[h.id]), Decimal(0))
                                       for h in headers})
    return [
        Receivable(h.id, document_number(h.series, h.year, h.number), listed_kind(h.kind, h.reason), h.invoice_date,
                   h.customer, owed[h.id], h.payment_method, tuple(sorted(dues[h.id])), tuple(payments[h.id]),
                   tuple(credits[h.id]))
        for h in headers
    ]


def _asked(header: Row[Any]) -> Decimal:
    """What a document asks, or a credit note gives back: its total, less its VAT under split
    payment (`invoices.split_payment`), which a note has no dues to say as an invoice's do."""
    return header.total - header.vat if header.split_payment else header.total


def note_asked(conn: Connection, note_id: int) -> Decimal:
    """What a credit note gives back in all, negative (`_asked`)."""
    return _asked(conn.execute(select(schema.invoices).where(i.id == note_id)).one())


def _credits(conn: Connection, headers: Sequence[Row[Any]], left: dict[int, Decimal]
             ) -> dict[int, list[tuple[date, Decimal]]]:
    """What the final credit notes among `headers` (in date order) settle of the final invoices
    they cite, on each note's date: positive on the invoice, as much negative on the note
    (`settled_by_note`); `left` is what each document has open after its payments."""
    credits: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for note_id, invoice, day, part in _settlements(conn, headers, left):
        credits[invoice].append((day, part))
        credits[note_id].append((day, -part))
    return credits


def _settlements(conn: Connection, headers: Sequence[Row[Any]], left: dict[int, Decimal]
                 ) -> list[tuple[int, int, date, Decimal]]:
    """(note id, invoice id, note's date, part) for what each final credit note among `headers`
    (in date order) settles of each invoice it cites (`settled_by_note`); `left`, what each
    document has open after its payments, is updated as the notes settle; a note under split
    payment settles net of VAT."""
    notes = {h.id: h for h in headers if h.kind == InvoiceKind.CREDIT_NOTE.value}
    found = []
    taken_by = taken_back_by_notes(conn, notes)
    for note_id, note in notes.items():
        cited = {invoice: lines for invoice, lines in taken_by.get(note_id, {}).items() if invoice in left}
        for invoice, part in settled_by_note(_asked(note), note.taxable, cited, note_open=-left[note_id],
                                             invoices_open=left, split=note.split_payment).items():
            found.append((note_id, invoice, note.invoice_date, part))
            left[invoice] -= part
    return found


def settled_by(conn: Connection, note_id: int) -> dict[str, Decimal]:
    """Invoice number → what the final credit note settles of it now, as monitoring has it
    (`receivables`, over its customer's documents), though none of the note were refunded:
    what its refunds may not take back, the customer never having paid it. Its own refunds do
    not count, or refunds recorded while the invoice was paid would hide what the note settles
    once that payment is voided."""
    customer = conn.execute(select(i.customer).where(i.id == note_id)).scalar_one()
    headers = conn.execute(select(schema.invoices).where(i.status == "final", i.customer == customer)
                           .order_by(i.invoice_date, i.series, i.year, i.number)).all()
    paid = dict(conn.execute(select(p.invoice_id, func.sum(p.amount)).join(schema.invoices, i.id == p.invoice_id)
                             .where(i.status == "final", i.customer == customer).group_by(p.invoice_id)).all())
    asked = dict(conn.execute(select(due.invoice_id, func.sum(due.amount)).join(schema.invoices, i.id == due.invoice_id)
                              .where(i.status == "final", i.customer == customer).group_by(due.invoice_id)).all())
    numbers = {h.id: document_number(h.series, h.year, h.number) for h in headers}
    left = {h.id: asked.get(h.id, _asked(h)) - Decimal(0 if h.id == note_id else paid.get(h.id, 0))
            for h in headers}
    return {numbers[invoice]: part for note, invoice, _, part in _settlements(conn, headers, left) if note == note_id}
