"""Rows and cells written without `r` (legal: each follows the one before; some programs write
sheets so) are placed by calamine where the one before ends. The guard counted only the `r` it
read, so a sheet of two million such rows, or a row of ten thousand such cells under a row
1,000, reached calamine unrefused; and a column of four letters and more (`AAAAA7`, column
475,255 to calamine) was no far reference. Each is now counted where calamine places it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from test_guard import _sheet_with, refusal, rezip, xlsx

from toolkit.intake import guard
from toolkit.intake.guard import check_workbook

SHEET = "xl/worksheets/sheet1.xml"


def clienti(tmp_path: Path, rows: str, name: str = "Anagrafiche.xlsx") -> Path:
    return rezip(xlsx(tmp_path / "source.xlsx"), tmp_path / name, {SHEET: _sheet_with(rows, "")})


def test_two_million_rows_without_r_are_refused_at_the_row_calamine_reads_there(tmp_path):
    rows = "<row><c><v>1</v></c></row>" + "<row/>" * 1_999_998 + "<row><c><v>2</v></c></row>"
    problem = refusal(clienti(tmp_path, rows), max_ratio=10**6)  # a real one holds values, not a zip bomb
    assert problem.code == "file-sheet-too-many-rows"
    assert "in its sheet “Clienti” at row 2,000,000, past the last row" in problem.message("en")
    assert "dati alla riga 2.000.000" in problem.message("it")


def test_rows_without_r_after_one_with_r_count_on_from_it(tmp_path):
    """`<row r="1048570">` then seven rows without: the last is row 1,048,577."""
    rows = '<row r="1048570"><c r="A1048570"><v>1</v></c></row>' + "<row><c><v>2</v></c></row>" * 7
    problem = refusal(clienti(tmp_path, rows))
    assert problem.code == "file-sheet-too-many-rows" and "at row 1,048,577, past" in problem.message("en")
    six = rows.removesuffix("<row><c><v>2</v></c></row>")
    assert check_workbook(clienti(tmp_path, six, "six.xlsx")) == "xlsx", "row 1,048,576, the last"


def test_cells_without_r_count_their_columns_into_the_grid(tmp_path):
    """A row of 10,001 cells without `r` and a row 1,000: 1,000 × 10,001 cells from A1, past the
    10 million calamine may be asked for."""
    rows = "<row>" + "<c><v>1</v></c>" * 10_001 + '</row><row r="1000"><c r="A1000"><v>2</v></c></row>'
    problem = refusal(clienti(tmp_path, rows))
    assert problem.code == "file-sheet-too-large"
    assert "cells up to NTQ1000" in problem.message("en") and "10,001,000 cells" in problem.message("en")


@pytest.mark.parametrize("column, number", [("AAAA", 18_279), ("AAAAA", 475_255)])
def test_a_column_of_four_letters_and_more_is_a_far_reference(tmp_path, column, number):
    rows = f'<row r="1"><c r="A1"><v>1</v></c></row><row r="400"><c r="{column}400"><v>2</v></c></row>'
    path = clienti(tmp_path, rows)
    with zipfile.ZipFile(path) as zf:
        assert guard._farthest_cell(zf, SHEET) == (400, number)
    if number * 400 > guard.MAX_SHEET_CELLS:
        assert refusal(path).code == "file-sheet-too-large"


PLACED = {
    "no r": "<row><c><v>1</v></c></row><row><c><v>2</v></c><c t='n'><v>3</v></c></row>",
    "empty rows": "<row/><row></row><row spans=\"1:1\"><c><v>1</v></c></row>",
    "r then none": '<row r="5"><c><v>1</v></c></row><row><c><v>2</v></c></row>',
    "a cell's r in a row without": '<row><c r="C7"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>',
    "r after the others": '<row spans="1:2" r="3"><c s="0" r="B3"><v>1</v></c></row><row><c><v>4</v></c></row>',
    "prefixed": "<x:row><x:c><x:v>1</x:v></x:c></x:row><x:row>\n<x:c\tt=\"n\"><x:v>2</x:v></x:c><x:c><x:v>5</x:v>"
                "</x:c></x:row>",
    "a quoted > and r in a value": '<row><c cm=">" vm="r=\'9\'"><v>1</v></c></row><row><c><v>2</v></c></row>',
    "an r right after a value": '<row r="1"><c r="A1"><v>1</v></c><c r="B2" s="0"r="AJ5"><v>2</v></c></row>',
    "an r after a value, by position": '<row><c><v>1</v></c><c s="0"r="D5"><v>2</v></c><c><v>3</v></c></row>',
    "an r after a form feed": '<row><c s="0"\x0cr="D5"><v>2</v></c><c><v>3</v></c></row>',
    "a row's r after a value": '<row><c><v>1</v></c></row><row s="0"r="6"><c><v>2</v></c></row><row><c><v>3</v></c></row>',
    "a name a slash begins": '<row><c><v>1</v></c></row><row><c s="0"/x="1"><v>2</v></c><c><v>3</v></c></row>',
    "a < in a tag": '<row><c><v>1</v></c></row><row x<="1"><c x<="1"><v>2</v></c><c><v>3</v></c></row><row/>'
                    '<row><c><v>4</v></c></row>',
    "a prefix holding quotes": """<row><c><v>1</v></c></row><x'a':row><x'a':c><v>2</v></x'a':c><x"b":c><v>3</v>"""
                               """</x"b":c><x">":c r="E2"><v>4</v></x">":c></x'a':row><x'':row><c><v>5</v></c></x'':row>""",
}
"""The six before the last read as calamine reads attributes (`tests/test_guard_attributes_unspaced.py`)."""


@pytest.mark.parametrize("chunk", [7, 64, 4 * 2**20])
@pytest.mark.parametrize("case", list(PLACED))
def test_the_guard_places_rows_and_cells_where_calamine_reads_them(tmp_path, monkeypatch, case, chunk):
    """Sheets whose every row and cell holds a value: the guard's farthest row and column are
    those of calamine's grid, whatever the chunks' ends cut."""
    data = _sheet_with(PLACED[case], "")
    if case == "prefixed":
        data = (data.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=").replace(b"<sheetData>", b"<x:sheetData>")
                .replace(b"</sheetData></worksheet>", b"</x:sheetData></x:worksheet>"))
    path = rezip(xlsx(tmp_path / "source.xlsx"), tmp_path / "Anagrafiche.xlsx", {SHEET: data})
    read = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Clienti")
    monkeypatch.setattr(guard, "_CHUNK", chunk)
    monkeypatch.setattr(guard, "_SMALL_PACKAGE", -1)
    with zipfile.ZipFile(path) as zf:
        assert guard._farthest_cell(zf, SHEET) == (read.end[0] + 1, read.end[1] + 1)
    assert check_workbook(path) == "xlsx"


@pytest.mark.parametrize("prefix", ["x'a'", 'x"a"', 'x">"'])
def test_a_far_cell_whose_name_has_a_prefix_holding_quotes_is_refused(tmp_path, prefix):
    """quick-xml checks no tag name and calamine reads any name whose first colon leaves `c` as a
    cell, `<x'a':c r="XFD1048576">` too; the count by position (which a cell without `r`, or any
    prefixed end tag, sends a sheet to) read a prefix without quotes only, skipped it, and the
    sheet passed: calamine would have built a grid of 17 billion cells."""
    rows = f'<row><c><v>1</v></c></row><row><{prefix}:c r="XFD1048576"><v>2</v></{prefix}:c></row>'
    problem = refusal(clienti(tmp_path, rows))
    assert problem.code == "file-sheet-too-large"
    assert "XFD1048576" in problem.message("en") and "“Clienti”" in problem.message("en")


BUTTON = ('<controls><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
          '<mc:Choice Requires="x14"><control shapeId="1025" r:id="rId3" name="Button 1"><controlPr defaultSize="0"'
          ' autoPict="0" macro="[0]!Crea"><anchor moveWithCells="1"><from><xdr:col>1</xdr:col><xdr:colOff>0'
          '</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></from><to><xdr:col>3</xdr:col><xdr:colOff>0'
          '</xdr:colOff><xdr:row>3</xdr:row><xdr:rowOff>0</xdr:rowOff></to></anchor></controlPr></control>'
          '</mc:Choice></mc:AlternateContent></controls>')
"""A form button as Excel saves it in the sheet's XML, after its rows: its anchor's `<xdr:row>`
is no row of the sheet (calamine stops at `</sheetData>`)."""


@pytest.mark.parametrize("chunk", [7, 64, 4 * 2**20])
def test_a_button_after_the_last_row_is_no_row(tmp_path, monkeypatch, chunk):
    """A sheet filled down to row 1,048,576, the last, with a button Excel saved after its rows:
    the button's `<xdr:row>` (read as a row without `r`) was counted as rows 1,048,577 and
    1,048,578, and the file refused for data past the last row, which calamine reads whole."""
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576" spans="1:2"><c r="B1048576"><v>2</v></c></row>'
    path = _with_button(tmp_path, rows)
    read = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Clienti")
    assert read.end == (1_048_575, 1)
    monkeypatch.setattr(guard, "_CHUNK", chunk)
    monkeypatch.setattr(guard, "_SMALL_PACKAGE", -1)
    with zipfile.ZipFile(path) as zf:
        assert guard._farthest_cell(zf, SHEET) == (1_048_576, 2)
    assert check_workbook(path) == "xlsx"


def _with_button(tmp_path: Path, rows: str) -> Path:
    data = _sheet_with(rows, "").replace(b"</sheetData>", b"</sheetData>" + BUTTON.encode()).replace(
        b"<worksheet xmlns=", b'<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        b'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns=')
    return rezip(xlsx(tmp_path / "source.xlsx"), tmp_path / "Anagrafiche.xlsx", {SHEET: data})


def test_a_button_sends_no_sheet_to_the_count_by_position(tmp_path, monkeypatch):
    """Only a cell without `r` lands where no reference says (a cell with `r` is where it says,
    whatever the rows before): a sheet whose rows and cells all begin with `r` is not counted
    by position for a button's `<xdr:row>`, which sent it there, 0.6 s to 4 s of CPU on the
    L benchmark's largest sheet with a button."""
    rows = "".join(f'<row r="{r}" spans="1:2"><c r="A{r}" t="n"><v>{r}</v></c></row>' for r in range(1, 50))
    counted: list[object] = []
    monkeypatch.setattr(guard, "_placed_extent", lambda *asked: counted.append(asked) or (1, 1))
    assert check_workbook(_with_button(tmp_path, rows)) == "xlsx" and counted == []


@pytest.mark.parametrize("chunk", [1024, 4096])
@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_tag_too_long_to_carry_is_read_past_as_calamine_reads_it(tmp_path, monkeypatch, chunk, quote):
    """A tag longer than the guard carries from one chunk into the next (`_CARRIED_TAG`) was
    dropped, and the next chunk read from inside its value: a `<y '` there opened a tag and a
    quote no later byte closed, and the far cell after the tag went uncounted."""
    other = "'" if quote == '"' else '"'
    value = "z" * chunk + f"<y {other}" + "z" * 10
    rows = (f"<row><c><v>1</v></c></row><x a={quote}{value}{quote} >"
            '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>')
    monkeypatch.setattr(guard, "_CHUNK", chunk)
    monkeypatch.setattr(guard, "_CARRIED_TAG", 16)
    monkeypatch.setattr(guard, "_SMALL_PACKAGE", -1)
    with zipfile.ZipFile(clienti(tmp_path, rows)) as zf:
        assert guard._farthest_cell(zf, SHEET) == (1_048_576, 16_384)
