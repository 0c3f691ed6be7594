"""`insert_rows` (the ledger's bulk insert) stores exactly what SQLAlchemy's own executemany
stores, and refuses what it refuses: its per-column conversion is a speed trick (issue 20:
storing a day's orders at L), so it is compared with the plain path on random rows."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, select

from toolkit.ledger.db import insert_rows, writing
from toolkit.ledger.types import Money, Quantity, UnitPrice


def _probe(name: str) -> Table:
    return Table(name, MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer),
                 Column("label", String(20)), Column("day", Date), Column("quantity", Quantity()),
                 Column("price", UnitPrice()), Column("amount", Money()))


def _value(rng: random.Random, places: int):
    """Decimals in every form a row may carry them: trailing zeros, negative, integers, strings,
    None, and values that repeat (the case the conversion is cached for)."""
    pick = rng.random()
    if pick < 0.1:
        return None
    if pick < 0.2:
        return rng.randint(-50, 50)
    if pick < 0.25:
        return str(Decimal(rng.randint(-10**4, 10**4)).scaleb(-rng.randint(0, places)))
    if pick < 0.6:
        return rng.choice((Decimal("1"), Decimal("1.0"), Decimal("1.000"), Decimal("-2.50"), Decimal("0"),
                           Decimal("0.00"), Decimal("-0"), Decimal("12.5")))
    digits = rng.randint(0, places)
    value = Decimal(rng.randint(-10**7, 10**7)).scaleb(-digits)
    return value.quantize(Decimal(1).scaleb(-places)) if rng.random() < 0.3 else value


def _rows(rng: random.Random, count: int) -> list[dict]:
    return [dict(n=rng.randint(0, 9), label=rng.choice(("a", "b", None)),
                 day=date(2026, 1, 1) + timedelta(days=rng.randrange(365)), quantity=_value(rng, 3),
                 price=_value(rng, 6), amount=_value(rng, 2)) for _ in range(count)]


def _stored(conn, table: Table) -> list[tuple]:
    return [tuple(r)[1:] for r in conn.execute(select(table).order_by(table.c.id))]


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_insert_rows_stores_what_sqlalchemy_stores(ledger, seed):
    rng = random.Random(seed)
    rows = _rows(rng, rng.randint(1, 400))
    ours, theirs = _probe(f"probe_ours_{seed}"), _probe(f"probe_theirs_{seed}")
    with writing(ledger) as conn:
        for table in (ours, theirs):
            table.create(conn)
        insert_rows(conn, ours, rows)
        conn.execute(theirs.insert(), rows)
        got, expected = _stored(conn, ours), _stored(conn, theirs)
        for table in (ours, theirs):
            table.drop(conn)
    assert got == expected
    assert [tuple(map(str, r)) for r in got] == [tuple(map(str, r)) for r in expected]


@pytest.mark.parametrize("bad", [Decimal("1.0001"), Decimal("0.0000001"), "2.5555"])
def test_insert_rows_refuses_what_the_column_refuses(ledger, bad):
    table = _probe("probe_refused")
    column = "quantity" if not isinstance(bad, str) else "amount"
    rows = [dict(n=1, label=None, day=None, quantity=Decimal(1), price=Decimal(1), amount=Decimal(1)),
            dict(n=2, label=None, day=None, quantity=Decimal(1), price=Decimal(1), amount=Decimal(1))]
    rows[1][column] = bad
    with writing(ledger) as conn:
        table.create(conn)
        with pytest.raises(ValueError, match="decimals"):
            insert_rows(conn, table, rows)
        with pytest.raises(Exception, match="decimals"):
            conn.execute(table.insert(), rows)
        table.drop(conn)
