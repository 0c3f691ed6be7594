"""`toolkit ship --invoice` reads only the DDTs it invoices (`ledger.invoices.shipments_on`),
and gets what reading every DDT line not yet invoiced and keeping those DDTs' got
(`tests/oracles/ship_invoice_filtered.py`): on random ledgers, SQLite and PostgreSQL, with
DDTs partly invoiced already (an order of theirs invoiced by a run, or at the order), returns,
several DDTs of one customer, orders on several DDTs and DDTs of several orders; the same
shipments, in the same order, and the same invoices stored."""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
import test_invoicing
from oracles import ship_invoice_filtered
from sqlalchemy import insert, select, update
from test_invoicing import APRIL, ship
from test_invoicing_setwise import fill, random_master
from test_shipping_setbased import table_digests

from toolkit.basics.problems import ProblemsFound
from toolkit.core.invoicing import Request
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading, writing
from toolkit.ledger.deliveries import load_notes
from toolkit.ledger.invoices import shipments_on
from toolkit.services import invoicing
from toolkit.services.invoicing import run

o, ol = schema.orders.c, schema.order_lines.c
d, dl, il = schema.deliveries.c, schema.delivery_lines.c, schema.invoice_lines.c
CUTOFFS = (date(2026, 3, 31), date(2026, 4, 15), date(2026, 4, 30), date(2026, 5, 20))


def lived(ledger, master, rng: random.Random) -> None:
    """`fill`'s March and April, then DDTs that carry lines of several orders of one customer
    (orders invoiced at the order among them), and some of those orders invoiced by a run: DDTs
    partly invoiced already."""
    fill(ledger, master, rng)
    with reading(ledger) as conn:
        lines = conn.execute(select(o.customer, o.id, o.number, ol.id, ol.quantity)
                             .join(schema.order_lines, ol.order_id == o.id).order_by(ol.id)).all()
    by_customer: dict[str, dict[int, list]] = {}
    for customer, order_id, number, line_id, quantity in lines:
        by_customer.setdefault(customer, {}).setdefault(order_id, []).append((number, line_id, quantity))
    chosen = []
    for customer, orders in sorted(by_customer.items()):
        if len(orders) < 2:
            continue
        picked = rng.sample(sorted(orders), min(len(orders), rng.randint(2, 3)))
        day = date(2026, 5, 6) + timedelta(days=rng.randint(0, 8))
        ship(ledger, customer, day, [(line_id, str(quantity)) for order_id in picked
                                     for _, line_id, quantity in orders[order_id] if rng.random() < 0.8])
        chosen.append(picked[0])
    numbers = {order_id: number for _, order_id, number, _, _ in lines}
    for order_id in chosen[::2]:
        run(ledger, master, Request(APRIL, date(2026, 5, 10), date(2026, 5, 10)),
            orders=[f"OC-2026-{numbers[order_id]:05d}"], lang="it")
    for_sale(ledger)


def for_sale(ledger) -> None:
    """`ship`'s DDTs with the reason the shipping service stores, to be read back as notes."""
    with writing(ledger) as conn:
        conn.execute(update(schema.deliveries).values(reason="sale"))


def later_ddts(ledger, rng: random.Random) -> None:
    """A DDT for each customer after the runs of `lived`, of a few lines of its orders: what
    `ship --invoice` can still invoice in the series' date order."""
    with reading(ledger) as conn:
        lines = conn.execute(select(o.customer, ol.id, ol.quantity)
                             .join(schema.order_lines, ol.order_id == o.id).order_by(ol.id)).all()
    for customer in sorted({c for c, _, _ in lines}):
        theirs = [(line_id, str(quantity)) for c, line_id, quantity in lines if c == customer]
        ship(ledger, customer, date(2026, 5, 11) + timedelta(days=rng.randint(0, 3)),
             rng.sample(theirs, min(len(theirs), rng.randint(1, 3))))
    for_sale(ledger)


def delivery_ids(conn) -> list[int]:
    return list(conn.execute(select(d.id).order_by(d.id)).scalars())


def partly_invoiced(conn) -> set[int]:
    """DDTs with some lines an invoice covers (by the DDT line or at the order) and some none."""
    at_order = select(il.order_line_id).where(il.delivery_line_id.is_(None))
    covered = (dl.id.in_(select(il.delivery_line_id).where(il.delivery_line_id.is_not(None)))
               | dl.order_line_id.in_(at_order))
    rows = conn.execute(select(dl.delivery_id, covered)).all()
    some = {delivery for delivery, is_covered in rows if is_covered}
    return some & {delivery for delivery, is_covered in rows if not is_covered}


def asked_lists(rng: random.Random, ids: list[int]) -> list[list[int]]:
    """The DDT ids asked for: none, each one alone, random handfuls, all, all with ids of no DDT."""
    return [[], *([x] for x in ids), *(rng.sample(ids, rng.randint(1, len(ids))) for _ in range(6)),
            ids, [*ids, max(ids) + 1, max(ids) + 50]]


# Seed 3's only DDTs partly invoiced were those whose shipped lines `invoice --orders` billed at
# the order; shipped lines are billed by their DDT now, and its DDTs are after the run's day. Seed
# 2's were those of a return credited at the order citing nothing, whose note now waits for its DDT.
@pytest.mark.parametrize("seed", [0, 1, 4, 5])
def test_the_ddts_asked_give_the_shipments_the_whole_read_kept(ledger_url, seed):
    rng = random.Random(3000 + seed)
    master = random_master(rng)
    ledger = open_ledger(ledger_url)
    try:
        lived(ledger, master, rng)
        with reading(ledger) as conn:
            ids = delivery_ids(conn)
            partly = partly_invoiced(conn)
            assert partly, "no DDT partly invoiced: the ledger does not test what it should"
            found = 0
            for cutoff in CUTOFFS:
                for asked in asked_lists(rng, ids):
                    expected = ship_invoice_filtered.shipments_of(conn, asked, cutoff)
                    assert shipments_on(conn, asked, cutoff) == expected
                    found += len(expected)
            kept = {s.delivery.id for s in ship_invoice_filtered.shipments_of(conn, ids, CUTOFFS[-1]) if s.delivery}
            shipments = ship_invoice_filtered.shipments_of(conn, ids, CUTOFFS[-1])
        assert found and kept & partly
        assert any(g[3] < 0 for s in shipments for g in s.lines)  # returns
        assert len({s.delivery.id for s in shipments if s.delivery}) < len(shipments)  # DDTs of several orders
        assert len({s.order_id for s in shipments}) < len(shipments)  # orders on several DDTs
    finally:
        ledger.engine.dispose()


def many_ddts(ledger, rng: random.Random, count: int) -> None:
    """`count` more DDTs of one or two lines of random orders, on random days: ids in an order
    their dates and numbers do not follow."""
    with reading(ledger) as conn:
        lines = conn.execute(select(ol.id, o.customer).join(schema.orders, o.id == ol.order_id)).all()
    with writing(ledger) as conn:
        for n in range(count):
            line_id, customer = rng.choice(lines)
            delivery_id = conn.execute(insert(schema.deliveries).values(
                series=rng.choice(["DDT", "DDB"]), year=2026, number=10_000 + n, customer=customer,
                delivery_date=date(2026, 4, 1) + timedelta(days=rng.randint(0, 40)), reason="sale",
                created_at=datetime(2026, 1, 1), created_by="test").returning(d.id)).scalar_one()
            conn.execute(insert(schema.delivery_lines), [
                dict(delivery_id=delivery_id, order_line_id=line, quantity=D(rng.choice(["1", "2.5", "-1"])))
                for line in {line_id, rng.choice(lines)[0]}])


def test_more_ddts_than_an_old_sqlite_binds_are_read_in_order(ledger_url):
    """More DDTs than a list of `IN_LIST` ids, their ids out of their date order: on SQLite
    with the 999 parameters of a SQLite before 3.32 set, read in several lists and merged back
    into the whole read's order; on PostgreSQL one array."""
    import sqlite3

    from toolkit.ledger.batches import IN_LIST, id_lists, one_array
    from toolkit.ledger.db import _prepared
    from toolkit.ledger.invoices import _not_invoiced_on

    rng = random.Random(3100)
    master = random_master(rng)
    ledger = open_ledger(ledger_url)
    try:
        lived(ledger, master, rng)
        many_ddts(ledger, rng, 2 * IN_LIST + 100)
        with reading(ledger) as conn:
            ids = delivery_ids(conn)
            asked = [*ids, *range(max(ids) + 1, max(ids) + 200)]
            cutoff = date(2026, 5, 20)
            expected = ship_invoice_filtered.shipments_of(conn, asked, cutoff)
            half = rng.sample(ids, len(ids) // 2)
            expected_half = ship_invoice_filtered.shipments_of(conn, half, cutoff)
            if conn.dialect.name == "sqlite":
                largest = max(len(x) for x in id_lists(conn, asked))
                prepared = _prepared(_not_invoiced_on(one_array(conn)), conn.dialect)
                sql, parameters = prepared.bound({"cutoff": cutoff, **{n: list(range(largest)) for n in prepared.expanding}})
                assert largest == IN_LIST and len(parameters) == sql.count("?") <= 999
                conn.connection.dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
                assert len(list(id_lists(conn, asked))) > 2
            assert shipments_on(conn, asked, cutoff) == expected
            assert shipments_on(conn, half, cutoff) == expected_half
        assert len(expected) > 2 * IN_LIST and expected_half
    finally:
        ledger.engine.dispose()


def _outcome(ledger, master, shipper, day: date) -> tuple:
    """`shipper` (`invoice_shipped_in` or the oracle's) on the DDTs of `day`, in a write
    transaction as `ship --invoice` runs it: the invoices stored, or the problems refused."""
    try:
        with writing(ledger) as conn:
            notes = load_notes(conn, day_from=day, day_to=day)
            invoices, problems = shipper(conn, master, notes, day, day, lang="it")
    except ProblemsFound as refused:
        return "refused", _said(refused.problems)
    return [replace(x, run_id=None) for x in invoices], _said(problems)


def _said(problems) -> list[tuple[str, str, str]]:
    """The problems' codes and words, a run's id (random in its tail, so the twins' differ) as RUN."""
    return sorted((p.code, *(re.sub(r"\b\d{8}-[0-9a-f]{8}\b", "RUN", str(p.message(lang))) for lang in ("it", "en")))
                  for p in problems)


@pytest.mark.parametrize("seed", range(3))
def test_ship_invoice_stores_what_the_whole_read_stored(twin_urls, seed):
    """Twin ledgers lived alike; each day's DDTs from the middle of April on invoiced as `ship
    --invoice` invoices them, day after day: the same invoices (or refusals) and the same rows
    in every table."""
    ledgers, counted = [], test_invoicing._ids
    try:
        for url in twin_urls:
            test_invoicing._ids = itertools.count(1)
            rng = random.Random(3200 + seed)
            master = random_master(rng)
            ledger = open_ledger(url)
            lived(ledger, master, rng)
            later_ddts(ledger, rng)
            ledgers.append(ledger)
        product, reference = ledgers
        with reading(product) as conn:
            days = sorted(set(conn.execute(select(d.delivery_date).where(d.delivery_date >= date(2026, 4, 15)))
                              .scalars()))
        stored = 0
        for day in days:
            got = _outcome(product, master, invoicing.invoice_shipped_in, day)
            assert got == _outcome(reference, master, ship_invoice_filtered.invoice_shipped_in, day)
            stored += len(got[0]) if got[0] != "refused" else 0
        assert stored
        assert table_digests(product) == table_digests(reference)
    finally:
        test_invoicing._ids = counted
        for ledger in ledgers:
            ledger.engine.dispose()


def test_ship_invoice_of_the_sample_stores_what_the_whole_read_stored(twin_urls, sample_master, rome_today,
                                                                      monkeypatch):
    """`toolkit ship --invoice` itself on twin ledgers of the sample: April 9's orders created and
    some shipped without invoices (lines waiting for month end), April 10's created, then every
    open order shipped with its invoice, the reference invoicing as the whole read did. The same
    DDTs, invoices and problems, and the same rows in every table."""
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship as ship_orders

    rome_today(date(2026, 4, 30))
    ledgers = [open_ledger(url) for url in twin_urls]
    called: list[int] = []

    def reference_invoicing(*args, **kwargs):
        called.append(1)
        return ship_invoice_filtered.invoice_shipped_in(*args, **kwargs)

    try:
        outcomes = []
        for n, ledger in enumerate(ledgers):
            if n == 1:
                monkeypatch.setattr(invoicing, "invoice_shipped_in", reference_invoicing)
            created = create(sample_master, ledger, date(2026, 4, 9), with_catch_up=False, lang="it")
            numbers = sorted(row["number"] for row in created.created)
            first = ship_orders(sample_master, ledger, date(2026, 4, 9), numbers=numbers[::2], lang="it")
            create(sample_master, ledger, date(2026, 4, 10), with_catch_up=False, lang="it")
            done = ship_orders(sample_master, ledger, date(2026, 4, 10), all_open=True, invoice=True, lang="it")
            outcomes.append((first.notes, done.notes, [replace(x, run_id=None) for x in done.invoices],
                             sorted((p.code, str(p.message("en"))) for p in done.problems)))
        assert called and outcomes[0] == outcomes[1]
        assert outcomes[0][0] and outcomes[0][2]
        assert table_digests(ledgers[0]) == table_digests(ledgers[1])
    finally:
        for ledger in ledgers:
            ledger.engine.dispose()
