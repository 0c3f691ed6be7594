"""The orders that ship as they are created (warehouse, POS, on-credit) are shipped as built
from the drafts just stored (`ledger.orders.stored_orders`), and that is exactly what reading
them back gave (`tests/oracles/ship_at_once_readback.py`): the orders built equal what
`load_orders` reads back, to each `Decimal`'s form, on odd quantities, prices, amounts and rates,
returns, zero lines and every status (SQLite and PostgreSQL); and `create` over randomized master
data and the sample issues the same DDTs, invoices, problems and ledger rows either way (the
days read back one by one, or shipped in turn from the stock and reservations read once)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from oracles import ship_at_once_readback
from sqlalchemy import select
from test_invoice_at_creation import _odd_drafts
from test_shipping_setbased import master_of, randomized

from toolkit.basics.vocab import DocumentType, InvoiceTerms
from toolkit.core.orders import OrderStatus
from toolkit.ledger import open_ledger, schema
from toolkit.ledger import orders as ledger_orders
from toolkit.ledger.db import migrate, reading
from toolkit.ledger.orders import insert_orders, load_orders, stored_line_ids, stored_orders
from toolkit.model.parties import party_book
from toolkit.services import orders as orders_service
from toolkit.services.orders import create


@pytest.mark.parametrize("seed", [5, 19, 44])
def test_the_stored_drafts_are_the_orders_the_ledger_reads_back(ledger, tmp_path, seed):
    migrate(ledger)
    rng = random.Random(seed)
    master = master_of(tmp_path, seed)
    drafts = sorted(_odd_drafts(master, rng), key=lambda d: (d.occurrence, d.template))
    drafts = [replace(d, lines=tuple(replace(x, note=rng.choice([None, x.note, "  a note "]),
                                             price_rule=rng.choice([None, "R1"]))
                                     for x in d.lines)) for d in drafts]
    statuses = [rng.choice(list(OrderStatus)) for _ in drafts]
    with ledger.engine.connect() as conn:
        transaction = conn.begin()
        book = party_book(master)
        stored = insert_orders(conn, drafts, "OC", statuses, book=book, lang="en")
        chosen = sorted(rng.sample(range(len(drafts)), len(drafts) // 2), key=lambda _: rng.random())
        orders = [(stored[i][0], stored[i][1], drafts[i]) for i in chosen]
        got = stored_orders(orders, [statuses[i] for i in chosen],
                            stored_line_ids(conn, [order_id for order_id, _, _ in orders]), book, lang="en")
        expected = load_orders(conn, ids=[order_id for order_id, _, _ in orders])
        transaction.rollback()
    assert len(expected) > 20 and sum(len(order.lines) for order in expected) > 100
    assert all(order.parties is not None for order in expected)
    assert got == expected
    assert repr(got) == repr(expected)


def _at_once(master, rng: random.Random):
    """Templates of every type that ships at once (and others), customers invoiced immediately
    or not, random delivery terms, credit limits and short stock: the plan may refuse a line."""
    kinds = [DocumentType.POS, DocumentType.ON_CREDIT, DocumentType.WAREHOUSE, DocumentType.PREPAY,
             DocumentType.STANDARD, DocumentType.RETURN]
    templates = tuple(replace(t, document_type=rng.choice(kinds)) if rng.random() < 0.7 else t
                      for t in master.templates)
    customers = tuple(replace(c, invoice_terms=rng.choice([InvoiceTerms.IMMEDIATE, c.invoice_terms]))
                      for c in master.customers)
    return randomized(master.model_copy(update={"templates": templates, "customers": customers}), rng)


def _rows(ledger) -> tuple:
    tables = (schema.orders, schema.order_lines, schema.deliveries, schema.delivery_lines, schema.invoices,
              schema.invoice_lines, schema.invoice_dues, schema.counters)
    with reading(ledger) as conn:
        return tuple([tuple(v for k, v in r._mapping.items() if k not in ("created_at", "run_id", "at"))
                      for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
                     for table in tables)


def _both_ways(tmp_path, master, days, monkeypatch, name: str) -> int:
    """Creates the orders of `days` on two ledgers, shipped at once either way; returns how many
    DDT lines they hold."""
    seen_ways = []
    for way in ("oracle", "new"):
        ledger = open_ledger(f"sqlite:///{tmp_path / f'{name}-{way}.sqlite'}")
        with monkeypatch.context() as patched:
            if way == "oracle":
                patched.setattr(orders_service, "ship_at_once", lambda conn, master, now, *, lang: (
                    ship_at_once_readback.ship_at_once(conn, master, {d: [o.id for o in xs] for d, xs in now.items()},
                                                       lang=lang)))
            made = []
            for day in days:
                done = create(master, ledger, day, lang="it")
                problems = [(p.code, p.sheet, p.cell, sorted((k, str(v)) for k, v in dict(p.params).items()))
                            for p in done.problems]
                made.append((repr(done.notes), repr([replace(x, run_id=None) for x in done.invoices]),
                             repr(done.created), repr(done.already_existing), problems))
        seen_ways.append((made, _rows(ledger)))
        ledger.engine.dispose()
    assert seen_ways[0] == seen_ways[1]
    return len(seen_ways[1][1][3])


@pytest.mark.parametrize("few", [None, 1])
@pytest.mark.parametrize("seed", [2, 13, 29])
def test_create_ships_at_once_what_the_read_back_shipped(tmp_path, monkeypatch, seed, few):
    """`few`: the reservations read past `FEW_ITEMS` (every item's queue) from one item up."""
    if few is not None:
        monkeypatch.setattr(ledger_orders, "FEW_ITEMS", few)
    rng = random.Random(seed)
    master = _at_once(master_of(tmp_path, seed), rng)
    start = date(2026, 4, rng.randint(1, 8))
    days = [start, start + timedelta(days=rng.randint(1, 3)), start + timedelta(days=rng.randint(5, 12))]
    assert _both_ways(tmp_path, master, days, monkeypatch, f"seed-{seed}") > 0


def test_the_sample_month_ships_at_once_what_the_read_back_shipped(tmp_path, monkeypatch, sample_master):
    rng = random.Random(7)
    master = _at_once(sample_master, rng)
    days = [date(2026, 4, 1) + timedelta(days=n) for n in range(0, 30, 3)]
    assert _both_ways(tmp_path, master, days, monkeypatch, "sample") > 0


def test_create_ships_at_once_without_reading_the_lines_it_just_stored(tmp_path, monkeypatch):
    """The open check of the DDTs issued at once is answered from the orders built from the
    drafts just stored (`open_as_read`): the ledger is not asked for their lines' figures again."""
    from toolkit.ledger import deliveries

    def asked(conn, drafts):
        raise AssertionError(f"the figures of {len(drafts)} DDTs' lines read again")

    monkeypatch.setattr(deliveries, "_check_open", asked)
    rng = random.Random(13)
    master = _at_once(master_of(tmp_path, 13), rng)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'at-once.sqlite'}")
    notes = [note for day in (date(2026, 4, 7), date(2026, 4, 8)) for note in create(master, ledger, day, lang="it").notes]
    assert sum(len(note.lines) for note in notes) > 10
