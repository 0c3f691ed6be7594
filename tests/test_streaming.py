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


def _deflated(data: bytes, level: int) -> int:
    """How many bytes zlib's raw deflate at `level` makes of `data`, as a zip holds them."""
    import zlib

    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return len(packer.compress(data) + packer.flush())


def _sheet_zipped(path) -> tuple[int, bytes]:
    with zipfile.ZipFile(path) as book:
        sheet = book.getinfo("xl/worksheets/sheet1.xml")
        return sheet.compress_size, book.read(sheet)


def _rows(book) -> None:
    sheet = book.add_worksheet("Righe")
    for row in range(3000):
        sheet.write_string(row, 0, f"OV-2026/{row}")
        sheet.write_string(row, 1, f"Cliente {row % 97}, Via {row % 13}, Milano")
        sheet.write_number(row, 2, row % 17 + 1)


def test_two_workbooks_closed_at_once_each_zip_at_its_own_level(tmp_path):
    """A workbook zipped at level 5 (`QUICK_ZIP_LEVEL`) closing while another, at XlsxWriter's
    level, closes in another thread: each is deflated at its own level. The level was swapped
    into XlsxWriter's module for the close, so the other workbook, its zip opened meanwhile,
    took level 5 too."""
    import threading

    from toolkit.writers.streaming import QUICK_ZIP_LEVEL, StreamingWorkbook

    quick_open, default_open = threading.Event(), threading.Event()
    patience = 120  # a busy CI

    class Quick(StreamingWorkbook):
        def _get_packager(self):  # called with the zip open
            quick_open.set()
            default_open.wait(patience)
            return super()._get_packager()

    class Default(StreamingWorkbook):
        def _store_workbook(self) -> None:
            assert quick_open.wait(patience)
            super()._store_workbook()

        def _get_packager(self):
            default_open.set()
            return super()._get_packager()

    def write(name: str, kind: type[StreamingWorkbook], level: int | None) -> None:
        with streaming_workbook(tmp_path / name, "report", kind, zip_level=level) as book:
            _rows(book)

    threads = [threading.Thread(target=write, args=("quick.xlsx", Quick, QUICK_ZIP_LEVEL)),
               threading.Thread(target=write, args=("default.xlsx", Default, None))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(patience)
    assert default_open.is_set()
    quick_size, quick_xml = _sheet_zipped(tmp_path / "quick.xlsx")
    default_size, default_xml = _sheet_zipped(tmp_path / "default.xlsx")
    assert quick_xml == default_xml
    assert quick_size == _deflated(quick_xml, 5) != _deflated(quick_xml, 6) == default_size


def test_a_close_failing_half_way_leaves_xlsxwriter_as_it_was(tmp_path):
    """A close at level 5 that fails with its zip open leaves XlsxWriter's module untouched: the
    next workbook at XlsxWriter's level is deflated at 6."""
    import xlsxwriter.workbook

    from toolkit.writers.streaming import QUICK_ZIP_LEVEL, StreamingWorkbook

    class Failing(StreamingWorkbook):
        def _get_packager(self):
            assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile
            raise RuntimeError("packing failed half-way")

    with pytest.raises(RuntimeError, match="packing failed half-way"):
        with streaming_workbook(tmp_path / "failed.xlsx", "report", Failing, zip_level=QUICK_ZIP_LEVEL) as book:
            _rows(book)
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile
    with streaming_workbook(tmp_path / "after.xlsx", "report") as book:
        _rows(book)
    size, xml = _sheet_zipped(tmp_path / "after.xlsx")
    assert size == _deflated(xml, 6)
