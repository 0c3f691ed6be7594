"""The error cells' search takes its marks from the guard's own pass over the sheets
(`sheet_clearance.SheetClearance.holds_errors`): a workbook is inflated once for both, and what
is found is what the search on its own finds, sheet by sheet."""

from __future__ import annotations

from pathlib import Path
from threading import Event

import pytest
from test_error_cells import with_errors
from test_uncomputed_formulas import saved_by_openpyxl, with_cell_xml

from toolkit.intake import error_cells
from toolkit.intake.error_cells import ErrorMarks, _each_sheets_errors, _may_hold_errors
from toolkit.intake.sheet_clearance import SheetClearance
from toolkit.intake.sources import read_sheets


def _books(sample: Path, folder: Path) -> list[Path]:
    return [
        sample,
        with_errors(sample, folder / "errors.xlsx", ("Clienti", "R3", "NA()", "#N/A"),
                    ("Righe modello", "D2", "1/0", "#DIV/0!")),
        saved_by_openpyxl(sample, folder / "uncomputed.xlsx", ("Clienti", "R3", "=5000*2")),
        with_cell_xml(sample, folder / "quoted.xlsx", "Articoli", "B2", "<c r='B2' t='e'><v>#REF!</v></c>"),
        with_cell_xml(sample, folder / "shared.xlsx", "Prezzi", "D2",
                      '<c r="D2"><f t="shared" ref="D2:D9" si="0">18.5*0.9</f></c>'),
        with_cell_xml(sample, folder / "computed.xlsx", "Prezzi", "D2",
                      '<c r="D2" t="str"><f>IF(TRUE,"","x")</f><v></v></c>'),
    ]


def test_the_sheets_read_carry_the_error_cells_the_search_alone_finds(tmp_path, sample_workbook):
    shown = []
    for book in _books(sample_workbook, tmp_path):
        read = {sheet.name: sheet.errors for sheet in read_sheets(book)}
        alone = {name: cells for name, (cells, *_) in _each_sheets_errors(book, list(read), Event())}
        assert read == {name: alone.get(name, ()) for name in read}, book.name
        shown.append(sorted((name, cells) for name, cells in read.items() if cells))
    assert shown == [
        [], [("Clienti", ((3, 18, "#N/A"),)), ("Righe modello", ((2, 4, "#DIV/0!"),))],
        [("Clienti", ((3, 18, "=5000*2"),))], [("Articoli", ((2, 2, "#REF!"),))], [("Prezzi", ((2, 4, "=18.5*0.9"),))],
        [],
    ]


def test_no_sheet_is_inflated_again_to_look_for_error_marks(tmp_path, sample_workbook, monkeypatch):
    """The guard clears each sheet part before calamine reads it, inflating it: the error cells'
    search asks it what it saw, and parses only a part holding a mark."""
    searched: list[str] = []
    monkeypatch.setattr(error_cells, "_may_hold_errors", lambda zf, part, *a, **k: searched.append(part))
    cleared: list[SheetClearance] = []
    made = SheetClearance.__init__

    def noted(self, *args, **kwargs):
        made(self, *args, **kwargs)
        cleared.append(self)

    monkeypatch.setattr(SheetClearance, "__init__", noted)
    book = with_errors(sample_workbook, tmp_path / "errors.xlsx", ("Clienti", "R3", "NA()", "#N/A"))
    read = {sheet.name: sheet.errors for sheet in read_sheets(book)}
    assert cleared and searched == []
    assert read["Clienti"] == ((3, 18, "#N/A"),)


@pytest.mark.parametrize("text", [
    b'<c r="A1"><v>1</v></c>', b'<c r="A1" t="e"><v>#N/A</v></c>', b"<c r='A1' t='e'><v>#N/A</v></c>",
    b"<c r='A1' t='n'><v>1</v></c>", b'<c r="A1"><f>B1*2</f></c>', b'<x:c r="A1"><x:f>B1</x:f><x:v/></x:c>',
    b'<c r="A1"><f t="shared" si="0"/></c>', b'<c r="A1"><f>B1</f><v>2</v></c>', b'<c r="A1" t="str"><f>B1</f>',
    b"it's <c r='A1'><f>B1</f><v>3</v></c>",
])
def test_error_marks_tell_a_chunk_as_the_search_on_its_own_does(text, tmp_path):
    import zipfile

    book = tmp_path / "part.zip"
    with zipfile.ZipFile(book, "w") as zf:
        zf.writestr("sheet.xml", text)
    marks = ErrorMarks()
    marks.look(text)
    with zipfile.ZipFile(book) as zf:
        assert marks.found == _may_hold_errors(zf, "sheet.xml", error_cells._ERROR_TYPE, Event(), formulas=True)


PIECES = (b't="e"', b"t='e'", b"t=", b'"e"', b"'", b'"', b"e", b"</f>", b"<f>", b"</f", b"f>", b"<v/>", b"<v>", b"</v>",
          b"</c>", b"<c>", b" ", b"\n", b"x:", b"</x:f>", b"\xc3\xa0", b"\xa0", b"A1")


@pytest.mark.parametrize("seed", range(4))
def test_error_marks_tell_random_chunks_as_the_three_substring_searches_do(seed):
    """`ErrorMarks` looks for its literals in the text first (`guard.found_in`) and searches the
    bytes only where one is: on chunks made of the marks' pieces, the same answer as `_marked`
    on the bytes alone, the search it stands for."""
    import random

    rng = random.Random(seed)
    found = 0
    for _ in range(4000):
        text = b"".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
        marks = ErrorMarks()
        marks.look(text)
        want = error_cells._marked(text, error_cells._ERROR_TYPE, True)
        assert marks.found == want, text
        found += want
    assert 100 < found < 3900
