"""What one Excel sheet holds, and the refusal of a document that would not fit.

XlsxWriter leaves out, with no error, a cell written past a sheet's last row, and a link past
the sheet's last link together with its cell: a large distributor's month would lose rows
without a word. A writer counts its rows first (`check_rows`), or goes on in another sheet
(the accountants' lines table), and writes plain text past the links.
"""

from __future__ import annotations

from toolkit.basics.cells import SHEET_ROWS
from toolkit.basics.problems import ProblemsFound, define
from toolkit.basics.wording import Grouped

ROWS_PER_SHEET = SHEET_ROWS
LINKS_PER_SHEET = 65_530

TOO_MANY_ROWS = define(
    "too-many-rows", "error",
    it="{document}: {rows} righe, più di quante ne tiene un foglio di Excel ({limit}). Scegli un periodo più "
       "corto (--from/--to) o meno ordini; non è stato scritto nulla.",
    en="{document}: {rows} rows, more than an Excel sheet holds ({limit}). Choose a shorter period "
       "(--from/--to) or fewer orders; nothing was written.")


def check_rows(rows: int, document: str) -> None:
    """Refuse a sheet of `rows` rows (its headings included) before a cell is written (a
    month's distribution list at L has 1.1 million lines).

    >>> check_rows(ROWS_PER_SHEET, "Calendario")
    >>> check_rows(ROWS_PER_SHEET + 1, "Calendario")
    Traceback (most recent call last):
    ...
    toolkit.basics.problems.ProblemsFound: 1 problem(s) in the input
    """
    if rows > ROWS_PER_SHEET:
        raise ProblemsFound([TOO_MANY_ROWS(None, document=document, rows=Grouped(rows), limit=Grouped(ROWS_PER_SHEET))])
