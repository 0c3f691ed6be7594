"""A text cell naming a shared string past the end of `xl/sharedStrings.xml` (a file cut short,
or written by a program that lost count): calamine gives up the sheet saying only that an index
is missing, and the desk was told the whole workbook was damaged, to save it again, not where.
The refusal names the sheet and the cell, with the index and how many strings the list holds."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from test_guard import rezip

from toolkit.basics.problems import UnusableInput
from toolkit.intake import shared_strings
from toolkit.intake.sources import read_workbook


def _past_the_list(tmp_path: Path, index: int = 99) -> Path:
    """*Clienti* and *Articoli*, their five texts shared; Clienti!B2 («Bar», string 3) names `index`."""
    source = tmp_path / "source.xlsx"
    book = xlsxwriter.Workbook(str(source))
    book.add_worksheet("Clienti").write_row(0, 0, ["Codice", "Ragione sociale"])
    book.get_worksheet_by_name("Clienti").write_row(1, 0, ["C001", "Bar"])
    book.add_worksheet("Articoli").write_row(0, 0, ["Codice"])
    book.get_worksheet_by_name("Articoli").write_row(1, 0, ["A001"])
    book.close()
    with zipfile.ZipFile(source) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    broken = sheet.replace(b'<c r="B2" t="s"><v>3</v></c>', f'<c r="B2" t="s"><v>{index}</v></c>'.encode())
    assert broken != sheet
    return rezip(source, tmp_path / "Anagrafiche.xlsx", {"xl/worksheets/sheet1.xml": broken})


@pytest.mark.parametrize("chunk", [3, 2**20])
def test_a_cell_past_the_shared_strings_is_named_with_its_sheet(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(shared_strings, "_CHUNK", chunk)
    with pytest.raises(UnusableInput) as refused:
        list(read_workbook(_past_the_list(tmp_path)).sheets)
    problem = refused.value.problem
    assert (problem.code, problem.sheet, problem.cell) == ("file-shared-string-missing", "Clienti", "B2")
    assert problem.message("it").startswith("La cella rimanda al testo n. 100 dell'elenco dei testi del file, "
                                            "che ne ha solo 5: il file è danneggiato")
    assert "check this cell" in problem.message("en") and "which holds only 5" in problem.message("en")


def test_the_command_line_names_the_cell_writes_nothing_and_shows_no_traceback(tmp_path):
    path = _past_the_list(tmp_path, 5)
    report = tmp_path / "controllo.xlsx"
    done = subprocess.run([sys.executable, "-m", "toolkit", "check", str(path), "--report", str(report)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Clienti!B2: La cella rimanda al testo n. 6 dell'elenco dei testi del file, che ne ha solo 5" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not report.exists()


@pytest.mark.parametrize("strings", [("Bar", "Pane"), None])
def test_an_xlsb_cell_past_the_shared_strings_is_named_with_its_sheet(tmp_path, strings):
    """calamine's .xlsb reader takes a BrtCellIsst's string by its index unchecked and panics
    («index out of bounds: the len is 2 but the index is 9»), which was told as the whole file
    damaged (file-unreadable), no sheet, no cell: named as the .xlsx's, B2 of «Regole»; with no
    strings part at all, its first cell naming string 0 is past an empty list."""
    import struct

    from test_binary_cells import cell, record, row, wide, xlsb

    index = 9 if strings else 0
    sheet = (row(0) + cell(6, 0, 0, wide("Codice")) + cell(5, 1, 0, struct.pack("<d", 1.0))
             + row(1) + cell(7, 0, 0, struct.pack("<L", 0 if strings else 5)) + cell(7, 1, 0, struct.pack("<L", index)))
    path = xlsb(tmp_path / "regole.xlsb", sheet)
    if strings:
        items = b"".join(record(19, b"\0" + wide(text)) for text in strings)
        with zipfile.ZipFile(path, "a") as z:
            z.writestr("xl/sharedStrings.bin", record(159, struct.pack("<LL", 2, 2)) + items + record(160))
    with pytest.raises(UnusableInput) as refused:
        list(read_workbook(path).sheets)
    problem = refused.value.problem
    assert (problem.code, problem.sheet, problem.cell) == ("file-shared-string-missing", "Regole", "B2" if strings else "A2")
    count = len(strings or ())
    assert problem.message("it").startswith(f"La cella rimanda al testo n. {index + 1 if strings else 6} dell'elenco "
                                            f"dei testi del file, che ne ha solo {count}: il file è danneggiato")


def test_an_xlsb_whose_list_says_fewer_strings_than_it_holds_is_counted_as_the_reader_counts_it(tmp_path):
    """A program that lost count writes BrtBeginSst saying 2 strings and three BrtSSTItem after
    it: calamine reads the 2 it was told, and panics at a cell naming the third («the len is 2
    but the index is 2»); the strings counted to BrtEndSst were 3, no cell was found past them,
    and the file was told damaged with no sheet or cell."""
    import struct

    from test_binary_cells import cell, record, row, wide, xlsb

    sheet = (row(0) + cell(6, 0, 0, wide("Codice")) + cell(5, 1, 0, struct.pack("<d", 1.0))
             + row(1) + cell(7, 0, 0, struct.pack("<L", 0)) + cell(7, 1, 0, struct.pack("<L", 2)))
    path = xlsb(tmp_path / "regole.xlsb", sheet)
    items = b"".join(record(19, b"\0" + wide(text)) for text in ("Bar", "Pane", "Latte"))
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.bin", record(159, struct.pack("<LL", 2, 2)) + items + record(160))
    with pytest.raises(UnusableInput) as refused:
        list(read_workbook(path).sheets)
    problem = refused.value.problem
    assert (problem.code, problem.sheet, problem.cell) == ("file-shared-string-missing", "Regole", "B2")
    assert problem.message("it").startswith("La cella rimanda al testo n. 3 dell'elenco dei testi del file, "
                                            "che ne ha solo 2: il file è danneggiato")
