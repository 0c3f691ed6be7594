"""A return's credit note and `toolkit invoice credit` take back from the same invoice lines,
never the same goods twice, on SQLite and PostgreSQL.

The small workbook of `minimal`: customer C002 buys 3 kg of coffee (A001, 22% VAT) on
10 April (template T003), invoiced at April's month end (final, on 4 May); it sends goods back
on 20 May (return template T002, 1 kg unless said), credited at May's month end (on 3 June),
when C001's deliveries of 21 May are invoiced too. Between the two, on 5 May, the desk may
issue a credit note on the April invoice (`invoice credit`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import minimal
import pytest
from sqlalchemy import select

from toolkit.basics.problems import ProblemsFound
from toolkit.basics.wording import shown
from toolkit.core.credit_notes import (
    Creditable,
    DiscountShare,
    Headroom,
    Sold,
    TakenBack,
    credit_note,
    discount_problems,
    headroom,
    mixed_vat,
    over_discount,
    repriced,
    returns_matched,
    take_back,
)
from toolkit.core.invoicing import DeliveryRef, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, Period, Request
from toolkit.core.vat import vat_summary
from toolkit.intake.validation import check
from toolkit.ledger import schema
from toolkit.ledger.db import reading, writing
from toolkit.ledger.invoices import load_invoices, store
from toolkit.model.records import MasterData
from toolkit.services.credit_notes import credit
from toolkit.services.invoicing import billables_for, run
from toolkit.services.orders import create, list_orders
from toolkit.services.shipping import ship

APRIL, MAY = Period(date(2026, 4, 1), date(2026, 4, 30)), Period(date(2026, 5, 1), date(2026, 5, 31))
SOLD, RETURNED, CREDITED, MAY_RUN = date(2026, 4, 10), date(2026, 5, 20), date(2026, 5, 5), date(2026, 6, 3)
REASON = "Merce difettosa"


def master(returned: int) -> MasterData:
    """C002 buys 3 of A001 on 10 April and gives `returned` back on 20 May."""
    result = check(minimal.workbook(sheets(returned)))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


def sheets(returned: int) -> dict[str, list[list]]:
    """`master`'s sheets, as the command-line tests write them into a workbook."""
    s = minimal.sheets()
    [t002] = [row for row in s["Modelli ordine"] if row[0] == "T002"]
    t002[7], t002[10], t002[11] = 20, date(2026, 5, 1), date(2026, 5, 31)
    [line] = [row for row in s["Righe modello"] if row[0] == "T002"]
    line[1], line[2] = "A001", returned
    s["Modelli ordine"].append(["T003", "C002", None, None, "Mensile giorno", None, None, 10, None, None,
                                date(2026, 4, 1), date(2026, 4, 30), None])
    s["Righe modello"].append(["T003", "A001", 3, None, None])
    return s


def deliver(books: MasterData, ledger, day: date) -> None:
    create(books, ledger, day, with_catch_up=False, lang="it")
    assert ship(books, ledger, day, all_open=True, lang="it").notes


def april_invoice(books: MasterData, ledger) -> Invoice:
    """C002's April invoice, final: 3 kg of coffee."""
    deliver(books, ledger, SOLD)
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [invoice] = [x for x in result.invoices if x.customer == "C002"]
    assert [(line.item, line.quantity) for line in invoice.lines] == [("A001", D(3))]
    return invoice


def may_run(books: MasterData, ledger):
    deliver(books, ledger, RETURNED)
    deliver(books, ledger, date(2026, 5, 21))
    return run(ledger, books, Request(MAY, MAY_RUN), status=InvoiceStatus.FINAL, lang="it")


def sold_and_credited(ledger) -> tuple[D, D]:
    """The April order's quantity invoiced and credited, as the order views show them."""
    [order] = [o for o in list_orders(ledger, customer="C002") if o.template == "T003"]
    return order.invoiced, order.credited


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
    assert sold_and_credited(ledger) == (D(3), D(1))

    done = credit(ledger, books, invoice.number, (), REASON, date(2026, 6, 4), date(2026, 6, 4), lang="it")
    assert done.note is not None, done.problems
    assert [(line.item, line.quantity, line.amount) for line in done.note.lines] == [("A001", D(-2), -2 * price)]
    assert done.note.taxable + note.taxable == -invoice.taxable, "the two notes take back the invoice once"
    assert done.note.total + note.total == -invoice.total
    assert sold_and_credited(ledger) == (D(3), D(3)), "the return's 1 and the note's 2, beside the 3 invoiced"

    again = credit(ledger, books, invoice.number, (), REASON, date(2026, 6, 4), date(2026, 6, 4), lang="it")
    [refusal] = again.problems
    assert refusal.code == "credit-nothing-left"
    assert f"dalle note di credito {note.number}, {done.note.number}:" in refusal.render("it")


def test_invoice_credit_after_a_part_return_refuses_more_than_is_left(ledger):
    books = master(returned=1)
    invoice = april_invoice(books, ledger)
    may_run(books, ledger)
    refused = credit(ledger, books, invoice.number, ((1, D(3)),), REASON, date(2026, 6, 4), date(2026, 6, 4), lang="it")
    [problem] = refused.problems
    assert refused.note is None and problem.code == "credit-over-invoice"
    assert problem.render("it").startswith(f"La fattura {invoice.number}, riga 1 (A001): resta da accreditare 2 pz, "
                                           "non 3;")


def test_a_return_of_goods_credited_in_full_already_is_left_out_the_rest_invoiced(ledger):
    books = master(returned=1)
    invoice = april_invoice(books, ledger)
    done = credit(ledger, books, invoice.number, (), REASON, CREDITED, CREDITED, lang="it")
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
    again = run(ledger, books, Request(MAY, MAY_RUN), status=InvoiceStatus.FINAL, lang="it")
    assert again.run_id is None and [p.code for p in again.problems if p.is_error] == ["return-credited-already"]
    request = Request(MAY, MAY_RUN)
    with reading(ledger) as conn:
        [note] = [x for x in billables_for(conn, books, request).plan(books, request).invoices]
    with pytest.raises(ProblemsFound) as stored, writing(ledger) as conn:
        store(conn, books, [note], InvoiceStatus.FINAL, "at-once", lang="it")
    assert [p.code for p in stored.value.problems] == ["return-credited-already"], "stored at once: refused"
    with reading(ledger) as conn:
        assert len(load_invoices(conn)) == 3, "nothing stored"


def test_a_return_larger_than_what_a_part_credit_left_is_refused(ledger):
    books = master(returned=2)
    invoice = april_invoice(books, ledger)
    assert credit(ledger, books, invoice.number, ((1, D(2)),), REASON, CREDITED, CREDITED, lang="it").note is not None
    result = may_run(books, ledger)
    [problem] = [p for p in result.problems if p.is_error]
    assert "restituisce 2 pz di A001" in problem.render("it") and "resta da accreditare solo 1 pz" in problem.render("it")
    assert [x.customer for x in result.invoices] == ["C001"]


def test_a_return_within_what_a_part_credit_left_is_credited(ledger):
    books = master(returned=1)
    invoice = april_invoice(books, ledger)
    price = invoice.lines[0].unit_price
    part = credit(ledger, books, invoice.number, ((1, D(2)),), REASON, CREDITED, CREDITED, lang="it").note
    assert part is not None
    result = may_run(books, ledger)
    [note] = [x for x in result.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert not [p for p in result.problems if p.is_error]
    assert note.taxable == -price and part.taxable + note.taxable == -invoice.taxable
    refused = credit(ledger, books, invoice.number, (), REASON, MAY_RUN, MAY_RUN, lang="it")
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


def priced_master(returned: int, price: float) -> MasterData:
    """`master`, the return template's line priced `price` instead of the price list's."""
    s = minimal.sheets()
    [t002] = [row for row in s["Modelli ordine"] if row[0] == "T002"]
    t002[7], t002[10], t002[11] = 20, date(2026, 5, 1), date(2026, 5, 31)
    [line] = [row for row in s["Righe modello"] if row[0] == "T002"]
    line[1], line[2], line[3] = "A001", returned, price
    s["Modelli ordine"].append(["T003", "C002", None, None, "Mensile giorno", None, None, 10, None, None,
                                date(2026, 4, 1), date(2026, 4, 30), None])
    s["Righe modello"].append(["T003", "A001", 3, None, None])
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


def test_a_return_priced_above_its_invoice_is_credited_at_the_invoice_price_with_a_warning(ledger):
    """Sold 3 at the price list's price, 4 returned at 25 €: the 3 the invoice sold are credited at
    its price (art. 26: a credit note gives back no more than the invoice charged), the one it
    never sold at the return's own 25 €; the run warns, naming the return, the item and both prices."""
    books = priced_master(returned=4, price=25.0)
    invoice = april_invoice(books, ledger)
    price = invoice.lines[0].unit_price
    assert price < D(25)
    result = may_run(books, ledger)
    [note] = [x for x in result.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    [line] = note.lines
    assert (line.quantity, line.amount) == (D(-4), -(3 * price + D(25)))
    assert note.taxable == line.amount and note.total == note.taxable + note.vat
    [warning] = [p for p in result.problems if p.code == "return-priced-above-invoice"]
    assert not warning.is_error and not [p for p in result.problems if p.is_error]
    said = warning.render("it")
    assert price == D("18.5")
    assert (f"restituisce 3 pz di A001 a 25,00 € l'uno, ma la fattura {invoice.number} li ha venduti a 18,50 €: "
            "sono accreditati al prezzo della fattura, 55,50 € invece di 75,00 €") in said, said
    assert said.startswith(f"Il reso {line.order_number} (DDT {line.delivery.number}) restituisce "), said
    assert "art. 26 DPR 633/72" in said
    assert "credited at the invoice's price" in warning.render("en")
    with reading(ledger) as conn:
        r = schema.returned_lines.c
        assert conn.execute(select(r.quantity, r.amount)).all() == [(D(-3), -3 * price)]
        [stored] = [x for x in load_invoices(conn) if x.kind is InvoiceKind.CREDIT_NOTE]
    assert (stored.taxable, stored.lines[0].amount) == (note.taxable, line.amount)
    assert [(c.number, c.base) for c in stored.cites] == [(invoice.number, 3 * price)]


def test_a_return_priced_at_or_below_its_invoice_keeps_its_price(ledger):
    books = priced_master(returned=2, price=17.0)
    invoice = april_invoice(books, ledger)
    result = may_run(books, ledger)
    [note] = [x for x in result.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert invoice.lines[0].unit_price > D(17)
    assert [(x.quantity, x.unit_price, x.amount) for x in note.lines] == [(D(-2), D(17), D("-34.00"))]
    assert not [p for p in result.problems if p.code == "return-priced-above-invoice"]


def test_take_back_caps_each_part_at_its_invoice_lines_price_and_repriced_sums_the_note_again():
    """Sold 1 at 18.50 in March and 2 at 20.00 in April; 4 returned at 19.00: April's 2 keep the
    return's price (below theirs), March's 1 is credited at 18.50, the fourth (never sold) at
    19.00; the note's line credits 75.50 at a unit price of 18.875."""
    def sold(number: str, day: date, quantity: int, price: str, line_id: int) -> Sold:
        line = InvoiceLine("A001", "Caffè", "pz", D(quantity), D(price), D(price) * quantity, D(22), None, 1,
                           None, None, None, "")
        return Sold("C002", line_id, number, day, Creditable(line, line_id))

    march, april = sold("FT-2026-00001", date(2026, 3, 31), 1, "18.50", 1), sold("FT-2026-00009", date(2026, 4, 30),
                                                                                2, "20.00", 2)
    returned = InvoiceLine("A001", "Caffè", "pz", D(-4), D("19.00"), D("-76.00"), D(22), None, 1, 7, 8, None, "RE-1")
    note = Invoice(InvoiceKind.CREDIT_NOTE, "C002", None, MAY, date(2026, 5, 31), (returned,), (), D(0), D(0), D(0),
                   None, "", ())  # type: ignore[arg-type]
    taken, refused = take_back([note], [march, april])
    assert refused == []
    assert [(t.sold.number, t.quantity, t.amount, t.asked, t.capped) for t in taken] == [
        ("FT-2026-00009", D(-2), D("-38.00"), D("-38.00"), False),
        ("FT-2026-00001", D(-1), D("-18.50"), D("-19.00"), True)]
    [priced] = repriced([note], taken)
    [line] = priced.lines
    assert (line.quantity, line.unit_price, line.amount) == (D(-4), D("18.875"), D("-75.50"))
    assert (priced.taxable, priced.vat, priced.total) == (D("-75.50"), D("-16.61"), D("-92.11"))
    assert repriced([note], [t for t in taken if not t.capped]) == [note]


def test_a_return_takes_back_first_a_sale_at_its_own_price_before_a_later_cheaper_one():
    """Sold 1 at 3,993.64 in March and 1 at 0.15 in April (a sample); 1 returned at 3,993.64: it
    gives back March's goods, credited at its own price, not capped at April's 0.15."""
    def sold(number: str, day: date, price: str, line_id: int) -> Sold:
        line = InvoiceLine("A001", "Caffè", "pz", D(1), D(price), D(price), D(10), None, 1,
                           None, None, None, "")
        return Sold("C002", line_id, number, day, Creditable(line, line_id))

    march, april = sold("FT-2026-00001", date(2026, 3, 31), "3993.64", 1), sold("FT-2026-00009", date(2026, 4, 30),
                                                                              "0.15", 2)
    returned = InvoiceLine("A001", "Caffè", "pz", D(-1), D("3993.64"), D("-3993.64"), D(10), None, 1, 7, 8, None,
                           "RE-1")
    note = Invoice(InvoiceKind.CREDIT_NOTE, "C002", None, MAY, date(2026, 5, 31), (returned,), (), D(0), D(0), D(0),
                   None, "", ())  # type: ignore[arg-type]
    taken, refused = take_back([note], [april, march])
    assert refused == []
    assert [(t.sold.number, t.quantity, t.amount, t.capped) for t in taken] == [
        ("FT-2026-00001", D(-1), D("-3993.64"), False)]
    assert repriced([note], taken) == [note]


def two_rates() -> tuple[Invoice, list[Creditable]]:
    """FT-2026-00010: 100 € of coffee at 22% (line 1) and 100 € of flour at 4% (line 2), nothing
    credited; the discount note NC-2026-00003 took 20 € off it, 15 € at 22% and 5 € at 4%."""
    lines = (InvoiceLine("A001", "Caffè", "pz", D(10), D(10), D("100.00"), D(22), None, 1, None, None, None, ""),
             InvoiceLine("A002", "Farina", "pz", D(10), D(10), D("100.00"), D(4), None, 2, None, None, None, ""))
    summary = tuple(vat_summary((x.amount, x.vat_rate, x.vat_nature) for x in lines))
    invoice = Invoice(InvoiceKind.INVOICE, "C002", None, APRIL, date(2026, 4, 30), lines, summary, D(200),
                      D("26.00"), D("226.00"), None, "", (), id=10, number="FT-2026-00010")  # type: ignore[arg-type]
    return invoice, [Creditable(line, n) for n, line in enumerate(lines, start=1)]


DISCOUNT = DiscountShare("NC-2026-00003", D("20.00"), (((D(4), None), D("5.00")), ((D(22), None), D("15.00"))))


def test_a_note_on_the_22_percent_lines_cannot_use_the_room_the_4_percent_lines_leave():
    """Crediting all the coffee (100 € at 22%) leaves 180 € of the whole taxable, but only 85 €
    at 22%, where the discount took 15: refused, naming the rate; the flour alone is credited."""
    invoice, lines = two_rates()
    coffee = credit_note(invoice, lines, ((1, None),), date(2026, 5, 5), REASON)
    assert isinstance(coffee, Invoice) and coffee.taxable == D(-100)
    [problem] = discount_problems(invoice, lines, coffee, [DISCOUNT])
    assert problem.code == "credit-over-discount"
    assert problem.render("it").startswith(
        "La fattura FT-2026-00010 ha 100,00 € di imponibile al 22%; ne sono già stati accreditati 0,00 € da note di "
        "credito e resi e 15,00 € dallo sconto volume (note di credito NC-2026-00003): resta da accreditare al "
        "massimo 85,00 € di imponibile, non 100,00 €."), problem.render("it")
    assert "Invoice FT-2026-00010 has 100.00 € of taxable at 22%;" in problem.render("en")
    flour = credit_note(invoice, lines, ((2, D("9.5")),), date(2026, 5, 5), REASON)
    assert isinstance(flour, Invoice) and discount_problems(invoice, lines, flour, [DISCOUNT]) == []


def three_returns() -> tuple[list[TakenBack], dict[int, Headroom]]:
    """Three returns of `two_rates`' invoice, as month end takes them back, and what the discount
    left of it: RE-1 gives back 8 of the coffee, RE-2 1 more of it, RE-3 9 of the flour."""
    invoice, lines = two_rates()

    def returned(item: str, quantity: int, rate: int, order: str) -> Invoice:
        amount = D(-10 * quantity).quantize(D("0.01"))
        line = InvoiceLine(item, item, "pz", D(-quantity), D(10), amount, D(rate), None, 1, 7, 8, None, order)
        return Invoice(InvoiceKind.CREDIT_NOTE, "C002", None, MAY, date(2026, 5, 31), (line,), (), D(0), D(0), D(0),
                       None, "", ())  # type: ignore[arg-type]

    notes = [returned("A001", 8, 22, "RE-1"), returned("A001", 1, 22, "RE-2"), returned("A002", 9, 4, "RE-3")]
    sold = [Sold("C002", 10, "FT-2026-00010", date(2026, 4, 30), c) for c in lines]
    taken, refused = take_back(notes, sold)
    assert refused == []
    return taken, {10: headroom(invoice, lines, [DISCOUNT])}


def test_a_return_that_a_volume_discount_left_no_room_for_is_refused_the_rest_credited():
    """The discount took 15 € of the coffee's 100 € at 22%: a return of 8 (80 €) fits, a second
    return of 1 more (10 €) would credit 90 € in all and is refused, naming the invoice, the rate
    and what is left (5 €); a return of flour is not held by the coffee's room."""
    taken, room = three_returns()
    [over] = over_discount(taken, room)
    assert (over.note, over.line.order_number) == (1, "RE-2")
    said = over.problem.render("it")
    assert over.problem.code == "return-over-discount" and over.problem.is_error
    assert said.startswith("Il reso RE-2 accrediterebbe 10,00 € di imponibile al 22% della fattura FT-2026-00010, "
                           "ma ne restano da accreditare 5,00 €: la fattura ha 100,00 € di imponibile al 22%, di cui "
                           "80,00 € già accreditati da note di credito e resi precedenti e 15,00 € dallo sconto volume "
                           "(note di credito NC-2026-00003)."), said
    assert "the return order waits to be credited" in over.problem.render("en")
    assert over_discount(taken, {}) == []


def test_month_end_says_a_return_the_volume_discount_held_back_was_not_credited_for_that_reason():
    """The run's closing sentence named every return left out "because the goods were credited
    already", a discount's too, whose goods no credit note took back: each reason has its words,
    and a run with both names each return under its own."""
    from toolkit.core.credit_notes import RETURN_CREDITED
    from toolkit.services.invoicing import RunResult, returns_refused_sentence
    from toolkit.services.shipping import Shipped

    [over] = over_discount(*three_returns())
    result = RunResult("20260603-abcd1234", [], [over.problem], [], returns_refused=[over])
    assert result.summary("it") == ("Emessi 0 documenti (in bozza), emissione 20260603-abcd1234. Resi non accreditati, "
                                    "perché lo sconto volume ha già rimborsato parte della merce: RE-2.")
    assert result.summary("en").endswith(" Returns not credited, a volume discount having paid part of their goods "
                                         "back already: RE-2.")
    shipped = Shipped((), (), (over.problem,)).summary("it")
    assert shipped.endswith("perché lo sconto volume ha già rimborsato parte della merce: RE-2."), shipped
    both = returns_refused_sentence([RETURN_CREDITED(None, order="RE-1"), over.problem, over.problem], "it")
    assert both == (" Resi non accreditati, perché la merce è già stata accreditata: RE-1. Resi non accreditati, "
                    "perché lo sconto volume ha già rimborsato parte della merce: RE-2.")


def spread_master() -> MasterData:
    """`priced_master` with 5 returned at 25 €, and C002 buying 3 more of A001 at 20 € on 15 May
    (template T004): May's run invoices them beside the return's credit note."""
    s = sheets(returned=5)
    [line] = [row for row in s["Righe modello"] if row[0] == "T002"]
    line[3] = 25.0
    s["Modelli ordine"].append(["T004", "C002", None, None, "Mensile giorno", None, None, 15, None, None,
                                date(2026, 5, 1), date(2026, 5, 31), None])
    s["Righe modello"].append(["T004", "A001", 3, 20.0, None])
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


def spread_ledger(ledger, credited: int = 1, returned_on: tuple[date, ...] = (RETURNED,)) -> tuple[MasterData, Invoice]:
    """April's invoice (3 at 18.50), `credited` of it credited on 5 May; May's goods delivered
    (3 sold at 20 € on 15 May, 5 returned at 25 € on 20 May, C001's on 21 May), not yet invoiced."""
    books = spread_master()
    april = april_invoice(books, ledger)
    if credited:
        assert credit(ledger, books, april.number, ((1, D(credited)),), REASON, CREDITED, CREDITED, lang="it").note is not None
    for day in (date(2026, 5, 15), *returned_on, date(2026, 5, 21)):
        deliver(books, ledger, day)
    return books, april


def test_month_end_credits_a_return_spread_over_its_own_invoice_and_a_part_credited_one(ledger):
    """The return of 5 at 25 € takes back the 3 May's run sells at 20 € (latest first) and the 2
    a part credit left of April's invoice at 18.50 €, each capped at its invoice's price with a
    warning: the note credits 97 €, cites both invoices with what it takes of each, and the
    preview shows the same note as the run stores."""
    books, april = spread_ledger(ledger)
    preview = run(ledger, books, Request(MAY, MAY_RUN), preview=True, lang="it")
    result = run(ledger, books, Request(MAY, MAY_RUN), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in result.problems if p.is_error] and result.run_id is not None
    [may] = [x for x in result.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    [note] = [x for x in result.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    [line] = note.lines
    assert (line.quantity, line.unit_price, line.amount) == (D(-5), D("19.4"), D("-97.00"))
    assert (note.taxable, note.vat, note.total) == (D("-97.00"), D("-21.34"), D("-118.34"))
    assert [(c.number, c.base) for c in note.cites] == [(april.number, D("37.00")), (may.number, D("60.00"))]
    warned = [(p.code, shown(dict(p.params)["invoice"], "it"), dict(p.params)["credited"]) for p in result.problems
              if p.code == "return-priced-above-invoice"]
    assert warned == [("return-priced-above-invoice", "la fattura di questa emissione del 31/05/2026", D("60.00")),
                      ("return-priced-above-invoice", f"la fattura {april.number}", D("37.00"))]
    [previewed] = [x for x in preview.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert previewed.lines == note.lines and previewed.total == note.total
    assert [p.code for p in preview.problems] == [p.code for p in result.problems]
    with reading(ledger) as conn:
        r, il = schema.returned_lines.c, schema.invoice_lines.c
        assert sorted(conn.execute(select(il.invoice_id, r.quantity, r.amount)
                                   .join(schema.invoice_lines, il.id == r.invoice_line_id)
                                   .where(r.credit_note_id == note.id)).all()) == [
            (april.id, D(-2), D("-37.00")), (may.id, D(-3), D("-60.00"))]
        [stored] = [x for x in load_invoices(conn, ids=[note.id])]
    assert stored.lines == note.lines and stored.cites == note.cites


def counted_sold_for(monkeypatch) -> list[int]:
    """Every call of `ledger.credit_notes.sold_for`, wherever a module imported it, counted."""
    import sys

    from toolkit.ledger import credit_notes

    original, calls = credit_notes.sold_for, []

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    for module in [m for name, m in sys.modules.items() if name.startswith("toolkit")]:
        if getattr(module, "sold_for", None) is original:
            monkeypatch.setattr(module, "sold_for", counting)
    return calls


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("credited", [1, 3], ids=["credited", "refused"])
def test_month_end_reads_what_sold_the_returned_goods_once_per_run(ledger, monkeypatch, credited):
    """Once for the preview, once for the run: matching, pricing, warning and citing all read
    the one matching; with the return refused (April's invoice credited in full), planning again
    without it reads nothing more."""
    books, _ = spread_ledger(ledger, credited)
    calls = counted_sold_for(monkeypatch)
    previewed = run(ledger, books, Request(MAY, MAY_RUN), preview=True, lang="it")
    assert len(calls) == 1, "preview"
    calls.clear()
    result = run(ledger, books, Request(MAY, MAY_RUN), status=InvoiceStatus.FINAL, lang="it")
    assert len(calls) == 1, "run"
    assert result.run_id is not None and len(result.returns_refused) == (credited == 3)
    assert [x.total for x in result.invoices] == [x.total for x in previewed.invoices]


@pytest.mark.parametrize("ledger_url", ["sqlite"], indirect=True)
def test_ship_invoice_reads_what_sold_the_returned_goods_once(ledger, monkeypatch):
    """`ship --invoice` of the return: its note takes back April's 3, the ledger read once. The
    return ships the day after C001's DDT of 21 May, as a DDT is never dated before an earlier one."""
    books, april = spread_ledger(ledger, credited=0, returned_on=())
    create(books, ledger, RETURNED, with_catch_up=False, lang="it")
    calls = counted_sold_for(monkeypatch)
    shipped = ship(books, ledger, date(2026, 5, 22), all_open=True, invoice=True, lang="it")
    assert len(calls) == 1
    [note] = [x for x in shipped.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert [(c.number, c.base) for c in note.cites] == [(april.number, D("55.50"))]
    assert note.total == D("-128.71") and note.lines[0].amount == D("-105.50")


def test_a_return_takes_back_first_the_later_of_its_own_runs_invoices_as_their_numbers_will_say():
    """A run invoicing C002 twice on 31 May (two projects), 2 of A001 at 20 € on each line 1,
    and crediting a return of 3 at 25 €: the matching made before storing takes back first the
    later of the two (the higher number once stored) as citing after storing did, so the note's
    price and its citations come from one matching: 2 at 20 € from the second, 1 from the first."""
    def sold(project: str, price: str) -> Invoice:
        line = InvoiceLine("A001", "Caffè", "pz", D(2), D(price), D(price) * 2, D(22), None, 1, 5, 6, None, "OC-1")
        return Invoice(InvoiceKind.INVOICE, "C002", f"project:{project}", MAY, date(2026, 5, 31), (line,), (),
                       D(0), D(0), D(0), None, "", ())  # type: ignore[arg-type]

    returned = InvoiceLine("A001", "Caffè", "pz", D(-3), D(25), D("-75.00"), D(22), None, 1, 7, 8, None, "RE-1")
    note = Invoice(InvoiceKind.CREDIT_NOTE, "C002", None, MAY, date(2026, 5, 31), (returned,), (), D(0), D(0), D(0),
                   None, "", ())  # type: ignore[arg-type]
    first, second = sold("A", "20.00"), sold("B", "19.00")
    matched = returns_matched([first, second, note], ())
    assert [(t.sold.place, t.quantity, t.amount) for t in matched.taken] == [(1, D(-2), D("-38.00")),
                                                                             (0, D(-1), D("-20.00"))]
    stored = [Sold("C002", 10 + n, f"FT-2026-0001{n}", x.invoice_date, Creditable(x.lines[0], 100 + n))
              for n, x in enumerate((first, second))]
    taken, _ = take_back([note], stored)
    assert [(t.sold.invoice_id, t.quantity, t.amount) for t in taken] == [(11, D(-2), D("-38.00")),
                                                                          (10, D(-1), D("-20.00"))]
    [*_, priced] = matched.priced()
    assert priced.lines[0].amount == D("-58.00") and matched.above_invoice[0].code == "return-priced-above-invoice"


def test_a_return_beyond_what_the_discount_left_is_told_by_all_it_credits_not_as_credited_already():
    """RE-1 gives back 4 and then 5 of the coffee on DDT-2026-00005 (40 € and 50 € at 22%), where
    the discount left 85 €: refused whole, the message saying the return would credit 90 € of
    which 85 € are left, and nothing credited already (its own first line is not a credit)."""
    invoice, lines = two_rates()
    ddt = DeliveryRef(5, "DDT-2026-00005", date(2026, 5, 20))
    returned = tuple(InvoiceLine("A001", "Caffè", "pz", D(-quantity), D(10), D(-10 * quantity).quantize(D("0.01")),
                                 D(22), None, n, 7 + n, 8 + n, ddt, "RE-1") for n, quantity in ((1, 4), (2, 5)))
    note = Invoice(InvoiceKind.CREDIT_NOTE, "C002", None, MAY, date(2026, 5, 31), returned, (), D(0), D(0), D(0),
                   None, "", ())  # type: ignore[arg-type]
    taken, refused = take_back([note], [Sold("C002", 10, "FT-2026-00010", date(2026, 4, 30), c) for c in lines])
    assert refused == []
    [over] = over_discount(taken, {10: headroom(invoice, lines, [DISCOUNT])})
    assert (over.note, over.line.order_number, over.asked) == (0, "RE-1", D("90.00"))
    assert over.problem.render("it") == (
        "Il reso RE-1 (DDT DDT-2026-00005) accrediterebbe 90,00 € di imponibile al 22% della fattura FT-2026-00010, "
        "ma ne restano da accreditare 85,00 €: la fattura ha 100,00 € di imponibile al 22%, di cui 0,00 € già "
        "accreditati da note di credito e resi precedenti e 15,00 € dallo sconto volume (note di credito "
        "NC-2026-00003). Il reso non è stato accreditato, perché lo sconto ha già rimborsato parte di quella merce: "
        "controlla con il cliente; il suo DDT resta tra quelli da fatturare.")
    assert over.problem.render("en") == (
        "Return RE-1 (DDT DDT-2026-00005) would credit 90.00 € of taxable at 22% of invoice FT-2026-00010, but "
        "85.00 € is left to credit: the invoice has 100.00 € of taxable at 22%, 0.00 € of it credited already by "
        "credit notes and earlier returns and 15.00 € by the volume discount (credit notes NC-2026-00003). The "
        "return was not credited, the discount having paid part of those goods back already: check with the "
        "customer; its DDT stays among those to invoice.")


def rated_master(returned: int, rate: int) -> MasterData:
    """`master`, A001's VAT rate changed to `rate` after April's sale: the May return is ordered at it."""
    s = sheets(returned)
    [a001] = [row for row in s["Articoli"] if row[0] == "A001"]
    a001[3] = rate
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


def test_a_return_is_credited_at_the_vat_rate_its_invoice_charged_not_the_items_new_one(ledger):
    """Sold 3 at 22 % in April; A001 then goes to 10 %, and 2 come back in May: the note takes
    back April's goods at April's 22 % (art. 26), 37.00 + 8.14, not 37.00 + 3.70."""
    invoice = april_invoice(master(returned=2), ledger)
    assert invoice.lines[0].vat_rate == D(22)
    result = may_run(rated_master(returned=2, rate=10), ledger)
    [note] = [x for x in result.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert [(x.quantity, x.amount, x.vat_rate) for x in note.lines] == [(D(-2), D("-37.00"), D(22))]
    assert (note.taxable, note.vat, note.total) == (D("-37.00"), D("-8.14"), D("-45.14"))
    with reading(ledger) as conn:
        [stored] = [x for x in load_invoices(conn) if x.kind is InvoiceKind.CREDIT_NOTE]
    assert [(v.rate, v.taxable, v.vat) for v in stored.summary] == [(D(22), D("-37.00"), D("-8.14"))]


def test_a_return_part_of_which_no_invoice_sold_at_another_rate_is_left_out_naming_both_rates(ledger):
    """Sold 3 at 22 %, 4 back after A001 went to 10 %: three would be credited at 22 % and the
    fourth, sold before the ledger, at 10 %, which one line cannot; the return waits, named."""
    april_invoice(master(returned=4), ledger)
    result = may_run(rated_master(returned=4, rate=10), ledger)
    assert not [x for x in result.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    [refused] = [p for p in result.problems if p.code == "return-mixed-vat"]
    said = refused.render("it")
    assert ("restituisce A001, che le fatture che lo hanno venduto (FT-2026-00001) hanno addebitato con IVA 22 %, "
            "mentre il reso ha IVA 10 %" in said), said
    assert "toolkit returns no-credit" in said and "Return " in refused.render("en")
    assert result.summary("it").endswith(" Resi non accreditati, perché una riga riprende merce fatturata con un'altra "
                                         f"aliquota IVA: {dict(refused.params)['order']}.")



def test_a_credit_note_dated_next_month_no_longer_blocks_the_month_end_of_a_return(ledger):
    """A note on the April invoice issued on 2 June (NC dated 02/06) refused May's month end
    whole, C001's invoices too: its run dates every document 31/05, the return's note before the
    June one. `credit_date` (`invoice --credit-date`) dates the returns' notes apart, the
    invoices keeping the month's end; a credit date before the invoices' is refused."""
    books = master(returned=1)
    invoice = april_invoice(books, ledger)
    june = date(2026, 6, 2)
    done = credit(ledger, books, invoice.number, ((1, D(1)),), REASON, june, june, lang="it")
    assert done.note is not None, done.problems
    deliver(books, ledger, RETURNED)
    deliver(books, ledger, date(2026, 5, 21))
    refused = run(ledger, books, Request(MAY, MAY_RUN), status=InvoiceStatus.FINAL, lang="it")
    [problem] = [p for p in refused.problems if p.is_error]
    assert refused.run_id is None and problem.code == "invoice-credit-note-out-of-sequence"
    assert "con --credit-date dal 02/06/2026 in poi: le fatture tengono la loro data" in problem.render("it")
    early = run(ledger, books, Request(MAY, MAY_RUN, credit_date=date(2026, 5, 30)), status=InvoiceStatus.FINAL, lang="it")
    assert early.run_id is None and [p.code for p in early.problems if p.is_error] == ["invoice-credit-date-before-run"]
    result = run(ledger, books, Request(MAY, MAY_RUN, credit_date=june), status=InvoiceStatus.FINAL, lang="it")
    assert result.run_id is not None, [str(p) for p in result.problems]
    assert sorted((x.customer, x.kind, x.invoice_date) for x in result.invoices) == [
        ("C001", InvoiceKind.INVOICE, date(2026, 5, 31)), ("C002", InvoiceKind.CREDIT_NOTE, june)]
    assert sold_and_credited(ledger) == (D(3), D(2)), "the June note's 1 and the return's 1"


def gross_master(returned: int, rate: int) -> MasterData:
    """`rated_master` with BASE a list of VAT-included (shelf) prices: the return's net price is its
    gross at A001's new rate."""
    s = sheets(returned)
    minimal.set_cell(s, "Listini", "C1", "IVA inclusa")
    minimal.set_cell(s, "Listini", "C2", "sì")
    [a001] = [row for row in s["Articoli"] if row[0] == "A001"]
    a001[3] = rate
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


@pytest.mark.parametrize("sold_rate, new_rate, amount, vat", [(10, 22, "-33.64", "-3.36"), (22, 10, "-30.33", "-6.67")])
def test_on_a_vat_included_list_a_return_after_a_rate_change_refunds_the_gross_the_customer_paid(
        ledger, sold_rate, new_rate, amount, vat):
    """Sold 3 at 18.50 € VAT included at 10 % in April (net 16.816667); A001 then goes to 22 % and 2
    come back in May at the same shelf price, ordered net 15.163934. Credited at April's 10 % but
    at May's net, the note refunded 30.33 + 3.03 = 33.36 € of the 37.00 € the customer paid for them.
    The other way, 22 % to 10 %, the right 37.00 € came with a warning that the return was priced
    above its invoice."""
    invoice = april_invoice(gross_master(returned=2, rate=sold_rate), ledger)
    assert (invoice.lines[0].vat_rate, invoice.total) == (D(sold_rate), D("55.50"))
    result = may_run(gross_master(returned=2, rate=new_rate), ledger)
    [note] = [x for x in result.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert [(x.quantity, x.amount, x.vat_rate) for x in note.lines] == [(D(-2), D(amount), D(sold_rate))]
    assert (note.taxable, note.vat, note.total) == (D(amount), D(vat), D("-37.00"))
    assert not [p for p in result.problems if p.code == "return-priced-above-invoice"]


def test_a_return_priced_above_an_invoice_of_the_same_run_names_that_invoice_not_a_dash():
    """The month end drafts a customer's deferred invoice and credits its return in one run: the
    invoice has no number yet when the warning is written, which then read *ma la fattura — li ha
    venduti* (M benchmark, April); it names the run's invoice by its date."""
    line = InvoiceLine("A001", "Caffè", "pz", D(3), D("16.63"), D("49.89"), D(22), None, 1, None, None, None, "")
    this_run = Sold("C002", None, "", date(2026, 4, 30), Creditable(line, 0), place=0)
    returned = InvoiceLine("A001", "Caffè", "pz", D(-2), D("17.21"), D("-34.42"), D(22), None, 1, 7, 8, None, "RE-1")
    note = Invoice(InvoiceKind.CREDIT_NOTE, "C002", None, MAY, date(2026, 4, 30), (returned,), (), D(0), D(0), D(0),
                   None, "", ())  # type: ignore[arg-type]
    [taken], refused = take_back([note], [this_run])
    assert refused == [] and taken.capped
    said, told = taken.problem.render("it"), taken.problem.render("en")
    assert "—" not in said and "—" not in told
    assert "ma la fattura di questa emissione del 30/04/2026 li ha venduti a 16,63 €" in said, said
    assert "but this run's invoice of 30/04/2026 sold them at 16.63 €" in told, told


def test_a_return_refused_as_credited_by_a_return_of_the_same_run_names_the_invoice_and_notes_not_dashes():
    """Two returns of one run give back the goods of a deferred invoice the same run drafts: the
    second, nothing left to credit, is refused, and its error read *delle fatture che li hanno
    venduti (—) … dalle note di credito —*, neither the invoice nor the first return's note
    numbered yet; both are named as this run's, at the panel too (`excel.said`)."""
    from toolkit.excel import said

    line = InvoiceLine("A001", "Caffè", "pz", D(3), D("16.63"), D("49.89"), D(22), None, 1, None, None, None, "")
    this_run = Sold("C002", None, "", date(2026, 4, 30), Creditable(line, 0), place=0)
    returned = InvoiceLine("A001", "Caffè", "pz", D(-3), D("16.63"), D("-49.89"), D(22), None, 1, 7, 8, None, "RE-1")
    first = Invoice(InvoiceKind.CREDIT_NOTE, "C002", None, MAY, date(2026, 4, 30), (returned,), (), D(0), D(0), D(0),
                    None, "", ())  # type: ignore[arg-type]
    again = replace(first, lines=(replace(returned, quantity=D(-2), amount=D("-33.26"), order_number="RE-2"),))
    taken, [refused] = take_back([first, again], [this_run])
    assert [t.note for t in taken] == [0] and refused.note == 1
    for text in (refused.problem.render("it"), refused.problem.render("en"), said.render(refused.problem, "it"),
                 said.render(refused.problem, "en")):
        assert "—" not in text, text
    assert ("delle fatture che li hanno venduti (la fattura di questa emissione del 30/04/2026) resta da accreditare "
            "solo 0 pz: il resto è già stato accreditato dalle note di credito di questa emissione."
            in said.render(refused.problem, "it"))
    assert ("of the invoices that sold them (this run's invoice of 30/04/2026) only 0 pz is left to credit: the rest "
            "was credited already by credit notes of this run." in refused.problem.render("en"))
    issued = replace(this_run, number="FT-2026-00004", credited_by=("NC-2026-00002",))
    _, [refused] = take_back([first, again], [issued])
    assert "(FT-2026-00004) resta da accreditare solo 0 pz: il resto è già stato accreditato dalle note di credito " \
           "NC-2026-00002 e quelle di questa emissione." in refused.problem.render("it")


def test_a_return_refused_for_two_rates_names_an_invoice_of_the_same_run_not_a_dash():
    """RE-1 gives back 4 coffees: 2 sold by FT-2026-00003 at 10%, 2 by the invoice the same
    month-end run drafts at 22% (not numbered yet); one line cannot bear both rates, and the
    error read *che le fatture FT-2026-00003, — hanno venduto*: the run's invoice is named by its
    date, inside the phrase's parentheses, at the panel too (`excel.said`)."""
    from toolkit.excel import said

    def taken(number: str, rate: int) -> TakenBack:
        line = InvoiceLine("A001", "Caffè", "pz", D(2), D(10), D("20.00"), D(rate), None, 1, None, None, None, "")
        sold = Sold("C002", 3 if number else None, number, date(2026, 4, 30 if not number else 10),
                    Creditable(line, 3 if number else 0), place=-1 if number else 0)
        return TakenBack(0, returned, sold, D(-2), D("-20.00"), D("-20.00"))

    returned = InvoiceLine("A001", "Caffè", "pz", D(-4), D(10), D("-40.00"), D(22), None, 1, 7, 8, None, "RE-1")
    [refused] = mixed_vat([taken("FT-2026-00003", 10), taken("", 22)])
    for text in (refused.problem.render("it"), refused.problem.render("en"), said.render(refused.problem, "it"),
                 said.render(refused.problem, "en")):
        assert "—" not in text, text
    assert ("restituisce A001, che le fatture che lo hanno venduto (FT-2026-00003, la fattura di questa emissione "
            "del 30/04/2026) hanno addebitato con IVA 10 %, 22 %, mentre il reso ha IVA 22 %"
            in said.render(refused.problem, "it")), said.render(refused.problem, "it")
    assert ("gives back A001, which the invoices that sold it (FT-2026-00003, this run's invoice of 30/04/2026) "
            "charged with VAT 10 %, 22 %, while the return bears VAT 22 %" in refused.problem.render("en"))
