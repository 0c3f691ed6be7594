"""The documents' sheets (`writers.document_sheets`) save the bytes XlsxWriter's own writer
saves: on random sheets of every kind of cell the documents write and some they do not (text,
numbers, dates, blanks, formulas with a number, a text or a truth for result, booleans, rich
strings, links), with cell, row and column formats, row heights, comments and empty rows; and
on a month of the sample's printable documents."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from test_accountants_blocks import assert_same_workbook, random_invoices

from toolkit.writers import accountants, printable
from toolkit.writers.formulas import PlainFormulasWorksheet
from toolkit.writers.printable import DocumentsWorkbook, new_workbook, text

VALUES = (None, "x", " a ", "A&B <c>", "_x0041_", "due\nrighe", "città", 0, -2, 1.5, D("3.10"), 10**20,
          date(2026, 4, 9), datetime(2026, 4, 9, 10, 30), True, "=HYPERLINK(\"x\")")


class XlsxWritersOwn(DocumentsWorkbook):
    worksheet_class = PlainFormulasWorksheet


def random_book(path, rng: random.Random, own: bool):
    book = printable.marked(XlsxWritersOwn(str(path), {**printable.WORKBOOK_OPTIONS, "in_memory": True}), "report") \
        if own else new_workbook(path, "report")
    formats = [None, *(book.add_format({"num_format": f"0.{'0' * n}", "bold": n % 2 == 0}) for n in range(1, 5))]
    for s in range(rng.randrange(1, 4)):
        sheet = book.add_worksheet(f"S{s}")
        for col in rng.sample(range(8), rng.randrange(4)):
            sheet.set_column(col, col, rng.choice((6, 12, 30)), rng.choice(formats))
        for row in sorted(rng.sample(range(60), rng.randrange(1, 30))):
            if rng.random() < 0.2:
                sheet.set_row(row, rng.choice((None, 15, 30, 45.75)), rng.choice(formats))
            if rng.random() < 0.1:
                sheet.write_comment(row, rng.randrange(8), "nota")
                continue
            for col in rng.sample(range(8), rng.randrange(1, 8)):
                fmt = rng.choice(formats)
                what = rng.random()
                if what < 0.15:
                    result = rng.choice((0, 12.5, -3, "", "testo", "#N/A", True, 10**17 + 0.5))
                    sheet.write_formula(row, col, rng.choice(("=ROUND(A1*B1,2)", "=SUM(C1:C9)", "=A1&\"<x>\"",
                                                              "=XLOOKUP(A1,B:B,C:C)")), fmt, result)
                elif what < 0.2:
                    sheet.write_rich_string(row, col, "a ", fmt or formats[1], "b")
                elif what < 0.25:
                    sheet.write_url(row, col, f"internal:'S0'!A{row + 1}", fmt, f"link {row}")
                else:
                    text(sheet, row, col, rng.choice(VALUES), fmt)
    book.close()
    return path


@pytest.mark.parametrize("seed", range(8))
def test_random_sheets_save_as_xlsxwriter_saves_them(tmp_path, seed):
    made = random_book(tmp_path / "fast.xlsx", random.Random(seed), own=False)
    expected = random_book(tmp_path / "own.xlsx", random.Random(seed), own=True)
    assert_same_workbook(made, expected)


def test_printable_invoices_save_as_xlsxwriter_saves_them(tmp_path, sample_master, monkeypatch):
    invoices = random_invoices(random.Random(5), [c.code for c in sample_master.customers], 40)
    made = accountants.write_copies(tmp_path / "fast.xlsx", sample_master, invoices)
    monkeypatch.setattr(accountants, "new_workbook", lambda path, kind: printable.marked(XlsxWritersOwn(
        str(path), {**printable.WORKBOOK_OPTIONS, "in_memory": True}), kind))
    expected = accountants.write_copies(tmp_path / "own.xlsx", sample_master, invoices)
    assert_same_workbook(made, expected)


def test_a_finished_sheet_lets_its_cells_go_and_takes_no_more(tmp_path):
    """Each document's sheet is made into XML when the next begins, its cells let go; a cell
    written to it afterwards stops the saving instead of going missing."""
    book = new_workbook(tmp_path / "d.xlsx", "report")
    first = book.add_worksheet("A")
    text(first, 0, 0, "uno")
    book.add_worksheet("B")
    assert not any(first.table.values())
    text(first, 1, 0, "tardi")
    with pytest.raises(RuntimeError, match="after it was finished"):
        book.close()
