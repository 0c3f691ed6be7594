"""A customer's orders are indexed by customer, date and status (schema 16): the latest order
shown beside each order of a preview (`toolkit.ledger.exposure`) is read from the index alone,
where an index of the customer alone visited every order of every customer."""

from __future__ import annotations

import sqlite3
from datetime import date

from older_ledgers import older_ledger
from sqlalchemy import inspect, select
from test_shipping_setbased import master_of

from toolkit.ledger import exposure, open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.services.orders import create

NEW_INDEX, OLD_INDEX = "ix_orders_customer_date", "ix_orders_customer"


def _indexes(conn) -> dict[str, list[str]]:
    return {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("orders")}


def _latest_orders_plan(conn, customers: list[str]) -> str:
    """SQLite's plan for the statement `exposure._last_orders` runs for these customers."""
    compiled = exposure._latest_of(exposure.BATCH).compile(conn)
    parameters = compiled.construct_params(exposure._asked(customers, exposure.BATCH))
    ordered = tuple(parameters[name] for name in compiled.positiontup or ())
    return " | ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", ordered))


def test_the_latest_orders_are_read_from_the_index_alone(tmp_path):
    ledger = open_ledger(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    master = master_of(tmp_path, 2026)
    create(master, ledger, date(2026, 4, 9), lang="it")
    with reading(ledger) as conn:
        indexes = _indexes(conn)
        plan = _latest_orders_plan(conn, sorted(c.code for c in master.customers))
    assert indexes[NEW_INDEX] == ["customer", "order_date", "status"] and OLD_INDEX not in indexes
    assert f"SEARCH orders USING COVERING INDEX {NEW_INDEX} (customer=?)" in plan, plan
    assert f"SEARCH orders USING COVERING INDEX {NEW_INDEX} (customer=? AND order_date=?)" in plan, plan
    assert "SCAN orders" not in plan and "SEARCH orders USING INDEX" not in plan, plan
    ledger.engine.dispose()


def test_migration_16_replaces_the_customer_index_and_keeps_the_figures(tmp_path):
    master = master_of(tmp_path, 2026)
    url = older_ledger(tmp_path, master, 15, f"CREATE INDEX {OLD_INDEX} ON orders (customer)", indexes=[NEW_INDEX])
    with sqlite3.connect(url.removeprefix("sqlite:///")) as raw:
        names = {name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'orders'")}
    assert OLD_INDEX in names and NEW_INDEX not in names
    migrated = open_ledger(url)
    fresh = open_ledger(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    create(master, fresh, date(2026, 4, 9), lang="it")
    customers = sorted(c.code for c in master.customers)
    with reading(migrated) as conn, reading(fresh) as other:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION == 48
        indexes = _indexes(conn)
        assert NEW_INDEX in indexes and OLD_INDEX not in indexes
        figures = exposure.exposures(conn, customers)
        assert figures == exposure.exposures(other, customers)
    assert any(f.last_order_date == date(2026, 4, 9) for f in figures.values())
    migrated.engine.dispose()
    fresh.engine.dispose()
