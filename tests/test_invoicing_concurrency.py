"""Invoicing runs from separate processes at once on one ledger: numbers stay gap-free and
no shipped line is invoiced twice. SQLite file always; PostgreSQL when TOOLKIT_TEST_PG_URL
is set (else skipped with the reason)."""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import func, select

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading

TODAY = date(2026, 7, 10)


def _master():
    """The minimal master with standard orders only (no returns), both customers invoiced weekly,
    and no credit limit that would hold four months of orders at the warehouse."""
    import minimal

    from toolkit.basics.vocab import InvoiceSchedule, InvoiceTerms
    from toolkit.intake.validation import check

    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Modelli ordine", "M3", None)
    master = check(minimal.workbook(sheets)).master
    c001, c002 = master.customers
    c001 = replace(c001, invoice_terms=InvoiceTerms.CUSTOMER_SCHEDULE, credit_limit=None,
                   invoice_schedule=InvoiceSchedule.WEEKLY)
    c002 = replace(c002, invoice_terms=InvoiceTerms.AFTER_DELIVERY)  # whatever is delivered, weekly
    return master.model_copy(update={"customers": (c001, c002)})


def _month(m: int):
    from toolkit.basics.dates import parse_month
    from toolkit.core.invoicing import Period

    return Period(*parse_month(f"2026-{m:02d}"))


def _worker(url: str, customer: str, start, results) -> None:
    """One process: a run every Sunday from March to June for one customer, as a user pressing
    the button each week would."""
    from toolkit.core.invoicing import Request
    from toolkit.services.invoicing import run

    master = _master()
    ledger = open_ledger(url)
    start.wait()
    issued = []
    day = date(2026, 3, 8)
    while day <= date(2026, 7, 5):
        time.sleep(0.005)  # a breath between runs, so the processes take turns on the write lock
        month = _month(day.month if day.day > 7 else (day - timedelta(days=7)).month)
        request = Request(month, TODAY, invoice_date=day, customer=customer)
        issued += [x.number for x in run(ledger, master, request, lang="it").invoices]
        day += timedelta(days=7)
    ledger.engine.dispose()
    results.put((customer, issued))


def test_concurrent_runs_number_without_gaps(ledger_url):
    import test_invoicing

    from toolkit.ledger.orders import load_orders
    from toolkit.services.orders import create

    master = _master()
    ledger = open_ledger(ledger_url)
    create(master, ledger, date(2026, 3, 2), lang="it")
    create(master, ledger, date(2026, 6, 30), lang="it")
    with reading(ledger) as conn:
        days = [o.order_date for o in load_orders(conn)]
    assert test_invoicing.ship_open_orders(master, ledger, days) == len(days)

    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    customers = ("C001", "C001", "C002")
    workers = [context.Process(target=_worker, args=(ledger_url, c, start, results)) for c in customers]
    for w in workers:
        w.start()
    start.set()
    issued = [results.get(timeout=300) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0

    with reading(ledger) as conn:
        numbers = conn.execute(select(schema.invoices.c.number).where(schema.invoices.c.series == "FT")
                               .order_by(schema.invoices.c.number)).scalars().all()
        last = conn.execute(select(schema.counters.c.last).where(schema.counters.c.series == "FT")).scalar()
        invoiced = conn.execute(select(func.count()).select_from(schema.invoice_lines)).scalar()
        shipped = conn.execute(select(func.count()).select_from(schema.delivery_lines)).scalar()
    ledger.engine.dispose()
    everything = [n for _, numbers_ in issued for n in numbers_]
    assert len(numbers) > 20
    assert numbers == list(range(1, len(numbers) + 1)) and last == len(numbers)
    assert len(everything) == len(set(everything)) == len(numbers)
    assert invoiced == shipped
    assert {c for c, numbers_ in issued if numbers_} >= {"C001", "C002"}
