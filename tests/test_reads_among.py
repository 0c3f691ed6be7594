"""Shipping's reads asking PostgreSQL once, the orders bound as one array (`open_lines`,
`paid_orders`, through `toolkit.ledger.batches.id_lists` and `among`), give what the IN-lists of
`IN_LIST` ids gave (`tests/oracles/reads_in_lists.py`), on SQLite and PostgreSQL.

Two ways: on ledgers that lived a few random days (orders, prepayment invoices paid in full or
in part, `ship --all`), each reader against its old form for random sets of orders (none, a
few, all, ids that do not exist, repeats), compared by `repr`; and two ledgers living the same
random days and the month's invoicing, one shipping with the old readers, which must end with
the same rows in every table the month writes and the same shipping outcomes day by day. The
IN-lists are cut to 7 ids in the first, so that SQLite's path takes many of them."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import partial

import pytest
from oracles import reads_in_lists
from test_copy_in import twin_month
from test_shipping_setbased import master_of, pay_some, randomized, seen

from toolkit.core.workdays import working_calendar
from toolkit.ledger import batches
from toolkit.ledger.db import reading
from toolkit.ledger.deliveries import paid_orders
from toolkit.ledger.orders import load_orders
from toolkit.ledger.shipments import due_orders, open_lines
from toolkit.services import shipping as shipping_service
from toolkit.services.orders import create
from toolkit.services.shipping import ship


def lived(master, ledger, rng: random.Random, days: int) -> date:
    """`days` working days of orders, prepayments and `ship --all`; returns the last."""
    calendar = working_calendar(master.settings, master.closures)
    day, done, counter = date(2026, 4, 1), 0, [0]
    while True:
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            pay_some(ledger, rng, counter)
            ship(master, ledger, day, all_open=True, force=rng.random() < 0.3, lang="it")
            done += 1
            if done == days:
                return day
        day += timedelta(1)


@pytest.mark.parametrize("seed", [4, 9])
def test_open_lines_and_paid_orders_as_in_lists_gave_them(ledger, tmp_path, seed, monkeypatch):
    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    day = lived(master, ledger, rng, 4)
    short = partial(batches.in_batches, size=7)
    monkeypatch.setattr(batches, "in_batches", short)
    monkeypatch.setattr(reads_in_lists, "in_batches", short)
    with reading(ledger) as conn:
        orders = load_orders(conn)
        due, _, _ = due_orders(conn, day)
        assert len(due) > 7 * 3
        ids = [o.id for o in orders]
        assert reads_in_lists.paid_orders(conn, ids), "some prepayments are paid"
        assert set(ids) - reads_in_lists.paid_orders(conn, ids), "some are not"
        assert any(reads_in_lists.open_lines(conn, due).values()), "some orders have lines still to ship"
        for _ in range(10):
            picked = rng.sample(orders, min(len(orders), rng.choice([0, 1, 5, 40, len(orders)])))
            picked += rng.sample(due, rng.randint(0, len(due)))
            assert repr(open_lines(conn, picked)) == repr(reads_in_lists.open_lines(conn, picked))
            asked = [o.id for o in picked] + [10 ** 9] * rng.randint(0, 1)
            rng.shuffle(asked)
            assert repr(sorted(paid_orders(conn, asked))) == repr(sorted(reads_in_lists.paid_orders(conn, asked)))
        assert open_lines(conn, []) == {} and paid_orders(conn, []) == set()
        assert repr(open_lines(conn, due)) == repr(reads_in_lists.open_lines(conn, due))


def _old_reads(monkeypatch) -> None:
    """Shipping with the readers as they were."""
    monkeypatch.setattr(shipping_service, "open_lines", reads_in_lists.open_lines)
    monkeypatch.setattr(shipping_service, "paid_orders", reads_in_lists.paid_orders)


@pytest.mark.parametrize("seed", [6, 17])
def test_a_month_shipped_with_one_array_is_the_month_in_lists_shipped(tmp_path, twin_urls, seed,
                                                                      monkeypatch):
    rng = random.Random(seed)
    days = twin_month(randomized(master_of(tmp_path, seed), rng), twin_urls, rng, monkeypatch, _old_reads)
    for n, (now, before) in enumerate(days):
        assert seen(now) == seen(before), n
    assert any(now.held for now, _ in days), "some orders were held"
