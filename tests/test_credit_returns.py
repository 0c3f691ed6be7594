"""A return's credit note and `toolkit invoice credit` take back from the same invoice lines,
never the same goods twice, on SQLite and PostgreSQL.

The small workbook of `minimal`: customer C002 buys 3 kg of coffee (A001, 22% VAT) on
10 April (template T003), invoiced at April's month end (final, on 4 May); it sends goods back
on 20 May (return template T002, 1 kg unless said), credited at May's month end (on 3 June),
when C001's deliveries of 21 May are invoiced too. Between the two, on 5 May, the desk may
issue a credit note on the April invoice (`invoice credit`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import minimal
import pytest
from sqlalchemy import select

from toolkit.basics.problems import ProblemsFound
from toolkit.core.credit_notes import Creditable, Sold, take_back
from toolkit.core.invoicing import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, Period, Request
from toolkit.intake.validation import check
from toolkit.ledger import schema
from toolkit.ledger.db import reading, writing
from toolkit.ledger.invoices import load_invoices, store
from toolkit.model.records import MasterData
from toolkit.services.credit_notes import credit
from toolkit.services.invoicing import billables_for, run
from toolkit.services.orders import create
from toolkit.services.shipping import ship

APRIL, MAY = Period(date(2026, 4, 1), date(2026, 4, 30)), Period(date(2026, 5, 1), date(2026, 5, 31))
SOLD, RETURNED, CREDITED, MAY_RUN = date(2026, 4, 10), date(2026, 5, 20), date(2026, 5, 5), date(2026, 6, 3)
REASON = "Merce difettosa"


def master(returned: int) -> MasterData:
    """C002 buys 3 of A001 on 10 April and gives `returned` back on 20 May."""
    s = minimal.sheets()
    [t002] = [row for row in s["Modelli ordine"] if row[0] == "T002"]
    t002[7], t002[10], t002[11] = 20, date(2026, 5, 1), date(2026, 5, 31)
    [line] = [row for row in s["Righe modello"] if row[0] == "T002"]
    line[1], line[2] = "A001", returned
    s["Modelli ordine"].append(["T003", "C002", None, None, "Mensile giorno", None, None, 10, None, None,
                                date(2026, 4, 1), date(2026, 4, 30), None])
    s["Righe modello"].append(["T003", "A001", 3, None, None])
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


def deliver(books: MasterData, ledger, day: date) -> None:
    create(books, ledger, day, with_catch_up=False)
    assert ship(books, ledger, day, all_open=True).notes


def april_invoice(books: MasterData, ledger) -> Invoice:
    """C002's April invoice, final: 3 kg of coffee."""
    deliver(books, ledger, SOLD)
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL)
    [invoice] = [x for x in result.invoices if x.customer == "C002"]
    assert [(line.item, line.quantity) for line in invoice.lines] == [("A001", D(3))]
    return invoice


def may_run(books: MasterData, ledger):
    deliver(books, ledger, RETURNED)
    deliver(books, ledger, date(2026, 5, 21))
    return run(ledger, books, Request(MAY, MAY_RUN), status=InvoiceStatus.FINAL)


def test_invoice_credit_takes_back_only_what_a_return_left_of_the_invoice(ledger):
    books = master(returned=1)
    invoice = april_invoice(books, ledger)
    price = invoice.lines[0].unit_price
    result = may_run(books, ledger)
    [note] = [x for x in result.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert [(c.number, c.base) for c in note.cites] == [(invoice.number, price)]
    with reading(ledger) as conn:
        r = schema.returned_lines.c
        assert conn.execute(select(r.quantity, r.amount)).all() == [(D(-1), -price)]

    done = credit(ledger, books, invoice.number, (), REASON, date(2026, 6, 4), date(2026, 6, 4))
    assert done.note is not None, done.problems
    assert [(line.item, line.quantity, line.amount) for line in done.note.lines] == [("A001", D(-2), -2 * price)]
    assert done.note.taxable + note.taxable == -invoice.taxable, "the two notes take back the invoice once"
    assert done.note.total + note.total == -invoice.total

    again = credit(ledger, books, invoice.number, (), REASON, date(2026, 6, 4), date(2026, 6, 4))
    [refusal] = again.problems
    assert refusal.code == "credit-nothing-left"
    assert f"dalle note di credito {note.number}, {done.note.number}:" in refusal.render("it")


def test_invoice_credit_after_a_part_return_refuses_more_than_is_left(ledger):
    books = master(returned=1)
    invoice = april_invoice(books, ledger)
    may_run(books, ledger)
    refused = credit(ledger, books, invoice.number, ((1, D(3)),), REASON, date(2026, 6, 4), date(2026, 6, 4))
    [problem] = refused.problems
    assert refused.note is None and problem.code == "credit-over-invoice"
    assert problem.render("it").startswith(f"La fattura {invoice.number}, riga 1 (A001): resta da accreditare 2 pz, "
                                           "non 3;")


def test_a_return_of_goods_credited_in_full_already_is_left_out_the_rest_invoiced(ledger):
    books = master(returned=1)
    invoice = april_invoice(books, ledger)
    done = credit(ledger, books, invoice.number, (), REASON, CREDITED, CREDITED)
    assert done.note is not None, done.problems
    result = may_run(books, ledger)
    assert result.run_id is not None
    assert [(x.customer, x.kind) for x in result.invoices] == [("C001", InvoiceKind.INVOICE)], "C001 still invoiced"
    [problem] = [p for p in result.problems if p.is_error]
    [refused] = result.returns_refused
    assert problem.code == "return-credited-already"
    message = problem.render("it")
    assert message.startswith(f"Il reso {refused.line.order_number} (DDT {refused.line.delivery.number}) "
                              f"restituisce 1 pz di A001, ma delle fatture che li hanno venduti ({invoice.number}) "
                              f"resta da accreditare solo 0 pz: il resto è già stato accreditato dalle note di "
                              f"credito {done.note.number}."), message
    assert f"credit notes {done.note.number}" in problem.render("en")
    assert result.summary("it").endswith(f"Resi non accreditati, perché la merce è già stata accreditata: "
                                         f"{refused.line.order_number}.")
    with reading(ledger) as conn:
        notes = [x for x in load_invoices(conn) if x.kind is InvoiceKind.CREDIT_NOTE]
        assert [x.number for x in notes] == [done.note.number], "no second note for the same goods"
        assert conn.execute(select(schema.returned_lines.c.id)).all() == []
    again = run(ledger, books, Request(MAY, MAY_RUN), status=InvoiceStatus.FINAL)
    assert again.run_id is None and [p.code for p in again.problems if p.is_error] == ["return-credited-already"]
    request = Request(MAY, MAY_RUN)
    with reading(ledger) as conn:
        [note] = [x for x in billables_for(conn, books, request).plan(books, request).invoices]
    with pytest.raises(ProblemsFound) as stored, writing(ledger) as conn:
        store(conn, books, [note], InvoiceStatus.FINAL, "at-once")
    assert [p.code for p in stored.value.problems] == ["return-credited-already"], "stored at once: refused"
    with reading(ledger) as conn:
        assert len(load_invoices(conn)) == 3, "nothing stored"


def test_a_return_larger_than_what_a_part_credit_left_is_refused(ledger):
    books = master(returned=2)
    invoice = april_invoice(books, ledger)
    assert credit(ledger, books, invoice.number, ((1, D(2)),), REASON, CREDITED, CREDITED).note is not None
    result = may_run(books, ledger)
    [problem] = [p for p in result.problems if p.is_error]
    assert "restituisce 2 pz di A001" in problem.render("it") and "resta da accreditare solo 1 pz" in problem.render("it")
    assert [x.customer for x in result.invoices] == ["C001"]


def test_a_return_within_what_a_part_credit_left_is_credited(ledger):
    books = master(returned=1)
    invoice = april_invoice(books, ledger)
    price = invoice.lines[0].unit_price
    part = credit(ledger, books, invoice.number, ((1, D(2)),), REASON, CREDITED, CREDITED).note
    assert part is not None
    result = may_run(books, ledger)
    [note] = [x for x in result.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert not [p for p in result.problems if p.is_error]
    assert note.taxable == -price and part.taxable + note.taxable == -invoice.taxable
    refused = credit(ledger, books, invoice.number, (), REASON, MAY_RUN, MAY_RUN)
    assert [p.code for p in refused.problems] == ["credit-nothing-left"]


def test_a_return_spreads_over_the_invoices_that_sold_its_goods_latest_first():
    """Sold 2 in March and 3 in April, 1 of April's credited already: a return of 4 takes 2
    from April and 2 from March, its amount split in cents that add up to its own."""
    def sold(number: str, day: date, quantity: int, credited: int, line_id: int) -> Sold:
        line = InvoiceLine("A001", "Caffè", "pz", D(quantity), D("18.50"), D("18.50") * quantity, D(22), None, 1,
                           None, None, None, "")
        return Sold("C002", line_id, number, day, Creditable(line, line_id, D(-credited), D("-18.50") * credited),
                    ("NC-2026-00001",) if credited else ())

    march, april = sold("FT-2026-00001", date(2026, 3, 31), 2, 0, 1), sold("FT-2026-00009", date(2026, 4, 30), 3, 1, 2)
    returned = InvoiceLine("A001", "Caffè", "pz", D(-4), D("18.33"), D("-73.33"), D(22), None, 1, 7, 8, None, "RE-1")
    note = Invoice(InvoiceKind.CREDIT_NOTE, "C002", None, MAY, date(2026, 5, 31), (returned,), (), D(0), D(0), D(0),
                   None, "", ())  # type: ignore[arg-type]
    taken, refused = take_back([note], [march, april])
    assert refused == []
    assert [(t.sold.number, t.quantity, t.amount) for t in taken] == [
        ("FT-2026-00009", D(-2), D("-36.67")), ("FT-2026-00001", D(-2), D("-36.66"))]
    bigger = Invoice(**{**{f: getattr(note, f) for f in note.__dataclass_fields__},
                        "lines": (InvoiceLine(*[getattr(returned, f) for f in returned.__dataclass_fields__][:3],
                                              D(-5), returned.unit_price, D("-91.65"), D(22), None, 1, 7, 8, None,
                                              "RE-1"),)})
    taken, [over] = take_back([bigger], [march, april])
    assert taken == [] and over.left == D(4)
    assert "ma delle fatture che li hanno venduti (FT-2026-00009, FT-2026-00001) resta da accreditare solo 4 pz" in (
        over.problem.render("it"))


def test_a_return_beyond_what_the_invoices_sold_takes_back_what_they_sold_the_rest_citing_none():
    """Sold 2 in the ledger, nothing credited, 3 returned (one bought before the ledger): the
    return takes back the 2 with their share of its amount and is not refused."""
    line = InvoiceLine("A001", "Caffè", "pz", D(2), D("18.50"), D("37.00"), D(22), None, 1, None, None, None, "")
    march = Sold("C002", 1, "FT-2026-00001", date(2026, 3, 31), Creditable(line, 1))
    returned = InvoiceLine("A001", "Caffè", "pz", D(-3), D("18.50"), D("-55.50"), D(22), None, 1, 7, 8, None, "RE-1")
    note = Invoice(InvoiceKind.CREDIT_NOTE, "C002", None, MAY, date(2026, 5, 31), (returned,), (), D(0), D(0), D(0),
                   None, "", ())  # type: ignore[arg-type]
    taken, refused = take_back([note], [march])
    assert refused == []
    assert [(t.sold.number, t.quantity, t.amount) for t in taken] == [("FT-2026-00001", D(-2), D("-37.00"))]
