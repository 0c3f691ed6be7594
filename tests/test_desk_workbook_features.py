"""The desk's workbook as a sales assistant keeps it with what Excel and LibreOffice offer:
saved as .ods, tables with a Total Row, and the other shapes the sheets take in daily use. Each
case is the bundled workbook (or the sample) changed as the user would, then read by the verbs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from command_line import in_process as toolkit

XLSM = Path(__file__).resolve().parents[1] / "workbooks" / "ordini-ricorrenti.xlsm"


def test_the_bundled_workbook_saved_as_ods_by_libreoffice_is_read(tmp_path, capsys):
    """LibreOffice keeps the workbook's VBA as Basic libraries, parts that open with a DOCTYPE
    naming its own DTD: the guard refused the whole file as unsafe, exit 2, and told the desk to
    ask for «una copia salvata da Excel» of a file it had saved itself."""
    from toolkit.writers import libreoffice

    if libreoffice.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    shutil.copy(XLSM, tmp_path / "ordini-ricorrenti.xlsm")
    saved = libreoffice.convert(tmp_path / "ordini-ricorrenti.xlsm", "ods", tmp_path / "saved")
    code, answer = toolkit(["check", str(saved)], capsys)
    assert (code, answer["problems"]) == (0, [])


def with_total_row(book, sheet: str, label_column: int, sums: tuple[int, ...]) -> int:
    """The sheet's table given a Total Row as Excel adds it (Table Design › Total Row): `Totale`
    under the first column, a SUBTOTAL under each of `sums`, the table's ref one row longer
    with totalsRowCount 1, and the columns saying so (totalsRowLabel, totalsRowFunction). The
    row's number."""
    from openpyxl.utils import get_column_letter

    ws = book[sheet]
    table = next(iter(ws.tables.values()))
    row = ws.max_row + 1
    ws.cell(row, label_column, "Totale")
    table.tableColumns[label_column - 1].totalsRowLabel = "Totale"
    for col in sums:
        letter = get_column_letter(col)
        ws.cell(row, col, f"=SUBTOTAL(109,{letter}2:{letter}{row - 1})")
        table.tableColumns[col - 1].totalsRowFunction = "sum"
    first, last = table.ref.split(":")
    table.ref = f"{first}:{last.rstrip('0123456789')}{row}"
    table.totalsRowCount = 1
    return row


def test_a_tables_total_row_is_not_a_row_of_data(sample_workbook, tmp_path, capsys):
    """A Total Row under *Clienti* was a customer with no name, address, price list…, six
    problems asking the desk to fill in its cells; under *Giacenze* `Totale` was an unknown
    item; and its SUBTOTAL, saved without a value by a program that does not compute, a formula
    to compute. Every verb refused the workbook."""
    import openpyxl

    book = openpyxl.load_workbook(sample_workbook)
    customers = with_total_row(book, "Clienti", 1, (18,))
    stock = with_total_row(book, "Giacenze", 1, (2,))
    book.save(tmp_path / "anagrafiche.xlsx")
    code, answer = toolkit(["check", str(tmp_path / "anagrafiche.xlsx")], capsys)
    assert (code, answer["problems"]) == (0, [])
    assert (customers, stock) == (book["Clienti"].max_row, book["Giacenze"].max_row)


def test_a_tables_total_row_is_not_a_row_of_data_in_the_workbook_saved_as_ods(sample_workbook, tmp_path, capsys):
    """Saved as .ods by LibreOffice, the tables are database ranges and the Total Rows their last
    rows, with nothing saying so but their SUBTOTAL sums: `Totale` was a customer missing its
    name, address, price list… and an unknown item of *Giacenze*, and the check refused the file."""
    import openpyxl

    from toolkit.writers import libreoffice

    if libreoffice.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    book = openpyxl.load_workbook(sample_workbook)
    with_total_row(book, "Clienti", 1, (18,))
    with_total_row(book, "Giacenze", 1, (2,))
    book.save(tmp_path / "anagrafiche.xlsx")
    saved = libreoffice.convert(tmp_path / "anagrafiche.xlsx", "ods", tmp_path / "saved")
    code, answer = toolkit(["check", str(saved)], capsys)
    assert (code, answer["problems"]) == (0, [])


def test_a_column_numbering_the_visible_rows_with_subtotal_keeps_the_last_customer_in_an_ods(
        sample_workbook, tmp_path, capsys):
    """A desk numbers the rows a filter shows with `=SUBTOTAL(3,$A$2:A2)` down a column of its
    table. Saved as .ods, the last customer's row held a SUBTOTAL like a Total Row's: it was left
    out without a word, and the orders of C030 refused as for an unknown customer."""
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import TableColumn

    from toolkit.writers import libreoffice

    if libreoffice.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    book = openpyxl.load_workbook(sample_workbook)
    ws = book["Clienti"]
    table = next(iter(ws.tables.values()))
    column = ws.max_column + 1
    ws.cell(1, column, "N. visibile")
    for row in range(2, ws.max_row + 1):
        ws.cell(row, column, f"=SUBTOTAL(3,$A$2:A{row})")
    first, last = table.ref.split(":")
    table.ref = f"{first}:{get_column_letter(column)}{last.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}"
    table.tableColumns.append(TableColumn(id=column, name="N. visibile"))
    assert ws.cell(ws.max_row, 1).value == "C030"
    book.save(tmp_path / "anagrafiche.xlsx")
    saved = libreoffice.convert(tmp_path / "anagrafiche.xlsx", "ods", tmp_path / "saved")
    code, answer = toolkit(["check", str(saved)], capsys)
    assert (code, [(p["code"], p["message"]) for p in answer["problems"]]) == (0, [])


@pytest.mark.parametrize("count", [1, 3])
def test_a_total_row_count_naming_a_row_of_data_is_not_believed(sample_workbook, tmp_path, capsys, count):
    """A program writing totalsRowCount over a table whose last rows are customers (no column
    with a total, or a count Excel never writes): the last customers were blanked, skipped
    without a word, and every order of theirs refused as for an unknown customer."""
    import openpyxl

    book = openpyxl.load_workbook(sample_workbook)
    ws = book["Clienti"]
    table = next(iter(ws.tables.values()))
    table.totalsRowCount = count
    if count > 1:
        table.tableColumns[0].totalsRowLabel = "Totale"
    last = ws.max_row
    ws.cell(last, 2).value = None  # a real customer's row, its name left empty: it must be read, and said
    book.save(tmp_path / "anagrafiche.xlsx")
    code, answer = toolkit(["check", str(tmp_path / "anagrafiche.xlsx")], capsys)
    assert code == 1
    assert ("Clienti", f"B{last}", "required-value") in {(p["sheet"], p["cell"], p["code"]) for p in answer["problems"]}


def test_a_row_under_a_table_without_total_row_is_still_read(sample_workbook, tmp_path, capsys):
    """Only the rows the table part names as its totals are left out: a row typed under a table
    that has none is the desk's, and read (here a customer lacking its name)."""
    import openpyxl

    book = openpyxl.load_workbook(sample_workbook)
    row = with_total_row(book, "Clienti", 1, ())
    next(iter(book["Clienti"].tables.values())).totalsRowCount = None
    book.save(tmp_path / "anagrafiche.xlsx")
    code, answer = toolkit(["check", str(tmp_path / "anagrafiche.xlsx")], capsys)
    assert code == 1
    assert ("Clienti", f"B{row}", "required-value") in {(p["sheet"], p["cell"], p["code"]) for p in answer["problems"]}
