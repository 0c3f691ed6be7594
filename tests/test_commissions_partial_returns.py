"""Commissions when a return is only partly matched to invoices: C002 bought 3 kg of coffee
(A001, 18.50 € + 22 % VAT) on 10 April, FT-2026-00001 of 30 April, 55.50 € + VAT = 67.71 €, and
gives 5 back on 20 May (2 bought before the ledger's history): NC-2026-00001 of 31 May,
−92.50 € + VAT = −112.85 €, takes back the 3 the invoice sold (−55.50 €) and credits the other 2
(−37.00 €, −45.14 € with VAT) citing no invoice. Its agent earns 5 %.

The invoiced base counts the whole note in May. On a collected base the part citing invoices
takes back what was collected of them; the part citing none takes back as it is refunded, as a
note citing no invoice at all does, on a row of its own: once everything is collected and
refunded, both bases give the agent the same total."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
from factories import source
from test_credit_returns import april_invoice, master, may_run

from toolkit.basics.vocab import CommissionBase, PaymentMethod
from toolkit.cli.rebates import statement_json
from toolkit.core.invoicing import InvoiceKind
from toolkit.core.payments import PaymentEntry
from toolkit.model.records import Commission, MasterData
from toolkit.services import commissions
from toolkit.services.payments import record
from toolkit.writers.statements import TOTAL_FIRST_ROW, commission_file

AGENT = "Marco Bianchi"
MAY, JUNE, JULY = (date(2026, 5, 1), date(2026, 5, 31)), (date(2026, 6, 1), date(2026, 6, 30)), (
    date(2026, 7, 1), date(2026, 7, 31))
ALL = (date(2026, 4, 1), date(2026, 7, 31))


def books(base: CommissionBase, returned: int = 5) -> MasterData:
    """`test_credit_returns`' workbook, C002 followed by AGENT under one rule at 5 %."""
    m = master(returned)
    return m.model_copy(update={
        "customers": tuple(replace(c, sales_rep=AGENT) if c.code == "C002" else c for c in m.customers),
        "commissions": (Commission(code="PV", base=base, threshold=D(0), percent=D(5),
                                   source=source("commissions", 2)),)})


def returned(ledger, books: MasterData, *, paid: bool) -> str:
    """The April invoice, paid in full on 10 May when `paid`, and May's run crediting the return."""
    invoice = april_invoice(books, ledger)
    if paid:
        _pay(ledger, invoice.number, date(2026, 5, 10), invoice.total)
    [note] = [x for x in may_run(books, ledger).invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert (note.number, note.taxable, note.total) == ("NC-2026-00001", D("-92.50"), D("-112.85"))
    assert [c.number for c in note.cites] == [invoice.number]
    return note.number


def _pay(ledger, number: str, day: date, amount: D) -> None:
    done = record(ledger, [PaymentEntry(number, day, amount, PaymentMethod.BANK_TRANSFER)])
    assert done.recorded, [str(p) for p in done.problems]


def rows(ledger, books: MasterData, period) -> tuple[list[tuple], D]:
    """(number, the uncited part?, base, collected, commission) per row, and the agent's total."""
    made = commissions.compute(ledger, books, *period, lang="it")
    return ([(r.invoice.number, r.uncited, r.base, r.collected, r.commission) for s in made.statements for r in s.rows],
            sum((s.total for s in made.statements), D(0)))


def test_the_part_of_a_return_citing_no_invoice_takes_back_as_refunded_on_its_own_row(ledger, tmp_path):
    """It never counted: the 37.00 € of base the agent was paid on before the ledger's history
    came back neither in May nor once refunded in June."""
    cash = books(CommissionBase.COLLECTED)
    note = returned(ledger, cash, paid=True)
    assert rows(ledger, cash, MAY) == ([("FT-2026-00001", False, D("55.50"), D(1), D("2.78")),
                                        (note, False, D("-55.50"), D(1), D("-2.78"))], D(0))
    assert rows(ledger, cash, JUNE) == ([], D(0)), "not refunded yet: the customer keeps a credit"

    _pay(ledger, note, date(2026, 6, 10), D("-112.85"))
    assert rows(ledger, cash, JUNE) == ([(note, True, D("-37.00"), D(1), D("-1.85"))], D("-1.85"))

    made = commissions.compute(ledger, cash, *JUNE, out=tmp_path / "it", lang="it")
    [row] = made.statements[0].rows
    assert statement_json(made.issued[0])["rows"][0]["uncited_part"] is True and row.uncited
    sheet = openpyxl.load_workbook(tmp_path / "it" / commission_file(AGENT, *JUNE), data_only=True).active
    assert [c.value for c in sheet[TOTAL_FIRST_ROW + 1]][:6] == [
        note, datetime(2026, 5, 31), "Nota di credito, parte senza fattura", "C002", "PV", -37]
    assert [c.value for c in sheet[TOTAL_FIRST_ROW + 1]][6:] == [100, 100, 5, -1.85]
    commissions.compute(ledger, cash, *JUNE, out=tmp_path / "en", lang="en")
    sheet = openpyxl.load_workbook(tmp_path / "en" / commission_file(AGENT, *JUNE), data_only=True).active
    assert sheet.cell(TOTAL_FIRST_ROW + 1, 3).value == "Credit note, part citing no invoice"


def test_collected_and_invoiced_bases_agree_once_everything_is_collected_and_refunded(ledger):
    cash, invoiced = books(CommissionBase.COLLECTED), books(CommissionBase.INVOICED)
    note = returned(ledger, cash, paid=True)
    _pay(ledger, note, date(2026, 6, 10), D("-112.85"))
    on_invoices = rows(ledger, invoiced, ALL)
    assert on_invoices == ([("FT-2026-00001", False, D("55.50"), None, D("2.78")),
                            (note, False, D("-92.50"), None, D("-4.63"))], D("-1.85"))
    collected = rows(ledger, cash, ALL)
    assert collected[0] == [("FT-2026-00001", False, D("55.50"), D(1), D("2.78")),
                            (note, False, D("-55.50"), D(1), D("-2.78")),
                            (note, True, D("-37.00"), D(1), D("-1.85"))]
    assert sum(base for _, _, base, _, _ in collected[0]) == sum(base for _, _, base, _, _ in on_invoices[0])
    assert collected[1] == on_invoices[1] == D("-1.85")
    by_month = [rows(ledger, cash, month)[1] for month in ((date(2026, 4, 1), date(2026, 4, 30)), MAY, JUNE)]
    assert by_month == [D(0), D(0), D("-1.85")], "the months add up to the whole"


def test_a_note_that_settles_its_unpaid_invoice_refunds_only_its_uncited_part_in_the_share_refunded(ledger):
    """The invoice never paid: the note settles it (no commission either way) and may refund only
    the 45.14 € citing no invoice; half refunded in June, the rest in July."""
    cash = books(CommissionBase.COLLECTED)
    note = returned(ledger, cash, paid=False)
    assert rows(ledger, cash, MAY) == ([], D(0))
    _pay(ledger, note, date(2026, 6, 10), D("-22.57"))
    assert rows(ledger, cash, JUNE) == ([(note, True, D("-18.50"), D("0.5"), D("-0.93"))], D("-0.93"))
    _pay(ledger, note, date(2026, 7, 10), D("-22.57"))
    assert rows(ledger, cash, JULY) == ([(note, True, D("-18.50"), D("0.5"), D("-0.93"))], D("-0.93"))
    assert rows(ledger, cash, ALL)[0] == [(note, True, D("-37.00"), D(1), D("-1.85"))]
    assert rows(ledger, books(CommissionBase.INVOICED), ALL)[1] == D("-1.85")


def test_a_return_the_invoice_sold_in_full_has_no_uncited_row_when_refunded(ledger):
    """2 of the 3 back, all cited: the refund adds nothing to what the note took back in May."""
    cash = books(CommissionBase.COLLECTED, returned=2)
    invoice = april_invoice(cash, ledger)
    _pay(ledger, invoice.number, date(2026, 5, 10), invoice.total)
    [note] = [x for x in may_run(cash, ledger).invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    _pay(ledger, note.number, date(2026, 6, 10), note.total)
    assert rows(ledger, cash, JUNE) == ([], D(0))
    assert rows(ledger, cash, MAY)[0] == [("FT-2026-00001", False, D("55.50"), D(1), D("2.78")),
                                          (note.number, False, D("-37.00"), D(1), D("-1.85"))]
