"""Payments in the ledger: record them (one, or a whole imported sheet) and read what monitoring needs.

An import is one transaction and all or nothing: a row naming an unknown invoice stops the
whole file, so fixing it and importing again is always safe. Importing is idempotent: a
payment with the same invoice, date, amount and reference as one already recorded (or as an
earlier row of the same file) is recorded once, so the bank's export can be imported every
day without sorting out what was new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, func, insert, select

from toolkit.ledger import Ledger, schema
from toolkit.ledger.db import document_number, log_event, now, reading, user, writing
from toolkit.core.payments import Collected, PaymentEntry, Receivable, parse_invoice_number
from toolkit.basics.problems import Problem, define

i, p, due = schema.invoices.c, schema.payments.c, schema.invoice_dues.c

UNKNOWN_INVOICE = define(
    "payment-unknown-invoice", "error",
    it="La fattura {number} non è nel registro: controlla il numero (es. FT-2026-00001).",
    en="Invoice {number} is not in the ledger: check the number (e.g. FT-2026-00001).")
DRAFT_INVOICE = define(
    "payment-on-draft-invoice", "error",
    it="La fattura {number} è ancora in bozza: rendila definitiva (toolkit invoice finalize) prima di registrare incassi.",
    en="Invoice {number} is still a draft: finalize it (toolkit invoice finalize) before recording payments.")
WRONG_SIGN = define(
    "payment-wrong-sign", "error",
    it="L'importo {amount} per {number} ha il segno sbagliato: positivo per una fattura, negativo (rimborso) "
       "per una nota di credito.",
    en="Amount {amount} for {number} has the wrong sign: positive for an invoice, negative (a refund) for a "
       "credit note.")
OVERPAID = define(
    "payment-exceeds-outstanding", "warning",
    it="Con {amount} la fattura {number} risulta pagata oltre il totale ({total}): controlla l'importo.",
    en="With {amount} invoice {number} is paid beyond its total ({total}): check the amount.")


@dataclass(frozen=True)
class Recorded:
    recorded: list[dict]
    duplicates: list[dict]
    """Rows already in the ledger (or repeated in the file): recorded once."""
    problems: list[Problem]


def _find(conn: Connection, entry: PaymentEntry, default_series: str):
    parsed = parse_invoice_number(entry.invoice, default_series)
    if parsed is None:
        return None
    series, year, number = parsed
    return conn.execute(select(i.id, i.series, i.year, i.number, i.status, i.total, i.kind)
                        .where(i.series == series, i.year == year, i.number == number)).first()


def record(ledger: Ledger, entries: Sequence[PaymentEntry], default_series: str) -> Recorded:
    """Record payments in one transaction; nothing is written if any row has an error."""
    with writing(ledger) as conn:
        rows, problems = [], []
        for entry in entries:
            invoice = _find(conn, entry, default_series)
            if invoice is None:
                problems.append(UNKNOWN_INVOICE(entry.location, number=entry.invoice))
                continue
            shown = document_number(invoice.series, invoice.year, invoice.number)
            if invoice.status != "final":
                problems.append(DRAFT_INVOICE(entry.location, number=shown))
            elif (entry.amount > 0) != (invoice.total >= 0):
                problems.append(WRONG_SIGN(entry.location, amount=entry.amount, number=shown))
            else:
                rows.append((entry, invoice, shown))
        if any(x.is_error for x in problems):
            return Recorded([], [], problems)
        recorded, duplicates = [], []
        seen: set[tuple] = set()
        paid: dict[int, Decimal] = defaultdict(Decimal)
        for entry, invoice, shown in rows:
            key = (invoice.id, entry.payment_date, entry.amount, entry.reference or "")
            row = {"invoice": shown, "date": entry.payment_date, "amount": entry.amount,
                   "method": entry.method.value if entry.method else None, "reference": entry.reference}
            if key in seen or _exists(conn, *key):
                duplicates.append(row)
                continue
            seen.add(key)
            if invoice.id not in paid:
                paid[invoice.id] = _collected(conn, invoice.id)
            paid[invoice.id] += entry.amount
            if abs(paid[invoice.id]) > abs(invoice.total):
                problems.append(OVERPAID(entry.location, amount=entry.amount, number=shown, total=invoice.total))
            payment_id = conn.execute(insert(schema.payments).values(
                invoice_id=invoice.id, payment_date=entry.payment_date, amount=entry.amount,
                method=entry.method.value if entry.method else None, reference=entry.reference,
                created_at=now(), created_by=user()).returning(p.id)).scalar_one()
            log_event(conn, "paid", "invoice", invoice.id, shown,
                      f"payment {payment_id}: {entry.amount} on {entry.payment_date.isoformat()}")
            recorded.append(row)
    return Recorded(recorded, duplicates, problems)


def _exists(conn: Connection, invoice_id: int, day, amount: Decimal, reference: str) -> bool:
    return conn.execute(select(func.count()).select_from(schema.payments).where(
        p.invoice_id == invoice_id, p.payment_date == day, p.amount == amount,
        func.coalesce(p.reference, "") == reference)).scalar() > 0


def _collected(conn: Connection, invoice_id: int) -> Decimal:
    return conn.execute(select(func.coalesce(func.sum(p.amount), 0)).where(p.invoice_id == invoice_id)).scalar()


def receivables(conn: Connection, *, customer: str | None = None) -> list[Receivable]:
    """Every final invoice and credit note with its dues and payments, in number order."""
    query = select(schema.invoices).where(i.status == "final")
    if customer is not None:
        query = query.where(i.customer == customer)
    headers = conn.execute(query.order_by(i.invoice_date, i.series, i.year, i.number)).all()
    ids = [h.id for h in headers]
    dues: dict[int, list] = defaultdict(list)
    payments: dict[int, list[Collected]] = defaultdict(list)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for r in conn.execute(select(schema.invoice_dues).where(due.invoice_id.in_(chunk))):
            dues[r.invoice_id].append((r.due_date, r.amount))
        for r in conn.execute(select(schema.payments).where(p.invoice_id.in_(chunk)).order_by(p.payment_date, p.id)):
            payments[r.invoice_id].append(Collected(r.payment_date, r.amount, r.method, r.reference))
    return [
        Receivable(h.id, document_number(h.series, h.year, h.number), h.kind, h.invoice_date, h.customer, h.total,
                   h.payment_method, tuple(sorted(dues[h.id])), tuple(payments[h.id]))
        for h in headers
    ]


def load_receivables(ledger: Ledger, *, customer: str | None = None) -> list[Receivable]:
    with reading(ledger) as conn:
        return receivables(conn, customer=customer)
