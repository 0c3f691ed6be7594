"""The ceiling (*plafond*) of a letter of intent: a customer buying on N3.5 is invoiced without
VAT up to the amount its letter declares (*Clienti › Importo dichiarazione d'intento*), counted
over the ledger's invoices citing that letter less its credit notes; beyond it, with VAT at the
item's rate and a warning (art. 7 c. 4-bis D.Lgs. 471/97). A new letter (a new protocol) starts
from nothing; a customer whose letter gives no amount keeps no ceiling, and is warned."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal as D

import minimal
import openpyxl
import pytest
from desks import customer_cells
from sdi_controls import breaches
from sqlalchemy import text
from test_credit_returns import APRIL, MAY

from toolkit.basics.problems import Severity
from toolkit.core.invoicing import InvoiceKind, InvoiceStatus, Period, Request
from toolkit.intake.validation import check
from toolkit.ledger.db import reading
from toolkit.ledger.letters import letters_used
from toolkit.services.credit_notes import credit
from toolkit.services.invoicing import run
from toolkit.services.orders import create
from toolkit.services.shipping import ship

PROTOCOL = "26011512345678901-000001"
LAST_YEAR = "25121012345678901-000007"


def _sheets(amount: object, protocol: str = PROTOCOL, day: date = date(2026, 1, 15)) -> dict:
    """C002 buys on a letter of intent (N3.5) with this amount (column P): 3 kg of coffee
    (A001, 22 %, 18.50 €) on the 10th, 55.50 €, and 2 kg on the 20th, 37.00 €, in April and May."""
    s = minimal.sheets()
    s["Modelli ordine"] = [s["Modelli ordine"][0]] + [
        [code, "C002", None, None, "Mensile giorno", None, None, dom, None, None, date(2026, 4, 1),
         date(2026, 5, 31), None] for code, dom in (("T010", 10), ("T020", 20))]
    s["Righe modello"] = [s["Righe modello"][0], ["T010", "A001", 3, None, None], ["T020", "A001", 2, None, None]]
    for cell, value in (("K1", "Natura IVA"), ("K3", "N3.5"), ("L1", "Protocollo dichiarazione d'intento"),
                        ("L3", protocol), ("M1", "Data dichiarazione d'intento"), ("M3", day),
                        ("N1", "CAP"), ("N2", "10121"), ("N3", "00184"), ("O1", "Provincia"), ("O2", "TO"),
                        ("O3", "RM"), ("P1", "Importo dichiarazione d'intento"), ("P3", amount)):
        minimal.set_cell(s, "Clienti", cell, value)
    return s


def _master(amount: object, protocol: str = PROTOCOL, day: date = date(2026, 1, 15)):
    result = check(minimal.workbook(_sheets(amount, protocol, day)))
    assert result.master is not None, [str(p) for p in result.problems if p.is_error]
    return result.master


def _told(sheets: dict) -> list:
    """The data check's problems but the stock's, which these sheets do not keep."""
    return [p for p in check(minimal.workbook(sheets)).problems if p.code != "stock-not-checked"]


def _deliver(books, ledger, *days: date) -> None:
    for day in days:
        create(books, ledger, day, with_catch_up=False, lang="it")
        assert ship(books, ledger, day, all_open=True, lang="it").notes


def _month(books, ledger, month, today: date):
    result = run(ledger, books, Request(month, today), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in result.problems if p.is_error], [str(p) for p in result.problems]
    [invoice] = [x for x in result.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    return result, invoice


def _rated(invoice) -> list[tuple]:
    """The goods' lines (amount, rate, nature), without the stamp duty charged."""
    return [(line.amount, line.vat_rate, line.vat_nature) for line in invoice.lines if line.order_line_id is not None]


def _crossings(result) -> list[tuple]:
    return [(p.sheet, p.cell, p.severity) for p in result.problems if p.code == "letter-of-intent-exceeded"]


APRIL_10, APRIL_20, MAY_11, MAY_20 = date(2026, 4, 10), date(2026, 4, 20), date(2026, 5, 11), date(2026, 5, 20)
"""The 10th of May is a Sunday: its order falls on Monday the 11th."""


def _created_at_once(s: dict, ledger):
    """C002 invoiced *Immediato*, its orders of the 10th and the 20th created, each invoiced
    when made: the two creations' outcomes."""
    minimal.set_cell(s, "Clienti", "Q1", "Termini di fatturazione")
    minimal.set_cell(s, "Clienti", "Q3", "Immediato")
    books = check(minimal.workbook(s)).master
    assert books is not None
    return (create(books, ledger, APRIL_10, with_catch_up=False, lang="it"),
            create(books, ledger, APRIL_20, with_catch_up=False, lang="it"))


def test_the_data_check_reads_the_amount_and_refuses_a_negative_or_a_word_at_its_cell():
    assert _master("50000,50").customers[1].intent_amount == D("50000.50")
    for typed, code in ((-100, "negative-amount"), ("molto", None)):
        found = [(p.sheet, p.cell, p.code) for p in check(minimal.workbook(_sheets(typed))).problems if p.is_error]
        assert [(sheet, cell) for sheet, cell, _ in found] == [("Clienti", "P3")]
        assert code is None or found[0][2] == code


def test_a_letter_without_an_amount_is_warned_once_at_the_empty_cell_and_keeps_no_ceiling(ledger):
    problems = _told(_sheets(None))
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "P3", "letter-of-intent-without-amount", Severity.WARNING)]
    assert "Importo dichiarazione d'intento" in problems[0].message()
    books = _master(None)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result, invoice = _month(books, ledger, APRIL, date(2026, 5, 4))
    assert {line.vat_nature for line in invoice.lines} == {"N3.5", "N1"} and invoice.vat == 0
    assert _crossings(result) == []


def test_a_workbook_before_the_column_is_warned_at_the_letter_s_protocol():
    s = _sheets(None)
    for row in s["Clienti"]:
        del row[15:]
    assert [(p.cell, p.code) for p in _told(s)] == [
        ("L3", "letter-of-intent-without-amount")]


def test_the_line_crossing_the_ceiling_is_split_its_units_within_without_vat_the_rest_with(ledger, tmp_path):
    """90 € declared: the 10th's 55.50 € fit, the 20th's 2 kg (37.00 €) would make 92.50: its
    1 kg that fits in the 34.50 € left goes N3.5, the other kg on a line of its own at 22 %, the
    two adding up to the DDT line; so in the summary, the totals, the ledger (two parts of one
    DDT line), the e-invoice (schema-valid, SDI's checks, the letter cited on the N3.5 lines),
    the printed copy and the register; 74 € without VAT owe no stamp duty."""
    books = _master(90)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result, invoice = _month(books, ledger, APRIL, date(2026, 5, 4))
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5"), (D("18.50"), D(0), "N3.5"), (D("18.50"), D(22), None)]
    first, within, beyond = [line for line in invoice.lines if line.order_line_id is not None]
    assert (within.quantity, beyond.quantity, within.unit_price, beyond.unit_price) == (1, 1, D("18.50"), D("18.50"))
    assert within.delivery_line_id == beyond.delivery_line_id != first.delivery_line_id
    assert within.order_line_id == beyond.order_line_id
    assert [(s.rate, s.nature, s.taxable, s.vat) for s in invoice.summary] == [
        (D(0), "N3.5", D("74.00"), D("0.00")), (D(22), None, D("18.50"), D("4.07"))]
    assert (invoice.taxable, invoice.vat, invoice.total) == (D("92.50"), D("4.07"), D("96.57"))
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("74.00")}
        parts = conn.execute(text("SELECT delivery_line_id, part, quantity FROM invoice_lines WHERE "
                                  "delivery_line_id IS NOT NULL ORDER BY line_no")).all()
    assert [(part, q) for _, part, q in parts] == [(0, 3000), (0, 1000), (1, 1000)]
    [warning] = [p for p in result.problems if p.code == "letter-of-intent-exceeded"]
    assert (warning.sheet, warning.cell, warning.severity) == ("Clienti", "P3", Severity.WARNING)
    assert warning.message() == (
        f"Il cliente C002 ha raggiunto l'importo della dichiarazione d'intento {PROTOCOL} (90,00 €): le fatture "
        "la avevano già usata per 0,00 €, questa emissione fattura ancora 74,00 € senza IVA (N3.5) e 18,50 € con "
        "l'IVA dell'articolo, dall'ordine OC-2026-00002 in poi (restano 16,00 €, meno del prezzo di un'unità della "
        "riga che la supera: di quella riga le unità che ci stavano vanno senza IVA, le altre con l'IVA), perché "
        "oltre l'importo dichiarato non si può fatturare senza IVA (art. 7 c. 4-bis D.Lgs. 471/97). Chiedi al "
        "cliente una nuova dichiarazione d'intento e scrivine protocollo, data e importo nel foglio Clienti.")
    assert "Ask the customer for a new letter of intent" in warning.message("en")
    assert "a line is not split" not in warning.message("en")
    _agree(books, ledger, invoice, tmp_path)


def _agree(books, ledger, invoice, tmp_path) -> None:
    """The stored invoice's e-invoice, print and register say what the run planned."""
    from fatturapa_reading import schema_errors
    from python_calamine import CalamineWorkbook

    from toolkit.ledger.invoices import load_invoices
    from toolkit.services.einvoice import export
    from toolkit.writers.accountants import write_copies

    with reading(ledger) as conn:
        [stored] = [x for x in load_invoices(conn) if x.number == invoice.number]
    assert _rated(stored) == _rated(invoice) and stored.vat == invoice.vat
    written = export(books, ledger, out=tmp_path / "xml", month=APRIL)
    data = written.files[invoice.number]
    data = data.read_bytes() if hasattr(data, "read_bytes") else data
    assert schema_errors(data) == []
    root = ET.fromstring(data)
    lines = [(e.findtext("PrezzoTotale"), e.findtext("AliquotaIVA"), e.findtext("Natura"),
              [x.findtext("RiferimentoTesto") for x in e.findall("AltriDatiGestionali")])
             for e in root.iter("DettaglioLinee")]
    assert lines == [("55.50", "0.00", "N3.5", [PROTOCOL]), ("18.50", "0.00", "N3.5", []),
                     ("18.50", "22.00", None, [])]
    assert [e.findtext("Quantita") for e in root.iter("DettaglioLinee")] == ["3.00", "1.00", "1.00"]
    summary = [(e.findtext("AliquotaIVA"), e.findtext("Natura"), e.findtext("ImponibileImporto"), e.findtext("Imposta"))
               for e in root.iter("DatiRiepilogo")]
    assert summary == [("0.00", "N3.5", "74.00", "0.00"), ("22.00", None, "18.50", "4.07")]
    assert root.findtext(".//DatiGeneraliDocumento/ImportoTotaleDocumento") == "96.57"
    assert breaches(data, date(2026, 5, 4)) == []
    path = write_copies(tmp_path / "copie.xlsx", books, [stored])
    cells = [c for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_name(stored.number).to_python()
             for c in row if c not in ("", None)]
    assert f"Dichiarazione d'intento prot. {PROTOCOL} del 15/01/2026" in cells
    assert 96.57 in cells and 4.07 in cells and cells.count(18.5) >= 4
    from toolkit.services.invoicing import write_workbook

    register = openpyxl.load_workbook(write_workbook(tmp_path, books, [stored], "x", "it")[0], read_only=True,
                                      data_only=True)
    rows = {ws.title: [r for r in ws.iter_rows(values_only=True) if stored.number in r] for ws in register.worksheets}
    assert [r[8:11] for r in rows["Registro"]] == [(92.5, 4.07, 96.57)]
    assert [r[3:] for r in rows["Riepilogo IVA"]] == [(0, "N3.5", 74, 0), (22, None, 18.5, 4.07)]
    assert [r[-3:] for r in rows["Righe"]] == [(55.5, 0, "N3.5"), (18.5, 0, "N3.5"), (18.5, 22, None)]


def test_a_ceiling_exactly_reached_keeps_every_line_without_vat_and_warns_nothing(ledger):
    """92.50 € declared, 92.50 € sold: all without VAT, so the stamp duty is due and charged."""
    books = _master("92,50")
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result, invoice = _month(books, ledger, APRIL, date(2026, 5, 4))
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5"), (D("37.00"), D(0), "N3.5")]
    assert invoice.vat == 0 and invoice.total == D("94.50") and _crossings(result) == []


def test_the_next_month_counts_what_the_letter_s_invoices_used_before(ledger):
    """April used 55.50 € of 130: May's 55.50 € fit (111), of its 37 € (2 kg) one kg fits in the 19 € left."""
    books = _master(130)
    _deliver(books, ledger, APRIL_10)
    _month(books, ledger, APRIL, date(2026, 5, 4))
    _deliver(books, ledger, MAY_11, MAY_20)
    result, invoice = _month(books, ledger, MAY, date(2026, 6, 3))
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5"), (D("18.50"), D(0), "N3.5"), (D("18.50"), D(22), None)]
    [warning] = [p for p in result.problems if p.code == "letter-of-intent-exceeded"]
    assert (dict(warning.params)["used"], dict(warning.params)["beyond"]) == (D("55.50"), D("18.50"))


def test_a_credit_note_citing_the_letter_gives_its_amount_back(ledger):
    """April's 55.50 € credited in full: May has all 92.50 € again, and its 55.50 + 37 fit;
    without the note, May's first line already passed the 37 € left."""
    books = _master("92,50")
    _deliver(books, ledger, APRIL_10)
    _, april = _month(books, ledger, APRIL, date(2026, 5, 4))
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("55.50")}
    assert credit(ledger, books, april.number, (), "Merce difettosa", date(2026, 5, 5), date(2026, 5, 5), lang="it").note
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {PROTOCOL: D("0.00")}
    _deliver(books, ledger, MAY_11, MAY_20)
    result, invoice = _month(books, ledger, MAY, date(2026, 6, 3))
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5"), (D("37.00"), D(0), "N3.5")]
    assert _crossings(result) == []


def test_a_new_letter_starts_from_nothing(ledger):
    """April used all of last year's letter (92.50 of 92.50); the customer's new letter of May, a
    new protocol, has its own 92.50 €: May's lines all fit. Counted per customer, May would pay VAT."""
    old = _master("92,50", LAST_YEAR, date(2025, 12, 10))
    _deliver(old, ledger, APRIL_10, APRIL_20)
    _month(old, ledger, APRIL, date(2026, 5, 4))
    new = _master("92,50", PROTOCOL, date(2026, 5, 2))
    _deliver(new, ledger, MAY_11, MAY_20)
    result, invoice = _month(new, ledger, MAY, date(2026, 6, 3))
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5"), (D("37.00"), D(0), "N3.5")]
    assert _crossings(result) == []
    with reading(ledger) as conn:
        assert letters_used(conn, ["C002"]) == {LAST_YEAR: D("92.50"), PROTOCOL: D("92.50")}


@pytest.mark.parametrize(("amount", "first"), [
    (D(0), [(D("55.50"), D(22), None)]),
    (D(15), [(D("55.50"), D(22), None)]),
    (D(50), [(D("37.00"), D(0), "N3.5"), (D("18.50"), D(22), None)])])
def test_once_beyond_every_later_line_pays_vat(ledger, amount, first):
    """The 10th's 3 kg (55.50 €) cross the letter: with 50 € declared its 2 kg that fit go N3.5,
    the third with VAT; with 15 € or none, less than a kg's 18.50 €, the whole line pays VAT. The
    20th's 37 € pay VAT too: the letter is used in delivery order, and a new one covers what
    follows."""
    books = _master(amount)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result, invoice = _month(books, ledger, APRIL, date(2026, 5, 4))
    assert _rated(invoice) == [*first, (D("37.00"), D(22), None)]
    assert len(_crossings(result)) == 1


def test_invoices_issued_at_once_keep_the_ceiling_across_days(ledger):
    """C002 invoiced *Immediato*: each order is invoiced when it is created, and the second day's
    invoice counts the first's: 90 € declared, the 10th's 55.50 € fit, of the 20th's 2 kg one
    fits and the other pays VAT, with the warning among the orders' problems."""
    s = _sheets(90)
    first, second = _created_at_once(s, ledger)
    [(one, told_first)] = [(x, first.problems) for x in first.invoices]
    [two] = second.invoices
    assert _rated(one) == [(D("55.50"), D(0), "N3.5")] and not _crossings_of(told_first)
    assert _rated(two) == [(D("18.50"), D(0), "N3.5"), (D("18.50"), D(22), None)]
    assert (two.vat, two.total) == (D("4.07"), D("41.07"))
    assert [(p.sheet, p.cell) for p in _crossings_of(second.problems)] == [("Clienti", "P3")]


def test_ship_and_invoice_at_once_keeps_the_ceiling(ledger):
    """`ship --invoice`: the DDT's invoice is made in the shipment, within what the letter left."""
    books = _master(90)
    create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    [one] = ship(books, ledger, APRIL_10, all_open=True, invoice=True, lang="it").invoices
    create(books, ledger, APRIL_20, with_catch_up=False, lang="it")
    done = ship(books, ledger, APRIL_20, all_open=True, invoice=True, lang="it")
    [two] = done.invoices
    assert _rated(one) == [(D("55.50"), D(0), "N3.5")]
    assert _rated(two) == [(D("18.50"), D(0), "N3.5"), (D("18.50"), D(22), None)]
    assert len(_crossings_of(done.problems)) == 1


def _crossings_of(problems) -> list:
    return [p for p in problems if p.code == "letter-of-intent-exceeded"]


def _beyond(problems) -> list[tuple]:
    return [(p.sheet, p.cell, dict(p.params)["open"], dict(p.params)["beyond"]) for p in problems
            if p.code == "letter-of-intent-orders-beyond"]


def test_orders_preview_and_create_warn_when_the_open_orders_would_pass_the_ceiling(ledger):
    """90 € declared: the 10th's order (55.50 €, not shipped) and the 20th's (37 €) pass it by
    2.50 €, told at the preview of the 20th and at its creation, before any invoice; 92.50 €
    declared, nothing is told."""
    from toolkit.services.orders import preview

    books = _master(90)
    assert _beyond(create(books, ledger, APRIL_10, with_catch_up=False, lang="it").problems) == []
    assert _beyond(preview(books, ledger, APRIL_20, with_catch_up=False).problems) == [
        ("Clienti", "P3", D("92.50"), D("2.50"))]
    made = create(books, ledger, APRIL_20, with_catch_up=False, lang="it")
    [told] = [p for p in made.problems if p.code == "letter-of-intent-orders-beyond"]
    assert told.message() == (
        "Il cliente C002 ha ordini aperti (da spedire o da fatturare) per 92,50 € senza IVA, e le fatture hanno "
        f"già usato 0,00 € della sua dichiarazione d'intento {PROTOCOL}, di 90,00 €: 2,50 € di quegli ordini non ci "
        "stanno, e alla fatturazione andranno con l'IVA dell'articolo: la riga che supera l'importo si divide, le sue "
        "unità che ci stanno senza IVA e le altre con l'IVA (art. 7 c. 4-bis D.Lgs. 471/97). Chiedi al cliente una "
        "nuova dichiarazione d'intento e scrivine protocollo, data e importo nel foglio Clienti.")
    assert "Ask the customer for a new letter of intent" in told.message("en")
    enough = _master("92,50")
    assert _beyond(preview(enough, ledger, APRIL_20, with_catch_up=False).problems) == []


def test_shipping_warns_when_the_goods_to_invoice_pass_what_the_letter_left(ledger):
    """April's invoice used 55.50 € of 100; May's 55.50 € shipped and waiting to be invoiced
    pass the 44.50 € left: the DDT's day says so, a month before the invoice would."""
    books = _master(100)
    _deliver(books, ledger, APRIL_10)
    _month(books, ledger, APRIL, date(2026, 5, 4))
    create(books, ledger, MAY_11, with_catch_up=False, lang="it")
    assert _beyond(ship(books, ledger, MAY_11, all_open=True, lang="it").problems) == [("Clienti", "P3", D("55.50"), D("11.00"))]


def test_a_day_without_letters_asks_the_ledger_nothing_of_them(ledger, monkeypatch):
    """The bundled minimal workbook has no letter of intent: creating, previewing, shipping and
    invoicing read no letter's use (the L benchmark's path is the same as before)."""
    from toolkit.ledger import letters

    def asked(*_args, **_kwargs):
        raise AssertionError("letters_used read without a letter")

    monkeypatch.setattr(letters, "letters_used", asked)
    import toolkit.services.intent_letters as services

    monkeypatch.setattr(services, "letters_used", asked)
    books = check(minimal.workbook(minimal.sheets())).master
    assert books is not None
    from toolkit.services.orders import preview

    thursday = date(2026, 4, 9)
    preview(books, ledger, thursday, with_catch_up=False)
    _deliver(books, ledger, thursday)
    assert run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it").invoices


def test_an_order_form_invoiced_at_once_past_the_ceiling_tells_it_on_its_form(tmp_path, sample_workbook, capsys):
    """`convert --to orders`: C004, invoiced *Immediato*, buys on a 1 € letter; its form's order
    is invoiced with VAT, and the warning, naming the order, is on that form's line of the
    report (a warning naming no order went on no form)."""
    import shutil

    from command_line import in_process as toolkit
    from test_convert import by_name

    from tests.foreign_inputs import order_form

    desk = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, desk)
    cells = customer_cells(desk, "C004", {"Natura IVA": "N3.5", "Protocollo dichiarazione d'intento": PROTOCOL,
                                          "Data dichiarazione d'intento": date(2026, 1, 15),
                                          "Importo dichiarazione d'intento": 1})
    forms = tmp_path / "moduli"
    order_form(forms / "subito.xlsx", "C004", date(2026, 4, 9), [("A001", 1)])
    mapping = tmp_path / "moduli.toml"
    mapping.write_text('[orders]\ncustomer = "Cliente:"\ndate = "B4"\nreference = "Vs. riferimento"\n'
                       '[orders.lines]\nitem = "Codice articolo"\nquantity = "Q.tà"\n', encoding="utf-8")
    code, document = toolkit(["convert", str(forms), "--to", "orders", "--master", str(desk), "--map", str(mapping),
                              "--out", str(tmp_path / "out"), "--jobs", "1"], capsys)
    form = by_name(document)["subito.xlsx"]
    assert (code, form["status"]) == (0, "converted")
    [told] = [p for p in form["problems"] if p["code"] == "letter-of-intent-exceeded"]
    assert (told["sheet"], told["cell"]) == ("Clienti", cells["Importo dichiarazione d'intento"])
    assert f"dall'ordine {form['orders'][0]} in poi" in told["message"]


def _shared(amount: object) -> dict:
    """`_sheets`, with C001 (a second *Clienti* row of the same buyer, e.g. re-coded) citing the
    same letter, and ordering 3 kg on the 10th too: 55.50 €."""
    s = _sheets(amount)
    for cell, value in (("K2", "N3.5"), ("L2", PROTOCOL), ("M2", date(2026, 1, 15)), ("P2", amount)):
        minimal.set_cell(s, "Clienti", cell, value)
    s["Modelli ordine"].append(["T011", "C001", None, None, "Mensile giorno", None, None, 10, None, None,
                                date(2026, 4, 1), date(2026, 5, 31), None])
    s["Righe modello"].append(["T011", "A001", 3, None, None])
    return s


def test_two_customers_citing_one_letter_share_its_ceiling_in_a_run(ledger):
    """90 € declared, one letter on two rows: C001's 55.50 € fit, C002's 55.50 € of the same
    run do not: one kg of them fits in the 34.50 € left, the other two pay VAT (each row kept all
    90 €, and 111 € went without VAT)."""
    books = check(minimal.workbook(_shared(90))).master
    assert books is not None
    _deliver(books, ledger, APRIL_10)
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    rated = {x.customer: _rated(x) for x in result.invoices if x.kind is InvoiceKind.INVOICE}
    assert rated == {"C001": [(D("55.50"), D(0), "N3.5")], "C002": [(D("18.50"), D(0), "N3.5"), (D("37.00"), D(22), None)]}
    [warning] = [p for p in result.problems if p.code == "letter-of-intent-exceeded"]
    assert (warning.cell, dict(warning.params)["customer"], dict(warning.params)["used"]) == ("P3", "C002", D("55.50"))


def test_shipping_counts_what_the_other_row_of_the_letter_used(ledger):
    """100 € declared on two rows: April's invoices used 92.50 € of it (C001's 55.50 €, and the
    2 kg of C002's 3 that fitted in the rest, the third with VAT); C002's 55.50 € shipped in May,
    alone, pass the 7.50 € left by 48 €, counted with what C001's invoice used."""
    s = _shared(100)
    s["Modelli ordine"][-1][11] = date(2026, 4, 30)
    books = check(minimal.workbook(s)).master
    assert books is not None
    _deliver(books, ledger, APRIL_10)
    _month(books, ledger, APRIL, date(2026, 5, 4))
    create(books, ledger, MAY_11, with_catch_up=False, lang="it")
    assert _beyond(ship(books, ledger, MAY_11, all_open=True, lang="it").problems) == [("Clienti", "P3", D("55.50"), D("48.00"))]


def test_the_preview_counts_the_open_orders_of_the_other_row_of_the_letter(ledger):
    """90 € declared on two rows: C001's order of the 10th (55.50 €, not shipped) and C002's of the
    20th (37 €) pass it by 2.50 €, told at the preview of the 20th though C002 alone is due."""
    from toolkit.services.orders import preview

    s = _shared(90)
    s["Modelli ordine"] = [row for row in s["Modelli ordine"] if row[0] != "T010"]
    s["Righe modello"] = [row for row in s["Righe modello"] if row[0] != "T010"]
    books = check(minimal.workbook(s)).master
    assert books is not None
    create(books, ledger, APRIL_10, with_catch_up=False, lang="it")
    told = [p for p in preview(books, ledger, APRIL_20, with_catch_up=False).problems
            if p.code == "letter-of-intent-orders-beyond"]
    assert _beyond(told) == [("Clienti", "P3", D("92.50"), D("2.50"))]
    assert told[0].message().startswith("Il cliente C002, con C001 che cita la stessa dichiarazione, ha ordini aperti")
    assert told[0].message("en").startswith("Customer C002, with C001 citing the same letter, has open orders")


def test_january_under_last_year_s_letter_is_invoiced_with_vat(ledger, rome_today):
    """A letter covers one solar year: December 2026 invoiced 58.50 € of a 1,000 € letter; its
    protocol left on *Clienti*, January 2027's 58.50 € are not without VAT (they went N3.5, on
    what the letter had left), with the warning at the protocol asking for 2027's letter, told
    first when January's order is made."""
    rome_today(date(2027, 2, 3))
    s = _sheets(1000)
    s["Modelli ordine"] = [s["Modelli ordine"][0], ["T010", "C002", None, None, "Mensile giorno", None, None, 10,
                                                    None, None, date(2026, 12, 1), date(2027, 1, 31), None]]
    s["Righe modello"] = [s["Righe modello"][0], ["T010", "A001", 3, None, None]]
    books = check(minimal.workbook(s)).master
    assert books is not None
    _deliver(books, ledger, date(2026, 12, 10))
    _, december = _month(books, ledger, Period(date(2026, 12, 1), date(2026, 12, 31)), date(2027, 1, 4))
    assert _rated(december) == [(D("58.50"), D(0), "N3.5")]
    made = create(books, ledger, date(2027, 1, 11), with_catch_up=False, lang="it")
    [ahead] = [p for p in made.problems if p.code == "letter-of-intent-orders-past-year"]
    assert (ahead.sheet, ahead.cell, dict(ahead.params)["open"]) == ("Clienti", "L3", D("58.50"))
    assert "per il 2027" in ahead.message() and "for 2027" in ahead.message("en")
    assert ship(books, ledger, date(2027, 1, 11), all_open=True, lang="it").notes
    result, january = _month(books, ledger, Period(date(2027, 1, 1), date(2027, 1, 31)), date(2027, 2, 3))
    assert _rated(january) == [(D("58.50"), D(22), None)]
    [told] = [p for p in result.problems if p.code == "letter-of-intent-past-year"]
    assert (told.sheet, told.cell, told.severity) == ("Clienti", "L3", Severity.WARNING)
    assert "per il 2027" in told.message() and "for 2027" in told.message("en")


def test_two_rows_of_one_letter_with_two_amounts_are_warned_at_the_second_amount():
    s = _shared(90)
    minimal.set_cell(s, "Clienti", "P3", 100)
    [told] = [p for p in _told(s) if p.code == "letter-of-intent-amounts-differ"]
    assert (told.sheet, told.cell, told.severity) == ("Clienti", "P3", Severity.WARNING)
    assert "90,00 €" in told.message() and "100,00 €" in told.message() and "C001" in told.message()
    assert "Write the letter's amount in both" in told.message("en")
    assert not [p for p in _told(_shared(90)) if p.code == "letter-of-intent-amounts-differ"]


def test_a_customer_re_coded_keeps_what_its_letter_used_under_the_old_code(ledger):
    """April invoiced C002 55.50 € of a 90 € letter; C002 is then re-coded C102, its row and
    templates, the same letter: May's 55.50 € pass the 34.50 € left, one kg of them within
    (counted over C102's invoices alone, the letter had all 90 € again)."""
    books = _master(90)
    _deliver(books, ledger, APRIL_10)
    _month(books, ledger, APRIL, date(2026, 5, 4))
    s = _sheets(90)
    minimal.set_cell(s, "Clienti", "A3", "C102")
    for row in s["Modelli ordine"][1:]:
        row[1] = "C102"
    recoded = check(minimal.workbook(s)).master
    assert recoded is not None
    _deliver(recoded, ledger, MAY_11)
    result = run(ledger, recoded, Request(MAY, date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it")
    [may] = [x for x in result.invoices if x.customer == "C102"]
    assert _rated(may) == [(D("18.50"), D(0), "N3.5"), (D("37.00"), D(22), None)]
    [warning] = [p for p in result.problems if p.code == "letter-of-intent-exceeded"]
    assert dict(warning.params)["used"] == D("55.50")


def test_planning_again_one_row_of_a_shared_letter_is_planning_everything_again(ledger):
    """Month end plans again only the customers whose returns it refused (`plan_again`): C002
    alone planned again kept all of the shared 90 € C001's lines had taken, and went N3.5 (not
    one kg within the 34.50 € left)."""
    from toolkit.core.invoicing import plan_again
    from toolkit.services.invoicing import billables_for

    books = check(minimal.workbook(_shared(90))).master
    assert books is not None
    _deliver(books, ledger, APRIL_10)
    request = Request(APRIL, date(2026, 5, 4))
    with reading(ledger) as conn:
        billables = billables_for(conn, books, request)
    first = billables.plan(books, request)
    again = plan_again(books, first, billables.shipments, {"C002"}, request, billables.complete,
                       billables.held_lines, billables.issued_names, billables.ceilings)
    assert {x.customer: _rated(x) for x in again.invoices} == {x.customer: _rated(x) for x in first.invoices} == {
        "C001": [(D("55.50"), D(0), "N3.5")], "C002": [(D("18.50"), D(0), "N3.5"), (D("37.00"), D(22), None)]}


def test_two_rows_of_one_letter_in_one_run_share_its_year(ledger, rome_today):
    """A letter covers the year of its first line invoiced: C001's December 2026 line and
    C002's of January 2027 are the letter's first, in one run; C002's, read alone, made 2027
    the letter's year and went N3.5. It is invoiced with VAT, warned at C002's protocol."""
    rome_today(date(2027, 2, 3))
    s = _shared(1000)
    s["Modelli ordine"] = [s["Modelli ordine"][0],
                           ["T011", "C001", None, None, "Mensile giorno", None, None, 10, None, None,
                            date(2026, 12, 1), date(2026, 12, 31), None],
                           ["T010", "C002", None, None, "Mensile giorno", None, None, 10, None, None,
                            date(2027, 1, 1), date(2027, 1, 31), None]]
    s["Righe modello"] = [s["Righe modello"][0], ["T011", "A001", 3, None, None], ["T010", "A001", 3, None, None]]
    books = check(minimal.workbook(s)).master
    assert books is not None
    _deliver(books, ledger, date(2026, 12, 10), date(2027, 1, 11))
    result = run(ledger, books, Request(Period(date(2026, 12, 1), date(2027, 1, 31)), date(2027, 2, 3)),
                 status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in result.problems if p.is_error], [str(p) for p in result.problems]
    rated = {x.customer: _rated(x) for x in result.invoices if x.kind is InvoiceKind.INVOICE}
    assert rated == {"C001": [(D("58.50"), D(0), "N3.5")], "C002": [(D("58.50"), D(22), None)]}
    [told] = [p for p in result.problems if p.code == "letter-of-intent-past-year"]
    assert (told.cell, dict(told.params)["customer"], dict(told.params)["year"]) == ("L3", "C002", "2026")


def _item_gone(taxed_too: bool, amount: object = 90, day: date = date(2026, 1, 15)) -> tuple:
    """C002 on a 90 € letter (`amount`, of `day`) buys A001, then at 10 %, on the 10th and the
    20th of April (one kg of the 20th's 2 beyond the letter); with `taxed_too`, C001, paying VAT, buys
    it on the 10th. By month end A001 has left *Articoli*, its prices and templates with it."""
    s = _sheets(amount, day=day)
    minimal.set_cell(s, "Articoli", "D2", 10)
    s["Modelli ordine"] = [row for row in s["Modelli ordine"] if row[0] != "T001"]
    if taxed_too:
        s["Modelli ordine"].append(["T011", "C001", None, None, "Mensile giorno", None, None, 10, None, None,
                                    date(2026, 4, 1), date(2026, 4, 30), None])
        s["Righe modello"].append(["T011", "A001", 1, None, None])
    books = check(minimal.workbook(s)).master
    assert books is not None
    gone = _sheets(amount, day=day)
    gone["Articoli"] = [row for row in gone["Articoli"] if row[0] != "A001"]
    gone["Prezzi"] = [row for row in gone["Prezzi"] if row[2] != "A001"]
    gone["Modelli ordine"] = gone["Modelli ordine"][:1]
    gone["Righe modello"] = gone["Righe modello"][:1]
    later = check(minimal.workbook(gone)).master
    assert later is not None, [str(p) for p in check(minimal.workbook(gone)).problems if p.is_error]
    return books, later


def test_a_line_beyond_whose_item_left_articoli_takes_the_rate_its_ddts_carried(ledger):
    """C001's DDT of the 10th carried A001 at 10 %: C002's kg of the 20th beyond the letter
    takes 10 %, not the ordinary 22 % it took for an item no longer on *Articoli*."""
    books, later = _item_gone(taxed_too=True)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    _, invoice = _month(later, ledger, APRIL, date(2026, 5, 4))
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5"), (D("18.50"), D(0), "N3.5"), (D("18.50"), D(10), None)]


def test_a_line_beyond_whose_item_left_articoli_and_the_ledger_knows_no_rate_is_refused(ledger):
    """No DDT with VAT ever carried A001: the run is refused at C002's amount, naming the item
    and the fix, and stores nothing (it went at 22 % without a word). A new letter is a fix only
    if it came before the delivery: one written now would not cover goods already delivered."""
    from sqlalchemy import func, select

    from toolkit.ledger import schema

    books, later = _item_gone(taxed_too=False)
    _deliver(books, ledger, APRIL_10, APRIL_20)
    result = run(ledger, later, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [refused] = [p for p in result.problems if p.is_error]
    assert (refused.code, refused.sheet, refused.cell) == ("letter-of-intent-rate-unknown", "Clienti", "P3")
    assert "A001" in refused.message() and "Rimetti A001 nel foglio Articoli" in refused.message()
    assert "Put A001 back on the Articoli sheet" in refused.message("en")
    assert "una nuova dichiarazione prima del 20/04/2026" in refused.message()
    assert "a new letter before 20/04/2026" in refused.message("en")
    with reading(ledger) as conn:
        assert conn.execute(select(func.count()).select_from(schema.invoices)).scalar_one() == 0


def test_the_warning_ahead_counts_only_what_the_letter_will_invoice(ledger):
    """C002's order of the 10th (55.50 €) was made before it bought on N3.5, and keeps its VAT:
    with the 20th's 37 € under a 90 € letter nothing passes it (92.50 € were told)."""
    from toolkit.services.orders import preview

    before = _sheets(90)
    for cell in ("K3", "L3", "M3", "P3"):
        minimal.set_cell(before, "Clienti", cell, None)
    taxed = check(minimal.workbook(before)).master
    assert taxed is not None
    create(taxed, ledger, APRIL_10, with_catch_up=False, lang="it")
    books = _master(90)
    assert _beyond(preview(books, ledger, APRIL_20, with_catch_up=False).problems) == []
    assert _beyond(create(books, ledger, APRIL_20, with_catch_up=False, lang="it").problems) == []


def test_the_warning_ahead_counts_an_order_made_before_n3_5_that_a_rate_change_rates_again(ledger):
    """As above, but A001 goes from 22 % to 10 % on the 15th: C002's order of the 10th, made with
    VAT, is rated again when it ships, at C002's N3.5 now (`core.delivery_rate`), and invoiced
    under the letter: with the 20th's 37 € they pass the 90 € by 2.50 €, told ahead (nothing was);
    of the 20th's 2 kg the one beyond takes the new 10 %."""
    from toolkit.services.orders import preview

    def sheets(taxed: bool) -> dict:
        s = _sheets(90)
        for cell, value in (("F1", "Nuova aliquota IVA"), ("G1", "Dal"), ("F2", 10), ("G2", date(2026, 4, 15))):
            minimal.set_cell(s, "Articoli", cell, value)
        for cell in ("K3", "L3", "M3", "P3") if taxed else ():
            minimal.set_cell(s, "Clienti", cell, None)
        return s

    create(check(minimal.workbook(sheets(taxed=True))).master, ledger, APRIL_10, with_catch_up=False, lang="it")
    books = check(minimal.workbook(sheets(taxed=False))).master
    assert _beyond(preview(books, ledger, APRIL_20, with_catch_up=False).problems) == [
        ("Clienti", "P3", D("92.50"), D("2.50"))]
    _deliver(books, ledger, APRIL_20)
    _, invoice = _month(books, ledger, APRIL, date(2026, 5, 4))
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5"), (D("18.50"), D(0), "N3.5"), (D("18.50"), D(10), None)]


def test_the_warning_ahead_does_not_count_again_an_excess_the_invoices_made(ledger):
    """April invoiced 55.50 € N3.5 under a letter of 100 €, whose amount the desk then corrects
    to 50 €: May's 55.50 € will all go with VAT, 55.50 € beyond, not 61 € (5.50 € counted twice),
    and told so: "together they pass it by 55.50 €" was false, they passed it by 61 €."""
    books = _master(100)
    _deliver(books, ledger, APRIL_10)
    _month(books, ledger, APRIL, date(2026, 5, 4))
    lower = _master(50)
    made = create(lower, ledger, MAY_11, with_catch_up=False, lang="it")
    assert _beyond(made.problems) == [("Clienti", "P3", D("55.50"), D("55.50"))]
    [told] = [p for p in made.problems if p.code == "letter-of-intent-orders-beyond"]
    assert "di 50,00 €: 55,50 € di quegli ordini non ci stanno" in told.message()
    assert "of 50.00 €: 55.50 € of those orders do not fit in it" in told.message("en")


@pytest.mark.parametrize("taxed_too", [True, False])
def test_a_debit_note_beyond_on_goods_whose_item_left_articoli_takes_the_rate_as_an_invoice_does(ledger, taxed_too):
    """C002's April invoice (A001 at 10 %) left 34.50 € of its 90 € letter; A001 then left
    *Articoli*. A debit note of 100 € goes beyond: at the 10 % C001's DDT carried, or, with no
    DDT with VAT, refused at C002's amount naming A001, nothing stored (it went at 22 %)."""
    from sqlalchemy import func, select

    from toolkit.ledger import schema
    from toolkit.services.debit_notes import debit

    books, later = _item_gone(taxed_too)
    _deliver(books, ledger, APRIL_10)
    _, invoice = _month(books, ledger, APRIL, date(2026, 5, 4))
    done = debit(ledger, later, invoice.number, D(100), None, "Prezzo rivisto", date(2026, 5, 5), date(2026, 5, 5), lang="it")
    if taxed_too:
        assert done.note is not None and (done.note.vat, done.note.total) == (D("10.00"), D("110.00"))
        [told] = [p for p in done.problems if p.code == "letter-of-intent-debit-beyond"]
        assert (told.sheet, told.cell) == ("Clienti", "P3") and "(10 %)" in told.message()
        return
    assert done.note is None
    [refused] = done.problems
    assert (refused.code, refused.sheet, refused.cell, refused.is_usage) == (
        "letter-of-intent-debit-rate-unknown", "Clienti", "P3", True)
    assert "Rimetti A001 nel foglio Articoli" in refused.message()
    assert "Put A001 back on the Articoli sheet" in refused.message("en")
    with reading(ledger) as conn:
        assert conn.execute(select(func.count()).select_from(schema.invoices)).scalar_one() == 1


def test_a_line_beyond_whose_item_left_articoli_takes_the_rate_a_sale_carried_not_a_return(ledger, tmp_path):
    """A001 goes from 22 % to 10 % on 15 April. C001's sale of the 15th carried 10 %; its return,
    ordered on the 10th and back on the 18th, the 22 % of the goods it gives back. C002's line
    of the 20th, its kg beyond its letter once A001 left *Articoli*, takes 10 %: the return's 22 % is
    not the item's rate of any day after the 15th."""
    s = _sheets(90)
    for cell, value in (("F1", "Nuova aliquota IVA"), ("G1", "Dal"), ("F2", 10), ("G2", date(2026, 4, 15))):
        minimal.set_cell(s, "Articoli", cell, value)
    s["Modelli ordine"] = [row for row in s["Modelli ordine"] if row[0] != "T001"] + [
        ["T011", "C001", None, None, "Mensile giorno", None, None, 15, None, None, date(2026, 4, 1),
         date(2026, 4, 30), None],
        ["T012", "C001", None, None, "Mensile giorno", None, None, 10, None, None, date(2026, 4, 1),
         date(2026, 4, 30), "Reso"]]
    s["Righe modello"] += [["T011", "A001", 1, None, None], ["T012", "A001", 1, None, None]]
    books = check(minimal.workbook(s)).master
    assert books is not None, [str(p) for p in check(minimal.workbook(s)).problems if p.is_error]
    made = create(books, ledger, APRIL_10, with_catch_up=False, lang="it").created
    ship(books, ledger, APRIL_10, numbers=[x["number"] for x in made if x["template"] == "T010"], lang="it")
    _deliver(books, ledger, date(2026, 4, 15))
    ship(books, ledger, date(2026, 4, 18), numbers=[x["number"] for x in made if x["template"] == "T012"], lang="it")
    _deliver(books, ledger, APRIL_20)
    _, later = _item_gone(taxed_too=False)
    result = run(ledger, later, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    [invoice] = [x for x in result.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5"), (D("18.50"), D(0), "N3.5"), (D("18.50"), D(10), None)]
    from fatturapa_reading import schema_errors

    from toolkit.services.einvoice import export

    data = export(later, ledger, out=tmp_path / "xml", month=APRIL).files[invoice.number]
    data = data.read_bytes() if hasattr(data, "read_bytes") else data
    assert schema_errors(data) == []
    assert [(e.findtext("AliquotaIVA"), e.findtext("Natura"), e.findtext("Imposta"))
            for e in ET.fromstring(data).iter("DatiRiepilogo")] == [("0.00", "N3.5", "0.00"), ("10.00", None, "1.85")]


def _december_sold_in_january(ledger, s: dict, ends: date):
    """C002 on a template T011 (A001, from 1 December to `ends`), its coffee delivered on 10
    December 2026 and invoiced, final, on 5 January 2027: the books and that invoice."""
    s["Modelli ordine"] = [s["Modelli ordine"][0],
                           ["T011", "C002", None, None, "Mensile giorno", None, None, 10, None, None,
                            date(2026, 12, 1), ends, None]]
    s["Righe modello"] = [s["Righe modello"][0], ["T011", "A001", 3, None, None]]
    books = check(minimal.workbook(s)).master
    assert books is not None
    _deliver(books, ledger, date(2026, 12, 10))
    december = run(ledger, books, Request(Period(date(2026, 12, 1), date(2026, 12, 31)), date(2027, 1, 5),
                                          invoice_date=date(2027, 1, 5)), status=InvoiceStatus.FINAL, lang="it")
    [sold] = [x for x in december.invoices if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    return books, sold


def test_a_letter_first_used_by_december_goods_invoiced_in_january_covers_december_s_year(ledger, rome_today):
    """C002's first goods under its letter left on 10 December 2026, invoiced on 5 January 2027
    (a deferred invoice may be, by the 15th): they are sales of 2026, the letter's year, so the
    goods of 11 January go with VAT, warned at the protocol. The invoice's date made 2027 the
    letter's year, and January went N3.5 under December's letter."""
    rome_today(date(2027, 2, 3))
    s = _sheets(1000)
    books, first = _december_sold_in_january(ledger, s, date(2027, 1, 31))
    assert (first.invoice_date, [x[1:] for x in _rated(first)]) == (date(2027, 1, 5), [(D(0), "N3.5")])
    _deliver(books, ledger, date(2027, 1, 11))
    result, invoice = _month(books, ledger, Period(date(2027, 1, 1), date(2027, 1, 31)), date(2027, 2, 3))
    assert [x[1:] for x in _rated(invoice)] == [(D(22), None)]
    [told] = [p for p in result.problems if p.code == "letter-of-intent-past-year"]
    assert (told.cell, dict(told.params)["year"]) == ("L3", "2026")


def test_a_debit_note_past_the_letter_s_year_carries_the_rate_of_its_goods_delivery_day(ledger, rome_today):
    """A001 goes from 22 % to 10 % on 1 January 2027. C002's coffee left on 10 December under its
    letter, invoiced on 5 January; a debit note of 8 January is past the letter's year and takes
    the VAT of the goods it adds to: 22 %, their delivery's, as a variation follows the rate of
    the sale it corrects; it took 10 %, the rate of the invoice's day."""
    from toolkit.services.debit_notes import debit

    rome_today(date(2027, 1, 8))
    s = _sheets(1000)
    for cell, value in (("F1", "Nuova aliquota IVA"), ("G1", "Dal"), ("F2", 10), ("G2", date(2027, 1, 1))):
        minimal.set_cell(s, "Articoli", cell, value)
    books, sold = _december_sold_in_january(ledger, s, date(2026, 12, 31))
    done = debit(ledger, books, sold.number, D(100), None, "Prezzo rivisto", date(2027, 1, 8), date(2027, 1, 8), lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert (done.note.vat, done.note.total) == (D("22.00"), D("122.00"))
    [told] = [p for p in done.problems if p.code == "letter-of-intent-debit-past-year"]
    assert (told.cell, dict(told.params)["rate"]) == ("L3", "22 %")


def test_the_letter_retyped_with_a_slash_before_its_progressive_is_the_same_letter(ledger):
    """April invoiced under 26011512345678901-000001; the desk types the same protocol with the
    slash the Agenzia's instructions allow as well: May counts what April used (55.50 of 130),
    where the slashed protocol was a new letter starting from nothing and all of May went N3.5."""
    _deliver(_master(130), ledger, APRIL_10)
    _month(_master(130), ledger, APRIL, date(2026, 5, 4))
    slashed = _master(130, PROTOCOL.replace("-", "/"))
    _deliver(slashed, ledger, MAY_11, MAY_20)
    result, invoice = _month(slashed, ledger, MAY, date(2026, 6, 3))
    assert _rated(invoice) == [(D("55.50"), D(0), "N3.5"), (D("18.50"), D(0), "N3.5"), (D("18.50"), D(22), None)]
    [warning] = [p for p in result.problems if p.code == "letter-of-intent-exceeded"]
    assert dict(warning.params)["used"] == D("55.50")


def test_two_rows_typing_one_letter_with_a_dash_and_a_slash_share_its_ceiling_and_are_checked_as_one(ledger):
    """C001 types the letter C002 cites with a slash: one letter, so one run keeps their 111 € of
    N3.5 within its 90 € (each row kept all 90 € as a letter of its own), and two amounts for it
    are told as for one protocol typed alike."""
    s = _shared(90)
    minimal.set_cell(s, "Clienti", "L2", PROTOCOL.replace("-", "/"))
    books = check(minimal.workbook(s)).master
    assert books is not None
    _deliver(books, ledger, APRIL_10)
    result = run(ledger, books, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    rated = {x.customer: _rated(x) for x in result.invoices if x.kind is InvoiceKind.INVOICE}
    assert rated == {"C001": [(D("55.50"), D(0), "N3.5")], "C002": [(D("18.50"), D(0), "N3.5"), (D("37.00"), D(22), None)]}
    minimal.set_cell(s, "Clienti", "P3", 100)
    [told] = [p for p in _told(s) if p.code == "letter-of-intent-amounts-differ"]
    assert (told.sheet, told.cell) == ("Clienti", "P3")


def test_a_debit_note_under_the_letter_retyped_with_a_slash_counts_what_its_invoices_used(ledger, rome_today):
    """April used 55.50 € of a 90 € letter; the row retyped with a slash, a debit note of 50 € on
    April's invoice passes the 34.50 € left and carries A001's 22 %, told at the amount, where the
    invoice's letter was one no Clienti row cited any more (letter-of-intent-debit-former, "now cites
    …/000001"), as if the desk had written a new letter."""
    from toolkit.services.debit_notes import debit

    rome_today(date(2026, 5, 6))
    _deliver(_master(90), ledger, APRIL_10)
    _, invoice = _month(_master(90), ledger, APRIL, date(2026, 5, 4))
    slashed = _master(90, PROTOCOL.replace("-", "/"))
    done = debit(ledger, slashed, invoice.number, D(50), None, "Prezzo rivisto", date(2026, 5, 6), date(2026, 5, 6), lang="it")
    assert done.note is not None, [str(p) for p in done.problems]
    assert (done.note.vat, done.note.total) == (D("11.00"), D("61.00"))
    assert [(p.sheet, p.cell) for p in done.problems if p.code == "letter-of-intent-debit-beyond"] == [("Clienti", "P3")]
    assert not [p for p in done.problems if p.code == "letter-of-intent-debit-former"]
