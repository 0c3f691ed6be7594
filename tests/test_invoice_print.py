"""The printed invoices and credit notes as the customer reads them: the text LibreOffice prints
from the invoice copies, read back with pdftotext. The documents are built from their lines
(no ledger), one workbook of several invoices converted once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from test_distribution import pdf_text
from test_invoicing import APRIL, line, master_with

from toolkit.basics.vocab import PaymentMethod
from toolkit.core.invoicing import Invoice, InvoiceKind, InvoiceStatus, build_invoice
from toolkit.writers.accountants import write_copies
from toolkit.writers.libreoffice import soffice
from toolkit.writers.pdf import to_pdf

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")]

END = date(2026, 4, 30)


def numbered(invoice: Invoice, number: str) -> Invoice:
    return replace(invoice, number=number, status=InvoiceStatus.FINAL)


def documents() -> list[Invoice]:
    """A return's credit note, and invoices paid in the ways the copies tell apart."""
    master = master_with(payment_terms="FM+30", payment_method=PaymentMethod.RIBA)
    customer = master.customers[0]
    returned = [line(date(2026, 4, 9), qty="-5", price="1.28", rate="10"),
                line(date(2026, 4, 9), qty="-12", price="8.01", rate="4")]
    note = build_invoice(customer, InvoiceKind.CREDIT_NOTE, None, APRIL, END, returned)
    return [numbered(note, "NC-2026-00001")]


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> str:
    """The copies' text as printed, one invoice per page."""
    out = tmp_path_factory.mktemp("invoice-print")
    master = master_with(payment_terms="FM+30", payment_method=PaymentMethod.RIBA)
    return pdf_text(to_pdf(write_copies(out / "copie.xlsx", master, documents())))


def page(printed: str, number: str) -> str:
    """The page of the document numbered `number`."""
    return next(p for p in printed.split("\f") if number in p)


def test_a_credit_note_prints_its_amounts_positive_under_its_title(printed):
    text = page(printed, "NC-2026-00001")
    assert "NOTA DI CREDITO n. NC-2026-00001" in text
    assert after(text, "Totale documento") == "107.00"
    assert after(text, "Totale imponibile") == "102.52"
    assert not any(word.startswith("-") and word[1:2].isdigit() for word in text.split()), text


def after(text: str, label: str) -> str:
    """The first word printed after `label`."""
    return text.split(label, 1)[1].split()[0]
