"""Numbers follow dates: the bundled sample run day by day through April, as a desk runs it,
then closed at month end. Within each series and year, no invoice is dated before the one
numbered just before it — the immediate invoices issued with their orders during the month and
the month-end run's deferred ones alike, whichever date the deferred invoices carry.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from toolkit.basics.vocab import DeferredInvoiceDate, InvoiceTerms
from toolkit.core.invoicing import InvoiceKind, Period, Request
from toolkit.core.workdays import working_calendar
from toolkit.ledger import open_ledger
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices
from toolkit.services.invoicing import run
from toolkit.services.orders import create
from toolkit.services.shipping import ship

APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
CLOSING_DAY = date(2026, 5, 4)
"""The first working day after April: the month-end run's "today"."""


def number_key(number: str) -> tuple[str, int, int]:
    series, year, n = number.rsplit("-", 2)
    return series, int(year), int(n)


@pytest.fixture(scope="module", params=[DeferredInvoiceDate.MONTH_END, DeferredInvoiceDate.ISSUE])
def april_closed(request, tmp_path_factory, sample_master):
    """The sample's April: each working day the day's orders and every open order shipped (as
    `tests/test_reference_files.py` builds its documents), then April's run on 4 May."""
    master = sample_master
    ledger = open_ledger(f"sqlite:///{tmp_path_factory.mktemp('chronology') / 'ledger.sqlite'}")
    calendar = working_calendar(master.settings, master.closures)
    day = APRIL.start
    while day <= APRIL.end:
        if calendar.is_working(day):
            made = create(master, ledger, day, with_catch_up=False, lang="it")
            assert not [p for p in made.problems if p.is_error], [str(p) for p in made.problems]
            ship(master, ledger, day, all_open=True, lang="it")
        day += timedelta(days=1)
    with reading(ledger) as conn:
        during = load_invoices(conn)
    closed = run(ledger, master, Request(APRIL, CLOSING_DAY, deferred_date=request.param), lang="it")
    with reading(ledger) as conn:
        everything = load_invoices(conn)
    ledger.engine.dispose()
    return request.param, master, during, closed, everything


def test_every_invoice_is_dated_on_or_after_the_one_numbered_before_it(april_closed):
    _, _, during, closed, everything = april_closed
    assert closed.run_id and not [p for p in closed.problems if p.is_error], [str(p) for p in closed.problems]
    assert during and closed.invoices
    by_series: dict[tuple[str, int], list] = defaultdict(list)
    for invoice in sorted(everything, key=lambda x: number_key(x.number)):
        series, year, n = number_key(invoice.number)
        by_series[(series, year)].append((n, invoice.invoice_date, invoice.number))
    for (series, year), numbered in by_series.items():
        assert [n for n, *_ in numbered] == list(range(1, len(numbered) + 1)), (series, year)
        out_of_order = [(a[2], a[1], b[2], b[1]) for a, b in zip(numbered, numbered[1:]) if b[1] < a[1]]
        assert out_of_order == [], (series, year)


def test_immediate_invoices_are_issued_with_their_orders_and_the_run_dates_alike(april_closed):
    rule, master, during, closed, _ = april_closed
    immediate = {c.code for c in master.customers if c.invoice_terms is InvoiceTerms.IMMEDIATE}
    assert immediate & {x.customer for x in during}
    assert all(x.invoice_date == x.period.start for x in during), "dated with their orders"
    waited = [x for x in closed.invoices if x.customer in immediate]
    assert [(x.customer, x.kind, all(line.delivery for line in x.lines)) for x in waited] == [
        ("C004", InvoiceKind.CREDIT_NOTE, True)], "nothing left for the month end but a return waiting for its DDT"
    expected = APRIL.end if rule is DeferredInvoiceDate.MONTH_END else CLOSING_DAY
    assert {x.invoice_date for x in closed.invoices} == {expected}
    assert max(x.invoice_date for x in during) <= expected
    assert not [p for p in closed.problems if p.code == "late-deferred-invoice"]
