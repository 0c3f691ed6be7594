"""The payment-monitoring workbook (monitoraggio pagamenti / scadenzario).

One row per issued invoice: total, collected, credited (what credit notes citing it settle of
it; on a note's own row what the note settles, negative), outstanding (a live formula, total
less collected less credited: the workbook recalculates on opening, and without the credited
column a credited invoice showed still to collect what `payments status` calls settled), paid
or not, the next due date with the amount due then and the days until it (negative when past,
in red), and on top the day the status was computed — the seed's "data in cui lo stato è stato
calcolato". A second sheet lists the payments recorded, to check them against the bank, each
saying what it is (*Incasso*, *Rimborso*, *Annullo*, *Incasso annullato*, *Rimborso annullato*).

A large distributor has tens of thousands of dues open: the workbook is written row after row
(`streaming`), each sheet's rows as one block (`blocks`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.basics.cells import address
from toolkit.basics.files import write_atomic
from toolkit.basics.labels import define, labeller
from toolkit.basics.vocab import PaymentMethod
from toolkit.basics.vocab import label as vocab_label
from toolkit.core.invoicing import DEBIT_NOTE
from toolkit.core.payments import PaymentStatus, Receivable
from toolkit.model.records import MasterData
from toolkit.writers.blocks import Column, StreamedWorkbook
from toolkit.writers.printable import Formats, a4, as_of, formats, headings, page_header, set_widths, sheet_name, text
from toolkit.writers.row_heights import row_height
from toolkit.writers.streaming import streaming_workbook

STATUS_WIDTHS = (15, 11, 15, 11, 32, 16, 14, 14, 14, 14, 8, 11, 14, 11, 11)
DAYS = 13
"""The column (0-based) of the days to the due date, red when negative."""
PAYMENTS_WIDTHS = (16, 11, 11, 14, 18, 18, 24)

define({
    "pay.title": ("Monitoraggio pagamenti", "Payment monitoring"),
    "pay.sheet": ("Scadenzario", "Payment status"),
    "pay.payments_sheet": ("Incassi", "Payments"),
    "pay.as_of": ("Situazione al", "Status as of"),
    "pay.collected": ("Incassato", "Collected"),
    "pay.credited": ("Accreditato", "Credited"),
    "pay.outstanding": ("Da incassare", "Outstanding"),
    "pay.paid": ("Pagata", "Paid"),
    "pay.next_due": ("Prossima scadenza", "Next due date"),
    "pay.next_amount": ("Importo in scadenza", "Amount due"),
    "pay.days": ("Giorni alla scadenza", "Days to due date"),
    "pay.last_payment": ("Ultimo incasso", "Last payment"),
    "pay.reference": ("Riferimento", "Reference"),
    "pay.method": ("Modalità", "Method"),
    "pay.entry": ("Tipo", "Kind"),
    "pay.yes": ("Sì", "Yes"),
    "pay.no": ("No", "No"),
    "pay.totals": ("Totali", "Totals"),
    "pay.customer_name": ("Ragione sociale", "Customer name"),
    "pay.kind_invoice": ("Fattura", "Invoice"),
    "pay.kind_credit_note": ("Nota di credito", "Credit note"),
    "pay.kind_debit_note": ("Nota di debito", "Debit note"),
    "pay.none": ("Nessun incasso registrato sui documenti elencati.", "No payment recorded on the documents listed."),
})


def _method(value: str | None, lang: str) -> str | None:
    try:
        return vocab_label(PaymentMethod(value), lang) if value else None
    except ValueError:
        return value


def write_payment_status(target: Path, master: MasterData, rows: Sequence[PaymentStatus],
                         receivables: Sequence[Receivable], as_of_day: date, lang: str = "it",
                         printed: Mapping[str, str] | None = None) -> Path:
    """The status of each invoice and the payments recorded on them; the title, company and
    day in every page's header, and a line saying so when no payment is recorded (the
    payments' sheet printed as a bare heading). A customer taken off *Clienti* is named as its
    documents printed it (`printed`)."""
    customers = {**(printed or {}), **{c.code: c.name for c in master.customers}}
    t = labeller(lang)
    shown = {r.number for r in rows}

    def write(tmp: Path) -> None:
        with streaming_workbook(tmp, "payments", StreamedWorkbook) as book:
            fmt = formats(book)
            red = book.add_format({"font_color": "#C00000", "bold": True})
            taken: set[str] = set()
            sheet = book.add_worksheet(sheet_name(t("pay.sheet"), taken))
            text(sheet, 0, 0, t("pay.title"), fmt.title)
            text(sheet, 1, 0, t("pay.as_of"), fmt.bold)
            text(sheet, 1, 1, as_of_day, fmt.date)
            heads = ["doc.number", "doc.date", "doc.document_type", "doc.customer", "pay.customer_name", "pay.method",
                     "doc.total", "pay.collected", "pay.credited", "pay.outstanding", "pay.paid", "pay.next_due",
                     "pay.next_amount", "pay.days", "pay.last_payment"]
            header = 3
            widths = set_widths(sheet, STATUS_WIDTHS)
            headings(sheet, header, 0, [t(h) for h in heads], fmt, widths)
            row = sheet.write_rows(header + 1, 0, _status_columns(fmt),
                                   _status_rows(rows, customers, widths, header + 1, t, lang)) - 1
            if rows:
                text(sheet, row + 1, 5, t("pay.totals"), fmt.total_label)
                for col, attr in ((6, "total"), (7, "collected"), (8, "credited"), (9, "outstanding")):
                    value = sum((getattr(r, attr) for r in rows), Decimal(0))
                    sheet.write_formula(row + 1, col,
                                        f"=SUM({address(header + 2, col + 1)}:{address(row + 1, col + 1)})",
                                        fmt.total, float(value))
                sheet.conditional_format(header + 1, DAYS, row, DAYS, {"type": "cell", "criteria": "<", "value": 0,
                                                                       "format": red})
                sheet.autofilter(header, 0, row, len(heads) - 1)
            sheet.freeze_panes(header + 1, 1)
            a4(sheet, landscape=True, repeat_rows=(header, header))
            detail = f"{master.settings.company_name} – {as_of(as_of_day, lang)}"
            page_header(sheet, t("pay.title"), detail)

            paid = book.add_worksheet(sheet_name(t("pay.payments_sheet"), taken))
            paid_widths = set_widths(paid, PAYMENTS_WIDTHS)
            headings(paid, 0, 0, [t("doc.number"), t("doc.customer"), t("doc.date"), t("doc.amount"), t("pay.entry"),
                                  t("pay.method"), t("pay.reference")], fmt, paid_widths)
            payments = _payment_rows(receivables, shown, paid_widths, t, lang)
            if paid.write_rows(1, 0, [Column("value", f) for f in (None, None, fmt.date, fmt.money, fmt.wrap, fmt.wrap,
                                                                   fmt.wrap)], payments) == 1:
                text(paid, 1, 0, t("pay.none"))
            paid.freeze_panes(1, 0)
            a4(paid, repeat_rows=(0, 0))
            page_header(paid, f"{t('pay.title')} – {t('pay.payments_sheet')}", detail)

    return write_atomic(target, write)


def _status_columns(fmt: Formats) -> list[Column]:
    """The status table's columns with the formats their cells take; the outstanding amount
    is a live formula, total less collected less credited."""
    values = [Column("value", f) for f in (None, fmt.date, fmt.wrap, None, fmt.wrap, fmt.wrap, fmt.money, fmt.money,
                                           fmt.money)]
    return [*values, Column("formula", fmt.money),
            *(Column("value", f) for f in (None, fmt.date, fmt.money, None, fmt.date))]


def _status_rows(rows: Sequence[PaymentStatus], customers: Mapping[str, str], widths: Sequence[float],
                 first: int, t: Callable[[str], str], lang: str) -> Iterator[tuple[tuple[Any, ...], float | None]]:
    """A row per invoice from sheet row `first` (zero-based), with its height: the document's
    kind, the customer's name and the payment method wrap."""
    credit_note, debit_note, invoice = t("pay.kind_credit_note"), t("pay.kind_debit_note"), t("pay.kind_invoice")
    for row, r in enumerate(rows, start=first + 1):
        kind = {"credit-note": credit_note, DEBIT_NOTE: debit_note}.get(r.kind, invoice)
        name = customers.get(r.customer)
        method = _method(r.payment_method, lang)
        yield ((r.number, r.invoice_date, kind, r.customer, name, method, r.total, r.collected, r.credited,
                (f"={address(row, 7)}-{address(row, 8)}-{address(row, 9)}", r.outstanding),
                t("pay.refunded_beyond" if r.refunded_beyond else "pay.yes" if r.paid else "pay.no"),
                r.next_due, r.next_due_amount, r.days_to_due, r.last_payment),
               row_height(((kind, widths[2]), (name, widths[4]), (method, widths[5]))))


def _payment_rows(receivables: Sequence[Receivable], shown: set[str], widths: Sequence[float],
                  t: Callable[[str], str], lang: str) -> Iterator[tuple[tuple[Any, ...], float | None]]:
    """A row per payment recorded against the invoices shown, with its height, and what it is
    (*Incasso*, *Rimborso*, *Annullo*, *Incasso annullato*): a bare negative amount read alike
    as a refund and as a void."""
    for receivable in receivables:
        if receivable.number not in shown:
            continue
        for payment in receivable.payments:
            method, entry = _method(payment.method, lang), t(payment.entry)
            yield ((receivable.number, receivable.customer, payment.payment_date, payment.amount, entry, method,
                    payment.reference),
                   row_height([(entry, widths[4]), (method, widths[5]), (payment.reference, widths[6])]))
