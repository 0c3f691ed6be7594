"""The day's shipping takes the figures it read in its own write transaction for the ledger's,
and gives exactly what it gave when it read them again (`tests/oracles/ship_read_again.py`):

- the open check answered from the shipped lines as read (`open_as_read`) refuses exactly the
  drafts the ledger's check (`_check_open`) refuses, with its message, and a plan that would
  ship more than is open is still refused by `ship`;
- the due orders given their lines by position (`with_lines`) are those `replace` gave, and a
  field added to `Order` cannot be missed;
- the completed orders are found as before;
- the DDTs just stored, built from their drafts (`stored_notes`), are those built before and
  those `load_notes` reads back, whatever places the drafts' quantities are written with;
- whole days, on random ledgers on SQLite and PostgreSQL, give the DDTs, held records, messages
  in both languages, completed orders and tables of the row-by-row reference
  (`tests/oracles/shipping_rowwise.py`, through `test_shipping_setbased.twin_days`).
"""

from __future__ import annotations

import random
from dataclasses import fields, replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from oracles import reservations_rowwise, ship_read_again
from sqlalchemy import select
from test_among import outcome
from test_shipping_setbased import master_of, randomized, twin_days

from toolkit.core.lines import line_amount
from toolkit.core.orders import Order, OrderStatus
from toolkit.core.shipping import Reason, ShipmentDraft, ShipmentLine, plan_shipments
from toolkit.core.workdays import working_calendar
from toolkit.ledger import deliveries, schema, shipments
from toolkit.ledger.db import writing
from toolkit.ledger.deliveries import OverShipment, load_notes, open_as_read, store_drafts
from toolkit.ledger.orders import load_orders
from toolkit.ledger.shipments import due_orders, with_lines
from toolkit.model.parties import party_book
from toolkit.services import shipping
from toolkit.services.orders import create
from toolkit.services.shipping import complete_orders, lines_shipped, ship

D = Decimal
START = date(2026, 4, 1)


def lived(master, ledger, rng: random.Random, days: int) -> date:
    """Some working days of orders, every open order shipped (some with force) or a few named
    ones; returns the last day."""
    calendar = working_calendar(master.settings, master.closures)
    day, done = START, 0
    while done < days:
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            if rng.random() < 0.6:
                ship(master, ledger, day, all_open=True, force=rng.random() < 0.3, lang="it")
            done += 1
        day += timedelta(1)
    return day


def random_drafts(rng: random.Random, lines: list) -> list[ShipmentDraft]:
    """Drafts of random order lines: what is open, a little more or less, the wrong sign, the
    whole ordered quantity, twice over two drafts, or a line that does not exist."""
    picked = rng.sample(lines, min(len(lines), rng.choice([1, 4, 30, len(lines)])))
    drafts = []
    for o, ln in picked:
        quantity = rng.choice([ln.to_ship + D("0.001"), ln.to_ship - D("0.001"), -ln.to_ship, ln.quantity,
                               D("0.001")]) if rng.random() < 0.15 else ln.to_ship
        line_id = ln.id if rng.random() < 0.98 else 10 ** 9
        shipped = ShipmentLine(ln.item, ln.description, ln.unit, quantity, ln.unit_price, D(0), ln.vat_rate,
                               ln.vat_nature, o.id, o.number, line_id, ln.line_no)
        drafts.append(ShipmentDraft(START, o.customer, None, None, Reason.SALE, (shipped,) * rng.choice([1, 1, 1, 2])))
    return drafts


def stored(conn, master, drafts, **options) -> str | None:
    """`store_drafts` in a savepoint rolled back: its refusal's message, or None (stored)."""
    savepoint = conn.begin_nested()
    try:
        store_drafts(conn, drafts, "TST", party_book(master), lang="it", **options)
    except OverShipment as refused:
        return str(refused)
    finally:
        savepoint.rollback()
    return None


@pytest.mark.parametrize("seed", [5, 11])
def test_the_open_check_as_read_refuses_what_the_ledger_refuses(ledger, tmp_path, seed):
    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    lived(master, ledger, rng, 4)
    with writing(ledger) as conn:
        orders = load_orders(conn)
        read = {ln.id: ln for o in orders for ln in o.lines}
        lines = [(o, ln) for o in orders for ln in o.lines if ln.to_ship != 0]
        assert len(lines) > 10
        refused = answered = 0
        for _ in range(25):
            drafts = random_drafts(rng, lines)
            want = outcome(deliveries._check_open, conn, drafts)
            assert outcome(reservations_rowwise.check_open, conn, drafts) == want
            assert stored(conn, master, drafts, read=read) == want
            assert stored(conn, master, drafts, read={i: ln for i, ln in read.items() if rng.random() < 0.9}) == want
            assert stored(conn, master, drafts) == want
            if (quick := open_as_read(drafts, read)) is not None:
                assert want is None and quick == deliveries._wanted(drafts)
                answered += 1
            refused += want is not None
        assert 0 < refused < 25 and answered > 0
        whole = [ShipmentDraft(START, o.customer, None, None, Reason.SALE, (ShipmentLine(
            ln.item, ln.description, ln.unit, ln.to_ship, ln.unit_price, D(0), ln.vat_rate, ln.vat_nature, o.id,
            o.number, ln.id, ln.line_no),)) for o, ln in lines]
        assert open_as_read(whole, read) == deliveries._check_open(conn, whole)
        conn.rollback()


@pytest.mark.parametrize("how", ["more", "twice", "wrong-sign"])
def test_a_plan_shipping_more_than_is_open_is_still_refused(ledger, tmp_path, monkeypatch, how):
    master = master_of(tmp_path, 7)
    day = lived(master, ledger, random.Random(7), 2)
    planned = []

    def stale(*args, **kwargs):
        plan = plan_shipments(*args, **kwargs)
        first, *rest = plan.drafts
        line = first.lines[0]
        if how == "more":
            wrong = (replace(line, quantity=line.quantity + D("0.001")), *first.lines[1:])
        elif how == "twice":
            wrong = (*first.lines, line)
        else:
            wrong = (replace(line, quantity=-line.quantity), *first.lines[1:])
        planned.append([replace(first, lines=wrong), *rest])
        return replace(plan, drafts=tuple(planned[-1]))

    with writing(ledger) as conn:
        before = conn.execute(select(schema.deliveries.c.id)).all()
    monkeypatch.setattr(shipping, "plan_shipments", stale)
    with pytest.raises(OverShipment) as refused:
        ship(master, ledger, day, all_open=True, lang="it")
    with writing(ledger) as conn:
        assert conn.execute(select(schema.deliveries.c.id)).all() == before
        assert outcome(deliveries._check_open, conn, planned[-1]) == str(refused.value)


def test_orders_get_their_lines_as_replace_gives():
    order = Order(*(object() for _ in fields(Order)))
    lines = (object(),)
    assert shipments._with(order, lines) == replace(order, lines=lines)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [5, 11])
def test_lines_and_completed_orders_as_before(ledger, tmp_path, seed):
    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    day = lived(master, ledger, rng, 5)
    with writing(ledger) as conn:
        due, _, _ = due_orders(conn, day)
        assert due
        read = with_lines(conn, due)
        assert repr(read) == repr(ship_read_again.with_lines(conn, due))
        lines = [(o, ln) for o in read for ln in o.lines if ln.to_ship != 0]
        completed = 0
        for _ in range(10):
            drafts = random_drafts(rng, lines)
            got, want = [], []
            for complete, out in ((complete_orders, got), (ship_read_again.complete_orders, want)):
                savepoint = conn.begin_nested()
                out.append(complete(conn, read, drafts))
                o = schema.orders.c
                out.append(conn.execute(select(o.id, o.status).order_by(o.id)).all())
                savepoint.rollback()
            assert got == want
            completed += len(got[0])
            assert set(lines_shipped(drafts, {o.id: o for o in read})) >= {
                ln.order_line_id for d in drafts for ln in d.lines if ln.order_line_id != 10 ** 9}
        assert completed > 0
        assert all(o.status is OrderStatus.IN_PROGRESS for o in read)
        conn.rollback()


def same_value(rng: random.Random, quantity: Decimal) -> Decimal:
    """`quantity` as it is, or written with more places or none."""
    return rng.choice([quantity, quantity.quantize(D("0.00001")),
                       D(int(quantity)) if quantity == int(quantity) else quantity])


@pytest.mark.parametrize("seed", [5, 11])
def test_stored_notes_as_before_and_as_read_back(ledger, tmp_path, seed):
    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    lived(master, ledger, rng, 4)
    with writing(ledger) as conn:
        orders = {o.id: o for o in load_orders(conn)}
        lines = [(o, ln) for o in orders.values() for ln in o.lines if ln.to_ship > 0]
        assert lines
        for _ in range(4):
            drafts, picked = [], rng.sample(lines, min(len(lines), rng.choice([1, 5, 40])))
            for o, ln in picked:
                quantity = same_value(rng, rng.choice([ln.to_ship, ln.to_ship, min(ln.to_ship, D("0.001")),
                                                       ln.to_ship - min(ln.to_ship, D(1)) or ln.to_ship]))
                drafts.append(ShipmentDraft(
                    START, o.customer, None, None, Reason.SALE, (ShipmentLine(
                        ln.item, ln.description, ln.unit, quantity, ln.unit_price, line_amount(quantity, ln.unit_price),
                        ln.vat_rate, ln.vat_nature, o.id, o.number, ln.id, ln.line_no),),
                    weight=rng.choice([None, D("1.5"), D("0.25000")])))
            accounting = rng.choice([None, START + timedelta(2)])
            savepoint = conn.begin_nested()
            book = party_book(master)
            ids = store_drafts(conn, drafts, "TST", book, accounting_date=accounting, lang="en")
            got = shipments.stored_notes(conn, ids, "TST", drafts, orders, accounting, book, lang="en")
            assert repr(got) == repr(ship_read_again.stored_notes(conn, ids, "TST", drafts, orders, accounting, book, lang="en"))
            assert repr(got) == repr(load_notes(conn, ids=ids))
            savepoint.rollback()
        conn.rollback()


@pytest.mark.parametrize("seed", [4, 9])
def test_randomized_days_ship_as_the_reference(twin_urls, tmp_path, seed, monkeypatch):
    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    assert twin_days(master, tmp_path, rng, 6, monkeypatch=monkeypatch, urls=twin_urls) > 0
