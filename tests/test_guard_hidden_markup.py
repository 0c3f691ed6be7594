"""Comments, CDATA sections and processing instructions hide their text from calamine's XML
reader: a row written in one is no row, an `</sheetData>` in one no end of the rows. The guard
searched the sheet's bytes, so it refused a sheet of two rows for a far row in a comment, and
stopped counting at an `</sheetData>` in one where calamine reads on: a cell in XFD1048576
after `<!-- </sheetData> -->` reached calamine, which asks for a grid of 17 billion cells."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from test_guard import _sheet_with, refusal, rezip, xlsx

from toolkit.intake import guard
from toolkit.intake.guard import check_workbook

SHEET = "xl/worksheets/sheet1.xml"
FIRST = '<row r="1"><c r="A1"><v>1</v></c></row>'
FAR_ROW = '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'


def clienti(tmp_path: Path, rows: str) -> Path:
    return rezip(xlsx(tmp_path / "source.xlsx"), tmp_path / "Anagrafiche.xlsx", {SHEET: _sheet_with(rows, "")})


@pytest.mark.parametrize("chunk", [3, 7, 64, 2**20])
@pytest.mark.parametrize("hidden, read", [
    pytest.param(f"<!-- {FAR_ROW} -->", [[1.0]], id="comment"),
    pytest.param(f'<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[{FAR_ROW}]]></t></is></c></row>',
                 [[1.0], [FAR_ROW]], id="cdata"),
    pytest.param(f"<?note {FAR_ROW} ?>", [[1.0]], id="processing-instruction"),
    pytest.param(f"<row><c><v>1</v></c><!-- {FAR_ROW} --></row>", [[1.0], [1.0]], id="comment-without-r"),
])
def test_a_far_row_calamine_does_not_read_is_not_counted(tmp_path, monkeypatch, chunk, hidden, read):
    monkeypatch.setattr(guard, "_CHUNK", chunk)
    path = clienti(tmp_path, FIRST + hidden)
    assert check_workbook(path) == "xlsx"
    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python() == read


@pytest.mark.parametrize("chunk", [3, 7, 64, 2**20])
@pytest.mark.parametrize("end", ["<!-- </sheetData> -->", "<![CDATA[</sheetData>]]>", "<?x </sheetData> ?>"])
def test_rows_after_an_end_of_rows_calamine_does_not_read_are_counted(tmp_path, monkeypatch, chunk, end):
    """A cell without `r` sends the sheet to the count by position, which stops at `</sheetData>`;
    calamine reads the rows after this one (a cell in B5 here, shown read), so the guard counts them."""
    monkeypatch.setattr(guard, "_CHUNK", chunk)
    near = clienti(tmp_path, f"<row><c><v>1</v></c></row>{end}" + '<row r="5"><c r="B5"><v>7</v></c></row>')
    assert CalamineWorkbook.from_path(str(near)).get_sheet_by_index(0).to_python()[4] == ["", 7.0]
    problem = refusal(clienti(tmp_path, f"<row><c><v>1</v></c></row>{end}{FAR_ROW}"))
    assert problem.code == "file-sheet-too-large"
    assert "XFD1048576" in problem.message("en") and "“Clienti”" in problem.message("en")


@pytest.mark.parametrize("seed", range(20))
def test_hidden_markup_is_cut_the_same_wherever_the_pieces_end(seed):
    rng = random.Random(seed)
    parts = ["<row>", "<c r='A1'><v>1</v></c>", "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>", "</row>",
             "<", "!", "-", "]", ">", "text", "</sheetData>"]
    xml = "".join(rng.choice(parts) for _ in range(60)).encode()
    cuts = sorted(rng.sample(range(1, len(xml)), 12))
    pieces = [xml[a:b] for a, b in zip([0, *cuts], [*cuts, len(xml)], strict=True)]
    assert b"".join(guard._unhidden(pieces)) == b"".join(guard._unhidden([xml]))
    assert b"".join(guard._unhidden([b"a<!--<row>-->b<![CDATA[<c>]]>c<?p </sheetData>?>d<!-- open"])) == b"abcd"


@pytest.mark.parametrize("chunk", [3, 7, 64, 2**20])
@pytest.mark.parametrize("opening", ["<!--", "<![CDATA[", "<?"])
@pytest.mark.parametrize("tag", ['<c r="A2" x="{}"><v>2</v></c>', "<c r='A2' x='{}'/>", '<c r="A2"/></row x="{}"><row r="3">'])
def test_an_opening_in_a_quoted_value_hides_nothing(tmp_path, monkeypatch, chunk, opening, tag):
    """quick-xml reads a tag to its first `>` outside quotes, so an `<!--` in an attribute's value
    opens no comment (calamine reads C40 after it, shown); hiding from there hid the far row."""
    monkeypatch.setattr(guard, "_CHUNK", chunk)
    row = '<row r="2">' + tag.format(opening) + "</row>"
    near = clienti(tmp_path, FIRST + row + '<row r="40"><c r="C40"><v>3</v></c></row>')
    assert CalamineWorkbook.from_path(str(near)).get_sheet_by_index(0).to_python()[39] == ["", "", 3.0]
    problem = refusal(clienti(tmp_path, FIRST + row + FAR_ROW))
    assert problem.code == "file-sheet-too-large" and "XFD1048576" in problem.message("en")


@pytest.mark.parametrize("chunk", [3, 7, 64, 2**20])
def test_a_comment_in_a_doctype_hides_nothing(tmp_path, monkeypatch, chunk):
    """quick-xml reads a DOCTYPE to its own end, so an `<!--` in one opens no comment: calamine
    reads C40 after the DOCTYPE's end, before the `-->`. Past the head the guard reads for a DTD."""
    monkeypatch.setattr(guard, "_CHUNK", chunk)
    doctype = f"<!-- {'x' * 5000} --><!DOCTYPE a <!-- > >"
    near = clienti(tmp_path, FIRST + doctype + '<row r="40"><c r="C40"><v>3</v></c></row> -->')
    assert CalamineWorkbook.from_path(str(near)).get_sheet_by_index(0).to_python()[39] == ["", "", 3.0]
    assert refusal(clienti(tmp_path, FIRST + doctype + FAR_ROW + " -->")).code == "file-sheet-too-large"


@pytest.mark.parametrize("seed", range(20))
def test_quoted_values_are_read_the_same_wherever_the_pieces_end(seed):
    rng = random.Random(seed)
    parts = ['<c r="A1" x="', "<row a='", '"', "'", ">", "<!--", "-->", "<?", "?>", "<![CDATA[", "]]>", "<", "!",
             "D", "text", "</row>", "/>"]
    xml = "".join(rng.choice(parts) for _ in range(80)).encode()
    cuts = sorted(rng.sample(range(1, len(xml)), 15))
    pieces = [xml[a:b] for a, b in zip([0, *cuts], [*cuts, len(xml)], strict=True)]
    assert b"".join(guard._unhidden(pieces)) == b"".join(guard._unhidden([xml]))
    assert b"".join(guard._unhidden([b"<c x='<!--'>a<!-- b -->c</c y=\"<?\">d<?p?>e"])) == (
        b"<c x='<!--'>ac</c y=\"<?\">de")
