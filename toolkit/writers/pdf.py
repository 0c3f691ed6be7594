"""Workbooks printed to PDF by LibreOffice: a list or a report as it is, the documents one by one.

A workbook of documents, one sheet each, is not converted as it is. LibreOffice takes a time
that grows faster than its sheets (a day's DDTs at M: 50 in 6 s, 400 in 147 s; a thousand
invoices did not finish in ten minutes), and it numbers the pages across the whole workbook,
so the seventeenth DDT said "17 / 400" at its foot. Each document is written as a workbook of
its own instead, the workbooks converted a hundred to a LibreOffice run by a few runs side by
side, and the pages joined in the documents' order: 62-70 ms a DDT on two cores, from a day
at M (296 DDTs) to one at L (3,126), and each says "1 / 1", as Excel prints a sheet. Past
`MOST_IN_A_PDF` documents the pages go on in further PDFs, so memory stays bounded.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from toolkit.basics.files import PDF_AUTHOR, atomic_path, in_parts, made_for, part_path, refuse_other_pdf
from toolkit.writers.libreoffice import convert, convert_all

Document = TypeVar("Document")

PER_RUN = 100
"""Documents converted by one LibreOffice run. Starting LibreOffice takes about two seconds;
past about 250 files one run stopped converting, exiting as if it had succeeded."""

MOST_IN_A_PDF = 5_000
"""Documents in one PDF at most; more go on in further PDFs beside it. Joining the pages holds
110-170 KB of each document in memory (a day's 3,591 DDTs at L took 0.4 GB more than the
workbook alone, 1,000 orders at M 168 MB), and each page takes 20-25 KB of the file, its
fonts' letters embedded with it: a day's 7,571 orders at L print to two PDFs with 1.46 GB at
the peak; a month's 54,000 invoices in one would hold some 8 GB."""


def to_pdf(workbook: Path, target: Path | None = None) -> Path:
    """The workbook printed to PDF by LibreOffice, beside it unless `target` says otherwise; a
    user's own PDF of that name is refused (`refuse_other_pdf`), ours replaced."""
    workbook = Path(workbook)
    target = Path(target) if target is not None else workbook.with_suffix(".pdf")
    refuse_other_pdf(target)
    with tempfile.TemporaryDirectory(prefix="toolkit-pdf-") as out:
        converted = convert(workbook, "pdf", Path(out))
        with atomic_path(target) as tmp:
            shutil.copyfile(converted, tmp)
    return target


def documents_to_pdf(target: Path, documents: Sequence[Document], write: Callable[[Path, Sequence[Document]], Path],
                     *, part: str = "parte", workers: int | None = None,
                     progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """`documents` printed to PDF at `target`, in their order, each document's pages numbered on
    their own: `write(path, [document])` writes a document's workbook as its printing does, and
    LibreOffice prints each one. Past `MOST_IN_A_PDF` documents they go on in further PDFs beside
    it (`basics.files.part_path`, `part` the word for a part); returns every PDF written.
    `progress(done, total)` hears of the documents printed as each run ends: a day at L takes
    minutes."""
    written: list[Path] = []
    for number, documents_of_part in enumerate(in_parts(documents, MOST_IN_A_PDF), start=1):
        with tempfile.TemporaryDirectory(prefix="toolkit-pdf-") as work:
            told = _counted_from(progress, (number - 1) * MOST_IN_A_PDF, len(documents))
            each = _each_printed(documents_of_part, write, Path(work), workers, told)
            written.append(join(each, part_path(target, part, number)))
    return written


def refuse_other_pdfs(target: Path, documents: int, part: str = "parte") -> None:
    """Refuse, before anything is printed or stored, a PDF that `documents_to_pdf` would write
    over (`target` and its further parts) which the toolkit did not print (`refuse_other_pdf`):
    `print --pdf` replaced without a word a user's own PDF that had the name. Our own joined PDF
    of before `join` named its author, beside the workbook we printed with it, is ours too
    (`_joined_unmarked`): refused, a desk's reprint of a day printed before the update stopped
    on its own file."""
    beside_ours = made_for(target.with_suffix(".xlsx")) is not None
    for path in pdf_paths(target, documents, part):
        if not (beside_ours and _joined_unmarked(path)):
            refuse_other_pdf(path)


def pdf_paths(target: Path, documents: int, part: str = "parte") -> list[Path]:
    """The PDFs `documents_to_pdf` writes `documents` into: `target` and its further parts."""
    return [part_path(target, part, number) for number in range(1, max(1, -(-documents // MOST_IN_A_PDF)) + 1)]


def _joined_unmarked(path: Path) -> bool:
    """Whether `path` is a PDF `join` wrote before it named its author: its document information
    names pypdf its producer and nothing else (no author, no title), which no scan or program
    of a user's writes; it cannot be read, or is no file, is not."""
    from pypdf import PdfReader

    if not path.is_file():
        return False
    try:
        info = PdfReader(path).metadata
    except Exception:  # a damaged or foreign file is simply not one we printed
        return False
    return info is not None and set(info) == {"/Producer"} and str(info.producer).strip() == "pypdf"


def _counted_from(progress: Callable[[int, int], None] | None, before: int,
                  total: int) -> Callable[[int], None] | None:
    """A part's `progress`, its documents counted after the `before` of the parts before it."""
    if progress is None:
        return None
    return lambda done: progress(before + done, total)


def _each_printed(documents: Sequence[Document], write: Callable[[Path, Sequence[Document]], Path], folder: Path,
                  workers: int | None, progress: Callable[[int], None] | None = None) -> list[Path]:
    """Each document's PDF in `folder`, in the documents' order: a hundred to a LibreOffice run,
    as many runs side by side as `workers` (by default the cores, up to four). When a run fails,
    or the user presses Ctrl-C, `map` cancels the runs not yet started: a day at L has dozens."""
    batches = [documents[i:i + PER_RUN] for i in range(0, len(documents), PER_RUN)]

    def print_batch(number: int) -> list[Path]:
        first = number * PER_RUN
        books = [write(folder / "xlsx" / f"{first + i:06d}.xlsx", [d]) for i, d in enumerate(batches[number])]
        return convert_all(books, "pdf", folder / "pdf")

    printed: list[Path] = []
    with ThreadPoolExecutor(max(workers or min(4, os.cpu_count() or 1, len(batches)), 1)) as pool:
        for batch in pool.map(print_batch, range(len(batches))):
            printed += batch
            if progress:
                progress(len(printed))
    return printed


def join(pdfs: Sequence[Path], target: Path) -> Path:
    """The PDFs' pages one after the other in one file, what they share (fonts, images) once,
    its author `PDF_AUTHOR` as every PDF the toolkit prints, so the next print replaces it.
    pypdf's objects refer to each other, so they are collected as soon as the file is written:
    left to the collector, a second part's pages piled up on the first's."""
    from pypdf import PdfWriter

    joined = PdfWriter()
    for pdf in pdfs:
        joined.append(str(pdf))
    joined.compress_identical_objects()
    joined.add_metadata({"/Author": PDF_AUTHOR})
    with atomic_path(target) as tmp:
        with tmp.open("wb") as out:
            joined.write(out)
    del joined
    gc.collect()
    return target
