"""Volume discounts and commissions, rule by rule: the worked examples of
docs/discounts-and-commissions.md, one per bracket mode (scaled, whole) and basis (amount,
quantity), and one per commission base (invoiced, collected)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from factories import customer, source

from toolkit.basics.vocab import BracketBasis, BracketMode, CommissionBase, DiscountPeriod, PaymentMethod
from toolkit.core.brackets import Bracket, applied, split
from toolkit.core.commissions import Account, Entry, agents_of, rules, statements
from toolkit.core.invoicing import Invoice, InvoiceKind, InvoiceLine, Period
from toolkit.core.vat import totals, vat_summary
from toolkit.core.volume_discounts import Credits, discounts, parse_period, settle
from toolkit.model.records import Commission, CustomerAgent, Item, VolumeDiscount

SCALE = (Bracket(D(0), D(0)), Bracket(D(1000), D(2)), Bracket(D(5000), D(5)))
QUANTITY_SCALE = (Bracket(D(0), D(0)), Bracket(D(100), D(1)), Bracket(D(200), D(3)))


@pytest.mark.parametrize("brackets, mode, measure, amount, expected", [
    # the docs' amount examples: 0 → 0 %, 1,000 → 2 %, 5,000 → 5 %
    (SCALE, BracketMode.SCALED, "6000", "6000", "130.00"),   # 4,000 × 2 % + 1,000 × 5 %
    (SCALE, BracketMode.WHOLE, "6000", "6000", "300.00"),    # 6,000 × 5 %
    (SCALE, BracketMode.SCALED, "800", "800", "0.00"),       # below the first paying bracket
    (SCALE, BracketMode.WHOLE, "1000", "1000", "20.00"),     # a threshold reached exactly counts
    (SCALE, BracketMode.SCALED, "-50", "-50", "0.00"),       # returns above sales: nothing
    # the docs' quantity examples: 0 → 0 %, 100 → 1 %, 200 → 3 %; 250 units for 1,250.00 €
    (QUANTITY_SCALE, BracketMode.WHOLE, "250", "1250", "37.50"),   # 1,250 × 3 %
    (QUANTITY_SCALE, BracketMode.SCALED, "250", "1250", "12.50"),  # 1,250 × (100/250 × 1 % + 50/250 × 3 %)
])
def test_brackets(brackets, mode, measure, amount, expected):
    assert applied(brackets, mode, D(measure), D(amount)) == D(expected)


@pytest.mark.parametrize("total, weights, expected", [
    ("10.00", ["1", "1", "1"], ["3.34", "3.33", "3.33"]),
    ("37.50", ["1000", "250"], ["30.00", "7.50"]),
    ("0.01", ["5", "5"], ["0.01", "0.00"]),
])
def test_a_discount_splits_over_vat_rates_to_the_cent(total, weights, expected):
    assert split(D(total), [D(w) for w in weights]) == [D(x) for x in expected]
    assert sum(split(D(total), [D(w) for w in weights])) == D(total)


@pytest.mark.parametrize("text, kind, start, end", [
    ("2026-04", DiscountPeriod.MONTH, date(2026, 4, 1), date(2026, 4, 30)),
    ("2026-Q1", DiscountPeriod.QUARTER, date(2026, 1, 1), date(2026, 3, 31)),
    ("2026-q4", DiscountPeriod.QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
    ("2026", DiscountPeriod.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
])
def test_periods(text, kind, start, end):
    found = parse_period(text)
    assert (found.kind, found.start, found.end) == (kind, start, end)


@pytest.mark.parametrize("text", ["12/2026", "2026-12", "4/2026", "04/2026", " 2026-4 "])
def test_a_period_takes_every_month_spelling_the_month_option_takes(text):
    """`discounts settle --period 12/2026` was refused while `invoice --month 12/2026` took it."""
    from toolkit.cli.session import parse_month_option

    month, found = parse_month_option(text), parse_period(text)
    assert (found.kind, found.start, found.end) == (DiscountPeriod.MONTH, month.start, month.end)


@pytest.mark.parametrize("text", ["2026-13", "13/2026", "Q2", "26-04", "aprile"])
def test_what_is_not_a_period(text):
    with pytest.raises(ValueError):
        parse_period(text)


# ---- a small ledger's worth of invoices


def _line(n: int, item: str, quantity: str, price: str, rate: str = "22", order_line: int | None = 1) -> InvoiceLine:
    q, p = D(quantity), D(price)
    return InvoiceLine(item, item, "pz", q, p, (q * p).quantize(D("0.01")), D(rate), None, n, order_line, None, None,
                       "OC-2026-00001")


def _invoice(number: str, day: date, customer_code: str, *lines: InvoiceLine, id_: int,
             kind: InvoiceKind = InvoiceKind.INVOICE) -> Invoice:
    summary = tuple(vat_summary((x.amount, x.vat_rate, x.vat_nature) for x in lines))
    taxable, vat, total = totals(summary)
    return Invoice(kind, customer_code, None, Period(day, day), day, lines, summary, taxable, vat, total,
                   PaymentMethod.BANK_TRANSFER, "30FM", (), id_, number)


ITEMS = {code: Item(code=code, description=code, unit="pz", vat_rate=D(rate), category=category,
                    source=source("items", n))
         for n, (code, rate, category) in enumerate((("A001", "22", "CAFFE"), ("A002", "10", "CAFFE"),
                                                     ("A003", "22", "ACQUA")), start=2)}


def _discount_rows(code: str, mode: BracketMode, basis: BracketBasis, scale, **terms) -> list[VolumeDiscount]:
    return [VolumeDiscount(code=code, period=terms.pop("period", DiscountPeriod.QUARTER), basis=basis, mode=mode,
                           threshold=b.threshold, percent=b.percent, source=source("volume_discounts", n), **terms)
            for n, b in enumerate(scale, start=2)]


def test_a_quarter_settles_as_a_credit_note_citing_its_invoices_with_vat_per_rate():
    """The docs' settlement: 4,000 € of coffee at 22 % and 2,000 € at 10 %, scaled → 130.00 €,
    split 4:2 over the rates; the return's credit note takes its base off."""
    bar = replace(customer("C001"), group="HORECA")
    invoices = [
        _invoice("FT-2026-00001", date(2026, 4, 30), "C001", _line(1, "A001", "100", "40"), id_=1),
        _invoice("FT-2026-00002", date(2026, 5, 31), "C001", _line(1, "A002", "100", "20", rate="10"),
                 _line(2, "A001", "30", "10", order_line=2), id_=2),
        _invoice("NC-2026-00001", date(2026, 6, 10), "C001", _line(1, "A001", "-30", "10", order_line=2), id_=3,
                 kind=InvoiceKind.CREDIT_NOTE),
        _invoice("FT-2026-00003", date(2026, 7, 1), "C001", _line(1, "A001", "100", "40"), id_=4),  # next quarter
    ]
    found = discounts(_discount_rows("SV1", BracketMode.SCALED, BracketBasis.AMOUNT, SCALE, group="HORECA",
                                     category="CAFFE"))
    [s] = settle(found, {"C001": bar}, ITEMS, invoices, parse_period("2026-Q2"), date(2026, 7, 3))
    assert (s.base, s.amount, s.reached.percent) == (D("6000.00"), D("130.00"), D(5))
    note = s.credit_note
    assert note.kind is InvoiceKind.CREDIT_NOTE and note.invoice_date == date(2026, 7, 3)
    assert [c.number for c in note.cites] == ["FT-2026-00001", "FT-2026-00002"]
    assert [(x.vat_rate, x.amount) for x in note.lines] == [(D(10), D("-43.33")), (D(22), D("-86.67"))]
    assert note.taxable == D("-130.00") and note.vat == D("-4.33") + D("-19.07")
    assert "FT-2026-00001, FT-2026-00002" in note.lines[0].description


def test_a_line_goes_to_the_discount_that_fits_it_best_and_to_no_other():
    """A customer's own discount before its group's, a category's before every item's."""
    bar = replace(customer("C001"), group="HORECA")
    rows = [*_discount_rows("GROUP", BracketMode.WHOLE, BracketBasis.AMOUNT, (Bracket(D(0), D(1)),), group="HORECA"),
            *_discount_rows("MINE", BracketMode.WHOLE, BracketBasis.AMOUNT, (Bracket(D(0), D(2)),), customer="C001"),
            *_discount_rows("WATER", BracketMode.WHOLE, BracketBasis.QUANTITY, (Bracket(D(0), D(3)),),
                            customer="C001", category="ACQUA")]
    invoices = [_invoice("FT-2026-00001", date(2026, 5, 2), "C001", _line(1, "A001", "10", "10"),
                         _line(2, "A003", "10", "1", order_line=2), id_=1)]
    found = {s.discount.code: s for s in settle(discounts(rows), {"C001": bar}, ITEMS, invoices,
                                                 parse_period("2026-Q2"), date(2026, 7, 1))}
    assert {k: (v.base, v.amount) for k, v in found.items()} == {"MINE": (D("100.00"), D("2.00")),
                                                                 "WATER": (D("10.00"), D("0.30"))}


def test_stamp_duty_and_earlier_discounts_are_not_goods():
    bar = customer("C001")
    stamp = _line(2, "", "1", "2", rate="0", order_line=None)
    invoices = [_invoice("FT-2026-00001", date(2026, 4, 2), "C001", _line(1, "A001", "10", "100"), stamp, id_=1)]
    rows = _discount_rows("ALL", BracketMode.WHOLE, BracketBasis.AMOUNT, (Bracket(D(0), D(10)),),
                          period=DiscountPeriod.MONTH)
    [s] = settle(discounts(rows), {"C001": bar}, ITEMS, invoices, parse_period("2026-04"), date(2026, 4, 30))
    assert (s.base, s.amount) == (D("1000.00"), D("100.00"))



def test_a_return_counts_in_the_period_of_the_invoice_it_cites_and_its_uncited_rest_in_its_own():
    """A May return of 3 A001, 2 of them taken back from April's FT-2026-00001: April's base is
    net of those 2 (whatever the note's date), May's counts only the one no invoice sold."""
    bar = customer("C001")
    invoices = [_invoice("FT-2026-00001", date(2026, 4, 2), "C001", _line(1, "A001", "10", "100"), id_=1),
                _invoice("NC-2026-00001", date(2026, 5, 6), "C001", _line(1, "A001", "-3", "100", order_line=2),
                         id_=3, kind=InvoiceKind.CREDIT_NOTE)]
    credits = Credits(of_invoices={(1, 1): (D(-2), D("-200.00"))}, cited={(3, 1): (D(-2), D("-200.00"))})
    rows = _discount_rows("ALL", BracketMode.WHOLE, BracketBasis.AMOUNT, (Bracket(D(0), D(10)),),
                          period=DiscountPeriod.MONTH)
    [april] = settle(discounts(rows), {"C001": bar}, ITEMS, invoices, parse_period("2026-04"), date(2026, 4, 30),
                     credits=credits)
    assert (april.base, april.quantity, april.amount) == (D("800.00"), D(8), D("80.00"))
    assert [(c.invoice.number, c.base, c.credited) for c in april.counted] == [("FT-2026-00001", D("800.00"),
                                                                               D("-200.00"))]
    assert april.credit_note.cites[0].base == D("800.00")
    [may] = settle(discounts(rows), {"C001": bar}, ITEMS, invoices, parse_period("2026-05"), date(2026, 5, 31),
                   credits=credits)
    assert (may.base, may.quantity, may.amount, may.credit_note) == (D("-100.00"), D(-1), D("0.00"), None)


# ---- commissions


def _commission_rows(code: str, scale, base=CommissionBase.INVOICED, **criteria) -> list[Commission]:
    return [Commission(code=code, base=base, threshold=b.threshold, percent=b.percent,
                       source=source("commissions", n), **criteria) for n, b in enumerate(scale, start=2)]


MARCH_TO_APRIL = (date(2026, 4, 1), date(2026, 4, 30))


def test_invoiced_base_reaches_a_bracket_and_credit_notes_earn_negative():
    """The docs' invoiced example: 3,000 + 4,000 − 500 = 6,500 € reaches 4 % on everything."""
    shop = replace(customer("C001"), sales_rep="Marco Bianchi")
    invoices = [
        _invoice("FT-2026-00001", date(2026, 4, 3), "C001", _line(1, "A001", "300", "10"), id_=1),
        _invoice("FT-2026-00002", date(2026, 4, 17), "C001", _line(1, "A003", "400", "10"), id_=2),
        _invoice("NC-2026-00001", date(2026, 4, 20), "C001", _line(1, "A003", "-50", "10"), id_=3,
                 kind=InvoiceKind.CREDIT_NOTE),
    ]
    found = rules(_commission_rows("STD", (Bracket(D(0), D(3)), Bracket(D(5000), D(4)))))
    [s] = statements(found, agents_of([shop], ()), {"C001": shop}, ITEMS, invoices, *MARCH_TO_APRIL)
    assert [(r.invoice.number, r.base, r.rate, r.commission) for r in s.rows] == [
        ("FT-2026-00001", D("3000.00"), D(4), D("120.00")),
        ("FT-2026-00002", D("4000.00"), D(4), D("160.00")),
        ("NC-2026-00001", D("-500.00"), D(4), D("-20.00"))]
    assert s.total == D("260.00")


def test_collected_base_is_the_share_paid_in_the_period_and_agents_share_it():
    """The docs' collected example: half of a 1,220.00 € invoice paid in April is 500.00 € of
    base; the agent with 60 % of the customer earns 5 % of 300.00 €."""
    shop = customer("C001")
    invoices = [_invoice("FT-2026-00009", date(2026, 3, 31), "C001", _line(1, "A001", "100", "10"), id_=9)]
    found = rules(_commission_rows("CASH", (Bracket(D(0), D(5)),), base=CommissionBase.COLLECTED))
    agents = agents_of([shop], [CustomerAgent(customer="C001", agent="Laura Colombo", share=D(60),
                                              source=source("customer_agents", 2)),
                                CustomerAgent(customer="C001", agent="Marco Bianchi", share=D(40),
                                              source=source("customer_agents", 3))])
    paid = Account(9, invoices[0].total, (("A001", D("1000.00")),), (Entry(date(2026, 4, 15), 9, paid=D("610.00")),))
    made = statements(found, agents, {"C001": shop}, ITEMS, invoices, *MARCH_TO_APRIL, [("C001", paid)])
    assert [(s.agent, s.base, s.total) for s in made] == [("Laura Colombo", D("300.00"), D("15.00")),
                                                          ("Marco Bianchi", D("200.00"), D("10.00"))]
    assert made[0].rows[0].collected == D("0.5")


@pytest.mark.parametrize("base", [CommissionBase.INVOICED, CommissionBase.COLLECTED])
def test_an_agent_on_two_rows_of_a_customer_earns_the_two_shares_once(base):
    """Marco Bianchi on two rows of C001's agents, 60 % and 40 %: he follows all of C001, and
    earns 5 % of the whole 1,000.00 €, 50.00 €, invoiced or collected; not 40 % of the line
    counted twice (800.00 € of base, 40.00 €), as the invoiced base gave."""
    shop = customer("C001")
    invoices = [_invoice("FT-2026-00001", date(2026, 4, 3), "C001", _line(1, "A001", "100", "10"), id_=1)]
    found = rules(_commission_rows("STD", (Bracket(D(0), D(5)),), base=base))
    agents = agents_of([shop], [CustomerAgent(customer="C001", agent="Marco Bianchi", share=D(60),
                                              source=source("customer_agents", 2)),
                                CustomerAgent(customer="C001", agent="Marco Bianchi", share=D(40),
                                              source=source("customer_agents", 3))])
    paid = Account(1, invoices[0].total, (("A001", D("1000.00")),), (Entry(date(2026, 4, 15), 1, paid=D("1220.00")),))
    [s] = statements(found, agents, {"C001": shop}, ITEMS, invoices, *MARCH_TO_APRIL, [("C001", paid)])
    assert (s.agent, s.base, s.total) == ("Marco Bianchi", D("1000.00"), D("50.00"))
    assert [(r.share, r.base, r.commission) for r in s.rows] == [(D(100), D("1000.00"), D("50.00"))]


def test_an_agent_on_two_rows_of_a_customer_is_a_warning_at_the_second():
    result = _checked({"Agenti clienti": [["Cliente", "Agente", "Quota %"], ["C001", "Marco Bianchi", 60],
                                          ["C001", "Marco Bianchi", 40]]})
    [problem] = [p for p in result.problems if p.code == "agent-listed-twice"]
    assert (problem.location.sheet, problem.location.cell) == ("Agenti clienti", "B3")
    assert problem.message("it").startswith("L'agente Marco Bianchi è già un agente del cliente C001 alla riga 2: "
                                            "le sue quote si sommano (100 %).")
    assert result.master is not None


def test_the_most_specific_rule_pays():
    """Customer before item before group before category before agent; a line no rule fits
    earns nothing."""
    shop = replace(customer("C001"), group="HORECA", sales_rep="Marco Bianchi")
    rows = [*_commission_rows("EVERYONE", (Bracket(D(0), D(1)),)),
            *_commission_rows("COFFEE", (Bracket(D(0), D(2)),), category="CAFFE"),
            *_commission_rows("HORECA", (Bracket(D(0), D(3)),), group="HORECA"),
            *_commission_rows("A001", (Bracket(D(0), D(4)),), item="A001")]
    invoices = [_invoice("FT-2026-00001", date(2026, 4, 3), "C001", _line(1, "A001", "1", "100"),
                         _line(2, "A002", "1", "100", order_line=2), _line(3, "A003", "1", "100", order_line=3),
                         id_=1)]
    [s] = statements(rules(rows), agents_of([shop], ()), {"C001": shop}, ITEMS, invoices, *MARCH_TO_APRIL)
    assert sorted((r.rule, r.commission) for r in s.rows) == [("A001", D("4.00")), ("HORECA", D("6.00"))]


# ---- the sheets in the data check


def _checked(extra: dict):
    import minimal

    from toolkit.intake.validation import check

    sheets = minimal.sheets()
    sheets.update(extra)
    return check(minimal.workbook(sheets))


def test_the_sheets_are_read_into_the_master_data():
    result = _checked({
        "Sconti volume": [["Codice", "Gruppo", "Categoria", "Periodo", "Base", "Modalità", "Da", "Sconto %"],
                          ["SV1", "HORECA", "CAFFE", "Trimestre", "Quantità", "A scaglioni", 0, 1],
                          ["SV1", "HORECA", "CAFFE", "Trimestre", "Quantità", "A scaglioni", 100, "2,5"]],
        "Provvigioni": [["Codice", "Agente", "Articolo", "Base", "Da", "Provvigione %"],
                        ["PV1", "Marco Bianchi", "A001", "Incassato", 0, 5]],
        "Agenti clienti": [["Cliente", "Agente", "Quota %"], ["C001", "Marco Bianchi", 100]],
    })
    assert result.errors == [] and result.master is not None
    [first, second] = result.master.volume_discounts
    assert (first.period, first.basis, first.mode, second.percent) == (
        DiscountPeriod.QUARTER, BracketBasis.QUANTITY, BracketMode.SCALED, D("2.5"))
    [rule] = result.master.commissions
    assert (rule.agent, rule.item, rule.base) == ("Marco Bianchi", "A001", CommissionBase.COLLECTED)
    assert result.master.customer_agents[0].share == D(100)


def test_every_mistake_in_the_sheets_is_a_problem_at_its_cell():
    result = _checked({
        "Sconti volume": [["Codice", "Cliente", "Periodo", "Modalità", "Da", "Sconto %"],
                          ["SV1", "C001", "Mese", "Sul totale", 0, 2],
                          ["SV1", "C001", "Trimestre", "Sul totale", 0, 3],
                          ["SV2", "C999", "Anno", "Sul totale", -5, 1],
                          ["SV3", None, "Mese", "Sul totale", 0, 150]],
        "Provvigioni": [["Codice", "Articolo", "Base", "Da", "Provvigione %"],
                        ["PV1", "A999", "Fatturato", 0, 5]],
        "Agenti clienti": [["Cliente", "Agente", "Quota %"], ["C001", "Marco Bianchi", 60],
                           ["C001", "Laura Colombo", 30]],
    })
    found = {(p.location.sheet, p.location.cell, p.code) for p in result.problems}
    assert {
        ("Sconti volume", "C3", "bracket-terms-differ"),
        ("Sconti volume", "E3", "duplicate-bracket"),
        ("Sconti volume", "F5", "not-a-percent"),
        ("Sconti volume", "B4", "unknown-reference"),
        ("Sconti volume", "E4", "negative-threshold"),
        ("Provvigioni", "B2", "unknown-reference"),
        ("Agenti clienti", "C2", "agent-shares-not-100"),
    } <= found, found


def test_a_customer_whose_share_row_is_refused_is_told_no_sum_of_the_rows_left():
    """A Quota % of 150 is refused at its cell; summing C001's other rows (40 %) would tell a
    total the sheet does not say. C002, all rows read, is still told its 90 %."""
    result = _checked({
        "Agenti clienti": [["Cliente", "Agente", "Quota %"], ["C001", "Marco Bianchi", 150],
                           ["C001", "Laura Colombo", 40], ["C002", "Marco Bianchi", 90]],
    })
    found = {(p.location.cell, p.code) for p in result.problems if p.location and p.location.sheet == "Agenti clienti"}
    assert ("C2", "not-a-percent") in found, found
    sums = [p for p in result.problems if p.code == "agent-shares-not-100"]
    assert [(p.location.cell, dict(p.params)["customer"], dict(p.params)["total"]) for p in sums] == [
        ("C4", "C002", 90)]


@pytest.mark.parametrize("written, hint", [
    ("marco bianchi", " Forse è «Marco Bianchi»: scrivilo così."),
    ("Marco  Bianchi", " Forse è «Marco Bianchi»: scrivilo così."),
    ("Mario Verdi", ""),
])
def test_a_commission_rule_for_an_agent_no_customer_has_is_a_warning_at_the_agent(written, hint):
    """C001's agent is Marco Bianchi: a rule written for «marco bianchi» matches nobody, and he
    would earn nothing under it without a word."""
    result = _checked({
        "Clienti": [[*minimal_row("Clienti", 0), "Agente"], [*minimal_row("Clienti", 1), "Marco Bianchi"],
                    [*minimal_row("Clienti", 2), None]],
        "Provvigioni": [["Codice", "Agente", "Base", "Da", "Provvigione %"], ["PV1", written, "Fatturato", 0, 5],
                        ["PV1", written, "Fatturato", 1000, 6], ["PV2", "Marco Bianchi", "Fatturato", 0, 1]],
    })
    found = [(p.location.sheet, p.location.cell, p.message("it")) for p in result.problems
             if p.code == "commission-agent-follows-nobody"]
    assert found == [("Provvigioni", "B2", f"Nessun cliente ha l'agente «{written}» (Clienti › Agente, Agenti "
                      f"clienti): la regola PV1 non pagherà nulla.{hint}")]
    assert result.master is not None


def test_a_discount_or_commission_for_a_group_or_category_nobody_has_is_a_warning_at_its_cell():
    """The customers' group is BAR and the coffee's category CAFFE: `bar` and `Caffè` match
    nothing, and the customer would lose its volume discount (or the agent its rate) unwarned,
    as price rules already warn. Once per code, not per bracket row. `bar`, BAR but for case,
    is an error naming the customers' spelling, as a code naming another sheet's row is."""
    result = _checked({
        "Clienti": [[*minimal_row("Clienti", 0), "Gruppo"], [*minimal_row("Clienti", 1), "BAR"],
                    [*minimal_row("Clienti", 2), None]],
        "Articoli": [[*minimal_row("Articoli", 0), "Categoria"], [*minimal_row("Articoli", 1), "CAFFE"],
                     [*minimal_row("Articoli", 2), None], [*minimal_row("Articoli", 3), None]],
        "Sconti volume": [["Codice", "Gruppo", "Categoria", "Periodo", "Base", "Modalità", "Da", "Sconto %"],
                          ["SV1", "bar", "Caffè", "Mese", "Importo", "Sul totale", 0, 3],
                          ["SV1", "bar", "Caffè", "Mese", "Importo", "Sul totale", 1000, 4],
                          ["SV2", "BAR", "CAFFE", "Mese", "Importo", "Sul totale", 0, 3]],
        "Provvigioni": [["Codice", "Gruppo", "Categoria", "Base", "Da", "Provvigione %"],
                        ["PV1", "BARS", None, "Fatturato", 0, 5], ["PV2", None, "CAFE", "Fatturato", 0, 5]],
    })
    found = sorted((p.location.sheet, p.location.cell, p.code) for p in result.problems
                   if p.code in ("unknown-customer-group", "unknown-item-category", "customer-group-in-other-case"))
    assert found == [("Provvigioni", "B2", "unknown-customer-group"), ("Provvigioni", "C3", "unknown-item-category"),
                     ("Sconti volume", "B2", "customer-group-in-other-case"),
                     ("Sconti volume", "C2", "unknown-item-category")]
    [case] = [p for p in result.problems if p.code == "customer-group-in-other-case"]
    assert case.is_error and "«bar» non è un gruppo del foglio Clienti, che ha «BAR»" in case.render("it")


def test_a_group_category_or_agent_written_in_two_cases_is_an_error_at_the_later_cell():
    """BAR on C001 and bar on C002 are two groups to every rule, so a discount for BAR left C002
    out unwarned (the rule's group exists); likewise a category and an agent. Refused as codes
    differing only in case are, at the later cell, naming the first."""
    result = _checked({
        "Clienti": [[*minimal_row("Clienti", 0), "Gruppo", "Agente"], [*minimal_row("Clienti", 1), "BAR", "Anna Neri"],
                    [*minimal_row("Clienti", 2), "bar", "anna  neri"]],
        "Articoli": [[*minimal_row("Articoli", 0), "Categoria"], [*minimal_row("Articoli", 1), "CAFFE"],
                     [*minimal_row("Articoli", 2), "Caffe"], [*minimal_row("Articoli", 3), "CAFFE"]],
        "Sconti volume": [["Codice", "Gruppo", "Periodo", "Base", "Modalità", "Da", "Sconto %"],
                          ["SV1", "BAR", "Mese", "Importo", "Sul totale", 0, 3]],
    })
    found = [(p.location.sheet, p.location.cell, p.message("it")) for p in result.errors
             if p.code == "name-in-two-cases"]
    assert [(sheet, cell) for sheet, cell, _ in found] == [("Articoli", "F3"), ("Clienti", "K3"), ("Clienti", "L3")]
    assert [message.split(":")[0] for _, _, message in found] == [
        "«Caffe» e «CAFFE» (Articoli!F2) differiscono solo per maiuscole, minuscole o spazi",
        "«bar» e «BAR» (Clienti!K2) differiscono solo per maiuscole, minuscole o spazi",
        "«anna  neri» e «Anna Neri» (Clienti!L2) differiscono solo per maiuscole, minuscole o spazi"]
    assert "per il toolkit sono due categorie diverse" in found[0][2] and "due agenti diversi" in found[2][2]
    assert result.master is None


def minimal_row(sheet: str, n: int) -> list:
    import minimal

    return list(minimal.sheets()[sheet][n])


def test_a_volume_discount_takes_back_its_share_of_commission_and_the_stamp_duty_earns_none():
    from toolkit.core import stamp_duty

    shop = replace(customer("C001"), sales_rep="Marco Bianchi")
    stamp = InvoiceLine("", stamp_duty.CHARGE_DESCRIPTION, "", D(1), D(2), D(2), D(0), "N1", 2, None, None, None, "")
    rebate = InvoiceLine("", "Sconto volume SV1 2026-04 su fatture FT-2026-00001", "", D(-1), D(100), D(-100), D(22),
                         None, 1, None, None, None, "")
    invoices = [_invoice("FT-2026-00001", date(2026, 4, 3), "C001", _line(1, "A001", "100", "10"), stamp, id_=1),
                _invoice("NC-2026-00002", date(2026, 4, 30), "C001", rebate, id_=2, kind=InvoiceKind.CREDIT_NOTE)]
    rows = [*_commission_rows("STD", (Bracket(D(0), D(5)),)),
            *_commission_rows("COFFEE", (Bracket(D(0), D(8)),), category="CAFFE")]
    [s] = statements(rules(rows), agents_of([shop], ()), {"C001": shop}, ITEMS, invoices, *MARCH_TO_APRIL)
    assert [(r.invoice.number, r.rule, r.base, r.commission) for r in s.rows] == [
        ("FT-2026-00001", "COFFEE", D("1000.00"), D("80.00")), ("NC-2026-00002", "STD", D("-100.00"), D("-5.00"))]


def test_a_customer_or_item_typed_in_other_capitals_on_the_rebate_sheets_is_named_as_clienti_writes_it():
    """c001 on Agenti clienti, Sconti volume or Provvigioni where Clienti has C001 (and a001 where
    Articoli has A001): named with the sheet's spelling, as on every other sheet, not «c001 does
    not exist in Clienti», which sent the desk to a sheet that shows it."""
    result = _checked({
        "Agenti clienti": [["Cliente", "Agente", "Quota %"], ["c001", "Marco Bianchi", 100]],
        "Sconti volume": [["Codice", "Cliente", "Periodo", "Base", "Modalità", "Da", "Sconto %"],
                          ["SV1", "c001", "Mese", "Importo", "A scaglioni", 0, 2]],
        "Provvigioni": [["Codice", "Cliente", "Articolo", "Base", "Da", "Provvigione %"],
                        ["PV1", "c001", "a001", "Fatturato", 0, 5]]})
    found = {(p.sheet, p.cell): (p.code, p.message("it")) for p in result.problems
             if p.code in ("unknown-reference", "reference-in-other-case")}
    assert found == {
        ("Agenti clienti", "A2"): ("reference-in-other-case", "«c001» non è nel foglio Clienti, che ha «C001»: "
                                   "maiuscole e minuscole contano, scrivi il codice come in Clienti (C001)."),
        ("Sconti volume", "B2"): ("reference-in-other-case", "«c001» non è nel foglio Clienti, che ha «C001»: "
                                  "maiuscole e minuscole contano, scrivi il codice come in Clienti (C001)."),
        ("Provvigioni", "B2"): ("reference-in-other-case", "«c001» non è nel foglio Clienti, che ha «C001»: "
                                "maiuscole e minuscole contano, scrivi il codice come in Clienti (C001)."),
        ("Provvigioni", "C2"): ("reference-in-other-case", "«a001» non è nel foglio Articoli, che ha «A001»: "
                                "maiuscole e minuscole contano, scrivi il codice come in Articoli (A001)."),
    }, found
