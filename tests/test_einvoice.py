"""A month of FatturaPA files from the bundled sample: every invoice and credit note of April
2026, written, valid against the official schema, and read back equal to the ledger.

The month is made as a user would make it: every working day the day's orders are created
and every open order shipped (immediate invoices are issued then), and at month end April is
invoiced and finalized. All the calls into the ledger and the services are in `ledger_month`.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fatturapa_reading import read, schema_errors

from toolkit.core.einvoice import Context, credited_invoices
from toolkit.core.invoicing import Invoice, InvoiceKind
from toolkit.writers.fatturapa import Written, write_invoices

APRIL = (date(2026, 4, 1), date(2026, 4, 30))
CLOSING_DAY = date(2026, 5, 4)
"""The first working day after April: the month-end run's "today"."""

MP = {"cash": "MP01", "cash-on-delivery": "MP01", "cheque": "MP02", "bank-transfer": "MP05", "card": "MP08",
      "rid": "MP09", "riba": "MP12", "direct-debit": "MP19"}
STAMP_NATURES = {"N1", "N2.1", "N2.2", "N3.4", "N3.5", "N3.6", "N4"}


def ledger_month(master, folder: Path) -> list[Invoice]:
    """April day by day (`toolkit orders create` and `toolkit ship --all`), the month-end run
    (`toolkit invoice --month 2026-04 --final`), then every invoice in the ledger."""
    from toolkit.core.invoicing import InvoiceStatus, Period, Request
    from toolkit.core.workdays import working_calendar
    from toolkit.ledger import open_ledger
    from toolkit.ledger.db import reading
    from toolkit.ledger.invoices import load_invoices
    from toolkit.services.invoicing import run
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    ledger = open_ledger(f"sqlite:///{folder / 'ledger.sqlite'}")
    calendar = working_calendar(master.settings, master.closures)
    for day in (APRIL[0] + timedelta(days=n) for n in range((APRIL[1] - APRIL[0]).days + 1)):
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            ship(master, ledger, day, all_open=True, lang="it")
    result = run(ledger, master, Request(Period(*APRIL), CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it")
    assert result.run_id and not [p for p in result.problems if p.is_error]
    with reading(ledger) as conn:
        invoices = load_invoices(conn)
    ledger.engine.dispose()
    return invoices


@dataclass(frozen=True)
class Month:
    master: object
    invoices: list[Invoice]
    context: Context
    written: Written
    folder: Path


def month_context(master, invoices: list[Invoice]) -> Context:
    """Progressives in the ledger's order (the ledger will keep them), credit notes linked."""
    return Context(master.settings, {c.code: c for c in master.customers},
                   {invoice.number: f"{n:05d}" for n, invoice in enumerate(invoices, start=1)},
                   linked={invoice.number: credited_invoices(invoice, invoices) for invoice in invoices})


@pytest.fixture(scope="module")
def month(tmp_path_factory, sample_master) -> Month:
    folder = tmp_path_factory.mktemp("einvoice-month")
    invoices = ledger_month(sample_master, folder)
    context = month_context(sample_master, invoices)
    written = write_invoices(invoices, context, folder / "xml", archive=folder / "fatture-2026-04.zip")
    return Month(sample_master, invoices, context, written, folder)


def test_every_invoice_and_credit_note_of_the_month_is_written(month):
    assert not month.written.problems and not month.written.refused
    assert set(month.written.files) == {invoice.number for invoice in month.invoices}
    kinds = {read(path).kind for path in month.written.files.values()}
    assert kinds == {"TD01", "TD24", "TD04"}


def test_file_names_are_the_seller_vat_number_and_the_progressive(month):
    vat = month.master.settings.vat_number
    for number, path in month.written.files.items():
        assert re.fullmatch(rf"IT{vat}_[0-9A-Za-z]{{5}}\.xml", path.name), path.name
        assert path.name == f"IT{vat}_{month.context.progressives[number]}.xml"


def test_every_file_is_valid_against_the_official_schema(month):
    invalid = {path.name: errors[:1] for path in month.written.files.values() if (errors := schema_errors(path))}
    assert invalid == {}


def test_every_file_reads_back_as_the_ledger_has_the_invoice(month):
    customers = {c.code: c for c in month.master.customers}
    for invoice in month.invoices:
        got = read(month.written.files[invoice.number])
        sign = -1 if invoice.kind is InvoiceKind.CREDIT_NOTE else 1
        customer = customers[invoice.customer]
        assert (got.number, got.day, got.currency) == (invoice.number, invoice.invoice_date, "EUR")
        shipped_before = any(x.delivery and x.delivery.day < invoice.invoice_date for x in invoice.lines)
        assert got.kind == ("TD04" if sign < 0 else "TD24" if shipped_before else "TD01")
        assert got.total == invoice.total * sign == (invoice.taxable + invoice.vat) * sign
        assert (got.transmission_format, got.version) == ("FPR12", "FPR12")
        assert got.recipient_code == (customer.sdi_code or "0000000")
        assert got.pec == (customer.pec if not customer.sdi_code else None)
        assert (got.buyer_vat, got.buyer_tax_code, got.buyer_name) == (customer.vat_number, customer.tax_code, customer.name)
        assert got.seller_vat == month.master.settings.vat_number
        assert [(x.number, x.item, x.description, x.unit, x.rate, x.nature) for x in got.lines] == [
            (x.line_no, x.item or None, x.description, x.unit or None, x.vat_rate, x.vat_nature)
            for x in invoice.lines], "a line of no item (the stamp duty charged) has no code nor unit in the XML"
        for read_line, line in zip(got.lines, invoice.lines, strict=True):
            assert read_line.quantity == abs(line.quantity)
            assert read_line.total == line.amount * sign
            assert read_line.unit_price == line.unit_price * sign * (-1 if line.quantity < 0 else 1)
        ddts = {}
        for line in invoice.lines:
            if line.delivery is not None and not line.delivery.number.startswith("SERVIZI-"):
                ddts.setdefault((line.delivery.number, ddt_date(line.delivery)), []).append(line.line_no)
        assert got.ddts == tuple((number, day, tuple(lines)) for (number, day), lines in
                                 sorted(ddts.items(), key=lambda kv: (kv[0][1], kv[0][0])))
        assert [(rate, nature, taxable, vat) for rate, nature, taxable, vat, _ in got.summary] == [
            (s.rate, s.nature, s.taxable * sign, s.vat * sign) for s in invoice.summary]
        assert all(bool(reference) == bool(nature) for _, nature, _, _, reference in got.summary)
        assert got.dues == tuple((MP[invoice.payment_method.value], d.due_date, d.amount) for d in invoice.dues)
        assert got.payment_terms == (None if not invoice.dues else "TP01" if len(invoice.dues) > 1 else "TP02")
        exempt = sum((s.taxable for s in invoice.summary if not s.rate and s.nature in STAMP_NATURES), Decimal(0))
        assert got.stamp_duty == (Decimal("2.00") if abs(exempt) > Decimal("77.47") else None)
        references: dict[tuple[str, str], list[int]] = {}
        for line in invoice.lines:
            rendered = line.delivery is not None and line.delivery.number.startswith("SERVIZI-")
            if reference := line.customer_reference or (line.order_number if rendered else None):
                references.setdefault((line.order_number, reference), []).append(line.line_no)
        assert got.purchase_orders == tuple((reference, tuple(lines)) for (_, reference), lines in references.items())


def test_the_customers_order_references_of_the_sample_reach_the_files(month):
    """Beside the customers' references, the orders of services rendered, which no DDT documents."""
    cited = {reference for path in month.written.files.values() for reference, _ in read(path).purchase_orders}
    assert {reference for reference in cited if not reference.startswith("OC-")} == {"ODA 2026/118", "PO-4471"}


def ddt_date(ref) -> date:
    return ref.day


def test_credit_notes_cite_the_invoice_they_correct_when_the_ledger_can_tell(month):
    for invoice in month.invoices:
        got = read(month.written.files[invoice.number])
        expected = tuple((d.reference, d.day) for d in month.context.linked.get(invoice.number, ()))
        assert got.linked == expected


def test_the_archive_holds_every_file_as_written(month):
    with zipfile.ZipFile(month.written.archive) as archive:
        assert sorted(archive.namelist()) == sorted(p.name for p in month.written.files.values())
        for path in month.written.files.values():
            assert archive.read(path.name) == path.read_bytes()


def test_writing_the_month_again_writes_the_same_files(month, tmp_path):
    again = write_invoices(month.invoices, month.context, tmp_path)
    assert {n: p.name for n, p in again.files.items()} == {n: p.name for n, p in month.written.files.items()}
    assert all(again.files[n].read_bytes() == p.read_bytes() for n, p in month.written.files.items())


@pytest.mark.parametrize("word,method,code", [
    ("contanti", "cash", "MP01"), ("Assegno", "cheque", "MP02"), ("bonifico", "bank-transfer", "MP05"),
    ("carta di credito", "card", "MP08"), ("RID", "rid", "MP09"), ("SDD", "direct-debit", "MP19"),
    ("SEPA direct debit", "direct-debit", "MP19"), ("Ri.Ba.", "riba", "MP12"), ("contrassegno", "cash-on-delivery", "MP01"),
    ("cash on delivery", "cash-on-delivery", "MP01"), ("cheque", "cheque", "MP02"),
])
def test_every_payment_method_has_its_words_and_its_fatturapa_code(word, method, code):
    from toolkit.basics.vocab import PaymentMethod, label, parse
    from toolkit.core.einvoice.build import payment_code
    from toolkit.core.einvoice.codes import PAYMENT_METHODS

    assert set(PAYMENT_METHODS) == set(PaymentMethod) and set(MP) == {m.value for m in PaymentMethod}
    assert all(label(m, "it") and label(m, "en") for m in PaymentMethod)
    assert parse(PaymentMethod, word) is PaymentMethod(method)
    assert payment_code(PaymentMethod(method)) == code == MP[method]



def test_a_return_cites_the_customers_latest_invoice_that_sold_each_returned_item(month, tmp_path):
    """Stored with the note, so its print, its e-invoice and the ledger say the same; the base
    of each citation is what the note takes back of the items that invoice sold."""
    import shutil

    from sqlalchemy import func, select

    from toolkit.core.invoicing import InvoiceStatus
    from toolkit.ledger import open_ledger, schema
    from toolkit.ledger.db import reading, writing
    from toolkit.ledger.invoices import load_invoices, store
    from toolkit.services.invoicing import undo

    shutil.copyfile(month.folder / "ledger.sqlite", tmp_path / "ledger.sqlite")
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    sold = [x for x in month.invoices if x.kind is InvoiceKind.INVOICE and x.lines[0].order_line_id]
    first = sold[0]
    line = first.lines[0]
    day = date(2026, 5, 4)
    latest = max((x for x in sold if x.customer == first.customer and line.item in {y.item for y in x.lines}),
                 key=lambda x: (x.invoice_date, x.number))
    returned = dataclasses.replace(line, quantity=-line.quantity, amount=-line.amount, line_no=1)
    note = dataclasses.replace(first, kind=InvoiceKind.CREDIT_NOTE, lines=(returned,), invoice_date=day, dues=(),
                               id=None, number=None, status=None, run_id=None, cites=(), parties=None)
    with writing(ledger) as conn:
        [stored] = store(conn, month.master, [note], InvoiceStatus.DRAFT, "test-return", lang="it")
    assert [(c.number, c.day, c.base) for c in stored.cites] == [(latest.number, latest.invoice_date, line.amount)]
    with reading(ledger) as conn:
        assert load_invoices(conn, ids=[stored.id])[0].cites == stored.cites
    assert undo(ledger, "test-return") == (1, [])
    with reading(ledger) as conn:
        assert conn.execute(select(func.count()).select_from(schema.invoice_citations)).scalar_one() == 0
    ledger.engine.dispose()


def test_a_return_of_goods_no_invoice_sold_cites_none(month):
    """The sample's April returns give back goods no invoice of their customers sold."""
    notes = [x for x in month.invoices if x.kind is InvoiceKind.CREDIT_NOTE]
    assert notes and all(note.cites == () for note in notes)
    for note in notes:
        returned = {line.item for line in note.lines}
        assert not any(returned & {line.item for line in x.lines} for x in month.invoices
                       if x.kind is InvoiceKind.INVOICE and x.customer == note.customer)
