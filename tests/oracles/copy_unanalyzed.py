"""PostgreSQL's COPY as `toolkit.ledger.copy_in.copy_rows` ran it before it kept the table's
statistics (`keep_statistics`): the rows streamed in, nothing analyzed, the planner left to
autovacuum. `tests/test_keep_statistics.py` lives a month twice, once this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError


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

