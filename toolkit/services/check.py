"""The data check ("Controllo dati"): every problem of the master data with its sheet and cell,
and the report that lists them, as a workbook file or as a sheet of the live book.

A file is read from disk; a live Excel book arrives as the tables its front end read in a few
round trips. Both go through the same validation and give the same report rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from toolkit.basics.cells import column_index
from toolkit.basics.problems import Problem
from toolkit.intake import validation
from toolkit.intake.error_cells import shown_errors
from toolkit.intake.sources import RawSheet
from toolkit.intake.sources import RawWorkbook as RawWorkbook  # the front ends' type for a workbook's cells
from toolkit.intake.total_rows import TotalRow, without_total_rows
from toolkit.intake.validation import Checked


@dataclass(frozen=True)
class BookChecked:
    """The check of a live book, and the language its report speaks."""

    checked: Checked
    lang: str


def check_file(workbook: Path) -> Checked:
    """Check a master workbook on disk; an unreadable file raises `UnusableInput`."""
    return validation.check_file(workbook)


def workbook_language(checked: Checked, reprint: bool = False) -> str | None:
    """The language the workbook's settings ask for, when the master data is usable (for a
    `reprint`, when its settings are: `toolkit.services.session.start_reprint`)."""
    from toolkit.services.reprint_reads import ALWAYS, in_parts_read

    master = checked.master
    if master is None and reprint and not in_parts_read(checked.problems, ALWAYS):
        master = checked.read
    return master.settings.language if master else None


def write_report(target: Path, problems: Sequence[Problem], workbook: Path, lang: str) -> Path:
    """The "Controllo dati" workbook: one row per problem, linked to its cell in `workbook`."""
    from toolkit.writers.problems_report import write_problems_report

    return write_problems_report(target, problems, workbook, lang)


def report_title(lang: str) -> str:
    """The report's title, and the name of its sheet in a live book."""
    from toolkit.writers.problems_report import TITLE

    return TITLE[lang]


def report_headers(lang: str) -> tuple[str, ...]:
    from toolkit.writers.problems_report import HEADERS

    return HEADERS[lang]


LiveSheet = tuple[str, Sequence[Sequence[Any]], int, int, frozenset[tuple[int, int]], Mapping[tuple[int, int], int],
                  tuple[TotalRow, ...]]
"""A live book's sheet as the front end read it: name, values, first row, first column, the
cells a percent format shows (`RawSheet.percents`), those a format of zeros pads
(`RawSheet.padded`) and its tables' Total Rows."""


def live_workbook(name: str, sheets: Iterable[LiveSheet]) -> RawWorkbook:
    """A live book's master sheets as the check reads them, as the front end read them, a cell
    showing a formula's error (read as its text, `#N/A`) taken out as a file's is
    (`RawSheet.errors`)."""
    return RawWorkbook(name, tuple(_errors_lifted(RawSheet(n, without_total_rows(rows, row, col, totals) if totals
                                                           else rows, row, col, percents=percents, padded=padded))
                                   for n, rows, row, col, percents, padded, totals in sheets))


def _errors_lifted(sheet: RawSheet) -> RawSheet:
    errors = shown_errors(sheet.rows, sheet.first_row, sheet.first_col)
    if not errors:
        return sheet
    at = {(row - sheet.first_row, col - sheet.first_col) for row, col, _ in errors}
    rows = [[None if (i, j) in at else v for j, v in enumerate(r)] for i, r in enumerate(sheet.rows)]
    return replace(sheet, rows=rows, errors=errors)


def check_book(raw: RawWorkbook) -> BookChecked:
    """Check a live book's master sheets, and settle the report's language."""
    checked = validation.check(raw)
    return BookChecked(checked, language(checked, raw))


def report_rows(problems: Sequence[Problem], lang: str) -> list[tuple[str, str, str, str, str]]:
    """The report's rows (severity, sheet, cell, code, message), the same in the file and the book."""
    from toolkit.writers.problems_report import rows

    return rows(problems, lang)


def language(checked: Checked, raw: RawWorkbook) -> str:
    """The workbook's Settings language, read from its cell even when other settings are wrong."""
    if checked.master is not None:
        value: Any = checked.master.settings.language
    else:
        value = _setting_cell(raw, checked.layout.sheets.get("settings"), checked.layout.settings_cells.get("language"))
    chosen = str(value or "it").strip().lower()
    return chosen if chosen in ("it", "en") else "it"


def _setting_cell(raw: RawWorkbook, sheet_name: str | None, cell: str | None) -> Any:
    sheet = raw.sheet(sheet_name) if sheet_name else None
    match = re.fullmatch(r"([A-Z]+)(\d+)", cell or "")
    if sheet is None or match is None:
        return None
    row, col = int(match[2]) - sheet.first_row, column_index(match[1]) - sheet.first_col
    if 0 <= row < len(sheet.rows) and 0 <= col < len(sheet.rows[row]):
        return sheet.rows[row][col]
    return None
