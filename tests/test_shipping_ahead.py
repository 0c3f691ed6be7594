"""What an order may take of an item does not depend on what this run shipped before it.

In the first releases' planner (`tests/oracles/shipping_plan.py`) an order could take of an
item the stock as found less what the orders ahead of it reserve and what it took itself
("free"), and never more than the stock this run had left ("left"). With the ledger's
reservations "left" never binds: orders are planned in rank order, and every order that takes
stock is in progress and so reserves at least what it takes, so what the orders planned before
it took is at most what they reserve. Each order's decision is then its own, a computation
over its lines, the stock as found and what the orders ahead hold.

These tests check the claim on the twin ledgers of `test_shipping_setbased` (random delivery
terms, credit limits, short stock, prepayments, chosen quantities, orders by number, force,
and the orders shipped at once when they are created): every time the reference planner asks
what an order may take, "left" is at least "free".
"""

from __future__ import annotations

import random

import pytest
from oracles import shipping_plan
from test_shipping_setbased import master_of, randomized, twin_days

from toolkit.core.reservations import NONE

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
