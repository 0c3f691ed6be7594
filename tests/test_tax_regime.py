"""*Impostazioni › Regime fiscale*: the regime the seller's e-invoices declare (RegimeFiscale).

RF01 (ordinary) unless the sheet says otherwise, so a workbook without the row is unchanged. A
flat-rate seller (*forfettario*, RF19) or a *contribuente minimo* (RF02) charges no VAT: the
data check refuses an item charged VAT, every line then carries 0 % with N2.2, and the invoice
owes the stamp duty as any other without VAT. An issued invoice keeps the regime it was issued
under, in the parties the ledger keeps with it."""

from __future__ import annotations

import json
from decimal import Decimal as D

import minimal
import pytest
from conftest import with_stock_sheet
from fatturapa_reading import read, schema_errors
from python_calamine import CalamineWorkbook
from test_services_no_ddt import april_einvoices
from test_shipping import shipping_sheets

from toolkit.core.invoicing import Period
from toolkit.intake.validation import check
from toolkit.model.parties import Parties, party_book
from toolkit.services import einvoice
from toolkit.writers.accountants import write_accountants

REGIME_CELL = ("Impostazioni", "B9")
FLAT_RATE_LAW = "Operazione in franchigia da IVA, art. 1 c. 54-89 L. 190/2014 - regime forfettario"


def with_regime(sheets, regime):
    minimal.set_cell(sheets, "Impostazioni", "A9", "Regime fiscale")
    minimal.set_cell(sheets, "Impostazioni", "B9", regime)
    return sheets


def without_vat(sheets):
    for row in sheets["Articoli"][1:]:
        row[3:5] = [0, "N2.2"]
    return sheets


def flat_rate_sheets(regime="RF19"):
    """The shipping workbook of a forfettario: its goods at 0 % with N2.2, customers with a CAP."""
    sheets = without_vat(with_regime(shipping_sheets(), regime))
    for row, postcode in zip(sheets["Clienti"], ("CAP", "20121", "00184")):
        row.append(postcode)
    return sheets


@pytest.mark.parametrize("typed, code", [
    ("RF19", "RF19"), ("rf19", "RF19"), ("RF19 - Forfettario", "RF19"), (" RF02 contribuenti minimi", "RF02"),
    ("RF04", "RF04"), (None, "RF01")])
def test_the_regime_is_read_as_a_desk_writes_it(typed, code):
    result = check(minimal.workbook(with_regime(without_vat(with_stock_sheet(minimal.sheets())), typed)))
    assert result.problems == []
    assert result.master.settings.tax_regime == code


def test_a_workbook_without_the_row_is_under_the_ordinary_regime():
    assert check(minimal.workbook(with_stock_sheet(minimal.sheets()))).master.settings.tax_regime == "RF01"


@pytest.mark.parametrize("typed", ["RF03", "RF20", "forfettario", "19", "RF1"])
def test_a_code_the_schema_does_not_know_is_refused_at_its_cell_with_the_valid_ones(typed):
    [problem] = check(minimal.workbook(with_regime(with_stock_sheet(minimal.sheets()), typed))).problems
    assert ((problem.sheet, problem.cell), problem.code, problem.is_error) == (REGIME_CELL, "not-a-tax-regime", True)
    assert "RF01, RF02, RF04, RF05" in problem.message("it") and "RF18, RF19" in problem.message("en")


def test_under_a_regime_without_vat_an_item_charged_vat_is_refused_at_its_rate():
    for regime in ("RF19", "RF02"):
        problems = check(minimal.workbook(with_regime(with_stock_sheet(minimal.sheets()), regime))).problems
        assert [(p.sheet, p.cell, p.code) for p in problems] == [
            ("Articoli", "D2", "vat-under-regime"), ("Articoli", "D3", "vat-under-regime"),
            ("Articoli", "E4", "nature-under-regime")]
        assert "scrivi 0 in Aliquota IVA e N2.2 in Natura IVA" in problems[0].message("it")
    assert check(minimal.workbook(with_regime(with_stock_sheet(minimal.sheets()), "RF04"))).problems == []
    assert [p for p in check(minimal.workbook(flat_rate_sheets())).problems if p.is_error] == []


def test_a_flat_rate_sellers_einvoices_declare_rf19_charge_no_vat_and_owe_the_stamp_duty(tmp_path, ledger):
    _, files = april_einvoices(check(minimal.workbook(flat_rate_sheets())).master, ledger, tmp_path)
    assert len(files) == 2
    for path in files.values():
        invoice = read(path)
        assert schema_errors(path.read_bytes()) == []
        assert invoice.regime == "RF19"
        assert {(line.rate, line.nature) for line in invoice.lines} <= {(D(0), "N2.2"), (D(0), "N1")}
        assert all(vat == 0 for _, _, _, vat, _ in invoice.summary)
        exempt = sum(taxable for _, nature, taxable, _, _ in invoice.summary if nature == "N2.2")
        assert invoice.stamp_duty == (D("2.00") if exempt > D("77.47") else None), (exempt, invoice.stamp_duty)
        assert [reference for _, nature, _, _, reference in invoice.summary if nature == "N2.2"] == [FLAT_RATE_LAW]
    assert {read(path).stamp_duty for path in files.values()} == {D("2.00"), None}


def test_a_flat_rate_sellers_printed_invoice_cites_the_regimes_law_as_its_file_does(tmp_path, ledger):
    master = check(minimal.workbook(flat_rate_sheets())).master
    run, _ = april_einvoices(master, ledger, tmp_path)
    copies = write_accountants(tmp_path / "copies", master, run.invoices, run.run_id, copies=True)[1]
    book = CalamineWorkbook.from_path(str(copies))
    cells = {str(v) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for v in row}
    assert f"N2.2: {FLAT_RATE_LAW}" in cells and "N2.2: Non soggette ad IVA - altri casi" not in cells


def test_an_ordinary_sellers_einvoices_still_declare_rf01(tmp_path, ledger):
    sheets = shipping_sheets()
    for row, postcode in zip(sheets["Clienti"], ("CAP", "20121", "00184")):
        row.append(postcode)
    _, files = april_einvoices(check(minimal.workbook(sheets)).master, ledger, tmp_path)
    assert files and {read(path).regime for path in files.values()} == {"RF01"}


def test_an_issued_invoice_keeps_the_regime_it_was_issued_under(tmp_path, ledger):
    """Written again after the seller left the flat-rate regime, its file still says RF19."""
    _, first = april_einvoices(check(minimal.workbook(flat_rate_sheets())).master, ledger, tmp_path / "first")
    ordinary = check(minimal.workbook(flat_rate_sheets("RF01"))).master
    again = einvoice.export(ordinary, ledger, month=Period(min(read(p).day for p in first.values()),
                                                           max(read(p).day for p in first.values())),
                            out=tmp_path / "again")
    assert again.files and {read(path).regime for path in again.files.values()} == {"RF19"}


def test_parties_stored_before_the_regime_was_kept_read_the_ordinary_one():
    master = check(minimal.workbook(flat_rate_sheets())).master
    parties = party_book(master).parties("C001")
    assert parties.seller.tax_regime == "RF19" and Parties.from_text(parties.text()) == parties
    old = json.loads(parties.text())
    del old["seller"]["tax_regime"]
    assert Parties.from_text(json.dumps(old)).seller.tax_regime == "RF01"


def test_the_samples_regime_cell_is_empty_and_offers_the_schemas_codes(tmp_path):
    import openpyxl

    from toolkit.services.sample import write_sample

    settings = openpyxl.load_workbook(write_sample(tmp_path))["Impostazioni"]
    [row] = [r for r in range(1, settings.max_row + 1) if settings.cell(r, 1).value == "Regime fiscale"]
    assert settings.cell(row, 2).value is None
    [rule] = [dv for dv in settings.data_validations.dataValidation if f"B{row}" in str(dv.sqref)]
    assert rule.type == "list" and rule.errorStyle == "warning"
    assert rule.formula1.strip('"').split(",") == ["RF01", "RF02", *(f"RF{n:02d}" for n in range(4, 20))]


def test_orders_created_with_vat_are_not_invoiced_with_it_after_the_switch_to_a_regime_without_vat(ledger):
    """A DDT line keeps the VAT rate it shipped at: C001's order, created and shipped while the
    desk was ordinary and its items at 22 %, invoiced after the switch to RF19 would declare RF19
    and charge VAT. Month end refuses that invoice, stores none of C001's, and invoices C002,
    whose order shipped after the switch; with the regime set back, C001's is issued."""
    from datetime import date

    from test_services_no_ddt import APRIL, THURSDAY

    from toolkit.cli.output import exit_code
    from toolkit.core.invoicing import InvoiceStatus, Request
    from toolkit.ledger.db import reading
    from toolkit.ledger.invoices import load_invoices
    from toolkit.services import invoicing
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    ordinary_sheets = shipping_sheets()
    for row, postcode in zip(ordinary_sheets["Clienti"], ("CAP", "20121", "00184")):
        row.append(postcode)
    ordinary = check(minimal.workbook(ordinary_sheets)).master
    flat_rate = check(minimal.workbook(flat_rate_sheets())).master
    assert ordinary.settings.tax_regime == "RF01" and flat_rate.settings.tax_regime == "RF19"
    create(ordinary, ledger, THURSDAY, with_catch_up=False, only={"T001"}, lang="it")
    assert ship(ordinary, ledger, THURSDAY, all_open=True, lang="it").notes
    create(flat_rate, ledger, THURSDAY, with_catch_up=False, lang="it")
    ship(flat_rate, ledger, THURSDAY, all_open=True, lang="it")

    result = invoicing.run(ledger, flat_rate, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")

    refused = [p for p in result.problems if p.is_error]
    assert [(p.code, dict(p.params)["customer"]) for p in refused] == [("invoice-vat-under-regime", "C001")]
    assert "OC-2026-00001" in refused[0].message("en") and "2 lines" in refused[0].message("en")
    assert "annulla quegli ordini" in refused[0].message("it") and "toolkit convert --to ordini" in refused[0].message("it")
    assert exit_code(result.problems) == 1
    assert [(x.customer, x.orders, x.lines) for x in result.charged_vat] == [("C001", ("OC-2026-00001",), 2)]
    with reading(ledger) as conn:
        stored = load_invoices(conn)
    assert [x.customer for x in stored] == ["C002"]
    assert {(line.vat_rate, line.vat_nature) for x in stored for line in x.lines} == {(D(0), "N2.2")}
    assert "C001" in result.summary("it")

    again = invoicing.run(ledger, ordinary, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in again.problems if p.is_error]
    assert [(x.customer, x.vat > 0) for x in again.invoices] == [("C001", True)]


def test_ship_invoice_after_the_switch_charges_the_rest_of_a_line_shipped_in_part_before_it_at_0_n2_2(ledger):
    """`ship --invoice` invoices the DDT's lines at once: an order created at 22 % before the
    switch to RF19, whose A001 shipped 4 pz before it, ships the rest at the 0 % N2.2 of its day,
    as its A002: the line is cut at what shipped (4 pz at 22 %, for the month end of the regime of
    then) and the rest is a new line at 0 % N2.2. It kept 22 % for the rest, and the invoice was
    refused (invoice-vat-under-regime), telling the desk to void the order and order it again."""
    from test_services_no_ddt import THURSDAY

    from toolkit.core.shipping import ChosenRow
    from toolkit.services.orders import create, list_orders
    from toolkit.services.shipping import ship

    ordinary = check(minimal.workbook(shipping_sheets())).master
    create(ordinary, ledger, THURSDAY, with_catch_up=False, only={"T001"}, lang="it")
    [number] = [o.number for o in list_orders(ledger)]
    assert ship(ordinary, ledger, THURSDAY, chosen=[ChosenRow(number, "A001", D(4))], lang="it").notes
    flat_rate = check(minimal.workbook(flat_rate_sheets())).master

    shipped = ship(flat_rate, ledger, THURSDAY, all_open=True, invoice=True, lang="it")

    assert [p.code for p in shipped.problems if p.is_error] == []
    [invoice] = shipped.invoices
    assert {(x.item, x.vat_rate, x.vat_nature) for x in invoice.lines if x.item} == {("A001", D(0), "N2.2"),
                                                                                   ("A002", D(0), "N2.2")}
    assert invoice.vat == 0
    [order] = list_orders(ledger)
    assert [(x.quantity, x.shipped, x.vat_rate, x.vat_nature) for x in order.lines if x.item == "A001"] == [
        (D(4), D(4), D(22), None), (D(6), D(6), D(0), "N2.2")]


def test_an_order_invoiced_at_once_after_the_switch_takes_the_items_0_n2_2_of_its_invoice_s_day(ledger):
    """An order created ahead at 22 % before the switch, whose invoice `orders create` or `ship`
    issues on its day, before the goods leave: that invoice makes the sale on its date (art. 6
    c. 4 DPR 633/72), so its lines take the items' 0 % N2.2 of that day, as a DDT's lines do, and
    it is issued with a warning per line, apart from what it refuses; it was refused as charging
    22 % under RF19, and nothing was stored."""
    from test_services_no_ddt import THURSDAY

    from toolkit.ledger.db import reading, writing
    from toolkit.ledger.invoices import load_invoices
    from toolkit.ledger.orders import load_orders
    from toolkit.services.invoicing import invoice_orders_in
    from toolkit.services.orders import create

    create(check(minimal.workbook(shipping_sheets())).master, ledger, THURSDAY, with_catch_up=False, only={"T001"}, lang="it")
    flat_rate = check(minimal.workbook(flat_rate_sheets())).master
    with reading(ledger) as conn:
        ids = [o.id for o in load_orders(conn)]

    with writing(ledger) as conn:
        issued, refused, rated = invoice_orders_in(conn, flat_rate, ids, THURSDAY, lang="it")

    assert refused == [] and {p.code for p in rated} == {"vat-rate-changed-at-invoice"}
    with reading(ledger) as conn:
        [invoice] = load_invoices(conn)
    assert invoice.number == issued[0].number and invoice.vat == 0
    assert {(x.vat_rate, x.vat_nature) for x in invoice.lines} == {(D(0), "N2.2"), (D(0), "N1")}  # N1: the stamp


def _flat_rate_eu_customer(nature):
    """The forfettario's workbook with C001 a German business, its Natura IVA `nature`."""
    sheets = flat_rate_sheets()
    for row, values in zip(sheets["Clienti"], (("Paese", "Natura IVA"), ("DE", nature), ("IT", None))):
        row += values
    sheets["Clienti"][1][2] = "DE123456789"
    return sheets


@pytest.mark.parametrize("nature", ["N3.2", "N3.1", "N3.5"])
def test_a_flat_rate_sellers_customer_nature_other_than_n2_2_is_refused_at_its_cell(nature):
    """A forfettario selling to a German business makes no intra-EU supply: its lines are N2.2 with
    the regime's law. The customer's N3.2 overrode every item's N2.2, and the file said N3.2, art. 41
    DL 331/93, under RF19."""
    problems = [p for p in check(minimal.workbook(_flat_rate_eu_customer(nature))).problems if p.is_error]
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Clienti", "O2", "nature-under-regime")]
    assert f"La natura IVA {nature} (" in problems[0].message("it")
    assert "Scrivi N2.2 in Natura IVA, o correggi il regime" in problems[0].message("it")
    assert "Write N2.2 in VAT nature" in problems[0].message("en")


@pytest.mark.parametrize("country, vat, nature, found", [
    ("SM", "SM12345", "N2.2", []), ("SM", "SM12345", None, []),
    ("SM", "SM12345", "N3.3", [("O2", "nature-under-regime")]),
    ("DE", "DE123456789", "N3.1", [("O2", "nature-under-regime")]),
    ("US", "US123456789", "N3.2", [("O2", "nature-under-regime")]),
])
def test_a_flat_rate_sellers_customer_abroad_is_told_one_nature_only(country, vat, nature, found):
    """Under RF19 a San Marino customer at N2.2, as `nature-under-regime` asks, was warned to write
    N3.3, which that error then refused; a German business at N3.1 was warned to write N3.2, refused
    too: two messages at one cell, each sending the desk to the other's mistake."""
    sheets = _flat_rate_eu_customer(nature)
    sheets["Clienti"][1][2] = vat
    sheets["Clienti"][1][-2] = country
    if country == "SM":
        sheets["Clienti"][1][-3] = "47890"
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.cell, p.code) for p in problems if p.sheet == "Clienti"] == found, [str(p) for p in problems]


def test_a_flat_rate_sellers_eu_customer_at_n2_2_or_none_is_clean_and_its_einvoice_cites_the_regimes_law(
        tmp_path, ledger):
    for nature in (None, "N2.2"):
        assert [p.code for p in check(minimal.workbook(_flat_rate_eu_customer(nature))).problems] == [
            "stock-not-checked"]
    master = check(minimal.workbook(_flat_rate_eu_customer("N2.2"))).master
    _, files = april_einvoices(master, ledger, tmp_path)
    [german] = [read(path) for path in files.values() if read(path).buyer_vat == "123456789"]
    assert {line.nature for line in german.lines} <= {"N2.2", "N1"}
    assert [reference for _, nature, _, _, reference in german.summary if nature == "N2.2"] == [FLAT_RATE_LAW]


def test_a_flat_rate_sellers_eu_private_customer_is_not_warned_it_pays_italian_vat():
    """Under RF19 no sale bears VAT: the warning that an EU private pays Italian VAT was wrong there."""
    sheets = _flat_rate_eu_customer(None)
    sheets["Clienti"][1][2] = None
    assert [p.code for p in check(minimal.workbook(sheets)).problems] == ["stock-not-checked"]


def test_a_flat_rate_sellers_item_may_be_n1_but_no_other_nature_than_n2_2():
    sheets = flat_rate_sheets()
    sheets["Articoli"][1][4], sheets["Articoli"][2][4] = "N1", "N4"
    problems = [p for p in check(minimal.workbook(sheets)).problems if p.is_error]
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Articoli", "E3", "nature-under-regime")]


def test_orders_created_at_n3_2_are_not_invoiced_at_it_after_the_switch_to_a_regime_without_vat(ledger):
    """A German business's order created and shipped at N3.2 while the desk was ordinary keeps N3.2
    on its lines: invoiced after the switch to RF19 (the customer's nature corrected to N2.2 as the
    check asks), its file declared an intra-EU supply under RF19. Month end refuses it as it does
    an order at 22 %. (Shipped after the switch, the line takes the N2.2 of its DDT's day.)"""
    from datetime import date

    from test_services_no_ddt import APRIL, THURSDAY

    from toolkit.core.invoicing import InvoiceStatus, Request
    from toolkit.services import invoicing
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    ordinary_sheets = _flat_rate_eu_customer("N3.2")
    ordinary_sheets["Impostazioni"][8][1] = None
    ordinary = check(minimal.workbook(ordinary_sheets)).master
    flat_rate = check(minimal.workbook(_flat_rate_eu_customer("N2.2"))).master
    assert ordinary.settings.tax_regime == "RF01" and flat_rate.settings.tax_regime == "RF19"
    create(ordinary, ledger, THURSDAY, with_catch_up=False, only={"T001"}, lang="it")
    ship(ordinary, ledger, THURSDAY, all_open=True, lang="it")

    result = invoicing.run(ledger, flat_rate, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")

    refused = [p for p in result.problems if p.is_error]
    assert [(p.code, dict(p.params)["customer"]) for p in refused] == [("invoice-vat-under-regime", "C001")]
    assert "da fatturare con IVA o con una natura che il regime non usa (1 ordine: OC-2026-00001)" in \
        refused[0].message("it")
    assert not [x for x in result.invoices if x.customer == "C001"]
