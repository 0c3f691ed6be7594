"""Rows to records: every cell converted by its column's kind, every mistake collected.

A row with any error becomes no record (so later rules never see half-read data), but the
other rows go on being read: the user gets the whole list at once.
"""

from __future__ import annotations

from typing import Any

from toolkit import model
from toolkit.cells import Location, address
from toolkit.problems import Problem, define
from toolkit.schema import SETTINGS, Sheet
from toolkit.validation.convert import Invalid, converter, is_empty
from toolkit.validation.layout import Table

REQUIRED_VALUE = define(
    "required-value", "error",
    it="Manca «{it}»: è obbligatorio, compila la cella.",
    en="“{en}” is missing: it is required, fill in the cell.")
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
    present = [c for c in spec.columns if c.key in table.columns]
    plan = [(c, table.columns[c.key], converter(c), _AFTER.get((spec.key, c.key))) for c in present]
    base = {c.key: c.default for c in spec.columns if c.key not in table.columns and c.default is not None}
    code_index = next((i for i, c in enumerate(present) if c.key == "code"), None)
    records: list[model.Record] = []
    problems: list[Problem] = []
    unread: set[str] = set()
    for row, values in table.values([c.key for c in present]):
        data: dict[str, Any] = dict(base)
        ok = True
        for (column, col, convert, after), value in zip(plan, values):
            if value is None or value == "" or (value.__class__ is str and not value.strip()):
                if column.required:
                    problems.append(REQUIRED_VALUE(Location(sheet, address(row, col), workbook),
                                                   it=column.it, en=column.en))
                    ok = False
                elif column.default is not None:
                    data[column.key] = column.default
                continue
            try:
                converted = convert(value)
            except Invalid as bad:
                problems.append(bad.kind(Location(sheet, address(row, col), workbook), **bad.params))
                ok = False
                continue
            data[column.key] = after(converted) if after else converted
        if ok:
            data["source"] = model.Source(sheet=spec.key, row=row)
            records.append(record_type(**data))
        elif code_index is not None and not is_empty(values[code_index]):
            unread.add(str(values[code_index]).strip())
    return records, problems, frozenset(unread)


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

