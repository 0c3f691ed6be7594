"""Shipping against a real ledger (SQLite; PostgreSQL too with TOOLKIT_TEST_PG_URL): DDT rows,
numbers, completion, the credit check and its override, payments, returns, transactions."""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, func, insert, select
from test_shipping import shipping_master

from toolkit.basics.vocab import InvoiceTerms
from toolkit.core.orders import OrderStatus
from toolkit.core.shipping import ChosenRow, Reason, plan_shipments
from toolkit.ledger import schema
from toolkit.ledger.db import reading, writing
from toolkit.ledger.deliveries import OverShipment, load_notes, store_drafts
from toolkit.ledger.exposure import exposures
from toolkit.ledger.orders import load_orders
from toolkit.ledger.stock_counts import count_digest
from toolkit.model.parties import party_book
from toolkit.services.orders import create
from toolkit.services.shipping import ship, ship_in

DAY = date(2026, 4, 9)
D = Decimal


def others(problems) -> tuple:
    """The problems, but for the warning that the workbook has no stock sheet (which these
    tests' master data lacks on purpose: everything ordered ships)."""
    return tuple(p for p in problems if p.code != "stock-not-checked")


def orders_by_template(ledger) -> dict:
    with reading(ledger) as conn:
        return {o.template: o for o in load_orders(conn)}


def table(ledger, name: str) -> list:
    t = schema.metadata.tables[name]
    with reading(ledger) as conn:
        return conn.execute(select(t).order_by(*t.primary_key.columns)).all()


def shipped_sum(ledger, order_line_id: int) -> Decimal:
    dl = schema.delivery_lines.c
    with reading(ledger) as conn:
        return conn.execute(select(func.sum(dl.quantity)).where(dl.order_line_id == order_line_id)).scalar()


@pytest.fixture
def master():
    return shipping_master()


@pytest.fixture
def orders(master, ledger):
    assert create(master, ledger, DAY, with_catch_up=False, lang="it").created
    return orders_by_template(ledger)


def test_partial_shipments_add_up_to_the_order(master, ledger, orders):
    first = orders["T001"]
    a001, a002 = first.lines
    done = ship(master, ledger, DAY, chosen=[ChosenRow(first.number, "A001", "7"), ChosenRow(first.number, "A002", 24)],
                lang="it")
    assert [(n.number, [(ln.item, ln.quantity) for ln in n.lines]) for n in done.notes] == [
        ("DDT-2026-00001", [("A001", D(7)), ("A002", D(24))])]
    assert done.completed == () and others(done.problems) == ()
    assert orders_by_template(ledger)["T001"].status is OrderStatus.IN_PROGRESS
    assert orders_by_template(ledger)["T001"].lines[0].to_ship == D(3)

    done = ship(master, ledger, DAY, chosen=[ChosenRow(first.number, "A001", "3")], lang="it")
    assert [n.number for n in done.notes] == ["DDT-2026-00002"] and done.completed == (first.number,)
    assert shipped_sum(ledger, a001.id) == D(10) and shipped_sum(ledger, a002.id) == D(24)
    assert [(r.order_line_id, r.quantity) for r in table(ledger, "delivery_lines")] == [
        (a001.id, D(7)), (a002.id, D(24)), (a001.id, D(3))]
    assert next(r for r in table(ledger, "orders") if r.id == first.id).status == "completed"
    assert [(e.action, e.number) for e in table(ledger, "events") if e.document_id == first.id][-1] == (
        "completed", first.number)

    again = ship(master, ledger, DAY, chosen=[ChosenRow(first.number, "A001", "1")], lang="it")
    assert again.notes == () and [p.code for p in again.problems] == ["ship-quantity-too-large"]
    assert len(table(ledger, "deliveries")) == 2


def test_a_line_taken_off_the_truck_with_0_stays_open_and_the_rest_ships(master, ledger, orders):
    """A picking list writes 0 for the line that does not leave: it was refused, the whole file
    with it (*scrivi un numero maggiore di zero*), though 0 is what the warehouse means. The line
    stays open; an order whose every row is 0 ships nothing and stays open."""
    first = orders["T001"]
    done = ship(master, ledger, DAY, chosen=[ChosenRow(first.number, "A001", "0"), ChosenRow(first.number, "A002", 24)],
                lang="it")
    assert others(done.problems) == ()
    assert [(n.number, [(ln.item, ln.quantity) for ln in n.lines]) for n in done.notes] == [
        ("DDT-2026-00001", [("A002", D(24))])]
    after = orders_by_template(ledger)["T001"]
    assert after.status is OrderStatus.IN_PROGRESS and after.lines[0].to_ship == first.lines[0].to_ship == D(10)
    nothing = ship(master, ledger, DAY, chosen=[ChosenRow(first.number, "A001", "0")], lang="it")
    assert nothing.notes == () and others(nothing.problems) == () and len(table(ledger, "deliveries")) == 1


def test_ship_all_groups_by_customer_and_destination(master, ledger, orders):
    done = ship(master, ledger, DAY, all_open=True, lang="it")
    assert [(n.number, n.customer, n.ship_to, n.carrier, n.orders) for n in done.notes] == [
        ("DDT-2026-00001", "C001", "D001", "V01", (orders["T001"].number,)),
        ("DDT-2026-00002", "C002", None, None, (orders["T003"].number,))]
    assert set(done.completed) == {orders["T001"].number, orders["T003"].number}
    assert orders_by_template(ledger)["T004"].status is OrderStatus.DRAFT
    rows = table(ledger, "deliveries")
    assert [(r.series, r.year, r.number, r.delivery_date, r.reason, r.forced) for r in rows] == [
        ("DDT", 2026, 1, DAY, "sale", 0), ("DDT", 2026, 2, DAY, "sale", 0)]
    assert [r.weight for r in rows] == [D("45.000"), D("7.500")]
    events = [(e.action, e.document, e.number) for e in table(ledger, "events") if e.action == "shipped"]
    assert events == [("shipped", "delivery", "DDT-2026-00001"), ("shipped", "delivery", "DDT-2026-00002")]
    assert ship(master, ledger, DAY, all_open=True, lang="it").notes == ()


def test_the_collector_is_paused_while_shipping_and_runs_again_after(master, ledger, orders, monkeypatch):
    """`ship` plans and stores with the cycle collector paused (a day at L builds a million
    records in no cycle), and leaves it running, whether DDTs were issued or there was nothing to ship."""
    from toolkit.services import shipping as shipping_service

    seen = []
    planner = shipping_service.plan_shipments

    def planning(*args, **kwargs):
        seen.append(gc.isenabled())
        return planner(*args, **kwargs)

    monkeypatch.setattr(shipping_service, "plan_shipments", planning)
    assert gc.isenabled()
    assert ship(master, ledger, DAY, all_open=True, lang="it").notes
    assert ship(master, ledger, DAY, all_open=True, lang="it").notes == ()
    assert seen == [False] and gc.isenabled()


def test_notes_read_back_with_the_order_lines(master, ledger, orders):
    ship(master, ledger, DAY, numbers=[orders["T001"].number], lang="it")
    with reading(ledger) as conn:
        (note,) = load_notes(conn)
    assert (note.number, note.day, note.customer, note.ship_to, note.carrier, note.reason, note.forced) == (
        "DDT-2026-00001", DAY, "C001", "D001", "V01", Reason.SALE, False)
    assert [(ln.item, ln.description, ln.unit, ln.quantity, ln.order_number, ln.unit_price) for ln in note.lines] == [
        ("A001", "Caffè in grani 1 kg", "pz", D(10), orders["T001"].number, D("18.5")),
        ("A002", "Latte fresco 1 l", "pz", D(24), orders["T001"].number, D("1.25"))]


def test_numbers_are_progressive_per_year(master, ledger, orders, rome_today):
    assert [n.number for n in ship(master, ledger, DAY, numbers=[orders["T001"].number], lang="it").notes] == ["DDT-2026-00001"]
    rome_today(date(2027, 1, 4))
    assert [n.number for n in ship(master, ledger, date(2027, 1, 4), numbers=[orders["T003"].number], lang="it").notes] == [
        "DDT-2027-00001"]
    counters = {(r.series, r.year): r.last for r in table(ledger, "counters")}
    assert counters[("DDT", 2026)] == 1 and counters[("DDT", 2027)] == 1


def test_a_ddt_dated_after_today_is_refused_unless_meant(master, ledger, orders, rome_today):
    today = rome_today(date(2026, 4, 8))
    refused = ship(master, ledger, DAY, all_open=True, lang="it")
    assert refused.notes == () and [(p.code, p.is_error) for p in refused.problems] == [("ddt-date-in-future", True)]
    assert dict(refused.problems[0].params) == {"day": DAY, "today": today}
    assert "09/04/2026" in refused.problems[0].message("it") and "--future" in refused.problems[0].message("en")
    assert table(ledger, "deliveries") == [] and not [e for e in table(ledger, "events") if e.action == "shipped"]
    assert ship(master, ledger, DAY, all_open=True, force=True, lang="it").notes == ()
    meant = ship(master, ledger, DAY, all_open=True, future=True, lang="it")
    assert [n.day for n in meant.notes] == [DAY, DAY] and [p.code for p in others(meant.problems)] == ["ddt-issued-ahead"]


def test_a_ddt_dated_before_the_latest_of_its_year_is_refused(master, ledger, orders, rome_today):
    """Shipping T003's order dated 20 November, typed for the 20th of the month, after T001's
    DDT of 9 April stored DDT-2026-00002 dated before DDT-2026-00001: numbers that do not follow
    dates, the first thing an audit of the DDTs asks about. Refused, nothing stored; a DDT
    issued ahead with --future (dated after today) does not hold today's shipments back."""
    rome_today(date(2026, 4, 10))
    ship(master, ledger, DAY, numbers=[orders["T001"].number], lang="it")
    refused = ship(master, ledger, date(2026, 4, 8), numbers=[orders["T003"].number], lang="it")
    assert refused.notes == () and [p.code for p in refused.problems] == ["ddt-date-before-latest"]
    assert "DDT-2026-00001 del 09/04/2026" in refused.problems[0].message("it")
    assert "from 09/04/2026 on" in refused.problems[0].message("en")
    assert [r.number for r in table(ledger, "deliveries")] == [1]
    assert [n.number for n in ship(master, ledger, DAY, numbers=[orders["T003"].number], lang="it").notes] == ["DDT-2026-00002"]


def test_a_ddt_issued_ahead_is_warned_and_holds_back_a_ddt_dated_before_it(master, ledger, orders, rome_today):
    """DDT numbers follow dates within a year, as invoices do: a DDT issued ahead for the 9th
    let the 8th's take DDT-2026-00002, dated before DDT-2026-00001. The DDT issued ahead says
    so; the one dated before it is refused, naming it and the day to ship from."""
    rome_today(date(2026, 4, 8))
    ahead = ship(master, ledger, DAY, numbers=[orders["T001"].number], future=True, lang="it")
    assert [n.number for n in ahead.notes] == ["DDT-2026-00001"]
    assert [(p.code, dict(p.params)["day"]) for p in ahead.problems if p.code == "ddt-issued-ahead"] == [
        ("ddt-issued-ahead", DAY)]
    refused = ship(master, ledger, date(2026, 4, 8), numbers=[orders["T003"].number], lang="it")
    assert refused.notes == () and [p.code for p in refused.problems] == ["ddt-date-before-issued-ahead"]
    assert ("but DDT-2026-00001 was issued ahead, dated 09/04/2026 (--future)" in refused.problems[0].message("en")
            and "Ship with a date from 09/04/2026 on" in refused.problems[0].message("en")
            and "void each of the DDTs dated after 08/04/2026, DDT-2026-00001 (toolkit ddt void … with its number)"
            in refused.problems[0].message("en"))
    assert [r.number for r in table(ledger, "deliveries")] == [1]


def test_a_refusal_names_every_ddt_issued_ahead_that_holds_the_date_back(master, ledger, orders, rome_today):
    """Seven DDTs issued ahead, one a day from the 10th: the refusal of the 8th named only the
    latest, DDT-2026-00007, so the desk voided it and was refused again for DDT-2026-00006, one a
    time. It names them all, the first five and how many more; void them and the 8th ships."""
    from toolkit.services.ddt_void import void_ddt

    rome_today(date(2026, 4, 8))
    first = orders["T001"]
    for n in range(7):
        ahead = ship(master, ledger, date(2026, 4, 10 + n), chosen=[ChosenRow(first.number, "A001", "1")], future=True, lang="it")
        assert [x.number for x in ahead.notes] == [f"DDT-2026-{n + 1:05d}"]
    refused = ship(master, ledger, date(2026, 4, 8), numbers=[orders["T003"].number], lang="it")
    [error] = refused.problems
    assert error.code == "ddt-date-before-issued-ahead"
    assert ("annulla ognuno dei DDT datati dopo il 08/04/2026, DDT-2026-00001, DDT-2026-00002, DDT-2026-00003, "
            "DDT-2026-00004, DDT-2026-00005 e altri 2 (toolkit ddt void … con il suo numero)") in error.message("it")
    assert "DDT-2026-00004, DDT-2026-00005 and 2 more (toolkit ddt void" in error.message("en")
    for n in range(1, 7):
        void_ddt(master, ledger, f"DDT-2026-{n:05d}", None)
    [error] = ship(master, ledger, date(2026, 4, 8), numbers=[orders["T003"].number], lang="it").problems
    assert "dopo il 08/04/2026, DDT-2026-00007 (toolkit ddt void" in error.message("it")
    void_ddt(master, ledger, "DDT-2026-00007", None)
    assert [x.number for x in ship(master, ledger, date(2026, 4, 8), numbers=[orders["T003"].number], lang="it").ddts] == [
        "DDT-2026-00008"]


def test_a_returns_ddt_holds_earlier_dates_back_and_the_refusal_says_why(sample_master, ledger, rome_today):
    """A return's DDT is drawn from the DDT series, as the goods leaving are (`series_of`): its
    number follows its date too, so a DDT dated before it would be numbered after it. The
    refusal named it as any DDT, and a desk that reads a return as goods coming in did not see
    why it held the 21st back: it says it is a return's, numbered in the same series."""
    rome_today(date(2026, 5, 4))
    create(sample_master, ledger, date(2026, 4, 9), with_catch_up=False, lang="it")
    create(sample_master, ledger, date(2026, 4, 22), only=["T029"], with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        listed = load_orders(conn)
    [returned] = [o.number for o in listed if o.template == "T029"]
    [ddt] = ship(sample_master, ledger, date(2026, 4, 22), numbers=[returned], lang="it").ddts
    assert ddt.reason is Reason.RETURN
    refused = ship(sample_master, ledger, date(2026, 4, 21), numbers=["OC-2026-00009"], lang="it")
    [error] = refused.problems
    assert error.code == "ddt-date-before-latest" and refused.notes == ()
    assert (f"prima del {ddt.number} del 22/04/2026 già emesso (il DDT di un reso, numerato nella stessa serie dei "
            "DDT della merce in uscita)") in error.message("it")
    assert (f"before {ddt.number} of 22/04/2026, already issued (a return's DDT, numbered in the same series as the "
            "DDTs of goods leaving)") in error.message("en")
    [sale] = ship(sample_master, ledger, date(2026, 4, 22), numbers=["OC-2026-00009"], lang="it").ddts
    [error] = ship(sample_master, ledger, date(2026, 4, 21), numbers=["OC-2026-00010"], lang="it").problems
    assert f"prima del {sale.number} del 22/04/2026 già emesso: nella serie" in error.message("it"), (
        "a DDT of goods leaving is not called a return's")


def test_a_refusal_never_asks_to_void_a_returns_ddt(sample_master, ledger, rome_today):
    """A return's DDT of the 22nd, a DDT issued ahead for 10 May: the refusal of the 21st asked to
    void every DDT dated after it, the return's among them, which `ddt void` refuses
    (`ddt-void-return`): the desk voided the DDT issued ahead and was refused again. The return
    holds the 21st back whatever is voided, so the refusal names it and its day."""
    from toolkit.services.ddt_void import void_ddt

    rome_today(date(2026, 5, 4))
    create(sample_master, ledger, date(2026, 4, 9), with_catch_up=False, lang="it")
    create(sample_master, ledger, date(2026, 4, 22), only=["T029"], with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        [returned] = [o.number for o in load_orders(conn) if o.template == "T029"]
    [back] = ship(sample_master, ledger, date(2026, 4, 22), numbers=[returned], lang="it").ddts
    [ahead] = ship(sample_master, ledger, date(2026, 5, 10), numbers=["OC-2026-00010"], future=True, lang="it").ddts
    [error] = ship(sample_master, ledger, date(2026, 4, 21), numbers=["OC-2026-00009"], lang="it").problems
    assert error.code == "ddt-date-before-latest"
    assert (f"prima del {back.number} del 22/04/2026 già emesso (il DDT di un reso" in error.message("it")
            and "Spedisci con una data dal 22/04/2026 in poi" in error.message("it"))
    assert [p.code for p in void_ddt(sample_master, ledger, back.number, None).problems] == ["ddt-void-return"]
    [error] = ship(sample_master, ledger, date(2026, 4, 23), numbers=["OC-2026-00009"], lang="it").problems
    assert error.code == "ddt-date-before-issued-ahead" and f"dopo il 23/04/2026, {ahead.number} (" in error.message("it")


def test_the_way_out_of_a_ddt_issued_ahead_is_to_void_it_ship_and_issue_it_again(master, ledger, orders, rome_today):
    """Goods that must leave before a DDT issued ahead: the refusal names the void, which lets
    them ship, and the DDT of the later day is issued again after them, numbers in date order."""
    from toolkit.services.ddt_void import void_ddt

    rome_today(date(2026, 4, 8))
    ship(master, ledger, DAY, numbers=[orders["T001"].number], future=True, lang="it")
    void_ddt(master, ledger, "DDT-2026-00001", "il 8 parte prima T003")
    today = ship(master, ledger, date(2026, 4, 8), numbers=[orders["T003"].number], lang="it")
    again = ship(master, ledger, DAY, numbers=[orders["T001"].number], future=True, lang="it")
    assert [(n.number, n.day) for n in today.notes + again.notes] == [
        ("DDT-2026-00002", date(2026, 4, 8)), ("DDT-2026-00003", DAY)]


def test_a_ddt_dated_today_ships(master, ledger, orders, rome_today):
    rome_today(DAY)
    assert len(ship(master, ledger, DAY, all_open=True, lang="it").notes) == 2


def test_credit_limit_warning_then_force_is_recorded(ledger):
    master = shipping_master(credit_limit=100)
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    number = orders_by_template(ledger)["T001"].number
    held = ship(master, ledger, DAY, numbers=[number], lang="it")
    assert held.notes == () and [h.reason for h in held.held] == ["credit-limit-exceeded"]
    (problem,) = held.problems
    assert (problem.code, problem.sheet, problem.cell) == ("credit-limit-exceeded", "Clienti", "J2")
    assert dict(problem.params) == {"customer": "C001", "total": D("215.00"), "outstanding": D(0),
                                    "uninvoiced": D(0), "unshipped": D("215.00"), "limit": D(100)}
    assert table(ledger, "deliveries") == [] and not [e for e in table(ledger, "events") if e.action == "shipped"]

    forced = ship(master, ledger, DAY, numbers=[number], force=True, lang="it")
    assert [n.forced for n in forced.notes] == [True]
    assert [p.code for p in others(forced.problems)] == ["credit-limit-forced"]
    assert [r.forced for r in table(ledger, "deliveries")] == [1]
    (event,) = [e for e in table(ledger, "events") if e.action == "shipped"]
    assert event.number == "DDT-2026-00001"
    assert "forced: credit limit 100" in event.detail and "exposure 215.00" in event.detail


def test_an_order_invoiced_at_the_order_counts_once_in_the_exposure(ledger):
    """C001 invoiced immediately owes its order's invoice, 256.90 with VAT, from the day it is
    made: neither the order still to ship nor, once shipped, its DDT counts the 215.00 again
    (before, the exposure was 471.90 until the order shipped)."""
    master = shipping_master()
    customers = tuple(replace(c, invoice_terms=InvoiceTerms.IMMEDIATE) if c.code == "C001" else c
                      for c in master.customers)
    master = master.model_copy(update={"customers": customers})
    assert [x.total for x in create(master, ledger, DAY, with_catch_up=False, lang="it").invoices] == [D("256.90")]
    with reading(ledger) as conn:
        assert exposures(conn, ["C001"])["C001"].total == D("256.90")
    ship(master, ledger, DAY, all_open=True, lang="it")
    with reading(ledger) as conn:
        after = exposures(conn, ["C001"])["C001"]
    assert (after.unshipped, after.uninvoiced, after.outstanding) == (0, 0, D("256.90"))


def _invoice(ledger, order, total: str, paid: str | None, paid_on: date | None = None) -> None:
    with writing(ledger) as conn:
        invoice_id = conn.execute(insert(schema.invoices).values(
            kind="invoice", series="FT", year=2026, number=1, invoice_date=DAY, customer=order.customer,
            status="final", run_id="test", taxable=D(total), vat=D(0), total=D(total), payment_method="bank-transfer",
            payment_terms="0", created_at=datetime(2026, 4, 1), created_by="test").returning(schema.invoices.c.id)).scalar_one()
        for n, line in enumerate(order.lines, 1):
            conn.execute(insert(schema.invoice_lines).values(
                invoice_id=invoice_id, line_no=n, order_line_id=line.id, item=line.item, description=line.description,
                unit=line.unit, quantity=line.quantity, unit_price=line.unit_price, amount=line.amount,
                vat_rate=line.vat_rate))
        if paid is not None:
            conn.execute(insert(schema.payments).values(invoice_id=invoice_id, payment_date=paid_on or DAY, amount=D(paid),
                                                        created_at=datetime(2026, 4, 2), created_by="test"))


@pytest.mark.parametrize("paid, ships", [(None, False), ("100.00", False), ("215.00", True)])
def test_after_receipt_ships_once_the_prepayment_is_in(ledger, paid, ships):
    master = shipping_master(terms="Dopo l'incasso")
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    order = orders_by_template(ledger)["T001"]
    _invoice(ledger, order, "215.00", paid)
    done = ship(master, ledger, DAY, numbers=[order.number], lang="it")
    assert bool(done.notes) is ships
    assert [h.reason for h in done.held] == ([] if ships else ["ship-awaiting-payment"])
    said = {None: "il pagamento non risulta ancora",
            "100.00": "risultano incassati 100,00 € dei 215,00 € fatturati: mancano 115,00 €"}
    assert [p.message("it") for p in done.problems if p.code == "ship-awaiting-payment"] == (
        [] if ships else [f"Ordine {order.number} del cliente C001: la merce parte dopo l'incasso e {said[paid]}: "
                          "non spedito."])


def test_after_receipt_invoiced_at_month_end_is_told_the_invoice_terms_are_the_way_out(ledger):
    """A customer paying before shipping but invoiced on its schedule: no invoice at the order,
    month end invoices only what shipped, so no payment comes. The hold told the desk to void the
    order and order it again, «its invoice will be issued with the order», which the same terms
    would hold again: it names the terms and *Immediato*, or the delivery terms."""
    master = shipping_master(terms="Dopo l'incasso")
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    order = orders_by_template(ledger)["T001"]
    done = ship(master, ledger, DAY, numbers=[order.number], lang="it")
    assert (done.notes, [h.reason for h in done.held]) == ((), ["ship-awaiting-payment"])
    [held] = [p for p in done.problems if p.code == "ship-awaiting-payment"]
    assert held.message("it") == (
        f"Ordine {order.number} del cliente C001: la merce parte dopo l'incasso e nessuna sua fattura è stata "
        "emessa né lo sarà: il cliente è fatturato «Schedulazione del cliente» in «Termini di fatturazione», dopo "
        "la spedizione, quindi nessun pagamento arriverà: scrivi Immediato in «Termini di fatturazione», annulla "
        f"l'ordine (toolkit orders status {order.number} --to annullato) e ordinalo di nuovo, e la sua fattura sarà "
        "emessa con l'ordine; oppure, se il cliente non deve pagare prima, cambia «Termini di consegna» e l'ordine "
        "partirà: non spedito.")
    assert "set the invoice terms to “Immediate”" in held.message("en")
    assert "“Customer schedule after delivery”" in held.message("en")


def test_a_day_holding_orders_for_their_payment_reads_their_invoices_once(ledger):
    """The holds say what was paid by the day, whether in full later, whether invoiced at all:
    each asked the ledger for the orders' final invoices, three reads of one answer (four with
    the plan's own, which orders are paid by the day): now one for the plan, one for the holds."""
    master = shipping_master(terms="Dopo l'incasso")
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    order = orders_by_template(ledger)["T001"]
    _invoice(ledger, order, "215.00", "100.00")
    read: list[str] = []

    def invoices_of_orders(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT DISTINCT") and "invoice_lines" in statement:
            read.append(statement)

    event.listen(ledger.engine, "before_cursor_execute", invoices_of_orders)
    try:
        done = ship(master, ledger, DAY, numbers=[order.number], lang="it")
    finally:
        event.remove(ledger.engine, "before_cursor_execute", invoices_of_orders)
    assert "mancano 115,00 €" in next(p.message() for p in done.problems if p.code == "ship-awaiting-payment")
    assert len(read) == 2


def test_after_receipt_a_ddt_dated_before_the_payment_came_is_held_saying_so(ledger):
    """Paid in full on the 14th, the order shipped with a DDT dated the 9th: the goods left, on
    paper, five days before the prepayment that lets them leave, and nothing was said."""
    master = shipping_master(terms="Dopo l'incasso")
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    order = orders_by_template(ledger)["T001"]
    paid_on = DAY + timedelta(days=5)
    _invoice(ledger, order, "215.00", "215.00", paid_on)
    done = ship(master, ledger, DAY, numbers=[order.number], lang="it")
    assert (done.notes, [h.reason for h in done.held]) == ((), ["ship-awaiting-payment"])
    assert [p.message("it") for p in done.problems if p.code == "ship-awaiting-payment"] == [
        f"Ordine {order.number} del cliente C001: la merce parte dopo l'incasso e l'incasso è registrato con una "
        f"data successiva al {DAY:%d/%m/%Y}, la data del DDT: spediscilo con la data dell'incasso o una successiva: "
        "non spedito."]
    assert table(ledger, "deliveries") == []
    later = ship(master, ledger, paid_on, numbers=[order.number], lang="it")
    assert [note.day for note in later.notes] == [paid_on]


def test_a_return_ships_back_with_negative_quantities(master, ledger):
    create(master, ledger, date(2026, 3, 31), with_catch_up=False, lang="it")
    back = orders_by_template(ledger)["T002"]
    done = ship(master, ledger, date(2026, 3, 31), all_open=True, lang="it")
    assert [(n.reason, n.customer, [ln.quantity for ln in n.lines]) for n in done.notes] == [
        (Reason.RETURN, "C002", [D(-1)])]
    assert [r.reason for r in table(ledger, "deliveries")] == ["return"]
    assert [r.quantity for r in table(ledger, "delivery_lines")] == [D(-1)]
    assert done.completed == (back.number,)


def test_ship_in_belongs_to_the_callers_transaction(master, ledger, orders):
    with pytest.raises(RuntimeError):
        with writing(ledger) as conn:
            inside = ship_in(conn, master, list(orders.values()), DAY, lang="it")
            assert len(inside.notes) == 2
            raise RuntimeError("the caller fails after shipping")
    assert table(ledger, "deliveries") == [] and table(ledger, "delivery_lines") == []
    assert [n.number for n in ship(master, ledger, DAY, all_open=True, lang="it").notes] == ["DDT-2026-00001", "DDT-2026-00002"]


def test_stale_drafts_are_refused(master, ledger, orders):
    stale = plan_shipments([orders["T001"]], master, None, DAY).drafts
    ship(master, ledger, DAY, numbers=[orders["T001"].number], lang="it")
    with pytest.raises(OverShipment):
        with writing(ledger) as conn:
            store_drafts(conn, stale, "DDT", party_book(master), lang="it")
    assert len(table(ledger, "deliveries")) == 1


def test_input_mistakes_write_nothing(master, ledger, orders):
    assert [p.code for p in ship(master, ledger, DAY, lang="it").problems] == ["ship-nothing-selected"]
    unknown = ship(master, ledger, DAY, numbers=[orders["T001"].number, "OC-2026-99999"], lang="it")
    assert [p.code for p in unknown.problems] == ["unknown-order"] and unknown.notes == ()
    carrier = ship(master, ledger, DAY, all_open=True, carrier="NOPE", lang="it")
    assert [p.code for p in carrier.problems] == ["unknown-carrier"]
    assert table(ledger, "deliveries") == [] and not [r for r in table(ledger, "counters") if r.series == "DDT"]


def test_chosen_carrier_goes_on_every_ddt(master, ledger, orders):
    done = ship(master, ledger, DAY, all_open=True, carrier="V01", lang="it")
    assert [r.carrier for r in table(ledger, "deliveries")] == ["V01", "V01"] and len(done.notes) == 2


def test_a_stock_count_dated_today_meeting_todays_ddts_is_told_what_they_took_off(master, ledger, orders, rome_today):
    """Stock is the count less the DDTs from its date on, and nothing knows the count's time of
    day: counted this afternoon, the morning's DDTs were taken off twice without a word. A count
    no ship run met before today's DDTs is told, with what they shipped to add back; the first
    run of the day, and a count dated another day, are not told."""
    from test_shipping import with_terms

    from toolkit.basics.vocab import DeliveryTerms

    rome_today(DAY)
    stocked = with_terms(master, DeliveryTerms.AVAILABILITY, {"A001": "100", "A002": "100", "A003": "100"})
    earlier = stocked.model_copy(update={"settings": replace(stocked.settings, stock_date=date(2026, 4, 8))})
    first = orders["T001"]
    done = ship(earlier, ledger, DAY, chosen=[ChosenRow(first.number, "A001", "7")], lang="it")
    assert [n.number for n in done.notes] == ["DDT-2026-00001"]
    assert "stock-counted-today-after-ddts" not in [p.code for p in done.problems]
    recounted = with_terms(master, DeliveryTerms.AVAILABILITY, {"A001": "93", "A002": "100", "A003": "100"})
    counted = recounted.model_copy(update={"settings": replace(recounted.settings, stock_date=DAY)})
    done = ship(counted, ledger, DAY, chosen=[ChosenRow(first.number, "A002", "2")], lang="it")
    [told] = [p for p in done.problems if p.code == "stock-counted-today-after-ddts"]
    assert told.message("it").startswith("Data giacenze è oggi (09/04/2026) e oggi c'è già 1 DDT: le giacenze "
                                         "sono la conta meno ciò che ha spedito (A001 7). Se hai contato dopo quel "
                                         "DDT la conta lo esclude già ed è tolto due volte: scrivi")
    assert "and today already has 1 DDT: the stock is the count less what it shipped (A001 7). If you counted after " \
        "that DDT the count already leaves it out and it is taken off twice" in told.message("en")
    assert told.location.sheet == "Impostazioni"
    done = ship(counted, ledger, DAY, chosen=[ChosenRow(first.number, "A001", "1")], lang="it")
    assert done.notes and "stock-counted-today-after-ddts" not in [p.code for p in done.problems], "told once per count"


def test_a_desk_that_counts_each_morning_is_not_told_at_its_later_ship_runs(master, ledger, orders, rome_today):
    """The normal morning: stock counted at the start of the day and dated today, then DDTs
    all day long. The count came before them, so the second and third runs of the day take
    nothing off twice and are not told, as the first was not."""
    from test_shipping import with_terms

    from toolkit.basics.vocab import DeliveryTerms

    rome_today(DAY)
    stocked = with_terms(master, DeliveryTerms.AVAILABILITY, {"A001": "100", "A002": "100", "A003": "100"})
    counted = stocked.model_copy(update={"settings": replace(stocked.settings, stock_date=DAY)})
    first = orders["T001"]
    looked: list[str] = []

    def lookup(conn, cursor, statement, parameters, context, many):
        if "stock-count-seen" in f"{statement} {parameters}" and statement.lstrip().upper().startswith("SELECT"):
            looked.append(statement)

    event.listen(ledger.engine, "before_cursor_execute", lookup)
    try:
        for item in ("A001", "A002", "A001"):
            looked.clear()
            done = ship(counted, ledger, DAY, chosen=[ChosenRow(first.number, item, "1")], lang="it")
            assert done.notes, item
            assert "stock-counted-today-after-ddts" not in [p.code for p in done.problems], item
            assert len(looked) == 1, "the count looked up once a run, not again to note it"
    finally:
        event.remove(ledger.engine, "before_cursor_execute", lookup)
    assert [r.detail for r in table(ledger, "events") if r.action == "stock-count-seen"] == [
        count_digest((level.item, level.quantity) for level in counted.stock)], "noted once, by the first run"


def test_a_stock_count_dated_after_today_ships_nothing(master, ledger, orders, rome_today):
    """Data giacenze typed a day ahead (09/01/2027 for 08/01): stock takes off the DDTs from the
    count's day on, so every DDT until then was left on the shelf and goods that were not there
    shipped without a word. Refused at the cell, nothing stored; today's count ships."""
    from test_shipping import with_terms

    from toolkit.basics.vocab import DeliveryTerms

    rome_today(DAY)
    stocked = with_terms(master, DeliveryTerms.AVAILABILITY, {"A001": "100", "A002": "100", "A003": "100"})
    ahead = stocked.model_copy(update={"settings": replace(stocked.settings, stock_date=date(2026, 4, 10))})
    done = ship(ahead, ledger, DAY, all_open=True, lang="it")
    [refused] = done.problems
    assert (refused.code, refused.severity, refused.location) == \
        ("stock-date-in-future", "error", ahead.locate_setting("stock_date"))
    assert refused.location.sheet == "Impostazioni"
    assert refused.message("it").startswith("Data giacenze è il 10/04/2026, dopo oggi (09/04/2026)")
    assert refused.message("en").endswith("Write in Stock date the day you counted (e.g. 09/04/2026).")
    assert done.notes == () and table(ledger, "deliveries") == []
    today = stocked.model_copy(update={"settings": replace(stocked.settings, stock_date=DAY)})
    assert len(ship(today, ledger, DAY, all_open=True, lang="it").notes) == 2


@pytest.mark.parametrize(("counted", "told"), [(date(2026, 2, 28), True), (date(2026, 3, 1), False)])
def test_a_stock_count_dated_before_the_previous_month_is_named_when_goods_are_held(
        master, ledger, orders, rome_today, counted, told):
    """Data giacenze a year off, typed in January (04/01/2026 for 2027), takes a year of DDTs
    off the sheet: every line was held at stock 0 with no word of the date. When a shipment
    holds goods back with a count older than the month before the DDT, the cell is named; a
    count of the previous month is a monthly desk's and is not."""
    from test_shipping import with_terms

    from toolkit.basics.vocab import DeliveryTerms

    rome_today(DAY)
    short = with_terms(master, DeliveryTerms.AVAILABILITY, {"A001": "0", "A002": "0", "A003": "0"})
    dated = short.model_copy(update={"settings": replace(short.settings, stock_date=counted)})
    done = ship(dated, ledger, DAY, all_open=True, lang="it")
    assert done.held
    named = [(p.location, dict(p.params)) for p in done.problems if p.code == "stock-date-long-before-ddt"]
    assert named == ([(dated.locate_setting("stock_date"), {"counted": counted, "day": DAY})] if told else [])


def test_ddts_dated_on_a_company_closure_are_warned_naming_the_date_and_the_closure(master, ledger, orders):
    """A DDT dated on a holiday or a closure went out without a word: a desk may ship then, so it
    is issued, but the date is named, with the closure, in case it was a slip."""
    from toolkit.model.records import Closure, Source

    closed = master.model_copy(update={"closures": (
        Closure(date_from=DAY, date_to=DAY, description="Inventario", source=Source(sheet="Chiusure", row=2)),)})
    done = ship(closed, ledger, DAY, numbers=[orders["T001"].number], lang="it")
    assert done.notes
    [told] = [p for p in done.problems if p.code == "ddt-date-holiday"]
    assert (told.severity, told.message("en")) == ("warning", (
        "The date of the DDTs issued (1 DDT) is 09/04/2026, Inventario: a holiday or closure (Holiday region, Patron "
        "saint, Closures sheet). They are issued as asked, since a desk may ship on a holiday; if the goods do not "
        "leave that day, the date chosen with --date is a slip: check it before shipping again."))
    done = ship(master, ledger, DAY, numbers=[orders["T003"].number], lang="it")
    assert done.notes and "ddt-date-holiday" not in [p.code for p in done.problems]


def test_the_calendar_names_holidays_and_closures_not_weekends():
    from toolkit.core.workdays import WorkingCalendar

    calendar = WorkingCalendar(region="MI", closures=((date(2026, 8, 10), date(2026, 8, 21), None),))
    assert [calendar.holiday(d, "en") for d in (date(2026, 12, 8), date(2026, 12, 7), date(2026, 8, 12),
                                                 date(2026, 12, 5), date(2026, 12, 9))] == [
        "Immaculate Conception", "Saint Ambrose's Day", "Company closure", None, None]


def test_a_ddt_issued_ahead_into_the_new_year_holds_back_only_that_years_ddts(master, ledger, orders, rome_today):
    """On 30 December a DDT issued ahead for 4 January: numbers restart in the new year, so
    31 December's DDT still ships, and the warning says which year's DDTs wait (it said every
    DDT of the series dated before the 4th, the 31st's too)."""
    rome_today(date(2026, 12, 30))
    ahead = ship(master, ledger, date(2027, 1, 4), numbers=[orders["T001"].number], future=True, lang="it")
    [warned] = [p for p in ahead.problems if p.code == "ddt-issued-ahead"]
    assert "no DDT of series DDT 2027 can be dated before them" in warned.message("en")
    assert "nessun DDT della serie DDT 2027 può essere datato prima" in warned.message("it")
    today = ship(master, ledger, date(2026, 12, 31), numbers=[orders["T003"].number], future=True, lang="it")
    assert [n.number for n in today.notes] == ["DDT-2026-00001"]
