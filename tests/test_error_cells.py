"""A cell showing a formula's error (#N/A, #DIV/0!, …) is a problem at its cell, never an empty
cell: the audit's Fido `=NA()` read as no credit limit and price `=1/0` as the list price,
while `check` said «Nessun problema»."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from command_line import in_process as toolkit

from toolkit.intake import guard

NA_FIDO = ("Clienti", "R3", "NA()", "#N/A")
DIV0_PRICE = ("Righe modello", "D2", "1/0", "#DIV/0!")


def with_errors(source: Path, target: Path, *cells: tuple[str, str, str, str]) -> Path:
    """The workbook with each (sheet, cell) holding a formula whose cached value is an error,
    written as Excel and LibreOffice write it: `<c r="R3" t="e"><f>NA()</f><v>#N/A</v></c>`
    (openpyxl first puts a 0 in each, so that the cell is there to replace)."""
    import openpyxl

    book = openpyxl.load_workbook(source)
    for sheet, ref, _, _ in cells:
        book[sheet][ref] = 0
    book.save(target)
    with zipfile.ZipFile(target) as zf:
        tabs = {tab: part for part, tab in guard.sheet_tabs(zf).items()}
        parts = [(info, zf.read(info)) for info in zf.infolist()]
    changed: dict[str, bytes] = {}
    for sheet, ref, formula, shown in cells:
        part = tabs[sheet]
        xml = changed.get(part) or dict((i.filename, d) for i, d in parts)[part]
        cell = f'<c r="{ref}" t="e"><f>{formula}</f><v>{shown}</v></c>'.encode()
        xml, count = re.subn(rf'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)'.encode(), cell, xml, count=1)
        assert count == 1, (sheet, ref)
        changed[part] = xml
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            zf.writestr(info.filename, changed.get(info.filename, data))
    target.write_bytes(packed.getvalue())
    return target


def told(answer: dict) -> list[tuple[str, str, str]]:
    return [(p["code"], f"{p['sheet']}!{p['cell']}", p["message"]) for p in answer["problems"]
            if p["severity"] == "error"]


FIDO_TOLD = ("cell-error-value", "Clienti!R3",
             "La cella «Fido» mostra #N/A, l'errore di una formula, non un valore: correggi la formula "
             "(o scrivi il valore) e salva di nuovo il file.")
PRICE_TOLD = ("cell-error-value", "Righe modello!D2",
              "La cella «Prezzo» mostra #DIV/0!, l'errore di una formula, non un valore: correggi la formula "
              "(o scrivi il valore) e salva di nuovo il file.")


def test_check_names_each_error_cell_with_what_it_shows(tmp_path, sample_workbook, capsys):
    book = with_errors(sample_workbook, tmp_path / "anagrafiche.xlsx", NA_FIDO, DIV0_PRICE)
    code, answer = toolkit(["check", str(book)], capsys)
    assert code == 1
    assert told(answer) == [FIDO_TOLD, PRICE_TOLD]


def test_an_error_in_a_required_cell_is_not_told_to_be_filled_in(tmp_path, sample_workbook, capsys):
    book = with_errors(sample_workbook, tmp_path / "anagrafiche.xlsx", ("Righe modello", "B2", "NA()", "#N/A"))
    code, answer = toolkit(["check", str(book)], capsys)
    assert code == 1
    assert [(c, where) for c, where, _ in told(answer)] == [("cell-error-value", "Righe modello!B2")]
    assert "«Articolo» mostra #N/A" in told(answer)[0][2]


@pytest.mark.parametrize("verb", [["orders", "preview"], ["orders", "create"]])
def test_a_verb_reading_the_master_refuses_it_and_writes_nothing(verb, tmp_path, sample_workbook, capsys):
    book = with_errors(sample_workbook, tmp_path / "anagrafiche.xlsx", NA_FIDO, DIV0_PRICE)
    code, answer = toolkit([*verb, str(book), "--date", "2026-04-09"], capsys)
    assert code == 1
    assert told(answer) == [FIDO_TOLD, PRICE_TOLD]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["anagrafiche.xlsx"]


@pytest.mark.parametrize("shown", ["#GETTING_DATA", "#SPILL!", "#CALC!"])
@pytest.mark.parametrize("verb", [["check", "BOOK"], ["orders", "create", "BOOK", "--date", "2026-04-09", "--out", "o.xlsx"]])
def test_an_error_value_the_reader_does_not_know_is_refused_at_its_cell(shown, verb, tmp_path, sample_workbook,
                                                                           capsys):
    """python-calamine gives up the whole workbook for an error it does not know (#GETTING_DATA,
    which the file format lists, and the newer ones): the refusal said the file was damaged and to
    save it again in Excel, which keeps the cell as it is, and named no cell (found by fuzzing)."""
    book = with_errors(sample_workbook, tmp_path / "anagrafiche.xlsx", ("Clienti", "R3", "CUBEVALUE(1)", shown))
    code, answer = toolkit([str(book) if a == "BOOK" else str(tmp_path / a) if a == "o.xlsx" else a for a in verb], capsys)
    assert code == 2
    assert told(answer) == [(
        "file-unknown-error-value", "Clienti!R3",
        f"La cella mostra {shown}, un errore di formula che il lettore non conosce: finché c'è, il file non si può "
        "leggere. Scrivi nella cella il valore che deve avere (o svuotala), salva e riprova.")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["anagrafiche.xlsx"]


def test_an_error_in_a_column_the_toolkit_does_not_read_is_left_alone(tmp_path, sample_workbook, capsys):
    book = with_errors(sample_workbook, tmp_path / "anagrafiche.xlsx", ("Clienti", "AZ3", "NA()", "#N/A"))
    code, answer = toolkit(["check", str(book)], capsys)
    assert (code, told(answer)) == (0, [])


def test_convert_to_csv_writes_what_the_cell_shows(tmp_path, sample_workbook, capsys):
    book = with_errors(sample_workbook, tmp_path / "in.xlsx", NA_FIDO)
    code, _ = toolkit(["convert", str(book), "--to", "csv", "--out", str(tmp_path / "out")], capsys)
    assert code == 0
    with (tmp_path / "out" / "in-Clienti.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[2][17] == "#N/A"


def test_convert_to_master_fails_the_file_naming_the_error_cell(tmp_path, sample_workbook, capsys):
    (tmp_path / "in").mkdir()
    book = with_errors(sample_workbook, tmp_path / "in" / "vecchio.xlsx", NA_FIDO)
    code, answer = toolkit(["convert", str(book.parent), "--to", "master", "--out", str(tmp_path / "out")], capsys)
    assert code == 1
    [failed] = [f for f in answer["files"] if f["status"] == "failed"]
    assert [(p["code"], f"{p['sheet']}!{p['cell']}", p["message"]) for p in failed["problems"]] == [(
        "convert-cell-error-value", "Clienti!R3", "La cella mostra #N/A, l'errore di una formula, non un valore: "
        "correggi la formula (o scrivi il valore) e converti di nuovo il file.")]


def _past_the_headings(book: Path, sheet: str) -> str:
    """The column just right of a sheet's last heading: one neither `check` nor `convert` reads,
    wherever the sheet's columns end as the format grows."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.load_workbook(book, read_only=True)
    headings = next(workbook[sheet].iter_rows(min_row=1, max_row=1, values_only=True))
    workbook.close()
    return get_column_letter(len([h for h in headings if h is not None]) + 1)


def test_convert_to_master_leaves_alone_an_error_in_a_column_it_does_not_read_as_check_does(
        tmp_path, sample_workbook, capsys):
    (tmp_path / "in").mkdir()
    book = with_errors(sample_workbook, tmp_path / "in" / "vecchio.xlsx", (
        "Clienti", f"{_past_the_headings(sample_workbook, 'Clienti')}2", "NA()", "#N/A"))
    assert toolkit(["check", str(book)], capsys)[0] == 0
    code, answer = toolkit(["convert", str(book.parent), "--to", "master", "--out", str(tmp_path / "out")], capsys)
    assert [f["status"] for f in answer["files"]] == ["converted"], answer


def test_an_error_stored_as_a_value_with_no_formula_is_named_too(tmp_path, sample_workbook, capsys):
    """An error pasted as a value keeps its type and loses its formula, `<c t="e"><v>#N/A</v></c>`:
    found by its type, as a formula's is."""
    book = with_errors(sample_workbook, tmp_path / "anagrafiche.xlsx", NA_FIDO, DIV0_PRICE)
    with zipfile.ZipFile(book) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, re.sub(rb"<f>(?:NA\(\)|1/0)</f>", b"", data))
    with zipfile.ZipFile(book) as zf:
        sheets = b"".join(zf.read(name) for name in zf.namelist() if "worksheets/" in name)
    assert b'<c r="R3" t="e"><v>#N/A</v></c>' in sheets and b"<f>NA()" not in sheets
    code, answer = toolkit(["check", str(book)], capsys)
    assert (code, told(answer)) == (1, [FIDO_TOLD, PRICE_TOLD])

def saved_by_libreoffice_with_errors(sample_workbook: Path, tmp_path: Path, kind: str) -> Path:
    """The sample with an error typed as a formula in Clienti!R3 (`=NA()`, the Fido) and Righe
    modello!D2 (`=1/0`, a price), saved by LibreOffice as `kind`, which stores each formula's
    error as the cell's value; the test is skipped where LibreOffice is not installed."""
    import openpyxl

    from toolkit.writers import libreoffice

    if libreoffice.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    book = openpyxl.load_workbook(sample_workbook)
    book["Clienti"]["R3"] = "=NA()"
    book["Righe modello"]["D2"] = "=1/0"
    (tmp_path / "typed").mkdir()
    book.save(tmp_path / "typed" / "anagrafiche.xlsx")
    return libreoffice.convert(tmp_path / "typed" / "anagrafiche.xlsx", kind, tmp_path / "saved")


@pytest.mark.parametrize("kind", ["xlsx", "ods", "xls"])
def test_a_workbook_saved_by_libreoffice_shows_its_errors_to_check(kind, tmp_path, sample_workbook, capsys):
    """The audit's own file: the formulas typed, the workbook saved by LibreOffice, which stores
    the error each formula gives as the cell's value. An .xls says it in its BIFF records, which
    calamine reads as an empty cell: the Fido read as no credit limit, the price as none."""
    saved = saved_by_libreoffice_with_errors(sample_workbook, tmp_path, kind)
    code, answer = toolkit(["check", str(saved)], capsys)
    assert (code, told(answer)) == (1, [FIDO_TOLD, PRICE_TOLD])


def test_the_live_books_check_names_the_error_cell():
    """The buttons read the open book through xlwings, which gives an error cell as None unless
    asked for its text: *Controlla dati* said «Manca «Quantità»» while the cell showed #N/A."""
    import minimal
    from conftest import with_stock_sheet
    from fakebook import ExcelError, FakeBook

    import toolkit.excel as x

    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Righe modello", "C2", ExcelError("#N/A"))
    book = FakeBook("ordini-ricorrenti.xlsm", {"Pannello": [["Ordini ricorrenti"]], **sheets})
    x.check_data(book)
    assert book.sheet("Controllo dati").rows()[1:] == [[
        "Errore", "Righe modello", "C2", "cell-error-value",
        "La cella «Quantità» mostra #N/A, l'errore di una formula, non un valore: correggi la formula "
        "(o scrivi il valore) e salva di nuovo il file."]]


def test_an_error_in_a_setting_names_the_setting(tmp_path, sample_workbook, capsys):
    book = with_errors(sample_workbook, tmp_path / "anagrafiche.xlsx", ("Impostazioni", "B3", "NA()", "#N/A"))
    code, answer = toolkit(["check", str(book)], capsys)
    assert code == 1
    assert told(answer) == [("cell-error-value", "Impostazioni!B3",
                             "La cella «Partita IVA» mostra #N/A, l'errore di una formula, non un valore: correggi la "
                             "formula (o scrivi il valore) e salva di nuovo il file.")]


def test_a_csv_cell_excel_exported_from_an_error_fails_the_file_at_its_cell(tmp_path, capsys):
    """Excel saves a cell showing #N/A into a CSV as the text #N/A: read as a name or a note, a
    customer would be called «#N/A» on its invoices; read as the error it shows, the file fails
    naming the cell, as the workbook it came from would."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "clienti.csv").write_text(
        "Codice;Ragione sociale;Partita IVA;Indirizzo;CAP;Città;Provincia;Listino;Modalità di pagamento;"
        "Termini di pagamento\nC001;#N/A;01234560157;Via Roma 1;20121;Milano;MI;BASE;Bonifico;30\n", encoding="utf-8")
    code, answer = toolkit(["convert", str(tmp_path / "in"), "--to", "master", "--out", str(tmp_path / "out")], capsys)
    assert code == 1
    [failed] = answer["files"]
    assert failed["status"] == "failed"
    assert [(p["code"], f"{p['sheet']}!{p['cell']}") for p in failed["problems"]] == [
        ("convert-cell-error-value", "clienti!B2")]
