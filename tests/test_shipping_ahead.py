"""What an order may take of an item does not depend on what this run shipped before it.

In the first releases' planner (`tests/oracles/shipping_plan.py`) an order could take of an
item the stock as found less what the orders ahead of it reserve and what it took itself
("free"), and never more than the stock this run had left ("left"). With the ledger's
reservations "left" never binds: orders are planned in rank order, and every order that takes
stock is in progress and so reserves at least what it takes, so what the orders planned before
it took is at most what they reserve. Each order's decision is then its own, a computation
over its lines, the stock as found and what the orders ahead hold.

So an order whose items' stock the orders ahead hold entirely can take nothing, known before
planning (`takes_nothing`), and the day's shipping reads only its lines still to ship for its
messages (`OpenLine`). The twin ledgers compare every DDT, held order and problem with the
reference, which reads every order whole; the last test checks that they do meet such orders.

These tests check the claim on the twin ledgers of `test_shipping_setbased` (random delivery
terms, credit limits, short stock, prepayments, chosen quantities, orders by number, force,
and the orders shipped at once when they are created): every time the reference planner asks
what an order may take, "left" is at least "free".
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pytest
from oracles import shipping_plan
from test_shipping import line, order
from test_shipping_setbased import master_of, randomized, twin_days

from toolkit.basics.vocab import DocumentType
from toolkit.core.reservations import NONE, Reservations, covered_by_stock, reservations_of
from toolkit.services import shipping as shipping_service

ZERO = shipping_plan.ZERO


def watching(monkeypatch) -> list[int]:
    """Make the reference planner count each question with reservations, and fail on one where
    the stock left in the run is below what the reservations leave free."""
    asked = [0]
    original = shipping_plan._Run.available

    def available(run, item, order=None):
        if run.stock is not None and order is not None and run.reservations is not NONE:
            asked[0] += 1
            left = run.stock.get(item, ZERO)
            free = run.start.get(item, ZERO) - run.reservations.ahead(item, order) - run.own.get((order.id, item), ZERO)
            assert left >= free, (order.number, item, left, free)
        return original(run, item, order)

    monkeypatch.setattr(shipping_plan._Run, "available", available)
    return asked


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_the_stock_left_never_binds_on_random_ledgers(tmp_path, seed, monkeypatch):
    asked = watching(monkeypatch)
    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    assert twin_days(master, tmp_path, rng, 6, monkeypatch=monkeypatch) > 0
    assert asked[0] > 0


def test_the_stock_left_never_binds_on_the_sample(tmp_path, monkeypatch):
    asked = watching(monkeypatch)
    master = master_of(tmp_path, 2026)
    assert twin_days(master, tmp_path, random.Random(0), 8, monkeypatch=monkeypatch, actions=False) > 0
    assert asked[0] > 0


@pytest.mark.parametrize("seed", [7, 8])
def test_orders_that_take_nothing_are_planned_by_their_open_lines(tmp_path, seed, monkeypatch):
    judged = {True: 0, False: 0}
    original = shipping_service.takes_nothing

    def takes_nothing(*args):
        found = original(*args)
        judged[found] += 1
        return found

    monkeypatch.setattr(shipping_service, "takes_nothing", takes_nothing)
    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    assert twin_days(master, tmp_path, rng, 6, monkeypatch=monkeypatch) > 0
    assert judged[True] > 0 and judged[False] > 0, judged


@pytest.mark.parametrize("seed", range(6))
def test_takes_nothing_asking_until_known_is_the_whole_rule(seed):
    """`takes_nothing` stops asking what is free of an item once the answer is known; on random
    queues, stocks, terms and open lines (zero and negative ones, items repeated on several
    lines, items no order holds) it answers as the rule worked out over every item first
    (`tests/oracles/takes_nothing_whole.py`), and both answers occur under every terms."""
    from oracles import takes_nothing_whole

    from toolkit.basics.vocab import DeliveryTerms
    from toolkit.core.shipping import OpenLine, takes_nothing

    rng = random.Random(seed)
    items = ["A001", "A002", "A003", "A004", "A999"]
    orders = [order(n, *[line(100 * n + k, rng.choice(items[:4]), str(rng.randint(1, 9)))
                         for k in range(rng.randint(1, 4))]) for n in range(1, 60)]
    held = Reservations(reservations_of(orders))
    seen: dict[tuple[DeliveryTerms, bool], int] = {}
    for _ in range(400):
        stock = {item: Decimal(rng.randint(-3, 60)) for item in items if rng.random() < 0.9}
        made = rng.choice(orders)
        if rng.random() < 0.05:
            made = replace(made, document_type=DocumentType.RETURN)
        lines = [OpenLine(k, k, rng.choice(items), Decimal(rng.choice([0, 1, 2, 5, 9, 20, 40, -1] if rng.random() < 0.1
                                                                      else [1, 2, 5, 9, 20, 40])))
                 for k in range(1, rng.randint(1, 5))]
        terms = rng.choice(list(DeliveryTerms))
        for shown in (stock, None):
            found = takes_nothing(made, lines, terms, shown, held)
            assert found == takes_nothing_whole.takes_nothing(made, lines, terms, shown, held), (made, lines, terms)
            seen[terms, found] = seen.get((terms, found), 0) + 1
    assert all(seen.get((terms, answer)) for terms in (DeliveryTerms.COMPLETE_ORDER, DeliveryTerms.COMPLETE_LINE)
               for answer in (True, False)), seen


@pytest.mark.parametrize("seed", range(5))
def test_a_holder_stands_where_its_place_ranks(seed):
    """`Reservations` answers for a holder from where it stands in the item's queue, found
    once; the answer is the one its place's rank gives, orders sharing a place (an open
    proposal and the order that confirms it) standing together."""
    rng = random.Random(seed)
    orders = []
    for n in range(1, 40):
        lines = [line(100 * n + k, rng.choice(["A001", "A002", "A003"]), str(rng.randint(1, 9)))
                 for k in range(rng.randint(1, 3))]
        made = order(n, *lines)
        if orders and rng.random() < 0.2:
            proposal = rng.choice(orders)
            made = replace(made, confirms=proposal.number, confirms_type=DocumentType.PROPOSAL)
        orders.append(made)
    rng.shuffle(orders)
    held = Reservations(reservations_of(orders))
    for made in orders:
        for item in ("A001", "A002", "A003", "A999"):
            assert held.ahead(item, made) == held.ahead(item, made.place)
            assert held.first_holders_ahead(item, made, 3) == held.first_holders_ahead(item, made.place, 3)


@pytest.mark.parametrize("seed", range(3))
def test_only_the_items_short_of_stock_are_queued(seed):
    """With the stock found (`covered_by_stock`, as the ledger's `short_of` filters), the queues
    of the items whose stock covers every holder are left out, and the others are the whole
    index's."""
    rng = random.Random(seed)
    queues = {f"A{i:03d}": [((2026, "OC", n), n, rng.randint(1, 9) * 1000)
                            for n in sorted(rng.sample(range(1, 60), rng.randint(1, 8)))] for i in range(20)}
    names = {n: f"OC-2026-{n:05d}" for n in range(1, 60)}
    stock = {item: Decimal(rng.randint(0, 40)) for item in queues if rng.random() < 0.9}
    whole = Reservations.of_queues({i: list(q) for i, q in queues.items()}, 3, names)
    short = Reservations.of_queues({i: list(q) for i, q in queues.items()
                                    if not covered_by_stock(sum(n for _, _, n in q), 3, stock.get(i, Decimal(0)))},
                                   3, names)
    for item, queue in queues.items():
        wanted = Decimal(sum(q for _, _, q in queue)).scaleb(-3)
        if wanted <= stock.get(item, Decimal(0)):
            assert item not in short._items
        else:
            assert short._items[item] == whole._items[item]
