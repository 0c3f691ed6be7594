"""Exposures summed for the customers asked about, in batches (or for every customer when they
are most of them), are exactly those summed over every customer at once
(`tests/oracles/exposure_everyone.py`), and the credit check's (`credit_exposures`) are the
same but for the latest order's figures: randomized ledgers (orders created, shipped in part,
invoiced at once, paid in part, some voided), SQLite and PostgreSQL."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest
from oracles import exposure_everyone
from sqlalchemy import update
from test_shipping_setbased import START, master_of, pay_some, randomized

from toolkit.core.workdays import working_calendar
from toolkit.ledger import exposure, schema
from toolkit.ledger.db import reading, writing
from toolkit.ledger.exposure import ZERO, credit_exposures, exposures
from toolkit.services.orders import create
from toolkit.services.shipping import ship


@pytest.mark.parametrize("seed", [3, 17, 41])
def test_restricted_exposures_equal_everyone_s(ledger, tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    master = randomized(master_of(tmp_path, seed), rng)
    calendar = working_calendar(master.settings, master.closures)
    day, done, counter = START, 0, [0]
    while done < 4:
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            pay_some(ledger, rng, counter)
            if rng.random() < 0.7:
                ship(master, ledger, day, all_open=True, force=rng.random() < 0.3, lang="it")
            done += 1
        day += timedelta(1)
    with writing(ledger) as conn:
        c = schema.orders.c
        ids = [i for (i,) in conn.execute(schema.orders.select().with_only_columns(c.id).order_by(c.id))]
        voided = rng.sample(ids, min(len(ids), 3))
        conn.execute(update(schema.orders).where(c.id.in_(voided)).values(status="voided"))
    codes = [c.code for c in master.customers] + ["NO-SUCH-CUSTOMER"]
    with reading(ledger) as conn:
        ordering = {customer for (customer,) in conn.execute(schema.orders.select().with_only_columns(
            schema.orders.c.customer))}
        assert exposure.customers_with_orders(conn) == len(ordering) > 1
        every = exposure_everyone.exposures(conn, codes)
        assert all(any(getattr(e, f) for e in every.values())
                   for f in ("last_order_date", "unshipped", "outstanding"))
        assert exposures(conn, codes) == every
        monkeypatch.setattr(exposure, "BATCH", 2)
        for most in (0.0, 0.6, 2.0):
            monkeypatch.setattr(exposure, "MOST", most)
            for _ in range(5):
                some = rng.sample(codes, rng.randint(1, len(codes)))
                assert exposures(conn, some) == {c: every[c] for c in some}
        assert exposures(conn, []) == {}
        for _ in range(3):
            some = rng.sample(codes, rng.randint(1, len(codes)))
            assert credit_exposures(conn, some) == {
                c: replace(every[c], last_order_date=None, last_order_amount=ZERO) for c in some}


def test_an_empty_ledger_has_no_customers_with_orders(ledger):
    """The walk over the customers' index starts from nothing on a ledger without orders."""
    with reading(ledger) as conn:
        assert exposure.customers_with_orders(conn) == 0
