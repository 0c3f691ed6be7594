"""A customer's name, address or town the e-invoice cannot carry is refused at its cell.

A customer written in its own script (`上海贸易有限公司`, `Οδός Ερμού 10`) passed the data check:
month end issued its invoices, and the e-invoice export then refused each file (Denominazione,
Indirizzo and Comune are Latin-1), until the row was written in Latin letters.
"""

from __future__ import annotations

import einvoice_factories as f
import minimal
import pytest

from toolkit.basics.problems import Severity
from toolkit.core.einvoice import build, check
from toolkit.intake.validation import check as check_data


def _found(cell: str, value: str):
    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Clienti", cell, value)
    return [(p.code, p.sheet, p.cell, p.severity, p.message("it"), p.message("en"))
            for p in check_data(minimal.workbook(sheets)).problems if p.code == "customer-text-not-in-einvoice"]


@pytest.mark.parametrize("cell, value, shown", [
    ("B2", "上海贸易有限公司", "上 公 司 易 有 海 贸 限"),
    ("E3", "Οδός Ερμού 10", "Ε Ο δ μ ο ρ ς ό ύ"),
    ("F2", "Łódź ☕", "☕"),
])
def test_a_customer_text_no_folding_makes_latin_is_refused_at_its_cell(cell, value, shown):
    [(code, sheet, at, severity, it, en)] = _found(cell, value)
    assert (code, sheet, at, severity) == ("customer-text-not-in-einvoice", "Clienti", cell, Severity.ERROR)
    assert f"«{value}» contiene {shown}, che la fattura elettronica non può portare" in it
    assert f"“{value}” holds {shown}, which the e-invoice cannot carry" in en


@pytest.mark.parametrize("cell, value", [("B2", "Łódź Sp. z o.o. – “Bar” €"), ("E2", "Straße 1"), ("F3", "Génève")])
def test_what_folding_makes_latin_passes(cell, value):
    assert _found(cell, value) == []


def test_such_a_customer_had_its_file_refused_after_the_invoice_was_issued():
    buyer = f.customer(name="上海贸易有限公司")
    problems = check(build(f.invoice(buyer=buyer), f.seller(), buyer, "00001"))
    assert [(p.code, p.message("en").split(":")[0]) for p in problems] == [
        ("einvoice-invalid-field", "Invoice FT-2026-00001, CessionarioCommittente/DatiAnagrafici/Anagrafica/Denominazione")]
