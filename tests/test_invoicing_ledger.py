"""Invoicing runs in the ledger: one transaction, gap-free numbers, nothing invoiced twice,
preview, undo and finalize, invoicing at the order. On SQLite, and on PostgreSQL when
TOOLKIT_TEST_PG_URL is set (the `ledger` fixture)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import IntegrityError
from test_invoicing import AFTER_APRIL, APRIL, make_order, master_with, ship, ship_open_orders

from toolkit.basics.vocab import DeferredInvoiceDate, InvoiceGrouping, InvoiceTerms
from toolkit.core.invoicing import InvoiceKind, InvoiceStatus, Period, Request
from toolkit.ledger import schema
from toolkit.ledger.db import reading, writing
from toolkit.ledger.invoices import consistent, load_invoices, shipments_not_invoiced
from toolkit.ledger.invoices_bulk import load_invoices_in_bulk
from toolkit.ledger.orders import load_orders
from toolkit.services.invoicing import export, finalize, invoice_orders_in, run, undo
from toolkit.services.orders import create

T = InvoiceTerms
MAY = Period(date(2026, 5, 1), date(2026, 5, 31))


def april(**fields) -> Request:
    return Request(APRIL, AFTER_APRIL, **fields)


def counters(ledger) -> dict[str, int]:
    with reading(ledger) as conn:
        return {r.series: r.last for r in conn.execute(select(schema.counters)) if r.series in ("FT", "NC")}


def count(ledger, table) -> int:
    with reading(ledger) as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


@pytest.fixture
def shipped_april(ledger, minimal_master):
    """The brief's flow: real orders for April from the minimal master, shipped on their dates
    by the real shipping service."""
    create(minimal_master, ledger, date(2026, 4, 9), lang="it")
    create(minimal_master, ledger, date(2026, 4, 30), lang="it")
    with reading(ledger) as conn:
        orders = load_orders(conn)
    assert ship_open_orders(minimal_master, ledger, [o.order_date for o in orders]) == len(orders)
    return orders


def test_month_run_issues_deferred_invoice_and_credit_note(ledger, minimal_master, shipped_april):
    result = run(ledger, minimal_master, april(), lang="it")
    assert not result.problems
    invoice, note = result.invoices
    assert (invoice.number, invoice.kind, invoice.customer) == ("FT-2026-00001", InvoiceKind.INVOICE, "C001")
    assert (invoice.taxable, invoice.vat, invoice.total) == (D("1764.00"), D("350.28"), D("2114.28"))
    assert len(invoice.deliveries) == 7 and invoice.invoice_date == date(2026, 4, 30)
    assert (note.number, note.kind, note.total) == ("NC-2026-00001", InvoiceKind.CREDIT_NOTE, D("-10.00"))
    with reading(ledger) as conn:
        stored = load_invoices(conn, run_id=result.run_id)
        bulk = load_invoices_in_bulk(conn, [x.id for x in stored if x.id is not None])
        events = conn.execute(select(schema.events.c.number).where(schema.events.c.action == "invoiced")).scalars().all()
    assert [x.number for x in stored] == ["FT-2026-00001", "NC-2026-00001"]
    assert [repr(x) for x in bulk] == [repr(x) for x in stored], "the e-invoices' bulk reader, on either database"
    assert all(consistent(x) and x.status is InvoiceStatus.DRAFT for x in stored)
    assert stored[0].dues == invoice.dues and stored[0].deliveries == invoice.deliveries
    assert sorted(events) == ["FT-2026-00001", "NC-2026-00001"]
    assert count(ledger, schema.invoice_lines) == count(ledger, schema.delivery_lines)


def test_second_run_for_the_same_month_invoices_nothing(ledger, minimal_master, shipped_april):
    first = run(ledger, minimal_master, april(), lang="it")
    before = counters(ledger)
    second = run(ledger, minimal_master, april(), lang="it")
    assert first.invoices and second.invoices == [] and second.run_id is None
    assert counters(ledger) == before


def test_preview_computes_and_writes_nothing(ledger, minimal_master, shipped_april):
    preview = run(ledger, minimal_master, april(), preview=True, lang="it")
    assert [x.total for x in preview.invoices] == [D("2114.28"), D("-10.00")]
    assert all(x.number is None for x in preview.invoices)
    assert count(ledger, schema.invoices) == 0 and counters(ledger) == {}


def test_undo_of_a_draft_restores_the_counter(ledger, minimal_master, shipped_april):
    first = run(ledger, minimal_master, april(), lang="it")
    assert counters(ledger) == {"FT": 1, "NC": 1}
    assert undo(ledger, first.run_id) == (2, [])
    assert counters(ledger) == {"FT": 0, "NC": 0}
    assert count(ledger, schema.invoices) == count(ledger, schema.invoice_lines) == count(ledger, schema.invoice_dues) == 0
    again = run(ledger, minimal_master, april(), lang="it")
    assert [x.number for x in again.invoices] == ["FT-2026-00001", "NC-2026-00001"]


def test_a_run_undone_twice_says_so_and_a_verb_asking_for_it_names_the_undo(ledger, minimal_master, shipped_april):
    """An undo run twice, a colleague's and one's own, is a verb run twice: the second changes
    nothing and says so, a warning; it was told the ledger has no such run, to check an id
    that was right. Finalizing or exporting the undone run names the undo too."""
    first = run(ledger, minimal_master, april(), lang="it")
    assert undo(ledger, first.run_id)[0] == 2
    count_, [problem] = undo(ledger, first.run_id)
    assert (count_, problem.code, problem.severity) == (0, "invoice-run-already-undone", "warning")
    assert problem.message("it").startswith(f"L'emissione {first.run_id} è già stata annullata (")
    assert "2 documenti cancellati): nulla è cambiato." in problem.message("it")
    assert "2 documents deleted): nothing changed." in problem.message("en")
    assert [p.code for p in finalize(ledger, first.run_id)[1]] == ["invoice-run-undone"]
    assert [p.code for p in export(minimal_master, ledger, first.run_id, Path("unused"), "it").problems] == [
        "invoice-run-undone"]
    assert [p.code for p in undo(ledger, "20260430-00000000")[1]] == ["unknown-invoice-run"]


def test_printing_an_undone_run_names_the_undo_and_a_run_never_stored_the_slip(ledger, minimal_master, shipped_april,
                                                                             tmp_path):
    """`toolkit print invoices --run` of a run undone said «Nessun documento da stampare con questa
    scelta», exit 0, as of a run id mistyped: the desk pressing print after a colleague's undo
    learnt nothing of it. It names the undo, as finalize and export do, and an id the ledger
    never had is the slip `invoice export` calls it; nothing is written."""
    from toolkit.services.printing import Selection, print_documents

    first = run(ledger, minimal_master, april(), lang="it")
    undo(ledger, first.run_id)
    out = tmp_path / "copie.xlsx"
    for run_id, code in ((first.run_id, "invoice-run-undone"), ("20260430-00000000", "unknown-invoice-run")):
        printed = print_documents(minimal_master, ledger, "invoices", Selection(run=run_id), out, "it")
        assert [(p.code, p.is_error) for p in printed.problems] == [(code, True)]
        assert printed.written is None and not out.exists()


def test_undo_only_the_latest_draft_and_finalize(ledger, minimal_master, shipped_april):
    first = run(ledger, minimal_master, april(customer="C001"), lang="it")
    order_id, [line_id] = make_order(ledger, "C002", date(2026, 4, 20), [("A001", "2", "18.5", "22", None)])
    ship(ledger, "C002", date(2026, 4, 21), [(line_id, "2")])
    second = run(ledger, minimal_master, april(customer="C002"), lang="it")
    assert [x.number for x in second.invoices] == ["FT-2026-00002", "NC-2026-00001"]
    count_, problems = undo(ledger, first.run_id)
    assert count_ == 0 and [p.code for p in problems] == ["invoice-run-not-latest"]
    assert undo(ledger, "nope")[1][0].code == "unknown-invoice-run"
    assert finalize(ledger, second.run_id) == (2, [])
    assert [p.code for p in finalize(ledger, second.run_id)[1]] == ["invoice-run-already-final"]
    assert [p.code for p in undo(ledger, second.run_id)[1]] == ["invoice-run-final"]
    assert counters(ledger) == {"FT": 2, "NC": 1}
    with reading(ledger) as conn:
        assert {x.status for x in load_invoices(conn, run_id=second.run_id)} == {InvoiceStatus.FINAL}


def test_credit_notes_take_the_invoice_series_when_the_settings_say_so(ledger, minimal_master, shipped_april):
    master = minimal_master.model_copy(update={
        "settings": replace(minimal_master.settings, credit_note_series="FT")})
    result = run(ledger, master, april(), lang="it")
    assert [(x.number, x.kind) for x in result.invoices] == [("FT-2026-00001", InvoiceKind.INVOICE),
                                                             ("FT-2026-00002", InvoiceKind.CREDIT_NOTE)]


def test_after_delivery_invoices_what_was_delivered_and_the_rest_later(ledger):
    master = master_with(invoice_terms=T.AFTER_DELIVERY)
    _, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "10", "18.5", "22", None)])
    ship(ledger, "C001", date(2026, 4, 10), [(line_id, "7")])
    first = run(ledger, master, april(invoice_date=date(2026, 4, 15)), lang="it")
    ship(ledger, "C001", date(2026, 4, 20), [(line_id, "3")])
    second = run(ledger, master, april(), lang="it")
    assert [[x.quantity for x in inv.lines] for inv in first.invoices + second.invoices] == [[D(7)], [D(3)]]
    assert first.invoices[0].period == Period(date(2026, 4, 1), date(2026, 4, 15))


def test_after_order_delivered_waits_for_the_whole_order(ledger):
    master = master_with(invoice_terms=T.AFTER_ORDER_DELIVERED)
    _, (a, b) = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "10", "18.5", "22", None),
                                                               ("A002", "5", "1.2", "4", None)])
    ship(ledger, "C001", date(2026, 4, 10), [(a, "10")])
    waiting = run(ledger, master, april(), lang="it")
    assert waiting.invoices == [] and [(p.reason, p.lines) for p in waiting.pending] == [("order-not-delivered", 1)]
    ship(ledger, "C001", date(2026, 4, 22), [(b, "5")])
    [invoice] = run(ledger, master, april(), lang="it").invoices
    assert len(invoice.lines) == 2 and len(invoice.deliveries) == 2


def test_immediate_customer_is_invoiced_at_the_order_and_never_again_on_delivery(ledger):
    master = master_with(invoice_terms=T.IMMEDIATE)
    assert create(master, ledger, date(2026, 4, 9), with_catch_up=False, lang="it").created
    with reading(ledger) as conn:
        [invoice] = load_invoices(conn)
        [order] = load_orders(conn)
    assert invoice.deliveries == () and not invoice.deferred and invoice.invoice_date == date(2026, 4, 9)
    assert (invoice.number, invoice.status, invoice.lines[0].order_number) == (
        "FT-2026-00001", InvoiceStatus.FINAL, order.number)
    assert invoice.lines[0].delivery_line_id is None
    assert run(ledger, master, april(), lang="it").invoices == []
    ship(ledger, "C001", date(2026, 5, 4), [(x.id, x.quantity) for x in order.lines])
    assert run(ledger, master, Request(MAY, date(2026, 6, 2)), lang="it").invoices == []


def test_an_order_invoiced_at_once_is_refused_when_its_invoice_would_break_the_date_order(ledger):
    master = master_with(invoice_terms=T.IMMEDIATE)
    assert create(master, ledger, date(2026, 4, 13), with_catch_up=False, lang="it").created
    before = counters(ledger), count(ledger, schema.orders), count(ledger, schema.events)
    refused = create(master, ledger, date(2026, 4, 9), with_catch_up=False, lang="it")
    assert refused.created == [] and refused.already_existing == []
    [problem] = refused.problems
    assert (problem.code, problem.is_error) == ("order-invoice-out-of-sequence", True)
    from toolkit.basics.wording import Codes
    from toolkit.services.invoicing import DraftToUndo, excluded

    params = dict(problem.params)
    assert params == {"template": "T001", **excluded(Codes(("T001",))), "customer": "C001", "number": "FT-2026-00002",
                      "day": date(2026, 4, 9), "latest_number": "FT-2026-00001", "latest_day": date(2026, 4, 13),
                      "series": "FT", "year": 2026, "draft": DraftToUndo(None)}
    assert "--exclude T001 the template invoiced" in problem.message("en") and "09/04/2026" in problem.message("it")
    assert (counters(ledger), count(ledger, schema.orders), count(ledger, schema.events)) == before


def test_an_immediate_order_left_uninvoiced_is_dated_with_the_run_not_back_at_the_order(ledger):
    """An order the ledger holds without its invoice (written before customers invoiced
    immediately were invoiced at creation, or before the customer's terms changed)."""
    master = master_with(invoice_terms=T.IMMEDIATE)
    make_order(ledger, "C001", date(2026, 4, 9), [("A001", "10", "18.5", "22", None)])
    [invoice] = run(ledger, master, april(), lang="it").invoices
    assert invoice.deliveries == () and not invoice.deferred and invoice.invoice_date == AFTER_APRIL
    assert invoice.period == Period(date(2026, 4, 9), date(2026, 4, 9))


def test_grouping_by_project_in_the_ledger(ledger):
    master = master_with(invoice_terms=T.AFTER_DELIVERY, invoice_grouping=InvoiceGrouping.PROJECT)
    for project in ("PRJ-A", "PRJ-B", "PRJ-A"):
        _, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "1", "10", "22", None)], project=project)
        ship(ledger, "C001", date(2026, 4, 9), [(line_id, "1")])
    result = run(ledger, master, april(), lang="it")
    assert sorted((x.group_key, len(x.lines)) for x in result.invoices) == [("project:PRJ-A", 2), ("project:PRJ-B", 1)]


def test_invoice_orders_in_works_inside_the_callers_transaction(ledger, minimal_master):
    order_id, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "2", "18.5", "22", None)])
    with pytest.raises(RuntimeError), writing(ledger) as conn:
        invoice_orders_in(conn, minimal_master, [order_id], date(2026, 4, 9), lang="it")
        raise RuntimeError("order creation failed later")
    assert count(ledger, schema.invoices) == 0 and counters(ledger) == {}
    with writing(ledger) as conn:
        [invoice], [], [] = invoice_orders_in(conn, minimal_master, [order_id], date(2026, 4, 9), lang="it")
        assert invoice_orders_in(conn, minimal_master, [order_id], date(2026, 4, 9), lang="it") == ([], [], [])
    assert (invoice.number, invoice.status, invoice.total) == ("FT-2026-00001", InvoiceStatus.FINAL, D("45.14"))
    ship(ledger, "C001", date(2026, 4, 9), [(line_id, "2")])
    assert run(ledger, minimal_master, april(), lang="it").invoices == []


def test_a_failure_while_writing_files_rolls_the_run_back(ledger, minimal_master, shipped_april):
    def broken(invoices, run_id):
        raise OSError("disk full")

    with pytest.raises(OSError):
        run(ledger, minimal_master, april(), then=broken, lang="it")
    assert count(ledger, schema.invoices) == 0 and counters(ledger) == {}


def test_a_line_refused_in_a_later_stretch_of_the_insert_stores_nothing_of_the_run(ledger, minimal_master,
                                                                                  shipped_april, monkeypatch):
    """The invoice lines go in a stretch at a time (`BLOCKS_PER_CALL` blocks, or one COPY fed as
    they are made): the database refusing a line after earlier stretches went in rolls the whole
    run back, its invoices, lines, numbers and events, and the month's lines are still to invoice."""
    from toolkit.ledger import db, invoices

    monkeypatch.setattr(db, "SQLITE_PARAMETERS", 2 * len(schema.invoice_lines.c) - 2)
    monkeypatch.setattr(db, "BLOCKS_PER_CALL", 1)
    lines = count(ledger, schema.delivery_lines)
    assert lines > 4
    made = [0]
    parting = invoices.parts

    def parts():
        part = parting()

        def refused_late(line):
            made[0] += 1
            return None if made[0] == lines - 1 else part(line)
        return refused_late

    monkeypatch.setattr(invoices, "parts", parts)
    stretches: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith(("INSERT INTO invoice_lines", 'INSERT INTO "invoice_lines"')):
            stretches.append(statement)

    event.listen(ledger.engine, "before_cursor_execute", seen)
    with pytest.raises(IntegrityError):
        run(ledger, minimal_master, april(), lang="it")
    event.remove(ledger.engine, "before_cursor_execute", seen)
    assert made[0] >= lines - 1
    assert len(stretches) > 2 or ledger.engine.dialect.name == "postgresql", "stored in stretches before the refusal"
    assert (count(ledger, schema.invoices), count(ledger, schema.invoice_lines), counters(ledger)) == (0, 0, {})
    with reading(ledger) as conn:
        assert not conn.execute(select(schema.events).where(schema.events.c.action == "invoiced")).first()
    monkeypatch.setattr(invoices, "parts", parting)
    again = run(ledger, minimal_master, april(), lang="it")
    assert [x.number for x in again.invoices] == ["FT-2026-00001", "NC-2026-00001"]
    assert count(ledger, schema.invoice_lines) == lines


def test_the_run_stores_and_writes_its_workbook_without_the_shipments_it_planned(ledger, minimal_master,
                                                                                shipped_april, monkeypatch):
    """Every DDT line still to invoice is read as shipments (at L 185 MiB of them), planned, and
    let go: the invoices are stored and the accountants' workbook written without them, where
    they were held to the end of the run, under its peak memory."""
    import gc

    from toolkit.core.invoicing import Shipment
    from toolkit.services import invoicing

    held: dict[str, int] = {}

    def shipments_held(when: str) -> None:
        held[when] = sum(isinstance(o, Shipment) for o in gc.get_objects())

    storing = invoicing.store

    def store(*args, **kwargs):
        shipments_held("store")
        return storing(*args, **kwargs)

    monkeypatch.setattr(invoicing, "store", store)
    planning = invoicing.returns_left_out

    def returns_left_out(*args, **kwargs):
        shipments_held("plan")
        return planning(*args, **kwargs)

    monkeypatch.setattr(invoicing, "returns_left_out", returns_left_out)
    result = run(ledger, minimal_master, april(), then=lambda invoices, run_id: shipments_held("then"), lang="it")
    assert result.invoices and result.run_id
    assert held["plan"] > 0 and held["store"] == held["then"] == 0


def test_the_lines_still_to_invoice_share_one_string_per_text(ledger, minimal_master, shipped_april):
    """The driver makes a new string of every row's item, description and unit: a month end's
    400,000 lines at L, and the invoice lines after them, held 60 MiB of the same few thousand
    texts to the end of the run. Each distinct text is one string."""
    with reading(ledger) as conn:
        shipped = shipments_not_invoiced(conn, april().cutoff)
    texts = [line[k] for s in shipped for line in s.lines for k in (0, 1, 2)]
    assert len(texts) > len(set(texts))
    assert len({id(x) for x in texts}) == len(set(texts))


def test_the_database_refuses_a_shipped_line_invoiced_twice(ledger, minimal_master, shipped_april):
    run(ledger, minimal_master, april(), lang="it")
    with reading(ledger) as conn:
        taken = conn.execute(select(schema.invoice_lines).limit(1)).one()
    row = {k: v for k, v in taken._mapping.items() if k != "id"}
    with pytest.raises(IntegrityError), writing(ledger) as conn:
        conn.execute(insert(schema.invoice_lines).values(**{**row, "line_no": 99}))


def test_errors_write_nothing(ledger, minimal_master, shipped_april):
    result = run(ledger, minimal_master, april(invoice_date=date(2026, 3, 1)), lang="it")
    assert [p.code for p in result.problems] == ["invoice-date-before-month"]
    assert count(ledger, schema.invoices) == 0


def test_a_run_that_would_date_an_invoice_before_the_latest_of_its_series_is_refused(ledger):
    master = master_with(invoice_terms=T.AFTER_DELIVERY)
    for day in (date(2026, 4, 20), date(2026, 4, 3)):
        _, [line_id] = make_order(ledger, "C001", day, [("A001", "1", "10", "22", None)])
        ship(ledger, "C001", day, [(line_id, "1")])
        if day.day == 20:
            assert not run(ledger, master, april(invoice_date=date(2026, 4, 25)), status=InvoiceStatus.FINAL, lang="it").problems
    before = counters(ledger), count(ledger, schema.invoices), count(ledger, schema.events)
    for preview in (True, False):
        late = run(ledger, master, april(invoice_date=date(2026, 4, 10)), preview=preview, lang="it")
        [problem] = late.problems
        assert (problem.code, problem.is_error, late.run_id) == ("invoice-date-out-of-sequence", True, None)
        assert dict(problem.params) == {"number": "FT-2026-00002", "day": date(2026, 4, 10),
                                        "latest_number": "FT-2026-00001", "latest_day": date(2026, 4, 25),
                                        "series": "FT", "year": 2026}
        assert "FT-2026-00002" in problem.message("it") and "25/04/2026" in problem.message("en")
    assert (counters(ledger), count(ledger, schema.invoices), count(ledger, schema.events)) == before
    assert "Nessun documento emesso" in late.summary("it")
    issued = run(ledger, master, april(invoice_date=date(2026, 4, 25)), status=InvoiceStatus.FINAL, lang="it")
    [invoice] = issued.invoices
    assert (invoice.number, invoice.invoice_date) == ("FT-2026-00002", date(2026, 4, 25))
    assert issued.summary("it") == f"Emesso 1 documento (definitivo), emissione {issued.run_id}."
    assert replace(issued, invoices=[invoice] * 2).summary("it").startswith("Emessi 2 documenti (definitivi)")


def test_month_end_dating_of_an_earlier_month_is_refused_after_later_invoices(ledger):
    """March's deliveries of a held customer, released after April was invoiced: by month end
    they would be dated 31/03, before April's invoice; dated at issue they follow it."""
    master = master_with(invoice_terms=T.DO_NOT_INVOICE)
    _, [held] = make_order(ledger, "C001", date(2026, 3, 20), [("A001", "1", "10", "22", None)])
    ship(ledger, "C001", date(2026, 3, 20), [(held, "1")])
    _, [other] = make_order(ledger, "C002", date(2026, 4, 9), [("A001", "2", "10", "22", None)])
    ship(ledger, "C002", date(2026, 4, 9), [(other, "2")])
    [april_invoice] = run(ledger, master, april(customer="C002"), lang="it").invoices
    assert (april_invoice.number, april_invoice.invoice_date) == ("FT-2026-00001", date(2026, 4, 30))
    march = Request(Period(date(2026, 3, 1), date(2026, 3, 31)), AFTER_APRIL, released=frozenset({"C001"}))
    refused = run(ledger, master, march, lang="it")
    assert [(p.code, p.is_error) for p in refused.problems] == [("late-deferred-invoice", False),
                                                                 ("invoice-date-out-of-sequence", True)]
    assert {k: v for k, v in refused.problems[1].params if k in ("number", "day", "latest_number")} == {
        "number": "FT-2026-00002", "day": date(2026, 3, 31), "latest_number": "FT-2026-00001"}
    assert counters(ledger) == {"FT": 1} and refused.invoices == []
    [issued] = run(ledger, master, replace(march, deferred_date=DeferredInvoiceDate.ISSUE), lang="it").invoices
    assert (issued.number, issued.invoice_date, issued.customer) == ("FT-2026-00002", AFTER_APRIL, "C001")
