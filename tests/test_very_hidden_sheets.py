"""A very hidden sheet (a macro's `xlSheetVeryHidden`: no tab, and Excel's Unhide does not list
it) was read as any other without a word: data the desk cannot see priced and planned its
orders. A sheet merely hidden is the desk's own choice, listed by Unhide, and read quietly."""

from __future__ import annotations

import openpyxl
from command_line import in_process as toolkit


def test_a_very_hidden_sheet_the_toolkit_reads_is_named_with_how_to_see_it(tmp_path, sample_workbook, capsys):
    book = openpyxl.load_workbook(sample_workbook)
    book["Vettori"].sheet_state = "veryHidden"
    book["Chiusure"].sheet_state = "hidden"
    book.save(tmp_path / "anagrafiche.xlsx")
    code, answer = toolkit(["check", str(tmp_path / "anagrafiche.xlsx")], capsys)
    assert code == 0
    assert [(p["code"], p["severity"], p["sheet"], p["message"]) for p in answer["problems"]] == [(
        "very-hidden-sheet", "warning", "Vettori",
        "Il foglio «Vettori» è «molto nascosto»: Excel non ne mostra la scheda né lo elenca in Scopri, ma il toolkit "
        "lo legge come gli altri. Rendilo visibile (Alt+F11, nell'editor VBA la proprietà Visible del foglio: "
        "-1 - xlSheetVisible) per vedere i dati che usa, o eliminalo se non serve.")]
