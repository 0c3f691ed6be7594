"""The "Controllo dati" workbook: every problem with a hyperlink to its cell.

The link opens the master workbook at the offending cell (a relative link, so report and
workbook can move together). Messages are written as text whatever they contain.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import xlsxwriter

from toolkit.basics.dates import today_rome
from toolkit.basics.files import write_atomic
from toolkit.basics.problems import Problem, Severity
from toolkit.writers.printable import WORKBOOK_OPTIONS, a4, as_of, marked, page_header, set_widths
from toolkit.writers.row_heights import fit_row
from toolkit.writers.sheet_limits import LINKS_PER_SHEET

TITLE = {"it": "Controllo dati", "en": "Data check"}
HEADERS = {
    "it": ("Gravità", "Foglio", "Cella", "Codice", "Messaggio"),
    "en": ("Severity", "Sheet", "Cell", "Code", "Message"),
}
WIDTHS = (10, 18, 8, 26, 90)
SEVERITY = {
    "it": {Severity.ERROR: "Errore", Severity.WARNING: "Avviso"},
    "en": {Severity.ERROR: "Error", Severity.WARNING: "Warning"},
}


def rows(problems: Sequence[Problem], lang: str) -> list[tuple[str, str, str, str, str]]:
    """The report's rows, shared by the file report and the live workbook's sheet."""
    return [(SEVERITY[lang][p.severity], p.sheet or "", p.cell or "", p.code, p.message(lang)) for p in problems]


def write_problems_report(target: Path, problems: Sequence[Problem], workbook: Path, lang: str = "it",
                          day: date | None = None) -> Path:
    """One row per problem, the report's title, the workbook checked and the day (today) in
    every page's header; its cell links into the workbook, up to a sheet's links (a broken
    column of a large master gives tens of thousands of problems), then is plain text."""
    target = Path(target)
    link_base = os.path.relpath(Path(workbook).resolve(), target.resolve().parent)

    def write(tmp: Path) -> None:
        book = marked(xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS), "data-check")
        sheet = book.add_worksheet(TITLE[lang][:31])
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        error = book.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE", "valign": "top"})
        warning = book.add_format({"font_color": "#9C5700", "bg_color": "#FFEB9C", "valign": "top"})
        link = book.add_format({"font_color": "blue", "underline": 1, "valign": "top"})
        top = book.add_format({"valign": "top"})
        wrap = book.add_format({"valign": "top", "text_wrap": True})
        widths = set_widths(sheet, WIDTHS)
        sheet.write_row(0, 0, HEADERS[lang], bold)
        for i, (p, row) in enumerate(zip(problems, rows(problems, lang)), start=1):
            sheet.write_string(i, 0, row[0], error if p.is_error else warning)
            sheet.write_string(i, 1, row[1], wrap)
            if p.location is not None and p.cell and i <= LINKS_PER_SHEET:
                sheet.write_url(i, 2, f"external:{link_base}#{p.location.reference()}", link, row[2])
            else:
                sheet.write_string(i, 2, row[2], top)
            sheet.write_string(i, 3, row[3], wrap)
            sheet.write_string(i, 4, row[4], wrap)
            fit_row(sheet, i, [(row[1], widths[1]), (row[3], widths[3]), (row[4], widths[4])])
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(problems), 1), 4)
        a4(sheet, landscape=True, repeat_rows=(0, 0))
        page_header(sheet, f"{TITLE[lang]} – {Path(workbook).name}", as_of(day or today_rome(), lang))
        book.close()

    return write_atomic(target, write)
