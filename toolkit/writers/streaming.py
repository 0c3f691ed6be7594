"""Workbooks written row after row, in XlsxWriter's constant-memory mode.

XlsxWriter normally keeps every cell until it saves: a month of a large business (a million
invoice lines) took several GiB. In constant-memory mode a sheet's row goes to a temporary
file as soon as a later row of that sheet is written, so each sheet must be written top to
bottom; strings are stored inline instead of in a shared table. Each sheet costs temporary
files, which suits a few large sheets, not thousands of small ones. XlsxWriter refuses
`add_table` in this mode: `add_table` here writes the same table.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path
from types import FunctionType
from typing import cast
from zipfile import ZipFile

from xlsxwriter.utility import xl_range
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from toolkit.writers.formulas import PlainFormulasWorksheet
from toolkit.writers.printable import WORKBOOK_OPTIONS, marked


class StreamingWorkbook(Workbook):
    worksheet_class = PlainFormulasWorksheet
    zip_level: int | None = None
    """zlib's level for the parts zipped at the close; None: XlsxWriter's, zlib's default (6)."""

    def _store_workbook(self) -> None:
        """XlsxWriter's close, its parts zipped at `zip_level`: XlsxWriter opens its `ZipFile`
        with no level and offers no way to give one, so the close run is XlsxWriter's own code
        made to see a `ZipFile` that takes the level (`_closing_at`), for this workbook alone:
        nothing of XlsxWriter's module changes, which another thread closing another workbook
        meanwhile would see, and nothing is left to put back when the close fails."""
        if self.zip_level is None:
            super()._store_workbook()
            return
        _closing_at(self.zip_level)(self)


@cache
def _closing_at(level: int) -> Callable[[Workbook], None]:
    """XlsxWriter's `Workbook._store_workbook`, its code as it is, run with its module's names
    but for `ZipFile`, one that deflates at `level`: the same parts in the same order, each
    deflated at that level, where the module's `ZipFile` and the bytes it wrote are untouched."""
    import xlsxwriter.workbook as module

    close = Workbook._store_workbook
    names = {**vars(module), "ZipFile": partial(ZipFile, compresslevel=level)}
    return cast(Callable[[Workbook], None], FunctionType(close.__code__, names, close.__name__, close.__defaults__,
                                                         close.__closure__))


@contextmanager
def streaming_workbook(path: Path, kind: str, book_class: type[StreamingWorkbook] = StreamingWorkbook, *,
                       zip_level: int | None = None) -> Iterator[Workbook]:
    """A constant-memory workbook, saved when the block ends without an error; its temporary
    files live in a directory of their own, removed even when writing fails half-way.
    (`blocks.StreamedWorkbook`'s sheets also take blocks of rows.) `zip_level`: zlib's level
    for its zip, None for XlsxWriter's (`StreamingWorkbook.zip_level`)."""
    _sweep_stale_folders()
    with tempfile.TemporaryDirectory(prefix=TEMPORARY_PREFIX, ignore_cleanup_errors=True) as tmpdir:
        book = book_class(str(path), {**WORKBOOK_OPTIONS, "constant_memory": True, "tmpdir": tmpdir})
        book.zip_level = zip_level
        marked(book, kind)
        try:
            yield book
        except BaseException:
            for sheet in book.worksheets():  # Windows deletes no open file
                sheet._opt_close()
            raise
        book.close()


QUICK_ZIP_LEVEL = 5
"""zlib's level for the large workbooks a desk writes every day, the distribution and complete
lists and the panel, one below XlsxWriter's 6: the same parts, zipped in two thirds of the CPU
for a file 2.6–2.8 % larger (at L mid-month the list's 271 MB of XML 2.05 → 1.40 s, 19.85 →
20.37 MB; the panel's 370 MB 6.0 → 3.3 s, 44.6 → 45.8 MB; docs/performance.md, the lists)."""


TEMPORARY_PREFIX = "toolkit-xlsx-"


def _sweep_stale_folders(older_than: float = 3600) -> None:
    """Remove the temporary folders of streaming writers killed half-way (ours by their prefix,
    untouched for an hour) from the system's temporary folder."""
    import os
    import shutil
    import time

    limit = time.time() - older_than
    root = Path(tempfile.gettempdir())
    try:
        found = [p for p in root.iterdir() if p.name.startswith(TEMPORARY_PREFIX)]
    except OSError:
        return
    for folder in found:
        try:
            if not folder.is_dir() or folder.is_symlink():
                continue
            latest = max([os.stat(folder).st_mtime, *(os.stat(f).st_mtime for f in folder.iterdir())])
            if latest < limit:  # a writer still at work touches its files
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def add_table(sheet: Worksheet, last_row: int, headers: Sequence[str], name: str, style: str) -> None:
    """An Excel table over rows 0..last_row, its header row written here, before any data row.

    XlsxWriter's `add_table` refuses constant-memory sheets (it writes the headers itself and
    records every cell of the range to detect overlaps: 18 million entries for a full sheet).
    This registers the same table description it would, for a plain table: headers,
    autofilter, banded rows, no totals row.
    """
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header)
    cells = xl_range(0, 0, last_row, len(headers) - 1)
    sheet.tables.append({
        "show_first_col": False, "show_last_col": False, "show_row_stripes": True, "show_col_stripes": False,
        "header_row_count": True, "totals_row_shown": False, "description": None, "title": None,
        "name": name, "style": style.replace(" ", ""), "range": cells, "a_range": cells, "autofilter": cells,
        "columns": [{"id": n, "name": header, "total_string": "", "total_function": "", "custom_total": "",
                     "total_value": 0, "formula": "", "format": None, "name_format": None}
                    for n, header in enumerate(headers, start=1)],
    })
