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

import weakref
from collections.abc import Callable
from functools import update_wrapper, wraps
from typing import Any, Generic, TypeVar

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


class per_master_weakly(Generic[R]):
    """Memoize `fn(master)` for each master object alive, by identity, holding the master weakly:
    when it is gone, so is what was computed from it (for a result that keeps much of a workbook
    alive, such as its prices). `remember` stores a result worked out before the master was made.

    >>> class Master: pass
    >>> calls = []
    >>> @per_master_weakly
    ... def named(master):
    ...     calls.append(1)
    ...     return [id(master)]
    >>> m = Master()
    >>> named(m) is named(m), len(calls), len(named)
    (True, 1, 1)
    >>> del m
    >>> len(named)
    0
    """

    def __init__(self, fn: Callable[[Any], R]):
        self._fn = fn
        self._memo: dict[int, tuple[weakref.ref[Any], R]] = {}
        update_wrapper(self, fn)

    def __call__(self, master: Any) -> R:
        found = self._memo.get(id(master))
        if found is not None and found[0]() is master:
            return found[1]
        result = self._fn(master)
        self.remember(master, result)
        return result

    def remember(self, master: Any, result: R) -> None:
        """Take `result` as `fn(master)` from now on, while the master lives."""
        key, memo = id(master), self._memo

        def forget(ref: weakref.ref[Any]) -> None:
            if memo.get(key, (None,))[0] is ref:
                del memo[key]

        memo[key] = (weakref.ref(master, forget), result)

    def __len__(self) -> int:
        return len(self._memo)
