"""Long lists of ids asked for in batches.

A query that names thousands of orders or invoices (`WHERE id IN (...)`) is sent in batches of
`IN_LIST` values: SQLite before 3.32 accepts at most 999 bound parameters in one statement, and
a desk's Python may link such a SQLite. PostgreSQL has no such limit: there a long list of ids
goes as one array (`among`, `bound_among`), because each `IN` list of a statement that scans a
table costs a scan; the same holds for a statement that scans anyway on a SQLite that binds
many values (`fits_one_list`).

>>> [list(batch) for batch in in_batches(list(range(5)), size=2)]
[[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Sized
from typing import Any, TypeVar

from sqlalchemy import BigInteger, ColumnElement, Connection, any_, bindparam
from sqlalchemy.types import ARRAY

IN_LIST = 900
"""Values in one `IN (...)` list."""

T = TypeVar("T")

ONE_LIST = 30_000
"""Values in one `IN (...)` list of a statement that scans its table whatever the list
(`fits_one_list`): below SQLite's 32,766 bound parameters (from 3.32 on)."""


def fits_one_list(conn: Connection, values: Sized) -> bool:
    """Whether `values` go in a single `IN (...)` list on this connection (`ONE_LIST`, but not
    past `IN_LIST` on a SQLite before 3.32): for a statement that scans its table anyway, where
    each list would cost a scan."""
    import sqlite3

    old = conn.dialect.name == "sqlite" and sqlite3.sqlite_version_info < (3, 32)
    return len(values) <= (IN_LIST if old else ONE_LIST)


def in_batches(values: Sequence[T], size: int = IN_LIST) -> Iterator[Sequence[T]]:
    """`values` in consecutive slices of at most `size`, in order."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def among(conn: Connection, column: Any, ids: Sequence[int]) -> Iterator[ColumnElement[bool]]:
    """Conditions "`column` is one of `ids`", one per statement to run: on PostgreSQL one
    condition, the ids bound as a single array (`= ANY(...)`), so that a day's tens of thousands
    of order lines are asked in one round trip instead of one per `IN_LIST`; elsewhere one
    IN-list per `in_batches` slice (the lists `id_lists` makes). Nothing for no ids."""
    as_array = one_array(conn)
    for asked in id_lists(conn, ids):
        yield (column == any_(bindparam("ids", list(asked), type_=ARRAY(BigInteger), unique=True)) if as_array
               else column.in_(asked))


def one_array(conn: Connection) -> bool:
    """Whether `conn` is asked for a long list of ids in one statement, bound as one array:
    PostgreSQL's way (`among`, `bound_among`)."""
    return conn.dialect.name == "postgresql"


def bound_among(column: Any, name: str, *, as_array: bool) -> ColumnElement[bool]:
    """"`column` is one of the ids bound as `name`", for a statement built once and run with its
    parameters by `ledger.db.driver_rows`: with `as_array` (`one_array`) the ids are one array
    (`= ANY(:name)`), else an expanding `IN` list. Give `name` the lists `id_lists` makes."""
    if as_array:
        return column == any_(bindparam(name, type_=ARRAY(BigInteger)))
    return column.in_(bindparam(name, expanding=True))


def id_lists(conn: Connection, ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """`ids` in the lists a statement with `bound_among(..., as_array=one_array(conn))` takes,
    one per statement: on PostgreSQL all of them at once, elsewhere `in_batches` slices.
    Nothing for no ids."""
    if not ids:
        return
    if one_array(conn):
        yield list(ids)
        return
    yield from in_batches(ids)


def spanned_or_among(conn: Connection, column: Any, ids: Sequence[int]) -> Iterator[ColumnElement[bool]]:
    """`among`, or one condition "`column` between the first and the last id" when the ids,
    all different, fill their range (as the DDTs of a day stored in one statement do). The DDT
    lines of 30 April at L (4,764 DDTs, 27,351 lines) were summed by item and date in 0.14 s of
    CPU with the ids in lists of `IN_LIST`, 0.064 s by their range (medians of 5, alternated,
    on a copy of April's ledger).

    >>> from sqlalchemy import column
    >>> [str(c) for c in spanned_or_among(None, column("id"), [3, 5, 4])]
    ['id BETWEEN :id_1 AND :id_2']
    """
    if spans(ids):
        yield column.between(min(ids), max(ids))
        return
    yield from among(conn, column, ids)


def spans(ids: Sequence[int]) -> bool:
    """Whether these ids, all different, fill their range (`spanned_or_among` names them by it).

    >>> spans([3, 5, 4]), spans([3, 5]), spans([3, 3, 4]), spans([])
    (True, False, False, False)
    """
    return bool(ids) and len(set(ids)) == len(ids) and max(ids) - min(ids) + 1 == len(ids)
