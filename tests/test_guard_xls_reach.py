"""An .xls is bounded by what calamine keeps of it: each sheet's grid, from its first row and
column holding a value to the farthest cell holding one, every sheet's at once (it reads them
all on opening the file), and the room it reserves for a sheet's DIMENSIONS range, on its own."""

from __future__ import annotations

import struct
from pathlib import Path

from test_guard import biff, refusal, write_cfb, write_ods

from toolkit.intake.guard import check_workbook
from toolkit.intake.sources import read_workbook

BOF = struct.pack("<HHHHLL", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0)


def number(row: int, column: int, value: float = 1.0) -> bytes:
    return biff(0x0203, struct.pack("<HHHd", row, column, 15, value))


def blanks(row: int, first: int, last: int) -> bytes:
    """A MULBLANK: cells `first` to `last` of `row` formatted and empty."""
    return biff(0x00BE, struct.pack("<HH", row, first) + struct.pack("<H", 15) * (last - first + 1)
                + struct.pack("<H", last))


def dimensions(first_row: int, last_row: int, first_column: int, last_column: int) -> bytes:
    """BIFF8's DIMENSIONS: rows and columns 0-based, the last ones one past the range."""
    return biff(0x0200, struct.pack("<LLHHH", first_row, last_row, first_column, last_column, 0))


def xls(path: Path, sheets: dict[str, bytes]) -> Path:
    """A BIFF8 .xls of these sheets, each the records between its BOF and EOF."""
    head = biff(0x0809, BOF)
    at = len(head) + sum(len(biff(0x0085, bytes(8 + len(n)))) for n in sheets) + len(biff(0x000A))
    listed, bodies = b"", b""
    for name, records in sheets.items():
        listed += biff(0x0085, struct.pack("<LBBBB", at, 0, 0, len(name), 0) + name.encode())
        body = biff(0x0809, BOF[:2] + struct.pack("<H", 0x0010) + BOF[4:]) + records + biff(0x000A)
        at += len(body)
        bodies += body
    return write_cfb(path, {"Workbook": head + listed + biff(0x000A) + bodies})


def test_a_long_list_under_a_header_formatted_to_iv_is_read(tmp_path):
    """60,000 rows of three columns under a header row formatted across to IV (Excel writes the
    formatted cells as MULBLANK and declares A1:IV60000): calamine drops the empty cells and
    reads a grid three columns wide in about 80 MB, where the guard took the declared range and
    the blanks for the grid, 15,360,000 cells, and refused it."""
    rows = b"".join(number(r, c, r) for r in range(60_000) for c in range(3))
    path = xls(tmp_path / "Listino.xls", {"Prezzi": dimensions(0, 60_000, 0, 256) + blanks(0, 3, 255) + rows})
    assert check_workbook(path) == "xls"
    sheet = read_workbook(path).sheets[0]
    assert (len(sheet.rows), len(sheet.rows[0])) == (60_000, 3)
    assert sheet.rows[59_999] == [59_999.0] * 3


def test_a_sheet_declaring_rows_backwards_over_no_column_is_read(tmp_path):
    """DIMENSIONS with rows 6 to 1 and columns D to C: calamine reserves rows × columns, four
    billion times nothing, and reads the cells; the guard took the rows from the range and the
    columns from the first cell and refused it as 4,294,967,292 cells."""
    path = xls(tmp_path / "Clienti.xls", {"Clienti": dimensions(5, 1, 3, 3) + number(0, 0, 7) + number(3, 2, 9)})
    assert check_workbook(path) == "xls"
    assert read_workbook(path).sheets[0].rows == [[7.0, "", ""], [""] * 3, [""] * 3, ["", "", 9.0]]


def test_a_sheet_declaring_rows_backwards_over_a_column_is_refused_naming_the_range(tmp_path):
    """The same rows over column A: calamine reserves four billion cells and the process
    aborts, so it is refused, naming the range as the file declares it and the way out."""
    problem = refusal(xls(tmp_path / "Clienti.xls", {"Clienti": dimensions(5, 1, 0, 1) + number(0, 0)}))
    assert problem.code == "file-xls-declared-range"
    said = problem.message("it")
    assert "nel foglio «Clienti» l'intervallo A6:A1" in said and "4.294.967.292 celle" in said, said
    assert "al massimo 16.777.216" in said and "salvalo di nuovo, meglio come .xlsx" in said, said


def test_sheets_each_within_the_limit_are_refused_together(tmp_path):
    """calamine reads every sheet of an .xls on opening it and keeps their grids: three sheets of
    two cells, A1 and IO40000, each 9,960,000 cells, took 1.5 GB and passed one by one."""
    far = number(0, 0) + number(39_999, 248)
    assert check_workbook(xls(tmp_path / "one.xls", {"S1": far})) == "xls"
    problem = refusal(xls(tmp_path / "three.xls", {"S1": far, "S2": far, "S3": far}))
    assert problem.code == "file-sheets-too-large"
    said = problem.message("it")
    assert "fino a «S2» (con celle fino a IO40000) hanno già 19.920.000 celle" in said, said
    assert "salvalo come .xlsx" in said, said



def mulrk(row: int, first: int, last: int) -> bytes:
    """A MULRK: the numbers of `row` from column `first` to `last`, each an RK of 1."""
    return biff(0x00BD, struct.pack("<HH", row, first) + struct.pack("<HL", 15, 0x3FF00000) * (last - first + 1)
                + struct.pack("<H", last))


def test_a_list_at_the_bottom_of_a_sheet_is_read_as_the_grid_it_makes(tmp_path):
    """Data in rows 60,001 to 65,536 alone, A to IV: calamine keeps a grid from its first row, 5,536
    rows by 256 columns, where the guard counted from A1, 16,777,216 cells, and refused the file."""
    rows = b"".join(number(r, 0, r) + mulrk(r, 1, 254) + number(r, 255, r) for r in range(60_000, 65_536, 97))
    path = xls(tmp_path / "Storico.xls", {"Storico": rows + number(65_535, 255, 7)})
    assert check_workbook(path) == "xls"
    sheet = read_workbook(path).sheets[0]
    assert (sheet.first_row, sheet.first_col, len(sheet.rows), len(sheet.rows[0])) == (60_001, 1, 5_536, 256)
    assert (sheet.rows[0][0], sheet.rows[0][100], sheet.rows[-1][-1]) == (60_000.0, 1.0, 7.0)


def test_a_grid_counted_from_its_first_cell_is_still_bounded(tmp_path):
    """The count from the first cell holding a value: a MULRK's first column counts, so a sheet of
    MULRKs alone, B to IV down 50,000 rows (12.75 million cells), is refused as its grid."""
    path = xls(tmp_path / "Larga.xls", {"Larga": mulrk(0, 1, 255) + mulrk(49_999, 1, 255)})
    problem = refusal(path)
    assert problem.code == "file-sheet-too-large"
    assert "celle fino a IV50000 (12.750.000 celle" in problem.message("it"), problem.message("it")


def test_a_list_of_mulrk_rows_is_walked_a_reach_a_record_its_first_columns_where_they_move_left(tmp_path):
    """A MULRK's first column is handed up to the walk only where it begins a sheet's reach further
    left than those before it in the substream (or lies past its last): handed up for every record,
    the guard's walk of 60,000 MULRK rows took 0.075 s where it took 0.066 s counting from A1. A
    row further left after a chart's substream (whose BOF and EOF begin it again) still counts."""
    from toolkit.intake import guard

    rows = b"".join(mulrk(r, 2, 9) for r in range(1_000)) + mulrk(1_000, 1, 9) + mulrk(1_001, 2, 9)
    walked = [(row, column) for _, kind, row, column, _ in guard._xls_reaches(iter([rows])) if kind == 0x00BD]
    assert len(walked) == 1_002 + 2
    assert walked[:2] == [(1, 3), (1, 10)] and walked[-3:] == [(1_001, 2), (1_001, 10), (1_002, 10)]
    chart = biff(0x0809, BOF) + mulrk(0, 5, 6) + biff(0x000A)
    path = xls(tmp_path / "Grafico.xls", {"Dati": mulrk(0, 2, 200) + chart + mulrk(65_000, 1, 200)})
    problem = refusal(path)
    assert problem.code == "file-sheet-too-large" and "GS65001 (13.000.200 celle" in problem.message("it"), problem.message("it")


def string(text: str) -> bytes:
    """A STRING: the text a formula before it gave, which calamine keeps at that formula's cell."""
    return biff(0x0207, struct.pack("<HB", len(text), 0) + text.encode("latin-1"))


def formula(row: int, column: int) -> bytes:
    """A FORMULA whose value is text, in the STRING record that follows it."""
    return biff(0x0006, struct.pack("<HHH", row, column, 15) + bytes(6) + b"\xff\xff" + bytes(6) + struct.pack("<H", 0))


def test_a_formulas_text_with_no_formula_before_it_counts_from_a1(tmp_path):
    """A STRING record with no FORMULA before it in its sheet: calamine keeps it at A1, so with a
    number at IV65536 the sheet's grid is the whole sheet, 16,777,216 cells; counted from the first
    cell the guard knew, it was one cell, and calamine took half a gigabyte for it."""
    path = xls(tmp_path / "Testo.xls", {"Testo": string("x") + number(65_535, 255)})
    problem = refusal(path)
    assert problem.code == "file-sheet-too-large"
    assert "celle fino a IV65536 (16.777.216 celle" in problem.message("it"), problem.message("it")


def test_a_formulas_text_counts_at_its_formulas_cell(tmp_path):
    """A text formula at the top of a list in rows 60,001 to 65,536: its STRING is the formula's
    cell, not A1, and the list is read as the grid it makes."""
    rows = formula(60_000, 0) + string("Totale") + b"".join(number(r, 255, r) for r in range(60_001, 65_536, 101))
    path = xls(tmp_path / "Storico.xls", {"Storico": rows + number(65_535, 255, 7)})
    assert check_workbook(path) == "xls"
    sheet = read_workbook(path).sheets[0]
    assert (sheet.first_row, sheet.first_col, len(sheet.rows), sheet.rows[0][0]) == (60_001, 1, 5_536, "Totale")


ODS_VALUE = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'


def test_an_ods_of_tables_each_within_the_limit_is_refused_together(tmp_path):
    """calamine reads every table of an .ods on opening it too: three tables of two values, A1 and
    IO40000 (a few KB, the rows between repeated), took 1.5 GB and passed one by one."""
    def table(name: str) -> str:
        return (f'<table:table table:name="{name}"><table:table-row>{ODS_VALUE}</table:table-row>'
                '<table:table-row table:number-rows-repeated="39998"><table:table-cell/></table:table-row>'
                f'<table:table-row><table:table-cell table:number-columns-repeated="248"/>{ODS_VALUE}'
                "</table:table-row></table:table>")
    assert check_workbook(write_ods(tmp_path / "one.ods", tables=table("S1"))) == "ods"
    problem = refusal(write_ods(tmp_path / "three.ods", tables=table("S1") + table("S2") + table("S3")))
    assert problem.code == "file-sheets-too-large"
    assert "fino a «S2» (con celle fino a IO40000) hanno già 19.920.000 celle" in problem.message("it")


SHEET_BOF = biff(0x0809, BOF[:2] + struct.pack("<H", 0x0010) + BOF[4:])


def listed(sheets: list[tuple[str, int]], at: int) -> bytes:
    """The BOUNDSHEET records naming these sheets, each at its offset from `at`, the globals' end."""
    return b"".join(biff(0x0085, struct.pack("<LBBBB", at + offset, 0, 0, len(name), 0) + name.encode())
                    for name, offset in sheets)


def globals_length(names: list[str]) -> int:
    return len(biff(0x0809, BOF)) + sum(len(biff(0x0085, bytes(8 + len(n)))) for n in names) + len(biff(0x000A))


def test_sheets_named_at_one_substream_are_counted_each(tmp_path):
    """Three BOUNDSHEETs naming the one substream of A1 and IO40000, 5 KB: calamine reads it as
    three sheets and keeps three grids, 2 GB, where the guard counted the substream once."""
    names = ["S1", "S2", "S3"]
    body = SHEET_BOF + number(0, 0) + number(39_999, 248) + biff(0x000A)
    stream = biff(0x0809, BOF) + listed([(n, 0) for n in names], globals_length(names)) + biff(0x000A) + body
    problem = refusal(write_cfb(tmp_path / "copie.xls", {"Workbook": stream}))
    assert problem.code == "file-sheets-too-large"
    assert "fino a «S3» (con celle fino a IO40000) hanno già 29.880.000 celle" in problem.message("it"), problem.message("it")


def test_a_sheet_named_inside_another_leaves_the_other_counted(tmp_path):
    """Sheet B named at a BOF inside sheet A, before A's cell at IO40000: calamine reads A past
    B's substream to that cell, and B on its own; the guard ended A at B's BOF, so A's far cell
    counted for no sheet and three such pairs, 6 GB read, passed."""
    names = ["A", "B", "C", "D", "E", "F"]
    inner = SHEET_BOF + number(0, 0) + biff(0x000A)
    outer = SHEET_BOF + number(0, 0) + inner + number(39_999, 248) + biff(0x000A)
    inside = len(SHEET_BOF + number(0, 0))
    at = [(name, (i // 2) * len(outer) + (inside if i % 2 else 0)) for i, name in enumerate(names)]
    stream = biff(0x0809, BOF) + listed(at, globals_length(names)) + biff(0x000A) + outer * 3
    path = write_cfb(tmp_path / "annidati.xls", {"Workbook": stream})
    problem = refusal(path)
    assert problem.code == "file-sheets-too-large"
    assert "fino a «C» (con celle fino a IO40000)" in problem.message("it"), problem.message("it")


def test_a_sheet_beginning_inside_another_record_is_refused(tmp_path):
    """A BOUNDSHEET pointing inside the body of a record the walk skips, where a whole sheet of
    two cells, A1 and a far column, is written: calamine reads it from there (a file of 1 KB
    aborted the process), the walk, record by record, never met its BOF and counted nothing."""
    hidden = SHEET_BOF + number(0, 0) + number(65_535, 5_000) + biff(0x000A)
    at = globals_length(["S1"]) + 4
    stream = biff(0x0809, BOF) + listed([("S1", 0)], at) + biff(0x000A) + biff(0x00EF, hidden)
    problem = refusal(write_cfb(tmp_path / "nascosto.xls", {"Workbook": stream}))
    assert problem.code == "file-xls-sheet-misplaced"
    said = problem.message("it")
    assert "il foglio «S1» comincia in un punto del file dove non comincia nessun foglio" in said, said
    assert "the sheet “S1” begins at a place in the file where no sheet begins" in problem.message("en")
