"""The production list of a day on a kept ledger, or with `--distribution` the distribution list
(`--complete`: the complete list): CPU time of the `services.lists` function in this process
(the master read before, untimed) and the size of the workbook it writes.

    PYTHONPATH=. python -m benchmarks.production_list bench-L.xlsx mid-month-bench-L.sqlite 2026-04-23 OUT.xlsx \
        [master.pickle] [--earlier-orders | --distribution | --complete]

The ledger is the mid-month one `benchmarks.measure.mid_month_ledger` makes (April's 1st to
22nd created and shipped): on the 23rd, 72,000 orders in progress at L with 390,000 open lines,
every one of them on the distribution list. Run it on a copy of the ledger (the lists only read
it, but `benchmarks/data` is never written). The master is read from the workbook, or from
`master.pickle` when given (written there the first time): reading L's workbook takes longer
than the list. Prints one line: seconds and bytes."""

from __future__ import annotations

import pickle
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> None:
    from toolkit.ledger import open_ledger
    from toolkit.services.lists import distribution, production

    flags = {a for a in argv if a.startswith("--")}
    argv = [a for a in argv if a not in flags]
    workbook, ledger_file, day, out = Path(argv[0]), Path(argv[1]), date.fromisoformat(argv[2]), Path(argv[3])
    master = master_of(workbook, Path(argv[4]) if len(argv) > 4 else None)
    ledger = open_ledger(f"sqlite:///{ledger_file}")
    start = time.process_time()
    if flags & {"--distribution", "--complete"}:
        distribution(master, ledger, day, day, out, "it", **({"complete": True} if "--complete" in flags else {}))
    else:
        production(master, ledger, day, day, out, "it", [], **({"earlier_orders": True} if "--earlier-orders" in flags else {}))
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
