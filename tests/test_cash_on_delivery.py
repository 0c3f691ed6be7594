"""Cash on delivery (contrassegno) falls due at delivery, end to end, where the desk and the
accountant read it: the ledger's dues, payment monitoring, the aging report, the printed
invoice and the FatturaPA file.

The workbook of `test_order_terms`: customer C001 pays by bank transfer at `30FM`, and its
template T004 is paid cash on delivery. T004 delivers on Thursday 9 April (1 kg of coffee) and
on Thursday 16 April (3 kg, the template changed in between); April's month-end run, on
4 May, makes one deferred invoice of both, dated 30 April. The driver collected each DDT's
amount when it arrived, so the invoice is due on the 9th and on the 16th, each DDT's amount
with its VAT: not on 1 June, as `30FM` from 30 April would say (31 May, a Sunday).

The DDT the driver carries says what to collect (`test_the_ddt_*`): C002 pays *Contrassegno* on
its own customer record, and its template T005 delivers on 9 April goods at three VAT rates
whose VAT, rounded per rate as the invoice rounds it, is a cent more than each line's rounded.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import minimal
import openpyxl
import pytest
from fatturapa_reading import read, schema_errors
from older_ledgers import back_to
from sqlalchemy import func, select
from test_distribution import pdf_text
from test_order_terms import APRIL, CLOSING_DAY, sheets

from toolkit.basics.vocab import PaymentMethod
from toolkit.core.invoicing import Invoice, InvoiceKind, InvoiceStatus, Request
from toolkit.core.payments import PaymentEntry, Show, monitor
from toolkit.core.reports import Kind
from toolkit.core.reports import Request as ReportRequest
from toolkit.intake.validation import check
from toolkit.ledger import Ledger, open_ledger, schema
from toolkit.ledger.db import migrate, reading
from toolkit.ledger.deliveries import load_notes
from toolkit.ledger.invoices import load_invoices
from toolkit.model.records import MasterData
from toolkit.services import einvoice
from toolkit.services.invoicing import run
from toolkit.services.orders import create
from toolkit.services.payments import load_receivables, record
from toolkit.services.printing import Selection, print_documents
from toolkit.services.reports import build
from toolkit.services.shipping import ship
from toolkit.writers.accountants import write_copies
from toolkit.writers.libreoffice import soffice
from toolkit.writers.pdf import to_pdf

FIRST, SECOND = date(2026, 4, 9), date(2026, 4, 16)
FIRST_DUE, SECOND_DUE = D("22.57"), D("67.71")
"""A kilo of coffee at 18.50 with 22% VAT; three kilos."""


def master_with_coffee(kilos: int) -> MasterData:
    s = sheets()
    [t004] = [row for row in s["Righe modello"] if row[0] == "T004"]
    t004[2] = kilos
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


@dataclass(frozen=True)
class April:
    master: MasterData
    ledger: Ledger
    cash: Invoice
    """The invoice paid cash on delivery."""
    transfer: Invoice
    """C001's other invoice, paid by bank transfer at `30FM`."""


@pytest.fixture(scope="module")
def april(tmp_path_factory) -> April:
    ledger = open_ledger(f"sqlite:///{tmp_path_factory.mktemp('cod') / 'ledger.sqlite'}")
    for day, kilos in ((FIRST, 1), (SECOND, 3)):
        master = master_with_coffee(kilos)
        create(master, ledger, day, with_catch_up=False, lang="it")
        assert ship(master, ledger, day, all_open=True, lang="it").notes
    result = run(ledger, master, Request(APRIL, CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it")
    assert result.run_id and not [p for p in result.problems if p.is_error], result.problems
    with reading(ledger) as conn:
        invoices = [x for x in load_invoices(conn) if x.customer == "C001"]
    [cash] = [x for x in invoices if x.payment_method is PaymentMethod.CASH_ON_DELIVERY]
    [transfer] = [x for x in invoices if x.payment_method is PaymentMethod.BANK_TRANSFER]
    yield April(master, ledger, cash, transfer)
    ledger.engine.dispose()


def test_the_invoice_falls_due_on_each_ddts_day_with_that_ddts_amount(april):
    cash = april.cash
    assert cash.invoice_date == date(2026, 4, 30)
    assert [d.day for d in cash.deliveries] == [FIRST, SECOND]
    assert cash.payment_terms == "CONSEGNA"
    assert [(x.due_date, x.amount) for x in cash.dues] == [(FIRST, FIRST_DUE), (SECOND, SECOND_DUE)]
    assert cash.total == D("90.28")
    assert [(x.due_date, x.amount) for x in april.transfer.dues] == [(date(2026, 6, 1), april.transfer.total)]


def test_monitoring_and_aging_see_the_cash_not_collected_as_overdue_since_the_delivery(april):
    """On the run's day, 4 May, nobody recorded the cash: 25 days late since the 9th, not due
    until 1 June as the customer's terms would have said; the aging report ages each delivery's
    cash from its own day."""
    [status] = [s for s in monitor(load_receivables(april.ledger), CLOSING_DAY, Show.UNPAID)
                if s.number == april.cash.number]
    assert (status.next_due, status.next_due_amount, status.days_to_due, status.overdue) == (
        FIRST, FIRST_DUE, -25, True)
    made = build(april.master, april.ledger, ReportRequest(Kind.AGING, date(2026, 1, 1), CLOSING_DAY))
    cash = made.data[made.data["document"] == april.cash.number]
    assert [(r.due_date, r.days_past_due, r.bucket, r.amount) for r in cash.itertuples()] == [
        (FIRST, 25, "d1_30", 2257), (SECOND, 18, "d1_30", 6771)]
    transfer = made.data[made.data["document"] == april.transfer.number]
    assert list(transfer["bucket"]) == ["not_due"]


def test_the_drivers_cash_recorded_on_the_delivery_day_is_not_warned_as_before_the_invoice(april, tmp_path):
    """The invoice is dated 30 April, its first due the 9th: the driver collected before the
    month-end invoice by design. A payment dated before that first due is still worth a look."""
    copy = tmp_path / "ledger.sqlite"
    shutil.copyfile(april.ledger.engine.url.database, copy)
    ledger = open_ledger(f"sqlite:///{copy}")
    number = april.cash.number
    on_delivery = record(ledger, [PaymentEntry(number, FIRST, FIRST_DUE), PaymentEntry(number, SECOND, D("60.00"))])
    assert len(on_delivery.recorded) == 2 and on_delivery.problems == []
    earlier = record(ledger, [PaymentEntry(april.transfer.number, FIRST, D("1.00")),
                              PaymentEntry(number, date(2026, 4, 8), D("0.01"))])
    assert [p.render("it") for p in earlier.problems] == [
        f"L'incasso del 09/04/2026 su {april.transfer.number} è precedente alla data della fattura (30/04/2026): "
        "controlla la data.",
        f"L'incasso del 08/04/2026 su {number} è precedente alla data della fattura (30/04/2026): controlla la data."]
    ledger.engine.dispose()


def test_the_xml_states_each_delivery_as_a_payment_due_that_day(april, tmp_path):
    done = einvoice.export(april.master, april.ledger, out=tmp_path / "xml", month=APRIL)
    assert not done.refused and not done.problems
    path = done.files[april.cash.number]
    assert schema_errors(path) == []
    got = read(path)
    assert got.payment_terms == "TP01"
    assert got.dues == (("MP01", FIRST, FIRST_DUE), ("MP01", SECOND, SECOND_DUE))


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or pdftotext (poppler-utils) is not installed")
def test_the_printed_invoice_says_at_delivery_with_each_ddts_day_and_amount(april, tmp_path):
    """Printed by LibreOffice, which recalculates: the dues are each DDT's amount, not equal
    halves of the total, and the terms read "Alla consegna", not "30 gg data fattura fine mese"."""
    printed = pdf_text(to_pdf(write_copies(Path(tmp_path) / "copie.xlsx", april.master, [april.cash])))
    lines = [" ".join(line.split()) for line in printed.splitlines()]
    assert "Termini di pagamento Alla consegna" in lines
    assert "fine mese" not in printed
    assert "09/04/2026 22,57 €" in lines and "16/04/2026 67,71 €" in lines


# ---- the DDT: the cash the driver collects

TO_COLLECT = D("64.14")
"""C002's goods of 9 April with their VAT: 22% on 2 × 18.52 = 37.04 is 8.15 (each line's 4.07
would make 8.14), 4% on 7 × 1.23 = 8.61 is 0.34, and a book of 10.00 exempt (N4)."""
CAPTION = "Contrassegno: da incassare alla consegna (IVA inclusa)"


def cash_customer_master(*, invoiced_at_order: bool = False, milk_a_service: bool = False,
                         two_vans: bool = False, by_destination: bool = False, by_project: bool = False
                         ) -> MasterData:
    """`test_order_terms`' workbook, C002 paying cash on delivery, with the weekly template T005;
    with `milk_a_service`, A002 is a service (*Servizio* sì), which travels on no DDT; with
    `two_vans`, T005's lines are two templates', T005 a kilo of coffee and the milk, T006 the
    other kilo and the book, so that they can leave on two DDTs of the day; with
    `by_destination`, T006 delivers to C002's D002 and C002's invoices are one per destination;
    with `by_project`, T005 is project PRJ-A's, T006 PRJ-B's, and C002's invoices one per project."""
    s = sheets()
    if milk_a_service:
        for row, service in zip(s["Articoli"], ("Servizio", "no", "sì", "no")):
            row.append(service)
    [c002] = [row for row in s["Clienti"] if row[0] == "C002"]
    c002[7:9] = ["Contrassegno", "CONSEGNA"]
    if invoiced_at_order:
        s["Clienti"][0].append("Termini di fatturazione")
        c002.append("Immediato")
    s["Modelli ordine"].append(["T005", "C002", None, None, "Settimanale", "gio", None, None, None, None,
                                "01/03/2026", None, None, None, None])
    second = "T006" if two_vans else "T005"
    if two_vans:
        s["Modelli ordine"].append(["T006", "C002", "D002" if by_destination else None,
                                    *s["Modelli ordine"][-1][3:]])
    if by_destination:
        s["Destinazioni"].append(["D002", "C002", "Via Nizza 5", "Roma"])
    if by_destination or by_project:
        s["Clienti"][0].append("Raggruppamento fatture")
        c002 += [None] * (len(s["Clienti"][0]) - 1 - len(c002)) + ["Destinazione" if by_destination else "Progetto"]
    if by_project:
        s["Modelli ordine"][0].append("Progetto")
        for row in s["Modelli ordine"][1:]:
            row += [None] * (len(s["Modelli ordine"][0]) - 1 - len(row)) + [
                {"T005": "PRJ-A", "T006": "PRJ-B"}.get(row[0])]
    s["Righe modello"] += [["T005", "A001", 1, 18.52, None], [second, "A001", 1, 18.52, "per il banco"],
                           ["T005", "A002", 7, 1.23, None], [second, "A003", 1, None, None]]
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


def shipped_ddts(master: MasterData, ledger: Ledger, out: Path, lang: str = "it") -> dict[str, openpyxl.Workbook]:
    """9 April's orders shipped and printed as `ship --out` prints them: each DDT's sheet by the
    DDT's customer and destination (`C001`, `C001/D001`, `C002`)."""
    create(master, ledger, FIRST, with_catch_up=False, lang="it")
    shipped = ship(master, ledger, FIRST, all_open=True, out=out, lang=lang)
    assert shipped.written and not [p for p in shipped.problems if p.is_error], shipped.problems
    book = openpyxl.load_workbook(shipped.written)
    return {"/".join(filter(None, (n.customer, n.ship_to))): book[n.number] for n in shipped.ddts}


def below(sheet, caption: str):
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == caption:
                return sheet.cell(cell.row + 1, cell.column)
    return None


def right_of(sheet, caption: str):
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == caption:
                return sheet.cell(cell.row, cell.column + 1).value
    return None


def test_the_ddt_of_a_customer_paying_cash_on_delivery_says_what_to_collect(ledger, tmp_path):
    ddts = shipped_ddts(cash_customer_master(), ledger, tmp_path / "ddt.xlsx")
    cash = ddts["C002"]
    assert right_of(cash, "Pagamento") == "Contrassegno"
    amount = below(cash, CAPTION)
    assert (amount.value, amount.font.b) == (float(TO_COLLECT), True)
    assert "€" in amount.number_format


def test_the_amount_collected_is_the_invoices_due_for_that_delivery(ledger, tmp_path):
    master = cash_customer_master()
    shipped_ddts(master, ledger, tmp_path / "ddt.xlsx")
    result = run(ledger, master, Request(APRIL, CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it")
    assert result.run_id, result.problems
    with reading(ledger) as conn:
        [invoice] = [x for x in load_invoices(conn) if x.customer == "C002"]
    assert [(x.due_date, x.amount) for x in invoice.dues] == [(FIRST, TO_COLLECT)]


def test_the_driver_collects_the_services_rendered_with_the_goods_as_the_invoice_charges_them(ledger, tmp_path):
    """A002 a service: recorded as services rendered, left off the DDT's paper, but its 7 × 1.23
    = 8.61 with 4% VAT (0.34) is on the invoice's due for the day, so the box collects it: the
    goods alone would be 37.04 + 8.15 + 10.00 = 55.19, 8.95 short of what the customer owes.
    Printed again, the DDT asks the same."""
    master = cash_customer_master(milk_a_service=True)
    ddt = shipped_ddts(master, ledger, tmp_path / "ddt.xlsx")["C002"]
    printed = {cell.value for row in ddt.iter_rows() for cell in row}
    assert "Caffè in grani 1 kg" in printed and "Latte fresco 1 l" not in printed
    by_hand = (D("18.52") * 2 + (D("18.52") * 2 * D("0.22")).quantize(D("0.01")) + D("10.00")
               + D("7") * D("1.23") + (D("7") * D("1.23") * D("0.04")).quantize(D("0.01")))
    assert by_hand == TO_COLLECT == D("64.14")
    assert below(ddt, CAPTION).value == float(TO_COLLECT)
    again = print_documents(master, ledger, "ddt", Selection(numbers=(ddt.title,)), tmp_path / "again.xlsx", "it")
    assert below(openpyxl.load_workbook(again.written)[ddt.title], CAPTION).value == float(TO_COLLECT)
    result = run(ledger, master, Request(APRIL, CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it")
    assert result.run_id, result.problems
    with reading(ledger) as conn:
        [invoice] = [x for x in load_invoices(conn) if x.customer == "C002"]
    assert [(x.due_date, x.amount) for x in invoice.dues] == [(FIRST, TO_COLLECT)]
    assert sorted(line.item for line in invoice.lines) == ["A001", "A001", "A002", "A003"]


@pytest.mark.parametrize("milk_a_service", [False, True])
def test_a_customers_ddts_of_one_day_collect_the_days_due_to_the_cent(ledger, tmp_path, milk_a_service):
    """C002's day leaves on two vans: T005's coffee and milk first, then T006's coffee and book.
    Each DDT rounding its own VAT would ask 18.52 + 4.07 + 8.61 + 0.34 = 31.54 and 18.52 + 4.07
    + 10.00 = 32.59, 64.13 in all, a cent short of the invoice's due for the day, whose 22% is
    on both kilos (37.04: 8.15). The first DDT asks what it asks alone; the second what it adds
    to the day, 32.60, the same when printed again, and the boxes add up to the due. The milk
    a service, on no DDT, the first DDT collects it all the same."""
    master = cash_customer_master(two_vans=True, milk_a_service=milk_a_service)
    created = create(master, ledger, FIRST, with_catch_up=False, lang="it")
    [first_order] = [row["number"] for row in created.created if row["template"] == "T005"]
    first = ship(master, ledger, FIRST, numbers=[first_order], out=tmp_path / "van-1.xlsx", lang="it")
    second = ship(master, ledger, FIRST, all_open=True, out=tmp_path / "van-2.xlsx", lang="it")
    [one] = [n for n in first.notes if n.customer == "C002" and n.is_ddt]
    [two] = [n for n in second.notes if n.customer == "C002" and n.is_ddt]
    boxes = [below(openpyxl.load_workbook(first.written)[one.number], CAPTION).value,
             below(openpyxl.load_workbook(second.written)[two.number], CAPTION).value]
    day = (D("18.52") * 2 + (D("18.52") * 2 * D("0.22")).quantize(D("0.01"))
           + D("7") * D("1.23") + (D("7") * D("1.23") * D("0.04")).quantize(D("0.01")) + D("10.00"))
    assert day == TO_COLLECT
    assert boxes == [float(D("31.54")), float(day - D("31.54"))] == [31.54, 32.60]
    again = print_documents(master, ledger, "ddt", Selection(numbers=(two.number, one.number)),
                            tmp_path / "again.xlsx", "it")
    book = openpyxl.load_workbook(again.written)
    assert [below(book[n.number], CAPTION).value for n in (one, two)] == boxes
    result = run(ledger, master, Request(APRIL, CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it")
    assert result.run_id, result.problems
    with reading(ledger) as conn:
        [invoice] = [x for x in load_invoices(conn) if x.customer == "C002"]
    assert [(x.due_date, x.amount) for x in invoice.dues] == [(FIRST, day)]
    assert sum(D(str(box)) for box in boxes) == day


def test_ddts_invoiced_as_they_ship_each_collect_their_own_invoices_due(ledger, tmp_path):
    """`ship --invoice` twice in a day: each van's DDT is on its own invoice, due that day, so
    each box is what its invoice asks, 31.54 and 32.59, not a share of one day's 64.14."""
    master = cash_customer_master(two_vans=True)
    created = create(master, ledger, FIRST, with_catch_up=False, lang="it")
    [first_order] = [row["number"] for row in created.created if row["template"] == "T005"]
    vans = [ship(master, ledger, FIRST, numbers=[first_order], out=tmp_path / "van-1.xlsx", invoice=True, lang="it"),
            ship(master, ledger, FIRST, all_open=True, out=tmp_path / "van-2.xlsx", invoice=True, lang="it")]
    boxes, dues = [], []
    for van in vans:
        [ddt] = [n for n in van.notes if n.customer == "C002"]
        [invoice] = [x for x in van.invoices if x.customer == "C002"]
        boxes.append(below(openpyxl.load_workbook(van.written)[ddt.number], CAPTION).value)
        dues.append([(d.due_date, d.amount) for d in invoice.dues])
    assert dues == [[(FIRST, D("31.54"))], [(FIRST, D("32.59"))]]
    assert boxes == [31.54, 32.59]


def test_a_ddt_of_two_projects_invoiced_apart_collects_each_invoices_due(ledger, tmp_path):
    """C002 invoiced per project: its one DDT of the day carries T005's order of PRJ-A and
    T006's of PRJ-B, which go to two invoices, each rounding its own VAT: the box collects their
    two dues, 31.54 + 32.59 = 64.13, not the 64.14 of the lines rounded together."""
    master = cash_customer_master(two_vans=True, by_project=True)
    ddt = shipped_ddts(master, ledger, tmp_path / "ddt.xlsx")["C002"]
    assert below(ddt, CAPTION).value == 64.13
    result = run(ledger, master, Request(APRIL, CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it")
    assert result.run_id, result.problems
    with reading(ledger) as conn:
        invoices = [x for x in load_invoices(conn) if x.customer == "C002"]
    assert sorted((x.group_key, [(d.due_date, d.amount) for d in x.dues]) for x in invoices) == [
        ("project:PRJ-A", [(FIRST, D("31.54"))]), ("project:PRJ-B", [(FIRST, D("32.59"))])]


def test_ddts_to_destinations_invoiced_apart_each_collect_their_own_invoices_due(ledger, tmp_path):
    """C002 invoiced per destination: its DDT to its own address and the one to D002 of the
    same day are on two invoices, each with its own due, so each box is what it asks alone,
    31.54 and 32.59, not a share of one day's 64.14."""
    master = cash_customer_master(two_vans=True, by_destination=True)
    ddts = shipped_ddts(master, ledger, tmp_path / "ddt.xlsx")
    boxes = {where: below(ddts[where], CAPTION).value for where in ("C002", "C002/D002")}
    assert boxes == {"C002": 31.54, "C002/D002": 32.59}
    result = run(ledger, master, Request(APRIL, CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it")
    assert result.run_id, result.problems
    with reading(ledger) as conn:
        invoices = [x for x in load_invoices(conn) if x.customer == "C002"]
    assert sorted((x.group_key, [(d.due_date, d.amount) for d in x.dues]) for x in invoices) == [
        ("ship-to:", [(FIRST, D("31.54"))]), ("ship-to:D002", [(FIRST, D("32.59"))])]


def test_a_ddt_printed_again_is_read_once_and_of_its_day_only_what_it_collects_with(ledger, tmp_path, monkeypatch):
    """Printing C002's DDT reads it, then of its day only what the printing does not hold of
    C002: the record of the milk rendered, which its box collects. Not the DDT again, nor
    C001's two DDTs, which collect nothing of C002's."""
    from toolkit.services import printing

    master = cash_customer_master(milk_a_service=True)
    ddt = shipped_ddts(master, ledger, tmp_path / "ddt.xlsx")["C002"]
    with reading(ledger) as conn:
        [services] = [n.number for n in load_notes(conn, customer="C002") if not n.is_ddt]
    asked: list[list[str]] = []

    def counted(conn, **chosen):
        found = load_notes(conn, **chosen)
        asked.append([n.number for n in found])
        return found

    monkeypatch.setattr(printing, "load_notes", counted)
    again = print_documents(master, ledger, "ddt", Selection(numbers=(ddt.title,)), tmp_path / "again.xlsx", "it")
    assert asked == [[ddt.title], [services]]
    assert below(openpyxl.load_workbook(again.written)[ddt.title], CAPTION).value == float(TO_COLLECT)


def test_a_ddt_with_thousands_of_lines_collects_its_goods_and_services_total():
    """3,000 goods lines and 3,000 services collected with them: the box asks both, VAT
    included (the cost of gathering the cash orders once, not per service line, is the
    benchmarks' to watch, not a timed test's)."""
    from toolkit.core.documents import DeliveryNote, DeliveryNoteLine
    from toolkit.core.shipping import Reason

    def line(n: int, item: str) -> DeliveryNoteLine:
        return DeliveryNoteLine(item, item, "pz", D(1), D("1.00"), D("1.00"), D(22), None, n, n, n, f"O{n}", 1)

    lines = tuple(line(n, "A001") for n in range(3000))
    note = DeliveryNote(1, "DDT-2026-00001", "DDT", 2026, 1, FIRST, "C002", None, None, Reason.SALE, None, None,
                        False, lines)
    services = [line(n, "S001") for n in range(3000)]
    assert note.to_collect(PaymentMethod.CASH_ON_DELIVERY, frozenset()) == D("3660.00")
    assert note.to_collect(PaymentMethod.CASH_ON_DELIVERY, frozenset(), services) == D("7320.00")


def test_a_ddt_collects_only_the_orders_paid_cash_on_delivery(ledger, tmp_path):
    """C001 pays by bank transfer: its DDT to D001 (T001) says nothing of payment, and the DDT
    to its own address collects T004's kilo of coffee, not T003's book paid by transfer."""
    ddts = shipped_ddts(cash_customer_master(), ledger, tmp_path / "ddt.xlsx")
    by_transfer = ddts["C001/D001"]
    printed = {cell.value for row in by_transfer.iter_rows() for cell in row}
    assert not {"Pagamento", CAPTION} & printed
    mixed = ddts["C001"]
    assert right_of(mixed, "Pagamento") == "Bonifico bancario, Contrassegno"
    assert below(mixed, CAPTION).value == float(FIRST_DUE)


def test_an_order_invoiced_at_the_order_and_paid_leaves_nothing_to_collect(ledger, tmp_path):
    """C002 invoiced *Immediato*: the invoice is made with the order. Unpaid when shipped, its
    DDT collects it; printed again once the payment is recorded, it asks for nothing."""
    master = cash_customer_master(invoiced_at_order=True)
    unpaid = shipped_ddts(master, ledger, tmp_path / "unpaid.xlsx")["C002"]
    assert below(unpaid, CAPTION).value == float(TO_COLLECT)
    with reading(ledger) as conn:
        [invoice] = [x for x in load_invoices(conn) if x.customer == "C002"]
    assert not record(ledger, [PaymentEntry(invoice.number, FIRST, invoice.total)]).problems
    again = print_documents(master, ledger, "ddt", Selection(numbers=(unpaid.title,)), tmp_path / "again.xlsx", "it")
    paid = openpyxl.load_workbook(again.written)[unpaid.title]
    assert right_of(paid, "Pagamento") == "Contrassegno"
    assert below(paid, CAPTION).value == "Nulla da incassare: già pagato"


def test_the_english_ddt_says_cash_on_delivery_and_the_amount(ledger, tmp_path):
    ddts = shipped_ddts(cash_customer_master(), ledger, tmp_path / "ddt.xlsx", lang="en")
    cash = ddts["C002"]
    assert right_of(cash, "Payment") == "Cash on delivery"
    assert below(cash, "Cash on delivery: to collect on delivery (VAT included)").value == float(TO_COLLECT)


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or pdftotext (poppler-utils) is not installed")
def test_the_printed_ddt_reads_cash_on_delivery_and_the_amount(ledger, tmp_path):
    """The DDT as `toolkit print ddt --pdf` prints it through LibreOffice."""
    master = cash_customer_master()
    cash = shipped_ddts(master, ledger, tmp_path / "ddt.xlsx")["C002"]
    done = print_documents(master, ledger, "ddt", Selection(numbers=(cash.title,)), tmp_path / "again.xlsx", "it",
                           pdf=True)
    lines = [" ".join(line.split()) for line in pdf_text(done.pdfs[0]).splitlines()]
    assert "Pagamento Contrassegno" in lines
    assert CAPTION in lines
    assert "64,14 €" in lines


def test_a_ddt_invoiced_as_it_ships_collects_the_stamp_duty_its_invoice_charges(ledger, tmp_path):
    """Eight books exempt (N4) at 10.00 make 80.00 without VAT: `ship --invoice` charges the 2.00 €
    stamp duty on the invoice, due that day with the goods, and the driver collected the goods only,
    leaving 2.00 € of a cash-on-delivery invoice unpaid from the day it was issued."""
    master = cash_customer_master()
    templates = master.template_lines
    master = master.model_copy(update={"template_lines": tuple(
        replace(line, quantity=D(8)) if (line.template, line.item) == ("T005", "A003") else line
        for line in templates)})
    create(master, ledger, FIRST, with_catch_up=False, lang="it")
    van = ship(master, ledger, FIRST, all_open=True, out=tmp_path / "van.xlsx", invoice=True, lang="it")
    [ddt] = [n for n in van.notes if n.customer == "C002"]
    [invoice] = [x for x in van.invoices if x.customer == "C002"]
    assert invoice.lines[-1].charged_stamp_duty and invoice.lines[-1].amount == D("2.00")
    assert [(d.due_date, d.amount) for d in invoice.dues] == [(FIRST, invoice.total)]
    assert below(openpyxl.load_workbook(van.written)[ddt.number], CAPTION).value == float(invoice.total)


def test_a_ddt_printed_again_after_its_month_end_invoice_asks_what_it_asked_the_first_time(ledger, tmp_path):
    """The same 80.00 € of exempt books shipped without an invoice: the driver collected the goods,
    the box saying so. April's run then issues the deferred invoice dated 30 April, charging the
    2.00 € stamp duty on its last due, the 9th: the DDT printed again asked 2.00 € more than the
    paper the driver carried, for a duty the invoice added three weeks after the goods left."""
    master = cash_customer_master()
    master = master.model_copy(update={"template_lines": tuple(
        replace(line, quantity=D(8)) if (line.template, line.item) == ("T005", "A003") else line
        for line in master.template_lines)})
    first = shipped_ddts(master, ledger, tmp_path / "ddt.xlsx")["C002"]
    asked = below(first, CAPTION).value
    result = run(ledger, master, Request(APRIL, CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it")
    assert result.run_id, result.problems
    with reading(ledger) as conn:
        [invoice] = [x for x in load_invoices(conn) if x.customer == "C002"]
    assert invoice.lines[-1].charged_stamp_duty and invoice.total == D(str(asked)) + D("2.00")
    again = print_documents(master, ledger, "ddt", Selection(numbers=(first.title,)), tmp_path / "again.xlsx", "it")
    assert below(openpyxl.load_workbook(again.written)[first.title], CAPTION).value == asked


def test_a_month_end_invoice_states_its_stamp_duty_as_a_due_of_its_own_on_its_date(ledger, tmp_path):
    """The 80.00 € of exempt books delivered on the 9th, the DDT asking 80.00: April's deferred
    invoice, dated the 30th, charges the 2.00 € stamp duty. Its due of the 9th is what the driver
    collected, not 82.00 (leaving 2.00 overdue since a day nobody could have asked for it); the
    duty is due on the invoice's date, in the ledger and in the e-invoice, which SDI's schema takes."""
    master = cash_customer_master()
    master = master.model_copy(update={"template_lines": tuple(
        replace(line, quantity=D(8)) if (line.template, line.item) == ("T005", "A003") else line
        for line in master.template_lines)})
    asked = D(str(below(shipped_ddts(master, ledger, tmp_path / "ddt.xlsx")["C002"], CAPTION).value))
    assert run(ledger, master, Request(APRIL, CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it").run_id
    with reading(ledger) as conn:
        [invoice] = [x for x in load_invoices(conn) if x.customer == "C002"]
    assert [(d.due_date, d.amount) for d in invoice.dues] == [(FIRST, asked), (date(2026, 4, 30), D("2.00"))]
    done = einvoice.export(master, ledger, out=tmp_path / "xml", month=APRIL)
    path = done.files[invoice.number]
    assert schema_errors(path) == []
    assert read(path).dues == (("MP01", FIRST, asked), ("MP01", date(2026, 4, 30), D("2.00")))


def _c002_shipped_on(day, ledger, tmp_path, out: Path | None = Path("ddt.xlsx")):
    """C002's cash-on-delivery goods (A003 raised to 8) created and shipped on `day`: the master and
    what each of C002's DDTs asked the driver to collect, as its box printed it (`out`, in
    `tmp_path`; None: shipped without printing, nothing asked yet)."""
    out = tmp_path / out if out is not None else None
    master = cash_customer_master()
    master = master.model_copy(update={"template_lines": tuple(
        replace(line, quantity=D(8)) if (line.template, line.item) == ("T005", "A003") else line
        for line in master.template_lines)})
    create(master, ledger, day, with_catch_up=False, lang="it")
    shipped = ship(master, ledger, day, all_open=True, out=out, lang="it")
    if shipped.written is None:
        return master, {}
    book = openpyxl.load_workbook(shipped.written)
    return master, {n.number: D(str(box.value)) for n in shipped.ddts if n.customer == "C002"
                    and (box := below(book[n.number], CAPTION)) is not None}


def test_a_month_end_invoice_dated_its_last_ddts_day_leaves_that_ddts_box_as_the_driver_read_it(ledger, tmp_path):
    """C002's goods delivered on Thursday 30 April, the DDT asking what they cost; April's
    deferred invoice, dated the 30th too, charges the 2.00 € stamp duty. It went on the 30th's
    due, as if the invoice had travelled with the goods, so the DDT printed again asked 2.00 €
    more than the paper the driver carried. The duty is a due of its own, on the same
    day; the dues still sum to the total, in the ledger and in the e-invoice SDI's schema takes."""
    master, asked = _c002_shipped_on(last := date(2026, 4, 30), ledger, tmp_path)
    ddts = list(asked)
    assert len(ddts) == 1, "C002's return of the day collects nothing"
    day = sum(asked.values(), D(0))
    assert run(ledger, master, Request(APRIL, CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it").run_id
    with reading(ledger) as conn:
        [invoice] = [x for x in load_invoices(conn) if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    assert invoice.invoice_date == last and invoice.lines[-1].charged_stamp_duty
    assert [(d.due_date, d.amount) for d in invoice.dues] == [(last, day), (last, D("2.00"))]
    assert sum(d.amount for d in invoice.dues) == invoice.total
    again = print_documents(master, ledger, "ddt", Selection(numbers=tuple(ddts)), tmp_path / "again.xlsx", "it")
    book = openpyxl.load_workbook(again.written)
    assert {ddt: D(str(below(book[ddt], CAPTION).value)) for ddt in ddts} == asked
    done = einvoice.export(master, ledger, out=tmp_path / "xml", month=APRIL)
    path = done.files[invoice.number]
    assert schema_errors(path) == []
    assert read(path).dues == (("MP01", last, day), ("MP01", last, D("2.00")))


def _boxes(master, ledger, ddts, out: Path) -> dict[str, D]:
    """What each of these DDTs asks the driver, printed again into `out`."""
    again = print_documents(master, ledger, "ddt", Selection(numbers=tuple(ddts)), out, "it")
    book = openpyxl.load_workbook(again.written)
    return {ddt: D(str(below(book[ddt], CAPTION).value)) for ddt in ddts}


def _earlier_toolkits_month_end(master, ledger, last: date) -> Invoice:
    """April's month end as an earlier toolkit made it, dated the DDT's day with the duty on that
    day's due (`with_goods`), as `ship --invoice` has it: its dues cannot tell the two apart."""
    assert run(ledger, master, Request(APRIL, CLOSING_DAY, with_goods=True), status=InvoiceStatus.FINAL, lang="it").run_id
    with reading(ledger) as conn:
        [invoice] = [x for x in load_invoices(conn) if x.customer == "C002" and x.kind is InvoiceKind.INVOICE]
    assert [d.due_date for d in invoice.dues] == [last] and invoice.lines[-1].charged_stamp_duty
    return invoice


def test_an_earlier_toolkits_month_end_reprints_the_ddt_printed_before_it_as_the_driver_read_it(ledger, tmp_path):
    """The DDT printed with the goods, the invoice of an earlier toolkit stored after it with the
    duty on the day's due: the DDT printed again asked 2.00 € more than the driver's paper, which
    no invoice existed to add it to. Its first printing came before the invoice, so the reprint
    asks what that paper asked, and again the second time, the first printing kept."""
    master, asked = _c002_shipped_on(last := date(2026, 4, 30), ledger, tmp_path)
    invoice = _earlier_toolkits_month_end(master, ledger, last)
    assert invoice.dues[0].amount == sum(asked.values()) + D("2.00")
    assert _boxes(master, ledger, asked, tmp_path / "again.xlsx") == asked
    assert _boxes(master, ledger, asked, tmp_path / "again-2.xlsx") == asked


def test_an_earlier_toolkits_month_end_asks_the_duty_on_a_ddt_first_printed_after_it(ledger, tmp_path):
    """A DDT stored without printing, first printed once that invoice was stored: its first paper
    asked the duty with the day's goods, as the invoice's one due says, and so does each reprint."""
    last = date(2026, 4, 30)
    master = _c002_shipped_on(last, ledger, tmp_path, out=None)[0]
    invoice = _earlier_toolkits_month_end(master, ledger, last)
    with reading(ledger) as conn:
        ddts = [n.number for n in load_notes(conn) if n.customer == "C002" and n.cash_lines(PaymentMethod.CASH_ON_DELIVERY)]
    first = _boxes(master, ledger, ddts, tmp_path / "first.xlsx")
    assert sum(first.values()) == invoice.dues[0].amount == invoice.total
    assert _boxes(master, ledger, ddts, tmp_path / "again.xlsx") == first


def test_a_ledger_before_schema_38_takes_the_last_printing_for_the_first(ledger, tmp_path):
    """A ledger that kept only the last printing: migrated, the last printing known stands for the
    first, and the DDT printed before the earlier toolkit's invoice reprints as the driver read it."""
    master, asked = _c002_shipped_on(last := date(2026, 4, 30), ledger, tmp_path)
    _earlier_toolkits_month_end(master, ledger, last)
    back_to(ledger, 37, {"printings": ["first_printed_at"]})
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        p = schema.printings.c
        assert conn.execute(select(func.count()).where(p.first_printed_at.is_(None) | (p.first_printed_at != p.printed_at))
                            ).scalar_one() == 0
    assert _boxes(master, ledger, asked, tmp_path / "again.xlsx") == asked
