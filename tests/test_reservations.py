"""Stock reservation (issue 16, point 2): open standard orders and proposals hold what they still
have to ship, from creation until shipped or closed; every other order may use only the stock
they leave free."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from test_shipping import line, order, shipping_master, with_terms

from toolkit.basics.vocab import DeliveryTerms, DocumentType
from toolkit.core.orders import OrderStatus
from toolkit.core.reservations import Reservations, rank, reservations_of
from toolkit.core.shipping import plan_shipments, stock_levels
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders
from toolkit.services.order_status import change_status
from toolkit.services.orders import create
from toolkit.services.shipping import ship

DAY = date(2026, 4, 9)


def test_which_orders_reserve():
    standard = order(1, line(1, "A001", "10", shipped="4"))
    proposal = order(2, line(2, "A001", "5"), document_type=DocumentType.PROPOSAL, status=OrderStatus.DRAFT)
    quotation = order(3, line(3, "A001", "7"), document_type=DocumentType.QUOTATION, status=OrderStatus.DRAFT)
    ret = order(4, line(4, "A001", "-2"), document_type=DocumentType.RETURN)
    closed = order(5, line(5, "A001", "9"), status=OrderStatus.CLOSED)
    shipped = order(6, line(6, "A001", "3", shipped="3"), status=OrderStatus.COMPLETED)
    turned_down = order(7, line(7, "A001", "1"), document_type=DocumentType.PROPOSAL,
                        status=OrderStatus.NOT_ACCEPTED)
    found = reservations_of([standard, proposal, quotation, ret, closed, shipped, turned_down])
    assert sorted((r.order, r.item, r.quantity) for r in found) == [
        ("OC-2026-00001", "A001", D(6)), ("OC-2026-00002", "A001", D(5))]


def test_the_orders_ahead_hold_their_reservations():
    held = Reservations(reservations_of([order(n, line(n, "A001", "2"), line(10 + n, "A002", "1")) for n in (1, 2, 3)]))
    assert [held.ahead("A001", f"OC-2026-{n:05d}") for n in (1, 2, 3, 4)] == [D(0), D(2), D(4), D(6)]
    assert held.holders_ahead("A002", "OC-2026-00003") == ("OC-2026-00001", "OC-2026-00002")
    assert held.total("A001") == D(6) and held.ahead("A999", "OC-2026-00009") == D(0)
    assert rank("OC-2025-00099") < rank("OC-2026-00002")


def test_the_first_holders_ahead_are_those_of_every_holder_ahead():
    """A warning names the first three holders ahead and how many there are (`first_holders_ahead`):
    the same as cutting `holders_ahead`, for every place in the queue and every count."""
    held = Reservations(reservations_of([order(n, line(n, "A001", "1")) for n in range(1, 8)]))
    for n in range(1, 10):
        number = f"OC-2026-{n:05d}"
        every = held.holders_ahead("A001", number)
        for count in (0, 1, 3, 9):
            assert held.first_holders_ahead("A001", number, count) == (every[:count], len(every))
        assert held.first_holders_ahead("A999", number, 3) == ((), 0)



def test_what_stock_covers_is_asked_by_the_ledgers_order_ids():
    """`covered` is asked by the ledger's order ids (the production list's earlier orders, read
    as sums): the queues read from the ledger answer them, each holder getting what those ranked
    before it leave free; reservations made of records, which know their holders by number,
    refuse ids rather than match none and cover nothing."""
    orders = [order(n, line(n, "A001", "2")) for n in (1, 2, 3)]
    queues = {"A001": [(rank(o.number), o.id, 2000) for o in orders]}
    by_ids = Reservations.of_queues(queues, 3, {o.id: o.number for o in orders})
    assert by_ids.covered("A001", D(3), order_ids={orders[0].id, orders[1].id}) == D(3)
    assert by_ids.covered("A001", D(3), order_ids={orders[1].id, orders[2].id}) == D(1)
    assert by_ids.covered("A999", D(3), order_ids={orders[0].id}) is None
    by_numbers = Reservations(reservations_of(orders))
    with pytest.raises(ValueError, match="by number"):
        by_numbers.covered("A001", D(3), order_ids={orders[0].id})

@pytest.mark.parametrize("seed", range(6))
def test_a_holder_is_answered_as_its_place_is(seed):
    """A holder asked about by its order is answered from where it stands in the item's queue,
    kept when the index is built (`Reservations._index`, for every holder or only those asked
    about); anyone else, and a bare number, by bisecting the ranks. Both answers are the same
    for every holder and item, by records or by the ledger's queues, with holders sharing a
    place (an order and the proposal it confirms)."""
    rng = random.Random(seed)
    items = ["A001", "A002", "A003"]
    orders = []
    for n in range(1, 40):
        made = order(n, *(line(10 * n + k, item, str(rng.choice([1, 2, 5]))) for k, item in
                          enumerate(rng.sample(items, rng.randint(1, 3)))))
        if orders and rng.random() < 0.3:
            cited = rng.choice(orders)
            made = replace(made, confirms=cited.number, confirms_type=DocumentType.PROPOSAL)
        orders.append(made)
    by_records = Reservations(reservations_of(orders))
    ids = {o.number: o.id for o in orders}
    queues: dict = {}
    for r in reservations_of(orders):
        queues.setdefault(r.item, []).append((r.key, ids[r.order], int(r.quantity * 1000)))
    for queue in queues.values():
        queue.sort()
    names = {o.id: o.number for o in orders}
    firsts = {order_id: names[order_id] for queue in queues.values() for _, order_id, _ in queue[:3]}
    some = {o.id for o in rng.sample(orders, 10)}
    indexed = [by_records, Reservations.of_queues(queues, 3, names),
               Reservations.of_queues(queues, 3, firsts, asked=some)]
    assert len(indexed[2]._ahead) < len(indexed[1]._ahead)
    for held in indexed:
        for asked in orders:
            for item in [*items, "A999"]:
                assert held.ahead(item, asked) == held.ahead(item, asked.place) == by_records.ahead(item, asked.place)
                assert held.first_holders_ahead(item, asked, 3) == held.first_holders_ahead(item, asked.place, 3)
                assert held.first_holders_ahead(item, asked, 3) == by_records.first_holders_ahead(item, asked, 3)
            assert held.total(items[0]) == by_records.total(items[0])


@pytest.mark.parametrize("terms", [DeliveryTerms.AVAILABILITY, DeliveryTerms.COMPLETE_LINE,
                                   DeliveryTerms.COMPLETE_ORDER])
def test_a_later_order_shipped_alone_leaves_the_earlier_ones_stock(terms):
    m = with_terms(shipping_master(), terms, {"A001": "12"})
    first, second = order(1, line(1, "A001", "10")), order(2, line(2, "A001", "8"))
    held = Reservations(reservations_of([first, second]))
    plan = plan_shipments([second], m, stock_levels(m), DAY, reservations=held)
    shipped = sum((ln.quantity for d in plan.drafts for ln in d.lines), D(0))
    assert shipped == (D(2) if terms is DeliveryTerms.AVAILABILITY else D(0))
    [note] = [p for p in plan.problems if p.code == "stock-reserved"]
    assert "OC-2026-00001" in note.message("en") and note.sheet == "Giacenze"
    both = plan_shipments([second, first], m, stock_levels(m), DAY, reservations=held)
    assert [(ln.order_number, ln.quantity) for d in both.drafts for ln in d.lines][0] == ("OC-2026-00001", D(10))
    assert "stock-reserved" not in {p.code for p in both.problems}


def test_an_earlier_order_is_not_held_by_later_reservations():
    m = with_terms(shipping_master(), DeliveryTerms.AVAILABILITY, {"A001": "12"})
    first, second = order(1, line(1, "A001", "10")), order(2, line(2, "A001", "8"))
    plan = plan_shipments([first], m, stock_levels(m), DAY, reservations=Reservations(reservations_of([first, second])))
    assert [ln.quantity for d in plan.drafts for ln in d.lines] == [D(10)] and plan.problems == ()


def test_a_proposal_reserves_a_quotation_does_not():
    m = with_terms(shipping_master(), DeliveryTerms.AVAILABILITY, {"A001": "10"})
    later = order(3, line(3, "A001", "10"))
    for document_type, left in ((DocumentType.PROPOSAL, D(4)), (DocumentType.QUOTATION, D(10))):
        earlier = order(1, line(1, "A001", "6"), document_type=document_type, status=OrderStatus.DRAFT)
        plan = plan_shipments([later], m, stock_levels(m), DAY, reservations=Reservations(reservations_of([earlier, later])))
        assert [ln.quantity for d in plan.drafts for ln in d.lines] == [left], document_type


def test_a_confirmed_proposal_keeps_the_proposals_place_in_the_queue():
    """The proposal held its goods since it was made: the order that confirms it is served
    before an order made in between, which waits (a desk expects the customer's turn to stay)."""
    m = with_terms(shipping_master(), DeliveryTerms.AVAILABILITY, {"A001": "10"})
    proposal = order(1, line(1, "A001", "10"), document_type=DocumentType.PROPOSAL, status=OrderStatus.CLOSED)
    between = order(2, line(2, "A001", "10"))
    confirmed = replace(order(3, line(3, "A001", "10")), confirms=proposal.number,
                        confirms_type=DocumentType.PROPOSAL)
    assert confirmed.place == proposal.number and between.place == between.number
    held = Reservations(reservations_of([proposal, between, confirmed]))
    assert held.ahead("A001", confirmed) == D(0) and held.ahead("A001", between) == D(10)
    assert held.holders_ahead("A001", between) == (confirmed.number,)
    plan = plan_shipments([between, confirmed], m, stock_levels(m), DAY, reservations=held)
    assert [(ln.order_number, ln.quantity) for d in plan.drafts for ln in d.lines] == [(confirmed.number, D(10))]
    alone = plan_shipments([between], m, stock_levels(m), DAY, reservations=held)
    assert alone.drafts == ()
    [note] = [p for p in alone.problems if p.code == "stock-reserved"]
    assert confirmed.number in note.message("it")


def test_a_confirmed_quotation_queues_as_a_new_order():
    """A quotation reserved nothing: its order takes its own number's place, after the orders
    that reserved before it."""
    quoted = replace(order(3, line(3, "A001", "10")), confirms="OC-2026-00001", confirms_type=DocumentType.QUOTATION)
    assert quoted.place == quoted.number
    held = Reservations(reservations_of([order(2, line(2, "A001", "4")), quoted]))
    assert held.ahead("A001", quoted) == D(4)


def test_a_complete_order_held_for_stock_keeps_its_reservation():
    """Through the ledger (`reservations` given) an earlier complete order waiting for 10 still
    holds them: the later order does not take the 8 in stock meanwhile. Closing the first frees
    them. (`test_shipping.test_without_reservations_…` is the planner alone, with no ledger.)"""
    m = with_terms(shipping_master(), DeliveryTerms.COMPLETE_ORDER, {"A001": "8"})
    first, second = order(1, line(1, "A001", "10")), order(2, line(2, "A001", "8"))
    plan = plan_shipments([first, second], m, stock_levels(m), DAY, reservations=Reservations(reservations_of([first, second])))
    assert plan.drafts == () and {h.order for h in plan.held} == {first.number, second.number}
    assert "stock-reserved" in {p.code for p in plan.problems}
    closed = replace(first, status=OrderStatus.CLOSED)
    plan = plan_shipments([second], m, stock_levels(m), DAY, reservations=Reservations(reservations_of([closed, second])))
    assert [ln.order_number for d in plan.drafts for ln in d.lines] == [second.number]


# ---- the test, through the ledger


@pytest.fixture
def desk(ledger):
    """T001 (C001, OC-2026-00001) orders 24 × A002, T003 (C002, OC-2026-00002) 6 × A002; 24 in stock."""
    master = shipping_master(stock={"A001": 100, "A002": 24})
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        numbers = {o.template: o.number for o in load_orders(conn)}
    return master, numbers


def test_two_open_orders_for_more_than_the_stock_leave_the_second_waiting(ledger, desk):
    master, numbers = desk
    first, second = numbers["T001"], numbers["T003"]
    done = ship(master, ledger, DAY, numbers=[second], lang="it")
    assert done.notes == () and {h.order for h in done.held} == {second}
    [note] = [p for p in done.problems if p.code == "stock-reserved"]
    assert first in note.message("it") and second in note.message("it") and "A002" in note.message("it")
    with reading(ledger) as conn:
        assert {o.number: o.to_ship for o in load_orders(conn)}[second] == D(6)

    assert change_status(ledger, first, OrderStatus.CLOSED).problems == []
    done = ship(master, ledger, DAY, numbers=[second], lang="it")
    assert [(ln.order_number, ln.item, ln.quantity) for n in done.notes for ln in n.lines] == [(second, "A002", D(6))]
    assert done.completed == (second,)


def test_shipping_and_closing_release_the_reservation(ledger, desk):
    from toolkit.ledger.orders import reservations

    master, numbers = desk
    first, second = numbers["T001"], numbers["T003"]

    def held(item):
        with reading(ledger) as conn:
            return reservations(conn).total(item)

    assert (held("A001"), held("A002")) == (D(10), D(30))       # the quotation T004's 3 × A001 reserves nothing
    assert ship(master, ledger, DAY, numbers=[first], lang="it").completed == (first,)
    assert (held("A001"), held("A002")) == (D(0), D(6))
    assert change_status(ledger, second, OrderStatus.CLOSED).problems == []
    assert held("A002") == D(0)


def test_the_panel_shows_reserved_and_available_per_line(ledger, desk, tmp_path):
    import openpyxl

    from toolkit.services.orders import panel

    master, numbers = desk
    book = openpyxl.load_workbook(panel(master, ledger, tmp_path / "pannello.xlsx", "it"))
    rows = list(book["Righe"].iter_rows(values_only=True))
    head = rows[0]
    assert head[-2:] == ("Qtà prenotata", "Disponibile")
    cells = {(r[0], r[1]): (r[head.index("Qtà prenotata")], r[head.index("Disponibile")]) for r in rows[1:]}
    first, second = numbers["T001"], numbers["T003"]
    assert cells[first, "A002"] == (24, 24)      # 24 on hand, nothing ahead of it
    assert cells[second, "A002"] == (6, 0)       # the first order holds all 24
    assert cells[numbers["T004"], "A001"] == (0, 90)   # the quotation holds nothing; T001 holds 10 of 100


def a001_twice(ledger, tmp_path, a001: int, terms: str = "Disponibilità") -> tuple[list, list]:
    """T001 listing A001 twice (10, then 5) for C001 on `terms`, `a001` in stock: the panel's
    (reserved, available) cells of its two A001 lines, then what `ship --all` ships of them."""
    import minimal
    import openpyxl
    from test_shipping import shipping_sheets

    from toolkit.intake.validation import check
    from toolkit.services.orders import panel

    sheets = shipping_sheets(terms=terms, stock={"A001": a001, "A002": 100})
    sheets["Righe modello"].append(["T001", "A001", 5, None, None])
    master = check(minimal.workbook(sheets)).master
    assert master is not None
    [number] = [r["number"] for r in create(master, ledger, DAY, with_catch_up=False, lang="it").created
                if r["template"] == "T001"]
    rows = list(openpyxl.load_workbook(panel(master, ledger, tmp_path / "pannello.xlsx", "it"))["Righe"]
                .iter_rows(values_only=True))
    head = rows[0]
    shown = [(r[head.index("Qtà prenotata")], r[head.index("Disponibile")]) for r in rows[1:] if (r[0], r[1]) == (number, "A001")]
    done = ship(master, ledger, DAY, all_open=True, lang="it")
    return shown, [ln.quantity for n in done.notes for ln in n.lines if ln.order_number == number and ln.item == "A001"]


def test_the_panel_shows_each_line_what_shipping_gives_it_after_the_orders_earlier_lines(ledger, tmp_path):
    """T001 lists A001 twice (10, then 5) with 12 in stock: its DDT carries 10 and 2, and the
    panel showed 12 available on both lines; the second now shows the 2 it gets."""
    assert a001_twice(ledger, tmp_path, 12) == ([(10, 12), (5, 2)], [D(10), D(2)])


def test_the_panel_leaves_a_complete_line_customers_short_line_its_stock_for_the_next(ledger, tmp_path):
    """C001 on *Riga completa*: T001 lists A001 twice (10, then 5) with 6 in stock. Shipping
    holds the first line, short, whole, and gives the second its 5 of the 6 the first left; the
    panel took the first line's 10 off the second and showed it 0 available, short, as if the
    first line had shipped."""
    assert a001_twice(ledger, tmp_path, 6, "Riga completa") == ([(10, 6), (5, 6)], [D(5)])


def test_production_counts_only_the_stock_the_orders_ahead_leave_free():
    from toolkit.core.lists import production_list

    m = with_terms(shipping_master(), DeliveryTerms.AVAILABILITY, {"A001": "12"})
    earlier = order(1, line(1, "A001", "10"))                   # another day's order, still open
    today = order(2, line(2, "A001", "8"))
    [row] = production_list([today], m, DAY, stock=stock_levels(m),
                            reservations=Reservations(reservations_of([earlier, today]))).rows
    assert (row.quantity, row.stock, row.from_stock, row.to_produce) == (D(8), D(12), D(2), D(6))
    [row] = production_list([today], m, DAY, stock=stock_levels(m)).rows
    assert row.to_produce == D(0)                               # without reservations: stock covers it
    [row] = production_list([earlier, today], m, DAY, stock=stock_levels(m),
                            reservations=Reservations(reservations_of([earlier, today]))).rows
    assert (row.quantity, row.to_produce) == (D(18), D(6))


def test_the_reservations_of_some_items_are_those_items_of_every_reservation(ledger, desk):
    """Shipping reads only the items it plans (`reservations(conn, items)`): each item's queue is
    its own, so they must answer as the whole ledger's do, and know nothing of the others."""
    from toolkit.ledger.orders import reservations

    master, numbers = desk
    first, second = numbers["T001"], numbers["T003"]
    with reading(ledger) as conn:
        every, some = reservations(conn), reservations(conn, {"A002"})
    assert every.total("A001") == D(10) and some.total("A001") == D(0)
    for number in (first, second, "OC-2099-00001"):
        assert some.ahead("A002", number) == every.ahead("A002", number)
        assert some.holders_ahead("A002", number) == every.holders_ahead("A002", number)
    assert some.total("A002") == every.total("A002") == D(30)


@pytest.mark.parametrize("seed", [5, 23])
def test_the_ledger_queues_the_short_items_as_the_line_by_line_read(ledger, tmp_path, seed):
    """The ledger reads its queues an item at a time, in the order its grouping gives them
    (`toolkit.ledger.orders._queued`), on either database: with a random stock, the queues of
    the items it does not cover are those of the line-by-line read
    (`tests/oracles/reservations_rowwise.py`), and no others. PostgreSQL happens to sort a small
    grouping, so it is told to group by hashing, as it may on a large ledger: only the query's
    own ORDER BY then keeps an item's rows together."""
    from oracles import reservations_rowwise
    from test_shipping_setbased import START, master_of, queues, randomized

    from toolkit.core.workdays import working_calendar
    from toolkit.ledger.orders import reservations

    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    calendar = working_calendar(master.settings, master.closures)
    day, done = START, 0
    while done < 3:
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            if rng.random() < 0.7:
                ship(master, ledger, day, all_open=True, lang="it")
            done += 1
        day += timedelta(1)
    with reading(ledger) as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_sort = off")  # grouped by hashing: rows come unordered
        every = reservations_rowwise.reservations(conn)
        assert len(every._items) > 3
        for _ in range(4):
            stock = {item: rng.choice([D(0), D(1), q.before[-1], q.before[-1] - D("0.001"), q.before[-1] + 1])
                     for item, q in every._items.items() if rng.random() < 0.9}
            got = queues(reservations(conn, short_of=stock))
            assert got == {i: q for i, q in queues(every).items() if q[2][-1] > stock.get(i, D(0))}


def three_days(ledger, tmp_path, seed: int, *, ship_first: bool = False):
    """A random master (`test_shipping_setbased.randomized`) and the orders of its first three
    working days from `START` created, the first day shipped with what stock there is when
    `ship_first`: the random generator, the master, the days."""
    from test_shipping_setbased import START, master_of, randomized

    from toolkit.core.workdays import working_calendar

    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    calendar = working_calendar(master.settings, master.closures)
    day, days = START, []
    while len(days) < 3:
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            if ship_first and not days:
                ship(master, ledger, day, all_open=True, lang="it")
            days.append(day)
        day += timedelta(1)
    return rng, master, days


def random_stock(rng: random.Random, every: Reservations) -> dict[str, D]:
    """Most items held in `every` with a stock of none, one, their whole queue, a thousandth
    less or one more."""
    return {item: rng.choice([D(0), D(1), every.total(item), every.total(item) - D("0.001"), every.total(item) + 1])
            for item in every._items if rng.random() < 0.9}


@pytest.mark.parametrize("seed", [3, 11])
def test_production_reads_only_the_queues_the_stock_does_not_cover(ledger, tmp_path, seed):
    """The production list reads the queues of the items short of stock only
    (`services.lists.production`): with any stock, even one that covers an item's open orders
    exactly, it lists what it lists with every queue read."""
    from toolkit.core.lists import production_list
    from toolkit.ledger.orders import reservations

    rng, master, days = three_days(ledger, tmp_path, seed)
    with reading(ledger) as conn:
        orders = load_orders(conn, occurrence_from=days[1], occurrence_to=days[2])
        every = reservations(conn)
        tried = 0
        for _ in range(6):
            stock = random_stock(rng, every)
            short = reservations(conn, short_of=stock, asked={o.id for o in orders if o.id})
            expected = production_list(orders, master, days[1], days[2], stock, every)
            assert production_list(orders, master, days[1], days[2], stock, short) == expected
            tried += sum(r.to_produce > 0 for r in expected.rows) > 0 and len(short._items) < len(every._items)
        assert tried, "no stock both short of some items and covering others"


def test_the_panel_of_every_order_takes_no_stock_for_a_closed_orders_earlier_line(ledger, tmp_path):
    """`panel --all` shows closed orders too: T001 lists A001 twice (10, then 5), 12 in stock, and
    is closed before it ships. It holds nothing now, and its second line showed 2 available, the
    12 less the 10 its first line no longer takes; both lines show the 12 on hand."""
    import minimal
    import openpyxl
    from test_shipping import shipping_sheets

    from toolkit.intake.validation import check
    from toolkit.services.orders import panel

    sheets = shipping_sheets(stock={"A001": 12, "A002": 100})
    sheets["Righe modello"].append(["T001", "A001", 5, None, None])
    master = check(minimal.workbook(sheets)).master
    assert master is not None
    [number] = [r["number"] for r in create(master, ledger, DAY, with_catch_up=False, lang="it").created
                if r["template"] == "T001"]
    assert change_status(ledger, number, OrderStatus.CLOSED).problems == []
    rows = list(openpyxl.load_workbook(panel(master, ledger, tmp_path / "pannello.xlsx", "it", every=True))["Righe"]
                .iter_rows(values_only=True))
    head = rows[0]
    shown = [(r[head.index("Qtà da spedire")], r[head.index("Qtà prenotata")], r[head.index("Disponibile")])
             for r in rows[1:] if (r[0], r[1]) == (number, "A001")]
    assert shown == [(0, 0, 12), (0, 0, 12)]


def test_the_reservation_warning_gives_the_stock_beside_what_the_orders_ahead_hold():
    """A complete order ahead holding 10 of A001 with 8 in stock: the later order was told *10
    della giacenza sono prenotati*, ten of a stock of eight; it now reads what the orders ahead
    hold and the stock they hold it from, the figures the panel's *Qtà prenotata* and *Giacenze*
    show."""
    m = with_terms(shipping_master(), DeliveryTerms.COMPLETE_ORDER, {"A001": "8"})
    first, second = order(1, line(1, "A001", "10")), order(2, line(2, "A001", "8"))
    plan = plan_shipments([first, second], m, stock_levels(m), DAY, reservations=Reservations(reservations_of([first, second])))
    [note] = [p for p in plan.problems if p.code == "stock-reserved"]
    assert note.message("it") == ("Ordine OC-2026-00002, articolo A001: gli ordini precedenti (OC-2026-00001) ne hanno "
                                  "prenotati 10, su una giacenza di 8: restano 0 per questo ordine.")
    assert note.message("en") == ("Order OC-2026-00002, item A001: earlier orders (OC-2026-00001) have reserved 10 of it, "
                                  "out of a stock of 8: 0 is left for this order.")


@pytest.mark.parametrize("terms", [DeliveryTerms.AVAILABILITY, DeliveryTerms.COMPLETE_LINE,
                                   DeliveryTerms.COMPLETE_ORDER])
def test_no_stock_is_no_reservation_warning(terms):
    """With none of A001 in stock the later order lacks it whatever the orders ahead hold: it was
    told they *have reserved 10 of it, out of a stock of 0*, a reservation of goods that are not
    there, beside its own warning that the stock is 0. Only that one is said."""
    m = with_terms(shipping_master(), terms, {"A001": "0"})
    first, second = order(1, line(1, "A001", "10")), order(2, line(2, "A001", "8"))
    plan = plan_shipments([first, second], m, stock_levels(m), DAY, reservations=Reservations(reservations_of([first, second])))
    assert plan.drafts == ()
    said = [(p.code, dict(p.params)["number"]) for p in plan.problems]
    assert said == [(code, number) for number in (first.number, second.number)
                    for code in {DeliveryTerms.AVAILABILITY: ("ship-partial-stock",),
                                 DeliveryTerms.COMPLETE_LINE: ("ship-line-held",),
                                 DeliveryTerms.COMPLETE_ORDER: ("ship-order-held",)}[terms]]
    shortage = plan.problems[1].message("it")
    assert "giacenza 0 per 8 richiesti" in shortage or "A001 (0/8)" in shortage, shortage
