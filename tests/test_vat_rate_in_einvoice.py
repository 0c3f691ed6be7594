"""A VAT rate the e-invoice cannot carry is refused at its cell, before any invoice is issued.

*Aliquota IVA* typed as text, `0,22` (a percentage pasted from elsewhere), was read as 0.22 %
and only warned of (`unusual-vat-rate`): the month's invoices were issued charging 0.22 % VAT
and their files said AliquotaIVA 0.22, which SDI rejects as a rate not in percent (00424). A
rate of three decimals, `7,655`, was issued too, and then its file was refused by the schema's
two decimals: an invoice issued that could never be sent.
"""

from __future__ import annotations

from decimal import Decimal as D

import einvoice_factories as f
import minimal
import pytest
import sdi_controls

from toolkit.basics.problems import Severity
from toolkit.core.einvoice import build, check
from toolkit.intake.validation import check as check_data
from toolkit.model.cells import PercentShown
from toolkit.writers.fatturapa import xml_bytes


def _problems(sheets):
    return [(p.code, p.location.sheet, p.location.cell, p.severity) for p in check_data(minimal.workbook(sheets)).problems
            if p.code != "stock-not-checked"]


@pytest.mark.parametrize("typed, code, severity", [
    ("0,22", "vat-rate-not-percent", Severity.ERROR),
    ("0.5", "vat-rate-not-percent", Severity.ERROR),
    ("7,655", "vat-rate-decimals", Severity.ERROR),
    ("7,65", "unusual-vat-rate", Severity.WARNING),
])
def test_a_rate_the_einvoice_cannot_carry_is_refused_at_its_cell(typed, code, severity):
    s = minimal.sheets()
    minimal.set_cell(s, "Articoli", "D2", typed)
    assert _problems(s) == [(code, "Articoli", "D2", severity)]


@pytest.mark.parametrize("worked_out", [(1.22 - 1) * 100, 1.22 - 1, PercentShown(1.22 - 1)],
                         ids=["=(1,22-1)*100", "=1,22-1", "=1,22-1 in a percent cell"])
def test_a_rate_a_formula_works_out_is_read_as_the_cell_shows_it(worked_out):
    """21.999999999999996 is how binary floats hold `=(1,22-1)*100`, a rate taken from a gross
    price's 1,22; the cell shows 22, and so the rate reads: read to the last bit it was refused
    as more than two decimals (and before that warned as unusual), at a cell showing 22."""
    s = minimal.sheets()
    minimal.set_cell(s, "Articoli", "D2", worked_out)
    assert _problems(s) == []
    [item] = [i for i in check_data(minimal.workbook(s)).master.items if i.code == "A001"]
    assert item.vat_rate == 22


def test_a_rate_change_ahead_is_judged_so_too():
    s = minimal.sheets()
    s["Articoli"][0] += ["Nuova aliquota IVA", "Dal"]
    s["Articoli"][1] += ["0,1", "01/01/2027"]
    assert _problems(s) == [("vat-rate-not-percent", "Articoli", "F2", Severity.ERROR)]


def test_the_refusal_says_what_to_write_in_both_languages():
    s = minimal.sheets()
    minimal.set_cell(s, "Articoli", "D2", "0,22")
    [problem] = [p for p in check_data(minimal.workbook(s)).problems if p.code == "vat-rate-not-percent"]
    assert "0,22%" in problem.message("it") and "00424" in problem.message("it")
    assert "22 per il 22%, non 0,22" in problem.message("it")
    assert "22 for 22%, not 0.22" in problem.message("en")


def test_an_invoice_stored_at_such_a_rate_is_not_written_and_sdi_would_have_rejected_it():
    """A rate stored before the data check refused it: the toolkit's own checks stop the file
    (einvoice-00424), which the SDI controls of the tests show SDI would have rejected."""
    inv = f.invoice(f.billable(rate="0.22", delivery=f.ddt()))
    doc = build(inv, f.seller(), f.customer(), "00001")
    assert "einvoice-00424" in {p.code for p in check(doc)}
    assert {b.code for b in sdi_controls.breaches(xml_bytes(doc))} == {"00424"}
    assert [s.rate for s in inv.summary] == [D("0.22")]
