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
from toolkit.core.commissions import Account, Entry, collected_bases
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


def invoiced_april(ledger, base: CommissionBase, code: str):
    """FT-2026-00001 of 30 April to C001, whose agent earns 5 % under rule `code` on `base`:
    10 × 100 € at 22 %, 1,000.00 € + VAT = 1,220.00 €; the master."""
    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, sales_rep=AGENT)
    master = master.model_copy(update={"commissions": (Commission(
        code=code, base=base, threshold=D(0), percent=D(5), source=source("commissions", 2)),)})
    _, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "10", "100", "22", None)])
    ship(ledger, "C001", date(2026, 4, 9), [(line_id, "10")])
    done = run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it")
    finalize(ledger, done.run_id)
    return master


@pytest.fixture
def invoiced(ledger):
    """April's invoice, its agent earning on what is collected."""
    return invoiced_april(ledger, CommissionBase.COLLECTED, "CASH")


def _credit_two(ledger, master, day: date) -> None:
    """NC-2026-00001: 2 of the 10 back, 200.00 € + VAT = 244.00 €."""
    done = credit(ledger, master, "FT-2026-00001", [(1, D(2))], "Merce danneggiata", day, date(2026, 7, 1), lang="it")
    assert done.note is not None and done.note.total == D("-244.00"), done.problems


def _pay(ledger, day: date, amount: str) -> None:
    done = record(ledger, [PaymentEntry("FT-2026-00001", day, D(amount), PaymentMethod.BANK_TRANSFER)])
    assert done.recorded, done.problems


def _rows(ledger, master, period) -> tuple[list[tuple[str, D, D]], D]:
    made = commissions.compute(ledger, master, *period, lang="it")
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


def _bases(account, period) -> dict:
    return {k: v for k, v in collected_bases(account, lambda item: "R", D(100), *period).items() if v}


def _ft71(*entries):
    """The demo's FT-2026-00071: two lines at 22 % and one at 10 %, 225.29 € + VAT = 267.58 €."""
    return Account(71, D("267.58"), (("A044", D("63.12")), ("A047", D("101.52")), ("A049", D("60.65"))), entries)


def test_a_note_taking_back_the_22_lines_leaves_the_10_line_to_earn_in_full():
    """The audit: paid in full after the note, the invoice earned 56.18 € (the original
    invoice's taxable ratio) instead of what is left of it, 60.65 €."""
    ft = _ft71(Entry(date(2026, 5, 5), 7, owed=D("-200.86"), parts=(("A044", D("-63.12")), ("A047", D("-101.52")))),
               Entry(date(2026, 6, 10), 71, paid=D("66.72")))
    assert _bases(ft, (date(2026, 5, 1), date(2026, 6, 30))) == {(71, "R"): D("60.65")}


def test_collections_and_notes_add_up_to_the_invoice_net_of_notes_once_paid():
    """The audit's reverse case gave 84.20 € + 84.92 € against 164.64 € left of the invoice."""
    ft = _ft71(Entry(date(2026, 5, 2), 71, paid=D("100")),
               Entry(date(2026, 5, 5), 7, owed=D("-66.72"), parts=(("A049", D("-60.65")),)),
               Entry(date(2026, 6, 15), 71, paid=D("100.86")))
    assert _bases(ft, MAY) == {(71, "R"): D("84.20"), (7, "R"): D("-2.23")}
    assert _bases(ft, JUNE) == {(71, "R"): D("82.67")}
    assert sum(_bases(ft, (MAY[0], JUNE[1])).values()) == D("164.64")


def test_a_discount_note_takes_back_only_what_was_collected_of_the_invoices_it_cites():
    discount = Entry(date(2026, 5, 5), 6, owed=D("-31.01"), parts=(("", D("-25.42")),))
    never = Account(63, D("1220.00"), (("A001", D("1000.00")),), (discount,))
    assert _bases(never, MAY) == {}
    paid = Account(63, D("1220.00"), (("A001", D("1000.00")),), (Entry(date(2026, 5, 2), 63, paid=D("1220.00")), discount))
    assert _bases(paid, MAY) == {(63, "R"): D("1000.00"), (6, "R"): D("-25.42")}


def test_a_return_citing_no_invoice_takes_back_as_it_is_refunded():
    """NC-2026-00001 of C004 took 513.94 € of base back though nothing was ever collected."""
    kept = Account(1, D("-608.93"), (("A041", D("-513.94")),), ())
    assert _bases(kept, MAY) == {}
    refunded = Account(1, D("-608.93"), (("A041", D("-513.94")),), (Entry(date(2026, 6, 3), 1, paid=D("-608.93")),))
    assert _bases(refunded, MAY) == {}
    assert _bases(refunded, JUNE) == {(1, "R"): D("-513.94")}


@pytest.fixture
def two_rates(ledger):
    """FT-2026-00001 of 30 April to C001, collected base 5 %: 1,000.00 € at 22 % (A001) and
    500.00 € at 10 % (A002), 1,500.00 € + VAT = 1,770.00 €."""
    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, sales_rep=AGENT)
    master = master.model_copy(update={"commissions": (Commission(
        code="CASH", base=CommissionBase.COLLECTED, threshold=D(0), percent=D(5), source=source("commissions", 2)),)})
    _, lines = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "10", "100", "22", None),
                                                             ("A002", "10", "50", "10", None)])
    ship(ledger, "C001", date(2026, 4, 9), [(line_id, "10") for line_id in lines])
    finalize(ledger, run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it").run_id)
    return master


def _credit_line(ledger, master, line_no: int, day: date, total: str) -> None:
    done = credit(ledger, master, "FT-2026-00001", [(line_no, D(10))], "Reso", day, date(2026, 7, 1), lang="it")
    assert done.note is not None and done.note.total == D(total), done.problems


def test_paid_after_a_note_on_its_22_lines_the_invoice_earns_its_10_line_whole(ledger, two_rates):
    """The audit's FT-2026-71: the 550.00 € left, paid, earned 466.10 € (550 × 1,500 / 1,770,
    the original invoice's ratio) instead of the 500.00 € line left."""
    _credit_line(ledger, two_rates, 1, date(2026, 5, 5), "-1220.00")
    _pay(ledger, date(2026, 6, 10), "550.00")
    assert _rows(ledger, two_rates, (MAY[0], JUNE[1])) == ([("FT-2026-00001", D("500.00"), D("25.00"))], D("25.00"))


def test_an_invoice_paid_in_full_earns_its_net_of_notes_never_more(ledger, two_rates):
    """Half collected, then the 10 % line credited, then the rest collected: 750.00 €, −24.59 €
    and 274.59 €, 1,000.00 € in all, what is left of the invoice (it was 1,033.90 €)."""
    _pay(ledger, date(2026, 5, 2), "885.00")
    _credit_line(ledger, two_rates, 2, date(2026, 5, 5), "-550.00")
    _pay(ledger, date(2026, 6, 15), "335.00")
    may, june = _rows(ledger, two_rates, MAY), _rows(ledger, two_rates, JUNE)
    assert may[0] == [("FT-2026-00001", D("750.00"), D("37.50")), ("NC-2026-00001", D("-24.59"), D("-1.23"))]
    assert june[0] == [("FT-2026-00001", D("274.59"), D("13.73"))]
    assert sum(base for _, base, _ in may[0] + june[0]) == D("1000.00")


def test_the_terminal_shows_the_commissions_as_the_desk_reads_them(ledger, invoiced, capsys):
    """`toolkit commissions` printed `Marco Bianchi 1000.00 15.000`: now a table with Italian
    headings, euro with the decimal comma and the rate reached (1,5 %), and the summary's total too."""
    from dataclasses import replace

    from toolkit.cli.tables import print_commissions

    master = invoiced.model_copy(update={"commissions": (replace(invoiced.commissions[0], percent=D("1.5")),)})
    _pay(ledger, date(2026, 5, 4), "1220.00")
    made = commissions.compute(ledger, master, *MAY, lang="it")
    print_commissions(made.issued, "it")
    head, _, row = [line.split("  ") for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert [c.strip() for c in head if c.strip()] == ["Agente", "Base", "Provvigione %", "Provvigione"]
    assert [c.strip() for c in row if c.strip()] == [AGENT, "1.000,00 €", "1,5 %", "15,00 €"]
    assert made.summary("it") == "Provvigioni dal 01/05/2026 al 31/05/2026: 1 agente, totale 15,00 €."
    print_commissions(made.issued, "en")
    head, _, row = [line.split("  ") for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert [c.strip() for c in row if c.strip()] == [AGENT, "€1,000.00", "1.5 %", "€15.00"]
    assert made.summary("en") == "Commissions from 01/05/2026 to 31/05/2026: 1 agent, total €15.00."


@pytest.mark.parametrize("period, rate, commission", [
    (MAY, D(4), D("-8.00")),                                      # the note alone: April's rate, not May's 3 %
    ((date(2026, 4, 1), date(2026, 5, 31)), D(4), D("-8.00")),    # both months together: 4 % as before
])
def test_a_note_takes_back_at_the_rate_its_invoice_earned(ledger, invoiced, period, rate, commission):
    """Invoiced base, 0 → 3 %, 500 → 4 %: April's FT-2026-00001 of 1,000.00 € earned 4 %
    (40.00 €). NC-2026-00001 of 5 May takes 200.00 € back; May's base, −200.00 €, reaches only
    the 3 % bracket, at which it took back 6.00 € of the 8.00 € those goods earned."""
    master = invoiced.model_copy(update={"commissions": tuple(Commission(
        code="STD", base=CommissionBase.INVOICED, threshold=D(t), percent=D(p), source=source("commissions", n))
        for n, (t, p) in enumerate((("0", "3"), ("500", "4")), start=2))})
    _credit_two(ledger, master, date(2026, 5, 5))
    made = commissions.compute(ledger, master, *period, lang="it")
    [note] = [r for s in made.statements for r in s.rows if r.invoice.number == "NC-2026-00001"]
    assert (note.base, note.rate, note.commission) == (D("-200.00"), rate, commission)
    assert commissions.compute(ledger, master, date(2026, 4, 1), date(2026, 4, 30), lang="it").statements[0].total == D("40.00")


def test_a_debit_note_citing_the_invoice_is_no_discount_on_it_and_earns_once_paid(ledger, invoiced):
    """FT-2026-00002 adds 100.00 € + VAT to FT-2026-00001: it cites the invoice as a volume
    discount's note does, and was taken for one, eating what the agent earned on the invoice."""
    from toolkit.services.debit_notes import debit

    _pay(ledger, date(2026, 5, 4), "1220.00")
    done = debit(ledger, invoiced, "FT-2026-00001", D("100.00"), None, "Prezzo rivisto", date(2026, 5, 5),
                 date(2026, 7, 1), lang="it")
    assert done.note is not None and done.note.number == "FT-2026-00002", done.problems
    assert _rows(ledger, invoiced, MAY) == ([("FT-2026-00001", D("1000.00"), D("50.00"))], D("50.00"))
    assert record(ledger, [PaymentEntry("FT-2026-00002", date(2026, 5, 20), D("122.00"),
                                        PaymentMethod.BANK_TRANSFER)]).recorded
    assert _rows(ledger, invoiced, MAY) == ([("FT-2026-00001", D("1000.00"), D("50.00")),
                                             ("FT-2026-00002", D("100.00"), D("5.00"))], D("55.00"))


def test_a_debit_note_is_named_so_in_the_agents_statement(ledger, invoiced, tmp_path):
    """The statement's Tipo said Fattura for FT-2026-00002, a debit note the JSON lists as
    debit-note: the agent took it for a sale of its own."""
    from openpyxl import load_workbook

    from toolkit.services.debit_notes import debit
    from toolkit.writers.statements import write_commission_statements

    _pay(ledger, date(2026, 5, 4), "1220.00")
    assert debit(ledger, invoiced, "FT-2026-00001", D("100.00"), None, "Prezzo rivisto", date(2026, 5, 5),
                 date(2026, 7, 1), lang="it").note is not None
    assert record(ledger, [PaymentEntry("FT-2026-00002", date(2026, 5, 20), D("122.00"),
                                        PaymentMethod.BANK_TRANSFER)]).recorded
    [statement] = commissions.compute(ledger, invoiced, *MAY, lang="it").issued
    [file, _] = write_commission_statements(tmp_path, invoiced.settings.company_name, [statement], *MAY)
    rows = {r[0]: r[2] for r in load_workbook(file).worksheets[0].iter_rows(values_only=True) if r and r[0]}
    assert (rows["FT-2026-00001"], rows["FT-2026-00002"]) == ("Fattura", "Nota di debito")

