"""Volume discounts settled in the ledger and commissions read from it, on the sample's April:
credit notes numbered in their series and dated in order, citing the invoices they reduce in the
ledger, the e-invoice (TD04, DatiFattureCollegate), the accountants' workbook and the reprint;
settled once; the commission statement's total recalculated by LibreOffice to the cent."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from older_ledgers import back_to
from sqlalchemy import func, inspect, select

from toolkit.core.invoicing import InvoiceKind, InvoiceStatus, Period, Request
from toolkit.core.volume_discounts import parse_period
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices
from toolkit.services import commissions, discounts, einvoice, invoicing

APRIL = parse_period("2026-04")
TODAY = date(2026, 5, 10)


@pytest.fixture(scope="module")
def april(tmp_path_factory, sample_master):
    """April ordered, shipped and invoiced final on the sample, with deferred invoices and the
    return's credit note dated `invoice_day`; the ledger file, to copy."""
    from toolkit.core.workdays import working_calendar
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    folder = tmp_path_factory.mktemp("april")
    ledger = open_ledger(f"sqlite:///{folder / 'ledger.sqlite'}")
    calendar = working_calendar(sample_master.settings, sample_master.closures)
    day = APRIL.start
    while day <= APRIL.end:
        if calendar.is_working(day):
            create(sample_master, ledger, day, with_catch_up=False, lang="it")
            ship(sample_master, ledger, day, all_open=True, lang="it")
        day += timedelta(days=1)
    done = invoicing.run(ledger, sample_master, Request(Period(APRIL.start, APRIL.end), TODAY, APRIL.end),
                         status=InvoiceStatus.FINAL, lang="it")
    assert done.run_id is not None
    ledger.engine.dispose()
    return folder / "ledger.sqlite"


@pytest.fixture
def ledger(april, tmp_path):
    copy = tmp_path / "ledger.sqlite"
    shutil.copy(april, copy)
    opened = open_ledger(f"sqlite:///{copy}")
    yield opened
    opened.engine.dispose()


def _all(ledger):
    with reading(ledger) as conn:
        return load_invoices(conn)


def test_settling_issues_credit_notes_citing_the_invoices_once(ledger, sample_master, tmp_path):
    before = _all(ledger)
    done = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, out=tmp_path / "sconti", lang="it")
    assert not [p for p in done.problems if p.is_error], done.problems
    assert done.credit_notes, "the sample's April gives volume discounts"
    after = {x.number: x for x in _all(ledger)}
    issued = {x.number for x in after.values()} - {x.number for x in before}
    assert issued == {x.number for x in done.credit_notes}
    for note in (after[n] for n in sorted(issued)):
        assert note.kind is InvoiceKind.CREDIT_NOTE and note.status is InvoiceStatus.FINAL
        assert note.number.startswith(f"{sample_master.settings.credit_note_series}-2026-")
        assert note.cites and all(after[c.number].customer == note.customer for c in note.cites)
        assert all(after[c.number].kind is InvoiceKind.INVOICE for c in note.cites)
        assert note.total == note.taxable + note.vat < 0
    settled = {(s.discount.code, s.customer): s for s in done.settlements if s.credit_note}
    for s in settled.values():
        assert sum((c.base for c in s.credit_note.cites), Decimal(0)) >= s.base  # returns come off the base
        assert -s.credit_note.taxable == s.amount
    with reading(ledger) as conn:
        assert conn.execute(select(func.count()).select_from(schema.volume_settlements)).scalar_one() == len(settled)
    names = sorted(p.name for p in done.files)
    assert any(n.startswith("sconto-volume-2026-04-") for n in names)
    assert "fatture-sconti-2026-04.xlsx" in names

    again = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, out=tmp_path / "again", lang="it")
    assert again.credit_notes == [] and set(again.already) == set(settled)
    assert {x.number for x in _all(ledger)} == set(after)


def test_a_second_settlement_of_the_period_keeps_every_note_and_statement_on_disk(ledger, sample_master, tmp_path):
    """A discount on every item added to the sheet after the sample's were settled: the second
    settlement's accountants' workbook is the period's, holding the first notes too, and no
    statement of the first is replaced (a customer's second discount takes the next free name)."""
    from dataclasses import replace

    import openpyxl

    out = tmp_path / "sconti"
    first = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, out=out, lang="it")
    assert first.credit_notes and not [p for p in first.problems if p.is_error]
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith("sconto-volume-")}
    model = sample_master.volume_discounts[0]
    everything = replace(model, code="SV-TUTTO", group=None, category=None, threshold=Decimal(0), percent=Decimal(1))
    added = sample_master.model_copy(update={"volume_discounts": [*sample_master.volume_discounts, everything]})
    second = discounts.run(ledger, added, APRIL, APRIL.end, TODAY, out=out, lang="it")
    assert second.credit_notes and set(second.already) == {(s.discount.code, s.customer)
                                                           for s in first.settlements if s.credit_note}
    for name, data in before.items():
        assert (out / name).read_bytes() == data, f"{name} was replaced"
    statements = sorted(p for p in out.iterdir() if p.name.startswith("sconto-volume-"))
    assert len(statements) == len(first.credit_notes) + len(second.credit_notes)
    both = {s.customer for s in first.settlements if s.credit_note} & {s.customer for s in second.settlements
                                                                        if s.credit_note}
    assert both, "the sample has a bar with both discounts"
    assert {p.name for p in second.files} >= {f"sconto-volume-2026-04-{c}-2.xlsx" for c in both}
    book = openpyxl.load_workbook(out / "fatture-sconti-2026-04.xlsx")
    shown = {c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row}
    notes = {x.number for x in first.credit_notes + second.credit_notes}
    assert notes <= shown
    register = (out / "registro-sconti-2026-04.csv").read_text(encoding="utf-8-sig")
    assert all(n in register for n in notes)
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "nothing temporary is left"


def test_a_settlement_whose_files_fill_the_disk_stores_nothing_and_leaves_the_folder_as_it_was(
        ledger, sample_master, tmp_path, monkeypatch):
    """The statements and the period's workbook are made aside and placed together in the
    settlement's transaction: the register failing last on a full disk takes back the
    statements already made, the earlier settlement's files stay as they were, no note is
    stored; with room, the same settlement goes through."""
    import errno
    from dataclasses import replace

    from toolkit.writers import accountants

    out = tmp_path / "sconti"
    first = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, out=out, lang="it")
    assert first.credit_notes
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    numbers = {x.number for x in _all(ledger)}
    everything = replace(sample_master.volume_discounts[0], code="SV-TUTTO", group=None, category=None,
                         threshold=Decimal(0), percent=Decimal(1))
    added = sample_master.model_copy(update={"volume_discounts": [*sample_master.volume_discounts, everything]})

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as disk:
        disk.setattr(accountants, "write_register_csv", full)
        with pytest.raises(OSError, match="No space left"):
            discounts.run(ledger, added, APRIL, APRIL.end, TODAY, out=out, lang="it")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert {x.number for x in _all(ledger)} == numbers
    again = discounts.run(ledger, added, APRIL, APRIL.end, TODAY, out=out, lang="it")
    assert again.credit_notes and all(p.exists() for p in again.files)


def test_the_discount_statements_name_their_customers(ledger, sample_master, tmp_path):
    """One statement per customer and discount, each naming its customer as the statement
    carries it (`statement_of`): the writer reads no master, so a quarter at L never goes
    through 10,000 customers for each statement."""
    import openpyxl

    from toolkit.core.discount_statements import statement_of
    from toolkit.model.parties import party_book
    from toolkit.writers.statements import write_discount_statements

    settlements = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, preview=True, lang="it").settlements
    assert len(settlements) > 1
    names = {c.code: c.name for c in sample_master.customers}
    seller = party_book(sample_master).seller
    files = write_discount_statements(tmp_path / "sconti", [statement_of(s, names[s.customer], seller, "it")
                                                            for s in settlements])
    assert len(files) == len(settlements)
    for path, s in zip(files, settlements):
        sheet = openpyxl.load_workbook(path).worksheets[0]
        assert f"{s.customer} – {names[s.customer]}" in [c.value for row in sheet.iter_rows() for c in row]


def test_a_preview_writes_nothing(ledger, sample_master):
    before = _all(ledger)
    seen = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, preview=True, lang="it")
    assert seen.preview and seen.credit_notes and all(x.number is None for x in seen.credit_notes)
    assert _all(ledger) == before


@pytest.mark.parametrize("day, code", [
    (date(2026, 4, 29), "discount-period-open"),
    (date(2026, 5, 11), "discount-date-in-future"),
])
def test_dates_a_settlement_may_not_take(ledger, sample_master, day, code):
    done = discounts.run(ledger, sample_master, APRIL, day, TODAY, lang="it")
    assert [p.code for p in done.problems if p.is_error] == [code]
    assert done.credit_notes == []


def test_credit_notes_keep_numbers_in_date_order(ledger, sample_master):
    """A credit note of 5 May already in the series (`invoice credit` of one unit of a shipped
    April invoice's first line): a settlement dated 30 April is refused, as month-end invoicing refuses
    it, and stores nothing; dated 5 May it goes through. The note is issued as the desk issues
    one, not stored as a copy of a return's note, which credited that return's lines twice."""
    from toolkit.services.credit_notes import credit

    [sold] = [x for x in _all(ledger) if x.kind is InvoiceKind.INVOICE and all(line.delivery for line in x.lines)][:1]
    made = credit(ledger, sample_master, sold.number, [(1, Decimal(1))], "Merce difettosa", date(2026, 5, 5), TODAY,
                  lang="it")
    assert made.note is not None and made.note.invoice_date == date(2026, 5, 5), made.problems
    before = _all(ledger)
    refused = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, lang="it")
    assert "invoice-date-out-of-sequence" in [p.code for p in refused.problems if p.is_error]
    assert refused.credit_notes == [] and _all(ledger) == before
    assert discounts.run(ledger, sample_master, APRIL, date(2026, 5, 5), TODAY, lang="it").credit_notes


def test_credit_notes_reach_the_e_invoices_and_the_reprint(ledger, sample_master, tmp_path):
    from fatturapa_reading import schema_errors

    from toolkit.services.printing import Selection, write_and_mark
    from toolkit.services.printing import select as choose

    done = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, lang="it")
    note = done.credit_notes[0]
    xml = einvoice.export(sample_master, ledger, month=Period(APRIL.start, APRIL.end), out=tmp_path / "xml")
    [path] = [p for number, p in xml.files.items() if number == note.number]
    text = Path(path).read_text(encoding="utf-8")
    assert "<TipoDocumento>TD04</TipoDocumento>" in text
    cited = re.findall(r"<DatiFattureCollegate><IdDocumento>([^<]+)</IdDocumento>", text)
    assert cited == [c.number for c in note.cites]
    assert not schema_errors(Path(path))
    documents, _ = choose(ledger, "invoices", Selection(numbers=(note.number,)))
    printed = write_and_mark(ledger, sample_master, "invoices", documents, tmp_path / "nc.xlsx", "it")
    assert printed.exists()
    workbook = invoicing.export_month(sample_master, ledger, Period(APRIL.start, APRIL.end), tmp_path / "fatture",
                                      "it").files
    assert any(p.suffix == ".csv" and note.number in p.read_text(encoding="utf-8") for p in workbook)


def test_the_commission_statement_recalculates_to_the_ledger_s_figure(ledger, sample_master, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed: apt-get install libreoffice-calc-nogui")
    from toolkit.writers.libreoffice import recalculated_values
    from toolkit.writers.statements import COMMISSION, commission_file

    discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, lang="it")  # its credit notes earn negative
    made = commissions.compute(ledger, sample_master, APRIL.start, APRIL.end, out=tmp_path, lang="it")
    statement = max(made.statements, key=lambda s: len(s.rows))
    assert any(r.invoice.kind is InvoiceKind.CREDIT_NOTE and r.commission < 0 for s in made.statements
               for r in s.rows)
    [rows] = recalculated_values(tmp_path / commission_file(statement.agent, APRIL.start, APRIL.end)).values()
    [total] = [row[COMMISSION] for row in rows if len(row) > COMMISSION and row[COMMISSION - 1] == "Totale"]
    assert Decimal(str(total)).quantize(Decimal("0.01")) == statement.total != 0


def test_a_version_7_ledger_gains_citations_and_settlements(tmp_path, minimal_master):
    from older_ledgers import older_ledger

    url = older_ledger(tmp_path, minimal_master, 7, tables=["invoice_citations", "volume_settlements"])
    upgraded = open_ledger(url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
        assert {"invoice_citations", "volume_settlements"} <= set(inspect(conn).get_table_names())
        assert load_invoices(conn) == []
    upgraded.engine.dispose()


def test_a_preview_on_the_terminal_has_headings_and_the_readers_numbers(ledger, sample_master, capsys):
    """`discounts settle --preview` as a table like the others: Italian headings, amounts in
    euro with the decimal comma, the bracket's percent with it too."""
    from toolkit.cli.tables import print_settlements

    seen = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, preview=True, lang="it").settlements
    print_settlements(seen, {("SV9", "C009"): "NC-2026-00001"}, "it")
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert lines[0].split() == ["Sconto", "Cliente", "Base", "Scaglione", "Sconto", "€", "Nota", "di", "credito"]
    first = next(s for s in seen if s.reached)
    row = next(line for line in lines if line.split()[:2] == [first.discount.code, first.customer])
    base, percent = f"{first.base:,.2f}".translate(str.maketrans(",.", ".,")), str(first.reached.percent.normalize())
    assert f"{base} €" in row and f"{percent.replace('.', ',')} %" in row, row
    assert not re.search(r"\d\.\d{2}\b", row), row
    assert lines[-1].split() == ["SV9", "C009", "già", "liquidato", "con", "NC-2026-00001"]



def test_the_discount_statement_says_the_bracket_reached_as_the_customer_reads_it(ledger, sample_master, tmp_path):
    """«Scaglione raggiunto: Da 12500.50 – 2.5 %» on a statement sent to the customer: the
    threshold and the percent now read as in Italian (`Da 12.500,5 – 2,5 %`), as in English."""
    import dataclasses

    import openpyxl

    from toolkit.core.brackets import Bracket
    from toolkit.core.discount_statements import statement_of
    from toolkit.model.parties import party_book
    from toolkit.writers.statements import write_discount_statements

    done = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, preview=True, lang="it")
    settled = next(s for s in done.settlements if s.reached)
    raised = dataclasses.replace(settled, reached=Bracket(Decimal("12500.50"), Decimal("2.5")))

    def reached(lang: str) -> str:
        first = statement_of(raised, "Cliente", party_book(sample_master).seller, lang)
        [path] = write_discount_statements(tmp_path / lang, [first], lang)
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        return next(r[1] for r in rows if r[0] in ("Scaglione raggiunto", "Bracket reached"))

    assert reached("it") == "Da 12.500,5 – 2,5 %"
    assert reached("en") == "From 12,500.5 – 2.5 %"


def test_settling_before_the_months_invoices_are_final_names_the_ddts_it_would_never_count(sample_master, tmp_path):
    """April shipped on the 1st and 2nd, its deferred invoices not yet issued: settling now
    counts none of those goods, and settling again later issues nothing, so the settlement warns
    naming the customers and their DDTs; once April is invoiced and final it no longer does."""
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    for day in (date(2026, 4, 1), date(2026, 4, 2)):
        create(sample_master, ledger, day, with_catch_up=False, lang="it")
        ship(sample_master, ledger, day, all_open=True, lang="it")
    early = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, preview=True, lang="it")
    [warning] = [p for p in early.problems if p.code == "discount-deliveries-not-invoiced"]
    params = dict(warning.params)
    assert not warning.is_error and params["customers"] == "C012, C013, C019, C020, C021, C030"
    with reading(ledger) as conn:
        d = schema.deliveries.c
        c012 = conn.execute(select(d.series, d.year, d.number).where(d.customer == "C012").order_by(d.number)).first()
    assert c012 is not None
    said = warning.render("it")
    assert said.startswith("11 DDT del periodo 2026-04 di clienti con uno sconto volume non sono ancora su una "
                           "fattura definitiva (C012, C013, C019, C020, C021, C030: "
                           f"{c012.series}-{c012.year}-{c012.number:05d}, "), said
    assert "toolkit invoice --month" in said and "of period 2026-04" in warning.render("en")
    invoicing.run(ledger, sample_master, Request(Period(APRIL.start, APRIL.end), TODAY, APRIL.end),
                  status=InvoiceStatus.FINAL, lang="it")
    later = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, preview=True, lang="it")
    [still] = [p for p in later.problems if p.code == "discount-deliveries-not-invoiced"]
    assert dict(still.params)["customers"] == "C013, C030"  # held until released; orders not delivered in full
    ledger.engine.dispose()


def test_settling_while_a_draft_run_holds_numbers_in_the_notes_series_is_refused_and_writes_nothing(
        ledger, sample_master, sample_workbook, tmp_path, rome_today, capsys):
    """The credit notes share the invoices' series FT, and an order of 4 May is invoiced as a draft
    run: April's settlement would number its notes after the drafts, final, and the run could
    never be undone. `discounts settle` refuses, exit 2, naming the run and both ways out, with
    nothing stored and no statement written."""
    from test_held_invoices_and_credit_notes import share_the_invoice_series
    from test_printing import cli

    from toolkit.ledger.orders import load_orders
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    rome_today(TODAY)
    may = date(2026, 5, 4)
    create(sample_master, ledger, may, with_catch_up=False, lang="it")
    ship(sample_master, ledger, may, all_open=True, lang="it")
    with reading(ledger) as conn:
        shipped = [o.id for o in load_orders(conn) if o.occurrence == may and any(x.shipped for x in o.lines)]
    drafted = invoicing.run(ledger, sample_master, Request(Period(may, date(2026, 5, 31)), TODAY, may,
                                                           orders=frozenset(shipped[:1])), status=InvoiceStatus.DRAFT, lang="it")
    [draft] = [x for x in _all(ledger) if x.run_id == drafted.run_id]
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    share_the_invoice_series(workbook)
    before = _all(ledger)
    code, said = cli(capsys, "discounts", "settle", workbook, "--period", "2026-04", "--date", "2026-05-10",
                     "--out", tmp_path / "sconti", "--ledger", f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    assert code == 2, said
    assert (f"L'emissione {drafted.run_id} ha documenti in bozza nella serie FT 2026 ({draft.number}–{draft.number}): "
            "un documento definitivo (le note di credito degli sconti) prenderebbe il numero dopo di loro") in said
    assert f"toolkit invoice finalize {workbook} {drafted.run_id}" in said, said
    assert _all(ledger) == before
    assert not (tmp_path / "sconti").exists()


def _settled_then_changed(capsys, ledger, sample_workbook, tmp_path) -> tuple[Path, str, Path]:
    """April's discounts settled by `discounts settle --out`, then every customer renamed and
    moved, the seller renamed, every bracket's percent doubled: the workbook, the ledger, the
    first statements' folder."""
    import openpyxl
    from test_issued_parties import moved
    from test_printing import cli

    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    url = str(ledger.engine.url)
    first = tmp_path / "first"
    code, said = cli(capsys, "discounts", "settle", workbook, "--period", "2026-04", "--date", "2026-05-10",
                     "--out", first, "--ledger", url)
    assert code == 0, said
    moved(workbook)
    book = openpyxl.load_workbook(workbook)
    sheet = book["Sconti volume"]
    column = [c.value for c in sheet[1]].index("Sconto %") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, column).value is not None:
            sheet.cell(row, column).value = sheet.cell(row, column).value * 2
    book.save(workbook)
    return workbook, url, first


def test_a_settled_statement_prints_again_as_issued_after_the_master_changed(capsys, ledger, sample_workbook,
                                                                             tmp_path):
    """`discounts settle --reprint` after the customers, the seller and the brackets changed:
    every statement of the period cell for cell as the settlement wrote it, and nothing settled
    again."""
    from test_printing import cli
    from xlsx_reference import differences

    workbook, url, first = _settled_then_changed(capsys, ledger, sample_workbook, tmp_path)
    issued = sorted(p.name for p in first.iterdir() if p.name.startswith("sconto-volume-"))
    assert issued
    notes = {x.number for x in _all(ledger)}
    again = tmp_path / "again"
    code, said = cli(capsys, "discounts", "settle", workbook, "--period", "2026-04", "--reprint", "--out", again,
                     "--ledger", url)
    assert code == 0, said
    register = sorted(p.name for p in first.iterdir() if not p.name.startswith("sconto-volume-"))
    assert "fatture-sconti-2026-04.xlsx" in register
    assert sorted(p.name for p in again.iterdir()) == sorted([*issued, *register])
    for name in [*issued, "fatture-sconti-2026-04.xlsx"]:
        assert differences(again / name, first / name) is None, name
    assert {x.number for x in _all(ledger)} == notes


def test_a_settled_statement_prints_again_in_the_language_it_was_issued_in(ledger, sample_master, tmp_path):
    """Settled in Italian, *Lingua* set to English since: the reprint is the Italian statement
    the customer was handed, cell for cell (*Sconto volume*, not *Volume discount*), and the
    period's accountants' workbook and register beside it as the settlement wrote them, under
    their Italian names (not *invoices-sconti-…* beside *sconto-volume-…*)."""
    import openpyxl
    from xlsx_reference import differences

    first = tmp_path / "first"
    done = discounts.run(ledger, sample_master, APRIL, APRIL.end, TODAY, out=first, lang="it")
    issued = sorted(p.name for p in done.files if p.name.startswith("sconto-volume-"))
    assert issued
    again = discounts.reprint(ledger, sample_master, APRIL, tmp_path / "again", lang="en")
    assert sorted(p.name for p in again.files if p.name.startswith("sconto-volume-")) == issued
    for name in issued:
        assert differences(tmp_path / "again" / name, first / name) is None, name
    assert openpyxl.load_workbook(tmp_path / "again" / issued[0]).sheetnames == ["Sconto volume"]
    register = sorted(p.name for p in done.files if not p.name.startswith("sconto-volume-"))
    assert "fatture-sconti-2026-04.xlsx" in register
    assert sorted(p.name for p in again.files if not p.name.startswith("sconto-volume-")) == register
    for name in register:
        if name.endswith(".xlsx"):
            assert differences(tmp_path / "again" / name, first / name) is None, name
        else:
            assert (tmp_path / "again" / name).read_bytes() == (first / name).read_bytes(), name


def test_a_settlement_stored_before_schema_40_says_its_statement_was_not_kept(capsys, ledger, sample_workbook,
                                                                              tmp_path):
    """A ledger of schema 39 kept no statements: migrated, `--reprint` writes none and names the
    settlements with the command that prints their credit notes again; the period's accountants'
    workbook and register, made from the credit notes the ledger holds, still come back."""
    from test_printing import cli

    from toolkit.ledger.db import migrate

    workbook, url, _ = _settled_then_changed(capsys, ledger, sample_workbook, tmp_path)
    back_to(open_ledger(url), 39, {"volume_settlements": ["statement"]})
    assert migrate(open_ledger(url)) == schema.SCHEMA_VERSION == 48
    again = tmp_path / "again"
    code, said = cli(capsys, "discounts", "settle", workbook, "--period", "2026-04", "--reprint", "--out", again,
                     "--ledger", url, "--json")
    assert code == 0, said
    assert '"discount-statement-not-kept"' in said and "toolkit print fatture --numbers NC-2026-" in said
    assert sorted(p.name for p in again.iterdir()) == ["fatture-sconti-2026-04.xlsx", "registro-sconti-2026-04.csv"]


def test_one_settlement_without_its_statement_is_named_in_the_singular_the_others_print(capsys, ledger,
                                                                                     sample_workbook, tmp_path):
    """Of a period's settlements one kept no statement (recorded before schema 40), the others
    did: `--reprint` writes the others as issued, and the warning speaks of that one credit note
    in the singular, in either language (*La nota di credito si ristampa con …*)."""
    from sqlalchemy import func, update
    from test_printing import cli
    from xlsx_reference import differences

    from toolkit.ledger.db import writing

    workbook, url, first = _settled_then_changed(capsys, ledger, sample_workbook, tmp_path)
    vs = schema.volume_settlements.c
    with writing(open_ledger(url)) as conn:
        oldest = conn.execute(select(func.min(vs.id))).scalar_one()
        conn.execute(update(schema.volume_settlements).where(vs.id == oldest).values(statement=None))
        kept = conn.execute(select(func.count()).where(vs.statement.is_not(None))).scalar_one()
    assert kept
    for lang, singular in (("it", "La nota di credito si ristampa con «toolkit print fatture --numbers NC-2026-"),
                           ("en", "Its credit note prints again with “toolkit print invoices --numbers NC-2026-")):
        again = tmp_path / f"again-{lang}"
        code, said = cli(capsys, "discounts", "settle", workbook, "--period", "2026-04", "--reprint", "--out", again,
                         "--ledger", url, "--lang", lang)
        assert code == 0, said
        assert singular in " ".join(said.split()), said
        assert "note di credito si ristampano" not in said and "credit notes print" not in said
        written = sorted(p.name for p in again.iterdir() if p.name.startswith("sconto-volume-"))
        assert len(written) == kept
        # the accountants' workbook as the settlement wrote it: in Italian, the kept statements' language
        assert {p.name for p in again.iterdir()} - set(written) == {"fatture-sconti-2026-04.xlsx",
                                                                   "registro-sconti-2026-04.csv"}
    for name in written:
        assert differences(tmp_path / "again-it" / name, first / name) is None, name


@pytest.mark.parametrize("extra", [("--date", "2026-05-10", "--out", "again"), ("--preview", "--out", "again"), ()])
def test_a_reprint_with_a_settling_option_or_without_its_folder_is_refused(capsys, ledger, sample_workbook, tmp_path,
                                                                          extra):
    """`--reprint` settles nothing: `--date` (the credit notes' date) and `--preview` would be
    ignored, and without `--out` there is nowhere to print; each is refused as a slip (exit 2),
    nothing written."""
    from test_printing import cli

    args = [tmp_path / x if x == "again" else x for x in extra]
    code, said = cli(capsys, "discounts", "settle", sample_workbook, "--period", "2026-04", "--reprint", *args,
                     "--ledger", str(ledger.engine.url))
    assert code == 2, said
    assert "--reprint" in said and not (tmp_path / "again").exists()
