"""PostgreSQL's bulk writes analyze the tables they grew (`copy_in.keep_statistics`) when their
write transaction ends (`copy_in.statistics_kept`), asking the sizes of all in one query: a table
is analyzed once it passes `FEW_PAGES` and again each time it doubles, not before nor between,
and a ledger whose tables are analyzed as it fills lives the same random days and the same
month's invoicing as one whose COPY analyzed nothing (`tests/oracles/copy_unanalyzed.py`):
the same rows in every table the month writes and the same shipping outcomes each day, while
the planner worked from other statistics.
"""

from __future__ import annotations

import random

import pytest
from conftest import PG_REASON, PG_URL, pg_databases
from oracles import copy_unanalyzed
from sqlalchemy import event, text
from test_copy_in import _columns, _probe, twin_month
from test_shipping_setbased import master_of, randomized

from toolkit.ledger import copy_in, open_ledger
from toolkit.ledger.db import insert_columns, writing

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_urls():
    """Two empty PostgreSQL ledgers (the product's and the reference's): COPY and the planner's
    statistics are PostgreSQL's, so these tests have no SQLite half to skip."""
    if not PG_URL:
        pytest.skip(PG_REASON)
    with pg_databases(2) as urls:
        yield urls


def _analyzed(conn, table: str) -> tuple[int, float]:
    """How many times `table` was analyzed by hand (autovacuum's are not counted), and the
    rows the planner believes it holds (-1: never analyzed nor vacuumed)."""
    count = conn.execute(text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = :t"), {"t": table})
    rows = conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": table})
    return count.scalar_one(), rows.scalar_one()


def _pages(conn, table: str) -> int:
    return conn.execute(text("SELECT pg_relation_size(CAST(:t AS regclass)) / 8192"), {"t": table}).scalar_one()


def test_a_table_is_analyzed_past_few_pages_and_again_when_it_doubles(pg_urls):
    ledger = open_ledger(pg_urls[0])
    try:
        _grown_and_analyzed(ledger)
    finally:
        ledger.engine.dispose()


def _grown_and_analyzed(ledger) -> None:
    """Each write transaction adds rows; the table's statistics are kept when it commits, not
    after the COPY that grew it."""
    table = _probe("grown")
    table.create(ledger.engine)
    rng = random.Random(7)
    n = 0

    def grow(count: int, *, before_commit=lambda conn: None) -> None:
        nonlocal n
        with writing(ledger) as conn:
            more = _columns(rng, count)
            more["n"] = [n + i for i in range(count)]
            insert_columns(conn, table, more)
            before_commit(conn)
        n += count

    def unanalyzed(conn) -> None:
        assert _analyzed(conn, "grown")[1] == -1, "not analyzed before its transaction ends"

    grow(50)
    with ledger.engine.connect() as conn:
        assert _pages(conn, "grown") < copy_in.FEW_PAGES
        assert _analyzed(conn, "grown")[1] == -1, "a few rows are left to autovacuum"
    while True:
        grow(500, before_commit=unanalyzed)
        with ledger.engine.connect() as conn:
            if _pages(conn, "grown") >= copy_in.FEW_PAGES:
                break
            assert _analyzed(conn, "grown")[1] == -1, "a few rows are left to autovacuum"
    with ledger.engine.connect() as conn:
        first, pages = _analyzed(conn, "grown"), _pages(conn, "grown")
    assert first[1] == n, "analyzed with every row it holds"
    while True:
        grow(500)
        with ledger.engine.connect() as conn:
            if _pages(conn, "grown") >= copy_in.GROWN * pages:
                break
            assert _analyzed(conn, "grown")[1] == first[1], "not analyzed before it doubled"
    with ledger.engine.connect() as conn:
        assert _analyzed(conn, "grown")[1] == n, "analyzed again once doubled, committed with the rows"


def test_a_write_transaction_asks_the_sizes_once_and_analyzes_once(pg_urls):
    """Six COPYs into two tables that both pass `FEW_PAGES`: one query for their sizes and one
    ANALYZE naming both, when the transaction ends (a size check and an ANALYZE per COPY
    before: six round trips and two more)."""
    ledger = open_ledger(pg_urls[0])
    try:
        tables = [_probe("first"), _probe("second")]
        for table in tables:
            table.create(ledger.engine)
        sent: list[str] = []
        event.listen(ledger.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
        rng = random.Random(11)
        with writing(ledger) as conn:
            for step in range(3):
                for table in tables:
                    more = _columns(rng, 1200)
                    more["n"] = [step * 1200 + i for i in range(1200)]
                    insert_columns(conn, table, more)
        assert sum("pg_relation_size" in s for s in sent) == 1, sent
        assert [s for s in sent if s.startswith("ANALYZE")] == ["ANALYZE first, second"]
        with ledger.engine.connect() as conn:
            assert all(_pages(conn, t.name) >= copy_in.FEW_PAGES for t in tables)
            assert [_analyzed(conn, t.name) for t in tables] == [(1, 3600), (1, 3600)]
    finally:
        ledger.engine.dispose()


@pytest.mark.parametrize("seed", [5, 23])
def test_a_month_analyzed_as_it_fills_is_the_month_left_to_autovacuum(tmp_path, pg_urls, seed, monkeypatch):
    twin_urls = pg_urls
    monkeypatch.setattr(copy_in, "FEW_PAGES", 1)  # a small month's tables analyzed as they grow
    rng = random.Random(seed)
    shipped = twin_month(randomized(master_of(tmp_path, seed), rng), twin_urls, rng, monkeypatch,
                         lambda m: m.setattr(copy_in, "copy_rows", copy_unanalyzed.copy_rows))
    for product, reference in shipped:
        assert product == reference
    counts = []
    for url in twin_urls:
        ledger = open_ledger(url)
        with ledger.engine.connect() as conn:
            counts.append(_analyzed(conn, "order_lines")[0])
        ledger.engine.dispose()
    assert counts[0] > 1 and counts[1] == 0, counts
