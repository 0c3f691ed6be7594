"""A ledger as an older toolkit left it, for the tests of each schema migration.

Each migration test makes a ledger with one day's orders (or the days it needs), takes back what
its migration adds (`back_to`), marks the ledger with the older version, and opens it again: one
recipe, one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, inspect, text, update
from sqlalchemy.schema import CreateTable

from toolkit.ledger import Ledger, open_ledger, schema
from toolkit.ledger.db import writing
from toolkit.model.records import MasterData
from toolkit.services.orders import create
from toolkit.services.shipping import ship


def older_ledger(folder: Path, master: MasterData, version: int, *undo: str,
                 columns: Mapping[str, Iterable[str]] | None = None, tables: Iterable[str] = (),
                 indexes: Iterable[str] = (), shipped: bool = False) -> str:
    """The URL of a SQLite ledger holding 9 April 2026's orders, run back to `version`: the SQL
    statements `undo` first (what `back_to` cannot say: an old index made again, a table
    rebuilt), then `back_to` drops the `indexes`, `columns` and `tables` the later migrations
    add. With `shipped`, the day's open orders are shipped first, for a migration that reads
    what shipped."""
    url = f"sqlite:///{folder / f'v{version}.sqlite'}"
    ledger = open_ledger(url)
    create(master, ledger, date(2026, 4, 9), lang="it")
    if shipped:
        ship(master, ledger, date(2026, 4, 9), all_open=True, lang="it")
    with writing(ledger) as conn:
        for statement in undo:
            conn.execute(text(statement))
        back_to(conn, version, columns, tables=tables, indexes=indexes)
    ledger.engine.dispose()
    return url


def back_to(ledger: Ledger | Connection, version: int, columns: Mapping[str, Iterable[str]] | None = None, *,
            tables: Iterable[str] = (), indexes: Iterable[str] = ()) -> None:
    """Take `ledger` (or a transaction on it) back to schema `version`, as the toolkit of that
    version left it: the `indexes` dropped, then each table's `columns` with the indexes on them
    (SQLite refuses to drop an indexed column; an older toolkit had no index on a column it did
    not have), then the `tables`, in the order given; and the ledger marked `version`, so that
    opening it runs the migrations after it."""
    if isinstance(ledger, Ledger):
        with writing(ledger) as conn:
            back_to(conn, version, columns, tables=tables, indexes=indexes)
        return
    conn = ledger
    for index in indexes:
        conn.execute(text(f"DROP INDEX {index}"))
    for table, dropped in (columns or {}).items():
        dropped = list(dropped)
        for index in inspect(conn).get_indexes(table):
            if set(index["column_names"]) & set(dropped):
                conn.execute(text(f'DROP INDEX "{index["name"]}"'))
        for column in dropped:
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    for table in tables:
        conn.execute(text(f"DROP TABLE {table}"))
    conn.execute(update(schema.schema_version).values(version=version))


def shape(conn: Connection, table: str) -> tuple[set[str], set[tuple[str, tuple[str, ...], bool]]]:
    """The columns of `table` in the ledger of `conn`, and its indexes (name, columns, unique)."""
    found = inspect(conn)
    return ({c["name"] for c in found.get_columns(table)},
            {(i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in found.get_indexes(table)})


def new_shape(table: str) -> tuple[set[str], set[tuple[str, tuple[str, ...], bool]]]:
    """`shape` of `table` in a new ledger of this toolkit: what a migration has to leave."""
    declared = schema.metadata.tables[table]
    return (set(declared.c.keys()),
            {(str(i.name), tuple(c.name for c in i.columns), bool(i.unique)) for i in declared.indexes})


def invoice_lines_of_schema_41(conn: Connection) -> None:
    """The invoice lines as schema 41 kept them, rows and ids the same: no `part`, and
    `delivery_line_id` unique alone, on SQLite inside the table's declaration as `CREATE TABLE`
    made it (what migration 42 has to rebuild), on PostgreSQL a constraint of its own."""
    if conn.dialect.name != "sqlite":
        conn.execute(text("DROP INDEX uq_invoice_lines_delivery_part"))
        conn.execute(text("ALTER TABLE invoice_lines DROP COLUMN part"))
        conn.execute(text("ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_delivery_line_id_key "
                          "UNIQUE (delivery_line_id)"))
        return
    ddl = str(CreateTable(schema.invoice_lines).compile(dialect=conn.dialect))
    ddl, dropped = re.subn(r",\s*part INTEGER[^,\n]*", "", ddl)
    ddl, keyed = re.subn(r"PRIMARY KEY \(id\)", "PRIMARY KEY (id), UNIQUE (delivery_line_id)", ddl)
    assert (dropped, keyed) == (1, 1), ddl
    for index in inspect(conn).get_indexes("invoice_lines"):
        conn.execute(text(f'DROP INDEX "{index["name"]}"'))
    columns = ", ".join(c.name for c in schema.invoice_lines.columns if c.name != "part")
    conn.execute(text("ALTER TABLE invoice_lines RENAME TO invoice_lines_v42"))
    conn.execute(text(ddl))
    conn.execute(text(f"INSERT INTO invoice_lines ({columns}) SELECT {columns} FROM invoice_lines_v42"))
    conn.execute(text("DROP TABLE invoice_lines_v42"))
    for index in schema.invoice_lines.indexes:
        if "part" not in index.columns:
            index.create(conn)
