"""PostgreSQL's COPY and array UPDATE (`toolkit.ledger.copy_in`) leave exactly what the
driver-level executemany left (`tests/oracles/driver_executemany.py`), on SQLite (where the
executemany stays) and on PostgreSQL.

Three ways: random rows with awkward text (tabs, newlines, backslashes, quotes, `\\N`, empty
strings, accents), NULLs, dates, timestamps and decimals in every form, stored both ways in
tables of their own, ids included; random increments added to kept figures both ways; and two
ledgers living the same random days side by side — orders created (some shipped at creation,
some invoiced at creation), prepayments, `ship --all`, then the month's invoicing — one
through the product, the other through the oracle's executemany for every bulk write, which
must end with the same rows in every table the month writes. A broken constraint is refused
as SQLAlchemy refuses it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from oracles import driver_executemany
from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from test_shipping_setbased import master_of, pay_some, randomized

from toolkit.core.invoicing import Period, Request
from toolkit.core.workdays import working_calendar
from toolkit.ledger import db, deliveries, invoices, open_ledger, schema
from toolkit.ledger import orders as ledger_orders
from toolkit.ledger.db import insert_columns, reading, writing
from toolkit.ledger.types import Money, Quantity, UnitPrice
from toolkit.services.invoicing import run
from toolkit.services.orders import create
from toolkit.services.shipping import Shipped, ship

AWKWARD = ("", " ", "a\tb", "line\nbreak", "back\\slash", "\\N", "quote ' and \"", "perché è così", "x" * 60,
           "\r\n", "comma, semi; pipe|", None)


def _probe(name: str) -> Table:
    return Table(name, MetaData(), Column("id", Integer, primary_key=True), Column("n", Integer),
                 Column("by", String(60)), Column("note", Text), Column("day", Date), Column("at", DateTime),
                 Column("quantity", Quantity()), Column("price", UnitPrice()), Column("amount", Money()),
                 UniqueConstraint("n", "by", name=f"uq_{name}"))


def _decimal(rng: random.Random, places: int):
    pick = rng.random()
    if pick < 0.1:
        return None
    if pick < 0.2:
        return rng.randint(-50, 50)
    if pick < 0.5:
        return rng.choice((Decimal("1"), Decimal("1.000"), Decimal("-2.50"), Decimal("0"), Decimal("-0")))
    return Decimal(rng.randint(-10**9, 10**9)).scaleb(-rng.randint(0, places))


def _columns(rng: random.Random, count: int) -> dict[str, list]:
    at = datetime(2026, 4, 1, 8, 30, 15, 123456)
    return dict(
        n=list(range(count)), by=[rng.choice(AWKWARD) for _ in range(count)],
        note=[rng.choice(AWKWARD) for _ in range(count)],
        day=[rng.choice((None, date(2026, 1, 1) + timedelta(days=rng.randrange(400)))) for _ in range(count)],
        at=[rng.choice((None, at, at + timedelta(seconds=rng.randrange(10**6), microseconds=rng.randrange(10**6))))
            for _ in range(count)],
        quantity=[_decimal(rng, 3) for _ in range(count)], price=[_decimal(rng, 6) for _ in range(count)],
        amount=[_decimal(rng, 2) for _ in range(count)])


def _stored(conn, table: Table) -> list[tuple]:
    return [tuple(r) for r in conn.execute(select(table).order_by(table.c.id))]


def stored_both_ways(ledger, ours: str, theirs: str, columns):
    """`columns` stored by `insert_columns` into probe table `ours` and by the driver-level
    executemany oracle into `theirs`: the rows each holds, both tables dropped after."""
    tables = _probe(ours), _probe(theirs)
    with writing(ledger) as conn:
        for table in tables:
            table.create(conn)
        insert_columns(conn, tables[0], columns)
        driver_executemany.insert_columns(conn, tables[1], columns)
        stored = _stored(conn, tables[0]), _stored(conn, tables[1])
        for table in tables:
            table.drop(conn)
    return stored


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rows_copied_are_the_rows_executemany_stored(ledger, seed):
    rng = random.Random(seed)
    columns = _columns(rng, rng.randint(1, 700))
    got, expected = stored_both_ways(ledger, f"copied_{seed}", f"executed_{seed}", columns)
    assert got == expected
    assert [tuple(map(repr, r)) for r in got] == [tuple(map(repr, r)) for r in expected]
    assert [r[2:4] for r in got] == list(zip(columns["by"], columns["note"]))


def test_a_broken_constraint_is_refused_as_sqlalchemy_refuses_it(ledger):
    table = _probe("copied_twice")
    columns = dict(n=[1, 1], by=["same", "same"])
    with pytest.raises(IntegrityError), writing(ledger) as conn:
        table.create(conn)
        insert_columns(conn, table, columns)
    with pytest.raises(IntegrityError), writing(ledger) as conn:
        table.create(conn)
        driver_executemany.insert_columns(conn, table, columns)


class _Undo(Exception):
    """Raised inside a write transaction to roll it back."""


def test_increments_added_over_arrays_are_those_executemany_added(ledger):
    rng = random.Random(7)
    table = _probe("grown")
    with writing(ledger) as conn:
        table.create(conn)
        insert_columns(conn, table, dict(n=list(range(500)), quantity=[_decimal(rng, 3) or 0 for _ in range(500)]))
        before = {r.id: r.quantity for r in conn.execute(select(table.c.id, table.c.quantity))}
    for _ in range(5):
        picked = rng.sample(range(1, 501), rng.randint(1, 500))
        increments = {row: rng.choice((1, -1, 0, 10**12, -(10**12), rng.randint(-10**6, 10**6))) for row in picked}
        after = []
        for add in (db.add_by_id, driver_executemany.add_by_id):
            with pytest.raises(_Undo), writing(ledger) as conn:
                add(conn, table.c.quantity, increments)
                after.append(_stored(conn, table))
                raise _Undo
        assert after[0] == after[1]
        assert {r[0]: r[6] for r in after[0]} == {
            row: quantity + Decimal(increments.get(row, 0)).scaleb(-3) for row, quantity in before.items()}


MONTH_TABLES = (schema.orders, schema.order_lines, schema.deliveries, schema.delivery_lines, schema.invoices,
                schema.invoice_lines, schema.invoice_dues, schema.counters)


def _month_rows(ledger) -> list[list[tuple]]:
    with reading(ledger) as conn:
        out = [[tuple(v for k, v in r._mapping.items() if k not in ("created_at", "run_id"))
                for r in conn.execute(select(t).order_by(*t.primary_key.columns))] for t in MONTH_TABLES]
        e = schema.events.c
        out.append([(*r[:4], None if r.action == "written" else r.number)  # a run's id, random as `run_id`
                    for r in conn.execute(select(e.id, e.action, e.document, e.document_id, e.number).order_by(e.id))])
    return out


def _through_oracle(monkeypatch) -> None:
    """Every bulk write of the ledger as the driver-level executemany did it."""
    monkeypatch.setattr(db, "insert_columns", driver_executemany.insert_columns)
    monkeypatch.setattr(ledger_orders, "insert_columns", driver_executemany.insert_columns)
    monkeypatch.setattr(deliveries, "add_by_id", driver_executemany.add_by_id)
    monkeypatch.setattr(invoices, "_insert_lines", driver_executemany.insert_invoice_lines)


@pytest.mark.parametrize("seed", [5, 23])
def test_a_month_stored_by_copy_is_the_month_executemany_stored(tmp_path, twin_urls, seed,
                                                                 monkeypatch):
    rng = random.Random(seed)
    twin_month(randomized(master_of(tmp_path, seed), rng), twin_urls, rng, monkeypatch, _through_oracle)


def test_a_month_splitting_lines_at_letters_ceilings_is_stored_by_copy_as_executemany_stored(
        tmp_path, twin_urls, monkeypatch):
    """The same twin month, every customer buying on a letter of intent of 150 € (N3.5): the
    lines crossing the letters are invoiced as two parts of their DDT line (`invoice_lines.part`),
    which the oracle writes as the ledger does, so every column of every line is compared."""
    from dataclasses import replace

    rng = random.Random(11)
    master = randomized(master_of(tmp_path, 11), rng)
    master = master.model_copy(update={"customers": tuple(
        replace(c, vat_nature="N3.5", intent_protocol=f"26011512345678901-{n:06d}", intent_date=date(2026, 1, 15),
                intent_amount=Decimal(150)) for n, c in enumerate(master.customers, start=1))})
    twin_month(master, twin_urls, rng, monkeypatch, _through_oracle)
    product = open_ledger(twin_urls[0])
    try:
        with reading(product) as conn:
            il = schema.invoice_lines.c
            assert conn.execute(select(il.id).where(il.part == 1).limit(1)).first() is not None, "no line was split"
    finally:
        product.engine.dispose()


def twin_month(master, urls, rng, monkeypatch, as_before) -> list[tuple[Shipped, Shipped]]:
    """Two ledgers live six random working days of April (the day's orders, some prepayments
    paid, `ship --all`, past the credit limit at random) and the month's invoicing, the second
    with `as_before(monkeypatch)` putting back the code a change replaced; after each day and
    at the end every table the month writes must hold the same rows in both, and each has
    some. Returns each day's two shipping outcomes (this code's, the code before's)."""
    product, reference = ledgers = [open_ledger(url) for url in urls]
    counters: list[list[int]] = [[0], [0]]
    calendar = working_calendar(master.settings, master.closures)
    day, shipped = date(2026, 4, 1), []
    try:
        while len(shipped) < 6:
            if calendar.is_working(day):
                paid, force = rng.random(), rng.random() < 0.3
                outcomes = []
                for ledger, counter in zip(ledgers, counters):
                    with monkeypatch.context() as m:
                        if ledger is reference:
                            as_before(m)
                        create(master, ledger, day, with_catch_up=False, lang="it")
                        pay_some(ledger, random.Random(paid), counter)
                        outcomes.append(ship(master, ledger, day, all_open=True, force=force, lang="it"))
                shipped.append((outcomes[0], outcomes[1]))
                assert _month_rows(product) == _month_rows(reference), day
            day += timedelta(1)
        for ledger in ledgers:
            with monkeypatch.context() as m:
                if ledger is reference:
                    as_before(m)
                run(ledger, master, Request(Period(date(2026, 4, 1), date(2026, 4, 30)), today=date(2026, 5, 4)), lang="it")
        rows = _month_rows(product)
        assert rows == _month_rows(reference)
        assert all(rows[n] for n in range(len(MONTH_TABLES))), "every table the month writes has rows"
    finally:
        product.engine.dispose()
        reference.engine.dispose()
    return shipped
