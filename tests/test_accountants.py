"""The accountants' workbook: live formulas with cached values, user text kept as text, the
register CSV for accounting imports, the printable invoices on request, and — through
LibreOffice, the real spreadsheet here — every printable invoice, the register and the VAT
summary recalculating to exactly the ledger's figures.
Also the `toolkit invoice` verbs end to end on the bundled sample."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
import typer
from python_calamine import CalamineWorkbook
from test_invoicing import APRIL, make_order, master_with, ship, ship_open_orders

from toolkit.basics.vocab import InvoiceGrouping, InvoiceTerms
from toolkit.core.invoicing import InvoiceKind, Request, as_stated
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices
from toolkit.services.invoicing import run
from toolkit.writers.accountants import write_accountants, write_vat_register_csv
from toolkit.writers.libreoffice import recalculated_values, recalculated_values_of, soffice

CENT = D("0.01")
needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")

TRICKY = {
    "P1": [("A001", "1", "3993.64", "10", None)],
    "P2": [("A001", "1", "0.15", "10", None)] * 3,
    "P3": [("A001", "1", "0.05", "10", None), ("A002", "3", "1.235", "22", None), ("A003", "1", "12", "0", "N4"),
           ("A004", "2.5", "3.333", "4", None), ("A005", "7", "0.333333", "22", None)],
    "P4": [("A001", "-1", "3993.64", "10", None), ("A003", "-2", "12", "0", "N4")],
}
"""Per project: the 10 % case of the brief, per-rate against per-line rounding, half-up cases,
an exempt line, and a return (credit note)."""


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tricky(request, tmp_path_factory):
    """The brief's cases invoiced (`invoiced_tricky`) once per backend for the module: the tests
    read the master, the run and its invoices, never the ledger, and built it again each, 24
    times (a PostgreSQL database each)."""
    from conftest import backend_url

    from toolkit.ledger import open_ledger

    with backend_url(request.param, tmp_path_factory.mktemp("tricky") / "ledger.sqlite") as url:
        ledger = open_ledger(url)
        try:
            yield invoiced_tricky(ledger)
        finally:
            ledger.engine.dispose()


def invoiced_tricky(ledger):
    """`TRICKY`'s orders shipped on 9 April and April invoiced by project: the master, the run, its invoices."""
    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, invoice_grouping=InvoiceGrouping.PROJECT,
                         payment_terms="30/60/90")
    for project, lines in TRICKY.items():
        _, ids = make_order(ledger, "C001", date(2026, 4, 9), lines, project=project)
        ship(ledger, "C001", date(2026, 4, 9), [(i, q) for i, (_, q, *_) in zip(ids, lines)])
    result = run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it")
    with reading(ledger) as conn:
        invoices = load_invoices(conn, run_id=result.run_id)
    return master, result.run_id, invoices


def test_the_brief_cases_are_in_the_ledger(tricky):
    _, _, invoices = tricky
    by_project = {x.group_key: x for x in invoices}
    assert by_project["project:P1"].vat == D("399.36")
    assert by_project["project:P2"].vat == D("0.05")
    assert by_project["project:P4"].kind is InvoiceKind.CREDIT_NOTE and by_project["project:P4"].total == D("-4417.00")


def test_amounts_are_formulas_with_the_ledger_values_cached(tmp_path, tricky):
    master, run_id, invoices = tricky
    book_path, copies_path, csv_path = write_accountants(tmp_path, master, invoices, run_id, copies=True)
    assert copies_path.name == f"copie-fatture-{run_id}.xlsx"
    copies = openpyxl.load_workbook(copies_path)
    cached_copies = CalamineWorkbook.from_path(str(copies_path))
    assert copies.sheetnames == [x.number for x in invoices]
    for invoice in invoices:
        sheet = copies[invoice.number]
        texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
        assert any(t.startswith("=ROUND(D") and "*E" in t for t in texts)  # quantity × unit price
        assert any(t.startswith("=SUMIF") for t in texts)
        assert any(t.startswith("=ROUND(E") and "/100,2)" in t for t in texts)  # taxable × rate
        assert totals_in(cached_copies.get_sheet_by_name(invoice.number).to_python()) == ledger_totals(
            as_stated(invoice))
    formulas = openpyxl.load_workbook(book_path)
    cached = CalamineWorkbook.from_path(str(book_path))
    assert formulas.sheetnames == ["Registro", "Riepilogo IVA", "Righe"]
    register = formulas["Registro"]
    assert register.cell(4, 1).hyperlink.location == "Righe!A2"
    assert str(register.cell(4, 9).value).startswith("=SUM('Riepilogo IVA'!$F$")
    assert register.cell(4, 11).value == "=I4+J4"
    detail = [row for row in formulas["Riepilogo IVA"].iter_rows(values_only=True) if row[0] == invoices[0].number]
    assert detail and all(str(row[5]).startswith("=SUMIF(Righe!$P$2:$P$") for row in detail)
    assert register_totals(cached.get_sheet_by_name("Registro").to_python()) == {
        x.number: ledger_totals(x) for x in invoices}


def test_a_split_payment_invoice_prints_the_law_and_the_net_to_pay_and_the_register_what_is_collected(
        tmp_path, ledger):
    """Split payment: the copy states art. 17-ter and the amount to pay (total less VAT), its due
    is that amount; the register and its CSV say which invoices bear it and what is collected."""
    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, payment_terms="30", sdi_code="UFABCD")
    _, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "1", "176.18", "22", None)])
    ship(ledger, "C001", date(2026, 4, 9), [(line_id, "1")])
    result = run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it")
    with reading(ledger) as conn:
        [invoice] = load_invoices(conn, run_id=result.run_id)
    book_path, copies_path, csv_path = write_accountants(tmp_path, master, [invoice], result.run_id, copies=True)
    rows = CalamineWorkbook.from_path(str(copies_path)).get_sheet_by_name(invoice.number).to_python()
    assert totals_in(rows) == (D("176.18"), D("38.76"), D("214.94"))
    assert any("Scissione dei pagamenti – art. 17-ter DPR 633/72" in row for row in rows)
    assert (to_cents(labelled(rows, "IVA versata dal cliente")), to_cents(labelled(rows, "Netto a pagare"))) == (
        D("-38.76"), D("176.18"))
    due = next(i for i, row in enumerate(rows) if "Scadenza" in row) + 1
    assert to_cents(rows[due][5]) == D("176.18")
    register = CalamineWorkbook.from_path(str(book_path)).get_sheet_by_name("Registro").to_python()
    header = next(i for i, row in enumerate(register) if row[:2] == ["Numero", "Data"])
    assert register[header][18:20] == ["Scissione pagamenti", "Da incassare"]
    assert register[header + 1][18] == "sì" and to_cents(register[header + 1][19]) == D("176.18")
    assert openpyxl.load_workbook(book_path)["Registro"].cell(header + 2, 20).value == f"=K{header + 2}-J{header + 2}"
    with csv_path.open(encoding="utf-8-sig") as handle:
        [head, row] = list(csv.reader(handle, delimiter=";"))
    assert dict(zip(head, row))["Da incassare"] == "176,18" and dict(zip(head, row))["Scissione pagamenti"] == "sì"


@pytest.fixture
def split_month(ledger):
    """A public administration paying by split payment (C001, a 6-character SDI code) and a
    customer paying VAT as usual (C002), both at 22 %, invoiced in one run."""
    master = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, payment_terms="30", sdi_code="UFABCD")
    for customer, price in (("C001", "176.18"), ("C002", "100.00")):
        _, [line_id] = make_order(ledger, customer, date(2026, 4, 9), [("A001", "1", price, "22", None)])
        ship(ledger, customer, date(2026, 4, 9), [(line_id, "1")])
    result = run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it")
    with reading(ledger) as conn:
        invoices = load_invoices(conn, run_id=result.run_id)
    assert sorted(x.split_payment for x in invoices) == [False, True]
    return master, result.run_id, invoices


def test_the_vat_summary_keeps_split_payment_vat_apart_from_the_vat_the_seller_owes(tmp_path, split_month):
    """The VAT a public administration pays the State itself (art. 17-ter) is a row of its own,
    marked *Scissione pagamenti*: summed with the rest, 22 % said 60.76 of VAT, which the
    accountant would have paid over though the seller owes only 22.00 of it."""
    master, run_id, invoices = split_month
    book_path = write_accountants(tmp_path, master, invoices, run_id)[0]
    rows = CalamineWorkbook.from_path(str(book_path)).get_sheet_by_name("Riepilogo IVA").to_python()
    assert rows[2][:6] == ["IVA %", "Natura", "Imponibile", "Imposta", "Totale", "Scissione pagamenti"]
    assert [(row[0], row[5], to_cents(row[2]), to_cents(row[3])) for row in rows[3:5]] == [
        (22, "", D("100.00"), D("22.00")), (22, "sì", D("176.18"), D("38.76"))]
    assert [to_cents(x) for x in rows[5][2:4]] == [D("276.18"), D("60.76")]


@needs_libreoffice
@pytest.mark.libreoffice
def test_libreoffice_recalculates_split_payment_vat_apart(tmp_path, split_month):
    master, run_id, invoices = split_month
    book_path = write_accountants(tmp_path, master, invoices, run_id)[0]
    check_register_and_summary(recalculated_values(book_path), invoices)


def stamp_month(ledger, *, charged: bool):
    """An exempt sale over 77.47 € (C001, N4), which owes the stamp duty, and a sale with VAT
    (C002), which does not; the duty `charged` to the customer or borne by the company."""
    from dataclasses import replace

    base = master_with(invoice_terms=InvoiceTerms.AFTER_DELIVERY, payment_terms="30")
    master = base.model_copy(update={"settings": replace(base.settings, stamp_duty_customer=charged)})
    for customer, lines in (("C001", [("A003", "1", "100.00", "0", "N4")]),
                            ("C002", [("A001", "1", "100.00", "22", None)])):
        _, ids = make_order(ledger, customer, date(2026, 4, 9), lines)
        ship(ledger, customer, date(2026, 4, 9), [(i, "1") for i in ids])
    result = run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it")
    with reading(ledger) as conn:
        return master, result.run_id, load_invoices(conn, run_id=result.run_id)


BORNE = "Imposta di bollo assolta in modo virtuale ai sensi del DM 17/06/2014: 2,00 €, a carico del cedente"


@pytest.mark.parametrize("charged", [False, True])
def test_an_invoice_copy_says_the_stamp_duty_is_paid_virtually_when_no_line_charges_it(tmp_path, ledger, charged):
    """The e-invoice declares the duty (DatiBollo) whoever bears it; the printed copy said
    nothing of it when the company bore it, as if the exempt invoice owed none."""
    master, run_id, invoices = stamp_month(ledger, charged=charged)
    copies_path = write_accountants(tmp_path, master, invoices, run_id, copies=True)[1]
    book = CalamineWorkbook.from_path(str(copies_path))
    said = {x.customer: [cell for row in book.get_sheet_by_name(x.number).to_python() for cell in row
                         if isinstance(cell, str) and cell.startswith("Imposta di bollo")] for x in invoices}
    charge = "Imposta di bollo assolta in modo virtuale ai sensi del DM 17/06/2014"
    assert said == {"C001": [charge] if charged else [BORNE], "C002": []}


def test_the_register_says_which_documents_declare_the_virtual_stamp_duty_and_totals_it(tmp_path, ledger):
    """The company pays the virtual stamp duty of its e-invoices each quarter: the register names
    every document whose file declares it (DatiBollo), and adds them up, even when the company
    bears it and no line of the invoice says so."""
    master, run_id, invoices = stamp_month(ledger, charged=False)
    assert sorted(x.total for x in invoices) == [D("100.00"), D("122.00")]
    book_path, csv_path = write_accountants(tmp_path, master, invoices, run_id)
    rows = CalamineWorkbook.from_path(str(book_path)).get_sheet_by_name("Registro").to_python()
    header = next(i for i, row in enumerate(rows) if row[:2] == ["Numero", "Data"])
    assert rows[header][20] == "Bollo virtuale"
    by_customer = {row[4]: row[20] for row in rows[header + 1:header + 3]}
    assert by_customer == {"C001": 2.0, "C002": ""}
    assert rows[header + 3][7] == "Totali" and to_cents(rows[header + 3][20]) == D("2.00")
    with csv_path.open(encoding="utf-8-sig") as handle:
        head, *lines = list(csv.reader(handle, delimiter=";"))
    assert {row[4]: row[head.index("Bollo virtuale")] for row in lines} == {"C001": "2,00", "C002": ""}


def test_the_vat_summary_totals_its_rates_names_its_month_and_repeats_the_detail_headings(tmp_path, tricky):
    master, run_id, invoices = tricky
    book_path = write_accountants(tmp_path, master, invoices, run_id)[0]
    sheet = openpyxl.load_workbook(book_path)["Riepilogo IVA"]
    cached = CalamineWorkbook.from_path(str(book_path)).get_sheet_by_name("Riepilogo IVA").to_python()
    assert sheet["A1"].value == "Riepilogo IVA – aprile 2026"
    rates = len({(v.rate, v.nature) for x in invoices for v in x.summary})
    total = 4 + rates
    assert [sheet.cell(total, c).value for c in range(2, 6)] == [
        "Totali", f"=SUM(C4:C{total - 1})", f"=SUM(D4:D{total - 1})", f"=SUM(E4:E{total - 1})"]
    assert [to_cents(x) for x in cached[total - 1][2:5]] == [sum((getattr(x, a) for x in invoices), D(0))
                                                             for a in ("taxable", "vat", "total")]
    headings = next(n for n, row in enumerate(sheet.iter_rows(values_only=True), start=1) if row[0] == "Numero")
    assert sheet.print_title_rows == f"${headings}:${headings}"


def test_lines_beyond_a_sheet_go_on_in_the_next_without_splitting_an_invoice(tmp_path, tricky, monkeypatch):
    from toolkit.writers import accountants

    master, run_id, invoices = tricky
    counts = [len(x.lines) for x in invoices]
    room = max(counts) + 1
    monkeypatch.setattr(accountants, "LINES_PER_SHEET", room)
    book_path, _ = write_accountants(tmp_path, master, invoices, run_id)
    read = openpyxl.load_workbook(book_path)
    parts = [name for name in read.sheetnames if name == "Righe" or name.startswith("Righe ")]
    assert len(parts) == len(accountants.lines_parts(invoices)) >= 2
    rows = [row for name in parts for row in read[name].iter_rows(min_row=2, values_only=True)]
    assert len(rows) == sum(counts)
    assert all(read[name].max_row - 1 <= room for name in parts)
    for name in parts:
        numbers = {row[0] for row in read[name].iter_rows(min_row=2, values_only=True)}
        assert sum(len(x.lines) for x in invoices if x.number in numbers) == read[name].max_row - 1
    assert sorted(t for name in parts for t in read[name].tables) == sorted(
        ["Righe"] + [f"Righe{n}" for n in range(2, len(parts) + 1)])


@pytest.mark.filterwarnings("error")
def test_register_links_stop_at_excels_limit(tmp_path, tricky, monkeypatch):
    from toolkit.writers import accountants

    master, run_id, invoices = tricky
    monkeypatch.setattr(accountants, "LINKS_PER_SHEET", 2)
    book_path, _ = write_accountants(tmp_path, master, invoices, run_id)
    register = openpyxl.load_workbook(book_path)["Registro"]
    numbers = [register.cell(row, 1) for row in range(4, 4 + len(invoices))]
    assert [c.value for c in numbers] == [x.number for x in invoices]
    assert [c.hyperlink is not None for c in numbers] == [True, True] + [False] * (len(invoices) - 2)


def test_user_text_stays_text(tmp_path, ledger):
    evil = '=HYPERLINK("http://example.com","x")'
    master = master_with(name=evil, invoice_terms=InvoiceTerms.AFTER_DELIVERY)
    _, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "1", "10", "22", None)])
    ship(ledger, "C001", date(2026, 4, 9), [(line_id, "1")])
    result = run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it")
    book_path, copies_path, csv_path = write_accountants(tmp_path, master, result.invoices, result.run_id,
                                                         copies=True)
    book, copies = openpyxl.load_workbook(book_path), openpyxl.load_workbook(copies_path)
    cells = [c for row in copies[result.invoices[0].number].iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
    assert [c.data_type for row in book["Registro"].iter_rows() for c in row if c.value == evil] == ["s"]
    assert f";'{evil.replace(chr(34), chr(34) * 2)}" in csv_path.read_text(encoding="utf-8-sig") or \
        f";\"'{evil.replace(chr(34), chr(34) * 2)}\"" in csv_path.read_text(encoding="utf-8-sig")


def test_register_csv_writes_no_control_character(tmp_path, ledger):
    """A name pasted with a vertical tab or a NUL broke the accountant's import: each control
    character is a space in the file, tab, line feed and carriage return aside (quoted)."""
    master = master_with(name="Rossi\x0bS.r.l.\x00\x7f", invoice_terms=InvoiceTerms.AFTER_DELIVERY)
    _, [line_id] = make_order(ledger, "C001", date(2026, 4, 9), [("A001", "1", "10", "22", None)])
    ship(ledger, "C001", date(2026, 4, 9), [(line_id, "1")])
    result = run(ledger, master, Request(APRIL, date(2026, 5, 2)), lang="it")
    _, csv_path = write_accountants(tmp_path, master, result.invoices, result.run_id)
    raw = csv_path.read_bytes()
    assert b";Rossi S.r.l.  ;" in raw
    assert not [b for b in raw if (b < 0x20 and b not in b"\r\n") or b == 0x7F]


def test_register_csv_for_italian_accounting_imports(tmp_path, tricky):
    master, run_id, invoices = tricky
    _, csv_path = write_accountants(tmp_path, master, invoices, run_id)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:4] == ["Numero", "Data", "Tipo", "Stato"]
    first = lines[1].split(";")
    assert first[0] == invoices[0].number and first[1] == "30/04/2026"
    assert first[8:11] == [f"{v:.2f}".replace(".", ",") for v in ledger_totals(invoices[0])]
    assert any(";-4417,00;" in line for line in lines)


def test_register_csv_has_the_sheets_columns_period_and_xml_file_too(tmp_path, tricky):
    """The CSV lacked *Periodo* (a deferred invoice's VAT month) and *File XML*, which the
    *Registro* sheet has: both now come from one list of columns."""
    master, run_id, invoices = tricky
    xml = {invoices[0].number: "IT01234567890_00001.xml"}
    book_path, csv_path = write_accountants(tmp_path, master, invoices, run_id, xml_files=xml)
    sheet = openpyxl.load_workbook(book_path)["Registro"]
    heads = [c.value for c in sheet[3]]
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f, delimiter=";"))
    assert header == heads and heads[14:] == ["Periodo", "Documenti di trasporto", "Rif. fattura", "File XML",
                                              "Scissione pagamenti", "Da incassare", "Bollo virtuale"]
    in_sheet = {r[0]: r for r in sheet.iter_rows(min_row=4, max_row=3 + len(invoices), values_only=True)}
    assert [r[0] for r in rows] == [x.number for x in invoices] == list(in_sheet)
    for row in rows:
        assert [v or None for v in row[14:19]] == list(in_sheet[row[0]][14:19])
    first = rows[0]
    assert (first[14], first[17]) == ("01/04/2026 – 30/04/2026", xml[invoices[0].number])
    assert all(r[17] == "" for r in rows[1:])


def test_one_workbook_per_customer_and_names_that_stay_inside(tmp_path, tricky):
    master, _, invoices = tricky
    paths = write_accountants(tmp_path / "out", master, invoices, "../../escape", per_customer=True)
    assert [p.name for p in paths] == ["fatture-escape-C001.xlsx", "registro-escape.csv"]
    assert all(p.parent == (tmp_path / "out").resolve() for p in paths)


@needs_libreoffice
@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_ledger_figures(tmp_path, tricky):
    master, run_id, invoices = tricky
    book_path, copies_path, _ = write_accountants(tmp_path, master, invoices, run_id, copies=True)
    check_recalculated(*recalculated_values_of([book_path, copies_path]), invoices)


@needs_libreoffice
@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_register_from_lines_on_several_sheets(tmp_path, tricky, monkeypatch):
    from toolkit.writers import accountants

    master, run_id, invoices = tricky
    monkeypatch.setattr(accountants, "LINES_PER_SHEET", max(len(x.lines) for x in invoices) + 1)
    book_path, _ = write_accountants(tmp_path, master, invoices, run_id)
    values = recalculated_values(book_path)
    assert "Righe 2" in values
    check_register_and_summary(values, invoices)


# ---- the command line, end to end on the sample


def cli_app() -> typer.Typer:
    """The invoicing verbs on an app of their own (toolkit/cli.py registers them for users)."""
    from toolkit.cli import invoicing

    app = typer.Typer()
    invoicing.register(app)
    return app


def json_of(result) -> dict:
    return json.loads(result.stdout)


def invoice_sample_april(runner, app, workbook: Path, ledger_url: str, out: Path, *extra: str) -> dict:
    """Create the sample's April orders and ship them day by day with the real shipping service
    (stock, delivery terms and credit limits decide what leaves), each day's orders created that
    day, as a desk does (the warehouse orders' DDTs, issued at creation, are dated their day, and
    a DDT is never dated before an earlier one's), and invoice April through the CLI."""
    from toolkit.intake.validation import check_file
    from toolkit.ledger import open_ledger
    from toolkit.ledger.orders import load_orders
    from toolkit.services.orders import create

    master = check_file(workbook).master
    ledger = open_ledger(ledger_url)
    made = 0
    for day in (date(2026, 4, 1) + timedelta(days=n) for n in range(30)):
        create(master, ledger, day, lang="it")
        with reading(ledger) as conn:
            due = {o.order_date for o in load_orders(conn)} & {day}
        made += ship_open_orders(master, ledger, due)
    assert made > 50
    ledger.engine.dispose()
    result = runner.invoke(app, ["invoice", str(workbook), "--month", "2026-04", "--out", str(out),
                                 "--ledger", ledger_url, "--json", *extra])
    assert result.exit_code == 0, result.output
    return json_of(result)


def test_invoice_verbs_end_to_end(tmp_path, sample_workbook):
    from typer.testing import CliRunner

    runner, app = CliRunner(), cli_app()
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    common = ["--ledger", url, "--json"]
    preview = runner.invoke(app, ["invoice", "run", str(sample_workbook), "--month", "2026-04", "--preview", *common])
    assert preview.exit_code == 0 and json_of(preview)["run_id"] is None and not json_of(preview)["invoices"]
    first = invoice_sample_april(runner, app, sample_workbook, url, tmp_path / "out")
    kinds = {x["kind"] for x in first["invoices"]}
    assert first["run_id"] and kinds == {"invoice", "credit-note"}
    assert {p["code"] for p in first["problems"]} >= {"invoice-held"}
    assert sorted(Path(f).name for f in first["files"]) == sorted(
        [f"fatture-{first['run_id']}.xlsx", f"registro-{first['run_id']}.csv"])
    again = runner.invoke(app, ["invoice", str(sample_workbook), "--month", "2026-04", "--out", str(tmp_path / "out"),
                                *common])
    assert again.exit_code == 0 and json_of(again)["invoices"] == []
    listed = runner.invoke(app, ["invoice", "list", str(sample_workbook), *common])
    assert [r["run_id"] for r in json_of(listed)["runs"]][0] == first["run_id"]
    undone = runner.invoke(app, ["invoice", "undo", str(sample_workbook), first["run_id"], *common])
    assert json_of(undone)["undone"] == len(first["invoices"])
    redo = runner.invoke(app, ["invoice", str(sample_workbook), "--month", "2026-04", "--out", str(tmp_path / "out2"),
                               "--release", ",".join(_held(first)), *common])
    second = json_of(redo)
    assert second["invoices"][0]["number"] == first["invoices"][0]["number"]
    assert "invoice-held" not in {p["code"] for p in second["problems"]}
    assert len(second["invoices"]) > len(first["invoices"])
    final = runner.invoke(app, ["invoice", "finalize", str(sample_workbook), second["run_id"], "--out",
                                str(tmp_path / "final"), *common])
    assert json_of(final)["finalized"] == len(second["invoices"]) and json_of(final)["files"]
    refused = runner.invoke(app, ["invoice", "undo", str(sample_workbook), second["run_id"], *common])
    assert refused.exit_code == 2 and json_of(refused)["problems"][0]["code"] == "invoice-run-final"


def _held(document: dict) -> list[str]:
    import re

    return sorted({re.search(r"--release (\w+)", p["message"])[1] for p in document["problems"]
                   if p["code"] == "invoice-held"})


@needs_libreoffice
@pytest.mark.libreoffice
def test_sample_month_end_recalculates_in_libreoffice(tmp_path, sample_workbook):
    from typer.testing import CliRunner

    from toolkit.ledger import open_ledger

    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    runner, app = CliRunner(), cli_app()
    document = invoice_sample_april(runner, app, sample_workbook, url, tmp_path / "out", "--copies")
    ledger = open_ledger(url)
    with reading(ledger) as conn:
        run_invoices = load_invoices(conn, run_id=document["run_id"])
        invoices = [x for x in load_invoices(conn) if date(2026, 4, 1) <= x.invoice_date <= date(2026, 4, 30)]
    assert len(run_invoices) >= 10 and len(invoices) > len(run_invoices)  # the month's: POS invoices too
    workbook, copies = (next(Path(f) for f in document["files"] if Path(f).name.startswith(prefix))
                        for prefix in ("fatture-", "copie-fatture-"))
    month = runner.invoke(app, ["invoice", "export", str(sample_workbook), "--month", "2026-04", "--copies",
                                "--out", str(tmp_path / "month"), "--ledger", url])
    assert month.exit_code == 0, month.output
    folder = tmp_path / "month"
    run_book, run_copies, month_book, month_copies = recalculated_values_of(
        [workbook, copies, folder / "fatture-2026-04.xlsx", folder / "copie-fatture-2026-04.xlsx"])
    check_recalculated(run_book, run_copies, run_invoices)
    check_recalculated(month_book, month_copies, invoices)


# ---- reading figures back


def ledger_totals(invoice) -> tuple[D, D, D]:
    return invoice.taxable, invoice.vat, invoice.total


def to_cents(value) -> D:
    """A spreadsheet number as cents, refusing anything that is not a whole number of cents."""
    exact = D(repr(float(value)))
    rounded = exact.quantize(CENT)
    assert abs(exact - rounded) < D("0.000001"), value
    return rounded


def labelled(rows, label: str):
    for row in rows:
        for i, cell in enumerate(row):
            if cell == label:
                return row[i + 1]
    raise AssertionError(label)


def totals_in(rows) -> tuple[D, D, D]:
    return tuple(to_cents(labelled(rows, x)) for x in ("Totale imponibile", "Totale IVA", "Totale documento"))


def register_totals(rows) -> dict[str, tuple[D, D, D]]:
    header = next(i for i, row in enumerate(rows) if row[:2] == ["Numero", "Data"])
    return {row[0]: (to_cents(row[8]), to_cents(row[9]), to_cents(row[10]))
            for row in rows[header + 1:] if row[0] and str(row[0])[:2] in ("FT", "NC")}


def check_recalculated(values: dict, copies: dict, invoices) -> None:
    check_copies(copies, invoices)
    check_register_and_summary(values, invoices)


def check_copies(copies: dict, invoices) -> None:
    """Every printable invoice: its totals, line amounts, per-rate figures and dues, a credit
    note's positive (the register keeps them negative: `check_register_and_summary`)."""
    for invoice in map(as_stated, invoices):
        rows = copies[invoice.number]
        assert totals_in(rows) == ledger_totals(invoice), invoice.number
        header = next(i for i, row in enumerate(rows) if row[:2] == ["Articolo", "Descrizione"])
        summary = next(i for i, row in enumerate(rows) if "Riepilogo IVA" in row) + 1
        amounts = [to_cents(row[5]) for row in rows[header + 1:summary] if row[5] != ""]
        assert amounts == [x.amount for x in invoice.lines], invoice.number
        per_rate = [(to_cents(row[4]), to_cents(row[5])) for row in rows[summary + 1:summary + 1 + len(invoice.summary)]]
        assert per_rate == [(v.taxable, v.vat) for v in invoice.summary], invoice.number
        if invoice.dues:
            due_header = next(i for i, row in enumerate(rows) if row[4:6] == ["Scadenza", "Importo"])
            dues = [to_cents(row[5]) for row in rows[due_header + 1:due_header + 1 + len(invoice.dues)]]
            assert dues == [x.amount for x in invoice.dues], invoice.number


def check_register_and_summary(values: dict, invoices) -> None:
    """The register's totals per invoice and the VAT summary per rate."""
    assert register_totals(values["Registro"]) == {x.number: ledger_totals(x) for x in invoices}
    summary = values["Riepilogo IVA"]
    expected: dict[tuple, list[D]] = {}
    for invoice in invoices:
        for v in invoice.summary:
            split = "sì" if invoice.split_payment and v.rate else ""
            pair = expected.setdefault((float(v.rate), v.nature or "", split), [D(0), D(0)])
            pair[0] += v.taxable
            pair[1] += v.vat
    found = {(row[0], row[1] or "", row[5] if len(row) > 5 else ""): [to_cents(row[2]), to_cents(row[3])]
             for row in summary[3:3 + len(expected)]}
    assert found == expected
    total = summary[3 + len(expected)]
    assert total[1] == "Totali"
    assert [to_cents(x) for x in total[2:5]] == [sum((getattr(x, a) for x in invoices), D(0))
                                                 for a in ("taxable", "vat", "total")]


@pytest.mark.parametrize("lang, part", [("it", "parte"), ("en", "part")])
def test_a_run_s_copies_go_on_in_further_workbooks(tmp_path, sample_master, monkeypatch, lang, part):
    """Past `COPIES_PER_WORKBOOK` invoices the printable copies go on in `…-parte-2.xlsx` beside
    the first workbook: every invoice once, in order, none in a workbook too large to open."""
    import random

    from test_accountants_blocks import random_invoices

    from toolkit.writers import accountants

    monkeypatch.setattr(accountants, "COPIES_PER_WORKBOOK", 4)
    invoices = random_invoices(random.Random(11), [c.code for c in sample_master.customers], 10)
    files = write_accountants(tmp_path, sample_master, invoices, "r", lang, copies=True)
    copies = "copie-fatture" if lang == "it" else "invoice-copies"
    assert [f.name for f in files[1:-1]] == [f"{copies}-r.xlsx", f"{copies}-r-{part}-2.xlsx", f"{copies}-r-{part}-3.xlsx"]
    sheets = [CalamineWorkbook.from_path(str(f)).sheet_names for f in files[1:-1]]
    assert [len(names) for names in sheets] == [4, 4, 2]
    assert [name for names in sheets for name in names] == [x.number for x in invoices]


@pytest.mark.parametrize("verb", [
    ["invoice", "undo", "{workbook}", "2026-04-XX"],
    ["invoice", "finalize", "{workbook}", "2026-04-XX", "--out", "{out}"],
    ["invoice", "run", "{workbook}", "--month", "2026-04", "--date", "2026-03-31", "--out", "{out}"],
])
def test_a_typed_slip_in_the_invoice_verbs_exits_2_and_writes_nothing(tmp_path, sample_workbook, verb):
    from typer.testing import CliRunner

    out = tmp_path / "out"
    args = [a.format(workbook=sample_workbook, out=out) for a in verb]
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    result = CliRunner().invoke(cli_app(), [*args, "--ledger", url, "--json"])
    assert result.exit_code == 2, result.output
    assert json_of(result)["problems"][0]["code"] in {"unknown-invoice-run", "invoice-date-before-month"}
    assert not out.exists() or not any(out.iterdir())


def test_a_long_buyer_name_prints_whole_beside_the_destination_on_the_invoice_copy(tmp_path):
    """An invoice grouped by destination prints the buyer in column A and the destination from
    column D: an 84-character ragione sociale ran on into the empty B and C and stopped at the
    destination's text, cut on the copy the customer receives. Each side now spans its columns,
    wrapped, and the row is as tall as the longer text (the DDT's `side_by_side`)."""
    from dataclasses import replace

    from test_invoicing import line

    from toolkit.core.invoicing import InvoiceStatus, build_invoice
    from toolkit.writers.accountants import write_copies

    name = "Società Cooperativa Agricola di Produzione e Lavoro Fratelli Bianchi e Figli a r.l."
    master = master_with(name=name)
    invoice = build_invoice(master.customers[0], InvoiceKind.INVOICE, "ship-to:D001", APRIL, date(2026, 4, 30),
                            [line(date(2026, 4, 9), ship_to="D001")])
    invoice = replace(invoice, number="FT-2026-00001", status=InvoiceStatus.FINAL)
    sheet = openpyxl.load_workbook(write_copies(tmp_path / "copie.xlsx", master, [invoice]))["FT-2026-00001"]
    [row] = [r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == name]
    assert sheet.cell(row, 4).value == name and sheet.cell(row + 1, 4).value == "Piazza Castello 1"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {f"A{row}:C{row}", f"D{row}:H{row}"} <= merged
    assert sheet.cell(row, 1).alignment.wrap_text and sheet.cell(row, 4).alignment.wrap_text
    assert sheet.row_dimensions[row].height >= 30


def test_the_registers_due_amounts_are_grouped_in_thousands_as_its_money_cells(tmp_path, tricky):
    """*Scadenze* showed `30/04/2026 4417,00` beside *Totale*'s `4.417,00 €` (`#,##0.00`): the
    one figure of the row without its thousands dot. The sheet groups it as its money cells
    do (the cell is text, an invoice may have several dues); the CSV, for imports, keeps
    `4417,00`."""
    master, run_id, invoices = tricky
    book_path, csv_path = write_accountants(tmp_path, master, invoices, run_id)
    register = openpyxl.load_workbook(book_path)["Registro"]
    [heading] = [row for row in register.iter_rows() if any(c.value == "Scadenze" for c in row)]
    names = [c.value for c in heading]
    rows = {row[0].value: row for row in register.iter_rows(min_row=heading[0].row + 1) if row[0].value}
    large = [x for x in invoices if any(abs(d.amount) >= 1000 for d in x.dues)]
    assert large, "an invoice due for a thousand euro or more"
    for invoice in large:
        row = rows[invoice.number]
        assert "#,##0.00" in row[names.index("Totale")].number_format
        assert row[names.index("Scadenze")].value == "; ".join(
            f"{d.due_date:%d/%m/%Y} {d.amount:,.2f}".translate(str.maketrans(",.", ".,")) for d in invoice.dues)
    imported = csv_path.read_text(encoding="utf-8-sig")
    assert all(f"{d.due_date:%d/%m/%Y} {d.amount:.2f}".replace(".", ",") in imported for x in large for d in x.dues)


def test_a_credit_note_of_a_month_before_names_no_vat_month_of_that_invoice(tmp_path, ledger):
    """*Periodo* is the VAT month of a deferred invoice, which the accounting imports read; a
    credit note's VAT falls in the month of its own date (art. 26 DPR 633/72), yet a note of
    4 May on an April invoice showed April's days, *01/04/2026 – 30/04/2026*, as a debit note
    once did: an import booked it in April, a liquidation closed already. The invoice it
    corrects is in *Rif. fattura*; its printed copy keeps its period, as issued."""
    from toolkit.services.credit_notes import credit
    from toolkit.services.invoicing import finalize

    master, run_id, invoices = invoiced_tricky(ledger)
    finalize(ledger, run_id, master)
    invoice = next(x for x in invoices if x.group_key == "project:P3")
    done = credit(ledger, master, invoice.number, [(2, None)], "Merce non conforme", date(2026, 5, 4), date(2026, 5, 4),
                  lang="it")
    assert done.note is not None and done.note.period.start == date(2026, 4, 1)
    book_path, csv_path = write_accountants(tmp_path, master, [done.note], "2026-05")
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        [header, row] = list(csv.reader(f, delimiter=";"))
    sheet = openpyxl.load_workbook(book_path)["Registro"]
    assert (row[header.index("Periodo")], sheet.cell(4, 15).value) == ("", None)
    assert row[header.index("Rif. fattura")] == f"{invoice.number} 30/04/2026"
    vat_csv = write_vat_register_csv(tmp_path / "registro-iva-2026-05.csv", master, [done.note])
    with open(vat_csv, encoding="utf-8-sig", newline="") as f:
        vat_header, *vat_rows = list(csv.reader(f, delimiter=";"))
    assert vat_rows and all(r[vat_header.index("Periodo")] == "" for r in vat_rows)
