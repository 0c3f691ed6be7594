"""Price rules (Regole prezzo) and derived price-list versions: the worked examples of docs/pricing.md.

The minimal workbook's customer C001 (group BAR) orders 12 × A001 (category CAFFE; BASE 2026A:
list 20.00, standard 18.50, limit 16.00) on Thursday 9 April 2026 at its template's standard
price; its other line, A002, has a price of its own (1.25), which no rule overrides.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import minimal
import pytest
from sqlalchemy import inspect, select, text

from toolkit.basics.problems import Severity
from toolkit.basics.vocab import PriceRuleKind
from toolkit.core.drafts import draft_orders
from toolkit.core.plan import due_on
from toolkit.core.price_rules import SPECIFICITY, find, index
from toolkit.core.pricing import price_book
from toolkit.intake.validation import check
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.model.records import PriceRule, Source

DAY = date(2026, 4, 9)
D = Decimal
RULE_HEAD = ["Codice", "Cliente", "Gruppo", "Articolo", "Categoria", "Tipo", "Prezzo", "Sconto %", "Listino base",
             "Prezzo base", "Ricarico %", "Arrotondamento", "Valido dal", "Valido al", "Quantità minima", "Priorità"]


def rule_row(code: str, kind: str, *, customer=None, group=None, item=None, category=None, price=None, discount=None,
             base_list=None, base_price=None, markup=None, rounding=None, valid_from=None, valid_to=None,
             min_quantity=None, priority=None) -> list:
    return [code, customer, group, item, category, kind, price, discount, base_list, base_price, markup, rounding,
            valid_from, valid_to, min_quantity, priority]


def sheets_with(*rules: list, versions: tuple[list, ...] = ()) -> dict:
    """The minimal workbook with customer C001 in group BAR, A001 in category CAFFE, these rules,
    and these extra price-list versions (with the derived-version columns)."""
    sheets = minimal.sheets()
    sheets["Clienti"][0].append("Gruppo")
    sheets["Clienti"][1].append("BAR")
    sheets["Clienti"][2].append(None)
    sheets["Articoli"][0].append("Categoria")
    for row, category in zip(sheets["Articoli"][1:], ("CAFFE", "LATTE", None)):
        row.append(category)
    sheets["Regole prezzo"] = [RULE_HEAD, *rules]
    if versions:
        sheets["Listini"].append(["INGROSSO", "Listino ingrosso"])
        sheets["Versioni listino"][0] += ["Listino base", "Versione base", "Ricarico %", "Arrotondamento"]
        for row in sheets["Versioni listino"][1:]:
            row += [None, None, None, None]
        sheets["Versioni listino"] += list(versions)
    return sheets


def checked(sheets: dict):
    return check(minimal.workbook(sheets))


def priced(sheets: dict, day: date = DAY):
    result = checked(sheets)
    assert result.master is not None, result.errors
    dues, _ = due_on(result.master, day)
    return draft_orders(result.master, [d for d in dues if d.template == "T001"])


# --- one worked example per kind of rule -----------------------------------------------------

EXAMPLES = [
    pytest.param(rule_row("R1", "Prezzo speciale", customer="C001", item="A001", price=17),
                 D("17.00"), D("204.00"), id="special-price"),
    pytest.param(rule_row("R1", "Sconto", group="BAR", category="CAFFE", discount=8),
                 D("17.02"), D("204.24"), id="discount"),
    pytest.param(rule_row("R1", "Da listino", customer="C001", category="CAFFE", base_list="BASE",
                          base_price="Prezzo di listino", markup=-8.3, rounding=0.05),
                 D("18.35"), D("220.20"), id="derived-price"),
]


@pytest.mark.parametrize("rule, unit, amount", EXAMPLES)
def test_a_rule_prices_the_line_it_matches_and_the_line_records_it(rule, unit, amount):
    drafts, problems = priced(sheets_with(rule))
    assert problems == []
    [draft] = drafts
    coffee, milk = draft.lines
    assert (coffee.item, coffee.quantity, coffee.unit_price, coffee.amount, coffee.price_rule) == (
        "A001", D(12), unit, amount, "R1")
    assert (milk.unit_price, milk.price_rule) == (D("1.25"), None), "the line's own price wins over every rule"


@pytest.mark.parametrize("where", ["price list", "rule"])
@pytest.mark.parametrize("written, unit, amount", [
    ("10+5", D("15.8175"), D("189.81")),         # 18.50 × 0.90 × 0.95: 14.5 % off, as Italian lists cascade
    ("10 + 5 %", D("15.8175"), D("189.81")),
    ("50+10+5", D("7.90875"), D("94.91")),        # 57.25 % off
    ("14,5", D("15.8175"), D("189.81")),
    ("15", D("15.725"), D("188.70")),             # not 10+5
])
def test_discounts_in_cascade_are_taken_one_after_the_other(where, written, unit, amount):
    """Sconto 10+5 is 10 % off, then 5 % off what is left: 14.5 % in all. A001's limits are left out."""
    rules = [rule_row("R1", "Sconto", customer="C001", item="A001", discount=written)] if where == "rule" else []
    sheets = sheets_with(*rules)
    minimal.set_cell(sheets, "Prezzi", "F2", None)
    minimal.set_cell(sheets, "Prezzi", "F5", None)
    if where == "price list":
        minimal.set_cell(sheets, "Prezzi", "G1", "Sconto %")
        minimal.set_cell(sheets, "Prezzi", "G2", written)
    drafts, problems = priced(sheets)
    assert problems == []
    coffee = drafts[0].lines[0]
    assert (coffee.unit_price, coffee.amount) == (unit, amount)


@pytest.mark.parametrize("written", ["10+", "10+cinque", "10+120", "+"])
def test_a_cascade_that_is_not_one_is_refused_at_its_cell(written):
    sheets = sheets_with(rule_row("R1", "Sconto", customer="C001", item="A001", discount=written))
    assert ("Regole prezzo", "H2", "not-a-percent") in codes_at(checked(sheets))


def test_a_long_cascade_typed_wrong_is_refused_at_once():
    """A Sconto % of 40 parts with a plus left at its end (a hostile cell, or a paste gone wrong)
    is refused at its cell in an instant: the pattern that told a cascade apart backtracked 4
    times longer for each part, 4.5 s at 12 parts, and the data check never came back."""
    import signal

    def too_slow(*_):
        raise TimeoutError("the data check hangs on the Sconto % cell")

    written = "1 " + "+ 1 " * 40 + "+"
    sheets = sheets_with(rule_row("R1", "Sconto", customer="C001", item="A001", discount=written))
    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(5)
    try:
        found = codes_at(checked(sheets))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert ("Regole prezzo", "H2", "not-a-percent") in found


def test_without_rules_the_list_prices_the_line():
    [draft], _ = priced(sheets_with())
    assert (draft.lines[0].unit_price, draft.lines[0].price_rule) == (D("18.5"), None)


# --- which rule wins --------------------------------------------------------------------------

SHAPES = {
    ("customer", "item"): dict(customer="C001", item="A001"),
    ("customer", "category"): dict(customer="C001", category="CAFFE"),
    ("group", "item"): dict(group="BAR", item="A001"),
    ("group", "category"): dict(group="BAR", category="CAFFE"),
    ("customer", None): dict(customer="C001"),
    ("group", None): dict(group="BAR"),
    (None, "item"): dict(item="A001"),
    (None, "category"): dict(category="CAFFE"),
    (None, None): dict(),
}


def made(code: str, row: int = 2, kind: PriceRuleKind = PriceRuleKind.SPECIAL, **fields) -> PriceRule:
    return PriceRule(code=code, kind=kind, source=Source("price_rules", row), **fields)


@pytest.mark.parametrize("rank", range(len(SPECIFICITY)), ids=lambda r: "+".join(map(str, SPECIFICITY[r])))
def test_the_most_specific_matching_rule_wins(rank):
    """With a rule of every shape down from `rank`, the one of rank `rank` prices the line."""
    rules = [made(f"R{r}", price=D(r + 1), **SHAPES[SPECIFICITY[r]]) for r in range(rank, len(SPECIFICITY))]
    candidates = index(rules).for_customer("C001", "BAR")
    assert find(candidates, "A001", "CAFFE", DAY, D(12)).rule.code == f"R{rank}"


def test_rules_for_other_customers_groups_items_and_categories_do_not_match():
    rules = [made("X1", customer="C002"), made("X2", group="HOTEL"), made("X3", item="A002"),
             made("X4", category="LATTE"), made("X5", customer="C001", item="A002")]
    assert find(index(rules).for_customer("C001", "BAR"), "A001", "CAFFE", DAY, D(12)) is None


@pytest.mark.parametrize("rules, quantity, day, expected", [
    ([made("LOW", priority=0), made("HIGH", priority=5)], D(12), DAY, "HIGH"),
    ([made("ANY"), made("FROM24", min_quantity=D(24))], D(12), DAY, "ANY"),
    ([made("ANY"), made("FROM24", min_quantity=D(24))], D(24), DAY, "FROM24"),
    ([made("ANY", valid_to=date(2026, 3, 31)), made("APRIL", valid_from=date(2026, 4, 1))], D(1), DAY, "APRIL"),
    ([made("ANY", valid_from=date(2026, 5, 1))], D(1), DAY, None),
    ([made("RETURN", min_quantity=D(5))], D(-6), DAY, "RETURN"),
], ids=["priority", "below-minimum", "from-minimum", "period", "not-yet", "return-counts-its-size"])
def test_priority_minimum_quantity_and_period(rules, quantity, day, expected):
    for rule in rules:
        object.__setattr__(rule, "item", "A001")
    found = find(index(rules).for_customer("C001", "BAR"), "A001", "CAFFE", day, quantity)
    assert (found.rule.code if found else None) == expected


# --- the data check ---------------------------------------------------------------------------

def codes_at(result) -> set[tuple[str, str | None, str]]:
    return {(p.location.sheet, p.location.cell, p.code) for p in result.problems if p.location is not None}


def test_a_tie_is_a_problem_naming_both_rows():
    result = checked(sheets_with(rule_row("R1", "Sconto", group="BAR", category="CAFFE", discount=5),
                                 rule_row("R2", "Sconto", group="BAR", category="CAFFE", discount=6,
                                          valid_from=date(2026, 4, 1))))
    [tie] = [p for p in result.problems if p.code == "price-rule-tie"]
    assert (tie.location.sheet, tie.location.cell) == ("Regole prezzo", "A3")
    assert dict(tie.params) == {"code": "R2", "row": 3, "other": "R1", "other_row": 2}


def test_rules_apart_in_time_or_priority_are_no_tie():
    result = checked(sheets_with(
        rule_row("R1", "Sconto", group="BAR", category="CAFFE", discount=5, valid_to=date(2026, 3, 31)),
        rule_row("R2", "Sconto", group="BAR", category="CAFFE", discount=6, valid_from=date(2026, 4, 1)),
        rule_row("R3", "Sconto", group="BAR", category="CAFFE", discount=7, priority=1)))
    assert result.errors == []


@pytest.mark.parametrize("rule, cell, code", [
    (rule_row("R1", "Prezzo speciale", customer="C001", item="A001", price=15), "G2", "price-rule-below-limit"),
    (rule_row("R1", "Sconto", customer="C001", item="A001", discount=20), "H2", "price-rule-below-limit"),
    (rule_row("R1", "Prezzo speciale", customer="C001", item="A001"), "G2", "price-rule-needs-value"),
    (rule_row("R1", "Da listino", item="A001", rounding=0.05), "K2", "price-rule-needs-value"),
    (rule_row("R1", "Sconto", customer="C001", group="BAR", discount=5), "C2", "price-rule-names-both"),
    (rule_row("R1", "Sconto", item="A001", category="CAFFE", discount=5), "E2", "price-rule-names-both"),
    (rule_row("R1", "Sconto", customer="C009", discount=5), "B2", "unknown-reference"),
    (rule_row("R1", "Sconto", group="HOTEL", discount=5), "C2", "unknown-customer-group"),
    (rule_row("R1", "Sconto", category="VINO", discount=5), "E2", "unknown-item-category"),
    (rule_row("R1", "Sconto", group="bar", discount=5), "C2", "customer-group-in-other-case"),
    (rule_row("R1", "Sconto", category="caffe", discount=5), "E2", "item-category-in-other-case"),
    (rule_row("R1", "Sconto", discount=5, valid_from=date(2026, 5, 1), valid_to=date(2026, 4, 1)), "N2",
     "ends-before-start"),
    (rule_row("R1", "Sconto", discount=5, priority="alta"), "P2", "not-a-number"),
    (rule_row("R1", "Da listino", markup=-120), "K2", "not-a-markup"),
], ids=["special-below-limit", "discount-below-limit", "special-without-price", "derived-without-markup",
        "customer-and-group", "item-and-category", "unknown-customer", "unknown-group", "unknown-category",
        "group-in-other-case", "category-in-other-case", "ends-before-start", "priority-not-a-number", "markup-out-of-range"])
def test_the_data_check_finds_the_cell(rule, cell, code):
    assert ("Regole prezzo", cell, code) in codes_at(checked(sheets_with(rule)))


def test_a_category_rule_below_the_limit_stops_the_order_at_pricing_naming_the_rule():
    drafts, problems = priced(sheets_with(rule_row("R1", "Sconto", group="BAR", category="CAFFE", discount=20)))
    assert drafts == []
    [problem] = problems
    assert (problem.code, problem.location.sheet, problem.location.cell) == (
        "price-rule-below-limit-on-date", "Regole prezzo", "A2")
    assert (dict(problem.params)["rule"], dict(problem.params)["price"]) == ("R1", D("14.8"))


@pytest.mark.parametrize("derived", [False, True], ids=["discount", "derived"])
def test_a_line_the_list_prices_below_its_limit_is_refused_at_the_lists_cell(derived):
    """A001 priced by its list below its limit: BASE 2026A's 20 % off takes 18.50 to 14.80 under
    16.00; or INGROSSO, BASE −10 % to a step of 5, has standard and limit 15 and BASE's 10 % off
    takes it to 13.50. The order names the cell to correct, the version's discount or markup,
    not the template line's Prezzo, which is empty."""
    sheets = sheets_with(versions=(["INGROSSO", "2026A", date(2026, 1, 1), None, "BASE", "2026A", -10, 5],)
                         if derived else ())
    minimal.set_cell(sheets, "Prezzi", "G1", "Sconto %")
    minimal.set_cell(sheets, "Prezzi", "G2", 10 if derived else 20)
    if derived:
        minimal.set_cell(sheets, "Clienti", "G2", "INGROSSO")
    drafts, problems = priced(sheets)
    assert drafts == []
    [problem] = [p for p in problems if p.severity is Severity.ERROR]
    assert (problem.code, problem.location.sheet, problem.location.cell) == (
        "price-below-limit-on-date", *(("Versioni listino", "G4") if derived else ("Prezzi", "G2")))


def test_a_day_no_version_of_the_list_covers_is_one_problem_naming_the_versions_sheet():
    """BASE 2026A ends on 30 June, 2026B starts on 3 July: the check warns of the gap, and the
    order of 2 July is refused once, saying a version is missing, not once per line that
    «the item has no price» with the version shown as «—» and «add the price»."""
    sheets = sheets_with()
    minimal.set_cell(sheets, "Versioni listino", "C3", date(2026, 7, 3))
    gap = [p for p in checked(sheets).problems if p.code == "price-versions-gap"]
    assert [(p.location.sheet, p.location.cell) for p in gap] == [("Versioni listino", "C3")]
    assert gap[0].message("it").startswith("Il listino BASE non ha una versione dal 01/07/2026 al 02/07/2026")
    drafts, problems = priced(sheets, date(2026, 7, 2))
    assert drafts == []
    assert [(p.code, p.location.sheet, p.location.cell) for p in problems] == [
        ("order-without-price-version", "Modelli ordine", "A2")]
    assert problems[0].message("it").startswith(
        "Il modello T001 del 02/07/2026: il listino BASE non ha una versione valida quel giorno: aggiungi nel foglio "
        "Versioni listino una versione che copra il 02/07/2026")


def test_a_derived_rule_whose_base_list_has_no_price_stops_the_order():
    sheets = sheets_with(rule_row("R1", "Da listino", customer="C001", item="A001", base_list="INGROSSO", markup=5),
                         versions=(["INGROSSO", "V1", date(2026, 5, 1), None, "BASE", "2026A", -10, 0.05],))
    drafts, problems = priced(sheets)
    assert [p.code for p in problems] == ["price-rule-no-base-price"]


def _with_shelf_list(sheets: dict, customer_on_shelf: bool) -> dict:
    """A second list, SCAFFALE, with VAT included: A001 at 24.40 gross, BASE's 20.00 net at 22 %."""
    sheets["Listini"] = [["Codice", "Descrizione", "IVA inclusa"], ["BASE", "Listino base", "no"],
                         ["SCAFFALE", "Prezzi a scaffale", "sì"]]
    sheets["Versioni listino"].append(["SCAFFALE", "2026A", date(2026, 1, 1), None])
    sheets["Prezzi"] += [["SCAFFALE", "2026A", "A001", 24.40, 24.40, None],
                         ["SCAFFALE", "2026A", "A002", 1.56, 1.56, None]]
    if customer_on_shelf:
        sheets["Clienti"][1][6] = "SCAFFALE"
    return sheets


@pytest.mark.parametrize("customer_on_shelf, base_list", [(True, "BASE"), (False, "SCAFFALE")],
                         ids=["gross-customer-net-base", "net-customer-gross-base"])
def test_a_derived_rule_from_a_list_stating_prices_otherwise_keeps_the_price_it_names(customer_on_shelf, base_list):
    """BASE lists A001 at 20.00 net, SCAFFALE at 24.40 with 22 % VAT in it: the same price. A rule
    pricing A001 from either list's list price +0 % gives 12 × 20.00 = 240.00 net whichever list
    the customer buys from, not 196.72 (20.00 read as gross) nor 292.80 (24.40 read as net)."""
    rule = rule_row("R1", "Da listino", customer="C001", item="A001", base_list=base_list,
                    base_price="Prezzo di listino", markup=0)
    drafts, problems = priced(_with_shelf_list(sheets_with(rule), customer_on_shelf))
    assert problems == []
    coffee = drafts[0].lines[0]
    assert (coffee.item, coffee.unit_price, coffee.amount, coffee.price_rule) == ("A001", D(20), D("240.00"), "R1")


def test_a_derived_rule_is_held_against_the_limit_at_the_rate_of_the_order_s_day():
    """C001 buys from SCAFFALE (VAT included, A001 at 24.40, limit 23.00), priced by a rule from
    BASE's 20.00 net: 24.40 with 22 %. A001 goes to 10 % on 1 May, written ahead: from then the
    rule gives 22.00 gross, below the limit, which the check says at the rule, as pricing an order
    of May refuses it. The check took the item's 22 % for every day and said nothing."""
    rule = rule_row("R1", "Da listino", customer="C001", item="A001", base_list="BASE",
                    base_price="Prezzo di listino", markup=0)
    sheets = _with_shelf_list(sheets_with(rule), True)
    sheets["Prezzi"][-2][5] = 23
    assert "price-rule-below-limit" not in {p.code for p in checked(sheets).problems}
    sheets["Articoli"][0] += ["Nuova aliquota IVA", "Dal"]
    for row in sheets["Articoli"][1:]:
        row += [10, date(2026, 5, 1)] if row[0] == "A001" else [None, None]
    [below] = [p for p in checked(sheets).problems if p.code == "price-rule-below-limit"]
    assert (below.location.sheet, below.location.cell) == ("Regole prezzo", "K2")
    assert (dict(below.params)["price"], dict(below.params)["price_list"]) == (D(22), "SCAFFALE")


# --- derived price-list versions --------------------------------------------------------------

def test_a_derived_version_is_its_base_marked_up_and_rounded():
    """INGROSSO 2026A = BASE 2026A −10 %, to 0.05: A001 20.00 / 18.50 / 16.00 → 18.00 / 16.65 / 14.40;
    A002 1.50 / 1.20 / 1.00 → 1.35 / 1.10 (1.08 rounded) / 0.90."""
    sheets = sheets_with(versions=(["INGROSSO", "2026A", date(2026, 1, 1), None, "BASE", "2026A", -10, 0.05],))
    result = checked(sheets)
    assert result.errors == []
    book = price_book(result.master)
    shown = {item: (p.list_price, p.standard_price, p.limit_price)
             for item in ("A001", "A002") if (p := book.price_on("INGROSSO", item, DAY))}
    assert shown == {"A001": (D("18.00"), D("16.65"), D("14.40")), "A002": (D("1.35"), D("1.10"), D("0.90"))}


def test_a_price_row_of_the_derived_version_wins_over_the_derivation():
    sheets = sheets_with(versions=(["INGROSSO", "2026A", date(2026, 1, 1), None, "BASE", "2026A", -10, 0.05],))
    sheets["Prezzi"].append(["INGROSSO", "2026A", "A001", 19, 17, 16])
    book = price_book(checked(sheets).master)
    assert book.price_on("INGROSSO", "A001", DAY).standard_price == 17
    assert book.price_on("INGROSSO", "A002", DAY).standard_price == D("1.10")


@pytest.mark.parametrize("versions, cell, code", [
    ((["INGROSSO", "2026A", date(2026, 1, 1), None, "BASE", "2099", 5, None],), "F4", "derived-version-no-base"),
    ((["INGROSSO", "2026A", date(2026, 1, 1), None, None, "2026A", 5, None],), "E4", "derived-version-no-base"),
    ((["INGROSSO", "2026A", date(2026, 1, 1), date(2026, 6, 30), "INGROSSO", "2026B", 5, None],
      ["INGROSSO", "2026B", date(2026, 7, 1), None, "INGROSSO", "2026A", 5, None]), "F4", "derived-version-cycle"),
], ids=["missing-version", "missing-list", "cycle"])
def test_a_derived_version_without_a_base_is_a_problem_at_its_cell(versions, cell, code):
    assert ("Versioni listino", cell, code) in codes_at(checked(sheets_with(versions=versions)))


@pytest.mark.parametrize("customer_on_shelf, base_list, how", [(True, "BASE", "con l'IVA"),
                                                                 (False, "SCAFFALE", "senza l'IVA")],
                         ids=["gross-customer-net-base", "net-customer-gross-base"])
def test_a_derived_rule_from_a_list_stating_prices_otherwise_is_a_warning_saying_how_it_is_taken(
        customer_on_shelf, base_list, how):
    """The rule's base is taken over at the item's VAT: a desk whose markup held the VAT (+22 %)
    is told, or it would charge it twice. A rule from a list stating prices alike says nothing."""
    rule = rule_row("R1", "Da listino", customer="C001", item="A001", base_list=base_list,
                    base_price="Prezzo di listino", markup=0)
    result = checked(_with_shelf_list(sheets_with(rule), customer_on_shelf))
    [problem] = [p for p in result.problems if p.code == "price-rule-base-vat-included-differs"]
    assert (problem.location.sheet, problem.location.cell) == ("Regole prezzo", "I2")
    assert f"il prezzo base è preso {how} all'aliquota dell'articolo" in problem.message("it")
    alike = rule_row("R1", "Da listino", customer="C001", item="A001", base_list="SCAFFALE" if customer_on_shelf
                     else "BASE", base_price="Prezzo di listino", markup=0)
    assert "price-rule-base-vat-included-differs" not in {
        p.code for p in checked(_with_shelf_list(sheets_with(alike), customer_on_shelf)).problems}


@pytest.mark.parametrize("gross_derived", [True, False], ids=["gross-from-net", "net-from-gross"])
def test_a_derived_version_of_a_list_stating_prices_otherwise_is_a_warning_at_its_base_list(gross_derived):
    """INGROSSO derives from BASE, one with VAT included and the other not: BASE's 18.50 net marked
    up is sold as 18.50 gross (15.16 net), or a gross price as net, unsaid. A warning, not an
    error: a desk may have put the VAT into the markup (+22 %) on purpose."""
    sheets = sheets_with(versions=(["INGROSSO", "2026A", date(2026, 1, 1), None, "BASE", "2026A", 0, None],))
    sheets["Listini"] = [["Codice", "Descrizione", "IVA inclusa"], ["BASE", "Listino base", "no" if gross_derived else "sì"],
                         ["INGROSSO", "Listino ingrosso", "sì" if gross_derived else "no"]]
    sheets["Clienti"][1][6] = "INGROSSO"
    result = checked(sheets)
    [problem] = [p for p in result.problems if p.code == "derived-version-vat-included-differs"]
    assert (problem.location.sheet, problem.location.cell) == ("Versioni listino", "E4")
    assert result.master is not None
    assert "deriva dal listino BASE" in str(problem)
    assert ("netti come lordi" if gross_derived else "lordi come netti") in str(problem)


def test_a_derived_version_of_a_list_stating_prices_alike_is_no_such_problem():
    sheets = sheets_with(versions=(["INGROSSO", "2026A", date(2026, 1, 1), None, "BASE", "2026A", 0, None],))
    sheets["Listini"] = [["Codice", "Descrizione", "IVA inclusa"], ["BASE", "Listino base", "sì"],
                         ["INGROSSO", "Listino ingrosso", "sì"]]
    assert "derived-version-vat-included-differs" not in {p.code for p in checked(sheets).problems}


def ingrosso(step) -> list:
    """INGROSSO 2026A = BASE 2026A −10 %, rounded to `step` (row 4 of Versioni listino, step in H4)."""
    return ["INGROSSO", "2026A", date(2026, 1, 1), None, "BASE", "2026A", -10, step]


@pytest.mark.parametrize("step, code, it, en", [
    (-0.05, "rounding-step-negative", "-0,05", "-0.05"), (1e-9, "rounding-step-too-fine", "0,000000001", "0.000000001"),
    (0.0000005, "rounding-step-too-fine", "0,0000005", "0.0000005"),
], ids=["negative", "nine-decimals", "seven-decimals"])
def test_a_rounding_step_prices_cannot_keep_is_an_error_at_its_cell(step, code, it, en):
    """The step as the reader writes it, the decimal comma in Italian (the audit found `-0.05`)."""
    result = checked(sheets_with(versions=(ingrosso(step),)))
    [problem] = [p for p in result.errors if p.code == code]
    assert (problem.location.sheet, problem.location.cell) == ("Versioni listino", "H4")
    assert problem.message("it").startswith(f"Il passo di arrotondamento {it} ")
    assert problem.message("en").startswith(f"Rounding step {en} ")
    if code == "rounding-step-negative":
        assert problem.message("it").endswith("scrivi un passo positivo (0,05 arrotonda ai 5 centesimi) o lascia "
                                              "la cella vuota per arrotondare al centesimo.")
    else:
        assert "di almeno 0,000001 (0,05 arrotonda ai 5 centesimi)" in problem.message("it")


def test_a_price_rules_rounding_step_is_checked_the_same():
    result = checked(sheets_with(rule_row("R1", "Da listino", item="A001", markup=-5, rounding=-0.05)))
    assert ("Regole prezzo", "L2", "rounding-step-negative") in codes_at(result)


@pytest.mark.parametrize("step", [None, 0, 0.05, 0.000001, 1])
def test_a_sensible_rounding_step_is_no_problem(step):
    """0 and an empty cell both round to the cent; 1 rounds 1.35 / 1.08 / 0.90 to 1, less than half off."""
    result = checked(sheets_with(versions=(ingrosso(step),)))
    assert [p.code for p in result.problems if p.code.startswith("rounding-step")] == []


@pytest.mark.parametrize("step, item, field, exact, rounded", [
    ("999.999", "A001", "Prezzo di listino", "18", "0"),
    ("5", "A002", "Prezzo di listino", "1,35", "0"),
    ("2", "A002", "Prezzo standard", "1,08", "2"),
], ids=["to-zero", "typed-5-for-0.05", "more-than-half-up"])
def test_a_step_that_ruins_a_derived_price_is_a_warning_naming_the_first(step, item, field, exact, rounded):
    """A001 20.00 / 18.50 / 16.00 and A002 1.50 / 1.20 / 1.00, less 10 %: a step of 2 gives A001
    18 / 16 / 14 (fine) and A002 2 / 2 / 0 — its list price 1.35 up to 2 is less than half off, its
    standard price 1.08 up to 2 is more."""
    result = checked(sheets_with(versions=(ingrosso(int(step.replace(".", ""))),)))
    [warning] = [p for p in result.problems if p.code == "rounding-step-ruins-price"]
    assert not warning.is_error
    assert (warning.location.sheet, warning.location.cell) == ("Versioni listino", "H4")
    assert warning.message("it") == (
        f"Il passo di arrotondamento {step} della versione 2026A del listino INGROSSO porta il «{field}» "
        f"dell'articolo {item} da {exact} a {rounded}: controlla il passo (0,05 arrotonda ai 5 centesimi, vuoto al "
        "centesimo).")
    assert f"of item {item} from {exact.replace(',', '.')} into {rounded}" in warning.message("en")
    assert result.errors == []


def latte_rule(step, base_price="Prezzo di listino", **more) -> list:
    """R1: the LATTE items (A002: list 1.50, standard 1.20) at BASE less 10 %, rounded to `step` (in L2)."""
    return rule_row("R1", "Da listino", category="LATTE", base_list="BASE", base_price=base_price, markup=-10,
                    rounding=step, **more)


@pytest.mark.parametrize("rule, field, exact, rounded", [
    (latte_rule(999999), "Prezzo di listino", "1,35", "0"),
    (latte_rule(5), "Prezzo di listino", "1,35", "0"),
    (latte_rule(2, "Prezzo standard"), "Prezzo standard", "1,08", "2"),
    (rule_row("R1", "Da listino", customer="C001", markup=-10, rounding=5), "Prezzo di listino", "1,35", "0"),
], ids=["to-zero", "typed-5-for-0.05", "more-than-half-up", "the-customers-own-list"])
def test_a_step_that_ruins_a_rules_price_is_the_same_warning_at_the_rules_cell(rule, field, exact, rounded):
    """A price rule's step priced a line at 0 with no word, where a version's step was warned of:
    the same rule (`pricing.ruined_by_rounding`) now speaks for both."""
    result = checked(sheets_with(rule))
    [warning] = [p for p in result.problems if p.code == "price-rule-rounding-ruins-price"]
    assert not warning.is_error and result.errors == []
    assert (warning.location.sheet, warning.location.cell) == ("Regole prezzo", "L2")
    step, step_en = {999999: ("999.999", "999,999")}.get(rule[11], (rule[11], rule[11]))
    field_en = {"Prezzo di listino": "List price", "Prezzo standard": "Standard price"}[field]
    assert warning.message("it") == (
        f"Il passo di arrotondamento {step} della regola R1 porta il prezzo dell'articolo A002, derivato dal "
        f"«{field}» del listino BASE, da {exact} a {rounded}: controlla il passo (0,05 arrotonda ai 5 centesimi, "
        "vuoto al centesimo).")
    assert warning.message("en").startswith(f"Rounding step {step_en} of rule R1 turns the price of item A002, "
                                            f"derived from the “{field_en}” of price list BASE, from "
                                            f"{exact.replace(',', '.')} into {rounded}: check the step (0.05 ")


def test_a_line_such_a_rule_prices_at_0_is_what_the_warning_is_for():
    """A003 has no limit price to stop it: a step of 999999 prices its line at 0."""
    result = checked(sheets_with(rule_row("R1", "Da listino", item="A003", base_list="BASE", markup=-10,
                                          rounding=999999)))
    assert [p.code for p in result.problems if "ruins" in p.code] == ["price-rule-rounding-ruins-price"]
    dues, _ = due_on(result.master, date(2026, 3, 31))
    [draft], problems = draft_orders(result.master, [d for d in dues if d.template == "T002"])
    assert problems == [] and (draft.lines[0].unit_price, draft.lines[0].price_rule) == (D(0), "R1")


@pytest.mark.parametrize("rule", [
    latte_rule(0.05), latte_rule(1), latte_rule(None),
    latte_rule(5, valid_to=date(2025, 12, 31)),
    rule_row("R1", "Da listino", category="CAFFE", base_list="BASE", markup=-10, rounding=5),
], ids=["five-cents", "one-euro-less-than-half-off", "the-cent", "before-any-version", "dear-items-only"])
def test_a_rules_step_that_ruins_nothing_it_prices_is_no_warning(rule):
    """A step of 5 on CAFFE (A001 at 18) moves no price by half; nor does one on a period no
    version of the base list covers."""
    result = checked(sheets_with(rule))
    assert [p.code for p in result.problems if "ruins" in p.code] == []


def test_the_sample_has_no_rounding_problem(sample_workbook):
    from toolkit.intake.validation import check_file

    assert [p.code for p in check_file(sample_workbook).problems if p.code.startswith("rounding-step")] == []


# --- the ledger -------------------------------------------------------------------------------

def test_an_order_line_stores_the_rule_that_priced_it(tmp_path):
    from toolkit.ledger.orders import load_orders
    from toolkit.services.orders import create

    master = checked(sheets_with(rule_row("R1", "Sconto", group="BAR", category="CAFFE", discount=8))).master
    ledger = open_ledger(f"sqlite:///{tmp_path / 'l.sqlite'}")
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        [order] = load_orders(conn)
    assert [(line.item, line.unit_price, line.price_rule) for line in order.lines] == [
        ("A001", D("17.02"), "R1"), ("A002", D("1.25"), None)]
    ledger.engine.dispose()


def test_a_version_8_ledger_gains_the_price_rule_column(tmp_path, minimal_master):
    from older_ledgers import older_ledger

    url = older_ledger(tmp_path, minimal_master, 8, columns={"order_lines": ["price_rule"]})
    upgraded = open_ledger(url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
        assert "price_rule" in {c["name"] for c in inspect(conn).get_columns("order_lines")}
        assert conn.execute(text("SELECT count(*), count(price_rule) FROM order_lines")).one()[1] == 0
    upgraded.engine.dispose()


# --- toolkit prices ---------------------------------------------------------------------------

def test_prices_lists_a_derived_version_and_writes_it(tmp_path):
    import openpyxl

    from toolkit.services.prices import prices

    sheets = sheets_with(versions=(["INGROSSO", "2026A", date(2026, 1, 1), None, "BASE", "2026A", -10, 0.05],))
    master = checked(sheets).master
    listing = prices(master, "INGROSSO", DAY, out=tmp_path / "listino.xlsx", lang="it")
    assert [(x.price.item, x.price.standard_price, x.derived) for x in listing.prices] == [
        ("A001", D("16.65"), True), ("A002", D("1.10"), True), ("A003", D("9.00"), True)]
    sheet = openpyxl.load_workbook(listing.file).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "BASE 2026A -10 % (0,05)" in values and 16.65 in values
    assert sheet.page_setup.paperSize == 9
    assert [p.code for p in prices(master, "NOPE", DAY, lang="it").problems] == ["unknown-price-list"]
    assert [p.code for p in prices(master, "INGROSSO", date(2025, 1, 1), lang="it").problems] == ["no-price-version-on-date"]


def test_prices_on_the_terminal_show_the_versions_discount_the_orders_take_off(tmp_path, capsys):
    """A001's standard price 18,50 € less the version's 10+5 % is sold at 15,8175 €: the terminal
    listing showed 18,50 € and nothing else, as if the discount were not there (the JSON and the
    printed list had it). A list without any discount keeps its four columns."""
    import openpyxl

    from toolkit.cli import app, output

    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Prezzi", "F2", None)
    minimal.set_cell(sheets, "Prezzi", "G1", "Sconto %")
    minimal.set_cell(sheets, "Prezzi", "G2", "10+5")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(tmp_path / "anagrafiche.xlsx")

    def listed(*args: str) -> list[list[str]]:
        app._register()
        output.reset()
        assert app.run(["prices", str(tmp_path / "anagrafiche.xlsx"), "--list", "BASE", *args]) == 0
        return [[c.strip() for c in line.split("  ") if c.strip()] for line in capsys.readouterr().out.splitlines()
                if line.strip() and not line.startswith(("avviso", "warning", "Giacenze"))]

    _, head, _, coffee, milk, *_ = listed("--date", "2026-04-09")
    assert head == ["Articolo", "Prezzo di listino", "Prezzo standard", "Prezzo limite", "Sconto %"]
    assert coffee == ["A001", "20,00 €", "18,50 €", "14,5 %"]
    assert milk == ["A002", "1,50 €", "1,20 €", "1,00 €"]
    _, head, *_ = listed("--date", "2026-07-09")
    assert head == ["Articolo", "Prezzo di listino", "Prezzo standard", "Prezzo limite"]
