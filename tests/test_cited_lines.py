"""A line that cites another document's line keeps its id without a foreign key (schema 21,
`toolkit.ledger.schema.CITED_LINES`), on SQLite and PostgreSQL: a fresh ledger has none of those
keys and keeps each line's key to its own document; after a randomized month (orders invoiced at
once, DDTs shipped in part, returns, the month-end run) every citation finds its line
(`oracles/cited_lines.py`); and a ledger of schema 20, whose keys SQLAlchemy declared as it did
then, loses them in migration 21 with every row as it was, and goes on working."""

from __future__ import annotations

import random
from datetime import date, timedelta

from older_ledgers import back_to
from oracles.cited_lines import CITATIONS, citations
from sqlalchemy import Connection, ForeignKeyConstraint, MetaData, inspect, select, text
from sqlalchemy.schema import CreateTable
from test_shipping_setbased import START, master_of, pay_some, randomized
from test_unshipped_kept import quoting

from toolkit.core.invoicing import Period, Request
from toolkit.core.workdays import working_calendar
from toolkit.ledger import schema
from toolkit.ledger.db import migrate, reading, writing
from toolkit.model.records import MasterData
from toolkit.services.invoicing import run
from toolkit.services.orders import create
from toolkit.services.shipping import ship

LINES = ("order_lines", "delivery_lines", "invoice_lines")
OWN = {("order_lines", "order_id", "orders"), ("delivery_lines", "delivery_id", "deliveries"),
       ("invoice_lines", "invoice_id", "invoices")}
APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))


def keys(conn: Connection) -> set[tuple[str, str, str]]:
    """The foreign keys of the line tables, as (table, column, referred table)."""
    found = inspect(conn)
    return {(table, column, key["referred_table"]) for table in LINES
            for key in found.get_foreign_keys(table) for column in key["constrained_columns"]}


def lived(ledger, tmp_path, seed: int, days: int = 4) -> MasterData:
    """`days` working days from 1 April created, paid in part and shipped, then April invoiced."""
    rng = random.Random(seed)
    master = quoting(randomized(master_of(tmp_path, seed), rng), rng)
    calendar = working_calendar(master.settings, master.closures)
    day, done, counter = START, 0, [0]
    while done < days:
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            pay_some(ledger, rng, counter)
            ship(master, ledger, day, all_open=True, force=rng.random() < 0.3, lang="it")
            done += 1
        day += timedelta(1)
    assert run(ledger, master, Request(APRIL, date(2026, 5, 4)), lang="it").invoices
    return master


def test_every_cited_line_is_there_and_no_key_guards_it(ledger, tmp_path):
    lived(ledger, tmp_path, 4)
    with reading(ledger) as conn:
        assert keys(conn) == OWN
        found = citations(conn)
    assert all(total > 0 for total, _ in found.values()), f"every kind of citation made: {found}"
    assert all(missing == 0 for _, missing in found.values()), found


def _as_in_schema_20(conn: Connection) -> None:
    """The keys of the cited lines put back as schema 20 declared them: on SQLite the tables'
    declarations as SQLAlchemy wrote them then, on PostgreSQL under the names it gave them."""
    if conn.dialect.name != "sqlite":
        for table, column, cited in CITATIONS:
            conn.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_fkey "
                              f"FOREIGN KEY ({column}) REFERENCES {cited} (id)"))
        return
    then = MetaData()
    for table in schema.metadata.sorted_tables:
        table.to_metadata(then)
    for table, column, cited in CITATIONS:
        then.tables[table].append_constraint(ForeignKeyConstraint([column], [f"{cited}.id"]))
    declared = {table: str(CreateTable(then.tables[table]).compile(dialect=conn.dialect)).strip()
                for table in {table for table, _, _ in CITATIONS}}
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    for table, sql in declared.items():
        conn.execute(text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"),
                     {"sql": sql, "t": table})
    conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    conn.exec_driver_sql("PRAGMA writable_schema = OFF")


def _rows(conn: Connection) -> dict[str, list[tuple]]:
    return {table: [tuple(row) for row in conn.execute(select(schema.metadata.tables[table]).order_by(text("id")))]
            for table in LINES}


def test_a_ledger_of_schema_20_loses_the_keys_of_cited_lines_and_nothing_else(ledger, tmp_path):
    master = lived(ledger, tmp_path, 6, days=3)
    with writing(ledger) as conn:
        _as_in_schema_20(conn)
        back_to(conn, 20)
    with reading(ledger) as conn:
        assert keys(conn) == OWN | set(CITATIONS)
        before = _rows(conn)
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        assert keys(conn) == OWN
        assert _rows(conn) == before
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    day = date(2026, 4, 20)
    create(master, ledger, day, with_catch_up=False, lang="it")
    assert ship(master, ledger, day, all_open=True, lang="it").notes
    with reading(ledger) as conn:
        assert all(missing == 0 for _, missing in citations(conn).values())
