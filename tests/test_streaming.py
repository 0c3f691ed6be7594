"""Workbooks written row by row: tables, formulas as Excel expects them, no temporary files left."""

from __future__ import annotations

import tempfile
import zipfile

import openpyxl
import pytest

from toolkit.writers.streaming import add_table, streaming_workbook


def test_a_table_over_rows_written_after_it(tmp_path):
    path = tmp_path / "t.xlsx"
    with streaming_workbook(path, "report") as book:
        sheet = book.add_worksheet("Righe")
        add_table(sheet, 2, ["Numero", "Importo"], "Righe", "Table Style Light 9")
        for row in (1, 2):
            sheet.write_string(row, 0, f"FT-{row}")
            sheet.write_formula(row, 1, f"=ROUND({row}*1.5,2)", None, row * 1.5)
    read = openpyxl.load_workbook(path)["Righe"]
    table = read.tables["Righe"]
    assert (table.ref, table.tableStyleInfo.name) == ("A1:B3", "TableStyleLight9")
    assert [c.name for c in table.tableColumns] == ["Numero", "Importo"]
    assert [[c.value for c in row] for row in read.iter_rows()] == [
        ["Numero", "Importo"], ["FT-1", "=ROUND(1*1.5,2)"], ["FT-2", "=ROUND(2*1.5,2)"]]


def test_only_newer_functions_get_excels_prefix(tmp_path):
    path = tmp_path / "f.xlsx"
    with streaming_workbook(path, "report") as book:
        sheet = book.add_worksheet("S")
        sheet.write_formula(0, 0, "=SUMIFS(B1:B3,C1:C3,1)+ROUND(SUM(B1:B3),2)")
        sheet.write_formula(1, 0, "=SWITCH(B1,1,2,3)")
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>SUMIFS(B1:B3,C1:C3,1)+ROUND(SUM(B1:B3),2)</f>" in xml
    assert ">_xlfn.SWITCH(B1,1,2,3)</f>" in xml


def test_a_failed_write_leaves_no_temporary_files(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(RuntimeError), streaming_workbook(tmp_path / "x.xlsx", "report") as book:
        book.add_worksheet("S").write_string(0, 0, "half-way")
        raise RuntimeError("stop")
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "x.xlsx").exists()
