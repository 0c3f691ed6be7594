"""Bulk inserts on SQLite go in blocks of rows (`toolkit.ledger.db.insert_in_blocks`): the
same rows, ids and values as the driver-level executemany of one row a statement
(`tests/oracles/driver_executemany.py`), at every edge of a block, in fewer statements each
within the parameters every SQLite build takes. `tests/test_copy_in.py` holds a whole month
stored both ways to the same rows on both backends.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import event
from test_copy_in import _columns, _probe, _stored, stored_both_ways

from toolkit.ledger import open_ledger
from toolkit.ledger.db import BLOCKS_PER_CALL, SQLITE_PARAMETERS, insert_columns, insert_in_blocks, writing

PER = SQLITE_PARAMETERS // 8
"""Rows in a block of the probe's eight columns given (its id is the database's)."""


@pytest.mark.parametrize("count", [1, 2, PER - 1, PER, PER + 1, 2 * PER, 3 * PER + 7])
def test_rows_in_blocks_are_the_rows_executemany_stored(ledger, count):
    columns = _columns(random.Random(count), count)
    got, expected = stored_both_ways(ledger, f"blocks_{count}", f"rowwise_{count}", columns)
    assert len(got) == count
    assert [tuple(map(repr, r)) for r in got] == [tuple(map(repr, r)) for r in expected]


def test_a_days_lines_go_in_blocks_of_rows(tmp_path):
    """On SQLite (PostgreSQL takes the rows by COPY, `tests/test_copy_in.py`)."""
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    table = _probe("in_blocks")
    columns = _columns(random.Random(5), 3 * PER + 7)
    executed: list[tuple[str, int]] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO in_blocks"):
            executed.append((statement, len(parameters) if executemany else 1))

    with writing(ledger) as conn:
        table.create(conn)
        event.listen(conn, "before_cursor_execute", seen)
        insert_columns(conn, table, columns)
        event.remove(conn, "before_cursor_execute", seen)
        assert len(_stored(conn, table)) == 3 * PER + 7
        table.drop(conn)
    ledger.engine.dispose()
    assert [(statement.count("(?"), times) for statement, times in executed] == [(PER, 3), (7, 1)]
    assert all(statement.count("?") <= SQLITE_PARAMETERS for statement, _ in executed)


def test_rows_made_as_they_go_are_taken_a_stretch_at_a_time(tmp_path):
    """A month end's invoice lines (313,000 at L) are handed over as they are made, and taken
    `BLOCKS_PER_CALL` blocks at a time: never all made, then copied whole into a flat list and
    again into the blocks' tuples before the first statement (125 MiB at L). The rows stored are
    those made, in their order."""
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    table, keys = _probe("made_as_they_go"), ("n", "by", "note")
    stretch = SQLITE_PARAMETERS // len(keys) * BLOCKS_PER_CALL
    count = 2 * stretch + 7
    made: list[int] = []
    executed: list[tuple[int, int]] = []

    def rows():
        for n in range(count):
            made.append(n)
            yield n, f"B{n % 97}", None if n % 5 else f"note {n}"

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO made_as_they_go"):
            executed.append((len(made), len(parameters) if executemany else 1))

    with writing(ledger) as conn:
        table.create(conn)
        event.listen(conn, "before_cursor_execute", seen)
        insert_in_blocks(conn, table, keys, rows())
        event.remove(conn, "before_cursor_execute", seen)
        stored = [r[1:4] for r in _stored(conn, table)]
    ledger.engine.dispose()
    assert stored == [(n, f"B{n % 97}", None if n % 5 else f"note {n}") for n in range(count)]
    assert executed == [(stretch, BLOCKS_PER_CALL), (2 * stretch, BLOCKS_PER_CALL), (count, 1)]


def test_a_long_insert_hands_its_blocks_over_a_stretch_at_a_time(tmp_path):
    """Columns given whole (`insert_columns`) go in the same blocks, each executemany given at
    most `BLOCKS_PER_CALL` of them: their parameters are sliced as they go, not all copied first."""
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    table = _probe("long_insert")
    count = PER * (BLOCKS_PER_CALL + 2) + 7
    columns = _columns(random.Random(6), count)
    executed: list[tuple[int, int]] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO long_insert"):
            executed.append((statement.count("(?"), len(parameters) if executemany else 1))

    with writing(ledger) as conn:
        table.create(conn)
        event.listen(conn, "before_cursor_execute", seen)
        insert_columns(conn, table, columns)
        event.remove(conn, "before_cursor_execute", seen)
        assert [r[1] for r in _stored(conn, table)] == columns["n"]
    ledger.engine.dispose()
    assert executed == [(PER, BLOCKS_PER_CALL), (PER, 2), (7, 1)]
