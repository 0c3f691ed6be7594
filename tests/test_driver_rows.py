"""`toolkit.ledger.db.driver_rows` gives exactly what `conn.execute(statement).all()` gives:
the same rows in the same order, each value of the same type and, for decimals, the same digits
and exponent (compared as `repr`s), on SQLite and PostgreSQL: dates and timestamps (text on
SQLite), `Scaled` decimals and their stored integers, `Numeric`, booleans, NULLs in every
column, sums and maxima, bound parameters, `IN` lists (empty too, the same length again with
other values, other lengths), literals in the statement, literal `IN` lists beside bound ones.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    bindparam,
    case,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError

from toolkit.ledger import open_ledger
from toolkit.ledger.db import driver_rows, reading, writing
from toolkit.ledger.types import Money, Quantity, UnitPrice, stored_integer

metadata = MetaData()
probe = Table(
    "driver_rows_probe", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date),
    Column("at", DateTime),
    Column("amount", Money()),
    Column("quantity", Quantity()),
    Column("price", UnitPrice()),
    Column("rate", Numeric(9, 4)),
    Column("flag", Boolean),
    Column("name", String(20)),
)
p = probe.c


def random_rows(rng: random.Random, count: int) -> list[dict]:
    def maybe(value):
        return None if rng.random() < 0.15 else value

    return [dict(id=n, day=maybe(date(2026, 1, 1) + timedelta(rng.randint(0, 400))),
                 at=maybe(datetime(2026, 4, 1, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                                   rng.choice([0, 123456]))),
                 amount=maybe(Decimal(rng.randint(-10**9, 10**9)).scaleb(-2)),
                 quantity=maybe(Decimal(rng.choice([1, 7, 1500, -2, 999999])).scaleb(-rng.randint(0, 3))),
                 price=maybe(Decimal(rng.randint(0, 10**10)).scaleb(-6)),
                 rate=maybe(Decimal(rng.randint(0, 10**6)).scaleb(-4)),
                 flag=maybe(rng.random() < 0.5),
                 name=maybe(rng.choice(["alpha", "beta", "gamma", "δέλτα", ""])))
            for n in range(1, count + 1)]


other = probe.alias("other")
DAY = bindparam("day", type_=Date)
IDS = bindparam("ids", expanding=True)
NAMES = bindparam("names", expanding=True)
STATEMENTS = {
    "every column": select(probe).order_by(p.id),
    "dates and ids bound": select(p.id, p.day, p.amount, p.flag).where(p.day >= DAY, p.id.in_(IDS)).order_by(p.id),
    "names bound, a literal": select(p.name, p.at, p.quantity).where(p.name.in_(NAMES), p.flag.is_not(None),
                                                                     p.rate != Decimal("0.5")).order_by(p.id),
    "stored integers": select(p.id, stored_integer(p.amount), stored_integer(p.quantity) * 2,
                              stored_integer(p.price) // 10**6).order_by(p.id),
    "sums per flag": select(p.flag, func.sum(p.amount), func.sum(stored_integer(p.quantity)), func.max(p.day),
                            func.min(p.at), func.count(), func.sum(p.rate)).group_by(p.flag).order_by(p.flag),
    "case and outer join": select(p.id, case((p.flag, p.day), else_=None), other.c.name, other.c.amount)
    .select_from(probe.outerjoin(other, other.c.id == p.id + 1)).order_by(p.id),
}
STATEMENTS["literal IN lists beside a bound one"] = (
    select(p.id, p.name, p.price).where(p.name.in_(["alpha", "", "δέλτα"]), p.id.in_(IDS), p.quantity.in_([Decimal(7)]))
    .order_by(p.id))
PARAMS = {"dates and ids bound": lambda rng: {"day": date(2026, 3, 1), "ids": rng.sample(range(1, 400), 120)},
          "literal IN lists beside a bound one": lambda rng: {"ids": rng.sample(range(1, 400), rng.choice([300, 60]))},
          "names bound, a literal": lambda rng: {"names": rng.sample(["alpha", "beta", "gamma", "δέλτα", ""], 3)}}


def as_sqlalchemy_gives(conn, statement, params) -> str:
    return repr([tuple(row) for row in conn.execute(statement, params).all()])


@pytest.mark.parametrize("seed", [1, 2])
def test_driver_rows_are_what_sqlalchemy_gives(ledger_url, seed):
    rng = random.Random(seed)
    ledger = open_ledger(ledger_url)
    with writing(ledger) as conn:
        metadata.create_all(conn)
        conn.execute(insert(probe), random_rows(rng, 300))
    with reading(ledger) as conn:
        for name, statement in STATEMENTS.items():
            for _ in range(4):  # the kept compiled form, with other values (and lengths of lists) each time
                params = PARAMS[name](rng) if name in PARAMS else {}
                got = repr(list(driver_rows(conn, statement, params)))
                assert got == as_sqlalchemy_gives(conn, statement, params), name
                assert got != "[]", name
        empty = {"day": date(2026, 3, 1), "ids": []}
        assert list(driver_rows(conn, STATEMENTS["dates and ids bound"], empty)) == []
        assert conn.execute(select(func.count()).select_from(probe)).scalar_one() == 300  # the connection goes on
    ledger.engine.dispose()


def test_driver_rows_read_inside_the_writers_transaction(ledger_url, monkeypatch):
    """What the writer has just inserted, not yet committed, is read; rows come in batches."""
    monkeypatch.setattr("toolkit.ledger.db.DRIVER_BATCH", 7)
    ledger = open_ledger(ledger_url)
    rows = random_rows(random.Random(3), 50)
    with writing(ledger) as conn:
        metadata.create_all(conn)
        conn.execute(insert(probe), rows)
        statement = STATEMENTS["every column"]
        assert repr(list(driver_rows(conn, statement))) == as_sqlalchemy_gives(conn, statement, {})
        assert len(list(driver_rows(conn, statement))) == 50
    ledger.engine.dispose()


def test_driver_rows_refuse_what_they_cannot_give(ledger_url):
    """A missing parameter is refused before the driver sees the statement; the driver's own
    errors come as SQLAlchemy's, as `conn.execute` raises them."""
    ledger = open_ledger(ledger_url)
    with writing(ledger) as conn:
        metadata.create_all(conn)
    with reading(ledger) as conn:
        with pytest.raises(Exception, match="day"):
            driver_rows(conn, STATEMENTS["dates and ids bound"], {"ids": [1]})
    with reading(ledger) as conn:
        with pytest.raises(DBAPIError):
            driver_rows(conn, select(text("no_such_column")).select_from(probe))
    ledger.engine.dispose()
