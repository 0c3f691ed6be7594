"""What of each order is still to invoice at the order (`ordered_not_invoiced`: immediate
invoices at creation, customers invoiced immediately at month end) is what the row-by-row reader
gave (`tests/oracles/ordered_rowwise.py`): the same lines, quantities to their decimals' form,
amounts, order numbers, payment methods, in the same order, on randomized ledgers with orders
invoiced at the order, shipped in part, and invoiced at month end in part."""

from __future__ import annotations

import random
from datetime import date

import pytest
from oracles import ordered_rowwise
from sqlalchemy import select
from test_invoicing import APRIL
from test_invoicing_setwise import fill, random_master

from toolkit.core.invoicing import Request
from toolkit.ledger import schema
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import ordered_not_invoiced
from toolkit.services.invoicing import run


def _same(conn, **asked) -> int:
    got, expected = ordered_not_invoiced(conn, **asked), ordered_rowwise.ordered_not_invoiced(conn, **asked)
    assert got == expected, asked
    assert repr(got) == repr(expected), asked
    return len(got)


@pytest.mark.parametrize("seed", range(5))
def test_ordered_not_invoiced_is_the_row_by_row_reader(ledger, seed):
    rng = random.Random(seed)
    master = random_master(rng)
    fill(ledger, master, rng)
    if seed % 2:
        run(ledger, master, Request(APRIL, date(2026, 4, 15)), lang="it")
    seen = 0
    with reading(ledger) as conn:
        ids = [r[0] for r in conn.execute(select(schema.orders.c.id))]
        customers = [c.code for c in master.customers]
        for _ in range(6):
            chosen = rng.sample(ids, rng.randint(0, len(ids)))
            seen += _same(conn, order_ids=chosen)
            seen += _same(conn, order_ids=chosen, cutoff=date(2026, 4, rng.randint(1, 30)))
            picked = rng.sample(customers, rng.randint(0, len(customers)))
            seen += _same(conn, customers=picked)
            seen += _same(conn, customers=picked, cutoff=date(2026, 4, rng.randint(1, 30)))
        seen += _same(conn, order_ids=ids)
    assert seen > 0


@pytest.mark.parametrize("seed", range(3))
def test_lines_read_in_slices_come_back_in_order(ledger, seed, monkeypatch):
    """The customers and orders asked are read a slice at a time (`_asked_lists`; the orders in
    one array on PostgreSQL): with slices of three, every order's lines come back where one
    statement put them."""
    from toolkit.ledger import batches, invoices

    rng = random.Random(100 + seed)
    master = random_master(rng)
    fill(ledger, master, rng)
    with reading(ledger) as conn:
        ids = [r[0] for r in conn.execute(select(schema.orders.c.id))]
        customers = [c.code for c in master.customers]
        expected = [ordered_rowwise.ordered_not_invoiced(conn, order_ids=ids),
                    ordered_rowwise.ordered_not_invoiced(conn, customers=customers),
                    ordered_rowwise.ordered_not_invoiced(conn, customers=customers, order_ids=ids[::2])]
        sliced = batches.in_batches
        monkeypatch.setattr(invoices, "in_batches", lambda values: sliced(values, size=3))
        monkeypatch.setattr(batches, "in_batches", lambda values: sliced(values, size=3))
        got = [ordered_not_invoiced(conn, order_ids=ids), ordered_not_invoiced(conn, customers=customers),
               ordered_not_invoiced(conn, customers=customers, order_ids=ids[::2])]
    assert got == expected
    assert len(got[0]) > 3 and len(got[1]) > 3


def test_thousands_asked_fit_an_old_sqlite(tmp_path):
    """A SQLite before 3.32 binds at most 999 parameters in a statement (`ledger.batches`): with
    that limit set, asking for more customers and orders than that (a month-end run at L asks
    for 1,947 customers invoiced immediately) gives what the row-by-row reader gave without it."""
    import sqlite3

    from toolkit.ledger import open_ledger

    rng = random.Random(7)
    master = random_master(rng)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    try:
        fill(ledger, master, rng)
        with reading(ledger) as conn:
            ids = [r[0] for r in conn.execute(select(schema.orders.c.id))]
            customers = [c.code for c in master.customers]
            many_ids = ids + list(range(max(ids) + 1, max(ids) + 2_000))
            many_customers = customers + [f"NOBODY{n}" for n in range(2_000)]
            expected = (ordered_rowwise.ordered_not_invoiced(conn, order_ids=ids),
                        ordered_rowwise.ordered_not_invoiced(conn, customers=customers))
            conn.connection.dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
            with pytest.raises(Exception, match="too many SQL variables"):
                ordered_rowwise.ordered_not_invoiced(conn, customers=many_customers)
            got = (ordered_not_invoiced(conn, order_ids=many_ids), ordered_not_invoiced(conn, customers=many_customers))
        assert got == expected and all(got)
    finally:
        ledger.engine.dispose()
