"""Finding the schema's sheets and columns in a raw workbook, wherever the user put them.

Sheets match by Italian or English name; the header row is the first row (within the first
few) that names the sheet's columns, so a table may start below a title or to the right of
notes. The result, `Layout`, is also what turns a record's (sheet, row, field) back into the
cell address a user can click.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import compress, islice, repeat
from operator import is_, itemgetter
from typing import Any

from pydantic import BaseModel, ConfigDict

from toolkit.basics.cells import Location, address
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import normalize
from toolkit.intake.sources import RawSheet, RawWorkbook
from toolkit.model import sheets as schema
from toolkit.model.cells import Kind
from toolkit.model.sheets import Sheet

MISSING_SHEET = define(
    "missing-sheet", "error",
    it="Manca il foglio «{it}» ({en}): aggiungilo con la riga di intestazione ({columns}). {found}",
    en="Sheet “{en}” ({it}) is missing: add it with its header row ({columns}). {found}")
SHEETS_LISTED = 12
"""The sheet names a missing sheet's message lists at most: the rest are counted."""


@dataclass(frozen=True, slots=True)
class SheetsFound:
    """The sheets a workbook has, for a missing sheet's message: a sheet renamed `Clienti 2026`
    shows at a glance, and the name closest to the one missing is suggested back."""

    names: tuple[str, ...]
    closest: str | None
    wanted: str

    def shown(self, lang: str) -> str:
        it = lang == "it"
        quoted = [f"«{n}»" if it else f"“{n}”" for n in self.names[:SHEETS_LISTED]]
        if len(self.names) > SHEETS_LISTED:
            quoted.append(f"e altri {len(self.names) - SHEETS_LISTED}" if it
                          else f"and {len(self.names) - SHEETS_LISTED} more")
        listed = ", ".join(quoted) or ("nessuno" if it else "none")
        if self.closest is None:
            return f"Fogli trovati: {listed}." if it else f"Sheets found: {listed}."
        return (f"Fogli trovati: {listed}. Se «{self.closest}» è questo foglio, rinominalo «{self.wanted}»." if it
                else f"Sheets found: {listed}. If “{self.closest}” is this sheet, rename it “{self.wanted}”.")


def _sheets_found(raw: RawWorkbook, spec: Sheet, unmatched: Sequence[str]) -> SheetsFound:
    """The workbook's sheets, and the unmatched one whose name is closest to the spec's in
    either language (`Clienti 2026`, `clienti_old`), if any is close enough to be a guess."""
    wanted = {normalize(spec.it): spec.it, normalize(spec.en): spec.en}
    near = [(max(SequenceMatcher(None, normalize(name), w).ratio() for w in wanted), name) for name in unmatched]
    score, closest = max(near, default=(0.0, None))
    return SheetsFound(tuple(s.name for s in raw.sheets), closest if score >= 0.6 else None, spec.it)


MISSING_COLUMN = define(
    "missing-column", "error",
    it="Nel foglio manca la colonna obbligatoria «{it}»: aggiungila nella riga di intestazione.",
    en="The sheet lacks the required column “{en}”: add it to the header row.")
MISSING_COLUMN_NAMED_OTHERWISE = define(
    "missing-column-named-otherwise", "error",
    it="Nel foglio manca la colonna obbligatoria «{it}»: la colonna «{found}» ({cell}) le somiglia, ma il toolkit "
       "legge solo il nome esatto. Intitolala «{it}» (un'unità di misura o una nota vanno nei dati, non nel nome).",
    en="The sheet lacks the required column “{en}”: column “{found}” ({cell}) resembles it, but the toolkit reads "
       "only the exact name. Head it “{en}” (a unit or a note belongs in the data, not in the name).")
DUPLICATE_COLUMN = define(
    "duplicate-column", "error",
    it="La colonna «{it}» compare due volte (anche in {other}): tieni una sola colonna con questo nome.",
    en="Column “{en}” appears twice (also at {other}): keep only one column with this name.")
DUPLICATE_SHEET = define(
    "duplicate-sheet", "error",
    it="Il foglio «{name}» e il foglio «{other}» sono lo stesso ({en}): tienine uno solo.",
    en="Sheets “{name}” and “{other}” are the same sheet ({en}): keep only one.")

VERY_HIDDEN_SHEET = define(
    "very-hidden-sheet", "warning",
    it="Il foglio «{name}» è «molto nascosto»: Excel non ne mostra la scheda né lo elenca in Scopri, ma il toolkit lo "
       "legge come gli altri. Rendilo visibile (Alt+F11, nell'editor VBA la proprietà Visible del foglio: "
       "-1 - xlSheetVisible) per vedere i dati che usa, o eliminalo se non serve.",
    en="Sheet “{name}” is very hidden: Excel shows no tab for it and its Unhide does not list it, but the toolkit "
       "reads it as any other. Make it visible (Alt+F11, in the VBA editor the sheet's Visible property: "
       "-1 - xlSheetVisible) to see the data it uses, or delete it if it is not needed.",
    title=("Foglio molto nascosto letto dal toolkit", "Very hidden sheet read by the toolkit"))

OPTIONAL_SHEET_NAMED_OTHERWISE = define(
    "optional-sheet-named-otherwise", "warning",
    it="Il foglio «{name}» ha le colonne del foglio «{it}» ({columns}), che manca: il toolkit legge i fogli per "
       "nome, quindi non legge le sue righe, come se fosse vuoto. Se è il foglio {it}, rinominalo «{it}».",
    en="Sheet “{name}” has the columns of sheet “{en}” ({columns}), which is missing: the toolkit reads sheets by "
       "name, so it does not read its rows, as if it were empty. If it is the {en} sheet, rename it “{it}”.",
    title=("Foglio facoltativo con un altro nome", "Optional sheet named otherwise"))

HEADER_SEARCH_ROWS = 10


class Layout(BaseModel):
    """Where each schema sheet and column was found: sheet name and 1-based column per field."""

    model_config = ConfigDict(frozen=True)

    workbook: str
    sheets: dict[str, str] = {}
    columns: dict[str, dict[str, int]] = {}
    settings_cells: dict[str, str] = {}
    """Settings are rows, not columns: each setting's value cell."""
    unread_codes: dict[str, frozenset[str]] = {}
    """Codes of rows that had errors: references to them are not reported a second time."""

    def locate(self, sheet_key: str, row: int | None = None, field: str | None = None) -> Location:
        name = self.sheets.get(sheet_key) or schema_sheet(sheet_key).it
        if sheet_key == "settings":
            return Location(name, self.settings_cells.get(field or "", "B1"), self.workbook)
        col = self.columns.get(sheet_key, {}).get(field) if field else None
        if row is None:
            return Location(name, None, self.workbook)
        return Location(name, address(row, col or 1), self.workbook)


def schema_sheet(key: str) -> Sheet:
    return next(s for s in schema.SHEETS if s.key == key)


@dataclass(frozen=True)
class Table:
    """A schema sheet found in the workbook: its header's columns and its data rows."""

    spec: Sheet
    raw: RawSheet
    header_index: int
    columns: dict[str, int] = field(default_factory=dict)
    """Field key → 1-based column number."""

    @property
    def name(self) -> str:
        return self.raw.name

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number, {field: value}) for each data row with anything in the known columns."""
        keys = list(self.columns)
        numbers, columns = self.data(keys)
        for number, picked in zip(numbers, zip(*columns)):
            yield number, dict(zip(keys, picked))

    def data(self, keys: Sequence[str]) -> tuple[list[int], list[tuple[Any, ...]]]:
        """The numbers of the data rows with anything in those columns, and each column's cells on them.

        The hot loop of reading a large workbook, so C-level passes (`itemgetter`, `zip`)
        rather than a step per cell, and whether a row is filled is decided a column at a
        time (`_empty_rows`), not by a call per row.
        """
        if not keys:
            return [], []
        first_col = self.raw.first_col
        offsets = [self.columns[k] - first_col for k in keys]
        rows = self.raw.rows[self.header_index + 1:]
        columns = _columns(rows, offsets)
        if columns is None:
            width = max(offsets) + 1
            rows = [(*r, *(None,) * (width - len(r))) if len(r) < width else r for r in rows]
            columns = _columns(rows, offsets)
            assert columns is not None
        columns = columns or [() for _ in keys]
        first = self.raw.first_row + self.header_index + 1
        numbers = range(first, first + len(rows))
        empty = _empty_rows(columns) + self._headings_again(rows, offsets[0], columns[0])
        if not empty:
            return list(numbers), columns
        filled = [True] * len(rows)
        for i in empty:
            filled[i] = False
        return list(compress(numbers, filled)), [tuple(compress(column, filled)) for column in columns]


    def _headings_again(self, rows: Sequence[Sequence[Any]], offset: int, column: Sequence[Any]) -> list[int]:
        """The rows (by index) that repeat the sheet's headings: a second block stacked under the
        first with a heading row of its own (*Chiusure* 2026, then 2027), or the headings
        copied above each page to print. Every column the sheet reads holds its heading there,
        or nothing. Looked for only when the column holds its own heading (one pass in C)."""
        header = self.raw.rows[self.header_index]
        heading = header[offset] if offset < len(header) else None
        if not isinstance(heading, str) or heading not in column:
            return []
        first_col = self.raw.first_col
        cells = [(c - first_col, header[c - first_col]) for c in self.columns.values() if c - first_col < len(header)]
        found = []
        for i in (i for i, v in enumerate(column) if v == heading):
            row = rows[i]
            shown = [row[j] if j < len(row) else None for j, _ in cells]
            if all(v == h or v is None or v == "" for v, (_, h) in zip(shown, cells)) and \
                    sum(v == h for v, (_, h) in zip(shown, cells)) >= min(2, len(cells)):
                found.append(i)
        return found


def _columns(rows: Sequence[Sequence[Any]], offsets: list[int]) -> list[tuple[Any, ...]] | None:
    """The cells at these offsets of the rows, a column each; None when a row is too short to
    have them all (the caller pads the rows then).

    When the offsets are the rows' first columns in order, the usual table (its columns where
    the sample puts them), the rows are turned into columns by `zip` alone: picking each row's
    cells first made a tuple per row, a third of the time at L. `zip` stops at the shortest
    row, so it tells a short row by the columns it gives, without a pass measuring each row."""
    if not rows:
        return []
    if offsets == list(range(len(offsets))):
        columns = list(islice(zip(*rows), len(offsets)))
        return columns if len(columns) == len(offsets) else None
    pick = itemgetter(*offsets) if len(offsets) > 1 else lambda r: (r[offsets[0]],)
    try:
        return list(zip(*map(pick, rows)))
    except IndexError:
        return None


def _empty_rows(columns: Sequence[Sequence[Any]]) -> list[int]:
    """The rows (by index) with nothing in any of the columns: those blank in the first column,
    then those of them blank in the next, and so on; the first column, a code that every row
    has, usually leaves none to look at."""
    if not columns or _blank_free(columns[0]):
        return []
    empty: Sequence[int] = range(len(columns[0]))
    for column in columns:
        empty = [i for i in empty if (v := column[i]) is None or v == "" or (v.__class__ is str and not v.strip())]
        if not empty:
            break
    return list(empty)


def _blank_free(column: Sequence[Any]) -> bool:
    """Whether no cell of the column is blank (None, or text that strips to nothing), found by
    passes in C: a cell is blank text exactly when it is "" or all `isspace`. The code column
    of a large sheet is, and then no row needs a look of its own."""
    if None in column or "" in column:
        return False
    kinds = set(map(type, column))
    if str not in kinds:
        return True
    texts = column if kinds == {str} else compress(column, map(is_, map(type, column), repeat(str)))
    return not any(map(str.isspace, texts))


def find_tables(raw: RawWorkbook) -> tuple[dict[str, Table], Layout, list[Problem]]:
    problems: list[Problem] = []
    found: dict[str, RawSheet] = {}
    unmatched: list[str] = []
    for sheet in raw.sheets:
        spec = schema.match_sheet(sheet.name)
        if spec is None:
            unmatched.append(sheet.name)
            continue
        if spec.key in found:
            problems.append(DUPLICATE_SHEET(Location(sheet.name, None, raw.name), name=sheet.name,
                                            other=found[spec.key].name, en=spec.en))
            continue
        found[spec.key] = sheet
        if sheet.very_hidden:
            problems.append(VERY_HIDDEN_SHEET(Location(sheet.name, None, raw.name), name=sheet.name))

    tables: dict[str, Table] = {}
    for spec in schema.SHEETS:
        raw_sheet = found.get(spec.key)
        if raw_sheet is None:
            if spec.required:
                problems.append(MISSING_SHEET(Location(spec.it, None, raw.name), it=spec.it, en=spec.en,
                                              columns=", ".join(c.it for c in spec.columns if c.required),
                                              found=_sheets_found(raw, spec, unmatched)))
            elif (renamed := _headed_as(spec, raw, unmatched)) is not None:
                unmatched.remove(renamed.name)
                problems.append(OPTIONAL_SHEET_NAMED_OTHERWISE(
                    Location(renamed.name, None, raw.name), name=renamed.name, it=spec.it, en=spec.en,
                    columns=", ".join(c.it for c in spec.columns if c.required)))
            continue
        table, table_problems = _read_header(spec, raw_sheet, raw.name)
        problems += table_problems
        tables[spec.key] = table

    layout = Layout(
        workbook=raw.name,
        sheets={k: t.name for k, t in tables.items()},
        columns={k: dict(t.columns) for k, t in tables.items()},
    )
    return tables, layout, problems


def _headed_as(spec: Sheet, raw: RawWorkbook, unmatched: Sequence[str]) -> RawSheet | None:
    """The first sheet no spec matches whose header row names every required column of the
    optional sheet `spec`, missing, over at least one row of data: *Chiusure* renamed `Foglio1`
    or `Chiusure 2026`, whose closures were not read and orders fell on closed days unwarned.
    Not a sheet heading every required column of a sheet that has more of them: *Clienti*
    renamed heads *Vettori*'s Codice and Ragione sociale, and is *Clienti*."""
    required = _required(spec)
    for sheet in raw.sheets:
        if sheet.name not in unmatched or not _heads(spec, sheet):
            continue
        if any(len(_required(other)) > len(required) and _heads(other, sheet) for other in schema.SHEETS):
            continue
        index = _header_row(spec, sheet.rows)
        if any(str(v).strip() for row in sheet.rows[index + 1:] for v in row if v is not None):
            return sheet
    return None


def _required(spec: Sheet) -> set[str]:
    return {c.key for c in spec.columns if c.required}


def _heads(spec: Sheet, sheet: RawSheet) -> bool:
    """Whether the sheet's header row names every required column of `spec`."""
    index = _header_row(spec, sheet.rows)
    named = {column.key for _, column in schema.named_columns(
        sheet.rows[index] if index < len(sheet.rows) else (), spec.headings, spec.short_headings)}
    return _required(spec) <= named


def table_of(spec: Sheet, sheet: RawSheet, workbook: str) -> Table:
    """The table `find_tables` finds in this sheet for this spec (without its problems)."""
    return _read_header(spec, sheet, workbook)[0]


def _read_header(spec: Sheet, sheet: RawSheet, workbook: str) -> tuple[Table, list[Problem]]:
    headers = SETTINGS_COLUMNS if spec.key_value else spec
    index = _header_row(headers, sheet.rows)
    problems: list[Problem] = []
    columns: dict[str, int] = {}
    header = sheet.rows[index] if index < len(sheet.rows) else ()
    for j, column in schema.named_columns(header, headers.headings, headers.short_headings):
        col = sheet.first_col + j
        where = Location(sheet.name, address(sheet.first_row + index, col), workbook)
        if column.key in columns:
            problems.append(DUPLICATE_COLUMN(where, it=column.it, en=column.en,
                                             other=address(sheet.first_row + index, columns[column.key])))
            continue
        columns[column.key] = col
    for column in headers.columns:
        if column.required and column.key not in columns:
            row = sheet.first_row + index
            near = _named_otherwise(column, header, set(columns.values()), sheet.first_col)
            if near is not None:
                j, found = near
                cell = address(row, sheet.first_col + j)
                problems.append(MISSING_COLUMN_NAMED_OTHERWISE(Location(sheet.name, cell, workbook), it=column.it,
                                                               en=column.en, found=found, cell=cell))
                continue
            col = sheet.first_col + len(header)
            problems.append(MISSING_COLUMN(Location(sheet.name, address(row, col), workbook),
                                           it=column.it, en=column.en))
    return Table(spec, sheet, index, columns), problems


def _named_otherwise(column: schema.Column, header: Sequence[Any], taken: set[int],
                     first_col: int) -> tuple[int, str] | None:
    """A heading of the row read for no column that starts with one of the column's names, the
    rest in brackets or a mark (`Quantità (pz)`, `Codice*`), as (offset, heading): the desk
    sees its column and was told to add it."""
    names = {normalize(n) for n in column.names()}
    for j, text in enumerate(header):
        if not isinstance(text, str) or first_col + j in taken:
            continue
        folded = normalize(text)
        if any(folded.startswith(n) and _ADDED.fullmatch(folded[len(n):]) for n in names if n):
            return j, text.strip()
    return None


_ADDED = re.compile(r"[*:]+|\(.*\)|\[.*\]")
"""What a desk adds to a heading: a mark of a required column, a unit or a note in brackets."""


def _header_row(spec: Sheet, rows: Sequence[Sequence[Any]]) -> int:
    """The first row naming the most of the sheet's columns (0 when none does)."""
    names = spec.headings.keys() | spec.short_headings.keys()
    best, best_hits = 0, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = sum(1 for v in row if isinstance(v, str) and normalize(v) in names)
        if hits > best_hits:
            best, best_hits = i, hits
    return best


SETTINGS_COLUMNS = Sheet("settings_columns", "Impostazioni", "Settings", columns=(
    schema.Column("setting", schema.SETTING_HEADERS[0][0], schema.SETTING_HEADERS[0][1], Kind.TEXT, True),
    schema.Column("value", schema.SETTING_HEADERS[1][0], schema.SETTING_HEADERS[1][1], Kind.TEXT, True),
))
