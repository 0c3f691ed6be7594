"""Payments (incassi) and payment monitoring (monitoraggio pagamenti), from the Openbravo seed.

Monitoring answers, per issued invoice: is it paid in full, how much was collected, how much
is outstanding, when is the next due date (scadenza) and what is due then, how many days
until it (negative: days since), and on which day the status was computed. Payments settle
the dues oldest first, so a partial payment moves the next due date only once a due is
covered in full.

Payments come from a command or from a sheet or CSV the bank or the accountant exports: one
row per payment with the invoice number, date, amount, method and reference. Reading the
rows is pure; `read_file` is the one function here that opens a file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from toolkit.cells import Location, address
from toolkit.dates import NotADate, to_date
from toolkit.money import NotANumber, to_decimal
from toolkit.problems import Problem, define
from toolkit.sources import RawSheet, RawWorkbook
from toolkit.vocab import PaymentMethod, normalize, parse

ZERO = Decimal(0)

MISSING_COLUMN = define(
    "payments-missing-column", "error",
    it="Nel foglio {sheet} manca la colonna «{column}»: aggiungila nella prima riga (es. Fattura, Data, Importo).",
    en="Sheet {sheet} has no “{column}” column: add it to the first row (e.g. Invoice, Date, Amount).")
BAD_INVOICE_NUMBER = define(
    "payment-bad-invoice-number", "error",
    it="«{value}» non è un numero di fattura: scrivilo come FT-2026-00001 (o 1/2026).",
    en="“{value}” is not an invoice number: write it as FT-2026-00001 (or 1/2026).")
BAD_DATE = define(
    "payment-bad-date", "error",
    it="«{value}» non è una data: scrivila come 09/04/2026.",
    en="“{value}” is not a date: write it as 09/04/2026.")
BAD_AMOUNT = define(
    "payment-bad-amount", "error",
    it="«{value}» non è un importo: scrivi un numero diverso da zero, es. 1.234,56.",
    en="“{value}” is not an amount: write a number other than zero, e.g. 1234.56.")
BAD_METHOD = define(
    "payment-bad-method", "error",
    it="«{value}» non è una modalità di pagamento: usa Bonifico, Ri.Ba., Contanti, Carta o Addebito diretto.",
    en="“{value}” is not a payment method: use Bank transfer, Ri.Ba., Cash, Card or Direct debit.")

COLUMNS: dict[str, tuple[str, ...]] = {
    "invoice": ("Fattura", "Numero fattura", "N. fattura", "Documento", "Invoice", "Invoice number"),
    "payment_date": ("Data", "Data pagamento", "Data incasso", "Data valuta", "Date", "Payment date"),
    "amount": ("Importo", "Importo pagato", "Incasso", "Amount", "Amount paid"),
    "method": ("Modalità", "Modalità di pagamento", "Metodo", "Method", "Payment method"),
    "reference": ("Riferimento", "Rif.", "CRO", "TRN", "Causale", "Reference"),
}
REQUIRED = ("invoice", "payment_date", "amount")


class Show(StrEnum):
    """The monitoring filter: every invoice, or only those paid (or not) in full."""

    ALL = "all"
    PAID = "paid"
    UNPAID = "unpaid"


@dataclass(frozen=True, slots=True)
class PaymentEntry:
    """A payment as the user gives it, before the ledger finds its invoice."""

    invoice: str
    payment_date: date
    amount: Decimal
    method: PaymentMethod | None = None
    reference: str | None = None
    location: Location | None = None
    """The row of the imported sheet, for problems."""


@dataclass(frozen=True, slots=True)
class Collected:
    """A payment recorded on an invoice."""

    payment_date: date
    amount: Decimal
    method: str | None = None
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class Receivable:
    """An issued invoice as monitoring sees it: its total, dues and payments."""

    invoice_id: int
    number: str
    kind: str
    invoice_date: date
    customer: str
    total: Decimal
    payment_method: str
    dues: tuple[tuple[date, Decimal], ...]
    payments: tuple[Collected, ...]


@dataclass(frozen=True, slots=True)
class PaymentStatus:
    number: str
    kind: str
    invoice_date: date
    customer: str
    payment_method: str
    total: Decimal
    collected: Decimal
    outstanding: Decimal
    paid: bool
    next_due: date | None
    next_due_amount: Decimal | None
    """What is still due on `next_due` after the payments so far."""
    days_to_due: int | None
    """Days from `as_of` to `next_due`; negative when it is past."""
    last_payment: date | None
    as_of: date

    @property
    def overdue(self) -> bool:
        return self.days_to_due is not None and self.days_to_due < 0


def parse_invoice_number(text: str, default_series: str) -> tuple[str, int, int] | None:
    """(series, year, number) from `FT-2026-00001`, `FT 12/2026` or `12/2026`.

    >>> parse_invoice_number("FT-2026-00012", "FT"), parse_invoice_number("nc 3/2026", "FT")
    (('FT', 2026, 12), ('NC', 2026, 3))
    >>> parse_invoice_number("12/2026", "FT"), parse_invoice_number("abc", "FT")
    (('FT', 2026, 12), None)
    """
    cleaned = str(text).strip().upper()
    if m := re.fullmatch(r"([A-Z][A-Z0-9]*)[-\s]+(\d{4})[-/\s]+(\d{1,9})", cleaned):
        return m[1], int(m[2]), int(m[3])
    if m := re.fullmatch(r"(?:([A-Z][A-Z0-9]*)[-\s]*)?(\d{1,9})\s*/\s*(\d{4})", cleaned):
        return m[1] or default_series, int(m[3]), int(m[2])
    return None


def payment_status(receivable: Receivable, as_of: date) -> PaymentStatus:
    """The monitoring row of one invoice on `as_of`; payments settle dues oldest first."""
    collected = sum((p.amount for p in receivable.payments), ZERO)
    outstanding = receivable.total - collected
    paid = outstanding <= 0 if receivable.total >= 0 else outstanding >= 0
    next_due = next_amount = None
    if not paid:
        left = collected
        for due_date, amount in sorted(receivable.dues):
            covered = min(max(left, ZERO), amount)
            left -= covered
            if covered < amount:
                next_due, next_amount = due_date, amount - covered
                break
    days = (next_due - as_of).days if next_due else None
    last = max((p.payment_date for p in receivable.payments), default=None)
    return PaymentStatus(receivable.number, receivable.kind, receivable.invoice_date, receivable.customer,
                         receivable.payment_method, receivable.total, collected, outstanding, paid, next_due,
                         next_amount, days, last, as_of)


def monitor(receivables: Iterable[Receivable], as_of: date, show: Show = Show.ALL) -> list[PaymentStatus]:
    rows = [payment_status(r, as_of) for r in receivables]
    if show is Show.PAID:
        rows = [r for r in rows if r.paid]
    elif show is Show.UNPAID:
        rows = [r for r in rows if not r.paid]
    return rows


# ---- reading a payments sheet


def read_entries(book: RawWorkbook) -> tuple[list[PaymentEntry], list[Problem]]:
    """Payments from the first sheet with the needed columns; every bad cell reported."""
    complete = [s for s in book.sheets if all(k in _columns(s) for k in REQUIRED)]
    sheet = complete[0] if complete else next((s for s in book.sheets if s.rows), None)
    if sheet is None:
        return [], [MISSING_COLUMN(Location("?", None, book.name), sheet="?", column=COLUMNS["invoice"][0])]
    columns = _columns(sheet)
    missing = [k for k in REQUIRED if k not in columns]
    if missing:
        where = Location(sheet.name, address(sheet.first_row, sheet.first_col), book.name)
        return [], [MISSING_COLUMN(where, sheet=sheet.name, column=COLUMNS[k][0]) for k in missing]
    entries, problems = [], []
    for offset, row in enumerate(sheet.rows[1:], start=1):
        values = {k: (row[c] if c < len(row) else None) for k, c in columns.items()}
        if all(_blank(v) for v in values.values()):
            continue
        number = sheet.first_row + offset

        def at(key: str) -> Location:
            return Location(sheet.name, address(number, sheet.first_col + columns[key]), book.name)

        entry, found = _entry(values, at)
        problems += found
        if entry is not None:
            entries.append(entry)
    return entries, problems


def _columns(sheet: RawSheet) -> dict[str, int]:
    """Which of our columns the sheet's first row holds, by position."""
    found: dict[str, int] = {}
    if not sheet.rows:
        return found
    names = {normalize(n): key for key, words in COLUMNS.items() for n in words}
    for index, cell in enumerate(sheet.rows[0]):
        key = names.get(normalize(str(cell))) if cell is not None else None
        if key and key not in found:
            found[key] = index
    return found


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _entry(values: dict[str, Any], at) -> tuple[PaymentEntry | None, list[Problem]]:
    problems = []
    invoice = "" if _blank(values["invoice"]) else str(values["invoice"]).strip()
    if isinstance(values["invoice"], float) and values["invoice"].is_integer():
        invoice = str(int(values["invoice"]))
    if not invoice:
        problems.append(BAD_INVOICE_NUMBER(at("invoice"), value=""))
    try:
        day = to_date(values["payment_date"])
    except NotADate:
        day = None
        problems.append(BAD_DATE(at("payment_date"), value=_shown(values["payment_date"])))
    try:
        amount = to_decimal(values["amount"])
        if amount == 0:
            raise NotANumber(amount)
    except NotANumber:
        amount = None
        problems.append(BAD_AMOUNT(at("amount"), value=_shown(values["amount"])))
    method = None
    if "method" in values and not _blank(values["method"]):
        try:
            method = parse(PaymentMethod, str(values["method"]))
        except ValueError:
            problems.append(BAD_METHOD(at("method"), value=_shown(values["method"])))
    reference = None if _blank(values.get("reference")) else str(values["reference"]).strip()
    if problems:
        return None, problems
    return PaymentEntry(invoice, day, amount, method, reference, at("invoice")), []  # type: ignore[arg-type]


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def read_file(path: Path) -> RawWorkbook:
    """A payments file as raw tables: CSV (`;`, `,` or tab; UTF-8 or Windows-1252) or any
    workbook `toolkit.sources` reads."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        from toolkit.sources import read_workbook

        return read_workbook(path)
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("cp1252")
    first = content.splitlines()[0] if content else ""
    delimiter = max(";,\t", key=first.count) if first else ";"
    rows: Sequence[Sequence[Any]] = [
        [cell if cell.strip() else None for cell in row] for row in csv.reader(io.StringIO(content), delimiter=delimiter)
    ]
    return RawWorkbook(path.name, (RawSheet(path.stem, rows),))
