"""Long lists of ids asked for in batches.

A query that names thousands of orders or invoices (`WHERE id IN (...)`) is sent in batches of
`IN_LIST` values: SQLite before 3.32 accepts at most 999 bound parameters in one statement, and
a desk's Python may link such a SQLite; PostgreSQL has no such limit, but one list of a hundred
thousand values plans no better than a hundred lists of 900.

>>> [list(batch) for batch in in_batches(list(range(5)), size=2)]
[[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

IN_LIST = 900
"""Values in one `IN (...)` list."""

T = TypeVar("T")


def in_batches(values: Sequence[T], size: int = IN_LIST) -> Iterator[Sequence[T]]:
    """`values` in consecutive slices of at most `size`, in order."""
    for start in range(0, len(values), size):
        yield values[start:start + size]
