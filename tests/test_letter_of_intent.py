"""A customer buying without VAT on a letter of intent (dichiarazione d'intento, N3.5): its
invoices cite the letter's protocol and date, in the e-invoice (AltriDatiGestionali INTENTO, as
the Agenzia's instructions ask) and on the printed copy; the data check refuses a protocol of
another shape and warns of an N3.5 customer without one, at the cell to fill in."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal as D

import minimal
import pytest
from conftest import with_stock_sheet
from test_foreign_customers import _march_drafts, _texts

from toolkit.basics.problems import Severity
from toolkit.intake.validation import check
from toolkit.model.parties import Buyer, Parties, PartyBook

PROTOCOL = "26011512345678901-000001"


def _with_letter(protocol: str | None, day: date | None, nature: str | None = "N3.5") -> dict:
    """Minimal workbook whose C001 (row 2) buys under this nature (K), protocol (L), date (M) and
    the letter's amount (P, `tests/test_letter_of_intent_ceiling.py`); its customers with the CAP
    and province an Italian e-invoice takes."""
    sheets = with_stock_sheet(minimal.sheets())
    for cell, value in (("K1", "Natura IVA"), ("K2", nature), ("L1", "Protocollo dichiarazione d'intento"),
                        ("L2", protocol), ("M1", "Data dichiarazione d'intento"), ("M2", day),
                        ("N1", "CAP"), ("N2", "10121"), ("N3", "00184"), ("O1", "Provincia"), ("O2", "TO"),
                        ("O3", "RM"), ("P1", "Importo dichiarazione d'intento"), ("P2", 50000)):
        minimal.set_cell(sheets, "Clienti", cell, value)
    return sheets


def _found(sheets: dict) -> list[tuple]:
    return [(p.sheet, p.cell, p.code, p.severity) for p in check(minimal.workbook(sheets)).problems]


def test_an_n3_5_customer_with_its_letter_s_protocol_and_date_is_clean():
    assert _found(_with_letter(PROTOCOL, date(2026, 1, 15))) == []


@pytest.mark.parametrize("protocol, day, cell", [(None, None, "L2"), (PROTOCOL, None, "M2"),
                                                 (None, date(2026, 1, 15), "L2")])
def test_an_n3_5_customer_without_its_letter_s_protocol_or_date_is_warned_at_the_empty_cell(protocol, day, cell):
    assert _found(_with_letter(protocol, day)) == [
        ("Clienti", cell, "letter-of-intent-without-protocol", Severity.WARNING)]


def test_an_older_desk_without_the_letter_s_columns_is_told_to_add_them_at_its_nature_cell():
    """A desk from before the columns has nowhere to write the letter: the warning, at the
    customer's *Natura IVA*, named columns the sheet did not have."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Clienti", "K1", "Natura IVA")
    minimal.set_cell(sheets, "Clienti", "K2", "N3.5")
    [problem] = [p for p in check(minimal.workbook(sheets)).problems if p.code == "letter-of-intent-without-protocol"]
    assert (problem.sheet, problem.cell) == ("Clienti", "K2")
    assert "aggiungile se mancano" in problem.message() and "add them if missing" in problem.message("en")


@pytest.mark.parametrize("nature", ["N6.3", "N6.7", "N4"])
def test_a_letter_beside_another_customer_nature_is_warned_at_its_protocol(nature):
    """A customer on reverse charge (N6.x) or another nature with a letter on its row: every
    line goes at that nature and no invoice cites the letter, which was silent. A warning at
    the protocol, saying both fixes; the letter's invoices are not refused."""
    sheets = _with_letter(PROTOCOL, date(2026, 1, 15), nature=nature)
    assert _found(sheets) == [("Clienti", "L2", "letter-of-intent-under-other-nature", Severity.WARNING)]
    [problem] = check(minimal.workbook(sheets)).problems
    assert f"la sua Natura IVA è {nature}" in problem.message("it") and "togli il protocollo" in problem.message("it")
    assert "write N3.5 in its VAT nature" in problem.message("en") and "clear the protocol" in problem.message("en")


def test_a_letter_of_a_customer_without_nature_is_left_to_its_items():
    """Without a customer nature the items' N3.5 cite the row's letter: no warning of it."""
    assert _found(_with_letter(PROTOCOL, date(2026, 1, 15), nature=None)) == []


@pytest.mark.parametrize("typed", ["12345", "26011512345678901 000001", "2601151234567890A-000001"])
def test_a_protocol_of_another_shape_is_refused_at_its_cell(typed):
    assert _found(_with_letter(typed, date(2026, 1, 15))) == [
        ("Clienti", "L2", "bad-intent-protocol", Severity.ERROR)]


def test_a_protocol_with_a_slash_before_its_progressive_is_accepted_and_cited_as_written():
    """The Agenzia's instructions for RiferimentoTesto separate the progressive by a dash or a
    slash: the check refused the slash, stopping every run of a desk that copied it so."""
    typed = "26011512345678901/000001"
    sheets = _with_letter(typed, date(2026, 1, 15))
    assert _found(sheets) == []
    root, _ = _invoice_xml(sheets)
    assert _texts(root, "DettaglioLinee/AltriDatiGestionali/RiferimentoTesto") == [typed]


def _invoice_xml(sheets: dict) -> tuple[ET.Element, bytes]:
    """C001's March order invoiced with C001 as the ledger keeps a buyer (`PartyBook`)."""
    from einvoice_factories import billable, ddt, invoice, tree

    from toolkit.writers.fatturapa import xml_bytes

    master = check(minimal.workbook(sheets)).master
    assert master is not None
    buyer = PartyBook(master).parties("C001").buyer
    assert buyer is not None
    lines = [billable(ln.item, str(ln.quantity), str(ln.unit_price), str(ln.vat_rate), ln.vat_nature,
                      delivery=ddt(), line=n) for n, ln in enumerate(_march_drafts(sheets)[0].lines, 1)]
    data = xml_bytes(tree(invoice(*lines, buyer=master.customers[0]), buyer))
    return ET.fromstring(data), data


def test_the_e_invoice_cites_the_letter_of_intent_on_its_first_line_and_is_schema_valid():
    """An N3.5 invoice without the letter's protocol is one the Agenzia cannot match to the letter
    the customer filed; the toolkit wrote none (RiferimentoNormativo alone)."""
    from fatturapa_reading import schema_errors

    root, data = _invoice_xml(_with_letter(PROTOCOL, date(2026, 1, 15)))
    assert schema_errors(data) == []
    assert _texts(root, "DettaglioLinee/AltriDatiGestionali/TipoDato") == ["INTENTO"]
    assert _texts(root, "DettaglioLinee/AltriDatiGestionali/RiferimentoTesto") == [PROTOCOL]
    assert _texts(root, "DettaglioLinee/AltriDatiGestionali/RiferimentoData") == ["2026-01-15"]
    first = next(e for e in root.iter("DettaglioLinee"))
    assert first.find("AltriDatiGestionali") is not None and first.findtext("Natura") == "N3.5"


def test_an_invoice_under_another_nature_cites_no_letter():
    root, _ = _invoice_xml(_with_letter(PROTOCOL, date(2026, 1, 15), nature=None))
    assert _texts(root, "DettaglioLinee/AltriDatiGestionali/TipoDato") == []


def test_a_buyer_without_a_letter_keeps_the_parties_text_the_ledger_holds():
    """The two fields are left out of the kept JSON while empty, so a customer's parties keep
    their digest and the ledger does not store them again."""
    seller = PartyBook(check(minimal.workbook(minimal.sheets())).master).seller
    buyer = Buyer(code="C001", name="Bar", address="Via Roma 1", city="Torino")
    text = Parties(seller=seller, buyer=buyer).text()
    assert "intent" not in text
    kept = Parties(seller=seller, buyer=Buyer(code="C001", name="Bar", address="Via Roma 1", city="Torino",
                                              intent_protocol=PROTOCOL, intent_date="2026-01-15"))
    assert Parties.from_text(kept.text()) == kept


def test_the_printed_copy_cites_the_letter_under_the_buyer(tmp_path):
    from einvoice_factories import billable, ddt, invoice
    from python_calamine import CalamineWorkbook

    from toolkit.writers.accountants import write_copies

    sheets = _with_letter(PROTOCOL, date(2026, 1, 15))
    master = check(minimal.workbook(sheets)).master
    assert master is not None
    lines = [billable(ln.item, str(ln.quantity), str(ln.unit_price), str(ln.vat_rate), ln.vat_nature,
                      delivery=ddt(), line=n) for n, ln in enumerate(_march_drafts(sheets)[0].lines, 1)]
    made = invoice(*lines, buyer=master.customers[0])
    path = write_copies(tmp_path / "copie.xlsx", master, [made])
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(made.number).to_python()
    assert [cell for row in rows for cell in row if isinstance(cell, str) and "prot." in cell] == [
        f"Dichiarazione d'intento prot. {PROTOCOL} del 15/01/2026"]


def test_a_credit_note_cites_the_letter_its_invoice_was_issued_under_not_today_s():
    """A letter of intent covers a year: a note in January on December's invoice follows the
    invoice, as its split payment, CIG and CUP do."""
    from toolkit.core.credit_notes import as_corrected

    seller = PartyBook(check(minimal.workbook(minimal.sheets())).master).seller

    def kept(protocol: str, day: str) -> Parties:
        return Parties(seller=seller, buyer=Buyer(code="C001", name="Bar", address="Via Roma 1", city="Torino",
                                                  intent_protocol=protocol, intent_date=day))

    december = kept("25121012345678901-000007", "2025-12-10")
    note = as_corrected(kept(PROTOCOL, "2026-01-15"), [("FT-2025-00312", december)])
    assert note.buyer is not None and (note.buyer.intent_protocol, note.buyer.intent_date) == (
        "25121012345678901-000007", "2025-12-10")



def test_a_credit_note_on_invoices_citing_one_letter_with_a_dash_and_a_slash_cites_that_letter_once():
    """April's invoice typed the protocol with a dash, May's with the slash the Agenzia allows too
    (`letter_key`): a volume discount's note on both corrects one letter, and its buyer cites it
    as one, so the ledger gives its N3.5 lines back to that letter (`ledger.letters`); as a note
    of two letters its lines, crediting no invoice line, gave back to none, and its print named
    the letter twice."""
    from toolkit.core.credit_notes import as_corrected

    seller = PartyBook(check(minimal.workbook(minimal.sheets())).master).seller

    def kept(protocol: str) -> Parties:
        return Parties(seller=seller, buyer=Buyer(code="C001", name="Bar", address="Via Roma 1", city="Torino",
                                                  intent_protocol=protocol, intent_date="2026-01-15"))

    slashed = PROTOCOL.replace("-", "/")
    note = as_corrected(kept(slashed), [("FT-2026-00041", kept(PROTOCOL)), ("FT-2026-00057", kept(slashed))])
    assert note.buyer is not None
    assert (note.buyer.intent_protocol, note.buyer.intent_date, note.buyer.intent_letters) == (
        PROTOCOL, "2026-01-15", None)


LAST_YEAR = "25121012345678901-000007"


@pytest.mark.parametrize("letters, cited", [
    ((LAST_YEAR, PROTOCOL), [LAST_YEAR, PROTOCOL]),
    ((None, PROTOCOL), [PROTOCOL]),
    ((PROTOCOL, PROTOCOL.replace("-", "/")), [PROTOCOL]),
])
def test_a_credit_note_on_invoices_of_several_letters_cites_each_letter(letters, cited):
    """A return takes goods back from the customer's latest invoices selling them: December's,
    under last year's letter, and January's, under this year's (or one before the customer had a
    letter). The note's buyer kept no one letter, and its e-invoice cited none; it cites each
    letter its invoices were issued under, one AltriDatiGestionali INTENTO each, on its first
    N3.5 line, as the Agenzia asks of a document under several letters. One letter typed with a
    dash on December's and a slash on January's (`letter_key`) is one letter, cited once, as the
    first invoice typed it: it cited each spelling as a letter of its own."""
    from dataclasses import replace

    from einvoice_factories import billable, credit_note, ddt, invoice, tree
    from fatturapa_reading import schema_errors

    from toolkit.core.credit_notes import as_corrected
    from toolkit.core.einvoice.links import credited_invoices
    from toolkit.core.invoicing import CitedInvoice
    from toolkit.writers.fatturapa import xml_bytes

    master = check(minimal.workbook(_with_letter(PROTOCOL, date(2026, 1, 15)))).master
    assert master is not None
    today = PartyBook(master).parties("C001")

    def kept(protocol: str | None) -> Parties:
        assert today.buyer is not None
        return replace(today, buyer=replace(today.buyer, intent_protocol=protocol,
                                            intent_date="2025-12-10" if protocol == LAST_YEAR else
                                            "2026-01-15" if protocol else None))

    sold = [replace(invoice(billable("A001", "10", "1.50", "0", "N3.5", delivery=ddt()), buyer=master.customers[0],
                            number=number, day=day), id=n, parties=kept(letter))
            for n, (number, day, letter) in enumerate((("FT-2025-00312", date(2025, 12, 15), letters[0]),
                                                       ("FT-2026-00004", date(2026, 1, 20), letters[1])), start=1)]
    note = credit_note(billable("A001", "-4", "1.50", "0", "N3.5", delivery=ddt()),
                       billable("A001", "-3", "1.50", "0", "N3.5", delivery=ddt(), line=2),
                       buyer=master.customers[0], day=date(2026, 2, 2))
    note = replace(note, cites=tuple(CitedInvoice(x.id or 0, x.number or "", x.invoice_date, D("6.00")) for x in sold),
                   parties=as_corrected(today, [(x.number or "", x.parties) for x in sold if x.parties]))
    assert note.parties is not None and note.parties.buyer is not None
    data = xml_bytes(tree(note, note.parties.buyer, linked=credited_invoices(note, sold)))
    root = ET.fromstring(data)
    assert schema_errors(data) == []
    assert _texts(root, "DettaglioLinee/AltriDatiGestionali/RiferimentoTesto") == cited
    assert _texts(root, "DettaglioLinee/AltriDatiGestionali/TipoDato") == ["INTENTO"] * len(cited)
    first = next(e for e in root.iter("DettaglioLinee"))
    assert len(first.findall("AltriDatiGestionali")) == len(cited)
    assert _texts(root, "DatiFattureCollegate/IdDocumento") == ["FT-2025-00312", "FT-2026-00004"]


@pytest.mark.parametrize("letters, printed", [
    ((LAST_YEAR, PROTOCOL), [f"Dichiarazione d'intento prot. {LAST_YEAR} del 10/12/2025",
                             f"Dichiarazione d'intento prot. {PROTOCOL} del 15/01/2026"]),
    ((None, PROTOCOL), [f"Dichiarazione d'intento prot. {PROTOCOL} del 15/01/2026"]),
])
def test_the_printed_credit_note_on_invoices_of_several_letters_names_each_letter(tmp_path, letters, printed):
    """Its e-invoice cited each letter; its printed copy, kept parties read back from the
    ledger's text, named none: the note's buyer kept no one letter."""
    from dataclasses import replace

    from einvoice_factories import billable, credit_note, ddt
    from python_calamine import CalamineWorkbook

    from toolkit.core.credit_notes import as_corrected
    from toolkit.writers.accountants import write_copies

    master = check(minimal.workbook(_with_letter(PROTOCOL, date(2026, 1, 15)))).master
    assert master is not None
    today = PartyBook(master).parties("C001")
    assert today.buyer is not None

    def kept(protocol: str | None) -> Parties:
        assert today.buyer is not None
        return replace(today, buyer=replace(today.buyer, intent_protocol=protocol, intent_date=(
            "2025-12-10" if protocol == LAST_YEAR else "2026-01-15" if protocol else None)))

    corrected = as_corrected(today, [("FT-2025-00312", kept(letters[0])), ("FT-2026-00004", kept(letters[1]))])
    note = replace(credit_note(billable("A001", "-4", "1.50", "0", "N3.5", delivery=ddt()), buyer=master.customers[0],
                               day=date(2026, 2, 2)), parties=Parties.from_text(corrected.text()))
    path = write_copies(tmp_path / "nc.xlsx", master, [note])
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(note.number).to_python()
    assert [cell for row in rows for cell in row if isinstance(cell, str) and "prot." in cell] == printed


def test_a_return_s_note_over_two_letters_prints_each_as_the_ledger_kept_them(tmp_path, ledger):
    """End to end: C002 buys in April under last year's letter and in May under this year's; its
    return of 20 May takes goods back from both invoices, so its note, stored and read back from
    the ledger, prints both letters and its e-invoice cites both."""
    from python_calamine import CalamineWorkbook
    from test_credit_returns import APRIL, MAY, SOLD, deliver
    from test_credit_returns import sheets as return_sheets

    from toolkit.core.invoicing import InvoiceKind, InvoiceStatus, Request
    from toolkit.ledger.db import reading
    from toolkit.ledger.invoices import load_invoices
    from toolkit.services.invoicing import run
    from toolkit.writers.accountants import write_copies

    def books(protocol: str, day: date):
        s = return_sheets(5)
        s["Modelli ordine"].append(["T004", "C002", None, None, "Mensile giorno", None, None, 12, None, None,
                                    date(2026, 5, 1), date(2026, 5, 31), None])
        s["Righe modello"].append(["T004", "A001", 3, None, None])
        for cell, value in (("K1", "Natura IVA"), ("K3", "N3.5"), ("L1", "Protocollo dichiarazione d'intento"),
                            ("L3", protocol), ("M1", "Data dichiarazione d'intento"), ("M3", day),
                            ("N1", "CAP"), ("N2", "10121"), ("N3", "00184"), ("O1", "Provincia"), ("O2", "TO"),
                            ("O3", "RM")):
            minimal.set_cell(s, "Clienti", cell, value)
        result = check(minimal.workbook(s))
        assert result.master is not None, [str(p) for p in result.problems if p.is_error]
        return result.master

    last_year, this_year = books(LAST_YEAR, date(2025, 12, 10)), books(PROTOCOL, date(2026, 5, 2))
    deliver(last_year, ledger, SOLD)
    assert not errors_of(run(ledger, last_year, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it"))
    deliver(this_year, ledger, date(2026, 5, 12))
    deliver(this_year, ledger, date(2026, 5, 20))
    assert not errors_of(run(ledger, this_year, Request(MAY, date(2026, 6, 3)), status=InvoiceStatus.FINAL, lang="it"))
    with reading(ledger) as conn:
        [note] = [x for x in load_invoices(conn) if x.kind is InvoiceKind.CREDIT_NOTE]
    assert len(note.cites) == 2
    path = write_copies(tmp_path / "nc.xlsx", this_year, [note])
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(note.number).to_python()
    assert [cell for row in rows for cell in row if isinstance(cell, str) and "prot." in cell] == [
        f"Dichiarazione d'intento prot. {LAST_YEAR} del 10/12/2025",
        f"Dichiarazione d'intento prot. {PROTOCOL} del 02/05/2026"]


def errors_of(result) -> list:
    return [p for p in result.problems if p.is_error]
