"""A day's new orders keep their reservations without the grouping, but for those that list an
item twice (`reserved.recount`'s `items_twice`, from `insert_orders`): the same rows as summed
from their lines, whichever orders repeat an item. SQLite and PostgreSQL."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import event, select
from test_shipping_setbased import master_of

from toolkit.core.drafts import draft_orders
from toolkit.core.orders import EFFECTS
from toolkit.core.plan import due_between
from toolkit.ledger import reserved, schema
from toolkit.ledger.db import migrate
from toolkit.ledger.orders import insert_orders


def kept_rows(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(select(schema.reserved).order_by(*reserved.KEY))]


def stored_and_summed(ledger, drafts) -> tuple[list[tuple], list[tuple], list[bool]]:
    """The rows `insert_orders` keeps for `drafts`, the rows summed again from every line
    (`recount` of every order, grouped), and whether each of the reservations' insert
    statements it sent grouped its lines."""
    sent: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO RESERVED"):
            sent.append(statement)

    event.listen(ledger.engine, "before_cursor_execute", seen)
    try:
        with ledger.engine.connect() as conn:
            transaction = conn.begin()
            insert_orders(conn, drafts, "OC", [EFFECTS[d.document_type].status for d in drafts], lang="it")
            by_insert = list(sent)
            stored = kept_rows(conn)
            reserved.recount(conn)
            summed = kept_rows(conn)
            transaction.rollback()
    finally:
        event.remove(ledger.engine, "before_cursor_execute", seen)
    return stored, summed, ["GROUP BY" in statement.upper() for statement in by_insert]


@pytest.mark.parametrize("seed", [3, 17])
def test_new_orders_reserve_what_their_lines_sum_to(ledger, tmp_path, seed):
    migrate(ledger)
    rng = random.Random(seed)
    master = master_of(tmp_path, seed)
    dues, _ = due_between(master, date(2026, 4, 1), date(2026, 4, 10))
    drafts, _ = draft_orders(master, dues)
    assert all(len({x.item for x in d.lines}) == len(d.lines) for d in drafts)

    stored, summed, grouped = stored_and_summed(ledger, drafts)
    assert stored == summed and len(stored) > 20
    assert grouped == [False]

    twice = [replace(d, lines=(*d.lines, replace(d.lines[0], line_no=len(d.lines) + 1)))
             if rng.random() < 0.3 else d for d in drafts]
    assert any(EFFECTS[d.document_type].reserves for d in twice if len(d.lines) != len({x.item for x in d.lines}))
    stored, summed, grouped = stored_and_summed(ledger, twice)
    assert stored == summed and len(stored) > 20
    assert grouped == [False, True]

    every = [replace(d, lines=(*d.lines, replace(d.lines[-1], line_no=len(d.lines) + 1))) for d in drafts]
    stored, summed, grouped = stored_and_summed(ledger, every)
    assert stored == summed and len(stored) > 20
    assert grouped == [True]
