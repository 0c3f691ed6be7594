"""The kept reservations have no index but their key (schema 37): the rows a day's DDTs ship, an
order's status moves and a voided DDT gives back are deleted by their full key, found from the
order lines, and stay what the lines sum to. SQLite and PostgreSQL; the plans on SQLite."""

from __future__ import annotations

import random
import sqlite3
from datetime import date

from older_ledgers import older_ledger
from sqlalchemy import event, inspect, select
from test_shipping_setbased import master_of, randomized

from toolkit.core.orders import OrderStatus
from toolkit.ledger import open_ledger, reserved, schema
from toolkit.ledger.db import reading, writing
from toolkit.ledger.orders import load_orders
from toolkit.services.ddt_void import void_ddt
from toolkit.services.order_status import change_status
from toolkit.services.orders import create
from toolkit.services.shipping import ship

DAY = date(2026, 4, 9)
OLD_INDEX = "ix_reserved_order"
FULL_KEY = "USING PRIMARY KEY (item=? AND place_year=? AND place_series=? AND place_number=? AND order_id=?)"


def kept_and_summed(ledger) -> tuple[list[tuple], list[tuple]]:
    """The rows kept, and the rows `recount` sums again from every line (rolled back)."""
    with ledger.engine.connect() as conn:
        transaction = conn.begin()
        kept = [tuple(r) for r in conn.execute(select(schema.reserved).order_by(*reserved.KEY))]
        reserved.recount(conn)
        summed = [tuple(r) for r in conn.execute(select(schema.reserved).order_by(*reserved.KEY))]
        transaction.rollback()
    return kept, summed


def test_a_day_deletes_the_reserved_rows_by_their_full_key(ledger, tmp_path):
    master = randomized(master_of(tmp_path, 11), random.Random(11))
    deletes: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("DELETE FROM RESERVED"):
            deletes.append((statement, parameters))

    create(master, ledger, DAY)
    event.listen(ledger.engine, "before_cursor_execute", seen)
    try:
        shipped = ship(master, ledger, DAY, all_open=True)
        assert shipped.notes
        with reading(ledger) as conn:
            open_orders = [o.number for o in load_orders(conn) if o.status is OrderStatus.IN_PROGRESS and o.to_ship]
        assert open_orders, "an order left to ship, to close"
        assert change_status(ledger, open_orders[0], OrderStatus.CLOSED).problems == []
        assert void_ddt(master, ledger, shipped.notes[0].number, None).voided
    finally:
        event.remove(ledger.engine, "before_cursor_execute", seen)
    kept, summed = kept_and_summed(ledger)
    assert kept == summed
    assert len(deletes) >= 3, "the DDTs shipped, the order closed, the DDT voided"
    with reading(ledger) as conn:
        assert OLD_INDEX not in {i["name"] for i in inspect(conn).get_indexes("reserved")}
        if conn.dialect.name != "sqlite":
            return
        for statement, parameters in deletes:
            plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            assert any(FULL_KEY in step for step in plan), plan
            assert not any(step.startswith("SCAN reserved") for step in plan), plan


def test_migration_37_drops_the_order_index_and_keeps_the_rows(tmp_path):
    master = master_of(tmp_path, 5)
    url = older_ledger(tmp_path, master, 36, f"CREATE INDEX {OLD_INDEX} ON reserved (order_id)", shipped=True)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as raw:
        before = raw.execute("SELECT * FROM reserved ORDER BY item, place_year, place_series, place_number, "
                             "order_id").fetchall()
        assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (OLD_INDEX,)).fetchone() == (1,)
    assert before
    migrated = open_ledger(url)
    with reading(migrated) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION == 37
        assert OLD_INDEX not in {i["name"] for i in inspect(conn).get_indexes("reserved")}
    with writing(migrated) as conn:
        holding = [o.id for o in load_orders(conn) if o.status is OrderStatus.IN_PROGRESS and o.to_ship][::2]
        reserved.recount(conn, holding)
    assert holding
    kept, summed = kept_and_summed(migrated)
    assert kept == summed and [row[:5] for row in kept] == [tuple(row[:5]) for row in before]
    migrated.engine.dispose()
