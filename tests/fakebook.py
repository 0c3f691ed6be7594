"""A fake xlwings book: exactly the members of `toolkit.excel.book`'s protocols, each counted.

It behaves like Excel where the shim depends on it: reading gives xlwings' types (numbers as
float, dates as datetime, a formula's result rather than its text); writing a string is like
typing it (a leading apostrophe makes text, `=` makes a formula, a number-looking string
becomes a number); `.value =` with a 2-D list fills the block from the top-left cell; an
address may be a union (`"C3,D7"`, at most 255 characters). Every member access is appended
to `book.calls`, so a test can count round trips to Excel.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from toolkit.basics.cells import column_index

Cell = tuple[int, int]
_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_HYPERLINK = re.compile(r'=HYPERLINK\("(?:[^"]|"")*",\s*"((?:[^"]|"")*)"\)\Z', re.IGNORECASE)


class FakeBook:
    def __init__(self, name: str, tables: Mapping[str, Sequence[Sequence[Any]]] | None = None,
                 fullname: str | None = None, names: Mapping[str, str] | None = None):
        self._name = name
        self._fullname = fullname or name
        self.names = FakeNames(self, names or {})
        """Defined names → cell address on the sheet that uses them (e.g. DataOrdini → B3); one whose
        row was deleted refers to `#RIF!`, as Excel keeps it."""
        self.calls: list[str] = []
        self.alerts: list[tuple[str, str | None, str | None]] = []
        """Every box shown: (text, title, mode); a question's mode is "yes_no"."""
        self.answers: list[str] = []
        """What the user answers the next questions ("yes" / "no"), in order; "no" when empty."""
        self.protected: set[str] = set()
        """Sheets protected (*Revisione › Proteggi foglio*): every write to them raises, as Excel's COM error."""
        self.unreadable: set[str] = set()
        """Cells (`Pannello!B19`) whose reading raises, as a COM error of an Excel busy elsewhere does."""
        self._sheets: list[FakeSheet] = []
        self.active: FakeSheet | None = None
        for sheet_name, rows in (tables or {}).items():
            sheet = FakeSheet(self, sheet_name)
            self._sheets.append(sheet)
            sheet.load(rows)
        self.calls.clear()

    def count(self, what: str) -> None:
        self.calls.append(what)

    @property
    def name(self) -> str:
        self.count("book.name")
        return self._name

    @property
    def fullname(self) -> str:
        self.count("book.fullname")
        return self._fullname

    @property
    def sheets(self) -> FakeSheets:
        self.count("book.sheets")
        return FakeSheets(self)

    @property
    def app(self) -> FakeApp:
        self.count("book.app")
        return FakeApp(self)

    def sheet(self, name: str) -> FakeSheet:
        """For assertions: a sheet by name, not counted."""
        return next(s for s in self._sheets if s._name == name)

    def sheet_names(self) -> list[str]:
        return [s._name for s in self._sheets]


class FakeNames(dict[str, str]):
    """`book.names`: the defined names, a dict for the tests; `contains` is xlwings' own question."""

    def __init__(self, book: FakeBook, names: Mapping[str, str]):
        super().__init__(names)
        self._book = book

    def contains(self, name: str) -> bool:
        self._book.count("names.contains")
        return name in self


class FakeSheets:
    def __init__(self, book: FakeBook):
        self._book = book

    def __iter__(self) -> Iterator[FakeSheet]:
        for sheet in list(self._book._sheets):
            self._book.count("sheets.item")
            yield sheet

    def add(self, name: str, *, after: FakeSheet | None = None) -> FakeSheet:
        self._book.count("sheets.add")
        if name.lower() in (s._name.lower() for s in self._book._sheets):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        sheet = FakeSheet(self._book, name)
        index = self._book._sheets.index(after) + 1 if after is not None else 0
        self._book._sheets.insert(index, sheet)
        self._book.active = sheet
        return sheet


class FakeApp:
    def __init__(self, book: FakeBook):
        self._book = book

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None) -> str:
        self._book.count("app.alert")
        if buttons == "ok":
            self._book.alerts.append((prompt, title, mode))
            return "ok"
        assert buttons == "yes_no", buttons
        self._book.alerts.append((prompt, title, buttons))
        return self._book.answers.pop(0) if self._book.answers else "no"


class FakeSheet:
    def __init__(self, book: FakeBook, name: str):
        self._book = book
        self._name = name
        self.cells: dict[Cell, Any] = {}
        """Stored values: text, numbers, datetimes, or `("formula", text)`."""
        self.colors: dict[Cell, tuple[int, int, int]] = {}
        self.formats: dict[Cell, str] = {}
        """Number formats set by the shim (`range.number_format =`)."""
        self.list_objects: list[FakeTable] = []
        """The sheet's tables (ListObjects), added by a test with `add_table`."""

    def load(self, rows: Sequence[Sequence[Any]]) -> None:
        """Fill from A1 as a user would have typed the values (not counted)."""
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None and value != "":
                    self.cells[(i, j)] = _stored(value, typed=False)

    @property
    def name(self) -> str:
        self._book.count("sheet.name")
        return self._name

    @property
    def used_range(self) -> FakeRange:
        self._book.count("sheet.used_range")
        if not self.cells:
            return FakeRange(self, [(1, 1)], 1, 1, 1, 1)
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        return FakeRange(self, None, min(rows), min(cols), max(rows), max(cols))

    @property
    def tables(self) -> list[FakeTable]:
        self._book.count("sheet.tables")
        return list(self.list_objects)

    def add_table(self, ref: str, *, totals: bool) -> None:
        """A table over `ref` (its heading row first), its last row a Total Row when `totals`
        (not counted)."""
        first, last = (_cell(p) for p in ref.split(":"))
        self.list_objects.append(FakeTable(self, first, last, totals))

    def range(self, text: str) -> FakeRange:
        self._book.count("sheet.range")
        if len(text) > 255:
            raise ExcelRefused(f"address longer than 255 characters: {len(text)}")
        text = self._book.names.get(text, text)
        cells: list[Cell] = []
        first: Cell | None = None
        last: Cell | None = None
        for part in text.split(","):
            ends = [_cell(p) for p in part.split(":")]
            top, bottom = ends[0], ends[-1]
            first = first or top
            last = bottom
            cells += [(r, c) for r in range(top[0], bottom[0] + 1) for c in range(top[1], bottom[1] + 1)]
        assert first is not None and last is not None
        single = "," not in text
        return FakeRange(self, cells, first[0], first[1], last[0] if single else first[0],
                         last[1] if single else first[1])

    def clear_contents(self) -> None:
        self._book.count("sheet.clear_contents")
        self.refuse_if_protected("ClearContents")
        self.cells.clear()

    def refuse_if_protected(self, what: str) -> None:
        if self._name in self._book.protected:
            raise ProtectedSheet(f"(-2147352567, 'Eccezione.', (0, 'Microsoft Excel', 'Impossibile impostare la "
                                 f"proprietà {what}', None, 0, -2146827284), None)")

    def autofit(self) -> None:
        self._book.count("sheet.autofit")

    def activate(self) -> None:
        self._book.count("sheet.activate")
        self._book.active = self

    def format(self, ref: str) -> str | None:
        """For assertions: the number format the shim set on one cell, not counted."""
        return self.formats.get(_cell(ref))

    def value(self, ref: str) -> Any:
        """For assertions: what Excel would show in one cell, not counted."""
        return _shown(self.cells.get(_cell(ref)))

    def formula(self, ref: str) -> str | None:
        stored = self.cells.get(_cell(ref))
        return stored[1] if isinstance(stored, tuple) else None

    def rows(self) -> list[list[Any]]:
        """For assertions: the whole used block as shown, not counted."""
        if not self.cells:
            return []
        height = max(r for r, _ in self.cells)
        width = max(c for _, c in self.cells)
        return [[_shown(self.cells.get((r, c))) for c in range(1, width + 1)] for r in range(1, height + 1)]


class FakeTable:
    def __init__(self, sheet: FakeSheet, first: Cell, last: Cell, totals: bool):
        self._sheet, self._first, self._last, self._totals = sheet, first, last, totals

    @property
    def totals_row_range(self) -> FakeRange | None:
        """The Total Row, None when the table shows none, as xlwings answers."""
        self._sheet._book.count("table.totals_row_range")
        if not self._totals:
            return None
        return FakeRange(self._sheet, None, self._last[0], self._first[1], self._last[0], self._last[1])


class ExcelRefused(Exception):
    """What xlwings raises when Excel refuses a call (a name it does not know, an address it cannot
    read): a COM error on Windows, an AppleScript one on macOS, none of Python's own errors (a
    toolkit bug's, which the press must not take for Excel's refusal)."""


class ProtectedSheet(ExcelRefused):
    """What xlwings raises writing to a protected sheet: a COM error on Windows."""


class ExcelBusy(ExcelRefused):
    """What xlwings raises when Excel, busy (a cell being edited, a dialog open), rejects the call:
    a COM error on Windows (RPC_E_CALL_REJECTED)."""


class ExcelError(str):
    """A cell showing a formula's error (`#N/A`): xlwings reads it as None, or as its text with
    `options(err_to_str=True)`."""


class FakeRange:
    def __init__(self, sheet: FakeSheet, cells: list[Cell] | None, top: int, left: int, bottom: int, right: int):
        self._sheet = sheet
        self._cells = cells
        self._box = (top, left, bottom, right)
        self._ndim: int | None = None
        self._err_to_str = False

    def _count(self, what: str) -> None:
        self._sheet._book.count(what)

    @property
    def row(self) -> int:
        self._count("range.row")
        return self._box[0]

    @property
    def column(self) -> int:
        self._count("range.column")
        return self._box[1]

    @property
    def shape(self) -> tuple[int, int]:
        self._count("range.shape")
        top, left, bottom, right = self._box
        return bottom - top + 1, right - left + 1

    def options(self, *, ndim: int, err_to_str: bool = False) -> FakeRange:
        self._count("range.options")
        copy = FakeRange(self._sheet, self._cells, *self._box)
        copy._ndim = ndim
        copy._err_to_str = err_to_str
        return copy

    @property
    def value(self) -> Any:
        self._count("range.value")
        unreadable = {_cell(ref) for sheet, _, ref in (u.partition("!") for u in self._sheet._book.unreadable)
                      if sheet == self._sheet._name}
        if unreadable.intersection(self._targets()):
            raise ExcelBusy("(-2147418111, 'Chiamata rifiutata dal chiamato.', None, None)")
        top, left, bottom, right = self._box
        block = [[_shown(self._sheet.cells.get((r, c)), self._err_to_str) for c in range(left, right + 1)]
                 for r in range(top, bottom + 1)]
        if self._ndim == 2:
            return block
        if len(block) == 1 and len(block[0]) == 1:
            return block[0][0]
        return block[0] if len(block) == 1 else block

    @value.setter
    def value(self, values: Any) -> None:
        self._count("range.value=")
        self._sheet.refuse_if_protected("Value")
        top, left = self._box[0], self._box[1]
        if not isinstance(values, list | tuple):
            values = [[values]]
        elif values and not isinstance(values[0], list | tuple):
            values = [values]
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                cell = (top + i, left + j)
                if value is None or value == "":
                    self._sheet.cells.pop(cell, None)
                else:
                    self._sheet.cells[cell] = _stored(value, typed=True)

    @property
    def color(self) -> tuple[int, int, int] | None:
        self._count("range.color")
        return self._sheet.colors.get(self._targets()[0])

    @color.setter
    def color(self, color: tuple[int, int, int] | None) -> None:
        self._count("range.color=")
        self._sheet.refuse_if_protected("Color")
        for cell in self._targets():
            if color is None:
                self._sheet.colors.pop(cell, None)
            else:
                self._sheet.colors[cell] = color

    @property
    def number_format(self) -> str | None:
        """The cells' format, None when they differ, as Excel answers a range's `NumberFormat`."""
        self._count("range.number_format")
        codes = {self._sheet.formats.get(cell, "General") for cell in self._targets()}
        return codes.pop() if len(codes) == 1 else None

    @number_format.setter
    def number_format(self, code: str) -> None:
        self._count("range.number_format=")
        self._sheet.refuse_if_protected("NumberFormat")
        for cell in self._targets():
            self._sheet.formats[cell] = code

    def _targets(self) -> list[Cell]:
        if self._cells is not None:
            return self._cells
        top, left, bottom, right = self._box
        return [(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)]


def _cell(ref: str) -> Cell:
    match = _REF.fullmatch(ref.strip())
    if not match:
        raise ExcelRefused(f"not a cell address: {ref!r}")
    return int(match[2]), column_index(match[1])


def _stored(value: Any, typed: bool) -> Any:
    """What Excel keeps for a value written to a cell (typed: as if typed by the user)."""
    if isinstance(value, bool | ExcelError):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value)
    if typed and text.startswith("'"):
        return text[1:]
    if text.startswith("="):
        return ("formula", text)
    if typed:
        try:
            return float(text.replace(",", "."))
        except ValueError:
            pass
    return text


def _shown(stored: Any, err_to_str: bool = False) -> Any:
    """What reading `.value` gives: a formula's result (only HYPERLINK is evaluated), an error
    as xlwings gives it."""
    if isinstance(stored, ExcelError):
        return str(stored) if err_to_str else None
    if isinstance(stored, tuple):
        match = _HYPERLINK.match(stored[1])
        return match[1].replace('""', '"') if match else stored[1]
    return stored
