"""A credit note follows the invoice it corrects, not the customer as the master says it today
(art. 26 with art. 17-ter DPR 633/72): split payment, CIG and CUP are kept with each invoice as
issued, and every path that makes a note (`invoice credit`, a volume discount, a return at month
end) bears them as the invoices it corrects bore them, in the ledger, the e-invoice and the print."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from fatturapa_reading import read, schema_errors
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from test_credit_returns import april_invoice, deliver, may_run, sheets
from test_invoicing import make_order, master_with
from test_invoicing import ship as ship_lines
from test_returns_at_once import SETTLED, books_of, scene, settle_april, sold_at_order

from toolkit.core.credit_notes import (
    Creditable,
    MixedSplit,
    SellingInvoices,
    Sold,
    TakenBack,
    as_corrected,
    mixed_split,
)
from toolkit.core.invoicing import InvoiceKind, InvoiceLine, InvoiceStatus, Period, Request
from toolkit.core.volume_discounts import parse_period
from toolkit.ledger import schema
from toolkit.ledger.db import reading
from toolkit.model.parties import Buyer, Parties, Seller
from toolkit.model.records import MasterData
from toolkit.services import discounts, einvoice, invoicing
from toolkit.services.credit_notes import credit
from toolkit.services.orders import create
from toolkit.writers.accountants import write_accountants

APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
CIG, CUP, NEW_CIG = "ZAB1234567", "J12B34000010001", "ZZZ9999999"


def with_customer(master: MasterData, code: str, **fields) -> MasterData:
    """The master with customer `code`'s fields changed, as the desk changes *Clienti*."""
    return master.model_copy(update={"customers": tuple(replace(c, **fields) if c.code == code else c
                                                        for c in master.customers)})


def invoiced(ledger, **customer):
    """C001's April invoice, final: 2 × 25 € at 22%, C001 as `customer` says."""
    master = master_with(payment_terms="30", postcode="00184", **customer)
    _, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "2", "25", "22", None)])
    ship_lines(ledger, "C001", date(2026, 4, 9), [(line_id, "2")])
    invoicing.run(ledger, master, Request(APRIL, date(2026, 5, 2)), status=InvoiceStatus.FINAL, lang="it")
    return master


def stored_split(ledger, number: int) -> bool:
    with reading(ledger) as conn:
        i = schema.invoices.c
        return conn.execute(select(i.split_payment).where(i.kind == InvoiceKind.CREDIT_NOTE.value,
                                                          i.number == number)).scalar_one()


def exported_note(master, ledger, tmp_path):
    exported = einvoice.export(master, ledger, month=Period(date(2026, 4, 1), date(2026, 5, 31)), out=tmp_path)
    assert not exported.refused, [p.message("it") for p in exported.problems]
    assert all(schema_errors(path.read_bytes()) == [] for path in exported.files.values())
    return [read(path) for path in exported.files.values() if read(path).kind == "TD04"]


@pytest.mark.parametrize("before, after, payability", [(True, False, ("S",)), (False, True, (None,))])
def test_a_credit_note_bears_split_payment_as_the_invoice_it_corrects(tmp_path, ledger, before, after, payability):
    """The customer's *Scissione pagamenti* changed since the invoice: the note follows the
    invoice, so it asks back the VAT the customer paid, no more and no less."""
    invoiced(ledger, sdi_code="UFABCD", split_payment=before)
    today = master_with(payment_terms="30", postcode="00184", sdi_code="UFABCD", split_payment=after)
    done = credit(ledger, today, "FT-2026-00001", [(1, D(1))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 6), lang="it")
    assert done.note is not None, done.problems
    assert (done.note.split_payment, done.note.total, done.note.payable) == (
        before, D("-30.50"), D("-25.00") if before else D("-30.50"))
    assert stored_split(ledger, 1) is before
    [note] = exported_note(today, ledger, tmp_path)
    assert note.payability == payability


def test_a_credit_note_cites_the_cig_and_cup_the_invoice_bore_not_today_s(tmp_path, ledger):
    """C001's CIG changed and its CUP was cleared after the invoice: the note's DatiFattureCollegate
    and its printed copy name those the invoice bore."""
    invoiced(ledger, sdi_code="UFABCD", cig=CIG, cup=CUP)
    today = master_with(payment_terms="30", postcode="00184", sdi_code="UFABCD", cig=NEW_CIG, cup=None)
    done = credit(ledger, today, "FT-2026-00001", [(1, D(1))], "Latte", date(2026, 5, 5), date(2026, 5, 6),
                  out=tmp_path / "nc.xlsx", lang="it")
    assert done.note is not None, done.problems
    [note] = exported_note(today, ledger, tmp_path / "xml")
    assert note.linked_codes == (("FT-2026-00001", CUP, CIG),)
    rows = CalamineWorkbook.from_path(str(done.printed)).get_sheet_by_name(done.note.number).to_python()
    column = [row[0] for row in rows]
    assert f"CIG {CIG}" in column and f"CUP {CUP}" in column and f"CIG {NEW_CIG}" not in column


def test_a_cig_added_after_the_invoice_is_not_cited_by_its_note(tmp_path, ledger):
    invoiced(ledger, sdi_code="UFABCD")
    today = master_with(payment_terms="30", postcode="00184", sdi_code="UFABCD", cig=NEW_CIG)
    done = credit(ledger, today, "FT-2026-00001", [(1, D(1))], "Latte", date(2026, 5, 5), date(2026, 5, 6), lang="it")
    assert done.note is not None, done.problems
    [note] = exported_note(today, ledger, tmp_path)
    assert note.linked_codes == (("FT-2026-00001", None, None),)
    copies = write_accountants(tmp_path / "acc", today, [done.note], done.note.run_id, copies=True)[1]
    rows = CalamineWorkbook.from_path(str(copies)).get_sheet_by_name(done.note.number).to_python()
    assert f"CIG {NEW_CIG}" not in [row[0] for row in rows]


def test_a_volume_discount_note_follows_the_invoices_it_cites(tmp_path, ledger):
    """C002 bought in April as a public body with a CIG; by the settlement it is a company: the
    discount's note still bears split payment and cites the CIG of the invoice it reduces."""
    public = dict(sdi_code="UFABCD", split_payment=True, cig=CIG, postcode="00184")
    books = books_of(scene(1, immediate=True, discount=50))
    sold_at_order(with_customer(books, "C002", **public), ledger)
    today = with_customer(books, "C002", sdi_code="ABC1234", split_payment=False, postcode="00184")
    note = settle_april(today, ledger)
    assert note.split_payment is True and note.payable == note.total - note.vat
    assert stored_split(ledger, int(note.number[-5:])) is True
    [read_note] = exported_note(today, ledger, tmp_path)
    assert read_note.payability == ("S",)
    assert read_note.linked_codes == (("FT-2026-00001", None, CIG),)


def test_a_return_s_note_at_month_end_follows_the_invoice_it_takes_its_goods_back_from(tmp_path, ledger):
    """C002's April invoice bore split payment; by May's run it no longer would: the return's
    note, taking its goods back from that invoice, bears it still."""
    books = books_of(sheets(2))
    april_invoice(with_customer(books, "C002", sdi_code="UFABCD", split_payment=True, postcode="00184"), ledger)
    today = with_customer(books, "C002", sdi_code="ABC1234", split_payment=False, postcode="00184")
    result = may_run(today, ledger)
    [note] = [x for x in result.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert [c.number for c in note.cites] == ["FT-2026-00001"]
    assert note.split_payment is True
    assert stored_split(ledger, int(note.number[-5:])) is True


def parties(split: bool, cig: str | None = None, code: str = "C001") -> Parties:
    seller = Seller(company_name="Forniture Rossi S.r.l.", vat_number="01234560157", address="Via Roma 10",
                    postcode="20121", city="Milano")
    return Parties(seller=seller, buyer=Buyer(code=code, name="Comune", address="Piazza 1", city="Roma",
                                               split_payment=split, cig=cig))


def test_a_note_over_invoices_of_both_settings_is_refused_naming_them_and_different_codes_are_left_to_each():
    with pytest.raises(MixedSplit) as refused:
        as_corrected(parties(False), [("FT-2026-00001", parties(True)), ("FT-2026-00002", parties(False))])
    message = refused.value.problem("C001").message("it")
    assert "fatture emesse in scissione dei pagamenti (FT-2026-00001) e fatture emesse senza (FT-2026-00002)" in message
    assert "la nota non è stata emessa" in message
    assert "(FT-2026-00001) and invoices issued without it (FT-2026-00002)" in refused.value.problem("C001").message("en")
    both = as_corrected(parties(False, NEW_CIG), [("FT-2026-00001", parties(True, CIG)),
                                                  ("FT-2026-00002", parties(True, None))])
    assert (both.buyer.split_payment, both.buyer.cig) == (True, None)


def test_a_return_taking_goods_back_from_invoices_with_and_without_split_payment_waits(ledger):
    """C002, invoiced at the order, bought 3 kg on 10 April as a public body (split payment) and 3
    on 15 May as a company; its return of 5 on 20 May takes goods back from both invoices: no one
    note can follow both, so it is not credited and says why and what to do."""
    s = scene(5, immediate=True)
    s["Modelli ordine"].append(["T004", "C002", None, None, "Mensile giorno", None, None, 15, None, None,
                                date(2026, 5, 1), date(2026, 5, 31), None])
    s["Righe modello"].append(["T004", "A001", 3, None, None])
    books = books_of(s)
    sold_at_order(with_customer(books, "C002", sdi_code="UFABCD", split_payment=True, postcode="00184"), ledger)
    today = with_customer(books, "C002", sdi_code="ABC1234", split_payment=False, postcode="00184")
    may = create(today, ledger, date(2026, 5, 15), with_catch_up=False, lang="it")
    assert [(x.number, x.split_payment) for x in may.invoices] == [("FT-2026-00002", False)]
    returned = create(today, ledger, date(2026, 5, 20), with_catch_up=False, lang="it")
    assert not any(x.kind is InvoiceKind.CREDIT_NOTE for x in returned.invoices)
    [problem] = [p for p in returned.problems if p.code == "return-mixed-split-payment"]
    message = problem.message("it")
    assert "fatture emesse in scissione dei pagamenti (FT-2026-00001) e da fatture emesse senza (FT-2026-00002)" \
        in message
    assert "toolkit returns no-credit anagrafiche.xlsx --order" in message
    assert "invoices issued without it (FT-2026-00002)" in problem.message("en")
    with reading(ledger) as conn:
        i = schema.invoices.c
        assert conn.execute(select(i.id).where(i.kind == InvoiceKind.CREDIT_NOTE.value)).first() is None


def test_of_two_returns_on_one_note_the_one_of_the_other_setting_waits_for_a_note_of_its_own():
    """RE-1 takes its goods back from FT-2026-00001 (split payment), RE-2 from FT-2026-00002 (none),
    both on the customer's note: the note follows RE-1's invoice and RE-2 waits, credited alone by
    the next run; RE-3, on another note, and a return refused already are left alone."""
    def taken(note: int, order: str, invoice_id: int) -> TakenBack:
        sold_line = InvoiceLine("A001", "Caffè", "pz", D(3), D(10), D("30.00"), D(22), None, 1, 5, 6, None, "OC-1")
        line = InvoiceLine("A001", "Caffè", "pz", D(-1), D(10), D("-10.00"), D(22), None, 1, 7, 8, None, order)
        sold = Sold("C002", invoice_id, f"FT-2026-0000{invoice_id}", date(2026, 4, 30), Creditable(sold_line, 1))
        return TakenBack(note, line, sold, D(-1), D("-10.00"), D("-10.00"))

    parts = [taken(0, "RE-1", 1), taken(0, "RE-2", 2), taken(1, "RE-3", 2), taken(0, "RE-4", 2)]
    [waits] = mixed_split(parts, lambda s: s.invoice_id == 1, refused={(0, "RE-4", None)})
    assert (waits.line.order_number, waits.split, waits.plain, waits.alone) == (
        "RE-2", SellingInvoices((("FT-2026-00001", date(2026, 4, 30)),)),
        SellingInvoices((("FT-2026-00002", date(2026, 4, 30)),)), True)
    assert waits.problem.code == "return-mixed-split-payment"
    assert "La prossima fatturazione lo accredita da solo, in una nota di credito a parte." in waits.problem.render("it")
    assert "The next invoicing credits it alone, on a credit note of its own." in waits.problem.render("en")


def test_a_return_mixing_split_payment_names_an_invoice_of_the_same_run_not_a_dash():
    """RE-1 takes its goods back from FT-2026-00001 (split payment) and from the invoice the same
    month-end run drafts without (not numbered yet): the error read *fatture emesse senza (—)*;
    it names the run's invoice by its date, in both languages."""
    def taken(number: str) -> TakenBack:
        sold_line = InvoiceLine("A001", "Caffè", "pz", D(3), D(10), D("30.00"), D(22), None, 1, 5, 6, None, "OC-1")
        line = InvoiceLine("A001", "Caffè", "pz", D(-2), D(10), D("-20.00"), D(22), None, 1, 7, 8, None, "RE-1")
        sold = Sold("C002", 1 if number else None, number, date(2026, 4, 10 if number else 30),
                    Creditable(sold_line, 1 if number else 0), place=-1 if number else 0)
        return TakenBack(0, line, sold, D(-1), D("-10.00"), D("-10.00"))

    [waits] = mixed_split([taken("FT-2026-00001"), taken("")], lambda s: bool(s.number))
    said, told = waits.problem.render("it"), waits.problem.render("en")
    assert "—" not in said and "—" not in told
    assert ("da fatture emesse in scissione dei pagamenti (FT-2026-00001) e da fatture emesse senza (la fattura di "
            "questa emissione del 30/04/2026)" in said), said
    assert ("by invoices issued under split payment (FT-2026-00001) and by invoices issued without it (this run's "
            "invoice of 30/04/2026)" in told), told


def test_a_volume_discount_over_invoices_with_and_without_split_payment_is_left_out_saying_why(ledger):
    """C002 bought on 10 April under split payment and on 20 April without: its April discount
    would cite both, so its note is not issued, and the error says why and what to do."""
    s = scene(1, immediate=True, discount=50)
    s["Modelli ordine"].append(["T004", "C002", None, None, "Mensile giorno", None, None, 20, None, None,
                                date(2026, 4, 1), date(2026, 4, 30), None])
    s["Righe modello"].append(["T004", "A001", 3, None, None])
    books = books_of(s)
    sold_at_order(with_customer(books, "C002", sdi_code="UFABCD", split_payment=True, postcode="00184"), ledger)
    today = with_customer(books, "C002", sdi_code="ABC1234", split_payment=False, postcode="00184")
    assert [x.number for x in create(today, ledger, date(2026, 4, 20), with_catch_up=False, lang="it").invoices] == [
        "FT-2026-00002"]
    done = discounts.run(ledger, today, parse_period("2026-04"), SETTLED, date(2026, 5, 4), lang="it")
    [problem] = [p for p in done.problems if p.is_error]
    assert problem.code == "credit-mixed-split-payment"
    assert ("La nota di credito per il cliente C002 correggerebbe fatture emesse in scissione dei pagamenti "
            "(FT-2026-00001) e fatture emesse senza (FT-2026-00002)") in problem.message("it")
    assert done.credit_notes == []
    with reading(ledger) as conn:
        i = schema.invoices.c
        assert conn.execute(select(i.id).where(i.kind == InvoiceKind.CREDIT_NOTE.value)).first() is None


def test_a_note_refused_at_export_and_written_again_keeps_the_setting_of_the_invoice_it_corrects(tmp_path, ledger):
    """The note was issued while C001 had no postcode, so its file was refused; the desk adds the
    postcode, the column *Scissione pagamenti* now saying no: written again with today's parties,
    the note still bears split payment, as FT-2026-00001 did, and the ledger keeps it so."""
    invoiced(ledger, sdi_code="UFABCD", split_payment=True, cig=CIG)
    without_postcode = master_with(payment_terms="30", sdi_code="UFABCD", split_payment=False)
    done = credit(ledger, without_postcode, "FT-2026-00001", [(1, D(1))], "Latte", date(2026, 5, 5),
                  date(2026, 5, 6), lang="it")
    assert done.note is not None, done.problems
    month = Period(date(2026, 4, 1), date(2026, 5, 31))
    assert done.note.number in einvoice.export(without_postcode, ledger, month=month, out=tmp_path / "a").refused
    fixed = master_with(payment_terms="30", postcode="00184", sdi_code="UFABCD", split_payment=False, cig=NEW_CIG)
    [note] = exported_note(fixed, ledger, tmp_path / "b")
    assert (note.payability, note.linked_codes) == (("S",), (("FT-2026-00001", None, CIG),))
    assert stored_split(ledger, 1) is True


def test_month_end_leaves_out_a_return_from_invoices_with_and_without_split_payment_and_invoices_the_rest(ledger):
    """C002's April invoice bore split payment; in May, a company now, it buys 3 more on the 15th
    and gives back 5 on the 20th: the return would take goods back from May's invoice of the same
    run and from April's, so it is left out, its DDT waiting, and May's goods are invoiced."""
    s = sheets(5)
    s["Modelli ordine"].append(["T004", "C002", None, None, "Mensile giorno", None, None, 15, None, None,
                                date(2026, 5, 1), date(2026, 5, 31), None])
    s["Righe modello"].append(["T004", "A001", 3, None, None])
    books = books_of(s)
    april_invoice(with_customer(books, "C002", sdi_code="UFABCD", split_payment=True, postcode="00184"), ledger)
    today = with_customer(books, "C002", sdi_code="ABC1234", split_payment=False, postcode="00184")
    deliver(today, ledger, date(2026, 5, 15))
    result = may_run(today, ledger)
    assert [(x.kind, x.split_payment) for x in result.invoices if x.customer == "C002"] == [
        (InvoiceKind.INVOICE, False)]
    [refused] = result.returns_refused
    assert refused.problem.code == "return-mixed-split-payment"
    assert "Resi non accreditati, perché la nota seguirebbe fatture con e senza scissione dei pagamenti" \
        in result.summary("it")
