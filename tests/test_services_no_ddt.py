"""Services (*Servizio* = sì) travel on no DDT: a DDT documents goods in transport.

Shipping records them as services rendered (SERVIZI-…) on the day it would have shipped them,
the DDT series keeps its numbers for goods, and the month-end invoice bills them deferred
(TD24), citing their order (DatiOrdineAcquisto) and no DDT.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import minimal
import openpyxl
import pytest
from fatturapa_reading import read, schema_errors
from test_shipping import line, order, shipping_sheets

from toolkit.basics.vocab import DeliveryTerms
from toolkit.core.invoicing import InvoiceStatus, Period, Request
from toolkit.core.reservations import NONE
from toolkit.core.shipping import OpenLine, takes_nothing
from toolkit.intake.validation import check
from toolkit.ledger.db import reading
from toolkit.ledger.deliveries import load_notes
from toolkit.services import einvoice, invoicing
from toolkit.services.orders import create
from toolkit.services.shipping import ship
from toolkit.writers.accountants import ddts_text, line_source

THURSDAY, MONDAY = date(2026, 4, 9), date(2026, 4, 13)
APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))


def service_sheets(**options):
    """The shipping workbook with A002 a service: C001's order is mixed (A001 goods, A002),
    C002's (a private customer) is A002 only. Customers have a postcode, as FatturaPA wants."""
    sheets = shipping_sheets(**options)
    for row, service in zip(sheets["Articoli"], ("Servizio", "no", "sì", "no")):
        row.append(service)
    for row, postcode in zip(sheets["Clienti"], ("CAP", "20121", "00184")):
        row.append(postcode)
    return sheets


def service_master():
    return check(minimal.workbook(service_sheets())).master


def test_a_services_only_order_issues_no_ddt_and_a_mixed_one_ships_only_its_goods(tmp_path, ledger):
    master = service_master()
    create(master, ledger, THURSDAY, with_catch_up=False, lang="it")
    shipped = ship(master, ledger, THURSDAY, all_open=True, out=tmp_path / "ddt.xlsx", lang="it")
    assert [(n.number, n.customer, [ln.item for ln in n.lines]) for n in shipped.ddts] == [
        ("DDT-2026-00001", "C001", ["A001"])]
    assert [(n.number, n.customer, n.carrier, [ln.item for ln in n.lines]) for n in shipped.rendered] == [
        ("SERVIZI-2026-00001", "C001", None, ["A002"]), ("SERVIZI-2026-00002", "C002", None, ["A002"])]
    assert shipped.summary("it").startswith("DDT emessi: 1, ordini trattenuti: 0. Servizi resi registrati senza DDT")
    assert openpyxl.load_workbook(shipped.written).sheetnames == ["DDT-2026-00001"]
    assert shipped.completed == ("OC-2026-00001", "OC-2026-00002")

    create(master, ledger, MONDAY, with_catch_up=False, lang="it")
    ship(master, ledger, MONDAY, all_open=True, lang="it")
    with reading(ledger) as conn:
        numbers = [n.number for n in load_notes(conn)]
    assert sorted(n for n in numbers if n.startswith("DDT")) == ["DDT-2026-00001", "DDT-2026-00002"]


@pytest.mark.parametrize("terms", ["Ordine completo", "Riga completa", "Disponibilità"])
def test_a_service_is_never_short_of_stock_so_it_holds_neither_its_order_nor_itself(ledger, terms):
    """A002, a service, is not on *Giacenze*: a customer wanting complete orders had its goods
    held with it (*giacenza insufficiente per A002 (0/24)*), a services-only order was held too."""
    sheets = service_sheets(terms=terms, stock={"A001": 100})
    master = check(minimal.workbook(sheets)).master
    create(master, ledger, THURSDAY, with_catch_up=False, lang="it")
    shipped = ship(master, ledger, THURSDAY, all_open=True, lang="it")
    assert [(n.customer, [(ln.item, ln.quantity) for ln in n.lines]) for n in shipped.ddts] == [("C001", [("A001", 10)])]
    assert [(n.customer, [(ln.item, ln.quantity) for ln in n.lines]) for n in shipped.rendered] == [
        ("C001", [("A002", 24)]), ("C002", [("A002", 6)])]
    assert not shipped.held and not [p for p in shipped.problems if "A002" in p.message("it")]
    create(master, ledger, MONDAY, with_catch_up=False, lang="it")
    again = ship(master, ledger, MONDAY, all_open=True, lang="it")
    assert [n.customer for n in again.rendered] == ["C001", "C002"] and not again.held


def test_an_order_kept_on_hold_short_of_an_item_made_a_service_since_wakes_and_ships(ledger):
    """A002 was goods with no stock: C001's complete order and C002's were held and kept. The
    desk marks A002 *Servizio* `sì`: the next day's `ship --all` planned them again only once
    something gave A002's stock back, which never happens to a service."""
    goods = shipping_sheets(terms="Ordine completo", stock={"A001": 100})
    for row, postcode in zip(goods["Clienti"], ("CAP", "20121", "00184")):
        row.append(postcode)
    create(check(minimal.workbook(goods)).master, ledger, THURSDAY, with_catch_up=False, lang="it")
    held = ship(check(minimal.workbook(goods)).master, ledger, THURSDAY, all_open=True, lang="it")
    assert not held.ddts and len(held.held) == 2
    master = check(minimal.workbook(service_sheets(terms="Ordine completo", stock={"A001": 100}))).master
    shipped = ship(master, ledger, date(2026, 4, 10), all_open=True, lang="it")
    assert [(n.customer, [ln.item for ln in n.lines]) for n in shipped.ddts] == [("C001", ["A001"])]
    assert [n.customer for n in shipped.rendered] == ["C001", "C002"] and not shipped.held


def test_the_panel_shows_a_service_line_reserving_nothing_and_no_stock_available(ledger, tmp_path):
    """The panel said A002 had *Disponibile 0* and held what it had to render (*Qtà prenotata*)."""
    import openpyxl

    from toolkit.services.orders import panel

    master = check(minimal.workbook(service_sheets(terms="Ordine completo", stock={"A001": 100}))).master
    create(master, ledger, THURSDAY, with_catch_up=False, lang="it")
    rows = list(openpyxl.load_workbook(panel(master, ledger, tmp_path / "pannello.xlsx", "it"))["Righe"]
                .iter_rows(values_only=True))
    head = rows[0]
    cells = sorted((r[1], r[head.index("Qtà prenotata")], r[head.index("Disponibile")]) for r in rows[1:] if r[0])
    assert cells == [("A001", 0, 90), ("A001", 10, 100), ("A002", 0, None), ("A002", 0, None)]


@pytest.mark.parametrize("terms", list(DeliveryTerms))
def test_an_order_with_a_service_to_render_is_never_one_that_takes_nothing(terms):
    """An order waiting for stock is planned by its open lines alone (`takes_nothing`): with
    no stock of A002 on the sheet, a service line made its order one that could take nothing."""
    waiting = order(1, line(1, "A002", "3"))
    lines = [OpenLine(1, 1, "A002", Decimal(3))]
    assert takes_nothing(waiting, lines, terms, {"A001": Decimal(5)}, NONE)
    assert not takes_nothing(waiting, lines, terms, {"A001": Decimal(5)}, NONE, frozenset({"A002"}))


def april_einvoices(master, ledger, out):
    """Thursday's and Monday's orders created and shipped, April invoiced final and its
    e-invoices written into `out`: the run, and each file by its buyer's name."""
    for day in (THURSDAY, MONDAY):
        create(master, ledger, day, with_catch_up=False, lang="it")
        ship(master, ledger, day, all_open=True, lang="it")
    run = invoicing.run(ledger, master, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    assert not [p for p in run.problems if p.is_error]
    exported = einvoice.export(master, ledger, month=Period(date(2026, 4, 1), date(2026, 5, 31)), out=out)
    return run, {read(path).buyer_name: path for path in exported.files.values()}


def test_the_month_end_invoice_bills_the_services_citing_their_order_not_a_ddt(tmp_path, ledger):
    run, files = april_einvoices(service_master(), ledger, tmp_path)
    private, mixed = read(files["Mario Rossi"]), read(next(p for name, p in files.items() if name != "Mario Rossi"))

    assert private.kind == "TD24" and private.ddts == ()
    assert [line.item for line in private.lines] == ["A002", "A002"]
    assert private.purchase_orders == (("OC-2026-00002", (1,)), ("OC-2026-00005", (2,)))

    assert mixed.kind == "TD24"
    goods = [line.number for line in mixed.lines if line.item == "A001"]
    services = [line.number for line in mixed.lines if line.item == "A002"]
    assert [(number, lines) for number, _, lines in mixed.ddts] == [
        ("DDT-2026-00001", (goods[0],)), ("DDT-2026-00002", (goods[1],))]
    assert [order for order, _ in mixed.purchase_orders] == ["OC-2026-00001", "OC-2026-00004"]
    assert set(services) <= {n for _, lines in mixed.purchase_orders for n in lines}
    for path in files.values():
        assert schema_errors(path.read_bytes()) == []

    printed = {x.customer: x for x in run.invoices}
    assert [line_source(line, "it") for line in printed["C002"].lines] == [
        "Rif. ordine n. OC-2026-00002, servizi resi il 09/04/2026", "Rif. ordine n. OC-2026-00005, servizi resi il 13/04/2026"]
    assert ddts_text(printed["C002"]) == ""
    assert ddts_text(printed["C001"]) == "DDT-2026-00001 09/04/2026, DDT-2026-00002 13/04/2026"


def test_invoice_list_names_the_ddts_apart_from_the_services_rendered(ledger, capsys):
    """`invoice list --json`: `ddts` are the DDTs only, `services` the records of services
    rendered; the table's DDT column counts DDTs."""
    from toolkit.cli.invoicing import invoice_json
    from toolkit.cli.tables import print_invoices

    master = service_master()
    for day in (THURSDAY, MONDAY):
        create(master, ledger, day, with_catch_up=False, lang="it")
        ship(master, ledger, day, all_open=True, lang="it")
    run = invoicing.run(ledger, master, Request(APRIL, date(2026, 5, 4)), status=InvoiceStatus.FINAL, lang="it")
    listed = {x.customer: invoice_json(x) for x in run.invoices}
    assert [d["number"] for d in listed["C001"]["ddts"]] == ["DDT-2026-00001", "DDT-2026-00002"]
    assert [d["number"] for d in listed["C001"]["services"]] == ["SERVIZI-2026-00001", "SERVIZI-2026-00003"]
    assert (listed["C002"]["ddts"], [d["number"] for d in listed["C002"]["services"]]) == (
        [], ["SERVIZI-2026-00002", "SERVIZI-2026-00004"])
    capsys.readouterr()
    private = next(x for x in run.invoices if x.customer == "C002")
    print_invoices([private], "it")
    row = next(line for line in capsys.readouterr().out.splitlines() if private.number in line)
    assert re.split(r"[\s│|]+", row.strip(" │|"))[-1] == "0", row


def test_an_invoice_issued_with_the_shipment_is_immediate_td01_citing_its_ddt(tmp_path, ledger):
    """`ship --invoice` invoices on the DDTs' own day: the invoice travels with the goods, an
    immediate invoice (TD01) that still cites its DDT; services alone are TD01 too, no DDT."""
    master = service_master()
    create(master, ledger, THURSDAY, with_catch_up=False, lang="it")
    shipped = ship(master, ledger, THURSDAY, all_open=True, invoice=True, lang="it")
    assert sorted(x.customer for x in shipped.invoices) == ["C001", "C002"]
    assert not any(x.deferred for x in shipped.invoices)
    exported = einvoice.export(master, ledger, month=APRIL, out=tmp_path)
    files = {read(path).buyer_name: path for path in exported.files.values()}
    private, mixed = read(files["Mario Rossi"]), read(next(p for name, p in files.items() if name != "Mario Rossi"))
    assert (private.kind, private.ddts) == ("TD01", ())
    assert mixed.kind == "TD01"
    assert [number for number, _, _ in mixed.ddts] == ["DDT-2026-00001"]
    for path in files.values():
        assert schema_errors(path.read_bytes()) == []


def test_an_invoice_issued_at_the_order_cites_the_order_of_its_services(tmp_path, ledger):
    """C002 is invoiced when its order is created (*Immediato*): nothing is rendered yet, so no
    record of services cites the order; the immediate invoice (TD01) cites it for its service
    line, as month end's and `ship --invoice`'s do."""
    sheets = service_sheets()
    for row, terms in zip(sheets["Clienti"], ("Termini di fatturazione", None, "Immediato")):
        row.append(terms)
    master = check(minimal.workbook(sheets)).master
    made = create(master, ledger, THURSDAY, with_catch_up=False, lang="it")
    [invoice] = [x for x in made.invoices if x.customer == "C002"]
    assert [(line.item, line.delivery) for line in invoice.lines] == [("A002", None)]
    exported = einvoice.export(master, ledger, month=APRIL, out=tmp_path)
    [private] = [read(path) for path in exported.files.values() if read(path).buyer_name == "Mario Rossi"]
    assert (private.kind, private.ddts) == ("TD01", ())
    assert private.purchase_orders == ((invoice.lines[0].order_number, (1,)),)
    assert all(schema_errors(path.read_bytes()) == [] for path in exported.files.values())


def test_printing_ddts_again_leaves_the_services_rendered_out_and_says_why_when_named(ledger):
    """`print ddt` chooses DDTs only: by date the services rendered are not among them, `1/2026`
    is the DDT though SERVIZI-2026-00001 exists, and naming one says it is no DDT."""
    from toolkit.services.printing import Selection, select

    master = service_master()
    create(master, ledger, THURSDAY, with_catch_up=False, lang="it")
    ship(master, ledger, THURSDAY, all_open=True, lang="it")
    by_day, problems = select(ledger, "ddt", Selection(first=THURSDAY, last=THURSDAY))
    assert ([n.number for n in by_day], problems) == (["DDT-2026-00001"], [])
    short, problems = select(ledger, "ddt", Selection(numbers=("1/2026",)))
    assert ([n.number for n in short], problems) == (["DDT-2026-00001"], [])
    named, problems = select(ledger, "ddt", Selection(numbers=("SERVIZI-2026-00002",)))
    assert named == [] and [(p.code, p.message("it")) for p in problems] == [(
        "print-services-not-a-ddt",
        "SERVIZI-2026-00002 registra servizi resi, non un DDT: non si stampa. La fattura li cita con il loro ordine.")]


def test_the_shipments_report_and_the_event_log_do_not_call_services_rendered_ddts(ledger):
    """The report *Spedizioni (DDT)* counts what left on a DDT: A001 only, the services A002
    (in the sales and invoiced reports) are not among them; the event log records the services
    rendered as `services`, the DDT as a `delivery`."""
    from sqlalchemy import select

    from toolkit.ledger import schema
    from toolkit.ledger.reports import shipments

    master = service_master()
    create(master, ledger, THURSDAY, with_catch_up=False, lang="it")
    ship(master, ledger, THURSDAY, all_open=True, lang="it")
    with reading(ledger) as conn:
        rows = shipments(conn, [(THURSDAY, THURSDAY)])
        items = sorted({row[rows.columns.index("item")] for row in rows.rows})
        e = schema.events.c
        logged = conn.execute(select(e.document, e.number).where(e.action == "shipped").order_by(e.id)).all()
    assert items == ["A001"]
    assert [tuple(row) for row in logged] == [
        ("delivery", "DDT-2026-00001"), ("services", "SERVIZI-2026-00001"), ("services", "SERVIZI-2026-00002")]
