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
from toolkit.writers.fatturapa import xml_bytes


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


@pytest.mark.parametrize("cell, value", [("B2", "Łódź Sp. z o.o. – “Bar” €"), ("E2", "Straße 1"), ("F3", "Génève"),
                                         ("B2", "Yıldız Tekstil A.Ş."), ("F2", "Ħamrun"), ("B3", "\u200bAcme\ufeff")])
def test_what_folding_makes_latin_passes(cell, value):
    assert _found(cell, value) == []


@pytest.mark.parametrize("name, written", [("Yıldız Tekstil A.Ş.", "Yildiz Tekstil A.S."), ("Ħamrun Ltd", "Hamrun Ltd"),
                                           ("\u200bAcme S.r.l.\ufeff", "Acme S.r.l.")])
def test_a_latin_letter_without_accent_to_drop_and_an_invisible_character_are_written_plain(name, written):
    """Turkish ı and Maltese Ħ are Latin letters no decomposition makes Latin-1, and a zero-width
    space or a byte-order mark pasted with a name shows nowhere: they were refused as a foreign
    script, «write it in Latin letters», of a name written in Latin letters."""
    buyer = f.customer(name=name)
    doc = build(f.invoice(buyer=buyer), f.seller(), buyer, "00001")
    assert check(doc) == []
    assert f"<Denominazione>{written}</Denominazione>" in xml_bytes(doc).decode("latin-1")


def test_such_a_customer_had_its_file_refused_after_the_invoice_was_issued():
    buyer = f.customer(name="上海贸易有限公司")
    problems = check(build(f.invoice(buyer=buyer), f.seller(), buyer, "00001"))
    assert [(p.code, p.message("en").split(":")[0]) for p in problems] == [
        ("einvoice-invalid-field", "Invoice FT-2026-00001, CessionarioCommittente/DatiAnagrafici/Anagrafica/Denominazione")]
