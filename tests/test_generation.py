"""Order generation for a date: idempotent, concurrency-safe, crash-safe, priced by the rules."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import minimal
import pytest
from sqlalchemy import func, select

from toolkit.basics.problems import ProblemsFound, errors
from toolkit.basics.vocab import InvoiceTerms
from toolkit.core.orders import EFFECTS, OrderStatus
from toolkit.core.plan import due_on
from toolkit.intake.validation import check
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders
from toolkit.services.orders import create, preview

APRIL_9 = date(2026, 4, 9)


def _count(ledger, table) -> int:
    with reading(ledger) as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_second_run_creates_nothing(sample_master, ledger):
    dues, _ = due_on(sample_master, APRIL_9)
    first = create(sample_master, ledger, APRIL_9, lang="it")
    assert [p for p in first.problems if p.is_error] == []
    assert len(first.created) == len(dues) > 5
    assert [r["number"] for r in first.created] == [f"OC-2026-{n:05d}" for n in range(1, len(dues) + 1)]
    second = create(sample_master, ledger, APRIL_9, lang="it")
    assert second.created == []
    assert sorted(r["number"] for r in second.already_existing) == sorted(r["number"] for r in first.created)
    assert _count(ledger, schema.orders) == len(dues)
    with reading(ledger) as conn:
        orders = load_orders(conn)
    initial = {"quotation": OrderStatus.DRAFT, "proposal": OrderStatus.DRAFT}
    for o in orders:
        expected = initial.get(o.document_type.value, OrderStatus.IN_PROGRESS)
        if EFFECTS[o.document_type].ship_at_once and o.to_ship == 0:
            expected = OrderStatus.COMPLETED
        assert o.status is expected, o
    assert sum(len(o.lines) for o in orders) == sum(len(d.lines) for d in dues)


def test_preview_marks_existing_orders_and_customer_figures(sample_master, ledger):
    """An order invoiced at the order counts in the open invoices, not again as still to ship:
    the first template here is one whose order waits for its DDT and its invoice."""
    before = preview(sample_master, ledger, APRIL_9)
    assert before.rows and all(r.existing is None for r in before.rows)
    customers = {c.code: c for c in sample_master.customers}
    templates = {t.code: t for t in sample_master.templates}
    first = next(r for r in before.rows if customers[r.customer].invoice_terms is not InvoiceTerms.IMMEDIATE
                 and not EFFECTS[templates[r.template].document_type].invoice_at_once)
    create(sample_master, ledger, APRIL_9, only={first.template}, lang="it")
    after = preview(sample_master, ledger, APRIL_9)
    made = next(r for r in after.rows if r.template == first.template)
    assert made.existing == "OC-2026-00001"
    assert all(r.existing is None for r in after.rows if r is not made)
    exposure, _limit = after.customers[made.customer]
    assert exposure.last_order_date == APRIL_9
    assert exposure.unshipped == made.amount == exposure.last_order_amount


def test_a_session_that_previews_and_creates_a_day_prices_it_once(sample_master, ledger, monkeypatch):
    import toolkit.services.orders as generation

    master = sample_master.model_copy()  # a master no earlier test has planned
    priced = []
    real = generation.draft_orders
    monkeypatch.setattr(generation, "draft_orders", lambda m, dues: priced.append(len(dues)) or real(m, dues))
    shown = preview(master, ledger, APRIL_9)
    created = create(master, ledger, APRIL_9, lang="it")
    assert priced == [len(shown.rows)] and len(created.created) == len(shown.rows) > 0
    assert [(r["template"], r["amount"]) for r in created.created] == [(r.template, r.amount) for r in shown.rows]
    create(master, ledger, APRIL_9, only={shown.rows[0].template}, lang="it")
    assert priced == [len(shown.rows), 1]


def test_only_and_exclude(sample_master, ledger):
    dues, _ = due_on(sample_master, APRIL_9)
    first, second = dues[0].template, dues[1].template
    assert [r["template"] for r in create(sample_master, ledger, APRIL_9, only={first}, lang="it").created] == [first]
    result = create(sample_master, ledger, APRIL_9, exclude={second}, lang="it")
    assert second not in {r["template"] for r in result.created}
    assert [r["template"] for r in result.already_existing] == [first]
    unknown = create(sample_master, ledger, APRIL_9, only={"NOPE"}, lang="it")
    assert [p.code for p in unknown.problems] == ["unknown-template-selection"] and unknown.created == []


def test_catch_up_creates_the_missed_days(sample_master, ledger):
    create(sample_master, ledger, date(2026, 4, 7), lang="it")
    result = create(sample_master, ledger, APRIL_9, lang="it")
    days = {r["date"] for r in result.created}
    assert date(2026, 4, 8) in days and APRIL_9 in days
    expected = len(due_on(sample_master, date(2026, 4, 8))[0]) + len(due_on(sample_master, APRIL_9)[0])
    assert len(result.created) == expected


def test_an_order_made_ahead_with_only_leaves_the_days_before_it_to_the_next_run(sample_master, ledger):
    """On the 7th the desk makes one customer's order of the 10th ahead (`--only`); the next
    run, on the 9th, still makes the other templates' orders of the 8th and of the 9th: recording
    the 10th as done lost them without a word, as Christmas Eve's were lost to an order of the
    28th made on the 21st."""
    create(sample_master, ledger, date(2026, 4, 7), lang="it")
    customers = {c.code: c for c in sample_master.customers}
    templates = {t.code: t for t in sample_master.templates}
    ahead = next(d.template for d in due_on(sample_master, date(2026, 4, 10))[0]
                 if customers[d.customer].invoice_terms is not InvoiceTerms.IMMEDIATE
                 and not EFFECTS[templates[d.template].document_type].invoice_at_once)
    made = create(sample_master, ledger, date(2026, 4, 10), only={ahead}, future=True, lang="it").created
    assert {r["template"] for r in made} == {ahead}
    result = create(sample_master, ledger, APRIL_9, lang="it")
    expected = [(d.template, d.day) for day in (date(2026, 4, 8), APRIL_9) for d in due_on(sample_master, day)[0]]
    made_now = [(r["template"], r["date"]) for r in result.created]
    assert sorted(made_now + [(r["template"], r["date"]) for r in result.already_existing]) == sorted(expected)
    assert [(t, d) for t, d in expected if d == date(2026, 4, 8) and t != ahead] != []
    assert all(key in made_now for key in expected if key[0] != ahead)


def test_a_desk_running_only_a_route_at_a_time_closes_the_day_with_its_last_route(sample_master, ledger):
    """Two runs of `--only`, each a part of the templates, make the whole day: the day is then
    done, and the next day's run plans from the day after, making nothing of it again."""
    create(sample_master, ledger, date(2026, 4, 7), lang="it")
    templates = sorted({d.template for d in due_on(sample_master, date(2026, 4, 8))[0]})
    half = set(templates[: len(templates) // 2])
    create(sample_master, ledger, date(2026, 4, 8), only=half, lang="it")
    create(sample_master, ledger, date(2026, 4, 8), only=set(templates) - half, lang="it")
    nxt = create(sample_master, ledger, APRIL_9, lang="it")
    assert {r["date"] for r in nxt.created} == {APRIL_9} and nxt.already_existing == []


def test_only_on_a_new_ledger_leaves_the_other_templates_of_its_day_to_the_next_run(sample_master, ledger):
    """The desk's first run is `--only` one customer on the 8th: nothing was recorded done, so
    the next day's run had no catch-up and the other templates' orders of the 8th were never
    made, without a word. The day before the 8th is recorded: the run of the 9th makes them."""
    april_8 = date(2026, 4, 8)
    templates = sorted({d.template for d in due_on(sample_master, april_8)[0]})
    assert len(templates) > 1
    create(sample_master, ledger, april_8, only={templates[0]}, lang="it")
    nxt = create(sample_master, ledger, APRIL_9, lang="it")
    made = {(r["template"], r["date"]) for r in nxt.created}
    assert {(t, april_8) for t in templates[1:]} <= made, made
    assert [(r["template"], r["date"]) for r in nxt.already_existing] == [(templates[0], april_8)]


def test_a_stock_count_dated_after_today_creates_nothing_that_would_ship_at_once(sample_master, ledger, rome_today):
    """The sample's warehouse orders ship as they are created, from the stock less the DDTs
    since Data giacenze: a count typed a day ahead shipped goods those DDTs took. Refused at the
    cell, as `ship` refuses it, nothing stored; counted today, the day is created."""
    from dataclasses import replace

    rome_today(APRIL_9)
    assert sample_master.stock and any(EFFECTS[t.document_type].ship_at_once for t in sample_master.templates)
    ahead = sample_master.model_copy(update={"settings": replace(sample_master.settings, stock_date=date(2026, 4, 10))})
    refused = create(ahead, ledger, APRIL_9, with_catch_up=False, lang="it")
    assert refused.created == [] and _count(ledger, schema.orders) == 0 == _count(ledger, schema.deliveries)
    assert [(p.code, p.location) for p in refused.problems if p.is_error] == [
        ("stock-date-in-future", ahead.locate_setting("stock_date"))]
    today = sample_master.model_copy(update={"settings": replace(sample_master.settings, stock_date=APRIL_9)})
    assert create(today, ledger, APRIL_9, with_catch_up=False, lang="it").created


def _create_in_process(workbook: str, url: str, queue) -> None:
    from toolkit.intake.validation import check_file
    from toolkit.ledger import open_ledger as open_
    from toolkit.services.orders import create as create_orders

    master = check_file(Path(workbook)).master
    result = create_orders(master, open_(url), APRIL_9, lang="it")
    queue.put(([r["number"] for r in result.created], [r["number"] for r in result.already_existing]))


def test_two_processes_at_once_create_each_order_once(sample_workbook, sample_master, ledger_url):
    open_ledger(ledger_url).engine.dispose()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_create_in_process, args=(str(sample_workbook), ledger_url, queue)) for _ in range(2)]
    for w in workers:
        w.start()
    results = [queue.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    dues, _ = due_on(sample_master, APRIL_9)
    created = [n for made, _ in results for n in made]
    assert sorted(created) == [f"OC-2026-{n:05d}" for n in range(1, len(dues) + 1)]
    assert sorted(n for _, existing in results for n in existing) == sorted(created)
    ledger = open_ledger(ledger_url)
    assert _count(ledger, schema.orders) == len(dues)
    ledger.engine.dispose()


KILLED_CHILD = textwrap.dedent("""
    import sys, time
    from datetime import date
    from pathlib import Path
    import toolkit.ledger.orders as store
    import toolkit.services.orders as generation
    from toolkit.intake.validation import check_file

    real = store.insert_orders

    def slow_insert(*args, **kwargs):
        result = real(*args, **kwargs)
        Path(sys.argv[3]).write_text(f"{len(result)} orders inserted, not committed")
        time.sleep(120)
        return result

    generation.insert_orders = slow_insert
    master = check_file(Path(sys.argv[1])).master
    from toolkit.ledger import open_ledger
    generation.create(master, open_ledger(sys.argv[2]), date(2026, 4, 9), lang="it")
""")


def test_a_process_killed_half_way_leaves_no_partial_order(sample_workbook, sample_master, ledger_url, tmp_path):
    open_ledger(ledger_url).engine.dispose()
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", KILLED_CHILD, str(sample_workbook), ledger_url, str(marker)])
    try:
        deadline = time.time() + 120
        while not marker.exists():
            assert child.poll() is None, "the child ended before it was killed"
            assert time.time() < deadline
            time.sleep(0.1)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    ledger = open_ledger(ledger_url)
    assert _count(ledger, schema.orders) == 0
    assert _count(ledger, schema.order_lines) == 0
    assert _count(ledger, schema.counters) == 0
    result = create(sample_master, ledger, APRIL_9, lang="it")
    assert result.created[0]["number"] == "OC-2026-00001"
    ledger.engine.dispose()


# ------------------------------------------------------------------ prices, table-driven

def _master(edits=()):
    sheets = minimal.sheets()
    for sheet, cell, value in edits:
        minimal.set_cell(sheets, sheet, cell, value)
    result = check(minimal.workbook(sheets))
    assert result.master is not None, [str(p) for p in result.errors]
    return result.master


PRICE_CASES = [
    # (edits, day, line index, expected unit price, expected amount)
    ((), APRIL_9, 0, "18.5", "222.00"),                     # standard price of version 2026A, 12 × 18.5
    ((), date(2026, 7, 2), 0, "19.5", "234.00"),            # July: version 2026B
    ((), APRIL_9, 1, "1.25", "30.00"),                      # the line's own price overrides the list
    ((("Modelli ordine", "N1", "Tipo prezzo"), ("Modelli ordine", "N2", "Prezzo di listino")), APRIL_9, 0, "20", "240.00"),
    ((("Prezzi", "G1", "Sconto %"), ("Prezzi", "G2", 10)), APRIL_9, 0, "16.65", "199.80"),
    ((("Prezzi", "G1", "Sconto %"), ("Prezzi", "G2", 3), ("Prezzi", "E2", 18.33)), APRIL_9, 0, "17.7801", "213.36"),
]


@pytest.mark.parametrize("edits,day,index,unit,amount", PRICE_CASES)
def test_prices(edits, day, index, unit, amount):
    from toolkit.core.drafts import draft_orders

    master = _master(edits)
    dues, _ = due_on(master, day)
    drafts, problems = draft_orders(master, [d for d in dues if d.template == "T001"])
    assert problems == []
    line = drafts[0].lines[index]
    assert (line.unit_price, line.amount) == (Decimal(unit), Decimal(amount))


def test_price_below_limit_on_the_order_date_is_refused():
    from toolkit.core.drafts import draft_orders

    master = _master([("Prezzi", "F6", 1.3)])  # July's limit for A002 rises above the 1.25 override
    dues, _ = due_on(master, date(2026, 7, 2))
    drafts, problems = draft_orders(master, dues)
    assert [(p.sheet, p.cell, p.code) for p in problems] == [("Righe modello", "D3", "price-below-limit-on-date")]
    assert all(d.template != "T001" for d in drafts)


def test_missing_price_on_the_order_date_is_a_problem_never_zero(ledger):
    sheets = minimal.sheets()
    sheets["Prezzi"] = [r for r in sheets["Prezzi"] if not (r[1] == "2026B" and r[2] == "A002")]
    master = check(minimal.workbook(sheets)).master
    result = create(master, ledger, date(2026, 7, 2), lang="it")
    assert [(p.sheet, p.cell, p.code) for p in result.problems] == [("Righe modello", "B3", "no-price-on-date")]
    assert result.created == [] and _count(ledger, schema.orders) == 0
    assert create(master, ledger, date(2026, 7, 2), exclude={"T001"}, lang="it").problems == []


# ------------------------------------------------------------------ document types and statuses

def test_return_orders_have_negative_quantities(ledger):
    master = _master()
    create(master, ledger, date(2026, 3, 31), lang="it")
    with reading(ledger) as conn:
        (order,) = [o for o in load_orders(conn) if o.template == "T002"]
    assert order.document_type.value == "return"
    assert [line.quantity for line in order.lines] == [Decimal(-1)]
    assert order.amount == Decimal("-10.00")


@pytest.mark.parametrize("document_type,status", [
    ("Ordine standard", OrderStatus.IN_PROGRESS), ("Preventivo", OrderStatus.DRAFT),
    ("Previsionale", OrderStatus.DRAFT), ("Reso", OrderStatus.IN_PROGRESS),
])
def test_document_type_sets_the_initial_status(ledger, document_type, status):
    master = _master([("Modelli ordine", "M2", document_type)])
    create(master, ledger, APRIL_9, lang="it")
    with reading(ledger) as conn:
        assert [o.status for o in load_orders(conn)] == [status]


@pytest.mark.parametrize("start,wanted,ok", [
    (OrderStatus.IN_PROGRESS, OrderStatus.CLOSED, True),
    (OrderStatus.IN_PROGRESS, OrderStatus.VOIDED, True),
    (OrderStatus.IN_PROGRESS, OrderStatus.DRAFT, False),
    (OrderStatus.DRAFT, OrderStatus.IN_PROGRESS, True),
    (OrderStatus.CLOSED, OrderStatus.IN_PROGRESS, False),
    (OrderStatus.VOIDED, OrderStatus.IN_PROGRESS, False),
])
def test_status_transitions(ledger, start, wanted, ok):
    from toolkit.services.order_status import change_status

    document_type = "Preventivo" if start is OrderStatus.DRAFT else "Ordine standard"
    master = _master([("Modelli ordine", "M2", document_type)])
    create(master, ledger, APRIL_9, lang="it")
    if start in (OrderStatus.CLOSED, OrderStatus.VOIDED):
        assert change_status(ledger, "OC-2026-00001", start).problems == []
    problems = change_status(ledger, "OC-2026-00001", wanted).problems
    assert (problems == []) is ok
    if not ok:
        assert [p.code for p in problems] == ["bad-status-transition"]
    with reading(ledger) as conn:
        assert load_orders(conn)[0].status is (wanted if ok else start)
        actions = [r.action for r in conn.execute(select(schema.events.c.action))]
    assert actions[0] == "generated"


# ------------------------------------------------------------------ the ledger's schema version

def test_a_version_1_ledger_gets_the_index_month_end_invoicing_needs(tmp_path, minimal_master):
    from older_ledgers import older_ledger
    from sqlalchemy import inspect, text

    url = older_ledger(tmp_path, minimal_master, 1,
                       "CREATE INDEX ix_invoice_lines_order_line_id ON invoice_lines (order_line_id)",
                       indexes=["ix_invoice_lines_order_line_delivery"])
    upgraded = open_ledger(url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
        indexes = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("invoice_lines")}
        plan = " ".join(r[-1] for r in conn.execute(text(
            "EXPLAIN QUERY PLAN SELECT 1 FROM invoice_lines WHERE order_line_id = 1 AND delivery_line_id IS NULL")))
        orders = conn.execute(select(func.count()).select_from(schema.orders)).scalar()
    assert indexes["ix_invoice_lines_order_line_delivery"] == ["order_line_id", "delivery_line_id"]
    assert "ix_invoice_lines_order_line_id" not in indexes
    assert "ix_invoice_lines_order_line_delivery" in plan
    assert orders == 1


def test_an_older_ledger_is_upgraded_without_losing_rows(tmp_path, monkeypatch, minimal_master):
    from sqlalchemy import text

    from toolkit.ledger import db

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    ledger = open_ledger(url)
    create(minimal_master, ledger, APRIL_9, lang="it")
    ledger.engine.dispose()

    def add_column(conn):
        conn.execute(text("ALTER TABLE orders ADD COLUMN later_column VARCHAR(60)"))

    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setitem(db.MIGRATIONS, schema.SCHEMA_VERSION, add_column)
    upgraded = open_ledger(url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
        assert conn.execute(text("SELECT count(later_column), count(*) FROM orders")).one() == (0, 1)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION - 1)
    from toolkit.basics.problems import UnusableInput

    with pytest.raises(UnusableInput) as refused:
        open_ledger(url)
    assert refused.value.problem.code == "ledger-newer-than-toolkit"
    said = refused.value.problem.message("it")
    assert url.split("///")[-1] in said and "Non ho scritto nulla" in said, "which ledger, and that nothing was written"


def test_exposure_after_a_partial_shipment_counts_only_what_is_left(minimal_master, ledger):
    from toolkit.core.shipping import ChosenRow
    from toolkit.ledger.exposure import exposures
    from toolkit.services.shipping import ship

    create(minimal_master, ledger, APRIL_9, lang="it")
    shipped = ship(minimal_master, ledger, APRIL_9, chosen=[ChosenRow("OC-2026-00001", "A001", Decimal(7))], lang="it")
    assert [e for e in shipped.problems if e.is_error] == []
    with reading(ledger) as conn:
        (order,) = load_orders(conn)
        figures = exposures(conn, ["C001"])["C001"]
    assert [line.shipped for line in order.lines] == [Decimal(7), Decimal(0)]
    assert figures.unshipped == Decimal("5") * Decimal("18.5") + Decimal("24") * Decimal("1.25")
    assert figures.outstanding == 0


@pytest.mark.parametrize("document_type,ships", [
    ("Ordine di magazzino", True), ("Punto vendita", True), ("Ordine a credito", True),
    ("Ordine standard", False), ("Pagamento anticipato", False), ("Preventivo", False),
])
def test_orders_that_ship_at_once_leave_with_a_ddt(ledger, document_type, ships):
    from toolkit.ledger.deliveries import load_notes

    master = _master([("Modelli ordine", "M2", document_type)])
    create(master, ledger, APRIL_9, lang="it")
    with reading(ledger) as conn:
        (order,) = load_orders(conn)
        notes = load_notes(conn)
    if ships:
        assert order.status is OrderStatus.COMPLETED and order.to_ship == 0
        assert [(n.number, n.day) for n in notes] == [("DDT-2026-00001", APRIL_9)]
    else:
        assert notes == [] and order.to_ship == order.quantity


@pytest.mark.parametrize("document_type,invoiced", [
    ("Punto vendita", True), ("Ordine a credito", True), ("Pagamento anticipato", True),
    ("Ordine standard", False), ("Ordine di magazzino", False),
])
def test_orders_invoiced_at_once(ledger, document_type, invoiced):
    from toolkit.ledger.invoices import load_invoices

    master = _master([("Modelli ordine", "M2", document_type)])
    create(master, ledger, APRIL_9, lang="it")
    with reading(ledger) as conn:
        (order,) = load_orders(conn)
        invoices = load_invoices(conn)
    if invoiced:
        (invoice,) = invoices
        assert invoice.invoice_date == APRIL_9 and invoice.taxable == order.amount
        assert [line.invoiced for line in order.lines] == [line.quantity for line in order.lines]
    else:
        assert invoices == []
    if document_type == "Pagamento anticipato":
        assert order.to_ship == order.quantity  # ships only once paid


def test_a_delivery_moved_after_its_order_was_made_is_not_ordered_twice(ledger):
    """T001's Monday order is made; then an exception moves that delivery to Tuesday. Tuesday's
    order would hold Monday's goods again while Monday's order still ships them: left out with a
    warning at the exception's *Nuova data*, while the rest of Tuesday (T003) is created, not
    the whole day refused for one template; once the desk voids Monday's order it is created."""
    from toolkit.services.order_status import change_status

    monday, tuesday = date(2026, 4, 13), date(2026, 4, 14)
    sheets = minimal.sheets()
    [made] = create(check(minimal.workbook(sheets)).master, ledger, monday, with_catch_up=False, lang="it").created
    sheets["Eccezioni"] = [["Modello", "Data", "Azione", "Nuova data", "Articolo", "Quantità"],
                           ["T001", monday, "Sposta", tuesday, None, None]]
    sheets["Modelli ordine"] = [*sheets["Modelli ordine"],
                                ["T003", "C001", "D001", "P001", "Settimanale", "mar", None, None, None, None,
                                 "01/04/2026", None, None]]
    sheets["Righe modello"] = [*sheets["Righe modello"], ["T003", "A001", 5, None, None]]
    master = check(minimal.workbook(sheets)).master
    left_out = create(master, ledger, tuesday, with_catch_up=False, lang="it")
    assert [(o["template"], o["date"]) for o in left_out.created] == [("T003", tuesday)]
    assert _count(ledger, schema.orders) == 2 and not [p for p in left_out.problems if p.is_error]
    [problem] = [p for p in left_out.problems if p.code == "moved-delivery-already-ordered"]
    assert (problem.sheet, problem.cell) == ("Eccezioni", "D2")
    assert (f"per il 13/04/2026 c'è già l'ordine {made['number']}, creato prima: l'ordine del 14/04/2026 la "
            "conterrebbe di nuovo e la merce partirebbe due volte, quindi l'ordine del 14/04/2026 di questo modello "
            "non è stato creato (gli altri sì)") in problem.message("it")
    assert "this template's order of 14/04/2026 was not created (the others were)" in problem.message("en")
    assert change_status(ledger, made["number"], OrderStatus.VOIDED).problems == []
    [moved] = create(master, ledger, tuesday, with_catch_up=False, lang="it").created
    assert (moved["date"], moved["template"]) == (tuesday, "T001")
    with reading(ledger) as conn:
        assert [(o.template, o.occurrence, o.status, o.quantity) for o in load_orders(conn)] == [
            ("T001", monday, OrderStatus.VOIDED, Decimal(36)), ("T003", tuesday, OrderStatus.IN_PROGRESS, Decimal(5)),
            ("T001", tuesday, OrderStatus.IN_PROGRESS, Decimal(36))]


def test_an_order_its_template_no_longer_plans_is_named_by_preview_and_create(ledger):
    """Monday's order of T001 is made; then the desk pauses T001 (*Attivo* no), skips that
    Monday on *Eccezioni*, or ends the template the day before (*Valido al*). The order stays
    open and would ship: preview and create said nothing due and nothing existing. Each names it
    at the cell that changed, for the desk to void it."""
    monday = date(2026, 4, 13)
    sheets = minimal.sheets()
    [made] = create(check(minimal.workbook(sheets)).master, ledger, monday, with_catch_up=False, lang="it").created
    skipped = minimal.sheets()
    skipped["Eccezioni"] = [["Modello", "Data", "Azione", "Nuova data", "Articolo", "Quantità"],
                            ["T001", monday, "Salta", None, None, None]]
    paused = minimal.sheets()
    minimal.set_cell(paused, "Modelli ordine", "N1", "Attivo")
    minimal.set_cell(paused, "Modelli ordine", "N2", "no")
    ended = minimal.sheets()
    minimal.set_cell(ended, "Modelli ordine", "L2", date(2026, 4, 12))
    for edited, cell in ((skipped, ("Eccezioni", "C2")), (paused, ("Modelli ordine", "N2")),
                         (ended, ("Modelli ordine", "L2"))):
        master = check(minimal.workbook(edited)).master
        for problems in (preview(master, ledger, monday, with_catch_up=False).problems,
                         create(master, ledger, monday, with_catch_up=False, lang="it").problems):
            [named] = [p for p in problems if p.code == "order-no-longer-planned"]
            assert (named.sheet, named.cell, named.is_error) == (*cell, False)
            assert named.message("it").startswith(f"L'ordine {made['number']} del 13/04/2026 (modello T001) era già "
                                                  "stato creato, ma il modello ora non lo prevede")
    assert not [p for p in preview(check(minimal.workbook(sheets)).master, ledger, monday,
                                   with_catch_up=False).problems if p.code == "order-no-longer-planned"]


def test_an_order_made_before_its_template_moved_to_another_customer_is_named(ledger):
    """Monday's order of T001 is made for C001; then the office moves T001 to C002. The order
    stays C001's and ships to it, and the day, made already, is not made again for C002: preview
    and create said only *già esistente*, the preview's row under C002, so C002 got nothing and
    C001 goods it no longer orders. Both name it at the template's *Cliente*."""
    monday = date(2026, 4, 13)
    [made] = create(check(minimal.workbook()).master, ledger, monday, with_catch_up=False, lang="it").created
    moved = minimal.sheets()
    for cell, value in (("B2", "C002"), ("C2", None), ("D2", None)):
        minimal.set_cell(moved, "Modelli ordine", cell, value)
    master = check(minimal.workbook(moved)).master
    again = create(master, ledger, monday, with_catch_up=False, lang="it")
    assert again.created == [] and [r["number"] for r in again.already_existing] == [made["number"]]
    for problems in (again.problems, preview(master, ledger, monday, with_catch_up=False).problems):
        [named] = [p for p in problems if p.code == "order-template-now-another-customer"]
        assert (named.sheet, named.cell, named.is_error) == ("Modelli ordine", "B2", False)
        assert named.message("it").startswith(f"L'ordine {made['number']} del 13/04/2026 (modello T001) era già "
                                              "stato creato per il cliente C001, ma il modello ora è del cliente C002")
        assert "the order stays C001's and will ship to it" in named.message("en")
    assert not [p for p in create(check(minimal.workbook()).master, ledger, monday, with_catch_up=False, lang="it").problems
                if p.code == "order-template-now-another-customer"]


def test_an_order_made_before_its_template_changed_destination_is_named(ledger):
    """Monday's order of T001 is made for D001; then the shop at D001 closes and T001 names D002.
    The order keeps D001 and its goods leave for the closed shop, with nothing said; both verbs
    now name it at the template's *Destinazione*."""
    monday = date(2026, 4, 13)
    [made] = create(check(minimal.workbook()).master, ledger, monday, with_catch_up=False, lang="it").created
    moved = minimal.sheets()
    moved["Destinazioni"] = [*moved["Destinazioni"], ["D002", "C001", "Via Roma 2", "Torino"]]
    minimal.set_cell(moved, "Modelli ordine", "C2", "D002")
    master = check(minimal.workbook(moved)).master
    for problems in (create(master, ledger, monday, with_catch_up=False, lang="it").problems,
                     preview(master, ledger, monday, with_catch_up=False).problems):
        [named] = [p for p in problems if p.code == "order-template-now-another-destination"]
        assert (named.sheet, named.cell, named.is_error) == ("Modelli ordine", "C2", False)
        assert named.message("it").startswith(f"L'ordine {made['number']} del 13/04/2026 (modello T001) era già "
                                              "stato creato per la destinazione D001, ma il modello ora indica D002: "
                                              "l'ordine non cambia e la merce partirà per D001")
    minimal.set_cell(moved, "Modelli ordine", "C2", None)
    [named] = [p for p in preview(check(minimal.workbook(moved)).master, ledger, monday,
                                  with_catch_up=False).problems if p.code == "order-template-now-another-destination"]
    assert "the template now names the customer's own address" in named.message("en")


def test_an_order_a_closure_skips_is_named_at_the_closure_row(ledger):
    """A closure added on *Chiusure* after Monday's order was made skips that Monday (*Se festivo*
    Salta): the warning pointed at the template's *Pianificazione*, which nobody changed."""
    monday = date(2026, 4, 13)
    [made] = create(check(minimal.workbook()).master, ledger, monday, with_catch_up=False, lang="it").created
    closed = minimal.sheets()
    minimal.set_cell(closed, "Modelli ordine", "N1", "Se festivo")
    minimal.set_cell(closed, "Modelli ordine", "N2", "Salta")
    closed["Chiusure"] = [["Dal", "Al", "Descrizione"], [date(2026, 4, 10), monday, "Inventario"]]
    master = check(minimal.workbook(closed)).master
    [named] = [p for p in create(master, ledger, monday, with_catch_up=False, lang="it").problems
               if p.code == "order-no-longer-planned"]
    assert (named.sheet, named.cell) == ("Chiusure", "A2")
    assert f"L'ordine {made['number']} del 13/04/2026 (modello T001)" in named.message("it")
    assert "in una chiusura" in named.message("it")


def test_a_voided_order_is_not_made_again_and_preview_and_create_say_how_to(ledger):
    """A template's day keeps its one order, voided too: creating that day again made nothing
    and said only *già esistente*, while the manual told the desk to void and recreate."""
    from toolkit.services.order_status import change_status

    monday = date(2026, 4, 13)
    master = check(minimal.workbook()).master
    [made] = create(master, ledger, monday, with_catch_up=False, lang="it").created
    assert change_status(ledger, made["number"], OrderStatus.VOIDED).problems == []
    again = create(master, ledger, monday, with_catch_up=False, lang="it")
    assert again.created == [] and [r["number"] for r in again.already_existing] == [made["number"]]
    for problems in (again.problems, preview(master, ledger, monday, with_catch_up=False).problems):
        [said] = [p for p in problems if p.code == "order-voided-not-made-again"]
        assert said.message("it").startswith(f"L'ordine {made['number']} del 13/04/2026 (modello T001) è annullato: "
                                             "un modello ha un solo ordine per giorno")
        assert "toolkit convert modulo.xlsx --to ordini" in said.message("it")


def test_voided_orders_are_read_through_statements_compiled_once(ledger, sample_master):
    """`voided_numbers` reads as `existing_numbers` does (`driver_rows`, 500 templates a
    statement): SQLAlchemy compiled a date's 8,000 templates at L in one `IN` list for each
    preview and create. It finds the voided orders of the keys asked, and only those: not the
    other orders of the day, not a key of another day or in another case."""
    from sqlalchemy import event

    from toolkit.ledger.orders import voided_numbers
    from toolkit.services.order_status import change_status

    day = date(2026, 4, 9)
    made = {(r["template"], r["date"]): r["number"] for r in create(sample_master, ledger, day, lang="it").created}
    voided = [key for key in sorted(made)[::3] if not change_status(ledger, made[key], OrderStatus.VOIDED).problems]
    assert len(voided) >= 2
    first = voided[0]
    executed: list[str] = []
    event.listen(ledger.engine, "before_cursor_execute", lambda *args: executed.append(args[2]))
    asked = [*made, (first[0].lower(), day), (first[0], date(2026, 4, 10))]
    with reading(ledger) as conn:
        assert voided_numbers(conn, asked) == {key: made[key] for key in voided}
        assert voided_numbers(conn, []) == {}
    assert [sql for sql in executed if "FROM orders" in sql] == []


def test_an_exception_added_after_its_days_order_is_named_not_silently_ignored(ledger):
    """An exception that changes the quantities of a day whose order exists does not change
    the order: preview showed the new quantity beside the old order's number and create said
    *già esistente*. Both name it at the exception's *Quantità*; an exception the order was made
    with says nothing."""
    monday = date(2026, 4, 13)
    sheets = minimal.sheets()
    sheets["Eccezioni"] = [["Modello", "Data", "Azione", "Nuova data", "Articolo", "Quantità"],
                           ["T001", monday, "Quantità", None, "A001", 20]]
    master = check(minimal.workbook(sheets)).master
    [made] = create(master, ledger, monday, with_catch_up=False, lang="it").created
    assert [p for p in create(master, ledger, monday, with_catch_up=False, lang="it").problems
            if p.code == "exception-after-order"] == []
    sheets["Eccezioni"][1][5] = 30
    master = check(minimal.workbook(sheets)).master
    for problems in (create(master, ledger, monday, with_catch_up=False, lang="it").problems,
                     preview(master, ledger, monday, with_catch_up=False).problems):
        [said] = [p for p in problems if p.code == "exception-after-order"]
        assert (said.sheet, said.cell) == ("Eccezioni", "F2")
        assert said.message("it").startswith(f"L'eccezione del 13/04/2026 per il modello T001 chiede 54 in tutto, ma "
                                             f"l'ordine {made['number']} di quel giorno era già stato creato con 44")


def test_a_stock_count_dated_after_today_issues_no_held_ddt_of_the_day(sample_master, ledger, rome_today):
    """Tomorrow's warehouse orders created today hold their DDTs; on the day, a run of only
    the orders that ship nothing at once issued those DDTs from a count typed a day ahead
    (the stock less no DDT of today), as `ship` refuses to. Refused at the cell, nothing stored."""
    from dataclasses import replace

    today, tomorrow = date(2026, 4, 8), APRIL_9
    rome_today(today)
    create(sample_master, ledger, today, lang="it")
    held = [r for r in create(sample_master, ledger, tomorrow, lang="it").created if "documents_on" in r]
    assert held
    rome_today(tomorrow)
    ahead = sample_master.model_copy(update={"settings": replace(sample_master.settings, stock_date=date(2026, 4, 10))})
    due = {d.template for d in due_on(ahead, tomorrow)[0]}
    quiet = {t.code for t in ahead.templates if t.code in due and not EFFECTS[t.document_type].ship_at_once}
    deliveries = _count(ledger, schema.deliveries)
    refused = create(ahead, ledger, tomorrow, only=quiet, lang="it")
    assert [(p.code, p.location) for p in refused.problems if p.is_error] == [
        ("stock-date-in-future", ahead.locate_setting("stock_date"))]
    assert refused.notes == [] and _count(ledger, schema.deliveries) == deliveries


def test_a_stock_count_dated_long_before_names_its_cell_when_orders_shipped_at_once_are_held(
        sample_master, ledger, rome_today):
    """The warehouse orders ship as they are created: with Data giacenze a year off they were
    held at stock 0 with no word of the date, as `ship` now names it."""
    from dataclasses import replace

    rome_today(APRIL_9)
    empty = tuple(replace(level, quantity=Decimal(0)) for level in sample_master.stock or ())
    old = sample_master.model_copy(update={"stock": empty, "settings": replace(sample_master.settings,
                                                                              stock_date=date(2025, 4, 1))})
    done = create(old, ledger, APRIL_9, with_catch_up=False, lang="it")
    assert [p.location for p in done.problems if p.code == "stock-date-long-before-ddt"] == [
        old.locate_setting("stock_date")]


def test_ship_names_a_stock_count_dated_long_before_when_the_ddts_it_issues_first_are_short(
        sample_master, ledger, rome_today):
    """`ship` issues first the DDTs of orders created ahead whose day has come: the warehouse
    order OC-2026-00003 (T008), made on the 8th for the 9th, short of A038 with Data giacenze a
    year off. `ship` named the date only for its own orders' shortages; the 9th's OC-2026-00009,
    in stock, shipped whole, and the held DDT's shortage came with no word of the date."""
    from dataclasses import replace

    from toolkit.services.shipping import ship

    short = tuple(replace(level, quantity=Decimal(0)) if level.item == "A038" else level
                  for level in sample_master.stock or ())
    old = sample_master.model_copy(update={"stock": short, "settings": replace(sample_master.settings,
                                                                              stock_date=date(2025, 4, 1))})
    rome_today(date(2026, 4, 8))
    assert [r["number"] for r in create(old, ledger, APRIL_9, with_catch_up=False, lang="it").created
            if "documents_on" in r and r["template"] == "T008"] == ["OC-2026-00003"]
    rome_today(APRIL_9)
    done = ship(old, ledger, APRIL_9, numbers=["OC-2026-00009"], lang="it")
    assert done.documents_due and "OC-2026-00003" in done.documents_due
    assert [h.order for h in done.held] == [], "the day's own order shipped whole"
    assert "OC-2026-00003" in [dict(p.params).get("number") for p in done.problems if p.code == "ship-partial-stock"]
    assert [p.location for p in done.problems if p.code == "stock-date-long-before-ddt"] == [
        old.locate_setting("stock_date")]


def test_held_ddts_of_a_day_are_not_numbered_after_a_ddt_issued_ahead(sample_master, ledger, rome_today):
    """On the 8th a desk ships one order ahead, dated the 10th (--future). The 9th's warehouse
    orders, created ahead, issued their DDTs on the 9th numbered after it, dated before it: DDT
    numbers follow dates, as `ship` keeps them. Refused naming the template and the DDT, nothing
    stored; those DDTs keep waiting."""
    from toolkit.services.shipping import ship

    rome_today(date(2026, 4, 8))
    create(sample_master, ledger, date(2026, 4, 8), with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        standard = next(o for o in load_orders(conn, statuses=[OrderStatus.IN_PROGRESS])
                        if not EFFECTS[o.document_type].ship_at_once)
    ahead = ship(sample_master, ledger, date(2026, 4, 10), numbers=[standard.number], future=True, lang="it")
    [issued] = ahead.ddts
    held = [r for r in create(sample_master, ledger, APRIL_9, lang="it").created if "documents_on" in r]
    assert held
    rome_today(APRIL_9)
    deliveries = _count(ledger, schema.deliveries)
    refused = create(sample_master, ledger, APRIL_9, lang="it")
    [error] = [p for p in refused.problems if p.is_error]
    assert error.code == "order-ddt-out-of-sequence"
    assert (dict(error.params)["latest_number"], dict(error.params)["day"]) == (issued.number, APRIL_9)
    assert refused.notes == [] and refused.documents_due == [] and _count(ledger, schema.deliveries) == deliveries


def test_ddts_held_into_the_new_year_are_checked_against_one_issued_ahead_in_it(sample_master, ledger, rome_today):
    """At the year's turn a day's DDTs of 31 December and of 1 January ship together, and
    DDT-2027-00001 was issued ahead for the 5th: the check asked only of the first day (the
    31st, in 2026, where nothing is later) let 1 January's DDT take number 2 dated before it.
    Numbers restart each year, so each year's first day is asked."""
    from toolkit.services.shipping import ship
    from toolkit.services.shipping_days import ship_at_once

    rome_today(date(2026, 12, 30))
    create(sample_master, ledger, date(2026, 12, 30), with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        standard = next(o for o in load_orders(conn, statuses=[OrderStatus.IN_PROGRESS])
                        if not EFFECTS[o.document_type].ship_at_once)
    [issued] = ship(sample_master, ledger, date(2027, 1, 5), numbers=[standard.number], future=True, lang="it").ddts
    create(sample_master, ledger, date(2027, 1, 4), lang="it")
    with reading(ledger) as conn:
        [goods] = [o for o in load_orders(conn, occurrence_from=date(2027, 1, 1), occurrence_to=date(2027, 1, 1))
                   if o.template == "T004"]
        with pytest.raises(ProblemsFound) as refused:
            ship_at_once(conn, sample_master, {date(2026, 12, 31): [goods], date(2027, 1, 1): [goods]}, lang="it")
    [error] = refused.value.problems
    assert error.code == "order-ddt-out-of-sequence"
    assert (dict(error.params)["day"], dict(error.params)["latest_number"]) == (date(2027, 1, 1), issued.number)


def test_held_ddts_stopped_by_a_ddt_issued_ahead_have_a_way_out(sample_master, ledger, rome_today):
    """The refusal told the desk to leave the template out with --exclude, which does not leave
    out an order created ahead in an earlier run: every run of the day was refused until the
    DDT issued ahead came due. It names voiding that DDT too, and that way out works."""
    from toolkit.services.ddt_void import void_ddt
    from toolkit.services.shipping import ship

    rome_today(date(2026, 4, 8))
    create(sample_master, ledger, date(2026, 4, 8), with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        standard = next(o for o in load_orders(conn, statuses=[OrderStatus.IN_PROGRESS])
                        if not EFFECTS[o.document_type].ship_at_once)
    [issued] = ship(sample_master, ledger, date(2026, 4, 10), numbers=[standard.number], future=True, lang="it").ddts
    held = {r["template"] for r in create(sample_master, ledger, APRIL_9, lang="it").created if "documents_on" in r}
    rome_today(APRIL_9)
    [error] = [p for p in create(sample_master, ledger, APRIL_9, exclude=held, lang="it").problems if p.is_error]
    assert error.code == "order-ddt-out-of-sequence"
    assert f"void each of the DDTs dated after 09/04/2026, {issued.number} (toolkit ddt void …" in error.message("en")
    assert f"annulla ognuno dei DDT datati dopo il 09/04/2026, {issued.number} (toolkit ddt void …" in error.message("it")
    void_ddt(sample_master, ledger, issued.number, "goods leave today")
    done = create(sample_master, ledger, APRIL_9, lang="it")
    assert [p for p in done.problems if p.is_error] == []
    assert {n.day for n in done.notes if n.is_ddt} == {APRIL_9}


def test_ddts_issued_at_creation_on_a_closure_kept_by_mantieni_are_warned(sample_master, ledger, rome_today):
    """A template set to *Mantieni* keeps its delivery on a closure, and a warehouse order ships
    as it is created: `ship` named a DDT dated on a holiday (`ddt-date-holiday`), `orders create`
    issued the same DDT without a word, for a DDT created ahead and issued on its day by the next
    run (the 9th) and for one shipped as its order is created (the 10th); and the *Crea ordini*
    box, which names the documents' warnings (`of_documents`), left it out."""
    from dataclasses import replace

    from toolkit.basics.vocab import HolidayPolicy
    from toolkit.model.records import Closure, Source

    closed = sample_master.model_copy(update={
        "closures": (Closure(date_from=APRIL_9, date_to=date(2026, 4, 10), description="Inventario",
                             source=Source(sheet="Chiusure", row=2)),),
        "templates": tuple(replace(t, holiday_policy=HolidayPolicy.KEEP) for t in sample_master.templates)})
    rome_today(date(2026, 4, 8))
    created = create(closed, ledger, APRIL_9, with_catch_up=False, lang="it")
    assert [r for r in created.created if "documents_on" in r], "a warehouse order waits for its day"
    assert created.notes == [] and "ddt-date-holiday" not in [p.code for p in created.problems]

    for day in (APRIL_9, date(2026, 4, 10)):
        rome_today(day)
        issued = create(closed, ledger, day, with_catch_up=False, lang="it")
        ddts = [n for n in issued.notes if n.is_ddt]
        assert ddts and {n.day for n in ddts} == {day}
        [told] = [p for p in issued.problems if p.code == "ddt-date-holiday"]
        assert (dict(told.params)["day"], told.severity) == (day, "warning")
        assert f"({len(ddts)} DDT" in told.message("en") and f"is {day:%d/%m/%Y}, Inventario" in told.message("en")
        assert told in issued.of_documents, "the Crea ordini box names it, as the preview does"


def test_orders_created_before_a_returns_ddt_are_refused_naming_it_never_asking_to_void_it(
        sample_master, ledger, rome_today):
    """A return's DDT of the 22nd: the orders of the 21st that ship at once were refused asking
    to void every DDT dated after the 21st, the return's among them, which `ddt void` refuses
    (`ddt-void-return`). The refusal names the return and its day, as `ship`'s does."""
    from toolkit.services.shipping import ship
    from toolkit.services.shipping_days import ship_at_once

    rome_today(date(2026, 5, 4))
    create(sample_master, ledger, date(2026, 4, 21), with_catch_up=False, lang="it")
    create(sample_master, ledger, date(2026, 4, 22), only=["T029"], with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        [returned] = [o.number for o in load_orders(conn) if o.template == "T029"]
    [back] = ship(sample_master, ledger, date(2026, 4, 22), numbers=[returned], lang="it").ddts
    with reading(ledger) as conn:
        goods = next(o for o in load_orders(conn, statuses=[OrderStatus.IN_PROGRESS])
                     if o.occurrence == date(2026, 4, 21))
        with pytest.raises(ProblemsFound) as refused:
            ship_at_once(conn, sample_master, {date(2026, 4, 21): [goods]}, lang="it")
    [error] = refused.value.problems
    assert error.code == "order-ddt-before-return"
    assert (f"prima del {back.number} del 22/04/2026, il DDT di un reso" in error.message("it")
            and "crea prima il solo 21/04/2026 senza i modelli che vi si spediscono alla creazione" in error.message("it"))
    assert "annulla" not in error.message("it").replace("non si annulla", "")


def test_a_missed_day_caught_up_after_a_returns_ddt_is_refused_naming_how_to_leave_its_orders_out(
        sample_master, ledger, rome_today):
    """The 22nd missed, a return's DDT of the 23rd, then the 24th's run, which catches the 22nd
    up: refused, it said to create with a date from the 23rd on, as the desk had, or to leave
    T008 out with --exclude, which would leave its orders of the 23rd and 24th out for good, and
    T011 refused next. It names the 22nd alone without every template shipping on it at once;
    done so, the 24th's run makes the rest."""
    from toolkit.services.shipping import ship

    rome_today(date(2026, 4, 24))
    create(sample_master, ledger, date(2026, 4, 20), with_catch_up=False, lang="it")
    create(sample_master, ledger, date(2026, 4, 22), only=["T029"], with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        [returned] = [o.number for o in load_orders(conn) if o.template == "T029"]
    ship(sample_master, ledger, date(2026, 4, 23), numbers=[returned], lang="it")
    refused = create(sample_master, ledger, date(2026, 4, 24), lang="it")
    [error] = [p for p in refused.problems if p.is_error]
    assert (error.code, refused.created) == ("order-ddt-before-return", [])
    assert ("toolkit orders create … --date 22/04/2026 --exclude T008,T011: i loro ordini del 22/04/2026 restano "
            "fuori per sempre), poi i giorni seguenti come sempre") in error.message("it")
    assert not errors(create(sample_master, ledger, date(2026, 4, 22), exclude=["T008", "T011"], lang="it").problems)
    done = create(sample_master, ledger, date(2026, 4, 24), lang="it")
    assert not errors(done.problems)
    assert {(r["date"], r["template"]) for r in done.created if r["template"] in ("T008", "T011")} == {
        (date(2026, 4, day), template) for day in (23, 24) for template in ("T008", "T011")}
