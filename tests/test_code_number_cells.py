"""A code Excel or LibreOffice kept as a number (a telephone, a mobile, an EAN typed into a cell
formatted *Generale*) reaches the master data as the whole number the cell holds, in every
workbook format: no `.0`, no exponent, where Excel shows `8,00123E+12` of twelve digits or more."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from foreign_inputs import libreoffice_copy

from toolkit.intake.sources import read_workbook
from toolkit.model.cells import Code, Text, read_cell

TYPED = [3331234567, 115551234, 8001234567890, 393331234567]


@pytest.fixture(scope="module")
def contacts(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("codes")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Contatti"
    sheet.append(["Codice", "Telefono"])
    for n, number in enumerate(TYPED, 1):
        sheet.append([f"P{n:03}", number])
    book.save(folder / "contatti.xlsx")
    return folder / "contatti.xlsx"


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_number_cells_code_is_read_as_the_whole_number_it_holds(contacts: Path, fmt: str):
    path = contacts if fmt == "xlsx" else libreoffice_copy(contacts, fmt, contacts.with_suffix(f".{fmt}"))
    cells = [row[1] for row in read_workbook(path).sheets[0].rows[1:]]
    assert cells == [float(n) for n in TYPED]
    for kind in (Text, Code):
        assert [read_cell(kind, v, None)[0] for v in cells] == [str(n) for n in TYPED]


def test_a_conversion_shows_every_digit_of_a_long_code(contacts: Path, tmp_path, capsys):
    """`convert --to xlsx` wrote an EAN kept as a number in a General cell, which Excel shows as
    `8,00123E+12`: a whole number of more than eleven digits is written under the format `0`,
    still a number, every digit shown; one of eleven or fewer stays General."""
    import json

    from toolkit.cli import app, output

    app._register()
    output.reset()
    app.run(["convert", str(contacts), "--to", "xlsx", "--out", str(tmp_path / "out"), "--json"])
    assert json.loads(capsys.readouterr().out)["counts"]["converted"] == 1
    [book] = (tmp_path / "out").glob("contatti*.xlsx")
    cells = [row[1] for row in openpyxl.load_workbook(book).active.iter_rows(min_row=2)]
    assert [(c.value, c.number_format) for c in cells] == [
        (3331234567, "General"), (115551234, "General"), (8001234567890, "0"), (393331234567, "0")]
