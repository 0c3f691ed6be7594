"""The distribution list of a day on a kept ledger, or with `--complete` the complete list: CPU
time of `services.lists.distribution` in this process (the master read before, untimed) and the
size of the workbook it writes.

    PYTHONPATH=. python -m benchmarks.distribution_list bench-L.xlsx LEDGER.sqlite 2026-04-23 OUT.xlsx \\
        [master.pickle] [--complete]

The ledger is the mid-month one `benchmarks.measure.mid_month_ledger` makes (April's 1st to
22nd created and shipped): on the 23rd, 72,000 orders in progress at L with 390,000 open lines,
every one of them on the list. Run it on a copy (the list only reads it, but `benchmarks/data`
is never written). The master is read from the workbook, or from `master.pickle` when given
(written there the first time). Prints one line: seconds and bytes."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from benchmarks.production_list import master_of


def main(argv: list[str]) -> None:
    from toolkit.ledger import open_ledger
    from toolkit.services.lists import distribution

    complete = "--complete" in argv
    argv = [a for a in argv if a != "--complete"]
    workbook, ledger_file, day, out = Path(argv[0]), Path(argv[1]), date.fromisoformat(argv[2]), Path(argv[3])
    master = master_of(workbook, Path(argv[4]) if len(argv) > 4 else None)
    ledger = open_ledger(f"sqlite:///{ledger_file}")
    start = time.process_time()
    distribution(master, ledger, day, day, out, "it", complete=complete)
    seconds = time.process_time() - start
    print(f"{seconds:.3f} s  {out.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
