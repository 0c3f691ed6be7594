"""The buttons against a fake live book: what lands in the cells, and how many round trips."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import minimal
import openpyxl
import pytest
from conftest import with_stock_sheet
from fakebook import FakeBook

import toolkit.excel as x
from toolkit.basics.vocab import normalize
from toolkit.excel import book as live
from toolkit.excel.book import HIGHLIGHT
from toolkit.excel.build import MACROS
from toolkit.excel.buttons import BUTTONS
from toolkit.excel.vba_sources import our_modules
from toolkit.intake.validation import check_file
from toolkit.model.cells import Kind
from toolkit.model.sheets import match_sheet
from toolkit.services.check import check_book
from toolkit.writers.problems_report import rows as report_rows

BOOK = "ordini-ricorrenti.xlsm"
REPORT = "Controllo dati"
PANEL = [["Ordini ricorrenti"], [None], ["Data ordini", None]]
MESSAGE_C2 = "«abc» non è un numero: scrivi un numero (es. 12 o 12,50)."


def broken_sheets() -> dict[str, list[list[Any]]]:
    sheets = with_stock_sheet(minimal.sheets())
    minimal.set_cell(sheets, "Righe modello", "C2", "abc")
    return sheets


def fake(sheets: dict[str, list[list[Any]]]) -> FakeBook:
    return FakeBook(BOOK, {"Pannello": PANEL, **sheets})


def scaled(sheets: dict[str, list[list[Any]]], factor: int) -> dict[str, list[list[Any]]]:
    """`factor` times the rows: copies with suffixed codes, so the copies stay valid."""
    codes = {row[0] for name in ("Clienti", "Destinazioni", "Contatti", "Articoli", "Modelli ordine")
             for row in sheets[name][1:]}
    out = copy.deepcopy(sheets)
    for name in ("Clienti", "Destinazioni", "Contatti", "Articoli", "Prezzi", "Modelli ordine", "Righe modello"):
        body = sheets[name][1:]
        for k in range(1, factor):
            out[name] += [[f"{v}-{k}" if v in codes else v for v in row] for row in body]
    return out


def test_check_data_lists_links_and_highlights_the_broken_cell() -> None:
    book = fake(broken_sheets())
    x.check_data(book)

    report = book.sheet(REPORT)
    assert report.rows() == [
        ["Gravità", "Foglio", "Cella", "Codice", "Messaggio"],
        ["Errore", "Righe modello", "C2", "not-a-number", MESSAGE_C2],
    ]
    assert report.formula("C2") == "=HYPERLINK(\"#'Righe modello'!C2\",\"C2\")"
    assert report.formula("E2") is None
    assert book.sheet("Righe modello").colors == {(2, 3): HIGHLIGHT}
    assert book.sheet_names()[:2] == ["Pannello", REPORT]
    assert book.active is report
    text, title, mode = book.alerts[-1]
    assert text.splitlines()[0] == "1 errore"
    assert (title, mode) == ("Controllo dati", "critical")


def test_a_clean_book_says_no_problems() -> None:
    book = fake(with_stock_sheet(minimal.sheets()))
    x.check_data(book)
    assert book.sheet(REPORT).rows() == [["Gravità", "Foglio", "Cella", "Codice", "Messaggio"]]
    assert book.alerts == [("Nessun problema", "Controllo dati", "info")]


def test_a_tables_total_row_in_the_live_book_is_no_customer() -> None:
    """The *Controllo dati* button read a table's Total Row under *Clienti* (`Totale`, a
    SUBTOTAL of the Fido) as a customer lacking its name, address, price list and terms, and
    asked the desk to fill them in. The rows above it are read as ever."""
    sheets = with_stock_sheet(minimal.sheets())
    customers = sheets["Clienti"]
    fido = customers[0].index("Fido") if "Fido" in customers[0] else len(customers[0]) - 1
    total = ["Totale"] + [None] * (len(customers[0]) - 1)
    total[fido] = 5000
    customers.append(total)
    book = fake(sheets)
    book.sheet("Clienti").add_table(f"A1:{live.column_letter(len(customers[0]))}{len(customers)}", totals=True)
    x.check_data(book)
    assert book.sheet(REPORT).rows() == [["Gravità", "Foglio", "Cella", "Codice", "Messaggio"]]
    assert book.alerts == [("Nessun problema", "Controllo dati", "info")]


def test_a_row_under_a_live_table_without_total_row_is_read() -> None:
    sheets = with_stock_sheet(minimal.sheets())
    customers = sheets["Clienti"]
    customers.append(["Totale"] + [None] * (len(customers[0]) - 1))
    book = fake(sheets)
    book.sheet("Clienti").add_table(f"A1:{live.column_letter(len(customers[0]))}{len(customers)}", totals=False)
    x.check_data(book)
    assert ["Errore", "Clienti", f"B{len(customers)}", "required-value"] in [r[:4] for r in book.sheet(REPORT).rows()]


def test_round_trips_do_not_grow_with_the_rows() -> None:
    big = scaled(with_stock_sheet(minimal.sheets()), 10)
    minimal.set_cell(big, "Righe modello", "C2", "abc")
    small, large = fake(broken_sheets()), fake(big)
    assert len(large.sheet("Righe modello").rows()) == 1 + 10 * (len(minimal.sheets()["Righe modello"]) - 1)
    x.check_data(small)
    x.check_data(large)
    assert len(small.calls) == len(large.calls)
    assert Counter(small.calls) == Counter(large.calls)
    assert large.sheet(REPORT).rows()[1:] == small.sheet(REPORT).rows()[1:]


def test_reading_the_master_is_six_calls_per_master_sheet_and_two_per_percent_column() -> None:
    book = fake(minimal.sheets())
    raw = live.read_master(book)
    masters = len(minimal.sheets())
    sheets = len(book.sheet_names())
    percents = sum(1 for name, rows in minimal.sheets().items() if len(rows) > 1 for heading in rows[0]
                   if (column := match_sheet(name).headings.get(normalize(str(heading)))) and column.kind is Kind.PERCENT)
    calls = Counter(book.calls)
    assert calls["sheet.used_range"] == calls["range.value"] == masters
    assert calls["range.row"] == calls["range.column"] == calls["range.options"] == masters
    assert calls["sheet.range"] == calls["range.number_format"] == percents > 0
    assert calls["sheet.tables"] == masters
    assert len(book.calls) == 1 + 2 * sheets + 6 * masters + 2 * percents + 1
    assert [s.name for s in raw.sheets] == list(minimal.sheets())


def test_the_file_path_gives_the_same_problem_rows(tmp_path: Path) -> None:
    sheets = broken_sheets()
    path = tmp_path / "anagrafiche.xlsx"
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)

    from_file = report_rows(check_file(path).problems, "it")
    book = fake(sheets)
    x.check_data(book)
    assert [tuple(row) for row in book.sheet(REPORT).rows()[1:]] == from_file


def test_a_second_run_removes_the_fill_of_fixed_cells_only() -> None:
    sheets = broken_sheets()
    minimal.set_cell(sheets, "Righe modello", "C3", "xyz")
    book = fake(sheets)
    x.check_data(book)
    lines = book.sheet("Righe modello")
    assert lines.colors == {(2, 3): HIGHLIGHT, (3, 3): HIGHLIGHT}
    lines.cells[(2, 3)] = 12.0
    x.check_data(book)
    assert lines.colors == {(3, 3): HIGHLIGHT}
    assert [row[2] for row in book.sheet(REPORT).rows()[1:]] == ["C3"]


def test_the_report_follows_the_settings_language() -> None:
    sheets = broken_sheets()
    sheets["Impostazioni"].append(["Lingua", "en"])
    book = fake(sheets)
    x.check_data(book)
    assert book.sheet(REPORT).rows()[0] == ["Severity", "Sheet", "Cell", "Code", "Message"]
    assert book.sheet(REPORT).rows()[1][:4] == ["Error", "Righe modello", "C2", "not-a-number"]
    assert book.alerts[-1][0].splitlines()[0] == "1 error"
    assert book.alerts[-1][1] == "Data check"


def test_the_language_is_read_even_when_settings_have_errors() -> None:
    sheets = broken_sheets()
    sheets["Impostazioni"].append(["Lingua", "en"])
    minimal.set_cell(sheets, "Impostazioni", "B3", None)
    book = fake(sheets)
    x.check_data(book)
    assert book.sheet(REPORT).rows()[0][0] == "Severity"
    assert book.alerts[-1][0].splitlines()[0] == "2 errors"


def test_user_text_is_written_as_text() -> None:
    book = FakeBook(BOOK, {"Pannello": PANEL})
    tricky = ["=HYPERLINK(\"http://x\",\"y\")", "+39 011 555", "-3", "@SUM(A1)", "001", "1/2"]
    live.write_table(book, "Prova", [tricky])
    sheet = book.sheet("Prova")
    assert sheet.rows() == [tricky]
    assert all(sheet.formula(f"{c}1") is None for c in "ABCDEF")


def test_many_highlighted_cells_are_batched_within_the_address_limit() -> None:
    book = FakeBook(BOOK, {"Clienti": [["Codice"]]})
    cells = [f"C{row}" for row in range(2, 502)]
    writes = live.highlight(book, {"Clienti": cells, "Nessuno": ["A1"]})
    assert writes == Counter(book.calls)["range.color="] > 1
    assert len(book.sheet("Clienti").colors) == 500


def test_an_empty_book_is_a_message_not_a_traceback() -> None:
    book = fake({"Clienti": [[None]]})
    x.check_data(book)
    text, title, mode = book.alerts[-1]
    assert "vuota" in text and "empty" in text
    assert mode == "critical"
    assert REPORT not in book.sheet_names()


def test_an_internal_error_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOOLKIT_DEBUG", raising=False)
    monkeypatch.setattr("toolkit.intake.validation.check", lambda raw: 1 / 0)
    book = fake(minimal.sheets())
    x.check_data(book)
    assert book.alerts[-1][0].startswith("Errore interno / internal error: ZeroDivisionError")


def test_a_full_disk_is_what_to_do_not_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def full(raw):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("toolkit.intake.validation.check", full)
    book = fake(minimal.sheets())
    x.check_data(book)
    text, _, mode = book.alerts[-1]
    assert text.startswith("Il disco è pieno") and "Libera spazio" in text
    assert "interno" not in text and mode == "critical"


def test_every_button_has_its_sub_and_its_function() -> None:
    our_modules(MACROS)
    for button in BUTTONS:
        assert callable(getattr(x, button.function)), button.function


def test_the_package_imports_without_xlwings() -> None:
    code = "import sys, toolkit.excel as x; x.check_data; assert 'xlwings' not in sys.modules, 'imported xlwings'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])


def test_an_existing_report_sheet_is_reused_whatever_its_case() -> None:
    book = FakeBook(BOOK, {"Pannello": PANEL, "controllo DATI": [["vecchio"], ["contenuto"]], **broken_sheets()})
    x.check_data(book)
    assert "Controllo dati" not in book.sheet_names()
    assert book.sheet("controllo DATI").rows()[1][:3] == ["Errore", "Righe modello", "C2"]
    assert "sheets.add" not in book.calls


def test_without_a_panel_the_report_goes_last() -> None:
    book = FakeBook(BOOK, broken_sheets())
    x.check_data(book)
    assert book.sheet_names()[-1] == REPORT


def padded_column(book: FakeBook, sheet: str, col: int, number_format: str) -> FakeBook:
    """`book` with the column's cells below its heading in `number_format`, as a desk formats a column whole."""
    cells = book.sheet(sheet).cells
    for row in range(2, max(r for r, _ in cells) + 1):
        book.sheet(sheet).formats[(row, col)] = number_format
    return book


def test_a_code_a_format_of_zeros_shows_reads_as_toolkit_check_reads_it() -> None:
    """The telephone 0115551234 typed into a number cell of a column formatted `0000000000` is
    kept as 115551234: `toolkit check` reads the file as the sheet shows it, and the buttons read
    the number held, the contact's telephone losing its zero. One `.number_format` of a code
    column holding a number, as for a percent column (a column of mixed formats reads the number
    held, as asking each cell would grow with the rows)."""
    sheets, typed = with_stock_sheet(minimal.sheets()), with_stock_sheet(minimal.sheets())
    for phone, book_sheets in ((115551234, sheets), ("0115551234", typed)):
        book_sheets["Contatti"][0].append("Telefono")
        book_sheets["Contatti"][1].append(phone)
    col = len(sheets["Contatti"][0])
    book, general, text = padded_column(fake(sheets), "Contatti", col, "0000000000"), fake(sheets), fake(typed)
    raw = live.read_master(book)
    assert raw.sheet("Contatti").padded == {(2, col): 10}
    assert check_book(raw).checked.master.contacts[0].phone == "0115551234"
    assert check_book(live.read_master(general)).checked.master.contacts[0].phone == "115551234"
    live.read_master(text)
    assert Counter(book.calls) - Counter(text.calls) == Counter({"sheet.range": 1, "range.number_format": 1})
