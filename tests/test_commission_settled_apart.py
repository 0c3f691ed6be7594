"""A period settled for its agents in two runs: the agents settled later earn of an invoice only
what those settled before left of 100 %, so no invoice pays more than its net across all its
agents' settlements, and a later note takes back from each agent what that agent was paid."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from test_commission_settled_invoices import LUCA, _bases, _shared, april_one_collected
from test_commission_settlements import FIRST, LAST, TODAY
from test_commissions_credited import AGENT, MAY, _pay, invoiced_april

from toolkit.basics.vocab import CommissionBase
from toolkit.core.commissions import Account, Entry, collected_bases, statements
from toolkit.services import commissions
from toolkit.services.credit_notes import credit


def test_an_agent_settled_later_for_a_period_earns_nothing_of_an_invoice_another_was_paid_whole(ledger):
    """April's FT-2026-00001 (1,000.00 €) half collected, April settled for Marco Bianchi at
    100 % (500.00 €); C001 then shared 50/50 with Luca Verdi and April settled again, for him:
    he was paid 50 % of the same half (250.00 €), and in May the rest collected paid both at
    their settled shares, 150 % of it. Marco Bianchi was paid the whole invoice: Luca Verdi
    earns nothing of it, in April or after (the second run has nobody left to settle: refused
    as a period settled, nothing stored), and a note takes back from Marco Bianchi alone."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    _pay(ledger, date(2026, 4, 30), "610.00")
    april = commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it")
    assert _bases(april) == {AGENT: D("500.00")}
    shared = _shared(master, 50, 50)
    again = commissions.compute(ledger, shared, FIRST, LAST, settle=True, today=TODAY, lang="it")
    assert ([s.agent for s in again.statements], again.recorded) == ([AGENT], False)
    assert "commission-period-settled" in {p.code for p in again.problems}
    assert credit(ledger, shared, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note is not None
    _pay(ledger, date(2026, 5, 20), "366.00")
    may = commissions.compute(ledger, shared, *MAY, lang="it")
    assert [(s.agent, r.share) for s in may.statements for r in s.rows] == [(AGENT, D(100))]
    assert D("500.00") + _bases(may)[AGENT] == D("800.00")


def test_an_agent_settled_later_on_an_invoiced_base_earns_only_what_the_paid_ones_left(ledger):
    """April's invoice paid 5 % of what is invoiced: settled for Marco Bianchi at 100 %, then
    C001 shared 50/50 and April settled for Luca Verdi, who was paid 50 % of it again (25.00 €).
    He earns nothing of it: the run has only Marco Bianchi's statement again, refused as settled."""
    master = invoiced_april(ledger, CommissionBase.INVOICED, "PV")
    commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it")
    again = commissions.compute(ledger, _shared(master, 50, 50), FIRST, LAST, settle=True, today=TODAY, lang="it")
    assert ([s.agent for s in again.statements], again.recorded) == ([AGENT], False)


def test_an_agent_settled_later_beside_a_partial_share_earns_what_it_leaves(ledger):
    """C001 60/40 in April, Luca Verdi with no rule then: April settled pays Marco Bianchi 60 %
    (600.00 €). Luca Verdi's rule written and April settled for him at 50 % (the shares made
    50/50 since): he earns the 40 % Marco Bianchi left, 400.00 €, never 500.00 €."""
    master = invoiced_april(ledger, CommissionBase.INVOICED, "PV")
    marco = replace(master.commissions[0], agent=AGENT)
    april = commissions.compute(ledger, _shared(master, 60, 40).model_copy(update={"commissions": (marco,)}),
                                FIRST, LAST, settle=True, today=TODAY, lang="it")
    assert _bases(april) == {AGENT: D("600.00")}
    again = commissions.compute(ledger, _shared(master, 50, 50), FIRST, LAST, settle=True, today=TODAY, lang="it")
    assert [(s.agent, r.base, r.share, r.commission) for s in again.statements for r in s.rows] == [
        (LUCA, D("400.00"), D(40), D("20.00"))]


def test_an_agent_of_an_invoices_date_whose_rule_was_deleted_earns_it_at_the_rate_settled_then(ledger):
    """C001 Marco Bianchi's in April, paid 5 % of what is collected under CASH: FT-2026-00001
    (1,000.00 €) nothing collected, FT-2026-00002 (100.00 €) collected and settled. C001 given
    to Luca Verdi and CASH replaced by his own LV since: FT-2026-00001 collected in May goes by
    the agents of its date, Marco Bianchi, whom no rule of today pays, and earned nobody
    anything, unsaid. He earns it under the rule and at the rate his April statement paid C001's
    goods at, CASH's 5 %, as an agent paid on the invoice itself would."""
    master = april_one_collected(ledger)
    commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it")
    lv = replace(master.commissions[0], code="LV", agent=LUCA, percent=D(3))
    moved = master.model_copy(update={"commissions": (lv,),
                                      "customers": tuple(replace(c, sales_rep=LUCA) for c in master.customers)})
    _pay(ledger, date(2026, 5, 20), "1220.00")
    may = commissions.compute(ledger, moved, *MAY, lang="it")
    assert [(s.agent, r.invoice.number, r.rule, r.base, r.rate, r.commission)
            for s in may.statements for r in s.rows] == [
        (AGENT, "FT-2026-00001", "CASH", D("1000.00"), D(5), D("50.00"))]


def test_a_share_capped_after_it_was_paid_would_keep_what_a_note_takes_back():
    """Why the cap is put where a share is settled, never on a later payment: a collected base
    earns each entry's change over the invoice's whole life at one share (`collected_bases`).
    FT-2026-00001 paid in full in April, Luca Verdi settled on it at 50 % (500.00 €) beside
    Marco Bianchi's 100 %; May's note on two goods takes 100.00 € back from him at that share.
    Capped in May to what Marco Bianchi leaves (0 %), the note takes nothing back: the share cut
    after it was paid undoes the take-back of what was paid, which is what capping the later
    payments broke. (This pins the rule the fix relies on; it passes on the code before it.)"""
    account = Account(1, D("1220.00"), (("A001", D("1000.00")),), (
        Entry(date(2026, 4, 30), 1, paid=D("1220.00")),
        Entry(date(2026, 5, 5), 2, owed=D("-244.00"), parts=(("A001", D("-200.00")),))))
    paid_at = {share: collected_bases(account, lambda item: "CASH", D(share), *MAY) for share in (50, 0)}
    assert paid_at == {50: {(2, "CASH"): D("-100.00")}, 0: {(2, "CASH"): D("0.00")}}
    assert collected_bases(account, lambda item: "CASH", D(50), FIRST, LAST) == {(1, "CASH"): D("500.00")}


def test_a_period_settled_twice_over_before_the_cap_keeps_each_at_the_share_it_was_paid(ledger, monkeypatch):
    """A ledger settled before the cap: April's FT-2026-00001 half collected, settled for
    Marco Bianchi at 100 % (500.00 €) and then for Luca Verdi at 50 % (250.00 €, the run made
    uncapped, as it was). Nothing is taken back of what was paid, and nothing goes negative:
    May's note on two goods and the rest collected pay each at the share settled, 100 % and 50 %
    (the docs name it: the difference is settled with the agents by hand)."""
    master = invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")
    _pay(ledger, date(2026, 4, 30), "610.00")
    commissions.compute(ledger, master, FIRST, LAST, settle=True, today=TODAY, lang="it")
    shared = _shared(master, 50, 50)
    with monkeypatch.context() as before_the_cap:
        before_the_cap.setattr(commissions, "_settled_within", lambda *_: {})
        twice = commissions.compute(ledger, shared, FIRST, LAST, settle=True, today=TODAY, lang="it")
    assert (_bases(twice), twice.recorded) == ({LUCA: D("250.00")}, True)
    assert credit(ledger, shared, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 5), lang="it").note is not None
    _pay(ledger, date(2026, 5, 20), "366.00")
    may = commissions.compute(ledger, shared, *MAY, lang="it")
    assert [(s.agent, r.base, r.share, r.commission) for s in may.statements for r in s.rows] == [
        (LUCA, D("150.00"), D(50), D("7.50")), (AGENT, D("300.00"), D(100), D("15.00"))]


def test_a_preview_of_a_period_settled_for_some_agents_makes_each_agents_statement_once(ledger, monkeypatch):
    """April settled for Marco Bianchi at 60 %, Luca Verdi's rule written since: the preview made
    every agent's statement twice, today's figures and capped, and kept one of each (twice the
    time of a plain run). Marco Bianchi's is made at today's figures alone, Luca Verdi's capped
    alone, and they are the figures both runs gave: 500.00 € and 400.00 €."""
    master = invoiced_april(ledger, CommissionBase.INVOICED, "PV")
    marco = replace(master.commissions[0], agent=AGENT)
    commissions.compute(ledger, _shared(master, 60, 40).model_copy(update={"commissions": (marco,)}),
                        FIRST, LAST, settle=True, today=TODAY, lang="it")
    made: list[str] = []

    def counted(*args, **kwargs):
        found = statements(*args, **kwargs)
        made.extend(s.agent for s in found)
        return found

    monkeypatch.setattr(commissions, "statements", counted)
    preview = commissions.compute(ledger, _shared(master, 50, 50), FIRST, LAST, lang="it")
    assert _bases(preview) == {AGENT: D("500.00"), LUCA: D("400.00")}
    assert sorted(made) == [LUCA, AGENT]
