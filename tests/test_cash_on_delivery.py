"""Cash on delivery (contrassegno) falls due at delivery, end to end, where the desk and the
accountant read it: the ledger's dues, payment monitoring, the aging report, the printed
invoice and the FatturaPA file.

The workbook of `test_order_terms`: customer C001 pays by bank transfer at `30FM`, and its
template T004 is paid cash on delivery. T004 delivers on Thursday 9 April (1 kg of coffee) and
on Thursday 16 April (3 kg, the template changed in between); April's month-end run, on
4 May, makes one deferred invoice of both, dated 30 April. The driver collected each DDT's
amount when it arrived, so the invoice is due on the 9th and on the 16th, each DDT's amount
with its VAT: not on 31 May, as `30FM` from 30 April would say.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import minimal
import pytest
from fatturapa_reading import read, schema_errors
from test_distribution import pdf_text
from test_order_terms import APRIL, CLOSING_DAY, sheets

from toolkit.basics.vocab import PaymentMethod
from toolkit.core.invoicing import Invoice, InvoiceStatus, Request
from toolkit.core.payments import Show, monitor
from toolkit.core.reports import Kind
from toolkit.core.reports import Request as ReportRequest
from toolkit.intake.validation import check
from toolkit.ledger import Ledger, open_ledger
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices
from toolkit.model.records import MasterData
from toolkit.services import einvoice
from toolkit.services.invoicing import run
from toolkit.services.orders import create
from toolkit.services.payments import load_receivables
from toolkit.services.reports import build
from toolkit.services.shipping import ship
from toolkit.writers.accountants import write_copies
from toolkit.writers.libreoffice import soffice
from toolkit.writers.pdf import to_pdf

FIRST, SECOND = date(2026, 4, 9), date(2026, 4, 16)
FIRST_DUE, SECOND_DUE = D("22.57"), D("67.71")
"""A kilo of coffee at 18.50 with 22% VAT; three kilos."""


def master_with_coffee(kilos: int) -> MasterData:
    s = sheets()
    [t004] = [row for row in s["Righe modello"] if row[0] == "T004"]
    t004[2] = kilos
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


@dataclass(frozen=True)
class April:
    master: MasterData
    ledger: Ledger
    cash: Invoice
    """The invoice paid cash on delivery."""
    transfer: Invoice
    """C001's other invoice, paid by bank transfer at `30FM`."""


@pytest.fixture(scope="module")
def april(tmp_path_factory) -> April:
    ledger = open_ledger(f"sqlite:///{tmp_path_factory.mktemp('cod') / 'ledger.sqlite'}")
    for day, kilos in ((FIRST, 1), (SECOND, 3)):
        master = master_with_coffee(kilos)
        create(master, ledger, day, with_catch_up=False)
        assert ship(master, ledger, day, all_open=True).notes
    result = run(ledger, master, Request(APRIL, CLOSING_DAY), status=InvoiceStatus.FINAL)
    assert result.run_id and not [p for p in result.problems if p.is_error], result.problems
    with reading(ledger) as conn:
        invoices = [x for x in load_invoices(conn) if x.customer == "C001"]
    [cash] = [x for x in invoices if x.payment_method is PaymentMethod.CASH_ON_DELIVERY]
    [transfer] = [x for x in invoices if x.payment_method is PaymentMethod.BANK_TRANSFER]
    yield April(master, ledger, cash, transfer)
    ledger.engine.dispose()


def test_the_invoice_falls_due_on_each_ddts_day_with_that_ddts_amount(april):
    cash = april.cash
    assert cash.invoice_date == date(2026, 4, 30)
    assert [d.day for d in cash.deliveries] == [FIRST, SECOND]
    assert cash.payment_terms == "CONSEGNA"
    assert [(x.due_date, x.amount) for x in cash.dues] == [(FIRST, FIRST_DUE), (SECOND, SECOND_DUE)]
    assert cash.total == D("90.28")
    assert [(x.due_date, x.amount) for x in april.transfer.dues] == [(date(2026, 5, 31), april.transfer.total)]


def test_monitoring_and_aging_see_the_cash_not_collected_as_overdue_since_the_delivery(april):
    """On the run's day, 4 May, nobody recorded the cash: 25 days late since the 9th, not due
    until 31 May as the customer's terms would have said."""
    [status] = [s for s in monitor(load_receivables(april.ledger), CLOSING_DAY, Show.UNPAID)
                if s.number == april.cash.number]
    assert (status.next_due, status.next_due_amount, status.days_to_due, status.overdue) == (
        FIRST, FIRST_DUE, -25, True)
    made = build(april.master, april.ledger, ReportRequest(Kind.AGING, date(2026, 1, 1), CLOSING_DAY))
    rows = made.data.set_index("document")
    cash, transfer = rows.loc[april.cash.number], rows.loc[april.transfer.number]
    assert (cash.due_date, cash.days_past_due, cash.bucket) == (FIRST, 25, "d1_30")
    assert transfer.bucket == "not_due"


def test_the_xml_states_each_delivery_as_a_payment_due_that_day(april, tmp_path):
    done = einvoice.export(april.master, april.ledger, out=tmp_path / "xml", month=APRIL)
    assert not done.refused and not done.problems
    path = done.files[april.cash.number]
    assert schema_errors(path) == []
    got = read(path)
    assert got.payment_terms == "TP01"
    assert got.dues == (("MP01", FIRST, FIRST_DUE), ("MP01", SECOND, SECOND_DUE))


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or pdftotext (poppler-utils) is not installed")
def test_the_printed_invoice_says_at_delivery_with_each_ddts_day_and_amount(april, tmp_path):
    """Printed by LibreOffice, which recalculates: the dues are each DDT's amount, not equal
    halves of the total, and the terms read "Alla consegna", not "30 gg data fattura fine mese"."""
    printed = pdf_text(to_pdf(write_copies(Path(tmp_path) / "copie.xlsx", april.master, [april.cash])))
    lines = [" ".join(line.split()) for line in printed.splitlines()]
    assert "Termini di pagamento Alla consegna" in lines
    assert "fine mese" not in printed
    assert "09/04/2026 22,57 €" in lines and "16/04/2026 67,71 €" in lines
