"""Agents' commissions settled, as later documents and runs read them: a note on a settled
invoice of a customer moved since from an agent paid on what is collected to one paid on what
is invoiced; a second settlement written into another folder; a note on an invoice settled
long ago; and the words of a preview of a settled period."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from factories import source
from test_commission_settlements import FIRST, LAST, TODAY
from test_commissions_credited import AGENT, MAY, _pay, invoiced_april

from toolkit.basics.vocab import CommissionBase
from toolkit.model.records import Commission
from toolkit.services import commissions
from toolkit.services.credit_notes import credit

LUCA = "Luca Verdi"


def _collected_april_then_moved(ledger, *, cash_kept: bool):
    """April's FT-2026-00001 (1,000.00 €) collected in full, Marco Bianchi paid 5 % of what is
    collected under his own rule (CASH) and April settled; C001 given to Luca Verdi since, paid
    5 % of what is invoiced under his own (PV). `cash_kept`: Marco Bianchi's rule still on
    *Provvigioni* (else deleted, he has left). May's note on two of April's goods (200.00 €)."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    cash = replace(master.commissions[0], agent=AGENT)
    master = master.model_copy(update={"commissions": (cash,)})
    _pay(ledger, date(2026, 4, 30), "1220.00")
    [april] = commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY).issued
    assert [(r.rule, r.base, r.share, r.commission) for r in april.rows] == [("CASH", D("1000.00"), D(100),
                                                                               D("50.00"))]
    pv = Commission(code="PV", agent=LUCA, base=CommissionBase.INVOICED, threshold=D(0), percent=D(5),
                    source=source("commissions", 3))
    moved = master.model_copy(update={
        "commissions": (cash, pv) if cash_kept else (pv,),
        "customers": tuple(replace(c, sales_rep=LUCA) for c in master.customers)})
    note = credit(ledger, moved, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5)).note
    assert note is not None
    return moved, note


@pytest.mark.parametrize("cash_kept", [True, False], ids=["his rule kept", "his rule deleted"])
def test_a_note_on_a_collected_settled_invoice_of_a_customer_moved_to_an_invoiced_agent(ledger, cash_kept):
    """The note was charged to nobody: Marco Bianchi, paid 10.00 € on those goods, is no longer
    C001's agent, and Luca Verdi, paid on what is invoiced, was paid nothing on them. It is taken
    back from the agent the settled statement paid, at the share it paid, under the settled
    row's rule: as a collected base counts it, the whole 200.00 € collected of them at 5 %."""
    moved, note = _collected_april_then_moved(ledger, cash_kept=cash_kept)
    may = commissions.compute(ledger, moved, *MAY)
    assert [(s.agent, [(r.invoice.number, r.rule, r.base, r.share, r.collected, r.rate, r.commission)
                       for r in s.rows]) for s in may.statements] == [
        (AGENT, [(note.number, "CASH", D("-200.00"), D(100), D(1), D(5), D("-10.00"))])]
