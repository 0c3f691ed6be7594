"""`create` ships each occurrence day's orders in turn from the stock and reservations read
once and kept up to date with each day's DDTs (`toolkit.services.shipping_days`): before each
day ships, what it keeps is exactly what `available_stock` and `reservations` read from the
ledger at that moment (to each `Decimal`'s form, each item's queue and each holder's place),
on randomized master data with the stock counted before, within or without a date, with few
items or past `FEW_ITEMS` (SQLite and PostgreSQL). `tests/test_orders_from_drafts.py` compares
the DDTs, invoices, problems and ledger rows with the days read back one by one."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from test_orders_from_drafts import _at_once
from test_shipping_setbased import master_of

from toolkit.core.reservations import NAMED, NONE, Reservations
from toolkit.ledger import orders as ledger_orders
from toolkit.ledger.db import migrate
from toolkit.ledger.deliveries import available_stock
from toolkit.ledger.orders import held_queues, reservations
from toolkit.services import shipping_days
from toolkit.services.orders import create


def _queue(found: Reservations, item: str) -> str:
    """An item's queue as the plan reads it: ranks, holders, running sums, each holder's place,
    and the numbers of the holders a warning names."""
    queue = found._items.get(item)
    named = found._named(queue.holders[:NAMED]) if queue is not None else ()
    return repr((queue, named, sorted((k, v) for k, v in found._ahead.items() if k[0] == item)))


@pytest.mark.parametrize(("seed", "counted", "few"), [
    (3, None, None), (3, 3, 1), (17, 0, None), (17, 3, 1), (31, 3, None), (31, 0, 1)])
def test_the_kept_stock_and_reservations_are_what_the_ledger_reads(ledger, tmp_path, monkeypatch, seed, counted, few):
    """`counted`: the stock counted that many days after the first day created (DDTs of the
    days before it do not count), or None: the sheet is today's stock."""
    migrate(ledger)
    rng = random.Random(seed)
    master = _at_once(master_of(tmp_path, seed), rng)
    start = date(2026, 4, rng.randint(1, 6))
    stock_date = None if counted is None else start + timedelta(days=counted)
    master = master.model_copy(update={"settings": replace(master.settings, stock_date=stock_date)})
    if few is not None:
        monkeypatch.setattr(ledger_orders, "FEW_ITEMS", few)
    real = shipping_days.ship_in
    seen = {"days": 0, "queued": 0, "moved": 0}
    last_stock: list[dict] = []

    def compared(conn, master, orders, day, **options):
        kept = options["on_hand"]
        stock = available_stock(conn, master)
        assert repr(None if kept.stock is None else sorted(kept.stock.items())) == \
            repr(None if stock is None else sorted(stock.items()))
        items = {line.item for order in orders for line in order.lines}
        read = NONE if stock is None else reservations(conn, items, short_of=stock,
                                                       asked={order.id for order in orders})
        assert (kept.reserved is NONE) == (read is NONE)
        assert [_queue(kept.reserved, item) for item in sorted(items)] == [_queue(read, item) for item in sorted(items)]
        seen["days"] += 1
        seen["queued"] += sum(item in read._items for item in items)
        if last_stock and stock is not None and stock != last_stock[-1]:
            seen["moved"] += 1
        last_stock.append(stock)
        return real(conn, master, orders, day, **options)

    monkeypatch.setattr(shipping_days, "ship_in", compared)
    for day in (start, start + timedelta(days=rng.randint(2, 4)), start + timedelta(days=rng.randint(7, 12))):
        create(master, ledger, day, lang="it")
    assert seen["days"] > 3 and seen["queued"] > 0
    assert counted is None or seen["moved"] > 0


@pytest.mark.parametrize("few", [None, 1])
def test_the_queues_kept_answer_as_the_ledger_for_any_items(ledger, tmp_path, monkeypatch, few):
    """Any items among those kept, some held by nobody, with the stock found or short: the
    same reservations as `reservations` reads, `NONE` where it finds no holder at all."""
    migrate(ledger)
    rng = random.Random(8)
    master = _at_once(master_of(tmp_path, 8), rng)
    for day in (date(2026, 4, 2), date(2026, 4, 9)):
        create(master, ledger, day, lang="it")
    if few is not None:
        monkeypatch.setattr(ledger_orders, "FEW_ITEMS", few)
    items = sorted({item.code for item in master.items}) + ["nobody holds this", "nor this"]
    with ledger.engine.connect() as conn:
        stock = available_stock(conn, master)
        assert stock is not None
        kept = held_queues(conn, items)
        checked = 0
        for _ in range(40):
            asked = set(rng.sample(items, rng.choice([1, 2, 5, len(items)]))) | set(rng.sample(items[-2:], rng.randint(0, 2)))
            short = {item: quantity * rng.choice([0, 1, 10]) for item, quantity in stock.items()}
            read = reservations(conn, asked, short_of=short)
            found = kept.reservations(asked, short)
            assert (found is NONE) == (read is NONE)
            assert [_queue(found, item) for item in sorted(asked)] == [_queue(read, item) for item in sorted(asked)]
            checked += read is not NONE and any(item in read._items for item in asked)
    assert checked > 5


def test_the_kept_sums_follow_what_ships():
    """`HeldQueues` keeps each item's sum over its holders (`_totals`) beside them, so that
    whether the stock covers an item is not summed again on each day's read: after any DDTs
    shipped, part of a holder's line, all of it, more than it had, of holders and items it
    does not keep, each sum is that of the holders left, and an item nobody holds has none."""
    from copy import deepcopy
    from decimal import Decimal
    from types import SimpleNamespace

    from toolkit.ledger.orders import HeldQueues

    rng = random.Random(5)
    for _ in range(200):
        held = {f"I{i}": {h: ((2026, "OC", rng.randint(1, 50)), rng.randint(1, 9000))
                          for h in rng.sample(range(30), rng.randint(1, 6))} for i in range(rng.randint(1, 5))}
        kept = HeldQueues(None, deepcopy(held), 3, False)  # type: ignore[arg-type]
        assert kept._totals == {item: sum(left for _, left in holders.values()) for item, holders in held.items()}
        for _ in range(rng.randint(1, 4)):
            lines = [SimpleNamespace(item=f"I{rng.randint(0, 6)}", order_id=rng.randint(0, 35),
                                     quantity=Decimal(rng.randint(1, 9500)).scaleb(-3)) for _ in range(rng.randint(1, 8))]
            kept.shipped([SimpleNamespace(lines=lines)])  # type: ignore[list-item]
            assert kept._totals == {item: sum(left for _, left in holders.values())
                                    for item, holders in kept._held.items()}
            assert all(kept._held.values())
