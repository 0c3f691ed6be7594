"""The workbook every printable document starts from."""

from __future__ import annotations

import openpyxl
import pytest
from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName

from toolkit.writers.printable import new_workbook


def test_many_sheets_keep_excels_name_rules(tmp_path):
    book = new_workbook(tmp_path / "docs.xlsx", "orders")
    for n in range(1, 301):
        book.add_worksheet(f"OC-2026-{n:05d}").write_string(0, 0, f"order {n}")
    with pytest.raises(DuplicateWorksheetName):
        book.add_worksheet("oc-2026-00007")
    with pytest.raises(InvalidWorksheetName):
        book.add_worksheet("OC/2026/1")
    with pytest.raises(InvalidWorksheetName):
        book.add_worksheet("x" * 32)
    book.add_worksheet()
    book.close()
    read = openpyxl.load_workbook(tmp_path / "docs.xlsx")
    assert len(read.sheetnames) == 301 and read.sheetnames[-1].startswith("Sheet")
    assert read["OC-2026-00300"]["A1"].value == "order 300"



def document_header(tmp_path, customer: str) -> tuple[str, str]:
    """The header an invoice's sheet is given for `customer`, as written and as read back."""
    from datetime import date

    from toolkit.writers.printable import document_on_every_page

    book = new_workbook(tmp_path / "doc.xlsx", "orders")
    sheet = book.add_worksheet("FT-2026-00050")
    document_on_every_page(sheet, "Fattura", "FT-2026-00050", date(2026, 4, 30), customer, None, lang="it")
    written = sheet.header
    book.close()
    return written, openpyxl.load_workbook(tmp_path / "doc.xlsx")["FT-2026-00050"].oddHeader.left.text


def test_a_documents_page_header_names_it_and_keeps_an_ampersand(tmp_path):
    """An `&` in a name is doubled: alone, `&P` would print the page number in its place."""
    written, _ = document_header(tmp_path, "Rossi & Figli &P S.n.c.")
    assert written == "&L&9Fattura n. FT-2026-00050 del 30/04/2026 – Rossi && Figli &&P S.n.c."


@pytest.mark.parametrize("customer", ["Ristorante " * 30, "&" * 300, "😀 Caffè " * 40])
def test_a_name_too_long_for_excels_header_is_cut_short_not_dropped(tmp_path, customer):
    """Past 255 characters (UTF-16 units, codes and doubled `&` included) XlsxWriter drops
    the header, and every page printed without it."""
    from toolkit.writers.printable import HEADER_LIMIT

    written, read = document_header(tmp_path, customer)
    assert len(written.encode("utf-16-le")) // 2 <= HEADER_LIMIT
    assert read.startswith("Fattura n. FT-2026-00050 del 30/04/2026 – ") and read.endswith("…")
    kept = read.removesuffix("…")
    assert (len(kept) - len(kept.rstrip("&"))) % 2 == 0, "no lone & left to swallow the …"


def test_a_fitting_width_is_the_same_in_every_process():
    """`fitting_width` measures the twenty longest distinct texts: among texts of the same length
    the ones it measures must not hang on the set's order, which changes with each process's
    string hashing (`PYTHONHASHSEED`), or the same list written twice has its customers' column
    one width in one run and another in the next (here 24.4 or 8.7)."""
    import os
    import subprocess
    import sys

    script = ("from toolkit.writers.printable import fitting_width\n"
              "print(fitting_width(['i' * 12 + str(n) for n in range(10, 60)] + ['W' * 14], 5))")
    widths = {subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": str(seed)},
                             capture_output=True, text=True, check=True).stdout for seed in range(1, 7)}
    assert len(widths) == 1, widths
