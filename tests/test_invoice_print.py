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
from toolkit.core.einvoice.codes import LEGAL_REFERENCES
from toolkit.core.invoicing import Invoice, InvoiceKind, InvoiceStatus, build_invoice
from toolkit.writers.accountants import write_copies
from toolkit.writers.libreoffice import soffice
from toolkit.writers.pdf import to_pdf

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")]

END = date(2026, 4, 30)


def numbered(invoice: Invoice, number: str) -> Invoice:
    return replace(invoice, number=number, status=InvoiceStatus.FINAL)


IBAN = "IT60X0542811101000000123456"
PAID = {"FT-2026-00001": (PaymentMethod.BANK_TRANSFER, "30/60/90"), "FT-2026-00002": (PaymentMethod.RIBA, "FM+30"),
        "FT-2026-00003": (PaymentMethod.CARD, "IMM"), "FT-2026-00004": (PaymentMethod.DIRECT_DEBIT, "MS10"),
        "FT-2026-00005": (PaymentMethod.BANK_TRANSFER, "60")}
"""Invoices paid in the ways the copies tell apart: number → method and terms."""


def master():
    base = master_with(payment_terms="FM+30", payment_method=PaymentMethod.RIBA)
    return base.model_copy(update={"settings": replace(base.settings, iban=IBAN)})


def documents() -> list[Invoice]:
    """A return's credit note (its customer pays by Ri.Ba.), and the invoices of `PAID`."""
    customer = master().customers[0]
    returned = [line(date(2026, 4, 9), qty="-5", price="1.28", rate="10"),
                line(date(2026, 4, 9), qty="-12", price="8.01", rate="4")]
    note = build_invoice(customer, InvoiceKind.CREDIT_NOTE, None, APRIL, END, returned)
    invoices = [build_invoice(replace(customer, payment_method=method, payment_terms=terms), InvoiceKind.INVOICE,
                              None, APRIL, END, [line(date(2026, 4, 9))])
                for method, terms in list(PAID.values())[:-1]]
    exempt = [line(date(2026, 4, 9), qty="10", price="12", rate="0", nature="N4"), line(date(2026, 4, 9))]
    invoices.append(build_invoice(replace(customer, payment_method=PaymentMethod.BANK_TRANSFER, payment_terms="60"),
                                  InvoiceKind.INVOICE, None, APRIL, END, exempt, charge_stamp_duty=True))
    return [numbered(note, "NC-2026-00001"), *map(numbered, invoices, PAID)]


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> str:
    """The copies' text as printed, one invoice per page."""
    out = tmp_path_factory.mktemp("invoice-print")
    return pdf_text(to_pdf(write_copies(out / "copie.xlsx", master(), documents())))


def page(printed: str, number: str) -> str:
    """The page of the document numbered `number`."""
    return next(p for p in printed.split("\f") if number in p)


def test_a_credit_note_prints_its_amounts_positive_under_its_title(printed):
    text = page(printed, "NC-2026-00001")
    assert "NOTA DI CREDITO n. NC-2026-00001" in text
    assert after(text, "Totale documento") == "107,00"
    assert after(text, "Totale imponibile") == "102,52"
    assert not any(word.startswith("-") and word[1:2].isdigit() for word in text.split()), text


def after(text: str, label: str) -> str:
    """The first word printed after `label`."""
    return text.split(label, 1)[1].split()[0]


@pytest.mark.parametrize("number, words", [
    ("FT-2026-00001", "30/60/90 gg data fattura"), ("FT-2026-00002", "Fine mese data fattura + 30 gg"),
    ("FT-2026-00003", "Rimessa diretta"), ("FT-2026-00004", "Giorno 10 mese successivo")])
def test_payment_terms_print_in_words(printed, number, words):
    assert " ".join(page(printed, number).split("Termini di pagamento", 1)[1].split()[:len(words.split())]) == words


@pytest.mark.parametrize("number, iban", [("FT-2026-00001", True), ("FT-2026-00002", False), ("FT-2026-00003", False),
                                          ("FT-2026-00004", False), ("NC-2026-00001", False)])
def test_the_iban_prints_only_where_the_customer_pays_by_transfer(printed, number, iban):
    assert (IBAN in page(printed, number)) is iban


def test_an_exempt_invoice_prints_the_law_of_each_nature_as_its_xml_says_it(printed):
    text = " ".join(page(printed, "FT-2026-00005").split())
    assert f"N4: {LEGAL_REFERENCES['N4']}" in text and "N4: Esenti ex art. 10 DPR 633/72" in text
    assert f"N1: {LEGAL_REFERENCES['N1']}" in text  # the stamp duty charged to the customer
    assert "Imposta di bollo assolta in modo virtuale ai" in text and "sensi del DM 17/06/2014" in text  # wrapped
