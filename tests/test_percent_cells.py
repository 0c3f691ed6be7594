"""A percent cell is read as what it shows: Excel keeps 100 % as 1 and 50 % as 0.5, and the data
check read a cell showing 100 % in *Sconto %* as 1 % (python-calamine gives values, not formats).
The files here are real .xlsx files written with openpyxl's percent number formats, read the
way every command reads a workbook (`check_file`)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import minimal
import openpyxl
import pytest
from fakebook import FakeBook

from toolkit.excel.book import read_master
from toolkit.intake.percent_cells import percent_styles
from toolkit.intake.validation import check, check_file


def with_cells(source: Path, target: Path, *cells: tuple[str, str, float, str]) -> Path:
    """The sample with each (sheet, cell) holding `value` in the number format given."""
    book = openpyxl.load_workbook(source)
    for sheet, ref, value, number_format in cells:
        book[sheet][ref] = value
        book[sheet][ref].number_format = number_format
    book.save(target)
    return target


def test_a_percent_cell_reads_as_it_shows_and_a_plain_number_as_before(tmp_path, sample_workbook):
    book = with_cells(sample_workbook, tmp_path / "anagrafiche.xlsx",
                      ("Regole prezzo", "H2", 1, "0%"),          # 100 %: read as 1 % before
                      ("Regole prezzo", "K4", 1.5, "0%"),        # a markup of 150 %: read as 1.5 % before
                      ("Provvigioni", "I2", 50, "General"),      # a plain 50: 50 %
                      ("Provvigioni", "I3", 0.015, "0.00%"),     # 1.50 %
                      ("Agenti clienti", "C2", 0.5, "0.00%"),    # 50.00 %
                      ("Agenti clienti", "C3", 0.5, "General"))  # a plain 0.5: 50 %, as docs/workbook.md says
    result = check_file(book)
    assert result.master is not None, [str(p) for p in result.errors]
    master = result.master
    assert [r.discount for r in master.price_rules][:1] == [D(100)]
    assert [r.markup for r in master.price_rules if r.code == "R003"] == [D(150)]
    assert [c.percent for c in master.commissions][:2] == [D(50), D("1.5")]
    assert [a.share for a in master.customer_agents] == [D(50), D(50)]


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_a_percent_cell_of_an_xls_or_ods_reads_as_it_shows(kind, tmp_path, sample_workbook):
    """The same cells saved by LibreOffice as .xls or .ods: calamine gives 100 % as 1 there too,
    read as 1 % (and a markup of 150 % as 1.5 %) until their percent format was looked for, in
    the .xls's cell styles and the .ods's value type."""
    from toolkit.writers import libreoffice

    if libreoffice.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    (tmp_path / "typed").mkdir()
    book = with_cells(sample_workbook, tmp_path / "typed" / "anagrafiche.xlsx",
                      ("Regole prezzo", "H2", 1, "0%"), ("Regole prezzo", "K4", 1.5, "0%"),
                      ("Provvigioni", "I2", 50, "General"), ("Provvigioni", "I3", 0.015, "0.00%"))
    result = check_file(libreoffice.convert(book, kind, tmp_path / "saved"))
    assert result.master is not None, [str(p) for p in result.errors]
    assert [r.discount for r in result.master.price_rules][:1] == [D(100)]
    assert [r.markup for r in result.master.price_rules if r.code == "R003"] == [D(150)]
    assert [c.percent for c in result.master.commissions][:2] == [D(50), D("1.5")]


def test_a_percent_cell_beyond_100_is_told_as_it_shows(tmp_path, sample_workbook):
    """22 typed before the cell was formatted as a percentage shows 2200 %: refused at its cell
    as what the user sees, not read as 22 %."""
    book = with_cells(sample_workbook, tmp_path / "anagrafiche.xlsx", ("Provvigioni", "I4", 22, "0%"))
    result = check_file(book)
    assert result.master is None
    assert [(p.code, p.sheet, p.cell, p.message()) for p in result.errors] == [
        ("not-a-percent", "Provvigioni", "I4", "«2200%» non è una percentuale fra 0 e 100: scrivi ad es. 22.")]


def test_the_styles_that_show_a_percentage(tmp_path, sample_workbook):
    """Built-in 0% and 0.00%, a format of the workbook's own with %, never a % in quotes."""
    import zipfile

    book = with_cells(sample_workbook, tmp_path / "anagrafiche.xlsx", ("Provvigioni", "I2", 3, '0" %"'),
                      ("Provvigioni", "I3", 0.03, "0.0%"), ("Provvigioni", "I4", 0.04, "0%"))
    with zipfile.ZipFile(book) as zf:
        styles = percent_styles(zf)
    shown = {ref: str(openpyxl.load_workbook(book)["Provvigioni"][ref].style_id) for ref in ("I2", "I3", "I4")}
    assert (shown["I2"] in styles, shown["I3"] in styles, shown["I4"] in styles) == (False, True, True)


@pytest.mark.parametrize("value, number_format, expected", [(1, "0%", D(100)), (0.5, "0%", D(50)),
                                                             (1, "General", D(1)), (50, "General", D(50))])
def test_the_sample_s_commission_rate(tmp_path, sample_workbook, value, number_format, expected):
    book = with_cells(sample_workbook, tmp_path / "anagrafiche.xlsx", ("Provvigioni", "I2", value, number_format))
    result = check_file(book)
    assert result.master is not None and result.master.commissions[0].percent == expected


@pytest.mark.parametrize("formats, expected", [({"C2": "0%", "C3": "0%"}, [D(100), D(50)]),
                                               ({}, [D(1), D(50)]),
                                               ({"C2": "0%"}, [D(100), D(50)]),
                                               ({"C3": "0%"}, [D(1), D(50)]),
                                               ({"C2": "0.0%;[Red]-0.0%"}, [D(100), D(50)]),
                                               ({"C2": '0"%"'}, [D(1), D(50)])])
def test_a_live_book_s_percent_column_reads_as_it_shows(formats, expected):
    """The buttons read a live book's values (xlwings), 1 for a cell showing 100 %: the column's
    format, asked once below its heading, says so when its cells share it; in a column of mixed
    formats (a General cell beside a percent one) each number 1 or more is asked its own, so
    C2 showing 100 % reads 100 as the same file read by `check` does, not 1 %."""
    sheets = {**minimal.sheets(), "Agenti clienti": [["Cliente", "Agente", "Quota %"], ["C001", "Marco Bianchi", 1.0],
                                                      ["C001", "Laura Colombo", 0.5]]}
    book = FakeBook("ordini-ricorrenti.xlsm", sheets)
    for ref, code in formats.items():
        book.sheet("Agenti clienti").range(ref).number_format = code
    checked = check(read_master(book))
    assert checked.master is not None, [str(p) for p in checked.errors]
    assert [a.share for a in checked.master.customer_agents] == expected


def test_convert_to_master_writes_what_a_percent_cell_shows(tmp_path, sample_workbook, capsys):
    """`convert --to anagrafiche` wrote a cell showing 100 % as the 1 it holds, in a plain cell
    of the new master, which then read as 1 %."""
    from command_line import in_process as toolkit

    book = with_cells(sample_workbook, tmp_path / "in.xlsx", ("Regole prezzo", "H2", 1, "0%"))
    code, _ = toolkit(["convert", str(book), "--to", "anagrafiche", "--out", str(tmp_path / "out")], capsys)
    assert code == 0
    assert openpyxl.load_workbook(tmp_path / "out" / "anagrafiche.xlsx")["Regole prezzo"]["H2"].value == 100
    master = check_file(tmp_path / "out" / "anagrafiche.xlsx").master
    assert master is not None and master.price_rules[0].discount == D(100)
