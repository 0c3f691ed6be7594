"""Rows to records: every cell converted by its column's kind, every mistake collected.

A row with any error becomes no record (so later rules never see half-read data), but the
other rows go on being read: the user gets the whole list at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import compress, repeat
from typing import Any

from toolkit.model import records as model
from toolkit.basics.cells import Location, address
from toolkit.basics.problems import Problem, define
from toolkit.model.sheets import SETTINGS, Column
from toolkit.intake.validation.columns import REQUIRED_VALUE, read_column
from toolkit.intake.validation.convert import Invalid, converter, is_empty
from toolkit.intake.validation.layout import Table

MISSING_SETTING = define(
    "missing-setting", "error",
    it="Manca l'impostazione «{it}»: aggiungi una riga «{it}» con il suo valore.",
    en="Setting “{en}” is missing: add a row “{en}” with its value.")

RECORDS: dict[str, type[model.Record]] = {
    "customers": model.Customer,
    "ship_to": model.ShipTo,
    "contacts": model.Contact,
    "items": model.Item,
    "price_lists": model.PriceList,
    "price_versions": model.PriceVersion,
    "prices": model.Price,
    "templates": model.Template,
    "template_lines": model.TemplateLine,
    "closures": model.Closure,
    "exceptions": model.CalendarException,
    "carriers": model.Carrier,
    "stock": model.StockLevel,
}

_AFTER = {
    ("carriers", "areas"): lambda text: tuple(a.strip() for a in text.replace(";", ",").split(",") if a.strip()),
}


def read_records(table: Table, workbook: str) -> tuple[list[model.Record], list[Problem], frozenset[str]]:
    """The sheet's records, its problems, and the codes of the rows that could not be read."""
    spec, sheet = table.spec, table.name
    record_type = RECORDS[spec.key]
    defaults = {name: f.get_default() for name, f in record_type.model_fields.items() if not f.is_required()}
    present = [c for c in spec.columns if c.key in table.columns]
    numbers, cells = table.data([c.key for c in present])
    empty = {c.key: _empty(c, defaults) for c in spec.columns}
    fields: dict[str, Iterable[Any]] = {key: repeat(value) for key, value in empty.items()}
    mistakes: list[tuple[int, int, Problem]] = []
    failed: set[int] = set()
    for position, (column, column_cells) in enumerate(zip(present, cells)):
        values, found = read_column(column, _converter(spec.key, column), column_cells, empty[column.key])
        fields[column.key] = values
        col = table.columns[column.key]
        for i, (kind, params) in found.items():
            mistakes.append((i, position, kind(Location(sheet, address(numbers[i], col), workbook), **params)))
            failed.add(i)
    mistakes.sort(key=lambda m: m[:2])
    code = cells[present.index(spec.column("code"))] if "code" in table.columns else None
    unread = {str(code[i]).strip() for i in failed if not is_empty(code[i])} if code is not None else set()
    return _records(record_type, spec.key, numbers, fields, failed), [p for *_, p in mistakes], frozenset(unread)


def _empty(column: Column, defaults: dict[str, Any]) -> Any:
    """What a blank cell (or a missing column) gives: the column's default, else the record's."""
    return column.default if column.default is not None else defaults.get(column.key)


def _converter(sheet_key: str, column: Column) -> Callable[[Any], Any]:
    convert, after = converter(column), _AFTER.get((sheet_key, column.key))
    return (lambda value: after(convert(value))) if after else convert


def _records(record_type: type[model.Record], sheet_key: str, numbers: list[int],
             fields: dict[str, Iterable[Any]], failed: set[int]) -> list[model.Record]:
    """One record per row read without mistakes, from each field's values down the rows."""
    sources = list(map(model.Source, repeat(sheet_key), numbers))
    names = list(record_type.model_fields)
    columns = [sources if name == "source" else fields[name] for name in names]
    rows = map(dict, map(zip, repeat(names), zip(*columns)))
    if failed:
        rows = compress(rows, (i not in failed for i in range(len(numbers))))
    return model.trusted(record_type, rows)


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
    rows = {}
    for row, values in table.rows():
        column = SETTINGS.match_column(str(values.get("setting") or ""))
        if column is not None and column.key not in rows:
            rows[column.key] = (row, values.get("value"))
    for column in SETTINGS.columns:
        if column.key not in rows:
            if column.required:
                problems.append(MISSING_SETTING(Location(sheet, address(table.raw.first_row + table.header_index, key_col), workbook),
                                                it=column.it, en=column.en))
                ok = False
            elif column.default is not None:
                data[column.key] = column.default
            continue
        row, value = rows[column.key]
        where = Location(sheet, address(row, value_col), workbook)
        cells[column.key] = where.cell or ""
        if is_empty(value):
            if column.required:
                problems.append(REQUIRED_VALUE(where, it=column.it, en=column.en))
                ok = False
            elif column.default is not None:
                data[column.key] = column.default
            continue
        try:
            data[column.key] = converter(column)(value)
        except Invalid as bad:
            problems.append(bad.kind(where, **bad.params))
            ok = False
    settings = model.Settings(**data) if ok else None
    return settings, cells, problems

