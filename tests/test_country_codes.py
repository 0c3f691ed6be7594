"""*Paese* holds a two-letter ISO code: the seller's and a customer's reach the e-invoice as Nazione
and IdPaese, which SDI takes only as two capitals. «Italia» there passed the check, every invoice
was issued, and each file was refused at the export, naming no cell (found by fuzzing the sample)."""

from __future__ import annotations

import minimal
import pytest
from conftest import with_stock_sheet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.core.einvoice.fields import TYPES
from toolkit.core.einvoice.names import seller_id
from toolkit.intake.validation import check


def _seller_in(country: object) -> dict:
    sheets = with_stock_sheet(minimal.sheets())
    sheets["Impostazioni"].append(["Paese", country])
    return sheets


def _private_customer_in(country: object) -> dict:
    """C002, a private person named by its codice fiscale alone, in `country` (Clienti!K3)."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Clienti", "K1", "Paese")
    minimal.set_cell(sheets, "Clienti", "K3", country)
    return sheets


def _errors(sheets: dict) -> list[tuple]:
    result = check(minimal.workbook(sheets))
    errors = [(p.sheet, p.cell, p.code) for p in result.problems if p.severity == "error"]
    assert result.master is None or not errors
    return errors


@pytest.mark.parametrize("typed,code", [("Italia", "country-named"), ("italy", "country-named"),
                                        ("ITA", "country-named"), ("I T", "not-a-country-code"),
                                        (1, "not-a-country-code"), ("Italia 🇮🇹", "not-a-country-code")])
def test_a_seller_country_that_is_not_a_code_is_refused_at_its_cell(typed, code):
    assert _errors(_seller_in(typed)) == [("Impostazioni", "B9", code)]


def test_a_private_customer_written_in_italia_is_refused_at_its_cell_not_made_foreign():
    """Read as the country ITALIA, C002 was a consumer abroad: no codice fiscale, IdCodice
    99999999999, XXXXXXX, and a Nazione SDI refuses."""
    sheets = _private_customer_in("Italia")
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Clienti", "K3", "country-named")]
    assert problems[0].message("it") == ("«Italia» è il nome di un paese, non il suo codice: scrivi IT, le due lettere "
                                         "che porta la fattura elettronica.")
    assert "write IT, the two letters the e-invoice carries" in problems[0].message("en")


def test_a_number_in_paese_asks_for_the_iso_code():
    problems = check(minimal.workbook(_private_customer_in(39))).problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Clienti", "K3", "not-a-country-code")]
    assert problems[0].message("it").startswith("«39» non è un codice di paese: scrivi le due lettere del suo codice ISO")


@pytest.mark.parametrize("typed", ["it", " IT ", "iT", None])
def test_a_code_in_any_case_or_an_empty_cell_is_read_as_before(typed):
    result = check(minimal.workbook(_private_customer_in(typed)))
    assert [p for p in result.problems if p.severity == "error"] == []
    assert result.master is not None
    assert result.master.customers[1].country == ("IT" if typed is None else typed.strip())
    seller = check(minimal.workbook(_seller_in(typed))).master
    assert seller is not None and seller.settings.country == ("IT" if typed is None else typed.strip())


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=5), st.sampled_from(["Italia", "ITA", "I T", ",IT", "it ", "Francia", "1"]),
                 st.integers(min_value=-99, max_value=999)))
def test_whatever_paese_the_check_passes_the_e_invoice_carries(typed):
    """The fuzzer's property, on the one cell it found wrong: a seller's *Paese* the check takes is
    a Nazione and IdPaese the FatturaPA schema takes."""
    result = check(minimal.workbook(_seller_in(typed)))
    if result.master is not None:
        assert TYPES["NazioneType"].problem(seller_id(result.master.settings).country) is None


def _delivery_address_in(country: object) -> dict:
    """D001, C001's delivery address in Torino, in `country` (Destinazioni!E2)."""
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Destinazioni", "E1", "Paese")
    minimal.set_cell(sheets, "Destinazioni", "E2", country)
    return sheets


def test_a_delivery_address_written_in_italia_is_refused_at_its_cell_as_a_customers_is():
    """*Destinazioni* Paese took any text: «Italia» made D001 an address abroad, whose CAP «123»
    then passed unjudged (`bad-postcode` with IT). The same rule as *Clienti*'s."""
    sheets = _delivery_address_in("Italia")
    minimal.set_cell(sheets, "Destinazioni", "F1", "CAP")
    minimal.set_cell(sheets, "Destinazioni", "F2", "123")
    problems = check(minimal.workbook(sheets)).problems
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Destinazioni", "E2", "country-named")]
    assert problems[0].message("it").startswith("«Italia» è il nome di un paese, non il suo codice: scrivi IT")
    assert _errors(_delivery_address_in("Francia")) == [("Destinazioni", "E2", "country-named")]
    assert _errors(_delivery_address_in(39)) == [("Destinazioni", "E2", "not-a-country-code")]


@pytest.mark.parametrize("typed", ["it", " FR ", None])
def test_a_delivery_address_code_in_any_case_or_an_empty_cell_is_read_as_before(typed):
    result = check(minimal.workbook(_delivery_address_in(typed)))
    assert [p for p in result.problems if p.severity == "error"] == []
    assert result.master is not None
    assert result.master.ship_to[0].country == ("IT" if typed is None else typed.strip())
