"""Foreign inputs as raw tables: the files a batch conversion is given, each read the same way.

A desk switching to the toolkit arrives with years of workbooks in every format: xls from an old
program, ods, csv exports with `;` or `,` and Italian decimals. Each becomes a `RawWorkbook`
(the same tables the data check reads), so one reshaping step serves them all. Workbooks pass
the guard (`toolkit.intake.guard`) and are read with python-calamine; a CSV is split by the csv
module, its separator and decimal mark sniffed from its first lines.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from toolkit.basics.cells import CELL_CHARACTERS, SHEET_COLUMNS, SHEET_ROWS
from toolkit.basics.files import resolved
from toolkit.basics.problems import UnusableInput, define
from toolkit.basics.wording import TextLine
from toolkit.intake.error_cells import shown_errors
from toolkit.intake.mapping import NO_MAPPING, Mapping
from toolkit.intake.sources import RawSheet, RawWorkbook, read_vetted_stepwise, read_workbook
from toolkit.intake.text_columns import text_columns, text_fields

SPREADSHEETS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv")
"""The extensions a folder is searched for; any other file in it is listed as skipped."""
MAX_CSV_BYTES = 200 * 2**20
"""The guard's limit on disk, for the text files the guard does not read."""

CSV_UNREADABLE = define(
    "csv-unreadable", "error",
    it="Il file {path} non si legge come CSV ({detail}): esportalo di nuovo come CSV UTF-8 con «;».",
    en="The file {path} cannot be read as CSV ({detail}): export it again as UTF-8 CSV with “;”.")
CSV_FIELD_TOO_LONG = define(
    "csv-field-too-long", "error",
    it="Il file {path} ha alla riga {line} un valore di più di {limit} caratteri, che nessuna cella tiene (Excel "
       "ne tiene al massimo {cell}): un testo incollato male o un file che non è un CSV. Correggi quella riga, o "
       "esporta di nuovo il file come CSV UTF-8 con «;».",
    en="The file {path} has a value of more than {limit} characters on line {line}, which no cell holds (Excel "
       "holds at most {cell}): text pasted wrong or a file that is not a CSV. Correct that line, or export the "
       "file again as UTF-8 CSV with “;”.")
CSV_TOO_LARGE = define(
    "csv-too-large", "error",
    it="Il file {path} è troppo grande ({size} byte, al massimo {limit}).",
    en="The file {path} is too large ({size} bytes, at most {limit}).")


@dataclass(frozen=True, slots=True)
class Found:
    """An input file and, when it is not read, why (a folder's other files, lock files)."""

    path: Path
    skipped: str | None = None
    resolved: Path | None = None
    """The path with its links resolved (what two names of one file share), once per file."""


def find_inputs(paths: Iterable[Path], exclude: Path | None = None) -> list[Found]:
    """Every file given, and every file in the folders given (recursively, in name order).

    A file named on the command line is always tried, whatever its extension (the guard says
    what it is); in a folder, only spreadsheets are, and Excel's lock files and our own
    temporary files are skipped with the reason, as is a link whose target is gone (a file
    moved or deleted since). Files in `exclude` (the output folder, when it lies below a folder
    given) are not inputs: a second run must not read the first's outputs. A name no disk holds
    (longer than 255 bytes) is a file the guard says is not there: `Path.is_dir` raised on it,
    an internal error; so did a link in a loop (`a` → `b` → `a`), which the guard too finds
    not there."""
    found: list[Found] = []
    seen: set[Path] = set()
    outside = resolved(Path(exclude)) if exclude is not None else None
    for given in paths:
        given = Path(given)
        entries = _walk(given) if os.path.isdir(given) else iter([(given, resolved(given), None)])
        below = outside if outside is not None and resolved(given) in outside.parents else None
        for path, key, skipped in entries:
            if key in seen or (below is not None and below in key.parents):
                continue
            seen.add(key)
            found.append(Found(path, skipped, key))
    return found


def _walk(folder: Path) -> Iterator[tuple[Path, Path, str | None]]:
    """Every file below `folder` in name order (`sorted(folder.rglob("*"))`), with its path
    resolved and why it is skipped (None: it is read). A link that leads to no file (its
    target moved or deleted, or a loop) is one too, skipped as `dangling-link`: passed over as
    no file, it was neither converted nor said to be skipped.

    Resolving a path asks the file system about each folder on it, five questions a file on a
    folder of a thousand forms. The walk, like `rglob`, does not enter a linked folder, so it
    meets only real folders below the resolved `folder`: a file's resolved path is its folder's
    joined with its name, and only a file that is itself a link is resolved on its own."""
    files: list[tuple[Path, Path]] = []
    dangling: set[Path] = set()
    pending = [(folder, folder.resolve())]
    while pending:
        here, real = pending.pop()
        try:
            with os.scandir(here) as listing:
                entries = list(listing)
        except PermissionError:
            continue
        for entry in entries:
            path = here / entry.name
            if _looped(entry):
                files.append((path, real / entry.name))
                dangling.add(path)
            elif entry.is_dir() and not entry.is_symlink():
                pending.append((path, real / entry.name))
            elif entry.is_file():
                files.append((path, path.resolve() if entry.is_symlink() else real / entry.name))
            elif entry.is_symlink() and not os.path.exists(path):
                files.append((path, real / entry.name))
                dangling.add(path)
    for path, real_path in sorted(files):
        yield path, real_path, _why_skipped(path) or ("dangling-link" if path in dangling else None)


def _looped(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a link leading round in a loop: asking what it is raises *Too many
    levels of symbolic links*, which stopped the whole run."""
    try:
        entry.is_dir()
    except OSError:
        return entry.is_symlink()
    return False


def _why_skipped(path: Path) -> str | None:
    name = path.name
    if name.startswith("~$") or name.startswith(".~lock."):
        return "lock"
    if name.startswith("."):
        return "hidden"
    if path.suffix.lower() not in SPREADSHEETS:
        return "not-a-spreadsheet"
    return None


def digest(path: Path) -> str:
    """The SHA-256 of a file's bytes: a form's identity, whatever its name."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_form_tables(path: Path, mapping: Mapping = NO_MAPPING) -> tuple[RawWorkbook, str]:
    """An order form as raw tables, and its digest (`digest`) from the bytes the guard and the
    reader saw: one read of the file instead of a second one for the digest."""
    read = read_forms_tables([path], mapping)[0]
    if isinstance(read, Exception):
        raise read
    return read


def read_forms_tables(paths: Sequence[Path], mapping: Mapping = NO_MAPPING) -> list[tuple[RawWorkbook, str] | Exception]:
    """`read_form_tables` over a batch of forms, the workbooks read a step at a time
    (`read_vetted_stepwise`: the guard over all of them, then calamine); each form's tables and
    digest, or the exception reading it alone would have raised, in the order given."""
    paths = [Path(p) for p in paths]
    vetted = iter(read_vetted_stepwise([p for p in paths if p.suffix.lower() != ".csv"]))
    read: list[tuple[RawWorkbook, str] | Exception] = []
    for path in paths:
        got = (None, None) if path.suffix.lower() == ".csv" else next(vetted)
        if isinstance(got, Exception):
            read.append(got)
            continue
        try:
            if got[0] is None:
                read.append((read_csv(path, mapping), digest(path)))
            else:
                raw, data = got
                read.append((raw, hashlib.sha256(data).hexdigest() if data is not None else digest(path)))
        except Exception as exc:  # the form's own failure, raised by the caller in its turn
            read.append(exc)
    return read


def read_tables(path: Path, mapping: Mapping = NO_MAPPING) -> RawWorkbook:
    """Any input as raw tables; `UnusableInput` with one clear line when it cannot be read."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return read_csv(path, mapping)
    return read_workbook(path)


def read_csv(path: Path, mapping: Mapping = NO_MAPPING) -> RawWorkbook:
    """A CSV as one sheet named after the file: `;` or `,` (sniffed), UTF-8 (with or without
    BOM) or Windows-1252, and numbers written the Italian way (`1.234,50`) or the English way.

    Every cell is read as text (`_split`) and turned into a number only when it is one in the
    file's own convention, so codes such as `007` keep their zeros. A cell reading `#N/A`,
    `#DIV/0!`, … is what Excel exports for a cell showing that error: an error cell, as in the
    workbook it came from (`error_cells.shown_errors`), never a name or a note. A CSV with values
    past the rows an Excel sheet holds is refused (`_past_the_sheet`).

    Below its heading, a column headed by one of the format's text columns (a code, a partita
    IVA, a CAP, a telephone number: `text_columns`, with `mapping`'s headings) stays text as
    written: read the Italian way, a code `"12,50"` became 12.50 and `1.234.567` 1234567. So do
    an order form's customer, reference and destination beside their labels (`text_fields`)."""
    hinted, text = separator_line(_text(path))
    sep = hinted or sniff_separator(text)
    comma = _italian(text, sep)
    split = _split(path, text, sep, int(hinted is not None))
    heading, texts = text_columns(split, mapping)
    rows = [[number(v, comma) for v in row] if i <= heading or not texts else
            [v if j in texts else number(v, comma) for j, v in enumerate(row)] for i, row in enumerate(split)]
    for r, c in text_fields(split[:max(heading, 0)], mapping):
        if r < len(rows) and c < len(rows[r]):
            rows[r][c] = split[r][c]
    if len(rows) > SHEET_ROWS and (past := _past_the_sheet(rows)) is not None:
        from toolkit.intake.guard import too_many_rows

        raise too_many_rows(path, path.stem, past, SHEET_ROWS)
    return RawWorkbook(path.name, (RawSheet(path.stem, rows, errors=shown_errors(rows, 1, 1)),))


def _split(path: Path, text: str, sep: str, skipped: int = 0) -> list[list[str | None]]:
    """A CSV's rows up to the last holding a value, each as wide as the farthest value (an empty
    cell None, `_farthest_value`), at most as wide and as large as an Excel sheet. Rows of their
    own widths are what a desk writes and a form's CSV holds (*Cliente;C001*
    over *Articolo;Quantità;Prezzo*): pandas refused a row wider than the first as an unreadable
    CSV and filled one shorter, or a blank line, with NaN, which the conversion then wrote as a
    number Excel has not (an internal error, or a CSV «damaged»). Lines end as the file ends
    them, an old Mac's CR alone too. `skipped`: the lines before `text` (a `sep=;` line), which
    a line named counts."""
    split = _csv_rows(path, io.StringIO(text, newline=""), sep, strict=True, skipped=skipped)
    width = max(map(len, split), default=0)
    if width > SHEET_COLUMNS:
        row = next(i for i, values in enumerate(split, 1) if len(values) == width)
        line = TextLine(_first_line(text, sep, row) + skipped, row)
        raise UnusableInput(CSV_UNREADABLE(None, path=path, detail=(
            f"riga {line.bracketed('it')}: {width} valori, più delle {SHEET_COLUMNS} colonne di un foglio Excel / "
            f"line {line.bracketed('en')}: {width} values, more than an Excel sheet's {SHEET_COLUMNS} columns")))
    from toolkit.intake.guard import MAX_SHEET_CELLS, too_many_cells

    rows, columns = _farthest_value(split)
    if min(rows, SHEET_ROWS + 1) * columns > MAX_SHEET_CELLS:
        raise too_many_cells(path, path.stem, rows, columns)
    return [[v or None for v in row[:columns]] + [None] * (columns - len(row)) for row in split[:rows]]


def _first_line(text: str, sep: str, row: int) -> int:
    """The line of `text` (1-based, as an editor counts them) where its `row`th row begins."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    ended = 0
    for _ in itertools.islice(reader, row - 1):
        ended = reader.line_num
    return ended + 1


def _farthest_value(split: Sequence[Sequence[str]]) -> tuple[int, int]:
    """The last row and the farthest column holding a value (1-based; blanks are none), the used
    range the rows are padded to, as calamine gives a sheet's: padded to the widest row, blank
    ones past the data included, one row of 16,384 `;` over 60,000 lines took 8 GB.

    >>> _farthest_value([["a", "", " "], [], ["", "b"], [" ", ""]])
    (3, 2)
    """
    rows = columns = 0
    for at, row in enumerate(split, 1):
        last = next((i for i in range(len(row), 0, -1) if row[i - 1].strip()), 0)
        if last:
            rows, columns = at, max(columns, last)
    return rows, columns


def _past_the_sheet(rows: Sequence[Sequence[Any]]) -> int | None:
    """The first row (1-based) holding a value past the rows an Excel sheet holds (`SHEET_ROWS`),
    or None: a CSV that long is refused, as its rows past Excel's last would be lost when the
    conversion writes it to a workbook (a master, an .xlsx), where an .ods's are when read.

    >>> _past_the_sheet([["a"]] * SHEET_ROWS + [[None], ["b"]]), _past_the_sheet([["a"]] * SHEET_ROWS + [[None]])
    (1048578, None)
    """
    return next((i + 1 for i in range(SHEET_ROWS, len(rows)) if any(v is not None for v in rows[i])), None)


def text_rows(path: Path) -> list[list[str]]:
    """The rows of a small CSV a desk exports from Excel (quantities to ship, payments):
    UTF-8 with or without BOM, else Windows-1252, or UTF-16 with its mark, split on the
    separator `read_csv` splits on (`sniff_separator`): counted on the first line alone, quotes
    and all, a tab inside a quoted heading split a `;` file on tabs. Lines end as the file ends
    them: an old Mac's CR alone was refused as unreadable. A file the csv
    module cannot split (a field of 200,000 characters) is the file's problem, told as such: it
    was an internal error."""
    hinted, content = separator_line(_text(path))
    return _csv_rows(path, io.StringIO(content, newline=""), hinted or (sniff_separator(content) if content.strip() else ";"),
                     skipped=int(hinted is not None))


def _csv_rows(path: Path, text: io.StringIO, sep: str, *, strict: bool = False, skipped: int = 0) -> list[list[str]]:
    """The rows the csv module splits, or `UnusableInput`: a field past its limit (131,072
    characters, more than the 32,767 a cell holds) named by its line and the limit in the desk's
    words, where the module's English (*field larger than field limit (131072)*) stood inside
    the Italian sentence; anything else the module refuses (with `strict`, a quote left open,
    which would hold every line after it), its first line as the detail. The line named is an
    editor's, `skipped` lines (a `sep=;` line) counted before `text`, with Excel's row beside it
    when they differ (`TextLine`)."""
    reader = csv.reader(text, delimiter=sep, strict=strict)
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
        return rows
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise UnusableInput(CSV_FIELD_TOO_LONG(None, path=path, line=TextLine(reader.line_num + skipped, len(rows) + 1),
                                                   limit=Decimal(csv.field_size_limit()),
                                                   cell=Decimal(CELL_CHARACTERS))) from None
        raise UnusableInput(CSV_UNREADABLE(None, path=path, detail=str(exc).splitlines()[0][:120])) from None


def _text(path: Path) -> str:
    """A text file's content, or `UnusableInput` in the guard's words (missing, a folder, not
    readable, empty) or ours (too large, binary: a NUL byte anywhere, one scan in C). A folder
    named `incassi.csv` was an internal error, a NUL byte a cell that looked right and was refused;
    a PDF or a web page, which hold none in their first lines, were converted as a column of text,
    a workbook refused as binary (`refuse_not_text`)."""
    from toolkit.intake.guard import present_size, refuse_not_text

    size = present_size(path)
    if size > MAX_CSV_BYTES:
        raise UnusableInput(CSV_TOO_LARGE(None, path=path, size=size, limit=MAX_CSV_BYTES))
    raw = path.read_bytes()
    refuse_not_text(path, raw)
    text = _decode(raw)
    if "\x00" in text:
        raise UnusableInput(CSV_UNREADABLE(None, path=path, detail="binary content / contenuto binario"))
    return text


def _decode(raw: bytes) -> str:
    """UTF-16 when the file starts with its byte-order mark (Excel's «Testo Unicode», tab
    separated) or, without one, its zero bytes say so (`guard.unmarked_utf16`: some ERPs'
    exports, refused as binary), else UTF-8 with or without BOM, else Windows-1252 without the
    UTF-8 BOM an editor put before it: read as Windows-1252, its three bytes were `ï»¿` in the
    first heading, `ï»¿Codice`, a column of the format unknown.

    >>> _decode("Fattura;Data".encode("utf-16")), _decode(b"\\xef\\xbb\\xbfCitt\\xc3\\xa0"), _decode(b"Citt\\xe0")
    ('Fattura;Data', 'Città', 'Città')
    >>> _decode(b"\\xef\\xbb\\xbfCodice;Citt\\xe0")
    'Codice;Città'
    >>> _decode("Fattura;Città".encode("utf-16-be")), _decode("Fattura;Città".encode("utf-16-le"))
    ('Fattura;Città', 'Fattura;Città')
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    from toolkit.intake.guard import unmarked_utf16

    if b"\x00" in raw[:4096] and (order := unmarked_utf16(raw)):
        return raw.decode(order, errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.removeprefix(codecs.BOM_UTF8).decode("cp1252", errors="replace")


def separator_line(text: str) -> tuple[str | None, str]:
    """The separator a first line `sep=;` names, and the text after that line; (None, the text)
    without one. Excel reads the line as the file's separator and shows no row for it, as a desk
    writes it to have Excel open a CSV right: it was read as a row, *sep=*, over the headings.

    >>> separator_line("sep=;\\r\\nCodice;Prezzo\\n"), separator_line("Codice;Prezzo\\n")
    ((';', 'Codice;Prezzo\\n'), (None, 'Codice;Prezzo\\n'))
    """
    found = _SEPARATOR_LINE.match(text)
    return (found[1], text[found.end():]) if found else (None, text)


_SEPARATOR_LINE = re.compile(r'"?sep=([;,\t])"?[ \t]*(?:\r\n|\r|\n|$)', re.IGNORECASE)


def sniff_separator(text: str) -> str:
    """`;` when the first lines have as many of them as commas (the Italian Excel export), else `,`,
    each counted outside quotes (`"Note, varie"`, `"12,5"`), and a decimal comma between `;`
    not counted as a comma: `1,50;2,75`, two amounts a line, was read as split at its commas,
    `1`, `50;2` and `75`.

    >>> sniff_separator("Codice;Prezzo\\nA1;12,50\\n"), sniff_separator("code,price\\nA1,12.50\\n")
    (';', ',')
    >>> sniff_separator("Prezzo;Sconto\\n1,50;2,75\\n3,10;0,5\\n"), sniff_separator('a,"b;c;d"\\n1,2\\n')
    (';', ',')
    >>> sniff_separator("Fattura\\tImporto\\nFT-1\\t12,50\\n"), sniff_separator("Prezzo;Sconto\\r1,50;2,75\\r")
    ('\\t', ';')

    A tab when the first line holds more tabs than either outside quotes (Excel's «Testo
    Unicode»: `12,50` in a tab-separated file made every row two fields at its comma), or when
    a tab parts every line (`tab_separated`), whatever its texts hold: `Note; varie` in the first
    line of a tab-separated file had it split on `;`. A tab inside a quoted heading of a `;`
    file (`"Note\\tinterne";Prezzo`) is a text's, not a separator.

    >>> sniff_separator('"Note\\tinterne\\tvarie";Prezzo\\nA;1\\n')
    ';'

    A first line parted by `;` and by no comma is a `;` file's headings, whatever commas its
    texts hold (Excel quotes none there: `Viti M6, zincate, testa esagonale, …`): counted over
    the first lines, more commas than semicolons split every line at its texts' commas.

    >>> sniff_separator("Articolo;Descrizione\\nA1;Viti, zincate, inox\\nA2;Dadi, alti, inox\\n")
    ';'

    A first line holding no separator outside quotes (a blank line before it passed over) is a
    file of one column, split at no mark (`ONE_COLUMN`), when the lines below hold none either
    but a lone amount's decimal comma: `Prezzo` over `1,50` was split at the comma, 1 and 50.
    A title over a table (`Listino 2026` over `Codice;Prezzo`) is sniffed by the table; a list
    of notes, a sentence's comma in some of them, is one column (`_one_column`).

    >>> sniff_separator("Prezzo\\n1,50\\n2,75\\n") == ONE_COLUMN, sniff_separator('\\n"Note, varie"\\nA\\n') == ONE_COLUMN
    (True, True)
    >>> sniff_separator("Listino 2026\\nCodice;Prezzo\\nA1;1,50\\n"), sniff_separator("Prices\\ncode,price\\n")
    (';', ',')
    >>> sniff_separator("Note\\nal retro, piano 2\\nchiamare prima\\n") == ONE_COLUMN
    True
    """
    head = _unquoted(text[:4096]).replace("\r", "\n")
    first = _unquoted(_BLANK_LINES.sub("", text[:4096])).replace("\r", "\n").split("\n", 1)[0]
    if not any(mark in first for mark in ";,\t") and _one_column(head, whole=len(text) <= 4096):
        return ONE_COLUMN
    if first.count("\t") > max(first.count(";"), first.count(",")) or tab_separated(text):
        return "\t"
    if ";" in first and _commas(first) == 0:
        return ";"
    return ";" if ";" in head and head.count(";") >= _commas(head) else ("\t" if "\t" in head and "," not in head
                                                                         else ",")


def _one_column(head: str, whole: bool) -> bool:
    """Whether the lines of `head` (quoted values taken out), below a first line holding no
    separator, are one column: each holds none but a lone amount's decimal comma, or a comma or
    `;` followed by a space, as a sentence has them, and one line at least holds none. A list of
    notes holds them only where a note's text does (`consegnare al retro, piano 2`, which Excel
    writes unquoted in a `;` file, over `chiamare prima`), and was split at each note's comma; a
    table under a title holds a separator a value follows right after it (`Codice;Prezzo`, `A1;;`
    as Excel writes a row, a program's `1,2,3`), and a title over lines of spaced commas alone may
    be a table written by hand (`code, price`), but for one line alone: a title over one row is
    no table (headings and no data), and a file of one note under *Note*, `A, B`, was split in
    two. The last line of a head cut short (`whole` false) is not looked at."""
    lines = [line for line in head.split("\n") if line.strip()][1:]
    kinds = {"none" if _LONE_AMOUNT.match(line) or not any(mark in line for mark in ";,\t") else
             "table" if _SEPARATING.search(line) else "spaced" for line in (lines if whole else lines[:-1])}
    return "table" not in kinds and ("none" in kinds or not kinds or (whole and len(lines) == 1))


_SEPARATING = re.compile(r"\t|[;,](?![ \xa0])")
"""A mark that parts values: a tab, or a `;` or comma with no space after it (a sentence's has one)."""
_LONE_AMOUNT = re.compile(r"[ \xa0]*[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+[ \xa0]*$")
"""A line of one amount with a decimal comma (`1,50`, `1.234,50`): a one-column file's, not two values."""
_BLANK_LINES = re.compile(r"\A(?:[ \t\xa0]*(?:\r\n|\r|\n))+")
"""The blank lines a file may start with, which Excel shows as empty rows above the headings."""
ONE_COLUMN = "\x00"
"""The separator of a file of one column: NUL, which no text the reader takes holds (`_text`)."""


def _commas(text: str) -> int:
    """The commas of `text` that may part values: outside the decimal amounts between `;`."""
    return text.count(",") - sum(found.group().count(",") for found in _IT_FIELD.finditer(text))


_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def _unquoted(text: str) -> str:
    """`text` without its quoted values, quotes and all: what a separator may be.

    >>> _unquoted('A;"12,5";"Via ""Roma"", 5"\\n')
    'A;;\\n'
    """
    return _QUOTED.sub("", text)


_IT_FIELD = re.compile(r"(?:^|(?<=;))[ \xa0]*[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+[ \xa0]*(?=;)"
                       r"|(?<=;)[ \xa0]*[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+[ \xa0]*$", re.MULTILINE)
"""A number with a decimal comma between `;` and `;` or a line's end: an amount of a `;` file,
not two fields of a `,` one. A line holding no `;` holds none, so `1,50` alone stays a `,` line."""


def tab_separated(text: str) -> bool:
    """Whether a tab outside quotes parts every line of the file's first 4 KB that holds
    anything (its lines whole: a line the 4 KB cut is not looked at). A tab cannot be typed into
    an Excel cell (the key moves to the next one), so in a `;` or `,` file it is on no line,
    or a few pasted ones; in a tab-separated file it is on each, where a text's `;` or `,`
    (`Via Roma, 5`, `Note; varie`) may outnumber it.

    >>> tab_separated('Cliente\\tNote; varie; altro\\nC001\\t"a;b"\\n\\n'), tab_separated("A;B\\tx\\nC;D\\n")
    (True, False)
    """
    head = text[:4096]
    if len(text) > len(head):
        head = head[:max(head.rfind("\n"), head.rfind("\r")) + 1]
    lines = [row for row in csv.reader(io.StringIO(head, newline=""), delimiter="\t") if any(v.strip() for v in row)]
    return bool(lines) and all(len(row) > 1 for row in lines)


_IT_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_EN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def _italian(text: str, sep: str = ";") -> bool:
    """Whether the file's numbers use the decimal comma: a `;` (or tab) file with `12,50`,
    `1.234,50` or `"12,5"` in it (Excel quotes a value at will). Missing `1.234,50` left it text,
    written back as it came beside numbers in the other style; so did a file whose lines end in
    CR alone, an old Mac's, whose `12,50` ended no line the pattern knew.

    >>> _italian('Codice;Prezzo\\nA001;1.234,50\\n'), _italian('A;"12,5"\\n'), _italian('A;12.50\\n')
    (True, True, False)
    >>> _italian('A\\t12,50\\n'), _italian('Codice;Prezzo\\rA1;2,5\\rA2;3\\r')
    (True, True)

    A `,` file whose quoted values are amounts with a decimal comma none could take for
    thousands (`"12,50"`, `"1.234,5"`: as Google Sheets in Italian exports one), and whose values
    hold no decimal point and no English thousands (`"10,000"`): its `"1,50"` stayed text. Beside
    `"10,000"` a `"30,60"` is a text (the days a customer pays at), and read the Italian way the
    file's 10,000 became 10.

    >>> _italian('Codice,Prezzo\\nA1,"12,50"\\nA2,3\\n', ","), _italian('A1,"1,234"\\n', ",")
    (True, False)
    >>> _italian('A1,"12,50",2.5\\n', ","), _italian('C1,"10,000","30,60"\\n', ",")
    (False, False)
    """
    head = text[:65536].replace("\r", "\n")
    if sep != ",":
        return bool(_IT_DECIMAL.search(head))
    return bool(_IT_QUOTED.search(head)) and not _EN_DECIMAL.search(head) and not _EN_GROUPED.search(head)


_IT_DECIMAL = re.compile(r'(^|[;\t])[ \xa0]*"?[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+"?[ \xa0]*([;\t]|$)', re.MULTILINE)
"""A decimal comma between separators or a line's ends, spaces around it: spaces only, as `\\s`
crossed lines, and over 60,000 blank lines after a `;` it looked again at every one, 70 seconds
for a file of 76 KB."""
_IT_QUOTED = re.compile(r'(?:^|,)[ \xa0]*"[ \xa0]*[+-]?(?:\d{1,3}(?:\.\d{3})+,\d+|\d+,(?:\d{1,2}|\d{4,}))[ \xa0]*"'
                        r'[ \xa0]*(?=,|$)', re.MULTILINE)
"""A quoted amount of a `,` file with a decimal comma no English number has: `"12,50"`,
`"1.234,5"`; `"1,234"` may be either, and says nothing."""
_EN_DECIMAL = re.compile(r'(?:^|,)[ \xa0]*(?:"[ \xa0]*[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+[ \xa0]*"|[+-]?\d+\.\d+)'
                         r'[ \xa0]*(?=,|$)', re.MULTILINE)
"""A value of a `,` file with a decimal point (`2.5`, `"1,234.50"`): the file writes numbers the
English way. Thousands only inside quotes, where a `,` file's can be: looked for from every comma
of an unquoted run `1,111,111,…`, to its end each time, a line of 64 KB took 6 seconds."""
_EN_GROUPED = re.compile(r'(?:^|,)[ \xa0]*"[ \xa0]*[+-]?\d{1,3}(?:,\d{3})+[ \xa0]*"[ \xa0]*(?=,|$)', re.MULTILINE)
"""A quoted whole number of a `,` file with English thousands (`"10,000"`, `"1,250,000"`): the
file writes numbers the English way, whatever a `"30,60"` beside it holds."""


def number(value: Any, comma: bool) -> Any:
    """A text cell as a number when it is one in the file's convention, else as it is.

    A code with leading zeros (`007`) stays text, as do empty cells (None) and digits past
    any number a sheet holds (`_FLOAT_DIGITS`).

    >>> number("1.234,50", True), number("12.5", False), number("007", True), number("", True)
    (Decimal('1234.50'), Decimal('12.5'), '007', None)
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    digits = text.lstrip("+-")
    if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
        return value
    pattern = _IT_NUMBER if comma else _EN_NUMBER
    if not pattern.match(text):
        return value
    plain = text.replace(".", "").replace(",", ".") if comma else text.replace(",", "")
    try:
        found = Decimal(plain)
    except InvalidOperation:
        return value
    return found if found.adjusted() < _FLOAT_DIGITS else value


_FLOAT_DIGITS = 308
"""A number of more digits than this before the point is past any a sheet holds (Excel's and
a float's largest is about 1.8e308): it stays text, as typed, where it would have become an
infinity the conversion cannot write (an internal error, or the CSV told «damaged»)."""


def decimal_text(value: Any) -> Decimal | None:
    """A cell as an exact number: a number cell, or text written either way (`12,50`, `12.50`).

    >>> decimal_text("12,50"), decimal_text(3.0), decimal_text("abc")
    (Decimal('12.50'), Decimal('3'), None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)).normalize() if value != int(value) else Decimal(int(value))
    if isinstance(value, str):
        found = number(value, "," in value and not _EN_NUMBER.match(value.strip()))
        return found if isinstance(found, Decimal) else None
    return None
