"""What a batch conversion writes: sheets as CSV, workbooks normalized to xlsx, and the run's
report workbook. Each file is written under a temporary name and renamed when complete.

A CSV is UTF-8 (with a BOM, so Excel on Windows reads the accents) with `;` between values,
numbers with the decimal comma and dates day first, as an Italian Excel reads them: a `;` file
with `18.5` in it opens as 18 May. The machine form (`italian=False`) writes `18.5` and ISO
dates instead; either way one file holds one style, never a mix. Text that looks like a formula stays text in the xlsx (it is
written as a string); in the CSV it is prefixed by an apostrophe (CWE-1236).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from toolkit.basics.files import write_atomic, write_text_atomic
from toolkit.basics.problems import Problem
from toolkit.model.cells import PercentShown
from toolkit.writers.printable import a4, fitting_width, longest_texts, marked, set_widths

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet opening a CSV run a cell as a formula (CWE-1236): the four
formula marks, and a tab or carriage return before one, which Excel skips."""


def csv_text(rows: Sequence[Sequence[Any]], *, italian: bool = True, money: Collection[int] = ()) -> str:
    """A sheet's values as CSV text; a number in a `money` column (0-based) with at least two
    decimals (`_amount`), so an accounting import never meets `1406` beside `1234,50`.

    >>> csv_text([["Codice", "Prezzo"], ["A1", 12.5], ["=1+1", None]], italian=True).splitlines()
    ['\\ufeffCodice;Prezzo', 'A1;12,5', "'=1+1;"]
    >>> csv_text([["Prezzo", "Qtà"], [1406, 3], [0.125, 2.5]], italian=True, money={0}).splitlines()[1:]
    ['1406,00;3', '0,125;2,5']
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([_amount(v, italian) if c in money else _shown(v, italian) for c, v in enumerate(row)])
    return out.getvalue()


def _amount(value: Any, italian: bool) -> str:
    """A money cell: a number with two decimals at least (`1406,00`, `18,50`), never rounded (a
    unit price `0,125` keeps its third); anything else (a heading, a note) as `_shown` writes it.

    >>> _amount(1406, True), _amount(18.5, False), _amount(Decimal("0.125"), True), _amount("Prezzo", True)
    ('1406,00', '18.50', '0,125', 'Prezzo')
    """
    if isinstance(value, (bool, PercentShown)) or not isinstance(value, (int, float, Decimal)):
        return _shown(value, italian)
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if exact.is_finite() and exact.as_tuple().exponent > -2:  # type: ignore[operator]
        exact = exact.quantize(Decimal("0.01"))
    return _shown(exact, italian)


def _shown(value: Any, italian: bool) -> str:
    """A cell as the CSV writes it; a percent cell as the number it shows, 100 for the 1 Excel
    keeps behind 100 %: a CSV has no formats, and a plain 1 reads as 1 % to the desk and to the
    data check (`toolkit.model.cells`).

    >>> _shown(PercentShown(1.0), True), _shown(PercentShown(0.125), True)
    ('100', '12,5')
    """
    if value is None:
        return ""
    if isinstance(value, PercentShown):
        value = value.shown
    if isinstance(value, bool):
        return ("VERO" if value else "FALSO") if italian else ("TRUE" if value else "FALSE")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float, Decimal)):
        text = _plain(value)
        return text.replace(".", ",") if italian else text
    if isinstance(value, datetime):
        if value.time() == time(0):
            value = value.date()
        else:
            return value.strftime("%d/%m/%Y %H:%M:%S" if italian else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if italian else value.isoformat()
    return csv_inert(str(value))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""The control characters a CSV cell cannot carry: an accounting program's import stops at a
NUL or a vertical tab in a name. Tab, line feed and carriage return stay (quoting holds them)."""


def csv_inert(text: str) -> str:
    """User text as a CSV cell a spreadsheet shows and never runs, and an import reads: each
    control character (`_CONTROL`) a space, then the text prefix `'` before a formula's start
    (`_FORMULA_START`); a lone `-` or `+` is a placeholder, not a formula.

    >>> csv_inert("=HYPERLINK(1)"), csv_inert("\\t=1+1"), csv_inert("-"), csv_inert("Bar-Ristoro")
    ("'=HYPERLINK(1)", "'\\t=1+1", '-', 'Bar-Ristoro')
    >>> csv_inert("Rossi\\x0bS.r.l.\\x00"), csv_inert("\\x1f=1+1")
    ('Rossi S.r.l. ', ' =1+1')
    """
    text = _CONTROL.sub(" ", text)
    return "'" + text if len(text) > 1 and text.startswith(_FORMULA_START) else text


def _plain(value: int | float | Decimal) -> str:
    """A number written out in full, no thousands separator and no exponent (`1E+3`, `1e-05`),
    which a spreadsheet could read as text or in another style than the rest of the file.

    >>> _plain(Decimal("1E+3")), _plain(1e-05), _plain(1234.5), _plain(Decimal("1234.50"))
    ('1000', '0.00001', '1234.5', '1234.50')
    """
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return format(exact, "f")


def write_csv(target: Path, rows: Sequence[Sequence[Any]], *, italian: bool = True,
              money: Collection[int] = ()) -> Path:
    return write_text_atomic(target, csv_text(rows, italian=italian, money=money))


def write_tables(target: Path, sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> Path:
    """Sheets of plain values as an xlsx: numbers as numbers, dates as dates, text as text; a
    percent cell (`PercentShown`) keeps Excel's fraction under a percent format, so the copy
    shows 100 % as the source did and a formula the desk writes beside it computes with 1. A
    whole number of more digits than the General format shows (`_long_whole`: an EAN, a mobile
    with its 39) is a number under the format `0`, which shows every digit: in General Excel
    showed `8,00123E+12`."""

    def write(tmp: Path) -> None:
        book = marked(xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                                     "strings_to_numbers": False}), "converted")
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        moment = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        whole = book.add_format({"num_format": "0"})
        percents: dict[int, Any] = {}

        def percent(value: PercentShown) -> Any:
            places = max(0, -int(value.shown.as_tuple().exponent))
            if places not in percents:
                percents[places] = book.add_format({"num_format": f"0{'.' + '0' * places if places else ''}%"})
            return percents[places]

        used: set[str] = set()
        for name, rows in sheets or (("Foglio1", []),):
            sheet = book.add_worksheet(_sheet_name(name, used))
            texts: dict[int, _Longest] = {}
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    _write(sheet, r, c, value, day, moment, percent, whole)
                    if value is not None:
                        texts.setdefault(c, _Longest()).add(_shown_width(value))
            widths = [fitting_width(texts[c].kept, DEFAULT_WIDTH) if c in texts else DEFAULT_WIDTH
                      for c in range(max(texts, default=-1) + 1)]
            a4(sheet, landscape=True, widths=set_widths(sheet, widths))
        book.close()

    return write_atomic(target, write)


DEFAULT_WIDTH = 8.43
"""A spreadsheet's column width when none is given: the narrowest a converted column gets."""


class _Longest:
    """A column's longest distinct texts, all `fitting_width` measures, kept as the rows are
    written: a converted sheet may hold a million rows, whose texts are not all kept. The texts
    `longest_texts` picks, as `fitting_width` does."""

    MOST = 20

    def __init__(self) -> None:
        self.kept: set[str] = set()

    def add(self, text: str) -> None:
        self.kept.add(text)
        if len(self.kept) > 10 * self.MOST:
            self.kept = set(longest_texts(self.kept, self.MOST))


def _shown_width(value: Any) -> str:
    """The text a cell shows, as wide as the sheet prints it: a number in the General format
    shows at most 11 digits, a date day first (`_shown`, as the CSV writes it).

    >>> _shown_width(1 / 3), _shown_width(date(2026, 4, 9)), _shown_width("Via Roma 1")
    ('0,333333333', '09/04/2026', 'Via Roma 1')
    """
    text = _shown(value, True)
    return text[:_GENERAL_DIGITS] if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) \
        and not _long_whole(value) else text


_GENERAL_DIGITS = 11
"""The digits Excel's General format shows of a number; past them it shows an exponent."""


def _long_whole(value: int | float | Decimal) -> bool:
    """Whether a number is whole and of more digits than General shows: a code (an EAN
    8001234567890, a mobile 393331234567), written under the format `0` to show them all.

    >>> _long_whole(8001234567890.0), _long_whole(99999999999), _long_whole(123456789012.5)
    (True, False, False)
    """
    return abs(value) >= 10 ** _GENERAL_DIGITS and value == int(value)


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")[:31] or "Foglio"
    candidate, n = clean, 2
    while candidate.lower() in used:
        candidate = f"{clean[:28]}~{n}"
        n += 1
    used.add(candidate.lower())
    return candidate


def _write(sheet: Any, r: int, c: int, value: Any, day: Any, moment: Any, percent: Any, whole: Any) -> None:
    if value is None:
        return
    if isinstance(value, PercentShown):
        sheet.write_number(r, c, float(value), percent(value))
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, (int, float, Decimal)):
        sheet.write_number(r, c, float(value), whole if _long_whole(value) else None)
    elif isinstance(value, datetime):
        sheet.write_datetime(r, c, value, day if value.time() == time(0) else moment)
    elif isinstance(value, date):
        sheet.write_datetime(r, c, datetime.combine(value, time(0)), day)
    else:
        sheet.write_string(r, c, str(value))


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One input of the run as the report lists it."""

    file: str
    status: str
    reason: str
    outputs: tuple[str, ...]
    problems: tuple[Problem, ...]


REPORT_TITLE = {"it": "Conversione", "en": "Conversion"}
STATUS = {"it": {"converted": "Convertito", "skipped": "Saltato", "failed": "Non riuscito"},
          "en": {"converted": "Converted", "skipped": "Skipped", "failed": "Failed"}}
HEADERS = {"it": ("File", "Esito", "Motivo", "Foglio", "Cella", "Problema", "Risultato"),
           "en": ("File", "Outcome", "Reason", "Sheet", "Cell", "Problem", "Output")}
COUNT_HEADERS = {"it": ("Esito", "File"), "en": ("Outcome", "Files")}
MATCH_TITLE = {"it": "Colonne", "en": "Columns"}
MATCH_HEADERS = {"it": ("File", "Foglio", "Foglio del formato", "Colonna", "Campo"),
                 "en": ("File", "Sheet", "Format sheet", "Column", "Field")}


def write_report(target: Path, rows: Sequence[ReportRow], lang: str,
                 matched: Sequence[tuple[str, str, str, str, str]] = (), run_problems: Sequence[Problem] = ()) -> Path:
    """The run's report: one row per file (and per problem of a file), the counts, and for a
    master conversion the columns matched (file, sheet, format sheet, heading, field)."""

    def write(tmp: Path) -> None:
        book = marked(xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False}),
                      "converted")
        bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        wrap = book.add_format({"valign": "top", "text_wrap": True})
        sheet = book.add_worksheet(REPORT_TITLE[lang])
        set_widths(sheet, (40, 14, 30, 16, 8, 70, 40))
        sheet.write_row(0, 0, HEADERS[lang], bold)
        r = 1
        for row in rows:
            problems: Sequence[Problem | None] = row.problems or (None,)
            for p in problems:
                sheet.write_string(r, 0, row.file, wrap)
                sheet.write_string(r, 1, STATUS[lang][row.status], wrap)
                sheet.write_string(r, 2, row.reason, wrap)
                if p is not None:
                    sheet.write_string(r, 3, p.sheet or "", wrap)
                    sheet.write_string(r, 4, p.cell or "", wrap)
                    sheet.write_string(r, 5, p.message(lang), wrap)
                sheet.write_string(r, 6, "\n".join(row.outputs), wrap)
                r += 1
        for p in run_problems:
            sheet.write_string(r, 0, p.location.workbook or "" if p.location else "", wrap)
            sheet.write_string(r, 3, p.sheet or "", wrap)
            sheet.write_string(r, 4, p.cell or "", wrap)
            sheet.write_string(r, 5, p.message(lang), wrap)
            r += 1
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(r - 1, 1), len(HEADERS[lang]) - 1)
        a4(sheet, landscape=True, repeat_rows=(0, 0))
        counts = book.add_worksheet("Riepilogo" if lang == "it" else "Summary")
        set_widths(counts, (20, 10))
        counts.write_row(0, 0, COUNT_HEADERS[lang], bold)
        for i, status in enumerate(("converted", "skipped", "failed"), start=1):
            counts.write_string(i, 0, STATUS[lang][status])
            counts.write_number(i, 1, sum(1 for x in rows if x.status == status))
        a4(counts)
        if matched:
            columns = book.add_worksheet(MATCH_TITLE[lang])
            set_widths(columns, (40, 24, 22, 30, 22))
            columns.write_row(0, 0, MATCH_HEADERS[lang], bold)
            for i, match in enumerate(matched, start=1):
                columns.write_row(i, 0, match)
            columns.freeze_panes(1, 0)
            a4(columns, landscape=True, repeat_rows=(0, 0))
        book.close()

    return write_atomic(target, write)
