"""Commissions on a collected base when credit notes correct the invoices: a note takes back of
the agent's commission only what it takes back of what was collected; on an invoice not yet
collected it lowers what is still to collect, and the invoice earns on the rest once paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from factories import source
from test_invoicing import APRIL, make_order, master_with, ship

from toolkit.basics.vocab import CommissionBase, InvoiceTerms, PaymentMethod
from toolkit.core.invoicing import Request
from toolkit.core.payments import PaymentEntry
from toolkit.model.records import Commission
from toolkit.services import commissions
from toolkit.services.credit_notes import credit
from toolkit.services.invoicing import finalize, run
from toolkit.services.payments import record

MAY = (date(2026, 5, 1), date(2026, 5, 31))
JUNE = (date(2026, 6, 1), date(2026, 6, 30))
AGENT = "Marco Bianchi"


@pytest.fixture
def invoiced(ledger):
    """FT-2026-00001 of 30 April to C001, whose agent earns 5 % on what is collected: 10 × 100 €
    at 22 %, 1,000.00 € + VAT = 1,220.00 €."""
    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, sales_rep=AGENT)
    master = master.model_copy(update={"commissions": (Commission(
        code="CASH", base=CommissionBase.COLLECTED, threshold=D(0), percent=D(5), source=source("commissions", 2)),)})
    _, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "10", "100", "22", None)])
    ship(ledger, "C001", date(2026, 4, 9), [(line_id, "10")])
    done = run(ledger, master, Request(APRIL, date(2026, 5, 2)))
    finalize(ledger, done.run_id)
    return master


def _credit_two(ledger, master, day: date) -> None:
    """NC-2026-00001: 2 of the 10 back, 200.00 € + VAT = 244.00 €."""
    done = credit(ledger, master, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", day, date(2026, 7, 1))
    assert done.note is not None and done.note.total == D("-244.00"), done.problems


def _pay(ledger, day: date, amount: str) -> None:
    done = record(ledger, [PaymentEntry("FT-2026-00001", day, D(amount), PaymentMethod.BANK_TRANSFER)], "FT")
    assert done.recorded, done.problems


def _rows(ledger, master, period) -> tuple[list[tuple[str, D, D]], D]:
    made = commissions.compute(ledger, master, *period)
    rows = [(r.invoice.number, r.base, r.commission) for s in made.statements for r in s.rows]
    return rows, sum((s.total for s in made.statements), D(0))


def test_a_note_on_an_invoice_never_collected_takes_no_commission_back(ledger, invoiced):
    """The note's −200.00 € of base earned −10.00 € in May though nothing had been collected,
    and June's 976.00 € collected then earned on 800.00 €: the agent lost 10.00 € for good."""
    _credit_two(ledger, invoiced, date(2026, 5, 5))
    assert _rows(ledger, invoiced, MAY) == ([], D(0))
    _pay(ledger, date(2026, 6, 10), "976.00")
    assert _rows(ledger, invoiced, JUNE) == ([("FT-2026-00001", D("800.00"), D("40.00"))], D("40.00"))


def test_a_note_on_an_invoice_collected_takes_back_what_it_refunds(ledger, invoiced):
    _pay(ledger, date(2026, 5, 4), "1220.00")
    _credit_two(ledger, invoiced, date(2026, 5, 20))
    assert _rows(ledger, invoiced, MAY) == ([("FT-2026-00001", D("1000.00"), D("50.00")),
                                             ("NC-2026-00001", D("-200.00"), D("-10.00"))], D("40.00"))


def test_a_note_after_the_period_the_invoice_was_collected_in_takes_back_in_its_own(ledger, invoiced):
    _pay(ledger, date(2026, 5, 4), "1220.00")
    _credit_two(ledger, invoiced, date(2026, 6, 3))
    assert _rows(ledger, invoiced, MAY)[1] == D("50.00")
    assert _rows(ledger, invoiced, JUNE) == ([("NC-2026-00001", D("-200.00"), D("-10.00"))], D("-10.00"))


def test_a_note_on_an_invoice_partly_collected_takes_back_only_what_it_overlaps(ledger, invoiced):
    """1,100.00 € of 1,220.00 € collected, then 244.00 € credited: 120.00 € lowers what is
    still to collect, 124.00 € (101.64 € of base) takes back what the agent earned."""
    _pay(ledger, date(2026, 5, 4), "1100.00")
    _credit_two(ledger, invoiced, date(2026, 6, 3))
    assert _rows(ledger, invoiced, MAY) == ([("FT-2026-00001", D("901.64"), D("45.08"))], D("45.08"))
    assert _rows(ledger, invoiced, JUNE) == ([("NC-2026-00001", D("-101.64"), D("-5.08"))], D("-5.08"))
