"""The live Excel book, reached through xlwings: every call the toolkit makes, in one place.

Each member of the protocols below is at least one round trip to Excel (a COM call on Windows,
an Apple Event on macOS), and a round trip costs milliseconds where a Python operation costs
nanoseconds. So the shim reads and writes whole blocks: one `used_range` read per master
sheet, one `.value =` per written table, one `.color =` per batch of highlighted cells. The
number of calls depends on the number of sheets and problems, never on the number of rows;
`tests/fakebook.py` implements exactly these members and counts them.

The calls, and what each is for:

| call                                   | used by                          |
|----------------------------------------|----------------------------------|
| `book.name`                            | `read_master`: the workbook name in problems |
| `book.fullname`                        | where the book is: the ledger and output files sit beside it |
| `book.sheets` (iterate), `sheet.name`  | finding sheets by name           |
| `book.sheets.add(name, after=sheet)`   | `write_table` on a missing sheet |
| `sheet.used_range` → `.row`, `.column` | where a sheet's values start     |
| `range.options(ndim=2).value`          | reading a sheet as a 2-D list (the master's with `err_to_str=True`: `#N/A` as text) |
| `sheet.range(column).number_format`    | `read_master`: whether a percent column shows percentages, a code column zeros |
| `sheet.tables` (iterate)               | `read_master`: the sheet's tables (ListObjects) |
| `table.totals_row_range` → `.row`, `.column`, `.shape` | `read_master`: a table's Total Row, which is no row of data |
| `sheet.range(address)`                 | a block's top-left cell, a union `"C3,D7"`, or a defined name (`DataOrdini`) |
| `book.names.contains(name)`            | whether the book defines a panel cell's name (`Press.optional_cell`) |
| `range.value = [[...]]`                | writing a block in one call      |
| `range.color = (r, g, b)` / `None`     | highlighting cells, and un-highlighting them |
| `range.number_format = "..."`          | `write_table`: one call per format, over a union of columns |
| `sheet.clear_contents()`               | emptying a report sheet before rewriting it |
| `sheet.autofit()`, `sheet.activate()`  | showing the report               |
| `book.app.alert(text, title=, mode=)`  | `message`: the message box       |
| `book.app.alert(..., buttons="yes_no")`| `ask`: a Yes/No question before a deliberate act |

`xlwings.Book.caller()` (in `toolkit.excel.buttons`) is the only other xlwings call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from toolkit.basics.cells import Location, column_letter
from toolkit.basics.number_formats import is_percent_format, zero_padding
from toolkit.basics.problems import UnusableInput, define
from toolkit.basics.vocab import normalize
from toolkit.excel.cells import batches, cell_value, column_formats
from toolkit.model.cells import CODE_KINDS, Kind
from toolkit.model.sheets import Sheet as SheetSpec
from toolkit.model.sheets import match_sheet
from toolkit.services.check import live_workbook

if TYPE_CHECKING:
    from toolkit.services.check import RawWorkbook

SHEET_NOT_WRITABLE = define(
    "sheet-not-writable", "error",
    it="Il foglio «{sheet}» è protetto: Excel non lascia scriverci (o vi trova celle unite). Togli la protezione "
       "(Revisione › Rimuovi protezione foglio), poi premi di nuovo il pulsante.",
    en="The “{sheet}” sheet is protected: Excel does not let anything be written on it (or finds merged cells "
       "there). Unprotect it (Review › Unprotect Sheet), then press the button again.")

SHEET_NOT_REFRESHED = define(
    "sheet-not-refreshed", "warning",
    it="Il foglio «{sheet}» è protetto e non è stato aggiornato: quanto detto sopra è fatto lo stesso, non c'è da "
       "ripeterlo. Togli la protezione (Revisione › Rimuovi protezione foglio) perché i pulsanti possano aggiornarlo.",
    en="The “{sheet}” sheet is protected and was not brought up to date: what is said above is done all the same, "
       "nothing to do again. Unprotect it (Review › Unprotect Sheet) so the buttons can update it.",
    title=("Foglio protetto non aggiornato", "Protected sheet not updated"))

HIGHLIGHT = (255, 199, 206)
"""Excel's own "Bad" fill (#FFC7CE): light red, readable under black text."""


class Range(Protocol):
    @property
    def row(self) -> int: ...

    @property
    def column(self) -> int: ...

    value: Any
    color: tuple[int, int, int] | None
    number_format: str

    @property
    def shape(self) -> tuple[int, int]: ...

    def options(self, *, ndim: int, err_to_str: bool = False) -> Range: ...


class Table(Protocol):
    @property
    def totals_row_range(self) -> Range | None: ...


class Sheet(Protocol):
    name: str

    @property
    def used_range(self) -> Range: ...

    @property
    def tables(self) -> Iterable[Table]: ...

    def range(self, address: str) -> Range: ...

    def clear_contents(self) -> None: ...

    def autofit(self) -> None: ...

    def activate(self) -> None: ...


class Sheets(Protocol):
    def __iter__(self) -> Iterator[Sheet]: ...

    def add(self, name: str, *, after: Sheet | None = None) -> Sheet: ...


class App(Protocol):
    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None) -> Any: ...


class Names(Protocol):
    def contains(self, name: str) -> bool: ...


class Book(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def fullname(self) -> str: ...

    @property
    def sheets(self) -> Sheets: ...

    @property
    def app(self) -> App: ...

    @property
    def names(self) -> Names: ...


def sheets_by_name(book: Book) -> dict[str, Sheet]:
    """All sheets, found once: every lookup by name afterwards is free."""
    return {sheet.name: sheet for sheet in book.sheets}


def find_sheet(sheets: Mapping[str, Sheet], name: str) -> Sheet | None:
    """The sheet called `name`, whatever the case: Excel's sheet names ignore case."""
    return sheets.get(name) or next((s for n, s in sheets.items() if n.casefold() == name.casefold()), None)


def read_master(book: Book, sheets: Mapping[str, Sheet] | None = None) -> RawWorkbook:
    """The book's master sheets as raw tables, unsaved edits included.

    A cell showing a formula's error is read as its text (`err_to_str`: else xlwings gives
    None, an empty cell), for the check to name it (`services.check.live_workbook`).
    Only sheets the schema knows are read: the control panel, the report and `xlwings.conf`
    would cost a round trip each and the data check ignores them anyway. Per sheet that is
    `used_range`, its `.row` and `.column` (where the values start) and one `.value`, and its
    `tables` for their Total Rows (`_total_rows`).
    """
    sheets = sheets_by_name(book) if sheets is None else sheets
    raw = []
    for name, sheet in sheets.items():
        if (spec := match_sheet(name)) is None:
            continue
        used = sheet.used_range
        values = used.options(ndim=2, err_to_str=True).value or []
        first_row, first_col = used.row, used.column
        raw.append((name, values, first_row, first_col, *_shown_cells(sheet, spec, values, first_row, first_col),
                    _total_rows(sheet)))
    return live_workbook(book.name, raw)


def _total_rows(sheet: Sheet) -> tuple[tuple[int, int, int], ...]:
    """The Total Rows of the sheet's tables (ListObjects) as (row, first column, last column):
    `Totale` and a SUBTOTAL under the data, which the check must not read as a customer or an
    item. One call for the tables and one per table; three more for a table that shows one."""
    found = []
    for table in sheet.tables:
        totals = table.totals_row_range
        if totals is not None:
            column = totals.column
            found.append((totals.row, column, column + totals.shape[1] - 1))
    return tuple(found)


HEADING_ROWS = 10
"""How far down a sheet its heading row is looked for: below a title or two, as the check finds it."""


def _shown_cells(sheet: Sheet, spec: SheetSpec, values: Sequence[Sequence[Any]], first_row: int,
                 first_col: int) -> tuple[frozenset[tuple[int, int]], dict[tuple[int, int], int]]:
    """The cells (row, column) of the sheet's percent columns (*Sconto %*, *Aliquota IVA*, …)
    when a percent format shows them: Excel keeps 100 % as 1, and `.value` gives the 1. One
    `.number_format` of each percent column below its heading, two calls a column; Excel answers
    a format only when the column's cells share it, so a column of mixed formats (a General cell
    beside percent cells) asks the format of each number that would read otherwise.

    And the number cells of its code columns (`CODE_KINDS`: *Telefono*, *CAP*, *Partita IVA*)
    a format of zeros alone pads, with the digits shown (`zero_padding`): a telephone 0115551234
    typed in a cell formatted `0000000000` is kept as 115551234, which `toolkit check` reads as
    shown and the buttons read as held. Asked as one `.number_format` of a code column holding a
    whole number, two calls a column; a column of mixed formats, which would take a call a cell,
    reads the numbers held."""
    for i, row in enumerate(values[:HEADING_ROWS]):
        found = [(j, column) for j, text in enumerate(row)
                 if isinstance(text, str) and (column := spec.headings.get(normalize(text))) is not None]
        if not found:
            continue
        below, last = first_row + i + 1, first_row + len(values) - 1
        cells: set[tuple[int, int]] = set()
        padded: dict[tuple[int, int], int] = {}
        for j, column in found:
            letter = column_letter(first_col + j)
            if below > last:
                continue
            if column.kind in CODE_KINDS:
                if numbers := _whole_numbers(values, i + 1, j, first_row):
                    digits = zero_padding(sheet.range(f"{letter}{below}:{letter}{last}").number_format)
                    padded.update(((r, first_col + j), digits) for r in numbers if digits)
                continue
            if column.kind is not Kind.PERCENT:
                continue
            shared = sheet.range(f"{letter}{below}:{letter}{last}").number_format
            if shared is not None:
                if is_percent_format(shared):
                    cells.update((r, first_col + j) for r in range(below, last + 1))
                continue
            cells.update((r, first_col + j) for r in _read_otherwise(values, i + 1, j, first_row)
                         if is_percent_format(sheet.range(f"{letter}{r}").number_format))
        return frozenset(cells), padded
    return frozenset(), {}


def _whole_numbers(values: Sequence[Sequence[Any]], start: int, j: int, first_row: int) -> list[int]:
    """The rows of a code column's whole numbers, what a format of zeros would show otherwise."""
    return [first_row + r for r in range(start, len(values))
            if j < len(values[r]) and values[r][j].__class__ in (int, float) and values[r][j] >= 0
            and values[r][j] == int(values[r][j])]


def _read_otherwise(values: Sequence[Sequence[Any]], start: int, j: int, first_row: int) -> list[int]:
    """The rows of a column's numbers a percent format would read otherwise, 1 or more (100 %
    kept as 1; 0.5 is 50 % either way): in a column of mixed formats (a General cell beside
    percent cells), only these need their own format asked, one call each."""
    return [first_row + r for r in range(start, len(values))
            if j < len(values[r]) and values[r][j].__class__ in (int, float) and abs(values[r][j]) >= 1]


def read_values(sheet: Sheet) -> list[list[Any]]:
    """A sheet's used range as a 2-D list (it starts at A1 on the sheets `write_table` wrote)."""
    used = sheet.used_range
    return used.options(ndim=2).value or []


def write_table(book: Book, sheet_name: str, rows: Sequence[Sequence[Any]],
                sheets: dict[str, Sheet] | None = None, after: str | None = None,
                formats: Mapping[int, str] | None = None) -> Sheet:
    """Replace the sheet's contents with `rows` from A1, in one `.value =` call.

    The sheet is created when missing (after the sheet `after`, else at the end). Strings
    are written as text whatever they look like and `Formula` values as formulas: see
    `toolkit.excel.cells.cell_value`. Rows are padded to a rectangle, as Excel wants.
    `formats` gives the number format of the body's columns (0-based index → format code,
    e.g. `toolkit.excel.cells.CURRENCY`): one `.number_format =` per distinct format.
    """
    sheets = sheets_by_name(book) if sheets is None else sheets
    sheet = find_sheet(sheets, sheet_name)
    if sheet is None:
        anchor = find_sheet(sheets, after) if after else None
        if anchor is None and sheets:
            anchor = list(sheets.values())[-1]
        with written(sheet_name):
            sheet = book.sheets.add(sheet_name, after=anchor)
        sheets[sheet_name] = sheet
    else:
        with written(sheet_name):
            sheet.clear_contents()
    if rows:
        width = max(len(row) for row in rows)
        block = [[cell_value(v) for v in row] + [None] * (width - len(row)) for row in rows]
        with written(sheet_name):
            sheet.range("A1").value = block
        for code, address in column_formats(formats, len(rows)) if formats and len(rows) > 1 else ():
            with written(sheet_name):
                sheet.range(address).number_format = code
    return sheet


def highlight(book: Book, cells_by_sheet: Mapping[str, Iterable[str]],
              color: tuple[int, int, int] | None = HIGHLIGHT, sheets: Mapping[str, Sheet] | None = None) -> int:
    """Fill the given cells (`{"Righe modello": ["C2", ...]}`), a union range at a time.

    `color=None` removes the fill. Sheets the book does not have are skipped. Returns the
    number of `.color` writes, each within Excel's 255-character limit for an address.
    """
    sheets = sheets_by_name(book) if sheets is None else sheets
    writes = 0
    for name, cells in cells_by_sheet.items():
        sheet = sheets.get(name)
        if sheet is None:
            continue
        for address in batches(cells):
            with written(name):
                sheet.range(address).color = color
            writes += 1
    return writes


@contextmanager
def written(sheet: str) -> Iterator[None]:
    """A write to the live sheet `sheet`, which Excel refuses when the sheet is protected (or
    the cells merged): `SHEET_NOT_WRITABLE` naming it and the way out, where the press ended in
    an internal error. xlwings raises the platform's own error (a COM error on Windows, an
    AppleScript one on macOS), hence any but Python's own (`BUGS`); only Excel's calls are inside."""
    try:
        yield
    except BUGS:
        raise
    except Exception:
        raise UnusableInput(SHEET_NOT_WRITABLE(Location(sheet), sheet=sheet)) from None


BUGS = (TypeError, ValueError, AttributeError, NameError, LookupError, ArithmeticError, AssertionError)
"""Python's own errors, raised in a call to Excel by a toolkit bug (a value xlwings cannot take, a
wrong argument), never Excel's refusal: an internal error naming itself, not the desk's to fix."""


def message(book: Book, text: str, title: str = "Ordini ricorrenti", critical: bool = False) -> None:
    """A message box over the book: the only way a button talks to the user."""
    book.app.alert(text, title, mode="critical" if critical else "info")


def ask(book: Book, text: str, title: str = "Ordini ricorrenti") -> bool:
    """A Yes/No box over the book; True when the user answers Yes."""
    return str(book.app.alert(text, title, buttons="yes_no", mode="info")).casefold() == "yes"


__all__ = [
    "Book", "Names", "Sheet", "Sheets", "Range", "App", "HIGHLIGHT",
    "sheets_by_name", "find_sheet", "read_master", "read_values", "write_table", "highlight", "written", "message",
    "ask", "SHEET_NOT_WRITABLE", "SHEET_NOT_REFRESHED", "BUGS",
]
