"""The kept shipped figures grown at the driver level (`toolkit.ledger.db.add_by_id`) are those
the SQLAlchemy UPDATE grew (`tests/oracles/shipped_added.py`), on SQLite and on PostgreSQL.

Two ledgers live the same random days side by side (`tests/test_shipped_kept.py`'s actions:
creating orders, shipping every open order, chosen quantities, orders named by number, with or
without force, prepayments, status changes, confirmations), the product's `store_drafts` in one,
the same with the reference's update in the other: every shipping action must give the same
DDTs (numbers, lines, quantities), held orders and problems, and the ledgers the same DDT rows,
events, statuses and order lines with their kept figures. Then random increments — growing and
shrinking, large and small, on lines that shipped and lines that did not — must leave the
same order lines whichever way they are added.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from oracles import shipped_added
from sqlalchemy import select
from test_shipped_kept import act, with_offers
from test_shipping_setbased import ledger_rows, master_of, pay_some, randomized, seen, seen_created

from toolkit.core.workdays import working_calendar
from toolkit.ledger import deliveries, open_ledger, schema
from toolkit.ledger.db import reading, writing
from toolkit.services.orders import create
from toolkit.services.shipping import ship

START = date(2026, 4, 1)


def order_lines(conn) -> list:
    ol = schema.order_lines.c
    return conn.execute(select(ol.id, ol.order_id, ol.line_no, ol.quantity, ol.shipped).order_by(ol.id)).all()


def same_day(master, ledgers, day: date, rng: random.Random, counters, monkeypatch) -> int:
    """One working day's random actions in both ledgers, the reference's kept figures grown by
    the oracle; returns the DDTs the product issued."""
    product, reference = ledgers
    notes = 0
    for _ in range(rng.randint(1, 4)):
        seed = rng.random()
        results: list[list] = [[], []]
        for ledger, counter, out in zip(ledgers, counters, results):
            def recording(*args, out=out, **kwargs):
                done = ship(*args, **kwargs)
                out.append(seen(done))
                return done

            with monkeypatch.context() as m:
                m.setattr("test_shipped_kept.ship", recording)
                if ledger is reference:
                    m.setattr(deliveries, "_add_shipped", shipped_added.add_shipped)
                act(master, ledger, day, random.Random(seed), counter)
        assert results[0] == results[1], day
        assert ledger_rows(product) == ledger_rows(reference), day
        with reading(product) as a, reading(reference) as b:
            assert order_lines(a) == order_lines(b), day
        notes += sum(len(got[0]) for got in results[0])
    return notes


class _Undo(Exception):
    """Raised inside a write transaction to roll it back."""


def same_increments(ledger, rng: random.Random) -> None:
    """Random increments, added both ways in a write transaction rolled back after, leave the
    same order lines: each one's kept figure grown by its increment, the others untouched."""
    with reading(ledger) as conn:
        before = order_lines(conn)
    assert before
    kept = {row.id: row.shipped for row in before}
    for _ in range(4):
        picked = rng.sample(sorted(kept), rng.randint(1, len(kept)))
        increments = {line_id: rng.choice([Decimal("0.001"), Decimal(1), Decimal("-0.5"), -kept[line_id],
                                           Decimal("123456.789"), Decimal(rng.randint(-999, 999)) / 1000])
                      for line_id in picked}
        after = []
        for add in (deliveries._add_shipped, shipped_added.add_shipped):
            with pytest.raises(_Undo), writing(ledger) as conn:
                add(conn, increments)
                after.append(order_lines(conn))
                raise _Undo
        assert after[0] == after[1]
        assert {row.id: row.shipped for row in after[0]} == {
            line_id: shipped + increments.get(line_id, 0) for line_id, shipped in kept.items()}
    with reading(ledger) as conn:
        assert order_lines(conn) == before
    with pytest.raises(_Undo), writing(ledger) as conn:  # nothing to add changes nothing
        deliveries._add_shipped(conn, {})
        assert order_lines(conn) == before
        raise _Undo


@pytest.mark.parametrize("seed", [11, 12])
def test_kept_figures_grow_as_the_reference_grew_them(tmp_path, twin_urls, seed, monkeypatch):
    rng = random.Random(seed)
    master = with_offers(randomized(master_of(tmp_path, seed), rng), rng)
    ledgers = [open_ledger(url) for url in twin_urls]
    product, reference = ledgers
    counters: list[list[int]] = [[0], [0]]
    calendar = working_calendar(master.settings, master.closures)
    day, done, notes = START, 0, 0
    try:
        while done < 5:
            if calendar.is_working(day):
                made = [create(master, product, day, with_catch_up=False, lang="it")]
                with monkeypatch.context() as m:  # orders that ship at once store DDTs too
                    m.setattr(deliveries, "_add_shipped", shipped_added.add_shipped)
                    made.append(create(master, reference, day, with_catch_up=False, lang="it"))
                assert seen_created(made[0]) == seen_created(made[1])
                paid = rng.random()
                for ledger, counter in zip(ledgers, counters):
                    pay_some(ledger, random.Random(paid), counter)
                notes += same_day(master, ledgers, day, rng, counters, monkeypatch)
                done += 1
            day += timedelta(1)
        assert notes > 0
        same_increments(product, rng)
    finally:
        product.engine.dispose()
        reference.engine.dispose()
