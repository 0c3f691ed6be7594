"""Month-end invoicing alone, on a kept ledger of April shipped but not invoiced.

`python -m benchmarks.invoice_month SCALE [--restocked] [--compare] [--profile F.txt]`: makes
April (create and ship every working day, no invoicing; with `--restocked` goods come in each
week, as in `month_restocked`) once per workbook and schema version in
`benchmarks/data/preinvoice[-restocked]-bench-SCALE.sqlite`, then times the month-end run on a copy,
without the accountants' workbook, beside the python-calamine floor at L measured in the same
process, with the run's CPU seconds (`cpu_seconds`: what a loaded machine leaves comparable) and
the process's peak memory. With `--compare`, the run is also made by the row-by-row reference
code (`tests/oracles/invoicing_rowwise.py`) on another copy and every invoice is compared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from benchmarks import DATA
from benchmarks.measure import INVOICE_DAY, MONTH, ROOT, _master, kept_ledger, peak_rss_mib, shipped_april


def preinvoice_ledger(workbook: Path, target: Path, *, restock: bool = False) -> None:
    """April created and shipped every working day, nothing invoiced, into `target`; with
    `restock`, goods come in each week as in `month_restocked`."""
    from toolkit.ledger import open_ledger

    ledger = open_ledger(f"sqlite:///{target}")
    shipped_april(_master(workbook), ledger, restock=restock)
    ledger.engine.dispose()


def restocked_ledger(workbook: Path, target: Path) -> None:
    """`preinvoice_ledger` with goods coming in each week: more orders ship, more lines to invoice."""
    preinvoice_ledger(workbook, target, restock=True)


def calamine_floor() -> float:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    book = CalamineWorkbook.from_path(str(DATA / "bench-L.xlsx"))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scale")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--profile")
    parser.add_argument("--restocked", action="store_true", help="April with goods coming in each week")
    args = parser.parse_args()
    from toolkit.basics import runtime
    from toolkit.core.invoicing import Period, Request
    from toolkit.ledger import open_ledger
    from toolkit.services.invoicing import run

    runtime.configure()  # as the commands, the buttons and `benchmarks.measure` do

    workbook = DATA / f"bench-{args.scale}.xlsx"
    kept = (kept_ledger(workbook, "preinvoice-restocked", "benchmarks.invoice_month:restocked_ledger")
            if args.restocked else kept_ledger(workbook, "preinvoice", "benchmarks.invoice_month:preinvoice_ledger"))
    master = _master(workbook)
    request = Request(Period(*MONTH), today=INVOICE_DAY)
    tmp = DATA / f"invoice-run-{os.getpid()}"
    tmp.mkdir()
    try:
        shutil.copyfile(kept, tmp / "new.sqlite")
        floor = calamine_floor()
        ledger = open_ledger(f"sqlite:///{tmp / 'new.sqlite'}")
        profiler = None
        if args.profile:
            from pyinstrument import Profiler
            profiler = Profiler()
            profiler.start()
        start, cpu = time.perf_counter(), time.process_time()
        done = run(ledger, master, request, lang="it")
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        if profiler is not None:
            profiler.stop()
            Path(args.profile).write_text(profiler.output_text(unicode=True, show_all=False))
        floor = min(floor, calamine_floor())
        out = {"scale": args.scale, "restocked": args.restocked, "invoices": len(done.invoices),
               "lines": sum(len(x.lines) for x in done.invoices), "seconds": round(seconds, 2),
               "cpu_seconds": round(cpu, 2), "peak_rss_mib": round(peak_rss_mib(), 1),
               "floor_L": round(floor, 2), "units": round(seconds / floor, 2), "load": os.getloadavg()}
        if args.compare:
            sys.path.insert(0, str(ROOT / "tests"))
            from oracles.invoicing_rowwise import run as reference  # type: ignore[import-not-found]

            from toolkit.ledger.db import reading
            from toolkit.ledger.invoices import load_invoices

            shutil.copyfile(kept, tmp / "old.sqlite")
            old_ledger = open_ledger(f"sqlite:///{tmp / 'old.sqlite'}")
            start = time.perf_counter()
            old = reference(old_ledger, master, request)
            out["reference_seconds"] = round(time.perf_counter() - start, 2)
            strip = _comparable
            assert [strip(x) for x in done.invoices] == [strip(x) for x in old.invoices], "returned invoices differ"
            with reading(ledger) as a, reading(old_ledger) as b:
                assert [strip(x) for x in load_invoices(a)] == [strip(x) for x in load_invoices(b)], \
                    "stored invoices differ"
            out["compared"] = len(old.invoices)
        print(json.dumps(out))
    finally:
        shutil.rmtree(tmp)


def _comparable(invoice):
    from dataclasses import replace

    return replace(invoice, run_id=None)


if __name__ == "__main__":
    main()
