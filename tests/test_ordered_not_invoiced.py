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
        run(ledger, master, Request(APRIL, date(2026, 4, 15)))
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
