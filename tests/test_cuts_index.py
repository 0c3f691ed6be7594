"""The cuts the event log holds are found by their index, on SQLite and PostgreSQL alike.

The distribution list, the complete list and `ship` ask the log which lines of the orders they
show are the rest of a cut (`toolkit.ledger.orders.cuts_logged`): without an index they read
the whole log, a row per order made, DDT shipped and invoice issued since the ledger began
(253,000 rows mid-April at L). Migration 48 adds the index (`schema.cuts_index`) to a ledger
of schema 47.
"""

from __future__ import annotations

from older_ledgers import back_to
from sqlalchemy import inspect
from test_counts_seen_index import planned

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import event_row, log_events, migrate, reading, writing
from toolkit.ledger.orders import CUT, cuts_logged


def test_a_ledger_of_schema_47_finds_the_cuts_by_their_index(ledger_url):
    ledger = open_ledger(ledger_url)
    try:
        with writing(ledger) as conn:
            log_events(conn, [event_row(CUT, "order", 7, None, "line 1 rest 3"), event_row("generated", "order", 8)])
            back_to(conn, 47, indexes=["ix_events_cuts"])
        assert migrate(ledger) == schema.SCHEMA_VERSION == 48
        with reading(ledger) as conn:
            assert "ix_events_cuts" in {ix["name"] for ix in inspect(conn).get_indexes("events")}
            assert cuts_logged(conn, [7, 8]) == {(7, 3): 1}
        assert "ix_events_cuts" in planned(ledger, lambda conn: cuts_logged(conn, [7]))
    finally:
        ledger.engine.dispose()
