"""How a toolkit process runs: interpreter settings applied once, when a command or a button starts.

A command builds hundreds of thousands of small records (the rows of a large master workbook, a
day's orders, a month's invoices) that live until it ends. CPython's cyclic garbage collector,
at its default thresholds, walks all of them again and again while they are being created: at
the large benchmark scale that was about a third of the processor time of creating one day's
orders. Nothing here depends on cycles being collected early, so the collector runs far less
often (mypy does the same for the same reason); memory is still freed by reference counting as
soon as a record is dropped. The data check goes further and pauses the collector while it
reads, and a master-data merge while it merges (`collector_paused`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

GC_THRESHOLDS = (200_000, 30, 30)

_commits = [0]


def committed() -> None:
    """A write transaction of the ledger was committed (`toolkit.ledger.db.writing`)."""
    _commits[0] += 1


def commits() -> int:
    """How many ledger write transactions this process has committed: a command interrupted with
    Ctrl+C says whether it had stored anything, since «interrotto» alone leaves the desk to
    guess whether running it again issues the documents twice."""
    return _commits[0]


def configure() -> None:
    gc.set_threshold(*GC_THRESHOLDS)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cycle collection while a step builds a million objects and no reference cycles:
    reading a large workbook, or merging 200 desks' rows into one. The collector would walk
    all of them again every few thousand, more than half of the data check's time and a
    quarter of a merge's. They are long-lived too, so they go to the oldest generation at once
    (`freeze` then `unfreeze`), not through the young collections on the way. Nested, only the
    outermost pause resumes the collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
