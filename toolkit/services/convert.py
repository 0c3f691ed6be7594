"""Batch conversion (`toolkit convert`): folders of foreign workbooks into the master-data
format, customers' order forms into orders, or any workbook into CSV, PDF or a plain xlsx.

Each input is read and converted on its own, in a pool of processes, so one bad file never
stops the run: it is listed with its problem (file, sheet, cell) and the others go on. Nothing
is written over an input, and every output is written under a temporary name and renamed when
complete. The run ends with a report workbook listing every file: converted, skipped (why) or
failed (the problem).

- master: each input's sheets are reshaped (`toolkit.intake.reshape`), merged into one master
  workbook with codes kept unique (a clash names both files and cells), and that workbook
  goes through the data check.
- orders: each form is read and priced against the master data; the new ones are stored in
  one transaction, keyed by the form's content, so a form imported again (or a renamed copy)
  creates nothing.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from toolkit.basics import dates
from toolkit.basics.cells import Location, at
from toolkit.basics.failures import disk_full, full_at
from toolkit.basics.files import (
    OUTPUT_IS_INPUT,
    asked_for,
    atomic_path,
    check_output,
    refuse_other_file,
    refuse_other_pdf,
    resolved,
)
from toolkit.basics.problems import Problem, ProblemsFound, UnusableInput, define, errors
from toolkit.basics.runtime import collector_paused
from toolkit.basics.vocab import DocumentType, InvoiceTerms
from toolkit.basics.wording import count, first_numbers, one_line
from toolkit.core.drafts import OrderDraft
from toolkit.core.einvoice.deadline import late_at_issue
from toolkit.core.forms import (
    FORM_REFERENCE_CLASH,
    FORM_SAME_ORDER,
    Form,
    FormOrder,
    order_lines,
    price_form,
    same_order,
)
from toolkit.core.invoicing import Invoice
from toolkit.core.orders import EFFECTS
from toolkit.intake.error_cells import uncomputed
from toolkit.intake.guard import describe_exception
from toolkit.intake.mapping import NO_MAPPING, Mapping, format_sheets, load_mapping
from toolkit.intake.reshape import Reshaped, dated, read_form, reshape
from toolkit.intake.sources import RawWorkbook
from toolkit.intake.tables import find_inputs, read_forms_tables, read_tables
from toolkit.intake.text_columns import shown_codes
from toolkit.ledger.orders import form_origin
from toolkit.model.cells import PercentShown
from toolkit.model.parties import party_book
from toolkit.model.records import MasterData
from toolkit.services import check as data_check
from toolkit.services.orders import FAR_AHEAD
from toolkit.services.sample import refuse_to_replace

TARGETS = ("master", "orders", "csv", "pdf", "xlsx")
MASTER_FILE = "anagrafiche.xlsx"
INTO_OUT = asked_for(folder=True).named
"""What a converted file refused in the `--out` folder asks for: another folder, as `check_output` does."""
STREAM_CELLS = 500_000
"""Past this many cells the merged workbook is streamed (XlsxWriter's constant memory: plain
header rows with a filter instead of Excel tables), as the benchmarks' large workbooks are."""

CODE_CLASH = define(
    "convert-code-clash", "error",
    it="Il codice {code} del foglio {sheet_it} è già in {other_file} ({other_cell}) con altri valori: è stata tenuta "
       "quella riga.",
    en="Code {code} of sheet {sheet_en} is already in {other_file} ({other_cell}) with other values: that row was "
       "kept.")
SAME_FORM = define(
    "form-already-imported", "warning",
    title=("Modulo d'ordine già importato", "Order form already imported"),
    it="Questo modulo è già stato importato come ordine {order} ({origin}): non si crea di nuovo.",
    en="This form was already imported as order {order} ({origin}): it is not created again.")
FORM_DATE_FAR_AHEAD = define(
    "form-date-far-ahead", "error",
    it="La data {day} del modulo è più di {most} giorni dopo oggi ({today}): sembra un errore di battitura, il suo "
       "ordine non è stato creato. Correggi la data; se è proprio voluta, dalla riga di comando aggiungi --future.",
    en="The form's date {day} is more than {most} days after today ({today}): it looks like a typo, its order was "
       "not created. Correct the date; if it is really meant, add --future on the command line.")
CELL_ERROR_VALUE = define(
    "convert-cell-error-value", "error",
    it="La cella mostra {shown}, l'errore di una formula, non un valore: correggi la formula (o scrivi il valore) "
       "e converti di nuovo il file.",
    en="The cell shows {shown}, a formula's error, not a value: correct the formula (or type the value) and "
       "convert the file again.")
CELL_NOT_COMPUTED = define(
    "convert-cell-formula-not-computed", "error",
    it="La cella ha la formula {shown} ma non il suo valore: il file è stato salvato da un programma che non calcola "
       "le formule. Aprilo in Excel o LibreOffice e salvalo, oppure scrivi il valore, e converti di nuovo il file.",
    en="The cell holds the formula {shown} but not its value: the file was saved by a program that does not compute "
       "formulas. Open it in Excel or LibreOffice and save it, or type the value, and convert the file again.")
NOTHING_TO_CONVERT = define(
    "convert-no-inputs", "error",
    it="Nessun file da convertire in {paths}.",
    en="No file to convert in {paths}.")
OUTPUT_DISK_FULL = define(
    "convert-output-disk-full", "error",
    it="Il disco è pieno{where_it}: l'uscita di questo file non è stata scritta, nemmeno a metà. Libera spazio sul "
       "disco (o nella cartella di rete) e convertilo di nuovo.",
    en="The disk is full{where_en}: this file's output was not written, not even half. Free some space on the disk "
       "(or the network folder) and convert it again.")
CONVERT_DISK_FULL = define(
    "convert-disk-full", "error",
    it="Il disco si è riempito{where_it}: la conversione si è fermata e il suo rapporto non è stato scritto. In "
       "{folder} scritti: {written_it}; non scritti: {failed_it}. Libera spazio sul disco (o nella cartella di "
       "rete) e ripeti la conversione.",
    en="The disk filled up{where_en}: the conversion stopped and its report was not written. Written in {folder}: "
       "{written_en}; not written: {failed_en}. Free some space on the disk (or the network folder) and run the "
       "conversion again.")
CONVERT_ORDERS_DISK_FULL = define(
    "convert-orders-disk-full", "error",
    it="Il disco si è riempito{where_it}: il rapporto della conversione non è stato scritto, ma gli ordini sì. "
       "Registrati: {orders_it} da {stored_it}; non importati: {failed_it}. Libera spazio sul disco (o nella "
       "cartella di rete) e ripeti la stessa conversione: scrive il rapporto, con ogni modulo già importato e il suo "
       "ordine, e non crea nessun ordine due volte.",
    en="The disk filled up{where_en}: the conversion's report was not written, but its orders were. Stored: "
       "{orders_en} from {stored_en}; not imported: {failed_en}. Free some space on the disk (or the network folder) "
       "and run the same conversion again: it writes the report, each form already imported with its order, and "
       "creates no order twice.")

SKIP_REASONS = {
    "lock": ("file di blocco di Excel o LibreOffice", "an Excel or LibreOffice lock file"),
    "hidden": ("file nascosto", "a hidden file"),
    "not-a-spreadsheet": ("non è un foglio di calcolo (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv)",
                          "not a spreadsheet (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv)"),
    "already-imported": ("modulo già importato", "form already imported"),
    "no-sheets": ("nessun foglio del formato", "no sheet of the format"),
    "dangling-link": ("collegamento a un file che non c'è più: rifai il collegamento o copia qui il file",
                      "a link to a file no longer there: link it again or copy the file here"),
}


@dataclass(frozen=True, slots=True)
class FileResult:
    """One input: converted, skipped (why: a key of SKIP_REASONS) or failed (its problems)."""

    file: Path
    status: str
    reason: str | None = None
    outputs: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = ()
    orders: tuple[str, ...] = ()
    read: bool = False
    """Whether the file could be read at all (the exit code 2 is for runs where none could)."""


@dataclass(frozen=True, slots=True)
class Matched:
    file: str
    sheet: str
    target: str
    columns: dict[str, str]
    unmatched: tuple[str, ...]


LISTED_AT_MOST = 20
"""Inputs converted that the terminal names one by one with their outputs; past them it counts."""


@dataclass(frozen=True)
class Converted:
    to: str
    folder: Path
    files: list[FileResult]
    problems: list[Problem] = field(default_factory=list)
    """Problems of the run as a whole: code clashes, the merged workbook's data check."""
    workbook: Path | None = None
    report: Path | None = None
    matched: list[Matched] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def all_problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems] + self.problems

    def summary(self, lang: str) -> str:
        """The line a run ends with: how many files were converted, skipped and failed, and the
        returns among the forms' orders not credited at once, in `orders create`'s words."""
        from toolkit.services.invoicing import returns_refused_sentence

        counts = [self.count(s) for s in ("converted", "skipped", "failed")]
        said = ("Convertiti {}, saltati {}, non riusciti {}." if lang == "it" else
                "Converted {}, skipped {}, failed {}.").format(*counts)
        return said + returns_refused_sentence(self.all_problems, lang)

    @property
    def written(self) -> list[Path]:
        """Every file the conversion wrote for its inputs, in the inputs' order (not the report)."""
        return [o for f in self.files for o in f.outputs]

    def written_lines(self, lang: str) -> list[str]:
        """What the terminal says was written where: a line per input converted, `in → out`
        (a workbook to CSV names each sheet's file), up to `LISTED_AT_MOST` inputs; past them one
        line, how many files in the folder, the list being the report's (its *Risultato* column),
        since a thousand lines scroll the problems and the counts out of sight."""
        done = [f for f in self.files if f.outputs]
        if len(done) <= LISTED_AT_MOST:
            return [f"{one_line(f.file)} → {', '.join(one_line(o) for o in f.outputs)}" for f in done]
        n, where = len(self.written), self.report or self.folder
        return [f"Scritti {n} file in {self.folder} da {len(done)} file convertiti: l'elenco, file per file, è in {where}."
                if lang == "it" else
                f"Wrote {n} files in {self.folder} from {len(done)} files converted: the list, file by file, is in "
                f"{where}."]

    def skipped_lines(self, lang: str) -> list[str]:
        """The files skipped, each with why, up to `LISTED_AT_MOST`; past them one line counting
        them and naming the report, which lists each with why, as `written_lines` does: a folder
        of a thousand scans is a thousand lines that push the problems out of sight."""
        skipped = [f for f in self.files if f.status == "skipped" and f.reason]
        if len(skipped) <= LISTED_AT_MOST:
            word = "saltato" if lang == "it" else "skipped"
            return [f"{one_line(f.file)}: {word} ({skip_reason(f.reason, lang)})" for f in skipped]
        where = self.report or self.folder
        return [f"Saltati {len(skipped)} file: l'elenco, con il motivo, è in {where}." if lang == "it" else
                f"Skipped {len(skipped)} files: the list, with why, is in {where}."]

    @property
    def exit_code(self) -> int:
        """0 all converted, 1 some had problems, 2 nothing could be read. A link to a file no
        longer there is a spreadsheet meant to be converted and not read, as a file that failed."""
        tried = [f for f in self.files if f.reason not in ("lock", "hidden", "not-a-spreadsheet")]
        if not any(f.read for f in tried):
            return 2
        lost = any(f.reason == "dangling-link" for f in self.files)
        return 1 if lost or self.count("failed") or errors(self.all_problems) else 0


@dataclass(frozen=True, slots=True)
class Options:
    to: str
    out: Path
    mapping: Mapping = NO_MAPPING
    italian: bool = True
    inputs: frozenset[Path] = frozenset()
    master: MasterData | None = None
    """For `orders`: the master data each form is priced with, in the worker that read it."""
    future: bool = False
    """For `orders`: a form dated more than `FAR_AHEAD` days after today is imported (`--future`)."""


@dataclass(frozen=True, slots=True)
class PricedForm:
    """A form as a worker returns it: read and priced, its digest with its draft or the problems
    that keep it from one. Pricing is pure and the workers hold the master data (forked, or
    passed once per worker), so it runs in parallel with the reading instead of after it in the
    main process; the form itself stays in the worker (only its digest is needed after)."""

    digest: str
    draft: OrderDraft | None
    problems: tuple[Problem, ...]
    """With a draft, the warnings of the form's cells (a price rounded to the ledger's decimals)."""


Progress = Callable[[int, int, str], None]


def convert(paths: Sequence[Path], out: Path, to: str, *, mapping: Path | None = None, jobs: int | None = None,
            italian: bool = True, lang: str, session: Any = None,
            progress: Progress | None = None, future: bool = False) -> Converted:
    """Convert every input; `session` (a `toolkit.services.session.Session`) for `orders`.
    `italian`: CSV as an Italian Excel opens it (`toolkit.writers.converted`), else the machine form.
    `future`: forms dated more than `FAR_AHEAD` days ahead are imported, as `orders create --future`."""
    with collector_paused() if to == "master" else nullcontext():
        return _convert(paths, out, to, mapping=mapping, jobs=jobs, italian=italian, lang=lang, session=session,
                        progress=progress, future=future)


def _convert(paths: Sequence[Path], out: Path, to: str, *, mapping: Path | None, jobs: int | None,
             italian: bool, lang: str, session: Any, progress: Progress | None, future: bool) -> Converted:
    if to not in TARGETS:
        raise ValueError(to)
    out = Path(out)
    found = find_inputs(paths, exclude=out)
    check_output(out, kind=None, folder=True)
    inputs = frozenset(f.resolved or resolved(f.path) for f in found)
    if to == "master":
        check_output(out, kind=None, inputs=tuple(inputs), folder=True, names={MASTER_FILE: "master"})
        refuse_to_replace(out / MASTER_FILE, None, INTO_OUT)
    rules = load_mapping(mapping) if mapping is not None else NO_MAPPING
    if to == "orders" and session is not None:
        session.ledger  # noqa: B018 - an unreachable ledger stops the run before any file is read
    options = Options(to, out, rules, italian, inputs, session.master if to == "orders" and session is not None else None,
                      future)
    results: list[FileResult | None] = [
        FileResult(f.path, "skipped", f.skipped) if f.skipped else None for f in found]
    todo = [(i, f) for i, f in enumerate(found) if f.skipped is None]
    named = _output_names([f.path for _, f in todo], paths, out) if to in ("csv", "pdf", "xlsx") else {
        f.path: out for _, f in todo}
    payloads: list[Any] = [None] * len(found)
    for (i, _), (result, payload) in zip(todo, _run(options, [(f.path, named[f.path]) for _, f in todo], jobs,
                                                    progress)):
        results[i], payloads[i] = result, payload
    done = [r for r in results if r is not None]
    if not found:
        nothing = NOTHING_TO_CONVERT(None, paths=", ".join(map(str, paths)))
        return Converted(to, out, [], [nothing], report=_report(options, [], [], [nothing], lang))
    if to == "master":
        return _merge(options, done, payloads, lang)
    if to == "orders":
        return _import_forms(options, done, payloads, session, lang)
    return Converted(to, out, done, report=_report(options, done, [], [], lang))


def _output_names(files: Sequence[Path], given: Sequence[Path], out: Path) -> dict[Path, Path]:
    """Each input's output base (no extension) in `out`: its path below the folder it was found
    in, so files of the same name in two folders stay apart; inputs of one name from two folders
    given side by side (two offices' `listino.csv`, the folders or the files given) below what
    tells their folders apart (`_apart`), `nord/listino`, `sud/listino`: numbered in the order
    they came, a run with the folders given the other way round wrote the south's list over the
    north's of the run before. The extension is added to a stem two inputs of one folder share
    (`listino.xls`, `listino.ods`), and a number to those that still share one (`_distinct`).
    Names are compared as Windows does, without case."""
    folders = [resolved(Path(g)) for g in given if os.path.isdir(g)]  # Path.is_dir raises on a name too long
    bases: dict[Path, tuple[Path, Path]] = {}
    for f in files:
        real = resolved(f)
        origin = next((d for d in folders if d in real.parents), real.parent)
        bases[f] = (origin, real.parent.relative_to(origin) / f.stem)
    origins: dict[str, set[Path]] = {}
    for origin, base in bases.values():
        origins.setdefault(_same(base), set()).add(origin)
    placed = {f: _apart(origin, origins[_same(base)]) / base for f, (origin, base) in bases.items()}
    counts = Counter(_same(b) for b in placed.values())
    named = {f: b.with_name(f"{b.name}-{f.suffix.lstrip('.').lower()}") if counts[_same(b)] > 1 else b
             for f, b in placed.items()}
    return dict(zip(named, (out / name for name in _distinct(list(named.values())))))


def _apart(origin: Path, sharing: Collection[Path]) -> Path:
    """Where below the output folder go the inputs from `origin` whose name inputs from the other
    folders `sharing` it have too: below the part of `origin`'s path that tells it from them
    (`nord`, `sud`; `2025/listini`, `2026/listini`; on two drives, its name), nowhere else when no
    other has the name.

    >>> _apart(Path("/u/2025/listini"), {Path("/u/2025/listini"), Path("/u/2026/listini")}).as_posix()
    '2025/listini'
    """
    if len(sharing) < 2:
        return Path()
    try:
        return origin.relative_to(os.path.commonpath([str(p) for p in sharing]))
    except ValueError:  # folders on two drives share no path: each below its own name
        return Path(origin.name)


def _distinct(paths: Sequence[Path]) -> list[Path]:
    """`paths` in order, each one a path before it has numbered (`listino-2`, before any
    suffix): two outputs of one name, the second written over the first, lost it without a
    word. Compared without case, as Windows compares names.

    >>> [p.name for p in _distinct([Path("a.csv"), Path("A.csv"), Path("b.csv"), Path("a.csv")])]
    ['a.csv', 'A-2.csv', 'b.csv', 'a-3.csv']
    """
    used: set[str] = set()
    found = []
    for path in paths:
        name, number = path, 1
        while _same(name) in used:
            number += 1
            name = path.with_name(f"{path.stem}-{number}{path.suffix}") if path.suffix.lower() in (
                ".csv", ".xlsx", ".pdf") else path.with_name(f"{path.name}-{number}")
        used.add(_same(name))
        found.append(name)
    return found


def _named(base: Path, extension: str) -> Path:
    """An output base with its extension after its whole name: `listino 01.04.2026` is
    `listino 01.04.2026.csv`. Put in place of its last dotted part, as a suffix, the lists of
    1 April 2025 and 2026 were both `listino 01.04.csv`, the second written over the first.

    >>> _named(Path("out/listino 01.04.2026"), "csv").name
    'listino 01.04.2026.csv'
    """
    return base.with_name(f"{base.name}.{extension}")


def _same(path: Path) -> str:
    """A path as a file system that ignores case tells it from others."""
    return path.as_posix().casefold()


_options: Options | None = None


def _init(options: Options) -> None:
    global _options
    _options = options


def _run(options: Options, work: list[tuple[Path, Path]], jobs: int | None,
         progress: Progress | None) -> Iterator[tuple[FileResult, Any]]:
    total = len(work)
    jobs = max(1, jobs or os.cpu_count() or 1)
    chunk = max(1, min(64, total // (jobs * 8)))
    batches = [work[start:start + chunk] for start in range(0, total, chunk)]
    if jobs == 1 or total < 2:
        _init(options)
        done = 0
        if options.to != "orders":  # one at a time, so the bar moves file by file (a PDF takes seconds)
            batches = [[item] for item in work]
        for batch in batches:
            if progress:
                progress(done, total, batch[0][0].name)
            for result in _batch(batch):
                done += 1
                yield result
        if progress:
            progress(total, total, "")
        return
    with _frozen_heap(), ProcessPoolExecutor(max_workers=min(jobs, total), initializer=_init,
                                             initargs=(options,)) as pool:
        n = 0
        for results in pool.map(_batch, batches):
            for result in results:
                n += 1
                if progress:
                    progress(n, total, result[0].file.name)
                yield result


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """The parent's objects kept out of the workers' garbage collections while the pool runs.

    Workers are forked (Linux): they share the parent's memory page by page until they write
    to it, and a collection writes to every object it walks. The parent of `--to orders` holds
    the master data and the ledger session, so each worker's first collections copied all of
    it, and two workers were slower than one on a thousand small forms. `gc.freeze` moves the
    parent's objects where no collection looks (the use the Python documentation gives it);
    they are collected again as usual once the pool is done.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _batch(items: list[tuple[Path, Path]]) -> list[tuple[FileResult, Any]]:
    """Convert a batch of inputs (in a worker process), each on its own; order forms are read a
    step at a time (`_forms`)."""
    options = _options
    assert options is not None
    if options.to == "orders":
        return _forms(options, items)
    return [_one(item) for item in items]


def _one(item: tuple[Path, Path]) -> tuple[FileResult, Any]:
    """Convert one input (in a worker process): never raises for a bad file."""
    path, base = item
    options = _options
    assert options is not None
    return _settled(path, lambda: _convert_one(options, path, base))


def _settled(path: Path, convert_it: Callable[[], tuple[FileResult, Any]]) -> tuple[FileResult, Any]:
    """An input's result, a failure of its own turned into its problems."""
    try:
        return convert_it()
    except UnusableInput as exc:
        return FileResult(path, "failed", problems=(exc.problem,)), None
    except ProblemsFound as exc:
        return FileResult(path, "failed", problems=tuple(exc.problems), read=True), None
    except Exception as exc:  # a reader's failure on a broken file: one line, never a traceback
        if disk_full(exc):  # its output's, named: the report lists it
            return FileResult(path, "failed", problems=(OUTPUT_DISK_FULL(None, **full_at(exc)),)), None
        return FileResult(path, "failed", problems=(describe_exception(exc, path).problem,)), None


def _convert_one(options: Options, path: Path, base: Path) -> tuple[FileResult, Any]:
    """Any input but an order form (`_batch` sends those to `_forms`)."""
    raw = read_tables(path, options.mapping)
    if path.suffix.lower() == ".csv" or options.to != "master":
        raw = dated(raw, options.mapping, undeclared=options.to != "master")
    if options.to == "master":
        shaped = reshape(raw, options.mapping)
        if not shaped.fed and not shaped.settings:
            return FileResult(path, "skipped", "no-sheets", read=True), shaped
        if showing_errors := _error_cells(raw, shaped):
            return FileResult(path, "failed", problems=showing_errors, read=True), None
        return FileResult(path, "converted", read=True), shaped
    sheets = [(s.name, _grid(s.rows, s.first_row, s.first_col, s.errors, s.percents, shown_codes(s, options.mapping)))
              for s in raw.sheets]
    if options.to == "csv":
        targets = [_named(base, "csv")] if len(sheets) == 1 else _distinct([
            base.with_name(f"{base.name}-{_safe(name)}.csv") for name, _ in sheets])
        _refuse_inputs(options, targets)
        from toolkit.intake.reshape import money_columns
        from toolkit.writers.converted import write_csv

        for target, (_, rows), sheet in zip(targets, sheets, raw.sheets):
            money = {sheet.first_col - 1 + j for j in money_columns(sheet, options.mapping)}
            write_csv(target, rows, italian=options.italian, money=money)
        return FileResult(path, "converted", outputs=tuple(targets), read=True), None
    target = _named(base, options.to)
    _refuse_inputs(options, [target])
    if options.to == "xlsx":
        refuse_other_file(target, "converted", INTO_OUT)
    else:
        refuse_other_pdf(target, INTO_OUT)
    from toolkit.writers.converted import write_tables

    if options.to == "xlsx":
        write_tables(target, sheets)
    else:
        _pdf(sheets, target)
    return FileResult(path, "converted", outputs=(target,), read=True), None


def _forms(options: Options, items: list[tuple[Path, Path]]) -> list[tuple[FileResult, Any]]:
    """A batch of order forms: their workbooks read a step at a time (`read_forms_tables`, a
    third less CPU than form after form), then each form's fields, lines and prices."""
    made: list[tuple[FileResult, Any]] = []
    for part in _up_to(items, FORMS_READ_TOGETHER):
        read = read_forms_tables([path for path, _ in part], options.mapping)
        made += [_settled(path, partial(_form_one, options, path, got)) for (path, _), got in zip(part, read)]
    return made


FORMS_READ_TOGETHER = 2**20
"""At most this many bytes of files (as on disk) read a step at a time, their tables held
together: a few hundred order forms, or one large workbook alone, as before."""


def _up_to(items: list[tuple[Path, Path]], size: int) -> Iterator[list[tuple[Path, Path]]]:
    """The items in order, in runs of at most `size` bytes of files (a larger file alone)."""
    run: list[tuple[Path, Path]] = []
    held = 0
    for item in items:
        try:
            on_disk = item[0].stat().st_size
        except OSError:  # the guard says why, in its turn
            on_disk = 0
        if run and held + on_disk > size:
            yield run
            run, held = [], 0
        run.append(item)
        held += on_disk
    if run:
        yield run


def _form_one(options: Options, path: Path, read: tuple[RawWorkbook, str] | Exception) -> tuple[FileResult, Any]:
    if isinstance(read, Exception):
        raise read
    raw, key = read
    form, problems = read_form(raw, options.mapping.orders, key)
    if form is None:
        return FileResult(path, "failed", problems=tuple(problems), read=True), None
    assert options.master is not None
    if not options.future and (ahead := _far_ahead(form)) is not None:
        problems.append(ahead)
    draft, priced = price_form(options.master, form)
    if errors(problems):  # every mistake of the form at once: its cells' and its lines' prices
        return FileResult(path, "failed", problems=(*problems, *priced), read=True), None
    return FileResult(path, "converted", read=True), PricedForm(form.digest, draft, (*problems, *priced))


def _far_ahead(form: Form) -> Problem | None:
    """`orders create`'s typo guard on a form's date, at its cell: a form dated next year
    instead of this one would make an order, and number it, in a series not yet begun."""
    assert form.day is not None
    today = dates.today_rome()
    if (form.day - today).days <= FAR_AHEAD:
        return None
    return FORM_DATE_FAR_AHEAD(form.where.get("date"), day=form.day, today=today, most=FAR_AHEAD)


def _error_cells(raw: RawWorkbook, shaped: Reshaped) -> tuple[Problem, ...]:
    """A cell showing a formula's error that feeds the master, below a heading the merge reads
    or on a settings sheet: its value is not known, and read as empty it would become a customer
    without a Fido, a price of nothing. Elsewhere it is left alone, as the data check does."""
    fed = {f.sheet: f for f in shaped.fed}
    return tuple((CELL_NOT_COMPUTED if uncomputed(shown) else CELL_ERROR_VALUE)(at(s.name, row, col, raw.name),
                                                                                shown=shown)
                 for s in raw.sheets if s.name not in shaped.ignored for row, col, shown in s.errors
                 if s.name not in fed or fed[s.name].reads(row, col))


def _grid(rows: Sequence[Sequence[Any]], first_row: int, first_col: int,
          errors: Sequence[tuple[int, int, str]] = (), percents: Collection[tuple[int, int]] = (),
          codes: dict[tuple[int, int], str] | None = None) -> list[list[Any]]:
    """A sheet's values from A1, as the user sees them placed: a cell showing a formula's error
    holds its text (`#N/A`), as the copy is of what the sheet shows, and left blank it would
    pass for a value never typed. A number a percent format shows is a `PercentShown`, so the
    copy says 100 % where the sheet keeps 1 (`RawSheet.percents`), and a code a format of zeros
    shows is the text shown (`text_columns.shown_codes`), `0115551234` where the sheet keeps
    115551234."""
    grid: list[list[Any]] = [[] for _ in range(first_row - 1)] + [[None] * (first_col - 1) + list(r) for r in rows]
    for (row, col), text in (codes or {}).items():
        grid[row - 1][col - 1] = text
    for row, col in percents:
        line = grid[row - 1] if row <= len(grid) else []
        if col <= len(line) and line[col - 1].__class__ in (int, float):
            line[col - 1] = PercentShown(line[col - 1])
    for row, col, shown in errors:
        grid.extend([] for _ in range(row - len(grid)))
        line = grid[row - 1]
        line.extend([None] * (col - len(line)))
        line[col - 1] = shown
    return grid


def _safe(name: str) -> str:
    from toolkit.basics.files import safe_name

    return safe_name(name, "foglio")


def _refuse_inputs(options: Options, targets: Sequence[Path]) -> None:
    for target in targets:
        if resolved(target) in options.inputs:
            raise UnusableInput(OUTPUT_IS_INPUT(None, path=target, choose_it=INTO_OUT[0], choose_en=INTO_OUT[1]))


def _pdf(sheets: list[tuple[str, list[list[Any]]]], target: Path) -> None:
    """Through LibreOffice, from the normalized xlsx: LibreOffice never opens the foreign file,
    which the guard and the reader have already vetted."""
    from toolkit.writers.converted import write_tables
    from toolkit.writers.libreoffice import convert as lo_convert

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="toolkit-convert-") as work:
        plain = write_tables(Path(work) / f"{target.stem}.xlsx", sheets)
        made = lo_convert(plain, "pdf", Path(work) / "pdf")
        with atomic_path(target) as tmp:
            shutil.copyfile(made, tmp)


# -- master --------------------------------------------------------------------------------

KEYS: dict[str, tuple[str, ...]] = {
    "customers": ("code",), "ship_to": ("code",), "contacts": ("code",), "items": ("code",),
    "price_lists": ("code",), "templates": ("code",), "carriers": ("code",), "stock": ("item",),
    "price_versions": ("price_list", "version"), "prices": ("price_list", "version", "item"),
    "price_rules": ("code",), "volume_discounts": ("code", "threshold"), "commissions": ("code", "threshold"),
    "customer_agents": ("customer", "agent"),
}
"""What keeps a row unique in each sheet when inputs are merged (the other sheets are lists)."""


def _merge(options: Options, done: list[FileResult], payloads: list[Any], lang: str) -> Converted:
    rows: dict[str, list[dict[str, Any]]] = {}
    seen: dict[tuple[str, tuple[Any, ...]], tuple[dict[str, Any], Location]] = {}
    settings: dict[str, Any] = {}
    problems: list[Problem] = []
    matched: list[Matched] = []
    shaped_payloads = [p for p in payloads if isinstance(p, Reshaped)]
    for result, shaped in zip([r for r, p in zip(done, payloads) if isinstance(p, Reshaped)], shaped_payloads):
        for key, value in shaped.settings.items():
            settings.setdefault(key, value)
        for fed in shaped.fed:
            matched.append(Matched(result.file.name, fed.sheet, fed.target, fed.columns, fed.unmatched))
            keys = KEYS.get(fed.target, ())
            for values, where in fed.rows:
                code = _row_key(values, keys)
                if keys and all(c not in (None, "") for c in code):
                    earlier = seen.get((fed.target, code))
                    if earlier is not None:
                        if earlier[0] != values:
                            problems.append(CODE_CLASH(where, code="/".join(map(str, code)),
                                                       sheet_it=_sheet_names[fed.target].it,
                                                       sheet_en=_sheet_names[fed.target].en,
                                                       other_file=earlier[1].workbook, other_cell=str(earlier[1])))
                        continue
                    seen[(fed.target, code)] = (values, where)
                rows.setdefault(fed.target, []).append(values)
    settings.update(options.mapping.settings)
    if settings:
        rows["settings"] = [settings]
    workbook: Path | None = None
    if any(r.read for r in done):
        from toolkit.writers.master_workbook import write_master

        cells = sum(len(r) for sheet_rows in rows.values() for r in sheet_rows)
        workbook = write_master(options.out / MASTER_FILE, rows, lang=lang, constant_memory=cells > STREAM_CELLS)
        problems += data_check.check_file(workbook).problems
    report = _report(options, done, matched, problems, lang, [workbook] if workbook is not None else [])
    return Converted("master", options.out, done, problems, workbook, report, matched)


_sheet_names = {s.key: s for s in format_sheets()}
"""The format's sheets by key: a clash names the sheet as the desk knows it (*Clienti*)."""


def _row_key(values: dict[str, Any], keys: tuple[str, ...]) -> tuple[Any, ...]:
    """`_plain` of a row's key fields; a code that is text is only trimmed, without a call
    (a merge of 200 desks keys a million rows)."""
    return tuple([v.strip() if type(v) is str else _plain(v) for v in map(values.get, keys)])


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else None


# -- orders --------------------------------------------------------------------------------

def _import_forms(options: Options, done: list[FileResult], payloads: list[Any], session: Any, lang: str) -> Converted:
    results = list(done)
    drafts, positions, files, digests, warned = [], [], [], [], []
    first_of: dict[str, int] = {}
    twins: list[tuple[int, int]] = []
    index = {id(r): i for i, r in enumerate(results)}
    pairs = [(r, p) for r, p in zip(done, payloads) if isinstance(p, PricedForm)]
    for result, priced in pairs:
        i = index[id(result)]
        key, draft, problems = priced.digest, priced.draft, priced.problems
        if key in first_of:
            twins.append((i, first_of[key]))
            continue
        first_of[key] = i
        if draft is None:
            results[i] = FileResult(result.file, "failed", problems=tuple(problems), read=True)
            continue
        drafts.append(draft)
        warned.append(problems)
        positions.append(i)
        files.append(result.file.name)
        digests.append(key)
    if drafts:
        try:
            try:
                found, stored, of_order = _store_forms(session, drafts, files, digests, lang)
            except IntegrityError:  # a colleague imported one of these forms a moment ago
                found, stored, of_order = _store_forms(session, drafts, files, digests, lang)
        except ProblemsFound as refused:
            for k in range(len(drafts)):
                results[positions[k]] = FileResult(results[positions[k]].file, "failed", read=True,
                                                   problems=tuple(refused.problems))
            found, stored, of_order = {}, {}, {}
        for k in range(len(drafts)):
            file = results[positions[k]].file
            if k in found:
                number, problem = found[k]
                results[positions[k]] = (FileResult(file, "failed", read=True, problems=(problem,)) if problem.is_error
                                         else FileResult(file, "skipped", "already-imported", read=True,
                                                         orders=(number,), problems=(problem,)))
            elif k in stored:
                results[positions[k]] = FileResult(file, "converted", read=True, orders=(stored[k],),
                                                   problems=(*warned[k], *of_order.get(stored[k], ())))
    for i, first in twins:
        made = results[first].orders
        results[i] = FileResult(results[i].file, "skipped", "already-imported", read=True, orders=made, problems=(
            SAME_FORM(None, order=", ".join(made) or "—",
                      origin=form_origin(results[first].file.name)),))
    report = _report(options, results, [], [], lang)
    return Converted("orders", options.out, results, report=report)


def _by_order(problems: Iterable[Problem]) -> dict[str, list[Problem]]:
    """The problems of the documents issued with the forms' orders, by the order they name: each
    goes on its order's form."""
    found: dict[str, list[Problem]] = {}
    for p in problems:
        params = dict(p.params)
        found.setdefault(str(params.get("order", params.get("number"))), []).append(p)
    return found


def _store_forms(session: Any, drafts: list[OrderDraft], files: list[str], digests: list[str], lang: str
                 ) -> tuple[dict[int, tuple[str, Problem]], dict[int, str], dict[str, list[Problem]]]:
    """In one transaction: the forms whose order is in the ledger already (position → its
    number and the warning saying so, or the error of a clash: `_repeats`), and the new ones
    stored (position → number); a customer invoiced immediately (*Immediato*) gets the
    invoice with the order, as `orders create` and `orders confirm` do. A return among them
    left out of the credit notes (`invoice_orders_in`: goods credited already, or beyond a
    volume discount's share) is not issued, its order stored all the same, and its error and
    month end's warnings are returned, as `orders create` leaves it out, and so is an invoice
    already past its 12 days at SDI (`late_at_issue`: a form of an earlier day), each by the
    order it names (`_by_order`)."""
    from toolkit.ledger.db import writing
    from toolkit.ledger.forms import form_orders, imported, insert_form_orders
    from toolkit.services.invoicing import invoice_orders_in

    master = session.master
    immediate = {c.code for c in master.customers if c.invoice_terms is InvoiceTerms.IMMEDIATE}
    with writing(session.ledger) as conn:
        known = imported(conn, digests)
        fresh = [k for k, d in enumerate(digests) if d not in known]
        new, repeats = _repeats(drafts, files, fresh, form_orders(conn, {drafts[k].customer for k in fresh}))
        made = insert_form_orders(conn, [drafts[k] for k in new], [files[k] for k in new], [digests[k] for k in new],
                                  master.settings.order_series, EFFECTS[DocumentType.STANDARD].status,
                                  party_book(master), lang=lang)
        invoice_now: dict[date, list[int]] = {}
        for k, (order_id, _) in zip(new, made):
            if drafts[k].customer in immediate:
                invoice_now.setdefault(drafts[k].occurrence, []).append(order_id)
        left_out: list[Problem] = []
        issued: list[Invoice] = []
        for day, ids in sorted(invoice_now.items()):
            done = invoice_orders_in(conn, master, ids, day, lang=lang)
            left_out += [*done.warned, *done.refused]
            issued += done.invoices
    stored = {k: number for k, (_, number) in zip(new, made)}
    found = {k: (known[d][0], SAME_FORM(None, order=known[d][0], origin=known[d][1] or "—"))
             for k, d in enumerate(digests) if d in known}
    for k, (order, same, twin) in repeats.items():
        number = order.number if twin is None else stored[twin]
        named = dict(file=files[k], order=number, other=order.file, customer=drafts[k].customer,
                     reference=drafts[k].customer_reference or "—")
        found[k] = (number, FORM_SAME_ORDER(None, **named, day=drafts[k].occurrence) if same
                    else FORM_REFERENCE_CLASH(None, **named))
    of_order = _by_order(left_out)
    today = dates.today_rome()
    for invoice in issued:
        for billed in dict.fromkeys(line.order_number for line in invoice.lines if line.order_number):
            of_order.setdefault(billed, []).extend(late_at_issue([invoice], today))
    return found, stored, of_order


def _repeats(drafts: list[OrderDraft], files: list[str], fresh: list[int], prior: list[FormOrder]
             ) -> tuple[list[int], dict[int, tuple[FormOrder, bool, int | None]]]:
    """The new forms (positions) whose order is not in the ledger nor earlier in the run, and
    the others: position → the order they repeat (`same_order`), whether its lines are the
    same, and the position of the run's form that makes it (None: in the ledger already)."""
    by_customer: dict[str, list[FormOrder]] = {}
    for order in prior:
        by_customer.setdefault(order.customer, []).append(order)
    new: list[int] = []
    repeats: dict[int, tuple[FormOrder, bool, int | None]] = {}
    made_by: dict[int, int] = {}
    for k in fresh:
        draft = drafts[k]
        repeated, same = same_order(draft, by_customer.get(draft.customer, ()))
        if repeated is not None:
            repeats[k] = (repeated, same, made_by.get(id(repeated)))
            continue
        mine = FormOrder("", files[k], draft.customer, draft.customer_reference, draft.occurrence,
                         order_lines((line.item, line.quantity) for line in draft.lines))
        made_by[id(mine)] = k
        by_customer.setdefault(draft.customer, []).append(mine)
        new.append(k)
    return new, repeats


# -- report --------------------------------------------------------------------------------

def _report(options: Options, results: list[FileResult], matched: list[Matched], problems: list[Problem],
            lang: str, written: Sequence[Path] = ()) -> Path:
    """The run's report workbook in `--out`. A disk that fills up at it is told with what the run
    wrote (each converted input's files, and `written`: the master workbook) and what it did
    not, which only the report listed: the files finished stay, good as they are. With `--to
    orders` the run wrote no file but stored orders: those are named, and the same conversion
    run again writes the report, the forms found imported already with their orders."""
    try:
        return _report_written(options, results, matched, problems, lang)
    except Exception as exc:  # xlsxwriter raises a full disk as its FileCreateError, not as OSError
        if not disk_full(exc):
            raise
        made = [*(o for r in results if r.status == "converted" for o in r.outputs), *written]
        failed = [r.file for r in results if r.status == "failed"]
        orders = [n for r in results if r.status == "converted" for n in r.orders]
        if orders:
            forms = [r.file for r in results if r.status == "converted" and r.orders]
            raise UnusableInput(CONVERT_ORDERS_DISK_FULL(
                None, **full_at(exc), orders_it=f"{count(len(orders), 'ordine', 'ordini')} ({first_numbers(orders)})",
                orders_en=f"{count(len(orders), 'order', 'orders')} ({first_numbers(orders)})",
                **_listed("stored", forms), **_listed("failed", failed))) from exc
        raise UnusableInput(CONVERT_DISK_FULL(None, folder=options.out, **full_at(exc), **_listed("written", made),
                                              **_listed("failed", failed))) from exc


def _listed(name: str, paths: Sequence[Path]) -> dict[str, str]:
    """A message's files, counted and the first named, in both languages."""
    if not paths:
        return {f"{name}_it": "nessun file", f"{name}_en": "no file"}
    names = f" ({first_numbers([p.name for p in paths])})"
    return {f"{name}_it": count(len(paths), "file", "file") + names,
            f"{name}_en": count(len(paths), "file", "files") + names}


def _report_written(options: Options, results: list[FileResult], matched: list[Matched], problems: list[Problem],
                    lang: str) -> Path:
    from toolkit.writers.converted import ReportRow, write_report

    def reason(r: FileResult) -> str:
        if r.reason in SKIP_REASONS:
            it, en = SKIP_REASONS[r.reason]
            return it if lang == "it" else en
        return ""

    rows = [ReportRow(str(r.file), r.status, reason(r), tuple(str(o) for o in r.outputs) + r.orders, r.problems)
            for r in results]
    columns = [(m.file, m.sheet, m.target, heading, key) for m in matched for heading, key in m.columns.items()]
    from toolkit.basics.dates import ROME
    from toolkit.basics.files import unused_path

    stamp = datetime.now(ROME).strftime("%Y%m%d-%H%M%S")
    return write_report(unused_path(options.out / f"conversione-{stamp}.xlsx"), rows, lang, columns, problems)


def skip_reason(code: str | None, lang: str) -> str | None:
    if code is None:
        return None
    it, en = SKIP_REASONS.get(code, (code, code))
    return it if lang == "it" else en
