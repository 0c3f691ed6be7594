"""The workbook every printable document starts from."""

from __future__ import annotations

import openpyxl
import pytest
from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName

from toolkit.writers.printable import new_workbook


def test_many_sheets_keep_excels_name_rules(tmp_path):
    book = new_workbook(tmp_path / "docs.xlsx")
    for n in range(1, 301):
        book.add_worksheet(f"OC-2026-{n:05d}").write_string(0, 0, f"order {n}")
    with pytest.raises(DuplicateWorksheetName):
        book.add_worksheet("oc-2026-00007")
    with pytest.raises(InvalidWorksheetName):
        book.add_worksheet("OC/2026/1")
    with pytest.raises(InvalidWorksheetName):
        book.add_worksheet("x" * 32)
    book.add_worksheet()
    book.close()
    read = openpyxl.load_workbook(tmp_path / "docs.xlsx")
    assert len(read.sheetnames) == 301 and read.sheetnames[-1].startswith("Sheet")
    assert read["OC-2026-00300"]["A1"].value == "order 300"
