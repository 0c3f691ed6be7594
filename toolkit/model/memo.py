"""Indexes of the master data, built once per master rather than once per call.

The master data is made of frozen records, so whatever is computed from it alone stays true as
long as the same object is in use: a session that previews, creates and ships day after day
asks for the same indexes (templates by rule, prices by item, lines by template) each time.
Each memoized function keeps one entry, for the last master it saw, because a command works on
one master; reading the workbook again gives a new object and a fresh index.

>>> calls = []
>>> @per_master
... def codes(master, upper):
...     calls.append(1)
...     return [c.upper() if upper else c for c in master]
>>> book = ["a", "b"]
>>> codes(book, True), codes(book, True), len(calls)
(['A', 'B'], ['A', 'B'], 1)
>>> codes(["a", "b"], True) and len(calls)
2
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

R = TypeVar("R")


def per_master(fn: Callable[..., R]) -> Callable[..., R]:
    """Memoize `fn(master, *args)` for the last master object (by identity) and arguments."""
    last: list[Any] = [None, None, None]

    @wraps(fn)
    def memoized(master: Any, *args: Any) -> R:
        if last[0] is not master or last[1] != args:
            last[:] = [master, args, fn(master, *args)]
        result: R = last[2]
        return result

    return memoized
