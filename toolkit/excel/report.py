"""The "Controllo dati" sheet of the live book: the file report's rows, with in-book links.

The rows are the data check's report rows (`toolkit.services.check.report_rows`), the same the
file report writes, so the command line and the button show the same thing. Here the cell column links into the book
itself (`=HYPERLINK("#'Righe modello'!C3","C3")`), and the summary goes to a message box.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from toolkit.basics.problems import Problem
from toolkit.excel.cells import hyperlink
from toolkit.services.check import report_headers, report_rows, report_title

TITLE = {lang: report_title(lang) for lang in ("it", "en")}
SHEET = TITLE["it"]
"""The report sheet's name: the Italian title whatever the language, so a second run finds it."""

_CELL = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}\Z")
_SHEET_COLUMN, _CELL_COLUMN = 1, 2


def block(problems: Sequence[Problem], lang: str) -> list[list[Any]]:
    """Header and one row per problem; the cell column is a link when there is a cell."""
    out: list[list[Any]] = [list(report_headers(lang))]
    for problem, row in zip(problems, report_rows(problems, lang)):
        values: list[Any] = list(row)
        if problem.location is not None and problem.cell:
            values[_CELL_COLUMN] = hyperlink(problem.location.reference(), problem.cell)
        out.append(values)
    return out


def cells_by_sheet(problems: Sequence[Problem]) -> dict[str, list[str]]:
    """The cells to highlight: every problem that names a cell."""
    out: dict[str, list[str]] = {}
    for p in problems:
        if p.sheet and p.cell:
            out.setdefault(p.sheet, []).append(p.cell)
    return out


def previous_cells(values: Sequence[Sequence[Any]]) -> dict[str, list[str]]:
    """The cells a report already in the book pointed at: their fill is ours to remove.

    Rows that do not look like ours (edited by hand, another layout) are skipped.
    """
    out: dict[str, list[str]] = {}
    for row in values[1:]:
        if len(row) <= _CELL_COLUMN:
            continue
        sheet, cell = row[_SHEET_COLUMN], row[_CELL_COLUMN]
        if isinstance(sheet, str) and sheet and isinstance(cell, str) and _CELL.match(cell):
            out.setdefault(sheet, []).append(cell)
    return out


def summary(problems: Sequence[Problem], lang: str) -> str:
    """"3 errori, 1 avviso" / "Nessun problema": what the message box says first.

    >>> summary([], "it"), summary([], "en")
    ('Nessun problema', 'No problems')
    """
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if not problems:
        return "Nessun problema" if lang == "it" else "No problems"
    words = {
        "it": (("errore", "errori"), ("avviso", "avvisi")),
        "en": (("error", "errors"), ("warning", "warnings")),
    }[lang]
    parts = [f"{n} {forms[n != 1]}" for n, forms in zip((errors, warnings), words) if n]
    return ", ".join(parts)


def where_to_look(lang: str) -> str:
    return (f"Vedi il foglio «{SHEET}»: ogni riga porta alla sua cella, evidenziata in rosso."
            if lang == "it" else
            f"See the “{SHEET}” sheet: each row links to its cell, highlighted in red.")


def subtract(cells: dict[str, list[str]], minus: dict[str, list[str]]) -> dict[str, list[str]]:
    """The cells of `cells` that are not in `minus`, sheet by sheet."""
    out = {}
    for sheet, addresses in cells.items():
        drop = set(minus.get(sheet, ()))
        keep = [a for a in addresses if a not in drop]
        if keep:
            out[sheet] = keep
    return out
