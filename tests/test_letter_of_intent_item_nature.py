"""Items at N3.5 to a customer without *Natura IVA*: their lines take the item's nature
(`core.vat.line_vat`) and invoicing cites the row's letter on them (`core.letter_cited`), so
the letter's ceiling holds them as it holds a customer's own N3.5 (`core.intent_ceiling`):
beyond the declared amount a sale without VAT is fined (art. 7 c. 4-bis D.Lgs. 471/97). The
item's row names no rate beyond it, N3.5 being no rate: the ledger's DDTs with VAT tell it, or
the run is refused at the item's *Natura*."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import minimal
import pytest
from sqlalchemy import func, select
from test_credit_returns import APRIL
from test_letter_of_intent_ceiling import PROTOCOL, _beyond, _crossings, _crossings_of, _deliver, _rated, _sheets

from toolkit.core.intent_ceiling import OpenGoods, letters_with_amount, open_under_letters
from toolkit.core.invoicing import InvoiceKind, InvoiceStatus, Request
from toolkit.intake.validation import check
from toolkit.ledger import schema
from toolkit.ledger.db import reading
from toolkit.services.invoicing import run
from toolkit.services.orders import create, preview
from toolkit.services.shipping import ship

MARCH_5, APRIL_10, APRIL_20 = date(2026, 3, 5), date(2026, 4, 10), date(2026, 4, 20)


def _items_at_letter(amount: object = 100, immediate: bool = False, day: date = date(2026, 1, 15)) -> dict:
    """C002 has its letter's protocol, date and amount (100 €) and no *Natura IVA*; A001 is on
    *Articoli* at 0 % N3.5, 25 € a kg on C002's lines: 3 kg on the 10th and 3 on the 20th of
    April, 150 € in all. C001's template is gone (it has no letter)."""
    s = _sheets(amount, day=day)
    minimal.set_cell(s, "Clienti", "K3", None)
    minimal.set_cell(s, "Articoli", "D2", 0)
    minimal.set_cell(s, "Articoli", "E2", "N3.5")
    s["Righe modello"] = [s["Righe modello"][0], ["T010", "A001", 3, 25, None], ["T020", "A001", 3, 25, None]]
    if immediate:
        minimal.set_cell(s, "Clienti", "Q1", "Termini di fatturazione")
        minimal.set_cell(s, "Clienti", "Q3", "Immediato")
    return s


def _books(sheets: dict):
    books = check(minimal.workbook(sheets)).master
    assert books is not None
    return books


def _sold_with_vat_in_march(ledger) -> None:
    """A001 was at 22 % on *Articoli* in March, when C001 (paying VAT) bought it: the ledger
    tells the rate its N3.5 row no longer gives."""
    _deliver(_books(minimal.sheets()), ledger, MARCH_5)


def _april(ledger, books):
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in result.problems if p.is_error], [str(p) for p in result.problems]
    [invoice] = [x for x in result.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    return result, invoice


def _stored(ledger) -> int:
    """The invoices and notes the ledger holds."""
    with reading(ledger) as conn:
        return conn.execute(select(func.count()).select_from(schema.invoices)).scalar_one()


def test_a_customer_without_nature_has_the_ceiling_of_its_letter():
    assert letters_with_amount(_books(_items_at_letter())) == {"C002": PROTOCOL}


def test_items_at_n3_5_past_the_letter_s_amount_are_split_and_the_rest_carries_vat(ledger):
    """100 € declared, 150 € of A001 at N3.5: the 10th's 75 € fit, of the 20th's 3 kg one fits
    in the 25 € left and the other 2 (50 €) carry the 22 % A001's DDTs with VAT carried in
    March, with the warning at the letter's amount (all 150 € went without VAT)."""
    _sold_with_vat_in_march(ledger)
    books = _books(_items_at_letter())
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result, invoice = _april(ledger, books)
    assert _rated(invoice) == [(D("75.00"), D(0), "N3.5"), (D("25.00"), D(0), "N3.5"), (D("50.00"), D(22), None)]
    assert invoice.vat == D("11.00")
    assert [(sheet, cell) for sheet, cell, _ in _crossings(result)] == [("Clienti", "P3")]


def test_items_at_n3_5_past_the_letter_without_a_known_rate_refuse_the_run_at_the_item_s_nature(ledger):
    """No DDT with VAT ever carried A001: its kg beyond the letter has no rate, so the run is
    refused at A001's *Natura* (E2), naming the fix, and stores nothing."""
    books = _books(_items_at_letter())
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [refused] = [p for p in result.problems if p.is_error]
    assert (refused.code, refused.sheet, refused.cell) == ("letter-of-intent-item-rate-unknown", "Articoli", "E2")
    assert "A001 ha «Natura» N3.5 e nessuna aliquota" in refused.message()
    assert "scrivi N3.5 nella «Natura IVA» del cliente C002" in refused.message()
    assert "write N3.5 in customer C002's “Natura IVA”" in refused.message("en")
    assert _stored(ledger) == 0


def test_ship_and_invoice_at_once_keeps_items_at_n3_5_within_the_letter(ledger):
    _sold_with_vat_in_march(ledger)
    books = _books(_items_at_letter())
    create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    [one] = ship(books, ledger, APRIL_10, all_open=True, invoice=True, lang="it").invoices
    create(books, ledger, APRIL_20, with_catch_up=False, lang="it")
    done = ship(books, ledger, APRIL_20, all_open=True, invoice=True, lang="it")
    [two] = [x for x in done.invoices if x.customer == "C002"]
    assert _rated(one) == [(D("75.00"), D(0), "N3.5")]
    assert _rated(two) == [(D("25.00"), D(0), "N3.5"), (D("50.00"), D(22), None)]
    assert len(_crossings_of(done.problems)) == 1


def test_invoices_at_the_order_keep_items_at_n3_5_within_the_letter(ledger):
    _sold_with_vat_in_march(ledger)
    books = _books(_items_at_letter(immediate=True))
    [one] = create(books, ledger, APRIL_10, with_catch_up=False, lang="it").invoices
    second = create(books, ledger, APRIL_20, with_catch_up=False, lang="it")
    [two] = second.invoices
    assert _rated(one) == [(D("75.00"), D(0), "N3.5")]
    assert _rated(two) == [(D("25.00"), D(0), "N3.5"), (D("50.00"), D(22), None)]
    assert len(_crossings_of(second.problems)) == 1


def test_order_creation_and_shipping_warn_ahead_of_items_at_n3_5_past_the_letter(ledger):
    """The 10th's 75 € to ship and the 20th's 75 € pass the 100 € by 50 €: told at the preview,
    at the creation and at the shipping of the 20th, before any invoice."""
    books = _books(_items_at_letter())
    assert _beyond(create(books, ledger, APRIL_10, with_catch_up=False, lang="it").problems) == []
    told = [("Clienti", "P3", D("150.00"), D("50.00"))]
    assert _beyond(preview(books, ledger, APRIL_20, with_catch_up=False).problems) == told
    assert _beyond(create(books, ledger, APRIL_20, with_catch_up=False, lang="it").problems) == told
    assert _beyond(ship(books, ledger, APRIL_20, all_open=True, lang="it").problems) == told


@pytest.mark.parametrize("known", [True, False])
def test_a_debit_note_past_the_letter_on_items_at_n3_5_carries_their_vat(ledger, known):
    """April's invoice used 75 € of 100: a debit note of 50 € passes the 25 € left, and goes at
    the 22 % A001's DDTs with VAT carried, with the warning (it went N3.5, unchecked); with no
    such DDT it is refused at A001's *Natura*, nothing stored."""
    from toolkit.services.debit_notes import debit

    if known:
        _sold_with_vat_in_march(ledger)
    books = _books(_items_at_letter())
    _deliver(books, ledger, APRIL_10)
    _, invoice = _april(ledger, books)
    done = debit(ledger, books, invoice.number, D(50), None, "Prezzo rivisto", date(2026, 5, 5), date(2026, 5, 5), lang="it")
    said = [(p.code, p.sheet, p.cell, p.is_usage) for p in done.problems]
    if known:
        assert done.note is not None and (done.note.vat, done.note.total) == (D("11.00"), D("61.00"))
        assert said == [("letter-of-intent-debit-beyond", "Clienti", "P3", False)]
        return
    assert done.note is None and _stored(ledger) == 1
    assert said == [("letter-of-intent-debit-item-rate-unknown", "Articoli", "E2", True)]
    assert "scrivi N3.5 nella «Natura IVA» del cliente C002, poi rifai la nota" in done.problems[0].message()
    assert "then issue the note again" in done.problems[0].message("en")


def test_items_at_n3_5_sold_before_the_letter_without_a_known_rate_refuse_the_run_at_the_item_s_nature(ledger):
    """The letter is dated 15 April: the 10th's 75 € of A001 are not covered by it and take the
    item's VAT, which its N3.5 row does not give (they went N3.5): refused at A001's *Natura*,
    as is the kg of the 20th beyond the letter."""
    books = _books(_items_at_letter(day=date(2026, 4, 15)))
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    refused = [p for p in result.problems if p.is_error]
    assert [(p.code, p.sheet, p.cell) for p in refused] == [("letter-of-intent-item-rate-unknown", "Articoli", "E2")] * 2
    assert "fuori dalla dichiarazione d'intento" in refused[0].message() and "10/04/2026" in refused[0].message()
    assert _stored(ledger) == 0


def test_goods_of_a_customer_without_nature_rated_again_at_the_item_s_vat_are_not_under_its_letter():
    """A001 goes from 22 % to 10 % on 15 April: C002, without a nature, has a line at 22 % to
    ship, which shipping rates at 10 %, with VAT: not under its letter (it was counted, as for
    a customer at N3.5, whose own nature it would take)."""
    s = _items_at_letter()
    for cell, value in (("D2", 22), ("E2", None), ("F1", "Nuova aliquota IVA"), ("G1", "Dal"), ("F2", 10),
                        ("G2", date(2026, 4, 15))):
        minimal.set_cell(s, "Articoli", cell, value)
    books = _books(s)
    goods = [OpenGoods("C002", "A001", D(50), D(22), None, False, APRIL_10)]
    assert open_under_letters(books, goods, APRIL_20) == {}
