"""The payment-monitoring workbook (monitoraggio pagamenti / scadenzario).

One row per issued invoice: total, collected, outstanding (a live formula), paid or not, the
next due date with the amount due then and the days until it (negative when past, in red),
and on top the day the status was computed — the seed's "data in cui lo stato è stato
calcolato". A second sheet lists the payments recorded, to check them against the bank.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from toolkit.basics.cells import address
from toolkit.basics.files import write_atomic
from toolkit.basics.labels import define, labeller
from toolkit.basics.vocab import PaymentMethod
from toolkit.basics.vocab import label as vocab_label
from toolkit.core.payments import PaymentStatus, Receivable
from toolkit.model.records import MasterData
from toolkit.writers.printable import a4, formats, headings, new_workbook, set_widths, sheet_name, text
from toolkit.writers.row_heights import fit_row

STATUS_WIDTHS = (15, 11, 15, 11, 32, 16, 14, 14, 14, 8, 11, 14, 11, 11)
PAYMENTS_WIDTHS = (16, 11, 11, 14, 18, 24)

define({
    "pay.title": ("Monitoraggio pagamenti", "Payment monitoring"),
    "pay.sheet": ("Scadenzario", "Payment status"),
    "pay.payments_sheet": ("Incassi", "Payments"),
    "pay.as_of": ("Situazione al", "Status as of"),
    "pay.collected": ("Incassato", "Collected"),
    "pay.outstanding": ("Da incassare", "Outstanding"),
    "pay.paid": ("Pagata", "Paid"),
    "pay.next_due": ("Prossima scadenza", "Next due date"),
    "pay.next_amount": ("Importo in scadenza", "Amount due"),
    "pay.days": ("Giorni alla scadenza", "Days to due date"),
    "pay.last_payment": ("Ultimo incasso", "Last payment"),
    "pay.reference": ("Riferimento", "Reference"),
    "pay.method": ("Modalità", "Method"),
    "pay.yes": ("Sì", "Yes"),
    "pay.no": ("No", "No"),
    "pay.totals": ("Totali", "Totals"),
    "pay.customer_name": ("Ragione sociale", "Customer name"),
    "pay.kind_invoice": ("Fattura", "Invoice"),
    "pay.kind_credit_note": ("Nota di credito", "Credit note"),
})


def _method(value: str | None, lang: str) -> str | None:
    try:
        return vocab_label(PaymentMethod(value), lang) if value else None
    except ValueError:
        return value


def write_payment_status(target: Path, master: MasterData, rows: Sequence[PaymentStatus],
                         receivables: Sequence[Receivable], as_of: date, lang: str = "it") -> Path:
    customers = {c.code: c for c in master.customers}
    t = labeller(lang)
    shown = {r.number for r in rows}

    def write(tmp: Path) -> None:
        book = new_workbook(tmp)
        fmt = formats(book)
        red = book.add_format({"font_color": "#C00000", "bold": True})
        taken: set[str] = set()
        sheet = book.add_worksheet(sheet_name(t("pay.sheet"), taken))
        text(sheet, 0, 0, t("pay.title"), fmt.title)
        text(sheet, 1, 0, t("pay.as_of"), fmt.bold)
        text(sheet, 1, 1, as_of, fmt.date)
        heads = ["doc.number", "doc.date", "doc.document_type", "doc.customer", "pay.customer_name", "pay.method", "doc.total",
                 "pay.collected", "pay.outstanding", "pay.paid", "pay.next_due", "pay.next_amount", "pay.days",
                 "pay.last_payment"]
        header = 3
        widths = set_widths(sheet, STATUS_WIDTHS)
        headings(sheet, header, 0, [t(h) for h in heads], fmt, widths)
        row = header
        for r in rows:
            row += 1
            customer = customers.get(r.customer)
            wrapped = [(2, t("pay.kind_credit_note" if r.kind == "credit-note" else "pay.kind_invoice")),
                       (4, customer.name if customer else None), (5, _method(r.payment_method, lang))]
            text(sheet, row, 0, r.number)
            text(sheet, row, 1, r.invoice_date, fmt.date)
            text(sheet, row, 3, r.customer)
            for col, words in wrapped:
                text(sheet, row, col, words, fmt.wrap)
            fit_row(sheet, row, ((words, widths[col]) for col, words in wrapped))
            text(sheet, row, 6, r.total, fmt.money)
            text(sheet, row, 7, r.collected, fmt.money)
            sheet.write_formula(row, 8, f"={address(row + 1, 7)}-{address(row + 1, 8)}", fmt.money, float(r.outstanding))
            text(sheet, row, 9, t("pay.yes" if r.paid else "pay.no"))
            text(sheet, row, 10, r.next_due, fmt.date)
            text(sheet, row, 11, r.next_due_amount, fmt.money)
            text(sheet, row, 12, r.days_to_due)
            text(sheet, row, 13, r.last_payment, fmt.date)
        if rows:
            text(sheet, row + 1, 5, t("pay.totals"), fmt.total_label)
            for col, attr in ((6, "total"), (7, "collected"), (8, "outstanding")):
                value = sum((getattr(r, attr) for r in rows), Decimal(0))
                sheet.write_formula(row + 1, col, f"=SUM({address(header + 2, col + 1)}:{address(row + 1, col + 1)})",
                                    fmt.total, float(value))
            sheet.conditional_format(header + 1, 12, row, 12, {"type": "cell", "criteria": "<", "value": 0,
                                                               "format": red})
            sheet.autofilter(header, 0, row, len(heads) - 1)
        sheet.freeze_panes(header + 1, 1)
        a4(sheet, landscape=True, repeat_rows=(header, header))

        paid = book.add_worksheet(sheet_name(t("pay.payments_sheet"), taken))
        paid_widths = set_widths(paid, PAYMENTS_WIDTHS)
        headings(paid, 0, 0, [t("doc.number"), t("doc.customer"), t("doc.date"), t("doc.amount"), t("pay.method"),
                              t("pay.reference")], fmt, paid_widths)
        line = 0
        for receivable in receivables:
            if receivable.number not in shown:
                continue
            for payment in receivable.payments:
                line += 1
                text(paid, line, 0, receivable.number)
                text(paid, line, 1, receivable.customer)
                text(paid, line, 2, payment.payment_date, fmt.date)
                text(paid, line, 3, payment.amount, fmt.money)
                method = _method(payment.method, lang)
                text(paid, line, 4, method, fmt.wrap)
                text(paid, line, 5, payment.reference, fmt.wrap)
                fit_row(paid, line, [(method, paid_widths[4]), (payment.reference, paid_widths[5])])
        paid.freeze_panes(1, 0)
        a4(paid, repeat_rows=(0, 0))
        book.close()

    return write_atomic(target, write)
