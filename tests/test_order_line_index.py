"""Order lines are found by order through the unique key `(order_id, line_no)`, not through an
index of their own (schema 14): the key begins with the order, so a second index only cost each
stored line one more insertion."""

from __future__ import annotations

import sqlite3
from datetime import date

from older_ledgers import older_ledger
from sqlalchemy import inspect, select, text
from test_shipping_setbased import master_of

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders
from toolkit.services.orders import create

OLD_INDEX = "ix_order_lines_order_id"


def _indexes(conn) -> set[str]:
    return {i["name"] for i in inspect(conn).get_indexes("order_lines")}


def test_lines_are_looked_up_by_order_through_the_unique_key(tmp_path):
    ledger = open_ledger(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    create(master_of(tmp_path, 2026), ledger, date(2026, 4, 9), lang="it")
    with reading(ledger) as conn:
        assert OLD_INDEX not in _indexes(conn)
        assert ["order_id", "line_no"] in [u["column_names"] for u in inspect(conn).get_unique_constraints("order_lines")]
        plan = " ".join(str(row[-1]) for row in conn.execute(
            text("EXPLAIN QUERY PLAN SELECT id, quantity FROM order_lines WHERE order_id = 7")))
    assert "USING INDEX sqlite_autoindex_order_lines" in plan, plan
    ledger.engine.dispose()


def test_migration_14_drops_the_order_id_index_and_keeps_the_orders(tmp_path):
    master = master_of(tmp_path, 2026)
    url = older_ledger(tmp_path, master, 13, f"CREATE INDEX {OLD_INDEX} ON order_lines (order_id)")
    with sqlite3.connect(url.removeprefix("sqlite:///")) as raw:
        assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (OLD_INDEX,)).fetchone() == (1,)
    migrated = open_ledger(url)
    with reading(migrated) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION == 48
        assert OLD_INDEX not in _indexes(conn)
        orders = load_orders(conn)
    assert orders and all(order.lines for order in orders)
    migrated.engine.dispose()
