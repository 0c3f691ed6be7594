"""Each order line's kept `shipped` (schema v13) is always the sum of its DDT lines.

The column is written by the one writer of DDT lines (`toolkit.ledger.deliveries.store_drafts`),
and read by the day's shipping for what is still open (reservations, due orders, the open
check). Here random sequences of every action that touches orders — creating a day's orders
(those that ship at once too), shipping every open order, chosen quantities, orders named by
number, with or without force, prepayments arriving, orders closed, voided, turned down,
completed, quotations and proposals confirmed — must leave every line's stored figure equal to
the one summed from scratch (and what shipped per item and day, `shipped_by_day`, the DDT lines'
sums per item and date), on SQLite and on PostgreSQL, and the reservations the database
ranks (confirmed proposals keep their place) equal to those summed line by line
(`tests/oracles/reservations_rowwise.py`); and a ledger of schema 12 gets the figures summed by
the migration.
"""

from __future__ import annotations

import os
import random
import uuid
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from older_ledgers import back_to, older_ledger
from oracles import reservations_rowwise, stock_summed
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from test_shipping_setbased import master_of, pay_some, queues, randomized

from toolkit.basics.vocab import DocumentType
from toolkit.core.orders import OrderStatus
from toolkit.core.shipping import ChosenRow
from toolkit.core.workdays import working_calendar
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders, reservations
from toolkit.services.order_confirm import confirm
from toolkit.services.order_status import change_status
from toolkit.services.orders import create
from toolkit.services.shipping import ship

START = date(2026, 4, 1)
MILLI = Decimal("0.001")
PG_URL = os.environ.get("TOOLKIT_TEST_PG_URL")


def with_offers(master, rng: random.Random):
    """Some templates make proposals (which reserve) or quotations (which do not), for the
    confirmations to keep a proposal's place in the queues."""
    templates = tuple(replace(t, document_type=rng.choice([DocumentType.PROPOSAL, DocumentType.QUOTATION]))
                      if rng.random() < 0.25 else t for t in master.templates)
    return master.model_copy(update={"templates": templates})


def kept_and_summed(ledger) -> tuple[dict, dict]:
    """Every order line's stored `shipped`, and the sum of its DDT lines (0 without any)."""
    ol, dl = schema.order_lines.c, schema.delivery_lines.c
    with reading(ledger) as conn:
        kept = dict(conn.execute(select(ol.id, ol.shipped)).all())
        sums = dict(conn.execute(select(dl.order_line_id, func.sum(dl.quantity)).group_by(dl.order_line_id)).all())
    return kept, {line_id: sums.get(line_id, 0) for line_id in kept}


def kept_by_day(conn) -> dict:
    """The kept rows of what shipped per item and DDT date (schema v15)."""
    sb = schema.shipped_by_day.c
    return {(r.item, r.delivery_date): r.quantity for r in conn.execute(select(sb.item, sb.delivery_date, sb.quantity))}


def act(master, ledger, day: date, rng: random.Random, counter: list[int]) -> None:
    """One random action on the ledger, as a desk would do it."""
    action = rng.choice(["ship", "ship", "chosen", "numbers", "status", "status", "confirm", "confirm", "pay"])
    if action == "pay":
        pay_some(ledger, rng, counter)
        return
    with reading(ledger) as conn:
        orders = load_orders(conn)
    if action == "ship":
        ship(master, ledger, day, all_open=True, force=rng.random() < 0.3, lang="it")
    elif action in ("chosen", "numbers"):
        open_ = [o for o in orders if o.status is OrderStatus.IN_PROGRESS and any(ln.to_ship for ln in o.lines)]
        picked = rng.sample(open_, min(len(open_), rng.randint(1, 5)))
        if action == "numbers":
            ship(master, ledger, day, numbers=[o.number for o in picked], force=rng.random() < 0.5, lang="it")
        else:
            ship(master, ledger, day, force=rng.random() < 0.5, chosen=[
                ChosenRow(o.number, str(ln.line_no), str(rng.choice([ln.to_ship, (ln.to_ship / 2).quantize(MILLI)])))
                for o in picked for ln in o.lines if ln.to_ship > 0 and rng.random() < 0.7], lang="it")
    elif action == "status":
        for order in rng.sample(orders, min(len(orders), rng.randint(1, 4))):
            change_status(ledger, order.number, rng.choice(
                [OrderStatus.CLOSED, OrderStatus.VOIDED, OrderStatus.NOT_ACCEPTED, OrderStatus.COMPLETED,
                 OrderStatus.IN_PROGRESS]))
    else:
        offers = [o for o in orders if o.document_type in (DocumentType.PROPOSAL, DocumentType.QUOTATION)
                  and o.status is OrderStatus.DRAFT]
        for order in rng.sample(offers, min(len(offers), rng.randint(1, 3))):
            confirm(master, ledger, order.number, day, lang="it")


def live(master, ledger, rng: random.Random, days: int) -> int:
    """`days` working days of random actions; after each, the kept figures are the sums."""
    calendar = working_calendar(master.settings, master.closures)
    day, done, counter, shipped = START, 0, [0], 0
    while done < days:
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            for _ in range(rng.randint(1, 4)):
                act(master, ledger, day, rng, counter)
                kept, summed = kept_and_summed(ledger)
                assert kept == summed, day
                with reading(ledger) as conn:  # and what shipped per item and day (`shipped_by_day`)
                    assert kept_by_day(conn) == stock_summed.shipped_by_day(conn), day
                with reading(ledger) as conn:  # the queues ranked by the database, as summed line by line
                    assert queues(reservations(conn)) == queues(reservations_rowwise.reservations(conn)), day
            shipped += sum(1 for v in kept.values() if v)
            done += 1
        day += timedelta(1)
    return shipped


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_shipped_is_the_sum_of_the_ddt_lines(tmp_path, seed):
    rng = random.Random(seed)
    master = with_offers(randomized(master_of(tmp_path, seed), rng), rng)
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    assert live(master, ledger, rng, 6) > 0
    ledger.engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL not available: set TOOLKIT_TEST_PG_URL")
def test_kept_shipped_is_the_sum_on_postgresql(tmp_path):
    rng = random.Random(7)
    master = with_offers(randomized(master_of(tmp_path, 7), rng), rng)
    name = f"kept_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        ledger = open_ledger(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
        assert live(master, ledger, rng, 4) > 0
        ledger.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def test_migration_13_sums_what_each_line_shipped(tmp_path):
    master = master_of(tmp_path, 2026)
    url = older_ledger(tmp_path, master, 12)
    ledger = open_ledger(url)
    ship(master, ledger, date(2026, 4, 9), all_open=True, lang="it")
    back_to(ledger, 12, {"order_lines": ["shipped"]})
    ledger.engine.dispose()
    migrated = open_ledger(url)
    with reading(migrated) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
    kept, summed = kept_and_summed(migrated)
    assert kept == summed and any(kept.values())
    migrated.engine.dispose()
