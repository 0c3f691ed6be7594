"""`toolkit convert`: a folder of foreign inputs becomes one master workbook that passes the data
check, order forms become orders once, and bad files are reported without stopping the run."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from command_line import in_process as toolkit
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from tests.foreign_inputs import foreign_folder, order_form
from toolkit.cli import app, output
from toolkit.intake.mapping import parse_mapping
from toolkit.intake.reshape import read_form
from toolkit.intake.tables import read_tables
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import document_number, reading
from toolkit.services import check


@pytest.fixture(scope="module")
def foreign(tmp_path_factory) -> tuple[Path, Path]:
    return foreign_folder(tmp_path_factory.mktemp("foreign"))


def by_name(document: dict) -> dict[str, dict]:
    return {Path(f["file"]).name: f for f in document["files"]}


@pytest.mark.libreoffice
def test_a_folder_of_foreign_inputs_becomes_one_master_workbook_that_passes_the_check(foreign, tmp_path, capsys):
    folder, mapping = foreign
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    code, document = toolkit(["convert", str(folder), "--to", "master", "--map", str(mapping),
                              "--out", str(tmp_path / "out"), "--jobs", "2"], capsys)
    files = by_name(document)
    assert code == document["exit_code"] == 1  # two files could not be read
    assert {n: f["status"] for n, f in files.items()} == {
        "clienti.xls": "converted", "articoli.ods": "converted", "prezzi.csv": "converted",
        "listini.xlsx": "converted", "modelli.xlsx": "converted", "rotto.xlsx": "failed",
        "protetto.xlsx": "failed", "leggimi.txt": "skipped"}
    assert [p["code"] for p in files["rotto.xlsx"]["problems"]] == ["file-corrupt"]
    assert [p["code"] for p in files["protetto.xlsx"]["problems"]] == ["file-encrypted"]
    assert document["counts"] == {"converted": 5, "skipped": 1, "failed": 2}
    merged = Path(document["workbook"])
    checked = check.check_file(merged)
    assert checked.master is not None and checked.errors == []
    master = checked.master
    assert len(master.customers) == 30 and len(master.items) == 60 and len(master.prices) == 240
    assert {c.invoice_schedule.value for c in master.customers} >= {"monthly", "weekly"}
    assert master.prices[0].list_price == master.prices[0].list_price.quantize(master.prices[0].list_price)
    matched = {(m["file"], m["target"]): m["columns"] for m in document["matched"]}
    assert matched[("clienti.xls", "customers")]["Cod. cliente"] == "code"
    assert matched[("listini.xlsx", "price_versions")]["Valido al"] == "valid_to"
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    report = CalamineWorkbook.from_path(document["report"])
    listed = report.get_sheet_by_name(report.sheet_names[0]).to_python()
    assert {Path(r[0]).name for r in listed[1:]} >= set(files)


@pytest.mark.libreoffice
def test_a_code_in_two_files_is_a_clash_naming_both(foreign, tmp_path, capsys):
    folder, mapping = foreign
    other = tmp_path / "altro"
    other.mkdir()
    book = openpyxl.Workbook()
    book.active.title = "Articoli"
    book.active.append(["Codice", "Descrizione", "Unità di misura", "Aliquota IVA"])
    book.active.append(["A001", "Un altro caffè", "pz", 10])
    book.save(other / "articoli-bis.xlsx")
    code, document = toolkit(["convert", str(folder / "vecchio gestionale"), str(other), "--to", "master",
                              "--map", str(mapping), "--out", str(tmp_path / "out"), "--jobs", "1"], capsys)
    [clash] = [p for p in document["problems"] if p["code"] == "convert-code-clash"]
    assert (clash["workbook"], clash["sheet"], clash["cell"]) == ("articoli-bis.xlsx", "Articoli", "A2")
    assert "articoli.ods" in clash["message"] and "Items!A2" in clash["message"]
    assert code == 1


@pytest.fixture
def desk(tmp_path, sample_workbook) -> Path:
    shutil.copy(sample_workbook, tmp_path / "anagrafiche.xlsx")
    return tmp_path / "anagrafiche.xlsx"


def test_order_forms_become_orders_once(desk, tmp_path, capsys):
    forms = tmp_path / "moduli"
    order_form(forms / "ordine-bar-roma.xlsx", "C001", date(2026, 4, 9), [("A001", 2), ("A002", 1.5)], "ODA 77")
    order_form(forms / "ordine-2.xlsx", "C002", date(2026, 4, 10), [("A003", 4)])
    shutil.copy(forms / "ordine-2.xlsx", forms / "copia di ordine-2.xlsx")
    order_form(forms / "sbagliato.xlsx", "C001", date(2026, 4, 9), [("NOPE", 1)])
    order_form(forms / "subito.xlsx", "C004", date(2026, 4, 9), [("A001", 1)])  # C004 is invoiced immediately
    mapping = tmp_path / "moduli.toml"
    mapping.write_text('[orders]\ncustomer = "Cliente:"\ndate = "B4"\nreference = "Vs. riferimento"\n'
                       '[orders.lines]\nitem = "Codice articolo"\nquantity = "Q.tà"\n', encoding="utf-8")
    args = ["convert", str(forms), "--to", "orders", "--master", str(desk), "--map", str(mapping),
            "--out", str(tmp_path / "out"), "--jobs", "2"]
    code, document = toolkit(args, capsys)
    files = by_name(document)
    assert code == 1
    assert files["ordine-bar-roma.xlsx"]["status"] == "converted"
    assert files["copia di ordine-2.xlsx"]["status"] == "converted"  # the first in name order
    assert files["ordine-2.xlsx"]["status"] == "skipped"
    assert "copia di ordine-2.xlsx" in files["ordine-2.xlsx"]["problems"][0]["message"]
    [bad] = files["sbagliato.xlsx"]["problems"]
    assert (bad["code"], bad["sheet"], bad["cell"]) == ("form-unknown-item", "Ordine", "A8")
    ledger = open_ledger(workbook=desk)
    with reading(ledger) as conn:
        rows = conn.execute(select(schema.orders.c.origin, schema.orders.c.customer_reference,
                                   schema.orders.c.status)).all()
    assert sorted(rows) == [("form:copia di ordine-2.xlsx", None, "in-progress"),
                            ("form:ordine-bar-roma.xlsx", "ODA 77", "in-progress"),
                            ("form:subito.xlsx", None, "in-progress")]
    with reading(ledger) as conn:
        assert conn.execute(select(schema.invoices.c.customer)).scalars().all() == ["C004"]
    code, listed = toolkit(["orders", "list", str(desk), "--json"], capsys)
    assert sorted(o["origin"] for o in listed["orders"]) == [
        "form:copia di ordine-2.xlsx", "form:ordine-bar-roma.xlsx", "form:subito.xlsx"]
    shutil.copy(forms / "ordine-bar-roma.xlsx", forms / "rinominato.xlsx")
    code, again = toolkit(args, capsys)
    statuses = {n: f["status"] for n, f in by_name(again).items()}
    assert statuses == {"ordine-bar-roma.xlsx": "skipped", "ordine-2.xlsx": "skipped",
                        "copia di ordine-2.xlsx": "skipped", "rinominato.xlsx": "skipped", "sbagliato.xlsx": "failed",
                        "subito.xlsx": "skipped"}
    assert by_name(again)["rinominato.xlsx"]["orders"] == [files["ordine-bar-roma.xlsx"]["orders"][0]]
    with reading(ledger) as conn:
        assert len(conn.execute(select(schema.orders.c.id).where(schema.orders.c.form_digest.isnot(None))).all()) == 3
        assert len(conn.execute(select(schema.invoices.c.id)).all()) == 1


def test_a_form_is_read_by_labels_without_a_mapping(tmp_path):
    path = order_form(tmp_path / "o.xlsx", "C001", date(2026, 4, 9), [("A001", 2)])
    book = openpyxl.load_workbook(path)
    book["Ordine"]["C7"] = "Quantità"
    book.save(path)
    form, problems = read_form(read_tables(path), parse_mapping({}).orders, "ab" * 32)
    assert problems == [] and form is not None
    assert (form.customer, form.day, [(x.item, x.quantity) for x in form.lines]) == ("C001", date(2026, 4, 9),
                                                                                   [("A001", 2)])


def test_csv_and_xlsx_every_sheet_never_over_an_input(tmp_path, sample_workbook, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(sample_workbook, inputs / "anagrafiche.xlsx")
    (inputs / "incassi.csv").write_text("Fattura,Importo\nFT-1,\"1,234.50\"\n", encoding="utf-8")
    code, document = toolkit(["convert", str(inputs), "--to", "csv", "--decimal-comma", "--out",
                              str(tmp_path / "csv"), "--jobs", "1"], capsys)
    assert code == 0, document["problems"]
    outputs = [Path(o) for f in document["files"] for o in f["outputs"]]
    sheets = openpyxl.load_workbook(sample_workbook, read_only=True).sheetnames
    assert len(outputs) == len(sheets) + 1
    prices = (tmp_path / "csv" / "anagrafiche-Prezzi.csv").read_text(encoding="utf-8-sig").splitlines()
    assert prices[1].startswith("BASE;2026A;A001;18,50;16,65;14,15;")
    assert (tmp_path / "csv" / "incassi.csv").read_text(encoding="utf-8-sig").splitlines()[1] == "FT-1;1234,50"
    code, document = toolkit(["convert", str(inputs), "--to", "xlsx", "--out", str(inputs), "--jobs", "1"], capsys)
    files = by_name(document)
    assert files["anagrafiche.xlsx"]["status"] == "failed"
    assert files["anagrafiche.xlsx"]["problems"][0]["code"] == "output-is-input"
    assert files["incassi.csv"]["status"] == "converted"
    assert CalamineWorkbook.from_path(str(inputs / "incassi.xlsx")).get_sheet_by_index(0).to_python()[1] == [
        "FT-1", 1234.5]
    assert code == 1
    assert not [p for p in inputs.iterdir() if p.name.startswith(".")]


def _desk_inputs(tmp_path: Path) -> Path:
    """A workbook with a decimal, a date and a thousand, and an Italian CSV whose amounts carry
    the thousands dot or Excel's quotes."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Prezzi"
    sheet.append(["Codice", "Prezzo", "Dal", "Totale"])
    sheet.append(["A001", 18.5, date(2026, 1, 1), 1234.5])
    book.save(inputs / "prezzi.xlsx")
    (inputs / "listino.csv").write_bytes(b'Codice;Prezzo\nA001;1.234,50\nA002;"12,5"\n')
    return inputs


def test_csv_by_default_opens_right_in_an_italian_excel(tmp_path, capsys):
    inputs = _desk_inputs(tmp_path)
    code, document = toolkit(["convert", str(inputs), "--to", "csv", "--out", str(tmp_path / "csv"), "--jobs", "1"],
                             capsys)
    assert code == 0, document["problems"]
    assert (tmp_path / "csv" / "prezzi.csv").read_bytes() == (
        "\ufeffCodice;Prezzo;Dal;Totale\r\nA001;18,50;01/01/2026;1234,50\r\n".encode())
    assert (tmp_path / "csv" / "listino.csv").read_bytes() == "\ufeffCodice;Prezzo\r\nA001;1234,50\r\nA002;12,50\r\n".encode()


def test_csv_with_decimal_point_is_the_machine_form_for_every_input(tmp_path, capsys):
    inputs = _desk_inputs(tmp_path)
    code, document = toolkit(["convert", str(inputs), "--to", "csv", "--decimal-point", "--out", str(tmp_path / "csv"),
                              "--jobs", "1"], capsys)
    assert code == 0, document["problems"]
    assert (tmp_path / "csv" / "prezzi.csv").read_bytes() == (
        "\ufeffCodice;Prezzo;Dal;Totale\r\nA001;18.50;2026-01-01;1234.50\r\n".encode())
    assert (tmp_path / "csv" / "listino.csv").read_bytes() == "\ufeffCodice;Prezzo\r\nA001;1234.50\r\nA002;12.50\r\n".encode()


def test_an_old_excels_dates_typed_as_text_are_converted_as_dates(tmp_path, capsys):
    """An .xls whose delivery dates are text (a column formatted *Testo*, as an old Excel's sheet
    keeps them), one of them a real date: `--to xlsx` wrote text beside the date, and
    `--decimal-point` `01/04/2026` beside `2026-04-15`. Saved as .xls by LibreOffice."""
    from tests.foreign_inputs import libreoffice_copy

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Consegne"
    sheet.append(["Cliente", "Quantità", "Data consegna", "Nota"])
    for customer, quantity, day, note in (("C001", 3, "01/04/2026", "01/04"), ("C002", 5, date(2026, 4, 15), "x"),
                                          ("C001", 1, "30/04/2026", None)):
        sheet.append([customer, quantity, day, note])
    for row in (2, 4):
        sheet.cell(row, 3).number_format = "@"
    typed = tmp_path / "consegne.xlsx"
    book.save(typed)
    (tmp_path / "in").mkdir()
    source = libreoffice_copy(typed, "xls", tmp_path / "in" / "consegne.xls")
    assert CalamineWorkbook.from_path(str(source)).get_sheet_by_name("Consegne").to_python()[1][2] == "01/04/2026"
    code, document = toolkit(["convert", str(source), "--to", "xlsx", "--out", str(tmp_path / "xlsx")], capsys)
    assert code == 0, document["problems"]
    converted = openpyxl.load_workbook(tmp_path / "xlsx" / "consegne.xlsx").active
    assert [converted.cell(r, 3).value.date() for r in (2, 3, 4)] == [date(2026, 4, 1), date(2026, 4, 15),
                                                                      date(2026, 4, 30)]
    assert converted["D2"].value == "01/04"
    toolkit(["convert", str(source), "--to", "csv", "--decimal-point", "--out", str(tmp_path / "csv")], capsys)
    assert (tmp_path / "csv" / "consegne.csv").read_text(encoding="utf-8-sig").splitlines()[1:] == [
        "C001;3;2026-04-01;01/04", "C002;5;2026-04-15;x", "C001;1;2026-04-30;"]


def test_dates_typed_day_after_month_are_left_as_text_not_read_the_italian_way(tmp_path, capsys):
    """A column typed month first, `04/13/2026` then `04/01/2026`, `04/02/2026`: its first text
    is no date the Italian way, the others were read from there down, the 4th of January and of
    February beside the text `04/13/2026`. Nothing becomes a date that was not one."""
    book = openpyxl.Workbook()
    book.active.append(["Cliente", "Delivery"])
    for customer, day in (("C001", "04/13/2026"), ("C002", "04/01/2026"), ("C003", "04/02/2026")):
        book.active.append([customer, day])
    book.save(tmp_path / "deliveries.xlsx")
    code, document = toolkit(["convert", str(tmp_path / "deliveries.xlsx"), "--to", "xlsx",
                              "--out", str(tmp_path / "out")], capsys)
    assert code == 0, document["problems"]
    converted = openpyxl.load_workbook(tmp_path / "out" / "deliveries.xlsx").active
    assert [converted.cell(r, 2).value for r in (2, 3, 4)] == ["04/13/2026", "04/01/2026", "04/02/2026"]


def test_a_column_of_names_is_not_read_for_dates_cell_by_cell(monkeypatch):
    """A workbook converted reads each text column for dates typed as text: 200,000 rows of
    names and codes, each read as a possible date, took a third more time to convert. A column
    whose last text is no date is left unread."""
    from toolkit.intake import reshape
    from toolkit.intake.mapping import NO_MAPPING
    from toolkit.intake.sources import RawSheet, RawWorkbook

    read: list[str] = []
    monkeypatch.setattr(reshape, "text_date", lambda text: read.append(text) or None)
    rows = [["Codice", "Ragione sociale"]] + [[f"C{i:04d}", f"Cliente {i}"] for i in range(1000)]
    reshape.dated(RawWorkbook("clienti.xlsx", (RawSheet("Clienti", rows),)), NO_MAPPING)
    assert read == []


def test_a_cell_a_spreadsheet_would_run_is_written_as_text_tab_first_too(tmp_path, capsys):
    """`\\t=1+1` went out as it came: a tab before the `=` is skipped by Excel, which then runs
    the formula; the register's CSV already prefixed it, the conversion did not."""
    book = openpyxl.Workbook()
    book.active.append(["Codice", "Ragione sociale"])
    for code, name in (("C1", "\t=HYPERLINK(\"http://x\")"), ("C2", "@SUM(1)"), ("C3", "=1+1"), ("C4", "-"),
                       ("C5", "Bar-Ristoro")):
        book.active.append([code, name])
        book.active.cell(book.active.max_row, 2).data_type = "s"
    book.save(tmp_path / "clienti.xlsx")
    code, document = toolkit(["convert", str(tmp_path / "clienti.xlsx"), "--to", "csv", "--out", str(tmp_path / "o"),
                              "--jobs", "1"], capsys)
    assert code == 0, document["problems"]
    rows = list(csv.reader(io.StringIO((tmp_path / "o" / "clienti.csv").read_text(encoding="utf-8-sig")),
                           delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["'\t=HYPERLINK(\"http://x\")", "'@SUM(1)", "'=1+1", "-", "Bar-Ristoro"]


def test_excel_unicode_text_is_read_with_its_tabs_and_decimal_commas(tmp_path, capsys):
    """Excel's «Testo Unicode» (UTF-16, tab separated) failed as "binary content"."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "listino.csv").write_bytes("Codice\tDescrizione\tPrezzo\r\nA001\tCaffè, 1 kg\t1.234,50\r\n"
                                         .encode("utf-16"))
    code, document = toolkit(["convert", str(inputs), "--to", "csv", "--decimal-point", "--out", str(tmp_path / "csv"),
                              "--jobs", "1"], capsys)
    assert code == 0, document["problems"]
    assert (tmp_path / "csv" / "listino.csv").read_bytes() == (
        "\ufeffCodice;Descrizione;Prezzo\r\nA001;Caffè, 1 kg;1234.50\r\n".encode())


@pytest.mark.libreoffice
def test_pdf_through_libreoffice(tmp_path, capsys):
    from toolkit.writers.libreoffice import soffice

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    (tmp_path / "a.csv").write_text("Codice;Prezzo\nA1;12,50\n", encoding="utf-8")
    code, document = toolkit(["convert", str(tmp_path / "a.csv"), "--to", "pdf", "--out", str(tmp_path / "pdf")],
                             capsys)
    assert code == 0, document["problems"]
    assert (tmp_path / "pdf" / "a.pdf").read_bytes().startswith(b"%PDF")


def test_the_pdf_is_printed_from_columns_as_wide_as_their_content(tmp_path, capsys, monkeypatch):
    """A column left at the default width prints a date as ### and cuts names off: the workbook
    LibreOffice prints (and `--to xlsx` writes) gets each column as wide as its longest text."""
    from toolkit.writers import libreoffice

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Impostazioni"
    sheet.append(["Chiave", "Valore", "Codice"])
    sheet.append(["Data giacenze", date(2026, 12, 4), "A1"])
    sheet.append(["Ragione sociale", "Forniture Alimentari Rossi e Figli S.r.l.", "A2"])
    book.save(tmp_path / "w1.xlsx")
    printed: dict[str, float] = {}

    def fake_convert(source: Path, target_format: str, outdir: Path, **_: object) -> Path:
        columns = openpyxl.load_workbook(source).active.column_dimensions
        printed.update({c: columns[c].width for c in "ABC"})
        outdir.mkdir(parents=True, exist_ok=True)
        (outdir / f"{source.stem}.pdf").write_bytes(b"%PDF-1.4")
        return outdir / f"{source.stem}.pdf"

    monkeypatch.setattr(libreoffice, "convert", fake_convert)
    monkeypatch.setattr(libreoffice, "soffice", lambda: "soffice")
    code, document = toolkit(["convert", str(tmp_path / "w1.xlsx"), "--to", "pdf", "--out", str(tmp_path / "pdf"),
                              "--jobs", "1"], capsys)
    assert code == 0, document["problems"]
    assert 13 < printed["A"] < 20 and 30 < printed["B"] <= 49, printed
    assert printed["C"] < 10, "a column of short codes stays narrow"


def test_nothing_readable_is_exit_2(tmp_path, capsys):
    (tmp_path / "a.xlsx").write_text("not a workbook", encoding="utf-8")
    code, document = toolkit(["convert", str(tmp_path / "a.xlsx"), "--to", "csv", "--out", str(tmp_path / "o")],
                             capsys)
    assert (code, document["exit_code"], document["counts"]["failed"]) == (2, 2, 1)


def test_a_mapping_naming_an_unknown_column_is_refused(tmp_path, capsys):
    mapping = tmp_path / "m.toml"
    mapping.write_text('[master.customers.columns]\nnickname = "Soprannome"\n', encoding="utf-8")
    code, document = toolkit(["convert", str(tmp_path), "--to", "master", "--map", str(mapping),
                              "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert document["problems"][0]["code"] == "mapping-unknown-name"
    assert "nickname" in document["problems"][0]["message"]


def test_a_version_7_ledger_gains_the_form_columns(tmp_path, minimal_master):
    from older_ledgers import older_ledger
    from sqlalchemy import inspect

    url = older_ledger(tmp_path, minimal_master, 7, columns={"orders": ["form_digest", "origin"]})
    upgraded = open_ledger(url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
        found = inspect(conn)
        assert {"origin", "form_digest"} <= {c["name"] for c in found.get_columns("orders")}
        assert "uq_order_form_digest" in {i["name"] for i in found.get_indexes("orders")}
        assert conn.execute(select(schema.orders.c.origin)).scalars().all()[:1] == [None]
    upgraded.engine.dispose()


def test_an_output_folder_inside_the_input_folder_is_not_read_again(tmp_path, sample_workbook, capsys):
    shutil.copy(sample_workbook, tmp_path / "anagrafiche-vecchie.xlsx")
    args = ["convert", str(tmp_path), "--to", "master", "--out", str(tmp_path / "nuove"), "--jobs", "1"]
    first = toolkit(args, capsys)
    second = toolkit(args, capsys)
    assert first[0] == second[0] == 0
    assert [Path(f["file"]).name for f in second[1]["files"]] == ["anagrafiche-vecchie.xlsx"]


def test_the_same_desk_twice_merges_into_itself_and_a_changed_rule_clashes(tmp_path, capsys):
    """Price rules, volume-discount and commission brackets and agents' shares are keyed like
    customers and items: the same row from two inputs is kept once, a different one under the
    same key is a clash naming both files, not a duplicate the data check finds afterwards."""
    from toolkit.intake.sample import sample_rows
    from toolkit.writers.master_workbook import write_master

    rows = sample_rows()
    assert rows["price_rules"] and rows["volume_discounts"] and rows["commissions"] and rows["customer_agents"]
    (tmp_path / "in").mkdir()
    write_master(tmp_path / "in" / "sede.xlsx", rows)
    write_master(tmp_path / "in" / "filiale.xlsx", rows)
    code, document = toolkit(["convert", str(tmp_path / "in"), "--to", "master", "--out", str(tmp_path / "out"),
                              "--jobs", "1"], capsys)
    assert code == 0, document["problems"]
    master = check.check_file(Path(document["workbook"])).master
    assert master is not None
    assert (len(master.price_rules), len(master.volume_discounts), len(master.commissions),
            len(master.customer_agents)) == (len(rows["price_rules"]), len(rows["volume_discounts"]),
                                             len(rows["commissions"]), len(rows["customer_agents"]))

    changed = [dict(row) for row in rows["commissions"]]
    changed[0]["percent"] = changed[0]["percent"] + 1
    write_master(tmp_path / "in" / "filiale.xlsx", {**rows, "commissions": changed})
    code, document = toolkit(["convert", str(tmp_path / "in"), "--to", "master", "--out", str(tmp_path / "out2"),
                              "--jobs", "1"], capsys)
    clashes = [p for p in document["problems"] if p["code"] == "convert-code-clash"]
    assert code == 1 and len(clashes) == 1, document["problems"]
    assert {clashes[0]["workbook"], *[n for n in ("sede.xlsx", "filiale.xlsx") if n in clashes[0]["message"]]} \
        == {"sede.xlsx", "filiale.xlsx"}


def _resaved(path: Path, to: Path, *, reverse: bool = False) -> Path:
    """The same form saved again by another program: other bytes (a blank cell written, the
    lines perhaps sorted otherwise), the same order."""
    book = openpyxl.load_workbook(path)
    sheet = book["Ordine"]
    if reverse:
        lines = [[c.value for c in row] for row in sheet.iter_rows(min_row=8, max_row=sheet.max_row - 1)]
        for row, values in zip(sheet.iter_rows(min_row=8, max_row=sheet.max_row - 1), reversed(lines)):
            for cell, value in zip(row, values):
                cell.value = value
    sheet["D2"] = "salvato di nuovo"
    to.parent.mkdir(parents=True, exist_ok=True)
    book.save(to)
    return to


def test_a_re_saved_form_is_the_same_order_and_its_reference_with_other_lines_a_clash(desk, tmp_path, capsys):
    first, second = tmp_path / "primo", tmp_path / "secondo"
    order_form(first / "ordine.xlsx", "C001", date(2026, 4, 9), [("A001", 2), ("A002", 1.5)], "ODA-77")
    order_form(first / "senza-rif.xlsx", "C002", date(2026, 4, 10), [("A003", 4)])
    mapping = tmp_path / "moduli.toml"
    mapping.write_text('[orders]\ncustomer = "Cliente:"\ndate = "B4"\nreference = "Vs. riferimento"\n'
                       '[orders.lines]\nitem = "Codice articolo"\nquantity = "Q.tà"\n', encoding="utf-8")

    def convert(folder: Path) -> tuple[int, dict[str, dict]]:
        code, document = toolkit(["convert", str(folder), "--to", "orders", "--master", str(desk), "--map",
                                  str(mapping), "--out", str(tmp_path / f"out-{folder.name}")], capsys)
        return code, by_name(document)

    code, files = convert(first)
    assert code == 0
    made = files["ordine.xlsx"]["orders"] + files["senza-rif.xlsx"]["orders"]
    _resaved(first / "ordine.xlsx", second / "ordine-risalvato.xlsx", reverse=True)
    _resaved(first / "senza-rif.xlsx", second / "senza-rif-a.xlsx")
    order_form(second / "senza-rif-b.xlsx", "C002", date(2026, 4, 10), [("A003", 5)])
    _resaved(second / "senza-rif-b.xlsx", second / "senza-rif-c.xlsx")
    order_form(second / "z-cambiato.xlsx", "C001", date(2026, 4, 12), [("A001", 3)], "oda-77")
    code, files = convert(second)
    assert code == 1
    assert {n: f["status"] for n, f in files.items()} == {
        "ordine-risalvato.xlsx": "skipped", "senza-rif-a.xlsx": "skipped", "senza-rif-b.xlsx": "converted",
        "senza-rif-c.xlsx": "skipped", "z-cambiato.xlsx": "failed"}
    [same] = files["ordine-risalvato.xlsx"]["problems"]
    assert (same["code"], same["severity"], files["ordine-risalvato.xlsx"]["orders"]) == (
        "form-same-order", "warning", [made[0]])
    assert same["message"] == (
        f"Il modulo ordine-risalvato.xlsx è l'ordine {made[0]} già importato dal modulo ordine.xlsx (cliente C001, "
        "Vs. ordine ODA-77, data 09/04/2026, stesse righe): non si crea di nuovo.")
    assert files["senza-rif-a.xlsx"]["orders"] == [made[1]]
    assert files["senza-rif-c.xlsx"]["orders"] == files["senza-rif-b.xlsx"]["orders"] != [made[1]]
    assert "dal modulo senza-rif-b.xlsx" in files["senza-rif-c.xlsx"]["problems"][0]["message"]
    [clash] = files["z-cambiato.xlsx"]["problems"]
    assert (clash["code"], clash["severity"], files["z-cambiato.xlsx"]["orders"]) == ("form-reference-clash", "error", [])
    assert clash["message"] == (
        f"Il modulo z-cambiato.xlsx ha lo stesso Vs. ordine oda-77 del cliente C001 dell'ordine {made[0]} (modulo "
        "ordine.xlsx), ma righe diverse: il suo ordine non è stato creato. Se è un altro ordine, correggi il Vs. "
        f"ordine nel modulo; se corregge l'ordine {made[0]}, correggi quello.")
    with reading(open_ledger(workbook=desk)) as conn:
        origins = conn.execute(select(schema.orders.c.origin)).scalars().all()
    assert sorted(origins) == ["form:ordine.xlsx", "form:senza-rif-b.xlsx", "form:senza-rif.xlsx"]


def test_a_code_clash_is_printed_under_its_input_with_the_sheet_in_the_desks_words(tmp_path, capsys):
    """The clash is at dup.xlsx's cell: printed under the merged workbook's heading it read as
    a cell of anagrafiche.xlsx, and «di customers» put the program's key in the sentence."""
    for name, who in (("primo.xlsx", "Bar Roma"), ("dup.xlsx", "Bar Milano")):
        book = openpyxl.Workbook()
        book.active.title = "Clienti"
        book.active.append(["Codice", "Ragione sociale"])
        book.active.append(["C001", who])
        book.save(tmp_path / name)
    app._register()
    output.reset()
    code = app.run(["convert", str(tmp_path / "primo.xlsx"), str(tmp_path / "dup.xlsx"), "--to", "anagrafiche",
                    "--out", str(tmp_path / "out"), "--jobs", "1"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    clash = f"{tmp_path / 'dup.xlsx'}: Clienti!A2: Il codice C001 del foglio Clienti è già in primo.xlsx (Clienti!A2)"
    assert any(line.startswith(clash) for line in lines), lines
    heading = lines.index(f"{tmp_path / 'out' / 'anagrafiche.xlsx'}:")
    assert not any("Il codice C001" in line for line in lines[heading:]), lines


def test_the_terminal_names_what_a_list_fed_in_the_workbooks_words_and_the_columns_it_did_not_read(tmp_path, capsys):
    """A desk's own customer list with a column the format does not know (*P.IVA* was one, now
    read, `test_short_headings`): the terminal said `Codice fiscale → tax_code` and never that
    the column was left out, so the customers arrived without its values and the desk did not
    know why."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "clienti.csv").write_text("Codice;Ragione sociale;Num. REA;Codice fiscale;Indirizzo;Città;Listino\n"
                                        "C01;Bar Sport;BO-123456;;Via Roma 1;Bologna;BASE\n", encoding="utf-8")
    app._register()
    output.reset()
    app.run(["convert", str(inputs), "--to", "anagrafiche", "--out", str(tmp_path / "o")])
    [line] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("clienti.csv")]
    assert line.startswith("clienti.csv [clienti] → Clienti: Codice → Codice, Ragione sociale → Ragione sociale, "
                           "Codice fiscale → Codice fiscale"), line
    assert line.endswith("; colonne non lette: Num. REA (rinominale come in docs/workbook-format.md, o indicale con "
                         "--map)"), line


def test_a_link_to_a_file_no_longer_there_is_listed_as_skipped_and_the_run_is_partial(tmp_path, capsys):
    """A folder's link whose target was moved or deleted was neither converted nor said to be
    skipped: the desk never learned that a file it meant to convert was missing."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "clienti.csv").write_text("Codice;Ragione sociale\nC01;Bar Sport\n", encoding="utf-8")
    (inputs / "ordini.xlsx").symlink_to(tmp_path / "spostato.xlsx")
    code, document = toolkit(["convert", str(inputs), "--to", "csv", "--out", str(tmp_path / "o")], capsys)
    files = by_name(document)
    assert code == document["exit_code"] == 1
    assert files["ordini.xlsx"]["status"] == "skipped" and files["clienti.csv"]["status"] == "converted"
    assert files["ordini.xlsx"]["reason"] == ("collegamento a un file che non c'è più: rifai il collegamento o copia "
                                              "qui il file")
    assert document["counts"] == {"converted": 1, "skipped": 1, "failed": 0}
    app._register()
    output.reset()
    assert app.run(["convert", str(inputs), "--to", "csv", "--out", str(tmp_path / "o"), "--lang", "en"]) == 1
    assert (f"{inputs / 'ordini.xlsx'}: skipped (a link to a file no longer there: link it again or copy the file "
            "here)") in capsys.readouterr().out.splitlines()
    (inputs / "clienti.csv").unlink()
    code, document = toolkit(["convert", str(inputs), "--to", "csv", "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and [f["status"] for f in document["files"]] == ["skipped"]


def test_csv_amounts_always_carry_two_decimals_quantities_stay(tmp_path, capsys):
    """A round amount went out as `1406` beside `1234,50` in the same column: an accounting
    import met two formats. Money columns (the format's *Prezzo*, *Fido*, or a sheet's *Importo*,
    *Totale*) now carry two decimals (more if the value has them); quantities stay as they are."""
    book = openpyxl.Workbook()
    book.active.title = "Righe"
    book.active.append(["Fattura", "Quantità", "Importo", "Totale", "Nota"])
    book.active.append(["FT-1", 3, 1406, 1406.5, 7])
    book.active.append(["FT-2", 2.5, 0.125, "n/d", 8])
    book.save(tmp_path / "righe.xlsx")
    (tmp_path / "clienti.csv").write_text("Codice;Ragione sociale;Fido\nC1;Bar;5000\n", encoding="utf-8")
    for options, first, second, customer in (
            ((), "FT-1;3;1406,00;1406,50;7", "FT-2;2,5;0,125;n/d;8", "C1;Bar;5000,00"),
            (("--decimal-point",), "FT-1;3;1406.00;1406.50;7", "FT-2;2.5;0.125;n/d;8", "C1;Bar;5000.00")):
        out = tmp_path / f"o{len(options)}"
        code, document = toolkit(["convert", str(tmp_path / "righe.xlsx"), str(tmp_path / "clienti.csv"), "--to",
                                  "csv", *options, "--out", str(out), "--jobs", "1"], capsys)
        assert code == 0, document["problems"]
        assert (out / "righe.csv").read_text(encoding="utf-8-sig").splitlines()[1:] == [first, second]
        assert (out / "clienti.csv").read_text(encoding="utf-8-sig").splitlines()[1] == customer


def test_a_percent_cell_is_converted_as_it_shows(tmp_path, capsys):
    """Excel keeps 100 % as 1: the CSV wrote 1, which the desk and the data check read as 1 %.
    The CSV says the number shown (100, 12,5); the xlsx keeps 1 under a percent format, as the
    source showed it, so a formula beside it still computes with the fraction."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sconti"
    sheet.append(["Cliente", "Sconto %", "Quantità"])
    sheet.append(["C001", 1, 1])
    sheet.append(["C002", 0.125, 2])
    sheet["B2"].number_format = "0%"
    sheet["B3"].number_format = "0.00%"
    book.save(tmp_path / "sconti.xlsx")
    code, document = toolkit(["convert", str(tmp_path / "sconti.xlsx"), "--to", "csv", "--out", str(tmp_path / "o")],
                             capsys)
    assert code == 0, document["problems"]
    written = (tmp_path / "o" / "sconti.csv").read_text(encoding="utf-8-sig").splitlines()
    assert written == ["Cliente;Sconto %;Quantità", "C001;100;1", "C002;12,5;2"]
    code, document = toolkit(["convert", str(tmp_path / "sconti.xlsx"), "--to", "xlsx", "--out", str(tmp_path / "x")],
                             capsys)
    assert code == 0, document["problems"]
    copy = openpyxl.load_workbook(tmp_path / "x" / "sconti.xlsx")["Sconti"]
    assert [(c.value, c.number_format) for c in copy["B"][1:]] == [(1, "0%"), (0.125, "0.0%")]
    assert (copy["C2"].value, copy["C2"].number_format) == (1, "General")


@pytest.mark.parametrize("offices", [("nord", "sud"), ("2025/listini", "2026/listini")])
@pytest.mark.parametrize("given", ["folders", "files"])
def test_two_inputs_of_one_name_from_two_folders_are_two_outputs(tmp_path, capsys, given, offices):
    """The north and south offices' `listino.csv`, their folders (or the files) given side by
    side: both were written to `listino-csv.csv`, the second over the first, and the run said
    2 converted. Each has its own output below its folder's name, whatever order the folders
    are given in: numbered in the order they came, the run with the folders the other way round
    wrote the south's list over the north's of the run before."""
    listini = dict(zip(offices, ("Codice;Prezzo\nA1;1,50\n", "Codice;Prezzo\nB1;2,50\n")))
    for office, text in listini.items():
        (tmp_path / office).mkdir(parents=True)
        (tmp_path / office / "listino.csv").write_text(text, encoding="utf-8")
    inputs = [str(tmp_path / office / ("" if given == "folders" else "listino.csv")) for office in listini]
    for run in (inputs, inputs[::-1]):
        code, document = toolkit(["convert", *run, "--to", "csv", "--out", str(tmp_path / "csv"), "--jobs", "1"],
                                 capsys)
        assert code == 0, document["problems"]
        outputs = {Path(f["file"]).parent.relative_to(tmp_path).as_posix():
                   [Path(o).relative_to(tmp_path / "csv").as_posix() for o in f["outputs"]] for f in document["files"]}
        assert outputs == {office: [f"{office}/listino.csv"] for office in offices}
        assert [(tmp_path / "csv" / office / "listino.csv").read_text(encoding="utf-8-sig").splitlines()[1]
                for office in listini] == ["A1;1,50", "B1;2,50"]
        assert sorted(p.name for p in (tmp_path / "csv").rglob("*.csv")) == ["listino.csv", "listino.csv"]


def test_two_sheets_whose_names_make_one_file_name_are_two_csv_files(tmp_path, capsys):
    """*Listino €* and *Listino $* both make `listini-Listino.csv` (a file name keeps letters,
    digits and `._-`): the dollar list was written over the euro one, the run said converted."""
    (tmp_path / "in").mkdir()
    book = openpyxl.Workbook()
    book.active.title = "Listino €"
    book.active.append(["Codice", "Prezzo"])
    book.active.append(["A1", 1.5])
    dollars = book.create_sheet("Listino $")
    dollars.append(["Codice", "Prezzo"])
    dollars.append(["B1", 2.5])
    book.save(tmp_path / "in" / "listini.xlsx")
    code, document = toolkit(["convert", str(tmp_path / "in"), "--to", "csv", "--out", str(tmp_path / "csv"),
                              "--jobs", "1"], capsys)
    assert code == 0, document["problems"]
    [converted] = document["files"]
    assert [Path(o).name for o in converted["outputs"]] == ["listini-Listino.csv", "listini-Listino-2.csv"]
    assert [(tmp_path / "csv" / Path(o).name).read_text(encoding="utf-8-sig").splitlines()[1]
            for o in converted["outputs"]] == ["A1;1,50", "B1;2,50"]


def test_two_conversions_in_one_second_keep_both_reports(tmp_path, capsys, monkeypatch):
    """The report is named by the second the run ended, in Rome's time as the desk reads it: a
    second run into the same folder within that second (a script converting two offices'
    folders) wrote its report over the first's, whose list of files converted and failed was
    lost. The second is `conversione-STAMP-2.xlsx`."""
    from datetime import UTC, datetime

    from toolkit.services import convert

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 12, 31, 23, 30, 5, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(convert, "datetime", Frozen)
    for office in ("nord", "sud"):
        (tmp_path / office).mkdir()
        (tmp_path / office / f"listino-{office}.csv").write_text("Codice;Prezzo\nA1;1,50\n", encoding="utf-8")
        code, document = toolkit(["convert", str(tmp_path / office), "--to", "csv", "--out", str(tmp_path / "csv"),
                                  "--jobs", "1"], capsys)
        assert code == 0, document["problems"]
    reports = sorted(p.name for p in (tmp_path / "csv").glob("conversione-*.xlsx"))
    assert reports == ["conversione-20270101-003005-2.xlsx", "conversione-20270101-003005.xlsx"]
    listed = [CalamineWorkbook.from_path(str(tmp_path / "csv" / name)).get_sheet_by_index(0).to_python()[1][0]
              for name in reversed(reports)]
    assert [Path(f).name for f in listed] == ["listino-nord.csv", "listino-sud.csv"]


def test_pdf_refuses_a_users_own_pdf_of_its_name(tmp_path, capsys):
    """`convert --to pdf` wrote `a.pdf` over the desk's own `a.pdf` in the output folder. A PDF
    the toolkit did not print (its author is not `toolkit`) is kept and the file fails, saying so."""
    from pypdf import PdfWriter

    (tmp_path / "a.csv").write_text("Codice;Prezzo\nA1;12,50\n", encoding="utf-8")
    (tmp_path / "pdf").mkdir()
    own = PdfWriter()
    own.add_blank_page(200, 200)
    with (tmp_path / "pdf" / "a.pdf").open("wb") as file:
        own.write(file)
    before = (tmp_path / "pdf" / "a.pdf").read_bytes()
    code, document = toolkit(["convert", str(tmp_path / "a.csv"), "--to", "pdf", "--out", str(tmp_path / "pdf"),
                              "--lang", "en"], capsys)
    assert (code, document["counts"]["failed"], document["counts"]["converted"]) == (2, 1, 0)
    [problem] = by_name(document)["a.csv"]["problems"]
    assert problem["code"] == "output-not-ours"
    assert problem["message"] == (f"The file {tmp_path / 'pdf' / 'a.pdf'} exists and is not a “PDF” file written by "
                                  "the toolkit (it names no author): it is not replaced. Choose another folder for "
                                  "--out, or move or delete that file.")
    assert (tmp_path / "pdf" / "a.pdf").read_bytes() == before


def test_inputs_named_with_dots_keep_their_whole_names(tmp_path, capsys):
    """`listino 01.04.2025.csv` and `listino 01.04.2026.csv` were both converted to
    `listino 01.04.csv`, the extension put in place of the year: the second written over the
    first, and the run said 2 converted. Each output keeps its input's whole name."""
    (tmp_path / "in").mkdir()
    for year, code in (("2025", "A1"), ("2026", "B1")):
        (tmp_path / "in" / f"listino 01.04.{year}.csv").write_text(f"Codice;Prezzo\n{code};1,50\n", encoding="utf-8")
    code, document = toolkit(["convert", str(tmp_path / "in"), "--to", "csv", "--out", str(tmp_path / "csv"),
                              "--jobs", "1"], capsys)
    assert code == 0, document["problems"]
    assert [[Path(o).name for o in f["outputs"]] for f in document["files"]] == [
        ["listino 01.04.2025.csv"], ["listino 01.04.2026.csv"]]
    assert [(tmp_path / "csv" / f"listino 01.04.{year}.csv").read_text(encoding="utf-8-sig").splitlines()[1]
            for year in ("2025", "2026")] == ["A1;1,50", "B1;1,50"]


def _orders_with_the_disk_full_at_the_report(desk, tmp_path, capsys, monkeypatch, lang):
    """`convert --to orders` of the forms in tmp_path/moduli, the disk full as its report is
    written: the exit code, what it said (blanks folded), the orders stored and its arguments."""
    import errno

    from toolkit.basics import files
    from toolkit.writers import converted

    mapping = tmp_path / "moduli.toml"
    mapping.write_text('[orders]\ncustomer = "Cliente:"\ndate = "B4"\nreference = "Vs. riferimento"\n'
                       '[orders.lines]\nitem = "Codice articolo"\nquantity = "Q.tà"\n', encoding="utf-8")
    args = ["convert", str(tmp_path / "moduli"), "--to", "orders", "--master", str(desk), "--map", str(mapping),
            "--out", str(tmp_path / "out"), "--jobs", "1", "--lang", lang]

    def full(target, write):
        return files.write_atomic(target, lambda tmp: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left")))

    with monkeypatch.context() as patched:
        patched.setattr(converted, "write_atomic", full)
        app._register()
        output.reset()
        code = app.run(args)
    err = " ".join(capsys.readouterr().err.split())
    with reading(open_ledger(workbook=desk)) as conn:
        o = schema.orders.c
        numbers = sorted(document_number(*r) for r in conn.execute(select(o.series, o.year, o.number)))
    return code, err, numbers, args


@pytest.mark.parametrize("lang", ["it", "en"])
def test_forms_on_a_disk_full_at_the_report_name_the_orders_stored_and_how_to_list_them(desk, tmp_path, capsys,
                                                                                          monkeypatch, lang):
    """`--to orders` writes no file but its report: a disk full there said «no file written»,
    though the forms' orders were stored. It names the orders stored and the form not imported,
    and says that the same conversion run again writes the report, the forms already imported
    listed with their orders, none created twice."""
    forms = tmp_path / "moduli"
    order_form(forms / "a.xlsx", "C001", date(2026, 4, 9), [("A001", 2)])
    order_form(forms / "b.xlsx", "C002", date(2026, 4, 10), [("A003", 4)])
    order_form(forms / "sbagliato.xlsx", "C001", date(2026, 4, 9), [("NOPE", 1)])
    code, err, numbers, args = _orders_with_the_disk_full_at_the_report(desk, tmp_path, capsys, monkeypatch, lang)
    out = tmp_path / "out"
    assert code == 2 and len(numbers) == 2 and not list(out.glob("*.xlsx")), err
    if lang == "it":
        assert f"Registrati: 2 ordini ({', '.join(numbers)}) da 2 file (a.xlsx, b.xlsx)" in err, err
        assert "non importati: 1 file (sbagliato.xlsx)" in err and "nessun file" not in err, err
        assert "ripeti la stessa conversione" in err, err
    else:
        assert f"Stored: 2 orders ({', '.join(numbers)}) from 2 files (a.xlsx, b.xlsx)" in err, err
        assert "not imported: 1 file (sbagliato.xlsx)" in err and "no file" not in err, err
        assert "run the same conversion again" in err, err
    code, again = toolkit(args[:-2] + ["--json"], capsys)
    assert [by_name(again)[n]["orders"] for n in ("a.xlsx", "b.xlsx")] == [[x] for x in numbers]
    assert list(out.glob("conversione-*.xlsx"))


def test_one_form_on_a_disk_full_at_the_report_is_said_as_a_list_in_italian(desk, tmp_path, capsys, monkeypatch):
    """One order stored, every form imported: the Italian said «Sono registrati 1 ordine … non
    sono importati nessun file», its verbs agreeing with neither; the lists are said as lists,
    as `convert-disk-full` says its files."""
    order_form(tmp_path / "moduli" / "a.xlsx", "C001", date(2026, 4, 9), [("A001", 2)])
    code, err, [number], _ = _orders_with_the_disk_full_at_the_report(desk, tmp_path, capsys, monkeypatch, "it")
    assert code == 2, err
    assert f"Registrati: 1 ordine ({number}) da 1 file (a.xlsx); non importati: nessun file." in err, err


def test_a_long_column_keeps_the_same_longest_texts_whatever_the_sets_order():
    """A converted sheet keeps each column's longest texts as it writes (`_Longest`): among texts
    of one length it keeps the last by their letters, as `fitting_width` picks them, not those a
    set's order (each process's string hashing) happens to put last."""
    from toolkit.writers.converted import _Longest

    texts = ["i" * 11 + str(n) for n in range(100, 300)] + ["W" * 14]
    kept = _Longest()
    for text in texts:
        kept.add(text)
    assert kept.kept == set(sorted(texts)[-_Longest.MOST:])


@pytest.mark.parametrize("lang", ["it", "en"])
def test_forms_into_the_ledger_tell_the_master_checks_warnings_as_every_verb_does(desk, tmp_path, capsys, lang):
    """`--to ordini --master` reads the master workbook as `orders create` does, yet told none
    of the check's warnings: a mistyped *Serie fattura* row went unread without a word."""
    book = openpyxl.load_workbook(desk)
    book["Impostazioni"].append(["Serie fattura", "FV"])
    row = book["Impostazioni"].max_row
    book.save(desk)
    order_form(tmp_path / "moduli" / "a.xlsx", "C001", date(2026, 4, 9), [("A001", 2)])
    mapping = tmp_path / "moduli.toml"
    mapping.write_text('[orders]\ncustomer = "Cliente:"\ndate = "B4"\n'
                       '[orders.lines]\nitem = "Codice articolo"\nquantity = "Q.tà"\n', encoding="utf-8")
    args = ["convert", str(tmp_path / "moduli"), "--to", "ordini", "--master", str(desk), "--map", str(mapping),
            "--out", str(tmp_path / "out"), "--jobs", "1", "--lang", lang]
    app._register()
    output.reset()
    assert app.run(args) == 0
    said = capsys.readouterr().out
    cell = f"Impostazioni!A{row}"
    mark = "avviso" if lang == "it" else "warning"
    words = "non è un'impostazione del toolkit" if lang == "it" else "is not a toolkit setting"
    assert sum(cell in line and f"{mark}: " in line and words in line for line in said.splitlines()) == 1, said
    args[-4:] = ["--jobs", "1", "--json"]
    code, document = toolkit(args, capsys)
    assert code == 0
    [told] = [p for p in document["problems"] if p["code"] == "unknown-setting"]
    assert (told["sheet"], told["cell"], told["severity"]) == ("Impostazioni", f"A{row}", "warning")
