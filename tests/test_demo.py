"""`toolkit demo`: April 2026 on the sample, end to end, and again without adding anything."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from fatturapa_reading import read, schema_errors
from sqlalchemy import func, select

from toolkit.core.shipping import SERVICES_SERIES
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices
from toolkit.ledger.invoices_bulk import load_invoices_in_bulk
from toolkit.services.demo import run_demo


def _has_formulas(path) -> bool:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return any(b"</f>" in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))


def _values(path) -> dict:
    """Every sheet's values as a reader without a calculation engine sees them: the stored ones."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


def _counts(ledger):
    with reading(ledger) as conn:
        ddts = schema.deliveries.select().where(schema.deliveries.c.series != SERVICES_SERIES).subquery()
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (schema.orders, ddts, schema.invoices, schema.invoice_lines))


@pytest.fixture(scope="module")
def april(tmp_path_factory, demo_april):
    out = demo_april.copy(tmp_path_factory.mktemp("demo") / "demo")
    ledger = open_ledger(None, out / "anagrafiche.xlsx")
    return out, demo_april.tally, ledger


def test_april_runs_end_to_end(april):
    out, tally, ledger = april
    assert tally.orders > 100 and tally.ddts > 50 and tally.invoices > 10
    assert _counts(ledger)[:3] == (tally.orders, tally.ddts, tally.invoices)
    with reading(ledger) as conn:
        invoices = load_invoices(conn)
    deferred = [i for i in invoices if i.deliveries]
    assert deferred, "deferred invoices cite their DDTs"
    for invoice in deferred:
        assert all(ref.number.startswith(("DDT-2026-", f"{SERVICES_SERIES}-2026-")) for ref in invoice.deliveries)
        assert invoice.total == invoice.taxable + invoice.vat
    assert (out / "pannello.xlsx").exists() and (out / "scadenzario.xlsx").exists()
    assert len(list((out / "ordini").glob("*.xlsx"))) == len(list((out / "ddt").glob("*.xlsx"))) >= 20


def test_the_demo_counts_its_warnings_per_kind_and_lists_each_in_a_file(april):
    """The month meets about 185 warnings (orders held for stock, awaiting payment) and the demo
    said none of them: a line counts them per kind, most first, and names the file listing
    every one, a row each (read before `test_running_april_again_adds_nothing` runs April again)."""
    from collections import Counter

    from toolkit.basics.problems import problem_type

    out, tally, _ = april
    kinds = Counter(p.code for p in tally.warnings).most_common()
    assert len(tally.warnings) > 100 and len(kinds) > 3
    assert " avvisi del mese (" + ", ".join(f"{n} «{problem_type(code).title('it')}»" for code, n in kinds) \
        + "): ognuno in avvisi.xlsx." in tally.summary("it")[-2]
    assert tally.summary("it")[-2].startswith(f"{len(tally.warnings)} avvisi del mese (")
    assert tally.summary("en")[-2] == (
        f"{len(tally.warnings)} warnings in the month ("
        + ", ".join(f"{n} “{problem_type(code).title('en')}”" for code, n in kinds) + "): each one in avvisi.xlsx.")
    listed = openpyxl.load_workbook(out / "avvisi.xlsx").worksheets[0]
    assert listed.max_row - 1 == len(tally.warnings)
    assert Counter(row[3] for row in listed.iter_rows(min_row=2, values_only=True)) == Counter(dict(kinds))


def test_a_run_meeting_no_warning_removes_its_own_list_and_never_the_desks_file(tmp_path):
    """A rerun that meets no warning removes the last run's `avvisi.xlsx`, so its folder does
    not show it as its own; a workbook of the desk's under that name, in the folder the demo
    was pointed at, was deleted with it, without a word. Only the toolkit's list goes."""
    from toolkit.services.demo import FOREIGN_LEDGER, WARNINGS_FILE, month_warnings

    ours = month_warnings(tmp_path, [FOREIGN_LEDGER(None, url="sqlite:///x")], "it")
    assert ours == [tmp_path / WARNINGS_FILE] and ours[0].exists()
    assert month_warnings(tmp_path, [], "it") == [] and not ours[0].exists()
    theirs = openpyxl.Workbook()
    theirs.active["A1"] = "avvisi ai clienti"
    theirs.save(tmp_path / WARNINGS_FILE)
    assert month_warnings(tmp_path, [], "it") == []
    assert openpyxl.load_workbook(tmp_path / WARNINGS_FILE).active["A1"].value == "avvisi ai clienti"


def test_running_april_again_adds_nothing(april):
    out, _, ledger = april
    before = _counts(ledger)
    written = sorted((out / "fatture-elettroniche").iterdir())
    copies = out / "fatture" / "copie-fatture-2026-04.xlsx"
    printed = copies.read_bytes()
    again = run_demo(out)
    assert (again.orders, again.ddts, again.invoices) == (0, 0, 0)
    assert sorted(again.commissions) == sorted(april[1].commissions), "April's settled statements, written again"
    assert again.errors == [] and april[1].errors == [], "a rerun ships no day before its latest DDT, refused"
    assert _counts(ledger) == before
    assert sorted((out / "fatture-elettroniche").iterdir()) == written, "the same files, under the same names"
    assert copies.read_bytes() == printed, "the first run's originals, not rewritten as COPIA"
    assert not any(str(c.value).endswith("– COPIA") for ws in openpyxl.load_workbook(copies) for row in ws.iter_rows()
                   for c in row if c.value is not None)


def test_the_demo_says_every_error_it_met_and_exits_1(tmp_path, monkeypatch):
    """An auditor's sample whose BASE list includes VAT: R003 derives A035's water for T005 from
    BASE's 2,70 gross, 1,95 net once VAT is taken off and the markup applied, under HORECA's
    limit of 2,03 net (both net). Each day with that line created none of its orders, and the
    demo said only «23 ordini creati»; it lists each error and exits 1."""
    from typer.testing import CliRunner

    import toolkit.services.sample as sample
    from toolkit.cli.app import _register, app

    plain = sample.sample_rows

    def vat_included_base() -> dict:
        rows = plain()
        rows["price_lists"] = [{**x, "vat_included": x["code"] == "BASE" or x["vat_included"]}
                               for x in rows["price_lists"]]
        return rows

    monkeypatch.setattr(sample, "sample_rows", vat_included_base)
    _register()
    done = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "demo")])
    assert done.exit_code == 1, done.output
    lines = done.stdout.splitlines()
    told = [x for x in lines if "regola prezzo R003" in x]
    assert any("Il modello T005 del " in x and "all'articolo A035 il prezzo 1,95" in x and "prezzo limite 2,03" in x
               for x in told), lines
    assert len(told) == len(set(told)) >= 20, "each day's refusal once"
    summary = next(x for x in lines if "errori incontrati" in x)
    assert summary.startswith(f"{len([x for x in lines if 'Il modello ' in x])} errori incontrati, elencati qui sotto")
    assert any(x.startswith("Aprile 2026: ") and int(x.split()[2]) < 100 for x in lines)


def test_every_electronic_invoice_of_the_month_is_valid_against_the_official_schema(april):
    import zipfile

    out, tally, ledger = april
    folder = out / "fatture-elettroniche"
    files = sorted(folder.glob("*.xml"))
    with reading(ledger) as conn:
        invoices = [x for x in load_invoices(conn) if x.invoice_date.month == 4]
    assert tally.einvoices == len(files) == len(invoices) > 10
    invalid = {path.name: errors[:1] for path in files if (errors := schema_errors(path))}
    assert invalid == {}
    assert sorted(read(path).number for path in files) == sorted(x.number for x in invoices)
    (archive,) = folder.glob("*.zip")
    assert sorted(zipfile.ZipFile(archive).namelist()) == [path.name for path in files]
    assert any(f"{tally.einvoices} file XML" in line for line in tally.summary("it"))



def test_every_electronic_invoice_of_the_month_passes_sdis_controls_beyond_the_schema(april):
    """SDI's content controls (`sdi_controls`: totals, natures, rates, parties, …) on each file
    of the month, and no two files one document to SDI (00404)."""
    import sdi_controls

    out, tally, _ = april
    files = [path.read_bytes() for path in sorted((out / "fatture-elettroniche").glob("*.xml"))]
    assert len(files) == tally.einvoices > 10
    assert {n: found for n, xml in enumerate(files) if (found := sdi_controls.breaches(xml))} == {}
    assert sdi_controls.duplicates(files) == []
    kinds = {ET.fromstring(xml).findtext("FatturaElettronicaBody/DatiGenerali/DatiGeneraliDocumento/TipoDocumento")
             for xml in files}
    assert {"TD01", "TD24", "TD04"} <= kinds

def test_invoices_read_in_bulk_are_exactly_those_load_invoices_reads(april):
    """The e-invoice export reads a month through `load_invoices_in_bulk`, for speed: the same
    records, to the last digit of every Decimal (the XML spells them as stored), so a field
    added to `load_invoices` and not to the bulk reader fails here."""
    _, _, ledger = april
    with reading(ledger) as conn:
        plain = load_invoices(conn)
        bulk = load_invoices_in_bulk(conn, [x.id for x in reversed(plain) if x.id is not None])
    assert any(x.kind.value == "credit-note" for x in plain) and any(line.delivery for x in plain for line in x.lines)
    assert bulk == plain
    assert [repr(x) for x in bulk] == [repr(x) for x in plain]


def test_the_month_s_files_and_zip_are_those_the_plain_code_writes(april, monkeypatch, tmp_path):
    """The export's speed tricks (the bulk reader, the texts and verdicts the writer and the
    checks remember) change no byte: writing the demo month again through `load_invoices`
    and with nothing remembered gives the same files and the same zip."""
    from toolkit.core.einvoice import checks
    from toolkit.core.invoicing import Period
    from toolkit.intake.validation import check_file
    from toolkit.ledger import einvoices as ledger_einvoices
    from toolkit.services import einvoice
    from toolkit.writers import fatturapa

    out, _, ledger = april
    master = check_file(out / "anagrafiche.xlsx").master
    assert master is not None

    def plain_reader(conn, ids):
        return load_invoices(conn, ids=ids)

    def plain_party(party):
        text: list[str] = []
        fatturapa._personal_data(text, party)
        fatturapa._address(text, "Sede", party.address)
        return "".join(text)

    monkeypatch.setattr(einvoice, "load_invoices_in_bulk", plain_reader)
    monkeypatch.setattr(ledger_einvoices, "load_invoices_in_bulk", plain_reader)
    monkeypatch.setattr(fatturapa, "_line_after_number", fatturapa._line_text)
    monkeypatch.setattr(fatturapa, "_party_text", plain_party)
    monkeypatch.setattr(checks, "_sound", lambda line: not any(True for _ in checks._line_values(line)))
    monkeypatch.setattr(checks, "_party_values", lambda block, party, seller: checks._party(block, party, seller=seller))
    again = einvoice.export(master, ledger, month=Period(date(2026, 4, 1), date(2026, 4, 30)), out=tmp_path, zip=True,
                            resend=True)
    written = sorted((out / "fatture-elettroniche").iterdir())
    assert again.files and [p.name for p in sorted(tmp_path.iterdir())] == [p.name for p in written]
    assert {p.name: p.read_bytes() for p in sorted(tmp_path.iterdir())} == {p.name: p.read_bytes() for p in written}


@pytest.mark.libreoffice
def test_the_accountants_workbook_recalculates_to_the_ledger(april, recalculated):
    out, _, ledger = april
    (workbook,) = (out / "fatture").glob("fatture-*.xlsx")
    sheets = recalculated[workbook]
    register = sheets["Registro"]
    header_row = next(i for i, row in enumerate(register) if row and row[0] == "Numero")
    header = register[header_row]
    rows = {row[0]: row for row in register[header_row + 1:] if row and str(row[0]).startswith(("FT-", "NC-"))}
    with reading(ledger) as conn:
        invoices = load_invoices(conn)
    assert sorted(rows) == sorted(i.number for i in invoices if i.invoice_date.month == 4)
    for invoice in (i for i in invoices if i.invoice_date.month == 4):
        row = rows[invoice.number]
        for column, expected in (("Imponibile", invoice.taxable), ("IVA", invoice.vat), ("Totale", invoice.total)):
            shown = Decimal(str(row[header.index(column)])).quantize(Decimal("0.01"))
            assert shown == expected, (invoice.number, column)


@pytest.fixture(scope="module")
def recalculated(april, tmp_path_factory) -> dict:
    """Every workbook of April holding a formula → its values as LibreOffice recalculates them,
    all converted in one LibreOffice run: the tests below each started LibreOffice again for
    workbooks among these (the accountants' workbook, the reports, the agents' statements)."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed: apt-get install libreoffice-calc-nogui")
    from toolkit.writers.libreoffice import convert_all

    out, _, _ = april
    books = [p for p in sorted(out.rglob("*.xlsx")) if _has_formulas(p)]
    converted = convert_all(books, "xlsx:Calc MS Excel 2007 XML", tmp_path_factory.mktemp("recalculated"))
    return {book: _values(done) for book, done in zip(books, converted)}


def _sheet_names(folder):
    import re
    import zipfile

    return [name for path in sorted(folder.glob("*.xlsx"))
            for name in re.findall(r'<sheet name="([^"]+)"', zipfile.ZipFile(path).read("xl/workbook.xml").decode())]


def test_a_rerun_prints_again_the_files_a_killed_run_did_not_write(tmp_path, demo_april):
    """A run killed after the ledger's commit but before a file: the rerun creates nothing, and
    still every document the ledger holds for a day gets its file, the same as the first. The
    month's printable invoices are recorded printed once their file is written, so a run killed
    before that file left them unprinted: the rerun prints them as originals, as the first run
    would have (a file deleted after it was printed is a reprint, *COPIA*)."""
    from sqlalchemy import delete
    from xlsx_reference import differences

    from toolkit.ledger.db import writing

    out = demo_april.copy(tmp_path / "demo")
    lost = [out / "ordini" / "ordini-2026-04-09.xlsx", out / "ddt" / "ddt-2026-04-09.xlsx",
            out / "ddt" / "ddt-2026-04-30.xlsx", out / "fatture" / "copie-fatture-2026-04.xlsx"]
    originals = tmp_path / "originals"
    originals.mkdir()
    for i, path in enumerate(lost):
        shutil.copy(path, originals / f"{i}-{path.name}")
        path.unlink()
    ledger = open_ledger(None, out / "anagrafiche.xlsx")
    with writing(ledger) as conn:
        conn.execute(delete(schema.printings).where(schema.printings.c.document == "invoice"))
    ledger.engine.dispose()
    again = run_demo(out)
    assert (again.orders, again.ddts, again.invoices) == (0, 0, 0)
    assert again.errors == [], "a rerun ships no day before its latest DDT, refused"
    for i, path in enumerate(lost):
        assert path.exists(), f"{path.name} not written again"
        assert differences(path, originals / f"{i}-{path.name}") is None, path.name


def test_every_order_and_ddt_of_the_month_has_its_sheet(april):
    out, _, ledger = april
    with reading(ledger) as conn:
        orders = [r[0] for r in conn.execute(select(schema.orders.c.id))]
        ddts = [r[0] for r in conn.execute(select(schema.deliveries.c.id).where(
            schema.deliveries.c.series != SERVICES_SERIES))]
    assert len(_sheet_names(out / "ordini")) == len(orders)
    sheets = _sheet_names(out / "ddt")
    assert len(sheets) == len(set(sheets)) == len(ddts), "the DDTs issued with their orders too"


@pytest.mark.libreoffice
def test_the_demo_reports_recalculate_to_the_ledger(april, recalculated):
    """The sales report (second half of April against the first) and the aging report on the
    closing day: their live totals, recalculated by LibreOffice, are the ledger's to the cent."""
    from toolkit.core.payments import Show, monitor
    from toolkit.ledger.orders import load_orders
    from toolkit.services.demo import CLOSING_DAY, REPORT_HALVES
    from toolkit.services.payments import load_receivables

    out, _, ledger = april
    cent = Decimal("0.01")
    with reading(ledger) as conn:
        orders = load_orders(conn)

    def ordered(first, last):
        """Orders dated in the period, quotations and proposals, drafts and voided orders left out."""
        return sum((o.amount for o in orders if first <= o.order_date <= last
                    and o.status.value not in ("draft", "not-accepted", "voided")
                    and o.document_type.value not in ("quotation", "proposal")), Decimal(0))

    table = recalculated[out / "report-vendite.xlsx"]["Report"]
    header, total = table[4], next(r for r in table if r[0] == "Totale")
    (start, end), (before_start, before_end) = REPORT_HALVES
    assert Decimal(str(total[header.index("Importo")])).quantize(cent) == ordered(start, end) > 0
    assert Decimal(str(total[header.index("Confronto")])).quantize(cent) == ordered(before_start, before_end) > 0
    aging = recalculated[out / "report-scadenziario.xlsx"]["Report"]
    header, total = aging[4], next(r for r in aging if r[0] == "Totale")
    still_open = sum((r.outstanding for r in monitor(load_receivables(ledger), CLOSING_DAY, Show.UNPAID)), Decimal(0))
    assert Decimal(str(total[header.index("Aperto")])).quantize(cent) == still_open > 0


def test_the_month_shows_an_order_line_priced_by_a_category_rule(april):
    """Issue 17: the sample's rule for a category (coffee 8 % off for bars, water from the base
    list for restaurants) prices lines of April's orders; the ledger records the rule on the
    line, and the printed order and the panel show it."""
    import openpyxl

    from toolkit.services.check import check_file

    out, _, ledger = april
    master = check_file(out / "anagrafiche.xlsx").master
    by_category = {r.code for r in master.price_rules if r.category and not r.item}
    o, ol = schema.orders.c, schema.order_lines.c
    with reading(ledger) as conn:
        ruled = conn.execute(select(o.occurrence, o.series, o.year, o.number, ol.item, ol.price_rule)
                             .join_from(schema.order_lines, schema.orders, ol.order_id == o.id)
                             .where(ol.price_rule.in_(sorted(by_category)))
                             .order_by(o.occurrence, o.number)).all()
    assert {r.price_rule for r in ruled} == by_category == {"R001", "R003"}
    day, number = ruled[0].occurrence, f"{ruled[0].series}-{ruled[0].year}-{ruled[0].number:05d}"
    printed = openpyxl.load_workbook(out / "ordini" / f"ordini-{day:%Y-%m-%d}.xlsx")[number]
    assert any(f"(Regola prezzo {ruled[0].price_rule})" in str(c) for row in printed.iter_rows(values_only=True)
               for c in row)
    panel = list(openpyxl.load_workbook(out / "pannello.xlsx")["Righe"].iter_rows(values_only=True))
    column = panel[0].index("Regola prezzo")
    assert {r[column] for r in panel[1:]} >= by_category
    assert (out / "listini" / "listino-INGROSSO-2026-04-30.xlsx").exists()


@pytest.mark.libreoffice
def test_the_month_settles_a_volume_discount_and_states_commissions_that_recalculate(april, recalculated):
    """Issue 17: April's volume discounts become credit notes citing the invoices they reduce,
    with each customer's statement in `sconti/`; each agent's commission statement in
    `provvigioni/` totals, after a LibreOffice recalculation of its live formulas, what the
    ledger's invoices give the agent."""
    from toolkit.services import commissions
    from toolkit.services.check import check_file
    from toolkit.writers.statements import COMMISSION, commission_file

    out, tally, ledger = april
    with reading(ledger) as conn:
        notes = {x.number: x for x in load_invoices(conn) if x.kind.value == "credit-note" and x.cites}
        settled = conn.execute(select(func.count()).select_from(schema.volume_settlements)).scalar_one()
    assert notes and set(tally.discount_notes) == set(notes) and settled >= len(notes)
    for note in notes.values():
        assert note.invoice_date == date(2026, 4, 30) and note.total < 0
        assert all(c.number.startswith("FT-2026-") for c in note.cites)
    assert len(list((out / "sconti").glob("*.xlsx"))) >= len(notes)

    master = check_file(out / "anagrafiche.xlsx").master
    made = commissions.compute(ledger, master, date(2026, 4, 1), date(2026, 4, 30), lang="it")
    assert made.statements and sorted((s.agent, s.total) for s in made.statements) == sorted(tally.commissions)
    for statement in made.statements:
        [rows] = recalculated[out / "provvigioni" / commission_file(
            statement.agent, date(2026, 4, 1), date(2026, 4, 30))].values()
        [total] = [row[COMMISSION] for row in rows if len(row) > COMMISSION and row[COMMISSION - 1] == "Totale"]
        assert Decimal(str(total)).quantize(Decimal("0.01")) == statement.total != 0


def test_notes_on_invoices_never_collected_take_no_collected_commission_back(april):
    """The audit: Silvia Moretti (collected base, PV-INCASSI) lost 25.42 € of base to SV-ACQUA's
    NC-2026-00006, citing invoices of C020 never collected, and 513.94 € to C004's return
    NC-2026-00001, citing no invoice and never refunded."""
    from toolkit.services import commissions
    from toolkit.services.check import check_file

    out, _, ledger = april
    master = check_file(out / "anagrafiche.xlsx").master
    made = commissions.compute(ledger, master, date(2026, 4, 1), date(2026, 6, 30), lang="it")
    assert [(r.invoice.number, r.base) for s in made.statements for r in s.rows
            if s.agent == "Silvia Moretti" and r.invoice.number in ("NC-2026-00001", "NC-2026-00006")] == []


def test_a_return_citing_no_invoice_takes_commission_back_when_refunded(april, tmp_path):
    """C004's NC-2026-00001 (608.93 €, 513.94 € of base) refunded on 3 June: June takes its
    513.94 € back from the collected-base agent, May nothing."""
    from toolkit.basics.vocab import PaymentMethod
    from toolkit.core.payments import PaymentEntry
    from toolkit.services import commissions
    from toolkit.services.check import check_file
    from toolkit.services.payments import record

    out, _, _ = april
    for name in ("anagrafiche.xlsx", "anagrafiche.xlsx.ledger.sqlite"):
        shutil.copy(out / name, tmp_path / name)
    ledger = open_ledger(None, tmp_path / "anagrafiche.xlsx")
    refund = PaymentEntry("NC-2026-00001", date(2026, 6, 3), Decimal("-608.93"), PaymentMethod.BANK_TRANSFER)
    assert record(ledger, [refund]).recorded
    master = check_file(tmp_path / "anagrafiche.xlsx").master

    def bases(first: date, last: date) -> list[tuple[str, Decimal]]:
        made = commissions.compute(ledger, master, first, last, lang="it")
        return [(r.invoice.number or "", r.base) for s in made.statements for r in s.rows
                if s.agent == "Silvia Moretti" and r.invoice.number == "NC-2026-00001"]

    assert bases(date(2026, 5, 1), date(2026, 5, 31)) == []
    assert bases(date(2026, 6, 1), date(2026, 6, 30)) == [("NC-2026-00001", Decimal("-513.94"))]


@pytest.mark.libreoffice
def test_every_formula_the_demo_wrote_stores_its_value(april, recalculated):
    """XlsxWriter stores 0 as a formula's value unless told the result, and a reader without a
    calculation engine (python-calamine, the toolkit reading its own output, a phone's viewer)
    shows that value. Every formula of every workbook the month wrote (the accountants' workbook
    and the printable invoices, statements, reports, payments' status, volume discounts) stores
    what LibreOffice computes for it, to the cent."""
    out, _, _ = april
    books = [p for p in sorted(out.rglob("*.xlsx")) if _has_formulas(p)]
    assert {p.parent.name for p in books} >= {"fatture", "provvigioni", "sconti", out.name}

    def same(stored, computed):
        if isinstance(stored, (int, float)) and isinstance(computed, (int, float)):
            return round(Decimal(str(stored)) - Decimal(str(computed)), 2) == 0
        return stored == computed

    differ, formulas = [], 0
    for book in books:
        stored, computed = _values(book), recalculated[book]
        for name, sheet in ((s.title, s) for s in openpyxl.load_workbook(book)):
            for row in sheet.iter_rows():
                for cell in (c for c in row if isinstance(c.value, str) and c.value.startswith("=")):
                    formulas += 1
                    here, there = (v[name][cell.row - 1][cell.column - 1] for v in (stored, computed))
                    if not same(here, there):
                        differ.append((book.name, name, cell.coordinate, cell.value, here, there))
    assert formulas > 1000 and differ == []


def test_aprils_commissions_are_settled_so_reprint_gives_them_back(april, tmp_path):
    """The demo writes April's statements under the settled files' names: it settles them, so
    `commissions --reprint` finds them, each the file the demo wrote."""
    from xlsx_reference import differences

    from toolkit.services import commissions
    from toolkit.services.check import check_file

    out, tally, ledger = april
    master = check_file(out / "anagrafiche.xlsx").master
    again = commissions.reprint(ledger, master, date(2026, 4, 1), date(2026, 4, 30), tmp_path, lang="it")
    assert tally.commissions and sorted((s.agent, s.total) for s in again.statements) == sorted(tally.commissions)
    assert sorted(p.name for p in again.files) == sorted(p.name for p in (out / "provvigioni").iterdir())
    for path in again.files:
        assert differences(path, out / "provvigioni" / path.name) is None, path.name
