"""Hostile files through the command line: each is refused with exit code 2 and a message that
says what is wrong (the sheet and the far cell, the sheet count, the unzipped size), before
python-calamine runs, and the process's peak memory stays under 500 MiB.

Each file is a few KB on disk and would cost calamine gigabytes (a grid to XFD1048576 is 17
billion cells): a value in the last cell, a dimension that lies or is missing, 201 sheets, a
package that inflates past 256 MB, a zip bomb.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from test_guard import legacy_xls, rezip, write_ods, xlsx

PEAK_WRAPPER = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "toolkit", "check", "--json", sys.argv[1]], capture_output=True, text=True)
print(done.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(done.stdout + done.stderr)
"""

PEAK_MIB = 500

SHEET = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         '{dimension}<sheetData><row r="1"><c r="A1"><v>1</v></c></row>{rows}</sheetData></worksheet>')


def cli_check(path: Path) -> tuple[int, int, str]:
    """`toolkit check FILE` in a fresh process: exit code, peak memory in MiB, and its output."""
    done = subprocess.run([sys.executable, "-c", PEAK_WRAPPER, str(path)], capture_output=True, text=True,
                          timeout=300, check=True)
    code, peak_kib, output = done.stdout.split("\n", 2)
    return int(code), int(peak_kib) // 1024, output


def xlsxwriter_book(path: Path, fill: Callable) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    fill(book)
    book.close()
    return path


def clienti(dimension: str = "", rows: str = "") -> Callable[[Path], Path]:
    """A real workbook whose sheet *Clienti* is replaced by this XML."""
    def build(t: Path) -> Path:
        sheet = SHEET.format(dimension=dimension, rows=rows).encode()
        return rezip(xlsx(t / "source.xlsx"), t / "Anagrafiche.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    return build


def zip_bomb(t: Path) -> Path:
    """A real workbook plus a sheet of 200 MB of zeros, written as a stream: about 200 KB on disk."""
    path = xlsx(t / "Anagrafiche.xlsx")
    zeros = bytes(2**20)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/worksheets/sheet2.xml", "w") as out:
        for _ in range(200):
            out.write(zeros)
    return path


FAR = "esaurirebbe la memoria"

ODS_VALUE = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'


def ods_repeated(t: Path) -> Path:
    """A table of one value in A1, a million repeated empty rows, and one value far right."""
    return write_ods(t / "Anagrafiche.ods", tables=(
        f'<table:table table:name="Clienti"><table:table-row>{ODS_VALUE}</table:table-row>'
        '<table:table-row table:number-rows-repeated="1048574"><table:table-cell/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="16383"/>{ODS_VALUE}'
        "</table:table-row></table:table>"))

HOSTILE = [
    pytest.param(lambda t: xlsxwriter_book(t / "Anagrafiche.xlsx",
                                           lambda b: b.add_worksheet("Clienti").write("XFD1048576", 1)),
                 (FAR, "«Clienti»", "XFD1048576"), id="far-cell"),
    pytest.param(clienti('<dimension ref="A1:XFD1048576"/>', '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'),
                 (FAR, "«Clienti»", "XFD1048576"), id="declared-dimension"),
    pytest.param(clienti('<dimension ref="A1"/>', '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'),
                 (FAR, "«Clienti»", "XFD1048576"), id="lying-dimension"),
    pytest.param(clienti("", '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'),
                 (FAR, "«Clienti»", "XFD1048576"), id="no-dimension"),
    pytest.param(clienti('<dimension ref="A1"/>', "<row r = '9'><c r = 'xfd9'><v>2</v></c></row>"
                                                  "<row r='1048576'><c r='a1048576'><v>3</v></c></row>"),
                 (FAR, "«Clienti»", "XFD1048576"), id="lying-dimension-odd-quotes"),
    pytest.param(clienti('<dimension ref="A1:J2"/>', '<row r="2"><c r="J2"><v>2</v></c></row>'
                                                     '<row r="1048576"><c r="B1048576"><v>3</v></c></row>'),
                 (FAR, "«Clienti»", "J1048576"), id="far-row-ten-columns"),
    pytest.param(legacy_xls, (FAR, "«Clienti»", "IV65536"), id="xls-far-cell"),
    pytest.param(lambda t: legacy_xls(t, 700, 16383), (FAR, "«Clienti»", "XFD701"), id="xls-column-past-biff8"),
    pytest.param(ods_repeated, (FAR, "«Clienti»", "XFD1048576"), id="ods-repeated-rows"),
    pytest.param(lambda t: xlsxwriter_book(t / "Anagrafiche.xlsx",
                                           lambda b: [b.add_worksheet().write("A1", i) for i in range(201)]),
                 ("201 fogli",), id="many-sheets"),
    pytest.param(lambda t: rezip(xlsx(t / "source.xlsx"), t / "Anagrafiche.xlsx", {
        f"xl/media/pad{i}.bin": bytes(9 * 2**20) for i in range(30)}), ("una volta decompresso",),
                 id="inflated-total"),
    pytest.param(zip_bomb, ("una volta decompresso", "200 MB"), id="zip-bomb"),
]


@pytest.mark.parametrize("build, words", HOSTILE)
def test_hostile_file_is_refused_in_bounded_memory(tmp_path, build, words, figures):
    path = build(tmp_path)
    assert path.stat().st_size < 2 * 2**20
    exit_code, peak_mib, output = cli_check(path)
    hostile = figures("hostile")
    hostile.add(files=1, refused=int(exit_code == 2))
    hostile.peak(peak_mib=peak_mib)
    assert exit_code == 2, output
    for word in words:
        assert word in output, output
    assert "Traceback" not in output and "panicked" not in output, output
    assert peak_mib <= PEAK_MIB, f"peak {peak_mib} MiB"


def test_a_sheet_declaring_the_whole_sheet_over_a_few_rows_is_read_in_bounded_memory(tmp_path):
    """`<dimension ref="A1:XFD1048576">` over one row, as some generators write the whole sheet:
    calamine takes no memory by a declared range, so the file is read, not refused, and the
    process stays as small as for any small workbook."""
    path = clienti('<dimension ref="A1:XFD1048576"/>')(tmp_path)
    exit_code, peak_mib, output = cli_check(path)
    assert exit_code != 2 and FAR not in output and "Traceback" not in output, output
    assert peak_mib <= PEAK_MIB, f"peak {peak_mib} MiB"
