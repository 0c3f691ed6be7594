"""The month-end run gives what the row-by-row run gave (`tests/oracles/invoicing_rowwise.py`)
on two ledgers that lived the same random March and April, on SQLite and on PostgreSQL: the
same invoices returned, the same problems in Italian and in English, the same pending lines,
and the same rows in every table of the ledger afterwards (hashed, but for the clock, the OS
user and the run's random id). The billable lines are read at the driver level and the
invoices' lines stored as columns, so what SQLAlchemy's types did on the way in and out is
compared here on both drivers."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date

import pytest
import test_invoicing
from oracles import invoicing_rowwise
from test_invoicing import AFTER_APRIL, APRIL
from test_invoicing_setwise import fill, random_master
from test_shipped_added import twin_urls  # noqa: F401 (a fixture)
from test_shipping_setbased import table_digests

from toolkit.basics.vocab import InvoiceTerms
from toolkit.core.invoicing import InvoiceStatus, Request
from toolkit.ledger import open_ledger
from toolkit.services.invoicing import run


def outcome(result) -> tuple:
    problems = sorted((p.code, str(p.message("it")), str(p.message("en"))) for p in result.problems)
    return ([replace(x, run_id=None) for x in result.invoices], problems, result.pending, result.status,
            result.preview, result.run_id is None)


def twin_runs(urls, seed: int, make_request, **options) -> int:
    """Both runs on two ledgers filled alike by `seed`; the invoices compared."""
    ledgers, counted = [], test_invoicing._ids
    for url in urls:
        test_invoicing._ids = itertools.count(1)  # the templates' names, which `make_order` counts
        rng = random.Random(seed)
        master = random_master(rng)
        ledger = open_ledger(url)
        fill(ledger, master, rng)
        ledgers.append(ledger)
    product, reference = ledgers
    try:
        request = make_request(master)
        got = run(product, master, request, **options)
        expected = invoicing_rowwise.run(reference, master, request, **options)
        assert outcome(got) == outcome(expected)
        assert table_digests(product) == table_digests(reference)
        return len(expected.invoices)
    finally:
        test_invoicing._ids = counted
        for ledger in ledgers:
            ledger.engine.dispose()


def _released(master) -> frozenset[str]:
    return frozenset(c.code for c in master.customers
                     if c.invoice_terms is InvoiceTerms.DO_NOT_INVOICE and c.code < "C006")


@pytest.mark.parametrize("seed", range(4))
def test_a_month_run_leaves_the_ledger_the_row_by_row_run_left(twin_urls, seed):  # noqa: F811
    assert twin_runs(twin_urls, 300 + seed, lambda m: Request(APRIL, AFTER_APRIL, released=_released(m))) > 0


@pytest.mark.parametrize("seed", range(2))
def test_a_final_run_mid_month_is_the_row_by_row_one(twin_urls, seed):  # noqa: F811
    twin_runs(twin_urls, 400 + seed, lambda m: Request(APRIL, date(2026, 4, 20)), status=InvoiceStatus.FINAL)


def test_a_run_for_one_customer_is_the_row_by_row_one(twin_urls):  # noqa: F811
    twin_runs(twin_urls, 500, lambda m: Request(APRIL, AFTER_APRIL, customer="C003", invoice_date=date(2026, 5, 1)))


def test_a_preview_is_the_row_by_row_one(twin_urls):  # noqa: F811
    twin_runs(twin_urls, 501, lambda m: Request(APRIL, AFTER_APRIL), preview=True)


@pytest.mark.parametrize("seed", range(3))
def test_the_orders_delivered_in_full_are_the_row_by_row_ones(ledger_url, seed):
    """Every order of a random ledger, asked at several cutoffs: the orders delivered in full
    (or completed or closed) by each, read as stored integers, are those the `Decimal` reading
    found."""
    from sqlalchemy import select

    from toolkit.ledger import schema
    from toolkit.ledger.db import reading
    from toolkit.ledger.invoices import delivered_orders

    rng = random.Random(600 + seed)
    master = random_master(rng)
    ledger = open_ledger(ledger_url)
    try:
        fill(ledger, master, rng)
        with reading(ledger) as conn:
            ids = list(conn.execute(select(schema.orders.c.id)).scalars())
            for cutoff in (date(2026, 3, 31), date(2026, 4, 10), date(2026, 4, 30), date(2026, 5, 5)):
                found = delivered_orders(conn, ids, cutoff)
                assert found == invoicing_rowwise.delivered_orders(conn, ids, cutoff)
            assert 0 < len(found) < len(ids)
    finally:
        ledger.engine.dispose()
