"""The FatturaPA of particular invoices, and SDI's checks, one failing example each.

Each check is shown failing on a tree that is right but for one value, and each failure names
the invoice and the field. The scenarios (public administration, PEC, credit note, stamp duty,
natures, instalments, purchase orders, a customer abroad) are read back from the XML with the
tests' own reader; `test_every_scenario_is_valid_against_the_official_schema` validates them.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from einvoice_factories import (
    DAY,
    SELLER_VAT,
    billable,
    context,
    credit_note,
    customer,
    ddt,
    invoice,
    seller,
    tree,
)
from fatturapa_reading import read, schema_errors

from toolkit.basics.vocab import PaymentMethod
from toolkit.core.einvoice import Options, RelatedDocument, check
from toolkit.core.einvoice.records import FiscalId
from toolkit.writers.fatturapa import file_name, write_invoices, xml_bytes

D = Decimal


def replace(doc, **parts):
    """The tree with some blocks changed: `body=dict(number=…)` changes fields of the body."""
    changed = {name: dataclasses.replace(getattr(doc, name), **fields) for name, fields in parts.items()}
    return dataclasses.replace(doc, **changed)


def with_line(doc, n: int = 0, **fields):
    lines = list(doc.body.lines)
    lines[n] = dataclasses.replace(lines[n], **fields)
    return replace(doc, body=dict(lines=tuple(lines)))


def with_summary(doc, n: int = 0, **fields):
    rows = list(doc.body.summary)
    rows[n] = dataclasses.replace(rows[n], **fields)
    return replace(doc, body=dict(summary=tuple(rows)))


def exempt_tree():
    """22 % and an exempt (N4) line: a tree with both kinds of summary rows."""
    return tree(invoice(billable(delivery=ddt()), billable("A059", "1", "40.00", "0", "N4", delivery=ddt(), line=2)))


def codes_of(problems):
    return {p.code for p in problems}


CHECKS = [
    pytest.param("einvoice-00400", lambda d: with_line(exempt_tree(), 1, nature=None), id="00400-zero-rate-without-nature"),
    pytest.param("einvoice-00401", lambda d: with_line(d, 0, nature="N4"), id="00401-nature-with-a-rate"),
    pytest.param("einvoice-00417", lambda d: replace(d, buyer=dict(vat_id=None, tax_code=None)), id="00417-no-buyer-id"),
    pytest.param("einvoice-00418", lambda d: replace(d, body=dict(linked_invoices=(
        RelatedDocument("FT-2026-00099", date(2026, 5, 2)),))), id="00418-dated-before-the-linked-invoice"),
    pytest.param("einvoice-00443", lambda d: replace(d, body=dict(summary=d.body.summary[1:])), id="00443-rate-without-summary"),
    pytest.param("einvoice-00419", lambda d: replace(d, body=dict(summary=d.body.summary[1:])), id="00419-fewer-summaries"),
    pytest.param("einvoice-00444", lambda d: with_summary(exempt_tree(), 0, nature="N3.6"),
                 id="00444-nature-without-summary"),
    pytest.param("einvoice-00421", lambda d: with_summary(d, 0, vat=d.body.summary[0].vat + D("0.02")), id="00421-vat"),
    pytest.param("einvoice-00422", lambda d: with_summary(d, 0, taxable=d.body.summary[0].taxable + D("1.01")),
                 id="00422-taxable"),
    pytest.param("einvoice-00423", lambda d: with_line(d, 0, total=d.body.lines[0].total + D("0.02")), id="00423-line-total"),
    pytest.param("einvoice-00424", lambda d: with_summary(with_line(d, 0, rate=D("0.22")), 0, rate=D("0.22")),
                 id="00424-rate-not-in-percent"),
    pytest.param("einvoice-00425", lambda d: replace(d, body=dict(number="FT-ABC")), id="00425-number-without-digits"),
    pytest.param("einvoice-00313", lambda d: replace(d, transmission=dict(recipient_code="XXXXXXX")),
                 id="00313-abroad-code-to-an-italian-vat-id"),
    pytest.param("einvoice-00471", lambda d: replace(d, buyer=dict(vat_id=d.seller.vat_id)), id="00471-buyer-is-seller"),
    pytest.param("einvoice-00426", lambda d: replace(d, transmission=dict(pec="bar@pec.it")), id="00426-pec-with-a-code"),
    pytest.param("einvoice-00427", lambda d: replace(d, transmission=dict(format="FPA12")), id="00427-7-chars-to-pa"),
    pytest.param("einvoice-00427", lambda d: replace(d, transmission=dict(recipient_code="UFABCD")),
                 id="00427-6-chars-to-private"),
    pytest.param("einvoice-00429", lambda d: with_summary(exempt_tree(), 0, nature=None), id="00429-summary-without-nature"),
    pytest.param("einvoice-00430", lambda d: with_summary(d, 1, nature="N4"), id="00430-summary-nature-with-rate"),
    pytest.param("einvoice-00445", lambda d: with_summary(with_line(exempt_tree(), 1, nature="N2"), 0, nature="N2"),
                 id="00445-nature-retired-in-2021"),
    pytest.param("einvoice-bad-cig", lambda d: replace(d, body=dict(purchase_orders=(
        RelatedDocument("OC-2026-00001", None, (1,), cig="ZA1B2C3D4"),))), id="cig-of-9"),
    pytest.param("einvoice-bad-cup", lambda d: replace(d, body=dict(linked_invoices=(
        RelatedDocument("FT-2026-00001", date(2026, 4, 1), cup="J11B2100001000-"),))), id="cup-with-a-dash"),
    pytest.param("einvoice-invalid-field", lambda d: replace(d, buyer=dict(address=dataclasses.replace(
        d.buyer.address, postcode="3812"))), id="schema-postcode"),
    pytest.param("einvoice-invalid-field", lambda d: replace(d, buyer=dict(name="x" * 81)), id="schema-name-too-long"),
    pytest.param("einvoice-invalid-field", lambda d: with_line(d, 0, description="Tè verde 日本"), id="schema-not-latin-1"),
    pytest.param("einvoice-invalid-field", lambda d: with_line(d, 0, unit_price=D("1.123456789")),
                 id="schema-more-than-8-decimals"),
    pytest.param("einvoice-invalid-field", lambda d: replace(d, transmission=dict(progressive="000001")),
                 id="schema-progressive-of-6"),
]


def test_a_right_invoice_passes_every_check():
    assert check(tree()) == [] and check(exempt_tree()) == [] and check(tree(credit_note())) == []


@pytest.mark.parametrize("code, breaks", CHECKS)
def test_each_check_names_the_invoice_and_the_field(code, breaks):
    problems = check(breaks(tree()))
    found = [p for p in problems if p.code == code]
    assert found, [p.code for p in problems]
    params = dict(found[0].params)
    assert params["invoice"] in {"FT-2026-00001", "FT-ABC"} and params["field"]
    assert found[0].is_error and "FT-" in found[0].message("it") and "FT-" in found[0].message("en")


@pytest.mark.parametrize("vat, fails", [("0.90", False), ("0.89", False), ("0.88", True), ("0.91", True)])
def test_the_vat_may_differ_from_taxable_times_rate_by_a_cent_as_sdi_allows(vat, fails):
    doc = tree()
    assert doc.body.summary[0].taxable * doc.body.summary[0].rate / 100 == D("0.897")
    assert ("einvoice-00421" in codes_of(check(with_summary(doc, 0, vat=D(vat))))) is fails


@pytest.mark.parametrize("item, shown", [("A001\x01", "U+0001"), ("A001\uffff", "U+FFFF"), ("A\ufffe", "U+FFFE")])
def test_a_character_xml_cannot_hold_is_refused_not_written_into_a_file_no_parser_reads(item, shown, tmp_path):
    """An item code with U+0001 (Excel's `_x0001_`) or U+FFFF passed the checks, its field
    taking any character, and went into an e-invoice that is not XML at all."""
    doc = with_line(tree(), 0, item=item)
    [problem] = check(doc)
    assert problem.code == "einvoice-invalid-field"
    assert dict(problem.params)["field"] == "DettaglioLinee[1]/CodiceArticolo/CodiceValore"
    assert problem.message("en") == (
        f"Invoice FT-2026-00001, DettaglioLinee[1]/CodiceArticolo/CodiceValore: “{item[:-1]}{shown}” is not allowed by "
        f"the FatturaPA schema (characters {shown} (not allowed in XML)): fix it in the sheet (customer, item or "
        "settings); the invoice was not written.")


def test_an_invisible_character_is_named_by_its_code_and_a_long_value_cut(tmp_path):
    """A right-to-left override shown as itself turned the rest of the message around, and a
    32,000-character address was printed whole, for every invoice."""
    doc = replace(with_line(tree(), 0, description="Caffè\u202e Bar"), buyer=dict(name="Rossi " * 2000))
    said = [p.message("it") for p in check(doc)]
    assert ("Fattura FT-2026-00001, DettaglioLinee[1]/Descrizione: «CaffèU+202E Bar» non è ammesso dallo schema "
            "FatturaPA (characters U+202E (Latin-1 only))") in " ".join(said)
    [name] = [m for m in said if "Denominazione" in m]
    assert f"«{('Rossi ' * 17)[:99]}…»" in name
    assert "(at most 80 characters, not 12000)" in name and len(name) < 400


def test_an_invoice_that_fails_a_check_is_not_written(tmp_path):
    good, bad = invoice(number="FT-2026-00001"), invoice(number="FT-2026-00002", buyer=customer("C002", postcode=None))
    written = write_invoices([good, bad], context(good, bad, buyers=(customer(), customer("C002", postcode=None))),
                             tmp_path)
    assert list(written.files) == ["FT-2026-00001"] and written.refused == ["FT-2026-00002"]
    [problem] = written.problems
    assert problem.code == "einvoice-invalid-field"
    assert dict(problem.params)["field"] == "CessionarioCommittente/Sede/CAP"
    assert dict(problem.params)["invoice"] == "FT-2026-00002"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"IT{SELLER_VAT}_00001.xml"]


def test_two_invoices_given_one_progressive_write_one_file(tmp_path):
    first, second = invoice(number="FT-2026-00001"), invoice(number="FT-2026-00002")
    shared = dataclasses.replace(context(first, second), progressives={"FT-2026-00001": "00007", "FT-2026-00002": "00007"})
    written = write_invoices([first, second], shared, tmp_path)
    assert list(written.files) == ["FT-2026-00001"] and written.refused == ["FT-2026-00002"]
    assert [(p.code, dict(p.params)["other"]) for p in written.problems] == [("einvoice-repeated-progressive", "FT-2026-00001")]


def test_an_invoice_of_a_customer_no_longer_on_the_sheet_is_not_written(tmp_path):
    inv = invoice(buyer=customer("C404"))
    written = write_invoices([inv], context(inv), tmp_path)
    assert written.files == {} and [p.code for p in written.problems] == ["einvoice-unknown-customer"]


# ---- scenarios, read back from the XML


def scenario_pa():
    office = customer("C100", name="Comune di Trento", sdi_code="UFABCD", vat_number="00355870221")
    return tree(invoice(buyer=office), office)


def scenario_pec():
    buyer = customer(sdi_code=None, pec="bar.centrale@pec.it")
    return tree(invoice(buyer=buyer), buyer)


def scenario_credit_note():
    return tree(credit_note(), linked=(RelatedDocument("FT-2026-00010", date(2026, 4, 10)),))


def scenario_stamp(amount: str, nature: str = "N4"):
    return tree(invoice(billable(delivery=ddt()), billable("A059", "1", amount, "0", nature, delivery=ddt(), line=2)))


def scenario_abroad():
    buyer = customer(country="DE", vat_number="DE123456789", postcode="10115", city="Berlin", province=None,
                     sdi_code=None, payment_method=PaymentMethod.BANK_TRANSFER, payment_terms="30")
    return tree(invoice(buyer=buyer), buyer)


def scenario_immediate():
    buyer = customer(payment_method=PaymentMethod.BANK_TRANSFER, payment_terms="IMM")
    return tree(invoice(billable(), billable("A002", line=2), buyer=buyer), buyer,
                purchase_orders={"OC-2026-00001": "PO 778/2026"})


def scenario_typography():
    return tree(invoice(billable(description="Caffè “Miscela Bar” – 1 kg € 12", delivery=ddt())))


SCENARIOS = {"pa": scenario_pa, "pec": scenario_pec, "credit-note": scenario_credit_note,
             "stamp-duty": lambda: scenario_stamp("77.48"), "no-stamp-duty": lambda: scenario_stamp("77.47"),
             "exports": lambda: scenario_stamp("500.00", "N3.1"), "abroad": scenario_abroad,
             "immediate": scenario_immediate, "typography": scenario_typography, "deferred": tree}


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_is_valid_against_the_official_schema(name):
    doc = SCENARIOS[name]()
    assert check(doc) == []
    assert schema_errors(xml_bytes(doc)) == []


def test_a_public_administration_gets_fpa12_and_its_six_character_office_code():
    got = read(xml_bytes(scenario_pa()))
    assert (got.version, got.transmission_format, got.recipient_code, got.pec) == ("FPA12", "FPA12", "UFABCD", None)


def test_a_public_administration_pays_by_split_payment_net_of_vat_with_vat_payable_s():
    office = customer("C100", name="Comune di Trento", sdi_code="UFABCD", vat_number="00355870221",
                      payment_terms="30")
    inv = invoice(billable(qty="10", price="15.00", delivery=ddt()),
                  billable("A002", "1", "26.18", "22", delivery=ddt(), line=2),
                  billable("A003", "1", "10.00", "0", "N4", delivery=ddt(), line=3), buyer=office)
    doc = tree(inv, office)
    got = read(xml_bytes(doc))
    assert got.total == D("224.94")
    assert [(rate, nature) for rate, nature, *_ in got.summary] == [(D("0.00"), "N4"), (D("22.00"), None)]
    assert got.payability == (None, "S")
    assert got.dues == (("MP12", date(2026, 5, 30), D("186.18")),)
    assert check(doc) == [] and schema_errors(xml_bytes(doc)) == []


@pytest.mark.parametrize("fields", [dict(sdi_code="UFABCD", split_payment=False), dict(sdi_code="QN2Y2GA")])
def test_without_split_payment_the_vat_is_due_at_once_and_paid_with_the_invoice(fields):
    buyer = customer("C100", payment_terms="30", **fields)
    got = read(xml_bytes(tree(invoice(billable(qty="10", price="15.00", delivery=ddt()), buyer=buyer), buyer)))
    assert got.payability == (None,)
    assert got.dues == (("MP12", date(2026, 5, 30), D("183.00")),)


def test_a_private_customer_may_be_set_to_split_payment():
    buyer = customer("C100", payment_terms="30", split_payment=True)
    got = read(xml_bytes(tree(invoice(billable(qty="10", price="15.00", delivery=ddt()), buyer=buyer), buyer)))
    assert got.payability == ("S",) and got.dues == (("MP12", date(2026, 5, 30), D("150.00")),)


def test_a_customer_without_a_channel_code_gets_0000000_and_its_pec():
    got = read(xml_bytes(scenario_pec()))
    assert (got.transmission_format, got.recipient_code, got.pec) == ("FPR12", "0000000", "bar.centrale@pec.it")


@pytest.mark.parametrize("fields, code, pec", [
    (dict(sdi_code=None, pec=None), "0000000", None),
    (dict(sdi_code="QN2Y2GA", pec="bar@pec.it"), "QN2Y2GA", None),
])
def test_the_pec_goes_only_with_0000000(fields, code, pec):
    buyer = customer(**fields)
    got = read(xml_bytes(tree(invoice(buyer=buyer), buyer)))
    assert (got.recipient_code, got.pec) == (code, pec)


def test_a_deferred_invoice_is_td24_and_cites_each_ddt_with_its_lines():
    inv = invoice(billable(delivery=ddt("DDT-2026-00012", date(2026, 4, 9))),
                  billable("A002", delivery=ddt("DDT-2026-00020", date(2026, 4, 16), id=20), line=2),
                  billable("A003", delivery=ddt("DDT-2026-00012", date(2026, 4, 9)), line=3))
    got = read(xml_bytes(tree(inv)))
    assert got.kind == "TD24"
    assert got.ddts == (("DDT-2026-00012", date(2026, 4, 9), (1, 2)), ("DDT-2026-00020", date(2026, 4, 16), (3,)))


def test_an_invoice_dated_as_its_ddt_travels_with_the_goods_td01_still_citing_it():
    """ship --invoice: the invoice bears its DDT's date, so it defers nothing (TD01), and says
    which DDT its goods travel with; a day later the same lines are a deferred invoice."""
    same_day = read(xml_bytes(tree(invoice(billable(delivery=ddt(day=DAY))))))
    assert (same_day.kind, same_day.ddts) == ("TD01", (("DDT-2026-00012", DAY, (1,)),))
    assert schema_errors(xml_bytes(tree(invoice(billable(delivery=ddt(day=DAY)))))) == []
    later = read(xml_bytes(tree(invoice(billable(delivery=ddt(day=DAY)), day=DAY + timedelta(days=1)))))
    assert later.kind == "TD24"


def test_an_immediate_invoice_is_td01_with_its_order_reference_and_a_single_payment_into_the_iban():
    got = read(xml_bytes(scenario_immediate()))
    assert (got.kind, got.ddts) == ("TD01", ())
    assert got.purchase_orders == (("PO 778/2026", (1, 2)),)
    assert got.payment_terms == "TP02" and got.dues == (("MP05", DAY, got.total),)
    assert b"<IBAN>IT60X0542811101000000123456</IBAN>" in xml_bytes(scenario_immediate())


def test_a_credit_note_is_td04_with_positive_amounts_and_the_invoice_it_corrects():
    got = read(xml_bytes(scenario_credit_note()))
    assert got.kind == "TD04" and got.linked == (("FT-2026-00010", date(2026, 4, 10)),)
    [line] = got.lines
    assert (line.quantity, line.unit_price, line.total) == (D(2), D("1.50"), D("3.00"))
    assert got.summary == ((D("22.00"), None, D("3.00"), D("0.66"), None),) and got.total == D("3.66")
    assert got.dues == () and got.payment_terms is None


@pytest.mark.parametrize("amount, nature, stamp", [
    ("77.47", "N4", None), ("77.48", "N4", D("2.00")), ("500.00", "N3.1", None), ("100.00", "N2.2", D("2.00")),
])
def test_the_virtual_stamp_duty_is_due_above_77_47_of_amounts_without_vat(amount, nature, stamp):
    got = read(xml_bytes(scenario_stamp(amount, nature)))
    assert got.stamp_duty == stamp


def test_a_line_without_vat_carries_its_nature_and_the_summary_its_legal_reference():
    got = read(xml_bytes(scenario_stamp("40.00")))
    assert [(x.rate, x.nature) for x in got.lines] == [(D("22.00"), None), (D("0.00"), "N4")]
    assert got.summary[0] == (D("0.00"), "N4", D("40.00"), D("0.00"), "Esenti ex art. 10 DPR 633/72")


def test_instalments_each_get_a_due_date_and_the_method_code():
    got = read(xml_bytes(tree()))
    assert got.payment_terms == "TP01"
    assert got.dues == (("MP12", date(2026, 5, 30), D("14.09")), ("MP12", date(2026, 6, 29), D("14.08")))
    assert sum(amount for _, _, amount in got.dues) == got.total


def test_a_customer_abroad_gets_xxxxxxx_and_no_italian_postcode():
    doc = scenario_abroad()
    got = read(xml_bytes(doc))
    assert (got.recipient_code, got.buyer_vat, got.buyer_tax_code) == ("XXXXXXX", "123456789", None)
    assert doc.buyer.address == dataclasses.replace(doc.buyer.address, postcode="00000", province=None)


def test_typed_quotes_dashes_and_the_euro_sign_are_folded_to_latin_1():
    assert read(xml_bytes(scenario_typography())).lines[0].description == 'Caffè "Miscela Bar" - 1 kg EUR 12'


def test_a_consumer_abroad_without_a_vat_id_is_not_told_to_take_an_italian_sdi_code():
    """A private customer in Germany has no VAT number and XXXXXXX is its code: 00313 told the desk
    to write a 7-character Italian code or leave the code empty, which gives XXXXXXX again. It is
    named IdCodice 99999999999, so it lacks no identifier (00417) either. At an Italian address,
    00313 stands."""
    abroad = customer(country="DE", vat_number=None, tax_code=None, postcode="10115", city="Berlin",
                      province=None, sdi_code=None)
    assert check(tree(invoice(buyer=abroad), abroad)) == []
    assert read(xml_bytes(tree(invoice(buyer=abroad), abroad))).buyer_vat == "99999999999"
    home = customer(vat_number=None, tax_code="RSSMRA80A01H501U", sdi_code="XXXXXXX")
    assert [p.code for p in check(tree(invoice(buyer=home), home))] == ["einvoice-00313"]


def test_an_accent_typed_as_a_combining_mark_is_joined_to_its_letter_not_refused():
    """`Societa` + U+0300 (as a Mac, a PDF or a web page writes `Società`) looked right on every
    screen, and the invoice was refused for a character outside Latin-1 (the lone accent)."""
    buyer = customer(name="Caffe\u0300 Societa\u0300 Cooperativa", address="Via Nizza 3, Forli\u0300")
    doc = tree(invoice(billable(description="Te\u0300 verde", delivery=ddt()), buyer=buyer), buyer)
    assert check(doc) == []
    got = read(xml_bytes(doc))
    assert (got.buyer_name, got.lines[0].description) == ("Caffè Società Cooperativa", "Tè verde")
    assert schema_errors(xml_bytes(doc)) == []


def test_windows_quotes_read_as_latin_1_control_characters_are_read_as_meant_not_written_unseen():
    """A description from a Windows export read as Latin-1 holds U+0092 for ’ and U+0080 for €:
    C1 control characters, which the schema's Latin-1 takes, so the file carried characters no
    reader shows (the customer saw «Lacqua Fonte 5»)."""
    buyer = customer(name="Bar \x93Centrale\x94")
    doc = tree(invoice(billable(description="L\x92acqua Fonte \x96 cassa da 6 \x80", delivery=ddt()), buyer=buyer),
               buyer)
    assert check(doc) == []
    got = read(xml_bytes(doc))
    assert (got.buyer_name, got.lines[0].description) == ('Bar "Centrale"', "L'acqua Fonte - cassa da 6 EUR")


def test_a_customer_reference_longer_than_the_schema_is_cut_not_refusing_an_issued_invoice():
    """An order form's reference (*Vs. ordine*, up to 60 characters) is kept on the order's lines:
    its invoice was issued, then refused for an IdDocumento over 20 characters, for ever, as the
    lines of an issued invoice never change."""
    reference = "ODA 2026/000118 – Magazzino Centrale"
    doc = tree(purchase_orders={"OC-2026-00001": reference})
    assert check(doc) == []
    assert read(xml_bytes(doc)).purchase_orders == (("ODA 2026/000118 - Ma", (1, 2)),)
    assert schema_errors(xml_bytes(doc)) == []


def test_a_fraction_keeps_its_slash_not_read_as_a_number_of_its_own():
    """«½ kg» as a unit (ASCII only) was written «12 kg», and «⅓» in a description «13»: the
    decomposition's fraction slash was dropped, and ten half-kilo packs read as ten of 12 kg."""
    doc = tree(invoice(billable(description="Panna ⅓ l", unit="½ kg", delivery=ddt())))
    assert check(doc) == []
    [line] = read(xml_bytes(doc)).lines
    assert (line.description, line.unit) == ("Panna 1/3 l", "1/2 kg")


def test_a_long_name_address_description_or_unit_is_cut_to_the_schema_not_refused(tmp_path):
    """A cooperative's 90-character legal name, an address with its locality, an item's long
    description passed the data check and were printed whole, and the issued invoice was refused
    (einvoice-invalid-field) until the sheet said less. The file carries them cut to the
    schema's length, as e-invoicing programs send them; no amount changes."""
    name = "Società Cooperativa Agricola dei Produttori Ortofrutticoli della Valle dell'Adige a r.l."
    buyer = customer(name=name, address="Via dei Cavalieri di Vittorio Veneto, Località Case Sparse, 12",
                     city="San Giovanni in Persiceto frazione Decima di Persiceto e Lorenzatico")
    description = "Caffè in grani " + "miscela arabica " * 70
    inv = invoice(billable(description=description, unit="confezioni x12", delivery=ddt()), buyer=buyer)
    written = write_invoices([inv], context(inv, buyers=(buyer,)), tmp_path)
    assert written.problems == [] and written.refused == []
    data = written.files["FT-2026-00001"].read_bytes()
    assert schema_errors(data) == []
    got = read(data)
    assert got.buyer_name == name[:80] and len(name) == 88
    [line] = got.lines
    assert line.description == description[:1000].rstrip() and line.unit == "confezioni"
    assert (line.quantity, line.unit_price, line.total, got.total) == (D(10), D("1.50"), D("15.00"), D("18.30"))
    sede = ET.fromstring(data).find("FatturaElettronicaHeader/CessionarioCommittente/Sede")
    assert sede.findtext("Indirizzo") == "Via dei Cavalieri di Vittorio Veneto, Località Case Sparse,"
    assert sede.findtext("Comune") == "San Giovanni in Persiceto frazione Decima di Persiceto e Lor"


@pytest.mark.parametrize("fields, why", [
    (dict(), "has an Italian VAT number"),
    (dict(vat_number=None, tax_code="RSSMRA80A01H501U"), "has no VAT number of another country")])
def test_the_abroad_code_xxxxxxx_to_a_buyer_in_italy_is_refused_as_sdi_does(fields, why):
    """A customer stored with XXXXXXX before the data check refused it at the cell: SDI rejects
    the file (00313), so it is not written."""
    buyer = customer(sdi_code="XXXXXXX", **fields)
    [problem] = check(tree(invoice(buyer=buyer), buyer))
    assert (problem.code, dict(problem.params)["field"]) == ("einvoice-00313", "DatiTrasmissione/CodiceDestinatario")
    assert f"the recipient code XXXXXXX is for customers abroad only, but the customer {why}:" in problem.message("en")
    assert "(SDI 00313)" in problem.message("it")
    abroad = customer(country="DE", vat_number="DE123456789", postcode="10115", city="Berlin", province=None,
                      sdi_code="XXXXXXX")
    assert check(tree(invoice(billable(rate="0", nature="N3.2", delivery=ddt()), buyer=abroad), abroad)) == []


def test_an_invoice_to_the_sellers_own_vat_number_is_refused_as_sdi_does_a_credit_note_not(tmp_path):
    """A desk's customer for its own use, or a copy of the company's row, with the seller's partita
    IVA: SDI rejects a TD01 or TD24 whose buyer is its seller (00471), days later."""
    own = customer("C900", name="Uso interno", vat_number=f"IT {SELLER_VAT}")
    bill, note = invoice(buyer=own), credit_note(buyer=own)
    written = write_invoices([bill, note], context(bill, note, buyers=(own,)), tmp_path)
    assert written.refused == ["FT-2026-00001"] and list(written.files) == ["NC-2026-00001"]
    [problem] = written.problems
    assert problem.code == "einvoice-00471"
    assert dict(problem.params)["field"] == "CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA"
    assert problem.message("en") == (
        f"Invoice FT-2026-00001, CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA: the customer has the seller's "
        f"VAT number (IT{SELLER_VAT}), and a TD24 invoice cannot be made out to oneself (own use or free goods take a "
        "self-invoice, TD27, which the toolkit does not issue): correct the customer's VAT number on the Customers "
        "sheet (SDI 00471): the invoice was not written.")
    assert "SDI 00471" in problem.message("it")


def test_the_file_is_named_after_the_seller_and_the_progressive_whoever_transmits_it():
    """The progressives are the seller's: named after an intermediary sending for several
    sellers, two files would share a name, which SDI refuses (00002); SDI has not checked the
    name's id against the file since 2018."""
    assert file_name(tree(progressive="A0001")) == f"IT{SELLER_VAT}_A0001.xml"
    intermediary = tree(options=Options(transmitter=FiscalId("IT", "01234560157")))
    assert file_name(intermediary) == f"IT{SELLER_VAT}_00001.xml"
    got = read(xml_bytes(intermediary))
    assert got.seller_vat == SELLER_VAT and got.transmitter == "IT01234560157"


def test_the_seller_vat_number_loses_its_country_prefix():
    doc = tree()
    assert seller().vat_number == f"IT{SELLER_VAT}" and doc.seller.vat_id == FiscalId("IT", SELLER_VAT)


def test_a_missing_summary_names_its_rate_as_the_desk_writes_it():
    """«per aliquota 10.00» was the XML's form inside Italian text, and Italian inside the English."""
    [problem] = [p for p in check(replace(tree(), body=dict(summary=tree().body.summary[1:])))
                 if p.code == "einvoice-00443"]
    assert "manca il riepilogo (DatiRiepilogo) per aliquota 10 %, usata dalle righe (SDI 00443)" in problem.message("it")
    assert "no summary (DatiRiepilogo) for rate 10 %, which the lines use (SDI 00443)" in problem.message("en")
    from toolkit.core.einvoice.checks import Unsummarized

    assert (Unsummarized(D(0), "N4").shown("it"), Unsummarized(D(0), "N4").shown("en")) == ("Natura N4", "nature N4")
    assert Unsummarized(D("5.50"), None).shown("it") == "aliquota 5,5 %"


def test_a_bad_cig_or_cup_of_a_customer_passed_directly_is_found_once_and_the_invoice_not_written(tmp_path):
    """The data check refuses them on the sheet; a Customer made in code or a party stored by hand
    skips it, and the schema would take both (any text up to 15 characters)."""
    buyer = customer(sdi_code="UFABCD", cig="ZA1B2C3D4", cup="J11B2100001000")
    made = invoice(billable(delivery=ddt()), billable("A002", "3", "2.99", "10", delivery=ddt(), order="OC-2026-00002",
                                                      line=2), buyer=buyer)
    doc = tree(made, buyer)
    assert len(doc.body.purchase_orders) == 2
    problems = check(doc)
    assert [(p.code, dict(p.params)["field"]) for p in problems] == [
        ("einvoice-bad-cup", "DatiOrdineAcquisto[1]/CodiceCUP"), ("einvoice-bad-cig", "DatiOrdineAcquisto[1]/CodiceCIG")]
    assert "il CIG «ZA1B2C3D4» deve avere 10 caratteri, lettere e cifre" in problems[1].message("it")
    assert "CUP “J11B2100001000” must have 15 characters" in problems[0].message("en")
    written = write_invoices([made], context(made, buyers=(buyer,)), tmp_path)
    assert written.refused == ["FT-2026-00001"] and list(tmp_path.iterdir()) == []
    right = customer(sdi_code="UFABCD", cig="ZA1B2C3D4E", cup="J11B21000010001")
    assert check(tree(invoice(buyer=right), right)) == []


def test_a_missing_summary_is_named_by_the_code_sdi_gives_it():
    """The Elenco controlli 2.0: 00443 a rate of the lines in no summary, 00444 a nature, 00419
    fewer summaries than rates. Every missing summary was named 00419, so the desk looking up
    SDI's notice of 00443 found another code. Lines at 22 % and 0 % N4: the N4 summary called
    N3.6 misses the nature alone (a summary still for each rate); the 22 % one gone misses a
    rate and leaves one summary for two rates."""
    nature = codes_of(check(with_summary(exempt_tree(), 0, nature="N3.6")))
    assert nature & {"einvoice-00419", "einvoice-00443", "einvoice-00444"} == {"einvoice-00444"}
    rate = [p for p in check(replace(exempt_tree(), body=dict(summary=exempt_tree().body.summary[:1])))
            if p.code in {"einvoice-00419", "einvoice-00443", "einvoice-00444"}]
    assert [p.code for p in rate] == ["einvoice-00419", "einvoice-00443"]
    assert rate[0].message("en").startswith(
        "Invoice FT-2026-00001, DatiRiepilogo: 1 summary (DatiRiepilogo) for the lines' 2 VAT rates: each rate needs")
    assert "1 riepilogo (DatiRiepilogo) per 2 aliquote IVA delle righe" in rate[0].message("it")
    assert "per aliquota 22 %" in rate[1].message("it")


def test_a_zero_rate_of_two_natures_without_its_summary_is_one_00443_and_a_00444_per_nature_as_sdi_says():
    """Lines at 22 %, 0 % N4 and 0 % N3.6, the summary of 22 % alone. SDI's list checks the rates
    (00443) and the natures (00444) apart, so the file fails 00443 once, for 0 %, and 00444 for
    each nature (`sdi_controls`, written from the list). The toolkit said «no summary for rate
    0 %» twice, once per nature, and named neither nature: 00444 was looked for only when the
    rate had a summary."""
    from collections import Counter

    import sdi_controls

    lines = tree(invoice(billable(delivery=ddt()), billable("A059", "1", "40.00", "0", "N4", delivery=ddt(), line=2),
                         billable("A060", "1", "30.00", "0", "N3.6", delivery=ddt(), line=3)))
    doc = replace(lines, body=dict(summary=tuple(row for row in lines.body.summary if row.rate)))
    said = [p for p in check(doc) if p.code in {"einvoice-00419", "einvoice-00443", "einvoice-00444"}]
    sdi = Counter(b.code for b in sdi_controls.breaches(xml_bytes(doc), date(2030, 1, 1))
                  if b.code in {"00419", "00443", "00444"})
    assert Counter(p.code.removeprefix("einvoice-") for p in said) == sdi == Counter(
        {"00419": 1, "00443": 1, "00444": 2})
    assert [p.message("en").split(": ")[1] for p in said[1:]] == [
        "no summary (DatiRiepilogo) for rate 0 %, which the lines use (SDI 00443)",
        "no summary (DatiRiepilogo) for nature N3.6, which the lines use (SDI 00444)",
        "no summary (DatiRiepilogo) for nature N4, which the lines use (SDI 00444)"]
