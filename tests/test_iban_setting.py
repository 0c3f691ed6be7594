"""*Impostazioni › IBAN* is refused at its cell unless it is an IBAN (`toolkit.intake.validation.iban`).

It was never checked: written with dashes, as bank letters print it, month end issued the
invoices paid by bank transfer and the e-invoice export then refused every one of them
(DettaglioPagamento/IBAN outside the schema's IBANType); a digit mistyped went into every
invoice, and customers' transfers bounced.
"""

from __future__ import annotations

import einvoice_factories as f
import minimal
import pytest
from factories import settings

from toolkit.basics.problems import Severity
from toolkit.basics.vocab import PaymentMethod
from toolkit.core.einvoice import build, check
from toolkit.intake.validation import check as check_data


def _with_iban(value):
    s = minimal.sheets()
    s["Impostazioni"].append(["IBAN", value])
    return s, f"B{len(s['Impostazioni'])}"


@pytest.mark.parametrize("typed, why", [
    ("IT60-X054-2811-1010-0000-0123-456", "only letters and digits"),
    ("IBAN IT60X0542811101000000123456", "written after the word IBAN"),
    ("IBAN: IT60 X054 2811 1010 0000 0123 456", "written after the word IBAN"),
    ("IT60X054281110100000012345", "27 characters for IT, not 26"),
    ("IT61X0542811101000000123456", "its check digits do not match"),
    ("IT60X0542811101000000123465", "its check digits do not match"),
])
def test_an_iban_that_is_none_is_refused_at_its_cell(typed, why):
    sheets, cell = _with_iban(typed)
    found = [(p.code, p.sheet, p.cell, p.severity, p.message("en")) for p in check_data(minimal.workbook(sheets)).problems
             if p.code == "bad-iban"]
    assert [x[:4] for x in found] == [("bad-iban", "Impostazioni", cell, Severity.ERROR)]
    assert f"({why})" in found[0][4]


@pytest.mark.parametrize("typed", ["IT60X0542811101000000123456", "IT60 X054 2811 1010 0000 0123 456",
                                   "it60x0542811101000000123456", "DE89370400440532013000"])
def test_an_iban_as_banks_print_it_passes(typed):
    sheets, _ = _with_iban(typed)
    assert [p for p in check_data(minimal.workbook(sheets)).problems if p.code == "bad-iban"] == []


def test_the_dashed_iban_the_check_now_refuses_made_every_bank_transfer_file_fail():
    """What the data check let through: the file of an invoice paid by transfer is refused."""
    buyer = f.customer(payment_method=PaymentMethod.BANK_TRANSFER)
    seller = settings(vat_number=f"IT{f.SELLER_VAT}", province="MI", iban="IT60-X054-2811-1010-0000-0123-456")
    problems = check(build(f.invoice(buyer=buyer), seller, buyer, "00001"))
    assert {(p.code, p.message("en").split(":")[0]) for p in problems} == {
        ("einvoice-invalid-field", "Invoice FT-2026-00001, DettaglioPagamento[1]/IBAN"),
        ("einvoice-invalid-field", "Invoice FT-2026-00001, DettaglioPagamento[2]/IBAN")}
