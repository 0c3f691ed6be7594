"""A reprint of issued documents takes them from the ledger: an error in a part of today's
workbook it does not read (a template naming an unknown customer, a customer's partita IVA, a
price row) is shown as a warning, with its code and cell, and the documents are printed; an
error in the seller's settings, which every printing reads, refuses it as before, and so is a
command that issues anything."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from test_excel_desk_buttons import may
from test_printing import cli, cli_apart, numbers

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading, writing

__all__ = ["may"]


def _set(workbook, sheet: str, row: int, heading: str, value: object) -> str:
    """Write `value` under `heading` in `row` of `sheet`; the cell's address."""
    book = openpyxl.load_workbook(workbook)
    ws = book[sheet]
    cell = ws.cell(row, [c.value for c in ws[1]].index(heading) + 1)
    cell.value = value
    book.save(workbook)
    return cell.coordinate


def _invoiced_c001(capsys, tmp_path, sample_workbook) -> tuple[Path, str]:
    """The sample's April orders created and shipped, C001's invoices final (the workbook, the
    ledger's URL)."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    for args in (("orders", "create", workbook, "--date", "2026-04-09"),
                 ("ship", workbook, "--date", "2026-04-10", "--all"),
                 ("invoice", workbook, "--month", "2026-04", "--final", "--customer", "C001", "--out", tmp_path / "run")):
        code, said = cli(capsys, *args, "--ledger", url)
        assert code == 0, said
    return workbook, url


@pytest.fixture
def issued(capsys, tmp_path, sample_workbook):
    """April's orders, DDTs, invoices and their e-invoices issued from the sample, then a
    workbook in error."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    for args in (("orders", "create", workbook, "--date", "2026-04-09"),
                 ("ship", workbook, "--date", "2026-04-10", "--all"),
                 ("invoice", workbook, "--month", "2026-04", "--out", tmp_path / "run")):
        code, said = cli(capsys, *args, "--ledger", url)
        assert code == 0, said
    with reading(open_ledger(url)) as conn:
        run_id = conn.execute(select(schema.invoices.c.run_id).where(schema.invoices.c.status == "draft")).scalar()
    for args in (("invoice", "finalize", workbook, run_id),
                 ("einvoice", workbook, "--month", "2026-04", "--out", tmp_path / "xml", "--zip"),
                 ("commissions", workbook, "--from", "2026-04-01", "--to", "2026-04-30", "--settle", "--out",
                  tmp_path / "prov")):
        code, said = cli(capsys, *args, "--ledger", url)
        assert code == 0, said
    broken = {("Modelli ordine", _set(workbook, "Modelli ordine", 2, "Cliente", "ZZ999")),
              ("Clienti", _set(workbook, "Clienti", 2, "Partita IVA", "123")),
              ("Prezzi", _set(workbook, "Prezzi", 2, "Prezzo di listino", "tanto"))}
    return workbook, url, broken


def test_a_reprint_goes_on_despite_errors_in_parts_it_does_not_read(capsys, tmp_path, issued):
    workbook, url, broken = issued
    code, said = cli(capsys, "check", workbook)
    assert code == 1 and all(f"{sheet}!{cell}" in said for sheet, cell in broken), said
    orders, ddts = numbers(url, schema.orders), numbers(url, schema.deliveries)
    invoices = numbers(url, schema.invoices)
    for kind, chosen in (("orders", orders), ("ddt", ddts), ("invoices", invoices)):
        out = tmp_path / "again" / f"{kind}.xlsx"
        code, said, _ = cli_apart(capsys, "print", kind, workbook, "--numbers", ",".join(chosen), "--out", out,
                                  "--ledger", url, "--json")
        assert code == 0, said
        reply = json.loads(said)
        assert sorted(reply["printed"]) == sorted(chosen) and reply["workbook"] == str(out) and out.exists()
        told = {(p["code"], p["severity"], p.get("sheet"), p.get("cell")) for p in reply["problems"]}
        assert {(sheet, cell) for _, severity, sheet, cell in told if severity == "warning"} >= broken, told
        assert not any(severity == "error" for _, severity, _, _ in told), told

    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-16", "--ledger", url)
    assert code == 1 and all(f"{sheet}!{cell}" in said for sheet, cell in broken), said
    cell = _set(workbook, "Impostazioni", 10, "Valore", "klingon")
    out = tmp_path / "again" / "seller.xlsx"
    code, said = cli(capsys, "print", "invoices", workbook, "--numbers", invoices[0], "--out", out, "--ledger", url)
    assert code == 1 and f"Impostazioni!{cell}" in said and not out.exists(), said


def test_e_invoices_sent_are_written_again_despite_errors_elsewhere_never_drawn(capsys, tmp_path, issued):
    workbook, url, broken = issued
    code, said, _ = cli_apart(capsys, "einvoice", workbook, "--month", "2026-04", "--out", tmp_path / "copy",
                              "--zip", "--resend", "--ledger", url, "--json")
    assert code == 0, said
    sent = {p.name: p.read_bytes() for p in (tmp_path / "xml").glob("*.xml")}
    assert sent and {p.name: p.read_bytes() for p in (tmp_path / "copy").glob("*.xml")} == sent
    told = {(p["severity"], p.get("sheet"), p.get("cell")) for p in json.loads(said)["problems"]}
    assert {("warning", sheet, cell) for sheet, cell in broken} <= told, told
    number = numbers(url, schema.invoices)[0]
    code, said = cli(capsys, "einvoice", workbook, "--month", "2026-04", "--out", tmp_path / "fixed",
                     "--rejected", number, "--ledger", url)
    assert code == 1 and all(f"{sheet}!{cell}" in said for sheet, cell in broken), said
    assert not (tmp_path / "fixed").exists() or not any((tmp_path / "fixed").iterdir())


def test_commissions_reprint_refuses_only_for_the_customers_it_reads_then_goes_on(capsys, tmp_path, issued):
    workbook, url, broken = issued
    period = ("--from", "2026-04-01", "--to", "2026-04-30")
    code, said = cli(capsys, "commissions", workbook, *period, "--reprint", "--out", tmp_path / "again",
                     "--ledger", url)
    [customers] = [cell for sheet, cell in broken if sheet == "Clienti"]
    assert code == 1 and f"Clienti!{customers}" in said and "Prezzi!" not in said, said
    book = openpyxl.load_workbook(tmp_path / "anagrafiche.xlsx")
    book["Clienti"][customers].value = "02047290222"
    book.save(workbook)
    code, said, _ = cli_apart(capsys, "commissions", workbook, *period, "--reprint", "--out", tmp_path / "again",
                              "--ledger", url, "--json")
    assert code == 0, said
    reply = json.loads(said)
    assert reply["statements"] and reply["files"] and all(Path(f).exists() for f in reply["files"])
    told = {(p["severity"], p.get("sheet"), p.get("cell")) for p in reply["problems"]}
    assert {("warning", sheet, cell) for sheet, cell in broken if sheet != "Clienti"} <= told, told


def test_a_resend_that_would_draw_a_new_zip_is_refused_as_issuing(capsys, tmp_path, sample_workbook):
    """A month's files zipped in two zips (one customer's invoices first, the others' later):
    `--zip --resend` of the month packs them into one zip no earlier one held, a new name
    drawn and recorded for SDI. That issues something: a workbook in error refuses it at its
    cell, and the ledger records no new zip."""
    from sqlalchemy import func

    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    month = ("--month", "2026-04")
    for args in (("orders", "create", workbook, "--date", "2026-04-09"),
                 ("ship", workbook, "--date", "2026-04-10", "--all"),
                 ("invoice", workbook, *month, "--final", "--customer", "C001", "--out", tmp_path / "run1"),
                 ("einvoice", workbook, *month, "--out", tmp_path / "xml1", "--zip"),
                 ("invoice", workbook, *month, "--final", "--out", tmp_path / "run2"),
                 ("einvoice", workbook, *month, "--out", tmp_path / "xml2", "--zip")):
        code, said = cli(capsys, *args, "--ledger", url)
        assert code == 0, said
    f = schema.einvoice_files

    def zips() -> int:
        with reading(open_ledger(url)) as conn:
            return conn.execute(select(func.count()).where(f.c.archive.is_not(None))).scalar_one()

    assert zips() == 2
    cell = _set(workbook, "Prezzi", 2, "Prezzo di listino", "tanto")
    code, said = cli(capsys, "einvoice", workbook, *month, "--out", tmp_path / "copy", "--zip", "--resend",
                     "--ledger", url)
    assert code == 1 and f"Prezzi!{cell}" in said, said
    assert ("Questa esportazione raccoglierebbe i file in uno zip che nessuno zip precedente conteneva così, con un "
            "nome nuovo per lo SDI: è qualcosa di nuovo per lo SDI") in said, said
    assert zips() == 2
    assert not (tmp_path / "copy").exists() or not any((tmp_path / "copy").iterdir())


def test_a_debit_notes_file_written_again_reads_the_customer_of_an_invoice_that_kept_none(capsys, tmp_path,
                                                                                           sample_workbook):
    """A debit note's e-invoice cites its invoice with the CUP and CIG that invoice bore, read
    from *Clienti* when the invoice kept no parties (stored before schema 26): its file written
    again, the debit note's own parties kept, reads that customer's row, so an error there
    refuses it at its cell, never a file citing the invoice without them."""
    from sqlalchemy import update

    workbook, url = _invoiced_c001(capsys, tmp_path, sample_workbook)
    invoice = numbers(url, schema.invoices)[0]
    for args in (("invoice", "debit", workbook, "--invoice", invoice, "--amount", "25", "--reason", "prezzo rivisto",
                  "--date", "2026-05-04"),
                 ("einvoice", workbook, "--month", "2026-05", "--out", tmp_path / "xml")):
        code, said = cli(capsys, *args, "--ledger", url)
        assert code == 0, said
    i = schema.invoices.c
    with writing(open_ledger(url)) as conn:
        conn.execute(update(schema.invoices).where(i.status == "final", i.invoice_date < "2026-05-01")
                     .values(parties_id=None))
    cell = _set(workbook, "Clienti", 2, "Partita IVA", "123")
    code, said = cli(capsys, "einvoice", workbook, "--month", "2026-05", "--out", tmp_path / "copy", "--ledger", url)
    assert code == 1 and f"Clienti!{cell}" in said, said
    assert not (tmp_path / "copy").exists() or not any((tmp_path / "copy").iterdir())


def test_the_ristampa_ddt_button_goes_on_as_print_does_and_refuses_at_a_cell_it_reads(tmp_path, may):
    """*Ristampa DDT* is `toolkit print ddt --date` from a button: a price row in error, which
    a DDT's reprint does not read, is told in its box and the day's DDTs print; an error in
    *Impostazioni*, which it reads, refuses it at the cell, no file written."""
    from test_excel_desk_buttons import fake, press

    book = fake(tmp_path)
    for name in ("preview_orders", "create_orders", "ship"):
        press(book, name)
    book.sheet("Prezzi").cells[(2, 4)] = "tanto"
    target = tmp_path / "ddt-2026-04-09-ristampa.xlsx"
    ((text, _, mode),) = press(book, "reprint_delivery_notes")
    assert mode != "critical" and "DDT ristampati: 1." in text and "Prezzi!D2" in text, text
    assert len(openpyxl.load_workbook(target).sheetnames) == 1
    target.unlink()
    book.sheet("Impostazioni").cells[(2, 2)] = None
    ((text, _, mode),) = press(book, "reprint_delivery_notes")
    assert mode == "critical" and "Impostazioni!B2" in text and not target.exists(), text


def test_a_file_the_checks_refused_is_not_written_anew_despite_errors(capsys, tmp_path, sample_workbook):
    """An invoice whose file the checks refuse (its kept buyer with neither partita IVA nor
    codice fiscale, 00417) has its name but no file SDI took: writing it takes its parties from
    today's *Clienti* and keeps them (`_corrected`), a new file for SDI. With a price row in
    error that is an issue like any: refused at the cell, its parties as kept, no file."""
    from dataclasses import replace

    from toolkit.model.parties import Parties

    workbook, url = _invoiced_c001(capsys, tmp_path, sample_workbook)
    code, said = cli(capsys, "einvoice", workbook, "--month", "2026-04", "--out", tmp_path / "xml", "--ledger", url)
    assert code == 0, said
    i, p = schema.invoices.c, schema.issued_parties.c
    with writing(open_ledger(url)) as conn:
        kept = conn.execute(select(i.parties_id).where(i.status == "final")).scalars().all()
        for pid in set(kept):
            parties = Parties.from_text(conn.execute(select(p.parties).where(p.id == pid)).scalar_one())
            buyer = replace(parties.buyer, vat_number=None, tax_code=None)
            conn.execute(schema.issued_parties.update().where(p.id == pid)
                         .values(parties=replace(parties, buyer=buyer).text()))
    cell = _set(workbook, "Prezzi", 2, "Prezzo di listino", "tanto")
    code, said = cli(capsys, "einvoice", workbook, "--month", "2026-04", "--out", tmp_path / "copy", "--ledger", url)
    assert code == 1 and f"Prezzi!{cell}" in said, said
    assert ("Questa esportazione scriverebbe di nuovo i file di FT-2026-00001, FT-2026-00002, che i controlli "
            "rifiutano, con le anagrafiche di oggi del foglio Clienti, registrandole nel registro: è qualcosa di nuovo "
            "per lo SDI") in said, said
    with reading(open_ledger(url)) as conn:
        assert conn.execute(select(i.parties_id).where(i.status == "final")).scalars().all() == kept
    assert not (tmp_path / "copy").exists() or not any((tmp_path / "copy").iterdir())


def test_a_rejected_file_written_anew_despite_errors_is_refused_saying_why_nothing_written_or_drawn(
        capsys, tmp_path, sample_workbook):
    """`--rejected` writes the file SDI rejected corrected under a new name: an issue, so a price
    row in error refuses it with `einvoice-issues-despite-errors` saying what it would issue, then
    the error at its cell; no file is written and the file keeps its name, never redrawn."""
    workbook, url = _invoiced_c001(capsys, tmp_path, sample_workbook)
    code, said = cli(capsys, "einvoice", workbook, "--month", "2026-04", "--out", tmp_path / "xml", "--zip",
                     "--ledger", url)
    assert code == 0, said
    f, e = schema.einvoice_files.c, schema.events.c

    def kept() -> tuple:
        with reading(open_ledger(url)) as conn:
            return (conn.execute(select(f.invoice_id, f.progressive, f.zipped_in).order_by(f.invoice_id)).all(),
                    conn.execute(select(func.max(e.id))).scalar_one())

    before = kept()
    cell = _set(workbook, "Prezzi", 2, "Prezzo di listino", "tanto")
    for lang, why in (("it", "Questa esportazione riscriverebbe corretti, con un nome nuovo, i file che lo SDI ha "
                             "scartato (FT-2026-00002): è qualcosa di nuovo per lo SDI"),
                      ("en", "This export would write anew, corrected and under new names, the files SDI rejected "
                             "(FT-2026-00002): that is something new for SDI")):
        code, said = cli(capsys, "einvoice", workbook, "--month", "2026-04", "--out", tmp_path / "fixed", "--zip",
                         "--rejected", "2/2026", "--lang", lang, "--ledger", url)
        assert code == 1 and f"Prezzi!{cell}" in said and why in said, said
    code, said, _ = cli_apart(capsys, "einvoice", workbook, "--month", "2026-04", "--out", tmp_path / "fixed",
                              "--rejected", "FT-2026-00002", "--ledger", url, "--json")
    told = [(p["code"], p["severity"], p.get("sheet"), p.get("cell")) for p in json.loads(said)["problems"]]
    assert code == 1 and told[0] == ("einvoice-issues-despite-errors", "error", None, None), told
    assert ("error", "Prezzi", cell) in [p[1:] for p in told], told
    assert kept() == before
    assert not (tmp_path / "fixed").exists() or not any((tmp_path / "fixed").iterdir())


def test_an_export_drawing_a_files_name_despite_errors_says_why_it_needs_a_clean_workbook(capsys, tmp_path,
                                                                                         sample_workbook):
    """A final invoice whose e-invoice was never written: writing it draws the name SDI receives
    it by, an issue, so a price row in error refuses it; the errors alone left the desk asking
    why a resend goes on despite them and this does not, so the refusal says so first, in both
    languages."""
    workbook, url = _invoiced_c001(capsys, tmp_path, sample_workbook)
    cell = _set(workbook, "Prezzi", 2, "Prezzo di listino", "tanto")
    for lang, why in (("it", "Questa esportazione scriverebbe per la prima volta i file di FT-2026-00001, "
                             "FT-2026-00002, assegnando ora il nome con cui lo SDI riceve ogni file: è qualcosa di "
                             "nuovo per lo SDI"),
                      ("en", "This export would write for the first time the files of FT-2026-00001, FT-2026-00002, "
                             "drawing now the name SDI receives each file by: that is something new for SDI")):
        code, said = cli(capsys, "einvoice", workbook, "--month", "2026-04", "--out", tmp_path / "xml", "--lang", lang,
                         "--ledger", url)
        assert code == 1 and f"Prezzi!{cell}" in said and why in said, said
    assert not (tmp_path / "xml").exists() or not any((tmp_path / "xml").iterdir())
