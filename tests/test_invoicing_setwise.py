"""The month-end run as a set operation gives exactly what the row-by-row run gave
(`tests/oracles/invoicing_rowwise.py`): on randomized ledgers — customers with every invoice
terms, grouping, payment terms and method, VAT rates and non-taxable natures, stamp duty
charged or not, six-decimal net prices (as VAT-included lists leave them), partial deliveries,
returns (credit notes), orders invoiced at the order — and on the demo month: the same
invoices, numbers, dates, lines, amounts, VAT per rate, totals, dues and cited DDTs, stored
and returned, and the same problems and pending lines."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from oracles import invoicing_rowwise
from sqlalchemy import update
from test_invoicing import AFTER_APRIL, APRIL, make_order, master_with, ship

from toolkit.basics.problems import ProblemsFound
from toolkit.basics.vocab import DeferredInvoiceDate, InvoiceGrouping, InvoiceSchedule, InvoiceTerms, PaymentMethod
from toolkit.core.invoicing import InvoiceStatus, Request
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading, writing
from toolkit.ledger.invoices import load_invoices
from toolkit.services.invoicing import invoice_orders_in, run

TERMS = ["30", "60", "IMM", "30FM", "FM+30", "30FM+10", "MS10", "30/60/90", "30/60"]
RATES = [("22", None), ("10", None), ("4", None), ("0", "N1"), ("0", "N2.1"), ("0", "N4"), ("5", None)]


def random_master(rng: random.Random):
    base = master_with()
    first = base.customers[0]
    customers = []
    for n in range(12):
        terms = rng.choice(list(InvoiceTerms))
        customers.append(replace(
            first, code=f"C{n:03d}", invoice_terms=terms, invoice_schedule=rng.choice(list(InvoiceSchedule)),
            invoice_grouping=rng.choice(list(InvoiceGrouping)), payment_terms=rng.choice(TERMS),
            payment_method=rng.choice([PaymentMethod.BANK_TRANSFER, PaymentMethod.RIBA, PaymentMethod.CASH])))
    settings = replace(base.settings, **{
        "stamp_duty_customer": rng.random() < 0.5,
        "deferred_invoice_date": rng.choice(list(DeferredInvoiceDate))})
    return base.model_copy(update={"customers": tuple(customers), "settings": settings})


def price(rng: random.Random) -> str:
    if rng.random() < 0.4:  # a VAT-included list's net price, six decimals
        return str((D(rng.randint(100, 30000)) / D(100) / D("1.22")).quantize(D("0.000001")))
    return str(D(rng.randint(1, 20000)) / D(100))


def invoiced_at_order(ledger, master, order_id: int, day: date) -> bool:
    """The order invoiced at once, unless its returns give back goods credited already (left out
    since returns take back invoice lines: `toolkit.core.credit_notes.take_back`); then nothing
    of it is invoiced at once and it ships as the others do."""
    try:
        with writing(ledger) as conn:
            refused = invoice_orders_in(conn, master, [order_id], day, lang="it").refused
            if refused:
                raise ProblemsFound(refused)
    except ProblemsFound:
        return False
    return True


def fill(ledger, master, rng: random.Random) -> None:
    """Orders and DDTs in March and April, some invoiced at the order, for `master`'s customers."""
    customers = [c.code for c in master.customers]
    days = sorted(date(2026, 3, 25) + timedelta(days=rng.randint(0, 33)) for _ in range(rng.randint(20, 35)))
    for day in days:  # in date order, so that orders invoiced at once keep numbers in date order
        customer = rng.choice(customers)
        lines = []
        for _n in range(rng.randint(1, 6)):
            rate, nature = rng.choice(RATES)
            quantity = rng.choice(["1", "2", "3", "7", "10", "0.5", "1.333", "120", "-2", "-1"])
            lines.append((f"A{rng.randint(1, 9):03d}", quantity, price(rng), rate, nature))
        order_id, line_ids = make_order(ledger, customer, day, lines, project=rng.choice([None, "P1", "P2"]),
                                        ship_to=rng.choice([None, "D1", "D2"]))
        with writing(ledger) as conn:
            conn.execute(update(schema.orders).where(schema.orders.c.id == order_id).values(
                payment_method=rng.choice([None, None, PaymentMethod.CARD.value]),
                customer_reference=rng.choice([None, f"PO-{order_id}"])))
        if rng.random() < 0.15 and invoiced_at_order(ledger, master, order_id, day):
            continue
        for part in range(rng.choice([0, 1, 1, 2])):
            when = day + timedelta(days=rng.randint(0, 6) + 7 * part)
            if when > date(2026, 5, 5):
                continue
            shipped = []
            for line_id, (_, quantity, _, _, _) in zip(line_ids, lines):
                if rng.random() < 0.8:
                    q = D(quantity)
                    shipped.append((line_id, str(q if rng.random() < 0.6 else (q / 2).quantize(D("0.001")))))
            if shipped:
                ship(ledger, customer, when, shipped, ship_to=rng.choice([None, "D3"]))


def comparable(invoice):
    return replace(invoice, run_id=None)


def outcome(result):
    return ([comparable(x) for x in result.invoices], sorted((p.code, str(p.message("en"))) for p in result.problems),
            result.pending)


def same_run(tmp_path, seed: int, make_request, **options) -> int:
    """Both runs on two ledgers filled alike; the count of invoices compared."""
    ledgers = []
    for name in ("new", "old"):
        rng = random.Random(seed)
        master = random_master(rng)
        ledger = open_ledger(f"sqlite:///{tmp_path / f'{name}-{seed}.sqlite'}")
        fill(ledger, master, rng)
        ledgers.append(ledger)
    new, old = ledgers
    request = make_request(master)
    got = run(new, master, request, **options, lang="it")
    expected = invoicing_rowwise.run(old, master, request, **options)
    assert outcome(got) == outcome(expected)
    with reading(new) as a, reading(old) as b:
        assert [comparable(x) for x in load_invoices(a)] == [comparable(x) for x in load_invoices(b)]
    for ledger in ledgers:
        ledger.engine.dispose()
    return len(expected.invoices)


@pytest.mark.parametrize("seed", range(8))
def test_a_month_run_is_the_row_by_row_run(tmp_path, seed):
    held = lambda master: frozenset(
        c.code for c in master.customers if c.invoice_terms is InvoiceTerms.DO_NOT_INVOICE and c.code < "C006")
    assert same_run(tmp_path, seed, lambda m: Request(APRIL, AFTER_APRIL, released=held(m))) > 0


@pytest.mark.parametrize("seed", range(3))
def test_a_draft_run_with_final_status_and_a_preview_are_the_row_by_row_ones(tmp_path, seed):
    assert same_run(tmp_path, 100 + seed, lambda m: Request(APRIL, AFTER_APRIL), status=InvoiceStatus.FINAL)
    same_run(tmp_path / "p", 100 + seed, lambda m: Request(APRIL, AFTER_APRIL), preview=True) if (
        (tmp_path / "p").mkdir() is None) else None


@pytest.mark.parametrize("seed", range(3))
def test_a_run_mid_month_by_customer_and_by_date_is_the_row_by_row_one(tmp_path, seed):
    same_run(tmp_path, 200 + seed, lambda m: Request(APRIL, date(2026, 4, 20)))
    (tmp_path / "c").mkdir()
    same_run(tmp_path / "c", 200 + seed, lambda m: Request(APRIL, AFTER_APRIL, customer="C003",
                                                           invoice_date=date(2026, 5, 1)))


def test_the_demo_month_is_invoiced_as_the_row_by_row_run_did(tmp_path):
    """The bundled sample's April, created and shipped day by day as `toolkit demo` does, then
    invoiced at month end by both runs on two copies of the ledger."""
    import shutil

    from toolkit.core.invoicing import Period
    from toolkit.core.workdays import working_calendar
    from toolkit.services.check import check_file
    from toolkit.services.demo import CLOSING_DAY, MONTH
    from toolkit.services.orders import create
    from toolkit.services.sample import write_sample
    from toolkit.services.shipping import ship as ship_day

    master = check_file(write_sample(tmp_path)).master
    assert master is not None
    ledger = open_ledger(f"sqlite:///{tmp_path / 'new.sqlite'}")
    calendar = working_calendar(master.settings, master.closures)
    days = [MONTH[0] + timedelta(days=n) for n in range((MONTH[1] - MONTH[0]).days + 1)]
    for day in (d for d in days if calendar.is_working(d)):
        create(master, ledger, day, with_catch_up=False, lang="it")
        ship_day(master, ledger, day, all_open=True, lang="it")
    ledger.engine.dispose()
    shutil.copyfile(tmp_path / "new.sqlite", tmp_path / "old.sqlite")
    new, old = (open_ledger(f"sqlite:///{tmp_path / f'{name}.sqlite'}") for name in ("new", "old"))
    request = Request(Period(*MONTH), CLOSING_DAY)
    got = run(new, master, request, status=InvoiceStatus.FINAL, lang="it")
    expected = invoicing_rowwise.run(old, master, request, status=InvoiceStatus.FINAL)
    assert len(expected.invoices) > 10
    assert outcome(got) == outcome(expected)
    with reading(new) as a, reading(old) as b:
        assert [comparable(x) for x in load_invoices(a)] == [comparable(x) for x in load_invoices(b)]
    new.engine.dispose()
    old.engine.dispose()
