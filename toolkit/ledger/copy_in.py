"""PostgreSQL's bulk writes: rows streamed in by COPY, kept figures grown by one UPDATE.

psycopg runs an executemany as one statement per row: pipelined, so without a round trip
each, but every row is bound and executed on the server on its own and dumped on its own in
Python. The month at M on PostgreSQL stored 113,851 order lines, their DDT and invoice lines
and the events that way, and the inserts and the kept shipped figures' update were the largest
share of its statements' time. Here the same rows go in as one COPY per table and the kept
figures grow in one UPDATE over two arrays; a table a write transaction's COPYs grew past twice
its size at its last analysis is analyzed before it commits (`statistics_kept`). (On SQLite an
executemany is a loop inside the process, and it stays: `toolkit.ledger.db`.) The executemany
forms are the test oracle `tests/oracles/driver_executemany.py`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Connection, Table
from sqlalchemy.exc import DBAPIError

from toolkit.ledger import lock


def is_postgresql(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def copy_rows(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert `rows` (tuples in the order of `columns`, each value as the driver takes it) with
    one COPY, in the caller's transaction. Column defaults are applied as an INSERT applies them
    (the serial ids in the rows' order). A database error is raised as SQLAlchemy raises it
    (`IntegrityError` for a broken constraint), and leaves the transaction to roll back."""
    quote = conn.dialect.identifier_preparer
    statement = (f"COPY {quote.format_table(table)} ({', '.join(quote.quote(c) for c in columns)}) "
                 f"FROM STDIN")
    raw = conn.connection.driver_connection
    assert raw is not None
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, conn.dialect.loaded_dbapi.Error,
                                  dialect=conn.dialect) from exc
    copied = conn.info.get(COPIED)
    if copied is None:
        keep_statistics(conn, [table])
    else:
        copied.setdefault(table.name, table)


COPIED = "toolkit.copied"
"""The key, in a connection's `info`, of the tables a write transaction's COPYs grew, by name,
while `statistics_kept` is watching it."""


@contextmanager
def statistics_kept(conn: Connection) -> Iterator[None]:
    """Note the tables the COPYs inside grow, and keep their statistics (`keep_statistics`) once,
    when the block ends without an error, rather than after each COPY: one query for the sizes
    of every table copied into and one ANALYZE naming those that grew enough, for the whole
    write transaction.

    Checked after each COPY, a day asked the server a table's size 16 times on creating and 7
    on shipping (the month at M on PostgreSQL: 481 of its 4,200 statements, each a round trip,
    the most frequent statement the month sent), for about ten tables; on a server across a
    network each is a wait of its own. The planner scales a table's rows by its size on disk
    as it grows, so a statement later in the same transaction loses little by planning on the
    statistics of the table's previous analysis; the next transaction has them fresh. A block
    that rolled its transaction back itself grew nothing, and is left as it is.

    The note is forgotten through the dictionary itself: a Ctrl+C in the middle of a statement
    leaves the connection invalidated, and asking it for its `info` again raised SQLAlchemy's
    `PendingRollbackError` over the interrupt, an internal error where the desk had pressed Ctrl+C."""
    info = conn.info
    info[COPIED] = {}
    try:
        yield
        grown = info[COPIED]
        if grown and conn.in_transaction():
            keep_statistics(conn, list(grown.values()))
    finally:
        info.pop(COPIED, None)


GROWN = 2
"""How many times its size at its last analysis a table grows before `keep_statistics` analyzes it."""

FEW_PAGES = 32
"""Pages (8 KiB each) below which a table is not analyzed: plans over a few hundred rows are
cheap whatever the planner guesses."""


def keep_statistics(conn: Connection, tables: Collection[Table]) -> None:
    """ANALYZE each of `tables`, inside the caller's transaction, once it has grown to `GROWN`
    times the pages it had when last analyzed (never analyzed: zero), past `FEW_PAGES`: their
    sizes asked in one query, the grown ones analyzed by one statement (a table dropped since
    it was copied into is passed over).

    PostgreSQL plans from the statistics ANALYZE gathers, and autovacuum gathers them once a
    table changed by a tenth, looking at most once a minute. A ledger filled faster than that
    (the month at M on PostgreSQL: 114,000 order lines in half a minute) was planned on tables
    never analyzed unless autovacuum happened to pass early: the prepayments' lookup
    (`deliveries.paid_orders`) then met its invoices, guessed at four rows, by a nested loop
    over every invoice line (0.56 s on the last day of April, 0.04 s analyzed), and the
    month's statements spent 4.1-7.1 s there and 1.7-3.0 s reading the lines to ship
    (`shipments.with_lines`), against 0.4-0.8 s and 0.3-0.6 s analyzed as it fills (one
    run each, statements timed at the driver). Analyzing costs that month 23 ANALYZEs, 0.84 s,
    and the size checks 0.26 s, since the thirty-sixth round one per write transaction
    (`statistics_kept`). A table its user does not own is left to autovacuum (PostgreSQL warns
    and goes on)."""
    quote = conn.dialect.identifier_preparer
    names = [quote.format_table(table) for table in tables]
    sizes = conn.exec_driver_sql(
        "SELECT asked.name, pg_relation_size(c.oid) / current_setting('block_size')::int, c.relpages "
        "FROM unnest(%(names)s::text[]) WITH ORDINALITY AS asked(name, n) "
        "JOIN pg_class AS c ON c.oid = to_regclass(asked.name) ORDER BY asked.n", {"names": names}).all()
    grown = [name for name, pages, analyzed in sizes if pages >= FEW_PAGES and pages >= GROWN * analyzed]
    if grown:
        lock.unbound_lock_waits(conn)
        conn.exec_driver_sql(f"ANALYZE {', '.join(grown)}")


def add_by_id(conn: Connection, column: Column[Any], increments: Mapping[int, int]) -> None:
    """Add to `column` of each row, by id, its integer in `increments`: one UPDATE joined to the
    ids and increments unnested from two arrays (the table aliased, so that no table's name
    can meet the arrays' alias).

    The ids are named to the table a second time (`= ANY`): joined to the arrays alone, the
    planner knows the arrays' length and hashes the whole table to meet them, a scan of every
    order line each day (on 114,000 lines, 2,450 increments took 90 ms that way, 48 ms through
    the primary key's index)."""
    quote = conn.dialect.identifier_preparer
    name = quote.quote(column.name)
    conn.exec_driver_sql(
        f"UPDATE {quote.format_table(column.table)} AS target SET {name} = target.{name} + grown.more "
        f"FROM unnest(%(rows)s::BIGINT[], %(more)s::BIGINT[]) AS grown(row_id, more) "
        f"WHERE target.id = grown.row_id AND target.id = ANY(%(rows)s::BIGINT[])",
        {"rows": list(map(int, increments)), "more": list(map(int, increments.values()))})
