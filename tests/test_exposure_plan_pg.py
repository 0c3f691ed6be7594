"""PostgreSQL plans the customers' unshipped figures (`ledger.exposure._unshipped`) from what
its statistics say of the orders' status: asked for a batch of customers, it expects about as
many open orders as there are, where the coalesce SQLite needs hid the status and it expected
a handful (51 of 7,166 on the month's final ledger at M), and took a nested loop over the
lines' index and a sort that spilled to disk. The figures themselves are compared on both
backends by `tests/test_exposure_restricted.py`."""

from __future__ import annotations

import pytest
from conftest import PG_REASON, PG_URL, pg_databases
from sqlalchemy import event, text

from toolkit.ledger import exposure, open_ledger
from toolkit.ledger.db import reading, writing

pytestmark = pytest.mark.postgres

ORDERS, CUSTOMERS, LINES = 6_000, 40, 4
ASKED = [f"C{n:03}" for n in range(0, CUSTOMERS, 2)]


@pytest.fixture
def pg_ledger():
    if not PG_URL:
        pytest.skip(PG_REASON)
    with pg_databases(1) as (url,):
        ledger = open_ledger(url)
        try:
            yield ledger
        finally:
            ledger.engine.dispose()


def _filled(ledger) -> None:
    """`ORDERS` orders of `CUSTOMERS` customers, seven in ten in progress, the rest completed or
    closed, `LINES` lines each, part shipped; analyzed, as `copy_in.keep_statistics` leaves a
    grown table."""
    with writing(ledger) as conn:
        conn.execute(text(
            "INSERT INTO orders (series, year, number, occurrence, order_date, customer, document_type, status,"
            " price_list, price_version, price_type, created_at, created_by)"
            " SELECT 'A', 2026, n, DATE '2026-04-01' + n % 30, DATE '2026-04-01' + n % 30,"
            " 'C' || lpad((n % :customers)::text, 3, '0'), 'standard',"
            " CASE WHEN n / :customers % 10 < 7 THEN 'in-progress' WHEN n / :customers % 10 < 9 THEN 'completed'"
            " ELSE 'closed' END,"
            " 'L', 'V', 'net', TIMESTAMP '2026-04-01 08:00', 'test'"
            " FROM generate_series(1, :orders) AS n"), {"orders": ORDERS, "customers": CUSTOMERS})
        conn.execute(text(
            "INSERT INTO order_lines (order_id, line_no, item, description, unit, quantity, unit_price, amount,"
            " vat_rate, shipped)"
            " SELECT o.id, l, 'I' || ((o.id * l) % 97), 'item', 'pz', 5000 * l, 1250000, 6250 * l, 22000,"
            " CASE WHEN o.id % 3 = 0 THEN 1000 ELSE 0 END"
            " FROM orders o CROSS JOIN generate_series(1, :lines) AS l"), {"lines": LINES})
        conn.execute(text("ANALYZE orders"))
        conn.execute(text("ANALYZE order_lines"))


def _plan_of_unshipped(ledger) -> dict:
    """`EXPLAIN (ANALYZE, FORMAT JSON)` of the statement `_unshipped` runs for `ASKED`."""
    seen: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    with reading(ledger) as conn:
        event.listen(ledger.engine, "before_cursor_execute", keep)
        try:
            figures = exposure._unshipped(conn, ASKED)
        finally:
            event.remove(ledger.engine, "before_cursor_execute", keep)
        assert set(figures) == set(ASKED)
        (statement, parameters), = seen
        return conn.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters).scalar_one()[0]


def _nodes(node: dict):
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def test_the_open_orders_of_asked_customers_are_planned_from_their_status(pg_ledger):
    _filled(pg_ledger)
    plan = _plan_of_unshipped(pg_ledger)
    scans = [n for n in _nodes(plan["Plan"]) if n.get("Relation Name") == "orders"]
    assert len(scans) == 1
    expected, found = scans[0]["Plan Rows"], scans[0]["Actual Rows"] * scans[0]["Actual Loops"]
    assert found == ORDERS * 7 // 10 // 2
    assert found / 2 <= expected <= found * 2, f"planned {expected} open orders of the asked customers, read {found}"
    kinds = {n["Node Type"] for n in _nodes(plan["Plan"])}
    assert "Nested Loop" not in kinds, kinds
