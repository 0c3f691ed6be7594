"""Reading a payments sheet or CSV: the rows a bank or an accountant exports, one per payment.

The invoice number, date, amount, method and reference of each row become `PaymentEntry`
records; every bad cell is reported with its address, and nothing is recorded from a file
with a problem (`toolkit.services.payments` records the entries in one transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.basics.cell_text import cell_text
from toolkit.basics.cells import Location, address
from toolkit.basics.dates import FIRST_DAY, LAST_DAY, NotADate, in_range, to_date
from toolkit.basics.limits import AMOUNT
from toolkit.basics.money import NotANumber, cents, to_decimal, with_exponent
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import PaymentMethod, normalize, parse
from toolkit.core.payments import PaymentEntry
from toolkit.intake.sources import RawSheet, RawWorkbook, read_workbook
from toolkit.intake.tables import text_rows
from toolkit.intake.validation.error_values import error_value

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
DATE_OUT_OF_RANGE = define(
    "payment-date-out-of-range", "error",
    it="La data {value} è fuori dalle date ammesse: scrivi la data dell'incasso fra il {first} e il {last}.",
    en="The date {value} is out of range: write the payment's date between {first} and {last}.")
BAD_AMOUNT = define(
    "payment-bad-amount", "error",
    it="«{value}» non è un importo: scrivi un numero diverso da zero, per intero e senza esponente, es. 1234,50.",
    en="“{value}” is not an amount: write a number other than zero, in full and without an exponent, e.g. "
       "1234.50.")
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
_ENGLISH = {"invoice": "Invoice", "payment_date": "Date", "amount": "Amount", "method": "Method",
            "reference": "Reference"}


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
    shown = {(row, col): text for row, col, text in sheet.errors}
    for offset, row in enumerate(sheet.rows[1:], start=1):
        values = {k: (row[c] if c < len(row) else None) for k, c in columns.items()}
        number = sheet.first_row + offset

        def at(key: str, number: int = number) -> Location:
            return Location(sheet.name, address(number, sheet.first_col + columns[key]), book.name)

        if shown and (erred := [error_value(at(k), it=COLUMNS[k][0], en=_ENGLISH[k], shown=text)
                                for k, c in columns.items()
                                if (text := shown.get((number, sheet.first_col + c))) is not None]):
            problems += erred
            continue
        if all(_blank(v) for v in values.values()):
            continue
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


def _entry(values: dict[str, Any], at: Callable[[str], Location]) -> tuple[PaymentEntry | None, list[Problem]]:
    problems = []
    invoice = "" if _blank(values["invoice"]) else _text(values["invoice"])
    if not invoice:
        problems.append(BAD_INVOICE_NUMBER(at("invoice"), value=""))
    try:
        day = to_date(values["payment_date"])
    except NotADate:
        day = None
        problems.append(BAD_DATE(at("payment_date"), value=_shown(values["payment_date"])))
    if day is not None and not in_range(day):
        problems.append(DATE_OUT_OF_RANGE(at("payment_date"), value=day, first=FIRST_DAY, last=LAST_DAY))
    amount = _amount(values["amount"])
    if amount is None:
        problems.append(BAD_AMOUNT(at("amount"), value=_shown(values["amount"])))
    elif not AMOUNT.admits(amount):
        problems.append(AMOUNT.problem(at("amount"), _shown(values["amount"])))
    method = None
    if "method" in values and not _blank(values["method"]):
        try:
            method = parse(PaymentMethod, str(values["method"]))
        except ValueError:
            problems.append(BAD_METHOD(at("method"), value=_shown(values["method"])))
    reference = None if _blank(values.get("reference")) else _text(values["reference"])
    if problems:
        return None, problems
    return PaymentEntry(invoice, day, amount, method, reference, at("invoice")), []  # type: ignore[arg-type]


_text = cell_text
"""A cell as text, a whole number Excel keeps as 12345678901.0 (a CRO, an invoice's number) as
its digits: the reference was stored and shown as `12345678901.0`."""


def _amount(value: Any) -> Decimal | None:
    """The amount of a payment: a number other than zero, in cents; None for anything else,
    text with an exponent too (`1e3`: a slip, as `payments record --amount` refuses it)."""
    if isinstance(value, str) and with_exponent(value):
        return None
    try:
        amount = to_decimal(value)
    except NotANumber:
        return None
    if amount == 0 or (AMOUNT.admits(amount) and amount != cents(amount)):
        return None
    return amount


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def read_file(path: Path) -> RawWorkbook:
    """A payments file as raw tables: CSV (`;`, `,` or tab; UTF-8 or Windows-1252) or any
    workbook `toolkit.intake.sources` reads."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        return read_workbook(path)
    rows: Sequence[Sequence[Any]] = [[cell if cell.strip() else None for cell in row] for row in text_rows(path)]
    return RawWorkbook(path.name, (RawSheet(path.stem, rows),))
