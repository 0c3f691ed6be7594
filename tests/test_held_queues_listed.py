"""Past `FEW_ITEMS`, `toolkit.ledger.orders.held_queues` reads the holders of the items asked
only, in one `IN` list where the driver binds them all, with their places; before, every
holder of the whole ledger (`tests/oracles/held_queues_whole.py`). On randomized ledgers with
holders ahead (orders not shipped, proposals, proposals confirmed, which keep the proposal's
place), short and covered items, both read the same queues, places and "held elsewhere" for
any items; and `create` (several occurrence days shipped in one transaction)
issues the same DDTs and their lines, held records, messages in Italian and English, and
ledger rows either way. SQLite and PostgreSQL."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from conftest import PG_REASON, PG_URL, _pg_database
from oracles import held_queues_whole
from sqlalchemy import bindparam, select, update
from test_orders_from_drafts import _at_once, _rows
from test_shipping_days import _queue
from test_shipping_setbased import master_of

from toolkit.basics.vocab import DocumentType
from toolkit.core.orders import OrderStatus
from toolkit.core.reservations import NONE
from toolkit.ledger import batches, open_ledger, reserved, schema
from toolkit.ledger import orders as ledger_orders
from toolkit.ledger.db import document_number, driver_rows, migrate, reading, writing
from toolkit.ledger.types import stored_integer
from toolkit.services import shipping_days
from toolkit.services.order_confirm import confirm
from toolkit.services.orders import create


def _with_proposals(master, rng: random.Random):
    """A few templates made proposals: they hold stock until confirmed."""
    templates = tuple(replace(t, document_type=DocumentType.PROPOSAL) if rng.random() < 0.12 else t
                      for t in master.templates)
    return master.model_copy(update={"templates": templates})


def _open_proposals(ledger) -> list[str]:
    o = schema.orders.c
    with reading(ledger) as conn:
        rows = conn.execute(select(o.series, o.year, o.number)
                            .where(o.document_type == DocumentType.PROPOSAL.value, o.status == OrderStatus.DRAFT.value)
                            .order_by(o.id)).all()
    return [document_number(r.series, r.year, r.number) for r in rows]


def _month(master, ledger, days, rng: random.Random) -> int:
    """Orders created on these days, some proposals confirmed after each; nothing else ships.
    Returns how many were confirmed."""
    confirmed = 0
    for day in days:
        create(master, ledger, day, lang="it")
        for number in _open_proposals(ledger):
            if rng.random() < 0.4:
                assert confirm(master, ledger, number, day, lang="it").order is not None
                confirmed += 1
    return confirmed


@pytest.mark.parametrize("one_list", [None, 2])
def test_the_listed_holders_are_those_every_holder_read_gave(ledger, tmp_path, monkeypatch, one_list):
    """`one_list`: the driver binds at most that many values in a list (every holder is read
    then, as before)."""
    migrate(ledger)
    rng = random.Random(23)
    master = _with_proposals(_at_once(master_of(tmp_path, 23), rng), rng)
    assert _month(master, ledger, [date(2026, 4, 1) + timedelta(days=n) for n in (0, 2, 6, 9)], rng) > 2
    if one_list is not None:
        monkeypatch.setattr(batches, "ONE_LIST", one_list)
    codes = sorted({item.code for item in master.items})
    seen = {"elsewhere": 0, "alone": 0, "listed": 0}
    asked_elsewhere = reserved.elsewhere

    def listed():
        seen["listed"] += 1
        return asked_elsewhere()

    monkeypatch.setattr(reserved, "elsewhere", listed)
    with ledger.engine.connect() as conn:
        held_items = sorted({item for item, in conn.execute(select(schema.order_lines.c.item).distinct())})
        for few in (1, 3, 8):
            monkeypatch.setattr(ledger_orders, "FEW_ITEMS", few)
            for _ in range(8):
                items = set(rng.sample(codes, rng.randint(1, len(codes)))) | {"nobody holds this"}
                if rng.random() < 0.25:
                    items |= set(held_items)
                new = ledger_orders.held_queues(conn, items)
                old = held_queues_whole.held_queues(conn, items)
                assert repr(new._held) == repr(old._held)
                assert new._elsewhere == old._elsewhere
                for _ in range(4):
                    asked = set(rng.sample(sorted(items), rng.randint(1, len(items))))
                    short = {item: D(rng.choice([0, 1, 4, 50])) for item in asked}
                    found, read = new.reservations(asked, short), old.reservations(asked, short)
                    assert (found is NONE) == (read is NONE)
                    assert [_queue(found, item) for item in sorted(asked)] == [_queue(read, item) for item in sorted(asked)]
                seen["elsewhere"] += len(items) > few and new._elsewhere
                seen["alone"] += len(items) > few and not new._elsewhere
    assert seen["elsewhere"] > 2 and seen["alone"] > 2
    assert (seen["listed"] > 0) == (one_list is None)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_ledgers(request, tmp_path):
    """Two empty ledgers on the same backend: one for each way."""
    if request.param == "sqlite":
        ledgers = [open_ledger(f"sqlite:///{tmp_path / f'{way}.sqlite'}") for way in ("oracle", "new")]
        yield ledgers
        for ledger in ledgers:
            ledger.engine.dispose()
        return
    if not PG_URL:
        pytest.skip(PG_REASON)
    made = [_pg_database() for _ in range(2)]
    ledgers = [open_ledger(url) for url, _ in made]
    yield ledgers
    for ledger, (_, drop) in zip(ledgers, made):
        ledger.engine.dispose()
        drop()


def _seen(done, held) -> tuple:
    problems = tuple((p.code, p.sheet, p.cell, sorted(dict(p.params).items()),
                      p.message("it"), p.message("en")) for p in done.problems)
    return (repr(done.notes), repr([replace(x, run_id=None) for x in done.invoices]), repr(done.created), problems,
            repr(held))


@pytest.mark.parametrize(("seed", "few"), [(4, 1), (21, 3), (36, 1)])
def test_create_ships_at_once_as_with_every_holder_read(two_ledgers, tmp_path, monkeypatch, seed, few):
    rng = random.Random(seed)
    master = _with_proposals(_at_once(master_of(tmp_path, seed), rng), rng)
    start = date(2026, 4, rng.randint(1, 5))
    days = [start + timedelta(days=n) for n in sorted(rng.sample(range(1, 24), 6))]
    ways = []
    for way, ledger in zip(("oracle", "new"), two_ledgers):
        migrate(ledger)
        held: list = []
        real_ship_in = shipping_days.ship_in

        def ship_in(*args, held=held, real_ship_in=real_ship_in, **options):
            done = real_ship_in(*args, **options)
            held.append(done.held)
            return done

        seen, confirmed, warned = [], 0, 0
        chosen = random.Random(seed + 1)
        with monkeypatch.context() as patched:
            patched.setattr(ledger_orders, "FEW_ITEMS", few)
            patched.setattr(shipping_days, "ship_in", ship_in)
            if way == "oracle":
                patched.setattr(shipping_days, "held_queues", held_queues_whole.held_queues)
            for day in days:
                held.clear()
                done = create(master, ledger, day, lang="it")
                warned += sum(p.code == "stock-reserved" for p in done.problems)
                seen.append(_seen(done, list(held)))
                for number in _open_proposals(ledger):
                    if chosen.random() < 0.4:
                        made = confirm(master, ledger, number, day, lang="it")
                        assert made.order is not None, made.problems
                        confirmed += 1
                        seen.append(made.order)
        ways.append((seen, _rows(ledger), confirmed, warned))
    (oracle, oracle_rows, _, _), (new, new_rows, confirmed, warned) = ways
    assert new == oracle
    assert new_rows == oracle_rows
    assert confirmed > 2 and warned > 0 and len(new_rows[3]) > 20


def test_the_queues_rank_as_the_core_whatever_order_the_database_gives_the_series(ledger, tmp_path, monkeypatch):
    """The kept rows come in the database's order of the places' parts; under a collation other
    than the code points' (PostgreSQL's locale) the series of one item's holders could come in
    another order than the core's `rank` (orders and the proposals they confirm, `OC` and `PV`
    here). Read with the series given backwards, the queues, their first holders' names and
    every warning's answers are the same, by `reservations` and by `held_queues`. (The ledger's
    orders are moved to two series, as a desk that changed its series at some point has them.)"""
    migrate(ledger)
    rng = random.Random(31)
    master = _with_proposals(_at_once(master_of(tmp_path, 31), rng), rng)
    assert _month(master, ledger, [date(2026, 4, 1) + timedelta(days=n) for n in (0, 2, 6, 9)], rng) > 2
    with writing(ledger) as conn:
        conn.execute(update(schema.orders).where(schema.orders.c.id % 2 == 1).values(series="OA"))
        reserved.recount(conn)
    r = schema.reserved.c
    backwards = (select(*reserved.KEY, stored_integer(r.quantity))
                 .order_by(r.item, r.place_year, r.place_series.desc(), r.place_number, r.order_id))
    with ledger.engine.connect() as conn:
        items = sorted({item.code for item in master.items})
        orders = ledger_orders.load_orders(conn, statuses=[OrderStatus.IN_PROGRESS, OrderStatus.DRAFT])
        asked = {order.id for order in orders}
        short = {item: D(rng.choice([0, 1, 4])) for item in items}
        straight = [ledger_orders.reservations(conn, items, short_of=short, asked=asked),
                    ledger_orders.held_queues(conn, items).reservations(items, short, asked)]
        with monkeypatch.context() as m:
            m.setattr(reserved, "rows", lambda few: backwards if not few else
                      backwards.where(r.item.in_(bindparam("items", expanding=True))))
            rows = list(driver_rows(conn, reserved.rows(False)))
            crossed = [ledger_orders.reservations(conn, items, short_of=short, asked=asked),
                       ledger_orders.held_queues(conn, items).reservations(items, short, asked)]
    assert any(a[0] == b[0] and a[2] != b[2] for a, b in zip(rows, rows[1:])), "an item held by two series"
    for read, want in zip(crossed, straight):
        assert [_queue(read, item) for item in items] == [_queue(want, item) for item in items]
        for order in orders:
            for line in order.lines:
                assert read.first_holders_ahead(line.item, order) == want.first_holders_ahead(line.item, order)
                assert read.ahead(line.item, order) == want.ahead(line.item, order)
