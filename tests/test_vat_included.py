"""Price lists with VAT included (IVA inclusa): gross prices split per line into net and VAT,
so the invoice's gross total is the list's, and its e-invoice still passes SDI's checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import minimal
import pytest
from einvoice_factories import billable, ddt, invoice, tree

from toolkit.basics.money import cents
from toolkit.basics.problems import Severity
from toolkit.core.drafts import draft_orders, net_of_gross, net_of_vat
from toolkit.core.einvoice import checks
from toolkit.core.lines import line_amount
from toolkit.core.plan import due_on
from toolkit.core.vat import totals, vat_summary
from toolkit.intake.validation import check

D = Decimal

SPLITS = [
    # (quantity, gross unit price, rate) → (net unit price, net amount)
    ("7", "1.00", "22", "0.82", "5.74"),        # issue 14: 7.00 gross
    ("3", "2.99", "10", "2.716667", "8.15"),    # issue 14: 8.97 gross
    ("1", "1.22", "22", "1", "1.00"),
    ("12", "18.50", "22", "15.164167", "181.97"),
    ("24", "1.25", "4", "1.202083", "28.85"),
    ("5", "3.333", "5", "3.176", "15.88"),      # 16.665 → 16.67 gross first, then net
    ("1", "12", "0", "12", "12.00"),            # exempt: the gross is the net
    ("-2", "1.00", "22", "0.82", "-1.64"),      # a return
    ("9999", "0.37", "22", "0.303278", "3032.48"),
]


@pytest.mark.parametrize("qty,gross,rate,unit,amount", SPLITS, ids=[f"{s[0]}x{s[1]}@{s[2]}" for s in SPLITS])
def test_a_gross_price_is_split_per_line(qty, gross, rate, unit, amount):
    got_unit, got_amount = net_of_vat(D(qty), D(gross), D(rate))
    assert (got_unit, got_amount) == (D(unit), D(amount))
    assert line_amount(D(qty), got_unit) == got_amount  # SDI 00423 holds exactly
    gross_amount = cents(D(qty) * D(gross))
    assert abs(got_amount + cents(got_amount * D(rate) / 100) - gross_amount) <= D("0.01")


TOTALS = [
    # lines (quantity, gross unit, rate) → the invoice's total
    ((("7", "1.00", "22"), ("3", "2.99", "10")), "15.97"),  # issue 14 (18.41 when the gross was taxed again)
    ((("12", "18.50", "22"), ("24", "1.25", "4")), "252.00"),
    ((("1", "1.00", "22"), ("1", "1.00", "22"), ("1", "1.00", "22")), "3.00"),
    ((("10", "0.99", "10"), ("1", "5.50", "4"), ("2", "7.00", "0")), "29.40"),
]


@pytest.mark.parametrize("lines,total", TOTALS)
def test_the_invoice_totals_what_the_list_says(lines, total):
    split = [(net_of_vat(D(q), D(g), D(r)), D(r)) for q, g, r in lines]
    summary = vat_summary([(amount, rate, None if rate else "N4") for (_, amount), rate in split])
    assert totals(summary)[2] == D(total) == sum(D(q) * D(g) for q, g, _ in lines)


def _gross_master():
    """The minimal workbook with its list VAT-included and issue 14's two lines: 7 × 1.00 at 22 %,
    3 × 2.99 at 10 %."""
    sheets = minimal.sheets()
    for sheet, cell, value in (("Listini", "C1", "IVA inclusa"), ("Listini", "C2", "sì"),
                               ("Articoli", "D3", 10), ("Prezzi", "E2", 1.00), ("Prezzi", "F2", 0.5),
                               ("Righe modello", "C2", 7), ("Righe modello", "C3", 3), ("Righe modello", "D3", 2.99)):
        minimal.set_cell(sheets, sheet, cell, value)
    result = check(minimal.workbook(sheets))
    assert result.master is not None, [str(p) for p in result.errors]
    assert result.master.price_lists[0].vat_included
    return result.master


def test_an_order_on_a_vat_included_list_keeps_net_prices_and_totals_15_97():
    master = _gross_master()
    dues, _ = due_on(master, date(2026, 4, 9))
    drafts, problems = draft_orders(master, [d for d in dues if d.template == "T001"])
    assert problems == []
    lines = drafts[0].lines
    assert [(x.quantity, x.unit_price, x.amount, x.vat_rate) for x in lines] == [
        (D(7), D("0.82"), D("5.74"), D(22)), (D(3), D("2.716667"), D("8.15"), D(10))]
    assert totals(vat_summary((x.amount, x.vat_rate, x.vat_nature) for x in lines)) == (D("13.89"), D("2.08"), D("15.97"))


def test_the_e_invoice_of_a_vat_included_order_passes_sdi_checks():
    master = _gross_master()
    dues, _ = due_on(master, date(2026, 4, 9))
    drafts, _ = draft_orders(master, [d for d in dues if d.template == "T001"])
    inv = invoice(*(billable(x.item, str(x.quantity), str(x.unit_price), str(x.vat_rate), delivery=ddt(), line=n)
                    for n, x in enumerate(drafts[0].lines, start=1)))
    assert (inv.taxable, inv.vat, inv.total) == (D("13.89"), D("2.08"), D("15.97"))
    assert checks.check(tree(inv)) == []


def test_a_line_whose_net_no_six_decimal_price_gives_back_is_warned_at_its_quantity():
    """30,000 × 0.01 at 22 %: 300.00 gross, 245.90 net, but 0.008197 × 30,000 is 245.91 and
    0.008196 × 30,000 is 245.88. The line keeps the nearest, as SDI checks the amount against
    quantity × price, and the desk is told at the template line's quantity; 10,000 units are exact."""
    assert net_of_vat(D(30000), D("0.01"), D(22)) == (D("0.008197"), D("245.91"))
    assert net_of_gross(D(30000), D("0.01"), D(22)) == D("245.90")
    sheets = minimal.sheets()
    for sheet, cell, value in (("Listini", "C1", "IVA inclusa"), ("Listini", "C2", "sì"), ("Prezzi", "E2", 0.01),
                               ("Prezzi", "F2", None), ("Righe modello", "C2", 30000)):
        minimal.set_cell(sheets, sheet, cell, value)
    master = check(minimal.workbook(sheets)).master
    dues, _ = due_on(master, date(2026, 4, 9))
    drafts, problems = draft_orders(master, [d for d in dues if d.template == "T001"])
    assert [(p.sheet, p.cell, p.code, p.severity) for p in problems] == [
        ("Righe modello", "C2", "vat-included-net-rounded", Severity.WARNING)]
    assert problems[0].message("it") == (
        "Il modello T001 del 09/04/2026: 30.000 × 0,01 IVA inclusa dell'articolo A001 fanno 300,00 lordi, cioè 245,90 "
        "netti, ma per 30.000 unità nessun prezzo unitario a sei decimali dà 245,90: la riga vale 245,91 netti, e la "
        "fattura qualche centesimo in più o in meno del lordo del listino. Per l'importo esatto metti al massimo "
        "10.000 unità per riga (es. un'unità di misura più grande) o usa un listino senza IVA inclusa.")
    assert drafts and drafts[0].lines[0].amount == D("245.91")

    minimal.set_cell(sheets, "Righe modello", "C2", 10000)
    master = check(minimal.workbook(sheets)).master
    drafts, problems = draft_orders(master, [d for d in due_on(master, date(2026, 4, 9))[0] if d.template == "T001"])
    assert problems == [] and drafts[0].lines[0].amount == net_of_gross(D(10000), D("0.01"), D(22)) == D("81.97")
