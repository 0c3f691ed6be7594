"""PROCESSES processes run the same first days of April on the sample at once — create the
day's orders, ship everything open, invoice the month — on one ledger (a SQLite file; also
PostgreSQL when TOOLKIT_TEST_PG_URL is set). The ledger ends as one process alone would leave
it: no duplicate number, no gap, each order once, no line shipped or invoiced twice.

tests/test_generation.py, test_shipping_concurrency.py and test_invoicing_concurrency.py race
two or three processes on one action each, on the minimal master; this races every action at
once on the sample, whose document types ship and invoice at creation too."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

from reliability.ledger_checks import consistent
from toolkit.ledger import open_ledger

PROCESSES = 4
DAYS = [date(2026, 4, d) for d in (1, 2, 3, 7, 8)]
TIMEOUT = 300


def _user(workbook: str, url: str, start, results) -> None:
    """One desk pressing every button of the first days of April, then closing the month."""
    from toolkit.core.invoicing import InvoiceStatus, Period, Request
    from toolkit.intake.validation import check_file
    from toolkit.services import invoicing
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    master = check_file(Path(workbook)).master
    ledger = open_ledger(url)
    start.wait(TIMEOUT)
    made = {"orders": 0, "ddts": 0, "invoices": 0}
    for day in DAYS:
        created = create(master, ledger, day, with_catch_up=False, lang="it")
        made["orders"] += len(created.created)
        made["ddts"] += len(created.notes) + len(ship(master, ledger, day, all_open=True, lang="it").notes)
        made["invoices"] += len(created.invoices)
    run = invoicing.run(ledger, master, Request(Period(date(2026, 4, 1), date(2026, 4, 30)), date(2026, 5, 4)),
                        status=InvoiceStatus.FINAL, lang="it")
    made["invoices"] += len(run.invoices)
    ledger.engine.dispose()
    results.put(made)


def test_processes_racing_every_action_leave_no_duplicate_and_no_gap(sample_workbook, ledger_url, figures):
    open_ledger(ledger_url).engine.dispose()
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(PROCESSES), ctx.Queue()
    workers = [ctx.Process(target=_user, args=(str(sample_workbook), ledger_url, start, results))
               for _ in range(PROCESSES)]
    for w in workers:
        w.start()
    made = [results.get(timeout=TIMEOUT) for _ in workers]
    for w in workers:
        w.join(TIMEOUT)
        assert w.exitcode == 0
    ledger = open_ledger(ledger_url)
    found = consistent(ledger)
    ledger.engine.dispose()
    backend = "postgresql" if ledger_url.startswith("postgresql") else "sqlite"
    races = figures(f"races_{backend}")
    races.add(processes=PROCESSES, runs=1, documents=sum(n for n, _, _ in found.values()),
              duplicates=sum(d for _, d, _ in found.values()), gaps=sum(g for _, _, g in found.values()))
    for kind, (count, duplicates, missing) in found.items():
        assert (duplicates, missing) == (0, 0), f"{kind}: {duplicates} duplicates, {missing} missing"
        assert sum(m[kind] for m in made) == count, f"{kind}: each document issued by exactly one process"
    assert found["orders"][0] > 20 and found["ddts"][0] > 10 and found["invoices"][0] > 5
