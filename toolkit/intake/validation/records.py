"""Rows to records: every cell validated by its field's type, every mistake collected.

A row with any error becomes no record (so later rules never see half-read data), but the
other rows go on being read: the user gets the whole list at once. The cells are validated a
column at a time (`columns.read_column`); the records are then made from those columns,
each checked whole by pydantic for its values' type (`toolkit.model.records.from_columns`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import compress, islice, repeat
from operator import attrgetter
from typing import Any

from toolkit.basics.cells import Location, address
from toolkit.basics.problems import Problem, Severity, define
from toolkit.basics.vat_ids import country_code
from toolkit.basics.vocab import normalize
from toolkit.intake.sources import padded_as_shown
from toolkit.intake.validation.columns import REQUIRED_VALUE, is_empty, read_column
from toolkit.intake.validation.layout import Table
from toolkit.model import records as model
from toolkit.model.cells import CODE_KINDS, Kind, PercentShown, postcode_of, said_paid_in_full
from toolkit.model.sheets import SETTINGS, SHEETS, Column

MISSING_SETTING = define(
    "missing-setting", "error",
    it="Manca l'impostazione «{it}»: aggiungi una riga «{it}» con il suo valore.",
    en="Setting “{en}” is missing: add a row “{en}” with its value.")

SETTING_TWICE = define(
    "setting-twice", "error",
    it="L'impostazione «{it}» è scritta in due righe con valori diversi, {first} e questa: il toolkit ne leggerebbe "
       "una sola. Tieni una riga sola, con il valore giusto.",
    en="Setting “{en}” is written on two rows with different values, {first} and this one: the toolkit would read "
       "only one. Keep one row, with the right value.")
PAID_IN_BESIDE_FULL = define(
    "paid-in-beside-i-v", "error",
    it="Il Capitale sociale «{capital}» dice i.v., interamente versato, ma il Capitale versato è {paid}: i documenti "
       "stamperebbero «versato {paid}». Se il capitale è interamente versato svuota il Capitale versato; se no, "
       "togli «i.v.» dal Capitale sociale.",
    en="Share capital “{capital}” says i.v., paid in full, but the Paid-in capital is {paid}: documents would print "
       "“paid in {paid}”. If the capital is paid in full, empty the Paid-in capital; if not, take “i.v.” off the "
       "Share capital.")
UNKNOWN_SETTING = define(
    "unknown-setting", "warning",
    it="«{name}» non è un'impostazione del toolkit, e la sua riga non viene letta: se è «{it}», scrivi il nome così.",
    en="“{name}” is not a toolkit setting, and its row is not read: if it is “{en}”, write the name so.",
    title=("Impostazione con un nome non riconosciuto", "Setting with a name not recognised"))
NEAR_SETTING = 0.85
"""How close a row's name must be to a setting's for the row to be told as that setting mistyped
(`Serie fattura` for *Serie fatture*): a row of the desk's own (*Telefono*) is left alone."""

RECORDS: dict[str, type[model.Record]] = {s.key: s.record for s in SHEETS if not s.key_value and s.record}
"""The record class of each table sheet's rows, by sheet key, in the format's order."""

NAMED_BY = {"customer_agents": "customer"}
"""The column that names what a row of a sheet without codes is about, kept of its rows that
could not be read (`Layout.unread_codes`): a customer's agents' shares are not summed over the
rows left, as if the refused one were not there."""

Columns = dict[str, list[Any]]
"""A sheet's records' values field by field, in the records' order: the lists they were made from."""


def read_records(table: Table, workbook: str) -> tuple[list[model.Record], list[Problem], frozenset[str], Columns]:
    """The sheet's records, its problems, the codes of the rows that could not be read, and
    the columns the records were made from (for `columns_read`)."""
    spec, sheet = table.spec, table.name
    present = [c for c in spec.columns if c.key in table.columns]
    numbers, cells = table.data([c.key for c in present])
    if table.raw.percents:
        cells = _as_shown(table, present, numbers, cells)
    if table.raw.padded:
        cells = _padded_as_shown(table, present, numbers, cells)
    fields: dict[str, Iterable[Any]] = {c.key: repeat(c.empty) for c in spec.columns}
    mistakes: list[tuple[int, int, Problem]] = []
    failed: set[int] = set()
    for position, (column, column_cells) in enumerate(zip(present, cells)):
        values, found = read_column(column, column_cells, column.empty)
        fields[column.key] = values
        col = table.columns[column.key]
        for i, (kind, params) in found.items():
            mistakes.append((i, position, kind(Location(sheet, address(numbers[i], col), workbook), **params)))
            if kind.severity is Severity.ERROR:
                failed.add(i)
    mistakes.sort(key=lambda m: m[:2])
    if "postcode" in table.columns and "country" in table.columns:
        fields["postcode"] = _postcodes_abroad(cells[present.index(spec.column("postcode"))], fields["postcode"],
                                               fields["country"])
    named_by = "code" if "code" in table.columns else NAMED_BY.get(spec.key)
    code = cells[present.index(spec.column(named_by))] if named_by in table.columns else None
    unread = {str(code[i]).strip() for i in failed if not is_empty(code[i])} if code is not None else set()
    made, columns = _records(RECORDS[spec.key], spec.key, numbers, fields, failed)
    return made, [p for *_, p in mistakes], frozenset(unread), columns


def _as_shown(table: Table, present: Sequence[Column], numbers: Sequence[int],
              cells: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The cells of the percent columns a percent format shows (`RawSheet.percents`), their
    numbers marked as such (`PercentShown`): 100 % is kept as 1 and read as 100, not 1 %."""
    shown = table.raw.percents
    marked = list(cells)
    for position, column in enumerate(present):
        col = table.columns[column.key]
        if column.kind is not Kind.PERCENT or not any(c == col for _, c in shown):
            continue
        marked[position] = tuple(PercentShown(cell) if (row, col) in shown and cell.__class__ in (int, float) else cell
                                 for row, cell in zip(numbers, cells[position]))
    return marked


def _padded_as_shown(table: Table, present: Sequence[Column], numbers: Sequence[int],
                     cells: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The number cells of the code columns (`CODE_KINDS`) a format of zeros shows
    (`RawSheet.padded`), as the sheet shows them: a telephone 0115551234 kept as 115551234 in a
    cell formatted `0000000000`, a partita IVA 01234560157 as 1234560157. Looked up only in
    those columns, and only when the sheet has such cells."""
    padded = table.raw.padded
    columns = {col for _, col in padded}
    marked = list(cells)
    for position, column in enumerate(present):
        col = table.columns[column.key]
        if column.kind in CODE_KINDS and col in columns:
            marked[position] = tuple(padded_as_shown(cell, padded.get((row, col)))
                                     for row, cell in zip(numbers, cells[position]))
    return marked


def _postcodes_abroad(cells: Sequence[Any], read: Iterable[Any], countries: Iterable[Any]) -> list[Any]:
    """The postcodes as read (an Italian CAP Excel kept as a number given its five digits back),
    those of an address abroad read for its country instead (`cells.postcode_of`)."""
    return [postcode_of(cell, code) if code != "IT" and not is_empty(cell) and postcode is not None else postcode
            for cell, postcode, code in zip(cells, read, map(country_code, countries))]


def _records(record_type: type[model.Record], sheet_key: str, numbers: list[int],
             fields: dict[str, Iterable[Any]], failed: set[int]) -> tuple[list[model.Record], Columns]:
    """One record per row read without mistakes, from each field's values down the rows, and
    those values."""
    kept = len(numbers) - len(failed)
    keep = [i not in failed for i in range(len(numbers))] if failed else None
    columns: dict[str, list[Any]] = {}
    for f in dataclasses.fields(record_type):
        values = _sources(sheet_key, numbers) if f.name == "source" else fields[f.name]
        if keep is None and values.__class__ is list and len(values) == kept:
            columns[f.name] = values  # read_column's own list, every row kept: no copy
        else:
            columns[f.name] = list(islice(compress(values, keep) if keep is not None else values, kept))
    return model.from_columns(record_type, columns), columns


_READ: ContextVar[dict[int, tuple[Sequence[Any], Columns]]] = ContextVar("columns_read")
_DISTINCT: ContextVar[dict[tuple[int, str], tuple[Sequence[Any], frozenset[Any]]]] = ContextVar("distinct_read")


@contextmanager
def columns_read(sheets: Iterable[tuple[Sequence[Any], Columns]]) -> Iterator[None]:
    """While the rules run, `column` gives each of these sheets' records' values from the
    columns they were made from (`read_records`), and `distinct` each set of them made once."""
    token = _READ.set({id(records): (records, columns) for records, columns in sheets})
    sets = _DISTINCT.set({})
    try:
        yield
    finally:
        _DISTINCT.reset(sets)
        _READ.reset(token)


def column(records: Sequence[Any], field: str) -> Sequence[Any]:
    """Each record's value of `field`, in order, not to be changed.

    Inside `columns_read`, for a sheet the data check has just read, the very list the records
    were made from, so no record is touched: a pass over records made a column at a time reads
    each one from another place in memory, and at L the rules' passes over them cost about a
    tenth of a second that way. Otherwise one pass over the records."""
    found = _READ.get({}).get(id(records))
    if found is not None and found[0] is records and field in found[1]:
        return found[1][field]
    return list(map(attrgetter(field), records))


def distinct(records: Sequence[Any], field: str) -> frozenset[Any]:
    """The values of `field` among the records, as a set.

    Inside `columns_read` made once per sheet and field: several rules ask which templates and
    items the template lines name, which items and customers there are, and at L a set of the
    200,000 lines' codes took about 15 ms each time, mostly loading each code's cached hash
    from wherever it lies in memory."""
    sets = _DISTINCT.get(None)
    if sets is None:
        return frozenset(column(records, field))
    found = sets.get((id(records), field))
    if found is None or found[0] is not records:
        found = sets[(id(records), field)] = (records, frozenset(column(records, field)))
    return found[1]


def _sources(sheet_key: str, numbers: list[int]) -> list[model.Source]:
    """Each row's `Source`, made by `tuple.__new__` over the rows in C: the named tuple's own
    constructor is a Python call per row, a third of a second for the 380,000 rows at L."""
    return list(map(tuple.__new__, repeat(model.Source), zip(repeat(sheet_key), numbers)))


def read_settings(table: Table | None, workbook: str) -> tuple[model.Settings | None, dict[str, str], list[Problem]]:
    """The key/value settings sheet. Returns the settings, each setting's value cell, problems."""
    problems: list[Problem] = []
    cells: dict[str, str] = {}
    if table is None:
        return None, cells, problems
    sheet = table.name
    value_col = table.columns.get("value", table.raw.first_col + 1)
    key_col = table.columns.get("setting", table.raw.first_col)
    data: dict[str, Any] = {}
    ok = True
    rows: dict[str, tuple[int, Any]] = {}
    named: dict[str, str] = {}
    for row, values in table.rows():
        name = str(values.get("setting") or "")
        column = SETTINGS.match_column(name)
        value = values.get("value")
        if table.raw.padded and column is not None and column.kind in CODE_KINDS:
            value = padded_as_shown(value, table.raw.padded.get((row, value_col)))
        if column is None:
            if (near := _near_setting(name)) is not None and not is_empty(value):
                problems.append(UNKNOWN_SETTING(Location(sheet, address(row, key_col), workbook), name=name.strip(),
                                                it=near.it, en=near.en))
        elif column.key not in rows or is_empty(rows[column.key][1]):
            rows[column.key] = (row, value)
            named[column.key] = name
        elif not is_empty(value) and not _same(column, value, rows[column.key][1]):
            problems.append(SETTING_TWICE(Location(sheet, address(row, value_col), workbook), it=column.it,
                                          en=column.en, first=address(rows[column.key][0], value_col)))
            ok = False
    for column in SETTINGS.columns:
        if column.key not in rows:
            if column.required:
                where = Location(sheet, address(table.raw.first_row + table.header_index, key_col), workbook)
                problems.append(MISSING_SETTING(where, it=column.it, en=column.en))
                ok = False
            continue
        row, value = rows[column.key]
        where = Location(sheet, address(row, value_col), workbook)
        cells[column.key] = where.cell or ""
        if is_empty(value):
            if column.required:
                problems.append(REQUIRED_VALUE(where, it=column.it, en=column.en))
                ok = False
            continue
        read, found = read_column(column, [value], None)
        if found:
            kind, params = found[0]
            problems.append(kind(where, **params))
            if kind.severity is Severity.ERROR:
                ok = False
                continue
        data[column.key] = read[0]
    capital, paid = data.get("share_capital"), data.get("paid_in_capital")
    if capital is not None and paid is not None and paid < capital and (
            said_paid_in_full(rows["share_capital"][1], named["share_capital"])):
        problems.append(PAID_IN_BESIDE_FULL(Location(sheet, cells["paid_in_capital"], workbook),
                                            capital=str(rows["share_capital"][1]).strip(), paid=paid))
        ok = False
    fields = tuple(data.get(f.name, f.default) for f in dataclasses.fields(model.Settings))
    settings = model.from_values(model.Settings, [fields])[0] if ok else None
    return settings, cells, problems


def _same(column: Column, one: Any, other: Any) -> bool:
    """Whether two rows give a setting one value: as written, or as the setting reads them (a CAP
    20121 typed in one row and kept as a number in the other, a *sì* and a *si*)."""
    if _shown(one) == _shown(other):
        return True
    read, found = read_column(column, [one, other], None)
    return not found and read[0] == read[1]


def _shown(value: Any) -> str:
    return str(value).strip().casefold()


def _near_setting(name: str) -> Column | None:
    """The setting whose name (Italian or English) `name` most resembles, when close enough
    (`NEAR_SETTING`) to be that setting mistyped."""
    from difflib import SequenceMatcher

    wanted = normalize(name)
    if not wanted:
        return None
    score, column = max(((SequenceMatcher(None, wanted, normalize(n)).ratio(), c)
                         for c in SETTINGS.columns for n in (c.it, c.en)), key=lambda found: found[0])
    return column if score >= NEAR_SETTING else None
