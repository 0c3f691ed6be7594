"""The latest invoice of a series and year (`ledger.invoices.latest_issued`, which the
invoices issued at creation, with the DDTs and at month end are checked against) is what
sorting the series and year gave (`tests/oracles/latest_issued.py`), on random ledgers where
numbers and dates are in step or not, several series and years, many invoices on one date
(SQLite and PostgreSQL); and on SQLite its usual path is two index seeks, no sort."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from oracles import latest_issued as oracle
from sqlalchemy import insert, text

from toolkit.ledger import schema
from toolkit.ledger.db import migrate
from toolkit.ledger.invoices import dated_after, last_numbered, latest_dated, latest_issued

SERIES = ("FT", "NC", "FX")
YEARS = (2025, 2026, 2027)


def _invoices(rng: random.Random, in_step: bool) -> list[dict]:
    """Random invoices: per series and year, numbers 1.. with dates that rise with them (as
    the chronology check keeps them) or, when not `in_step`, are drawn at random (an older
    ledger, a date in another year), a few dates shared by many invoices."""
    rows = []
    for series in SERIES:
        for year in YEARS:
            count = rng.choice([0, 1, 2, 5, 30, 120])
            day = date(year, 1, 1) + timedelta(days=rng.randint(0, 200))
            for number in range(1, count + 1):
                if in_step:
                    day += timedelta(days=rng.choice([0, 0, 0, 1, 3]))
                else:
                    day = date(year, 1, 1) + timedelta(days=rng.choice([rng.randint(-20, 380), 15, 15, 200]))
                rows.append(dict(kind="invoice", series=series, year=year, number=number, invoice_date=day,
                                 customer="C1", status=rng.choice(["draft", "final"]), run_id="r",
                                 taxable=Decimal("1.00"), vat=Decimal("0.22"), total=Decimal("1.22"),
                                 payment_method="bank-transfer", payment_terms="30", created_at=datetime(2026, 1, 1),
                                 created_by="t"))
    rng.shuffle(rows)
    return rows


@pytest.mark.parametrize("seed", range(8))
def test_the_latest_invoice_is_the_one_the_sort_finds(ledger, seed):
    migrate(ledger)
    rng = random.Random(seed)
    rows = _invoices(rng, in_step=seed % 2 == 0)
    with ledger.engine.connect() as conn:
        transaction = conn.begin()
        if rows:
            conn.execute(insert(schema.invoices), rows)
        found = {(series, year): latest_issued(conn, series, year) for series in (*SERIES, "ZZ") for year in YEARS}
        expected = {(series, year): oracle.latest_issued(conn, series, year) for series, year in found}
        transaction.rollback()
    assert found == expected
    assert sum(x is not None for x in expected.values()) >= 3


def test_the_usual_path_seeks_and_does_not_sort(tmp_path):
    from toolkit.ledger import open_ledger

    ledger = open_ledger(f"sqlite:///{tmp_path / 'plan.sqlite'}")
    migrate(ledger)
    with ledger.engine.connect() as conn:

        def plan(query) -> list[str]:
            sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
            return [row[3] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]

        seek = plan(last_numbered("FT", 2026))
        after = plan(dated_after(date(2026, 4, 30)))
        sorting = plan(latest_dated("FT", 2026))
    ledger.engine.dispose()
    assert not any("B-TREE" in step or step.startswith("SCAN") for step in seek + after), (seek, after)
    assert any("COVERING INDEX sqlite_autoindex_invoices" in step for step in seek), seek
    assert after == ["SEARCH invoices USING COVERING INDEX ix_invoices_invoice_date (invoice_date>?)"]
    assert any("TEMP B-TREE" in step for step in sorting), sorting
