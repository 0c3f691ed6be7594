"""Sources: a workbook as raw two-dimensional tables, and nothing else.

Reading is separated from meaning: a source gives each sheet's values with the position of its
top-left cell, whether they come from a file (python-calamine, about ten times faster than
openpyxl) or from a live Excel book (xlwings, see `toolkit.excel`). Validation then works the
same on both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class RawSheet:
    """A sheet's used range: `rows[0][0]` is the cell at (`first_row`, `first_col`), 1-based."""

    name: str
    rows: Sequence[Sequence[Any]]
    first_row: int = 1
    first_col: int = 1


@dataclass(frozen=True, slots=True)
class RawWorkbook:
    name: str
    sheets: tuple[RawSheet, ...]

    def sheet(self, name: str) -> RawSheet | None:
        return next((s for s in self.sheets if s.name == name), None)


def read_workbook(path: Path) -> RawWorkbook:
    """Read every sheet's values; unusable files raise `UnusableInput` with one clear line.

    The reader is chosen from the content, not the extension: an `.xlsx` exported under an
    `.xls` name is common.
    """
    return read_vetted(path)[0]


def read_vetted(path: Path) -> tuple[RawWorkbook, bytes | None]:
    """`read_workbook`, and the file's bytes when it was small enough for the guard to read
    whole (None otherwise): calamine reads those same bytes instead of opening the file again,
    and a caller that needs them (a form's digest) has them without a third read."""
    path = Path(path)
    sheets, data = _vetted_sheets(path)
    return RawWorkbook(path.name, tuple(sheets)), data


def read_sheets(path: Path, meanwhile: Iterable[Callable[[], object]] = ()) -> Iterator[RawSheet]:
    """`read_workbook`'s sheets one by one, in the workbook's order, the next one parsed while
    the caller works on this one.

    The file is vetted and opened before this returns (an unusable one raises `UnusableInput`
    here); a sheet that calamine cannot parse raises it when its turn comes. python-calamine
    lets go of the interpreter while it parses a sheet, so on a machine with two cores the data
    check reads one sheet's records while the next is parsed: at L about a second of the
    reading happens beside the parsing instead of after it. The `meanwhile` tasks run in this
    thread, one by one, whenever the next sheet is asked for before it is parsed (any left run
    at the end): work the caller will need anyway, done while it would wait (`_attempt`)."""
    return _vetted_sheets(Path(path), ahead=AHEAD, meanwhile=meanwhile)[0]


AHEAD = 4
"""Sheets parsed ahead of the one being read: enough that a few small sheets waiting their turn
do not hold the parser back from the next large one, few enough that calamine's own copies of
the cells do not pile up while a large sheet is read."""


def _vetted_sheets(path: Path, ahead: int = 0,
                   meanwhile: Iterable[Callable[[], object]] = ()) -> tuple[Iterator[RawSheet], bytes | None]:
    """The guard and calamine's opening of the workbook, done now (an unusable file raises here),
    then its sheets as they are asked for: parsed in a second thread up to `ahead` sheets ahead
    (0: in this thread, when asked for)."""
    import io

    from python_calamine import CalamineWorkbook

    from toolkit.intake.guard import describe_exception, vet_workbook

    data = vet_workbook(path).data
    try:
        if data is not None:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        else:
            with path.open("rb") as handle:
                book = CalamineWorkbook.from_filelike(handle)
        names = list(book.sheet_names)
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise describe_exception(exc, path) from None

    def sheets() -> Iterator[RawSheet]:
        parsed = _parsed_ahead(book, names, ahead, iter(meanwhile)) if ahead else map(book.get_sheet_by_name, names)
        try:
            for name, sheet in zip(names, parsed):
                rows = sheet.to_python(skip_empty_area=True)
                start = sheet.start or (0, 0)
                yield RawSheet(name, rows, start[0] + 1, start[1] + 1)
        except Exception as exc:  # calamine raises several unrelated types for broken files
            raise describe_exception(exc, path) from None

    return sheets(), data


def _parsed_ahead(book: Any, names: Sequence[str], ahead: int, meanwhile: Iterator[Callable[[], object]]) -> Iterator[Any]:
    """`book.get_sheet_by_name` for each name in turn, run by one worker thread at most
    `ahead` sheets before the one asked for (calamine's workbook is read by one thread at a
    time, and in the names' order as before); while the one asked for is not parsed yet, the
    next `meanwhile` task runs here."""
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="calamine") as pool:
        pending: deque[Future] = deque(pool.submit(book.get_sheet_by_name, n) for n in names[:ahead])
        rest = iter(names[ahead:])
        try:
            while pending:
                while not pending[0].done() and (task := next(meanwhile, None)) is not None:
                    _attempt(task)
                done = pending.popleft().result()
                for name in rest:
                    pending.append(pool.submit(book.get_sheet_by_name, name))
                    break
                yield done
        finally:
            for waiting in pending:
                waiting.cancel()
    for task in meanwhile:
        _attempt(task)


def _attempt(task: Callable[[], object]) -> None:
    """A `meanwhile` task is work the caller does anyway: one that fails is left for the caller
    to meet in its own time, not reported as a fault of the workbook."""
    from contextlib import suppress

    with suppress(Exception):
        task()


def from_values(name: str, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> RawWorkbook:
    """A workbook from plain lists (a live Excel book's ranges, or a test's table)."""
    return RawWorkbook(name, tuple(RawSheet(n, rows) for n, rows in sheets.items()))
