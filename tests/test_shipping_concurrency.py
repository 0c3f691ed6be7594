"""Two processes shipping at once on the same ledger (a SQLite file; PostgreSQL when
TOOLKIT_TEST_PG_URL is set): DDT numbers stay progressive, unique and gap-free, and the same
order is never shipped twice."""

from __future__ import annotations

import multiprocessing
from datetime import date, timedelta
from decimal import Decimal

import minimal
import pytest
from sqlalchemy import func, select
from test_shipping import shipping_sheets

from toolkit.intake.validation import check
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders
from toolkit.services.orders import create

DAY = date(2026, 4, 9)
TIMEOUT = 120


def _ship(url: str, numbers: list[str] | None, barrier, results) -> None:
    """One user: ships the given orders one DDT run at a time, or every open order at once."""
    from toolkit.services.shipping import ship

    master = check(minimal.workbook(shipping_sheets())).master
    ledger = open_ledger(url)
    barrier.wait(TIMEOUT)
    issued = []
    if numbers is None:
        issued += [n.number for n in ship(master, ledger, DAY, all_open=True, lang="it").notes]
    for number in numbers or ():
        issued += [n.number for n in ship(master, ledger, DAY, numbers=[number], lang="it").notes]
    ledger.engine.dispose()
    results.put(issued)


def _run_two(url: str, first: list[str] | None, second: list[str] | None) -> list[list[str]]:
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    workers = [ctx.Process(target=_ship, args=(url, numbers, barrier, results)) for numbers in (first, second)]
    for w in workers:
        w.start()
    issued = [results.get(timeout=TIMEOUT) for _ in workers]
    for w in workers:
        w.join(TIMEOUT)
        assert w.exitcode == 0
    return issued


@pytest.fixture
def many_orders(ledger_url):
    """Orders of T001 (C001) and T003 (C002) for every Monday and Thursday from 2 March to 9 April."""
    master = check(minimal.workbook(shipping_sheets())).master
    ledger = open_ledger(ledger_url)
    day = date(2026, 3, 2)
    while day <= DAY:
        create(master, ledger, day, with_catch_up=False, lang="it")
        day += timedelta(days=1)
    with reading(ledger) as conn:
        numbers = [o.number for o in load_orders(conn) if o.template in ("T001", "T003")]
    yield ledger, numbers
    ledger.engine.dispose()


def _ddt_numbers(ledger) -> list[int]:
    d = schema.deliveries.c
    with reading(ledger) as conn:
        return list(conn.execute(select(d.number).where(d.series == "DDT", d.year == 2026).order_by(d.number)).scalars())


def test_numbers_stay_progressive_and_unique_when_two_ship_at_once(ledger_url, many_orders):
    ledger, numbers = many_orders
    assert len(numbers) == 24
    issued = _run_two(ledger_url, numbers[0::2], numbers[1::2])
    assert all(len(mine) == 12 for mine in issued)
    assert all(mine == sorted(mine) for mine in issued)
    assert sorted(issued[0] + issued[1]) == [f"DDT-2026-{n:05d}" for n in range(1, 25)]
    assert _ddt_numbers(ledger) == list(range(1, 25))
    c = schema.counters.c
    with reading(ledger) as conn:
        assert conn.execute(select(c.last).where(c.series == "DDT", c.year == 2026)).scalar_one() == 24


def test_the_same_orders_are_never_shipped_twice(ledger_url, many_orders):
    ledger, numbers = many_orders
    issued = _run_two(ledger_url, None, None)
    # one run ships everything: C001 at D001, C002's sales, C002's return of 31 March
    assert sorted(len(mine) for mine in issued) == [0, 3]
    assert _ddt_numbers(ledger) == [1, 2, 3]
    dl, ol = schema.delivery_lines.c, schema.order_lines.c
    with reading(ledger) as conn:
        over = conn.execute(
            select(ol.id).join(schema.delivery_lines, dl.order_line_id == ol.id)
            .group_by(ol.id, ol.quantity).having(func.sum(dl.quantity) != ol.quantity)).all()
        orders = {o.number: o for o in load_orders(conn)}
    assert over == []
    assert all(orders[n].status.value == "completed" and orders[n].to_ship == Decimal(0) for n in numbers)
