"""What an order carries beyond its goods, end to end: the customer's order reference and the
template's own payment method (issue 16.4, issue 14's DatiOrdineAcquisto), a DDT's accounting
date, the stamp duty charged to the customer, and an intermediary as the e-invoices' transmitter.

One month on the minimal workbook, as a user makes it: on Thursday 9 April C001's three
templates make three orders — T001 with the reference "ODA 2026/118", T003 with "PO-77" and a
VAT-exempt line of 120.00 (N4, so the invoice owes the 2.00 € stamp duty), T004 paid cash on
delivery — shipped with an accounting date of 10 April, invoiced at month end, made final and
written as FatturaPA. Each test reads the outcome where the user sees it: the ledger, the
printed sheets, the accountants' workbook, the XML.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import minimal
import openpyxl
import pytest
import sdi_controls
from fatturapa_reading import read, schema_errors
from sqlalchemy import select, text

from toolkit.basics.vocab import PaymentMethod
from toolkit.core import stamp_duty
from toolkit.core.einvoice import FiscalId, Options
from toolkit.core.invoicing import Invoice, InvoiceStatus, Period, Request
from toolkit.intake.validation import check
from toolkit.ledger import Ledger, open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.ledger.deliveries import load_notes
from toolkit.ledger.invoices import consistent, load_invoices
from toolkit.ledger.orders import load_orders
from toolkit.model.records import MasterData
from toolkit.services import einvoice
from toolkit.services.invoicing import run
from toolkit.services.orders import create
from toolkit.services.shipping import ship
from toolkit.writers.accountants import write_accountants
from toolkit.writers.ddt import write_delivery_notes
from toolkit.writers.orders_book import write_order_documents

DAY = date(2026, 4, 9)
BOOKED = date(2026, 4, 10)
APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
CLOSING_DAY = date(2026, 5, 4)


def sheets(*, customer_pays_stamp: str | None = None) -> dict:
    s = minimal.sheets()
    for row, extra in zip(s["Clienti"], (["CAP", "Provincia"], ["10121", "TO"], ["00184", "RM"])):
        row += extra
    s["Modelli ordine"][0] += ["Rif. ordine cliente", "Modalità di pagamento"]
    s["Modelli ordine"][1] += ["ODA 2026/118", None]
    s["Modelli ordine"][2] += [None, None]
    s["Modelli ordine"] += [
        ["T003", "C001", None, None, "Settimanale", "gio", None, None, None, None, "01/03/2026", None, None,
         "PO-77", None],
        ["T004", "C001", None, None, "Settimanale", "gio", None, None, None, None, "01/03/2026", None, None,
         None, "Contrassegno"],
    ]
    s["Righe modello"] += [["T003", "A003", 12, None, None], ["T004", "A001", 1, None, None]]
    if customer_pays_stamp is not None:
        s["Impostazioni"].append(["Bollo a carico del cliente", customer_pays_stamp])
    return s


def master_of(**options) -> MasterData:
    result = check(minimal.workbook(sheets(**options)))
    assert result.master is not None, [str(p) for p in result.problems]
    return result.master


@dataclass(frozen=True)
class Month:
    master: MasterData
    ledger: Ledger
    invoices: list[Invoice]
    folder: Path

    def invoice_citing(self, reference: str) -> Invoice:
        return next(x for x in self.invoices if any(line.customer_reference == reference for line in x.lines))


def make_month(folder: Path, ledger: Ledger, master: MasterData) -> Month:
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    shipped = ship(master, ledger, DAY, all_open=True, accounting_date=BOOKED, lang="it")
    assert shipped.notes and not [p for p in shipped.problems if p.is_error]
    result = run(ledger, master, Request(APRIL, CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it")
    assert result.run_id and not [p for p in result.problems if p.is_error], result.problems
    with reading(ledger) as conn:
        invoices = load_invoices(conn)
    return Month(master, ledger, invoices, folder)


@pytest.fixture
def month(tmp_path, ledger) -> Month:
    return make_month(tmp_path, ledger, master_of())


def cells(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def right_of(sheet, label, offset: int = 1):
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == label:
                return sheet.cell(cell.row, cell.column + offset).value
    raise AssertionError(f"{label!r} not on {sheet.title}")


# ---- the customer's order reference and the order's payment method


def test_orders_keep_the_templates_reference_and_payment_method(month):
    with reading(month.ledger) as conn:
        orders = {o.template: o for o in load_orders(conn)}
    assert (orders["T001"].customer_reference, orders["T001"].payment_method) == ("ODA 2026/118", None)
    assert (orders["T003"].customer_reference, orders["T003"].payment_method) == ("PO-77", None)
    assert (orders["T004"].customer_reference, orders["T004"].payment_method) == (
        None, PaymentMethod.CASH_ON_DELIVERY)


def test_the_order_document_prints_the_reference_and_the_payment_method(month, tmp_path):
    with reading(month.ledger) as conn:
        orders = load_orders(conn)
    book = openpyxl.load_workbook(write_order_documents(tmp_path / "ordini.xlsx", month.master, orders))
    by_template = {o.template: book[o.number] for o in orders}
    assert right_of(by_template["T001"], "Vs. ordine") == "ODA 2026/118"
    assert right_of(by_template["T004"], "Pagamento") == "Contrassegno"
    assert "Vs. ordine" not in {v for row in cells(by_template["T004"]) for v in row}


def test_the_ddt_prints_its_orders_references_payment_and_accounting_date(month, tmp_path):
    with reading(month.ledger) as conn:
        notes = {n.ship_to: n for n in load_notes(conn)}
    book = openpyxl.load_workbook(write_delivery_notes(tmp_path / "ddt.xlsx", month.master, list(notes.values())))
    to_d001, to_customer = book[notes["D001"].number], book[notes[None].number]
    assert right_of(to_d001, "Vs. ordine") == "ODA 2026/118"
    assert "Pagamento" not in {v for row in cells(to_d001) for v in row}
    assert right_of(to_customer, "Vs. ordine") == "PO-77"
    assert right_of(to_customer, "Pagamento") == "Bonifico bancario, Contrassegno"
    assert {right_of(sheet, "Data contabile").date() for sheet in (to_d001, to_customer)} == {BOOKED}


def test_an_invoice_gathers_only_orders_paid_the_same_way(month):
    with reading(month.ledger) as conn:
        number = {o.template: o.number for o in load_orders(conn)}
    gathered = {x.payment_method: {line.order_number for line in x.lines if line.order_number}
                for x in month.invoices}
    assert gathered == {PaymentMethod.BANK_TRANSFER: {number["T001"], number["T003"]},
                        PaymentMethod.CASH_ON_DELIVERY: {number["T004"]}}


def test_the_printed_invoice_cites_the_customers_references(month, tmp_path):
    invoice = month.invoice_citing("ODA 2026/118")
    _, copies, _ = write_accountants(tmp_path, month.master, [invoice], "r", copies=True)
    sheet = openpyxl.load_workbook(copies).active
    orders = {line.customer_reference: line.order_number for line in invoice.lines if line.customer_reference}
    assert right_of(sheet, "Vs. ordine", 2) == (f"ODA 2026/118 ({orders['ODA 2026/118']}); "
                                                 f"PO-77 ({orders['PO-77']})")
    assert right_of(sheet, "Modalità di pagamento", 2) == "Bonifico bancario"


def test_the_xml_cites_each_orders_reference_with_its_lines_and_the_orders_payment_method(month, tmp_path):
    done = einvoice.export(month.master, month.ledger, out=tmp_path / "xml", month=APRIL)
    assert not done.refused and not done.problems
    gathered = month.invoice_citing("ODA 2026/118")
    got = read(done.files[gathered.number])
    assert schema_errors(done.files[gathered.number]) == []
    expected = {}
    for line in gathered.lines:
        if line.customer_reference:
            expected.setdefault(line.customer_reference, []).append(line.line_no)
    assert got.purchase_orders == tuple((ref, tuple(lines)) for ref, lines in expected.items())
    assert {ref for ref, _ in got.purchase_orders} == {"ODA 2026/118", "PO-77"}
    assert {method for method, _, _ in got.dues} == {"MP05"}
    [cash] = [x for x in month.invoices if x.payment_method is PaymentMethod.CASH_ON_DELIVERY]
    assert {method for method, _, _ in read(done.files[cash.number]).dues} == {"MP01"}
    assert read(done.files[cash.number]).purchase_orders == ()


# ---- the accounting date of a DDT


def test_the_accounting_date_is_stored_and_defaults_to_the_ddt_date(month, tmp_path):
    with reading(month.ledger) as conn:
        assert {n.accounting_date for n in load_notes(conn)} == {BOOKED}
    other = open_ledger(f"sqlite:///{tmp_path / 'other.sqlite'}")
    create(month.master, other, DAY, with_catch_up=False, lang="it")
    [*notes] = ship(month.master, other, DAY, all_open=True, lang="it").notes
    assert {(n.accounting_date, n.accounting_day) for n in notes} == {(DAY, DAY)}
    other.engine.dispose()


def test_the_register_shows_a_ddts_accounting_date_beside_it(month, tmp_path):
    invoice = month.invoice_citing("ODA 2026/118")
    workbook, _ = write_accountants(tmp_path, month.master, [invoice], "r")
    register = openpyxl.load_workbook(workbook)["Registro"]
    assert register.cell(4, 16).value == ", ".join(
        f"{ddt.number} 09/04/2026 (data contabile 10/04/2026)" for ddt in invoice.deliveries)
    assert len(invoice.deliveries) == 2


def test_ship_takes_the_accounting_date_on_the_command_line(tmp_path, ledger_url):
    from test_shipping import write_book
    from test_shipping_cli import run as cli
    from typer import Typer

    from toolkit.cli import shipping

    app = Typer()
    shipping.register(app)
    workbook = write_book(tmp_path / "anagrafiche.xlsx", sheets())
    ledger = open_ledger(ledger_url)
    create(master_of(), ledger, DAY, with_catch_up=False, lang="it")
    code, out = cli(app, "ship", workbook, "--date", "09/04/2026", "--all", "--accounting-date", "10/04/2026",
                    "--json", "--ledger", ledger_url)
    assert code == 0 and {s["accounting_date"] for s in out["shipped"]} == {"2026-04-10"}
    with reading(ledger) as conn:
        assert set(conn.execute(select(schema.deliveries.c.accounting_date)).scalars()) == {BOOKED}
    code, said = cli(app, "ship", workbook, "--date", "09/04/2026", "--all", "--accounting-date", "10 aprile",
                     "--ledger", ledger_url)
    assert code == 2 and "--accounting-date" in said
    ledger.engine.dispose()


# ---- the stamp duty charged to the customer


def test_the_customer_pays_the_stamp_duty_by_default_as_a_line_excluded_from_vat(month, tmp_path):
    invoice = month.invoice_citing("PO-77")
    stamp = invoice.lines[-1]
    assert (stamp.charged_stamp_duty, stamp.description, stamp.quantity, stamp.amount, stamp.vat_rate,
            stamp.vat_nature) == (True, stamp_duty.CHARGE_DESCRIPTION, D(1), D("2.00"), D(0), "N1")
    assert [line.line_no for line in invoice.lines] == list(range(1, len(invoice.lines) + 1))
    goods = sum((line.amount for line in invoice.lines if not line.charged_stamp_duty), D(0))
    vat = sum((s.vat for s in invoice.summary), D(0))
    assert invoice.total == goods + vat + D("2.00") and consistent(invoice)
    assert sum((d.amount for d in invoice.dues), D(0)) == invoice.total
    with reading(month.ledger) as conn:
        stored = conn.execute(select(schema.invoice_lines.c.order_line_id, schema.invoice_lines.c.amount,
                                     schema.invoice_lines.c.vat_nature)
                              .where(schema.invoice_lines.c.invoice_id == invoice.id,
                                     schema.invoice_lines.c.order_line_id.is_(None))).all()
    assert [tuple(r) for r in stored] == [(None, D("2.00"), "N1")]


def test_every_output_shows_the_same_stamp_line_and_total(month, tmp_path):
    invoice = month.invoice_citing("PO-77")
    workbook, copies, csv_file = write_accountants(tmp_path, month.master, [invoice], "r", copies=True)
    sheet = openpyxl.load_workbook(copies, data_only=True).active
    rows = cells(sheet)
    [at] = [n for n, r in enumerate(rows) if stamp_duty.CHARGE_DESCRIPTION in r]
    assert rows[at][5] == 2.0 and rows[at][7] == "N1"
    assert not any(rows[at - 1]) and isinstance(rows[at - 2][5], float)  # a row apart from the goods
    assert right_of(sheet, "Totale documento", 1) == float(invoice.total)
    register = openpyxl.load_workbook(workbook, data_only=True)["Registro"]
    assert (register.cell(4, 1).value, register.cell(4, 11).value) == (invoice.number, float(invoice.total))
    lines = openpyxl.load_workbook(workbook)["Righe"]
    assert any(r[10] == stamp_duty.CHARGE_DESCRIPTION and r[16] == "N1" for r in cells(lines))
    assert f"{invoice.total:.2f}".replace(".", ",") in csv_file.read_text(encoding="utf-8-sig")
    done = einvoice.export(month.master, month.ledger, out=tmp_path / "xml", month=APRIL)
    got = read(done.files[invoice.number])
    assert schema_errors(done.files[invoice.number]) == []
    assert got.stamp_duty == D("2.00") and got.total == invoice.total
    last = got.lines[-1]
    assert (last.description, last.total, last.rate, last.nature) == (
        stamp_duty.CHARGE_DESCRIPTION, D("2.00"), D("0.00"), "N1")
    assert ("N1" in {nature for _, nature, _, _, _ in got.summary})
    assert sum((amount for _, _, amount in got.dues), D(0)) == invoice.total


def test_when_the_seller_pays_the_stamp_duty_the_invoice_only_declares_it(tmp_path, ledger):
    month = make_month(tmp_path, ledger, master_of(customer_pays_stamp="no"))
    invoice = month.invoice_citing("PO-77")
    assert not any(line.charged_stamp_duty for line in invoice.lines)
    assert invoice.total == sum((s.taxable + s.vat for s in invoice.summary), D(0))
    done = einvoice.export(month.master, month.ledger, out=tmp_path / "xml", month=APRIL)
    got = read(done.files[invoice.number])
    assert got.stamp_duty == D("2.00") and got.total == invoice.total
    assert "N1" not in {line.nature for line in got.lines}


def test_an_invoice_that_owes_no_stamp_duty_gains_no_line(month):
    for invoice in month.invoices:
        if invoice.number != month.invoice_citing("PO-77").number:
            assert not any(line.charged_stamp_duty for line in invoice.lines)


def test_an_immediate_invoice_charges_the_stamp_duty_too(tmp_path, ledger):
    s = sheets()
    header = s["Clienti"][0]
    s["Clienti"][0] = [*header, "Termini di fatturazione"]
    s["Clienti"][1] = [*s["Clienti"][1], "Immediato"]
    s["Clienti"][2] = [*s["Clienti"][2], None]
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    create(result.master, ledger, DAY, with_catch_up=False, lang="it")
    with reading(ledger) as conn:
        invoices = load_invoices(conn)
    [stamped] = [x for x in invoices if any(line.charged_stamp_duty for line in x.lines)]
    assert stamped.invoice_date == DAY and "PO-77" in {line.customer_reference for line in stamped.lines}
    assert consistent(stamped)


# ---- an intermediary transmits


def test_an_intermediary_transmits_under_its_own_id_and_the_files_keep_the_sellers_name(month, tmp_path):
    plain = einvoice.export(month.master, month.ledger, out=tmp_path / "plain", month=APRIL)
    through = einvoice.export(month.master, month.ledger, out=tmp_path / "through", month=APRIL,
                              options=Options(transmitter=FiscalId("IT", "01234560157")))
    assert {n: p.name for n, p in through.files.items()} == {n: p.name for n, p in plain.files.items()}
    vat = month.master.settings.vat_number
    for path in through.files.values():
        got = read(path)
        assert got.transmitter == "IT01234560157" and got.seller_vat == vat
        assert path.name.startswith(f"IT{vat}_") and schema_errors(path) == []
        assert sdi_controls.breaches(path.read_bytes()) == []


def test_einvoice_takes_the_transmitter_on_the_command_line(month, tmp_path, ledger_url):
    from test_shipping import write_book
    from test_shipping_cli import run as cli
    from typer import Typer

    from toolkit.cli import einvoice as einvoice_cli

    app = Typer()
    einvoice_cli.register(app)
    workbook = write_book(tmp_path / "anagrafiche.xlsx", sheets())
    url = ledger_url
    code, out = cli(app, workbook, "--month", "2026-04", "--out", tmp_path / "xml",
                    "--transmitter", "IT01234560157", "--json", "--ledger", url)
    assert code == 0, out
    assert {read(Path(f["file"])).transmitter for f in out["files"]} == {"IT01234560157"}
    code, said = cli(app, workbook, "--month", "2026-04", "--out", tmp_path / "xml2",
                     "--transmitter", "01234560157", "--ledger", url)
    assert code == 2 and "--transmitter" in said and not (tmp_path / "xml2").exists()


@pytest.mark.parametrize("transmitter", ["IT01234567890", "ITRSSMRA80A01H501V"])
def test_a_transmitters_codice_fiscale_whose_check_character_fails_is_refused(month, tmp_path, ledger_url,
                                                                               transmitter):
    """SDI rejects every file whose IdTrasmittente the tax register cannot have (00300), and a
    codice fiscale whose last character does not check is such a one: `IT01234567890`, the
    example this command's help gave, was written into every file as it was typed."""
    from test_shipping import write_book
    from test_shipping_cli import run as cli
    from typer import Typer

    from toolkit.cli import einvoice as einvoice_cli

    app = Typer()
    einvoice_cli.register(app)
    workbook = write_book(tmp_path / "anagrafiche.xlsx", sheets())
    code, said = cli(app, workbook, "--month", "2026-04", "--out", tmp_path / "xml", "--transmitter", transmitter,
                     "--ledger", ledger_url)
    assert code == 2 and "--transmitter" in said and "00300" in said and not (tmp_path / "xml").exists()


# ---- an older ledger


def test_a_version_4_ledger_gains_the_columns_and_keeps_its_invoice_lines(tmp_path, minimal_master):
    from older_ledgers import older_ledger
    from sqlalchemy import inspect

    fresh = open_ledger(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    with reading(fresh) as conn:
        ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'invoice_lines'")).scalar_one()
    fresh.engine.dispose()
    v4_ddl = ddl.replace("order_line_id INTEGER,", "order_line_id INTEGER NOT NULL,").replace(
        "credits_line_id INTEGER,", "").replace("part INTEGER DEFAULT '0' NOT NULL,", "").replace(
        "shipped_with INTEGER,", "").replace(
        "PRIMARY KEY (id),", "PRIMARY KEY (id), UNIQUE (delivery_line_id),")
    assert "credits_line_id" not in v4_ddl and " part " not in v4_ddl and "shipped_with" not in v4_ddl
    assert "UNIQUE (delivery_line_id)" in v4_ddl
    v4_columns = ("id, invoice_id, line_no, delivery_line_id, order_line_id, item, description, unit, quantity, "
                  "unit_price, amount, vat_rate, vat_nature")
    url = older_ledger(
        tmp_path, minimal_master, 4,
        "INSERT INTO invoices (id, kind, series, year, number, invoice_date, customer, status, run_id, taxable, vat, "
        "total, payment_method, payment_terms, created_at, created_by) VALUES (1, 'invoice', 'FT', 2026, 1, "
        "'2026-04-09', 'C001', 'final', 'r', 0, 0, 0, 'bank-transfer', '30FM', '2026-04-09 10:00:00', 'test')",
        "INSERT INTO invoice_lines (invoice_id, line_no, order_line_id, item, description, unit, quantity, "
        "unit_price, amount, vat_rate) SELECT 1, line_no, id, item, description, unit, quantity, unit_price, amount, "
        "vat_rate FROM order_lines",
        "DROP INDEX ix_invoice_lines_invoice_id", "DROP INDEX ix_invoice_lines_order_line_delivery",
        "ALTER TABLE invoice_lines RENAME TO invoice_lines_v5", v4_ddl,
        "CREATE INDEX ix_invoice_lines_invoice_id ON invoice_lines (invoice_id)",
        "CREATE INDEX ix_invoice_lines_order_line_delivery ON invoice_lines (order_line_id, delivery_line_id)",
        f"INSERT INTO invoice_lines SELECT {v4_columns} FROM invoice_lines_v5", "DROP TABLE invoice_lines_v5",
        columns={"orders": ["customer_reference", "payment_method"], "deliveries": ["accounting_date"]})
    upgraded = open_ledger(url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
        found = inspect(conn)
        assert {"customer_reference", "payment_method"} <= {c["name"] for c in found.get_columns("orders")}
        assert "accounting_date" in {c["name"] for c in found.get_columns("deliveries")}
        order_line = next(c for c in found.get_columns("invoice_lines") if c["name"] == "order_line_id")
        assert order_line["nullable"]
        assert {i["name"] for i in found.get_indexes("invoice_lines")} == {
            "ix_invoice_lines_invoice_id", "ix_invoice_lines_order_line_delivery", "ix_invoice_lines_credits",
            "uq_invoice_lines_delivery_part", "uq_invoice_lines_order_part"}
        assert not found.get_unique_constraints("invoice_lines")
        assert conn.execute(text("SELECT count(*), count(order_line_id) FROM invoice_lines")).one() == (2, 2)
        [invoice] = load_invoices(conn)
        orders = load_orders(conn)
    assert [line.order_number for line in invoice.lines] == [orders[0].number] * 2
    assert len(orders) == 1 and orders[0].customer_reference is None and orders[0].payment_method is None
    upgraded.engine.dispose()


def test_replace_keeps_a_record_made_in_code_trusted():
    """A record made in code (the tests' factories) may leave the new fields out."""
    from toolkit.core.invoicing import InvoiceLine

    line = InvoiceLine("A001", "x", "pz", D(1), D(1), D(1), D(22), None, 1, 7, None, None, "OC-2026-00001")
    assert (line.customer_reference, line.charged_stamp_duty) == (None, False)
    assert replace(line, order_line_id=None).charged_stamp_duty


def test_a_reference_longer_than_the_e_invoice_takes_is_refused_at_its_cell():
    s = sheets()
    s["Modelli ordine"][1][13] = "ORDINE D'ACQUISTO 2026/000118"
    result = check(minimal.workbook(s))
    [problem] = [p for p in result.problems if p.code == "customer-reference-too-long"]
    assert (problem.location.sheet, problem.location.cell, problem.is_error) == ("Modelli ordine", "N2", True)


def test_a_reference_is_measured_as_the_e_invoice_folds_it():
    """€ becomes EUR in IdDocumento: 19 characters on the sheet were 21 in the file, cut there
    without a word. The check measures what the e-invoice sends."""
    s = sheets()
    s["Modelli ordine"][1][13] = "ODA 2026/118 - 50 €"
    [problem] = [p for p in check(minimal.workbook(s)).problems if p.code == "customer-reference-too-long"]
    assert (problem.location.sheet, problem.location.cell, problem.is_error) == ("Modelli ordine", "N2", True)
    assert problem.message("en") == ("Customer order reference “ODA 2026/118 - 50 €” has 21 characters as the "
                                     "e-invoice writes it (“ODA 2026/118 - 50 EUR”, € becomes EUR): it takes at "
                                     "most 20 (DatiOrdineAcquisto); shorten it.")


@pytest.mark.parametrize("reference, refused", [("Rif. n° 118", "°"), ("ODA 2026/118 – €", None),
                                                 ("Caffè 12", None)])
def test_a_reference_with_a_character_the_e_invoice_cannot_carry_is_refused_at_its_cell(reference, refused):
    """IdDocumento takes ASCII: a reference with ° went onto every order of the template, and each
    invoice was issued, then its e-invoice refused; what folding makes plain (–, €, è) passes."""
    s = sheets()
    s["Modelli ordine"][1][13] = reference
    found = [(p.location.sheet, p.location.cell, p.message("en")) for p in check(minimal.workbook(s)).problems
             if p.code == "customer-reference-not-in-einvoice"]
    assert found == ([("Modelli ordine", "N2", f"Customer order reference “{reference}” holds {refused}, which the "
                       "e-invoice cannot carry (DatiOrdineAcquisto: letters and digits without accents): every invoice "
                       "of its orders would be issued and then refused. Remove those characters or replace them "
                       "(e.g. n° → nr).")] if refused else [])


def test_a_template_payment_method_must_be_one_the_toolkit_knows():
    s = sheets()
    s["Modelli ordine"][3][14] = "Baratto"
    result = check(minimal.workbook(s))
    assert ("Modelli ordine", "O4") in {(p.location.sheet, p.location.cell) for p in result.problems if p.is_error}


@pytest.mark.parametrize("amount, nature, kind, charged", [
    ("77.48", "N4", "invoice", True),
    ("77.47", "N4", "invoice", False),
    ("500.00", "N3.1", "invoice", False),     # an export owes no stamp duty
    ("77.48", "N2.1", "invoice", True),
    ("-77.48", "N4", "credit-note", False),  # nothing is charged to a customer being refunded
])
def test_the_stamp_line_follows_the_duty(amount, nature, kind, charged):
    from einvoice_factories import billable, customer, ddt, seller, tree

    from toolkit.core.invoicing import InvoiceKind, build_invoice

    quantity = "-1" if amount.startswith("-") else "1"
    lines = (billable(delivery=ddt()), billable("A059", quantity, amount.lstrip("-"), "0", nature, delivery=ddt(),
                                                  line=2))
    made = build_invoice(customer(), InvoiceKind(kind), None, APRIL, APRIL.end, lines, charge_stamp_duty=True)
    assert any(line.charged_stamp_duty for line in made.lines) == charged
    assert made.total == sum((s.taxable + s.vat for s in made.summary), D(0))
    if charged:
        assert made.total - D("2.00") == build_invoice(customer(), InvoiceKind(kind), None, APRIL, APRIL.end,
                                                       lines).total
        document = tree(replace(made, number="FT-2026-00001"))
        assert document.body.stamp_duty == D("2.00") and document.body.lines[-1].nature == "N1"
        assert document.body.lines[-1].item is None and seller().stamp_duty_customer


def test_the_net_invoiced_report_counts_goods_and_services_not_the_stamp_duty_charged(month):
    from toolkit.core.reports import Kind
    from toolkit.core.reports import Request as ReportRequest
    from toolkit.services.reports import build

    made = build(month.master, month.ledger, ReportRequest(Kind.INVOICES, APRIL.start, APRIL.end))
    sold = sum((line.amount for x in month.invoices for line in x.lines if not line.charged_stamp_duty), D(0))
    assert any(line.charged_stamp_duty for line in month.invoice_citing("PO-77").lines)
    assert D(int(made.table["amount"].sum())).scaleb(-2) == sold
    assert "" not in set(made.data["item"].astype(str))


def test_the_month_register_gives_the_quarters_stamp_duty_so_far_month_by_month(month, tmp_path):
    """The duty is paid per quarter (F24 2522 for the second, by 30 September): May's register
    counts April's invoice and May's credit note of it, both declaring the duty, and no draft."""
    from toolkit.services.credit_notes import credit
    from toolkit.services.invoicing import export_month

    invoice = month.invoice_citing("PO-77")
    stamped = [x for x in month.invoices if stamp_duty.due((s.rate, s.taxable, s.nature) for s in x.summary)]
    assert [x.number for x in stamped] == [invoice.number]
    done = credit(month.ledger, month.master, invoice.number or "", [], "Reso", date(2026, 5, 12), date(2026, 5, 12), lang="it")
    assert not [p for p in done.problems if p.is_error]
    may = export_month(month.master, month.ledger, Period(date(2026, 5, 1), date(2026, 5, 31)), tmp_path / "m", "it")
    sheet = openpyxl.load_workbook(may.files[0])["Bollo"]
    rows = [r for r in cells(sheet) if any(v is not None for v in r)]
    assert rows[0][0] == "Imposta di bollo sulle fatture elettroniche – 2° trimestre 2026, fino a 05/2026"
    assert rows[2][:3] == ["04/2026", 1, "=B4*2.00"] and rows[3][:3] == ["05/2026", 1, "=B5*2.00"]
    assert rows[4][:3] == ["Totale del trimestre finora", "=SUM(B4:B5)", "=SUM(C4:C5)"]
    assert rows[5][:2] == ["Codice tributo F24", "2522"] and rows[6][1].date() == date(2026, 9, 30)
    values = openpyxl.load_workbook(may.files[0], data_only=True)["Bollo"]
    assert (values["C4"].value, values["C5"].value, values["B6"].value, values["C6"].value) == (2, 2, 2, 4)
    april = export_month(month.master, month.ledger, APRIL, tmp_path / "a", "it")
    register = openpyxl.load_workbook(april.files[0], data_only=True)
    stamp = cells(register["Registro"])[2].index("Bollo virtuale")
    totals = cells(register["Registro"])[3 + len(month.invoices)]
    assert totals[7] == "Totali" and register["Bollo"]["C5"].value == 2 == totals[stamp]


def test_the_register_of_a_quarters_last_month_without_invoices_still_gives_the_quarters_stamp_duty(month, tmp_path):
    """April's invoice declares the duty; May and June issue nothing. June's register, said to hold
    the quarter whole, was not written at all (*no invoice in 06/2026*), and the quarter's duty was
    in no register: May's and June's say so, and June's Bollo sheet totals the quarter."""
    from toolkit.services.invoicing import export_month

    june = export_month(month.master, month.ledger, Period(date(2026, 6, 1), date(2026, 6, 30)), tmp_path / "j", "it")
    assert [p.code for p in june.problems] == ["no-invoices-in-month-stamp-duty"] and june.documents == 0
    rows = [r for r in cells(openpyxl.load_workbook(june.files[0])["Bollo"]) if any(v is not None for v in r)]
    assert [r[:2] for r in rows[2:5]] == [["04/2026", 1], ["05/2026", 0], ["06/2026", 0]]
    assert rows[5][:3] == ["Totale del trimestre", "=SUM(B4:B6)", "=SUM(C4:C6)"]
    assert june.problems[0].render("it").endswith("il registro non elenca documenti, e il suo foglio Bollo dà il "
                                                  "bollo del trimestre dei mesi prima (2,00 €).")
    assert june.problems[0].render("en").endswith("gives the quarter's stamp duty of the months before (2.00 €).")
    july = export_month(month.master, month.ledger, Period(date(2026, 7, 1), date(2026, 7, 31)), tmp_path / "l", "it")
    assert july.files == [] and [p.code for p in july.problems] == ["no-invoices-in-month"]


def test_a_quarter_begun_before_the_toolkit_says_its_earlier_documents_are_not_counted(tmp_path, ledger):
    """A desk starting in April after FT 345/2026 (*Numeri prima del toolkit*) issued the quarter's
    first documents elsewhere: the sheet counted the toolkit's alone as the quarter's total, the
    figure to check against the Agenzia's, without a word of the duty of those before it."""
    from toolkit.services.invoicing import export_month

    s = sheets()
    s["Impostazioni"].append(["Numeri prima del toolkit", "FT 345/2026"])
    result = check(minimal.workbook(s))
    assert result.master is not None, [str(p) for p in result.problems]
    month = make_month(tmp_path, ledger, result.master)
    april = export_month(month.master, month.ledger, APRIL, tmp_path / "a", "it")
    rows = [r for r in cells(openpyxl.load_workbook(april.files[0])["Bollo"]) if any(v is not None for v in r)]
    assert rows[3][0] == "Totale del trimestre finora"
    assert ("Non conta i documenti del trimestre emessi prima del toolkit (Numeri prima del toolkit: "
            "FT 345/2026): aggiungi il loro bollo.") in [r[0] for r in rows]
    english = export_month(month.master, month.ledger, APRIL, tmp_path / "e", "en")
    rows = [r for r in cells(openpyxl.load_workbook(english.files[0])["Stamp duty"]) if any(v is not None for v in r)]
    assert ("The quarter's documents issued before the toolkit (Numbers before the toolkit: FT 345/2026) are not "
            "counted: add their duty.") in [r[0] for r in rows]


def _csv_rows(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_the_month_register_has_a_csv_of_one_row_per_document_and_vat_rate_adding_up_to_its_total(month, tmp_path):
    """Accounting programs book VAT per rate: `registro-*.csv` gave one row per document, its
    taxable and VAT of 22 %, 4 %, N4 and the stamp duty's N1 summed, which no import can split."""
    from toolkit.services.credit_notes import credit
    from toolkit.services.invoicing import export_month

    def amount(text: str) -> D:
        return D(text.replace(",", "."))

    april = export_month(month.master, month.ledger, APRIL, tmp_path / "a", "it")
    [per_rate] = [p for p in april.files if p.name == "registro-iva-2026-04.csv"]
    rows = _csv_rows(per_rate)
    assert rows[0] == ["Numero", "Data", "Tipo", "Stato", "Cliente", "Ragione sociale", "Partita IVA",
                       "Codice fiscale", "IVA %", "Natura", "Imponibile", "Imposta", "Scissione pagamenti",
                       "Periodo"]
    for invoice in month.invoices:
        mine = [r for r in rows[1:] if r[0] == invoice.number]
        assert sorted((amount(r[8]), r[9], amount(r[10]), amount(r[11])) for r in mine) == sorted(
            (s.rate, s.nature or "", s.taxable, s.vat) for s in invoice.summary)
        assert sum((amount(r[10]) + amount(r[11]) for r in mine), D(0)) == invoice.total
    stamped = [r for r in rows if r[0] == month.invoice_citing("PO-77").number]
    assert ["0,00", "N1", "2,00", "0,00"] in [r[8:12] for r in stamped] and len(stamped) >= 3
    invoice = month.invoice_citing("PO-77")
    done = credit(month.ledger, month.master, invoice.number or "", [], "Reso", date(2026, 5, 12), date(2026, 5, 12), lang="it")
    may = export_month(month.master, month.ledger, Period(date(2026, 5, 1), date(2026, 5, 31)), tmp_path / "m", "it")
    notes = _csv_rows(next(p for p in may.files if p.name == "registro-iva-2026-05.csv"))[1:]
    assert {r[2] for r in notes} == {"Nota di credito"} and all(amount(r[10]) < 0 for r in notes)
    assert sum((amount(r[10]) + amount(r[11]) for r in notes), D(0)) == done.note.total < 0


@pytest.mark.parametrize(("accounting", "today", "refused"), [
    (date(2026, 4, 9), date(2026, 4, 9), False),
    (date(2026, 4, 14), date(2026, 4, 20), False),
    (date(2026, 4, 30), date(2026, 5, 3), False),
    (date(2026, 4, 8), date(2026, 4, 20), True),
    (date(2026, 5, 1), date(2026, 5, 3), True),
    (date(2027, 4, 10), date(2026, 4, 20), True),
    (date(2026, 4, 12), date(2026, 4, 10), True),
])
def test_the_accounting_date_is_the_ddts_day_up_to_today_within_its_month(accounting, today, refused):
    """A DDT's data contabile is the day it is recorded: not before the DDT, not in another month
    (the month-end invoice takes it by its date, the register would put it in another VAT period),
    not on a day still to come. Any date was taken."""
    from toolkit.services.shipping import accounting_date_refused

    assert (accounting_date_refused(DAY, accounting, today) is not None) is refused


def test_ship_refuses_an_accounting_date_before_the_ddt_naming_the_option_and_ships_nothing(tmp_path, ledger_url):
    from test_shipping import write_book
    from test_shipping_cli import run as cli
    from typer import Typer

    from toolkit.cli import shipping

    app = Typer()
    shipping.register(app)
    workbook = write_book(tmp_path / "anagrafiche.xlsx", sheets())
    ledger = open_ledger(ledger_url)
    create(master_of(), ledger, DAY, with_catch_up=False, lang="it")
    code, said = cli(app, "ship", workbook, "--date", "09/04/2026", "--all", "--accounting-date", "09/03/2026",
                     "--ledger", ledger_url, "--lang", "en")
    assert code == 2
    assert ("--accounting-date 09/03/2026 cannot be the accounting date of a DDT of 09/04/2026: a document is "
            "recorded from the day it is issued, not before. Nothing was shipped. Write a date from 09/04/2026 to "
            "30/04/2026") in " ".join(said.split())
    with reading(ledger) as conn:
        assert conn.execute(select(schema.deliveries.c.id)).all() == []
    ledger.engine.dispose()
