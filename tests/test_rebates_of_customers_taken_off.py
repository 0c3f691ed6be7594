"""A customer taken off *Clienti* after it was invoiced: its agent's commissions and its volume
discount cannot be worked out (the agent, the group, the terms are on the row), and were left
out without a word, the statement saying «0 agenti, totale 0,00 €». Both now say which
documents are left out and how to bring them back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from factories import source
from test_invoicing import APRIL, make_order, master_with, ship

from toolkit.basics.vocab import BracketBasis, BracketMode, CommissionBase, DiscountPeriod, InvoiceTerms
from toolkit.core.invoicing import Request
from toolkit.core.volume_discounts import parse_period
from toolkit.model.records import Commission, VolumeDiscount
from toolkit.services import commissions, discounts
from toolkit.services.invoicing import finalize, run

AGENT = "Marco Bianchi"


@pytest.fixture
def invoiced(ledger):
    """FT-2026-00001 of 30 April to C001, Marco Bianchi's customer: 10 × 100 € at 22 %; 5 % on
    what is invoiced, and a monthly 3 % discount for everyone."""
    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, sales_rep=AGENT)
    master = master.model_copy(update={
        "commissions": (Commission(code="PV", base=CommissionBase.INVOICED, threshold=D(0), percent=D(5),
                                   source=source("commissions", 2)),),
        "volume_discounts": (VolumeDiscount(code="SV", period=DiscountPeriod.MONTH, basis=BracketBasis.AMOUNT,
                                            mode=BracketMode.WHOLE, threshold=D(0), percent=D(3),
                                            source=source("volume_discounts", 2)),)})
    _, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "10", "100", "22", None)])
    ship(ledger, "C001", date(2026, 4, 9), [(line_id, "10")])
    finalize(ledger, run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it").run_id)
    return master


def _without_c001(master):
    return master.model_copy(update={"customers": tuple(c for c in master.customers if c.code != "C001")})


def test_commissions_name_the_documents_of_a_customer_taken_off_the_sheet(ledger, invoiced):
    assert commissions.compute(ledger, invoiced, APRIL.start, APRIL.end, lang="it").statements[0].total == D("50.00")
    made = commissions.compute(ledger, _without_c001(invoiced), APRIL.start, APRIL.end, lang="it")
    assert made.statements == []
    [problem] = [p for p in made.problems if p.code == "commission-unknown-customer"]
    assert problem.message("it") == (
        "1 documento del periodo è di clienti che non sono più nel foglio Clienti (C001: FT-2026-00001): le "
        "provvigioni su di esso non sono calcolate, perché l'agente del cliente è scritto lì. Rimetti la riga del "
        "cliente, con il suo agente, e calcola di nuovo le provvigioni.")


def test_a_settlement_names_the_invoices_of_a_customer_taken_off_the_sheet(ledger, invoiced):
    april = parse_period("2026-04")
    done = discounts.run(ledger, _without_c001(invoiced), april, date(2026, 5, 5), date(2026, 5, 5), lang="it")
    assert done.credit_notes == []
    [problem] = [p for p in done.problems if p.code == "discount-unknown-customer"]
    assert "1 documento del periodo 2026-04 è di clienti che non sono più nel foglio Clienti (C001: FT-2026-00001)" \
        in problem.message("it")
    back = discounts.run(ledger, invoiced, april, date(2026, 5, 5), date(2026, 5, 5), lang="it")
    assert [n.total for n in back.credit_notes] == [D("-36.60")]
    assert not [p for p in back.problems if p.code == "discount-unknown-customer"]
