"""Payments: record them (one, or a whole imported sheet), and monitor what is paid and due.

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
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Row

from toolkit.basics.problems import Problem, define
from toolkit.basics.wording import count
from toolkit.core.payments import PaymentEntry, PaymentStatus, Receivable, Show, monitor, parse_invoice_number
from toolkit.ledger import Ledger
from toolkit.ledger.db import document_number, reading, writing
from toolkit.ledger.payments import collected, find_invoice, insert_payment, payment_exists, receivables
from toolkit.model.records import MasterData

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
    recorded: list[dict[str, object]]
    duplicates: list[dict[str, object]]
    """Rows already in the ledger (or repeated in the file): recorded once."""
    problems: list[Problem]

    def summary(self, lang: str) -> str:
        recorded, repeated = len(self.recorded), len(self.duplicates)
        if lang == "it":
            return (f"{'Registrato' if recorded == 1 else 'Registrati'} {count(recorded, 'incasso', 'incassi')}, "
                    f"{repeated} già {'presente' if repeated == 1 else 'presenti'}.")
        return f"Recorded {count(recorded, 'payment', 'payments')}, {repeated} already there."


@dataclass(frozen=True)
class Monitored:
    """Payment monitoring as of a day: one row per invoice, and the workbook when asked for."""

    as_of: date
    rows: list[PaymentStatus]
    file: Path | None = None


def _find(conn: Connection, entry: PaymentEntry, default_series: str
          ) -> Row[int, str, int, int, str, Decimal, str] | None:
    parsed = parse_invoice_number(entry.invoice, default_series)
    return None if parsed is None else find_invoice(conn, *parsed)


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
        seen: set[tuple[int, date, Decimal, str]] = set()
        paid: dict[int, Decimal] = defaultdict(Decimal)
        for entry, invoice, shown in rows:
            key = (invoice.id, entry.payment_date, entry.amount, entry.reference or "")
            row = {"invoice": shown, "date": entry.payment_date, "amount": entry.amount,
                   "method": entry.method.value if entry.method else None, "reference": entry.reference}
            if key in seen or payment_exists(conn, *key):
                duplicates.append(row)
                continue
            seen.add(key)
            if invoice.id not in paid:
                paid[invoice.id] = collected(conn, invoice.id)
            paid[invoice.id] += entry.amount
            if abs(paid[invoice.id]) > abs(invoice.total):
                problems.append(OVERPAID(entry.location, amount=entry.amount, number=shown, total=invoice.total))
            insert_payment(conn, invoice.id, shown, entry)
            recorded.append(row)
    return Recorded(recorded, duplicates, problems)


def import_file(master: MasterData, ledger: Ledger, path: Path) -> Recorded:
    """Record the payments of a sheet or CSV (invoice, date, amount[, method, reference]); a
    file with errors records nothing."""
    from toolkit.intake.payments_sheet import read_entries, read_file

    entries, problems = read_entries(read_file(path))
    if any(p.is_error for p in problems):
        return Recorded([], [], problems)
    return record(ledger, entries, master.settings.invoice_series)


def load_receivables(ledger: Ledger, *, customer: str | None = None) -> list[Receivable]:
    with reading(ledger) as conn:
        return receivables(conn, customer=customer)


def status(master: MasterData, ledger: Ledger, as_of: date, show: Show = Show.ALL, *, customer: str | None = None,
           out: Path | None = None, lang: str = "it") -> Monitored:
    """Each invoice's collected, outstanding and next due amount as of a day; with `out`, the
    payment schedule workbook (scadenzario) too."""
    found = load_receivables(ledger, customer=customer)
    rows = monitor(found, as_of, show)
    if out is None:
        return Monitored(as_of, rows)
    from toolkit.writers.payments_status import write_payment_status

    return Monitored(as_of, rows, write_payment_status(out, master, rows, found, as_of, lang))
