"""A sale without VAT on a letter of intent must cite it: an N3.5 customer whose *Clienti* row
lacks the letter's protocol or date is warned by the check, orders and ships, but invoicing
refuses its documents (month end, the invoices issued with the orders and with the DDTs, debit
notes), with an error at the empty cell, while the other customers are invoiced; nothing is
stored for it, and once the cells are filled its invoice cites the letter in a schema-valid
e-invoice (AltriDatiGestionali INTENTO)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal as D

import minimal
import pytest
from test_credit_returns import APRIL

from toolkit.basics.problems import Severity
from toolkit.core.invoicing import InvoiceKind, InvoiceStatus, Request
from toolkit.intake.validation import check
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices, ordered_not_invoiced
from toolkit.ledger.orders import load_orders
from toolkit.services.invoicing import run
from toolkit.services.orders import create
from toolkit.services.shipping import ship

PROTOCOL = "26011512345678901-000001"
LETTER_DAY = date(2026, 1, 15)
APRIL_10 = date(2026, 4, 10)
REFUSED = "letter-of-intent-not-cited"


def _sheets(protocol: str | None, day: date | None, terms: str | None = None) -> dict:
    """C002 buys on a letter of intent (N3.5) of this protocol (L3) and date (M3): 3 kg of coffee
    (A001, 18.50 €) on 10 April; C001, with VAT, 24 l of milk (A002) the same day."""
    s = minimal.sheets()
    s["Modelli ordine"] = [s["Modelli ordine"][0]] + [
        [code, customer, None, None, "Mensile giorno", None, None, 10, None, None, date(2026, 4, 1),
         date(2026, 4, 30), None] for code, customer in (("T010", "C002"), ("T011", "C001"))]
    s["Righe modello"] = [s["Righe modello"][0], ["T010", "A001", 3, None, None], ["T011", "A002", 24, None, None]]
    for cell, value in (("K1", "Natura IVA"), ("K3", "N3.5"), ("L1", "Protocollo dichiarazione d'intento"),
                        ("L3", protocol), ("M1", "Data dichiarazione d'intento"), ("M3", day),
                        ("N1", "CAP"), ("N2", "10121"), ("N3", "00184"), ("O1", "Provincia"), ("O2", "TO"),
                        ("O3", "RM"), ("P1", "Importo dichiarazione d'intento"), ("P3", 50000),
                        ("Q1", "Termini di fatturazione"), ("Q3", terms)):
        minimal.set_cell(s, "Clienti", cell, value)
    return s


def _master(protocol: str | None, day: date | None, terms: str | None = None):
    result = check(minimal.workbook(_sheets(protocol, day, terms)))
    assert result.master is not None, [str(p) for p in result.problems if p.is_error]
    return result.master


def _stored(ledger) -> list:
    with reading(ledger) as conn:
        return load_invoices(conn)


def _refusals(problems) -> list[tuple]:
    return [(p.sheet, p.cell, p.severity) for p in problems if p.code == REFUSED]


def _cited(books, ledger, invoice, tmp_path) -> ET.Element:
    """The stored invoice's e-invoice, valid against the official schema, read back."""
    from fatturapa_reading import schema_errors

    from toolkit.services.einvoice import export

    written = export(books, ledger, out=tmp_path / "xml", run_id=invoice.run_id)
    data = written.files[invoice.number]
    data = data.read_bytes() if hasattr(data, "read_bytes") else data
    assert schema_errors(data) == []
    return ET.fromstring(data)


def _letters(root: ET.Element) -> list[tuple]:
    return [(e.findtext("Natura"), [(x.findtext("TipoDato"), x.findtext("RiferimentoTesto"),
                                     x.findtext("RiferimentoData")) for x in e.findall("AltriDatiGestionali")])
            for e in root.iter("DettaglioLinee") if e.findtext("Natura") == "N3.5"]


@pytest.mark.parametrize("protocol, day, cell", [(None, None, "L3"), (PROTOCOL, None, "M3"),
                                                 (None, LETTER_DAY, "L3")])
def test_month_end_issues_the_others_refuses_the_letter_without_protocol_or_date_then_cites_it(
        ledger, tmp_path, protocol, day, cell):
    """Before, C002's April invoice went out N3.5 citing no letter (or a protocol without its
    date), a file SDI takes and the Agenzia cannot match, corrected only by a credit note."""
    books = _master(protocol, day)
    [warned] = [p for p in check(minimal.workbook(_sheets(protocol, day))).problems
                if p.code == "letter-of-intent-without-protocol"]
    assert (warned.sheet, warned.cell) == ("Clienti", cell)
    assert "la fatturazione rifiuta i suoi documenti" in warned.message()
    assert "invoicing refuses its documents" in warned.message("en")
    create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    assert {n.customer for n in ship(books, ledger, APRIL_10, all_open=True, lang="it").notes} == {"C001", "C002"}
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    assert result.run_id is not None
    assert [(x.customer, x.kind) for x in _stored(ledger)] == [("C001", InvoiceKind.INVOICE)]
    assert _refusals(result.problems) == [("Clienti", cell, Severity.ERROR)]
    [refused] = [p for p in result.problems if p.code == REFUSED]
    assert "Il cliente C002 ha 1 riga da fatturare senza IVA" in refused.message()
    assert "OC-2026-00001" in refused.message() or "OC-2026-00002" in refused.message()
    assert "Protocollo dichiarazione d'intento" in refused.message() and "then invoice again" in refused.message("en")
    assert result.summary("it").endswith("che le loro fatture senza IVA devono citare: C002.")

    fixed = _master(PROTOCOL, LETTER_DAY)
    again = run(ledger, fixed, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in again.problems if p.is_error], [str(p) for p in again.problems]
    [invoice] = again.invoices
    assert invoice.customer == "C002" and {x.vat_nature for x in invoice.lines if x.item} == {"N3.5"}
    assert _letters(_cited(fixed, ledger, invoice, tmp_path)) == [("N3.5", [("INTENTO", PROTOCOL, "2026-01-15")])]


def test_a_preview_names_the_refusal_and_a_draft_run_stores_nothing_for_the_customer(ledger):
    books = _master(None, None)
    create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    ship(books, ledger, APRIL_10, all_open=True, lang="it")
    preview = run(ledger, books, Request(APRIL, date(2026, 5, 4)), preview=True, lang="it")
    assert [x.customer for x in preview.invoices] == ["C001"] and _refusals(preview.problems)
    draft = run(ledger, books, Request(APRIL, date(2026, 5, 4)), lang="it")
    assert [x.customer for x in _stored(ledger)] == ["C001"] and draft.run_id is not None


def test_orders_are_created_and_their_invoice_at_the_order_waits_for_the_letter(ledger, tmp_path):
    """C002 invoiced *Immediato*: its order is created (the desk takes orders whatever the letter),
    its invoice is not issued and its lines wait; C001's order is created too. Before, the
    invoice was issued at the order, N3.5 citing nothing."""
    books = _master(None, None, "Immediato")
    created = create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    assert _refusals(created.problems) == [("Clienti", "L3", Severity.ERROR)]
    assert created.summary("it").endswith("che le loro fatture senza IVA devono citare: C002.")
    with reading(ledger) as conn:
        assert {o.customer for o in load_orders(conn)} == {"C001", "C002"}
        waiting = ordered_not_invoiced(conn, customers=["C002"])
    assert [(x.item, x.quantity) for x in waiting] == [("A001", D(3))]
    assert _stored(ledger) == []

    fixed = _master(PROTOCOL, LETTER_DAY, "Immediato")
    ship(fixed, ledger, APRIL_10, all_open=True, lang="it")
    result = run(ledger, fixed, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in result.problems if p.is_error], [str(p) for p in result.problems]
    [invoice] = [x for x in result.invoices if x.customer == "C002"]
    assert _letters(_cited(fixed, ledger, invoice, tmp_path)) == [("N3.5", [("INTENTO", PROTOCOL, "2026-01-15")])]


def test_ship_and_invoice_ships_every_ddt_and_invoices_all_but_the_letter_without_protocol(ledger):
    """`ship --invoice`: the DDTs are stored (the goods leave), C001's invoice travels with its
    goods, C002's waits with the error; before, it was issued N3.5 citing nothing."""
    books = _master(None, None)
    create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    shipped = ship(books, ledger, APRIL_10, all_open=True, invoice=True, lang="it")
    assert {n.customer for n in shipped.notes} == {"C001", "C002"}
    assert [x.customer for x in shipped.invoices] == ["C001"]
    assert _refusals(shipped.problems) == [("Clienti", "L3", Severity.ERROR)]
    assert shipped.summary("en").endswith("the letter of intent their invoices without VAT must cite: C002.")
    assert [x.customer for x in _stored(ledger)] == ["C001"]


def _issued_without_letter(ledger, monkeypatch) -> tuple:
    """C002's April invoice as a toolkit before the refusal issued it: N3.5, its letter's
    protocol and date missing on *Clienti*, kept so."""
    import toolkit.core.invoicing as invoicing

    books = _master(None, None)
    create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    ship(books, ledger, APRIL_10, all_open=True, lang="it")
    with monkeypatch.context() as before:
        before.setattr(invoicing, "citing_letters", lambda master, invoices: (list(invoices), []), raising=False)
        result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [invoice] = [x for x in result.invoices if x.customer == "C002"]
    assert invoice.parties is not None and invoice.parties.buyer is not None
    assert invoice.parties.buyer.intent_protocol is None
    return books, invoice


def test_a_debit_note_on_an_invoice_that_cited_no_letter_is_refused_until_the_row_gives_it(
        ledger, tmp_path, monkeypatch):
    """The note follows its invoice's letter, and that invoice cited none: refused at the empty
    protocol, nothing stored; with the row's protocol and date, the note cites that letter.
    Before, the note went out N3.5 citing nothing."""
    from toolkit.services.debit_notes import debit

    books, invoice = _issued_without_letter(ledger, monkeypatch)
    refused = debit(ledger, books, invoice.number, D(10), None, "Adeguamento prezzo", date(2026, 5, 10),
                    date(2026, 5, 10), lang="it")
    assert refused.note is None
    assert [(p.code, p.sheet, p.cell) for p in refused.problems] == [
        ("letter-of-intent-debit-not-cited", "Clienti", "L3")]
    assert invoice.number in refused.problems[0].message() and "il protocollo e la data" in refused.problems[0].message()
    assert len(_stored(ledger)) == 2

    fixed = _master(PROTOCOL, LETTER_DAY)
    done = debit(ledger, fixed, invoice.number, D(10), None, "Adeguamento prezzo", date(2026, 5, 10),
                 date(2026, 5, 10), lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert [x.vat_nature for x in done.note.lines] == ["N3.5"]
    assert _letters(_cited(fixed, ledger, done.note, tmp_path)) == [("N3.5", [("INTENTO", PROTOCOL, "2026-01-15")])]


def _prepay(protocol: str | None, day: date | None):
    """`_sheets`, C002's template making prepay orders (*Pagamento anticipato*)."""
    s = _sheets(protocol, day)
    s["Modelli ordine"][1][12] = "Pagamento anticipato"
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems if p.is_error]
    return result.master


def test_a_prepay_order_whose_invoice_is_refused_is_named_with_the_way_out(ledger):
    """A prepay order ships once its invoice is paid; that invoice refused, nothing issues it
    later (month end invoices shipped goods) and `ship` holds the order for a payment no
    invoice asks. Before, the refusal said only to invoice again, which left the order stuck;
    now an error names it and says to void it and order it again once the letter is written."""
    from toolkit.core.orders import OrderStatus
    from toolkit.services.order_status import change_status

    books = _prepay(None, None)
    created = create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    [stuck] = [p for p in created.problems if p.code == "letter-of-intent-prepaid-not-invoiced"]
    assert (stuck.sheet, stuck.cell, stuck.severity) == ("Clienti", "L3", Severity.ERROR)
    with reading(ledger) as conn:
        [order] = [o for o in load_orders(conn) if o.customer == "C002"]
    assert order.number in stuck.message() and f"toolkit orders status {order.number} --to annullato" in stuck.message()
    assert f"toolkit orders status {order.number} --to voided" in stuck.message("en")
    from toolkit.excel import said

    assert f"il numero {order.number} in «Ordine», Annullato in «Nuovo stato»" in said.render(stuck, "it")
    fixed = _prepay(PROTOCOL, LETTER_DAY)
    held = ship(fixed, ledger, APRIL_10, all_open=True, lang="it")
    assert [(h.order, h.reason) for h in held.held] == [(order.number, "ship-awaiting-payment")]
    assert change_status(ledger, order.number, OrderStatus.VOIDED).problems == []


def test_an_order_waiting_for_the_payment_of_an_invoice_never_issued_is_told_so(ledger):
    """The prepay order whose invoice the letter refused: `ship` holds it for its payment, and the
    hold said «no payment is recorded yet», sending the desk to look for money no invoice had
    asked. Now it says no invoice was issued, so none will come, and how to order it again."""
    books = _prepay(None, None)
    create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        [order] = [o for o in load_orders(conn) if o.customer == "C002"]
    held = ship(_prepay(PROTOCOL, LETTER_DAY), ledger, APRIL_10, all_open=True, lang="it")
    [waiting] = [p for p in held.problems if p.code == "ship-awaiting-payment"]
    assert (waiting.sheet, waiting.severity) == ("Clienti", Severity.WARNING)
    assert "no invoice of it was issued" in waiting.message("en") and "no payment is recorded" not in waiting.message("en")
    assert f"toolkit orders status {order.number} --to voided" in waiting.message("en")
    assert "nessuna sua fattura è stata emessa" in waiting.message()
    assert f"toolkit orders status {order.number} --to annullato" in waiting.message()
    from toolkit.excel import said

    assert f"il numero {order.number} in «Ordine», Annullato in «Nuovo stato»" in said.render(waiting, "it")
    assert "toolkit orders" not in said.render(waiting, "en")


def _drafted_without_letter(ledger, monkeypatch) -> tuple:
    """A draft run as a toolkit before the refusal stored it: C002's April invoice N3.5, its
    letter's protocol and date missing on *Clienti*, C001's beside it."""
    import toolkit.core.invoicing as invoicing

    books = _master(None, None)
    create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    ship(books, ledger, APRIL_10, all_open=True, lang="it")
    with monkeypatch.context() as before:
        before.setattr(invoicing, "citing_letters", lambda master, invoices: (list(invoices), []), raising=False)
        result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), lang="it")
    [invoice] = [x for x in result.invoices if x.customer == "C002"]
    return result.run_id, invoice


@pytest.mark.parametrize("letter", [False, True], ids=["row-still-without-letter", "letter-written-since"])
def test_finalize_refuses_a_draft_stored_citing_no_letter(ledger, monkeypatch, letter):
    """Before, `invoice finalize` made such a draft final (the check ran when invoicing, not when
    finalizing) and its e-invoice went out N3.5 citing nothing; with the letter written since,
    it said the protocol had changed and offered to put the empty cell back. Now nothing is made
    final and the error names the draft, at the row's cell, with the way out; the run undone
    and made again cites the letter."""
    from toolkit.services.invoicing import finalize, undo

    run_id, invoice = _drafted_without_letter(ledger, monkeypatch)
    books = _master(PROTOCOL, LETTER_DAY) if letter else _master(None, None)
    count, problems = finalize(ledger, run_id, books, "anagrafiche.xlsx")
    assert count == 0 and {x.status for x in _stored(ledger)} == {InvoiceStatus.DRAFT}
    [refused] = [p for p in problems if p.is_error]
    assert (refused.code, refused.sheet, refused.cell) == ("letter-of-intent-draft-not-cited", "Clienti", "L3")
    assert invoice.number in refused.message() and f"toolkit invoice undo anagrafiche.xlsx {run_id}" in refused.message()
    assert ("Write the letter's protocol and date" in refused.message("en")) is not letter
    assert "definitivo. Annulla l'emissione" in refused.message() or "(aggiungile se mancano). Annulla" in refused.message()
    from toolkit.excel import said

    assert f"scrivi {run_id} in «Emissione fatture» e premi «Annulla emissione»" in said.render(refused, "it")
    assert refused.message().startswith("La bozza dell'emissione")
    assert "Nessun documento è stato reso definitivo" in refused.message()
    if letter:
        assert undo(ledger, run_id)[0] == 2
        again = run(ledger, books, Request(APRIL, date(2026, 5, 4)), lang="it")
        assert finalize(ledger, again.run_id, books, "anagrafiche.xlsx") == (2, [])
        [cited] = [x for x in _stored(ledger) if x.customer == "C002"]
        assert cited.parties.buyer.intent_protocol == PROTOCOL


def test_einvoice_writes_a_final_invoice_issued_citing_no_letter_and_warns_naming_it(ledger, tmp_path, monkeypatch):
    """An invoice issued before the refusal, N3.5 citing no letter: SDI takes its file, so it is
    written as issued (never refused), but the Agenzia's rule is broken, and the export said
    nothing of it. Now a warning names it and the way to correct it; C001's, with VAT, is not
    named."""
    from toolkit.services.einvoice import export

    books, invoice = _issued_without_letter(ledger, monkeypatch)
    written = export(books, ledger, out=tmp_path / "xml", run_id=invoice.run_id)
    assert invoice.number in written.files and not written.refused
    [warned] = [p for p in written.problems if p.code == "einvoice-letter-of-intent-not-cited"]
    assert warned.severity is Severity.WARNING and len(written.files) == 2
    assert all(number in warned.message() for number in written.files) is False
    assert f"il documento {invoice.number} vende senza IVA" in warned.message()
    assert f"document {invoice.number} sells without VAT" in warned.message("en")
    assert "toolkit invoice credit" in warned.message("en") and "SDI takes it" in warned.message("en")
    from toolkit.excel import said

    assert "the “Nota di credito” button" in said.render(warned, "en") and "toolkit" not in said.render(warned, "it")
    root = ET.fromstring(written.files[invoice.number].read_bytes())
    assert _letters(root) == [("N3.5", [])]


def test_a_customer_without_a_nature_ordering_items_at_n35_is_warned_at_check_where_invoicing_refuses(ledger):
    """C001 has no «Natura IVA», and its template orders A002, which *Articoli* sets at 0 % N3.5:
    its lines go N3.5 (a line takes the item's nature when the customer has none), and invoicing
    refuses its documents at its empty protocol (L2). The check said nothing of it, as it warned
    only customers whose own nature is N3.5; now it warns at that cell, naming the item's."""
    s = _sheets(PROTOCOL, LETTER_DAY)
    minimal.set_cell(s, "Articoli", "D3", 0)
    minimal.set_cell(s, "Articoli", "E3", "N3.5")
    checked = check(minimal.workbook(s))
    assert checked.master is not None
    [warned] = [p for p in checked.problems if p.code == "letter-of-intent-items-without-protocol"]
    assert (warned.sheet, warned.cell, warned.severity) == ("Clienti", "L2", Severity.WARNING)
    assert "Il cliente C001 non ha «Natura IVA», ma i suoi modelli (T011) ordinano A002" in warned.message()
    assert "(letter of intent: Articoli!E3)" in warned.message("en") and "protocol and date, so" in warned.message("en")
    assert not [p for p in checked.problems if p.code == "letter-of-intent-without-protocol"]
    create(checked.master, ledger, APRIL_10, with_catch_up=False, lang="it")
    ship(checked.master, ledger, APRIL_10, all_open=True, lang="it")
    result = run(ledger, checked.master, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    assert _refusals(result.problems) == [("Clienti", "L2", Severity.ERROR)]
    assert [x.customer for x in _stored(ledger)] == ["C002"]


def _shared(day: date | None) -> dict:
    """`_sheets`, with C003, another row of the same buyer's (its own code), on C002's letter
    (L4) dated `day` (M4), ordering 2 kg of coffee on 10 April."""
    s = _sheets(PROTOCOL, LETTER_DAY)
    row = list(s["Clienti"][2])
    row[0], row[1], row[2], row[3], row[12] = "C003", "Mario Rossi (magazzino)", "07643520567", None, day
    s["Clienti"].append(row)
    s["Modelli ordine"].append([*s["Modelli ordine"][1]])
    s["Modelli ordine"][-1][:2] = ["T012", "C003"]
    s["Righe modello"].append(["T012", "A001", 2, None, None])
    return s


def test_two_customers_sharing_a_letter_one_without_its_date_are_told_the_others_date_at_the_cell(ledger):
    """C002 and C003 share one letter; C003's row lacks its date. The check said only that the
    protocol or date was missing, and invoicing that the date was: the desk had the date on the
    row above. Now both name C002's date and cell, at C003's empty date (M4); C002 is invoiced."""
    checked = check(minimal.workbook(_shared(None)))
    assert checked.master is not None
    [warned] = [p for p in checked.problems if p.code.startswith("letter-of-intent")]
    assert (warned.code, warned.sheet, warned.cell) == ("letter-of-intent-shared-without-date", "Clienti", "M4")
    assert "anche del cliente C002 con data 15/01/2026 (Clienti!M3)" in warned.message()
    assert "write 15/01/2026 in C003's “Data dichiarazione d'intento”" in warned.message("en")
    create(checked.master, ledger, APRIL_10, with_catch_up=False, lang="it")
    ship(checked.master, ledger, APRIL_10, all_open=True, lang="it")
    result = run(ledger, checked.master, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    assert _refusals(result.problems) == [("Clienti", "M4", Severity.ERROR)]
    [refused] = [p for p in result.problems if p.code == REFUSED]
    assert "lacks the letter's date (letter 26011512345678901-000001 is customer C002's too, dated 15/01/2026" \
        in refused.message("en")
    assert sorted(x.customer for x in _stored(ledger)) == ["C001", "C002"]


def test_one_letter_with_two_dates_is_warned_at_the_second_rows_date():
    """The Agenzia matches a sale to its letter by protocol and date: one of the two rows' invoices
    would cite a letter that does not exist. Nothing was said of it."""
    [warned] = [p for p in check(minimal.workbook(_shared(date(2026, 1, 16)))).problems
                if p.code.startswith("letter-of-intent")]
    assert (warned.code, warned.sheet, warned.cell) == ("letter-of-intent-dates-differ", "Clienti", "M4")
    assert "ma qui ha data 16/01/2026 e là 15/01/2026 (Clienti!M3)" in warned.message()


def test_one_letter_of_two_buyers_is_warned_as_a_protocol_copied_at_the_second_rows_protocol():
    """A letter of intent is issued by one exporter to its supplier, its protocol the Agenzia's
    receipt's: rows of two buyers (other partite IVA) never share one. Dated alike they were
    not warned at all, and dated apart they were told to write one date in both, as one
    letter: the second row is told of the other buyer at its protocol (L4), once, whatever the
    dates. Rows of one buyer keep the dates' warning (one protocol, one date); a row giving a
    codice fiscale alone and one a partita IVA alone may be one sole trader, not told."""
    for day in (LETTER_DAY, date(2026, 1, 16)):
        sheets = _shared(day)
        sheets["Clienti"][2][2], sheets["Clienti"][-1][2] = "07643520567", "09887760560"
        warned = [p for p in check(minimal.workbook(sheets)).problems if p.code.startswith("letter-of-intent")]
        assert [(p.code, p.sheet, p.cell) for p in warned] == [("letter-of-intent-other-buyer", "Clienti", "L4")]
        said = warned[0].message()
        assert (f"La dichiarazione d'intento {PROTOCOL} del cliente C003 (P.IVA 09887760560) è anche del cliente "
                "C002 (P.IVA 07643520567, C.F. RSSMRA80A01H501U, Clienti!L3), un altro acquirente") in said, said
        assert "Copia in ciascuna riga protocollo e data della dichiarazione che quel cliente ti ha mandato." in said
    same = [p.code for p in check(minimal.workbook(_shared(LETTER_DAY))).problems if p.code.startswith("letter-of")]
    assert same == []


def test_a_row_of_another_buyer_without_the_letters_date_is_told_once_at_its_protocol(ledger):
    """C003, another buyer (P.IVA 09887760560), has C002's protocol and no date. It was told
    twice: at its empty date to copy C002's date (which would cite C002's letter) and at its
    protocol that the letter is another buyer's. One warning says it all, at the protocol (L4),
    naming the missing date; invoicing's refusal no longer offers C002's date either."""
    sheets = _shared(None)
    sheets["Clienti"][2][2], sheets["Clienti"][-1][2] = "07643520567", "09887760560"
    checked = check(minimal.workbook(sheets))
    warned = [p for p in checked.problems if p.code.startswith("letter-of-intent")]
    assert [(p.code, p.sheet, p.cell) for p in warned] == [("letter-of-intent-other-buyer", "Clienti", "L4")]
    assert (f"La dichiarazione d'intento {PROTOCOL} del cliente C003 (P.IVA 09887760560, senza data) è anche del "
            "cliente C002 (P.IVA 07643520567, C.F. RSSMRA80A01H501U, Clienti!L3), un altro acquirente") \
        in warned[0].message()
    assert "(P.IVA 09887760560, no date) is on the row of customer C002" in warned[0].message("en")
    assert checked.master is not None
    create(checked.master, ledger, APRIL_10, with_catch_up=False, lang="it")
    ship(checked.master, ledger, APRIL_10, all_open=True, lang="it")
    result = run(ledger, checked.master, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [refused] = [p for p in result.problems if p.code == REFUSED]
    assert (refused.sheet, refused.cell) == ("Clienti", "M4")
    assert "C002" not in refused.message("en") and "15/01/2026" not in refused.message()


def _third(sheets: dict, code: str, vat: str | None, tax_code: str | None) -> dict:
    """`sheets` with one more *Clienti* row, `code`, of this partita IVA and codice fiscale, on C002's letter."""
    row = list(sheets["Clienti"][-1])
    row[0], row[1], row[2], row[3] = code, f"Cliente {code}", vat, tax_code
    sheets["Clienti"].append(row)
    return sheets


def test_every_earlier_row_of_another_buyer_sharing_the_protocol_is_named():
    """The check compared each row with the first giving the protocol alone. C002 gives a partita
    IVA, C003 and C004 each a codice fiscale alone: each may be C002 (a sole trader's codice
    fiscale is no match for his partita IVA), but C003 and C004 are surely two buyers, and
    nothing was said; C004 is told of C003 now. Three buyers: the third row names both earlier."""
    sheets = _shared(LETTER_DAY)
    sheets["Clienti"][2][2], sheets["Clienti"][2][3] = "07643520567", None
    sheets["Clienti"][-1][2], sheets["Clienti"][-1][3] = None, "BNCLGU75B02F205K"
    _third(sheets, "C004", None, "VRDGPP70C03L219V")
    warned = [p for p in check(minimal.workbook(sheets)).problems if p.code.startswith("letter-of-intent")]
    assert [(p.code, p.sheet, p.cell) for p in warned] == [("letter-of-intent-other-buyer", "Clienti", "L5")]
    assert ("del cliente C004 (C.F. VRDGPP70C03L219V) è anche del cliente C003 (C.F. BNCLGU75B02F205K, "
            "Clienti!L4), un altro acquirente") in warned[0].message()

    sheets = _shared(LETTER_DAY)
    sheets["Clienti"][2][2], sheets["Clienti"][-1][2] = "07643520567", "09887760560"
    _third(sheets, "C004", "01234560157", None)
    warned = [p for p in check(minimal.workbook(sheets)).problems if p.code.startswith("letter-of-intent")]
    assert [(p.code, p.cell) for p in warned] == [("letter-of-intent-other-buyer", "L4"),
                                                  ("letter-of-intent-other-buyer", "L5")]
    assert ("del cliente C004 (P.IVA 01234560157) è anche dei clienti C002 (P.IVA 07643520567, C.F. "
            "RSSMRA80A01H501U, Clienti!L3) e C003 (P.IVA 09887760560, Clienti!L4), altri acquirenti") \
        in warned[1].message()
    assert "is on the rows of customers C002 (" in warned[1].message("en") and "other buyers:" in warned[1].message("en")


def test_finalize_still_refuses_a_draft_charging_vat_to_a_customer_whose_letter_was_written_since(ledger):
    """C002 had no letter when the run was drafted: its April invoice charges the coffee's VAT.
    Its row now says N3.5 with a letter dated 15 January, before the sales: made final, the
    invoice would charge VAT the letter exempts. The changed protocol and date refused it, with
    the choice of the run made again or the cells put back (a letter for later sales); the
    silence meant for drafts `drafts_uncited` refuses (N3.5 citing nothing) took every draft
    lacking the letter, so this one went final as drafted, unsaid."""
    from toolkit.services.invoicing import finalize

    s = _sheets(None, None)
    minimal.set_cell(s, "Clienti", "K3", None)
    before = check(minimal.workbook(s)).master
    assert before is not None
    create(before, ledger, APRIL_10, with_catch_up=False, lang="it")
    ship(before, ledger, APRIL_10, all_open=True, lang="it")
    drafted = run(ledger, before, Request(APRIL, date(2026, 5, 4)), lang="it")
    [invoice] = [x for x in drafted.invoices if x.customer == "C002"]
    assert {x.vat_nature for x in invoice.lines} == {None}
    count, problems = finalize(ledger, drafted.run_id, _master(PROTOCOL, LETTER_DAY), "anagrafiche.xlsx")
    assert count == 0 and {x.status for x in _stored(ledger)} == {InvoiceStatus.DRAFT}
    assert sorted((p.code, p.cell) for p in problems if p.is_error) == [
        ("finalize-master-changed", "L3"), ("finalize-master-changed", "M3")]
    assert all(invoice.number in p.message() for p in problems)


def test_an_inactive_template_ordering_items_at_n35_warns_of_no_letter():
    """C001 has no «Natura IVA» and T011 orders A002, at 0 % N3.5 on *Articoli*, but T011 is not
    *Attivo*: it makes no order, so there is nothing to invoice and nothing for invoicing to
    refuse. The warning read every template, active or not, and told the desk to write a
    letter for sales no template makes; the active one still warns."""
    s = _sheets(PROTOCOL, LETTER_DAY)
    minimal.set_cell(s, "Articoli", "D3", 0)
    minimal.set_cell(s, "Articoli", "E3", "N3.5")
    minimal.set_cell(s, "Modelli ordine", "N1", "Attivo")
    minimal.set_cell(s, "Modelli ordine", "N3", "no")
    checked = check(minimal.workbook(s))
    assert checked.master is not None and not [t for t in checked.master.templates if t.code == "T011" and t.active]
    assert [p for p in checked.problems if p.code == "letter-of-intent-items-without-protocol"] == []
    minimal.set_cell(s, "Modelli ordine", "N3", "sì")
    assert [p.cell for p in check(minimal.workbook(s)).problems
            if p.code == "letter-of-intent-items-without-protocol"] == ["L2"]


def test_a_draft_citing_no_letter_that_final_documents_follow_is_made_final_with_the_way_to_correct_it(
        ledger, monkeypatch):
    """C002's April draft, N3.5 citing no letter, and after it C001's invoice issued final with
    its DDT (`ship --invoice`, numbered past the draft run). Such a run can never be undone
    (`invoice-run-followed-by-final`), and finalize refused it whatever the row said: the run
    stayed a draft for good, its invoices never issued. It is made final, as undo's refusal
    says it can only be, and a warning names the draft with the correction (a credit note and
    a new invoice citing the letter); a run that can be undone is still refused."""
    import toolkit.core.invoicing as invoicing
    from toolkit.services.invoicing import finalize, undo

    books = _master(None, None)
    create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        orders = {o.customer: o.number for o in load_orders(conn)}
    ship(books, ledger, APRIL_10, numbers=[orders["C002"]], lang="it")
    with monkeypatch.context() as before:
        before.setattr(invoicing, "citing_letters", lambda master, invoices: (list(invoices), []), raising=False)
        drafted = run(ledger, books, Request(APRIL, date(2026, 5, 4)), lang="it")
    [draft] = drafted.invoices
    assert finalize(ledger, drafted.run_id, books, "anagrafiche.xlsx")[0] == 0
    ship(books, ledger, date(2026, 5, 5), numbers=[orders["C001"]], invoice=True, lang="it")
    assert [p.code for p in undo(ledger, drafted.run_id)[1]] == ["invoice-run-followed-by-final"]
    count, problems = finalize(ledger, drafted.run_id, books, "anagrafiche.xlsx")
    assert count == 1 and {x.status for x in _stored(ledger)} == {InvoiceStatus.FINAL}
    [warned] = [p for p in problems if p.code.startswith("letter-of-intent")]
    assert (warned.code, warned.severity, warned.sheet, warned.cell) == (
        "letter-of-intent-draft-final-uncited", Severity.WARNING, "Clienti", "L3")
    assert draft.number in warned.message() and "toolkit invoice credit" in warned.message("en")
    assert "cannot be undone" in warned.message("en") and "non si può annullare" in warned.message()
    from toolkit.excel import said

    assert "pulsante «Nota di credito»" in said.render(warned, "it") and "toolkit" not in said.render(warned, "it")


def test_a_customer_without_a_nature_with_a_letter_but_no_amount_ordering_items_at_n35_is_warned_at_the_amount():
    """C001 has no «Natura IVA» but its own letter's protocol (L2) and date (M2), no amount (P2),
    and T011 orders A002, at 0 % N3.5 on *Articoli*: its lines are invoiced without VAT under
    that letter with no ceiling, the fine art. 7 c. 4-bis D.Lgs. 471/97 names beyond it. Only a
    row whose own nature is N3.5 was warned; now this one is, at its empty amount."""
    s = _sheets(PROTOCOL, LETTER_DAY)
    minimal.set_cell(s, "Articoli", "D3", 0)
    minimal.set_cell(s, "Articoli", "E3", "N3.5")
    minimal.set_cell(s, "Clienti", "L2", "26011512345678901-000002")
    minimal.set_cell(s, "Clienti", "M2", date(2026, 1, 20))
    checked = check(minimal.workbook(s))
    warned = [(p.code, p.sheet, p.cell, p.severity) for p in checked.problems if p.code.startswith("letter-of-intent")]
    assert warned == [("letter-of-intent-without-amount", "Clienti", "P2", Severity.WARNING)]
    [amount] = [p for p in checked.problems if p.code == "letter-of-intent-without-amount"]
    assert "La dichiarazione d'intento 26011512345678901-000002 del cliente C001 non ha importo" in amount.message()
    minimal.set_cell(s, "Clienti", "P2", 10000)
    assert [p for p in check(minimal.workbook(s)).problems if p.code.startswith("letter-of-intent")] == []


def test_an_extra_delivery_of_an_item_at_n35_warns_of_no_letter():
    """C001 has no «Natura IVA» and no letter; T011 orders milk (with VAT), and an *Eccezioni*
    extra delivery adds A003, at 0 % N3.5 on *Articoli*: that order line goes N3.5 and invoicing
    refuses C001's documents at its empty protocol. The check read the templates' lines only and
    said nothing; now the extra line warns at that cell, naming the item's."""
    s = _sheets(PROTOCOL, LETTER_DAY)
    minimal.set_cell(s, "Articoli", "E4", "N3.5")
    s["Eccezioni"] = [["Modello", "Data", "Azione", "Nuova data", "Articolo", "Quantità"],
                      ["T011", APRIL_10, "Consegna extra", None, "A003", 2]]
    checked = check(minimal.workbook(s))
    assert checked.master is not None and checked.master.exceptions
    [warned] = [p for p in checked.problems if p.code == "letter-of-intent-items-without-protocol"]
    assert (warned.sheet, warned.cell) == ("Clienti", "L2")
    assert "i suoi modelli (T011) ordinano A003" in warned.message() and "Articoli!E4" in warned.message()


def test_a_row_of_another_buyer_names_the_first_earlier_rows_and_counts_the_rest():
    """C002 to C005 are one buyer's rows (P.IVA 07643520567) on a letter, C005 without its date;
    C006 and C007, another buyer's, give the same protocol. Each later row named every earlier
    row of the other buyer, so two buyers alternating over 2,000 rows gave 1,999 warnings of up
    to 1,000 rows each (49,000 characters, 4.4 s of CPU). The first three are named now and the
    rest counted, with how many lack the date; C005, beyond them and warned by nothing of its
    own, is told at its empty date (M6) the date its buyer's row C002 gives the letter. The four
    rows are one buyer's, so *un altro acquirente*: the warning agreed with the rows, *altri
    acquirenti*, as though each row were a buyer."""
    sheets = _sheets(PROTOCOL, LETTER_DAY)
    sheets["Clienti"][2][2], sheets["Clienti"][2][3] = "07643520567", None
    for code, vat in (("C003", "07643520567"), ("C004", "07643520567"), ("C005", "07643520567"),
                      ("C006", "09887760560"), ("C007", "09887760560")):
        _third(sheets, code, vat, None)
        sheets["Clienti"][-1][12] = None if code == "C005" else LETTER_DAY
    warned = [p for p in check(minimal.workbook(sheets)).problems if p.code.startswith("letter-of-intent")]
    assert sorted((p.cell, p.code) for p in warned) == [
        ("L7", "letter-of-intent-other-buyer"), ("L8", "letter-of-intent-other-buyer"),
        ("M6", "letter-of-intent-shared-without-date")]
    last = next(p for p in warned if p.cell == "L8")
    assert ("è anche dei clienti C002 (P.IVA 07643520567, Clienti!L3), C003 (P.IVA 07643520567, Clienti!L4), C004 "
            "(P.IVA 07643520567, Clienti!L5) e un'altra riga (senza data), un altro acquirente:") in last.message()
    assert "C004 (P.IVA 07643520567, Clienti!L5) and 1 more row (without a date) too, another buyer:" in last.message("en")
    [told] = [p for p in warned if p.cell == "M6"]
    assert "C002 con data 15/01/2026 (Clienti!M3)" in told.message()
