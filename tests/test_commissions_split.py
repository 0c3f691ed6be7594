"""Commissions on a collected base under split payment (art. 17-ter DPR 633/72): the public
administration pays the net and the VAT goes to the State, so the share collected is what was
paid over what the invoice asks, not over its total, and a note takes off what it asks net of VAT."""

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
from toolkit.services.invoicing import finalize, run
from toolkit.services.payments import record

MAY = (date(2026, 5, 1), date(2026, 5, 31))


def _master():
    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, payment_terms="30", sdi_code="UFABCD",
                         sales_rep="Silvia Moretti")
    return master.model_copy(update={"commissions": (Commission(
        code="PV-INCASSI", base=CommissionBase.COLLECTED, threshold=D(0), percent=D(4),
        source=source("commissions", 2)),)})


def _invoice(ledger, days_lines) -> object:
    master = _master()
    for day, lines in days_lines:
        _, ids = make_order(ledger, "C001", day, lines)
        ship(ledger, "C001", day, [(x, q) for x, (_, q, *_) in zip(ids, lines)])
    finalize(ledger, run(ledger, master, Request(APRIL, date(2026, 5, 2))).run_id)
    return master


def _pay(ledger, amount: str) -> None:
    done = record(ledger, [PaymentEntry("FT-2026-00001", date(2026, 5, 10), D(amount), PaymentMethod.BANK_TRANSFER)])
    assert done.recorded and not done.problems, done.problems


def _rows(ledger, master) -> list[tuple[str, D, D]]:
    made = commissions.compute(ledger, master, *MAY)
    return [(r.invoice.number, r.base, r.commission) for s in made.statements for r in s.rows]


@pytest.fixture
def asked(ledger):
    """FT-2026-00001 of 512.10 net + 112.66 VAT to a public administration: it asks 512.10."""
    return _invoice(ledger, [(date(2026, 4, 9), [("A001", "1", "512.10", "22", None)])])


def test_a_split_payment_invoice_paid_what_it_asks_earns_its_whole_net(ledger, asked):
    """Paid in full with 512.10 it earned on 419.76 (512.10 × 512.10 / 624.76), as if the VAT were still owed."""
    _pay(ledger, "512.10")
    assert _rows(ledger, asked) == [("FT-2026-00001", D("512.10"), D("20.48"))]


def test_a_split_payment_invoice_paid_half_of_what_it_asks_earns_half_its_net(ledger, asked):
    _pay(ledger, "256.05")
    assert _rows(ledger, asked) == [("FT-2026-00001", D("256.05"), D("10.24"))]


def test_a_split_payment_return_s_note_takes_off_its_net_and_the_rest_paid_earns_the_rest(ledger):
    """Invoice 176.18 net, the return's note 50.00 net: the office pays the 126.18 left, all of it.
    The note took 61.00 with its VAT off 214.94 and the payment earned on 103.43 of 126.18."""
    master = _invoice(ledger, [(date(2026, 4, 9), [("A001", "2", "25", "22", None), ("A001", "1", "126.18", "22", None)]),
                               (date(2026, 4, 10), [("A001", "-2", "25", "22", None)])])
    _pay(ledger, "126.18")
    assert _rows(ledger, master) == [("FT-2026-00001", D("126.18"), D("5.05"))]
