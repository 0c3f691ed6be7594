"""A formula saved with no value (openpyxl and other libraries write formulas without computing
them) is a cell whose value is not known: calamine reads it as empty, so a price override
`=18.5*0.9` priced the line from the list and a Fido `=5000*2` meant no credit limit, silently.
Excel's own cells, a cached value or a text formula's computed "", are values as before."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from command_line import in_process as toolkit
from test_error_cells import told

from toolkit.intake import guard

FIDO = ("Clienti", "R3", "=5000*2")
PRICE = ("Righe modello", "D2", "=18.5*0.9")
FIDO_TOLD = ("cell-formula-not-computed", "Clienti!R3",
             "La cella «Fido» ha la formula =5000*2 ma non il suo valore: il file è stato salvato da un programma che "
             "non calcola le formule. Aprilo in Excel o LibreOffice e salvalo, oppure scrivi il valore nella cella.")


def saved_by_openpyxl(source: Path, target: Path, *cells: tuple[str, str, str]) -> Path:
    book = openpyxl.load_workbook(source)
    for sheet, ref, formula in cells:
        book[sheet][ref] = formula
    book.save(target)
    return target


def with_cell_xml(source: Path, target: Path, sheet: str, ref: str, xml: str) -> Path:
    """The workbook with the cell `ref` of `sheet` written as `xml`, as Excel writes its cells."""
    book = openpyxl.load_workbook(source)
    book[sheet][ref] = 0
    book.save(target)
    with zipfile.ZipFile(target) as zf:
        part = {tab: part for part, tab in guard.sheet_tabs(zf).items()}[sheet]
        parts = [(info, zf.read(info)) for info in zf.infolist()]
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts:
            if info.filename == part:
                data, count = re.subn(rf'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)'.encode(), xml.encode(), data, count=1)
                assert count == 1
            zf.writestr(info.filename, data)
    target.write_bytes(packed.getvalue())
    return target


def test_check_names_a_formula_saved_without_its_value_in_an_optional_cell_too(tmp_path, sample_workbook, capsys):
    book = saved_by_openpyxl(sample_workbook, tmp_path / "anagrafiche.xlsx", FIDO, PRICE)
    code, answer = toolkit(["check", str(book)], capsys)
    assert code == 1
    assert told(answer)[0] == FIDO_TOLD
    assert [(c, where) for c, where, _ in told(answer)] == [("cell-formula-not-computed", "Clienti!R3"),
                                                            ("cell-formula-not-computed", "Righe modello!D2")]
    code, answer = toolkit(["check", str(book), "--lang", "en"], capsys)
    assert told(answer)[1][2] == (
        "Cell “Price” holds the formula =18.5*0.9 but not its value: the file was saved by a program that does not "
        "compute formulas. Open it in Excel or LibreOffice and save it, or type the value in the cell.")


def test_orders_are_not_priced_from_the_list_in_its_place(tmp_path, sample_workbook, capsys):
    book = saved_by_openpyxl(sample_workbook, tmp_path / "anagrafiche.xlsx", PRICE)
    code, answer = toolkit(["orders", "create", str(book), "--date", "2026-04-09"], capsys)
    assert code == 1
    assert [(c, where) for c, where, _ in told(answer)] == [("cell-formula-not-computed", "Righe modello!D2")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["anagrafiche.xlsx"]


@pytest.mark.parametrize("xml", [
    '<c r="D2"><f>18.5*0.9</f><v>16.65</v></c>',
    '<c r="D2" t="str"><f>IF(TRUE,"","x")</f><v></v></c>',
    '<c r="D2" t="str"><f>IF(TRUE,"","x")</f><v/></c>',
])
def test_excels_own_formula_cells_are_their_values(xml, tmp_path, sample_workbook, capsys):
    """A cached value, and a text formula's computed "" (Excel writes `t="str"` with an empty value)."""
    book = with_cell_xml(sample_workbook, tmp_path / "anagrafiche.xlsx", "Righe modello", "D2", xml)
    code, answer = toolkit(["check", str(book)], capsys)
    assert (code, told(answer)) == (0, [])


@pytest.mark.parametrize("xml", [
    '<c r="D2"><f>18.5*0.9</f></c>',
    '<c r="D2" t="n"><f>18.5*0.9</f><v></v></c>',
    '<c r="D2"><f t="shared" ref="D2:D9" si="0">18.5*0.9</f></c>',
])
def test_every_spelling_of_a_formula_without_value_is_found(xml, tmp_path, sample_workbook, capsys):
    book = with_cell_xml(sample_workbook, tmp_path / "anagrafiche.xlsx", "Righe modello", "D2", xml)
    code, answer = toolkit(["check", str(book)], capsys)
    assert code == 1 and [(c, where) for c, where, _ in told(answer)] == [
        ("cell-formula-not-computed", "Righe modello!D2")]


def test_convert_to_master_fails_the_file_and_to_csv_copies_the_formula_as_text(tmp_path, sample_workbook, capsys):
    (tmp_path / "in").mkdir()
    book = saved_by_openpyxl(sample_workbook, tmp_path / "in" / "vecchio.xlsx", FIDO)
    code, answer = toolkit(["convert", str(book.parent), "--to", "master", "--out", str(tmp_path / "out")], capsys)
    assert code == 1
    [failed] = [f for f in answer["files"] if f["status"] == "failed"]
    assert [(p["code"], f"{p['sheet']}!{p['cell']}") for p in failed["problems"]] == [
        ("convert-cell-formula-not-computed", "Clienti!R3")]
    code, _ = toolkit(["convert", str(book), "--to", "csv", "--out", str(tmp_path / "csv")], capsys)
    assert code == 0
    with (tmp_path / "csv" / "vecchio-Clienti.csv").open(encoding="utf-8-sig") as f:
        assert list(csv.reader(f, delimiter=";"))[2][17] == "'=5000*2"
