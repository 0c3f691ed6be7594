"""The orders that take nothing, planned from their open lines (`plan_shipments`' `open_lines`).

A day's shipping reads only the lines still to ship of the orders that can take nothing
(`takes_nothing`), and the plan holds them with the messages their delivery terms give. On random
orders, stocks and terms the plan of the orders given so equals the plan of the same orders given
whole, DDT by DDT, hold by hold, problem by problem: a faster path for them (the thirty-eighth
round built one, `docs/performance-history.md`) is held to this.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pytest
from test_shipping import AV, CL, CO, DAY, line, order, shipping_master, with_terms

from toolkit.core import shipping
from toolkit.core.reservations import Reservations, reservations_of
from toolkit.core.shipping import OpenLine, plan_shipments, service_items, takes_nothing

ITEMS = ("A001", "A002", "A003")


def _orders(rng: random.Random) -> list:
    orders = []
    for n in range(1, rng.randint(15, 40)):
        lines = []
        for k in range(1, rng.randint(2, 5)):
            quantity = rng.choice([1, 2, 3, 5, 8, 12, 20])
            shipped = rng.choice([0, 0, 0, 1]) if quantity > 1 else 0
            lines.append(line(100 * n + k, rng.choice(ITEMS), str(quantity), str(shipped), line_no=k))
        orders.append(order(n, *lines))
    rng.shuffle(orders)
    return orders


def _as_read(made, terms, stock, held, services) -> tuple[list, dict[int, tuple[OpenLine, ...]]]:
    """The orders as the day's read gives them (`toolkit.services.shipping._read_lines`): those
    that take nothing without their lines, with their open lines beside."""
    given, waiting = [], {}
    for each in made:
        still = tuple(OpenLine(x.id, x.line_no, x.item, x.to_ship) for x in each.lines if x.to_ship != 0)
        if takes_nothing(each, still, terms, stock, held, services):
            waiting[each.id] = still
            each = replace(each, lines=())
        given.append(each)
    return given, waiting


def _said(plan) -> tuple:
    return (plan.drafts, plan.held, [(p.code, p.location, repr(p.params)) for p in plan.problems])


@pytest.mark.parametrize("seed", range(8))
def test_the_orders_that_take_nothing_are_held_from_their_open_lines_as_when_given_whole(seed):
    base = shipping_master()
    rng = random.Random(seed)
    given_by_open_lines = {AV: 0, CL: 0, CO: 0}
    for _ in range(30):
        terms = rng.choice((AV, CL, CO))
        master = with_terms(base, terms, {item: str(rng.randint(0, 30)) for item in ITEMS if rng.random() < 0.95})
        made = _orders(rng)
        held = Reservations(reservations_of(made))
        stock = shipping.stock_levels(master)
        given, waiting = _as_read(made, terms, stock, held, service_items(master))
        given_by_open_lines[terms] += len(waiting)
        whole = plan_shipments(made, master, stock, DAY, reservations=held)
        light = plan_shipments(given, master, stock, DAY, reservations=held, open_lines=waiting)
        assert _said(light) == _said(whole)
    assert all(given_by_open_lines.values()), given_by_open_lines


@pytest.mark.parametrize("terms", [AV, CL, CO])
def test_an_order_given_by_its_open_lines_that_could_take_something_is_refused(terms):
    master = with_terms(shipping_master(), terms, {"A001": "10", "A002": "10"})
    made = order(1, line(11, "A001", "4"), line(12, "A002", "3"))
    still = {1: (OpenLine(11, 1, "A001", Decimal(4)), OpenLine(12, 2, "A002", Decimal(3)))}
    with pytest.raises(ValueError, match="OC-2026-00001"):
        plan_shipments([replace(made, lines=())], master, shipping.stock_levels(master), DAY,
                       reservations=Reservations(reservations_of([made])), open_lines=still)
