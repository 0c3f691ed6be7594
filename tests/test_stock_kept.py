"""The stock on hand read from the kept sums per item and DDT date (`shipped_by_day`, schema 15)
is the stock summed from every DDT line since the count date (`tests/oracles/stock_summed.py`).

Random desks live several working days (SQLite and PostgreSQL): orders created, those of the
types that ship at once shipped at creation (returns among them), every open order shipped,
chosen quantities, orders named by number, with or without force, prepayments arriving, status
changes, confirmations (`tests/test_shipped_kept.py`'s actions). After every action the kept
table holds, row for row, the DDT lines' sums per item and date (an item and date whose lines
sum to nothing included), and `available_stock` gives the oracle's figures, to the keys and
each `Decimal`'s form, for count dates before the first DDT, on and between and after the DDT
dates, for a stock sheet without a count date, and for a workbook without a stock sheet.
The same holds for DDTs stored as any caller might hand them (parts, lines of no quantity, a
line naming another item than its order line's), and a ledger of schema 14 holding DDTs gets
the same figures from migration 15.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from older_ledgers import back_to
from oracles import stock_summed
from sqlalchemy import select
from test_orders_from_drafts import _at_once
from test_shipped_kept import act, with_offers
from test_shipping_setbased import master_of

from toolkit.basics.vocab import DocumentType
from toolkit.core.orders import OrderStatus
from toolkit.core.shipping import Reason, ShipmentDraft, ShipmentLine
from toolkit.core.workdays import working_calendar
from toolkit.ledger import batches, schema, shipped_by_day
from toolkit.ledger.db import migrate, reading, writing
from toolkit.ledger.deliveries import available_stock, store_drafts
from toolkit.ledger.orders import load_orders
from toolkit.model.parties import party_book
from toolkit.services.orders import create
from toolkit.services.shipping import ship

D = Decimal
START = date(2026, 4, 1)
MILLI = D("0.001")
NOTHING_DAY = START + timedelta(5)
"""The date of the DDTs that ship no quantity at all."""


def kept(conn) -> dict:
    """The kept table's rows: (item, DDT date) → quantity."""
    sb = schema.shipped_by_day.c
    return {(item, day): quantity for item, day, quantity in conn.execute(select(sb.item, sb.delivery_date, sb.quantity))}


def count_dates(conn) -> list[date | None]:
    """None (the sheet is today's stock), a day before any DDT, and each DDT date, the day after
    it (between two DDT dates, or after the last one) and the day before it."""
    days = set(conn.execute(select(schema.deliveries.c.delivery_date).distinct()).scalars())
    near = {day + timedelta(step) for day in days for step in (-1, 0, 1)}
    return [None, START - timedelta(30), *sorted(near)]


def same_stock(master, ledger) -> int:
    """The kept rows are the DDT lines' sums, and the stock on hand is the oracle's for every
    count date of `count_dates` and without a stock sheet; returns how many items' figures
    moved from the sheet's (so that a test can tell it compared something)."""
    moved = 0
    with reading(ledger) as conn:
        summed = stock_summed.shipped_by_day(conn)
        assert repr(sorted(kept(conn).items())) == repr(sorted(summed.items()))
        for counted in count_dates(conn):
            dated = master.model_copy(update={"settings": replace(master.settings, stock_date=counted)})
            found, expected = available_stock(conn, dated), stock_summed.available_stock(conn, dated)
            assert found is not None and expected is not None
            assert found == expected
            assert repr(sorted(found.items())) == repr(sorted(expected.items())), counted
            moved += sum(1 for item, level in found.items() if (item, level) not in stock_summed.stock_levels(dated).items())
        bare = master.model_copy(update={"stock": None})
        assert available_stock(conn, bare) is None and stock_summed.available_stock(conn, bare) is None
    return moved


def live(master, ledger, rng: random.Random, days: int) -> tuple[int, int]:
    """`days` working days of random actions, the stock compared after each; returns how many
    figures moved and how many kept rows sum to nothing (returns against sales)."""
    calendar = working_calendar(master.settings, master.closures)
    day, done, counter, moved = START, 0, [0], 0
    while done < days:
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            moved += same_stock(master, ledger)
            for _ in range(rng.randint(1, 4)):
                act(master, ledger, day, rng, counter)
                moved += same_stock(master, ledger)
            done += 1
        day += timedelta(1)
    with reading(ledger) as conn:
        return moved, sum(1 for quantity in kept(conn).values() if not quantity)


def desk(tmp_path, seed: int):
    """A randomized desk (`_at_once`, `with_offers`) where a fifth of the templates make returns."""
    rng = random.Random(seed)
    master = with_offers(_at_once(master_of(tmp_path, seed), rng), rng)
    templates = tuple(replace(t, document_type=DocumentType.RETURN) if rng.random() < 0.2 else t
                      for t in master.templates)
    return rng, master.model_copy(update={"templates": templates})


@pytest.mark.parametrize("seed", [1, 2])
def test_the_stock_on_hand_is_the_ddt_lines_sum(ledger, tmp_path, seed):
    rng, master = desk(tmp_path, seed)
    moved, _ = live(master, ledger, rng, 5)
    assert moved > 0


def drafts_of(conn, rng: random.Random) -> list[ShipmentDraft]:
    """DDTs of the open lines, stored as any caller might hand them: each line shipped whole or
    in two parts (returns negative), over three dates, some lines of no quantity at all on a date
    of their own (their item and date sum to nothing), some naming another item than their order
    line's (the order line's item is what shipped)."""
    drafts = []
    for order in load_orders(conn, statuses=[OrderStatus.IN_PROGRESS]):
        for line in order.lines:
            if not line.to_ship or rng.random() < 0.3:
                continue
            half = (line.to_ship / 2).quantize(MILLI)
            parts = rng.choice([[line.to_ship], [half, line.to_ship - half], [Decimal(0)]])
            for quantity in parts:
                day = NOTHING_DAY if not quantity else START + timedelta(rng.choice([0, 1, 3]))
                item = line.item if rng.random() < 0.9 else "NOT-THE-ORDER-LINE'S"
                drafts.append(ShipmentDraft(day, order.customer, None, None, Reason.SALE, (ShipmentLine(
                    item, line.description, line.unit, quantity, line.unit_price, D(0), line.vat_rate,
                    line.vat_nature, order.id, order.number, line.id, line.line_no),)))
    rng.shuffle(drafts)
    return drafts


@pytest.mark.parametrize("added", ["as stored", "picked"])
def test_drafts_stored_any_way_keep_the_sums(ledger, tmp_path, monkeypatch, added):
    """`store_drafts` called as any caller might (not the day's planner): the kept rows are
    still the DDT lines' sums. "picked": the DDTs stored without their sums, which are then
    added for DDTs picked at random, some runs of ids and some scattered (named in lists of
    two), as `add_deliveries` may be asked."""
    rng, master = desk(tmp_path, 9)
    for day in (START, START + timedelta(1)):
        create(master, ledger, day, with_catch_up=False, lang="it")
    monkeypatch.setattr(batches, "among", lambda conn, column, ids: (
        column.in_(ids[i:i + 2]) for i in range(0, len(ids), 2)))
    with writing(ledger) as conn:
        drafts = drafts_of(conn, rng)
        with monkeypatch.context() as m:
            if added == "picked":
                m.setattr(shipped_by_day, "add_deliveries", lambda conn, ids: None)
            book = party_book(master)
            ids = (store_drafts(conn, drafts[:len(drafts) // 2], "TST", book, lang="it")
                   + store_drafts(conn, drafts[len(drafts) // 2:], "TST", book, lang="it"))
        if added == "picked":
            left = list(ids)
            while left:
                if rng.random() < 0.5:
                    start = rng.randrange(len(left))
                    picked = left[start:start + rng.randint(1, 6)]
                else:
                    picked = rng.sample(left, min(len(left), rng.randint(2, 6)))
                shipped_by_day.add_deliveries(conn, picked)
                left = [i for i in left if i not in picked]
    assert len(drafts) > 20
    assert same_stock(master, ledger) > 0
    with reading(ledger) as conn:
        nothing = [day for (_, day), quantity in kept(conn).items() if not quantity]
        assert nothing and set(nothing) == {NOTHING_DAY}


@pytest.mark.parametrize("ship_days", [0, 2])
def test_migration_15_sums_what_shipped_per_item_and_day(ledger, tmp_path, ship_days):
    """A ledger of schema 14 (no kept table), with DDTs or none, gets the DDT lines' sums."""
    rng, master = desk(tmp_path, 2026)
    for day in (START + timedelta(n) for n in range(ship_days)):
        create(master, ledger, day, with_catch_up=False, lang="it")
        ship(master, ledger, day, all_open=True, force=True, lang="it")
    migrate(ledger)
    back_to(ledger, 14, tables=["shipped_by_day"])
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        assert bool(kept(conn)) == bool(ship_days)
    assert (same_stock(master, ledger) > 0) == bool(ship_days)
