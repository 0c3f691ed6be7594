"""The pure core of shipping: delivery terms, stock, returns, carriers, weight, credit, chosen quantities.

Also home of the small master workbook the other shipping tests build on (`shipping_sheets`):
the minimal one plus delivery terms, areas, weights, a carrier, a second customer's order and
a quotation.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import minimal
import pytest

from toolkit.basics.cells import Location
from toolkit.basics.vocab import DeliveryTerms, DocumentType
from toolkit.core.exposure import Exposure
from toolkit.core.orders import Order, OrderLine, OrderStatus
from toolkit.core.shipping import (
    ChosenRow,
    Reason,
    choose_quantities,
    plan_shipments,
    route_carrier,
    stock_levels,
)
from toolkit.intake.validation import check
from toolkit.model.records import MasterData, Source, StockLevel

DAY = date(2026, 4, 9)
D = Decimal


# --- the master data the shipping tests share ------------------------------------------------

def shipping_sheets(*, terms: str = "Disponibilità", credit_limit: Any = 5000,
                    stock: dict[str, Any] | None = None) -> dict[str, list[list[Any]]]:
    """Minimal workbook + shipping data. C001 (NORD, ship-to D001) orders 10 × A001 and 24 × A002
    every Monday and Thursday (T001); C002 (SUD, no carrier) 6 × A002 (T003) and a quotation (T004)."""
    s = minimal.sheets()
    for row, extra in zip(s["Clienti"], (["Termini di consegna", "Zona"], [terms, "NORD"], ["Disponibilità", "SUD"])):
        row += extra
    s["Clienti"][1][9] = credit_limit
    for row, extra in zip(s["Articoli"], (["Peso"], [1.5], [1.25], [None])):
        row += extra
    s["Righe modello"][1][2] = 10
    s["Modelli ordine"] += [
        ["T003", "C002", None, None, "Settimanale", "lun,gio", None, None, None, None, "01/03/2026", None, None],
        ["T004", "C002", None, None, "Settimanale", "lun,gio", None, None, None, None, "01/03/2026", None, "Preventivo"],
    ]
    s["Righe modello"] += [["T003", "A002", 6, None, None], ["T004", "A001", 3, None, None]]
    s["Vettori"] = [["Codice", "Ragione sociale", "Partita IVA", "Zone"],
                    ["V01", "Trasporti Veloci S.r.l.", "IT01234560157", "NORD, CENTRO"]]
    if stock is not None:
        s["Giacenze"] = [["Articolo", "Quantità"], *([item, qty] for item, qty in stock.items())]
    return s


def shipping_master(**options: Any) -> MasterData:
    result = check(minimal.workbook(shipping_sheets(**options)))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


# --- orders as records, for the pure core ----------------------------------------------------

RATES = {"A001": (D(22), None), "A002": (D(4), None), "A003": (D(0), "N4")}
"""The minimal workbook's items' rates: a line at another would be rated again as it ships."""


def line(line_id: int, item: str, quantity: str, shipped: str = "0", line_no: int | None = None) -> OrderLine:
    return OrderLine(item, f"desc {item}", "pz", D(quantity), D("2"), D(quantity) * 2, *RATES.get(item, (D(22), None)),
                     line_id, line_no or line_id, None, D(shipped))


def order(order_id: int, *lines: OrderLine, customer: str = "C001", ship_to: str | None = "D001",
          document_type: DocumentType = DocumentType.STANDARD,
          status: OrderStatus = OrderStatus.IN_PROGRESS) -> Order:
    return Order(order_id, f"OC-2026-{order_id:05d}", "T001", DAY, DAY, customer, ship_to, None, document_type,
                 status, "BASE", "2026A", None, None, tuple(lines))


def with_terms(master: MasterData, terms: DeliveryTerms, stock: dict[str, str] | None) -> MasterData:
    customers = tuple(replace(c, delivery_terms=terms) if c.code == "C001" else c for c in master.customers)
    levels = None if stock is None else tuple(
        StockLevel(item=i, quantity=D(q), source=Source(sheet="stock", row=n)) for n, (i, q) in enumerate(stock.items(), 2))
    return master.model_copy(update={"customers": customers, "stock": levels})


def shipped(plan) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for draft in plan.drafts:
        for ln in draft.lines:
            out[ln.item] = out.get(ln.item, D(0)) + ln.quantity
    return out


@pytest.fixture(scope="module")
def master() -> MasterData:
    return shipping_master()


# --- delivery terms ----------------------------------------------------------------------------

AR, AV, CL, CO = (DeliveryTerms.AFTER_RECEIPT, DeliveryTerms.AVAILABILITY, DeliveryTerms.COMPLETE_LINE,
                  DeliveryTerms.COMPLETE_ORDER)
ENOUGH = {"A001": "10", "A002": "5"}
SHORT = {"A001": "6", "A002": "5"}

TERMS_CASES = [
    # terms, stock, paid, shipped per item, held reason
    (AV, None, False, {"A001": "10", "A002": "5"}, None),
    (AV, ENOUGH, False, {"A001": "10", "A002": "5"}, None),
    (AV, SHORT, False, {"A001": "6", "A002": "5"}, "ship-partial-stock"),
    (AV, {"A002": "5"}, False, {"A002": "5"}, "ship-partial-stock"),
    (CL, None, False, {"A001": "10", "A002": "5"}, None),
    (CL, ENOUGH, False, {"A001": "10", "A002": "5"}, None),
    (CL, SHORT, False, {"A002": "5"}, "ship-line-held"),
    (CO, None, False, {"A001": "10", "A002": "5"}, None),
    (CO, ENOUGH, False, {"A001": "10", "A002": "5"}, None),
    (CO, SHORT, False, {}, "ship-order-held"),
    (AR, None, False, {}, "ship-awaiting-payment"),
    (AR, ENOUGH, False, {}, "ship-awaiting-payment"),
    (AR, None, True, {"A001": "10", "A002": "5"}, None),
    (AR, ENOUGH, True, {"A001": "10", "A002": "5"}, None),
    (AR, SHORT, True, {"A001": "6", "A002": "5"}, "ship-partial-stock"),
]


@pytest.mark.parametrize("terms, stock, paid, expected, held", TERMS_CASES)
def test_delivery_terms(master, terms, stock, paid, expected, held):
    m = with_terms(master, terms, stock)
    o = order(1, line(1, "A001", "10"), line(2, "A002", "5"))
    plan = plan_shipments([o], m, stock_levels(m), DAY, paid={1} if paid else set())
    assert shipped(plan) == {k: D(v) for k, v in expected.items()}
    assert [h.reason for h in plan.held] == ([held] if held else [])
    assert {p.code for p in plan.problems} == ({held} if held else set())
    assert all(not p.is_error for p in plan.problems)


@pytest.mark.parametrize("terms, code, sheet, cell", [
    ("Dopo l'incasso", "ship-awaiting-payment", "Clienti", "K2"),
    ("Ordine completo", "ship-order-held", "Giacenze", "B2"),
    ("Riga completa", "ship-line-held", "Giacenze", "B2"),
    ("Disponibilità", "ship-partial-stock", "Giacenze", "B2"),
])
def test_problems_point_at_the_cell_to_look_at(terms, code, sheet, cell):
    m = shipping_master(terms=terms, stock={"A001": 6, "A002": 5})
    plan = plan_shipments([order(1, line(1, "A001", "10"))], m, stock_levels(m), DAY)
    assert [(p.code, p.sheet, p.cell) for p in plan.problems] == [(code, sheet, cell)]


@pytest.mark.parametrize("terms, words", [("Riga completa", ("Riga completa", "Complete line")),
                                          ("Ordine completo", ("Ordine completo", "Complete order"))])
def test_quantities_chosen_against_complete_terms_ship_and_warn_the_desk(terms, words):
    m = shipping_master(terms=terms)
    o = order(1, line(1, "A001", "5"), line(2, "A002", "4"))
    plan = plan_shipments([o], m, None, DAY, quantities={1: D(2), 2: D(4)})
    assert shipped(plan) == {"A001": D(2), "A002": D(4)} and plan.held == ()
    assert [(p.code, p.severity, p.sheet, p.cell) for p in plan.problems] == [
        ("ship-quantities-override-terms", "warning", "Clienti", "K2")]
    assert plan.problems[0].message("it") == (
        "Ordine OC-2026-00001, riga 1 (A001), cliente C001: spediti 2 di 5 come indicato nel file delle quantità, "
        f"anche se il cliente vuole «{words[0]}»; il resto resta da spedire.")
    assert plan.problems[0].message("en") == (
        "Order OC-2026-00001, line 1 (A001), customer C001: 2 of 5 shipped as the quantities file says, although "
        f"the customer's terms are “{words[1]}”; the rest stays open.")


def test_a_complete_order_warns_for_the_lines_the_quantities_leave_out():
    m = shipping_master(terms="Ordine completo")
    o = order(1, line(1, "A001", "5"), line(2, "A002", "4"))
    plan = plan_shipments([o], m, None, DAY, quantities={1: D(5)})
    assert shipped(plan) == {"A001": D(5)}
    assert [(p.code, dict(p.params)["line"], dict(p.params)["shipped"]) for p in plan.problems] == [
        ("ship-quantities-override-terms", 2, D(0))]


@pytest.mark.parametrize("terms", ["Disponibilità", "Riga completa"])
def test_whole_lines_chosen_or_availability_terms_need_no_warning(terms):
    m = shipping_master(terms=terms)
    o = order(1, line(1, "A001", "5"), line(2, "A002", "4"))
    plan = plan_shipments([o], m, None, DAY, quantities={1: D(5)} if terms == "Riga completa" else {1: D(2)})
    assert plan.drafts and plan.problems == ()


def test_prepay_orders_wait_for_payment_whatever_the_terms(master):
    o = order(1, line(1, "A001", "1"), document_type=DocumentType.PREPAY)
    assert [h.reason for h in plan_shipments([o], master, None, DAY).held] == ["ship-awaiting-payment"]
    assert shipped(plan_shipments([o], master, None, DAY, paid={1})) == {"A001": D(1)}


def test_stock_is_consumed_in_order_number_order(master):
    m = with_terms(master, AV, {"A001": "12"})
    second, first = order(2, line(2, "A001", "10")), order(1, line(1, "A001", "10"))
    plan = plan_shipments([second, first], m, stock_levels(m), DAY)
    assert [(ln.order_number, ln.quantity) for d in plan.drafts for ln in d.lines] == [
        ("OC-2026-00001", D(10)), ("OC-2026-00002", D(2))]


def test_without_reservations_a_held_complete_order_takes_nothing_from_later_orders(master):
    """The planner alone, with no ledger's reservations: a complete order that cannot ship takes
    nothing in this run, so a later one uses the stock. Through the ledger the earlier order
    still reserves its goods and the later one waits
    (`test_reservations.test_a_complete_order_held_for_stock_keeps_its_reservation`)."""
    m = with_terms(master, CO, {"A001": "8"})
    plan = plan_shipments([order(1, line(1, "A001", "10")), order(2, line(2, "A001", "8"))], m, stock_levels(m), DAY)
    assert [ln.order_number for d in plan.drafts for ln in d.lines] == ["OC-2026-00002"]


def test_items_missing_from_the_stock_sheet_are_not_available(master):
    m = with_terms(master, AV, {"A002": "100"})
    assert shipped(plan_shipments([order(1, line(1, "A001", "3"))], m, stock_levels(m), DAY)) == {}


# --- drafts: grouping, returns, carriers, weight ------------------------------------------------

def test_one_ddt_per_customer_and_destination(master):
    orders = [order(1, line(1, "A001", "1")), order(2, line(2, "A002", "2")),
              order(3, line(3, "A001", "1"), ship_to=None), order(4, line(4, "A002", "1"), customer="C002", ship_to=None)]
    plan = plan_shipments(orders, master, None, DAY)
    assert [(d.customer, d.ship_to, d.orders) for d in plan.drafts] == [
        ("C001", "D001", ("OC-2026-00001", "OC-2026-00002")), ("C001", None, ("OC-2026-00003",)),
        ("C002", None, ("OC-2026-00004",))]


def test_returns_ship_back_negative_quantities_without_stock(master):
    m = with_terms(master, CO, {"A001": "0"})
    sale = order(1, line(1, "A001", "2"))
    back = order(2, line(2, "A003", "-1"), document_type=DocumentType.RETURN)
    plan = plan_shipments([sale, back], m, stock_levels(m), DAY)
    assert [(d.reason, d.orders, [ln.quantity for ln in d.lines]) for d in plan.drafts] == [
        (Reason.RETURN, ("OC-2026-00002",), [D(-1)])]


@pytest.mark.parametrize("terms", [DeliveryTerms.AVAILABILITY, DeliveryTerms.COMPLETE_LINE,
                                   DeliveryTerms.COMPLETE_ORDER])
@pytest.mark.parametrize("stock", ["0", "5"])
def test_a_sales_line_given_back_goes_whole_under_reso_whatever_the_terms(master, terms, stock):
    """An order form's line given back (negative, on a standard order of a customer invoiced
    at once) takes no stock: under *Disponibilità* it once never shipped, held for ever."""
    m = with_terms(master, terms, {"A001": "5", "A003": stock})
    mixed = order(1, line(1, "A001", "2"), line(2, "A003", "-1"))
    plan = plan_shipments([mixed], m, stock_levels(m), DAY)
    assert sorted((d.reason, [ln.quantity for ln in d.lines]) for d in plan.drafts) == [
        (Reason.RETURN, [D(-1)]), (Reason.SALE, [D(2)])]


def test_carrier_by_area_by_hand_or_the_seller(master):
    o1, o2 = order(1, line(1, "A001", "1")), order(2, line(2, "A001", "1"), customer="C002", ship_to=None)
    plan = plan_shipments([o1, o2], master, None, DAY)
    assert [d.carrier for d in plan.drafts] == ["V01", None]
    plan = plan_shipments([o1, o2], master, None, DAY, carrier="V01")
    assert [d.carrier for d in plan.drafts] == ["V01", "V01"]
    plan = plan_shipments([o1], master, None, DAY, carrier="V99")
    assert plan.drafts == () and [p.code for p in plan.problems] == ["unknown-carrier"]


def test_destination_area_wins_over_the_customers(master):
    ship_to = tuple(replace(s, area="SUD") for s in master.ship_to)
    customer = next(c for c in master.customers if c.code == "C001")
    assert route_carrier(master, customer, master.ship_to[0]).code == "V01"
    assert route_carrier(master, customer, ship_to[0]) is None


def test_weight_from_the_items_when_each_has_one(master):
    """A DDT of 4 × A001 (1.5 kg), 2 × A002 (1.25 kg) and 9 × A003 (no weight given) printed
    8.50 kg, the weight of part of its load, as the DDT's: the box is left for the driver."""
    plan = plan_shipments([order(1, line(1, "A001", "4"), line(2, "A002", "2"))], master, None, DAY)
    assert plan.drafts[0].weight == D("8.50")
    plan = plan_shipments([order(1, line(1, "A001", "4"), line(2, "A002", "2"), line(3, "A003", "9"))], master, None, DAY)
    assert plan.drafts[0].weight is None
    plan = plan_shipments([order(1, line(3, "A003", "9"))], master, None, DAY)
    assert plan.drafts[0].weight is None


def test_the_items_without_peso_that_blank_the_weight_are_named_once_for_the_run(master):
    """Nothing said why a DDT printed no weight: one warning for the run names the items
    without *Peso*, at the first one's cell, however many DDTs they blanked; a desk whose items
    have no weight at all is not told every day."""
    orders = [order(1, line(1, "A001", "4"), line(2, "A003", "9")), order(2, line(3, "A003", "1"), ship_to=None),
              order(3, line(4, "A002", "1"), customer="C002", ship_to=None)]
    plan = plan_shipments(orders, master, None, DAY)
    assert [d.weight for d in plan.drafts] == [None, None, D("1.25")]
    [told] = [p for p in plan.problems if p.code == "ddt-weight-left-blank"]
    assert (told.location.sheet, told.location.cell) == ("Articoli", master.locate(master.items[2].source, "weight").cell)
    assert told.message("it").startswith("2 DDT senza peso stampato, perché non hanno il «Peso» gli articoli A003:")
    assert told.message("en") == ("2 DDTs without a printed weight, because items A003 have no “Weight” (Peso): the "
                                  "weight is left to write by hand on the DDT. Write their weight on the Items sheet "
                                  "(Weight column) so the next DDTs print it."), "the English sheet's heading"
    weightless = master.model_copy(update={"items": tuple(replace(i, weight=None) for i in master.items)})
    assert "ddt-weight-left-blank" not in [p.code for p in plan_shipments(orders, weightless, None, DAY).problems]
    weighed = plan_shipments([order(1, line(1, "A001", "4"))], master, None, DAY)
    assert "ddt-weight-left-blank" not in [p.code for p in weighed.problems]


def test_quotations_and_closed_orders_do_not_ship(master):
    orders = [order(1, line(1, "A001", "1"), document_type=DocumentType.QUOTATION, status=OrderStatus.DRAFT),
              order(2, line(2, "A001", "1"), document_type=DocumentType.PROPOSAL, status=OrderStatus.DRAFT),
              order(3, line(3, "A001", "1"), status=OrderStatus.COMPLETED)]
    plan = plan_shipments(orders, master, None, DAY)
    assert plan.drafts == ()
    assert [(h.order, h.reason) for h in plan.held] == [
        ("OC-2026-00001", "order-does-not-ship"), ("OC-2026-00002", "order-does-not-ship"),
        ("OC-2026-00003", "order-not-open")]


# --- credit limit --------------------------------------------------------------------------------

def test_credit_limit_holds_the_customer_unless_forced(master):
    o = order(1, line(1, "A001", "1"))
    over = {"C001": Exposure("C001", unshipped=D("3000.00"), outstanding=D("1500.50"), uninvoiced=D("1000.00"))}
    plan = plan_shipments([o], master, None, DAY, exposures=over)
    assert plan.drafts == () and [h.reason for h in plan.held] == ["credit-limit-exceeded"]
    problem = plan.problems[0]
    assert (problem.code, problem.sheet, problem.cell, problem.is_error) == ("credit-limit-exceeded", "Clienti", "J2", False)
    assert dict(problem.params) == {"customer": "C001", "total": D("5500.50"), "outstanding": D("1500.50"),
                                    "uninvoiced": D("1000.00"), "unshipped": D("3000.00"), "limit": D(5000)}
    assert "esposizione 5.500,50" in problem.message("it") and "limit 5,000.00" in problem.message("en")
    assert "spedito da fatturare 1.000,00" in problem.message("it")
    assert "shipped not invoiced 1,000.00" in problem.message("en")
    plan = plan_shipments([o], master, None, DAY, exposures=over, force=True)
    assert [d.forced for d in plan.drafts] == [True]
    assert [p.code for p in plan.problems] == ["credit-limit-forced"]


def test_credit_within_limit_or_no_limit_ships(master):
    o1, o2 = order(1, line(1, "A001", "1")), order(2, line(2, "A001", "1"), customer="C002", ship_to=None)
    exposure = {"C001": Exposure("C001", unshipped=D("5000.00")), "C002": Exposure("C002", unshipped=D("99999"))}
    plan = plan_shipments([o1, o2], master, None, DAY, exposures=exposure)
    assert [d.customer for d in plan.drafts] == ["C001", "C002"] and plan.problems == ()


def test_credit_check_does_not_hold_returns(master):
    back = order(1, line(1, "A003", "-1"), document_type=DocumentType.RETURN)
    plan = plan_shipments([back], master, None, DAY, exposures={"C001": Exposure("C001", unshipped=D(9999))})
    assert [d.reason for d in plan.drafts] == [Reason.RETURN]


# --- chosen quantities (partial shipments) --------------------------------------------------------

def test_chosen_quantities_ship_only_the_lines_named(master):
    o = order(1, line(1, "A001", "10"), line(2, "A002", "5"))
    plan = plan_shipments([o, order(2, line(3, "A001", "1"))], master, None, DAY, quantities={1: D(7)})
    assert [(ln.order_line_id, ln.quantity) for d in plan.drafts for ln in d.lines] == [(1, D(7)), (3, D(1))]


def test_complete_line_judges_the_chosen_quantity(master):
    m = with_terms(master, CL, {"A001": "7"})
    plan = plan_shipments([order(1, line(1, "A001", "10"))], m, stock_levels(m), DAY, quantities={1: D(7)})
    assert shipped(plan) == {"A001": D(7)} and plan.held == ()


def _where(row: int) -> Location:
    return Location("quantita", f"C{row}", "quantita.csv")


@pytest.mark.parametrize("rows, chosen, codes", [
    ([("OC-2026-00001", "A001", "7")], {1: D(7)}, []),
    ([("OC-2026-00001", "2", 3)], {2: D(3)}, []),
    ([("OC-2026-00001", "A001", "7,5")], {1: D("7.5")}, []),
    ([("OC-2026-00001", "A001", "11")], {}, ["ship-quantity-too-large"]),
    ([("OC-2026-00001", "A001", "abc")], {}, ["ship-quantity-invalid"]),
    ([("OC-2026-00001", "A001", "-1")], {}, ["ship-quantity-invalid"]),
    ([("OC-2026-00001", "A001", "0.0001")], {}, ["ship-quantity-invalid"]),
    ([("OC-2026-00001", "A001", "0"), ("OC-2026-00001", "A002", "3")], {1: D(0), 2: D(3)}, []),
    ([("OC-2026-00002", "A003", "0")], {4: D(0)}, []),
    ([("OC-2026-00001", "A009", "1")], {}, ["ship-unknown-line"]),
    ([("OC-2026-00009", "A001", "1")], {}, ["ship-unknown-order"]),
    ([("OC-2026-00001", "A001", "1"), ("OC-2026-00001", "1", "2")], {1: D(1)}, ["ship-duplicate-line"]),
    ([("OC-2026-00002", "A003", "1")], {4: D(-1)}, []),
    ([("OC-2026-00002", "A003", "-1")], {4: D(-1)}, []),
    ([("OC-2026-00003", "A001", "1")], {}, ["ship-ambiguous-item"]),
    ([("OC-2026-00003", "2", "1")], {6: D(1)}, []),
])
def test_choose_quantities(rows, chosen, codes):
    orders = [order(1, line(1, "A001", "10"), line(2, "A002", "5", shipped="2")),
              order(2, line(4, "A003", "-2", line_no=1), document_type=DocumentType.RETURN),
              order(3, line(5, "A001", "1", line_no=1), line(6, "A001", "1", line_no=2))]
    found, problems = choose_quantities([ChosenRow(o, ln, q, _where(i)) for i, (o, ln, q) in enumerate(rows, 2)], orders)
    assert found == chosen
    assert [p.code for p in problems] == codes
    assert all(p.cell is not None and p.is_error for p in problems)


def test_choose_quantities_checks_what_is_still_open():
    orders = [order(1, line(1, "A001", "10", shipped="7"))]
    found, problems = choose_quantities([ChosenRow("OC-2026-00001", "A001", "4", _where(2))], orders)
    assert found == {} and problems[0].code == "ship-quantity-too-large"
    assert dict(problems[0].params)["open"] == D(3)
    assert "residuo da spedire 3:" in problems[0].message("it")


def write_book(path, sheets: dict[str, list[list[Any]]]):
    """The sheets as a real .xlsx file, for the command-line tests."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_quantities_beyond_what_is_open_are_an_error_not_a_shipment(master):
    plan = plan_shipments([order(1, line(1, "A001", "10", shipped="4"))], master, None, DAY, quantities={1: D(7)})
    assert plan.drafts == () and [(p.code, p.is_error) for p in plan.problems] == [("ship-quantity-too-large", True)]
