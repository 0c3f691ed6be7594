"""The production list counts the earlier days' orders still open (a partial shipment's rest, an
order held for stock), which the next `ship --all` ships with the period's: summed per item in
their own columns, their orders listed on request (`--earlier-orders`)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from test_distribution import values
from test_shipping import shipping_master

from toolkit.services import lists
from toolkit.services.orders import create
from toolkit.services.shipping import ship

THURSDAY, MONDAY = date(2026, 4, 9), date(2026, 4, 13)
D = Decimal


@pytest.fixture
def backlog(ledger):
    """Thursday's orders shipped with 4 × A001 and 20 × A002 in stock: T001 (C001, 10 × A001,
    24 × A002, the first in the queue) ships 4 and 20 and keeps 6 and 4 to ship, T003 (C002,
    6 × A002) gets none and is held for stock. Monday's orders made; then 5 × A001 and 8 × A002
    counted on hand. Their numbers by (template, day)."""
    create(shipping_master(stock={"A001": 4, "A002": 20}), ledger, THURSDAY, with_catch_up=False, lang="it")
    shipped = ship(shipping_master(stock={"A001": 4, "A002": 20}), ledger, THURSDAY, all_open=True, lang="it")
    assert [(n.customer, [(li.item, li.quantity) for li in n.lines]) for n in shipped.notes] == [
        ("C001", [("A001", D(4)), ("A002", D(20))])]
    master = shipping_master(stock={"A001": 5, "A002": 8})
    create(master, ledger, MONDAY, with_catch_up=False, lang="it")
    from test_distribution import orders_of

    numbers = {(o.template, o.occurrence): o.number for o in orders_of(ledger)}
    return master, numbers


def test_the_earlier_days_open_orders_are_made_with_the_days(tmp_path, ledger, backlog):
    """Monday's list makes what Thursday's orders still wait for, stock taken by each order as
    shipping takes it: A001's 5 cover 5 of T001's rest of 6, nothing of Monday's 10 (11 to make);
    A002's 8 cover T001's rest of 4 and 4 of T003's 6, nothing of Monday's 30 (32). Thursday's
    orders are counted in the quantity and shown apart, 1 and 2 orders since 09/04, not listed
    one by one. The list left them out past Thursday: 10 and 30 to make."""
    master, numbers = backlog
    book = openpyxl.load_workbook(lists.production(master, ledger, MONDAY, MONDAY, tmp_path / "p.xlsx", "it"))
    main, detail = book.worksheets
    assert [c.value for c in main[4]] == ["Articolo", "Descrizione", "UM", "Richiesta", "Da giorni precedenti",
                                          "Ordini precedenti", "Il più vecchio del", "Giacenza", "Da giacenza libera",
                                          "Da produrre", "Ordini"]
    rows = values(main)
    assert [r[:6] + r[7:10] for r in rows] == [
        ("A001", "Caffè in grani 1 kg", "pz", 16, 6, 1, 5, 5, 11),
        ("A002", "Latte fresco 1 l", "pz", 40, 10, 2, 8, 8, 32),
    ]
    assert [r[6].date() for r in rows] == [THURSDAY, THURSDAY]
    assert [r[10] for r in rows] == [f"{numbers['T001', MONDAY]} C001 (10)",
                                     f"{numbers['T001', MONDAY]} C001 (24); {numbers['T003', MONDAY]} C002 (6)"]
    assert [(r[3], r[4].date()) for r in values(detail)] == [
        (numbers["T001", MONDAY], MONDAY), (numbers["T001", MONDAY], MONDAY), (numbers["T003", MONDAY], MONDAY)]


def test_the_earlier_orders_listed_on_request_give_the_same_figures(tmp_path, ledger, backlog):
    """`earlier_orders` reads Thursday's orders line by line and lists them with Monday's, on the
    row and on the orders' sheet: the figures are those the ledger's sums give."""
    master, numbers = backlog
    summed = lists.production(master, ledger, MONDAY, MONDAY, tmp_path / "summed.xlsx", "it")
    listed = lists.production(master, ledger, MONDAY, MONDAY, tmp_path / "listed.xlsx", "it", earlier_orders=True)
    main, detail = openpyxl.load_workbook(listed).worksheets
    assert [r[:10] for r in values(main)] == [r[:10] for r in values(openpyxl.load_workbook(summed).active)]
    thursday_t001, thursday_t003 = numbers["T001", THURSDAY], numbers["T003", THURSDAY]
    assert [r[10] for r in values(main)] == [
        f"{thursday_t001} C001 (6); {numbers['T001', MONDAY]} C001 (10)",
        f"{thursday_t001} C001 (4); {thursday_t003} C002 (6); {numbers['T001', MONDAY]} C001 (24); "
        f"{numbers['T003', MONDAY]} C002 (6)"]
    assert [(r[0], r[3], r[4].date(), r[7]) for r in values(detail)][:3] == [
        ("A001", thursday_t001, THURSDAY, 6), ("A001", numbers["T001", MONDAY], MONDAY, 10),
        ("A002", thursday_t001, THURSDAY, 4)]


def test_a_day_with_no_orders_of_its_own_lists_the_earlier_ones(tmp_path, ledger, backlog):
    """Friday has no orders: its list is what Thursday's still wait for, all of it to make
    without a stock sheet (the list said there was nothing to list)."""
    _, _ = backlog
    friday = THURSDAY + timedelta(1)
    path = lists.production(shipping_master(), ledger, friday, friday, tmp_path / "p.xlsx", "en")
    rows = values(openpyxl.load_workbook(path).active)
    assert [(r[0], r[3], r[4], r[5], r[7], r[8], r[9], r[10]) for r in rows] == [
        ("A001", 6, 6, 1, None, None, 6, None), ("A002", 10, 10, 2, None, None, 10, None)]


def test_the_complete_list_holds_the_earlier_rests_the_distribution_list_holds(tmp_path, ledger, backlog):
    """Monday's complete list has Thursday's orders still in progress as the distribution list
    has them, their lines still to ship, dated Thursday, *In corso*; then Monday's orders whole,
    the quotation included. It listed Monday's orders only, less than the distribution list."""
    master, numbers = backlog
    t001, t003 = numbers["T001", THURSDAY], numbers["T003", THURSDAY]
    complete = values(openpyxl.load_workbook(lists.distribution(
        master, ledger, MONDAY, MONDAY, tmp_path / "c.xlsx", "it", complete=True)).active)
    assert [(r[5], r[6].date(), r[7], r[10], r[11], r[12], r[14]) for r in complete] == [
        (t001, THURSDAY, "A001", 10, 4, 6, "In corso"), (t001, THURSDAY, "A002", 24, 20, 4, "In corso"),
        (numbers["T001", MONDAY], MONDAY, "A001", 10, 0, 10, "In corso"),
        (numbers["T001", MONDAY], MONDAY, "A002", 24, 0, 24, "In corso"),
        (t003, THURSDAY, "A002", 6, 0, 6, "In corso"), (numbers["T003", MONDAY], MONDAY, "A002", 6, 0, 6, "In corso"),
        (numbers["T004", MONDAY], MONDAY, "A001", 3, 0, 3, "Bozza"),
    ]
    plain = values(openpyxl.load_workbook(lists.distribution(
        master, ledger, MONDAY, MONDAY, tmp_path / "d.xlsx", "it")).active)
    assert {(r[5], r[7], r[12]) for r in plain if r[5]} <= {(r[5], r[7], r[12]) for r in complete}


@pytest.mark.parametrize("seed", [3, 11])
def test_the_ledgers_sums_give_what_the_earlier_orders_read_line_by_line_give(ledger, tmp_path, seed):
    """On a random master and a first day shipped with what stock there was, the production list
    of the next two days gives each item the same quantity, stock, share of it and quantity to
    make whether the first day's open orders are summed by the ledger (`open_before`, the stock
    they take found in the queues, `Reservations.covered`) or read line by line with the period's,
    whatever the stock: none, one, an item's whole queue, a thousandth less or one more."""
    from test_reservations import random_stock, three_days

    from toolkit.core.lists import production_list
    from toolkit.core.orders import OrderStatus
    from toolkit.ledger.db import reading
    from toolkit.ledger.open_before import open_before
    from toolkit.ledger.orders import load_orders, reservations

    rng, master, days = three_days(ledger, tmp_path, seed, ship_first=True)
    with reading(ledger) as conn:
        period = load_orders(conn, occurrence_from=days[1], occurrence_to=days[2])
        earlier = load_orders(conn, statuses=[OrderStatus.IN_PROGRESS], occurrence_to=days[0])
        summed = open_before(conn, days[1])
        every = reservations(conn)
        assert earlier and summed.items
        tried = 0
        for _ in range(6):
            stock = random_stock(rng, every)
            short = reservations(conn, short_of=stock, asked={o.id for o in period if o.id})
            by_line = production_list(earlier + period, master, days[1], days[2], stock, every)
            by_sum = production_list(period, master, days[1], days[2], stock, short, summed)
            assert [(r.item, r.quantity, r.stock, r.from_stock, r.to_produce, r.earlier) for r in by_sum.rows] == [
                (r.item, r.quantity, r.stock, r.from_stock, r.to_produce, r.earlier) for r in by_line.rows]
            tried += any(r.earlier and 0 < r.to_produce < r.quantity for r in by_sum.rows)
        assert tried, "no stock covering part of an item the earlier orders ask"


def test_the_panel_says_the_complete_list_holds_the_earlier_days_open_orders():
    """The shipped workbook's line beside *Lista completa* said «Tutti gli ordini del giorno,
    spediti e no.»: the list holds the earlier days' orders still to ship as well, and a desk
    reading the line took them for a mistake of the day's."""
    from test_excel_build import WORKBOOK

    from toolkit.excel import panel
    from toolkit.excel.buttons import BUTTONS

    sheet = openpyxl.load_workbook(WORKBOOK, keep_vba=False)["Pannello"]
    row = panel.FIRST_BUTTON_ROW + 1 + [b.caption for b in BUTTONS].index("Lista completa")
    assert "giorni precedenti ancora da spedire" in sheet[f"C{row}"].value


def test_an_item_taken_off_the_items_sheet_is_described_as_its_earlier_orders_have_it(tmp_path, ledger, backlog):
    """Friday's list when A002 has left *Articoli* while Thursday's orders still wait for it:
    described by their lines, as the list reading them one by one describes it. Summed by the
    ledger, the row had no description nor unit of measure."""
    master, _ = backlog
    friday = THURSDAY + timedelta(1)
    gone = master.model_copy(update={"items": tuple(i for i in master.items if i.code != "A002")})
    summed = values(openpyxl.load_workbook(lists.production(gone, ledger, friday, friday, tmp_path / "s.xlsx", "it")).active)
    listed = values(openpyxl.load_workbook(lists.production(
        gone, ledger, friday, friday, tmp_path / "l.xlsx", "it", earlier_orders=True)).active)
    assert [r[:4] for r in summed] == [r[:4] for r in listed] == [
        ("A001", "Caffè in grani 1 kg", "pz", 6), ("A002", "Latte fresco 1 l", "pz", 10)]


def test_the_complete_lists_option_says_it_holds_the_earlier_days_open_orders():
    """`distribution --help` said of `--complete` «tutti gli ordini con il loro stato / every
    order with its state»: the period's, and the earlier days' still to ship as well."""
    import typer
    from typer.testing import CliRunner

    from toolkit.cli import shipping

    app = typer.Typer()
    shipping.register(app)
    said = " ".join(CliRunner().invoke(app, ["distribution", "--help"], env={"COLUMNS": "400"}).output.split())
    assert "e quelli dei giorni precedenti ancora da spedire" in said and "earlier days' orders still to ship" in said
