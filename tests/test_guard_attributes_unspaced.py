"""calamine reads a tag's attributes its own way (calamine 0.37, `attrs::RawAttrIter`): a name
runs from after the value before, past any ASCII blank (a form feed among them), to its `=`.
So `<c s="0"r="XFD1048576">`, no blank before `r`, is a cell in XFD1048576, and
`<c s="0"/x="1">` or `<c x<="1">` (quick-xml reads a tag to its first `>` outside quotes) a cell
without `r`, placed after the one before. The guard read an `r` only
after one of XML's four blanks and a tag's attributes only when blanks parted them: such a cell
beside one in A1 went uncounted, and calamine asked for 512 GiB and aborted the process."""

from __future__ import annotations

import pytest
from test_guard import refusal
from test_guard_placed_rows import clienti

from toolkit.intake import guard

A1 = '<row r="1"><c r="A1"><v>1</v></c></row>'
FAR = {
    "an r after a value, counted by reference": '<row r="2"><c r="B2" s="0"r="XFD1048576"><v>2</v></c></row>',
    "an r after a value, counted by position": '<row><c s="0"r="XFD1048576"><v>2</v></c></row>',
    "an r after a form feed, counted by position": '<row><c s="0"\x0cr="XFD1048576"><v>2</v></c></row>',
    "a row's r after a value": '<row s="0"r="1048576"><c><v>2</v></c><c r="XFD1"><v>3</v></c></row>',
    "cells whose names a slash begins": '<row r="1048576">' + '<c s="0"/x="1"><v>2</v></c>' * 16_384 + "</row>",
    "cells a < in a name": '<row r="1048576">' + '<c x<="1"><v>2</v></c>' * 16_384 + "</row>",
}


@pytest.mark.parametrize("chunk", [7, 4 * 2**20])
@pytest.mark.parametrize("case", list(FAR))
def test_a_far_cell_as_calamine_reads_its_attributes_is_refused(tmp_path, monkeypatch, case, chunk):
    monkeypatch.setattr(guard, "_CHUNK", chunk)
    problem = refusal(clienti(tmp_path, A1 + FAR[case]), max_ratio=10**6)
    assert problem.code == "file-sheet-too-large"
    assert "XFD1048576" in problem.message("en") and "“Clienti”" in problem.message("en")
