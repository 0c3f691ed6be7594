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
from toolkit.services.credit_notes import credit
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
    finalize(ledger, run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it").run_id)
    return master


def _pay(ledger, amount: str, day: date = date(2026, 5, 10)) -> None:
    done = record(ledger, [PaymentEntry("FT-2026-00001", day, D(amount), PaymentMethod.BANK_TRANSFER)])
    assert done.recorded and not done.problems, done.problems


def _rows(ledger, master) -> list[tuple[str, D, D]]:
    made = commissions.compute(ledger, master, *MAY, lang="it")
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


def test_a_split_payment_note_takes_its_net_off_what_is_owed(ledger):
    """10 × 51.21 net invoiced, 2 credited (102.42 net, 22.53 VAT the office never pays), then half
    of the 409.68 left paid: 204.84 earns, where the note taking 124.95 off left 387.15 owed and
    the payment earned on 216.75."""
    master = _invoice(ledger, [(date(2026, 4, 9), [("A001", "10", "51.21", "22", None)])])
    done = credit(ledger, master, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5), date(2026, 7, 1),
                  lang="it")
    assert done.note is not None and done.note.taxable == D("-102.42"), done.problems
    assert done.note.split_payment and done.note.payable == D("-102.42")
    _pay(ledger, "204.84", date(2026, 5, 20))
    assert _rows(ledger, master) == [("FT-2026-00001", D("204.84"), D("8.19"))]


def test_the_uncited_part_of_a_split_payment_return_takes_back_its_net_once_refunded(ledger):
    """`test_commissions_partial_returns`' return, C002 a public administration: the 2 kg no
    invoice sold are 37.00 € net, refunded net; the part read with VAT (45.14) took back 30.33."""
    from dataclasses import replace

    from test_commissions_partial_returns import JUNE, books, rows
    from test_credit_returns import april_invoice, may_run

    from toolkit.core.invoicing import InvoiceKind

    cash = books(CommissionBase.COLLECTED)
    cash = cash.model_copy(update={"customers": tuple(
        replace(c, sdi_code="UFABCD") if c.code == "C002" else c for c in cash.customers)})
    number = april_invoice(cash, ledger).number
    record(ledger, [PaymentEntry(number, date(2026, 5, 10), D("55.50"), PaymentMethod.BANK_TRANSFER)])
    [note] = [x for x in may_run(cash, ledger).invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    done = record(ledger, [PaymentEntry(note.number, date(2026, 6, 10), D("-37.00"), PaymentMethod.BANK_TRANSFER)])
    assert done.recorded and not done.problems, done.problems
    assert rows(ledger, cash, JUNE) == ([(note.number, True, D("-37.00"), D(1), D("-1.85"))], D("-1.85"))
