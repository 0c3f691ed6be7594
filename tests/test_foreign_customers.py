"""Customers abroad: their own country's VAT number (a private person none, or an Italian codice
fiscale), and a VAT nature of their own."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from decimal import Decimal

import minimal
import pytest
from conftest import with_stock_sheet

from toolkit.basics.problems import Severity
from toolkit.core.einvoice import FatturaPA
from toolkit.intake.validation import check
from toolkit.model.records import Customer


def _abroad(country: str, vat: str | None, nature: str | None = None) -> dict:
    """Minimal workbook whose C001 has this country (K), VAT number (C) and Natura IVA (L)."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Clienti", "K1", "Paese")
    minimal.set_cell(sheets, "Clienti", "K2", country)
    minimal.set_cell(sheets, "Clienti", "K3", "IT")
    minimal.set_cell(sheets, "Clienti", "L1", "Natura IVA")
    minimal.set_cell(sheets, "Clienti", "L2", nature)
    minimal.set_cell(sheets, "Clienti", "C2", vat)
    return sheets


def _found(sheets: dict) -> list[tuple]:
    return [(p.sheet, p.cell, p.code, p.severity) for p in check(minimal.workbook(sheets)).problems]


@pytest.mark.parametrize("country,typed,kept", [
    ("DE", "DE123456789", "DE123456789"), ("DE", "de 123 456 789", "DE123456789"),
    ("AT", "ATU12345678", "ATU12345678"), ("FR", "FRXX123456789", "FRXX123456789"),
    ("NL", "NL123456789B01", "NL123456789B01"), ("GR", "EL123456789", "EL123456789"),
    ("CH", "CHE-116.281.710 MWST", "CHE116281710"), ("US", "US 12-3456789", "US123456789"),
])
def test_a_customer_abroad_with_its_own_vat_number_and_no_tax_code_is_clean(country, typed, kept):
    result = check(minimal.workbook(_abroad(country, typed, "N3.1" if country in ("CH", "US") else "N3.2")))
    assert result.problems == []
    assert result.master is not None and result.master.customers[0].vat_number == kept


def test_a_foreign_vat_number_not_of_its_countrys_shape_is_refused_at_its_cell():
    sheets = _abroad("DE", "DE12345", "N3.2")
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Clienti", "C2", "invalid-foreign-vat-number")]
    assert "La partita IVA estera «DE12345» non ha la forma dei numeri con prefisso DE" in problems[0].message("it")
    assert "Foreign VAT number “DE12345”" in problems[0].message("en")


@pytest.mark.parametrize("typed", ["CHE-123.456.789 MWST", "CHE123456789", "che 116 281 711"])
def test_a_swiss_uid_whose_check_digit_does_not_match_is_refused_at_its_cell(typed):
    """A Swiss UID's last digit checks the others (mod 11): one mistyped digit was accepted and
    went into the e-invoice as the buyer's IdCodice, a number no Swiss company has."""
    problems = check(minimal.workbook(_abroad("CH", typed, "N3.1"))).problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Clienti", "C2", "invalid-swiss-uid")]
    assert f"Il numero IVA svizzero «{typed}» non è un numero IDI valido" in problems[0].message("it")


def test_an_italian_looking_number_for_a_customer_abroad_says_to_write_the_prefix():
    problems = check(minimal.workbook(_abroad("DE", "123456789", "N3.2"))).problems
    assert [(p.cell, p.code) for p in problems] == [("C2", "invalid-vat-number")]
    assert "per un cliente estero scrivila con il prefisso del suo paese (es. DE123456789)" in problems[0].message("it")


def test_an_intra_eu_supply_is_refused_to_a_customer_abroad_with_a_tax_code_and_no_vat_number():
    sheets = _abroad("DE", None, "N3.2")
    minimal.set_cell(sheets, "Clienti", "D2", "RSSMRA80A01H501U")
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "C2", "intra-eu-supply-without-vat", Severity.ERROR)]


def test_a_private_customer_abroad_with_an_italian_tax_code_is_invoiced_to_it_through_0000000():
    """An Italian living in France, a private person with an Italian codice fiscale: refused
    (`foreign-customer-without-vat`) and told to empty the codice fiscale. As for a non-resident
    identified in Italy (the Agenzia's FAQ), its e-invoice names it by the codice fiscale beside
    IdPaese FR and 99999999999, and goes to 0000000, which leaves it in the reserved area the
    codice fiscale opens; Sede stays French, and SDI's schema and checks take it."""
    from fatturapa_reading import schema_errors

    from toolkit.core.einvoice import check as sdi_check

    sheets = _abroad("FR", None)
    minimal.set_cell(sheets, "Clienti", "D2", "RSSMRA80A01H501U")
    result = check(minimal.workbook(sheets))
    assert [(p.sheet, p.cell, p.code, p.severity) for p in result.problems] == [
        ("Clienti", "C2", "eu-private-customer", Severity.WARNING)]
    buyer = result.master.customers[0]
    doc, data = _march_einvoice(sheets, buyer)
    root = ET.fromstring(data)
    assert schema_errors(data) == [] and sdi_check(doc) == []
    assert _texts(root, "DatiTrasmissione/CodiceDestinatario") == ["0000000"]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdPaese") == ["FR"]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice") == ["99999999999"]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/CodiceFiscale") == ["RSSMRA80A01H501U"]
    assert _texts(root, "CessionarioCommittente/Sede/Nazione") == ["FR"]
    assert _texts(root, "CessionarioCommittente/Sede/CAP") == ["00000"]


def test_a_private_customer_abroad_with_a_tax_code_and_xxxxxxx_typed_is_sent_without_the_tax_code():
    """The desk writes XXXXXXX in Codice SDI for every customer abroad. Kept beside the Italian
    codice fiscale of an Italian living in France, SDI discarded the file (00313: XXXXXXX with
    an Italian codice fiscale at a foreign address); XXXXXXX is then the consumer abroad's file,
    IdPaese FR and 99999999999 without the codice fiscale, which SDI takes."""
    from fatturapa_reading import schema_errors

    from toolkit.core.einvoice import check as sdi_check

    sheets = _with(_abroad("FR", None), sdi="XXXXXXX")
    minimal.set_cell(sheets, "Clienti", "D2", "RSSMRA80A01H501U")
    result = check(minimal.workbook(sheets))
    assert [p.code for p in result.problems] == ["eu-private-customer"]
    buyer = result.master.customers[0]
    doc, data = _march_einvoice(sheets, buyer)
    root = ET.fromstring(data)
    assert schema_errors(data) == [] and sdi_check(doc) == []
    assert _texts(root, "DatiTrasmissione/CodiceDestinatario") == ["XXXXXXX"]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice") == ["99999999999"]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/CodiceFiscale") == []
    kept = replace(doc, buyer=replace(doc.buyer, tax_code="RSSMRA80A01H501U"))
    [problem] = sdi_check(kept)
    assert problem.code == "einvoice-00313" and "but the customer has an Italian tax code" in problem.message("en")


def test_a_private_customer_abroad_with_an_italian_tax_code_may_have_0000000_written_in_codice_sdi():
    """Its e-invoice goes to 0000000 (docs/vat.md says so), yet 0000000 written in Codice SDI was
    refused (foreign-customer-sdi-code), telling the desk its e-invoice goes to XXXXXXX."""
    sheets = _with(_abroad("FR", None), sdi="0000000")
    minimal.set_cell(sheets, "Clienti", "D2", "RSSMRA80A01H501U")
    assert _found(sheets) == [("Clienti", "C2", "eu-private-customer", Severity.WARNING)]
    minimal.set_cell(sheets, "Clienti", "D2", None)
    assert ("Clienti", "M2", "foreign-customer-sdi-code", Severity.ERROR) in _found(sheets)


def test_a_san_marino_customer_with_a_tax_code_and_no_coe_is_still_refused():
    sheets = _abroad("SM", None, "N3.3")
    minimal.set_cell(sheets, "Clienti", "D2", "RSSMRA80A01H501U")
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code) for p in problems][:1] == [("Clienti", "C2", "foreign-customer-without-vat")]
    assert "Il cliente C001 è estero (Paese SM) ma non ha la partita IVA" in problems[0].message("it")


@pytest.mark.parametrize("country,nature,found", [
    ("FR", None, [("Clienti", "C2", "eu-private-customer", Severity.WARNING)]), ("CH", "N3.1", []), ("US", None, [])])
def test_a_private_customer_abroad_without_vat_number_is_accepted_eu_ones_warned_of_italian_vat(
        country, nature, found):
    """A consumer abroad has no VAT number and no codice fiscale: it was refused, so a desk could
    not invoice a French private at all."""
    sheets = _abroad(country, None, nature)
    assert _found(sheets) == found
    if found:
        message = check(minimal.workbook(sheets)).problems[0].message("it")
        assert "non ha partita IVA: è un privato, e le sue righe hanno l'IVA italiana" in message
        assert "10.000 €" in message and "OSS" in message


def test_an_intra_eu_supply_to_a_customer_without_vat_number_is_refused_at_its_vat_cell():
    problems = check(minimal.workbook(_abroad("DE", None, "N3.2"))).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "C2", "intra-eu-supply-without-vat", Severity.ERROR)]
    assert "ha la Natura IVA N3.2, cessione intracomunitaria, ma non ha la partita IVA" in problems[0].message("it")
    assert "if it is a private person, leave the VAT nature empty" in problems[0].message("en")


@pytest.mark.parametrize("country,nature,rates", [("FR", None, ["22.00", "4.00"]), ("CH", "N3.1", ["0.00", "0.00"])])
def test_the_fatturapa_of_a_private_customer_abroad_names_it_99999999999_and_passes_sdis_checks(
        country, nature, rates):
    """The Agenzia's FAQ: IdPaese its country, IdCodice 99999999999, no CodiceFiscale, XXXXXXX. The
    file had neither IdFiscaleIVA nor CodiceFiscale, which SDI rejects (00417)."""
    from fatturapa_reading import schema_errors

    from toolkit.core.einvoice import check as sdi_check

    sheets = _abroad(country, None, nature)
    buyer = check(minimal.workbook(sheets)).master.customers[0]
    doc, data = _march_einvoice(sheets, buyer)
    root = ET.fromstring(data)
    assert schema_errors(data) == [] and sdi_check(doc) == []
    assert _texts(root, "DatiTrasmissione/CodiceDestinatario") == ["XXXXXXX"]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdPaese") == [country]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice") == ["99999999999"]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/CodiceFiscale") == []
    assert _texts(root, "DettaglioLinee/AliquotaIVA") == rates


@pytest.mark.parametrize("country,vat,found", [("FR", "DE123456789", "DE"), ("IT", "DE123456789", "DE"),
                                               ("DE", "01234560157", "IT")])
def test_a_vat_number_of_another_country_than_the_customers_is_an_error(country, vat, found):
    problems = check(minimal.workbook(_abroad(country, vat, "N3.2" if country != "IT" else None))).problems
    assert [(p.cell, p.code) for p in problems] == [("C2", "vat-country-mismatch")]
    assert f"è di {found}, ma il suo Paese è {country}" in problems[0].message("it")


def test_a_customer_in_another_eu_country_without_nature_is_warned_at_the_nature_cell():
    assert _found(_abroad("DE", "DE123456789")) == [
        ("Clienti", "L2", "eu-customer-without-nature", Severity.WARNING)]
    assert _found(_abroad("CH", "CHE116281710")) == []


def test_a_customer_nature_that_does_not_exist_is_refused():
    assert _found(_abroad("DE", "DE123456789", "N3")) == [("Clienti", "L2", "bad-vat-nature", Severity.ERROR)]


def _march_drafts(sheets: dict) -> list:
    from toolkit.core.drafts import draft_orders
    from toolkit.core.plan import due_between

    master = check(minimal.workbook(sheets)).master
    assert master is not None
    dues, _ = due_between(master, date(2026, 3, 2), date(2026, 3, 2))
    drafts, problems = draft_orders(master, dues)
    assert problems == []
    return drafts


def test_a_customer_nature_makes_every_line_of_its_orders_0_percent_with_that_nature():
    """C001's template has coffee at 22 % and milk at 4 %: an intra-EU customer pays neither."""
    abroad = _march_drafts(_abroad("DE", "DE123456789", "n3.2"))
    assert [(ln.item, ln.vat_rate, ln.vat_nature, ln.amount) for ln in abroad[0].lines] == [
        ("A001", Decimal(0), "N3.2", Decimal("222.00")), ("A002", Decimal(0), "N3.2", Decimal("30.00"))]
    at_home = _march_drafts(with_stock_sheet(minimal.sheets()))
    assert [(ln.vat_rate, ln.vat_nature) for ln in at_home[0].lines] == [(Decimal(22), None), (Decimal(4), None)]


def _march_einvoice(sheets: dict, buyer: Customer) -> tuple[FatturaPA, bytes]:
    """`buyer`'s e-invoice of its March drafts on `sheets`, a DDT for each line: the document
    SDI's checks read, and its XML."""
    from einvoice_factories import billable, ddt, invoice, tree

    from toolkit.writers.fatturapa import xml_bytes

    lines = [billable(ln.item, str(ln.quantity), str(ln.unit_price), str(ln.vat_rate), ln.vat_nature,
                      delivery=ddt(), line=n) for n, ln in enumerate(_march_drafts(sheets)[0].lines, 1)]
    doc = tree(invoice(*lines, buyer=buyer), buyer)
    return doc, xml_bytes(doc)


def _buyer_xml(country: str, vat: str, nature: str) -> tuple[ET.Element, bytes]:
    master = check(minimal.workbook(_abroad(country, vat, nature))).master
    assert master is not None
    _, data = _march_einvoice(_abroad(country, vat, nature), master.customers[0])
    return ET.fromstring(data), data


def _texts(root: ET.Element, path: str) -> list[str]:
    return [e.text or "" for e in root.iter() if _path_ends(root, e, path)]


def _path_ends(root: ET.Element, node: ET.Element, path: str) -> bool:
    parents = {c: p for p in root.iter() for c in p}
    names = []
    while node is not None:
        names.append(node.tag.split("}")[-1])
        node = parents.get(node)
    return "/".join(reversed(names)).endswith(path)


@pytest.mark.parametrize("country,vat,code", [("DE", "DE123456789", "123456789"), ("GR", "EL123456789", "123456789"),
                                              ("CH", "CHE116281710", "116281710")])
def test_the_fatturapa_of_a_customer_abroad_has_the_official_foreign_form_and_is_schema_valid(country, vat, code):
    from fatturapa_reading import schema_errors

    root, data = _buyer_xml(country, vat, "N3.2" if country != "CH" else "N3.1")
    assert schema_errors(data) == []
    assert _texts(root, "DatiTrasmissione/CodiceDestinatario") == ["XXXXXXX"]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdPaese") == [country]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice") == [code]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/CodiceFiscale") == []
    assert _texts(root, "CessionarioCommittente/Sede/CAP") == ["00000"]
    assert _texts(root, "CessionarioCommittente/Sede/Provincia") == []
    assert _texts(root, "CessionarioCommittente/Sede/Nazione") == [country]


def test_the_fatturapa_of_a_northern_ireland_buyer_names_its_vat_number_xi_and_its_address_gb():
    """An intra-EU supply to Northern Ireland names the buyer by its XI number, as VIES and the
    EU know it: IdPaese GB before the same digits named a registration of Great Britain,
    outside the EU, on an invoice saying N3.2. Its address stays in GB."""
    from fatturapa_reading import schema_errors

    root, data = _buyer_xml("GB", "XI123456789", "N3.2")
    assert schema_errors(data) == []
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdPaese") == ["XI"]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice") == ["123456789"]
    assert _texts(root, "CessionarioCommittente/Sede/Nazione") == ["GB"]
    assert _texts(root, "DatiTrasmissione/CodiceDestinatario") == ["XXXXXXX"]


def test_an_intra_eu_supply_carries_n3_2_and_its_law_on_every_line_and_in_the_summary():
    root, data = _buyer_xml("DE", "DE123456789", "N3.2")
    assert _texts(root, "DettaglioLinee/AliquotaIVA") == ["0.00", "0.00"]
    assert _texts(root, "DettaglioLinee/Natura") == ["N3.2", "N3.2"]
    assert _texts(root, "DatiRiepilogo/Natura") == ["N3.2"]
    assert _texts(root, "DatiRiepilogo/ImponibileImporto") == ["252.00"]
    assert _texts(root, "DatiRiepilogo/Imposta") == ["0.00"]
    assert _texts(root, "DatiRiepilogo/RiferimentoNormativo") == [
        "Non imponibili - cessioni intracomunitarie, art. 41 DL 331/93"]


def test_a_printed_invoice_shows_a_foreign_vat_number_once_with_its_prefix():
    from einvoice_factories import customer

    from toolkit.writers.printable import party_lines

    assert "P. IVA DE123456789" in party_lines(customer(country="DE", vat_number="DE123456789", province=None), "it")
    assert "P. IVA IT02047290222" in party_lines(customer(), "it")


def test_on_a_vat_included_list_a_customer_nature_takes_the_items_vat_out_of_the_price_first():
    """A shelf price holds the Italian VAT: the intra-EU customer pays it net of that VAT."""
    sheets = _abroad("DE", "DE123456789", "N3.2")
    minimal.set_cell(sheets, "Listini", "C1", "IVA inclusa")
    minimal.set_cell(sheets, "Listini", "C2", "sì")
    lines = _march_drafts(sheets)[0].lines
    assert [(ln.item, ln.amount, ln.vat_rate, ln.vat_nature) for ln in lines] == [
        ("A001", Decimal("181.97"), Decimal(0), "N3.2"), ("A002", Decimal("28.85"), Decimal(0), "N3.2")]


def _with(sheets: dict, **cells: object) -> dict:
    """`sheets` with more of C001's columns: M Codice SDI, N Scissione pagamenti (sheet Clienti)."""
    for cell, (header, value) in {"M": ("Codice SDI", cells.get("sdi")),
                                  "N": ("Scissione pagamenti", cells.get("split"))}.items():
        if cell.lower() in cells or {"M": "sdi", "N": "split"}[cell] in cells:
            minimal.set_cell(sheets, "Clienti", f"{cell}1", header)
            minimal.set_cell(sheets, "Clienti", f"{cell}2", value)
    return sheets


def test_a_customer_abroad_with_an_italian_sdi_code_is_refused_at_the_sdi_cell():
    """A 6-character code abroad would send the e-invoice FPA12 to an Italian public office."""
    problems = check(minimal.workbook(_with(_abroad("DE", "DE123456789", "N3.2"), sdi="UFABCD"))).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "M2", "foreign-customer-sdi-code", Severity.ERROR)]
    assert "la sua fattura elettronica va a XXXXXXX; lascia vuoto il codice SDI o scrivi XXXXXXX" in \
        problems[0].message("it")
    assert "its e-invoice goes to XXXXXXX" in problems[0].message("en")
    assert _found(_with(_abroad("DE", "DE123456789", "N3.2"), sdi="xxxxxxx")) == []


def test_a_customer_abroad_never_defaults_to_split_payment_whatever_its_code():
    from einvoice_factories import customer

    assert customer(country="DE", vat_number="DE123456789", province=None, sdi_code="UFABCD").splits_payment is False
    assert customer(sdi_code="UFABCD").splits_payment is True


@pytest.mark.parametrize("nature", ["N3.1", "n3.2", "N3.3"])
def test_an_italian_customer_with_an_export_or_intra_eu_nature_is_warned_at_the_nature_cell(nature):
    sheets = _abroad("IT", minimal.sheets()["Clienti"][1][2], nature)
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "L2", "goods-abroad-nature-in-italy", Severity.WARNING)]
    assert f"è in Italia (Paese IT) ma ha la Natura IVA {nature.upper()}" in problems[0].message("it")


@pytest.mark.parametrize("country,vat,nature,expected", [
    ("CH", "CHE116281710", "N3.2", "N3.1"), ("US", "US123456789", "N3.3", "N3.1"),
    ("DE", "DE123456789", "N3.1", "N3.2"), ("FR", "FRXX123456789", "n3.3", "N3.2")])
def test_a_goods_nature_of_another_country_than_the_customers_is_warned_at_the_nature_cell(
        country, vat, nature, expected):
    problems = check(minimal.workbook(_abroad(country, vat, nature))).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "L2", "nature-against-country", Severity.WARNING)]
    assert f"(Paese {country}) ma ha la Natura IVA {nature.upper()}" in problems[0].message("it")
    assert f"per la merce venduta lì la natura è {expected}" in problems[0].message("it")
    assert f"goods sold there take {expected}" in problems[0].message("en")


def test_a_northern_ireland_customer_buys_goods_as_the_eu_does_at_n3_2():
    assert _found(_abroad("GB", "XI123456789", "N3.2")) == []
    assert _found(_abroad("GB", "XI123456789", "N3.1")) == [
        ("Clienti", "L2", "nature-against-country", Severity.WARNING)]
    assert _found(_abroad("GB", "GB123456789", "N3.2")) == [
        ("Clienti", "L2", "nature-against-country", Severity.WARNING)]


def test_split_payment_beside_a_customer_nature_is_warned_at_the_split_payment_cell():
    sheets = _with(_abroad("DE", "DE123456789", "N3.2"), split="sì")
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "N2", "split-payment-with-nature", Severity.WARNING)]
    assert "non c'è IVA da scindere" in problems[0].message("it")


def test_a_greek_vat_number_written_gr_is_refused_at_its_cell_telling_to_write_el():
    problems = check(minimal.workbook(_abroad("GR", "GR123456789", "N3.2"))).problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Clienti", "C2", "greek-vat-written-gr")]
    assert "scrivila EL123456789 (il Paese resta GR)" in problems[0].message("it")
    assert "write it EL123456789" in problems[0].message("en")


def _service_milk(nature: str, country: str = "DE", vat: str = "DE123456789") -> dict:
    """C001 abroad with this nature, its milk (A002) made a service on sheet Articoli (F Servizio)."""
    sheets = _abroad(country, vat, nature)
    minimal.set_cell(sheets, "Articoli", "F1", "Servizio")
    minimal.set_cell(sheets, "Articoli", "F3", "sì")
    return sheets


@pytest.mark.parametrize("nature,country,vat", [("N3.2", "DE", "DE123456789"), ("N3.1", "CH", "CHE116281710"),
                                               ("N3.3", "SM", "SM12345")])
def test_a_service_sold_abroad_under_a_goods_nature_is_out_of_scope_n2_1_and_goods_keep_the_nature(
        nature, country, vat):
    from einvoice_factories import billable, ddt, invoice

    sheets = _service_milk(nature, country, vat)
    lines = _march_drafts(sheets)[0].lines
    assert [(ln.item, ln.vat_rate, ln.vat_nature) for ln in lines] == [
        ("A001", Decimal(0), nature), ("A002", Decimal(0), "N2.1")]
    master = check(minimal.workbook(sheets)).master
    assert master is not None
    made = invoice(*(billable(ln.item, str(ln.quantity), str(ln.unit_price), str(ln.vat_rate), ln.vat_nature,
                              delivery=ddt(), line=n) for n, ln in enumerate(lines, 1)), buyer=master.customers[0])
    assert [(s.nature, s.taxable, s.vat) for s in made.summary] == [
        ("N2.1", Decimal("30.00"), Decimal("0.00")), (nature, Decimal("222.00"), Decimal("0.00"))]


def test_the_fatturapa_of_a_service_sold_abroad_cites_art_7_ter_and_is_schema_valid():
    from einvoice_factories import billable, ddt, invoice, tree
    from fatturapa_reading import schema_errors

    from toolkit.writers.fatturapa import xml_bytes

    sheets = _service_milk("N3.2")
    master = check(minimal.workbook(sheets)).master
    assert master is not None
    lines = [billable(ln.item, str(ln.quantity), str(ln.unit_price), str(ln.vat_rate), ln.vat_nature,
                      delivery=ddt(), line=n) for n, ln in enumerate(_march_drafts(sheets)[0].lines, 1)]
    data = xml_bytes(tree(invoice(*lines, buyer=master.customers[0]), master.customers[0]))
    root = ET.fromstring(data)
    assert schema_errors(data) == []
    assert _texts(root, "DettaglioLinee/Natura") == ["N3.2", "N2.1"]
    assert _texts(root, "DatiRiepilogo/Natura") == ["N2.1", "N3.2"]
    assert _texts(root, "DatiRiepilogo/RiferimentoNormativo") == [
        "Non soggette ad IVA ex artt. da 7 a 7-septies DPR 633/72",
        "Non imponibili - cessioni intracomunitarie, art. 41 DL 331/93"]


@pytest.mark.parametrize("sdi", [None, "2R4GTO8", "2r4gto8"])
def test_a_san_marino_customer_with_its_coe_n3_3_and_the_hubs_code_or_none_is_clean(sdi):
    sheets = _with(_abroad("SM", "SM 12345", "N3.3"), sdi=sdi)
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master is not None and result.master.customers[0].vat_number == "SM12345"


def _postcode(sheets: dict, value: object, row: int = 2) -> dict:
    """C001's (row 2) or C002's (row 3) CAP, in column O of sheet Clienti."""
    minimal.set_cell(sheets, "Clienti", "O1", "CAP")
    minimal.set_cell(sheets, "Clienti", f"O{row}", value)
    return sheets


@pytest.mark.parametrize("typed,shown_it,shown_en", [
    ("00000", "«00000»", "“00000”"), (None, "vuoto", "empty"), ("40121", "«40121»", "“40121”"),
    ("4789", "«4789»", "“4789”")])
def test_a_san_marino_postcode_not_47890_to_47899_is_refused_at_its_cell(typed, shown_it, shown_en):
    """00000 is what the e-invoice writes abroad, but SDI wants San Marino's own CAP: the check
    names the cell and the range, before an invoice is issued with it."""
    sheets = _postcode(_abroad("SM", "SM12345", "N3.3"), typed)
    _postcode(sheets, "20121", row=3)
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "O2", "san-marino-postcode", Severity.ERROR)]
    assert problems[0].message("it") == (
        f"Il CAP di un indirizzo a San Marino è {shown_it}: scrivi il suo CAP, da 47890 a 47899 (es. 47890 per la "
        "Città di San Marino), come lo vuole la fattura elettronica.")
    assert problems[0].message("en").startswith(f"The postcode of an address in San Marino is {shown_en}: ")


@pytest.mark.parametrize("typed", ["47890", 47899])
def test_a_san_marino_postcode_is_clean_and_asks_no_province(typed):
    sheets = _postcode(_abroad("SM", "SM12345", "N3.3"), typed)
    _postcode(sheets, "20121", row=3)
    assert check(minimal.workbook(sheets)).problems == []


def test_a_san_marino_delivery_address_may_leave_its_postcode_empty_but_not_00000():
    """A delivery address is only printed on the DDT, as in Italy: empty is allowed, wrong is not."""
    sheets = _postcode(_abroad("SM", "SM12345", "N3.3"), "47890")
    _postcode(sheets, "20121", row=3)
    for cell, value in (("E1", "Paese"), ("E2", "SM"), ("F1", "CAP"), ("F2", None)):
        minimal.set_cell(sheets, "Destinazioni", cell, value)
    assert check(minimal.workbook(sheets)).problems == []
    minimal.set_cell(sheets, "Destinazioni", "F2", "00000")
    assert _found(sheets) == [("Destinazioni", "F2", "san-marino-postcode", Severity.ERROR)]


def test_a_san_marino_vat_number_other_than_sm_and_five_digits_is_refused_at_its_cell():
    assert _found(_abroad("SM", "SM123456", "N3.3")) == [
        ("Clienti", "C2", "invalid-foreign-vat-number", Severity.ERROR)]


@pytest.mark.parametrize("sdi", ["XXXXXXX", "ABC1234", "UFABCD"])
def test_a_san_marino_customer_with_another_sdi_code_is_refused_telling_to_write_2r4gto8(sdi):
    problems = check(minimal.workbook(_with(_abroad("SM", "SM12345", "N3.3"), sdi=sdi))).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "M2", "san-marino-sdi-code", Severity.ERROR)]
    assert f"Il cliente C001 è a San Marino (Paese SM) ma ha il codice SDI «{sdi}»" in problems[0].message("it")
    assert "scrivi 2R4GTO8 o lascia vuoto il codice SDI" in problems[0].message("it")
    assert "write 2R4GTO8 or leave the SDI code empty" in problems[0].message("en")


@pytest.mark.parametrize("nature,shown", [(None, "(vuoto)"), ("N3.1", "N3.1"), ("N2.1", "N2.1")])
def test_a_san_marino_customer_without_n3_3_is_warned_at_the_nature_cell(nature, shown):
    problems = check(minimal.workbook(_abroad("SM", "SM12345", nature))).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "L2", "san-marino-customer-nature", Severity.WARNING)]
    assert f"la sua Natura IVA è {shown}: la merce venduta a San Marino è non imponibile (art. 71 DPR 633/72), " \
           "scrivi N3.3" in problems[0].message("it")


def test_the_fatturapa_of_a_san_marino_customer_goes_to_2r4gto8_with_n3_3_and_is_schema_valid():
    """Goods at N3.3 (art. 71), services at N2.1; N3.3 counts for the stamp duty as exports do: not at all."""
    from einvoice_factories import billable, ddt, invoice, tree
    from fatturapa_reading import schema_errors

    from toolkit.writers.fatturapa import xml_bytes

    sheets = _service_milk("N3.3", "SM", "SM12345")
    _postcode(sheets, 47891)  # Excel keeps a CAP typed bare as a number
    _postcode(sheets, "00184", row=3)
    master = check(minimal.workbook(sheets)).master
    assert master is not None
    lines = [billable(ln.item, str(ln.quantity), str(ln.unit_price), str(ln.vat_rate), ln.vat_nature,
                      delivery=ddt(), line=n) for n, ln in enumerate(_march_drafts(sheets)[0].lines, 1)]
    made = invoice(*lines, buyer=master.customers[0])
    data = xml_bytes(tree(made, master.customers[0]))
    root = ET.fromstring(data)
    assert schema_errors(data) == []
    assert _texts(root, "DatiTrasmissione/CodiceDestinatario") == ["2R4GTO8"]
    assert _texts(root, "DatiTrasmissione/FormatoTrasmissione") == ["FPR12"]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdPaese") == ["SM"]
    assert _texts(root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice") == ["12345"]
    assert _texts(root, "CessionarioCommittente/Sede/Nazione") == ["SM"]
    assert _texts(root, "CessionarioCommittente/Sede/CAP") == ["47891"]
    assert _texts(root, "CessionarioCommittente/Sede/Provincia") == []
    assert _texts(root, "DettaglioLinee/Natura") == ["N3.3", "N2.1"]
    assert _texts(root, "DatiRiepilogo/RiferimentoNormativo") == [
        "Non soggette ad IVA ex artt. da 7 a 7-septies DPR 633/72",
        "Non imponibili - cessioni verso San Marino, art. 71 DPR 633/72"]
    assert _texts(root, "DatiRiepilogo/ImponibileImporto") == ["30.00", "222.00"]
    assert _texts(root, "DatiBollo/ImportoBollo") == []


def test_an_italian_customer_with_the_abroad_code_xxxxxxx_is_refused_at_the_sdi_cell():
    """XXXXXXX passed for a customer in Italy, its invoices were issued and SDI rejected every one
    (00313: XXXXXXX only beside a VAT id of another country)."""
    problems = check(minimal.workbook(_with(_abroad("IT", "02047290222"), sdi="xxxxxxx"))).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "M2", "italian-customer-abroad-code", Severity.ERROR)]
    assert problems[0].message("it").startswith(
        "Il cliente C001 è in Italia (Paese IT) ma ha il codice SDI «xxxxxxx», che è dei soli clienti esteri: lo SDI "
        "scarterebbe la sua fattura elettronica (00313).")
    assert "Write its 7-character recipient code, or leave the SDI code empty" in problems[0].message("en")
    assert _found(_with(_abroad("IT", "02047290222"), sdi="QN2Y2GA")) == []


def test_a_northern_ireland_buyer_of_services_alone_is_named_gb_and_of_goods_xi(tmp_path, ledger):
    """XI names Northern Ireland for goods only (Windsor Framework); for services it is the
    United Kingdom, outside the EU. C002 buys a service alone (N2.1, art. 7-ter): its file named
    it XI, an intra-EU buyer, as if the service were an intra-EU one. C001's invoice has goods
    too (N3.2), so it stays XI."""
    from fatturapa_reading import read, schema_errors
    from test_services_no_ddt import april_einvoices

    sheets = _northern_ireland_sheets()
    result = check(minimal.workbook(sheets))
    assert result.master is not None and not [p for p in result.problems if p.is_error], result.problems
    _, files = april_einvoices(result.master, ledger, tmp_path)
    services, mixed = files["Mario Rossi"], files["Bar Centrale S.n.c."]
    assert {line.nature for line in read(services).lines} == {"N2.1"}
    services_root, mixed_root = ET.parse(services).getroot(), ET.parse(mixed).getroot()
    assert _texts(services_root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdPaese") == ["GB"]
    assert _texts(services_root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice") == ["987654321"]
    assert "N3.2" in {line.nature for line in read(mixed).lines}
    assert _texts(mixed_root, "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdPaese") == ["XI"]
    assert schema_errors(services.read_bytes()) == [] and schema_errors(mixed.read_bytes()) == []


def test_the_printed_copy_names_a_northern_ireland_buyer_as_its_e_invoice_does(tmp_path, ledger):
    """The services-only invoice's e-invoice named C002 GB987654321 while its printed copy said
    *P. IVA XI987654321*, an intra-EU buyer the e-invoice denied; the invoice with goods says XI in both."""
    from python_calamine import CalamineWorkbook
    from test_services_no_ddt import april_einvoices

    from toolkit.writers.accountants import write_copies

    sheets = _northern_ireland_sheets()
    master = check(minimal.workbook(sheets)).master
    assert master is not None
    run, _ = april_einvoices(master, ledger, tmp_path)
    path = write_copies(tmp_path / "copie.xlsx", master, run.invoices)
    book = CalamineWorkbook.from_path(str(path))
    printed = {x.customer: [c for r in book.get_sheet_by_name(x.number).to_python() for c in r
                            if isinstance(c, str) and c.startswith("P. IVA")] for x in run.invoices}  # seller first
    assert {k: v[1:] for k, v in printed.items()} == {"C001": ["P. IVA XI123456789"], "C002": ["P. IVA GB987654321"]}


def test_the_registers_name_a_northern_ireland_buyer_as_its_e_invoice_does(tmp_path, ledger):
    """The accountants' register (sheet and CSVs) listed C002's services-only invoice as
    XI987654321, typed so, while its e-invoice and print name GB987654321: the accountant matching
    the register to the file saw two buyers. Goods keep XI in all three."""
    from python_calamine import CalamineWorkbook
    from test_services_no_ddt import april_einvoices

    from toolkit.writers.accountants import write_register_csv, write_vat_register_csv, write_workbook

    master = check(minimal.workbook(_northern_ireland_sheets())).master
    assert master is not None
    run, _ = april_einvoices(master, ledger, tmp_path)
    expected = {"C001": "XI123456789", "C002": "GB987654321"}
    sheet = CalamineWorkbook.from_path(str(write_workbook(tmp_path / "reg.xlsx", master, run.invoices, "r"))
                                       ).get_sheet_by_name("Registro").to_python()
    heads = next(r for r in sheet if "Partita IVA" in r)
    rows = sheet[sheet.index(heads) + 1:]
    assert {r[heads.index("Cliente")]: r[heads.index("Partita IVA")] for r in rows if r[0]} == expected
    for write in (write_register_csv, write_vat_register_csv):
        lines = [x.split(";") for x in write(tmp_path / f"{write.__name__}.csv", master, run.invoices
                                             ).read_text(encoding="utf-8-sig").splitlines()]
        column = lines[0].index("Partita IVA"), lines[0].index("Cliente")
        assert {x[column[1]]: x[column[0]] for x in lines[1:]} == expected, write.__name__


def _northern_ireland_sheets() -> dict:
    """The services sample with both customers in Northern Ireland (XI numbers, country GB) and
    a goods nature of N3.2: C002 buys a service alone, C001 goods too."""
    from test_services_no_ddt import service_sheets

    sheets = service_sheets()
    clienti = sheets["Clienti"]
    vat, tax_code = clienti[0].index("Partita IVA"), clienti[0].index("Codice fiscale")
    clienti[0] += ["Paese", "Natura IVA"]
    for row, number in zip(clienti[1:], ("XI123456789", "XI987654321")):
        row[vat], row[tax_code] = number, None
        row += ["GB", "N3.2"]
    return sheets
