"""Order lines asked in one statement on PostgreSQL (`toolkit.ledger.batches.among`) give what
the IN-lists of `IN_LIST` ids gave (`tests/oracles/in_lists.py`), on SQLite and PostgreSQL:
the open check refuses the same drafts with the same message (random lines for what is open, a
little more or less, the wrong sign, twice over, lines that do not exist) and the stored lines'
ids read back are the same for random sets of orders. IN-lists are cut to 7 ids here, so that
the sample's few hundred lines take many of them."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

import pytest
from oracles import in_lists
from sqlalchemy import select
from test_shipping_setbased import master_of, randomized

from toolkit.core.shipping import ShipmentDraft, ShipmentLine
from toolkit.core.workdays import working_calendar
from toolkit.ledger import batches, deliveries, schema
from toolkit.ledger.db import reading
from toolkit.ledger.deliveries import OverShipment
from toolkit.ledger.orders import load_orders, stored_line_ids
from toolkit.services.orders import create
from toolkit.services.shipping import ship

D = Decimal


def lived(ledger, tmp_path, seed: int):
    """A ledger after a few working days of orders and shipping."""
    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    calendar = working_calendar(master.settings, master.closures)
    day, done = date(2026, 4, 1), 0
    while done < 4:
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            ship(master, ledger, day, all_open=True, force=rng.random() < 0.3, lang="it")
            done += 1
        day += timedelta(1)


def outcome(check, conn, drafts) -> str | None:
    try:
        check(conn, drafts)
    except OverShipment as refused:
        return str(refused)
    return None


@pytest.mark.parametrize("seed", [3, 8])
def test_open_check_and_line_ids_as_in_lists_gave_them(ledger, tmp_path, seed, monkeypatch):
    lived(ledger, tmp_path, seed)
    short = partial(batches.in_batches, size=7)
    monkeypatch.setattr(batches, "in_batches", short)
    monkeypatch.setattr(in_lists, "in_batches", short)
    rng = random.Random(seed)
    with reading(ledger) as conn:
        orders = load_orders(conn)
        lines = [(o, ln) for o in orders for ln in o.lines]
        assert len(lines) > 7 * 3
        refused = 0
        for _ in range(12):
            picked = rng.sample(lines, min(len(lines), rng.choice([1, 5, 40, len(lines)])))
            drafts = []
            for o, ln in picked:
                quantity = rng.choice([ln.to_ship, ln.to_ship, ln.to_ship + D("0.001"), ln.to_ship - D("0.001"),
                                       -ln.to_ship, ln.quantity, D("0.001")]) if rng.random() < 0.2 else ln.to_ship
                line_id = ln.id if rng.random() < 0.98 else 10 ** 9
                shipped = ShipmentLine(ln.item, ln.description, ln.unit, quantity, ln.unit_price, D(0), ln.vat_rate,
                                       ln.vat_nature, o.id, o.number, line_id, ln.line_no)
                drafts.append(ShipmentDraft(date(2026, 4, 1), o.customer, None, None, "sale",
                                            (shipped,) * rng.choice([1, 1, 1, 2])))
            expected = outcome(in_lists.check_open, conn, drafts)
            assert outcome(deliveries._check_open, conn, drafts) == expected
            refused += expected is not None
        assert 0 < refused < 12
        assert deliveries._check_open(conn, []) == {}
        ids = [o.id for o in orders]
        for _ in range(6):
            asked = rng.sample(ids, rng.randint(0, len(ids))) + [10 ** 9] * rng.randint(0, 1)
            assert stored_line_ids(conn, asked) == in_lists.stored_line_ids(conn, asked)
        everything = stored_line_ids(conn, ids)
        ol = schema.order_lines.c
        assert everything == {(r.order_id, r.line_no): r.id for r in conn.execute(select(ol.order_id, ol.line_no, ol.id))}
