"""A notes cell stays one cell: a note holding a comma, a semicolon or a line break is not split
into two values or two rows, in a file of one column and in a file whose lines end in CR alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.intake.tables import read_csv, text_rows


@pytest.mark.parametrize("note", ["consegnare al retro, piano 2", "al retro; piano 2", "A, B"])
def test_a_list_of_notes_keeps_a_note_holding_a_separator_whole(tmp_path: Path, note: str):
    """Excel writes a `;` file's `A, B` unquoted (and an English `,` file's `A; B`): in a file of
    one column under *Note* such a note was split in two, `A` and ` B`, the file sniffed as `,`."""
    path = tmp_path / "note.csv"
    path.write_text(f"Note\n{note}\nchiamare prima\n\nportone verde\n", encoding="utf-8")
    expected = [["Note"], [note], ["chiamare prima"], ["portone verde"]]
    assert [list(row) for row in read_csv(path).sheets[0].rows] == [*expected[:3], [None], expected[3]]
    assert [row for row in text_rows(path) if row] == expected


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r", ""])
@pytest.mark.parametrize("note", ["A, B", "al retro; piano 2"])
def test_a_file_of_one_note_keeps_it_whole(tmp_path: Path, note: str, ending: str):
    """One note under *Note*: with no line beside it holding no separator, its spaced comma was
    taken for a table's, written by hand, and the note split in two, `A` and ` B`."""
    path = tmp_path / "nota.csv"
    path.write_text(f"Note{ending or chr(10)}{note}{ending}", encoding="utf-8", newline="")
    assert [list(row) for row in read_csv(path).sheets[0].rows] == [["Note"], [note]]
    assert [row for row in text_rows(path) if row] == [["Note"], [note]]


def test_a_title_over_a_table_is_still_read_by_the_table(tmp_path: Path):
    path = tmp_path / "listino.csv"
    path.write_text("Listino 2026\n\nCodice;Note;Prezzo\nA1;al retro, piano 2;1,50\nA2;;2,00\n", encoding="utf-8")
    rows = [list(row) for row in read_csv(path).sheets[0].rows]
    assert rows[2:] == [["Codice", "Note", "Prezzo"], ["A1", "al retro, piano 2", 1.5], ["A2", None, 2]]
    path.write_text("Prices\ncode, price\nA1, 12.50\n", encoding="utf-8")
    assert [list(row) for row in read_csv(path).sheets[0].rows] == [["Prices", None], ["code", " price"], ["A1", 12.5]]


def test_an_old_macs_file_keeps_a_note_over_two_lines_in_one_cell(tmp_path: Path):
    """Lines ending in CR alone (Excel for Mac's *CSV (Macintosh)*), a note with a line break in
    it: `text_rows` (ship --quantities, payments import) refused the file as unreadable, where
    `read_csv` read it."""
    path = tmp_path / "incassi.csv"
    path.write_bytes(b'Fattura;Importo;Note\rFT-1;12,50;"bonifico\nparziale"\rFT-2;3,00;\r')
    expected = [["Fattura", "Importo", "Note"], ["FT-1", "12,50", "bonifico\nparziale"], ["FT-2", "3,00", ""]]
    assert text_rows(path) == expected
    assert [list(row)[2] for row in read_csv(path).sheets[0].rows] == ["Note", "bonifico\nparziale", None]
