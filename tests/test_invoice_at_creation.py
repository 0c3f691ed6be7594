"""The invoices issued with the orders (POS, on-credit and prepay orders, customers invoiced
immediately) are exactly those the orders read back from the ledger gave
(`tests/oracles/invoice_at_creation.py`): the billables built from the drafts just stored are
what `ordered_not_invoiced` reads back, to each `Decimal`'s form, on odd quantities and prices,
returns and zero lines (SQLite and PostgreSQL); and `create` over randomized master data and
the sample issues the same invoices, numbers, amounts, dues and ledger rows either way; and
`order_invoices` over records plans what it planned before."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from oracles import invoice_at_creation
from sqlalchemy import select
from test_shipping_setbased import master_of

from toolkit.basics.vocab import DocumentType, InvoiceTerms, PaymentMethod
from toolkit.core.drafts import draft_orders
from toolkit.core.invoicing import invoices_at_order, order_invoices, order_shipments
from toolkit.core.orders import OrderStatus
from toolkit.core.plan import due_between
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import migrate, reading
from toolkit.ledger.invoices import ordered_not_invoiced
from toolkit.ledger.orders import insert_orders, stored_shipments
from toolkit.services import orders as orders_service
from toolkit.services.orders import create


def _odd_drafts(master, rng: random.Random):
    """A month's drafts of `master`, some lines made odd: quantities and prices to their last
    decimal, zero and negative quantities, amounts that are not quantity × price."""
    dues, _ = due_between(master, date(2026, 4, 1), date(2026, 4, 30))
    drafts, _ = draft_orders(master, dues)
    return [replace(d, lines=tuple(replace(
        line, quantity=Decimal(rng.choice([0, rng.randint(-5000, 90000)])).scaleb(-rng.randint(0, 3)),
        unit_price=Decimal(rng.randint(1, 10**9)).scaleb(-rng.randint(0, 6)),
        amount=Decimal(rng.randint(-10**7, 10**7)).scaleb(-2),
        vat_rate=rng.choice([Decimal(22), Decimal("10.0"), Decimal("4.00"), Decimal(0)]),
        vat_nature=rng.choice([None, "N2.2", line.vat_nature])) if rng.random() < 0.4 else line for line in d.lines),
        ship_to=rng.choice((d.ship_to, None)), project=rng.choice((d.project, None, "P1")),
        payment_method=rng.choice((d.payment_method, None, PaymentMethod.CARD)),
        customer_reference=rng.choice((d.customer_reference, None, "PO-1")))
        for d in rng.sample(drafts, min(len(drafts), 80))]


@pytest.mark.parametrize("seed", [3, 17, 41])
def test_the_stored_drafts_bill_what_the_ledger_reads_back(ledger, tmp_path, seed):
    migrate(ledger)
    rng = random.Random(seed)
    drafts = sorted(_odd_drafts(master_of(tmp_path, seed), rng), key=lambda d: (d.occurrence, d.template))
    with ledger.engine.connect() as conn:
        transaction = conn.begin()
        stored = insert_orders(conn, drafts, "OC", [rng.choice(list(OrderStatus)) for _ in drafts], lang="it")
        chosen = rng.sample(range(len(drafts)), len(drafts) // 2)
        orders = [(stored[i][0], stored[i][1], drafts[i]) for i in sorted(chosen)]
        got = stored_shipments(conn, orders)
        billables = ordered_not_invoiced(conn, order_ids=[order_id for order_id, _, _ in orders])
        voided = {r[0] for r in conn.execute(select(schema.orders.c.id).where(schema.orders.c.status == "voided"))}
        got = [s for s in got if s.order_id not in voided]  # `create` never stores a voided order
        transaction.rollback()
    expected = order_shipments(billables)
    assert got == expected
    assert repr(got) == repr(expected)
    assert len(billables) > 20
    master = _randomized(master_of(tmp_path, seed), rng)
    day = date(2026, 4, 9)
    for invoices in (order_invoices(master, billables, day), invoices_at_order(master, got, day)):
        assert repr(invoices) == repr(invoice_at_creation.order_invoices(master, billables, day))


def _randomized(master, rng: random.Random):
    """Customers invoiced immediately or not, templates of every document type."""
    customers = tuple(replace(c, invoice_terms=rng.choice([InvoiceTerms.IMMEDIATE, c.invoice_terms]))
                      for c in master.customers)
    kinds = [DocumentType.POS, DocumentType.ON_CREDIT, DocumentType.PREPAY, DocumentType.RETURN, DocumentType.STANDARD]
    templates = tuple(replace(t, document_type=rng.choice(kinds)) if rng.random() < 0.5 else t
                      for t in master.templates)
    settings = replace(master.settings, stamp_duty_customer=rng.random() < 0.5)
    return master.model_copy(update={"customers": customers, "templates": templates, "settings": settings})


def _seen(created) -> tuple:
    invoices = [replace(x, run_id=None) for x in created.invoices]
    return repr(invoices), repr(created.created), repr(created.already_existing), [p.code for p in created.problems]


def _rows(ledger) -> tuple:
    with reading(ledger) as conn:
        out = []
        for table in (schema.invoices, schema.invoice_lines, schema.invoice_dues, schema.counters):
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out.append([tuple(v for k, v in r._mapping.items() if k not in ("created_at", "run_id")) for r in rows])
        return tuple(out)


def _both_ways(tmp_path, master, days, monkeypatch, name: str) -> tuple[int, set[str]]:
    """Creates the orders of `days` on two ledgers, invoiced either way; returns how many
    invoice lines they hold and the out-of-sequence refusals seen."""
    seen = []
    refused: set[str] = set()
    for way in ("oracle", "new"):
        ledger = open_ledger(f"sqlite:///{tmp_path / f'{name}-{way}.sqlite'}")
        with monkeypatch.context() as patched:
            if way == "oracle":
                patched.setattr(orders_service, "_invoice_at_once", lambda conn, master, now, _, lang: (
                    invoice_at_creation.invoice_at_once(conn, master, {d: [o[0] for o in xs] for d, xs in now.items()},
                                                        lang=lang)))
            made = [_seen(create(master, ledger, day, lang="it")) for day in days]
        seen.append((made, _rows(ledger)))
        refused.update(p for _, _, _, codes in made for p in codes if p.endswith("out-of-sequence"))
        ledger.engine.dispose()
    assert seen[0] == seen[1]
    return len(seen[1][1][1]), refused


@pytest.mark.parametrize("seed", [1, 8, 23])
def test_create_issues_the_invoices_the_read_back_issued(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    master = _randomized(master_of(tmp_path, seed), rng)
    start = date(2026, 4, rng.randint(1, 8))
    days = [start, start + timedelta(days=rng.randint(1, 3)), start + timedelta(days=rng.randint(5, 12))]
    assert _both_ways(tmp_path, master, days, monkeypatch, f"seed-{seed}")[0] > 0


def test_the_sample_month_issues_the_invoices_the_read_back_issued(tmp_path, monkeypatch, sample_master):
    days = [date(2026, 4, 1) + timedelta(days=n) for n in range(0, 30, 3)]
    assert _both_ways(tmp_path, sample_master, days, monkeypatch, "sample")[0] > 0


def test_an_invoice_out_of_sequence_is_refused_as_before(tmp_path, monkeypatch, sample_master):
    days = [date(2026, 4, 20), date(2026, 4, 10), date(2026, 4, 21)]
    lines, refused = _both_ways(tmp_path, sample_master, days, monkeypatch, "sequence")
    assert lines > 0 and refused
