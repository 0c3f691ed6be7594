"""CIG and CUP: a public administration pays only an e-invoice naming its contract (CIG, art. 25
DL 66/2014) and, for public works, the project (CUP). *Clienti* holds them, the data check
tests their shape, the issued parties keep them, FatturaPA writes them in every
DatiOrdineAcquisto and the printed invoice shows them under the buyer."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import minimal
from conftest import with_stock_sheet
from fatturapa_reading import read, schema_errors
from python_calamine import CalamineWorkbook
from test_invoicing import make_order, master_with
from test_invoicing import ship as ship_lines
from test_services_no_ddt import APRIL, april_einvoices, service_sheets

from toolkit.basics.problems import Severity, problem_type
from toolkit.basics.vocab import InvoiceTerms
from toolkit.core.invoicing import InvoiceStatus, Period, Request
from toolkit.intake.validation import check
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices
from toolkit.model.parties import Parties, party_book
from toolkit.services import einvoice, invoicing
from toolkit.writers.accountants import write_accountants

CIG, CUP = "ZA1B2C3D4E", "J11B21000010001"


def public_sheets(sdi: str | None = "UFABCD", cig: str | None = None, cup: str | None = None):
    """The minimal workbook, C001 with an SDI code (a public office's by default), CIG and CUP."""
    sheets = with_stock_sheet(minimal.sheets())
    for cell, value in {"K1": "Codice SDI", "K2": sdi, "L1": "CIG", "L2": cig, "M1": "CUP", "M2": cup}.items():
        minimal.set_cell(sheets, "Clienti", cell, value)
    return sheets


def found(sheets):
    return [(p.sheet, p.cell, p.code, p.severity) for p in check(minimal.workbook(sheets)).problems]


def test_a_cig_or_cup_of_the_wrong_shape_is_an_error_at_its_cell():
    assert found(public_sheets(cig="ZA1B2C3D4")) == [("Clienti", "L2", "bad-cig", Severity.ERROR)]
    assert found(public_sheets(cig="ZA1B2C3D4-")) == [("Clienti", "L2", "bad-cig", Severity.ERROR)]
    assert found(public_sheets(cig=CIG, cup="J11B2100001000")) == [("Clienti", "M2", "bad-cup", Severity.ERROR)]
    [problem] = check(minimal.workbook(public_sheets(cig="ZA1B2C3D4"))).problems
    assert problem.message("it") == "Il CIG «ZA1B2C3D4» deve avere 10 caratteri, lettere e cifre (es. ZA1B2C3D4E)."
    assert "must have 10 characters" in problem.message("en")


def test_cig_and_cup_typed_in_small_letters_are_kept_in_capitals():
    result = check(minimal.workbook(public_sheets(cig=" za1b2c3d4e ", cup=CUP.lower())))
    assert result.problems == []
    assert (result.master.customers[0].cig, result.master.customers[0].cup) == (CIG, CUP)


def test_a_public_administration_without_cig_is_warned_at_the_cig_cell_and_a_company_is_not():
    problems = check(minimal.workbook(public_sheets())).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "L2", "public-body-without-cig", Severity.WARNING)]
    assert "la PA può rifiutare la fattura; alcuni acquisti ne sono esenti" in problems[0].message("it")
    assert "the body may refuse the invoice; some purchases are exempt" in problems[0].message("en")
    assert problem_type(problems[0].code).titles == {"it": "Pubblica amministrazione senza CIG",
                                                   "en": "Public administration without CIG"}
    assert found(public_sheets(sdi="M5UXCR1")) == []
    assert found(public_sheets(cig=CIG)) == []


def test_the_issued_buyer_keeps_cig_and_cup_and_parties_stored_before_them_still_read():
    master = check(minimal.workbook(public_sheets(cig=CIG, cup=CUP))).master
    parties = party_book(master).parties("C001")
    assert (parties.buyer.cig, parties.buyer.cup) == (CIG, CUP)
    assert Parties.from_text(parties.text()) == parties
    old = json.loads(parties.text())
    del old["buyer"]["cig"], old["buyer"]["cup"]
    buyer = Parties.from_text(json.dumps(old)).buyer
    assert (buyer.name, buyer.cig, buyer.cup) == ("Bar Centrale S.n.c.", None, None)


def test_the_einvoice_names_cig_and_cup_in_one_block_per_order_merged_with_the_services(tmp_path, ledger):
    """C001's orders are mixed: goods on DDTs, services cited by their order. Each order gets one
    DatiOrdineAcquisto with all its lines, CUP and CIG; C002 (no codes) cites only its services."""
    sheets = service_sheets()
    for row, extra in zip(sheets["Clienti"], (["CIG", "CUP"], [CIG.lower(), CUP], [None, None])):
        row += extra
    _, files = april_einvoices(check(minimal.workbook(sheets)).master, ledger, tmp_path)
    public = read(next(p for name, p in files.items() if name != "Mario Rossi"))
    assert public.order_codes == (("OC-2026-00001", CUP, CIG), ("OC-2026-00004", CUP, CIG))
    cited = [n for _, lines in public.purchase_orders for n in lines]
    assert sorted(cited) == [line.number for line in public.lines]
    assert read(files["Mario Rossi"]).order_codes == (("OC-2026-00002", None, None), ("OC-2026-00005", None, None))
    for path in files.values():
        assert schema_errors(path.read_bytes()) == []


def test_the_printed_invoice_shows_cig_and_cup_under_the_buyer(tmp_path, ledger):
    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, payment_terms="30", sdi_code="UFABCD",
                         cig=CIG, cup=CUP)
    _, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "1", "176.18", "22", None)])
    ship_lines(ledger, "C001", date(2026, 4, 9), [(line_id, "1")])
    result = invoicing.run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it")
    with reading(ledger) as conn:
        [invoice] = load_invoices(conn, run_id=result.run_id)
    copies = write_accountants(tmp_path, master, [invoice], result.run_id, copies=True)[1]
    rows = CalamineWorkbook.from_path(str(copies)).get_sheet_by_name(invoice.number).to_python()
    column = [row[0] for row in rows]
    sdi = column.index("Codice destinatario: UFABCD")
    assert column[sdi + 1:sdi + 3] == [f"CIG {CIG}", f"CUP {CUP}"]


def test_a_credit_note_to_a_public_body_names_cig_and_cup_with_the_invoice_it_corrects(tmp_path, ledger):
    """The note cites no order, so no DatiOrdineAcquisto carried the codes: it had none."""
    from toolkit.services.credit_notes import credit

    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, payment_terms="30", sdi_code="UFABCD",
                         cig=CIG, cup=CUP, postcode="00184")
    _, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "2", "25", "22", None)])
    ship_lines(ledger, "C001", date(2026, 4, 9), [(line_id, "2")])
    invoicing.run(ledger, master, Request(APRIL, date(2026, 5, 2)), status=InvoiceStatus.FINAL, lang="it")
    done = credit(ledger, master, "FT-2026-00001", [(1, D(1))], "Merce danneggiata", date(2026, 5, 5),
                  date(2026, 5, 6), lang="it")
    assert done.note is not None, done.problems
    exported = einvoice.export(master, ledger, month=Period(date(2026, 4, 1), date(2026, 5, 31)), out=tmp_path)
    assert not exported.refused, [p.message("it") for p in exported.problems]
    [note] = [read(path) for path in exported.files.values() if read(path).kind == "TD04"]
    assert note.linked_codes == (("FT-2026-00001", CUP, CIG),)
    assert all(schema_errors(path.read_bytes()) == [] for path in exported.files.values())
