"""Order drafts stored column by column give exactly the rows the row-by-row insert stored
(`tests/oracles/insert_orders_rowwise.py`): orders, lines and events, numbers and returned
ids, on the sample's month and on randomized master data (odd quantities and prices, notes,
returns, marks of imported forms), SQLite and PostgreSQL."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from oracles import insert_orders_rowwise
from sqlalchemy import select
from test_shipping_setbased import master_of
from test_unshipped_kept import kept_and_summed

from toolkit.core.drafts import draft_orders
from toolkit.core.orders import OrderStatus
from toolkit.core.plan import due_between
from toolkit.ledger import schema
from toolkit.ledger.db import migrate
from toolkit.ledger.orders import insert_orders

IGNORED = {"id", "created_at", "at", "unshipped_euros", "unshipped_micros"}
"""Besides ids and clocks, the orders' kept value to ship, which the row-by-row insert did not
keep: it is compared with the lines' value here (`kept_and_summed`)."""


def stored(conn, returned: list[tuple[int, str]]) -> tuple:
    """Every stored row of the three tables, with ids given as the order's place in `returned`
    (PostgreSQL's sequences do not roll back, so two runs number their rows apart)."""
    place = {order_id: i for i, (order_id, _) in enumerate(returned)}
    out = []
    for table, order_key in ((schema.orders, "id"), (schema.order_lines, "order_id"), (schema.events, "document_id")):
        rows = conn.execute(select(table).order_by(table.c.id)).all()
        out.append([tuple((k, place.get(v, v) if k == order_key else v) for k, v in r._mapping.items()
                          if k not in IGNORED) for r in rows])
    return tuple(out), [(place[i], number) for i, number in returned]


def both_ways(ledger, drafts, series, statuses, marks=None) -> None:
    seen = []
    for insert in (insert_orders_rowwise.insert_orders, insert_orders):
        with ledger.engine.connect() as conn:
            transaction = conn.begin()
            returned = insert(conn, drafts, series, statuses, marks, lang="en")
            seen.append(stored(conn, returned))
            if insert is insert_orders:
                kept, summed = kept_and_summed(conn)
                assert kept == summed and (any(kept.values()) or not drafts)
            transaction.rollback()
    assert seen[0] == seen[1]
    assert len(seen[0][0][1]) == sum(len(d.lines) for d in drafts)


@pytest.mark.parametrize("seed", [2, 13, 29])
def test_columns_store_what_rows_stored(ledger, tmp_path, seed):
    migrate(ledger)
    rng = random.Random(seed)
    master = master_of(tmp_path, seed)
    dues, _ = due_between(master, date(2026, 4, 1), date(2026, 4, 30))
    drafts, _ = draft_orders(master, dues)
    odd = [replace(d, lines=tuple(replace(
        line, quantity=Decimal(rng.randint(-5000, 90000)).scaleb(-3), unit_price=Decimal(rng.randint(1, 10**9)).scaleb(-6),
        amount=Decimal(rng.randint(-10**7, 10**7)).scaleb(-2), note=rng.choice((None, "", "nota è"))) if rng.random() < 0.4
        else line for line in d.lines), ship_to=rng.choice((d.ship_to, None)))
        for d in rng.sample(drafts, min(len(drafts), 60))]
    statuses = [rng.choice(list(OrderStatus)) for _ in odd]
    both_ways(ledger, odd, "OC", statuses)
    marks = [dict(template=None, origin=f"form-{i}.xlsx", form_digest=f"{seed}-{i}") for i in range(len(odd))]
    both_ways(ledger, odd, "OF", statuses, marks)
    both_ways(ledger, [], "OC", [])


def test_a_batch_is_logged_at_one_time(ledger, tmp_path):
    """The orders stored together are logged as one batch (`log_batch`): an event per order, in
    the orders' order, all with the batch's one timestamp and signature."""
    migrate(ledger)
    master = master_of(tmp_path, 5)
    dues, _ = due_between(master, date(2026, 4, 1), date(2026, 4, 10))
    drafts, _ = draft_orders(master, dues)
    with ledger.engine.begin() as conn:
        returned = insert_orders(conn, drafts, "OC", [OrderStatus.IN_PROGRESS] * len(drafts), lang="it")
        e = schema.events.c
        events = conn.execute(select(e.at, e.by, e.action, e.document, e.document_id, e.number, e.detail)
                              .order_by(e.id)).all()
    assert len(drafts) > 10
    assert [(r.document_id, r.number) for r in events] == returned
    assert [r.detail for r in events] == [f"{d.template} {d.occurrence.isoformat()}" for d in drafts]
    assert {(r.at, r.by, r.action, r.document) for r in events} == {(events[0].at, events[0].by, "generated", "order")}
