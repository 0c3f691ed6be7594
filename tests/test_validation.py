"""The data check ("Controllo dati"), one rule per row: break a cell, expect (sheet, cell, code)."""

from __future__ import annotations

from datetime import date, datetime

import minimal
import pytest
from conftest import with_stock_sheet

from toolkit.basics.problems import Severity, all_problem_types
from toolkit.intake.validation import check


def test_minimal_workbook_is_clean():
    without_stock = check(minimal.workbook())
    assert [(p.sheet, p.cell, p.code, p.severity) for p in without_stock.problems] == [
        ("Giacenze", None, "stock-not-checked", Severity.WARNING)]
    result = check(minimal.workbook(with_stock_sheet(minimal.sheets())))
    assert result.problems == []
    assert result.master is not None
    assert [c.code for c in result.master.customers] == ["C001", "C002"]
    line = result.master.template_lines[1]
    assert str(line.price) == "1.25" and str(line.quantity) == "24"
    assert result.master.templates[0].valid_from == date(2026, 3, 1)
    assert result.master.templates[0].weekdays == (0, 3)
    assert result.master.settings.vat_number == "00743110157"


# (sheet, cell, new value) → (sheet, cell, code) expected among the problems
CASES = [
    # types
    ("Righe modello", "C2", "abc", "Righe modello", "C2", "not-a-number"),
    ("Righe modello", "C2", None, "Righe modello", "C2", "required-value"),
    ("Modelli ordine", "K2", "31/02/2026", "Modelli ordine", "K2", "no-such-day"),
    ("Modelli ordine", "K2", "sabato", "Modelli ordine", "K2", "not-a-date"),
    ("Modelli ordine", "E2", "ogni tanto", "Modelli ordine", "E2", "not-a-choice"),
    ("Modelli ordine", "F2", "lun,xyz", "Modelli ordine", "F2", "not-weekdays"),
    ("Modelli ordine", "H3", 2.5, "Modelli ordine", "H3", "not-an-integer"),
    ("Articoli", "D2", "ventidue", "Articoli", "D2", "not-a-percent"),
    ("Articoli", "D2", 122, "Articoli", "D2", "not-a-percent"),
    ("Contatti", "D2", "giulia-at-bar", "Contatti", "D2", "bad-email"),
    ("Clienti", "C2", "01234567890", "Clienti", "C2", "invalid-vat-number"),
    ("Clienti", "D3", "RSSMRA80A01H501X", "Clienti", "D3", "invalid-tax-code"),
    ("Clienti", "H2", "baratto", "Clienti", "H2", "not-a-choice"),
    ("Impostazioni", "B3", "123", "Impostazioni", "B3", "invalid-vat-number"),
    ("Impostazioni", "B3", "DE123456789", "Impostazioni", "B3", "seller-vat-not-italian"),
    # references
    ("Modelli ordine", "B2", "C999", "Modelli ordine", "B2", "template-customer-not-in-clienti"),
    ("Modelli ordine", "C2", "D999", "Modelli ordine", "C2", "unknown-reference"),
    ("Modelli ordine", "D2", "P999", "Modelli ordine", "D2", "unknown-reference"),
    ("Righe modello", "B2", "A999", "Righe modello", "B2", "unknown-reference"),
    ("Righe modello", "A2", "T999", "Righe modello", "A2", "unknown-reference"),
    ("Prezzi", "C2", "A999", "Prezzi", "C2", "unknown-reference"),
    ("Clienti", "G2", "VIP", "Clienti", "G2", "unknown-reference"),
    ("Destinazioni", "B2", "C002", "Modelli ordine", "C2", "belongs-to-other-customer"),
    # codes and identities
    ("Clienti", "A3", "C001", "Clienti", "A3", "duplicate-code"),
    ("Clienti", "D3", None, "Clienti", "C3", "missing-fiscal-id"),
    ("Clienti", "I2", "30 giorni circa", "Clienti", "I2", "bad-payment-terms"),
    # quantities, dates, prices
    ("Righe modello", "C2", 0, "Righe modello", "C2", "quantity-not-positive"),
    ("Righe modello", "C2", -3, "Righe modello", "C2", "quantity-not-positive"),
    ("Righe modello", "C4", 0, "Righe modello", "C4", "quantity-zero"),
    ("Modelli ordine", "L2", "28/02/2026", "Modelli ordine", "L2", "ends-before-start"),
    ("Versioni listino", "D2", date(2026, 7, 15), "Versioni listino", "C3", "overlapping-versions"),
    ("Versioni listino", "D2", date(2025, 12, 1), "Versioni listino", "D2", "ends-before-start"),
    ("Versioni listino", "C3", date(2026, 7, 3), "Versioni listino", "C3", "price-versions-gap"),
    ("Prezzi", "F2", 19, "Prezzi", "F2", "limit-above-standard"),
    ("Righe modello", "D3", 0.5, "Righe modello", "D3", "price-below-limit"),
    ("Prezzi", "C3", "A003", "Righe modello", "B3", "no-price"),
    ("Modelli ordine", "K2", "01/01/2025", "Modelli ordine", "K2", "no-price-version"),
    # VAT
    ("Articoli", "D2", None, "Articoli", "D2", "missing-vat-rate"),
    ("Articoli", "E4", None, "Articoli", "E4", "zero-rate-needs-nature"),
    ("Articoli", "E2", "N4", "Articoli", "E2", "nature-with-rate"),
    ("Articoli", "E4", "N9", "Articoli", "E4", "bad-vat-nature"),
    ("Articoli", "D2", 21, "Articoli", "D2", "unusual-vat-rate"),
    # schedules
    ("Modelli ordine", "F2", None, "Modelli ordine", "F2", "schedule-parameter"),
    ("Modelli ordine", "H3", None, "Modelli ordine", "H3", "schedule-parameter"),
    ("Modelli ordine", "H3", 32, "Modelli ordine", "H3", "schedule-parameter"),
    # settings
    ("Impostazioni", "B8", "ZZ", "Impostazioni", "B8", "unknown-holiday-region"),
]


@pytest.mark.parametrize("sheet,cell,value,want_sheet,want_cell,code", CASES,
                         ids=[f"{c[0]}!{c[1]}={c[2]!r}->{c[5]}" for c in CASES])
def test_rule(sheet, cell, value, want_sheet, want_cell, code):
    sheets = minimal.sheets()
    minimal.set_cell(sheets, sheet, cell, value)
    result = check(minimal.workbook(sheets))
    found = {(p.sheet, p.cell, p.code) for p in result.problems}
    assert (want_sheet, want_cell, code) in found, sorted(found)


def test_a_code_typed_in_other_capitals_is_named_as_its_sheet_writes_it():
    """A desk typing its codes by hand writes c001 on one sheet and C001 on another; told only
    that «C001» does not exist, it finds c001 right there and cannot tell what is wrong."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Clienti", "A2", "c001")
    minimal.set_cell(sheets, "Righe modello", "B2", "a001")
    minimal.set_cell(sheets, "Clienti", "G3", "base")
    problems = check(minimal.workbook(sheets)).problems
    said = {(p.sheet, p.cell): p.message("it") for p in problems}
    assert {p.code for p in problems} == {"reference-in-other-case"}, said
    assert said[("Clienti", "G3")] == ("«base» non è nel foglio Listini, che ha «BASE»: maiuscole e minuscole contano, "
                                      "scrivi il codice come in Listini (BASE).")
    assert said[("Modelli ordine", "B2")] == ("«C001» non è nel foglio Clienti, che ha «c001»: maiuscole e minuscole "
                                             "contano, scrivi il codice come in Clienti (c001).")
    assert "«a001» non è nel foglio Articoli, che ha «A001»" in said[("Righe modello", "B2")]
    minimal.set_cell(sheets, "Righe modello", "B2", "A999")
    assert ("Righe modello", "B2", "unknown-reference") in {(p.sheet, p.cell, p.code)
                                                             for p in check(minimal.workbook(sheets)).problems}


@pytest.mark.parametrize("series, refused", [("SERVIZI", True), ("servizi", True), ("DDT", False), ("SERV", False)])
def test_the_ddt_series_may_not_be_the_services_series(series, refused):
    """Services rendered are numbered SERVIZI-…: a DDT series of that name would mix the two."""
    sheets = minimal.sheets()
    sheets["Impostazioni"].append(["Serie DDT", series])
    found = [(p.sheet, p.cell, p.message("it")) for p in check(minimal.workbook(sheets)).problems
             if p.code == "ddt-series-is-services"]
    assert found == ([("Impostazioni", "B9", f"La serie DDT «{series}» è quella dei servizi resi, che non viaggiano "
                       "con un DDT: in Impostazioni scegli un'altra serie DDT (di solito DDT).")] if refused else [])


@pytest.mark.parametrize("row, series, other", [
    ("Serie DDT", "FT", "Serie fatture"), ("Serie DDT", "ft", "Serie fatture"), ("Serie ordini", "DDT", "Serie DDT"),
    ("Serie ordini", "NC", "Serie note di credito"), ("Serie note di credito", "FT", None), ("Serie DDT", "BOLLE", None)])
def test_two_kinds_of_document_sharing_one_series_are_refused_but_credit_notes_in_the_invoices(row, series, other):
    """Numbers are drawn per series and year: DDTs in the invoices' series took numbers between
    invoices (FT-2026-00001 an invoice, FT-2026-00002 a DDT), each numbering with gaps, where
    invoices and DDTs are numbered in progression. Credit notes may continue the invoices'
    sequence, as the sales register allows."""
    sheets = minimal.sheets()
    sheets["Impostazioni"].append([row, series])
    found = [(p.sheet, p.cell, p.message("it")) for p in check(minimal.workbook(sheets)).problems
             if p.code == "series-shared"]
    if other is None:
        assert found == []
        return
    first, second = {"Serie fatture": "una fattura", "Serie DDT": "un DDT", "Serie note di credito": "una nota di "
                     "credito"}[other], {"Serie DDT": "un DDT", "Serie ordini": "un ordine"}[row]
    assert found == [("Impostazioni", "B9", f"«{row}» è «{series}», come «{other}»: le due numerazioni prenderebbero "
                      f"i numeri dallo stesso contatore, e ciascuna avrebbe dei buchi ({series}-2026-00001 {first}, "
                      f"{series}-2026-00002 {second}, …), dove fatture e DDT vanno numerati in progressione. In "
                      "Impostazioni scrivi serie diverse (di solito FT, NC, DDT, OC): solo le note di credito possono "
                      "usare la serie delle fatture.")]


@pytest.mark.parametrize("row, series, cell", [
    ("Serie fatture", "FATTNEGOZIO", "B9"), ("Serie note di credito", "NOTECREDITO", "B9"),
    ("Serie DDT", "BOLLE-CITTÀ", "B9"), ("Serie DDT", "CITTÀ", "B9"), ("Serie ordini", "ORDINIWEB1", "B9")])
def test_a_series_whose_numbers_the_e_invoice_cannot_carry_is_refused_at_its_cell(row, series, cell):
    """FATTNEGOZIO-2026-00001 has 22 characters; FatturaPA's Numero, NumeroDDT and IdDocumento take
    20 of Basic Latin: every invoice of the series was issued, then refused by the e-invoice."""
    sheets = minimal.sheets()
    sheets["Impostazioni"].append([row, series])
    minimal.set_cell(sheets, "Articoli", "F1", "Servizio")
    minimal.set_cell(sheets, "Articoli", "F4", "sì")
    found = [(p.sheet, p.cell, p.message("it")) for p in check(minimal.workbook(sheets)).problems
             if p.code == "series-too-long-for-einvoice"]
    example = f"{series}-2026-00001"
    assert found == [("Impostazioni", cell, f"La serie «{series}» non entra nella fattura elettronica: i suoi numeri "
                      f"({example}) hanno {len(example)} caratteri, e FatturaPA ne accetta al massimo 20, senza accenti "
                      "(numero della fattura, del DDT, dell'ordine citato): le fatture elettroniche non si potrebbero "
                      f"scrivere. In Impostazioni scrivi una serie di al massimo {20 - len(example) + len(series)} "
                      "caratteri senza accenti (es. FT).")]


@pytest.mark.parametrize("terms, refused", [(None, True), ("Non fatturare", False)])
def test_a_customer_invoiced_under_the_sellers_own_vat_number_is_refused_at_its_cell(terms, refused):
    """Its invoices were issued and SDI rejected each (00471: no TD01 or TD24 made out to oneself);
    a row only for DDTs (transfers between one's own sites) is never invoiced, and stays."""
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Clienti", "C2", "IT 00743110157")
    minimal.set_cell(sheets, "Clienti", "K1", "Termini di fatturazione")
    minimal.set_cell(sheets, "Clienti", "K2", terms)
    found = [(p.sheet, p.cell, p.message("en")) for p in check(minimal.workbook(sheets)).problems
             if p.code == "customer-is-the-seller"]
    assert found == ([("Clienti", "C2", "Customer C001 has your company's VAT number (00743110157) and is invoiced: SDI "
                       "rejects an invoice made out to oneself (00471; own use or free goods take a self-invoice, "
                       "TD27, which the toolkit does not issue). Correct the VAT number, or set its invoice terms to "
                       "“Non fatturare” if it is only for DDTs.")] if refused else [])


def test_an_items_text_the_e_invoice_cannot_carry_is_refused_at_its_cell():
    """An emoji in a description, ° in a unit (ASCII only in the e-invoice): every invoice of the
    item was issued, then its e-invoice refused, and an issued invoice's lines are never read
    from the sheet again. What folding makes plain (’, €, Caffè, ½) passes."""
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Articoli", "B2", "Caffè in grani ☕ 1 kg")
    minimal.set_cell(sheets, "Articoli", "C3", "n°")
    minimal.set_cell(sheets, "Articoli", "B4", "Libro “Ricette” – ½ prezzo €")
    found = [(p.sheet, p.cell, p.message("it")) for p in check(minimal.workbook(sheets)).problems
             if p.code == "item-text-not-in-einvoice"]
    fix = ("che la fattura elettronica non può portare: ogni fattura con questo articolo sarebbe emessa e poi "
           "rifiutata, e le righe di una fattura emessa non si cambiano più. Togli quei caratteri o sostituiscili "
           "(es. n° → nr, ☕ → caffè).")
    assert found == [("Articoli", "B2", f"Articolo A001: «Caffè in grani ☕ 1 kg» contiene ☕, {fix}"),
                     ("Articoli", "C3", f"Articolo A002: «n°» contiene °, {fix}")]


@pytest.mark.parametrize("service, cig, refused", [(None, None, False), ("sì", None, True), (None, "1234567890", True)])
def test_a_long_order_series_is_refused_only_where_an_e_invoice_cites_order_numbers(service, cig, refused):
    """ORDINICLIENTI-2026-00001 never reaches an e-invoice of goods to businesses, which cites
    DDTs and the customer's own references: refusing it stopped an upgraded desk's whole day for
    nothing. A service's order, and every order of a customer with a CIG, is cited by number."""
    sheets = minimal.sheets()
    sheets["Impostazioni"].append(["Serie ordini", "ORDINICLIENTI"])
    minimal.set_cell(sheets, "Articoli", "F1", "Servizio")
    minimal.set_cell(sheets, "Articoli", "F4", service)
    minimal.set_cell(sheets, "Clienti", "K1", "CIG")
    minimal.set_cell(sheets, "Clienti", "K2", cig)
    found = [(p.sheet, p.cell) for p in check(minimal.workbook(sheets)).problems
             if p.code == "series-too-long-for-einvoice"]
    assert found == ([("Impostazioni", "B9")] if refused else [])


def test_a_unit_the_e_invoice_cuts_into_another_quantity_is_a_warning_at_its_cell():
    """UnitaMisura takes 10 characters: «conf. da 100» was written «conf. da 1» in every
    e-invoice of the item, five packs of a hundred read as five of one, and the data check
    said nothing. A warning, as the file is still written (cut) and a desk's day goes on."""
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Articoli", "C2", "conf. da 100")
    minimal.set_cell(sheets, "Articoli", "C3", "confezione")
    found = [(p.sheet, p.cell, p.severity, p.message("en")) for p in check(minimal.workbook(sheets)).problems
             if p.code == "item-unit-cut-in-einvoice"]
    assert found == [("Articoli", "C2", "warning", "Item A001: the unit “conf. da 100” has 12 characters, the "
                      "e-invoice carries 10 and writes “conf. da 1”, which may say another quantity (conf. da 100 → "
                      "conf. da 1). Shorten it on the Items sheet (e.g. cf100).")]


@pytest.mark.parametrize("series", ["FT", "FTNEGOZIO", "FT/NEG"])
def test_a_series_of_up_to_nine_plain_characters_fits_the_e_invoice(series):
    sheets = minimal.sheets()
    sheets["Impostazioni"].append(["Serie fatture", series])
    assert "series-too-long-for-einvoice" not in {p.code for p in check(minimal.workbook(sheets)).problems}


@pytest.mark.parametrize("discount, refused", [(20, True), (10, False), (13.5, False), (13.6, True)])
def test_a_price_lists_discount_below_the_limit_is_a_warning_at_the_discount(discount, refused):
    """A001 on BASE 2026A: standard 18.50, limit 16.00. 20 % off is 14.80, which every order would
    refuse at pricing, naming the template line's own (empty) price cell; the check names the
    discount. 13.5 % off is 16.0025, still above the limit."""
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Prezzi", "G1", "Sconto %")
    minimal.set_cell(sheets, "Prezzi", "G2", discount)
    result = check(minimal.workbook(sheets))
    found = [(p.sheet, p.cell, p.message("it")) for p in result.problems if p.code == "discount-below-limit"]
    assert result.master is not None, "a warning: a desk pricing at the list price only may keep it"
    if not refused:
        assert found == []
        return
    [(sheet, cell, message)] = found
    assert (sheet, cell) == ("Prezzi", "G2")
    assert message.startswith(f"Lo sconto {discount} % porta il prezzo standard 18,5 a ".replace(".", ","))
    assert "sotto il prezzo limite 16" in message


def test_a_price_list_not_in_euro_is_refused():
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Listini", "C1", "Valuta")
    minimal.set_cell(sheets, "Listini", "C2", "USD")
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Listini", "C2", "price-list-not-euro")]
    assert "convert the list's prices or set the currency to EUR" in problems[0].message("en")
    minimal.set_cell(sheets, "Listini", "C2", "eur")
    assert check(minimal.workbook(sheets)).problems == []


def test_a_customer_paid_before_shipping_but_invoiced_after_delivery_is_flagged_with_the_fix():
    """Such a customer's orders wait for a payment of an invoice that waits for the delivery."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Clienti", "K1", "Termini di consegna")
    minimal.set_cell(sheets, "Clienti", "K2", "Dopo l'incasso")
    minimal.set_cell(sheets, "Clienti", "L1", "Termini di fatturazione")
    minimal.set_cell(sheets, "Clienti", "L2", "Dopo la consegna")
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "L2", "ships-after-payment-invoiced-after-delivery", Severity.WARNING)]
    assert problems[0].message("en").endswith("Set the invoice terms to “Immediate”, or change the delivery terms.")
    assert "«Dopo la consegna»" in problems[0].message("it")
    minimal.set_cell(sheets, "Clienti", "L2", "Immediato")
    assert check(minimal.workbook(sheets)).problems == []



@pytest.mark.parametrize("terms", ["30FM", "60", "MS10", "FM+30"])
def test_a_customer_paying_cash_on_delivery_with_terms_that_count_days_is_warned_at_the_terms(terms):
    """Cash on delivery falls due at delivery: the days the terms count would be ignored."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Clienti", "H2", "Contrassegno")
    minimal.set_cell(sheets, "Clienti", "I2", terms)
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "I2", "terms-ignored-cash-on-delivery", Severity.WARNING)]
    assert f"the terms “{terms}” count for nothing. Write CONSEGNA in the payment terms" in problems[0].message("en")
    assert f"i termini «{terms}» non contano. Scrivi CONSEGNA" in problems[0].message("it")
    for fine in ("CONSEGNA", "Alla consegna", "IMM"):
        minimal.set_cell(sheets, "Clienti", "I2", fine)
        assert check(minimal.workbook(sheets)).problems == []

def test_a_public_administration_set_to_no_split_payment_is_warned_at_the_setting():
    """A 6-character SDI code is a public office, which pays net of VAT by law: `no` is likely a slip."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Clienti", "K1", "Codice SDI")
    minimal.set_cell(sheets, "Clienti", "K2", "UFABCD")
    minimal.set_cell(sheets, "Clienti", "L1", "Scissione pagamenti")
    minimal.set_cell(sheets, "Clienti", "L2", "no")
    minimal.set_cell(sheets, "Clienti", "M1", "CIG")
    minimal.set_cell(sheets, "Clienti", "M2", "ZA1B2C3D4E")
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Clienti", "L2", "public-body-without-split-payment", Severity.WARNING)]
    assert "«UFABCD» è di una pubblica amministrazione" in problems[0].message("it")
    assert "art. 17-ter DPR 633/72" in problems[0].message("en")
    for fine in ("sì", None):
        minimal.set_cell(sheets, "Clienti", "L2", fine)
        assert check(minimal.workbook(sheets)).problems == []


def test_rrule_and_nth_parameters():
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Modelli ordine", "E3", "RRULE")
    minimal.set_cell(sheets, "Modelli ordine", "J3", "FREQ=SOMETIMES")
    minimal.set_cell(sheets, "Modelli ordine", "E2", "Ennesimo giorno della settimana")
    minimal.set_cell(sheets, "Modelli ordine", "I2", 7)
    found = {(p.sheet, p.cell, p.code) for p in check(minimal.workbook(sheets)).problems}
    assert ("Modelli ordine", "J3", "schedule-parameter") in found
    assert ("Modelli ordine", "I2", "schedule-parameter") in found


def test_every_problem_is_reported_not_only_the_first():
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Righe modello", "C2", "abc")
    minimal.set_cell(sheets, "Righe modello", "C3", "xyz")
    minimal.set_cell(sheets, "Clienti", "C2", "123")
    minimal.set_cell(sheets, "Modelli ordine", "B3", "C999")
    result = check(minimal.workbook(sheets))
    cells = [(p.sheet, p.cell) for p in result.errors]
    assert cells == [("Clienti", "C2"), ("Modelli ordine", "B3"), ("Righe modello", "C2"), ("Righe modello", "C3")]
    assert result.master is None


def test_a_broken_row_is_not_reported_again_as_unknown():
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Clienti", "C2", "123")
    codes = [p.code for p in check(minimal.workbook(sheets)).problems]
    assert codes == ["invalid-vat-number"]


def test_missing_sheet_and_column():
    sheets = minimal.sheets()
    del sheets["Listini"]
    sheets["Righe modello"][0][2] = "Qta"
    found = {(p.sheet, p.cell, p.code) for p in check(minimal.workbook(sheets)).problems}
    assert ("Listini", None, "missing-sheet") in found
    assert ("Righe modello", "F1", "missing-column") in found


def test_a_renamed_sheet_is_listed_and_its_name_suggested_back():
    """The audit's finding 8: "Manca il foglio «Clienti»" with no word of the sheet "Clienti 2026"."""
    sheets = minimal.sheets()
    renamed = {("Clienti 2026" if name == "Clienti" else name): rows for name, rows in sheets.items()}
    [missing] = [p for p in check(minimal.workbook(renamed)).problems if p.code == "missing-sheet"]
    listed = ", ".join(f"«{name}»" for name in renamed)
    assert missing.message("it").endswith(
        f"). Fogli trovati: {listed}. Se «Clienti 2026» è questo foglio, rinominalo «Clienti».")
    assert missing.message("en").endswith("If “Clienti 2026” is this sheet, rename it “Clienti”.")
    del sheets["Listini"]
    [missing] = [p for p in check(minimal.workbook(sheets)).problems if p.code == "missing-sheet"]
    assert missing.message("it").endswith(f"). Fogli trovati: {', '.join(f'«{name}»' for name in sheets)}.")


@pytest.mark.parametrize("name", ["Foglio1", "Chiusure 2026"])
def test_an_optional_sheet_renamed_is_warned_at_the_sheet_with_its_columns(name):
    """Chiusure renamed Foglio1 was read as no closures at all, and orders fell on the closed days
    with no word (found by fuzzing the sample, seed 214); a sheet of the desk's own, or the same
    headings over no rows, stays silent."""
    sheets = minimal.sheets()
    sheets[name] = [["Dal", "Al", "Descrizione"], [datetime(2026, 8, 10), datetime(2026, 8, 21), "Ferie"]]
    [warned] = [p for p in check(minimal.workbook(sheets)).problems if p.code == "optional-sheet-named-otherwise"]
    assert (warned.sheet, warned.cell, warned.severity) == (name, None, Severity.WARNING)
    assert warned.message("en") == (
        f"Sheet “{name}” has the columns of sheet “Closures” (Dal, Al), which is missing: the toolkit reads sheets "
        "by name, so it does not read its rows, as if it were empty. If it is the Closures sheet, rename it "
        "“Chiusure”.")
    sheets[name] = [["Dal", "Al", "Descrizione"]]
    assert "optional-sheet-named-otherwise" not in {p.code for p in check(minimal.workbook(sheets)).problems}
    sheets[name] = [["Cliente", "Telefonata"], ["C001", "lunedì"]]
    assert "optional-sheet-named-otherwise" not in {p.code for p in check(minimal.workbook(sheets)).problems}


@pytest.mark.parametrize("sheet, optional", [("Clienti", "Vettori"), ("Righe modello", "Giacenze")])
def test_a_required_sheet_renamed_is_not_taken_for_an_optional_one(sheet, optional):
    """Clienti renamed Foglio2 heads Codice and Ragione sociale, Vettori's required columns, and
    Righe modello renamed heads Articolo and Quantità, Giacenze's: the desk was told both that
    Clienti is missing and to rename its customers «Vettori». A sheet heading every required
    column of a sheet with more of them is that sheet, not the optional one."""
    sheets = {("Foglio2" if name == sheet else name): rows for name, rows in minimal.sheets().items()}
    problems = check(minimal.workbook(sheets)).problems
    assert "optional-sheet-named-otherwise" not in {p.code for p in problems}, [p.message("en") for p in problems]
    assert [p.sheet for p in problems if p.code == "missing-sheet"] == [sheet]
    assert optional not in sheets


def test_a_required_value_in_a_merged_cell_says_to_unmerge(tmp_path):
    """The audit's finding 8: B3:B4 merged in Articoli gave "Articoli!B4: Manca «Descrizione»",
    the cell looking filled on screen."""
    from openpyxl import Workbook

    from toolkit.intake.validation import check_file

    book = Workbook()
    book.remove(book.active)
    for name, rows in minimal.sheets().items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book["Articoli"]["B4"] = None
    book["Articoli"].merge_cells("B3:B4")
    book.save(tmp_path / "anagrafiche.xlsx")
    found = [p for p in check_file(tmp_path / "anagrafiche.xlsx").problems if p.sheet == "Articoli"]
    assert [(p.code, p.cell, p.message("it")) for p in found] == [(
        "required-value-merged-cell", "B4", "Manca «Descrizione»: la cella fa parte delle celle unite B3:B4, che "
        "tengono il valore solo nella prima: separa le celle e compila ciascuna.")]


def test_a_price_merged_down_a_templates_lines_is_refused_at_the_cells_read_empty(tmp_path):
    """One special price written once for two lines, D2:D3 merged: Excel shows 19,5 beside both,
    but keeps it in D2 only, and the second line was priced from the list without a word."""
    from openpyxl import Workbook

    from toolkit.intake.validation import check_file

    book = Workbook()
    book.remove(book.active)
    for name, rows in with_stock_sheet(minimal.sheets()).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book["Righe modello"]["D2"] = 19.5
    book["Righe modello"]["D3"] = None
    book["Righe modello"].merge_cells("D2:D3")
    book.save(tmp_path / "anagrafiche.xlsx")
    checked = check_file(tmp_path / "anagrafiche.xlsx")
    assert checked.master is None
    assert [(p.sheet, p.cell, p.code, p.message("it")) for p in checked.problems] == [(
        "Righe modello", "D3", "value-in-merged-cells",
        "La cella «Prezzo» qui è vuota per il toolkit: fa parte delle celle unite D2:D3, che mostrano «19,5» in ogni "
        "riga ma lo tengono solo nella prima (D2). Separa le celle e scrivi il valore in ciascuna riga a cui vale "
        "(lascia vuote le altre).")]


def test_a_note_merged_down_over_a_spacer_row_is_no_problem(tmp_path):
    """A *Nota* made tall over the empty row the desk leaves under each template's lines: no row
    of data is read without its value, yet every verb refused the workbook at the empty cell."""
    from openpyxl import Workbook

    from toolkit.intake.validation import check_file

    book = Workbook()
    book.remove(book.active)
    for name, rows in with_stock_sheet(minimal.sheets()).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    lines = book["Righe modello"]
    lines.insert_rows(4)
    lines.merge_cells("E3:E4")
    book.save(tmp_path / "anagrafiche.xlsx")
    checked = check_file(tmp_path / "anagrafiche.xlsx")
    assert checked.problems == []
    assert [line.note for line in checked.master.template_lines] == [None, "al retro", None]


def test_a_merged_title_above_the_headings_and_an_empty_merge_are_no_problem(tmp_path):
    from openpyxl import Workbook

    from toolkit.intake.validation import check_file

    book = Workbook()
    book.remove(book.active)
    for name, rows in with_stock_sheet(minimal.sheets()).items():
        sheet = book.create_sheet(name)
        sheet.append(["Elenco " + name])
        for row in rows:
            sheet.append(row)
        sheet.merge_cells(f"A1:{chr(64 + len(rows[0]))}1")
    book["Righe modello"]["E3"] = None
    book["Righe modello"].merge_cells("E3:E4")
    book.save(tmp_path / "anagrafiche.xlsx")
    assert check_file(tmp_path / "anagrafiche.xlsx").problems == []


def test_english_names_any_order_extra_columns_and_offset_table():
    sheets = with_stock_sheet(minimal.sheets())
    lines = sheets.pop("Righe modello")
    header = ["Note", "Quantity", "Item", "Template", "Price", "My own notes"]
    order = [4, 2, 1, 0, 3]
    moved = [header] + [[row[i] for i in order] + ["whatever"] for row in lines[1:]]
    sheets["Template lines"] = [[None] * 8, ["Order lines, kept by Anna"] + [None] * 7] + [[None, None] + r for r in moved]
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    minimal.set_cell(sheets, "Template lines", "D4", "abc")
    found = {(p.sheet, p.cell, p.code) for p in check(minimal.workbook(sheets)).problems}
    assert found == {("Template lines", "D4", "not-a-number")}


def test_italian_text_numbers_and_dates_are_read():
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Articoli", "C2", "kg")  # counted in kg, so a quantity with decimals is plain
    minimal.set_cell(sheets, "Righe modello", "C2", "1.234,5")
    minimal.set_cell(sheets, "Righe modello", "D2", "€ 18,50")
    minimal.set_cell(sheets, "Modelli ordine", "K2", "2/3/2026")
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    line = result.master.template_lines[0]
    assert (str(line.quantity), str(line.price)) == ("1234.5", "18.50")
    assert result.master.templates[0].valid_from == date(2026, 3, 2)


def test_an_sdi_code_excel_took_for_a_number_gets_its_zeros_back():
    """`0000000` typed into a General cell arrives as 0; typed as text it stays as typed."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Clienti", "K1", "Codice SDI")
    minimal.set_cell(sheets, "Clienti", "K2", 0.0)
    minimal.set_cell(sheets, "Clienti", "K3", 12345)
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert [c.sdi_code for c in result.master.customers[:2]] == ["0000000", "0012345"]

    minimal.set_cell(sheets, "Clienti", "K3", "12345")
    found = {(p.sheet, p.cell, p.code) for p in check(minimal.workbook(sheets)).problems}
    assert found == {("Clienti", "K3", "bad-sdi-code")}


def test_every_problem_type_speaks_both_languages_in_one_line():
    for kind in all_problem_types():
        assert set(kind.templates) == {"it", "en"}, kind.code
        for text in kind.templates.values():
            assert text and "\n" not in text, kind.code
        assert kind.severity in (Severity.ERROR, Severity.WARNING)


def test_a_closure_ending_in_a_mistyped_year_is_refused_at_its_end_date():
    """06/01/2207 for 06/01/2027 passed, then every day's planning ran for minutes."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Chiusure"] = [["Dal", "Al", "Descrizione"], [date(2026, 12, 24), date(2207, 1, 6), "Natale"],
                          [date(2027, 8, 1), date(2028, 7, 31), "Un anno esatto / a whole year"]]
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Chiusure", "B2", "closure-too-long")]
    assert "65757 giorni" in problems[0].message("it") and "end date's year" in problems[0].message("en")


def test_a_setting_added_under_its_empty_row_is_the_one_read():
    """The sample lists every setting, most empty; a desk appending *Serie fatture* at the
    bottom rather than filling its row had its value ignored, the first (empty) row winning."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Impostazioni"] += [["Serie fatture", None], ["Serie DDT", "BOL"], ["Serie fatture", "FV"]]
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert (result.master.settings.invoice_series, result.master.settings.ddt_series) == ("FV", "BOL")
    assert result.layout.settings_cells["invoice_series"] == "B11"


def test_a_setting_written_twice_with_two_values_is_refused_at_the_second():
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Impostazioni"] += [["Serie DDT", "DDT"], ["Serie ddt ", "DT"], ["Serie DDT", "ddt"]]
    result = check(minimal.workbook(sheets))
    assert result.master is None
    assert [(p.cell, p.code, p.message("it")) for p in result.problems] == [(
        "B10", "setting-twice", "L'impostazione «Serie DDT» è scritta in due righe con valori diversi, B9 e questa: "
        "il toolkit ne leggerebbe una sola. Tieni una riga sola, con il valore giusto.")]


def test_a_setting_written_twice_alike_is_read_though_one_cell_is_a_number():
    """CAP 20121 appended at the bottom, Excel keeping it as the number 20121: refused as a
    second, different value of the 20121 above, every verb with it."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Impostazioni"] += [["CAP", 20121.0]]  # as calamine gives a number cell
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master.settings.postcode == "20121"


def test_a_mistyped_setting_is_warned_a_row_of_the_desks_own_is_not():
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Impostazioni"] += [["Serie fattura", "FV"], ["Telefono", "02 1234567"]]
    result = check(minimal.workbook(sheets))
    assert result.master is not None and result.master.settings.invoice_series == "FT"
    assert [(p.sheet, p.cell, p.code, p.severity, p.message("en")) for p in result.problems] == [(
        "Impostazioni", "A9", "unknown-setting", "warning",
        "“Serie fattura” is not a toolkit setting, and its row is not read: if it is “Invoice series”, write the name "
        "so.")]


def test_a_day_typed_as_a_small_number_is_refused_not_read_in_1900():
    """15 typed for the 15th of the month: a General cell shows 15, a date cell 15/01/1900, and
    the check read a day of 1900 (an exception on it never met its template, silently). A
    number Excel counts days by in these years is still a date: 46127 is 15/04/2026."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Eccezioni"] = [["Modello", "Data", "Azione"], ["T001", 15, "Salta"], ["T001", datetime(1900, 1, 16), "Salta"],
                           ["T002", 46127, "Salta"]]
    result = check(minimal.workbook(sheets))
    assert result.master is None
    assert [(p.sheet, p.cell, p.code) for p in result.problems] == [
        ("Eccezioni", "B2", "date-out-of-range"), ("Eccezioni", "B3", "date-out-of-range")]
    assert result.problems[0].message("it") == (
        "«15» non è una data di questi anni: scrivi una data dal 01/01/1950 in poi, come 09/04/2026 (un numero "
        "scritto da solo, come 15, Excel lo conta come giorni dal 1900).")
    sheets["Eccezioni"][1:3] = []
    assert check(minimal.workbook(sheets)).master.exceptions[0].day == date(2026, 4, 15)


def test_a_price_list_valid_since_the_last_century_is_read():
    """A list in force since 1999 is history, not a number typed alone: refused as out of range,
    every verb refused the workbook."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Versioni listino", "C2", date(1999, 1, 1))
    sheets["Eccezioni"] = [["Modello", "Data", "Azione"], ["T001", 2026, "Salta"]]  # a year alone: 18/07/1905
    result = check(minimal.workbook(sheets))
    assert [(p.sheet, p.cell, p.code) for p in result.problems] == [("Eccezioni", "B2", "date-out-of-range")]
    sheets["Eccezioni"][1:] = []
    master = check(minimal.workbook(sheets)).master
    assert master is not None and master.price_versions[0].valid_from == date(1999, 1, 1)


def test_a_code_with_an_invisible_character_says_so():
    """A001 pasted from a web page with a zero-width space after it: told «A001» does not exist
    in Articoli, which plainly has A001, the desk was lost."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Righe modello", "B2", "A001\u200b")
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code, p.message("it")) for p in problems] == [(
        "Righe modello", "B2", "reference-with-invisible-character",
        "«A001» non esiste nel foglio Articoli: il codice contiene U+200B, un carattere che non si vede (lo porta "
        "spesso un testo copiato da una pagina web, una e-mail o un PDF). Cancella la cella e riscrivi il codice a "
        "mano.")]


@pytest.mark.parametrize(("typed", "days"), [
    ("Lun - Ven", (0, 1, 2, 3, 4)), ("lun – mer", (0, 1, 2)), ("lun e gio", (0, 3)), ("mon & thu", (0, 3)),
    ("lun,gio", (0, 3))])
def test_a_templates_days_are_read_as_a_desk_writes_them(typed, days):
    """`Lun - Ven` with spaces round the dash, or a dash pasted from a document, and `lun e gio`
    were refused as no list of days, the cell showing just what the message asked for."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Modelli ordine", "F2", typed)
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master.templates[0].weekdays == days


def test_a_code_of_the_sheet_named_with_an_invisible_character_says_so():
    """The other way round: Articoli's A001 pasted with a zero-width space, Righe modello's typed."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Articoli", "A2", "A001\u200b")
    problems = [p for p in check(minimal.workbook(sheets)).problems if p.sheet == "Righe modello"]
    assert [(p.cell, p.code, p.message("it")) for p in problems] == [(
        "B2", "reference-to-invisible-character",
        "«A001» non è nel foglio Articoli così: là il suo codice contiene anche U+200B, un carattere che non si vede "
        "(lo porta spesso un testo copiato da una pagina web, una e-mail o un PDF). Cancella quella cella e riscrivi "
        "il codice a mano.")]


@pytest.mark.parametrize("typed", ["4-gen-27", "4 gennaio 2027", "04-Jan-2027", "4.GEN.27"])
def test_a_date_written_with_its_month_in_words_is_read(typed):
    """An Italian Excel shows a date formatted g-mmm-aa as `4-gen-27` and gives that text when
    the cell is copied or exported as text: refused as no date, though it plainly is one."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Eccezioni"] = [["Modello", "Data", "Azione"], ["T001", typed, "Salta"]]
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master.exceptions[0].day == date(2027, 1, 4)


@pytest.mark.parametrize(("typed", "day"), [
    ("1-gen-99", date(1999, 1, 1)), ("01/01/99", date(1999, 1, 1)), ("1-gen-26", date(2026, 1, 1)),
    ("01.01.26", date(2026, 1, 1))])
def test_a_two_digit_year_is_read_as_excel_reads_it(typed, day):
    """A list valid since 1999, shown `1-gen-99` by Excel's g-mmm-aa and exported as text, was
    read as valid from 2099: it never applied, and no word said so. Excel reads 00–29 as this
    century, 30–99 as the last."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Versioni listino", "C2", typed)
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master.price_versions[0].valid_from == day


@pytest.mark.parametrize(("sheet", "cell", "typed"), [
    ("Giacenze", "A4", "Totale"), ("Righe modello", "A4", "T001 Totale"), ("Righe modello", "A4", "Totale complessivo")])
def test_a_totals_row_under_a_plain_list_says_what_it_is(sheet, cell, typed):
    """A SUM typed under *Giacenze*, or Excel's Data › Subtotal rows in *Righe modello*: told
    that «Totale» is no item, the desk did not see that every row of the sheet is read."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, sheet, cell, typed)
    minimal.set_cell(sheets, sheet, "B4" if sheet == "Giacenze" else "C4", 36)
    found = [p for p in check(minimal.workbook(sheets)).problems if p.cell == cell]
    assert [(p.sheet, p.code) for p in found] == [(sheet, "reference-is-a-total-row")]
    assert "sembra la riga di un totale" in found[0].message("it")


@pytest.mark.parametrize("typed", ["Totale Srl", "Total Service"])
def test_a_missing_customer_whose_name_starts_with_total_is_no_total_row(typed):
    """A template naming customer «Totale Srl», not yet in *Clienti*, was told to be a total's row
    to remove: the desk would delete the template, where the customer was to be added."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Modelli ordine", "B2", typed)
    found = [p for p in check(minimal.workbook(sheets)).problems if p.cell == "B2"]
    assert [(p.sheet, p.code) for p in found] == [("Modelli ordine", "template-customer-not-in-clienti")]
    assert found[0].message("it").startswith(f"«{typed}» non esiste nel foglio Clienti: correggi il codice o "
                                             "aggiungilo in Clienti.")


def test_a_paused_template_of_a_customer_taken_off_clienti_says_to_delete_it():
    """The customer left: the desk deletes its row on *Clienti*, sets its template's *Attivo* to
    no, and every order of the day is refused at the template, told to correct the code or add
    the customer back. The message says what a customer gone asks: the template and its lines
    deleted, as *Attivo* no does not lift it."""
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Modelli ordine", "B2", "C777")
    for row, active in zip(sheets["Modelli ordine"], ("Attivo", "no", "sì")):
        row.append(active)
    found = [p for p in check(minimal.workbook(sheets)).problems if (p.sheet, p.cell) == ("Modelli ordine", "B2")]
    template = sheets["Modelli ordine"][1][0]
    assert [p.message("it") for p in found] == [
        "«C777» non esiste nel foglio Clienti: correggi il codice o aggiungilo in Clienti. Se il cliente non c'è più, "
        f"cancella il modello {template} e le sue righe in Righe modello: anche non attivo («Attivo» no), un modello "
        "nomina il suo cliente, e finché manca nessun ordine si crea."]
    assert found[0].message("en").endswith("a template names its customer, and while it is missing no order is created.")


def test_a_second_block_under_its_own_headings_is_read_its_headings_are_not():
    """*Chiusure* kept a block per year, each under its headings: the second block's headings
    were refused as dates (`Chiusure!A5: «Dal» non è una data valida`), every verb with them."""
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Chiusure"] = [["Dal", "Al", "Descrizione"], [date(2026, 8, 10), date(2026, 8, 21), "Estate 2026"],
                          [None, None, None], ["Dal", "Al", "Descrizione"],
                          [date(2027, 8, 9), date(2027, 8, 20), "Estate 2027"]]
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert [(c.date_from, c.date_to) for c in result.master.closures] == [
        (date(2026, 8, 10), date(2026, 8, 21)), (date(2027, 8, 9), date(2027, 8, 20))]


def test_a_row_holding_one_heading_among_data_is_still_read():
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Chiusure"] = [["Dal", "Al", "Descrizione"], ["Dal", date(2026, 8, 21), "Estate"]]
    assert [(p.cell, p.code) for p in check(minimal.workbook(sheets)).problems] == [("A2", "not-a-date")]


@pytest.mark.parametrize(("heading", "cell"), [("Quantità (pz)", "C1"), ("Quantità*", "C1"), ("QUANTITÀ [kg]", "C1")])
def test_a_required_column_headed_with_a_unit_or_a_mark_is_named_at_its_cell(heading, cell):
    """*Quantità (pz)*: told «manca la colonna obbligatoria Quantità, aggiungila», at the first
    empty column, the desk looked at its column headed so and was lost."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Righe modello", "C1", heading)
    found = [p for p in check(minimal.workbook(sheets)).problems if p.sheet == "Righe modello"]
    assert [(p.cell, p.code) for p in found] == [(cell, "missing-column-named-otherwise")]
    assert found[0].message("it") == (
        f"Nel foglio manca la colonna obbligatoria «Quantità»: la colonna «{heading}» ({cell}) le somiglia, ma il "
        "toolkit legge solo il nome esatto. Intitolala «Quantità» (un'unità di misura o una nota vanno nei dati, non "
        "nel nome).")
