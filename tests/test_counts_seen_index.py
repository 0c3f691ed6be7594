"""The stock counts a ship run met are found by their index, on SQLite and PostgreSQL alike.

Every ship run on a day whose count is dated that day asks whether a run met the count already
(`toolkit.ledger.stock_counts.seen`): without an index it read the whole event log, a row per
order made, DDT shipped and invoice issued since the ledger began. Migration 44 adds the index
(`schema.counts_seen_index`) to a ledger of schema 43.
"""

from __future__ import annotations

from datetime import date

from older_ledgers import back_to
from sqlalchemy import event, inspect

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import migrate, reading, writing
from toolkit.ledger.stock_counts import note_seen, seen

COUNTED = date(2026, 4, 9)


def planned(ledger, ask) -> str:
    """The plan of the statement `ask(conn)` runs that reads the events, as the database
    explains it (PostgreSQL told to avoid reading the table whole, which it prefers on a few
    rows)."""
    ran: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        ran.append((statement, parameters))

    with ledger.engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", keep)
        ask(conn)
        event.remove(conn, "before_cursor_execute", keep)
        (statement, parameters), = [(sql, values) for sql, values in ran if "FROM events" in sql]
        if conn.dialect.name == "sqlite":
            return " ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
        conn.exec_driver_sql("SET enable_seqscan = off")
        return " ".join(str(row[0]) for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters))


def test_a_ledger_of_schema_43_finds_the_counts_met_by_their_index(ledger_url):
    ledger = open_ledger(ledger_url)
    try:
        with writing(ledger) as conn:
            note_seen(conn, COUNTED, "digest")
            back_to(conn, 43, indexes=["ix_events_counts_seen"])
        assert migrate(ledger) == schema.SCHEMA_VERSION == 48
        with reading(ledger) as conn:
            assert "ix_events_counts_seen" in {ix["name"] for ix in inspect(conn).get_indexes("events")}
            assert seen(conn, COUNTED, "digest") and not seen(conn, COUNTED, "other")
        assert "ix_events_counts_seen" in planned(ledger, lambda conn: seen(conn, COUNTED, "digest"))
    finally:
        ledger.engine.dispose()
