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
