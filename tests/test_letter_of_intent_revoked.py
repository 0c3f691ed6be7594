"""A letter of intent revoked (*revoca*): from the day written in *Dichiarazione d'intento
revocata dal* on *Clienti* the letter covers no sale, so goods delivered (or ordered, invoiced at
the order) from that day on carry their item's VAT, at month end, at once and on a debit note,
told at the revocation's cell; a revocation the letter cannot have is refused at that cell."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal as D

import minimal
import pytest
from test_credit_returns import APRIL
from test_letter_of_intent_ceiling import APRIL_10, APRIL_20, PROTOCOL, _created_at_once, _deliver, _rated, _sheets

from toolkit.core.invoicing import InvoiceKind, InvoiceStatus, Request
from toolkit.intake.validation import check
from toolkit.ledger.db import reading
from toolkit.ledger.letters import letters_used
from toolkit.services.invoicing import run
from toolkit.services.orders import preview

APRIL_15 = date(2026, 4, 15)


def _revoked(revoked: object, amount: object = 1000, day: date = date(2026, 1, 15)) -> dict:
    s = _sheets(amount, day=day)
    minimal.set_cell(s, "Clienti", "R1", "Dichiarazione d'intento revocata dal")
    minimal.set_cell(s, "Clienti", "R3", revoked)
    return s


def _books(revoked: object, amount: object = 1000):
    result = check(minimal.workbook(_revoked(revoked, amount)))
    assert result.master is not None, [str(p) for p in result.problems if p.is_error]
    return result.master


def _told(problems, code: str = "letter-of-intent-after-end") -> list[tuple]:
    return [(p.sheet, p.cell, p.is_error) for p in problems if p.code == code]


@pytest.mark.parametrize(("revoked", "letter", "code"), [
    (date(2026, 1, 14), date(2026, 1, 15), "letter-of-intent-revoked-before-date"),
    (date(2027, 3, 1), date(2026, 1, 15), "letter-of-intent-revoked-other-year"),
    (date(2028, 1, 10), date(2026, 12, 1), "letter-of-intent-revoked-other-year"),
    (date(2027, 3, 1), date(2026, 12, 1), None),
    (date(2026, 1, 15), date(2026, 1, 15), "letter-of-intent-revoked-before-date"),
    (date(2026, 1, 16), date(2026, 1, 15), None),
])
def test_the_data_check_refuses_a_revocation_the_letter_cannot_have_at_its_cell(revoked, letter, code):
    """Before the letter's date, or in a year the letter cannot cover (a letter of December may
    name the next): an error at the revocation's cell, whatever else the row says."""
    found = [(p.sheet, p.cell, p.code) for p in check(minimal.workbook(_revoked(revoked, day=letter))).problems
             if p.is_error]
    assert found == ([("Clienti", "R3", code)] if code else [])


def test_goods_delivered_from_the_revocation_on_carry_vat(ledger, tmp_path):
    """The letter of 15 January is revoked from 15 April: the coffee of the 10th (55.50 €) stays
    N3.5 citing it, that of the 20th (37.00 €) went N3.5 too, the VAT omitted; now it carries
    A001's 22 % in the invoice, its totals and its e-invoice (valid, the letter cited on the N3.5
    line only), uses nothing of the letter, and the run warns at the revocation's cell."""
    from fatturapa_reading import schema_errors

    from toolkit.services.einvoice import export

    books = _books(APRIL_15)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in result.problems if p.is_error], [str(p) for p in result.problems]
    [invoice] = [x for x in result.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5"), (D("37.00"), D(22), None)]
    assert (invoice.taxable, invoice.vat) == (D("92.50"), D("8.14"))
    assert _told(result.problems) == [("Clienti", "R3", False)]
    [warning] = [p for p in result.problems if p.code == "letter-of-intent-after-end"]
    it, en = warning.message(), warning.message("en")
    assert "1 riga senza IVA (N3.5) consegnata il 20/04/2026, per 37,00 €, dal 15/04/2026" in it, it
    assert "revoked" in en and "20/04/2026" in en
    assert not [p for p in result.problems if p.code == "letter-of-intent-after-sale"]
    with reading(ledger) as conn:
        assert letters_used(conn, {"C002"}) == {PROTOCOL: D("55.50")}
    data = export(books, ledger, out=tmp_path / "xml", month=APRIL).files[invoice.number]
    data = data.read_bytes() if hasattr(data, "read_bytes") else data
    assert schema_errors(data) == []
    root = ET.fromstring(data)
    assert [(e.findtext("PrezzoTotale"), e.findtext("AliquotaIVA"), e.findtext("Natura"),
             [x.findtext("RiferimentoTesto") for x in e.findall("AltriDatiGestionali")])
            for e in root.iter("DettaglioLinee")] == [("55.50", "0.00", "N3.5", [PROTOCOL]), ("37.00", "22.00", None, [])]


def test_a_revocation_after_the_month_changes_nothing(ledger):
    books = _books(date(2026, 5, 1))
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [invoice] = [x for x in result.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    assert [x[1:] for x in _rated(invoice)] == [(D(0), "N3.5")] * 2 and _told(result.problems) == []


def test_an_order_invoiced_at_once_after_the_revocation_carries_vat(ledger):
    """C002 invoiced *Immediato*: the order of the 20th, invoiced when made, after the revocation
    of the 15th, carries 22 %, told at the revocation; the 10th's went N3.5."""

    s = _revoked(APRIL_15)
    first, second = _created_at_once(s, ledger)
    [one], [two] = first.invoices, second.invoices
    assert _rated(one) == [(D("55.50"), D(0), "N3.5")] and _told(first.problems) == []
    assert _rated(two) == [(D("37.00"), D(22), None)] and two.vat == D("8.14")
    assert _told(second.problems) == [("Clienti", "R3", False)]
    [warning] = [p for p in second.problems if p.code == "letter-of-intent-after-end"]
    assert "ordinata il 20/04/2026" in warning.message()


def test_a_debit_note_from_the_revocation_on_carries_the_goods_vat(ledger, rome_today):
    """April's invoice went N3.5 under the letter; the customer revokes it from 5 May. A debit note
    of the 4th is still under it; one of the 6th is an invoice after the revocation, and carries
    the coffee's 22 %, warned at the revocation's cell."""
    from toolkit.services.debit_notes import debit

    rome_today(date(2026, 5, 6))
    books = _books(None)
    _deliver(books, ledger, APRIL_10)
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [invoice] = [x for x in result.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5")]
    revoked = _books(date(2026, 5, 5))
    before = debit(ledger, revoked, invoice.number, D(10), None, "Trasporto", date(2026, 5, 4), date(2026, 5, 6), lang="it")
    assert before.note is not None and before.note.vat == 0, [str(p) for p in before.problems]
    assert not [p for p in before.problems if p.code.startswith("letter-of-intent")]
    done = debit(ledger, revoked, invoice.number, D(100), None, "Prezzo rivisto", date(2026, 5, 6), date(2026, 5, 6), lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert (done.note.vat, done.note.total) == (D("22.00"), D("122.00"))
    [told] = [p for p in done.problems if p.code == "letter-of-intent-debit-after-end"]
    assert (told.sheet, told.cell, told.is_error, dict(told.params)["rate"]) == ("Clienti", "R3", False, "22 %")
    assert "05/05/2026" in told.message() and "06/05/2026" in told.message()


def test_orders_made_from_the_revocation_on_are_told_ahead_at_its_cell(ledger):
    """`orders create` on the 20th, after the revocation of the 15th, warns at the revocation's
    cell that those lines will carry VAT (and to clear N3.5 from *Natura IVA*); on the 10th it
    says nothing of it."""
    from toolkit.services.orders import create

    books = _books(APRIL_15)
    assert _told(create(books, ledger, APRIL_10, with_catch_up=False, lang="it").problems,
                 "letter-of-intent-orders-after-end") == []
    made = create(books, ledger, APRIL_20, with_catch_up=False, lang="it")
    assert _told(made.problems, "letter-of-intent-orders-after-end") == [("Clienti", "R3", False)]
    [warning] = [p for p in made.problems if p.code == "letter-of-intent-orders-after-end"]
    assert "15/04/2026" in warning.message() and "Natura IVA" in warning.message()


def test_two_rows_of_one_letter_telling_two_revocations_are_warned_at_the_second():
    """C001 and C002 cite one letter; only C002's row says it is revoked: C001's goods would go
    on without VAT after the revocation. Warned at C002's revocation naming C001's cell; the
    same revocation on both rows is quiet."""
    s = _revoked(APRIL_15)
    for cell, value in (("K2", "N3.5"), ("L2", PROTOCOL), ("M2", date(2026, 1, 15)), ("P2", 1000)):
        minimal.set_cell(s, "Clienti", cell, value)
    found = [p for p in check(minimal.workbook(s)).problems if p.code == "letter-of-intent-revocations-differ"]
    assert [(p.sheet, p.cell, p.is_error) for p in found] == [("Clienti", "R3", False)]
    assert "Clienti!R2" in found[0].message() and "15/04/2026" in found[0].message()
    minimal.set_cell(s, "Clienti", "R2", APRIL_15)
    assert not [p for p in check(minimal.workbook(s)).problems if p.code == "letter-of-intent-revocations-differ"]


def test_a_line_after_the_revocation_whose_item_s_rate_nobody_knows_is_refused_at_its_cell(ledger):
    """A001 left *Articoli* before month end and no DDT with VAT ever carried it: the 20th's line,
    after the revocation of the 15th, has no rate to take, so the run is refused at the
    revocation's cell naming the item and the day, and stores nothing."""
    from sqlalchemy import func, select

    from toolkit.ledger import schema

    books = _books(APRIL_15, None)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    gone = _revoked(APRIL_15, None)
    gone["Articoli"] = [row for row in gone["Articoli"] if row[0] != "A001"]
    gone["Prezzi"] = [row for row in gone["Prezzi"] if row[2] != "A001"]
    gone["Modelli ordine"], gone["Righe modello"] = gone["Modelli ordine"][:1], gone["Righe modello"][:1]
    later = check(minimal.workbook(gone)).master
    assert later is not None
    result = run(ledger, later, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [refused] = [p for p in result.problems if p.is_error]
    assert (refused.code, refused.sheet, refused.cell) == ("letter-of-intent-ended-rate-unknown", "Clienti", "R3")
    assert "Rimetti A001 nel foglio Articoli" in refused.message() and "20/04/2026" in refused.message()
    with reading(ledger) as conn:
        assert conn.execute(select(func.count()).select_from(schema.invoices)).scalar_one() == 0


def test_orders_after_the_revocation_are_not_told_beyond_the_letter_s_amount(ledger):
    """A 60 € letter revoked from the 15th: the 10th's coffee (55.50 €) fits in it; the 20th's order
    (37 €) will go with VAT whatever the letter left, so `orders create` does not tell the two
    beyond the amount, only the 20th's after the revocation."""
    from toolkit.services.orders import create

    books = _books(APRIL_15, 60)
    _deliver(books, ledger, APRIL_10)
    made = create(books, ledger, APRIL_20, with_catch_up=False, lang="it")
    assert _told(made.problems, "letter-of-intent-orders-beyond") == []
    assert _told(made.problems, "letter-of-intent-orders-after-end") == [("Clienti", "R3", False)]
    unrevoked = check(minimal.workbook(_sheets(60))).master
    assert _told(preview(unrevoked, ledger, APRIL_20).problems, "letter-of-intent-orders-beyond") == [
        ("Clienti", "P3", False)]


def test_a_revocation_on_a_row_without_a_letter_is_warned_at_its_cell():
    """The revocation written a row off (C001, which has no letter): nothing reads it, and C002,
    whose letter it was, would go on without VAT. Warned at the cell, not silently ignored; on the
    letter's own row it is quiet."""
    s = _revoked(None)
    minimal.set_cell(s, "Clienti", "R2", APRIL_15)
    found = [p for p in check(minimal.workbook(s)).problems if p.code == "letter-of-intent-revoked-without-letter"]
    assert [(p.sheet, p.cell, p.is_error) for p in found] == [("Clienti", "R2", False)]
    assert "C001" in found[0].message() and "15/04/2026" in found[0].message("en")
    assert not [p for p in check(minimal.workbook(_revoked(APRIL_15))).problems
                if p.code == "letter-of-intent-revoked-without-letter"]



def _debit_after_revocation(ledger, books, rate: str | None):
    from toolkit.services.debit_notes import debit

    return debit(ledger, books, "FT-2026-00001", D(100), rate, "Prezzo rivisto", date(2026, 5, 6), date(2026, 5, 6), lang="it")


def _invoiced_april(ledger, books) -> None:
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [invoice] = [x for x in result.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    assert invoice.number == "FT-2026-00001"


def test_a_debit_note_after_the_revocation_on_goods_of_one_rate_takes_it_without_rate(ledger, rome_today):
    """April's invoice has the coffee of the 10th N3.5 and that of the 20th at 22 % (the letter
    revoked from the 15th): after the revocation a note can only carry 22 %, so it takes it, as
    on an invoice all N3.5, warned at the revocation's cell; it used to be refused suggesting
    --rate N3.5, which then issued it at 22 % all the same."""
    rome_today(date(2026, 5, 6))
    books = _books(APRIL_15)
    _invoiced_april(ledger, books)
    done = _debit_after_revocation(ledger, books, None)
    assert done.note is not None, [str(p) for p in done.problems]
    assert (done.note.vat, done.note.total) == (D("22.00"), D("122.00"))
    assert _told(done.problems, "letter-of-intent-debit-after-end") == [("Clienti", "R3", False)]


def test_a_debit_note_after_the_revocation_is_asked_the_rates_it_can_take(ledger, rome_today):
    """The coffee of the 10th N3.5 (22 % once the letter is revoked) and the milk of the 20th at
    4 %: the note asks --rate among 22 and 4, never N3.5, and either named issues it."""
    rome_today(date(2026, 5, 6))
    s = _revoked(APRIL_15)
    minimal.set_cell(s, "Righe modello", "B3", "A002")
    books = check(minimal.workbook(s)).master
    assert books is not None
    _invoiced_april(ledger, books)
    refused = _debit_after_revocation(ledger, books, None)
    assert refused.note is None and [p.code for p in refused.problems] == ["debit-rate-needed"]
    it, en = refused.problems[0].message(), refused.problems[0].message("en")
    assert "(22, 4)" in it and "--rate 22)" in it and "N3.5" not in it + en, it
    coffee = _debit_after_revocation(ledger, books, "22")
    assert coffee.note is not None and coffee.note.vat == D("22.00"), [str(p) for p in coffee.problems]
    assert _told(coffee.problems, "letter-of-intent-debit-after-end") == [("Clienti", "R3", False)]
    milk = _debit_after_revocation(ledger, books, "4")
    assert milk.note is not None and milk.note.vat == D("4.00"), [str(p) for p in milk.problems]
