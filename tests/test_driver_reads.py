"""The big reads of a day's shipping, read at the driver level (`toolkit.ledger.db.driver_rows`),
give exactly what they gave when SQLAlchemy executed them (`tests/oracles/driver_reads.py`):
compared as `repr`s, so each value's type and each `Decimal`'s digits and exponent count (but
for the holders' sums, now kept: `held_listed`).

A ledger lives random working days (`tests/test_shipped_kept.py`'s actions: creating orders,
shipping every open order, chosen quantities, orders named by number, with or without force,
prepayments paid in full or in part, status changes, confirmations of proposals and
quotations), and after each action every moved reader is asked the same questions both ways:
the holders' rows of every item and of a few (past `FEW_ITEMS` too, the limit lowered to
reach it) with their places, the numbers of a few holders, and the open lines of some of the
orders due on three days. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from oracles import driver_reads as old
from test_shipped_kept import START, act, with_offers
from test_shipping_setbased import master_of, pay_some, randomized

from toolkit.core.reservations import NAMED
from toolkit.core.workdays import working_calendar
from toolkit.ledger import open_ledger, orders, shipments
from toolkit.ledger.db import reading
from toolkit.services.orders import create


def listed(rows) -> str:
    return repr([tuple(row) for row in rows])


def held_listed(rows) -> str:
    """The holders' rows (item, the parts of the holder's place, order id, sum), each sum as an
    integer: the kept table (`toolkit.ledger.reserved`) stores them as integers on both
    databases, where PostgreSQL's SUM of the lines gave a whole `Decimal`."""
    return repr([(*row[:-1], int(row[-1])) for row in rows])


def placed(conn, rows, holding) -> str:
    """The oracle's holders' rows (item, order id, sum) with each holder's place as the oracle
    ranks it (`old._ranks`), in the kept table's order: by item, then by place and order."""
    rows = [tuple(row) for row in rows]
    ranks = old._ranks(conn, {order_id for _, order_id, _ in rows}, holding)
    return held_listed(sorted((item, *ranks[order_id][0], order_id, left) for item, order_id, left in rows))


def same_reads(conn, day, rng: random.Random, monkeypatch) -> int:
    """Every moved reader's answer, old and new, to the same random questions; returns how
    many holders' rows and open lines were compared (for the test to know it looked at something)."""
    holding = old._open_lines(None)[1]
    held = [tuple(row) for row in old._held_rows(conn, None)[0]]
    assert held_listed(orders._held_rows(conn, None)) == placed(conn, held, holding)
    items = sorted({item for item, _, _ in held}) + ["NO-SUCH-ITEM"]
    some = rng.sample(items, min(len(items), rng.randint(1, 4)))
    assert held_listed(orders._held_rows(conn, some)) == placed(conn, old._held_rows(conn, some)[0], holding)
    holders = sorted({order_id for _, order_id, _ in held})
    few = set(rng.sample(holders, min(len(holders), rng.randint(0, 6))))
    numbers = {order_id: number for order_id, (_, number) in old._ranks(conn, set(holders), holding).items()}
    queues = {"any": [((0, "", 0), order_id, 1) for order_id in sorted(few)]}
    assert orders._names(conn, queues, every=True) == {i: numbers[i] for i in few}
    assert orders._names(conn, queues, every=False) == {i: numbers[i] for i in sorted(few)[:NAMED]}
    with monkeypatch.context() as m:
        m.setattr(orders, "FEW_ITEMS", 2)
        m.setattr(old, "FEW_ITEMS", 2)
        assert held_listed(orders._held_rows(conn, some)) == placed(conn, old._held_rows(conn, some)[0], holding)

    looked = len(held)
    for when in (day, day - timedelta(3), day + timedelta(10)):
        due, _, _ = shipments.due_orders(conn, when)
        asked = rng.sample(due, min(len(due), rng.randint(0, len(due))))
        lines = shipments.open_lines(conn, asked)
        assert repr(lines) == repr(old.open_lines(conn, asked)), when
        looked += sum(map(len, lines.values()))
    return looked


@pytest.mark.parametrize("seed", [1, 2])
def test_driver_reads_are_the_sqlalchemy_reads(ledger_url, seed, monkeypatch, tmp_path):
    rng = random.Random(seed)
    master = with_offers(randomized(master_of(tmp_path, seed), rng), rng)
    ledger = open_ledger(ledger_url)
    calendar = working_calendar(master.settings, master.closures)
    day, done, counter, looked = START, 0, [0], 0
    while done < 5:
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            pay_some(ledger, rng, counter)
            for _ in range(rng.randint(1, 3)):
                act(master, ledger, day, rng, counter)
                with reading(ledger) as conn:
                    looked += same_reads(conn, day, rng, monkeypatch)
            done += 1
        day += timedelta(1)
    assert looked > 100
    ledger.engine.dispose()
