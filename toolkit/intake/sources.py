"""Sources: a workbook as raw two-dimensional tables, and nothing else.

Reading is separated from meaning: a source gives each sheet's values with the position of its
top-left cell, whether they come from a file (python-calamine, about ten times faster than
openpyxl) or from a live Excel book (xlwings, see `toolkit.excel`). Validation then works the
same on both.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from toolkit.basics.problems import UnusableInput


@dataclass(frozen=True, slots=True)
class RawSheet:
    """A sheet's used range: `rows[0][0]` is the cell at (`first_row`, `first_col`), 1-based."""

    name: str
    rows: Sequence[Sequence[Any]]
    first_row: int = 1
    first_col: int = 1
    merged: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()
    """The merged ranges, ((first row, first column), (last row, last column)) 0-based as
    calamine gives them: only the first cell of one holds a value, which a message says."""
    errors: tuple[tuple[int, int, str], ...] = ()
    """The cells showing an error value (`error_cells.ErrorCell`: row, column 1-based, `#N/A`),
    which `rows` holds as empty strings, as calamine gives them."""
    very_hidden: bool = False
    """Very hidden: a sheet Excel shows no tab for and its Unhide does not list (a macro's doing)."""
    percents: frozenset[tuple[int, int]] = frozenset()
    """The cells (row, column, 1-based) a percent number format shows (`percent_cells`): Excel
    keeps 100 % as 1, so such a cell's number is a fraction whatever its size."""
    padded: Mapping[tuple[int, int], int] = field(default_factory=dict)
    """The number cells (row, column, 1-based) a format of zeros alone shows with the digits it
    shows (`percent_cells`): `0000000000` shows 115551234 as the telephone 0115551234 typed, which
    a code column reads (`padded_as_shown`)."""


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


def tab_names(path: Path) -> tuple[str, ...]:
    """The tabs of an .xlsx file, from its workbook part alone (no cell is read), parsed as the
    guard parses any part; empty when the file is missing or not a workbook that can be read.
    What an output about to be replaced holds: a printed document's tab is its number."""
    import zipfile

    from toolkit.basics.problems import UnusableInput
    from toolkit.intake.guard import local_name, xml_starts

    try:
        with zipfile.ZipFile(path) as zf:
            return tuple(str(e.get("name")) for e in xml_starts(zf, "xl/workbook.xml")
                         if local_name(e) == "sheet" and e.get("name"))
    except (OSError, KeyError, EOFError, ValueError, RuntimeError, NotImplementedError, zipfile.BadZipFile,
            UnusableInput):
        return ()


def tabs_marked(path: Path, marks: Collection[str]) -> set[str]:
    """The tabs of an .xlsx file whose printed page header's title (its left part) ends with one
    of `marks` after a dash (`Fattura FT-2026-00001 – COPIA`), read from the workbook's parts
    alone; empty when the file is missing or cannot be read. What a file of printed copies
    about to be written again said of each document: a copy, or the original handed out."""
    import html
    import re
    import zipfile

    from toolkit.basics.problems import UnusableInput
    from toolkit.intake.guard import local_name, xml_starts

    endings = tuple(f" – {mark}" for mark in marks)
    found: set[str] = set()
    try:
        with zipfile.ZipFile(path) as zf:
            targets = {str(e.get("Id")): str(e.get("Target")) for e in xml_starts(zf, "xl/_rels/workbook.xml.rels")
                       if local_name(e) == "Relationship"}
            for e in xml_starts(zf, "xl/workbook.xml"):
                relation = next((v for k, v in e.attrib.items() if k.endswith("}id")), None)
                if local_name(e) != "sheet" or not e.get("name") or relation not in targets:
                    continue
                target = targets[relation].lstrip("/")
                part = target if target.startswith("xl/") else f"xl/{target}"
                header = re.search(rb"<oddHeader>(.*?)</oddHeader>", zf.read(part), re.S)
                left = html.unescape(header.group(1).decode()).split("&R")[0] if header else ""
                if left.endswith(endings):
                    found.add(str(e.get("name")))
    except (OSError, KeyError, EOFError, ValueError, RuntimeError, NotImplementedError, zipfile.BadZipFile,
            UnusableInput):
        return set()
    return found


def read_vetted(path: Path) -> tuple[RawWorkbook, bytes | None]:
    """`read_workbook`, and the file's bytes when it was small enough for the guard to read
    whole (None otherwise): calamine reads those same bytes instead of opening the file again,
    and a caller that needs them (a form's digest) has them without a third read."""
    from toolkit.intake.guard import vet_workbook

    path = Path(path)
    vetted = vet_workbook(path)
    return RawWorkbook(path.name, tuple(_calamine_sheets(path, vetted.data, totals=vetted.total_rows))), vetted.data


def read_sheets(path: Path, meanwhile: Iterable[Callable[[], object]] = ()) -> ParsedSheets:
    """`read_workbook`'s sheets one by one, the next one parsed while the caller works on this
    one, in the order they are parsed: the workbook's, but for its largest sheet, parsed before
    the large sheet that comes before it (`sheet_clearance.parse_order`). The caller puts them
    back in the workbook's order (`ParsedSheets.in_workbook_order`).

    The file is vetted and opened before this returns (an unusable one raises `UnusableInput`
    here); a sheet that calamine cannot parse raises it in its turn in the workbook, once every sheet
    before it is parsed, so that the refusal is the first damaged sheet's. python-calamine
    lets go of the interpreter while it parses a sheet, so on a machine with two cores the data
    check reads one sheet's records while the next is parsed: at L about a second of the
    reading happens beside the parsing instead of after it. The `meanwhile` tasks run in this
    thread, one by one, whenever the next sheet is asked for before it is parsed (any left run
    at the end): work the caller will need anyway, done while it would wait (`_attempt`). Given
    a deque, the caller may add tasks to it while it reads, as the sheets a task needs arrive.

    The guard's search of the sheets for far cells runs beside the parser, a sheet cleared
    before calamine may parse it (`sheet_clearance`): a file refused for a sheet's extent
    raises when the sheets are asked for, before the last one is given."""
    from toolkit.intake.sheet_clearance import vet_beside_the_parser

    path = Path(path)
    vetted, clearance = vet_beside_the_parser(path)
    return _calamine_sheets(path, vetted.data, ahead=AHEAD, meanwhile=meanwhile, clearance=clearance,
                            totals=vetted.total_rows)


AHEAD = 4
"""Sheets parsed ahead of the one being read: enough that a few small sheets waiting their turn
do not hold the parser back from the next large one, few enough that calamine's own copies of
the cells do not pile up while a large sheet is read."""


def read_vetted_stepwise(paths: Sequence[Path]) -> list[tuple[RawWorkbook, bytes | None] | Exception]:
    """`read_vetted` over several files a step at a time: every file through the guard, then
    every file it passed through calamine. Each file's result, or the exception reading it alone
    would have raised (for the caller to raise in its place), in the order given.

    The guard (Python: zipfile, zlib, expat) and calamine (Rust) each run much code over a small
    file; alternated file after file, each pushes the other out of the processor's caches, and a
    batch of order forms took a third more CPU that way than with each step run over the whole
    batch (1.33 against 0.86 ms a form, guard to pricing, one process).
    """
    from toolkit.intake.guard import Vetted, vet_workbook

    vetted: list[Vetted | Exception] = []
    for path in paths:
        try:
            vetted.append(vet_workbook(Path(path)))
        except Exception as exc:  # the file's own refusal, raised by the caller in its turn
            vetted.append(exc)
    read: list[tuple[RawWorkbook, bytes | None] | Exception] = []
    for path, passed in zip(paths, vetted):
        if isinstance(passed, Exception):
            read.append(passed)
            continue
        data = passed.data
        try:
            read.append((RawWorkbook(Path(path).name, tuple(_calamine_sheets(Path(path), data,
                                                                             totals=passed.total_rows))), data))
        except Exception as exc:
            read.append(exc)
    return read


def _calamine_sheets(path: Path, data: bytes | None, ahead: int = 0,
                     meanwhile: Iterable[Callable[[], object]] = (),
                     clearance: Clearance | None = None, totals: bool = True) -> ParsedSheets:
    """calamine's opening of a vetted workbook, from the bytes the guard held (else from the
    file), done now (an unusable file raises here), then its sheets as they are asked for, in
    the order `clearance` gives (the workbook's without one): parsed in a second thread up to
    `ahead` sheets ahead (0: in this thread, when asked for), each once `clearance` lets it
    (given one, the guard's refusal comes before calamine's). Without `totals` (the guard found
    none can be there: `Vetted.total_rows`), no Total Row is looked for.

    The cells showing an error (which calamine gives as empty) are searched for in a thread of
    their own beside the parse, a sheet at a time in its order (`error_cells.ErrorScan`)."""
    import io

    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    from toolkit.intake.error_cells import ErrorScan, unknown_error
    from toolkit.intake.guard import describe_exception
    from toolkit.intake.rust_panics import panics_off_screen
    from toolkit.intake.shared_strings import missing_shared_string
    from toolkit.intake.sheet_clearance import AllCleared
    from toolkit.intake.total_rows import outside_total_rows, total_rows, without_total_rows

    cleared = clearance or AllCleared()
    try:
        with panics_off_screen():
            if data is not None:
                book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            else:
                with path.open("rb") as handle:
                    book = CalamineWorkbook.from_filelike(handle)
            names = list(book.sheet_names)
            unseen = {m.name for m in book.sheets_metadata if m.visible == SheetVisibleEnum.VeryHidden}
    except BaseException as exc:  # calamine raises several unrelated types for broken files
        raise (cleared.verdict() or describe_exception(_broken(exc), path)) from None
    cleared.expect(names)
    order = cleared.order(names)

    def parse(name: str) -> Any:
        cleared.wait(name)
        with panics_off_screen():
            try:
                return book.get_sheet_by_name(name)
            except BaseException as exc:  # calamine raises several unrelated types for broken files
                return _Unparsed(_broken(exc))

    def sheets() -> Iterator[RawSheet]:
        tasks = meanwhile if isinstance(meanwhile, deque) else deque(meanwhile)
        scan = ErrorScan(data if data is not None else path, order, cleared.holds_errors)
        parsed = _parsed_ahead(parse, order, ahead, tasks) if ahead else map(parse, order)
        found_totals = total_rows(data if data is not None else path) if totals else {}
        places = workbook_places(names, order)
        waiting = set(places)
        failed: tuple[int, Exception] | None = None
        try:
            # the parser first in the zip: at its end, the tasks left run
            for count, (sheet, name, at) in enumerate(zip(parsed, order, places), 1):
                waiting.discard(at)
                try:
                    if isinstance(sheet, _Unparsed):
                        raise sheet.exc
                    with panics_off_screen():
                        rows = sheet.to_python(skip_empty_area=True)
                except BaseException as exc:  # calamine raises several unrelated types for broken files
                    if failed is None or at < failed[0]:
                        broken = _broken(exc)
                        failed = (at, unknown_error(broken, name, scan.sheet_errors)
                                  or missing_shared_string(broken, name, data if data is not None else path) or broken)
                if failed is not None:  # the failure of the sheet first in the workbook, as its order meets it
                    if any(i < failed[0] for i in waiting):
                        continue
                    raise failed[1]
                start = sheet.start or (0, 0)
                errors = scan.sheet_errors(name)
                if found := found_totals.get(name):
                    rows = without_total_rows(rows, start[0] + 1, start[1] + 1, found)
                    errors = outside_total_rows(errors, found)
                if count == len(names) and (refusal := cleared.verdict()):
                    raise refusal
                yield RawSheet(name, rows, start[0] + 1, start[1] + 1, tuple(sheet.merged_cell_ranges or ()),
                               errors, name in unseen, scan.sheet_percents(name), scan.sheet_padded(name))
            if not names and (refusal := cleared.verdict()):
                raise refusal
        except BaseException as exc:  # calamine raises several unrelated types for broken files
            raise (cleared.verdict() or describe_exception(_broken(exc), path)) from None
        finally:
            cleared.abandon()  # first: the error cells' search may be waiting for the guard
            scan.close()
            if isinstance(parsed, Generator):
                parsed.close()

    return ParsedSheets(names, order, sheets())


class ParsedSheets(Iterator[RawSheet]):
    """A workbook's sheets in the order calamine parses them (`sheet_clearance.parse_order`),
    and the workbook's own order of them (`names`)."""

    def __init__(self, names: Sequence[str], order: Sequence[str], sheets: Iterator[RawSheet]) -> None:
        self.names = tuple(names)
        self._order = tuple(order)
        self._sheets = sheets

    def __next__(self) -> RawSheet:
        return next(self._sheets)

    def in_workbook_order(self, sheets: Iterable[RawSheet]) -> tuple[RawSheet, ...]:
        """`sheets` as this gave them, each put back at its place in the workbook (`workbook_places`)."""
        at = workbook_places(self.names, self._order)
        return tuple(sheet for _, sheet in sorted(zip(at, sheets), key=lambda placed: placed[0]))


def workbook_places(names: Sequence[str], order: Sequence[str]) -> list[int]:
    """Where each sheet of `order` (the order parsed) stands among `names` (the workbook's).

    A name twice (a hostile file's `workbook.xml`: Excel refuses it) keeps both its places, the
    first parsed at the first: placed by name, both went to the second, after a sheet between
    them, which the data check then kept as the table of their kind (*Customers* for *Clienti*)."""
    places: dict[str, deque[int]] = {}
    for i, name in enumerate(names):
        places.setdefault(name, deque()).append(i)
    return [places[name].popleft() for name in order]


@dataclass(frozen=True, slots=True)
class _Unparsed:
    """A sheet calamine could not parse, and why: its failure is raised in the sheet's turn in
    the workbook (`_calamine_sheets`), after any of a sheet before it, parsed later."""

    exc: Exception



def _broken(exc: BaseException) -> Exception:
    """What calamine raised on a broken file, or `exc` raised again when it is no reader's failure.

    calamine panics on some malformed records (an .xls NAME record cut short: `index out of
    bounds`), which pyo3 raises as `PanicException`, a BaseException like KeyboardInterrupt, so
    `except Exception` let the file end in a traceback and exit 1 instead of its refusal."""
    if isinstance(exc, Exception):
        return exc
    if type(exc).__name__ == "PanicException":
        return RuntimeError(str(exc))
    raise exc


class Clearance(Protocol):
    """Which sheets calamine may parse yet (`sheet_clearance.SheetClearance`)."""

    def expect(self, names: list[str]) -> None: ...
    def order(self, names: list[str]) -> list[str]: ...
    def wait(self, sheet: str) -> None: ...
    def verdict(self) -> UnusableInput | None: ...
    def abandon(self) -> None: ...
    def holds_errors(self, part: str) -> bool | None: ...


def _parsed_ahead(parse: Callable[[str], Any], names: Sequence[str], ahead: int,
                  meanwhile: deque[Callable[[], object]]) -> Iterator[Any]:
    """`parse` (calamine's `get_sheet_by_name`) for each name in turn, run by one worker
    thread at most `ahead` sheets before the one asked for (calamine's workbook is read by one
    thread at a time, and in the names' order as before); while the one asked for is not
    parsed yet, the next `meanwhile` task runs here (taken from the left of the queue, so tasks
    added later run too)."""
    from concurrent.futures import Future, ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="calamine") as pool:
        pending: deque[Future] = deque(pool.submit(parse, n) for n in names[:ahead])
        rest = iter(names[ahead:])
        try:
            while pending:
                while not pending[0].done() and meanwhile:
                    _attempt(meanwhile.popleft())
                done = pending.popleft().result()
                for name in rest:
                    pending.append(pool.submit(parse, name))
                    break
                yield done
        finally:
            for waiting in pending:
                waiting.cancel()
    while meanwhile:
        _attempt(meanwhile.popleft())


def _attempt(task: Callable[[], object]) -> None:
    """A `meanwhile` task is work the caller does anyway: one that fails is left for the caller
    to meet in its own time, not reported as a fault of the workbook."""
    from contextlib import suppress

    with suppress(Exception):
        task()


def padded_as_shown(value: Any, digits: int | None) -> Any:
    """A number cell as a format of zeros shows it (`RawSheet.padded`: the digits shown, or None
    for a cell of no such format), a text of digits: 184 shown `00184` is `"00184"`. Anything
    else as it is: a text, a negative number or one with decimals (which such a format rounds,
    showing what the cell does not hold), a cell of no such format.

    >>> padded_as_shown(184.0, 5), padded_as_shown(3331234567.0, 10), padded_as_shown(184.0, None)
    ('00184', '3331234567', 184.0)
    >>> padded_as_shown(1.5, 5), padded_as_shown(-184.0, 5), padded_as_shown("184", 5)
    (1.5, -184.0, '184')
    """
    if digits is None or value.__class__ not in (int, float) or value < 0 or value != int(value):
        return value
    return str(int(value)).zfill(digits)


def from_values(name: str, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> RawWorkbook:
    """A workbook from plain lists (a live Excel book's ranges, or a test's table)."""
    return RawWorkbook(name, tuple(RawSheet(n, rows) for n, rows in sheets.items()))
