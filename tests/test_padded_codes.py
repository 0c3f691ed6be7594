"""A code typed into a number cell formatted with zeros alone (`0000000000`, `00000`) is read as
the sheet shows it: Excel keeps the telephone 0115551234 as 115551234 and shows its zero through
the format, and the data check and the conversion read 115551234, a partita IVA 02047290222 as
2047290222 (refused as invalid). Only in a column of codes: a quantity so formatted stays a
number. Real files: openpyxl's .xlsx, saved again by LibreOffice as .ods and .xls."""

from __future__ import annotations

import csv
import json
import subprocess
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from foreign_inputs import libreoffice_copy

from toolkit.cli import app, output
from toolkit.intake.validation import check_file
from toolkit.writers.libreoffice import soffice


def formatted(source: Path, target: Path, *cells: tuple[str, str, float, str]) -> Path:
    """`source` with each (sheet, cell) holding `value` in the number format given."""
    book = openpyxl.load_workbook(source)
    for sheet, ref, value, number_format in cells:
        book[sheet][ref] = value
        book[sheet][ref].number_format = number_format
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


@pytest.fixture(scope="module")
def padded_sample(sample_workbook, tmp_path_factory) -> Path:
    return formatted(sample_workbook, tmp_path_factory.mktemp("padded") / "anagrafiche.xlsx",
                     ("Clienti", "C2", 2047290222, "00000000000"),  # the partita IVA 02047290222
                     ("Contatti", "D2", 115551234, "0000000000"),   # the telephone 0115551234
                     ("Articoli", "G2", 2, "000"))                  # a weight: a number, shown 002


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_code_a_format_of_zeros_shows_is_read_as_shown(padded_sample: Path, fmt: str):
    path = padded_sample if fmt == "xlsx" else libreoffice_copy(padded_sample, fmt, padded_sample.with_suffix(f".{fmt}"))
    result = check_file(path)
    assert result.master is not None, [str(p) for p in result.errors]
    assert result.master.customers[0].vat_number == "02047290222"
    assert result.master.contacts[0].phone == "0115551234"
    assert str(result.master.items[0].weight) == "2"


@pytest.mark.parametrize("number_format", ["000-0000000", '"0"000000000', "0000000000.00", "#,##0", "General"])
def test_another_format_reads_the_number_the_cell_holds(sample_workbook, tmp_path, number_format):
    """A format with a text, a separator or decimals shows what only Excel writes: the cell is read
    as the whole number it holds, as before (docs/workbook.md says to type such codes as text)."""
    path = formatted(sample_workbook, tmp_path / "anagrafiche.xlsx", ("Contatti", "D2", 115551234, number_format))
    assert check_file(path).master.contacts[0].phone == "115551234"


def _contacts(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Rubrica"
    sheet.append(["Nome", "Telefono", "CAP", "Quantità"])
    for name, phone, postcode, quantity in (("Anna", 115551234, 184, 7), ("Ugo", 3331234567, 20121, 8)):
        sheet.append([name, phone, postcode, quantity])
    for row in (2, 3):
        for col, number_format in ((2, "0000000000"), (3, "00000"), (4, "000")):
            sheet.cell(row, col).number_format = number_format
    book.save(path)
    return path


def _convert(args: list[str], capsys) -> dict:
    app._register()
    output.reset()
    app.run([*args, "--json"])
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_conversion_writes_the_codes_as_shown_and_the_quantities_as_numbers(tmp_path, capsys, fmt):
    typed = _contacts(tmp_path / "rubrica.xlsx")
    source = typed if fmt == "xlsx" else libreoffice_copy(typed, fmt, tmp_path / f"rubrica.{fmt}")
    _convert(["convert", str(source), "--to", "csv", "--out", str(tmp_path / "csv")], capsys)
    [written] = (tmp_path / "csv").glob("rubrica*.csv")
    rows = list(csv.reader(written.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[1:] == [["Anna", "0115551234", "00184", "7"], ["Ugo", "3331234567", "20121", "8"]]
    _convert(["convert", str(source), "--to", "xlsx", "--out", str(tmp_path / "xlsx")], capsys)
    [book] = (tmp_path / "xlsx").glob("rubrica*.xlsx")
    sheet = openpyxl.load_workbook(book).active
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [["Anna", "0115551234", "00184", 7],
                                                                             ["Ugo", "3331234567", "20121", 8]]


def test_a_master_converted_keeps_the_codes_as_shown(padded_sample: Path, tmp_path, capsys):
    document = _convert(["convert", str(padded_sample), "--to", "master", "--out", str(tmp_path / "out")], capsys)
    merged = openpyxl.load_workbook(document["workbook"])
    assert merged["Clienti"]["C2"].value == "02047290222" and merged["Contatti"]["D2"].value == "0115551234"


_ODS_ROW_STYLED = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 office:version="1.2"><office:automatic-styles>
<number:number-style style:name="N121"><number:number number:decimal-places="0" number:min-integer-digits="5"/>
</number:number-style>
<number:number-style style:name="N0"><number:number number:decimal-places="0" number:min-integer-digits="1"/>
</number:number-style>
<style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N121"/>
<style:style style:name="ce2" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N0"/>
</office:automatic-styles><office:body><office:spreadsheet><table:table table:name="Rubrica">
<table:table-column table:number-columns-repeated="3" table:default-cell-style-name="Default"/>
<table:table-row><table:table-cell office:value-type="string"><text:p>Nome</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>CAP</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>Codice</text:p></table:table-cell></table:table-row>
<table:table-row table:default-cell-style-name="ce1">
<table:table-cell office:value-type="string"><text:p>Anna</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="184"><text:p>00184</text:p></table:table-cell>
<table:table-cell table:style-name="ce2" office:value-type="float" office:value="7">
<text:p>7</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>Ugo</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="20121"><text:p>20121</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="8"><text:p>8</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""
"""A row formatted whole, `00000`, as an ODF writer may say it once for the row
(`table:default-cell-style-name` on `table:table-row`) where LibreOffice writes a style on each
cell: the cell of its own style (ce2, a plain number) keeps it."""


def _ods(path: Path, content: str) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content.replace("\n", ""))
        zf.writestr("META-INF/manifest.xml", """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>""")
    return path


def test_a_row_formatted_whole_is_read_as_libreoffice_shows_it(tmp_path, capsys):
    source = _ods(tmp_path / "rubrica.ods", _ODS_ROW_STYLED)
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([soffice(), f"-env:UserInstallation=file://{out}/profile", "--headless", "--convert-to",
                        "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,true", "--outdir", out, str(source)],
                       check=True, capture_output=True, timeout=180)
        shown = list(csv.reader((Path(out) / "rubrica.csv").read_text(encoding="utf-8").splitlines(), delimiter=";"))
    assert shown[1:] == [["Anna", "00184", "7"], ["Ugo", "20121", "8"]]
    _convert(["convert", str(source), "--to", "csv", "--out", str(tmp_path / "csv")], capsys)
    [written] = (tmp_path / "csv").glob("rubrica*.csv")
    assert list(csv.reader(written.read_text(encoding="utf-8-sig").splitlines(), delimiter=";")) == shown
