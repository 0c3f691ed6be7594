"""*Impostazioni › Ufficio REA* and the rows after it: a company's registration in the REA
(art. 2250 c.c.), sent in its e-invoices (CedentePrestatore/IscrizioneREA) and printed under
its name, each value refused at its cell when FatturaPA could not carry it."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from decimal import Decimal as D

import minimal
import openpyxl
import pytest
from fatturapa_reading import schema_errors
from test_order_terms import APRIL, make_month, sheets

from toolkit.intake.validation import check
from toolkit.services import einvoice
from toolkit.writers.accountants import write_accountants

REA_ROWS = [["Ufficio REA", "mi"], ["Numero REA", "1234567"], ["Capitale sociale", 10000],
            ["Socio unico", "SU"], ["Stato liquidazione", None]]


def with_rea(s: dict, rows=REA_ROWS) -> dict:
    s["Impostazioni"] += [list(r) for r in rows]
    return s


def test_the_registration_goes_into_every_e_invoice_and_under_the_sellers_name(tmp_path, ledger):
    result = check(minimal.workbook(with_rea(sheets())))
    assert not [p for p in result.problems if p.is_error] and result.master is not None
    month = make_month(tmp_path, ledger, result.master)
    done = einvoice.export(month.master, month.ledger, out=tmp_path / "xml", month=APRIL)
    assert done.files
    for path in done.files.values():
        assert schema_errors(path) == []
        rea = etree.parse(str(path)).find(".//CedentePrestatore/IscrizioneREA")
        assert [(x.tag, x.text) for x in rea] == [("Ufficio", "MI"), ("NumeroREA", "1234567"),
                                                  ("CapitaleSociale", "10000.00"), ("SocioUnico", "SU"),
                                                  ("StatoLiquidazione", "LN")]
        assert etree.parse(str(path)).find(".//CessionarioCommittente/IscrizioneREA") is None
    [_, copies, _] = write_accountants(tmp_path, month.master, month.invoices, "r", copies=True)
    sheet = openpyxl.load_workbook(copies).active
    assert sheet["A4"].value == "REA MI-1234567 – Cap. soc. € 10.000,00 i.v. – Socio unico"


def test_an_invoice_keeps_the_registration_it_was_issued_with(tmp_path, ledger):
    issued = check(minimal.workbook(with_rea(sheets()))).master
    month = make_month(tmp_path, ledger, issued)
    later = check(minimal.workbook(sheets())).master
    done = einvoice.export(later, month.ledger, out=tmp_path / "xml", month=APRIL)
    rea = etree.parse(str(next(iter(done.files.values())))).find(".//CedentePrestatore/IscrizioneREA/NumeroREA")
    assert rea is not None and rea.text == "1234567"


def test_a_seller_without_the_rows_sends_no_registration(tmp_path, ledger):
    month = make_month(tmp_path, ledger, check(minimal.workbook(sheets())).master)
    done = einvoice.export(month.master, month.ledger, out=tmp_path / "xml", month=APRIL)
    path = next(iter(done.files.values()))
    assert schema_errors(path) == [] and b"IscrizioneREA" not in path.read_bytes()


@pytest.mark.parametrize("rows, cell, code", [
    ([["Ufficio REA", "Milano"], ["Numero REA", "1234567"]], "B9", "bad-rea-office"),
    ([["Ufficio REA", "MI"], ["Numero REA", "MI-1234567-0000000000000"]], "B10", "rea-number-too-long"),
    ([["Ufficio REA", "MI"], ["Numero REA", "1234567"], ["Capitale sociale", "10000,555"]], "B11",
     "bad-share-capital"),
    ([["Ufficio REA", "MI"], ["Numero REA", "1234567"], ["Capitale sociale", -5]], "B11", "bad-share-capital"),
    ([["Ufficio REA", "MI"], ["Numero REA", "MI-1234567"]], "B10", "rea-number-with-office"),
    ([["Ufficio REA", "MI"], ["Numero REA", "mi 1234567"]], "B10", "rea-number-with-office"),
    ([["Numero REA", "1234567"]], "B9", "rea-incomplete"),
    ([["Ufficio REA", "MI"], ["Numero REA", None], ["Capitale sociale", 10000]], "B10", "rea-incomplete"),
    ([["Ufficio REA", "MI"], ["Numero REA", "1234567"], ["Capitale sociale", 1], ["Socio unico", "sì"]], "B12",
     "not-a-choice"),
    ([["Ufficio REA", "MI"], ["Numero REA", "1234567"], ["Stato liquidazione", "no"]], "B11", "not-a-choice"),
])
def test_what_the_e_invoice_could_not_carry_is_refused_at_its_cell(rows, cell, code):
    problems = check(minimal.workbook(with_rea(sheets(), rows))).problems
    assert [(p.sheet, p.cell, p.code) for p in problems if p.is_error] == [("Impostazioni", cell, code)]
    assert all(p.message("it") and p.message("en") for p in problems)


def test_a_rea_number_written_after_its_office_says_to_write_the_number_alone():
    """The registration prints `REA MI - 1234567`, and a desk copying it wrote the office in both
    rows: every document printed *REA MI-MI-1234567* and the e-invoice's NumeroREA named the office."""
    rows = [["Ufficio REA", "MI"], ["Numero REA", "MI - 1234567"]]
    [problem] = [p for p in check(minimal.workbook(with_rea(sheets(), rows))).problems if p.is_error]
    assert problem.message("it") == ("Il Numero REA «MI - 1234567» comincia con la sigla dell'Ufficio REA, MI: scrivi "
                                     "solo il numero (1234567); la sigla è già in Ufficio REA, e i documenti "
                                     "stamperebbero «REA MI-MI - 1234567».")
    assert problem.message("en").startswith("REA number “MI - 1234567” begins with the REA office's code, MI: write "
                                            "the number alone (1234567)")


def test_a_registration_is_read_as_a_desk_writes_it():
    rows = [["Ufficio REA", " mi "], ["Numero REA", 1234567], ["Capitale sociale", "10.000,00"],
            ["Socio unico", "più soci"], ["Stato liquidazione", "in liquidazione"]]
    settings = check(minimal.workbook(with_rea(sheets(), rows))).master.settings
    assert (settings.rea_office, settings.rea_number, settings.share_capital, settings.shareholders,
            settings.liquidation) == ("MI", "1234567", D("10000.00"), "SM", "LS")


@pytest.mark.parametrize("typed, read", [("2.500.000.000,00", D("2500000000.00")), (2500000000, D("2500000000")),
                                         ("99.999.999.999,99", D("99999999999.99"))])
def test_a_large_company_s_share_capital_is_read_and_sent_as_the_e_invoice_takes_it(typed, read):
    """The capital was read by the reader of amounts, capped at 1,000,000,000.00 € for what the
    ledger multiplies: a large S.p.A.'s 2.500.000.000,00 was refused, every check stopped;
    CapitaleSociale (Amount2DecimalType) takes 11 digits before the point."""
    rows = [["Ufficio REA", "MI"], ["Numero REA", "1234567"], ["Capitale sociale", typed]]
    result = check(minimal.workbook(with_rea(sheets(), rows)))
    assert [p.code for p in result.problems if p.is_error] == []
    assert result.master.settings.share_capital == read


def test_a_share_capital_the_e_invoice_cannot_carry_is_refused_at_its_cell_naming_the_limit():
    rows = [["Ufficio REA", "MI"], ["Numero REA", "1234567"], ["Capitale sociale", "100.000.000.000,00"]]
    [problem] = [p for p in check(minimal.workbook(with_rea(sheets(), rows))).problems if p.is_error]
    assert (problem.sheet, problem.cell, problem.code) == ("Impostazioni", "B11", "number-out-of-range")
    assert "99.999.999.999,99" in problem.message("it") and "99,999,999,999.99" in problem.message("en")


def test_a_capital_of_billions_goes_into_the_e_invoice_valid_and_on_the_print(tmp_path, ledger):
    rows = [["Ufficio REA", "MI"], ["Numero REA", "1234567"], ["Capitale sociale", "2.500.000.000,00"]]
    month = make_month(tmp_path, ledger, check(minimal.workbook(with_rea(sheets(), rows))).master)
    done = einvoice.export(month.master, month.ledger, out=tmp_path / "xml", month=APRIL)
    path = next(iter(done.files.values()))
    assert schema_errors(path) == []
    assert etree.parse(str(path)).findtext(".//CedentePrestatore/IscrizioneREA/CapitaleSociale") == "2500000000.00"
    [_, copies, _] = write_accountants(tmp_path, month.master, month.invoices, "r", copies=True)
    assert openpyxl.load_workbook(copies).active["A4"].value == "REA MI-1234567 – Cap. soc. € 2.500.000.000,00 i.v."


@pytest.mark.parametrize("name, typed, read", [
    ("Cap. sociale", "10.000,00 i.v.", D("10000.00")), ("Capitale sociale", "€ 50.000 i.v.", D("50000")),
    ("Cap. soc.", "10000 (interamente versato)", D("10000")), ("Capitale sociale i.v.", 10000, D("10000")),
    ("Capitale sociale", "1.500", D("1500"))])
def test_a_share_capital_is_read_as_a_letterhead_writes_it(name, typed, read):
    """Copied from the letterhead: a row *Cap. sociale* was no setting and read by nothing, no
    word said, the capital missing from every e-invoice and print; its `i.v.` (paid in full)
    made the amount not a number, and `50.000` one read two ways, every run stopped."""
    rows = [["Ufficio REA", "MI"], ["Numero REA", "1234567"], [name, typed]]
    result = check(minimal.workbook(with_rea(sheets(), rows)))
    assert [p.code for p in result.problems if p.is_error or p.sheet == "Impostazioni"] == []
    assert result.master.settings.share_capital == read


def test_a_capital_written_with_its_i_v_goes_into_the_e_invoice_as_an_amount(tmp_path, ledger):
    rows = [["Ufficio REA", "MI"], ["Numero REA", "1234567"], ["Cap. sociale", "10.000,00 i.v."]]
    month = make_month(tmp_path, ledger, check(minimal.workbook(with_rea(sheets(), rows))).master)
    done = einvoice.export(month.master, month.ledger, out=tmp_path / "xml", month=APRIL)
    path = next(iter(done.files.values()))
    assert schema_errors(path) == []
    assert etree.parse(str(path)).findtext(".//CedentePrestatore/IscrizioneREA/CapitaleSociale") == "10000.00"


@pytest.mark.parametrize("typed, read", [
    ("€ 10.000,00", D("10000.00")), ("Euro 10.000,00", D("10000.00")), ("EUR 10.000", D("10000")),
    ("10.000,00 euro", D("10000.00")), ("10.000 € i.v.", D("10000")),
    ("Euro 10.000,00 interamente versato", D("10000.00")), ("Cap. soc. € 10.000,00 i.v.", D("10000.00")),
    ("€ 10.000,-", D("10000")), ("Euro 10.000,--", D("10000")), ("10.000,- €", D("10000")),
    ("Euro 10.000,- i.v.", D("10000"))])
def test_a_share_capital_is_read_with_its_euro_as_a_desk_writes_it(typed, read):
    """`Euro 10.000,00` copied from the registration was refused as not a number, every run stopped.
    `€ 10.000,-` (whole euros, as letterheads write them) was read, its `,-` taken for junk after
    the amount, until junk was refused: it was refused then, though `€ 10.000,- i.v.` was read."""
    rows = [["Ufficio REA", "MI"], ["Numero REA", "1234567"], ["Capitale sociale", typed]]
    result = check(minimal.workbook(with_rea(sheets(), rows)))
    assert [p.code for p in result.problems if p.is_error] == []
    assert result.master.settings.share_capital == read


@pytest.mark.parametrize("typed", ["diecimila euro", "Euro 10.000,00 di cui versati 2.500", "10000 EUROPA", "i.v.",
                                   "1" + " " * 1000 + "x", "1 , , , (", "1,,,", "10.000,", "1 - - -", "1''",
                                   "10.000,00 €,", "€ 10.000 (", "(i.v.) 10.000"])
def test_a_share_capital_of_another_shape_is_refused_at_its_cell_saying_the_shapes_read(typed):
    """Junk after the amount, `1 , , , (`, was read as a capital of 1 euro, printed and sent."""
    rows = [["Ufficio REA", "MI"], ["Numero REA", "1234567"], ["Capitale sociale", typed]]
    [problem] = [p for p in check(minimal.workbook(with_rea(sheets(), rows))).problems if p.is_error]
    assert (problem.sheet, problem.cell, problem.code) == ("Impostazioni", "B11", "share-capital-not-an-amount")
    assert "€ 10.000,00 i.v." in problem.message("it") and "Capitale versato" in problem.message("it")
    assert "Paid-in capital" in problem.message("en")


PAID_IN = [["Ufficio REA", "MI"], ["Numero REA", "1234567"], ["Capitale sociale", "Euro 50.000,00"],
           ["Capitale versato", "12.500,00"]]


@pytest.mark.parametrize("rows, printed", [
    (PAID_IN, "REA MI-1234567 – Cap. soc. € 50.000,00, versato € 12.500,00"),
    (PAID_IN[:3] + [["Capitale versato", 50000]], "REA MI-1234567 – Cap. soc. € 50.000,00 i.v."),
    (PAID_IN[:3], "REA MI-1234567 – Cap. soc. € 50.000,00 i.v.")])
def test_the_printed_capital_says_i_v_or_the_part_paid_in_and_the_e_invoice_the_capital(tmp_path, ledger, rows,
                                                                                          printed):
    """Art. 2250 c.c.: the capital on documents is the one paid in. Printed *Capitale sociale
    50.000,00 €* with no *i.v.*, and with no word of a part paid in."""
    month = make_month(tmp_path, ledger, check(minimal.workbook(with_rea(sheets(), rows))).master)
    [_, copies, _] = write_accountants(tmp_path, month.master, month.invoices, "r", copies=True)
    assert openpyxl.load_workbook(copies).active["A4"].value == printed
    done = einvoice.export(month.master, month.ledger, out=tmp_path / "xml", month=APRIL)
    path = next(iter(done.files.values()))
    assert schema_errors(path) == []
    assert etree.parse(str(path)).findtext(".//CedentePrestatore/IscrizioneREA/CapitaleSociale") == "50000.00"


@pytest.mark.parametrize("rows", [PAID_IN[:3] + [["Capitale versato", 60000]],
                                  PAID_IN[:2] + [["Capitale versato", 2500]],
                                  PAID_IN[:3] + [["Capitale versato", "-1"]]])
def test_a_paid_in_capital_that_is_no_part_of_the_capital_is_refused_at_its_cell(rows):
    problems = check(minimal.workbook(with_rea(sheets(), rows))).problems
    [problem] = [p for p in problems if p.is_error]
    assert (problem.sheet, problem.code) == ("Impostazioni", "bad-paid-in-capital")
    assert problem.cell == f"B{8 + len(rows)}"


def test_a_document_kept_before_the_paid_in_capital_prints_again_as_it_first_printed():
    """An invoice issued when documents printed *Capitale sociale 10.000,00 €* kept no word of
    the part paid in: its reprint said *Cap. soc. € 10.000,00 i.v.*, a cell it never printed
    and a paid-in capital the desk never stated (`toolkit print`: every cell as first printed)."""
    import json

    from toolkit.model.parties import Parties, seller_of
    from toolkit.writers.printable import registration_line

    master = check(minimal.workbook(with_rea(sheets()))).master
    seller = json.loads(Parties(seller=seller_of(master.settings), buyer=None).text())["seller"]
    assert seller["paid_in_capital"] == "10000.00"
    del seller["paid_in_capital"]
    kept = Parties.from_text(json.dumps({"seller": seller, "buyer": None})).seller
    assert registration_line(kept, "it") == "REA MI-1234567 – Capitale sociale 10.000,00 € – Socio unico"
    today = registration_line(seller_of(master.settings), "it")
    assert today == "REA MI-1234567 – Cap. soc. € 10.000,00 i.v. – Socio unico"


def test_a_draft_kept_before_the_paid_in_capital_goes_final_when_the_capital_is_paid_in_full():
    """A draft run kept its seller before *Capitale versato* was: the same capital paid in full
    today is no change to refuse finalize for; a part paid in written since is."""
    from dataclasses import replace

    from toolkit.basics.vocab import PaymentMethod
    from toolkit.model.parties import PartyBook
    from toolkit.services.drafted_parties import drafts_changed

    def drafted(master):
        today = PartyBook(master).parties("C001")
        kept = replace(today, seller=replace(today.seller, paid_in_capital=None))
        return [("FT-2026-00001", "C001", "invoice", kept, master.customers[0].payment_terms,
                 PaymentMethod.BANK_TRANSFER.value)]

    full = check(minimal.workbook(with_rea(sheets()))).master
    assert drafts_changed(full, "R1", drafted(full), "anagrafiche.xlsx") == []
    part = check(minimal.workbook(with_rea(sheets(), REA_ROWS + [["Capitale versato", 2500]]))).master
    [changed] = drafts_changed(part, "R1", drafted(part), "anagrafiche.xlsx")
    assert (changed.code, changed.sheet) == ("finalize-master-changed", "Impostazioni")


@pytest.mark.parametrize("capital", [["Capitale sociale", "€ 50.000,00 i.v."],
                                     ["Capitale sociale i.v.", 50000],
                                     ["Capitale sociale", "Euro 50.000,00 interamente versato"]])
def test_a_capital_said_paid_in_full_beside_a_smaller_part_paid_in_is_refused_at_the_part(capital):
    """*€ 50.000,00 i.v.* and *Capitale versato* 12.500: the documents printed *versato
    € 12.500,00*, what the capital's cell denies, without a word."""
    rows = PAID_IN[:2] + [capital, ["Capitale versato", 12500]]
    [problem] = [p for p in check(minimal.workbook(with_rea(sheets(), rows))).problems if p.is_error]
    assert (problem.sheet, problem.cell, problem.code) == ("Impostazioni", "B12", "paid-in-beside-i-v")
    assert "versato 12.500" in problem.message("it") and "paid in 12,500" in problem.message("en")
    rows = PAID_IN[:2] + [capital, ["Capitale versato", 50000]]
    assert [p for p in check(minimal.workbook(with_rea(sheets(), rows))).problems if p.is_error] == []
