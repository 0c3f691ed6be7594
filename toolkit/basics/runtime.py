"""How a toolkit process runs: interpreter settings applied once, when a command or a button starts.

A command builds hundreds of thousands of small records (the rows of a large master workbook, a
day's orders, a month's invoices) that live until it ends. CPython's cyclic garbage collector,
at its default thresholds, walks all of them again and again while they are being created: at
the large benchmark scale that was about a third of the processor time of creating one day's
orders. Nothing here depends on cycles being collected early, so the collector runs far less
often (mypy does the same for the same reason); memory is still freed by reference counting as
soon as a record is dropped. The data check goes further and pauses the collector while it
reads (`toolkit.intake.validation.collector_paused`), whoever calls it.
"""

from __future__ import annotations

import gc

GC_THRESHOLDS = (200_000, 30, 30)


def configure() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
