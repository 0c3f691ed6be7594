"""The orders' kept values still to ship and the DDTs' values not yet invoiced, each a pair of
integers summed by one row-value subquery (`toolkit.ledger.unshipped.both_at_once`), are those a
subquery per column sums (`tests/oracles/kept_pairs.py`), on SQLite and on PostgreSQL.

A randomized ledger lives a few days (orders created, some prepaid at the order, returns, DDTs
shipped, chosen orders invoiced in runs made final, undone or left); then its kept pairs are
scrambled and summed again both ways, for every order and DDT and for random subsets of them
(a subset's others keep their scrambled values, so an update reaching past its rows fails too).
And orders stored with their lines' value (`toolkit.ledger.unshipped.as_drafted`, no statement)
keep the pair both recounts sum, quantities and prices of either sign, whole euros, cents and
millionths among them.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from oracles import kept_pairs
from sqlalchemy import select, update
from test_shipping_setbased import START, master_of, pay_some, randomized
from test_unshipped_kept import invoice_some, quoting

from toolkit.core.drafts import draft_orders
from toolkit.core.orders import OrderStatus
from toolkit.core.plan import due_between
from toolkit.core.workdays import working_calendar
from toolkit.ledger import schema, uninvoiced, unshipped
from toolkit.ledger.db import migrate, writing
from toolkit.ledger.orders import insert_orders
from toolkit.services.orders import create
from toolkit.services.shipping import ship

o, d = schema.orders.c, schema.deliveries.c


def pairs(conn) -> tuple[list, list]:
    return (conn.execute(select(o.id, o.unshipped_euros, o.unshipped_micros).order_by(o.id)).all(),
            conn.execute(select(d.id, d.uninvoiced_euros, d.uninvoiced_micros).order_by(d.id)).all())


def scramble(conn, rng: random.Random, order_ids: list[int], delivery_ids: list[int]) -> None:
    """Every kept pair set to random integers, the same for the same `rng` state."""
    for order_id in order_ids:
        conn.execute(update(schema.orders).where(o.id == order_id).values(
            unshipped_euros=rng.randint(-10**6, 10**6), unshipped_micros=rng.randint(-10**9, 10**9)))
    for delivery_id in delivery_ids:
        conn.execute(update(schema.deliveries).where(d.id == delivery_id).values(
            uninvoiced_euros=rng.randint(-10**6, 10**6), uninvoiced_micros=rng.randint(-10**9, 10**9)))


@pytest.mark.parametrize("seed", [4, 11])
def test_one_subquery_sums_what_two_summed(ledger, tmp_path, seed):
    rng = random.Random(seed)
    master = quoting(randomized(master_of(tmp_path, seed), rng), rng)
    calendar = working_calendar(master.settings, master.closures)
    day, done, counter, runs = START, 0, [0], set()
    while done < 4:
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            pay_some(ledger, rng, counter)
            ship(master, ledger, day, all_open=True, force=rng.random() < 0.3, lang="it")
            invoice_some(master, ledger, day, rng, runs)
            done += 1
        day += timedelta(1)
    with writing(ledger) as conn:
        orders, ddts = pairs(conn)
        order_ids, delivery_ids = [row[0] for row in orders], [row[0] for row in ddts]
        assert any(e or m for _, e, m in orders) and any(e or m for _, e, m in ddts), "values kept"
        assert not all(e or m for _, e, m in ddts), "DDTs invoiced"
        for subset in range(4):
            some_orders = order_ids if subset == 0 else rng.sample(order_ids, len(order_ids) // 3)
            some_ddts = delivery_ids if subset == 0 else rng.sample(delivery_ids, len(delivery_ids) // 3)
            state = rng.random()
            scramble(conn, random.Random(state), order_ids, delivery_ids)
            kept_pairs.recount_orders(conn, some_orders)
            kept_pairs.recount_deliveries(conn, some_ddts)
            expected = pairs(conn)
            scramble(conn, random.Random(state), order_ids, delivery_ids)
            unshipped.recount(conn, some_orders)
            uninvoiced.recount(conn, some_ddts)
            assert pairs(conn) == expected, subset
            if subset == 0:
                assert expected == (orders, ddts)


def signed(rng: random.Random, places: int, top: int) -> Decimal:
    """A random figure of either sign: whole, or with `places` decimals, small or large."""
    scale = rng.choice((0, 2, places))
    return Decimal(rng.randint(-top, top) * 10 ** (places - scale)).scaleb(-places) if scale \
        else Decimal(rng.randint(-top // 10 ** places, top // 10 ** places))


@pytest.mark.parametrize("seed", [3, 17])
def test_orders_are_stored_with_the_pair_a_recount_sums(ledger, tmp_path, seed):
    migrate(ledger)
    rng = random.Random(seed)
    master = master_of(tmp_path, seed)
    dues, _ = due_between(master, date(2026, 4, 1), date(2026, 4, 20))
    drafts, _ = draft_orders(master, dues)
    odd = [replace(d, lines=tuple(replace(line, quantity=signed(rng, 3, 10**6), unit_price=signed(rng, 6, 10**10))
                                  if rng.random() < 0.6 else line for line in d.lines))
           for d in rng.sample(drafts, min(len(drafts), 80))]
    prices = [line.unit_price for d in odd for line in d.lines]
    assert min(prices) < 0 < max(prices) and any(p == p.to_integral_value() for p in prices)
    with writing(ledger) as conn:
        ids = [order_id for order_id, _ in insert_orders(conn, odd, "OC", [OrderStatus.IN_PROGRESS] * len(odd), lang="it")]
        stored = pairs(conn)[0]
        assert any(e < 0 for _, e, _ in stored) and any(m < 0 for _, _, m in stored)
        for recount in (unshipped.recount, kept_pairs.recount_orders):
            conn.execute(update(schema.orders).values(unshipped_euros=7, unshipped_micros=-7))
            recount(conn, ids)
            assert pairs(conn)[0] == stored
