"""Payments and notes on an invoice of a settled period, on what is collected: they go by the
agents and shares the settled statement paid on the invoice, whatever *Agenti clienti* and
*Clienti* say since, so what the agents earn of an invoice over its life never adds to more
than its net, and a note takes back of every collection that paid them; one nothing of which
was collected when settled by the agents of its date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from factories import source
from test_commission_settlements import FIRST, LAST, TODAY
from test_commissions_credited import AGENT, JUNE, MAY, _pay, invoiced_april
from test_invoicing import APRIL, make_order, ship

from toolkit.basics.vocab import CommissionBase, PaymentMethod
from toolkit.core.invoicing import Period, Request
from toolkit.core.payments import PaymentEntry
from toolkit.model.records import Commission, CustomerAgent
from toolkit.services import commissions
from toolkit.services.credit_notes import credit
from toolkit.services.invoicing import finalize, run
from toolkit.services.payments import record

LUCA = "Luca Verdi"


def _shared(master, marco: int, luca: int):
    return master.model_copy(update={"customer_agents": tuple(
        CustomerAgent(customer="C001", agent=name, share=D(share), source=source("customer_agents", row))
        for row, (name, share) in enumerate(((AGENT, marco), (LUCA, luca)), start=2))})


def _bases(made) -> dict[str, D]:
    found: dict[str, D] = {}
    for s in made.statements:
        found[s.agent] = found.get(s.agent, D(0)) + s.base
    return found


def april_one_collected(ledger):
    """April's FT-2026-00001 (1,000.00 €) nothing collected and FT-2026-00002 (100.00 €)
    collected in full, C001 Marco Bianchi's at 5 % of what is collected (CASH); the master."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    _, [line_id] = make_order(ledger, "C001", date(2026, 4, 20), [("A001", "1", "100", "22", None)])
    ship(ledger, "C001", date(2026, 4, 20), [(line_id, "1")])
    finalize(ledger, run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it").run_id)
    assert record(ledger, [PaymentEntry("FT-2026-00002", date(2026, 4, 30), D("122.00"),
                                        PaymentMethod.BANK_TRANSFER)]).recorded
    return master


def test_a_payment_after_the_shares_changed_goes_by_the_shares_the_invoice_was_settled_at(ledger):
    """C001 shared 60/40 between Marco Bianchi and Luca Verdi, April's FT-2026-00001 (1,000.00 €)
    half collected and April settled: 300.00 € and 200.00 €. The shares become 50/50; in May a
    note on two goods, then the rest paid: the note took back at the settled 60/40 and the
    payment earned at today's 50/50, so Luca Verdi's bases added to 350.00 € of an invoice whose
    net of 800.00 € left him 320.00 € at the share he was paid at, Marco Bianchi's to 450.00 €.
    Both go by the shares the invoice was settled at: 480.00 € and 320.00 €."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    april_master = _shared(master, 60, 40)
    _pay(ledger, date(2026, 4, 30), "610.00")
    april = commissions.compute(ledger, april_master, FIRST, LAST, settle=True, today=TODAY, lang="it")
    assert _bases(april) == {AGENT: D("300.00"), LUCA: D("200.00")}
    today = _shared(master, 50, 50)
    assert credit(ledger, today, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note is not None
    _pay(ledger, date(2026, 5, 20), "366.00")
    may = commissions.compute(ledger, today, *MAY, lang="it")
    assert {a: april_base + _bases(may)[a] for a, april_base in _bases(april).items()} == {
        AGENT: D("480.00"), LUCA: D("320.00")}
    assert {r.share for s in may.statements for r in s.rows} == {D(60), D(40)}


def test_a_note_after_later_settled_payments_takes_back_of_every_collection_that_paid(ledger):
    """April's FT-2026-00001 half collected, Marco Bianchi paid on 500.00 €; a quarter more in May,
    paid to him and settled (250.00 €); C001 given to Luca Verdi, paid on what is invoiced, in
    June, and June's note on eight goods took back of what was collected by April's end alone,
    300.00 €: Marco Bianchi kept 450.00 € of base on an invoice whose net is 200.00 €. It takes
    back of every collection that paid him, 550.00 €."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    cash = replace(master.commissions[0], agent=AGENT)
    master = master.model_copy(update={"commissions": (cash,)})
    _pay(ledger, date(2026, 4, 30), "610.00")
    commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it")
    _pay(ledger, date(2026, 5, 20), "305.00")
    may = commissions.compute(ledger, master, *MAY, settle=True, today=date(2026, 6, 2), lang="it")
    assert _bases(may) == {AGENT: D("250.00")}
    pv = Commission(code="PV", agent=LUCA, base=CommissionBase.INVOICED, threshold=D(0), percent=D(5),
                    source=source("commissions", 3))
    moved = master.model_copy(update={"commissions": (cash, pv),
                                      "customers": tuple(replace(c, sales_rep=LUCA) for c in master.customers)})
    assert credit(ledger, moved, "FT-2026-00001", [(1, D(8))], "Merce danneggiata", date(2026, 6, 5),
                  date(2026, 6, 5), lang="it").note is not None
    june = commissions.compute(ledger, moved, *JUNE, lang="it")
    assert [(s.agent, r.base, r.commission) for s in june.statements for r in s.rows] == [
        (AGENT, D("-550.00"), D("-27.50"))]


def test_an_invoice_nothing_of_which_was_collected_when_settled_goes_by_the_agents_of_its_date(ledger):
    """C001 Marco Bianchi's in April, paid 5 % of what is collected: FT-2026-00001 (1,000.00 €)
    nothing collected, FT-2026-00002 (100.00 €) collected in full, April settled (5.00 €). C001
    given to Luca Verdi since; FT-2026-00001 collected in May earned Luca Verdi 50.00 € on a sale
    Marco Bianchi made, as today's agents took it. It goes by the agents of its date, as an
    invoiced base pays it: those April's settled statement paid on C001, at their shares."""
    master = april_one_collected(ledger)
    april = commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it")
    assert [(s.agent, r.invoice.number, r.base) for s in april.statements for r in s.rows] == [
        (AGENT, "FT-2026-00002", D("100.00"))]
    moved = master.model_copy(update={"customers": tuple(replace(c, sales_rep=LUCA) for c in master.customers)})
    _pay(ledger, date(2026, 5, 20), "1220.00")
    may = commissions.compute(ledger, moved, *MAY, lang="it")
    assert [(s.agent, r.invoice.number, r.base, r.share, r.collected, r.commission)
            for s in may.statements for r in s.rows] == [(AGENT, "FT-2026-00001", D("1000.00"), D(100), D(1), D("50.00"))]


def test_the_agents_of_an_invoices_date_are_those_paid_on_the_customers_invoices_of_that_period(ledger):
    """April's FT-2026-00001 half collected and paid to Marco Bianchi; C001 given to Luca Verdi,
    who invoiced FT-2026-00002 (100.00 €) in May, nothing of it collected by May's end; May
    settled, paying Marco Bianchi the rest of April's invoice. FT-2026-00002 collected in June
    earned Marco Bianchi: May's statement named him on C001 for April's invoice, as it would
    for a note on one, at the share paid on it, so beside a co-agent of May the shares added to
    more than 100 %. The agents of its date are those paid on the customer's invoices of May."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    _pay(ledger, date(2026, 4, 30), "610.00")
    commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it")
    moved = master.model_copy(update={"customers": tuple(replace(c, sales_rep=LUCA) for c in master.customers)})
    _, [line_id] = make_order(ledger, "C001", date(2026, 5, 12), [("A001", "1", "100", "22", None)])
    ship(ledger, "C001", date(2026, 5, 12), [(line_id, "1")])
    finalize(ledger, run(ledger, moved, Request(Period(*MAY), date(2026, 6, 1)), lang="it").run_id)
    _pay(ledger, date(2026, 5, 20), "610.00")
    may = commissions.compute(ledger, moved, *MAY, settle=True, today=date(2026, 6, 2), lang="it")
    assert [(s.agent, r.invoice.number, r.base) for s in may.statements for r in s.rows] == [
        (AGENT, "FT-2026-00001", D("500.00"))]
    assert record(ledger, [PaymentEntry("FT-2026-00002", date(2026, 6, 10), D("122.00"),
                                        PaymentMethod.BANK_TRANSFER)]).recorded
    june = commissions.compute(ledger, moved, *JUNE, lang="it")
    assert [(s.agent, r.invoice.number, r.base, r.share) for s in june.statements for r in s.rows] == [
        (LUCA, "FT-2026-00002", D("100.00"), D(100))]


def test_agents_paid_at_two_rates_under_a_rule_whose_base_changed_earn_the_rest_each_at_their_own(ledger):
    """CASH pays 3 %, 5 % from a base of 250.00 €: April's FT-2026-00001 half collected and
    settled 60/40, Marco Bianchi at 5 % on 300.00 €, Luca Verdi at 3 % on 200.00 €. CASH since
    pays on what is invoiced, the same code; the rest collected in May earns each the rest at
    the settled row's rate, and Marco Bianchi earned Luca Verdi's 3 % (9.00 € of 15.00 €): the
    rule kept at a settled rate was kept once, at the rate of whichever row came first."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    cash = master.commissions[0]
    brackets = (replace(cash, percent=D(3)), replace(cash, threshold=D(250), percent=D(5),
                                                     source=source("commissions", 3)))
    april_master = _shared(master, 60, 40).model_copy(update={"commissions": brackets})
    _pay(ledger, date(2026, 4, 30), "610.00")
    april = commissions.compute(ledger, april_master, FIRST, LAST, settle=True, today=TODAY, lang="it")
    assert [(s.agent, r.rate) for s in april.statements for r in s.rows] == [(LUCA, D(3)), (AGENT, D(5))]
    invoiced = april_master.model_copy(update={"commissions": tuple(
        replace(c, base=CommissionBase.INVOICED) for c in brackets)})
    _pay(ledger, date(2026, 5, 20), "610.00")
    may = commissions.compute(ledger, invoiced, *MAY, lang="it")
    assert [(s.agent, r.rule, r.base, r.rate, r.commission) for s in may.statements for r in s.rows] == [
        (LUCA, "CASH", D("200.00"), D(3), D("6.00")), (AGENT, "CASH", D("300.00"), D(5), D("15.00"))]


def test_a_paid_agents_rule_deleted_and_its_code_made_another_agents_earns_the_rest_at_the_settled_rate(ledger):
    """Marco Bianchi's CASH, 5 % of what is collected, paid him on April's half (500.00 €); C001
    given to Luca Verdi and CASH deleted and written again as Luca Verdi's, at 8 %. The rest
    collected in May earned Marco Bianchi 8 %, 40.00 €, under a rule that pays him nothing: a
    rule of that code on that base was taken for his. He earns at the settled 5 %, 25.00 €."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    cash = replace(master.commissions[0], agent=AGENT)
    master = master.model_copy(update={"commissions": (cash,)})
    _pay(ledger, date(2026, 4, 30), "610.00")
    commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it")
    moved = master.model_copy(update={"commissions": (replace(cash, agent=LUCA, percent=D(8)),),
                                      "customers": tuple(replace(c, sales_rep=LUCA) for c in master.customers)})
    _pay(ledger, date(2026, 5, 20), "610.00")
    may = commissions.compute(ledger, moved, *MAY, lang="it")
    assert [(s.agent, r.rule, r.base, r.rate, r.commission) for s in may.statements for r in s.rows] == [
        (AGENT, "CASH", D("500.00"), D(5), D("25.00"))]


def test_an_agent_earning_beside_the_paid_ones_is_shown_what_was_collected(ledger):
    """C001 shared 60/40, April's FT-2026-00001 half collected and settled: Marco Bianchi paid
    on 300.00 €, Luca Verdi nothing, no rule paying him then. His CASH row written since, the
    rest collected in May earns him his 40 % beside Marco Bianchi's 60 %, and his row said
    *Incassato* 0 % on a base of 200.00 €, the collected share of an agent the settled statement
    did not pay being counted nowhere: it says 50 %, as Marco Bianchi's does."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    marco = replace(master.commissions[0], agent=AGENT)
    shared = _shared(master, 60, 40)
    _pay(ledger, date(2026, 4, 30), "610.00")
    april = commissions.compute(ledger, shared.model_copy(update={"commissions": (marco,)}), FIRST, LAST,
                                settle=True, today=TODAY, lang="it")
    assert _bases(april) == {AGENT: D("300.00")}
    _pay(ledger, date(2026, 5, 20), "610.00")
    may = commissions.compute(ledger, shared, *MAY, lang="it")
    assert [(s.agent, r.base, r.share, r.collected, r.commission) for s in may.statements for r in s.rows] == [
        (LUCA, D("200.00"), D(40), D("0.5"), D("10.00")), (AGENT, D("300.00"), D(60), D("0.5"), D("15.00"))]
