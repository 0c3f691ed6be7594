"""What volume discounts and commissions read from the ledger, and the settlements they record.

The invoices of a period (final ones: a draft may still be undone), the drafts left out, what
was collected in a period, and which volume discounts are already settled
(`volume_settlements`: one row per discount, customer and period, with its credit note).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, func, select

from toolkit.core.invoicing import Invoice, InvoiceStatus
from toolkit.ledger import schema
from toolkit.ledger.db import document_number, insert_rows, now, user
from toolkit.ledger.invoices_bulk import load_invoices_in_bulk

i, p, vs = schema.invoices.c, schema.payments.c, schema.volume_settlements.c


def final_invoices_between(conn: Connection, first: date, last: date, *,
                           also: Collection[int] = ()) -> list[Invoice]:
    """The final invoices and credit notes dated in [first, last], and the invoices `also`
    names (invoices of another date with payments in the period), in number order."""
    ids = set(conn.execute(select(i.id).where(i.invoice_date >= first, i.invoice_date <= last,
                                              i.status == InvoiceStatus.FINAL.value)).scalars())
    ids |= set(also)
    return load_invoices_in_bulk(conn, sorted(ids))


def drafts_between(conn: Connection, first: date, last: date) -> list[str]:
    """The numbers of the draft invoices dated in [first, last]: left out until finalized."""
    rows = conn.execute(select(i.series, i.year, i.number).where(
        i.invoice_date >= first, i.invoice_date <= last, i.status == InvoiceStatus.DRAFT.value)
        .order_by(i.series, i.year, i.number))
    return [document_number(r.series, r.year, r.number) for r in rows]


def collected_between(conn: Connection, first: date, last: date) -> dict[int, Decimal]:
    """Final invoice id → what was collected on it by payments dated in [first, last]."""
    rows = conn.execute(select(p.invoice_id, func.sum(p.amount)).join(schema.invoices, i.id == p.invoice_id)
                        .where(p.payment_date >= first, p.payment_date <= last,
                               i.status == InvoiceStatus.FINAL.value).group_by(p.invoice_id))
    return {invoice_id: Decimal(amount) for invoice_id, amount in rows}


def settled(conn: Connection, period_start: date) -> dict[tuple[str, str], str]:
    """(discount, customer) → the number of the credit note that settled it for the period
    starting on `period_start`."""
    rows = conn.execute(select(vs.discount, vs.customer, i.series, i.year, i.number)
                        .join(schema.invoices, i.id == vs.credit_note_id).where(vs.period_start == period_start))
    return {(r.discount, r.customer): document_number(r.series, r.year, r.number) for r in rows}


def record_settlements(conn: Connection, rows: Sequence[tuple[str, str, date, date, Decimal, Decimal, Decimal, int]]
                       ) -> None:
    """Record (discount, customer, start, end, base, quantity, amount, credit note id) settlements."""
    at, by = now(), user()
    insert_rows(conn, schema.volume_settlements, [
        dict(discount=d, customer=c, period_start=s, period_end=e, base=b, quantity=q, amount=a, credit_note_id=n,
             created_at=at, created_by=by) for d, c, s, e, b, q, a, n in rows])
