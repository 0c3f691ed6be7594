"""The production list of a day on a kept ledger: CPU time of `services.lists.production` in this
process (the master read before, untimed) and the size of the workbook it writes.

    PYTHONPATH=. python -m benchmarks.production_list bench-L.xlsx mid-month-bench-L.sqlite 2026-04-23 OUT.xlsx \
        [master.pickle] [--earlier-orders]

Run it on a copy of the ledger (the list only reads it, but `benchmarks/data` is never written).
The master is read from the workbook, or from `master.pickle` when given (written there the first
time): reading L's workbook takes longer than the list. Prints one line: seconds and bytes."""

from __future__ import annotations

import pickle
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> None:
    from toolkit.ledger import open_ledger
    from toolkit.services.lists import production

    listed = "--earlier-orders" in argv
    argv = [a for a in argv if a != "--earlier-orders"]
    workbook, ledger_file, day, out = Path(argv[0]), Path(argv[1]), date.fromisoformat(argv[2]), Path(argv[3])
    master = master_of(workbook, Path(argv[4]) if len(argv) > 4 else None)
    ledger = open_ledger(f"sqlite:///{ledger_file}")
    start = time.process_time()
    production(master, ledger, day, day, out, "it", [], **({"earlier_orders": True} if listed else {}))
    seconds = time.process_time() - start
    print(f"{seconds:.3f} s  {out.stat().st_size} bytes")


def master_of(workbook: Path, cached: Path | None) -> Any:
    """The workbook's checked master, or the one pickled in `cached`, written there the first time."""
    if cached is not None and cached.exists():
        return pickle.loads(cached.read_bytes())
    from toolkit.intake.validation import check_file

    master = check_file(workbook).master
    if cached is not None:
        cached.write_bytes(pickle.dumps(master))
    return master


if __name__ == "__main__":
    main(sys.argv[1:])
