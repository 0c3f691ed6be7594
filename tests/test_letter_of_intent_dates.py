"""Goods sold before the letter of intent: the letter covers only the operations after it (art. 1
c. 1 lett. c DL 746/83), so a line delivered before *Data dichiarazione d'intento* (or invoiced
at the order before it) carries its item's VAT, wherever it is invoiced, told at that cell; the
desk hears it ahead, and a debit note on such goods carries their VAT too."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal as D

import minimal
import pytest
from test_credit_returns import APRIL, MAY
from test_letter_of_intent_ceiling import (
    APRIL_10,
    APRIL_20,
    PROTOCOL,
    _created_at_once,
    _december_sold_in_january,
    _deliver,
    _item_gone,
    _master,
    _month,
    _rated,
    _sheets,
)

from toolkit.core.invoicing import InvoiceKind, InvoiceStatus, Period, Request
from toolkit.core.letter_dates import DEBIT_BEFORE_LETTER_RATES
from toolkit.intake.validation import check
from toolkit.ledger.db import reading
from toolkit.ledger.letters import letters_used
from toolkit.services.invoicing import run
from toolkit.services.orders import create, preview
from toolkit.services.shipping import ship

APRIL_15 = date(2026, 4, 15)


def _told(problems, code: str = "letter-of-intent-after-sale") -> list[tuple]:
    return [(p.sheet, p.cell, p.is_error) for p in problems if p.code == code]


@pytest.mark.parametrize("status", [InvoiceStatus.FINAL, InvoiceStatus.DRAFT])
def test_a_line_delivered_before_the_letter_s_date_is_invoiced_with_vat(ledger, tmp_path, status):
    """The letter is dated 15 April: the coffee of the 10th (55.50 €) went N3.5 under it with a
    warning only, the VAT omitted. Now it carries A001's 22 % in the invoice, its summary, its
    totals and its e-invoice (valid against FatturaPA 1.2.2, the letter cited on the N3.5 line of
    the 20th), draft or final, uses nothing of the letter, and the run says so at the date's cell
    naming the day."""
    from fatturapa_reading import schema_errors

    from toolkit.services.einvoice import export

    books = _master(1000, day=APRIL_15)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=status, lang="it")
    assert not [p for p in result.problems if p.is_error], [str(p) for p in result.problems]
    [invoice] = [x for x in result.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    assert _rated(invoice) == [(D("55.50"), D(22), None), (D("37.00"), D(0), "N3.5")]
    assert (invoice.taxable, invoice.vat) == (D("92.50"), D("12.21"))
    assert _told(result.problems) == [("Clienti", "M3", False)]
    [warning] = [p for p in result.problems if p.code == "letter-of-intent-after-sale"]
    assert "10/04/2026" in warning.message() and "15/04/2026" in warning.message() and "55,50" in warning.message()
    assert "with the item's VAT" in warning.message("en")
    with reading(ledger) as conn:
        assert letters_used(conn, {"C002"}) == {PROTOCOL: D("37.00")}
    if status is not InvoiceStatus.FINAL:
        return
    data = export(books, ledger, out=tmp_path / "xml", month=APRIL).files[invoice.number]
    data = data.read_bytes() if hasattr(data, "read_bytes") else data
    assert schema_errors(data) == []
    root = ET.fromstring(data)
    assert [(e.findtext("PrezzoTotale"), e.findtext("AliquotaIVA"), e.findtext("Natura"),
             [x.findtext("RiferimentoTesto") for x in e.findall("AltriDatiGestionali")])
            for e in root.iter("DettaglioLinee")] == [("55.50", "22.00", None, []), ("37.00", "0.00", "N3.5", [PROTOCOL])]
    assert [(e.findtext("AliquotaIVA"), e.findtext("Natura"), e.findtext("Imposta"))
            for e in root.iter("DatiRiepilogo")] == [("0.00", "N3.5", "0.00"), ("22.00", None, "12.21")]


def test_the_warning_of_one_line_before_the_letter_agrees_with_one(ledger):
    """One line before the letter: the warning read «1 riga senza IVA (N3.5) consegnate …: sono
    fatturate … fatturale», «1 line …: they are invoiced … invoice them»; two lines stay plural."""
    books = _master(1000, day=APRIL_15)
    _deliver(books, ledger, APRIL_10)
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [warning] = [p for p in result.problems if p.code == "letter-of-intent-after-sale"]
    assert (warning.sheet, warning.cell) == ("Clienti", "M3")
    it, en = warning.message(), warning.message("en")
    assert "1 riga senza IVA (N3.5) consegnata il 10/04/2026" in it and "è fatturata con l'IVA" in it
    assert "copriva quella consegna, scrivila nel foglio Clienti e fatturala prima" in it
    assert "1 line without VAT (N3.5) delivered on 10/04/2026" in en and ": it is invoiced with" in en
    assert "covered that delivery, write it in the Clienti sheet and invoice it first" in en
    _deliver(books, ledger, date(2026, 5, 11), date(2026, 5, 20))
    plural = _master(1000, day=date(2026, 6, 1))
    result = run(ledger, plural, Request(MAY, date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it")
    [warning] = [p for p in result.problems if p.code == "letter-of-intent-after-sale"]
    assert "2 righe senza IVA (N3.5) consegnate" in warning.message() and "sono fatturate" in warning.message()


def test_invoice_orders_rates_a_line_before_the_letter_too(ledger):
    """`invoice --orders` plans as month end does."""
    books = _master(1000, day=APRIL_15)
    _deliver(books, ledger, APRIL_10)
    [order] = _order_ids(ledger)
    result = run(ledger, books, Request(APRIL, date(2026, 4, 21), orders=frozenset({order})),
                 status=InvoiceStatus.FINAL, lang="it")
    [invoice] = [x for x in result.invoices if x.customer == "C002"]
    assert _rated(invoice) == [(D("55.50"), D(22), None)] and invoice.vat == D("12.21")
    assert _told(result.problems) == [("Clienti", "M3", False)]


def _order_ids(ledger) -> list[int]:
    from toolkit.ledger.orders import load_orders

    with reading(ledger) as conn:
        return [o.id for o in load_orders(conn) if o.customer == "C002"]


def test_goods_before_the_letter_leave_its_year_where_its_covered_sales_put_it(ledger, rome_today):
    """The letter is dated 4 January 2027. December's coffee, invoiced on 5 January under it, went
    N3.5 and made 2026 the letter's year, so January's coffee, the letter's own, went with VAT as
    past its year. Now December's carries 22 % (told at the date), and January's goes N3.5."""
    rome_today(date(2027, 2, 3))
    books, first = _december_sold_in_january(ledger, _sheets(1000, day=date(2027, 1, 4)), date(2027, 1, 31))
    assert [x[1:] for x in _rated(first)] == [(D(22), None)]
    _deliver(books, ledger, date(2027, 1, 11))
    result, invoice = _month(books, ledger, Period(date(2027, 1, 1), date(2027, 1, 31)), date(2027, 2, 3))
    assert [x[1:] for x in _rated(invoice)] == [(D(0), "N3.5")]
    assert not [p for p in result.problems if p.code.startswith("letter-of-intent")]


def test_a_letter_dated_in_a_later_year_covers_that_year_whatever_went_under_it_before(ledger, rome_today):
    """December's coffee went N3.5 under the letter then typed as of 1 December 2026; the desk
    corrects its date to 4 January 2027. That invoice made 2026 the letter's year, so January's
    coffee, the letter's own, went with VAT as past its year: a letter dated in 2027 covers 2027."""
    rome_today(date(2027, 2, 3))
    _, first = _december_sold_in_january(ledger, _sheets(1000, day=date(2026, 12, 1)), date(2027, 1, 31))
    assert [x[1:] for x in _rated(first)] == [(D(0), "N3.5")]
    s = _sheets(1000, day=date(2027, 1, 4))
    s["Modelli ordine"] = [s["Modelli ordine"][0], ["T011", "C002", None, None, "Mensile giorno", None, None, 10,
                                                    None, None, date(2026, 12, 1), date(2027, 1, 31), None]]
    s["Righe modello"] = [s["Righe modello"][0], ["T011", "A001", 3, None, None]]
    books = check(minimal.workbook(s)).master
    assert books is not None
    made = create(books, ledger, date(2027, 1, 11), with_catch_up=False, lang="it")
    assert not [p for p in made.problems if p.code == "letter-of-intent-orders-past-year"]
    assert ship(books, ledger, date(2027, 1, 11), all_open=True, lang="it").notes
    result, invoice = _month(books, ledger, Period(date(2027, 1, 1), date(2027, 1, 31)), date(2027, 2, 3))
    assert [x[1:] for x in _rated(invoice)] == [(D(0), "N3.5")]
    assert not [p for p in result.problems if p.code == "letter-of-intent-past-year"]


def test_a_debit_note_under_a_letter_dated_in_a_later_year_is_not_past_its_year(ledger, rome_today):
    """As above, the letter without an amount: a debit note on January's invoice, whose goods the
    letter of 4 January 2027 covers, went with VAT as past the letter's year, 2026, that
    December's invoice under the mistyped date had made."""
    from toolkit.services.debit_notes import debit

    rome_today(date(2027, 2, 3))
    _december_sold_in_january(ledger, _sheets(None, day=date(2026, 12, 1)), date(2027, 1, 31))
    s = _sheets(None, day=date(2027, 1, 4))
    s["Modelli ordine"] = [s["Modelli ordine"][0], ["T011", "C002", None, None, "Mensile giorno", None, None, 10,
                                                    None, None, date(2026, 12, 1), date(2027, 1, 31), None]]
    s["Righe modello"] = [s["Righe modello"][0], ["T011", "A001", 3, None, None]]
    books = check(minimal.workbook(s)).master
    assert books is not None
    _deliver(books, ledger, date(2027, 1, 11))
    _, invoice = _month(books, ledger, Period(date(2027, 1, 1), date(2027, 1, 31)), date(2027, 2, 3))
    assert [x[1:] for x in _rated(invoice)] == [(D(0), "N3.5")]
    done = debit(ledger, books, invoice.number, D(100), None, "Prezzo rivisto", date(2027, 2, 3), date(2027, 2, 3), lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert [(x.amount, x.vat_rate, x.vat_nature) for x in done.note.lines if x.amount == 100] == [
        (D(100), D(0), "N3.5")]
    assert done.note.vat == 0 and not [p for p in done.problems if p.code.startswith("letter-of-intent")]


def test_an_order_invoiced_at_once_before_the_letter_carries_vat(ledger):
    """C002 invoiced *Immediato*: the order of the 10th, invoiced when made, before the letter of
    the 15th, carries 22 %, told ahead and at the invoice; the 20th's goes N3.5. The warning says
    the line was ordered that day and takes the order's day's VAT: it said «consegnata»,
    «delivered», of goods not shipped yet, and «quella consegna» of what is an order; the warning
    ahead said «le righe consegnate prima del 15/04/2026 andranno in fattura … spedisci dal
    15/04/2026 in poi», where shipping later changes nothing."""
    s = _sheets(1000, day=APRIL_15)
    first, second = _created_at_once(s, ledger)
    [one], [two] = first.invoices, second.invoices
    assert _rated(one) == [(D("55.50"), D(22), None)] and (one.vat, one.total) == (D("12.21"), D("67.71"))
    assert _rated(two) == [(D("37.00"), D(0), "N3.5")]
    assert _told(first.problems) == [("Clienti", "M3", False)]
    [warning] = [p for p in first.problems if p.code == "letter-of-intent-after-sale"]
    it, en = warning.message(), warning.message("en")
    assert ("1 riga senza IVA (N3.5) ordinata il 10/04/2026, per 55,50 €" in it
            and "è fatturata con l'IVA dell'articolo del giorno dell'ordine" in it
            and "copriva quell'ordine, scrivila" in it and "consegn" not in it), it
    assert ("1 line without VAT (N3.5) ordered on 10/04/2026" in en and "the item's VAT of the order's day" in en
            and "covered that order, write it" in en and "deliver" not in en), en
    [ahead] = [p for p in first.problems if p.code == "letter-of-intent-orders-before"]
    assert (ahead.sheet, ahead.cell) == ("Clienti", "M3")
    assert ("gli ordini creati prima del 15/04/2026, fatturati alla creazione, vanno in fattura con l'IVA "
            "dell'articolo" in ahead.message() and "consegn" not in ahead.message()
            and "spedisci" not in ahead.message()), ahead.message()
    assert ("the orders made before 15/04/2026, invoiced when made, are invoiced with the item's VAT"
            in ahead.message("en") and "ship from" not in ahead.message("en")), ahead.message("en")
    assert not _told(second.problems) and not _told(second.problems, "letter-of-intent-orders-before")


def test_ship_and_invoice_at_once_before_the_letter_carries_vat(ledger):
    books = _master(1000, day=APRIL_15)
    create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    done = ship(books, ledger, APRIL_10, all_open=True, invoice=True, lang="it")
    [one] = done.invoices
    assert _rated(one) == [(D("55.50"), D(22), None)]
    assert _told(done.problems) == [("Clienti", "M3", False)]


def test_the_preview_and_shipping_tell_ahead_that_goods_before_the_letter_will_carry_vat(ledger):
    """On the 10th, before the letter of the 15th, the preview, the creation and the DDT say at
    the letter's date that what leaves before it will be invoiced with VAT; the 20th says nothing."""
    books = _master(1000, day=APRIL_15)
    before = "letter-of-intent-orders-before"
    told = [p for p in preview(books, ledger, APRIL_10, with_catch_up=False).problems if p.code == before]
    assert [(p.sheet, p.cell) for p in told] == [("Clienti", "M3")]
    assert "10/04/2026" in told[0].message() and "15/04/2026" in told[0].message()
    assert _told(create(books, ledger, APRIL_10, with_catch_up=False, lang="it").problems, before) == [("Clienti", "M3", False)]
    assert _told(ship(books, ledger, APRIL_10, all_open=True, lang="it").problems, before) == [("Clienti", "M3", False)]
    assert not _told(preview(books, ledger, APRIL_20, with_catch_up=False).problems, before)


def test_orders_that_leave_before_the_letter_are_not_counted_against_its_amount(ledger):
    """A 50 € letter dated the 15th: on the 10th, the 55.50 € of coffee to make and ship that day
    will be invoiced with VAT (told ahead), yet the preview and the creation also said 5.50 € of
    them passed the letter's amount. On the 20th the same order, still to ship, leaves after the
    letter: with the 20th's 37 € it does pass the 50 €."""
    books = _master(50, day=APRIL_15)
    beyond = "letter-of-intent-orders-beyond"
    ahead = preview(books, ledger, APRIL_10, with_catch_up=False).problems
    assert _told(ahead, "letter-of-intent-orders-before") == [("Clienti", "M3", False)]
    assert not _told(ahead, beyond)
    assert not _told(create(books, ledger, APRIL_10, with_catch_up=False, lang="it").problems, beyond)
    [told] = [p for p in create(books, ledger, APRIL_20, with_catch_up=False, lang="it").problems if p.code == beyond]
    assert (told.cell, dict(told.params)["open"]) == ("P3", D("92.50"))


def test_a_debit_note_on_goods_sold_before_the_letter_carries_their_vat(ledger, rome_today):
    """April's invoice went N3.5 on the letter then typed as of 1 April; the desk corrects the
    date to the 15th, after the coffee of the 10th: a debit note on that invoice adds to a sale
    the letter did not cover, and carries its 22 %, warned at the date."""
    from toolkit.services.debit_notes import debit

    rome_today(date(2026, 5, 6))
    books = _master(1000, day=date(2026, 4, 1))
    _deliver(books, ledger, APRIL_10)
    _, invoice = _month(books, ledger, APRIL, date(2026, 5, 4))
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5")]
    corrected = _master(1000, day=APRIL_15)
    done = debit(ledger, corrected, invoice.number, D(100), None, "Prezzo rivisto", date(2026, 5, 6), date(2026, 5, 6), lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert (done.note.vat, done.note.total) == (D("22.00"), D("122.00"))
    [told] = [p for p in done.problems if p.code == "letter-of-intent-debit-before"]
    assert (told.cell, dict(told.params)["rate"]) == ("M3", "22 %")
    assert "10/04/2026" in told.message()


def test_last_year_s_ddts_to_invoice_are_not_told_as_past_the_letter_s_year(ledger, rome_today):
    """December's coffee of the 10th invoiced under the letter (2026 its year); that of the 20th
    shipped and waiting for its invoice stays N3.5 under it. January's order, made on the 11th,
    told 58.50 + 39.00 € as going with VAT past the letter's year: only its own 58.50 € will."""
    rome_today(date(2027, 2, 3))
    s = _sheets(1000)
    s["Modelli ordine"] = [s["Modelli ordine"][0],
                           ["T010", "C002", None, None, "Mensile giorno", None, None, 10, None, None,
                            date(2026, 12, 1), date(2027, 1, 31), None],
                           ["T020", "C002", None, None, "Mensile giorno", None, None, 20, None, None,
                            date(2026, 12, 1), date(2026, 12, 31), None]]
    s["Righe modello"] = [s["Righe modello"][0], ["T010", "A001", 3, None, None], ["T020", "A001", 2, None, None]]
    books = check(minimal.workbook(s)).master
    assert books is not None
    _deliver(books, ledger, date(2026, 12, 10))
    _month(books, ledger, Period(date(2026, 12, 1), date(2026, 12, 15)), date(2027, 1, 4))
    _deliver(books, ledger, date(2026, 12, 21))
    made = create(books, ledger, date(2027, 1, 11), with_catch_up=False, lang="it")
    [ahead] = [p for p in made.problems if p.code == "letter-of-intent-orders-past-year"]
    assert (ahead.cell, dict(ahead.params)["open"]) == ("L3", D("58.50"))
    assert not [p for p in made.problems if p.code == "letter-of-intent-orders-beyond"]
    assert ship(books, ledger, date(2027, 1, 11), all_open=True, lang="it").notes
    result = run(ledger, books, Request(Period(date(2026, 12, 16), date(2027, 1, 31)), date(2027, 2, 3)),
                 status=InvoiceStatus.FINAL, lang="it")
    assert sorted(x for invoice in result.invoices if invoice.customer == "C002" for x in _rated(invoice)) == [
        (D("39.00"), D(0), "N3.5"), (D("58.50"), D(22), None)]


def test_a_debit_note_beyond_the_letter_on_a_debit_note_takes_the_vat_of_the_goods_it_adds_to(ledger, rome_today):
    """April's 92.50 € and a first debit note of 50 € went N3.5 under a 200 € letter; a second note
    of 100 €, on that note, passes the 57.50 € left. A debit note names no item, so its goods
    were none and it was refused as of "several rates (22)", which --rate 22 could not unlock;
    its goods are those of the invoice it adds to: A001's 22 %, with the warning at the amount."""
    from toolkit.services.debit_notes import debit

    rome_today(date(2026, 5, 6))
    books = _master(200)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    _, invoice = _month(books, ledger, APRIL, date(2026, 5, 4))
    first = debit(ledger, books, invoice.number, D(50), None, "Prezzo rivisto", date(2026, 5, 5), date(2026, 5, 6), lang="it")
    assert first.note is not None and first.note.vat == 0, [str(p) for p in first.problems]
    for rate in (None, "22"):
        done = debit(ledger, books, first.note.number, D(100), rate, "Trasporto", date(2026, 5, 6), date(2026, 5, 6), lang="it")
        assert done.note is not None, [str(p) for p in done.problems]
        assert (done.note.vat, done.note.total) == (D("22.00"), D("122.00"))
        [told] = [p for p in done.problems if p.code == "letter-of-intent-debit-beyond"]
        assert (told.cell, dict(told.params)["rate"]) == ("P3", "22 %")


def test_a_debit_note_on_a_re_coded_customer_s_invoice_counts_against_the_letter_its_new_row_cites(
        ledger, rome_today):
    """April invoiced C002 55.50 € of a 90 € letter; C002 is re-coded C102, the same letter on its
    row. A debit note of 50 € on April's invoice, C002's, passes the 34.50 € left: it was issued
    N3.5 unchecked, the invoice's code having no row; it carries A001's 22 %, told at the amount."""
    from toolkit.services.debit_notes import debit

    rome_today(date(2026, 5, 6))
    books = _master(90)
    _deliver(books, ledger, APRIL_10)
    _, invoice = _month(books, ledger, APRIL, date(2026, 5, 4))
    s = _sheets(90)
    minimal.set_cell(s, "Clienti", "A3", "C102")
    for row in s["Modelli ordine"][1:]:
        row[1] = "C102"
    recoded = check(minimal.workbook(s)).master
    assert recoded is not None
    done = debit(ledger, recoded, invoice.number, D(50), None, "Prezzo rivisto", date(2026, 5, 6), date(2026, 5, 6), lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert (done.note.vat, done.note.total) == (D("11.00"), D("61.00"))
    assert [(p.sheet, p.cell) for p in done.problems if p.code == "letter-of-intent-debit-beyond"] == [("Clienti", "P3")]


def _re_coded(s: dict, old_row_kept: bool):
    """`s` with C002 re-coded C102: its row renamed, or a new row C102 holding the letter below
    C002's, which is kept without it (row 3 and row 4); its templates ordering as C102."""
    if old_row_kept:
        new = list(s["Clienti"][2])
        new[0] = "C102"
        s["Clienti"].append(new)
        for column in ("K3", "L3", "M3", "P3"):
            minimal.set_cell(s, "Clienti", column, None)
    else:
        minimal.set_cell(s, "Clienti", "A3", "C102")
    for row in s["Modelli ordine"][1:]:
        row[1] = "C102"
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems if p.is_error]
    return result.master


@pytest.mark.parametrize(("old_row_kept", "cell"), [(True, "L4"), (False, "L3")])
def test_a_re_coded_customer_s_debit_note_past_the_letter_s_year_is_told_at_the_row_citing_the_letter(
        ledger, rome_today, old_row_kept, cell):
    """C002's December goods went N3.5 on the letter; C002 is then re-coded C102, the letter on
    C102's row. A debit note of January on December's invoice carries 22 % and asks for the new
    year's letter at C102's protocol: it named C002's row, which no longer holds the letter, or
    no cell when that row was gone."""
    from toolkit.services.debit_notes import debit

    rome_today(date(2027, 1, 8))
    s = _sheets(1000)
    _, sold = _december_sold_in_january(ledger, s, date(2026, 12, 31))
    later = _sheets(1000)
    later["Modelli ordine"], later["Righe modello"] = s["Modelli ordine"], s["Righe modello"]
    books = _re_coded(later, old_row_kept)
    done = debit(ledger, books, sold.number, D(100), None, "Prezzo rivisto", date(2027, 1, 8), date(2027, 1, 8), lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert (done.note.vat, done.note.total) == (D("22.00"), D("122.00"))
    assert _told(done.problems, "letter-of-intent-debit-past-year") == [("Clienti", cell, False)]


@pytest.mark.parametrize(("old_row_kept", "cell"), [(True, "M4"), (False, "M3")])
def test_a_re_coded_customer_s_debit_note_reads_the_letter_s_date_corrected_on_its_new_row(
        ledger, rome_today, old_row_kept, cell):
    """April's invoice went N3.5 on the letter typed as of 1 April; C002 is re-coded C102, and the
    date corrected there to the 15th, after the coffee of the 10th: the debit note adds to a sale
    the letter did not cover and carries 22 %, told at C102's date. It went N3.5 unwarned, the
    date read from the invoice, as the invoice's code had no row citing the letter."""
    from toolkit.services.debit_notes import debit

    rome_today(date(2026, 5, 6))
    books = _master(1000, day=date(2026, 4, 1))
    _deliver(books, ledger, APRIL_10)
    _, invoice = _month(books, ledger, APRIL, date(2026, 5, 4))
    corrected = _re_coded(_sheets(1000, day=APRIL_15), old_row_kept)
    done = debit(ledger, corrected, invoice.number, D(100), None, "Prezzo rivisto", date(2026, 5, 6), date(2026, 5, 6), lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert (done.note.vat, done.note.total) == (D("22.00"), D("122.00"))
    assert _told(done.problems, "letter-of-intent-debit-before") == [("Clienti", cell, False)]


@pytest.mark.parametrize("status", [InvoiceStatus.FINAL, InvoiceStatus.DRAFT])
def test_a_line_before_a_letter_without_an_amount_whose_item_left_articoli_takes_the_rate_its_ddts_carried(
        ledger, status):
    """C002's letter of the 15th gives no amount; C001's DDT of the 10th carried A001 at 10 %, and
    A001 has left *Articoli* by month end: C002's coffee of the 10th, before the letter, takes
    10 %, the 20th's stays N3.5. The run was refused asking to put A001 back, as the ledger's
    rates were read only for letters with an amount."""
    books, later = _item_gone(taxed_too=True, amount=None, day=APRIL_15)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result = run(ledger, later, Request(APRIL, date(2026, 5, 4)), status=status, lang="it")
    assert not [p for p in result.problems if p.is_error], [str(p) for p in result.problems if p.is_error]
    [invoice] = [x for x in result.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    assert _rated(invoice) == [(D("55.50"), D(10), None), (D("37.00"), D(0), "N3.5")]
    assert [(s.rate, s.nature, s.taxable, s.vat) for s in invoice.summary] == [
        (D(0), "N3.5", D("37.00"), D("0.00")), (D(10), None, D("55.50"), D("5.55"))]
    assert (invoice.taxable, invoice.vat, invoice.total) == (D("92.50"), D("5.55"), D("98.05"))
    assert _told(result.problems) == [("Clienti", "M3", False)]


def test_a_line_before_a_letter_without_an_amount_whose_item_s_rate_nobody_knows_is_refused(ledger):
    """As above without C001: no DDT with VAT ever carried A001, so the run is refused at the
    letter's date naming the item, and stores nothing."""
    from sqlalchemy import func, select

    from toolkit.ledger import schema

    books, later = _item_gone(taxed_too=False, amount=None, day=APRIL_15)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result = run(ledger, later, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [refused] = [p for p in result.problems if p.is_error]
    assert (refused.code, refused.sheet, refused.cell) == ("letter-of-intent-early-rate-unknown", "Clienti", "M3")
    assert "Rimetti A001 nel foglio Articoli" in refused.message() and "consegnata il 10/04/2026" in refused.message()
    with reading(ledger) as conn:
        assert conn.execute(select(func.count()).select_from(schema.invoices)).scalar_one() == 0


def test_ship_and_invoice_before_a_letter_without_an_amount_takes_the_rate_its_ddts_carried(ledger, rome_today):
    """`ship --invoice` on the 10th, A001 gone from *Articoli* since the orders were made: C001's
    DDT of the same run carries it at 10 %, and C002's line, before its letter of the 15th
    (without an amount), takes 10 % with it; it was refused asking to put A001 back."""
    rome_today(APRIL_10)
    books, later = _item_gone(taxed_too=True, amount=None, day=APRIL_15)
    create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    done = ship(later, ledger, APRIL_10, all_open=True, invoice=True, lang="it")
    assert not [p for p in done.problems if p.is_error], [str(p) for p in done.problems if p.is_error]
    [invoice] = [x for x in done.invoices if x.customer == "C002"]
    assert _rated(invoice) == [(D("55.50"), D(10), None)]
    assert (invoice.taxable, invoice.vat, invoice.total) == (D("55.50"), D("5.55"), D("61.05"))
    assert _told(done.problems) == [("Clienti", "M3", False)]


def test_a_re_coded_customer_s_debit_note_under_its_former_letter_is_told_at_its_new_row(ledger, rome_today):
    """April's invoice cited C002's letter; C002 is re-coded C102 (its partita IVA on the sheet
    under the new code) with a new letter. The debit note follows the invoice's letter, whose
    amount the sheet no longer gives, and carries 22 %, told at C102's protocol naming the letter
    it cites now: it named no cell and said the sheet cited «-»."""
    from toolkit.services.debit_notes import debit

    rome_today(date(2026, 5, 6))
    books = _master(1000)
    _deliver(books, ledger, APRIL_10)
    _, invoice = _month(books, ledger, APRIL, date(2026, 5, 4))
    new = "26050112345678901-000002"
    recoded = _re_coded(_sheets(1000, protocol=new, day=date(2026, 5, 1)), old_row_kept=False)
    done = debit(ledger, recoded, invoice.number, D(100), None, "Prezzo rivisto", date(2026, 5, 6), date(2026, 5, 6), lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert (done.note.vat, done.note.total) == (D("22.00"), D("122.00"))
    assert _told(done.problems, "letter-of-intent-debit-former") == [("Clienti", "L3", False)]
    [told] = [p for p in done.problems if p.code == "letter-of-intent-debit-former"]
    assert f"(ora cita {new})" in told.message() and PROTOCOL in told.message()


def test_a_re_coded_customer_s_debit_note_past_the_letter_s_year_is_told_at_its_new_row_citing_next_year_s_letter(
        ledger, rome_today):
    """C002's December goods went N3.5 on the 2026 letter; in January C002 is re-coded C102 (its
    partita IVA under the new code) and C102's row cites the 2027 letter, as the desk writes it
    in January. A debit note of January on December's invoice carries 22 %, told at C102's
    protocol, the row whose letter the desk asks for: no row cites the old letter, and the
    warning named no cell."""
    from toolkit.services.debit_notes import debit

    rome_today(date(2027, 1, 8))
    s = _sheets(1000)
    _, sold = _december_sold_in_january(ledger, s, date(2026, 12, 31))
    later = _sheets(1000, protocol="27010112345678901-000001", day=date(2027, 1, 2))
    later["Modelli ordine"], later["Righe modello"] = s["Modelli ordine"], s["Righe modello"]
    books = _re_coded(later, old_row_kept=False)
    done = debit(ledger, books, sold.number, D(100), None, "Prezzo rivisto", date(2027, 1, 8), date(2027, 1, 8), lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert (done.note.vat, done.note.total) == (D("22.00"), D("122.00"))
    assert _told(done.problems, "letter-of-intent-debit-past-year") == [("Clienti", "L3", False)]


def _at_order(s: dict):
    """`s` with C002 invoiced *Immediato*: each order invoiced when it is made, before it ships."""
    minimal.set_cell(s, "Clienti", "Q1", "Termini di fatturazione")
    minimal.set_cell(s, "Clienti", "Q3", "Immediato")
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems if p.is_error]
    return result.master


def test_a_debit_note_on_goods_ordered_before_the_letter_says_ordered_not_delivered(ledger, rome_today):
    """C002 invoiced *Immediato*: its order of the 10th was invoiced N3.5 when made, under the
    letter then typed as of 1 April, and never shipped; the date corrected to the 15th, a debit
    note on that invoice carries 22 % and says the goods were ordered on the 10th, in the panel's
    words too: it said «merce consegnata il 10/04/2026», «goods delivered», of goods still in
    the warehouse."""
    from toolkit.excel.said import message
    from toolkit.services.debit_notes import debit

    rome_today(date(2026, 5, 6))
    books = _at_order(_sheets(1000, day=date(2026, 4, 1)))
    [invoice] = create(books, ledger, APRIL_10, with_catch_up=False, lang="it").invoices
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5")]
    corrected = _at_order(_sheets(1000, day=APRIL_15))
    done = debit(ledger, corrected, invoice.number, D(100), None, "Prezzo rivisto", date(2026, 5, 6), date(2026, 5, 6), lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert (done.note.vat, done.note.total) == (D("22.00"), D("122.00"))
    [told] = [p for p in done.problems if p.code == "letter-of-intent-debit-before"]
    assert told.cell == "M3"
    assert "si aggiunge a merce ordinata il 10/04/2026, prima" in told.message(), told.message()
    assert "adds to goods ordered on 10/04/2026, before" in told.message("en"), told.message("en")
    refused = DEBIT_BEFORE_LETTER_RATES(told.location, rates="22, 10", first="22",
                                        **{k: v for k, v in told.params if k != "rate"})
    assert "si aggiunge a merce ordinata il 10/04/2026, prima" in message(refused, "it"), message(refused, "it")
    assert "adds to goods ordered on 10/04/2026, before" in message(refused, "en"), message(refused, "en")


def test_goods_ordered_past_the_letter_s_year_are_told_ordered_not_delivered(ledger, rome_today):
    """C002 invoiced *Immediato* on a 2026 letter: December's order went N3.5 when made, and
    January's, invoiced when made, carries 22 % as the letter covers 2026 alone; the warning
    says the goods were ordered from 2027 on: it said «consegnati dal 2027», «delivered», of
    goods invoiced before they ship."""
    s = _sheets(1000)
    s["Modelli ordine"] = [s["Modelli ordine"][0],
                           ["T010", "C002", None, None, "Mensile giorno", None, None, 10, None, None,
                            date(2026, 12, 1), date(2027, 1, 31), None]]
    s["Righe modello"] = [s["Righe modello"][0], ["T010", "A001", 3, None, None]]
    books = _at_order(s)
    rome_today(date(2026, 12, 10))
    made = create(books, ledger, date(2026, 12, 10), with_catch_up=False, lang="it")
    assert len(made.invoices) == 1, [str(p) for p in made.problems]
    [december] = made.invoices
    rome_today(date(2027, 1, 11))
    january = create(books, ledger, date(2027, 1, 11), with_catch_up=False, lang="it")
    [invoice] = january.invoices
    assert _rated(december) == [(D("58.50"), D(0), "N3.5")]
    assert _rated(invoice) == [(D("58.50"), D(22), None)] and invoice.vat == D("12.87")
    [told] = [p for p in january.problems if p.code == "letter-of-intent-past-year"]
    assert told.cell == "L3"
    assert "dall'ordine " in told.message() and "in poi, ordinati dal 2027, perché" in told.message(), told.message()
    assert "on, ordered from 2027 on, since" in told.message("en"), told.message("en")


def test_a_line_before_a_letter_without_an_amount_takes_the_rate_its_item_carried_that_day_of_two(ledger):
    """A001 went from 10 % to 22 % on 15 April; C001, paying VAT, took it on the 10th (10 %) and
    the 20th (22 %); by month end A001 has left *Articoli*. C002's letter, without an amount, is
    of the 25th: its coffee of the 10th takes the 10 % of that day, that of the 20th the 22 %,
    as the ledger's DDTs carried them, not one rate for both."""
    s = _sheets(None, day=date(2026, 4, 25))
    for cell, value in (("D2", 10), ("F1", "Nuova aliquota IVA"), ("F2", 22), ("G1", "Dal"), ("G2", APRIL_15)):
        minimal.set_cell(s, "Articoli", cell, value)
    s["Modelli ordine"] = [row for row in s["Modelli ordine"] if row[0] != "T001"] + [
        [code, "C001", None, None, "Mensile giorno", None, None, dom, None, None, date(2026, 4, 1),
         date(2026, 4, 30), None] for code, dom in (("T011", 10), ("T021", 20))]
    s["Righe modello"] += [["T011", "A001", 1, None, None], ["T021", "A001", 1, None, None]]
    books = check(minimal.workbook(s)).master
    assert books is not None
    gone = _sheets(None, day=date(2026, 4, 25))
    gone["Articoli"] = [row for row in gone["Articoli"] if row[0] != "A001"]
    gone["Prezzi"] = [row for row in gone["Prezzi"] if row[2] != "A001"]
    gone["Modelli ordine"], gone["Righe modello"] = gone["Modelli ordine"][:1], gone["Righe modello"][:1]
    later = check(minimal.workbook(gone)).master
    assert later is not None
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result = run(ledger, later, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in result.problems if p.is_error], [str(p) for p in result.problems if p.is_error]
    [invoice] = [x for x in result.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    assert _rated(invoice) == [(D("55.50"), D(10), None), (D("37.00"), D(22), None)]
    assert (invoice.vat, invoice.total) == (D("13.69"), D("106.19"))
    assert _told(result.problems) == [("Clienti", "M3", False)]
