"""Opening the ledger, upgrading its schema, and one-writer-at-a-time transactions.

Every action that writes takes the ledger's write lock first: `BEGIN IMMEDIATE` on SQLite, a
transaction-scoped advisory lock on PostgreSQL. Two people pressing "create orders" at once
then run one after the other, and the second sees what the first created; numbers are drawn
inside the same transaction, so a failed action leaves no gap. The unique constraints of the
schema stay as the last line of defence.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, insert, inspect, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from toolkit.basics.problems import UnusableInput, define
from toolkit.ledger import schema

LEDGER_NEWER = define(
    "ledger-newer-than-toolkit", "error",
    it="Il registro è alla versione {found}, più recente di questo toolkit ({supported}): aggiorna il toolkit.",
    en="The ledger is at version {found}, newer than this toolkit ({supported}): upgrade the toolkit.")
LEDGER_UNREACHABLE = define(
    "ledger-unreachable", "error",
    it="Non riesco ad aprire il registro {url}: {reason}. Controlla l'indirizzo (--ledger o TOOLKIT_LEDGER_URL).",
    en="Cannot open the ledger {url}: {reason}. Check the address (--ledger or TOOLKIT_LEDGER_URL).")

_ADVISORY_KEY = 0x0D0C_2026


@dataclass(frozen=True)
class Ledger:
    engine: Engine

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"


def default_url(workbook: Path) -> str:
    """`<workbook>.ledger.sqlite` beside the master workbook."""
    path = Path(workbook).resolve()
    return f"sqlite:///{path.with_name(path.name + '.ledger.sqlite')}"


def open_ledger(url: str | None = None, workbook: Path | None = None) -> Ledger:
    """Open (creating or upgrading as needed) the ledger at `url`, default beside `workbook`."""
    if url is None:
        if workbook is None:
            raise ValueError("a ledger URL or a workbook is needed")
        url = default_url(workbook)
    engine = _engine(url)
    ledger = Ledger(engine)
    try:
        migrate(ledger)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        raise UnusableInput(LEDGER_UNREACHABLE(None, url=ledger.url, reason=reason)) from None
    return ledger


def _engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextmanager
def writing(ledger: Ledger) -> Iterator[Connection]:
    """A write transaction holding the ledger's write lock; committed on success, else rolled back."""
    with ledger.engine.begin() as conn:
        if not ledger.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY})
        yield conn


@contextmanager
def reading(ledger: Ledger) -> Iterator[Connection]:
    with ledger.engine.connect() as conn:
        yield conn


MIGRATIONS: dict[int, Callable[[Connection], None]] = {}
"""version → the step that upgrades a ledger from version-1 to version."""


def _index_invoiced_at_order(conn: Connection) -> None:
    schema.invoiced_at_order_index.create(conn, checkfirst=True)
    conn.execute(text("DROP INDEX IF EXISTS ix_invoice_lines_order_line_id"))


MIGRATIONS[2] = _index_invoiced_at_order


def _add_einvoice_files(conn: Connection) -> None:
    schema.einvoice_files.create(conn, checkfirst=True)


MIGRATIONS[3] = _add_einvoice_files


def _add_printings(conn: Connection) -> None:
    schema.printings.create(conn, checkfirst=True)


MIGRATIONS[4] = _add_printings


def _add_references_and_stamp_lines(conn: Connection) -> None:
    """Orders keep the customer's reference and their own payment method, DDTs an accounting
    date, and an invoice line may come from no order (the stamp duty charged to the customer).

    Each step is skipped when already done, as in the steps before. SQLite cannot drop a NOT
    NULL: its invoice lines move to a table made anew, with the same rows and indexes (no other
    table refers to them)."""
    found = inspect(conn)
    for table, column, kind in (("orders", "customer_reference", "VARCHAR(60)"),
                                ("orders", "payment_method", "VARCHAR(30)"),
                                ("deliveries", "accounting_date", "DATE")):
        if column not in {c["name"] for c in found.get_columns(table)}:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
    if next(c for c in found.get_columns("invoice_lines") if c["name"] == "order_line_id")["nullable"]:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(text("ALTER TABLE invoice_lines ALTER COLUMN order_line_id DROP NOT NULL"))
        return
    for index in found.get_indexes("invoice_lines"):
        conn.execute(text(f'DROP INDEX "{index["name"]}"'))
    conn.execute(text("ALTER TABLE invoice_lines RENAME TO invoice_lines_v4"))
    schema.invoice_lines.create(conn)
    columns = ", ".join(c.name for c in schema.invoice_lines.columns)
    conn.execute(text(f"INSERT INTO invoice_lines ({columns}) SELECT {columns} FROM invoice_lines_v4"))
    conn.execute(text("DROP TABLE invoice_lines_v4"))


MIGRATIONS[5] = _add_references_and_stamp_lines


def migrate(ledger: Ledger) -> int:
    with writing(ledger) as conn:
        if not inspect(conn).has_table("schema_version"):
            schema.metadata.create_all(conn)
            conn.execute(insert(schema.schema_version).values(version=schema.SCHEMA_VERSION))
            return schema.SCHEMA_VERSION
        found = conn.execute(select(schema.schema_version.c.version)).scalar_one()
        if found > schema.SCHEMA_VERSION:
            raise UnusableInput(LEDGER_NEWER(None, found=found, supported=schema.SCHEMA_VERSION))
        for version in range(found + 1, schema.SCHEMA_VERSION + 1):
            MIGRATIONS[version](conn)
            conn.execute(update(schema.schema_version).values(version=version))
        return schema.SCHEMA_VERSION


@lru_cache(maxsize=1)
def user() -> str:
    """The OS login that signs the event log (asked once per process: it is asked per event)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service accounts and containers
        return os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _next_numbers(conn: Connection, series: str, year: int, count: int) -> range:
    """The next `count` (at least one) progressive numbers of a series in a year, drawn at once:
    a batch of documents costs two statements, not two per document."""
    c = schema.counters.c
    last = conn.execute(select(c.last).where(c.series == series, c.year == year)).scalar_one_or_none()
    if last is None:
        conn.execute(insert(schema.counters).values(series=series, year=year, last=count))
        return range(1, count + 1)
    conn.execute(update(schema.counters).where(c.series == series, c.year == year).values(last=last + count))
    return range(last + 1, last + count + 1)


def draw_numbers(conn: Connection, keys: Sequence[tuple[str, int]]) -> list[int]:
    """The next progressive number for each document, given its (series, year), in the order of
    `keys`, inside the caller's transaction (a failed action leaves no gap)."""
    positions: dict[tuple[str, int], list[int]] = defaultdict(list)
    for position, key in enumerate(keys):
        positions[key].append(position)
    numbers = [0] * len(keys)
    for (series, year), taken in positions.items():
        for position, number in zip(taken, _next_numbers(conn, series, year, len(taken))):
            numbers[position] = number
    return numbers


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows, all with the same keys, in one executemany at the driver level.

    SQLAlchemy builds and converts each row's parameters on its own, which took longer than the
    database's own work for a day's thousands of order lines; here each column's conversion is
    looked up once and the driver gets the rows as they are. Rows carry every column they need:
    column defaults are not applied.
    """
    if not rows:
        return
    dialect = conn.dialect
    compiled = insert(table).inline().compile(dialect=dialect, column_keys=list(rows[0]))
    order = compiled.positiontup if compiled.positional else None
    keys = list(rows[0]) if order is None else list(order)
    columns = []
    for k in keys:
        values = [r[k] for r in rows]
        convert = table.c[k].type.dialect_impl(dialect).bind_processor(dialect)
        columns.append(values if convert is None else [None if v is None else convert(v) for v in values])
    params: list[tuple[Any, ...]] | list[dict[str, Any]] = (
        list(zip(*columns)) if compiled.positional else [dict(zip(keys, t)) for t in zip(*columns)])
    conn.exec_driver_sql(str(compiled), params)


def insert_numbered(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert numbered documents (rows with series, year and number) and return their ids in
    the rows' order: the number identifies a document, so one query per series and year reads
    the ids back, where RETURNING cost a statement's worth of work per row."""
    insert_rows(conn, table, rows)
    wanted: dict[tuple[str, int], list[int]] = defaultdict(list)
    for r in rows:
        wanted[r["series"], r["year"]].append(r["number"])
    c = table.c
    ids: dict[tuple[str, int, int], int] = {}
    for (series, year), numbers in wanted.items():
        found = conn.execute(select(c.id, c.number).where(c.series == series, c.year == year,
                                                          c.number.between(min(numbers), max(numbers))))
        ids.update(((series, year, number), id_) for id_, number in found)
    return [ids[r["series"], r["year"], r["number"]] for r in rows]


def log_event(conn: Connection, action: str, document: str, document_id: int | None = None,
              number: str | None = None, detail: str | None = None) -> None:
    """The event log: who (OS user), when (UTC), what, on which document."""
    log_events(conn, [event_row(action, document, document_id, number, detail)])


def event_row(action: str, document: str, document_id: int | None = None, number: str | None = None,
              detail: str | None = None) -> dict[str, object]:
    return dict(at=now(), by=user(), action=action, document=document, document_id=document_id,
                number=number, detail=detail)


def log_events(conn: Connection, events: Sequence[Mapping[str, Any]]) -> None:
    insert_rows(conn, schema.events, events)


def document_number(series: str, year: int, number: int) -> str:
    """How a number is shown and printed.

    >>> document_number("OC", 2026, 7)
    'OC-2026-00007'
    """
    return f"{series}-{year}-{number:05d}"
