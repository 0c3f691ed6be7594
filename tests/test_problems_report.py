"""The data check's report: one row per problem, its cell a link into the workbook while a sheet
has links to give, then plain text: never a cell left out."""

from __future__ import annotations

from datetime import date

import openpyxl

from toolkit.basics.cells import Location
from toolkit.model.cells import NOT_A_DATE
from toolkit.writers import problems_report
from toolkit.writers.problems_report import write_problems_report


def test_every_printed_page_says_what_was_checked_and_when(tmp_path):
    problems = [NOT_A_DATE(Location("Modelli ordine", "K2"), value="sabato")]
    path = write_problems_report(tmp_path / "controllo.xlsx", problems, tmp_path / "anagrafiche.xlsx", "it",
                                 date(2026, 4, 9))
    header = openpyxl.load_workbook(path).worksheets[0].oddHeader
    assert (header.left.text, header.right.text) == ("Controllo dati – anagrafiche.xlsx", "situazione al 09/04/2026")


def test_past_a_sheets_links_a_problems_cell_is_plain_text(tmp_path, monkeypatch):
    problems = [NOT_A_DATE(Location("Modelli ordine", f"K{n}"), value="sabato") for n in range(2, 6)]
    monkeypatch.setattr(problems_report, "LINKS_PER_SHEET", 2)
    path = write_problems_report(tmp_path / "controllo.xlsx", problems, tmp_path / "anagrafiche.xlsx", "en")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    cells = [row[2] for row in sheet.iter_rows(min_row=2, max_row=len(problems) + 1)]
    assert [c.value for c in cells] == ["K2", "K3", "K4", "K5"]
    assert [c.hyperlink.location if c.hyperlink else None for c in cells] == ["'Modelli ordine'!K2",
                                                                             "'Modelli ordine'!K3", None, None]
