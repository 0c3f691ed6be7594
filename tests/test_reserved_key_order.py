"""The kept reservations reach SQLite in their key's order (`reserved._in_key_order`): the table
is stored in that order (`WITHOUT ROWID`), and a day's new orders handed over by order id wrote
each row into another item's queue. What SQLite receives is logged by a temporary trigger on each
connection that inserts, statement by statement, into a table of the test's; the rows stay what
the lines sum to."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import event
from test_reserved_keyed import kept_and_summed
from test_shipping_setbased import master_of, randomized

from toolkit.ledger import open_ledger
from toolkit.ledger.db import writing
from toolkit.services.orders import create
from toolkit.services.shipping import ship

DAY = date(2026, 4, 9)
LOGGED = """CREATE TEMP TRIGGER IF NOT EXISTS reserved_arrived AFTER INSERT ON main.reserved BEGIN
    INSERT INTO arrived VALUES (NEW.item, NEW.place_year, NEW.place_series, NEW.place_number, NEW.order_id);
END"""


def arrivals(ledger, act) -> list[list[tuple]]:
    """The key of each row inserted into `reserved` while `act` runs, one list per statement, in
    the order SQLite wrote them."""
    statements: list[int] = []

    def began(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO RESERVED"):
            cursor.execute(LOGGED)
            statements.append(cursor.execute("SELECT count(*) FROM arrived").fetchone()[0])

    with ledger.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS arrived (item, place_year, place_series, place_number, "
                             "order_id)")
        conn.exec_driver_sql("DELETE FROM arrived")
    event.listen(ledger.engine, "before_cursor_execute", began)
    try:
        act()
    finally:
        event.remove(ledger.engine, "before_cursor_execute", began)
    with ledger.engine.connect() as conn:
        logged = [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM arrived ORDER BY rowid")]
    return [logged[start:end] for start, end in zip(statements, [*statements[1:], len(logged)])]


def test_a_days_reserved_rows_reach_sqlite_in_key_order(tmp_path):
    master = randomized(master_of(tmp_path, 7), random.Random(7))
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    with writing(ledger):  # the ledger's schema, before the test's table beside it
        pass
    created = arrivals(ledger, lambda: create(master, ledger, DAY, lang="it"))
    rows = [row for statement in created for row in statement]
    assert len({row[0] for row in rows}) > 10 and len({row[-1] for row in rows}) > 10
    assert [row[-1] for row in rows] != sorted(row[-1] for row in rows), "the lines' order is not the key's"
    for statement in created:
        assert statement == sorted(statement)
    shipped = arrivals(ledger, lambda: ship(master, ledger, DAY, all_open=True, lang="it"))
    for statement in shipped:
        assert statement == sorted(statement)
    kept, summed = kept_and_summed(ledger)
    assert kept == summed
    ledger.engine.dispose()
