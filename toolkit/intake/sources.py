"""Sources: a workbook as raw two-dimensional tables, and nothing else.

Reading is separated from meaning: a source gives each sheet's values with the position of its
top-left cell, whether they come from a file (python-calamine, about ten times faster than
openpyxl) or from a live Excel book (xlwings, see `toolkit.excel`). Validation then works the
same on both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    from toolkit.intake.guard import vet_workbook

    path = Path(path)
    data = vet_workbook(path).data
    return _calamine(path, data), data


def read_vetted_stepwise(paths: Sequence[Path]) -> list[tuple[RawWorkbook, bytes | None] | Exception]:
    """`read_vetted` over several files a step at a time: every file through the guard, then
    every file it passed through calamine. Each file's result, or the exception reading it alone
    would have raised (for the caller to raise in its place), in the order given.

    The guard (Python: zipfile, zlib, expat) and calamine (Rust) each run much code over a small
    file; alternated file after file, each pushes the other out of the processor's caches, and a
    batch of order forms took a third more CPU that way than with each step run over the whole
    batch (1.33 against 0.86 ms a form, guard to pricing, one process).
    """
    from toolkit.intake.guard import vet_workbook

    vetted: list[bytes | None | Exception] = []
    for path in paths:
        try:
            vetted.append(vet_workbook(Path(path)).data)
        except Exception as exc:  # the file's own refusal, raised by the caller in its turn
            vetted.append(exc)
    read: list[tuple[RawWorkbook, bytes | None] | Exception] = []
    for path, data in zip(paths, vetted):
        if isinstance(data, Exception):
            read.append(data)
            continue
        try:
            read.append((_calamine(Path(path), data), data))
        except Exception as exc:
            read.append(exc)
    return read


def _calamine(path: Path, data: bytes | None) -> RawWorkbook:
    """Every sheet's values, by calamine, from the bytes the guard held (else from the file)."""
    import io

    from python_calamine import CalamineWorkbook

    from toolkit.intake.guard import describe_exception

    try:
        if data is not None:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        else:
            with path.open("rb") as handle:
                book = CalamineWorkbook.from_filelike(handle)
        sheets = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=True)
            start = sheet.start or (0, 0)
            sheets.append(RawSheet(name, rows, start[0] + 1, start[1] + 1))
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise describe_exception(exc, path) from None
    return RawWorkbook(path.name, tuple(sheets))


def from_values(name: str, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> RawWorkbook:
    """A workbook from plain lists (a live Excel book's ranges, or a test's table)."""
    return RawWorkbook(name, tuple(RawSheet(n, rows) for n, rows in sheets.items()))
