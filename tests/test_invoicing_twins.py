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
from test_shipping_setbased import table_digests

from toolkit.basics.vocab import InvoiceTerms
from toolkit.core.invoicing import InvoiceStatus, Period, Request
from toolkit.ledger import open_ledger
from toolkit.services.invoicing import run


def outcome(result) -> tuple:
    problems = sorted((p.code, str(p.message("it")), str(p.message("en"))) for p in result.problems)
    return ([replace(x, run_id=None) for x in result.invoices], problems, result.pending, result.status,
            result.preview, result.run_id is None)


def twin_runs(urls, seed: int, make_request, before=None, **options):
    """Both runs on two ledgers filled alike by `seed`; the invoices compared. Returns the
    reference's result. `before`: a request each makes final first, its invoices compared too."""
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
        if before is not None:
            first = run(product, master, before, status=InvoiceStatus.FINAL, lang="it")
            assert outcome(first) == outcome(invoicing_rowwise.run(reference, master, before,
                                                                   status=InvoiceStatus.FINAL))
        request = make_request(master)
        got = run(product, master, request, **options, lang="it")
        expected = invoicing_rowwise.run(reference, master, request, **options)
        assert outcome(got) == outcome(expected)
        assert table_digests(product) == table_digests(reference)
        return expected
    finally:
        test_invoicing._ids = counted
        for ledger in ledgers:
            ledger.engine.dispose()


def _released(master) -> frozenset[str]:
    return frozenset(c.code for c in master.customers
                     if c.invoice_terms is InvoiceTerms.DO_NOT_INVOICE and c.code < "C006")


@pytest.mark.parametrize("seed", range(4))
def test_a_month_run_leaves_the_ledger_the_row_by_row_run_left(twin_urls, seed):
    result = twin_runs(twin_urls, 300 + seed, lambda m: Request(APRIL, AFTER_APRIL, released=_released(m)))
    assert result.invoices


@pytest.mark.parametrize("seed", range(2))
def test_a_final_run_mid_month_is_the_row_by_row_one(twin_urls, seed):
    twin_runs(twin_urls, 400 + seed, lambda m: Request(APRIL, date(2026, 4, 20)), status=InvoiceStatus.FINAL)


@pytest.mark.parametrize("seed", [0, 5, 9])
def test_month_end_after_a_final_run_mid_month_is_the_row_by_row_one(twin_urls, seed):
    """The random ledger's customers invoiced *Immediato* have orders never invoiced at the
    order, shipped in two parts, as those of a customer turned *Immediato* after they shipped:
    the part invoiced by its DDT at April's end left the rest of the line billed in May by its
    next DDT and at the order too, until the order line was left to its DDTs whatever invoiced
    part of it (`ordered_not_invoiced`'s `shipped_apart`)."""
    may = Period(date(2026, 5, 1), date(2026, 5, 31))
    result = twin_runs(twin_urls, 420 + seed, lambda m: Request(may, date(2026, 6, 1)),
                       before=Request(APRIL, AFTER_APRIL))
    assert result.invoices


def test_a_run_for_one_customer_is_the_row_by_row_one(twin_urls):
    twin_runs(twin_urls, 500, lambda m: Request(APRIL, AFTER_APRIL, customer="C003", invoice_date=date(2026, 5, 1)))


def test_a_preview_is_the_row_by_row_one(twin_urls):
    result = twin_runs(twin_urls, 501, lambda m: Request(APRIL, AFTER_APRIL), preview=True)
    assert result.invoices and any(p.reason == "held" for p in result.pending)


@pytest.mark.parametrize("seed", [511, 513])
def test_a_run_for_one_held_customer_is_the_row_by_row_one(twin_urls, seed):
    """The lines of a customer on hold are counted by the ledger, not read (`held_customers`):
    asked for that customer alone, the run leaves them waiting and warns as the reference does.
    Seeds whose first held customer has lines in April (not every random ledger gives one)."""
    def held_one(master):
        return Request(APRIL, AFTER_APRIL, customer=min(
            c.code for c in master.customers if c.invoice_terms is InvoiceTerms.DO_NOT_INVOICE))

    result = twin_runs(twin_urls, seed, held_one)
    assert not result.invoices and [p.reason for p in result.pending] == ["held"]


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


def test_the_orders_delivered_in_full_fit_an_old_sqlite(tmp_path):
    """A SQLite before 3.32 binds at most 999 parameters in a statement (`ledger.batches`): with
    that limit set, lists of `IN_LIST` orders (the largest `id_lists` makes) still give what the
    row-by-row reading finds, and the statement binds each list once (twice, it bound 1,801)."""
    import sqlite3

    from sqlalchemy import select

    from toolkit.ledger import schema
    from toolkit.ledger.batches import IN_LIST, id_lists, one_array
    from toolkit.ledger.db import _prepared, reading
    from toolkit.ledger.invoices import _order_deliveries, delivered_orders

    old_limit = 999
    rng = random.Random(610)
    master = random_master(rng)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    try:
        fill(ledger, master, rng)
        with reading(ledger) as conn:
            ids = list(conn.execute(select(schema.orders.c.id)).scalars())
            asked = ids + list(range(max(ids) + 1, max(ids) + 1 + 2 * IN_LIST))  # no such orders: nothing shipped
            largest = max(len(x) for x in id_lists(conn, asked))
            prepared = _prepared(_order_deliveries(one_array(conn)), conn.dialect)
            sql, parameters = prepared.bound({"cutoff": date(2026, 4, 30),
                                              **{name: list(range(largest)) for name in prepared.expanding}})
            assert largest == IN_LIST and len(parameters) == sql.count("?") <= old_limit
            expected = invoicing_rowwise.delivered_orders(conn, ids, date(2026, 4, 30))
            conn.connection.dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, old_limit)
            assert delivered_orders(conn, asked, date(2026, 4, 30)) == expected
            assert 0 < len(expected) < len(ids)
    finally:
        ledger.engine.dispose()


@pytest.mark.parametrize("seed, status", [(0, InvoiceStatus.DRAFT), (1, InvoiceStatus.FINAL)])
def test_invoices_too_long_for_one_are_split_as_the_row_by_row_run_splits_them(twin_urls, seed, status, monkeypatch):
    """Past `LINES_PER_INVOICE` lines an invoice is issued as several, each of whole lines in the
    invoice's order (DDT date, DDT, order, line) and numbered one after the other. A month of
    10,000 lines per customer is too slow for a twin test, so both runs take 3 lines an invoice:
    the random months then split most invoices, and both must split them alike."""
    from toolkit.core import invoicing

    monkeypatch.setattr(invoicing, "LINES_PER_INVOICE", 3)
    expected = twin_runs(twin_urls, 300 + seed, lambda m: Request(APRIL, AFTER_APRIL, released=_released(m)),
                         status=status)
    assert expected.invoices and all(len([x for x in i.lines if not x.charged_stamp_duty]) <= 3
                                     for i in expected.invoices)
    parts: dict[tuple, list[str]] = {}
    for i in expected.invoices:
        parts.setdefault((i.customer, i.group_key, i.kind, i.payment_method, i.invoice_date), []).append(i.number)
    split = [numbers for numbers in parts.values() if len(numbers) > 1]
    assert split, "no invoice was long enough to split"
    for numbers in split:
        serials = [int(n.rsplit("-", 1)[1]) for n in numbers]
        assert serials == list(range(serials[0], serials[0] + len(serials)))
